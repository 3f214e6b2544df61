"""Saving a figure: PNG + SVG + CSV with no volatile bytes, drawn again only when its inputs change.

:func:`save_figure` is the one way a notebook writes a figure. Rendering is
the slow part of a refresh (about 0.5 s for a PNG and 0.4 s for an SVG at
the house resolution, more for figures whose labels adjustText repels), and
on a rerun over unchanged inputs its bytes come out the same. So every
``plot_*`` function is wrapped by :func:`reusable`: when figure reuse is on
(inside a Jupyter kernel, or with ``$CORPUS_TOOLS_FIGURE_CACHE=1``), the
call is keyed on

* the plot function's name and every argument's content (a DataFrame by
  its columns, dtypes and :func:`pandas.util.hash_pandas_object` of its
  rows and index),
* the source of the whole package (a change to any plotting code, or to a
  helper it calls, draws every figure again),
* matplotlib's ``rcParams`` at the call and the house :data:`STYLE`,
* the versions of matplotlib, numpy, pandas, scipy and adjustText,

and when the project's cache (``.cache/figures/``) holds the PNG and SVG
stored under that key, the function is not called at all: it returns a
:class:`ReusableFigure` that :func:`save_figure` writes from the stored
bytes. On a miss the figure is drawn as before and its bytes are stored
under the key.

A figure that the notebook touches between the plot call and
:func:`save_figure` (any attribute of it read or set: ``fig.axes[0]``,
``fig.suptitle(...)``) may no longer be what its key describes: it is drawn,
and neither read from nor stored in the cache. An argument whose content
cannot be fingerprinted (an arbitrary object, a column of lists) turns reuse
off for that call, and the plain Figure is returned.
"""
from __future__ import annotations

import functools
import io
import os
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import config
from ..cache import Store, library_versions, make_key, source_hash
from ..io import atomic_write_bytes, csv_bytes
from .style import STYLE, use_style

__all__ = ["save_figure", "SavedFigure", "ReusableFigure", "reusable", "reuse_enabled", "FIGURE_CACHE_ENV"]

#: Environment switch for figure reuse: ``1`` on, ``0`` off, unset: on inside a Jupyter kernel only.
FIGURE_CACHE_ENV = "CORPUS_TOOLS_FIGURE_CACHE"
_PACKAGE = Path(__file__).resolve().parents[1]
_FORMATS = (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None}))
#: rcParams that say how figures are shown on screen, never how they are saved
#: (``interactive`` flips when the inline backend shows its first figure).
_UNDRAWN_RC = ("backend", "interactive", "toolbar", "webagg.", "tk.", "macosx.", "figure.raise_window")
_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<?xml"}


class SavedFigure(dict):
    """The paths :func:`save_figure` wrote, keyed by format.

    Its repr names the files without their folder, so a notebook cell that
    ends with ``save_figure(...)`` shows the same output wherever it runs.
    ``drawn`` is False when the PNG and SVG came from the figure cache.
    """

    drawn: bool = True

    def __repr__(self) -> str:
        names = ", ".join(p.name for p in self.values())
        return f"saved {names}"


def reuse_enabled() -> bool:
    """Whether :func:`reusable` plot functions may return stored figures (see the module docstring)."""
    value = os.environ.get(FIGURE_CACHE_ENV, "").strip()
    if value in ("0", "1"):
        return value == "1"
    return _in_kernel()


class _Unkeyable(Exception):
    """An argument whose content cannot be fingerprinted."""


def _fingerprint(value: Any):
    """A JSON-able or bytes description of ``value``'s content, for :func:`corpus_tools.cache.make_key`."""
    if value is None or isinstance(value, (bool, int, str)):
        return [type(value).__name__, value]
    if isinstance(value, float):
        return ["float", repr(value)]  # repr keeps nan, inf and every bit of the value
    if isinstance(value, (np.generic,)):
        return [type(value).__name__, repr(value.item())]
    if isinstance(value, (pd.Timestamp, pd.Timedelta)):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return ["object-array", [_fingerprint(v) for v in value.tolist()]]
        return ["ndarray", value.dtype.str, list(value.shape), np.ascontiguousarray(value).tobytes().hex()]
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        return _frame_fingerprint(value)
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [_fingerprint(v) for v in value]]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(repr(_fingerprint(v)) for v in value)]
    if isinstance(value, dict):
        return ["dict", [[_fingerprint(k), _fingerprint(v)] for k, v in value.items()]]
    raise _Unkeyable(type(value).__name__)


def _frame_fingerprint(value) -> list:
    """Columns, dtypes, index and row hashes of a DataFrame, Series or Index."""
    try:
        if isinstance(value, pd.Index):
            rows = pd.util.hash_pandas_object(value.to_series(index=False), index=False)
            head: list = ["index", repr(value.name), str(value.dtype)]
        else:
            rows = pd.util.hash_pandas_object(value, index=True)
            if isinstance(value, pd.DataFrame):
                head = ["frame", [repr(c) for c in value.columns], [str(t) for t in value.dtypes],
                        repr(value.index.names), str(value.index.dtype)]
            else:
                head = ["series", repr(value.name), str(value.dtype), repr(value.index.names), str(value.index.dtype)]
    except TypeError as exc:  # unhashable cells (lists, dicts)
        raise _Unkeyable(str(exc)) from exc
    return head + [np.ascontiguousarray(rows.to_numpy()).tobytes().hex()]


@functools.lru_cache(maxsize=1)
def _code_and_versions() -> tuple[str, dict]:
    return source_hash(_PACKAGE), library_versions("matplotlib", "numpy", "pandas", "scipy", "adjustText")


def figure_key(func, args: tuple, kwargs: dict) -> str | None:
    """The cache key of ``func(*args, **kwargs)``'s figure, or None when an argument cannot be keyed."""
    try:
        inputs = [_fingerprint(list(args)), _fingerprint(dict(sorted(kwargs.items())))]
    except _Unkeyable:
        return None
    code, versions = _code_and_versions()
    rc = {k: repr(v) for k, v in sorted(matplotlib.rcParams.items()) if not k.startswith(_UNDRAWN_RC)}
    return make_key("figure", f"{func.__module__}.{func.__qualname__}", code, versions, STYLE, rc, inputs)


class ReusableFigure:
    """A figure whose PNG and SVG are in the figure cache: drawn only if something asks for the Figure.

    Reading any attribute (``fig.axes``, ``fig.savefig``) draws the real
    figure with the plot function and marks it touched, so
    :func:`save_figure` then renders it instead of writing stored bytes.
    In a notebook it displays as the figure would.
    """

    def __init__(self, func, args: tuple, kwargs: dict, key: str | None, figure=None) -> None:
        object.__setattr__(self, "_state", {"func": func, "args": args, "kwargs": kwargs, "key": key,
                                            "figure": figure, "touched": False})

    @property
    def figure(self) -> matplotlib.figure.Figure:
        """The real Figure (drawn on first use); marks this figure touched."""
        state = object.__getattribute__(self, "_state")
        state["touched"] = True
        return _materialize(state)

    def __getattr__(self, name: str):
        return getattr(self.figure, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self.figure, name, value)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.figure)

    def __repr__(self) -> str:
        state = object.__getattribute__(self, "_state")
        return f"<figure of {state['func'].__name__}{' (stored)' if state['figure'] is None else ''}>"


def _materialize(state: dict) -> matplotlib.figure.Figure:
    if state["figure"] is None:
        state["figure"] = state["func"](*state["args"], **state["kwargs"])
    return state["figure"]


def reusable(func):
    """Decorate a ``plot_*`` function so that an unchanged figure is not drawn again (module docstring)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not reuse_enabled():
            return func(*args, **kwargs)
        # every plot function starts with use_style(); applied here, the style a
        # later call sees is the same whether this figure is drawn or reused
        use_style()
        key = figure_key(func, args, kwargs)
        if key is None:
            return func(*args, **kwargs)
        store = Store("figures")
        if all(store.enabled and store.file(key, "figure", fmt).exists() for fmt, _ in _FORMATS):
            return ReusableFigure(func, args, kwargs, key)
        # a miss: draw now, so an error surfaces at the plot call as it always did
        return ReusableFigure(func, args, kwargs, key, figure=func(*args, **kwargs))

    wrapper.__wrapped_plot__ = func
    return wrapper


def _render(fig: matplotlib.figure.Figure) -> dict[str, bytes]:
    out = {}
    with plt.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"], "svg.fonttype": "none"}):
        for fmt, meta in _FORMATS:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=meta, dpi=STYLE["savefig.dpi"], bbox_inches="tight")
            out[fmt] = buf.getvalue()
    return out


def _stored(store: Store, key: str) -> dict[str, bytes] | None:
    """The stored PNG and SVG of ``key``, or None (with a warning when a file is damaged)."""
    out = {}
    for fmt, _ in _FORMATS:
        path = store.file(key, "figure", fmt)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not data.startswith(_MAGIC[fmt]):
            store.warn_corrupt(path, f"not a {fmt.upper()} file")
            return None
        out[fmt] = data
    return out


def _figure_bytes(fig) -> tuple[dict[str, bytes], bool, matplotlib.figure.Figure | None]:
    """``(bytes by format, drawn?, the Figure or None)`` for a Figure or a :class:`ReusableFigure`."""
    if not isinstance(fig, ReusableFigure):
        return _render(fig), True, fig
    state = object.__getattribute__(fig, "_state")
    store, key = Store("figures"), state["key"]
    if not state["touched"]:
        if state["figure"] is None:
            stored = _stored(store, key)
            if stored is not None:
                return stored, False, None
        figure = _materialize(state)
        data = _render(figure)
        if store.prepare():
            try:
                for fmt, _ in _FORMATS:
                    atomic_write_bytes(store.file(key, "figure", fmt), data[fmt])
            except OSError as exc:
                store.warn_unwritable(exc)
        return data, True, figure
    figure = _materialize(state)
    return _render(figure), True, figure


def save_figure(
    fig: matplotlib.figure.Figure | ReusableFigure,
    name: str,
    data: pd.DataFrame | None = None,
    *,
    directory: str | os.PathLike | None = None,
    close: bool = False,
    show: bool | None = None,
) -> SavedFigure:
    """Save ``fig`` as ``NAME.png`` and ``NAME.svg`` (and ``data`` as ``NAME.csv``).

    ``fig`` is what a ``plot_*`` function returned: a Figure, or a
    :class:`ReusableFigure` whose stored bytes are written without drawing
    (module docstring). ``name`` is the file stem, by convention prefixed
    with the notebook number (``"01-coherence"``). ``directory`` defaults to
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

    Returns the paths written, keyed by ``png``, ``svg`` and ``csv``, with
    ``drawn`` False when the images came from the figure cache.
    """
    out = Path(directory) if directory is not None else config.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = SavedFigure()
    images, drawn, figure = _figure_bytes(fig)
    for fmt, _ in _FORMATS:
        target = out / f"{name}.{fmt}"
        atomic_write_bytes(target, images[fmt])
        paths[fmt] = target
    paths.drawn = drawn
    if data is not None:
        target = out / f"{name}.csv"
        atomic_write_bytes(target, csv_bytes(data))
        paths["csv"] = target
    log = os.environ.get("CORPUS_TOOLS_FIGURE_LOG")
    if log:  # `corpus-tools run` prunes figures a notebook no longer writes
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(name + "\n")
    if show is None:
        show = _in_kernel()
    png = images["png"]
    if show:
        from IPython.display import Image, display

        width = int.from_bytes(png[16:20], "big")  # the IHDR chunk: width, then height
        display(Image(data=png, format="png", width=round(width * STYLE["figure.dpi"] / STYLE["savefig.dpi"])))
        close = True
    if close and figure is not None:
        plt.close(figure)
    return paths


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (a notebook), False in scripts and plain IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None
