"""Randomized response (Warner, 1965): a private survey, the oldest ε-DP mechanism.

Each respondent answers truthfully with probability ``p_truth`` and gives the opposite answer
otherwise. Any one answer is deniable, yet the population rate can be estimated without bias;
the protocol is ε-DP with ε = ln(p/(1-p)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_int, check_number

__all__ = [
    "RandomizedResponseResult",
    "compute_randomized_response",
    "randomized_response",
    "rr_epsilon",
    "rr_estimate",
    "rr_std_error",
]

#: Most respondents a simulated survey draws (10^7 booleans and uniforms: ~90 MB, ~0.3 s).
MAX_RESPONDENTS = 10_000_000


def _check_p_truth(p_truth):
    return check_number("p_truth", p_truth, 0.5, 1.0, low_open=True)


def rr_epsilon(p_truth) -> float:
    """Privacy loss ε = ln(p/(1-p)) of randomized response; 0 would be perfect deniability.

    ``p_truth`` must be in (0.5, 1]; at 1 nobody lies and ε is infinite.

    >>> round(rr_epsilon(0.75), 4)  # the coin-flip protocol: ln 3
    1.0986
    >>> rr_epsilon(1.0)
    inf
    """
    p = _check_p_truth(p_truth)
    return math.inf if p == 1.0 else math.log(p / (1.0 - p))


def randomized_response(answers, p_truth, seed=0) -> np.ndarray:
    """Each true answer (bool) is kept with probability ``p_truth`` and flipped otherwise.

    >>> randomized_response([True, True, False], p_truth=1.0).tolist()
    [True, True, False]
    """
    p = _check_p_truth(p_truth)
    answers = check_array("answers", answers, kind="bool", ndim=1)
    lie = numpy_rng(seed).random(answers.size) >= p
    return answers ^ lie


def rr_estimate(noisy_answers, p_truth) -> float:
    """Unbiased estimate of the true "yes" rate from randomized answers.

    With λ the observed fraction of "yes", E[λ] = π·p + (1-π)(1-p), so
    π̂ = (λ - (1 - p)) / (2p - 1). It is not clipped to [0, 1]: clipping would bias it.

    >>> rr_estimate([True, False, False, False], p_truth=0.75)  # λ = 0.25 -> π̂ = 0
    0.0
    """
    p = _check_p_truth(p_truth)
    noisy = check_array("noisy_answers", noisy_answers, kind="bool", ndim=1)
    return float((noisy.mean() - (1.0 - p)) / (2.0 * p - 1.0))


def rr_std_error(p_truth, n_respondents) -> float:
    """Standard error of :func:`rr_estimate` for a fixed group of ``n_respondents``.

    Each report is flipped independently with probability 1 - p, so Var(λ) = p(1-p)/n and
    SE = sqrt(p(1-p)/n) / (2p - 1): 0 for a direct survey, unbounded as p -> 0.5.

    >>> round(rr_std_error(0.75, 1000), 4)
    0.0274
    """
    p = _check_p_truth(p_truth)
    n = check_int("n_respondents", n_respondents, 1)
    return math.sqrt(p * (1.0 - p) / n) / (2.0 * p - 1.0)


@dataclass(frozen=True)
class RandomizedResponseResult:
    """One randomized-response survey: the estimate, its error and the ε spent."""

    p_truth: float
    n_respondents: int
    true_rate: float
    observed_rate: float
    estimate: float
    std_error: float
    epsilon: float

    @property
    def error(self) -> float:
        """Estimate minus the true rate (0 is perfect)."""
        return self.estimate - self.true_rate

    def summary(self) -> str:
        """A rounded one-line summary."""
        return (
            f"epsilon={self.epsilon:.2f}  estimate={self.estimate:.3f}  true rate={self.true_rate:.3f}"
            f"  error={self.error:+.3f}  (95% margin ±{1.96 * self.std_error:.3f})"
        )


def compute_randomized_response(p_truth=0.75, n_respondents=1000, true_rate=0.3, seed=0):
    """Run a randomized-response survey of ``n_respondents`` and estimate the true "yes" rate.

    Exactly ``round(true_rate * n_respondents)`` respondents hold a "yes", so every bit of
    error comes from the privacy noise: each report flips with probability 1 - p, so the
    standard error of the estimate is sqrt(p(1-p) / n) / (2p - 1), whatever the true rate.

    >>> compute_randomized_response(0.75, 1000, 0.3, seed=0).summary()
    'epsilon=1.10  estimate=0.280  true rate=0.300  error=-0.020  (95% margin ±0.054)'
    """
    p = _check_p_truth(p_truth)
    n = check_int("n_respondents", n_respondents, 1, MAX_RESPONDENTS)
    rate = check_number("true_rate", true_rate, 0.0, 1.0)
    rng = numpy_rng(seed)
    truth = np.zeros(n, dtype=bool)
    truth[: round(rate * n)] = True
    rng.shuffle(truth)
    noisy = randomized_response(truth, p, seed=rng)
    lam = float(noisy.mean())
    estimate = rr_estimate(noisy, p)
    std_error = rr_std_error(p, n)
    return RandomizedResponseResult(p, n, truth.mean().item(), lam, estimate, std_error, rr_epsilon(p))
