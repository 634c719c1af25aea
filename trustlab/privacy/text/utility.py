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

from trustlab._random import numpy_rng
from trustlab._validate import check_int
from trustlab.cache import cached
from trustlab.privacy.text.rewriting import (_check_epsilon, perturb_texts, plausible_deniability,
                                             substitution_distribution, vocabulary_words)
from trustlab.privacy.text.vectors import load_word_vectors

__all__ = [
    "SWEEP_EPSILONS",
    "TextRewritingResult",
    "UtilitySweep",
    "compute_text_rewriting",
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

#: The ε grid of the cached sweep (and of the explorer's slider).
SWEEP_EPSILONS = (10, 20, 30, 40, 50, 60, 70, 80, 100, 150)
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
    """Intent accuracy against ε, with the no-rewriting baseline; ``seconds`` of compute."""

    epsilons: tuple
    accuracy: tuple
    baseline: float
    seconds: float
    from_cache: bool = False

    def at(self, epsilon) -> float:
        """Accuracy at a swept ε (exact lookup; ValueError names the swept values)."""
        for e, acc in zip(self.epsilons, self.accuracy):
            if math.isclose(e, epsilon):
                return acc
        raise ValueError(f"epsilon must be one of the swept values {list(self.epsilons)}, got {epsilon}")

    def summary(self) -> str:
        pairs = "  ".join(f"{e:g}:{a:.2f}" for e, a in zip(self.epsilons, self.accuracy))
        return f"intent accuracy by epsilon  {pairs}  (no rewriting: {self.baseline:.2f})"


def utility_params(epsilons=SWEEP_EPSILONS, n_train=150, n_test=100, seed=0) -> dict:
    """The cache-key parameters of :func:`utility_sweep` (includes a hash of the word vectors)."""
    vectors = load_word_vectors().vectors
    return {"epsilons": [float(e) for e in epsilons], "n_train": n_train, "n_test": n_test, "seed": seed,
            "vectors": hashlib.sha256(vectors.tobytes()).hexdigest()}


def compute_utility(epsilons=SWEEP_EPSILONS, n_train=150, n_test=100, seed=0) -> dict:
    """Train and test the intent classifier at every ε, live (about 1 s per ε)."""
    start = time.perf_counter()
    accuracy = [intent_accuracy(e, n_train, n_test, seed) for e in epsilons]
    baseline = intent_accuracy(math.inf, n_train, n_test, seed)
    return {"accuracy": accuracy, "baseline": baseline, "seconds": time.perf_counter() - start}


def utility_sweep(epsilons=SWEEP_EPSILONS, n_train=150, n_test=100, seed=0, *, cache=True):
    """:func:`intent_accuracy` for each ε (same data per ε), cached on disk.

    The cache key (:mod:`trustlab.cache`) holds the parameters, the trustlab version and a hash
    of the word vectors. The default sweep ships in ``trustlab/privacy/text/sweeps/`` (written by
    ``scripts/make_sweeps.py``); other settings are cached in ``$TRUSTLAB_CACHE_DIR`` (default
    ``~/.cache/trustlab``); ``cache=False`` recomputes live and does not touch the disk.

    >>> sweep = utility_sweep((20, 100), n_train=20, n_test=10, cache=False)
    >>> sweep.accuracy[0] <= sweep.accuracy[1] <= sweep.baseline
    True
    """
    if isinstance(epsilons, (str, bytes)) or not hasattr(epsilons, "__iter__"):
        raise TypeError(f"epsilons must be a sequence of numbers, got {type(epsilons).__name__}")
    epsilons = tuple(_check_epsilon(e) for e in epsilons)
    if not epsilons:
        raise ValueError("epsilons must not be empty")
    n_train, n_test = check_int("n_train", n_train, 1), check_int("n_test", n_test, 1)
    seed = check_int("seed", seed, 0)
    params = utility_params(epsilons, n_train, n_test, seed)
    computed = []

    def compute():
        computed.append(True)
        return compute_utility(epsilons, n_train, n_test, seed)

    value = cached("text_intent_utility", params, compute, use_cache=cache, shipped_dir=SWEEP_DIR)
    return UtilitySweep(epsilons, tuple(value["accuracy"]), value["baseline"], value["seconds"],
                        from_cache=not computed)


@dataclass(frozen=True)
class TextRewritingResult:
    """One ε of the text-rewriting explorer: rewrites, deniability, substitutes and utility."""

    epsilon: float
    dim: int
    sentence: str
    rewrites: tuple
    word: str
    n_draws: int
    substitutes: tuple  # ((word, probability), ...), most likely first, the word itself included
    p_kept: float
    p_sausage: float
    deniability: tuple  # DeniabilityStats of the sentence's vocabulary words
    accuracy: float
    baseline_accuracy: float

    @property
    def expected_noise_norm(self) -> float:
        """E‖z‖ = n/ε: how far, in embedding units, the noise moves a word on average."""
        return self.dim / self.epsilon

    def summary(self) -> str:
        top = next(((w, p) for w, p in self.substitutes if w != self.word), ("-", 0.0))
        return (f"epsilon={self.epsilon:g}  E|z|={self.expected_noise_norm:.2f}  "
                f"P({self.word} kept)={self.p_kept:.2f}  top substitute {top[0]}={top[1]:.3f}  "
                f"P(sausage)={self.p_sausage:.3f}  intent acc={self.accuracy:.2f} "
                f"(no rewriting {self.baseline_accuracy:.2f})")


def compute_text_rewriting(epsilon=60, sentence="Remind me to call my doctor in Boston tomorrow!",
                           word="boston", n_draws=1000, n_rewrites=3, seed=0, sweep=None):
    """Everything the explorer shows for one ε: rewrites of ``sentence``, N_w/S_w of its words,
    the substitution distribution of ``word`` (with P("sausage")) and the intent accuracy.

    ``epsilon`` must be one of the swept values when ``sweep`` (default: the cached
    :func:`utility_sweep`) is used for the accuracy.

    >>> r = compute_text_rewriting(epsilon=150, n_draws=200, sweep=utility_sweep((150,), 20, 10, cache=False))
    >>> r.p_sausage, r.rewrites[0]
    (0.0, 'Remind me to call my doctor in Boston tomorrow!')
    """
    epsilon = _check_epsilon(epsilon)
    if not isinstance(word, str):
        raise TypeError(f"word must be a string, got {word!r} ({type(word).__name__})")
    wv = load_word_vectors()
    if word.lower() not in wv:
        raise ValueError(f"word must be in the vocabulary of {len(wv):,} lowercase words, got {word!r}")
    word = word.lower()
    n_rewrites = check_int("n_rewrites", n_rewrites, 1)
    sweep = utility_sweep() if sweep is None else sweep
    accuracy = sweep.at(epsilon)
    rng = numpy_rng(seed)
    rewrites = tuple(perturb_texts([sentence] * n_rewrites, epsilon, seed=rng))
    in_vocab = vocabulary_words(sentence, vectors=wv)
    deniability = tuple(plausible_deniability(in_vocab, epsilon, n_draws // 10 or 1, seed=rng)) if in_vocab else ()
    dist = substitution_distribution(word, epsilon, n_draws, seed=rng)
    return TextRewritingResult(epsilon, wv.dim, sentence, rewrites, word, n_draws,
                               tuple(list(dist.items())[:8]), dist.get(word, 0.0),
                               dist.get("sausage", 0.0), deniability, accuracy, sweep.baseline)
