"""Measuring bias inside text models (notebook 32): what a model's predictions and its
embeddings say about gender, and whether the two kinds of measure agree.

``sensitivity`` holds prediction sensitivity (Krishna et al. 2022), ``embeddings`` WEAT, the
gender direction and its projection, ``intrinsic`` the intrinsic-vs-extrinsic study (Cao et al.
2022), ``leakage`` APS against counterfactual gaps, and ``bios``/``words`` the data.
"""

from trustlab.fairness.text.embeddings import (direct_bias, gender_direction, mitigate_projection,
                                               project, weat_effect_size)
from trustlab.fairness.text.sensitivity import (accumulated_prediction_sensitivity,
                                                prediction_sensitivity)

__all__ = ["accumulated_prediction_sensitivity", "direct_bias", "gender_direction",
           "mitigate_projection", "prediction_sensitivity", "project", "weat_effect_size"]
