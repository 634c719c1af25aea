"""The capstone: privacy × fairness × utility on one task, and the settings no other setting beats.

One task (UCI Adult, >50K, groups by sex) trained by federated averaging with Flower, where each
knob of the earlier notebooks is one axis: the DP-FedAvg noise multiplier (privacy, ε), the
number of clients and their label skew (federated), and Kamiran & Calders resampling by sex
(fairness). Every setting is trained with five seeds and reports test accuracy, client-level ε,
the TPR gap between men and women, and a membership attack's AUC next to the bound DP puts on
any attack against one row.
"""

from trustlab.capstone.frontier import (TradeoffResult, compare_points, compute_tradeoff, compute_tradeoff_now,
                                        dominated_beyond_noise, pareto_mask, tradeoff_view)
from trustlab.capstone.sweep import run_grid, tradeoff_sweep
from trustlab.capstone.point import GRID, TradeoffPoint, row_level_risk
from trustlab.capstone.tradeoffs import run_tradeoff_point

__all__ = ["GRID", "TradeoffPoint", "TradeoffResult", "compare_points", "compute_tradeoff", "compute_tradeoff_now",
           "dominated_beyond_noise", "pareto_mask", "row_level_risk", "run_grid", "run_tradeoff_point",
           "tradeoff_sweep", "tradeoff_view"]
