"""Input checks that name the parameter, the value and what is allowed: the one validation layer.

Public functions call these before doing any work instead of clamping or coercing: a slider
or a learner who passes a value out of range gets an error that says how to fix it. The
rules, the same everywhere:

- numbers are finite unless a parameter documents ``inf`` (``allow_inf=True``); NaN never is;
- integers are exact: 2.9, "5" and True are refused, numpy integer types are fine;
- arrays are checked for type, dimensions, finite values, lengths and allowed labels;
- a damaged shipped file is one :class:`DamagedFileError` naming the file and the remedy.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from trustlab._validate_arrays import check_array

__all__ = ["DamagedFileError", "abbreviate", "check_array", "check_bool", "check_callable",
           "check_choice", "check_int", "check_keys", "check_number", "check_path", "check_str",
           "damaged_file"]


class DamagedFileError(ValueError):
    """A shipped or cached file exists but cannot be read as what it should hold."""


def abbreviate(value, limit=60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for error messages.

    >>> abbreviate("x" * 100, limit=12)
    "'xxxxxxx…' (str of 100 characters)"
    >>> abbreviate(np.zeros((3, 4)))
    'array of shape (3, 4), dtype float64'
    """
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"array of shape {value.shape}, dtype {value.dtype}"
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__} object>"
    if len(text) <= limit:
        return text
    quote = text[0] if text[0] in "'\"" else ""
    if isinstance(value, str):
        size = f"str of {len(value)} characters"
    elif hasattr(value, "__len__"):
        size = f"{type(value).__name__} of {len(value)} items"
    else:
        size = type(value).__name__
    return f"{text[:limit - 4]}…{quote} ({size})"


def _interval(low, high, low_open, high_open):
    left = "(" if low_open or low is None else "["
    right = ")" if high_open else "]"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{left}{lo}, {hi}{right}"


def check_number(name, value, low=None, high=None, *, low_open=False, high_open=False,
                 allow_inf=False):
    """Return ``value`` as float if it is a real number inside the interval, else raise.

    NaN is always refused; ±inf only with ``allow_inf=True`` (and inside the bounds), for a
    parameter whose docstring says what infinity means.

    >>> check_number("p_truth", 0.75, 0.5, 1, low_open=True)
    0.75
    >>> check_number("p_truth", 0.5, 0.5, 1, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: p_truth must be in (0.5, 1], got 0.5
    >>> check_number("lr", float("inf"), 0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be finite, in (0, inf), got inf
    >>> check_number("epsilon", float("inf"), 0, low_open=True, allow_inf=True)
    inf
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {abbreviate(value)} ({type(value).__name__})")
    value = float(value)
    open_top = high_open or (high is None and not allow_inf)
    allowed = _interval(low, high, low_open, open_top)
    if math.isnan(value):
        raise ValueError(f"{name} must be in {allowed}, got nan")
    if math.isinf(value) and not allow_inf:
        raise ValueError(f"{name} must be finite, in {allowed}, got {value}")
    too_low = low is not None and (value < low or (low_open and value == low))
    too_high = high is not None and (value > high or (high_open and value == high))
    if too_low or too_high:
        raise ValueError(f"{name} must be in {allowed}, got {value:g}")
    return value


def check_int(name, value, low=None, high=None):
    """Return ``value`` as int if it is an exact integer inside ``[low, high]``, else raise.

    Floats (even 3.0), strings and booleans are refused; numpy integers are fine.

    >>> check_int("n_respondents", np.int64(5), 1)
    5
    >>> check_int("batch_size", 2.9, 1)
    Traceback (most recent call last):
    ...
    TypeError: batch_size must be an integer, got 2.9 (float)
    >>> check_int("n_respondents", 0, 1)
    Traceback (most recent call last):
    ...
    ValueError: n_respondents must be an integer in [1, inf], got 0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {abbreviate(value)} ({type(value).__name__})")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else f"{low}"
        hi = "inf" if high is None else f"{high}"
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value}")
    return value


def check_bool(name, value) -> bool:
    """Return ``value`` if it is True or False (numpy booleans too); "no", 0 and None are refused.

    >>> check_bool("use_cache", "no")
    Traceback (most recent call last):
    ...
    TypeError: use_cache must be True or False, got 'no' (str)
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {abbreviate(value)} ({type(value).__name__})")
    return bool(value)


def _same(a, b) -> bool:
    if isinstance(a, (bool, np.bool_)) != isinstance(b, (bool, np.bool_)):
        return False  # True == 1 in Python, but a switch is not a count
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # e.g. an array compared to a string
        return False


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices`` (True is not 1), else raise naming them.

    >>> check_choice("mode", "eps", ("epsilon", "noise_multiplier"))
    Traceback (most recent call last):
    ...
    ValueError: mode must be one of 'epsilon', 'noise_multiplier', got 'eps'
    """
    if not any(_same(value, c) for c in choices):
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {abbreviate(value)}")
    return value


def check_str(name, value, *, nonempty=True) -> str:
    """Return ``value`` if it is a string (non-empty, after stripping, unless ``nonempty=False``)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {abbreviate(value)} ({type(value).__name__})")
    if nonempty and not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def check_callable(name, value):
    """Return ``value`` if it can be called, else a TypeError naming it."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {abbreviate(value)} ({type(value).__name__})")
    return value


def check_keys(name, mapping, allowed) -> dict:
    """``mapping`` as a dict if every key is in ``allowed`` (a typo such as ``epoch`` is refused).

    >>> check_keys("recipe", {"epoch": 1}, ["epochs", "lr"])
    Traceback (most recent call last):
    ...
    ValueError: recipe has unknown keys ['epoch']; allowed: ['epochs', 'lr']
    """
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{name} must be a dict, got {abbreviate(mapping)} ({type(mapping).__name__})")
    unknown = sorted((k for k in mapping if k not in allowed), key=str)
    if unknown:
        raise ValueError(f"{name} has unknown keys {unknown}; allowed: {sorted(allowed, key=str)}")
    return dict(mapping)


def check_path(name, value) -> Path:
    """``value`` as a Path if it is a str or path-like, else a TypeError naming it."""
    if isinstance(value, bool) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {abbreviate(value)} "
                        f"({type(value).__name__})")
    return Path(value).expanduser()


def damaged_file(path, reason, remedy) -> DamagedFileError:
    """The one error for a file that exists but is unreadable: names it, the reason and the remedy.

    ``reason`` is an exception or a short text; only its first line is kept, so numpy's
    advice to load pickled data (which a user should never follow) is not shown.

    >>> str(damaged_file("datasets/adult.csv.gz", ValueError("bad gzip"), "rebuild with `make datasets`"))
    'datasets/adult.csv.gz is damaged (ValueError: bad gzip); rebuild with `make datasets`'
    """
    if isinstance(reason, BaseException):
        text = str(reason).strip().splitlines()[0] if str(reason).strip() else ""
        if "allow_pickle" in text or "pickled" in text:
            text = "not a plain numpy archive"
        reason = f"{type(reason).__name__}: {text}" if text else type(reason).__name__
    reason = reason if len(reason) <= 160 else reason[:157] + "…"
    return DamagedFileError(f"{path} is damaged ({reason}); {remedy}")
