"""Several NLU models trained at once, one per seed, as one batched computation (torch.func).

The NLU model (:class:`trustlab.attacks.nlu.NLUModel`) is no ``nn.Sequential``, so
:func:`trustlab.training.train_many` cannot stack it: here its K copies' weights are stacked
with ``torch.func.stack_module_state`` and every step runs ``vmap`` over the models. Each model
keeps its own random streams, drawn as ``train_many`` draws them (:mod:`trustlab.batched`): its
initialisation (``NLUModel(seed=s)``), its batch order (a shuffled DataLoader seeded with s) and,
for DP-SGD, its Poisson samples and noise (as Opacus' PrivacyEngine draws them in
:func:`trustlab.privacy.dpsgd.fit_private`), so model k is the one its seed gives alone, up to
float rounding. Dropout masks come from one stream for the whole batch
(``vmap(randomness="different")``): only a dropout model depends on its batch-mates.

DP-SGD (Abadi et al. 2016): each utterance's gradient (``vmap(grad)`` over the examples) is
clipped to L2 norm C, the clipped gradients are summed, N(0, σ²C²) is added to every coordinate
and the sum is divided by the expected batch size; Adam steps on the result (post-processing).
"""

from __future__ import annotations

import contextlib
import copy
import math

import numpy as np
import torch
from torch.func import functional_call, grad, stack_module_state, vmap

from trustlab import batched
from trustlab._validate import check_int, check_number
from trustlab.attacks.nlu import (DEFENSES, NLUModel, NLUTrainResult, Vocabulary, _check_data, _utility,
                                  check_settings, nlu_loss)
from trustlab.runtime import torch_threads

__all__ = ["fit_nlu_many", "train_nlu_many"]


class _Stack:
    """K NLUModels' parameters stacked (leading dimension K) and a loss evaluated per model."""

    def __init__(self, models):
        params, buffers = stack_module_state(models)
        self.names = list(params)
        self.params = [params[n] for n in self.names]
        self.buffers = buffers
        self.base = copy.deepcopy(models[0]).to("meta")

    def _loss(self, params, buffers, ids, y):
        return nlu_loss(functional_call(self.base, (dict(zip(self.names, params)), buffers), (ids,)), y)

    def grads(self, ids, y):
        """Each model's gradient of its mean loss on its batch: ``ids`` (K, B, L), ``y`` (K, B)."""
        return vmap(grad(self._loss), randomness="different")(self.params, self.buffers, ids, y)

    def example_grads(self, ids, y):
        """Per-example gradients ``(K, B, *shape)`` of each example's own loss."""
        def one(params, buffers, ids1, y1):
            return self._loss(params, buffers, ids1[None], y1[None])

        per_model = vmap(grad(one), in_dims=(None, None, 0, 0), randomness="different")
        return vmap(per_model, randomness="different")(self.params, self.buffers, ids, y)

    @torch.no_grad()
    def losses(self, ids, y):
        """Each model's mean loss on its own rows (evaluation mode), ``(K,)``."""
        self.base.eval()
        try:
            return vmap(self._loss)(self.params, self.buffers, ids, y)
        finally:
            self.base.train()

    def write_back(self, models):
        with torch.no_grad():
            for k, model in enumerate(models):
                named = dict(model.named_parameters())
                for name, p in zip(self.names, self.params):
                    named[name].copy_(p[k])


def _gather(X, idx):
    """Rows ``idx`` (K, B; -1 pads, read as row 0) of each model's own data ``X`` (K, n, ...)."""
    return X[torch.arange(len(X))[:, None], idx.clamp(min=0)]


def fit_nlu_many(models, X, y, *, seeds, epochs, lr, batch_size, X_val=None, y_val=None, patience=None,
                 noise_multiplier=None, max_grad_norm=None, num_threads=None):
    """Train ``models`` (K NLUModels) in place with Adam, model k on ``X[k]``, ``y[k]``; return epochs run.

    ``X`` is ``(K, n, max_len)`` ids, ``y`` ``(K, n)`` intents. With ``patience``, model k stops
    once its loss on ``X_val[k]`` has not improved for ``patience`` epochs (early stopping).
    With ``noise_multiplier`` and ``max_grad_norm``, DP-SGD: Poisson sampling at
    q = 1 / ceil(n / batch_size) for ``epochs * ceil(n / batch_size)`` steps, as Opacus does.
    Returns ``(epochs per model, sample rate, steps)``.
    """
    if not models or not all(isinstance(m, NLUModel) for m in models) or len(models) != len(seeds):
        raise TypeError("models must be one NLUModel per seed")
    K, n = X.shape[0], X.shape[1]
    X, y = torch.as_tensor(X), torch.as_tensor(y)
    dp = noise_multiplier is not None
    stack = _Stack(models)
    opt = batched.Adam(stack.params, lr)
    per_epoch = math.ceil(n / batch_size)
    rate, steps = 1.0 / per_epoch, epochs * per_epoch
    done = np.full(K, epochs)
    active = torch.ones(K, dtype=torch.bool)
    best, best_epoch = np.full(K, np.inf), np.zeros(K, dtype=int)
    rng = contextlib.nullcontext() if dp else torch.random.fork_rng(devices=[])
    with rng, torch_threads(num_threads):
        if not dp:  # dropout masks: one stream for the batch, seeded by the first seed
            torch.manual_seed(int(seeds[0]))
            order = batched.generators(seeds, "order")
        else:
            poisson, noise = batched.generators(seeds, "loader"), batched.generators(seeds, "noise")
            expected = torch.full((K,), float(int(n * rate)))
        rows = [torch.arange(n)] * K
        stack.base.train()
        for epoch in range(epochs):
            if dp:
                batched.start_epoch(poisson)
                for _ in range(per_epoch):
                    _dp_step(stack, opt, X, y, rows, rate, poisson, noise, expected, noise_multiplier,
                             max_grad_norm)
            else:
                plan = batched.epoch_batches(rows, batch_size, order)
                for step in range(plan.shape[1]):
                    idx = plan[:, step]
                    idx = idx[:, :int((idx[0] >= 0).sum())]  # equal n: every model's batch has this size
                    grads = stack.grads(_gather(X, idx), _gather(y, idx))
                    opt.step(grads, None if bool(active.all()) else active)
            if patience is not None:
                val = stack.losses(torch.as_tensor(X_val), torch.as_tensor(y_val)).numpy()
                better = active.numpy() & (val < best)
                best[better], best_epoch[better] = val[better], epoch
                stop = active.numpy() & (epoch - best_epoch >= patience)
                done[stop] = epoch + 1
                active &= torch.as_tensor(~stop)
                if not bool(active.any()):
                    break
    stack.write_back(models)
    return done, rate, steps


def _dp_step(stack, opt, X, y, rows, rate, poisson, noise, expected, sigma, clip):
    on = torch.ones(len(rows), dtype=torch.bool)
    idx = batched.poisson_batch(rows, [rate] * len(rows), poisson, on)
    valid = (idx >= 0).float()
    per_example = stack.example_grads(_gather(X, idx), _gather(y, idx))
    norms = torch.sqrt(sum((g.flatten(2) ** 2).sum(-1) for g in per_example))
    factor = (clip / (norms + 1e-6)).clamp(max=1.0) * valid
    grads = []
    for g in per_example:
        summed = torch.einsum("kb,kb...->k...", factor, g)
        if sigma > 0:
            summed = summed + batched.noise(tuple(summed.shape[1:]), sigma * clip, noise, on)
        grads.append(summed / expected.reshape(-1, *([1] * (summed.ndim - 1))))
    opt.step(grads)


def train_nlu_many(data, *, defense="none", target_epsilon=8.0, seeds=(0,), settings=None,
                   num_threads=None) -> list:
    """One :class:`NLUModel` per seed, trained as one batched computation; a list of results.

    ``data`` holds one ``(texts, intents, test)`` per seed (``test``: held-out ``(texts,
    intents)``; every seed's training set must have the same size). The vocabulary and the
    intents are those of all seeds' texts together. Defenses as :func:`train_nlu`.
    """
    from trustlab._validate import check_choice

    check_choice("defense", defense, DEFENSES)
    target_epsilon = check_number("target_epsilon", target_epsilon, 0, 1e6, low_open=True)
    s = check_settings(settings)
    seeds = [int(check_int("seeds", v, 0)) for v in seeds]
    data = [_check_data(*d) for d in data]
    if len(data) != len(seeds) or len({len(d[0]) for d in data}) != 1:
        raise ValueError("data must hold one (texts, intents, test) per seed, the training sets of one size")
    vocab = Vocabulary.build([t for d in data for t in d[0]])
    names = tuple(sorted({i for d in data for i in (*d[1], *d[2][1])}))
    X = np.stack([vocab.encode(d[0], s["max_len"]) for d in data])
    y = np.stack([[names.index(i) for i in d[1]] for d in data])
    X_test = [vocab.encode(d[2][0], s["max_len"]) for d in data]
    y_test = [np.array([names.index(i) for i in d[2][1]]) for d in data]
    models = [NLUModel(vocab, len(names), max_len=s["max_len"], context=s["context"], dim=s["dim"],
                       hidden=s["hidden"], dropout=s["dropout"] if defense == "dropout" else 0.0,
                       char_embeddings=defense == "char_embeddings", seed=k) for k in seeds]
    sigma, eps = 0.0, float("inf")
    kw = dict(seeds=seeds, epochs=s["epochs"], lr=s["lr"], batch_size=s["batch_size"], num_threads=num_threads)
    if defense == "dp_sgd":
        from trustlab.privacy.accounting import epsilon as privacy_epsilon, noise_multiplier_for

        per_epoch = math.ceil(X.shape[1] / s["dp_batch_size"])  # q = 1 / ceil(n / batch), as Opacus
        sigma = noise_multiplier_for(target_epsilon, 1 / per_epoch, s["epochs"] * per_epoch, s["delta"])
        kw.update(lr=s["dp_lr"], batch_size=s["dp_batch_size"], noise_multiplier=sigma,
                  max_grad_norm=s["max_grad_norm"])
    elif defense == "early_stopping":
        if len({len(t) for t in X_test}) != 1:
            raise ValueError("early stopping needs held-out sets of one size for every seed")
        kw.update(X_val=np.stack(X_test), y_val=np.stack(y_test), patience=s["patience"])
    epochs, rate, steps = fit_nlu_many(models, X, y, **kw)
    if defense == "dp_sgd":
        eps = privacy_epsilon(sigma, rate, steps, delta=s["delta"])
    return [NLUTrainResult(m, vocab, names, *_utility(m, Xt, yt), int(e), eps, sigma)
            for m, Xt, yt, e in zip(models, X_test, y_test, epochs)]
