"""The capstone explorer: four knobs from four notebooks, one figure, a lookup per move.

Every grid position reads the shipped sweep (five seeded Flower runs per setting). The knobs
also offer settings between the grid's; there, and anywhere on demand, "Compute this setting
now" trains the setting live with five seeds (a progress bar counts the Flower runs) and draws
it beside the grid's.
"""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.capstone.frontier import tradeoff_view
from trustlab.capstone.point import N_SEEDS, check_setting
from trustlab.capstone.tradeoffs import run_tradeoff_point
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["CHOICES", "make_capstone_explorer"]

#: Each knob's positions: the shipped grid's values and a few between them (computed on demand).
CHOICES = {
    "noise_multiplier": (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0),
    "num_clients": (10, 30, 100),
    "alpha": (100.0, 1.0, 0.3),
    "group_resample": (0.0, 0.25, 0.5, 0.75, 1.0),
}
_STYLE = {"description_width": "13em"}
_TOGGLE_STYLE = {"description_width": "13em", "button_width": "11em"}
_LAYOUT = widgets.Layout(width="38em")


@explorer_builder
def make_capstone_explorer(*, seed=0, preset=None) -> Explorer:
    """Noise multiplier, clients, label skew and resampling → accuracy, ε, TPR gap, attack AUC.

    Grid positions are precomputed Flower runs (``trustlab/capstone/sweeps/tradeoffs.json``,
    seeds ``seed`` … ``seed + 4``); the button ``explorer.compute_now`` trains the current
    setting live with the same seeds, on or off the grid (``explorer.live`` keeps what was
    computed, by setting).

    >>> ex = make_capstone_explorer()
    >>> ex.noise_multiplier.value = 4.0
    >>> round(ex.result.point.epsilon, 2)
    2.45
    """
    from trustlab.capstone.plots import plot_tradeoffs

    controls = {
        "noise_multiplier": widgets.SelectionSlider(
            options=list(CHOICES["noise_multiplier"]), value=1.0, description="noise multiplier σ",
            continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "num_clients": widgets.ToggleButtons(
            options=[(f"{k} clients", k) for k in CHOICES["num_clients"]], value=100,
            description="clients", style=_TOGGLE_STYLE),
        "alpha": widgets.ToggleButtons(
            options=[("IID (α = 100)", 100.0), ("some skew (α = 1)", 1.0), ("skewed (α = 0.3)", 0.3)],
            value=100.0, description="label skew", style=_TOGGLE_STYLE),
        "group_resample": widgets.SelectionSlider(
            options=list(CHOICES["group_resample"]), value=0.0, description="resampling by sex",
            continuous_update=False, style=_STYLE, layout=_LAYOUT),
    }
    live: dict = {}

    def compute(noise_multiplier, num_clients, alpha, group_resample, seed):
        setting = check_setting(noise_multiplier, num_clients, alpha, group_resample)
        return tradeoff_view(*setting, seed=seed, live=live.get(setting))

    explorer = Explorer(controls, compute, plot_tradeoffs,
                        title="Privacy × fairness × utility: federated Adult, one figure",
                        fixed={"seed": seed}, preset=preset)
    explorer.live = live
    progress = widgets.IntProgress(value=0, min=0, max=N_SEEDS, description="Flower runs",
                                   layout=widgets.Layout(width="24em", visibility="hidden"))

    def step(done, total):
        progress.value, progress.description = done, f"run {done}/{total}"

    def compute_now():
        setting = check_setting(*(explorer.controls[k].value for k in CHOICES))
        progress.value, progress.description, progress.layout.visibility = 0, f"run 0/{N_SEEDS}", "visible"
        try:
            live[setting] = run_tradeoff_point(*setting, seed=seed, n_seeds=N_SEEDS, progress=step)
        finally:
            progress.layout.visibility = "hidden"
        explorer.update()

    explorer.compute_now = explorer.add_button(
        "Compute this setting now", compute_now, busy_description=f"Training ({N_SEEDS} seeds)…")
    explorer.progress = progress
    children = list(explorer.children)
    at = children.index(explorer.summary)
    explorer.children = tuple(children[:at] + [widgets.HBox([explorer.compute_now, progress])] + children[at:])
    return explorer
