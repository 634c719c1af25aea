"""Auditing DP with an attack: an empirical lower bound on ε from its TPR and FPR.

If training is (ε, δ)-DP, every membership test satisfies TPR ≤ e^ε · FPR + δ, so an attack
that reaches (TPR, FPR) proves ε ≥ ln((TPR − δ) / FPR) (Kairouz et al. 2015; used to audit
DP-SGD by Jagielski et al., "Auditing differentially private machine learning", 2020). TPR and
FPR are estimated from finitely many examples, so the bound comes with Clopper–Pearson
intervals (scipy.stats.beta); its lower end is what the attack proves at that confidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import beta

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_int, check_number

__all__ = ["AuditResult", "PrivacyAudit", "audit_epsilon", "clopper_pearson", "compute_privacy_audit",
           "compute_privacy_audit_now",
           "epsilon_lower_bound"]


def epsilon_lower_bound(tpr, fpr, delta=0.0) -> float:
    """ε_lb = ln((TPR − δ) / FPR): the ε any (ε, δ)-DP training must have for this attack to work.

    0 means the attack does no better than guessing; ``-inf`` when TPR ≤ δ (no information).

    >>> round(epsilon_lower_bound(0.2, 0.01), 4)          # ln 20
    2.9957
    >>> round(epsilon_lower_bound(0.5, 0.1, delta=0.1), 4)  # ln 4
    1.3863
    """
    tpr = check_number("tpr", tpr, 0, 1)
    fpr = check_number("fpr", fpr, 0, 1, low_open=True)
    delta = check_number("delta", delta, 0, 1, high_open=True)
    return math.log((tpr - delta) / fpr) if tpr > delta else -math.inf


def clopper_pearson(k, n, confidence=0.95) -> tuple[float, float]:
    """Exact two-sided binomial confidence interval for a rate k / n (Clopper & Pearson, 1934).

    >>> [round(v, 4) for v in clopper_pearson(0, 10)]
    [0.0, 0.3085]
    >>> [round(v, 4) for v in clopper_pearson(5, 10)]
    [0.1871, 0.8129]
    """
    n = check_int("n", n, 1)
    k = check_int("k", k, 0, n)
    confidence = check_number("confidence", confidence, 0, 1, low_open=True, high_open=True)
    alpha = 1 - confidence
    low = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return low, high


@dataclass(frozen=True)
class AuditResult:
    """An attack's empirical ε lower bound with its interval, next to the accountant's ε."""

    epsilon_lb: float  # point estimate ln((TPR − δ) / FPR) at the chosen threshold
    epsilon_lb_low: float  # what the attack proves at `confidence` (one end of the interval)
    epsilon_lb_high: float
    tpr: float
    fpr: float
    threshold: float
    n_members: int
    n_nonmembers: int
    delta: float
    confidence: float
    epsilon: float = math.inf  # the accountant's ε (inf: trained without DP)

    def summary(self) -> str:
        """One rounded line."""
        eps = "inf (no DP)" if math.isinf(self.epsilon) else f"{self.epsilon:.2f}"
        return (f"epsilon_lb={_fmt(self.epsilon_lb)} [{_fmt(self.epsilon_lb_low)}, "
                f"{_fmt(self.epsilon_lb_high)}] ({self.confidence:.0%} CI; TPR={self.tpr:.3f} "
                f"FPR={self.fpr:.3f})  accountant epsilon={eps}")


def _fmt(v):
    if not math.isfinite(v):
        return "inf" if v > 0 else "-inf"
    return "0.00" if abs(v) < 0.005 else f"{v:.2f}"  # no "-0.00"


def _bounds(tp, n_pos, fp, n_neg, delta, confidence):
    """Point estimate and interval of ε_lb from counts (both tails one-sided at 1 − confidence)."""
    two_sided = 1 - 2 * (1 - confidence)  # each one-sided end at `confidence`
    tpr_lo, tpr_hi = clopper_pearson(tp, n_pos, two_sided)
    fpr_lo, fpr_hi = clopper_pearson(fp, n_neg, two_sided)
    point = epsilon_lower_bound(tp / n_pos, fp / n_neg, delta) if fp > 0 else math.inf
    low = epsilon_lower_bound(tpr_lo, fpr_hi, delta)
    high = epsilon_lower_bound(tpr_hi, fpr_lo, delta) if fpr_lo > 0 else math.inf
    return point, low, high


def audit_epsilon(scores, is_member, *, delta=1e-5, confidence=0.95, epsilon=math.inf,
                  seed=0) -> AuditResult:
    """Empirical lower bound on ε from an attack's scores ("member if score ≥ threshold").

    The examples are split in two random halves: the threshold that maximizes the proven
    bound is chosen on one half, and TPR, FPR and their Clopper–Pearson intervals are
    measured on the other, so choosing the threshold does not inflate the bound.

    Parameters
    ----------
    scores, is_member : arrays (n,)
        Attack scores (higher: more likely a member) and the truth.
    delta : float in [0, 1)
        The δ of the (ε, δ) guarantee being audited.
    confidence : float in (0.5, 1)
        Each end of the interval holds with this probability.
    epsilon : float >= 0
        The accountant's ε, stored beside the bound (``inf``: trained without DP).

    >>> rng = np.random.default_rng(0)
    >>> members = np.r_[np.ones(500, bool), np.zeros(500, bool)]
    >>> r = audit_epsilon(rng.normal(size=1000) + 3 * members, members)
    >>> r.epsilon_lb_low > 1, r.epsilon_lb_low <= r.epsilon_lb <= r.epsilon_lb_high
    (True, True)
    """
    scores = check_array("scores", scores, ndim=1)
    is_member = check_array("is_member", is_member, kind="bool", ndim=1, length=len(scores),
                            length_name="scores")
    delta = check_number("delta", delta, 0, 1, high_open=True)
    confidence = check_number("confidence", confidence, 0.5, 1, low_open=True, high_open=True)
    epsilon = check_number("epsilon", epsilon, 0, allow_inf=True)
    half = numpy_rng(seed).permutation(len(scores)) < len(scores) // 2
    for part in (half, ~half):
        if is_member[part].all() or not is_member[part].any():
            raise ValueError("is_member needs members and non-members in both random halves; "
                             "give more examples of each")

    def counts(part, t):
        s, m = scores[part], is_member[part]
        return int((s[m] >= t).sum()), int(m.sum()), int((s[~m] >= t).sum()), int((~m).sum())

    # Proven bound of every threshold on the selection half, vectorised over thresholds.
    s, m = scores[half], is_member[half]
    order = np.argsort(-s, kind="stable")
    s, m = s[order], m[order]
    last = np.flatnonzero(np.r_[s[1:] != s[:-1], True])  # "score >= t": prefix counts
    # ~400 candidate thresholds, log-spaced in rank: dense at the top, where low FPRs live.
    last = last[np.unique(np.searchsorted(last, np.geomspace(1, len(s), 400) - 1))
                .clip(0, len(last) - 1)]
    tp, fp = np.cumsum(m)[last], np.cumsum(~m)[last]
    n_pos, n_neg = int(m.sum()), int((~m).sum())
    alpha = 1 - confidence  # one-sided ends
    tpr_lo = np.where(tp > 0, beta.ppf(alpha, np.maximum(tp, 1), n_pos - tp + 1), 0.0)
    fpr_hi = np.where(fp < n_neg, beta.ppf(1 - alpha, fp + 1, np.maximum(n_neg - fp, 1)), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        proven = np.where(tpr_lo > delta, np.log((tpr_lo - delta) / fpr_hi), -np.inf)
    best_t = float(s[last][int(np.argmax(proven))])
    tp, n_pos, fp, n_neg = counts(~half, best_t)
    point, low, high = _bounds(tp, n_pos, fp, n_neg, delta, confidence)
    return AuditResult(point, low, high, tp / n_pos, fp / n_neg, float(best_t), n_pos, n_neg,
                       delta, confidence, float(epsilon))


@dataclass(frozen=True)
class PrivacyAudit:
    """Targets attacked and audited: the attack's ROC numbers and the ε lower bound it proves.

    With several seeds, ``audit`` is the first seed's and ``proven`` holds every seed's proven
    bound (the 95 % lower end, 0 where it is below 0: every mechanism has ε ≥ 0).
    """

    attack: object  # trustlab.attacks.membership.AttackResult
    audit: AuditResult
    proven: tuple = ()  # per seed: max(epsilon_lb_low, 0)

    @property
    def epsilon_proven(self):
        """What the attack proves about ε at 95 %: per seed, the lower end or 0 (a numpy array)."""
        return np.array(self.proven or (max(self.audit.epsilon_lb_low, 0.0),))

    def summary(self) -> str:
        """One rounded line: accuracy, ε, attack AUC / TPR at 1 % FPR, and the proven ε_lb."""
        from trustlab.stats import format_ci

        a, u = self.attack, self.audit
        eps = "inf" if math.isinf(a.epsilon) else f"{a.epsilon:.2f}"
        if a.n_seeds == 1:
            return (f"sigma={a.noise_multiplier:g}  epsilon={eps}  test acc={a.test_accuracy:.3f} | "
                    f"{a.attack}: AUC={a.auc:.3f}  TPR@1%FPR={a.tpr_at_1:.3f} | "
                    f"epsilon_lb={_fmt(u.epsilon_lb_low)} (95% lower end; point {_fmt(u.epsilon_lb)})")
        p = {k: format_ci(v, 3, seeds=False) for k, v in a.per_seed.items()}
        return (f"sigma={a.noise_multiplier:g}  epsilon={eps}  test acc={p['test_accuracy']} | "
                f"{a.attack}: AUC={p['auc']}  TPR@1%FPR={p['tpr_at_1']} | "
                f"proven epsilon_lb={format_ci(self.epsilon_proven, 2, seeds=False)} ({a.n_seeds} seeds)")


def compute_privacy_audit(shadow_set, attack="lira_online", n_shadows=None, *, confidence=0.95,
                          seed=0) -> PrivacyAudit:
    """Attack a ShadowSet's targets (:mod:`trustlab.attacks.membership`) and audit its ε.

    δ is the shadow set's δ; the accountant's ε is stored beside the bound. ``shadow_set``
    may be a list of ShadowSets, one per seed: each seed is audited on its own.
    """
    from trustlab.attacks.membership import compute_membership_attack, shadow_sets

    check_number("confidence", confidence, 0.5, 1, low_open=True, high_open=True)  # before the attack
    sets = shadow_sets(shadow_set)
    result = compute_membership_attack(sets if len(sets) > 1 else sets[0], attack, n_shadows)
    audits = []
    for i, s in enumerate(sets):
        scores, members = result.scores, result.is_member
        if len(sets) > 1:  # this seed's guesses (the pooled arrays hold the seeds in order)
            size = s.confidences.size
            scores, members = scores[i * size:(i + 1) * size], members[i * size:(i + 1) * size]
        audits.append(audit_epsilon(scores, members, delta=s.delta, confidence=confidence,
                                    epsilon=s.epsilon, seed=seed))
    proven = tuple(max(u.epsilon_lb_low, 0.0) for u in audits) if len(sets) > 1 else ()
    return PrivacyAudit(result, audits[0], proven)


def compute_privacy_audit_now(noise_multiplier=0.0, attack="lira_online", n_shadows=32, *, n_models=33,
                              seeds=(0, 1, 2, 3, 4), recipe=None, confidence=0.95, on_epoch=None) -> PrivacyAudit:
    """Train the setting now and audit it: per seed, ``n_models`` models on balanced halves of the
    pool (:func:`trustlab.attacks.shadows.train_shadow_sets`, all seeds batched), then each model
    attacked with ``n_shadows`` of the others as :func:`compute_privacy_audit` does.

    σ may be any value ≥ 0, on the grid or off it. ``n_models`` stays 33 whatever ``n_shadows``:
    with balanced halves over few models, which shadows hold an example reveals whether the target
    does (with 3 models, an example is in exactly one), so fewer models would leak membership. With
    the defaults it retrains the shipped sweep's setting (the same numbers up to float rounding),
    about 15 s of one core.
    """
    from trustlab._validate import check_choice
    from trustlab.attacks.membership import ATTACKS
    from trustlab.attacks.shadows import train_shadow_sets

    check_choice("attack", attack, ATTACKS)
    n = check_int("n_models", n_models, 3, 256)
    k = check_int("n_shadows", n_shadows, 2, n - 1)
    check_number("confidence", confidence, 0.5, 1, low_open=True, high_open=True)
    sets = train_shadow_sets(n, noise_multiplier, recipe=recipe, seeds=seeds, on_epoch=on_epoch)
    return compute_privacy_audit(sets if len(sets) > 1 else sets[0], attack, k, confidence=confidence)
