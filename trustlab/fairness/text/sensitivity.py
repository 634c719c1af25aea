"""Accumulated prediction sensitivity (APS): how much a prediction moves along gender-encoding features.

Krishna, Gupta, Verma, Dhamala, Pruksachatkun & Chang (2022, ACL), "Measuring fairness of text
classifiers via prediction sensitivity". The paper's full text was not available offline, so
what is here is **the kit's reading** of it, with every choice stated:

- PS(x) = wᵀ |J(x) v(x)|: J = ∂p/∂x is the Jacobian of the class probabilities with respect to
  the input features; |·| is taken *after* the product (elementwise over classes); w ≥ 0 weighs
  the classes (uniform 1/K by default); APS is the plain mean of PS over a dataset.
- v(x) comes from a protected-attribute probe g(x) = P(female | x) (a logistic regression on
  the same features): its gradient ∇ₓ g. The kit's default keeps the gradient's sign and
  scales it to unit length per row (averaged word vectors encode gender as a *direction*);
  ``absolute=True`` takes |∇ₓ g| per feature, ``normalize=False`` keeps its length.
- A variant puts |·| inside: wᵀ (|J| |v|), an upper bound of wᵀ |J v| that ignores cancellation
  between features.

:data:`VARIANTS` names the six combinations and :func:`sensitivity_variants` computes them all.
Counterfactual token fairness (Garg et al. 2019, AIES) is the comparison: how far the
probabilities move when the gender words are swapped. J·v is one forward-mode product per
batch (``torch.func.jvp``).
"""

from __future__ import annotations

import numpy as np
import torch
from torch.func import jacrev, jvp, vmap

from trustlab._validate import check_number

__all__ = ["VARIANTS", "accumulated_prediction_sensitivity", "counterfactual_gap",
           "finite_difference_jv", "gender_probe", "gender_probes", "jacobian", "jacobian_vector_product",
           "prediction_sensitivity", "probe_feature_weights", "sensitivity_variants"]

#: The variants of PS the kit computes: (where |·| sits, v signed or absolute, v unit or raw).
VARIANTS = {
    "|Jv|, signed unit v (default)": ("outside", False, True),
    "|Jv|, signed raw v": ("outside", False, False),
    "|Jv|, |v| unit": ("outside", True, True),
    "|Jv|, |v| raw": ("outside", True, False),
    "|J||v|, unit": ("inside", True, True),
    "|J||v|, raw": ("inside", True, False),
}


def _dtype(model):
    params = list(model.parameters()) if hasattr(model, "parameters") else []
    return params[0].dtype if params and params[0].dtype == torch.float64 else torch.float32


def _tensor(name, X, dtype=torch.float32):
    try:
        X = torch.as_tensor(np.asarray(X) if not torch.is_tensor(X) else X, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 2-d array of numbers, got {type(X).__name__}") from None
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"{name} must be a non-empty 2-d array (rows x features), got shape "
                         f"{tuple(X.shape)}")
    if not torch.isfinite(X).all():
        raise ValueError(f"{name} must hold finite numbers; it has NaN or inf")
    return X


def _check_model(model, X):
    if not callable(model):
        raise TypeError(f"model must be a torch module mapping features to logits, got "
                        f"{type(model).__name__}")
    layers = [m for m in model.modules() if isinstance(m, torch.nn.Linear)] \
        if hasattr(model, "modules") else []
    if layers and layers[0].in_features != X.shape[1]:
        raise ValueError(f"X must have {layers[0].in_features} features (the model's input), "
                         f"got {X.shape[1]}")


def _probabilities(model):
    return lambda x: torch.softmax(model(x), dim=-1)


def jacobian_vector_product(model, X, V) -> torch.Tensor:
    """J(x) v for each row: the change of the class probabilities along direction v (forward mode).

    ``model`` maps ``(n, d)`` features to ``(n, K)`` logits row by row; ``V`` is ``(n, d)``.
    """
    dtype = _dtype(model)
    X, V = _tensor("X", X, dtype), _tensor("V", V, dtype)
    _check_model(model, X)
    if V.shape != X.shape:
        raise ValueError(f"V must have the shape of X {tuple(X.shape)}, got {tuple(V.shape)}")
    with torch.no_grad():
        return jvp(_probabilities(model), (X,), (V,))[1]


def jacobian(model, X) -> torch.Tensor:
    """J(x) for each row: ``(n, K, d)``, the derivative of each class probability by each feature."""
    X = _tensor("X", X, _dtype(model))
    _check_model(model, X)
    return vmap(jacrev(lambda x: torch.softmax(model(x), dim=-1)))(X).detach()


def gender_probe(X, female, *, seed=0):
    """A logistic-regression probe g(x) = P(female | x) trained on features ``X`` (torch module)."""
    from trustlab.models import logistic_regression
    from trustlab.training import train

    X = _tensor("X", X, torch.float64)
    female = np.asarray(female)
    if female.shape != (len(X),) or set(np.unique(female).tolist()) != {0, 1}:
        raise ValueError("female must give both genders, one 0/1 entry per row of X")
    # float64: the probe's gradient is v, and v should not depend on the CPU's rounding.
    probe = logistic_regression(X.shape[1], 2, seed=seed).double()
    train(probe, X, female.astype(np.int64), epochs=20, lr=0.5, batch_size=64, momentum=0.9,
          seed=seed, dtype=torch.float64)
    return probe.eval()


def gender_probes(Xs, females, *, seeds):
    """Probes as :func:`gender_probe`, probe k trained on ``(Xs[k], females[k])``, as one batched
    run (float64). Returns the stacked probes; ``.member(k)`` is seed k's probe."""
    import functools

    from trustlab.models import logistic_regression
    from trustlab.training import train_many

    Xs = [_tensor("Xs", X, torch.float64) for X in Xs]
    ys = [np.asarray(f) for f in females]
    for X, y in zip(Xs, ys):
        if y.shape != (len(X),) or set(np.unique(y).tolist()) != {0, 1}:
            raise ValueError("females must give both genders, one 0/1 entry per row of each X")
    bounds = np.cumsum([0] + [len(y) for y in ys])
    subsets = [np.arange(bounds[k], bounds[k + 1]) for k in range(len(ys))]
    r = train_many(functools.partial(logistic_regression, Xs[0].shape[1], 2), torch.cat(Xs),
                   np.concatenate(ys).astype(np.int64), seeds=list(seeds), subsets=subsets,
                   epochs=20, lr=0.5, batch_size=64, momentum=0.9, dtype=torch.float64)
    return r.model


def probe_feature_weights(probe, X, *, absolute=False, normalize=True) -> torch.Tensor:
    """v(x): the probe's gradient ∇ₓ P(female | x) per row (the kit's reading of the paper's v).

    ``absolute=True`` takes |∇ₓ g|, a non-negative weight per feature, which suits features
    that each mean something (tokens); averaged word vectors encode gender as a *direction*,
    and |·| turns it into another direction, so the default keeps the sign (J v is then the
    derivative of the prediction along the probe's gender direction). ``normalize=True`` (the
    default) scales each row's v to unit length, so PS compares directions, not how steep the
    probe is; ``normalize=False`` keeps the gradient's size.
    """
    X = _tensor("X", X, _dtype(probe))
    grad = vmap(jacrev(lambda x: torch.softmax(probe(x), dim=-1)[1]))(X).detach()
    if absolute:
        grad = grad.abs()
    if normalize:
        grad = grad / grad.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return grad


def _class_weights(w, n_classes):
    if w is None:
        return torch.full((n_classes,), 1.0 / n_classes, dtype=torch.float64)
    try:
        w = torch.as_tensor(np.asarray(w, dtype=np.float64))
    except (TypeError, ValueError):
        raise TypeError(f"w must be {n_classes} class weights (numbers), got {w!r:.60}") from None
    if w.shape != (n_classes,) or not bool(torch.isfinite(w).all()) or bool((w < 0).any()):
        raise ValueError(f"w must hold {n_classes} finite non-negative class weights, got "
                         f"{w.tolist()}")
    return w


def prediction_sensitivity(model, X, V, w=None) -> np.ndarray:
    """PS(x) = wᵀ |J(x) v(x)| for every row; 0 means the prediction ignores the features in v.

    ``w`` defaults to uniform class weights 1/K.

    >>> lin = torch.nn.Linear(2, 2)
    >>> with torch.no_grad():
    ...     _ = lin.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 0.0]])); _ = lin.bias.zero_()
    >>> prediction_sensitivity(lin, [[0.0, 0.0]], [[0.0, 1.0]]).tolist()  # v off the used feature
    [0.0]
    >>> round(float(prediction_sensitivity(lin, [[0.0, 0.0]], [[1.0, 0.0]])[0]), 3)  # p(1-p) = 0.25
    0.25
    """
    jv = jacobian_vector_product(model, X, V)
    w = _class_weights(w, jv.shape[1]).to(jv.dtype)
    return (jv.abs() @ w).numpy().astype(np.float64)


def sensitivity_variants(model, probe, X, w=None) -> dict:
    """PS of every row under each of :data:`VARIANTS`: ``{name: (n,) array}``.

    >>> lin = torch.nn.Linear(2, 2)
    >>> ps = sensitivity_variants(lin, lin, [[0.0, 1.0], [1.0, 0.0]])
    >>> sorted(ps) == sorted(VARIANTS), all(len(v) == 2 for v in ps.values())
    (True, True)
    """
    J = None
    out = {}
    for name, (where, absolute, normalize) in VARIANTS.items():
        V = probe_feature_weights(probe, X, absolute=absolute, normalize=normalize)
        if where == "outside":
            out[name] = prediction_sensitivity(model, X, V, w)
        else:
            J = jacobian(model, X) if J is None else J
            wk = _class_weights(w, J.shape[1]).to(J.dtype)
            out[name] = ((J.abs() @ V.abs().to(J.dtype)[..., None])[..., 0] @ wk).numpy()
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


def accumulated_prediction_sensitivity(model, X, V, w=None) -> float:
    """APS: the mean of :func:`prediction_sensitivity` over the rows of ``X``. 0 is best."""
    return float(prediction_sensitivity(model, X, V, w).mean())


def counterfactual_gap(model, X, X_swapped, w=None) -> np.ndarray:
    """wᵀ |p(x) − p(x′)| per row, x′ the bio with its gender words swapped. 0 means no change."""
    dtype = _dtype(model)
    X, Xs = _tensor("X", X, dtype), _tensor("X_swapped", X_swapped, dtype)
    _check_model(model, X)
    if X.shape != Xs.shape:
        raise ValueError(f"X_swapped must have the shape of X {tuple(X.shape)}, got {tuple(Xs.shape)}")
    with torch.no_grad():
        diff = (_probabilities(model)(X) - _probabilities(model)(Xs)).abs()
    return (diff @ _class_weights(w, diff.shape[1]).to(diff.dtype)).numpy().astype(np.float64)


def finite_difference_jv(model, X, V, h=1e-3) -> torch.Tensor:
    """Central difference (p(x + h v) − p(x − h v)) / 2h: the check on :func:`jacobian_vector_product`."""
    h = check_number("h", h, 0, None, low_open=True)
    dtype = _dtype(model)
    X, V = _tensor("X", X, torch.float64), _tensor("V", V, torch.float64)
    f = _probabilities(model.double())
    try:
        with torch.no_grad():
            return ((f(X + h * V) - f(X - h * V)) / (2 * h)).to(dtype)
    finally:
        model.to(dtype)
