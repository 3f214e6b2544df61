"""Figures of notebook 03: distinctive terms, similarity, actors, voice, stance, keyness against English.

Each function takes the DataFrame an analysis of :mod:`corpus_tools.compare`
returned and returns a matplotlib Figure; none computes a statistic.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import matplotlib.figure
import matplotlib.patches
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..compare.similarity import cluster_order
from ..compare.stance import STANCE_CLASSES
from ..corpus import shorten
from .save import reusable
from .style import (MAX_HEIGHT, REPEL_ITERATIONS, grid_shape, legend_offset, plain, suptitle, text_width, thin_ticks,
                    tight_layout, use_style)

__all__ = [
    "plot_fightin_words",
    "plot_similarity",
    "plot_similarities",
    "plot_actor_framing",
    "plot_quoted_share",
    "plot_stance",
    "plot_reference_keyness",
]


@reusable
def plot_fightin_words(
    terms: pd.DataFrame,
    *,
    top_n: int = 10,
    ncols: int = 3,
    labels: Mapping[str, str] | None = None,
    max_panels: int = 12,
) -> matplotlib.figure.Figure:
    """Monroe et al.'s (2008) "fightin' words" plot, one panel per group.

    ``terms`` is :func:`corpus_tools.compare.distinctive_terms`. Every listed
    term is a point at x = its total count in the corpus (log scale) and y =
    its log-odds z for the group against the rest (the ranking). Exactly the
    rows with ``distinctive`` True are coloured (by ``direction``: over- or
    under-used); no other threshold is drawn, so the colour is the table's
    one criterion. The ``top_n`` highest z are labelled, coloured or not,
    and so are the distinctive terms (up to ``top_n`` per panel, by |z|), so
    that every coloured point is named; labels are moved apart with
    adjustText so they do not overlap.
    At most ``max_panels`` groups are drawn (the first, as they come); the
    title says how many were left out.
    """
    use_style()
    all_groups = list(dict.fromkeys(terms["group"]))
    groups = all_groups[:max_panels]
    terms = terms[terms["group"].isin(groups)]
    nrows, nc = grid_shape(len(groups), ncols)
    fig, axes = plt.subplots(nrows, nc, figsize=(4.6 * nc, 3.9 * nrows), squeeze=False, sharey=True)
    labels = dict(labels) if labels is not None else {}
    for ax in axes.ravel()[len(groups):]:
        ax.set_visible(False)
    pending = []
    alpha = float(terms["alpha"].iat[0]) if len(terms) else float("nan")
    by = "permutation test of documents" if set(terms["test"]) == {"permutation"} else "exact binomial / G² on tokens"
    criterion = f"{by}, BH-adjusted p < {alpha:g}"
    for ax, g in zip(axes.ravel(), groups):
        t = terms[terms["group"] == g]
        total = (t["count"] + t["count_rest"]).to_numpy(np.float64)
        z = t["z"].to_numpy(np.float64)
        sig = t["distinctive"].to_numpy(bool)
        over = sig & (t["direction"] == "over").to_numpy()
        under = sig & (t["direction"] == "under").to_numpy()
        rest = ~(over | under)
        ax.scatter(total[rest], z[rest], s=6, color="0.75", lw=0, label="not distinctive")
        ax.scatter(total[over], z[over], s=12, color="C3", lw=0, label=f"over-used (distinctive: {criterion})")
        ax.scatter(total[under], z[under], s=12, color="C0", lw=0, label=f"under-used (distinctive: {criterion})")
        ax.set_xscale("log")
        top = t.nlargest(top_n, "z")
        top = top[top["z"] > 0]
        # A coloured point is always named: the distinctive terms (up to top_n, by |z|) are labelled too.
        marked = t[sig].assign(_abs=t["z"].abs()).nlargest(top_n, "_abs").drop(columns="_abs")
        top = pd.concat([top, marked[~marked["term"].isin(top["term"])]])
        # Terms with the same counts sit on the same point: one label lists them.
        texts = []
        for (c, r), tied in top.groupby(["count", "count_rest"], sort=False):
            names = [shorten(x.replace("_", " "), 22) for x in tied["term"]]
            text = plain(", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else ""))
            texts.append(ax.text(c + r, tied["z"].iat[0], text, fontsize=7.5))
        ax.set_title(plain(shorten(labels.get(g, g), 40)))
        ax.set_xlabel("total count in corpus (log scale)")
        # Labels sit among the highest-z points; only those are obstacles for
        # adjustText, whose cost grows with the number of points.
        near = np.argsort(-z, kind="stable")[:_MAX_OBSTACLES]
        pending.append((ax, texts, total[near], z[near]))
    for ax in axes[:, 0]:
        ax.set_ylabel("log-odds z (group vs rest)")
    # Head- and side-room so labels can stay inside the axes.
    lo, hi = float(terms["z"].min()), float(terms["z"].max())
    span = max(hi - lo, 1.0)
    axes[0, 0].set_ylim(min(lo, -2.2) - 0.05 * span, max(hi, 2.2) + 0.18 * span)
    xmax = float((terms["count"] + terms["count_rest"]).max())
    for ax in axes.ravel()[: len(groups)]:
        ax.set_xlim(0.6 * max(float((terms["count"] + terms["count_rest"]).min()), 1.0), 2.5 * xmax)
    handles, names = axes.ravel()[0].get_legend_handles_labels()
    # The legend's room is 4% of the height below the panels, the legend 2% under the canvas:
    # on two rows of panels (7.8 inches, the seeds) 0.31 and 0.16 inch, kept by the inch above that.
    h = fig.get_figheight()
    fig.legend(handles, names, loc="lower center", ncol=3, fontsize=8,
               bbox_to_anchor=(0.5, -min(0.02, _FW_LEGEND_DROP / h)))
    head = "Distinctive terms: each group against the rest (Monroe et al. 2008)"
    if len(all_groups) > len(groups):
        head += f" — first {len(groups)} of {len(all_groups)} groups"
    fig.suptitle(head, y=1.0)
    # Lay the axes out first: adjustText works in display coordinates, so any
    # later change of axes size would move labels back onto each other.
    fig.tight_layout(rect=(0, min(0.04, _FW_LEGEND_ROOM / h), 1, 0.98))
    for ax, texts, x, y in pending:
        _repel_labels(ax, texts, x, y)
    return fig


#: Points per panel that labels are kept off (the highest z first).
_MAX_OBSTACLES = 300
#: Inches kept under the panels of a fightin' words figure for its legend, and
#: how far the legend hangs below the canvas (4% and 2% of the seeds' 7.8 inches).
_FW_LEGEND_ROOM, _FW_LEGEND_DROP = 0.312, 0.156


def _repel_labels(ax, texts, x, y, *, tries: int = 4) -> None:
    """Move labels apart with adjustText until none overlap (pushing harder each try).

    Each try starts from the labels' original anchor points (``target_x/y``)
    and removes the previous try's connector lines, so only one set of lines
    is drawn, from each label to its own point.
    """
    from adjustText import adjust_text

    if not texts:
        return
    tx = [t.get_position()[0] for t in texts]
    ty = [t.get_position()[1] for t in texts]
    renderer = ax.figure.canvas.get_renderer()
    patches = []
    for k in range(tries):
        for p in patches:
            p.remove()
        _, patches = adjust_text(
            texts, ax=ax, x=x, y=y, target_x=tx, target_y=ty,
            expand=(1.2 + 0.2 * k, 1.4 + 0.3 * k), force_text=(0.2 + 0.2 * k, 0.4 + 0.3 * k),
            ensure_inside_axes=True, arrowprops=dict(arrowstyle="-", color="0.4", lw=0.5),
            iter_lim=REPEL_ITERATIONS,  # a fixed count: the layout must not depend on machine load
        )
        boxes = [t.get_window_extent(renderer) for t in texts]
        if not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2)):
            return


@reusable
def plot_similarity(
    matrix: pd.DataFrame,
    *,
    distance: bool,
    title: str,
    labels: Mapping[str, str] | None = None,
    order: Sequence | None = None,
    ax=None,
    values: bool | None = None,
) -> matplotlib.figure.Figure:
    """A group x group heatmap, ordered by :func:`corpus_tools.compare.cluster_order`, with values in the cells.

    ``distance`` says whether larger means further apart (JSD) or closer
    (cosine); the colour map is reversed accordingly so that dark always
    means *similar*. The diagonal (a group against itself) is left blank.
    Values are written in each cell when ``values`` is True; by default
    when there are at most 15 groups. Cells shrink from 0.6 inch as groups
    are added so the heatmap stays within 10 inches; group labels are then
    thinned to every k-th so they stay apart (:func:`corpus_tools.plots.style.thin_ticks`).
    Pass ``ax`` to draw into an existing axes (see :func:`plot_similarities`);
    the caller then owns the layout and the thinning.
    """
    use_style()
    order = list(order) if order is not None else cluster_order(matrix, distance=distance)
    m = matrix.loc[order, order]
    names = _group_names(order, labels)
    n = len(order)
    own = ax is None
    if own:
        cw, ch = min(0.6, _HEATMAP_SIDE / n), min(0.55, _HEATMAP_SIDE / n)
        fig, ax = plt.subplots(figsize=(2.8 + cw * n, 1.2 + ch * n))
    else:
        fig = ax.figure
    vals = m.to_numpy(np.float64)
    off = vals[~np.eye(n, dtype=bool)] if n > 1 else vals.ravel()
    vmin, vmax = (float(off.min()), float(off.max())) if off.size else (0.0, 1.0)
    if vmin == vmax:
        vmin, vmax = vmin - 0.5, vmax + 0.5
    cmap = plt.get_cmap("viridis" if distance else "viridis_r").with_extremes(bad="0.92")
    shown = vals.copy()
    np.fill_diagonal(shown, np.nan)  # a group against itself says nothing; leave it blank
    im = ax.imshow(shown, cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_xticks(range(n), names, rotation=40, ha="right")
    ax.set_yticks(range(n), names)
    # Enough decimals to tell the cells apart (topic-mixture JSDs can be ~0.01).
    top = float(np.max(np.abs(off))) if off.size else 1.0
    digits = 2 if top >= 0.1 or top == 0 else min(4, 1 - int(math.floor(math.log10(top))))
    if values if values is not None else n <= 15:
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                v = vals[i, j]
                frac = (v - vmin) / (vmax - vmin)
                dark = frac < 0.5 if distance else frac > 0.5
                ax.text(j, i, f"{v:.{digits}f}", ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
    ax.set_title(title)
    cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    cb.set_label("bits (lower = more alike)" if distance else "similarity (higher = more alike)")
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.tick_params(length=0)
    if own:
        thin_ticks(ax, "x", names, rotation=40, ha="right")
        thin_ticks(ax, "y", names)
    return fig


#: The longest side (inches) of a similarity heatmap drawn on its own; cells
#: shrink from 0.6 inch to keep within it (10 inches hold 16 groups at full size).
_HEATMAP_SIDE = 10.0
#: All heatmaps of :func:`plot_similarities` together stay within this width (inches).
_HEATMAPS_WIDTH = 15.0
#: Values are written in cells at least this wide (inches): six characters at 8 points.
_VALUE_CELL = 0.45


def _group_names(order: Sequence, labels: Mapping[str, str] | None) -> list[str]:
    """Tick labels of a heatmap's groups: the label (or the group), shortened to 28 characters."""
    labels = dict(labels) if labels is not None else {}
    return [plain(shorten(labels.get(g, g), 28)) for g in order]


@reusable
def plot_similarities(
    panels: Sequence[tuple[pd.DataFrame, bool, str]],
    *,
    labels: Mapping[str, str] | None = None,
) -> matplotlib.figure.Figure:
    """Several :func:`plot_similarity` heatmaps side by side: ``[(matrix, distance, title), …]``.

    Each panel is ordered by its own clustering
    (:func:`corpus_tools.compare.cluster_order`), so read the labels, not the
    positions, when comparing panels. Cells are 0.5 inch, smaller when the
    heatmaps would together be wider than 15 inches; values are written in
    cells that hold them (at most 15 groups), and the group labels of small
    cells are thinned to every k-th.
    """
    use_style()
    n = max(len(m) for m, _, _ in panels)
    cell = min(0.5, (_HEATMAPS_WIDTH / len(panels) - 2.4) / n)
    fig, axes = plt.subplots(1, len(panels), figsize=(len(panels) * (2.4 + cell * n), 1.5 + cell * n), squeeze=False)
    names = []
    for ax, (m, distance, title) in zip(axes[0], panels):
        order = cluster_order(m, distance=distance)
        # the undecorated function: a panel is drawn into this figure, never reused on its own
        plot_similarity.__wrapped__(m, distance=distance, title=title, labels=labels, order=order, ax=ax,
                                    values=len(order) <= 15 and cell >= _VALUE_CELL)
        names.append(_group_names(order, labels))
    fig.tight_layout()
    for ax, ax_names in zip(axes[0], names):
        thin_ticks(ax, "x", ax_names, rotation=40, ha="right")
        thin_ticks(ax, "y", ax_names)
    return fig


@reusable
def plot_actor_framing(framing: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                       top_actors: int = 8, max_groups: int = 10) -> matplotlib.figure.Figure:
    """Left: mentions per 1,000 tokens (group x actor heatmap). Right: mean VADER score with CI.

    ``framing`` is :func:`corpus_tools.compare.actor_framing`. Only the
    ``top_actors`` actors with the most mentions overall are drawn (in
    alias-table order); the table keeps them all. In the right panel each group is a marker per actor with
    its bootstrap interval; a hollow marker rests on a single sentence (no
    interval), and cells with no sentence are left out. The axis label says
    what the intervals resampled (the table's ``ci_units``): an interval
    over sentences is a lower bound on the uncertainty.

    Each group has its own colour, and there are ten: with more than
    ``max_groups`` groups only the ``max_groups`` that mention the drawn
    actors most are drawn (in their order), and the title says so.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    groups = list(dict.fromkeys(framing["group"]))
    order = list(dict.fromkeys(framing["actor"]))
    total = framing.groupby("actor")["mentions"].sum()
    keep = set(total[total > 0].sort_values(ascending=False, kind="mergesort").index[:top_actors])
    actors = [a for a in order if a in keep] or order[:top_actors]
    framing = framing[framing["actor"].isin(actors)]
    n_groups = len(groups)
    if n_groups > max_groups:
        by_group = framing.groupby("group")["mentions"].sum().reindex(groups)
        most = set(by_group.sort_values(ascending=False, kind="mergesort").index[:max_groups])
        groups = [g for g in groups if g in most]
        framing = framing[framing["group"].isin(groups)]
    rate = framing.pivot(index="group", columns="actor", values="per_1k").reindex(index=groups, columns=actors)
    g_names = [plain(shorten(labels.get(g, g), 24)) for g in groups]
    a_names = [plain(shorten(str(a), 14)) for a in actors]
    height = 1.4 + 0.42 * max(len(groups), len(actors))
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(3.2 + 0.55 * len(actors) + 6.0, height),
        gridspec_kw={"width_ratios": [0.55 * len(actors) + 1.2, 5.0]},
    )
    vals = rate.to_numpy(np.float64)
    im = ax1.imshow(vals, cmap="Blues", aspect="auto")
    ax1.set_xticks(range(len(actors)), a_names, rotation=45, ha="right")
    ax1.set_yticks(range(len(groups)), g_names)
    vmax = np.nanmax(vals) if np.isfinite(vals).any() else 1.0
    if len(groups) * len(actors) <= 200:
        for i in range(len(groups)):
            for j in range(len(actors)):
                v = vals[i, j]
                if np.isfinite(v):
                    ax1.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=7.5,
                             color="white" if vmax and v > 0.6 * vmax else "black")
    ax1.set_title("Mentions per 1,000 tokens")
    fig.colorbar(im, ax=ax1, fraction=0.05, pad=0.03).set_label("per 1,000 tokens")
    ax1.tick_params(length=0)

    k = len(groups)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.8 / max(k, 1))
    handles = []
    for gi, g in enumerate(groups):
        colour = f"C{gi % 10}"
        f = framing[(framing["group"] == g) & (framing["n_scored"] >= 1)]
        y = np.array([actors.index(a) for a in f["actor"]], dtype=float) + offsets[gi]
        x = f["sentiment_mean"].to_numpy(np.float64)
        lo_b, hi_b = f["ci_low"].to_numpy(np.float64), f["ci_high"].to_numpy(np.float64)
        ci = np.isfinite(lo_b) & np.isfinite(hi_b)
        handles.append(ax2.errorbar(x[ci], y[ci], xerr=[x[ci] - lo_b[ci], hi_b[ci] - x[ci]], fmt="o", ms=4, lw=1,
                                    capsize=2, color=colour, label=g_names[gi]))
        ax2.scatter(x[~ci], y[~ci], s=18, facecolors="none", edgecolors=colour, lw=1)
    ax2.axvline(0, color="0.5", lw=0.6)
    ax2.set_yticks(range(len(actors)), a_names)
    ax2.set_ylim(len(actors) - 0.5, -0.5)
    ax2.set_xlim(-1.05, 1.05)
    units = set(framing.loc[framing["n_scored"] >= 2, "ci_units"])
    if units <= {"documents"}:
        ci_text = "95% bootstrap interval over documents"
    elif units == {"sentences"}:
        ci_text = "95% bootstrap interval over sentences\n(sentences are not independent: a lower bound on the uncertainty)"
    else:
        ci_text = ("95% bootstrap interval over documents, or over sentences\n"
                   "where fewer documents (then a lower bound on the uncertainty)")
    ax2.set_xlabel(f"mean VADER compound (−1 … +1) with {ci_text};\nhollow = a single sentence")
    ax2.set_title("Tone of sentences that mention the actor")
    # labels given explicitly: an automatic legend would drop a group named "_…"
    ax2.legend(handles, [h.get_label() for h in handles], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax2.grid(axis="x", alpha=0.3)
    if n_groups > len(groups):
        suptitle(fig, f"The {len(groups)} of {n_groups} groups that mention these actors most "
                      "(one colour each; the table has every group)", fontsize=10)
        tight_layout(fig)
    else:
        fig.tight_layout()
    return fig


@reusable
def plot_quoted_share(
    share: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    groups: pd.Series | None = None,
    max_rows: int = 40,
) -> matplotlib.figure.Figure:
    """Per document: % of words in direct quotes, reported speech and mentions (stacked bars).

    ``share`` is :func:`corpus_tools.compare.quoted_share`. Bars are per cent
    of the document's words (``n_words``); mentions (scare quotes, titles)
    are drawn hatched because they are the author's own voice.

    With more than ``max_rows`` documents and ``groups`` (doc_id -> group,
    :func:`corpus_tools.notebook.group_labels`), the words are pooled per
    group: one bar per group, per cent of all its documents' words. If there
    are still more than ``max_rows`` bars, the ``max_rows`` with the most
    words are drawn and the title says so.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    s = share.reset_index(drop=True)
    title = "How much of each document is other people's words"
    word_cols = ["n_words", "quote_words", "reported_words", "mention_words"]
    if len(s) > max_rows and groups is not None:
        g = s["doc_id"].astype(str).map(groups)
        n_docs = len(s)
        s = s.assign(group=g).groupby("group", sort=True)[word_cols].sum().reset_index()
        s = s.rename(columns={"group": "doc_id"})
        title = f"How much of each group's words are other people's ({n_docs:,} documents pooled by group)"
    n_all = len(s)
    if n_all > max_rows:
        s = s.sort_values("n_words", ascending=False, kind="stable").head(max_rows).sort_values("doc_id")
        s = s.reset_index(drop=True)
        title += f"\nthe {max_rows} of {n_all:,} with the most words"
    names = [plain(shorten(labels.get(d, d), 32)) for d in s["doc_id"]]
    y = np.arange(len(s))
    fig, ax = plt.subplots(figsize=(7.5, 1.0 + 0.42 * len(s)))
    left = np.zeros(len(s))
    n = s["n_words"].to_numpy(np.float64)
    n = np.where(n > 0, n, np.nan)
    for col, lab, style in (
        ("quote_words", "direct quotation", dict(color="C1")),
        ("reported_words", "reported speech", dict(color="C2")),
        ("mention_words", "mention / scare quote (author's voice)", dict(color="white", edgecolor="0.4", hatch="///")),
    ):
        w = s[col].to_numpy(np.float64) / n * 100
        ax.barh(y, w, left=left, label=lab, height=0.6, **style)
        left = left + np.nan_to_num(w)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("% of the group's words (all its documents)" if "pooled" in title else "% of the document's words")
    ax.set_title(title, fontsize=10)
    # below the axis labels, and no further than 0.75 inch under the axes however many bars
    below = legend_offset(ax, 0.18 + 0.6 / max(len(s), 1), inches=0.75)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -below), ncol=3, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig


_STANCE_COLOURS = {"negated": "C3", "hedged": "C1", "question": "C4", "unmarked": "0.7"}


@reusable
def plot_stance(summary: pd.DataFrame, *, labels: Mapping[str, str] | None = None, ncols: int = 3,
                max_groups: int = 40) -> matplotlib.figure.Figure:
    """Stacked bars: how each group's alliance / partnership terms are marked.

    ``summary`` is :func:`corpus_tools.compare.stance_summary`; one panel per
    term family (``ncols`` to a row), one bar per group, segments are counts
    of occurrences by classification. With more than ``max_groups`` groups
    the ``max_groups`` with the most occurrences are drawn (in their order)
    and the title says so.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    families = list(dict.fromkeys(summary["family"]))
    groups = list(dict.fromkeys(summary["group"]))
    n_groups = len(groups)
    if n_groups > max_groups:
        most = summary.groupby("group")["n"].sum().reindex(groups).sort_values(ascending=False, kind="mergesort")
        keep = set(most.index[:max_groups])
        groups = [g for g in groups if g in keep]
    nrows, nc = grid_shape(len(families), ncols)
    fig, axes = plt.subplots(nrows, nc, figsize=(3.0 + 3.4 * nc, (1.2 + 0.45 * len(groups)) * nrows),
                             squeeze=False, sharey=True)
    for ax, fam in zip(axes.flat, families):
        f = summary[summary["family"] == fam]
        left = np.zeros(len(groups))
        for cls in STANCE_CLASSES:
            v = f[f["classification"] == cls].set_index("group")["n"].reindex(groups, fill_value=0).to_numpy(float)
            ax.barh(range(len(groups)), v, left=left, color=_STANCE_COLOURS[cls], label=cls, height=0.6)
            left += v
        ax.set_title(f"“{plain(shorten(fam, 30))}” terms")
        ax.set_xlabel("occurrences")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.flat[len(families):]:
        ax.set_visible(False)
    axes[0, 0].set_yticks(range(len(groups)), [plain(shorten(labels.get(g, g), 26)) for g in groups])
    axes[0, 0].invert_yaxis()
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=4, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    head = "How alliance and partnership terms are marked (negation / hedge in scope)"
    if n_groups > len(groups):
        head += f"\nthe {len(groups)} of {n_groups} groups with the most occurrences"
    suptitle(fig, head)
    h = fig.get_figheight()
    if h > _STANCE_TALL:
        # Room by the inch: the suptitle sits 2% of the height below the top,
        # more than tight_layout's pad from 7.5 inches on, and 7% of 20 inches
        # for the legend would leave a gap of 1.4 inch.
        tight_layout(fig, bottom=min(0.07, 0.35 / h))
    else:
        fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


@reusable
def plot_reference_keyness(
    table: pd.DataFrame,
    *,
    top_n: int = 10,
    ncols: int = 2,
    labels: Mapping[str, str] | None = None,
    max_panels: int = 12,
) -> matplotlib.figure.Figure:
    """The terms most over- and under-used against general English: a diverging bar chart of log ratio.

    ``table`` is :func:`corpus_tools.compare.reference_keyness`; one panel
    per group. Of the terms compared with the reference (``match ==
    "word"``), the ``top_n`` with the highest positive and the ``top_n``
    with the lowest negative ``log_ratio`` are drawn, sorted by it. A bar is
    filled when the table's ``significant`` column is True (Benjamini &
    Hochberg-adjusted p < the table's ``alpha``) and hollow, hatched,
    otherwise; the whisker is the table's interval (``log_ratio_low`` …
    ``log_ratio_high``, adjusted to the same criterion), and the label at its
    end gives the count and the count expected from the reference. Each bar
    carries the term as its ``gid`` (so a test, or an SVG reader, can tell
    which term it is).

    At most ``max_panels`` groups are drawn (the first, as they come), fewer
    when more rows of panels would make the figure taller than
    :data:`corpus_tools.plots.style.MAX_HEIGHT`; the title says how many were
    left out. The axis leaves room for the count labels, however long, so
    they stay clear of the bars and the terms.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    all_groups = list(dict.fromkeys(table["group"]))
    words = table[table["match"] == "word"]
    alpha = float(table["alpha"].iat[0]) if len(table) else float("nan")
    # rows of 0.27 inch a bar: as many rows of panels as fit in MAX_HEIGHT with 1.3 inches of titles and legend
    fit_rows = max(1, int((MAX_HEIGHT - 1.3) // (0.27 * 2 * top_n))) if top_n > 0 else len(all_groups)
    groups = all_groups[:max(1, min(max_panels, fit_rows * max(1, min(ncols, len(all_groups)))))]
    shown = {}
    for g in groups:
        t = words[words["group"] == g]
        over = t[t["log_ratio"] > 0].nlargest(top_n, "log_ratio", keep="first")
        under = t[t["log_ratio"] < 0].nsmallest(top_n, "log_ratio", keep="first")
        shown[g] = pd.concat([over, under.iloc[::-1]])
    n_bars = max([len(s) for s in shown.values()] + [1])
    nrows, nc = grid_shape(len(groups), ncols)
    fig, axes = plt.subplots(nrows, nc, figsize=(6.4 * nc, 1.3 + 0.27 * n_bars * nrows), squeeze=False)
    for ax in axes.ravel()[len(groups):]:
        ax.set_visible(False)
    count_labels = []  # per panel: (axes, bar ends, label widths in inches, over-used?) to make room after layout
    for ax, g in zip(axes.ravel(), groups):
        s = shown[g]
        n_tokens = int(table.loc[table["group"] == g, "n_tokens"].iat[0])
        ax.set_title(plain(f"{shorten(labels.get(g, g), 40)} ({n_tokens:,} words)"))
        ax.axvline(0, color="0.3", lw=0.8)
        if s.empty:
            ax.text(0.5, 0.5, "no term compared with the reference", transform=ax.transAxes, ha="center")
            ax.set_yticks([])
            continue
        y = np.arange(len(s))
        lr = s["log_ratio"].to_numpy(np.float64)
        lo, hi = s["log_ratio_low"].to_numpy(np.float64), s["log_ratio_high"].to_numpy(np.float64)
        for yi, (_, r), v in zip(y, s.iterrows(), lr):
            colour = "C3" if v > 0 else "C0"
            if r["significant"]:
                style = dict(color=colour, fill=True)
            else:
                style = dict(facecolor="none", edgecolor=colour, hatch="////", fill=False, lw=0.8)
            bar = ax.barh(yi, v, height=0.7, **style)
            bar.patches[0].set_gid(str(r["term"]))
        ax.errorbar(lr, y, xerr=[lr - lo, hi - lr], fmt="none", ecolor="0.25", elinewidth=0.8, capsize=2)
        ends, widths = np.where(lr > 0, hi, lo), []
        for yi, v, end, (_, r) in zip(y, lr, ends, s.iterrows()):
            text = f"{int(r['count']):,} vs {_expected(r['expected'])} expected"
            ax.text(end + (0.15 if v > 0 else -0.15), yi, text, va="center", ha="left" if v > 0 else "right",
                    fontsize=7, color="0.3")
            widths.append(text_width(text, 7))
        count_labels.append((ax, ends, np.array(widths), lr > 0))
        ax.set_yticks(y, [plain(shorten(str(t).replace("_", " "), 24)) for t in s["term"]])
        ax.set_ylim(len(s) - 0.4, -0.6)
        left, right = float(np.nanmin(np.append(lo, 0.0))), float(np.nanmax(np.append(hi, 0.0)))
        span = max(right - left, 1.0)
        ax.set_xlim(left - (0.45 * span if left < 0 else 0.05 * span), right + 0.45 * span)
        ax.set_xlabel("log ratio against general English (log2; +1 = twice as frequent)")
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="y", length=0)
    handles = [
        matplotlib.patches.Patch(color="C3", label=f"over-used (BH-adjusted p < {alpha:g})"),
        matplotlib.patches.Patch(color="C0", label=f"under-used (BH-adjusted p < {alpha:g})"),
        matplotlib.patches.Patch(facecolor="none", edgecolor="0.3", hatch="////", label="not significant"),
    ]
    h = fig.get_figheight()
    # the legend hangs 1% of the height (at most 0.067 inch, 1% of the seed figure) below the canvas
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, -min(0.01, 0.067 / h)))
    head = "What sets the corpus apart from general English (wordfreq)"
    if len(all_groups) > len(groups):
        head += f"\nthe first {len(groups)} of {len(all_groups)} groups (the table has them all)"
    suptitle(fig, head)
    # tight_layout makes room for the suptitle itself; the legend needs 0.35 inch below.
    fig.tight_layout(rect=(0, 0.35 / h, 1, 1))
    for ax, ends, widths, over in count_labels:
        _room_for_labels(ax, ends, widths, over)
    return fig


def _expected(value: float) -> str:
    """An expected count to two significant figures, as a reader writes it: 0.00061, 12, 17,000 (never 1.7e+04)."""
    return f"{value:.2g}" if value < 100 else f"{float(f'{value:.2g}'):,.0f}"


def _room_for_labels(ax, ends: np.ndarray, widths: np.ndarray, over: np.ndarray, *, pad: float = 0.15) -> None:
    """Widen the x axis of ``ax`` until every count label, ``widths`` inches long, fits beside its bar.

    A label starts ``pad`` (data units) beyond its bar's whisker ``ends``, to
    the right of over-used bars and to the left of under-used ones, and ends
    0.05 inch before the axes' edge. Its length
    in data units grows with the axis span, so the limits are found by fixed
    point (converging because the labels of each side take less than half
    the axes). Limits that already hold the labels are left as they are.
    """
    lo, hi = ax.get_xlim()
    inches = ax.get_position().width * ax.get_figure(root=True).get_figwidth()
    if inches <= 0 or not len(ends):
        return
    # each label and 0.05 inch before the axes' edge; one longer than 45% of the axes is let run over
    share = np.minimum((widths + 0.05) / inches, 0.45)
    new_lo, new_hi = lo, hi
    for _ in range(50):
        span = new_hi - new_lo
        need_hi = np.max(np.where(over, ends + pad + share * span, -np.inf), initial=-np.inf)
        need_lo = np.min(np.where(~over, ends - pad - share * span, np.inf), initial=np.inf)
        nxt_lo, nxt_hi = min(lo, need_lo), max(hi, need_hi)
        if np.isclose(nxt_lo, new_lo) and np.isclose(nxt_hi, new_hi):
            break
        new_lo, new_hi = nxt_lo, nxt_hi
    if (new_lo, new_hi) != (lo, hi):
        ax.set_xlim(new_lo, new_hi)


#: Height (inches) above which :func:`plot_stance` lays out by the inch (the seed figure is 3.5 inches).
_STANCE_TALL = 7.0
