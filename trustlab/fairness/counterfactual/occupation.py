"""Extrinsic bias: an occupation classifier on template bios and its TPR gap between genders.

De-Arteaga et al., "Bias in Bios", FAT* 2019: the gap between women's and men's true-positive
rates per occupation, and its correlation with the occupation's share of women. Here the bios are
embedded with a (distilled) language model's word embeddings, averaged, and classified by a
logistic regression, the intrinsic-vs-extrinsic question of Cao et al. (2022) in miniature.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from trustlab._validate import check_number
from trustlab.fairness.counterfactual.corpus import bios, female_share
from trustlab.runtime import blas_threads

__all__ = ["OccupationResult", "bio_features", "occupation_tpr_gap", "tpr_by_gender"]


@dataclass(frozen=True, eq=False)
class OccupationResult:
    """Test accuracy and, per occupation, TPR(women) − TPR(men) of the bio classifier."""

    accuracy: float
    tpr_gap: dict
    share_correlation: float

    @property
    def mean_abs_gap(self) -> float:
        """Mean |TPR gap| over occupations (0 means equal recall for women and men everywhere)."""
        return float(np.mean(np.abs(list(self.tpr_gap.values()))))

    def summary(self) -> str:
        """One rounded line."""
        return (f"bio classifier acc={self.accuracy:.3f}  mean |TPR gap|={self.mean_abs_gap:.3f}"
                f"  corr(gap, share of women)={self.share_correlation:.2f}")


def bio_features(embeddings, vocab, items) -> np.ndarray:
    """Mean word embedding of each bio (``items`` as returned by ``corpus.bios``)."""
    if not isinstance(items, (list, tuple)) or not items:
        raise TypeError(f"items must be a non-empty list of bios (words, occupation, gender), got "
                        f"{type(items).__name__}")
    rows = [embeddings[[vocab.index[w] for w in words]].mean(0) for words, _, _ in items]
    return np.asarray(rows, dtype=np.float64)


def tpr_by_gender(y_true, y_pred, gender, occupation) -> dict:
    """TPR (recall) of ``occupation`` among women and among men.

    >>> tpr_by_gender(["a", "a", "a", "b"], ["a", "b", "a", "a"], ["f", "m", "m", "f"], "a")
    {'f': 1.0, 'm': 0.5}
    """
    y_true, y_pred, gender = (np.asarray(v) for v in (y_true, y_pred, gender))
    if not (y_true.ndim == 1 and y_true.shape == y_pred.shape == gender.shape):
        raise ValueError("y_true, y_pred and gender must be 1-d of the same length, got shapes "
                         f"{y_true.shape}, {y_pred.shape} and {gender.shape}")
    out = {}
    for g in sorted(set(gender.tolist())):
        mask = (y_true == occupation) & (gender == g)
        out[g] = float(np.mean(y_pred[mask] == occupation)) if mask.any() else float("nan")
    return out


@functools.lru_cache(maxsize=8)
def _bio_ids(words, n, cue_noise, balanced, seed):
    """Word ids (bios × words), occupations and genders of :func:`corpus.bios`, built once."""
    index = {w: i for i, w in enumerate(words)}
    items = bios(n, cue_noise, balanced=balanced, seed=seed)
    ids = np.array([[index[w] for w in ws] for ws, _, _ in items])
    return ids, np.array([occ for _, occ, _ in items]), np.array([g for _, _, g in items])


def occupation_tpr_gap(embeddings, vocab, *, n_train=40, n_test=40, cue_noise=0.5, C=10.0,
                       seed=0) -> OccupationResult:
    """Train a logistic regression on bios embedded with ``embeddings``; TPR gap per occupation.

    Training bios follow the real gender shares; test bios are 50/50 women and men, so each
    occupation's TPR is measured for both.
    """
    from sklearn.linear_model import LogisticRegression

    check_number("cue_noise", cue_noise, 0, 1)
    embeddings = np.asarray(embeddings, dtype=np.float64)
    words = tuple(vocab.words)
    train_ids, train_y, _ = _bio_ids(words, n_train, float(cue_noise), False, seed)
    test_ids, y, gender = _bio_ids(words, n_test, float(cue_noise), True, seed + 1)
    clf = LogisticRegression(C=C, max_iter=2000)
    with blas_threads():
        clf.fit(embeddings[train_ids].mean(1), train_y)
        pred = clf.predict(embeddings[test_ids].mean(1))
    shares = female_share()
    gaps = {}
    for occ in shares:
        tpr = tpr_by_gender(y, pred, gender, occ)
        gaps[occ] = tpr["female"] - tpr["male"]
    occs = list(shares)
    corr = float(np.corrcoef([gaps[o] for o in occs], [shares[o] for o in occs])[0, 1])
    return OccupationResult(float(np.mean(pred == y)), gaps, corr)
