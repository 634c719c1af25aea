"""RMIA (Zarifzadeh, Liu & Shokri 2024): the score's definition, its inputs, and few-model strength."""

import numpy as np
import pytest

from trustlab.attacks.rmia import compare_with_lira, compute_rmia_attack, rmia_scores


def _brute_force(t, ref, pt, pr, a, gamma):
    """Score_MIA(x) = Pr_z[LR(x, z) ≥ γ], offline Pr(x) = ½((1 + a)·Pr_OUT(x) + (1 − a)), pairwise."""
    px = 0.5 * ((1 + a) * ref.mean(0) + (1 - a))
    pz = 0.5 * ((1 + a) * pr.mean(0) + (1 - a))
    lr = (t / px)[:, None] / (pt / pz)[None, :]
    return (lr >= gamma).mean(axis=1)


def test_scores_match_the_pairwise_definition():
    rng = np.random.default_rng(0)
    t, ref = rng.random(30), rng.random((3, 30))
    pt, pr = rng.random(200), rng.random((3, 200))
    for a, gamma in [(0.3, 1.0), (1.0, 2.0), (0.0, 0.5)]:
        np.testing.assert_allclose(rmia_scores(t, ref, pt, pr, a=a, gamma=gamma), _brute_force(t, ref, pt, pr, a, gamma))
    online = rmia_scores(t, ref, pt, pr, online=True)
    lr = (t / ref.mean(0))[:, None] / (pt / pr.mean(0))[None, :]
    np.testing.assert_allclose(online, (lr >= 1).mean(1))


def test_offline_uses_only_out_references_and_falls_back_without_any():
    t, pt, pr = np.array([0.9, 0.9]), np.full(10, 0.5), np.full((2, 10), 0.5)
    ref = np.array([[0.99, 0.2], [0.1, 0.2]])
    ref_in = np.array([[True, False], [False, False]])
    # x0: only the second reference is OUT (0.1); with a = 1, Pr(x0) = 0.1 and x0 dominates all z
    assert rmia_scores(t, ref, pt, pr, reference_in=ref_in, a=1.0)[0] == 1.0
    all_in = np.ones((2, 2), bool)
    np.testing.assert_allclose(rmia_scores(t, ref, pt, pr, reference_in=all_in),
                               rmia_scores(t, ref, pt, pr, online=True))


@pytest.mark.parametrize("kwargs,match", [
    ({"target_probs": [1.5, 0.2]}, "target_probs"), ({"reference_probs": np.ones((1, 3))}, "reference_probs"),
    ({"population_reference_probs": np.ones((2, 4))}, "population"), ({"gamma": 0.0}, "gamma"),
    ({"a": 2.0}, "a must"), ({"reference_in": np.ones((1, 3), bool)}, "reference_in")])
def test_bad_input_is_named(kwargs, match):
    args = {"target_probs": [0.5, 0.2], "reference_probs": np.ones((1, 2)) / 2,
            "population_target_probs": np.ones(4) / 2, "population_reference_probs": np.ones((1, 4)) / 2}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        rmia_scores(args.pop("target_probs"), args.pop("reference_probs"), args.pop("population_target_probs"),
                    args.pop("population_reference_probs"), **args)


def test_rmia_works_with_one_model_and_beats_lira_with_two_on_the_shipped_shadows():
    from trustlab.attacks.membership import compute_membership_attack
    from trustlab.attacks.shadows import load_shadow_sets

    plain = load_shadow_sets()[0.0]
    one = compute_rmia_attack(plain, 1)
    assert one.n_shadows == 1 and one.auc > 0.6
    with pytest.raises(ValueError, match="shadow"):
        compute_membership_attack(plain, "lira_online", 1)
    rows = {(k, name): auc for k, name, auc, _ in compare_with_lira(plain, (2, 32))}
    assert rows[2, "rmia_offline"] > max(rows[2, "lira_offline"], rows[2, "lira_online"])
    assert rows[32, "lira_online"] > rows[2, "lira_online"]  # LiRA needs many models
