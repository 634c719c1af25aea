"""ε you can read (notebooks 11, 12, 40): what (σ, q, steps) lets any membership attack achieve.

``bound`` turns the privacy loss distribution of Poisson-subsampled DP-SGD into the largest
true-positive rate any membership test can reach at each false-positive rate (the f-DP
trade-off curve, its AUC, the looser bound from one (ε, δ) pair); ``statement`` says it in
plain words, and ``plots`` draws the risk panel.
"""

from trustlab.privacy.risk.bound import (DISCRETIZATION, FPR_GRID, RiskResult, attack_auc_bound,
                                         attack_tpr_bound, compute_risk, epsilon_delta_tpr_bound,
                                         pld_epsilon, privacy_profile, tradeoff_curve)
from trustlab.privacy.risk.statement import privacy_statement

__all__ = ["DISCRETIZATION", "FPR_GRID", "RiskResult", "attack_auc_bound", "attack_tpr_bound",
           "compute_risk", "epsilon_delta_tpr_bound", "pld_epsilon", "privacy_profile",
           "privacy_statement", "tradeoff_curve"]
