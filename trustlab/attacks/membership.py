"""Membership inference: was this example in the training set? Loss threshold and LiRA.

The loss-threshold attack (Yeom et al., "Privacy risk in machine learning", 2018) calls an
example a member when the target's loss on it is small. LiRA, the likelihood-ratio attack
(Carlini et al., "Membership inference attacks from first principles", 2022), compares the
target's logit-scaled confidence φ with Gaussians fitted to shadow models trained with (IN) and
without (OUT) the example: online uses both, offline only OUT. Attacks are judged by their ROC
curve (scikit-learn), its AUC and above all the TPR at a low FPR (0.1 %, 1 %).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from trustlab._validate import check_array, check_bool, check_choice, check_int, check_number

__all__ = ["ATTACKS", "AttackResult", "attack_scores", "compute_membership_attack", "lira_scores",
           "loss_scores", "roc_metrics", "tpr_at_fpr"]

ATTACKS = ("loss", "lira_online", "lira_offline")


@dataclass(frozen=True)
class AttackResult:
    """An attack's ROC curve and its headline numbers (plus the target it attacked)."""

    attack: str
    fpr: np.ndarray
    tpr: np.ndarray
    auc: float
    tpr_at_0_1: float  # TPR at FPR <= 0.1 %
    tpr_at_1: float  # TPR at FPR <= 1 %
    n_shadows: int = 0
    noise_multiplier: float = 0.0
    epsilon: float = float("inf")
    test_accuracy: float = float("nan")  # mean over the attacked models
    scores: np.ndarray = None
    is_member: np.ndarray = None

    def summary(self) -> str:
        """One rounded line: attack, AUC, TPR at 0.1 % and 1 % FPR."""
        shadows = f" ({self.n_shadows} shadows)" if self.attack != "loss" else ""
        eps = "inf" if np.isinf(self.epsilon) else f"{self.epsilon:.2f}"
        return (f"{self.attack}{shadows}: AUC={self.auc:.3f}  TPR@0.1%FPR={self.tpr_at_0_1:.3f}  "
                f"TPR@1%FPR={self.tpr_at_1:.3f}  (sigma={self.noise_multiplier:g}, epsilon={eps}, "
                f"test acc={self.test_accuracy:.3f})")


def _check_pair(scores, is_member):
    scores = check_array("scores", scores, ndim=1)
    is_member = check_array("is_member", is_member, kind="bool", ndim=1, length=len(scores),
                            length_name="scores")
    if is_member.all() or not is_member.any():
        raise ValueError("is_member must contain both members (True) and non-members (False)")
    return scores, is_member


def tpr_at_fpr(fpr, tpr, max_fpr) -> float:
    """The largest TPR on the ROC curve whose FPR is at most ``max_fpr`` (1 is a perfect attack).

    ``fpr`` and ``tpr`` are a ROC curve (as :func:`roc_metrics` returns it); it starts at
    (0, 0), so a curve with no point at FPR <= ``max_fpr`` is not one.

    >>> tpr_at_fpr([0.0, 0.005, 0.02, 1.0], [0.0, 0.3, 0.5, 1.0], 0.01)
    0.3
    """
    fpr = check_array("fpr", fpr, ndim=1, min_value=0, max_value=1)
    tpr = check_array("tpr", tpr, ndim=1, min_value=0, max_value=1, length=len(fpr), length_name="fpr")
    max_fpr = check_number("max_fpr", max_fpr, 0, 1)
    ok = fpr <= max_fpr
    if not ok.any():
        raise ValueError(f"fpr has no point at or below max_fpr={max_fpr:g} (a ROC curve starts at "
                         f"FPR 0), got min(fpr)={fpr.min():g}")
    return float(tpr[ok].max())


def roc_metrics(scores, is_member):
    """``(fpr, tpr, auc)`` of "member if score > threshold" (0.5 AUC is guessing, 1 is perfect).

    >>> fpr, tpr, auc = roc_metrics([0.9, 0.8, 0.3, 0.1], [True, True, False, False])
    >>> auc
    1.0
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    scores, is_member = _check_pair(scores, is_member)
    fpr, tpr, _ = roc_curve(is_member, scores)
    return fpr, tpr, float(roc_auc_score(is_member, scores))


def loss_scores(confidences) -> np.ndarray:
    """Yeom et al.'s score: minus the cross-entropy loss, −log p_y = −softplus(−φ) (higher: member).

    >>> loss_scores([0.0]).round(3).tolist()   # p_y = 0.5, loss = log 2
    [-0.693]
    """
    phi = check_array("confidences", confidences)
    return -np.logaddexp(0.0, -phi)


def lira_scores(target, shadows, shadow_in, *, online=True, fix_variance=True) -> np.ndarray:
    """LiRA's score per example: higher means "more likely a member".

    Parameters
    ----------
    target : array (n,)
        The target model's logit-scaled confidence φ on each example.
    shadows : array (k, n)
        The shadows' φ on the same examples.
    shadow_in : bool array (k, n)
        True where the example was in that shadow's training set.
    online : bool
        Online: log N(φ; μ_in, σ_in²) − log N(φ; μ_out, σ_out²). Offline: the one-sided
        z-score (φ − μ_out) / σ_out, which needs no IN shadows.
    fix_variance : bool
        Use one variance for all examples (Carlini et al. recommend it below ~64 shadows).

    >>> rng = np.random.default_rng(0)
    >>> shadow_in = np.tile([[True], [False]], (3, 4))          # 6 shadows, 4 examples
    >>> shadows = np.where(shadow_in, 3.0, 0.0) + rng.normal(0, 0.1, (6, 4))
    >>> (lira_scores(np.array([3.0, 3.0, 0.0, 0.0]), shadows, shadow_in) > 0).tolist()
    [True, True, False, False]
    """
    target = check_array("target", target, ndim=(1, 2))
    shadows = check_array("shadows", shadows, ndim=(2, 3))
    shadow_in = check_array("shadow_in", shadow_in, kind="bool", ndim=(2, 3))
    check_bool("online", online)
    check_bool("fix_variance", fix_variance)
    # Leading axes (several targets at once) broadcast: target (..., n), shadows (..., k, n).
    if (shadows.ndim != target.ndim + 1 or shadows.shape != shadow_in.shape
            or shadows.shape[-1] != target.shape[-1] or shadows.shape[:-2] != target.shape[:-1]):
        raise ValueError(f"shadows and shadow_in must be (k, n) with n = len(target) = {target.shape[-1]}, "
                         f"got {shadows.shape} and {shadow_in.shape}")
    check_int("number of shadow models (K)", shadows.shape[-2], 2)
    if (~shadow_in).sum(axis=(-2, -1)).min() == 0 or (online and shadow_in.sum(axis=(-2, -1)).min() == 0):
        need = "both IN (True) and OUT (False) entries (online LiRA)" if online else "OUT (False) entries"
        raise ValueError(f"shadow_in must have {need}: a Gaussian cannot be fitted to no shadow models")
    mu_out, sd_out = _fit(shadows, ~shadow_in, fix_variance)
    if not online:
        return (target - mu_out) / sd_out
    mu_in, sd_in = _fit(shadows, shadow_in, fix_variance)
    return norm.logpdf(target, mu_in, sd_in) - norm.logpdf(target, mu_out, sd_out)


def _fit(values, mask, fix_variance):
    """Per-example mean and std over the shadow axis (-2) where ``mask``; examples without any
    fall back to the mean over examples (and the pooled std). Leading axes are independent."""
    count = mask.sum(axis=-2)
    total = np.where(mask, values, 0.0).sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where(count > 0, total / count, np.nan)
    mu = np.where(count > 0, mu, np.nanmean(mu, axis=-1, keepdims=True))
    resid = np.where(mask, values - mu[..., None, :], 0.0)
    pooled = np.sqrt((resid**2).sum(axis=(-2, -1)) / np.maximum(count.sum(axis=-1) - 1, 1))
    pooled = np.broadcast_to(np.asarray(pooled)[..., None], mu.shape)
    if fix_variance:
        sd = pooled
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.where(count > 1, np.sqrt((resid**2).sum(axis=-2) / (count - 1)), pooled)
    return mu, np.maximum(sd, 1e-3)  # a zero spread would make the likelihoods infinite


def attack_scores(shadow_set, attack="lira_online", n_shadows=None, *, n_targets=None,
                  fix_variance=True):
    """``(scores, is_member)`` of ``attack`` on a ShadowSet, every model taking its turn as target.

    Model t is attacked with the first ``n_shadows`` of the *other* models as its shadows
    (leave-one-out, as Carlini et al. 2022 evaluate); ``n_targets`` limits how many models are
    attacked (default all). Pooling targets averages out which images happen to be members of
    one model, so AUCs are precise to about ±0.01 instead of ±0.05 with one target.
    """
    from trustlab.attacks.shadows import ShadowSet

    if not isinstance(shadow_set, ShadowSet):
        raise TypeError(f"shadow_set must be a trustlab.attacks.shadows.ShadowSet (load_shadow_sets() "
                        f"or train_shadow_set()), got {type(shadow_set).__name__}")
    check_choice("attack", attack, ATTACKS)
    check_bool("fix_variance", fix_variance)
    conf, in_mask = shadow_set.confidences, shadow_set.in_mask
    n_models = len(conf)
    k = n_models - 1 if n_shadows is None else check_int("n_shadows", n_shadows, 2, n_models - 1)
    n_targets = n_models if n_targets is None else check_int("n_targets", n_targets, 1, n_models)
    if attack == "loss":
        return loss_scores(conf[:n_targets]).ravel(), in_mask[:n_targets].ravel()
    # Row t: the first k models other than t (all targets in one vectorised fit).
    others = np.array([[m for m in range(n_models) if m != t][:k] for t in range(n_targets)])
    scores = lira_scores(conf[:n_targets], conf[others], in_mask[others],
                         online=attack == "lira_online", fix_variance=fix_variance)
    return scores.ravel(), in_mask[:n_targets].ravel()


def compute_membership_attack(shadow_set, attack="lira_online", n_shadows=None, *, n_targets=None,
                              fix_variance=True) -> AttackResult:
    """Run ``attack`` against a ShadowSet's models and measure it (ROC, AUC, TPR at low FPR).

    >>> from trustlab.attacks.shadows import train_shadow_set
    >>> s = train_shadow_set(3, recipe={"n_pool": 200, "epochs": 5})
    >>> r = compute_membership_attack(s, "loss")
    >>> 0.0 <= r.auc <= 1.0, r.attack, len(r.scores)
    (True, 'loss', 600)
    """
    scores, is_member = attack_scores(shadow_set, attack, n_shadows, n_targets=n_targets,
                                      fix_variance=fix_variance)
    fpr, tpr, auc = roc_metrics(scores, is_member)
    k = 0 if attack == "loss" else (n_shadows or shadow_set.n_shadows)
    return AttackResult(attack, fpr, tpr, auc, tpr_at_fpr(fpr, tpr, 0.001), tpr_at_fpr(fpr, tpr, 0.01),
                        k, shadow_set.noise_multiplier, shadow_set.epsilon,
                        float(np.mean(shadow_set.test_accuracy)), scores, is_member)
