# Exercise 2: the smallest epsilon on the grid that keeps "boston" at least half of the time,
# and whether a sampled check of the guarantee (boston vs chicago) could fail at that epsilon.
from trustlab.privacy import check_metric_dp, substitution_distribution
from trustlab.privacy.text.utility import SWEEP_EPSILONS

kept = {eps: substitution_distribution("boston", eps, n_draws=2000, seed=0).get("boston", 0.0)
        for eps in SWEEP_EPSILONS}
smallest = min(eps for eps, p in kept.items() if p >= 0.5)
print("P(boston kept):", {eps: round(p, 2) for eps, p in kept.items()})
print(f"smallest epsilon with P(kept) >= 0.5: {smallest}")
assert kept[smallest] >= 0.5 and all(p < 0.5 for eps, p in kept.items() if eps < smallest)
check = check_metric_dp("boston", "chicago", smallest, n_draws=20_000, seed=0)
print(check.summary())
# epsilon*d is far above the largest log ratio 20,000 draws can estimate: this check cannot fail.
print("could a violation show?", check.can_fail)
assert not check.can_fail and check.max_excess <= 3
answer = smallest
