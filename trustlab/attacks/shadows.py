"""Target and shadow models for membership inference, trained on random halves of one data pool.

Following LiRA's set-up (Carlini et al., "Membership inference attacks from first principles",
2022), ``n_models`` MLPs are trained on digits so that every pool example is in the training
set of exactly half of them; each model in turn is the *target* and the others are the
attacker's *shadows*.
Each model is kept only as its logit-scaled confidence φ = log(p_y / (1 - p_y)) on every pool
example (all the attacks need). Plain models train with the shared loop
(:func:`trustlab.training.train`); DP models with DP-SGD (Abadi et al., 2016) through Opacus'
PrivacyEngine (:func:`trustlab.privacy.dpsgd.fit_private`: Poisson sampling, per-example
clipping, seeded noise), with ε from :func:`trustlab.privacy.accounting.epsilon`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_bool, check_int, check_keys, check_number
from trustlab.data import load_digits
from trustlab.models import mlp
from trustlab.privacy.accounting import epsilon as privacy_epsilon
from trustlab.runtime import torch_threads
from trustlab.training import evaluate, train

__all__ = ["RECIPE", "SWEEP_DIR", "SWEEP_MODELS", "SWEEP_NAME", "SWEEP_SIGMAS", "ShadowSet",
           "compute_sweep", "dp_sgd", "load_shadow_sets", "logit_confidence", "sweep_params",
           "train_shadow_set"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
SWEEP_NAME = "membership_shadows"
#: The shipped sweep: one target + 32 shadows per noise multiplier (0 = no DP).
SWEEP_SIGMAS = (0.0, 0.7, 1.0, 2.0, 4.0, 8.0)
SWEEP_MODELS = 33

#: An overfitting recipe (no regularisation, many epochs on ~500 examples): the attack's easy case.
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
        return (f"{len(self.confidences)} models, each trained on half of {self.confidences.shape[1]} "
                f"examples  sigma={self.noise_multiplier:g}  epsilon={eps}  "
                f"test acc={np.mean(self.test_accuracy):.3f} (mean; min {np.min(self.test_accuracy):.3f})")


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
    logits = torch.as_tensor(logits, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.int64)
    own = logits.gather(1, y[:, None])[:, 0]
    others = logits.scatter(1, y[:, None], -math.inf)
    return (own - torch.logsumexp(others, dim=1)).numpy()


def dp_sgd(model: nn.Module, X, y, *, noise_multiplier, max_grad_norm, batch_size, epochs, lr,
           loss_fn=None, optimizer="sgd", seed=0, num_threads=None):
    """Train ``model`` in place with DP-SGD through Opacus; return the :class:`PrivateFit`.

    A thin wrapper of :func:`trustlab.privacy.dpsgd.fit_private` (Poisson sampling at rate
    1 / ceil(n / batch_size), per-example clipping, seeded Gaussian noise, then SGD or Adam).
    """
    from trustlab.privacy.dpsgd import fit_private

    return fit_private(model, X, y, noise_multiplier=noise_multiplier, max_grad_norm=max_grad_norm,
                       batch_size=batch_size, epochs=epochs, lr=lr, loss_fn=loss_fn,
                       optimizer=optimizer, delta=RECIPE["delta"], seed=seed,
                       num_threads=num_threads)


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


def train_shadow_set(n_models=17, noise_multiplier=0.0, *, recipe=None, seed=0,
                     progress=False) -> ShadowSet:
    """Train ``n_models`` models (a target and its shadows, in turn) on random halves of the pool.

    Parameters
    ----------
    n_models : int >= 3
        Target + shadows (at least 2 shadows, so that LiRA can fit its Gaussians).
    noise_multiplier : float >= 0
        0 trains with the plain loop; σ > 0 trains with DP-SGD at that noise multiplier.
    recipe : dict, optional
        Overrides of :data:`RECIPE` (only its keys).
    seed : int
        Seeds the pool, the halves, every model's init, shuffling and noise.
    """
    check_int("n_models", n_models, 3)
    sigma = check_number("noise_multiplier", noise_multiplier, 0)
    r = _check_recipe(recipe)
    check_bool("progress", progress)
    X, y, X_out, y_out = _pool(r["n_pool"], seed)
    rng = numpy_rng(seed)
    # Balanced halves: each example is in exactly half of the models (Carlini et al. 2022).
    in_mask = np.argsort(rng.random((n_models, len(y))), axis=0) < n_models // 2
    seeds = rng.integers(2**31 - 1, size=(n_models, 2))
    conf, acc = [], []
    epsilon = math.inf
    from tqdm.auto import tqdm

    for m in tqdm(range(n_models), desc=f"shadows sigma={sigma:g}", disable=not progress):
        model = mlp(X.shape[1], 10, hidden=tuple(r["hidden"]), seed=int(seeds[m, 0]))
        Xi, yi = X[in_mask[m]], y[in_mask[m]]
        if sigma == 0:
            train(model, Xi, yi, epochs=r["epochs"], lr=r["lr"], momentum=r["momentum"],
                  batch_size=r["batch_size"], seed=int(seeds[m, 1]))
        else:
            run = dp_sgd(model, Xi, yi, noise_multiplier=sigma, max_grad_norm=r["max_grad_norm"],
                         batch_size=r["dp_batch_size"], epochs=r["epochs"], lr=r["dp_lr"],
                         seed=int(seeds[m, 1]))
            # every model trains on n // 2 examples: the same q and steps, the same ε
            epsilon = max(epsilon if math.isfinite(epsilon) else 0.0,
                          privacy_epsilon(sigma, run.sample_rate, run.steps, delta=r["delta"]))
        with torch.no_grad(), torch_threads():
            model.eval()
            conf.append(logit_confidence(model(torch.as_tensor(X)), y))
        acc.append(evaluate(model, X_out, y_out)[0])
    return ShadowSet(np.array(conf), in_mask, np.array(acc), sigma, float(epsilon), r["delta"])


def _encode(s: ShadowSet) -> dict:
    return {"confidences": np.round(s.confidences, 3).tolist(),
            "in_mask": ["".join("1" if v else "0" for v in row) for row in s.in_mask],
            "test_accuracy": s.test_accuracy.tolist(), "noise_multiplier": s.noise_multiplier,
            "epsilon": None if math.isinf(s.epsilon) else s.epsilon, "delta": s.delta}


def _decode(d: dict) -> ShadowSet:
    mask = np.array([[c == "1" for c in row] for row in d["in_mask"]])
    eps = math.inf if d["epsilon"] is None else d["epsilon"]
    return ShadowSet(np.array(d["confidences"]), mask, np.array(d["test_accuracy"]),
                     d["noise_multiplier"], eps, d["delta"])


def _check_sweep_value(value, params) -> None:
    """Raise unless ``value`` is a cached sweep for ``params``: one well-formed ShadowSet per σ."""
    if not isinstance(value, list) or len(value) != len(params["noise_multipliers"]):
        raise ValueError(f"expected a list of {len(params['noise_multipliers'])} shadow sets")
    n, pool = params["n_models"], params["recipe"]["n_pool"]
    for sigma, d in zip(params["noise_multipliers"], value):
        s = _decode(d)
        if s.confidences.shape != (n, pool) or s.in_mask.shape != (n, pool) or s.test_accuracy.shape != (n,):
            raise ValueError(f"sigma={sigma:g}: arrays of shapes {s.confidences.shape}, {s.in_mask.shape}, "
                             f"{s.test_accuracy.shape}; expected ({n}, {pool}) and ({n},)")
        check_array("confidences", s.confidences)
        check_array("test_accuracy", s.test_accuracy, min_value=0, max_value=1)
        if s.noise_multiplier != sigma or not (s.epsilon > 0) or not 0 < s.delta < 1:
            raise ValueError(f"sigma={sigma:g}: noise_multiplier={s.noise_multiplier!r}, "
                             f"epsilon={s.epsilon!r}, delta={s.delta!r}")


def sweep_params(noise_multipliers=None, n_models=None, *, recipe=None, seed=0) -> dict:
    """What a shadow sweep depends on (its cache key hashes this and the trustlab version)."""
    from trustlab._random import check_seed

    if noise_multipliers is None:
        sigmas = list(SWEEP_SIGMAS)
    elif isinstance(noise_multipliers, (str, bytes)) or not hasattr(noise_multipliers, "__iter__"):
        raise TypeError(f"noise_multipliers must be a list of numbers, got {noise_multipliers!r}")
    else:
        sigmas = [check_number("noise_multipliers", s, 0) for s in noise_multipliers]
    if not sigmas or len(set(sigmas)) != len(sigmas):
        raise ValueError(f"noise_multipliers must be a non-empty list of distinct values, got {sigmas}")
    n_models = SWEEP_MODELS if n_models is None else check_int("n_models", n_models, 3)
    if isinstance(check_seed(seed), np.random.Generator):
        raise TypeError("seed must be an int here (it is part of the cache key), got a Generator")
    return {"noise_multipliers": sigmas, "n_models": n_models,
            "recipe": _check_recipe(recipe), "seed": int(seed)}


def compute_sweep(noise_multipliers=None, n_models=None, *, recipe=None, seed=0,
                  progress=False) -> list:
    """Train one ShadowSet per noise multiplier; JSON-able (what the cache stores)."""
    p = sweep_params(noise_multipliers, n_models, recipe=recipe, seed=seed)
    return [_encode(train_shadow_set(p["n_models"], s, recipe=recipe, seed=seed, progress=progress))
            for s in p["noise_multipliers"]]


def load_shadow_sets(noise_multipliers=None, n_models=None, *, recipe=None, seed=0,
                     use_cache=True, progress=False) -> dict:
    """``{σ: ShadowSet}``, read from the shipped sweep or the user cache, else trained (and cached).

    Defaults are the shipped sweep (:data:`SWEEP_SIGMAS`, :data:`SWEEP_MODELS` models). The
    cache key holds every argument and the trustlab version (:func:`trustlab.cache.cached`);
    every entry read is checked (shapes, ranges); ``use_cache=False`` retrains live.
    """
    from trustlab.cache import cached

    params = sweep_params(noise_multipliers, n_models, recipe=recipe, seed=seed)
    value = cached(SWEEP_NAME, params,
                   lambda: compute_sweep(params["noise_multipliers"], params["n_models"],
                                         recipe=recipe, seed=seed, progress=progress),
                   shipped_dir=SWEEP_DIR, use_cache=use_cache,
                   check=lambda v: _check_sweep_value(v, params))
    return {s: _decode(v) for s, v in zip(params["noise_multipliers"], value)}
