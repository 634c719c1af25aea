"""Mean ± 95 % t-interval over seeds (a stand-in until ``trustlab.stats`` lands in the package).

With k seeded runs x_1 … x_k, the interval is mean ± t_{0.975, k−1} · s / √k (s the sample
standard deviation): the usual Student-t interval for a mean, treating seeds as independent draws.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["compare", "difference", "format_ci", "mean_ci"]


def mean_ci(values, confidence=0.95) -> tuple:
    """``(mean, half-width)`` of the t-interval over ``values`` (half-width NaN for one value).

    >>> m, h = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> round(m, 2), round(h, 2)
    (3.0, 1.96)
    """
    from scipy.stats import t

    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or len(x) == 0 or not np.isfinite(x).all():
        raise ValueError(f"values must be a non-empty 1-d sequence of finite numbers, got {values!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if len(x) == 1:
        return float(x[0]), math.nan
    half = float(t.ppf((1 + confidence) / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return float(x.mean()), half


def format_ci(values, digits=2) -> str:
    """``"mean±half"`` rounded to ``digits`` decimals.

    >>> format_ci([0.80, 0.81, 0.82, 0.80, 0.81])
    '0.81±0.01'
    """
    m, h = mean_ci(values)
    return f"{m:.{digits}f}" if math.isnan(h) else f"{m:.{digits}f}±{h:.{digits}f}"



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
