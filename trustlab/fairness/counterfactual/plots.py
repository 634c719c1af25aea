"""Plots of counterfactual role reversal (notebook 31): the students' trade-offs and polarity.

Each takes ``ax=None`` and returns ``(fig, ax, data)``.
"""

from __future__ import annotations

import numpy as np

from trustlab.plotting import OKABE_ITO, figure_axes, two_axes
from trustlab.stats import mean_ci

__all__ = ["plot_polarity", "plot_role_reversal"]


def _two_axes(ax):
    return two_axes(ax, figsize=(10.4, 3.8), wspace=0.28, bottom=0.15)


def _ci(values):
    iv = mean_ci(values)
    return iv.mean, 0.0 if np.isnan(iv.half_width) else iv.half_width


_MODE_COLOURS = {"none": OKABE_ITO["black"], "mean": OKABE_ITO["blue"], "max": OKABE_ITO["orange"],
                 "expmean": OKABE_ITO["green"]}


def plot_role_reversal(result, ax=None):
    """The trade-offs of role reversal across the whole sweep, with ``result``'s student ringed.

    Left: mean |gender polarity| against held-out perplexity (intrinsic bias vs utility).
    Right: mean |polarity| against the bio classifier's mean |TPR gap| (intrinsic vs extrinsic).
    Points are seed means with 95 % intervals on both axes; marker size grows with the swap
    ratio; the star is the teacher. Returns ``(fig, (ax_left, ax_right), data)``.
    """
    fig, left, right = _two_axes(ax)
    records, t = result.sweep["records"], result.teacher
    data = {"records": records}
    for axis, key, label in ((left, "perplexity", "perplexity on held-out text (lower = better)"),
                             (right, "mean_abs_tpr_gap", "bio classifier: mean |TPR gap| (women − men)")):
        for mode, colour in _MODE_COLOURS.items():
            rows = [r for r in records if r["mode"] == mode]
            xs = [_ci(r["mean_abs_polarity"]) for r in rows]
            ys = [_ci(r[key]) for r in rows]
            axis.errorbar([x[0] for x in xs], [y[0] for y in ys], xerr=[x[1] for x in xs],
                          yerr=[y[1] for y in ys], fmt="none", ecolor=colour, alpha=0.4)
            axis.scatter([x[0] for x in xs], [y[0] for y in ys],
                         s=[20 + 80 * r["swap_ratio"] for r in rows], color=colour, alpha=0.8,
                         label=f"teacher probs: {mode}")
        (tx, txe), (ty, tye) = _ci(t["mean_abs_polarity"]), _ci(t[key])
        axis.errorbar([tx], [ty], xerr=[txe], yerr=[tye], fmt="*", markersize=12,
                      color=OKABE_ITO["vermillion"], label="teacher")
        (rx, _), (ry, _) = _ci(result.record["mean_abs_polarity"]), _ci(result.record[key])
        axis.scatter([rx], [ry], s=260, facecolors="none", edgecolors=OKABE_ITO["vermillion"],
                     linewidths=2)
        axis.set_xlabel("mean |gender polarity| of next-word predictions (0 = balanced)")
        axis.set_ylabel(label)
    n = len(t["perplexity"])
    left.set_title(f"Intrinsic bias vs utility ({n} seeds, 95 % intervals)")
    right.set_title("Intrinsic vs extrinsic bias")
    left.legend(loc="upper right", fontsize="small")
    return fig, (left, right), data


def plot_polarity(result, ax=None):
    """Gender polarity per occupation (teacher, its corpus and one student) against the share of
    women; seed means with 95 % intervals.

    Returns ``(fig, ax, data)`` with the per-occupation means.
    """
    from trustlab.fairness.counterfactual.corpus import female_share

    fig, ax = figure_axes(ax)
    shares = female_share()
    occs = sorted(shares, key=shares.get)
    x = np.array([100 * shares[o] for o in occs])
    data = {"occupations": occs, "share": x.tolist()}
    series = [("teacher", result.teacher["polarity"], "*", OKABE_ITO["vermillion"], -0.6),
              (f"student ({result.mode}, swap ratio {result.swap_ratio:g})",
               result.record["polarity"], "o", OKABE_ITO["blue"], 0.6)]
    corpus = result.sweep.get("corpus_polarity")
    if corpus:
        series.append(("the teacher's corpus (counted)", corpus, "_", OKABE_ITO["black"], 0.0))
    for label, values, marker, colour, shift in series:
        cis = [_ci(values[o]) for o in occs]
        ax.errorbar(x + shift, [c[0] for c in cis], yerr=[c[1] for c in cis], fmt=marker,
                    color=colour, markersize=8, capsize=2, label=label)
        data[label.split(" (")[0]] = [c[0] for c in cis]
    ax.plot([0, 100], [1, -1], color=OKABE_ITO["black"], lw=0.6, ls=":",
            label="1 − 2 × share (pronouns follow the share)")
    ax.axhline(0, color=OKABE_ITO["black"], lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("women in the occupation (%, BLS)")
    ax.set_ylabel("P(he, his) − P(she, her) after prompt")
    ax.set_title(f"Gender polarity of next-word predictions per occupation "
                 f"({len(result.teacher['perplexity'])} seeds)")
    ax.legend(loc="lower left", fontsize="small")
    data["teacher"], data["student"] = data.pop("teacher"), data.pop("student")
    return fig, ax, data
