"""Seed intervals for the language-model lesson: :mod:`trustlab.stats` plus paired comparisons.

Runs of this lesson with the same seed share their data, canaries and pre-trained model, so a
difference between two settings is judged on the per-seed differences (a paired t-interval),
which is tighter than comparing two unpaired intervals and just as honest.
"""

from __future__ import annotations

import numpy as np

from trustlab import stats
from trustlab._validate import check_callable

__all__ = ["compare", "difference", "format_ci", "mean_ci", "run_seeds"]


def mean_ci(values, confidence=0.95) -> tuple:
    """``(mean, half-width)`` of the t-interval over ``values`` (:func:`trustlab.stats.mean_ci`).

    >>> m, h = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> round(m, 2), round(h, 2)
    (3.0, 1.96)
    """
    iv = stats.mean_ci(values, level=confidence)
    return iv.mean, iv.half_width


def format_ci(values, digits=2) -> str:
    """``"mean±half"`` rounded to ``digits`` decimals (:func:`trustlab.stats.format_ci`).

    >>> format_ci([0.80, 0.81, 0.82, 0.80, 0.81])
    '0.81±0.01'
    """
    return stats.format_ci(values, digits, seeds=False)


def _per_seed(result, field):
    values = getattr(result, field) if field == "perplexity" or not hasattr(result, "values") \
        else result.values(field)
    return dict(zip(result.seeds, np.asarray(values, dtype=float)))


def difference(result, baseline, field) -> tuple:
    """``(mean, half-width)`` of the per-seed difference ``result − baseline`` of ``field``.

    Runs with the same seed share their data, canaries and pre-trained model, so the seeds are
    paired: the interval is the 95 % t-interval of the k per-seed differences, over the seeds
    both results have (seeds where either value is undefined are left out).
    """
    a, b = _per_seed(result, field), _per_seed(baseline, field)
    diffs = [a[s] - b[s] for s in a if s in b and np.isfinite(a[s]) and np.isfinite(b[s])]
    if len(diffs) < 2:
        raise ValueError(f"difference needs at least 2 shared seeds with a defined {field}, "
                         f"got {len(diffs)}")
    return mean_ci(diffs)


def compare(result, baseline, field) -> str:
    """Whether ``result``'s ``field`` is "lower" or "higher" than ``baseline``'s, or "no effect".

    "lower" or "higher" only when the 95 % interval of the paired per-seed difference
    (:func:`difference`) excludes 0: the kit calls a difference an effect only then.
    """
    m, h = difference(result, baseline, field)
    if m + h < 0:
        return "lower"
    if m - h > 0:
        return "higher"
    return "no effect"


def run_seeds(run, seeds, on_seed=None) -> list:
    """``[run(seed) for seed in seeds]``, calling ``on_seed(i)`` after the i-th (progress bars).

    >>> run_seeds(lambda s: s * 10, (1, 2), on_seed=print)
    1
    2
    [10, 20]
    """
    if on_seed is not None:
        check_callable("on_seed", on_seed)
    records = []
    for i, seed in enumerate(seeds):
        records.append(run(seed))
        if on_seed is not None:
            on_seed(i + 1)
    return records
