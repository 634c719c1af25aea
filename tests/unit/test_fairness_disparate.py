"""DP-SGD's disparate impact: clipping only vs DP-SGD, several seeds, batched (train_many)."""

import numpy as np
import pytest

from trustlab.fairness.groups.disparate import (SETTINGS, compute_disparate_impact,
                                                compute_disparate_impact_now,
                                                disparate_impact_adult, disparate_impact_digits,
                                                train_setting)
from trustlab.fairness.groups.disparate_result import DisparateImpactPoint
from trustlab.fairness.groups.plots import plot_disparate_impact


def test_digits_minority_class_loses_far_more_and_clipping_alone_does_it():
    r = disparate_impact_digits()
    assert r.train_counts["class 8"] == 15 and len(r.seeds) == 5
    assert r.labels == ("non-private", "clip only", "eps=8", "eps=3", "eps=1")
    assert r.epsilons[2] == pytest.approx(8.0, abs=0.05)
    assert r.mean("class 8", 0) > 0.1
    assert r.drop("class 8", 1) > 5 * r.drop("other classes", 1)  # clipping only
    assert r.drop("class 8", 2) > 5 * r.drop("other classes", 2)  # DP-SGD at eps = 8
    assert r.differs("class 8", 1)
    fig, ax, data = plot_disparate_impact(r)
    assert data["class 8"][0] == pytest.approx(r.mean("class 8", 0))


def test_adult_women_lose_more_true_positive_rate_and_noise_adds_nothing_measurable():
    r = disparate_impact_adult()
    assert r.drop("Female TPR", 1) > 2 * r.drop("Male TPR", 1)
    assert r.differs("Female TPR", 1)
    # The erratum of issue 15: the women's TPR does not move with sigma; clipping is the cause.
    for i in (2, 3, 4):
        assert abs(r.mean("Female TPR", i) - r.mean("Female TPR", 1)) < 0.01


def test_point_summary_marks_what_is_within_seed_noise():
    p = compute_disparate_impact("adult", "clip only")
    assert isinstance(p, DisparateImpactPoint) and p.label == "clip only"
    text = p.summary()
    assert text.startswith("clip only (sigma=0") and "Female TPR" in text
    assert "5 seeds" in text


def test_train_setting_groups_are_one_model():
    # Per-group accuracies come from the same K models: the count-weighted mean of two groups
    # is the accuracy on their union.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    a, b = (X[:100], y[:100]), (X[100:], y[100:])
    out = train_setting((X, y), {"a": a, "b": b, "all": (X, y)}, noise_multiplier=0.0,
                        max_grad_norm=1.0, seeds=(0, 1), epochs=3, hidden=(), lr=0.5,
                        batch_size=64)
    np.testing.assert_allclose((out["a"] * 100 + out["b"] * 200) / 300, out["all"], atol=1e-12)


def test_cache_and_live_agree_for_a_small_run(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTLAB_CACHE_DIR", str(tmp_path))
    kw = dict(n_minority=10, target_epsilons=(5.0,), epochs=2, seed=1, n_seeds=2)
    live = disparate_impact_digits(use_cache=False, **kw)
    first = disparate_impact_digits(**kw)
    again = disparate_impact_digits(**kw)
    for g in live.groups:
        np.testing.assert_array_equal(live.per_seed[g], first.per_seed[g])
        np.testing.assert_array_equal(first.per_seed[g], again.per_seed[g])
    assert len(list(tmp_path.glob("disparate_digits-*.json"))) == 1


def test_compute_now_on_a_grid_setting_reproduces_the_grid():
    grid = compute_disparate_impact("digits", "eps=3").sweep
    now = compute_disparate_impact_now("digits", 3.0, 1.0)
    np.testing.assert_allclose(now.per_seed["class 8"][1], grid.per_seed["class 8"][3], atol=1e-9)
    np.testing.assert_allclose(now.per_seed["other classes"][1],
                               grid.per_seed["other classes"][3], atol=0.01)
    assert now.labels == ("non-private", "eps=3 (C=1)")


@pytest.mark.parametrize("kwargs, match", [
    ({"minority_class": 10}, "minority_class"),
    ({"n_minority": 0}, "n_minority"),
    ({"target_epsilons": ()}, "target_epsilons"),
    ({"target_epsilons": (0.0,)}, "target_epsilons"),
    ({"target_epsilons": (float("inf"),)}, "target_epsilons"),
    ({"delta": 1.0}, "delta"),
    ({"max_grad_norm": 0.0}, "max_grad_norm"),
    ({"n_seeds": 0}, "n_seeds"),
])
def test_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        disparate_impact_digits(**kwargs)
    if "minority_class" not in kwargs and "n_minority" not in kwargs:
        with pytest.raises(ValueError, match=match):
            disparate_impact_adult(**kwargs)


def test_bad_settings():
    with pytest.raises(ValueError, match="minority_share"):
        disparate_impact_adult(minority_share=0.9)
    with pytest.raises(ValueError, match="setting"):
        compute_disparate_impact("digits", "eps=2")
    assert "clip only" in SETTINGS
    with pytest.raises(ValueError, match="target_epsilon"):
        compute_disparate_impact_now("digits", float("nan"))
    with pytest.raises(ValueError, match="max_grad_norm"):
        compute_disparate_impact_now("digits", 2.0, -1.0)
