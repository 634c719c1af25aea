"""Seed spread as part of every result: a mean, its 95 % interval, and whether two intervals separate.

A result trained with several seeds keeps the per-seed values; :func:`mean_ci` turns them into
the mean and the half-width of a Student-t interval for it (the seeds are a small sample of
the training run's randomness: initialisation, batch order, sampling, DP noise).
:func:`format_ci` prints ``0.807±0.006 (5 seeds)``, and :func:`separated` is the rule the
notebooks follow before they call a difference an effect: the two intervals do not overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trustlab._validate import check_array, check_bool, check_int, check_number

__all__ = ["Interval", "format_ci", "mean_ci", "separated"]


@dataclass(frozen=True)
class Interval:
    """A mean over ``n`` seeds and the half-width of its two-sided interval at ``level``."""

    mean: float
    half_width: float
    n: int
    level: float = 0.95

    @property
    def low(self) -> float:
        """Lower end of the interval."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """Upper end of the interval."""
        return self.mean + self.half_width

    def format(self, digits=3, *, seeds=True) -> str:
        """``mean±half`` with ``digits`` decimals, and ``(n seeds)`` unless ``seeds=False``."""
        return format_ci(self, digits, seeds=seeds)


def mean_ci(values, level=0.95) -> Interval:
    """Mean of ``values`` and the half-width of its Student-t interval at ``level``.

    0 half-width means every seed gave the same value. One value gives a NaN half-width:
    one seed says nothing about the spread. NaN values are refused (drop them first and say why).

    >>> iv = mean_ci([0.80, 0.81, 0.82, 0.80, 0.81])
    >>> round(iv.mean, 3), round(iv.half_width, 4), iv.n
    (0.808, 0.0104, 5)
    """
    from scipy import stats as sps

    v = check_array("values", values, nonempty=False, finite=False).ravel()
    if v.size == 0:
        raise ValueError("values must hold at least one number, got an empty array")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"values must be finite numbers, got {v.tolist()}")
    level = check_number("level", level, 0, 1, low_open=True, high_open=True)
    if v.size == 1:
        return Interval(float(v[0]), math.nan, 1, level)
    sd = float(v.std(ddof=1))
    t = float(sps.t.ppf(0.5 + level / 2, df=v.size - 1))
    return Interval(float(v.mean()), t * sd / math.sqrt(v.size), int(v.size), level)


def format_ci(interval, digits=3, *, seeds=True) -> str:
    """``0.807±0.006 (5 seeds)``: an :class:`Interval` (or per-seed values) rounded to ``digits``.

    >>> format_ci([0.80, 0.81, 0.82, 0.80, 0.81])
    '0.808±0.010 (5 seeds)'
    >>> format_ci([0.5], 2)
    '0.50 (1 seed)'
    """
    digits, seeds = check_int("digits", digits, 0, 15), check_bool("seeds", seeds)
    iv = interval if isinstance(interval, Interval) else mean_ci(interval)
    suffix = f" ({iv.n} seed{'s' if iv.n != 1 else ''})" if seeds else ""
    if math.isnan(iv.half_width):
        return f"{iv.mean:.{digits}f}{suffix}"
    return f"{iv.mean:.{digits}f}±{iv.half_width:.{digits}f}{suffix}"


def separated(a, b) -> bool:
    """True when the intervals of ``a`` and ``b`` (Intervals or per-seed values) do not overlap.

    The kit's rule for calling a difference an effect; False also when either has one seed.

    >>> separated([0.80, 0.81, 0.80], [0.90, 0.91, 0.90]), separated([0.80, 0.9], [0.85, 0.86])
    (True, False)
    """
    a = a if isinstance(a, Interval) else mean_ci(a)
    b = b if isinstance(b, Interval) else mean_ci(b)
    if math.isnan(a.half_width) or math.isnan(b.half_width):
        return False
    return a.high < b.low or b.high < a.low
