# Exercise 2: how many mitigation options keep the equalized-odds interval's upper end below 0.05?
from trustlab.audit.examples import mitigation_sweep

options = mitigation_sweep("adult", seed=0).options
columns = ["accuracy", "accuracy_low", "accuracy_high", "equalized_odds", "equalized_odds_high"]
print(options[columns].round(3).to_string())
below = options[options["equalized_odds_high"] < 0.05]
print(f"{len(below)} options: {list(below.index)}")
# their accuracy intervals overlap: neither is more accurate than the other
assert below["accuracy_low"].max() < below["accuracy_high"].min()
answer = len(below)
