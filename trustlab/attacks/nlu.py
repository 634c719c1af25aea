"""A tiny NLU model over template utterances: an intent head beside a next-word (LM) head.

The utterances come from :mod:`trustlab.attacks.utterances`. The model embeds words
(or, as a defense, their characters: Parikh et al., "Canary extraction in natural language
understanding models", ACL 2022), predicts the intent from the mean embedding and the next
word from the previous ``context`` words (a neural n-gram model, Bengio et al. 2003), so it
assigns a likelihood to every word sequence: what exposure and extraction need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from trustlab._random import numpy_rng, torch_generator
from trustlab._validate import abbreviate, check_int, check_keys, check_number
from trustlab.attacks.utterances import make_utterances

__all__ = ["DEFENSES", "SETTINGS", "NLUModel", "NLUTrainResult", "Vocabulary", "check_settings", "nlu_loss",
           "train_nlu"]

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"


@dataclass(frozen=True)
class Vocabulary:
    """Words <-> ids (0 pad, 1 start, 2 end, 3 unknown) and fixed-length encoding."""

    words: tuple

    @classmethod
    def build(cls, texts):
        """The vocabulary of ``texts`` (sorted, after the four special tokens)."""
        texts = _check_texts("texts", texts)
        return cls((PAD, BOS, EOS, UNK, *sorted({w for t in texts for w in t.split()})))

    def __len__(self):
        return len(self.words)

    def index(self, word) -> int:
        """Id of ``word`` (the unknown id if absent)."""
        return self._ids().get(word, 3)

    def _ids(self):
        ids = self.__dict__.get("_cache")
        if ids is None:
            ids = {w: i for i, w in enumerate(self.words)}
            object.__setattr__(self, "_cache", ids)
        return ids

    def encode(self, texts, max_len) -> np.ndarray:
        """``(len(texts), max_len)`` ids: start, words, end, then padding; raises if too long."""
        texts = _check_texts("texts", texts)
        max_len = check_int("max_len", max_len, 3, 10_000)
        rows = np.zeros((len(texts), max_len), dtype=np.int64)
        for r, text in enumerate(texts):
            ids = [1, *(self.index(w) for w in text.split()), 2]
            if len(ids) > max_len:
                raise ValueError(f"utterance {text!r} has {len(ids) - 2} words; the model's context "
                                 f"holds at most max_len - 2 = {max_len - 2}")
            rows[r, :len(ids)] = ids
        return rows

    def decode(self, ids) -> str:
        """Words of ``ids`` without special tokens."""
        return " ".join(self.words[i] for i in ids if i > 3)


class NLUModel(nn.Module):
    """Intent classifier + next-word model sharing one embedding (of words or of characters).

    ``forward(ids)`` returns ``(intent_logits, lm_logits, ids)``; ``lm_logits[:, i]`` predicts word
    ``i + 1`` from words ``i - context + 1 .. i``. ``char_embeddings=True`` builds each word's
    embedding as the mean of its characters' embeddings.
    """

    def __init__(self, vocab: Vocabulary, n_intents, *, max_len=14, context=4, dim=32, hidden=128,
                 dropout=0.0, char_embeddings=False, seed=0):
        super().__init__()
        if not isinstance(vocab, Vocabulary):
            raise TypeError(f"vocab must be a trustlab.attacks.nlu.Vocabulary (Vocabulary.build(texts)), "
                            f"got {abbreviate(vocab)} ({type(vocab).__name__})")
        self.vocab, self.max_len, self.context = vocab, check_int("max_len", max_len, 3, 10_000), \
            check_int("context", context, 1, 64)
        check_int("n_intents", n_intents, 1, 10_000)
        check_int("dim", dim, 1, 4096)
        check_int("hidden", hidden, 1, 4096)
        check_number("dropout", dropout, 0, 1, high_open=True)
        gen = torch_generator(seed)
        self.char_embeddings = bool(char_embeddings)
        self.embed = _WordEmbedding(vocab, dim, context, self.char_embeddings, gen)
        self.lm = nn.Sequential(nn.Linear(context * dim, hidden), nn.Tanh(), nn.Dropout(dropout),
                                nn.Linear(hidden, len(vocab)))
        self.intent = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Dropout(dropout),
                                    nn.Linear(hidden, n_intents))
        with torch.no_grad():
            for layer in (*self.lm, *self.intent):
                if isinstance(layer, nn.Linear):
                    b = layer.in_features ** -0.5
                    layer.weight.uniform_(-b, b, generator=gen)
                    layer.bias.zero_()

    def embeddings(self) -> torch.Tensor:
        """``(vocab, dim)`` word embeddings (from characters if ``char_embeddings``)."""
        return self.embed.embeddings()

    def forward(self, ids):
        ids = ids.long()
        intent, lm = self._heads(self.embed(ids), ids > 0)
        return intent, lm, ids  # ids ride along so the shared loop's loss_fn(output, y) sees them

    def forward_soft(self, weights, mask):
        """Forward pass on word *distributions* ``weights`` (batch, len, vocab): one-hot rows are
        words, soft rows are relaxed words (the extraction attack optimises those)."""
        return self._heads(self.embed.pad(weights @ self.embeddings()), mask)

    def _heads(self, padded, mask):
        emb = padded[:, self.context - 1:]
        m = mask.float()[..., None]
        intent = self.intent((emb * m).sum(1) / m.sum(1).clamp(min=1))
        steps = emb.shape[1] - 1  # window i (words i-context+1 .. i) predicts word i + 1
        windows = torch.cat([padded[:, j:j + steps] for j in range(self.context)], dim=2)
        return intent, self.lm(windows)


class _WordEmbedding(nn.Module):
    """The embedding table (of words or characters) and the start-token padding in one layer.

    Every use of the table happens in this module's ``forward``, so Opacus' per-example
    gradients (functorch on this layer, hooks on the Linear layers) see all of it.
    """

    def __init__(self, vocab, dim, context, char_embeddings, gen):
        super().__init__()
        self.context = context
        if char_embeddings:
            chars = sorted({c for w in vocab.words for c in w})
            bag = torch.zeros(len(vocab), len(chars))
            for i, w in enumerate(vocab.words):
                for c in w:
                    bag[i, chars.index(c)] += 1.0 / len(w)
            self.register_buffer("bag", bag)
            self.table = nn.Parameter(torch.randn(len(chars), dim, generator=gen) * 0.3)
        else:
            self.bag = None
            self.table = nn.Parameter(torch.randn(len(vocab), dim, generator=gen) * 0.3)

    def embeddings(self) -> torch.Tensor:
        return self.table if self.bag is None else self.bag @ self.table

    def pad(self, emb):
        """``emb`` with ``context - 1`` start-token embeddings in front (windows before word 1)."""
        start = self.embeddings()[1].expand(emb.shape[0], self.context - 1, -1)
        return torch.cat([start, emb], dim=1)

    def forward(self, ids):
        return self.pad(nn.functional.embedding(ids, self.embeddings()))


def nlu_loss(output, y):
    """Mean intent cross-entropy + mean next-word negative log-likelihood per utterance.

    ``output`` is ``NLUModel.forward``'s ``(intent_logits, lm_logits, ids)``.
    """
    intent, lm, ids = output
    target = ids[:, 1:]
    nll = nn.functional.cross_entropy(lm.transpose(1, 2), target, reduction="none")
    return nn.functional.cross_entropy(intent, y) + (nll * (target > 0)).sum(1).mean()


DEFENSES = ("none", "dropout", "early_stopping", "char_embeddings", "dp_sgd")

#: Training settings shared by every defense (chosen so that a run takes a few seconds on CPU).
SETTINGS = {"max_len": 14, "context": 4, "dim": 32, "hidden": 128, "epochs": 8, "lr": 0.01,
            "batch_size": 64, "dropout": 0.3, "patience": 1, "max_grad_norm": 1.0,
            "dp_batch_size": 128, "dp_lr": 0.02, "delta": 1e-5}


@dataclass(frozen=True)
class NLUTrainResult:
    """A trained NLU model, its vocabulary, intent accuracy on held-out utterances and ε spent."""

    model: NLUModel
    vocab: Vocabulary
    intents: tuple
    test_accuracy: float
    test_nll: float  # next-word negative log-likelihood per held-out utterance (nats; lower is better)
    epochs: int
    epsilon: float = float("inf")
    noise_multiplier: float = 0.0

    def summary(self) -> str:
        """One rounded line."""
        eps = "inf (no DP)" if np.isinf(self.epsilon) else f"{self.epsilon:.2f}"
        return (f"epochs={self.epochs}  intent test acc={self.test_accuracy:.3f}  "
                f"next-word test NLL={self.test_nll:.2f} nats/utterance  epsilon={eps}")


def _utility(model, ids, y):
    """(intent accuracy, next-word NLL per utterance) on held-out utterances."""
    from trustlab.runtime import torch_threads

    with torch.no_grad(), torch_threads():
        model.eval()
        intent, lm, ids = model(torch.as_tensor(ids))
        target = ids[:, 1:]
        nll = nn.functional.cross_entropy(lm.transpose(1, 2), target, reduction="none")
        acc = float((intent.argmax(1) == torch.as_tensor(y)).float().mean())
        return acc, float((nll * (target > 0)).sum(1).mean())


def _check_texts(name, texts):
    if isinstance(texts, (str, bytes)) or not hasattr(texts, "__len__"):
        raise TypeError(f"{name} must be a list of strings, got {abbreviate(texts)} ({type(texts).__name__})")
    if len(texts) == 0:
        raise ValueError(f"{name} must not be empty")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError(f"{name} must hold strings only")
    return list(texts)


def _check_data(texts, intents, test):
    texts, intents = _check_texts("texts", texts), _check_texts("intents", intents)
    if len(texts) != len(intents):
        raise ValueError(f"texts and intents must have the same length, got {len(texts)} and {len(intents)}")
    if not isinstance(test, (tuple, list)) or len(test) != 2:
        raise TypeError(f"test must be a pair (texts, intents), got {abbreviate(test)}")
    test = (_check_texts("test texts", test[0]), _check_texts("test intents", test[1]))
    if len(test[0]) != len(test[1]):
        raise ValueError(f"test texts and intents must have the same length, got {len(test[0])} and {len(test[1])}")
    return texts, intents, test


def check_settings(settings) -> dict:
    """:data:`SETTINGS` with ``settings``' overrides, each checked (a typo such as ``epoch`` is refused)."""
    s = {**SETTINGS, **check_keys("settings", settings or {}, SETTINGS)}
    for name in ("max_len", "context", "dim", "hidden", "epochs", "batch_size", "dp_batch_size"):
        check_int(f"settings['{name}']", s[name], 1, 100_000)
    check_int("settings['patience']", s["patience"], 0, 1000)
    for name in ("lr", "dp_lr", "max_grad_norm"):
        check_number(f"settings['{name}']", s[name], 0, 1e3, low_open=True)
    check_number("settings['dropout']", s["dropout"], 0, 1, high_open=True)
    check_number("settings['delta']", s["delta"], 0, 1, low_open=True, high_open=True)
    return s


def train_nlu(texts, intents, *, defense="none", target_epsilon=8.0, test=None, seed=0,
              settings=None, num_threads=None) -> NLUTrainResult:
    """Train an :class:`NLUModel` on ``(texts, intents)`` with one of :data:`DEFENSES`.

    "dropout" adds dropout; "early_stopping" stops once the loss on ``test`` stops improving
    (``patience`` epochs); "char_embeddings" embeds characters instead of words; "dp_sgd"
    trains with DP-SGD (Poisson sampling, per-utterance clipping, seeded noise: the batched
    path of :mod:`trustlab.attacks.nlu_many`, which reproduces Opacus' PrivacyEngine for the
    same seed) at the noise that spends ``target_epsilon`` (δ from ``settings``). Adam on
    every variant; :func:`trustlab.attacks.nlu_many.train_nlu_many` with one seed.
    """
    check_int("seed", seed, 0)
    test = test if test is not None else make_utterances(500, seed=int(numpy_rng(seed).integers(2**31 - 1)) + 1)
    from trustlab.attacks.nlu_many import train_nlu_many

    return train_nlu_many([(texts, intents, test)], defense=defense, target_epsilon=target_epsilon,
                          seeds=[seed], settings=settings, num_threads=num_threads)[0]
