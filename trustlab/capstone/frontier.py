"""The capstone's frontier: the settings that no other setting beats, beyond seed noise.

Pareto-optimal (Pareto, 1906) for three objectives, accuracy (higher is better), client-level
ε and |TPR gap| (lower is better), read on seed means with 95 % intervals (the kit's reading):

    setting j *dominates* setting i when (1) on the seed means j is at least as good on every
    objective (mean accuracy ≥, ε ≤, |mean gap| ≤), and (2) j is better *beyond noise* on at
    least one: its accuracy interval lies wholly above i's, or its ε is smaller (ε is exact:
    it has no seed noise), or its |gap| interval lies wholly below i's.

The |gap| interval is the image of the signed gap's interval under |·| (it starts at 0 when the
interval holds 0). The frontier is every setting no other dominates: settings whose
differences sit inside the noise all stay on it. :func:`compute_tradeoff` reads one setting of
the shipped sweep and marks the frontier; :func:`compute_tradeoff_now` trains a setting live.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from trustlab._validate import check_array, check_choice
from trustlab.capstone.sweep import tradeoff_sweep
from trustlab.capstone.point import (GRID, KNOBS, N_SEEDS, TradeoffPoint, check_setting, describe_setting,
                                     seeds_of)
from trustlab.capstone.tradeoffs import majority_accuracy, run_tradeoff_point

__all__ = ["TradeoffResult", "abs_interval", "compare_points", "compute_tradeoff", "compute_tradeoff_now",
           "dominated_beyond_noise", "pareto_mask", "tradeoff_view"]


def pareto_mask(accuracy, epsilon, gap) -> np.ndarray:
    """True for every setting that no other beats on all three at once (single values, no noise).

    >>> pareto_mask([0.8, 0.7, 0.9], [1.0, 2.0, 8.0], [0.1, 0.2, 0.1]).tolist()
    [True, False, True]
    """
    a, e, g = _columns(accuracy, epsilon, gap)
    g = np.abs(g)
    better_eq = (a[None, :] >= a[:, None]) & (e[None, :] <= e[:, None]) & (g[None, :] <= g[:, None])
    strictly = (a[None, :] > a[:, None]) | (e[None, :] < e[:, None]) | (g[None, :] < g[:, None])
    return ~(better_eq & strictly).any(axis=1)


def _columns(accuracy, epsilon, gap):
    a = check_array("accuracy", accuracy, ndim=1)
    e = check_array("epsilon", epsilon, ndim=1, finite=False, length=len(a), length_name="accuracy")
    g = check_array("gap", gap, ndim=1, length=len(a), length_name="accuracy")
    if np.isnan(e).any() or (e < 0).any():
        raise ValueError(f"epsilon must be >= 0 (inf allowed: no DP), got {e.tolist()[:5]}")
    return a.astype(float), e.astype(float), g.astype(float)


def abs_interval(low, high):
    """The interval of |x| for x in [low, high] (elementwise): ``(low', high')``.

    >>> abs_interval(np.array([-0.1, 0.2, -0.3]), np.array([0.05, 0.3, -0.1]))
    (array([0. , 0.2, 0.1]), array([0.1, 0.3, 0.3]))
    """
    low = check_array("low", low, ndim=(0, 1))
    high = check_array("high", high, ndim=(0, 1), length=len(low) if low.ndim else None, length_name="low")
    if np.any(low > high):
        raise ValueError(f"low must not exceed high, got {low.tolist()} and {high.tolist()}")
    straddles = (low <= 0) & (high >= 0)
    lo = np.where(straddles, 0.0, np.minimum(np.abs(low), np.abs(high)))
    return lo, np.maximum(np.abs(low), np.abs(high))


def dominated_beyond_noise(accuracy, epsilon, gap) -> np.ndarray:
    """True for every setting another dominates beyond noise (the module's definition).

    Parameters
    ----------
    accuracy, gap : array of shape (settings, seeds)
        Per-seed test accuracy and signed TPR gap (at least two seeds: one seed has no interval).
    epsilon : array of shape (settings,)
        Client-level ε (exact; ``inf`` for no DP).

    >>> acc = [[0.80, 0.81, 0.80], [0.70, 0.71, 0.70], [0.805, 0.79, 0.81]]
    >>> gap = [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]]
    >>> dominated_beyond_noise(acc, [1.0, 1.0, 1.0], gap).tolist()   # 3rd: within noise of the 1st
    [False, True, False]
    """
    from scipy import stats as sps

    acc = check_array("accuracy", accuracy, ndim=2).astype(float)
    gap = check_array("gap", gap, ndim=2).astype(float)
    if acc.shape != gap.shape or acc.shape[1] < 2:
        raise ValueError(f"accuracy and gap must have the same shape (settings, seeds >= 2), got "
                         f"{acc.shape} and {gap.shape}")
    _, eps, _ = _columns(acc[:, 0], epsilon, gap[:, 0])
    n = acc.shape[1]
    t = sps.t.ppf(0.975, n - 1) / math.sqrt(n)  # as trustlab.stats.mean_ci

    def interval(v):
        m, h = v.mean(1), t * v.std(1, ddof=1)
        return m, m - h, m + h

    am, alo, ahi = interval(acc)
    gm, glo, ghi = interval(gap)
    gm, (glo, ghi) = np.abs(gm), abs_interval(glo, ghi)
    # [i, j]: does j dominate i?
    at_least = (am[None, :] >= am[:, None]) & (eps[None, :] <= eps[:, None]) & (gm[None, :] <= gm[:, None])
    beyond = (alo[None, :] > ahi[:, None]) | (eps[None, :] < eps[:, None]) | (ghi[None, :] < glo[:, None])
    return (at_least & beyond).any(axis=1)


@dataclass(frozen=True, eq=False)
class TradeoffResult:
    """The sweep, the setting picked (``point``: its grid entry, or None off the grid), the
    frontier, and ``live``: the same setting trained just now (or None)."""

    rows: tuple
    setting: tuple
    point: TradeoffPoint | None
    on_frontier: np.ndarray
    majority_accuracy: float
    live: TradeoffPoint | None = None

    @property
    def index(self):
        """Position of ``point`` in ``rows`` (None off the grid)."""
        return None if self.point is None else self.rows.index(self.point)

    def summary(self) -> str:
        """One rounded line: the setting, mean ± 95 % interval of its numbers, the frontier count."""
        shown = self.point or self.live
        if shown is None:
            return (f"{describe_setting(self.setting)}: not on the shipped grid "
                    f"(it holds {_grid_text()}); 'Compute this setting now' trains it "
                    f"({N_SEEDS} seeds, a few seconds each)")
        line = shown.summary()
        if self.point is not None:
            n_front = int(self.on_frontier.sum())
            where = (f"on the frontier ({n_front} of {len(self.rows)} settings are)" if self.on_frontier[self.index]
                     else f"dominated ({len(self.rows) - n_front} of {len(self.rows)} settings are)")
            line = f"{line}; {where}"
        if self.live is not None and self.point is not None:
            from trustlab.stats import format_ci

            same = self.live.seeds == self.point.seeds and self.live.matches(self.point)
            line += (f" | computed now: acc={format_ci(self.live.interval('accuracy'), seeds=False)}"
                     f" ({'the same runs as the grid' if same else 'other seeds or other runs than the grid'})")
        elif self.live is not None:
            line = f"computed now, off the grid: {line}"
        return line


    def frontier_table(self):
        """The frontier's settings as a table: knobs, ε and mean ± 95 % interval (by ε, then accuracy)."""
        import pandas as pd

        on = [p for p, keep in zip(self.rows, self.on_frontier) if keep]
        table = pd.DataFrame({
            "sigma": [p.noise_multiplier for p in on], "clients": [p.num_clients for p in on],
            "alpha": [p.alpha for p in on], "resample": [p.group_resample for p in on],
            "epsilon": [round(p.epsilon, 2) for p in on],
            "accuracy": [p.interval("accuracy").format(seeds=False) for p in on],
            "TPR gap": [p.interval("tpr_gap").format(seeds=False) for p in on],
            "_acc": [p.accuracy for p in on]})
        return table.sort_values(["epsilon", "_acc"], kind="stable").drop(columns="_acc").reset_index(drop=True)


def compare_points(a, b, name="accuracy") -> str:
    """``a``'s and ``b``'s mean ± 95 % interval of ``name`` and whether the intervals separate.

    The kit's rule (:func:`trustlab.stats.separated`): only separated intervals are an effect.
    """
    from trustlab.stats import separated

    if not isinstance(a, TradeoffPoint) or not isinstance(b, TradeoffPoint):
        raise TypeError(f"a and b must be TradeoffPoints, got {type(a).__name__} and {type(b).__name__}")
    ia, ib = a.interval(name), b.interval(name)
    verdict = "intervals separate: an effect" if separated(ia, ib) else \
        "intervals overlap: no measurable difference at this size"
    return f"{name} {ia.format(seeds=False)} vs {ib.format(seeds=False)} ({verdict})"


def _grid_text():
    return "; ".join(f"{k} in {', '.join(f'{v:g}' for v in vals)}" for k, vals in GRID.items())


@functools.lru_cache(maxsize=4)
def _frontier(seed, n_seeds) -> np.ndarray:
    """The sweep's frontier, computed once per sweep (every slider move reuses it; read-only)."""
    rows = tradeoff_sweep(seed=seed, n_seeds=n_seeds)
    dominated = dominated_beyond_noise([r.accuracy_seeds for r in rows], [r.epsilon for r in rows],
                                       [r.values("tpr_gap") for r in rows])
    mask = ~dominated
    mask.flags.writeable = False
    return mask


def tradeoff_view(noise_multiplier=1.0, num_clients=100, alpha=100.0, group_resample=0.0, *, seed=0,
                  n_seeds=N_SEEDS, live=None) -> TradeoffResult:
    """Any valid setting against the shipped sweep: its grid entry if it has one, and ``live``.

    What the capstone explorer calls: a setting off the grid is not an error here (its result
    has ``point=None`` until "compute this setting now" supplies ``live``).
    """
    setting = check_setting(noise_multiplier, num_clients, alpha, group_resample)
    if live is not None and (not isinstance(live, TradeoffPoint) or live.setting() != setting):
        raise ValueError(f"live must be the TradeoffPoint of setting {setting}, got {live!r}")
    rows = tradeoff_sweep(seed=seed, n_seeds=n_seeds)
    point = next((r for r in rows if r.setting() == setting), None)
    return TradeoffResult(rows, setting, point, _frontier(seed, n_seeds), majority_accuracy(), live)


def compute_tradeoff(noise_multiplier=1.0, num_clients=100, alpha=100.0, group_resample=0.0, *,
                     seed=0, n_seeds=N_SEEDS) -> TradeoffResult:
    """The shipped sweep read at one setting of :data:`GRID` (a lookup, instant).

    A setting off the grid raises a ValueError naming the knob; :func:`compute_tradeoff_now`
    trains any setting live. ``seed``/``n_seeds`` other than the shipped 0/5 need a sweep
    computed on this machine (:func:`trustlab.capstone.tradeoff_sweep` with ``compute=True``).

    >>> r = compute_tradeoff(0.0, 10, 100.0, 0.0)
    >>> r.point.epsilon, r.point.accuracy > 0.8, len(r.point.seeds)
    (inf, True, 5)
    """
    setting = check_setting(noise_multiplier, num_clients, alpha, group_resample)
    for name, value in zip(KNOBS, setting):
        check_choice(name, value, GRID[name])
    seeds_of(seed, n_seeds)
    return tradeoff_view(*setting, seed=seed, n_seeds=n_seeds)


def compute_tradeoff_now(noise_multiplier=1.0, num_clients=100, alpha=100.0, group_resample=0.0, *,
                         seed=0, n_seeds=N_SEEDS, progress=None) -> TradeoffResult:
    """Train one setting live (``n_seeds`` Flower runs) and show it beside the shipped sweep.

    ``progress(done, total)`` is called after each run. On a grid setting with the shipped
    seeds the live numbers equal the grid's: the sweep is these runs.
    """
    live = run_tradeoff_point(noise_multiplier, num_clients, alpha, group_resample, seed=seed,
                              n_seeds=n_seeds, progress=progress)
    return tradeoff_view(*live.setting(), live=live)
