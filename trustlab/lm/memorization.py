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

Defenses against memorization while fine-tuning on private text (:func:`fine_tune`):

- ``"dp_sgd"``: DP-SGD (Abadi et al. 2016) through Opacus' ``PrivacyEngine``, via the kit's
  one Opacus path :func:`trustlab.privacy.dpsgd.fit_private`, with ghost clipping (Li et al.
  2022: per-example gradient norms without per-example gradients) for the Linear and Embedding
  layers and per-example gradients for LayerNorm. One sentence is one example, Poisson-sampled;
  σ is chosen by Opacus' RDP accountant so the run spends ``target_epsilon`` at ``delta``. The
  guarantee is per sentence: a canary written r times is protected only at group level, with
  at most r·ε (Dwork and Roth 2014, group privacy; Carlini et al. 2019 find DP-SGD still
  removes measurable exposure).
- ``"dedup"``: drop exact duplicate sentences before training (Kandpal, Wallace and Raffel,
  ICML 2022, "Deduplicating training data mitigates privacy risks in language models").
- ``"early_stopping"``: stop when held-out perplexity stops improving, keep the best epoch
  (Carlini et al. 2019 observe exposure peaks after the validation loss stops improving).
- ``"none"``: plain fine-tuning with Adam.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from trustlab._random import check_seed
from trustlab._validate import abbreviate, check_choice, check_int, check_number
from trustlab.lm.corpus import _check_texts, check_tokenizer, deduplicate
from trustlab.lm.model import check_model
from trustlab.lm.train import train_lm
from trustlab.runtime import torch_threads

__all__ = ["DEFENSES", "DP_SETTINGS", "canary_exposure", "chance_exposure", "extract", "fine_tune", "FineTuneResult", "secret_log_likelihoods"]


def _alphabet(alphabet) -> tuple:
    """``alphabet`` (None: the ten digit words) as a tuple of distinct one-word strings."""
    from trustlab.attacks.utterances import DIGITS

    if alphabet is None:
        return tuple(DIGITS)
    if isinstance(alphabet, str) or not hasattr(alphabet, "__iter__"):
        raise TypeError(f"alphabet must be a list of words, got {abbreviate(alphabet)}")
    alphabet = tuple(alphabet)
    if not alphabet or len(set(alphabet)) != len(alphabet) or not all(
            isinstance(a, str) and len(a.split()) == 1 for a in alphabet):
        raise ValueError(f"alphabet must be a non-empty list of distinct single words, got {abbreviate(alphabet)}")
    return alphabet


def _alphabet_ids(tokenizer, alphabet):
    return torch.tensor([tokenizer.ids(a, "alphabet")[0] for a in alphabet])


def _start(model, tokenizer, prefix, n_secret, n_alphabet=10):
    check_model("model", model)
    check_tokenizer("tokenizer", tokenizer)
    check_int("n_secret", n_secret, 1, 6)
    if n_alphabet ** n_secret > 10**6:
        raise ValueError(f"alphabet ({n_alphabet} words) and n_secret ({n_secret}) give "
                         f"{n_alphabet}^{n_secret} secrets; at most 10^6 are searched")
    ids = [1, *tokenizer.ids(prefix, "prefix")]
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
    alphabet = _alphabet(alphabet)
    seqs = _start(model, tokenizer, prefix, n_secret, len(alphabet))
    alpha = _alphabet_ids(tokenizer, alphabet)
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
    from trustlab.attacks import Canary, exposure

    if not isinstance(canary, Canary):
        raise TypeError(f"canary must be a trustlab.attacks.Canary (make_canaries), got {abbreviate(canary)}")
    alphabet = _alphabet(alphabet)
    missing = [w for w in canary.secret if w not in alphabet]
    if missing:
        raise ValueError(f"alphabet must hold every word of the canary's secret, missing {missing}")
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
    alphabet = _alphabet(alphabet)
    width = check_int("beam_width", beam_width, 1, 1000)
    seqs = _start(model, tokenizer, prefix, n_secret, 1)
    alpha = _alphabet_ids(tokenizer, alphabet)
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


DEFENSES = ("none", "dedup", "early_stopping", "dp_sgd")
#: DP fine-tuning settings, tuned apart from plain fine-tuning: larger batches and learning rate
#: (noise is added once per batch, clipping shrinks the gradient) and at most 4 epochs (each
#: step spends ε, so fewer steps allow less noise for the same ε).
DP_SETTINGS = {"batch_size": 128, "max_grad_norm": 1.0, "lr": 3e-3, "delta": 1e-5, "epochs": 4}


@dataclass(frozen=True)
class FineTuneResult:
    """What a defended fine-tuning run did: sentences used, epochs kept, ε spent, wall time."""

    defense: str
    n_train: int
    epochs: int
    epsilon: float  # inf without DP
    noise_multiplier: float  # 0 without DP
    seconds: float

    def summary(self) -> str:
        """One rounded line."""
        eps = "" if math.isinf(self.epsilon) else \
            f"  epsilon={self.epsilon:.2f} (sigma={self.noise_multiplier:.2f})"
        return f"defense={self.defense}  sentences={self.n_train}  epochs={self.epochs}{eps}"


def fine_tune(model, tokenizer, texts, defense="none", *, heldout=None, epochs=4, lr=1e-3,
              batch_size=32, target_epsilon=8.0, patience=1, seed=0) -> FineTuneResult:
    """Fine-tune ``model`` in place on ``texts`` with one of :data:`DEFENSES`.

    Parameters
    ----------
    model : trustlab.lm.GPT
        A (pre-trained) model, trained in place.
    texts : list of str
        The private sentences (canaries included).
    defense : {"none", "dedup", "early_stopping", "dp_sgd"}
    heldout : list of str
        Held-out sentences; needed by "early_stopping".
    epochs, lr, batch_size : settings of plain fine-tuning ("dp_sgd" uses :data:`DP_SETTINGS`
        for batch size, learning rate, clipping, and at most its own number of epochs).
    target_epsilon : float > 0
        The ε that "dp_sgd" spends (δ = ``DP_SETTINGS["delta"]``).
    """
    check_choice("defense", defense, DEFENSES)
    check_model("model", model)
    check_tokenizer("tokenizer", tokenizer)
    texts = _check_texts("texts", texts)
    check_int("epochs", epochs, 1)
    check_number("lr", lr, 0, None, low_open=True)
    check_int("batch_size", batch_size, 1)
    check_number("target_epsilon", target_epsilon, 0, None, low_open=True)
    check_int("patience", patience, 1)
    check_seed(seed)
    start = time.perf_counter()
    if defense == "dp_sgd":
        return _dp_fine_tune(model, tokenizer, texts, min(epochs, DP_SETTINGS["epochs"]),
                             target_epsilon, seed, start)
    if defense == "dedup":
        texts = deduplicate(texts)
    run = train_lm(texts, tokenizer=tokenizer, model=model, epochs=epochs, lr=lr,
                   batch_size=batch_size, heldout=heldout if defense == "early_stopping" else None,
                   patience=patience if defense == "early_stopping" else None, seed=seed)
    return FineTuneResult(defense, len(texts), run.epochs, math.inf, 0.0,
                          time.perf_counter() - start)


def _dp_fine_tune(model, tokenizer, texts, epochs, target_epsilon, seed, start):
    from trustlab.privacy.accounting import noise_multiplier_for
    from trustlab.privacy.dpsgd import fit_private

    check_number("target_epsilon", target_epsilon, 0, None, low_open=True)
    s = DP_SETTINGS
    X, Y = tokenizer.encode(texts, model.context)
    batches = math.ceil(len(X) / s["batch_size"])
    sigma = noise_multiplier_for(target_epsilon, 1.0 / batches, epochs * batches, delta=s["delta"])
    model.train()  # Opacus validates a model in training mode
    run = fit_private(model, X, Y, noise_multiplier=sigma, max_grad_norm=s["max_grad_norm"],
                      batch_size=min(s["batch_size"], len(X)), epochs=epochs, lr=s["lr"],
                      optimizer="adam", delta=s["delta"], grad_sample_mode="ghost", seed=seed)
    model.eval()
    return FineTuneResult("dp_sgd", len(X), epochs, run.epsilon, run.noise_multiplier,
                          time.perf_counter() - start)

