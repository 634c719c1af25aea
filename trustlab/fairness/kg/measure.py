"""Fisher et al.'s bias measure: how a profession's score moves when a person is made a little more "male".

Fisher, Palfrey, Christodoulopoulos & Mittal (2019, arXiv 1912.02761; AKBC 2020 workshop),
"Measuring social bias in knowledge graph embeddings", "propose a new metric suitable for
measuring such bias" (abstract); Amazon Science's summary: "as we shift the gender relation
toward maleness, the profession relation shifts away from nurse and closer to doctor". The
paper's full text was not reachable offline for a verbatim quote; the definition below is the
one trustlab issue 15 restates from it. For a person j, a sensitive relation r_s with values a
and b, and the model's score g:

    m(θ)   = g(e_j, r_s, e_a) − g(e_j, r_s, e_b)
    e′_j   = e_j + α · ∂m/∂e_j                      (α = 0.01, one gradient step)
    ∇_p(j) = g(e′_j, r_p, e_p) − g(e_j, r_p, e_p)   for each profession p
    b_p    = mean over all human entities j of ∇_p(j)

Professions are ranked by b_p: positive b_p means p becomes likelier as the person becomes
more a (here a = Male, b = Female). The gradient comes from autograd, one per person (m_j
depends on e_j only, so the gradient of Σ_j m_j with respect to e_j is ∂m_j/∂e_j). The spread
of b_p across professions is one summary; the mean of b_p is another: a step that lowers
every profession alike has zero spread and is not "no effect". Report both.

The persons averaged over are the graph's sampled people (men and women; twins of the
CDA-style baseline are left out, so every setting is measured on the same people): the kit's
reading of "all human entities".
"""

from __future__ import annotations

import numpy as np
import torch

from trustlab._validate import check_choice, check_number

__all__ = ["ALPHA", "gender_step", "profession_bias"]

#: Fisher et al.'s step size.
ALPHA = 0.01


def gender_step(model, kg, persons, *, a="sex=Male", b="sex=Female", relation="has_sex",
                alpha=ALPHA):
    """``(e_j, e′_j)`` for every model: person embeddings before and after one step on m.

    Shapes (K, n, d). ``e′ − e = α ∂m/∂e`` with m = g(e, r_s, e_a) − g(e, r_s, e_b).
    """
    from trustlab.fairness.kg.graph import check_graph, check_persons
    from trustlab.fairness.kg.transe import check_model

    check_model(model)
    check_graph(kg)
    alpha = check_number("alpha", alpha, 0, 1)
    persons = check_persons(kg, persons)
    r = kg.rel(relation)
    for name, value in (("a", a), ("b", b)):
        check_choice(name, value, [kg.entities[i] for i in kg.values[relation]])
    ea, eb = kg.ent(a), kg.ent(b)
    E = model.entity.detach()
    ej = E[:, torch.as_tensor(np.asarray(persons, dtype=np.int64))].clone().requires_grad_(True)
    w = model.relation.detach()[:, r][:, None, :]

    def g(e, tail):
        return -(e + w - E[:, tail][:, None, :]).norm(dim=-1)

    m = g(ej, ea) - g(ej, eb)
    (grad,) = torch.autograd.grad(m.sum(), ej)
    return ej.detach(), ej.detach() + alpha * grad


def _distances(q, values):
    # ‖q − v‖ for (K, n, d) against (K, P, d) by one batched product: (K, n, P).
    sq = (q * q).sum(-1, keepdim=True) + (values * values).sum(-1)[:, None, :]
    return torch.baddbmm(sq, q, values.transpose(1, 2), alpha=-2).clamp_min(0).sqrt()


@torch.no_grad()
def _score_change(model, kg, before, after, relation):
    r = model.relation[:, kg.rel(relation)][:, None, :]
    vals = model.entity[:, torch.as_tensor(kg.values[relation])]
    return _distances(before + r, vals) - _distances(after + r, vals)     # (K, n, P)


def profession_bias(model, kg, persons=None, *, alpha=ALPHA, relation="has_occupation") -> np.ndarray:
    """Fisher et al.'s b_p for every model and profession: shape (K, P).

    Order of P: ``kg.values[relation]``. ``persons`` defaults to the graph's sampled people.

    >>> from trustlab.fairness.kg.graph import adult_graph
    >>> from trustlab.fairness.kg.transe import TransE
    >>> kg = adult_graph(50, seed=0)
    >>> b = profession_bias(TransE(kg.n_entities, len(kg.relations), 8), kg, alpha=0.0)
    >>> b.shape, float(abs(b).max())
    ((1, 12), 0.0)
    """
    from trustlab.fairness.kg.graph import check_graph, check_persons

    persons = check_persons(check_graph(kg), persons)
    kg.rel(relation)
    before, after = gender_step(model, kg, persons, alpha=alpha)
    return _score_change(model, kg, before, after, relation).mean(dim=1).numpy()
