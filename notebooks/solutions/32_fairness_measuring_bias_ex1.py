# Exercise 1: WEAT's sign follows the order of the attribute sets; mitigation strength vs d.
from trustlab.fairness.text.embeddings import mitigate_projection, weat_test
from trustlab.fairness.text.words import load_gender_words

gw = load_gender_words()
X, Y, male, female = gw.weat["math_arts"]
d = weat_test(gw.vec, (X, Y, male, female))
d_swapped = weat_test(gw.vec, (X, Y, female, male))
print(f"math/arts: d = {d:+.2f} with (male, female), {d_swapped:+.2f} with (female, male)")
assert abs(d + d_swapped) < 1e-9 and d > 0

gender_terms = set(male["words"]) | set(female["words"])
for strength in (0.0, 0.25, 0.5, 0.75, 1.0):
    def lookup(words):
        if set(words) <= gender_terms:  # the attribute sets keep their gender
            return gw.vec(words)
        return mitigate_projection(gw.vec(words), gw.direction, strength)
    career = weat_test(lookup, gw.weat["career_family"])
    if career < 0.5:
        break
print(f"career/family d drops below 0.5 at strength {strength} (d = {career:+.2f})")
assert career < 0.5 and strength > 0
answer = strength
