"""What metric-DP rewriting promises and what samples can show: releases by distance, and the bound.

Feyisetan, Balle, Drake & Diethe (WSDM 2020) prove, for every pair of words and every output,
P[M(w) = ŵ] ≤ e^{ε·d(w, w′)} · P[M(w′) = ŵ], d the Euclidean distance of the embeddings; the
same bound holds for any *set* of outputs S. :func:`release_by_distance` shows what that means
for one word: the probability of each release against its distance from the word (near words
are likelier substitutes, far ones rarely released, none impossible). :func:`check_metric_dp`
tests the bound from samples on sets of outputs fixed before drawing (the kit's reading: the
vocabulary ordered by its position along the line from w′ to w, cut into equal groups, where
the ratio of the two release distributions is largest). A sampled log ratio can never exceed
ln(n_draws / min_count), so the check can fail only where ε·d is below that cap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_int
from trustlab.privacy.text.rewriting import MAX_DRAWS, _check_epsilon, _vectors, check_word, noisy_nearest

__all__ = ["DistanceProfile", "GuaranteeCheck", "check_metric_dp", "release_by_distance"]

#: Distance bins of :func:`release_by_distance` (unit vectors: distances lie in [0, 2]).
DISTANCE_BINS = (0.0, 0.01, 1.0, 1.2, 1.3, 1.4, 1.5, 2.0)


@dataclass(frozen=True)
class DistanceProfile:
    """Where ``word``'s releases land, by distance from it, at each ε (rows of ``probability``)."""

    word: str
    epsilons: tuple
    n_draws: int
    bins: tuple  # edges of the distance bins
    n_words: tuple  # vocabulary words in each bin
    probability: np.ndarray  # (ε, bin): P(release lands in the bin)
    farthest: tuple  # (word, distance) of the vocabulary word farthest from ``word``
    distances: np.ndarray  # every vocabulary word's distance from ``word``
    counts: np.ndarray  # (ε, vocabulary): releases per word

    @property
    def per_word(self) -> np.ndarray:
        """Mean probability of one word of each bin (NaN for an empty bin): P(release) per word."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(np.array(self.n_words) > 0, self.probability / np.array(self.n_words), np.nan)

    def p_beyond(self, distance) -> np.ndarray:
        """P(the release is farther than ``distance`` from the word), at each ε."""
        return self.counts[:, self.distances > distance].sum(axis=1) / self.n_draws

    def summary(self) -> str:
        """One line per ε: P(release) per word in each distance bin."""
        edges = self.bins
        lines = [f"{self.word}: P(release) per word by distance d  ({self.n_draws:,} draws per epsilon)"]
        for eps, row in zip(self.epsilons, self.per_word):
            cells = "  ".join(f"d<{hi:g}: {p:.1e}" for hi, p in zip(edges[1:], row) if not np.isnan(p))
            lines.append(f"epsilon={eps:g}  {cells}")
        return "\n".join(lines)


def release_by_distance(word, epsilons=(40, 60), n_draws=20_000, seed=0, *, vectors=None) -> DistanceProfile:
    """Estimate where ``word`` is released, by distance from it, at each of ``epsilons``.

    >>> p = release_by_distance("boston", epsilons=(60,), n_draws=2000)
    >>> bool(p.per_word[0, 2] > p.per_word[0, -1])  # near words likelier than far ones
    True
    """
    wv = _vectors(vectors)
    word = check_word("word", word, wv)
    eps = check_array("epsilons", epsilons, ndim=1)
    eps = tuple(_check_epsilon(float(e)) for e in eps)
    n_draws = check_int("n_draws", n_draws, 1, MAX_DRAWS)
    rng = numpy_rng(seed)
    i = wv.index[word]
    d = np.linalg.norm(wv.vectors.astype(np.float64) - wv.vectors[i], axis=1)
    bins = np.array(DISTANCE_BINS)
    which = np.clip(np.searchsorted(bins, d, side="right") - 1, 0, len(bins) - 2)
    counts = np.stack([np.bincount(noisy_nearest(np.full(n_draws, i), e, rng, vectors=wv), minlength=len(wv))
                       for e in eps])
    prob = np.stack([np.bincount(which, weights=c, minlength=len(bins) - 1) / n_draws for c in counts])
    far = int(np.argmax(d))
    return DistanceProfile(word, eps, n_draws, tuple(bins.tolist()),
                           tuple(np.bincount(which, minlength=len(bins) - 1).tolist()), prob,
                           (wv.words[far], float(d[far])), d, counts)


@dataclass(frozen=True)
class GuaranteeCheck:
    """Estimated log P[M(w) ∈ S]/P[M(w′) ∈ S] on groups S of outputs, against the bound ε·d(w, w′)."""

    word: str
    other: str
    epsilon: float
    bound: float
    n_draws: int
    min_count: int
    log_ratios: tuple
    std_errors: tuple

    @property
    def cap(self) -> float:
        """ln(n_draws / min_count): no group's estimated |log ratio| can exceed it."""
        return math.log(self.n_draws / self.min_count)

    @property
    def can_fail(self) -> bool:
        """Whether a violation could show at all: the bound lies below the cap."""
        return self.bound < self.cap

    @property
    def max_excess(self) -> float:
        """Largest |log ratio| − bound in standard errors; ≤ ~3 is consistent with the guarantee."""
        return max((abs(r) - self.bound) / s for r, s in zip(self.log_ratios, self.std_errors))

    def summary(self) -> str:
        """One rounded line: the largest estimate, its standard error, the bound and the cap."""
        k = int(np.argmax(np.abs(self.log_ratios)))
        return (f"{self.word} vs {self.other} at epsilon={self.epsilon:g}: bound epsilon*d={self.bound:.2f}  "
                f"max |log ratio|={abs(self.log_ratios[k]):.2f}±{1.96 * self.std_errors[k]:.2f} over "
                f"{len(self.log_ratios)} groups of outputs  (largest a check of {self.n_draws:,} draws "
                f"can show: {self.cap:.1f})")


def check_metric_dp(word, other, epsilon, n_draws=20_000, n_groups=20, min_count=30, seed=0, *,
                    vectors=None) -> GuaranteeCheck:
    """Test P[M(w) ∈ S] ≤ e^{ε·d} P[M(w′) ∈ S] (both ways) from ``n_draws`` releases of each word.

    The groups S: the vocabulary sorted by its position along φ(w) − φ(w′) and cut into
    ``n_groups`` equal parts, fixed before any draw. Each group's log ratio is estimated from the
    counts c, c′ (standard error about sqrt(1/c + 1/c′)); groups with fewer than ``min_count``
    releases from either word are skipped.

    >>> c = check_metric_dp("mom", "dad", epsilon=2, n_draws=4000, seed=0)
    >>> c.can_fail, max(abs(r) for r in c.log_ratios) <= c.bound
    (True, True)
    """
    wv = _vectors(vectors)
    word, other = check_word("word", word, wv), check_word("other", other, wv)
    if word == other:
        raise ValueError(f"other must differ from word, got {other!r} twice")
    epsilon = _check_epsilon(epsilon)
    n_draws = check_int("n_draws", n_draws, 1, MAX_DRAWS)
    n_groups = check_int("n_groups", n_groups, 1, len(wv))
    min_count = check_int("min_count", min_count, 1, n_draws)
    rng = numpy_rng(seed)
    i, j = wv.index[word], wv.index[other]
    a = np.bincount(noisy_nearest(np.full(n_draws, i), epsilon, rng, vectors=wv), minlength=len(wv))
    b = np.bincount(noisy_nearest(np.full(n_draws, j), epsilon, rng, vectors=wv), minlength=len(wv))
    v = wv.vectors.astype(np.float64)
    position = v @ (v[i] - v[j])
    group = np.empty(len(wv), dtype=np.int64)
    group[np.lexsort((np.arange(len(wv)), position))] = np.arange(len(wv)) * n_groups // len(wv)  # ties: by index
    a, b = np.bincount(group, weights=a, minlength=n_groups), np.bincount(group, weights=b, minlength=n_groups)
    seen = np.flatnonzero((a >= min_count) & (b >= min_count))
    if seen.size == 0:
        raise ValueError(f"no group of outputs was released {min_count} times by both words; raise "
                         f"n_draws (got {n_draws}), lower n_groups or min_count")
    ratios = np.log(a[seen] / b[seen])
    errors = np.sqrt(1.0 / a[seen] + 1.0 / b[seen])
    return GuaranteeCheck(word, other, epsilon, epsilon * wv.distance(word, other), n_draws, min_count,
                          tuple(ratios.tolist()), tuple(errors.tolist()))
