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
    plain_bias = ex.result.result.bias
    start = time.perf_counter()
    ex.neutrality.value = 10.0
    assert time.perf_counter() - start < 2.0  # a lookup and a two-panel PNG (target: ≤ 1 s)
    assert ex.result.result.bias < plain_bias and ex.result.result.gender_probe < 0.6
    ex.occupation.value = "Craft-repair"
    assert ex.plot_data["selected"] == "Craft-repair"
    assert ex.result.summary().endswith(
        f"Craft-repair: shift {ex.result.result.table.loc['Craft-repair', 'shift']:+.3f}")
    ex.counterfactual_share.value = 1.0
    assert ex.result.result.counterfactual_share == 1.0 and ex.error is None
