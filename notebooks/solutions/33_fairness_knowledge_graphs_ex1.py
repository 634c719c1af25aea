# Exercise 1: Fisher et al.'s b_p averaged over women only and over men only, vs over everyone.
import numpy as np

from trustlab.fairness.kg.bias import SCALE, SETTINGS
from trustlab.fairness.kg.graph import adult_graph, hold_out_occupations
from trustlab.fairness.kg.measure import profession_bias
from trustlab.fairness.kg.transe import train_transe

kg = adult_graph(SETTINGS["n_persons"], seed=0)
train, _ = hold_out_occupations(kg, SETTINGS["test_share"], seed=1)
model = train_transe(kg, train, seeds=range(5), epochs=SETTINGS["epochs"], lr=SETTINGS["lr"],
                     batch_size=-(-len(kg.persons) // SETTINGS["steps_per_epoch"]))
sex = kg.triples[kg.triples[:, 1] == kg.rel("has_sex")]
groups = {"everyone": None, "women": sex[sex[:, 2] == kg.ent("sex=Female"), 0],
          "men": sex[sex[:, 2] == kg.ent("sex=Male"), 0]}
names = kg.value_names("has_occupation")
shift = {}
for group, persons in groups.items():
    b = profession_bias(model, kg, persons).mean(axis=0) * SCALE  # seed mean, ×1e-3
    shift[group] = b.mean()
    print(f"{group:>8}: shift={b.mean():+.1f}  spread={b.std():.1f}  top={names[int(np.argmax(b))]}"
          f"  bottom={names[int(np.argmin(b))]}  (×1e-3)")
assert min(shift["women"], shift["men"]) <= shift["everyone"] <= max(shift["women"], shift["men"])
answer = "women" if shift["women"] > shift["men"] else "men"
