"""Seeded training of the causal transformer through the kit's one loop, with early stopping.

:func:`train_lm` builds a :class:`~trustlab.lm.model.GPT` (or continues training one: that is
fine-tuning) and runs :func:`trustlab.training.fit` with Adam on next-token cross-entropy.
``trustlab.training.make_loader`` is not used: it casts inputs to float features and wants one
label per row, while a language model reads integer token ids and predicts one token per
position; :func:`sequence_loader` is its seeded twin for ``(ids, targets)``. Early stopping
(``patience``) evaluates held-out perplexity after each epoch, stops once it has not improved
for ``patience`` epochs, and restores the best weights.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, TensorDataset

from trustlab._random import check_seed, torch_generator
from trustlab._validate import abbreviate, check_array, check_int, check_keys, check_number
from trustlab.lm.corpus import IGNORE, Tokenizer, _check_texts, check_tokenizer
from trustlab.lm.model import GPT, GPTConfig, check_model, perplexity
from trustlab.training import fit

__all__ = ["DEFAULT_CONFIG", "LMTrainResult", "sequence_loader", "sequence_loss", "train_lm"]

#: The kit's model: 2 layers, 2 heads, width 48, 16 tokens of context, float64 (~60k weights
#: plus embeddings); one model trains on ~2,000 sentences in seconds on one core.
DEFAULT_CONFIG = {"context": 16, "n_layer": 2, "n_head": 2, "d_model": 48, "dtype": "float64"}


@dataclass(frozen=True, eq=False)
class LMTrainResult:
    """A trained model, its tokenizer, the epochs it ran and its held-out perplexity."""

    model: GPT
    tokenizer: Tokenizer
    epochs: int
    train_loss: float
    perplexity: float  # on held-out text, NaN without it
    seconds: float

    def summary(self) -> str:
        """One rounded line (wall time left out: it varies run to run)."""
        return (f"epochs={self.epochs}  train loss={self.train_loss:.2f}  "
                f"held-out perplexity={self.perplexity:.2f}")


def sequence_loss(logits, targets):
    """Mean over sentences of each sentence's mean next-token cross-entropy (padding ignored).

    One sentence is one example, so its loss is a function of that sentence alone: what
    per-example clipping in DP-SGD needs.
    """
    if not isinstance(logits, torch.Tensor) or logits.ndim != 3:
        raise TypeError(f"logits must be a (sentences, tokens, vocab) torch tensor, got {abbreviate(logits)}")
    if not isinstance(targets, torch.Tensor) or tuple(targets.shape) != tuple(logits.shape[:2]):
        raise ValueError(f"targets must be a torch tensor of shape {tuple(logits.shape[:2])} (logits' "
                         f"first two), got {abbreviate(targets)}")
    nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2), targets, reduction="none",
                                            ignore_index=IGNORE)
    counts = (targets != IGNORE).sum(1).clamp(min=1)
    return (nll.sum(1) / counts).mean()


def sequence_loader(X, Y, batch_size=64, *, seed=0) -> DataLoader:
    """A seeded, shuffling DataLoader over token ids ``X`` and targets ``Y`` (int arrays)."""
    X = check_array("X", X, kind="int", ndim=2, min_value=0)
    Y = check_array("Y", Y, kind="int", ndim=2)
    if Y.shape != X.shape:
        raise ValueError(f"Y must have the shape of X {X.shape}, got {Y.shape}")
    X, Y = torch.as_tensor(X, dtype=torch.int64), torch.as_tensor(Y, dtype=torch.int64)
    check_int("batch_size", batch_size, 1)
    check_seed(seed)
    return DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=True,
                      generator=torch_generator(seed))


def train_lm(texts, *, tokenizer=None, model=None, config=None, epochs=20, lr=3e-3, batch_size=64,
             heldout=None, patience=None, seed=0, num_threads=None) -> LMTrainResult:
    """Train a causal transformer on ``texts`` (one sentence per example), seeded.

    Parameters
    ----------
    texts : list of str
        Training sentences; must not be empty, each must fit the context.
    tokenizer : Tokenizer, optional
        Default: the vocabulary of ``texts`` (and ``heldout``).
    model : GPT, optional
        Continue training this model (fine-tuning; trained in place). Default: a new model.
    config : dict, optional
        :class:`~trustlab.lm.model.GPTConfig` sizes overriding :data:`DEFAULT_CONFIG`.
    epochs, lr, batch_size : Adam settings.
    heldout : list of str, optional
        Held-out sentences for the perplexity in the result (and for early stopping).
    patience : int, optional
        Early stopping: stop once held-out perplexity has not improved for ``patience`` epochs
        and keep the best epoch's weights (needs ``heldout``).
    seed : int
        Seeds the initial weights and the shuffling.
    """
    texts = _check_texts("texts", texts)
    heldout = None if heldout is None else _check_texts("heldout", heldout)
    check_int("epochs", epochs, 1)
    check_number("lr", lr, 0, None, low_open=True)
    check_int("batch_size", batch_size, 1)
    check_seed(seed)
    if tokenizer is not None:
        check_tokenizer("tokenizer", tokenizer)
    if model is not None:
        check_model("model", model)
    if config is not None:
        check_keys("config", config, [k for k in DEFAULT_CONFIG if k != "vocab_size"])
    if patience is not None:
        check_int("patience", patience, 1)
        if heldout is None:
            raise ValueError("patience (early stopping) needs heldout sentences to watch, got heldout=None")
    tokenizer = tokenizer or Tokenizer.build(list(texts) + list(heldout or []))
    if model is None:
        model = GPT(GPTConfig(len(tokenizer), **{**DEFAULT_CONFIG, **(config or {})}), seed=seed)
    elif config is not None:
        raise ValueError("give either model (to fine-tune) or config (for a new model), not both")
    X, Y = tokenizer.encode(texts, model.context)
    loader = sequence_loader(X, Y, batch_size, seed=seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    best = {"ppl": math.inf, "state": None, "epoch": 0, "ran": 0}

    def on_epoch(epoch, _loss):
        best["ran"] = epoch + 1
        if patience is None:
            return False
        ppl = perplexity(model, tokenizer, heldout)
        model.train()
        if ppl < best["ppl"]:
            best.update(ppl=ppl, state=copy.deepcopy(model.state_dict()), epoch=epoch + 1)
        return epoch + 1 - best["epoch"] >= patience

    start = time.perf_counter()
    loss = fit(model, loader, optimizer, epochs, loss_fn=sequence_loss, on_epoch=on_epoch, seed=seed,
               num_threads=num_threads)
    if best["state"] is not None:
        model.load_state_dict(best["state"])
    seconds = time.perf_counter() - start
    model.eval()
    ppl = math.nan if heldout is None else perplexity(model, tokenizer, heldout)
    epochs_run = best["epoch"] if patience is not None else best["ran"]
    return LMTrainResult(model, tokenizer, epochs_run, float(loss), ppl, seconds)
