"""Recompute the capstone's shipped sweep: ``python -m trustlab.capstone.make_sweeps [--workers N]``.

Every setting of the grid with five seeded Flower runs (300 runs; a few minutes on 2 cores),
written to ``trustlab/capstone/sweeps/tradeoffs.json``. ``make sweeps`` runs it.
"""

from __future__ import annotations

import argparse
import time


def main(argv=None) -> int:
    """Parse the arguments, run the grid and write the shipped file."""
    parser = argparse.ArgumentParser(prog="python -m trustlab.capstone.make_sweeps",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: the usable CPUs, at most 2)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    from trustlab.cache import write_shipped
    from trustlab.capstone.sweep import SHIPPED, run_grid, sweep_params

    start = time.perf_counter()
    rows = run_grid(workers=args.workers, progress=not args.no_progress)
    path = write_shipped(SHIPPED, "tradeoffs", sweep_params(), rows)
    print(f"wrote {path} ({len(rows)} settings) in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
