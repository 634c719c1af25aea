"""Group fairness (notebook 30): who gets which errors when the data under-represent a group.

Group metrics per group come from fairlearn (``metrics``); ``sampling`` simulates a biased
survey of Adult and Kamiran & Calders' reweighing and resampling, ``disparate`` DP-SGD's
disparate impact, and ``conflicts`` why fairness criteria cannot all hold at once.
"""

from trustlab.fairness.groups.metrics import METRICS, GroupMetrics, group_metrics, tidy
from trustlab.fairness.groups.sampling import (SENSITIVE, SamplingBiasResult, adult_features,
                                               biased_sample, compute_sampling_bias,
                                               expected_estimate)

__all__ = ["METRICS", "SENSITIVE", "GroupMetrics", "SamplingBiasResult", "adult_features",
           "biased_sample", "compute_sampling_bias", "expected_estimate", "group_metrics", "tidy"]
