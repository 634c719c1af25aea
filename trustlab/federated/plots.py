"""Plots for federated learning: who holds which labels, how the global model learns, what is sent.

The label-distribution plot mirrors flwr-datasets' ``plot_label_distributions``; the others
read a :class:`trustlab.federated.results.FederatedResult`. All take ``ax=None`` and return
``(fig, ax, data)``.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.figure
import numpy as np

from trustlab.federated.partition import label_distribution
from trustlab.plotting import OKABE_ITO, PALETTE, SEQUENTIAL_CMAP, STYLE, figure_axes, style_context

__all__ = ["plot_client_accuracy", "plot_federated", "plot_global_accuracy", "plot_label_distribution",
           "plot_update_bytes"]


def plot_label_distribution(y, partitions, ax=None, *, title="Labels held by each client"):
    """Stacked bars: how many examples of each label every client holds.

    >>> import numpy as np
    >>> fig, ax, counts = plot_label_distribution(np.array([0, 1, 1]), [np.array([0]), np.array([1, 2])])
    >>> counts.tolist()
    [[1, 0], [0, 2]]
    """
    counts = label_distribution(y, partitions)
    fig, ax = figure_axes(ax)
    # Ordered labels, often more than Okabe–Ito's eight colours: a colour-blind-safe sequential map.
    cmap = mpl.colormaps[SEQUENTIAL_CMAP].resampled(counts.shape[1])
    bottom = np.zeros(len(counts))
    clients = np.arange(len(counts))
    for label in range(counts.shape[1]):
        ax.bar(clients, counts[:, label], bottom=bottom, color=cmap(label), label=str(label), width=0.85)
        bottom += counts[:, label]
    ax.set(xlabel="client (partition id)", ylabel="examples", title=title)
    if counts.shape[1] <= 12:
        ax.legend(title="label", fontsize="small", ncols=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig, ax, counts


def _seed_band(values):
    """Per column of ``values`` (seeds × points): mean and 95 % half-width (0 for one seed)."""
    from trustlab.stats import mean_ci

    values = np.atleast_2d(np.asarray(values, dtype=float))
    ivs = [mean_ci(col) for col in values.T]
    mean = np.array([iv.mean for iv in ivs])
    half = np.array([0.0 if np.isnan(iv.half_width) else iv.half_width for iv in ivs])
    return mean, half


def plot_global_accuracy(result, ax=None, *, label=None):
    """The global model's test accuracy after each round (round 0: the initial model).

    A multi-seed result (:class:`~trustlab.federated.results.FederatedSeeds`) draws the mean over
    seeds and its 95 % interval as a band.
    """
    fig, ax = figure_axes(ax)
    mean, half = _seed_band(result.global_accuracy)
    rounds = np.arange(len(mean))
    # The next palette colour, so several runs drawn on one axes stay distinct.
    colour = PALETTE[len(ax.get_lines()) % len(PALETTE)]
    ax.plot(rounds, mean, marker="o", color=colour, label=label)
    if np.any(half > 0):
        ax.fill_between(rounds, mean - half, mean + half, color=colour, alpha=0.2, linewidth=0)
    n = np.atleast_2d(result.global_accuracy).shape[0]
    ax.set(xlabel="round", ylabel="test accuracy", ylim=(0, 1),
           title="Global model" + (f" (mean, 95 % interval, {n} seeds)" if n > 1 else ""))
    return fig, ax, {"round": rounds, "accuracy": mean, "half_width": half}


def plot_client_accuracy(result, ax=None):
    """Each client's accuracy under the final global model, sorted: who is left behind.

    With several seeds the clients are ranked within each seed (client k of one seed holds other
    data than client k of another) and the bars show the mean per rank, with 95 % intervals.
    """
    fig, ax = figure_axes(ax)
    if hasattr(result, "runs"):
        per_seed, global_acc = result.client_accuracy, float(np.mean(result.final_accuracy))
    else:
        per_seed, global_acc = np.sort(np.asarray(result.client_accuracy[-1]))[None, :], result.final_accuracy
    mean, half = _seed_band(per_seed)
    ranks = np.arange(len(mean))
    ax.bar(ranks, mean, color=OKABE_ITO["sky"], width=0.85)
    if np.any(half > 0):  # the seeds' 95 % interval, caps and bars in black
        ax.errorbar(ranks, mean, yerr=half, fmt="none", color=OKABE_ITO["black"], capsize=2)
    ax.axhline(global_acc, color=OKABE_ITO["vermillion"], ls="--", label="global test acc")
    n = per_seed.shape[0]
    ax.set(xlabel="clients, worst to best", ylabel="accuracy on own data", ylim=(0, 1),
           title="Per-client accuracy (final model" + (f", {n} seeds)" if n > 1 else ")"))
    ax.legend(fontsize="small", loc="upper left")
    return fig, ax, {"rank": ranks, "accuracy": mean, "half_width": half}


def plot_update_bytes(result, ax=None):
    """kB the trained clients uploaded each round vs the kB of raw data they kept."""
    fig, ax = figure_axes(ax)
    rounds = np.arange(1, len(result.bytes_uploaded) + 1)
    up = np.asarray(result.bytes_uploaded) / 1e3
    raw = np.asarray(result.raw_bytes) / 1e3
    ax.bar(rounds - 0.2, up, width=0.4, color=OKABE_ITO["blue"], label="model updates sent")
    ax.bar(rounds + 0.2, raw, width=0.4, color=OKABE_ITO["orange"], label="their raw data (kept)")
    ax.set(xlabel="round", ylabel="data per round (kB)", title="What travels vs what stays")
    ax.legend(fontsize="small", loc="upper left")
    return fig, ax, {"round": rounds, "uploaded_kB": up, "raw_kB": raw}


def plot_federated(result, ax=None):
    """Three panels: global accuracy, per-client accuracy, bytes; ``ax`` is 3 axes or None."""
    if ax is None:
        with style_context():
            fig = mpl.figure.Figure(figsize=(12.0, 3.4), dpi=STYLE["figure.dpi"])
            ax = fig.subplots(1, 3)
            fig.subplots_adjust(left=0.06, right=0.98, wspace=0.3, bottom=0.17)
    fig = ax[0].figure
    data = {}
    for name, fn, a in zip(("global", "clients", "bytes"),
                           (plot_global_accuracy, plot_client_accuracy, plot_update_bytes), ax):
        data[name] = fn(result, a)[2]
    return fig, ax, data
