"""One ε of the text-rewriting explorer (notebook 14): rewrites, deniability, where a word goes, utility.

Puts together the mechanism (:mod:`~trustlab.privacy.text.rewriting`, Feyisetan, Balle, Drake &
Diethe, WSDM 2020), where one word's releases land by distance from it
(:mod:`~trustlab.privacy.text.guarantee`) and what rewriting costs an intent classifier
(:mod:`~trustlab.privacy.text.utility`, read from its shipped sweep with 5 seeds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_int, check_str
from trustlab.privacy.text.rewriting import (MAX_DRAWS, _check_epsilon, check_word, perturb_texts,
                                             plausible_deniability, substitution_distribution,
                                             vocabulary_words)
from trustlab.privacy.text.utility import UtilitySweep, utility_sweep
from trustlab.privacy.text.vectors import load_word_vectors
from trustlab.stats import format_ci

__all__ = ["FAR", "NEAR", "TextRewritingResult", "compute_text_rewriting"]

#: Distances from the followed word that the explorer calls near (< 1.2: about the 90 nearest
#: words of "boston") and far (≥ 1.5: about the 6 % farthest). Unit vectors: 1.41 is orthogonal.
NEAR, FAR = 1.2, 1.5


@dataclass(frozen=True)
class TextRewritingResult:
    """One ε of the text-rewriting explorer: rewrites, deniability, substitutes by distance and utility."""

    epsilon: float
    dim: int
    sentence: str
    rewrites: tuple
    word: str
    n_draws: int
    substitutes: tuple  # ((word, probability, distance), ...), most likely first, the word itself included
    p_kept: float
    p_near: float  # P(release is another word at distance < NEAR)
    p_far: float  # P(release at distance >= FAR)
    deniability: tuple  # DeniabilityStats of the sentence's vocabulary words
    accuracies: tuple  # intent accuracy of each seed of the sweep at this ε
    baseline_accuracies: tuple

    @property
    def expected_noise_norm(self) -> float:
        """E‖z‖ = n/ε: how far, in embedding units, the noise moves a word on average."""
        return self.dim / self.epsilon

    def summary(self) -> str:
        """One rounded line: kept, top substitute, near and far releases, intent accuracy (seeds)."""
        top = next(((w, p) for w, p, _ in self.substitutes if w != self.word), ("-", 0.0))
        return (f"epsilon={self.epsilon:g}  E|z|={self.expected_noise_norm:.2f}  "
                f"P({self.word} kept)={self.p_kept:.2f}  top substitute {top[0]}={top[1]:.3f}  "
                f"P(d<{NEAR:g})={self.p_near:.2f}  P(d>={FAR:g})={self.p_far:.3f}  intent acc="
                f"{format_ci(self.accuracies, 2)} (no rewriting {format_ci(self.baseline_accuracies, 2, seeds=False)})")


def compute_text_rewriting(epsilon=60, sentence="Remind me to call my doctor in Boston tomorrow!",
                           word="boston", n_draws=1000, n_rewrites=3, seed=0, sweep=None):
    """Everything the explorer shows for one ε: rewrites of ``sentence``, N_w/S_w of its words,
    where ``word`` is released (with how much lands near it and far from it) and the intent
    accuracy of the sweep's seeds.

    ``epsilon`` must be one of the swept values of ``sweep`` (default: the shipped
    :func:`~trustlab.privacy.text.utility.utility_sweep`).

    >>> sweep = utility_sweep((150,), 20, 10, seeds=(0, 1), cache=False)
    >>> r = compute_text_rewriting(epsilon=150, n_draws=200, sweep=sweep)
    >>> r.p_far, r.rewrites[0]
    (0.0, 'Remind me to call my doctor in Boston tomorrow!')
    """
    epsilon = _check_epsilon(epsilon)
    sentence = check_str("sentence", sentence)
    wv = load_word_vectors()
    word = check_word("word", word, wv)
    n_draws = check_int("n_draws", n_draws, 10, MAX_DRAWS)
    n_rewrites = check_int("n_rewrites", n_rewrites, 1, 100)
    sweep = utility_sweep() if sweep is None else sweep
    if not isinstance(sweep, UtilitySweep):
        raise TypeError(f"sweep must be a UtilitySweep (utility_sweep()), got {type(sweep).__name__}")
    sweep.interval(epsilon)  # refuses an ε off the sweep before any work
    acc = next(a for e, a in zip(sweep.epsilons, sweep.accuracies) if math.isclose(e, epsilon))
    rng = numpy_rng(seed)
    rewrites = tuple(perturb_texts([sentence] * n_rewrites, epsilon, seed=rng))
    in_vocab = vocabulary_words(sentence, vectors=wv)
    deniability = tuple(plausible_deniability(in_vocab, epsilon, n_draws // 10, seed=rng)) if in_vocab else ()
    dist = substitution_distribution(word, epsilon, n_draws, seed=rng)
    all_d = np.linalg.norm(wv.vectors.astype(np.float64) - wv.vectors[wv.index[word]], axis=1)
    d = {w: float(all_d[wv.index[w]]) for w in dist}
    near = float(sum(p for w, p in dist.items() if w != word and d[w] < NEAR))
    far = float(sum(p for w, p in dist.items() if d[w] >= FAR))
    top = tuple((w, p, round(d[w], 6)) for w, p in list(dist.items())[:8])
    return TextRewritingResult(epsilon, wv.dim, sentence, rewrites, word, n_draws, top, dist.get(word, 0.0),
                               near, far, deniability, acc, sweep.baselines)
