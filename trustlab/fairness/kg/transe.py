"""Knowledge-graph embeddings with TransE, built from Adult census rows, and a gender-bias probe.

TransE: Bordes, Usunier, Garcia-Durán, Weston & Yakhnenko (2013, NeurIPS): a triple (h, r, t)
scores −‖e_h + w_r − e_t‖₂. The probe follows Fisher, Mittal, Palfrey & Christodoulopoulos
(2020, Amazon), "Debiasing knowledge graph embeddings" / "Measuring social bias in knowledge
graph embeddings": move a person's embedding along the gender relation (female → male) and
measure how the scores of their possible occupations change. Mitigations: counterfactual
triples (a gender-swapped twin per person) and an adversarial neutrality loss (a gender
classifier on person embeddings is pushed toward 0.5; Fisher et al. 2020). ``relationship`` is
left out of the graph: Husband/Wife states the gender outright.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from trustlab._random import numpy_rng, torch_generator
from trustlab._validate import check_int, check_number
from trustlab.runtime import torch_threads

__all__ = ["ADULT_RELATIONS", "KnowledgeGraph", "TransE", "adult_graph", "link_prediction",
           "rank_tails", "train_transe"]

#: Adult columns turned into relations ``has_<column>`` (person → value entity).
ADULT_RELATIONS = ("sex", "occupation", "workclass", "education", "marital_status", "race",
                   "income", "age_group")


@dataclass(frozen=True, eq=False)
class KnowledgeGraph:
    """Triples as an int array ``(n, 3)`` of (head, relation, tail) ids, with names and types.

    ``values[rel]`` lists the tail entity ids a relation can point to (its range); ``persons``
    the person entity ids; ``person_row`` the Adult row of each person (−1 for a twin).
    """

    triples: np.ndarray
    entities: tuple
    relations: tuple
    values: dict
    persons: np.ndarray

    @property
    def n_entities(self) -> int:
        return len(self.entities)

    def rel(self, name) -> int:
        """Id of relation ``name`` (e.g. ``"has_sex"``)."""
        if name not in self.relations:
            raise ValueError(f"relation must be one of {list(self.relations)}, got {name!r}")
        return self.relations.index(name)

    def ent(self, name) -> int:
        """Id of entity ``name`` (e.g. ``"occupation=Craft-repair"``)."""
        try:
            return self.entities.index(name)
        except ValueError:
            raise ValueError(f"unknown entity {name!r}") from None


def _age_group(age):
    return np.where(age < 30, "<30", np.where(age < 45, "30-44", np.where(age < 60, "45-59", "60+")))


def adult_graph(n_persons=2000, *, counterfactual_share=0.0, seed=0) -> KnowledgeGraph:
    """A knowledge graph of ``n_persons`` random Adult people and their attributes.

    Each person is an entity with one ``has_<column>`` triple per column of
    :data:`ADULT_RELATIONS`. ``counterfactual_share`` of the people also get a twin entity with
    the same triples but the other gender (counterfactual triples).

    >>> kg = adult_graph(100, seed=0)
    >>> kg.triples.shape, "has_relationship" in kg.relations
    ((800, 3), False)
    """
    from trustlab.data import load_adult

    n = check_int("n_persons", n_persons, 10, 45_222)
    share = check_number("counterfactual_share", counterfactual_share, 0, 1)
    rng = numpy_rng(seed)
    adult = load_adult()
    rows = adult.iloc[np.sort(rng.choice(len(adult), n, replace=False))]
    cols = {c: rows[c].astype(str).to_numpy() for c in ADULT_RELATIONS if c != "age_group"}
    cols["age_group"] = _age_group(rows["age"].to_numpy())
    cols["income"] = np.where(rows["label"].to_numpy() == 1, ">50K", "<=50K")
    twins = np.flatnonzero(rng.random(n) < share)
    entities = [f"person{i}" for i in range(n)] + [f"twin{i}" for i in twins]
    values = {}
    for c in ADULT_RELATIONS:
        ids = []
        for v in sorted(set(cols[c]) | ({"Female", "Male"} if c == "sex" else set())):
            ids.append(len(entities))
            entities.append(f"{c}={v}")
        values[f"has_{c}"] = np.array(ids)
    index = {e: i for i, e in enumerate(entities)}
    relations = tuple(f"has_{c}" for c in ADULT_RELATIONS)
    triples = []
    for r, c in enumerate(ADULT_RELATIONS):
        tails = np.array([index[f"{c}={v}"] for v in cols[c]])
        triples.append(np.stack([np.arange(n), np.full(n, r), tails], axis=1))
        if len(twins):
            twin_vals = cols[c][twins]
            if c == "sex":
                twin_vals = np.where(twin_vals == "Female", "Male", "Female")
            twin_tails = np.array([index[f"{c}={v}"] for v in twin_vals])
            triples.append(np.stack([n + np.arange(len(twins)), np.full(len(twins), r),
                                     twin_tails], axis=1))
    return KnowledgeGraph(np.concatenate(triples), tuple(entities), relations, values,
                          np.arange(n + len(twins)))


class TransE(torch.nn.Module):
    """Entity and relation vectors; ``score(h, r, t) = −‖e_h + w_r − e_t‖₂`` (higher is likelier)."""

    def __init__(self, n_entities, n_relations, dim=32, *, seed=0):
        super().__init__()
        gen = torch_generator(seed)
        bound = 6 / dim**0.5  # Bordes et al.'s uniform initialisation
        def draw(rows):
            return torch.nn.Parameter(torch.empty(rows, dim).uniform_(-bound, bound, generator=gen))

        self.entity, self.relation = draw(n_entities), draw(n_relations)
        with torch.no_grad():
            self.relation /= self.relation.norm(dim=1, keepdim=True)
            self.entity /= self.entity.norm(dim=1, keepdim=True)

    def score(self, h, r, t):
        return -(self.entity[h] + self.relation[r] - self.entity[t]).norm(dim=-1)


def _negatives(kg, batch, rng):
    # Half typed corruptions (another value of the same relation, or another person as head:
    # plausible but wrong facts), a quarter random tails (any entity), so that ranking a tail
    # among *all* entities is meaningful; a quarter random heads.
    neg = batch.copy()
    u = rng.random(len(batch))
    for r, vals in enumerate(kg.values.values()):
        rows = np.flatnonzero((u < 0.5) & (batch[:, 1] == r))
        neg[rows, 2] = rng.choice(vals, len(rows))
    rows = np.flatnonzero((u >= 0.5) & (u < 0.75))
    neg[rows, 2] = rng.integers(kg.n_entities, size=len(rows))
    rows = np.flatnonzero(u >= 0.75)
    neg[rows, 0] = rng.choice(kg.persons, len(rows))
    return neg


def _keys(triples, kg):
    t = np.asarray(triples, dtype=np.int64)
    return (t[:, 0] * len(kg.relations) + t[:, 1]) * kg.n_entities + t[:, 2]


def train_transe(kg, triples=None, *, dim=32, epochs=40, lr=0.02, margin=1.0, batch_size=512,
                 neutrality=0.0, seed=0) -> TransE:
    """Train TransE with a margin ranking loss; optionally with an adversarial neutrality loss.

    ``neutrality`` λ ≥ 0: a logistic-regression adversary learns to predict each person's gender
    from their embedding; the embeddings are trained on the TransE loss plus λ times the
    squared distance of the adversary's P(female) from 0.5 (0 means gender-neutral).
    """
    dim = check_int("dim", dim, 2)
    epochs = check_int("epochs", epochs, 1)
    lam = check_number("neutrality", neutrality, 0)
    rng = numpy_rng(seed)
    triples = kg.triples if triples is None else np.asarray(triples)
    model = TransE(kg.n_entities, len(kg.relations), dim, seed=seed)
    known = np.unique(_keys(triples, kg))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    if lam > 0:  # the adversary reads gender from the has_sex triples
        sex, fem = kg.rel("has_sex"), kg.ent("sex=Female")
        rows = triples[triples[:, 1] == sex]
        people = torch.as_tensor(rows[:, 0])
        female = torch.as_tensor((rows[:, 2] == fem).astype(np.float32))
        adversary = torch.nn.Linear(dim, 1)
        torch.nn.init.zeros_(adversary.weight)
        torch.nn.init.zeros_(adversary.bias)
        adv_opt = torch.optim.Adam(adversary.parameters(), lr=0.05)
    with torch_threads():
        for _ in range(epochs):
            order = rng.permutation(len(triples))
            for start in range(0, len(triples), batch_size):
                batch = triples[order[start:start + batch_size]]
                neg = _negatives(kg, batch, rng)
                # A corrupted triple that is in fact true (another nurse as head) is no negative.
                real = torch.as_tensor(~np.isin(_keys(neg, kg), known), dtype=torch.float32)
                b, nb = torch.as_tensor(batch), torch.as_tensor(neg)
                pos_s = model.score(b[:, 0], b[:, 1], b[:, 2])
                neg_s = model.score(nb[:, 0], nb[:, 1], nb[:, 2])
                loss = (torch.relu(margin - pos_s + neg_s) * real).sum() / real.sum().clamp_min(1)
                if lam > 0:
                    emb = model.entity[people]
                    adv_loss = torch.nn.functional.binary_cross_entropy_with_logits(
                        adversary(emb.detach()).squeeze(1), female)
                    adv_opt.zero_grad()
                    adv_loss.backward()
                    adv_opt.step()
                    p = torch.sigmoid(adversary(emb).squeeze(1))
                    loss = loss + lam * ((p - 0.5) ** 2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                with torch.no_grad():  # TransE keeps entity vectors on the unit sphere
                    model.entity /= model.entity.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return model.eval()


@torch.no_grad()
def rank_tails(model, heads, relation, true_tails, candidates=None) -> np.ndarray:
    """Rank (1 = best) of each true tail among ``candidates`` (default: all entities)."""
    E = model.entity
    cand = torch.arange(len(E)) if candidates is None else torch.as_tensor(candidates)
    q = E[torch.as_tensor(heads)] + model.relation[relation]
    scores = -torch.cdist(q, E[cand])
    true = -(q - E[torch.as_tensor(true_tails)]).norm(dim=1)
    return (1 + (scores > true[:, None]).sum(dim=1)).numpy()


def link_prediction(ranks) -> dict:
    """Mean reciprocal rank (1 is best) and Hits@10 (share of ranks ≤ 10) of a set of ranks.

    >>> link_prediction([1, 2, 20])
    {'mrr': 0.5167, 'hits@10': 0.6667}
    """
    ranks = np.asarray(ranks, dtype=np.float64)
    return {"mrr": round(float(np.mean(1 / ranks)), 4), "hits@10": round(float(np.mean(ranks <= 10)), 4)}

