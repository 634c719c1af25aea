"""Plotting helpers: a colour-blind-safe palette, an explicit style call and the ``ax=None`` idiom.

Importing this module changes no matplotlib state; :func:`use_style` does, when a notebook
asks for it. Plot functions across trustlab take ``ax=None`` and return ``(fig, ax, data)`` so
tests compare data instead of pixels.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import matplotlib.colors
import matplotlib.figure
import numpy as np
from cycler import cycler

__all__ = ["OKABE_ITO", "PALETTE", "SEQUENTIAL_CMAP", "STYLE", "describe_figure", "figure_axes",
           "figure_png", "figure_svg", "is_colour_blind_safe", "style_context", "two_axes", "use_style"]

#: Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]

#: For ordered categories beyond Okabe–Ito's eight (the ten digit labels): viridis is
#: perceptually uniform and stays ordered under the common colour-vision deficiencies.
SEQUENTIAL_CMAP = "viridis"

#: rcParams applied by :func:`use_style` and :func:`style_context`.
STYLE = {
    "axes.prop_cycle": cycler(color=PALETTE),
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 90,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "legend.frameon": False,
    # Fixed margins instead of constrained layout: layout engines double the time to render a
    # PNG, and explorers render one per slider move.
    "figure.subplot.left": 0.12,
    "figure.subplot.right": 0.97,
    "figure.subplot.bottom": 0.15,
    "figure.subplot.top": 0.9,
}


def use_style() -> None:
    """Apply trustlab's plot style globally (an explicit call, never done on import)."""
    mpl.rcParams.update(STYLE)


def style_context():
    """A context manager applying trustlab's style only inside a ``with`` block."""
    return mpl.rc_context(STYLE)


def figure_axes(ax=None, *, figsize=None):
    """``(fig, ax)``: the figure of ``ax``, or a new figure with one axes when ``ax`` is None.

    New figures are made with :class:`matplotlib.figure.Figure` directly (not pyplot), so
    explorers that redraw on every slider move never accumulate open pyplot figures.
    """
    if ax is not None:
        return ax.figure, ax
    with style_context():
        fig = mpl.figure.Figure(figsize=figsize or STYLE["figure.figsize"], dpi=STYLE["figure.dpi"])
        ax = fig.add_subplot()
    return fig, ax


def two_axes(ax=None, *, figsize=(10.4, 3.8), **margins):
    """``(fig, left, right)``: two panels side by side, or the pair of axes passed as ``ax``.

    ``margins`` go to :meth:`~matplotlib.figure.Figure.subplots_adjust` (``left``, ``wspace`` …).
    """
    if ax is not None:
        left, right = ax
        return left.figure, left, right
    with style_context():
        fig = mpl.figure.Figure(figsize=figsize, dpi=STYLE["figure.dpi"])
        left, right = fig.subplots(1, 2)
        fig.subplots_adjust(**{"left": 0.07, "right": 0.98, **margins})
    return fig, left, right


def is_colour_blind_safe(colour, *, tol=1.5 / 255) -> bool:
    """Whether ``colour`` belongs to the kit's colour-blind-safe set (alpha is ignored).

    The set is: the Okabe–Ito colours, greys from black to white, the colours of
    :data:`SEQUENTIAL_CMAP`, and anything fully transparent (``"none"``). ``colour`` is
    anything :func:`matplotlib.colors.to_rgba` accepts; components are compared within ``tol``.

    >>> is_colour_blind_safe("#0072B2"), is_colour_blind_safe("grey"), is_colour_blind_safe("tab:red")
    (True, True, False)
    """
    r, g, b, a = mpl.colors.to_rgba(colour)
    if a == 0 or (abs(r - g) <= tol and abs(g - b) <= tol):
        return True
    rgb = np.array([r, g, b])
    named = np.array([mpl.colors.to_rgb(c) for c in OKABE_ITO.values()])
    lut = mpl.colormaps[SEQUENTIAL_CMAP](np.linspace(0, 1, mpl.colormaps[SEQUENTIAL_CMAP].N))[:, :3]
    return bool((np.abs(np.vstack([named, lut]) - rgb).max(axis=1) <= tol).any())


def _panels(fig):
    """Visible axes grouped by position: a twin axes joins the panel it is drawn over."""
    panels = {}
    for ax in fig.get_axes():
        if ax.get_visible() and ax.axison:
            panels.setdefault(tuple(np.round(ax.get_position().bounds, 3)), []).append(ax)
    return list(panels.values())


def describe_figure(fig) -> str:
    """A text alternative for a figure, from its titles and axis labels (an image's alt text).

    One sentence per panel: ``"Plot: <title>; x: <x label>; y: <y label>"``, with the right
    y-axis of a twin axes and the figure's suptitle when present. It names what is plotted,
    not the values: the explorer's one-line summary beside the plot carries those.

    >>> from trustlab.plotting import figure_axes
    >>> fig, ax = figure_axes()
    >>> _ = ax.set(title="ε over steps", xlabel="steps", ylabel="ε")
    >>> describe_figure(fig)
    'Plot: ε over steps; x: steps; y: ε'
    """
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(suptitle.get_text())
    for axes in _panels(fig):
        title = next((a.get_title() for a in axes if a.get_title()), "untitled")
        text = f"Plot: {title}"
        xlabel = next((a.get_xlabel() for a in axes if a.get_xlabel()), "")
        if xlabel:
            text += f"; x: {xlabel}"
        ylabels = [a.get_ylabel() for a in axes if a.get_ylabel()]
        for i, ylabel in enumerate(ylabels):
            text += f"; {'y' if i == 0 else 'right y'}: {ylabel}"
        parts.append(text)
    return ". ".join(parts)


def _check_figure(fig):
    if not hasattr(fig, "savefig"):
        raise TypeError(f"fig must be a matplotlib Figure, got {repr(fig)[:60]} ({type(fig).__name__})")


def figure_png(fig) -> bytes:
    """PNG bytes of a matplotlib figure."""
    _check_figure(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def figure_svg(fig) -> bytes:
    """SVG bytes of a matplotlib figure, text kept as text (how explorers show their plots).

    Measured here, SVG with ``svg.fonttype="none"`` renders in ~60 % of the time of a PNG and
    is a third of its size; it stays sharp when zoomed and its labels are selectable text.
    """
    _check_figure(fig)
    buf = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "trustlab"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()
