"""Attacks that show why privacy matters: membership inference (loss threshold, LiRA), DP audits,
and secrets planted in an NLU model (canary exposure and extraction).

Each attack is measured (ROC, AUC, TPR at low FPR, exposure in bits, extraction success) and set
against DP-SGD as the defense, with the accuracy it costs and the ε it spends.
"""

from trustlab.attacks.audit import (AuditResult, PrivacyAudit, audit_epsilon, clopper_pearson,
                                    compute_privacy_audit, epsilon_lower_bound)
from trustlab.attacks.canaries import (Canary, candidate_texts, exposure, exposure_from_rank,
                                       extract_secret, extrapolated_exposure, insert_canaries,
                                       make_canaries, sequence_log_likelihood)
from trustlab.attacks.membership import (AttackResult, compute_membership_attack, lira_scores,
                                         loss_scores, roc_metrics, tpr_at_fpr)
from trustlab.attacks.nlu import NLUModel, Vocabulary, train_nlu
from trustlab.attacks.shadows import ShadowSet, load_shadow_sets, logit_confidence, train_shadow_set
from trustlab.attacks.utterances import make_utterances

__all__ = ["AttackResult", "AuditResult", "Canary", "NLUModel", "PrivacyAudit", "ShadowSet",
           "Vocabulary", "audit_epsilon", "candidate_texts", "clopper_pearson",
           "compute_membership_attack", "compute_privacy_audit", "epsilon_lower_bound", "exposure",
           "exposure_from_rank", "extract_secret", "extrapolated_exposure", "insert_canaries",
           "lira_scores", "load_shadow_sets", "logit_confidence", "loss_scores", "make_canaries",
           "make_utterances", "roc_metrics", "sequence_log_likelihood", "tpr_at_fpr", "train_nlu",
           "train_shadow_set"]
