"""What a DP-SGD run reports beside its non-private twin, and the timed loop that measures both.

:class:`DPTrainResult` is what :func:`trustlab.privacy.dpsgd.train_dp` returns: accuracy, ε
spent and training time with and without DP; :class:`PrivateFit` is what
:func:`trustlab.privacy.dpsgd.fit_private` did. :func:`timed_fit` runs
:func:`trustlab.training.fit` with wall and CPU time and test accuracy at checkpoints;
:func:`as_datasets` accepts the data forms ``train_dp`` takes. Comparing a DP-SGD model with
its non-private twin in accuracy and time follows Abadi et al. (2016), Sec. 5; no opacus here.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from torch.utils.data import TensorDataset

from trustlab.data import Split, load_digits
from trustlab.training import as_tensors, fit

__all__ = ["DPTrainResult", "PrivateFit", "as_datasets", "timed_fit"]


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


def as_datasets(data, seed):
    """``(train TensorDataset, test tensors or None)`` from a Split, datasets or arrays."""
    if data is None:
        data = load_digits(seed=seed)
    if isinstance(data, Split):
        data = (data.X_train, data.X_test, data.y_train, data.y_test)
    if isinstance(data, TensorDataset):
        data = (data, None)
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], TensorDataset):
        train, test = data
        X, y = as_tensors(*train.tensors)
        test = None if test is None else as_tensors(*test.tensors)
        return TensorDataset(X, y), test
    if isinstance(data, tuple) and len(data) == 4:
        X_train, X_test, y_train, y_test = data
        return TensorDataset(*as_tensors(X_train, y_train)), as_tensors(X_test, y_test)
    raise TypeError("data must be None (digits), a trustlab.data.Split, a TensorDataset, a pair "
                    "(train, test) of TensorDatasets or a tuple (X_train, X_test, y_train, y_test), "
                    f"got {type(data).__name__}")
