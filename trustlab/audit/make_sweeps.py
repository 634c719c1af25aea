"""Recompute the audit's shipped mitigation sweeps: ``python -m trustlab.audit.make_sweeps`` (~2 min, 2 cores)."""

from __future__ import annotations

import warnings

from trustlab.audit.examples import DATASETS, SHIPPED, run_sweep, sweep_params
from trustlab.cache import write_shipped


def main(seed=0) -> None:
    """Run every mitigation on Adult and German credit; write ``trustlab/audit/sweeps/*.json``."""
    for dataset in DATASETS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            value = run_sweep(dataset, seed)
        path = write_shipped(SHIPPED, f"mitigation_{dataset}", sweep_params(dataset, seed), value)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
