"""The explorer pattern shared by every notebook: controls -> ``compute_*`` -> summary and plot.

An :class:`Explorer` is an ipywidgets ``VBox`` built from named controls, a compute function
returning a result with ``summary()``, and a plot function ``(result, ax) -> (fig, ax, data)``.
Builders return it without displaying it; tests set a control's ``.value`` and read ``.result``
(jupyter-widgets tutorial, "Separating the logic from the widgets"). Its state travels as a
preset: a dict, a JSON string or a one-line notebook cell (:meth:`Explorer.preset_cell`).

An explorer is an error boundary: an exception from its compute, its plot or one of its
buttons is shown in its message area (the summary line) with its type and a one-line message,
never lost in the kernel's log. A ValueError or TypeError from compute is the expected answer
to an invalid combination of controls; anything else (and any failure of a plot) is a bug, so
it is also logged at ERROR level on the ``trustlab`` logger, with its traceback: the test
suite fails a test in which that happens (``tests/conftest.py``).
"""

from __future__ import annotations

import functools
import html
import inspect
import json
import logging
import time

import ipywidgets as widgets
from traitlets import TraitError, Unicode

from trustlab._validate import abbreviate, check_callable, check_str
from trustlab.plotting import describe_figure, figure_png, figure_svg
from trustlab.presets import plain_preset, preset_cell, validate_preset

__all__ = ["EXPECTED_ERRORS", "Explorer", "PlotImage", "describe_error", "explorer_builder",
           "figure_png", "figure_svg", "validate_preset"]

#: Errors of ``compute`` that answer an invalid combination of controls (shown, not logged as bugs).
EXPECTED_ERRORS = (ValueError, TypeError)
_log = logging.getLogger("trustlab.widgets")
_RED = "<span class='trustlab-error' style='color:#D55E00'>{}</span>"


def describe_error(exc, limit=300) -> str:
    """``"Type: first line of the message"``, at most ``limit`` characters: what a user is shown.

    >>> describe_error(KeyError("M"))
    "KeyError: 'M'"
    """
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


class PlotImage(widgets.Image):
    """An ``Image`` whose ``tooltip`` (the text alternative) reaches the page as the ``<img>``'s title.

    ipywidgets 8.1's front end sets ``title`` from ``tooltip`` only when the model's
    ``description`` is empty, and fails on models that have no ``description`` at all, as
    ``Image`` does (jupyter-widgets/ipywidgets#3860). Syncing an empty ``description`` makes
    the tooltip land on the ``<img>``, where screen readers use it as the image's name.
    """

    description = Unicode("", help="Kept empty: lets the front end apply the tooltip.").tag(sync=True)


def explorer_builder(func):
    """Decorate a ``make_*_explorer``: the Explorer it returns records how to rebuild itself.

    Sets ``builder`` to the function's ``"module:function"`` path and ``builder_kwargs`` to the
    arguments it was called with (``preset`` and ``None`` values left out), which is what
    :meth:`Explorer.preset_cell` writes; builders need not spell either out.
    """
    check_callable("func", func)
    signature = inspect.signature(func)

    @functools.wraps(func)
    def build(*args, **kwargs):
        explorer = func(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        explorer.builder = f"{func.__module__}:{func.__name__}"
        explorer.builder_kwargs = {k: v for k, v in bound.arguments.items()
                                   if k != "preset" and v is not None}
        return explorer

    return build


class Explorer(widgets.VBox):
    """A live explorer: named controls, a one-line summary and a plot, kept in sync.

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        Keyword arguments of ``compute``; each is also set as an attribute (``ex.p_truth``).
    compute : callable
        ``compute(**values) -> result``; the result has ``summary() -> str``.
    plot : callable or None
        ``plot(result) -> (fig, ax, data)``; its ``data`` is kept as ``.plot_data``.
    title : str
        Shown above the controls.
    fixed : dict, optional
        Further keyword arguments of ``compute`` that have no control (e.g. ``seed``).
    preset : dict or str, optional
        Initial control values, as a dict or its JSON string (``explorer.preset()`` returns
        the current ones); checked by :func:`validate_preset`.
    builder : str, optional
        ``"module:function"`` of the ``make_*_explorer`` that built this explorer, for
        :meth:`preset_cell`.
    builder_kwargs : dict, optional
        The builder's other keyword arguments that shape this state (``seed`` …), for
        :meth:`preset_cell`; ``None`` values are left out.

    Attributes
    ----------
    result : the latest result, or None while the controls hold an invalid combination.
    error : str or None, ``"Type: message"`` of the last failure (compute, plot or button).
    exception : the exception behind ``error`` (None after a successful update).
    seconds : wall time of the last update (compute + plot).
    figure : the matplotlib figure of the last plot (None before the first).
    image : :class:`PlotImage` showing ``figure``; its ``tooltip`` is the plot's text
        alternative (:func:`trustlab.plotting.describe_figure`), renewed on every redraw.

    Raises
    ------
    ValueError, TypeError
        For bad arguments, a refused preset, or if the first update fails: a builder never
        returns an explorer stuck in an error state.
    """

    def __init__(self, controls, compute, plot=None, *, title="", fixed=None, preset=None,
                 builder=None, builder_kwargs=None):
        if not isinstance(controls, dict) or not all(
                isinstance(k, str) and isinstance(c, widgets.ValueWidget) for k, c in controls.items()):
            raise TypeError(f"controls must be a dict of name -> ipywidgets control, got {abbreviate(controls)}")
        check_callable("compute", compute)
        if plot is not None:
            check_callable("plot", plot)
        self.title = check_str("title", title, nonempty=False)
        if fixed is not None and not isinstance(fixed, dict):
            raise TypeError(f"fixed must be a dict of compute's keyword arguments, got {abbreviate(fixed)}")
        clash = sorted(set(fixed or {}) & set(controls))
        if clash:
            raise ValueError(f"fixed must not repeat a control, got {clash}")
        self.controls = dict(controls)
        self.builder = builder
        self.builder_kwargs = {k: v for k, v in (builder_kwargs or {}).items() if v is not None}
        self._compute = compute
        self._plot = plot
        self._fixed = dict(fixed or {})
        self.result = None
        self.error = None
        self.exception = None
        self.plot_data = None
        self.figure = None
        self.seconds = float("nan")
        self._summary_html = ""
        self.summary = widgets.HTML()
        self.summary.add_class("trustlab-summary")
        self.image = PlotImage(format="svg+xml")
        self.image.layout.max_width = "100%"
        self.plot_box = widgets.Box([self.image])
        self.plot_box.add_class("trustlab-plot")
        for name, control in self.controls.items():
            setattr(self, name, control)
        if preset is not None:
            for name, value in validate_preset(self.controls, preset).items():
                try:
                    self.controls[name].value = value
                except TraitError as exc:  # a kind of control validate_preset does not know
                    raise ValueError(f"preset value for control {name!r} was rejected: {exc}") from exc
        header = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        super().__init__(header + list(self.controls.values()) + [self.summary, self.plot_box])
        self.add_class("trustlab-explorer")
        self.update(raise_errors=True)  # bad builder arguments raise here, to the caller
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    def preset(self) -> dict:
        """The current control values, as a dict that ``make_*_explorer(preset=...)`` accepts."""
        return {name: control.value for name, control in self.controls.items()}

    def preset_json(self) -> str:
        """The current control values as compact JSON with sorted keys (``preset=`` accepts it).

        >>> from trustlab.privacy.widgets import make_randomized_response_explorer
        >>> make_randomized_response_explorer().preset_json()
        '{"n_respondents":1000,"p_truth":0.75,"true_rate":0.3}'
        """
        return json.dumps(self._plain_preset(), sort_keys=True, separators=(",", ":"))

    def preset_cell(self) -> str:
        """A one-line notebook cell that rebuilds this explorer in its current state.

        >>> from trustlab.privacy.widgets import make_randomized_response_explorer
        >>> make_randomized_response_explorer(seed=1).preset_cell()  # doctest: +NORMALIZE_WHITESPACE
        "from trustlab.privacy.widgets import make_randomized_response_explorer;
        make_randomized_response_explorer(seed=1, preset={'n_respondents': 1000, 'p_truth': 0.75,
        'true_rate': 0.3})"
        """
        return preset_cell(self.builder, self.builder_kwargs, self._plain_preset())

    def _plain_preset(self) -> dict:
        return plain_preset(self.preset())

    def _on_change(self, _change):
        self.update()

    def show_error(self, exc, where="compute") -> None:
        """Show ``exc`` in the message area (type and one line); log it as a bug unless expected.

        ``where`` says what failed: ``"compute"``, ``"plot"`` or a button's name. Only a
        ValueError/TypeError of compute or a button counts as expected (an invalid setting).
        """
        self.error, self.exception = describe_error(exc), exc
        if isinstance(exc, EXPECTED_ERRORS) and where != "plot":
            _log.info("%s: %s refused: %s", self.title or "explorer", where, self.error)
        else:
            _log.error("%s: %s failed: %s", self.title or "explorer", where, self.error, exc_info=exc)
        prefix = "" if where == "compute" else (
            "the plot could not be drawn (the last good plot is shown): " if where == "plot"
            else f"{where} failed: ")
        line = _RED.format(html.escape(prefix + self.error))
        self.summary.value = f"{self._summary_html}<br>{line}" if self._summary_html else line

    def guard(self, callback, where="button"):
        """``callback`` wrapped so that any exception it raises is shown by :meth:`show_error`.

        Returns what ``callback`` returned, or None after a failure. Buttons made with
        :meth:`add_button` are guarded; a builder wiring its own callback wraps it with this.
        """
        check_callable("callback", callback)

        @functools.wraps(callback)
        def guarded(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except Exception as exc:  # the boundary: shown here, logged if unexpected
                self.show_error(exc, where)
                return None

        return guarded

    def add_button(self, description, callback, *, busy_description=None, width="16em"):
        """A button that runs ``callback()`` guarded, disabled (and relabelled) while it runs.

        The button is returned, not placed: the builder puts it where it belongs.
        """
        check_str("description", description)
        button = widgets.Button(description=description, layout=widgets.Layout(width=width))
        run = self.guard(callback, where=f"button “{description}”")

        def click(_button=None):
            button.disabled = True
            if busy_description:
                button.description = busy_description  # feedback while it runs
            try:
                return run()
            finally:
                button.disabled, button.description = False, description

        button.on_click(click)
        button.run = click
        return button

    def update(self, *, raise_errors=False):
        """Recompute from the controls' values and refresh the summary and the plot.

        Exceptions are shown in the message area (:meth:`show_error`); ``raise_errors=True``
        (used while building) lets them propagate instead.
        """
        start = time.perf_counter()
        try:
            result = self._compute(**self.preset(), **self._fixed)
            summary = result.summary() if callable(getattr(result, "summary", None)) else None
            if not isinstance(summary, str):
                raise TypeError("compute must return a result whose summary() gives a str, got "
                                f"{abbreviate(result)}")
        except Exception as exc:
            if raise_errors:
                raise
            # Invalid combinations are shown, not clamped; the last good plot stays visible.
            self.result, self._summary_html = None, ""
            self.show_error(exc, "compute")
            self.seconds = time.perf_counter() - start
            return
        self.result, self.error, self.exception = result, None, None
        self._summary_html = f"<code>{html.escape(summary)}</code>"
        self.summary.value = self._summary_html
        if self._plot is not None:
            try:
                fig, _, plot_data = self._plot(result)
                image, tooltip = figure_svg(fig), describe_figure(fig)
            except Exception as exc:
                if raise_errors:
                    raise
                self.show_error(exc, "plot")
            else:
                self.figure, self.plot_data = fig, plot_data
                self.image.value, self.image.tooltip = image, tooltip
        self.seconds = time.perf_counter() - start
