"""Compute the privacy sweeps shipped in the package (run after changing a grid or the version).

They go to ``trustlab/privacy/sweeps/`` (DP-SGD) and ``trustlab/privacy/text/sweeps/`` (text).

Usage: ``python scripts/make_sweeps.py [--processes 2] [--only NAME]`` (names: the keys of SWEEPS).
Each file holds its cache key (grid + fixed settings + trustlab version, see ``trustlab.cache``),
so notebooks read it without computing as long as the key still matches; a stale file is
ignored and the sweep recomputed into the user cache instead.
"""

from __future__ import annotations

import argparse
import sys
import time

from trustlab.cache import write_shipped
from trustlab.privacy import dpsgd_sweep as sw
from trustlab.privacy.text import utility as tu

# name -> (module whose SWEEP_DIR ships it, parameters, computation)
SWEEPS = {
    "dpsgd_grid": (sw, sw.grid_params, sw.compute_dpsgd_grid),
    "dpsgd_privacy_utility": (sw, sw.utility_params, sw.compute_privacy_utility),
    "text_intent_utility": (tu, tu.utility_params, lambda processes, progress: tu.compute_utility()),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--only", choices=sorted(SWEEPS), action="append")
    args = parser.parse_args(argv)
    for name in args.only or SWEEPS:
        module, params_fn, compute = SWEEPS[name]
        start = time.perf_counter()
        rows = compute(processes=args.processes, progress=True)
        params = params_fn()
        path = write_shipped(module.SWEEP_DIR, name, params, rows)
        print(f"{name}: {len(rows)} records -> {path} in {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
