"""Training for every notebook: K seeded models as one batched computation, and the module loop.

:func:`train_many` trains K models of one small architecture (seeds, shadow models, bootstrap
resamples), plain or with DP-SGD, as one computation (:mod:`trustlab.stacked`,
:mod:`trustlab.batched`); :func:`train` is ``train_many`` with one seed. :func:`fit` runs
epochs of any ``nn.Module`` over any iterable of batches with any optimizer: it is the loop
for what cannot be stacked, Opacus' PrivacyEngine (the path notebook 11 teaches) and Flower's
clients (the code path the federated notebooks are about).
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from trustlab._random import torch_generator
from trustlab._validate import check_bool, check_choice, check_int, check_number
from trustlab._validate_training import check_loop, check_many, xy_tensors
from trustlab.runtime import torch_threads
from trustlab.stacked import StackedModel
from trustlab.stats import format_ci

__all__ = ["ManyTrainResult", "TrainResult", "as_tensors", "evaluate", "fit", "make_loader", "train",
           "train_many"]


@dataclass(frozen=True)
class TrainResult:
    """What one training run produced: accuracies, final loss and wall time."""

    train_accuracy: float
    test_accuracy: float
    train_loss: float
    epochs: int
    seconds: float

    def summary(self) -> str:
        """One rounded, deterministic line (wall time is left out: it varies run to run)."""
        return (
            f"epochs={self.epochs}  train acc={self.train_accuracy:.3f}  "
            f"test acc={self.test_accuracy:.3f}"
        )


def as_tensors(X, y):
    """``(X, y)`` as float32 / int64 torch tensors (numpy arrays or tensors accepted)."""
    return xy_tensors(X, y)


def make_loader(X, y, batch_size=64, *, seed=0, shuffle=True) -> DataLoader:
    """A seeded DataLoader over tensors (reshuffled each epoch by its own Generator)."""
    X, y = as_tensors(X, y)
    check_int("batch_size", batch_size, 1)
    check_bool("shuffle", shuffle)
    gen = torch_generator(seed) if shuffle else None
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=gen)


def fit(model: nn.Module, loader, optimizer, epochs=1, *, loss_fn=None, on_epoch=None,
        num_threads=None, seed=None) -> float:
    """Train ``model`` in place for ``epochs`` over ``loader``; return the last epoch's mean loss.

    ``on_epoch(epoch, mean_loss)`` is called after each epoch (progress bars, early stopping:
    return True from it to stop). Empty batches, which Poisson sampling can draw, are skipped.
    Layers that draw from torch's global generator (dropout) are made reproducible by ``seed``:
    the loop then runs inside ``torch.random.fork_rng`` seeded with it, and the caller's global
    generator state is restored afterwards.
    """
    check_loop(model, optimizer, on_epoch)
    check_int("epochs", epochs, 1)
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    mean_loss = float("nan")
    rng = contextlib.nullcontext() if seed is None else torch.random.fork_rng(devices=[])
    with rng, torch_threads(num_threads):
        if seed is not None:
            torch.manual_seed(check_int("seed", seed, 0))
        model.train()
        for epoch in range(epochs):
            total, count = 0.0, 0
            for xb, yb in loader:
                if len(yb) == 0:
                    continue
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()
                total += float(loss.detach()) * len(yb)
                count += len(yb)
            mean_loss = total / max(count, 1)
            if on_epoch is not None and on_epoch(epoch, mean_loss):
                break
    return mean_loss


@torch.no_grad()
def evaluate(model: nn.Module, X, y, *, num_threads=None) -> tuple[float, float]:
    """``(accuracy, mean cross-entropy)`` of ``model`` on ``(X, y)``.

    >>> from trustlab.models import logistic_regression
    >>> acc, loss = evaluate(logistic_regression(2, 2), [[0.0, 0.0]], [0])
    >>> 0.0 <= acc <= 1.0 and loss > 0
    True
    """
    check_loop(model)
    X, y = as_tensors(X, y)
    with torch_threads(num_threads):
        model.eval()
        logits = model(X)
        if logits.ndim != 2 or y.max() >= logits.shape[1]:
            raise ValueError(f"y must hold labels in [0, {logits.shape[-1] - 1}] (the model's outputs), got {int(y.max())}")
        loss = nn.functional.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).float().mean().item()
    return acc, loss


@dataclass(frozen=True)
class ManyTrainResult:
    """K models trained at once: the stacked model and per-seed arrays (in the order of ``seeds``).

    DP runs also record each model's Poisson sample rate and steps (for Opacus' accountant).
    """

    model: StackedModel
    seeds: tuple
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    train_loss: np.ndarray
    epochs: int
    seconds: float
    noise_multiplier: float = 0.0
    max_grad_norm: float = math.inf
    sample_rate: np.ndarray | None = None
    steps: np.ndarray | None = None

    n_models = property(lambda self: len(self.seeds), doc="K, the number of models trained.")

    def summary(self) -> str:
        """Mean ± 95 % interval over the seeds (wall time is left out: it varies run to run)."""
        test = "" if np.isnan(self.test_accuracy).any() else \
            f"  test acc={format_ci(self.test_accuracy, seeds=False)}"
        return (f"epochs={self.epochs}  train acc={format_ci(self.train_accuracy, seeds=False)}"
                f"{test}  ({self.n_models} seed{'s' if self.n_models != 1 else ''})")


def train_many(model_fn, X_train, y_train, X_test=None, y_test=None, *, seeds, subsets=None,
               epochs=10, lr=0.1, batch_size=64, momentum=0.0, weight_decay=0.0, optimizer="sgd",
               soft_targets=None, alpha=0.0, noise_multiplier=None, max_grad_norm=None,
               dtype=torch.float32, streams="fit_private", on_epoch=None, progress=False,
               num_threads=None) -> ManyTrainResult:
    """Train K independent models of one architecture as one batched computation.

    Model k is ``model_fn(seed=seeds[k])`` trained on its own rows (``subsets[k]``, default all)
    with its own batch order (and, for DP, Poisson samples and noise) drawn from generators
    seeded by ``seeds[k]``: each model is the one :func:`train` gives for that seed, whichever
    other seeds share the batch.

    Parameters
    ----------
    model_fn : callable
        ``model_fn(seed=s) -> nn.Sequential`` of Linear/ReLU/Tanh/Dropout/Identity layers (an
        Embedding + Flatten first for integer inputs), e.g.
        ``functools.partial(trustlab.models.mlp, 64, 10, hidden=(128,))``.
    X_train, y_train, X_test, y_test : array-like
        Features (2-d) and integer labels; without a test set, test accuracy is NaN.
    seeds : sequence of int
        One seed per model (K = ``len(seeds)`` ≥ 1).
    subsets : sequence of index arrays, or bool array of shape (K, n), optional
        Each model's training rows (shadow models, clients, bootstrap resamples).
    epochs, lr, batch_size, momentum, weight_decay : SGD settings, as :func:`train`.
    optimizer : {"sgd", "adam"}
    soft_targets, alpha : optional
        Distillation: per-row target distributions (n × classes) mixed in with weight α.
    noise_multiplier, max_grad_norm : float, optional
        Give both for DP-SGD: Poisson sampling at q = 1 / ceil(n_k / batch_size) for
        ``epochs * ceil(n_k / batch_size)`` steps, per-example clipping to ``max_grad_norm`` and
        N(0, σ²C²) noise, as :func:`trustlab.privacy.dpsgd.fit_private` does through Opacus.
    dtype : torch.float32 or torch.float64
        Arithmetic precision (float64 keeps tiny chaotic models reproducible across CPUs).
    streams : {"fit_private", "train_dp"}
        How seeds become inits and streams (:data:`trustlab.batched.STREAMS`; "train_dp": as train_dp).
    on_epoch : callable, optional
        ``on_epoch(epoch, mean_losses)`` after each epoch; return True to stop.

    Examples
    --------
    >>> import functools
    >>> from trustlab.models import mlp
    >>> X = np.random.default_rng(0).normal(size=(200, 2)); y = (X[:, 0] > 0).astype(int)
    >>> r = train_many(functools.partial(mlp, 2, 2, hidden=(8,)), X, y, seeds=[0, 1, 2], epochs=20,
    ...                lr=0.5, dtype=torch.float64)
    >>> r.model(X).shape, r.summary()
    (torch.Size([3, 200, 2]), 'epochs=20  train acc=0.988±0.026  (3 seeds)')
    """
    from trustlab import batched

    seeds = check_many(model_fn, seeds, on_epoch, progress)
    check_int("epochs", epochs, 1)
    check_number("lr", lr, 0, None, low_open=True)
    check_number("momentum", momentum, 0, 1, high_open=True)
    check_number("weight_decay", weight_decay, 0)
    check_choice("optimizer", optimizer, ("sgd", "adam"))
    check_number("alpha", alpha, 0, 1)
    check_choice("dtype", dtype, (torch.float32, torch.float64))
    check_choice("streams", streams, batched.STREAMS)
    dp = noise_multiplier is not None or max_grad_norm is not None
    if dp:
        sigma, clip = batched.check_dp(noise_multiplier, max_grad_norm)
    start = time.perf_counter()
    inits = [batched.stream_seeds(s, streams)["init"] for s in seeds]
    model = StackedModel.from_modules([model_fn(seed=s) for s in inits], dtype=dtype)
    linear = [s for s in model.specs if s[0] == "linear"]
    n_classes, width = linear[-1][2], linear[0][1]
    X, y = batched.check_xy(X_train, y_train, "train", model.takes_ids, n_classes, width)
    test = None if X_test is None and y_test is None else \
        batched.check_xy(X_test, y_test, "test", model.takes_ids, n_classes, width)
    if not model.takes_ids:
        X = X.to(dtype)
    rows = batched.check_rows(subsets, len(seeds), len(y))
    sizes = [len(r) for r in rows]
    check_int("batch_size", batch_size, 1, None if not dp else min(sizes))
    soft = batched.check_soft(soft_targets, len(y), n_classes, dtype)
    order = batched.generators(seeds, "order", streams)
    drop = batched.generators(seeds, "dropout", streams) if any(s[0] == "dropout" for s in model.specs) else None
    opt = (batched.SGD(model.params, lr, momentum, weight_decay) if optimizer == "sgd"
           else batched.Adam(model.params, lr, weight_decay=weight_decay))
    if dp:
        per_epoch = np.array([math.ceil(n / batch_size) for n in sizes])
        rates = 1.0 / per_epoch
        expected = torch.tensor([int(n * q) for n, q in zip(sizes, rates)], dtype=dtype)
        total = per_epoch * epochs
        poisson, noise = batched.generators(seeds, "loader", streams), batched.generators(seeds, "noise", streams)
    losses = np.full(len(seeds), np.nan)
    from tqdm.auto import tqdm
    with torch_threads(num_threads):
        for epoch in tqdm(range(epochs), desc="train_many", disable=not progress):
            totals = torch.zeros(2, len(seeds), dtype=torch.float64)  # loss sum, examples
            if dp:
                batched.start_epoch(poisson)
                for step in range(int(per_epoch.max())):
                    # model k takes ceil(n_k / batch_size) steps per epoch, as Opacus does
                    active = torch.as_tensor(step < per_epoch)
                    idx = batched.poisson_batch(rows, rates, poisson, active)
                    totals += batched.dp_step(model, opt, X, y, idx, active, clip, sigma,
                                              expected, noise, soft, alpha, drop)
            else:
                plan = batched.epoch_batches(rows, batch_size, order)
                for step in range(plan.shape[1]):
                    totals += batched.plain_step(model, opt, X, y, plan[:, step], soft, alpha, drop)
            losses = (totals[0] / totals[1].clamp(min=1)).numpy()
            if on_epoch is not None and on_epoch(epoch, losses):
                break
        train_acc = model.accuracy(X, y, rows)
        test_acc = np.full(len(seeds), np.nan)
        if test is not None:
            test_acc = model.accuracy(test[0] if model.takes_ids else test[0].to(dtype), test[1])
    seconds = time.perf_counter() - start
    extra = {}
    if dp:
        extra = dict(noise_multiplier=sigma, max_grad_norm=clip, sample_rate=rates,
                     steps=total.astype(int))
    return ManyTrainResult(model, seeds, train_acc, test_acc, losses, int(epochs), seconds, **extra)


def train(model: nn.Module, X_train, y_train, X_test=None, y_test=None, *, epochs=10, lr=0.1,
          batch_size=64, momentum=0.0, weight_decay=0.0, seed=0, on_epoch=None, dtype=torch.float32,
          num_threads=None) -> TrainResult:
    """Train ``model`` with mini-batch SGD on ``(X_train, y_train)`` and evaluate it.

    :func:`train_many` with one seed: ``model`` (an ``nn.Sequential`` the batched path
    supports) is trained and its weights are written back in place.

    Parameters
    ----------
    model : torch.nn.Sequential
        Trained in place (returns logits).
    X_train, y_train, X_test, y_test : array-like
        Features (2-d float) and integer labels. Without a test set, test accuracy is NaN.
    epochs, lr, batch_size, momentum, weight_decay : hyper-parameters of SGD.
    seed : int
        Seeds the shuffling (the model's init is seeded where it is built).
    """
    check_loop(model)
    r = train_many(lambda seed: model, X_train, y_train, X_test, y_test, seeds=[seed],
                   epochs=epochs, lr=lr, batch_size=batch_size, momentum=momentum,
                   weight_decay=weight_decay, dtype=dtype, num_threads=num_threads,
                   on_epoch=None if on_epoch is None else
                   (lambda epoch, losses: on_epoch(epoch, float(losses[0]))))
    r.model.load_into(0, model)
    model.eval()
    return TrainResult(float(r.train_accuracy[0]), float(r.test_accuracy[0]),
                       float(r.train_loss[0]), r.epochs, r.seconds)
