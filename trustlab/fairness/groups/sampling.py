"""Sampling bias: what an unrepresentative sample does to a survey estimate and to a model.

A population (UCI Adult, 45,222 people) is sampled with a rule that makes one group ``skew``
times more likely to be drawn than the others ("a survey answered mostly by college kids").
The sample gives (a) a survey estimate of the population's P(>50K), raw and post-stratified
(reweighted to the population's group shares; Kish 1965, *Survey Sampling*), and (b) a logistic
regression whose per-group metrics are measured on the whole population.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.data import load_adult
from trustlab.fairness.groups.metrics import GroupMetrics, group_metrics
from trustlab.runtime import blas_threads
from trustlab.stats import format_ci

__all__ = ["MAX_SKEW", "SENSITIVE", "SamplingBiasResult", "adult_features", "biased_sample",
           "compute_sampling_bias", "expected_estimate", "reweighing_weights", "uniform_resample"]

#: Columns that may define the groups, with their values.
SENSITIVE = {"sex": ("Female", "Male"),
             "race": ("Amer-Indian-Eskimo", "Asian-Pac-Islander", "Black", "Other", "White")}
_CATEGORICAL = ["workclass", "education", "marital_status", "occupation", "relationship", "race",
                "sex", "native_country"]
_NUMERIC = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]


@functools.lru_cache(maxsize=1)
def _features():
    adult = load_adult()
    num = adult[_NUMERIC].astype(float)
    num[["capital_gain", "capital_loss"]] = np.log1p(num[["capital_gain", "capital_loss"]])
    num = (num - num.mean()) / num.std()
    X = pd.concat([num, pd.get_dummies(adult[_CATEGORICAL], dtype=float)], axis=1)
    X = X.to_numpy(np.float32)
    X.flags.writeable = False
    groups = {col: adult[col].astype(str).to_numpy() for col in SENSITIVE}
    y = adult["label"].to_numpy(np.int64)
    y.flags.writeable = False
    return X, y, groups


def adult_features():
    """``(X, y, groups)`` for Adult: standardized numbers + one-hot categories, labels, group arrays.

    ``X`` is float32 (45,222 × 103), ``y`` is 1 for >50K, ``groups`` maps ``"sex"`` and ``"race"``
    to arrays of strings. Arrays are read-only (cached).

    >>> X, y, groups = adult_features()
    >>> X.shape, round(float(y.mean()), 3), sorted(set(groups["sex"]))
    ((45222, 103), 0.248, ['Female', 'Male'])
    """
    return _features()


#: The largest sampling skew accepted (a member of the group 10,000 times as likely to answer).
MAX_SKEW = 1e4


def _weights(groups, oversampled, skew):
    return np.where(groups == oversampled, skew, 1.0)


def biased_sample(groups, oversampled, skew, n_sample, seed=0) -> np.ndarray:
    """Indices of ``n_sample`` rows drawn without replacement, ``oversampled`` rows ``skew``× as likely.

    ``skew=1`` is a simple random sample; ``skew=10`` makes each member of the group ten times as
    likely to answer as anyone else, ``skew=0.1`` ten times less likely.

    >>> idx = biased_sample(np.array(["a"] * 50 + ["b"] * 50), "a", 9.0, 20, seed=0)
    >>> len(idx), int((idx < 50).sum()) > 10
    (20, True)
    """
    check_number("skew", skew, 0, MAX_SKEW, low_open=True)
    check_int("n_sample", n_sample, 1, len(groups))
    w = _weights(groups, oversampled, skew)
    # Efraimidis-Spirakis: the n largest u^(1/w) keys are a weighted sample without replacement.
    keys = np.log(numpy_rng(seed).random(len(groups))) / w
    return np.sort(np.argpartition(-keys, n_sample - 1)[:n_sample])


def reweighing_weights(groups, y) -> np.ndarray:
    """Kamiran & Calders' reweighing: w(s, y) = P(s)·P(y) / P(s, y) for every row.

    With these weights the label is statistically independent of the group (each group gets the
    overall base rate); rows of combinations that are rarer than independence predicts (e.g.
    women earning >50K) weigh more than 1. Kamiran & Calders, "Data preprocessing techniques for
    classification without discrimination", Knowledge and Information Systems, 2012.

    >>> w = reweighing_weights(np.array(["a", "a", "a", "b"]), np.array([1, 1, 0, 0]))
    >>> w.round(3).tolist()
    [0.75, 0.75, 1.5, 0.5]
    """
    groups, y = np.asarray(groups), np.asarray(y)
    if groups.shape != y.shape or groups.ndim != 1:
        raise ValueError(f"groups and y must be 1-d of equal length, got shapes {groups.shape} and {y.shape}")
    if len(y) == 0:
        raise ValueError("groups and y must not be empty")
    w = np.empty(len(y))
    for g in np.unique(groups):
        in_g = groups == g
        for label in np.unique(y):
            cell = in_g & (y == label)
            if cell.any():
                w[cell] = in_g.mean() * (y == label).mean() / cell.mean()
    return w


def uniform_resample(groups, y, strength, *, seed=0) -> np.ndarray:
    """Indices of a resample of the rows (same size, with replacement) that weakens the group–label link.

    Each row is drawn with probability proportional to ``(1 - strength) + strength · w``, with
    ``w`` from :func:`reweighing_weights`: ``strength=0`` returns ``arange(n)`` unchanged,
    ``strength=1`` is Kamiran & Calders' uniform sampling (every group's expected base rate is the
    overall one). It mitigates one source of a gap (a label rate that differs by group); it does
    not remove bias that lives in the features.

    >>> groups = np.array(["F"] * 100 + ["M"] * 100)
    >>> y = np.array([1] * 10 + [0] * 90 + [1] * 40 + [0] * 60)
    >>> idx = uniform_resample(groups, y, 1.0, seed=0)
    >>> len(idx), round(float(y[idx][groups[idx] == "F"].mean()), 1)
    (200, 0.2)
    """
    strength = check_number("strength", strength, 0, 1)
    w = reweighing_weights(groups, y)
    if strength == 0:
        return np.arange(len(w))
    p = (1 - strength) + strength * w
    return np.sort(numpy_rng(seed).choice(len(w), size=len(w), replace=True, p=p / p.sum()))


def expected_estimate(rates, shares, skew, oversampled) -> float:
    """Expected survey estimate Σ w_g N_g r_g / Σ w_g N_g for a large population (0 error at skew 1).

    ``rates`` and ``shares`` map the same groups to a rate in [0, 1] and a population share
    (≥ 0, not all 0); ``oversampled`` is one of those groups, drawn ``skew`` times as often.

    >>> round(expected_estimate({"F": 0.1, "M": 0.3}, {"F": 0.5, "M": 0.5}, 3.0, "M"), 3)
    0.25
    """
    for name, value in (("rates", rates), ("shares", shares)):
        if not isinstance(value, dict) or not value:
            raise TypeError(f"{name} must be a non-empty dict of group -> number, got {value!r:.60}")
    if set(rates) != set(shares):
        raise ValueError(f"rates and shares must name the same groups, got {sorted(map(str, rates))} "
                         f"and {sorted(map(str, shares))}")
    check_choice("oversampled", oversampled, tuple(shares))
    skew = check_number("skew", skew, 0, MAX_SKEW, low_open=True)
    for g in shares:
        check_number(f"rates[{g!r}]", rates[g], 0, 1)
        check_number(f"shares[{g!r}]", shares[g], 0, 1)
    if sum(shares.values()) <= 0:
        raise ValueError(f"shares must not all be 0, got {shares!r}")
    w = {g: (skew if g == oversampled else 1.0) * shares[g] for g in shares}
    return sum(w[g] * rates[g] for g in w) / sum(w.values())


@dataclass(frozen=True, eq=False)
class SamplingBiasResult:
    """A biased sample's survey estimate and the per-group metrics of a model trained on it.

    The fields describe the first sample (``seeds[0]``); ``per_seed`` holds every sample's
    estimate, reweighted estimate, per-group accuracy and gaps (arrays in the order of
    ``seeds``), and :meth:`summary` prints their mean ± 95 % interval when there are several.
    """

    sensitive: str
    oversampled: str
    skew: float
    n_sample: int
    population_share: dict
    sample_share: dict
    group_rates: dict
    true_rate: float
    estimate: float
    reweighted_estimate: float
    expected: float
    metrics: GroupMetrics
    seeds: tuple = (0,)
    per_seed: dict = field(default_factory=dict)

    @property
    def error(self) -> float:
        """Survey estimate minus the population's true rate (0 means unbiased)."""
        return self.estimate - self.true_rate

    def _value(self, key, digits=3, signed=False):
        values = np.asarray(self.per_seed[key], dtype=float)
        if np.isnan(values).any():
            return "undefined"
        text = (f"{values[0]:.{digits}f}" if len(values) == 1
                else format_ci(values, digits, seeds=False))
        return f"+{text}" if signed and not text.startswith("-") else text

    def summary(self) -> str:
        """One rounded line: sample shares, estimate and error, and the model's gaps."""
        shares = " ".join(f"{g}={100 * s:.0f}%" for g, s in self.sample_share.items())
        acc = " ".join(f"{g}={self._value('acc ' + g)}" for g in self.metrics.table.index)
        n = len(self.seeds)
        tail = f"  ({n} samples)" if n > 1 else ""
        missing = [g for g in self.sample_share if min(self.per_seed[f"share {g}"]) == 0]
        why = f" (no {', '.join(missing)} in a sample)" if missing else ""
        return (f"skew={self.skew:g}  sample: {shares}  estimate={self._value('estimate')} "
                f"(true {self.true_rate:.3f}, error {self._value('error', signed=True)}, reweighted "
                f"{self._value('reweighted')}{why})  model acc {acc}  "
                f"dem. parity diff={self._value('dem_parity_diff')}  "
                f"eq. odds diff={self._value('eq_odds_diff')}{tail}")


def _one_sample(X, y, g, names, skew, n_sample, oversampled, seed):
    from sklearn.linear_model import LogisticRegression

    idx = biased_sample(g, oversampled, skew, n_sample, seed=seed)
    sample_share = {k: float(np.mean(g[idx] == k)) for k in names}
    # A group absent from the sample has no sample rate: post-stratification is undefined then.
    sample_rates = {k: float(y[idx][g[idx] == k].mean()) if sample_share[k] > 0 else float("nan")
                    for k in names}
    with blas_threads():
        model = LogisticRegression(solver="liblinear", max_iter=500).fit(X[idx], y[idx])
    # Decisions in float64 from the fitted weights (X is float32): the same on every CPU.
    pred = (_features64() @ model.coef_[0] + model.intercept_[0] > 0).astype(np.int64)
    return idx, sample_share, sample_rates, group_metrics(y, pred, g)


@functools.lru_cache(maxsize=1)
def _features64():
    X = adult_features()[0].astype(np.float64)
    X.flags.writeable = False
    return X


def compute_sampling_bias(skew=1.0, n_sample=2000, sensitive="sex", oversampled="Male", *,
                          seed=0, n_seeds=1) -> SamplingBiasResult:
    """Draw a skewed sample of Adult, estimate P(>50K) from it and train a model on it.

    Parameters
    ----------
    skew : float
        How many times more likely a member of ``oversampled`` is to be drawn (in (0, 10000];
        1 = fair).
    n_sample : int
        Sample size, in [100, 20000].
    sensitive : {"sex", "race"}
        Column defining the groups.
    oversampled : str
        The group whose members are ``skew``× as likely to be drawn.
    seed : int
        Seeds the first sample (the logistic regression itself is deterministic).
    n_seeds : int in [1, 20]
        Independent samples (seeds ``seed``, ``seed + 1``, …); the summary prints their mean
        ± 95 % interval.

    Examples
    --------
    >>> r = compute_sampling_bias(skew=10.0, seed=0)
    >>> r.sample_share["Male"] > 0.9, round(r.true_rate, 3)
    (True, 0.248)
    """
    check_choice("sensitive", sensitive, tuple(SENSITIVE))
    check_choice("oversampled", oversampled, SENSITIVE[sensitive])
    skew = check_number("skew", skew, 0, MAX_SKEW, low_open=True)
    check_int("n_sample", n_sample, 100, 20000)
    check_int("seed", seed, 0)
    check_int("n_seeds", n_seeds, 1, 20)
    X, y, groups = adult_features()
    g = groups[sensitive]
    names = list(SENSITIVE[sensitive])
    pop_share = {k: float(np.mean(g == k)) for k in names}
    rates = {k: float(y[g == k].mean()) for k in names}
    seeds = tuple(range(seed, seed + n_seeds))
    per_seed, first = {}, None
    for s in seeds:
        idx, sample_share, sample_rates, metrics = _one_sample(X, y, g, names, skew, n_sample,
                                                               oversampled, s)
        # Post-stratification: each group's sample rate weighted by its *population* share.
        reweighted = sum(pop_share[k] * sample_rates[k] for k in names)
        row = {"estimate": float(y[idx].mean()), "reweighted": float(reweighted),
               "dem_parity_diff": metrics.demographic_parity_difference,
               "eq_odds_diff": metrics.equalized_odds_difference,
               **{f"{m} {k}": float(a) for m, c in (("acc", "accuracy"), ("tpr", "tpr"))
                  for k, a in metrics.table[c].items()},
               **{f"share {k}": sample_share[k] for k in names}}
        row["error"] = row["estimate"] - float(y.mean())
        for key, value in row.items():
            per_seed.setdefault(key, []).append(value)
        first = first or (sample_share, row, metrics)
    sample_share, row, metrics = first
    mean_share = {k: float(np.mean(per_seed[f"share {k}"])) for k in names}
    return SamplingBiasResult(sensitive, oversampled, skew, int(n_sample), pop_share, mean_share,
                              rates, float(y.mean()), row["estimate"], row["reweighted"],
                              float(expected_estimate(rates, pop_share, skew, oversampled)),
                              metrics, seeds, {k: tuple(v) for k, v in per_seed.items()})
