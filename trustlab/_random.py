"""Seeds to generators: every stochastic function takes ``seed`` and resolves it here.

Nothing in trustlab seeds a global generator (scikit-learn's "Random numbers" guide).
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

__all__ = ["check_seed", "check_seeds", "numpy_rng", "torch_generator"]


def check_seed(seed):
    """Validate ``seed``: a non-negative int (or a numpy Generator, returned unchanged)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative int, got {seed!r} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}")
    return int(seed)


def check_seeds(seeds) -> tuple:
    """``seeds`` as a tuple of 1 to 64 distinct non-negative ints, else an error naming ``seeds``."""
    from trustlab._validate import abbreviate, check_int

    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of non-negative ints, got {abbreviate(seeds)}")
    seeds = tuple(check_int("seeds", s, 0) for s in seeds)
    if not 1 <= len(seeds) <= 64 or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be 1 to 64 distinct non-negative ints, got {abbreviate(list(seeds))}")
    return seeds


def numpy_rng(seed) -> np.random.Generator:
    """A numpy Generator for ``seed`` (an int, or a Generator passed through).

    >>> numpy_rng(0).integers(10, size=3).tolist()
    [8, 6, 5]
    """
    seed = check_seed(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def torch_generator(seed) -> torch.Generator:
    """A CPU torch Generator seeded with ``seed`` (a Generator's next integer if given one)."""
    seed = check_seed(seed)
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63 - 1))
    gen = torch.Generator(device="cpu")
    gen.manual_seed(seed)
    return gen
