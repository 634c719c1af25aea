"""Fairness metrics conflict: when base rates differ, no classifier equalizes everything at once.

Demographic parity asks for equal selection rates; equalized odds for equal TPR and FPR
(Hardt, Price & Srebro 2016). With different base rates, a perfect classifier satisfies
equalized odds and violates demographic parity; post-processing a model towards one criterion
(fairlearn's ``ThresholdOptimizer``) moves the other (Kleinberg et al. 2016; Chouldechova 2017).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_number
from trustlab.fairness.groups.metrics import GroupMetrics, group_metrics
from trustlab.fairness.groups.sampling import SENSITIVE, adult_features

__all__ = ["ConflictResult", "compare_constraints"]

_ORDER = ("perfect predictor", "unconstrained", "demographic_parity", "equalized_odds")


@dataclass(frozen=True, eq=False)
class ConflictResult:
    """Group metrics of four classifiers on the same Adult test rows."""

    metrics: dict

    def table(self) -> pd.DataFrame:
        """One row per classifier: accuracy and the four gaps, rounded to 3 decimals."""
        rows = {name: {"accuracy": m.accuracy, **m.gaps()} for name, m in self.metrics.items()}
        return pd.DataFrame.from_dict(rows, orient="index").round(3)

    def summary(self) -> str:
        """One line per classifier: accuracy, DP difference and EO difference."""
        return "\n".join(f"{name:<20} acc={m.accuracy:.3f}  DP diff="
                         f"{m.demographic_parity_difference:.3f}  EO diff="
                         f"{m.equalized_odds_difference:.3f}" for name, m in self.metrics.items())


def compare_constraints(sensitive="sex", test_size=0.3, *, seed=0) -> ConflictResult:
    """Train a logistic regression on Adult and post-process it towards each fairness criterion.

    Returns the group metrics (on held-out rows) of: the labels themselves (a perfect
    predictor), the plain model, and the model with group-specific thresholds chosen by
    fairlearn's ``ThresholdOptimizer`` under demographic parity and under equalized odds.

    Examples
    --------
    >>> r = compare_constraints(seed=0)
    >>> perfect = r.metrics["perfect predictor"]
    >>> perfect.equalized_odds_difference, round(perfect.demographic_parity_difference, 2)
    (0.0, 0.2)
    """
    from fairlearn.postprocessing import ThresholdOptimizer
    from sklearn.linear_model import LogisticRegression

    check_choice("sensitive", sensitive, tuple(SENSITIVE))
    check_number("test_size", test_size, 0.05, 0.95)
    X, y, groups = adult_features()
    g = groups[sensitive]
    rng = numpy_rng(seed)
    perm = rng.permutation(len(y))
    n_test = int(round(test_size * len(y)))
    test, train = perm[:n_test], perm[n_test:]
    model = LogisticRegression(solver="liblinear", max_iter=500).fit(X[train], y[train])
    metrics: dict[str, GroupMetrics] = {
        "perfect predictor": group_metrics(y[test], y[test], g[test]),
        "unconstrained": group_metrics(y[test], model.predict(X[test]), g[test]),
    }
    for constraint in _ORDER[2:]:
        post = ThresholdOptimizer(estimator=model, constraints=constraint, prefit=True,
                                  predict_method="predict_proba")
        post.fit(X[train], y[train], sensitive_features=g[train])
        pred = post.predict(X[test], sensitive_features=g[test],
                            random_state=int(rng.integers(2**31 - 1)))
        metrics[constraint] = group_metrics(y[test], np.asarray(pred, dtype=int), g[test])
    return ConflictResult(metrics)
