"""Link prediction: the rank of each true tail among its relation's values, MRR, Hits@k, and a popularity baseline.

Ranks follow Bordes et al. (2013)'s protocol restricted to the relation's own values (the
"type-constrained" ranking of Krompaß, Baier & Tresp 2015): rank 1 is the best. Every score
of one query comes from one formula in one tensor, and ties have an explicit rule: tied
candidates share the mean of the ranks they span (``ties="mean"``, the "realistic" rank of
Berrendorf et al. 2020), or the worst of them (``"pessimistic"``). The earlier kit computed
the true tail's score by a second formula and compared it with itself inside the candidate
matrix: one rounding bit decided whether it counted as its own rival, which moved MRR by up to
0.05 between CPUs (issue 14).

The popularity baseline ranks every person's candidates in one order, the most frequent value
in the training triples first: a model must beat it to show that a person's other facts
carry information about the hidden one.
"""

from __future__ import annotations

import numpy as np
import torch

from trustlab._validate import check_choice, check_int

__all__ = ["rank_from_scores", "rank_tails", "link_prediction", "popularity_ranks"]


def rank_from_scores(scores, true_column, *, ties="mean") -> np.ndarray:
    """Rank (1 = best) of column ``true_column[i]`` in row i of ``scores`` (..., n, C).

    ``ties="mean"`` gives tied candidates the mean of their ranks, ``"pessimistic"`` the
    worst: with every score equal, the rank is (C + 1) / 2 or C.

    >>> rank_from_scores(np.array([[3.0, 1.0, 3.0], [0.0, 0.0, 0.0]]), [2, 0]).tolist()
    [1.5, 2.0]
    >>> rank_from_scores(np.array([[0.0, 0.0, 0.0]]), [0], ties="pessimistic").tolist()
    [3.0]
    """
    check_choice("ties", ties, ("mean", "pessimistic"))
    s = torch.as_tensor(np.asarray(scores) if not torch.is_tensor(scores) else scores)
    col = torch.as_tensor(np.asarray(true_column), dtype=torch.long)
    if col.shape != s.shape[-2:-1] and col.shape != s.shape[:-1]:
        raise ValueError(f"true_column must have one entry per row of scores {tuple(s.shape)}, "
                         f"got shape {tuple(col.shape)}")
    true = torch.gather(s, -1, col.expand(s.shape[:-1]).unsqueeze(-1))
    better = (s > true).sum(dim=-1)
    tied = (s == true).sum(dim=-1) - 1          # the true candidate itself is not a rival
    extra = tied if ties == "pessimistic" else tied / 2
    return (1 + better + extra).to(torch.float64).numpy()


@torch.no_grad()
def rank_tails(model, heads, relation, true_tails, candidates, *, ties="mean") -> np.ndarray:
    """Rank of each true tail among ``candidates`` for every model: shape (K, n).

    ``candidates`` are entity ids (e.g. ``kg.values["has_occupation"]``); every true tail must
    be one of them.
    """
    cand = np.asarray(candidates, dtype=np.int64)
    tails = np.asarray(true_tails, dtype=np.int64)
    where = {int(c): i for i, c in enumerate(cand)}
    missing = sorted({int(t) for t in tails} - set(where))
    if missing:
        raise ValueError(f"true_tails must be among candidates, got ids {missing[:5]} outside")
    check_int("relation", relation, 0, model.relation.shape[1] - 1)
    scores = model.candidate_scores(heads, relation, cand)
    return rank_from_scores(scores, [where[int(t)] for t in tails], ties=ties)


def link_prediction(ranks, ks=(1, 3)) -> dict:
    """Mean reciprocal rank (1 is best) and Hits@k (share of ranks ≤ k), per model.

    ``ranks`` of shape (n,) give floats; of shape (K, n), arrays of K values.

    >>> link_prediction([1, 2, 20], ks=(10,))
    {'mrr': 0.5167, 'hits@10': 0.6667}
    """
    r = np.asarray(ranks, dtype=np.float64)
    if r.size == 0 or not np.all(r >= 1):
        raise ValueError(f"ranks must be a non-empty array of ranks >= 1, got {r.ravel()[:5]}")
    out = {"mrr": np.mean(1 / r, axis=-1)}
    out.update({f"hits@{k}": np.mean(r <= k, axis=-1) for k in ks})
    if r.ndim == 1:
        return {k: round(float(v), 4) for k, v in out.items()}
    return out


def popularity_ranks(train_tails, true_tails, candidates, *, ties="mean") -> np.ndarray:
    """Ranks when every query orders ``candidates`` by their count in ``train_tails``.

    >>> popularity_ranks([5, 5, 7], [5, 7, 9], [5, 7, 9]).tolist()
    [1.0, 2.0, 3.0]
    """
    cand = np.asarray(candidates, dtype=np.int64)
    counts = np.array([np.sum(np.asarray(train_tails) == c) for c in cand], dtype=np.float64)
    where = {int(c): i for i, c in enumerate(cand)}
    cols = [where[int(t)] for t in np.asarray(true_tails)]
    return rank_from_scores(np.tile(counts, (len(cols), 1)), cols, ties=ties)
