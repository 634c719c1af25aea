"""Fisher et al.'s measure (finite differences), the KL neutrality term, the evaluation measures,
and the shipped 5-seed sweep that notebook 33 reads."""

import numpy as np
import pytest
import torch

from tests.unit.test_fairness_kg import toy_graph
from trustlab.fairness.kg.evaluation import attribute_score_gap, probe_accuracy
from trustlab.fairness.kg.measure import gender_step, profession_bias
from trustlab.fairness.kg.neutrality import kl_to_uniform
from trustlab.fairness.kg.transe import TransE, train_transe
from trustlab.stats import separated


def _random_model(kg, seeds=(0, 1)):
    model = TransE(kg.n_entities, len(kg.relations), 6, seeds=seeds)
    with torch.no_grad():  # spread the entities out, away from the unit sphere's symmetry
        model.entity.mul_(torch.linspace(0.5, 2.0, kg.n_entities, dtype=torch.float64)[:, None])
    return model


def test_gender_step_is_alpha_times_a_finite_difference_gradient():
    kg, *_ = toy_graph(n=12)
    model = _random_model(kg)
    persons = np.arange(12)
    before, after = gender_step(model, kg, persons, a="sex=Male", b="sex=Female", alpha=0.01)
    E, w = model.entity.detach(), model.relation.detach()[:, 0]
    male, female = E[:, kg.ent("sex=Male")], E[:, kg.ent("sex=Female")]

    def m(e):  # m = g(e, r_s, e_Male) − g(e, r_s, e_Female) for one model's person vector
        return float(-(e + w[k] - male[k]).norm() + (e + w[k] - female[k]).norm())

    h = 1e-6
    for k in range(2):
        for j in (0, 5, 11):
            e = before[k, j]
            fd = torch.tensor([(m(e + h * u) - m(e - h * u)) / (2 * h)
                               for u in torch.eye(6, dtype=torch.float64)], dtype=torch.float64)
            assert torch.allclose((after[k, j] - e) / 0.01, fd, rtol=0, atol=1e-7)


def test_profession_bias_is_the_mean_score_change_over_persons():
    kg, *_ = toy_graph(n=12)
    model = _random_model(kg)
    b = profession_bias(model, kg, relation="likes", alpha=0.01)
    before, after = gender_step(model, kg, np.arange(12), alpha=0.01)
    r = model.relation.detach()[:, kg.rel("likes")]
    items = model.entity.detach()[:, kg.values["likes"]]
    g0 = -(before[:, :, None] + r[:, None, None] - items[:, None]).norm(dim=-1)
    g1 = -(after[:, :, None] + r[:, None, None] - items[:, None]).norm(dim=-1)
    assert b.shape == (2, 3)
    assert np.allclose(b, (g1 - g0).mean(dim=1).numpy(), rtol=0, atol=1e-12)
    assert np.all(profession_bias(model, kg, relation="likes", alpha=0.0) == 0)


def test_kl_term_is_zero_for_a_gender_balanced_toy():
    # Every person equidistant from e_Male and e_Female (after the relation's translation):
    # the model's own softmax over the two values is uniform, so KL(U ‖ q) = 0.
    gen = torch.Generator().manual_seed(0)
    values = torch.tensor([[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]], dtype=torch.float64)
    balanced = torch.randn(20, 3, dtype=torch.float64, generator=gen)
    balanced[:, 0] = 0.0  # on the plane halfway between the two values
    relation = torch.tensor([0.0, 0.3, -0.2], dtype=torch.float64)
    assert torch.allclose(kl_to_uniform(balanced, relation, values), torch.zeros(20, dtype=torch.float64), atol=1e-15)
    leaning = balanced.clone()
    leaning[:, 0] = 0.5
    kl = kl_to_uniform(leaning, relation, values)
    assert torch.all(kl > 0.01)
    # Only person embeddings receive the term's gradient: relation and values are frozen.
    p = leaning.clone().requires_grad_(True)
    r, v = relation.clone().requires_grad_(True), values.clone().requires_grad_(True)
    kl_to_uniform(p, r.detach(), v.detach()).sum().backward()
    assert p.grad.abs().sum() > 0 and r.grad is None and v.grad is None


def test_kl_training_hides_gender_from_the_model_itself():
    kg, *_ = toy_graph(n=60)
    plain = train_transe(kg, seeds=[0, 1], dim=8, epochs=40, batch_size=16, lr=0.05)
    neutral = train_transe(kg, seeds=[0, 1], dim=8, epochs=40, batch_size=16, lr=0.05,
                           kl_weight=10.0)
    gap_plain, gap_neutral = attribute_score_gap(plain, kg), attribute_score_gap(neutral, kg)
    assert np.all(gap_plain > 0.5) and np.all(np.abs(gap_neutral) < 0.1 * gap_plain)


def test_attribute_score_gap_and_probe_by_construction():
    kg, *_ = toy_graph(n=10)
    model = TransE(kg.n_entities, len(kg.relations), 2)
    with torch.no_grad():
        model.entity.zero_()
        model.relation.zero_()
        model.entity[0, kg.ent("sex=Female")] = torch.tensor([1.0, 0.0])
        model.entity[0, kg.ent("sex=Male")] = torch.tensor([-1.0, 0.0])
    # Everyone sits halfway: no preference for the true value.
    assert attribute_score_gap(model, kg) == pytest.approx([0.0])
    with torch.no_grad():  # person i at its own value: gap = g(true) − g(false) = 0 − (−2) = 2
        for i in range(10):
            model.entity[0, i] = model.entity[0, kg.ent("sex=Female" if i % 2 == 0 else "sex=Male")]
    assert attribute_score_gap(model, kg) == pytest.approx([2.0])
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    planted = rng.normal(size=(2, 400, 4))
    planted[0, :, 0] += 3 * y  # model 0's embeddings carry the label, model 1's do not
    acc, majority = probe_accuracy(planted, y, seed=0)
    assert acc[0] > 0.9 and abs(acc[1] - 0.5) < 0.1 and 0.4 < majority < 0.6
    with pytest.raises(ValueError, match="embeddings must have shape"):
        probe_accuracy(planted[0], y)


def test_shipped_sweep_tells_the_notebooks_story():
    from trustlab.fairness.kg.sweep import kg_bias_sweep

    sweep = kg_bias_sweep()
    plain, kl10, twins = sweep[(0.0, 0.0)], sweep[(10.0, 0.0)], sweep[(0.0, 1.0)]
    assert len(plain.seeds) == 5 and plain.b.shape == (5, 13)
    # "Toward maleness" moves toward the men's occupations, in every seed.
    assert np.all(plain.correlation > 0.5)
    col = plain.occupations.index
    assert np.all(plain.b[:, col("Adm-clerical")] < plain.b[:, col("Craft-repair")])
    # TransE beats the popularity baseline; the KL term costs MRR but hides gender.
    assert plain.mrr.min() > plain.popularity["mrr"]
    assert separated(kl10.mrr, plain.mrr) and kl10.mrr.mean() < plain.mrr.mean()
    assert plain.probe.min() > 0.95 and abs(kl10.probe.mean() - kl10.majority) < 0.03
    assert separated(kl10.spread, plain.spread) and kl10.spread.mean() < plain.spread.mean()
    # The CDA-style twins shrink the spread most, yet leave gender fully in the embedding.
    assert twins.spread.max() < plain.spread.min() and twins.probe.min() > 0.95


def test_kg_point_reads_the_grid_and_says_what_is_off_it():
    from trustlab.fairness.kg.sweep import compute_kg_point

    point = compute_kg_point(1.0, 0.0, "Sales")
    assert "Sales: b_p=" in point.summary() and point.result is not None
    off = compute_kg_point(2.0, 0.0, "Sales")
    assert off.result is None and "not in the shipped grid" in off.summary()
    with pytest.raises(ValueError, match="occupation must be one of"):
        compute_kg_point(1.0, 0.0, "Astronaut")
    with pytest.raises(ValueError, match="counterfactual_share must be one of"):
        compute_kg_point(1.0, 0.5, "Sales")
    with pytest.raises(ValueError, match="kl_weight"):
        compute_kg_point(-1.0, 0.0, "Sales")
