"""Fairness: how unrepresentative data, private training and text models shift errors and
stereotypes between groups, and how to assess and mitigate that.

One room per lesson: ``groups`` (notebook 30: fairlearn's group metrics, sampling bias, DP's
disparate impact), ``counterfactual`` (31: gender swaps, augmentation, role reversal in
distillation), ``text`` (32: prediction sensitivity, embeddings and WEAT, intrinsic vs
extrinsic metrics) and ``kg`` (33: TransE and bias in knowledge-graph embeddings). The names
below are the ones the lessons use most; every other name lives in its room's modules.
"""

from trustlab.fairness.counterfactual import augment, swap_gender
from trustlab.fairness.groups import (METRICS, SENSITIVE, GroupMetrics, SamplingBiasResult,
                                      adult_features, biased_sample, compute_sampling_bias,
                                      expected_estimate, group_metrics, tidy)
from trustlab.fairness.kg import TransE, adult_graph, train_transe
from trustlab.fairness.text import (accumulated_prediction_sensitivity, direct_bias,
                                    gender_direction, mitigate_projection, prediction_sensitivity,
                                    project, weat_effect_size)

__all__ = ["METRICS", "SENSITIVE", "GroupMetrics", "SamplingBiasResult", "adult_features",
           "augment", "biased_sample", "compute_sampling_bias", "expected_estimate",
           "group_metrics", "swap_gender", "tidy"]
__all__ += ["TransE", "accumulated_prediction_sensitivity", "adult_graph", "direct_bias",
            "gender_direction", "mitigate_projection", "prediction_sensitivity", "project",
            "train_transe", "weat_effect_size"]
