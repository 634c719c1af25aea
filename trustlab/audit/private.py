"""A DP option for a practitioner's torch model: retrain it with DP-SGD and measure what it costs.

DP-SGD (Abadi et al. 2016) clips each example's gradient and adds Gaussian noise; for a target
ε the noise multiplier σ comes from the kit's planner (:func:`trustlab.privacy.accounting.
noise_multiplier_for`, Opacus' RDP accountant) and training runs through the kit's Opacus path
(:func:`trustlab.privacy.dpsgd.fit_private`, ``PrivacyEngine``). :func:`private_retrain` trains a
copy of the module with and without DP over a few seeds and reports accuracy with intervals;
:func:`torch_fit_predict` turns the same recipe into the function :func:`trustlab.audit.
privacy.audit_privacy` retrains on random halves. The plain-language privacy statement comes
from ``trustlab.privacy.risk`` (issue 19) once that module exists (:func:`statement_backend`).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from trustlab._random import numpy_rng
from trustlab._validate import check_int, check_number
from trustlab.audit.bootstrap import mean_interval
from trustlab.audit.checks import check_binary, check_same_length

__all__ = ["PrivateRetrain", "private_retrain", "statement_backend", "torch_fit_predict"]


def statement_backend():
    """The seam for the privacy statement: ``trustlab.privacy.risk.privacy_statement`` or None.

    Called once per retrain as ``privacy_statement(noise_multiplier=..., sample_rate=...,
    steps=..., delta=...)``; it returns the plain-language statement (a string).
    """
    try:
        from trustlab.privacy.risk import privacy_statement
    except ImportError:
        return None
    return privacy_statement


def _plan(n, batch_size, epochs, target_epsilon, delta):
    """``(sigma, sample_rate, steps)`` of fit_private's Poisson sampling for a target ε."""
    from trustlab.privacy.accounting import noise_multiplier_for

    batches = math.ceil(n / batch_size)
    q, steps = 1.0 / batches, epochs * batches
    return noise_multiplier_for(target_epsilon, q, steps, delta), q, steps


def _check_recipe(module, epochs, lr, batch_size, target_epsilon, delta, max_grad_norm):
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module returning logits, got {type(module).__name__}")
    check_int("epochs", epochs, 1, 10_000)
    check_number("lr", lr, 0, None, low_open=True)
    check_int("batch_size", batch_size, 1)
    if target_epsilon is not None:
        check_number("target_epsilon", target_epsilon, 0, 1e3, low_open=True)
    check_number("delta", delta, 0, 1, low_open=True, high_open=True)
    check_number("max_grad_norm", max_grad_norm, 0, None, low_open=True)


def _train(module, X, y, *, epochs, lr, batch_size, target_epsilon, delta, max_grad_norm, seed):
    """A trained copy of ``module`` and the PrivateFit (None without DP)."""
    from trustlab.training import train

    model = copy.deepcopy(module)
    if target_epsilon is None:
        train(model, X, y, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed)
        return model, None
    from trustlab.privacy.dpsgd import fit_private

    if delta >= 1.0 / len(y):
        raise ValueError(f"delta must be below 1/n = {1 / len(y):.2g} for {len(y)} training rows, got {delta:g}")
    sigma, _, _ = _plan(len(y), batch_size, epochs, target_epsilon, delta)
    fit = fit_private(model, X, y, noise_multiplier=sigma, max_grad_norm=max_grad_norm,
                      batch_size=min(batch_size, len(y)), epochs=epochs, lr=lr, delta=delta, seed=seed)
    return model, fit


@torch.no_grad()
def _proba(model, X):
    model.eval()
    return torch.softmax(model(torch.as_tensor(np.asarray(X), dtype=torch.float32)), dim=1)[:, 1].double().numpy()


def torch_fit_predict(module, *, epochs=30, lr=0.1, batch_size=64, target_epsilon=None, delta=1e-5,
                      max_grad_norm=1.0):
    """A ``fit_predict`` for :func:`audit_privacy`: train a copy of ``module``, return P(class 1).

    Every call deep-copies ``module`` (so every model starts from its initial weights), trains it
    with the kit's loop (SGD), or with DP-SGD through Opacus when ``target_epsilon`` is given, and
    returns the softmax probability of class 1 on ``X_eval``. ``X`` must be numeric (encode a
    table first, e.g. ``table.encoder().fit_transform(table.X)``).

    >>> from trustlab.models import mlp
    >>> f = torch_fit_predict(mlp(2, 2, hidden=(), seed=0), epochs=2)
    >>> f(np.eye(2).repeat(10, 0), np.arange(20) % 2, np.eye(2), seed=0).shape
    (2,)
    """
    _check_recipe(module, epochs, lr, batch_size, target_epsilon, delta, max_grad_norm)

    def fit_predict(X_train, y_train, X_eval, seed=0):
        model, _ = _train(module, X_train, y_train, epochs=epochs, lr=lr, batch_size=batch_size,
                          target_epsilon=target_epsilon, delta=delta, max_grad_norm=max_grad_norm, seed=seed)
        return _proba(model, X_eval)

    return fit_predict


@dataclass(frozen=True, eq=False)
class PrivateRetrain:
    """Held-out accuracy with and without DP-SGD over seeds, and the ε the DP runs spend."""

    target_epsilon: float
    epsilon: float
    delta: float
    noise_multiplier: float
    sample_rate: float
    steps: int
    accuracy: tuple
    plain_accuracy: tuple
    statement: str | None
    model: nn.Module

    @property
    def cost(self) -> tuple[float, float]:
        """``(mean, half_width)`` of the accuracy lost to DP (non-private minus private, paired by seed)."""
        return mean_interval(np.subtract(self.plain_accuracy, self.accuracy))

    def summary(self) -> str:
        """Two rounded lines: the DP setting and the accuracies with 95 % intervals."""
        (m, h), (pm, ph), (c, ch) = (mean_interval(self.accuracy), mean_interval(self.plain_accuracy),
                                     self.cost)
        k = len(self.accuracy)
        statement = self.statement or "privacy statement: pending (needs trustlab.privacy.risk, issue 19)"
        return (f"DP-SGD epsilon={self.epsilon:.2f} (delta={self.delta:g})  sigma={self.noise_multiplier:.2f}"
                f"  q={self.sample_rate:.3g}  steps={self.steps}\n"
                f"test acc={m:.3f}±{h:.3f} vs non-private {pm:.3f}±{ph:.3f} ({k} seeds); "
                f"cost {c:+.3f}±{ch:.3f}\n{statement}")


def private_retrain(module, X, y, *, target_epsilon, delta=1e-5, epochs=30, lr=0.1, batch_size=64,
                    max_grad_norm=1.0, test_size=0.3, n_seeds=3, seed=0) -> PrivateRetrain:
    """Retrain ``module`` with DP-SGD at ``target_epsilon`` and without DP; compare accuracy.

    Parameters
    ----------
    module : torch.nn.Module
        Returns two logits per row; copied, never changed.
    X, y : numeric features (2-d) and 0/1 labels
    target_epsilon, delta : the privacy budget (δ must be below 1/n).
    epochs, lr, batch_size, max_grad_norm : the recipe (batches are Poisson-sampled with DP).
    test_size : float
        Share of rows held out to measure accuracy (the same rows for every seed).
    n_seeds : int
        Trainings with each recipe; accuracies are reported as mean ± 95 % interval.
    seed : int

    Returns
    -------
    PrivateRetrain
        ``model`` is the first seed's private model.

    Examples
    --------
    >>> from trustlab.models import mlp
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 2)); y = (X[:, 0] > 0).astype(int)
    >>> r = private_retrain(mlp(2, 2, hidden=(), seed=0), X, y, target_epsilon=1.0, epochs=5, n_seeds=2)
    >>> round(r.epsilon, 1) <= 1.0, r.steps
    (True, 35)
    """
    _check_recipe(module, epochs, lr, batch_size, target_epsilon, delta, max_grad_norm)
    n = check_same_length(X=X, y=y)
    y = check_binary("y", y)
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or not np.isfinite(X).all():
        raise ValueError(f"X must be a 2-d array of finite numbers (encode the table first), got shape {X.shape}")
    check_number("test_size", test_size, 0.05, 0.95)
    n_seeds = check_int("n_seeds", n_seeds, 2, 20)
    rng = numpy_rng(seed)
    perm = rng.permutation(n)
    test, train = perm[:int(round(test_size * n))], perm[int(round(test_size * n)):]
    seeds = [int(s) for s in rng.integers(2**31 - 1, size=n_seeds)]
    kw = dict(epochs=epochs, lr=lr, batch_size=batch_size, delta=delta, max_grad_norm=max_grad_norm)
    private, plain, first, fit = [], [], None, None
    for s in seeds:
        model, fit = _train(module, X[train], y[train], target_epsilon=target_epsilon, seed=s, **kw)
        private.append(float(np.mean((_proba(model, X[test]) > 0.5) == y[test])))
        first = model if first is None else first
        other, _ = _train(module, X[train], y[train], target_epsilon=None, seed=s, **kw)
        plain.append(float(np.mean((_proba(other, X[test]) > 0.5) == y[test])))
    statement = statement_backend()
    text = None if statement is None else statement(noise_multiplier=fit.noise_multiplier,
                                                    sample_rate=fit.sample_rate, steps=fit.steps, delta=delta)
    return PrivateRetrain(float(target_epsilon), fit.epsilon, float(delta), fit.noise_multiplier,
                          fit.sample_rate, fit.steps, tuple(private), tuple(plain), text, first)
