"""How much gender the person embeddings still carry: Fisher et al.'s two evaluation measures.

Fisher, Mittal, Palfrey & Christodoulopoulos (2020, EMNLP), "Debiasing knowledge graph
embeddings", assess a mitigated embedding in two ways (as trustlab issue 15 restates them; the
full text was not reachable offline), both implemented here for K models at once:

1. **Attribute score gap**: the model's own score for a person's true attribute value minus
   the mean of its scores for the top-scoring false values (``top_k`` of them; gender has one
   false value). 0 means the model no longer prefers the true value; positive means it still
   predicts it.
2. **Probe**: a classifier with one hidden layer trained to recover the attribute from the
   person's embedding, compared with the majority baseline (always the most frequent value).
   A probe at the majority baseline finds no gender in the embedding; a linear probe (the
   kit's earlier logistic regression) is weaker and can miss non-linearly encoded gender.

The probe is a ``trustlab.models.mlp`` with ``hidden=(32,)``, trained with ``train_many`` on
one half of the people and scored on the other; model k's probe reads model k's embeddings
(its own rows of a stacked table). Hidden width, epochs and the half/half split are the kit's
choices.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_int

__all__ = ["attribute_score_gap", "probe_accuracy"]


@torch.no_grad()
def attribute_score_gap(model, kg, persons=None, *, relation="has_sex", top_k=1) -> np.ndarray:
    """Mean over persons of g(true value) − mean of the ``top_k`` best false values, per model.

    0 means the model scores a person's true value no higher than the false ones.
    """
    from trustlab.fairness.kg.graph import check_graph, check_persons
    from trustlab.fairness.kg.transe import check_model

    check_model(model)
    persons = check_persons(check_graph(kg), persons)
    values = np.asarray(kg.values[kg.relations[kg.rel(relation)]])
    top_k = check_int("top_k", top_k, 1, len(values) - 1)
    facts = kg.triples[kg.triples[:, 1] == kg.rel(relation)]
    true = dict(zip(facts[:, 0].tolist(), facts[:, 2].tolist()))
    missing = [int(p) for p in persons if int(p) not in true]
    if missing:
        raise ValueError(f"persons must have a {relation} fact, got ids without one: {missing[:5]}")
    column = torch.as_tensor([int(np.flatnonzero(values == true[int(p)])[0]) for p in persons])
    scores = model.candidate_scores(persons, kg.rel(relation), values)      # (K, n, M)
    own = scores.gather(-1, column.expand(scores.shape[:-1]).unsqueeze(-1)).squeeze(-1)
    false = scores.scatter(-1, column.expand(scores.shape[:-1]).unsqueeze(-1), float("-inf"))
    best_false = false.topk(top_k, dim=-1).values.mean(dim=-1)
    return (own - best_false).mean(dim=1).numpy()


def probe_accuracy(embeddings, labels, *, seed=0, hidden=32, epochs=20):
    """Held-out accuracy of a one-hidden-layer probe per model, and the majority baseline.

    Parameters
    ----------
    embeddings : array (K, n, d)
        Each model's person embeddings.
    labels : int array (n,)
        The attribute (e.g. 1 = female).

    Returns
    -------
    (accuracy per model (K,), majority-baseline accuracy): both on the held-out half.
    """
    from trustlab.models import mlp
    from trustlab.training import train_many

    E = check_array("embeddings", embeddings)
    y = check_array("labels", labels, kind="int", ndim=1, allowed=(0, 1))
    if E.ndim != 3 or E.shape[1] != len(y) or len(y) < 4:
        raise ValueError(f"embeddings must have shape (K, n, d) with n = len(labels) = {len(y)} "
                         f">= 4, got {E.shape}")
    check_int("hidden", hidden, 1, 4096)
    check_int("epochs", epochs, 1, 10_000)
    E = torch.as_tensor(E, dtype=torch.float64)
    K, n, d = E.shape
    order = numpy_rng(seed).permutation(n)
    fit, held = np.sort(order[: n // 2]), np.sort(order[n // 2:])
    # Standardise each model's table with its fitting half (embedding norms differ by model).
    mu, sd = E[:, fit].mean(dim=1, keepdim=True), E[:, fit].std(dim=1, keepdim=True)
    X = ((E - mu) / sd.clamp_min(1e-12)).reshape(K * n, d)
    rows = np.arange(K)[:, None] * n
    run = train_many(functools.partial(mlp, d, 2, hidden=(hidden,)), X.numpy(), np.tile(y, K),
                     seeds=[seed + k for k in range(K)], subsets=list(rows + fit),
                     epochs=epochs, lr=0.01, batch_size=64, optimizer="adam",
                     dtype=torch.float64)
    with torch.no_grad():
        logits = run.model(X[torch.as_tensor((rows + held).ravel())])       # (K, K·m, 2)
    pred = logits.reshape(K, K, len(held), 2)[np.arange(K), np.arange(K)].argmax(-1).numpy()
    majority = np.bincount(y[fit], minlength=2).argmax()
    return (pred == y[held]).mean(axis=1), float(np.mean(y[held] == majority))
