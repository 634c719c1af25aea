"""Compute the sweeps of notebooks 32 and 33 shipped in the package.

They go to ``trustlab/fairness/text/sweeps/`` and ``trustlab/fairness/kg/sweeps/``.

Usage: ``python scripts/make_fairness_bias_sweeps.py [--only intrinsic_extrinsic|aps_ctf|kg_bias]``.
Each file holds its cache key (grid + settings + trustlab version, see ``trustlab.cache``); a
stale file is ignored and the sweep recomputed into the user cache instead.
"""

from __future__ import annotations

import argparse
import sys
import time

from trustlab.cache import write_shipped
from trustlab.fairness.kg import sweep as kg_sweep
from trustlab.fairness.text import intrinsic, leakage


def _capture(module, run):
    """Run a public sweep function live, keeping the name, parameters and value it caches."""
    import trustlab.cache as cache_module

    captured = {}

    def capture(name, params, compute, **kwargs):
        captured.update(name=name, params=params, value=compute())
        return captured["value"]

    original = cache_module.cached
    cache_module.cached = capture
    try:
        run()
    finally:
        cache_module.cached = original
    return captured["params"], captured["value"], module.SWEEP_DIR


def _intrinsic():
    return _capture(intrinsic, lambda: intrinsic.intrinsic_extrinsic_study(progress=True))


def _aps_ctf():
    return _capture(leakage, leakage.compare_aps_ctf)


def _kg():
    # 10 settings × 5 seeds, each setting one batched TransE run (per-seed values kept).
    return kg_sweep.sweep_params(0), kg_sweep.compute_sweep(0, progress=True), kg_sweep.SWEEP_DIR


SWEEPS = {"intrinsic_extrinsic": _intrinsic, "aps_ctf": _aps_ctf, "kg_bias": _kg}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SWEEPS), action="append")
    args = parser.parse_args(argv)
    for name in args.only or SWEEPS:
        start = time.perf_counter()
        params, rows, directory = SWEEPS[name]()
        path = write_shipped(directory, name, params, rows)
        print(f"{name}: {len(rows)} records -> {path} in {time.perf_counter() - start:.0f} s",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
