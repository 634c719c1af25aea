"""The capstone's sweep: every setting of the grid, five seeded Flower runs each, shipped as JSON.

``make sweeps`` runs :func:`run_grid` (the runs spread over worker processes: each run is
independent and seeded, so the numbers do not depend on how many workers there are) and writes
``trustlab/capstone/sweeps/tradeoffs.json``; :func:`tradeoff_sweep` reads it. Reading never
trains: a missing or damaged file raises naming it and ``make sweeps``, and another seed than
the shipped one needs ``compute=True``, an explicit call that takes minutes.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
from pathlib import Path

from trustlab._random import check_seed
from trustlab._validate import check_bool, check_int
from trustlab.cache import cached
from trustlab.capstone import tradeoffs
from trustlab.capstone.point import FIXED, GRID, KNOBS, N_SEEDS, TradeoffPoint, check_setting, seeds_of
from trustlab.capstone.tradeoffs import point_from_runs

__all__ = ["SHIPPED", "check_rows", "grid_settings", "run_grid", "sweep_params", "tradeoff_sweep"]

SHIPPED = Path(__file__).with_name("sweeps")
_PER_SEED = ("accuracy", "tpr_female", "tpr_male", "attack_auc")


def grid_settings() -> list:
    """Every setting of :data:`GRID`, in a fixed order (σ slowest, resampling fastest)."""
    return list(itertools.product(*(GRID[k] for k in KNOBS)))


def sweep_params(seed=0, n_seeds=N_SEEDS) -> dict:
    """The cache key's parameters of the sweep (grid, fixed settings, seeds)."""
    return {"grid": {k: list(v) for k, v in GRID.items()}, "fixed": FIXED,
            "seeds": list(seeds_of(seed, n_seeds))}


def _job(args):
    setting, seed = args
    from trustlab.runtime import torch_threads

    with torch_threads(1):
        return tradeoffs.measure_run(setting, seed)


def _pool_initializer():
    import warnings

    warnings.filterwarnings("ignore")


def run_grid(seed=0, n_seeds=N_SEEDS, *, workers=None, progress=True) -> list:
    """Every setting of :data:`GRID` trained live with ``n_seeds`` seeds: the JSON rows ``make sweeps`` ships.

    ``workers`` processes share the runs (default: the CPUs this process may use, at most 2;
    1 runs everything here). Each run is seeded, so the rows are the same for any ``workers``.
    """
    seeds = seeds_of(seed, n_seeds)
    workers = check_int("workers", workers if workers is not None else min(2, len(os.sched_getaffinity(0))),
                        1, 16)
    check_bool("progress", progress)
    settings = grid_settings()
    # The expensive runs (many clients: many Flower messages) first, so the workers end together.
    jobs = sorted(((s, seed_) for s in settings for seed_ in seeds), key=lambda j: -j[0][1])
    from tqdm.auto import tqdm

    bar = tqdm(total=len(jobs), desc="capstone sweep", unit="run", disable=not progress)
    results = {}
    if workers == 1:
        for job in jobs:
            results[job] = _job(job)
            bar.update()
    else:
        import concurrent.futures
        import multiprocessing

        # One BLAS thread per worker: the workers are the parallelism (set before they import numpy).
        saved = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        os.environ.update({k: "1" for k in saved})
        try:
            with concurrent.futures.ProcessPoolExecutor(
                    workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_pool_initializer) as pool:
                futures = {pool.submit(_job, job): job for job in jobs}
                for done in concurrent.futures.as_completed(futures):
                    results[futures[done]] = done.result()
                    bar.update()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    bar.close()
    rows = []
    for s in settings:
        point = point_from_runs(s, seeds, [results[(s, seed_)] for seed_ in seeds])
        rows.append(_to_json(point))
    return rows


def _to_json(p: TradeoffPoint) -> dict:
    row = {k: getattr(p, k) for k in KNOBS}
    row.update({n: list(getattr(p, f"{n}_seeds")) for n in _PER_SEED})
    # JSON has no infinity: no DP is stored as epsilon null.
    row.update(seeds=list(p.seeds), epsilon=None if math.isinf(p.epsilon) else p.epsilon,
               seconds=round(p.seconds, 2))
    return row


def check_rows(rows, seeds=None) -> None:
    """Raise unless ``rows`` is a whole sweep: every grid setting once, per-seed values in range."""
    if not isinstance(rows, list) or len(rows) != len(grid_settings()):
        raise ValueError(f"rows must be a list of {len(grid_settings())} dicts (one per grid setting), got "
                         f"{len(rows) if isinstance(rows, list) else type(rows).__name__}")
    found = set()
    for r in rows:
        if not isinstance(r, dict):
            raise ValueError(f"a row is a {type(r).__name__}, not a dict")
        setting = check_setting(*(r.get(k) for k in KNOBS))
        found.add(setting)
        n = len(r.get("seeds") or [])
        if n < 1 or (seeds is not None and list(r["seeds"]) != list(seeds)):
            raise ValueError(f"row {setting}: seeds {r.get('seeds')!r}, expected {list(seeds or [])}")
        for name in _PER_SEED:
            v = r.get(name)
            if not isinstance(v, list) or len(v) != n or not all(
                    isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= 1 for x in v):
                raise ValueError(f"row {setting}: {name} must be {n} numbers in [0, 1], got {v!r}")
        eps = r.get("epsilon")
        if (eps is None) != (setting[0] == 0) or (eps is not None and not (isinstance(eps, float) and eps > 0)):
            raise ValueError(f"row {setting}: epsilon {eps!r} (null exactly when noise_multiplier is 0)")
    if found != set(grid_settings()):
        raise ValueError(f"the rows do not cover the grid; missing {sorted(set(grid_settings()) - found)[:3]}")


def _refuse(seed, n_seeds):
    def compute():
        raise ValueError(
            f"seed={seed}, n_seeds={n_seeds}: the shipped capstone sweep holds seeds 0-{N_SEEDS - 1} "
            f"(seed=0, n_seeds={N_SEEDS}), and no sweep for these seeds is cached on this machine. "
            f"tradeoff_sweep(seed={seed}, n_seeds={n_seeds}, compute=True) trains "
            f"{len(grid_settings()) * n_seeds} Flower runs (several minutes) and caches them.")
    return compute


@functools.lru_cache(maxsize=4)
def _sweep(seed, n_seeds, compute):
    seeds = seeds_of(seed, n_seeds)
    rows = cached("tradeoffs", sweep_params(seed, n_seeds),
                  (lambda: run_grid(seed, n_seeds)) if compute else _refuse(seed, n_seeds),
                  shipped_dir=SHIPPED, check=functools.partial(check_rows, seeds=seeds))
    return tuple(TradeoffPoint(*check_setting(*(r[k] for k in KNOBS)), tuple(r["seeds"]),
                               *(tuple(r[n]) for n in _PER_SEED),
                               math.inf if r["epsilon"] is None else float(r["epsilon"]),
                               float(r.get("seconds", math.nan)))
                 for r in rows)


def tradeoff_sweep(*, seed=0, n_seeds=N_SEEDS, compute=False) -> tuple:
    """Every setting of :data:`GRID` with its per-seed numbers, read from the shipped sweep.

    ``seed=0, n_seeds=5`` is what ships (instant). Other seeds are read from this machine's
    cache if computed before; otherwise a ValueError says how: ``compute=True`` trains the
    whole grid (several minutes) and caches it. A missing or damaged shipped file raises
    naming it and ``make sweeps``. ε is client-level, from Opacus' RDP accountant.
    """
    check_bool("compute", compute)
    seeds_of(seed, n_seeds)
    return _sweep(check_seed(seed), int(n_seeds), compute)
