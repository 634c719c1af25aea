"""Membership risk: an overfit recipe leaks, a DP-SGD retrain at small ε leaks no more than chance."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from trustlab.attacks.membership import roc_metrics
from trustlab.audit.privacy import audit_privacy, replace_one_bound
from trustlab.audit.private import private_retrain, torch_fit_predict
from trustlab.models import mlp


def _data(n=600, d=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] + rng.normal(scale=1.5, size=n) > 0).astype(int)
    return X, y


def test_overfit_tree_leaks_and_logistic_regression_hardly():
    X, y = _data()
    tree = audit_privacy(DecisionTreeClassifier(), X, y, n_reference=4, attacks=("loss", "lira"), seed=0)
    assert tree.train_accuracy == 1.0 and tree.test_accuracy < 0.8
    assert tree.attacks["loss"].auc_low > 0.6
    lr = audit_privacy(LogisticRegression(), X, y, n_reference=4, attacks=("loss", "lira"), seed=0)
    assert lr.attacks["loss"].auc_high < tree.attacks["loss"].auc_low
    assert lr.attacks["loss"].auc_low < 0.55


def test_pooled_scores_match_roc_metrics_and_seed():
    X, y = _data(300)
    a = audit_privacy(DecisionTreeClassifier(), X, y, n_reference=2, attacks=("loss",), n_boot=50, seed=1)
    s = a.attacks["loss"]
    assert s.scores.shape == (3 * 300,)
    assert s.auc == pytest.approx(roc_metrics(s.scores, a.is_member.ravel())[2])
    assert s.auc_low <= s.auc <= s.auc_high
    b = audit_privacy(DecisionTreeClassifier(), X, y, n_reference=2, attacks=("loss",), n_boot=50, seed=1)
    assert b.summary() == a.summary()
    assert a.is_member.sum(axis=1).tolist() == [150, 150, 150]
    assert list(a.exposed.columns[:5]) == ["row", "models_in", "loss_in", "loss_out", "gap"]
    assert a.exposed["gap"].is_monotonic_decreasing


@pytest.mark.slow
def test_private_retrain_brings_the_attack_to_chance_and_below_its_bound():
    # A wide MLP trained long on 600 rows memorizes; DP-SGD at epsilon = 1 must not.
    X, y = _data(600, d=20)
    net = mlp(20, 2, hidden=(128,), seed=0)
    plain = audit_privacy(torch_fit_predict(net, epochs=80, lr=0.1, batch_size=32), X, y, n_reference=3, seed=0)
    assert plain.attacks["loss"].auc_low > 0.6 and plain.attacks["rmia"].auc_low > 0.6, plain.summary()
    assert plain.bound is None and plain.within_bound() is None
    recipe = torch_fit_predict(net, epochs=80, lr=0.1, batch_size=32, target_epsilon=1.0)
    dp = audit_privacy(recipe, X, y, n_reference=3, seed=0)
    for a in dp.attacks.values():
        assert a.auc_low <= 0.5 <= a.auc_high, dp.summary()
    # the bound is never below a measured TPR's interval: no attack may beat DP
    b = dp.bound
    assert b is not None and dp.within_bound()
    for a in dp.attacks.values():
        assert a.auc_low <= b.auc
        for fpr, limit in b.tpr_at.items():
            assert a.tpr_at(fpr)[1] <= limit, (a.attack, fpr, a.tpr_at(fpr), limit)
    # ... which the plain models' attacks exceed: the comparison can fail
    assert plain.attacks["rmia"].auc_low > b.auc + 0.05, (plain.summary(), b.line())
    assert not dataclasses.replace(dp, attacks=plain.attacks).within_bound()
    # it is the bound of the audited models: 300 rows, Poisson rate 1/ceil(300/32), the planner's sigma
    plan = recipe.plan(300)
    assert (b.risk.noise_multiplier, b.risk.sample_rate, b.risk.steps) == (plan.noise_multiplier, 0.1, 800)
    assert all(fpr < b.risk.tpr_at[fpr] <= b.tpr_at[fpr] < 1 for fpr in b.tpr_at)
    r = private_retrain(net, X, y, target_epsilon=1.0, epochs=10, n_seeds=2)
    assert r.epsilon <= 1.0 and r.steps == 10 * 7 and len(r.accuracy) == 2


def test_custom_fit_predict_contract_is_checked():
    X, y = _data(100)
    with pytest.raises(ValueError, match=r"fit_predict must return probabilities in \[0, 1\]"):
        audit_privacy(lambda Xt, yt, Xe, seed=0: np.full(len(Xe), 2.0), X, y, n_reference=0)
    with pytest.raises(TypeError, match="fit_predict must be a scikit-learn estimator with predict_proba"):
        audit_privacy(42, X, y, n_reference=0)
    with pytest.raises(ValueError, match=r"need n_reference >= 2, got 1"):
        audit_privacy(LogisticRegression(), X, y, n_reference=1, attacks=("loss", "lira"))
    with pytest.raises(ValueError, match=r"\['rmia'\] need n_reference >= 1, got 0"):
        audit_privacy(LogisticRegression(), X, y, n_reference=0, attacks="rmia")
    with pytest.raises(ValueError, match="attacks must be one of 'loss', 'lira', 'rmia', got 'shadow'"):
        audit_privacy(LogisticRegression(), X, y, attacks=("shadow",))
    with pytest.raises(ValueError, match="misaligned lengths: X has 100, y has 99"):
        audit_privacy(LogisticRegression(), X, y[:-1])
    with pytest.raises(TypeError, match="module must be a torch.nn.Module"):
        torch_fit_predict(LogisticRegression())
    with pytest.raises(ValueError, match="delta must be below 1/n"):
        private_retrain(mlp(8, 2, hidden=(), seed=0), X, y, target_epsilon=1.0, delta=0.1)


def test_default_attacks_are_those_the_references_allow():
    X, y = _data(200)
    one = audit_privacy(LogisticRegression(), X, y, n_reference=1, n_boot=20)
    assert list(one.attacks) == ["loss", "rmia"] and list(one.not_run) == ["lira"]
    assert "lira: not run (needs n_reference >= 2" in one.summary()
    none = audit_privacy(LogisticRegression(), X, y, n_reference=0, n_boot=20)
    assert list(none.attacks) == ["loss"] and sorted(none.not_run) == ["lira", "rmia"]
    assert not audit_privacy(LogisticRegression(), X, y, n_reference=2, n_boot=20).not_run


def test_rmia_scores_are_online_rmia_of_the_models_probabilities():
    from trustlab.attacks.rmia import rmia_scores

    X, y = _data(300)
    a = audit_privacy(DecisionTreeClassifier(max_depth=4), X, y, n_reference=2, n_boot=20, seed=3)
    p = np.exp(a.attacks["loss"].scores).reshape(3, 300)  # the loss attack's score is log p(y | x)
    m = a.is_member
    expected = [rmia_scores(p[t], p[o], p[t], p[o], reference_in=m[o], population_reference_in=m[o], online=True)
                for t, o in ((0, [1, 2]), (1, [0, 2]), (2, [0, 1]))]
    assert np.allclose(a.attacks["rmia"].scores, np.concatenate(expected), atol=1e-12)
    assert a.attacks["rmia"].auc == pytest.approx(roc_metrics(np.concatenate(expected), m.ravel())[2])


@pytest.mark.parametrize("target_epsilon, dtype", [(None, "float32"), (None, "float64"), (2.0, "float32")])
def test_torch_recipe_trains_all_models_in_one_batch_as_it_trains_each(target_epsilon, dtype):
    # the batched path (train_many) gives each model the one-by-one run of its seed; with DP the
    # one-by-one run goes through Opacus' PrivacyEngine (fit_private)
    import torch

    X, y = _data(200)
    recipe = torch_fit_predict(mlp(8, 2, hidden=(16,), seed=0), epochs=3, lr=0.2, batch_size=25,
                               target_epsilon=target_epsilon, dtype=getattr(torch, dtype))
    assert recipe.batched
    mask = np.zeros((3, 200), dtype=bool)
    for k in range(3):
        mask[k, np.random.default_rng(k).permutation(200)[:100]] = True
    many = recipe.fit_predict_many(X, y, mask, [5, 6, 7])
    for k, s in enumerate([5, 6, 7]):
        assert np.allclose(many[k], recipe(X[mask[k]], y[mask[k]], X, seed=s), atol=1e-12 if dtype == "float64" else 1e-5)


def test_a_module_the_batched_path_cannot_stack_trains_one_by_one():
    import torch

    class Scaled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(8, 2)

        def forward(self, x):
            return 2.0 * self.linear(x)

    X, y = _data(200)
    torch.manual_seed(0)
    recipe = torch_fit_predict(Scaled(), epochs=2, batch_size=20)
    assert not recipe.batched
    a = audit_privacy(recipe, X, y, n_reference=1, n_boot=20)
    assert set(a.attacks) == {"loss", "rmia"} and 0.6 < a.test_accuracy < 0.9


def test_replace_one_bound_is_the_add_remove_bound_applied_twice():
    from scipy.stats import norm

    from trustlab.privacy.risk import compute_risk

    # one full-batch step of the Gaussian mechanism is mu-GDP with mu = 1/sigma (Dong et al.):
    # add/remove gives Phi(Phi^-1(fpr) + mu), a swapped row twice that shift
    b = replace_one_bound(compute_risk(2.0, 1.0, steps=1))
    for fpr, bound in b.tpr_at.items():
        assert bound == pytest.approx(norm.cdf(norm.ppf(fpr) + 1.0), abs=2e-3)
        assert b.risk.tpr_at[fpr] == pytest.approx(norm.cdf(norm.ppf(fpr) + 0.5), abs=2e-3)
    assert b.auc == pytest.approx(norm.cdf(1.0 / np.sqrt(2)), abs=2e-3)


def test_private_retrain_plans_sigma_and_states_the_risk():
    from trustlab.privacy.planner import compute_privacy_plan
    from trustlab.privacy.risk import compute_risk

    X, y = _data(300)
    r = private_retrain(mlp(8, 2, hidden=(), seed=0), X, y, target_epsilon=2.0, epochs=2, n_seeds=2)
    plan = compute_privacy_plan("noise_multiplier", target_epsilon=2.0, sample_rate=r.sample_rate, epochs=2)
    assert r.plan == plan and r.noise_multiplier == plan.noise_multiplier and r.steps == plan.steps == 8
    assert r.risk == compute_risk(r.noise_multiplier, r.sample_rate, steps=r.steps, delta=r.delta)
    assert r.risk.group_size == 1 and r.risk.epsilon <= r.epsilon <= 2.0
    assert "Example-level DP" in r.statement and "Poisson sampling" in r.statement
    assert f"can catch at most {100 * r.risk.tpr_at[0.01]:.1f} % of members" in r.summary()
