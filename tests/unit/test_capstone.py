"""The capstone: resampling by sex, its path through Flower's clients, the sweep and its frontier."""

import math

import numpy as np
import pytest

from trustlab.capstone import tradeoffs
from trustlab.capstone.frontier import compute_tradeoff, pareto_mask
from trustlab.capstone.tradeoffs import (GRID, attack_auc_bound, auc_standard_error,
                                         run_tradeoff_point, tradeoff_sweep)
from trustlab.fairness.groups.sampling import reweighing_weights, uniform_resample
from trustlab.federated import task


def test_reweighing_makes_label_independent_of_group():
    rng = np.random.default_rng(0)
    groups = np.where(rng.random(5000) < 0.3, "F", "M")
    y = (rng.random(5000) < np.where(groups == "F", 0.1, 0.3)).astype(int)
    w = reweighing_weights(groups, y)
    rate = {g: np.average(y[groups == g], weights=w[groups == g]) for g in ("F", "M")}
    assert rate["F"] == pytest.approx(y.mean(), abs=1e-12) and rate["M"] == pytest.approx(y.mean(), abs=1e-12)
    # Weighted group sizes are unchanged: reweighing moves mass between labels, not groups.
    assert w[groups == "F"].sum() == pytest.approx((groups == "F").sum())


def test_uniform_resample_strength_moves_base_rates():
    rng = np.random.default_rng(1)
    groups = np.where(rng.random(20000) < 0.3, "F", "M")
    y = (rng.random(20000) < np.where(groups == "F", 0.1, 0.3)).astype(int)
    assert np.array_equal(uniform_resample(groups, y, 0.0), np.arange(20000))
    gaps = []
    for s in (0.0, 0.5, 1.0):
        idx = uniform_resample(groups, y, s, seed=0)
        g, t = groups[idx], y[idx]
        gaps.append(t[g == "M"].mean() - t[g == "F"].mean())
    assert gaps[0] > gaps[1] > gaps[2]
    assert abs(gaps[2]) < 0.02  # uniform sampling: equal base rates up to sampling error
    with pytest.raises(ValueError, match="strength"):
        uniform_resample(groups, y, 1.5)
    with pytest.raises(ValueError, match="equal length"):
        reweighing_weights(groups, y[:-1])


def test_client_data_resamples_locally_and_only_for_adult():
    X0, y0 = task.client_data(3, 10, dataset="adult", partitioning="dirichlet", alpha=100.0)
    X1, y1 = task.client_data(3, 10, dataset="adult", partitioning="dirichlet", alpha=100.0,
                              group_resample=1.0)
    assert len(y1) == len(y0) and not np.array_equal(X0, X1)
    # every resampled row is one of the client's own rows: nothing crosses clients
    own = {r.tobytes() for r in X0}
    assert all(r.tobytes() in own for r in X1)
    with pytest.raises(ValueError, match="group_resample.*'adult'"):
        task.client_data(0, 10, dataset="digits", group_resample=0.5)
    with pytest.raises(ValueError, match="group_resample"):
        task.client_data(0, 10, dataset="adult", group_resample=-0.1)


def test_attack_auc_bound_and_standard_error():
    assert attack_auc_bound(math.inf) == 1.0
    assert attack_auc_bound(0.0, 0.0) == pytest.approx(0.5, abs=1e-9)
    bounds = [attack_auc_bound(e) for e in (0.5, 1.0, 2.0, 4.0, 8.0)]
    assert all(a < b for a, b in zip(bounds, bounds[1:])) and bounds[-1] < 1.0
    # The bound is tight: randomized response with P(truth) = e^ε/(1+e^ε) is ε-DP, and the
    # attack "member if the released bit is 1" reaches it (measured on simulated releases).
    from sklearn.metrics import roc_auc_score

    eps, n = 1.0, 200_000
    p = math.exp(eps) / (1 + math.exp(eps))
    rng = np.random.default_rng(0)
    is_member = rng.random(n) < 0.5
    released = np.where(rng.random(n) < p, is_member, ~is_member)
    assert roc_auc_score(is_member, released) == pytest.approx(attack_auc_bound(eps, 0.0), abs=0.004)
    assert auc_standard_error(0.5, 2000, 2000) == pytest.approx(math.sqrt(1 / 12 * (1 / 2000 + 1 / 2000)), rel=0.01)


def test_pareto_mask_against_brute_force():
    rng = np.random.default_rng(0)
    a, e, g = rng.random(40), rng.random(40) * 10, rng.normal(size=40) * 0.1
    mask = pareto_mask(a, e, g)
    for i in range(40):
        dominated = any(a[j] >= a[i] and e[j] <= e[i] and abs(g[j]) <= abs(g[i])
                        and (a[j] > a[i] or e[j] < e[i] or abs(g[j]) < abs(g[i])) for j in range(40))
        assert mask[i] == (not dominated)


def test_shipped_sweep_covers_the_grid_and_reads_instantly():
    rows = tradeoff_sweep()
    n = math.prod(len(v) for v in GRID.values())
    assert len(rows) == n and len({r.setting() for r in rows}) == n
    for r in rows:
        assert 0.5 < r.accuracy < 1 and 0.4 < r.attack_auc < 1
        assert (r.noise_multiplier == 0) == math.isinf(r.epsilon)
        assert r.attack_auc <= r.attack_auc_bound + 4 * r.attack_auc_se
    # more noise spends less ε
    eps = sorted({r.epsilon for r in rows}, reverse=True)
    assert len(eps) == len(GRID["noise_multiplier"])


def test_shipped_point_equals_a_live_run():
    # The cache holds real runs: one setting recomputed live gives the same numbers.
    setting = dict(noise_multiplier=2.0, num_clients=10, alpha=100.0, group_resample=0.5)
    live = run_tradeoff_point(**setting, seed=0)
    shipped = compute_tradeoff(**setting).point
    for key in ("accuracy", "tpr_gap", "attack_auc", "epsilon"):
        assert getattr(shipped, key) == pytest.approx(live[key], abs=1e-9), key


def test_compute_tradeoff_rejects_settings_off_the_grid():
    with pytest.raises(ValueError, match="noise_multiplier"):
        compute_tradeoff(noise_multiplier=3.0)
    with pytest.raises(ValueError, match="num_clients"):
        compute_tradeoff(num_clients=1)
    with pytest.raises(ValueError, match="group_resample"):
        compute_tradeoff(group_resample=2.0)


def test_frontier_is_nonempty_and_the_summary_says_where_a_point_stands():
    r = compute_tradeoff(1.0, 100, 100.0, 0.0)
    assert 1 <= r.on_frontier.sum() < len(r.rows)
    assert ("on the frontier" in r.summary()) == bool(r.on_frontier[r.index])
    assert f"of {len(r.rows)} settings" in r.summary()
    assert tradeoffs.SHIPPED.joinpath("tradeoffs.json").exists()
