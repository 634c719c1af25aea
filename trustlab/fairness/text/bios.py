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

__all__ = ["RECIPE", "Bios", "OccupationBiasResult", "bio_features", "compute_occupation_bias", "make_bios",
           "predict_proba", "swap_gender_tokens", "tpr_gaps", "train_occupation_classifier",
           "train_occupation_classifiers"]


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
    if not np.issubdtype(tokens.dtype, np.integer) or \
            (tokens.size and (tokens.min() < 0 or tokens.max() >= len(gw.words))):
        raise ValueError(f"tokens must hold word ids in [0, {len(gw.words) - 1}]")
    table = np.arange(len(gw.words))
    for f, m in gw.bio_gender_pairs:
        table[gw.index[f]], table[gw.index[m]] = gw.index[m], gw.index[f]
    return table[tokens]


def bio_features(tokens, vectors) -> np.ndarray:
    """Mean word vector of each bio (the classifier's input), float32 ``(n, dim)``."""
    vectors, tokens = np.asarray(vectors), np.asarray(tokens)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be 2-d (words x dims), got shape {vectors.shape}")
    if tokens.ndim != 2 or not np.issubdtype(tokens.dtype, np.integer) or \
            (tokens.size and (tokens.min() < 0 or tokens.max() >= len(vectors))):
        raise ValueError(f"tokens must be a 2-d array of word ids in [0, {len(vectors) - 1}]")
    return np.asarray(vectors, dtype=np.float32)[np.asarray(tokens)].mean(axis=1)


#: SGD recipe of the occupation classifier. lr 0.5 (the kit's first recipe) diverged for some
#: seeds (test accuracy 0.39 to 0.89 at one setting); lr 0.1 for 20 epochs is stable.
RECIPE = {"epochs": 20, "lr": 0.1, "batch_size": 64, "momentum": 0.9}


def train_occupation_classifier(X, y, n_classes, *, hidden=32, epochs=RECIPE["epochs"], seed=0):
    """A one-hidden-layer MLP (logits) trained with SGD on bio features; returns the model."""
    check_int("n_classes", n_classes, 2)
    model = mlp(X.shape[1], n_classes, hidden=(check_int("hidden", hidden, 1),), seed=seed).double()
    train(model, X, y, epochs=epochs, lr=RECIPE["lr"], batch_size=RECIPE["batch_size"],
          momentum=RECIPE["momentum"], seed=seed, dtype=torch.float64)
    return model.eval()


def train_occupation_classifiers(Xs, ys, n_classes, *, seeds, hidden=32, epochs=RECIPE["epochs"]):
    """One classifier per seed, seed k trained on ``(Xs[k], ys[k])``, as one batched run.

    The same recipe as :func:`train_occupation_classifier`, in float64 (these small MLPs with
    momentum are chaotic enough in float32 that the last printed digit moved across CPUs).
    Returns the stacked model; ``.member(k)`` is seed k's classifier.
    """
    import functools

    from trustlab.training import train_many

    check_int("n_classes", n_classes, 2)
    bounds = np.cumsum([0] + [len(y) for y in ys])
    subsets = [np.arange(bounds[k], bounds[k + 1]) for k in range(len(ys))]
    model_fn = functools.partial(mlp, Xs[0].shape[1], n_classes, hidden=(check_int("hidden", hidden, 1),))
    r = train_many(model_fn, np.vstack(Xs), np.concatenate(ys), seeds=list(seeds), subsets=subsets,
                   epochs=epochs, lr=RECIPE["lr"], batch_size=RECIPE["batch_size"],
                   momentum=RECIPE["momentum"], dtype=torch.float64)
    return r.model


def predict_proba(model, X) -> np.ndarray:
    """Class probabilities of ``model`` for features ``X`` (numpy in, numpy out)."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch module (features -> logits), got {type(model).__name__}")
    dtype = next(model.parameters()).dtype
    with torch.no_grad():
        return torch.softmax(model(torch.as_tensor(X, dtype=dtype)), dim=1).numpy()


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
    """Occupation classifiers' per-profession TPR gaps on gender-balanced test bios, per seed.

    ``table`` holds the seed means (``tpr_gap``) and 95 % half-widths (``tpr_gap_ci``);
    ``gaps`` is (seeds × professions), ``accuracies`` one value per seed.
    """

    table: pd.DataFrame
    gaps: np.ndarray
    accuracies: np.ndarray
    stereotype_share: float

    @property
    def accuracy(self) -> float:
        """Mean test accuracy over the seeds."""
        return float(self.accuracies.mean())

    @property
    def rms_gaps(self) -> np.ndarray:
        """Per seed: root mean square of the per-profession TPR gaps (De-Arteaga et al.'s GAP^RMS)."""
        return np.sqrt(np.mean(self.gaps ** 2, axis=1))

    @property
    def rms_gap(self) -> float:
        """Mean over the seeds of :attr:`rms_gaps` (0 means equal recall everywhere)."""
        return float(self.rms_gaps.mean())

    def stereotype_correlations(self) -> np.ndarray:
        """Per seed: Pearson r between the TPR gap and the stereotype score (+ male, − female)."""
        score = self.table["stereotype"].to_numpy()
        return np.array([np.corrcoef(g, score)[0, 1] for g in self.gaps])

    def summary(self) -> str:
        """One rounded line: accuracy, TPR gap RMS and r(gap, stereotype), mean ± 95 % interval."""
        from trustlab.stats import format_ci

        return (f"stereotype share={self.stereotype_share:.2f}  acc={format_ci(self.accuracies, seeds=False)}  "
                f"TPR gap RMS={format_ci(self.rms_gaps, seeds=False)}  corr(TPR gap, stereotype score)="
                f"{format_ci(self.stereotype_correlations(), 2, seeds=False)}  ({len(self.gaps)} seeds)")


def compute_occupation_bias(stereotype_share=0.8, *, swap_ratio=0.0, n_per_profession=150,
                            vectors=None, seed=0, n_seeds=5) -> OccupationBiasResult:
    """Train occupation classifiers on skewed bios; TPR gap per profession on balanced bios.

    ``stereotype`` in the table is Bolukbasi et al.'s crowd score (+ male, − female); a positive
    ``tpr_gap`` means women of that profession are recognised more often than men. Seeds are
    ``seed … seed + n_seeds − 1``, each with its own bios and classifier (one batched run).
    """
    from trustlab.fairness.text.words import load_gender_words
    from trustlab.stats import mean_ci

    check_number("stereotype_share", stereotype_share, 0, 1)
    check_int("n_seeds", n_seeds, 1, 20)
    check_int("seed", seed, 0)
    gw = load_gender_words()
    V = gw.vectors if vectors is None else vectors
    seeds = list(range(seed, seed + n_seeds))
    trains = [make_bios(gw, n_per_profession, stereotype_share=stereotype_share,
                        swap_ratio=swap_ratio, seed=s) for s in seeds]
    tests = [make_bios(gw, 100, stereotype_share=0.5, seed=10_000 + s) for s in seeds]
    models = train_occupation_classifiers([bio_features(t.tokens, V) for t in trains],
                                          [t.y for t in trains], len(trains[0].professions),
                                          seeds=seeds)
    gaps, accs = [], []
    for k, test in enumerate(tests):
        pred = predict_proba(models.member(k), bio_features(test.tokens, V)).argmax(axis=1)
        gaps.append(tpr_gaps(test.y, pred, test.female, len(test.professions)))
        accs.append(float((pred == test.y).mean()))
    gaps = np.array(gaps)
    profs = tests[0].professions
    cis = [mean_ci(gaps[:, j]) for j in range(len(profs))]
    table = pd.DataFrame({"stereotype": [gw.professions[p] for p in profs],
                          "female_share_train": [np.mean([t.female[t.y == k].mean() for t in trains])
                                                 for k in range(len(profs))],
                          "tpr_gap": [c.mean for c in cis], "tpr_gap_ci": [c.half_width for c in cis]},
                         index=pd.Index(profs, name="profession"))
    return OccupationBiasResult(table, gaps, np.array(accs), float(stereotype_share))
