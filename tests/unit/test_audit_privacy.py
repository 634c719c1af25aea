"""Membership risk: an overfit recipe leaks, a DP-SGD retrain at small ε leaks no more than chance."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from trustlab.attacks.membership import roc_metrics
from trustlab.audit import privacy
from trustlab.audit.privacy import audit_privacy, rmia_backend
from trustlab.audit.private import private_retrain, statement_backend, torch_fit_predict
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
def test_private_retrain_brings_the_attack_to_chance():
    # A wide MLP trained long on 600 rows memorizes; DP-SGD at epsilon = 1 must not.
    X, y = _data(600, d=20)
    net = mlp(20, 2, hidden=(128,), seed=0)
    plain = audit_privacy(torch_fit_predict(net, epochs=80, lr=0.1, batch_size=32), X, y,
                          n_reference=3, attacks=("loss",), seed=0)
    assert plain.attacks["loss"].auc_low > 0.6, plain.summary()
    dp = audit_privacy(torch_fit_predict(net, epochs=80, lr=0.1, batch_size=32, target_epsilon=1.0), X, y,
                       n_reference=3, attacks=("loss",), seed=0)
    assert dp.attacks["loss"].auc_low <= 0.5 <= dp.attacks["loss"].auc_high, dp.summary()
    r = private_retrain(net, X, y, target_epsilon=1.0, epochs=10, n_seeds=2)
    assert r.epsilon <= 1.0 and r.steps == 10 * 7 and len(r.accuracy) == 2


def test_custom_fit_predict_contract_is_checked():
    X, y = _data(100)
    with pytest.raises(ValueError, match=r"fit_predict must return probabilities in \[0, 1\]"):
        audit_privacy(lambda Xt, yt, Xe, seed=0: np.full(len(Xe), 2.0), X, y, n_reference=0, attacks="loss")
    with pytest.raises(TypeError, match="fit_predict must be a scikit-learn estimator with predict_proba"):
        audit_privacy(42, X, y, n_reference=0, attacks="loss")
    with pytest.raises(ValueError, match=r"need n_reference >= 2, got 1"):
        audit_privacy(LogisticRegression(), X, y, n_reference=1, attacks=("loss", "lira"))
    with pytest.raises(ValueError, match="attacks must be one of 'loss', 'lira', 'rmia', got 'shadow'"):
        audit_privacy(LogisticRegression(), X, y, attacks=("shadow",))
    with pytest.raises(ValueError, match="misaligned lengths: X has 100, y has 99"):
        audit_privacy(LogisticRegression(), X, y[:-1])
    with pytest.raises(TypeError, match="module must be a torch.nn.Module"):
        torch_fit_predict(LogisticRegression())
    with pytest.raises(ValueError, match="delta must be below 1/n"):
        private_retrain(mlp(8, 2, hidden=(), seed=0), X, y, target_epsilon=1.0, delta=0.1)


# --- the seams for issue 19: RMIA and the privacy statement plug in through one call each ------

def test_rmia_seam_is_pending_until_its_module_exists_then_called_once_per_target(monkeypatch):
    X, y = _data(200)
    if rmia_backend() is None:
        a = audit_privacy(LogisticRegression(), X, y, n_reference=2, n_boot=20)
        assert "rmia" not in a.attacks and "trustlab.attacks.rmia" in a.pending["rmia"]
        assert "rmia: pending" in a.summary()
    calls = []

    def fake_rmia(target, references, reference_in):
        calls.append((target.shape, references.shape, reference_in.shape))
        return -np.log(np.clip(1 - target, 1e-12, 1))  # any score: the seam is what is tested

    monkeypatch.setattr(privacy, "rmia_backend", lambda: fake_rmia)
    a = audit_privacy(LogisticRegression(), X, y, n_reference=2, n_boot=20)
    assert calls == [((200,), (2, 200), (2, 200))] * 3 and "rmia" in a.attacks and not a.pending


def test_statement_seam(monkeypatch):
    from trustlab.audit import private

    X, y = _data(300)
    net = mlp(8, 2, hidden=(), seed=0)
    if statement_backend() is None:
        r = private_retrain(net, X, y, target_epsilon=2.0, epochs=2, n_seeds=2)
        assert r.statement is None and "privacy statement: pending" in r.summary()
    seen = {}

    def fake_statement(**kwargs):
        seen.update(kwargs)
        return "STATEMENT"

    monkeypatch.setattr(private, "statement_backend", lambda: fake_statement)
    r = private_retrain(net, X, y, target_epsilon=2.0, epochs=2, n_seeds=2)
    assert r.statement == "STATEMENT" and r.summary().endswith("STATEMENT")
    assert seen == {"noise_multiplier": r.noise_multiplier, "sample_rate": r.sample_rate,
                    "steps": r.steps, "delta": r.delta}
