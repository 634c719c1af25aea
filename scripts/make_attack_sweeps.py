"""Compute the attack sweeps shipped in ``trustlab/attacks/`` (after changing a grid or the version).

Usage: ``python scripts/make_attack_sweeps.py [--only membership|canaries|one_run] [--jobs N]``.
Each file holds its cache key (parameters + trustlab version, see ``trustlab.cache``), so the
notebooks and explorers read it without training; a stale file is ignored and the sweep is
recomputed into the user cache instead. The sweeps run in ``--jobs`` worker processes (default
2: the kit trains on one thread, so two sweeps use both cores of a 2-core machine).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def _membership():
    from trustlab.attacks import shadows

    params, compute = shadows.sweep_params(), shadows.compute_sweep
    return shadows.SWEEP_DIR, shadows.SWEEP_NAME, params, lambda: compute()


def _canaries():
    from trustlab.attacks import canary_sweep

    params, compute = canary_sweep.sweep_params(), canary_sweep.compute_sweep
    return canary_sweep.SWEEP_DIR, canary_sweep.SWEEP_NAME, params, lambda: compute()


def _one_run():
    from trustlab.attacks.audits import one_run_sweep

    params, compute = one_run_sweep.sweep_params(), one_run_sweep.compute_sweep
    return one_run_sweep.SWEEP_DIR, one_run_sweep.SWEEP_NAME, params, lambda: compute()


SWEEPS = {"membership": _membership, "canaries": _canaries, "one_run": _one_run}


def make(which) -> str:
    """Compute one sweep and write it into the package; return a line saying where and how long."""
    import warnings

    from trustlab.cache import write_shipped

    warnings.filterwarnings("ignore", message=".*[Ss]ecure RNG.*")
    start, cpu = time.perf_counter(), time.process_time()
    directory, name, params, compute = SWEEPS[which]()
    path = write_shipped(directory, name, params, compute())
    return (f"{name}: -> {path} in {time.perf_counter() - start:.0f} s "
            f"({time.process_time() - cpu:.0f} s CPU)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SWEEPS), action="append")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)
    todo = args.only or list(SWEEPS)
    start = time.perf_counter()
    if args.jobs <= 1 or len(todo) == 1:
        for which in todo:
            print(make(which), flush=True)
    else:
        # the longest first, so that two workers finish close together
        order = sorted(todo, key=["canaries", "one_run", "membership"].index)
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for line in pool.map(make, order):
                print(line, flush=True)
    print(f"attack sweeps: {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
