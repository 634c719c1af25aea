# Exercise 1: the most accurate setting that spends eps <= 3, and whether it beats the runner-up.
from trustlab.capstone import compare_points, tradeoff_sweep

ok = sorted((p for p in tradeoff_sweep() if p.epsilon <= 3), key=lambda p: p.accuracy, reverse=True)
best, runner_up = ok[0], ok[1]
print(f"{len(ok)} settings spend eps <= 3; best: sigma={best.noise_multiplier:g}, {best.num_clients} clients, "
      f"alpha={best.alpha:g}, resample={best.group_resample:g}, eps {best.epsilon:.2f}")
print("best vs runner-up:", compare_points(best, runner_up))
assert all(p.accuracy <= best.accuracy for p in ok)
answer = best.accuracy
