"""TransE with a leading seed dimension: K embedding tables trained as one batched computation.

Bordes, Usunier, Garcia-Durán, Weston & Yakhnenko (2013, NeurIPS), "Translating embeddings
for modeling multi-relational data": "we want that h + ℓ ≈ t when (h, ℓ, t) holds". A
triple's score is g(h, r, t) = −‖e_h + w_r − e_t‖₂ (higher is likelier).

Training is the kit's reading of the set-up of Fisher, Mittal, Palfrey & Christodoulopoulos
(2020, EMNLP), "Debiasing knowledge graph embeddings": the loss is L = L_CE + w_KL·L_KL, with
L_CE the cross-entropy of the softmax of g over the tail's candidates (here: the values of
the triple's relation, e.g. the 13 occupations of the graph) and L_KL the neutrality term of
:mod:`trustlab.fairness.kg.neutrality`. There are no sampled negatives and no margin: the
loss is smooth, so the last bit of a CPU's arithmetic has no threshold to tip over. Tables
are float64 (a few tenths of a second more than float32 for 5 seeds, measured in
``benchmarks``): the trained numbers then agree across CPU kernels to far below the printed
digits.

Model k is initialised (Bordes et al.'s uniform(±6/√d), entities and relations normalised)
from ``torch_generator(seeds[k])`` and sees its batches in the order of
``numpy_rng(seeds[k])``: it is the model a one-seed run with that seed gives.
"""

from __future__ import annotations

import numpy as np
import torch

from trustlab._random import check_seed, numpy_rng, torch_generator
from trustlab._validate import (abbreviate, check_array, check_callable, check_choice, check_int,
                                check_number)
from trustlab.fairness.kg.neutrality import kl_to_uniform
from trustlab.runtime import torch_threads

__all__ = ["RowAdam", "TransE", "check_model", "train_transe"]


class TransE(torch.nn.Module):
    """K TransE models as tables ``entity`` (K, n_entities, dim) and ``relation`` (K, R, dim).

    ``score(h, r, t)`` gives g = −‖e_h + w_r − e_t‖₂ for every model: ids of shape (n,) are
    shared by all models, ids of shape (K, n) are per model; the result has shape (K, n).
    """

    def __init__(self, n_entities, n_relations, dim=32, *, seeds=(0,), dtype=torch.float64):
        super().__init__()
        check_int("n_entities", n_entities, 1)
        check_int("n_relations", n_relations, 1)
        check_int("dim", dim, 2, 1024)
        check_choice("dtype", dtype, (torch.float32, torch.float64))
        seeds = _check_seeds(seeds)
        bound = 6 / dim**0.5  # Bordes et al.'s uniform initialisation

        def draw(gen, rows):
            table = torch.empty(rows, dim, dtype=dtype).uniform_(-bound, bound, generator=gen)
            return table / table.norm(dim=1, keepdim=True)

        ent, rel = [], []
        for s in seeds:
            gen = torch_generator(s)
            ent.append(draw(gen, n_entities))
            rel.append(draw(gen, n_relations))
        self.entity = torch.nn.Parameter(torch.stack(ent))
        self.relation = torch.nn.Parameter(torch.stack(rel))
        self.seeds = seeds

    @property
    def n_models(self) -> int:
        return self.entity.shape[0]

    def _rows(self, table, ids):
        ids = torch.as_tensor(np.asarray(ids), dtype=torch.long)
        if ids.dim() == 1:
            return table[:, ids]
        return table[torch.arange(table.shape[0])[:, None], ids]

    def score(self, h, r, t):
        """g(h, r, t) for every model, shape (K, n)."""
        return -(self._rows(self.entity, h) + self._rows(self.relation, r)
                 - self._rows(self.entity, t)).norm(dim=-1)

    def candidate_scores(self, heads, relation, candidates):
        """g(h, r, c) of each head against each candidate tail: shape (K, n_heads, n_cand)."""
        q = self._rows(self.entity, heads) + self._rows(self.relation, [relation])
        cand = self._rows(self.entity, candidates)
        # Direct differences, not cdist's ‖a‖² + ‖b‖² − 2ab expansion: the true tail's score
        # and its rivals' come from one formula, so a tie is a tie on every CPU.
        return -(q[:, :, None, :] - cand[:, None, :, :]).norm(dim=-1)


class RowAdam:
    """torch's SparseAdam update for rows of a table, each row given at most once per step.

    Only the rows of a step move and update their moments; bias correction uses the global
    step count, as in ``torch.optim.SparseAdam`` (the test checks equality with it). Written
    out because SparseAdam's sparse-tensor bookkeeping cost a third of a training step here.
    """

    def __init__(self, table, lr, betas=(0.9, 0.999), eps=1e-8):
        self.table, self.lr, self.betas, self.eps = table, lr, betas, eps
        self.m, self.v, self.t = torch.zeros_like(table), torch.zeros_like(table), 0

    @torch.no_grad()
    def step(self, rows, grad):
        b1, b2 = self.betas
        self.t += 1
        m = self.m[rows].lerp_(grad, 1 - b1)
        v = self.v[rows].mul_(b2).addcmul_(grad, grad, value=1 - b2)
        self.m[rows], self.v[rows] = m, v
        size = self.lr * (1 - b2**self.t) ** 0.5 / (1 - b1**self.t)
        self.table[rows] -= size * m / (v.sqrt() + self.eps)


def check_model(model) -> TransE:
    """``model`` if it is a :class:`TransE`, else a TypeError naming it."""
    if not isinstance(model, TransE):
        raise TypeError(f"model must be a TransE (from train_transe), got {abbreviate(model)} "
                        f"({type(model).__name__})")
    return model


def _check_seeds(seeds):
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        seeds = [seeds]
    if isinstance(seeds, (str, bytes, dict)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of non-negative ints, got {abbreviate(seeds)}")
    seeds = list(seeds)
    if not 1 <= len(seeds) <= 64:
        raise ValueError(f"seeds must hold 1 to 64 seeds (one model each), got {len(seeds)}")
    try:
        return tuple(check_seed(s) for s in seeds)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"seeds must hold non-negative ints, got {abbreviate(seeds)}") from None


def _check_triples(kg, triples):
    t = check_array("triples", triples, kind="int", ndim=2)
    if t.shape[1] != 3:
        raise ValueError(f"triples must be an (n, 3) int array of (head, relation, tail) ids, "
                         f"got shape {t.shape}")
    for col, name, size in ((0, "head", kg.n_entities), (1, "relation", len(kg.relations)),
                            (2, "tail", kg.n_entities)):
        if t[:, col].min() < 0 or t[:, col].max() >= size:
            raise ValueError(f"triples hold a {name} id outside [0, {size - 1}]: "
                             f"{int(t[:, col].min())}..{int(t[:, col].max())}")
    return t.astype(np.int64)


def _fact_table(kg, t):
    # Facts as a table: row i holds person i's value column for each relation (−1: no fact,
    # e.g. a hidden occupation). Integer look-ups only, no float threshold anywhere.
    persons = np.asarray(kg.persons, dtype=np.int64)
    row = np.full(kg.n_entities, -1, dtype=np.int64)
    row[persons] = np.arange(len(persons))
    if np.any(row[t[:, 0]] < 0):
        raise ValueError("triples must have persons (kg.persons) as heads")
    table = np.full((len(persons), len(kg.relations)), -1, dtype=np.int64)
    for r, name in enumerate(kg.relations):
        col = np.full(kg.n_entities, -1, dtype=np.int64)
        col[kg.values[name]] = np.arange(len(kg.values[name]))
        facts = t[t[:, 1] == r]
        if np.any(col[facts[:, 2]] < 0):
            raise ValueError(f"triples hold a tail outside the values of {name} (kg.values)")
        if len(np.unique(facts[:, 0])) < len(facts):
            raise ValueError(f"triples give a person two values of {name}; one is allowed")
        table[row[facts[:, 0]], r] = col[facts[:, 2]]
    return torch.as_tensor(persons), torch.as_tensor(table)


def _value_scores(q, values):
    """−‖q − v‖₂ for queries (K, B, d) against values (K, V, d), by one batched product."""
    sq = (q * q).sum(-1, keepdim=True) + (values * values).sum(-1)[:, None, :]
    sq = torch.baddbmm(sq, q, values.transpose(1, 2), alpha=-2)
    return -sq.clamp_min(1e-12).sqrt()


def train_transe(kg, triples=None, *, seeds=(0,), dim=32, epochs=30, lr=0.02, batch_size=128,
                 kl_weight=0.0, on_epoch=None, dtype=torch.float64, num_threads=None) -> TransE:
    """Train one TransE per seed, all at once, on L_CE + ``kl_weight`` · L_KL.

    Parameters
    ----------
    kg : KnowledgeGraph
    triples : (n, 3) int array, optional
        Training triples (default: all of ``kg``).
    seeds : sequence of int
        One model per seed (initialisation and batch order).
    kl_weight : float
        w_KL ≥ 0: weight of Fisher et al.'s neutrality term on the gender relation
        (0 trains plain TransE).
    on_epoch : callable, optional
        ``on_epoch(epoch)`` after each epoch (a progress bar).
    dtype : torch.float64 or torch.float32
        float64 (the default) keeps the trained numbers identical across CPU kernels; float32
        is there to measure what that costs.

    Returns
    -------
    TransE with K = ``len(seeds)`` models, in eval mode.

    >>> from trustlab.fairness.kg.graph import adult_graph
    >>> kg = adult_graph(100, seed=0)
    >>> train_transe(kg, seeds=[0, 1], epochs=2).entity.shape
    torch.Size([2, 148, 32])
    """
    from trustlab.fairness.kg.graph import check_graph

    check_graph(kg)
    seeds = _check_seeds(seeds)
    dim = check_int("dim", dim, 2, 1024)
    epochs = check_int("epochs", epochs, 1, 10_000)
    lr = check_number("lr", lr, 0, 10, low_open=True)
    batch_size = check_int("batch_size", batch_size, 1)
    w_kl = check_number("kl_weight", kl_weight, 0, 1e6)
    check_choice("dtype", dtype, (torch.float32, torch.float64))
    if on_epoch is not None:
        check_callable("on_epoch", on_epoch)
    t = _check_triples(kg, kg.triples if triples is None else triples)
    persons, table = _fact_table(kg, t)
    n = len(persons)
    if not np.array_equal(kg.persons, np.arange(n)):
        raise ValueError("kg.persons must be the first entities (ids 0..n-1), as adult_graph "
                         "builds them")
    # Each relation's values as rows of the value table (the entities after the persons).
    value_rows = [torch.as_tensor(kg.values[name] - n) for name in kg.relations]
    if any(int(rows.min()) < 0 for rows in value_rows):
        raise ValueError("relation values must be entities after the persons, as adult_graph "
                         "builds them")
    sex = kg.rel("has_sex")
    genders = torch.as_tensor(kg.values["has_sex"] - n)
    rngs = [numpy_rng(s) for s in seeds]
    K = len(seeds)
    kk = torch.arange(K)[:, None]
    with torch_threads(num_threads):
        model = TransE(kg.n_entities, len(kg.relations), dim, seeds=seeds, dtype=dtype)
        # Person rows, value rows and relations train apart. A batch touches few person rows:
        # they get SparseAdam's lazy update (RowAdam), values and relations torch's Adam.
        with torch.no_grad():
            people = model.entity[:, :n].reshape(K * n, -1).clone()
            vals = model.entity[:, n:].clone().requires_grad_(True)
            rel = model.relation.clone().requires_grad_(True)
        row_opt = RowAdam(people, lr)
        opt = torch.optim.Adam([vals, rel], lr=lr)
        for epoch in range(epochs):
            orders = torch.as_tensor(np.stack([g.permutation(n) for g in rngs]))
            for start in range(0, n, batch_size):
                idx = orders[:, start:start + batch_size]                  # (K, B) persons
                rows = (idx + kk * n).reshape(-1)
                head = people[rows].reshape(K, -1, people.shape[1]).requires_grad_(True)
                facts = table[idx]                                         # (K, B, R)
                loss = torch.zeros(K, dtype=head.dtype)
                for r, cand in enumerate(value_rows):
                    logits = _value_scores(head + rel[:, r, None, :], vals[:, cand])
                    loss = loss + torch.nn.functional.cross_entropy(
                        logits.reshape(-1, len(cand)), facts[:, :, r].reshape(-1),
                        ignore_index=-1, reduction="none").reshape(K, -1).sum(dim=1)
                # Each model's mean over its own facts; the sum over models keeps model k's
                # gradient its own.
                loss = (loss / (facts >= 0).sum(dim=(1, 2)).clamp_min(1)).sum()
                if w_kl > 0:
                    loss = loss + w_kl * kl_to_uniform(
                        head, rel[:, sex].detach(),
                        vals[:, genders].detach()).mean(dim=1).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
                row_opt.step(rows, head.grad.reshape(len(rows), -1))
            if on_epoch is not None:
                on_epoch(epoch)
        with torch.no_grad():
            model.entity.copy_(torch.cat([people.reshape(K, n, -1), vals], dim=1))
            model.relation.copy_(rel)
    return model.eval()
