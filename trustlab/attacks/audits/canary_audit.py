"""Training runs with m random canaries on digits, audited as Steinke, Nasr & Jagielski (2023) do.

m training images are set aside as canaries (by default replaced by images of pixel noise with a
random label, which a model can only fit by memorising each: the input-space canaries of
black-box audits; "mislabeled" keeps the image, "clean" the label too); each joins the training
set with probability ½, the rest of the digits always do. One DP-SGD model is trained per seed
(Poisson sampling, per-example clipping, seeded noise), every canary is scored by the model's
logit-scaled confidence in its label, and :func:`trustlab.attacks.audits.one_run_audit.audit_one_run`
turns the scores into ε_lb. The runs of several seeds train as one batched computation
(:func:`trustlab.training.train_many`, whose DP-SGD reproduces Opacus' PrivacyEngine model by
model for the same seed); ε comes from Opacus' RDP accountant. The shipped sweep is in
:mod:`trustlab.attacks.audits.one_run_sweep`.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_bool, check_choice, check_int, check_keys, check_number
from trustlab.data import load_digits
from trustlab.models import mlp

__all__ = ["CANARY_KINDS", "RECIPE", "CanaryRun", "train_canary_run", "train_canary_runs"]

RECIPE = {"m": 400, "n_pool": None, "canary": "random", "hidden": [128], "lr": 4.0, "max_grad_norm": 1.0,
          "delta": 1e-5, "test_size": 0.25}
CANARY_KINDS = ("random", "mislabeled", "clean")


@dataclass(frozen=True)
class CanaryRun:
    """One training run with canaries: their scores, who was in, and the run's DP accounting."""

    scores: np.ndarray  # (m,) logit-scaled confidence of each canary's (training) label
    included: np.ndarray  # (m,) True where the canary was trained on
    noise_multiplier: float
    sample_rate: float
    steps: int
    epochs: int
    epsilon: float  # Opacus RDP ε at delta (inf without noise)
    delta: float
    test_accuracy: float
    n_train: int
    seconds: float  # wall time of the training call (shared by the runs trained together)

    def summary(self) -> str:
        """One rounded line (wall time left out: it varies)."""
        eps = "inf (no DP)" if math.isinf(self.epsilon) else f"{self.epsilon:.2f}"
        return (f"sigma={self.noise_multiplier:g} q={self.sample_rate:.3g} steps={self.steps} "
                f"epsilon={eps}: {int(self.included.sum())}/{len(self.included)} canaries in "
                f"{self.n_train} training images, test acc={self.test_accuracy:.3f}")


def _check_recipe(recipe) -> dict:
    r = {**RECIPE, **check_keys("recipe", recipe or {}, RECIPE)}
    check_choice("recipe['canary']", r["canary"], CANARY_KINDS)
    check_number("recipe['lr']", r["lr"], 0, None, low_open=True)
    check_number("recipe['max_grad_norm']", r["max_grad_norm"], 0, None, low_open=True)
    check_number("recipe['delta']", r["delta"], 0, 1, low_open=True, high_open=True)
    check_number("recipe['test_size']", r["test_size"], 0.05, 0.5)
    if isinstance(r["hidden"], (str, bytes)) or not isinstance(r["hidden"], (list, tuple)):
        raise TypeError(f"recipe['hidden'] must be a list of layer widths, got {r['hidden']!r}")
    for width in r["hidden"]:
        check_int("recipe['hidden'] widths", width, 1, 4096)
    return r


def _one_seed(r, m, seed):
    """One seed's data: ``(X, y, X_canary, y_canary, included, X_test, y_test, model seed)``."""
    split = load_digits(test_size=r["test_size"], seed=seed)
    n_pool = len(split.y_train) if r["n_pool"] is None else check_int(
        "recipe['n_pool']", r["n_pool"], 1, len(split.y_train))
    if isinstance(m, (int, np.integer)) and not isinstance(m, bool) and m > n_pool:
        raise ValueError(f"m must be at most the training set's size, {n_pool} digits, got m={m}")
    m = check_int("m", m, 1, n_pool)
    rng = numpy_rng(seed)
    chosen = rng.permutation(n_pool)
    canaries, base = chosen[:m], chosen[m:]
    X_canary, y_canary = split.X_train[canaries].copy(), split.y_train[canaries].copy()
    if r["canary"] in ("mislabeled", "random"):  # a wrong class, uniformly among the nine others
        y_canary = (y_canary + rng.integers(1, 10, size=m)) % 10
    if r["canary"] == "random":  # an image of pixel noise: nothing else in the data is near it
        X_canary = rng.random(X_canary.shape).astype(X_canary.dtype)
    included = rng.random(m) < 0.5
    X = np.concatenate([split.X_train[base], X_canary[included]])
    y = np.concatenate([split.y_train[base], y_canary[included]])
    return X, y, X_canary, y_canary, included, split.X_test, split.y_test, int(rng.integers(2**31 - 1))


def train_canary_runs(noise_multiplier=1.0, m=None, *, sample_rate=0.05, epochs=20, recipe=None,
                      seeds=(0,), progress=False, on_epoch=None) -> list:
    """Train once per seed with ``m`` canaries, each in with probability ½, and score them.

    All seeds train as one :func:`trustlab.training.train_many` call (about 1–10 s for 5 seeds
    on 2 cores, with the number of steps); each run is the one its seed gives alone.

    Parameters
    ----------
    noise_multiplier : float >= 0
        σ of DP-SGD (0: clipping only, no noise, ε = ∞).
    m : int, optional
        Number of canaries (default ``RECIPE["m"]``), at most the training pool (the 1,347 images
        of the digits training split, or ``recipe["n_pool"]`` of them); the rest are always in.
    sample_rate : float in (0, 1]
        Poisson sampling rate q: the batch size is q times the expected training set (the pool
        minus m / 2 canaries), and each run samples at q = 1 / ceil(n / batch), as Opacus does.
    epochs : int >= 1
    recipe : dict, optional
        Overrides of :data:`RECIPE` (only its keys; ``canary``: one of :data:`CANARY_KINDS`).
    seeds : sequence of int
        Seed s picks the split, the canaries, who is in, the model and the noise of run s.
    on_epoch : callable, optional
        ``on_epoch(epoch, losses)`` after each epoch (a progress bar), as in ``train_many``.
    """
    from trustlab.attacks.shadows import _progress
    from trustlab.privacy.accounting import epsilon as privacy_epsilon
    from trustlab.training import train_many

    sigma = check_number("noise_multiplier", noise_multiplier, 0.0, 1e6)
    q = check_number("sample_rate", sample_rate, 0.0, 1.0, low_open=True)
    epochs = check_int("epochs", epochs, 1, 1000)
    r = _check_recipe(recipe)
    check_bool("progress", progress)
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__") or not list(seeds):
        raise TypeError(f"seeds must be a non-empty list of ints, got {seeds!r}")
    parts = [_one_seed(r, r["m"] if m is None else m, s) for s in seeds]
    m = len(parts[0][2])
    expected = len(parts[0][1]) - int(parts[0][4].sum()) + m / 2  # base images + half the canaries
    batch_size = max(1, min(min(len(p[1]) for p in parts), round(q * expected)))
    offsets = np.cumsum([0] + [len(p[1]) for p in parts])
    start = time.perf_counter()
    run = train_many(functools.partial(mlp, parts[0][0].shape[1], 10, hidden=tuple(r["hidden"])),
                     np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                     seeds=[p[7] for p in parts], subsets=[np.arange(a, b) for a, b in zip(offsets, offsets[1:])],
                     epochs=epochs, lr=r["lr"], batch_size=batch_size, noise_multiplier=sigma,
                     max_grad_norm=r["max_grad_norm"], progress=progress,
                     on_epoch=_progress(on_epoch))
    seconds = time.perf_counter() - start
    from trustlab.attacks.shadows import _phi

    out = []
    for k, (X, y, X_canary, y_canary, included, X_test, y_test, _) in enumerate(parts):
        rate, steps = float(run.sample_rate[k]), int(run.steps[k])
        eps = math.inf if sigma == 0 else privacy_epsilon(sigma, rate, steps, delta=r["delta"])
        scores = _phi(run.model(X_canary)[k], y_canary)
        acc = float((run.model(X_test)[k].argmax(-1).numpy() == y_test).mean())
        out.append(CanaryRun(scores, included, sigma, rate, steps, epochs, eps, r["delta"], acc, len(y), seconds))
    return out


def train_canary_run(noise_multiplier=1.0, m=None, *, sample_rate=0.05, epochs=20, recipe=None,
                     seed=0) -> CanaryRun:
    """:func:`train_canary_runs` for one seed (~1–5 s)."""
    return train_canary_runs(noise_multiplier, m, sample_rate=sample_rate, epochs=epochs, recipe=recipe,
                             seeds=[seed])[0]
