"""Metric-DP word substitution in embedding space (Feyisetan, Balle, Drake & Diethe, WSDM 2020).

Each word w is mapped to its vector φ(w); noise z with density ∝ exp(−ε‖z‖) is added (direction
uniform on the sphere, radius ~ Gamma(n, 1/ε) in n dimensions) and the vocabulary word nearest
to φ(w) + z is released. For any output ŵ, P[M(w) = ŵ] ≤ exp(ε·d(w, w′)) · P[M(w′) = ŵ] with
d the Euclidean distance: nearby words are hard to tell apart, distant ones are not protected
as much. That is metric DP (dχ-privacy): ε is per unit of embedding distance.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_int, check_number
from trustlab.privacy.text.vectors import WordVectors, load_word_vectors

__all__ = [
    "DeniabilityStats",
    "GuaranteeCheck",
    "check_metric_dp",
    "noisy_nearest",
    "perturb",
    "perturb_texts",
    "plausible_deniability",
    "sample_noise",
    "substitution_distribution",
    "vocabulary_words",
]

_TOKEN = re.compile(r"[A-Za-z]+|[^A-Za-z]+")
_CHUNK = 1024  # queries per matmul: 1024 x 10,009 float32 scores ≈ 41 MB at a time


def _check_epsilon(epsilon):
    return check_number("epsilon", epsilon, 0.0, math.inf, low_open=True, high_open=True)


def _vectors(vectors):
    if vectors is None:
        return load_word_vectors()
    if not isinstance(vectors, WordVectors):
        raise TypeError(f"vectors must be a WordVectors (load_word_vectors()), got {type(vectors).__name__}")
    return vectors


def sample_noise(n_samples, dim, epsilon, seed=0) -> np.ndarray:
    """Draws from the density ∝ exp(−ε‖z‖) on R^dim: uniform direction, radius ~ Gamma(dim, 1/ε).

    The expected norm is dim/ε, so in 200 dimensions ε = 200 still moves a word by 1 on average.

    >>> z = sample_noise(20_000, 50, epsilon=100, seed=0)
    >>> z.shape, round(float(np.linalg.norm(z, axis=1).mean()), 2)
    ((20000, 50), 0.5)
    """
    n_samples = check_int("n_samples", n_samples, 0)
    dim = check_int("dim", dim, 1)
    epsilon = _check_epsilon(epsilon)
    rng = numpy_rng(seed)
    direction = rng.standard_normal((n_samples, dim))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    radius = rng.gamma(shape=dim, scale=1.0 / epsilon, size=n_samples)
    return direction * radius[:, None]


def noisy_nearest(ids, epsilon, seed=0, *, vectors=None) -> np.ndarray:
    """The mechanism on word indices: index of the vocabulary word nearest to φ(w) + z, per input.

    Nearest in Euclidean distance: argmin ‖q − v‖² = argmax (q·v − ‖v‖²/2), one float32 matmul
    per chunk of 1,024 queries (see ``WordVectors.search_table``): 10,000 words in 200 dims take
    about 0.7 s of CPU time (two threads).

    >>> wv = load_word_vectors()
    >>> out = noisy_nearest(wv.ids(["boston"] * 3), epsilon=1e6, seed=0, vectors=wv)
    >>> [wv.words[i] for i in out]  # almost no noise: the word itself
    ['boston', 'boston', 'boston']
    """
    wv = _vectors(vectors)
    epsilon = _check_epsilon(epsilon)
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if ids.size and (ids.min() < 0 or ids.max() >= len(wv)):
        raise ValueError(f"ids must be in [0, {len(wv) - 1}], got values from {ids.min()} to {ids.max()}")
    noise = sample_noise(ids.size, wv.dim, epsilon, numpy_rng(seed)).astype(np.float32)
    table = wv.search_table
    out = np.empty(ids.size, dtype=np.int64)
    query = np.ones((min(ids.size, _CHUNK), wv.dim + 1), dtype=np.float32)
    for start in range(0, ids.size, _CHUNK):
        stop = min(start + _CHUNK, ids.size)
        rows = query[: stop - start]
        np.add(wv.vectors[ids[start:stop]], noise[start:stop], out=rows[:, :-1])
        out[start:stop] = (rows @ table).argmax(axis=1)
    return out


def _match_case(source, word):
    if len(source) > 1 and source.isupper():
        return word.upper()
    if source[0].isupper():
        return word[:1].upper() + word[1:]
    return word


def perturb_texts(texts, epsilon, seed=0, *, vectors=None) -> list:
    """:func:`perturb` for a list of texts, with one vectorized nearest-neighbour search for all.

    >>> perturb_texts(["Call my doctor!", "Play jazz"], epsilon=1e6, seed=0)
    ['Call my doctor!', 'Play jazz']
    """
    if isinstance(texts, str) or not isinstance(texts, (list, tuple)):
        raise TypeError(f"texts must be a list of strings, got {type(texts).__name__}")
    if not texts:
        raise ValueError("texts must not be empty")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] must be a string, got {text!r} ({type(text).__name__})")
        if not text.strip():
            raise ValueError(f"texts[{i}] must contain some text, got {text!r}")
    wv = _vectors(vectors)
    epsilon = _check_epsilon(epsilon)
    tokens = [_TOKEN.findall(text) for text in texts]
    where = [(t, k) for t, toks in enumerate(tokens) for k, tok in enumerate(toks)
             if tok.lower() in wv.index]
    ids = np.array([wv.index[tokens[t][k].lower()] for t, k in where], dtype=np.int64)
    for (t, k), j in zip(where, noisy_nearest(ids, epsilon, seed, vectors=wv)):
        tokens[t][k] = _match_case(tokens[t][k], wv.words[j])
    return ["".join(toks) for toks in tokens]


def perturb(text, epsilon, seed=0, *, vectors=None) -> str:
    """Rewrite ``text`` word by word with the metric-DP mechanism; ε is spent on every word.

    Punctuation, spacing, the case pattern of each word ("Doctor", "DOCTOR") and words outside
    the vocabulary are kept as they are. Larger ε means less noise and more words kept.

    Parameters
    ----------
    text : str
        Non-empty text.
    epsilon : float
        Privacy parameter per unit of embedding distance, > 0. The expected noise norm is n/ε
        (n = 200 here), so useful values are in the tens to hundreds, not around 1.
    seed : int or numpy.random.Generator
    vectors : WordVectors, optional
        Default: :func:`~trustlab.privacy.text.vectors.load_word_vectors`.

    Examples
    --------
    >>> perturb("Book me a flight to BOSTON, Anna!", epsilon=1e6, seed=0)
    'Book me a flight to BOSTON, Anna!'
    >>> perturb("", epsilon=10)
    Traceback (most recent call last):
    ...
    ValueError: texts[0] must contain some text, got ''
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {text!r} ({type(text).__name__})")
    return perturb_texts([text], epsilon, seed, vectors=vectors)[0]


def vocabulary_words(text, *, vectors=None) -> list:
    """The words of ``text`` (lowercased) that the mechanism rewrites, i.e. those in the vocabulary.

    >>> vocabulary_words("Call Dr. Xyzzy in BOSTON!")
    ['call', 'dr', 'in', 'boston']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {text!r} ({type(text).__name__})")
    wv = _vectors(vectors)
    return [t.lower() for t in _TOKEN.findall(text) if t.lower() in wv.index]


def substitution_distribution(word, epsilon, n_draws=2000, seed=0, *, vectors=None) -> dict:
    """Estimated P[M(word) = ŵ] for every output ŵ seen in ``n_draws`` draws, most likely first.

    >>> dist = substitution_distribution("boston", epsilon=70, n_draws=2000, seed=0)
    >>> next(iter(dist)), dist.get("sausage", 0.0)
    ('boston', 0.0)
    """
    wv = _vectors(vectors)
    n_draws = check_int("n_draws", n_draws, 1)
    out = noisy_nearest(np.full(n_draws, wv.ids([word])[0]), epsilon, seed, vectors=wv)
    counts = Counter(out.tolist())
    return {wv.words[i]: c / n_draws for i, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))}


@dataclass(frozen=True)
class DeniabilityStats:
    """Plausible deniability of one word over ``n_draws`` draws (Feyisetan et al., 2020).

    ``n_w``: draws in which the word was kept (lower = more deniable); ``s_w``: distinct
    words it was released as (higher = more deniable; 1 means never replaced).
    """

    word: str
    n_draws: int
    n_w: int
    s_w: int


def plausible_deniability(words, epsilon, n_draws=100, seed=0, *, vectors=None) -> list:
    """N_w and S_w for each of ``words`` (duplicates removed, order kept), in one batched search.

    >>> [(s.word, s.n_w, s.s_w) for s in plausible_deniability(["boston"], 1e6, n_draws=10)]
    [('boston', 10, 1)]
    """
    wv = _vectors(vectors)
    n_draws = check_int("n_draws", n_draws, 1)
    if isinstance(words, str):
        raise TypeError("words must be a list of words, not one string")
    unique = list(dict.fromkeys(words))
    if not unique:
        raise ValueError("words must not be empty")
    ids = wv.ids(unique)
    out = noisy_nearest(np.repeat(ids, n_draws), epsilon, seed, vectors=wv).reshape(len(ids), n_draws)
    return [DeniabilityStats(w, n_draws, int((row == i).sum()), len(np.unique(row)))
            for w, i, row in zip(unique, ids, out)]


@dataclass(frozen=True)
class GuaranteeCheck:
    """Estimated log P[M(w)=ŵ]/P[M(w′)=ŵ] over outputs ŵ seen often enough, against ε·d(w, w′)."""

    word: str
    other: str
    epsilon: float
    bound: float
    outputs: tuple
    log_ratios: tuple
    std_errors: tuple

    @property
    def max_excess(self) -> float:
        """Largest |log ratio| − bound in standard errors; ≤ ~3 is consistent with the guarantee."""
        return max((abs(r) - self.bound) / s for r, s in zip(self.log_ratios, self.std_errors))

    def summary(self) -> str:
        worst = max(abs(r) for r in self.log_ratios)
        return (f"{self.word} vs {self.other}: epsilon*d={self.bound:.2f}  "
                f"max |log ratio|={worst:.2f} over {len(self.outputs)} outputs")


def check_metric_dp(word, other, epsilon, n_draws=20_000, min_count=30, seed=0, *, vectors=None):
    """Estimate the log-probability ratios the guarantee bounds, for one pair of words.

    Each ratio is estimated from counts c, c′ out of ``n_draws`` draws per word; its standard
    error is about sqrt(1/c + 1/c′). Outputs seen fewer than ``min_count`` times by either word
    are skipped (their ratios are too noisy to say anything).

    >>> check = check_metric_dp("mom", "dad", epsilon=40, n_draws=4000, seed=0)
    >>> max(abs(r) for r in check.log_ratios) <= check.bound
    True
    """
    wv = _vectors(vectors)
    epsilon = _check_epsilon(epsilon)
    n_draws = check_int("n_draws", n_draws, 1)
    min_count = check_int("min_count", min_count, 1)
    rng = numpy_rng(seed)
    a = np.bincount(noisy_nearest(np.full(n_draws, wv.ids([word])[0]), epsilon, rng, vectors=wv),
                    minlength=len(wv))
    b = np.bincount(noisy_nearest(np.full(n_draws, wv.ids([other])[0]), epsilon, rng, vectors=wv),
                    minlength=len(wv))
    seen = np.flatnonzero((a >= min_count) & (b >= min_count))
    if seen.size == 0:
        raise ValueError(f"no output was seen {min_count} times from both words; raise n_draws "
                         f"(got {n_draws}) or lower min_count")
    ratios = np.log(a[seen] / b[seen])
    errors = np.sqrt(1.0 / a[seen] + 1.0 / b[seen])
    return GuaranteeCheck(word, other, epsilon, epsilon * wv.distance(word, other),
                          tuple(wv.words[i] for i in seen), tuple(ratios.tolist()), tuple(errors.tolist()))
