"""Figures of notebook 01: choosing k, topic terms, prevalence, the topic map.

Each function takes a table from :mod:`corpus_tools.topics` and returns a
matplotlib Figure; none computes a statistic (the k-selection figure is
given :func:`~corpus_tools.topics.rank_k`'s table, with the shuffles' means
and ranges, rather than calling it).
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from adjustText import adjust_text
from matplotlib.patches import Patch

from ..corpus import date_position, shorten
from .save import reusable
from .style import REPEL_ITERATIONS, use_style

__all__ = [
    "plot_k_selection",
    "plot_topic_terms",
    "plot_doc_topics",
    "plot_prevalence_by_date",
    "plot_prevalence_seeds",
    "plot_topic_map",
]

_MEASURES = {
    "stability": "stability across seeds\n(mean matched Jaccard of top-10 terms)",
    "c_npmi": "coherence c_npmi\n(mean NPMI of top-10 term pairs)",
}


@reusable
def plot_k_selection(sweep_frame: pd.DataFrame, ranked: pd.DataFrame) -> matplotlib.figure.Figure:
    """The corpus against its token-shuffled copies, per k, and the rule that picks k.

    ``sweep_frame`` is :func:`corpus_tools.topics.sweep`'s output (real
    corpus ``shuffle == 0`` and its shuffles) and ``ranked`` is
    :func:`corpus_tools.topics.rank_k` of it. Two panels show stability and
    coherence: the real corpus's seeds (dots) and their mean (line), and the
    shuffles (grey band from the lowest to the highest shuffle, dashed line
    at their mean). The third shows the rule's score, the stability excess
    over the shuffles, with the k values that beat the null in colour. The
    chosen k is marked in every panel.
    """
    use_style()
    chosen = int(ranked.loc[ranked["chosen"], "k"].iloc[0])
    real = sweep_frame[sweep_frame["shuffle"] == 0]
    seeds = sorted(real["seed"].unique())
    n = int(ranked["n_shuffles"].iloc[0])
    level = float(ranked["level"].iloc[0])
    # Small fixed horizontal offsets so that seeds with equal values stay visible.
    offsets = {s: (i - (len(seeds) - 1) / 2) * 0.06 for i, s in enumerate(seeds)}
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.4))
    for ax, m in zip(axes[:2], _MEASURES):
        ax.fill_between(
            ranked["k"], ranked[f"{m}_null_low"], ranked[f"{m}_null_high"], color="0.6", alpha=0.3,
            label=f"{n} shuffled copies: lowest to highest", zorder=1,
        )
        ax.plot(ranked["k"], ranked[f"{m}_null"], color="0.35", ls="--", lw=1.2, label="shuffled copies: mean", zorder=2)
        ax.scatter(
            real["k"] + real["seed"].map(offsets), real[m], s=14, color="C0", alpha=0.6, label="corpus: one seed",
            zorder=3,
        )
        ax.plot(ranked["k"], ranked[m], color="C0", marker="o", ms=5, label="corpus: mean over seeds", zorder=4)
        ax.axvline(chosen, color="C3", ls="--", lw=1, label=f"chosen k = {chosen}")
        ax.set_title(_MEASURES[m], fontsize=10)
        ax.set_xlabel("number of topics k")
        ax.set_xticks(ranked["k"])
        ax.grid(alpha=0.3)
    ax = axes[2]
    beats = ranked["beats_null"].to_numpy()
    colors = ["C3" if c else ("C2" if b else "0.6") for c, b in zip(ranked["chosen"], beats)]
    ax.bar(ranked["k"], ranked["score"], color=colors)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_title("the rule: stability excess over the shuffles\n(corpus mean minus shuffles' mean)", fontsize=10)
    ax.set_xlabel("number of topics k")
    ax.set_ylabel("stability excess")
    ax.set_xticks(ranked["k"])
    ax.grid(axis="y", alpha=0.3)
    ax.legend(
        handles=[
            Patch(color="C3", label="chosen k"),
            Patch(color="C2", label="beats the null"),
            Patch(color="0.6", label="does not beat the null"),
        ],
        fontsize=8, loc="upper center", ncol=1,
    )
    # room above the tallest bar for the legend (three rows), so it never covers a bar
    top = float(np.nanmax(ranked["score"])) if len(ranked) else 0.0
    if top > 0:
        ax.set_ylim(top=top * 1.5)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=5, fontsize=8, bbox_to_anchor=(0.5, -0.01))
    fig.suptitle(
        f"Choosing k against {n} token-shuffled copies of the corpus ({len(seeds)} seeds per k; "
        f"'beats the null': both measures' max-T adjusted p <= {level:g})",
        y=1.0, fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


@reusable
def plot_topic_terms(
    top_terms: pd.DataFrame, *, labels: pd.Series | None = None, title: str = "Top terms per topic", ncols: int = 3
) -> matplotlib.figure.Figure:
    """Small multiples of horizontal bars, one panel per topic.

    ``top_terms`` is :meth:`corpus_tools.topics.TopicModel.top_terms`. Coloured bars are the
    term's probability in the topic (phi); the grey outline is its
    probability in the whole corpus (p_corpus), so a term whose bar far
    exceeds its outline is specific to the topic. Terms are listed in the
    frame's rank order (by relevance when lambda < 1).
    """
    use_style()
    topics = sorted(top_terms["topic"].unique())
    ncols = max(1, min(ncols, len(topics)))
    nrows = math.ceil(len(topics) / ncols)
    n = int(top_terms["rank"].max())
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.3 * ncols, 0.3 * n * nrows + 1.2 * nrows), squeeze=False)
    xmax = float(np.nanmax(np.r_[top_terms["weight"].to_numpy(), top_terms["p_corpus"].to_numpy()])) * 1.08
    for ax, t in zip(axes.ravel(), topics):
        g = top_terms[top_terms["topic"] == t].sort_values("rank")
        y = np.arange(len(g))
        ax.barh(y, g["weight"], color=f"C{(t - 1) % 10}", alpha=0.85, label="in topic")
        ax.barh(y, g["p_corpus"], facecolor="none", edgecolor="0.35", lw=0.9, label="in corpus")
        ax.set_yticks(y, [shorten(s.replace("_", " "), 24) for s in g["term"]], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, xmax)
        ax.set_title(shorten(labels.get(t, f"topic {t}") if labels is not None else f"topic {t}", 38), fontsize=10)
        ax.set_xlabel("term probability")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.ravel()[len(topics):]:
        ax.set_visible(False)
    axes.ravel()[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(title, y=1.0)
    fig.tight_layout()
    return fig


@reusable
def plot_doc_topics(
    prevalence: pd.DataFrame, *, doc_labels: pd.Series | None = None, topic_labels: pd.Series | None = None,
    across_seeds: pd.DataFrame | None = None,
) -> matplotlib.figure.Figure:
    """Documents × topics heatmap of prevalence (:func:`corpus_tools.topics.doc_prevalence`).

    Each cell is annotated with its weight; if ``across_seeds``
    (:func:`corpus_tools.topics.prevalence_across_seeds`) is given, the minimum–maximum over
    seeds is printed under it. ``doc_labels`` maps doc_id to a readable
    label, ``topic_labels`` topic to a label (e.g. :meth:`corpus_tools.topics.TopicModel.labels`).
    """
    use_style()
    mat = prevalence.pivot(index="doc_id", columns="topic", values="weight")
    mat = mat.reindex(pd.unique(prevalence["doc_id"]))
    rng = None
    if across_seeds is not None:
        rng = across_seeds.groupby(["doc_id", "topic"])["weight"].agg(low="min", high="max")
    nd, nt = mat.shape
    # Up to 40 documents every cell is annotated; beyond that the numbers
    # would be illegible, so the colour alone carries the value (the CSV
    # has the numbers), and beyond 80 the row labels are dropped too.
    annotate, row_labels = nd <= 40, nd <= 80
    height = 1.2 + (0.62 if annotate else 0.2) * nd
    fig, ax = plt.subplots(figsize=(1.6 + 1.25 * nt + 2.5, min(height, 16)))
    im = ax.imshow(mat.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i, d in enumerate(mat.index if annotate else []):
        for j, t in enumerate(mat.columns):
            v = mat.iat[i, j]
            if not np.isfinite(v):
                continue
            s = f"{v:.2f}"
            if rng is not None and (d, t) in rng.index:
                s += f"\n{rng.at[(d, t), 'low']:.2f}–{rng.at[(d, t), 'high']:.2f}"
            ax.text(j, i, s, ha="center", va="center", fontsize=8, color="white" if v > 0.55 else "black")
    ylab = [doc_labels.get(d, d) if doc_labels is not None else d for d in mat.index]
    if row_labels:
        ax.set_yticks(range(nd), [shorten(s, 40) for s in ylab], fontsize=10 if annotate else 7)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"{nd} documents (corpus order)")
    xlab = [topic_labels.get(t, str(t)) if topic_labels is not None else str(t) for t in mat.columns]
    ax.set_xticks(range(nt), ["\n".join(textwrap.wrap(s, 16)[:3]) for s in xlab], fontsize=8)
    ax.set_xlabel("topic")
    ax.spines[:].set_visible(False)
    cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cb.set_label("share of the document's tokens")
    title = "Topic prevalence per document (token-weighted mean over units)"
    if rng is not None and annotate:
        n_seeds = across_seeds["seed"].nunique()
        title += f"\nsmall numbers: minimum–maximum over {n_seeds} seeds, topics aligned to the reference seed"
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


@reusable
def plot_prevalence_by_date(
    intervals: pd.DataFrame, across_seeds: pd.DataFrame, docs: pd.DataFrame, *,
    topic_labels: pd.Series | None = None, ncols: int = 3,
) -> matplotlib.figure.Figure:
    """Document prevalence against publication date, one panel per topic.

    ``intervals`` is :func:`corpus_tools.topics.prevalence_intervals` (the reference model: dot
    and bootstrap interval over the document's units); ``across_seeds`` is
    :func:`corpus_tools.topics.prevalence_across_seeds` (each other seed's aligned value as a
    small grey tick); ``docs`` is ``tokens.docs`` (``doc_id, date,
    date_precision``). Dates are drawn at the middle of their possible
    interval (:func:`corpus_tools.corpus.date_position`); undated documents
    are left out.
    """
    use_style()
    pos = {
        str(d): date_position(str(dt) if isinstance(dt, str) else "", str(p) if isinstance(p, str) else "")
        for d, dt, p in zip(docs["doc_id"], docs["date"], docs["date_precision"])
    }
    data = intervals.assign(date=intervals["doc_id"].astype(str).map(pos)).dropna(subset=["date"])
    other = across_seeds[~across_seeds["is_reference"]].assign(date=lambda f: f["doc_id"].astype(str).map(pos))
    other = other.dropna(subset=["date"])
    topics = sorted(intervals["topic"].unique())
    ncols = max(1, min(ncols, len(topics)))
    nrows = math.ceil(len(topics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, 3.0 * nrows), squeeze=False, sharey=True)
    for ax, t in zip(axes.ravel(), topics):
        g = data[data["topic"] == t].sort_values("date")
        o = other[other["topic"] == t]
        ax.scatter(
            o["date"], o["weight"], marker="_", s=80, color="0.5", lw=1.2, label="other seeds (aligned)", zorder=2
        )
        ax.errorbar(
            g["date"], g["weight"], yerr=[g["weight"] - g["low"], g["high"] - g["weight"]],
            fmt="o", color=f"C{(t - 1) % 10}", ms=5, capsize=3, lw=1.2,
            label="reference seed, 95% bootstrap over units", zorder=3,
        )
        ax.set_ylim(-0.02, 1.02)
        head = topic_labels.get(t, f"topic {t}") if topic_labels is not None else f"topic {t}"
        ax.set_title(shorten(head, 40), fontsize=10)
        ax.set_xlabel("publication date")
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=30)
    for r in range(nrows):
        axes[r, 0].set_ylabel("share of document's tokens")
    for ax in axes.ravel()[len(topics):]:
        ax.set_visible(False)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.suptitle("Topic prevalence against publication date", y=1.0)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


@reusable
def plot_prevalence_seeds(
    across_seeds: pd.DataFrame, *, doc_labels: pd.Series | None = None,
    topic_labels: pd.Series | None = None, ncols: int = 3, max_docs: int = 30,
) -> matplotlib.figure.Figure:
    """How much each document's topic shares move between seeds.

    ``across_seeds`` is :func:`corpus_tools.topics.prevalence_across_seeds`. One panel per
    reference topic, one row per document: a grey line spans the seeds'
    minimum to maximum, dots are single seeds (black: the reference seed).
    The panel title gives the median Jaccard with which the other seeds'
    topics matched this one. With more than ``max_docs`` documents, only the
    ``max_docs`` with the widest spread (summed over topics) are drawn, and
    the title says so.
    """
    use_style()
    topics = sorted(across_seeds["topic"].unique())
    docs = list(pd.unique(across_seeds["doc_id"]))
    n_all = len(docs)
    if n_all > max_docs:
        width = across_seeds.groupby(["doc_id", "topic"])["weight"].agg(lambda w: w.max() - w.min())
        widest = width.groupby("doc_id").sum().sort_values(ascending=False, kind="stable").index[:max_docs]
        keep = set(widest)
        docs = [d for d in docs if d in keep]
        across_seeds = across_seeds[across_seeds["doc_id"].isin(keep)]
    ncols = max(1, min(ncols, len(topics)))
    nrows = math.ceil(len(topics) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.4 * ncols, (0.9 + 0.32 * len(docs)) * nrows + 0.4), squeeze=False, sharex=True
    )
    ylab = [shorten(doc_labels.get(d, d) if doc_labels is not None else d, 32) for d in docs]
    ypos = {d: i for i, d in enumerate(docs)}
    for ax, t in zip(axes.ravel(), topics):
        g = across_seeds[across_seeds["topic"] == t]
        y = g["doc_id"].map(ypos)
        span = g.groupby("doc_id")["weight"].agg(["min", "max"])
        for d, r in span.iterrows():
            ax.plot([r["min"], r["max"]], [ypos[d], ypos[d]], color="0.75", lw=3, solid_capstyle="round", zorder=1)
        ref = g["is_reference"].to_numpy()
        ax.scatter(g["weight"][~ref], y[~ref], s=14, color="C0", alpha=0.7, label="other seed", zorder=2)
        ax.scatter(g["weight"][ref], y[ref], s=22, color="black", label="reference seed", zorder=3)
        med = g.loc[~g["is_reference"], "jaccard"].median()
        head = topic_labels.get(t, f"topic {t}") if topic_labels is not None else f"topic {t}"
        ax.set_title(shorten(head, 36) + (f"\nmedian match Jaccard {med:.2f}" if np.isfinite(med) else ""), fontsize=9)
        ax.set_yticks(range(len(docs)), ylab if ax in axes[:, 0] else [""] * len(docs), fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(-0.02, 1.02)
        ax.set_xlabel("share of document's tokens")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.ravel()[len(topics):]:
        ax.set_visible(False)
    handles, names = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, -0.01))
    head = "Document prevalence across seeds (topics aligned to the reference seed)"
    if n_all > len(docs):
        head += f"\nthe {len(docs)} of {n_all} documents whose shares vary most between seeds"
    fig.suptitle(head, y=1.0)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


@reusable
def plot_topic_map(topic_coords: pd.DataFrame, *, topic_labels: pd.Series | None = None) -> matplotlib.figure.Figure:
    """Static intertopic distance map (LDAvis-style, no JavaScript).

    ``topic_coords`` is :func:`corpus_tools.topics.topic_map`. Circle area is proportional to
    the topic's share of all tokens; labels are placed with adjustText.
    """
    use_style()
    fig, ax = plt.subplots(figsize=(7, 6.5))
    size = 4000 * topic_coords["prevalence"] / topic_coords["prevalence"].max()
    colors = [f"C{(t - 1) % 10}" for t in topic_coords["topic"]]
    ax.scatter(topic_coords["x"], topic_coords["y"], s=size, c=colors, alpha=0.35, edgecolors="0.3")
    texts = []
    for _, r in topic_coords.iterrows():
        t = int(r["topic"])
        lab = topic_labels.get(t, str(t)) if topic_labels is not None else str(t)
        texts.append(ax.text(r["x"], r["y"], "\n".join(textwrap.wrap(lab, 22)[:2]) + f"\n({r['prevalence']:.0%})",
                             ha="center", va="center", fontsize=8))
    span = max(np.ptp(topic_coords["x"]), np.ptp(topic_coords["y"]), 0.1)
    cx, cy = topic_coords["x"].mean(), topic_coords["y"].mean()
    ax.set_xlim(cx - 0.8 * span, cx + 0.8 * span)
    ax.set_ylim(cy - 0.8 * span, cy + 0.8 * span)
    ax.set_aspect("equal")
    # Labels sit on their circles; only when two of them collide are they
    # moved apart (adjustText), with a thin line back to the centre.
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in texts]
    if any(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes))):
        adjust_text(texts, ax=ax, arrowprops=dict(arrowstyle="-", color="0.5", lw=0.6), iter_lim=REPEL_ITERATIONS)
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.set_xlabel("MDS axis 1 (Jensen–Shannon divergence, bits)")
    ax.set_ylabel("MDS axis 2")
    ax.set_title("Intertopic distance map (circle area = share of tokens)")
    return fig
