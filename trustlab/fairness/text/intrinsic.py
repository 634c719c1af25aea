"""Intrinsic vs extrinsic bias: do bias scores of an embedding predict the bias of a model built on it?

Cao, Pruksachatkun, Chang, Gupta, Kumar, Dhamala & Galstyan (2022, ACL), "On the intrinsic and
extrinsic fairness evaluation metrics for contextualized language representations", correlate
intrinsic and extrinsic metrics across 19 contextualized language models and find that they do
not reliably correlate. What is here is **a static-embedding analogue**, not a reproduction: 20
variants of the 300-d word2vec vectors (projection-based mitigation strength × a simulated
corpus skew) are scored intrinsically (WEAT, Caliskan et al. 2017; direct bias, Bolukbasi et al.
2016) and extrinsically (TPR gap of an occupation classifier trained on template bios; APS of
that classifier, Krishna et al. 2022, the kit's reading; counterfactual gap). Every variant is
trained with the same 5 seeds (one batched run each), and correlations are computed per seed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trustlab._validate import check_choice, check_int, check_number
from trustlab.fairness.text.bios import (RECIPE, bio_features, make_bios, predict_proba,
                                         swap_gender_tokens, tpr_gaps, train_occupation_classifiers)
from trustlab.fairness.text.embeddings import direct_bias, mitigate_projection, weat_test
from trustlab.fairness.text.sensitivity import (accumulated_prediction_sensitivity,
                                                counterfactual_gap, gender_probes,
                                                probe_feature_weights)
from trustlab.fairness.text.words import load_gender_words
from trustlab.stats import format_ci

__all__ = ["CORPUS_SKEWS", "N_SEEDS", "STRENGTHS", "StudyPoint", "StudyResult",
           "compute_study_point", "compute_study_point_now", "embedding_variant",
           "intrinsic_extrinsic_study", "measure_variant"]

#: The study's grid: 5 mitigation strengths × 4 corpus skews = 20 representation variants.
STRENGTHS = (0.0, 0.25, 0.5, 0.75, 1.0)
CORPUS_SKEWS = (0.0, 0.5, 1.0, 2.0)
SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
N_SEEDS = 5
#: Scores that depend on the trained classifier (kept per seed); WEAT and direct bias do not.
EXTRINSIC = ("tpr_gap", "aps", "ctf", "accuracy")
_COLUMNS = ("strength", "corpus_skew", "weat", "direct_bias", *EXTRINSIC)
_STUDY = {"n_train": 150, "n_test": 100, "stereotype_share": 0.8, "weat": "career_family"}
#: A recomputed variant agrees with the shipped sweep within this (per seed).
SPOT_TOLERANCE = 0.005


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


def measure_variant(strength=0.0, corpus_skew=0.0, *, seeds=(0,)) -> dict:
    """Intrinsic and extrinsic bias scores of one representation variant.

    Keys: ``weat`` (career/family vs male/female terms effect size), ``direct_bias`` (mean
    |cos(profession, g)|), and per seed (lists in the order of ``seeds``) ``tpr_gap`` (root mean
    square over professions of TPR women − TPR men on gender-balanced test bios), ``aps``
    (default variant), ``ctf`` (mean counterfactual gap) and ``accuracy``.
    """
    gw, g, _ = _setup()
    V = embedding_variant(strength, corpus_skew)
    lookup = lambda words: V[[gw.index[w] for w in words]]  # noqa: E731
    seeds = [check_int("seeds", s, 0) for s in seeds]
    trains = [make_bios(gw, _STUDY["n_train"], stereotype_share=_STUDY["stereotype_share"],
                        seed=s) for s in seeds]
    models = train_occupation_classifiers([bio_features(t.tokens, V) for t in trains],
                                          [t.y for t in trains], len(trains[0].professions),
                                          seeds=seeds)
    out = {"strength": float(strength), "corpus_skew": float(corpus_skew), "seeds": list(seeds),
           "weat": weat_test(lookup, gw.weat[_STUDY["weat"]]),
           "direct_bias": direct_bias(lookup(list(gw.professions)), g),
           **{k: [] for k in EXTRINSIC}}
    tests = [make_bios(gw, _STUDY["n_test"], stereotype_share=0.5, seed=10_000 + s) for s in seeds]
    X_tests = [bio_features(t.tokens, V) for t in tests]
    probes = gender_probes(X_tests, [t.female for t in tests], seeds=seeds)
    for k, (test, X_test) in enumerate(zip(tests, X_tests)):
        X_swap = bio_features(swap_gender_tokens(gw, test.tokens), V)
        model = models.member(k)
        pred = predict_proba(model, X_test).argmax(axis=1)
        gaps = tpr_gaps(test.y, pred, test.female, len(test.professions))
        v = probe_feature_weights(probes.member(k), X_test)
        out["tpr_gap"].append(float(np.sqrt(np.mean(gaps**2))))
        out["aps"].append(accumulated_prediction_sensitivity(model, X_test, v))
        out["ctf"].append(float(counterfactual_gap(model, X_test, X_swap).mean()))
        out["accuracy"].append(float((pred == test.y).mean()))
    return out


def _grid():
    return [(s, k) for k in CORPUS_SKEWS for s in STRENGTHS]


@dataclass(frozen=True, eq=False)
class StudyResult:
    """The 20 variants' scores: ``rows`` (per-seed lists), ``table`` (seed means) and how
    intrinsic and extrinsic scores correlate across the variants, seed by seed."""

    rows: tuple

    @property
    def table(self) -> pd.DataFrame:
        """One row per variant: strength, skew, WEAT, direct bias and the seed means of the rest."""
        return pd.DataFrame([{c: float(np.mean(r[c])) for c in _COLUMNS} for r in self.rows])

    def correlations(self, intrinsic="weat", extrinsic="tpr_gap", method="pearson") -> np.ndarray:
        """Per seed: the correlation across the variants of an intrinsic and an extrinsic score."""
        check_choice("intrinsic", intrinsic, ("weat", "direct_bias"))
        check_choice("extrinsic", extrinsic, EXTRINSIC[:3])
        check_choice("method", method, ("pearson", "spearman"))
        x = pd.Series([r[intrinsic] for r in self.rows])
        per_seed = np.array([r[extrinsic] for r in self.rows])  # variants × seeds
        return np.array([x.corr(pd.Series(per_seed[:, k]), method=method)
                         for k in range(per_seed.shape[1])])

    def correlation(self, intrinsic="weat", extrinsic="tpr_gap", method="pearson") -> float:
        """The seed mean of :meth:`correlations`."""
        return float(self.correlations(intrinsic, extrinsic, method).mean())

    def summary(self) -> str:
        """Correlations of WEAT and direct bias with the TPR gap and APS (mean ± 95 % interval)."""
        def r(*a):
            return format_ci(self.correlations(*a), 2, seeds=False)
        return (f"{len(self.rows)} variants: r(WEAT, TPR gap)={r('weat')}  "
                f"r(direct bias, TPR gap)={r('direct_bias')}  r(WEAT, APS)={r('weat', 'aps')}  "
                f"({len(self.rows[0]['seeds'])} seeds)")


def intrinsic_extrinsic_study(*, seed=0, n_seeds=N_SEEDS, use_cache=True,
                              progress=False) -> StudyResult:
    """Score all 20 variants with seeds ``seed … seed + n_seeds − 1``; cached on disk (shipped
    for the default), about a minute to recompute on 2 cores."""
    from trustlab.cache import cached

    check_int("seed", seed, 0)
    check_int("n_seeds", n_seeds, 1, 20)
    seeds = list(range(seed, seed + n_seeds))
    grid = _grid()

    def compute():
        rows = grid
        if progress:
            from tqdm.auto import tqdm
            rows = tqdm(grid, desc="representation variants")
        return [measure_variant(s, k, seeds=seeds) for s, k in rows]

    params = {"grid": [list(r) for r in grid], "seeds": seeds, "recipe": RECIPE, **_STUDY}
    rows = cached("intrinsic_extrinsic", params, compute, shipped_dir=SWEEP_DIR,
                  use_cache=use_cache, check=_check_rows)
    return StudyResult(tuple(rows))


def _check_rows(rows):
    """Raise unless every stored variant has the study's keys and finite per-seed scores."""
    if len(rows) != len(STRENGTHS) * len(CORPUS_SKEWS):
        raise ValueError(f"the study must hold {len(STRENGTHS) * len(CORPUS_SKEWS)} variants")
    for r in rows:
        n = len(r["seeds"])
        if any(len(r[k]) != n or not np.all(np.isfinite(r[k])) for k in EXTRINSIC):
            raise ValueError(f"every extrinsic score must hold {n} finite values")


@dataclass(frozen=True, eq=False)
class StudyPoint:
    """One variant (``row``, per-seed lists) shown against all of them (``study``)."""

    study: StudyResult
    row: dict
    live: bool = False

    def __getattr__(self, name):  # row values as attributes: point.weat, point.tpr_gap (means)
        row = self.__dict__.get("row", {})
        if name in row:
            return float(np.mean(row[name]))
        raise AttributeError(name)

    def summary(self) -> str:
        r = self.row
        ci = lambda k, d=3: format_ci(r[k], d, seeds=False)  # noqa: E731
        head = "computed now: " if self.live else ""
        return (f"{head}strength={r['strength']:.2f} skew={r['corpus_skew']:g}: WEAT d={r['weat']:.2f}  "
                f"direct bias={r['direct_bias']:.3f}  TPR gap={ci('tpr_gap')}  APS={ci('aps')}  "
                f"acc={ci('accuracy')} ({len(r['seeds'])} seeds) | {self.study.summary()}")


def compute_study_point(strength=0.0, corpus_skew=0.0, *, seed=0) -> StudyPoint:
    """The variant at (``strength``, ``corpus_skew``) read from the cached study (no training).

    >>> p = compute_study_point(1.0, 0.0)
    >>> round(p.direct_bias, 3), len(p.study.rows)
    (0.0, 20)
    """
    check_choice("strength", strength, STRENGTHS)
    check_choice("corpus_skew", corpus_skew, CORPUS_SKEWS)
    study = intrinsic_extrinsic_study(seed=seed)
    row = next(r for r in study.rows
               if r["strength"] == float(strength) and r["corpus_skew"] == float(corpus_skew))
    return StudyPoint(study, row)


def compute_study_point_now(strength=0.3, corpus_skew=0.7, *, seed=0, n_seeds=N_SEEDS) -> StudyPoint:
    """Train and score a variant off the grid now (any strength in [0, 1], skew in [0, 5]),
    ``n_seeds`` seeds, shown against the shipped study. A second or two on 2 cores."""
    check_number("strength", strength, 0, 1)
    check_number("corpus_skew", corpus_skew, 0, 5)
    check_int("n_seeds", n_seeds, 1, N_SEEDS)
    study = intrinsic_extrinsic_study(seed=seed)
    row = measure_variant(strength, corpus_skew, seeds=study.rows[0]["seeds"][:n_seeds])
    return StudyPoint(study, row, live=True)
