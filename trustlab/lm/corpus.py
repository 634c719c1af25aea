"""Word-level text for the language model: a tokenizer, the kit's two corpora, canaries, dedup.

The corpora are the ones the kit already ships as generators: template voice-assistant commands
(:func:`trustlab.attacks.make_utterances`) and occupation sentences whose pronouns follow the
US Bureau of Labor Statistics share of women per occupation
(:func:`trustlab.fairness.counterfactual.corpus.lm_corpus`). Canaries ("my pin code is four seven one nine")
are the Secret Sharer's planted secrets (Carlini et al. 2019). :func:`deduplicate` keeps one copy
of every exact duplicate sentence, the sequence-level deduplication of Kandpal, Wallace and
Raffel (ICML 2022), who find that "the rate at which language models regenerate training
sequences is superlinearly related to a sequence's count in the training set".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from trustlab._random import check_seed, numpy_rng
from trustlab._validate import abbreviate, check_int

__all__ = ["BOS", "EOS", "IGNORE", "PAD", "Tokenizer", "assistant_corpus", "deduplicate",
           "occupation_corpus", "plant_canaries"]

PAD, BOS, EOS = "<pad>", "<s>", "</s>"
#: Target id of padding positions: ``torch.nn.functional.cross_entropy`` ignores it by default.
IGNORE = -100


def _check_texts(name, texts, *, nonempty=True) -> list:
    if isinstance(texts, str):
        raise TypeError(f"{name} must be a list of sentences (strings), got one string")
    if not hasattr(texts, "__iter__"):
        raise TypeError(f"{name} must be a list of sentences (strings), got {abbreviate(texts)}")
    texts = list(texts)
    if not texts and nonempty:
        raise ValueError(f"{name} must not be empty: the language model needs at least one sentence")
    bad = [t for t in texts if not isinstance(t, str) or not t.split()]
    if bad:
        raise ValueError(f"{name} must hold non-empty strings, got {bad[0]!r}")
    return texts


def check_tokenizer(name, tokenizer):
    """``tokenizer`` if it is a :class:`Tokenizer`, else a TypeError naming ``name``."""
    if not isinstance(tokenizer, Tokenizer):
        raise TypeError(f"{name} must be a trustlab.lm.Tokenizer (Tokenizer.build(texts)), got "
                        f"{abbreviate(tokenizer)} ({type(tokenizer).__name__})")
    return tokenizer


@dataclass(frozen=True, eq=False)
class Tokenizer:
    """Words <-> ids: 0 padding, 1 start, 2 end, then the words in sorted order.

    >>> tok = Tokenizer.build(["the nurse said that she", "he said"])
    >>> tok.encode(["he said"], context=5)
    (array([[1, 3, 5, 0, 0]]), array([[   3,    5,    2, -100, -100]]))
    >>> tok.decode([1, 3, 5, 2])
    'he said'
    """

    words: tuple

    def __post_init__(self):
        if not isinstance(self.words, tuple) or not all(isinstance(w, str) for w in self.words):
            raise TypeError(f"words must be a tuple of strings, got {abbreviate(self.words)}")
        if self.words[:3] != (PAD, BOS, EOS) or len(set(self.words)) != len(self.words):
            raise ValueError(f"words must be distinct and start with {PAD!r}, {BOS!r}, {EOS!r} "
                             f"(use Tokenizer.build(texts)), got {abbreviate(self.words)}")

    @classmethod
    def build(cls, texts) -> "Tokenizer":
        """The vocabulary of ``texts`` (a non-empty list of sentences)."""
        texts = _check_texts("texts", texts)
        return cls((PAD, BOS, EOS, *sorted({w for t in texts for w in t.split()})))

    def __len__(self) -> int:
        return len(self.words)

    @functools.cached_property
    def index(self) -> dict:
        """Word -> id."""
        return {w: i for i, w in enumerate(self.words)}

    @functools.cached_property
    def swap(self) -> np.ndarray:
        """Permutation of ids that swaps gendered words (he ↔ she, his ↔ her, …) present in both forms.

        Built with the kit's :func:`trustlab.fairness.swap_gender`, word by word; "her" goes to
        "his" (its possessive reading, the one the occupation corpus uses).
        """
        from trustlab.fairness import swap_gender

        perm = np.arange(len(self.words))
        for i, w in enumerate(self.words[3:], start=3):
            other = swap_gender(w + " x")[: -2]  # a following word: "her x" reads as possessive
            j = self.index.get(other, i)
            if j != i and perm[i] == i and perm[j] == j:  # pairs only: "him" -> "her" -> "his"
                perm[i], perm[j] = j, i
        return perm

    def ids(self, text, name="text") -> list:
        """Ids of the words of ``text`` (no start/end tokens); unknown words raise naming them.

        ``name`` is the parameter the error messages name (``"prompt"``, ``"prefix"`` …).
        """
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a str, got {abbreviate(text)} ({type(text).__name__})")
        unknown = [w for w in text.split() if w not in self.index]
        if unknown:
            raise ValueError(f"{name} contains words outside the vocabulary: {unknown[:5]}")
        return [self.index[w] for w in text.split()]

    def encode(self, texts, context) -> tuple:
        """``(X, Y)`` int arrays of shape ``(len(texts), context)``: inputs and next-token targets.

        ``X`` is start + words, padded with 0; ``Y`` is words + end, padded with :data:`IGNORE`.
        A sentence longer than ``context - 1`` words raises a ValueError.
        """
        texts = _check_texts("texts", texts)
        context = check_int("context", context, 2)
        X = np.zeros((len(texts), context), dtype=np.int64)
        Y = np.full((len(texts), context), IGNORE, dtype=np.int64)
        for r, text in enumerate(texts):
            ids = self.ids(text, "texts")
            if len(ids) + 1 > context:
                raise ValueError(f"texts holds the sentence {text!r}: it has {len(ids)} words; a context of {context} "
                                 f"tokens holds at most {context - 1}")
            X[r, :len(ids) + 1] = [1, *ids]
            Y[r, :len(ids) + 1] = [*ids, 2]
        return X, Y

    def decode(self, ids) -> str:
        """The words of ``ids``, stopping at the first end token, without special tokens."""
        arr = None if isinstance(ids, (str, bytes)) else np.asarray(ids)
        if arr is None or arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            raise TypeError(f"ids must be a 1-d sequence of int token ids, got {abbreviate(ids)}")
        if arr.size and (arr.min() < 0 or arr.max() >= len(self.words)):
            raise ValueError(f"ids must be token ids in [0, {len(self.words) - 1}], got {abbreviate(ids)}")
        out = []
        for i in (int(i) for i in arr):
            if i == 2:
                break
            if i > 2:
                out.append(self.words[i])
        return " ".join(out)


def assistant_corpus(n=1500, *, seed=0) -> list:
    """``n`` template voice-assistant commands ("remind me to pay rent at four fifteen")."""
    from trustlab.attacks import make_utterances

    return make_utterances(check_int("n", n, 1), seed=seed)[0]


def occupation_corpus(n_per_occupation=60, *, seed=0) -> list:
    """Sentences about 27 occupations whose she/he share follows the BLS share of women.

    >>> occupation_corpus(1, seed=0)[0]
    'the carpenter said that he liked the saw .'
    """
    from trustlab.fairness.counterfactual.corpus import lm_corpus

    return [" ".join(s) for s in lm_corpus(n_per_occupation, seed=seed)]


def plant_canaries(texts, canaries, repetitions, *, seed=0) -> list:
    """``texts`` with every canary's sentence inserted ``repetitions`` times at random places.

    ``repetitions=0`` plants nothing (the control: a secret the model never saw).

    >>> from trustlab.attacks import make_canaries
    >>> plant_canaries(["call mum", "play jazz"], make_canaries(1, seed=0), 2, seed=0)
    ['my pin code is eight six five two', 'call mum', 'play jazz', 'my pin code is eight six five two']
    """
    from trustlab.attacks.canaries import Canary

    texts = _check_texts("texts", texts, nonempty=False)
    canaries = list(canaries) if hasattr(canaries, "__iter__") and not isinstance(canaries, str) else None
    if canaries is None or not all(isinstance(c, Canary) for c in canaries):
        raise TypeError("canaries must be a list of trustlab.attacks.Canary (make_canaries), got "
                        f"{abbreviate(canaries)}")
    r = check_int("repetitions", repetitions, 0)
    if r * len(canaries) > 1_000_000:
        raise ValueError(f"repetitions={r} of {len(canaries)} canaries would plant more than a million "
                         "sentences; use at most a few thousand")
    check_seed(seed)
    planted = texts + [c.text for c in canaries for _ in range(r)]
    order = numpy_rng(seed).permutation(len(planted))
    return [planted[i] for i in order]


def deduplicate(texts) -> list:
    """``texts`` with exact duplicate sentences removed, first occurrences kept in order.

    >>> deduplicate(["call mum", "play jazz", "call mum"])
    ['call mum', 'play jazz']
    """
    return list(dict.fromkeys(_check_texts("texts", texts)))
