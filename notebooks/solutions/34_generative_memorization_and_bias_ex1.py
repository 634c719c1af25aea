# Exercise 1: from how many repetitions on does DP-SGD (ε = 8 per sentence) stop hiding the canary?
from trustlab.lm.memorization_sweep import REPETITIONS, memorization_sweep

sweep = memorization_sweep()
first = None
for r in REPETITIONS:
    mean, half = sweep["dp_sgd", r].interval("exposure")
    above = mean - half > sweep["dp_sgd", r].chance
    print(f"repetitions={r:2d}  DP-SGD exposure={mean:.1f}±{half:.1f} bits  above chance: {above}")
    if above and first is None:
        first = r
assert first is not None and first > 0
answer = first
