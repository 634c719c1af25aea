"""Array checks for :mod:`trustlab._validate` (re-exported there): type, shape, values, labels.

Kept apart only for length; callers import ``check_array`` from ``trustlab._validate``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["check_array"]


def _abbreviate(value, limit=60):
    from trustlab._validate import abbreviate

    return abbreviate(value, limit)


_KINDS = {"float": "numbers", "int": "integers", "bool": "booleans (or 0/1)", "any": "values"}


def check_array(name, value, *, kind="float", ndim=None, finite=True, nonempty=True, length=None,
                length_name=None, allowed=None, min_value=None, max_value=None) -> np.ndarray:
    """``value`` as a numpy array after checking what it holds; a ValueError/TypeError otherwise.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    kind : {"float", "int", "bool", "any"}
        ``"float"``: real numbers (ints and bools count as numbers, strings do not);
        ``"int"``: integer dtype (floats such as 0.5 are refused); ``"bool"``: booleans or
        0/1 integers, returned as bool; ``"any"``: no element check (labels of any type).
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    finite : bool
        Refuse NaN and ±inf (``kind="float"`` only).
    nonempty : bool
        Refuse an array with no elements.
    length : int, optional
        Required length of the first axis; ``length_name`` names what it must match.
    allowed : collection, optional
        Every element must be one of these (e.g. class labels 0..9).
    min_value, max_value : float, optional
        Inclusive bounds on every element.

    >>> check_array("scores", [0.5, 1.0]).tolist()
    [0.5, 1.0]
    >>> check_array("scores", [0.5, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: scores must hold finite numbers, got NaN or inf at index 1 (of 2)
    >>> check_array("is_member", [0, 1, 2], kind="bool")
    Traceback (most recent call last):
    ...
    ValueError: is_member must hold booleans (or 0/1), got 2 at index 2
    >>> check_array("y", [0, 1], kind="int", length=3, length_name="X")
    Traceback (most recent call last):
    ...
    ValueError: y must have the same length as X (3), got 2
    """
    if isinstance(value, (str, bytes, Mapping)) or value is None:
        raise TypeError(f"{name} must be an array of {_KINDS[kind]}, got {_abbreviate(value)} "
                        f"({type(value).__name__})")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array, got {_abbreviate(value)} ({exc})") from None
    if ndim is not None and arr.ndim not in np.atleast_1d(ndim):
        raise ValueError(f"{name} must be {ndim}-d, got an array of shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got an array of shape {arr.shape}")
    if length is not None and (arr.ndim == 0 or len(arr) != length):
        what = f"the same length as {length_name} ({length})" if length_name else f"length {length}"
        raise ValueError(f"{name} must have {what}, got {len(arr) if arr.ndim else 'a scalar'}")
    if kind in ("float", "int", "bool") and arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of {_KINDS[kind]}, got dtype {arr.dtype} "
                        f"({_abbreviate(value)})")
    if kind == "int" and arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an array of integers, got dtype {arr.dtype}")
    if kind == "bool" and arr.dtype.kind != "b":
        bad = np.flatnonzero(~np.isin(arr.ravel(), (0, 1)))
        if bad.size:
            raise ValueError(f"{name} must hold booleans (or 0/1), got {arr.ravel()[bad[0]].item()!r} "
                             f"at index {bad[0]}")
        arr = arr.astype(bool)
    if kind == "float":
        arr = arr.astype(float, copy=False)
        if finite:
            bad = np.flatnonzero(~np.isfinite(arr.ravel()))
            if bad.size:
                raise ValueError(f"{name} must hold finite numbers, got NaN or inf at index {bad[0]} "
                                 f"(of {arr.size})")
    if allowed is not None:
        allowed_list = sorted(set(allowed), key=str)
        bad = np.flatnonzero(~np.isin(arr.ravel(), allowed_list))
        if bad.size:
            raise ValueError(f"{name} must hold values from {_abbreviate(allowed_list, 80)}, got "
                             f"{arr.ravel()[bad[0]].item()!r} at index {bad[0]}")
    for bound, fails, word in ((min_value, lambda a, b: a < b, "at least"),
                               (max_value, lambda a, b: a > b, "at most")):
        if bound is not None:
            bad = np.flatnonzero(fails(arr.ravel(), bound))
            if bad.size:
                raise ValueError(f"{name} must hold values {word} {bound:g}, got {arr.ravel()[bad[0]].item()!r} "
                                 f"at index {bad[0]}")
    return arr
