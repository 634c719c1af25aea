"""Headless DP-SGD explorer tests: sliders read the sweep, the buttons retrain live (batched and Opacus)."""

import pytest

from trustlab.privacy.dpsgd_sweep import GRID, load_dpsgd_grid
from trustlab.privacy.widgets import make_dpsgd_explorer

TINY = {"noise_multiplier": [1.0, 2.0], "max_grad_norm": [1.0], "batch_size": [512], "epochs": [2, 4]}


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory):
    # A custom grid is not shipped: it is computed once into a private user cache.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRUSTLAB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        load_dpsgd_grid(TINY, progress=False)
        yield


@pytest.fixture()
def tiny(tiny_cache):
    return make_dpsgd_explorer(grid=TINY)


def test_controls_are_exactly_the_grid_and_follow_the_sweep(tiny):
    points = load_dpsgd_grid(TINY)  # now read from the cache, not recomputed
    assert list(tiny.noise_multiplier.options) == TINY["noise_multiplier"]
    assert tiny.preset() == {"noise_multiplier": 2.0, "max_grad_norm": 1.0, "batch_size": 512, "epochs": 2}
    assert tiny.result == points[(2.0, 1.0, 512, 2)]
    png = tiny.image.value
    tiny.noise_multiplier.value = 1.0
    assert tiny.result == points[(1.0, 1.0, 512, 2)]
    assert tiny.result.epsilon_rdp > points[(2.0, 1.0, 512, 2)].epsilon_rdp  # less noise, more ε
    assert tiny.result.epsilon_prv < tiny.result.epsilon_rdp  # PRV is the tighter accountant
    tiny.epochs.value = 4
    assert tiny.result.epochs == 4
    assert tiny.image.value != png
    assert tiny.plot_data["point"] == (tiny.result.epsilon_rdp, tiny.result.test_accuracy)
    assert tiny.plot_data["point_half_width"] == tiny.result.interval.half_width > 0
    assert "epsilon=" in tiny.summary.value and "(5 seeds)" in tiny.summary.value
    assert len(tiny.result.test_accuracies) == len(tiny.result.plain_test_accuracies) == 5


def test_compute_now_reproduces_the_precomputed_seeds(tiny):
    tiny.noise_multiplier.value = 1.0
    tiny.epochs.value = 4
    assert tiny.now_result is None
    tiny.now_button.click()
    now, cached = tiny.now_result, tiny.result
    assert tiny.progress.value == tiny.progress.max == 4
    # Same seeds, same setting: the live runs are the sweep's runs, to the last digit.
    assert now.test_accuracies == cached.test_accuracies
    assert now.epsilon == pytest.approx(cached.epsilon_rdp)
    assert "now (5 seeds" in tiny.live.value and "sweep:" in tiny.live.value
    assert not tiny.now_button.disabled and tiny.error is None


def test_opacus_run_reproduces_the_sweeps_first_seed(tiny):
    tiny.noise_multiplier.value = 1.0
    tiny.epochs.value = 4
    assert tiny.live_result is None
    tiny.train_now.click()
    live, cached = tiny.live_result, tiny.result
    # Opacus' PrivacyEngine and the batched path give the same model for the same seed.
    assert live.test_accuracy == pytest.approx(cached.test_accuracies[0], abs=1e-6)
    assert live.epsilon == pytest.approx(cached.epsilon_rdp)
    assert "Opacus, seed 0" in tiny.live.value and "(wall)" in tiny.live.value
    assert not tiny.train_now.disabled


def test_a_failing_button_shows_its_error(tiny, shown_errors, monkeypatch):
    import trustlab.privacy.dpsgd_run as run

    monkeypatch.setattr(run, "_trainer", lambda *a, **k: 1 / 0)
    tiny.now_button.click()
    assert "ZeroDivisionError" in tiny.error and "compute this setting now" in tiny.summary.value


def test_preset_round_trips_and_rejects_unknown_controls(tiny):
    tiny.epochs.value = 4
    again = make_dpsgd_explorer(grid=TINY, preset=tiny.preset())
    assert again.result == tiny.result
    with pytest.raises(ValueError, match="unknown controls"):
        make_dpsgd_explorer(grid=TINY, preset={"lr": 1})


def test_shipped_explorer_defaults_and_speed():
    ex = make_dpsgd_explorer()
    for name in GRID:
        assert list(getattr(ex, name).options) == GRID[name]
    assert ex.preset() == {"noise_multiplier": 2.0, "max_grad_norm": 1.0, "batch_size": 256, "epochs": 20}
    ex.batch_size.value = 128
    assert ex.result.batch_size == 128 and ex.error is None
    assert ex.seconds < 2.0  # a lookup and a plot; benchmarks/ holds the real ≤ 0.1 s target
    assert len(ex.result.test_accuracies) == 5
