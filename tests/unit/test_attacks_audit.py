"""ε lower bound and Clopper–Pearson intervals on hand-computed cases; the audit never beats DP."""

import math

import numpy as np
import pytest

from trustlab.attacks.audits.audit import audit_epsilon, clopper_pearson, compute_privacy_audit, epsilon_lower_bound
from trustlab.attacks.shadows import SWEEP_SIGMAS, load_shadow_sets, train_shadow_set


def test_epsilon_lower_bound_hand_cases():
    assert epsilon_lower_bound(0.2, 0.01) == pytest.approx(math.log(20))
    assert epsilon_lower_bound(0.5, 0.1, delta=0.1) == pytest.approx(math.log(4))
    assert epsilon_lower_bound(0.3, 0.3) == 0.0  # guessing proves nothing
    assert epsilon_lower_bound(0.05, 0.01, delta=0.05) == -math.inf  # TPR <= δ: no information


@pytest.mark.parametrize("kwargs, word", [({"tpr": 1.2, "fpr": 0.1}, "tpr"),
                                          ({"tpr": 0.5, "fpr": 0.0}, "fpr"),
                                          ({"tpr": 0.5, "fpr": 0.1, "delta": 1.0}, "delta")])
def test_epsilon_lower_bound_rejects_bad_rates(kwargs, word):
    with pytest.raises(ValueError, match=word):
        epsilon_lower_bound(**kwargs)


def test_clopper_pearson_hand_cases():
    # With k = 0 the upper end solves (1 - p)^n = α/2; with k = n the lower end solves p^n = α/2.
    assert clopper_pearson(0, 10) == (0.0, pytest.approx(1 - 0.025 ** (1 / 10)))
    assert clopper_pearson(10, 10) == (pytest.approx(0.025 ** (1 / 10)), 1.0)
    low, high = clopper_pearson(50, 100)
    assert low < 0.5 < high and high - 0.5 == pytest.approx(0.5 - low)
    with pytest.raises(ValueError, match="k"):
        clopper_pearson(11, 10)


def test_audit_of_a_guessing_attack_proves_almost_nothing():
    rng = np.random.default_rng(1)
    members = rng.random(2000) < 0.5
    r = audit_epsilon(rng.normal(size=2000), members)
    assert r.epsilon_lb_low < 0.5
    assert r.epsilon_lb_low <= r.epsilon_lb <= r.epsilon_lb_high


def test_audit_needs_both_classes():
    with pytest.raises(ValueError, match="members and non-members"):
        audit_epsilon([0.1, 0.2, 0.3, 0.4], [True, True, True, True])


def test_empirical_bound_never_exceeds_the_accountant_on_dp_models_live():
    # Trained here (small), so the check does not only rest on the shipped sweep.
    s = train_shadow_set(5, noise_multiplier=2.0, recipe={"n_pool": 300, "epochs": 20})
    assert math.isfinite(s.epsilon)
    for attack in ("loss", "lira_online"):
        a = compute_privacy_audit(s, attack).audit
        assert a.epsilon_lb_low <= s.epsilon


def test_empirical_bound_never_exceeds_the_accountant_across_the_sweep():
    from trustlab.attacks.shadows import load_shadow_seeds

    sweep = load_shadow_seeds()
    for sigma in SWEEP_SIGMAS[1:]:
        for sets in sweep[sigma]:
            for attack in ("loss", "lira_online", "lira_offline"):
                a = compute_privacy_audit(sets, attack).audit
                assert a.epsilon_lb_low <= sets.epsilon, (sigma, attack, a.summary())


def test_shadow_attacks_stay_under_the_dp_bound_on_the_shipped_sweep():
    # any membership test's TPR at a given FPR is bounded by the privacy profile (issue 19); the
    # lower end of the measured TPR (95 %) must stay under the bound at the upper end of the FPR
    from scipy.stats import beta

    from trustlab.attacks.shadows import load_shadow_seeds
    from trustlab.privacy.risk import attack_tpr_bound

    sweep = load_shadow_seeds()
    for sigma in SWEEP_SIGMAS[1:]:
        r = compute_privacy_audit(list(sweep[sigma]), "lira_online").attack
        # each model samples at q = 1 / ceil(n_k / 50) for 60 epochs: the loosest bound of them holds for all
        per_epoch = {int(np.ceil(n / 50)) for sets in sweep[sigma] for n in sets.in_mask.sum(axis=1)}
        n_pos, n_neg = int(r.is_member.sum()), int((~r.is_member).sum())
        tp, fp = np.round(r.tpr * n_pos), np.round(r.fpr * n_neg)
        tpr_lo = np.where(tp > 0, beta.ppf(0.05, np.maximum(tp, 1), n_pos - tp + 1), 0.0)
        fpr_hi = np.where(fp < n_neg, beta.ppf(0.95, fp + 1, np.maximum(n_neg - fp, 1)), 1.0)
        ok = fpr_hi < 1
        bound = np.max([attack_tpr_bound(fpr_hi[ok], noise_multiplier=sigma, sample_rate=1 / k, steps=60 * k)
                        for k in per_epoch], axis=0)
        assert np.all(tpr_lo[ok] <= bound), sigma


def test_audit_plot_lists_every_private_setting():
    from trustlab.attacks.plots import plot_privacy_audit

    from trustlab.attacks.shadows import load_shadow_seeds

    sweep = load_shadow_seeds()
    audits = [compute_privacy_audit(list(sweep[s]), "lira_online") for s in SWEEP_SIGMAS]
    _, _, data = plot_privacy_audit(audits[0], audits)
    assert [r[0] for r in data["rows"]] == list(SWEEP_SIGMAS[1:])  # σ = 0 has no finite ε
    assert all(low + half <= eps for _, eps, low, half in data["rows"])


def test_shipped_attack_sweeps_are_current():
    # A stale file would make notebooks 12 and 13 silently retrain for minutes: regenerate with
    # `python scripts/make_attack_sweeps.py` after changing a sweep's parameters or the version.
    from trustlab.attacks import canary_sweep, shadows
    from trustlab.attacks.audits import one_run_sweep
    from trustlab.cache import cache_key, load_entry

    for module in (shadows, canary_sweep, one_run_sweep):
        path = module.SWEEP_DIR / f"{module.SWEEP_NAME}.json"
        assert load_entry(path, cache_key(module.SWEEP_NAME, module.sweep_params())) is not None, path


def test_membership_sweep_spot_check_retrains_one_setting():
    # Stale-sweep spot check: σ = 8 of seed 0 (33 DP models, ~2 s), retrained and compared with the
    # shipped numbers: φ is shipped to 2 decimals, float32 training drifts below 0.01 across CPUs.
    from trustlab.attacks.shadows import load_shadow_sets, train_shadow_sets

    shipped = load_shadow_sets()[8.0]
    live = train_shadow_sets(33, 8.0, seeds=[0])[0]
    assert (live.in_mask == shipped.in_mask).all() and live.epsilon == pytest.approx(shipped.epsilon)
    np.testing.assert_allclose(live.confidences, shipped.confidences, atol=0.02)
    np.testing.assert_allclose(live.test_accuracy, shipped.test_accuracy, atol=1e-3)


def test_canary_sweep_spot_check_retrains_one_setting():
    # Stale-sweep spot check: no defense, 1 copy, seed 0 (one NLU model, ~2 s). Exposure is a rank
    # (a near-tie may swap), so the continuous numbers are compared: next-word NLL to 0.01 nats,
    # the extrapolated exposure to 0.05 bits; the canaries themselves exactly.
    from trustlab.attacks.canary_sweep import FIXED, compute_canary_attack, load_canary_sweep

    shipped = load_canary_sweep()["none", None, 1]
    live = compute_canary_attack(1, "none", seeds=[0], **FIXED)
    k = len(live.canaries)
    assert live.canaries == shipped.canaries[:k]
    assert live.test_nll[0] == pytest.approx(shipped.test_nll[0], abs=0.01)
    np.testing.assert_allclose(live.extrapolated, shipped.extrapolated[:k], atol=0.05)
