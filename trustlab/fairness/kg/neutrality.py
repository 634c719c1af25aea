"""Fisher et al.'s neutrality term: the KL divergence between uniform and the model's own gender prediction.

Fisher, Mittal, Palfrey & Christodoulopoulos (2020, EMNLP), "Debiasing knowledge graph
embeddings": "all embeddings are trained to be neutral to sensitive attributes such as gender
by default using an adversarial loss". The adversary is the embedding model itself: for a
person p, the softmax over the gender values m of the model's own scores,
q_p(m) = softmax_m g(e_p, r_gender, e_m), is pushed toward the uniform distribution U. The
paper's full text was not reachable offline for a verbatim quote; as trustlab issue 15
restates it, the total loss is L = L_CE + w_KL·L_KL with

    L_KL = mean_p KL(U ‖ q_p) = mean_p Σ_m U(m) log(U(m) / q_p(m)).

The relation r_gender and the value entities e_m are frozen for this term (the caller passes
them detached): only person embeddings move. The direction KL(U ‖ q) (rather than KL(q ‖ U);
both are 0 exactly when q is uniform) and averaging over the persons of each batch are the
kit's reading. The kit's earlier variant, a separate logistic-regression adversary with a
(p − 0.5)² penalty, is a different method and is gone.
"""

from __future__ import annotations

import math

import torch

__all__ = ["kl_to_uniform"]


def kl_to_uniform(persons, relation, values):
    """KL(U ‖ q_p) per person, where q_p = softmax over m of −‖e_p + w_r − e_m‖₂.

    0 means the model's own scores cannot tell the values apart for that person.

    Parameters
    ----------
    persons : tensor (..., n, d)
        Person embeddings (a leading model dimension is allowed).
    relation : tensor (..., d)
        The sensitive relation's vector w_r (detach it to freeze it).
    values : tensor (..., M, d)
        The value entities e_m (detach them to freeze them).

    Returns
    -------
    tensor (..., n)

    >>> p = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> kl = kl_to_uniform(p, torch.zeros(2), torch.tensor([[1.0, 1.0], [-1.0, 1.0]]))
    >>> [round(float(v), 4) for v in kl]
    [0.0, 0.1799]
    """
    for name, t in (("persons", persons), ("relation", relation), ("values", values)):
        if not torch.is_tensor(t) or not t.is_floating_point():
            raise TypeError(f"{name} must be a float torch tensor, got {type(t).__name__}")
    if values.dim() < 2 or values.shape[-2] < 2:
        raise ValueError(f"values must hold at least 2 attribute values (shape (..., M, d)), got "
                         f"shape {tuple(values.shape)}")
    if not persons.shape[-1] == relation.shape[-1] == values.shape[-1]:
        raise ValueError(f"persons, relation and values must share the last (embedding) "
                         f"dimension, got {tuple(persons.shape)}, {tuple(relation.shape)}, "
                         f"{tuple(values.shape)}")
    q = persons + relation.unsqueeze(-2)                           # (..., n, d)
    scores = -(q.unsqueeze(-2) - values.unsqueeze(-3)).norm(dim=-1)  # (..., n, M)
    log_q = torch.log_softmax(scores, dim=-1)
    return -math.log(values.shape[-2]) - log_q.mean(dim=-1)
