"""The kinds of answer a self-check understands, and how each is judged.

A number within a tolerance, a whole number, one of a few choices, a word, a small array, or an
answer with many right forms judged by a function (:class:`Judged`). Each kind says what is
wrong with the *form* of an answer before any expected value is computed, and never puts the
expected value in a message (the kit's reading of the jupyter-widgets tutorial's self-checks).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Answer", "Choice", "Integer", "Judged", "Number", "Text", "Vector"]


class Answer:
    """Base class of the answer kinds: ``describe()`` names the kind, ``compare`` judges it.

    ``problem(answer)`` says what is wrong with the *form* of an answer (None if nothing), before
    any expected value is computed; ``matches(answer, expected)`` judges a well-formed answer.
    Neither may put ``expected`` into a message.
    """

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def problem(self, answer) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def matches(self, answer, expected) -> bool | str:  # pragma: no cover - abstract
        raise NotImplementedError

    def compare(self, answer, expected) -> bool | str:
        """``True``/``False`` for a well-formed answer, else the message naming the kind expected."""
        return self.problem(answer) or self.matches(answer, expected)


def _is_real(x) -> bool:
    return isinstance(x, (numbers.Real, np.floating, np.integer)) and not isinstance(x, (bool, np.bool_))


@dataclass(frozen=True)
class Number(Answer):
    """A real number, right when ``|answer - expected| <= atol + rtol * |expected|``."""

    rtol: float = 1e-3
    atol: float = 0.0

    def describe(self) -> str:
        return "a number (a float such as 0.5, not a string or a list)"

    def problem(self, answer):
        if not _is_real(answer) or not math.isfinite(float(answer)):
            return f"expects {self.describe()}; got {answer!r:.40} ({type(answer).__name__})"
        return None

    def matches(self, answer, expected):
        return abs(float(answer) - float(expected)) <= self.atol + self.rtol * abs(float(expected))


@dataclass(frozen=True)
class Integer(Answer):
    """A whole number (an int, or a float with no fractional part), right when equal."""

    def describe(self) -> str:
        return "a whole number (an int such as 12)"

    def problem(self, answer):
        if not _is_real(answer):
            return f"expects {self.describe()}; got {answer!r:.40} ({type(answer).__name__})"
        if not math.isfinite(float(answer)) or float(answer) != int(answer):
            return f"expects {self.describe()}; got {float(answer):g}, which is not whole"
        return None

    def matches(self, answer, expected):
        return int(answer) == int(expected)


@dataclass(frozen=True)
class Choice(Answer):
    """One of a fixed set of ``options`` (a tuple, or a function returning one, read at check time
    so a library constant need not be imported early). Strings compare case- and
    space-insensitively, numbers to 9 decimals. Listing the options reveals nothing about which
    is right.

    >>> Choice(("yes", "no")).compare(" Yes", "yes"), Choice((0.1, 0.5)).compare(0.5, 0.1)
    (True, False)
    >>> Choice((0.1, 0.5)).compare(0.3, 0.1)
    'expects one of 0.1, 0.5; got 0.3'
    """

    options: tuple | Callable[[], tuple]

    def _options(self) -> tuple:
        return tuple(self.options() if callable(self.options) else self.options)

    @staticmethod
    def _norm(x):
        if isinstance(x, str):
            return x.strip().lower()
        if _is_real(x):
            return round(float(x), 9)
        return x

    def describe(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self._options())

    def problem(self, answer):
        normed = [self._norm(o) for o in self._options()]
        if isinstance(answer, (list, tuple, dict, set, np.ndarray)) or self._norm(answer) not in normed:
            return f"expects {self.describe()}; got {answer!r:.60}"
        return None

    def matches(self, answer, expected):
        return self._norm(answer) == self._norm(expected)


@dataclass(frozen=True)
class Text(Answer):
    """A short string, right when equal to the expected one up to surrounding spaces."""

    def describe(self) -> str:
        return "a string in quotes"

    def problem(self, answer):
        return None if isinstance(answer, str) else f"expects {self.describe()}; got {type(answer).__name__}"

    def matches(self, answer, expected):
        return answer.strip() == str(expected).strip()


@dataclass(frozen=True)
class Vector(Answer):
    """A list or array of ``length`` numbers, right when every entry is within the tolerance."""

    length: int
    rtol: float = 1e-3
    atol: float = 0.0

    def describe(self) -> str:
        return f"a list of {self.length} numbers"

    def problem(self, answer):
        if isinstance(answer, (str, bytes, dict, set)):
            return f"expects {self.describe()}; got {type(answer).__name__}"
        try:
            arr = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return f"expects {self.describe()}; got {type(answer).__name__}"
        if arr.shape != (self.length,) or not np.all(np.isfinite(arr)):
            return f"expects {self.describe()}; got shape {arr.shape} (a {type(answer).__name__})"
        return None

    def matches(self, answer, expected):
        arr, want = np.asarray(answer, dtype=float), np.asarray(expected, dtype=float)
        return bool(np.all(np.abs(arr - want) <= self.atol + self.rtol * np.abs(want)))


@dataclass(frozen=True)
class Judged(Answer):
    """An answer with many right forms (e.g. "a sentence where the rule fails"): the registered
    function receives the answer and returns True, False, or a string saying what kind of answer
    is expected. ``description`` names that kind."""

    description: str

    def describe(self) -> str:
        return self.description

    def problem(self, answer):
        return None  # the registered function judges the form too

    def matches(self, answer, expected):
        return expected(answer)
