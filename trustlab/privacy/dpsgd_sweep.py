"""Precomputed DP-SGD runs on digits, with seeds, so explorers and curves answer instantly (Abadi et al., 2016).

Two sweeps, computed once by ``scripts/make_sweeps.py`` with the batched DP-SGD path
(:func:`trustlab.privacy.dpsgd_run.train_dp_many`: seed s trains the model Opacus'
``train_dp(seed=s)`` trains) and shipped in ``trustlab/privacy/sweeps/``, found by
:mod:`trustlab.cache` by a key of the grid, the fixed settings and the version (a missing or
damaged shipped file raises naming it; another grid is trained once into the user cache):

- ``dpsgd_grid``: test accuracy of :data:`SEEDS` (per seed, DP and the non-private twin), ε
  (RDP, PRV) and time for every point of :data:`GRID`; :func:`compute_dpsgd_point` is one point;
- ``dpsgd_privacy_utility``: test accuracy at target ε values for a naive and two tuned recipes
  (:data:`RECIPES`), one record per seed (:data:`UTILITY_SEEDS`).

Every run uses the digits split of seed 0: the spread over seeds is the training's alone.
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
from trustlab.privacy.dpsgd import DEFAULTS
from trustlab.privacy.dpsgd_run import train_dp_many, train_plain_many
from trustlab.stats import format_ci, mean_ci

__all__ = ["GRID", "RECIPES", "SEEDS", "SWEEP_DIR", "UTILITY_SEEDS", "DPSGDPoint", "compute_dpsgd_grid",
           "compute_dpsgd_point", "compute_privacy_utility", "grid_params", "load_dpsgd_grid",
           "load_privacy_utility", "recipe_settings", "utility_params"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
N_TRAIN = 1347  # digits training split (test_size=0.25)

#: The explorer's controls take exactly these values, so every position is precomputed.
GRID = {"noise_multiplier": [0.5, 0.8, 1.2, 2.0, 3.0, 5.0], "max_grad_norm": [0.5, 1.0, 2.0],
        "batch_size": [64, 128, 256, 512], "epochs": [5, 10, 20, 40]}
#: Seeds of every grid point (and of the explorer's "compute this setting now").
SEEDS = (0, 1, 2, 3, 4)
#: The non-private twin trains with lr 0.5: without clipping, lr 1.0 at batch 64 diverges on
#: some seeds and its accuracy then depends on the CPU's rounding (measured: 0.43 to 0.94).
FIXED = {"dataset": "digits", "lr": DEFAULTS["lr"], "plain_lr": 0.5, "hidden": list(DEFAULTS["hidden"]),
         "delta": 1e-5, "seeds": list(SEEDS), "path": "train_dp_many (batched, streams=train_dp)"}

#: "naive": the non-private recipe with DP switched on. The tuned recipes follow DP practice:
#: larger expected batches (less noise per example), a larger lr for clipped gradients, more
#: epochs only where the budget allows less noise per step (``epochs`` as ``[[ε, epochs], ...]``),
#: and a smaller model (the noise's total norm grows with the number of parameters; Tramèr &
#: Boneh 2021 — though De et al. 2022 train large models well with DP-SGD).
RECIPES = {
    "naive MLP": {"batch_size": 64, "lr": 0.1, "momentum": 0.9, "epochs": 20, "hidden": [128]},
    "tuned MLP": {"batch_size": 256, "lr": 1.0, "momentum": 0.0, "hidden": [128],
                  "epochs": [[0.5, 5], [1.0, 10], [2.0, 20], [3.0, 20], [5.0, 40], [8.0, 40]]},
    "tuned logistic regression": {"batch_size": 256, "lr": 2.0, "momentum": 0.0, "epochs": 40,
                                  "hidden": []},
}
EPSILONS = [0.5, 1.0, 2.0, 3.0, 5.0, 8.0]
#: Seeds of the privacy–utility curve (ten: the curve compares recipes, so its intervals matter).
UTILITY_SEEDS = tuple(range(10))


@dataclass(frozen=True)
class DPSGDPoint:
    """One precomputed setting: per-seed accuracy, ε by two accountants, time with and without DP."""

    noise_multiplier: float
    max_grad_norm: float
    batch_size: int
    epochs: int
    test_accuracies: tuple
    plain_test_accuracies: tuple
    epsilon_rdp: float
    epsilon_prv: float
    delta: float
    seconds: float
    plain_seconds: float
    cpu_seconds: float
    plain_cpu_seconds: float

    @property
    def test_accuracy(self) -> float:
        """Mean test accuracy over the seeds."""
        return mean_ci(self.test_accuracies).mean

    @property
    def plain_test_accuracy(self) -> float:
        """Mean test accuracy of the non-private twins."""
        return mean_ci(self.plain_test_accuracies).mean

    @property
    def interval(self):
        """The 95 % interval of the mean test accuracy (:class:`trustlab.stats.Interval`)."""
        return mean_ci(self.test_accuracies)

    slowdown = property(lambda self: self.cpu_seconds / self.plain_cpu_seconds,
                        doc="DP training CPU time over the non-private one (1 means DP costs no time).")

    def summary(self) -> str:
        """One rounded line (times are left out: they depend on the machine that made the sweep)."""
        return (f"sigma={self.noise_multiplier:g}  C={self.max_grad_norm:g}  batch={self.batch_size}"
                f"  epochs={self.epochs}  epsilon={self.epsilon_rdp:.2f} (RDP) / "
                f"{self.epsilon_prv:.2f} (PRV), delta={self.delta:g}  test acc="
                f"{format_ci(self.test_accuracies)}  (non-private "
                f"{format_ci(self.plain_test_accuracies, seeds=False)})")


def compute_dpsgd_point(noise_multiplier, max_grad_norm, batch_size, epochs, *, seeds=SEEDS, data=None,
                        on_epoch=None, with_prv=True, plain=None) -> dict:
    """Train one grid setting for every seed at once (batched) and its non-private twins.

    Returns the JSON-able record the sweep stores (per-seed accuracies, ε by RDP and, with
    ``with_prv``, PRV, and CPU/wall times of all seeds together). ``data`` defaults to digits
    (split seed 0); ``plain``, the twins' ``train_plain_many`` answer, is reused if given.
    """
    kw = dict(seeds=seeds, batch_size=batch_size, epochs=epochs, hidden=tuple(FIXED["hidden"]))
    r = train_dp_many(data, noise_multiplier=noise_multiplier, max_grad_norm=max_grad_norm, lr=FIXED["lr"],
                      delta=FIXED["delta"], on_epoch=on_epoch, compare_plain=False, **kw)
    plain_acc, plain_s, plain_cpu = plain or train_plain_many(data, lr=FIXED["plain_lr"], **kw)
    prv = epsilon(r.noise_multiplier, r.sample_rate, r.steps, r.delta, "prv") if with_prv else math.nan
    return {"noise_multiplier": noise_multiplier, "max_grad_norm": max_grad_norm, "batch_size": batch_size,
            "epochs": epochs, "test_accuracies": list(r.test_accuracies),
            "plain_test_accuracies": list(plain_acc), "epsilon_rdp": r.epsilon,
            "epsilon_prv": prv, "delta": r.delta, "seconds": r.seconds, "cpu_seconds": r.cpu_seconds,
            "plain_seconds": plain_s, "plain_cpu_seconds": plain_cpu}


def _plain_run(args):
    batch_size, epochs = args
    return train_plain_many(lr=FIXED["plain_lr"], seeds=SEEDS, batch_size=batch_size, epochs=epochs,
                            hidden=tuple(FIXED["hidden"]))


def _grid_run(args):
    *setting, plain = args
    return compute_dpsgd_point(*setting, plain=plain, with_prv=False)  # PRV once per (σ, B, epochs)


def _prv_run(args):
    sigma, batch, epochs = args
    per_epoch = math.ceil(N_TRAIN / batch)
    return epsilon(sigma, 1.0 / per_epoch, epochs * per_epoch, FIXED["delta"], "prv")


def _map(fn, jobs, processes, desc, progress):
    from tqdm.auto import tqdm

    if processes == 1:
        return list(tqdm(map(fn, jobs), total=len(jobs), desc=desc, disable=not progress))
    with ProcessPoolExecutor(processes) as pool:
        return list(tqdm(pool.map(fn, jobs), total=len(jobs), desc=desc, disable=not progress))


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
            (check_int(f"grid[{name!r}] values", v, 1, 100_000) if name in ("batch_size", "epochs")
             else check_number(f"grid[{name!r}] values", v, 0, None, low_open=True))
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
        for name in ("test_accuracies", "plain_test_accuracies"):
            if not isinstance(r[name], list) or len(r[name]) != len(SEEDS):
                raise ValueError(f"{name} must list one accuracy per seed ({len(SEEDS)}), got {r[name]!r:.60}")
            for a in r[name]:
                check_number(name, a, 0, 1)
        for name in ("epsilon_rdp", "epsilon_prv", "seconds", "plain_seconds", "cpu_seconds",
                     "plain_cpu_seconds"):
            check_number(name, r[name], 0, low_open=True)
        check_number("delta", r["delta"], 0, 1, low_open=True, high_open=True)


def grid_params(grid=None) -> dict:
    """What the ``dpsgd_grid`` sweep depends on (its cache key hashes this and the version)."""
    return {"grid": _check_grid(grid), "fixed": FIXED}


def utility_params(epsilons=None, seeds=UTILITY_SEEDS) -> dict:
    """What the ``dpsgd_privacy_utility`` sweep depends on."""
    epsilons = EPSILONS if epsilons is None else epsilons
    for name, values in (("epsilons", epsilons), ("seeds", seeds)):
        if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)) or not values:
            raise ValueError(f"{name} must be a non-empty list, got {values!r:.60}")
    eps = [check_number("epsilons", e, 0, 100, low_open=True) for e in epsilons]
    unknown = [e for e in eps if e not in EPSILONS]
    if unknown:  # the tuned recipe's epochs are set per ε (RECIPES)
        raise ValueError(f"epsilons must be among {EPSILONS} (the recipes' epochs are set per ε), got {unknown}")
    seeds = [check_int("seeds", s, 0) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds}")
    return {"epsilons": eps, "seeds": seeds, "recipes": RECIPES, "delta": 1e-5,
            "path": "train_dp_many (batched, streams=train_dp), digits split seed 0"}


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
    """Train every point of ``grid`` with :data:`SEEDS` (:func:`compute_dpsgd_point`).

    Returns JSON-able records (one per grid point); ε comes from Opacus' RDP and PRV accountants.
    """
    grid = _check_grid(grid)
    check_int("processes", processes, 1, 64)
    twins = list(itertools.product(grid["batch_size"], grid["epochs"]))  # the twins ignore σ and C
    plain = dict(zip(twins, _map(_plain_run, twins, processes, "non-private twins", progress)))
    jobs = [(s, c, b, e, plain[b, e]) for s, c, b, e in itertools.product(
        grid["noise_multiplier"], grid["max_grad_norm"], grid["batch_size"], grid["epochs"])]
    jobs.sort(key=lambda j: -j[3] * math.ceil(N_TRAIN / j[2]))  # longest first: processes end together
    rows = _map(_grid_run, jobs, processes, "DP-SGD grid", progress)
    keys = sorted({(r["noise_multiplier"], r["batch_size"], r["epochs"]) for r in rows})
    prv = dict(zip(keys, _map(_prv_run, keys, processes, "PRV accounting", progress)))
    for r in rows:
        r["epsilon_prv"] = prv[r["noise_multiplier"], r["batch_size"], r["epochs"]]
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
    points = [DPSGDPoint(**{k: tuple(r[k]) if isinstance(r[k], list) else r[k]
                            for k in DPSGDPoint.__dataclass_fields__}) for r in rows]
    return {(p.noise_multiplier, p.max_grad_norm, p.batch_size, p.epochs): p for p in points}


def _utility_run(args):
    recipe, eps, seeds = args
    r = train_dp_many(target_epsilon=eps, seeds=seeds, compare_plain=False, **recipe_settings(recipe, eps))
    return [{"recipe": recipe, "target_epsilon": eps, "seed": s, "epsilon": r.epsilon,
             "noise_multiplier": r.noise_multiplier, "epochs": r.epochs, "test_accuracy": a}
            for s, a in zip(r.seeds, r.test_accuracies)]


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


def compute_privacy_utility(epsilons=None, seeds=UTILITY_SEEDS, *, processes=1, progress=True) -> list:
    """Test accuracy of every recipe in :data:`RECIPES` at each target ε (δ = 1e-5), one record per seed."""
    jobs = [(recipe, eps, tuple(seeds)) for recipe, eps in itertools.product(RECIPES, epsilons or EPSILONS)]
    return [row for rows in _map(_utility_run, jobs, processes, "privacy-utility", progress) for row in rows]


def load_privacy_utility(epsilons=None, seeds=UTILITY_SEEDS, *, processes=1, progress=True) -> list:
    """The privacy–utility records (one per recipe, ε and seed), from the shipped sweep, the cache, or computed."""
    params = utility_params(epsilons, seeds)
    check_int("processes", processes, 1, 64)
    return cached("dpsgd_privacy_utility", params,
                  lambda: compute_privacy_utility(params["epsilons"], params["seeds"], processes=processes,
                                                  progress=progress),
                  shipped_dir=SWEEP_DIR, check=lambda rows: _check_utility_rows(rows, params))
