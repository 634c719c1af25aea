"""Precomputed DP-SGD runs on digits, so explorers and curves answer instantly (Abadi et al., 2016).

Two sweeps, each computed once by ``scripts/make_sweeps.py`` (a few minutes on 2 cores) and
shipped in ``trustlab/privacy/sweeps/``; :mod:`trustlab.cache` finds them by a key made of the
grid, the fixed settings and the trustlab version, and recomputes (then caches in
``~/.cache/trustlab``) whatever is not shipped:

- ``dpsgd_grid``: test accuracy, ε (RDP and PRV) and training time with and without DP for every
  (noise multiplier, clipping norm, batch size, epochs) of :data:`GRID`;
- ``dpsgd_privacy_utility``: test accuracy at target ε values for a naive and two tuned recipes
  (:data:`RECIPES`), averaged over seeds.
"""

from __future__ import annotations

import itertools
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from trustlab._validate import check_int, check_keys, check_number
from trustlab.cache import cached
from trustlab.privacy.accounting import epsilon
from trustlab.privacy.dpsgd import DEFAULTS, train_dp

__all__ = ["GRID", "RECIPES", "SWEEP_DIR", "DPSGDPoint", "compute_dpsgd_grid",
           "compute_privacy_utility", "grid_params", "load_dpsgd_grid", "load_privacy_utility",
           "recipe_settings", "utility_params"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
N_TRAIN = 1347  # digits training split (test_size=0.25)

#: The explorer's controls take exactly these values, so every position is precomputed.
GRID = {"noise_multiplier": [0.5, 0.8, 1.2, 2.0, 3.0, 5.0], "max_grad_norm": [0.5, 1.0, 2.0],
        "batch_size": [64, 128, 256, 512], "epochs": [5, 10, 20, 40]}
FIXED = {"dataset": "digits", "lr": DEFAULTS["lr"], "hidden": list(DEFAULTS["hidden"]),
         "delta": 1e-5, "grad_sample_mode": DEFAULTS["grad_sample_mode"], "seed": 0}

#: "naive": the non-private recipe with DP switched on. The tuned recipes follow DP practice:
#: larger expected batches (less noise per example), a larger lr for clipped gradients, more
#: epochs only where the budget allows less noise per step (``epochs`` as ``[[ε, epochs], ...]``),
#: and a smaller model (noise grows with the number of parameters; Tramèr & Boneh 2021).
RECIPES = {
    "naive MLP": {"batch_size": 64, "lr": 0.1, "momentum": 0.9, "epochs": 20, "hidden": [128]},
    "tuned MLP": {"batch_size": 256, "lr": 1.0, "momentum": 0.0, "hidden": [128],
                  "epochs": [[0.5, 5], [1.0, 10], [2.0, 20], [3.0, 20], [5.0, 40], [8.0, 40]]},
    "tuned logistic regression": {"batch_size": 256, "lr": 2.0, "momentum": 0.0, "epochs": 40,
                                  "hidden": []},
}
EPSILONS = [0.5, 1.0, 2.0, 3.0, 5.0, 8.0]


@dataclass(frozen=True)
class DPSGDPoint:
    """One precomputed setting: accuracy, ε by two accountants and time with and without DP."""

    noise_multiplier: float
    max_grad_norm: float
    batch_size: int
    epochs: int
    test_accuracy: float
    plain_test_accuracy: float
    epsilon_rdp: float
    epsilon_prv: float
    delta: float
    seconds: float
    plain_seconds: float
    cpu_seconds: float
    plain_cpu_seconds: float

    @property
    def slowdown(self) -> float:
        """DP training CPU time over the non-private one (1 means DP costs no time)."""
        return self.cpu_seconds / self.plain_cpu_seconds

    def summary(self) -> str:
        """One rounded line (times are left out: they depend on the machine that made the sweep)."""
        return (f"sigma={self.noise_multiplier:g}  C={self.max_grad_norm:g}  batch={self.batch_size}"
                f"  epochs={self.epochs}  epsilon={self.epsilon_rdp:.2f} (RDP) / "
                f"{self.epsilon_prv:.2f} (PRV), delta={self.delta:g}  test acc={self.test_accuracy:.3f}"
                f"  (non-private {self.plain_test_accuracy:.3f})")


def _grid_run(args):
    sigma, clip, batch, epochs, fixed = args
    r = train_dp(noise_multiplier=sigma, max_grad_norm=clip, batch_size=batch, epochs=max(epochs),
                 lr=fixed["lr"], hidden=tuple(fixed["hidden"]), delta=fixed["delta"],
                 grad_sample_mode=fixed["grad_sample_mode"], checkpoints=epochs, seed=fixed["seed"])
    return [{"noise_multiplier": sigma, "max_grad_norm": clip, "batch_size": batch, "epochs": e,
             "test_accuracy": a, "seconds": s, "cpu_seconds": c, "plain_test_accuracy": pa,
             "plain_seconds": ps, "plain_cpu_seconds": pc}
            for (e, a, s, c), (_, pa, ps, pc) in zip(r.history, r.plain_history)]


def _epsilon_run(args):
    sigma, batch, epochs, delta = args
    q = 1.0 / math.ceil(N_TRAIN / batch)
    steps = epochs * math.ceil(N_TRAIN / batch)
    return {acc: epsilon(sigma, q, steps, delta, acc) for acc in ("rdp", "prv")}


def _map(fn, jobs, processes, desc, progress):
    from tqdm.auto import tqdm

    with ProcessPoolExecutor(processes) if processes > 1 else _Serial() as pool:
        return list(tqdm(pool.map(fn, jobs), total=len(jobs), desc=desc, disable=not progress))


class _Serial:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def map(self, fn, jobs):
        return map(fn, jobs)


def _check_grid(grid) -> dict:
    """``grid`` (default :data:`GRID`): every key of GRID, each a non-empty list of distinct values."""
    if grid is None:
        return GRID
    grid = check_keys("grid", grid, GRID)
    if set(grid) != set(GRID):
        raise ValueError(f"grid must give values for {sorted(GRID)}, got {sorted(grid)}")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)) or not values:
            raise ValueError(f"grid[{name!r}] must be a non-empty list, got {values!r:.60}")
        for v in values:
            if name in ("batch_size", "epochs"):
                check_int(f"grid[{name!r}] values", v, 1, 100_000 if name == "batch_size" else 1000)
            else:
                check_number(f"grid[{name!r}] values", v, 0, None, low_open=True)
        if len(set(values)) != len(values):
            raise ValueError(f"grid[{name!r}] values must be distinct, got {list(values)}")
    return {k: list(v) for k, v in grid.items()}


def _check_grid_rows(rows, grid) -> None:
    """Raise unless ``rows`` holds every point of ``grid`` once, with values in range."""
    want = set(itertools.product(*(grid[k] for k in ("noise_multiplier", "max_grad_norm", "batch_size",
                                                      "epochs"))))
    got = [(r["noise_multiplier"], r["max_grad_norm"], r["batch_size"], r["epochs"]) for r in rows]
    if set(got) != want or len(got) != len(want):
        raise ValueError(f"expected the {len(want)} points of the grid, got {len(got)} rows")
    for r in rows:
        for name in ("test_accuracy", "plain_test_accuracy"):
            check_number(name, r[name], 0, 1)
        for name in ("epsilon_rdp", "epsilon_prv", "seconds", "plain_seconds", "cpu_seconds",
                     "plain_cpu_seconds"):
            check_number(name, r[name], 0, low_open=True)
        check_number("delta", r["delta"], 0, 1, low_open=True, high_open=True)


def grid_params(grid=None) -> dict:
    """What the ``dpsgd_grid`` sweep depends on (its cache key hashes this and the version)."""
    return {"grid": _check_grid(grid), "fixed": FIXED}


def utility_params(epsilons=None, seeds=(0, 1, 2)) -> dict:
    """What the ``dpsgd_privacy_utility`` sweep depends on."""
    epsilons = EPSILONS if epsilons is None else epsilons
    for name, values in (("epsilons", epsilons), ("seeds", seeds)):
        if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)) or not values:
            raise ValueError(f"{name} must be a non-empty list, got {values!r:.60}")
    eps = [check_number("epsilons", e, 0, 100, low_open=True) for e in epsilons]
    unknown = [e for e in eps if e not in EPSILONS]
    if unknown:  # the tuned recipe's epochs are set per ε (RECIPES)
        raise ValueError(f"epsilons must be among {EPSILONS} (the recipes' epochs are set per ε), got {unknown}")
    return {"epsilons": eps, "seeds": [check_int("seeds", s, 0) for s in seeds], "recipes": RECIPES,
            "delta": 1e-5}


def _check_utility_rows(rows, params) -> None:
    want = len(RECIPES) * len(params["epsilons"]) * len(params["seeds"])
    if not isinstance(rows, list) or len(rows) != want:
        raise ValueError(f"expected {want} records")
    for r in rows:
        if r["recipe"] not in RECIPES or r["target_epsilon"] not in params["epsilons"]:
            raise ValueError(f"unknown recipe or target epsilon in {r!r:.80}")
        check_number("test_accuracy", r["test_accuracy"], 0, 1)
        check_number("epsilon", r["epsilon"], 0, r["target_epsilon"] * 1.001, low_open=True)
        check_number("noise_multiplier", r["noise_multiplier"], 0, low_open=True)


def compute_dpsgd_grid(grid=None, *, processes=1, progress=True) -> list:
    """Train every (σ, C, batch size) of ``grid`` once, recording each epochs value on the way.

    Returns JSON-able records (one per grid point); ε comes from Opacus' RDP and PRV accountants.
    """
    grid = _check_grid(grid)
    check_int("processes", processes, 1, 64)
    jobs = [(s, c, b, list(grid["epochs"]), FIXED) for s, c, b in itertools.product(
        grid["noise_multiplier"], grid["max_grad_norm"], grid["batch_size"])]
    rows = [row for rows in _map(_grid_run, jobs, processes, "DP-SGD grid", progress) for row in rows]
    keys = sorted({(r["noise_multiplier"], r["batch_size"], r["epochs"]) for r in rows})
    eps = dict(zip(keys, _map(_epsilon_run, [(*k, FIXED["delta"]) for k in keys], processes,
                              "accounting", progress)))
    for r in rows:
        e = eps[(r["noise_multiplier"], r["batch_size"], r["epochs"])]
        r.update(epsilon_rdp=e["rdp"], epsilon_prv=e["prv"], delta=FIXED["delta"])
    return rows


def load_dpsgd_grid(grid=None, *, processes=1, progress=True) -> dict:
    """``{(σ, C, batch, epochs): DPSGDPoint}`` from the shipped sweep, the cache, or computed.

    The default grid is shipped; a missing or damaged shipped file raises naming it (rebuild
    with ``make sweeps``). Another ``grid`` is trained once (minutes) and kept in the user cache.
    """
    grid = _check_grid(grid)
    check_int("processes", processes, 1, 64)
    rows = cached("dpsgd_grid", grid_params(grid),
                  lambda: compute_dpsgd_grid(grid, processes=processes, progress=progress),
                  shipped_dir=SWEEP_DIR, check=lambda rows: _check_grid_rows(rows, grid))
    points = [DPSGDPoint(**{k: r[k] for k in DPSGDPoint.__dataclass_fields__}) for r in rows]
    return {(p.noise_multiplier, p.max_grad_norm, p.batch_size, p.epochs): p for p in points}


def _utility_run(args):
    recipe, eps, seed = args
    settings = recipe_settings(recipe, eps)
    r = train_dp(target_epsilon=eps, seed=seed, compare_plain=False, **settings)
    return {"recipe": recipe, "target_epsilon": eps, "seed": seed, "epsilon": r.epsilon,
            "noise_multiplier": r.noise_multiplier, "epochs": r.epochs,
            "test_accuracy": r.test_accuracy}


def recipe_settings(recipe, target_epsilon) -> dict:
    """``train_dp`` keyword arguments of a :data:`RECIPES` entry at a target ε.

    >>> recipe_settings("tuned MLP", 1.0)["epochs"]
    10
    """
    settings = dict(RECIPES[recipe])
    settings["hidden"] = tuple(settings["hidden"])
    if not isinstance(settings["epochs"], int):
        settings["epochs"] = dict((e, n) for e, n in settings["epochs"])[target_epsilon]
    return settings


def compute_privacy_utility(epsilons=None, seeds=(0, 1, 2), *, processes=1, progress=True) -> list:
    """Test accuracy of every recipe in :data:`RECIPES` at each target ε (δ = 1e-5), per seed."""
    jobs = list(itertools.product(RECIPES, epsilons or EPSILONS, seeds))
    return _map(_utility_run, jobs, processes, "privacy-utility", progress)


def load_privacy_utility(epsilons=None, seeds=(0, 1, 2), *, processes=1, progress=True) -> list:
    """The privacy–utility records, from the shipped sweep, the cache, or computed."""
    params = utility_params(epsilons, seeds)
    check_int("processes", processes, 1, 64)
    return cached("dpsgd_privacy_utility", params,
                  lambda: compute_privacy_utility(params["epsilons"], params["seeds"], processes=processes,
                                                  progress=progress),
                  shipped_dir=SWEEP_DIR, check=lambda rows: _check_utility_rows(rows, params))
