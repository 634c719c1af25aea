"""Disaggregated (per-group) fairness metrics in one tidy table, computed by fairlearn's MetricFrame.

Selection rate, true- and false-positive rates and accuracy per group, with the
demographic-parity and equalized-odds differences and ratios (Hardt et al. 2016; fairlearn,
Bird et al. 2020). trustlab validates inputs and arranges fairlearn's numbers, with one
change: a rate whose denominator is empty in a group (TPR in a group with no positives, FPR in
one with no negatives) is undefined, NaN, not fairlearn's 0, and so is every gap that needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["GroupMetrics", "METRICS", "fmt", "group_metrics", "tidy"]

#: Per-group metrics, in table order.
METRICS = ("count", "selection_rate", "tpr", "fpr", "accuracy")


@dataclass(frozen=True, eq=False)
class GroupMetrics:
    """Per-group metrics (``table``) and the gaps between groups.

    ``table`` has one row per group and the columns of :data:`METRICS`. Differences are
    max − min over groups (0 means every group is equal); ratios are min / max (1 means equal).
    Equalized odds takes the worse of the TPR and FPR gaps, as fairlearn does. A TPR of a
    group without positives, or an FPR of a group without negatives, is NaN (undefined), and
    the gaps that need it are NaN too; ``undefined`` says why, per metric.
    """

    table: pd.DataFrame
    demographic_parity_difference: float
    demographic_parity_ratio: float
    equalized_odds_difference: float
    equalized_odds_ratio: float
    accuracy: float
    undefined: dict = field(default_factory=dict)

    def gaps(self) -> dict:
        """The four between-group gaps as a dict (handy for a sweep's table)."""
        return {"demographic_parity_difference": self.demographic_parity_difference,
                "demographic_parity_ratio": self.demographic_parity_ratio,
                "equalized_odds_difference": self.equalized_odds_difference,
                "equalized_odds_ratio": self.equalized_odds_ratio}

    def why_undefined(self) -> str:
        """Why the undefined numbers are undefined ("" when all are defined).

        >>> group_metrics([1, 0, 0, 0], [1, 0, 1, 0], ["a", "a", "b", "b"]).why_undefined()
        'TPR undefined (no positives in group b)'
        """
        return "; ".join(f"{name.upper()} undefined ({reason})"
                         for name, reason in self.undefined.items())

    def summary(self) -> str:
        """One rounded line: overall accuracy and the four gaps ("undefined" where one is)."""
        line = (f"acc={self.accuracy:.3f}  dem. parity diff={fmt(self.demographic_parity_difference)}"
                f"  dem. parity ratio={fmt(self.demographic_parity_ratio)}"
                f"  eq. odds diff={fmt(self.equalized_odds_difference)}"
                f"  eq. odds ratio={fmt(self.equalized_odds_ratio)}")
        return f"{line}  [{self.why_undefined()}]" if self.undefined else line


def fmt(value, digits=3) -> str:
    """``value`` rounded, or ``undefined`` for NaN (a rate whose denominator is empty)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"value must be a number, got {value!r:.60}")
    return "undefined" if value != value else f"{value:.{digits}f}"


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
        Demographic-parity difference 0 means every group is selected at the same rate. The
        TPR of a group with no positives and the FPR of a group with no negatives are NaN
        (undefined, with the reason in ``undefined``), and so are the equalized-odds gaps.

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
    >>> print(group_metrics([1, 1, 0, 0], [1, 0, 1, 0], ["a", "a", "b", "b"]).summary())
    acc=0.500  dem. parity diff=0.000  dem. parity ratio=1.000  eq. odds diff=undefined  eq. odds ratio=undefined  [TPR undefined (no positives in group b); FPR undefined (no negatives in group a)]
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
    names = [str(g) for g in present]
    if len(set(names)) != len(names):
        clash = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"sensitive_features has distinct groups with the same name {clash} "
                         f"(e.g. 1 and '1'); give every group one type, got {list(present)[:6]}")
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
    # fairlearn returns 0 for a rate whose denominator is empty: that is undefined, not zero.
    labels = pd.crosstab(combos["group"].map(str), combos["y_true"], values=combos["count"],
                         aggfunc="sum").reindex(index=table.index, columns=[0, 1]).fillna(0)
    undefined = {}
    for metric, label, word in (("tpr", 1, "positives"), ("fpr", 0, "negatives")):
        empty = [g for g in table.index if labels.loc[g, label] == 0]
        if empty:
            table.loc[empty, metric] = np.nan
            undefined[metric] = f"no {word} in group{'s' if len(empty) > 1 else ''} {', '.join(empty)}"

    diff, ratio = frame.difference(method="between_groups"), frame.ratio(method="between_groups")
    odds_defined = not undefined  # a gap that needs an undefined rate is undefined
    nan = float("nan")
    return GroupMetrics(
        table=table,
        demographic_parity_difference=float(diff["selection_rate"]),
        demographic_parity_ratio=float(ratio["selection_rate"]),
        equalized_odds_difference=float(max(diff["tpr"], diff["fpr"])) if odds_defined else nan,
        equalized_odds_ratio=float(min(ratio["tpr"], ratio["fpr"])) if odds_defined else nan,
        accuracy=float(frame.overall["accuracy"]), undefined=undefined)


def tidy(metrics: GroupMetrics, **labels) -> pd.DataFrame:
    """``metrics.table`` in long form (group, metric, value), with extra constant columns.

    >>> m = group_metrics([1, 0, 1, 0], [1, 0, 0, 0], ["a", "a", "b", "b"])
    >>> tidy(m, model="demo").query("metric == 'tpr'")["value"].tolist()
    [1.0, 0.0]
    """
    if not isinstance(metrics, GroupMetrics):
        raise TypeError(f"metrics must be a GroupMetrics (from group_metrics), got "
                        f"{type(metrics).__name__}")
    long = metrics.table.reset_index(names="group").melt(id_vars="group", var_name="metric",
                                                         value_name="value")
    for key, value in labels.items():
        long[key] = value
    return long

