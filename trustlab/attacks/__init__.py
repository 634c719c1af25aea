"""Attacks that show why privacy matters: membership inference (loss threshold, LiRA, RMIA), DP
audits (shadow models; one training run with canaries), and secrets planted in an NLU model
(canary exposure and extraction).

Each attack is measured (ROC, AUC, TPR at low FPR, exposure in bits, extraction success) and set
against DP-SGD as the defense, with the accuracy it costs and the ε it spends.
"""

from trustlab.attacks.audits.audit import (AuditResult, PrivacyAudit, audit_epsilon, clopper_pearson,
                                    compute_privacy_audit, epsilon_lower_bound)
from trustlab.attacks.canaries import (Canary, candidate_texts, exposure, exposure_from_rank,
                                       extract_secret, extrapolated_exposure, insert_canaries,
                                       make_canaries, sequence_log_likelihood)
from trustlab.attacks.membership import (AttackResult, compute_membership_attack, lira_scores,
                                         loss_scores, roc_metrics, tpr_at_fpr)
from trustlab.attacks.nlu import NLUModel, Vocabulary, train_nlu
from trustlab.attacks.audits.canary_audit import CanaryRun, train_canary_run, train_canary_runs
from trustlab.attacks.audits.one_run_sweep import load_one_run_sweep
from trustlab.attacks.audits.one_run_audit import (OneRunAudit, abstaining_guesses, audit_one_run,
                                            one_run_epsilon_lb, one_run_p_value)
from trustlab.attacks.audits.risk_audit import (RiskAudit, compare_audits, compute_risk_audit,
                                         epsilon_lb_by_canaries)
from trustlab.attacks.rmia import compare_with_lira, compute_rmia_attack, rmia_scores
from trustlab.attacks.shadows import (ShadowSet, load_shadow_seeds, load_shadow_sets, logit_confidence,
                                     train_shadow_set, train_shadow_sets)
from trustlab.attacks.utterances import make_utterances

__all__ = ["CanaryRun", "OneRunAudit", "RiskAudit", "abstaining_guesses", "audit_one_run",
           "compare_audits", "compare_with_lira", "compute_risk_audit", "compute_rmia_attack",
           "epsilon_lb_by_canaries", "load_one_run_sweep", "one_run_epsilon_lb", "one_run_p_value",
           "rmia_scores", "train_canary_run", "train_canary_runs", "load_shadow_seeds", "train_shadow_sets",
           "AttackResult", "AuditResult", "Canary", "NLUModel", "PrivacyAudit", "ShadowSet",
           "Vocabulary", "audit_epsilon", "candidate_texts", "clopper_pearson",
           "compute_membership_attack", "compute_privacy_audit", "epsilon_lower_bound", "exposure",
           "exposure_from_rank", "extract_secret", "extrapolated_exposure", "insert_canaries",
           "lira_scores", "load_shadow_sets", "logit_confidence", "loss_scores", "make_canaries",
           "make_utterances", "roc_metrics", "sequence_log_likelihood", "tpr_at_fpr", "train_nlu",
           "train_shadow_set"]
