"""Keyword statistics: frequencies, trends over time, KWIC, tf-idf, collocations, change.

Every function takes the :class:`corpus_tools.tokens.Tokens` table made by
:func:`corpus_tools.tokenize` and returns a tidy DataFrame; the ``plot_*``
functions at the end take those DataFrames and return a matplotlib Figure.

Two conventions hold throughout, so that numbers from different functions
agree with each other:

* **Rates are per 1,000 non-punctuation tokens**, stopwords *included* in
  the denominator. Dropping stopwords changes which terms are listed, never
  the rate of a listed term. A multiword term merged by the tokenizer
  (``belt_and_road_initiative``) is one token.
* **Matching a term** (:func:`match_term`, used by :func:`trend`,
  :func:`kwic` and :func:`dispersion`) is case-insensitive and tries, in
  order: the lemma; the surface form (``norm``) if no token has that lemma;
  the canonical multiword lemma (``"Belt and Road Initiative"`` ->
  ``belt_and_road_initiative``); and finally the phrase as a sequence of
  adjacent non-punctuation tokens, each matching by lemma or surface
  (``"multi-polarization"`` -> ``multi`` + ``polarization``). Because a
  lemma that exists is matched by lemma alone, ``kwic(tokens, "alliance")``
  returns exactly as many lines as ``frequencies`` counts for ``alliance``.

>>> from corpus_tools import tokenize                          # doctest: +SKIP
>>> from corpus_tools.notebook import load_selected            # doctest: +SKIP
>>> tokens = tokenize(load_selected(None))                      # doctest: +SKIP
>>> trend(tokens, {"alliance": ["alliance", "ally"]}, n_boot=200)  # doctest: +SKIP
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import stats
from .config import PER
from .corpus import date_in_range, date_interval, date_position
from .errors import MetadataError, ParameterError
from .corpus import doc_labels, group_labels, shorten
from .plots.style import use_style
from .tokens import bincount_rows, bool_column, codes_view, column_codes, token_frame

__all__ = [
    "frequencies",
    "trend",
    "trend_summary",
    "match_term",
    "check_terms",
    "kwic",
    "format_kwic",
    "dispersion",
    "distinctive_by_tfidf",
    "collocations",
    "change",
    "split_periods",
    "in_period",
    "date_order",
    "term_report",
    "explore",
    "plot_frequencies",
    "plot_trend",
    "plot_change",
    "plot_distinctive",
    "plot_dispersion",
]

#: Label of the single group when ``by=None`` (the whole selection).
ALL = "(all documents)"


# ---------------------------------------------------------------------------
# Access to the token table
# ---------------------------------------------------------------------------
def _doc_groups(tokens, doc_cats: np.ndarray, by: str | None) -> np.ndarray:
    """Group label of each doc_id category (``by=None`` -> one group for all)."""
    if by is None:
        return np.full(len(doc_cats), ALL, dtype=object)
    labels = group_labels(tokens.docs, by)
    out = labels.reindex(pd.Index(doc_cats)).to_numpy(object)
    # A doc_id with tokens but no metadata row cannot happen with tokenize();
    # fall back to the doc_id rather than failing on a half-built table.
    return np.where(pd.isna(out), doc_cats, out)


# ---------------------------------------------------------------------------
# Frequencies
# ---------------------------------------------------------------------------
def frequencies(
    tokens, *, by: str | None = "doc_id", column: str = "lemma", drop_stopwords: bool = True
) -> pd.DataFrame:
    """How often each term occurs in each group, as a count and per 1,000 tokens.

    Parameters
    ----------
    tokens : Tokens
        From :func:`corpus_tools.tokenize`.
    by : str or None, keyword-only, default ``"doc_id"``
        ``"doc_id"`` (one group per document), any metadata column of
        ``tokens.docs`` (``"author"``, ``"country_iso"`` …), ``"year"`` or
        ``"decade"`` (see :func:`corpus_tools.notebook.group_labels`), or
        ``None`` for the whole selection as one group labelled
        ``"(all documents)"``.
    column : str, keyword-only, default ``"lemma"``
        The token column counted (``"lemma"``, ``"norm"`` or ``"token"``).
    drop_stopwords : bool, keyword-only, default True
        Leave stopword tokens (``is_stop``) out of the *listing*. The flag is
        per token, so a lemma with stopword and non-stopword forms (``use``
        / ``used``) is counted in its non-stopword forms only.

    Returns
    -------
    DataFrame with columns ``group, term, count, n_tokens, per_1k``, sorted
    by group, then count (descending), then term. Punctuation is never
    listed.

    **Denominator:** ``n_tokens`` is the group's number of non-punctuation
    tokens, *stopwords included*, so ``per_1k = 1000 * count / n_tokens`` is
    the same whether or not stopwords are dropped from the listing, and
    matches :func:`trend` and :func:`change`.

    Raises
    ------
    ParameterError
        If ``column`` is not a token column; MetadataError for an unknown ``by``.
    """
    frame = token_frame(tokens)
    if column not in frame.columns:
        raise ParameterError(f"column={column!r} is not a token column; use 'lemma', 'norm' or 'token'")
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    groups = _doc_groups(tokens, doc_cats, by)
    group_codes, group_cats = pd.factorize(groups, sort=True)
    tok_group = group_codes[doc_codes]
    keep = ~bool_column(frame, "is_punct")
    n_tokens = np.bincount(tok_group[keep], minlength=len(group_cats))
    listed = keep & ~bool_column(frame, "is_stop") if drop_stopwords else keep
    term_codes, term_cats = column_codes(frame[column])
    counts = (
        pd.DataFrame({"g": tok_group[listed], "t": term_codes[listed]})
        .groupby(["g", "t"], sort=False)
        .size()
        .rename("count")
        .reset_index()
    )
    out = pd.DataFrame(
        {
            "group": np.asarray(group_cats, dtype=object)[counts["g"].to_numpy()],
            "term": term_cats[counts["t"].to_numpy()],
            "count": counts["count"].to_numpy(np.int64),
            "n_tokens": n_tokens[counts["g"].to_numpy()].astype(np.int64),
        }
    )
    out["per_1k"] = out["count"] / out["n_tokens"] * PER
    return out.sort_values(["group", "count", "term"], ascending=[True, False, True], ignore_index=True)


# ---------------------------------------------------------------------------
# Matching terms
# ---------------------------------------------------------------------------
_SPLIT = re.compile(r"[\s_\-‐‑–]+")


class _Matcher:
    """Finds terms in one token table; built once per call, reused for every term.

    Works on the categorical codes of ``lemma`` and ``norm``: a term is
    resolved to a boolean lookup over the (lower-cased) categories, and the
    rows follow from one gather over the codes, so a concept of several
    variants costs one pass over a table of tens of millions of tokens.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.cols = {}
        for col in ("lemma", "norm"):
            series = frame[col]
            if isinstance(series.dtype, pd.CategoricalDtype):
                codes = codes_view(series)
                cats = series.cat.categories.astype(str)
            else:
                codes, uniques = pd.factorize(series)
                cats = pd.Index(np.asarray(uniques, dtype=str))
            lower = cats.str.lower().to_numpy(object)
            # Categories actually used (a selection can leave unused ones behind).
            used = bincount_rows(codes, len(cats), codes >= 0) > 0
            self.cols[col] = (codes, lower, used)

    def _lookup(self, col: str, value: str) -> np.ndarray | None:
        """Boolean array over categories (+1 trailing False for missing codes), or None if unused."""
        _, lower, used = self.cols[col]
        hit = (lower == value) & used
        if not hit.any():
            return None
        return np.r_[hit, False]

    def resolve(self, term: str) -> tuple[str, str, object]:
        """``(how, column, lookup)`` for a single-token rule, or ``("phrase", "", parts)``."""
        t = str(term).strip().lower()
        if not t:
            raise ParameterError("an empty term cannot be matched; give a lemma, surface form or phrase")
        canonical = "_".join(p for p in _SPLIT.split(t) if p)
        for how, col, value in (("lemma", "lemma", t), ("norm", "norm", t), ("multiword", "lemma", canonical)):
            lookup = self._lookup(col, value)
            if lookup is not None:
                return how, col, lookup
        parts = canonical.split("_")
        return ("phrase", "", parts) if len(parts) > 1 else ("none", "", None)

    def rows(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """First and last rows of every occurrence of any of ``terms``, each occurrence once."""
        n_rows = len(self.frame)
        lookups = {"lemma": None, "norm": None}
        firsts, lasts = [], []
        for term in terms:
            how, col, obj = self.resolve(term)
            if how in ("lemma", "norm", "multiword"):
                lookups[col] = obj if lookups[col] is None else (lookups[col] | obj)
            elif how == "phrase":
                f, l = self._phrase(obj)
                firsts.append(f)
                lasts.append(l)
        hit = np.zeros(n_rows, dtype=bool)
        for col, lookup in lookups.items():
            if lookup is not None:
                hit |= lookup[self.cols[col][0]]
        single = np.flatnonzero(hit)
        first = np.concatenate([single, *firsts])
        last = np.concatenate([single, *lasts])
        # A phrase occurrence that starts on a token already counted as a
        # single-token match is the same occurrence; keep it once.
        first, keep = np.unique(first, return_index=True)
        return first.astype(np.int64), last[keep].astype(np.int64)

    def _phrase(self, parts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Adjacent non-punctuation tokens of one paragraph matching ``parts`` in order."""
        frame = self.frame
        rows = np.flatnonzero(~bool_column(frame, "is_punct"))
        k = len(parts)
        n = rows.size - k + 1
        if n <= 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy()
        doc = codes_view(frame["doc_id"])[rows] if isinstance(frame["doc_id"].dtype, pd.CategoricalDtype) \
            else pd.factorize(frame["doc_id"])[0][rows]
        par = frame["paragraph"].to_numpy(np.int64)[rows]
        ok = np.ones(n, dtype=bool)
        for j, part in enumerate(parts):
            hit = np.zeros(rows.size, dtype=bool)
            for col in ("lemma", "norm"):
                codes, lower, _ = self.cols[col]
                hit |= np.r_[lower == part, False][codes[rows]]
            ok &= hit[j : j + n]
            if j:
                ok &= (doc[j : j + n] == doc[:n]) & (par[j : j + n] == par[:n])
        starts = np.flatnonzero(ok)
        return rows[starts], rows[starts + k - 1]


def match_term(tokens, term: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Where a term occurs: positional row indices of its first and last token.

    The rules, tried in order (case-insensitive; the first that finds
    anything wins):

    1. ``lemma == term`` (``"alliance"`` also finds "alliances");
    2. ``norm == term`` (a surface form whose lemma differs, e.g. ``"allied"``);
    3. the canonical multiword lemma, spaces and hyphens replaced by ``_``
       (``"Belt and Road Initiative"`` -> ``belt_and_road_initiative``);
    4. the phrase as adjacent non-punctuation tokens in one paragraph, each
       part matching by lemma or surface (``"multi-polarization"`` where the
       tokenizer split the hyphen). One occurrence counts once.

    Returns ``(first_rows, last_rows, how)`` where the rows index
    ``tokens.frame`` by position and ``how`` is ``"lemma"``, ``"norm"``,
    ``"multiword"``, ``"phrase"`` or ``"none"``.

    Raises ParameterError for an empty term.
    """
    matcher = _Matcher(token_frame(tokens))
    how, _, _ = matcher.resolve(term)
    first, last = matcher.rows([term])
    return first, last, (how if first.size else "none")


def check_terms(tokens, terms) -> pd.DataFrame:
    """How each tracked term is matched, how often, and which merged lemmas contain it.

    The tokenizer merges multiword expressions into one token
    (``strategic partnership`` -> ``strategic_partnership``), so the lemma
    ``partnership`` does not count the partnership inside them. This table
    makes that visible so the researcher can decide whether to add the merged
    lemma to the concept.

    Returns ``concept, term, matched_as, count, n_docs, also_inside`` with
    ``matched_as`` as in :func:`match_term` and ``also_inside`` listing the
    merged lemmas (with counts) that have the term as one of their parts and
    are not already listed in the same concept; one row per term, in the
    order given.
    """
    frame = token_frame(tokens)
    concepts = _concept_terms(terms)
    matcher = _Matcher(frame)
    lemma_codes, lemma_lower, _ = matcher.cols["lemma"]
    counts = np.bincount(lemma_codes[lemma_codes >= 0], minlength=len(lemma_lower))
    merged = {i: lemma_lower[i].split("_") for i in np.flatnonzero(counts > 0) if "_" in lemma_lower[i]}
    doc = frame["doc_id"].astype(str).to_numpy(object)
    rows = []
    for concept, lemmas in concepts.items():
        listed = {"_".join(p for p in _SPLIT.split(t.lower()) if p) for t in lemmas}
        for term in lemmas:
            how, _, _ = matcher.resolve(term)
            first, _ = matcher.rows([term])
            key = "_".join(p for p in _SPLIT.split(term.lower()) if p)
            inside = sorted(
                ((lemma_lower[i], int(counts[i])) for i, parts in merged.items()
                 if key in parts and lemma_lower[i] not in listed),
                key=lambda x: (-x[1], x[0]),
            )
            rows.append((concept, term, how if first.size else "none", int(first.size),
                         int(pd.unique(doc[first]).size), ", ".join(f"{m} ({c})" for m, c in inside)))
    return pd.DataFrame(rows, columns=["concept", "term", "matched_as", "count", "n_docs", "also_inside"])


def _concept_terms(terms) -> dict[str, list[str]]:
    """``terms`` as an ordered mapping concept -> list of terms."""
    if isinstance(terms, str):
        terms = [terms]
    if isinstance(terms, Mapping):
        out = {}
        for concept, lemmas in terms.items():
            lemmas = [lemmas] if isinstance(lemmas, str) else list(lemmas)
            if not lemmas:
                raise ParameterError(f"TRACKED_TERMS[{concept!r}] lists no terms; give at least one lemma")
            out[str(concept)] = [str(x) for x in lemmas]
    else:
        out = {str(t): [str(t)] for t in terms}
    if not out:
        raise ParameterError("no terms given; pass a list of lemmas or a dict concept -> lemmas")
    return out


# ---------------------------------------------------------------------------
# Trends with bootstrap intervals
# ---------------------------------------------------------------------------
def trend(tokens, terms, *, by: str = "date", n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Rate of each term (or concept) per 1,000 tokens over time, with bootstrap 95% intervals.

    Parameters
    ----------
    tokens : Tokens
    terms : list of str, or dict concept -> list of str
        Lemmas (or surface forms / phrases, see :func:`match_term`). A dict
        pools its terms: ``{"alliance": ["alliance", "ally", "allied"]}``
        counts every token matching any of them, each token once.
    by : str, keyword-only, default ``"date"``
        ``"date"`` or ``"doc_id"``: one row per document per concept, and the
        bootstrap resamples the document's **paragraphs**. Any other grouping
        accepted by :func:`corpus_tools.notebook.group_labels` (``"year"``,
        ``"decade"``, ``"author"`` …): one row per group per concept, and the
        bootstrap resamples the **documents** of the group (use ``"year"``
        for a corpus of thousands of documents).
    n_boot : int, keyword-only, default 1000
        Bootstrap replicates; 1000 is the usual minimum for a stable 95%
        percentile interval (Efron & Tibshirani 1993, ch. 13).
    seed : int, keyword-only, default 0
        Same seed, same intervals. Each group's stream is derived from the
        seed and the group's label.

    Returns
    -------
    DataFrame with columns ``doc_id, date, date_precision, term, count,
    n_tokens, per_1k, ci_low, ci_high, group, unit, n_units, terms``, one row
    per group and concept (concepts in the order given), sorted by date.

    * ``per_1k = 1000 * count / n_tokens`` with ``n_tokens`` the
      non-punctuation tokens (stopwords included) of the document or group.
    * ``ci_low, ci_high``: percentile bootstrap 95% interval
      (Efron & Tibshirani 1993) from :func:`corpus_tools.stats.bootstrap_rate_ci`,
      resampling ``unit`` (``"paragraph"`` or ``"document"``) with
      replacement, ``n_units`` of them. Resampling whole units rather than
      tokens keeps the burstiness of words: a term concentrated in one
      paragraph gets a wide interval. A document with one paragraph gets a
      zero-width interval (there is nothing to resample), which is not
      certainty. ``low <= per_1k <= high`` always.
    * A concept absent from a document gets count 0, ``per_1k`` 0 and the
      interval [0, 0], never NaN.
    * For per-document rows ``doc_id`` and ``date`` are the document's; for
      ``by="year"`` ``doc_id`` is empty and ``date`` is the year (precision
      ``"year"``); for other groupings ``date`` is the group's date only if
      all its documents share one, else empty.

    Raises
    ------
    ParameterError
        For empty terms or an invalid ``n_boot``; MetadataError for an unknown ``by``.
    """
    frame = token_frame(tokens)
    concepts = _concept_terms(terms)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ParameterError(f"n_boot={n_boot!r}: give a positive number of bootstrap replicates (N_BOOT)")
    per_doc = by in ("date", "doc_id")
    # by group: the stored doc_id codes are the unit codes (a view, no int64 copy)
    doc_codes, doc_cats = column_codes(frame["doc_id"], wide=per_doc)
    keep = ~bool_column(frame, "is_punct")

    if per_doc:
        # Units are paragraphs: one integer key per (document, paragraph).
        para = frame["paragraph"].to_numpy(np.int64)
        width = int(para.max()) + 1 if para.size else 1
        unit_codes, unit_keys = pd.factorize(doc_codes * width + para, sort=True)
        unit_doc = (np.asarray(unit_keys) // width).astype(np.int64)
        unit_group = doc_cats[unit_doc]
    else:
        unit_codes = doc_codes
        unit_group = _doc_groups(tokens, doc_cats, by)
    n_units = len(unit_group)
    totals = bincount_rows(unit_codes, n_units, keep).astype(np.float64)
    counts = np.zeros((n_units, len(concepts)), dtype=np.float64)
    matcher = _Matcher(frame)
    for j, lemmas in enumerate(concepts.values()):
        rows, _ = matcher.rows(lemmas)
        counts[:, j] = np.bincount(unit_codes[rows], minlength=n_units)

    # Units of a group that have no tokens at all (e.g. an empty category of
    # doc_id) are dropped; each remaining group's units are contiguous after
    # a stable sort by group label.
    del keep
    present = bincount_rows(unit_codes, n_units) > 0
    order = np.flatnonzero(present)
    order = order[np.argsort(unit_group[order].astype(str), kind="stable")]
    labels = unit_group[order].astype(str)
    if labels.size == 0:
        raise ParameterError("the token table is empty; there is nothing to count")
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    ends = np.r_[starts[1:], labels.size]

    group_dates = _group_dates(tokens, by)
    records = []
    for s, e in zip(starts, ends):
        label = labels[s]
        idx = order[s:e]
        est, low, high = stats.bootstrap_rate_ci(
            counts[idx], totals[idx], n_boot=int(n_boot), seed=int(stats.group_seed(seed, label).generate_state(1)[0])
        )
        date, precision, doc_id = group_dates.get(label, ("", "", ""))
        for j, (concept, lemmas) in enumerate(concepts.items()):
            records.append(
                (doc_id, date, precision, concept, int(counts[idx, j].sum()), int(totals[idx].sum()),
                 float(est[j]), float(low[j]), float(high[j]), label,
                 "paragraph" if per_doc else "document", int((totals[idx] > 0).sum()), ", ".join(lemmas))
            )
    out = pd.DataFrame.from_records(
        records,
        columns=["doc_id", "date", "date_precision", "term", "count", "n_tokens", "per_1k",
                 "ci_low", "ci_high", "group", "unit", "n_units", "terms"],
    )
    out["_pos"] = [date_position(d, p) if d else pd.NaT for d, p in zip(out["date"], out["date_precision"])]
    out["_term"] = out["term"].map({c: i for i, c in enumerate(concepts)})
    out = out.sort_values(["_pos", "group", "_term"], na_position="last", kind="stable")
    return out.drop(columns=["_pos", "_term"]).reset_index(drop=True)


def trend_summary(tr: pd.DataFrame, labels: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """One row per concept of a :func:`trend` table: where it is highest and lowest, and whether that differs.

    Returns ``term, count, n_groups, n_with_term, highest, highest_per_1k,
    lowest, lowest_per_1k, separated, sentence``. ``separated`` is True when
    the highest group's interval lies wholly above the lowest group's
    (a conservative reading of non-overlapping 95% intervals; overlapping
    intervals do not prove equality). ``sentence`` says it in words, for
    notebooks to print instead of hard-coding findings in markdown.
    """
    labels = dict(labels) if labels is not None else {}
    rows = []
    for term, sub in tr.groupby("term", sort=False):
        sub = sub.dropna(subset=["per_1k"])
        if sub.empty:
            continue
        hi = sub.loc[sub["per_1k"].idxmax()]
        lo = sub.loc[sub["per_1k"].idxmin()]
        hl, ll = labels.get(hi["group"], hi["group"]), labels.get(lo["group"], lo["group"])
        n_with = int((sub["count"] > 0).sum())
        separated = bool(hi["ci_low"] > lo["ci_high"])
        unit = "documents" if (sub["unit"] == "paragraph").all() else "groups"
        if n_with == 0:
            sentence = f"{term}: no occurrences in any of the {len(sub)} {unit}."
        else:
            sentence = (
                f"{term}: {int(sub['count'].sum())} occurrences, in {n_with} of {len(sub)} {unit}; "
                f"highest in {hl} ({hi['per_1k']:.1f} per 1,000, 95% CI {hi['ci_low']:.1f}–{hi['ci_high']:.1f}), "
                f"lowest in {ll} ({lo['per_1k']:.1f}, CI {lo['ci_low']:.1f}–{lo['ci_high']:.1f}); "
                + ("these two intervals do not overlap." if separated else
                   "these two intervals overlap, so even the extremes are not clearly different.")
            )
        rows.append((term, int(sub["count"].sum()), len(sub), n_with, hl, float(hi["per_1k"]), ll,
                     float(lo["per_1k"]), separated, sentence))
    return pd.DataFrame(rows, columns=["term", "count", "n_groups", "n_with_term", "highest", "highest_per_1k",
                                       "lowest", "lowest_per_1k", "separated", "sentence"])


def _group_dates(tokens, by: str) -> dict[str, tuple[str, str, str]]:
    """``group label -> (date, date_precision, doc_id)`` to report for each trend group.

    Per document: the document's own date. ``by="year"``: the year, at
    year precision. Other groupings: the date shared by all the group's
    documents, else empty (the group has no single place on a time axis).
    """
    docs = tokens.docs.assign(doc_id=tokens.docs["doc_id"].astype(str))
    date = docs["date"].fillna("").astype(str)
    prec = docs["date_precision"].fillna("").astype(str)
    if by in ("date", "doc_id"):
        return {d: (a, b, d) for d, a, b in zip(docs["doc_id"], date, prec)}
    labels = group_labels(docs, by).reindex(docs["doc_id"]).to_numpy(object)
    frame = pd.DataFrame({"group": labels, "date": date.to_numpy(), "prec": prec.to_numpy()})
    out = {}
    for label, sub in frame.groupby("group", sort=False):
        if by == "year" and re.fullmatch(r"\d{4}", str(label)):
            out[label] = (str(label), "year", "")
        elif sub["date"].nunique() == 1 and sub["prec"].nunique() == 1:
            out[label] = (sub["date"].iloc[0], sub["prec"].iloc[0], "")
        else:
            out[label] = ("", "", "")
    return out


# ---------------------------------------------------------------------------
# KWIC and dispersion
# ---------------------------------------------------------------------------
def kwic(tokens, term, *, window: int = 8) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` with ``window`` tokens either side.

    Matching follows :func:`match_term` (lemma, surface form, multiword term
    or phrase); ``term`` may also be a list of variants, whose occurrences
    are pooled (each token once). The context stays inside the document and
    counts every token, punctuation included (as quanteda's ``kwic`` does);
    ``left``, ``keyword`` and ``right`` are the surface tokens joined with
    single spaces.

    Returns a DataFrame ``doc_id, paragraph, sentence, position, left,
    keyword, right`` in table order, one row per occurrence; empty (same
    columns) if the term does not occur. For a lemma the number of rows
    equals its ``count`` in :func:`frequencies` (with ``drop_stopwords=False``
    for a stopword).

    Raises ParameterError for an empty term or a negative window.
    """
    if window < 0:
        raise ParameterError(f"window={window!r}: give a non-negative number of context tokens")
    frame = token_frame(tokens)
    terms = [term] if isinstance(term, str) else list(term)
    first, last = _Matcher(frame).rows(terms)
    doc = frame["doc_id"]
    doc_codes = codes_view(doc) if isinstance(doc.dtype, pd.CategoricalDtype) else pd.factorize(doc)[0]
    # Rows of one document are contiguous in the token table; a context
    # window stops at the document's first and last row.
    breaks = np.flatnonzero(doc_codes[1:] != doc_codes[:-1]) + 1
    bounds = np.r_[0, breaks, len(frame)]
    run = np.searchsorted(bounds, first, side="right") - 1
    lo = np.maximum(first - window, bounds[run])
    hi = np.minimum(last + 1 + window, bounds[run + 1])
    # Fetch only the rows that are shown, not the whole token column.
    need = np.unique(np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])) if first.size else np.zeros(0, np.int64)
    surface = dict(zip(need.tolist(), frame["token"].iloc[need].astype(str).tolist()))

    def join(a, b):
        return " ".join(surface[i] for i in range(a, b))

    take = frame.iloc[first]
    return pd.DataFrame(
        {
            "doc_id": take["doc_id"].astype(str).to_numpy(object),
            "paragraph": take["paragraph"].to_numpy(np.int64),
            "sentence": take["sentence"].to_numpy(np.int64),
            "position": take["position"].to_numpy(np.int64),
            "left": pd.Series([join(a, f) for a, f in zip(lo, first)], dtype=object),
            "keyword": pd.Series([join(f, l + 1) for f, l in zip(first, last)], dtype=object),
            "right": pd.Series([join(l + 1, b) for l, b in zip(last, hi)], dtype=object),
        }
    )


def format_kwic(lines: pd.DataFrame, labels: Mapping[str, str] | pd.Series | None = None, *,
                width: int = 60, max_lines: int | None = None) -> str:
    """A :func:`kwic` table as aligned plain text for reading, one line per occurrence.

    Left context is right-aligned and cut to ``width`` characters, so every
    keyword starts in the same column (``[keyword]``); ``labels`` (doc_id -> ``"Author (date)"``,
    e.g. :func:`corpus_tools.notebook.doc_labels`) prefixes each line.
    ``max_lines`` keeps the first lines and says how many were left out.
    """
    if lines.empty:
        return "(no occurrences)"
    shown = lines if max_lines is None else lines.head(max_lines)
    labels = dict(labels) if labels is not None else {}
    tags = [shorten(labels.get(d, d), 28) for d in shown["doc_id"]]
    tag_w = max(len(t) for t in tags)
    out = []
    for tag, row in zip(tags, shown.itertuples(index=False)):
        left = row.left[-width:] if len(row.left) > width else row.left
        right = row.right[:width]
        out.append(f"{tag:<{tag_w}} ¶{row.paragraph:<3d} {left:>{width}} [{row.keyword}] {right}")
    if max_lines is not None and len(lines) > max_lines:
        out.append(f"… {len(lines) - max_lines} more lines not shown")
    return "\n".join(out)


def dispersion(tokens, terms) -> pd.DataFrame:
    """Where each term (concept) occurs inside each document, for a lexical dispersion plot.

    Returns ``doc_id, term, position, n_positions, relative_position`` (``term``
    an ordered categorical of the concepts, in the order given) with
    ``relative_position = position / n_positions`` in [0, 1): 0 is the first
    token of the document, 1 its end (``n_positions`` counts every token,
    punctuation included, as the tokenizer numbers them). Sorted by
    document, concept order and position.
    """
    frame = token_frame(tokens)
    concepts = _concept_terms(terms)
    doc = frame["doc_id"].astype(str).to_numpy(object)
    pos = frame["position"].to_numpy(np.int64)
    length = frame.groupby("doc_id", observed=True)["position"].max() + 1
    parts = []
    matcher = _Matcher(frame)
    for concept, lemmas in concepts.items():
        rows, _ = matcher.rows(lemmas)
        parts.append(pd.DataFrame({"doc_id": doc[rows], "term": concept, "position": pos[rows]}))
    out = pd.concat(parts, ignore_index=True)
    out["n_positions"] = out["doc_id"].map(length.rename(index=str)).astype(np.int64)
    out["relative_position"] = out["position"] / out["n_positions"]
    # An ordered categorical keeps the concepts' order (and concepts with no
    # occurrence) for plot_dispersion.
    out["term"] = pd.Categorical(out["term"], categories=list(concepts), ordered=True)
    out = out.sort_values(["doc_id", "term", "position"], kind="stable")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------
# Distinctive terms, collocations, change between periods
# ---------------------------------------------------------------------------
def distinctive_by_tfidf(tokens, *, n: int = 10, by: str = "doc_id", column: str = "lemma") -> pd.DataFrame:
    """The ``n`` terms with the highest tf-idf in each document (or group).

    The weighting is gensim's ``TfidfModel`` default (SMART ``nfc``-style:
    raw term count times ``log2(N / df)``, then each document's vector
    scaled to unit length), after Spärck Jones (1972) and Salton & Buckley
    (1988)::

        w(t, d) = count(t, d) * log2(N / df(t));   tfidf = w / ||w(., d)||_2

    computed with a pandas group-by so that it scales to large corpora (the
    tests check it against ``gensim.models.TfidfModel``). Stopwords and
    punctuation are left out. A term found in every document has idf 0 and
    is never distinctive.

    ``by`` pools documents into groups first (``"author"``, ``"year"`` …,
    as in :func:`frequencies`), treating each group as one document.

    Returns ``group, rank, term, count, tfidf`` sorted by group and rank
    (ties broken alphabetically); empty when there are fewer than two groups,
    since idf is then 0 for every term.
    """
    if n < 1:
        raise ParameterError(f"n={n!r}: ask for at least one term per document (TOP_N)")
    freq = frequencies(tokens, by=by, column=column, drop_stopwords=True)
    n_groups = freq["group"].nunique()
    df = freq.groupby("term")["group"].transform("size")
    w = freq["count"] * np.log2(n_groups / df)
    norm = np.sqrt((w**2).groupby(freq["group"]).transform("sum"))
    out = freq[["group", "term", "count"]].assign(tfidf=np.where(norm > 0, w / norm.where(norm > 0, 1), 0.0))
    out = out[out["tfidf"] > 0].sort_values(["group", "tfidf", "term"], ascending=[True, False, True])
    out = out.groupby("group", sort=True).head(n).copy()
    out["rank"] = out.groupby("group").cumcount() + 1
    return out[["group", "rank", "term", "count", "tfidf"]].reset_index(drop=True)


def collocations(
    tokens, *, measure: str = "likelihood_ratio", min_freq: int = 2, n: int = 20, column: str = "lemma"
) -> pd.DataFrame:
    """The top two-word collocations by an association measure (nltk).

    Uses nltk's ``BigramCollocationFinder`` and ``BigramAssocMeasures``:
    ``"likelihood_ratio"`` is Dunning's (1993) log-likelihood G²,
    ``"pmi"`` pointwise mutual information (Church & Hanks 1990).

    Handling of stopwords and punctuation (documented because it changes the
    result): bigrams are formed from the running lemmas *inside* stretches of
    non-punctuation tokens of one sentence, so no pair spans a comma, a
    sentence or a paragraph break; stopwords stay in the stream (so "war"
    and "on" in "war on terror" are not made adjacent to "terror") and then
    every pair containing a stopword is discarded. A merged multiword lemma
    such as ``trade_war`` is one word. Pairs seen fewer than ``min_freq``
    times are dropped *before* ranking; this matters most for PMI, which
    otherwise ranks one-off pairs of rare words highest.

    Returns ``rank, w1, w2, bigram, count, score, measure`` (ties in score
    broken alphabetically); empty if no pair reaches ``min_freq``.

    Raises ParameterError for an unknown measure or ``min_freq < 1``.
    """
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    funcs = {"likelihood_ratio": BigramAssocMeasures.likelihood_ratio, "pmi": BigramAssocMeasures.pmi}
    if measure not in funcs:
        raise ParameterError(f"measure={measure!r}: use 'likelihood_ratio' or 'pmi'")
    if min_freq < 1:
        raise ParameterError(f"min_freq={min_freq!r}: give a count of at least 1")
    frame = token_frame(tokens)
    words = frame[column].astype(str).to_numpy(object)
    punct = bool_column(frame, "is_punct")
    stop = bool_column(frame, "is_stop")
    doc_codes, _ = column_codes(frame["doc_id"])
    par = frame["paragraph"].to_numpy(np.int64)
    sent = frame["sentence"].to_numpy(np.int64)
    # A new stretch starts at every document, paragraph or sentence change and
    # after every punctuation token; punctuation itself is left out.
    brk = np.r_[True, (doc_codes[1:] != doc_codes[:-1]) | (par[1:] != par[:-1]) | (sent[1:] != sent[:-1]) | punct[:-1]]
    stretch = np.cumsum(brk)
    keep = ~punct
    stopset = set(words[stop])
    pieces = np.split(words[keep], np.flatnonzero(np.diff(stretch[keep])) + 1) if keep.any() else []
    finder = BigramCollocationFinder.from_documents(list(p) for p in pieces)
    finder.apply_word_filter(lambda w: w in stopset)
    finder.apply_freq_filter(min_freq)
    scored = finder.score_ngrams(funcs[measure])
    out = pd.DataFrame(
        [(w1, w2, f"{w1} {w2}", int(finder.ngram_fd[(w1, w2)]), float(s)) for (w1, w2), s in scored],
        columns=["w1", "w2", "bigram", "count", "score"],
    )
    out = out.sort_values(["score", "bigram"], ascending=[False, True]).head(n).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out["measure"] = measure
    return out


def in_period(dates: pd.Series, period) -> np.ndarray:
    """Which dates fall in ``period = (from, to)``, both inclusive ISO prefixes (a boolean array).

    The same prefix rule as :meth:`corpus_tools.Corpus.select`: a date known
    to the year, ``"2019"``, is in ``("2019-06", "2019-12")``.
    """
    if not isinstance(period, (tuple, list)) or len(period) != 2:
        raise ParameterError(f"period {period!r}: give a (date_from, date_to) pair of ISO prefixes, e.g. ('2014', '2016')")
    lo, hi = ("" if p is None else str(p) for p in period)
    return np.array([date_in_range(x, lo, hi) for x in dates.astype(str)], dtype=bool)


def split_periods(tokens) -> tuple[tuple[str, str], tuple[str, str]]:
    """An early and a late period that split the documents by year into two halves.

    The split falls between two calendar years, so that no document (even
    one dated only to the year) can fall in both periods; of the possible
    splits the one closest to half the documents is chosen (the earlier one
    on a tie). Returns ``((first_year, split_year), (next_year, last_year))``.

    Raises ParameterError if the documents span fewer than two years.
    """
    years = tokens.docs["date"].astype(str).str[:4]
    years = years[years.str.fullmatch(r"\d{4}")]
    counts = years.value_counts().sort_index()
    if len(counts) < 2:
        raise ParameterError(
            "the documents span fewer than two years, so there is no early and late period; "
            "set EARLY and LATE by hand or select documents from more years"
        )
    cum = counts.cumsum().to_numpy()[:-1]
    k = int(np.argmin(np.abs(cum - counts.sum() / 2)))
    ys = counts.index.tolist()
    return (ys[0], ys[k]), (ys[k + 1], ys[-1])


def change(tokens, *, early, late, min_count: int = 5, column: str = "lemma") -> pd.DataFrame:
    """Terms whose rate rose or fell most between an early and a late period.

    ``early`` and ``late`` are ``(date_from, date_to)`` pairs of inclusive ISO
    prefixes (``("2014", "2016")``), matched as in
    :meth:`corpus_tools.Corpus.select`. Counts pool all documents of a period.

    For each term with at least ``min_count`` occurrences in the two periods
    together (stopwords and punctuation left out):

    * ``g2``: log-likelihood G² (Dunning 1993; Rayson & Garside 2000) from
      :func:`corpus_tools.stats.log_likelihood_g2`, with ``p`` its chi-squared
      (1 df) p-value and ``p_adj`` the Benjamini & Hochberg (1995) adjustment
      over all terms tested;
    * ``log_ratio``: Hardie's (2014) log2 of late rate / early rate (zero
      counts replaced by 0.5), from :func:`corpus_tools.stats.log_ratio`;
      positive = rose;
    * ``per_1k_early``, ``per_1k_late``: rates per 1,000 non-punctuation
      tokens of the period (stopwords included in the denominator).

    The minimum count is there because G² on a handful of occurrences is
    unreliable and rare terms would crowd the ranking.

    Returns ``term, count_early, count_late, per_1k_early, per_1k_late,
    log_ratio, g2, p, p_adj, direction`` sorted by G² (largest first), then
    term. The p-values treat tokens as independent, which words are not
    (they come in bursts), so they are optimistic: read them as a ranking.

    Raises ParameterError if a period holds no documents or the two
    periods share documents.
    """
    frame = token_frame(tokens)
    docs = tokens.docs
    in_early = in_period(docs["date"], early)
    in_late = in_period(docs["date"], late)
    for name, mask, period in (("EARLY", in_early, early), ("LATE", in_late, late)):
        if not mask.any():
            raise ParameterError(f"{name}={tuple(period)!r} contains none of the selected documents; widen it")
    both = docs["doc_id"][in_early & in_late].tolist()
    if both:
        raise ParameterError(f"EARLY={tuple(early)!r} and LATE={tuple(late)!r} overlap (documents {both}); make them disjoint")
    if min_count < 1:
        raise ParameterError(f"min_count={min_count!r}: give a count of at least 1 (MIN_COUNT)")
    period = pd.Series(np.where(in_early, "early", np.where(in_late, "late", "")), index=docs["doc_id"].astype(str))
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    tok_period = period.reindex(pd.Index(doc_cats)).fillna("").to_numpy(object)[doc_codes]
    keep = ~bool_column(frame, "is_punct")
    c = float(np.sum(keep & (tok_period == "early")))
    d = float(np.sum(keep & (tok_period == "late")))
    listed = keep & ~bool_column(frame, "is_stop") & (tok_period != "")
    term_codes, term_cats = column_codes(frame[column])
    table = (
        pd.crosstab(term_codes[listed], tok_period[listed])
        .reindex(columns=["early", "late"], fill_value=0)
    )
    table = table[table.sum(axis=1) >= min_count]
    a = table["early"].to_numpy(np.float64)
    b = table["late"].to_numpy(np.float64)
    # Late is "corpus 1" so that a positive log ratio means the term rose.
    g2 = stats.log_likelihood_g2(b, a, d, c)
    p = stats.g2_pvalue(g2)
    out = pd.DataFrame(
        {
            "term": term_cats[table.index.to_numpy()],
            "count_early": a.astype(np.int64),
            "count_late": b.astype(np.int64),
            "per_1k_early": a / c * PER,
            "per_1k_late": b / d * PER,
            "log_ratio": stats.log_ratio(b, a, d, c),
            "g2": g2,
            "p": p,
            "p_adj": stats.bh_adjust(p),
        }
    )
    out["direction"] = np.where(out["log_ratio"] > 0, "rose", "fell")
    return out.sort_values(["g2", "term"], ascending=[False, True], ignore_index=True)


# ---------------------------------------------------------------------------
# Interactive exploration
# ---------------------------------------------------------------------------
def term_report(tokens, term: str, *, n_boot: int = 1000, seed: int = 0, by: str = "date",
                window: int = 8, max_lines: int = 20) -> tuple[matplotlib.figure.Figure, str]:
    """One term's trend figure and its KWIC lines as text: what :func:`explore` shows.

    A term may name several variants separated by commas
    (``"alliance, ally"``), pooled as one concept. Returns
    ``(figure, kwic_text)``.
    """
    variants = [t.strip() for t in str(term).split(",") if t.strip()]
    if not variants:
        raise ParameterError("type a term (a lemma, surface form or phrase) to explore")
    label = ", ".join(variants)
    tr = trend(tokens, {label: variants}, by=by, n_boot=n_boot, seed=seed)
    fig = plot_trend(tr, ncols=1, labels=doc_labels(tokens.docs))
    parts = [f"KWIC for {label!r}:"]
    lines = kwic(tokens, variants, window=window)
    parts.append(format_kwic(lines, doc_labels(tokens.docs), max_lines=max_lines))
    inside = check_terms(tokens, {label: variants})["also_inside"]
    inside = [x for x in inside if x]
    if inside:
        parts.append(f"Also found inside merged lemmas (type them to include them): {'; '.join(inside)}")
    return fig, "\n".join(parts)


def explore(tokens, *, term: str = "", n_boot: int = 200, seed: int = 0, by: str = "date", max_lines: int = 20):
    """An ipywidgets box: type a term, press Enter, see its trend and KWIC lines.

    Works in JupyterLab with a live kernel. In a static report (HTML made by
    nbconvert without widget state) the box shows a one-line note instead,
    so the report stays readable; the notebook therefore also prints the
    default term's output with :func:`term_report` in an ordinary cell.
    ``n_boot`` defaults to 200 so the answer comes back quickly.
    """
    import ipywidgets as widgets
    from IPython.display import display

    text = widgets.Text(value=term, placeholder="a lemma, surface form or phrase; commas pool variants",
                        description="Term:", continuous_update=False,
                        layout=widgets.Layout(width="32em"))
    output = widgets.Output()

    def show(change=None):
        output.clear_output()
        with output:
            try:
                fig, lines = term_report(tokens, text.value, n_boot=n_boot, seed=seed, by=by, max_lines=max_lines)
            except ParameterError as exc:
                print(exc)
                return
            display(fig)
            plt.close(fig)
            print(lines)

    text.observe(show, names="value")
    return _ExplorerBox([text, output])


def _explorer_class():
    import ipywidgets as widgets

    class ExplorerBox(widgets.VBox):
        """A VBox whose plain-text form (what static reports show) is a short note."""

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, dict):
                bundle["text/plain"] = (
                    "[Interactive term explorer: open this notebook in JupyterLab and run it "
                    "to type a term and see its trend and KWIC lines.]"
                )
            return bundle

    return ExplorerBox


def _ExplorerBox(children):
    return _explorer_class()(children=children)


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------
_PRECISION = {
    "day": dict(marker="o", filled=True, label="exact date"),
    "month": dict(marker="s", filled=False, label="month only: drawn mid-month, bar = possible dates"),
    "year": dict(marker="D", filled=False, label="year only: drawn at 1 July, bar = possible dates"),
}


def date_order(docs: pd.DataFrame) -> list[str]:
    """The doc_ids of a document table in date order (undated last, ties by doc_id).

    Dates are placed with :func:`corpus_tools.corpus.date_position`, so a
    document known only to the year sorts at 1 July of that year.
    """
    pos = [date_position(d, p) if d else pd.NaT for d, p in zip(docs["date"], docs["date_precision"])]
    return docs.assign(_pos=pos).sort_values(["_pos", "doc_id"], na_position="last")["doc_id"].astype(str).tolist()


def _tight(fig: matplotlib.figure.Figure, *, bottom: float = 0.0) -> None:
    """tight_layout that leaves room at the top for the suptitle.

    Plain ``tight_layout`` lets panel titles run into the suptitle on tall figures.
    """
    fig.tight_layout(rect=(0, bottom, 1, 1 - 0.4 / fig.get_figheight()))


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return math.ceil(n / ncols), ncols


def _panel_order(groups: Sequence[str], order: Sequence[str] | None) -> list[str]:
    """Groups in ``order`` first (those present), then the rest as they come."""
    groups = list(dict.fromkeys(groups))
    if order is None:
        return groups
    first = [g for g in dict.fromkeys(order) if g in set(groups)]
    return first + [g for g in groups if g not in set(first)]


def plot_frequencies(freq: pd.DataFrame, *, n: int = 15, labels: Mapping[str, str] | pd.Series | None = None,
                     order: Sequence[str] | None = None, ncols: int = 3, max_panels: int = 12,
                     title: str | None = None) -> matplotlib.figure.Figure:
    """Horizontal bars of the ``n`` most frequent terms per group, per 1,000 tokens.

    ``freq`` is :func:`frequencies` output. One panel per group, in
    ``order`` if given (e.g. :func:`date_order`) else as they come, at most
    ``max_panels`` (the title says how many were left out); each panel ranks
    its own terms. The raw count is printed at the end of each bar so rates
    are never read without their counts. Long terms are shortened to 24
    characters.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    groups = _panel_order(freq["group"], order)
    shown = groups[:max_panels]
    nrows, ncols = _grid(len(shown), ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 0.22 * n * nrows + 1.0 * nrows + 0.6),
                             squeeze=False)
    for ax, g in zip(axes.flat, shown):
        top = freq[freq["group"] == g].head(n).iloc[::-1]
        ax.barh(np.arange(len(top)), top["per_1k"], color="C0")
        ax.set_yticks(np.arange(len(top)), [shorten(t, 24) for t in top["term"]])
        for y, (v, c) in enumerate(zip(top["per_1k"], top["count"])):
            ax.text(v, y, f" {c}", va="center", fontsize=7, color="0.3")
        ax.set_title(shorten(labels.get(g, g), 38), fontsize=9)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel("per 1,000 tokens", fontsize=8)
        ax.margins(x=0.18)
    for ax in axes.flat[len(shown):]:
        ax.set_visible(False)
    head = title or f"Most frequent terms (top {n}; number = raw count)"
    if len(groups) > len(shown):
        head += f" — first {len(shown)} of {len(groups)} groups"
    fig.suptitle(head)
    _tight(fig)
    return fig


def plot_trend(tr: pd.DataFrame, *, ncols: int = 3, labels: Mapping[str, str] | pd.Series | None = None,
               hue: Mapping[str, str] | pd.Series | None = None, sharey: bool = False,
               max_colors: int = 10) -> matplotlib.figure.Figure:
    """Small multiples, one per concept: rate per 1,000 tokens on a real date axis.

    ``tr`` is :func:`trend` output. Each point carries its bootstrap 95%
    interval as a vertical error bar.

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
      with ~80 yearly points). A group of a single document, which has no
      interval, is ringed in grey.
    * Rows without a date (groupings such as ``"author"``) go on a
      categorical axis instead.

    ``sharey=False`` gives each concept its own y scale; every panel starts at 0.
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
        legend_items = [(palette[g], shorten(labels.get(g, g), 32)) for g in groups]
    elif per_doc and hue and len(categories) <= max_colors:
        cat_color = {c: f"C{i}" for i, c in enumerate(categories)}
        palette = {g: cat_color[str(hue.get(g, ""))] for g in groups}
        legend_items = [(cat_color[c], shorten(c or "(none)", 32)) for c in categories]
    else:
        legend_items = []
        palette = {g: "C0" for g in groups}
    colored = bool(legend_items)
    frame["color"] = frame["group"].map(palette)
    size = 6.5 if n_points <= 15 else (4 if n_points <= 40 else 2.5)

    nrows, ncols = _grid(len(concepts), ncols)
    width = max(4.2 * ncols, 8.0)  # a single panel still needs room for the legend
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, (2.5 if ncols > 1 else 3.2) * nrows + (1.3 if colored else 0.9)),
                             squeeze=False, sharex=True, sharey=sharey)
    for ax, concept in zip(axes.flat, concepts):
        sub = frame[frame["term"] == concept].sort_values("x", kind="stable")
        if not per_doc and dated:
            ax.plot(sub["x"], sub["per_1k"], color="C0", lw=0.8, alpha=0.5, zorder=1)
        for color, pts in sub.groupby("color", sort=False):
            err = np.vstack([pts["per_1k"] - pts["ci_low"], pts["ci_high"] - pts["per_1k"]])
            ax.errorbar(pts["x"], pts["per_1k"], yerr=err, fmt="none", ecolor=color,
                        elinewidth=1.0 if n_points <= 40 else 0.7, capsize=2.5 if n_points <= 15 else 0,
                        alpha=0.85, zorder=2)
            for prec, style in _PRECISION.items():
                these = pts[pts["date_precision"] == prec] if per_doc and dated else (pts if prec == "day" else pts.iloc[:0])
                if these.empty:
                    continue
                hollow = per_doc and dated and not style["filled"]
                ax.plot(these["x"], these["per_1k"], linestyle="none", marker=style["marker"] if per_doc else "o",
                        markersize=size, markerfacecolor="white" if hollow else color, markeredgecolor=color,
                        markeredgewidth=1.3, zorder=3, clip_on=False)
                if not per_doc and "n_units" in these:
                    # A group of one document has nothing to resample: its zero-width
                    # "interval" is not certainty, so mark it with a grey ring.
                    single = these[these["n_units"] < 2]
                    ax.plot(single["x"], single["per_1k"], linestyle="none", marker="o", markersize=size + 4,
                            markerfacecolor="none", markeredgecolor="0.45", markeredgewidth=1.0, zorder=3,
                            clip_on=False)
                if hollow:
                    spans = [date_interval(d, prec) for d in these["date"]]
                    ax.hlines(these["per_1k"], [a for a, _ in spans], [b for _, b in spans], colors=color,
                              lw=4, alpha=0.3, zorder=1)
        ax.set_title(concept, fontsize=10)
        if not (sub["ci_high"].fillna(0) > 0).any():
            # All zero: a 0-1 scale with a note reads better than matplotlib's ±0.05.
            ax.set_ylim(0, 1)
            ax.text(0.5, 0.5, "no occurrences", transform=ax.transAxes, ha="center", va="center",
                    color="0.45", fontsize=9)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes.flat[len(concepts):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("per 1,000 tokens")
    # Tick labels under the last visible panel of every column.
    for col in range(ncols):
        visible = [axes[r, col] for r in range(nrows) if axes[r, col].get_visible()]
        if not visible:
            continue
        ax = visible[-1]
        ax.tick_params(axis="x", labelbottom=True, labelsize=8)
        if not dated:
            ax.set_xticks(range(len(groups)), [shorten(labels.get(g, g), 18) for g in groups],
                          rotation=45, ha="right")

    handles = [Line2D([], [], color="0.3", marker="|", linestyle="none", markersize=10,
                      label="bootstrap 95% interval")]
    if per_doc and dated:
        present = set(frame["date_precision"])
        for prec, style in _PRECISION.items():
            if prec in present:
                handles.append(Line2D([], [], linestyle="none", marker=style["marker"], color="0.3",
                                      markerfacecolor="0.3" if style["filled"] else "white", label=style["label"]))
    else:
        handles.append(Line2D([], [], color="C0", marker="o", lw=0.8, markersize=4,
                              label="one group of documents (e.g. a year)"))
        if "n_units" in frame and (frame["n_units"] < 2).any():
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor="none",
                                  markeredgecolor="0.45", label="one document only: no interval possible"))
    handles += [Line2D([], [], color=color, marker="o", linestyle="none", label=text)
                for color, text in legend_items]
    ncol = 3 if width >= 10 else 2
    fig.legend(handles=handles, loc="lower center", ncol=ncol, fontsize=8, bbox_to_anchor=(0.5, 0.0))
    legend_rows = math.ceil(len(handles) / ncol)
    bottom = (0.25 + 0.17 * legend_rows) / fig.get_figheight()
    unit = "paragraphs within each document" if per_doc else "documents within each group"
    fig.suptitle(f"Rate per 1,000 tokens with bootstrap 95% intervals (resampling {unit})", fontsize=11)
    _tight(fig, bottom=bottom)
    return fig


def plot_change(ch: pd.DataFrame, *, n: int = 10, early_label: str = "early", late_label: str = "late"
                ) -> matplotlib.figure.Figure:
    """Diverging bars of the log2 rate ratio for the ``n`` terms that rose and fell most.

    ``ch`` is :func:`change` output; "most" means largest G². Each bar is
    annotated with its G² and an asterisk when the BH-adjusted p < 0.05.
    """
    use_style()
    rose = ch[ch["direction"] == "rose"].head(n)
    fell = ch[ch["direction"] == "fell"].head(n)
    top = pd.concat([rose, fell]).sort_values("log_ratio")
    fig, ax = plt.subplots(figsize=(7, 0.28 * max(len(top), 2) + 1.4))
    colors = np.where(top["log_ratio"] > 0, "C3", "C0")
    ax.barh(top["term"], top["log_ratio"], color=colors)
    for y, (lr, g, q) in enumerate(zip(top["log_ratio"], top["g2"], top["p_adj"])):
        ax.text(lr, y, f" G²={g:.1f}{'*' if q < 0.05 else ''} ", va="center", fontsize=7,
                ha="left" if lr > 0 else "right", color="0.3")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel(f"log2 rate ratio ({late_label} / {early_label}); +1 = twice as frequent later")
    ax.tick_params(axis="y", labelsize=8)
    ax.margins(x=0.25)
    ax.set_title(f"Terms that rose (red) and fell (blue) most, by G² (* BH-adjusted p < 0.05)", fontsize=10)
    fig.tight_layout()
    return fig


def plot_distinctive(tfidf: pd.DataFrame, *, labels: Mapping[str, str] | pd.Series | None = None,
                     order: Sequence[str] | None = None, ncols: int = 3, max_panels: int = 12
                     ) -> matplotlib.figure.Figure:
    """Small-multiple bars of each group's most distinctive terms by tf-idf.

    ``tfidf`` is :func:`distinctive_by_tfidf` output; panels follow
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
    nrows, ncols = _grid(len(shown), ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 0.24 * n * nrows + 1.0 * nrows + 0.6),
                             squeeze=False)
    for ax, g in zip(axes.flat, shown):
        sub = tfidf[tfidf["group"] == g].iloc[::-1]
        ax.barh(np.arange(len(sub)), sub["tfidf"], color="C2")
        ax.set_yticks(np.arange(len(sub)), [shorten(t, 24) for t in sub["term"]])
        for y, (v, c) in enumerate(zip(sub["tfidf"], sub["count"])):
            ax.text(v, y, f" {c}", va="center", fontsize=7, color="0.3")
        ax.set_title(shorten(labels.get(g, g), 38), fontsize=9)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel("tf-idf (unit-length per document)", fontsize=8)
        ax.margins(x=0.18)
    for ax in axes.flat[len(shown):]:
        ax.set_visible(False)
    head = "Most distinctive terms by tf-idf (number = raw count)"
    if len(groups) > len(shown):
        head += f" — first {len(shown)} of {len(groups)} groups"
    fig.suptitle(head)
    _tight(fig)
    return fig


def plot_dispersion(disp: pd.DataFrame, docs: pd.DataFrame, *, labels: Mapping[str, str] | pd.Series | None = None,
                    concepts: Sequence[str] | None = None, ncols: int = 4, max_docs: int = 40
                    ) -> matplotlib.figure.Figure:
    """Lexical dispersion plot in the manner of quanteda's ``textplot_xray``.

    ``disp`` is :func:`dispersion` output and ``docs`` the document table
    (``tokens.docs``). One panel per concept; within a panel one row per
    document, in date order (so documents without the term show an empty
    row), and a vertical tick at each occurrence's relative position (0 =
    start of the document, 1 = end). At most ``max_docs`` documents (the
    earliest) are drawn; the title says how many were left out. ``labels``
    defaults to :func:`corpus_tools.notebook.doc_labels`.
    """
    use_style()
    labels = dict(labels) if labels is not None else dict(doc_labels(docs))
    if concepts is None:
        term = disp["term"]
        concepts = list(term.cat.categories) if isinstance(term.dtype, pd.CategoricalDtype) else list(dict.fromkeys(term))
    concepts = list(concepts)
    doc_ids = date_order(docs)
    docs = doc_ids[:max_docs]
    row = {d: i for i, d in enumerate(docs)}
    nrows, ncols = _grid(len(concepts), ncols)
    height = max(1.2, 0.2 * len(docs) + 0.6)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols + 1.6, height * nrows + 0.8),
                             squeeze=False, sharex=True, sharey=True)
    for ax, concept in zip(axes.flat, concepts):
        sub = disp[(disp["term"] == concept) & disp["doc_id"].isin(row)]
        ax.scatter(sub["relative_position"], sub["doc_id"].map(row), marker="|", s=80, color="C0", linewidths=1.2)
        n_hits = len(sub)
        ax.set_title(f"{concept} (n={n_hits})", fontsize=9)
        ax.set_xlim(0, 1)
        ax.set_ylim(len(docs) - 0.5, -0.5)
        for y in range(len(docs)):
            ax.axhline(y, color="0.9", lw=0.6, zorder=0)
    for ax in axes.flat[len(concepts):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_yticks(range(len(docs)), [shorten(labels.get(d, d), 26) for d in docs], fontsize=8)
    for col in range(ncols):
        visible = [axes[r, col] for r in range(nrows) if axes[r, col].get_visible()]
        if visible:
            visible[-1].set_xlabel("relative position in document", fontsize=8)
            visible[-1].tick_params(axis="x", labelbottom=True, labelsize=8)
    head = "Where the tracked terms occur in each document (lexical dispersion)"
    if len(doc_ids) > len(docs):
        head += f" — first {len(docs)} of {len(doc_ids)} documents"
    fig.suptitle(head, fontsize=11)
    _tight(fig)
    return fig
