"""Figures of notebook 00: the corpus at a glance.

Each function takes a table from :mod:`corpus_tools.corpus` or
:mod:`corpus_tools.describe` and returns a matplotlib Figure.
"""
from __future__ import annotations

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..corpus import date_interval, date_position, doc_labels, shorten
from .save import reusable
from .style import PRECISION_STYLES, date_ticks, legend_offset, plain, use_style

__all__ = ["plot_timeline", "plot_lengths", "plot_token_summary", "plot_term_counts", "plot_actor_rates"]


@reusable
def plot_timeline(docs: pd.DataFrame, *, label: str = "author", max_rows: int = 40) -> matplotlib.figure.Figure:
    """Publication dates on a real time axis, with date precision visible.

    ``docs`` is ``Corpus.to_frame()``. Each document is a point at
    :func:`corpus_tools.corpus.date_position`; a horizontal bar spans the
    range of dates it could have (the whole month or year when only those are
    known). Filled markers are exact days, hollow ones month or year only.

    With more than ``max_rows`` dated documents there is one row per value of
    ``label`` (the ``max_rows - 1`` most frequent; the rest share an "other"
    row) and each document is a tick on its row, so 10,000 speeches still
    give a readable figure. The date axis keeps matplotlib's ticks while
    their labels fit and thins them otherwise
    (:func:`corpus_tools.plots.style.date_ticks`).
    """
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
        style = PRECISION_STYLES.get(prec, PRECISION_STYLES["day"])
        start, end = date_interval(row["date"], prec)
        ax.plot([start, end], [i, i], color="C0", alpha=0.35, lw=6, solid_capstyle="butt")
        ax.scatter(
            [row["pos"]], [i], marker=style["marker"], s=60, zorder=3,
            facecolors="C0" if style["filled"] else "none", edgecolors="C0",
            label=style["label"] if prec not in seen else None,
        )
        seen.add(prec)
    names = [
        plain(shorten(f"{row[label] or '(no ' + label + ')'} — {row['doc_id']}", 45))
        for _, row in frame.iterrows()
    ]
    ax.set_yticks(range(len(frame)), names)
    ax.invert_yaxis()
    ax.set_xlabel("publication date (bar = range of possible dates)")
    ax.set_title("When the documents were published")
    date_ticks(ax, width=6.0, years=bool((frame["date_precision"] == "year").all()))  # the axes is 6.2 inches wide
    # below the axis labels, and no further than 0.75 inch under the axes however many rows
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -legend_offset(ax, 0.25, inches=0.75)), ncol=3, fontsize=8)
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
    ax.set_yticks(range(len(order)), [f"{plain(shorten(v, 30))} ({int((rows == v).sum()):,})" for v in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    # about 6.5 inches wide once the row labels have their room
    date_ticks(ax, width=6.0, years=bool((frame["date_precision"] == "year").all()))
    ax.set_xlabel("publication date (one tick per document; year-only dates drawn at 1 July)")
    precisions = frame["date_precision"].replace("", "unknown").value_counts()
    prec = ", ".join(f"{n:,} {p}" for p, n in precisions.items())
    ax.set_title(
        f"When the documents were published:\n{len(frame):,} dated documents by {plain(label)} ({prec} precision)"
        + (f"; {n_undated:,} undated not shown" if n_undated else ""),
        fontsize=10,
    )
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def _many(n: int) -> bool:
    return n > 40


@reusable
def plot_lengths(docs: pd.DataFrame) -> matplotlib.figure.Figure:
    """Words and paragraphs per document (``docs`` = ``Corpus.to_frame()``).

    With more than 40 documents the bars become histograms.
    """
    use_style()
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.6 + 0.35 * min(len(docs), 40)) if not _many(len(docs)) else (10, 3.5))
    if _many(len(docs)):
        for ax, col, lab in zip(axes, ("n_words", "n_paragraphs"), ("words", "paragraphs")):
            ax.hist(docs[col], bins=40, color="C0")
            ax.set_xlabel(f"{lab} per document")
            ax.set_ylabel("documents")
    else:
        labels = [plain(x) for x in doc_labels(docs)]
        y = np.arange(len(docs))
        for ax, col, lab in zip(axes, ("n_words", "n_paragraphs"), ("words", "paragraphs")):
            ax.barh(y, docs[col], color="C0")
            ax.set_yticks(y, labels if ax is axes[0] else [""] * len(y))
            ax.invert_yaxis()
            ax.set_xlabel(f"{lab} (body text)")
            for yi, v in zip(y, docs[col]):
                ax.text(v, yi, f" {v:,}", va="center", fontsize=8)
    fig.suptitle("Document lengths")
    fig.tight_layout()
    return fig


@reusable
def plot_token_summary(summary: pd.DataFrame) -> matplotlib.figure.Figure:
    """Tokens per document and mean segmental TTR, side by side."""
    use_style()
    if _many(len(summary)):
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
        axes[0].hist(summary["n_tokens"], bins=40)
        axes[0].set_xlabel("tokens per document")
        axes[1].hist(summary["msttr"].dropna(), bins=40)
        axes[1].set_xlabel("mean segmental TTR (100-token segments)")
        axes[0].set_ylabel("documents")
    else:
        fig, axes = plt.subplots(1, 2, figsize=(10, 0.8 + 0.35 * len(summary)))
        y = np.arange(len(summary))
        axes[0].barh(y, summary["n_tokens"])
        axes[0].set_yticks(y, [plain(x) for x in summary["label"]])
        axes[0].set_xlabel("tokens (punctuation excluded)")
        axes[1].barh(y, summary["msttr"], color="C1")
        axes[1].set_yticks(y, [""] * len(y))
        axes[1].set_xlim(0, 1)
        axes[1].set_xlabel("mean segmental type/token ratio (100-token segments)")
        for ax in axes:
            ax.invert_yaxis()
    fig.suptitle("Tokens and lexical variety")
    fig.tight_layout()
    return fig


@reusable
def plot_term_counts(counts: pd.DataFrame, *, title: str = "Most frequent lemmas") -> matplotlib.figure.Figure:
    """Horizontal bars of ``per_1k`` from :func:`term_counts` (terms shortened to 40 characters)."""
    use_style()
    names = [plain(shorten(t, 40)) for t in counts["term"]]
    # 6 inches, wider when long terms would leave the bars less room than the axis label needs
    longest = max((len(t) for t in names), default=0)
    fig, ax = plt.subplots(figsize=(max(6, 3.4 + 0.08 * longest), 0.6 + 0.25 * len(counts)))
    y = np.arange(len(counts))
    ax.barh(y, counts["per_1k"])
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("occurrences per 1,000 tokens (whole corpus)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


@reusable
def plot_actor_rates(rates: pd.DataFrame, *, max_rows: int = 30) -> matplotlib.figure.Figure:
    """Heatmap of actor mentions per 1,000 tokens, documents (or groups) × actors.

    ``rates`` is :func:`actor_counts`, per document or pooled per group (then
    the rows are groups and the title says how many documents they pool).
    With more than ``max_rows`` rows, those with the most tokens are shown
    and the title says so; at most 25 actors, the most mentioned.
    """
    use_style()
    table = rates.pivot_table(index="label", columns="actor", values="per_1k", fill_value=0.0)
    table = table.loc[:, table.sum().sort_values(ascending=False).index[:25]]
    size = rates.groupby("label")["n_tokens"].first() if "n_tokens" in rates else table.sum(axis=1)
    n_rows = len(table)
    if n_rows > max_rows:
        keep = size.reindex(table.index).sort_values(ascending=False, kind="stable").index[:max_rows]
        table = table.loc[sorted(keep)]
    # columns of 0.6 inch, narrower (down to 0.52 inch for 25 actors) to keep within 15 inches;
    # at least 7 inches, so that a few actors still leave room for the labels and the title
    col = min(0.6, 13.4 / max(table.shape[1], 1))
    fig, ax = plt.subplots(figsize=(max(7.0, 1.6 + col * table.shape[1]), max(3.2, 1.2 + 0.4 * table.shape[0])))
    im = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [plain(shorten(str(a), 20)) for a in table.columns], rotation=45, ha="right")
    ax.set_yticks(range(table.shape[0]), [plain(shorten(str(x), 32)) for x in table.index])
    vmax = table.to_numpy().max() if table.size else 0
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            v = table.iat[i, j]
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=8,
                    color="white" if v > 0.6 * vmax else "black")
    fig.colorbar(im, ax=ax, label="mentions per 1,000 tokens")
    title = "Who is mentioned, and how often"
    if "group" in rates:
        n_docs = int(rates.groupby("group")["n_docs"].first().sum())
        title += f"\n({n_rows} groups pooling {n_docs:,} documents)"
    if n_rows > max_rows:
        title += f"\nthe {max_rows} of {n_rows} rows with the most tokens"
    ax.set_title(title)
    fig.tight_layout()
    if fig.get_tightbbox().x1 > fig.get_figwidth():
        # with few columns the first pass leaves the colorbar's label past the right edge; a second settles it
        fig.tight_layout()
    return fig
