"""A knowledge graph of Adult census people: one entity per person, one fact per attribute.

Each sampled Adult row becomes a person entity with one ``has_<column>`` triple per column of
:data:`ADULT_RELATIONS`; attribute values are entities too (``occupation=Sales``). The
``relationship`` column is left out: Husband/Wife states the gender outright. Optional
gender-swapped twins (a copy of a person with the other ``has_sex`` value) are the kit's
CDA-style baseline (counterfactual data augmentation, as for text in notebook 31); Fisher et
al. (2020) argue against inventing people and do not use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import abbreviate, check_array, check_int, check_number

__all__ = ["ADULT_RELATIONS", "KnowledgeGraph", "adult_graph", "check_graph", "check_persons",
           "female_shares", "hold_out_occupations"]

#: Adult columns turned into relations ``has_<column>`` (person → value entity).
ADULT_RELATIONS = ("sex", "occupation", "workclass", "education", "marital_status", "race",
                   "income", "age_group")


@dataclass(frozen=True, eq=False)
class KnowledgeGraph:
    """Triples as an int array ``(n, 3)`` of (head, relation, tail) ids, with names and types.

    ``values[rel]`` lists the tail entity ids a relation can point to (its range, sorted by
    name); ``persons`` the person entity ids: the ``n_people`` sampled rows first, then twins.
    """

    triples: np.ndarray
    entities: tuple
    relations: tuple
    values: dict
    persons: np.ndarray
    n_people: int = 0

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
            raise ValueError(f"entity must name an entity of the graph (e.g. 'sex=Male'), "
                             f"got {name!r}") from None

    def value_names(self, relation) -> list:
        """Names of a relation's values without the column prefix (``["Female", "Male"]``)."""
        return [self.entities[i].split("=", 1)[1] for i in self.values[relation]]

    def candidates(self):
        """``(ids, mask)``: each relation's values as a row padded to the longest range.

        ``ids[r, c]`` is the c-th value entity of relation r (0 where ``mask`` is False); the
        training loss and the ranks compare a triple's tail with these candidates only.
        """
        width = max(len(v) for v in self.values.values())
        ids = np.zeros((len(self.relations), width), dtype=np.int64)
        mask = np.zeros((len(self.relations), width), dtype=bool)
        for r, name in enumerate(self.relations):
            vals = self.values[name]
            ids[r, :len(vals)], mask[r, :len(vals)] = vals, True
        return ids, mask

    def tail_column(self, triples) -> np.ndarray:
        """Column of each triple's tail among its relation's candidates (integer look-up)."""
        t = np.asarray(triples, dtype=np.int64)
        column = np.full(self.n_entities, -1, dtype=np.int64)
        out = np.empty(len(t), dtype=np.int64)
        for r, name in enumerate(self.relations):
            rows = t[:, 1] == r
            column[self.values[name]] = np.arange(len(self.values[name]))
            out[rows] = column[t[rows, 2]]
            column[self.values[name]] = -1
        if len(out) and out.min() < 0:
            raise ValueError("triples hold a tail outside its relation's values")
        return out


def check_graph(kg) -> KnowledgeGraph:
    """``kg`` if it is a :class:`KnowledgeGraph`, else a TypeError naming it."""
    if not isinstance(kg, KnowledgeGraph):
        raise TypeError(f"kg must be a KnowledgeGraph (from adult_graph), got {abbreviate(kg)} "
                        f"({type(kg).__name__})")
    return kg


def check_persons(kg, persons) -> np.ndarray:
    """Person ids as an int array (default: the graph's sampled people), checked against ``kg``."""
    if persons is None:
        return np.arange(kg.n_people)
    return check_array("persons", persons, kind="int", ndim=1, min_value=0,
                       max_value=len(kg.persons) - 1).astype(np.int64)


def _age_group(age):
    return np.where(age < 30, "<30", np.where(age < 45, "30-44", np.where(age < 60, "45-59", "60+")))


def adult_graph(n_persons=2000, *, counterfactual_share=0.0, seed=0) -> KnowledgeGraph:
    """A knowledge graph of ``n_persons`` random Adult people and their attributes.

    Each person is an entity with one ``has_<column>`` triple per column of
    :data:`ADULT_RELATIONS`. ``counterfactual_share`` of the people also get a twin entity with
    the same triples but the other gender (the CDA-style baseline, not Fisher et al.'s method).

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
                          np.arange(n + len(twins)), n)


def hold_out_occupations(kg, test_share=0.2, *, seed=0):
    """``(train, test)`` triples: the occupations of ``test_share`` of the people are hidden.

    A hidden person's twin hides its occupation too (it would give the answer away); the test
    set holds the sampled people's triples only, so every setting is tested on the same facts.
    """
    check_graph(kg)
    share = check_number("test_share", test_share, 0, 1, low_open=True, high_open=True)
    n = kg.n_people
    held = np.sort(numpy_rng(seed).choice(n, int(share * n), replace=False))
    is_held = np.zeros(kg.n_entities, dtype=bool)
    is_held[held] = True
    for j, name in enumerate(kg.entities[n:len(kg.persons)]):
        is_held[n + j] = is_held[int(name[4:])]
    t = kg.triples
    hidden = (t[:, 1] == kg.rel("has_occupation")) & is_held[t[:, 0]]
    return t[~hidden], t[hidden & (t[:, 0] < n)]


def female_shares(kg) -> "pd.DataFrame":
    """Share of women per occupation in two populations: all of Adult, and the graph's people.

    Columns ``adult`` (all 45,222 rows), ``graph`` (the ``kg.n_people`` sampled people, twins
    left out) and ``graph_n`` (how many sampled people hold the occupation); one row per
    occupation of the graph, in the order of ``kg.values["has_occupation"]``.

    >>> t = female_shares(adult_graph(1500, seed=0))
    >>> round(float(t.loc["Craft-repair", "adult"]), 3), round(float(t.loc["Craft-repair", "graph"]), 3)
    (0.052, 0.078)
    """
    import pandas as pd

    from trustlab.data import load_adult

    check_graph(kg)
    adult = load_adult()
    names = kg.value_names("has_occupation")
    t = kg.triples[kg.triples[:, 0] < kg.n_people]
    female = np.zeros(kg.n_people, dtype=bool)
    sex = t[t[:, 1] == kg.rel("has_sex")]
    female[sex[:, 0]] = sex[:, 2] == kg.ent("sex=Female")
    jobs = t[t[:, 1] == kg.rel("has_occupation")]
    counts = np.array([np.sum(jobs[:, 2] == c) for c in kg.values["has_occupation"]])
    in_graph = [female[jobs[jobs[:, 2] == c, 0]].mean() if n else np.nan
                for c, n in zip(kg.values["has_occupation"], counts)]
    in_adult = [float((adult.loc[adult["occupation"] == o, "sex"] == "Female").mean())
                for o in names]
    return pd.DataFrame({"adult": in_adult, "graph": in_graph, "graph_n": counts},
                        index=pd.Index(names, name="occupation"))
