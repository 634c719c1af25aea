"""Plots of group fairness (notebook 30): metrics per group, sampling bias, DP's disparate impact.

Each takes ``ax=None`` and returns ``(fig, ax, data)``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FormatStrFormatter, NullLocator

from trustlab.plotting import OKABE_ITO, PALETTE, figure_axes, two_axes

__all__ = ["plot_disparate_impact", "plot_group_metrics", "plot_sampling_bias"]


def _two_axes(ax):
    return two_axes(ax, figsize=(10.4, 3.8), wspace=0.28, bottom=0.15)


def plot_group_metrics(metrics, ax=None, *, title="Metrics per group"):
    """Grouped bars: selection rate, TPR, FPR and accuracy for each group of a ``GroupMetrics``.

    An undefined rate (TPR of a group with no positives, FPR of one with no negatives) gets no
    bar but the word "undefined" where it would stand, never a bar at 0.
    Returns ``(fig, ax, data)`` with ``data`` the plotted table (groups × metrics).
    """
    fig, ax = figure_axes(ax)
    table = metrics.table[["selection_rate", "tpr", "fpr", "accuracy"]]
    labels = {"selection_rate": "selection rate", "tpr": "TPR", "fpr": "FPR",
              "accuracy": "accuracy"}
    width = 0.8 / len(table)
    x = np.arange(table.shape[1])
    for i, (group, row) in enumerate(table.iterrows()):
        xs, heights = x + (i - (len(table) - 1) / 2) * width, row.to_numpy(dtype=float)
        ax.bar(xs, np.nan_to_num(heights), width, color=PALETTE[i % len(PALETTE)], label=str(group))
        for xi in xs[np.isnan(heights)]:
            ax.text(xi, 0.02, "undefined", rotation=90, ha="center", va="bottom",
                    fontsize="x-small", color=PALETTE[i % len(PALETTE)])
    ax.set_xticks(x, [labels[c] for c in table.columns])
    ax.set_xlabel("metric")
    ax.set_ylim(0, 1)
    ax.set_ylabel("rate (fraction of rows)")
    why = metrics.why_undefined() if hasattr(metrics, "why_undefined") else ""
    ax.set_title(title if not why else f"{title}\n{why}", fontsize=None if not why else "small")
    ax.legend(loc="upper left", fontsize="small")
    return fig, ax, table


def plot_sampling_bias(result, ax=None):
    """Survey estimate vs sampling skew (left) and the model's metrics per group (right).

    Left: the expected estimate for every skew (large-population formula), the true rate,
    this sample's raw and post-stratified estimates. Right: :func:`plot_group_metrics` of the
    model trained on the sample and evaluated on the whole population.
    Returns ``(fig, (ax_estimate, ax_groups), data)``.
    """
    from trustlab.fairness.groups.sampling import expected_estimate

    fig, left, right = _two_axes(ax)
    r = result
    skews = np.geomspace(0.02, 50, 120)
    curve = np.array([expected_estimate(r.group_rates, r.population_share, s, r.oversampled)
                      for s in skews])
    left.plot(skews, curve, color=OKABE_ITO["blue"], label="expected raw estimate")
    left.axhline(r.true_rate, color=OKABE_ITO["black"], ls="--", lw=1,
                 label=f"population P(>50K) = {r.true_rate:.3f}")
    left.plot([r.skew], [r.estimate], "o", color=OKABE_ITO["vermillion"], markersize=8,
              label=f"this sample: {r.estimate:.3f}")
    left.plot([r.skew], [r.reweighted_estimate], "s", color=OKABE_ITO["green"], markersize=7,
              label=f"reweighted: {r.reweighted_estimate:.3f}")
    left.set_xscale("log")
    # Minor log ticks triple the render time; the explorer redraws on every move.
    left.xaxis.set_minor_locator(NullLocator())
    left.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    left.set_xlabel(f"skew: how much likelier a '{r.oversampled}' row is drawn (log)")
    left.set_ylabel("estimated P(income > 50K)")
    left.set_title(f"Survey of {r.n_sample:,} people from Adult")
    left.legend(loc="upper left", fontsize="small")
    shares = ", ".join(f"{g} {100 * s:.0f}%" for g, s in r.sample_share.items())
    plot_group_metrics(r.metrics, right, title=f"Model trained on the sample ({shares})")
    right.set_xlabel("metric (model evaluated on all 45,222 people)")
    data = {"skew": skews, "expected": curve, "point": (r.skew, r.estimate),
            "reweighted": r.reweighted_estimate, "table": r.metrics.table}
    return fig, (left, right), data


def plot_disparate_impact(result, ax=None):
    """Accuracy per group in each setting (non-private, clipping only, DP-SGD at each ε).

    ``result`` is a ``DisparateImpactResult`` or a ``DisparateImpactPoint`` (its setting is
    marked). Points are seed means with 95 % intervals as error bars.
    Returns ``(fig, ax, data)``; ``data`` maps each group to its mean accuracies.
    """
    from trustlab.stats import mean_ci

    fig, ax = figure_axes(ax)
    if hasattr(result, "sweep"):
        ax.axvspan(result.index - 0.3, result.index + 0.3, color=OKABE_ITO["yellow"], alpha=0.3)
        result = result.sweep
    x = np.arange(len(result.labels))
    data = {}
    for i, group in enumerate(result.groups):
        cis = [mean_ci(v) for v in result.per_seed[group]]
        mean = np.array([c.mean for c in cis])
        half = np.nan_to_num([c.half_width for c in cis])
        data[group] = mean.tolist()
        ax.errorbar(x + (i - (len(result.groups) - 1) / 2) * 0.06, mean * 100, yerr=half * 100,
                    fmt="o-", capsize=3, color=PALETTE[i % len(PALETTE)],
                    label=f"{group} ({result.train_counts[group]:,} training rows)")
    ticks = []
    for lab, sigma, eps in zip(result.labels, result.noise_multipliers, result.epsilons):
        ticks.append(lab if sigma is None else
                     f"{lab}\nσ=0, ε=∞" if eps is None else f"{lab}\nσ={sigma:.2f}")
    ax.set_xticks(x, ticks)
    ax.set_xlabel(f"training setting: noise σ and ε (clipping norm C = {result.max_grad_norm:g}, "
                  f"δ = {result.delta:g}); {len(result.seeds)} seeds, 95 % intervals")
    ax.set_ylabel("accuracy (or TPR) in the group (%)")
    ax.set_ylim(-2, 102)
    fig.subplots_adjust(bottom=0.24)
    ax.set_title(result.title)
    ax.legend(loc="lower center", ncol=2, fontsize="x-small")
    return fig, ax, data
