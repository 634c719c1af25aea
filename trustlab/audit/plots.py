"""Plots of the audit: group metrics with intervals, mitigation trade-offs, attack ROC curves.

Each takes ``ax=None`` and returns ``(fig, ax, data)``; error bars are the bootstrap 95 %
intervals of the result objects (nothing is recomputed here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustlab.plotting import OKABE_ITO, PALETTE, figure_axes

__all__ = ["plot_fairness_audit", "plot_mitigation", "plot_privacy_audit"]

def _check(name, value, kind, ax):
    """``value`` must be a ``trustlab.audit.<kind>`` and ``ax`` None or an Axes (before drawing)."""
    from matplotlib.axes import Axes

    import trustlab.audit as audit

    if not isinstance(value, getattr(audit, kind)):
        raise TypeError(f"{name} must be a trustlab.audit.{kind}, got {type(value).__name__}")
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")


_LABEL = {"selection_rate": "selection rate", "tpr": "true-positive rate (TPR)",
          "fpr": "false-positive rate (FPR)", "accuracy": "accuracy", "auc": "ROC AUC"}
_DISPARITY = {"demographic_parity": "demographic-parity difference (selection rate)",
              "equalized_odds": "equalized-odds difference (worse of TPR, FPR)",
              "true_positive_rate_parity": "TPR difference"}
_METHOD_STYLE = {"unmitigated": (OKABE_ITO["black"], "o"), "threshold_optimizer": (OKABE_ITO["blue"], "s"),
                 "exponentiated_gradient": (OKABE_ITO["vermillion"], "D")}


def plot_fairness_audit(audit, metric="selection_rate", ax=None):
    """One metric per group (every sensitive feature and intersection) with its 95 % interval.

    >>> from trustlab.audit import audit_fairness
    >>> a = audit_fairness([1, 0] * 40, [1, 1, 0, 0] * 20, ["a"] * 40 + ["b"] * 40, n_boot=30)
    >>> fig, ax, data = plot_fairness_audit(a)
    >>> data["selection_rate"].tolist()
    [0.5, 0.5]
    """
    _check("audit", audit, "FairnessAudit", ax)
    if metric not in audit.metrics:
        raise ValueError(f"metric must be one of {list(audit.metrics)}, got {metric!r}")
    data = audit.by_group[["count", metric, f"{metric}_low", f"{metric}_high"]].copy()
    labels = [f"{g}" for _, g in data.index]
    height = max(2.8, 1.2 + 0.28 * len(data))
    fig, ax = figure_axes(ax, figsize=(6.4, min(height, 9)))
    y = np.arange(len(data))[::-1]
    colours = {f: PALETTE[i % len(PALETTE)] for i, f in enumerate(audit.features)}
    for feature in audit.features:
        rows = np.flatnonzero(data.index.get_level_values(0) == feature)
        values = data[metric].to_numpy()[rows]
        err = np.abs(np.vstack([values - data[f"{metric}_low"].to_numpy()[rows],
                                data[f"{metric}_high"].to_numpy()[rows] - values]))
        ax.errorbar(values, y[rows], xerr=np.nan_to_num(err), fmt="o", color=colours[feature],
                    capsize=3, label=feature)
    ax.set_yticks(y, labels)
    ax.set_xlabel(f"{_LABEL.get(metric, metric)} (95 % interval)")
    ax.set_ylabel("group")
    ax.set_title(f"{_LABEL.get(metric, metric).capitalize()} by group")
    ax.legend(loc="best", fontsize="small")
    return fig, ax, data


def plot_mitigation(result, constraint=None, ax=None, highlight=None):
    """Accuracy against a constraint's disparity for the unmitigated model and each mitigation.

    ``constraint`` picks the disparity on the x axis (default: the highlighted option's, else
    the first in the result); both axes carry the bootstrap 95 % intervals.
    """
    from trustlab.audit.mitigation import CONSTRAINTS

    _check("result", result, "MitigationResult", ax)
    present = [c for c in CONSTRAINTS if c in result.options.columns]
    if constraint is None:
        constraint = highlight[1] if highlight and highlight[1] in present else present[0]
    if constraint not in present:
        raise ValueError(f"constraint must be one of {present}, got {constraint!r}")
    opts = result.options
    keep = [k for k in opts.index if k[0] == "unmitigated" or k[1] == constraint]
    data = opts.loc[keep, ["accuracy", "accuracy_low", "accuracy_high", constraint,
                           f"{constraint}_low", f"{constraint}_high"]]
    fig, ax = figure_axes(ax)
    for (method, c), row in data.iterrows():
        colour, marker = _METHOD_STYLE.get(method, (PALETTE[-1], "o"))
        chosen = highlight is not None and tuple(highlight) == (method, c)
        ax.errorbar(row[constraint], row["accuracy"],
                    xerr=[[row[constraint] - row[f"{constraint}_low"]],
                          [row[f"{constraint}_high"] - row[constraint]]],
                    yerr=[[row["accuracy"] - row["accuracy_low"]], [row["accuracy_high"] - row["accuracy"]]],
                    fmt=marker, color=colour, capsize=3, markersize=10 if chosen else 6,
                    markeredgecolor=OKABE_ITO["black"] if chosen else colour,
                    label=method.replace("_", " ") + (" (selected)" if chosen else ""))
    ax.axvline(0.0, color=OKABE_ITO["black"], linewidth=0.8, linestyle=":")
    ax.set_xlabel(_DISPARITY[constraint] + " (0 is equal)")
    ax.set_ylabel("held-out accuracy")
    ax.set_title(f"Mitigating for {constraint.replace('_', ' ')}: accuracy vs disparity")
    ax.legend(loc="best", fontsize="small")
    return fig, ax, data


def plot_privacy_audit(audit, ax=None):
    """ROC curves of the membership attacks on log axes, where low false-positive rates show.

    The dotted diagonal is guessing; a curve above it at FPR 0.1-1 % means some rows are
    identifiable as members with few false accusations. For a DP recipe the dashed curve is the
    bound no attack can cross.
    """
    _check("audit", audit, "PrivacyAudit", ax)
    fig, ax = figure_axes(ax)
    grid = np.logspace(-4, 0, 200)
    ax.plot(grid, grid, linestyle=":", color=OKABE_ITO["black"], label="guessing")
    data = {}
    for i, (name, a) in enumerate(audit.attacks.items()):
        fpr, tpr = np.asarray(a.fpr), np.asarray(a.tpr)
        keep = fpr > 0
        ax.plot(fpr[keep], np.maximum(tpr[keep], 1e-4), color=PALETTE[i % len(PALETTE)],
                label=f"{name}: AUC {a.auc:.3f} [{a.auc_low:.3f}, {a.auc_high:.3f}]")
        data[name] = pd.DataFrame({"fpr": fpr, "tpr": tpr})
    if audit.bound is not None:  # no attack can cross it (a DP recipe)
        ax.plot(audit.bound.fpr, audit.bound.tpr, linestyle="--", color=OKABE_ITO["black"],
                label=f"DP bound, any attack: AUC <= {audit.bound.auc:.3f}")
        data["dp_bound"] = pd.DataFrame({"fpr": audit.bound.fpr, "tpr": audit.bound.tpr})
    ax.set(xscale="log", yscale="log", xlim=(1e-3, 1), ylim=(1e-3, 1))
    ax.set_xlabel("false-positive rate (non-members flagged)")
    ax.set_ylabel("true-positive rate (members found)")
    title = "Membership attacks on the retrained recipe"
    ax.set_title(f"{title}: {audit.label}" if audit.label else title)
    ax.legend(loc="lower right", fontsize="small")
    return fig, ax, data
