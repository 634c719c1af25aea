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
    """One target attacked and audited: the attack's ROC numbers and its ε lower bound."""

    attack: object  # trustlab.attacks.membership.AttackResult
    audit: AuditResult

    def summary(self) -> str:
        """One rounded line: accuracy, ε, attack AUC / TPR at 1 % FPR, and ε_lb with its interval."""
        a, u = self.attack, self.audit
        eps = "inf" if math.isinf(a.epsilon) else f"{a.epsilon:.2f}"
        return (f"sigma={a.noise_multiplier:g}  epsilon={eps}  test acc={a.test_accuracy:.3f} | "
                f"{a.attack}: AUC={a.auc:.3f}  TPR@1%FPR={a.tpr_at_1:.3f} | "
                f"epsilon_lb={_fmt(u.epsilon_lb_low)} (95% lower end; point {_fmt(u.epsilon_lb)})")


def compute_privacy_audit(shadow_set, attack="lira_online", n_shadows=None, *, confidence=0.95,
                          seed=0) -> PrivacyAudit:
    """Attack a ShadowSet's target (:mod:`trustlab.attacks.membership`) and audit its ε.

    δ is the shadow set's δ; the accountant's ε is stored beside the bound.
    """
    from trustlab.attacks.membership import compute_membership_attack

    check_number("confidence", confidence, 0.5, 1, low_open=True, high_open=True)  # before the attack
    result = compute_membership_attack(shadow_set, attack, n_shadows)  # checks shadow_set
    audit = audit_epsilon(result.scores, result.is_member, delta=shadow_set.delta,
                          confidence=confidence, epsilon=shadow_set.epsilon, seed=seed)
    return PrivacyAudit(result, audit)
