"""Compute the capstone's trade-offs: one setting, several seeded Flower runs, four numbers per run.

A run is :func:`trustlab.federated.api.run_federated` on Adult: Flower's ClientApp and FedAvg
through the in-process Grid (with noise, Flower's server-side fixed-clipping DP wrapper, i.e.
DP-FedAvg, McMahan et al. 2018). Clients run their SGD on the model's arrays in float64
(``local_trainer="numpy"``: the same steps as the torch module, about six times faster) and
do not evaluate the global model themselves (the server does). The global model is then
measured on Adult's test file in float64: accuracy, the gap in true-positive rate between
women and men (equal opportunity, Hardt et al. 2016; through fairlearn) and a loss-threshold
membership-inference attack (Yeom et al. 2018) on 2,000 training rows against 2,000 test rows.
"""

from __future__ import annotations

import functools
import math
import time

import numpy as np

from trustlab._random import check_seed
from trustlab._validate import check_number
from trustlab.capstone.point import (FIXED, GRID, KNOBS, N_SEEDS, TradeoffPoint, _four,  # noqa: F401
                                     check_setting, seeds_of)

__all__ = ["FIXED", "GRID", "KNOBS", "N_SEEDS", "TradeoffPoint", "client_epsilon", "majority_accuracy",
           "measure_run", "point_from_runs", "run_tradeoff_point"]


def measure_run(setting, seed) -> dict:
    """One seeded Flower run of ``setting`` (the four knobs) and its numbers on Adult's test file.

    Returns a dict with ``accuracy``, ``tpr_female``, ``tpr_male``, ``attack_auc`` and
    ``seconds`` (the Flower run's wall time). What :func:`run_tradeoff_point` calls per seed.
    """
    from trustlab._random import numpy_rng
    from trustlab.attacks.membership import loss_scores, roc_metrics
    from trustlab.attacks.shadows import logit_confidence
    from trustlab.fairness.groups.metrics import group_metrics
    from trustlab.federated import task
    from trustlab.federated.api import run_federated

    sigma, k, alpha, strength = check_setting(*_four("setting", setting))
    seed = check_seed(seed)
    f = FIXED
    start = time.perf_counter()
    run = run_federated(k, f["num_rounds"], f["local_epochs"], alpha, 1.0, "fedavg", seed,
                        dataset="adult", lr=f["lr"], batch_size=f["batch_size"],
                        dp="server" if sigma > 0 else "none", noise_multiplier=sigma or 1.0,
                        clipping_norm=f["clipping_norm"], group_resample=strength,
                        local_trainer=f["local_trainer"],
                        evaluate_clients="every_round" if f["client_evaluation"] else "never")
    seconds = time.perf_counter() - start
    X, y, X_test, y_test, _ = task.federated_data("adult", seed)
    weights = list(run.final_weights.values())  # state-dict order: Linear, Linear
    logits_test = task.logits_arrays(weights, X_test)
    pred = logits_test.argmax(1)
    tpr = group_metrics(y_test, pred, task.adult_sex("test")).table["tpr"]
    rng = numpy_rng(seed)
    members = rng.choice(len(y), size=f["n_attack"], replace=False)
    outsiders = rng.choice(len(y_test), size=f["n_attack"], replace=False)
    logits_in = task.logits_arrays(weights, X[members])
    # log-odds of the true label (the attacks' φ); loss_scores turns it into −loss
    scores = loss_scores(np.concatenate([logit_confidence(logits_in, y[members]),
                                         logit_confidence(logits_test[outsiders], y_test[outsiders])]))
    is_member = np.r_[np.ones(len(members), bool), np.zeros(len(outsiders), bool)]
    _, _, auc = roc_metrics(scores, is_member)
    return {"accuracy": float((pred == y_test).mean()), "tpr_female": float(tpr["Female"]),
            "tpr_male": float(tpr["Male"]), "attack_auc": float(auc), "seconds": round(seconds, 3)}


def client_epsilon(noise_multiplier) -> float:
    """Client-level ε at δ = 1e-5 after the run's rounds (Opacus RDP); ``inf`` without noise."""
    from trustlab.federated.dp import client_level_epsilon

    if check_number("noise_multiplier", noise_multiplier, 0, 20) == 0:
        return math.inf
    return float(client_level_epsilon(noise_multiplier, FIXED["num_rounds"], 1.0, FIXED["delta"]))


def point_from_runs(setting, seeds, runs) -> TradeoffPoint:
    """A :class:`TradeoffPoint` from :func:`measure_run`'s dicts, one per seed."""
    sigma, k, alpha, strength = check_setting(*_four("setting", setting))
    seeds = tuple(check_seed(s) for s in seeds)
    if not isinstance(runs, (list, tuple)) or len(runs) != len(seeds) or not seeds:
        raise ValueError(f"runs must hold one measure_run dict per seed ({len(seeds)}), got {runs!r:.80}")
    return TradeoffPoint(sigma, k, alpha, strength, tuple(seeds),
                         *(tuple(r[n] for r in runs) for n in ("accuracy", "tpr_female", "tpr_male",
                                                               "attack_auc")),
                         client_epsilon(sigma), float(sum(r["seconds"] for r in runs)))


def run_tradeoff_point(noise_multiplier=0.0, num_clients=10, alpha=100.0, group_resample=0.0, *,
                       seed=0, n_seeds=N_SEEDS, progress=None) -> TradeoffPoint:
    """Train one setting live with ``n_seeds`` seeded Flower runs and measure each.

    Parameters
    ----------
    noise_multiplier : float in [0, 20]
        DP-FedAvg's σ (0: plain FedAvg, no DP, ε = ∞).
    num_clients : int in [2, 1000]
        Every client trains every round.
    alpha : float in (0, 1000]
        Dirichlet label skew between clients (100 ≈ IID, 0.3 strongly skewed).
    group_resample : float in [0, 1]
        Strength of each client's resampling by sex (0: the data as they are).
    seed, n_seeds : int
        The runs use seeds ``seed, …, seed + n_seeds − 1`` (split, initial weights, batches,
        resampling, DP noise and the attack's rows).
    progress : callable, optional
        ``progress(done, total)`` after each run (a progress bar).

    Notes
    -----
    The attack's members are 2,000 rows of the training file, i.e. rows some client holds.
    With ``group_resample`` > 0 a client trains on a resample of its rows, so a few of those
    members were never drawn; that can only make the measured attack weaker, never stronger
    than on the rows actually used.
    """
    setting = check_setting(noise_multiplier, num_clients, alpha, group_resample)
    seeds = seeds_of(seed, n_seeds)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable or None, got {progress!r}")
    runs = []
    for s in seeds:
        runs.append(measure_run(setting, s))
        if progress is not None:
            progress(len(runs), len(seeds))
    return point_from_runs(setting, seeds, runs)


@functools.lru_cache(maxsize=1)
def majority_accuracy() -> float:
    """Test accuracy of always answering the most common training label (≤50K): the floor.

    >>> round(majority_accuracy(), 3)
    0.754
    """
    from trustlab.federated import task

    _, y, _, y_test, _ = task.federated_data("adult", 0)  # Adult's split is its files: any seed
    return float((y_test == np.bincount(y).argmax()).mean())
