"""Explorer of notebook 32: intrinsic vs extrinsic bias (a :class:`trustlab.widgets.Explorer`)."""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.fairness.groups.widgets import number_input, add_compute_now
from trustlab.fairness.text.intrinsic import (CORPUS_SKEWS, STRENGTHS, compute_study_point,
                                              compute_study_point_now)
from trustlab.fairness.text.plots import plot_intrinsic_extrinsic
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_intrinsic_extrinsic_explorer"]

_STYLE = {"description_width": "14em"}
_LAYOUT = widgets.Layout(width="38em")


@explorer_builder
def make_intrinsic_extrinsic_explorer(*, seed=0, preset=None) -> Explorer:
    """Mitigation strength and corpus skew -> WEAT, direct bias, TPR gap and APS (cached study).

    Every position was computed once with 5 seeds (``intrinsic_extrinsic_study``): a move is a
    table lookup. The "compute now" row trains a variant at any strength and skew (5 seeds).

    >>> ex = make_intrinsic_extrinsic_explorer()
    >>> ex.strength.value = 1.0
    >>> round(ex.result.direct_bias, 3)
    0.0
    """
    controls = {
        "strength": widgets.SelectionSlider(options=list(STRENGTHS), value=0.0,
                                            description="mitigation strength",
                                            continuous_update=False, style=_STYLE,
                                            layout=_LAYOUT),
        "corpus_skew": widgets.SelectionSlider(options=list(CORPUS_SKEWS), value=0.0,
                                               description="corpus skew",
                                               continuous_update=False, style=_STYLE,
                                               layout=_LAYOUT),
        "extrinsic": widgets.Dropdown(options=[("TPR gap", "tpr_gap"), ("APS", "aps"),
                                               ("counterfactual gap", "ctf")], value="tpr_gap",
                                      description="extrinsic score", style=_STYLE, layout=_LAYOUT),
        "intrinsic": widgets.Dropdown(options=[("WEAT d", "weat"), ("direct bias", "direct_bias")],
                                      value="weat", description="intrinsic score", style=_STYLE,
                                      layout=_LAYOUT),
    }

    def compute(strength, corpus_skew, extrinsic, intrinsic, seed):
        point = compute_study_point(strength, corpus_skew, seed=seed)
        # The axes choice travels with the result so the plot function stays (result) -> plot.
        object.__setattr__(point, "axes", (intrinsic, extrinsic))
        return point

    def plot(point):
        intrinsic, extrinsic = point.axes
        return plot_intrinsic_extrinsic(point, intrinsic=intrinsic, extrinsic=extrinsic)

    ex = Explorer(controls, compute, plot,
                  title="Intrinsic vs extrinsic bias: 20 embedding variants (5 seeds each)",
                  fixed={"seed": seed}, preset=preset)

    def now(strength, corpus_skew, extrinsic, intrinsic, any_strength, any_skew):
        point = compute_study_point_now(any_strength, any_skew, seed=seed)
        object.__setattr__(point, "axes", (intrinsic, extrinsic))
        return point

    add_compute_now(ex, {"any_strength": number_input(0.3, "strength (any)"),
                         "any_skew": number_input(0.7, "corpus skew (any)")}, now)
    return ex
