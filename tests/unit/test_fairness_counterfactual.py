"""swap_gender on a table of tricky sentences, the shipped lexicon, and augment."""

import json

import pytest

from trustlab.data import data_dir
from trustlab.fairness.counterfactual.swaps import augment, gender_lexicon, swap_gender, tokenize

TRICKY = [
    # case is kept: lower, Title and UPPER
    ("he said she was late", "she said he was late"),
    ("He said She was late", "She said He was late"),
    ("HE SAID SHE WAS LATE", "SHE SAID HE WAS LATE"),
    # punctuation and quotes stay where they were
    ('"Is he here?" she asked, smiling.', '"Is she here?" he asked, smiling.'),
    ("Mother—and father!—came.", "Father—and mother!—came."),
    # possessives and contractions
    ("The king's crown; the queen's.", "The queen's crown; the king's."),
    ("He's sure he'll win.", "She's sure she'll win."),
    ("The men's room", "The women's room"),
    # her -> his (before a content word) / him (otherwise)
    ("I saw her.", "I saw him."),
    ("I gave her the book yesterday.", "I gave him the book yesterday."),
    ("Her own car is red.", "His own car is red."),
    ("We went with her to the park.", "We went with him to the park."),
    ("I like her, and her dog.", "I like him, and his dog."),
    # his -> her (before a content word) / hers (otherwise)
    ("His keys are on the table.", "Her keys are on the table."),
    ("The keys are his.", "The keys are hers."),
    ("The keys are hers.", "The keys are his."),
    ("She hurt herself; he hurt himself.", "He hurt himself; she hurt herself."),
    ("him", "her"),
    # nouns and titles, including Bolukbasi's reversed pairs
    ("Their wives and husbands", "Their husbands and wives"),
    ("My girlfriend, her boyfriend", "My boyfriend, his girlfriend"),
    ("Mr. Smith met Mrs. Jones", "Ms. Smith met Mr. Jones"),
    ("the actress and the waiter", "the actor and the waitress"),
    ("The chairman's daughter", "The chairwoman's son"),
    # words that must not change
    ("history of the shell company", "history of the shell company"),
    ("The manager sheltered them at the theatre.", "The manager sheltered them at the theatre."),
    ("Hermes, heritage, mandate, human, Sheffield", "Hermes, heritage, mandate, human, Sheffield"),
    ("testosterone and estrogen", "testosterone and estrogen"),
    ("", ""),
]

NAMES = [
    ("Mary met her husband.", "John met his wife."),
    ("Sheila said he's here.", "Talbert said she's here."),
    # names that are also words are left alone, wherever they are
    ("Will Rose sell the shell?", "Will Rose sell the shell?"),
]


@pytest.mark.parametrize("text, expected", TRICKY)
def test_tricky_sentences(text, expected):
    assert swap_gender(text) == expected


@pytest.mark.parametrize("text, expected", NAMES)
def test_names_are_swapped_only_on_request(text, expected):
    assert swap_gender(text, swap_names=True) == expected
    assert "Sheila" in swap_gender("Sheila said he's here.")


@pytest.mark.parametrize("text, _", TRICKY[:8] + TRICKY[18:20] + TRICKY[21:23])
def test_swapping_twice_gives_the_text_back_when_unambiguous(text, _):
    assert swap_gender(swap_gender(text)) == text


def test_titles_are_not_a_bijection():
    # Mrs -> Mr -> Ms: the marital title cannot be recovered (a documented limitation).
    assert swap_gender(swap_gender("Mrs. Jones")) == "Ms. Jones"


def test_tokenize_round_trips():
    text = "  Her dog's bone—\"chewed\" (twice)!\n"
    assert "".join(tokenize(text)) == text


def test_lexicon_fixes_bolukbasis_reversed_pairs():
    data = json.loads((data_dir() / "gender_swap.json").read_text())
    assert ["wives", "husbands"] in data["equalize_pairs"]
    assert ["ex_girlfriend", "ex_boyfriend"] in data["equalize_pairs"]
    pairs, names, word_like = gender_lexicon()
    assert pairs["wives"] == "husbands" and pairs["husbands"] == "wives"
    assert {"Will", "Rose", "Mark", "May"} <= word_like and "Will" not in names
    assert "Shell" not in names  # on both name lists, so dropped
    assert data["occupation_female_percent"]["nurse"] == 90


def test_bad_inputs():
    with pytest.raises(TypeError, match="text"):
        swap_gender(None)
    with pytest.raises(TypeError, match="swap_names"):
        swap_gender("he", swap_names="yes")
    with pytest.raises(ValueError, match="swap_ratio"):
        augment(["he"], swap_ratio=1.5)


def test_augment_adds_swapped_copies_of_a_seeded_share():
    data = [(f"he is number {i}", i) for i in range(10)]
    half = augment(data, swap_ratio=0.5, seed=3)
    assert len(half) == 15 and half[:10] == data
    for text, label in half[10:]:
        assert text == f"she is number {label}"
    assert half == augment(data, swap_ratio=0.5, seed=3)
    assert half != augment(data, swap_ratio=0.5, seed=4)
    assert augment(data, 0.0) == data
    assert len(augment(data, 1.0)) == 20
