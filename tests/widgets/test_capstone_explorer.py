"""The capstone explorer: grid lookups, settings between the grid's, and "compute this setting now"."""

import logging
import math

import numpy as np
import pytest

from trustlab.capstone import point, tradeoffs
from trustlab.capstone.widgets import CHOICES, make_capstone_explorer


def test_grid_positions_read_the_sweep_with_intervals():
    ex = make_capstone_explorer()
    ex.noise_multiplier.value = 4.0
    p = ex.result.point
    assert p is not None and round(p.epsilon, 2) == 2.45 and len(p.seeds) == 5
    assert "±" in ex.result.summary() and "(5 seeds)" in ex.result.summary()
    data = ex.plot_data
    assert data["index"] == ex.result.index and np.all(data["accuracy_half"] > 0)
    # the attack panel draws the row-level bound (group of two) along σ
    sigmas = list(data["bound_sigma"])
    assert data["bound_pld"][sigmas.index(8.0)] == pytest.approx(point.row_level_risk(8.0)[1])
    assert np.all(data["bound_pld"] <= data["bound_pair"] + 1e-12)


def test_every_grid_value_is_offered():
    for knob, values in point.GRID.items():
        assert set(values) <= set(CHOICES[knob]), knob


def test_off_grid_settings_say_so_and_are_not_clamped():
    ex = make_capstone_explorer()
    ex.noise_multiplier.value = 3.0
    r = ex.result
    assert r.point is None and r.live is None and r.setting[0] == 3.0
    assert "not on the shipped grid" in r.summary() and ex.error is None
    assert ex.plot_data["index"] is None and ex.plot_data["live"] is None


def test_compute_now_trains_beside_the_grid():
    # The button trains the current setting (five seeds, the real path) and shows it beside
    # the grid's; a cheap setting (10 clients) keeps the test short.
    ex = make_capstone_explorer(preset={"noise_multiplier": 2.0, "num_clients": 10, "alpha": 100.0,
                                       "group_resample": 0.5})
    seen = []
    ex.progress.observe(lambda change: seen.append(change["new"]), names="value")
    ex.compute_now.click()
    assert seen == [1, 2, 3, 4, 5]  # the progress bar counted the Flower runs
    r = ex.result
    assert r.live is not None and r.point is not None
    assert r.live.matches(r.point)  # the sweep is these runs
    assert "computed now" in r.summary() and "the same runs as the grid" in r.summary()
    assert ex.plot_data["live"]["accuracy"] == pytest.approx(r.point.accuracy)
    assert ex.progress.layout.visibility == "hidden" and not ex.compute_now.disabled


def test_compute_now_off_the_grid(monkeypatch):
    calls = []

    def fake_run(setting, seed):
        calls.append((setting, seed))
        return {"accuracy": 0.8 + seed / 1000, "tpr_female": 0.3, "tpr_male": 0.4 + seed / 100,
                "attack_auc": 0.5, "seconds": 0.1}

    monkeypatch.setattr(tradeoffs, "measure_run", fake_run)
    ex = make_capstone_explorer(preset={"noise_multiplier": 3.0, "num_clients": 30, "alpha": 1.0,
                                       "group_resample": 0.25})
    ex.compute_now.click()
    assert [s for _, s in calls] == [0, 1, 2, 3, 4] and calls[0][0] == (3.0, 30, 1.0, 0.25)
    r = ex.result
    assert r.point is None and r.live.setting() == (3.0, 30, 1.0, 0.25)
    assert r.summary().startswith("computed now, off the grid: sigma=3 clients=30 alpha=1 resample=0.25")
    assert math.isfinite(r.live.epsilon) and ex.plot_data["live"]["tpr_gap"] == pytest.approx(0.12)
    ex.noise_multiplier.value = 6.0  # another setting: nothing computed for it yet
    assert ex.result.live is None and ex.result.point is None


def test_a_failing_compute_now_is_shown_and_the_button_comes_back(monkeypatch, shown_errors):
    def broken(setting, seed):
        raise RuntimeError("forced failure in a Flower run")

    monkeypatch.setattr(tradeoffs, "measure_run", broken)
    ex = make_capstone_explorer()
    ex.compute_now.click()
    assert "RuntimeError: forced failure in a Flower run" in ex.summary.value
    assert not ex.compute_now.disabled and ex.progress.layout.visibility == "hidden"
    assert [r.levelno for r in shown_errors] == [logging.ERROR]


def test_builder_refuses_seeds_that_are_not_shipped(monkeypatch):
    monkeypatch.setattr(tradeoffs, "measure_run", lambda *a: pytest.fail("the builder trained"))
    with pytest.raises(ValueError, match="compute=True"):
        make_capstone_explorer(seed=3)
    with pytest.raises(TypeError, match="seed"):
        make_capstone_explorer(seed=0.5)
