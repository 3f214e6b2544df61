"""The explorer record: the data one explorer shows, whatever draws it.

An :class:`Explorer` holds tidy tables (the points, the KWIC lines, the
trends …), the Vega-Lite specification of its charts, its starting state and
the notes it must show (what was capped or sampled). Three things are made
from that one record, so JupyterLab and the shared report show the same:

* :meth:`Explorer.to_html`: the view for the report, a ``<div>`` holding the
  data as JSON (no script of its own); the report adds the charting library
  and the explorer runtime once per page (:mod:`.page`);
* :meth:`Explorer.page`: the same view as a standalone, self-contained page;
* :meth:`Explorer.widget`: the ipywidgets version for JupyterLab (:mod:`.widgets`).

Displaying an explorer in a notebook offers both the widget (which JupyterLab
shows) and the HTML view (which the report keeps once the widget is
dropped: :func:`corpus_tools.report.clean_notebook`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["Explorer", "KINDS", "columnar"]

#: The explorers there are, by the notebook they serve.
KINDS = ("distinctive", "topics", "terms")


def _round(values: np.ndarray, digits: int) -> list:
    """Floats to ``digits`` significant digits (JSON-sized), non-finite values to None."""
    out = []
    for v in values.tolist():
        if v is None or not math.isfinite(v):
            out.append(None)
        else:
            out.append(float(f"{v:.{digits}g}"))
    return out


def columnar(frame: pd.DataFrame, *, digits: int = 4) -> dict[str, list | dict]:
    """A DataFrame as ``{column: values}``, the compact form the page and the runtime share.

    Floats keep ``digits`` significant digits (4 by default: more than a
    reader can see on a chart or in a tooltip) and NaN becomes ``null``;
    booleans and integers stay exact; anything else becomes text. A text
    column whose values repeat (at most half as many distinct values as
    rows: a group, a mark, a term with several lines) is written once per
    value, as ``{"levels": [...], "codes": [...]}``; the runtime expands it.
    Column order is kept. Raises nothing for a DataFrame.
    """
    out: dict[str, list | dict] = {}
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s):
            out[str(col)] = [bool(v) for v in s.tolist()]
        elif pd.api.types.is_integer_dtype(s):
            out[str(col)] = [int(v) for v in s.tolist()]
        elif pd.api.types.is_float_dtype(s):
            out[str(col)] = _round(s.to_numpy(dtype=np.float64), digits)
        else:
            text = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in s.tolist()]
            codes, levels = pd.factorize(pd.Series(text, dtype=object))
            if len(text) >= 8 and 2 * len(levels) <= len(text):
                out[str(col)] = {"levels": [str(v) for v in levels], "codes": [int(c) for c in codes]}
            else:
                out[str(col)] = text
    return out


@dataclass
class Explorer:
    """One interactive explorer: its data, its charts and what it must say about them.

    Made by :func:`corpus_tools.explore.distinctive_explorer`,
    :func:`~corpus_tools.explore.topic_explorer` and
    :func:`~corpus_tools.explore.term_explorer`; read by :mod:`.page` and
    :mod:`.widgets`.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    title : str
        The heading shown above the explorer.
    tables : dict of str to DataFrame
        The tidy tables the explorer shows, by name (``points``, ``kwic`` …).
    specs : dict of str to dict
        Vega-Lite specifications by name; each reads its data from
        ``datasets`` named after ``tables`` and exposes its state as
        top-level parameters (``group``, ``term``, ``topic``, ``lam10`` …).
    state : dict
        The starting state (the parameters' first values) and the choices a
        menu offers.
    notes : list of str
        Sentences shown under the title: what was capped or sampled.
    banner : str
        A warning shown above everything (e.g. topics that are not
        distinguishable from noise); empty for none.
    tokens : Tokens or None
        The token table, when kept: the JupyterLab widget can then find KWIC
        lines (and trends) for terms the page does not embed. Never written
        to the page.
    """

    kind: str
    title: str
    tables: dict
    specs: dict
    state: dict
    notes: list = field(default_factory=list)
    banner: str = ""
    tokens: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ParameterError(f"kind={self.kind!r}: an explorer is one of {', '.join(KINDS)}")

    def payload(self) -> dict:
        """What the page embeds: kind, title, notes, banner, state, specs and tables (columnar)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "notes": list(self.notes),
            "banner": self.banner,
            "state": self.state,
            "specs": self.specs,
            "tables": {name: columnar(frame) for name, frame in self.tables.items()},
        }

    def to_html(self) -> str:
        """The view for a notebook output and the report: see :func:`corpus_tools.explore.page.fragment`."""
        from .page import fragment

        return fragment(self)

    def page(self, *, title: str | None = None) -> str:
        """A standalone, self-contained HTML page with this explorer (library and runtime inlined)."""
        from .page import standalone_page

        return standalone_page([self], title=title or self.title)

    def save_html(self, path: str | Path) -> Path:
        """Write :meth:`page` to ``path`` (atomically); returns the path."""
        from ..io import atomic_write_bytes

        path = Path(path)
        atomic_write_bytes(path, self.page().encode("utf-8"))
        return path

    def widget(self):
        """The JupyterLab version: an ipywidgets box driven by this explorer's data (:mod:`.widgets`)."""
        from .widgets import explorer_widget

        return explorer_widget(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget for JupyterLab and the HTML view for the report, in one output.

        A live JupyterLab shows the widget (its view ranks above HTML); the
        report's cleaning step drops the widget view, which cannot work
        without a kernel, and keeps the HTML view. Without ipywidgets'
        comm (plain IPython), only the HTML view and a text note are given.
        """
        bundle = {
            "text/plain": f"[{self.title}: interactive explorer. Run the notebook in JupyterLab to use it, "
                          "or open the notebook's HTML report.]",
            "text/html": self.to_html(),
        }
        try:
            widget_bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        except Exception:  # no kernel comm: a plain console, a converter
            widget_bundle = None
        if isinstance(widget_bundle, dict) and "application/vnd.jupyter.widget-view+json" in widget_bundle:
            bundle["application/vnd.jupyter.widget-view+json"] = widget_bundle[
                "application/vnd.jupyter.widget-view+json"]
        return bundle
