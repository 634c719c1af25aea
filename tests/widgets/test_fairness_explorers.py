"""Headless tests of the fairness explorers: set a control's value, assert on ``.result``."""

import pytest

from trustlab.fairness import compute_sampling_bias
from trustlab.fairness.counterfactual.role_reversal_sweep import compute_role_reversal
from trustlab.fairness.counterfactual.widgets import make_role_reversal_explorer
from trustlab.fairness.groups.disparate import compute_disparate_impact
from trustlab.fairness.groups.widgets import (make_disparate_impact_explorer,
                                              make_sampling_bias_explorer)


def test_sampling_bias_explorer_follows_its_controls():
    ex = make_sampling_bias_explorer(seed=0)
    assert ex.result.summary() == compute_sampling_bias(1.0, 2000, "sex", "Male", seed=0).summary()
    png = ex.image.value
    ex.skew.value = 10.0
    assert ex.result.skew == pytest.approx(10.0) and ex.result.error > 0.03
    assert ex.image.value != png
    ex.oversampled.value = "Female"
    assert ex.result.sample_share["Female"] > 0.75 and ex.result.error < -0.03
    ex.n_sample.value = 400
    assert ex.result.n_sample == 400
    assert "estimate=" in ex.summary.value
    assert ex.plot_data["point"] == (ex.result.skew, ex.result.estimate)


def test_sampling_bias_preset_round_trips():
    ex = make_sampling_bias_explorer(preset={"skew": 3.0, "oversampled": "Female"})
    again = make_sampling_bias_explorer(preset=ex.preset())
    assert again.result.summary() == ex.result.summary()


def test_disparate_impact_explorer_reads_the_sweep():
    ex = make_disparate_impact_explorer()
    assert ex.result.summary() == compute_disparate_impact("digits", "eps=8").summary()
    ex.setting.value = "eps=1"
    assert ex.result.label == "eps=1"
    ex.dataset.value = "adult"
    ex.setting.value = "clip only"
    assert "Female TPR" in ex.result.summary() and "clip only" in ex.result.summary()
    assert len(ex.plot_data["Female TPR"]) == 5  # non-private, clip only, three budgets
    assert ex.error is None


def test_role_reversal_explorer_follows_mode_and_swap_ratio():
    ex = make_role_reversal_explorer()
    assert ex.result.summary() == compute_role_reversal("none", 0.0).summary()
    before = ex.result.record["mean_abs_polarity"]
    ex.mode.value = "expmean"
    ex.swap_ratio.value = 1.0
    assert ex.result.mode == "expmean" and ex.result.swap_ratio == 1.0
    assert ex.result.record["mean_abs_polarity"] < before
    assert len(ex.plot_data["records"]) == 20
