# Exercise 2: the smallest adversarial weight λ that hides gender from the linear probe.
from trustlab.fairness.kg.bias import NEUTRALITIES, kg_bias_sweep

sweep = kg_bias_sweep(seed=0)
plain = sweep[(0.0, 0.0)]
hiding = [lam for lam in NEUTRALITIES if sweep[(lam, 0.0)].gender_probe < 0.6]
smallest = min(hiding)
chosen = sweep[(smallest, 0.0)]
print(f"λ=0: bias={plain.bias:.3f} Hits@10={plain.hits10:.3f} probe={plain.gender_probe:.2f}")
print(f"smallest λ with probe < 0.6: λ={smallest:g}: bias={chosen.bias:.3f} "
      f"Hits@10={chosen.hits10:.3f} probe={chosen.gender_probe:.2f}")
assert all(sweep[(lam, 0.0)].gender_probe >= 0.6 for lam in NEUTRALITIES if lam < smallest)
answer = smallest
