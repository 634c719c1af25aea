"""APS vs counterfactual token fairness on occupation classifiers trained with more or less gender leakage.

Classifiers are trained on template bios whose gender follows the occupation's stereotype with
probability ``stereotype_share``; counterfactual augmentation with ``swap_ratio`` (Fairness I)
adds gender-swapped copies and so weakens what gender words tell about the label. Each model is
scored on gender-balanced test bios by APS (Krishna et al. 2022, ACL; every variant of
:data:`~trustlab.fairness.text.sensitivity.VARIANTS`, the kit's reading) and by the
counterfactual gap (Garg et al. 2019), per bio and on average. Every seed has its own bios,
probe and classifiers; results keep each seed's value and print mean ± 95 % interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trustlab._validate import check_int, check_number
from trustlab.fairness.text.bios import (RECIPE, bio_features, make_bios, predict_proba, swap_gender_tokens,
                                         tpr_gaps, train_occupation_classifiers)
from trustlab.fairness.text.sensitivity import (VARIANTS, counterfactual_gap, gender_probes,
                                                sensitivity_variants)
from trustlab.fairness.text.words import load_gender_words
from trustlab.stats import format_ci, mean_ci

__all__ = ["DEFAULT_VARIANT", "SWEEP_DIR", "LeakageResult", "compare_aps_ctf"]

DEFAULT_VARIANT = "|Jv|, signed unit v (default)"
_METRICS = ("aps", "ctf", "tpr_gap", "accuracy", "rank_corr")


@dataclass(frozen=True, eq=False)
class LeakageResult:
    """Per swap ratio and seed: APS (every variant), counterfactual gap, TPR gap, accuracy and
    the per-bio rank correlation of PS with the gap.

    ``per_seed[ratio][metric]`` is a list over the seeds for the default variant;
    ``variants[name][ratio]`` holds ``aps`` and ``rank_corr`` lists for each variant.
    """

    swap_ratios: tuple
    seeds: tuple
    per_seed: dict
    variants: dict

    @property
    def table(self) -> pd.DataFrame:
        """One row per swap ratio: the seed mean of each metric and its 95 % half-width (``_ci``)."""
        rows = []
        for r in self.swap_ratios:
            row = {"swap_ratio": r}
            for m in _METRICS:
                iv = mean_ci(self.per_seed[r][m])
                row[m], row[f"{m}_ci"] = iv.mean, iv.half_width
            rows.append(row)
        return pd.DataFrame(rows)

    def variant_table(self, metric="rank_corr") -> pd.DataFrame:
        """Variants × swap ratios: ``metric`` (``rank_corr`` or ``aps``) as ``mean±half`` text."""
        return pd.DataFrame({f"swap {r:g}": {v: format_ci(self.variants[v][r][metric], 2, seeds=False)
                                             for v in self.variants} for r in self.swap_ratios})

    def correlations(self, variant=DEFAULT_VARIANT) -> np.ndarray:
        """Per seed: Pearson r between APS (``variant``) and the mean counterfactual gap across ratios."""
        aps = np.array([self.variants[variant][r]["aps"] for r in self.swap_ratios])
        ctf = np.array([self.per_seed[r]["ctf"] for r in self.swap_ratios])
        return np.array([np.corrcoef(aps[:, k], ctf[:, k])[0, 1] for k in range(len(self.seeds))])

    def correlation(self, variant=DEFAULT_VARIANT) -> float:
        """The seed mean of :meth:`correlations`."""
        return float(self.correlations(variant).mean())

    def summary(self) -> str:
        """APS and counterfactual gap per swap ratio (mean ± interval) and r(APS, CTF)."""
        rows = "  ".join(f"swap {r:.2f}: APS={format_ci(self.per_seed[r]['aps'], seeds=False)} "
                         f"CTF={format_ci(self.per_seed[r]['ctf'], seeds=False)}"
                         for r in self.swap_ratios)
        return (f"{rows} | r(APS, CTF)={format_ci(self.correlations(), 2, seeds=False)} "
                f"({len(self.seeds)} seeds)")


SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
#: A recomputed point agrees with the shipped sweep within this (APS and gaps, per seed).
SPOT_TOLERANCE = 0.005


def compare_aps_ctf(swap_ratios=(0.0, 0.25, 0.5, 0.75, 1.0), *, stereotype_share=0.9,
                    n_per_profession=150, seed=0, n_seeds=5, use_cache=True) -> LeakageResult:
    """Train occupation classifiers per swap ratio and seed; score them by APS and counterfactual gap.

    Seeds are ``seed … seed + n_seeds − 1``; each has its own training and test bios, probe and
    classifiers (one batched run per swap ratio). The default setting ships as a sweep
    (``sweeps/aps_ctf.json``); others are computed (about 30 s) and cached on disk.

    >>> r = compare_aps_ctf((0.0, 1.0), n_per_profession=40, n_seeds=2, use_cache=False)
    >>> bool(r.table["ctf"].iloc[0] > r.table["ctf"].iloc[1])
    True
    """
    from trustlab.cache import cached

    ratios = tuple(check_number("swap_ratios", r, 0, 1) for r in swap_ratios)
    if len(ratios) < 2:
        raise ValueError(f"swap_ratios needs at least two values to compare, got {list(ratios)}")
    check_number("stereotype_share", stereotype_share, 0, 1)
    check_int("n_per_profession", n_per_profession, 10, 2000)
    check_int("seed", seed, 0)
    check_int("n_seeds", n_seeds, 1, 20)
    seeds = tuple(range(seed, seed + n_seeds))
    params = {"swap_ratios": list(ratios), "stereotype_share": stereotype_share,
              "n_per_profession": n_per_profession, "seeds": list(seeds),
              "variants": list(VARIANTS), "recipe": RECIPE}
    value = cached("aps_ctf", params,
                   lambda: _compute(ratios, stereotype_share, n_per_profession, seeds),
                   shipped_dir=SWEEP_DIR, use_cache=use_cache, check=_check_value)
    per_seed = {r: value["per_seed"][str(r)] for r in ratios}
    variants = {v: {r: value["variants"][v][str(r)] for r in ratios} for v in VARIANTS}
    return LeakageResult(ratios, seeds, per_seed, variants)


def _compute(ratios, stereotype_share, n_per_profession, seeds):
    """The sweep's JSON value: per ratio (as str) and seed, the metrics and each variant's."""
    gw = load_gender_words()
    V = gw.vectors
    bios = [make_bios(gw, 100, stereotype_share=0.5, seed=10_000 + s) for s in seeds]
    X_tests = [bio_features(t.tokens, V) for t in bios]
    probes = gender_probes(X_tests, [t.female for t in bios], seeds=seeds)
    tests = [(t, X, bio_features(swap_gender_tokens(gw, t.tokens), V), probes.member(k))
             for k, (t, X) in enumerate(zip(bios, X_tests))]
    per_seed = {str(r): {m: [] for m in _METRICS} for r in ratios}
    variants = {v: {str(r): {"aps": [], "rank_corr": []} for r in ratios} for v in VARIANTS}
    for ratio in ratios:
        trains = [make_bios(gw, n_per_profession, stereotype_share=stereotype_share,
                            swap_ratio=ratio, seed=s) for s in seeds]
        models = train_occupation_classifiers([bio_features(t.tokens, V) for t in trains],
                                              [t.y for t in trains], len(trains[0].professions),
                                              seeds=seeds)
        for k, (test, X_test, X_swap, probe) in enumerate(tests):
            model = models.member(k)
            gap = counterfactual_gap(model, X_test, X_swap)
            ps = sensitivity_variants(model, probe, X_test)
            pred = predict_proba(model, X_test).argmax(axis=1)
            tpr = tpr_gaps(test.y, pred, test.female, len(test.professions))
            for v, values in ps.items():
                variants[v][str(ratio)]["aps"].append(float(values.mean()))
                variants[v][str(ratio)]["rank_corr"].append(_spearman(values, gap))
            row = {"aps": float(ps[DEFAULT_VARIANT].mean()), "ctf": float(gap.mean()),
                   "tpr_gap": float(np.sqrt(np.mean(tpr**2))),
                   "accuracy": float((pred == test.y).mean()),
                   "rank_corr": _spearman(ps[DEFAULT_VARIANT], gap)}
            for m, value in row.items():
                per_seed[str(ratio)][m].append(value)
    return {"per_seed": per_seed, "variants": variants}


def _check_value(value):
    """Raise unless every stored list holds one finite value per seed."""
    lists = [v for r in value["per_seed"].values() for v in r.values()]
    lists += [v for d in value["variants"].values() for r in d.values() for v in r.values()]
    n = len(lists[0])
    if any(len(v) != n or not np.all(np.isfinite(v)) for v in lists):
        raise ValueError(f"every score must hold {n} finite values, one per seed")


def _spearman(a, b) -> float:
    """Spearman's rank correlation (average ranks for ties, as pandas and scipy give it)."""
    return float(pd.Series(a).corr(pd.Series(b), method="spearman"))
