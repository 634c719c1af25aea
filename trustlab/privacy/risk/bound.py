"""ε you can read: the most any membership test can achieve against DP-SGD with these settings.

Hypothesis-testing view of DP (Wasserman & Zhou 2010; Kairouz, Oh & Viswanath 2015). Kairouz et
al. show that a mechanism is (ε, δ)-DP if and only if every test of "was this record in?" has
"P_FA + e^ε·P_MD ≥ 1 − δ and e^ε·P_FA + P_MD ≥ 1 − δ" (false alarm = FPR, missed detection =
1 − TPR), i.e. TPR ≤ min(e^ε·FPR + δ, 1 − e^{−ε}(1 − δ − FPR)). Dong, Roth & Su ("Gaussian
differential privacy", JRSS-B 2022; arXiv 2019) keep the whole curve: the trade-off function
"T(P, Q)(α) = inf{β_φ : α_φ ≤ α}" and "f-DP" when T(M(S), M(S′)) ≥ f for all neighbours; the
Gaussian mechanism at noise σ (sensitivity 1) is 1/σ-GDP, so its best test reaches
TPR = Φ(Φ⁻¹(FPR) + 1/σ). For DP-SGD the curve comes from the privacy loss distribution (PLD) of
the Poisson-subsampled Gaussian composed over all steps, through its privacy profile δ(ε)
(Balle et al., "Privacy profiles and amplification by subsampling", 2020): a mechanism is
(ε, δ(ε))-DP for every ε at once, so

    TPR(FPR) ≤ min over ε ≥ 0 of min(e^ε·FPR + δ(ε), 1 − e^{−ε}(1 − δ(ε) − FPR)),

much tighter than the single (ε, δ) pair an accountant prints. Nasr et al. (2021) and Steinke,
Nasr & Jagielski (2023) audit against exactly this region.

Accountant: Google's ``dp-accounting`` PLD (Meiser & Mohammadi 2018; Koskela et al. 2020;
Doroshenko et al. 2022), chosen over Opacus' PRV accountant because (1) it keeps both
neighbouring directions (add and remove) and reports δ(ε) valid for both, which the symmetric
form needs; (2) its "pessimistic" discretisation gives an upper bound on δ(ε), so the TPR bound
stays a bound; (3) it has the mixture-of-Gaussians mechanism needed for groups (below). Opacus'
PRV accountant (Gopi, Lee & Wutschitz 2021) is the independent check in the tests.

Groups (``group_size=k``): k records (aligned clipped gradients, the worst case) are each
Poisson-sampled, so one step shifts the noisy sum by j·C with j ~ Binomial(k, q): a mixture of
Gaussians, dominated by its scalar form (Choquette-Choo, Ganesh, Steinke & Thakurta 2023,
Cor. 4.7; Ganesh 2024). With every record in every step (q = 1) this is the Gaussian with
sensitivity k, i.e. σ/k: client-level DP (add/remove one client) seen from one row, whose owner's
client is *replaced*, is the group of 2 (issue 15). The kit's reading: with client sampling
(q < 1) replace-one-client is a different pair, which this module does not cover.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from trustlab._validate import check_array, check_int, check_number

__all__ = ["DISCRETIZATION", "FPR_GRID", "RiskResult", "attack_auc_bound", "attack_tpr_bound",
           "compute_risk", "epsilon_delta_tpr_bound", "pld_epsilon", "privacy_profile",
           "tradeoff_curve"]

#: PLD discretisation of the privacy loss (dp-accounting's ``value_discretization_interval``);
#: groups with sampling use a coarser one (the mixture's one step is ~50× slower to build).
#: Pessimistic rounding keeps δ(ε) an upper bound either way; the tests bound the slack.
DISCRETIZATION, MIXTURE_DISCRETIZATION = 2e-3, 5e-3
#: FPRs at which curves are drawn: log-spaced down to 1e-6, then linear.
FPR_GRID = np.unique(np.r_[np.geomspace(1e-6, 0.01, 161), np.linspace(0.01, 1.0, 397)[:-1]])
_AUC_MIDPOINTS = (np.arange(1000) + 0.5) / 1000  # midpoint rule: ≥ the area of a concave curve
_N_EPSILONS = 300
#: Lines with ε beyond this are above TPR = 1 at every FPR the kit asks (e^700·1e-6 ≫ 1).
_MAX_EPSILON = 700.0


def _check_setting(noise_multiplier, sample_rate, steps, group_size):
    sigma = check_number("noise_multiplier", noise_multiplier, 0.0, low_open=True)
    if math.isinf(sigma):
        raise ValueError("noise_multiplier must be finite, got inf")
    q = check_number("sample_rate", sample_rate, 0.0, 1.0, low_open=True)
    return sigma, q, check_int("steps", steps, 1), check_int("group_size", group_size, 1)


def _check_fpr(fpr):
    arr = check_array("fpr", fpr, finite=False, nonempty=False)  # strings, None: a TypeError
    bad = ~np.isfinite(arr) | (arr <= 0) | (arr >= 1)
    if arr.size == 0 or bad.any():
        shown = arr[bad][:3].tolist() if arr.size else "[] (empty)"
        raise ValueError(f"fpr must be in (0, 1) (open interval), got {shown}")
    return arr


@functools.lru_cache(maxsize=64)
def _one_step(sigma, q, k):
    from dp_accounting.pld import privacy_loss_distribution as pld

    if k == 1 or q == 1.0:  # a Binomial(k, 1) mixture is the plain Gaussian with sensitivity k
        return pld.from_gaussian_mechanism(sigma, sensitivity=k, sampling_prob=q,
                                           value_discretization_interval=DISCRETIZATION)
    from scipy.stats import binom

    j = np.arange(k + 1)
    return pld.from_mixture_gaussian_mechanism(sigma, j.tolist(), binom.pmf(j, k, q).tolist(),
                                               value_discretization_interval=MIXTURE_DISCRETIZATION)


def _delta_of(pmf, eps):
    """δ(ε) = inf mass + Σ_{l > ε} p_l (1 − e^{ε − l}) of one dense PMF, vectorised over ``eps`` ≥ 0.

    dp-accounting 0.6.0 (pinned) loops in Python over an array of ε (~1 s for 500 values); this
    is its formula with cumulative sums. A test checks it against ``get_delta_for_epsilon``.
    """
    dense = pmf.to_dense_pmf()
    losses = (np.arange(dense.size) + dense._lower_loss) * dense._discretization
    keep = losses > 0  # only ε ≥ 0 is asked for: e^{−l} ≤ 1 below, no overflow
    losses, probs = losses[keep], dense._probs[keep]
    upper = np.r_[np.cumsum(probs[::-1])[::-1], 0.0]  # Σ_{j ≥ i} p_j
    with np.errstate(divide="ignore"):  # log 0 = −inf: an empty term (FFT leaves tiny negatives too)
        # log Σ_{j ≥ i} p_j e^{−l_j}, in logs so that e^ε times it never overflows (ε up to ~10³)
        log_lower = np.r_[np.logaddexp.accumulate((np.log(np.maximum(probs, 0.0)) - losses)[::-1])[::-1], -np.inf]
    i = np.searchsorted(losses, eps, side="right")
    return dense._infinity_mass + np.maximum(upper[i] - np.exp(eps + log_lower[i]), 0.0), losses


@functools.lru_cache(maxsize=256)
def _composed(sigma, q, steps, k):
    return _one_step(sigma, q, k).self_compose(steps)


def _pmfs(composed):
    return composed._pmf_remove, composed._pmf_add  # the library keeps both directions


@functools.lru_cache(maxsize=256)
def _profile(sigma, q, steps, k):
    """(ε grid, δ(ε)) valid for both neighbouring directions; cached per setting (read-only).

    The grid runs from 0 to the largest finite privacy loss (beyond it δ stays at the infinite
    mass and every line is worse); ~400 points put the bound within 0.2 % of a 10× finer grid.
    """
    pmfs = _pmfs(_composed(sigma, q, steps, k))
    top = max(max(float(_delta_of(p, np.zeros(1))[1].max(initial=0.0)) for p in pmfs), 2e-3)
    top = min(top, _MAX_EPSILON)
    eps = np.unique(np.r_[np.linspace(0.0, top, _N_EPSILONS), np.geomspace(1e-3, top, 100)])
    delta = np.maximum(*(_delta_of(p, eps)[0] for p in pmfs))
    eps.setflags(write=False)
    delta.setflags(write=False)
    return eps, delta


def privacy_profile(epsilon, *, noise_multiplier, sample_rate, steps, group_size=1):
    """δ(ε): the smallest δ for which ``steps`` DP-SGD steps are (ε, δ)-DP, for each ε ≥ 0.

    0 would mean no test can tell in from out at likelihood ratio e^ε.

    >>> d = privacy_profile([1.0, 3.0], noise_multiplier=1.0, sample_rate=0.01, steps=1000)
    >>> bool(d[0] > d[1] > 0)
    True
    """
    sigma, q, t, k = _check_setting(noise_multiplier, sample_rate, steps, group_size)
    eps = check_array("epsilon", epsilon, finite=False, nonempty=False)
    if eps.size == 0 or not np.isfinite(eps).all() or (eps < 0).any():
        raise ValueError(f"epsilon must be finite numbers >= 0, got {eps.tolist()}")
    flat = eps.ravel()
    out = np.maximum(*(_delta_of(p, flat)[0] for p in _pmfs(_composed(sigma, q, t, k))))
    return out.reshape(eps.shape)


def pld_epsilon(delta, *, noise_multiplier, sample_rate, steps, group_size=1) -> float:
    """ε at ``delta`` from the same PLD (dp-accounting's ``get_epsilon_for_delta``, pessimistic).

    >>> round(pld_epsilon(1e-5, noise_multiplier=1.0, sample_rate=0.01, steps=1000), 2)
    1.83
    """
    setting = _check_setting(noise_multiplier, sample_rate, steps, group_size)
    d = check_number("delta", delta, 0.0, 1.0, low_open=True, high_open=True)
    return _pld_epsilon(*setting, d)


@functools.lru_cache(maxsize=256)
def _pld_epsilon(sigma, q, steps, k, delta):
    return float(_composed(sigma, q, steps, k).get_epsilon_for_delta(delta))


def _bound_from_profile(fpr, eps, delta):
    # Both Kairouz et al. inequalities for every (ε, δ(ε)) pair; the lowest line wins.
    f = fpr[..., None]
    e = np.exp(eps)
    lines = np.minimum(e * f + delta, 1.0 - (1.0 - delta - f) / e)
    return np.minimum(lines.min(axis=-1), 1.0)


def attack_tpr_bound(fpr, *, noise_multiplier, sample_rate, steps, group_size=1):
    """The largest TPR any membership test can reach at false-positive rate ``fpr`` (1: no limit).

    Against ``steps`` steps of Poisson-sampled DP-SGD (add/remove adjacency; ``group_size`` records
    at once), from the privacy loss distribution: min over ε of (e^ε·fpr + δ(ε)), with the
    symmetric inequality too. Guessing reaches TPR = fpr, so the bound lies in [fpr, 1].

    >>> round(float(attack_tpr_bound(0.01, noise_multiplier=1.0, sample_rate=0.01, steps=1000)), 3)
    0.029
    >>> round(float(attack_tpr_bound(0.01, noise_multiplier=2.0, sample_rate=1.0, steps=1)), 4)
    0.0339
    """
    f = _check_fpr(fpr)
    eps, delta = _profile(*_check_setting(noise_multiplier, sample_rate, steps, group_size))
    out = _bound_from_profile(f.ravel(), eps, delta).reshape(f.shape)
    return float(out) if out.ndim == 0 else out


def epsilon_delta_tpr_bound(fpr, epsilon, delta):
    """The TPR bound from one (ε, δ) pair: min(e^ε·fpr + δ, 1 − e^{−ε}(1 − δ − fpr), 1).

    What an accountant's single number allows (Kairouz et al. 2015); looser than the profile.

    >>> round(float(epsilon_delta_tpr_bound(0.01, 1.0, 0.0)), 4)   # e·0.01
    0.0272
    """
    f = _check_fpr(fpr)
    eps = check_number("epsilon", epsilon, 0.0, allow_inf=True)  # inf: no DP, no bound
    d = check_number("delta", delta, 0.0, 1.0)
    if math.isinf(eps):
        return np.ones_like(f) if f.ndim else 1.0
    out = _bound_from_profile(f.ravel(), np.array([eps]), np.array([d])).reshape(f.shape)
    return float(out) if out.ndim == 0 else out


def tradeoff_curve(*, noise_multiplier, sample_rate, steps, group_size=1, fpr=None):
    """``(fpr, tpr_bound, beta)``: the attacker's best ROC curve and Dong et al.'s trade-off f = β.

    β = 1 − TPR is the type-II error of the best test at type-I error α = FPR: the f-DP curve.
    """
    f = FPR_GRID if fpr is None else _check_fpr(fpr)
    tpr = attack_tpr_bound(f, noise_multiplier=noise_multiplier, sample_rate=sample_rate,
                           steps=steps, group_size=group_size)
    return f, tpr, 1.0 - tpr


def attack_auc_bound(*, noise_multiplier, sample_rate, steps, group_size=1) -> float:
    """The largest ROC AUC any membership test can reach (0.5: no test beats guessing).

    The area under :func:`attack_tpr_bound` by the midpoint rule, which over-estimates the
    area of a concave curve, so the value is still a bound.

    >>> round(attack_auc_bound(noise_multiplier=1.0, sample_rate=1.0, steps=1), 3)  # exact: Φ(1/√2)
    0.76
    """
    tpr = attack_tpr_bound(_AUC_MIDPOINTS, noise_multiplier=noise_multiplier,
                           sample_rate=sample_rate, steps=steps, group_size=group_size)
    return float(tpr.mean())


@dataclass(frozen=True)
class RiskResult:
    """What an attacker can do against one DP-SGD setting: ε, the TPR bounds and the AUC bound."""

    noise_multiplier: float
    sample_rate: float
    steps: int
    epochs: float
    group_size: int
    delta: float
    epsilon: float  # PLD ε at delta (for the group)
    tpr_at: dict  # {fpr: TPR bound} at 0.1 %, 1 %, 10 %
    auc: float
    auc_epsilon_delta: float  # the same from the single (ε, δ) pair
    fpr: np.ndarray = field(repr=False, compare=False)
    tpr: np.ndarray = field(repr=False, compare=False)
    tpr_epsilon_delta: np.ndarray = field(repr=False, compare=False)

    def summary(self) -> str:
        """One rounded line."""
        at = "  ".join(f"TPR@{f:.1%}FPR<={t:.3f}" for f, t in self.tpr_at.items())
        who = "example" if self.group_size == 1 else f"group of {self.group_size}"
        return (f"sigma={self.noise_multiplier:g} q={self.sample_rate:g} steps={self.steps:,} ({who}): "
                f"epsilon={self.epsilon:.2f} (delta={self.delta:g})  {at}  AUC<={self.auc:.3f} "
                f"(from (epsilon, delta) alone: AUC<={self.auc_epsilon_delta:.3f})")

    def statement(self) -> str:
        """A plain-language privacy statement (after TensorFlow Privacy's; the kit's wording)."""
        from trustlab.privacy.risk.statement import privacy_statement

        return privacy_statement(self)


def compute_risk(noise_multiplier=1.0, sample_rate=0.01, epochs=10, *, steps=None, group_size=1,
                 delta=1e-5) -> RiskResult:
    """The risk panel: ε, TPR bounds at 0.1 / 1 / 10 % FPR, the ROC bound and the AUC bound.

    ``steps`` defaults to round(epochs / sample_rate), as in the ε planner.

    >>> print(compute_risk(1.0, 0.01, 10).summary())  # doctest: +NORMALIZE_WHITESPACE
    sigma=1 q=0.01 steps=1,000 (example): epsilon=1.83 (delta=1e-05)  TPR@0.1%FPR<=0.004
    TPR@1.0%FPR<=0.029  TPR@10.0%FPR<=0.194  AUC<=0.615 (from (epsilon, delta) alone: AUC<=0.862)
    """
    q = check_number("sample_rate", sample_rate, 0.0, 1.0, low_open=True)
    ep = check_number("epochs", epochs, 0.0, low_open=True)
    t = max(1, round(ep / q)) if steps is None else check_int("steps", steps, 1)
    d = check_number("delta", delta, 0.0, 1.0, low_open=True, high_open=True)
    setting = _check_setting(noise_multiplier, q, t, group_size)
    eps = _pld_epsilon(*setting, d)
    at = np.array([0.001, 0.01, 0.1])
    f = np.r_[FPR_GRID, at, _AUC_MIDPOINTS]  # one evaluation of the envelope for everything
    bound = _bound_from_profile(f, *_profile(*setting))
    pair = _bound_from_profile(f, np.array([eps]), np.array([d]))
    bound = np.minimum(bound, pair)  # the printed ε is one more ε of the min (off the ε grid)
    n, m = len(FPR_GRID), len(FPR_GRID) + len(at)
    return RiskResult(setting[0], q, t, t * q, setting[3], d, eps, dict(zip(at.tolist(), bound[n:m].tolist())),
                      float(bound[m:].mean()), float(pair[m:].mean()), FPR_GRID, bound[:n], pair[:n])
