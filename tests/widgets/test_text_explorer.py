"""Headless test of the metric-DP text-rewriting explorer: set controls, assert on ``.result``."""

import pytest

from trustlab.privacy.text.explore import compute_text_rewriting
from trustlab.privacy.text.utility import utility_sweep
from trustlab.privacy.text.widgets import make_text_rewriting_explorer


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    path = tmp_path_factory.mktemp("trustlab-cache")
    mp.setenv("TRUSTLAB_CACHE_DIR", str(path))
    yield path
    mp.undo()


def test_text_explorer_follows_its_controls(cache_dir):
    ex = make_text_rewriting_explorer(seed=0)
    sweep = utility_sweep()
    assert sweep.from_cache  # the explorer computed and stored it
    assert ex.result == compute_text_rewriting(60, ex.sentence.value, "boston", seed=0, sweep=sweep)
    png, details = ex.image.value, ex.details.value
    assert "Rewrites" in details and "boston" in details
    assert 0.3 < ex.result.p_kept < 0.8 and ex.result.p_far < ex.result.p_near
    assert [w for w, _, _ in ex.result.substitutes][:2] == ["boston", "massachusetts"]

    ex.epsilon.value = 150
    assert ex.result.epsilon == 150 and ex.result.p_kept == 1.0 and ex.result.p_far == 0.0
    assert ex.result.accuracies == sweep.accuracies[sweep.epsilons.index(150)]
    assert ex.image.value != png and ex.details.value != details
    assert ex.plot_data["words"][0] == "boston" and ex.plot_data["distance"][0] == 0.0

    ex.epsilon.value = 20
    assert ex.result.p_kept < 0.1 and sweep.at(20) < sweep.baseline
    assert ex.result.accuracies == sweep.accuracies[sweep.epsilons.index(20)]

    ex.sentence.value = "Order some sausage for grandma"
    assert [s.word for s in ex.result.deniability] == ["order", "some", "sausage", "for", "grandma"]
    assert "grandma" in ex.details.value and "E|z|=10.00" in ex.summary.value


def test_text_explorer_shows_bad_input_and_recovers(cache_dir):
    ex = make_text_rewriting_explorer()
    ex.word.value = "thermostat"
    assert ex.result is None and "vocabulary" in ex.error and ex.details.value == ""
    ex.word.value = "Chicago"
    assert ex.result.word == "chicago" and ex.error is None
    ex.sentence.value = "   "
    assert ex.result is None and "sentence must be a non-empty string" in ex.error


def test_text_explorer_computes_the_accuracy_now_like_the_sweep(cache_dir):
    ex = make_text_rewriting_explorer(preset={"epsilon": 150})
    acc = ex.compute_now()
    assert acc == ex.result.accuracies and ex.progress.value == 5
    assert "now:" in ex.live.value and "sweep:" in ex.live.value and ex.error is None


def test_text_explorer_preset_round_trips(cache_dir):
    ex = make_text_rewriting_explorer()
    ex.epsilon.value = 30
    ex.word.value = "pizza"
    again = make_text_rewriting_explorer(preset=ex.preset())
    assert again.preset() == ex.preset() and again.result == ex.result
