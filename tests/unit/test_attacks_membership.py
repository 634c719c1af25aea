"""Membership inference: ROC metrics, loss and LiRA scores, strength on overfit vs DP targets."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from trustlab.attacks.membership import (compute_membership_attack, lira_scores, loss_scores, roc_metrics,
                                         tpr_at_fpr)
from trustlab.attacks.shadows import load_shadow_sets, logit_confidence, train_shadow_set


def test_logit_confidence_matches_its_definition():
    logits = np.random.default_rng(0).normal(size=(20, 5))
    y = np.arange(20) % 5
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    py = p[np.arange(20), y]
    np.testing.assert_allclose(logit_confidence(logits, y), np.log(py / (1 - py)), rtol=1e-10)
    np.testing.assert_allclose(loss_scores(logit_confidence(logits, y)), np.log(py), rtol=1e-10)


def test_roc_metrics_and_tpr_at_low_fpr():
    rng = np.random.default_rng(0)
    member = rng.random(400) < 0.5
    scores = rng.normal(size=400) + member
    fpr, tpr, auc = roc_metrics(scores, member)
    assert auc == pytest.approx(roc_auc_score(member, scores))
    assert tpr_at_fpr(fpr, tpr, 1.0) == 1.0 and tpr_at_fpr(fpr, tpr, 0.0) <= tpr_at_fpr(fpr, tpr, 0.1)
    with pytest.raises(ValueError, match="both members"):
        roc_metrics([0.1, 0.2], [True, True])


def test_lira_online_and_offline_separate_synthetic_members():
    rng = np.random.default_rng(0)
    shadow_in = np.argsort(rng.random((8, 200)), axis=0) < 4
    shadows = 2.0 * shadow_in + rng.normal(0, 0.5, (8, 200))
    member = rng.random(200) < 0.5
    target = 2.0 * member + rng.normal(0, 0.5, 200)
    for online in (True, False):
        for fix in (True, False):
            s = lira_scores(target, shadows, shadow_in, online=online, fix_variance=fix)
            assert roc_auc_score(member, s) > 0.95


def test_lira_needs_two_shadows():
    with pytest.raises(ValueError, match=r"shadow models \(K\).*\[2, inf\], got 1"):
        lira_scores(np.zeros(3), np.zeros((1, 3)), np.ones((1, 3), bool))
    with pytest.raises(ValueError, match="n_models"):
        train_shadow_set(2)
    with pytest.raises(ValueError, match="attack"):
        compute_membership_attack(load_shadow_sets()[0.0], "gradient")


def test_attacks_beat_guessing_on_an_overfit_model_live():
    s = train_shadow_set(5, recipe={"n_pool": 300, "epochs": 60})
    assert compute_membership_attack(s, "loss").auc > 0.55
    assert compute_membership_attack(s, "lira_online").auc > 0.55


def test_shipped_sweep_overfit_vs_strongly_private():
    sets = load_shadow_sets()
    plain, private = sets[0.0], sets[8.0]
    loss = compute_membership_attack(plain, "loss")
    lira = compute_membership_attack(plain, "lira_online")
    assert lira.auc > 0.6 and loss.auc > 0.53
    assert lira.auc > loss.auc and lira.tpr_at_1 > loss.tpr_at_1  # LiRA is the stronger attack
    for attack in ("loss", "lira_online", "lira_offline"):
        assert abs(compute_membership_attack(private, attack).auc - 0.5) < 0.05
    assert private.epsilon < 3.0


def test_batched_shadow_sets_reproduce_opacus_and_the_loop_model_by_model():
    """Shadow models train as one train_many batch; each equals its own one-model run:
    plain models the shared loop (train, one seed), DP models Opacus' PrivacyEngine (fit_private)."""
    import torch

    from trustlab.attacks.shadows import _pool
    from trustlab.models import mlp
    from trustlab.privacy.dpsgd import fit_private
    from trustlab.training import train

    recipe = {"n_pool": 200, "epochs": 6}
    X, y, _, _ = _pool(200, 3)
    for sigma in (0.0, 1.0):
        s = train_shadow_set(4, sigma, recipe=recipe, seed=3)
        rng = np.random.default_rng(3)
        mask = np.argsort(rng.random((4, 200)), axis=0) < 2
        seeds = rng.integers(2**31 - 1, size=4)
        assert (mask == s.in_mask).all() and (s.in_mask.sum(axis=0) == 2).all()
        for m in range(4):
            model = mlp(64, 10, hidden=(128,), seed=int(seeds[m]))
            if sigma:
                fit_private(model, X[mask[m]], y[mask[m]], noise_multiplier=sigma, max_grad_norm=1.0,
                            batch_size=50, epochs=6, lr=1.0, seed=int(seeds[m]))
            else:
                train(model, X[mask[m]], y[mask[m]], epochs=6, lr=0.1, momentum=0.9, batch_size=64,
                      seed=int(seeds[m]))
            with torch.no_grad():
                ref = logit_confidence(model(torch.as_tensor(X)), y)
            np.testing.assert_allclose(s.confidences[m], ref, atol=1e-4)


def test_seeds_give_intervals_and_each_example_is_in_16_of_33_models():
    from trustlab.attacks.shadows import SWEEP_SEEDS, load_shadow_seeds

    sets = load_shadow_seeds([0.0])[0.0]
    assert len(sets) == len(SWEEP_SEEDS) == 5
    assert all((s.in_mask.sum(axis=0) == 16).all() and s.in_mask.shape == (33, 500) for s in sets)
    r = compute_membership_attack(list(sets), "lira_online")
    assert r.n_seeds == 5 and r.auc == pytest.approx(r.per_seed["auc"].mean())
    assert "±" in r.summary() and "5 seeds" in r.summary()
    assert r.per_seed["auc"][2] == compute_membership_attack(sets[2], "lira_online").auc
    assert load_shadow_sets([0.0], seed=2)[0.0].confidences.tolist() == sets[2].confidences.tolist()
