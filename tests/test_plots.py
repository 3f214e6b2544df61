"""plots: layouts that hold from the seed corpus to large corpora, and data strings drawn as text.

Every figure of :mod:`corpus_tools.plots.keywords`, :mod:`corpus_tools.plots.compare`
and :mod:`corpus_tools.plots.corpus` is drawn (Agg) at two extremes:

* small: the five seed articles, through the real analyses, as the notebooks call them
  (and fifteen documents cut from them, the fewest a trend line is fitted to);
* large: synthetic tables of the shape a big corpus gives (20 concepts x 80 years
  with fitted trends and slopes, 45 groups, 10,000 documents, 200 countries), built
  directly with the columns and values the analyses return, with the narrow cases a
  big corpus also brings (one panel, one year, one term family, three actors).

and checked for what a reader sees: no two texts overlap (tick labels, titles, axis
labels, legend entries, annotations, cell values; rotated labels are compared as
rotated rectangles), no text is cut off, and the saved image stays within
:data:`MAX_WIDTH` x :data:`MAX_HEIGHT` inches.
"""
from __future__ import annotations

import io
import itertools
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from unittest import mock

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from corpus_tools import compare, keywords  # noqa: E402
from corpus_tools.corpus import Corpus, Document, date_order, doc_labels, group_labels, load_corpus  # noqa: E402
from corpus_tools.describe import actor_counts, term_counts, token_summary  # noqa: E402
from corpus_tools.explore import term_report  # noqa: E402
from corpus_tools.plots import compare as compare_plots  # noqa: E402
from corpus_tools.plots import corpus as corpus_plots  # noqa: E402
from corpus_tools.plots import keywords as keyword_plots  # noqa: E402
from corpus_tools.plots.style import MAX_HEIGHT, date_ticks, plain, suptitle, thin_ticks  # noqa: E402
from corpus_tools.stats import FEW_UNITS  # noqa: E402
from corpus_tools.tokens import tokenize  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

#: The largest saved image (inches, at ``savefig.dpi`` 150: 2400 x 4500 pixels). A
#: notebook shrinks a wide image to its column (about 11 inches at the inline
#: backend's 100 dpi), so at 16 inches 10-point text is still read at about 7
#: points; the widest seed figure is 13.7 inches. Height only costs scrolling:
#: 30 inches is three screens (figures stop growing at plots.style.MAX_HEIGHT, 28).
MAX_WIDTH, MAX_HEIGHT_SAVED = 16.0, 30.0
#: Overlaps and overhangs smaller than this (pixels at the figure's 100 dpi) are rounding.
TOL = 1.0


# ---------------------------------------------------------------------------
# what was drawn, and where
# ---------------------------------------------------------------------------
def drawn_texts(fig) -> list[Text]:
    """The texts a draw of ``fig`` actually renders (visible, not blank), once each.

    Texts are collected as they are drawn, so tick labels outside the view,
    hidden panels and empty placeholders do not count.
    """
    seen, real = {}, Text.draw

    def spy(self, renderer):
        if self.get_visible() and self.get_text().strip():
            seen.setdefault(id(self), self)
        return real(self, renderer)

    with mock.patch.object(Text, "draw", spy):
        fig.canvas.draw()
    return list(seen.values())


def corners(t: Text, renderer) -> np.ndarray:
    """The four corners (display pixels) of a text's rotated rectangle.

    ``get_window_extent`` is the axis-aligned box around the rotated text;
    for slanted labels that box overlaps its neighbour's although the texts
    do not, so the rectangle is rebuilt from the unrotated size, centred in
    that box (true for both of matplotlib's rotation modes).
    """
    box = t.get_window_extent(renderer)
    angle = t.get_rotation() % 180
    if angle in (0.0, 90.0):
        return np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    flat = Text(0, 0, t.get_text(), fontproperties=t.get_fontproperties(), linespacing=t.get_linespacing())
    flat.set_figure(t.get_figure(root=True))
    size = flat.get_window_extent(renderer)
    th = math.radians(t.get_rotation())
    rot = np.array([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]])
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [size.width / 2, size.height / 2]
    return half @ rot.T + [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]


def _apart(a: np.ndarray, b: np.ndarray) -> bool:
    """Separating-axis test for two convex quadrilaterals (touching within TOL counts as apart)."""
    for poly in (a, b):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            axis = np.array([-edge[1], edge[0]]) / (np.hypot(*edge) or 1.0)
            pa, pb = a @ axis, b @ axis
            if pa.max() <= pb.min() + TOL or pb.max() <= pa.min() + TOL:
                return True
    return False


def overlapping(texts: list[Text], renderer) -> list[tuple[str, str]]:
    """Pairs of ``texts`` whose (rotated) rectangles overlap."""
    polys = [corners(t, renderer) for t in texts]
    lo = np.array([p.min(axis=0) for p in polys]).reshape(-1, 2)
    hi = np.array([p.max(axis=0) for p in polys]).reshape(-1, 2)
    return [
        (texts[i].get_text(), texts[j].get_text())
        for i, j in itertools.combinations(range(len(texts)), 2)
        if (lo[i] + TOL < hi[j]).all() and (lo[j] + TOL < hi[i]).all() and not _apart(polys[i], polys[j])
    ]


def saved_box(fig):
    """The part of the figure :func:`corpus_tools.plots.save_figure` writes (``bbox_inches="tight"``), in pixels."""
    box = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    return box.padded(plt.rcParams["savefig.pad_inches"]).transformed(fig.dpi_scale_trans)


def misplaced(texts: list[Text], renderer, area) -> list[str]:
    """``texts`` that are cut off: outside ``area`` (display pixels), or outside the axes that clips them."""
    bad = []
    for t in texts:
        p = corners(t, renderer)
        (x0, y0), (x1, y1) = p.min(axis=0), p.max(axis=0)
        if x0 < area.x0 - TOL or y0 < area.y0 - TOL or x1 > area.x1 + TOL or y1 > area.y1 + TOL:
            bad.append(t.get_text())
        elif t.get_clip_on() and t.get_clip_box() is not None:
            c = t.get_clip_box()
            if x0 < c.x0 - TOL or y0 < c.y0 - TOL or x1 > c.x1 + TOL or y1 > c.y1 + TOL:
                bad.append(t.get_text())
    return bad


#: Figures whose layout puts text beyond the canvas and relies on save_figure's
#: tight bounding box to include it; for these the texts must lie inside the
#: saved image instead. All are the seed corpus's layouts, kept byte-identical:
#: the title of plot_change is wider than its 7 inches, plot_fightin_words,
#: plot_stance (over 7 inches tall) and plot_quoted_share hang their legend under
#: the canvas, and plot_timeline (up to 40 documents), plot_quoted_share and a
#: plot_similarity drawn on its own run their row labels past the left edge
#: (neither calls tight_layout).
BEYOND_CANVAS = {"change", "fightin-words", "similarity", "quoted-share", "timeline", "stance"}


#: Cases drawn with another case's layout (the same figure, other data), checked as that case.
_AS_SEEDS = {"reference-keyness-by-author": "reference-keyness"}


def check_layout(fig, name: str) -> None:
    """The layout checks every figure must pass (see the module docstring)."""
    texts = drawn_texts(fig)
    renderer = fig.canvas.get_renderer()
    assert texts, f"{name}: nothing drawn"
    assert overlapping(texts, renderer) == [], f"{name}: texts overlap"
    box = saved_box(fig)
    assert misplaced(texts, renderer, box if name in BEYOND_CANVAS else fig.bbox) == [], f"{name}: texts cut off"
    width, height = box.width / fig.dpi, box.height / fig.dpi
    assert width <= MAX_WIDTH and height <= MAX_HEIGHT_SAVED, f"{name}: saved image {width:.1f} x {height:.1f} in"


# ---------------------------------------------------------------------------
# the small extreme: the seeds, through the real analyses
# ---------------------------------------------------------------------------
TRACKED = {
    "alliance": ["alliance", "ally", "allied", "alignment"],
    "partnership": ["partnership", "strategic_partnership"],
    "sanction": ["sanction"],
    "NATO": ["nato"],
}
STANCE_TERMS = {"alliance": ["alliance", "ally"], "partnership": ["partnership", "partner"]}


def _trend_corpus(corpus: Corpus) -> Corpus:
    """Fifteen documents of five seed paragraphs each, one a year 2010-2024, by three authors.

    Fifteen dated documents over three or more dates are the fewest
    :func:`corpus_tools.keywords.trend_model` fits a slope to
    (``stats.MIN_TREND_DOCS``), so this is the small extreme of a figure with
    fitted trend lines. Every fourth document is dated to the year only.
    """
    paragraphs = [p for d in corpus for p in d.paragraphs]
    authors = [d.author or "Anonymous" for d in corpus][:3]
    return Corpus([
        Document(doc_id=f"t{i:02d}", author=authors[i % 3],
                 date=f"{2010 + i}" if i % 4 == 0 else f"{2010 + i}-{1 + i % 12:02d}-15",
                 date_precision="year" if i % 4 == 0 else "day", paragraphs=tuple(paragraphs[5 * i:5 * i + 5]))
        for i in range(15)
    ])


#: The tracked concepts of the fitted-trend figure: a name of 40 characters beside its slope.
TRACKED_FIT = {**TRACKED, "partnerships, alliances and their allies": ["partnership", "alliance", "ally"]}


@pytest.fixture(scope="module")
def seed_tables():
    corpus = load_corpus(SEEDS)
    tokens = tokenize(corpus, cache=False, progress=False)
    docs = tokens.docs
    quotes = compare.quotations(corpus)
    early, late = keywords.split_periods(tokens)
    cdocs = corpus.to_frame()
    fifteen = tokenize(_trend_corpus(corpus), cache=False, progress=False)
    return {
        "corpus": corpus, "tokens": tokens, "docs": docs, "cdocs": cdocs, "labels": doc_labels(docs),
        "order": date_order(docs), "groups": group_labels(docs, "author"), "quotes": quotes,
        "early": early, "late": late, "fifteen": fifteen,
    }


def small_figure(name: str, t: dict):
    """Figure ``name`` drawn from the seeds as the notebooks draw it."""
    tokens, docs, labels, order = t["tokens"], t["docs"], t["labels"], t["order"]
    if name == "frequencies":
        freq = pd.concat([keywords.frequencies(tokens, by=None).groupby("group").head(15),
                          keywords.frequencies(tokens, by="doc_id").groupby("group").head(15)], ignore_index=True)
        return keyword_plots.plot_frequencies(freq, n=15, labels=labels, order=[keywords.ALL] + order)
    if name in ("trend", "trend-by-author"):  # five documents: the model refuses, so no line and no slope
        model = keywords.trend_model(tokens, TRACKED)
        fit = keywords.trend_curve(model)
        if name == "trend-by-author":
            return keyword_plots.plot_trend(keywords.trend(tokens, TRACKED, by="author"), ncols=3, fit=fit, model=model)
        return keyword_plots.plot_trend(keywords.trend(tokens, TRACKED, by="date"), ncols=3, labels=labels,
                                        hue=docs.set_index("doc_id")["author"], fit=fit, model=model)
    if name == "trend-one-panel":  # the term explorer's figure
        return term_report(tokens, "sanction")[0]
    if name in ("trend-fit", "trend-fit-by-year", "trend-fit-one-panel"):  # 15 documents: lines and slopes
        fifteen = t["fifteen"]
        if name == "trend-fit-one-panel":
            return term_report(fifteen, "partnership, alliance")[0]
        model = keywords.trend_model(fifteen, TRACKED_FIT)
        assert model["estimated"].sum() >= 2  # the figure must have slopes to show
        tr = keywords.trend(fifteen, TRACKED_FIT, by="date" if name == "trend-fit" else "year")
        return keyword_plots.plot_trend(tr, ncols=3, labels=doc_labels(fifteen.docs),
                                        hue=fifteen.docs.set_index("doc_id")["author"],
                                        fit=keywords.trend_curve(model), model=model)
    if name == "change":
        ch = keywords.change(tokens, early=t["early"], late=t["late"], min_count=5)
        return keyword_plots.plot_change(ch, n=9, early_label="–".join(t["early"]), late_label="–".join(t["late"]))
    if name == "distinctive":
        tfidf = keywords.distinctive_by_tfidf(tokens, n=15, by="doc_id")
        return keyword_plots.plot_distinctive(tfidf, labels=labels, order=order)
    if name == "dispersion":
        return keyword_plots.plot_dispersion(keywords.dispersion(tokens, TRACKED), docs, concepts=list(TRACKED))
    if name == "fightin-words":
        return compare_plots.plot_fightin_words(compare.distinctive_terms(tokens, by="author", min_count=3), top_n=10)
    if name == "similarities":
        return compare_plots.plot_similarities([
            (compare.similarity(tokens, by="author", method="cosine_tfidf"), False, "tf-idf cosine similarity"),
            (compare.similarity(tokens, by="author", method="jsd"), True, "Jensen–Shannon divergence (bits)"),
        ])
    if name == "similarity":
        return compare_plots.plot_similarity(compare.similarity(tokens, by="author", method="jsd"), distance=True,
                                             title="Jensen–Shannon divergence (bits)")
    if name == "actor-framing":
        return compare_plots.plot_actor_framing(compare.actor_framing(tokens, by="author", n_boot=100, seed=0))
    if name in ("reference-keyness", "reference-keyness-by-author"):
        ref = compare.reference_keyness(tokens, by=None if name == "reference-keyness" else "author", min_count=3)
        return compare_plots.plot_reference_keyness(ref, top_n=10)
    if name == "quoted-share":
        share = compare.quoted_share(t["corpus"], t["quotes"])
        return compare_plots.plot_quoted_share(share, labels=labels, groups=t["groups"])
    if name == "stance":
        st = compare.stance(tokens, by="author", terms=STANCE_TERMS, quotes=t["quotes"])
        return compare_plots.plot_stance(compare.stance_summary(st))
    cdocs = t["cdocs"]
    if name == "timeline":
        timeline = cdocs[["doc_id", "date", "date_precision"]].assign(author=group_labels(cdocs, "author").to_numpy())
        return corpus_plots.plot_timeline(timeline, label="author", max_rows=40)
    if name == "lengths":
        return corpus_plots.plot_lengths(cdocs)
    if name == "token-summary":
        return corpus_plots.plot_token_summary(token_summary(tokens))
    if name == "term-counts":
        return corpus_plots.plot_term_counts(term_counts(tokens, n=25))
    if name == "actor-rates":
        return corpus_plots.plot_actor_rates(actor_counts(tokens))
    raise KeyError(name)


SMALL = ["frequencies", "trend", "trend-one-panel", "trend-by-author", "trend-fit", "trend-fit-by-year",
         "trend-fit-one-panel", "change", "distinctive", "dispersion", "fightin-words", "similarities", "similarity",
         "actor-framing", "reference-keyness", "reference-keyness-by-author", "quoted-share", "stance", "timeline",
         "lengths", "token-summary", "term-counts", "actor-rates"]


@pytest.mark.parametrize("name", SMALL)
def test_seed_figures_have_no_overlapping_or_cut_text(name, seed_tables):
    fig = small_figure(name, seed_tables)
    try:
        check_layout(fig, _AS_SEEDS.get(name, name))
    finally:
        plt.close(fig)


# ---------------------------------------------------------------------------
# the large extreme: synthetic tables of a big corpus's shape
# ---------------------------------------------------------------------------
LONG = "comprehensive_strategic_partnership_of_coordination_for_a_new_era"
TREND_COLUMNS = ["doc_id", "date", "date_precision", "term", "count", "n_tokens", "per_1k", "ci_low", "ci_high",
                 "group", "unit", "n_units", "few_units", "dispersion", "terms"]


def _names(prefix: str, n: int) -> list[str]:
    """``n`` group names, every third of them long (so that shortening is exercised)."""
    return [f"{prefix} {i:02d} with a rather long descriptive name" if i % 3 == 0 else f"{prefix}{i:02d}"
            for i in range(n)]


def _concepts(n: int) -> list[str]:
    return [f"a much longer concept name {i}" if i % 5 == 0 else f"concept {i}" for i in range(n)]


def yearly_trend(n_concepts: int, years, *, single=(), model: pd.DataFrame | None = None) -> pd.DataFrame:
    """A trend table pooled by year (``by="year"``); years in ``single`` rest on one document (``few_units``).

    Rates scatter around 2 per 1,000 tokens, or around ``model``'s fitted line (:func:`trend_fit`).
    """
    rng = np.random.default_rng(1)
    slopes = model.set_index("term") if model is not None else None
    rows = []
    for c in _concepts(n_concepts):
        for y in years:
            r = float(rng.gamma(2.0, 1.0))
            if slopes is not None and slopes.loc[c, "estimated"]:
                m = slopes.loc[c]
                r *= 500 * np.exp(m["intercept"] + m["slope"] * (y + 0.5 - m["x_center"]) / m["per_years"])
            n_units = 1 if y in single else 40
            rows.append(("", str(y), "year", c, 10, 10_000, r, 0.6 * r, 1.5 * r, str(y), "document",
                         n_units, n_units < FEW_UNITS, 1.8, c))
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def trend_fit(concepts, first: float, last: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(model, fit)``: a :func:`corpus_tools.keywords.trend_model` table of the UN run's shape, and its lines.

    Rates about 2 per 1,000 tokens at the middle of the period, slopes from
    -30% to +45% per decade, mostly narrow intervals (10,000 speeches) and a
    rare concept in every six with a wide one ("+40%/decade [-55, +330]");
    the last concept never occurs and has no slope. The lines are the real
    :func:`corpus_tools.keywords.trend_curve` of that table.
    """
    rng = np.random.default_rng(2)
    rows = []
    for k, c in enumerate(concepts):
        slope = float(np.log(rng.uniform(0.7, 1.45)))
        se = 0.6 if k % 6 == 1 else float(rng.uniform(0.01, 0.12))
        q = 1.96
        row = dict(term=c, estimated=k < len(concepts) - 1 or len(concepts) == 1, reason="", method="nb",
                   n_docs=10_000, n_dates=int(last - first) + 1, date_from=str(int(first)), date_to=str(int(last)),
                   x_min=first + 0.5, x_max=last + 0.5, pct_change=100 * np.expm1(slope),
                   pct_low=100 * np.expm1(slope - q * se), pct_high=100 * np.expm1(slope + q * se),
                   p=0.001 if abs(slope) > 2 * se else 0.4, direction="rose" if slope > 0 else "fell",
                   per_years=10.0, x_center=(first + last) / 2 + 0.5, intercept=float(np.log(rng.uniform(1e-3, 3e-3))),
                   slope=slope, var_intercept=(se / 4) ** 2, cov_intercept_slope=0.0, var_slope=se ** 2,
                   df_resid=9_998.0, ci=0.95, dispersion=1.8)
        if not row["estimated"]:
            row.update({col: np.nan for col in ("pct_change", "pct_low", "pct_high", "p", "slope", "intercept")},
                       reason=f"{c!r} never occurs in these documents, so its rate has no trend to estimate.",
                       method="", direction="")
        rows.append(row)
    model = pd.DataFrame(rows)
    model["p_adj"] = model["p"]
    model["significant"] = model["p_adj"].fillna(1.0) < 0.05
    return model, keywords.trend_curve(model)


def _documents(n: int) -> pd.DataFrame:
    """``n`` documents over 1945-2024 by 200 authors; a third dated to the year only."""
    return pd.DataFrame({
        "doc_id": [f"doc{i:05d}" for i in range(n)],
        "date": [f"{1945 + i % 80}" if i % 3 == 0 else f"{1945 + i % 80}-{1 + i % 12:02d}-{1 + i % 28:02d}"
                 for i in range(n)],
        "date_precision": ["year" if i % 3 == 0 else "day" for i in range(n)],
        "author": [f"Author {i % 200}" for i in range(n)],
    })


def actor_framing_table(groups, rng) -> pd.DataFrame:
    """An :func:`corpus_tools.compare.actor_framing` table: ``groups`` x 25 actors, some with few units.

    Mentions from 0 to 99; a group of fewer than 10 paragraphs is ``few_units``; tone over documents
    where ten or more documents mention the actor, else over sentences; no sentence: no tone; one: no interval.
    """
    actors = [f"Very Long Actor Name {i}" if i % 4 == 0 else f"Actor {i}" for i in range(25)]
    rows = []
    for g in groups:
        n_units = int(rng.integers(4, 400))
        for a in actors:
            mentions = int(rng.integers(0, 100))
            per_1k = 1000 * mentions / 10_000
            n_scored = min(mentions, int(rng.integers(0, 60)))
            mean = float(rng.uniform(-0.8, 0.8)) if n_scored else np.nan
            half = 0.6 / np.sqrt(n_scored) if n_scored >= 2 else np.nan
            rows.append((g, a, mentions, 10_000, per_1k, 0.5 * per_1k, 1.6 * per_1k + 0.3, n_units,
                         n_units < FEW_UNITS, n_scored, n_scored / 500, n_scored, mean, mean - half, mean + half,
                         "documents" if n_scored >= 20 else "sentences"))
    return pd.DataFrame(rows, columns=list(compare.FRAMING_COLUMNS))


def reference_table(groups, rng) -> pd.DataFrame:
    """A :func:`corpus_tools.compare.reference_keyness` table of the UN corpus's size: 300 terms a group.

    The whole corpus (one group) has 20 million words, counts in the millions; 45 groups have
    450,000 words each. Log ratios from -6 to +9, some terms 60 characters long, a few not
    compared with the reference (``match`` other than ``"word"``), about half significant.
    """
    n_tokens = 20_000_000 if len(groups) == 1 else 450_000
    terms = [f"{LONG}_{k}" if k % 9 == 0 else f"word{k}" for k in range(300)]
    rows = []
    for g in groups:
        lr = np.clip(rng.normal(0.5, 2.5, len(terms)), -6, 9)
        ref = rng.uniform(1e-3, 2.0, len(terms))  # per 1,000 words
        for k, (t, r, v) in enumerate(zip(terms, ref, lr)):
            expected = n_tokens * r / 1000
            count = max(3, int(round(expected * 2 ** v)))
            half = 3.0 / np.sqrt(count)
            p = 1e-30 if abs(v) > 2 * half else 0.5
            match = "word" if k % 25 else ("unknown" if k % 50 else "multiword")
            rows.append((g, t, match, count, n_tokens, 1000 * count / n_tokens, r, expected, v, v - half, v + half,
                         p, p, p < 0.05, 0.05))
    return pd.DataFrame(rows, columns=list(compare.REFERENCE_COLUMNS))


def large_figure(name: str):
    """Figure ``name`` drawn from a synthetic table at the large extreme."""
    rng = np.random.default_rng(0)
    groups = _names("Group", 45)
    terms = [f"{LONG}_{k}" if k % 4 == 0 else f"term{k}" for k in range(15)]
    if name in ("frequencies", "frequencies-1"):  # 45 groups (12 drawn) of 15 terms, some 60 characters long
        panels = ["(all documents)"] + (groups if name == "frequencies" else [])
        freq = pd.DataFrame([(g, t, 100 - 5 * k, 10_000, (100 - 5 * k) / 10) for g in panels
                             for k, t in enumerate(terms)], columns=["group", "term", "count", "n_tokens", "per_1k"])
        return keyword_plots.plot_frequencies(freq, n=15)
    if name in ("trend-20x80", "trend-20x80-fit"):  # 20 concepts x 80 years, one year resting on a single document
        if name == "trend-20x80":
            return keyword_plots.plot_trend(yearly_trend(20, range(1945, 2025), single={1950}), ncols=3)
        model, fit = trend_fit(_concepts(20), 1945, 2024)
        tr = yearly_trend(20, range(1945, 2025), single={1950}, model=model)
        return keyword_plots.plot_trend(tr, ncols=3, fit=fit, model=model)
    if name in ("trend-2x79", "trend-2x79-fit"):  # the UN General Debate run: two concepts, 1946-2024, pooled by year
        if name == "trend-2x79":
            return keyword_plots.plot_trend(yearly_trend(2, range(1946, 2025)), ncols=3)
        model, fit = trend_fit(_concepts(2), 1946, 2024)
        return keyword_plots.plot_trend(yearly_trend(2, range(1946, 2025), model=model), ncols=3, fit=fit, model=model)
    if name == "trend-1x80-fit":  # the term explorer over the UN run: one panel, 80 years
        model, fit = trend_fit(_concepts(1), 1945, 2024)
        return keyword_plots.plot_trend(yearly_trend(1, range(1945, 2025), model=model), ncols=1, fit=fit, model=model)
    if name == "trend-1x1":  # one concept in one year
        return keyword_plots.plot_trend(yearly_trend(1, [1990]), ncols=3)
    if name == "trend-documents":  # 10,000 documents by 200 authors, one point each, with the fitted lines
        docs = _documents(10_000)
        r = rng.gamma(2.0, 1.0, (2, len(docs)))
        n_units = rng.integers(3, 40, len(docs))
        tr = pd.concat([docs.assign(term=c, count=3, n_tokens=1000, per_1k=r[i], ci_low=0.5 * r[i], ci_high=1.6 * r[i],
                                    group=docs["doc_id"], unit="paragraph", n_units=n_units,
                                    few_units=n_units < FEW_UNITS, dispersion=1.5, terms=c)
                        for i, c in enumerate(_concepts(2))], ignore_index=True)[TREND_COLUMNS]
        model, fit = trend_fit(_concepts(2), 1945, 2024)
        return keyword_plots.plot_trend(tr, ncols=3, hue=docs.set_index("doc_id")["author"], fit=fit, model=model)
    if name == "trend-45-groups":  # pooled by author: 45 undated groups on a categorical axis; slopes, no line
        r = rng.gamma(2.0, 1.0, 4 * 45)
        tr = pd.DataFrame([("", "", "", c, 3, 1000, r[k], 0.5 * r[k], 1.6 * r[k], g, "document", 3, True, 2.0, c)
                           for k, (c, g) in enumerate(itertools.product(_concepts(4), groups))], columns=TREND_COLUMNS)
        model, fit = trend_fit(_concepts(4), 1945, 2024)
        return keyword_plots.plot_trend(tr, ncols=3, fit=fit, model=model)
    if name == "change":  # the 20 smallest p of each direction drawn from 40; documents as the units
        p_adj = np.r_[np.geomspace(1e-12, 0.3, 20), np.geomspace(1e-9, 0.6, 20)]
        ch = pd.DataFrame({"term": [f"{LONG}_{i}" if i % 3 == 0 else f"word{i}" for i in range(40)],
                           "direction": ["rose"] * 20 + ["fell"] * 20,
                           "log_ratio": np.r_[np.linspace(4, 0.5, 20), np.linspace(-0.5, -5, 20)],
                           "g2": np.linspace(200, 10, 40), "p_adj": p_adj, "significant": p_adj < 0.05,
                           "criterion": "documents"})
        return keyword_plots.plot_change(ch, n=10, early_label="1946–1990", late_label="2000–2024")
    if name == "distinctive":
        tfidf = pd.DataFrame([(g, k + 1, t, 5, 0.5 - 0.02 * k) for g in groups for k, t in enumerate(terms)],
                             columns=["group", "rank", "term", "count", "tfidf"])
        return keyword_plots.plot_distinctive(tfidf)
    if name in ("dispersion", "dispersion-2"):  # 20 (or 2) concepts x 10,000 documents
        k = 20 if name == "dispersion" else 2
        docs = _documents(10_000)
        first = date_order(docs)[:40]
        disp = pd.DataFrame({"doc_id": np.repeat(first, k), "term": _concepts(k) * 40,
                             "relative_position": rng.random(40 * k)})
        return keyword_plots.plot_dispersion(disp, docs, concepts=_concepts(k))
    if name == "fightin-words":  # 45 groups (12 drawn) x 20 terms; the permutation test of documents
        z = rng.normal(0, 2, (45, 20))
        fw = pd.DataFrame([(g, f"{LONG}_{k}" if k % 7 == 0 else f"word{k}", int(rng.integers(1, 50)),
                            int(rng.integers(1, 5000)), z[i, k], 0.01 if abs(z[i, k]) > 3 else 0.5)
                           for i, g in enumerate(groups) for k in range(20)],
                          columns=["group", "term", "count", "count_rest", "z", "p_adj"])
        # distinctive exactly where BH-adjusted p < alpha: over- and under-used terms in most panels
        fw = fw.assign(distinctive=fw["p_adj"] < 0.05, direction=np.where(fw["z"] > 0, "over", "under"),
                       alpha=0.05, test="permutation")
        return compare_plots.plot_fightin_words(fw, top_n=5)  # few labels: adjustText takes ~1 s a panel
    if name in ("similarities", "similarity"):  # 45 groups; 200 on their own
        n = 45 if name == "similarities" else 200
        m = rng.random((n, n))
        m = (m + m.T) / 2
        np.fill_diagonal(m, 1.0)
        names = _names("Country", n)
        sim = pd.DataFrame(m, index=names, columns=names)
        if name == "similarity":
            return compare_plots.plot_similarity(1 - sim, distance=True, title="Topic-mixture JSD (bits)")
        return compare_plots.plot_similarities([(sim, False, "tf-idf cosine similarity"),
                                                (1 - sim, True, "JSD (bits)")])
    if name == "actor-framing":  # 45 groups x 25 actors
        return compare_plots.plot_actor_framing(actor_framing_table(groups, rng), top_actors=8)
    if name in ("reference-keyness", "reference-keyness-1"):  # 45 groups (or the whole corpus) against English
        return compare_plots.plot_reference_keyness(
            reference_table(groups if name == "reference-keyness" else [keywords.ALL], rng), top_n=10)
    if name in ("quoted-share", "quoted-share-40"):  # 10,000 documents pooled by 200 authors; 40 on their own
        docs = _documents(10_000)
        share = pd.DataFrame({"doc_id": docs["doc_id"], "n_words": rng.integers(500, 5000, len(docs)),
                              "quote_words": rng.integers(0, 100, len(docs)),
                              "reported_words": rng.integers(0, 100, len(docs)),
                              "mention_words": rng.integers(0, 50, len(docs))})
        if name == "quoted-share-40":
            return compare_plots.plot_quoted_share(share.head(40))
        return compare_plots.plot_quoted_share(share, groups=docs.set_index("doc_id")["author"])
    if name in ("stance", "stance-1"):  # 45 groups (40 drawn) x 3 families (or one)
        families = ("alliance", "partnership", "hegemony") if name == "stance" else ("alliance",)
        summary = pd.DataFrame([(g, f, c, int(rng.integers(0, 20))) for g in groups
                                for f in families
                                for c in compare.STANCE_CLASSES], columns=["group", "family", "classification", "n"])
        return compare_plots.plot_stance(summary)
    docs = _documents(10_000).assign(n_words=rng.integers(200, 9000, 10_000), n_paragraphs=rng.integers(2, 90, 10_000))
    if name == "timeline":  # 10,000 documents by 200 authors
        return corpus_plots.plot_timeline(docs, label="author", max_rows=40)
    if name == "timeline-40":  # 40 documents over 80 years, one row each
        return corpus_plots.plot_timeline(docs.iloc[::250].head(40), label="author", max_rows=40)
    if name == "lengths":
        return corpus_plots.plot_lengths(docs)
    if name == "lengths-40":
        return corpus_plots.plot_lengths(docs.head(40).assign(author=[f"Author {i} {LONG}" for i in range(40)]))
    if name == "token-summary":
        return corpus_plots.plot_token_summary(pd.DataFrame({"doc_id": docs["doc_id"], "label": docs["doc_id"],
                                                             "n_tokens": docs["n_words"], "msttr": rng.random(10_000)}))
    if name == "term-counts":  # TOP_N = 100, some terms 60 characters long
        tc = pd.DataFrame({"term": [f"{LONG}_{i}" if i % 5 == 0 else f"lemma{i}" for i in range(100)],
                           "count": range(1000, 900, -1), "per_1k": np.linspace(20, 1, 100)})
        return corpus_plots.plot_term_counts(tc)
    if name in ("actor-rates", "actor-rates-3"):  # 200 countries (30 drawn) x 40 actors (25 drawn), or 3 actors
        actors = [f"Very Long Actor Name {i}" if i % 4 == 0 else f"Actor {i}" for i in range(40)]
        actors = actors if name == "actor-rates" else actors[:3]
        rates = pd.DataFrame([(g, g, 50, a, 5, 100_000 + i, 20 * rng.random())
                              for i, g in enumerate(_names("Country", 200)) for a in actors],
                             columns=["group", "label", "n_docs", "actor", "mentions", "n_tokens", "per_1k"])
        return corpus_plots.plot_actor_rates(rates)
    raise KeyError(name)


LARGE = ["frequencies", "frequencies-1", "trend-20x80", "trend-20x80-fit", "trend-2x79", "trend-2x79-fit",
         "trend-1x80-fit", "trend-1x1", "trend-documents", "trend-45-groups", "change", "distinctive", "dispersion",
         "dispersion-2", "fightin-words", "similarities", "similarity", "actor-framing", "reference-keyness",
         "reference-keyness-1", "quoted-share", "quoted-share-40", "stance", "stance-1", "timeline", "timeline-40",
         "lengths", "lengths-40", "token-summary", "term-counts", "actor-rates", "actor-rates-3"]
#: large figures whose layout is the seeds' (see BEYOND_CANVAS)
_LARGE_AS_SMALL = {"quoted-share-40": "quoted-share", "timeline-40": "timeline", "stance-1": "stance"}


@pytest.mark.parametrize("name", LARGE)
def test_large_figures_have_no_overlapping_or_cut_text(name):
    fig = large_figure(name)
    try:
        check_layout(fig, _LARGE_AS_SMALL.get(name, name))
    finally:
        plt.close(fig)


def test_trend_by_year_over_eight_decades_fills_the_page():
    # The UN General Debate run (two concepts, 1946-2024 pooled by year) drew two
    # 1.1-inch panels at the edges of an empty page, with the years run together:
    # an empty unclipped marker line placed the axes' bounding box at the
    # figure's corner. Now each panel takes its half of the 8.4 inches.
    fig = large_figure("trend-2x79")
    drawn = {id(t) for t in drawn_texts(fig)}
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [round(ax.get_position().width * fig.get_figwidth(), 1) >= 3.0 for ax in panels] == [True, True]
    years = [t.get_text() for t in panels[0].get_xticklabels() if id(t) in drawn]
    assert years == ["1950", "1960", "1970", "1980", "1990", "2000", "2010", "2020"]
    plt.close(fig)


@pytest.mark.parametrize("span", [1, 2, 3, 5, 11, 25, 40, 80])
def test_trend_date_ticks_stay_legible_from_one_to_eighty_years(span):
    fig = keyword_plots.plot_trend(yearly_trend(3, range(1990, 1990 + span)), ncols=3)
    texts = drawn_texts(fig)
    assert overlapping(texts, fig.canvas.get_renderer()) == []
    drawn = {id(t) for t in texts}
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if id(t) in drawn]
    # years, never "1989-07"-style months for yearly data
    assert ticks and all(len(t) == 4 and t.isdigit() for t in ticks), ticks
    plt.close(fig)


def test_date_ticks_keep_matplotlib_ticks_that_fit_and_thin_those_that_do_not():
    dates = pd.to_datetime(["2014-11-21", "2020-06-01"])
    fig, ax = plt.subplots(figsize=(8, 2))
    ax.plot(dates, [0, 1])
    before = ax.xaxis.get_major_locator()
    date_ticks(ax, width=6.0)  # six yearly labels fit in 6 inches
    assert ax.xaxis.get_major_locator() is before
    date_ticks(ax, width=0.8)  # not in 0.8 inch: at most 0.8 // (width of "0000" + a character) = 2 ticks
    drawn = {id(t) for t in drawn_texts(fig)}
    shown = [t.get_text() for t in ax.get_xticklabels() if id(t) in drawn]
    assert 1 <= len(shown) <= 2 and all(s.isdigit() for s in shown), shown
    plt.close(fig)


def test_thin_ticks_labels_every_kth_only_when_labels_would_touch():
    fig, ax = plt.subplots(figsize=(4, 4))
    names = [f"g{i}" for i in range(40)]
    ax.imshow(np.zeros((40, 40)))
    ax.set_yticks(range(40), names)
    fig.canvas.draw()
    # the image is 3.08 inches tall (0.77 of 4): 0.077 inch a row; a 10-point label needs 1/6 inch -> every 3rd
    assert thin_ticks(ax, "y", names) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == names[::3]
    ax2 = plt.figure(figsize=(4, 4)).add_subplot()
    ax2.imshow(np.zeros((4, 4)))
    ax2.set_yticks(range(4), names[:4])
    assert thin_ticks(ax2, "y", names[:4]) == 1  # 0.77 inch a row: untouched
    plt.close("all")


def test_tall_figures_pin_the_suptitle_near_the_top():
    short, tall = plt.figure(figsize=(6, 11.3)), plt.figure(figsize=(6, 30))
    assert suptitle(short, "t").get_position()[1] == 0.98  # matplotlib's place, as in the seed figures
    assert math.isclose((1 - suptitle(tall, "t").get_position()[1]) * 30, 0.3)
    plt.close("all")


def test_trend_panels_show_the_fitted_line_and_the_slope_beside_a_wrapped_concept_name():
    fig = large_figure("trend-20x80-fit")
    model, fit = trend_fit(_concepts(20), 1945, 2024)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    for ax, (_, m) in zip(panels, model.iterrows()):
        slope = ax.get_title(loc="right")
        if not m["estimated"]:  # no slope, no line: the name alone, centred
            assert slope == "" and ax.get_title() == m["term"]
            assert not [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
            continue
        assert slope == (f"{m['pct_change']:+.0f}%/decade [{m['pct_low']:+.0f}, {m['pct_high']:+.0f}]"
                         + ("*" if m["significant"] else ""))
        # the name, wrapped only where it would run into the slope
        assert ax.get_title(loc="left").replace("\n", " ") == m["term"]
        assert ("\n" in ax.get_title(loc="left")) == m["term"].startswith("a much longer")
        dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
        assert len(dashed) == 1
        np.testing.assert_allclose(dashed[0].get_ydata(), fit.loc[fit["term"] == m["term"], "per_1k"])
    # a rare concept's band fans out to many times its rates: the panel keeps the rates' scale
    rare = model.index[1]
    ax, line = panels[rare], fit[fit["term"] == model.at[rare, "term"]]
    assert line["high"].max() > 10 * line["per_1k"].max()
    rates = yearly_trend(20, range(1945, 2025), single={1950}, model=model)
    top = 2 * max(rates.loc[rates["term"] == model.at[rare, "term"], "per_1k"].max(), line["per_1k"].max())
    assert ax.get_ylim() == pytest.approx((0, top))
    assert "trend bands that leave a panel are cut" in fig.texts[0].get_text()
    plt.close(fig)


def test_reference_keyness_draws_as_many_groups_as_fit_the_height_limit():
    fig = large_figure("reference-keyness")
    # 20 bars of 0.27 inch a panel: (28 - 1.3) // 5.4 = 4 rows of two panels
    assert fig.get_figheight() <= MAX_HEIGHT
    assert sum(ax.get_visible() for ax in fig.axes) == 8
    assert "the first 8 of 45 groups" in fig.texts[0].get_text()
    plt.close(fig)


def test_reference_keyness_writes_large_expected_counts_in_full():
    fig = large_figure("reference-keyness-1")
    labels = [t.get_text() for t in fig.axes[0].texts if "expected" in t.get_text()]
    assert len(labels) == 20 and not [t for t in labels if "e+" in t]
    assert "4,984,960 vs 17,000 expected" in labels  # 17,367.0 expected, to two significant figures
    plt.close(fig)


def test_dispersion_shows_fewer_documents_rather_than_grow_past_the_height_limit():
    fig = large_figure("dispersion")
    # 20 concepts in 5 rows: ((28 - 0.8) / 5 - 0.6) / 0.2 = 24 rows of documents fit
    assert fig.get_figheight() <= MAX_HEIGHT
    assert "(the first 24 of 10,000 documents)" in fig.texts[0].get_text()
    assert len(fig.axes[0].get_yticklabels()) == 24
    plt.close(fig)


# ---------------------------------------------------------------------------
# text is text: strings from the data are drawn exactly as written
# ---------------------------------------------------------------------------
def test_plain_escapes_dollars_so_matplotlib_draws_the_text_itself():
    assert plain("$x^$") == r"\$x^\$"
    assert plain("a_b") == "a_b" and plain("50%") == "50%" and plain("#hash") == "#hash"
    assert plain(3) == "3"
    from matplotlib import cbook

    # what matplotlib does with a string it does not read as mathtext: "\$" -> "$"
    for raw in ["$x^$", "$5 and $6", r"a\$b$", "\\\\$", "two\nlines", "_hidden"]:
        escaped = plain(raw)
        assert not cbook.is_math_text(escaped)
        assert escaped.replace(r"\$", "$") == raw


SPECIAL = ["$x^$", "_hidden", "a_b", "50%", "#hash", "two\nlines"]


def _special_corpus() -> Corpus:
    """Twelve documents, two per awkward author name, each with actors, a quotation and alliance terms.

    Each author's two documents have different dates, so pooled by author
    the groups have no single date and go on a categorical axis.
    """
    words = ["wheat", "steel", "river", "harbour", "glacier", "orchard"] * 2
    docs = []
    for i, (author, w) in enumerate(zip(SPECIAL * 2, words)):
        paragraphs = (
            f"Russia and China discussed the {w} alliance with the United States. "
            f"The {w} partnership is not an alliance, the minister said.",
            f"“We will not join any alliance against the {w} trade,” said the official. "
            f"NATO may sanction the {w} sector, perhaps, and the {w} partners hesitate.",
            f"The {w} {w} question remains: is this {w} alliance a partnership with Russia?",
        )
        docs.append(Document(doc_id=f"d{i:02d}", author=author, date=f"{2018 + i // 6}-0{i % 6 + 1}-15",
                             date_precision="day", paragraphs=paragraphs))
    return Corpus(docs)


@pytest.fixture(scope="module")
def special():
    corpus = _special_corpus()
    tokens = tokenize(corpus, cache=False, progress=False)
    docs = tokens.docs
    quotes = compare.quotations(corpus)
    cdocs = corpus.to_frame()
    labels = doc_labels(docs)
    terms = {"alliance": ["alliance"], "partnership": ["partnership"]}
    return {
        "timeline": lambda: corpus_plots.plot_timeline(
            cdocs[["doc_id", "date", "date_precision"]].assign(author=group_labels(cdocs, "author").to_numpy()),
            label="author"),
        "lengths": lambda: corpus_plots.plot_lengths(cdocs),
        "token-summary": lambda: corpus_plots.plot_token_summary(token_summary(tokens)),
        "actor-rates": lambda: corpus_plots.plot_actor_rates(actor_counts(tokens)),
        "trend": lambda: keyword_plots.plot_trend(keywords.trend(tokens, terms), labels=labels,
                                                  hue=docs.set_index("doc_id")["author"]),
        "trend-by-author": lambda: keyword_plots.plot_trend(keywords.trend(tokens, terms, by="author")),
        "frequencies": lambda: keyword_plots.plot_frequencies(keywords.frequencies(tokens), n=5, labels=labels),
        "distinctive": lambda: keyword_plots.plot_distinctive(keywords.distinctive_by_tfidf(tokens, n=5),
                                                              labels=labels),
        "dispersion": lambda: keyword_plots.plot_dispersion(keywords.dispersion(tokens, terms), docs),
        "fightin-words": lambda: compare_plots.plot_fightin_words(
            compare.distinctive_terms(tokens, by="author", min_count=1), top_n=3),
        "similarity": lambda: compare_plots.plot_similarities(
            [(compare.similarity(tokens, by="author", method="jsd"), True, "JSD")]),
        "actor-framing": lambda: compare_plots.plot_actor_framing(
            compare.actor_framing(tokens, by="author", n_boot=20)),
        "reference-keyness": lambda: compare_plots.plot_reference_keyness(
            compare.reference_keyness(tokens, by="author", min_count=1), top_n=3),
        "quoted-share": lambda: compare_plots.plot_quoted_share(compare.quoted_share(corpus, quotes), labels=labels),
        "stance": lambda: compare_plots.plot_stance(compare.stance_summary(
            compare.stance(tokens, by="author", terms=STANCE_TERMS, quotes=quotes))),
    }


def svg_text(fig) -> str:
    """The plain texts of ``fig`` as its SVG writes them (one line each), newline-joined.

    With ``svg.fonttype = none`` a plain text is one ``<text>`` element holding
    the characters drawn; mathtext would be split into nested ``<tspan>``s.
    """
    buf = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    root = ET.fromstring(buf.getvalue())
    return "\n".join(e.text for e in root.iter("{http://www.w3.org/2000/svg}text") if e.text and not len(e))


@pytest.mark.parametrize("name", ["timeline", "lengths", "token-summary", "actor-rates", "trend", "trend-by-author",
                                  "frequencies", "distinctive", "dispersion", "fightin-words", "similarity",
                                  "actor-framing", "reference-keyness", "quoted-share", "stance"])
def test_metadata_strings_are_drawn_exactly_as_written(name, special):
    fig = special[name]()  # "$x^$" used to stop the figure with a mathtext ParseFatalException
    drawn = svg_text(fig)
    missing = [label for label in SPECIAL if label not in drawn]
    assert missing == [], f"{name}: {missing} not drawn as written"
    plt.close(fig)


def test_a_group_named_with_a_leading_underscore_keeps_its_legend_entry(special):
    # matplotlib's automatic legend skips labels that begin with "_"
    fig = special["actor-framing"]()
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend == [plain(g) for g in sorted(SPECIAL)]  # one entry per group, "_hidden" included
    plt.close(fig)
    fig = special["trend"]()  # 12 documents: coloured by author, one legend entry each
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "_hidden" in legend and plain("$x^$") in legend
    plt.close(fig)
