"""Plots of notebook 34 return their data (synthetic results: no training needed)."""

import math

import numpy as np
import pytest

from trustlab.fairness.counterfactual.corpus import female_share
from trustlab.lm import compare
from trustlab.lm._stats import format_ci, mean_ci
from trustlab.lm.bias_sweep import BiasResult
from trustlab.lm.memorization_sweep import MemorizationResult
from trustlab.lm.plots import plot_bias, plot_exposure, plot_memorization

SEEDS = (0, 1, 2, 3, 4)


def _memo(defense, r, exposure):
    return MemorizationResult(r, defense, SEEDS, tuple(exposure + 0.1 * np.arange(5)),
                              (0.0, 0.25, 0.5, 0.25, 0.0), (0.0,) * 5, (3.0,) * 5)


def test_exposure_plot_data_are_means_and_t_intervals():
    sweep = {(d, r): _memo(d, r, e) for d, off in (("none", 0), ("dp_sgd", -1))
             for r, e in ((0, 1.5 + off), (10, 8.0 + off), (50, 13.0 + off))}
    fig, ax, data = plot_exposure(sweep, ("none", "dp_sgd"), highlight=("dp_sgd", 10))
    reps, means, halves = data["none"]
    assert reps == [0, 10, 50] and means[1] == pytest.approx(8.2)
    assert halves[1] == pytest.approx(mean_ci(sweep["none", 10].exposure)[1])
    _, (left, right), both = plot_memorization(sweep["dp_sgd", 10], sweep)
    assert list(both["extracted"]) == ["none", "dp_sgd"] and both["extracted"]["none"][1][0] == 0.2
    assert compare(sweep["dp_sgd", 50], sweep["none", 50], "exposure") == "lower"
    assert compare(sweep["dp_sgd", 50], sweep["none", 0], "perplexity") == "no effect"


def test_bias_plot_and_summary_from_counts():
    shares = female_share()
    counts = tuple({o: (round(100 * s), 100 - round(100 * s), 0) for o, s in shares.items()}
                   for _ in SEEDS)
    teacher = BiasResult("teacher", 0.0, SEEDS, counts, (2.2,) * 5)
    balanced = BiasResult("mean", 1.0, SEEDS, tuple({o: (50, 50, 0) for o in shares} for _ in SEEDS),
                          (2.3,) * 5)
    sweep = {("teacher", 0.0): teacher, ("mean", 1.0): balanced}
    fig, axes, data = plot_bias(balanced, sweep)
    assert data["shares"]["nurse"] == (shares["nurse"], 0.5, 0.0)
    assert set(data["tradeoff"]) == set(sweep)
    assert teacher.interval("share_correlation")[0] == pytest.approx(1.0)
    assert balanced.values("mean_equitability").tolist() == [1.0] * 5
    assert "|polarity|=0.00" in balanced.summary() and "(5 seeds)" in balanced.summary()


def test_interval_helpers():
    assert format_ci([2.0]) == "2.00"
    m, h = mean_ci([2.0])
    assert m == 2.0 and math.isnan(h)
    with pytest.raises(ValueError, match="finite numbers"):
        mean_ci([1.0, float("nan")])
