"""Gender bias in Adult knowledge-graph embeddings, with seeds: Fisher et al.'s measure, their mitigation and evaluation.

One call builds the Adult graph, hides 20 % of the occupations, trains K TransE models at once
(:func:`~trustlab.fairness.kg.transe.train_transe`, loss L_CE + w_KL·L_KL) and measures, per
seed: Fisher et al.'s profession bias b_p (:mod:`~trustlab.fairness.kg.measure`), its mean
(a uniform shift) and spread over professions, link prediction of the hidden occupations
against a popularity baseline (:mod:`~trustlab.fairness.kg.ranking`), and how much gender the
embeddings still carry (:mod:`~trustlab.fairness.kg.evaluation`). Sources: Fisher, Palfrey,
Christodoulopoulos & Mittal (2019/2020, AKBC workshop, arXiv 1912.02761) for the measure;
Fisher, Mittal, Palfrey & Christodoulopoulos (2020, EMNLP) for the mitigation and evaluation.
``counterfactual_share`` adds gender-swapped twins: a CDA-style baseline of the kit's, not
Fisher et al.'s method.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trustlab._random import check_seed
from trustlab._validate import check_int, check_number
from trustlab.fairness.kg.evaluation import attribute_score_gap, probe_accuracy
from trustlab.fairness.kg.graph import adult_graph, female_shares, hold_out_occupations
from trustlab.fairness.kg.measure import ALPHA, profession_bias
from trustlab.fairness.kg.ranking import link_prediction, popularity_ranks, rank_tails
from trustlab.fairness.kg.transe import train_transe
from trustlab.stats import format_ci, mean_ci, separated

__all__ = ["KGBiasResult", "SETTINGS", "compare_results", "compute_kg_bias"]

#: The lesson's graph and training settings (the shipped sweep's too). Batches hold a sixth of
#: the persons (twins included), so every setting trains in 6 × 15 steps.
SETTINGS = {"n_persons": 1500, "dim": 32, "epochs": 15, "lr": 0.1, "steps_per_epoch": 6,
            "test_share": 0.2}
#: b_p is printed in units of 10⁻³ (α = 0.01 makes it small).
SCALE = 1e3


@dataclass(frozen=True, eq=False)
class KGBiasResult:
    """Per-seed arrays of one setting (w_KL, twins): Fisher's b_p, link prediction, gender left.

    ``b`` (K, P) in the order of ``occupations``; ``mrr``, ``hits1``, ``hits3``, ``gap``,
    ``probe`` have one value per seed; ``female_share`` is each occupation's share of women
    among the graph's sampled people (not Adult's whole population).
    """

    kl_weight: float
    counterfactual_share: float
    seeds: tuple
    occupations: tuple
    b: np.ndarray
    female_share: np.ndarray
    mrr: np.ndarray
    hits1: np.ndarray
    hits3: np.ndarray
    popularity: dict
    gap: np.ndarray
    probe: np.ndarray
    majority: float
    seconds: float

    @property
    def shift(self) -> np.ndarray:
        """Mean of b_p over professions, per seed: a uniform shift the spread cannot see."""
        return self.b.mean(axis=1)

    @property
    def spread(self) -> np.ndarray:
        """Standard deviation of b_p over professions, per seed: 0 if all move alike."""
        return self.b.std(axis=1)

    @property
    def correlation(self) -> np.ndarray:
        """Pearson r of b_p with each profession's share of men in the graph, per seed."""
        men = 1 - self.female_share
        return np.array([np.corrcoef(row, men)[0, 1] for row in self.b])

    @property
    def table(self) -> pd.DataFrame:
        """b_p (×10⁻³) per profession: seed mean and 95 % half-width, ranked; share of women."""
        ivs = [mean_ci(col * SCALE) for col in self.b.T]
        df = pd.DataFrame({"b_p": [iv.mean for iv in ivs], "±": [iv.half_width for iv in ivs],
                           "female_share": self.female_share},
                          index=pd.Index(self.occupations, name="occupation"))
        return df.sort_values("b_p", kind="stable")

    @property
    def label(self) -> str:
        return f"w_KL={self.kl_weight:g} twins={self.counterfactual_share:g}"

    def summary(self) -> str:
        def ci(values, digits):
            return format_ci(values, digits, seeds=False)

        return (f"{self.label}: "
                f"b_p spread={ci(self.spread * SCALE, 1)} shift={ci(self.shift * SCALE, 1)} "
                f"(×1e-3)  r(b_p, men's share)={ci(self.correlation, 2)}  "
                f"MRR={ci(self.mrr, 2)} (popularity {self.popularity['mrr']:.2f})  "
                f"gender gap={ci(self.gap, 2)}  probe={ci(self.probe, 2)} "
                f"(majority {self.majority:.2f})  ({len(self.seeds)} seeds)")


#: What :func:`compare_results` compares: (label, attribute, scale, decimals).
_COMPARED = (("MRR", "mrr", 1, 2), ("b_p spread ×1e-3", "spread", SCALE, 1),
             ("b_p shift ×1e-3", "shift", SCALE, 1), ("gender gap", "gap", 1, 2),
             ("probe", "probe", 1, 2))


def compare_results(a, b) -> str:
    """Each measure of two settings with its interval, and whether the intervals separate.

    The kit's rule: a difference is an effect only when the 95 % seed intervals do not
    overlap (:func:`trustlab.stats.separated`); otherwise "no measurable difference". Intervals
    that separate while printing alike (every seed's probe at 1.00 against 0.999) say so.
    """
    for name, r in (("a", a), ("b", b)):
        if not isinstance(r, KGBiasResult):
            raise TypeError(f"{name} must be a KGBiasResult (from compute_kg_bias), got "
                            f"{type(r).__name__}")
    lines = [f"{a.label} vs {b.label}:"]
    for label, attr, scale, digits in _COMPARED:
        x, y = getattr(a, attr) * scale, getattr(b, attr) * scale
        fx, fy = format_ci(x, digits, seeds=False), format_ci(y, digits, seeds=False)
        verdict = ("no measurable difference" if not separated(x, y) else
                   "separated" if fx != fy else "separated by less than the printed digits")
        lines.append(f"  {label}: {fx} vs {fy} ({verdict})")
    return "\n".join(lines)


def compute_kg_bias(kl_weight=0.0, counterfactual_share=0.0, *, n_seeds=5, seed=0,
                    n_persons=None, epochs=None, on_epoch=None) -> KGBiasResult:
    """Train ``n_seeds`` TransE models on the Adult graph at once and measure their gender bias.

    The graph and the hidden occupations come from ``seed``; model k uses seed ``seed + k``.
    ``n_persons`` and ``epochs`` default to :data:`SETTINGS`; ``on_epoch(epoch)`` is called
    after each training epoch (a progress bar).

    >>> r = compute_kg_bias(n_seeds=2, n_persons=300, epochs=5)
    >>> r.b.shape[0], len(r.mrr), r.majority > 0.5
    (2, 2, True)
    """
    start = time.perf_counter()
    w = check_number("kl_weight", kl_weight, 0, 1e6)
    cf = check_number("counterfactual_share", counterfactual_share, 0, 1)
    k = check_int("n_seeds", n_seeds, 1, 64)
    seed = check_seed(seed)
    s = dict(SETTINGS)
    s["n_persons"] = s["n_persons"] if n_persons is None else check_int("n_persons", n_persons, 50, 45_222)
    s["epochs"] = s["epochs"] if epochs is None else check_int("epochs", epochs, 1, 1000)
    kg = adult_graph(s["n_persons"], counterfactual_share=cf, seed=seed)
    train, test = hold_out_occupations(kg, s["test_share"], seed=seed + 1)
    seeds = tuple(seed + i for i in range(k))
    model = train_transe(kg, train, seeds=seeds, dim=s["dim"], epochs=s["epochs"], lr=s["lr"],
                         batch_size=-(-len(kg.persons) // s["steps_per_epoch"]), kl_weight=w,
                         on_epoch=on_epoch)
    occ = kg.rel("has_occupation")
    cand = kg.values["has_occupation"]
    lp = link_prediction(rank_tails(model, test[:, 0], occ, test[:, 2], cand))
    pop = link_prediction(popularity_ranks(train[train[:, 1] == occ, 2], test[:, 2], cand))
    people = np.arange(kg.n_people)
    sex = kg.triples[(kg.triples[:, 1] == kg.rel("has_sex")) & (kg.triples[:, 0] < kg.n_people)]
    female = np.zeros(kg.n_people, dtype=np.int64)
    female[sex[:, 0]] = sex[:, 2] == kg.ent("sex=Female")
    share = female_shares(kg)["graph"].to_numpy()
    probe, majority = probe_accuracy(model.entity.detach()[:, people].numpy(), female, seed=seed)
    return KGBiasResult(w, cf, seeds, tuple(kg.value_names("has_occupation")),
                        profession_bias(model, kg, people, alpha=ALPHA), share, lp["mrr"],
                        lp["hits@1"], lp["hits@3"], pop, attribute_score_gap(model, kg, people),
                        probe, majority, time.perf_counter() - start)
