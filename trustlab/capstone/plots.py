"""The capstone's one figure: utility against privacy, fairness and attack success, frontier marked.

Three panels share the sweep: every setting is a grey dot, the settings that differ from the
current one only in the panel's own knob are joined in colour, the frontier (settings no other
beats on accuracy, ε and |TPR gap| at once) is ringed, and the current setting is a large marker.
"""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np

from trustlab.plotting import OKABE_ITO, STYLE, style_context

__all__ = ["plot_tradeoffs"]

_NO_DP = "no DP"


def _eps_x(eps, cap):
    """ε on the x axis: no DP (ε = ∞) drawn at ``cap``, a labelled tick."""
    return np.array([cap if math.isinf(e) else e for e in eps])


def _same_except(rows, point, knob):
    keep = [r for r in rows if all(getattr(r, k) == getattr(point, k)
                                   for k in ("noise_multiplier", "num_clients", "alpha", "group_resample")
                                   if k != knob)]
    return sorted(keep, key=lambda r: getattr(r, knob))


def plot_tradeoffs(result, ax=None):
    """Draw ``result`` (a :class:`~trustlab.capstone.frontier.TradeoffResult`) on three panels.

    Parameters
    ----------
    result : TradeoffResult
    ax : sequence of three matplotlib Axes, optional

    Returns
    -------
    (fig, axes, data) : ``data`` holds the plotted arrays (``epsilon_x``, ``accuracy``,
    ``tpr_gap``, ``attack_auc``, ``on_frontier``) and the current point's index.
    """
    rows, p = result.rows, result.point
    finite = [r.epsilon for r in rows if math.isfinite(r.epsilon)]
    cap = 2 * max(finite) if finite else 100.0
    eps_x = _eps_x([r.epsilon for r in rows], cap)
    acc = np.array([r.accuracy for r in rows])
    gap = np.array([r.tpr_gap for r in rows])
    auc = np.array([r.attack_auc for r in rows])
    front = np.asarray(result.on_frontier, bool)
    i = result.index
    if ax is None:
        with style_context():
            fig = mpl.figure.Figure(figsize=(12.0, 3.9), dpi=STYLE["figure.dpi"])
            axes = fig.subplots(1, 3)
            fig.subplots_adjust(left=0.06, right=0.99, bottom=0.16, top=0.86, wspace=0.3)
    else:
        axes = list(ax)
        fig = axes[0].figure
    grey, ring = "#BBBBBB", OKABE_ITO["black"]
    a_priv, a_fair, a_attack = axes
    for a in (a_priv, a_fair):
        a.axhline(result.majority_accuracy, color=ring, lw=0.8, ls="--",
                  label="always ≤50K (majority)")
    for a, x, y in ((a_priv, eps_x, acc), (a_fair, gap, acc)):
        a.scatter(x, y, s=14, color=grey, zorder=1, label="every setting")
        a.scatter(x[front], y[front], s=46, facecolors="none", edgecolors=ring, linewidths=0.9,
                  zorder=2, label="frontier")
    sigma_line = _same_except(rows, p, "noise_multiplier")  # drawn in the privacy and attack panels
    sigma_x = _eps_x([r.epsilon for r in sigma_line], cap)
    a_priv.plot(sigma_x, [r.accuracy for r in sigma_line], "-o", ms=4,
                color=OKABE_ITO["blue"], zorder=3, label="this setting, σ varied")
    a_priv.plot([eps_x[i]], [acc[i]], "*", ms=16, color=OKABE_ITO["vermillion"], zorder=4, label="current")
    a_priv.set_xscale("log")
    a_priv.minorticks_off()
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100) if t < cap / 1.5]
    a_priv.set_xticks(ticks + [cap], [str(t) for t in ticks] + [_NO_DP])
    a_priv.set(title="Utility vs privacy (lower ε: more private)", xlabel="client-level ε (δ = 1e-5)",
               ylabel="test accuracy (fraction)")
    a_priv.legend(fontsize="x-small", loc="lower right")

    line = _same_except(rows, p, "group_resample")
    a_fair.plot([r.tpr_gap for r in line], [r.accuracy for r in line], "-o", ms=4,
                color=OKABE_ITO["green"], zorder=3, label="this setting, resampling varied")
    a_fair.plot([gap[i]], [acc[i]], "*", ms=16, color=OKABE_ITO["vermillion"], zorder=4, label="current")
    a_fair.axvline(0, color=ring, lw=0.8, ls=":")
    a_fair.set(title="Utility vs fairness (0: equal TPR)", xlabel="TPR gap, men − women (fraction)",
               ylabel="test accuracy (fraction)")
    a_fair.legend(fontsize="x-small", loc="lower right")

    a_attack.errorbar(sigma_x, [r.attack_auc for r in sigma_line],
                      yerr=[2 * r.attack_auc_se for r in sigma_line],
                      fmt="-o", ms=4, capsize=2, color=OKABE_ITO["blue"], zorder=3,
                      label="measured attack (±2 SE)")
    a_attack.plot(sigma_x, [r.attack_auc_bound for r in sigma_line], "--", color=OKABE_ITO["orange"],
                  label="bound ε puts on any attack")
    a_attack.axhline(0.5, color=ring, lw=0.8, ls=":", label="guessing")
    a_attack.plot([eps_x[i]], [auc[i]], "*", ms=16, color=OKABE_ITO["vermillion"], zorder=4)
    a_attack.set_xscale("log")
    a_attack.minorticks_off()
    a_attack.set_xticks(ticks + [cap], [str(t) for t in ticks] + [_NO_DP])
    a_attack.set(title="Attack success vs privacy", xlabel="client-level ε (δ = 1e-5)",
                 ylabel="membership attack AUC", ylim=(0.45, 1.02))
    a_attack.legend(fontsize="x-small", loc="center right")
    data = {"epsilon_x": eps_x, "accuracy": acc, "tpr_gap": gap, "attack_auc": auc,
            "on_frontier": front, "index": i}
    return fig, axes, data
