"""Gender bias in Adult knowledge-graph embeddings: the attribute-substitution probe and its mitigations.

Fisher, Mittal, Palfrey & Christodoulopoulos (2020, Amazon): "as we shift the gender relation
toward maleness, the profession relation shifts away from nurse and closer to doctor". Here a
woman's entity e is moved to e + α (e_Male − e_Female), the step that turns her has_sex triple
from Female into Male in TransE's geometry, and each occupation's score change is averaged over
women. Link prediction (MRR, Hits@10 over all entities) is measured on held-out occupations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_number
from trustlab.fairness.kg.transe import adult_graph, link_prediction, rank_tails, train_transe

__all__ = ["KGBiasResult", "NEUTRALITIES", "COUNTERFACTUAL", "compute_kg_bias", "kg_bias_sweep",
           "occupation_shift"]

#: The cached sweep's grid: adversarial weights λ × counterfactual-triple share.
NEUTRALITIES = (0.0, 0.3, 1.0, 3.0, 10.0)
COUNTERFACTUAL = (0.0, 1.0)
SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
_SETTINGS = {"n_persons": 1500, "dim": 32, "epochs": 30, "batch_size": 1024, "test_share": 0.2}


@torch.no_grad()
def occupation_shift(model, kg, persons, alpha=1.0) -> np.ndarray:
    """Mean change of each occupation's score when ``persons`` move by α (e_Male − e_Female).

    Positive: the occupation becomes likelier for the person as the model's "maleness" grows.
    Order: ``kg.values["has_occupation"]``.
    """
    alpha = check_number("alpha", alpha, 0, None)
    E, R = model.entity, model.relation[kg.rel("has_occupation")]
    shift = alpha * (E[kg.ent("sex=Male")] - E[kg.ent("sex=Female")])
    occ = E[torch.as_tensor(kg.values["has_occupation"])]
    P = E[torch.as_tensor(np.asarray(persons))]
    before = -torch.cdist(P + R, occ)
    after = -torch.cdist(P + shift + R, occ)
    return (after - before).mean(dim=0).numpy().astype(np.float64)


def _gender_probe_accuracy(E, persons, female, seed):
    # Balanced accuracy of a fresh logistic regression on held-out people: 0.5 means the
    # embeddings no longer tell gender apart.
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score

    perm = numpy_rng(seed).permutation(len(persons))
    cut = len(perm) // 2
    a, b = perm[:cut], perm[cut:]
    clf = LogisticRegression(max_iter=1000).fit(E[persons[a]], female[a])
    return float(balanced_accuracy_score(female[b], clf.predict(E[persons[b]])))


@dataclass(frozen=True, eq=False)
class KGBiasResult:
    """Per-occupation score shifts (``table``) and the model's link-prediction quality."""

    neutrality: float
    counterfactual_share: float
    table: pd.DataFrame
    mrr: float
    hits10: float
    gender_probe: float
    seconds: float

    @property
    def bias(self) -> float:
        """Spread (std) of the occupation shifts: 0 means a gender shift moves all alike."""
        return float(self.table["shift"].std(ddof=0))

    @property
    def correlation(self) -> float:
        """Pearson r of the shifts with each occupation's share of men in the graph."""
        return float(self.table["shift"].corr(1 - self.table["female_share"]))

    def summary(self) -> str:
        return (f"λ={self.neutrality:g} counterfactual={self.counterfactual_share:g}: "
                f"bias={self.bias:.3f}  r(shift, male share)={self.correlation:.2f}  "
                f"MRR={self.mrr:.3f}  Hits@10={self.hits10:.3f}  "
                f"gender probe={self.gender_probe:.2f}")


def compute_kg_bias(neutrality=0.0, counterfactual_share=0.0, *, n_persons=None, seed=0
                    ) -> KGBiasResult:
    """Build the Adult graph, hold out 20 % of occupations, train TransE and probe it (≈ 1–3 s).

    ``n_persons`` defaults to the 1,500 people of the cached sweep.

    >>> r = compute_kg_bias(n_persons=500, seed=0)
    >>> bool(r.table.loc["Adm-clerical", "shift"] < r.table.loc["Craft-repair", "shift"])
    True
    """
    start = time.perf_counter()
    s = _SETTINGS
    n = s["n_persons"] if n_persons is None else n_persons
    kg = adult_graph(n, counterfactual_share=counterfactual_share, seed=seed)
    rng = numpy_rng(seed + 1)
    occ, sex = kg.rel("has_occupation"), kg.rel("has_sex")
    held = rng.choice(n, int(s["test_share"] * n), replace=False)
    t = kg.triples
    # Twins of held-out people would give their occupation away: hold out the twins' too.
    heads_out = set(held.tolist()) | {n + j for j, name in enumerate(kg.entities[n:len(kg.persons)])
                                       if int(name[4:]) in set(held.tolist())}
    test_mask = (t[:, 1] == occ) & np.isin(t[:, 0], list(heads_out))
    model = train_transe(kg, t[~test_mask], dim=s["dim"], epochs=s["epochs"],
                         batch_size=s["batch_size"], neutrality=neutrality, seed=seed)
    test = t[test_mask & (t[:, 0] < n)]
    lp = link_prediction(rank_tails(model, test[:, 0], occ, test[:, 2]))
    sex_rows = t[(t[:, 1] == sex) & (t[:, 0] < n)]
    female = (sex_rows[:, 2] == kg.ent("sex=Female")).astype(int)
    women = sex_rows[female == 1, 0]
    shift = occupation_shift(model, kg, women)
    occ_rows = t[(t[:, 1] == occ) & (t[:, 0] < n)]
    is_f = dict(zip(sex_rows[:, 0], female))
    names = [kg.entities[i].split("=", 1)[1] for i in kg.values["has_occupation"]]
    share = [np.mean([is_f[h] for h in occ_rows[occ_rows[:, 2] == i, 0]])
             for i in kg.values["has_occupation"]]
    table = pd.DataFrame({"shift": shift, "female_share": share},
                         index=pd.Index(names, name="occupation")).sort_values("shift")
    probe = _gender_probe_accuracy(model.entity.detach().numpy(), sex_rows[:, 0], female, seed)
    return KGBiasResult(float(neutrality), float(counterfactual_share), table, lp["mrr"],
                        lp["hits@10"], probe, time.perf_counter() - start)


def _to_json(r):
    return {"neutrality": r.neutrality, "counterfactual_share": r.counterfactual_share,
            "occupation": r.table.index.tolist(), "shift": r.table["shift"].tolist(),
            "female_share": r.table["female_share"].tolist(), "mrr": r.mrr, "hits10": r.hits10,
            "gender_probe": r.gender_probe}


def _from_json(d):
    table = pd.DataFrame({"shift": d["shift"], "female_share": d["female_share"]},
                         index=pd.Index(d["occupation"], name="occupation"))
    return KGBiasResult(d["neutrality"], d["counterfactual_share"], table, d["mrr"], d["hits10"],
                        d["gender_probe"], float("nan"))


def kg_bias_sweep(*, seed=0, use_cache=True, progress=False) -> dict:
    """Every (λ, counterfactual share) of the grid -> KGBiasResult; cached (shipped for seed 0)."""
    from trustlab.cache import cached

    grid = [(lam, cf) for cf in COUNTERFACTUAL for lam in NEUTRALITIES]

    def compute():
        items = grid
        if progress:
            from tqdm.auto import tqdm
            items = tqdm(grid, desc="TransE runs")
        return [_to_json(compute_kg_bias(lam, cf, seed=seed)) for lam, cf in items]

    params = {"grid": [list(g) for g in grid], "seed": seed, **_SETTINGS}
    rows = cached("kg_bias", params, compute, shipped_dir=SWEEP_DIR, use_cache=use_cache)
    return {(r["neutrality"], r["counterfactual_share"]): _from_json(r) for r in rows}


@dataclass(frozen=True, eq=False)
class KGPoint:
    """One cached run (``result``), all runs (``sweep``) and the picked ``occupation``."""

    result: KGBiasResult
    sweep: dict
    occupation: str

    def summary(self) -> str:
        shift = self.result.table.loc[self.occupation, "shift"]
        return f"{self.result.summary()} | {self.occupation}: shift {shift:+.3f}"


def compute_kg_point(neutrality=0.0, counterfactual_share=0.0, occupation="Craft-repair", *,
                     seed=0) -> KGPoint:
    """The cached run at (λ, counterfactual share) with one occupation picked (no training)."""
    check_choice("neutrality", neutrality, NEUTRALITIES)
    check_choice("counterfactual_share", counterfactual_share, COUNTERFACTUAL)
    sweep = kg_bias_sweep(seed=seed)
    result = sweep[(float(neutrality), float(counterfactual_share))]
    check_choice("occupation", occupation, tuple(result.table.index))
    return KGPoint(result, sweep, occupation)
