"""Plots of metric-DP text rewriting (notebook 14): where a word goes, and what rewriting costs.

Each takes ``ax=None`` and returns ``(fig, ax, data)``.
"""

from __future__ import annotations

import numpy as np

from trustlab.plotting import OKABE_ITO, figure_axes

__all__ = ["plot_substitutions", "plot_text_utility"]


def plot_substitutions(result, ax=None):
    """Where one word goes under metric-DP rewriting: its most likely outputs at one ε.

    ``result`` is a :class:`~trustlab.privacy.text.utility.TextRewritingResult`; bars are the
    estimated P[M(word) = ŵ] from its ``n_draws`` draws, the word itself in blue.
    """
    fig, ax = figure_axes(ax)
    words = [w for w, _ in result.substitutes]
    probs = np.array([p for _, p in result.substitutes])
    colours = [OKABE_ITO["blue"] if w == result.word else OKABE_ITO["orange"] for w in words]
    y = np.arange(len(words))[::-1]
    ax.barh(y, probs, color=colours)
    ax.set_yticks(y, words)
    ax.set_ylabel("output word ŵ")
    for yi, p in zip(y, probs):
        ax.text(p, yi, f" {p:.3f}", va="center", fontsize="small")
    ax.set_xlim(0, 1.15)
    ax.set_xlabel(f"estimated probability of the output ({result.n_draws:,} draws)")
    ax.set_title(f"'{result.word}' rewritten at ε = {result.epsilon:g} (E‖z‖ = "
                 f"{result.expected_noise_norm:.2f}): P(sausage) = {result.p_sausage:.3f}")
    data = {"words": words, "probability": probs, "p_sausage": result.p_sausage}
    return fig, ax, data


def plot_text_utility(sweep, epsilon=None, ax=None):
    """Intent accuracy of a classifier trained on rewritten text against ε (a ``UtilitySweep``)."""
    fig, ax = figure_axes(ax)
    eps, acc = np.array(sweep.epsilons), np.array(sweep.accuracy)
    ax.plot(eps, acc, "o-", color=OKABE_ITO["blue"], label="trained on rewritten text")
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
    return fig, ax, {"epsilon": eps, "accuracy": acc, "baseline": sweep.baseline}
