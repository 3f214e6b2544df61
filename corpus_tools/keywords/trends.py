"""Rates of tracked terms over time, with bootstrap 95% intervals, and their summary in words.

One row per group (a document, or documents pooled by year, author …) and
concept; the interval resamples the group's paragraphs or documents
(Efron & Tibshirani 1993), so it reflects how bursty a term is.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import stats
from ..corpus import date_position, group_labels, groups_for
from ..errors import ParameterError
from ..tokens import bincount_rows, bool_column, column_codes, token_frame
from .matching import TermMatcher, concept_terms

__all__ = ["trend", "trend_summary"]


def trend(tokens, terms, *, by: str = "date", n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Rate of each term (or concept) per 1,000 tokens over time, with bootstrap 95% intervals.

    Parameters
    ----------
    tokens : Tokens
    terms : list of str, or dict concept -> list of str
        Lemmas (or surface forms / phrases, see :func:`corpus_tools.keywords.match_term`). A dict
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
    concepts = concept_terms(terms)
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
        unit_group = groups_for(tokens.docs, doc_cats, by)
    n_units = len(unit_group)
    totals = bincount_rows(unit_codes, n_units, keep).astype(np.float64)
    counts = np.zeros((n_units, len(concepts)), dtype=np.float64)
    matcher = TermMatcher(frame)
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
