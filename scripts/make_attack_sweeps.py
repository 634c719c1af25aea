"""Compute the attack sweeps shipped in ``trustlab/attacks/sweeps/`` (after changing a grid or the version).

Usage: ``python scripts/make_attack_sweeps.py [--only membership|canaries|one_run]``.
Each file holds its cache key (parameters + trustlab version, see ``trustlab.cache``), so the
notebooks and explorers read it without training; a stale file is ignored and the sweep is
recomputed into the user cache instead.
"""

from __future__ import annotations

import argparse
import sys
import time

from trustlab.cache import write_shipped


def _membership():
    from trustlab.attacks import shadows

    params, compute = shadows.sweep_params(), shadows.compute_sweep
    return shadows.SWEEP_DIR, shadows.SWEEP_NAME, params, lambda: compute(progress=True)


def _canaries():
    from trustlab.attacks import canary_sweep

    params, compute = canary_sweep.sweep_params(), canary_sweep.compute_sweep
    return canary_sweep.SWEEP_DIR, canary_sweep.SWEEP_NAME, params, lambda: compute(progress=True)


def _one_run():
    from trustlab.attacks.audits import canary_audit

    params, compute = canary_audit.sweep_params(), canary_audit.compute_sweep
    return canary_audit.SWEEP_DIR, canary_audit.SWEEP_NAME, params, lambda: compute(progress=True)


SWEEPS = {"membership": _membership, "canaries": _canaries, "one_run": _one_run}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SWEEPS), action="append")
    args = parser.parse_args(argv)
    for which in args.only or SWEEPS:
        start = time.perf_counter()
        directory, name, params, compute = SWEEPS[which]()
        value = compute()
        path = write_shipped(directory, name, params, value)
        print(f"{name}: -> {path} in {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
