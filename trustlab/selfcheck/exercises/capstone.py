"""Self-checks for the capstone (notebook 40): reading the trade-off sweep with its intervals.

Each expected value is computed at check time from the shipped sweep the exercise reads.
"""

from __future__ import annotations

from trustlab.selfcheck import Number, register


@register("40.1", Number(rtol=0.0, atol=5e-4), question="the mean test accuracy of the most accurate setting with ε ≤ 3",
          hint="Filter `tradeoff_sweep()` on `p.epsilon <= 3` and take the largest `p.accuracy` (the mean over "
               "the five seeds); `compare_points(best, runner_up)` says whether the lead is beyond noise.",
          insight="It uses 100 clients: spread over many clients, the same noise costs little accuracy. Its lead "
                  "over the runner-up is inside the noise: at this size they cannot be told apart.")
def _best_private_accuracy():
    from trustlab.capstone import tradeoff_sweep

    return max(p.accuracy for p in tradeoff_sweep() if p.epsilon <= 3)


@register("40.2", Number(rtol=0.0, atol=5e-4), question="the men's mean TPR for σ = 1, 100 clients, α = 0.3, no resampling",
          hint="`compute_tradeoff(1.0, 100, 0.3, 0.0).point` holds `tpr_female` and `tpr_male` (means over the "
               "seeds) and `interval(...)`; the TPR is the share of people earning >50K whom the model finds.",
          insight="Both TPRs are small: the gap is small because the model fails everyone alike, not because it "
                  "treats them fairly. Men's TPR falls beyond noise; women's was already low.")
def _skewed_men_tpr():
    from trustlab.capstone import compute_tradeoff

    return compute_tradeoff(1.0, 100, 0.3, 0.0).point.tpr_male
