"""Figures of notebook 02: frequencies, trends, change, tf-idf and dispersion.

Each function takes a table from :mod:`corpus_tools.keywords` and returns a
matplotlib Figure; none computes a statistic of its own.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..corpus import date_interval, date_order, date_position, doc_labels, shorten
from ..stats import FEW_UNITS
from .save import reusable
from .style import (MAX_HEIGHT, PRECISION_STYLES, date_ticks, grid_shape, plain, suptitle, text_width, thin_ticks,
                    tight_layout, use_style, wrap_to_width)

__all__ = ["plot_frequencies", "plot_trend", "plot_change", "plot_distinctive", "plot_dispersion"]


def _panel_order(groups: Sequence[str], order: Sequence[str] | None) -> list[str]:
    """Groups in ``order`` first (those present), then the rest as they come."""
    groups = list(dict.fromkeys(groups))
    if order is None:
        return groups
    first = [g for g in dict.fromkeys(order) if g in set(groups)]
    return first + [g for g in groups if g not in set(first)]


@reusable
def plot_frequencies(freq: pd.DataFrame, *, n: int = 15, labels: Mapping[str, str] | pd.Series | None = None,
                     order: Sequence[str] | None = None, ncols: int = 3, max_panels: int = 12,
                     title: str | None = None) -> matplotlib.figure.Figure:
    """Horizontal bars of the ``n`` most frequent terms per group, per 1,000 tokens.

    ``freq`` is :func:`corpus_tools.keywords.frequencies` output. One
    panel per group, in ``order`` if given (e.g.
    :func:`corpus_tools.corpus.date_order`) else as they come, at most
    ``max_panels`` (the title says how many were left out); each panel ranks
    its own terms. The raw count is printed at the end of each bar so rates
    are never read without their counts. Long terms are shortened to 24
    characters.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    groups = _panel_order(freq["group"], order)
    shown = groups[:max_panels]
    nrows, ncols = grid_shape(len(shown), ncols)
    # 3.6 inches a panel; a lone panel gets 6 so that the title fits
    fig, axes = plt.subplots(nrows, ncols, figsize=(max(3.6 * ncols, 6.0), 0.22 * n * nrows + 1.0 * nrows + 0.6),
                             squeeze=False)
    for ax, g in zip(axes.flat, shown):
        top = freq[freq["group"] == g].head(n).iloc[::-1]
        ax.barh(np.arange(len(top)), top["per_1k"], color="C0")
        ax.set_yticks(np.arange(len(top)), [plain(shorten(t, 24)) for t in top["term"]])
        for y, (v, c) in enumerate(zip(top["per_1k"], top["count"])):
            ax.text(v, y, f" {c}", va="center", fontsize=7, color="0.3")
        ax.set_title(plain(shorten(labels.get(g, g), 38)), fontsize=9)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel("per 1,000 tokens", fontsize=8)
        ax.margins(x=0.18)
    for ax in axes.flat[len(shown):]:
        ax.set_visible(False)
    head = title or f"Most frequent terms (top {n}; number = raw count)"
    if len(groups) > len(shown):
        head += f" — first {len(shown)} of {len(groups)} groups"
    suptitle(fig, head)
    tight_layout(fig)
    return fig


@reusable
def plot_trend(tr: pd.DataFrame, *, ncols: int = 3, labels: Mapping[str, str] | pd.Series | None = None,
               hue: Mapping[str, str] | pd.Series | None = None, sharey: bool = False,
               max_colors: int = 10, fit: pd.DataFrame | None = None,
               model: pd.DataFrame | None = None) -> matplotlib.figure.Figure:
    """Small multiples, one per concept: rate per 1,000 tokens on a real date axis.

    ``tr`` is :func:`corpus_tools.keywords.trend` output. Each point carries its 95%
    interval (:func:`corpus_tools.stats.rate_ci`) as a vertical error bar;
    a point whose estimate rests on fewer than
    :data:`corpus_tools.stats.FEW_UNITS` units (``few_units``) is ringed in
    grey: its interval is honest but wide, and its width uncertain.

    ``fit`` (:func:`corpus_tools.keywords.trend_curve`) adds each concept's
    fitted trend as a dashed line with its 95% band, and ``model``
    (:func:`corpus_tools.keywords.trend_model`) the slope per decade with its
    interval at the panel's top right, starred when its BH-adjusted p is
    below the level the table used (``significant``); a concept without a
    slope gets neither. The concept's name then moves to the left and
    wraps onto a second line where it would run into the slope. The line
    is drawn on a date axis only; on a categorical axis (groups such as
    authors) the slope is still given, over the documents' dates.

    * Per-document rows (``unit == "paragraph"``) are drawn at
      :func:`corpus_tools.corpus.date_position`: filled markers for exact
      days; hollow squares (month only, drawn mid-month) and hollow diamonds
      (year only, drawn at 1 July) with a horizontal bar spanning every date
      the document could have. Documents are not joined by lines: they are
      separate texts, usually by different authors. With at most
      ``max_colors`` documents each has its own colour, named in the legend
      by ``labels`` (doc_id -> "Author (date)"); with more, ``hue`` (doc_id ->
      category, e.g. the author) colours them by category if there are at
      most ``max_colors`` categories.
    * Pooled groups (``by="year"``) are joined by a thin line, with smaller
      markers and no caps when there are many (the figure stays readable
      with ~80 yearly points). A panel's scale ends at twice its highest
      rate or fitted rate: intervals and trend bands that reach beyond
      (groups of a few documents, a rare concept's slope) are cut there,
      and the title says so.
    * Rows without a date (groupings such as ``"author"``) go on a
      categorical axis instead, labelled every k-th group when there are too
      many to label each (:func:`corpus_tools.plots.style.thin_ticks`).

    The panels share a date axis whose ticks stay legible from one year to
    eighty (:func:`corpus_tools.plots.style.date_ticks`; whole years when
    every date is a year). Concept names are shortened to 40 characters (90
    in a single column). ``sharey=False`` gives each concept its own y
    scale; every panel starts at 0.
    """
    from matplotlib.lines import Line2D

    use_style()
    labels = dict(labels) if labels is not None else {}
    frame = tr.copy()
    frame["date_precision"] = frame["date_precision"].fillna("").astype(str)
    frame["x"] = [date_position(d, p) if d else pd.NaT for d, p in zip(frame["date"], frame["date_precision"])]
    dated = bool(frame["x"].notna().all())
    per_doc = bool((frame["unit"] == "paragraph").all()) if "unit" in frame else True
    concepts = list(dict.fromkeys(frame["term"]))
    groups = list(dict.fromkeys(frame.sort_values("x", kind="stable")["group"])) if dated else list(dict.fromkeys(frame["group"]))
    if not dated:
        frame["x"] = frame["group"].map({g: i for i, g in enumerate(groups)})
    n_points = len(groups)
    hue = dict(hue) if hue is not None else {}
    categories = list(dict.fromkeys(str(hue.get(g, "")) for g in groups))
    if per_doc and n_points <= max_colors:
        palette = {g: f"C{i}" for i, g in enumerate(groups)}
        legend_items = [(palette[g], plain(shorten(labels.get(g, g), 32))) for g in groups]
    elif per_doc and hue and len(categories) <= max_colors:
        cat_color = {c: f"C{i}" for i, c in enumerate(categories)}
        palette = {g: cat_color[str(hue.get(g, ""))] for g in groups}
        legend_items = [(cat_color[c], plain(shorten(c or "(none)", 32))) for c in categories]
    else:
        legend_items = []
        palette = {g: "C0" for g in groups}
    colored = bool(legend_items)
    frame["color"] = frame["group"].map(palette)
    size = 6.5 if n_points <= 15 else (4 if n_points <= 40 else 2.5)

    nrows, ncols = grid_shape(len(concepts), ncols)
    width = max(4.2 * ncols, 8.0)  # a single panel still needs room for the legend
    row = 2.5 if ncols > 1 else 3.2
    if not dated:
        row += 0.9  # the slanted group labels (18 characters) under the panels, kept out of the panels' height
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, row * nrows + (1.3 if colored else 0.9)),
                             squeeze=False, sharex=True, sharey=sharey)
    slopes = model.set_index("term") if model is not None else None
    # the room (inches) beside a slope for the concept's name; as in date_ticks, a
    # panel is its column's width less about an inch of y labels
    panel_width = width / ncols - 1.0
    clipped = band_clipped = shown_slope = drawn_line = False
    for ax, concept in zip(axes.flat, concepts):
        sub = frame[frame["term"] == concept].sort_values("x", kind="stable")
        if not per_doc and dated:
            ax.plot(sub["x"], sub["per_1k"], color="C0", lw=0.8, alpha=0.5, zorder=1)
        line = fit[fit["term"] == concept] if fit is not None and dated else None
        if line is not None and len(line):
            ax.fill_between(line["date"], line["low"], line["high"], color="0.35", alpha=0.18, lw=0, zorder=0)
            ax.plot(line["date"], line["per_1k"], color="0.15", lw=1.2, ls="--", zorder=1)
            drawn_line = True
        for color, pts in sub.groupby("color", sort=False):
            err = np.vstack([pts["per_1k"] - pts["ci_low"], pts["ci_high"] - pts["per_1k"]])
            ax.errorbar(pts["x"], pts["per_1k"], yerr=err, fmt="none", ecolor=color,
                        elinewidth=1.0 if n_points <= 40 else 0.7, capsize=2.5 if n_points <= 15 else 0,
                        alpha=0.85, zorder=2)
            for prec, style in PRECISION_STYLES.items():
                these = pts[pts["date_precision"] == prec] if per_doc and dated else (pts if prec == "day" else pts.iloc[:0])
                if these.empty:
                    continue
                hollow = per_doc and dated and not style["filled"]
                ax.plot(these["x"], these["per_1k"], linestyle="none", marker=style["marker"] if per_doc else "o",
                        markersize=size, markerfacecolor="white" if hollow else color, markeredgecolor=color,
                        markeredgewidth=1.3, zorder=3, clip_on=False)
                few = these[these["few_units"].astype(bool)] if "few_units" in these else these.iloc[:0]
                if len(few):
                    # Few paragraphs or documents: the interval is honest but its width is
                    # itself uncertain, so mark the point with a grey ring.
                    ax.plot(few["x"], few["per_1k"], linestyle="none", marker="o", markersize=size + 4,
                            markerfacecolor="none", markeredgecolor="0.45", markeredgewidth=1.0, zorder=3,
                            clip_on=False)
                if hollow:
                    spans = [date_interval(d, prec) for d in these["date"]]
                    ax.hlines(these["per_1k"], [a for a, _ in spans], [b for _, b in spans], colors=color,
                              lw=4, alpha=0.3, zorder=1)
        name = shorten(concept, 40 if ncols > 1 else 90)
        if slopes is not None and concept in slopes.index and bool(slopes.loc[concept, "estimated"]):
            m = slopes.loc[concept]
            slope = (f"{m['pct_change']:+.0f}%/decade [{m['pct_low']:+.0f}, {m['pct_high']:+.0f}]"
                     + ("*" if m["significant"] else ""))
            # the name wraps rather than run into the slope (two titles share the line)
            room = panel_width - text_width(slope, 7.5) - 0.15
            ax.set_title(plain(wrap_to_width(name, room, fontsize=10)), fontsize=10, loc="left")
            ax.set_title(slope, fontsize=7.5, loc="right", color="0.25")
            shown_slope = True
        else:
            ax.set_title(plain(name), fontsize=10)
        if not (sub["count"] > 0).any():
            ax.text(0.5, 0.5, "no occurrences", transform=ax.transAxes, ha="center", va="center",
                    color="0.45", fontsize=9)
        ax.set_ylim(bottom=0)
        if not per_doc and (sub["count"] > 0).any():
            # Groups of a few documents have honest but very wide intervals, and a rare
            # concept's slope a band that fans out at the ends; scaled to them, the rates
            # and the fitted line would be a flat band at the bottom. Cut bars and band at
            # twice the highest rate (or fitted rate) instead: what leaves the panel is wide.
            has_line = line is not None and len(line)
            top = 2.0 * max(sub["per_1k"].max(), line["per_1k"].max() if has_line else 0.0)
            band = line["high"].max() if has_line else 0.0
            if sub["ci_high"].max() > top or band > top:
                ax.set_ylim(0, top)
                clipped = True
                band_clipped |= band > top
        ax.grid(axis="y", alpha=0.3)
    for ax in axes.flat[len(concepts):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("per 1,000 tokens")
    # Tick labels under the last visible panel of every column.
    group_names = [plain(shorten(labels.get(g, g), 18)) for g in groups]
    for col in range(ncols):
        visible = [axes[r, col] for r in range(nrows) if axes[r, col].get_visible()]
        if not visible:
            continue
        ax = visible[-1]
        ax.tick_params(axis="x", labelbottom=True, labelsize=8)
        if not dated:
            ax.set_xticks(range(len(groups)), group_names, rotation=45, ha="right")
    if dated:
        # the panels share their x axis: one set of ticks for all, legible over 1 to 80 years;
        # a panel is its column's width less about an inch of y labels
        date_ticks(axes[0, 0], width=width / ncols - 1.0, fontsize=8,
                   years=bool((frame["date_precision"] == "year").all()))

    unit_name = "paragraphs" if per_doc else "documents"
    handles = [Line2D([], [], color="0.3", marker="|", linestyle="none", markersize=10,
                      label=f"95% interval (quasi-Poisson, spread over {unit_name})")]
    if "few_units" in frame and frame["few_units"].astype(bool).any():
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor="none",
                              markeredgecolor="0.45", label=f"ring: fewer than {FEW_UNITS} {unit_name}, wide interval"))
    if drawn_line:
        handles.append(Line2D([], [], color="0.15", lw=1.2, ls="--",
                              label="NB trend, 95% band; top right: % per decade [95% CI], * BH p < 0.05"))
    elif shown_slope:  # slopes over the documents' dates beside groups that have none
        handles.append(Line2D([], [], linestyle="none",
                              label="top right: NB trend over the documents' dates, % per decade [95% CI], "
                                    "* BH p < 0.05"))
    if per_doc and dated:
        present = set(frame["date_precision"])
        for prec, style in PRECISION_STYLES.items():
            if prec in present:
                handles.append(Line2D([], [], linestyle="none", marker=style["marker"], color="0.3",
                                      markerfacecolor="0.3" if style["filled"] else "white", label=style["label_bar"]))
    else:
        handles.append(Line2D([], [], color="C0", marker="o", lw=0.8, markersize=4,
                              label="one group of documents (e.g. a year)"))
    handles += [Line2D([], [], color=color, marker="o", linestyle="none", label=text)
                for color, text in legend_items]
    ncol = 3 if width >= 10 else 2
    fig.legend(handles=handles, loc="lower center", ncol=ncol, fontsize=8, bbox_to_anchor=(0.5, 0.0))
    legend_rows = math.ceil(len(handles) / ncol)
    bottom = (0.25 + 0.17 * legend_rows) / fig.get_figheight()
    unit = "paragraphs within each document" if per_doc else "documents within each group"
    cut = ("\nintervals and trend bands that leave a panel are cut at twice its highest rate or fitted rate"
           if band_clipped else "\nintervals that leave a panel are cut at twice its highest rate")
    suptitle(fig, f"Rate per 1,000 tokens with 95% intervals (dispersion from the {unit})" + (cut if clipped else ""),
             fontsize=11)
    tight_layout(fig, bottom=bottom)
    if not dated:
        # many groups on a categorical axis: label every k-th so the labels stay apart
        thin_ticks(axes[0, 0], "x", group_names, rotation=45, ha="right")
    return fig


@reusable
def plot_change(ch: pd.DataFrame, *, n: int = 10, early_label: str = "early", late_label: str = "late"
                ) -> matplotlib.figure.Figure:
    """Diverging bars of the log2 rate ratio for the ``n`` terms that rose and fell with the smallest p.

    ``ch`` is :func:`corpus_tools.keywords.change` output, already sorted by
    its criterion's p. A bar is solid, and its label starred, exactly where
    the table's ``significant`` column is True (the criterion's
    BH-adjusted p below the level); other bars are pale. Each bar is
    annotated with that adjusted p; the title names the criterion. Terms longer
    than 40 characters are shortened.
    """
    use_style()
    rose = ch[ch["direction"] == "rose"].head(n)
    fell = ch[ch["direction"] == "fell"].head(n)
    top = pd.concat([rose, fell]).sort_values("log_ratio")
    fig, ax = plt.subplots(figsize=(7, 0.28 * max(len(top), 2) + 1.4))
    colors = np.where(top["log_ratio"] > 0, "C3", "C0")
    alphas = np.where(top["significant"].astype(bool), 1.0, 0.35)
    # numeric positions: two terms that shorten alike must stay two bars
    bars = ax.barh(np.arange(len(top)), top["log_ratio"], color=colors)
    for bar, alpha in zip(bars, alphas):
        bar.set_alpha(alpha)
    ax.set_yticks(np.arange(len(top)), [plain(shorten(t, 40)) for t in top["term"]])
    for y, (lr, q, sig) in enumerate(zip(top["log_ratio"], top["p_adj"], top["significant"])):
        ax.text(lr, y, f" p={q:.2g}{'*' if sig else ''} ", va="center", fontsize=7,
                ha="left" if lr > 0 else "right", color="0.3")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel(f"log2 rate ratio ({plain(late_label)} / {plain(early_label)}); +1 = twice as frequent later")
    ax.tick_params(axis="y", labelsize=8)
    ax.margins(x=0.25)
    criterion = str(ch["criterion"].iloc[0]) if len(ch) else "tokens"
    how = ("quasi-Poisson over documents" if criterion == "documents"
           else "pooled tokens, exact or G² (liberal for bursty terms)")
    ax.set_title("Terms that rose (red) and fell (blue), smallest p first\n"
                 f"test: {how}; p BH-adjusted\n"
                 "solid and * = significant; pale = the data do not show a change", fontsize=9)
    fig.tight_layout()
    return fig


@reusable
def plot_distinctive(tfidf: pd.DataFrame, *, labels: Mapping[str, str] | pd.Series | None = None,
                     order: Sequence[str] | None = None, ncols: int = 3, max_panels: int = 12
                     ) -> matplotlib.figure.Figure:
    """Small-multiple bars of each group's most distinctive terms by tf-idf.

    ``tfidf`` is :func:`corpus_tools.keywords.distinctive_by_tfidf` output; panels follow
    ``order`` as in :func:`plot_frequencies`, and the raw count is printed
    at the end of each bar.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    groups = _panel_order(tfidf["group"], order)
    shown = groups[:max_panels]
    if not shown:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.text(0.5, 0.5, "no distinctive terms: tf-idf needs at least two documents", ha="center")
        ax.axis("off")
        return fig
    n = int(tfidf["rank"].max())
    nrows, ncols = grid_shape(len(shown), ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(max(3.6 * ncols, 6.0), 0.24 * n * nrows + 1.0 * nrows + 0.6),
                             squeeze=False)
    for ax, g in zip(axes.flat, shown):
        sub = tfidf[tfidf["group"] == g].iloc[::-1]
        ax.barh(np.arange(len(sub)), sub["tfidf"], color="C2")
        ax.set_yticks(np.arange(len(sub)), [plain(shorten(t, 24)) for t in sub["term"]])
        for y, (v, c) in enumerate(zip(sub["tfidf"], sub["count"])):
            ax.text(v, y, f" {c}", va="center", fontsize=7, color="0.3")
        ax.set_title(plain(shorten(labels.get(g, g), 38)), fontsize=9)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel("tf-idf (unit-length per document)", fontsize=8)
        ax.margins(x=0.18)
    for ax in axes.flat[len(shown):]:
        ax.set_visible(False)
    head = "Most distinctive terms by tf-idf (number = raw count)"
    if len(groups) > len(shown):
        head += f" — first {len(shown)} of {len(groups)} groups"
    suptitle(fig, head)
    tight_layout(fig)
    return fig


@reusable
def plot_dispersion(disp: pd.DataFrame, docs: pd.DataFrame, *, labels: Mapping[str, str] | pd.Series | None = None,
                    concepts: Sequence[str] | None = None, ncols: int = 4, max_docs: int = 40
                    ) -> matplotlib.figure.Figure:
    """Lexical dispersion plot in the manner of quanteda's ``textplot_xray``.

    ``disp`` is :func:`corpus_tools.keywords.dispersion` output and ``docs`` the document table
    (``tokens.docs``). One panel per concept; within a panel one row per
    document, in date order (so documents without the term show an empty
    row), and a vertical tick at each occurrence's relative position (0 =
    start of the document, 1 = end). At most ``max_docs`` documents (the
    earliest) are drawn, fewer when many panels would make the figure taller
    than :data:`corpus_tools.plots.style.MAX_HEIGHT`; the title says how many
    were left out. ``labels`` defaults to :func:`corpus_tools.corpus.doc_labels`.
    """
    use_style()
    labels = dict(labels) if labels is not None else dict(doc_labels(docs))
    if concepts is None:
        term = disp["term"]
        concepts = list(term.cat.categories) if isinstance(term.dtype, pd.CategoricalDtype) else list(dict.fromkeys(term))
    concepts = list(concepts)
    doc_ids = date_order(docs)
    nrows, ncols = grid_shape(len(concepts), ncols)
    # rows of 0.2 inch (8-point labels) in panels 0.6 inch taller, the suptitle 0.8 inch
    fit = int(((MAX_HEIGHT - 0.8) / nrows - 0.6) / 0.2)
    docs = doc_ids[:max(1, min(max_docs, fit))]
    row = {d: i for i, d in enumerate(docs)}
    height = max(1.2, 0.2 * len(docs) + 0.6)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols + 1.6, height * nrows + 0.8),
                             squeeze=False, sharex=True, sharey=True)
    for ax, concept in zip(axes.flat, concepts):
        sub = disp[(disp["term"] == concept) & disp["doc_id"].isin(row)]
        ax.scatter(sub["relative_position"], sub["doc_id"].map(row), marker="|", s=80, color="C0", linewidths=1.2)
        n_hits = len(sub)
        ax.set_title(f"{plain(shorten(concept, 28))} (n={n_hits})", fontsize=9)
        ax.set_xlim(0, 1)
        ax.set_ylim(len(docs) - 0.5, -0.5)
        for y in range(len(docs)):
            ax.axhline(y, color="0.9", lw=0.6, zorder=0)
    for ax in axes.flat[len(concepts):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_yticks(range(len(docs)), [plain(shorten(labels.get(d, d), 26)) for d in docs], fontsize=8)
    for col in range(ncols):
        visible = [axes[r, col] for r in range(nrows) if axes[r, col].get_visible()]
        if visible:
            visible[-1].set_xlabel("relative position in document", fontsize=8)
            visible[-1].tick_params(axis="x", labelbottom=True, labelsize=8)
    head = "Where the tracked terms occur in each document (lexical dispersion)"
    if len(doc_ids) > len(docs):
        head += f"\n(the first {len(docs)} of {len(doc_ids):,} documents)"  # its own line: two panels are 7 inches
    suptitle(fig, head, fontsize=11)
    tight_layout(fig)
    return fig
