# Exercise 2: the smallest epsilon on the grid that keeps "boston" at least half of the time,
# and the guarantee checked empirically for boston vs chicago at that epsilon.
from trustlab.privacy import check_metric_dp, substitution_distribution
from trustlab.privacy.text.utility import SWEEP_EPSILONS

kept = {eps: substitution_distribution("boston", eps, n_draws=2000, seed=0).get("boston", 0.0)
        for eps in SWEEP_EPSILONS}
smallest = min(eps for eps, p in kept.items() if p >= 0.5)
check = check_metric_dp("boston", "chicago", smallest, n_draws=20_000, seed=0)
print("P(boston kept):", {eps: round(p, 2) for eps, p in kept.items()})
print(f"smallest epsilon with P(kept) >= 0.5: {smallest}")
print(check.summary())
assert kept[smallest] >= 0.5 and all(p < 0.5 for eps, p in kept.items() if eps < smallest)
assert check.max_excess <= 3  # every estimated log-ratio within 3 standard errors of epsilon*d
answer = smallest
