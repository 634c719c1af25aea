"""Plots for the attacks: ROC curves on log-log axes, attack strength against ε, canary exposure.

Each function takes ``ax=None`` and returns ``(fig, ax, data)`` so tests compare data, not pixels.
Log-log ROC axes follow Carlini et al. (2022): what matters is the TPR at a low FPR.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator

from trustlab.plotting import OKABE_ITO, PALETTE, figure_axes, two_axes

_TICKS = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
_LABELS = ["0.01%", "0.1%", "1%", "10%", "100%"]


def _log_axes(ax, floor):
    # Fixed plain-text ticks: matplotlib's default log labels are mathtext, slow to render.
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(FixedLocator([t for t in _TICKS if t >= floor]))
        axis.set_minor_locator(NullLocator())
    ax.set_xticklabels([lab for t, lab in zip(_TICKS, _LABELS) if t >= floor])
    ax.set_yticklabels([lab for t, lab in zip(_TICKS, _LABELS) if t >= floor])


def _thin(fpr, tpr, floor, n=300):
    """The ROC step curve at ~n log-spaced FPRs (TPR is the best reached at or below each FPR)."""
    grid = np.unique(np.r_[np.geomspace(floor, 1, n), fpr[fpr < floor][-1:]])
    idx = np.searchsorted(fpr, grid, side="right") - 1
    return grid, tpr[np.maximum(idx, 0)]

__all__ = ["plot_exposure", "plot_privacy_audit", "plot_risk_audit", "plot_roc"]


def plot_roc(results, ax=None):
    """Log-log ROC curves of one or more AttackResults, with the chance line.

    ``data`` maps each curve's label to its ``(fpr, tpr)`` arrays.
    """
    results = [results] if hasattr(results, "fpr") else list(results)
    fig, ax = figure_axes(ax)
    floor = 1e-4
    grid = np.geomspace(floor, 1, 50)
    ax.plot(grid, grid, color=OKABE_ITO["black"], lw=0.8, ls=":", label="chance (AUC 0.5)")
    data = {}
    for colour, r in zip(PALETTE, results):
        label = f"{r.attack}" + (f" K={r.n_shadows}" if r.n_shadows else "") + f" (AUC {r.auc:.2f})"
        x, y = _thin(np.asarray(r.fpr), np.asarray(r.tpr), floor)
        ax.step(np.maximum(x, floor), np.maximum(y, floor), where="post", color=colour, label=label)
        data[label] = (r.fpr, r.tpr)
    for x in (0.001, 0.01):
        ax.axvline(x, color="grey", lw=0.6, ls="--")
    ax.set(xscale="log", yscale="log", xlim=(floor, 1), ylim=(floor, 1),
           xlabel="false positive rate (non-members called members)",
           ylabel="true positive rate (members found)", title="Membership inference ROC (log-log)")
    _log_axes(ax, floor)
    ax.legend(loc="lower right", fontsize="small")
    return fig, ax, data


def plot_privacy_audit(result, sweep=None, ax=None):
    """Attack ROC of a PrivacyAudit with its ε bounds and, if ``sweep`` is given, ε vs ε_lb per σ.

    ``sweep`` is a list of PrivacyAudit over noise multipliers; ``data`` holds the current
    curve and the (σ, ε, proven ε_lb mean, its 95 % half-width) rows (the half-width is NaN
    for one seed). With several seeds the ROC pools every seed's guesses.
    """
    from trustlab.stats import mean_ci

    if ax is not None or not sweep:
        (fig, left), right = figure_axes(ax), None
    else:
        fig, _ = figure_axes(figsize=(9.0, 3.4))
        fig.clear()
        left, right = fig.subplots(1, 2)
        fig.subplots_adjust(wspace=0.35)
    _, _, roc = plot_roc(result.attack, ax=left)
    data = {"roc": roc, "rows": []}
    eps = "∞" if np.isinf(result.attack.epsilon) else f"{result.attack.epsilon:.2f}"
    proven = mean_ci(result.epsilon_proven)
    seeds = "" if proven.n == 1 else f" (mean of {proven.n} seeds)"
    left.text(0.03, 0.97, f"accountant ε = {eps}\nattack proves ε ≥ {proven.mean:.2f} (95%){seeds}",
              transform=left.transAxes, va="top", fontsize="small")
    if sweep and right is not None:
        rows = []
        for p in sweep:
            if np.isfinite(p.attack.epsilon):
                iv = mean_ci(p.epsilon_proven)
                rows.append((p.attack.noise_multiplier, p.attack.epsilon, iv.mean, iv.half_width))
        data["rows"] = rows
        eps = np.array([r[1] for r in rows])
        low = np.array([r[2] for r in rows])
        half = np.nan_to_num(np.array([r[3] for r in rows]))
        right.plot(eps, eps, color=OKABE_ITO["black"], lw=0.8, ls=":", label="ε_lb = ε (tight)")
        right.errorbar(eps, low, yerr=half, fmt="o-", capsize=3, color=OKABE_ITO["vermillion"],
                       label="proven ε_lb (95% lower end; bars: seeds' 95% interval)")
        if np.isfinite(result.attack.epsilon):
            right.plot([result.attack.epsilon], [proven.mean], "o", ms=11,
                       mfc="none", color=OKABE_ITO["blue"], label="this σ")
        right.set(xscale="log", xlabel="accountant's ε (upper bound)", ylabel="ε proven by the attack",
                  title="Audit: what the attack proves vs what DP promises")
        right.xaxis.set_major_locator(FixedLocator([1, 3, 10, 30, 100]))
        right.xaxis.set_minor_locator(NullLocator())
        right.set_xticklabels(["1", "3", "10", "30", "100"])
        right.legend(fontsize="small")
    return fig, left, data


def plot_exposure(result, ax=None, *, highlight=None):
    """Canary exposure (bits) against repetitions, one line per setting, with the 13.3-bit maximum.

    ``result`` is an ExposureCurves (``repetitions``, ``curves`` label -> mean exposures,
    ``half_widths`` label -> the seeds' 95 % half-widths, drawn as error bars, ``max_exposure``);
    ``highlight`` an optional ``(repetitions, exposure)`` point to circle.
    """
    fig, ax = figure_axes(ax)
    data = {}
    if highlight is not None:
        ax.plot(*highlight, "o", ms=13, mfc="none", color=OKABE_ITO["black"], label="this setting")
    for colour, (label, values) in zip(PALETTE, result.curves.items()):
        half = np.nan_to_num(np.asarray(result.half_widths.get(label, np.zeros(len(values))), dtype=float))
        ax.errorbar(result.repetitions, values, yerr=half, fmt="o-", capsize=3, color=colour, label=label)
        data[label] = (list(result.repetitions), list(values))
    ax.axhline(result.max_exposure, color=OKABE_ITO["black"], ls=":", lw=0.8,
               label=f"maximum log2|R| = {result.max_exposure:.1f} bits")
    ax.set(xscale="log", xlabel="times the canary appears in training", ylabel="exposure (bits)",
           title="Secret-sharer exposure of the canary", ylim=(0, result.max_exposure * 1.08))
    ax.xaxis.set_major_locator(FixedLocator(list(result.repetitions)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([str(r) for r in result.repetitions])
    ax.legend(fontsize="small", loc="lower right")
    return fig, ax, data


def plot_risk_audit(result, ax=None):
    """Left: the DP bound on any attack's ROC, the (ε, δ)-pair bound and the canary attack's ROC
    (log-log; every seed's canaries pooled). Right: ε_lb proven by one run against the
    accountant's ε for every σ at this q and epochs, mean and 95 % interval over seeds.
    ``result`` is a :class:`trustlab.attacks.audits.risk_audit.RiskAudit`; ``ax`` a pair.

    ``data`` holds ``bound`` and ``pair`` ((fpr, tpr) or None without DP), ``measured`` (fpr,
    tpr) and ``rows`` (σ, ε, ε_lb per seed).
    """
    from trustlab.stats import mean_ci

    fig, left, right = two_axes(ax, wspace=0.32, bottom=0.16)
    floor = 1e-3
    grid = np.geomspace(floor, 1, 50)
    left.plot(grid, grid, color=OKABE_ITO["black"], lw=0.8, ls=":", label="chance")
    data = {"bound": None, "pair": None, "rows": list(result.sweep)}
    if result.risk is not None:
        r = result.risk
        data["bound"], data["pair"] = (r.fpr, r.tpr), (r.fpr, r.tpr_epsilon_delta)
        shown = np.unique(np.searchsorted(r.fpr, np.geomspace(floor, 1, 120)).clip(0, len(r.fpr) - 1))
        left.plot(r.fpr[shown], r.tpr[shown], color=OKABE_ITO["blue"], lw=2,
                  label=f"DP bound, any attack (PLD; AUC ≤ {r.auc:.2f})")
        left.plot(r.fpr[shown], r.tpr_epsilon_delta[shown], color=OKABE_ITO["sky"], ls="--",
                  label=f"bound from ε={r.epsilon:.2f}, δ={r.delta:g} alone")
    x, y = _thin(np.asarray(result.fpr), np.asarray(result.tpr), floor, n=150)
    data["measured"] = (result.fpr, result.tpr)
    left.step(np.maximum(x, floor), np.maximum(y, floor), where="post", color=OKABE_ITO["vermillion"],
              label=f"canary attack, {len(result.runs)} runs pooled (AUC {result.auc:.2f})")
    left.set(xscale="log", yscale="log", xlim=(floor, 1), ylim=(floor, 1),
             xlabel="false positive rate (non-members called members)",
             ylabel="true positive rate (members found)", title="What DP allows vs what an attack does")
    _log_axes(left, floor)
    left.legend(loc="lower right", fontsize="x-small")
    rows = [row for row in result.sweep if np.isfinite(row[1])]
    eps = np.array([row[1] for row in rows])
    ivs = [mean_ci(row[2]) for row in rows]
    lbs = np.array([iv.mean for iv in ivs])
    half = np.nan_to_num(np.array([iv.half_width for iv in ivs]))
    right.plot(eps, eps, color=OKABE_ITO["black"], lw=0.8, ls=":", label="ε_lb = ε (tight)")
    right.errorbar(eps, lbs, yerr=half, fmt="o-", capsize=3, color=OKABE_ITO["vermillion"],
                   label="ε_lb, one run (95%; bars: seeds' 95% interval)")
    no_dp = [mean_ci(row[2]).mean for row in result.sweep if not np.isfinite(row[1])]
    if no_dp:
        right.axhline(no_dp[0], color=OKABE_ITO["orange"], ls="--", lw=1,
                      label=f"ε_lb without noise: {no_dp[0]:.2f} (mean)")
    if np.isfinite(result.run.epsilon):
        right.plot([result.run.epsilon], [float(np.mean(result.epsilon_lb))], "o", ms=12, mfc="none",
                   color=OKABE_ITO["blue"], label="this setting" + (" (trained now)" if result.live else ""))
    right.set(xscale="log", xlabel="accountant's ε (upper bound, RDP)", ylabel="ε proven by one run",
              title="One-run audit: proven vs promised",
              ylim=(0, max(3.0, *(lbs + half + 0.5)) if len(lbs) else 3.0))
    ticks = [t for t in (0.1, 0.3, 1, 3, 10, 30, 100, 300) if len(eps) and eps.min() / 2 <= t <= eps.max() * 2]
    right.xaxis.set_major_locator(FixedLocator(ticks))  # plain labels: log mathtext is slow to draw
    right.xaxis.set_minor_locator(NullLocator())
    right.set_xticklabels([f"{t:g}" for t in ticks])
    right.legend(fontsize="x-small", loc="upper left")
    return fig, left, data
