"""The house style and the one way to save a figure.

Every ``plot_*`` function in :mod:`corpus_tools.plots` takes the tidy
DataFrame an analysis returned and returns a matplotlib Figure; it never
computes statistics. :func:`save_figure` writes the figure (PNG + SVG, and
the plotted data as CSV) with volatile metadata stripped, so that a rerun on
the same data produces byte-identical files.
"""
from __future__ import annotations

import io
import math
import os
from pathlib import Path

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import pandas as pd

from .. import config
from ..io import atomic_write_bytes, csv_bytes

__all__ = ["STYLE", "PRECISION_STYLES", "use_style", "save_figure", "SavedFigure", "grid_shape", "tight_layout"]

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


def use_style() -> None:
    """Apply the house style (deterministic SVG ids, legible sizes)."""
    plt.rcParams.update(STYLE)


def grid_shape(n: int, ncols: int) -> tuple[int, int]:
    """``(rows, columns)`` of a grid of ``n`` small multiples, at most ``ncols`` wide."""
    ncols = max(1, min(ncols, n))
    return math.ceil(n / ncols), ncols


def tight_layout(fig: matplotlib.figure.Figure, *, bottom: float = 0.0) -> None:
    """tight_layout that leaves room at the top for the suptitle (and ``bottom`` for a legend).

    Plain ``tight_layout`` lets panel titles run into the suptitle on tall figures.
    """
    fig.tight_layout(rect=(0, bottom, 1, 1 - 0.4 / fig.get_figheight()))


class SavedFigure(dict):
    """The paths :func:`save_figure` wrote, keyed by format.

    Its repr names the files without their folder, so a notebook cell that
    ends with ``save_figure(...)`` shows the same output wherever it runs.
    """

    def __repr__(self) -> str:
        names = ", ".join(p.name for p in self.values())
        return f"saved {names}"


def save_figure(
    fig: matplotlib.figure.Figure,
    name: str,
    data: pd.DataFrame | None = None,
    *,
    directory: str | os.PathLike | None = None,
    close: bool = False,
    show: bool | None = None,
) -> SavedFigure:
    """Save ``fig`` as ``NAME.png`` and ``NAME.svg`` (and ``data`` as ``NAME.csv``).

    ``name`` is the file stem, by convention prefixed with the notebook
    number (``"01-coherence"``). ``directory`` defaults to
    :func:`corpus_tools.config.figures_dir` (``figures/``, or
    ``$CORPUS_TOOLS_FIGURES_DIR`` when ``corpus-tools run --out`` redirects it).

    The CSV is :func:`corpus_tools.io.spreadsheet_safe`: a text cell that a
    spreadsheet would run as a formula gets a leading single quote.

    Volatile metadata is stripped: no Software/Date/Creator entries in PNG or
    SVG, and SVG ids are salted with a fixed string, so the same figure gives
    the same bytes on every run. Files are written atomically and left
    untouched when their bytes have not changed.

    ``show`` (default: when running in a Jupyter kernel) displays the saved
    PNG in the notebook and closes the figure, so the notebook and its HTML
    report show exactly the file in ``figures/`` and matplotlib does not
    render the figure a third time for the inline backend (about half a
    second per figure; see benchmarks/README.md). It is drawn at the size the
    inline backend would use (``figure.dpi``), from the sharper ``savefig.dpi``
    pixels.

    Returns the paths written, keyed by ``png``, ``svg`` and ``csv``.
    """
    out = Path(directory) if directory is not None else config.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = SavedFigure()
    with plt.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"], "svg.fonttype": "none"}):
        for fmt, meta in (
            ("png", {"Software": None}),
            ("svg", {"Date": None, "Creator": None}),
        ):
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=meta, dpi=STYLE["savefig.dpi"], bbox_inches="tight")
            target = out / f"{name}.{fmt}"
            atomic_write_bytes(target, buf.getvalue())
            paths[fmt] = target
            if fmt == "png":
                png = buf.getvalue()
    if data is not None:
        csv = csv_bytes(data)
        target = out / f"{name}.csv"
        atomic_write_bytes(target, csv)
        paths["csv"] = target
    log = os.environ.get("CORPUS_TOOLS_FIGURE_LOG")
    if log:  # `corpus-tools run` prunes figures a notebook no longer writes
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(name + "\n")
    if show is None:
        show = _in_kernel()
    if show:
        from IPython.display import Image, display

        width = int.from_bytes(png[16:20], "big")  # the IHDR chunk: width, then height
        display(Image(data=png, format="png", width=round(width * STYLE["figure.dpi"] / STYLE["savefig.dpi"])))
        close = True
    if close:
        plt.close(fig)
    return paths


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (a notebook), False in scripts and plain IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None
