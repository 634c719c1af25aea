"""The audit's worked examples: Adult and German credit with one model recipe, and their sweeps.

The two shipped tables (:func:`trustlab.data.load_adult`, :func:`trustlab.data.load_german_credit`)
are read as a practitioner would read their own: a binary target, ``sex`` and an ``age_group``
as sensitive columns, every other column a feature. The recipe is scikit-learn's logistic
regression on the table's ``ColumnTransformer``. The mitigation comparison of both tables is a
sweep shipped in ``trustlab/audit/sweeps/`` (``python -m trustlab.audit.make_sweeps``), so an
explorer reads it instead of running ExponentiatedGradient for a minute.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trustlab._random import check_seed
from trustlab._validate import check_choice, check_int
from trustlab.audit.fairness import FairnessAudit, audit_fairness
from trustlab.audit.mitigation import CONSTRAINTS, METHODS, MitigationResult, mitigate
from trustlab.audit.tables import AuditTable, load_table

__all__ = ["DATASETS", "SENSITIVE", "TableAudit", "audit_own_table", "compute_mitigation_option",
           "compute_table_audit",
           "example_model", "example_table", "mitigation_sweep", "MitigationChoice"]

DATASETS = ("adult", "german_credit")
#: Sensitive-column choices of the explorer: one column, or both (intersectional groups).
SENSITIVE = {"sex": ["sex"], "age_group": ["age_group"], "sex × age_group": ["sex", "age_group"]}
SHIPPED = Path(__file__).resolve().parent / "sweeps"
_TARGET = {"adult": ("income", ">50K", ["label", "split"]), "german_credit": ("credit", "good", ["label"])}


def age_group(age) -> np.ndarray:
    """``"<25"``, ``"25-59"`` or ``"60+"`` for each age in years.

    >>> age_group([19, 25, 60]).tolist()
    ['<25', '25-59', '60+']
    """
    age = np.asarray(age)
    return np.where(age < 25, "<25", np.where(age < 60, "25-59", "60+"))


def example_table(name="adult", sensitive=("sex",)) -> AuditTable:
    """One of the shipped tables as an :class:`AuditTable` (``age`` stays a feature).

    >>> example_table("german_credit").summary()[:60]
    'German credit: 1,000 rows, 20 features (7 numeric); target c'
    """
    from trustlab.data import load_adult, load_german_credit

    check_choice("dataset", name, DATASETS)
    frame = load_adult() if name == "adult" else load_german_credit()
    frame["age_group"] = age_group(frame["age"])
    target, positive, exclude = _TARGET[name]
    sensitive = [sensitive] if isinstance(sensitive, str) else list(sensitive)
    exclude = exclude + [c for c in ("sex", "age_group") if c not in sensitive]
    title = "Adult" if name == "adult" else "German credit"
    # sex is left out of the model's inputs in both examples, the audit still groups by it
    return load_table(frame, target, sensitive, positive=positive, exclude=exclude, name=title)


def example_model():
    """The examples' recipe: logistic regression (liblinear: fast and deterministic)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(solver="liblinear", max_iter=500)


@functools.lru_cache(maxsize=4)
def _predictions(name, seed):
    table = example_table(name, ("sex", "age_group"))
    train, test = table.split(0.3, seed=seed)
    model = train.pipeline(example_model()).fit(train.X, train.y)
    return test, model.predict(test.X)


@dataclass(frozen=True, eq=False)
class TableAudit:
    """A fairness audit of a model trained on a table (what the audit explorer shows)."""

    table: str
    sensitive: tuple
    audit: FairnessAudit
    n_test: int

    def summary(self) -> str:
        """The table, the held-out rows and the audit's first line(s)."""
        return f"{self.table}, {self.n_test:,} held-out rows\n{self.audit.summary()}"


def compute_table_audit(dataset="adult", sensitive="sex", *, seed=0, n_boot=200) -> TableAudit:
    """Fit the recipe on 70 % of a shipped table and audit it on the rest, grouped by ``sensitive``.

    The model is fitted once per (dataset, seed) and kept, so changing ``sensitive`` only re-audits.
    """
    check_choice("dataset", dataset, DATASETS)
    check_choice("sensitive", sensitive, tuple(SENSITIVE))
    check_seed(seed)
    check_int("n_boot", n_boot, 20, 10_000)  # audit_fairness's range, checked before the fit
    test, pred = _predictions(dataset, seed)
    audit = audit_fairness(test.y, pred, test.sensitive_features[SENSITIVE[sensitive]], n_boot=n_boot, seed=seed)
    return TableAudit(test.name, tuple(SENSITIVE[sensitive]), audit, len(test.y))


def audit_own_table(table, *, seed=0, n_boot=200) -> TableAudit:
    """Fit the recipe on 70 % of any :class:`AuditTable` and audit it on the rest (all its sensitive columns)."""
    if not isinstance(table, AuditTable):
        raise TypeError(f"table must be a trustlab.audit.AuditTable (see load_table), got {type(table).__name__}")
    check_seed(seed)
    check_int("n_boot", n_boot, 20, 10_000)  # audit_fairness's range, checked before the fit
    train, test = table.split(0.3, seed=seed)
    if len(np.unique(train.y)) < 2:
        raise ValueError(f"the training rows of {table.name} hold one target value only; use a larger table")
    model = train.pipeline(example_model()).fit(train.X, train.y)
    audit = audit_fairness(test.y, model.predict(test.X), test.sensitive_features, n_boot=n_boot, seed=seed)
    return TableAudit(table.name, tuple(table.sensitive), audit, len(test.y))


def sweep_params(dataset, seed=0) -> dict:
    """What identifies a shipped mitigation sweep (the cache key hashes it with the version)."""
    return {"dataset": dataset, "sensitive": "sex", "model": "logistic_regression_liblinear",
            "methods": list(METHODS), "constraints": list(CONSTRAINTS), "test_size": 0.3,
            "n_boot": 200, "seed": seed}


def run_sweep(dataset, seed=0) -> dict:
    """Every mitigation of the example recipe on one table (about a minute for Adult)."""
    table = example_table(dataset, ("sex",))
    result = mitigate(table.pipeline(example_model()), table.X, table.y, table.sensitive_features,
                      test_size=0.3, n_boot=200, seed=seed)
    return result.to_dict()


@functools.lru_cache(maxsize=4)
def mitigation_sweep(dataset="adult", seed=0) -> MitigationResult:
    """The shipped mitigation comparison of ``dataset`` (computed and cached if absent)."""
    from trustlab.cache import cached

    check_choice("dataset", dataset, DATASETS)
    check_seed(seed)
    value = cached(f"mitigation_{dataset}", sweep_params(dataset, seed), lambda: run_sweep(dataset, seed),
                   shipped_dir=SHIPPED)
    return MitigationResult.from_dict(value)


@dataclass(frozen=True, eq=False)
class MitigationChoice:
    """One option of a mitigation sweep, as the mitigation explorer shows it."""

    dataset: str
    method: str
    constraint: str
    result: MitigationResult

    @property
    def row(self) -> pd.Series:
        """The option's row of ``result.options``."""
        key = ("unmitigated", "none") if self.method == "unmitigated" else (self.method, self.constraint)
        return self.result.option(*key)

    def summary(self) -> str:
        """The chosen option's line, the unmitigated line and its levelling-down cases."""
        lines = []
        if self.method != "unmitigated":
            lines.append(self.result.line(self.method, self.constraint))
        base = self.result.option("unmitigated", "none")
        c = self.constraint
        lines.append(f"unmitigated: acc={base['accuracy']:.3f} [{base['accuracy_low']:.3f}, "
                     f"{base['accuracy_high']:.3f}]  disparity={base[c]:.3f} [{base[f'{c}_low']:.3f}, "
                     f"{base[f'{c}_high']:.3f}]")
        prefix = f"{self.method} / {c}:"
        lines += [f"levelling down: {case[len(prefix):].strip()}" for case in self.result.levelling_down
                  if case.startswith(prefix)]
        return "\n".join(lines)


def compute_mitigation_option(dataset="adult", method="threshold_optimizer",
                              constraint="demographic_parity", *, seed=0) -> MitigationChoice:
    """Look up one (method, constraint) option in the shipped sweep of ``dataset``."""
    check_choice("method", method, ("unmitigated",) + METHODS)
    check_choice("constraint", constraint, CONSTRAINTS)
    return MitigationChoice(dataset, method, constraint, mitigation_sweep(dataset, seed))
