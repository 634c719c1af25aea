"""Plots of DP from first principles and DP-SGD (notebooks 00, 10, 11).

Each takes ``ax=None`` and returns ``(fig, ax, data)``; text rewriting's plots are in
:mod:`trustlab.privacy.text.plots`.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import FormatStrFormatter, MaxNLocator, NullLocator

from trustlab.plotting import OKABE_ITO, figure_axes, two_axes
from trustlab.stats import mean_ci

__all__ = ["PUBLISHED_MNIST", "plot_dpsgd_point", "plot_mechanism", "plot_privacy_plan",
           "plot_privacy_utility", "plot_randomized_response", "plot_training_time"]


def plot_randomized_response(result, ax=None):
    """The privacy-accuracy trade-off of randomized response, with one survey marked.

    The curve is the 95 % margin of error of the estimate, 1.96·SE, against ε for the
    survey's size; the dot is this survey's actual error.
    """
    fig, ax = figure_axes(ax)
    n = result.n_respondents
    p = np.linspace(0.51, 0.99, 200)
    margin = 1.96 * np.sqrt(p * (1 - p) / n) / (2 * p - 1)  # rr_std_error, vectorized
    eps = np.log(p / (1 - p))
    ax.plot(eps, 100 * margin, color=OKABE_ITO["blue"], label="expected 95% margin of error")
    x = result.epsilon if math.isfinite(result.epsilon) else eps[-1]
    ax.plot([x], [100 * abs(result.error)], "o", color=OKABE_ITO["vermillion"], markersize=8,
            label=f"this survey: |error| = {100 * abs(result.error):.1f} points")
    ax.axvline(x, color=OKABE_ITO["black"], lw=0.8, ls=":")
    ax.set_xlabel("ε (privacy loss, nats; smaller = more deniable)")
    ax.set_ylabel("error of the estimate (percentage points)")
    ax.set_yscale("log")
    # Minor log ticks triple the render time; explorers redraw on every slider move.
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.set_title(f"Randomized response, {n:,} respondents, p_truth = {result.p_truth:.2f}")
    ax.legend(loc="upper right")
    data = {"epsilon": eps, "margin": margin, "point": (x, abs(result.error))}
    return fig, ax, data


def _two_axes(ax):
    return two_axes(ax, figsize=(9.6, 3.6), wspace=0.25)


def plot_mechanism(result, ax=None):
    """Output densities of a mechanism on D and D′ (left) and the privacy loss of each output (right).

    ``ax`` may be a pair of axes. The right panel marks ±ε: the Laplace loss stays inside the
    band for every output; the Gaussian loss leaves it in the tail (shaded, with P[loss > ε]),
    where δ = E[(1 − e^(ε − L))₊] pays for the overshoot.
    Returns ``(fig, (ax_density, ax_loss), data)``.
    """
    fig, ax_d, ax_l = _two_axes(ax)
    r = result
    ax_d.plot(r.y, r.density_d, color=OKABE_ITO["blue"], label=f"M(D), f(D) = {r.value_d:g}")
    ax_d.plot(r.y, r.density_d_prime, color=OKABE_ITO["orange"], ls="--",
              label=f"M(D′), f(D′) = {r.value_d_prime:g}")
    rug = r.samples[:50]
    ax_d.plot(rug, np.zeros_like(rug), "|", color=OKABE_ITO["black"], markersize=10, alpha=0.5,
              label="50 releases from D")
    ax_d.axvline(r.release, color=OKABE_ITO["vermillion"], lw=1.2, label=f"one release: {r.release:.2f}")
    ax_d.set_xlabel("released answer y (units of the query f)")
    ax_d.set_ylabel("probability density (per unit of y)")
    ax_d.set_title(f"{r.mechanism}: noise scale {r.scale:.2f}, ε = {r.epsilon:g}")
    ax_d.legend(loc="upper right", fontsize="small")
    above = r.loss > r.epsilon
    ax_l.plot(r.y, r.loss, color=OKABE_ITO["blue"], label="ln p_D(y) / p_D′(y)")
    ax_l.axhline(r.epsilon, color=OKABE_ITO["vermillion"], ls=":", label=f"±ε = ±{r.epsilon:g}")
    ax_l.axhline(-r.epsilon, color=OKABE_ITO["vermillion"], ls=":")
    if above.any():
        ax_l.fill_between(r.y, r.epsilon, r.loss, where=above, color=OKABE_ITO["vermillion"], alpha=0.3,
                          label=f"loss > ε: P = {r.tail_probability:.1e}, δ(ε) = {r.exact_delta:.1e}")
    ax_l.set_ylim(-2.5 * r.epsilon, 2.5 * r.epsilon)
    ax_l.set_xlabel("released answer y (units of the query f)")
    ax_l.set_ylabel("privacy loss (nats)")
    ax_l.set_title("privacy loss of each output")
    ax_l.legend(loc="upper right", fontsize="small")
    for a in (ax_d, ax_l):  # fewer ticks: an explorer redraws this figure on every move
        a.xaxis.set_major_locator(MaxNLocator(5))
        a.yaxis.set_major_locator(MaxNLocator(5))
    data = {"y": r.y, "density_d": r.density_d, "density_d_prime": r.density_d_prime, "loss": r.loss,
            "epsilon": r.epsilon, "release": r.release}
    return fig, (ax_d, ax_l), data


def plot_privacy_plan(result, ax=None):
    """ε against the number of DP-SGD steps: with Poisson sampling at rate q, and without (q = 1).

    The dot is the planned number of steps (RDP); a diamond marks the PRV ε when computed; in
    the inverse mode the dotted line is the target ε.
    """
    fig, ax = figure_axes(ax)
    r = result
    ax.plot(r.curve_steps, r.curve_epsilon, color=OKABE_ITO["blue"], label=f"sampling rate q = {r.sample_rate:.3g}")
    ax.plot(r.curve_steps, r.curve_full_batch, color=OKABE_ITO["orange"], ls="--",
            label="no sampling (q = 1): no amplification")
    ax.plot([r.steps], [r.epsilon], "o", color=OKABE_ITO["vermillion"], markersize=8,
            label=f"plan: ε = {r.epsilon:.2f} (RDP) after {r.steps:,} steps")
    if r.prv_epsilon is not None:
        ax.plot([r.steps], [r.prv_epsilon], "D", color=OKABE_ITO["green"], label=f"PRV: ε = {r.prv_epsilon:.2f}")
    if r.target_epsilon is not None:
        ax.axhline(r.target_epsilon, color=OKABE_ITO["black"], ls=":", lw=0.8,
                   label=f"target ε = {r.target_epsilon:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    # Minor log ticks triple the render time; explorers redraw on every slider move.
    ax.yaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain labels: mathtext is slow
    ax.set_xlabel("DP-SGD steps (log scale)")
    ax.set_ylabel(f"ε at δ = {r.delta:g} (log scale)")
    ax.set_title(f"Composition: ε grows with steps (noise multiplier σ = {r.noise_multiplier:.3f})")
    ax.legend(loc="upper left", fontsize="small")
    data = {"steps": r.curve_steps, "epsilon": r.curve_epsilon, "full_batch": r.curve_full_batch,
            "point": (r.steps, r.epsilon)}
    return fig, ax, data


#: Published DP-SGD results on MNIST (60,000 28×28 images: a different, larger dataset than
#: digits): (ε, test accuracy) at δ = 1e-5, as reported by Abadi et al. (2016, Section 5) and
#: by the README of Opacus' MNIST example (examples/mnist.py). Quoted, not computed here.
PUBLISHED_MNIST = {
    "Abadi et al. 2016 (MNIST)": [(0.5, 0.90), (2.0, 0.95), (8.0, 0.97)],
    "Opacus MNIST example": [(1.2, 0.946), (3.0, 0.968), (7.1, 0.971)],
}


def plot_dpsgd_point(point, grid, ax=None, legend=True):
    """Mean test accuracy against ε for every precomputed DP-SGD setting, with this one marked
    (bars: its 95 % interval over the seeds) and its training time with and without DP in the title.

    ``grid`` is the ``{(σ, C, batch, epochs): DPSGDPoint}`` dict of
    :func:`trustlab.privacy.dpsgd_sweep.load_dpsgd_grid`; the line joins the settings that
    differ from ``point`` only in the number of epochs (ε grows with every step), with their
    intervals. ``legend=False`` leaves the legend out (a third of the render time; explorers
    show it once as a caption instead).
    """
    from matplotlib.ticker import FixedLocator

    fig, ax = figure_axes(ax, figsize=(7.2, 3.8))
    pts = list(grid.values())
    # Line2D markers and fixed ticks: explorers redraw this on every move, and scatter
    # collections and log-axis minor tick labels dominate the render time.
    ax.plot([p.epsilon_rdp for p in pts], [p.test_accuracy for p in pts], ".", color="#BBBBBB",
            markersize=4, label="all precomputed settings")
    same = sorted((p for p in pts if (p.noise_multiplier, p.max_grad_norm, p.batch_size)
                   == (point.noise_multiplier, point.max_grad_norm, point.batch_size)),
                  key=lambda p: p.epochs)
    line_eps, line_acc = [p.epsilon_rdp for p in same], [p.test_accuracy for p in same]
    half = [p.interval.half_width for p in same]
    ax.errorbar(line_eps, line_acc, yerr=half, fmt="-", color=OKABE_ITO["blue"], capsize=2,
                label="this σ, C, batch: more epochs →")
    ax.errorbar([point.epsilon_rdp], [point.test_accuracy], yerr=[point.interval.half_width], fmt="o",
                color=OKABE_ITO["vermillion"], markersize=9, capsize=3,
                label=f"this setting: ε = {point.epsilon_rdp:.2f}")
    ax.axhline(point.plain_test_accuracy, color=OKABE_ITO["black"], lw=0.8, ls=":",
               label="same settings without DP (no clipping, lr 0.5)")
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator([0.3, 1, 3, 10, 30, 100, 300]))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("ε spent (RDP, δ = 1e-5; log scale)")
    ax.set_ylabel("test accuracy (digits)")
    ax.set_ylim(0, 1.02)
    n = len(point.test_accuracies)
    ax.set_title(f"DP-SGD on digits, {n} seeds (bars: 95 % interval). CPU time of {n} seeds: "
                 f"{point.cpu_seconds:.2f} s with DP, {point.plain_cpu_seconds:.2f} s without")
    if legend:
        ax.legend(loc="lower right", fontsize="small")
    data = {"epsilon": [p.epsilon_rdp for p in pts], "accuracy": [p.test_accuracy for p in pts],
            "line": (line_eps, line_acc), "line_half_width": half,
            "point": (point.epsilon_rdp, point.test_accuracy), "point_half_width": point.interval.half_width,
            "seconds": (point.plain_cpu_seconds, point.cpu_seconds)}
    return fig, ax, data


def plot_privacy_utility(records, baseline=None, anchors=True, ax=None):
    """Test accuracy against ε for each recipe (mean over seeds, bars: its 95 % interval), with
    the published MNIST anchors marked (a different dataset: compare shapes, not levels).

    ``records`` are the per-seed dicts of :func:`trustlab.privacy.dpsgd_sweep.load_privacy_utility`;
    ``baseline`` is the non-private accuracy, drawn as a dotted line. ``data[recipe]`` holds
    ``epsilon``, ``mean``, ``half_width`` and the per-seed ``accuracies``.
    """
    fig, ax = figure_axes(ax, figsize=(7.2, 4.2))
    data = {}
    colors = [OKABE_ITO[c] for c in ("vermillion", "blue", "green", "purple")]
    for color, recipe in zip(colors, dict.fromkeys(r["recipe"] for r in records)):
        eps = sorted({r["target_epsilon"] for r in records if r["recipe"] == recipe})
        accs = [[r["test_accuracy"] for r in records
                 if r["recipe"] == recipe and r["target_epsilon"] == e] for e in eps]
        intervals = [mean_ci(a) for a in accs]
        mean = [iv.mean for iv in intervals]
        half = [iv.half_width for iv in intervals]
        ax.errorbar(eps, mean, yerr=half, fmt="o-", color=color, capsize=3,
                    label=f"{recipe} (digits, ours, {len(accs[0])} seeds)")
        data[recipe] = {"epsilon": eps, "mean": mean, "half_width": half, "accuracies": accs}
    if anchors:
        for marker, (name, pairs) in zip(("s", "^"), PUBLISHED_MNIST.items()):
            ax.plot(*zip(*pairs), marker, color=OKABE_ITO["black"], fillstyle="none",
                    markersize=8, label=f"{name}: published")
    if baseline is not None:
        ax.axhline(baseline, color=OKABE_ITO["black"], lw=0.8, ls=":",
                   label=f"non-private ({baseline:.3f})")
    ax.set_xscale("log")
    from matplotlib.ticker import FixedLocator

    ax.xaxis.set_major_locator(FixedLocator([0.5, 1, 2, 3, 5, 8]))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("ε (δ = 1e-5, log scale)")
    ax.set_ylabel("test accuracy")
    ax.set_title("Privacy–utility: DP-SGD on digits; published MNIST anchors for reference")
    ax.legend(loc="lower right", fontsize="small")
    return fig, ax, data


def plot_training_time(seconds, ax=None):
    """Bars of training time per epoch for each way of training (e.g. plain, ghost, hooks).

    ``seconds`` maps a label to seconds per epoch; each bar is labelled with its ratio to the
    first entry (the non-private baseline).
    """
    fig, ax = figure_axes(ax)
    labels, values = list(seconds), [float(v) for v in seconds.values()]
    colors = [OKABE_ITO[c] for c in ("sky", "green", "orange", "vermillion", "purple")]
    bars = ax.bar(labels, [1000 * v for v in values], color=colors[:len(values)])
    for bar, v in zip(bars, values):
        ax.annotate(f"×{v / values[0]:.1f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom")
    ax.set_xlabel("way of training")
    ax.set_ylabel("training time per epoch (ms)")
    ax.set_title("The cost of DP in time: per-example clipping and noise")
    return fig, ax, {"labels": labels, "seconds": values}
