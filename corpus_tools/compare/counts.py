"""Group x term counts from the token table, shared by the group comparisons.

:func:`distinctive_terms <corpus_tools.compare.distinctive.distinctive_terms>`
and :func:`similarity <corpus_tools.compare.similarity.similarity>` both need
the same table: how often each group uses each term, and how many word
tokens each group has in all. It is counted here once, from the token
table's stored category codes, slice by slice of rows, so that even the UN
General Debate corpus (tens of millions of tokens) is counted without int64
copies of whole columns. :func:`doc_term_counts` counts the same terms per
document (a sparse table), for tests that take documents as their units.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse

from ..corpus import groups_for
from ..errors import ParameterError
from ..tokens import CHUNK_ROWS, bincount_rows, bool_column, column_codes, token_frame

__all__ = ["doc_group_codes", "group_term_counts", "GroupTermCounts", "doc_term_counts", "DocTermCounts", "doc_sizes", "MAX_CELLS"]

#: Refuse count matrices larger than this (groups x terms): a dense matrix of
#: 50 million cells is ~400 MB per array, and several are needed.
MAX_CELLS = 50_000_000


def doc_group_codes(tokens, by: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer codes that map each token row to its group without copying the doc_id column.

    Returns ``(doc_codes, group_of_doc, groups)``: the doc_id code of every
    token row (the stored categorical codes, not widened), the group code of
    every doc_id code, and the sorted group labels, so that
    ``groups[group_of_doc[doc_codes]]`` is each token's group.
    Raises MetadataError for an unknown ``by``.
    """
    frame = tokens.frame
    doc_codes, doc_cats = column_codes(frame["doc_id"], wide=False)
    labels = groups_for(tokens.docs, doc_cats, by)
    group_codes, group_cats = pd.factorize(labels, sort=True)
    return doc_codes, group_codes, np.asarray(group_cats, dtype=object)


class GroupTermCounts(NamedTuple):
    """What :func:`group_term_counts` returns (it unpacks like a tuple)."""

    counts: np.ndarray   #: (G, V) int64: listed terms per group
    bucket: np.ndarray   #: (G,) int64: the group's other word tokens (stopwords, rarer terms)
    n_group: np.ndarray  #: (G,) int64: the group's word tokens, ``counts.sum(1) + bucket``
    groups: np.ndarray   #: (G,) the sorted group labels
    terms: np.ndarray    #: (V,) the listed terms, in the column's category order


class _Listing(NamedTuple):
    """Which terms are listed, and a way to walk the token rows by slices (see :func:`_listing`)."""

    doc_codes: np.ndarray    # doc_id code of every token row
    doc_cats: np.ndarray     # the doc_id of each code
    col: np.ndarray          # term code -> listed column (Vk = the bucket)
    terms: np.ndarray        # (Vk,) the listed terms
    slices: object           # () -> iterator of (doc codes, listed column) of each slice's word tokens


def _listing(tokens, *, column: str, drop_stopwords: bool, min_count: int) -> _Listing:
    """The one rule for which terms get a row, shared by the group and the document counts."""
    frame = token_frame(tokens, column=column)
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ParameterError(f"min_count={min_count!r}: give a whole number >= 1 (MIN_COUNT)")
    # Counted slice by slice of the rows, from the stored codes: the int64
    # copies of whole columns this needs otherwise cost GBs on a large corpus.
    doc_codes, doc_cats = column_codes(frame["doc_id"], wide=False)
    term_codes, term_cats = column_codes(frame[column], wide=False)
    punct = bool_column(frame, "is_punct")
    stop = bool_column(frame, "is_stop") if drop_stopwords else None
    V = len(term_cats)
    n_rows = len(term_codes)

    def raw():
        """Per slice of rows: doc codes of its word tokens, their term codes, which are listed."""
        for a in range(0, n_rows, CHUNK_ROWS):
            b = a + CHUNK_ROWS
            tc = term_codes[a:b]
            words = ~punct[a:b] & (tc >= 0)
            listed = words & ~stop[a:b] if stop is not None else words
            yield doc_codes[a:b][words], tc[words].astype(np.int64), listed[words]

    total = np.zeros(V, dtype=np.int64)
    for _, tc, listed in raw():
        total += np.bincount(tc[listed], minlength=V)
    keep = (total >= min_count) & (term_cats != "")
    Vk = int(keep.sum())
    col = np.full(V, Vk, dtype=np.int64)
    col[keep] = np.arange(Vk)

    def slices():
        # Listed tokens of kept terms go to their column; every other word token
        # (stopwords, rare terms) to the bucket column Vk.
        for dc, tc, listed in raw():
            yield dc, np.where(listed, col[tc], Vk)

    return _Listing(doc_codes, doc_cats, col, term_cats[keep], slices)


def group_term_counts(tokens, *, by: str, column: str, drop_stopwords: bool, min_count: int) -> GroupTermCounts:
    """Counts of the listed terms per group, plus everything else in one bucket.

    A term is *listed* when it is not punctuation, not a stopword (when
    ``drop_stopwords``) and occurs at least ``min_count`` times in the whole
    table. ``bucket`` holds each group's remaining non-punctuation tokens, so
    ``counts.sum(1) + bucket == n_group`` exactly: the listing never changes
    a group's size, which is what the log-odds of Monroe, Colaresi & Quinn
    (2008) and the rates per 1,000 tokens need.

    Parameters
    ----------
    tokens : Tokens
    by : str, keyword-only
        Metadata column that defines the groups.
    column : str, keyword-only
        ``"lemma"``, ``"norm"`` or ``"token"``.
    drop_stopwords : bool, keyword-only
    min_count : int, keyword-only
        A whole number >= 1.

    Returns
    -------
    GroupTermCounts ``(counts, bucket, n_group, groups, terms)``.

    Raises
    ------
    ParameterError
        A bad ``column`` or ``min_count``, or a table over :data:`MAX_CELLS`
        cells; MetadataError for an unknown ``by``.
    """
    listing = _listing(tokens, column=column, drop_stopwords=drop_stopwords, min_count=min_count)
    _, doc_group, groups = doc_group_codes(tokens, by)
    G, Vk = len(groups), len(listing.terms)
    if G * (Vk + 1) > MAX_CELLS:
        raise ParameterError(
            f"{G} groups x {Vk} terms is too large a table; raise MIN_COUNT or group more coarsely "
            f"(GROUP_BY) or select fewer documents (SELECT_WHERE)"
        )
    flat = np.zeros(G * (Vk + 1), dtype=np.int64)
    for dc, tcol in listing.slices():
        flat += np.bincount(doc_group[dc] * (Vk + 1) + tcol, minlength=G * (Vk + 1))
    full = flat.reshape(G, Vk + 1)
    return GroupTermCounts(full[:, :Vk], full[:, Vk], full.sum(axis=1), groups, listing.terms)


def doc_sizes(tokens) -> tuple[np.ndarray, np.ndarray]:
    """``(doc_ids, n_tokens)``: every document of the token table and its non-punctuation tokens.

    In the token table's doc_id category order (the order of
    :func:`doc_term_counts`); a document with no word token has 0.
    """
    frame = tokens.frame
    doc_codes, doc_cats = column_codes(frame["doc_id"], wide=False)
    words = ~bool_column(frame, "is_punct") & (doc_codes >= 0)
    return doc_cats, bincount_rows(doc_codes, len(doc_cats), mask=words)


class DocTermCounts(NamedTuple):
    """What :func:`doc_term_counts` returns (it unpacks like a tuple)."""

    counts: scipy.sparse.csr_matrix  #: (D, V) int64: listed terms per document (sparse)
    n_tokens: np.ndarray             #: (D,) int64: the document's word tokens, stopwords and rare terms included
    doc_ids: np.ndarray              #: (D,) the doc_ids, in the token table's category order
    terms: np.ndarray                #: (V,) the listed terms, the same as :func:`group_term_counts`'s


def doc_term_counts(tokens, *, column: str, drop_stopwords: bool, min_count: int) -> DocTermCounts:
    """Counts of the listed terms per document, as a sparse matrix, with each document's size.

    The same listing as :func:`group_term_counts` (same options, same terms
    in the same order), one row per document instead of per group, so that a
    test can take documents as its units (the permutation test of
    :func:`corpus_tools.compare.distinctive_terms`). Sparse (scipy CSR):
    a document uses a few hundred of the corpus's terms, and a dense table
    of 10,000 documents x 20,000 terms would take 1.6 GB.

    Returns
    -------
    DocTermCounts ``(counts, n_tokens, doc_ids, terms)``; ``n_tokens`` counts
    every non-punctuation token of the document (0 for a document with none).

    Raises
    ------
    ParameterError
        A bad ``column`` or ``min_count``.
    """
    listing = _listing(tokens, column=column, drop_stopwords=drop_stopwords, min_count=min_count)
    D, Vk = len(listing.doc_cats), len(listing.terms)
    counts = scipy.sparse.csr_matrix((D, Vk), dtype=np.int64)
    n_tokens = np.zeros(D, dtype=np.int64)
    for dc, tcol in listing.slices():
        dc = dc.astype(np.int64)
        n_tokens += np.bincount(dc, minlength=D)
        inside = tcol < Vk
        part = scipy.sparse.coo_matrix(
            (np.ones(int(inside.sum()), dtype=np.int64), (dc[inside], tcol[inside])), shape=(D, Vk)
        )
        counts = counts + part.tocsr()   # duplicates (a term twice in a document) are summed
    return DocTermCounts(counts.tocsr(), n_tokens, listing.doc_cats, listing.terms)
