"""DP-SGD with Opacus: clip each example's gradient, add Gaussian noise (Abadi et al., 2016).

The Opacus path. :func:`train_dp` trains one of the kit's models with ``opacus.PrivacyEngine``
(Poisson sampling, per-example clipping, seeded Gaussian noise) through the shared loop
:func:`trustlab.training.fit`, and trains the same model with the same loop without DP to
compare accuracy and wall time (:class:`~trustlab.privacy.dpsgd_run.DPTrainResult`).
:func:`fit_private` trains a caller's own model in place the same way (the attacks' DP defenses
use it). The same step written from scratch to teach is
:func:`trustlab.privacy.clipping.clip_and_noise`. This module and
:mod:`trustlab.privacy.accounting` are the only trustlab modules importing opacus.
"""

from __future__ import annotations

import contextlib
import functools
import math
import time
import warnings

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from trustlab._random import numpy_rng, torch_generator
from trustlab._validate import check_choice, check_int, check_number
from trustlab.models import mlp
from trustlab.privacy.accounting import epsilon as privacy_epsilon
from trustlab.privacy.dpsgd_run import DPTrainResult, PrivateFit, as_datasets, timed_fit
from trustlab.training import evaluate, fit

__all__ = ["DEFAULTS", "GRAD_SAMPLE_MODES", "fit_private", "train_dp"]

#: Per-example gradient engines of Opacus 1.6 that work with the kit's models. "ghost"
#: (ghost clipping, Li et al. 2022) computes per-example gradient *norms* only; it is the
#: fastest for the kit's dense models (measured in notebook 11), so it is the default.
GRAD_SAMPLE_MODES = ("ghost", "hooks", "functorch")

#: Tuned defaults for digits (see scripts/make_sweeps.py and notebook 11).
DEFAULTS = {"max_grad_norm": 1.0, "batch_size": 256, "epochs": 20, "lr": 1.0, "momentum": 0.0,
            "hidden": (128,), "grad_sample_mode": "ghost"}


@contextlib.contextmanager
def _opacus_quiet():
    """Silence Opacus' notices that the notebooks explain instead."""
    with warnings.catch_warnings():
        _quiet_filters()
        yield


def _quiet_filters():
    # secure_mode=False warns on every engine: the notebook explains the choice instead.
    warnings.filterwarnings("ignore", message="Secure RNG turned off")
    warnings.filterwarnings("ignore", message=".*full_backward_hook.*")
    # Opacus' σ search warns when the best Rényi order is the largest; ε is still an upper bound.
    warnings.filterwarnings("ignore", message="Optimal order is the largest alpha")
    # functorch per-example gradients (fit_private's NLU embedding layer) on CPU.
    warnings.filterwarnings("ignore", message="In CPU autocast")


def fit_private(model: nn.Module, X, y, *, noise_multiplier, max_grad_norm, batch_size, epochs, lr,
                loss_fn=None, optimizer="sgd", delta=1e-5, grad_sample_mode="hooks", seed=0,
                num_threads=None) -> PrivateFit:
    """Train the caller's ``model`` in place with DP-SGD through ``opacus.PrivacyEngine``.

    Batches are Poisson-sampled at rate q = 1 / ceil(n / batch_size) for
    ``epochs * ceil(n / batch_size)`` steps; each example's gradient is clipped to L2 norm
    ``max_grad_norm`` and Gaussian noise σ·C is added (seeded, ``secure_mode=False``: for
    reproducible teaching only). Training runs through :func:`trustlab.training.fit`. Afterwards
    Opacus' hooks are removed, so ``model`` holds the trained weights and is an ordinary module.

    Parameters
    ----------
    model : torch.nn.Module
        Trained in place; ``loss_fn(model(x), y)`` must be the mean loss over the batch.
    X, y : array-like
        Inputs (float features, or integer ids if ``X`` is an integer array) and int labels:
        one per row, or one per position for sequence models (``y`` of shape ``(n, T)``, one
        sequence is one example; with "ghost", positions labelled -100 are ignored and each
        sequence's loss is the mean over its other positions).
    noise_multiplier : float >= 0
        σ; 0 adds no noise (ε is then infinite).
    optimizer : {"sgd", "adam"}
        Applied to the noisy gradient (post-processing: spends no further ε).
    grad_sample_mode : {"hooks", "functorch", "ghost"}
        Opacus' per-example gradient engine. "hooks" handles Linear/Embedding layers and falls
        back to functorch for a module holding its own parameters; "ghost" needs the default
        cross-entropy loss.

    Examples
    --------
    >>> m = mlp(4, 2, hidden=(), seed=0)
    >>> X, y = np.eye(4, dtype=np.float32).repeat(5, 0), np.arange(20) % 2
    >>> r = fit_private(m, X, y, noise_multiplier=1.0, max_grad_norm=1.0, batch_size=5, epochs=2, lr=0.1)
    >>> r.steps, r.sample_rate, round(r.epsilon, 2), hasattr(m, "_module")
    (8, 0.25, 6.25, False)
    """
    check_number("noise_multiplier", noise_multiplier, 0)
    if math.isinf(noise_multiplier):
        raise ValueError("noise_multiplier must be finite, got inf")
    check_number("max_grad_norm", max_grad_norm, 0, None, low_open=True)
    check_int("epochs", epochs, 1)
    check_number("lr", lr, 0, None, low_open=True)
    check_number("delta", delta, 0, 1, low_open=True, high_open=True)
    check_choice("optimizer", optimizer, ("sgd", "adam"))
    check_choice("grad_sample_mode", grad_sample_mode, GRAD_SAMPLE_MODES)
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if grad_sample_mode == "ghost" and loss_fn is not None:
        raise ValueError("grad_sample_mode='ghost' needs the default cross-entropy loss "
                         f"(Opacus wraps it per example), got loss_fn={loss_fn!r}; use 'hooks'")
    X = torch.as_tensor(np.asarray(X) if not torch.is_tensor(X) else X)
    X = X.long() if not X.is_floating_point() else X.float()
    y = torch.as_tensor(np.asarray(y) if not torch.is_tensor(y) else y, dtype=torch.int64)
    if y.ndim not in (1, 2) or len(X) != len(y) or len(y) == 0:
        raise ValueError(f"X and y must be non-empty with one label per row, got X{tuple(X.shape)} "
                         f"and y{tuple(y.shape)} (a sequence model's y has shape (n, T))")
    n = len(y)
    check_int("batch_size", batch_size, 1, n)
    loader_seed, noise_seed = (int(s) for s in numpy_rng(seed).integers(2**31 - 1, size=2))
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                        generator=torch_generator(loader_seed))
    steps, sample_rate = epochs * len(loader), 1.0 / len(loader)
    opt_class = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimizer]
    opt = opt_class(model.parameters(), lr=lr)
    from opacus import PrivacyEngine

    start = time.perf_counter()
    with _opacus_quiet():
        engine = PrivacyEngine(accountant="rdp", secure_mode=False)
        criterion = nn.CrossEntropyLoss() if loss_fn is None else loss_fn
        parts = engine.make_private(module=model, optimizer=opt, data_loader=loader,
                                    criterion=criterion, noise_multiplier=noise_multiplier,
                                    max_grad_norm=max_grad_norm, grad_sample_mode=grad_sample_mode,
                                    noise_generator=torch_generator(noise_seed), poisson_sampling=True)
        if grad_sample_mode == "ghost":
            dp_model, dp_opt, criterion, dp_loader = parts
            if y.ndim == 2:  # sequences: Opacus needs flat logits and the (batch, T, vocab) shape
                criterion = functools.partial(_sequence_criterion, criterion)
        else:
            dp_model, dp_opt, dp_loader = parts
        try:
            fit(dp_model, dp_loader, dp_opt, epochs, loss_fn=criterion, num_threads=num_threads)
        finally:
            dp_model._close()  # removes Opacus' hooks and per-example gradients from the params
            for p in model.parameters():
                for attr in ("summed_grad", "_forward_counter"):
                    if hasattr(p, attr):
                        delattr(p, attr)
                p.grad = None
    seconds = time.perf_counter() - start
    # Accounted over every sampled step, empty batches included (fit skips those, the analysis not).
    eps = math.inf if noise_multiplier == 0 else \
        privacy_epsilon(noise_multiplier, sample_rate, steps, delta=delta)
    return PrivateFit(steps, sample_rate, float(noise_multiplier), eps, float(delta), seconds)


def _sequence_criterion(criterion, logits, target):
    return criterion(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), shape=logits.shape)


def train_dp(data=None, *, noise_multiplier=None, target_epsilon=None, delta=1e-5,
             max_grad_norm=DEFAULTS["max_grad_norm"], batch_size=DEFAULTS["batch_size"],
             epochs=DEFAULTS["epochs"], lr=DEFAULTS["lr"], momentum=DEFAULTS["momentum"],
             hidden=DEFAULTS["hidden"], grad_sample_mode=DEFAULTS["grad_sample_mode"],
             accountant="rdp", compare_plain=True, plain_lr=None, checkpoints=(), seed=0,
             on_epoch=None, num_threads=None) -> DPTrainResult:
    """Train an MLP with DP-SGD (Opacus) and, for comparison, the same MLP without DP.

    Give exactly one of ``noise_multiplier`` (σ) or ``target_epsilon`` (then Opacus picks σ
    so that the run spends at most that ε). Batches are Poisson-sampled with sample rate
    q = 1 / ceil(n / batch_size), so ``batch_size`` is the *expected* batch size.

    Parameters
    ----------
    data : None, Split, TensorDataset, (train, test) TensorDatasets or (X_train, X_test, y_train, y_test)
        None means ``trustlab.data.load_digits(seed=seed)``.
    noise_multiplier, target_epsilon : float
        Exactly one of them; σ > 0, or ε > 0 (with ``delta`` in (0, 1)).
    max_grad_norm : float
        Clipping norm C > 0 for each example's whole gradient.
    batch_size, epochs, lr, momentum : SGD settings (the same for the non-private twin).
    hidden : tuple of int
        Hidden layer widths of :func:`trustlab.models.mlp`; ``()`` is logistic regression.
    grad_sample_mode : {"ghost", "hooks", "functorch"}
        How Opacus gets per-example gradients (norms only, for "ghost").
    accountant : {"rdp", "prv"}
        Opacus accountant that reports ε (via :func:`trustlab.privacy.accounting.epsilon`).
    compare_plain : bool
        Also train without DP (same model and init, loop, batch size and epochs; a shuffled
        loader instead of Poisson sampling) for the accuracy and the time.
    plain_lr : float, optional
        Learning rate of the non-private twin (default ``lr``). Clipping shrinks DP gradients,
        so DP-SGD's best lr is often too large without clipping.
    checkpoints : iterable of int
        Epochs after which test accuracy and elapsed time are recorded in ``history`` (the run
        after k epochs is the same as a k-epoch run: the lr is constant and seeds are shared).
    seed : int
        Seeds the split, the init, Poisson sampling and the noise. Seeded DP noise is for
        reproducible teaching only: a real deployment uses ``secure_mode=True``.
    on_epoch : callable, optional
        ``on_epoch(epoch, mean_loss)`` after each DP epoch (progress bars).

    Examples
    --------
    >>> r = train_dp(noise_multiplier=1.0, epochs=2, compare_plain=False)
    >>> r.steps, round(r.sample_rate, 4), round(r.epsilon, 2)
    (12, 0.1667, 5.34)
    """
    if (noise_multiplier is None) == (target_epsilon is None):
        raise ValueError("give exactly one of noise_multiplier or target_epsilon, got "
                         f"noise_multiplier={noise_multiplier!r}, target_epsilon={target_epsilon!r}")
    if noise_multiplier is not None:
        check_number("noise_multiplier", noise_multiplier, 0, None, low_open=True)
    else:
        check_number("target_epsilon", target_epsilon, 0, None, low_open=True)
    check_number("delta", delta, 0, 1, low_open=True, high_open=True)
    check_number("max_grad_norm", max_grad_norm, 0, None, low_open=True)
    check_int("epochs", epochs, 1)
    check_number("lr", lr, 0, None, low_open=True)
    check_number("momentum", momentum, 0, 1, high_open=True)
    check_choice("grad_sample_mode", grad_sample_mode, GRAD_SAMPLE_MODES)
    check_choice("accountant", accountant, ("rdp", "prv"))
    if plain_lr is not None:
        check_number("plain_lr", plain_lr, 0, None, low_open=True)
    checkpoints = {check_int("checkpoints", int(c) if isinstance(c, np.integer) else c, 1, epochs)
                   for c in checkpoints}
    train_set, test = as_datasets(data, seed)
    n = len(train_set)
    check_int("batch_size", batch_size, 1, n)
    X, y = train_set.tensors
    classes = int(max(y.max(), -1 if test is None else test[1].max())) + 1
    rng = numpy_rng(seed)
    init_seed, loader_seed, noise_seed = (int(s) for s in rng.integers(2**31 - 1, size=3))

    def make_model():
        return mlp(X.shape[1], classes, hidden=tuple(hidden), seed=init_seed)

    def test_accuracy(model):
        return math.nan if test is None else evaluate(model, *test, num_threads=num_threads)[0]

    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                        generator=torch_generator(loader_seed))
    steps = epochs * len(loader)
    sample_rate = 1.0 / len(loader)
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    from opacus import PrivacyEngine

    with _opacus_quiet():
        engine = PrivacyEngine(accountant=accountant, secure_mode=False)
        kwargs = dict(module=model, optimizer=optimizer, data_loader=loader,
                      criterion=nn.CrossEntropyLoss(), max_grad_norm=max_grad_norm,
                      grad_sample_mode=grad_sample_mode, noise_generator=torch_generator(noise_seed))
        if target_epsilon is not None:
            try:
                parts = engine.make_private_with_epsilon(target_epsilon=target_epsilon,
                                                         target_delta=delta, epochs=epochs, **kwargs)
            except ValueError as exc:
                raise ValueError(
                    f"target_epsilon={target_epsilon:g} is unreachable with delta={delta:g}, "
                    f"sample_rate={sample_rate:.4g} and {steps} steps ({exc}); allow a larger "
                    "target_epsilon, fewer epochs or a smaller batch_size") from None
        else:
            parts = engine.make_private(noise_multiplier=noise_multiplier, **kwargs)
        if grad_sample_mode == "ghost":
            dp_model, dp_optimizer, criterion, dp_loader = parts
        else:
            (dp_model, dp_optimizer, dp_loader), criterion = parts, nn.CrossEntropyLoss()
        seconds, cpu, history = timed_fit(dp_model, dp_loader, dp_optimizer, epochs, criterion,
                                          on_epoch, checkpoints, test_accuracy, num_threads)
    sigma = float(dp_optimizer.noise_multiplier)
    # Accounted over every sampled step, empty batches included (fit skips those, the
    # privacy analysis does not); equals engine.get_epsilon whenever no batch was empty.
    epsilon = privacy_epsilon(sigma, sample_rate, steps, delta=delta, accountant=accountant)
    accuracy = test_accuracy(dp_model)
    plain_acc = plain_seconds = plain_cpu = math.nan
    plain_history = ()
    if compare_plain:
        plain = make_model()
        plain_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                                  generator=torch_generator(loader_seed))
        plain_opt = torch.optim.SGD(plain.parameters(), lr=lr if plain_lr is None else plain_lr,
                                    momentum=momentum)
        plain_seconds, plain_cpu, plain_history = timed_fit(
            plain, plain_loader, plain_opt, epochs, nn.CrossEntropyLoss(), None, checkpoints,
            test_accuracy, num_threads)
        plain_acc = test_accuracy(plain)
    return DPTrainResult(accuracy, epsilon, float(delta), sigma, float(max_grad_norm), sample_rate,
                         int(batch_size), int(epochs), steps, float(lr), grad_sample_mode,
                         accountant, seconds, cpu, plain_acc, plain_seconds, plain_cpu, history,
                         plain_history)
