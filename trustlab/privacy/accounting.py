"""Privacy accounting for DP-SGD: ε from (σ, q, steps, δ), and σ from a target ε, on Opacus' accountants.

Rényi DP (Mironov, 2017) of the sampled Gaussian mechanism (Mironov, Talwar & Zhang, 2019),
converted to (ε, δ) as in Balle et al. (2020); the PRV accountant numerically composes privacy
loss random variables (Gopi, Lee & Wutschitz, 2021). Both are Opacus' implementations.

Opacus is imported inside the functions, not at the top: ``import opacus.accountants`` runs
``opacus/__init__`` (PrivacyEngine, grad samplers), about 2.5 s here, and ``import
trustlab.privacy`` must stay cheap for notebooks that never account. Only the accountants are
used here; ``PrivacyEngine`` is imported by ``dpsgd.py`` alone.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from trustlab._validate import check_choice, check_int, check_number

__all__ = ["ACCOUNTANTS", "MAX_PRV_POINTS", "MAX_TARGET_EPSILON", "epsilon", "epsilon_curve",
           "noise_multiplier_for", "prv_cost", "rdp_orders"]

#: Accountants understood by :func:`epsilon` and :func:`noise_multiplier_for`.
ACCOUNTANTS = ("rdp", "prv")
#: Largest ``target_epsilon`` accepted: e^1000 bounds no likelihood ratio worth stating, and the
#: search would chase σ towards 0, where the accountants lose floating-point accuracy.
MAX_TARGET_EPSILON = 1000.0
#: Largest grid the PRV accountant may discretize: measured here (2 cores) at about 2.5 µs and
#: 200 bytes per point at worst, 3 million points stay under ~8 s and ~0.6 GB.
MAX_PRV_POINTS = 3_000_000
_PRV_SECONDS_PER_POINT, _PRV_BYTES_PER_POINT = 2.5e-6, 200
# opacus.accountants.utils.get_noise_multiplier doubles σ from 20 and gives up above 1e6.
_SIGMA_START, _MAX_SIGMA = 10.0, 1e6


def _check_common(sample_rate, steps, delta, accountant):
    q = check_number("sample_rate", sample_rate, 0.0, 1.0, low_open=True)
    t = check_int("steps", steps, 1)
    d = check_number("delta", delta, 0.0, 1.0, low_open=True, high_open=True)
    a = check_choice("accountant", accountant, ACCOUNTANTS)
    return q, t, d, a


def rdp_orders() -> tuple:
    """The Rényi orders α Opacus' ``RDPAccountant`` minimizes over (1.1 … 10.9, then 12 … 63)."""
    from opacus.accountants import RDPAccountant

    return tuple(RDPAccountant.DEFAULT_ALPHAS)


@functools.lru_cache(maxsize=4096)
def _rdp_per_step(noise_multiplier: float, sample_rate: float) -> np.ndarray:
    # RDP composes additively, so one step's curve serves every number of steps: moving the
    # steps or δ slider never recomputes it (Opacus multiplies by steps the same way).
    from opacus.accountants.analysis.rdp import compute_rdp

    rdp = compute_rdp(q=sample_rate, noise_multiplier=noise_multiplier, steps=1, orders=list(rdp_orders()))
    rdp.setflags(write=False)
    return rdp


def _rdp_epsilon(noise_multiplier, sample_rate, steps, delta):
    from opacus.accountants.analysis.rdp import get_privacy_spent

    rdp = _rdp_per_step(noise_multiplier, sample_rate) * steps
    with warnings.catch_warnings():
        # Opacus warns when the best order is the first or last one; ε is still a valid bound.
        warnings.simplefilter("ignore", UserWarning)
        eps, _ = get_privacy_spent(orders=list(rdp_orders()), rdp=rdp, delta=delta)
    return float(eps)


def prv_cost(noise_multiplier, sample_rate, steps, delta=1e-5) -> dict:
    """Size of the grid Opacus' ``PRVAccountant`` would build, and its estimated time and memory.

    The accountant discretizes the privacy loss on [-L, L] with mesh ε_err / sqrt(T ln(12/δ_err) / 2)
    (ε_err = 0.01, δ_err = δ / 1000); L comes from two RDP bounds (Gopi, Lee & Wutschitz 2021,
    remark 5.6, as ``opacus.accountants.analysis.prv.compute_safe_domain_size`` computes it). Both
    are cheap here (cached RDP), so the cost is known before anything is allocated. Seconds and
    bytes scale the points by what this machine measured (2 cores).

    >>> cost = prv_cost(1.0, 0.01, 1000)
    >>> round(cost["points"], -4), cost["points"] <= MAX_PRV_POINTS
    (130000.0, True)
    """
    eps_error, delta_error = 0.01, delta / 1000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        bound = max(_rdp_epsilon(noise_multiplier, sample_rate, steps, delta_error / 4),
                    _rdp_epsilon(noise_multiplier, sample_rate, 1, delta_error / (8 * steps)))
    half_width = max(bound, eps_error) + 3
    mesh = eps_error / math.sqrt(steps * math.log(12 / delta_error) / 2)
    points = 2 * half_width / mesh if math.isfinite(half_width) else math.inf
    return {"points": points, "seconds": points * _PRV_SECONDS_PER_POINT,
            "bytes": points * _PRV_BYTES_PER_POINT}


def _check_prv_cost(noise_multiplier, sample_rate, steps, delta):
    cost = prv_cost(noise_multiplier, sample_rate, steps, delta)
    if cost["points"] > MAX_PRV_POINTS:
        raise ValueError(
            f"the PRV accountant would need a grid of {cost['points']:.3g} points for noise_multiplier="
            f"{noise_multiplier:g}, sample_rate={sample_rate:g}, steps={steps:,}, delta={delta:g} "
            f"(estimated {cost['seconds']:.0f} s and {cost['bytes'] / 1e9:.1f} GB); the limit is "
            f"{MAX_PRV_POINTS:,} points (~{MAX_PRV_POINTS * _PRV_SECONDS_PER_POINT:.0f} s, "
            f"~{MAX_PRV_POINTS * _PRV_BYTES_PER_POINT / 1e9:.1f} GB). Use accountant='rdp', fewer steps, "
            "more noise or a smaller sample_rate")


@functools.lru_cache(maxsize=1024)
def _prv_epsilon(noise_multiplier, sample_rate, steps, delta):
    from opacus.accountants import PRVAccountant

    accountant = PRVAccountant()
    accountant.history = [(noise_multiplier, sample_rate, steps)]  # as get_noise_multiplier does
    with np.errstate(divide="ignore"):  # log(1 - q) at q = 1 is -inf there, and handled
        return float(accountant.get_epsilon(delta=delta))


def _epsilon(noise_multiplier, sample_rate, steps, delta, accountant):
    if accountant == "rdp":
        return _rdp_epsilon(noise_multiplier, sample_rate, steps, delta)
    _check_prv_cost(noise_multiplier, sample_rate, steps, delta)  # before anything is allocated
    return _prv_epsilon(noise_multiplier, sample_rate, steps, delta)


def epsilon(noise_multiplier, sample_rate, steps, delta=1e-5, accountant="rdp") -> float:
    """Privacy loss ε spent by ``steps`` steps of the Poisson-sampled Gaussian mechanism.

    Smaller is better: 0 would mean the output does not depend on any one example. The value
    is exactly what Opacus' ``RDPAccountant`` (``accountant="rdp"``, fast, cached) or
    ``PRVAccountant`` (``"prv"``, tighter, 0.1–8 s, cached) reports for the same arguments.
    PRV's cost is estimated first (:func:`prv_cost`): a setting that would need more than
    :data:`MAX_PRV_POINTS` grid points (seconds to minutes, gigabytes) is refused with the
    estimate, before anything runs.

    Parameters
    ----------
    noise_multiplier : float > 0
        σ, the noise standard deviation divided by the L2 sensitivity (clipping norm).
    sample_rate : float in (0, 1]
        q, the probability that an example is in a batch.
    steps : int >= 1
        Number of noisy steps (one epoch is about 1/q steps).
    delta : float in (0, 1)
        Probability that the ε bound may fail; keep it below 1/n.
    accountant : {"rdp", "prv"}

    >>> round(epsilon(1.0, 0.01, 1000, delta=1e-5), 3)
    2.101
    """
    sigma = check_number("noise_multiplier", noise_multiplier, 0.0, low_open=True)
    q, t, d, a = _check_common(sample_rate, steps, delta, accountant)
    return _epsilon(sigma, q, t, d, a)


def epsilon_curve(noise_multiplier, sample_rate, steps, delta=1e-5) -> np.ndarray:
    """RDP ε after each number of steps in ``steps`` (composition: how ε grows with training).

    >>> epsilon_curve(1.0, 0.01, [100, 1000]).round(2).tolist()
    [1.21, 2.1]
    """
    steps = np.atleast_1d(np.asarray(steps))
    if steps.ndim != 1 or steps.size == 0 or not np.issubdtype(steps.dtype, np.integer):
        raise ValueError(f"steps must be a non-empty 1-d sequence of integers, got {steps.tolist()!r}")
    return np.array([epsilon(noise_multiplier, sample_rate, int(s), delta) for s in steps])


@functools.lru_cache(maxsize=64)
def _rdp_floor(delta) -> float:
    """RDP's ε as σ → ∞ (every order's RDP → 0): what its (ε, δ) conversion alone costs."""
    from opacus.accountants.analysis.rdp import get_privacy_spent

    orders = list(rdp_orders())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return float(get_privacy_spent(orders=orders, rdp=np.zeros(len(orders)), delta=delta)[0])


@functools.lru_cache(maxsize=1024)
def _noise_multiplier_for(target, sample_rate, steps, delta, accountant, tolerance):
    # The search of opacus.accountants.utils.get_noise_multiplier, step for step (so its answer
    # is identical; a test checks this), but on the cached epsilon: a planner slider re-probes
    # mostly the same σ values and answers from the cache.
    def eps(sigma):
        return _epsilon(sigma, sample_rate, steps, delta, accountant)

    if accountant == "rdp":  # reachability first, instantly: no σ beats RDP's σ → ∞ floor
        floor = _rdp_floor(delta)
        if target <= floor:
            raise ValueError(
                f"target_epsilon={target:g} is unreachable with delta={delta:g} ({accountant}): even "
                f"infinite noise spends epsilon={floor:.3g} after RDP's conversion to (epsilon, delta); "
                f"allowed: target_epsilon > {floor:.3g}")
    sigma_low, sigma_high, eps_high = 0.0, _SIGMA_START, math.inf
    while eps_high > target:
        sigma_high = 2 * sigma_high
        eps_high = eps(sigma_high)
        if sigma_high > _MAX_SIGMA:
            largest = sigma_high / 2
            raise ValueError(
                f"target_epsilon={target:g} is unreachable: even noise_multiplier={largest:g} (the largest "
                f"the search tries) spends epsilon={eps(largest):.3g} with sample_rate={sample_rate:g}, "
                f"steps={steps}, delta={delta:g} ({accountant}); allowed: target_epsilon > {eps(largest):.3g}")
    while target - eps_high > tolerance:
        sigma = (sigma_low + sigma_high) / 2
        e = eps(sigma)
        if e < target:
            sigma_high, eps_high = sigma, e
        else:
            sigma_low = sigma
    return sigma_high


def noise_multiplier_for(target_epsilon, sample_rate, steps, delta=1e-5, accountant="rdp",
                         epsilon_tolerance=0.01) -> float:
    """Noise multiplier σ that spends at most ``target_epsilon`` (and within ``epsilon_tolerance``).

    The answer equals ``opacus.accountants.utils.get_noise_multiplier`` for the same arguments;
    ``epsilon(noise_multiplier_for(e, ...), ...)`` lies in [e - epsilon_tolerance, e]. Raises
    ``ValueError`` when no σ reaches the target: RDP's conversion to (ε, δ) has a floor set by δ
    and the largest order (about 0.1 for δ = 1e-5).

    >>> sigma = noise_multiplier_for(3.0, 0.01, 1000)
    >>> round(sigma, 3), round(epsilon(sigma, 0.01, 1000), 2)
    (0.865, 2.99)
    """
    target = check_number("target_epsilon", target_epsilon, 0.0, MAX_TARGET_EPSILON, low_open=True)
    q, t, d, a = _check_common(sample_rate, steps, delta, accountant)
    tol = check_number("epsilon_tolerance", epsilon_tolerance, 0.0, 1.0, low_open=True)
    return _noise_multiplier_for(target, q, t, d, a, tol)
