"""Self-checks for the privacy notebooks (00, 10-14): randomized response, ε accounting,
DP-SGD, membership inference, canaries and text rewriting.

Each expected value is computed at check time by the trustlab function the exercise uses.
"""

from __future__ import annotations

import math

import numpy as np

from trustlab.selfcheck import Choice, Number, Vector, register

SEED = 0


@register("00.1", Number(rtol=1e-3), question="the p_truth that gives epsilon = 1 (a float)",
          hint="ε = ln(p / (1 − p)); set it equal to 1 and solve for p (exponentiate both sides).",
          insight="Lying a bit more than a quarter of the time already buys ε = 1.")
def _rr_p_for_epsilon_1():
    from scipy.optimize import brentq

    from trustlab.privacy import rr_epsilon

    return brentq(lambda p: rr_epsilon(p) - 1.0, 0.5 + 1e-9, 1 - 1e-9, xtol=1e-12)


@register("00.2", Number(rtol=0.0, atol=1.0), question="the number of respondents needed at p_truth = 0.6 (an int)",
          hint="The variance is p(1 − p) / (n (2p − 1)²). Compute it for (0.75, 1000), then solve "
               "for the n that gives the same variance at p = 0.6; round up.",
          insight="Every step toward p = 0.5 (more privacy) costs many more respondents for the same margin.")
def _rr_respondents():
    from trustlab.privacy import rr_std_error

    return math.ceil(rr_std_error(0.6, 1) ** 2 / rr_std_error(0.75, 1000) ** 2)


@register("10.1", Number(rtol=0.01), question="the noise multiplier sigma that keeps epsilon <= 1 over 20 epochs",
          hint="Steps ≈ epochs / q with q = 256 / 60,000; ask `noise_multiplier_for` for target_epsilon=1 "
               "with that sample rate, those steps and delta=1e-5.",
          insight="With that σ, 4× the steps costs well under 4× the ε: composition is sub-linear.")
def _sigma_for_epsilon_1():
    from trustlab.privacy import noise_multiplier_for

    q = 256 / 60_000
    return noise_multiplier_for(target_epsilon=1.0, sample_rate=q, steps=round(20 / q), delta=1e-5)


@register("10.2", Number(rtol=0.01), question="how many times longer the Laplace noise vector is than the Gaussian one",
          hint="Use `clipped_sum_sensitivity(1.0, 64)`: Laplace scale b = Δ₁/ε per pixel (std √2·b), Gaussian "
               "σ from `gaussian_sigma(ε, δ, Δ₂)`; a noise vector's length is √d × the per-pixel std.",
          insight="Δ₁ = √d·Δ₂, so in 64 dimensions the L2-calibrated Gaussian noise is much shorter.")
def _laplace_over_gaussian_length():
    from trustlab.privacy import clipped_sum_sensitivity, gaussian_sigma, laplace_scale

    d, eps = 64, 0.5
    sens = clipped_sum_sensitivity(max_norm=1.0, dim=d)
    return (math.sqrt(2) * laplace_scale(eps, sens.l1)) / gaussian_sigma(eps, 1e-5, sens.l2)


@register("10.3", Number(rtol=0.0, atol=5e-4),
          question="the largest |log-ratio| of bin counts (seeds 0 for D and 1 for D', bins np.linspace(-3, 4, 29))",
          hint="Draw `laplace_mechanism(0.0, epsilon=1.0, size=200_000, seed=0)` and the same at 1.0 with seed=1, "
               "count both with `np.histogram(..., bins)`, then take the largest absolute log of the ratio of counts.",
          insight="It may exceed ε a little: sampling noise in sparse tail bins, not a broken guarantee.")
def _largest_log_ratio():
    from trustlab.privacy import laplace_mechanism

    bins = np.linspace(-3, 4, 29)
    on_d = np.histogram(laplace_mechanism(0.0, epsilon=1.0, size=200_000, seed=0), bins)[0]
    on_d_prime = np.histogram(laplace_mechanism(1.0, epsilon=1.0, size=200_000, seed=1), bins)[0]
    return float(np.abs(np.log(on_d / on_d_prime)).max())


@register("11.1", Number(rtol=0.01), question="the noise multiplier Opacus picks for batch 256 at epsilon = 3",
          hint="Run `train_dp(digits, target_epsilon=3.0, batch_size=256, compare_plain=False, seed=0)` and read "
               "its `noise_multiplier`.",
          insight="Larger than at batch 64, yet σ·C/B, the noise on the averaged gradient, is smaller.")
def _sigma_batch_256():
    from trustlab.data import load_digits
    from trustlab.privacy import train_dp

    return train_dp(load_digits(seed=SEED), target_epsilon=3.0, batch_size=256, compare_plain=False,
                    seed=SEED).noise_multiplier


@register("11.2", Number(rtol=0.0, atol=5e-4),
          question="the mean test accuracy (5 seeds) of the best setting with epsilon_rdp <= 2",
          hint="Keep the points of `load_dpsgd_grid().values()` whose `epsilon_rdp` is at most 2, then take the "
               "largest `test_accuracy` (the mean over the seeds) among them.",
          insight="With the same seeds, retraining that setting live reproduces the sweep exactly; several "
                  "other settings' intervals overlap it, so 'the best' is not a clear winner.")
def _best_accuracy_at_2():
    from trustlab.privacy import load_dpsgd_grid

    points = load_dpsgd_grid(progress=False).values()
    return max(p.test_accuracy for p in points if p.epsilon_rdp <= 2.0)


@register("12.1", Number(rtol=0.0, atol=5e-4), question="the AUC of online LiRA with K = 32 shadow models",
          hint="`compute_membership_attack(load_shadow_sets(seed=0)[0.0], \"lira_online\", n_shadows=32)` "
               "returns a result with `.auc`.",
          insight="More shadows give better per-example Gaussians; online LiRA beats offline and the loss threshold.")
def _lira_online_auc():
    from trustlab.attacks import compute_membership_attack, load_shadow_sets

    return compute_membership_attack(load_shadow_sets(seed=SEED)[0.0], "lira_online", n_shadows=32).auc


@register("12.2", Vector(2, rtol=0.0, atol=0.005),
          question="[point estimate of eps_lb, the eps_lb proven at 95 % confidence]",
          hint="Point: ln((TPR − δ) / FPR) at the ROC point with FPR closest to 5 %. Proven: the same formula "
               "on the lower Clopper-Pearson end of TPR and the upper end of FPR (90 % two-sided intervals).",
          insight="The proven bound is lower: a finite audit proves less than it estimates.")
def _audit_by_hand():
    from trustlab.attacks import clopper_pearson, compute_membership_attack, epsilon_lower_bound, load_shadow_sets

    r = compute_membership_attack(load_shadow_sets(seed=SEED)[0.0], "loss")
    i = int(np.argmin(abs(r.fpr - 0.05)))
    tpr, fpr = float(r.tpr[i]), float(r.fpr[i])
    n_pos, n_neg = int(r.is_member.sum()), int((~r.is_member).sum())
    tpr_low, _ = clopper_pearson(round(tpr * n_pos), n_pos, 0.90)
    _, fpr_high = clopper_pearson(round(fpr * n_neg), n_neg, 0.90)
    return [epsilon_lower_bound(tpr, fpr, 1e-5), epsilon_lower_bound(tpr_low, fpr_high, 1e-5)]


def _repetitions():
    from trustlab.attacks.canary_sweep import REPETITIONS

    return REPETITIONS


def _text_epsilons():
    from trustlab.privacy.text.utility import SWEEP_EPSILONS

    return SWEEP_EPSILONS


@register("13.1", Choice(_repetitions), question="the fewest repetitions at which a PIN is extracted without a defense",
          hint="In `load_canary_sweep(0)`, look at the keys ('none', None, r) and find the smallest r whose "
               "`success_rate` is above 0.",
          insight="Without a defense one copy can be enough; DP-SGD at ε = 1 kept every PIN of every seed, even at "
                  "20 copies.")
def _first_extraction_without_defense():
    from trustlab.attacks.canary_sweep import load_canary_sweep

    sweep = load_canary_sweep(SEED)
    return min(r for r in _repetitions() if sweep["none", None, r].success_rate > 0)


@register("13.2", Vector(4, rtol=0.0, atol=0.5),
          question="the first seed's 4 canaries' ranks without a defense at 1 repetition",
          hint="rank = |R| / 2**exposure with |R| = 2**max_exposure, for each of the first four of "
               "`load_canary_sweep(0)['none', None, 1].exposures` (seed 0's canaries come first).",
          insight="Rank 1 means the model prefers the secret to every other candidate.")
def _ranks_without_defense():
    from trustlab.attacks.canary_sweep import load_canary_sweep

    result = load_canary_sweep(SEED)["none", None, 1]
    return [2 ** result.max_exposure / 2 ** e for e in result.exposures[:4]]


@register("14.1", Number(rtol=2e-3), question="the real epsilon of ADePT's noise for n = 50 (claimed epsilon = 1)",
          hint="The Laplace mechanism is ε-DP with scale Δ₁/ε. ADePT used Δ₂/ε; compare the L1 and L2 "
               "sensitivities of a vector clipped to L2 norm C in n dimensions.",
          insight="The factor √n: the claimed ε = 1 is off by that factor in 50 dimensions.")
def _adept_real_epsilon():
    from trustlab.privacy import clipped_sum_sensitivity

    sens = clipped_sum_sensitivity(max_norm=1.0, dim=50)  # Δ₁/Δ₂ = √n for the clipped vector too
    return 1.0 * sens.l1 / sens.l2


@register("14.2", Choice(_text_epsilons),
          question="the smallest epsilon on the grid at which 'boston' is kept at least half of the time",
          hint="For each ε in `SWEEP_EPSILONS`, `substitution_distribution(\"boston\", ε, n_draws=2000, seed=0)` "
               "gives the share of each replacement; find the first ε whose 'boston' share is ≥ 0.5.",
          insight="Metric-DP's ε is per unit of embedding distance, so its values look large.")
def _smallest_epsilon_keeping_boston():
    from trustlab.privacy import substitution_distribution

    return min(e for e in _text_epsilons()
               if substitution_distribution("boston", e, n_draws=2000, seed=SEED).get("boston", 0.0) >= 0.5)
