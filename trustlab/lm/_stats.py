"""Mean ± 95 % t-interval over seeds (a stand-in until ``trustlab.stats`` lands in the package).

With k seeded runs x_1 … x_k, the interval is mean ± t_{0.975, k−1} · s / √k (s the sample
standard deviation): the usual Student-t interval for a mean, treating seeds as independent draws.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["compare", "format_ci", "mean_ci"]


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


def compare(result, baseline, field) -> str:
    """How ``result``'s 95 % interval of ``field`` sits against ``baseline``'s.

    "lower" or "higher" only when the two intervals are separated (the kit calls a difference an
    effect only then), else "overlapping". Both results need an ``interval(field)`` method
    returning ``(mean, half-width)``.
    """
    m, h = result.interval(field)
    m0, h0 = baseline.interval(field)
    if math.isnan(h) or math.isnan(h0):
        raise ValueError(f"compare needs intervals over several seeds; {field} has a single value")
    if m + h < m0 - h0:
        return "lower"
    if m - h > m0 + h0:
        return "higher"
    return "overlapping"
