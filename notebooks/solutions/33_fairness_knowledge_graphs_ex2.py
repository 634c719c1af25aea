# Exercise 2: the smallest KL weight whose probe is at the majority baseline (within 0.03).
from trustlab.fairness.kg.sweep import KL_WEIGHTS, kg_bias_sweep
from trustlab.stats import format_ci

sweep = kg_bias_sweep(seed=0)
plain = sweep[(0.0, 0.0)]
at_baseline = [w for w in KL_WEIGHTS
               if abs(sweep[(w, 0.0)].probe.mean() - sweep[(w, 0.0)].majority) <= 0.03]
smallest = min(at_baseline)
chosen = sweep[(smallest, 0.0)]
print(f"w_KL=0: MRR={format_ci(plain.mrr, 2)}  probe={format_ci(plain.probe, 2)}")
print(f"smallest w_KL with the probe at the majority baseline ({chosen.majority:.2f}): "
      f"w_KL={smallest:g}: MRR={format_ci(chosen.mrr, 2)}  probe={format_ci(chosen.probe, 2)}")
assert all(abs(sweep[(w, 0.0)].probe.mean() - chosen.majority) > 0.03 for w in KL_WEIGHTS if w < smallest)
answer = smallest
