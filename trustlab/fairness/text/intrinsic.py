"""Intrinsic vs extrinsic bias: do bias scores of an embedding predict the bias of a model built on it?

Cao, Pruksachatkun, Chang, Kumar, Dhamala, Gupta & Galstyan (2022, ACL), "On the intrinsic and
extrinsic fairness evaluation metrics for contextualized language representations", found that
they do not reliably correlate. Here 20 variants of the 300-d word2vec vectors (projection-based
mitigation strength × a simulated corpus skew, each with its own seed) are scored intrinsically
(WEAT, Caliskan et al. 2017; direct bias, Bolukbasi et al. 2016) and extrinsically (TPR gap of an
occupation classifier trained on template bios; APS of that classifier, Krishna et al. 2022).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trustlab._validate import check_choice, check_number
from trustlab.fairness.text.bios import (bio_features, make_bios, predict_proba, swap_gender_tokens,
                                         tpr_gaps, train_occupation_classifier)
from trustlab.fairness.text.embeddings import direct_bias, mitigate_projection, weat_test
from trustlab.fairness.text.sensitivity import (accumulated_prediction_sensitivity,
                                                counterfactual_gap, gender_probe,
                                                probe_feature_weights)
from trustlab.fairness.text.words import load_gender_words

__all__ = ["CORPUS_SKEWS", "STRENGTHS", "StudyPoint", "StudyResult", "compute_study_point",
           "embedding_variant", "intrinsic_extrinsic_study", "measure_variant"]

#: The study's grid: 5 mitigation strengths × 4 corpus skews = 20 representation variants.
STRENGTHS = (0.0, 0.25, 0.5, 0.75, 1.0)
CORPUS_SKEWS = (0.0, 0.5, 1.0, 2.0)
SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
_COLUMNS = ("strength", "corpus_skew", "seed", "weat", "direct_bias", "tpr_gap", "aps", "ctf",
            "accuracy")
_STUDY = {"n_train": 150, "n_test": 100, "stereotype_share": 0.8, "weat": "career_family"}


@functools.lru_cache(maxsize=1)
def _setup():
    gw = load_gender_words()
    gendered = {w for p in gw.definitional_pairs + gw.bio_gender_pairs for w in p}
    # WEAT's male/female attribute terms are gendered by definition ("him", "hers", ...).
    gendered |= {w for test in gw.weat.values() for part in test[2:] for w in part["words"]}
    neutral = np.array([w not in gendered for w in gw.words])
    return gw, gw.direction, neutral


def embedding_variant(strength=0.0, corpus_skew=0.0) -> np.ndarray:
    """The shipped vectors with gender-neutral words skewed, then mitigated.

    ``corpus_skew`` s imitates a corpus in which neutral words co-occur more with one gender:
    w ← w + s (w·g) g (the existing gender component grows by 1 + s). ``strength`` then removes
    that share of the g-component (:func:`~trustlab.fairness.text.embeddings.mitigate_projection`).
    Definitional words, bio gender words and WEAT's gender terms are left alone.

    >>> v = embedding_variant(1.0, 0.0)
    >>> gw, g, neutral = _setup()
    >>> float(np.abs(v[neutral] @ g).max()) < 1e-6
    True
    """
    strength = check_number("strength", strength, 0, 1)
    skew = check_number("corpus_skew", corpus_skew, 0, 5)
    gw, g, neutral = _setup()
    V = gw.vectors.astype(np.float64)
    W = V[neutral]
    W = W + skew * np.outer(W @ g, g)
    out = V.copy()
    out[neutral] = mitigate_projection(W, g, strength)
    return out.astype(np.float32)


def measure_variant(strength=0.0, corpus_skew=0.0, *, seed=0) -> dict:
    """Intrinsic and extrinsic bias scores of one representation variant (a dict of floats).

    Keys: ``weat`` (career/family vs male/female terms effect size), ``direct_bias`` (mean
    |cos(profession, g)|), ``tpr_gap`` (root mean square over professions of TPR women − TPR men
    on gender-balanced test bios), ``aps``, ``ctf`` (mean counterfactual gap), ``accuracy``.
    """
    gw, g, _ = _setup()
    V = embedding_variant(strength, corpus_skew)
    lookup = lambda words: V[[gw.index[w] for w in words]]  # noqa: E731
    train = make_bios(gw, _STUDY["n_train"], stereotype_share=_STUDY["stereotype_share"],
                      seed=seed)
    test = make_bios(gw, _STUDY["n_test"], stereotype_share=0.5, seed=10_000 + seed)
    X_train, X_test = bio_features(train.tokens, V), bio_features(test.tokens, V)
    X_swap = bio_features(swap_gender_tokens(gw, test.tokens), V)
    model = train_occupation_classifier(X_train, train.y, len(train.professions), seed=seed)
    pred = predict_proba(model, X_test).argmax(axis=1)
    gaps = tpr_gaps(test.y, pred, test.female, len(test.professions))
    probe = gender_probe(X_test, test.female, seed=seed)
    v = probe_feature_weights(probe, X_test)
    return {"strength": float(strength), "corpus_skew": float(corpus_skew), "seed": int(seed),
            "weat": weat_test(lookup, gw.weat[_STUDY["weat"]]),
            "direct_bias": direct_bias(lookup(list(gw.professions)), g),
            "tpr_gap": float(np.sqrt(np.mean(gaps**2))),
            "aps": accumulated_prediction_sensitivity(model, X_test, v),
            "ctf": float(counterfactual_gap(model, X_test, X_swap).mean()),
            "accuracy": float((pred == test.y).mean())}


def _grid(seed):
    return [(s, k, seed + i) for i, (s, k) in
            enumerate((s, k) for k in CORPUS_SKEWS for s in STRENGTHS)]


@dataclass(frozen=True, eq=False)
class StudyResult:
    """The 20 variants' scores (``table``) and how intrinsic and extrinsic scores correlate."""

    table: pd.DataFrame

    def correlation(self, intrinsic="weat", extrinsic="tpr_gap", method="pearson") -> float:
        """Correlation across the variants of an intrinsic and an extrinsic score."""
        check_choice("intrinsic", intrinsic, ("weat", "direct_bias"))
        check_choice("extrinsic", extrinsic, ("tpr_gap", "aps", "ctf"))
        check_choice("method", method, ("pearson", "spearman"))
        return float(self.table[intrinsic].corr(self.table[extrinsic], method=method))

    def summary(self) -> str:
        """Correlations of WEAT and direct bias with the TPR gap, rounded."""
        return (f"{len(self.table)} variants: r(WEAT, TPR gap)={self.correlation():.2f}  "
                f"r(direct bias, TPR gap)={self.correlation('direct_bias'):.2f}  "
                f"r(WEAT, APS)={self.correlation('weat', 'aps'):.2f}")


def intrinsic_extrinsic_study(*, seed=0, use_cache=True, progress=False) -> StudyResult:
    """Score all 20 variants (≈ 25 s on 2 cores); cached on disk (shipped for ``seed=0``)."""
    from trustlab.cache import cached

    grid = _grid(seed)

    def compute():
        rows = grid
        if progress:
            from tqdm.auto import tqdm
            rows = tqdm(grid, desc="representation variants")
        return [measure_variant(s, k, seed=sd) for s, k, sd in rows]

    params = {"grid": [list(r) for r in grid], **_STUDY}
    rows = cached("intrinsic_extrinsic", params, compute, shipped_dir=SWEEP_DIR,
                  use_cache=use_cache)
    return StudyResult(pd.DataFrame(rows)[list(_COLUMNS)])


@dataclass(frozen=True, eq=False)
class StudyPoint:
    """One variant of the study (``row``) shown against all of them (``study``)."""

    study: StudyResult
    row: pd.Series

    def summary(self) -> str:
        r = self.row
        return (f"strength={r.strength:.2f} skew={r.corpus_skew:g}: WEAT d={r.weat:.2f}  "
                f"direct bias={r.direct_bias:.3f}  TPR gap={r.tpr_gap:.3f}  APS={r.aps:.3f}  "
                f"acc={r.accuracy:.3f} | {self.study.summary()}")


def compute_study_point(strength=0.0, corpus_skew=0.0, *, seed=0) -> StudyPoint:
    """The variant at (``strength``, ``corpus_skew``) read from the cached study (no training).

    >>> p = compute_study_point(1.0, 0.0)
    >>> round(float(p.row.direct_bias), 3), len(p.study.table)
    (0.0, 20)
    """
    check_choice("strength", strength, STRENGTHS)
    check_choice("corpus_skew", corpus_skew, CORPUS_SKEWS)
    study = intrinsic_extrinsic_study(seed=seed)
    t = study.table
    row = t[(t.strength == float(strength)) & (t.corpus_skew == float(corpus_skew))].iloc[0]
    return StudyPoint(study, row)
