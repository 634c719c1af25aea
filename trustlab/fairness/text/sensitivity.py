"""Accumulated prediction sensitivity (APS): how much a prediction moves along gender-encoding features.

Krishna, Gupta, Verma, Dhamala, Pruksachatkun & Chang (2022, ACL), "Measuring fairness of text
classifiers via prediction sensitivity": PS(x) = wᵀ |J(x) v(x)|, with J the Jacobian of the
class probabilities with respect to the input features, v(x) weighting each feature by how much
it encodes the protected attribute (|∇ₓ g(x)| of a protected-attribute probe g; here the
signed, unit-length gradient, see :func:`probe_feature_weights`) and w ≥ 0 weighting the
classes; APS is its mean over a dataset. Counterfactual token fairness (Garg et al. 2019,
AIES) is the comparison: how far the probabilities move when the gender words are swapped.
J·v is one forward-mode product per batch (``torch.func.jvp``).
"""

from __future__ import annotations

import numpy as np
import torch
from torch.func import jacrev, jvp, vmap

from trustlab._validate import check_number

__all__ = ["accumulated_prediction_sensitivity", "counterfactual_gap", "finite_difference_jv",
           "gender_probe", "jacobian_vector_product", "prediction_sensitivity",
           "probe_feature_weights"]


def _tensor(name, X):
    X = torch.as_tensor(np.asarray(X) if not torch.is_tensor(X) else X, dtype=torch.float32)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"{name} must be a non-empty 2-d array (rows x features), got shape "
                         f"{tuple(X.shape)}")
    return X


def _probabilities(model):
    return lambda x: torch.softmax(model(x), dim=-1)


def jacobian_vector_product(model, X, V) -> torch.Tensor:
    """J(x) v for each row: the change of the class probabilities along direction v (forward mode).

    ``model`` maps ``(n, d)`` features to ``(n, K)`` logits row by row; ``V`` is ``(n, d)``.
    """
    X, V = _tensor("X", X), _tensor("V", V)
    if V.shape != X.shape:
        raise ValueError(f"V must have the shape of X {tuple(X.shape)}, got {tuple(V.shape)}")
    with torch.no_grad():
        return jvp(_probabilities(model), (X,), (V,))[1]


def gender_probe(X, female, *, seed=0):
    """A logistic-regression probe g(x) = P(female | x) trained on features ``X`` (torch module)."""
    from trustlab.models import logistic_regression
    from trustlab.training import train

    X = _tensor("X", X)
    female = np.asarray(female, dtype=np.int64)
    if len(female) != len(X) or len(np.unique(female)) != 2:
        raise ValueError("female must give both genders, one 0/1 entry per row of X")
    probe = logistic_regression(X.shape[1], 2, seed=seed)
    train(probe, X, female, epochs=20, lr=0.5, batch_size=64, momentum=0.9, seed=seed)
    return probe.eval()


def probe_feature_weights(probe, X, *, absolute=False) -> torch.Tensor:
    """v(x): the probe's gradient ∇ₓ P(female | x) per row, scaled to unit length.

    Krishna et al. take |∇ₓ g|, a non-negative weight per feature: right for features that each
    mean something (tokens). Averaged word vectors encode gender as a *direction*, and |·| would
    turn it into another direction, so the default keeps the sign: J v is then the derivative
    of the prediction along the probe's gender direction. ``absolute=True`` gives the paper's form.
    """
    X = _tensor("X", X)
    grad = vmap(jacrev(lambda x: torch.softmax(probe(x), dim=-1)[1]))(X).detach()
    if absolute:
        grad = grad.abs()
    return grad / grad.norm(dim=1, keepdim=True).clamp_min(1e-12)


def _class_weights(w, n_classes):
    if w is None:
        return torch.full((n_classes,), 1.0 / n_classes)
    w = torch.as_tensor(np.asarray(w, dtype=np.float32))
    if w.shape != (n_classes,) or bool((w < 0).any()):
        raise ValueError(f"w must hold {n_classes} non-negative class weights, got {w.tolist()}")
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
    w = _class_weights(w, jv.shape[1])
    return (jv.abs() @ w).numpy().astype(np.float64)


def accumulated_prediction_sensitivity(model, X, V, w=None) -> float:
    """APS: the mean of :func:`prediction_sensitivity` over the rows of ``X``. 0 is best."""
    return float(prediction_sensitivity(model, X, V, w).mean())


def counterfactual_gap(model, X, X_swapped, w=None) -> np.ndarray:
    """wᵀ |p(x) − p(x′)| per row, x′ the bio with its gender words swapped. 0 means no change."""
    X, Xs = _tensor("X", X), _tensor("X_swapped", X_swapped)
    if X.shape != Xs.shape:
        raise ValueError(f"X_swapped must have the shape of X {tuple(X.shape)}, got {tuple(Xs.shape)}")
    with torch.no_grad():
        diff = (_probabilities(model)(X) - _probabilities(model)(Xs)).abs()
    return (diff @ _class_weights(w, diff.shape[1])).numpy().astype(np.float64)


def finite_difference_jv(model, X, V, h=1e-3) -> torch.Tensor:
    """Central difference (p(x + h v) − p(x − h v)) / 2h: the check on :func:`jacobian_vector_product`."""
    h = check_number("h", h, 0, None, low_open=True)
    X, V = _tensor("X", X).double(), _tensor("V", V).double()
    f = _probabilities(model.double())
    try:
        with torch.no_grad():
            return ((f(X + h * V) - f(X - h * V)) / (2 * h)).float()
    finally:
        model.float()
