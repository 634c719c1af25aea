"""Bias in knowledge-graph embeddings (notebook 33): TransE on a graph built from Adult, and
how far an occupation's score moves when a person's gender does.

``transe`` holds the graph and the embedding (Bordes et al. 2013), ``bias`` the measure of
Fisher et al. (2020) with its adversarial neutrality term and counterfactual triples.
"""

from trustlab.fairness.kg.transe import TransE, adult_graph, train_transe

__all__ = ["TransE", "adult_graph", "train_transe"]
