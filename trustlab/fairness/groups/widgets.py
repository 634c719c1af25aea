"""Explorers of notebook 30: sampling bias and DP's disparate impact.

Both are built on :class:`trustlab.widgets.Explorer`. :func:`add_compute_now` gives an
explorer that reads a shipped sweep a "compute this setting now" row (the fairness rooms use it).
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets

from trustlab.fairness.groups.disparate import compute_disparate_impact
from trustlab.fairness.groups.plots import plot_disparate_impact, plot_sampling_bias
from trustlab.fairness.groups.sampling import compute_sampling_bias
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["add_compute_now", "make_disparate_impact_explorer", "make_sampling_bias_explorer",
           "number_input"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="36em")


def add_compute_now(explorer, inputs, run, *, description="compute this setting now (5 seeds)"):
    """Add a "compute now" row to ``explorer``: off-grid ``inputs``, a button and its result.

    ``inputs`` maps keyword names of ``run`` to widgets; a click calls
    ``run(**explorer.preset(), **{name: widget.value})`` through the explorer's guarded button
    (relabelled while it runs; any error goes to the message area), keeps the result as
    ``explorer.now`` and shows its summary, with the wall time, under the grid's.
    Returns the button (``button.run()`` clicks it from code and tests).
    """
    out = widgets.HTML()
    out.add_class("trustlab-summary")
    explorer.now, explorer.now_seconds = None, float("nan")

    def click():
        explorer.now, out.value = None, ""
        start = time.perf_counter()
        result = run(**explorer.preset(), **{k: w.value for k, w in inputs.items()})
        explorer.now, explorer.now_seconds = result, time.perf_counter() - start
        out.value = (f"<b>computed now</b> ({explorer.now_seconds:.1f} s): "
                     f"<code>{html.escape(result.summary())}</code>")

    button = explorer.add_button(description, click, busy_description="computing… (5 seeds)",
                                 width="22em")
    explorer.children = (*explorer.children,
                         widgets.VBox([widgets.HBox([*inputs.values(), button]), out]))
    explorer.now_button, explorer.now_inputs, explorer.now_output = button, inputs, out
    return button


def number_input(value, description):
    """A FloatText for an off-grid value (not clamped: the compute function validates it)."""
    return widgets.FloatText(value, description=description, style={"description_width": "9em"},
                             layout=widgets.Layout(width="17em"))


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

    Reads the shipped sweep: no training on a move. The "compute now" row trains DP-SGD at any
    ε and clipping norm (ε = 0 there means clipping only) with 5 seeds, beside the grid.

    >>> ex = make_disparate_impact_explorer()
    >>> ex.setting.value = "eps=1"
    >>> ex.result.sweep.mean("class 8", ex.result.index)
    0.0
    """
    from trustlab.fairness.groups.disparate import compute_disparate_impact_now
    from trustlab.fairness.groups.disparate_result import SETTINGS, DisparateImpactPoint

    labels = {"clip only": "clipping only (σ=0)", "eps=8": "ε=8", "eps=3": "ε=3", "eps=1": "ε=1"}
    controls = {
        "dataset": widgets.Dropdown(options=[("digits, class 8 cut to 15 images", "digits"),
                                             ("Adult, women vs men", "adult")], value="digits",
                                    description="data", style=_STYLE, layout=_LAYOUT),
        "setting": widgets.SelectionSlider(options=[(labels[s], s) for s in SETTINGS],
                                           value="eps=8", description="DP-SGD setting",
                                           continuous_update=False, style=_STYLE, layout=_LAYOUT),
    }
    ex = Explorer(controls, compute_disparate_impact, plot_disparate_impact,
                  title="DP-SGD's disparate impact: who pays for clipping and noise?",
                  fixed={"seed": seed}, preset=preset)

    def now(dataset, setting, target_epsilon, max_grad_norm):
        r = compute_disparate_impact_now(dataset, None if target_epsilon == 0 else target_epsilon,
                                         max_grad_norm, seed=seed)
        return DisparateImpactPoint(r, 1)

    add_compute_now(ex, {"target_epsilon": number_input(2.0, "ε (0: clip only)"),
                         "max_grad_norm": number_input(1.0, "clipping norm C")}, now)
    return ex
