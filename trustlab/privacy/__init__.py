"""Differential privacy: mechanisms from first principles, privacy accounting and DP-SGD.

``randomized_response``, ``mechanisms`` (Laplace, Gaussian) and ``loss`` (the privacy loss)
are pure numpy; ``rdp`` and ``accounting`` give the ε of DP-SGD (from scratch, and on Opacus'
accountants); ``dpsgd`` is the Opacus path, ``clipping`` the same step written from scratch,
``dpsgd_run`` what a run reports and ``dpsgd_sweep`` the shipped sweeps; plots and widgets build
on them. The ``text`` room rewrites words with metric-DP noise in embedding space.
"""

from trustlab.privacy.accounting import (
    epsilon,
    epsilon_curve,
    noise_multiplier_for,
)
from trustlab.privacy.clipping import clip_and_noise
from trustlab.privacy.planner import PrivacyPlan, compute_privacy_plan
from trustlab.privacy.dpsgd import train_dp
from trustlab.privacy.dpsgd_run import DPTrainResult
from trustlab.privacy.dpsgd_sweep import DPSGDPoint, load_dpsgd_grid, load_privacy_utility
from trustlab.privacy.loss import MechanismResult, compute_mechanism, output_densities, privacy_loss
from trustlab.privacy.mechanisms import (
    Sensitivity,
    clipped_sum_sensitivity,
    gaussian_delta,
    gaussian_mechanism,
    gaussian_sigma,
    laplace_mechanism,
    laplace_scale,
)
from trustlab.privacy.randomized_response import (
    RandomizedResponseResult,
    compute_randomized_response,
    randomized_response,
    rr_epsilon,
    rr_estimate,
    rr_std_error,
)
from trustlab.privacy.text import (
    TextRewritingResult,
    WordVectors,
    check_metric_dp,
    compute_text_rewriting,
    intent_accuracy,
    load_word_vectors,
    perturb,
    perturb_texts,
    plausible_deniability,
    substitution_distribution,
    utility_sweep,
)

__all__ = [
    "DPSGDPoint",
    "DPTrainResult",
    "clip_and_noise",
    "load_dpsgd_grid",
    "load_privacy_utility",
    "train_dp",
    "TextRewritingResult",
    "WordVectors",
    "check_metric_dp",
    "compute_text_rewriting",
    "intent_accuracy",
    "load_word_vectors",
    "perturb",
    "perturb_texts",
    "plausible_deniability",
    "substitution_distribution",
    "utility_sweep",
    "MechanismResult",
    "PrivacyPlan",
    "Sensitivity",
    "clipped_sum_sensitivity",
    "compute_mechanism",
    "compute_privacy_plan",
    "epsilon",
    "epsilon_curve",
    "gaussian_delta",
    "gaussian_mechanism",
    "gaussian_sigma",
    "laplace_mechanism",
    "laplace_scale",
    "noise_multiplier_for",
    "output_densities",
    "privacy_loss",
    "RandomizedResponseResult",
    "compute_randomized_response",
    "randomized_response",
    "rr_epsilon",
    "rr_estimate",
    "rr_std_error",
]
