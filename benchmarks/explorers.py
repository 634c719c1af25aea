"""The explorers that ``benchmarks/run.py`` times, with the moves to make and the target to meet.

Adding an explorer is a three-line change: import its builder and append one
:class:`ExplorerBench` to :data:`EXPLORERS`, e.g.::

    ExplorerBench("dp_sgd", lambda: make_dpsgd_explorer(seed=0),
                  [("noise_multiplier", [0.5, 1.5, 1.0]), ("max_grad_norm", [0.5, 2.0])], RETRAIN),

Each move sets one control's ``.value``; the explorer recomputes synchronously, so the time of
the assignment is the time a student waits for the new number (DESIGN.md, "Performance targets").
Values must lie inside the control's range (ipywidgets sliders clamp silently) and each list
should hold at least two different values, so that every move really changes the control.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from trustlab.privacy.widgets import make_randomized_response_explorer
from trustlab.privacy.text.widgets import make_text_rewriting_explorer
from trustlab.privacy.widgets import make_epsilon_planner_explorer, make_mechanism_explorer
from trustlab.privacy.widgets import make_dpsgd_explorer
from trustlab.federated.widgets import make_dp_federated_explorer, make_federated_explorer
from trustlab.fairness.kg.widgets import make_kg_bias_explorer
from trustlab.fairness.text.widgets import make_intrinsic_extrinsic_explorer
from trustlab.fairness.counterfactual.widgets import make_role_reversal_explorer
from trustlab.fairness.groups.widgets import (make_disparate_impact_explorer,
                                              make_sampling_bias_explorer)
from trustlab.attacks.widgets import (make_canary_explorer, make_membership_explorer,
                                      make_risk_audit_explorer)
from trustlab.capstone.widgets import make_capstone_explorer
from trustlab.audit.widgets import make_audit_explorer, make_mitigation_explorer
from trustlab.lm.widgets import make_generation_bias_explorer, make_memorization_explorer

__all__ = ["CHEAP", "RETRAIN", "ExplorerBench", "EXPLORERS"]

#: Target median seconds for a slider whose update is a cheap computation.
CHEAP = 0.1
#: Target median seconds for a slider that retrains a model.
RETRAIN = 1.0


@dataclass(frozen=True)
class ExplorerBench:
    """One explorer to time.

    Parameters
    ----------
    name : str
        Short identifier shown in the results table.
    build : callable
        Zero-argument builder returning a :class:`trustlab.widgets.Explorer`.
    moves : sequence of (str, sequence)
        ``(control_name, values)`` pairs; the benchmark cycles through the controls in turn,
        setting each to its next value.
    target_s : float
        Target median seconds per move (:data:`CHEAP` or :data:`RETRAIN`).
    """

    name: str
    build: Callable[[], Any]
    moves: Sequence[tuple[str, Sequence[Any]]]
    target_s: float


EXPLORERS: list[ExplorerBench] = [
    ExplorerBench("randomized_response", lambda: make_randomized_response_explorer(seed=0),
                  [("p_truth", [0.6, 0.9, 0.75, 0.55]), ("n_respondents", [500, 5000, 1000]),
                   ("true_rate", [0.1, 0.5, 0.3, 0.8])], CHEAP),
    ExplorerBench("mechanism", lambda: make_mechanism_explorer(seed=0),
                  # ε < 1 throughout: the classic Gaussian calibration refuses ε ≥ 1 (shown as an error).
                  [("epsilon", [0.5, 0.9, 0.7, 0.3]), ("sensitivity", [2.0, 0.5, 1.0]),
                   ("mechanism", ["analytic_gaussian", "gaussian", "laplace"]), ("delta", [1e-3, 1e-6, 1e-5])],
                  CHEAP),
    # RDP per (σ, q) is computed once and cached (steps and δ reuse it); PRV never runs on a move.
    # Each move also computes the attack bound from the PLD (dp-accounting; cached per setting):
    # measured 0.08 s of CPU per move (median), 0.02–0.25 s for new settings.
    ExplorerBench("epsilon_planner", lambda: make_epsilon_planner_explorer(),
                  [("noise_multiplier", [0.8, 1.5, 1.0, 2.0]), ("epochs", [20, 5, 10]),
                   ("sample_rate", [0.1, 0.001, 0.01]), ("delta", [1e-6, 1e-5])], CHEAP),
    ExplorerBench("epsilon_planner_inverse",
                  lambda: make_epsilon_planner_explorer(preset={"mode": "noise_multiplier"}),
                  [("target_epsilon", [1.0, 8.0, 3.0]), ("epochs", [20, 5, 10]),
                   ("delta", [1e-6, 1e-5])], CHEAP),
    # Intent accuracy per ε is a cached sweep; a move re-runs ~2,000 noisy nearest-neighbour
    # searches over 10,010 words in 200 dims. Issue 5 sets this explorer's target at 0.2 s.
    ExplorerBench("text_rewriting", lambda: make_text_rewriting_explorer(seed=0),
                  [("epsilon", [20, 50, 30, 100, 60]),
                   ("sentence", ["Order some sausage for grandma", "Wake me up at seven tomorrow"]),
                   ("word", ["chicago", "pizza", "boston"])], 0.2),
    # Every position is a precomputed run (trustlab/privacy/sweeps/dpsgd_grid.json): a move is a
    # dict lookup and a plot. The "compute this setting now" button (5 seeds, batched) is a
    # separate, ≤ 2 s path (median over the grid).
    ExplorerBench("dp_sgd", lambda: make_dpsgd_explorer(seed=0),
                  [("noise_multiplier", [0.8, 5.0, 1.2, 2.0]), ("max_grad_norm", [0.5, 2.0, 1.0]),
                   ("batch_size", [64, 512, 128, 256]), ("epochs", [5, 40, 10, 20])], CHEAP),
    # A move is one real Flower run (ClientApp + FedAvg/FedProx) through the in-process Grid,
    # 10 clients x 5 rounds at the defaults; nothing is cached (issue 6: <= 1 s).
    ExplorerBench("federated", lambda: make_federated_explorer(seed=0),
                  [("alpha", [0.1, 10.0, 0.5, 2.0]), ("local_epochs", [2, 1]),
                   ("fraction_fit", [0.5, 1.0]), ("strategy", ["fedprox:0.1", "fedavg"])], RETRAIN),
    ExplorerBench("dp_federated", lambda: make_dp_federated_explorer(seed=0),
                  [("noise_multiplier", [0.5, 2.0, 1.0]), ("clipping_norm", [0.5, 2.0, 1.0])], RETRAIN),
    # A move draws a new Adult sample and refits a liblinear logistic regression (~0.2 s) + plot.
    ExplorerBench("sampling_bias", lambda: make_sampling_bias_explorer(seed=0),
                  [("skew", [10.0, 0.1, 3.0, 1.0]), ("n_sample", [400, 8000, 2000]),
                   ("oversampled", ["Female", "Male"])], RETRAIN),
    # Both read shipped sweeps (DP-SGD runs; 20 distilled students): a lookup and a plot.
    ExplorerBench("disparate_impact", lambda: make_disparate_impact_explorer(seed=0),
                  [("setting", ["eps=1", "clip only", "eps=8"]), ("dataset", ["adult", "digits"])], CHEAP),
    # The lookup is instant; drawing the two 21-point scatter panels takes ~0.1-0.2 s
    # (issue 7 asks <= 1 s for the swap-ratio slider).
    ExplorerBench("role_reversal", lambda: make_role_reversal_explorer(seed=0),
                  [("swap_ratio", [0.5, 1.0, 0.25, 0.0]), ("mode", ["mean", "max", "expmean", "none"])],
                  0.2),
    # Notebook 32: the 20-variant study is a shipped cached sweep; a move is a lookup and a plot
    # (the PNG dominates: 0.3 s median under load 8 on 2 cores; issue 8 sets sliders at ≤ 1 s).
    ExplorerBench("intrinsic_extrinsic", lambda: make_intrinsic_extrinsic_explorer(seed=0),
                  [("strength", [0.5, 1.0, 0.25, 0.0]), ("corpus_skew", [1.0, 2.0, 0.0]),
                   ("extrinsic", ["aps", "ctf", "tpr_gap"])], RETRAIN),
    # Notebook 33: every (w_KL, twins) 5-seed TransE run is shipped; a move is a look-up and a
    # plot (off-grid w_KL values wait for the "compute this setting now" button).
    ExplorerBench("kg_bias", lambda: make_kg_bias_explorer(seed=0),
                  [("kl_weight", [1.0, 10.0, 0.3, 0.0]), ("counterfactual_share", [1.0, 0.0]),
                   ("occupation", ["Craft-repair", "Sales", "Adm-clerical"])], RETRAIN),
    # Notebooks 12 and 13: 6 σ x 5 seeds x 33 shadow models and 18 canary settings x 5 seeds are
    # shipped sweeps (trustlab/attacks/sweeps/); a move is LiRA's Gaussian fits + an audit for five
    # seeds (memoized) or a lookup.
    ExplorerBench("membership", lambda: make_membership_explorer(seed=0),
                  [("noise_multiplier", [8.0, 0.0, 2.0, 0.7]), ("attack", ["loss", "lira_online"]),
                   ("n_shadows", [8, 32])], CHEAP),
    # Issue 19: every (σ, q, epochs) is five shipped training runs (seeds) with 400 canaries; a move
    # reads them, audits them (Steinke et al. 2023) and bounds them from the PLD (cached per setting).
    ExplorerBench("risk_audit", lambda: make_risk_audit_explorer(seed=0),
                  [("noise_multiplier", [0.5, 4.0, 2.0, 1.0]), ("sample_rate", [0.1, 0.02, 0.05]),
                   ("epochs", [50, 5, 20])], CHEAP),
    ExplorerBench("canaries", lambda: make_canary_explorer(seed=0),
                  [("repetitions", [1, 20, 5]), ("defense", ["dp_sgd", "char_embeddings", "none"]),
                   ("target_epsilon", [1.0, 8.0])], CHEAP),
    # Notebook 34: 140 fine-tuned transformers and 75 trained or distilled ones (5 seeds each)
    # are shipped sweeps (trustlab/lm/sweeps/); a move is a lookup and a two-panel plot with
    # interval bands/bars (0.4-0.6 s measured under load 9 on 2 cores), so the target is 1 s.
    ExplorerBench("lm_memorization", lambda: make_memorization_explorer(seed=0),
                  [("repetitions", [1, 50, 5]), ("defense", ["dp_sgd", "dedup", "none"])], RETRAIN),
    ExplorerBench("lm_bias", lambda: make_generation_bias_explorer(seed=0),
                  [("swap_ratio", [0.5, 1.0, 0.0]), ("mode", ["mean", "teacher", "expmean"])], RETRAIN),
    # Notebook 40: 60 settings x 5 seeded Flower runs are a shipped sweep; a move is a lookup, the
    # frontier (once per sweep) and a three-panel plot (issue 9: <= 1 s per update).
    ExplorerBench("capstone", lambda: make_capstone_explorer(seed=0),
                  [("noise_multiplier", [4.0, 0.0, 8.0, 1.0]), ("num_clients", [10, 100]),
                   ("alpha", [0.3, 100.0]), ("group_resample", [1.0, 0.5, 0.0])], RETRAIN),
    # Notebook 50: the model is fitted once per table (kept); a move re-audits the held-out rows
    # with 200 bootstrap resamples (German credit: 300 rows; Adult: 13,567 rows, up to 6 groups).
    ExplorerBench("audit", lambda: make_audit_explorer(seed=0),
                  [("sensitive", ["age_group", "sex × age_group", "sex"]),
                   ("dataset", ["german_credit", "adult"])], RETRAIN),
    # The 14 options (2 methods x 3 constraints + unmitigated, 2 tables) are a shipped sweep:
    # a move is a lookup and a plot.
    ExplorerBench("mitigation", lambda: make_mitigation_explorer(seed=0),
                  [("method", ["exponentiated_gradient", "unmitigated", "threshold_optimizer"]),
                   ("constraint", ["equalized_odds", "true_positive_rate_parity", "demographic_parity"]),
                   ("dataset", ["german_credit", "adult"])], CHEAP),
]
