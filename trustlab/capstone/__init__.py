"""The capstone: privacy × fairness × utility on one task, and the settings no other setting beats.

One task (UCI Adult, >50K, groups by sex) trained by federated averaging with Flower, where each
knob of the earlier notebooks is one axis: the DP-FedAvg noise multiplier (privacy, ε), the
number of clients and their label skew (federated), and Kamiran & Calders resampling by sex
(fairness). Every setting reports test accuracy, client-level ε, the TPR gap between women and
men, and a membership-inference attack's AUC next to the bound ε puts on any such attack.
"""

from trustlab.capstone.frontier import TradeoffResult, compute_tradeoff, pareto_mask
from trustlab.capstone.tradeoffs import (GRID, TradeoffPoint, attack_auc_bound, run_tradeoff_point,
                                         tradeoff_sweep)

__all__ = ["GRID", "TradeoffPoint", "TradeoffResult", "attack_auc_bound", "compute_tradeoff",
           "pareto_mask", "run_tradeoff_point", "tradeoff_sweep"]
