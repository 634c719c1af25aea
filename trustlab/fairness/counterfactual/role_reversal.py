"""Counterfactual role reversal in distillation: a gender-balanced student from a biased teacher.

Gupta et al., "Mitigating Gender Bias in Distilled Language Models via Counterfactual Role
Reversal", Findings of ACL 2022. A word-level teacher LM is trained on text whose pronouns follow
real occupational shares; a smaller student is distilled from it with the loss
α·KL(teacher ‖ student) + (1 − α)·CE(next word). Role reversal (a) modifies the teacher's
next-word distribution p(·|x) by combining it with the swap-mapped p(·|swap(x)) ("mean",
"max" or exponentiated mean, "expmean"), and/or (b) adds swapped copies of a ``swap_ratio``
share of the training sentences (counterfactual data augmentation). How the three combinations
act on probabilities (mean of p and q, elementwise max renormalised, geometric mean
renormalised) is the kit's reading of the paper's description. Teachers and students are
trained for several seeds at once (:func:`trustlab.training.train_many`, Adam): each seed has
its own corpus, teacher, augmentation and student.
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

__all__ = ["MODES", "N_PER_OCCUPATION", "WindowLM", "Vocab", "distill", "distill_many",
           "perplexity", "polarity", "teacher", "teacher_targets", "teachers", "vocabulary"]

#: How the teacher's next-word probabilities are combined with their counterfactual.
MODES = ("none", "mean", "max", "expmean")
PAD = "<s>"
CONTEXT = 3
#: Sentences per occupation in each seed's corpus: 120 (40 per template) put each seed's pronoun
#: rate within about ±0.08 of the occupation's share (60 gave ±0.11); the seeds average it out.
N_PER_OCCUPATION = 120
_TEACHER = {"dim": 32, "hidden": 128, "epochs": 15}
_STUDENT = {"dim": 16, "hidden": 32, "epochs": 20}


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
            unknown = [w for w in words if w not in self.index]
            if unknown:
                raise ValueError(f"sentences must use only the vocabulary's words, got {unknown[:3]}")
            ids = [self.index[PAD]] * CONTEXT + [self.index[w] for w in words]
            for t in range(CONTEXT, len(ids)):
                X.append(ids[t - CONTEXT:t])
                y.append(ids[t])
        return torch.tensor(X, dtype=torch.int64), torch.tensor(y, dtype=torch.int64)


def WindowLM(vocab_size, dim, hidden, generator) -> nn.Sequential:  # noqa: N802 (a model class before)
    """A fixed-window neural LM (Bengio et al. 2003): embed 3 words, one tanh layer, softmax.

    An ``nn.Sequential`` (Embedding, Flatten, Linear, Tanh, Linear) so that
    :func:`trustlab.training.train_many` trains many at once; weights start uniform in ±0.1.
    """
    for name, value in (("vocab_size", vocab_size), ("dim", dim), ("hidden", hidden)):
        check_int(name, value, 1, 1_000_000)
    model = nn.Sequential(nn.Embedding(vocab_size, dim), nn.Flatten(),
                          nn.Linear(CONTEXT * dim, hidden), nn.Tanh(), nn.Linear(hidden, vocab_size))
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-0.1, 0.1, generator=generator)
    return model


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocab:
    """The one vocabulary of every corpus, teacher and student (and every bio word)."""
    corpus = lm_corpus(3, seed=0)  # every template and cue word appears at least once
    words = {w for s in corpus for w in s} | {w for cues in CUES.values() for w in cues}
    words |= set(HE_WORDS + SHE_WORDS) | set(CUES)
    words |= set("checked liked needed found moved new busy large old and every day is".split())
    words |= set("the said that finished early needed of .".split())
    return Vocab(tuple([PAD, *sorted(words)]))


def _train(vocab, corpora, soft, alpha, settings, seeds):
    """K window LMs (one per corpus and seed) as one batched Adam run."""
    from trustlab.training import train_many

    parts = [vocab.contexts(c) for c in corpora]
    X = torch.cat([p[0] for p in parts])
    y = torch.cat([p[1] for p in parts])
    bounds = np.cumsum([0] + [len(p[1]) for p in parts])
    subsets = [np.arange(bounds[k], bounds[k + 1]) for k in range(len(parts))]
    make = functools.partial(_model, len(vocab.words), settings["dim"], settings["hidden"])
    r = train_many(make, X, y, seeds=list(seeds), subsets=subsets, epochs=settings["epochs"],
                   lr=0.02, batch_size=1024, optimizer="adam",
                   soft_targets=None if soft is None else torch.cat(soft), alpha=alpha,
                   dtype=torch.float32)
    return r.model


def _model(vocab_size, dim, hidden, seed):
    return WindowLM(vocab_size, dim, hidden, torch_generator(seed))


@functools.lru_cache(maxsize=4)
def teachers(seeds=(0,), n_per_occupation=N_PER_OCCUPATION):
    """``(stacked teacher LMs, vocab, corpora)``: one corpus and one teacher per seed."""
    seeds = _check_seeds(seeds)
    check_int("n_per_occupation", n_per_occupation, 1, 10_000)
    corpora = [lm_corpus(n_per_occupation, seed=s) for s in seeds]
    vocab = vocabulary()
    return _train(vocab, corpora, None, 0.0, _TEACHER, seeds), vocab, corpora


def teacher(n_per_occupation=N_PER_OCCUPATION, *, seed=0):
    """``(teacher LM, vocab, corpus)`` of one seed (an ``nn.Sequential``; trained once per process)."""
    check_int("n_per_occupation", n_per_occupation, 1, 10_000)
    model, vocab, corpora = teachers((seed,), n_per_occupation)
    return model.member(0), vocab, corpora[0]


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


def _check_seeds(seeds):
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of ints, got {seeds!r:.60}")
    seeds = tuple(check_int("seeds", s, 0) for s in seeds)
    if not 1 <= len(seeds) <= 20:
        raise ValueError(f"seeds must hold 1 to 20 seeds, got {len(seeds)}")
    return seeds


def distill_many(mode="none", swap_ratio=0.0, *, seeds=(0,), alpha=0.5, epochs=None):
    """Students distilled with role reversal ``mode`` and CDA ``swap_ratio``, one per seed.

    Seed k's student learns from seed k's teacher on seed k's corpus, augmented with seed k.
    Returns ``(stacked students, vocab)``.
    """
    check_choice("mode", mode, MODES)
    swap_ratio = check_number("swap_ratio", swap_ratio, 0, 1)
    check_number("alpha", alpha, 0, 1)
    settings = dict(_STUDENT)
    if epochs is not None:
        settings["epochs"] = check_int("epochs", epochs, 1, 100)
    seeds = _check_seeds(seeds)
    big, vocab, corpora = teachers(seeds)
    texts = [[t.split() for t in augment([" ".join(s) for s in c], swap_ratio, seed=s)]
             for c, s in zip(corpora, seeds)]
    soft = [teacher_targets(big.member(k), vocab, vocab.contexts(t)[0], mode)
            for k, t in enumerate(texts)]
    # The student's init and batch order come from seed + 1, as the teacher's come from seed.
    return _train(vocab, texts, soft, alpha, settings, [s + 1 for s in seeds]), vocab


def distill(mode="none", swap_ratio=0.0, *, alpha=0.5, epochs=None, seed=0):
    """One student (an ``nn.Sequential``) distilled from :func:`teacher`; returns ``(student, vocab)``."""
    model, vocab = distill_many(mode, swap_ratio, seeds=(seed,), alpha=alpha, epochs=epochs)
    return model.member(0), vocab


@torch.no_grad()
def polarity(model, vocab) -> dict:
    """Gender polarity per occupation: P(he-words) − P(she-words) after its prompts (0 = balanced).

    Averaged over :func:`~trustlab.fairness.counterfactual.corpus.polarity_prompts`; +1 means
    "always he".
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a window LM (torch module), got {type(model).__name__}")
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
