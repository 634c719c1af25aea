"""A DP option for a practitioner's torch model: retrain it with DP-SGD and measure what it costs.

DP-SGD (Abadi et al. 2016) clips each example's gradient and adds Gaussian noise; for a target
ε the noise multiplier σ comes from the kit's ε planner (:func:`trustlab.privacy.planner.
compute_privacy_plan`, Opacus' RDP accountant). :func:`private_retrain` trains copies of the
module with DP-SGD through Opacus' ``PrivacyEngine`` (:func:`trustlab.privacy.dpsgd.fit_private`)
and without DP over a few seeds, compares accuracy with intervals, and states what the run
allows an attacker (:mod:`trustlab.privacy.risk`: example-level DP, Poisson sampling, PLD ε at δ,
the largest TPR any membership test reaches at 1 % FPR). :func:`torch_fit_predict` makes the
same recipe a :class:`TorchRecipe` for :func:`trustlab.audit.privacy.audit_privacy`: its models
on random halves train as one :func:`trustlab.training.train_many` call when the module is an
``nn.Sequential`` that the batched path stacks (whose DP-SGD reproduces ``fit_private`` for the
same seed), one by one otherwise.
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
from trustlab.audit.checks import check_binary, check_recipe, check_same_length

__all__ = ["PrivateRetrain", "TorchRecipe", "private_retrain", "torch_fit_predict"]

def _plan(n, batch_size, epochs, target_epsilon, delta):
    """The planner's :class:`~trustlab.privacy.planner.PrivacyPlan` for fit_private's sampling."""
    from trustlab.privacy.planner import compute_privacy_plan

    q = 1.0 / math.ceil(n / min(batch_size, n))  # Poisson rate of fit_private and train_many
    return compute_privacy_plan("noise_multiplier", target_epsilon=target_epsilon, sample_rate=q,
                                epochs=epochs, delta=delta)


def _check_delta(delta, n):
    if delta >= 1.0 / n:
        raise ValueError(f"delta must be below 1/n = {1 / n:.2g} for {n} training rows, got {delta:g}")


def _stackable(module) -> bool:
    from trustlab.stacked import StackedModel

    try:
        StackedModel.from_modules([module])
    except TypeError:
        return False
    return True


@torch.no_grad()
def _proba(model, X):
    model.eval()
    dtype = next(model.parameters()).dtype
    logits = model(torch.as_tensor(np.asarray(X), dtype=dtype)).double()  # float64: no saturation at 1
    return torch.softmax(logits, dim=1)[:, 1].numpy()


class TorchRecipe:
    """A torch training recipe as ``fit_predict(X_train, y_train, X_eval, seed)`` → P(class 1).

    Built by :func:`torch_fit_predict`; :func:`~trustlab.audit.privacy.audit_privacy` calls
    :meth:`fit_predict_many` (all models at once) and :meth:`attack_bound` (DP recipes).
    """

    def __init__(self, module, *, epochs, lr, batch_size, target_epsilon, delta, max_grad_norm,
                 dtype=torch.float32):
        check_recipe(module, epochs, lr, batch_size, target_epsilon, delta, max_grad_norm)
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
        self.module, self.epochs, self.lr, self.batch_size = module, epochs, lr, batch_size
        self.target_epsilon, self.delta, self.max_grad_norm = target_epsilon, delta, max_grad_norm
        self.dtype = dtype
        self.batched = _stackable(module)

    def __repr__(self):
        dp = "" if self.target_epsilon is None else f", target_epsilon={self.target_epsilon:g}"
        return (f"TorchRecipe({type(self.module).__name__}, epochs={self.epochs}, lr={self.lr:g}, "
                f"batch_size={self.batch_size}{dp})")

    def plan(self, n):
        """The ε planner's σ for ``n`` training rows (None without DP)."""
        if self.target_epsilon is None:
            return None
        _check_delta(self.delta, n)
        return _plan(n, self.batch_size, self.epochs, self.target_epsilon, self.delta)

    def train(self, X, y, seed):
        """A trained copy of the module and the PrivateFit (None without DP), one model."""
        from torch.utils.data import DataLoader, TensorDataset

        from trustlab._random import torch_generator
        from trustlab.training import fit, train

        plan = self.plan(len(y))
        if plan is None:
            model = copy.deepcopy(self.module).to(self.dtype)
            if self.batched:
                train(model, X, y, epochs=self.epochs, lr=self.lr, batch_size=self.batch_size, seed=seed,
                      dtype=self.dtype)
            else:
                data = TensorDataset(torch.as_tensor(np.asarray(X), dtype=self.dtype),
                                     torch.as_tensor(np.asarray(y), dtype=torch.int64))
                fit(model, DataLoader(data, self.batch_size, shuffle=True, generator=torch_generator(seed)),
                    torch.optim.SGD(model.parameters(), lr=self.lr), self.epochs, seed=seed)
            return model, None
        from trustlab.privacy.dpsgd import fit_private

        model = copy.deepcopy(self.module)  # Opacus trains in float32
        return model, fit_private(model, X, y, noise_multiplier=plan.noise_multiplier,
                                  max_grad_norm=self.max_grad_norm, batch_size=min(self.batch_size, len(y)),
                                  epochs=self.epochs, lr=self.lr, delta=self.delta, seed=seed)

    def __call__(self, X_train, y_train, X_eval, seed=0):
        return _proba(self.train(X_train, y_train, seed)[0], X_eval)

    def fit_predict_many(self, X, y, subsets, seeds) -> np.ndarray:
        """P(class 1) on every row of ``X`` ``(K, n)``; model k trains on rows ``subsets[k]`` (bool mask).

        One :func:`trustlab.training.train_many` call when the module stacks and every subset
        has the same size (the DP plan is per size); each model equals ``self(X[rows], ...)``
        for its seed up to float rounding. Otherwise the models train one by one.
        """
        subsets = np.asarray(subsets, dtype=bool)
        sizes = subsets.sum(axis=1)
        if not self.batched or len(set(sizes.tolist())) != 1:
            X, y = np.asarray(X), np.asarray(y)
            return np.stack([self(X[rows], y[rows], X, seed=s) for rows, s in zip(subsets, seeds)])
        from trustlab.training import train_many

        plan, n_k = self.plan(int(sizes[0])), int(sizes[0])
        dp = {} if plan is None else dict(noise_multiplier=plan.noise_multiplier, max_grad_norm=self.max_grad_norm)
        r = train_many(lambda seed: copy.deepcopy(self.module), np.asarray(X), y, seeds=list(seeds), subsets=subsets,
                       epochs=self.epochs, lr=self.lr, batch_size=min(self.batch_size, n_k), dtype=self.dtype, **dp)
        with torch.no_grad():
            return torch.softmax(r.model(np.asarray(X)).double(), dim=-1)[..., 1].numpy()

    def attack_bound(self, n) -> AttackBound | None:
        """The :class:`AttackBound` of models trained on ``n`` rows (None without DP)."""
        from trustlab.privacy.risk import compute_risk

        plan = self.plan(n)
        if plan is None:
            return None
        from trustlab.audit.privacy import replace_one_bound

        risk = compute_risk(plan.noise_multiplier, plan.sample_rate, steps=plan.steps, delta=self.delta)
        return replace_one_bound(risk)


def torch_fit_predict(module, *, epochs=30, lr=0.1, batch_size=64, target_epsilon=None, delta=1e-5,
                      max_grad_norm=1.0, dtype=torch.float32) -> TorchRecipe:
    """A ``fit_predict`` for :func:`audit_privacy`: train a copy of ``module``, return P(class 1).

    Every model starts from a copy of ``module`` (its initial weights) and trains with the kit's
    SGD loop, or with DP-SGD (σ from the ε planner) when ``target_epsilon`` is given; it returns
    the softmax probability of class 1 on ``X_eval``. ``X`` must be numeric (encode a table
    first, e.g. ``table.encoder().fit_transform(table.X)``). ``dtype=torch.float64`` keeps a
    small model's numbers the same on every CPU (models trained one by one with DP-SGD go
    through Opacus, in float32).

    >>> from trustlab.models import mlp
    >>> f = torch_fit_predict(mlp(2, 2, hidden=(), seed=0), epochs=2)
    >>> f(np.eye(2).repeat(10, 0), np.arange(20) % 2, np.eye(2), seed=0).shape
    (2,)
    """
    return TorchRecipe(module, epochs=epochs, lr=lr, batch_size=batch_size, target_epsilon=target_epsilon,
                       delta=delta, max_grad_norm=max_grad_norm, dtype=dtype)


@dataclass(frozen=True, eq=False)
class PrivateRetrain:
    """Held-out accuracy with and without DP-SGD over seeds, the plan and what ε allows an attacker."""

    target_epsilon: float
    epsilon: float  # spent by the runs, Opacus' RDP accountant
    delta: float
    noise_multiplier: float
    sample_rate: float
    steps: int
    accuracy: tuple
    plain_accuracy: tuple
    plan: object  # trustlab.privacy.planner.PrivacyPlan
    risk: object  # trustlab.privacy.risk.RiskResult (example-level, PLD)
    model: nn.Module

    @property
    def cost(self) -> tuple[float, float]:
        """``(mean, half_width)`` of the accuracy lost to DP (non-private minus private, paired by seed)."""
        return mean_interval(np.subtract(self.plain_accuracy, self.accuracy))

    @property
    def statement(self) -> str:
        """The plain-language privacy statement (:func:`trustlab.privacy.risk.privacy_statement`)."""
        return self.risk.statement()

    def risk_line(self) -> str:
        """What ε means for an attacker, in one line."""
        r = self.risk
        return (f"example-level DP, Poisson sampling: epsilon={r.epsilon:.2f} at delta={r.delta:g} (PLD); an "
                f"attacker who flags 1 % of non-members can catch at most {100 * r.tpr_at[0.01]:.1f} % of "
                f"members (at 0.1 %: {100 * r.tpr_at[0.001]:.2f} %)")

    def summary(self) -> str:
        """Three rounded lines: the plan, the accuracies with 95 % intervals, the risk."""
        (m, h), (pm, ph), (c, ch) = (mean_interval(self.accuracy), mean_interval(self.plain_accuracy),
                                     self.cost)
        return (f"DP-SGD: target epsilon={self.target_epsilon:g} -> sigma={self.noise_multiplier:.2f} "
                f"(RDP epsilon={self.epsilon:.2f}, delta={self.delta:g})  q={self.sample_rate:.3g}  "
                f"steps={self.steps}\ntest acc={m:.3f}±{h:.3f} vs non-private {pm:.3f}±{ph:.3f} "
                f"({len(self.accuracy)} seeds); cost {c:+.3f}±{ch:.3f}\n{self.risk_line()}")


def private_retrain(module, X, y, *, target_epsilon, delta=1e-5, epochs=30, lr=0.1, batch_size=64,
                    max_grad_norm=1.0, test_size=0.3, n_seeds=3, seed=0, dtype=torch.float32) -> PrivateRetrain:
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
    dtype : torch.float32 or torch.float64
        Arithmetic of the non-private runs (float64 keeps their numbers the same on every CPU);
        the DP-SGD runs go through Opacus in float32.

    Returns
    -------
    PrivateRetrain
        ``model`` is the first seed's private model; ``risk`` the run's example-level risk.

    Examples
    --------
    >>> from trustlab.models import mlp
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 2)); y = (X[:, 0] > 0).astype(int)
    >>> r = private_retrain(mlp(2, 2, hidden=(), seed=0), X, y, target_epsilon=1.0, epochs=5, n_seeds=2)
    >>> round(r.epsilon, 1) <= 1.0, r.steps, r.risk.epsilon < r.epsilon
    (True, 35, True)
    """
    recipe = TorchRecipe(module, epochs=epochs, lr=lr, batch_size=batch_size, target_epsilon=target_epsilon,
                         delta=delta, max_grad_norm=max_grad_norm, dtype=dtype)
    if target_epsilon is None:
        raise ValueError("target_epsilon must be a number > 0 (the DP budget), got None")
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
    plan = recipe.plan(len(train))
    plain = copy.copy(recipe)
    plain.target_epsilon = None
    private, models, fit = [], [], None
    for s in seeds:  # through Opacus' PrivacyEngine, one run per seed
        model, fit = recipe.train(X[train], y[train], s)
        private.append(float(np.mean((_proba(model, X[test]) > 0.5) == y[test])))
        models.append(model)
    mask = np.zeros((n_seeds, n), dtype=bool)
    mask[:, train] = True
    p_plain = plain.fit_predict_many(X, y, mask, seeds)[:, test]  # batched when the module stacks
    accuracy = [float(np.mean((p > 0.5) == y[test])) for p in p_plain]
    from trustlab.privacy.risk import compute_risk

    risk = compute_risk(fit.noise_multiplier, fit.sample_rate, steps=fit.steps, delta=delta)
    return PrivateRetrain(float(target_epsilon), fit.epsilon, float(delta), fit.noise_multiplier,
                          fit.sample_rate, fit.steps, tuple(private), tuple(accuracy), plan, risk, models[0])
