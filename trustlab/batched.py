"""The steps of :func:`trustlab.training.train_many`: batches, losses and optimizers for K models.

Each model keeps its own random streams, so model k is the same whichever other models share
the batch: its batch order (one ``torch.randperm`` per epoch from ``torch_generator(seed)``,
as a shuffled ``DataLoader`` draws it), its Poisson samples and its DP noise (drawn as
Opacus' ``DPDataLoader`` and ``DPOptimizer`` draw them, from generators seeded as
:func:`trustlab.privacy.dpsgd.fit_private` seeds them) and its dropout masks.

DP-SGD here is Abadi et al.'s (2016) step: clip each example's whole gradient to L2 norm C,
sum, add N(0, σ²C²) to every coordinate, divide by the expected batch size. The per-example
norms come from :meth:`trustlab.stacked.StackedModel.sq_norms` (no per-example gradient is
materialised). An empty Poisson batch still takes a noise-only step, as the privacy analysis
assumes.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from trustlab._random import check_seed, torch_generator
from trustlab._validate import check_choice, check_number
from trustlab._validate_training import numeric_tensor

__all__ = ["Adam", "SGD", "check_dp", "check_rows", "check_soft", "check_xy", "dp_step", "epoch_batches", "generators",
           "loss_and_grad", "noise", "plain_step", "poisson_batch", "start_epoch", "stream_seeds", "STREAMS"]


#: How a model's seed becomes its streams. "fit_private" (the default): the model is built with
#: the seed itself and the Poisson loader's and the noise's seeds are drawn as
#: :func:`trustlab.privacy.dpsgd.fit_private` draws them. "train_dp": (init, loader, noise) are
#: drawn as :func:`trustlab.privacy.dpsgd.train_dp` draws them (the loader's seed also orders
#: the non-private twin's batches), so ``train_many(..., seeds=[s], streams="train_dp")``
#: retrains the model of ``train_dp(seed=s)`` and of its twin.
STREAMS = ("fit_private", "train_dp")


def stream_seeds(seed, streams="fit_private") -> dict:
    """The seeds of model ``seed``'s random streams (init, batch order, Poisson sampling, noise, dropout).

    ``loader`` and ``noise`` are the integers :func:`trustlab.privacy.dpsgd.fit_private` (or,
    with ``streams="train_dp"``, ``train_dp``) draws from ``numpy_rng(seed)``, so a batched DP
    run and an Opacus run see the same initial weights, batches and noise.
    """
    seed, streams = check_seed(seed), check_choice("streams", streams, STREAMS)
    dropout = int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])
    if streams == "train_dp":
        init, loader, noise = (int(s) for s in np.random.default_rng(seed).integers(2**31 - 1, size=3))
        return {"init": init, "order": loader, "loader": loader, "noise": noise, "dropout": dropout}
    loader, noise = (int(s) for s in np.random.default_rng(seed).integers(2**31 - 1, size=2))
    return {"init": seed, "order": seed, "loader": loader, "noise": noise, "dropout": dropout}


def start_epoch(generators):
    """Draw what a ``DataLoader`` draws from its generator when an epoch starts (a base seed).

    Every epoch's iterator takes one int64 from the loader's generator before the first batch;
    drawing it here keeps the batched streams equal to ``DataLoader``'s and Opacus'.
    """
    for gen in generators:
        torch.empty((), dtype=torch.int64).random_(generator=gen)


def epoch_batches(subsets, batch_size, generators):
    """Row indices of one epoch's batches for every model: ``(K, steps, batch_size)``, -1 padded.

    Model k shuffles its own rows with ``torch.randperm(n_k, generator=generators[k])`` and
    cuts them into consecutive batches: the order a shuffled ``DataLoader`` gives.
    """
    start_epoch(generators)
    steps = max(math.ceil(len(s) / batch_size) for s in subsets)
    out = torch.full((len(subsets), steps * batch_size), -1, dtype=torch.int64)
    for k, (rows, gen) in enumerate(zip(subsets, generators)):
        out[k, :len(rows)] = rows[torch.randperm(len(rows), generator=gen)]
        # RandomSampler draws a second permutation for the "remainder" (empty here) once its
        # first one is used up: drawn and dropped, so that later epochs stay in step.
        torch.randperm(len(rows), generator=gen)
    return out.reshape(len(subsets), steps, batch_size)


def poisson_batch(subsets, sample_rates, generators, active):
    """One Poisson-sampled batch per model (each row kept with probability q_k): ``(K, B)``, -1 padded.

    Drawn as Opacus' ``UniformWithReplacementSampler`` draws: ``torch.rand(n_k) < q_k``.
    Models whose ``active`` entry is False draw nothing (their batch is empty).
    """
    picked = [rows[torch.rand(len(rows), generator=gen) < q] if on else rows[:0]
              for rows, q, gen, on in zip(subsets, sample_rates, generators, active.tolist())]
    width = max(1, max(len(p) for p in picked))
    out = torch.full((len(subsets), width), -1, dtype=torch.int64)
    for k, p in enumerate(picked):
        out[k, :len(p)] = p
    return out


def loss_and_grad(logits, y, soft=None, alpha=0.0):
    """Each example's loss and its gradient with respect to the logits (``(K, B)``, ``(K, B, C)``).

    Cross-entropy with the labels ``y``; with ``soft`` targets (distillation) the loss is
    α·KL(soft ‖ p) + (1 − α)·cross-entropy, whose gradient is p − (α·soft + (1 − α)·onehot).
    """
    logp = torch.log_softmax(logits, dim=-1)
    nll = -logp.gather(-1, y[..., None])[..., 0]
    target = torch.zeros_like(logits).scatter_(-1, y[..., None], 1.0)
    if soft is None:
        return nll, logp.exp() - target
    kl = (soft * (torch.log(soft + 1e-12) - logp)).sum(-1)
    mix = alpha * soft + (1 - alpha) * target
    return alpha * kl + (1 - alpha) * nll, logp.exp() - mix


def noise(shape, std, generators, active):
    """Gaussian noise N(0, std²) of ``shape`` for every active model, stacked ``(K, *shape)``.

    Drawn per model and per parameter, in parameter order, as Opacus' ``DPOptimizer`` draws
    it (``torch.normal`` in float32); inactive models get zeros and draw nothing.
    """
    return torch.stack([torch.normal(0.0, std, size=shape, generator=g) if on
                        else torch.zeros(shape)
                        for g, on in zip(generators, active.tolist())])


def _shaped(mask, like):
    return mask.reshape(-1, *([1] * (like.ndim - 1)))


class SGD:
    """torch.optim.SGD's update (momentum, L2 weight decay) on stacked parameters, per model."""

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.buffers = [torch.zeros_like(p) for p in params] if momentum else None

    @torch.no_grad()
    def step(self, grads, active=None):
        """One step; models whose ``active`` entry is False keep their weights and state."""
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay:
                g = g + self.weight_decay * p
            if self.momentum:
                new = self.buffers[i] * self.momentum + g
                self.buffers[i] = new if active is None else torch.where(_shaped(active, p), new,
                                                                         self.buffers[i])
                g = new
            update = g * self.lr
            p.sub_(update if active is None else update * _shaped(active, p))


class Adam:
    """torch.optim.Adam's update (bias-corrected moments) on stacked parameters, per model."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.weight_decay = weight_decay
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = torch.zeros(params[0].shape[0], dtype=params[0].dtype)

    @torch.no_grad()
    def step(self, grads, active=None):
        """One step; models whose ``active`` entry is False keep their weights and state."""
        b1, b2 = self.betas
        on = torch.ones_like(self.t) if active is None else active.to(self.t.dtype)
        self.t += on
        t = self.t.clamp(min=1)
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay:
                g = g + self.weight_decay * p
            keep = _shaped(on, p)
            self.m[i] = torch.lerp(self.m[i], b1 * self.m[i] + (1 - b1) * g, keep)
            self.v[i] = torch.lerp(self.v[i], b2 * self.v[i] + (1 - b2) * g * g, keep)
            c1 = _shaped(1 - b1 ** t, p)
            c2 = _shaped((1 - b2 ** t).sqrt(), p)
            p.sub_(keep * self.lr / c1 * self.m[i] / (self.v[i].sqrt() / c2 + self.eps))


def generators(seeds, stream, streams="fit_private"):
    """One torch Generator per model for ``stream`` (see :func:`stream_seeds`)."""
    check_choice("stream", stream, ("init", "order", "loader", "noise", "dropout"))
    return [torch_generator(stream_seeds(s, streams)[stream]) for s in seeds]


def check_rows(subsets, n_models, n_rows):
    """Each model's training rows as index tensors, from None (all), index sets or a (K, n) mask."""
    if subsets is None:
        return [torch.arange(n_rows)] * n_models
    if isinstance(subsets, np.ndarray) and subsets.dtype == bool or \
            torch.is_tensor(subsets) and subsets.dtype == torch.bool:
        mask = torch.as_tensor(np.asarray(subsets))
        if mask.shape != (n_models, n_rows):
            raise ValueError(f"subsets as a mask must have shape (len(seeds), len(X_train)) = "
                             f"{(n_models, n_rows)}, got {tuple(mask.shape)}")
        subsets = [torch.nonzero(row).reshape(-1) for row in mask]
    else:
        subsets = list(subsets)
        if len(subsets) != n_models:
            raise ValueError(f"subsets must hold one index set per seed ({n_models}), got {len(subsets)}")
        out = []
        for k, rows in enumerate(subsets):
            rows = np.asarray(rows)
            if rows.ndim != 1 or not np.issubdtype(rows.dtype, np.integer):
                raise ValueError(f"subsets[{k}] must be a 1-d array of row indices, got dtype "
                                 f"{rows.dtype} and shape {rows.shape}")
            if rows.size and (rows.min() < 0 or rows.max() >= n_rows):
                raise ValueError(f"subsets[{k}] must index rows in [0, {n_rows - 1}], got "
                                 f"[{rows.min()}, {rows.max()}]")
            out.append(torch.as_tensor(rows, dtype=torch.int64))
        subsets = out
    for k, rows in enumerate(subsets):
        if len(rows) == 0:
            raise ValueError(f"subsets[{k}] is empty: every model needs at least one training row")
    return subsets


def check_xy(X, y, name, takes_ids, n_classes=None, n_features=None):
    """``(X, y)`` as tensors after checking shapes, finiteness and labels; errors name ``X_<name>``."""
    X, y = numeric_tensor(f"X_{name}", X), numeric_tensor(f"y_{name}", y)
    if takes_ids:
        if X.is_floating_point() or X.ndim != 2:
            raise ValueError(f"X_{name} must be a 2-d array of integer ids for a model whose first "
                             f"layer is an Embedding, got dtype {X.dtype} and shape {tuple(X.shape)}")
    elif X.ndim != 2:
        raise ValueError(f"X_{name} must be 2-d (rows × features), got shape {tuple(X.shape)}")
    elif not torch.isfinite(X.double()).all():
        raise ValueError(f"X_{name} must hold finite numbers; it has NaN or inf")
    elif n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X_{name} must have {n_features} columns (the model's input width), got {X.shape[1]}")
    if y.ndim != 1 or len(y) != len(X) or len(y) == 0:
        raise ValueError(f"X_{name} and y_{name} must be non-empty and of the same length, got "
                         f"X_{name}{tuple(X.shape)} and y_{name}{tuple(y.shape)}")
    if y.is_floating_point() and not torch.equal(y, y.round()):
        raise ValueError(f"y_{name} must hold integer class labels, got non-integer values")
    y = y.long()
    if n_classes is not None and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"y_{name} must hold labels in [0, {n_classes - 1}] (the model has "
                         f"{n_classes} outputs), got [{int(y.min())}, {int(y.max())}]")
    return X, y

def check_dp(noise_multiplier, max_grad_norm):
    """``(σ, C)`` checked for the batched DP-SGD path (both given). Momentum and weight decay act
    on the noisy gradient, as torch's optimizer does inside Opacus' ``DPOptimizer``."""
    if noise_multiplier is None or max_grad_norm is None:
        raise ValueError("DP-SGD needs both noise_multiplier and max_grad_norm, got "
                         f"noise_multiplier={noise_multiplier!r}, max_grad_norm={max_grad_norm!r}")
    return (check_number("noise_multiplier", noise_multiplier, 0, 1e6),
            check_number("max_grad_norm", max_grad_norm, 0, 1e6, low_open=True))


def check_soft(soft_targets, n_rows, n_classes, dtype):
    """Distillation targets as a ``(n_rows, n_classes)`` tensor of ``dtype`` (None passes through)."""
    if soft_targets is None:
        return None
    soft = torch.as_tensor(np.asarray(soft_targets) if not torch.is_tensor(soft_targets)
                           else soft_targets).to(dtype)
    if soft.shape != (n_rows, n_classes):
        raise ValueError(f"soft_targets must have shape (len(X_train), classes) = "
                         f"{(n_rows, n_classes)}, got {tuple(soft.shape)}")
    if not torch.isfinite(soft).all() or (soft < 0).any():
        raise ValueError("soft_targets must hold probabilities (finite, >= 0)")
    return soft


def _forward_loss(model, X, y, idx, soft, alpha, drop):
    valid = idx >= 0
    width = max(int(valid.sum(1).max()), 1)
    idx, valid = idx[:, :width], valid[:, :width]
    safe = idx.clamp(min=0)
    logits, cache = model.forward(X[safe], drop)
    per_example, grad_logits = loss_and_grad(logits, y[safe], None if soft is None else soft[safe],
                                             alpha)
    vf = valid.to(logits.dtype)
    totals = torch.stack([(per_example.detach() * vf).sum(1), vf.sum(1)]).double()
    return model.backward(cache, grad_logits), vf, totals


def plain_step(model, opt, X, y, idx, soft=None, alpha=0.0, drop=None):
    """One SGD/Adam step of every model on its batch ``idx`` (K, B; -1 pads); (loss sum, count)."""
    pairs, vf, totals = _forward_loss(model, X, y, idx, soft, alpha, drop)
    n_valid = vf.sum(1)
    active = n_valid > 0
    weights = vf / n_valid.clamp(min=1)[:, None]  # each model's mean loss over its batch
    opt.step(model.param_grads(pairs, weights), None if bool(active.all()) else active)
    return totals


def dp_step(model, opt, X, y, idx, active, clip, sigma, expected, noise_generators, soft=None,
            alpha=0.0, drop=None):
    """One DP-SGD step of every active model: clip each example to ``clip``, sum, add noise, average."""
    pairs, vf, totals = _forward_loss(model, X, y, idx, soft, alpha, drop)
    factor = (clip / (model.sq_norms(pairs).sqrt() + 1e-6)).clamp(max=1.0) * vf
    grads = model.param_grads(pairs, factor)
    if sigma > 0:
        grads = [g + noise(tuple(g.shape[1:]), sigma * clip, noise_generators, active).to(g.dtype)
                 for g in grads]
    grads = [g / expected.reshape(-1, *([1] * (g.ndim - 1))) for g in grads]
    opt.step(grads, None if bool(active.all()) else active)
    return totals
