"""Randomized response: ε, unbiasedness, the privacy guarantee, and clear errors."""

import math

import numpy as np
import pytest

from trustlab.privacy import compute_randomized_response, randomized_response, rr_epsilon, rr_estimate


def test_epsilon_formula():
    assert rr_epsilon(0.75) == pytest.approx(math.log(3))
    assert rr_epsilon(0.5 + 1e-9) == pytest.approx(0, abs=1e-7)
    assert rr_epsilon(1.0) == math.inf


@pytest.mark.parametrize("bad", [0.5, 0.2, 1.01, -1, float("nan")])
def test_p_truth_out_of_range_is_rejected(bad):
    with pytest.raises(ValueError, match=r"p_truth must be in \(0.5, 1\]"):
        rr_epsilon(bad)


def test_estimator_is_unbiased():
    # Mean of 2,000 independent surveys: its standard error is SE/sqrt(2000); allow 4 of those.
    estimates = [compute_randomized_response(0.7, 500, 0.3, seed=s).estimate for s in range(2000)]
    se = compute_randomized_response(0.7, 500, 0.3, seed=0).std_error
    assert abs(np.mean(estimates) - 0.3) < 4 * se / math.sqrt(2000)
    # ...and its spread matches the reported standard error (within 5 %).
    assert np.std(estimates) == pytest.approx(se, rel=0.05)


def test_empirical_likelihood_ratio_never_exceeds_e_to_the_epsilon():
    p, n = 0.8, 200_000
    says_yes_if_yes = randomized_response(np.ones(n, bool), p, seed=1).mean()
    says_yes_if_no = randomized_response(np.zeros(n, bool), p, seed=2).mean()
    ratio = says_yes_if_yes / says_yes_if_no
    bound = math.exp(rr_epsilon(p))
    assert ratio == pytest.approx(bound, rel=0.03)  # the bound is tight for randomized response
    assert ratio <= bound * 1.03


def test_direct_survey_is_exact_and_bad_sizes_raise():
    r = compute_randomized_response(1.0, 1000, 0.3)
    assert r.error == 0 and r.epsilon == math.inf
    with pytest.raises(ValueError, match="n_respondents"):
        compute_randomized_response(0.75, 0, 0.3)
    with pytest.raises(ValueError, match="true_rate"):
        compute_randomized_response(0.75, 10, 1.5)
    with pytest.raises(ValueError, match="must not be empty"):
        rr_estimate([], 0.75)
    with pytest.raises(ValueError, match="non-empty 1-d"):
        randomized_response([], 0.75)


def test_plot_curve_matches_the_standard_error():
    from trustlab.privacy import rr_std_error
    from trustlab.privacy.plots import plot_randomized_response

    r = compute_randomized_response(0.75, 1000, 0.3)
    _, ax, data = plot_randomized_response(r)
    i = np.argmin(abs(data["epsilon"] - r.epsilon))
    p = 1 / (1 + np.exp(-data["epsilon"][i]))
    assert data["margin"][i] == pytest.approx(1.96 * rr_std_error(p, 1000))
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


# --- Laplace and Gaussian mechanisms -------------------------------------------------------

from trustlab.privacy.loss import compute_mechanism, output_densities, privacy_loss  # noqa: E402
from trustlab.privacy.mechanisms import (  # noqa: E402
    clipped_sum_sensitivity,
    gaussian_delta,
    gaussian_mechanism,
    gaussian_sigma,
    laplace_mechanism,
    laplace_scale,
)


def test_calibrations():
    assert laplace_scale(0.5, sensitivity=2.0) == 4.0
    assert gaussian_sigma(0.5, 1e-5, 2.0) == pytest.approx(math.sqrt(2 * math.log(1.25e5)) * 2 / 0.5)
    for eps, delta in [(0.1, 1e-5), (0.5, 1e-3), (0.9, 1e-6)]:
        analytic = gaussian_sigma(eps, delta, calibration="analytic")
        assert gaussian_delta(analytic, eps) == pytest.approx(delta, rel=1e-6)
        assert analytic < gaussian_sigma(eps, delta)  # the classic σ is conservative
        assert gaussian_delta(gaussian_sigma(eps, delta), eps) < delta
    assert gaussian_sigma(4.0, 1e-5, calibration="analytic") < gaussian_sigma(2.0, 1e-5, calibration="analytic")


def test_classic_gaussian_refuses_epsilon_of_one_or_more():
    with pytest.raises(ValueError, match=r"epsilon must be in \(0, 1\) for the classic.*analytic"):
        gaussian_sigma(1.0, 1e-5)
    with pytest.raises(ValueError, match=r"epsilon must be in \(0, 1\) for the classic"):
        compute_mechanism("gaussian", epsilon=2.0)


@pytest.mark.parametrize("call, match", [
    (lambda: laplace_scale(0.0), r"epsilon must be in \(0, inf\), got 0"),
    (lambda: laplace_scale(1.0, sensitivity=-1), r"sensitivity must be in \(0, inf\)"),
    (lambda: gaussian_sigma(0.5, 0.0), r"delta must be in \(0, 1\), got 0"),
    (lambda: gaussian_sigma(0.5, 1e-5, calibration="tight"), "calibration must be one of 'classic', 'analytic'"),
    (lambda: compute_mechanism("exponential"), "mechanism must be one of 'laplace', 'gaussian', 'analytic_gaussian'"),
    (lambda: compute_mechanism(n_samples=0), r"n_samples must be an integer in \[1, inf\]"),
    (lambda: clipped_sum_sensitivity(0.0, 3), r"max_norm must be in \(0, inf\)"),
    (lambda: clipped_sum_sensitivity(1.0, 0), r"dim must be an integer in \[1, inf\]"),
    (lambda: output_densities("laplace", 0.0, 0, 1, [0]), r"scale must be in \(0, inf\)"),
])
def test_mechanism_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_mechanisms_are_seeded_and_centred():
    a, b = laplace_mechanism(5.0, 1.0, size=100_000, seed=3), laplace_mechanism(5.0, 1.0, size=100_000, seed=3)
    assert np.array_equal(a, b) and not np.array_equal(a, laplace_mechanism(5.0, 1.0, size=100_000, seed=4))
    assert a.mean() == pytest.approx(5.0, abs=0.02) and a.std() == pytest.approx(math.sqrt(2), rel=0.02)
    g = gaussian_mechanism(5.0, 0.5, 1e-5, size=100_000, seed=1)
    assert g.std() == pytest.approx(gaussian_sigma(0.5, 1e-5), rel=0.02)


def test_densities_integrate_to_one_and_their_log_ratio_is_the_privacy_loss():
    y = np.linspace(-60, 60, 200_001)
    for mech, scale in [("laplace", 2.0), ("gaussian", 3.0)]:
        p, q = output_densities(mech, scale, 0.0, 1.0, y)
        assert np.trapezoid(p, y) == pytest.approx(1, abs=1e-4) and np.trapezoid(q, y) == pytest.approx(1, abs=1e-4)
        inner = abs(y) < 10
        assert np.allclose(np.log(p[inner] / q[inner]), privacy_loss(mech, scale, 0.0, 1.0, y[inner]))


def test_laplace_empirical_privacy_loss_never_exceeds_epsilon():
    # Histogram both output distributions; each bin's log count ratio estimates the privacy loss.
    eps, n = 0.8, 2_000_000
    out_d = laplace_mechanism(0.0, eps, sensitivity=1.0, size=n, seed=10)
    out_d2 = laplace_mechanism(1.0, eps, sensitivity=1.0, size=n, seed=11)
    bins = np.linspace(-4, 5, 61)
    c1, c2 = np.histogram(out_d, bins)[0], np.histogram(out_d2, bins)[0]
    assert c1.min() > 1000 and c2.min() > 1000
    log_ratio = np.log(c1 / c2)
    se = np.sqrt(1 / c1 + 1 / c2)  # delta method, per bin
    assert np.all(np.abs(log_ratio) <= eps + 4 * se)
    assert log_ratio.max() == pytest.approx(eps, abs=4 * se.max())  # and the bound is attained
    r = compute_mechanism("laplace", epsilon=eps, seed=0)
    assert r.max_loss == pytest.approx(eps) and r.tail_probability == 0 and r.sample_tail_fraction == 0


def test_classic_gaussian_privacy_loss_exceeds_epsilon_with_probability_below_delta():
    eps, delta, n = 0.5, 1e-3, 2_000_000
    sigma = gaussian_sigma(eps, delta)
    out = gaussian_mechanism(0.0, eps, delta, size=n, seed=5)
    fraction = np.mean(privacy_loss("gaussian", sigma, 0.0, 1.0, out) > eps)
    assert fraction <= delta
    exact = compute_mechanism("gaussian", epsilon=eps, delta=delta, value_d=0.0).tail_probability
    assert fraction == pytest.approx(exact, abs=4 * math.sqrt(exact / n) + 1e-6)
    # The test can fail: half the noise lets the loss exceed ε far more often than δ.
    loose = np.mean(privacy_loss("gaussian", sigma / 2, 0.0, 1.0, out / 2) > eps)
    assert loose > 10 * delta


def test_analytic_gaussian_hockey_stick_divergence_equals_delta():
    # (ε, δ)-DP exactly means E_{y~M(D)}[(1 - e^(ε - loss))+] ≤ δ (Balle & Wang 2018).
    eps, delta, n = 1.5, 1e-2, 2_000_000
    sigma = gaussian_sigma(eps, delta, calibration="analytic")
    out = np.random.default_rng(7).normal(0.0, sigma, n)
    excess = np.clip(1 - np.exp(eps - privacy_loss("gaussian", sigma, 0.0, 1.0, out)), 0, None)
    assert excess.mean() == pytest.approx(delta, abs=4 * excess.std() / math.sqrt(n))
    r = compute_mechanism("analytic_gaussian", epsilon=eps, delta=delta)
    assert r.exact_delta == pytest.approx(delta, rel=1e-6)


def test_clipping_gives_different_l1_and_l2_sensitivities():
    c, d = 1.5, 16
    sens = clipped_sum_sensitivity(c, d)
    assert sens.l2 == c and sens.l1 == pytest.approx(c * math.sqrt(d))
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(500, d)) * 3
    clipped = rows * np.minimum(1, c / np.linalg.norm(rows, axis=1, keepdims=True))
    changes = clipped  # removing one row changes the sum by exactly that row
    assert np.linalg.norm(changes, axis=1).max() <= c + 1e-12
    assert np.abs(changes).sum(axis=1).max() <= sens.l1 + 1e-12
    worst = np.full(d, c / math.sqrt(d))  # an allowed row whose L1 norm attains the bound
    assert np.linalg.norm(worst) == pytest.approx(c) and np.abs(worst).sum() == pytest.approx(sens.l1)


def test_compute_mechanism_results():
    lap = compute_mechanism("laplace", epsilon=1.0, sensitivity=2.0, value_d=10.0, seed=0)
    assert lap.scale == 2.0 and lap.value_d_prime == 12.0 and lap.release == lap.samples[0]
    assert lap.loss.max() <= lap.epsilon + 1e-12 and lap.loss.min() >= -lap.epsilon - 1e-12
    gau = compute_mechanism("gaussian", epsilon=0.5, delta=1e-5, seed=0)
    assert gau.max_loss > gau.epsilon  # Gaussian loss is unbounded; δ pays for the tail
    assert gau.tail_probability < gau.delta and gau.exact_delta < gau.delta
    assert compute_mechanism("gaussian", seed=1, epsilon=0.5) != gau
    assert compute_mechanism("gaussian", seed=0, epsilon=0.5) == gau
    assert "sigma=9.69" in gau.summary() and "exact delta" in gau.summary()
