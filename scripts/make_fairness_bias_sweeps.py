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
from trustlab.fairness.kg import bias as kg_bias
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
    grid = [(lam, cf) for cf in kg_bias.COUNTERFACTUAL for lam in kg_bias.NEUTRALITIES]
    rows = [kg_bias._to_json(kg_bias.compute_kg_bias(lam, cf, seed=0)) for lam, cf in grid]
    return {"grid": [list(g) for g in grid], "seed": 0, **kg_bias._SETTINGS}, rows, kg_bias.SWEEP_DIR


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
