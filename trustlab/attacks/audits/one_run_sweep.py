"""The shipped sweep of one-run audits (notebook 12, the risk-audit explorer): runs per setting and seed.

Three parts, every run trained by :func:`trustlab.attacks.audits.canary_audit.train_canary_runs`
(the seeds of a setting as one batched computation):

``grid``
    the explorer's settings (σ, q, epochs) of :data:`GRID`, :data:`GRID_SEEDS` runs each;
``counts``
    ε_lb against the number of canaries m (:data:`CANARY_COUNTS`; σ = 0 and 1, q = 0.05, 20
    epochs), :data:`COUNT_SEEDS` runs each, enough for intervals that can separate;
``compare``
    the shadow sweep's recipe on one model per seed (its 500-image pool as clean or noise
    canaries), beside the shadow-model audit (33 models per seed and σ).

Scores are kept to 3 decimals (:mod:`trustlab.attacks.packing`).
"""

from __future__ import annotations

import math
from pathlib import Path

from trustlab.attacks.audits.canary_audit import RECIPE, CanaryRun, train_canary_runs
from trustlab.attacks.packing import pack_bits, pack_values, unpack_bits, unpack_values

__all__ = ["CANARY_COUNTS", "COUNT_SEEDS", "COUNT_SIGMAS", "GRID", "GRID_SEEDS", "SWEEP_DIR", "SWEEP_NAME",
           "compute_sweep", "grid_keys", "load_one_run_sweep", "sweep_params"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
SWEEP_NAME = "one_run_audit"
#: The explorer's grid: runs per (σ, q, epochs); σ = 0 trains with clipping but no noise.
GRID = {"noise_multiplier": (0.0, 0.5, 1.0, 2.0, 4.0), "sample_rate": (0.02, 0.05, 0.1),
        "epochs": (5, 20, 50)}
GRID_SEEDS = 5
#: ε_lb against the number of canaries (σ = 0 and 1, q = 0.05, 20 epochs).
CANARY_COUNTS = (50, 100, 200, 400, 800)
COUNT_SIGMAS = (0.0, 1.0)
COUNT_SEEDS = 20


def grid_keys() -> list:
    """Every (σ, q, epochs) of :data:`GRID`, in the sweep's order."""
    return [(s, q, e) for s in GRID["noise_multiplier"] for q in GRID["sample_rate"] for e in GRID["epochs"]]


def _encode(run: CanaryRun) -> dict:
    return {"scores": pack_values(run.scores, 3), "included": pack_bits(run.included), "m": len(run.scores),
            "noise_multiplier": run.noise_multiplier, "sample_rate": run.sample_rate, "steps": run.steps,
            "epochs": run.epochs, "epsilon": None if math.isinf(run.epsilon) else run.epsilon,
            "delta": run.delta, "test_accuracy": round(run.test_accuracy, 4), "n_train": run.n_train,
            "seconds": round(run.seconds, 2)}


def _decode(d: dict) -> CanaryRun:
    m = d["m"]
    return CanaryRun(unpack_values(d["scores"], m, 3, name="scores"), unpack_bits(d["included"], m, name="included"),
                     d["noise_multiplier"], d["sample_rate"], d["steps"], d["epochs"],
                     math.inf if d["epsilon"] is None else d["epsilon"], d["delta"],
                     d["test_accuracy"], d["n_train"], d["seconds"])


def sweep_params(seed=0) -> dict:
    """What the shipped sweep depends on (its cache key hashes this and the trustlab version)."""
    from trustlab._random import check_seed
    from trustlab.attacks.shadows import RECIPE as SHADOW_RECIPE, SWEEP_SIGMAS

    if not isinstance(check_seed(seed), int):
        raise TypeError("seed must be an int here (it is part of the cache key), got a Generator")
    return {"grid": {k: list(v) for k, v in GRID.items()}, "grid_seeds": GRID_SEEDS, "recipe": RECIPE,
            "canary_counts": list(CANARY_COUNTS), "count_sigmas": list(COUNT_SIGMAS), "count_seeds": COUNT_SEEDS,
            "compare_sigmas": [s for s in SWEEP_SIGMAS if s > 0], "shadow_recipe": SHADOW_RECIPE,
            "seed": int(seed)}


def _jobs(p):
    seed = p["seed"]
    grid = [("grid", dict(noise_multiplier=s, sample_rate=q, epochs=e), range(seed, seed + p["grid_seeds"]))
            for s, q, e in grid_keys()]
    counts = [("counts", dict(noise_multiplier=s, m=m, sample_rate=0.05, epochs=20),
               range(seed, seed + p["count_seeds"])) for s in p["count_sigmas"] for m in p["canary_counts"]]
    # The shadow audit's recipe on one model: its 500-image pool are the canaries (q = 0.2 as
    # batches of 50 from ~250 images, 60 epochs, lr 1), so both audits see the same training;
    # once with the pool's own (clean) images, once with noise images as canaries.
    sr = p["shadow_recipe"]
    compare = [("compare", dict(noise_multiplier=s, m=sr["n_pool"], sample_rate=0.2, epochs=sr["epochs"],
                                recipe={"canary": kind, "n_pool": sr["n_pool"], "lr": sr["dp_lr"]}),
                range(seed, seed + p["grid_seeds"]))
               for kind in ("clean", "random") for s in p["compare_sigmas"]]
    return grid + counts + compare


def compute_sweep(seed=0, *, progress=False) -> dict:
    """Every run of the shipped sweep, JSON-able: ``grid``, ``counts`` and ``compare`` lists of
    per-setting lists (one run per seed)."""
    from tqdm.auto import tqdm

    out = {"grid": [], "counts": [], "compare": []}
    for part, kwargs, seeds in tqdm(_jobs(sweep_params(seed)), desc="one-run audits", disable=not progress):
        out[part].append([_encode(r) for r in train_canary_runs(**kwargs, seeds=list(seeds))])
    return out


def _check(value, p) -> None:
    """Raise unless ``value`` has a list of runs for every setting of the sweep."""
    jobs = _jobs(p)
    for part in ("grid", "counts", "compare"):
        want = [j for j in jobs if j[0] == part]
        got = value.get(part) if isinstance(value, dict) else None
        if not isinstance(got, list) or len(got) != len(want):
            raise ValueError(f"{part}: expected {len(want)} settings")
        for (_, kwargs, seeds), runs in zip(want, got):
            if not isinstance(runs, list) or len(runs) != len(seeds):
                raise ValueError(f"{part} {kwargs}: expected {len(seeds)} runs")
            for d in runs:
                run = _decode(d)
                if run.noise_multiplier != kwargs["noise_multiplier"] or not 0 <= run.test_accuracy <= 1:
                    raise ValueError(f"{part} {kwargs}: noise_multiplier={run.noise_multiplier!r}, "
                                     f"test_accuracy={run.test_accuracy!r}")


def load_one_run_sweep(seed=0, *, use_cache=True) -> dict:
    """``{"grid": {(σ, q, epochs): [CanaryRun per seed]}, "counts": [[CanaryRun]], "compare": [[CanaryRun]]}``.

    Read from the shipped sweep or the user cache, else trained (~2 min on 2 cores) and cached.
    """
    from trustlab.cache import cached

    params = sweep_params(seed)
    value = cached(SWEEP_NAME, params, lambda: compute_sweep(seed, progress=True), shipped_dir=SWEEP_DIR,
                   use_cache=use_cache, check=lambda v: _check(v, params))
    decoded = {part: [[_decode(d) for d in runs] for runs in value[part]] for part in ("grid", "counts", "compare")}
    return {"grid": dict(zip(grid_keys(), decoded["grid"])), "counts": decoded["counts"],
            "compare": decoded["compare"]}
