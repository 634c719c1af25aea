"""One-run audit (Steinke, Nasr & Jagielski 2023): the conversion, its validity, and the shipped sweep."""

import math

import numpy as np
import pytest
from scipy.special import expit, logit

from trustlab.attacks.audits.canary_audit import train_canary_run, train_canary_runs
from trustlab.attacks.audits.one_run_audit import (abstaining_guesses, audit_one_run, one_run_epsilon_lb,
                                                   one_run_p_value)


def _tail(r, p, v):
    """P[Binomial(r, p) >= v] by explicit summation (independent of scipy)."""
    return sum(math.comb(r, j) * p**j * (1 - p) ** (r - j) for j in range(max(v, 0), r + 1))


def test_p_value_hand_computed_cases():
    assert one_run_p_value(10, 10, 10, 1.0) == pytest.approx(expit(1.0) ** 10)
    assert one_run_p_value(10, 10, 0, 1.0) == 1.0
    # with δ: f(v) + 2mδ · max_i (f(v − i) − f(v)) / i, written out by brute force
    m, r, v, eps, delta = 50, 12, 9, 0.5, 1e-3
    p = expit(eps)
    alpha = max((_tail(r, p, v - i) - _tail(r, p, v)) / i for i in range(1, v + 1))
    assert one_run_p_value(m, r, v, eps, delta) == pytest.approx(_tail(r, p, v) + 2 * m * delta * alpha, rel=1e-9)


def test_epsilon_lb_inverts_the_p_value():
    assert one_run_epsilon_lb(10, 10, 10) == pytest.approx(logit(0.05 ** 0.1), abs=1e-8)
    for m, r, v, delta in [(1000, 200, 170, 0.0), (1000, 200, 170, 1e-5), (400, 80, 70, 1e-5)]:
        lb = one_run_epsilon_lb(m, r, v, delta)
        assert one_run_p_value(m, r, v, lb, delta) <= 0.05 + 1e-9
        assert one_run_p_value(m, r, v, lb + 1e-7, delta) > 0.05
    assert one_run_epsilon_lb(400, 80, 70, 1e-5) <= one_run_epsilon_lb(400, 80, 70, 0.0)
    assert one_run_epsilon_lb(400, 80, 60) < one_run_epsilon_lb(400, 80, 70) < one_run_epsilon_lb(400, 80, 80)


def test_audit_is_valid_against_the_extremal_eps_dp_mechanism():
    # Randomized response on each canary's bit is exactly ε-DP; at 95 % at most ~5 % of audits
    # may claim more than ε (the guarantee), and a good share must prove something.
    eps, m, runs = 1.0, 300, 200
    rng = np.random.default_rng(0)
    over, lbs = 0, []
    for _ in range(runs):
        included = rng.random(m) < 0.5
        truthful = rng.random(m) < expit(eps)
        scores = np.where(included == truthful, 1.0, -1.0) + rng.normal(0, 1e-3, m)
        lb = audit_one_run(scores, included, delta=0.0).epsilon_lb
        over += lb > eps
        lbs.append(lb)
    assert over / runs <= 0.05 + 2.6 * math.sqrt(0.05 * 0.95 / runs)
    assert np.median(lbs) > 0.3 * eps


def test_guesses_and_bad_input():
    assert abstaining_guesses([3.0, 1.0, 2.0], 0, 1).tolist() == [0, -1, 0]
    with pytest.raises(ValueError, match="k_plus"):
        abstaining_guesses([1.0, 2.0], 3)
    with pytest.raises(ValueError, match="correct guesses"):
        one_run_p_value(10, 5, 6, 1.0)
    with pytest.raises(ValueError, match="included"):
        audit_one_run([1.0, 2.0], [True])


def test_m_larger_than_the_training_set_is_refused_before_training():
    with pytest.raises(ValueError, match=r"m must be at most the training set's size, 1347 digits, got m=2000"):
        train_canary_run(1.0, 2000)
    with pytest.raises(ValueError, match="m must be at most the training set's size, 500"):
        train_canary_run(1.0, 501, recipe={"n_pool": 500})
    with pytest.raises(ValueError, match="canary"):
        train_canary_run(1.0, 10, recipe={"canary": "loud"})


def test_a_live_run_matches_its_shipped_twin():
    # the stale-sweep spot check of the one-run sweep: one cheap setting (250 steps), retrained
    from trustlab.attacks.audits.one_run_sweep import load_one_run_sweep

    shipped = load_one_run_sweep()["grid"][(4.0, 0.1, 5)]
    live = train_canary_runs(4.0, sample_rate=0.1, epochs=5, seeds=[0, 1])
    for a, b in zip(live, shipped):
        assert (a.included == b.included).all() and a.steps == b.steps and a.epsilon == b.epsilon
        np.testing.assert_allclose(a.scores, b.scores, atol=5e-3)  # shipped to 3 decimals


def test_batched_canary_runs_reproduce_opacus_run_by_run():
    """train_canary_runs trains its seeds as one train_many batch; each run equals Opacus'
    PrivacyEngine (fit_private) on that seed's data with the same seed."""
    import torch

    from trustlab.attacks.audits.canary_audit import RECIPE, _one_seed
    from trustlab.attacks.shadows import logit_confidence
    from trustlab.models import mlp
    from trustlab.privacy.dpsgd import fit_private

    runs = train_canary_runs(2.0, 100, sample_rate=0.1, epochs=2, seeds=[0, 1])
    for seed, run in zip((0, 1), runs):
        X, y, X_canary, y_canary, included, _, _, model_seed = _one_seed(RECIPE, 100, seed)
        model = mlp(64, 10, hidden=(128,), seed=model_seed)
        batch = round(0.1 * (len(y) - included.sum() + 50))
        fit = fit_private(model, X, y, noise_multiplier=2.0, max_grad_norm=1.0, batch_size=batch, epochs=2,
                          lr=RECIPE["lr"], seed=model_seed)
        assert (fit.steps, fit.sample_rate) == (run.steps, run.sample_rate) and fit.epsilon == run.epsilon
        with torch.no_grad():
            np.testing.assert_allclose(logit_confidence(model(torch.as_tensor(X_canary)), y_canary), run.scores,
                                       atol=1e-3)


def test_shipped_sweep_audits_stay_below_the_accountant_and_grow_with_canaries():
    from trustlab.attacks.audits.one_run_sweep import GRID, GRID_SEEDS, load_one_run_sweep
    from trustlab.attacks.audits.risk_audit import compute_risk_audit, epsilon_lb_by_canaries
    from trustlab.stats import Interval, separated

    grid = load_one_run_sweep()["grid"]
    assert len(grid) == np.prod([len(v) for v in GRID.values()])
    assert {len(runs) for runs in grid.values()} == {GRID_SEEDS}
    lbs = {k: [audit_one_run(r.scores, r.included, delta=r.delta).epsilon_lb for r in runs]
           for k, runs in grid.items()}
    for k, runs in grid.items():
        assert all(lb <= r.epsilon for lb, r in zip(lbs[k], runs))  # never above the accountant's ε
    assert max(np.mean(v) for k, v in lbs.items() if k[0] == 0.0) > 1.0  # meaningful for weak privacy
    r = compute_risk_audit(1.0, 0.05, 20)
    assert r.epsilon_lb.tolist() == lbs[1.0, 0.05, 20]
    assert [list(row[2]) for row in r.sweep] == [lbs[s, 0.05, 20] for s in GRID["noise_multiplier"]]
    rows = {(s, m): Interval(mean, half, n) for s, m, mean, half, n in epsilon_lb_by_canaries()}
    assert {iv.n for iv in rows.values()} == {20}
    assert rows[0.0, 800].mean > rows[0.0, 50].mean
    assert separated(rows[0.0, 800], rows[0.0, 50])  # the notebook calls this growth an effect


def test_canary_attack_never_crosses_the_dp_bound():
    from scipy.stats import beta

    from trustlab.attacks.audits.one_run_sweep import load_one_run_sweep
    from trustlab.privacy.risk import attack_tpr_bound

    for (sigma, q, epochs), runs in load_one_run_sweep()["grid"].items():
        if sigma == 0:
            continue
        for run in runs:
            order = np.argsort(-run.scores, kind="stable")
            m = run.included[order]
            tp, fp = np.cumsum(m), np.cumsum(~m)
            n_pos, n_neg = int(m.sum()), int((~m).sum())
            tpr_lo = np.where(tp > 0, beta.ppf(0.05, np.maximum(tp, 1), n_pos - tp + 1), 0.0)
            fpr_hi = np.where(fp < n_neg, beta.ppf(0.95, fp + 1, np.maximum(n_neg - fp, 1)), 1.0)
            ok = fpr_hi < 1
            bound = attack_tpr_bound(fpr_hi[ok], noise_multiplier=sigma, sample_rate=run.sample_rate,
                                     steps=run.steps)
            assert np.all(tpr_lo[ok] <= bound), (sigma, q, epochs)


def test_one_run_against_shadow_audit():
    from trustlab.attacks.audits.risk_audit import compare_audits

    rows = compare_audits()
    assert [r[0] for r in rows] == [0.7, 1.0, 2.0, 4.0, 8.0]
    for sigma, eps, shadow_lb, n_shadow, clean_lb, noise_lb, n_one in rows:
        assert n_shadow == 33 and n_one == 1 and len(shadow_lb) == len(clean_lb) == len(noise_lb) == 5
        assert max(shadow_lb.max(), clean_lb.max(), noise_lb.max()) <= eps
