"""Explorer of notebook 31: counterfactual role reversal (a :class:`trustlab.widgets.Explorer`)."""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_role_reversal_explorer"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="36em")


@explorer_builder
def make_role_reversal_explorer(*, seed=0, preset=None) -> Explorer:
    """Teacher-probability mode and swap ratio -> the student's polarity, perplexity and TPR gap.

    Reads the shipped sweep of 20 distilled students × 5 seeds (no training on a move). The
    "compute now" row distills students at any swap ratio and distillation weight α with 5 seeds
    (tens of seconds on 2 cores).

    >>> ex = make_role_reversal_explorer()
    >>> ex.mode.value, ex.swap_ratio.value = "mean", 1.0
    >>> ex.result.record["mean_abs_polarity"] < ex.result.teacher["mean_abs_polarity"]
    True
    """
    from trustlab.fairness.counterfactual.plots import plot_role_reversal
    from trustlab.fairness.counterfactual.role_reversal_sweep import (SWAP_RATIOS,
                                                                      compute_role_reversal,
                                                                      compute_role_reversal_now)
    from trustlab.fairness.groups.widgets import number_input, add_compute_now

    controls = {
        "mode": widgets.Dropdown(options=[("unchanged p(·|x)", "none"), ("mean with swapped", "mean"),
                                          ("max with swapped", "max"),
                                          ("exponentiated mean", "expmean")],
                                 value="none", description="teacher probabilities", style=_STYLE,
                                 layout=_LAYOUT),
        "swap_ratio": widgets.SelectionSlider(options=list(SWAP_RATIOS), value=0.0,
                                              description="swap ratio (CDA)",
                                              continuous_update=False, style=_STYLE,
                                              layout=_LAYOUT),
    }
    ex = Explorer(controls, compute_role_reversal, plot_role_reversal,
                  title="Counterfactual role reversal in distillation",
                  fixed={"seed": seed}, preset=preset)

    def now(mode, swap_ratio, any_swap_ratio, alpha):
        return compute_role_reversal_now(mode, any_swap_ratio, alpha, seed=seed)

    add_compute_now(ex, {"any_swap_ratio": number_input(0.1, "swap ratio (any)"),
                         "alpha": number_input(0.5, "distillation α")}, now)
    return ex
