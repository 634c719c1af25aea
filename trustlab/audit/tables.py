"""A practitioner's table, checked: target and sensitive columns, features encoded for a model.

:func:`load_table` takes a pandas DataFrame or a CSV path, a binary target column and one or
more sensitive columns, and refuses what would give a wrong number (missing columns, a target
with other than two values, missing values, a sensitive column with one value, a declared
group without rows) with an error naming the parameter and the value. :meth:`AuditTable.encoder`
is a scikit-learn ``ColumnTransformer``: one-hot for text columns, standardization for numbers.
The checks themselves live in :mod:`trustlab.audit.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trustlab._random import numpy_rng
from trustlab._validate import check_bool, check_int, check_number, check_str
from trustlab.audit.checks import show_values, join_columns, sensitive_frame

__all__ = ["AuditTable", "load_table"]


@dataclass(frozen=True, eq=False)
class AuditTable:
    """A checked table: features for a model, a 0/1 target and the sensitive columns.

    Attributes
    ----------
    data : pandas.DataFrame
        The rows, with only the feature, sensitive and target columns.
    target, positive : the target column and the value of it that means 1.
    sensitive : tuple of str
        Sensitive columns (audited; model inputs only if ``use_sensitive``).
    features : tuple of str
        The model's input columns.
    name : str
    """

    data: pd.DataFrame
    target: str
    positive: object
    sensitive: tuple
    features: tuple
    name: str = "table"

    @property
    def X(self) -> pd.DataFrame:
        """The model's input columns."""
        return self.data[list(self.features)]

    @property
    def y(self) -> np.ndarray:
        """The target as int64 0/1 (1 means ``positive``)."""
        return (self.data[self.target] == self.positive).to_numpy(np.int64)

    @property
    def sensitive_features(self) -> pd.DataFrame:
        """The sensitive columns as strings (what the fairness audit groups by)."""
        return sensitive_frame(self.data[list(self.sensitive)])

    def numeric_features(self) -> list:
        """Feature columns with a numeric (non-boolean) dtype: standardized by the encoder."""
        return [c for c in self.features if pd.api.types.is_numeric_dtype(self.data[c])
                and not pd.api.types.is_bool_dtype(self.data[c])]

    def encoder(self, max_categories=30):
        """A ``ColumnTransformer``: numbers standardized, other columns one-hot encoded.

        Categories beyond the ``max_categories`` most frequent of a column share one
        "infrequent" column; categories unseen at fit time encode as all zeros.
        """
        from sklearn.compose import ColumnTransformer
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        check_int("max_categories", max_categories, 2)
        numeric = self.numeric_features()
        other = [c for c in self.features if c not in numeric]
        onehot = OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=max_categories,
                               sparse_output=False)
        return ColumnTransformer([("numeric", StandardScaler(), numeric), ("categorical", onehot, other)])

    def pipeline(self, estimator):
        """``Pipeline(encoder, estimator)``: the estimator fitted on the encoded features."""
        from sklearn.pipeline import make_pipeline

        return make_pipeline(self.encoder(), estimator)

    def subset(self, rows) -> "AuditTable":
        """The same table restricted to ``rows`` (positions)."""
        return AuditTable(self.data.iloc[rows].reset_index(drop=True), self.target, self.positive,
                          self.sensitive, self.features, self.name)

    def split(self, test_size=0.3, *, seed=0):
        """``(train, test)`` tables, stratified by sensitive group and target, seeded."""
        test_size = check_number("test_size", test_size, 0, 1, low_open=True, high_open=True)
        rng = numpy_rng(seed)
        strata = pd.Series(join_columns(self.sensitive_features, "|")) + "|" + pd.Series(self.y).astype(str)
        test = []
        for _, rows in pd.Series(np.arange(len(strata))).groupby(strata.to_numpy()):
            rows = rng.permutation(rows.to_numpy())
            test.extend(rows[:int(round(test_size * len(rows)))])
        is_test = np.zeros(len(strata), bool)
        is_test[test] = True
        return self.subset(np.flatnonzero(~is_test)), self.subset(np.flatnonzero(is_test))

    def group_table(self) -> pd.DataFrame:
        """Rows, share of the table and base rate P(target = positive) per sensitive group."""
        y, sf, parts = self.y, self.sensitive_features, []
        for col in sf.columns:
            g = pd.DataFrame({"group": sf[col], "y": y}).groupby("group")["y"]
            parts.append(pd.DataFrame({"feature": col, "count": g.size().astype(np.int64),
                                       "share": g.size() / len(y),
                                       "base_rate": g.mean()}).reset_index())
        return pd.concat(parts).set_index(["feature", "group"])

    def summary(self) -> str:
        """One line: name, size, features, target and the groups with their base rates."""
        groups = self.group_table()
        parts = [f"{feat}: " + ", ".join(f"{g} {int(row['count']):,} (base rate {row['base_rate']:.3f})"
                                         for (f, g), row in groups.iterrows() if f == feat)
                 for feat in self.sensitive]
        return (f"{self.name}: {len(self.data):,} rows, {len(self.features)} features "
                f"({len(self.numeric_features())} numeric); target {self.target} = {self.positive!r} "
                f"rate {self.y.mean():.3f}; " + "; ".join(parts))


def _read(data):
    if isinstance(data, pd.DataFrame):
        return data.copy(), "table"
    if isinstance(data, (str, Path)):
        path = Path(data).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"data: no CSV file at {str(path)!r}")
        try:
            return pd.read_csv(path), path.name
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise ValueError(f"data: {path.name} is not a readable CSV file ({exc})") from None
    raise TypeError(f"data must be a pandas DataFrame or the path of a CSV file, got {type(data).__name__}")


def _column_list(name, value, columns):
    items = [value] if isinstance(value, str) else list(value) if np.iterable(value) else None
    if not items or not all(isinstance(c, str) for c in items):
        raise TypeError(f"{name} must be a column name or a list of column names, got {value!r}")
    missing = [c for c in items if c not in columns]
    if missing:
        raise ValueError(f"{name}: column(s) {show_values(missing)} not in the table; "
                         f"its columns are {show_values(columns, 30)}")
    return tuple(items)


def load_table(data, target, sensitive, *, positive=None, features=None, exclude=(),
               use_sensitive=False, name=None) -> AuditTable:
    """Check a table for an audit: a binary ``target`` and one or more ``sensitive`` columns.

    Parameters
    ----------
    data : pandas.DataFrame or str or Path
        The table, or the path of a CSV file with a header row.
    target : str
        The column to predict; it must hold exactly two values.
    sensitive : str or list of str
        Column(s) whose groups the audit compares (two or more: intersectional groups too).
    positive : optional
        The target value that counts as 1 (the favourable outcome). Needed unless the target
        holds 0/1 or False/True.
    features : list of str, optional
        Model inputs; default every column but the target, the sensitive ones and ``exclude``.
    exclude : list of str
        Columns never used as inputs (identifiers, a copy of the label, leaky columns).
    use_sensitive : bool
        Also feed the sensitive columns to the model (default: no).
    name : str, optional
        Shown in summaries and the report (default: the file name, or "table").

    Raises
    ------
    ValueError
        A named column is missing, the target does not hold exactly two values, ``positive``
        is not one of them, a used column has missing values, a sensitive column has a single
        value or declares a group with zero rows, or the table is empty.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1.0, 2, 3, 4], "g": list("abab"), "y": ["no", "yes", "yes", "no"]})
    >>> t = load_table(df, "y", "g", positive="yes")
    >>> t.y.tolist(), t.features
    ([0, 1, 1, 0], ('x',))
    >>> load_table(df, "y", "sex", positive="yes")
    Traceback (most recent call last):
    ...
    ValueError: sensitive: column(s) 'sex' not in the table; its columns are 'x', 'g', 'y'
    """
    frame, default_name = _read(data)
    check_bool("use_sensitive", use_sensitive)
    if name is not None:
        check_str("name", name)
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if len(frame) == 0:
        raise ValueError("data has no rows")
    if not isinstance(target, str):
        raise TypeError(f"target must be one column name (a string), got {target!r}")
    _column_list("target", target, columns)
    sensitive = _column_list("sensitive", sensitive, columns)
    if target in sensitive:
        raise ValueError(f"sensitive must not contain the target column {target!r}")
    exclude = _column_list("exclude", exclude, columns) if len(exclude) else ()
    if features is None:
        features = tuple(c for c in columns if c != target and c not in exclude
                         and (use_sensitive or c not in sensitive))
    else:
        features = _column_list("features", features, columns)
        if target in features:
            raise ValueError(f"features must not contain the target column {target!r}")
        if use_sensitive:
            features += tuple(c for c in sensitive if c not in features)
    if not features:
        raise ValueError("no feature columns left: give features=[...] or fewer exclude/sensitive columns")
    used = list(dict.fromkeys([*features, *sensitive, target]))
    frame = frame[used]
    missing = frame.isna().sum()
    if missing.any():
        bad = {c: int(k) for c, k in missing.items() if k}
        raise ValueError(f"data has missing values (NaN) in {bad} (column: rows); drop or impute "
                         "them before the audit (e.g. data.dropna(subset=[...]))")
    values = pd.unique(frame[target])
    if len(values) != 2:
        raise ValueError(f"target {target!r} must hold exactly two values (binary), got "
                         f"{len(values)}: {show_values(sorted(values, key=str))}")
    if positive is None:
        if set(values.tolist()) <= {0, 1}:  # 0/1 or False/True: 1 (True) is the favourable value
            positive = next(v for v in values.tolist() if v == 1)
        else:
            raise ValueError(f"positive must name the favourable value of target {target!r}: one "
                             f"of {show_values(sorted(values, key=str))}")
    elif positive not in set(values.tolist()):
        raise ValueError(f"positive must be one of the target's values "
                         f"{show_values(sorted(values, key=str))}, got {positive!r}")
    sensitive_frame(frame[list(sensitive)])  # one value, empty declared groups
    return AuditTable(frame.reset_index(drop=True), target, positive, sensitive, tuple(features),
                      name or default_name)
