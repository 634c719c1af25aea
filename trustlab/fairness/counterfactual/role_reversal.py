"""Counterfactual role reversal in distillation: a gender-balanced student from a biased teacher.

Gupta et al., "Mitigating Gender Bias in Distilled Language Models via Counterfactual Role
Reversal", Findings of ACL 2022. A word-level teacher LM is trained on text whose pronouns follow
real occupational shares; a smaller student is distilled from it with the loss
α·KL(teacher ‖ student) + (1 − α)·CE(next word). Role reversal (a) modifies the teacher's
next-word distribution p(·|x) by combining it with the swap-mapped p(·|swap(x)) ("mean",
"max" or exponentiated mean, "expmean"), and/or (b) adds swapped copies of a ``swap_ratio``
share of the training sentences (counterfactual data augmentation).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from trustlab._random import torch_generator
from trustlab._validate import check_choice, check_int, check_number
from trustlab.fairness.counterfactual.corpus import (CUES, HE_WORDS, SHE_WORDS, lm_corpus,
                                                     polarity_prompts)
from trustlab.fairness.counterfactual.swaps import augment
from trustlab.runtime import torch_threads

__all__ = ["MODES", "WindowLM", "Vocab", "distill", "perplexity", "polarity", "teacher",
           "teacher_targets"]

#: How the teacher's next-word probabilities are combined with their counterfactual.
MODES = ("none", "mean", "max", "expmean")
PAD = "<s>"
CONTEXT = 3


@dataclass(frozen=True, eq=False)
class Vocab:
    """Word list, index and the permutation that swaps gendered words (he↔she, his↔her)."""

    words: tuple

    @functools.cached_property
    def index(self) -> dict:
        return {w: i for i, w in enumerate(self.words)}

    @functools.cached_property
    def swap(self) -> np.ndarray:
        perm = np.arange(len(self.words))
        for a, b in zip(HE_WORDS, SHE_WORDS):
            perm[self.index[a]], perm[self.index[b]] = self.index[b], self.index[a]
        return perm

    def contexts(self, sentences):
        """``(X, y)``: every word of every sentence with its ``CONTEXT`` previous words (padded)."""
        X, y = [], []
        for words in sentences:
            ids = [self.index[PAD]] * CONTEXT + [self.index[w] for w in words]
            for t in range(CONTEXT, len(ids)):
                X.append(ids[t - CONTEXT:t])
                y.append(ids[t])
        return torch.tensor(X, dtype=torch.int64), torch.tensor(y, dtype=torch.int64)


class WindowLM(nn.Module):
    """A fixed-window neural LM (Bengio et al. 2003): embed 3 words, one tanh layer, softmax."""

    def __init__(self, vocab_size, dim, hidden, generator):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.hidden = nn.Linear(CONTEXT * dim, hidden)
        self.out = nn.Linear(hidden, vocab_size)
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-0.1, 0.1, generator=generator)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(self.embed(x).flatten(1))))


def _fit(model, X, y, soft, alpha, epochs, seed, lr=0.02, batch_size=1024):
    gen = torch_generator(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    with torch_threads(None):
        for _ in range(epochs):
            for idx in torch.randperm(len(y), generator=gen).split(batch_size):
                logp = torch.log_softmax(model(X[idx]), dim=1)
                loss = nn.functional.nll_loss(logp, y[idx])
                if soft is not None:
                    kl = (soft[idx] * (torch.log(soft[idx] + 1e-12) - logp)).sum(1).mean()
                    loss = alpha * kl + (1 - alpha) * loss
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
    return model.eval()


@functools.lru_cache(maxsize=2)
def teacher(n_per_occupation=60, *, seed=0):
    """``(teacher LM, vocab, corpus)``, trained once per process (a few seconds).

    The vocabulary also holds every bio word, so students can embed bios.
    """
    corpus = lm_corpus(n_per_occupation, seed=seed)
    extra = {w for cues in CUES.values() for w in cues} | set(HE_WORDS + SHE_WORDS)
    extra |= set("checked liked needed found moved new busy large old and every day is".split())
    vocab = Vocab(tuple([PAD, *sorted({w for s in corpus for w in s} | extra)]))
    X, y = vocab.contexts(corpus)
    model = WindowLM(len(vocab.words), 32, 128, torch_generator(seed))
    return _fit(model, X, y, None, 0.0, 30, seed), vocab, corpus


@torch.no_grad()
def teacher_targets(model, vocab, X, mode="none"):
    """Teacher next-word probabilities for contexts ``X``, made gender-balanced by ``mode``.

    ``mean`` averages p(·|x) with the swap-mapped p(·|swap(x)); ``max`` takes their elementwise
    maximum and ``expmean`` their geometric mean, both renormalized; ``none`` returns p(·|x).
    """
    check_choice("mode", mode, MODES)
    p = torch.softmax(model(X), dim=1)
    if mode == "none":
        return p
    swap = torch.as_tensor(vocab.swap)
    q = torch.softmax(model(swap[X]), dim=1)[:, swap]  # q(w | x) = p(swap(w) | swap(x))
    if mode == "mean":
        return (p + q) / 2
    combined = torch.maximum(p, q) if mode == "max" else torch.sqrt(p * q)
    return combined / combined.sum(1, keepdim=True)


def distill(mode="none", swap_ratio=0.0, *, alpha=0.5, dim=16, hidden=32, epochs=40, seed=0):
    """A student LM distilled from :func:`teacher` with role reversal ``mode`` and CDA ``swap_ratio``.

    Returns ``(student, vocab)``.
    """
    check_choice("mode", mode, MODES)
    swap_ratio = check_number("swap_ratio", swap_ratio, 0, 1)
    check_number("alpha", alpha, 0, 1)
    check_int("epochs", epochs, 1, 100)
    big, vocab, corpus = teacher(seed=seed)
    texts = augment([" ".join(s) for s in corpus], swap_ratio, seed=seed)
    X, y = vocab.contexts([t.split() for t in texts])
    soft = teacher_targets(big, vocab, X, mode)
    student = WindowLM(len(vocab.words), dim, hidden, torch_generator(seed + 1))
    return _fit(student, X, y, soft, alpha, epochs, seed + 1), vocab


@torch.no_grad()
def polarity(model, vocab) -> dict:
    """Gender polarity per occupation: P(he-words) − P(she-words) after its prompts (0 = balanced).

    Averaged over :func:`~trustlab.fairness.counterfactual.corpus.polarity_prompts`; +1 means
    "always he".
    """
    he = [vocab.index[w] for w in HE_WORDS]
    she = [vocab.index[w] for w in SHE_WORDS]
    out = {}
    for occ in CUES:
        X = torch.tensor([[vocab.index[w] for w in p[-CONTEXT:]] for p in polarity_prompts(occ)])
        p = torch.softmax(model(X), dim=1)
        out[occ] = float((p[:, he].sum(1) - p[:, she].sum(1)).mean())
    return out


@torch.no_grad()
def perplexity(model, vocab, sentences) -> float:
    """exp(mean next-word cross-entropy) on ``sentences`` (lower is a better language model)."""
    X, y = vocab.contexts(sentences)
    return float(torch.exp(nn.functional.cross_entropy(model(X), y)))
