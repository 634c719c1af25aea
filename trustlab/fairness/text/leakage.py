"""APS vs counterfactual token fairness on occupation classifiers trained with more or less gender leakage.

Classifiers are trained on template bios whose gender follows the occupation's stereotype with
probability ``stereotype_share``; counterfactual augmentation with ``swap_ratio`` (Fairness I)
adds gender-swapped copies and so weakens what gender words tell about the label. Each model is
scored on gender-balanced test bios by APS (Krishna et al. 2022, ACL) and by the counterfactual
gap (Garg et al. 2019), per bio and on average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trustlab._validate import check_number
from trustlab.fairness.text.bios import (bio_features, make_bios, predict_proba, swap_gender_tokens,
                                         tpr_gaps, train_occupation_classifier)
from trustlab.fairness.text.sensitivity import (counterfactual_gap, gender_probe,
                                                prediction_sensitivity, probe_feature_weights)
from trustlab.fairness.text.words import load_gender_words

__all__ = ["LeakageResult", "compare_aps_ctf"]


@dataclass(frozen=True, eq=False)
class LeakageResult:
    """Per swap ratio: APS, mean counterfactual gap, TPR gap, accuracy and their per-bio rank
    correlation (``table``); ``per_bio`` holds PS and the gap of every test bio per ratio."""

    table: pd.DataFrame
    per_bio: dict

    def correlation(self) -> float:
        """Pearson r between APS and the counterfactual gap across the swap ratios."""
        return float(self.table["aps"].corr(self.table["ctf"]))

    def summary(self) -> str:
        rows = "  ".join(f"swap {r.swap_ratio:.2f}: APS={r.aps:.3f} CTF={r.ctf:.3f}"
                         for r in self.table.itertuples())
        return f"{rows} | r(APS, CTF)={self.correlation():.2f}"


def compare_aps_ctf(swap_ratios=(0.0, 0.25, 0.5, 0.75, 1.0), *, stereotype_share=0.9,
                    n_per_profession=150, seed=0) -> LeakageResult:
    """Train one occupation classifier per swap ratio and score it by APS and by counterfactual gap.

    >>> r = compare_aps_ctf((0.0, 1.0), n_per_profession=40, seed=0)
    >>> bool(r.table["ctf"].iloc[0] > r.table["ctf"].iloc[1])
    True
    """
    ratios = [check_number("swap_ratios", r, 0, 1) for r in swap_ratios]
    if len(ratios) < 2:
        raise ValueError(f"swap_ratios needs at least two values to compare, got {ratios}")
    check_number("stereotype_share", stereotype_share, 0, 1)
    gw = load_gender_words()
    V = gw.vectors
    test = make_bios(gw, 100, stereotype_share=0.5, seed=10_000 + seed)
    X_test = bio_features(test.tokens, V)
    X_swap = bio_features(swap_gender_tokens(gw, test.tokens), V)
    v = probe_feature_weights(gender_probe(X_test, test.female, seed=seed), X_test)
    rows, per_bio = [], {}
    for ratio in ratios:
        train = make_bios(gw, n_per_profession, stereotype_share=stereotype_share,
                          swap_ratio=ratio, seed=seed)
        model = train_occupation_classifier(bio_features(train.tokens, V), train.y,
                                            len(train.professions), seed=seed)
        ps = prediction_sensitivity(model, X_test, v)
        gap = counterfactual_gap(model, X_test, X_swap)
        pred = predict_proba(model, X_test).argmax(axis=1)
        tpr = tpr_gaps(test.y, pred, test.female, len(test.professions))
        per_bio[ratio] = (ps, gap)
        rows.append({"swap_ratio": ratio, "aps": float(ps.mean()), "ctf": float(gap.mean()),
                     "tpr_gap": float(np.sqrt(np.mean(tpr**2))),
                     "accuracy": float((pred == test.y).mean()),
                     "rank_corr": float(pd.Series(ps).corr(pd.Series(gap), method="spearman"))})
    return LeakageResult(pd.DataFrame(rows), per_bio)
