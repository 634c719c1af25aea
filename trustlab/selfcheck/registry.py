"""The self-checks' registry and :func:`check`: is a learner's answer right, and if not, a hint.

Each exercise whose answer is a value (a number, a word, one of a few choices, a small array)
has a check registered under its id, ``"NN.K"`` (notebook ``NN``, exercise ``K``). A check
computes the expected value with the same trustlab functions the lesson uses, *at check time*,
compares the learner's answer with a tolerance, and prints a confirmation or "Not yet" and a
hint; it never prints the expected value. The checks live in :mod:`trustlab.selfcheck.exercises`,
one module per area, and register themselves with :func:`register` when first needed; the kinds
of answer (:class:`~trustlab.selfcheck.answers.Number` …) are in :mod:`trustlab.selfcheck.answers`.

In a notebook, the exercise cell ends with ``answer = ...`` and the next cell runs::

    check("10.1", globals().pop("answer", None))

``pop`` hands the answer over once, so the next exercise starts without a stale ``answer``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from trustlab.selfcheck.answers import Answer, Judged

__all__ = ["CheckResult", "check", "exercise_ids", "register"]

_ID = re.compile(r"^\d{2}\.\d+$")
USAGE = "Set `answer = …` in the exercise cell, run it, then re-run this cell."


@dataclass(frozen=True)
class CheckResult:
    """The outcome of :func:`check`: ``ok`` is True only for a correct answer.

    ``message`` is what :func:`check` printed. In a notebook the result shows nothing more (the
    message is already printed); ``print(result)`` shows it again.
    """

    exercise: str
    ok: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        # check() has printed the message already; showing the dataclass too would repeat it.
        return None


@dataclass(frozen=True)
class _Check:
    exercise: str
    expected: Callable[[], Any]
    kind: Answer
    hint: str
    insight: str = ""
    question: str = field(default="")


_REGISTRY: dict[str, _Check] = {}
_LOADED = False


def register(exercise: str, kind: Answer, *, hint: str, insight: str = "", question: str = ""):
    """Register the decorated function as the expected answer of ``exercise``.

    Parameters
    ----------
    exercise : str
        ``"NN.K"``: notebook number and exercise number, e.g. ``"10.1"``.
    kind : Answer
        How answers are judged: :class:`Number`, :class:`Integer`, :class:`Choice`,
        :class:`Text`, :class:`Vector` or :class:`Judged`.
    hint : str
        Shown after "Not yet": guides toward the answer without giving its value.
    insight : str, optional
        One sentence added to the confirmation.
    question : str, optional
        What ``answer`` should hold, one line (shown with the usage message).

    The function takes no argument and computes the expected value with trustlab at check time
    (keep it under ~2 s: read shipped sweeps rather than retrain); with ``Judged`` it takes the
    answer and judges it. It is returned unchanged.

    >>> from trustlab.selfcheck.answers import Integer
    >>> @register("99.1", Integer(), hint="Count them.", question="How many sides has a square?")
    ... def _sides():
    ...     return 4
    >>> _ = check("99.1", 4)
    99.1 correct.
    >>> _ = _REGISTRY.pop("99.1")
    """
    if not isinstance(exercise, str) or not _ID.match(exercise):
        raise ValueError(f"exercise must look like 'NN.K' (e.g. '10.1'), got {exercise!r}")
    if not isinstance(kind, Answer):
        raise TypeError(f"kind must be an Answer (Number, Integer, Choice, Text, Vector, Judged), got {kind!r}")
    if not hint:
        raise ValueError(f"hint must be a non-empty string for exercise {exercise}")

    def decorate(func):
        if exercise in _REGISTRY and _REGISTRY[exercise].expected.__qualname__ != func.__qualname__:
            raise ValueError(f"exercise {exercise} already has a check ({_REGISTRY[exercise].expected.__qualname__})")
        _REGISTRY[exercise] = _Check(exercise, func, kind, hint, insight, question)
        return func

    return decorate


def _load_checks() -> None:
    global _LOADED
    if _LOADED:
        return
    import trustlab.selfcheck.exercises as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{info.name}")
    _LOADED = True


def exercise_ids() -> list[str]:
    """The ids of all registered checks, in notebook order.

    >>> "10.1" in exercise_ids()
    True
    """
    _load_checks()
    return sorted(_REGISTRY, key=lambda e: tuple(int(p) for p in e.split(".")))


def _get(exercise) -> _Check:
    ids = exercise_ids()
    if exercise not in _REGISTRY:
        raise ValueError(f"exercise must be one of {', '.join(ids)}; got {exercise!r}")
    return _REGISTRY[exercise]


def check(exercise: str, answer=None) -> CheckResult:
    """Say whether ``answer`` solves ``exercise``; print and return the verdict.

    Parameters
    ----------
    exercise : str
        The exercise id ``"NN.K"``; an unknown id raises ``ValueError`` listing the known ones.
    answer : optional
        The learner's answer. ``None`` prints how to use the check.

    Returns
    -------
    CheckResult
        ``ok`` is True for a correct answer; ``message`` is what was printed. A wrong answer gets
        "Not yet" and a hint, never the expected value.

    >>> r = check("00.1")
    00.1: no answer to check yet; `answer` should be the p_truth that gives epsilon = 1 (a float).
    Set `answer = …` in the exercise cell, run it, then re-run this cell.
    >>> r.ok
    False
    >>> r = check("21.1", "4")
    21.1: not an answer of the right kind: this exercise expects a number (a float such as 0.5,
    not a string or a list); got '4' (str).
    >>> r = check("21.1", 2.0)
    21.1: Not yet. Hint: `client_level_epsilon(1.0, num_rounds=5, sample_rate=...)` with
    sample_rate 1.0 and 0.1; divide the first by the second.
    """
    spec = _get(exercise)
    if answer is None:
        what = f"; `answer` should be {spec.question}" if spec.question else ""
        message = f"{exercise}: no answer to check yet{what}.\n{USAGE}"
        ok = False
    else:
        verdict = spec.kind.problem(answer)
        if verdict is None:  # well-formed: only now compute the expected value (it can take ~2 s)
            expected = spec.expected if isinstance(spec.kind, Judged) else spec.expected()
            verdict = spec.kind.matches(answer, expected)
        if isinstance(verdict, str):
            message, ok = f"{exercise}: not an answer of the right kind: this exercise {verdict}.", False
        elif verdict:
            message, ok = f"{exercise} correct." + (f" {spec.insight}" if spec.insight else ""), True
        else:
            message, ok = f"{exercise}: Not yet. Hint: {spec.hint}", False
    print(message)
    return CheckResult(exercise, ok, message)
