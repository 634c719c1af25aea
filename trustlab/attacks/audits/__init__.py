"""Auditing DP training (notebook 12): how much privacy loss an attack can prove.

``audit`` turns a shadow-model attack into a lower bound on ε (Jagielski et al. 2020; Nasr et
al. 2021); ``one_run_audit`` does it from one training run with canaries (Steinke, Nasr &
Jagielski 2023), trained by ``canary_audit`` (``one_run_sweep`` ships those runs); ``risk_audit``
sets both beside the bound that ε itself puts on any attack (:mod:`trustlab.privacy.risk`).
"""

from trustlab.attacks.audits.audit import (AuditResult, PrivacyAudit, audit_epsilon,
                                           clopper_pearson, compute_privacy_audit,
                                           epsilon_lower_bound)
from trustlab.attacks.audits.canary_audit import CanaryRun, train_canary_run, train_canary_runs
from trustlab.attacks.audits.one_run_sweep import load_one_run_sweep
from trustlab.attacks.audits.one_run_audit import (OneRunAudit, abstaining_guesses, audit_one_run,
                                                   one_run_epsilon_lb, one_run_p_value)
from trustlab.attacks.audits.risk_audit import (RiskAudit, compare_audits, compute_risk_audit,
                                                epsilon_lb_by_canaries)

__all__ = ["AuditResult", "CanaryRun", "OneRunAudit", "PrivacyAudit", "RiskAudit",
           "abstaining_guesses", "audit_epsilon", "audit_one_run", "clopper_pearson",
           "compare_audits", "compute_privacy_audit", "compute_risk_audit",
           "epsilon_lb_by_canaries", "epsilon_lower_bound", "load_one_run_sweep",
           "one_run_epsilon_lb", "one_run_p_value", "train_canary_run", "train_canary_runs"]
