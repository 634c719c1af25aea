"""The risk panel's plot: the best attack's ROC allowed by DP-SGD, from the PLD and from (ε, δ) alone.

Kept apart from :mod:`trustlab.privacy.plots` so the ε planner (notebook 11) can add it as a
panel. Takes ``ax=None`` and returns ``(fig, ax, data)`` like every kit plot.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator

from trustlab.plotting import OKABE_ITO, figure_axes

__all__ = ["plot_risk"]

_TICKS = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
_LABELS = ["0.01%", "0.1%", "1%", "10%", "100%"]


def plot_risk(result, ax=None):
    """Log-log ROC bound of a :class:`trustlab.privacy.risk.RiskResult`, with TPR at 0.1/1/10 % FPR.

    ``data`` holds ``bound`` and ``pair`` as (fpr, tpr) arrays and ``tpr_at`` ({fpr: tpr}).

    >>> from trustlab.privacy.risk import compute_risk
    >>> fig, ax, data = plot_risk(compute_risk(1.0, 0.01, 10))
    >>> sorted(data["tpr_at"]) == [0.001, 0.01, 0.1]
    True
    """
    from matplotlib.axes import Axes

    from trustlab.privacy.risk.bound import RiskResult

    if not isinstance(result, RiskResult):
        raise TypeError(f"result must be a trustlab.privacy.risk.RiskResult (compute_risk), got {type(result).__name__}")
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    fig, ax = figure_axes(ax)
    floor = 1e-4
    r = result
    shown = np.unique(np.searchsorted(r.fpr, np.geomspace(floor, 1, 150)).clip(0, len(r.fpr) - 1))
    ax.plot([floor, 1], [floor, 1], color=OKABE_ITO["black"], lw=0.8, ls=":", label="guessing")
    ax.plot(r.fpr[shown], r.tpr[shown], color=OKABE_ITO["blue"], lw=2,
            label=f"any attack, at most (PLD; AUC ≤ {r.auc:.2f})")
    ax.plot(r.fpr[shown], r.tpr_epsilon_delta[shown], color=OKABE_ITO["sky"], ls="--",
            label=f"from ε={r.epsilon:.2f}, δ={r.delta:g} alone (AUC ≤ {r.auc_epsilon_delta:.2f})")
    for f, t in r.tpr_at.items():
        ax.plot([f], [max(t, floor)], "o", color=OKABE_ITO["vermillion"])
        ax.annotate(f"{100 * t:.2g}%", (f, max(t, floor)), textcoords="offset points", xytext=(4, -10),
                    fontsize="x-small")
    who = "one example" if r.group_size == 1 else f"a group of {r.group_size}"
    ax.set(xscale="log", yscale="log", xlim=(floor, 1), ylim=(floor, 1),
           xlabel="false positive rate (non-members flagged)", ylabel="true positive rate (members caught)",
           title=f"What an attacker can do against {who}")
    for axis in (ax.xaxis, ax.yaxis):  # plain labels: log mathtext is slow to draw
        axis.set_major_locator(FixedLocator(_TICKS))
        axis.set_minor_locator(NullLocator())
    ax.set_xticklabels(_LABELS)
    ax.set_yticklabels(_LABELS)
    ax.legend(loc="lower right", fontsize="x-small")
    return fig, ax, {"bound": (r.fpr, r.tpr), "pair": (r.fpr, r.tpr_epsilon_delta), "tpr_at": dict(r.tpr_at)}
