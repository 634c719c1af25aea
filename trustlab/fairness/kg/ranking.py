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

from trustlab._validate import check_array, check_choice, check_int

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
    if torch.is_tensor(scores):
        scores = scores.detach().numpy()
    s = torch.as_tensor(check_array("scores", scores, ndim=(2, 3)))
    col = torch.as_tensor(check_array("true_column", true_column, kind="int", ndim=(1, 2),
                                      min_value=0, max_value=s.shape[-1] - 1), dtype=torch.long)
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
    from trustlab.fairness.kg.transe import check_model

    n_ent = check_model(model).entity.shape[1]
    cand = check_array("candidates", candidates, kind="int", ndim=1, min_value=0, max_value=n_ent - 1)
    heads = check_array("heads", heads, kind="int", ndim=1, min_value=0, max_value=n_ent - 1)
    tails = check_array("true_tails", true_tails, kind="int", ndim=1, length=len(heads),
                        length_name="heads")
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
    r = check_array("ranks", ranks, ndim=(1, 2), min_value=1).astype(np.float64)
    ks = [check_int("ks", k, 1) for k in (ks if hasattr(ks, "__iter__") else [ks])]
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
    cand = check_array("candidates", candidates, kind="int", ndim=1)
    train = check_array("train_tails", train_tails, kind="int", ndim=1)
    tails = check_array("true_tails", true_tails, kind="int", ndim=1)
    counts = np.array([np.sum(train == c) for c in cand], dtype=np.float64)
    where = {int(c): i for i, c in enumerate(cand)}
    missing = sorted({int(t) for t in tails} - set(where))
    if missing:
        raise ValueError(f"true_tails must be among candidates, got ids {missing[:5]} outside")
    cols = [where[int(t)] for t in tails]
    return rank_from_scores(np.tile(counts, (len(cols), 1)), cols, ties=ties)
