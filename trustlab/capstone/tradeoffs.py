"""Compute the capstone's trade-offs: one federated run per setting, four numbers per run.

A run is :func:`trustlab.federated.api.run_federated` on Adult (Flower's ClientApp and FedAvg
through the in-process Grid; with noise, Flower's server-side fixed-clipping DP wrapper, i.e.
DP-FedAvg, McMahan et al. 2018). The global model is then measured on Adult's test file:
accuracy, the gap in true-positive rate between women and men (equal opportunity, Hardt et al.
2016; through fairlearn) and a loss-threshold membership-inference attack (Yeom et al. 2018)
on 2,000 training rows against 2,000 test rows. The grid of every setting is a shipped sweep,
so the explorer only looks values up; :func:`run_tradeoff_point` recomputes any one live.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustlab._validate import check_int, check_number
from trustlab.cache import cached

__all__ = ["GRID", "TradeoffPoint", "attack_auc_bound", "auc_standard_error", "majority_accuracy",
           "run_grid", "run_tradeoff_point", "sweep_params", "tradeoff_sweep"]

SHIPPED = Path(__file__).with_name("sweeps")

#: The settings of the shipped sweep (every combination is one federated run).
GRID = {
    "noise_multiplier": (0.0, 0.5, 1.0, 2.0, 4.0, 8.0),
    "num_clients": (10, 100),
    "alpha": (100.0, 0.3),
    "group_resample": (0.0, 0.5, 1.0),
}
#: What every run shares: 5 rounds of 1 local epoch, lr 0.1, batch 32, update clipping C = 1.
FIXED = {"num_rounds": 5, "local_epochs": 1, "lr": 0.1, "batch_size": 32, "clipping_norm": 1.0,
         "delta": 1e-5, "n_attack": 2000}
KNOBS = tuple(GRID)


def auc_standard_error(auc, n_pos, n_neg) -> float:
    """Hanley & McNeil's (1982) standard error of an ROC AUC from ``n_pos`` and ``n_neg`` examples.

    >>> round(auc_standard_error(0.5, 2000, 2000), 4)
    0.0091
    """
    a = check_number("auc", auc, 0, 1)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)
    return float(math.sqrt(max(var, 0.0)))


def attack_auc_bound(epsilon, delta=1e-5) -> float:
    """The largest ROC AUC any membership-inference attack can reach against an (ε, δ)-DP model.

    (ε, δ)-DP confines an attack's ROC curve to TPR ≤ e^ε·FPR + δ and, applied to the
    complementary test, 1 − TPR ≥ e^{−ε}·(1 − δ − FPR) (Kairouz, Oh & Viswanath 2015);
    the bound is the area under the lower of the two lines.
    ``epsilon=inf`` (no DP) gives 1.

    >>> attack_auc_bound(0.0, 0.0)
    0.5
    >>> round(attack_auc_bound(1.0), 3), attack_auc_bound(math.inf)
    (0.731, 1.0)
    """
    eps = check_number("epsilon", epsilon, 0, math.inf) if math.isfinite(epsilon) else math.inf
    delta = check_number("delta", delta, 0, 1)
    if math.isinf(eps):
        return 1.0
    fpr = np.linspace(0.0, 1.0, 20001)
    tpr = np.minimum.reduce([np.exp(eps) * fpr + delta, 1 - np.exp(-eps) * (1 - delta - fpr),
                             np.ones_like(fpr)])
    return float(np.trapezoid(np.clip(tpr, 0, 1), fpr))


def check_setting(noise_multiplier, num_clients, alpha, group_resample):
    return (check_number("noise_multiplier", noise_multiplier, 0, 20),
            check_int("num_clients", num_clients, 2, 1000),
            check_number("alpha", alpha, 0, None, low_open=True),
            check_number("group_resample", group_resample, 0, 1))


def run_tradeoff_point(noise_multiplier=0.0, num_clients=10, alpha=100.0, group_resample=0.0, *,
                       seed=0) -> dict:
    """Train one setting live (a real Flower run, a few seconds) and measure its four numbers.

    Parameters
    ----------
    noise_multiplier : float in [0, 20]
        DP-FedAvg's σ (0: plain FedAvg, no DP, ε = ∞).
    num_clients : int in [2, 1000]
        Every client trains every round.
    alpha : float > 0
        Dirichlet label skew between clients (100 ≈ IID, 0.3 strongly skewed).
    group_resample : float in [0, 1]
        Strength of each client's resampling by sex (0: the data as they are).
    seed : int

    Returns
    -------
    dict with the keys ``accuracy``, ``epsilon`` (client-level; ``inf`` without noise),
    ``tpr_gap`` (men's TPR − women's), ``tpr_female``, ``tpr_male``, ``attack_auc`` (and its
    standard error ``attack_auc_se``), ``attack_auc_bound`` and ``seconds`` (the Flower run's).

    Notes
    -----
    The attack's members are 2,000 rows of the training file, i.e. rows some client holds.
    With ``group_resample`` > 0 a client trains on a resample of its rows, so a few of those
    members were never drawn; that can only make the measured attack weaker, never stronger
    than on the rows actually used.
    """
    import torch

    from trustlab._random import numpy_rng
    from trustlab.attacks.membership import loss_scores, roc_metrics
    from trustlab.attacks.shadows import logit_confidence
    from trustlab.fairness.groups.metrics import group_metrics
    from trustlab.federated import task
    from trustlab.federated.api import run_federated
    from trustlab.federated.dp import client_level_epsilon

    sigma, k, alpha, strength = check_setting(noise_multiplier, num_clients, alpha, group_resample)
    f = FIXED
    run = run_federated(k, f["num_rounds"], f["local_epochs"], alpha, 1.0, "fedavg", seed,
                        dataset="adult", lr=f["lr"], batch_size=f["batch_size"],
                        dp="server" if sigma > 0 else "none", noise_multiplier=sigma or 1.0,
                        clipping_norm=f["clipping_norm"], group_resample=strength)
    X, y, X_test, y_test, _ = task.federated_data("adult", seed)
    model = task.build_model("adult", seed=seed)
    model.load_state_dict({name: torch.from_numpy(w) for name, w in run.final_weights.items()})
    model.eval()
    with torch.no_grad():
        logits_test = model(torch.from_numpy(np.array(X_test))).numpy()
    pred = logits_test.argmax(1)
    gm = group_metrics(y_test, pred, task.adult_sex("test"))
    tpr = gm.table["tpr"]
    rng = numpy_rng(seed)
    members = rng.choice(len(y), size=f["n_attack"], replace=False)
    outsiders = rng.choice(len(y_test), size=f["n_attack"], replace=False)
    with torch.no_grad():
        logits_in = model(torch.from_numpy(np.array(X[members]))).numpy()

    # log-odds of the true label (the attacks' φ); loss_scores turns it into −loss
    scores = loss_scores(np.concatenate([logit_confidence(logits_in, y[members]),
                                         logit_confidence(logits_test[outsiders], y_test[outsiders])]))
    is_member = np.r_[np.ones(len(members), bool), np.zeros(len(outsiders), bool)]
    _, _, auc = roc_metrics(scores, is_member)
    eps = client_level_epsilon(sigma, f["num_rounds"], 1.0, f["delta"]) if sigma > 0 else math.inf
    return {"accuracy": float((pred == y_test).mean()), "epsilon": float(eps),
            "tpr_gap": float(tpr["Male"] - tpr["Female"]), "tpr_female": float(tpr["Female"]),
            "tpr_male": float(tpr["Male"]), "attack_auc": float(auc),
            "attack_auc_se": auc_standard_error(auc, len(members), len(outsiders)),
            "attack_auc_bound": attack_auc_bound(eps, f["delta"]), "seconds": float(run.seconds)}


def _grid_points():
    return list(itertools.product(*(GRID[k] for k in KNOBS)))


def _run_grid(seed, progress):
    points = _grid_points()
    if progress:
        from tqdm.auto import tqdm

        points = tqdm(points, desc="capstone sweep", unit="run")
    rows = []
    for values in points:
        row = dict(zip(KNOBS, values))
        row.update(run_tradeoff_point(**row, seed=seed))
        # JSON has no infinity: no DP is stored as epsilon null.
        row["epsilon"] = None if math.isinf(row["epsilon"]) else row["epsilon"]
        rows.append(row)
    return rows


def sweep_params(seed=0) -> dict:
    """The cache key's parameters of the sweep (grid, fixed settings, seed)."""
    return {"grid": {k: list(v) for k, v in GRID.items()}, "fixed": FIXED, "seed": int(seed)}


def run_grid(seed=0, *, progress=True) -> list:
    """Every setting of :data:`GRID` run live, as JSON-able rows (what ``make sweeps`` ships)."""
    return _run_grid(seed, progress)


@functools.lru_cache(maxsize=4)
def _sweep(seed, use_cache):
    params = sweep_params(seed)
    rows = cached("tradeoffs", params, lambda: _run_grid(seed, progress=True), shipped_dir=SHIPPED,
                  use_cache=use_cache)
    return tuple(_TradeoffRow(**{**r, "epsilon": math.inf if r["epsilon"] is None else r["epsilon"]})
                 for r in rows)


def tradeoff_sweep(*, seed=0, use_cache=True) -> tuple:
    """Every setting of :data:`GRID` with its numbers (shipped: instant; live: ~5 min on 2 cores)."""
    return _sweep(int(seed), bool(use_cache))


@dataclass(frozen=True)
class _TradeoffRow:
    noise_multiplier: float
    num_clients: int
    alpha: float
    group_resample: float
    accuracy: float
    epsilon: float
    tpr_gap: float
    attack_auc: float
    attack_auc_se: float
    attack_auc_bound: float
    tpr_female: float
    tpr_male: float
    seconds: float

    def setting(self) -> tuple:
        return tuple(getattr(self, k) for k in KNOBS)


TradeoffPoint = _TradeoffRow


@functools.lru_cache(maxsize=4)
def majority_accuracy(seed=0) -> float:
    """Test accuracy of always answering the most common training label (≤50K): the floor.

    >>> round(majority_accuracy(), 3)
    0.754
    """
    from trustlab.federated import task

    _, y, _, y_test, _ = task.federated_data("adult", seed)
    return float((y_test == np.bincount(y).argmax()).mean())

