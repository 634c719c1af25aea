"""What metric-DP rewriting costs: intent accuracy of a classifier trained on rewritten utterances.

The set-up follows Feyisetan, Balle, Drake & Diethe (WSDM 2020): privatize the training text with
the word-substitution mechanism, train a model on it, test it on ordinary text. The utterances
are generated here from templates with seeded randomness (seven voice-assistant intents), so
the experiment is small, offline and reproducible; the classifier is a bag-of-words logistic
regression (scikit-learn).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustlab._random import check_seeds, numpy_rng
from trustlab._validate import check_bool, check_int, check_number
from trustlab.cache import cached
from trustlab.stats import format_ci, mean_ci
from trustlab.privacy.text.rewriting import _check_epsilon, perturb_texts
from trustlab.privacy.text.vectors import load_word_vectors

__all__ = [
    "SWEEP_EPSILONS",
    "SWEEP_SEEDS",
    "UtilitySweep",
    "compute_intent_accuracy",
    "intent_accuracy",
    "intent_utterances",
    "utility_sweep",
]

_SLOTS = {
    "when": ["today", "tomorrow", "tonight", "this morning", "this evening", "this weekend", "next week"],
    "time": ["six", "seven", "eight", "nine", "noon", "midnight", "seven thirty"],
    "number": ["five", "ten", "twenty", "thirty", "fifteen"],
    "genre": ["jazz", "rock", "classical", "country", "pop", "blues", "dance"],
    "person": ["mom", "dad", "sister", "brother", "wife", "husband", "boss", "grandma", "friend"],
    "food": ["milk", "eggs", "bread", "butter", "cheese", "coffee", "pizza", "sausage", "apples", "rice"],
    "expert": ["doctor", "dentist", "lawyer", "teacher", "nurse", "surgeon"],
    "device": ["lights", "lamp", "radio", "tv", "fan", "oven", "computer"],
    "room": ["kitchen", "bedroom", "garage", "office", "basement"],
}
INTENTS = {
    "weather": ["what is the weather {when}", "will it rain {when}", "do i need an umbrella {when}",
                "how cold will it be {when}", "tell me the forecast for {when}", "is it windy outside"],
    "alarm": ["wake me up at {time}", "set an alarm for {time}", "set a timer for {number} minutes",
              "cancel my alarm for {time}", "change my alarm to {time} {when}"],
    "music": ["play some {genre} music", "play {genre} songs {when}", "turn the volume up",
              "play the next song", "shuffle my {genre} songs", "pause the music"],
    "call": ["call my {person}", "phone my {person} {when}", "send a message to my {person}",
             "text my {person} that i am late", "call my {expert} back"],
    "shopping": ["add {food} to my shopping list", "order some {food}", "buy {food} and {food}",
                 "do we need more {food}", "put {food} on the list"],
    "calendar": ["remind me to call the {expert} {when}", "book an appointment with the {expert} {when}",
                 "what is on my calendar {when}", "schedule a meeting with my {boss} {when}",
                 "move my meeting with the {expert} to {when}"],
    "home": ["turn on the {device} in the {room}", "turn off the {device}", "dim the lights in the {room}",
             "set the heating to {number} degrees", "is the {device} in the {room} on"],
}
_SLOTS["boss"] = ["boss", "team", "manager", "client"]

#: The ε grid of the cached sweep (and of the explorer's slider), and its seeds.
SWEEP_EPSILONS = (10, 20, 30, 40, 50, 60, 70, 80, 100, 150)
SWEEP_SEEDS = (0, 1, 2, 3, 4)
SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"


def intent_utterances(n_per_intent=100, seed=0):
    """``(texts, labels)``: voice-assistant requests from templates, ``n_per_intent`` per intent.

    >>> texts, labels = intent_utterances(2, seed=0)
    >>> len(texts), texts[4], labels[4]
    (14, 'play some rock music', 'music')
    """
    n = check_int("n_per_intent", n_per_intent, 1)
    rng = numpy_rng(seed)
    texts, labels = [], []
    for intent, templates in INTENTS.items():
        for _ in range(n):
            text = templates[rng.integers(len(templates))]
            while "{" in text:
                slot = text[text.index("{") + 1:text.index("}")]
                values = _SLOTS[slot]
                text = text.replace("{" + slot + "}", values[rng.integers(len(values))], 1)
            texts.append(text)
            labels.append(intent)
    return texts, labels


def intent_accuracy(epsilon, n_train=150, n_test=100, seed=0) -> float:
    """Test accuracy of an intent classifier trained on utterances rewritten with ``epsilon``.

    ``epsilon=math.inf`` trains on the original text (the baseline). Test utterances are not
    rewritten: the question is what a model trained on privatized data still knows.

    >>> round(intent_accuracy(math.inf, n_train=30, n_test=20, seed=0), 2)
    1.0
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    plain = isinstance(epsilon, (int, float)) and math.isinf(epsilon) and epsilon > 0
    if not plain:
        epsilon = _check_epsilon(epsilon)
    n_train = check_int("n_train", n_train, 1)
    n_test = check_int("n_test", n_test, 1)
    rng = numpy_rng(seed)
    train_x, train_y = intent_utterances(n_train, seed=rng)
    test_x, test_y = intent_utterances(n_test, seed=rng)
    if not plain:
        train_x = perturb_texts(train_x, epsilon, seed=rng)
    vectorizer = CountVectorizer(token_pattern=r"[a-z]+")
    model = LogisticRegression(solver="newton-cg", max_iter=1000)  # lbfgs is ~20x slower here
    model.fit(vectorizer.fit_transform(train_x), train_y)
    return float(np.mean(model.predict(vectorizer.transform(test_x)) == np.array(test_y)))


@dataclass(frozen=True)
class UtilitySweep:
    """Intent accuracy against ε, one value per seed, with the no-rewriting baseline per seed."""

    epsilons: tuple
    accuracies: tuple  # one tuple per ε: the accuracy of each seed
    baselines: tuple  # the no-rewriting accuracy of each seed
    seeds: tuple
    seconds: float
    from_cache: bool = False

    @property
    def accuracy(self) -> tuple:
        """Mean accuracy over the seeds at each ε."""
        return tuple(mean_ci(a).mean for a in self.accuracies)

    @property
    def baseline(self) -> float:
        """Mean no-rewriting accuracy over the seeds."""
        return mean_ci(self.baselines).mean

    def interval(self, epsilon):
        """The accuracy's mean and 95 % interval over the seeds at a swept ε (:class:`~trustlab.stats.Interval`)."""
        for e, acc in zip(self.epsilons, self.accuracies):
            if math.isclose(e, _check_epsilon(epsilon)):
                return mean_ci(acc)
        raise ValueError(f"epsilon must be one of the swept values {list(self.epsilons)}, got {epsilon}")

    def at(self, epsilon) -> float:
        """Mean accuracy at a swept ε (exact lookup; ValueError names the swept values)."""
        return self.interval(epsilon).mean

    def summary(self) -> str:
        pairs = "  ".join(f"{e:g}:{format_ci(a, 2, seeds=False)}" for e, a in zip(self.epsilons, self.accuracies))
        return (f"intent accuracy by epsilon ({len(self.seeds)} seeds)  {pairs}  "
                f"(no rewriting: {format_ci(self.baselines, 2, seeds=False)})")


def utility_params(epsilons=SWEEP_EPSILONS, n_train=150, n_test=100, seeds=SWEEP_SEEDS) -> dict:
    """The cache-key parameters of :func:`utility_sweep` (includes a hash of the word vectors)."""
    vectors = load_word_vectors().vectors
    return {"epsilons": [float(e) for e in epsilons], "n_train": n_train, "n_test": n_test,
            "seeds": list(seeds), "vectors": hashlib.sha256(vectors.tobytes()).hexdigest()}


def compute_utility(epsilons=SWEEP_EPSILONS, n_train=150, n_test=100, seeds=SWEEP_SEEDS) -> dict:
    """Train and test the intent classifier at every ε and seed, live (about 0.5 s each)."""
    start = time.perf_counter()
    accuracy = [[intent_accuracy(e, n_train, n_test, s) for s in seeds] for e in epsilons]
    baseline = [intent_accuracy(math.inf, n_train, n_test, s) for s in seeds]
    return {"accuracy": accuracy, "baseline": baseline, "seconds": time.perf_counter() - start}


def _check_utility(value, n_epsilons, n_seeds) -> None:
    acc, base = value["accuracy"], value["baseline"]
    if len(acc) != n_epsilons or any(len(a) != n_seeds for a in acc) or len(base) != n_seeds:
        raise ValueError(f"expected {n_epsilons} x {n_seeds} accuracies and {n_seeds} baselines")
    for x in [*np.ravel(acc), *base]:
        check_number("accuracy", x, 0, 1)
    check_number("seconds", value["seconds"], 0)


def utility_sweep(epsilons=SWEEP_EPSILONS, n_train=150, n_test=100, seeds=SWEEP_SEEDS, *, cache=True):
    """:func:`intent_accuracy` for each ε and seed (the same data per ε), cached on disk.

    The cache key (:mod:`trustlab.cache`) holds the parameters, the trustlab version and a hash
    of the word vectors. The default sweep ships in ``trustlab/privacy/text/sweeps/`` (written by
    ``scripts/make_sweeps.py``); other settings are cached in ``$TRUSTLAB_CACHE_DIR`` (default
    ``~/.cache/trustlab``); ``cache=False`` recomputes live and does not touch the disk.

    >>> sweep = utility_sweep((20, 100), n_train=20, n_test=10, seeds=(0, 1), cache=False)
    >>> sweep.accuracy[0] <= sweep.accuracy[1] <= sweep.baseline
    True
    """
    if isinstance(epsilons, (str, bytes)) or not hasattr(epsilons, "__iter__"):
        raise TypeError(f"epsilons must be a sequence of numbers, got {type(epsilons).__name__}")
    epsilons = tuple(_check_epsilon(e) for e in epsilons)
    if not epsilons:
        raise ValueError("epsilons must not be empty")
    n_train, n_test = check_int("n_train", n_train, 1, 2000), check_int("n_test", n_test, 1, 2000)
    seeds = check_seeds(seeds)
    check_bool("cache", cache)
    params = utility_params(epsilons, n_train, n_test, seeds)
    computed = []

    def compute():
        computed.append(True)
        return compute_utility(epsilons, n_train, n_test, seeds)

    value = cached("text_intent_utility", params, compute, use_cache=cache, shipped_dir=SWEEP_DIR,
                   check=lambda v: _check_utility(v, len(epsilons), len(seeds)))
    return UtilitySweep(epsilons, tuple(tuple(a) for a in value["accuracy"]), tuple(value["baseline"]), seeds,
                        value["seconds"], from_cache=not computed)


def compute_intent_accuracy(epsilon, n_train=150, n_test=100, seeds=SWEEP_SEEDS, *, on_seed=None):
    """Intent accuracy at one ε for each seed, live: the explorer's "compute this setting now".

    Returns the per-seed accuracies (a tuple); the sweep stores the same numbers for its ε.
    """
    epsilon = _check_epsilon(epsilon)
    seeds = check_seeds(seeds)
    out = []
    for k, s in enumerate(seeds):
        out.append(intent_accuracy(epsilon, n_train, n_test, s))
        if on_seed is not None:
            on_seed(k)
    return tuple(out)
