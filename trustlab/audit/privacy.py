"""Membership risk of a practitioner's training recipe: retrain on random halves, then attack.

The recipe (a scikit-learn estimator, or a function ``fit_predict(X_train, y_train, X_eval,
seed)`` returning class probabilities) is trained ``1 + n_reference`` times, each on its own
random half of the rows. Each model in turn is the target and the others its reference models;
attacks score every row, and the target's half are the members. The loss-threshold attack
(Yeom et al. 2018) calls a row a member when the target's loss on it is small. LiRA (Carlini
et al. 2022) and RMIA (Zarifzadeh et al., ICML 2024, "Low-cost high-power membership inference
attacks") use the reference models. Each attack is measured by its ROC AUC (0.5 is guessing)
and its TPR at 0.1 % and 1 % FPR, pooled over targets, with bootstrap intervals (a resampled
row brings its scores under every model), and the most exposed rows are listed.

RMIA comes from ``trustlab.attacks.rmia`` and the privacy statement of a DP retrain from
``trustlab.privacy.risk`` (issue 19, merged separately); until those modules exist the audit
reports those parts as pending (:func:`rmia_backend`) instead of inventing numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.attacks.membership import lira_scores, roc_metrics, tpr_at_fpr
from trustlab.audit.bootstrap import percentile_interval, roc_replicates, row_weights
from trustlab.audit.checks import check_binary, check_same_length, seeded_estimator

__all__ = ["ATTACKS", "AttackSummary", "PrivacyAudit", "audit_privacy", "rmia_backend"]

ATTACKS = ("loss", "lira", "rmia")
_FPRS = (0.001, 0.01)
_CLIP = 1e-12  # probabilities below this count as 1e-12, so losses stay finite


@dataclass(frozen=True, eq=False)
class AttackSummary:
    """One attack's ROC AUC and TPR at 0.1 % / 1 % FPR, each with a bootstrap interval."""

    attack: str
    auc: float
    auc_low: float
    auc_high: float
    tpr_at_0_1: float
    tpr_at_0_1_low: float
    tpr_at_0_1_high: float
    tpr_at_1: float
    tpr_at_1_low: float
    tpr_at_1_high: float
    fpr: np.ndarray
    tpr: np.ndarray
    scores: np.ndarray

    def line(self) -> str:
        """One rounded line."""
        return (f"{self.attack}: AUC={self.auc:.3f} [{self.auc_low:.3f}, {self.auc_high:.3f}]  "
                f"TPR@0.1%FPR={self.tpr_at_0_1:.3f} [{self.tpr_at_0_1_low:.3f}, {self.tpr_at_0_1_high:.3f}]  "
                f"TPR@1%FPR={self.tpr_at_1:.3f} [{self.tpr_at_1_low:.3f}, {self.tpr_at_1_high:.3f}]")


@dataclass(frozen=True, eq=False)
class PrivacyAudit:
    """Membership-inference attacks on a recipe retrained on random halves.

    Attributes
    ----------
    attacks : dict of str to AttackSummary
    pending : dict of str to str
        Attacks asked for that this build cannot run yet, with the reason.
    is_member : bool array (models, n): True where a row was in a model's training half.
    exposed : pandas.DataFrame
        The most exposed rows: ranked by ``gap``, their mean loss when left out minus when
        trained on (``loss_out − loss_in``; large means the models memorize the row).
    train_accuracy, test_accuracy : mean accuracy of the models on their own half and the other.
    """

    attacks: dict
    pending: dict
    is_member: np.ndarray
    exposed: pd.DataFrame
    train_accuracy: float
    test_accuracy: float
    n_reference: int
    n_boot: int
    seconds: float
    label: str = ""

    def summary(self) -> str:
        """One line per attack, then the target's accuracy gap (members vs other half)."""
        lines = [a.line() for a in self.attacks.values()]
        lines += [f"{name}: pending ({why})" for name, why in self.pending.items()]
        lines.append(f"models: train acc={self.train_accuracy:.3f}  held-out acc={self.test_accuracy:.3f}"
                     f"  ({1 + self.n_reference} models on random halves, each attacked in turn)")
        return "\n".join(lines)

    def plot(self, ax=None):
        """:func:`trustlab.audit.plots.plot_privacy_audit` of this audit."""
        from trustlab.audit.plots import plot_privacy_audit

        return plot_privacy_audit(self, ax=ax)


def rmia_backend():
    """The seam for RMIA: ``trustlab.attacks.rmia.rmia_scores`` once it exists, else None.

    The audit calls it once, as ``rmia_scores(target, references, reference_in)``: the target's
    probability of each row's true label ``(n,)``, the reference models' ``(k, n)`` and their
    membership masks ``(k, n)``; it returns one score per row (higher: more likely a member).
    """
    try:
        from trustlab.attacks.rmia import rmia_scores
    except ImportError:
        return None
    return rmia_scores


def _probabilities(fit_predict, X_train, y_train, X_eval, seed):
    """Probability of class 1 for every row of ``X_eval`` (n,), from an estimator or a function."""
    if hasattr(fit_predict, "fit") and hasattr(fit_predict, "predict_proba"):
        model = seeded_estimator(fit_predict, seed).fit(X_train, y_train)
        proba = model.predict_proba(X_eval)
    elif callable(fit_predict):
        proba = fit_predict(X_train, y_train, X_eval, seed=seed)
    else:
        raise TypeError("fit_predict must be a scikit-learn estimator with predict_proba or a function "
                        f"fit_predict(X_train, y_train, X_eval, seed=...), got {type(fit_predict).__name__}")
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 2 and proba.shape[1] == 2:
        proba = proba[:, 1]
    if proba.shape != (len(X_eval),) or not np.all((proba >= 0) & (proba <= 1)):
        raise ValueError(f"fit_predict must return probabilities in [0, 1], one row per example "
                         f"(shape ({len(X_eval)},) or ({len(X_eval)}, 2)), got shape {proba.shape}")
    return proba


def _summary(name, scores, is_member, weights, level):
    """An AttackSummary of (T, n) scores pooled over targets; example-level bootstrap weights."""
    flat, member = scores.ravel(), is_member.ravel()
    fpr, tpr, auc = roc_metrics(flat, member)
    point = [auc] + [tpr_at_fpr(fpr, tpr, a) for a in _FPRS]
    # score k belongs to row k % n: a resampled row brings its scores under every model
    auc_reps, tpr_reps = roc_replicates(flat, member, weights, _FPRS,
                                        row_of=np.tile(np.arange(scores.shape[1]), scores.shape[0]))
    values = []
    for p, r in zip(point, [auc_reps, *tpr_reps]):
        lo, hi = percentile_interval(r[:, None], level)
        values += [float(p), float(lo[0]), float(hi[0])]
    return AttackSummary(name, *values, fpr, tpr, flat)


def audit_privacy(fit_predict, X, y, *, n_reference=8, attacks=ATTACKS, n_boot=200, level=0.95,
                  top=10, seed=0, label="") -> PrivacyAudit:
    """Retrain a recipe on random halves and measure how well membership can be inferred.

    Parameters
    ----------
    fit_predict : scikit-learn estimator or callable
        An estimator with ``predict_proba`` (cloned per model, ``random_state`` seeded if
        unset), or ``fit_predict(X_train, y_train, X_eval, seed=...)`` returning the
        probability of class 1 (shape ``(n,)`` or ``(n, 2)``).
    X, y : features (array or DataFrame) and 0/1 labels
    n_reference : int
        Models besides the target, each on its own random half; every model is attacked in turn
        with the others as its references (LiRA/RMIA need at least 2). 0: one model, loss only.
    attacks : tuple of {"loss", "lira", "rmia"}
    n_boot, level : bootstrap resamples and interval coverage.
    top : int
        How many of the most exposed members to list.
    seed : int
        Seeds the halves, the models and the bootstrap.

    Returns
    -------
    PrivacyAudit
        An AUC of 0.5 means the attack does no better than guessing.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 3)); y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    >>> audit = audit_privacy(DecisionTreeClassifier(), X, y, n_reference=0, attacks=("loss",))
    >>> audit.attacks["loss"].auc > 0.6, audit.train_accuracy
    (True, 1.0)
    """
    start = time.perf_counter()
    n = check_same_length(X=X, y=y)
    y = check_binary("y", y)
    items = (attacks,) if isinstance(attacks, str) else tuple(attacks)
    for a in items:
        check_choice("attacks", a, ATTACKS)
    n_reference = check_int("n_reference", n_reference, 0, 256)
    if n_reference < 2 and set(items) & {"lira", "rmia"}:
        raise ValueError(f"attacks {sorted(set(items) & {'lira', 'rmia'})} need n_reference >= 2, "
                         f"got {n_reference}; use attacks=('loss',) without reference models")
    n_boot, level = check_int("n_boot", n_boot, 20), check_number("level", level, 0.5, 1, high_open=True)
    top = check_int("top", top, 0)
    check_int("number of rows", n, 20)
    rng = numpy_rng(seed)
    in_mask = np.zeros((1 + n_reference, n), dtype=bool)
    for m in range(1 + n_reference):
        in_mask[m, rng.permutation(n)[: n // 2]] = True
    seeds = [int(s) for s in rng.integers(2**31 - 1, size=1 + n_reference)]
    p_true = np.empty((1 + n_reference, n))
    for m in range(1 + n_reference):
        rows = np.flatnonzero(in_mask[m])
        part = X.iloc[rows] if isinstance(X, (pd.DataFrame, pd.Series)) else np.asarray(X)[rows]
        p1 = _probabilities(fit_predict, part, y[rows], X, seeds[m])
        p_true[m] = np.where(y == 1, p1, 1 - p1)
    p = np.clip(p_true, _CLIP, 1.0)
    models = 1 + n_reference
    # Every model takes its turn as the target, the others as its references (Carlini et al.
    # 2022 evaluate this way): pooling targets averages out which rows one half happened to hold.
    others = np.array([[m for m in range(models) if m != t] for t in range(models)]).reshape(models, -1)
    weights = row_weights(np.zeros(n), n_boot, rng)  # rows redrawn with all their targets' scores
    loss = -np.log(p)
    out, pending = {}, {}
    if "loss" in items:
        out["loss"] = _summary("loss", -loss, in_mask, weights, level)
    if "lira" in items:
        phi = np.log(p) - np.log1p(-np.minimum(p, 1 - _CLIP))  # logit-scaled confidence
        out["lira"] = _summary("lira", lira_scores(phi, phi[others], in_mask[others]), in_mask, weights, level)
    if "rmia" in items:
        rmia = rmia_backend()
        if rmia is None:
            pending["rmia"] = "needs trustlab.attacks.rmia (issue 19), not in this build yet"
        else:
            scores = np.stack([np.asarray(rmia(p_true[t], p_true[others[t]], in_mask[others[t]]),
                                          dtype=np.float64) for t in range(models)])
            out["rmia"] = _summary("rmia", scores, in_mask, weights, level)
    # scikit-learn's predict breaks a 0.5 tie towards class 0, so "correct" is p_true > 0.5
    correct = p_true > 0.5
    train_acc = float(np.mean([correct[m][in_mask[m]].mean() for m in range(models)]))
    test_acc = float(np.mean([correct[m][~in_mask[m]].mean() for m in range(models)]))
    exposed = _exposure(loss, in_mask).head(top).reset_index(drop=True)
    return PrivacyAudit(out, pending, in_mask, exposed, train_acc, test_acc, n_reference, n_boot,
                        time.perf_counter() - start, label)


def _exposure(loss, in_mask) -> pd.DataFrame:
    """Rows ranked by how much lower their loss is when trained on (mean out − mean in).

    With a single model there is no "out" loss to compare with; its members are ranked by loss.
    """
    n_in, n_out = in_mask.sum(0), (~in_mask).sum(0)
    in_loss = np.where(in_mask, loss, 0.0).sum(0) / np.maximum(n_in, 1)
    out_loss = np.where(~in_mask, loss, 0.0).sum(0) / np.maximum(n_out, 1)
    frame = pd.DataFrame({"row": np.arange(loss.shape[1]), "models_in": n_in, "loss_in": in_loss,
                          "loss_out": np.where(n_out > 0, out_loss, np.nan)})
    frame["gap"] = frame["loss_out"] - frame["loss_in"]
    if len(in_mask) == 1:
        return frame[in_mask[0]].sort_values(["loss_in", "row"], kind="stable")
    frame = frame[(n_in > 0) & (n_out > 0)]
    # rounded before ranking: a last-bit difference between CPUs must not reorder the list
    ranked = frame.assign(_key=-frame["gap"].round(6)).sort_values(["_key", "row"], kind="stable")
    return ranked.drop(columns="_key")
