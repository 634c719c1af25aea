"""Explorer of notebook 33: bias in knowledge-graph embeddings.

It is built on :class:`trustlab.widgets.Explorer`.
"""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.fairness.kg.bias import COUNTERFACTUAL, NEUTRALITIES, compute_kg_point
from trustlab.fairness.kg.plots import plot_kg_bias
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_kg_bias_explorer"]

_STYLE = {"description_width": "14em"}
_LAYOUT = widgets.Layout(width="38em")


#: Occupations of the Adult graph, for the picker (Armed-Forces is too rare to be sampled).
OCCUPATIONS = ("Adm-clerical", "Craft-repair", "Exec-managerial", "Farming-fishing",
               "Handlers-cleaners", "Machine-op-inspct", "Other-service", "Priv-house-serv",
               "Prof-specialty", "Protective-serv", "Sales", "Tech-support", "Transport-moving")


@explorer_builder
def make_kg_bias_explorer(*, seed=0, preset=None) -> Explorer:
    """λ and counterfactual triples -> bias vs Hits@10; occupation picker -> its score shift.

    Every TransE run was computed once (``kg_bias_sweep``): a move is a lookup and a plot.

    >>> ex = make_kg_bias_explorer()
    >>> ex.neutrality.value = 3.0
    >>> ex.result.result.gender_probe < 0.6
    True
    """
    controls = {
        "neutrality": widgets.SelectionSlider(options=list(NEUTRALITIES), value=0.0,
                                              description="adversarial weight λ",
                                              continuous_update=False, style=_STYLE,
                                              layout=_LAYOUT),
        "counterfactual_share": widgets.Dropdown(
            options=[("none", COUNTERFACTUAL[0]), ("a gender-swapped twin per person",
                                                   COUNTERFACTUAL[1])],
            value=0.0, description="counterfactual triples", style=_STYLE, layout=_LAYOUT),
        "occupation": widgets.Dropdown(options=list(OCCUPATIONS), value="Adm-clerical",
                                       description="occupation", style=_STYLE, layout=_LAYOUT),
    }
    return Explorer(controls, compute_kg_point, plot_kg_bias,
                    title="Bias in knowledge-graph embeddings (TransE on Adult)",
                    fixed={"seed": seed}, preset=preset)
