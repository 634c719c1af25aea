"""The capstone's one figure: utility against privacy, fairness and attack success, frontier marked.

Three panels share the sweep. Every setting is a grey dot at its seed mean with its 95 %
interval; the frontier (no other setting beats it beyond noise) is ringed; the settings that
differ from the current one only in the panel's own knob are joined in colour; the current
setting is a large star, and a setting computed just now a diamond beside it.
"""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np

from trustlab.capstone.point import KNOBS, row_level_risk
from trustlab.plotting import OKABE_ITO, STYLE, style_context

__all__ = ["plot_tradeoffs"]

_NO_DP = "no DP"
_GREY, _RING = "#BBBBBB", OKABE_ITO["black"]


def _eps_x(eps, cap):
    """ε on the x axis: no DP (ε = ∞) drawn at ``cap``, a labelled tick."""
    return np.array([cap if math.isinf(e) else e for e in eps], dtype=float)


def _same_except(rows, setting, knob):
    i = KNOBS.index(knob)
    keep = [r for r in rows if all(a == b for j, (a, b) in enumerate(zip(r.setting(), setting)) if j != i)]
    return sorted(keep, key=lambda r: r.setting()[i])


def _ci(points, name):
    """Means and (lower, upper) error-bar lengths of ``name`` over ``points``."""
    ivs = [p.interval(name) for p in points]
    mean = np.array([iv.mean for iv in ivs])
    half = np.array([iv.half_width for iv in ivs])
    return mean, np.vstack([half, half])


def _eps_axis(a, cap, xlabel):
    a.set_xscale("log")
    a.minorticks_off()
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100) if t < cap / 1.5]
    a.set_xticks(ticks + [cap], [str(t) for t in ticks] + [_NO_DP])
    a.set_xlabel(xlabel)


def _marker(a, x, y, xerr=None, yerr=None, *, live=False, label=None):
    style = dict(fmt="D", ms=9, color=OKABE_ITO["purple"]) if live else \
        dict(fmt="*", ms=16, color=OKABE_ITO["vermillion"])
    a.errorbar([x], [y], xerr=xerr, yerr=yerr, capsize=3, zorder=5, label=label, **style)


def _legend_below(fig, axes):
    """One legend for the three panels, under them (it hides no point)."""
    seen = {}
    for a in axes:
        for handle, label in zip(*a.get_legend_handles_labels()):
            seen.setdefault(label, handle)
    fig.legend(list(seen.values()), list(seen), loc="lower center", ncol=4, fontsize="small",
               bbox_to_anchor=(0.5, 0.0))


def plot_tradeoffs(result, ax=None):
    """Draw ``result`` (a :class:`~trustlab.capstone.frontier.TradeoffResult`) on three panels.

    Parameters
    ----------
    result : TradeoffResult
    ax : sequence of three matplotlib Axes, optional

    Returns
    -------
    (fig, axes, data) : ``data`` holds the plotted arrays (``epsilon_x``, ``accuracy`` and
    ``accuracy_half``, ``tpr_gap`` and ``tpr_gap_half``, ``attack_auc``, ``on_frontier``),
    the current point's ``index`` (None off the grid), the row-level bounds along σ
    (``bound_sigma``, ``bound_pld``, ``bound_pair``) and ``live`` (the computed-now means or None).
    """
    rows, p, live = result.rows, result.point, result.live
    finite = [r.epsilon for r in rows if math.isfinite(r.epsilon)]
    cap = 2 * max(finite) if finite else 100.0
    eps_x = _eps_x([r.epsilon for r in rows], cap)
    acc, acc_err = _ci(rows, "accuracy")
    gap, gap_err = _ci(rows, "tpr_gap")
    auc, _ = _ci(rows, "attack_auc")
    front = np.asarray(result.on_frontier, bool)
    if ax is None:
        with style_context():
            fig = mpl.figure.Figure(figsize=(12.0, 4.9), dpi=STYLE["figure.dpi"])
            axes = fig.subplots(1, 3)
            fig.subplots_adjust(left=0.06, right=0.99, bottom=0.27, top=0.92, wspace=0.3)
    else:
        axes = list(ax)
        fig = axes[0].figure
    a_priv, a_fair, a_attack = axes
    for a in (a_priv, a_fair):
        a.axhline(result.majority_accuracy, color=_RING, lw=0.8, ls="--", label="always ≤50K (majority)")
    grey = dict(fmt="o", ms=3.5, color=_GREY, ecolor=_GREY, elinewidth=0.6, alpha=0.7, zorder=1)
    a_priv.errorbar(eps_x, acc, yerr=acc_err, label="every setting (mean, 95 % interval)", **grey)
    a_fair.errorbar(gap, acc, xerr=gap_err, yerr=acc_err, label="every setting (mean, 95 % interval)", **grey)
    for a, x in ((a_priv, eps_x), (a_fair, gap)):
        a.scatter(x[front], acc[front], s=50, facecolors="none", edgecolors=_RING, linewidths=0.9,
                  zorder=2, label="frontier (not beaten beyond noise)")
    current = p.setting() if p is not None else result.setting
    sigma_line = _same_except(rows, current, "noise_multiplier")
    sigma_x = _eps_x([r.epsilon for r in sigma_line], cap)
    if sigma_line:
        m, err = _ci(sigma_line, "accuracy")
        a_priv.errorbar(sigma_x, m, yerr=err, fmt="-o", ms=4, capsize=2, color=OKABE_ITO["blue"], zorder=3,
                        label="this setting, σ varied")
    line = _same_except(rows, current, "group_resample")
    if line:
        (m, yerr), (g, xerr) = _ci(line, "accuracy"), _ci(line, "tpr_gap")
        a_fair.errorbar(g, m, xerr=xerr, yerr=yerr, fmt="-o", ms=4, capsize=2, color=OKABE_ITO["green"],
                        zorder=3, label="this setting, resampling varied")
    i = result.index
    if i is not None:
        _marker(a_priv, eps_x[i], acc[i], yerr=acc_err[:, i:i + 1], label="current")
        _marker(a_fair, gap[i], acc[i], xerr=gap_err[:, i:i + 1], yerr=acc_err[:, i:i + 1], label="current")
    live_data = None
    if live is not None:
        (la, lae), (lg, lge), (lauc, lauce) = (_ci([live], n) for n in ("accuracy", "tpr_gap", "attack_auc"))
        lx = _eps_x([live.epsilon], cap)[0]
        _marker(a_priv, lx, la[0], yerr=lae, live=True, label="computed now")
        _marker(a_fair, lg[0], la[0], xerr=lge, yerr=lae, live=True, label="computed now")
        _marker(a_attack, lx, lauc[0], yerr=lauce, live=True, label="computed now")
        live_data = {"epsilon_x": lx, "accuracy": la[0], "tpr_gap": lg[0], "attack_auc": lauc[0]}
    _eps_axis(a_priv, cap, "client-level ε (δ = 1e-5)")
    a_priv.set(title="Utility vs privacy (lower ε: more private)", ylabel="test accuracy (fraction)")
    a_fair.axvline(0, color=_RING, lw=0.8, ls=":")
    a_fair.set(title="Utility vs fairness (0: equal TPR)", xlabel="TPR gap, men − women (fraction)",
               ylabel="test accuracy (fraction)")

    bounds = np.array([row_level_risk(r.noise_multiplier)[1:] for r in sigma_line]).reshape(-1, 2)
    if sigma_line:
        m, err = _ci(sigma_line, "attack_auc")
        a_attack.errorbar(sigma_x, m, yerr=err, fmt="-o", ms=4, capsize=2, color=OKABE_ITO["blue"], zorder=3,
                          label="measured attack (mean, 95 % interval)")
        a_attack.plot(sigma_x, bounds[:, 0], "--", color=OKABE_ITO["orange"],
                      label="bound on any attack on one row")
        a_attack.plot(sigma_x, bounds[:, 1], ":", color=OKABE_ITO["orange"],
                      label="same, from (ε, δ) alone (looser)")
    a_attack.axhline(0.5, color=_RING, lw=0.8, ls=":", label="guessing")
    if i is not None:
        _marker(a_attack, eps_x[i], auc[i])
    _eps_axis(a_attack, cap, "client-level ε (δ = 1e-5)")
    a_attack.set(title="Attack success vs privacy", ylabel="membership attack AUC", ylim=(0.45, 1.02))
    _legend_below(fig, axes)
    data = {"epsilon_x": eps_x, "accuracy": acc, "accuracy_half": acc_err[0], "tpr_gap": gap,
            "tpr_gap_half": gap_err[0], "attack_auc": auc, "on_frontier": front, "index": i,
            "bound_sigma": np.array([r.noise_multiplier for r in sigma_line]), "bound_pld": bounds[:, 0],
            "bound_pair": bounds[:, 1], "live": live_data}
    return fig, axes, data
