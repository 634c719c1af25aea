"""Auditing DP-SGD with one training run (Steinke, Nasr & Jagielski, NeurIPS 2023).

The paper: "We propose a scheme for auditing differentially private machine learning systems
with a single training run. This exploits the parallelism of being able to add or remove
multiple training examples independently." Procedure, in its notation: m canaries, each
included in training independently with probability ½ (S_i = +1 in, −1 out); train once; score
every canary; guess T_i = +1 for the k₊ highest scores, −1 for the k₋ lowest and abstain (0)
elsewhere, r = k₊ + k₋ guesses; count the correct ones, W = Σ max(0, T_i·S_i). Its main theorem
bounds the number of correct guesses of any (ε, δ)-DP training: with
f(v) = P[Binomial(r, e^ε / (1 + e^ε)) ≥ v],

    P[W ≥ v] ≤ f(v) + 2mδ · max_{i = 1 … v} (f(v − i) − f(v)) / i,

(for δ = 0, as if each guess were an ε-DP randomized response of S_i). A run that makes v
correct guesses therefore proves, at confidence 1 − β, every ε whose right-hand side is ≤ β:
ε_lb is the largest such ε (the paper's conversion; found here with Brent's method).

The kit's reading: the paper reports the best of several (k₊, k₋); to keep the 95 % honest
when choosing after seeing the result, :func:`audit_one_run` tries a fixed list of guess counts
and divides β among them (Bonferroni).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit
from scipy.stats import binom

from trustlab._validate import check_int, check_number

__all__ = ["GUESS_FRACTIONS", "OneRunAudit", "abstaining_guesses", "audit_one_run", "one_run_epsilon_lb",
           "one_run_p_value"]

#: Guess counts tried by :func:`audit_one_run`, as (k₊, k₋) fractions of m.
GUESS_FRACTIONS = ((0.02, 0.0), (0.05, 0.0), (0.1, 0.0), (0.2, 0.0), (0.05, 0.05), (0.1, 0.1),
                   (0.25, 0.25), (0.5, 0.5))


def _check_counts(m, r, v):
    m = check_int("m (canaries)", m, 1)
    r = check_int("r (guesses)", r, 0, m)
    return m, r, check_int("v (correct guesses)", v, 0, r)


def one_run_p_value(m, r, v, epsilon, delta=0.0) -> float:
    """P[W ≥ v] allowed by (ε, δ)-DP: the chance of ``v`` or more correct guesses out of ``r``.

    Small means "an (ε, δ)-DP training would rarely guess this well": the claim is rejected.

    >>> round(one_run_p_value(10, 10, 10, 1.0), 4)          # all ten right: (e/(1+e))^10
    0.0436
    >>> one_run_p_value(1000, 100, 80, 1.0, delta=1e-5) > one_run_p_value(1000, 100, 80, 1.0)
    True
    """
    m, r, v = _check_counts(m, r, v)
    eps = check_number("epsilon", epsilon, 0.0)
    d = check_number("delta", delta, 0.0, 1.0)
    if v == 0:
        return 1.0
    p = float(expit(eps))  # accuracy of ε-DP randomized response
    f_v = float(binom.sf(v - 1, r, p))
    if d == 0:
        return min(f_v, 1.0)
    i = np.arange(1, v + 1)
    alpha = float(np.max((binom.sf(v - i - 1, r, p) - f_v) / i))
    return min(f_v + 2 * m * d * alpha, 1.0)


def one_run_epsilon_lb(m, r, v, delta=0.0, confidence=0.95) -> float:
    """ε_lb: the largest ε that ``v`` correct of ``r`` guesses on ``m`` canaries rule out at ``confidence``.

    0 means nothing is proven. ε_lb grows with the number of correct guesses and, for the same
    accuracy, with the number of guesses.

    >>> round(one_run_epsilon_lb(10, 10, 10), 3)   # logit(0.05 ** (1/10))
    1.052
    >>> one_run_epsilon_lb(100, 50, 25)            # half right: no better than guessing
    0.0
    """
    m, r, v = _check_counts(m, r, v)
    d = check_number("delta", delta, 0.0, 1.0)
    c = check_number("confidence", confidence, 0.0, 1.0, low_open=True, high_open=True)
    beta = 1.0 - c

    def rejected(eps):
        return one_run_p_value(m, r, v, eps, d) <= beta

    if not rejected(0.0):
        return 0.0
    low, high = 0.0, 1.0
    while rejected(high):  # bracket the largest rejected ε
        low, high = high, 2 * high
        if high > 1e3:
            return math.inf
    # p(ε) rises continuously with ε: the crossing of β, kept on the rejected side
    root = float(brentq(lambda e: beta - one_run_p_value(m, r, v, e, d), low, high, xtol=1e-10))
    return root if rejected(root) else max(low, root - 1e-9)


def abstaining_guesses(scores, k_plus, k_minus=0) -> np.ndarray:
    """Guesses in {−1, 0, +1}: +1 for the ``k_plus`` highest scores, −1 for the ``k_minus`` lowest.

    >>> abstaining_guesses([0.9, 0.1, 0.5, 0.7], 1, 1).tolist()
    [1, -1, 0, 0]
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1 or not np.isfinite(s).all():
        raise ValueError(f"scores must be a 1-d array of finite numbers, got shape {s.shape}")
    k_plus = check_int("k_plus", k_plus, 0, len(s))
    k_minus = check_int("k_minus", k_minus, 0, len(s) - k_plus)
    order = np.argsort(-s, kind="stable")
    guesses = np.zeros(len(s), dtype=int)
    guesses[order[:k_plus]] = 1
    if k_minus:
        guesses[order[-k_minus:]] = -1
    return guesses


@dataclass(frozen=True)
class OneRunAudit:
    """One training run audited: the best proven ε_lb and the guesses behind it."""

    epsilon_lb: float  # proven at `confidence` (Bonferroni over the guess counts tried)
    m: int
    k_plus: int
    k_minus: int
    correct: int
    confidence: float
    delta: float
    epsilon: float = math.inf  # the accountant's ε (inf: trained without DP)

    def summary(self) -> str:
        """One rounded line."""
        r = self.k_plus + self.k_minus
        eps = "inf (no DP)" if math.isinf(self.epsilon) else f"{self.epsilon:.2f}"
        return (f"one run, m={self.m} canaries: {self.correct}/{r} guesses right "
                f"(k+={self.k_plus}, k-={self.k_minus}) -> epsilon_lb={self.epsilon_lb:.2f} "
                f"({self.confidence:.0%})  accountant epsilon={eps}")


def audit_one_run(scores, included, *, delta=1e-5, confidence=0.95, guess_fractions=GUESS_FRACTIONS,
                  epsilon=math.inf) -> OneRunAudit:
    """Turn one run's canary scores into ε_lb (Steinke et al. 2023), best of the guess counts tried.

    Parameters
    ----------
    scores : array (m,)
        One score per canary from the trained model; higher means "more likely trained on".
    included : bool array (m,)
        Which canaries were in training (S_i = +1); drawn with probability ½ each, before training.
    delta : float in [0, 1]
        The δ of the (ε, δ) claim being tested.
    confidence : float in (0, 1)
        Shared by all guess counts (each is tested at 1 − (1 − confidence) / len(guess_fractions)).
    guess_fractions : sequence of (k₊ / m, k₋ / m)
    epsilon : float
        The accountant's ε, stored beside the bound.
    """
    s = np.asarray(scores, dtype=float)
    inc = np.asarray(included, dtype=bool)
    if s.shape != inc.shape or s.ndim != 1:
        raise ValueError(f"scores and included must be 1-d of the same length, got {s.shape} and {inc.shape}")
    m = len(s)
    c = check_number("confidence", confidence, 0.0, 1.0, low_open=True, high_open=True)
    each = 1 - (1 - c) / len(guess_fractions)
    truth = np.where(inc, 1, -1)
    best = None
    for fp, fm in guess_fractions:
        kp, km = int(round(fp * m)), int(round(fm * m))
        if kp + km == 0 or kp + km > m:
            continue
        guesses = abstaining_guesses(s, kp, km)
        correct = int((guesses * truth > 0).sum())
        lb = one_run_epsilon_lb(m, kp + km, correct, delta, each)
        if best is None or lb > best[0]:
            best = (lb, kp, km, correct)
    if best is None:
        raise ValueError(f"no guess count in guess_fractions fits m={m} canaries")
    return OneRunAudit(best[0], m, best[1], best[2], best[3], c, float(delta), float(epsilon))
