"""Fairness metrics conflict: when base rates differ, no classifier equalizes everything at once.

Demographic parity asks for equal selection rates; equalized odds for equal TPR and FPR
(Hardt, Price & Srebro 2016). In the terms of Barocas, Hardt & Narayanan ("Fairness and
Machine Learning", ch. "Classification"), these are *independence* (ŷ ⊥ group) and
*separation* (ŷ ⊥ group | y); with different base rates, only a classifier no better than
chance satisfies both. A perfect classifier satisfies separation and violates independence;
post-processing a model towards one criterion (fairlearn's ``ThresholdOptimizer``) moves the
other. (Kleinberg, Mullainathan & Raghavan 2016 and Chouldechova 2017 prove the related
impossibility of calibration together with balanced error rates.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.fairness.groups.metrics import GroupMetrics, fmt, group_metrics
from trustlab.fairness.groups.sampling import SENSITIVE, adult_features
from trustlab.runtime import blas_threads
from trustlab.stats import format_ci

__all__ = ["ConflictResult", "compare_constraints"]

_ORDER = ("perfect predictor", "unconstrained", "demographic_parity", "equalized_odds")


@dataclass(frozen=True, eq=False)
class ConflictResult:
    """Group metrics of four classifiers on the same Adult test rows, for one or more splits.

    ``metrics`` are those of the first split (seed); ``per_seed[name][key]`` holds every
    split's accuracy and gaps, and the summary prints their mean ± 95 % interval.
    """

    metrics: dict
    per_seed: dict = field(default_factory=dict)
    seeds: tuple = (0,)

    def table(self) -> pd.DataFrame:
        """One row per classifier: accuracy and the four gaps of the first split, 3 decimals."""
        rows = {name: {"accuracy": m.accuracy, **m.gaps()} for name, m in self.metrics.items()}
        return pd.DataFrame.from_dict(rows, orient="index").round(3)

    def _cell(self, name, key):
        values = np.asarray(self.per_seed[name][key], dtype=float)
        if np.isnan(values).any():
            return "undefined"
        return fmt(values[0]) if len(values) == 1 else format_ci(values, 3, seeds=False)

    def summary(self) -> str:
        """One line per classifier: accuracy, demographic-parity and equalized-odds differences."""
        lines = [f"{name:<20} acc={self._cell(name, 'accuracy')}  dem. parity diff="
                 f"{self._cell(name, 'dem_parity_diff')}  eq. odds diff="
                 f"{self._cell(name, 'eq_odds_diff')}" for name in self.metrics]
        if len(self.seeds) > 1:
            lines.append(f"({len(self.seeds)} random train/test splits)")
        return "\n".join(lines)


def _one_split(X, y, g, test_size, seed):
    from fairlearn.postprocessing import ThresholdOptimizer
    from sklearn.linear_model import LogisticRegression

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
    return metrics


def compare_constraints(sensitive="sex", test_size=0.3, *, seed=0, n_seeds=1) -> ConflictResult:
    """Train a logistic regression on Adult and post-process it towards each fairness criterion.

    Returns the group metrics (on held-out rows) of: the labels themselves (a perfect
    predictor), the plain model, and the model with group-specific thresholds chosen by
    fairlearn's ``ThresholdOptimizer`` under demographic parity and under equalized odds;
    for ``n_seeds`` random splits (seeds ``seed``, ``seed + 1``, …; about 3.5 s each).

    Examples
    --------
    >>> r = compare_constraints(seed=0)
    >>> perfect = r.metrics["perfect predictor"]
    >>> perfect.equalized_odds_difference, round(perfect.demographic_parity_difference, 2)
    (0.0, 0.2)
    """
    check_choice("sensitive", sensitive, tuple(SENSITIVE))
    check_number("test_size", test_size, 0.05, 0.95)
    check_int("seed", seed, 0)
    check_int("n_seeds", n_seeds, 1, 20)
    X, y, groups = adult_features()
    g = groups[sensitive]
    seeds = tuple(range(seed, seed + n_seeds))
    first, per_seed = None, {name: {} for name in _ORDER}
    for s in seeds:
        with blas_threads():
            metrics = _one_split(X, y, g, test_size, s)
        first = first or metrics
        for name, m in metrics.items():
            for key, value in (("accuracy", m.accuracy),
                               ("dem_parity_diff", m.demographic_parity_difference),
                               ("eq_odds_diff", m.equalized_odds_difference)):
                per_seed[name].setdefault(key, []).append(value)
    return ConflictResult(first, {n: {k: tuple(v) for k, v in d.items()} for n, d in per_seed.items()},
                          seeds)
