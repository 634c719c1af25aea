"""The capstone's frontier: the settings that no other setting beats on all three at once.

A setting is Pareto-optimal (Pareto, 1906; the kit's reading for accuracy, ε and |TPR gap|) when
no other setting of the sweep has accuracy at least as high, ε at least as low and a |TPR gap|
at least as small while being strictly better in one of them. :func:`compute_tradeoff` reads
one setting from the shipped sweep of :mod:`trustlab.capstone.tradeoffs` and marks the frontier:
what the capstone's explorer calls on every slider move.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from trustlab._validate import check_choice
from trustlab.capstone.tradeoffs import (GRID, KNOBS, TradeoffPoint, check_setting,
                                         majority_accuracy, tradeoff_sweep)

__all__ = ["TradeoffResult", "compute_tradeoff", "pareto_mask"]


def pareto_mask(accuracy, epsilon, gap) -> np.ndarray:
    """True for every setting that no other setting beats on all three at once.

    A setting is dominated when another has accuracy at least as high, ε at least as low and a
    |TPR gap| at least as small, and is strictly better in one of them. The non-dominated ones
    are the frontier: between them, more of one thing costs some of another.

    >>> pareto_mask([0.8, 0.7, 0.9], [1.0, 2.0, 8.0], [0.1, 0.2, 0.1]).tolist()
    [True, False, True]
    """
    a, e, g = (np.asarray(v, dtype=float) for v in (accuracy, epsilon, gap))
    g = np.abs(g)
    better_eq = (a[None, :] >= a[:, None]) & (e[None, :] <= e[:, None]) & (g[None, :] <= g[:, None])
    strictly = (a[None, :] > a[:, None]) | (e[None, :] < e[:, None]) | (g[None, :] < g[:, None])
    return ~(better_eq & strictly).any(axis=1)


@dataclass(frozen=True, eq=False)
class TradeoffResult:
    """The whole sweep and the setting currently picked (``point``), with the frontier marked."""

    rows: tuple
    point: TradeoffPoint
    on_frontier: np.ndarray
    majority_accuracy: float

    @property
    def index(self) -> int:
        """Position of ``point`` in ``rows``."""
        return self.rows.index(self.point)

    def summary(self) -> str:
        """One rounded line: the setting, its four numbers and whether it is on the frontier."""
        p = self.point
        eps = "inf (no DP)" if math.isinf(p.epsilon) else f"{p.epsilon:.2f}"
        skew = "IID" if p.alpha >= 100 else f"alpha={p.alpha:g}"
        where = "on the frontier" if self.on_frontier[self.index] else "dominated"
        return (f"sigma={p.noise_multiplier:g} clients={p.num_clients} {skew} resample={p.group_resample:g}: "
                f"acc={p.accuracy:.3f} eps={eps} TPR gap={p.tpr_gap:.3f} "
                f"attack AUC={p.attack_auc:.3f}+-{p.attack_auc_se:.3f} (DP bound {p.attack_auc_bound:.3f}); {where} "
                f"({int(self.on_frontier.sum())} of {len(self.rows)} settings are)")


def compute_tradeoff(noise_multiplier=1.0, num_clients=100, alpha=100.0, group_resample=0.0, *,
                     seed=0, use_cache=True) -> TradeoffResult:
    """The sweep read at one setting of :data:`GRID` (a lookup: what the explorer calls).

    >>> r = compute_tradeoff(0.0, 10, 100.0, 0.0)
    >>> r.point.epsilon, r.point.accuracy > 0.8
    (inf, True)
    """
    setting = check_setting(noise_multiplier, num_clients, alpha, group_resample)
    for name, value in zip(KNOBS, setting):
        check_choice(name, value, GRID[name])
    rows = tradeoff_sweep(seed=seed, use_cache=use_cache)
    point = next(r for r in rows if r.setting() == setting)
    return TradeoffResult(rows, point, _frontier(int(seed), bool(use_cache)), majority_accuracy(seed))


@functools.lru_cache(maxsize=4)
def _frontier(seed, use_cache) -> np.ndarray:
    """The sweep's frontier, computed once per sweep (every slider move reuses it; read-only)."""
    rows = tradeoff_sweep(seed=seed, use_cache=use_cache)
    mask = pareto_mask([r.accuracy for r in rows], [r.epsilon for r in rows], [r.tpr_gap for r in rows])
    mask.flags.writeable = False
    return mask
