"""The audit's table checks: a practitioner's DataFrame or CSV in, clear errors for bad input."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trustlab.audit.checks import check_binary, check_same_length, sensitive_frame
from trustlab.audit.tables import load_table
from trustlab.data import data_dir, load_german_credit

REPO = Path(__file__).resolve().parents[2]


def _frame(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"age": rng.integers(18, 70, n), "job": rng.choice(["a", "b", "c"], n),
                         "sex": np.tile(["F", "M"], n // 2), "id": np.arange(n),
                         "outcome": rng.choice(["approved", "denied"], n)})


def test_table_from_frame_and_csv_agree(tmp_path):
    df = _frame()
    path = tmp_path / "loans.csv"
    df.to_csv(path, index=False)
    a = load_table(df, "outcome", "sex", positive="approved", exclude=["id"])
    b = load_table(path, "outcome", ["sex"], positive="approved", exclude=["id"])
    assert a.features == b.features == ("age", "job")
    assert np.array_equal(a.y, (df["outcome"] == "approved").to_numpy(int))
    assert np.array_equal(a.y, b.y) and b.name == "loans.csv"
    assert a.numeric_features() == ["age"]
    X = a.encoder().fit_transform(a.X)
    assert X.shape == (40, 1 + 3)  # age standardized, job one-hot with three values
    assert abs(X[:, 0].mean()) < 1e-12


def test_zero_one_target_needs_no_positive():
    df = _frame().assign(outcome=lambda d: (d["outcome"] == "approved").astype(int))
    t = load_table(df, "outcome", "sex")
    assert t.positive == 1 and t.y.sum() == df["outcome"].sum()
    t = load_table(df.assign(outcome=df["outcome"].astype(bool)), "outcome", "sex")
    assert t.positive is True or t.positive == 1


def test_use_sensitive_and_features():
    t = load_table(_frame(), "outcome", "sex", positive="denied", features=["age"], use_sensitive=True)
    assert t.features == ("age", "sex")


@pytest.mark.parametrize("kwargs, message", [
    (dict(target="income"), "target: column(s) 'income' not in the table"),
    (dict(sensitive=["sex", "race"]), "sensitive: column(s) 'race' not in the table"),
    (dict(features=["age", "height"]), "features: column(s) 'height' not in the table"),
    (dict(exclude=["nope"]), "exclude: column(s) 'nope' not in the table"),
    (dict(positive="maybe"), "positive must be one of the target's values 'approved', 'denied', got 'maybe'"),
    (dict(positive=None), "positive must name the favourable value of target 'outcome'"),
    (dict(sensitive="outcome"), "sensitive must not contain the target column 'outcome'"),
])
def test_bad_columns_are_named(kwargs, message):
    args = dict(target="outcome", sensitive="sex", positive="approved") | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        load_table(_frame(), args.pop("target"), args.pop("sensitive"), **args)


def test_bad_tables():
    df = _frame()
    with pytest.raises(ValueError, match=r"target 'job' must hold exactly two values \(binary\), got 3"):
        load_table(df, "job", "sex")
    nan = df.astype({"age": float})
    nan.loc[3, "age"] = np.nan
    with pytest.raises(ValueError, match=r"missing values \(NaN\) in \{'age': 1\}"):
        load_table(nan, "outcome", "sex", positive="approved")
    with pytest.raises(ValueError, match="sensitive_features column 'sex' has a single value"):
        load_table(df.assign(sex="F"), "outcome", "sex", positive="approved")
    declared = df.assign(sex=pd.Categorical(df["sex"], categories=["F", "M", "X"]))
    with pytest.raises(ValueError, match=r"declares groups with zero examples: 'X'"):
        load_table(declared, "outcome", "sex", positive="approved")
    with pytest.raises(ValueError, match="data has no rows"):
        load_table(df.iloc[:0], "outcome", "sex", positive="approved")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame or the path of a CSV file"):
        load_table(df.to_numpy(), "outcome", "sex")
    with pytest.raises(FileNotFoundError, match="no CSV file"):
        load_table("/nonexistent/table.csv", "outcome", "sex")
    with pytest.raises(TypeError, match="target must be one column name"):
        load_table(df, ["outcome"], "sex")


def test_array_checks():
    with pytest.raises(ValueError, match="misaligned lengths: y_true has 3, y_pred has 2"):
        check_same_length(y_true=[0, 1, 0], y_pred=[0, 1])
    with pytest.raises(ValueError, match=r"y_true must hold only 0 and 1 \(binary\), got values 0, 1, 2"):
        check_binary("y_true", [0, 1, 2])
    with pytest.raises(TypeError, match="y_pred must hold numbers 0/1"):
        check_binary("y_pred", ["yes", "no"])
    with pytest.raises(ValueError, match=r"y_true contains 1 missing values \(NaN\)"):
        check_binary("y_true", [0.0, np.nan])
    with pytest.raises(ValueError, match="column 'group' has 1 missing values"):
        sensitive_frame(["a", None, "b"])
    with pytest.raises(ValueError, match="misaligned lengths: sensitive_features has 2 rows, y_true has 3"):
        sensitive_frame(["a", "b"], n=3)


def test_split_is_stratified_and_seeded():
    t = load_table(_frame(200), "outcome", "sex", positive="approved")
    train, test = t.split(0.3, seed=1)
    again = t.split(0.3, seed=1)[1]
    assert len(train.data) + len(test.data) == 200
    assert test.data.equals(again.data)
    share = test.sensitive_features["sex"].value_counts(normalize=True)
    assert abs(share["F"] - 0.5) < 0.02
    assert abs(test.y.mean() - t.y.mean()) < 0.02


def test_german_credit_loads_and_its_hash_is_listed():
    german = load_german_credit()
    assert german.shape == (1000, 23)
    assert german["credit"].value_counts().to_dict() == {"good": 700, "bad": 300}
    assert german["sex"].value_counts().to_dict() == {"male": 690, "female": 310}
    t = load_table(german, "credit", "sex", positive="good", exclude=["label"])
    assert len(t.features) == 20
    readme = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((data_dir() / "german_credit.csv.gz").read_bytes()).hexdigest()
    assert re.findall(r"^\| `german_credit\.csv\.gz` \|[^|]*\| `([0-9a-f]{64})` \|$", readme, re.M) == [digest]


def test_german_credit_missing_file_says_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match="--only german_credit"):
        load_german_credit(tmp_path / "german_credit.csv.gz")


def test_german_build_parses_the_wheel_format():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build", REPO / "datasets" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.GERMAN_FIELDS.index("status_sex") == 8 and len(build.GERMAN_FIELDS) == 21
    assert "german_credit" in build.BUILDERS
