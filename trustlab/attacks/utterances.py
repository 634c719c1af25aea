"""Template utterances for a voice assistant: alarm, call, weather, music, timer, reminder.

The kit's reading of the NLU setting of Parikh et al., "Canary extraction in natural language
understanding models" (ACL 2022): commands are generated from templates with seeded
randomness and numbers are spelled out ("call five five five ..."), so a planted phone number
is a sequence of :data:`DIGITS` words. :mod:`trustlab.attacks.nlu` trains a model on them.
"""

from __future__ import annotations

from trustlab._random import numpy_rng
from trustlab._validate import check_int

__all__ = ["DIGITS", "INTENTS", "make_utterances"]

DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NAMES = ("anna", "bob", "carlos", "dana", "eve", "farid", "grace", "hiro", "ines", "jon", "mum", "dad")
_CITIES = ("boston", "chicago", "seattle", "paris", "berlin", "tokyo", "lima", "cairo", "delhi", "oslo")
_ARTISTS = ("adele", "queen", "abba", "beyonce", "coldplay", "drake", "shakira", "mozart")
_GENRES = ("jazz", "rock", "pop", "classical", "blues", "reggae")
_HOURS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve")
_MINUTES = ("", "fifteen", "thirty", "forty five", "o five")
_TASKS = ("buy milk", "call the bank", "water the plants", "pay rent", "feed the cat", "book a table")
_DAYS = ("today", "tomorrow", "on monday", "on friday", "this weekend")
#: intent -> templates; {x} fields are filled from the lists above.
INTENTS = {
    "set_alarm": ["set an alarm for {time}", "wake me up at {time}", "alarm at {time} {day}"],
    "call": ["call {name}", "phone {name} please", "call {number}", "dial {number}"],
    "weather": ["what is the weather in {city}", "will it rain in {city} {day}",
                "how cold is it in {city}"],
    "play_music": ["play {artist}", "play some {genre} music", "put on {genre} by {artist}"],
    "set_timer": ["set a timer for {digit} minutes", "start a {digit} minute timer"],
    "reminder": ["remind me to {task} {day}", "remind me to {task} at {time}"],
}


def _fill(template, rng):
    def pick(options):
        return options[rng.integers(len(options))]

    values = {
        "time": f"{pick(_HOURS)} {pick(_MINUTES)}".strip(), "day": pick(_DAYS), "name": pick(_NAMES),
        "number": " ".join(pick(DIGITS) for _ in range(7)), "city": pick(_CITIES),
        "artist": pick(_ARTISTS), "genre": pick(_GENRES), "digit": pick(_HOURS), "task": pick(_TASKS),
    }
    return " ".join(template.format(**values).split())


def make_utterances(n=2000, *, seed=0) -> tuple[list, list]:
    """``(utterances, intents)``: ``n`` template-generated commands, intents drawn uniformly.

    >>> make_utterances(2, seed=0)
    (['remind me to pay rent at four fifteen', 'put on reggae by adele'], ['reminder', 'play_music'])
    """
    n = check_int("n", n, 1)
    rng = numpy_rng(seed)
    names = list(INTENTS)
    intents = [names[i] for i in rng.integers(len(names), size=n)]
    texts = [_fill(INTENTS[i][rng.integers(len(INTENTS[i]))], rng) for i in intents]
    return texts, intents
