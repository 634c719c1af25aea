# Exercise 2: a perfect predictor on Adult satisfies equalized odds but not demographic parity.
from trustlab.data import load_adult
from trustlab.fairness import group_metrics

adult = load_adult()
perfect = group_metrics(adult["label"], adult["label"], adult["sex"])
rates = adult.groupby("sex", observed=True)["label"].mean()
gap = rates["Male"] - rates["Female"]
print(f"base-rate gap = {gap:.3f}; dem. parity difference = {perfect.demographic_parity_difference:.3f}; "
      f"eq. odds difference = {perfect.equalized_odds_difference:.3f}")
assert abs(perfect.demographic_parity_difference - gap) < 1e-12
assert perfect.equalized_odds_difference == 0.0
answer = perfect.demographic_parity_difference
