"""Disaggregated (per-group) fairness metrics in one tidy table, computed by fairlearn's MetricFrame.

Selection rate, true- and false-positive rates and accuracy per group, with the
demographic-parity and equalized-odds differences and ratios (Hardt et al. 2016; fairlearn,
Bird et al. 2020). trustlab only validates inputs and arranges fairlearn's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["GroupMetrics", "METRICS", "group_metrics", "tidy"]

#: Per-group metrics, in table order.
METRICS = ("count", "selection_rate", "tpr", "fpr", "accuracy")


@dataclass(frozen=True, eq=False)
class GroupMetrics:
    """Per-group metrics (``table``) and the gaps between groups.

    ``table`` has one row per group and the columns of :data:`METRICS`. Differences are
    max − min over groups (0 means every group is equal); ratios are min / max (1 means equal).
    Equalized odds takes the worse of the TPR and FPR gaps, as fairlearn does.
    """

    table: pd.DataFrame
    demographic_parity_difference: float
    demographic_parity_ratio: float
    equalized_odds_difference: float
    equalized_odds_ratio: float
    accuracy: float

    def gaps(self) -> dict:
        """The four between-group gaps as a dict (handy for a sweep's table)."""
        return {"demographic_parity_difference": self.demographic_parity_difference,
                "demographic_parity_ratio": self.demographic_parity_ratio,
                "equalized_odds_difference": self.equalized_odds_difference,
                "equalized_odds_ratio": self.equalized_odds_ratio}

    def summary(self) -> str:
        """One rounded line: overall accuracy and the four gaps."""
        return (f"acc={self.accuracy:.3f}  DP diff={self.demographic_parity_difference:.3f}"
                f"  DP ratio={self.demographic_parity_ratio:.3f}"
                f"  EO diff={self.equalized_odds_difference:.3f}"
                f"  EO ratio={self.equalized_odds_ratio:.3f}")


def _as_1d(name, values, dtype=None):
    arr = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values,
                     dtype=dtype)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _check_binary(name, arr):
    try:
        values = set(np.unique(arr.astype(float)).tolist())
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold 0/1 labels, got values like {arr[:3].tolist()}") from None
    if not values <= {0.0, 1.0}:
        raise ValueError(f"{name} must hold only 0 and 1, got {sorted(values)[:5]}")
    return arr.astype(np.int64)


def group_metrics(y_true, y_pred, sensitive_features) -> GroupMetrics:
    """Selection rate, TPR, FPR and accuracy per group, and the gaps between groups.

    Parameters
    ----------
    y_true, y_pred : array-like of 0/1
        True labels and predictions (1 = the favourable outcome, e.g. ">50K").
    sensitive_features : array-like
        Group of each row (e.g. ``adult["sex"]``); at least two groups, none empty.

    Returns
    -------
    GroupMetrics
        Demographic-parity difference 0 means every group is selected at the same rate.

    Raises
    ------
    ValueError
        Lengths differ, no rows, labels not 0/1, missing groups, a single group, or a declared
        (categorical) group with no rows.

    Examples
    --------
    >>> m = group_metrics([1, 0, 1, 0], [1, 0, 0, 0], ["a", "a", "b", "b"])
    >>> m.table["selection_rate"].to_dict()
    {'a': 0.5, 'b': 0.0}
    >>> m.demographic_parity_difference, m.equalized_odds_difference
    (0.5, 1.0)
    """
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score

    yt, yp = _as_1d("y_true", y_true), _as_1d("y_pred", y_pred)
    sf = _as_1d("sensitive_features", sensitive_features, dtype=object)
    if not (len(yt) == len(yp) == len(sf)):
        raise ValueError("y_true, y_pred and sensitive_features must have the same length, got "
                         f"{len(yt)}, {len(yp)} and {len(sf)}")
    if len(yt) == 0:
        raise ValueError("y_true, y_pred and sensitive_features must not be empty")
    yt, yp = _check_binary("y_true", yt), _check_binary("y_pred", yp)
    if pd.isna(pd.Series(sf)).any():
        raise ValueError("sensitive_features must not contain missing values (None/NaN)")
    declared = getattr(getattr(sensitive_features, "cat", None), "categories", None)
    present = pd.unique(sf)
    if declared is not None:
        empty = [str(c) for c in declared if c not in set(present)]
        if empty:
            raise ValueError(f"sensitive_features declares groups with no rows: {empty}; "
                             "drop them (e.g. .cat.remove_unused_categories()) or add their rows")
    if len(present) < 2:
        raise ValueError("sensitive_features must contain at least two groups to compare, got "
                         f"only {list(present)}")
    # The metrics depend only on how many rows share each (y_true, y_pred, group), so fairlearn
    # runs on those few combinations weighted by their counts: same numbers, ~100x faster.
    combos = pd.DataFrame({"y_true": yt, "y_pred": yp, "group": sf}).value_counts().reset_index()
    weight = combos["count"].to_numpy(float)
    metrics = {"count": lambda y_true, y_pred, sample_weight: float(np.sum(sample_weight)),
               "selection_rate": selection_rate, "tpr": true_positive_rate,
               "fpr": false_positive_rate, "accuracy": accuracy_score}
    frame = MetricFrame(
        metrics=metrics, y_true=combos["y_true"].to_numpy(), y_pred=combos["y_pred"].to_numpy(),
        sensitive_features=combos["group"].rename("group"),
        sample_params={name: {"sample_weight": weight} for name in metrics})
    table = frame.by_group[list(METRICS)].astype(float)
    table["count"] = table["count"].astype(np.int64)
    table.index = table.index.map(str)
    diff, ratio = frame.difference(method="between_groups"), frame.ratio(method="between_groups")
    return GroupMetrics(
        table=table,
        demographic_parity_difference=float(diff["selection_rate"]),
        demographic_parity_ratio=float(ratio["selection_rate"]),
        equalized_odds_difference=float(max(diff["tpr"], diff["fpr"])),
        equalized_odds_ratio=float(min(ratio["tpr"], ratio["fpr"])),
        accuracy=float(frame.overall["accuracy"]))


def tidy(metrics: GroupMetrics, **labels) -> pd.DataFrame:
    """``metrics.table`` in long form (group, metric, value), with extra constant columns.

    >>> m = group_metrics([1, 0, 1, 0], [1, 0, 0, 0], ["a", "a", "b", "b"])
    >>> tidy(m, model="demo").query("metric == 'tpr'")["value"].tolist()
    [1.0, 0.0]
    """
    long = metrics.table.reset_index(names="group").melt(id_vars="group", var_name="metric",
                                                         value_name="value")
    for key, value in labels.items():
        long[key] = value
    return long

