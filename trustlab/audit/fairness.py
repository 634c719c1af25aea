"""Fairness audit with intervals: fairlearn's group metrics per group and per intersection.

Selection rate, true- and false-positive rates and accuracy (and ROC AUC given scores) per
group, computed by fairlearn's ``MetricFrame`` (Bird et al. 2020), for each sensitive column
and for their intersection (Buolamwini & Gebru 2018: "intersectional" subgroups such as darker
females). Differences follow fairlearn: "the difference between the largest and smallest
values" of a metric over groups; demographic parity compares selection rates, equalized odds
(Hardt, Price & Srebro 2016) takes the worse of the TPR and FPR differences. Each value gets a
bootstrap 95 % interval (:mod:`trustlab.audit.bootstrap`); a difference's interval holds the two
groups it compares fixed, so with no true difference it straddles zero. Groups too small to
judge are named in warnings (the kit's reading of "too small": fewer than ``min_group_size``
rows, or an interval half-width above ``min_difference``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trustlab._validate import check_bool, check_int, check_number
from trustlab.audit.bootstrap import (confusion_counts, largest_difference, percentile_interval,
                                      rates_from_counts, row_weights, weighted_auc)
from trustlab.audit.checks import check_binary, check_same_length, join_columns, sensitive_frame

__all__ = ["DIFFERENCES", "GROUP_METRICS", "FairnessAudit", "audit_fairness"]

#: Per-group metrics, in table order ("auc" is added when scores are given).
GROUP_METRICS = ("selection_rate", "tpr", "fpr", "accuracy")
#: Differences reported per sensitive feature and the metric each compares.
DIFFERENCES = {"demographic_parity": "selection_rate", "equalized_odds": ("tpr", "fpr"),
               "tpr": "tpr", "fpr": "fpr", "accuracy": "accuracy", "auc": "auc"}
_SHORT = {"demographic_parity": "DP", "equalized_odds": "EO", "tpr": "TPR", "fpr": "FPR",
          "accuracy": "acc", "auc": "AUC"}


@dataclass(frozen=True, eq=False)
class FairnessAudit:
    """Per-group metrics and between-group differences, each with a bootstrap interval.

    Attributes
    ----------
    by_group : pandas.DataFrame
        Index ``(feature, group)``; columns ``count``, ``positives`` (rows with y_true = 1)
        and, per metric, ``<metric>``, ``<metric>_low``, ``<metric>_high``. NaN marks an
        undefined metric (TPR of a group without positives, FPR without negatives).
    differences : pandas.DataFrame
        Index ``(feature, difference)``; columns ``value`` (largest minus smallest group, 0 means
        equal), ``low``, ``high``, ``higher`` and ``lower`` (the groups compared) and ``effect``
        (True when the interval excludes zero).
    warnings : tuple of str
        Groups too small to judge, and undefined metrics.
    """

    by_group: pd.DataFrame
    differences: pd.DataFrame
    warnings: tuple
    features: tuple
    accuracy: float
    n_boot: int
    level: float
    seed: int
    metrics: tuple = field(default=GROUP_METRICS)

    def difference(self, feature, name="demographic_parity") -> tuple:
        """``(value, low, high)`` of one difference, e.g. ``("sex", "demographic_parity")``."""
        if (feature, name) not in self.differences.index:
            raise ValueError(f"no difference ({feature!r}, {name!r}); features: {list(self.features)}, "
                             f"differences: {sorted(set(self.differences.index.get_level_values(1)))}")
        row = self.differences.loc[(feature, name)]
        return float(row["value"]), float(row["low"]), float(row["high"])

    def summary(self) -> str:
        """One line per sensitive feature: the differences with their intervals, then warnings."""
        lines = []
        for feat in self.features:
            parts = []
            for name in ("demographic_parity", "equalized_odds", "accuracy", "auc"):
                if (feat, name) in self.differences.index:
                    v, lo, hi = self.difference(feat, name)
                    parts.append(f"{_SHORT[name]} diff=" + ("undefined" if np.isnan(v) else
                                                            f"{v:.3f} [{lo:.3f}, {hi:.3f}]"))
            counts = self.by_group.loc[feat, "count"]
            lines.append(f"{feat}: " + "  ".join(parts)
                         + f"  ({len(counts)} groups, smallest n={int(counts.min()):,})")
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s): " + self.warnings[0]
                         + (" …" if len(self.warnings) > 1 else ""))
        return "\n".join(lines)

    def plot(self, metric="selection_rate", ax=None):
        """:func:`trustlab.audit.plots.plot_fairness_audit` of this audit."""
        from trustlab.audit.plots import plot_fairness_audit

        return plot_fairness_audit(self, metric, ax=ax)


def _metric_frame(yt, yp, frame, scores):
    """Point values per group from fairlearn's MetricFrame (NaN where undefined)."""
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score, roc_auc_score

    # The label metrics depend only on how many rows share each (y_true, y_pred, group), so
    # MetricFrame runs on those combinations weighted by their counts (same numbers, faster).
    combos = frame.assign(y_true=yt, y_pred=yp).value_counts().reset_index()
    metrics = {"selection_rate": selection_rate, "tpr": true_positive_rate,
               "fpr": false_positive_rate, "accuracy": accuracy_score}
    weight = combos["count"].to_numpy(float)
    mf = MetricFrame(metrics=metrics, y_true=combos["y_true"].to_numpy(),
                     y_pred=combos["y_pred"].to_numpy(), sensitive_features=combos[list(frame.columns)],
                     sample_params={m: {"sample_weight": weight} for m in metrics})
    table = mf.by_group.astype(float)
    if scores is not None:
        def auc(y_true, y_score):
            return roc_auc_score(y_true, y_score) if len(np.unique(y_true)) == 2 else np.nan

        table["auc"] = MetricFrame(metrics=auc, y_true=yt, y_pred=scores,
                                   sensitive_features=frame).by_group.astype(float)
    table.index = [", ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in table.index]
    return table


def audit_fairness(y_true, y_pred, sensitive_features, *, y_score=None, n_boot=200, seed=0,
                   level=0.95, intersectional=True, min_group_size=30, min_difference=0.1) -> FairnessAudit:
    """Group fairness metrics with bootstrap intervals, per group and intersection.

    Parameters
    ----------
    y_true, y_pred : array-like of 0/1
        Labels and predictions (1 is the favourable outcome).
    sensitive_features : array-like, Series, DataFrame or dict of arrays
        One column per sensitive feature; with two or more, their intersection is audited too.
    y_score : array-like of float, optional
        Scores (e.g. ``predict_proba(X)[:, 1]``): adds ROC AUC per group.
    n_boot : int
        Bootstrap resamples (rows redrawn within each intersectional group).
    seed : int
        Seeds the resampling: same seed, same intervals.
    level : float
        Interval coverage (0.95 gives 95 % intervals).
    intersectional : bool
        Also audit the combination of all sensitive columns (when there are two or more).
    min_group_size : int
        Groups with fewer rows are named in ``warnings``.
    min_difference : float
        Groups whose selection-rate or TPR interval half-width exceeds this cannot show a
        difference of this size; they are named in ``warnings``.

    Returns
    -------
    FairnessAudit
        A demographic-parity difference of 0 means every group is selected at the same rate.

    Examples
    --------
    >>> a = audit_fairness([1, 0, 1, 0] * 50, [1, 0, 0, 0] * 50, ["a", "a", "b", "b"] * 50, n_boot=50)
    >>> a.by_group.loc["group", "selection_rate"].to_dict()
    {'a': 0.5, 'b': 0.0}
    >>> a.difference("group", "demographic_parity")[0]
    0.5
    """
    n = check_same_length(y_true=y_true, y_pred=y_pred)
    yt, yp = check_binary("y_true", y_true), check_binary("y_pred", y_pred)
    sf = sensitive_frame(sensitive_features, n)
    scores = None
    if y_score is not None:
        check_same_length(y_true=y_true, y_score=y_score)
        scores = np.asarray(y_score, dtype=float)
        if scores.ndim != 1 or not np.isfinite(scores).all():
            raise ValueError("y_score must be a 1-d array of finite numbers (one score per row)")
    n_boot, level = check_int("n_boot", n_boot, 20, 10_000), check_number("level", level, 0.5, 1, high_open=True)
    check_bool("intersectional", intersectional)
    min_group_size = check_int("min_group_size", min_group_size, 1)
    min_difference = check_number("min_difference", min_difference, 0, 1, low_open=True)
    views = {c: [c] for c in sf.columns}
    if intersectional and sf.shape[1] > 1:
        views[" × ".join(sf.columns)] = list(sf.columns)
    finest = join_columns(sf, "\x1f")
    weights = row_weights(finest, n_boot, seed)
    metrics = GROUP_METRICS + (("auc",) if scores is not None else ())
    rows, diffs, warnings = [], [], []
    for feat, cols in views.items():
        table = _metric_frame(yt, yp, sf[cols], scores)
        groups = list(table.index)
        keys = join_columns(sf[cols])
        codes = pd.Categorical(keys, categories=groups).codes
        point_counts = confusion_counts(np.ones(n), yt, yp, codes, len(groups))
        point = rates_from_counts(point_counts)
        reps = rates_from_counts(confusion_counts(weights, yt, yp, codes, len(groups)))
        if scores is not None:
            point["auc"] = table["auc"].to_numpy()
            reps["auc"] = np.stack([weighted_auc(scores[codes == g], yt[codes == g], weights[:, codes == g])
                                    for g in range(len(groups))], axis=1)
        for m in GROUP_METRICS:  # MetricFrame's number, NaN where the rate is undefined
            point[m] = np.where(np.isnan(point[m]), np.nan, table[m].to_numpy())
        positives = (point_counts[:, 0] + point_counts[:, 2]).astype(np.int64)
        frame = pd.DataFrame({"count": point["count"].astype(np.int64), "positives": positives},
                             index=groups)
        for m in metrics:
            lo, hi = percentile_interval(reps[m], level)
            frame[m], frame[f"{m}_low"], frame[f"{m}_high"] = point[m], lo, hi
        frame.index = pd.MultiIndex.from_product([[feat], groups], names=["feature", "group"])
        rows.append(frame)
        for name, compared in DIFFERENCES.items():
            if compared == "auc" and scores is None:
                continue
            names = compared if isinstance(compared, tuple) else (compared,)
            value, rep, higher, lower = largest_difference(point, reps, names, groups)
            lo, hi = percentile_interval(rep[:, None], level)
            diffs.append({"feature": feat, "difference": name, "value": value, "low": lo[0],
                          "high": hi[0], "higher": higher, "lower": lower,
                          "effect": bool(lo[0] > 0)})
        warnings += _warnings(feat, frame.droplevel(0), min_group_size, min_difference)
    by_group = pd.concat(rows)
    differences = pd.DataFrame(diffs).set_index(["feature", "difference"])
    return FairnessAudit(by_group, differences, tuple(warnings), tuple(views), float(np.mean(yt == yp)),
                         n_boot, level, seed if isinstance(seed, int) else -1, metrics)


def _warnings(feat, frame, min_group_size, min_difference):
    out = []
    for group, row in frame.iterrows():
        where = f"{feat}={group}"
        count, positives = int(row["count"]), int(row["positives"])
        if count < min_group_size:
            out.append(f"{where}: only {count} rows (fewer than {min_group_size}); too few to judge")
            continue
        for m, k, kind in (("tpr", positives, "positives"), ("fpr", count - positives, "negatives")):
            if k == 0:
                out.append(f"{where}: {m.upper()} undefined (no {kind} in this group)")
            elif k < min_group_size:
                out.append(f"{where}: {m.upper()} rests on only {k} {kind} (fewer than "
                           f"{min_group_size}); too few to judge")
        for m in ("selection_rate", "tpr"):
            half = (row[f"{m}_high"] - row[f"{m}_low"]) / 2
            if half > min_difference:
                out.append(f"{where}: {m} interval ±{half:.2f} is wider than the {min_difference:g} "
                           "difference it would need to show")
                break
    return out
