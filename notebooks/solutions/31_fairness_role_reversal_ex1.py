# Exercise 1: a sentence where the "her" rule picks the wrong pronoun.
# The rule reads "her" as possessive when a noun-like content word follows (and no perception
# or causative verb + bare verb surrounds it). In "They made her captain", "her" is the object of
# "made" and "captain" its complement (-> "him"), but "captain" is a noun, so the rule says "his".
from trustlab.fairness import swap_gender

text = "They made her captain."
swapped = swap_gender(text)
print(f"{text} -> {swapped}   (correct: They made him captain.)")
assert swapped == "They made his captain."
answer = (text, "They made him captain.")
