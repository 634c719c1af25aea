"""What a trained language model says and how surprised it is: sampling, likelihoods, perplexity.

Sampling draws each next token from softmax(logits / temperature), optionally restricted to the
``top_k`` most likely tokens (Fan, Lewis and Dauphin 2018), with a seeded generator so the same
seed gives the same continuations. Perplexity is exp of the mean next-token cross-entropy over
every predicted token of held-out sentences (end token included, padding excluded): the number
of equally likely words the model is, on average, choosing between (lower is better).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from trustlab._random import torch_generator
from trustlab._validate import check_int, check_number
from trustlab.lm.corpus import IGNORE
from trustlab.runtime import torch_threads

__all__ = ["generate", "log_likelihood", "perplexity", "token_nll"]


def _check_prompt(model, tokenizer, prompt, new_tokens):
    ids = [1, *tokenizer.ids(prompt)]
    if len(ids) + new_tokens > model.context:
        raise ValueError(f"prompt {prompt!r} ({len(ids)} tokens with the start token) plus "
                         f"{new_tokens} new tokens is longer than the model's context of "
                         f"{model.context} tokens")
    return ids


@torch.no_grad()
def generate(model, tokenizer, prompt, *, n_samples=1, max_new_tokens=8, temperature=1.0,
             top_k=None, seed=0) -> list:
    """``n_samples`` continuations of ``prompt`` (strings without the prompt), seeded.

    Each continuation ends at the end token or after ``max_new_tokens`` tokens.

    Parameters
    ----------
    prompt : str
        Words of the model's vocabulary; with the start token and ``max_new_tokens`` it must fit
        the model's context.
    temperature : float > 0
        Divides the logits: below 1 sharpens the distribution, above 1 flattens it.
    top_k : int or None
        Sample only among the ``top_k`` most likely tokens (None: all of them).
    seed : int
        Seeds the sampling generator: the same seed gives the same continuations.
    """
    n = check_int("n_samples", n_samples, 1, 100_000)
    new = check_int("max_new_tokens", max_new_tokens, 1)
    check_number("temperature", temperature, 0, None, low_open=True)
    if top_k is not None:
        check_int("top_k", top_k, 1, len(tokenizer))
    x = torch.tensor([_check_prompt(model, tokenizer, prompt, new)]).repeat(n, 1)
    gen = torch_generator(seed)
    model.eval()
    with torch_threads():
        for _ in range(new):
            logits = model(x)[:, -1] / temperature
            if top_k is not None:
                kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            nxt = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=gen)
            x = torch.cat([x, nxt], dim=1)
            if (x == 2).any(dim=1).all():
                break
    start = len(tokenizer.ids(prompt)) + 1
    return [tokenizer.decode(row[start:]) for row in x.tolist()]


@torch.no_grad()
def token_nll(model, tokenizer, texts, *, batch_size=1024) -> tuple:
    """``(summed next-token negative log-likelihood per sentence, tokens per sentence)`` (natural log)."""
    X, Y = tokenizer.encode(texts, model.context)
    X, Y = torch.as_tensor(X), torch.as_tensor(Y)
    model.eval()
    out = []
    with torch_threads():
        for s in range(0, len(X), batch_size):
            logits = model(X[s:s + batch_size])
            nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2), Y[s:s + batch_size],
                                                    reduction="none", ignore_index=IGNORE)
            out.append(nll.sum(1).double())
    return torch.cat(out).numpy(), (Y != IGNORE).sum(1).numpy()


def log_likelihood(model, tokenizer, texts) -> np.ndarray:
    """log p(sentence) under the model, start to end token (natural log; higher is more likely)."""
    return -token_nll(model, tokenizer, texts)[0]


def perplexity(model, tokenizer, texts) -> float:
    """exp(mean next-token cross-entropy) over ``texts`` (1 is perfect; lower is better).

    >>> from trustlab.lm.corpus import Tokenizer
    >>> from trustlab.lm.model import GPT, GPTConfig
    >>> tok = Tokenizer.build(["a b", "b a"])
    >>> untrained = GPT(GPTConfig(len(tok), context=4, d_model=8), seed=0)
    >>> round(perplexity(untrained, tok, ["a b"]), 1)   # near len(tok) = 5: it knows nothing yet
    5.0
    """
    nll, count = token_nll(model, tokenizer, texts)
    return math.exp(float(nll.sum()) / float(count.sum()))
