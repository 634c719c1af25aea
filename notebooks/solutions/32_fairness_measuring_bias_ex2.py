# Exercise 2: the TPR gap of the occupation classifier as the training bios get more stereotyped.
from trustlab.fairness.text.bios import compute_occupation_bias

gaps = {}
for share in (0.5, 0.7, 0.9):
    result = compute_occupation_bias(stereotype_share=share, seed=0)
    gaps[share] = result.rms_gap
    print(result.summary())
print("TPR gap RMS by stereotype share:", {k: round(v, 3) for k, v in gaps.items()})
assert gaps[0.9] > gaps[0.7] > gaps[0.5]
answer = [gaps[s] for s in (0.5, 0.7, 0.9)]
