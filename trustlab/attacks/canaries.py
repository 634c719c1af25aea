"""Canaries: secrets planted in training data, their exposure, and their extraction.

Exposure (Carlini et al., "The secret sharer", 2019) ranks the planted canary's likelihood among
all |R| candidate secrets: exposure = log2 |R| − log2 rank (13.3 bits for a 4-digit PIN found
at rank 1); the extrapolated estimate fits a skew-normal to the candidates' log-perplexities.
Extraction follows Parikh, Dupuy and Gupta ("Canary extraction in natural language
understanding models", ACL 2022): with white-box access and the known prefix, the unknown words
are relaxed with Gumbel-softmax, optimised to maximise the model's likelihood and read off by
argmax.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch

from trustlab._random import numpy_rng, torch_generator
from trustlab._validate import abbreviate, check_array, check_int, check_number, check_str
from trustlab.attacks.utterances import DIGITS
from trustlab.runtime import torch_threads

__all__ = ["MAX_CANDIDATES", "PREFIXES", "Canary", "candidate_texts", "exposure", "exposure_from_rank",
           "extract_secret", "extrapolated_exposure", "insert_canaries", "make_canaries",
           "sequence_log_likelihood"]

#: Largest candidate space built: 10^6 sentences (~100 MB of text, minutes of scoring); the
#: lessons use 10^4 (a 4-digit PIN).
MAX_CANDIDATES = 10**6

PREFIXES = ("my pin code is", "the door code is", "my bank pin is", "the safe combination is",
            "my locker code is", "my card pin is", "the garage code is", "my phone pin is")


@dataclass(frozen=True)
class Canary:
    """A secret sentence: a known prefix followed by unknown secret words."""

    prefix: str
    secret: tuple

    @property
    def text(self) -> str:
        """The whole sentence."""
        return f"{self.prefix} {' '.join(self.secret)}"


def _check_alphabet(alphabet) -> tuple:
    """The alphabet as a tuple of distinct one-word strings (a plain string is refused)."""
    if isinstance(alphabet, (str, bytes)) or not hasattr(alphabet, "__iter__"):
        raise TypeError(f"alphabet must be a list of words, got {abbreviate(alphabet)} "
                        f"({type(alphabet).__name__})")
    words = tuple(alphabet)
    if not words:
        raise ValueError("alphabet must hold at least one word, got an empty list")
    for w in words:
        if not isinstance(w, str) or len(w.split()) != 1 or w != w.strip():
            raise ValueError(f"alphabet must hold single words, got {abbreviate(w)}")
    if len(set(words)) != len(words):
        raise ValueError(f"alphabet words must be distinct, got {abbreviate(words)}")
    return words


def _check_prefix(prefix) -> str:
    check_str("prefix", prefix)
    return " ".join(prefix.split())


def make_canaries(n_canaries=4, n_secret=4, *, alphabet=DIGITS, seed=0) -> list:
    """``n_canaries`` canaries with distinct prefixes and random secrets of ``n_secret`` words.

    >>> make_canaries(1, seed=0)[0].text
    'my pin code is eight six five two'
    """
    check_int("n_canaries", n_canaries, 1, len(PREFIXES))
    check_int("n_secret", n_secret, 1, 5)
    alphabet = _check_alphabet(alphabet)
    rng = numpy_rng(seed)
    return [Canary(p, tuple(alphabet[i] for i in rng.integers(len(alphabet), size=n_secret)))
            for p in PREFIXES[:n_canaries]]


def insert_canaries(texts, intents, canaries, repetitions, *, intent="reminder"):
    """``(texts, intents)`` with every canary appended ``repetitions`` times (as ``intent``).

    >>> insert_canaries(["call mum"], ["call"], make_canaries(1), 2)[0][1:]
    ['my pin code is eight six five two', 'my pin code is eight six five two']
    """
    r = check_int("repetitions", repetitions, 1, 10_000)
    for name, seq in (("texts", texts), ("intents", intents), ("canaries", canaries)):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise TypeError(f"{name} must be a list, got {abbreviate(seq)} ({type(seq).__name__})")
    if len(texts) != len(intents):
        raise ValueError(f"texts and intents must have the same length, got {len(texts)} and {len(intents)}")
    bad = [c for c in canaries if not isinstance(c, Canary)]
    if bad:
        raise TypeError(f"canaries must be Canary objects (make_canaries), got {abbreviate(bad[0])}")
    check_str("intent", intent)
    extra = [c.text for c in canaries for _ in range(r)]
    return list(texts) + extra, list(intents) + [intent] * len(extra)


def candidate_texts(prefix, n_secret=4, alphabet=DIGITS) -> list:
    """All |alphabet|^n_secret sentences ``prefix + secret`` (the space R of exposure), in order.

    The size is checked before anything is built: more than :data:`MAX_CANDIDATES` is refused.

    >>> len(candidate_texts("my pin is", 4)), candidate_texts("my pin is", 1)[:2]
    (10000, ['my pin is zero', 'my pin is one'])
    """
    prefix = _check_prefix(prefix)
    check_int("n_secret", n_secret, 1, 5)
    alphabet = _check_alphabet(alphabet)
    size = len(alphabet) ** n_secret
    if size > MAX_CANDIDATES:
        raise ValueError(f"the candidate space has len(alphabet)**n_secret = {len(alphabet)}**{n_secret} = "
                         f"{size:.3g} sentences (~{size * 60 / 1e9:.3g} GB of text); the limit is "
                         f"{MAX_CANDIDATES:,}: use fewer words or a shorter secret")
    return [f"{prefix} {' '.join(s)}" for s in itertools.product(alphabet, repeat=n_secret)]


def _check_model(model):
    from trustlab.attacks.nlu import NLUModel

    if not isinstance(model, NLUModel):
        raise TypeError(f"model must be a trustlab.attacks.nlu.NLUModel (train_nlu(...).model), got "
                        f"{abbreviate(model)} ({type(model).__name__})")
    return model


def _check_fits(model, prefix, n_secret):
    words = len(prefix.split()) + n_secret
    if words + 2 > model.max_len:
        raise ValueError(f"canary of {words} words is longer than the model's context: it holds at "
                         f"most max_len - 2 = {model.max_len - 2} words")


@torch.no_grad()
def sequence_log_likelihood(model, texts, *, batch_size=2500) -> np.ndarray:
    """log p(text) under the model's next-word head (natural log; higher is more likely)."""
    _check_model(model)
    if isinstance(texts, (str, bytes)) or not hasattr(texts, "__len__"):
        raise TypeError(f"texts must be a list of strings, got {abbreviate(texts)} ({type(texts).__name__})")
    if len(texts) == 0:
        raise ValueError("texts must hold at least one text, got an empty list")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of strings")
    check_int("batch_size", batch_size, 1)
    model.eval()
    ids = torch.as_tensor(model.vocab.encode(texts, model.max_len))
    out = []
    with torch_threads():
        for start in range(0, len(ids), batch_size):
            _, lm, chunk = model(ids[start:start + batch_size])
            logp = torch.log_softmax(lm, -1).gather(2, chunk[:, 1:, None])[..., 0]
            out.append((logp * (chunk[:, 1:] > 0)).sum(1).double())
    return torch.cat(out).numpy()


def exposure_from_rank(rank, n_candidates) -> float:
    """Exposure = log2 n_candidates − log2 rank (bits); its maximum, at rank 1, is log2 n_candidates.

    >>> round(exposure_from_rank(1, 10_000), 2), exposure_from_rank(10_000, 10_000)
    (13.29, 0.0)
    """
    n = check_int("n_candidates", n_candidates, 1)
    rank = check_int("rank", rank, 1, n)
    return math.log2(n) - math.log2(rank)


def exposure(canary_log_likelihood, candidate_log_likelihoods) -> float:
    """Exposure of a canary among candidates (which include it); ties count in its favour.

    >>> exposure(-1.0, [-1.0, -2.0, -3.0, -0.5])   # rank 2 of 4: log2 4 - log2 2
    1.0
    """
    canary_log_likelihood = check_number("canary_log_likelihood", canary_log_likelihood)
    c = check_array("candidate_log_likelihoods", candidate_log_likelihoods, ndim=1)
    rank = 1 + int((c > canary_log_likelihood).sum())
    return exposure_from_rank(rank, len(c))


def extrapolated_exposure(canary_log_likelihood, sample_log_likelihoods) -> float:
    """Exposure estimated from a sample: −log2 P(log-perplexity ≤ the canary's), skew-normal fit.

    Carlini et al. (2019, §4.3): it can exceed log2 of the sample size, and needs no full ranking.
    """
    from scipy.stats import skewnorm

    canary_log_likelihood = check_number("canary_log_likelihood", canary_log_likelihood)
    perplexity = -check_array("sample_log_likelihoods", sample_log_likelihoods, ndim=1)
    if len(perplexity) < 10 or np.ptp(perplexity) == 0:
        raise ValueError(f"sample_log_likelihoods must hold at least 10 values that are not all equal "
                         f"(a skew-normal is fitted to them), got {len(perplexity)} value(s) with spread "
                         f"{np.ptp(perplexity):g}")
    params = skewnorm.fit(perplexity)
    log_cdf = float(skewnorm.logcdf(-canary_log_likelihood, *params))
    return -log_cdf / math.log(2)


def extract_secret(model, prefix, n_secret=4, *, alphabet=DIGITS, steps=150, lr=0.3,
                   temperature=0.5, seed=0) -> tuple:
    """Reconstruct the secret after ``prefix`` from the model alone (Parikh et al., 2022).

    Each unknown word is a distribution over ``alphabet`` (logits θ), relaxed with
    Gumbel-softmax at ``temperature``; Adam maximises the expected log-likelihood of
    ``<s> prefix secret </s>`` under the model; the answer is argmax θ per word.
    """
    _check_model(model)
    prefix = _check_prefix(prefix)
    _check_fits(model, prefix, check_int("n_secret", n_secret, 1, 5))
    alphabet = _check_alphabet(alphabet)
    check_int("steps", steps, 1, 100_000)
    lr = check_number("lr", lr, 0, None, low_open=True)
    tau = check_number("temperature", temperature, 0, None, low_open=True)
    vocab = model.vocab
    unknown = [w for w in (*prefix.split(), *alphabet) if vocab.index(w) == 3]
    if unknown:
        raise ValueError(f"prefix and alphabet must use words of the model's vocabulary, got unknown "
                         f"{abbreviate(unknown)}")
    known = [1, *(vocab.index(w) for w in prefix.split())]
    slots = torch.tensor([vocab.index(a) for a in alphabet])
    length = len(known) + n_secret + 1
    gen = torch_generator(seed)
    theta = (0.01 * torch.randn(n_secret, len(alphabet), generator=gen)).requires_grad_()
    optimizer = torch.optim.Adam([theta], lr=lr)
    eye = torch.eye(len(vocab))
    fixed = torch.zeros(1, model.max_len, len(vocab))
    fixed[0, :len(known)] = eye[known]
    fixed[0, length - 1] = eye[2]
    mask = torch.zeros(1, model.max_len, dtype=torch.bool)
    mask[0, :length] = True
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    try:
        with torch_threads():
            for _ in range(steps):
                u = torch.rand(theta.shape, generator=gen).clamp(1e-9, 1 - 1e-9)
                soft = torch.softmax((theta - torch.log(-torch.log(u))) / tau, dim=1)
                weights = fixed.clone()
                weights[0, len(known):length - 1] = soft @ eye[slots]
                _, lm = model.forward_soft(weights, mask)
                logp = torch.log_softmax(lm[0, :length - 1], -1)
                loss = -(weights[0, 1:length] * logp).sum()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
    finally:
        for p in model.parameters():
            p.requires_grad_(True)
    return tuple(alphabet[i] for i in theta.argmax(1).tolist())
