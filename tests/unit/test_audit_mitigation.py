"""Mitigation: fairlearn's options on any estimator, seeded, reduce a planted disparity, name levelling down."""

from __future__ import annotations

import json
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from trustlab.audit.mitigation import CONSTRAINTS, MitigationResult, mitigate
from trustlab.audit.tables import load_table


def _planted(n=3000, seed=0):
    """Group b has higher feature values and so a higher selection rate: a planted disparity."""
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b"], n)
    x = rng.normal(size=(n, 2)) + np.c_[(g == "b") * 1.0, np.zeros(n)]
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(size=n) > 0.5).astype(int)
    return x, y, g


@pytest.fixture(scope="module")
def result():
    x, y, g = _planted()
    return mitigate(LogisticRegression(), x, y, g, n_boot=100, seed=0)


def test_mitigation_reduces_a_planted_disparity(result):
    base = result.option("unmitigated", "none")
    assert base["demographic_parity_low"] > 0.2  # the planted disparity is flagged
    for method in ("threshold_optimizer", "exponentiated_gradient"):
        for c in CONSTRAINTS:
            row = result.option(method, c)
            assert row["change_high"] < 0, (method, c, row["change"])  # reduced: paired interval below 0
        dp = result.option(method, "demographic_parity")
        assert dp["demographic_parity_high"] < base["demographic_parity_low"]  # intervals separate
    assert result.option("threshold_optimizer", "demographic_parity")["accuracy"] < base["accuracy"]


def test_levelling_down_is_named(result):
    # Equal selection rates are reached partly by selecting fewer of group b.
    cases = [c for c in result.levelling_down if c.startswith("threshold_optimizer / demographic_parity")]
    assert any(": b selection_rate" in c for c in cases), result.levelling_down
    assert "levelling down:" in result.summary()


def test_repeated_calls_give_the_same_predictions():
    x, y, g = _planted(1500, seed=1)
    a = mitigate(LogisticRegression(), x, y, g, n_boot=20, seed=3)
    b = mitigate(LogisticRegression(), x, y, g, n_boot=20, seed=3)
    assert a.predictions.keys() == b.predictions.keys()
    for key in a.predictions:
        assert np.array_equal(a.predictions[key], b.predictions[key]), key
    pd.testing.assert_frame_equal(a.options, b.options)


def test_pipeline_on_a_table_and_round_trip():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"job": rng.choice(["x", "y", "z"], 800), "hours": rng.normal(40, 5, 800),
                       "sex": rng.choice(["F", "M"], 800)})
    df["hired"] = ((df["job"] == "x") | (rng.random(800) < 0.3 + 0.2 * (df["sex"] == "M"))).astype(int)
    t = load_table(df, "hired", "sex")
    r = mitigate(t.pipeline(LogisticRegression()), t.X, t.y, t.sensitive_features,
                 method="exponentiated_gradient", constraints=("demographic_parity",), n_boot=20)
    assert list(r.options.index) == [("unmitigated", "none"), ("exponentiated_gradient", "demographic_parity")]
    assert r.options.isna().any().any()  # the unmitigated row has no change: NaN
    stored = json.loads(json.dumps(r.to_dict(), allow_nan=False))  # the user cache's plain JSON
    back = MitigationResult.from_dict(stored)
    pd.testing.assert_frame_equal(back.options, r.options)
    pd.testing.assert_frame_equal(back.by_group, r.by_group)
    assert back.summary() == r.summary()


def test_bad_input():
    x, y, g = _planted(400)
    with pytest.raises(ValueError, match="method must be one of 'threshold_optimizer', 'exponentiated_gradient', got 'magic'"):
        mitigate(LogisticRegression(), x, y, g, method="magic")
    with pytest.raises(ValueError, match="constraints must be one of"):
        mitigate(LogisticRegression(), x, y, g, constraints=("equal_opportunity",))
    with pytest.raises(ValueError, match="misaligned lengths: X has 400, y has 399"):
        mitigate(LogisticRegression(), x, y[:-1], g)
    with pytest.raises(ValueError, match="has a single value"):
        mitigate(LogisticRegression(), x, y, np.full(400, "a"))
    with pytest.raises(ValueError, match="needs an estimator whose fit accepts sample_weight; KNeighborsClassifier"):
        mitigate(KNeighborsClassifier(), x, y, g, method="exponentiated_gradient", n_boot=20)
    with pytest.raises(ValueError, match="no option"):
        mitigate(LogisticRegression(), x, y, g, method="threshold_optimizer",
                 constraints="demographic_parity", n_boot=20).option("threshold_optimizer", "equalized_odds")
