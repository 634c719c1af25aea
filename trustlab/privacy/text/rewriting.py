"""Metric-DP word substitution in embedding space (Feyisetan, Balle, Drake & Diethe, WSDM 2020).

Each word w is mapped to its vector φ(w); noise z with density ∝ exp(−ε‖z‖) is added (direction
uniform on the sphere, radius ~ Gamma(n, 1/ε) in n dimensions) and the vocabulary word nearest
to φ(w) + z is released. For any output ŵ, P[M(w) = ŵ] ≤ exp(ε·d(w, w′)) · P[M(w′) = ŵ] with
d the Euclidean distance: nearby words are hard to tell apart, distant ones are not protected
as much. That is metric DP (dχ-privacy): ε is per unit of embedding distance. The guarantee and
where releases land by distance are in :mod:`trustlab.privacy.text.guarantee`.

Seeding (the kit's choice): ε is part of the noise's seed, so one seed draws independent noise
at different ε. With a shared seed, the noise at ε = 20 would be the noise at ε = 50 stretched
2.5 times along the same directions, and rewrites at different ε would look alike.
"""

from __future__ import annotations

import re
import struct
from collections import Counter
from dataclasses import dataclass

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import abbreviate, check_array, check_int, check_number
from trustlab.privacy.text.vectors import WordVectors, load_word_vectors

__all__ = [
    "MAX_DRAWS",
    "DeniabilityStats",
    "check_word",
    "noisy_nearest",
    "perturb",
    "perturb_texts",
    "plausible_deniability",
    "sample_noise",
    "substitution_distribution",
    "vocabulary_words",
]

_TOKEN = re.compile(r"[A-Za-z]+|[^A-Za-z]+")
_CHUNK = 1024  # queries per matmul: 1024 x 10,010 float32 scores ≈ 41 MB at a time
#: Most releases one call draws: 200,000 nearest-word searches take ~15 s of CPU here.
MAX_DRAWS = 200_000


#: ε per unit of distance the mechanism accepts: below 1e-3 the noise (length n/ε) leaves float32's range.
EPSILON_RANGE = (1e-3, 1e12)


def _check_epsilon(epsilon):
    return check_number("epsilon", epsilon, *EPSILON_RANGE)


def check_word(name, word, vectors) -> str:
    """``word`` lowercased if it is in the vocabulary of ``vectors``, else a ValueError naming ``name``."""
    if not isinstance(word, str):
        raise TypeError(f"{name} must be a word (str), got {abbreviate(word)} ({type(word).__name__})")
    if word.lower() not in vectors.index:
        raise ValueError(f"{name} must be one of the {len(vectors):,} words of the vocabulary "
                         f"(lowercase English words), got {abbreviate(word)}")
    return word.lower()


def _noise_rng(seed, epsilon) -> np.random.Generator:
    # One draw from the seed's stream, and the bits of ε: independent noise for every ε.
    key = int(numpy_rng(seed).integers(2**63 - 1))
    return np.random.default_rng([key, int.from_bytes(struct.pack("<d", epsilon), "little")])


def _vectors(vectors):
    if vectors is None:
        return load_word_vectors()
    if not isinstance(vectors, WordVectors):
        raise TypeError(f"vectors must be a WordVectors (load_word_vectors()), got {type(vectors).__name__}")
    return vectors


def sample_noise(n_samples, dim, epsilon, seed=0) -> np.ndarray:
    """Draws from the density ∝ exp(−ε‖z‖) on R^dim: uniform direction, radius ~ Gamma(dim, 1/ε).

    The expected norm is dim/ε, so in 200 dimensions ε = 200 still moves a word by 1 on average.
    ε is part of the seed (``_noise_rng``): the same seed gives independent draws at another ε.

    >>> z = sample_noise(20_000, 50, epsilon=100, seed=0)
    >>> z.shape, round(float(np.linalg.norm(z, axis=1).mean()), 2)
    ((20000, 50), 0.5)
    """
    n_samples = check_int("n_samples", n_samples, 0, MAX_DRAWS)
    dim = check_int("dim", dim, 1, 10_000)
    epsilon = _check_epsilon(epsilon)
    rng = _noise_rng(seed, epsilon)
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
    ids = check_array("ids", ids, kind="int", ndim=1, nonempty=False, min_value=0, max_value=len(wv) - 1)
    check_int("len(ids)", ids.size, 0, MAX_DRAWS)
    rng = _noise_rng(seed, epsilon)
    table = wv.search_table
    out = np.empty(ids.size, dtype=np.int64)
    query = np.ones((min(ids.size, _CHUNK), wv.dim + 1), dtype=np.float32)
    for start in range(0, ids.size, _CHUNK):  # noise per chunk: memory stays ~1 MB whatever ids.size
        stop = min(start + _CHUNK, ids.size)
        rows = query[: stop - start]
        noise = sample_noise(stop - start, wv.dim, epsilon, rng).astype(np.float32)
        np.add(wv.vectors[ids[start:stop]], noise, out=rows[:, :-1])
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
    word = check_word("word", word, wv)
    epsilon = _check_epsilon(epsilon)
    n_draws = check_int("n_draws", n_draws, 1, MAX_DRAWS)
    out = noisy_nearest(np.full(n_draws, wv.index[word]), epsilon, seed, vectors=wv)
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
    if isinstance(words, str) or not isinstance(words, (list, tuple)):
        raise TypeError(f"words must be a list of words, got {abbreviate(words)} ({type(words).__name__})")
    unique = list(dict.fromkeys(check_word("words", w, wv) for w in words))
    if not unique:
        raise ValueError("words must not be empty")
    epsilon = _check_epsilon(epsilon)
    n_draws = check_int("n_draws", n_draws, 1, MAX_DRAWS // len(unique))
    ids = wv.ids(unique)
    out = noisy_nearest(np.repeat(ids, n_draws), epsilon, seed, vectors=wv).reshape(len(ids), n_draws)
    return [DeniabilityStats(w, n_draws, int((row == i).sum()), len(np.unique(row)))
            for w, i, row in zip(unique, ids, out)]
