"""A template corpus whose profession–pronoun statistics follow real occupational gender shares.

Each sentence names an occupation and refers to its holder with "she"/"her" with probability
equal to the share of women in that occupation (US Bureau of Labor Statistics figures shipped in
``datasets/gender_swap.json``), else "he"/"his"; template bios describe the work without naming
it, as in the Bios-bias benchmark (De-Arteaga et al. 2019). Everything is seeded and small.
"""

from __future__ import annotations

import functools
import json

from trustlab._random import numpy_rng
from trustlab._validate import check_bool, check_int, check_number
from trustlab.data import data_dir

__all__ = ["CUES", "HE_WORDS", "SHE_WORDS", "bios", "female_share", "lm_corpus",
           "polarity_prompts"]

#: Work words of each occupation (hand-written); bios use them instead of the job title.
CUES = {
    "carpenter": ("wood", "saw", "cabinet"), "laborer": ("shovel", "site", "bricks"),
    "driver": ("truck", "route", "highway"), "sheriff": ("county", "deputies", "arrest"),
    "developer": ("code", "software", "bugs"), "farmer": ("crops", "tractor", "cattle"),
    "guard": ("gate", "patrol", "badge"), "janitor": ("mop", "floors", "hallway"),
    "lawyer": ("court", "clients", "contracts"), "cook": ("kitchen", "stove", "recipes"),
    "physician": ("patients", "clinic", "diagnosis"), "ceo": ("company", "board", "shareholders"),
    "analyst": ("data", "reports", "forecasts"), "manager": ("team", "budget", "meetings"),
    "salesperson": ("customers", "deals", "store"), "editor": ("manuscripts", "articles", "deadlines"),
    "accountant": ("taxes", "ledger", "audits"), "writer": ("novel", "stories", "chapters"),
    "baker": ("bread", "oven", "pastries"), "clerk": ("forms", "files", "counter"),
    "cashier": ("register", "change", "receipts"), "teacher": ("students", "classroom", "lessons"),
    "librarian": ("books", "catalog", "library"), "nurse": ("patients", "ward", "medication"),
    "receptionist": ("phones", "visitors", "appointments"),
    "housekeeper": ("laundry", "rooms", "dusting"), "secretary": ("letters", "calendar", "typing"),
}
HE_WORDS = ("he", "his")
SHE_WORDS = ("she", "her")
_VERBS = ("checked", "liked", "needed", "found", "moved")
_ADJ = ("new", "busy", "large", "old")


@functools.lru_cache(maxsize=1)
def female_share() -> dict:
    """Share of women (0..1) per occupation of :data:`CUES`, from the shipped BLS table.

    >>> female_share()["carpenter"], female_share()["nurse"]
    (0.02, 0.9)
    """
    table = json.loads((data_dir() / "gender_swap.json").read_text())["occupation_female_percent"]
    return {occ: table[occ] / 100 for occ in CUES}


def lm_corpus(n_per_occupation=60, *, seed=0) -> list:
    """Sentences (lists of lowercase words) about each occupation; pronouns follow its share.

    >>> corpus = lm_corpus(2, seed=0)
    >>> len(corpus), " ".join(corpus[0])
    (54, 'the carpenter said that he liked the saw .')
    """
    check_int("n_per_occupation", n_per_occupation, 1, 10_000)
    rng = numpy_rng(seed)
    shares = female_share()
    out = []
    for occ, cues in CUES.items():
        for i in range(n_per_occupation):
            she = rng.random() < shares[occ]
            subj, poss = ("she", "her") if she else ("he", "his")
            cue = cues[int(rng.integers(len(cues)))]
            if i % 3 == 0:
                verb = _VERBS[int(rng.integers(len(_VERBS)))]
                words = f"the {occ} said that {subj} {verb} the {cue} ."
            elif i % 3 == 1:
                words = f"the {occ} finished {poss} {cue} early ."
            else:  # the work word precedes the job title, so its embedding learns the job
                words = f"{subj} needed the {cue} of the {occ} ."
            out.append(words.split())
    return out


def polarity_prompts(occupation) -> list:
    """Prompts whose next word is a pronoun in the corpus: ``["the nurse said that", ...]``."""
    if occupation not in CUES:
        raise ValueError(f"occupation must be one of {sorted(CUES)}, got {occupation!r}")
    return [f"the {occupation} said that".split(), f"the {occupation} finished".split()]


def bios(n_per_occupation=40, cue_noise=0.5, *, balanced=False, seed=0):
    """Template bios ``(words, occupation, gender)`` that describe the work without naming it.

    Each bio has three work words: each is one of the occupation's cues, or with probability
    ``cue_noise`` a cue of a random other occupation, so gender words can help a classifier guess.
    Gender follows the occupation's share, or is 50/50 with ``balanced=True`` (test sets).

    >>> words, occ, gender = bios(1, seed=0)[0]
    >>> occ, gender, " ".join(words)
    ('carpenter', 'male', 'he found the court and the bugs every day . his saw is old .')
    """
    check_int("n_per_occupation", n_per_occupation, 1, 10_000)
    cue_noise = check_number("cue_noise", cue_noise, 0, 1)
    check_bool("balanced", balanced)
    rng = numpy_rng(seed)
    shares = female_share()
    names = list(CUES)
    out = []
    for occ in names:
        for _ in range(n_per_occupation):
            female = rng.random() < (0.5 if balanced else shares[occ])
            subj, poss = ("she", "her") if female else ("he", "his")
            cues = []
            for _ in range(3):
                src = names[int(rng.integers(len(names)))] if rng.random() < cue_noise else occ
                cues.append(CUES[src][int(rng.integers(3))])
            verb, adj = _VERBS[int(rng.integers(len(_VERBS)))], _ADJ[int(rng.integers(len(_ADJ)))]
            text = (f"{subj} {verb} the {cues[0]} and the {cues[1]} every day . "
                    f"{poss} {cues[2]} is {adj} .")
            out.append((text.split(), occ, "female" if female else "male"))
    return out
