"""Canary exposure and extraction for the causal transformer (Carlini et al., "The Secret Sharer", 2019).

Carlini, Liu, Erlingsson, Kos and Song (USENIX Security 2019, §4) define the rank of a canary
s[r] as its position among all candidates s[r'], r' in the randomness space R, ordered by the
model's log-perplexity, and its exposure as

    exposure_θ(s[r]) = log2 |R| − log2 rank_θ(s[r]),

so a canary the model ranks first has the maximum exposure log2 |R| (13.3 bits for a 4-digit
PIN, |R| = 10⁴), and a canary the model never saw has a uniformly random rank, whose expected
exposure is log2 |R| − E[log2 rank] ≈ 1/ln 2 ≈ 1.44 bits (:func:`chance_exposure`). The kit
ranks every candidate exactly (no sampling) by log p(secret | prefix): the prefix is shared by
all candidates, so this orders them as the whole sentence's log-perplexity would, except for the
end token, which the kit's reading leaves out. Ties count in the canary's favour
(:func:`trustlab.attacks.exposure`). Extraction is the paper's attack in its simplest form:
decode the secret from the prefix, greedily or by beam search over the secret's alphabet (the
attacker knows the format, "four digits"), and compare with the planted one.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from trustlab._validate import check_int
from trustlab.runtime import torch_threads

__all__ = ["canary_exposure", "chance_exposure", "extract", "secret_log_likelihoods"]


def _alphabet_ids(tokenizer, alphabet):
    return torch.tensor([tokenizer.ids(a)[0] for a in alphabet])


def _start(model, tokenizer, prefix, n_secret):
    check_int("n_secret", n_secret, 1, 6)
    ids = [1, *tokenizer.ids(prefix)]
    if len(ids) + n_secret > model.context:
        raise ValueError(f"canary prefix {prefix!r} ({len(ids)} tokens with the start token) and "
                         f"{n_secret} secret words do not fit the model's context of {model.context}")
    return torch.tensor([ids])


def chance_exposure(n_candidates) -> float:
    """Expected exposure of a canary at a uniformly random rank among ``n_candidates`` (bits).

    log2 N − (1/N) Σ_k log2 k; it tends to 1/ln 2 ≈ 1.44 bits as N grows.

    >>> round(chance_exposure(10_000), 2), round(chance_exposure(1), 2)
    (1.44, 0.0)
    """
    n = check_int("n_candidates", n_candidates, 1)
    return (math.log(n) - math.lgamma(n + 1) / n) / math.log(2)


@torch.no_grad()
def secret_log_likelihoods(model, tokenizer, prefix, n_secret=4, alphabet=None) -> np.ndarray:
    """log p(secret | prefix) for all |alphabet|^n_secret secrets, in ``itertools.product`` order.

    Computed level by level down the tree of partial secrets: 1 + A + … + A^(n−1) short
    sequences instead of A^n full ones (1,111 instead of 10,000 for a 4-digit PIN).
    """
    from trustlab.attacks.utterances import DIGITS

    alphabet = tuple(alphabet or DIGITS)
    alpha = _alphabet_ids(tokenizer, alphabet)
    seqs = _start(model, tokenizer, prefix, n_secret)
    ll = torch.zeros(1, dtype=torch.float64)
    model.eval()
    with torch_threads():
        for _ in range(n_secret):
            logp = torch.log_softmax(model(seqs)[:, -1].double(), dim=-1)[:, alpha]  # (m, A)
            ll = (ll[:, None] + logp).reshape(-1)
            m = len(seqs)
            seqs = torch.cat([seqs.repeat_interleave(len(alpha), 0), alpha.repeat(m)[:, None]], 1)
    return ll.numpy()


def canary_exposure(model, tokenizer, canary, alphabet=None) -> float:
    """Exposure of ``canary`` (a :class:`trustlab.attacks.Canary`) in bits; max log2 |alphabet|^n.

    >>> from trustlab.attacks import make_canaries
    >>> from trustlab.lm.corpus import Tokenizer
    >>> from trustlab.lm.model import GPT, GPTConfig
    >>> canary = make_canaries(1, seed=0)[0]
    >>> tok = Tokenizer.build([canary.text, "zero one two three four five six seven eight nine"])
    >>> untrained = GPT(GPTConfig(len(tok), d_model=16), seed=0)
    >>> 0.0 <= canary_exposure(untrained, tok, canary) <= 13.3
    True
    """
    from trustlab.attacks import exposure
    from trustlab.attacks.utterances import DIGITS

    alphabet = tuple(alphabet or DIGITS)
    ll = secret_log_likelihoods(model, tokenizer, canary.prefix, len(canary.secret), alphabet)
    own = 0
    for word in canary.secret:  # its index in product order
        own = own * len(alphabet) + alphabet.index(word)
    return exposure(ll[own], ll)


@torch.no_grad()
def extract(model, tokenizer, prefix, n_secret=4, *, alphabet=None, beam_width=1) -> tuple:
    """The most likely secret after ``prefix`` by beam search (``beam_width=1``: greedy decoding).

    Keeps the ``beam_width`` partial secrets of highest log-likelihood at each step, choosing each
    next word from ``alphabet``; returns the words of the best complete secret.
    """
    from trustlab.attacks.utterances import DIGITS

    alphabet = tuple(alphabet or DIGITS)
    width = check_int("beam_width", beam_width, 1, 1000)
    alpha = _alphabet_ids(tokenizer, alphabet)
    seqs = _start(model, tokenizer, prefix, n_secret)
    scores = torch.zeros(1, dtype=torch.float64)
    picks = torch.zeros(1, 0, dtype=torch.long)
    model.eval()
    with torch_threads():
        for _ in range(n_secret):
            logp = torch.log_softmax(model(seqs)[:, -1].double(), dim=-1)[:, alpha]
            total = (scores[:, None] + logp).reshape(-1)
            keep = torch.argsort(total, descending=True, stable=True)[:width]
            parent, word = keep // len(alpha), keep % len(alpha)
            scores = total[keep]
            picks = torch.cat([picks[parent], word[:, None]], 1)
            seqs = torch.cat([seqs[parent], alpha[word][:, None]], 1)
    return tuple(alphabet[i] for i in picks[0].tolist())
