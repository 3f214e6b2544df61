"""Plotting helpers: one house style and one way to save a figure.

``plot_*`` functions take tidy DataFrames and return a matplotlib Figure;
:func:`save_figure` writes it (PNG + SVG, and the plotted data as CSV) with
volatile metadata stripped so that a rerun on the same data produces
byte-identical files.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import pandas as pd

from . import config

__all__ = ["use_style", "save_figure", "SavedFigure", "atomic_write_bytes", "plot_timeline", "shorten"]

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


def use_style() -> None:
    """Apply the house style (deterministic SVG ids, legible sizes)."""
    plt.rcParams.update(STYLE)


def shorten(text: str, width: int = 40) -> str:
    """Cut a label to ``width`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def atomic_write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; skip if the bytes are unchanged.

    The bytes go to a temporary file in the same folder, which is then
    renamed over the target, so an interrupted run leaves either the old
    file or the new one, never half of one. Returns True if the file changed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


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
        csv = data.to_csv(index=False, lineterminator="\n").encode("utf-8")
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


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------
# Corpus-level plots (notebook 00)
# ---------------------------------------------------------------------------
_PRECISION_STYLE = {
    "day": dict(marker="o", facecolor="C0", label="exact day"),
    "month": dict(marker="s", facecolor="none", label="month only (drawn mid-month)"),
    "year": dict(marker="D", facecolor="none", label="year only (drawn at 1 July)"),
}


def plot_timeline(docs: pd.DataFrame, *, label: str = "author", max_rows: int = 40) -> matplotlib.figure.Figure:
    """Publication dates on a real time axis, with date precision visible.

    ``docs`` is ``Corpus.to_frame()``. Each document is a point at
    :func:`corpus_tools.corpus.date_position`; a horizontal bar spans the
    range of dates it could have (the whole month or year when only those are
    known). Filled markers are exact days, hollow ones month or year only.

    With more than ``max_rows`` dated documents there is one row per value of
    ``label`` (the ``max_rows - 1`` most frequent; the rest share an "other"
    row) and each document is a tick on its row, so 10,000 speeches still
    give a readable figure.
    """
    from .corpus import date_interval, date_position

    use_style()
    frame = docs.copy()
    frame["pos"] = [date_position(d, p) for d, p in zip(frame["date"], frame["date_precision"])]
    frame = frame.dropna(subset=["pos"]).sort_values("pos").reset_index(drop=True)
    if len(frame) > max_rows:
        return _timeline_by_label(frame, label=label, max_rows=max_rows, n_undated=len(docs) - len(frame))
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.45 * max(len(frame), 2)))
    seen = set()
    for i, row in frame.iterrows():
        prec = row["date_precision"] or "day"
        style = _PRECISION_STYLE.get(prec, _PRECISION_STYLE["day"])
        start, end = date_interval(row["date"], prec)
        ax.plot([start, end], [i, i], color="C0", alpha=0.35, lw=6, solid_capstyle="butt")
        ax.scatter(
            [row["pos"]], [i], marker=style["marker"], s=60, zorder=3,
            facecolors=style["facecolor"], edgecolors="C0",
            label=style["label"] if prec not in seen else None,
        )
        seen.add(prec)
    names = [
        shorten(f"{row[label] or '(no ' + label + ')'} — {row['doc_id']}", 45)
        for _, row in frame.iterrows()
    ]
    ax.set_yticks(range(len(frame)), names)
    ax.invert_yaxis()
    ax.set_xlabel("publication date (bar = range of possible dates)")
    ax.set_title("When the documents were published")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _timeline_by_label(frame: pd.DataFrame, *, label: str, max_rows: int, n_undated: int) -> matplotlib.figure.Figure:
    """plot_timeline for many documents: one row per ``label`` value, a tick per document."""
    values = frame[label].astype(str).replace("", f"(no {label})")
    counts = values.value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    top = list(counts.index[: max_rows - 1]) if len(counts) > max_rows else list(counts.index)
    rest = len(counts) - len(top)
    rows = values.where(values.isin(top), f"other ({rest} values)")
    order = sorted(top, key=lambda v: (frame.loc[values == v, "pos"].min(), v))
    if rest:
        order.append(f"other ({rest} values)")
    y = rows.map({v: i for i, v in enumerate(order)})
    fig, ax = plt.subplots(figsize=(9, 1.4 + 0.32 * len(order)))
    ax.scatter(frame["pos"], y, marker="|", s=120, color="C0", alpha=0.6, linewidths=1.2)
    ax.set_yticks(range(len(order)), [f"{shorten(v, 30)} ({int((rows == v).sum()):,})" for v in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlabel("publication date (one tick per document; year-only dates drawn at 1 July)")
    precisions = frame["date_precision"].replace("", "unknown").value_counts()
    prec = ", ".join(f"{n:,} {p}" for p, n in precisions.items())
    ax.set_title(
        f"When the documents were published: {len(frame):,} dated documents by {label} ({prec} precision)"
        + (f"; {n_undated:,} undated not shown" if n_undated else ""),
        fontsize=10,
    )
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
