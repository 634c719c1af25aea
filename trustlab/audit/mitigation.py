"""Mitigation options for a scikit-learn model: fairlearn's post-processing and reductions, compared.

``ThresholdOptimizer`` (Hardt, Price & Srebro 2016) picks group-specific, possibly randomized
thresholds on a fitted model's scores; ``ExponentiatedGradient`` (Agarwal et al. 2018, "A
reductions approach to fair classification") retrains the estimator on reweighted data and
returns a randomized mix of models. Both take a constraint: demographic parity (equal selection
rates), equalized odds (equal TPR and FPR) or true-positive-rate parity. Each option is scored
on held-out rows: accuracy and its disparity, with bootstrap intervals paired across options
(the same resampled rows for every model), so "reduces the disparity" rests on an interval.
*Levelling down* (Mittelstadt, Wachter & Russell 2023: fairness "achieved by making every group
worse off, or by bringing better performing groups down to the level of the worst off") is
named when a group's rate falls with its interval below zero. Randomized predictions are
seeded, so repeated calls give the same predictions.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.audit.bootstrap import (confusion_counts, largest_difference, percentile_interval,
                                      rates_from_counts, row_weights)
from trustlab.audit.checks import (check_binary, check_same_length, join_columns, seeded_estimator,
                                   sensitive_frame)

__all__ = ["CONSTRAINTS", "METHODS", "MitigationResult", "mitigate"]

METHODS = ("threshold_optimizer", "exponentiated_gradient")
CONSTRAINTS = ("demographic_parity", "equalized_odds", "true_positive_rate_parity")
#: The disparity each constraint targets, and the group rates it moves.
DISPARITY = {"demographic_parity": ("selection_rate",), "equalized_odds": ("tpr", "fpr"),
             "true_positive_rate_parity": ("tpr",)}
_LEVEL_RATE = {"demographic_parity": "selection_rate", "equalized_odds": "tpr",
               "true_positive_rate_parity": "tpr"}
_SHORT = {"demographic_parity": "DP", "equalized_odds": "EO", "true_positive_rate_parity": "TPR"}
UNMITIGATED = ("unmitigated", "none")


@dataclass(frozen=True, eq=False)
class MitigationResult:
    """Accuracy and disparities of the unmitigated model and each mitigation, with intervals.

    Attributes
    ----------
    options : pandas.DataFrame
        Index ``(method, constraint)``, the unmitigated model first as ``("unmitigated",
        "none")``. Columns ``accuracy``, and for each constraint ``c`` its disparity ``c`` (0 means
        the groups are equal), each with ``_low``/``_high``; ``change`` is the option's own
        disparity minus the unmitigated model's (paired bootstrap: ``change_low``/``change_high``).
    by_group : pandas.DataFrame
        Index ``(method, constraint, group)``: ``selection_rate``, ``tpr``, ``fpr`` with intervals.
    levelling_down : tuple of str
        Options under which a group's rate falls (interval below zero) to meet the others.
    """

    options: pd.DataFrame
    by_group: pd.DataFrame
    levelling_down: tuple
    n_test: int
    n_boot: int
    seed: int
    predictions: dict = field(default_factory=dict, repr=False)

    def option(self, method, constraint) -> pd.Series:
        """The row of one option (``"unmitigated", "none"`` for the model as it is)."""
        if (method, constraint) not in self.options.index:
            raise ValueError(f"no option ({method!r}, {constraint!r}); options: {list(self.options.index)}")
        return self.options.loc[(method, constraint)]

    def line(self, method, constraint) -> str:
        """One rounded line for one option: accuracy and its disparity, with intervals."""
        row = self.option(method, constraint)
        targets = [constraint] if constraint in CONSTRAINTS else list(CONSTRAINTS)
        parts = [f"acc={row['accuracy']:.3f} [{row['accuracy_low']:.3f}, {row['accuracy_high']:.3f}]"]
        parts += [f"{_SHORT[c]} diff={row[c]:.3f} [{row[f'{c}_low']:.3f}, {row[f'{c}_high']:.3f}]"
                  for c in targets if c in row.index]
        if constraint in CONSTRAINTS:
            parts.append(f"change {row['change']:+.3f} [{row['change_low']:+.3f}, {row['change_high']:+.3f}]")
        return f"{method} / {constraint}: " + "  ".join(parts)

    def summary(self) -> str:
        """One line per option, then the levelling-down cases."""
        lines = [self.line(*key) for key in self.options.index]
        lines += [f"levelling down: {case}" for case in self.levelling_down]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-able contents (predictions left out), for caching; :meth:`from_dict` reverses it."""
        return {"options": _plain(self.options), "by_group": _plain(self.by_group),
                "levelling_down": list(self.levelling_down), "n_test": self.n_test,
                "n_boot": self.n_boot, "seed": self.seed}

    @classmethod
    def from_dict(cls, d) -> "MitigationResult":
        """The result stored by :meth:`to_dict`."""
        options = pd.DataFrame(d["options"]).set_index(["method", "constraint"])
        by_group = pd.DataFrame(d["by_group"]).set_index(["method", "constraint", "group"])
        return cls(options, by_group, tuple(d["levelling_down"]), int(d["n_test"]), int(d["n_boot"]),
                   int(d["seed"]))

    def plot(self, ax=None, highlight=None):
        """:func:`trustlab.audit.plots.plot_mitigation` of this result."""
        from trustlab.audit.plots import plot_mitigation

        return plot_mitigation(self, ax=ax, highlight=highlight)


def _plain(frame) -> dict:
    """A frame's columns as lists, an undefined number (NaN) as None: plain JSON for the cache."""
    flat = frame.reset_index()
    return flat.astype(object).where(flat.notna(), None).to_dict(orient="list")


def _rows(X, idx):
    return X.iloc[idx] if isinstance(X, (pd.DataFrame, pd.Series)) else X[idx]


def _split(strata, test_size, rng):
    test = []
    for _, rows in pd.Series(np.arange(len(strata))).groupby(strata):
        rows = rng.permutation(rows.to_numpy())
        test.extend(rows[:int(round(test_size * len(rows)))])
    is_test = np.zeros(len(strata), bool)
    is_test[test] = True
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def _fit_options(estimator, X_train, y_train, g_train, X_test, g_test, methods, constraints, eps,
                 max_iter, rng):
    """Predictions on the test rows of the unmitigated model and of every (method, constraint)."""
    from fairlearn.postprocessing import ThresholdOptimizer
    from fairlearn.reductions import DemographicParity, EqualizedOdds, ExponentiatedGradient, \
        TruePositiveRateParity
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import has_fit_parameter

    final = estimator
    if isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
        # Reductions reweight rows through fit(sample_weight=...), which a Pipeline does not
        # route to its last step: fit the preprocessing once, mitigate the final estimator.
        pre = seeded_estimator(Pipeline(estimator.steps[:-1]), int(rng.integers(2**31 - 1))).fit(X_train, y_train)
        X_train, X_test, final = pre.transform(X_train), pre.transform(X_test), estimator.steps[-1][1]
    seeds = iter(int(s) for s in rng.integers(2**31 - 1, size=1 + 3 * len(constraints)))
    model = seeded_estimator(final, next(seeds)).fit(X_train, y_train)
    out = {UNMITIGATED: np.asarray(model.predict(X_test)).astype(np.int64)}
    reductions = {"demographic_parity": DemographicParity, "equalized_odds": EqualizedOdds,
                  "true_positive_rate_parity": TruePositiveRateParity}
    method_of = "predict_proba" if hasattr(model, "predict_proba") else "decision_function"
    for constraint in constraints:
        if "threshold_optimizer" in methods:
            post = ThresholdOptimizer(estimator=model, constraints=constraint, prefit=True,
                                      predict_method=method_of)
            post.fit(X_train, y_train, sensitive_features=g_train)
            out[("threshold_optimizer", constraint)] = np.asarray(
                post.predict(X_test, sensitive_features=g_test, random_state=next(seeds))).astype(np.int64)
        if "exponentiated_gradient" in methods:
            if not has_fit_parameter(final, "sample_weight"):
                raise ValueError(f"method 'exponentiated_gradient' needs an estimator whose fit accepts "
                                 f"sample_weight; {type(final).__name__} does not (use 'threshold_optimizer')")
            eg = ExponentiatedGradient(seeded_estimator(final, next(seeds)), constraints=reductions[constraint](),
                                       eps=eps, max_iter=max_iter)
            eg.fit(X_train, y_train, sensitive_features=g_train)
            out[("exponentiated_gradient", constraint)] = np.asarray(
                eg.predict(X_test, random_state=next(seeds))).astype(np.int64)
    return out


def _as_list(name, value, allowed):
    items = (value,) if isinstance(value, str) else tuple(value)
    if not items:
        raise ValueError(f"{name} must name at least one of {allowed}")
    return tuple(check_choice(name, v, allowed) for v in items)


def mitigate(estimator, X, y, sensitive_features, *, method=METHODS, constraints=CONSTRAINTS,
             test_size=0.3, n_boot=200, seed=0, level=0.95, eps=0.01, max_iter=50) -> MitigationResult:
    """Train ``estimator`` and fairlearn's mitigations of it; compare them on held-out rows.

    Parameters
    ----------
    estimator : scikit-learn classifier or Pipeline
        Cloned, never changed. A Pipeline's preprocessing is fitted once and its last step is
        what ThresholdOptimizer post-processes and ExponentiatedGradient retrains (it must
        accept ``sample_weight``).
    X, y : features (array or DataFrame) and 0/1 labels
    sensitive_features : array-like, Series, DataFrame or dict
        Groups to equalize; several columns are combined into intersectional groups.
    method : str or tuple of {"threshold_optimizer", "exponentiated_gradient"}
    constraints : str or tuple of {"demographic_parity", "equalized_odds", "true_positive_rate_parity"}
    test_size : float
        Share of rows held out (stratified by group and label) to score every option.
    n_boot, level : bootstrap resamples of the held-out rows and interval coverage.
    seed : int
        Seeds the split, the estimator's ``random_state`` (if unset) and the randomized predictions.
    eps, max_iter : ExponentiatedGradient's allowed constraint violation and iterations.

    Returns
    -------
    MitigationResult
        A disparity of 0 means the groups are equal under that constraint's definition.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> g = rng.choice(["a", "b"], 2000); x = rng.normal(size=(2000, 1)) + (g == "b")[:, None]
    >>> y = (x[:, 0] + rng.normal(size=2000) > 0.5).astype(int)
    >>> r = mitigate(LogisticRegression(), x, y, g, method="threshold_optimizer",
    ...              constraints="demographic_parity", n_boot=50)
    >>> row = r.option("threshold_optimizer", "demographic_parity")
    >>> bool(row["change_high"] < 0), round(float(row["demographic_parity"]), 1)
    (True, 0.0)
    """
    if not (hasattr(estimator, "fit") and hasattr(estimator, "get_params")):
        raise TypeError(f"estimator must be a scikit-learn estimator (with fit and get_params), got "
                        f"{type(estimator).__name__}")
    n = check_same_length(X=X, y=y)
    y = check_binary("y", y)
    sf = sensitive_frame(sensitive_features, n)
    methods = _as_list("method", method, METHODS)
    constraints = _as_list("constraints", constraints, CONSTRAINTS)
    test_size = check_number("test_size", test_size, 0.05, 0.95)
    n_boot, level = check_int("n_boot", n_boot, 20, 10_000), check_number("level", level, 0.5, 1, high_open=True)
    check_number("eps", eps, 0, 1, low_open=True)
    check_int("max_iter", max_iter, 1)
    groups = join_columns(sf)
    rng = numpy_rng(seed)
    train, test = _split(pd.Series(groups).str.cat(pd.Series(y).astype(str), sep="|").to_numpy(),
                         test_size, rng)
    for part, rows in (("training", train), ("held-out", test)):
        if len(np.unique(groups[rows])) < len(np.unique(groups)) or len(np.unique(y[rows])) < 2:
            raise ValueError(f"test_size={test_size:g} leaves the {part} rows without some group or "
                             "label; use more rows or another test_size")
    with warnings.catch_warnings():
        # fairlearn 0.15's ExponentiatedGradient writes Series cells with .at, which pandas 3
        # deprecates: a notice for fairlearn's maintainers, not for the user of the audit
        warnings.filterwarnings("ignore", message="Setting a value on a Series via .at")
        preds = _fit_options(estimator, _rows(X, train), y[train], groups[train], _rows(X, test),
                             groups[test], methods, constraints, eps, max_iter, rng)
    return _score(preds, y[test], groups[test], constraints, n_boot, level, rng, seed)


def _score(preds, y_test, g_test, constraints, n_boot, level, rng, seed):
    names, codes = np.unique(g_test, return_inverse=True)
    names = [str(g) for g in names]
    weights = row_weights(codes, n_boot, rng)
    stats = {}
    for key, pred in preds.items():
        point = rates_from_counts(confusion_counts(np.ones(len(y_test)), y_test, pred, codes, len(names)))
        reps = rates_from_counts(confusion_counts(weights, y_test, pred, codes, len(names)))
        stats[key] = (point, reps, (weights * (pred == y_test)).sum(1) / len(y_test), np.mean(pred == y_test))
    base_point, base_reps = stats[UNMITIGATED][0], stats[UNMITIGATED][1]
    options, by_group, levelling = [], [], []
    for key, (point, reps, acc_reps, acc) in stats.items():
        row = {"method": key[0], "constraint": key[1], "accuracy": acc}
        lo, hi = percentile_interval(acc_reps[:, None], level)
        row["accuracy_low"], row["accuracy_high"] = float(lo[0]), float(hi[0])
        own = {}
        for c in constraints:
            value, rep, _, _ = largest_difference(point, reps, DISPARITY[c], names)
            lo, hi = percentile_interval(rep[:, None], level)
            row[c], row[f"{c}_low"], row[f"{c}_high"], own[c] = value, float(lo[0]), float(hi[0]), rep
        if key != UNMITIGATED:
            c = key[1]
            _, base_rep, _, _ = largest_difference(base_point, base_reps, DISPARITY[c], names)
            lo, hi = percentile_interval((own[c] - base_rep)[:, None], level)
            row["change"] = row[c] - _point_diff(base_point, DISPARITY[c], names)
            row["change_low"], row["change_high"] = float(lo[0]), float(hi[0])
            rate = _LEVEL_RATE[c]
            delta = reps[rate] - base_reps[rate]
            d_lo, d_hi = percentile_interval(delta, level)
            for i, g in enumerate(names):
                if d_hi[i] < 0 and row["change_high"] < 0:
                    levelling.append(f"{key[0]} / {c}: {g} {rate} {base_point[rate][i]:.3f} -> "
                                     f"{point[rate][i]:.3f} ({point[rate][i] - base_point[rate][i]:+.3f} "
                                     f"[{d_lo[i]:+.3f}, {d_hi[i]:+.3f}])")
        options.append(row)
        for m in ("selection_rate", "tpr", "fpr"):
            point.setdefault(m, np.nan)
        lo = {m: percentile_interval(reps[m], level) for m in ("selection_rate", "tpr", "fpr")}
        for i, g in enumerate(names):
            by_group.append({"method": key[0], "constraint": key[1], "group": g,
                             **{k: v for m in ("selection_rate", "tpr", "fpr") for k, v in
                                ((m, float(point[m][i])), (f"{m}_low", float(lo[m][0][i])),
                                 (f"{m}_high", float(lo[m][1][i])))}})
    options = pd.DataFrame(options).set_index(["method", "constraint"])
    by_group = pd.DataFrame(by_group).set_index(["method", "constraint", "group"])
    return MitigationResult(options, by_group, tuple(levelling), len(y_test), n_boot,
                            seed if isinstance(seed, int) else -1, preds)


def _point_diff(point, metrics, names):
    return largest_difference(point, {m: np.zeros((1, len(names))) for m in metrics}, metrics, names)[0]
