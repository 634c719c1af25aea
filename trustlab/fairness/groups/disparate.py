"""DP-SGD's disparate impact: clipping and noise cost an under-represented group the most.

Bagdasaryan, Poursaeed & Shmatikov, "Differential Privacy Has Disparate Impact on Model
Accuracy", NeurIPS 2019: "accuracy of DP models drops much more for the underrepresented
classes and subgroups", and they trace it to both of DP-SGD's mechanisms, gradient clipping
and noise addition. The kit separates the two as they do: besides the non-private model and
DP-SGD at several ε, it trains a *clipping-only* model (per-example clipping to C, Poisson
sampling, σ = 0: no privacy, ε = ∞). Every setting is trained for several seeds as one batched
computation (:func:`trustlab.training.train_many`, whose DP-SGD reproduces Opacus'
``PrivacyEngine`` run for the same seed; σ for a target ε comes from Opacus' RDP accountant via
:func:`trustlab.privacy.accounting.noise_multiplier_for`), and each group's accuracy is read off
the same models. Notebook 11 teaches the Opacus path itself (``train_dp``).
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.cache import cached
from trustlab.fairness.groups.disparate_result import (SETTINGS, DisparateImpactPoint,
                                                       DisparateImpactResult, setting_label)

__all__ = ["DisparateImpactPoint", "DisparateImpactResult", "SETTINGS", "compute_disparate_impact",
           "compute_disparate_impact_now", "disparate_impact_adult", "disparate_impact_digits",
           "setting_label", "train_setting"]

SHIPPED = Path(__file__).with_name("sweeps")
#: The shipped sweeps' settings: five training seeds, three ε budgets, clipping norm 1.
N_SEEDS = 5
TARGET_EPSILONS = (8.0, 3.0, 1.0)
#: A recomputed point of a shipped sweep agrees with it within this (accuracy, per seed).
SPOT_TOLERANCE = 0.01
_RECIPES = {"digits": {"hidden": (128,), "lr": 1.0, "batch_size": 256},
            "adult": {"hidden": (), "lr": 0.5, "batch_size": 512}}


def train_setting(data, tests, *, noise_multiplier=None, max_grad_norm=None, seeds=(0,),
                  epochs=20, hidden=(128,), lr=1.0, batch_size=256):
    """Accuracy of every test set for K seeded models of one setting: ``{name: (K,) array}``.

    ``noise_multiplier=None`` trains without DP (shuffled batches, no clipping), ``0`` with
    clipping only (Poisson sampling, per-example clipping to ``max_grad_norm``, no noise), σ > 0
    with DP-SGD. ``tests`` maps a group name to its ``(X, y)``.
    """
    from trustlab.models import mlp
    from trustlab.training import train_many

    X, y = data
    dp = {} if noise_multiplier is None else {"noise_multiplier": noise_multiplier,
                                             "max_grad_norm": max_grad_norm}
    r = train_many(functools.partial(mlp, X.shape[1], int(y.max()) + 1, hidden=tuple(hidden)),
                   X, y, seeds=list(seeds), epochs=epochs, lr=lr, batch_size=batch_size, **dp)
    return {g: np.asarray(r.model.accuracy(Xt, yt), dtype=float) for g, (Xt, yt) in tests.items()}


def _sweep(train, tests, target_epsilons, delta, max_grad_norm, epochs, recipe, seeds):
    """Every setting of :data:`SETTINGS` (non-private, clipping only, each ε) for ``seeds``."""
    from trustlab.privacy.accounting import epsilon as accountant_epsilon
    from trustlab.privacy.accounting import noise_multiplier_for

    n = len(train[1])
    per_epoch = math.ceil(n / recipe["batch_size"])
    q, steps = 1.0 / per_epoch, per_epoch * epochs
    kw = dict(seeds=seeds, epochs=epochs, **recipe)
    out = {"sigma": [], "epsilon": [], "accuracy": {g: [] for g in tests}}

    def add(sigma, eps, accs):
        out["sigma"].append(sigma)
        out["epsilon"].append(eps)
        for g, a in accs.items():
            out["accuracy"][g].append([float(v) for v in a])

    add(None, None, train_setting(train, tests, **kw))
    add(0.0, None, train_setting(train, tests, noise_multiplier=0.0, max_grad_norm=max_grad_norm,
                                 **kw))
    for eps in target_epsilons:
        sigma = noise_multiplier_for(eps, q, steps, delta)
        add(sigma, accountant_epsilon(sigma, q, steps, delta),
            train_setting(train, tests, noise_multiplier=sigma, max_grad_norm=max_grad_norm, **kw))
    out["seeds"] = list(seeds)
    return out


def _check_sweep(value):
    """Raise unless a stored sweep has one accuracy in [0, 1] per setting and seed."""
    n_settings, n_seeds = len(value["sigma"]), len(value["seeds"])
    for group, acc in value["accuracy"].items():
        if len(acc) != n_settings or any(len(a) != n_seeds or not all(0 <= x <= 1 for x in a)
                                         for a in acc):
            raise ValueError(f"accuracy of {group!r} must be {n_settings} × {n_seeds} values in [0, 1]")


def _check(target_epsilons, delta, max_grad_norm, seed, n_seeds):
    eps = tuple(check_number("target_epsilons", e, 0, 1e3, low_open=True) for e in target_epsilons)
    if not eps:
        raise ValueError("target_epsilons must hold at least one ε > 0, got ()")
    check_int("seed", seed, 0)
    check_int("n_seeds", n_seeds, 1, 20)
    return (eps, check_number("delta", delta, 0, 1, low_open=True, high_open=True),
            check_number("max_grad_norm", max_grad_norm, 0, 1e3, low_open=True))


def _digits_data(minority_class, n_minority, seed):
    from trustlab.data import load_digits

    split = load_digits(seed=seed)
    is_min = split.y_train == minority_class
    keep = numpy_rng(seed).choice(np.flatnonzero(is_min), size=min(n_minority, is_min.sum()),
                                  replace=False)
    mask = ~is_min
    mask[keep] = True
    name = f"class {minority_class}"
    t = split.y_test == minority_class
    tests = {name: (split.X_test[t], split.y_test[t]),
             "other classes": (split.X_test[~t], split.y_test[~t])}
    counts = {name: int(len(keep)), "other classes": int((~is_min).sum())}
    return (split.X_train[mask], split.y_train[mask]), tests, counts


def disparate_impact_digits(minority_class=8, n_minority=15, target_epsilons=TARGET_EPSILONS,
                            delta=1e-5, epochs=20, *, max_grad_norm=1.0, seed=0, n_seeds=N_SEEDS,
                            use_cache=True) -> DisparateImpactResult:
    """Digits with one class cut to ``n_minority`` training images: accuracy on it vs the rest.

    Parameters
    ----------
    minority_class : int in 0..9
    n_minority : int
        Training images of that class that are kept (≥ 1); its test images are all kept.
    target_epsilons : sequence of float
        ε budgets; each run's σ spends that ε at ``delta`` in ``epochs`` epochs.
    epochs : int
    max_grad_norm : float
        Clipping norm C of the clipping-only and DP-SGD runs.
    seed : int
        Seeds the split and the kept images; training seeds are ``seed … seed + n_seeds − 1``.
    n_seeds : int
    use_cache : bool
        Read/write the on-disk sweep cache (``False`` recomputes live, a few seconds).

    Examples
    --------
    >>> r = disparate_impact_digits(seed=0)   # the shipped sweep: no training
    >>> r.groups, r.train_counts["class 8"], len(r.seeds)
    (('class 8', 'other classes'), 15, 5)
    """
    check_int("minority_class", minority_class, 0, 9)
    check_int("n_minority", n_minority, 1, 100)
    check_int("epochs", epochs, 1, 200)
    target_epsilons, delta, clip = _check(target_epsilons, delta, max_grad_norm, seed, n_seeds)
    train, tests, counts = _digits_data(minority_class, n_minority, seed)
    params = {"data": "digits", "minority_class": minority_class, "n_minority": n_minority,
              "target_epsilons": list(target_epsilons), "delta": delta, "epochs": epochs,
              "max_grad_norm": clip, "seed": seed, "n_seeds": n_seeds}
    seeds = list(range(seed, seed + n_seeds))
    value = cached("disparate_digits", params,
                   lambda: _sweep(train, tests, target_epsilons, delta, clip, epochs,
                                  _RECIPES["digits"], seeds),
                   shipped_dir=SHIPPED, use_cache=use_cache, check=_check_sweep)
    return DisparateImpactResult.from_sweep(
        f"Digits, class {minority_class} cut to {counts[f'class {minority_class}']} training "
        "images", value, target_epsilons, delta, clip, counts)


def _adult_data(minority, minority_share, seed):
    from trustlab.fairness.groups.sampling import adult_features

    X, y, groups = adult_features()
    sex = groups["sex"]
    rng = numpy_rng(seed)
    perm = rng.permutation(len(y))
    test, train = perm[:len(y) // 3], perm[len(y) // 3:]
    if minority_share is not None:
        is_min = sex[train] == minority
        n_keep = int(round(minority_share / (1 - minority_share) * (~is_min).sum()))
        kept = rng.choice(train[is_min], size=min(n_keep, is_min.sum()), replace=False)
        train = np.sort(np.concatenate([train[~is_min], kept]))
    tests = {}
    for g in ("Female", "Male"):
        rows = test[sex[test] == g]
        tests[f"{g} accuracy"] = (X[rows], y[rows])
        pos = rows[y[rows] == 1]
        tests[f"{g} TPR"] = (X[pos], y[pos])
    counts = {name: int((sex[train] == name.split()[0]).sum()) for name in tests}
    return (X[train], y[train]), tests, counts


def disparate_impact_adult(minority="Female", minority_share=None, target_epsilons=TARGET_EPSILONS,
                           delta=1e-5, epochs=3, *, max_grad_norm=1.0, seed=0, n_seeds=N_SEEDS,
                           use_cache=True) -> DisparateImpactResult:
    """Adult by sex: each group's accuracy and TPR (accuracy on its >50K rows) under DP-SGD.

    Parameters
    ----------
    minority : {"Female", "Male"}
        The group that may be thinned in training.
    minority_share : float or None
        If given, training keeps only enough ``minority`` rows to make up this share of the
        training set (in (0, 0.5]); None keeps Adult's natural shares (32 % women).
    target_epsilons, delta, epochs, max_grad_norm, seed, n_seeds, use_cache :
        as in :func:`disparate_impact_digits` (a logistic regression, batch 512, lr 0.5).
    """
    check_choice("minority", minority, ("Female", "Male"))
    if minority_share is not None:
        minority_share = check_number("minority_share", minority_share, 0, 0.5, low_open=True)
    check_int("epochs", epochs, 1, 50)
    target_epsilons, delta, clip = _check(target_epsilons, delta, max_grad_norm, seed, n_seeds)
    train, tests, counts = _adult_data(minority, minority_share, seed)
    params = {"data": "adult", "minority": minority, "minority_share": minority_share,
              "target_epsilons": list(target_epsilons), "delta": delta, "epochs": epochs,
              "max_grad_norm": clip, "seed": seed, "n_seeds": n_seeds}
    seeds = list(range(seed, seed + n_seeds))
    value = cached("disparate_adult", params,
                   lambda: _sweep(train, tests, target_epsilons, delta, clip, epochs,
                                  _RECIPES["adult"], seeds),
                   shipped_dir=SHIPPED, use_cache=use_cache, check=_check_sweep)
    share = "natural shares" if minority_share is None else \
        f"{minority} thinned to {100 * minority_share:.0f}% of training"
    return DisparateImpactResult.from_sweep(f"Adult by sex ({share})", value, target_epsilons,
                                            delta, clip, counts)


@functools.lru_cache(maxsize=8)
def _default_sweep(dataset, seed):
    # Explorer moves only look up a setting; building the test sets again would dominate their time.
    return (disparate_impact_digits if dataset == "digits" else disparate_impact_adult)(seed=seed)


def compute_disparate_impact(dataset="digits", setting="eps=8", *, seed=0):
    """The shipped sweep of ``dataset`` ("digits" or "adult") read at one setting (instant).

    ``setting`` is one of :data:`SETTINGS`: ``"clip only"`` (σ = 0) or ``"eps=8"``,
    ``"eps=3"``, ``"eps=1"``; the non-private model is always shown beside it.

    >>> print(compute_disparate_impact("digits", "eps=8").summary())   # doctest: +ELLIPSIS
    eps=8.00 (sigma=1.54, C=1), 5 seeds: class 8 ...
    """
    check_choice("dataset", dataset, ("digits", "adult"))
    check_choice("setting", setting, SETTINGS)
    check_int("seed", seed, 0)
    return DisparateImpactPoint(_default_sweep(dataset, seed), SETTINGS.index(setting) + 1)


def compute_disparate_impact_now(dataset="digits", target_epsilon=2.0, max_grad_norm=1.0, *,
                                 seed=0, n_seeds=N_SEEDS) -> DisparateImpactResult:
    """Train one setting off the grid now, ``n_seeds`` seeds, beside the grid's non-private models.

    DP-SGD at ``target_epsilon`` with clipping norm ``max_grad_norm``; ``target_epsilon=None``
    trains clipping only (σ = 0) at that norm. The non-private models are the shipped sweep's
    (same data, same seeds: training them again would give the same numbers). About 1–2 s for
    5 seeds on 2 cores (the first call also imports Opacus' accountant, a few seconds).
    """
    from trustlab.privacy.accounting import epsilon as accountant_epsilon
    from trustlab.privacy.accounting import noise_multiplier_for

    check_choice("dataset", dataset, ("digits", "adult"))
    if target_epsilon is not None:
        target_epsilon = check_number("target_epsilon", target_epsilon, 0, 1e3, low_open=True)
    clip = check_number("max_grad_norm", max_grad_norm, 0, 1e3, low_open=True)
    check_int("n_seeds", n_seeds, 1, N_SEEDS)
    grid = _default_sweep(dataset, seed)
    if dataset == "digits":
        train, tests, _ = _digits_data(8, 15, seed)
        epochs = 20
    else:
        train, tests, _ = _adult_data("Female", None, seed)
        epochs = 3
    recipe = _RECIPES[dataset]
    per_epoch = math.ceil(len(train[1]) / recipe["batch_size"])
    q, steps = 1.0 / per_epoch, per_epoch * epochs
    sigma = 0.0 if target_epsilon is None else noise_multiplier_for(target_epsilon, q, steps,
                                                                     grid.delta)
    seeds = grid.seeds[:n_seeds]
    accs = train_setting(train, tests, noise_multiplier=sigma, max_grad_norm=clip, seeds=seeds,
                         epochs=epochs, **recipe)
    spent = None if target_epsilon is None else accountant_epsilon(sigma, q, steps, grid.delta)
    label = setting_label(sigma, target_epsilon) + f" (C={clip:g})"
    per_seed = {g: np.stack([grid.per_seed[g][0][:n_seeds], accs[g]]) for g in grid.groups}
    eps = () if target_epsilon is None else (target_epsilon,)
    return DisparateImpactResult(f"{grid.title}: computed now", grid.groups, grid.train_counts,
                                 eps, (None, sigma), (None, spent), grid.delta, clip, seeds,
                                 per_seed, ("non-private", label))
