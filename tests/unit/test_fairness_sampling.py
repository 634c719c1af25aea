"""The sampling-bias simulator on Adult."""

import numpy as np
import pytest

from trustlab.fairness import (adult_features, biased_sample, compute_sampling_bias,
                               expected_estimate)


def test_population_is_adult_with_its_real_base_rates():
    X, y, groups = adult_features()
    assert X.shape[0] == len(y) == 45222
    sex = groups["sex"]
    assert round(y[sex == "Female"].mean(), 3) == 0.114
    assert round(y[sex == "Male"].mean(), 3) == 0.312


def test_skew_one_is_a_simple_random_sample_and_skew_shifts_shares():
    fair = compute_sampling_bias(skew=1.0, n_sample=5000, seed=1)
    assert abs(fair.sample_share["Male"] - fair.population_share["Male"]) < 0.03
    assert abs(fair.error) < 0.02
    men = compute_sampling_bias(skew=10.0, n_sample=5000, seed=1)
    women = compute_sampling_bias(skew=10.0, n_sample=5000, oversampled="Female", seed=1)
    assert men.sample_share["Male"] > 0.9 and women.sample_share["Female"] > 0.75
    # Men earn >50K more often, so over-sampling them inflates the estimate and vice versa.
    assert men.error > 0.04 and women.error < -0.04
    # Post-stratification by the population's shares mitigates most of the error.
    assert abs(men.reweighted_estimate - men.true_rate) < abs(men.error) / 2
    assert abs(women.reweighted_estimate - women.true_rate) < abs(women.error) / 2


def test_expected_estimate_tracks_samples():
    r = compute_sampling_bias(skew=5.0, n_sample=10000, seed=0)
    assert r.estimate == pytest.approx(r.expected, abs=0.02)
    rates, shares = {"F": 0.1, "M": 0.3}, {"F": 0.5, "M": 0.5}
    assert expected_estimate(rates, shares, 1.0, "M") == pytest.approx(0.2)


def test_sample_is_seeded_and_without_replacement():
    g = np.array(["a"] * 100 + ["b"] * 900)
    a, b = biased_sample(g, "a", 4.0, 300, seed=3), biased_sample(g, "a", 4.0, 300, seed=3)
    assert np.array_equal(a, b) and len(np.unique(a)) == 300
    assert not np.array_equal(a, biased_sample(g, "a", 4.0, 300, seed=4))


def test_model_metrics_are_on_the_whole_population():
    r = compute_sampling_bias(skew=2.0, seed=0)
    assert r.metrics.table["count"].sum() == 45222
    assert "skew=2" in r.summary() and "dem. parity diff=" in r.summary()


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"skew": 0.0}, ValueError, "skew"),
    ({"skew": -1.0}, ValueError, "skew"),
    ({"n_sample": 50}, ValueError, "n_sample"),
    ({"sensitive": "age"}, ValueError, "sensitive"),
    ({"oversampled": "Martian"}, ValueError, "oversampled"),
    ({"skew": "big"}, TypeError, "skew"),
])
def test_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        compute_sampling_bias(**kwargs)


def test_several_samples_give_intervals():
    r = compute_sampling_bias(skew=10.0, seed=0, n_seeds=3)
    assert r.seeds == (0, 1, 2) and len(r.per_seed["estimate"]) == 3
    assert r.per_seed["estimate"][0] == compute_sampling_bias(skew=10.0, seed=0).estimate
    assert "±" in r.summary() and "(3 samples)" in r.summary()


def test_a_group_missing_from_the_sample_leaves_the_reweighted_estimate_undefined():
    r = compute_sampling_bias(skew=1e-4, n_sample=200, sensitive="race",
                              oversampled="Amer-Indian-Eskimo", seed=0)
    assert np.isnan(r.reweighted_estimate)
    assert "reweighted undefined (no Amer-Indian-Eskimo" in r.summary()


@pytest.mark.parametrize("kwargs, match", [
    ({"skew": float("inf")}, "skew"), ({"skew": float("nan")}, "skew"), ({"n_seeds": 0}, "n_seeds")])
def test_sampling_bias_refuses_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compute_sampling_bias(**kwargs)


@pytest.mark.parametrize("args, match", [
    (({"F": 0.1}, {"F": 0.5, "M": 0.5}, 2.0, "M"), "same groups"),
    (({"F": 0.1, "M": 0.2}, {"F": 0.5, "M": 0.5}, -1.0, "M"), "skew"),
    (({"F": 0.1, "M": 0.2}, {"F": 0.0, "M": 0.0}, 2.0, "M"), "not all be 0"),
    (({"F": 0.1, "M": 0.2}, {"F": 0.5, "M": 0.5}, 2.0, "X"), "oversampled"),
    (({"F": 0.1, "M": 0.2}, {"F": 0.5, "M": 0.5}, float("nan"), "M"), "skew"),
])
def test_expected_estimate_refuses_bad_values(args, match):
    with pytest.raises(ValueError, match=match):
        expected_estimate(*args)
