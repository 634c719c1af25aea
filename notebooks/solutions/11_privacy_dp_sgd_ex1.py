# Exercise 1: at the same budget (epsilon = 3), does a larger expected batch help DP-SGD?
# Opacus picks the noise multiplier sigma for each batch size; what reaches the model is the
# noise on the *averaged* gradient, sigma * C / B, and the number of steps, epochs / q.
from trustlab.data import load_digits
from trustlab.privacy import train_dp, train_dp_many
from trustlab.stats import separated

digits = load_digits(seed=0)
runs = {b: train_dp(digits, target_epsilon=3.0, batch_size=b, compare_plain=False, seed=0)
        for b in (64, 256)}
for b, r in runs.items():
    print(f"batch {b:3d}: sigma={r.noise_multiplier:.2f}  noise on the mean gradient "
          f"sigma*C/B={r.noise_multiplier * r.max_grad_norm / b:.4f}  steps={r.steps}  "
          f"epsilon={r.epsilon:.2f}  test acc={r.test_accuracy:.3f} (seed 0)")
small, large = runs[64], runs[256]
assert small.epsilon <= 3.0 and large.epsilon <= 3.0
# Larger batches need a larger sigma, but the noise per averaged gradient still shrinks:
assert large.noise_multiplier > small.noise_multiplier
assert large.noise_multiplier / 256 < small.noise_multiplier / 64
# Which model is better? One seed cannot say: compare ten seeds (batched, same runs per seed).
many = {b: train_dp_many(digits, target_epsilon=3.0, batch_size=b, compare_plain=False, seeds=range(10))
        for b in (64, 256)}
for b, r in many.items():
    print(f"batch {b:3d}: {r.summary()}")
verdict = "an effect" if separated(many[64].test_accuracies, many[256].test_accuracies) else \
    "no measurable difference at this size"
print("batch 256 vs 64 at epsilon = 3, ten seeds:", verdict)
answer = large.noise_multiplier
