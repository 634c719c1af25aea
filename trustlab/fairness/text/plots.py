"""Plots of bias in text models (notebook 32): projections, APS vs CTF, intrinsic vs extrinsic.

Each takes ``ax=None`` and returns ``(fig, ax, data)``.
"""

from __future__ import annotations

import numpy as np

from trustlab.plotting import OKABE_ITO, PALETTE, figure_axes, two_axes

__all__ = ["plot_aps_vs_ctf", "plot_gender_projection", "plot_intrinsic_extrinsic"]


def _two_axes(ax):
    return two_axes(ax, figsize=(11.5, 4.2), bottom=0.14)


def plot_gender_projection(words, scores, ax=None, *, title="Professions on the she–he direction"):
    """Horizontal bars: cos(word, g) per word, + toward "she". Returns ``data`` = {word: score}."""
    fig, ax = figure_axes(ax, figsize=(6.4, 0.22 * len(words) + 1.2))
    order = np.argsort(scores)
    vals = np.asarray(scores)[order]
    labels = [words[i] for i in order]
    colours = [OKABE_ITO["vermillion"] if v > 0 else OKABE_ITO["blue"] for v in vals]
    ax.barh(np.arange(len(vals)), vals, color=colours)
    ax.set_yticks(np.arange(len(vals)), labels, fontsize="small")
    ax.set_ylabel("word")
    ax.axvline(0, color=OKABE_ITO["black"], lw=0.8)
    ax.set_xlabel("cosine with the gender direction g (+ she, − he)")
    ax.set_title(title)
    return fig, ax, dict(zip(labels, vals.tolist()))


def plot_aps_vs_ctf(result, ax=None):
    """APS and mean counterfactual gap against the swap ratio (two y-axes share the x-axis)."""
    fig, ax = figure_axes(ax)
    t = result.table
    ax.plot(t.swap_ratio, t.aps, "o-", color=PALETTE[0], label="APS (left axis)")
    ax.set_xlabel("counterfactual augmentation: share of training bios swapped")
    ax.set_ylabel("APS (mean |dp/dx · v|)")
    twin = ax.twinx()
    twin.plot(t.swap_ratio, t.ctf, "s--", color=PALETTE[1], label="counterfactual gap (right)")
    twin.set_ylabel("mean |p(x) − p(swapped x)|")
    twin.grid(False)
    ax.set_title(f"Two views of gender leakage: r(APS, CTF) = {result.correlation():.2f}")
    lines = ax.get_lines() + twin.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="upper right", fontsize="small")
    return fig, ax, {"swap_ratio": t.swap_ratio.tolist(), "aps": t.aps.tolist(),
                     "ctf": t.ctf.tolist()}


def plot_intrinsic_extrinsic(point, ax=None, *, intrinsic="weat", extrinsic="tpr_gap"):
    """Scatter of the study's variants: intrinsic score (x) vs extrinsic score (y), one highlighted.

    ``point`` is a ``StudyPoint`` (or a ``StudyResult``: nothing highlighted).
    """
    fig, ax = figure_axes(ax)
    study = getattr(point, "study", point)
    t = study.table
    labels = {"weat": "WEAT effect size d (career/family vs male/female terms)",
              "direct_bias": "direct bias: mean |cos(profession, g)|",
              "tpr_gap": "TPR gap women − men (RMS over professions)",
              "aps": "APS (mean |dp/dx · v|)",
              "ctf": "counterfactual gap: mean |p(x) − p(swapped x)|"}
    for i, skew in enumerate(sorted(t.corpus_skew.unique())):
        sub = t[t.corpus_skew == skew]
        ax.scatter(sub[intrinsic], sub[extrinsic], color=PALETTE[i % len(PALETTE)], s=30,
                   label=f"corpus skew {skew:g}")
    data = {"x": t[intrinsic].tolist(), "y": t[extrinsic].tolist(),
            "r": study.correlation(intrinsic, extrinsic)}
    if hasattr(point, "row"):
        r = point.row
        ax.scatter([r[intrinsic]], [r[extrinsic]], s=160, facecolors="none",
                   edgecolors=OKABE_ITO["black"], linewidths=2, label="selected variant")
        data["selected"] = (float(r[intrinsic]), float(r[extrinsic]))
    ax.set_xlabel(labels[intrinsic])
    ax.set_ylabel(labels[extrinsic])
    ax.set_title(f"{len(t)} embedding variants: Pearson r = {data['r']:.2f}")
    ax.legend(loc="best", fontsize="x-small")
    return fig, ax, data
