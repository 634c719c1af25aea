"""Recompute the language-model sweeps shipped in ``trustlab/lm/sweeps/`` (after a version bump).

Usage: ``python -m trustlab.lm.make_sweeps [--only memorization|bias]``. Each sweep is computed
live (``use_cache=False``) and written with its cache key (name, parameters and trustlab version;
:mod:`trustlab.cache`), so notebook 34 and its explorers read it without training. Run times
on one core of a shared 2-core machine (``nice -n 10``): see ``trustlab/lm/sweeps/README.md``.
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

    def capture(name, params, compute, **kwargs):
        captured.update(name=name, params=params, value=compute())
        return captured["value"]

    import trustlab.cache

    real = trustlab.cache.cached
    trustlab.cache.cached = capture
    try:
        run()
    finally:
        trustlab.cache.cached = real
    return captured


def _memorization():
    from trustlab.lm import memorization_sweep as sweep

    return _capture(sweep, lambda: sweep.memorization_sweep(progress=True))


def _bias():
    from trustlab.lm import bias_sweep as sweep

    return _capture(sweep, lambda: sweep.bias_sweep(progress=True))


SWEEPS = {"memorization": _memorization, "bias": _bias}


def main(argv=None) -> int:
    from trustlab.lm.memorization_sweep import SWEEP_DIR

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SWEEPS), action="append")
    args = parser.parse_args(argv)
    for name in args.only or SWEEPS:
        start = time.perf_counter()
        got = SWEEPS[name]()
        path = write_shipped(SWEEP_DIR, got["name"], got["params"], got["value"])
        print(f"{name}: -> {path} in {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
