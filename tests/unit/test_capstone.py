"""The capstone: resampling by sex, the sweep (five seeds per setting), its noise-aware frontier,
the row-level attack bound, and reading the shipped sweep without ever training by accident."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from trustlab.capstone import frontier, sweep, tradeoffs
from trustlab.capstone.frontier import (TradeoffResult, abs_interval, compare_points, compute_tradeoff,
                                        dominated_beyond_noise, pareto_mask)
from trustlab.capstone.sweep import tradeoff_sweep
from trustlab.capstone.point import FIXED, GRID, TOLERANCE, TradeoffPoint, auc_standard_error, row_level_risk
from trustlab.capstone.tradeoffs import run_tradeoff_point
from trustlab.fairness.groups.sampling import reweighing_weights, uniform_resample
from trustlab.federated import task
from trustlab.stats import mean_ci, separated


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


def test_row_level_bound_is_the_group_of_two():
    # Issue 15: one row's owner is *replaced*, not removed: client-level DP seen from a row is
    # add/remove of a group of two, i.e. the Gaussian mechanism at σ/2 (sample rate 1).
    from trustlab.privacy.risk import attack_auc_bound, compute_risk

    steps = FIXED["num_rounds"]
    for sigma in (2.0, 4.0, 8.0):
        eps, auc, pair = row_level_risk(sigma)
        assert auc == attack_auc_bound(noise_multiplier=sigma, sample_rate=1.0, steps=steps, group_size=2)
        r = compute_risk(sigma, 1.0, steps, steps=steps, group_size=2)
        assert (eps, pair) == (r.epsilon, r.auc_epsilon_delta)
        half = attack_auc_bound(noise_multiplier=sigma / 2, sample_rate=1.0, steps=steps)
        assert auc == pytest.approx(half, abs=2e-3)  # group of 2 at σ == one record at σ/2
        assert auc > attack_auc_bound(noise_multiplier=sigma, sample_rate=1.0, steps=steps)  # looser
    eps8, auc8, pair8 = row_level_risk(8.0)
    assert round(eps8, 1) == 2.3 and round(auc8, 3) == 0.654 and round(pair8, 3) == 0.905
    assert row_level_risk(0.0) == (math.inf, 1.0, 1.0)
    point = compute_tradeoff(8.0, 100, 100.0, 0.0).point
    assert point.attack_auc_bound == auc8 and point.row_level == (eps8, auc8, pair8)


def test_auc_standard_error():
    assert auc_standard_error(0.5, 2000, 2000) == pytest.approx(math.sqrt(1 / 12 * (1 / 2000 + 1 / 2000)), rel=0.01)
    with pytest.raises(ValueError, match="auc"):
        auc_standard_error(1.5, 10, 10)


def test_pareto_mask_against_brute_force():
    rng = np.random.default_rng(0)
    a, e, g = rng.random(40), rng.random(40) * 10, rng.normal(size=40) * 0.1
    mask = pareto_mask(a, e, g)
    for i in range(40):
        dominated = any(a[j] >= a[i] and e[j] <= e[i] and abs(g[j]) <= abs(g[i])
                        and (a[j] > a[i] or e[j] < e[i] or abs(g[j]) < abs(g[i])) for j in range(40))
        assert mask[i] == (not dominated)


def _abs_iv(iv):
    lo, hi = abs_interval(iv.low, iv.high)
    return float(lo), float(hi)


@pytest.mark.parametrize("seed", range(4))
def test_dominated_beyond_noise_against_brute_force(seed):
    # The definition, written out with trustlab.stats for every pair of settings.
    rng = np.random.default_rng(seed)
    n, k = 30, 5
    acc = rng.normal(0.8, 0.02, size=(n, 1)) + rng.normal(0, 0.01, size=(n, k))
    gap = rng.normal(0.05, 0.08, size=(n, 1)) + rng.normal(0, 0.02, size=(n, k))
    eps = rng.choice([1.0, 2.5, 5.0, math.inf], size=n)
    mask = dominated_beyond_noise(acc, eps, gap)
    for i in range(n):
        ai, gi = mean_ci(acc[i]), mean_ci(gap[i])
        dominated = False
        for j in range(n):
            aj, gj = mean_ci(acc[j]), mean_ci(gap[j])
            at_least = aj.mean >= ai.mean and eps[j] <= eps[i] and abs(gj.mean) <= abs(gi.mean)
            beyond = ((separated(aj, ai) and aj.mean > ai.mean) or eps[j] < eps[i]
                      or _abs_iv(gj)[1] < _abs_iv(gi)[0])
            dominated |= at_least and beyond
        assert mask[i] == dominated, i
    assert 0 < mask.sum() < n


def test_noise_keeps_close_settings_on_the_frontier():
    # Three settings, same ε: the second is far below, the third within noise of the first.
    acc = [[0.80, 0.81, 0.80], [0.70, 0.71, 0.70], [0.805, 0.79, 0.81]]
    gap = [[0.1, 0.11, 0.1]] * 3
    assert dominated_beyond_noise(acc, [1.0] * 3, gap).tolist() == [False, True, False]
    # Point values alone would call the third dominated (0.8017 < 0.8033 on the mean).
    means = np.mean(acc, axis=1)
    assert pareto_mask(means, [1.0] * 3, [0.1] * 3).tolist() == [True, False, False]


def _point(acc, sigma=1.0):
    return TradeoffPoint(sigma, 10, 100.0, 0.0, (0, 1), (acc, acc), (0.2, 0.2), (0.3, 0.3), (0.5, 0.5), 12.3)


def test_summary_counts_dominated_and_frontier_settings():
    # Issue 15: "dominated (15 of 72 settings are)" printed the frontier's count.
    rows = (_point(0.8), _point(0.7, 2.0), _point(0.6, 4.0), _point(0.5, 8.0))
    on = np.array([True, False, False, True])
    dominated = TradeoffResult(rows, rows[1].setting(), rows[1], on, 0.75).summary()
    assert dominated.endswith("dominated (2 of 4 settings are)")
    front = TradeoffResult(rows, rows[0].setting(), rows[0], on, 0.75).summary()
    assert front.endswith("on the frontier (2 of 4 settings are)")
    r = compute_tradeoff(1.0, 100, 100.0, 0.0)
    n_front = int(r.on_frontier.sum())
    word = "on the frontier" if r.on_frontier[r.index] else "dominated"
    count = n_front if word == "on the frontier" else len(r.rows) - n_front
    assert f"{word} ({count} of {len(r.rows)} settings are)" in r.summary()


def test_compare_points_and_the_frontier_table_follow_the_intervals():
    far = TradeoffPoint(1.0, 10, 100.0, 0.0, (0, 1, 2), (0.80, 0.81, 0.80), (0.2,) * 3, (0.3,) * 3, (0.5,) * 3, 12.3)
    near = TradeoffPoint(2.0, 10, 100.0, 0.0, (0, 1, 2), (0.70, 0.71, 0.70), (0.2,) * 3, (0.3,) * 3, (0.5,) * 3, 5.4)
    noisy = TradeoffPoint(4.0, 10, 100.0, 0.0, (0, 1, 2), (0.70, 0.90, 0.80), (0.2,) * 3, (0.3,) * 3, (0.5,) * 3, 2.5)
    assert compare_points(far, near).endswith("(intervals separate: an effect)")
    assert compare_points(far, noisy).endswith("(intervals overlap: no measurable difference at this size)")
    with pytest.raises(TypeError, match="TradeoffPoint"):
        compare_points(far, 0.8)
    r = compute_tradeoff()
    table = r.frontier_table()
    assert len(table) == r.on_frontier.sum() and list(table.columns)[:4] == ["sigma", "clients", "alpha", "resample"]
    assert table["epsilon"].is_monotonic_increasing and table["epsilon"].iloc[0] == round(min(p.epsilon for p in r.rows), 2)


def test_shipped_sweep_covers_the_grid_with_five_seeds():
    rows = tradeoff_sweep()
    n = math.prod(len(v) for v in GRID.values())
    assert len(rows) == n and len({r.setting() for r in rows}) == n
    for r in rows:
        assert r.seeds == (0, 1, 2, 3, 4) and len(r.accuracy_seeds) == 5
        assert 0.5 < r.accuracy < 1 and 0.4 < r.attack_auc < 1
        assert (r.noise_multiplier == 0) == math.isinf(r.epsilon)
        # every seed's measured attack stays below what DP allows against one row (issue 19)
        for auc, se in zip(r.attack_auc_seeds, r.attack_auc_se):
            assert auc - 2 * se <= r.attack_auc_bound
    assert len({r.epsilon for r in rows}) == len(GRID["noise_multiplier"])
    assert 1 <= compute_tradeoff().on_frontier.sum() < n


def test_shipped_setting_equals_a_live_retraining():
    # The sweep holds real Flower runs: one setting (a cheap one) retrained live with the same
    # five seeds gives the same numbers, seed by seed, within the sweep's stated tolerance
    # (bitwise on the CPU that wrote it). A stale sweep fails here.
    setting = (2.0, 10, 100.0, 0.5)
    live = run_tradeoff_point(*setting)
    shipped = compute_tradeoff(*setting).point
    assert shipped.matches(live) and live.seeds == shipped.seeds == (0, 1, 2, 3, 4)
    moved = TradeoffPoint(*shipped.setting(), shipped.seeds, tuple(a + 2 * TOLERANCE for a in shipped.accuracy_seeds),
                          shipped.tpr_female_seeds, shipped.tpr_male_seeds, shipped.attack_auc_seeds, shipped.epsilon)
    assert not shipped.matches(moved)  # the check can fail


def test_reading_never_trains_and_bad_arguments_are_refused(monkeypatch):
    monkeypatch.setattr(sweep, "run_grid", lambda *a, **k: pytest.fail("a read started a sweep"))
    monkeypatch.setattr(tradeoffs, "measure_run", lambda *a, **k: pytest.fail("a read trained"))
    with pytest.raises(TypeError, match="seed"):
        compute_tradeoff(seed=1.7)
    with pytest.raises(TypeError, match="seed"):
        tradeoff_sweep(seed=True)
    with pytest.raises(TypeError, match="compute"):
        tradeoff_sweep(compute="no")
    with pytest.raises(ValueError, match=r"seed=1.*compute=True"):
        compute_tradeoff(seed=1)  # not shipped, not cached here: says how, trains nothing
    with pytest.raises(ValueError, match="noise_multiplier"):
        compute_tradeoff(noise_multiplier=3.0)
    with pytest.raises(ValueError, match="num_clients"):
        compute_tradeoff(num_clients=1)
    with pytest.raises(ValueError, match="group_resample"):
        compute_tradeoff(group_resample=2.0)
    with pytest.raises(ValueError, match="n_seeds"):
        run_tradeoff_point(n_seeds=0)


@pytest.mark.parametrize("damage", ["missing", "truncated", "wrong content"])
def test_a_missing_or_damaged_shipped_sweep_raises_naming_the_file(tmp_path, monkeypatch, damage):
    good = json.loads((sweep.SHIPPED / "tradeoffs.json").read_text())
    monkeypatch.setattr(sweep, "SHIPPED", tmp_path)
    monkeypatch.setattr(sweep, "run_grid", lambda *a, **k: pytest.fail("started a sweep"))
    sweep._sweep.cache_clear()
    path = tmp_path / "tradeoffs.json"
    if damage == "truncated":
        path.write_text(json.dumps(good)[:500])
    elif damage == "wrong content":
        good["value"][3]["accuracy"] = [2.0] * 5
        path.write_text(json.dumps(good))
    try:
        with pytest.raises((OSError, ValueError), match=r"tradeoffs\.json.*make sweeps|make sweeps.*tradeoffs\.json"):
            tradeoff_sweep()
    finally:
        sweep._sweep.cache_clear()
        frontier._frontier.cache_clear()


def test_make_sweeps_help_starts_nothing():
    out = subprocess.run([sys.executable, "-m", "trustlab.capstone.make_sweeps", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--workers" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "trustlab.capstone.make_sweeps", "--workers", "x"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "workers" in bad.stderr


@pytest.mark.slow
def test_run_grid_gives_the_same_rows_with_one_or_two_worker_processes(monkeypatch):
    # Each run is seeded and independent: the workers change the wall time, not the numbers.
    shipped = compute_tradeoff(2.0, 10, 100.0, 0.5).point
    monkeypatch.setattr(sweep, "grid_settings", lambda: [(2.0, 10, 100.0, 0.5), (0.0, 10, 0.3, 1.0)])
    one = sweep.run_grid(0, 2, workers=1, progress=False)
    two = sweep.run_grid(0, 2, workers=2, progress=False)
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in one]
    assert strip == [{k: v for k, v in r.items() if k != "seconds"} for r in two]
    assert one[0]["accuracy"] == list(shipped.accuracy_seeds[:2])
