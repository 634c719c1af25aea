"""Explorers of notebook 30: sampling bias and DP's disparate impact.

Both are built on :class:`trustlab.widgets.Explorer`.
"""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.fairness.groups.disparate import compute_disparate_impact
from trustlab.fairness.groups.plots import plot_disparate_impact, plot_sampling_bias
from trustlab.fairness.groups.sampling import compute_sampling_bias
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_disparate_impact_explorer", "make_sampling_bias_explorer"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="36em")


@explorer_builder
def make_sampling_bias_explorer(*, seed=0, preset=None) -> Explorer:
    """Sampling skew -> survey estimate error and a model's per-group metrics on Adult.

    Every move draws a new sample and retrains a logistic regression (~0.2 s).

    >>> ex = make_sampling_bias_explorer()
    >>> ex.skew.value = 10
    >>> ex.result.sample_share["Male"] > 0.9
    True
    """
    controls = {
        "skew": widgets.FloatLogSlider(1.0, base=10, min=-1.5, max=1.5, step=0.05,
                                       readout_format=".2f", description="sampling skew",
                                       continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "n_sample": widgets.IntSlider(2000, min=200, max=10000, step=200,
                                      description="sample size", continuous_update=False,
                                      style=_STYLE, layout=_LAYOUT),
        "oversampled": widgets.Dropdown(options=["Male", "Female"], value="Male",
                                        description="over-represented group", style=_STYLE,
                                        layout=_LAYOUT),
    }
    return Explorer(controls, compute_sampling_bias, plot_sampling_bias,
                    title="Sampling bias: who answered the survey?",
                    fixed={"seed": seed, "sensitive": "sex"}, preset=preset)


@explorer_builder
def make_disparate_impact_explorer(*, seed=0, preset=None) -> Explorer:
    """Training setting (clipping only, DP-SGD at an ε) -> accuracy per group, 5 seeds each.

    Reads the shipped sweep: no training on a move.

    >>> ex = make_disparate_impact_explorer()
    >>> ex.setting.value = "eps=1"
    >>> ex.result.sweep.mean("class 8", ex.result.index)
    0.0
    """
    from trustlab.fairness.groups.disparate_result import SETTINGS

    labels = {"clip only": "clipping only (σ=0)", "eps=8": "ε=8", "eps=3": "ε=3", "eps=1": "ε=1"}
    controls = {
        "dataset": widgets.Dropdown(options=[("digits, class 8 cut to 15 images", "digits"),
                                             ("Adult, women vs men", "adult")], value="digits",
                                    description="data", style=_STYLE, layout=_LAYOUT),
        "setting": widgets.SelectionSlider(options=[(labels[s], s) for s in SETTINGS],
                                           value="eps=8", description="DP-SGD setting",
                                           continuous_update=False, style=_STYLE, layout=_LAYOUT),
    }
    return Explorer(controls, compute_disparate_impact, plot_disparate_impact,
                    title="DP-SGD's disparate impact: who pays for clipping and noise?",
                    fixed={"seed": seed}, preset=preset)
