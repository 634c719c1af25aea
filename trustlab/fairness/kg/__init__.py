"""Bias in knowledge-graph embeddings (notebook 33): TransE on a graph built from Adult, and
how far a profession's score moves when a person is made a little more "male".

``graph`` builds the graph, ``transe`` trains K seeded TransE models at once (Bordes et al.
2013) with Fisher et al.'s (2020) KL neutrality term (``neutrality``); ``measure`` is Fisher et
al.'s bias measure, ``evaluation`` their attribute measures and ``ranking`` link prediction.
"""

from trustlab.fairness.kg.graph import KnowledgeGraph, adult_graph, hold_out_occupations
from trustlab.fairness.kg.measure import profession_bias
from trustlab.fairness.kg.neutrality import kl_to_uniform
from trustlab.fairness.kg.ranking import link_prediction, popularity_ranks, rank_tails
from trustlab.fairness.kg.transe import TransE, train_transe

__all__ = ["KnowledgeGraph", "TransE", "adult_graph", "hold_out_occupations", "kl_to_uniform",
           "link_prediction", "popularity_ranks", "profession_bias", "rank_tails", "train_transe"]
