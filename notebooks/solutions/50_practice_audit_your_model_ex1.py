# Exercise 1: which age group of the German credit audit is too small to judge?
from trustlab.audit.examples import compute_table_audit

german_by_age = compute_table_audit("german_credit", "age_group", seed=0)
print(german_by_age.audit.by_group.loc["age_group", ["count", "selection_rate"]].round(3).to_string())
for warning in german_by_age.audit.warnings:
    print("warning:", warning)
small = [w.split(":")[0].split("=")[1] for w in german_by_age.audit.warnings if " rows (fewer than " in w]
assert small == ["60+"]
counts = german_by_age.audit.by_group.loc["age_group", "count"]
assert counts["60+"] < 30 <= counts.drop("60+").min()
answer = small[0]
