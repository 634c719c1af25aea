"""group_metrics against fairlearn itself (the oracle), and its input checks."""

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as fl

from trustlab.fairness import group_metrics, tidy


@pytest.fixture(params=[0, 1, 2])
def data(request):
    rng = np.random.default_rng(request.param)
    n = 3000
    groups = rng.choice(["a", "b", "c"], size=n, p=[0.6, 0.3, 0.1])
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(groups == "a", 0.6, 0.3)).astype(int)
    return y_true, y_pred, groups


def test_per_group_metrics_match_fairlearn(data):
    y_true, y_pred, groups = data
    m = group_metrics(y_true, y_pred, groups)
    frame = fl.MetricFrame(metrics={"selection_rate": fl.selection_rate,
                                    "tpr": fl.true_positive_rate, "fpr": fl.false_positive_rate,
                                    "accuracy": lambda t, p: float(np.mean(t == p)),
                                    "count": fl.count},
                           y_true=y_true, y_pred=y_pred, sensitive_features=groups)
    for col in ["selection_rate", "tpr", "fpr", "accuracy", "count"]:
        np.testing.assert_allclose(m.table[col].to_numpy(), frame.by_group[col].to_numpy(),
                                   rtol=1e-12, err_msg=col)
    assert list(m.table.index) == ["a", "b", "c"]
    assert m.accuracy == pytest.approx(np.mean(y_true == y_pred))


def test_gaps_match_fairlearn(data):
    y_true, y_pred, groups = data
    m = group_metrics(y_true, y_pred, groups)
    kw = dict(y_true=y_true, y_pred=y_pred, sensitive_features=groups)
    assert m.demographic_parity_difference == pytest.approx(fl.demographic_parity_difference(**kw))
    assert m.demographic_parity_ratio == pytest.approx(fl.demographic_parity_ratio(**kw))
    assert m.equalized_odds_difference == pytest.approx(fl.equalized_odds_difference(**kw))
    assert m.equalized_odds_ratio == pytest.approx(fl.equalized_odds_ratio(**kw))
    assert m.demographic_parity_difference > 0.2  # the data really has a gap


def test_pandas_inputs_and_tidy_table():
    adult_like = pd.DataFrame({"sex": pd.Categorical(["F", "M", "M", "F"]),
                               "y": [0, 1, 1, 1], "p": [0, 1, 0, 1]})
    m = group_metrics(adult_like["y"], adult_like["p"], adult_like["sex"])
    long = tidy(m, model="toy")
    assert set(long.columns) == {"group", "metric", "value", "model"}
    assert len(long) == 2 * 5
    assert "dem. parity diff=0.000" in m.summary()
    assert "eq. odds diff=undefined" in m.summary() and "no negatives in group M" in m.summary()


@pytest.mark.parametrize("args, match", [
    (([0, 1], [0, 1, 1], ["a", "b", "b"]), "same length"),
    (([], [], []), "must not be empty"),
    (([0, 1], [0, 1], ["a", "a"]), "at least two groups"),
    (([0, 2], [0, 1], ["a", "b"]), "only 0 and 1"),
    (([0, 1], [0, 1], ["a", None]), "missing values"),
    (([[0, 1]], [[0, 1]], [["a", "b"]]), "one-dimensional"),
])
def test_bad_inputs_raise_clear_errors(args, match):
    with pytest.raises(ValueError, match=match):
        group_metrics(*args)


def test_declared_empty_group_is_an_error():
    sf = pd.Series(pd.Categorical(["a", "b"], categories=["a", "b", "c"]))
    with pytest.raises(ValueError, match=r"no rows: \['c'\]"):
        group_metrics([0, 1], [0, 1], sf)


def test_non_numeric_labels_are_a_type_error():
    with pytest.raises(TypeError, match="y_pred"):
        group_metrics([0, 1], ["yes", "no"], ["a", "b"])


def test_fairness_criteria_conflict_on_adult():
    from trustlab.fairness.groups.conflicts import compare_constraints

    r = compare_constraints(seed=0)
    perfect, plain = r.metrics["perfect predictor"], r.metrics["unconstrained"]
    dp, eo = r.metrics["demographic_parity"], r.metrics["equalized_odds"]
    assert perfect.equalized_odds_difference == 0 and perfect.demographic_parity_difference > 0.15
    assert dp.demographic_parity_difference < 0.03 < plain.demographic_parity_difference
    assert dp.equalized_odds_difference > plain.equalized_odds_difference  # the conflict
    assert eo.equalized_odds_difference < 0.03 < eo.demographic_parity_difference
    assert list(r.table().index) == list(r.metrics)


def test_gender_swap_file_matches_its_readme_checksum():
    import hashlib
    import re

    from trustlab.data import data_dir

    readme = (data_dir() / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"\| `gender_swap.json` \| [\d,]+ \| `([0-9a-f]{64})` \|", readme)
    digest = hashlib.sha256((data_dir() / "gender_swap.json").read_bytes()).hexdigest()
    assert listed == [digest]


def test_undefined_is_not_zero():
    # Group b has no positives: its TPR is undefined (fairlearn says 0), so is every odds gap.
    m = group_metrics([1, 0, 0, 0], [1, 0, 1, 0], ["a", "a", "b", "b"])
    assert np.isnan(m.table.loc["b", "tpr"]) and m.table.loc["a", "tpr"] == 1.0
    assert m.table.loc["b", "fpr"] == 0.5
    assert np.isnan(m.equalized_odds_difference) and np.isnan(m.equalized_odds_ratio)
    assert m.demographic_parity_difference == 0.0
    assert m.undefined == {"tpr": "no positives in group b"}
    assert "TPR undefined (no positives in group b)" in m.summary()
    # no negatives in a group: FPR undefined
    m = group_metrics([1, 1, 0, 1], [1, 1, 1, 1], ["a", "a", "b", "b"])
    assert np.isnan(m.table.loc["a", "fpr"]) and "no negatives in group a" in m.summary()


def test_groups_whose_names_collide_are_refused():
    with pytest.raises(ValueError, match="same name"):
        group_metrics([0, 1, 0, 1], [0, 1, 1, 1], np.array([1, "1", 2, 2], dtype=object))


def test_plot_marks_undefined_bars():
    from trustlab.fairness.groups.plots import plot_group_metrics

    m = group_metrics([1, 0, 0, 0], [1, 0, 1, 0], ["a", "a", "b", "b"])
    fig, ax, data = plot_group_metrics(m)
    assert np.isnan(data.loc["b", "tpr"])
    assert any(t.get_text() == "undefined" for t in ax.texts)
