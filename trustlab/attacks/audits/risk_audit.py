"""Bound, attack and audit on one slider: what DP-SGD allows, what a canary attack does, what it proves.

For one setting (σ, q, epochs) of the shipped one-run sweep (:mod:`trustlab.attacks.audits.canary_audit`):
the largest TPR any membership test may reach (:func:`trustlab.privacy.risk.attack_tpr_bound`,
from the privacy loss distribution) beside the same from the single (ε, δ) pair; the measured
ROC of the canary attack of that one training run; and the ε_lb it proves
(:func:`trustlab.attacks.audits.one_run_audit.audit_one_run`). The kit's reading: the canaries' ROC is
the attack "measured" here; the test suite checks it never crosses the bound.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["RiskAudit", "compare_audits", "compute_risk_audit", "epsilon_lb_by_canaries"]


@dataclass(frozen=True)
class RiskAudit:
    """One setting: the DP bound (``risk``; None without noise), the run, its ROC and its audit."""

    risk: object  # trustlab.privacy.risk.RiskResult or None (σ = 0: no bound)
    run: object  # trustlab.attacks.audits.canary_audit.CanaryRun
    audit: object  # trustlab.attacks.audits.one_run_audit.OneRunAudit
    fpr: np.ndarray
    tpr: np.ndarray
    auc: float
    sweep: tuple = ()  # (σ, accountant ε, ε_lb) of every σ at this (q, epochs)

    def summary(self) -> str:
        """One rounded line."""
        r = self.run
        from trustlab.attacks.membership import tpr_at_fpr

        measured = f"canary attack AUC={self.auc:.3f} TPR@10%FPR={tpr_at_fpr(self.fpr, self.tpr, 0.1):.3f}"
        if self.risk is None:
            bound = "no DP: no bound"
        else:
            bound = (f"epsilon={self.risk.epsilon:.2f}: AUC<={self.risk.auc:.3f} "
                     f"TPR@10%FPR<={self.risk.tpr_at[0.1]:.3f}")
        return (f"sigma={r.noise_multiplier:g} q={r.sample_rate:.3g} epochs={r.epochs} | {bound} | {measured} | "
                f"one run ({len(r.scores)} canaries): epsilon_lb={self.audit.epsilon_lb:.2f} (95%)")


def _roc(run):
    from trustlab.attacks.membership import roc_metrics

    return roc_metrics(run.scores, run.included)


@functools.lru_cache(maxsize=8)
def _sweep(seed):
    from trustlab.attacks.audits.canary_audit import load_one_run_sweep

    return load_one_run_sweep(seed)


def _audit(run):
    from trustlab.attacks.audits.one_run_audit import audit_one_run

    return audit_one_run(run.scores, run.included, delta=run.delta, epsilon=run.epsilon)


@functools.lru_cache(maxsize=512)
def _grid_audit(seed, key):
    return _audit(_sweep(seed)["grid"][key])


def compute_risk_audit(noise_multiplier=1.0, sample_rate=0.05, epochs=20, *, seed=0) -> RiskAudit:
    """Look a grid setting up in the shipped sweep and put bound, attack and audit side by side.

    >>> r = compute_risk_audit(1.0, 0.05, 20)
    >>> r.audit.epsilon_lb <= r.risk.epsilon, bool(np.all(r.tpr <= 1))
    (True, True)
    """
    from trustlab.attacks.audits.canary_audit import GRID
    from trustlab.privacy.risk import compute_risk

    key = (float(noise_multiplier), float(sample_rate), int(epochs))
    grid = _sweep(seed)["grid"]
    if key not in grid:
        raise ValueError(f"(noise_multiplier, sample_rate, epochs) must be on the shipped grid {GRID}, "
                         f"got {key}; train other settings with trustlab.attacks.audits.canary_audit.train_canary_run")
    run = grid[key]
    risk = None if run.noise_multiplier == 0 else compute_risk(
        run.noise_multiplier, run.sample_rate, steps=run.steps, delta=run.delta)
    fpr, tpr, auc = _roc(run)
    rows = tuple((s, grid[(s, key[1], key[2])].epsilon, _grid_audit(seed, (s, key[1], key[2])).epsilon_lb)
                 for s in GRID["noise_multiplier"])
    return RiskAudit(risk, run, _grid_audit(seed, key), fpr, tpr, auc, rows)


def epsilon_lb_by_canaries(seed=0) -> list:
    """Rows ``(σ, m, ε_lb mean, ε_lb half-width of a 95 % t-interval, n seeds)`` from the shipped sweep."""
    from scipy.stats import t as student

    runs = _sweep(seed)["counts"]
    rows = []
    for sigma in sorted({r.noise_multiplier for r in runs}):
        for m in sorted({len(r.scores) for r in runs}):
            lbs = np.array([_audit(r).epsilon_lb for r in runs
                            if r.noise_multiplier == sigma and len(r.scores) == m])
            half = float(student.ppf(0.975, len(lbs) - 1) * lbs.std(ddof=1) / math.sqrt(len(lbs)))
            rows.append((sigma, m, float(lbs.mean()), half, len(lbs)))
    return rows


def compare_audits(seed=0) -> list:
    """Shadow-model audit (33 models per σ) against the one-run audit (1 model), per σ.

    Rows ``(σ, accountant ε, shadow ε_lb, models, one-run ε_lb clean, one-run ε_lb noise canaries,
    models)``; the shadow audit is LiRA online over the shipped shadow sets
    (:func:`trustlab.attacks.audits.audit.compute_privacy_audit`), ε_lb its 95 % lower end.
    """
    from trustlab.attacks.audits.audit import compute_privacy_audit
    from trustlab.attacks.shadows import load_shadow_sets

    sets = load_shadow_sets(seed=seed)
    runs = _sweep(seed)["compare"]
    half = len(runs) // 2  # clean canaries first, then noise canaries, each over the same σ
    rows = []
    for clean, noise in zip(runs[:half], runs[half:]):
        s = sets[clean.noise_multiplier]
        shadow = compute_privacy_audit(s, "lira_online", seed=seed).audit
        rows.append((clean.noise_multiplier, s.epsilon, max(shadow.epsilon_lb_low, 0.0), len(s.confidences),
                     _audit(clean).epsilon_lb, _audit(noise).epsilon_lb, 1))
    return rows
