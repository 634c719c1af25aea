"""Compact arrays for the attack sweeps: per-example scores of many models, shipped as short text.

The attack sweeps keep what every attack needs, one score per model and example (LiRA's
logit-scaled confidences, the one-run audit's canary scores), for five seeds each. Written as
decimal JSON numbers that would take megabytes; here an array is rounded to a fixed number of
decimals (the stated resolution of the shipped values), stored as little-endian int32 split
into its four byte planes (the high bytes are nearly constant), compressed with LZMA and
written as base64 text; membership masks as packed bits. JSON stays the file format (the
cache reads and checks it as any other sweep).
"""

from __future__ import annotations

import base64
import binascii
import lzma

import numpy as np

from trustlab._validate import check_array, check_int

__all__ = ["pack_bits", "pack_values", "unpack_bits", "unpack_values"]

_LIMIT = 2**31 - 1


def pack_values(values, decimals=3) -> str:
    """``values`` rounded to ``decimals`` places, as base64 text (LZMA-compressed int32 byte planes).

    >>> text = pack_values([1.23456, -2.0, 30.5])
    >>> unpack_values(text, 3).tolist()
    [1.235, -2.0, 30.5]
    """
    a = check_array("values", values, ndim=None, nonempty=False)
    decimals = check_int("decimals", decimals, 0, 6)
    scaled = np.round(a.ravel() * 10.0**decimals)
    if scaled.size and np.abs(scaled).max() > _LIMIT:
        raise ValueError(f"values must be below {_LIMIT / 10**decimals:g} in magnitude to pack with "
                         f"{decimals} decimals, got {np.abs(a).max():g}")
    planes = scaled.astype("<i4").view(np.uint8).reshape(-1, 4).T.tobytes()
    return _text(planes)


def _text(raw) -> str:
    return base64.b64encode(lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME)).decode("ascii")


def _raw(text, name):
    if not isinstance(text, str):
        raise ValueError(f"{name} must be packed text (base64), got {type(text).__name__}")
    try:
        return lzma.decompress(base64.b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, lzma.LZMAError, UnicodeEncodeError) as exc:
        raise ValueError(f"{name} is not a packed array ({exc})") from None


def unpack_values(text, size, decimals=3, *, name="values") -> np.ndarray:
    """The ``size`` float64 values that :func:`pack_values` wrote (a damaged text raises)."""
    raw = _raw(text, name)
    if len(raw) != 4 * size:
        raise ValueError(f"{name} holds {len(raw) // 4} values, expected {size}")
    ints = np.frombuffer(raw, dtype=np.uint8).reshape(4, size).T.copy().view("<i4")[:, 0]
    return ints.astype(np.float64) / 10.0**decimals


def pack_bits(mask) -> str:
    """A boolean array as base64 text of its packed bits (8 per byte).

    >>> unpack_bits(pack_bits([True, False, True]), 3).tolist()
    [True, False, True]
    """
    m = np.asarray(mask)
    if m.dtype != bool:
        raise TypeError(f"mask must be a boolean array, got dtype {m.dtype}")
    return _text(np.packbits(m.ravel()).tobytes())


def unpack_bits(text, size, *, name="mask") -> np.ndarray:
    """The ``size`` booleans that :func:`pack_bits` wrote."""
    raw = _raw(text, name)
    if len(raw) != (size + 7) // 8:
        raise ValueError(f"{name} holds {8 * len(raw)} bits, expected {size}")
    return np.unpackbits(np.frombuffer(raw, dtype=np.uint8))[:size].astype(bool)
