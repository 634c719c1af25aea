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
    """APS and mean counterfactual gap against the swap ratio (two y-axes share the x-axis).

    Seed means with 95 % intervals (error bars). Returns ``(fig, ax, data)``.
    """
    fig, ax = figure_axes(ax)
    t = result.table
    ax.errorbar(t.swap_ratio, t.aps, yerr=t.aps_ci.fillna(0), fmt="o-", capsize=3,
                color=PALETTE[0], label="APS (left axis)")
    ax.set_xlabel("counterfactual augmentation: share of training bios swapped")
    ax.set_ylabel("APS (mean |dp/dx · v|)")
    twin = ax.twinx()
    twin.errorbar(t.swap_ratio + 0.01, t.ctf, yerr=t.ctf_ci.fillna(0), fmt="s--", capsize=3,
                  color=PALETTE[1], label="counterfactual gap (right)")
    twin.set_ylabel("mean |p(x) − p(swapped x)|")
    twin.grid(False)
    r = result.correlations()
    ax.set_title(f"Two views of gender leakage ({len(result.seeds)} seeds, 95 % intervals): "
                 f"r(APS, CTF) = {r.mean():.2f}")
    lines = ax.get_lines()[:1] + twin.get_lines()[:1]
    ax.legend(lines, ["APS (left axis)", "counterfactual gap (right)"], loc="upper right",
              fontsize="small")
    return fig, ax, {"swap_ratio": t.swap_ratio.tolist(), "aps": t.aps.tolist(),
                     "ctf": t.ctf.tolist()}


def plot_intrinsic_extrinsic(point, ax=None, *, intrinsic="weat", extrinsic="tpr_gap"):
    """Scatter of the study's variants: intrinsic score (x) vs extrinsic score (y), one highlighted.

    ``point`` is a ``StudyPoint`` (or a ``StudyResult``: nothing highlighted). Extrinsic scores
    are seed means with 95 % intervals (error bars).
    """
    from trustlab.stats import mean_ci

    fig, ax = figure_axes(ax)
    study = getattr(point, "study", point)
    rows = study.rows
    labels = {"weat": "WEAT effect size d (career/family vs male/female terms)",
              "direct_bias": "direct bias: mean |cos(profession, g)|",
              "tpr_gap": "TPR gap women − men (RMS over professions)",
              "aps": "APS (mean |dp/dx · v|)",
              "ctf": "counterfactual gap: mean |p(x) − p(swapped x)|"}
    for i, skew in enumerate(sorted({r["corpus_skew"] for r in rows})):
        sub = [r for r in rows if r["corpus_skew"] == skew]
        cis = [mean_ci(r[extrinsic]) for r in sub]
        ax.errorbar([r[intrinsic] for r in sub], [c.mean for c in cis],
                    yerr=[0 if np.isnan(c.half_width) else c.half_width for c in cis], fmt="o",
                    capsize=2, color=PALETTE[i % len(PALETTE)], label=f"corpus skew {skew:g}")
    r = study.correlations(intrinsic, extrinsic)
    data = {"x": [row[intrinsic] for row in rows], "y": [float(np.mean(row[extrinsic])) for row in rows],
            "r": float(r.mean())}
    if hasattr(point, "row"):
        sel = point.row
        ax.scatter([sel[intrinsic]], [np.mean(sel[extrinsic])], s=160, facecolors="none",
                   edgecolors=OKABE_ITO["black"], linewidths=2,
                   label="computed now" if getattr(point, "live", False) else "selected variant")
        data["selected"] = (float(sel[intrinsic]), float(np.mean(sel[extrinsic])))
    ax.set_xlabel(labels[intrinsic])
    ax.set_ylabel(labels[extrinsic])
    ax.set_title(f"{len(rows)} embedding variants: Pearson r = {r.mean():.2f} "
                 f"(per seed {r.min():.2f} to {r.max():.2f})")
    ax.legend(loc="best", fontsize="x-small")
    return fig, ax, data
