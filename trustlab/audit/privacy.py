"""Membership risk of a practitioner's training recipe: retrain on random halves, then attack.

The recipe (a scikit-learn estimator, a :class:`~trustlab.audit.private.TorchRecipe`, whose models
train as one batch, or ``fit_predict(X_train, y_train, X_eval, seed)``) is trained ``1 + n_reference``
times, each on its own random half of the rows; each model in turn is the target, the others its
references, and the target's half are the members. The loss attack (Yeom et al. 2018) flags a row
whose loss is small; LiRA (Carlini et al. 2022) fits IN and OUT Gaussians per row (2+ references);
RMIA (Zarifzadeh, Liu & Shokri, ICML 2024, :func:`trustlab.attacks.rmia.rmia_scores`) works from one
reference, comparing Pr(x | θ)/Pr(x) with the same ratio on population rows z. The audit runs it
*online*, the paper's setting for references that trained on x about half the time: Pr(x) is their
mean, so the offline correction ``a`` (its 0.3 default tuned on digits) plays no part; on German
credit online RMIA matched or beat offline at a ∈ {0, 0.3, 0.6, 1} from 2 references on. The
population is every row (the attacker does not know the target's half). Each attack gives ROC AUC
(0.5 is guessing) and TPR at 0.1 % / 1 % FPR, pooled over targets, with bootstrap intervals (a
resampled row brings its scores under every model), and the most exposed rows are listed.

The DP bound beside an audit of DP models is the kit's reading. Each model trains on exactly half
the rows, so a member x and a non-member differ by x swapped for another row (replace-one), while ε
counts adding or removing one. Through the set without either, the add/remove bound g(FPR) applies
twice: TPR ≤ g(g(FPR)), the k = 2 case of Dong, Roth & Su's group privacy (2022: "if a mechanism
is f-DP, then it is [1 − (1 − f)^∘k]-DP for groups of size k").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.attacks.membership import lira_scores, roc_metrics, tpr_at_fpr
from trustlab.attacks.rmia import rmia_scores
from trustlab.audit.bootstrap import percentile_interval, roc_replicates, row_weights
from trustlab.audit.checks import check_binary, check_same_length, recipe_probabilities
from trustlab.stats import format_ci

__all__ = ["ATTACKS", "MIN_REFERENCES", "AttackBound", "AttackSummary", "PrivacyAudit", "audit_privacy",
           "replace_one_bound"]

ATTACKS = ("loss", "lira", "rmia")
#: Reference models each attack needs: LiRA fits IN and OUT Gaussians, RMIA averages any references.
MIN_REFERENCES = {"loss": 0, "lira": 2, "rmia": 1}
_FPRS = (0.001, 0.01)
_CLIP = 1e-12  # probabilities below this count as 1e-12, so losses stay finite
_AUC_GRID = (np.arange(1000) + 0.5) / 1000  # midpoint rule: over-estimates a concave curve's area


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

    def tpr_at(self, fpr) -> tuple[float, float, float]:
        """``(value, low, high)`` of the TPR at ``fpr`` (0.001 or 0.01)."""
        return tuple(getattr(self, {0.001: "tpr_at_0_1", 0.01: "tpr_at_1"}[fpr] + e) for e in ("", "_low", "_high"))

    def line(self) -> str:
        """One rounded line."""
        return (f"{self.attack}: AUC={self.auc:.3f} [{self.auc_low:.3f}, {self.auc_high:.3f}]  "
                f"TPR@0.1%FPR={self.tpr_at_0_1:.3f} [{self.tpr_at_0_1_low:.3f}, {self.tpr_at_0_1_high:.3f}]  "
                f"TPR@1%FPR={self.tpr_at_1:.3f} [{self.tpr_at_1_low:.3f}, {self.tpr_at_1_high:.3f}]")


@dataclass(frozen=True)
class AttackBound:
    """The most any membership attack can reach against the audit's DP models (replace-one).

    ``risk``: :func:`trustlab.privacy.risk.compute_risk` of one model's run (add/remove one row);
    ``tpr_at``, ``auc`` and the curve apply its TPR bound twice (see the module docstring)."""

    risk: object
    tpr_at: dict
    auc: float
    fpr: np.ndarray = field(repr=False, compare=False)  # the bound's curve, on risk.fpr
    tpr: np.ndarray = field(repr=False, compare=False)

    def line(self) -> str:
        """One rounded line."""
        at = "  ".join(f"TPR@{f:.1%}FPR<={t:.3f}" for f, t in self.tpr_at.items())
        return (f"DP bound for any attack (row swapped, each model epsilon={self.risk.epsilon:.2f} at "
                f"delta={self.risk.delta:g}): {at}  AUC<={self.auc:.3f}")


def replace_one_bound(risk) -> AttackBound:
    """:class:`AttackBound` of a :class:`~trustlab.privacy.risk.RiskResult`: g(g(FPR)), g its TPR bound.

    >>> from trustlab.privacy.risk import compute_risk
    >>> b = replace_one_bound(compute_risk(1.0, 1.0, steps=1))
    >>> round(b.tpr_at[0.01], 3), round(b.auc, 3)   # exact for sensitivity 2: Φ(Φ⁻¹(0.01) + 2), Φ(√2)
    (0.372, 0.921)
    """
    from trustlab.privacy.risk import RiskResult, attack_tpr_bound

    if not isinstance(risk, RiskResult):
        raise TypeError(f"risk must be a trustlab.privacy.risk.RiskResult (compute_risk), got {type(risk).__name__}")
    kw = dict(noise_multiplier=risk.noise_multiplier, sample_rate=risk.sample_rate, steps=risk.steps,
              group_size=risk.group_size)

    def twice(fpr):  # g(g(fpr)); g is 1 once its argument reaches 1
        inner = attack_tpr_bound(np.asarray(fpr, dtype=float), **kw)
        return np.where(inner < 1, attack_tpr_bound(np.minimum(inner, 1 - 1e-12), **kw), 1.0)

    return AttackBound(risk, dict(zip(_FPRS, twice(_FPRS).tolist())), float(twice(_AUC_GRID).mean()),
                       risk.fpr, twice(risk.fpr))


@dataclass(frozen=True, eq=False)
class PrivacyAudit:
    """Membership-inference attacks on a recipe retrained on random halves.

    Attributes
    ----------
    attacks : dict of str to AttackSummary
    not_run : dict of str to str
        Attacks of :data:`ATTACKS` too few reference models allow, with the reason.
    is_member : bool array (models, n): True where a row was in a model's training half.
    exposed : pandas.DataFrame
        The most exposed rows: ranked by ``gap``, their mean loss when left out minus when
        trained on (``loss_out − loss_in``; large means the models memorize the row).
    train_accuracy, test_accuracy : mean accuracy of the models on their own half and the other.
    model_accuracy : array (models, 2) of each model's train and held-out accuracy.
    bound : AttackBound or None
        For a DP recipe, the most any attack can reach against these models.
    """

    attacks: dict
    not_run: dict
    is_member: np.ndarray
    exposed: pd.DataFrame
    train_accuracy: float
    test_accuracy: float
    n_reference: int
    n_boot: int
    seconds: float
    label: str = ""
    bound: object = None
    model_accuracy: np.ndarray = None

    def summary(self) -> str:
        """One line per attack (and the DP bound), then the accuracy on members vs the other half."""
        lines = [a.line() for a in self.attacks.values()]
        lines += [f"{name}: not run ({why})" for name, why in self.not_run.items()]
        lines += [] if self.bound is None else [self.bound.line()]
        (train, test), k = (format_ci(a, seeds=False) for a in self.model_accuracy.T), 1 + self.n_reference
        lines.append(f"models: train acc={train}  held-out acc={test}  ({k} models on random halves, each "
                     "attacked in turn)")
        return "\n".join(lines)

    def within_bound(self) -> bool | None:
        """True when no measured interval (TPR, AUC) lies wholly above the DP bound (None without DP)."""
        b = self.bound
        return None if b is None else all(a.auc_low <= b.auc and all(a.tpr_at(f)[1] <= t for f, t in b.tpr_at.items())
                                          for a in self.attacks.values())

    def plot(self, ax=None):
        """:func:`trustlab.audit.plots.plot_privacy_audit` of this audit."""
        from trustlab.audit.plots import plot_privacy_audit

        return plot_privacy_audit(self, ax=ax)


def _summary(name, scores, is_member, weights, level):
    """An AttackSummary of (T, n) scores pooled over targets; example-level bootstrap weights."""
    flat, member = scores.ravel(), is_member.ravel()
    fpr, tpr, auc = roc_metrics(flat, member)
    point = [auc] + [tpr_at_fpr(fpr, tpr, a) for a in _FPRS]
    # score k belongs to row k % n: a resampled row brings its scores under every model
    auc_reps, tpr_reps = roc_replicates(flat, member, weights, _FPRS,
                                        row_of=np.tile(np.arange(scores.shape[1]), scores.shape[0]))
    lo, hi = percentile_interval(np.column_stack([auc_reps, *tpr_reps]), level)
    values = [float(v) for triple in zip(point, lo, hi) for v in triple]
    return AttackSummary(name, *values, fpr, tpr, flat)


def _attacks(attacks, n_reference):
    """``(to run, not run with reasons)``; None asks for every attack the references allow."""
    items = ATTACKS if attacks is None else (attacks,) if isinstance(attacks, str) else tuple(attacks)
    for a in items:
        check_choice("attacks", a, ATTACKS)
    short = sorted(a for a in items if n_reference < MIN_REFERENCES[a])
    if short and attacks is not None:
        raise ValueError(f"attacks {short} need n_reference >= {max(MIN_REFERENCES[a] for a in short)}, "
                         f"got {n_reference}; leave attacks=None to run those the references allow")
    why = {"lira": "a Gaussian per row from IN and OUT reference models", "rmia": "a reference model"}
    return (tuple(a for a in items if a not in short),
            {a: f"needs n_reference >= {MIN_REFERENCES[a]} ({why[a]}), got {n_reference}" for a in short})


def audit_privacy(fit_predict, X, y, *, n_reference=8, attacks=None, n_boot=200, level=0.95,
                  top=10, seed=0, label="") -> PrivacyAudit:
    """Retrain a recipe on random halves and measure how well membership can be inferred.

    Parameters
    ----------
    fit_predict : scikit-learn estimator, TorchRecipe or callable
        An estimator with ``predict_proba`` (cloned per model, ``random_state`` seeded if
        unset), a :func:`~trustlab.audit.private.torch_fit_predict` recipe (its models train as
        one batch), or ``fit_predict(X_train, y_train, X_eval, seed=...)`` returning the
        probability of class 1 (shape ``(n,)`` or ``(n, 2)``).
    X, y : features (array or DataFrame) and 0/1 labels
    n_reference : int
        Models besides the target, each on its own random half; every model is attacked in turn
        with the others as its references (RMIA needs 1, LiRA 2). 0: one model, loss only.
    attacks : tuple of {"loss", "lira", "rmia"}, optional
        Default: every attack ``n_reference`` allows; the others are listed as not run.
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
    >>> audit = audit_privacy(DecisionTreeClassifier(), X, y, n_reference=0)
    >>> audit.attacks["loss"].auc > 0.6, audit.train_accuracy, sorted(audit.not_run)
    (True, 1.0, ['lira', 'rmia'])
    """
    start = time.perf_counter()
    n = check_same_length(X=X, y=y)
    y = check_binary("y", y)
    n_reference = check_int("n_reference", n_reference, 0, 256)
    items, not_run = _attacks(attacks, n_reference)
    n_boot, level = check_int("n_boot", n_boot, 20), check_number("level", level, 0.5, 1, high_open=True)
    top = check_int("top", top, 0)
    check_int("number of rows", n, 20)
    rng = numpy_rng(seed)
    models = 1 + n_reference
    in_mask = np.zeros((models, n), dtype=bool)
    for m in range(models):
        in_mask[m, rng.permutation(n)[: n // 2]] = True
    seeds = [int(s) for s in rng.integers(2**31 - 1, size=models)]
    p1 = recipe_probabilities(fit_predict, X, y, in_mask, seeds)
    p_true = np.where(y == 1, p1, 1 - p1)
    p = np.clip(p_true, _CLIP, 1.0)
    # Every model takes its turn as the target, the others as its references (Carlini et al.
    # 2022 evaluate this way): pooling targets averages out which rows one half happened to hold.
    others = np.array([[m for m in range(models) if m != t] for t in range(models)]).reshape(models, -1)
    weights = row_weights(np.zeros(n), n_boot, rng)  # rows redrawn with all their targets' scores
    loss = -np.log(p)
    out = {}
    if "loss" in items:
        out["loss"] = _summary("loss", -loss, in_mask, weights, level)
    if "lira" in items:
        phi = np.log(p) - np.log1p(-np.minimum(p, 1 - _CLIP))  # logit-scaled confidence
        out["lira"] = _summary("lira", lira_scores(phi, phi[others], in_mask[others]), in_mask, weights, level)
    if "rmia" in items:
        # online RMIA; the population z is every row (see the module docstring)
        scores = np.stack([rmia_scores(p[t], p[others[t]], p[t], p[others[t]], reference_in=in_mask[others[t]],
                                       population_reference_in=in_mask[others[t]], online=True)
                           for t in range(models)])
        out["rmia"] = _summary("rmia", scores, in_mask, weights, level)
    # scikit-learn's predict breaks a 0.5 tie towards class 0, so "correct" is p_true > 0.5
    correct = p_true > 0.5
    acc = np.array([[correct[m][in_mask[m]].mean(), correct[m][~in_mask[m]].mean()] for m in range(models)])
    exposed = _exposure(loss, in_mask).head(top).reset_index(drop=True)
    bound = fit_predict.attack_bound(n // 2) if hasattr(fit_predict, "attack_bound") else None
    return PrivacyAudit(out, not_run, in_mask, exposed, *acc.mean(axis=0).tolist(), n_reference, n_boot,
                        time.perf_counter() - start, label, bound, acc)


def _exposure(loss, in_mask) -> pd.DataFrame:
    """Rows ranked by how much lower their loss is when trained on (mean out − mean in).

    With one model there is no "out" loss to compare with; its members are ranked by loss."""
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
