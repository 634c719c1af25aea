"""Audit your own model: fairness with intervals, mitigation, membership risk and a report card.

Point the kit at a table (a DataFrame or CSV with a binary target and sensitive columns) and a
scikit-learn estimator or torch module; the audit measures group fairness and membership
leakage with bootstrap intervals, compares fairlearn's mitigations and a DP-SGD retrain, and
writes an offline report card.
"""

from trustlab.audit.fairness import FairnessAudit, audit_fairness
from trustlab.audit.tables import AuditTable, load_table

__all__ = ["AuditTable", "FairnessAudit", "audit_fairness", "load_table"]
