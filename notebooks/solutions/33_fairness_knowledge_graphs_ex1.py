# Exercise 1: occupation prediction ranked among the 13 occupations, vs a popularity ranking.
import numpy as np

from trustlab.fairness.kg.transe import adult_graph, link_prediction, rank_tails, train_transe

kg = adult_graph(1500, seed=0)
occ = kg.rel("has_occupation")
hidden = np.random.default_rng(1).choice(1500, 300, replace=False)
t = kg.triples
test_mask = (t[:, 1] == occ) & np.isin(t[:, 0], hidden)
model = train_transe(kg, t[~test_mask], epochs=30, batch_size=1024, seed=0)
test = t[test_mask]
ranks = rank_tails(model, test[:, 0], occ, test[:, 2], candidates=kg.values["has_occupation"])
transe = link_prediction(ranks)

# Popularity: every person gets the same ranking, most frequent training occupation first.
counts = np.bincount(t[~test_mask & (t[:, 1] == occ), 2], minlength=kg.n_entities)
order = sorted(kg.values["has_occupation"], key=lambda e: -counts[e])
popularity = link_prediction([order.index(e) + 1 for e in test[:, 2]])
print(f"TransE:     MRR={transe['mrr']:.3f}  Hits@1={np.mean(ranks == 1):.3f}")
print(f"popularity: MRR={popularity['mrr']:.3f}  Hits@1={np.mean(test[:, 2] == order[0]):.3f}")
better = "beats" if transe["mrr"] > popularity["mrr"] else "does not beat"
print(f"TransE {better} the popularity ranking on MRR: the other facts about a person carry "
      f"{'some' if better == 'beats' else 'little'} information about their occupation.")
assert 1 / 13 < popularity["mrr"] < 1 and 1 / 13 < transe["mrr"] <= 1
assert abs(popularity["hits@10"] - np.mean([order.index(e) < 10 for e in test[:, 2]])) < 1e-4
answer = "transe" if transe["mrr"] > popularity["mrr"] else "popularity"
