"""The privacy loss of a mechanism: how much one output betrays D over its neighbour D′.

For the Laplace and Gaussian mechanisms of :mod:`trustlab.privacy.mechanisms`: the output
densities on two neighbouring datasets and the log-ratio of those densities, the privacy loss
ln(p_D(y) / p_D′(y)) (Dwork & Roth, 2014, Sec. 3.5 and App. A). ε-DP bounds it by ε for every
output; (ε, δ)-DP lets it exceed ε on outputs of small probability (δ).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.privacy.mechanisms import (MECHANISMS, _check_eps_sens, gaussian_delta,
                                         gaussian_sigma, laplace_scale)

__all__ = ["MechanismResult", "compute_mechanism", "output_densities", "privacy_loss"]


def _scale(mechanism, epsilon, sensitivity, delta):
    if mechanism == "laplace":
        return laplace_scale(epsilon, sensitivity)
    calibration = "classic" if mechanism == "gaussian" else "analytic"
    return gaussian_sigma(epsilon, delta, sensitivity, calibration)


def output_densities(mechanism, scale, value_d, value_d_prime, y):
    """Densities at ``y`` of the mechanism's output on D (answer f(D)) and on D′ (answer f(D′)).

    ``scale`` is the Laplace scale b or the Gaussian σ.

    >>> p, q = output_densities("laplace", 1.0, 0.0, 1.0, [0.0])
    >>> round(float(p[0]), 3), round(float(q[0]), 3)
    (0.5, 0.184)
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    s = check_number("scale", scale, 0.0, low_open=True)
    y = np.asarray(y, dtype=float)
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
    check_choice("mechanism", mechanism, MECHANISMS)
    s = check_number("scale", scale, 0.0, low_open=True)
    y = np.asarray(y, dtype=float)
    if mechanism == "laplace":
        return (abs(y - value_d_prime) - abs(y - value_d)) / s
    return ((y - value_d_prime) ** 2 - (y - value_d) ** 2) / (2 * s * s)


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
        """A rounded one-line summary."""
        name = "scale b" if self.mechanism == "laplace" else "sigma"
        delta = "" if self.mechanism == "laplace" else (
            f"  exact delta={self.exact_delta:.2g} (target {self.delta:g})")
        return (f"{self.mechanism}: {name}={self.scale:.2f}  release={self.release:.2f}  "
                f"max loss on grid={self.max_loss:.2f} vs epsilon={self.epsilon:.2f}  "
                f"P[loss > epsilon]={self.tail_probability:.2g}{delta}")


def compute_mechanism(mechanism="laplace", epsilon=1.0, sensitivity=1.0, delta=1e-5, value_d=100.0,
                      n_samples=2000, seed=0) -> MechanismResult:
    """Release f(D) = ``value_d`` with a mechanism, and compare its outputs on D and on D′.

    D′ differs from D in one person, who moves the answer by the full sensitivity:
    f(D′) = f(D) + Δ. The result holds both output densities and the privacy loss on a grid,
    ``n_samples`` draws from M(D) (the first is "the" release), the exact probability that a draw
    from M(D) has privacy loss above ε (0 for Laplace; below δ for the classic Gaussian) and the
    fraction of the samples that do, and the exact δ of the noise (:func:`gaussian_delta`; the
    tail may exceed it: a loss above ε is only harmful in proportion to 1 − e^(ε − loss)).

    >>> compute_mechanism("laplace", epsilon=1.0, seed=0).summary()
    'laplace: scale b=1.00  release=100.32  max loss on grid=1.00 vs epsilon=1.00  P[loss > epsilon]=0'
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    eps, sens = _check_eps_sens(epsilon, sensitivity)
    d = check_number("delta", delta, 0.0, 1.0, low_open=True, high_open=True)
    f_d = check_number("value_d", value_d)
    n = check_int("n_samples", n_samples, 1)
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
        tail = exact_delta = 0.0  # the loss is at most Δ/b = ε for every output
    else:
        samples = f_d + rng.normal(0.0, scale, n)
        # For y ~ M(D) the loss is Normal(μ, 2μ) with μ = Δ²/2σ² (Dwork & Roth 2014, App. A).
        tail = float(special.ndtr(sens / (2 * scale) - eps * scale / sens))
        exact_delta = gaussian_delta(scale, eps, sens)
    sample_loss = privacy_loss(mechanism, scale, f_d, f_d2, samples)
    return MechanismResult(mechanism, eps, d, sens, scale, f_d, f_d2, float(samples[0]),
                           float(loss.max()), tail, exact_delta, float(np.mean(sample_loss > eps)),
                           y, p, p2, loss, samples)
