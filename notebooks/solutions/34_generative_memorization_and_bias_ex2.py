# Exercise 2: does a low sampling temperature amplify the teacher's stereotype?
from trustlab.fairness.counterfactual.corpus import female_share
from trustlab.lm import generate
from trustlab.lm.bias import classify_gender
from trustlab.lm.bias_sweep import prepare_bias

tokenizer, corpus, heldout, teacher = prepare_bias(0)
shares = {}
for temperature in (0.5, 1.0, 2.0):
    labels = [classify_gender(t) for t in generate(teacher, tokenizer, "the nurse said that",
                                                    n_samples=200, temperature=temperature, seed=0)]
    shares[temperature] = labels.count("female") / (labels.count("female") + labels.count("male"))
    print(f"temperature={temperature}: female share {shares[temperature]:.3f}")
print(f"share of women among nurses (BLS): {female_share()['nurse']:.2f}")
assert shares[0.5] > shares[2.0]
answer = shares[0.5]
