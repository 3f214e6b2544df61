"""The house style and the layout rules every figure shares.

Every ``plot_*`` function in :mod:`corpus_tools.plots` takes the tidy
DataFrame an analysis returned and returns a matplotlib Figure; it never
computes statistics. Saving is :mod:`corpus_tools.plots.save`.

Figures must read well from the five seed articles to 10,000 speeches:
:func:`plain` draws strings from the data as text (never mathtext),
:func:`date_ticks` and :func:`thin_ticks` keep tick labels apart, and
:func:`suptitle`, :func:`legend_offset` and :data:`MAX_HEIGHT` keep titles
and legends in place on tall figures. Each rule leaves a layout that
already works as it was, so the seed figures keep their bytes.
"""
from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import matplotlib
import matplotlib.dates as mdates
import matplotlib.figure
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pandas as pd
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from ..corpus import shorten

__all__ = [
    "STYLE",
    "PRECISION_STYLES",
    "use_style",
    "plain",
    "grid_shape",
    "MAX_HEIGHT",
    "TALL",
    "tight_layout",
    "suptitle",
    "legend_offset",
    "date_ticks",
    "thin_ticks",
    "text_width",
    "wrap_to_width",
    "REPEL_ITERATIONS",
]

#: rcParams that make output deterministic and legible.
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    # SVG ids are random unless salted; a fixed salt makes SVG bytes stable.
    "svg.hashsalt": "corpus_tools",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
}

#: How a date of each precision is drawn on a time axis (every figure with dates):
#: exact days filled, month- and year-only dates hollow at the middle of their
#: interval. ``label`` is the short legend text; ``label_bar`` the one used where
#: a pale bar spans the interval.
PRECISION_STYLES = {
    "day": dict(marker="o", filled=True, label="exact day", label_bar="exact date"),
    "month": dict(marker="s", filled=False, label="month only (drawn mid-month)",
                  label_bar="month only: drawn mid-month, bar = possible dates"),
    "year": dict(marker="D", filled=False, label="year only (drawn at 1 July)",
                 label_bar="year only: drawn at 1 July, bar = possible dates"),
}


#: Iterations adjustText may take to move labels apart (``adjust_text(...,
#: iter_lim=REPEL_ITERATIONS)``): a fixed count, not adjustText's default
#: 1-second time limit, so that the layout, and so the saved file, does not
#: depend on machine load. The fightin' words labels and the topic figures'
#: labels settle within it.
REPEL_ITERATIONS = 200


def use_style() -> None:
    """Apply the house style (deterministic SVG ids, legible sizes)."""
    plt.rcParams.update(STYLE)


def plain(text) -> str:
    r"""``text`` as a figure must show it: literally, never as matplotlib mathtext.

    matplotlib reads any string with two unescaped ``$`` as mathtext, so an
    author named ``$x^$`` stops the figure with a parse error, and
    ``"$5 and $6"`` loses its dollars and spaces. Every string that comes
    from the data (metadata values, group and document labels, terms,
    concepts, quotations) passes through ``plain`` before it becomes a tick
    label, title, legend label or annotation; the figure then draws exactly
    the original characters (``\$`` is matplotlib's escape for a literal
    dollar; backslashes already in the text are drawn as they are).
    Mathtext stays on for the figures' own strings, such as the log-scale
    tick labels ``10^2``, so ``text.parse_math`` is not switched off.

    Apply it after :func:`corpus_tools.corpus.shorten` (cutting an escaped
    string could split ``\$``), and only for figures: plain-text output such
    as KWIC lines uses ``shorten`` alone.

    A label beginning with ``_`` is drawn as it is everywhere except in a
    legend that collects its labels itself (``ax.legend()`` skips such
    labels), so the figures hand their legends the labels explicitly
    (``ax.legend(handles, labels)``), which matplotlib never filters.

    >>> print(plain("$x^$"))
    \$x^\$
    """
    return str(text).replace("$", r"\$")


def grid_shape(n: int, ncols: int) -> tuple[int, int]:
    """``(rows, columns)`` of a grid of ``n`` small multiples, at most ``ncols`` wide."""
    ncols = max(1, min(ncols, n))
    return math.ceil(n / ncols), ncols


#: The tallest a figure grows (inches) before it shows fewer rows or panels and
#: says so in its title: 28 inches is three screens of a notebook.
MAX_HEIGHT = 28.0

#: Figures up to this height (inches) keep matplotlib's suptitle position, 2%
#: of the height below the top edge (the tallest seed figure, 02-trends, is
#: 11.3 inches); on taller ones 2% is more than the room kept for the title
#: (at 40 inches it put the suptitle on the panel titles), so it is pinned
#: 0.3 inch (2% of 15 inches) below the top. See :func:`suptitle`.
TALL = 15.0
_SUPTITLE_TOP = 0.3  # inch between the top edge and a tall figure's suptitle


def suptitle(fig: matplotlib.figure.Figure, text: str, **kwargs) -> matplotlib.text.Text:
    """``fig.suptitle(text, **kwargs)``, kept near the top edge of a tall figure.

    Up to :data:`TALL` (15 inches) the title sits where matplotlib puts it
    (2% of the height below the top); taller, 0.3 inch below the top, so that
    the room :func:`tight_layout` keeps for it is enough at any height. An
    explicit ``y`` wins.
    """
    h = fig.get_figheight()
    if h > TALL and "y" not in kwargs:
        kwargs["y"] = 1 - _SUPTITLE_TOP / h
    return fig.suptitle(text, **kwargs)


def tight_layout(fig: matplotlib.figure.Figure, *, bottom: float = 0.0) -> None:
    """tight_layout that leaves room at the top for the suptitle (and ``bottom`` for a legend).

    Plain ``tight_layout`` lets panel titles run into the suptitle on tall
    figures. The room is 0.4 inch, which fits a suptitle placed by
    :func:`suptitle` at any figure height.
    """
    fig.tight_layout(rect=(0, bottom, 1, 1 - 0.4 / fig.get_figheight()))


def legend_offset(ax, offset: float, *, inches: float) -> float:
    """How far below ``ax`` (in axes fractions) to anchor a legend: ``offset``, at most ``inches`` inch.

    A legend anchored a fixed fraction of the axes height below the axes
    drifts away from it as the axes grows (3 inches under 40 bars); this
    keeps ``offset`` where it is no further than ``inches`` and returns the
    fraction that is ``inches`` otherwise. Call it with the figure at its
    final size and before the layout changes the axes.
    """
    height = ax.get_position().height * ax.get_figure(root=True).get_figheight()
    return min(offset, inches / height) if height > 0 else offset


def text_width(text: str, fontsize: float | str | None = None) -> float:
    """Width in inches of ``text`` drawn on one line at ``fontsize`` in the default font.

    Measured from the glyphs (matplotlib's ``text_to_path``), so no figure or
    renderer is needed: a layout can make room for a label before drawing
    it. ``fontsize`` is points or a name such as ``"small"`` (default: the
    ``font.size`` rcParam). Measure the text as it will read, before
    :func:`plain` adds its escapes.
    """
    size = _fontsize(fontsize if fontsize is not None else plt.rcParams["font.size"])
    width, _, _ = text_to_path.get_text_width_height_descent(str(text), FontProperties(size=size), ismath=False)
    return width / 72.0


def wrap_to_width(text: str, width: float, *, fontsize: float | str | None = None, max_lines: int = 3) -> str:
    """``text`` broken at spaces into lines no wider than ``width`` inches (at most ``max_lines``).

    For a title that must share its line with another (a trend panel's
    concept beside its slope): the longest line length, in characters, at
    which every line of :func:`textwrap.wrap` fits :func:`text_width`; a
    word longer than a line is broken. Text that fits on one line comes
    back as it is. If even ``max_lines`` lines of one word each do not fit,
    the last line is cut with :func:`corpus_tools.corpus.shorten`. Apply
    :func:`plain` to the result, not before.
    """
    text = str(text)
    if text_width(text, fontsize) <= width:
        return text
    for n in range(len(text) - 1, 0, -1):
        lines = textwrap.wrap(text, n)
        if all(text_width(line, fontsize) <= width for line in lines):
            break
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1:])
        lines = lines[:max_lines - 1] + [shorten(rest, len(lines[max_lines - 1]))]
    return "\n".join(lines)


def _fontsize(size) -> float:
    return FontProperties(size=size).get_size_in_points()


def date_ticks(ax, *, width: float, fontsize: float | str | None = None, years: bool = False) -> None:
    """Date ticks on the x axis of ``ax`` whose labels do not run into each other.

    ``width`` is the axes width in inches (an estimate that errs small is
    fine). matplotlib's own ticks are kept when their labels fit; otherwise
    as many ticks as fit: with ``years`` (every date is a whole year, e.g.
    documents pooled by year) a :class:`matplotlib.dates.YearLocator` every
    1, 2, 5, 10, 20, 25, 50 … years, labelled ``1950``; else an
    :class:`matplotlib.dates.AutoDateLocator` with a
    :class:`matplotlib.dates.ConciseDateFormatter` (``1950``, ``Jul``; the
    year goes once to the offset). So 1946-2024 gets a tick per decade or
    two, and a single pooled year gets yearly ticks instead of ``1988-07
    1989-01 …``. Call it once all the data is drawn (the ticks follow the
    data limits); shared axes share the new ticks.
    """
    size = _fontsize(fontsize if fontsize is not None else plt.rcParams["xtick.labelsize"])
    locator, formatter = ax.xaxis.get_major_locator(), ax.xaxis.get_major_formatter()
    lo, hi = sorted(ax.get_xlim())
    ticks = [t for t in locator() if lo <= t <= hi]
    if _labels_fit(formatter.format_ticks(ticks), ticks, lo, hi, width=width, fontsize=size):
        return
    # the widest label a concise formatter writes is a year or a month name
    fit = max(2, int(width // (text_width("0000", size) + _gap(size))))
    if years:
        span = (hi - lo) / 365.25
        base = next(b for b in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if span / b < fit or b == 1000)
        ax.xaxis.set_major_locator(mdates.YearLocator(base))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        return
    locator = mdates.AutoDateLocator(minticks=2, maxticks=fit)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _gap(fontsize: float) -> float:
    """The space (inches) neighbouring tick labels keep: about one character."""
    return 0.6 * fontsize / 72.0


def _labels_fit(labels: Sequence[str], ticks: Sequence[float], lo: float, hi: float, *, width: float,
                fontsize: float) -> bool:
    """Whether horizontal ``labels`` centred at ``ticks`` clear each other.

    ``ticks`` are in data units on an axis from ``lo`` to ``hi`` drawn ``width`` inches wide.
    """
    if len(ticks) < 2 or hi <= lo:
        return True
    pos = (np.asarray(ticks, dtype=float) - lo) / (hi - lo) * width
    half = np.array([text_width(s, fontsize) for s in labels]) / 2
    return bool(np.all(np.diff(pos) >= half[:-1] + half[1:] + _gap(fontsize)))


def thin_ticks(ax, axis: str, labels: Sequence[str], **text_kw) -> int:
    """Label only every k-th of the ticks at ``0 … len(labels) - 1`` when neighbouring labels would touch.

    For categorical axes (groups, terms, documents) with many entries: the
    spacing of neighbouring ticks, measured on the drawn axes, is compared
    with the room a label needs across its reading direction: one line
    height for horizontal labels on a y axis and vertical ones on an x axis,
    ``line / sin(angle)`` for x labels rotated by ``angle``, and the label
    width for horizontal x labels. Call it once the figure has its final
    layout; ``text_kw`` (rotation, ha …) is applied to the labels kept.
    Returns k; with k = 1 (every label fits) the axis is left untouched.
    """
    n = len(labels)
    if n < 2:
        return 1
    fig = ax.get_figure(root=True)
    ax.apply_aspect()  # an image with aspect="equal" is drawn smaller than its slot
    x0, y0 = ax.transData.transform((0, 0))
    x1, y1 = ax.transData.transform((1, 1))
    spacing = abs(x1 - x0 if axis == "x" else y1 - y0) / fig.dpi
    which = ax.xaxis if axis == "x" else ax.yaxis
    current = which.get_ticklabels()
    size = current[0].get_fontsize() if current else _fontsize(plt.rcParams[f"{axis}tick.labelsize"])
    line = 1.2 * size / 72.0
    angle = float(text_kw.get("rotation", current[0].get_rotation() if current else 0.0)) % 180
    if axis == "y" or angle == 90:
        need = line
    elif angle == 0:
        need = max(text_width(s, size) for s in labels) + _gap(size)
    else:
        need = line / abs(math.sin(math.radians(angle)))
    if spacing <= 0 or spacing >= need:
        return 1
    k = math.ceil(need / spacing)
    keep = range(0, n, k)
    setter = ax.set_xticks if axis == "x" else ax.set_yticks
    setter(list(keep), [labels[i] for i in keep], **text_kw)
    return k
