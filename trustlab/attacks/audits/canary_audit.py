"""One training run with m random canaries on digits, audited as Steinke, Nasr & Jagielski (2023) do.

m training images are set aside as canaries (by default replaced by images of pixel noise with a
random label, which a model can only fit by memorising each: the input-space canaries of
black-box audits; "mislabeled" keeps the image, "clean" the label too); each joins the training set with probability ½, the rest
of the digits always do. One DP-SGD model is trained (Poisson sampling, per-example clipping,
seeded noise; :func:`_train_private` is the one training call, to be switched to the batched
``trustlab.training.train_many``), every canary is scored by the model's logit-scaled confidence
in its label, and :func:`trustlab.attacks.audits.one_run_audit.audit_one_run` turns the scores into ε_lb.
The shipped sweep (``sweeps/one_run_audit.json``) holds the explorer's grid, ε_lb against the
number of canaries, and the comparison with the shadow-model audit (33 models per point).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.data import load_digits
from trustlab.models import mlp
from trustlab.runtime import torch_threads

__all__ = ["CANARY_COUNTS", "GRID", "RECIPE", "SWEEP_DIR", "SWEEP_NAME", "CanaryRun", "compute_sweep",
           "load_one_run_sweep", "sweep_params", "train_canary_run"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
SWEEP_NAME = "one_run_audit"
#: The explorer's grid: one run per (σ, q, epochs); σ = 0 trains with clipping but no noise.
GRID = {"noise_multiplier": (0.0, 0.5, 1.0, 2.0, 4.0), "sample_rate": (0.02, 0.05, 0.1),
        "epochs": (5, 20, 50)}
#: ε_lb against the number of canaries (σ = 0 and 1, q = 0.05, 20 epochs, 3 seeds each).
CANARY_COUNTS = (50, 100, 200, 400, 800)
RECIPE = {"m": 400, "n_pool": None, "canary": "random", "hidden": [128], "lr": 4.0, "max_grad_norm": 1.0,
          "delta": 1e-5, "test_size": 0.25, "grad_sample_mode": "ghost"}


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
    seconds: float  # wall time of the training call

    def summary(self) -> str:
        """One rounded line (wall time left out: it varies)."""
        eps = "inf (no DP)" if math.isinf(self.epsilon) else f"{self.epsilon:.2f}"
        return (f"sigma={self.noise_multiplier:g} q={self.sample_rate:.3g} steps={self.steps} "
                f"epsilon={eps}: {int(self.included.sum())}/{len(self.included)} canaries in "
                f"{self.n_train} training images, test acc={self.test_accuracy:.3f}")


def _train_private(X, y, *, noise_multiplier, batch_size, epochs, recipe, seed):
    """The one training call (Opacus' PrivacyEngine through fit_private): ``(model, PrivateFit)``."""
    from trustlab.privacy.dpsgd import fit_private

    model = mlp(X.shape[1], 10, hidden=tuple(recipe["hidden"]), seed=seed)
    fitted = fit_private(model, X, y, noise_multiplier=noise_multiplier,
                         max_grad_norm=recipe["max_grad_norm"], batch_size=batch_size, epochs=epochs,
                         lr=recipe["lr"], delta=recipe["delta"], grad_sample_mode=recipe["grad_sample_mode"],
                         seed=seed)
    return model, fitted


def train_canary_run(noise_multiplier=1.0, m=None, *, sample_rate=0.05, epochs=20, recipe=None,
                     seed=0) -> CanaryRun:
    """Train once with ``m`` canaries, each in with probability ½, and score them (~2–15 s).

    Parameters
    ----------
    noise_multiplier : float >= 0
        σ of DP-SGD (0: clipping only, no noise, ε = ∞).
    m : int, optional
        Number of canaries (default ``RECIPE["m"]``), at most the training pool (the 1,347 images
        of the digits training split, or ``recipe["n_pool"]`` of them); the rest are always in.
    sample_rate : float in (0, 1]
        Poisson sampling rate q; the batch size is q·n, and q = 1/ceil(n / batch) is what Opacus uses.
    epochs : int >= 1
    recipe : dict, optional
        Overrides of :data:`RECIPE` (``canary``: "random", "mislabeled" or "clean").
    seed : int
        Seeds the split, the canaries, who is in, the model and the noise.
    """
    r = {**RECIPE, **(recipe or {})}
    sigma = check_number("noise_multiplier", noise_multiplier, 0.0)
    q = check_number("sample_rate", sample_rate, 0.0, 1.0, low_open=True)
    epochs = check_int("epochs", epochs, 1)
    check_choice("canary", r["canary"], ("random", "mislabeled", "clean"))
    split = load_digits(test_size=r["test_size"], seed=seed)
    n_pool = len(split.y_train) if r["n_pool"] is None else check_int("n_pool", r["n_pool"], 1, len(split.y_train))
    m = r["m"] if m is None else m
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
    batch_size = max(1, min(len(y), round(q * len(y))))
    model_seed = int(rng.integers(2**31 - 1))
    model, fitted = _train_private(X, y, noise_multiplier=sigma, batch_size=batch_size, epochs=epochs,
                                   recipe=r, seed=model_seed)
    from trustlab.attacks.shadows import logit_confidence

    with torch.no_grad(), torch_threads():
        model.eval()
        scores = logit_confidence(model(torch.as_tensor(X_canary)), y_canary)
        acc = float((model(torch.as_tensor(split.X_test)).argmax(1).numpy() == split.y_test).mean())
    return CanaryRun(scores, included, sigma, fitted.sample_rate, fitted.steps, epochs, fitted.epsilon,
                     r["delta"], acc, len(y), fitted.seconds)


def _encode(run: CanaryRun) -> dict:
    return {"scores": np.round(run.scores, 3).tolist(),
            "included": "".join("1" if v else "0" for v in run.included),
            "noise_multiplier": run.noise_multiplier, "sample_rate": run.sample_rate, "steps": run.steps,
            "epochs": run.epochs, "epsilon": None if math.isinf(run.epsilon) else run.epsilon,
            "delta": run.delta, "test_accuracy": run.test_accuracy, "n_train": run.n_train,
            "seconds": round(run.seconds, 2)}


def _decode(d: dict) -> CanaryRun:
    return CanaryRun(np.array(d["scores"]), np.array([c == "1" for c in d["included"]]),
                     d["noise_multiplier"], d["sample_rate"], d["steps"], d["epochs"],
                     math.inf if d["epsilon"] is None else d["epsilon"], d["delta"],
                     d["test_accuracy"], d["n_train"], d["seconds"])


def sweep_params(seed=0) -> dict:
    """What the shipped sweep depends on (its cache key hashes this and the trustlab version)."""
    from trustlab.attacks.shadows import RECIPE as SHADOW_RECIPE, SWEEP_SIGMAS

    return {"grid": {k: list(v) for k, v in GRID.items()}, "recipe": RECIPE,
            "canary_counts": list(CANARY_COUNTS), "count_sigmas": [0.0, 1.0], "count_seeds": 3,
            "compare_sigmas": [s for s in SWEEP_SIGMAS if s > 0], "shadow_recipe": SHADOW_RECIPE,
            "seed": int(seed)}


def compute_sweep(seed=0, *, progress=False) -> dict:
    """Every run of the shipped sweep, JSON-able: ``grid``, ``counts`` and ``compare`` lists."""
    from tqdm.auto import tqdm

    p = sweep_params(seed)
    jobs = [("grid", dict(noise_multiplier=s, sample_rate=q, epochs=e, seed=seed))
            for s in GRID["noise_multiplier"] for q in GRID["sample_rate"] for e in GRID["epochs"]]
    jobs += [("counts", dict(noise_multiplier=s, m=m, sample_rate=0.05, epochs=20, seed=seed + k))
             for s in p["count_sigmas"] for m in CANARY_COUNTS for k in range(p["count_seeds"])]
    # The shadow audit's recipe on one model: its 500-image pool are the canaries (q = 0.2 as
    # batches of 50 from ~250 images, 60 epochs, lr 1), so both audits see the same training;
    # once with the pool's own (clean) images, once with noise images as canaries.
    sr = p["shadow_recipe"]
    jobs += [("compare", dict(noise_multiplier=s, m=sr["n_pool"], sample_rate=0.2, epochs=sr["epochs"],
                              recipe={"canary": kind, "n_pool": sr["n_pool"], "lr": sr["dp_lr"]}, seed=seed))
             for kind in ("clean", "random") for s in p["compare_sigmas"]]
    out = {"grid": [], "counts": [], "compare": []}
    for part, kwargs in tqdm(jobs, desc="one-run audits", disable=not progress):
        out[part].append(_encode(train_canary_run(**kwargs)))
    return out


def load_one_run_sweep(seed=0, *, use_cache=True) -> dict:
    """``{"grid": {(σ, q, epochs): CanaryRun}, "counts": [CanaryRun], "compare": [CanaryRun]}``.

    Read from the shipped sweep or the user cache, else trained (~6 min on 2 cores) and cached.
    """
    from trustlab.cache import cached

    params = sweep_params(seed)
    value = cached(SWEEP_NAME, params, lambda: compute_sweep(seed, progress=True), shipped_dir=SWEEP_DIR,
                   use_cache=use_cache)
    grid = [_decode(d) for d in value["grid"]]
    keys = [(s, q, e) for s in GRID["noise_multiplier"] for q in GRID["sample_rate"] for e in GRID["epochs"]]
    return {"grid": dict(zip(keys, grid)), "counts": [_decode(d) for d in value["counts"]],
            "compare": [_decode(d) for d in value["compare"]]}
