"""Self-checks for the capstone (notebook 40): reading the trade-off sweep.

Each expected value is computed at check time from the shipped sweep the exercise reads.
"""

from __future__ import annotations

from trustlab.selfcheck import Number, register


@register("40.1", Number(rtol=0.0, atol=5e-4), question="the test accuracy of the best setting with ε ≤ 3 and |TPR gap| ≤ 0.05",
          hint="Filter `tradeoff_sweep()` on `p.epsilon <= 3` and `abs(p.tpr_gap) <= 0.05`, then take the "
               "largest `p.accuracy`. Mind the absolute value: a negative gap favours women.",
          insight="It uses 100 clients: spread over many clients, the same noise costs little accuracy.")
def _best_private_fair_accuracy():
    from trustlab.capstone import tradeoff_sweep

    ok = [p for p in tradeoff_sweep() if p.epsilon <= 3 and abs(p.tpr_gap) <= 0.05]
    return max(p.accuracy for p in ok)


@register("40.2", Number(rtol=0.0, atol=5e-4), question="the men's TPR for σ = 1, 100 clients, α = 0.3, no resampling",
          hint="`compute_tradeoff(1.0, 100, 0.3, 0.0).point` holds `tpr_female` and `tpr_male`; "
               "the TPR is the share of people earning >50K whom the model finds.",
          insight="Both TPRs are tiny: the gap is small because the model fails everyone alike, not "
                  "because it treats them fairly.")
def _skewed_men_tpr():
    from trustlab.capstone import compute_tradeoff

    return compute_tradeoff(1.0, 100, 0.3, 0.0).point.tpr_male
