"""Plots of bias in knowledge-graph embeddings (notebook 33): mitigation vs link prediction, and b_p per profession.

Both take ``ax=None`` and return ``(fig, ax, data)``; intervals are the 95 % seed intervals.
"""

from __future__ import annotations

import numpy as np

from trustlab.fairness.kg.bias import SCALE
from trustlab.plotting import OKABE_ITO, PALETTE, figure_axes, two_axes
from trustlab.stats import mean_ci

__all__ = ["plot_kg_bias", "plot_profession_bias"]

_B_P_LABEL = "b_p ×10⁻³: score change after one step toward 'Male' (α = 0.01)"
_PROFESSION_LABEL = "profession (share of women in the graph)"


def _ci(values):
    iv = mean_ci(values)
    return iv.mean, 0.0 if np.isnan(iv.half_width) else iv.half_width


def plot_profession_bias(result, ax=None, *, highlight=None):
    """Fisher et al.'s b_p (×10⁻³) per profession with 95 % seed intervals, ranked.

    Returns ``(fig, ax, data)`` with ``data["b_p"]`` (profession → seed mean).
    """
    fig, ax = figure_axes(ax, figsize=(5.8, 4.2))
    t = result.table
    shift = float(result.shift.mean() * SCALE)
    colours = [OKABE_ITO["vermillion"] if occ == highlight else
               (OKABE_ITO["blue"] if b >= shift else OKABE_ITO["orange"])
               for occ, b in zip(t.index, t["b_p"])]
    y = np.arange(len(t))
    ax.barh(y, t["b_p"], color=colours)
    ax.errorbar(t["b_p"], y, xerr=t["±"].fillna(0), fmt="none", ecolor=OKABE_ITO["black"],
                color=OKABE_ITO["black"], capsize=2)
    ax.axvline(0, color=OKABE_ITO["black"], linewidth=0.8)
    ax.axvline(shift, color=OKABE_ITO["black"], linestyle="--", linewidth=0.8,
               label=f"mean over professions (shift) {shift:+.1f}")
    ax.set_yticks(y, [f"{o} ({100 * f:.0f}% women)" for o, f in zip(t.index, t["female_share"])],
                  fontsize="x-small")
    ax.set_xlabel(_B_P_LABEL)
    ax.set_ylabel(_PROFESSION_LABEL)
    ax.set_title(f"w_KL={result.kl_weight:g}, twins={result.counterfactual_share:g} "
                 f"({len(result.seeds)} seeds)")
    ax.legend(loc="lower right", fontsize="x-small")
    return fig, ax, {"b_p": t["b_p"].to_dict(), "shift": shift, "selected": highlight}


def plot_kg_bias(point, ax=None):
    """Left: b_p spread vs MRR of every shipped setting (and a live run); right: b_p of this one.

    ``point`` is a ``KGPoint``. Returns ``(fig, (ax_tradeoff, ax_bias), data)``.
    """
    fig, left, right = two_axes(ax, figsize=(11.5, 4.4), bottom=0.13)
    ws = sorted({k[0] for k in point.sweep})
    pts = {}
    for (w, cf), r in sorted(point.sweep.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        (x, dx), (y, dy) = _ci(r.mrr), _ci(r.spread * SCALE)
        pts[(w, cf)] = (x, y)
        # Colour: w_KL; shape: without (circle) or with (square) the CDA-style twins.
        left.errorbar([x], [y], xerr=[dx], yerr=[dy], fmt="s" if cf else "o", markersize=6,
                      color=PALETTE[ws.index(w) % len(PALETTE)], capsize=2,
                      label=f"w_KL={w:g}" if cf == 0 else None)
    pop = next(iter(point.sweep.values())).popularity["mrr"]
    left.axvline(pop, color=OKABE_ITO["black"], linestyle=":", linewidth=1,
                 label="popularity baseline")
    shown = {}
    for name, r, marker in (("grid", point.result, "o"), ("now", point.live, "*")):
        if r is not None:
            (x, _), (y, _) = _ci(r.mrr), _ci(r.spread * SCALE)
            shown[name] = (x, y)
            left.scatter([x], [y], s=260 if marker == "*" else 170, marker=marker,
                         facecolors="none", edgecolors=OKABE_ITO["black"], linewidths=2,
                         label="computed now" if name == "now" else "selected")
    left.set_xlabel("MRR of hidden occupations (higher is better)")
    left.set_ylabel("b_p spread over professions (score change ×10⁻³)")
    left.set_title("Mitigation vs link prediction (squares: CDA-style twins)")
    left.legend(loc="best", fontsize="x-small")
    detail = point.shown
    if detail is not None:
        plot_profession_bias(detail, right, highlight=point.occupation)
    else:
        # An empty, labelled panel: the setting has no shipped result until computed.
        right.set_xticks([])
        right.set_yticks([])
        right.set_xlabel(_B_P_LABEL)
        right.set_ylabel(_PROFESSION_LABEL)
        right.set_title(f"w_KL={point.kl_weight:g}: not in the shipped grid; compute it to see b_p")
    fig.subplots_adjust(left=0.06, wspace=0.75)
    data = {"points": pts, "shown": shown, "selected": point.occupation,
            "b_p": None if detail is None else detail.table["b_p"].to_dict()}
    return fig, (left, right), data
