"""Plot of bias in knowledge-graph embeddings (notebook 33): mitigation vs link prediction.

It takes ``ax=None`` and returns ``(fig, ax, data)``.
"""

from __future__ import annotations

import numpy as np

from trustlab.plotting import OKABE_ITO, PALETTE, two_axes

__all__ = ["plot_kg_bias"]


def _two_axes(ax):
    return two_axes(ax, figsize=(11.5, 4.2), bottom=0.14)


def plot_kg_bias(point, ax=None):
    """Left: bias vs Hits@10 for every cached TransE run; right: occupation shifts of this run.

    ``point`` is a ``KGPoint``. Returns ``(fig, (ax_tradeoff, ax_shift), data)``.
    """
    fig, left, right = _two_axes(ax)
    lams = sorted({k[0] for k in point.sweep})
    for (lam, cf), r in sorted(point.sweep.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        # Colour: λ; shape: without (circle) or with (square) counterfactual triples. Labels
        # only in the legend: text is what makes a PNG slow to render.
        left.scatter([r.hits10], [r.bias], marker="s" if cf else "o", s=45,
                     color=PALETTE[lams.index(lam) % len(PALETTE)],
                     label=f"λ={lam:g}" if cf == 0 else None)
    res = point.result
    left.scatter([res.hits10], [res.bias], s=170, facecolors="none", edgecolors=OKABE_ITO["black"],
                 linewidths=2, label="selected")
    left.set_xlabel("Hits@10 on held-out occupations (higher is better)")
    left.set_ylabel("bias: spread of occupation score shifts")
    left.set_title("Mitigation vs link prediction (squares: counterfactual triples)")
    left.legend(loc="best", fontsize="x-small")
    t = res.table
    colours = [OKABE_ITO["vermillion"] if occ == point.occupation else
               (OKABE_ITO["blue"] if s >= t["shift"].mean() else OKABE_ITO["orange"])
               for occ, s in zip(t.index, t["shift"])]
    right.barh(np.arange(len(t)), t["shift"], color=colours)
    right.set_yticks(np.arange(len(t)), [f"{o} ({100 * f:.0f}% women)" for o, f in
                                         zip(t.index, t["female_share"])], fontsize="x-small")
    right.set_xlabel("score change when women move toward 'Male'")
    right.set_ylabel("occupation (share of women)")
    right.set_title(f"λ={res.neutrality:g}, counterfactual={res.counterfactual_share:g}")
    fig.subplots_adjust(left=0.07, wspace=0.55)
    data = {"hits10": {k: r.hits10 for k, r in point.sweep.items()},
            "bias": {k: r.bias for k, r in point.sweep.items()},
            "shift": t["shift"].to_dict(), "selected": point.occupation}
    return fig, (left, right), data
