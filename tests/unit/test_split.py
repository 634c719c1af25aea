"""trustlab._split against scikit-learn: the digits file and the stratified split are identical."""

import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits as sk_load_digits
from sklearn.model_selection import train_test_split

from trustlab._split import digits_file_arrays, stratified_split


def test_digits_file_equals_sklearns_loader():
    X, y = digits_file_arrays()
    X_sk, y_sk = sk_load_digits(return_X_y=True)
    np.testing.assert_array_equal(X, X_sk)
    np.testing.assert_array_equal(y, y_sk)
    assert X.dtype == X_sk.dtype and y.dtype == np.int64


def _sklearn_indices(y, n_test, random_state):
    rows = np.arange(len(y))
    train, test = train_test_split(rows, test_size=n_test, random_state=random_state, stratify=y)  # int: a count
    return train, test


@pytest.mark.parametrize("case", range(60))
def test_stratified_split_equals_sklearn(case):
    rng = np.random.default_rng(case)
    if case < 20:  # the digits, as load_digits splits them, at various test sizes
        y = digits_file_arrays()[1]
        n_test = int(rng.integers(10, len(y) - 10))
    else:  # random labels with uneven classes: ties between fractional parts are common
        n_classes = int(rng.integers(2, 8))
        y = rng.choice(n_classes, size=int(rng.integers(3 * n_classes, 200)),
                       p=rng.dirichlet(np.ones(n_classes)))
        y = np.concatenate([y, np.repeat(np.arange(n_classes), 2)])  # every class at least twice
        n_test = int(rng.integers(n_classes, len(y) - n_classes + 1))
    random_state = int(rng.integers(2**31 - 1))
    train, test = stratified_split(y, n_test, random_state)
    sk_train, sk_test = _sklearn_indices(y, n_test, random_state)
    np.testing.assert_array_equal(train, sk_train)
    np.testing.assert_array_equal(test, sk_test)


def test_loading_digits_imports_neither_sklearn_nor_pandas():
    # The point of trustlab._split: a process that only needs digits (Ray's worker on Flower's
    # simulation engine) does not pay ~110 MB for scikit-learn, scipy and pandas.
    import subprocess

    code = ("import sys; from trustlab.data import load_digits; load_digits(seed=3); "
            "print(sorted(m for m in ('sklearn', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


@pytest.mark.parametrize("seed, test_size", [(0, 0.25), (1, 0.25), (7, 0.5), (123, 0.1), (2**40, 0.33)])
def test_load_digits_equals_the_sklearn_pipeline_it_replaced(seed, test_size):
    from trustlab._random import numpy_rng
    from trustlab.data import load_digits

    X, y = sk_load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    random_state = int(numpy_rng(seed).integers(2**31 - 1))
    expected = train_test_split(X, y, test_size=test_size, random_state=random_state, stratify=y)
    got = load_digits(test_size=test_size, seed=seed)
    for a, b in zip((got.X_train, got.X_test, got.y_train, got.y_test), expected):
        np.testing.assert_array_equal(a, b)
