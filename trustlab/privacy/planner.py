"""The ε planner (notebook 10): σ → ε, or a target ε → σ, for a DP-SGD budget before training.

A thin layer over :mod:`trustlab.privacy.accounting` (Opacus' RDP and PRV accountants): it
turns epochs and a sample rate into steps, checks what the accountants can answer quickly, and
keeps ε after 1 … 10× the planned steps for the planner's plot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from trustlab._validate import check_bool, check_choice, check_int, check_number
from trustlab.privacy.accounting import (MAX_TARGET_EPSILON, epsilon, epsilon_curve,
                                         noise_multiplier_for)

__all__ = ["PLANNER_MAX_PRV_STEPS", "PLANNER_MAX_STEPS", "PrivacyPlan", "compute_privacy_plan"]

#: Most steps :func:`compute_privacy_plan` sends to the PRV accountant (its memory grows with steps).
PLANNER_MAX_PRV_STEPS = 100_000
#: Most steps the planner plans (its curve goes to 10x; beyond, int64 step counts overflow).
PLANNER_MAX_STEPS = 10**8


@dataclass(frozen=True)
class PrivacyPlan:
    """One DP-SGD privacy budget: σ, q, steps and δ, and the ε they spend (or the σ a target needs)."""

    mode: str
    noise_multiplier: float
    sample_rate: float
    epochs: int
    steps: int
    delta: float
    epsilon: float
    target_epsilon: float | None = None
    prv_epsilon: float | None = None
    curve_steps: np.ndarray = field(default=None, repr=False, compare=False)
    curve_epsilon: np.ndarray = field(default=None, repr=False, compare=False)
    curve_full_batch: np.ndarray = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """A rounded one-line summary."""
        setting = f"q={self.sample_rate:.3g}  steps={self.steps:,} ({self.epochs} epochs)  delta={self.delta:g}"
        prv = "" if self.prv_epsilon is None else f"  PRV epsilon={self.prv_epsilon:.2f}"
        if self.mode == "noise_multiplier":
            return (f"target epsilon={self.target_epsilon:.2f} -> noise_multiplier={self.noise_multiplier:.3f}"
                    f" (RDP epsilon={self.epsilon:.2f})  {setting}{prv}")
        return f"noise_multiplier={self.noise_multiplier:.3f}  {setting} -> RDP epsilon={self.epsilon:.2f}{prv}"


def compute_privacy_plan(mode="epsilon", noise_multiplier=1.0, target_epsilon=3.0, sample_rate=0.01,
                         epochs=10, delta=1e-5, with_prv=False) -> PrivacyPlan:
    """Plan a DP-SGD budget: σ → ε (``mode="epsilon"``) or target ε → σ (``mode="noise_multiplier"``).

    ``steps = round(epochs / sample_rate)`` (Poisson sampling draws 1/q batches per epoch on
    average). The RDP answer is live; ``with_prv=True`` adds the tighter PRV ε (0.1–15 s). The
    result also holds ε after 1 … 10× the planned steps, with sampling rate q and without
    sampling (q = 1, every step sees everyone): composition and amplification in one plot.

    >>> compute_privacy_plan("epsilon", noise_multiplier=1.0, sample_rate=0.01, epochs=10).summary()
    'noise_multiplier=1.000  q=0.01  steps=1,000 (10 epochs)  delta=1e-05 -> RDP epsilon=2.10'
    """
    check_choice("mode", mode, ("epsilon", "noise_multiplier"))
    # Both are checked in either mode: a typo in the one this mode ignores is still refused.
    sigma = check_number("noise_multiplier", noise_multiplier, 0.0, low_open=True)
    target = check_number("target_epsilon", target_epsilon, 0.0, MAX_TARGET_EPSILON, low_open=True)
    q = check_number("sample_rate", sample_rate, 0.0, 1.0, low_open=True)
    n_epochs = check_int("epochs", epochs, 1)
    check_number("delta", delta, 0.0, 1.0, low_open=True, high_open=True)
    check_bool("with_prv", with_prv)
    steps = max(1, round(n_epochs / q))
    if steps > PLANNER_MAX_STEPS:
        raise ValueError(f"epochs / sample_rate = {n_epochs / q:.3g} steps; the planner plans at most "
                         f"{PLANNER_MAX_STEPS:,} steps (allowed: fewer epochs or a larger sample_rate)")
    if mode == "noise_multiplier":
        noise_multiplier = noise_multiplier_for(target, q, steps, delta)
    else:
        noise_multiplier, target = sigma, None
    eps = epsilon(noise_multiplier, q, steps, delta)
    if with_prv and steps > PLANNER_MAX_PRV_STEPS:
        raise ValueError(f"steps={steps:,} (epochs / sample_rate) is too many for the planner's PRV accountant; "
                         f"allowed: steps <= {PLANNER_MAX_PRV_STEPS:,} (1e6 steps take ~10 s and ~0.6 GB here). "
                         "Use RDP, fewer epochs or a larger sample_rate")
    prv = epsilon(noise_multiplier, q, steps, delta, accountant="prv") if with_prv else None
    grid = np.unique(np.append(np.geomspace(1, 10 * steps, 40).round().astype(int), steps))
    curve = epsilon_curve(noise_multiplier, q, grid, delta)
    full = epsilon_curve(noise_multiplier, 1.0, grid, delta)
    return PrivacyPlan(mode, float(noise_multiplier), q, n_epochs, steps, float(delta), eps, target, prv,
                       grid, curve, full)
