"""Many models at once: a loop of one-model runs against ``train_many`` (issue "Many models at once").

Run by ``benchmarks/run.py --many`` (its results land in results.json and RESULTS.md). Run on
its own with ``--before OUT.json`` against a checkout *without* ``train_many`` (e.g.
``PYTHONPATH=/path/to/old/checkout python benchmarks/many.py --before benchmarks/many_before.json``)
to record the loop timings of the code before the change; RESULTS.md shows both.

Each case is timed as wall time and CPU time of this process (the CPU time varies less on a
shared machine); the median of ``repeat`` runs (3 by default) is kept, and the load average
at the start is recorded.

Cases (digits, one torch thread, as the kit trains):

mlp_K
    The kit's 64-128-10 MLP, 20 epochs, batch 32, SGD lr 0.1: K = 1, 16, 64 seeds, as a loop
    of :func:`trustlab.training.train` and as one ``train_many`` (float32 and float64).
lira_64
    64 LiRA shadow models on random halves of a 500-example pool (the membership recipe:
    hidden 128, 60 epochs, batch 64, SGD lr 0.1, momentum 0.9): a loop vs ``subsets=``.
dp_8
    DP-SGD (σ 1, C 1, expected batch 256, 20 epochs, lr 1): 1 and 8 seeds batched, and 8 runs
    of Opacus' PrivacyEngine (:func:`trustlab.privacy.dpsgd.fit_private`, hooks) in a loop.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time
import warnings


def _timed(fn, repeat):
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return {"wall_s": round(statistics.median(walls), 3), "cpu_s": round(statistics.median(cpus), 3)}


def _have_many():
    try:
        from trustlab.training import train_many  # noqa: F401
    except ImportError:
        return False
    return True


def bench_many(repeat=3, *, loops_only=False) -> dict:
    """Time the loop and batched cases; ``loops_only`` skips what needs ``train_many``."""
    import numpy as np
    import torch

    from trustlab.data import load_digits
    from trustlab.models import mlp
    from trustlab.training import train

    warnings.filterwarnings("ignore")
    d = load_digits(seed=0)
    out = {"load_average_at_start": [round(x, 2) for x in os.getloadavg()], "repeat": repeat}
    fn = functools.partial(mlp, 64, 10, hidden=(128,))
    recipe = dict(epochs=20, lr=0.1, batch_size=32)

    def loop(K):
        for k in range(K):
            train(fn(seed=k), d.X_train, d.y_train, seed=k, **recipe)

    for K in (1, 16, 64):
        out[f"mlp_{K}_loop"] = _timed(lambda: loop(K), repeat)
    pool = np.concatenate([d.X_train, d.X_test])[:500], np.concatenate([d.y_train, d.y_test])[:500]
    rng = np.random.default_rng(0)
    halves = np.argsort(rng.random((64, 500)), axis=0) < 32
    shadow = dict(epochs=60, lr=0.1, momentum=0.9, batch_size=64)

    def shadows_loop():
        for m in range(64):
            train(fn(seed=m), pool[0][halves[m]], pool[1][halves[m]], seed=m, **shadow)

    out["lira_64_loop"] = _timed(shadows_loop, 1)
    from trustlab.privacy.dpsgd import fit_private

    dp = dict(noise_multiplier=1.0, max_grad_norm=1.0, batch_size=256, epochs=20, lr=1.0)

    def opacus_loop(K):
        for k in range(K):
            fit_private(fn(seed=k), d.X_train, d.y_train, seed=k, **dp)

    out["dp_1_opacus"] = _timed(lambda: opacus_loop(1), repeat)
    out["dp_8_opacus"] = _timed(lambda: opacus_loop(8), 1)
    if loops_only or not _have_many():
        return out
    from trustlab.training import train_many

    for K in (1, 16, 64):
        for name, dtype in (("f32", torch.float32), ("f64", torch.float64)):
            out[f"mlp_{K}_many_{name}"] = _timed(lambda: train_many(
                fn, d.X_train, d.y_train, seeds=range(K), dtype=dtype, **recipe), repeat)
    out["lira_64_many"] = _timed(lambda: train_many(
        fn, *pool, seeds=range(64), subsets=halves, **shadow), repeat)
    for K in (1, 8):
        out[f"dp_{K}_many"] = _timed(lambda: train_many(
            fn, d.X_train, d.y_train, seeds=range(K), **dp), repeat)
    return out


def ratios(r: dict) -> dict:
    """The issue's target ratios from one run's timings (CPU time; wall time beside it)."""
    def q(a, b, key):
        return round(r[a][key] / r[b][key], 2)

    return {
        "16 seeds / 1 seed (target ≤ 4)": {k: q("mlp_16_many_f32", "mlp_1_many_f32", k)
                                            for k in ("cpu_s", "wall_s")},
        "64 seeds / 1 seed (target ≤ 12)": {k: q("mlp_64_many_f32", "mlp_1_many_f32", k)
                                             for k in ("cpu_s", "wall_s")},
        "64 LiRA shadows batched / loop (target ≤ 0.2)": {k: q("lira_64_many", "lira_64_loop", k)
                                                          for k in ("cpu_s", "wall_s")},
        "DP-SGD 8 seeds / 1 seed (target ≤ 4)": {k: q("dp_8_many", "dp_1_many", k)
                                                 for k in ("cpu_s", "wall_s")},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="OUT", help="loops only, for code without train_many")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    result = bench_many(args.repeat, loops_only=bool(args.before))
    if args.before:
        import subprocess

        import trustlab

        result["code"] = subprocess.run(
            ["git", "-C", os.path.dirname(os.path.dirname(trustlab.__file__)), "rev-parse",
             "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        result["measured"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        with open(args.before, "w") as fh:
            json.dump(result, fh, indent=1)
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
