"""Headless explorer tests: set a control's value, assert on ``.result``."""

import math

import pytest

from trustlab.privacy import compute_randomized_response
from trustlab.privacy.widgets import make_randomized_response_explorer


def test_randomized_response_explorer_follows_its_sliders():
    ex = make_randomized_response_explorer(seed=0)
    assert ex.result == compute_randomized_response(0.75, 1000, 0.3, seed=0)
    png = ex.image.value
    ex.p_truth.value = 0.6
    assert ex.result.epsilon == pytest.approx(math.log(0.6 / 0.4))
    assert ex.result == compute_randomized_response(0.6, 1000, 0.3, seed=0)
    assert ex.image.value != png  # the plot was redrawn
    ex.n_respondents.value = 5000
    assert ex.result.n_respondents == 5000
    assert "estimate=" in ex.summary.value
    assert ex.plot_data["point"][0] == pytest.approx(ex.result.epsilon)


def test_preset_round_trips_and_rejects_unknown_controls():
    ex = make_randomized_response_explorer()
    ex.true_rate.value = 0.42
    again = make_randomized_response_explorer(preset=ex.preset())
    assert again.preset() == ex.preset()
    assert again.result == ex.result
    with pytest.raises(ValueError, match="unknown controls"):
        make_randomized_response_explorer(preset={"noise": 1})


# --- mechanism explorer and ε planner --------------------------------------------------------

from trustlab.privacy import compute_mechanism, compute_privacy_plan, epsilon, noise_multiplier_for  # noqa: E402
from trustlab.privacy.widgets import make_epsilon_planner_explorer, make_mechanism_explorer  # noqa: E402
from trustlab.privacy.risk import compute_risk  # noqa: E402


def test_mechanism_explorer_follows_its_controls():
    ex = make_mechanism_explorer(seed=0)
    assert ex.result == compute_mechanism("laplace", 1.0, 1.0, 1e-5, seed=0)
    png = ex.image.value
    ex.epsilon.value = 0.5
    assert ex.result.scale == pytest.approx(2.0) and ex.result.max_loss == pytest.approx(0.5)
    assert ex.image.value != png
    ex.sensitivity.value = 2.0
    assert ex.result.scale == pytest.approx(4.0) and ex.result.value_d_prime == ex.result.value_d + 2.0
    ex.mechanism.value = "gaussian"
    assert ex.result == compute_mechanism("gaussian", 0.5, 2.0, 1e-5, seed=0)
    assert ex.result.max_loss > 0.5 and ex.result.tail_probability < 1e-5
    assert ex.plot_data["epsilon"] == 0.5 and len(ex.plot_data["loss"]) == len(ex.plot_data["y"])
    ex.delta.value = 1e-3
    assert ex.result.delta == pytest.approx(1e-3) and "delta=E[(1-e^(epsilon-loss))+]" in ex.summary.value


def test_mechanism_explorer_shows_the_classic_gaussian_limit_instead_of_clamping():
    ex = make_mechanism_explorer(preset={"mechanism": "gaussian", "epsilon": 0.8})
    ex.epsilon.value = 2.0
    assert ex.result is None and "classic" in ex.error and "analytic" in ex.summary.value
    ex.mechanism.value = "analytic_gaussian"
    assert ex.error is None and ex.result.exact_delta == pytest.approx(1e-5, rel=1e-6)


def test_epsilon_planner_both_directions_and_prv_on_demand():
    planner = make_epsilon_planner_explorer()
    r = planner.result
    assert r.epsilon == epsilon(1.0, 0.01, 1000, 1e-5) and r.prv_epsilon is None
    assert r.risk.tpr_at == compute_risk(1.0, 0.01, steps=1000).tpr_at  # the risk readout
    assert "attack TPR at 1% FPR &lt;= 0.029" in planner.summary.value
    planner.epochs.value = 20
    assert planner.result.steps == 2000 and planner.result.epsilon == epsilon(1.0, 0.01, 2000, 1e-5)
    planner.noise_multiplier.value = 2.0
    assert planner.result.epsilon < r.epsilon
    planner.mode.value = "noise_multiplier"
    planner.target_epsilon.value = 2.0
    sigma = planner.result.noise_multiplier
    assert sigma == noise_multiplier_for(2.0, 0.01, 2000, 1e-5)
    assert 1.99 <= planner.result.epsilon <= 2.0
    assert planner.plot_data["point"] == (2000, planner.result.epsilon)
    planner.prv_button.click()
    assert planner.result.prv_epsilon == epsilon(sigma, 0.01, 2000, 1e-5, accountant="prv")
    assert planner.result.prv_epsilon < planner.result.epsilon and "PRV" in planner.summary.value
    planner.delta.value = 1e-6  # a slider move answers with RDP only again
    assert planner.result.prv_epsilon is None and planner.result.delta == pytest.approx(1e-6)
    assert planner.result == compute_privacy_plan("noise_multiplier", 2.0, 2.0, 0.01, 20, planner.delta.value)
    assert planner.result.risk.noise_multiplier == planner.result.noise_multiplier


def test_epsilon_planner_reports_unreachable_targets():
    planner = make_epsilon_planner_explorer(preset={"mode": "noise_multiplier", "sample_rate": 0.01})
    planner.target_epsilon.value = 0.2
    planner.epochs.value = 1
    planner.delta.value = 1e-8
    assert planner.result is None and "unreachable" in planner.error
