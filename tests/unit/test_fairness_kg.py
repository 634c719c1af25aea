"""TransE with a seed dimension: planted relations, one-seed parity, ranks with tie rules, the graph."""

import numpy as np
import pytest
import torch

from trustlab.fairness.kg.graph import KnowledgeGraph, adult_graph, hold_out_occupations
from trustlab.fairness.kg.ranking import (link_prediction, popularity_ranks, rank_from_scores,
                                          rank_tails)
from trustlab.fairness.kg.transe import RowAdam, TransE, train_transe


def toy_graph(n=60, k=3):
    """Person i has sex i % 2, class i % k and likes item i % k: "likes" is planted via "is_a"."""
    entities = ([f"p{i}" for i in range(n)] + ["sex=Female", "sex=Male"]
                + [f"class{j}" for j in range(k)] + [f"item{j}" for j in range(k)])
    sex = [(i, 0, n + i % 2) for i in range(n)]
    is_a = [(i, 1, n + 2 + i % k) for i in range(n)]
    likes = [(i, 2, n + 2 + k + i % k) for i in range(n)]
    values = {"has_sex": np.array([n, n + 1]), "is_a": np.arange(n + 2, n + 2 + k),
              "likes": np.arange(n + 2 + k, n + 2 + 2 * k)}
    kg = KnowledgeGraph(np.array(sex + is_a + likes), tuple(entities),
                        ("has_sex", "is_a", "likes"), values, np.arange(n), n)
    return kg, np.array(sex), np.array(is_a), np.array(likes)


def test_transe_recovers_a_planted_relation():
    kg, sex, is_a, likes = toy_graph()
    held = likes[::4]  # a quarter of the "likes" facts are never seen
    train = np.vstack([sex, is_a, np.delete(likes, np.s_[::4], axis=0)])
    model = train_transe(kg, train, seeds=[0, 1], dim=16, epochs=60, batch_size=16, lr=0.05)
    ranks = rank_tails(model, held[:, 0], 2, held[:, 2], kg.values["likes"])
    assert ranks.shape == (2, len(held))
    assert np.all(np.mean(ranks == 1, axis=1) >= 0.9)  # the right item first among 3
    # An untrained model does not: the recovery comes from training.
    untrained = TransE(kg.n_entities, 3, 16, seeds=[0, 1])
    assert np.all(np.mean(rank_tails(untrained, held[:, 0], 2, held[:, 2], kg.values["likes"]) == 1,
                          axis=1) < 0.6)


def test_each_batched_model_is_the_one_seed_model():
    kg, *_ = toy_graph()
    many = train_transe(kg, seeds=[3, 0, 7], dim=8, epochs=5, batch_size=16, kl_weight=0.5)
    for k, s in enumerate([3, 0, 7]):
        one = train_transe(kg, seeds=[s], dim=8, epochs=5, batch_size=16, kl_weight=0.5)
        assert torch.allclose(many.entity[k], one.entity[0], rtol=0, atol=1e-12)
        assert torch.allclose(many.relation[k], one.relation[0], rtol=0, atol=1e-12)
    assert many.entity.dtype == torch.float64


def test_row_adam_is_torch_sparse_adam():
    # The hand-written lazy update must equal torch.optim.SparseAdam (its oracle).
    gen = torch.Generator().manual_seed(0)
    table = torch.randn(10, 4, dtype=torch.float64, generator=gen)
    ref = torch.nn.Parameter(table.clone())
    oracle, mine = torch.optim.SparseAdam([ref], lr=0.1), RowAdam(table, 0.1)
    for rows in ([1, 3, 5], [3, 4], [0, 1, 2, 9]):
        rows = torch.tensor(rows)
        grad = torch.randn(len(rows), 4, dtype=torch.float64, generator=gen)
        ref.grad = torch.sparse_coo_tensor(rows[None], grad, ref.shape, check_invariants=True)
        oracle.step()
        mine.step(rows, grad)
    assert torch.allclose(ref.detach(), table, rtol=0, atol=1e-14)


def test_ranks_count_ties_by_an_explicit_rule():
    scores = np.array([[3.0, 1.0, 3.0, 3.0], [0.5, 0.2, 0.1, 0.0]])
    assert rank_from_scores(scores, [0, 3]).tolist() == [2.0, 4.0]  # three tied at the top: 1, 2, 3
    assert rank_from_scores(scores, [0, 3], ties="pessimistic").tolist() == [3.0, 4.0]
    with pytest.raises(ValueError, match="ties"):
        rank_from_scores(scores, [0, 3], ties="optimistic")
    # A model whose candidates coincide ranks the true one in the middle, not first or last.
    model = TransE(4, 1, 2)
    with torch.no_grad():
        model.entity.copy_(torch.tensor([[[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [3.0, 0.0]]]))
        model.relation.copy_(torch.tensor([[[1.0, 0.0]]]))
    assert rank_tails(model, [0, 0], 0, [1, 3], [1, 2, 3]).tolist() == [[1.5, 3.0]]
    assert link_prediction([1.5, 3.0], ks=(1, 3)) == {"mrr": 0.5, "hits@1": 0.0, "hits@3": 1.0}
    with pytest.raises(ValueError, match="among candidates"):
        rank_tails(model, [0], 0, [0], [1, 2, 3])


def test_popularity_ranks_by_training_counts():
    # Counts 3, 1, 1: the first value ranks 1, the two tied ones share ranks 2 and 3.
    ranks = popularity_ranks([7, 7, 7, 8, 9], [7, 8, 9], [7, 8, 9])
    assert ranks.tolist() == [1.0, 2.5, 2.5]
    assert link_prediction(ranks)["mrr"] == pytest.approx((1 + 2 / 2.5) / 3, abs=1e-4)


def test_adult_graph_leaves_out_relationship_and_twins_swap_gender():
    kg = adult_graph(200, counterfactual_share=0.5, seed=0)
    assert "has_relationship" not in kg.relations and kg.n_people == 200
    assert not any(e.startswith("relationship=") for e in kg.entities)
    n_twins = len(kg.persons) - 200
    assert 60 < n_twins < 140
    sex = kg.triples[kg.triples[:, 1] == kg.rel("has_sex")]
    gender = dict(zip(sex[:, 0], sex[:, 2]))
    for j, name in enumerate(kg.entities[200:len(kg.persons)]):
        assert gender[200 + j] != gender[int(name[4:])]
    with pytest.raises(ValueError, match="counterfactual_share must be in"):
        adult_graph(100, counterfactual_share=1.5)
    with pytest.raises(ValueError, match="relation must be one of"):
        kg.rel("has_relationship")


def test_hidden_occupations_stay_hidden_for_twins():
    kg = adult_graph(300, counterfactual_share=1.0, seed=0)
    train, test = hold_out_occupations(kg, 0.2, seed=1)
    occ = kg.rel("has_occupation")
    assert len(test) == 60 and np.all(test[:, 1] == occ) and np.all(test[:, 0] < 300)
    seen = set(train[train[:, 1] == occ, 0].tolist())
    twin_of = {300 + j: int(name[4:]) for j, name in enumerate(kg.entities[300:len(kg.persons)])}
    assert not seen & set(test[:, 0].tolist())
    assert not any(twin_of[t] in set(test[:, 0].tolist()) for t in seen if t >= 300)


def test_train_transe_refuses_bad_graphs_and_triples():
    kg, *_ = toy_graph()
    with pytest.raises(TypeError, match="kg must be a KnowledgeGraph"):
        train_transe("x")
    with pytest.raises(ValueError, match="tail id outside"):
        train_transe(kg, [[0, 0, 10**6]])
    with pytest.raises(ValueError, match="outside the values of is_a"):
        train_transe(kg, [[0, 1, 0]])
    with pytest.raises(ValueError, match="lr"):
        train_transe(kg, lr=-1)
    with pytest.raises(ValueError, match="kl_weight"):
        train_transe(kg, kl_weight=float("inf"))
    with pytest.raises(ValueError, match="seeds"):
        train_transe(kg, seeds=[])
