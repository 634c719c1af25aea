"""Input checks for :mod:`trustlab.training` and :mod:`trustlab.batched` (kept apart only for length).

Like :mod:`trustlab._validate`: each error names the parameter, the value and what is allowed,
and nothing here changes a valid input's numbers (arrays become tensors without a copy).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from trustlab._random import check_seed
from trustlab._validate import abbreviate, check_bool, check_callable
from trustlab._validate_arrays import check_array

__all__ = ["check_loop", "check_many", "numeric_tensor", "xy_tensors"]


def numeric_tensor(name, value) -> torch.Tensor:
    """``value`` as a tensor (as ``torch.as_tensor(np.asarray(value))``) if it holds numbers.

    >>> numeric_tensor("y_test", None)
    Traceback (most recent call last):
    ...
    TypeError: y_test must be an array of values, got None (NoneType)
    """
    if torch.is_tensor(value):
        return value
    arr = check_array(name, value, kind="any", nonempty=False)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of numbers, got dtype {arr.dtype} ({abbreviate(value)})")
    return torch.as_tensor(arr)


def xy_tensors(X, y) -> tuple[torch.Tensor, torch.Tensor]:
    """``(X, y)`` as float32 / int64 tensors: X 2-d finite, y whole-number labels >= 0, same length."""
    X, y = numeric_tensor("X", X).to(torch.float32), numeric_tensor("y", y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"X must be 2-d and y 1-d of the same length, got X{tuple(X.shape)} and y{tuple(y.shape)}")
    if len(X) == 0:
        raise ValueError("X and y must not be empty")
    if not torch.isfinite(X).all():
        raise ValueError("X must hold finite numbers; it has NaN or inf")
    if y.is_floating_point() and not torch.equal(y, y.round()):  # NaN is not equal to itself
        raise ValueError("y must hold integer class labels, got non-integer values")
    y = y.to(torch.int64)
    if y.min() < 0:
        raise ValueError(f"y must hold class labels >= 0, got {int(y.min())}")
    return X, y


def check_loop(model, optimizer=None, on_epoch=None):
    """For :func:`trustlab.training.fit` / ``evaluate``: a module, an optimizer, a callback or None."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {abbreviate(model)} ({type(model).__name__})")
    if optimizer is not None and not (hasattr(optimizer, "zero_grad") and hasattr(optimizer, "step")):
        raise TypeError(f"optimizer must be a torch optimizer (with zero_grad and step), got {type(optimizer).__name__}")
    if on_epoch is not None:
        check_callable("on_epoch", on_epoch)


def check_many(model_fn, seeds, on_epoch, progress) -> tuple:
    """For :func:`trustlab.training.train_many`: ``seeds`` as a tuple of ints (K >= 1), the rest checked."""
    check_callable("model_fn", model_fn)
    check_loop(nn.Identity(), None, on_epoch)
    check_bool("progress", progress)
    if isinstance(seeds, (str, bytes)) or not np.iterable(seeds):
        raise TypeError(f"seeds must be a list of non-negative ints (one per model), got {abbreviate(seeds)}")
    seeds = tuple(check_seed(s) for s in seeds)
    if len(seeds) < 1:
        raise ValueError("seeds must hold at least one seed (K >= 1), got none")
    return seeds
