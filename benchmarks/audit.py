"""Time the audit of a 30,000-row table (issue 20's target: at most 30 s on 2 cores; report at most 5 s).

Usage::

    python benchmarks/audit.py [--rows 30000] [--n-reference 8]

The first ``--rows`` rows of Adult go through the practitioner's path: ``load_table``, a
logistic regression fitted on 70 % and ``audit_fairness`` on the rest (200 bootstrap
resamples), ``audit_privacy`` of a torch MLP recipe (91 → 64 → 2, 10 epochs of SGD; the target
and its ``n_reference`` reference models train as one ``train_many`` batch; loss, LiRA and RMIA
with 200 resamples), the same audit of the scikit-learn recipe (fitted one by one), and
``write_report``. Each step prints its wall time and its CPU time (this process, all threads):
on a shared machine the wall time grows with the load, which is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def _step(name, fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{name:<42} wall {wall:6.1f} s   cpu {cpu:6.1f} s   load average {load}", flush=True)
    return out, wall, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--n-reference", type=int, default=8)
    args = parser.parse_args(argv)

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from trustlab.audit import audit_fairness, audit_privacy, load_table, torch_fit_predict, write_report
    from trustlab.audit.examples import age_group
    from trustlab.data import load_adult
    from trustlab.models import mlp

    frame = load_adult().head(args.rows).copy()
    frame["age_group"] = age_group(frame["age"])
    total = [0.0, 0.0]

    def timed(name, fn):
        out, wall, cpu = _step(name, fn)
        total[0] += wall
        total[1] += cpu
        return out

    table = timed("load_table", lambda: load_table(frame, "income", ["sex", "age_group"], positive=">50K",
                                                   exclude=["label", "split"], name="Adult (head)"))

    def fairness():
        train, test = table.split(0.3, seed=0)
        model = train.pipeline(LogisticRegression(solver="liblinear")).fit(train.X, train.y)
        return audit_fairness(test.y, model.predict(test.X), test.sensitive_features, seed=0)

    fair = timed("fit + audit_fairness", fairness)
    X = table.encoder().fit_transform(table.X).astype(np.float32)
    recipe = torch_fit_predict(mlp(X.shape[1], 2, hidden=(64,), seed=0), epochs=10, lr=0.1, batch_size=64)
    risk = timed(f"audit_privacy, MLP, {1 + args.n_reference} models batched",
                 lambda: audit_privacy(recipe, X, table.y, n_reference=args.n_reference, seed=0))
    print(f"  -> {len(table.y):,} rows; " + risk.summary().replace("\n", "\n     "))
    print(f"{'the audit (the steps above)':<42} wall {total[0]:6.1f} s   cpu {total[1]:6.1f} s")
    _step(f"audit_privacy, scikit-learn, {1 + args.n_reference} models",
          lambda: audit_privacy(table.pipeline(LogisticRegression(solver="liblinear")), table.X, table.y,
                                n_reference=args.n_reference, seed=0))
    with tempfile.TemporaryDirectory() as folder:
        _step("write_report", lambda: write_report(Path(folder) / "card", table=table, fairness=fair,
                                                   privacy=risk))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
