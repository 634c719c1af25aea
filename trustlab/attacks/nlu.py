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
from trustlab._validate import check_int, check_number
from trustlab.attacks.utterances import make_utterances

__all__ = ["DEFENSES", "SETTINGS", "NLUModel", "NLUTrainResult", "Vocabulary", "nlu_loss",
           "train_nlu"]

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"


@dataclass(frozen=True)
class Vocabulary:
    """Words <-> ids (0 pad, 1 start, 2 end, 3 unknown) and fixed-length encoding."""

    words: tuple

    @classmethod
    def build(cls, texts):
        """The vocabulary of ``texts`` (sorted, after the four special tokens)."""
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
        self.vocab, self.max_len, self.context = vocab, check_int("max_len", max_len, 3), \
            check_int("context", context, 1)
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


def train_nlu(texts, intents, *, defense="none", target_epsilon=8.0, test=None, seed=0,
              settings=None, num_threads=None) -> NLUTrainResult:
    """Train an :class:`NLUModel` on ``(texts, intents)`` with one of :data:`DEFENSES`.

    "dropout" adds dropout; "early_stopping" stops once the loss on ``test`` stops improving
    (``patience`` epochs); "char_embeddings" embeds characters instead of words; "dp_sgd"
    trains with DP-SGD (Opacus, :func:`trustlab.privacy.dpsgd.fit_private`) at the noise that
    spends ``target_epsilon`` (δ from ``settings``). The shared loop
    :func:`trustlab.training.fit` trains every variant.
    """
    from trustlab._validate import check_choice
    from trustlab.training import fit, make_loader

    check_choice("defense", defense, DEFENSES)
    s = {**SETTINGS, **(settings or {})}
    test = test or make_utterances(500, seed=int(numpy_rng(seed).integers(2**31 - 1)) + 1)
    vocab = Vocabulary.build(texts)
    names = tuple(sorted(set(intents) | set(test[1])))
    X = vocab.encode(texts, s["max_len"])
    y = np.array([names.index(i) for i in intents])
    X_test = vocab.encode(test[0], s["max_len"])
    y_test = np.array([names.index(i) for i in test[1]])
    model = NLUModel(vocab, len(names), max_len=s["max_len"], context=s["context"], dim=s["dim"],
                     hidden=s["hidden"], dropout=s["dropout"] if defense == "dropout" else 0.0,
                     char_embeddings=defense == "char_embeddings", seed=seed)
    if defense == "dp_sgd":
        import math

        from trustlab.privacy.accounting import noise_multiplier_for
        from trustlab.privacy.dpsgd import fit_private

        # fit_private's Poisson rate and step count: q = 1 / ceil(n / batch), epochs / q steps
        per_epoch = math.ceil(len(y) / s["dp_batch_size"])
        sigma = noise_multiplier_for(target_epsilon, 1 / per_epoch, s["epochs"] * per_epoch, s["delta"])
        run = fit_private(model, X, y, noise_multiplier=sigma, max_grad_norm=s["max_grad_norm"],
                          batch_size=s["dp_batch_size"], epochs=s["epochs"], lr=s["dp_lr"],
                          loss_fn=nlu_loss, optimizer="adam", delta=s["delta"], seed=seed,
                          num_threads=num_threads)
        return NLUTrainResult(model, vocab, names, *_utility(model, X_test, y_test), s["epochs"],
                              run.epsilon, sigma)
    best, done = [float("inf"), 0, 0], [0]

    def on_epoch(epoch, _loss):
        done[0] = epoch + 1
        if defense != "early_stopping":
            return False
        with torch.no_grad():
            model.eval()
            val = float(nlu_loss(model(torch.as_tensor(X_test)), torch.as_tensor(y_test)))
        model.train()
        if val < best[0]:
            best[:2] = val, epoch
        return epoch - best[1] >= s["patience"]

    optimizer = torch.optim.Adam(model.parameters(), lr=s["lr"])
    fit(model, make_loader(X, y, s["batch_size"], seed=seed), optimizer, s["epochs"], loss_fn=nlu_loss,
        on_epoch=on_epoch, num_threads=num_threads, seed=seed)
    return NLUTrainResult(model, vocab, names, *_utility(model, X_test, y_test), done[0])
