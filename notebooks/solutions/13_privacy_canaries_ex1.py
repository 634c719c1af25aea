# Exercise 1: for each defense, the fewest repetitions at which at least one canary's PIN is
# extracted exactly (from the precomputed sweep: 1, 5 or 20 copies of each canary; 5 seeds).
from trustlab.attacks.canary_sweep import REPETITIONS, load_canary_sweep, setting_label

sweep = load_canary_sweep(0)
settings = sorted({(d, e) for d, e, _ in sweep}, key=str)
first = {}
for defense, eps in settings:
    hits = [r for r in REPETITIONS if sweep[defense, eps, r].success_rate > 0]
    first[setting_label(defense, eps)] = hits[0] if hits else None
    rates = "  ".join(f"x{r}: {sweep[defense, eps, r].success_rate:.0%}" for r in REPETITIONS)
    print(f"{setting_label(defense, eps):22s} first extracted at {first[setting_label(defense, eps)]}  ({rates})")
# Without a defense the attack needs the fewest copies (no defense needs fewer)...
assert all(v is None or v >= first["none"] for v in first.values())
# ...and DP-SGD at epsilon = 1 kept every PIN of every seed from being extracted, even at 20 copies.
assert first["dp_sgd (epsilon=1)"] is None
answer = first["none"]
