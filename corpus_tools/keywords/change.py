"""Change between two periods, decided by tests: every term (:func:`change`) and the tracked concepts (:func:`concept_change`).

Periods are ``(date_from, date_to)`` pairs of inclusive ISO prefixes,
matched by the one date rule of :func:`corpus_tools.corpus.date_in_range`.
Which test decides whether a rate changed depends on how many documents each
period holds, because the documents, not the tokens, are the independent
observations: a term one author repeats in one text is one burst, not many
independent uses (Church & Gale 1995; Lijffijt et al. 2016, "Significance
testing of word frequencies in corpora", Digital Scholarship in the
Humanities 31(2): 374-397).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse

from .. import stats
from ..config import PER
from ..corpus import date_in_range
from ..errors import ParameterError
from ..tokens import bincount_rows, bool_column, column_codes, token_frame
from .units import unit_counts

__all__ = ["in_period", "split_periods", "period_documents", "change", "concept_change",
           "MIN_PERIOD_DOCS", "LEVEL"]

#: Documents a period needs before a test over documents decides a change:
#: with 3 a side a permutation test has 20 splits and a quasi-Poisson test
#: over documents 4 degrees of freedom; with fewer the documents cannot
#: show how much a rate varies between texts of the same period.
MIN_PERIOD_DOCS = 3
#: The false-discovery rate at which a claim is made (Benjamini & Hochberg 1995).
LEVEL = 0.05

#: Terms tested at once by the document-level test of :func:`change`
#: (bounds memory: documents x terms doubles per block).
_TERM_BLOCK = 2048


def in_period(dates: pd.Series, period) -> np.ndarray:
    """Which dates fall in ``period = (from, to)``, both inclusive ISO prefixes (a boolean array).

    The same prefix rule as :meth:`corpus_tools.Corpus.select`: a date known
    to the year, ``"2019"``, is in ``("2019-06", "2019-12")``.

    Raises ParameterError unless ``period`` is a pair.
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


def period_documents(docs: pd.DataFrame, *, early, late) -> tuple[np.ndarray, np.ndarray]:
    """Which documents of ``docs`` fall in the early and in the late period (two boolean arrays).

    Raises ParameterError if a period holds no document or the two periods
    share documents.
    """
    in_early = in_period(docs["date"], early)
    in_late = in_period(docs["date"], late)
    for name, mask, period in (("EARLY", in_early, early), ("LATE", in_late, late)):
        if not mask.any():
            raise ParameterError(f"{name}={tuple(period)!r} contains none of the selected documents; widen it")
    both = docs["doc_id"][in_early & in_late].tolist()
    if both:
        raise ParameterError(f"EARLY={tuple(early)!r} and LATE={tuple(late)!r} overlap (documents {both}); make them disjoint")
    return in_early, in_late


def change(tokens, *, early, late, min_count: int = 5, column: str = "lemma", level: float = LEVEL) -> pd.DataFrame:
    """Terms whose rate rose or fell between an early and a late period, each decided by a test.

    ``early`` and ``late`` are ``(date_from, date_to)`` pairs of inclusive ISO
    prefixes (``("2014", "2016")``), matched as in
    :meth:`corpus_tools.Corpus.select`. Every term with at least
    ``min_count`` occurrences in the two periods together is tested
    (stopwords and punctuation left out; the minimum keeps terms too rare to
    show anything from diluting the multiple-testing adjustment).

    **The criterion** (column ``criterion``; ``p``, ``p_adj`` and
    ``significant`` are its result):

    * ``"documents"``, when both periods hold at least
      :data:`MIN_PERIOD_DOCS` (3) documents: the quasi-Poisson test of
      :func:`corpus_tools.stats.quasi_poisson_test` with the documents as
      units (log-token offset, dispersion from the documents, F test), and
      ``rate_ratio, rr_low, rr_high`` its profile interval. A term one
      document repeats is then judged against how much documents vary. (A
      permutation test cannot serve here: its p-values stop at
      1 / (resamples + 1), and after a Benjamini-Hochberg adjustment over
      thousands of terms none could reach 0.05.)
    * ``"tokens"``, with fewer documents: the pooled counts, by
      :func:`corpus_tools.stats.keyness_pvalue` (the exact binomial test of
      two Poisson rates where an expected count is below 5, G² against
      chi-squared(1) elsewhere; Dunning 1993, Rayson & Garside 2000), and
      the exact conditional interval of the rate ratio
      (:func:`corpus_tools.stats.rate_ratio_test`). It treats tokens as
      independent, so for bursty terms it is liberal (simulated with the
      seeds' burstiness, a 5% test of equal-rate groups rejected 17-43% of
      the time): with one or two documents a period it says whether these
      texts differ, not whether the periods do.

    ``p_adj`` is the Benjamini & Hochberg (1995) adjustment of ``p`` over
    all terms tested, and ``significant`` is ``p_adj < level``: the one
    column a figure may mark.

    Other columns: ``count_early, count_late``, ``per_1k_early,
    per_1k_late`` (rates per 1,000 non-punctuation tokens of the period),
    ``log_ratio`` (Hardie's 2014 log2 of late / early rate, zero counts
    replaced by 0.5; positive = more frequent later), ``g2`` (log-likelihood,
    for reference), ``p_tokens`` and ``exact`` (the pooled-token p-value and
    whether it is exact; filled under either criterion), ``p_docs`` (the
    document-level p-value, NaN under ``"tokens"``), ``direction``
    (``"rose"`` or ``"fell"``, the sign of the log ratio: a direction, not
    a claim).

    Returns the table sorted by ``p``, then by the size of the log ratio
    (largest first), then term.

    Raises ParameterError if a period holds no documents, the two periods
    share documents, or ``min_count`` is below 1.
    """
    frame = token_frame(tokens)
    docs = tokens.docs
    in_early, in_late = period_documents(docs, early=early, late=late)
    if min_count < 1:
        raise ParameterError(f"min_count={min_count!r}: give a count of at least 1 (MIN_COUNT)")
    period = pd.Series(np.where(in_early, "early", np.where(in_late, "late", "")), index=docs["doc_id"].astype(str))
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    doc_period = period.reindex(pd.Index(doc_cats)).fillna("").to_numpy(object)
    tok_period = doc_period[doc_codes]
    keep = ~bool_column(frame, "is_punct")
    doc_tokens = bincount_rows(doc_codes, len(doc_cats), keep).astype(np.float64)
    c = float(doc_tokens[doc_period == "early"].sum())
    d = float(doc_tokens[doc_period == "late"].sum())
    listed = keep & ~bool_column(frame, "is_stop") & (tok_period != "")
    term_codes, term_cats = column_codes(frame[column])
    table = (
        pd.crosstab(term_codes[listed], tok_period[listed])
        .reindex(columns=["early", "late"], fill_value=0)
    )
    table = table[table.sum(axis=1) >= min_count]
    a = table["early"].to_numpy(np.float64)
    b = table["late"].to_numpy(np.float64)
    # Late is "corpus 1" so that a positive log ratio (and a ratio > 1) means the term rose.
    g2 = stats.log_likelihood_g2(b, a, d, c)
    p_tokens, exact = stats.keyness_pvalue(b, a, d, c)
    early_docs = np.flatnonzero((doc_period == "early") & (doc_tokens > 0))
    late_docs = np.flatnonzero((doc_period == "late") & (doc_tokens > 0))
    by_docs = min(len(early_docs), len(late_docs)) >= MIN_PERIOD_DOCS
    if by_docs:
        codes = table.index.to_numpy()
        column_of = np.full(len(term_cats), -1, dtype=np.int64)
        column_of[codes] = np.arange(len(codes))
        rows = listed & (column_of[term_codes] >= 0)
        counts = scipy.sparse.csr_matrix(
            (np.ones(int(rows.sum())), (doc_codes[rows], column_of[term_codes[rows]])),
            shape=(len(doc_cats), len(codes)),
        )
        rr, low, high, p_docs = (np.full(len(codes), np.nan) for _ in range(4))
        ce, cl = counts[early_docs], counts[late_docs]
        for s in range(0, len(codes), _TERM_BLOCK):
            block = slice(s, s + _TERM_BLOCK)
            q = stats.quasi_poisson_test(cl[:, block].toarray(), doc_tokens[late_docs],
                                         ce[:, block].toarray(), doc_tokens[early_docs])
            rr[block], low[block], high[block], p_docs[block] = q.rate_ratio, q.low, q.high, q.p_value
        p = p_docs
    else:
        rr, low, high, _ = stats.rate_ratio_test(b, d, a, c)
        p_docs = np.full(len(a), np.nan)
        p = p_tokens
    p_adj = stats.bh_adjust(p)
    out = pd.DataFrame(
        {
            "term": term_cats[table.index.to_numpy()],
            "count_early": a.astype(np.int64),
            "count_late": b.astype(np.int64),
            "per_1k_early": a / c * PER,
            "per_1k_late": b / d * PER,
            "log_ratio": stats.log_ratio(b, a, d, c),
            "g2": g2,
            "p_tokens": p_tokens,
            "exact": exact,
            "p_docs": p_docs,
            "rate_ratio": rr,
            "rr_low": low,
            "rr_high": high,
            "criterion": "documents" if by_docs else "tokens",
            "p": p,
            "p_adj": p_adj,
            "significant": p_adj < level,
        }
    )
    out["direction"] = np.where(out["log_ratio"] > 0, "rose", "fell")
    out["_size"] = -out["log_ratio"].abs()
    out = out.sort_values(["p", "_size", "term"], ignore_index=True, kind="stable")
    return out.drop(columns="_size")


def concept_change(tokens, terms, *, early, late, ci: float = 0.95, level: float = LEVEL,
                   n_resamples: int = 9999, seed: int = 0) -> pd.DataFrame:
    """Did each tracked concept's rate change between two periods? One test per concept, BH-adjusted.

    The contrast is fixed before looking at the data (the early against the
    late period), so picking it cannot inflate the evidence; with many
    concepts the Benjamini & Hochberg (1995) adjustment over the concepts
    accounts for testing them all. Which test (column ``test``):

    * both periods hold at least :data:`MIN_PERIOD_DOCS` (3) documents:
      :func:`corpus_tools.stats.permutation_test` of the difference of pooled
      rates over the documents (exact enumeration of the splits when there
      are at most ``n_resamples``, else ``n_resamples`` seeded random splits).
      It assumes nothing about how rates vary between documents, but its p
      cannot go below ``p_min`` (0.1 for 3 against 3 documents): a column
      says so, and a sentence should too;
    * fewer documents in a period but at least 3 in all:
      :func:`corpus_tools.stats.quasi_poisson_test` over the documents;
    * one document a period: the quasi-Poisson test over the two documents'
      paragraphs, which compares these two texts (``unit`` says which).

    The effect size is always the rate ratio late / early with its profile
    interval from :func:`corpus_tools.stats.quasi_poisson_test` over the
    same units (the permutation test has no interval; near the threshold
    the two can disagree, and the claim follows the test's ``p_adj``).

    Parameters
    ----------
    tokens : Tokens
    terms : list of str, or dict concept -> list of str
        As for :func:`corpus_tools.keywords.trend`.
    early, late : (date_from, date_to), keyword-only
    ci : float, keyword-only, default 0.95
        Coverage of the rate ratio's interval.
    level : float, keyword-only, default 0.05
        ``significant = p_adj < level``.
    n_resamples, seed : keyword-only
        Random splits of the permutation test when it cannot enumerate
        them all, and their seed (same seed, same p).

    Returns
    -------
    DataFrame, one row per concept in the order given: ``term, early, late,
    n_docs_early, n_docs_late, count_early, count_late, per_1k_early,
    per_1k_late, rate_ratio, rr_low, rr_high, test, unit, p, p_min, p_adj,
    significant, direction`` (``early``/``late`` are the periods as
    "2014–2016"; ``direction`` is ``"rose"``, ``"fell"`` or ``""`` from the
    rate ratio, a direction and not a claim; ``p`` is NaN, and
    ``significant`` False, when no test is possible).

    Raises
    ------
    ParameterError
        As :func:`period_documents`, or when a period's documents have no
        tokens.
    """
    docs = tokens.docs
    in_early, in_late = period_documents(docs, early=early, late=late)
    ids = docs["doc_id"].astype(str).to_numpy()
    uc = unit_counts(tokens, terms, unit="document")
    has_tokens = uc.totals > 0
    e = np.isin(uc.doc_id.astype(str), ids[in_early]) & has_tokens
    la = np.isin(uc.doc_id.astype(str), ids[in_late]) & has_tokens
    n_e, n_l = int(e.sum()), int(la.sum())
    if n_e == 0 or n_l == 0:
        raise ParameterError("a period's documents have no tokens; widen EARLY or LATE")
    V = len(uc.concepts)
    p_min = 0.0
    if min(n_e, n_l) >= MIN_PERIOD_DOCS:
        test, unit = "permutation", "document"
        perm = stats.permutation_test(uc.counts[la], uc.totals[la], uc.counts[e], uc.totals[e],
                                      n_resamples=n_resamples, seed=seed)
        p = np.asarray(perm.p_value, dtype=float)
        if perm.exact:
            p_min = (2.0 if n_e == n_l else 1.0) / math.comb(n_e + n_l, n_e)
        else:
            p_min = 1.0 / (1.0 + perm.n_resamples)
        units_l, units_e = (uc.counts[la], uc.totals[la]), (uc.counts[e], uc.totals[e])
    elif n_e + n_l >= 3:
        test, unit = "quasi-Poisson", "document"
        units_l, units_e = (uc.counts[la], uc.totals[la]), (uc.counts[e], uc.totals[e])
        p = None
    else:
        test, unit = "quasi-Poisson", "paragraph"
        up = unit_counts(tokens, terms, unit="paragraph")
        pe = np.isin(up.doc_id.astype(str), uc.doc_id[e].astype(str)) & (up.totals > 0)
        pl = np.isin(up.doc_id.astype(str), uc.doc_id[la].astype(str)) & (up.totals > 0)
        units_l, units_e = (up.counts[pl], up.totals[pl]), (up.counts[pe], up.totals[pe])
        p = None
    if len(units_l[1]) + len(units_e[1]) >= 3:
        q = stats.quasi_poisson_test(*units_l, *units_e, ci=ci)
        rr, low, high = (np.asarray(x, dtype=float) for x in (q.rate_ratio, q.low, q.high))
        if p is None:
            p = np.asarray(q.p_value, dtype=float)
    else:  # two one-paragraph documents: nothing to estimate a spread from
        test, rr, low, high, p = "none", *(np.full(V, np.nan) for _ in range(4))
    count_e, count_l = uc.counts[e].sum(axis=0), uc.counts[la].sum(axis=0)
    tok_e, tok_l = uc.totals[e].sum(), uc.totals[la].sum()
    p_adj = stats.bh_adjust(p)
    out = pd.DataFrame({
        "term": list(uc.concepts),
        "early": f"{early[0]}–{early[1]}",
        "late": f"{late[0]}–{late[1]}",
        "n_docs_early": n_e,
        "n_docs_late": n_l,
        "count_early": count_e.astype(np.int64),
        "count_late": count_l.astype(np.int64),
        "per_1k_early": count_e / tok_e * PER,
        "per_1k_late": count_l / tok_l * PER,
        "rate_ratio": rr,
        "rr_low": low,
        "rr_high": high,
        "test": test,
        "unit": unit,
        "p": p,
        "p_min": p_min,
        "p_adj": p_adj,
        "significant": np.nan_to_num(p_adj, nan=1.0) < level,
    })
    out["direction"] = np.select([out["rate_ratio"] > 1, out["rate_ratio"] < 1], ["rose", "fell"], "")
    return out
