"""How often terms occur: counts and rates per group, tf-idf, collocations.

Rates are per 1,000 non-punctuation tokens (:data:`corpus_tools.config.PER`),
stopwords and numbers *included* in the denominator, so dropping stopwords or
numbers (``drop_numbers``, default True: "2014", "279th", "3.7%" are not
listed, see :func:`corpus_tools.tokens.listed_mask`) changes which terms are
listed, never the rate of a listed term.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import PER
from ..corpus import ALL_DOCUMENTS, group_labels, groups_for
from ..errors import ParameterError
from ..tokens import bool_column, column_codes, listed_mask, number_mask, token_frame

__all__ = ["ALL", "frequencies", "distinctive_by_tfidf", "collocations", "frequency_table"]

#: Label of the single group when ``by=None`` (the whole selection).
ALL = ALL_DOCUMENTS


def frequencies(
    tokens, *, by: str | None = "doc_id", column: str = "lemma", drop_stopwords: bool = True,
    drop_numbers: bool = True,
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
    drop_numbers : bool, keyword-only, default True
        Leave numbers (``is_num``: "2014", "279th", "3.7%", "$50") out of
        the listing, like stopwords.

    Returns
    -------
    DataFrame with columns ``group, term, count, n_tokens, per_1k``, sorted
    by group, then count (descending), then term. Punctuation is never
    listed.

    **Denominator:** ``n_tokens`` is the group's number of non-punctuation
    tokens, *stopwords included*, so ``per_1k = 1000 * count / n_tokens`` is
    the same whether or not stopwords are dropped from the listing, and
    matches :func:`corpus_tools.keywords.trend` and :func:`corpus_tools.keywords.change`.

    Raises
    ------
    ParameterError
        If ``column`` is not a token column; MetadataError for an unknown ``by``.
    """
    frame = token_frame(tokens)
    if column not in frame.columns:
        raise ParameterError(f"column={column!r} is not a token column; use 'lemma', 'norm' or 'token'")
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    groups = groups_for(tokens.docs, doc_cats, by)
    group_codes, group_cats = pd.factorize(groups, sort=True)
    tok_group = group_codes[doc_codes]
    keep = ~bool_column(frame, "is_punct")
    n_tokens = np.bincount(tok_group[keep], minlength=len(group_cats))
    listed = listed_mask(frame, drop_stopwords=drop_stopwords, drop_numbers=drop_numbers)
    term_codes, term_cats = column_codes(frame[column])
    counts = (
        pd.DataFrame({"g": tok_group[listed], "t": term_codes[listed]})
        .groupby(["g", "t"], sort=False)
        .size()
        .rename("count")
        .reset_index()
    )
    return frequency_table(counts, n_tokens, group_cats, term_cats)


def frequency_table(counts: pd.DataFrame, n_tokens: np.ndarray, group_cats, term_cats) -> pd.DataFrame:
    """The table of :func:`frequencies` from its counts (the statistics step, shared by both engines).

    ``counts`` has one row per group and term that occurs: ``g`` (index into
    ``group_cats``), ``t`` (index into ``term_cats``) and ``count``;
    ``n_tokens`` is every group's non-punctuation tokens. Returns the
    columns ``group, term, count, n_tokens, per_1k`` sorted by group, count
    (descending), term. The Dask engine
    (:func:`corpus_tools.distributed.frequencies`) sums ``counts`` over the
    partitions and calls this.
    """
    out = pd.DataFrame(
        {
            "group": np.asarray(group_cats, dtype=object)[counts["g"].to_numpy()],
            "term": np.asarray(term_cats, dtype=object)[counts["t"].to_numpy()],
            "count": counts["count"].to_numpy(np.int64),
            "n_tokens": n_tokens[counts["g"].to_numpy()].astype(np.int64),
        }
    )
    out["per_1k"] = out["count"] / out["n_tokens"] * PER
    return out.sort_values(["group", "count", "term"], ascending=[True, False, True], ignore_index=True)



def distinctive_by_tfidf(tokens, *, n: int = 10, by: str = "doc_id", column: str = "lemma",
                         drop_numbers: bool = True) -> pd.DataFrame:
    """The ``n`` terms with the highest tf-idf in each document (or group).

    The weighting is gensim's ``TfidfModel`` default (SMART ``nfc``-style:
    raw term count times ``log2(N / df)``, then each document's vector
    scaled to unit length), after Spärck Jones (1972) and Salton & Buckley
    (1988)::

        w(t, d) = count(t, d) * log2(N / df(t));   tfidf = w / ||w(., d)||_2

    computed with a pandas group-by so that it scales to large corpora (the
    tests check it against ``gensim.models.TfidfModel``). Stopwords and
    punctuation are left out, and numbers too unless ``drop_numbers=False``
    (on the UN General Debates the lists were otherwise full of session and
    document numbers: "279th", "2663"). A term found in every document has
    idf 0 and is never distinctive.

    ``by`` pools documents into groups first (``"author"``, ``"year"`` …,
    as in :func:`frequencies`), treating each group as one document.

    Returns ``group, rank, term, count, tfidf`` sorted by group and rank
    (ties broken alphabetically); empty when there are fewer than two groups,
    since idf is then 0 for every term.
    """
    if n < 1:
        raise ParameterError(f"n={n!r}: ask for at least one term per document (TOP_N)")
    freq = frequencies(tokens, by=by, column=column, drop_stopwords=True, drop_numbers=drop_numbers)
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
    tokens, *, measure: str = "likelihood_ratio", min_freq: int = 2, n: int = 20, column: str = "lemma",
    drop_numbers: bool = True,
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
    every pair containing a stopword is discarded; numbers ("2014", "3.7%")
    are treated like stopwords unless ``drop_numbers=False``. A merged multiword lemma
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
    if drop_numbers:
        stop = stop | number_mask(frame)
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
