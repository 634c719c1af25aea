"""A small causal transformer language model in plain torch, in the spirit of nanoGPT.

Decoder-only transformer (Vaswani et al. 2017; GPT-2's pre-LayerNorm blocks, Radford et al.
2019): token and position embeddings, ``n_layer`` blocks of masked multi-head self-attention and
an MLP, each wrapped in a residual connection, and a linear head giving next-token logits. The
causal mask lets position t attend to positions ≤ t only, so the model defines
p(x_1 … x_n) = Π_t p(x_t | x_<t). Written to be read top to bottom (Karpathy's nanoGPT is the
model to emulate, not a library to vendor) and to work with Opacus' per-example gradients:
every parameter lives in an ``nn.Linear``, ``nn.Embedding`` or ``nn.LayerNorm``.

What the trained model says and how surprised it is (nanoGPT keeps ``generate`` beside the
model too): sampling draws each next token from softmax(logits / temperature), optionally
restricted to the ``top_k`` most likely tokens (Fan, Lewis and Dauphin 2018), with a seeded
generator so the same seed gives the same continuations. Perplexity is exp of the mean
next-token cross-entropy over every predicted token of held-out sentences (end token
included, padding excluded): the number of equally likely words the model is, on average,
choosing between (lower is better).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from trustlab._random import check_seed, torch_generator
from trustlab._validate import abbreviate, check_choice, check_int, check_number
from trustlab.lm.corpus import IGNORE, check_tokenizer
from trustlab.runtime import torch_threads

__all__ = ["DTYPES", "GPT", "GPTConfig", "generate", "log_likelihood", "perplexity", "token_nll"]

#: float64 is the default: the kit's models are tiny, and double precision keeps printed numbers
#: identical across CPU kernels (AVX2 or not) after hundreds of training steps.
DTYPES = {"float64": torch.float64, "float32": torch.float32}


@dataclass(frozen=True)
class GPTConfig:
    """Sizes of a :class:`GPT`: vocabulary, context length (tokens), layers, heads, width."""

    vocab_size: int
    context: int = 16
    n_layer: int = 2
    n_head: int = 2
    d_model: int = 48
    dtype: str = "float64"

    def __post_init__(self):
        check_int("vocab_size", self.vocab_size, 4)
        check_int("context", self.context, 2, 512)
        check_int("n_layer", self.n_layer, 1, 12)
        check_int("n_head", self.n_head, 1, 16)
        check_int("d_model", self.d_model, 1, 1024)
        check_choice("dtype", self.dtype, tuple(DTYPES))
        if self.d_model % self.n_head:
            raise ValueError(f"d_model must be a multiple of n_head, got d_model={self.d_model} "
                             f"and n_head={self.n_head}")

    def to_dict(self) -> dict:
        """The sizes as a JSON-able dict (cache keys)."""
        return asdict(self)


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t sees only positions ≤ t."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.proj = nn.Linear(config.d_model, config.d_model)
        mask = torch.tril(torch.ones(config.context, config.context, dtype=torch.bool))
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # (B, T, C) -> (B, heads, T, head size)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.n_head)
        att = att.masked_fill(~self.mask[:T, :T], float("-inf"))  # the future is invisible
        y = torch.softmax(att, dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    """One transformer block: x + attention(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(config.d_model)
        self.attn = CausalSelfAttention(config)
        self.ln2 = nn.LayerNorm(config.d_model)
        self.mlp = nn.Sequential(nn.Linear(config.d_model, 4 * config.d_model), nn.GELU(),
                                 nn.Linear(4 * config.d_model, config.d_model))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    """A causal transformer LM: token ids ``(batch, T)`` -> next-token logits ``(batch, T, vocab)``.

    Weights are drawn from N(0, 0.02²) with a generator seeded by ``seed`` (biases zero,
    LayerNorms one/zero, as in GPT-2), so the same seed gives the same model on any machine.

    >>> model = GPT(GPTConfig(vocab_size=10, context=8, d_model=16), seed=0)
    >>> model(torch.zeros(3, 5, dtype=torch.long)).shape
    torch.Size([3, 5, 10])
    """

    def __init__(self, config: GPTConfig, *, seed=0):
        if not isinstance(config, GPTConfig):
            raise TypeError(f"config must be a GPTConfig, got {abbreviate(config)} ({type(config).__name__})")
        check_seed(seed)
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.d_model)
        self.pos_emb = nn.Embedding(config.context, config.d_model)
        self.blocks = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.d_model)
        self.head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        self.to(DTYPES[config.dtype])
        gen = torch_generator(seed)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith("bias"):
                    p.zero_()
                elif ".ln" in name or name.startswith("ln_"):
                    p.fill_(1.0)
                else:
                    p.normal_(0.0, 0.02, generator=gen)

    @property
    def context(self) -> int:
        """The longest input the model takes, in tokens."""
        return self.config.context

    def num_parameters(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters())

    def forward(self, idx):
        if idx.ndim != 2:
            raise ValueError("idx must be a (batch, tokens) tensor of token ids, got shape "
                             f"{tuple(idx.shape)}")
        B, T = idx.shape
        if T > self.config.context:
            raise ValueError(f"input of {T} tokens is longer than the model's context of "
                             f"{self.config.context} tokens")
        # Positions as a (B, T) tensor: Opacus needs every layer input to carry the batch dimension.
        pos = torch.arange(T, device=idx.device).repeat(B, 1)
        x = self.tok_emb(idx) + self.pos_emb(pos)
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def check_model(name, model):
    """``model`` if it is a :class:`GPT`, else a TypeError naming ``name``."""
    if not isinstance(model, GPT):
        raise TypeError(f"{name} must be a trustlab.lm.GPT, got {abbreviate(model)} ({type(model).__name__})")
    return model


def _check_prompt(model, tokenizer, prompt, new_tokens):
    ids = [1, *tokenizer.ids(prompt, "prompt")]
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
    check_model("model", model)
    check_tokenizer("tokenizer", tokenizer)
    n = check_int("n_samples", n_samples, 1, 100_000)
    new = check_int("max_new_tokens", max_new_tokens, 1)
    check_number("temperature", temperature, 0, None, low_open=True)
    if top_k is not None:
        check_int("top_k", top_k, 1, len(tokenizer))
    check_seed(seed)
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
    check_model("model", model)
    check_tokenizer("tokenizer", tokenizer)
    check_int("batch_size", batch_size, 1)
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
