"""The capstone explorer: four knobs from four notebooks, one figure, a lookup per move."""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.capstone.frontier import compute_tradeoff
from trustlab.capstone.tradeoffs import GRID
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_capstone_explorer"]

_STYLE = {"description_width": "13em"}
_TOGGLE_STYLE = {"description_width": "13em", "button_width": "13em"}
_LAYOUT = widgets.Layout(width="38em")


@explorer_builder
def make_capstone_explorer(*, seed=0, preset=None) -> Explorer:
    """Noise multiplier, clients, label skew and resampling → accuracy, ε, TPR gap, attack AUC.

    Every position is a precomputed Flower run (``trustlab/capstone/sweeps/tradeoffs.json``);
    :func:`trustlab.capstone.run_tradeoff_point` retrains any one live.

    >>> ex = make_capstone_explorer()
    >>> ex.noise_multiplier.value = 4.0
    >>> round(ex.result.point.epsilon, 2)
    2.45
    """
    from trustlab.capstone.plots import plot_tradeoffs

    controls = {
        "noise_multiplier": widgets.SelectionSlider(
            options=list(GRID["noise_multiplier"]), value=1.0, description="noise multiplier σ",
            continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "num_clients": widgets.ToggleButtons(
            options=[(f"{k} clients", k) for k in GRID["num_clients"]], value=100,
            description="clients", style=_TOGGLE_STYLE),
        "alpha": widgets.ToggleButtons(
            options=[("IID (α = 100)", 100.0), ("skewed labels (α = 0.3)", 0.3)], value=100.0,
            description="label skew", style=_TOGGLE_STYLE),
        "group_resample": widgets.SelectionSlider(
            options=list(GRID["group_resample"]), value=0.0, description="resampling by sex",
            continuous_update=False, style=_STYLE, layout=_LAYOUT),
    }
    return Explorer(controls, compute_tradeoff, plot_tradeoffs,
                    title="Privacy × fairness × utility: federated Adult, one figure",
                    fixed={"seed": seed}, preset=preset)
