"""Split a data set across federated clients: IID, Dirichlet(α) label skew, natural groups.

Dirichlet label skew follows Hsu, Qi & Brown (2019), "Measuring the effects of non-identical
data distribution for federated visual classification"; digits has no writer IDs, so its
non-IID splits are label-skewed.
Natural partitions use an attribute of the rows, e.g. Adult's ``workclass`` (Becker & Kohavi 1996).
"""

from __future__ import annotations

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_int, check_number

__all__ = ["dirichlet_partition", "iid_partition", "label_distribution", "natural_partition"]


def _check_labels(y):
    y = check_array("y", y, kind="any", ndim=1)
    if y.dtype.kind not in "iuUS":  # floats (NaN), booleans and objects are not class labels
        raise TypeError(f"y must hold class labels (integers or strings), got dtype {y.dtype}")
    return y


def _check_clients(num_clients, n):
    check_int("num_clients", num_clients, 1)
    if num_clients > n:
        raise ValueError(f"num_clients must be at most the number of samples ({n}), got {num_clients}")
    return int(num_clients)


def iid_partition(y, num_clients, *, seed=0) -> list[np.ndarray]:
    """Indices of ``y`` shuffled and dealt into ``num_clients`` near-equal shares.

    Every client sees the same label mix up to sampling noise: the easy case FedAvg was
    first shown on (McMahan et al. 2017).

    >>> parts = iid_partition(np.arange(10) % 2, 3, seed=0)
    >>> [len(p) for p in parts], sorted(np.concatenate(parts).tolist()) == list(range(10))
    ([4, 3, 3], True)
    """
    y = _check_labels(y)
    num_clients = _check_clients(num_clients, len(y))
    order = numpy_rng(seed).permutation(len(y))
    return [np.sort(part) for part in np.array_split(order, num_clients)]


def dirichlet_partition(y, num_clients, alpha, *, seed=0) -> list[np.ndarray]:
    """Indices of ``y`` dealt to clients whose label mixes are drawn from Dirichlet(α·p).

    As in Hsu, Qi & Brown (2019): client k draws label proportions q_k ~ Dir(α·p), with p the
    overall label frequencies, and receives an equal share of the examples drawn with those
    proportions (without replacement; a class that runs out is left out of the rest of the
    draws). Small α (0.1) gives each client one or two labels; large α (100) is close to IID.
    Every client gets ``len(y) // num_clients`` or one more examples, so none is ever empty.

    Parameters
    ----------
    y : array-like of int
        Labels.
    num_clients : int
        Between 1 and ``len(y)``.
    alpha : float
        Concentration, > 0 and finite (IID is ``iid_partition``).
    seed : int

    >>> y = np.repeat(np.arange(10), 50)
    >>> parts = dirichlet_partition(y, 5, alpha=0.1, seed=0)
    >>> [len(p) for p in parts], len(np.unique(np.concatenate(parts)))
    ([100, 100, 100, 100, 100], 500)
    >>> dirichlet_partition(y, 5, alpha=0)
    Traceback (most recent call last):
    ...
    ValueError: alpha must be in (0, inf), got 0
    """
    y = _check_labels(y)
    num_clients = _check_clients(num_clients, len(y))
    alpha = check_number("alpha", alpha, 0, None, low_open=True)
    rng = numpy_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    prior = counts / counts.sum()
    pools = [list(rng.permutation(np.flatnonzero(y == c))) for c in classes]
    sizes = [len(s) for s in np.array_split(np.arange(len(y)), num_clients)]
    parts = []
    for size in sizes:
        q = np.nan_to_num(rng.dirichlet(alpha * prior))
        if q.sum() <= 0:  # α·p so small that every draw underflowed: one label
            q[rng.integers(len(q))] = 1.0
        taken: list[int] = []
        while len(taken) < size:
            left = np.array([len(pool) for pool in pools])
            w = np.where(left > 0, q, 0.0)
            w = w / w.sum() if w.sum() > 0 else left / left.sum()
            want = rng.multinomial(size - len(taken), w)
            for c in np.flatnonzero(want):
                n = min(int(want[c]), len(pools[c]))
                taken += pools[c][:n]
                del pools[c][:n]
            q = w  # labels that ran out keep zero weight
        parts.append(np.sort(np.asarray(taken, dtype=np.int64)))
    return parts


def natural_partition(groups, *, min_size=1) -> tuple[list[np.ndarray], list]:
    """Indices grouped by the value of an attribute (one client per value), and the values.

    Groups smaller than ``min_size`` are dropped (e.g. Adult's 21 ``Without-pay`` rows when
    ``min_size=100``).

    >>> parts, names = natural_partition(["a", "b", "a", "c"])
    >>> names, [p.tolist() for p in parts]
    (['a', 'b', 'c'], [[0, 2], [1], [3]])
    """
    if isinstance(groups, (str, bytes)):
        raise TypeError(f"groups must be a sequence of group values, got a {type(groups).__name__}")
    values = np.asarray(groups, dtype=object)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"groups must be a non-empty 1-d array, got shape {values.shape}")
    for i, v in enumerate(values.tolist()):
        if v is None or (isinstance(v, float) and v != v):
            raise ValueError(f"groups must give every row a group, got {v!r} at index {i}")
    check_int("min_size", min_size, 1)
    names = sorted(set(values.tolist()), key=str)
    parts = [np.flatnonzero(values == name) for name in names]
    keep = [(p, n) for p, n in zip(parts, names) if len(p) >= min_size]
    if not keep:
        raise ValueError(f"no group has min_size={min_size} rows (largest: {max(map(len, parts))})")
    return [p for p, _ in keep], [n for _, n in keep]


def label_distribution(y, partitions, num_classes=None) -> np.ndarray:
    """Counts of each label per client: an array of shape (clients, classes).

    ``num_classes`` defaults to the largest label + 1 and may not be smaller.

    >>> label_distribution([0, 1, 1, 2], [np.array([0, 1]), np.array([2, 3])]).tolist()
    [[1, 1, 0], [0, 1, 1]]
    """
    y = check_array("y", y, kind="int", ndim=1, min_value=0)
    k = int(y.max()) + 1 if num_classes is None else check_int("num_classes", num_classes, int(y.max()) + 1)
    if isinstance(partitions, (str, bytes, np.ndarray)) or not hasattr(partitions, "__len__") or not partitions:
        raise ValueError(f"partitions must be a non-empty list of index arrays, got {partitions!r:.60}")
    parts = [check_array(f"partitions[{i}]", p, kind="int", ndim=1, nonempty=False, min_value=0,
                         max_value=len(y) - 1) for i, p in enumerate(partitions)]
    return np.stack([np.bincount(y[p], minlength=k) for p in parts])
