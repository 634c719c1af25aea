"""Recompute the sweeps of notebooks 30 and 31 shipped in ``trustlab/fairness/groups/sweeps/`` and
``trustlab/fairness/counterfactual/sweeps/`` (after a version bump).

Usage: ``python -m trustlab.fairness.make_sweeps [--only disparate_digits|disparate_adult|role_reversal]``.
Each sweep is computed live (``use_cache=False``) and written with its cache key (name, parameters
and trustlab version; :mod:`trustlab.cache`), so notebooks and explorers read it without training.
Run times measured on 2 shared cores (load 8-11), every setting with 5 seeds trained batched:
digits 8 s and Adult 6 s (5 settings × 5 seeds; one seed per setting took ~30 s and ~1 min
through Opacus before), role reversal 45 min (5 teachers and 100 students, 120 sentences per
occupation; 21 single-seed models took ~10 min before).
"""

from __future__ import annotations

import argparse
import sys
import time

from trustlab.cache import write_shipped

__all__ = ["SWEEPS", "main"]


def _capture(module, run):
    """Run a public sweep function live, keeping the exact name and parameters it caches under."""
    captured = {}
    real = module.cached

    def capture(name, params, compute, **kwargs):
        captured.update(name=name, params=params, value=compute())
        return captured["value"]

    module.cached = capture
    try:
        run()
    finally:
        module.cached = real
    captured["directory"] = module.SHIPPED  # the room's sweeps/ folder
    return captured


def _digits():
    from trustlab.fairness.groups import disparate

    return _capture(disparate, disparate.disparate_impact_digits)


def _adult():
    from trustlab.fairness.groups import disparate

    return _capture(disparate, disparate.disparate_impact_adult)


def _role_reversal():
    from trustlab.fairness.counterfactual import role_reversal_sweep as sweep

    return _capture(sweep, lambda: sweep.role_reversal_sweep(progress=True))


SWEEPS = {"disparate_digits": _digits, "disparate_adult": _adult, "role_reversal": _role_reversal}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SWEEPS), action="append")
    args = parser.parse_args(argv)
    for name in args.only or SWEEPS:
        start = time.perf_counter()
        got = SWEEPS[name]()
        path = write_shipped(got["directory"], got["name"], got["params"], got["value"])
        print(f"{name}: -> {path} in {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
