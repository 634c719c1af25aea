"""Presets: an explorer's control values as a dict or JSON text, checked before anything is built.

A preset travels in notebooks, in cells and in the app's links, so it is untrusted text: it is
limited in size and nesting depth *before* it is parsed (a link of 1,500 nested ``[`` would
otherwise exhaust Python's recursion limit), parsed as JSON only (never eval'd or unpickled),
and every value is checked against the control it sets. Nothing is clamped.
"""

from __future__ import annotations

import ast
import json
import math
import numbers

import ipywidgets as widgets
import numpy as np

from trustlab._validate import abbreviate

__all__ = ["MAX_PRESET_CHARS", "MAX_PRESET_DEPTH", "parse_preset_json", "plain_preset", "preset_cell",
           "validate_preset"]

#: Longest preset JSON accepted (the kit's largest real preset is about 200 characters).
MAX_PRESET_CHARS = 2000
#: Deepest nesting accepted: an object whose values may be lists of plain values.
MAX_PRESET_DEPTH = 2


def _depth(text: str) -> int:
    """Deepest nesting of ``[``/``{`` in JSON text, brackets inside strings ignored (one pass, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_preset_json(text, what="preset", allowed="a dict or a JSON object string"):
    """The JSON object in ``text``, after checking its length and nesting depth (before parsing).

    >>> parse_preset_json('{"epsilon": 0.5}')
    {'epsilon': 0.5}
    >>> parse_preset_json("[" * 1500)
    Traceback (most recent call last):
    ...
    ValueError: preset is nested 1500 levels deep; a preset is one JSON object whose values are numbers, strings, booleans or lists of them (at most 2 levels)
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{what} must be UTF-8 JSON text, got {abbreviate(text)}") from None
    if not isinstance(text, str):
        raise TypeError(f"{what} must be {allowed}, got {abbreviate(text)} ({type(text).__name__})")
    if len(text) > MAX_PRESET_CHARS:
        raise ValueError(f"{what} is {len(text):,} characters long; at most {MAX_PRESET_CHARS:,} are "
                         "accepted (a preset is a few control values)")
    depth = _depth(text)
    if depth > MAX_PRESET_DEPTH:
        raise ValueError(f"{what} is nested {depth} levels deep; a preset is one JSON object whose "
                         f"values are numbers, strings, booleans or lists of them (at most "
                         f"{MAX_PRESET_DEPTH} levels)")
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} must be {allowed}, got {abbreviate(text)} ({exc})") from None
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be {allowed}, got {abbreviate(value)}")
    return value


def _no_constant(name):
    raise ValueError(f"preset values must be finite numbers, got {name}")


def _kind(value):
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str):  # numpy strings too
        return "str"
    return type(value).__name__


def _same(option, value) -> bool:
    return _kind(option) == _kind(value) and option == value


def _check_value(name, control, value):
    """Raise ValueError unless ``value`` is a value the user could give ``control``."""
    def fail(allowed):
        raise ValueError(f"preset value for control {name!r} must be {allowed}, got {abbreviate(value)}")

    if isinstance(control, widgets.widget_selection._Selection):
        options = list(control._options_values)
        if not any(_same(o, value) for o in options):
            fail(f"one of {abbreviate(options, 200)}")
    elif isinstance(control, widgets.widget_selection._MultipleSelection):
        options = list(control._options_values)
        if (isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple))
                or len(value) > len(options) or not all(any(_same(o, v) for o in options) for v in value)):
            fail(f"a list of values from {abbreviate(options, 200)}")
    elif isinstance(control, (widgets.widget_int._BoundedInt, widgets.widget_float._BoundedFloat,
                              widgets.widget_float._BoundedLogFloat)):
        integer = isinstance(control, widgets.widget_int._BoundedInt)
        low, high = control.min, control.max
        slack = 0
        if isinstance(control, widgets.widget_float._BoundedLogFloat):
            # base**min in the browser may differ from Python's in the last bit
            low, high = control.base ** low, control.base ** high
            slack = 1e-12
        ok_type = (isinstance(value, numbers.Integral) if integer else isinstance(value, numbers.Real))
        if (not ok_type or _kind(value) == "bool" or not math.isfinite(value)
                or not low * (1 - slack) <= value <= high * (1 + slack)):
            fail(f"{'an integer' if integer else 'a number'} in [{low:g}, {high:g}]")
    elif isinstance(control, (widgets.Text, widgets.Textarea)):
        if not isinstance(value, str):
            fail("a string")
    elif isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        if _kind(value) != "bool":
            fail("True or False")


def validate_preset(controls, preset) -> dict:
    """The preset as a dict, checked against ``controls``; a ValueError says what is wrong.

    ``preset`` is a dict or its JSON string (:meth:`Explorer.preset_json`); the string is
    limited to :data:`MAX_PRESET_CHARS` characters and :data:`MAX_PRESET_DEPTH` levels of
    nesting before it is parsed. Every key must name a control, and every value must be one
    the control offers: an option of a dropdown, toggle or selection slider, or a number of
    the slider's type inside its ``[min, max]`` (for a log slider, ``[base**min, base**max]``).
    Nothing is clamped.

    A number between two steps of a slider is accepted and kept exactly, as ipywidgets itself
    keeps it (the builders' own defaults include such values, e.g. α = 0.5 on a log slider
    with step 0.1): the computation uses the exact value, the readout shows it rounded to the
    slider's format and the handle sits at the nearest step.
    """
    if not isinstance(controls, dict) or not all(isinstance(c, widgets.ValueWidget)
                                                  for c in controls.values()):
        raise TypeError(f"controls must be a dict of name -> ipywidgets control, got {abbreviate(controls)}")
    if isinstance(preset, (str, bytes)):
        preset = parse_preset_json(preset)
    if not isinstance(preset, dict):
        raise ValueError(f"preset must be a dict or a JSON object string, got {abbreviate(preset)}")
    unknown = sorted((k for k in preset if k not in controls), key=str)
    if unknown:
        raise ValueError(f"preset has unknown controls {abbreviate(unknown, 120)}; allowed: {sorted(controls)}")
    for name, value in preset.items():
        _check_value(name, controls[name], value)
    return dict(preset)


def _plain(value):
    """``value`` as plain Python (JSON-serialisable): numpy scalars and arrays, tuples -> lists."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (np.ndarray, tuple, list)):
        return [_plain(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"preset values must be finite numbers, got {value!r}")
    if not isinstance(value, (str, bool, numbers.Number)) or isinstance(value, complex):
        raise ValueError(f"preset values must be numbers, strings, booleans or lists of them, got "
                         f"{abbreviate(value)} ({type(value).__name__})")
    return value


def plain_preset(preset) -> dict:
    """``preset`` as a dict of plain JSON values (NaN, inf and objects refused), keys as strings.

    >>> plain_preset({"epsilon": np.float64(0.5), "sizes": (1, 2)})
    {'epsilon': 0.5, 'sizes': [1, 2]}
    """
    if not isinstance(preset, dict) or not all(isinstance(k, str) for k in preset):
        raise ValueError(f"preset must be a dict of control name -> value, got {abbreviate(preset)}")
    return {name: _plain(value) for name, value in preset.items()}


def preset_cell(builder, builder_kwargs, preset) -> str:
    """A one-line notebook cell calling ``builder`` ("module:function") with its kwargs and ``preset``."""
    if not builder or ":" not in builder:
        raise ValueError(f"preset_cell needs builder='module:function', got builder={builder!r}")
    module, func = builder.split(":")
    args = []
    for key, value in builder_kwargs.items():
        try:
            literal = ast.literal_eval(repr(value)) == value
        except (ValueError, SyntaxError):
            literal = False
        if not literal:
            raise ValueError(f"preset_cell cannot write builder argument {key}={value!r} as a "
                             "Python literal; pass it by hand")
        args.append(f"{key}={value!r}")
    args.append(f"preset={dict(sorted(preset.items()))!r}")
    return f"from {module} import {func}; {func}({', '.join(args)})"
