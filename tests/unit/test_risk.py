"""trustlab.privacy.risk: the TPR bound against closed forms, a second accountant and the kit's attacks."""

import math

import numpy as np
import pytest
from scipy.stats import beta, norm

from trustlab.privacy.risk import bound as risk
from trustlab.privacy.risk import (attack_auc_bound, attack_tpr_bound, compute_risk,
                                   epsilon_delta_tpr_bound, pld_epsilon, privacy_profile,
                                   tradeoff_curve)

FPRS = np.array([1e-4, 1e-3, 1e-2, 0.1, 0.5])


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.0, 4.0])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_one_unsampled_gaussian_step_is_the_gdp_closed_form(sigma, k):
    # Dong, Roth & Su: one Gaussian step is 1/σ-GDP, so TPR = Φ(Φ⁻¹(fpr) + 1/σ); a group of k is k/σ.
    exact = norm.cdf(norm.ppf(FPRS) + k / sigma)
    bound = attack_tpr_bound(FPRS, noise_multiplier=sigma, sample_rate=1.0, steps=1, group_size=k)
    assert np.all(bound >= exact - 1e-12)  # pessimistic PLD: never below the truth
    assert np.all(bound <= exact * 1.02)


def test_gaussian_auc_bound_is_the_closed_form():
    # N(1/σ, 1) against N(0, 1): AUC = Φ(1/(σ√2)).
    for sigma in (0.5, 1.0, 3.0):
        auc = attack_auc_bound(noise_multiplier=sigma, sample_rate=1.0, steps=1)
        exact = norm.cdf(1 / (sigma * math.sqrt(2)))
        assert exact <= auc <= exact + 2e-3


def _prv_pmf(sigma, q, steps):
    """Opacus' PRV accountant's discretised privacy loss (Gopi, Lee & Wutschitz 2021)."""
    from opacus.accountants import PRVAccountant

    acc = PRVAccountant()
    acc.history = [(sigma, q, steps)]
    dprv = acc._get_dprv(eps_error=0.01, delta_error=1e-9)  # Opacus 1.6 (pinned)
    return dprv.domain.ts, dprv.pmf


def _prv_bound(sigma, q, steps, fpr):
    """The same min over ε of both Kairouz et al. lines, with δ(ε) from Opacus' PRV instead."""
    t, p = _prv_pmf(sigma, q, steps)
    eps = np.unique(np.r_[np.linspace(0, t.max(), 4000), np.geomspace(1e-4, t.max(), 500)])
    # remove: Σ_{t>ε} p(1 − e^{ε−t});  add: Σ_{t<−ε} p(e^{−t} − e^{ε})   (Q-mass is p·e^{−t})
    up_p = np.r_[np.cumsum(p[::-1])[::-1], 0]
    up_q = np.r_[np.cumsum((p * np.exp(-t))[::-1])[::-1], 0]
    i = np.searchsorted(t, eps, side="right")
    remove = up_p[i] - np.exp(eps) * up_q[i]
    lo_p, lo_q = np.r_[0, np.cumsum(p)], np.r_[0, np.cumsum(p * np.exp(-t))]
    j = np.searchsorted(t, -eps, side="left")
    add = lo_q[j] - np.exp(eps) * lo_p[j]
    delta = np.maximum(np.maximum(remove, add), 0)
    lines = np.minimum(np.exp(eps) * fpr[:, None] + delta, 1 - np.exp(-eps) * (1 - delta - fpr[:, None]))
    # and the remove direction's Neyman–Pearson ROC itself (thresholds on the loss)
    np_fpr, np_tpr = up_q[::-1], up_p[::-1]
    return np.minimum(lines.min(axis=1), 1.0), np.interp(fpr, np_fpr, np_tpr)


@pytest.mark.parametrize("sigma,q,steps", [(0.8, 0.01, 1000), (1.0, 0.1, 100), (2.0, 0.05, 500),
                                           (1.5, 0.2, 300), (4.0, 0.2, 300)])
def test_bound_agrees_with_opacus_prv_accountant_within_2_percent(sigma, q, steps):
    fpr = np.array([1e-3, 1e-2, 0.1, 0.3])
    ours = attack_tpr_bound(fpr, noise_multiplier=sigma, sample_rate=q, steps=steps)
    theirs, neyman_pearson = _prv_bound(sigma, q, steps, fpr)
    np.testing.assert_allclose(ours, theirs, rtol=0.02)
    assert np.all(ours >= neyman_pearson * (1 - 2e-3))  # a bound on the best test, not below it


def test_fast_delta_matches_dp_accounting():
    composed = risk._composed(1.0, 0.05, 200, 1)
    eps = np.array([0.0, 0.3, 1.0, 2.5, 5.0])
    ours = np.maximum(*(risk._delta_of(p, eps)[0] for p in risk._pmfs(composed)))
    np.testing.assert_allclose(ours, composed.get_delta_for_epsilon(eps), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(privacy_profile(eps, noise_multiplier=1.0, sample_rate=0.05, steps=200),
                               ours)


def test_profile_and_epsilon_agree_and_group_of_two_at_q1_is_half_sigma():
    s = {"noise_multiplier": 1.0, "sample_rate": 0.02, "steps": 500}
    eps = pld_epsilon(1e-5, **s)
    assert privacy_profile([eps], **s)[0] <= 1e-5 * 1.001
    a = attack_tpr_bound(FPRS, noise_multiplier=8.0, sample_rate=1.0, steps=5, group_size=2)
    b = attack_tpr_bound(FPRS, noise_multiplier=4.0, sample_rate=1.0, steps=5)
    np.testing.assert_allclose(a, b, rtol=1e-9)


def test_bounds_order_groups_and_the_single_pair_is_looser():
    s = {"noise_multiplier": 1.0, "sample_rate": 0.05, "steps": 200}
    one, two = (attack_tpr_bound(FPRS, **s, group_size=k) for k in (1, 2))
    assert np.all(two >= one) and np.all(one >= FPRS)
    r = compute_risk(1.0, 0.05, 10)
    assert np.all(r.tpr_epsilon_delta >= r.tpr - 1e-12) and r.auc_epsilon_delta > r.auc > 0.5
    f, tpr, beta_ = tradeoff_curve(**s)
    np.testing.assert_allclose(beta_, 1 - tpr)
    assert np.all(np.diff(tpr) >= -1e-12)  # a ROC bound rises with the FPR
    assert "2.9 %" in compute_risk(1.0, 0.01, 10).statement()


def test_epsilon_delta_bound_closed_form():
    assert epsilon_delta_tpr_bound(0.01, 1.0, 0.0) == pytest.approx(math.e * 0.01)
    assert epsilon_delta_tpr_bound(0.9, 1.0, 0.0) == pytest.approx(1 - math.exp(-1) * 0.1)
    assert epsilon_delta_tpr_bound(0.2, math.inf, 0.0) == 1.0


@pytest.mark.parametrize("kwargs,name", [
    ({"fpr": 0.0}, "fpr"), ({"fpr": 1.0}, "fpr"), ({"fpr": 1.5}, "fpr"), ({"fpr": float("nan")}, "fpr"),
    ({"fpr": []}, "fpr"), ({"group_size": 0}, "group_size"), ({"group_size": 1.5}, "group_size"),
    ({"noise_multiplier": 0.0}, "noise_multiplier"), ({"noise_multiplier": math.inf}, "noise_multiplier"),
    ({"sample_rate": 0.0}, "sample_rate"), ({"steps": 0}, "steps")])
def test_bad_input_names_the_parameter(kwargs, name):
    args = {"fpr": 0.01, "noise_multiplier": 1.0, "sample_rate": 0.01, "steps": 10, **kwargs}
    fpr = args.pop("fpr")
    with pytest.raises((ValueError, TypeError), match=name):
        attack_tpr_bound(fpr, **args)


def test_risk_panel_move_is_cheap_once_cached():
    import time

    compute_risk(1.3, 0.02, 10)
    start = time.perf_counter()
    compute_risk(1.3, 0.02, 10)
    assert time.perf_counter() - start < 0.1


# --- the bound is never below what the kit's attacks measure ---------------------------------

def _dp_setting(n_examples, recipe):
    """(q, steps) of fit_private on n examples: q = 1/ceil(n / batch), steps = epochs·ceil(n / batch)."""
    batches = math.ceil(n_examples / recipe["dp_batch_size"])
    return 1 / batches, recipe["epochs"] * batches


def _roc_points_with_intervals(scores, is_member, alpha=0.05):
    """Every threshold's (FPR upper end, TPR lower end), one-sided Clopper–Pearson at 1 − α."""
    order = np.argsort(-scores, kind="stable")
    m = is_member[order]
    tp, fp = np.cumsum(m), np.cumsum(~m)
    n_pos, n_neg = int(m.sum()), int((~m).sum())
    tpr_lo = np.where(tp > 0, beta.ppf(alpha, np.maximum(tp, 1), n_pos - tp + 1), 0.0)
    fpr_hi = np.where(fp < n_neg, beta.ppf(1 - alpha, fp + 1, np.maximum(n_neg - fp, 1)), 1.0)
    return fpr_hi, tpr_lo


@pytest.mark.parametrize("attack", ["loss", "lira_online", "lira_offline"])
def test_bound_is_never_below_the_measured_attacks_on_the_shipped_shadow_sweep(attack):
    from trustlab.attacks.membership import attack_scores
    from trustlab.attacks.shadows import RECIPE, load_shadow_sets

    checked = 0
    for sigma, s in load_shadow_sets().items():
        if sigma == 0:
            continue
        settings = {_dp_setting(int(n), RECIPE) for n in s.in_mask.sum(axis=1)}
        scores, is_member = attack_scores(s, attack)
        fpr_hi, tpr_lo = _roc_points_with_intervals(scores, is_member)
        ok = fpr_hi < 1
        bound = np.max([attack_tpr_bound(fpr_hi[ok], noise_multiplier=sigma, sample_rate=q, steps=t)
                        for q, t in settings], axis=0)
        assert np.all(tpr_lo[ok] <= bound), (sigma, attack)
        checked += 1
    assert checked == 5


def test_capstone_attack_auc_is_below_the_row_level_bound():
    # Client-level DP-FedAvg seen from one row: replace-one-client, group_size=2 (issue 15).
    from trustlab.capstone import GRID, tradeoff_sweep
    from trustlab.capstone.tradeoffs import FIXED

    rows = [r for r in tradeoff_sweep() if r.noise_multiplier > 0]
    assert len(rows) == len(tradeoff_sweep()) // len(GRID["noise_multiplier"]) * (len(GRID["noise_multiplier"]) - 1)
    for r in rows:
        bound = attack_auc_bound(noise_multiplier=r.noise_multiplier, sample_rate=1.0,
                                 steps=FIXED["num_rounds"], group_size=2)
        for auc, se in zip(r.attack_auc_seeds, r.attack_auc_se):  # every seed's attack
            assert auc - 2 * se <= bound


def test_huge_epsilon_gives_finite_bounds_not_nan():
    # σ = 0.03: privacy losses beyond e^700 (float overflow); the bound must still be a number.
    with np.errstate(over="raise", invalid="raise"):
        b = attack_tpr_bound(FPRS, noise_multiplier=0.03, sample_rate=1.0, steps=1)
    assert np.all(np.isfinite(b)) and np.all(b >= norm.cdf(norm.ppf(FPRS) + 1 / 0.03) - 1e-9)
