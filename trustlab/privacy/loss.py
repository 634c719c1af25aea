"""The privacy loss of a mechanism: how much one output betrays D over its neighbour D′.

For the Laplace and Gaussian mechanisms of :mod:`trustlab.privacy.mechanisms`: the output
densities on two neighbouring datasets and the log-ratio of those densities, the privacy loss
L(y) = ln(p_D(y) / p_D′(y)) (Dwork & Roth, 2014, Sec. 3.5 and App. A). ε-DP bounds it by ε for
every output. (ε, δ)-DP is defined by "Pr[M(D) ∈ S] ≤ e^ε Pr[M(D′) ∈ S] + δ" for every set of
outputs S (Dwork & Roth, 2014, Def. 2.4); the smallest such δ is the hockey-stick divergence
δ(ε) = E_{y~M(D)}[(1 − e^{ε − L(y)})₊] (Balle & Wang, 2018, Thm 5; Balle, Barthe & Gaboardi,
2018), computed by :func:`loss_delta`. P[L > ε] ≤ δ is sufficient, not necessary: the loss may
exceed ε with probability larger than δ, and for the analytic Gaussian mechanism it does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_choice, check_int, check_number
from trustlab.privacy.mechanisms import (MAX_DRAWS, MECHANISMS, SENSITIVITY_RANGE, _check_eps_sens,
                                         gaussian_sigma, laplace_scale)

#: Answers f(D) the mechanism explorer accepts: far beyond, f(D) + Δ rounds back to f(D).
VALUE_RANGE = (-1e9, 1e9)

__all__ = ["MechanismResult", "compute_mechanism", "loss_delta", "output_densities", "privacy_loss"]


def _scale(mechanism, epsilon, sensitivity, delta):
    if mechanism == "laplace":
        return laplace_scale(epsilon, sensitivity)
    calibration = "classic" if mechanism == "gaussian" else "analytic"
    return gaussian_sigma(epsilon, delta, sensitivity, calibration)


def _check_inputs(mechanism, scale, value_d, value_d_prime, y):
    check_choice("mechanism", mechanism, MECHANISMS)
    s = check_number("scale", scale, *SENSITIVITY_RANGE)
    f_d = check_number("value_d", value_d, *VALUE_RANGE)
    f_d2 = check_number("value_d_prime", value_d_prime, *VALUE_RANGE)
    return s, f_d, f_d2, check_array("y", y, ndim=(0, 1))


def output_densities(mechanism, scale, value_d, value_d_prime, y):
    """Densities at ``y`` of the mechanism's output on D (answer f(D)) and on D′ (answer f(D′)).

    ``scale`` is the Laplace scale b or the Gaussian σ.

    >>> p, q = output_densities("laplace", 1.0, 0.0, 1.0, [0.0])
    >>> round(float(p[0]), 3), round(float(q[0]), 3)
    (0.5, 0.184)
    """
    s, value_d, value_d_prime, y = _check_inputs(mechanism, scale, value_d, value_d_prime, y)
    if mechanism == "laplace":
        return (np.exp(-abs(y - value_d) / s) / (2 * s), np.exp(-abs(y - value_d_prime) / s) / (2 * s))
    norm = 1 / (s * math.sqrt(2 * math.pi))
    return (norm * np.exp(-((y - value_d) ** 2) / (2 * s * s)),
            norm * np.exp(-((y - value_d_prime) ** 2) / (2 * s * s)))


def privacy_loss(mechanism, scale, value_d, value_d_prime, y):
    """Privacy loss ln(p_D(y) / p_D′(y)) of output ``y``: how much ``y`` betrays D over D′.

    Computed in log space, so it stays exact where both densities underflow. ε-DP means it
    never exceeds ε; (ε, δ)-DP lets it exceed ε on outputs of small probability (δ).

    >>> privacy_loss("laplace", 1.0, 0.0, 1.0, [-5.0, 0.5, 5.0]).tolist()
    [1.0, 0.0, -1.0]
    """
    s, value_d, value_d_prime, y = _check_inputs(mechanism, scale, value_d, value_d_prime, y)
    if mechanism == "laplace":
        return (abs(y - value_d_prime) - abs(y - value_d)) / s
    return ((y - value_d_prime) ** 2 - (y - value_d) ** 2) / (2 * s * s)


def _loss_threshold(mechanism, scale, sensitivity, epsilon):
    """Output y* with L(y) > ε exactly for y < y* (f(D) = 0, f(D′) = Δ), or None if L ≤ ε everywhere."""
    if mechanism == "laplace":
        if epsilon >= sensitivity / scale:
            return None  # the loss never exceeds Δ/b
        # L(y) = Δ/b for y ≤ 0, (Δ − 2y)/b on [0, Δ]: it crosses ε at y = (Δ − εb)/2.
        return (sensitivity - epsilon * scale) / 2
    # L(y) = (Δ² − 2Δy)/2σ² crosses ε at y = Δ/2 − εσ²/Δ.
    return sensitivity / 2 - epsilon * scale * scale / sensitivity


def loss_delta(mechanism, scale, epsilon, sensitivity=1.0) -> float:
    """δ(ε) = E_{y~M(D)}[(1 − e^{ε − L(y)})₊]: the smallest δ for which the noise gives (ε, δ)-DP.

    The expectation of how far the privacy loss L overshoots ε, weighted by 1 − e^{ε − L}: an
    output with loss just above ε costs almost nothing, one with a huge loss costs its whole
    probability. Equivalently ∫ (p_D(y) − e^ε p_D′(y))₊ dy, the most by which any set of
    outputs S can break Pr[M(D) ∈ S] ≤ e^ε Pr[M(D′) ∈ S]. Computed here by numerical
    integration over the outputs (not by a closed form), for the worst-case neighbour
    f(D′) = f(D) + Δ; the tests check it against the analytic Gaussian's closed form
    (:func:`~trustlab.privacy.mechanisms.gaussian_delta`). 0 means pure ε-DP.

    >>> loss_delta("laplace", scale=1.0, epsilon=1.0)          # b = Δ/ε: pure ε-DP
    0.0
    >>> f"{loss_delta('gaussian', scale=4.0, epsilon=1.0):.3e}"  # gaussian_delta(4.0, 1.0)
    '2.924e-06'
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    s = check_number("scale", scale, *SENSITIVITY_RANGE)
    eps, sens = _check_eps_sens(epsilon, sensitivity)
    top = _loss_threshold(mechanism, s, sens, eps)
    if top is None:
        return 0.0

    def excess(y):  # p_D(y)·(1 − e^{ε − L(y)}) = p_D(y) − e^ε p_D′(y), > 0 for y < y*
        p, p2 = output_densities(mechanism, s, 0.0, sens, [y])
        return float(p[0] - math.exp(eps) * p2[0])

    # The integrand is at most p_D: integrate the last 60 noise scales below y* (beyond, < e^-60).
    low = top - 60 * s
    points = [x for x in (0.0,) if low < x < top] if mechanism == "laplace" else None
    from scipy import integrate  # here: ~40 MB with scipy.special, and most importers never integrate

    value, _ = integrate.quad(excess, low, top, points=points, epsabs=0.0, epsrel=1e-10, limit=200)
    return max(float(value), 0.0)


@dataclass(frozen=True)
class MechanismResult:
    """One noisy release of a query on D, next to what the same mechanism does on D′."""

    mechanism: str
    epsilon: float
    delta: float
    sensitivity: float
    scale: float
    value_d: float
    value_d_prime: float
    release: float
    max_loss: float
    tail_probability: float
    exact_delta: float
    sample_tail_fraction: float
    y: np.ndarray = field(repr=False, compare=False)
    density_d: np.ndarray = field(repr=False, compare=False)
    density_d_prime: np.ndarray = field(repr=False, compare=False)
    loss: np.ndarray = field(repr=False, compare=False)
    samples: np.ndarray = field(repr=False, compare=False)

    def summary(self) -> str:
        """A rounded one-line summary: P[L > ε] beside δ(ε) = E[(1 − e^(ε − L))₊], the smallest δ."""
        name = "scale b" if self.mechanism == "laplace" else "sigma"
        target = "" if self.mechanism == "laplace" else f" (target {self.delta:g})"
        return (f"{self.mechanism}: {name}={self.scale:.2f}  release={self.release:.2f}  "
                f"max loss on grid={self.max_loss:.2f} vs epsilon={self.epsilon:.2f}  "
                f"P[loss > epsilon]={self.tail_probability:.2g}  "
                f"delta=E[(1-e^(epsilon-loss))+]={self.exact_delta:.2g}{target}")


def compute_mechanism(mechanism="laplace", epsilon=1.0, sensitivity=1.0, delta=1e-5, value_d=100.0,
                      n_samples=2000, seed=0) -> MechanismResult:
    """Release f(D) = ``value_d`` with a mechanism, and compare its outputs on D and on D′.

    D′ differs from D in one person, who moves the answer by the full sensitivity:
    f(D′) = f(D) + Δ. The result holds both output densities and the privacy loss on a grid,
    ``n_samples`` draws from M(D) (the first is "the" release), the exact probability that a draw
    from M(D) has privacy loss above ε (0 for Laplace) and the fraction of the samples that do,
    and the noise's exact δ at ε, ``exact_delta`` = E[(1 − e^(ε − L))₊] (:func:`loss_delta`).
    The tail probability may exceed δ (the analytic Gaussian's does): a loss above ε costs only
    1 − e^(ε − loss) of its probability, which is what the definition of (ε, δ)-DP adds up.

    >>> compute_mechanism("laplace", epsilon=1.0, seed=0).summary()  # doctest: +NORMALIZE_WHITESPACE
    'laplace: scale b=1.00  release=100.32  max loss on grid=1.00 vs epsilon=1.00  P[loss > epsilon]=0
     delta=E[(1-e^(epsilon-loss))+]=0'
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    eps, sens = _check_eps_sens(epsilon, sensitivity)
    d = check_number("delta", delta, 0.0, 1.0, low_open=True, high_open=True)
    f_d = check_number("value_d", value_d, *VALUE_RANGE)
    n = check_int("n_samples", n_samples, 1, MAX_DRAWS)
    scale = _scale(mechanism, eps, sens, d)
    f_d2 = f_d + sens
    # Wide enough to show where the Gaussian loss crosses ε: at y = f(D) − (εσ²/Δ − Δ/2).
    spread = 8 * scale if mechanism == "laplace" else max(4 * scale, 1.3 * eps * scale**2 / sens)
    y = np.linspace(f_d - spread, f_d2 + spread, 401)
    p, p2 = output_densities(mechanism, scale, f_d, f_d2, y)
    loss = privacy_loss(mechanism, scale, f_d, f_d2, y)
    rng = numpy_rng(seed)
    if mechanism == "laplace":
        samples = f_d + rng.laplace(0.0, scale, n)
        tail = 0.0  # the loss is at most Δ/b = ε for every output
    else:
        samples = f_d + rng.normal(0.0, scale, n)
        # For y ~ M(D) the loss is Normal(μ, 2μ) with μ = Δ²/2σ² (Dwork & Roth 2014, App. A).
        from scipy import special

        tail = float(special.ndtr(sens / (2 * scale) - eps * scale / sens))
    exact_delta = loss_delta(mechanism, scale, eps, sens)
    sample_loss = privacy_loss(mechanism, scale, f_d, f_d2, samples)
    return MechanismResult(mechanism, eps, d, sens, scale, f_d, f_d2, float(samples[0]),
                           float(loss.max()), tail, exact_delta, float(np.mean(sample_loss > eps)),
                           y, p, p2, loss, samples)
