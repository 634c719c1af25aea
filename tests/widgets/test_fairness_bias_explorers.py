"""Headless tests of the notebook 32/33 explorers: set a control's value, read ``.result``."""

import time

from trustlab.fairness.text.widgets import make_intrinsic_extrinsic_explorer


def test_intrinsic_extrinsic_explorer_moves_and_stays_fast():
    ex = make_intrinsic_extrinsic_explorer()
    assert ex.result.strength == 0.0 and ex.error is None
    start = time.perf_counter()
    ex.strength.value = 1.0
    assert time.perf_counter() - start < 1.0
    assert ex.result.direct_bias < 1e-6
    ex.corpus_skew.value = 2.0
    assert ex.result.corpus_skew == 2.0
    ex.extrinsic.value = "aps"
    assert ex.plot_data["y"] == ex.result.study.table["aps"].tolist()  # seed means
    assert ex.plot_data["selected"][1] == ex.result.aps


def test_intrinsic_extrinsic_explorer_preset_round_trip():
    ex = make_intrinsic_extrinsic_explorer(preset={"strength": 0.5, "intrinsic": "direct_bias"})
    assert ex.preset()["strength"] == 0.5
    assert ex.plot_data["x"] == ex.result.study.table["direct_bias"].tolist()


def test_kg_bias_explorer_moves_through_the_cached_runs():
    from trustlab.fairness.kg.widgets import make_kg_bias_explorer

    ex = make_kg_bias_explorer()
    plain = ex.result.result
    start = time.perf_counter()
    ex.kl_weight.value = 10.0
    assert time.perf_counter() - start < 2.0  # a lookup and a two-panel plot (target: ≤ 1 s)
    assert ex.result.result.spread.mean() < plain.spread.mean()
    assert ex.result.result.probe.mean() < 0.7 and ex.error is None
    ex.occupation.value = "Craft-repair"
    assert ex.plot_data["selected"] == "Craft-repair"
    assert "Craft-repair: b_p=" in ex.result.summary()
    ex.counterfactual_share.value = 1.0
    assert ex.result.result.counterfactual_share == 1.0 and ex.error is None


def test_kg_bias_explorer_computes_an_off_grid_setting_now():
    from trustlab.fairness.kg.widgets import make_kg_bias_explorer

    ex = make_kg_bias_explorer(preset={"kl_weight": 2.0})
    assert ex.result.result is None and "not in the shipped grid" in ex.result.summary()
    assert ex.plot_data["b_p"] is None
    ex.compute_now.run()  # the button's click: 5 seeds, trained live
    assert ex.error is None and ex.progress.value == ex.progress.max
    live = ex.result.live
    assert live.kl_weight == 2.0 and len(live.seeds) == 5 and "computed now" in ex.result.summary()
    assert set(ex.plot_data["shown"]) == {"now"} and ex.plot_data["b_p"] is not None
    ex.kl_weight.value = 3.0  # back on the grid: the shipped run, the live one kept for 2.0
    assert ex.result.live is None and ex.result.result.kl_weight == 3.0
    ex.kl_weight.value = 2.0
    assert ex.result.live is live


def test_kg_bias_explorer_shows_a_failing_button_in_its_message_area(monkeypatch):
    from trustlab.fairness.kg import widgets as kw

    ex = kw.make_kg_bias_explorer()

    def broken(*args, **kwargs):
        raise ValueError("kl_weight refused for the test")

    monkeypatch.setattr(kw, "compute_kg_now", broken)
    ex.compute_now.run()
    assert ex.error == "ValueError: kl_weight refused for the test"
    assert "compute this setting now" in ex.summary.value and not ex.compute_now.disabled