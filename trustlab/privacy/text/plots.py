"""Plots of metric-DP text rewriting (notebook 14): where a word goes, by distance, and what rewriting costs.

Each takes ``ax=None`` and returns ``(fig, ax, data)``.
"""

from __future__ import annotations

import numpy as np

from trustlab.plotting import OKABE_ITO, figure_axes

__all__ = ["plot_release_by_distance", "plot_substitutions", "plot_text_utility"]


def plot_substitutions(result, ax=None):
    """Where one word goes under metric-DP rewriting: its most likely outputs at one ε, with distances.

    ``result`` is a :class:`~trustlab.privacy.text.explore.TextRewritingResult`; bars are the
    estimated P[M(word) = ŵ] from its ``n_draws`` draws, the word itself in blue, each output
    labelled with its distance d from the word.
    """
    from trustlab.privacy.text.explore import FAR, NEAR

    fig, ax = figure_axes(ax)
    words = [w for w, _, _ in result.substitutes]
    probs = np.array([p for _, p, _ in result.substitutes])
    dists = [d for _, _, d in result.substitutes]
    colours = [OKABE_ITO["blue"] if w == result.word else OKABE_ITO["orange"] for w in words]
    y = np.arange(len(words))[::-1]
    ax.barh(y, probs, color=colours)
    ax.set_yticks(y, [f"{w} (d={d:.2f})" for w, d in zip(words, dists)])
    ax.set_ylabel("output word ŵ (distance from the word)")
    for yi, p in zip(y, probs):
        ax.text(p, yi, f" {p:.3f}", va="center", fontsize="small")
    ax.set_xlim(0, 1.15)
    ax.set_xlabel(f"estimated probability of the output ({result.n_draws:,} draws)")
    ax.set_title(f"'{result.word}' rewritten at ε = {result.epsilon:g} (E‖z‖ = "
                 f"{result.expected_noise_norm:.2f}): P(d < {NEAR:g}) = {result.p_near:.2f}, "
                 f"P(d ≥ {FAR:g}) = {result.p_far:.3f}")
    data = {"words": words, "probability": probs, "distance": dists, "p_near": result.p_near,
            "p_far": result.p_far}
    return fig, ax, data


def plot_release_by_distance(profile, marks=(), ax=None):
    """P(release) of one word per output word, against the output's distance from it, at each ε.

    ``profile`` is a :class:`~trustlab.privacy.text.guarantee.DistanceProfile`; each line is the
    mean probability of a word in each distance bin (log scale; a bin with no release is left
    out). ``marks`` are words whose distance is drawn as a labelled vertical line; the farthest
    vocabulary word is always marked.
    """
    from trustlab.privacy.text.vectors import load_word_vectors

    fig, ax = figure_axes(ax)
    edges = np.array(profile.bins)
    centres = (edges[:-1] + edges[1:]) / 2
    centres[0] = 0.0
    colours = [OKABE_ITO[c] for c in ("blue", "vermillion", "green", "purple")]
    for colour, eps, row in zip(colours, profile.epsilons, profile.per_word):
        shown = row > 0
        ax.plot(centres[shown], row[shown], "o-", color=colour, label=f"ε = {eps:g}")
    wv = load_word_vectors()
    lines = [(w, wv.distance(profile.word, w)) for w in marks] + [profile.farthest]
    for k, (w, d) in enumerate(lines):
        ax.axvline(d, color=OKABE_ITO["black"], lw=0.8, ls=":")
        ax.annotate(f"{w} ({d:.2f})", (d, 0.95 - 0.08 * k), xycoords=("data", "axes fraction"),
                    fontsize="x-small", ha="right", rotation=0)
    ax.set_yscale("log")
    ax.set_xlim(-0.05, 2.0)
    ax.set_xlabel(f"distance d of the output word from '{profile.word}' (unit vectors: 1.41 = orthogonal)")
    ax.set_ylabel("P(release) per word (log scale)")
    ax.set_title(f"Where '{profile.word}' goes: the nearer a word, the likelier a release "
                 f"({profile.n_draws:,} draws per ε)")
    ax.legend(loc="lower left", fontsize="small")
    return fig, ax, {"distance": centres, "per_word": profile.per_word, "marks": lines}


def plot_text_utility(sweep, epsilon=None, ax=None):
    """Intent accuracy of a classifier trained on rewritten text against ε (a ``UtilitySweep``),
    mean over the seeds with its 95 % interval as bars."""
    from trustlab.stats import mean_ci

    fig, ax = figure_axes(ax)
    eps = np.array(sweep.epsilons)
    intervals = [mean_ci(a) for a in sweep.accuracies]
    acc, half = np.array([iv.mean for iv in intervals]), np.array([iv.half_width for iv in intervals])
    ax.errorbar(eps, acc, yerr=half, fmt="o-", color=OKABE_ITO["blue"], capsize=3,
                label=f"trained on rewritten text ({len(sweep.seeds)} seeds)")
    ax.axhline(sweep.baseline, color=OKABE_ITO["black"], ls="--", lw=1,
               label=f"no rewriting ({sweep.baseline:.2f})")
    if epsilon is not None:
        ax.axvline(epsilon, color=OKABE_ITO["vermillion"], ls=":", label=f"ε = {epsilon:g}")
    ax.set_xscale("log")
    ax.set_xticks(eps, [f"{e:g}" for e in eps], minor=False)
    ax.minorticks_off()
    ax.set_xlabel("ε per unit of embedding distance (log scale; larger = less noise)")
    ax.set_ylabel("intent accuracy on original text")
    ax.set_ylim(0, 1.05)
    ax.set_title("Utility of metric-DP rewritten training text (7 intents)")
    ax.legend(loc="lower right")
    return fig, ax, {"epsilon": eps, "accuracy": acc, "half_width": half, "baseline": sweep.baseline}
