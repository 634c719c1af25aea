"""Plots of counterfactual role reversal (notebook 31): the students' trade-offs and polarity.

Each takes ``ax=None`` and returns ``(fig, ax, data)``.
"""

from __future__ import annotations

from trustlab.plotting import OKABE_ITO, figure_axes, two_axes

__all__ = ["plot_polarity", "plot_role_reversal"]


def _two_axes(ax):
    return two_axes(ax, figsize=(10.4, 3.8), wspace=0.28, bottom=0.15)


_MODE_COLOURS = {"none": OKABE_ITO["black"], "mean": OKABE_ITO["blue"], "max": OKABE_ITO["orange"],
                 "expmean": OKABE_ITO["green"]}


def plot_role_reversal(result, ax=None):
    """The trade-offs of role reversal across the whole sweep, with ``result``'s student ringed.

    Left: mean |gender polarity| against held-out perplexity (intrinsic bias vs utility).
    Right: mean |polarity| against the bio classifier's mean |TPR gap| (intrinsic vs extrinsic).
    Marker size grows with the swap ratio; the star is the teacher.
    Returns ``(fig, (ax_left, ax_right), data)``.
    """
    fig, left, right = _two_axes(ax)
    records, t = result.sweep["records"], result.teacher
    data = {"records": records}
    for axis, key, label in ((left, "perplexity", "perplexity on held-out text (lower = better)"),
                             (right, "mean_abs_tpr_gap", "bio classifier: mean |TPR gap| (women − men)")):
        for mode, colour in _MODE_COLOURS.items():
            rows = [r for r in records if r["mode"] == mode]
            axis.scatter([r["mean_abs_polarity"] for r in rows], [r[key] for r in rows],
                         s=[20 + 80 * r["swap_ratio"] for r in rows], color=colour, alpha=0.8,
                         label=f"teacher probs: {mode}")
        axis.scatter([t["mean_abs_polarity"]], [t[key]], marker="*", s=160,
                     color=OKABE_ITO["vermillion"], label="teacher")
        axis.scatter([result.record["mean_abs_polarity"]], [result.record[key]], s=260,
                     facecolors="none", edgecolors=OKABE_ITO["vermillion"], linewidths=2)
        axis.set_xlabel("mean |gender polarity| of next-word predictions (0 = balanced)")
        axis.set_ylabel(label)
    left.set_title("Intrinsic bias vs utility (size = swap ratio)")
    right.set_title("Intrinsic vs extrinsic bias")
    left.legend(loc="upper right", fontsize="small")
    return fig, (left, right), data


def plot_polarity(result, ax=None):
    """Gender polarity per occupation (teacher and one student) against the share of women.

    Returns ``(fig, ax, data)`` with the per-occupation values.
    """
    from trustlab.fairness.counterfactual.corpus import female_share

    fig, ax = figure_axes(ax)
    shares = female_share()
    occs = sorted(shares, key=shares.get)
    x = [100 * shares[o] for o in occs]
    teacher = [result.teacher["polarity"][o] for o in occs]
    student = [result.record["polarity"][o] for o in occs]
    ax.plot(x, teacher, "*", color=OKABE_ITO["vermillion"], markersize=9, label="teacher")
    ax.plot(x, student, "o", color=OKABE_ITO["blue"],
            label=f"student ({result.mode}, swap ratio {result.swap_ratio:g})")
    for o, xi, yi in zip(occs, x, teacher):
        if o in ("carpenter", "lawyer", "editor", "teacher", "secretary"):
            right = xi > 70  # label to the left near the right edge, so it is not cut off
            ax.annotate(o, (xi, yi), textcoords="offset points", xytext=(-6 if right else 6, 4),
                        ha="right" if right else "left", fontsize="small")
    ax.axhline(0, color=OKABE_ITO["black"], lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("women in the occupation (%, BLS)")
    ax.set_ylabel("P(he, his) − P(she, her) after prompt")
    ax.set_title("Gender polarity of next-word predictions per occupation")
    ax.legend(loc="lower left", fontsize="small")
    return fig, ax, {"occupations": occs, "share": x, "teacher": teacher, "student": student}
