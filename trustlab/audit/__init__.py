"""Audit your own model: fairness with intervals, mitigation, membership risk and a report card.

Point the kit at a table (a DataFrame or CSV with a binary target and sensitive columns) and a
scikit-learn estimator or torch module: it measures group fairness and membership leakage with
bootstrap intervals, compares fairlearn's mitigations and a DP-SGD retrain, and writes an
offline report card.
"""

from trustlab.audit.fairness import FairnessAudit, audit_fairness
from trustlab.audit.mitigation import MitigationResult, mitigate
from trustlab.audit.privacy import PrivacyAudit, audit_privacy
from trustlab.audit.private import PrivateRetrain, private_retrain, torch_fit_predict
from trustlab.audit.report import ReportCard, write_report
from trustlab.audit.tables import AuditTable, load_table

__all__ = ["AuditTable", "FairnessAudit", "MitigationResult", "PrivacyAudit", "PrivateRetrain",
           "ReportCard", "audit_fairness", "audit_privacy", "load_table", "mitigate",
           "private_retrain", "torch_fit_predict", "write_report"]
