# Exercise 2: a smaller gap from a model that finds fewer high earners (levelling down?);
# with five seeds the TPRs' intervals overlap: read the means as a pattern, not an effect.
from trustlab.capstone import compare_points, compute_tradeoff

skewed = compute_tradeoff(1.0, 100, 0.3, 0.0).point
iid = compute_tradeoff(1.0, 100, 100.0, 0.0).point
for name, p in (("skewed", skewed), ("IID", iid)):
    ci = {n: p.interval(n).format(seeds=False) for n in ("accuracy", "tpr_female", "tpr_male", "tpr_gap")}
    print(f"{name:<6}: accuracy {ci['accuracy']}, TPR women {ci['tpr_female']}, men {ci['tpr_male']}, "
          f"gap {ci['tpr_gap']}")
for n in ("tpr_female", "tpr_male"):
    print("IID vs skewed:", compare_points(iid, skewed, n))
assert skewed.tpr_gap < iid.tpr_gap and skewed.tpr_male < iid.tpr_male / 2
answer = skewed.tpr_male
