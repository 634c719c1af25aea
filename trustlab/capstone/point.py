"""One setting of the capstone: its knobs, its per-seed numbers, and what DP promises one row.

:class:`TradeoffPoint` keeps every seed's test accuracy, TPR per sex and attack AUC, and gives
means and 95 % intervals (:mod:`trustlab.stats`). Client-level ε (add or remove one client)
comes from Opacus' RDP accountant. A membership attack on one *row* faces a different pair of
neighbours: the row's owner keeps taking part with one row changed, so the neighbouring runs
differ by *replacing* one client's update, which moves the clipped sum by up to 2C, not C.
That is the add/remove guarantee for a group of two (equivalently σ/2): :func:`row_level_risk`
takes it from :mod:`trustlab.privacy.risk` (the kit's reading of issue 15; every client takes
part in every round, so there is no sampling to amplify).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from trustlab._random import check_seed
from trustlab._validate import check_int, check_number

__all__ = ["FIXED", "GRID", "KNOBS", "N_SEEDS", "ROW_GROUP_SIZE", "TOLERANCE", "TradeoffPoint", "auc_standard_error",
           "check_setting", "describe_setting", "row_level_risk", "seeds_of"]

#: The settings of the shipped sweep (every combination is one setting, trained with 5 seeds).
#: σ = 0.5 (client-level ε = 30, row-level AUC bound 1.000) was dropped in the 5-seed sweep: it
#: guarantees nothing σ = 0 does not, and each setting now costs five runs.
GRID = {
    "noise_multiplier": (0.0, 1.0, 2.0, 4.0, 8.0),
    "num_clients": (10, 100),
    "alpha": (100.0, 0.3),
    "group_resample": (0.0, 0.5, 1.0),
}
KNOBS = tuple(GRID)
#: What every run shares: 5 rounds of 1 local epoch, lr 0.1, batch 32, update clipping C = 1.
FIXED = {"num_rounds": 5, "local_epochs": 1, "lr": 0.1, "batch_size": 32, "clipping_norm": 1.0,
         "delta": 1e-5, "n_attack": 2000, "local_trainer": "numpy", "client_evaluation": False}
N_SEEDS = 5
#: How close a live retraining must come to the shipped sweep, per seed and number: a tenth of
#: the last printed digit. On the CPU that wrote the sweep they are bitwise equal; torch's
#: portable kernels (``ATEN_CPU_CAPABILITY=default``) draw the initial weights a last bit apart,
#: which moved one attack AUC by one pair of 2,000 x 2,000 (2.5e-7).
TOLERANCE = 1e-4
#: Row-level neighbours of client-level DP: replace one client = add/remove a group of two.
ROW_GROUP_SIZE = 2


def seeds_of(seed=0, n_seeds=N_SEEDS) -> tuple:
    """The seeds ``seed, seed + 1, …`` of a setting's ``n_seeds`` runs (validated).

    >>> seeds_of(0, 5)
    (0, 1, 2, 3, 4)
    """
    first = check_seed(seed)
    n = check_int("n_seeds", n_seeds, 1, 50)
    return tuple(range(first, first + n))


def check_setting(noise_multiplier, num_clients, alpha, group_resample) -> tuple:
    """The four knobs as ``(float, int, float, float)``, each checked for type and range."""
    return (check_number("noise_multiplier", noise_multiplier, 0, 20),
            check_int("num_clients", num_clients, 2, 1000),
            check_number("alpha", alpha, 0, 1000, low_open=True),
            check_number("group_resample", group_resample, 0, 1))


def _four(name, setting) -> tuple:
    if not isinstance(setting, (tuple, list)) or len(setting) != len(KNOBS):
        raise TypeError(f"{name} must be a tuple ({', '.join(KNOBS)}), got {setting!r}")
    return tuple(setting)


def describe_setting(setting) -> str:
    """``sigma=1 clients=100 IID resample=0``: a setting in a summary line."""
    sigma, k, alpha, strength = check_setting(*_four("setting", setting))
    skew = "IID" if alpha >= 100 else f"alpha={alpha:g}"
    return f"sigma={sigma:g} clients={k} {skew} resample={strength:g}"


def auc_standard_error(auc, n_pos, n_neg) -> float:
    """Hanley & McNeil's (1982) standard error of an ROC AUC from ``n_pos`` and ``n_neg`` examples.

    >>> round(auc_standard_error(0.5, 2000, 2000), 4)
    0.0091
    """
    a = check_number("auc", auc, 0, 1)
    n_pos, n_neg = check_int("n_pos", n_pos, 1), check_int("n_neg", n_neg, 1)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)
    return float(math.sqrt(max(var, 0.0)))


def row_level_risk(noise_multiplier, num_rounds=FIXED["num_rounds"], delta=FIXED["delta"]) -> tuple:
    """What client-level DP-FedAvg guarantees one *row*: ``(ε, AUC bound, AUC bound from (ε, δ))``.

    Replacing one client's data is add/remove of a group of two (:data:`ROW_GROUP_SIZE`), so
    the bounds are :func:`trustlab.privacy.risk.compute_risk` at ``group_size=2``, sample rate
    1 and one step per round: ε at ``delta`` and the AUC bound from the full privacy loss
    distribution, and the looser AUC bound from the single (ε, δ) pair. ``noise_multiplier=0``
    (no DP) gives ``(inf, 1.0, 1.0)``. Computed on read (cached per setting), not stored.

    >>> eps, auc, pair = row_level_risk(8.0)
    >>> round(eps, 2), round(auc, 3), round(pair, 3)
    (2.26, 0.654, 0.905)
    """
    return _row_level_risk(check_number("noise_multiplier", noise_multiplier, 0, 20),
                           check_int("num_rounds", num_rounds, 1, 200),
                           check_number("delta", delta, 0, 1, low_open=True, high_open=True))


@functools.lru_cache(maxsize=64)
def _row_level_risk(sigma, num_rounds, delta):
    from trustlab.privacy.risk import compute_risk

    if sigma == 0:
        return math.inf, 1.0, 1.0
    r = compute_risk(sigma, 1.0, num_rounds, steps=num_rounds, group_size=ROW_GROUP_SIZE, delta=delta)
    return float(r.epsilon), float(r.auc), float(r.auc_epsilon_delta)


@dataclass(frozen=True)
class TradeoffPoint:
    """One setting: its four knobs and, per seed, what its Flower run measured.

    Means over the seeds are the properties ``accuracy``, ``tpr_gap`` (men's TPR − women's),
    ``tpr_female``, ``tpr_male`` and ``attack_auc``; :meth:`interval` gives their 95 %
    intervals. ``epsilon`` is client-level ε (exact, no seed noise; ``inf`` without noise).
    """

    noise_multiplier: float
    num_clients: int
    alpha: float
    group_resample: float
    seeds: tuple
    accuracy_seeds: tuple
    tpr_female_seeds: tuple
    tpr_male_seeds: tuple
    attack_auc_seeds: tuple
    epsilon: float
    seconds: float = math.nan

    def setting(self) -> tuple:
        return tuple(getattr(self, k) for k in KNOBS)

    def values(self, name) -> np.ndarray:
        """Per-seed values of ``accuracy``, ``tpr_gap``, ``tpr_female``, ``tpr_male`` or ``attack_auc``."""
        if name == "tpr_gap":
            return np.subtract(self.tpr_male_seeds, self.tpr_female_seeds)
        if name not in ("accuracy", "tpr_female", "tpr_male", "attack_auc"):
            raise ValueError(f"name must be one of 'accuracy', 'tpr_gap', 'tpr_female', 'tpr_male', "
                             f"'attack_auc', got {name!r}")
        return np.asarray(getattr(self, f"{name}_seeds"), dtype=float)

    def matches(self, other, tol=TOLERANCE) -> bool:
        """True if ``other`` is the same setting, seeds and ε, and every per-seed number is within ``tol``."""
        if not isinstance(other, TradeoffPoint):
            raise TypeError(f"other must be a TradeoffPoint, got {type(other).__name__}")
        tol = check_number("tol", tol, 0, 1)
        names = ("accuracy", "tpr_female", "tpr_male", "attack_auc")
        return (self.setting() == other.setting() and self.seeds == other.seeds and self.epsilon == other.epsilon
                and all(np.allclose(self.values(n), other.values(n), rtol=0, atol=tol) for n in names))

    def interval(self, name):
        """Mean and 95 % interval over the seeds (:class:`trustlab.stats.Interval`)."""
        from trustlab.stats import mean_ci

        return mean_ci(self.values(name))

    accuracy = property(lambda self: float(self.values("accuracy").mean()))
    tpr_gap = property(lambda self: float(self.values("tpr_gap").mean()))
    tpr_female = property(lambda self: float(self.values("tpr_female").mean()))
    tpr_male = property(lambda self: float(self.values("tpr_male").mean()))
    attack_auc = property(lambda self: float(self.values("attack_auc").mean()))

    @property
    def attack_auc_se(self) -> tuple:
        """Each seed's attack AUC standard error (Hanley & McNeil, 2,000 members, 2,000 outsiders)."""
        n = FIXED["n_attack"]
        return tuple(auc_standard_error(a, n, n) for a in self.attack_auc_seeds)

    @property
    def row_level(self) -> tuple:
        """``(ε, AUC bound, AUC bound from (ε, δ))`` for one row (:func:`row_level_risk`)."""
        return row_level_risk(self.noise_multiplier)

    @property
    def attack_auc_bound(self) -> float:
        """The largest AUC any membership attack on a row can reach (privacy loss distribution)."""
        return self.row_level[1]

    def summary(self) -> str:
        """One rounded line: the setting and mean ± 95 % interval of its numbers."""
        from trustlab.stats import format_ci

        eps = "inf (no DP)" if math.isinf(self.epsilon) else f"{self.epsilon:.2f}"
        ci = {n: format_ci(self.interval(n), seeds=False) for n in ("accuracy", "tpr_gap", "attack_auc")}
        return (f"{describe_setting(self.setting())}: acc={ci['accuracy']} eps={eps} "
                f"TPR gap={ci['tpr_gap']} attack AUC={ci['attack_auc']} (row-level bound "
                f"{self.attack_auc_bound:.3f}) ({len(self.seeds)} seeds)")
