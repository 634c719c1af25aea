"""Held-out sentences for ``swap_gender``: what a careful annotator writes as the counterfactual.

Set A (``HELD_OUT``) was written before ``swap_gender`` was changed for issue 15, and measured
as it stood (59 of 72 right: 21/26 pronouns, 8/10 titles, 12/14
kinship terms, 10/14 occupations and compounds, 5/5 capitalisation, 3/3 substrings); the changes were then made to fix the general causes behind its
failures, so its "after" score (70 of 72) is optimistic. Set B (``FRESH``, 24 sentences) was
written after those changes and used for nothing but the measurement: 14 of 24 before the
changes, 23 of 24 after. Both sets were written by the person who wrote the rules; a set
annotated by someone else would be the stronger test. Each row is ``(text, expected swap, category)``; names are not swapped
(``swap_names=False``). ``tests/unit/test_swap_heldout.py`` checks the scores; notebook 31
prints them with :func:`score_swaps`.
"""

from __future__ import annotations

__all__ = ["FRESH", "HELD_OUT", "SwapScore", "score_swaps"]

HELD_OUT = [
    # pronouns: he/him/his vs she/her/hers, incl. the her -> his/him and his -> her/hers ambiguity
    ("He thanked her.", "She thanked him.", "pronoun"),
    ("She thanked him.", "He thanked her.", "pronoun"),
    ("That coat is hers, not his.", "That coat is his, not hers.", "pronoun"),
    ("His coat is blue and hers is red.", "Her coat is blue and his is red.", "pronoun"),
    ("Is this pen his?", "Is this pen hers?", "pronoun"),
    ("She lost her keys.", "He lost his keys.", "pronoun"),
    ("They asked her about her new job.", "They asked him about his new job.", "pronoun"),
    ("Tell her I called.", "Tell him I called.", "pronoun"),
    ("I met her mother yesterday.", "I met his father yesterday.", "pronoun"),
    ("He gave her a kiss.", "She gave him a kiss.", "pronoun"),
    ("He sent her his letters.", "She sent him her letters.", "pronoun"),
    ("The decision was his alone.", "The decision was hers alone.", "pronoun"),
    ("The choice is his to make.", "The choice is hers to make.", "pronoun"),
    ("His is the red one.", "Hers is the red one.", "pronoun"),
    ("Everyone did his best.", "Everyone did her best.", "pronoun"),
    ("She did it herself.", "He did it himself.", "pronoun"),
    ("He introduced himself to her.", "She introduced herself to him.", "pronoun"),
    ("I saw him and his sister at the game.", "I saw her and her brother at the game.", "pronoun"),
    ("Her, of all people!", "Him, of all people!", "pronoun"),
    ("It was hers.", "It was his.", "pronoun"),
    ("He said the idea was his, not hers.", "She said the idea was hers, not his.", "pronoun"),
    ("Whose is it? His.", "Whose is it? Hers.", "pronoun"),
    ("A friend of his came.", "A friend of hers came.", "pronoun"),
    ("I heard her sing.", "I heard him sing.", "pronoun"),
    ("They made her captain.", "They made him captain.", "pronoun"),
    ("We saw her leave early.", "We saw him leave early.", "pronoun"),
    # titles
    ("Mr. Brown will see you now.", "Ms. Brown will see you now.", "title"),
    ("Mrs. Brown will see you now.", "Mr. Brown will see you now.", "title"),
    ("Ms. Lee is the new chair.", "Mr. Lee is the new chair.", "title"),
    ("Sir, your table is ready.", "Madam, your table is ready.", "title"),
    ("The Duke and Duchess arrived.", "The Duchess and Duke arrived.", "title"),
    ("The king addressed his subjects.", "The queen addressed her subjects.", "title"),
    ("Lord Byron wrote poems.", "Lady Byron wrote poems.", "title"),
    ("The headmaster praised the boys.", "The headmistress praised the girls.", "title"),
    ("Ladies and gentlemen, welcome.", "Gentlemen and ladies, welcome.", "title"),
    ("The prince married a commoner.", "The princess married a commoner.", "title"),
    # kinship terms
    ("My brother-in-law is visiting.", "My sister-in-law is visiting.", "kinship"),
    ("Her grandson visits every Sunday.", "His granddaughter visits every Sunday.", "kinship"),
    ("His stepmother raised him.", "Her stepfather raised her.", "kinship"),
    ("The twins' mother and father both work.", "The twins' father and mother both work.",
     "kinship"),
    ("My aunt and uncle live nearby.", "My uncle and aunt live nearby.", "kinship"),
    ("Her niece is a doctor.", "His nephew is a doctor.", "kinship"),
    ("Their son and daughter are grown.", "Their daughter and son are grown.", "kinship"),
    ("He is a devoted husband and father.", "She is a devoted wife and mother.", "kinship"),
    ("Grandpa told stories to his grandchildren.", "Grandma told stories to her grandchildren.",
     "kinship"),
    ("Dad picked up the kids.", "Mom picked up the kids.", "kinship"),
    ("My sisters and brothers came.", "My brothers and sisters came.", "kinship"),
    ("She is an only child; her parents spoil her.", "He is an only child; his parents spoil him.",
     "kinship"),
    ("The bridegroom kissed the bride.", "The bride kissed the bridegroom.", "kinship"),
    ("His fiancée is French.", "Her fiancé is French.", "kinship"),
    # occupations and gendered compounds
    ("The policeman helped the old lady.", "The policewoman helped the old gentleman.",
     "occupation"),
    ("The chairwoman opened the meeting.", "The chairman opened the meeting.", "occupation"),
    ("A spokesman for the company declined to comment.",
     "A spokeswoman for the company declined to comment.", "occupation"),
    ("The fireman carried her out.", "The firewoman carried him out.", "occupation"),
    ("Businessmen and businesswomen met.", "Businesswomen and businessmen met.", "occupation"),
    ("The waitress brought his soup.", "The waiter brought her soup.", "occupation"),
    ("She is an actress and a mother.", "He is an actor and a father.", "occupation"),
    ("The salesman showed her the car.", "The saleswoman showed him the car.", "occupation"),
    ("The congressman voted no.", "The congresswoman voted no.", "occupation"),
    ("My landlady raised the rent.", "My landlord raised the rent.", "occupation"),
    ("The nurse said he would be late.", "The nurse said she would be late.", "occupation"),
    ("The stewardess served the men.", "The steward served the women.", "occupation"),
    ("The cameraman filmed the sportsmen.", "The camerawoman filmed the sportswomen.",
     "occupation"),
    ("A schoolgirl found the lost puppy.", "A schoolboy found the lost puppy.", "occupation"),
    # capitalisation
    ("SHE WON.", "HE WON.", "case"),
    ("He And She", "She And He", "case"),
    ("HIS BOOK IS HERE.", "HER BOOK IS HERE.", "case"),
    ("Was it HER?", "Was it HIM?", "case"),
    ("KING AND QUEEN", "QUEEN AND KING", "case"),
    # words that only contain a gendered substring
    ("The shepherd sheltered the sheep.", "The shepherd sheltered the sheep.", "substring"),
    ("Manhattan has many manholes.", "Manhattan has many manholes.", "substring"),
    ("Emanuel sang hymns in the hermitage; the menu listed mushrooms.",
     "Emanuel sang hymns in the hermitage; the menu listed mushrooms.", "substring"),
]

#: Written after the changes, used only to measure them (see the module docstring).
FRESH = [
    ("She promised him her old bicycle.", "He promised her his old bicycle.", "pronoun"),
    ("The umbrella must be hers.", "The umbrella must be his.", "pronoun"),
    ("Nobody but his wife knew.", "Nobody but her husband knew.", "pronoun"),
    ("We watched her swim across the lake.", "We watched him swim across the lake.", "pronoun"),
    ("That was a decision of hers.", "That was a decision of his.", "pronoun"),
    ("Ask him whether the car is his.", "Ask her whether the car is hers.", "pronoun"),
    ("I owe her an apology.", "I owe him an apology.", "pronoun"),
    ("His own mother called her.", "Her own father called him.", "pronoun"),
    ("The Baroness thanked the Baron.", "The Baron thanked the Baroness.", "title"),
    ("Madam Chair, may I speak?", "Mister Chair, may I speak?", "title"),
    ("Mrs. Patel and Mr. Patel", "Mr. Patel and Ms. Patel", "title"),
    ("His godmother sent a card.", "Her godfather sent a card.", "kinship"),
    ("My stepbrother and my half-sister", "My stepsister and my half-brother", "kinship"),
    ("The widow's sons sold the farm.", "The widower's daughters sold the farm.", "kinship"),
    ("Her great-grandmother was a nurse.", "His great-grandfather was a nurse.", "kinship"),
    ("The mailman left a parcel for the chairwoman.",
     "The mailwoman left a parcel for the chairman.", "occupation"),
    ("The weatherman said the hostess was late.", "The weatherwoman said the host was late.",
     "occupation"),
    ("A councilwoman and two policemen", "A councilman and two policewomen", "occupation"),
    ("The anchorman interviewed the congresswomen.", "The anchorwoman interviewed the congressmen.",
     "occupation"),
    ("HER SON IS A FIREMAN.", "HIS DAUGHTER IS A FIREWOMAN.", "case"),
    ("Queen's Gambit", "King's Gambit", "case"),
    ("The German woman met a Roman man.", "The German man met a Roman woman.", "substring"),
    ("Humans manage the theme park.", "Humans manage the theme park.", "substring"),
    ("Sherlock and Hermione sheathed their swords.", "Sherlock and Hermione sheathed their swords.",
     "substring"),
]


class SwapScore(tuple):
    """``(right, total, failures)`` of :func:`swap_gender` on one set of sentences."""

    __slots__ = ()

    def __new__(cls, right, total, failures):
        return super().__new__(cls, (right, total, failures))

    def summary(self) -> str:
        """``70/72 right (97%)``."""
        right, total, _ = self
        return f"{right}/{total} right ({right / total:.0%})"


def score_swaps(rows=None) -> SwapScore:
    """How many of ``rows`` (default: set A then set B) ``swap_gender`` swaps exactly as written.

    >>> score_swaps(FRESH).summary()
    '23/24 right (96%)'
    """
    from trustlab.fairness.counterfactual.swaps import swap_gender

    rows = HELD_OUT + FRESH if rows is None else rows
    if not isinstance(rows, list) or not all(isinstance(r, tuple) and len(r) == 3 for r in rows):
        raise TypeError("rows must be a list of (text, expected swap, category) tuples")
    failures = [(t, swap_gender(t), e) for t, e, _ in rows if swap_gender(t) != e]
    return SwapScore(len(rows) - len(failures), len(rows), failures)
