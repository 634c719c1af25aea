"""The fairness audit: equal to fairlearn's MetricFrame, intervals that cover, warnings that name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from sklearn.metrics import accuracy_score, roc_auc_score, roc_curve

from trustlab.attacks.membership import tpr_at_fpr
from trustlab.audit import audit_fairness
from trustlab.audit.bootstrap import percentile_interval, row_weights, weighted_auc, weighted_tpr_at_fpr


def _random(n, seed):
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n, p=[0.4, 0.6])
    age = rng.choice(["young", "mid", "old"], n)
    y_true = rng.integers(0, 2, n)
    score = np.round(rng.random(n) * 0.6 + 0.3 * y_true + 0.1 * (sex == "M"), 3)  # ties on purpose
    return y_true, (score > 0.5).astype(int), score, pd.DataFrame({"sex": sex, "age": age})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_metricframe_on_random_inputs(seed):
    y_true, y_pred, score, sf = _random(600, seed)
    audit = audit_fairness(y_true, y_pred, sf, y_score=score, n_boot=20, seed=seed)
    metrics = {"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate,
               "accuracy": accuracy_score}
    for feature, cols in [("sex", ["sex"]), ("age", ["age"]), ("sex × age", ["sex", "age"])]:
        mf = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=sf[cols])
        ours = audit.by_group.loc[feature]
        for key, row in mf.by_group.iterrows():
            group = ", ".join(key) if isinstance(key, tuple) else key
            for m in metrics:
                assert ours.loc[group, m] == pytest.approx(row[m], abs=1e-12), (feature, group, m)
            rows = (sf[cols].agg(", ".join, axis=1) if len(cols) > 1 else sf[cols[0]]) == group
            assert ours.loc[group, "auc"] == pytest.approx(roc_auc_score(y_true[rows], score[rows]), abs=1e-12)
            assert ours.loc[group, "count"] == rows.sum()
        diff = mf.difference(method="between_groups")
        assert audit.difference(feature, "demographic_parity")[0] == pytest.approx(diff["selection_rate"])
        assert audit.difference(feature, "equalized_odds")[0] == pytest.approx(max(diff["tpr"], diff["fpr"]))
        assert audit.difference(feature, "accuracy")[0] == pytest.approx(diff["accuracy"])


def test_weighted_auc_and_tpr_match_sklearn():
    rng = np.random.default_rng(3)
    scores = np.round(rng.normal(size=300), 1)  # many ties
    positive = rng.random(300) < 0.4 + 0.1 * scores
    weights = rng.integers(0, 4, size=(5, 300))
    for w in weights:
        assert weighted_auc(scores, positive, w) == pytest.approx(roc_auc_score(positive, scores, sample_weight=w))
        fpr, tpr, _ = roc_curve(positive, scores, sample_weight=w, drop_intermediate=False)
        for alpha in (0.0, 0.01, 0.1, 0.5):
            assert weighted_tpr_at_fpr(scores, positive, alpha, w) == pytest.approx(tpr_at_fpr(fpr, tpr, alpha))
    assert np.allclose(weighted_auc(scores, positive, weights),
                       [roc_auc_score(positive, scores, sample_weight=w) for w in weights])


def test_row_weights_keep_strata_and_seed():
    strata = np.repeat(["a", "b", "c"], [5, 50, 500])
    w = row_weights(strata, 30, seed=4)
    assert (w[:, :5].sum(1) == 5).all() and (w[:, 5:55].sum(1) == 50).all()
    assert np.array_equal(w, row_weights(strata, 30, seed=4))
    assert not np.array_equal(w, row_weights(strata, 30, seed=5))


@pytest.mark.slow
@pytest.mark.parametrize("true_diff", [0.0, 0.15])
def test_intervals_cover_at_about_their_nominal_rate(true_diff):
    # Populations with known selection rates; each repetition samples a table and audits it.
    rng = np.random.default_rng(10)
    reps, hits_diff, hits_rate = 200, 0, 0
    sex = np.repeat(["F", "M"], [300, 500])
    p = np.where(sex == "F", 0.3, 0.3 + true_diff)
    for r in range(reps):
        y_pred = (rng.random(800) < p).astype(int)
        y_true = rng.integers(0, 2, 800)
        a = audit_fairness(y_true, y_pred, sex, n_boot=200, seed=r)
        value, lo, hi = a.difference("group", "demographic_parity")
        signed = true_diff if a.differences.loc[("group", "demographic_parity"), "higher"] == "M" else -true_diff
        hits_diff += lo <= signed <= hi
        row = a.by_group.loc[("group", "F")]
        hits_rate += row["selection_rate_low"] <= 0.3 <= row["selection_rate_high"]
    # 200 repetitions: observed coverage of a true 95 % interval has sd 0.015; [0.90, 0.99] is
    # 3 sd from 0.95 or more on either side (a 90 % interval would fail about half the time).
    assert 0.90 <= hits_diff / reps <= 0.99, hits_diff / reps
    assert 0.90 <= hits_rate / reps <= 0.99, hits_rate / reps


def test_planted_disparity_is_flagged_and_none_is_not():
    rng = np.random.default_rng(0)
    sex = rng.choice(["F", "M"], 4000)
    y_true = rng.integers(0, 2, 4000)
    planted = (rng.random(4000) < np.where(sex == "F", 0.2, 0.5)).astype(int)
    fair = (rng.random(4000) < 0.35).astype(int)
    a = audit_fairness(y_true, planted, sex, seed=0)
    value, lo, hi = a.difference("group", "demographic_parity")
    assert a.differences.loc[("group", "demographic_parity"), "effect"] and lo > 0.2
    b = audit_fairness(y_true, fair, sex, seed=0)
    for name in ("demographic_parity", "tpr", "fpr", "accuracy"):
        value, lo, hi = b.difference("group", name)
        assert lo <= 0 <= hi, (name, value, lo, hi)


def test_small_groups_and_undefined_rates_are_named():
    rng = np.random.default_rng(1)
    groups = np.repeat(["big", "tiny", "nopos"], [400, 12, 60])
    y_true = np.where(groups == "nopos", 0, rng.integers(0, 2, 472))
    y_pred = rng.integers(0, 2, 472)
    a = audit_fairness(y_true, y_pred, groups, n_boot=50)
    text = "\n".join(a.warnings)
    assert "group=tiny: only 12 rows (fewer than 30)" in text
    assert "group=nopos: TPR undefined (no positives in this group)" in text
    assert np.isnan(a.by_group.loc[("group", "nopos"), "tpr"])
    assert "warning" in a.summary()
    mid = audit_fairness(y_true[:460], y_pred[:460], groups[:460], n_boot=50, min_difference=0.05)
    assert any("nopos: selection_rate interval" in w for w in mid.warnings)


@pytest.mark.parametrize("args, error, message", [
    (([0, 1, 1], [0, 1], ["a", "b", "a"]), ValueError, "misaligned lengths: y_true has 3, y_pred has 2"),
    (([0, 1, 2], [0, 1, 1], ["a", "b", "a"]), ValueError, "y_true must hold only 0 and 1"),
    (([0, 1, 1], [0, 1, 1], ["a", "a", "a"]), ValueError, "has a single value ('a')"),
    (([0, 1, 1], [0, 1, 1], ["a", None, "b"]), ValueError, "has 1 missing values"),
    (([0, 1, 1], [0, 1, 1], ["a", "b"]), ValueError, "misaligned lengths: sensitive_features has 2 rows"),
    (([0, 1, 1], [0, 1, 1], pd.Categorical(["a", "b", "a"], categories=["a", "b", "c"])), ValueError,
     "declares groups with zero examples: 'c'"),
])
def test_bad_input_names_the_parameter(args, error, message):
    with pytest.raises(error) as info:
        audit_fairness(*args, n_boot=20)
    assert message in str(info.value)


def test_bad_options():
    y = [0, 1] * 20
    with pytest.raises(ValueError, match="n_boot must be an integer in"):
        audit_fairness(y, y, ["a", "b"] * 20, n_boot=5)
    with pytest.raises(ValueError, match="y_score must be a 1-d array of finite numbers"):
        audit_fairness(y, y, ["a", "b"] * 20, y_score=[np.nan] * 40)
    with pytest.raises(ValueError, match="no difference"):
        audit_fairness(y, y, ["a", "b"] * 20, n_boot=20).difference("race")


def test_same_seed_same_intervals_and_percentiles():
    y_true, y_pred, score, sf = _random(300, 5)
    a = audit_fairness(y_true, y_pred, sf, seed=7, n_boot=50)
    b = audit_fairness(y_true, y_pred, sf, seed=7, n_boot=50)
    pd.testing.assert_frame_equal(a.by_group, b.by_group)
    lo, hi = percentile_interval(np.array([[np.nan, 1.0], [np.nan, 3.0]]))
    assert np.isnan(lo[0]) and lo[1] == pytest.approx(1.05)


def test_roc_replicates_equal_the_one_metric_functions():
    from trustlab.audit.bootstrap import roc_replicates

    rng = np.random.default_rng(8)
    scores = np.round(rng.normal(size=(3, 200)), 1).ravel()  # three models' scores of 200 rows
    positive = rng.random(600) < 0.5
    weights = rng.integers(0, 3, size=(30, 200))
    tiled = np.tile(weights, 3)
    auc, tpr = roc_replicates(scores, positive, weights, (0.01, 0.1), row_of=np.tile(np.arange(200), 3))
    assert np.allclose(auc, weighted_auc(scores, positive, tiled))
    for i, a in enumerate((0.01, 0.1)):
        assert np.allclose(tpr[i], weighted_tpr_at_fpr(scores, positive, a, tiled))
