"""Explorer of notebook 33: bias in knowledge-graph embeddings.

It is built on :class:`trustlab.widgets.Explorer`: the w_KL slider and the twins switch read
the shipped 5-seed grid (a move is a look-up and a plot); w_KL values between the grid's have
no shipped result, and the "compute this setting now" button trains the current setting live
with 5 seeds (a progress bar counts the epochs) and shows it beside the grid's.
"""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.fairness.kg.bias import SETTINGS
from trustlab.fairness.kg.plots import plot_kg_bias
from trustlab.fairness.kg.sweep import COUNTERFACTUAL, KL_WEIGHTS, compute_kg_now, compute_kg_point
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["KL_CHOICES", "OCCUPATIONS", "make_kg_bias_explorer"]

_STYLE = {"description_width": "14em"}
_LAYOUT = widgets.Layout(width="38em")

#: The slider's w_KL values: the shipped grid and, between them, values to compute live.
KL_CHOICES = tuple(sorted(set(KL_WEIGHTS) | {0.1, 0.6, 2.0, 5.0, 30.0}))
#: Occupations of the Adult graph, for the picker (Armed-Forces is too rare to be sampled).
OCCUPATIONS = ("Adm-clerical", "Craft-repair", "Exec-managerial", "Farming-fishing",
               "Handlers-cleaners", "Machine-op-inspct", "Other-service", "Priv-house-serv",
               "Prof-specialty", "Protective-serv", "Sales", "Tech-support", "Transport-moving")


@explorer_builder
def make_kg_bias_explorer(*, seed=0, preset=None) -> Explorer:
    """w_KL and CDA-style twins -> b_p spread vs MRR; occupation picker -> its b_p.

    Grid settings are looked up (``kg_bias_sweep``); ``explorer.compute_now`` (the button)
    trains the current setting with 5 seeds and keeps it in ``explorer.live``.

    >>> ex = make_kg_bias_explorer()
    >>> ex.kl_weight.value = 10.0
    >>> float(ex.result.result.probe.mean()) < 0.7
    True
    """
    controls = {
        "kl_weight": widgets.SelectionSlider(options=list(KL_CHOICES), value=0.0,
                                             description="KL weight w_KL",
                                             continuous_update=False, style=_STYLE,
                                             layout=_LAYOUT),
        "counterfactual_share": widgets.Dropdown(
            options=[("none", COUNTERFACTUAL[0]),
                     ("a gender-swapped twin per person (CDA-style)", COUNTERFACTUAL[1])],
            value=0.0, description="twins (not Fisher's)", style=_STYLE, layout=_LAYOUT),
        "occupation": widgets.Dropdown(options=list(OCCUPATIONS), value="Adm-clerical",
                                       description="occupation", style=_STYLE, layout=_LAYOUT),
    }
    live = {}
    explorer = Explorer(controls, compute_kg_point, plot_kg_bias,
                        title="Bias in knowledge-graph embeddings (TransE on Adult, 5 seeds)",
                        fixed={"seed": seed, "live": live}, preset=preset)
    explorer.live = live
    explorer.progress = widgets.IntProgress(0, min=0, max=SETTINGS["epochs"],
                                            description="epochs",
                                            layout=widgets.Layout(width="24em"))

    def compute_now():
        values = explorer.preset()
        explorer.progress.value = 0
        result = compute_kg_now(values["kl_weight"], values["counterfactual_share"], seed=seed,
                                on_epoch=lambda epoch: setattr(explorer.progress, "value",
                                                               epoch + 1))
        live[(float(values["kl_weight"]), float(values["counterfactual_share"]), seed)] = result
        explorer.update()
        return result

    explorer.compute_now = explorer.add_button(
        "compute this setting now", compute_now, busy_description="training 5 seeds …")
    explorer.children = (*explorer.children[:-2],
                         widgets.HBox([explorer.compute_now, explorer.progress]),
                         *explorer.children[-2:])
    return explorer
