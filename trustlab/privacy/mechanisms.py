"""The Laplace and Gaussian mechanisms in pure numpy, and the sensitivity that calibrates them.

The Laplace mechanism (Dwork, McSherry, Nissim & Smith, 2006) adds noise of scale Δ₁/ε; the
Gaussian mechanism adds noise of standard deviation σ calibrated to Δ₂, ε and δ, classically
σ = sqrt(2 ln(1.25/δ))·Δ₂/ε for ε < 1 (Dwork & Roth, 2014, Thm A.1) or exactly for any ε
(the analytic Gaussian mechanism, Balle & Wang, 2018). Randomized response is in
:mod:`trustlab.privacy.randomized_response`, the privacy loss in :mod:`trustlab.privacy.loss`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy import optimize, special

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_choice, check_int, check_number

__all__ = [
    "EPSILON_RANGE",
    "MAX_DRAWS",
    "MECHANISMS",
    "SENSITIVITY_RANGE",
    "Sensitivity",
    "clipped_sum_sensitivity",
    "gaussian_delta",
    "gaussian_mechanism",
    "gaussian_sigma",
    "laplace_mechanism",
    "laplace_scale",
]


#: Mechanisms understood by :func:`~trustlab.privacy.loss.compute_mechanism`: the Laplace
#: mechanism and the Gaussian mechanism with the classic (ε < 1 only) or the analytic
#: calibration of σ.
MECHANISMS = ("laplace", "gaussian", "analytic_gaussian")


#: Ranges of ε and of a sensitivity the mechanisms accept: beyond them the noise scale Δ/ε
#: leaves the range of floats that its densities and δ can be computed in (1e-320 gave inf).
EPSILON_RANGE, SENSITIVITY_RANGE = (1e-6, 1e3), (1e-9, 1e9)
#: Most noise draws one call makes (10^7 float64: 80 MB).
MAX_DRAWS = 10_000_000


def _check_eps_sens(epsilon, sensitivity):
    eps = check_number("epsilon", epsilon, *EPSILON_RANGE)
    sens = check_number("sensitivity", sensitivity, *SENSITIVITY_RANGE)
    return eps, sens


def _check_release(value, size):
    """``(value as a finite float array, output shape)``: size None, a count or a shape tuple."""
    value = check_array("value", value, ndim=None, nonempty=True)
    if size is None:
        return value, value.shape
    shape = (size,) if not isinstance(size, tuple) else size
    shape = tuple(check_int("size", s, 1) for s in shape)
    if value.ndim and shape[-value.ndim:] != value.shape:
        raise ValueError(f"size must end with value's shape {value.shape} (one noise draw per entry), "
                         f"got {shape}")
    if math.prod(shape) > MAX_DRAWS:
        raise ValueError(f"size asks for {math.prod(shape):,} draws; allowed: at most {MAX_DRAWS:,}")
    return value, shape


def laplace_scale(epsilon, sensitivity=1.0) -> float:
    """Scale b = Δ₁/ε of the Laplace noise that gives ε-DP for a query of L1 sensitivity Δ₁.

    Larger ε (weaker privacy) means less noise.

    >>> laplace_scale(0.5, sensitivity=1.0)
    2.0
    """
    eps, sens = _check_eps_sens(epsilon, sensitivity)
    return sens / eps


def gaussian_delta(sigma, epsilon, sensitivity=1.0) -> float:
    """Smallest δ for which Gaussian noise of std ``sigma`` gives (ε, δ)-DP (Balle & Wang, 2018, Thm 8).

    δ = Φ(Δ/2σ − εσ/Δ) − e^ε Φ(−Δ/2σ − εσ/Δ); 0 would be pure ε-DP, which Gaussian noise never gives.

    >>> f"{gaussian_delta(4.0, epsilon=1.0):.2e}"
    '2.92e-06'
    """
    eps, sens = _check_eps_sens(epsilon, sensitivity)
    sigma = check_number("sigma", sigma, 0.0, low_open=True)
    a, b = sens / (2 * sigma) - eps * sigma / sens, -sens / (2 * sigma) - eps * sigma / sens
    log_pa, log_pb = special.log_ndtr(a), eps + special.log_ndtr(b)
    if math.isinf(log_pa):  # Φ(a) underflows: the noise is so large that δ is 0 in floats
        return 0.0
    return float(-math.exp(log_pa) * math.expm1(log_pb - log_pa))  # Φ(a)(1 − e^{lb − la}), stable


def gaussian_sigma(epsilon, delta, sensitivity=1.0, calibration="classic") -> float:
    """Standard deviation σ of Gaussian noise that gives (ε, δ)-DP for L2 sensitivity Δ₂.

    ``calibration="classic"``: σ = sqrt(2 ln(1.25/δ))·Δ₂/ε, proved only for ε < 1 (Dwork & Roth,
    2014, Thm A.1), so ε ≥ 1 raises. ``"analytic"``: the smallest σ with
    :func:`gaussian_delta` ≤ δ, valid for every ε and never larger than the classic σ.

    >>> round(gaussian_sigma(0.5, 1e-5), 3), round(gaussian_sigma(0.5, 1e-5, calibration="analytic"), 3)
    (9.69, 7.032)
    """
    eps, sens = _check_eps_sens(epsilon, sensitivity)
    d = check_number("delta", delta, 0.0, 1.0, low_open=True, high_open=True)
    check_choice("calibration", calibration, ("classic", "analytic"))
    if calibration == "classic":
        if eps >= 1:
            raise ValueError(f"epsilon must be in (0, 1) for the classic Gaussian calibration, got {eps:g}; "
                             "use calibration='analytic' (Balle & Wang, 2018) for epsilon >= 1")
        return math.sqrt(2 * math.log(1.25 / d)) * sens / eps
    # δ(σ) decreases in σ: bracket the root on a log scale, then solve.
    lo = hi = sens * math.sqrt(2 * math.log(1.25 / d)) / eps
    while gaussian_delta(lo, eps, sens) <= d:
        lo /= 2
    while gaussian_delta(hi, eps, sens) > d:
        hi *= 2
    root = optimize.brentq(lambda s: gaussian_delta(math.exp(s), eps, sens) - d,
                           math.log(lo), math.log(hi), xtol=1e-12)
    return math.exp(root)


def laplace_mechanism(value, epsilon, sensitivity=1.0, size=None, seed=0):
    """``value`` plus Laplace noise of scale Δ₁/ε: an ε-DP release of a query with L1 sensitivity Δ₁.

    >>> round(float(laplace_mechanism(100.0, epsilon=1.0, seed=0)), 2)
    100.32
    """
    value, shape = _check_release(value, size)
    return value + numpy_rng(seed).laplace(0.0, laplace_scale(epsilon, sensitivity), size=shape)


def gaussian_mechanism(value, epsilon, delta, sensitivity=1.0, calibration="classic", size=None, seed=0):
    """``value`` plus Gaussian noise calibrated by :func:`gaussian_sigma`: an (ε, δ)-DP release.

    >>> round(float(gaussian_mechanism(100.0, epsilon=0.5, delta=1e-5, seed=0)), 2)
    101.22
    """
    value, shape = _check_release(value, size)
    sigma = gaussian_sigma(epsilon, delta, sensitivity, calibration)
    return value + numpy_rng(seed).normal(0.0, sigma, size=shape)


class Sensitivity(NamedTuple):
    """How much one record can change a query's answer, measured in the L1 and the L2 norm."""

    l1: float
    l2: float


def clipped_sum_sensitivity(max_norm, dim) -> Sensitivity:
    """Sensitivities of a sum of ``dim``-dimensional rows, each clipped to L2 norm ``max_norm``.

    Adding or removing one row moves the sum by that row, so Δ₂ = C. Its L1 norm can be as
    large as C·sqrt(d) (the row (C/√d)·(1, …, 1)), so the same clipping gives Δ₁ = √d·Δ₂: the
    Laplace mechanism would need √d times more noise per coordinate than the clipping suggests.

    >>> clipped_sum_sensitivity(1.0, 100)
    Sensitivity(l1=10.0, l2=1.0)
    """
    c = check_number("max_norm", max_norm, *SENSITIVITY_RANGE)
    d = check_int("dim", dim, 1, 10**12)
    return Sensitivity(l1=c * math.sqrt(d), l2=c)
