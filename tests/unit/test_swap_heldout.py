"""swap_gender on held-out sentences (issue 15): the score, and exactly which sentences fail.

The known failures are listed so that a change that fixes one or breaks another shows here;
the sets themselves and their history are described in ``trustlab/fairness/counterfactual/heldout.py``.
"""

import pytest

from trustlab.fairness.counterfactual.heldout import FRESH, HELD_OUT, score_swaps
from trustlab.fairness.counterfactual.swaps import swap_gender

#: Sentences the kit's rules get wrong, with what they produce instead.
KNOWN_FAILURES = {
    # "made her captain": an object complement, not a bare verb; the rule reads "her" as possessive.
    "They made her captain.": "They made his captain.",
    # bride -> groom (the shipped pair) where the annotator wrote "bridegroom": both are right.
    "The bridegroom kissed the bride.": "The bride kissed the groom.",
    # "madam" -> "sir" (the shipped pair); as a form of address before a title it is "Mister".
    "Madam Chair, may I speak?": "Sir Chair, may I speak?",
}


@pytest.mark.parametrize("text, expected, category", HELD_OUT + FRESH)
def test_held_out_sentence(text, expected, category):
    got = swap_gender(text)
    if text in KNOWN_FAILURES:
        assert got == KNOWN_FAILURES[text] != expected
    else:
        assert got == expected, category


def test_scores_and_set_sizes():
    assert len(HELD_OUT) >= 60 and len(FRESH) >= 20
    categories = {c for _, _, c in HELD_OUT}
    assert categories == {"pronoun", "title", "kinship", "occupation", "case", "substring"}
    assert score_swaps(HELD_OUT)[:2] == (70, 72) and score_swaps(FRESH)[:2] == (23, 24)
    assert {t for t, _, _ in score_swaps()[2]} == set(KNOWN_FAILURES)
    with pytest.raises(TypeError, match="rows"):
        score_swaps("x")
