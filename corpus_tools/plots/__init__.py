"""Figures: one module per notebook, every ``plot_*`` function takes a table and returns a Figure.

=============  =============================================================
``style``      the house style and shared layout helpers
``save``       :func:`save_figure`; an unchanged figure is not drawn again
``corpus``     notebook 00: lengths, timeline, token statistics, actors
``topics``     notebook 01: k selection, topic terms, prevalence, topic map
``keywords``   notebook 02: frequencies, trends, change, tf-idf, dispersion
``compare``    notebook 03: distinctive terms, similarity, actors, voice, stance
=============  =============================================================

The figures sit apart from the analyses (as scikit-learn's ``Display``
classes and quanteda's ``textplot_*`` do): an analysis returns a tidy
DataFrame, and a figure never computes a statistic of its own, so what a
figure shows is exactly what its CSV beside it holds.
"""
from __future__ import annotations

from ..corpus import shorten
from .save import ReusableFigure, SavedFigure, reusable, save_figure
from .style import (
    MAX_HEIGHT,
    PRECISION_STYLES,
    REPEL_ITERATIONS,
    STYLE,
    TALL,
    date_ticks,
    grid_shape,
    legend_offset,
    plain,
    suptitle,
    thin_ticks,
    tight_layout,
    use_style,
)

__all__ = [
    "save_figure",
    "SavedFigure",
    "ReusableFigure",
    "reusable",
    "use_style",
    "shorten",
    "plain",
    "grid_shape",
    "tight_layout",
    "suptitle",
    "legend_offset",
    "date_ticks",
    "thin_ticks",
    "STYLE",
    "PRECISION_STYLES",
    "MAX_HEIGHT",
    "TALL",
    "REPEL_ITERATIONS",
]
