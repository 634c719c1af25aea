"""The app page: every explorer of the kit behind one drop-down, for Voilà's app mode.

``notebooks/90_explorer_gallery.ipynb`` shows :func:`make_gallery_from_query`; ``make app``
serves that notebook with Voilà as a standalone page. Only the explorer a user picks is built
(and the previous one is closed), so the page fits Binder's 2 GB whatever the user browses.

A state travels as a link: ``?explorer=<name>&preset=<JSON>`` after the app's address.
Voilà hands the page's query string to the kernel (the ``QUERY_STRING`` environment
variable), and the page opens on that explorer in that state; :func:`share_link` writes such
links, and the page shows the link of its current state.
"""

from __future__ import annotations

import html
import json
import logging
import os
import urllib.parse

import ipywidgets as widgets

from trustlab._validate import abbreviate, check_choice, check_str
from trustlab.gallery import GALLERY, build, entry, names
from trustlab.presets import MAX_PRESET_CHARS, parse_preset_json, plain_preset
from trustlab.widgets import EXPECTED_ERRORS, describe_error

__all__ = ["DEFAULT_APP_URL", "Gallery", "make_gallery", "make_gallery_from_query", "share_link",
           "state_from_query"]

#: Where ``make app`` serves the page (Voilà's default port).
DEFAULT_APP_URL = "http://localhost:8866/"
#: Longest query string a link may have (checked before it is parsed); a preset fits in a third.
MAX_QUERY_CHARS = 3 * MAX_PRESET_CHARS + 200
_DEFAULT = "randomized_response"
_log = logging.getLogger("trustlab.app")


def _check_base_url(base_url) -> str:
    check_str("base_url", base_url)
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"base_url must be an http(s) address without query or fragment, got "
                         f"{abbreviate(base_url)}")
    return base_url


def share_link(name: str, preset=None, base_url: str = DEFAULT_APP_URL) -> str:
    """A link that opens the app page on explorer ``name`` in the state ``preset``.

    ``preset`` is a dict of control values (``explorer.preset()``): numbers, strings,
    booleans or lists of them; NaN, infinity and other objects are refused, as is a preset
    whose link would be longer than the page accepts.

    >>> share_link("capstone", {"num_clients": 10, "noise_multiplier": 8.0})
    'http://localhost:8866/?explorer=capstone&preset=%7B%22noise_multiplier%22%3A8.0%2C%22num_clients%22%3A10%7D'
    >>> share_link("mechanism", {"epsilon": float("nan")})
    Traceback (most recent call last):
    ...
    ValueError: preset values must be finite numbers, got nan
    """
    check_choice("explorer", name, names())
    _check_base_url(base_url)
    query = {"explorer": name}
    if preset is not None:
        text = json.dumps(plain_preset(preset), sort_keys=True, separators=(",", ":"), allow_nan=False)
        parse_preset_json(text)  # the page would refuse it: refuse it here
        if preset:
            query["preset"] = text
    link_query = urllib.parse.urlencode(query)
    if len(link_query) > MAX_QUERY_CHARS:
        raise ValueError(f"preset makes a link of {len(link_query):,} characters; the page accepts at "
                         f"most {MAX_QUERY_CHARS:,}")
    return f"{base_url}?{link_query}"


def state_from_query(query: str) -> tuple:
    """``(name, preset)`` named by a page's query string (other keys, e.g. ``token``, are ignored).

    An empty query opens the first explorer with its defaults. The preset is returned as
    parsed JSON; the explorer's builder checks its values.

    >>> state_from_query("explorer=capstone&preset=%7B%22num_clients%22%3A10%7D")
    ('capstone', {'num_clients': 10})
    >>> state_from_query("")
    ('randomized_response', None)
    """
    if query is None:
        query = ""
    if not isinstance(query, str):
        raise TypeError(f"query must be a str (a page's query string), got {abbreviate(query)} "
                        f"({type(query).__name__})")
    if len(query) > MAX_QUERY_CHARS:  # before parsing: a link is untrusted text
        raise ValueError(f"the link's query is {len(query):,} characters long; links of this page "
                         f"are at most {MAX_QUERY_CHARS:,}")
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    name = params.get("explorer", [_DEFAULT])[-1]
    check_choice("explorer", name, names())
    preset = params.get("preset", [None])[-1]
    if preset is not None:
        preset = parse_preset_json(preset, "preset in the link", "a JSON object")
    return name, preset


def _close_tree(widget) -> None:
    """Close a widget and its children (not layouts or styles: builders share those)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


class Gallery(widgets.VBox):
    """A drop-down of explorers by title and the picked explorer below it, built on demand.

    Build it with :func:`make_gallery`.

    Attributes
    ----------
    picker : ipywidgets.Dropdown
        The explorers by title; its value is the picked explorer's name (a native ``<select>``,
        so it is operated with the keyboard like any form field).
    current : trustlab.widgets.Explorer or None
        The explorer on show; None only if building the picked one failed (see ``status``).
    name : str
        Name of the explorer on show (``trustlab.gallery.names()`` lists them).
    status : ipywidgets.HTML
        "Building …" while an explorer is built; the error message if that failed.
    """

    def __init__(self, initial: str, preset=None):
        self.picker = widgets.Dropdown(options=[(e.title, e.name) for e in GALLERY], value=initial,
                                       description="Explorer", style={"description_width": "6em"},
                                       layout=widgets.Layout(width="36em"))
        self.picker.add_class("trustlab-gallery-picker")
        self.about = widgets.HTML()
        self.status = widgets.HTML()
        self.status.add_class("trustlab-gallery-status")
        self.slot = widgets.Box(layout=widgets.Layout(display="block"))
        self.current = None
        self.name = initial
        self.share = widgets.HTML()
        self.share.add_class("trustlab-gallery-share")
        self.base_url = _app_url()
        super().__init__([self.picker, self.about, self.status, self.slot, self.share])
        self.add_class("trustlab-gallery")
        self._show(initial, preset, raise_errors=True)  # a bad preset is the caller's error
        self.picker.observe(self._on_pick, names="value")

    def _on_pick(self, change):
        self._show(change["new"], None, raise_errors=False)

    def _show(self, name: str, preset, *, raise_errors: bool) -> None:
        info = entry(name)
        self.status.value = f"<i>Building “{html.escape(info.title)}” …</i>"
        self._drop_current()  # before building: two explorers never share Binder's 2 GB
        self.name = name
        self.about.value = f"Taught in <code>notebooks/{html.escape(info.notebook)}</code>"
        try:
            explorer = build(name, preset=preset)
        except Exception as exc:
            if raise_errors:
                raise
            # A pick runs in a widget callback, where a raise would only reach the kernel's log.
            _report(exc, f"building {name!r}")
            self.status.value = (f"<span style='color:#D55E00'>could not build {name!r}: "
                                 f"{html.escape(describe_error(exc))}</span>")
            return
        self.current = explorer
        self.slot.children = (explorer,)
        self.status.value = ""
        for control in explorer.controls.values():
            control.observe(self._update_share, names="value")
        self._update_share()

    def link(self) -> str:
        """The link that reopens the page on the explorer on show, in its current state."""
        preset = self.current.preset() if self.current is not None else None
        return share_link(self.name, preset, self.base_url)

    def _update_share(self, _change=None) -> None:
        try:
            url = html.escape(self.link(), quote=True)
        except Exception as exc:  # a control callback: show it, never raise into the kernel log
            _report(exc, "writing the link")
            self.share.value = f"<small>No link for this state: {html.escape(describe_error(exc))}</small>"
            return
        self.share.value = (f"<small>Link to this state: <a href='{url}' target='_blank'>"
                            f"<code>{url}</code></a></small>")

    def _drop_current(self) -> None:
        old, self.current = self.current, None
        self.slot.children = ()
        if old is not None:
            _close_tree(old)  # frees its kernel-side widgets (Binder has 2 GB)

    def summary(self) -> str:
        """One line: the explorer on show and its current summary.

        >>> make_gallery().summary()
        'randomized_response: epsilon=1.10  estimate=0.280  true rate=0.300  error=-0.020  (95% margin ±0.054)'
        """
        if self.current is None or self.current.result is None:
            return f"{self.name}: (no result) {self.status.value}"
        return f"{self.name}: {self.current.result.summary()}"


def make_gallery(initial: str = "randomized_response", preset=None) -> Gallery:
    """Every explorer behind one drop-down; only the picked one is built.

    Parameters
    ----------
    initial : str, default "randomized_response"
        Name of the explorer shown first (one of ``trustlab.gallery.names()``).
    preset : dict, optional
        Initial control values of that first explorer (``explorer.preset()`` returns them).

    Returns
    -------
    Gallery
        An ipywidgets ``VBox`` (not displayed) with ``.picker`` and ``.current``.

    Raises
    ------
    ValueError
        If ``initial`` is not an explorer's name.

    Examples
    --------
    >>> g = make_gallery(preset={"p_truth": 0.9})
    >>> round(g.current.result.epsilon, 2)
    2.2
    >>> g.picker.value = "mechanism"
    >>> g.name, type(g.current).__name__
    ('mechanism', 'Explorer')
    """
    check_choice("initial", initial, names())
    return Gallery(initial, preset)


def _app_url() -> str:
    """The page's own address under Voilà (query and token dropped), else :data:`DEFAULT_APP_URL`."""
    url = os.environ.get("VOILA_REQUEST_URL")
    if not url:
        return DEFAULT_APP_URL
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _report(exc, doing) -> None:
    """Log a shown exception: as a bug (ERROR, fails a test) unless it is a refused input."""
    if isinstance(exc, EXPECTED_ERRORS):
        _log.info("%s refused: %s", doing, describe_error(exc))
    else:
        _log.error("%s failed: %s", doing, describe_error(exc), exc_info=exc)


def make_gallery_from_query(query=None) -> Gallery:
    """The gallery opened at the state a link names (see :func:`state_from_query`).

    ``query`` defaults to the ``QUERY_STRING`` Voilà gives the kernel (empty in JupyterLab).
    A link naming an unknown explorer or a preset the explorer refuses, a link too long or too
    deeply nested, or an explorer that fails to build opens the first explorer instead, with
    the reason shown above it (a page must not die on a mistyped link).

    >>> g = make_gallery_from_query("explorer=mechanism&preset=%7B%22epsilon%22%3A0.5%7D")
    >>> g.name, g.current.preset()["epsilon"]
    ('mechanism', 0.5)
    >>> bad = make_gallery_from_query("explorer=mechanism&preset=%7B%22epsilon%22%3A99%7D")
    >>> bad.name, "this link" in bad.status.value
    ('randomized_response', True)
    """
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    try:
        name, preset = state_from_query(query)
        return Gallery(name, preset)
    except Exception as exc:  # the page's boundary: whatever the link does, the page opens
        _report(exc, "opening a link")
        gallery = Gallery(_DEFAULT, None)
        gallery.status.value = (f"<span style='color:#D55E00'>this link could not be opened: "
                                f"{html.escape(describe_error(exc))}</span>")
        return gallery
