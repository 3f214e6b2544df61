"""What an explorer embeds about many terms at once: a few KWIC lines each, and their collocates.

:func:`corpus_tools.keywords.kwic` finds one term's occurrences in one pass
over the token table; an explorer wants a handful of lines for each of
hundreds of terms, from each group. :func:`term_contexts` matches every term
in one pass over the lemma codes and builds the context only for the lines
it keeps, which are the same lines ``kwic`` returns for that term (the same
rule, the same window, the same joining of surface tokens).
:func:`term_collocates` reads :func:`corpus_tools.keywords.collocations`
once and keeps, for each term, the pairs it belongs to.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..keywords import TermMatcher, collocations
from ..keywords.kwic import kwic_lines
from ..tokens import codes_view, token_frame

__all__ = ["term_contexts", "term_collocates", "spread", "CONTEXT_COLUMNS", "COLLOCATE_COLUMNS"]

#: Columns of :func:`term_contexts`.
CONTEXT_COLUMNS = ["term", "group", "line", "n_lines", "doc_id", "paragraph", "sentence", "position",
                   "left", "keyword", "right"]
#: Columns of :func:`term_collocates`.
COLLOCATE_COLUMNS = ["term", "rank", "collocate", "bigram", "count", "score", "measure"]


def spread(m: int, n: int) -> np.ndarray:
    """``min(m, n)`` indices into ``m`` occurrences, evenly spread from the first to the last.

    Deterministic: the first and the last occurrence are always among them
    (for ``n >= 2``), so the lines shown sample the whole run rather than its start.
    """
    if m <= n:
        return np.arange(m)
    return np.unique(np.linspace(0, m - 1, n).round().astype(np.int64))


def term_contexts(
    tokens,
    terms: Sequence[str],
    *,
    groups: Mapping[str, str] | pd.Series | None = None,
    per_group: int = 3,
    window: int = 7,
) -> pd.DataFrame:
    """Up to ``per_group`` keyword-in-context lines for each term in each group, in one pass.

    Each term is matched as :func:`corpus_tools.keywords.match_term` does
    (its lemma, else its surface form, a multiword lemma or a phrase); the
    lines are a subset of what :func:`corpus_tools.keywords.kwic` returns
    for that term with the same ``window``, chosen evenly from its first to
    its last occurrence in the group (table order: documents, then position),
    so a reader sees occurrences from across the group rather than the first
    paragraph only.

    ``groups`` maps ``doc_id`` to a group label (e.g.
    :func:`corpus_tools.notebook.group_labels`); ``None`` puts every
    document in one group ``""``.

    Returns a DataFrame with :data:`CONTEXT_COLUMNS`: ``term, group``, the
    line's number ``line`` (from 1) among ``n_lines`` (all the term's
    occurrences in the group), ``doc_id, paragraph, sentence, position`` and
    ``left, keyword, right`` as in ``kwic``. Sorted by term (in the order
    given), group and position in the table; a term that does not occur has
    no row.

    Raises ParameterError for an empty term, ``per_group < 1`` or a
    negative ``window``.
    """
    if isinstance(per_group, bool) or not isinstance(per_group, (int, np.integer)) or per_group < 1:
        raise ParameterError(f"per_group={per_group!r}: give a positive number of lines")
    if window < 0:
        raise ParameterError(f"window={window!r}: give a non-negative number of context tokens")
    terms = list(dict.fromkeys(str(t) for t in terms))
    frame = token_frame(tokens)
    matcher = TermMatcher(frame)
    lemma_codes, lower, _ = matcher.cols["lemma"]
    # one lookup from lemma category to term index: a single gather over the table
    term_of_cat = np.full(len(lower) + 1, -1, dtype=np.int64)
    extra_first, extra_last, extra_term = [], [], []
    for j, term in enumerate(terms):
        how, col, lookup = matcher.resolve(term)
        if how == "lemma" and not (term_of_cat[:-1][lookup[:-1]] >= 0).any():
            term_of_cat[:-1][lookup[:-1]] = j
        elif how != "none":
            f, l = matcher.rows([term])  # the rarer rules (and a term sharing a lemma): one pass each
            extra_first.append(f)
            extra_last.append(l)
            extra_term.append(np.full(f.size, j, dtype=np.int64))
    of_row = term_of_cat[lemma_codes]  # a missing code (-1) reads the trailing -1
    single = np.flatnonzero(of_row >= 0)
    first = np.concatenate([single, *extra_first]).astype(np.int64)
    last = np.concatenate([single, *extra_last]).astype(np.int64)
    term_ix = np.concatenate([of_row[single], *extra_term]).astype(np.int64)

    doc = frame["doc_id"]
    if isinstance(doc.dtype, pd.CategoricalDtype):
        doc_codes, doc_cats = codes_view(doc), doc.cat.categories.astype(str).to_numpy(object)
    else:
        doc_codes, doc_cats = pd.factorize(doc)
        doc_cats = np.asarray(doc_cats, dtype=str).astype(object)
    if groups is None:
        group_of_doc = np.full(len(doc_cats), "", dtype=object)
    else:
        mapping = dict(groups)
        group_of_doc = np.array([str(mapping.get(d, "")) for d in doc_cats], dtype=object)
    group_labels, group_code_of_doc = np.unique(group_of_doc.astype(str), return_inverse=True)
    row_group = group_code_of_doc[doc_codes[first]] if first.size else np.zeros(0, np.int64)

    # every (term, group) run in table order; keep evenly spread lines of each
    order = np.lexsort((first, row_group, term_ix))
    first, last, term_ix, row_group = first[order], last[order], term_ix[order], row_group[order]
    key = term_ix * max(len(group_labels), 1) + row_group
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], key.size]
    keep, line_no, n_lines = [], [], []
    for s, e in zip(starts, ends):
        picked = spread(int(e - s), int(per_group))
        keep.append(s + picked)
        line_no.append(np.arange(1, picked.size + 1))
        n_lines.append(np.full(picked.size, e - s))
    keep = np.concatenate(keep) if keep else np.zeros(0, np.int64)
    first, last = first[keep], last[keep]

    lines = kwic_lines(frame, doc_codes, first, last, window=window)
    lines.insert(0, "term", pd.Series([terms[j] for j in term_ix[keep]], dtype=object))
    lines.insert(1, "group", pd.Series(group_labels[row_group[keep]].astype(object) if keep.size else [],
                                       dtype=object))
    lines.insert(2, "line", np.concatenate(line_no).astype(np.int64) if line_no else np.zeros(0, np.int64))
    lines.insert(3, "n_lines", np.concatenate(n_lines).astype(np.int64) if n_lines else np.zeros(0, np.int64))
    return lines[CONTEXT_COLUMNS]


def term_collocates(
    tokens, terms: Sequence[str], *, measure: str = "likelihood_ratio", min_freq: int = 2, n: int = 8
) -> pd.DataFrame:
    """Each term's top ``n`` collocates: the two-word collocations it is part of.

    Reads every pair of :func:`corpus_tools.keywords.collocations` (same
    ``measure`` and ``min_freq``, hence the same counting rules and scores
    as the notebook's table) once, and keeps for each term in ``terms`` the
    pairs in which it is the first or the second word, best score first.

    Returns a DataFrame with :data:`COLLOCATE_COLUMNS` (``collocate`` is the
    other word, ``bigram`` the pair as written), sorted by term (in the
    order given) and rank; a term in no pair has no row. Raises
    ParameterError as :func:`~corpus_tools.keywords.collocations` does, and
    for ``n < 1``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"n={n!r}: give a positive number of collocates per term")
    terms = list(dict.fromkeys(str(t) for t in terms))
    pairs = collocations(tokens, measure=measure, min_freq=min_freq, n=np.iinfo(np.int64).max)
    wanted = {t: i for i, t in enumerate(terms)}
    both = pd.concat(
        [pairs.assign(term=pairs["w1"], collocate=pairs["w2"]), pairs.assign(term=pairs["w2"], collocate=pairs["w1"])],
        ignore_index=True,
    )
    both = both[both["term"].isin(wanted) & (both["term"] != both["collocate"])]
    both = both.assign(_t=both["term"].map(wanted)).sort_values(["_t", "score", "bigram"], ascending=[True, False, True],
                                                                 kind="stable")
    both = both.groupby("_t", sort=False).head(int(n))
    both["rank"] = both.groupby("_t", sort=False).cumcount() + 1
    return both[COLLOCATE_COLUMNS].reset_index(drop=True)
