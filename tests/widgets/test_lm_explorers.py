"""Headless notebook-34 explorers: controls read the shipped sweeps; "compute now" retrains live."""

import pytest

from trustlab.lm.bias_sweep import MODES, SWAP_RATIOS, bias_sweep
from trustlab.lm.memorization import DEFENSES
from trustlab.lm.memorization_sweep import REPETITIONS, memorization_sweep
from trustlab.lm.widgets import make_generation_bias_explorer, make_memorization_explorer


def test_shipped_lm_sweeps_are_current():
    # A stale file would make notebook 34 retrain for an hour: regenerate with
    # `python -m trustlab.lm.make_sweeps` after changing a sweep's parameters or the version.
    from trustlab.cache import cache_key, load_entry
    from trustlab.lm import bias_sweep as bias, memorization_sweep as memo

    for module, name in ((memo, "lm_memorization"), (bias, "lm_bias")):
        path = module.SWEEP_DIR / f"{name}.json"
        assert load_entry(path, cache_key(name, module.sweep_params())) is not None, path


def test_memorization_explorer_reads_the_sweep():
    sweep = memorization_sweep()
    ex = make_memorization_explorer()
    assert ex.preset() == {"repetitions": 10, "defense": "none"}
    assert list(ex.repetitions.options) == list(REPETITIONS)
    assert [v for _, v in ex.defense.options] == list(DEFENSES)
    assert ex.result == sweep["none", 10] and len(ex.result.seeds) == 5
    svg = ex.image.value
    ex.repetitions.value = 50
    assert ex.result == sweep["none", 50] and ex.image.value != svg
    ex.defense.value = "dp_sgd"
    assert ex.result == sweep["dp_sgd", 50] and ex.result.epsilon <= 8.0 + 1e-9
    assert list(ex.plot_data["exposure"]) == ["none", "dp_sgd"]
    assert ex.plot_data["exposure"]["none"][0] == list(REPETITIONS)
    assert "exposure=" in ex.summary.value and "(5 seeds)" in ex.summary.value


def test_memorization_exposure_rises_to_the_maximum_and_dp_lowers_it():
    sweep = memorization_sweep()
    none = [sweep["none", r].interval("exposure")[0] for r in REPETITIONS]
    assert none[0] < 3 and none[-1] == pytest.approx(sweep["none", 50].max_exposure, abs=0.05)
    assert all(b >= a - 0.5 for a, b in zip(none, none[1:]))  # rises (up to seed noise)
    from trustlab.lm import compare

    assert compare(sweep["dp_sgd", 10], sweep["none", 10], "exposure") == "lower"


def test_bias_explorer_reads_the_sweep():
    sweep = bias_sweep()
    ex = make_generation_bias_explorer()
    assert ex.preset() == {"swap_ratio": 0.0, "mode": "teacher"}
    assert [v for _, v in ex.mode.options] == list(MODES)
    assert list(ex.swap_ratio.options) == list(SWAP_RATIOS)
    assert ex.result == sweep["teacher", 0.0]
    lo = ex.result.interval("share_correlation")
    assert lo[0] - lo[1] > 0.5  # the teacher follows the BLS shares
    ex.mode.value, ex.swap_ratio.value = "mean", 1.0
    assert ex.result == sweep["mean", 1.0]
    assert ex.result.interval("mean_abs_polarity")[0] < sweep["none", 0.0].interval("mean_abs_polarity")[0]
    assert set(ex.plot_data) == {"shares", "tradeoff"} and len(ex.plot_data["tradeoff"]) == 15
    assert "|polarity|=" in ex.summary.value


@pytest.mark.slow
def test_compute_now_reproduces_the_sweeps_seed():
    ex = make_memorization_explorer(preset={"repetitions": 5, "defense": "dedup"})
    live = ex.compute()
    cached = memorization_sweep()["dedup", 5]
    assert live.exposure[0] == pytest.approx(cached.exposure[0], abs=1e-6)
    assert live.perplexity[0] == pytest.approx(cached.perplexity[0], rel=1e-9)
    assert "live, seed 0" in ex.live.value and ex.compute_now.disabled is False
