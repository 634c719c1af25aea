"""What a DP-SGD run reports beside its non-private twin, for one seed (Opacus) or several (batched).

:class:`DPTrainResult` is what :func:`trustlab.privacy.dpsgd.train_dp` returns: accuracy, ε
spent and training time with and without DP; :class:`PrivateFit` is what
:func:`trustlab.privacy.dpsgd.fit_private` did. :func:`timed_fit` runs
:func:`trustlab.training.fit` with wall and CPU time and test accuracy at checkpoints;
:func:`as_datasets` accepts the data forms ``train_dp`` takes. :func:`train_dp_many` is the
fast path beside Opacus: the same run for several seeds as one batched computation
(:func:`trustlab.training.train_many` with ``streams="train_dp"``, so seed s gives the model
``train_dp(seed=s)`` gives), returning per-seed accuracies (:class:`DPSeedsResult`). Comparing a
DP-SGD model with its non-private twin in accuracy and time follows Abadi et al. (2016), Sec. 5;
no opacus here (ε and σ come from Opacus' accountants through :mod:`trustlab.privacy.accounting`).
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

import numpy as np
from torch.utils.data import TensorDataset

from trustlab._validate import check_array
from trustlab.data import Split, load_digits
from trustlab.stats import format_ci, mean_ci
from trustlab.training import as_tensors, fit

__all__ = ["DPSeedsResult", "DPTrainResult", "PrivateFit", "as_datasets", "sequence_criterion", "timed_fit",
           "train_dp_many",
           "train_plain_many"]


@dataclass(frozen=True)
class DPTrainResult:
    """One DP-SGD run and its non-private twin: accuracy, ε spent, δ and training times.

    ``seconds``/``cpu_seconds`` time the DP training loop (wall/CPU, evaluation excluded),
    ``plain_*`` the same for the twin trained without DP (NaN when not trained); ``history``
    holds ``(epoch, test_accuracy, seconds, cpu_seconds)`` at the requested checkpoints.
    """

    test_accuracy: float
    epsilon: float
    delta: float
    noise_multiplier: float
    max_grad_norm: float
    sample_rate: float
    batch_size: int
    epochs: int
    steps: int
    lr: float
    grad_sample_mode: str
    accountant: str
    seconds: float
    cpu_seconds: float
    plain_test_accuracy: float = math.nan
    plain_seconds: float = math.nan
    plain_cpu_seconds: float = math.nan
    history: tuple = ()
    plain_history: tuple = ()

    @property
    def slowdown(self) -> float:
        """DP training CPU time divided by the non-private one (1 means DP costs no time).

        CPU time of this process, not wall time: on a shared machine it does not count the
        time other programs hold the CPU, so the ratio varies less from run to run.
        """
        return self.cpu_seconds / self.plain_cpu_seconds

    def summary(self) -> str:
        """One rounded, deterministic line (wall times vary run to run, so they are left out)."""
        plain = "" if math.isnan(self.plain_test_accuracy) else \
            f"  (non-private {self.plain_test_accuracy:.3f})"
        return (f"epsilon={self.epsilon:.2f} (delta={self.delta:g})  sigma={self.noise_multiplier:.2f}"
                f"  C={self.max_grad_norm:g}  batch={self.batch_size}  epochs={self.epochs}"
                f"  test acc={self.test_accuracy:.3f}{plain}")


@dataclass(frozen=True)
class PrivateFit:
    """What :func:`fit_private` did: steps sampled, sample rate q, ε spent (δ) and wall time."""

    steps: int
    sample_rate: float
    noise_multiplier: float
    epsilon: float  # inf when noise_multiplier is 0 (no privacy guarantee)
    delta: float
    seconds: float

    def summary(self) -> str:
        """One rounded line."""
        return (f"sigma={self.noise_multiplier:g}  q={self.sample_rate:.4g}  steps={self.steps}  "
                f"epsilon={self.epsilon:.2f} (delta={self.delta:g})")


def timed_fit(model, loader, optimizer, epochs, loss_fn, on_epoch, checkpoints, test_accuracy,
              num_threads):
    """``fit`` timed (wall and CPU), with test accuracy recorded after the ``checkpoints`` epochs.

    Returns ``(seconds, cpu_seconds, history)``, history a tuple of
    ``(epoch, test_accuracy, seconds, cpu_seconds)``; evaluation time is not counted.
    """
    history, paused = [], [0.0, 0.0]
    start = (time.perf_counter(), time.process_time())

    def hook(epoch, loss):
        if epoch + 1 in checkpoints:
            t0 = (time.perf_counter(), time.process_time())
            elapsed = [t0[i] - start[i] - paused[i] for i in (0, 1)]
            history.append((epoch + 1, test_accuracy(model), *elapsed))
            model.train()
            paused[0] += time.perf_counter() - t0[0]
            paused[1] += time.process_time() - t0[1]
        return on_epoch(epoch, loss) if on_epoch is not None else None

    fit(model, loader, optimizer, epochs, loss_fn=loss_fn, on_epoch=hook, num_threads=num_threads)
    seconds = time.perf_counter() - start[0] - paused[0]
    cpu = time.process_time() - start[1] - paused[1]
    return seconds, cpu, tuple(history)


def _checked(X, y, part):
    """``(X, y)`` as tensors after checking them: finite 2-d features, integer labels >= 0."""
    X = check_array(f"X_{part}", X.numpy() if hasattr(X, "numpy") else X, ndim=2)
    y = check_array(f"y_{part}", y.numpy() if hasattr(y, "numpy") else y, kind="int", ndim=1,
                    length=len(X), length_name=f"X_{part}", min_value=0)
    return as_tensors(X, y)


def as_datasets(data, seed):
    """``(train TensorDataset, test tensors or None)`` from a Split, datasets or arrays.

    Features must be finite and 2-d, labels integers >= 0 (NaN features or labels such as 0.5
    would otherwise train into a meaningless accuracy).
    """
    if data is None:
        data = load_digits(seed=seed)
    if isinstance(data, Split):
        data = (data.X_train, data.X_test, data.y_train, data.y_test)
    if isinstance(data, TensorDataset):
        data = (data, None)
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], TensorDataset) and (
            data[1] is None or isinstance(data[1], TensorDataset)):
        train, test = data
        test = None if test is None else _checked(*test.tensors, "test")
        return TensorDataset(*_checked(*train.tensors, "train")), test
    if isinstance(data, tuple) and len(data) == 4:
        X_train, X_test, y_train, y_test = data
        return TensorDataset(*_checked(X_train, y_train, "train")), _checked(X_test, y_test, "test")
    raise TypeError("data must be None (digits), a trustlab.data.Split, a TensorDataset, a pair "
                    "(train, test) of TensorDatasets or a tuple (X_train, X_test, y_train, y_test), "
                    f"got {type(data).__name__}")


@dataclass(frozen=True)
class DPSeedsResult:
    """One DP-SGD setting trained with several seeds at once: per-seed accuracies, ε, σ and time.

    ``test_accuracies`` and ``plain_test_accuracies`` (the non-private twins; empty when not
    trained) are in the order of ``seeds``; ``seconds``/``cpu_seconds`` time all seeds together.
    """

    seeds: tuple
    test_accuracies: tuple
    epsilon: float
    delta: float
    noise_multiplier: float
    max_grad_norm: float
    sample_rate: float
    batch_size: int
    epochs: int
    steps: int
    lr: float
    seconds: float
    cpu_seconds: float
    plain_test_accuracies: tuple = ()
    plain_seconds: float = math.nan
    plain_cpu_seconds: float = math.nan

    test_accuracy = property(lambda self: mean_ci(self.test_accuracies),
                             doc="Mean test accuracy and its 95 % interval (:class:`trustlab.stats.Interval`).")
    plain_test_accuracy = property(lambda self: mean_ci(self.plain_test_accuracies) if self.plain_test_accuracies
                                   else None, doc="The non-private twins' mean and interval (None if not trained).")

    def summary(self) -> str:
        """One rounded line with mean ± 95 % interval over the seeds (times are left out)."""
        plain = "" if not self.plain_test_accuracies else \
            f"  (non-private {format_ci(self.plain_test_accuracies, seeds=False)})"
        return (f"epsilon={self.epsilon:.2f} (delta={self.delta:g})  sigma={self.noise_multiplier:.2f}"
                f"  C={self.max_grad_norm:g}  batch={self.batch_size}  epochs={self.epochs}"
                f"  test acc={format_ci(self.test_accuracies)}{plain}")


def train_dp_many(data=None, *, seeds=(0, 1, 2, 3, 4), noise_multiplier=None, target_epsilon=None,
                  delta=1e-5, max_grad_norm=1.0, batch_size=256, epochs=20, lr=1.0, momentum=0.0,
                  hidden=(128,), compare_plain=True, plain_lr=None, on_epoch=None,
                  num_threads=None) -> DPSeedsResult:
    """:func:`~trustlab.privacy.dpsgd.train_dp` for several seeds at once, as one batched computation.

    The fast path beside Opacus: :func:`trustlab.training.train_many` with ``streams="train_dp"``
    trains, for each seed s, the model ``train_dp(data, seed=s, ...)`` trains (same init, Poisson
    batches and noise, and the same non-private twin); a test in ``tests/unit/`` holds them
    equal. σ for a ``target_epsilon`` comes from Opacus' RDP accountant as in ``train_dp``.
    Unlike ``train_dp``, the data split does not follow the seed: ``data=None`` is
    ``load_digits(seed=0)`` for every seed, so the spread is the training's alone.

    >>> r = train_dp_many(noise_multiplier=1.0, epochs=2, seeds=[0, 1], compare_plain=False)
    >>> r.steps, round(r.epsilon, 2), len(r.test_accuracies)
    (12, 5.34, 2)
    """
    from trustlab._validate import check_bool, check_callable, check_number
    from trustlab.privacy.accounting import epsilon as privacy_epsilon
    from trustlab.privacy.accounting import noise_multiplier_for

    if (noise_multiplier is None) == (target_epsilon is None):
        raise ValueError("give exactly one of noise_multiplier or target_epsilon, got "
                         f"noise_multiplier={noise_multiplier!r}, target_epsilon={target_epsilon!r}")
    check_number("delta", delta, 0, 1, low_open=True, high_open=True)
    check_number("max_grad_norm", max_grad_norm, 0, 1e6, low_open=True)
    check_bool("compare_plain", compare_plain)
    if on_epoch is not None:
        check_callable("on_epoch", on_epoch)
    if plain_lr is not None:
        check_number("plain_lr", plain_lr, 0, 100, low_open=True)
    train, n = _trainer(data, seeds, batch_size, epochs, lr, momentum, hidden, num_threads)
    per_epoch = math.ceil(n / batch_size)
    q, steps = 1.0 / per_epoch, epochs * per_epoch
    if noise_multiplier is not None:
        sigma = check_number("noise_multiplier", noise_multiplier, 0, 1e6, low_open=True)
    else:
        sigma = noise_multiplier_for(target_epsilon, q, steps, delta)
    cpu = time.process_time()
    dp = train(lr, noise_multiplier=sigma, max_grad_norm=max_grad_norm, on_epoch=on_epoch)
    cpu = time.process_time() - cpu
    plain = _plain(train, lr if plain_lr is None else plain_lr) if compare_plain else None
    eps = privacy_epsilon(sigma, q, steps, delta=delta)
    return DPSeedsResult(tuple(dp.seeds), _accuracies(dp), eps, float(delta), float(sigma), float(max_grad_norm),
                         q, int(batch_size), int(epochs), steps, float(lr), dp.seconds, cpu,
                         *(() if plain is None else plain))


def _trainer(data, seeds, batch_size, epochs, lr, momentum, hidden, num_threads):
    """``(train, n)``: ``train(lr, **dp)`` runs train_many on the checked data, seeds and schedule."""
    from trustlab._random import check_seed
    from trustlab._validate import check_int, check_number
    from trustlab.models import mlp
    from trustlab.training import train_many

    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of ints, got {seeds!r:.60}")
    seeds = tuple(check_int("seeds", check_seed(s), 0) for s in seeds)
    if not 1 <= len(seeds) <= 64 or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be 1 to 64 distinct ints, got {list(seeds)!r:.60}")
    check_int("epochs", epochs, 1, 1000)
    check_number("lr", lr, 0, 100, low_open=True)
    check_number("momentum", momentum, 0, 1, high_open=True)
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be a tuple of layer widths, got {hidden!r:.60}")
    hidden = tuple(check_int("hidden", h, 1, 4096) for h in hidden)
    train_set, test = as_datasets(load_digits(seed=0) if data is None else data, 0)
    X, y = (t.numpy() for t in train_set.tensors)
    check_int("batch_size", batch_size, 1, len(y))
    classes = int(max(y.max(), -1 if test is None else test[1].max())) + 1
    model_fn = functools.partial(mlp, X.shape[1], classes, hidden=hidden)
    Xt, yt = (None, None) if test is None else (test[0].numpy(), test[1].numpy())
    common = dict(seeds=seeds, epochs=epochs, batch_size=batch_size, momentum=momentum, streams="train_dp",
                  num_threads=num_threads)
    return (lambda lr_, **dp: train_many(model_fn, X, y, Xt, yt, lr=lr_, **common, **dp)), len(y)


def _accuracies(result) -> tuple:
    return tuple(np.round(result.test_accuracy, 12).tolist())  # k/n_test, without float noise


def _plain(train, lr) -> tuple:
    """``(accuracies, wall seconds, CPU seconds)`` of the non-private twins (shuffled batches)."""
    cpu = time.process_time()
    r = train(lr)
    return _accuracies(r), r.seconds, time.process_time() - cpu


def train_plain_many(data=None, *, seeds=(0, 1, 2, 3, 4), batch_size=256, epochs=20, lr=1.0, momentum=0.0,
                     hidden=(128,), num_threads=None) -> tuple:
    """``(accuracies, seconds, cpu_seconds)`` of :func:`train_dp_many`'s twins (``plain_lr=lr``) alone.

    The twin does not depend on σ or C: a sweep trains it once per batch size and epochs."""
    return _plain(_trainer(data, seeds, batch_size, epochs, lr, momentum, hidden, num_threads)[0], lr)


def sequence_criterion(criterion, logits, target):
    """Opacus' ghost-clipping loss on sequences: flat logits and targets, with the batch's shape."""
    return criterion(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), shape=logits.shape)
