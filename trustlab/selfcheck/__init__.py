"""Self-checks for the notebook exercises: is a learner's answer right, and if not, a hint.

A notebook's exercise cell sets ``answer = ...`` and the next cell runs ``check("10.1", ...)``;
the check computes the expected value with trustlab at check time and never prints it. The
registry and :func:`check` are in ``registry``, the kinds of answer in ``answers``, and the checks
themselves, one module per area, in ``exercises``.
"""

from trustlab.selfcheck.answers import Answer, Choice, Integer, Judged, Number, Text, Vector
from trustlab.selfcheck.registry import CheckResult, check, exercise_ids, register

__all__ = ["Answer", "CheckResult", "Choice", "Integer", "Judged", "Number", "Text", "Vector",
           "check", "exercise_ids", "register"]
