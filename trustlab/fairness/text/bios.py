"""Template biographies and an occupation classifier on averaged word vectors (a small "Bias in Bios").

De-Arteaga et al. (2019, FAccT) predict a person's occupation from their biography with the
title removed and measure the TPR gap between women and men per occupation. Here a bio is a
bag of words: gendered tokens (she/her/… or he/his/…), context words of its profession, and
context words of random other professions; training bios follow the occupation's stereotype
with probability ``stereotype_share``. Counterfactual augmentation (Zhao et al. 2018; Webster
et al. 2020) adds gender-swapped copies of a ``swap_ratio`` share of the training bios.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from trustlab._random import numpy_rng
from trustlab._validate import check_int, check_number
from trustlab.models import mlp
from trustlab.training import train

__all__ = ["Bios", "OccupationBiasResult", "bio_features", "compute_occupation_bias", "make_bios",
           "predict_proba", "swap_gender_tokens", "tpr_gaps",
           "train_occupation_classifier"]


@dataclass(frozen=True, eq=False)
class Bios:
    """Template bios: ``tokens`` (n × length word ids into ``words``), ``y`` (profession id),
    ``female`` (bool per bio), ``professions`` (names in id order)."""

    tokens: np.ndarray
    y: np.ndarray
    female: np.ndarray
    professions: tuple
    words: tuple

    def text(self, i) -> str:
        """Bio ``i`` as a string of its words (in their sampled order)."""
        return " ".join(self.words[t] for t in self.tokens[i])


def make_bios(gw, n_per_profession=150, *, stereotype_share=0.8, swap_ratio=0.0, n_gender=2,
              n_context=2, n_noise=2, seed=0) -> Bios:
    """Sample template bios for the shipped professions (``gw.bio_context``).

    Parameters
    ----------
    gw : GenderWords
    n_per_profession : int
        Bios per profession before augmentation.
    stereotype_share : float in [0, 1]
        Probability that a bio's gender matches its profession's stereotype (0.5 = balanced).
    swap_ratio : float in [0, 1]
        Share of bios that also get a gender-swapped copy (counterfactual augmentation).
    n_gender, n_context, n_noise : int
        Gendered tokens, own-profession context words and other professions' words per bio.

    >>> from trustlab.fairness.text.words import load_gender_words
    >>> b = make_bios(load_gender_words(), 10, seed=0)
    >>> b.tokens.shape, len(b.professions)
    ((100, 6), 10)
    """
    n = check_int("n_per_profession", n_per_profession, 1)
    share = check_number("stereotype_share", stereotype_share, 0, 1)
    swap_ratio = check_number("swap_ratio", swap_ratio, 0, 1)
    n_gender, n_context = check_int("n_gender", n_gender, 1), check_int("n_context", n_context, 1)
    n_noise = check_int("n_noise", n_noise, 0)
    rng = numpy_rng(seed)
    profs = tuple(gw.bio_context)
    ctx = [np.array([gw.index[w] for w in gw.bio_context[p]]) for p in profs]
    fem = np.array([gw.index[f] for f, _ in gw.bio_gender_pairs])
    mal = np.array([gw.index[m] for _, m in gw.bio_gender_pairs])
    tokens, ys, females = [], [], []
    for k, prof in enumerate(profs):
        female_stereotype = gw.professions[prof] < 0
        is_f = rng.random(n) < (share if female_stereotype else 1 - share)
        g = rng.integers(len(fem), size=(n, n_gender))
        gender_tok = np.where(is_f[:, None], fem[g], mal[g])
        own = np.stack([rng.choice(ctx[k], n_context, replace=False) for _ in range(n)])
        others = rng.choice([j for j in range(len(profs)) if j != k], size=(n, n_noise))
        noise = np.array([[rng.choice(ctx[j]) for j in row] for row in others]).reshape(n, n_noise)
        tokens.append(np.hstack([gender_tok, own, noise]))
        ys.append(np.full(n, k))
        females.append(is_f)
    tokens, y, female = np.vstack(tokens), np.concatenate(ys), np.concatenate(females)
    bios = Bios(tokens, y, female, profs, gw.words)
    if swap_ratio > 0:
        pick = np.flatnonzero(rng.random(len(y)) < swap_ratio)
        swapped = swap_gender_tokens(gw, bios.tokens[pick])
        bios = Bios(np.vstack([tokens, swapped]), np.concatenate([y, y[pick]]),
                    np.concatenate([female, ~female[pick]]), profs, gw.words)
    return bios


def swap_gender_tokens(gw, tokens) -> np.ndarray:
    """Token ids with every bio gender word replaced by its counterpart (she ↔ he, her ↔ his, …).

    >>> from trustlab.fairness.text.words import load_gender_words
    >>> gw = load_gender_words()
    >>> [gw.words[t] for t in swap_gender_tokens(gw, [[gw.index["she"], gw.index["nurses"]]])[0]]
    ['he', 'nurses']
    """
    tokens = np.asarray(tokens)
    table = np.arange(len(gw.words))
    for f, m in gw.bio_gender_pairs:
        table[gw.index[f]], table[gw.index[m]] = gw.index[m], gw.index[f]
    return table[tokens]


def bio_features(tokens, vectors) -> np.ndarray:
    """Mean word vector of each bio (the classifier's input), float32 ``(n, dim)``."""
    return np.asarray(vectors, dtype=np.float32)[np.asarray(tokens)].mean(axis=1)


def train_occupation_classifier(X, y, n_classes, *, hidden=32, epochs=12, seed=0):
    """A one-hidden-layer MLP (logits) trained with SGD on bio features; returns the model."""
    check_int("n_classes", n_classes, 2)
    model = mlp(X.shape[1], n_classes, hidden=(check_int("hidden", hidden, 1),), seed=seed)
    train(model, X, y, epochs=epochs, lr=0.5, batch_size=64, momentum=0.9, seed=seed)
    return model.eval()


def predict_proba(model, X) -> np.ndarray:
    """Class probabilities of ``model`` for features ``X`` (numpy in, numpy out)."""
    with torch.no_grad():
        return torch.softmax(model(torch.as_tensor(X, dtype=torch.float32)), dim=1).numpy()


def tpr_gaps(y_true, y_pred, female, n_classes) -> np.ndarray:
    """Per profession k: TPR among women − TPR among men (0 means equal recall).

    >>> tpr_gaps([0, 0, 1, 1], [0, 1, 1, 1], [True, False, True, False], 2).tolist()
    [1.0, 0.0]
    """
    y_true, y_pred, female = (np.asarray(a) for a in (y_true, y_pred, female))
    gaps = np.empty(n_classes)
    for k in range(n_classes):
        rows = y_true == k
        f, m = rows & female, rows & ~female
        if not f.any() or not m.any():
            raise ValueError(f"profession {k} needs test bios of both genders to compare TPRs")
        gaps[k] = (y_pred[f] == k).mean() - (y_pred[m] == k).mean()
    return gaps


@dataclass(frozen=True, eq=False)
class OccupationBiasResult:
    """An occupation classifier's per-profession TPR gaps on gender-balanced test bios."""

    table: pd.DataFrame
    accuracy: float
    stereotype_share: float

    @property
    def rms_gap(self) -> float:
        """Root mean square of the per-profession TPR gaps (De-Arteaga et al.'s GAP^RMS)."""
        return float(np.sqrt(np.mean(self.table["tpr_gap"] ** 2)))

    def summary(self) -> str:
        return (f"stereotype share={self.stereotype_share:.2f}  acc={self.accuracy:.3f}  "
                f"TPR gap RMS={self.rms_gap:.3f}  corr(gap, stereotype)="
                f"{self.table['tpr_gap'].corr(-self.table['stereotype']):.2f}")


def compute_occupation_bias(stereotype_share=0.8, *, swap_ratio=0.0, n_per_profession=150,
                            vectors=None, seed=0) -> OccupationBiasResult:
    """Train the occupation classifier on skewed bios; TPR gap per profession on balanced bios.

    ``stereotype`` in the table is Bolukbasi et al.'s crowd score (+ male, − female); a positive
    ``tpr_gap`` means women of that profession are recognised more often than men.
    """
    from trustlab.fairness.text.words import load_gender_words

    gw = load_gender_words()
    V = gw.vectors if vectors is None else vectors
    train_bios = make_bios(gw, n_per_profession, stereotype_share=stereotype_share,
                           swap_ratio=swap_ratio, seed=seed)
    test = make_bios(gw, 100, stereotype_share=0.5, seed=10_000 + seed)
    model = train_occupation_classifier(bio_features(train_bios.tokens, V), train_bios.y,
                                        len(train_bios.professions), seed=seed)
    pred = predict_proba(model, bio_features(test.tokens, V)).argmax(axis=1)
    gaps = tpr_gaps(test.y, pred, test.female, len(test.professions))
    table = pd.DataFrame({"stereotype": [gw.professions[p] for p in test.professions],
                          "female_share_train": [train_bios.female[train_bios.y == k].mean()
                                                 for k in range(len(test.professions))],
                          "tpr_gap": gaps}, index=pd.Index(test.professions, name="profession"))
    return OccupationBiasResult(table, float((pred == test.y).mean()), float(stereotype_share))
