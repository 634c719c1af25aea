"""Small real audit results shared by the report tests (German credit, fast recipes)."""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=1)
def results():
    from sklearn.linear_model import LogisticRegression

    from trustlab.audit import (audit_fairness, audit_privacy, load_table, mitigate, private_retrain)
    from trustlab.data import load_german_credit
    from trustlab.models import mlp

    table = load_table(load_german_credit(), "credit", "sex", positive="good", exclude=["label"],
                       name="German credit")
    train, test = table.split(0.3, seed=0)
    model = train.pipeline(LogisticRegression(max_iter=1000)).fit(train.X, train.y)
    fairness = audit_fairness(test.y, model.predict(test.X), test.sensitive_features,
                              y_score=model.predict_proba(test.X)[:, 1], n_boot=100)
    mitigation = mitigate(table.pipeline(LogisticRegression(max_iter=1000)), table.X, table.y,
                          table.sensitive_features, method="threshold_optimizer", n_boot=100)
    privacy = audit_privacy(table.pipeline(LogisticRegression(max_iter=1000)), table.X, table.y,
                            n_reference=2, attacks=("loss", "lira"), n_boot=100)
    X = table.encoder().fit_transform(table.X).astype(np.float32)
    private = private_retrain(mlp(X.shape[1], 2, hidden=(), seed=0), X, table.y, target_epsilon=2.0,
                              epochs=3, n_seeds=2)
    return dict(table=table, fairness=fairness, mitigation=mitigation, privacy=privacy, private=private)


def expected_numbers(r) -> dict:
    """Some of the report's numbers, formatted here from the result objects (not by report.py)."""
    out = {}
    for (feat, name), row in r["fairness"].differences.iterrows():
        out[f"fairness.{feat}.{name}.value"] = f"{row['value']:.3f}"
        out[f"fairness.{feat}.{name}.interval"] = f"[{row['low']:.3f}, {row['high']:.3f}]"
    for (feat, group), row in r["fairness"].by_group.iterrows():
        out[f"fairness.{feat}.{group}.count"] = f"{int(row['count']):,}"
        out[f"fairness.{feat}.{group}.tpr"] = f"{row['tpr']:.3f} [{row['tpr_low']:.3f}, {row['tpr_high']:.3f}]"
    for (method, c), row in r["mitigation"].options.iterrows():
        out[f"mitigation.{method}.{c}.accuracy"] = (f"{row['accuracy']:.3f} [{row['accuracy_low']:.3f}, "
                                                    f"{row['accuracy_high']:.3f}]")
    for name, a in r["privacy"].attacks.items():
        out[f"privacy.{name}.auc.value"] = f"{a.auc:.3f}"
        out[f"privacy.{name}.auc.interval"] = f"[{a.auc_low:.3f}, {a.auc_high:.3f}]"
    out["private.epsilon"] = f"{r['private'].epsilon:.2f}"
    acc = np.asarray(r["private"].accuracy)
    from scipy.stats import t

    half = t.ppf(0.975, len(acc) - 1) * acc.std(ddof=1) / np.sqrt(len(acc))
    out["private.accuracy"] = f"{acc.mean():.3f} ± {half:.3f}"
    counts = r["table"].data.groupby("sex", observed=True).size()
    for group, n in counts.items():
        out[f"data.sex.{group}.count"] = f"{n:,}"
    return out
