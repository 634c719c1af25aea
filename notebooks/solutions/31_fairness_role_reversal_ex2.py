# Exercise 2: the lowest-polarity student whose perplexity is within 2 % of the plain student's.
from trustlab.fairness.counterfactual.role_reversal_sweep import sweep_table

table = sweep_table(seed=0)  # seed means and 95 % half-widths (`_ci`) over 5 seeds
students = table[table["mode"] != "teacher"]
plain = students[(students["mode"] == "none") & (students["swap_ratio"] == 0.0)].iloc[0]
ok = students[students["perplexity"] <= 1.02 * plain["perplexity"]]
best = ok.loc[ok["mean_abs_polarity"].idxmin()]
print(f"plain student: |polarity|={plain['mean_abs_polarity']:.3f}, perplexity={plain['perplexity']:.3f}")
print(f"best within 2 %: mode={best['mode']} swap_ratio={best['swap_ratio']:.2f} "
      f"|polarity|={best['mean_abs_polarity']:.3f}±{best['mean_abs_polarity_ci']:.3f}, "
      f"perplexity={best['perplexity']:.3f}")
# Students whose interval reaches the best one's are within seed noise of it: all are answers.
top = best["mean_abs_polarity"] + best["mean_abs_polarity_ci"]
tied = ok[ok["mean_abs_polarity"] - ok["mean_abs_polarity_ci"] <= top]
print("within seed noise of it:", ", ".join(f"{m} {r:.2f}" for m, r in zip(tied["mode"], tied["swap_ratio"])))
assert best["perplexity"] <= 1.02 * plain["perplexity"]
assert (ok["mean_abs_polarity"] >= best["mean_abs_polarity"]).all()
answer = (best["mode"], float(best["swap_ratio"]))
