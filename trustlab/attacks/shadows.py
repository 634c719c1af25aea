"""Target and shadow models for membership inference, trained on random halves of one data pool.

Following LiRA's set-up (Carlini et al., "Membership inference attacks from first principles",
2022), ``n_models`` MLPs are trained on digits so that every pool example is in the training
sets of ⌊n_models / 2⌋ of them (16 of 33: as close to half as an odd count allows); each
model in turn is the *target* and the others are the attacker's *shadows*. Each model is kept
only as its logit-scaled confidence φ = log(p_y / (1 - p_y)) on every pool example (all the
attacks need).

All models of a setting, over every seed, train as one batched computation
(:func:`trustlab.training.train_many`, ``subsets=`` for the halves): plain models with SGD,
DP models with its batched DP-SGD (Abadi et al., 2016: Poisson sampling, per-example clipping,
seeded noise), which reproduces Opacus' PrivacyEngine (:func:`trustlab.privacy.dpsgd.fit_private`)
model by model for the same seed (``tests/unit/test_attacks_membership.py`` checks it); ε comes
from Opacus' accountant (:func:`trustlab.privacy.accounting.epsilon`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_bool, check_callable, check_int, check_keys, check_number
from trustlab.attacks.packing import pack_bits, pack_values, unpack_bits, unpack_values
from trustlab.data import load_digits
from trustlab.models import mlp

__all__ = ["RECIPE", "SWEEP_DIR", "SWEEP_MODELS", "SWEEP_NAME", "SWEEP_SEEDS", "SWEEP_SIGMAS", "ShadowSet",
           "compute_sweep", "load_shadow_seeds", "load_shadow_sets", "logit_confidence", "sweep_params",
           "train_shadow_set", "train_shadow_sets"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
SWEEP_NAME = "membership_shadows"
#: The shipped sweep: one target + 32 shadows per noise multiplier (0 = no DP), for each seed.
SWEEP_SIGMAS = (0.0, 0.7, 1.0, 2.0, 4.0, 8.0)
SWEEP_MODELS = 33
SWEEP_SEEDS = (0, 1, 2, 3, 4)

#: An overfitting recipe (no regularisation, many epochs on ~240 examples): the attack's easy case.
RECIPE = {"n_pool": 500, "hidden": [128], "epochs": 60, "lr": 0.1, "momentum": 0.9,
          "batch_size": 64, "max_grad_norm": 1.0, "dp_lr": 1.0, "dp_batch_size": 50, "delta": 1e-5}


@dataclass(frozen=True)
class ShadowSet:
    """``n_models`` models' confidences on a pool; any row can be the target, the others its shadows."""

    confidences: np.ndarray  # (n_models, n_pool) logit-scaled confidence φ of the true label
    in_mask: np.ndarray  # (n_models, n_pool) True where the example was in that model's training set
    test_accuracy: np.ndarray  # (n_models,) accuracy on held-out digits no model saw
    noise_multiplier: float  # 0 means trained without DP
    epsilon: float  # ε spent by each model (inf without DP)
    delta: float

    @property
    def n_shadows(self) -> int:
        """Number of shadow models (the target excluded)."""
        return len(self.confidences) - 1

    def summary(self) -> str:
        """One rounded line."""
        eps = "inf (no DP)" if math.isinf(self.epsilon) else f"{self.epsilon:.2f}"
        per = int(self.in_mask[:, 0].sum())
        return (f"{len(self.confidences)} models on a pool of {self.confidences.shape[1]} examples (each "
                f"example in {per} of them)  sigma={self.noise_multiplier:g}  epsilon={eps}  "
                f"test acc={np.mean(self.test_accuracy):.3f} (mean; min {np.min(self.test_accuracy):.3f})")


def _phi(logits, y):
    """φ of every model's logits ``(..., n, C)`` for labels ``y`` (n,), in float64."""
    logits = torch.as_tensor(logits, dtype=torch.float64)
    index = torch.as_tensor(y, dtype=torch.int64).expand(*logits.shape[:-1])[..., None]
    own = logits.gather(-1, index)[..., 0]
    return (own - torch.logsumexp(logits.scatter(-1, index, -math.inf), dim=-1)).numpy()


def logit_confidence(logits, y) -> np.ndarray:
    """φ = log(p_y / (1 - p_y)) of softmax(logits), computed stably; larger means more confident.

    >>> logit_confidence(np.log([[0.8, 0.1, 0.1]]), [0]).round(3).tolist()   # log(0.8 / 0.2)
    [1.386]
    """
    if isinstance(logits, torch.Tensor):
        logits = logits.detach().cpu().numpy()
    logits = check_array("logits", logits, ndim=2)
    if logits.shape[1] < 2:
        raise ValueError(f"logits must have at least 2 classes (columns), got shape {logits.shape}")
    y = check_array("y", y, kind="int", ndim=1, length=len(logits), length_name="logits",
                    min_value=0, max_value=logits.shape[1] - 1)
    return _phi(logits, y)


def _pool(n_pool, seed):
    split = load_digits(test_size=0.25, seed=seed)
    X = np.concatenate([split.X_train, split.X_test])
    y = np.concatenate([split.y_train, split.y_test])
    check_int("n_pool", n_pool, 20, len(y) - 100)
    return X[:n_pool], y[:n_pool], X[n_pool:], y[n_pool:]


def _check_recipe(recipe) -> dict:
    """:data:`RECIPE` with ``recipe``'s overrides, each checked (a typo such as ``epoch`` is refused)."""
    r = {**RECIPE, **check_keys("recipe", recipe or {}, RECIPE)}
    for name in ("n_pool", "epochs", "batch_size", "dp_batch_size"):
        check_int(f"recipe['{name}']", r[name], 1)
    for name in ("lr", "max_grad_norm", "dp_lr"):
        check_number(f"recipe['{name}']", r[name], 0, None, low_open=True)
    check_number("recipe['momentum']", r["momentum"], 0, 1, high_open=True)
    check_number("recipe['delta']", r["delta"], 0, 1, low_open=True, high_open=True)
    if isinstance(r["hidden"], (str, bytes)) or not isinstance(r["hidden"], (list, tuple)):
        raise TypeError(f"recipe['hidden'] must be a list of layer widths, got {r['hidden']!r}")
    for width in r["hidden"]:
        check_int("recipe['hidden'] widths", width, 1, 4096)
    return r


def _check_seeds(seeds) -> list:
    from trustlab._random import check_seed

    seeds = list(seeds) if not isinstance(seeds, (str, bytes)) and hasattr(seeds, "__iter__") else None
    if not seeds or len(set(map(repr, seeds))) != len(seeds):
        raise ValueError(f"seeds must be a non-empty list of distinct ints, got {seeds}")
    for s in seeds:
        if not isinstance(check_seed(s), int):
            raise TypeError(f"seeds must hold ints (they name the shadow sets), got {s!r}")
    return [int(s) for s in seeds]


def _progress(on_epoch):
    """``on_epoch`` for ``train_many`` as a pure progress report: its return value never stops training."""
    f = None if on_epoch is None else check_callable("on_epoch", on_epoch)
    return None if f is None else (lambda epoch, losses: f(epoch, losses) and False)


def train_shadow_sets(n_models=17, noise_multiplier=0.0, *, recipe=None, seeds=(0,),
                      progress=False, on_epoch=None) -> list:
    """One :class:`ShadowSet` per seed: ``n_models`` models on random halves of that seed's pool.

    Every model of every seed is trained in one :func:`trustlab.training.train_many` call; each
    model is the one a separate run with its seed would give (its own init, batches and noise).

    Parameters
    ----------
    n_models : int >= 3
        Target + shadows per seed (at least 2 shadows, so that LiRA can fit its Gaussians).
    noise_multiplier : float >= 0
        0 trains with SGD (momentum); σ > 0 with DP-SGD at that noise multiplier.
    recipe : dict, optional
        Overrides of :data:`RECIPE` (only its keys).
    seeds : sequence of int
        Seed s picks the pool (a digits split), the halves and every model's init, batches and noise.
    on_epoch : callable, optional
        ``on_epoch(epoch, losses)`` after each epoch (a progress bar), as in ``train_many``.
    """
    from trustlab.privacy.accounting import epsilon as privacy_epsilon
    from trustlab.training import train_many

    check_int("n_models", n_models, 3)
    sigma = check_number("noise_multiplier", noise_multiplier, 0)
    r = _check_recipe(recipe)
    seeds = _check_seeds(seeds)
    check_bool("progress", progress)
    parts, subsets, model_seeds, offset = [], [], [], 0
    for s in seeds:
        X, y, X_out, y_out = _pool(r["n_pool"], s)
        rng = numpy_rng(s)
        # Balanced halves: each example is in ⌊n_models / 2⌋ models (Carlini et al. 2022).
        in_mask = np.argsort(rng.random((n_models, len(y))), axis=0) < n_models // 2
        model_seeds += rng.integers(2**31 - 1, size=n_models).tolist()
        subsets += [offset + np.flatnonzero(row) for row in in_mask]
        parts, offset = parts + [(X, y, X_out, y_out, in_mask)], offset + len(y)
    if sigma == 0:
        kw = dict(lr=r["lr"], momentum=r["momentum"], batch_size=r["batch_size"])
    else:
        kw = dict(lr=r["dp_lr"], batch_size=r["dp_batch_size"], noise_multiplier=sigma,
                  max_grad_norm=r["max_grad_norm"])
    run = train_many(functools.partial(mlp, parts[0][0].shape[1], 10, hidden=tuple(r["hidden"])),
                     np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                     seeds=model_seeds, subsets=subsets, epochs=r["epochs"], progress=progress,
                     on_epoch=_progress(on_epoch), **kw)
    epsilon = math.inf
    if sigma > 0:  # every model has the same q and steps up to rounding: report the largest ε
        epsilon = max(privacy_epsilon(sigma, float(q), int(t), delta=r["delta"])
                      for q, t in set(zip(run.sample_rate.tolist(), run.steps.tolist())))
    out = []
    for i, (X, y, X_out, y_out, in_mask) in enumerate(parts):
        k = slice(i * n_models, (i + 1) * n_models)
        logits = run.model(X)[k]
        acc = (run.model(X_out)[k].argmax(-1).numpy() == y_out).mean(axis=1)
        out.append(ShadowSet(_phi(logits, y), in_mask, acc, sigma, float(epsilon), r["delta"]))
    return out


def train_shadow_set(n_models=17, noise_multiplier=0.0, *, recipe=None, seed=0,
                     progress=False) -> ShadowSet:
    """:func:`train_shadow_sets` for one seed.

    >>> s = train_shadow_set(3, recipe={"n_pool": 200, "epochs": 5})
    >>> s.confidences.shape, s.in_mask.sum(axis=0).tolist()[:3]
    ((3, 200), [1, 1, 1])
    """
    return train_shadow_sets(n_models, noise_multiplier, recipe=recipe, seeds=[seed], progress=progress)[0]


def _encode(s: ShadowSet) -> dict:
    return {"confidences": pack_values(s.confidences, 2), "in_mask": pack_bits(s.in_mask),
            "test_accuracy": np.round(s.test_accuracy, 4).tolist(), "noise_multiplier": s.noise_multiplier,
            "epsilon": None if math.isinf(s.epsilon) else s.epsilon, "delta": s.delta}


def _decode(d: dict, shape) -> ShadowSet:
    conf = unpack_values(d["confidences"], shape[0] * shape[1], 2, name="confidences").reshape(shape)
    mask = unpack_bits(d["in_mask"], shape[0] * shape[1], name="in_mask").reshape(shape)
    eps = math.inf if d["epsilon"] is None else d["epsilon"]
    return ShadowSet(conf, mask, np.array(d["test_accuracy"], dtype=float), d["noise_multiplier"], eps,
                     d["delta"])


def _check_sweep_value(value, params) -> None:
    """Raise unless ``value`` is a cached sweep for ``params``: per σ, one ShadowSet per seed."""
    sigmas, seeds = params["noise_multipliers"], params["seeds"]
    if not isinstance(value, list) or len(value) != len(sigmas):
        raise ValueError(f"expected a list of {len(sigmas)} noise multipliers")
    n, pool = params["n_models"], params["recipe"]["n_pool"]
    for sigma, per_seed in zip(sigmas, value):
        if not isinstance(per_seed, list) or len(per_seed) != len(seeds):
            raise ValueError(f"sigma={sigma:g}: expected one shadow set per seed ({len(seeds)})")
        for d in per_seed:
            s = _decode(d, (n, pool))
            check_array("test_accuracy", s.test_accuracy, length=n, min_value=0, max_value=1)
            if (s.in_mask.sum(axis=0) != n // 2).any():
                raise ValueError(f"sigma={sigma:g}: in_mask is not {n // 2} models per example")
            if s.noise_multiplier != sigma or not (s.epsilon > 0) or not 0 < s.delta < 1:
                raise ValueError(f"sigma={sigma:g}: noise_multiplier={s.noise_multiplier!r}, "
                                 f"epsilon={s.epsilon!r}, delta={s.delta!r}")


def sweep_params(noise_multipliers=None, n_models=None, *, recipe=None, seeds=None) -> dict:
    """What a shadow sweep depends on (its cache key hashes this and the trustlab version)."""
    if noise_multipliers is None:
        sigmas = list(SWEEP_SIGMAS)
    elif isinstance(noise_multipliers, (str, bytes)) or not hasattr(noise_multipliers, "__iter__"):
        raise TypeError(f"noise_multipliers must be a list of numbers, got {noise_multipliers!r}")
    else:
        sigmas = [check_number("noise_multipliers", s, 0) for s in noise_multipliers]
    if not sigmas or len(set(sigmas)) != len(sigmas):
        raise ValueError(f"noise_multipliers must be a non-empty list of distinct values, got {sigmas}")
    n_models = SWEEP_MODELS if n_models is None else check_int("n_models", n_models, 3)
    seeds = list(SWEEP_SEEDS) if seeds is None else _check_seeds(seeds)
    return {"noise_multipliers": sigmas, "n_models": n_models, "recipe": _check_recipe(recipe),
            "seeds": seeds}


def compute_sweep(noise_multipliers=None, n_models=None, *, recipe=None, seeds=None,
                  progress=False) -> list:
    """Per noise multiplier, one ShadowSet per seed (all seeds in one batch); JSON-able."""
    p = sweep_params(noise_multipliers, n_models, recipe=recipe, seeds=seeds)
    return [[_encode(s) for s in train_shadow_sets(p["n_models"], sigma, recipe=recipe, seeds=p["seeds"],
                                                   progress=progress)]
            for sigma in p["noise_multipliers"]]


def load_shadow_seeds(noise_multipliers=None, n_models=None, *, recipe=None, seeds=None,
                      use_cache=True, progress=False) -> dict:
    """``{σ: (ShadowSet per seed)}``, read from the shipped sweep or the user cache, else trained.

    Defaults are the shipped sweep (:data:`SWEEP_SIGMAS`, :data:`SWEEP_MODELS` models,
    :data:`SWEEP_SEEDS`). The cache key holds every argument and the trustlab version
    (:func:`trustlab.cache.cached`); every entry read is checked; ``use_cache=False`` retrains.
    """
    from trustlab.cache import cached

    params = sweep_params(noise_multipliers, n_models, recipe=recipe, seeds=seeds)
    check_bool("use_cache", use_cache)
    value = cached(SWEEP_NAME, params,
                   lambda: compute_sweep(params["noise_multipliers"], params["n_models"], recipe=recipe,
                                         seeds=params["seeds"], progress=progress),
                   shipped_dir=SWEEP_DIR, use_cache=use_cache, check=lambda v: _check_sweep_value(v, params))
    shape = (params["n_models"], params["recipe"]["n_pool"])
    return {s: tuple(_decode(d, shape) for d in per_seed)
            for s, per_seed in zip(params["noise_multipliers"], value)}


def load_shadow_sets(noise_multipliers=None, n_models=None, *, recipe=None, seed=0, use_cache=True,
                     progress=False) -> dict:
    """``{σ: ShadowSet}`` of one seed: from the shipped five-seed sweep when ``seed`` is one of
    :data:`SWEEP_SEEDS`, else trained for that seed alone (and cached)."""
    seed = _check_seeds([seed])[0]
    seeds = list(SWEEP_SEEDS) if seed in SWEEP_SEEDS else [seed]
    sweep = load_shadow_seeds(noise_multipliers, n_models, recipe=recipe, seeds=seeds, use_cache=use_cache,
                              progress=progress)
    return {s: sets[seeds.index(seed)] for s, sets in sweep.items()}
