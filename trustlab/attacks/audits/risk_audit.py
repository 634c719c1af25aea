"""Bound, attack and audit on one slider: what DP-SGD allows, what a canary attack does, what it proves.

For one setting (σ, q, epochs) of the shipped one-run sweep (:mod:`trustlab.attacks.audits.one_run_sweep`),
or trained now: the largest TPR any membership test may reach
(:func:`trustlab.privacy.risk.attack_tpr_bound`, from the privacy loss distribution) beside the
same from the single (ε, δ) pair; the measured ROC of the canary attack, pooled over the runs of
five seeds; and the ε_lb each run proves (:func:`trustlab.attacks.audits.one_run_audit.audit_one_run`),
as a mean with its 95 % interval. The kit's reading: the canaries' ROC is the attack "measured"
here; the test suite checks that no run's ROC crosses its bound.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from trustlab._validate import check_int, check_number

__all__ = ["RiskAudit", "compare_audits", "compute_risk_audit", "compute_risk_audit_now",
           "epsilon_lb_by_canaries"]


@dataclass(frozen=True)
class RiskAudit:
    """One setting: the DP bound (``risk``; None without noise), the runs, their ROC and audits."""

    risk: object  # trustlab.privacy.risk.RiskResult or None (σ = 0: no bound)
    runs: tuple  # trustlab.attacks.audits.canary_audit.CanaryRun per seed
    audits: tuple  # trustlab.attacks.audits.one_run_audit.OneRunAudit per seed
    fpr: np.ndarray  # ROC of every run's canaries pooled
    tpr: np.ndarray
    auc: float
    sweep: tuple = ()  # (σ, accountant ε, ε_lb per seed) of every σ at this (q, epochs)
    live: bool = False  # trained now (True) or read from the shipped sweep

    @property
    def run(self):
        """The first seed's run (its σ, q, steps and ε describe the setting)."""
        return self.runs[0]

    @property
    def epsilon_lb(self) -> np.ndarray:
        """ε_lb proven by each run (95 %), one per seed."""
        return np.array([a.epsilon_lb for a in self.audits])

    def summary(self) -> str:
        """One rounded line: bound, measured attack, and ε_lb as mean ± 95 % interval over seeds."""
        from trustlab.attacks.membership import tpr_at_fpr
        from trustlab.stats import format_ci

        r = self.run
        measured = f"canary attack AUC={self.auc:.3f} TPR@10%FPR={tpr_at_fpr(self.fpr, self.tpr, 0.1):.3f}"
        if self.risk is None:
            bound = "no DP: no bound"
        else:
            bound = (f"epsilon={self.risk.epsilon:.2f}: AUC<={self.risk.auc:.3f} "
                     f"TPR@10%FPR<={self.risk.tpr_at[0.1]:.3f}")
        where = "trained now" if self.live else "shipped runs"
        return (f"sigma={r.noise_multiplier:g} q={r.sample_rate:.3g} epochs={r.epochs} | {bound} | {measured} | "
                f"one run each ({len(r.scores)} canaries): epsilon_lb={format_ci(self.epsilon_lb, 2, seeds=False)} "
                f"(95%; {len(self.runs)} seeds, {where})")


@functools.lru_cache(maxsize=8)
def _sweep(seed):
    from trustlab.attacks.audits.one_run_sweep import load_one_run_sweep

    return load_one_run_sweep(seed)


def _audit(run):
    from trustlab.attacks.audits.one_run_audit import audit_one_run

    return audit_one_run(run.scores, run.included, delta=run.delta, epsilon=run.epsilon)


@functools.lru_cache(maxsize=512)
def _grid_audits(seed, key):
    return tuple(_audit(run) for run in _sweep(seed)["grid"][key])


def _assemble(runs, audits, rows, live):
    from trustlab.attacks.membership import roc_metrics
    from trustlab.privacy.risk import compute_risk

    # the runs' q can differ in the last step of rounding (q = 1 / ceil(n / batch)): the bound
    # drawn is the loosest of them, the one of the largest ε
    widest = max(runs, key=lambda r: r.epsilon)
    risk = None if widest.noise_multiplier == 0 else compute_risk(
        widest.noise_multiplier, widest.sample_rate, steps=widest.steps, delta=widest.delta)
    fpr, tpr, auc = roc_metrics(np.concatenate([r.scores for r in runs]),
                                np.concatenate([r.included for r in runs]))
    return RiskAudit(risk, tuple(runs), tuple(audits), fpr, tpr, auc, rows, live)


def _rows(seed, q, epochs):
    from trustlab.attacks.audits.one_run_sweep import GRID

    grid = _sweep(seed)["grid"]
    return tuple((s, max(r.epsilon for r in grid[(s, q, epochs)]),
                  tuple(a.epsilon_lb for a in _grid_audits(seed, (s, q, epochs))))
                 for s in GRID["noise_multiplier"])


def compute_risk_audit(noise_multiplier=1.0, sample_rate=0.05, epochs=20, *, seed=0) -> RiskAudit:
    """Look a grid setting up in the shipped sweep and put bound, attack and audit side by side.

    >>> r = compute_risk_audit(1.0, 0.05, 20)
    >>> bool(r.epsilon_lb.max() <= r.risk.epsilon), len(r.runs), bool(np.all(r.tpr <= 1))
    (True, 5, True)
    """
    from trustlab.attacks.audits.one_run_sweep import GRID, grid_keys

    key = (check_number("noise_multiplier", noise_multiplier, 0), check_number("sample_rate", sample_rate, 0, 1),
           check_int("epochs", epochs, 1))
    if key not in grid_keys():  # checked before the sweep is read
        raise ValueError(f"(noise_multiplier, sample_rate, epochs) must be on the shipped grid {GRID}, "
                         f"got {key}; compute_risk_audit_now trains any setting")
    grid = _sweep(seed)["grid"]
    return _assemble(grid[key], _grid_audits(seed, key), _rows(seed, key[1], key[2]), False)


def compute_risk_audit_now(noise_multiplier=1.0, sample_rate=0.05, epochs=20, *, seeds=(0, 1, 2, 3, 4),
                           seed=0, progress=False, on_epoch=None) -> RiskAudit:
    """Train the setting now (one run per seed, batched) and audit it; the σ rows stay the grid's.

    Off the grid too: any σ ≥ 0, q in (0, 1] and epochs. Costs about 1 s per 500 steps of five
    seeds on one core (steps = epochs / q). ``seed`` names the shipped sweep the rows come from.
    """
    from trustlab.attacks.audits.canary_audit import train_canary_runs
    from trustlab.attacks.audits.one_run_sweep import GRID

    runs = train_canary_runs(noise_multiplier, sample_rate=sample_rate, epochs=epochs, seeds=seeds,
                             progress=progress, on_epoch=on_epoch)
    q = min(GRID["sample_rate"], key=lambda v: abs(v - sample_rate))
    e = min(GRID["epochs"], key=lambda v: abs(v - epochs))
    return _assemble(runs, [_audit(r) for r in runs], _rows(seed, q, e), True)


def epsilon_lb_by_canaries(seed=0) -> list:
    """Rows ``(σ, m, ε_lb mean, half-width of its 95 % t-interval, n seeds)`` from the shipped sweep."""
    from trustlab.stats import mean_ci

    rows = []
    for runs in _sweep(seed)["counts"]:
        iv = mean_ci([_audit(r).epsilon_lb for r in runs])
        rows.append((runs[0].noise_multiplier, len(runs[0].scores), iv.mean, iv.half_width, iv.n))
    return rows


def compare_audits(seed=0) -> list:
    """Shadow-model audit (33 models per σ and seed) against the one-run audit (1 model), per σ.

    Rows ``(σ, accountant ε, shadow ε_lb per seed, models per seed, one-run ε_lb per seed with
    clean canaries, the same with noise canaries, models per seed)``; the shadow audit is LiRA
    online over the shipped shadow sets (:func:`trustlab.attacks.audits.audit.compute_privacy_audit`),
    its ε_lb the 95 % lower end (0 where below). Per-seed values are numpy arrays.
    """
    from trustlab.attacks.audits.audit import compute_privacy_audit
    from trustlab.attacks.shadows import load_shadow_seeds

    shadows = load_shadow_seeds()
    runs = _sweep(seed)["compare"]
    half = len(runs) // 2  # clean canaries first, then noise canaries, each over the same σ
    rows = []
    for clean, noise in zip(runs[:half], runs[half:]):
        sigma = clean[0].noise_multiplier
        sets = shadows[sigma]
        audit = compute_privacy_audit(list(sets), "lira_online", seed=seed)
        eps = max(s.epsilon for s in sets)
        rows.append((sigma, eps, audit.epsilon_proven, len(sets[0].confidences),
                     np.array([_audit(r).epsilon_lb for r in clean]),
                     np.array([_audit(r).epsilon_lb for r in noise]), 1))
    return rows
