"""TransE on a toy graph with a planted relation; the Adult graph, the shift probe and mitigations."""

import numpy as np
import pytest
import torch

from trustlab.fairness.kg.bias import compute_kg_point, kg_bias_sweep, occupation_shift
from trustlab.fairness.kg.transe import (KnowledgeGraph, TransE, adult_graph, link_prediction,
                                         rank_tails, train_transe)


def _toy_graph(n=60, k=3):
    # Person i belongs to class i % k and likes item i % k: "likes" is planted through "is_a".
    entities = [f"p{i}" for i in range(n)] + [f"class{j}" for j in range(k)] + [f"item{j}" for j in range(k)]
    is_a = [(i, 0, n + i % k) for i in range(n)]
    likes = [(i, 1, n + k + i % k) for i in range(n)]
    values = {"is_a": np.arange(n, n + k), "likes": np.arange(n + k, n + 2 * k)}
    kg = KnowledgeGraph(np.array(is_a + likes), tuple(entities), ("is_a", "likes"), values,
                        np.arange(n))
    return kg, np.array(is_a), np.array(likes)


def test_transe_recovers_a_planted_relation():
    kg, is_a, likes = _toy_graph()
    held = likes[::4]  # a quarter of the "likes" facts are never seen
    train = np.vstack([is_a, np.delete(likes, np.s_[::4], axis=0)])
    model = train_transe(kg, train, dim=16, epochs=60, batch_size=64, lr=0.02, seed=0)
    items = kg.values["likes"]
    typed = rank_tails(model, held[:, 0], 1, held[:, 2], items)
    assert np.mean(typed == 1) >= 0.8  # the right item first among 3 (chance: 1/3)
    among_all = link_prediction(rank_tails(model, held[:, 0], 1, held[:, 2]))
    assert among_all["hits@10"] == 1.0 and among_all["mrr"] > 0.6  # among all 66 entities
    # An untrained model does not: the recovery comes from training.
    untrained = TransE(kg.n_entities, 2, 16, seed=0)
    assert link_prediction(rank_tails(untrained, held[:, 0], 1, held[:, 2]))["mrr"] < 0.1
    assert np.mean(rank_tails(untrained, held[:, 0], 1, held[:, 2], items) == 1) < 0.5


def test_rank_tails_and_link_prediction_by_hand():
    model = TransE(3, 1, 2, seed=0)
    with torch.no_grad():
        model.entity.copy_(torch.tensor([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]]))
        model.relation.copy_(torch.tensor([[1.0, 0.0]]))
    # 0 + r = (1, 0): entity 1 at distance 0 ranks first, entity 2 (distance 2) after entity 0 (1).
    assert rank_tails(model, [0, 0], 0, [1, 2]).tolist() == [1, 3]
    assert link_prediction([1, 3]) == {"mrr": pytest.approx(0.6667, abs=1e-4), "hits@10": 1.0}


def test_adult_graph_leaves_out_relationship_and_twins_swap_gender():
    kg = adult_graph(200, counterfactual_share=0.5, seed=0)
    assert "has_relationship" not in kg.relations
    assert not any(e.startswith("relationship=") for e in kg.entities)
    n_twins = len(kg.persons) - 200
    assert 60 < n_twins < 140
    sex = kg.triples[kg.triples[:, 1] == kg.rel("has_sex")]
    gender = dict(zip(sex[:, 0], sex[:, 2]))
    for j, name in enumerate(kg.entities[200:len(kg.persons)]):
        original = int(name[4:])
        assert gender[200 + j] != gender[original]
    with pytest.raises(ValueError, match="counterfactual_share must be in"):
        adult_graph(100, counterfactual_share=1.5)
    with pytest.raises(ValueError, match="relation must be one of"):
        kg.rel("has_relationship")


def test_occupation_shift_is_zero_without_a_move():
    kg = adult_graph(100, seed=0)
    model = TransE(kg.n_entities, len(kg.relations), 8, seed=0)
    assert occupation_shift(model, kg, [0, 1, 2], alpha=0.0) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="alpha"):
        occupation_shift(model, kg, [0], alpha=-1)
    with pytest.raises(ValueError, match="neutrality"):
        train_transe(kg, neutrality=-1)


def test_shipped_sweep_shows_bias_and_both_mitigations():
    sweep = kg_bias_sweep()
    plain, adversarial, twins = sweep[(0.0, 0.0)], sweep[(3.0, 0.0)], sweep[(0.0, 1.0)]
    assert plain.correlation > 0.5  # "toward maleness" moves toward the men's occupations
    assert plain.table.loc["Adm-clerical", "shift"] < plain.table.loc["Craft-repair", "shift"]
    assert adversarial.gender_probe < 0.6 < plain.gender_probe
    assert adversarial.bias < plain.bias / 2 and twins.bias < plain.bias
    assert adversarial.hits10 > 0.5  # link prediction survives


def test_kg_point_reads_the_cache_and_validates():
    point = compute_kg_point(1.0, 0.0, "Sales")
    assert "Sales: shift" in point.summary()
    with pytest.raises(ValueError, match="occupation must be one of"):
        compute_kg_point(1.0, 0.0, "Astronaut")
    with pytest.raises(ValueError, match="neutrality must be one of"):
        compute_kg_point(2.0, 0.0, "Sales")
