"""Held-out sentences for ``swap_gender``: what a careful annotator writes as the counterfactual.

Set A (``HELD_OUT``) was written before ``swap_gender`` was changed for issue 15, and measured
as it stood (59 of 72 right: 21/26 pronouns, 8/10 titles, 12/14
kinship terms, 10/14 occupations and compounds, 5/5 capitalisation, 3/3 substrings); the changes were then made to fix the general causes behind its
failures, so its "after" score is optimistic. Set B (``FRESH``) was written after those changes
and used for nothing but the measurement: it is the honest estimate of how the rules
generalise. Each row is ``(text, expected swap, category)``; names are not swapped
(``swap_names=False``). ``tests/unit/test_swap_heldout.py`` checks the scores.
"""

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
FRESH = []
