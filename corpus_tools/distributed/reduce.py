"""The analyses on a partitioned token table: counts per partition on the workers, summed, then the statistics.

Each function here has the name, options and result of an in-memory
analysis and takes a :class:`~corpus_tools.distributed.PartitionedTokens`
instead of a :class:`~corpus_tools.tokens.Tokens`. It counts partition by
partition on the Dask workers (the partitions' codes are global, so counts
line up without a lookup), adds the counts up on the client, and hands them
to the in-memory statistics step:

=====================  ==========================================  =========================================
here                   counts per partition                        statistics (shared with the memory engine)
=====================  ==========================================  =========================================
:func:`frequencies`    group x term pairs, tokens per group        :func:`keywords.frequency_table`
:func:`unit_counts`    :func:`keywords.unit_counts` on the         (the counts themselves)
                       partition (terms resolved on the whole
                       vocabulary)
:func:`trend`          :func:`unit_counts`                         :func:`keywords.trend_from_counts`
:func:`group_term_counts`, :func:`doc_term_counts`, :func:`doc_sizes`: sparse counts over the whole
                       vocabulary, listed by :func:`compare.listed_terms` on the sums
:func:`distinctive_terms`  the three above                         :func:`compare.distinctive_from_counts`
=====================  ==========================================  =========================================

Counts are integers and sums of integers are exact, and the statistics are
the same code on the same arrays, so the results equal the memory engine's
(the tests compare them on the 200-speech UN slice). The client holds count
tables (groups x terms, units x concepts), never the token table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse

from ..compare.counts import MAX_CELLS, DocTermCounts, GroupTermCounts, listed_terms
from ..compare.distinctive import distinctive_from_counts
from ..corpus import groups_for
from ..errors import ParameterError
from ..keywords.frequencies import frequency_table
from ..keywords.matching import concept_terms
from ..keywords.trends import trend_from_counts, trend_unit
from ..keywords.units import UnitCounts
from ..keywords.units import unit_counts as memory_unit_counts
from ..stats import DEFAULT_PRIOR_SCALE
from ..tokens import FRAME_COLUMNS, bool_column, codes_view, number_mask
from .cluster import get_client
from .dataset import PartitionedTokens
from .tasks import map_partitions

__all__ = ["frequencies", "unit_counts", "trend", "group_term_counts", "doc_term_counts", "doc_sizes",
           "distinctive_terms"]


def _run(fn, pt: PartitionedTokens, *args, client=None, desc: str, progress=None, combine=None) -> list:
    """``fn(pt, i, *args)`` for every partition on the workers; the results in partition order.

    With ``combine`` (see :func:`map_partitions`) the results are folded as they arrive: ``[folded]``.
    """
    if not isinstance(pt, PartitionedTokens):
        raise ParameterError(f"expected the PartitionedTokens made by tokenize_partitioned, got {type(pt).__name__}")
    client = client or get_client()
    shared = [client.scatter(a, broadcast=True) if isinstance(a, np.ndarray) and a.size > 10_000 else a
              for a in args]
    results, failures = map_partitions(_call, list(range(pt.n_partitions)), fn, pt, *shared, client=client,
                                       sources=lambda i: pt.index["partitions"][i]["sources"], desc=desc,
                                       progress=progress, combine=combine)
    if failures:  # a written partition that cannot be read: the dataset is damaged
        raise ParameterError("; ".join(f"partition {f.index}: {f.message}" for f in failures))
    return results


def _call(i, fn, pt, *args):
    return fn(pt, i, *args)


def _check_column(column: str) -> None:
    if column not in FRAME_COLUMNS:
        raise ParameterError(f"column={column!r} is not a token column; use 'lemma', 'norm' or 'token'")


def _groups(pt: PartitionedTokens, by):
    """``(group code of every doc_id code, sorted group labels)``, as the memory engine factorizes them."""
    doc_cats = pt.categories("doc_id").astype(str).to_numpy(object)
    codes, cats = pd.factorize(groups_for(pt.docs, doc_cats, by), sort=True)
    return codes.astype(np.int64), np.asarray(cats, dtype=object)


# ---------------------------------------------------------------------------
# frequencies
# ---------------------------------------------------------------------------
def _frequency_part(pt, i, group_of_doc, n_groups, column, drop_stopwords, drop_numbers=True):
    frame = pt.frame(i)
    tok_group = group_of_doc[codes_view(frame["doc_id"]).astype(np.int64)]
    keep = ~bool_column(frame, "is_punct")
    n_tokens = np.bincount(tok_group[keep], minlength=n_groups)
    listed = keep & ~bool_column(frame, "is_stop") if drop_stopwords else keep
    if drop_numbers:  # numbers count in n_tokens, not as terms (the memory engine's rule)
        listed &= ~number_mask(frame)
    terms = codes_view(frame[column]).astype(np.int64)
    counts = pd.DataFrame({"g": tok_group[listed], "t": terms[listed]}).groupby(["g", "t"], sort=False).size()
    return n_tokens, counts


def _add_frequencies(acc, part):
    """Two partitions' frequency counts added (pairs aligned on group and term)."""
    if acc is None:
        return part
    counts = pd.concat([acc[1], part[1]]).groupby(level=[0, 1], sort=False).sum()
    return acc[0] + part[0], counts


def frequencies(pt: PartitionedTokens, *, by: str | None = "doc_id", column: str = "lemma",
                drop_stopwords: bool = True, drop_numbers: bool = True, client=None,
                progress=None) -> pd.DataFrame:
    """:func:`corpus_tools.keywords.frequencies` on a partitioned table (same options, same table).

    ``client``: a :class:`distributed.Client` (default :func:`get_client`).
    Raises as the in-memory function.
    """
    _check_column(column)
    group_of_doc, groups = _groups(pt, by)
    (n_tokens, counts), = _run(_frequency_part, pt, group_of_doc, len(groups), column, drop_stopwords, drop_numbers,
                               client=client, desc="frequencies", progress=progress, combine=_add_frequencies)
    counts = counts.rename("count").reset_index()
    term_cats = pt.categories(column).astype(str).to_numpy(object)
    return frequency_table(counts, n_tokens, groups, term_cats)


# ---------------------------------------------------------------------------
# unit counts and trends
# ---------------------------------------------------------------------------
def _unit_part(pt, i, terms, unit):
    tokens = pt.partition(i)
    if not len(tokens.frame):
        return None
    # The categories of a partitioned table are those that occur in it (the
    # vocabulary is the union of the partitions'): every one is used, so a
    # term resolves as it does on the whole table (keywords.TermMatcher).
    used = {c: np.ones(len(tokens.frame[c].cat.categories), dtype=bool) for c in ("lemma", "norm")}
    try:
        return memory_unit_counts(tokens, terms, unit=unit, used=used)
    except ParameterError:  # a partition of punctuation only has no unit to count
        return None


def unit_counts(pt: PartitionedTokens, terms, *, unit: str = "paragraph", client=None,
                progress=None) -> UnitCounts:
    """:func:`corpus_tools.keywords.unit_counts` on a partitioned table: the same units, counts and order.

    A partition holds whole documents, so each unit is counted in one
    partition; the units are then sorted as the memory engine sorts them.
    """
    if unit not in ("paragraph", "document"):
        raise ParameterError(f"unit={unit!r}: count per 'paragraph' or per 'document'")
    concepts = concept_terms(terms)
    parts = [p for p in _run(_unit_part, pt, concepts, unit, client=client, desc="unit counts",
                             progress=progress) if p is not None]
    if not parts:
        raise ParameterError("the token table is empty; there is nothing to count")
    doc_ids = np.concatenate([p.doc_id for p in parts])
    paragraph = np.concatenate([p.paragraph for p in parts])
    order = np.lexsort((paragraph, doc_ids))
    return UnitCounts(unit, parts[0].concepts, doc_ids[order], paragraph[order],
                      np.concatenate([p.totals for p in parts])[order],
                      np.concatenate([p.counts for p in parts])[order])


def trend(pt: PartitionedTokens, terms, *, by: str = "date", ci: float = 0.95, client=None,
          progress=None) -> pd.DataFrame:
    """:func:`corpus_tools.keywords.trend` on a partitioned table (unit counts summed, the same intervals)."""
    uc = unit_counts(pt, terms, unit=trend_unit(by), client=client, progress=progress)
    return trend_from_counts(uc, pt.docs, by=by, ci=ci)


# ---------------------------------------------------------------------------
# group x term and document x term counts, and distinctive terms
# ---------------------------------------------------------------------------
def _word_rows(frame, column, drop_stopwords, drop_numbers=True):
    """Doc codes and term codes of the word tokens, and which of them are listed (no stopword, no number)."""
    dc = codes_view(frame["doc_id"]).astype(np.int64)
    tc = codes_view(frame[column]).astype(np.int64)
    words = ~bool_column(frame, "is_punct") & (tc >= 0)
    listed = words & ~bool_column(frame, "is_stop") if drop_stopwords else words
    if drop_numbers:
        listed &= ~number_mask(frame)
    return dc[words], tc[words], listed[words]


def _pair_counts(a: np.ndarray, b: np.ndarray, width: int):
    """Distinct ``(a, b)`` pairs and how often each occurs (a sparse count table)."""
    keys, counts = np.unique(a * width + b, return_counts=True)
    return keys // width, keys % width, counts.astype(np.int64)


def _add_pairs(acc, part):
    """Two sparse pair-count tables ``(a, b, n)`` added: each distinct pair once."""
    if acc is None:
        return part
    a, b, n = (np.concatenate([x, y]) for x, y in zip(acc, part))
    width = int(b.max()) + 1 if len(b) else 1
    keys, inverse = np.unique(a * width + b, return_inverse=True)
    total = np.zeros(len(keys), dtype=np.int64)
    np.add.at(total, inverse, n)
    return keys // width, keys % width, total


def _group_term_part(pt, i, group_of_doc, column, drop_stopwords, drop_numbers=True):
    frame = pt.frame(i)
    V = len(frame[column].cat.categories)
    dc, tc, listed = _word_rows(frame, column, drop_stopwords, drop_numbers)
    # every word token: listed ones at their term, the others at V (the bucket)
    return _pair_counts(group_of_doc[dc], np.where(listed, tc, V), V + 1)


def _listing(pt, column, min_count, g, t, n):
    """Term codes -> listed column (``Vk`` for the bucket), and the listed terms (the memory engine's rule)."""
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ParameterError(f"min_count={min_count!r}: give a whole number >= 1 (MIN_COUNT)")
    term_cats = pt.categories(column).astype(str).to_numpy(object)
    V = len(term_cats)
    total = np.zeros(V + 1, dtype=np.int64)
    np.add.at(total, t, n)
    keep = listed_terms(total[:V], term_cats, min_count=min_count)
    Vk = int(keep.sum())
    col = np.full(V + 1, Vk, dtype=np.int64)
    col[:V][keep] = np.arange(Vk)
    return col, term_cats[keep]


def group_term_counts(pt: PartitionedTokens, *, by: str, column: str, drop_stopwords: bool, min_count: int,
                      drop_numbers: bool = True, client=None, progress=None) -> GroupTermCounts:
    """:func:`corpus_tools.compare.group_term_counts` on a partitioned table (the same integers)."""
    _check_column(column)
    group_of_doc, groups = _groups(pt, by)
    (g, t, n), = _run(_group_term_part, pt, group_of_doc, column, drop_stopwords, drop_numbers, client=client,
                      desc="group counts", progress=progress, combine=_add_pairs)
    col, terms = _listing(pt, column, min_count, g, t, n)
    G, Vk = len(groups), len(terms)
    if G * (Vk + 1) > MAX_CELLS:
        raise ParameterError(
            f"{G} groups x {Vk} terms is too large a table; raise MIN_COUNT or group more coarsely "
            f"(GROUP_BY) or select fewer documents (SELECT_WHERE)"
        )
    flat = np.zeros(G * (Vk + 1), dtype=np.int64)
    np.add.at(flat, g * (Vk + 1) + col[t], n)
    full = flat.reshape(G, Vk + 1)
    return GroupTermCounts(full[:, :Vk], full[:, Vk], full.sum(axis=1), groups, terms)


def _doc_term_part(pt, i, column, drop_stopwords, drop_numbers=True):
    frame = pt.frame(i)
    V = len(frame[column].cat.categories)
    dc, tc, listed = _word_rows(frame, column, drop_stopwords, drop_numbers)
    sizes = _pair_counts(dc, np.zeros_like(dc), 1)
    return _pair_counts(dc, np.where(listed, tc, V), V + 1), sizes


def doc_term_counts(pt: PartitionedTokens, *, column: str, drop_stopwords: bool, min_count: int,
                    drop_numbers: bool = True, client=None, progress=None) -> DocTermCounts:
    """:func:`corpus_tools.compare.doc_term_counts` on a partitioned table (the same sparse integers)."""
    _check_column(column)
    (pairs, sizes), = _run(_doc_term_part, pt, column, drop_stopwords, drop_numbers, client=client,
                           desc="document counts",
                           progress=progress, combine=lambda acc, p: p if acc is None else
                           (_add_pairs(acc[0], p[0]), _add_pairs(acc[1], p[1])))
    d, t, n = pairs
    col, terms = _listing(pt, column, min_count, d, t, n)
    doc_ids = pt.categories("doc_id").astype(str).to_numpy(object)
    D, Vk = len(doc_ids), len(terms)
    inside = col[t] < Vk
    counts = scipy.sparse.csr_matrix((n[inside], (d[inside], col[t][inside])), shape=(D, Vk), dtype=np.int64)
    n_tokens = np.zeros(D, dtype=np.int64)
    np.add.at(n_tokens, sizes[0], sizes[2])
    return DocTermCounts(counts, n_tokens, doc_ids, terms)


def _size_part(pt, i):
    frame = pt.frame(i)
    dc = codes_view(frame["doc_id"]).astype(np.int64)
    words = ~bool_column(frame, "is_punct") & (dc >= 0)
    return np.unique(dc[words], return_counts=True)


def doc_sizes(pt: PartitionedTokens, *, client=None, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`corpus_tools.compare.doc_sizes` on a partitioned table: every document and its word tokens."""
    doc_ids = pt.categories("doc_id").astype(str).to_numpy(object)
    n = np.zeros(len(doc_ids), dtype=np.int64)
    for codes, counts in _run(_size_part, pt, client=client, desc="document sizes", progress=progress):
        np.add.at(n, codes, counts.astype(np.int64))
    return doc_ids, n


def distinctive_terms(
    pt: PartitionedTokens,
    *,
    by: str = "author",
    column: str = "lemma",
    drop_stopwords: bool = True,
    drop_numbers: bool = True,
    prior: str | float = "scaled",
    prior_scale: float = DEFAULT_PRIOR_SCALE,
    min_count: int = 3,
    test: str = "auto",
    alpha: float = 0.05,
    n_resamples: int = 9999,
    seed: int = 0,
    client=None,
    progress=None,
) -> pd.DataFrame:
    """:func:`corpus_tools.compare.distinctive_terms` on a partitioned table (log-odds, G², tests).

    The counts are summed over the partitions; the statistics are
    :func:`corpus_tools.compare.distinctive_from_counts`, the memory
    engine's own. The permutation test needs the document x term table
    (sparse, on the client): with ``test="tokens"`` it is never built.
    """
    gtc = group_term_counts(pt, by=by, column=column, drop_stopwords=drop_stopwords, min_count=min_count,
                            drop_numbers=drop_numbers, client=client, progress=progress)
    doc_ids, doc_tokens = doc_sizes(pt, client=client, progress=progress)
    return distinctive_from_counts(
        gtc, doc_ids=doc_ids, doc_tokens=doc_tokens, docs=pt.docs, by=by, min_count=min_count,
        doc_terms=lambda: doc_term_counts(pt, column=column, drop_stopwords=drop_stopwords, min_count=min_count,
                                          drop_numbers=drop_numbers, client=client, progress=progress),
        prior=prior, prior_scale=prior_scale, test=test, alpha=alpha, n_resamples=n_resamples, seed=seed,
    )
