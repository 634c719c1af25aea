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
    """ε budget of DP-SGD -> accuracy per group (reads the cached sweep: no training on a move).

    >>> ex = make_disparate_impact_explorer()
    >>> ex.target_epsilon.value = 1.0
    >>> ex.result.sweep.accuracy["class 8"][ex.result.index]
    0.0
    """
    controls = {
        "dataset": widgets.Dropdown(options=[("digits, class 8 cut to 15 images", "digits"),
                                             ("Adult, women vs men", "adult")], value="digits",
                                    description="data", style=_STYLE, layout=_LAYOUT),
        "target_epsilon": widgets.SelectionSlider(options=[8.0, 3.0, 1.0], value=8.0,
                                                  description="ε budget (DP-SGD)",
                                                  continuous_update=False, style=_STYLE,
                                                  layout=_LAYOUT),
    }
    return Explorer(controls, compute_disparate_impact, plot_disparate_impact,
                    title="DP-SGD's disparate impact: who pays for the noise?",
                    fixed={"seed": seed}, preset=preset)
