"""Plots for notebook 34: exposure and extraction against repetitions, gender shares and trade-offs.

Each function takes ``ax=None`` (or a pair of axes) and returns ``(fig, ax, data)``, so tests
compare data, not pixels. Intervals are 95 % t-intervals over seeds, drawn as bands or bars.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

from trustlab._validate import abbreviate, check_choice
from trustlab.lm._stats import mean_ci
from trustlab.lm.bias_sweep import BiasResult
from trustlab.lm.memorization_sweep import MemorizationResult
from trustlab.plotting import OKABE_ITO, PALETTE, figure_axes, two_axes

__all__ = ["plot_bias", "plot_bias_tradeoff", "plot_exposure", "plot_memorization",
           "plot_shares"]

_DEFENSE_COLOURS = {"none": OKABE_ITO["black"], "dedup": OKABE_ITO["green"],
                    "early_stopping": OKABE_ITO["orange"], "dp_sgd": OKABE_ITO["blue"]}


def _check_result(name, value, cls, source):
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__} ({source}), got {abbreviate(value)} "
                        f"({type(value).__name__})")
    return value


def _check_sweep(sweep, cls, source):
    if not isinstance(sweep, Mapping) or not sweep or not all(
            isinstance(k, tuple) and len(k) == 2 and isinstance(v, cls) for k, v in sweep.items()):
        raise TypeError(f"sweep must be a non-empty dict {{(setting, value): {cls.__name__}}} ({source}), "
                        f"got {abbreviate(sweep)}")
    return sweep


def _check_ax(ax, pair=False):
    """``ax`` must be None, a matplotlib Axes, or (``pair``) two of them."""
    ok = ax is None or (isinstance(ax, Axes) if not pair else
                        isinstance(ax, (tuple, list, np.ndarray)) and len(ax) == 2 and all(isinstance(a, Axes) for a in ax))
    if not ok:
        raise TypeError(f"ax must be None or {'a pair of matplotlib Axes' if pair else 'a matplotlib Axes'}, "
                        f"got {abbreviate(ax)}")


def _curve(results, field):
    means, halves = zip(*(mean_ci(getattr(r, field)) for r in results))
    return np.array(means), np.nan_to_num(np.array(halves))


def plot_exposure(sweep, defenses=("none", "dp_sgd"), *, field="exposure", highlight=None, ax=None):
    """Mean exposure (or ``field="extracted"``) against canary repetitions, one band per defense.

    ``sweep`` maps ``(defense, repetitions)`` to a MemorizationResult; ``highlight`` is an
    optional ``(defense, repetitions)`` marked with a dot. ``data`` maps each defense to
    ``(repetitions, means, half-widths)``.
    """
    _check_sweep(sweep, MemorizationResult, "memorization_sweep()")
    known = sorted({d for d, _ in sweep})
    if isinstance(defenses, str) or not all(d in known for d in defenses):
        raise ValueError(f"defenses must be a list of the sweep's defenses {known}, got {abbreviate(defenses)}")
    check_choice("field", field, ("exposure", "extracted", "greedy", "perplexity"))
    if highlight is not None and highlight not in sweep:
        raise ValueError(f"highlight must be a (defense, repetitions) key of the sweep, got {abbreviate(highlight)}")
    _check_ax(ax)
    fig, ax = figure_axes(ax)
    data = {}
    for defense in defenses:
        reps = sorted(r for d, r in sweep if d == defense)
        mean, half = _curve([sweep[defense, r] for r in reps], field)
        x = np.array(reps) + 0.5  # repetitions 0 on a log axis: shift every point by ½
        colour = _DEFENSE_COLOURS.get(defense, PALETTE[len(data) % len(PALETTE)])
        ax.plot(x, mean, "o-", color=colour, ms=3, label=defense.replace("_", " "))
        ax.fill_between(x, mean - half, mean + half, color=colour, alpha=0.2, lw=0)
        data[defense] = (reps, mean.tolist(), half.tolist())
    first = next(iter(sweep.values()))
    if field == "exposure":
        ax.axhline(first.max_exposure, color="grey", ls="--", lw=0.8)
        ax.axhline(first.chance, color="grey", ls=":", lw=0.8)
        right = max(r for _, r in sweep) + 0.5
        ax.text(right, first.max_exposure, "max: log2 |R| ", va="bottom", ha="right", fontsize="small")
        ax.text(right, first.chance, "chance ", va="bottom", ha="right", fontsize="small")
        ax.set(ylim=(0, first.max_exposure + 1.5), ylabel="exposure (bits, mean of 4 canaries)",
               title="Canary exposure against repetitions")
    else:
        ax.set(ylim=(-0.05, 1.1), ylabel="share of canaries extracted (beam search)",
               title="Extraction against repetitions")
    if highlight is not None:
        r = sweep[highlight]
        m, _ = mean_ci(getattr(r, field))
        ax.plot([highlight[1] + 0.5], [m], "o", ms=9, mfc="none",
                color=_DEFENSE_COLOURS.get(highlight[0], "grey"), mew=2)
    reps = sorted({r for _, r in sweep})
    ax.set_xscale("log")
    ax.set_xticks(np.array(reps) + 0.5, [str(r) for r in reps])
    ax.minorticks_off()
    ax.set_xlabel("canary repetitions (times in the fine-tuning data)")
    ax.legend(loc="upper left", fontsize="small")
    return fig, ax, data


def plot_memorization(result, sweep, ax=None):
    """Explorer plot: exposure (left) and extraction (right) against repetitions, no defense vs this one."""
    _check_result("result", result, MemorizationResult, "compute_memorization or the sweep")
    _check_sweep(sweep, MemorizationResult, "memorization_sweep()")
    _check_ax(ax, pair=True)
    fig, left, right = two_axes(ax)
    defenses = ("none",) if result.defense == "none" else ("none", result.defense)
    key = (result.defense, result.repetitions)
    _, _, exp = plot_exposure(sweep, defenses, highlight=key if key in sweep else None, ax=left)
    _, _, ext = plot_exposure(sweep, defenses, field="extracted",
                              highlight=key if key in sweep else None, ax=right)
    return fig, (left, right), {"exposure": exp, "extracted": ext}


def plot_shares(result, baseline=None, ax=None):
    """Female share of gendered continuations per occupation against its real share of women.

    Points on the diagonal reproduce the statistics; points on the 0.5 line are balanced.
    ``baseline`` (e.g. the teacher) is drawn in grey. ``data`` maps each occupation to
    ``(real share, mean generated share, half-width)``.
    """
    from trustlab.fairness.counterfactual.corpus import female_share

    _check_result("result", result, BiasResult, "compute_bias or the sweep")
    if baseline is not None:
        _check_result("baseline", baseline, BiasResult, "compute_bias or the sweep")
    _check_ax(ax)
    fig, ax = figure_axes(ax)
    shares = female_share()
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="generations = statistics")
    ax.axhline(0.5, color="grey", lw=0.8, ls=":", label="balanced")
    data = {}
    for res, colour, label in ((baseline, "grey", "baseline"), (result, OKABE_ITO["vermillion"], None)):
        if res is None:
            continue
        per = res.by_occupation("female_share")
        occ = list(per)
        x = np.array([shares[o] for o in occ])
        y = np.array([per[o][0] for o in occ])
        err = np.nan_to_num(np.array([per[o][1] for o in occ]))
        ax.errorbar(x, y, yerr=err, fmt="o", ms=4, color=colour, ecolor=colour, elinewidth=0.8,
                    alpha=0.6 if res is baseline else 1.0,
                    label=label or f"{res.mode}, swap ratio {res.swap_ratio:g}")
        if res is result:
            data = {o: (shares[o], float(per[o][0]), float(per[o][1])) for o in occ}
    for o in ("carpenter", "nurse", "editor"):
        if o in data:
            ax.annotate(o, (data[o][0], data[o][1]), xytext=(4, -10), textcoords="offset points",
                        fontsize="x-small")
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel="share of women in the occupation (BLS)",
           ylabel="female share of gendered continuations", title="Who the model says holds the job")
    ax.legend(loc="upper left", fontsize="x-small")
    return fig, ax, data


def plot_bias_tradeoff(sweep, highlight=None, ax=None):
    """Mean |polarity| against held-out perplexity for every (mode, swap ratio), with intervals.

    ``data`` maps ``(mode, swap_ratio)`` to ``(perplexity, half, |polarity|, half)``.
    """
    _check_sweep(sweep, BiasResult, "bias_sweep()")
    _check_ax(ax)
    fig, ax = figure_axes(ax)
    modes = list(dict.fromkeys(m for m, _ in sweep))
    data = {}
    for i, mode in enumerate(modes):
        colour = PALETTE[i % len(PALETTE)]
        for (m, ratio), res in sweep.items():
            if m != mode:
                continue
            px, hx = res.interval("perplexity")
            py, hy = res.interval("mean_abs_polarity")
            data[m, ratio] = (px, hx, py, hy)
            ax.errorbar(px, py, xerr=np.nan_to_num(hx), yerr=np.nan_to_num(hy), fmt="os^"[
                int(round(2 * ratio)) % 3], color=colour, ms=5, elinewidth=0.8,
                label=mode if ratio == 0 else None)
    from trustlab.lm.bias import balanced_polarity

    first = next(iter(sweep.values())).counts[0]
    n = round(np.mean([f + m for f, m, _ in first.values()]))
    ax.axhline(balanced_polarity(max(n, 1)), color="grey", ls=":", lw=0.8)
    ax.text(ax.get_xlim()[0], balanced_polarity(max(n, 1)), " sampling noise floor", va="bottom",
            fontsize="x-small")
    if highlight is not None and highlight in data:
        px, _, py, _ = data[highlight]
        ax.plot([px], [py], "o", ms=14, mfc="none", color=OKABE_ITO["black"], mew=1.5)
    ax.set(xlabel="held-out perplexity (lower is better)", ylabel="mean |polarity| over occupations",
           title="Bias against utility (○ swap 0, □ 0.5, △ 1)")
    ax.legend(loc="upper right", fontsize="x-small", title="mode", title_fontsize="x-small")
    return fig, ax, data


def plot_bias(result, sweep, ax=None):
    """Explorer plot: generated vs real shares (left), the polarity-perplexity trade-off (right)."""
    _check_result("result", result, BiasResult, "compute_bias or the sweep")
    _check_sweep(sweep, BiasResult, "bias_sweep()")
    _check_ax(ax, pair=True)
    fig, left, right = two_axes(ax)
    baseline = sweep.get(("teacher", 0.0))
    _, _, shares = plot_shares(result, baseline if result is not baseline else None, ax=left)
    _, _, trade = plot_bias_tradeoff(sweep, highlight=(result.mode, result.swap_ratio), ax=right)
    return fig, (left, right), {"shares": shares, "tradeoff": trade}
