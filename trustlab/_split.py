"""The digits and their stratified train/test split, without importing scikit-learn.

Why: importing ``sklearn.model_selection`` pulls in scipy and pandas, about 110 MB in every
process that loads digits; on Flower's simulation engine that is the notebook's kernel *and*
Ray's worker (notebook 21, ``benchmarks/run.py``). Both functions give exactly what
scikit-learn gives (``tests/unit/test_split.py`` compares them on digits and on random labels):

- :func:`digits_file_arrays` reads the copy of the UCI digits that scikit-learn ships
  (``sklearn/datasets/data/digits.csv.gz``, what ``sklearn.datasets.load_digits`` reads),
  locating the installed package without importing it;
- :func:`stratified_split` makes the random draws of scikit-learn's stratified
  ``train_test_split`` (``StratifiedShuffleSplit``, one split) in the same order from the same
  ``RandomState``: per class, how many rows go to train and to test; one shuffle per class;
  then one shuffle of all train rows and one of all test rows.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import numpy as np

__all__ = ["digits_file_arrays", "stratified_split"]


def _digits_csv() -> Path | None:
    spec = importlib.util.find_spec("sklearn")  # finds the package; does not import it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"
    return path if path.is_file() else None


def digits_file_arrays() -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of the 1,797 digits as ``sklearn.datasets.load_digits(return_X_y=True)`` gives them.

    X is float64 pixel intensities 0..16 (64 per row), y the int64 labels. Falls back to
    scikit-learn's own loader if its data file cannot be found.
    """
    path = _digits_csv()
    if path is None:
        from sklearn.datasets import load_digits

        return load_digits(return_X_y=True)
    with gzip.open(path, "rt") as fh:
        table = np.loadtxt(fh, delimiter=",")
    return table[:, :-1], table[:, -1].astype(np.int64)


def _share_out(counts, n_draws, rng) -> np.ndarray:
    """Split ``n_draws`` over classes in proportion to ``counts``.

    Each class gets the floor of its proportional share; the draws left over go one each to
    the classes with the largest fractional parts, and among classes whose fractional parts
    are equal, ``rng.choice`` picks which ones get one.
    """
    exact = counts / counts.sum() * n_draws
    shares = np.floor(exact)
    left = int(n_draws - shares.sum())
    if left > 0:
        fraction = exact - shares
        for value in np.unique(fraction)[::-1]:
            tied = np.flatnonzero(fraction == value)
            k = min(len(tied), left)
            shares[rng.choice(tied, size=k, replace=False)] += 1
            left -= k
            if left == 0:
                break
    return shares.astype(int)


def stratified_split(y, n_test: int, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """``(train_indices, test_indices)``: ``n_test`` rows for test, every class kept in proportion.

    The indices ``train_test_split(..., test_size=n_test / len(y), random_state=random_state,
    stratify=y)`` selects, in its order. The caller checks ``n_test`` leaves every class in
    both parts.
    """
    y = np.asarray(y)
    _, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    members = np.split(np.argsort(codes, kind="stable"), np.cumsum(counts)[:-1])
    rng = np.random.RandomState(random_state)
    n_train = len(y) - n_test
    to_train = _share_out(counts, n_train, rng)
    to_test = _share_out(counts - to_train, n_test, rng)
    train, test = [], []
    for rows, k_train, k_test in zip(members, to_train, to_test):
        rows = rows[rng.permutation(len(rows))]
        train.extend(rows[:k_train])
        test.extend(rows[k_train:k_train + k_test])
    return rng.permutation(train), rng.permutation(test)
