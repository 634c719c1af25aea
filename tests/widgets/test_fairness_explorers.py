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


def test_compute_now_trains_an_off_grid_setting_beside_the_grid():
    ex = make_disparate_impact_explorer()
    ex.dataset.value = "adult"
    ex.now_inputs["target_epsilon"].value = 2.0
    ex.now_inputs["max_grad_norm"].value = 5.0
    ex.now_button.run()
    assert ex.error is None and ex.now.sweep.labels == ("non-private", "eps=2 (C=5)")
    assert "computed now" in ex.now_output.value and "Female TPR" in ex.now_output.value
    assert ex.result.label == "eps=8"  # the grid's point stays where it was
    ex.now_inputs["max_grad_norm"].value = -1.0
    ex.now_button.run()
    assert ex.now is None and "max_grad_norm" in ex.error


def test_intrinsic_extrinsic_compute_now():
    from trustlab.fairness.text.widgets import make_intrinsic_extrinsic_explorer

    ex = make_intrinsic_extrinsic_explorer()
    ex.now_inputs["any_strength"].value = 0.3
    ex.now_inputs["any_skew"].value = 0.7
    ex.now_button.run()
    assert ex.error is None and ex.now.live and len(ex.now.row["seeds"]) == 5
    assert ex.now.summary().startswith("computed now: strength=0.30 skew=0.7")


@pytest.mark.slow  # distills 5 students (the teachers are trained once per process)
def test_role_reversal_compute_now():
    ex = make_role_reversal_explorer()
    ex.mode.value = "mean"
    ex.now_inputs["any_swap_ratio"].value = 0.1
    ex.now_button.run()
    assert ex.error is None and ex.now.record["swap_ratio"] == 0.1
    assert len(ex.now.record["mean_abs_polarity"]) == 5
