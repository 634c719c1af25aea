"""DP-SGD's disparate impact, built on trustlab.privacy.dpsgd.train_dp."""

import pytest

from trustlab.data import load_digits
from trustlab.fairness.groups.disparate import disparate_impact_adult, disparate_impact_digits
from trustlab.fairness.groups.plots import plot_disparate_impact
from trustlab.privacy.dpsgd import train_dp


def test_one_run_per_group_measures_one_model():
    # The per-group trick relies on train_dp being deterministic given the seed: the overall
    # test accuracy must be the count-weighted mean of the per-group accuracies.
    s = load_digits(seed=0)
    t = s.y_test == 8
    kw = dict(noise_multiplier=1.0, epochs=2, seed=0)
    full = train_dp((s.X_train, s.X_test, s.y_train, s.y_test), **kw)
    a = train_dp((s.X_train, s.X_test[t], s.y_train, s.y_test[t]), **kw)
    b = train_dp((s.X_train, s.X_test[~t], s.y_train, s.y_test[~t]), **kw)
    weighted = (a.test_accuracy * t.sum() + b.test_accuracy * (~t).sum()) / len(t)
    assert full.test_accuracy == pytest.approx(weighted, abs=1e-6)
    assert full.plain_test_accuracy == pytest.approx(
        (a.plain_test_accuracy * t.sum() + b.plain_test_accuracy * (~t).sum()) / len(t), abs=1e-6)


def test_digits_minority_class_loses_far_more():
    r = disparate_impact_digits()
    assert r.train_counts["class 8"] == 15
    assert r.epsilons[0] == pytest.approx(8.0, abs=0.05)
    assert r.plain_accuracy["class 8"] > 0.2
    assert r.drop("class 8") > 5 * r.drop("other classes")
    assert r.accuracy["other classes"][0] > 0.9
    assert "class 8" in r.summary()
    fig, ax, data = plot_disparate_impact(r)
    assert data["class 8"][0] == r.plain_accuracy["class 8"]


def test_adult_women_lose_more_true_positive_rate():
    r = disparate_impact_adult()
    assert r.drop("Female TPR") > 2 * r.drop("Male TPR")


def test_cache_and_live_agree_for_a_small_run(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTLAB_CACHE_DIR", str(tmp_path))
    kw = dict(n_minority=10, target_epsilons=(5.0,), epochs=2, seed=1)
    live = disparate_impact_digits(use_cache=False, **kw)
    first = disparate_impact_digits(**kw)
    again = disparate_impact_digits(**kw)
    assert live.accuracy == first.accuracy == again.accuracy
    assert len(list(tmp_path.glob("disparate_digits-*.json"))) == 1


@pytest.mark.parametrize("kwargs, match", [
    ({"minority_class": 10}, "minority_class"),
    ({"n_minority": 0}, "n_minority"),
    ({"target_epsilons": ()}, "target_epsilons"),
    ({"target_epsilons": (0.0,)}, "target_epsilons"),
    ({"delta": 1.0}, "delta"),
])
def test_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        disparate_impact_digits(**kwargs)
    if "minority_class" not in kwargs and "n_minority" not in kwargs:
        with pytest.raises(ValueError, match=match):
            disparate_impact_adult(**kwargs)


def test_adult_bad_share():
    with pytest.raises(ValueError, match="minority_share"):
        disparate_impact_adult(minority_share=0.9)
