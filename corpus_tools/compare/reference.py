"""Keyness against general English: what sets this corpus apart from ordinary English?

:func:`distinctive_terms <corpus_tools.compare.distinctive.distinctive_terms>`
compares a group with the rest of the *same* corpus. Here the whole corpus (or
each group) is compared with a reference frequency list of English instead,
offline: the "large" English list of **wordfreq** (Speer 2022, code
Apache-2.0, data CC BY-SA 4.0), which merges Wikipedia, film and TV
subtitles (OpenSubtitles 2018, SUBTLEX), news (NewsCrawl 2014, GlobalVoices),
Google Books Ngrams (2012), web text (OSCAR), Twitter and Reddit. Its
frequencies are proportions of a huge mixed-genre corpus, not counts.
:func:`reference_frequencies` matches terms to that list,
:func:`reference_keyness` tests each term's count against it, and the
figure is :func:`corpus_tools.plots.compare.plot_reference_keyness`.

Speer, R. (2022). rspeer/wordfreq: v3.0. Zenodo. doi:10.5281/zenodo.7199437
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import chi2, poisson

from .. import stats
from ..config import PER
from ..errors import ParameterError
from ..tokens import CHUNK_ROWS, bool_column, column_codes, token_frame
from .counts import MAX_CELLS, doc_group_codes, group_term_counts

__all__ = ["reference_keyness", "reference_frequencies", "ALL", "BIN_FACTOR", "REFERENCE_MATCHES", "REFERENCE_COLUMNS"]

#: Group label of the whole selection when ``by=None`` (as in :mod:`corpus_tools.keywords`).
ALL = "(all documents)"

#: wordfreq stores each frequency as a whole number of centibels (1/100 of a
#: power of ten, rounded to the nearest), so a stored frequency stands for any
#: true frequency within this factor of it: 10**0.005 = 1.0116, i.e. ±1.2%,
#: ±0.017 in log2 units. (``wordfreq.word_frequency`` then rounds its answer
#: to three significant figures, another ≤0.5%.)
BIN_FACTOR = 10 ** 0.005

#: How a term was matched to the reference list (the ``match`` column).
REFERENCE_MATCHES = {
    "word": "one word the reference lists: compared and tested",
    "unknown": "one word the reference does not list (below ~1e-8 for 'large'): no frequency, not tested",
    "multiword": "a phrase merged by the tokenizer: not compared itself, counted under each of its words "
                 "(united_states -> united, states); or a compound wordfreq splits (non-alignment)",
    "abbreviation": "wordfreq reads it as another word: it drops the final period, so the initial a. "
                    "would be the article a",
    "number": "contains a digit: wordfreq's number frequencies are modelled by shape, not counted",
    "clitic": "a clitic the tokenizer splits off ('s, n't): wordfreq keeps china's and don't whole",
}

#: The columns of :func:`reference_keyness`, in order.
REFERENCE_COLUMNS = ("group", "term", "match", "count", "n_tokens", "per_1k", "ref_per_1k", "expected",
                     "log_ratio", "log_ratio_low", "log_ratio_high", "p", "p_adj", "significant", "alpha")

_WORDLISTS = ("large", "small", "best")
_LANG = "en"  # the tokenizer, stopwords and lemmas of this package are English


def reference_frequencies(terms, *, wordlist: str = "large") -> pd.DataFrame:
    """Match terms to wordfreq's English list and look up their frequencies.

    A term is looked up the way ``wordfreq.word_frequency(term, "en",
    wordlist=wordlist)`` does it, with one more condition: wordfreq's own
    tokenizer (``wordfreq.lossy_tokenize``: Unicode word segmentation, case
    folding) must read it as exactly **one** word, and that word must be the
    term itself (case-folded). The frequency is the stored bin value,
    10**(-c/100) for a bin of c centibels (see :data:`BIN_FACTOR`), not
    word_frequency's three-significant-figure rounding of it. The ``match``
    of each term (:data:`REFERENCE_MATCHES`), checked in this order:

    * ``number``: contains a digit (wordfreq gives numbers a frequency by
      their shape and Benford's law, not by counting them);
    * ``clitic``: starts with an apostrophe or is ``n't`` (the tokenizer
      splits "China's" into ``china`` + ``'s``; wordfreq counts ``china's``
      as one word);
    * ``multiword``: contains ``_`` (a phrase the tokenizer merged, such as
      ``united_states``; wordfreq has no frequencies for word sequences, and
      its estimate for them is a heuristic) or wordfreq splits it into
      several words (``non-alignment`` with ``hyphens="keep"``);
    * ``abbreviation``: wordfreq reads it as one *other* word: it drops a
      final period, so the initial ``a.`` would be looked up as the article
      ``a`` (and ``u.s.`` as ``u.s``);
    * ``word`` if the list has the word, else ``unknown``.

    Vectorised over terms: plain lowercase ASCII words (nearly all terms) are
    matched with one regular expression; only the rest go through wordfreq's
    tokenizer, one distinct term at a time.

    Parameters
    ----------
    terms : sequence of str
        Distinct terms, normally norms (lowercased surface forms).
    wordlist : str, keyword-only, default ``"large"``
        wordfreq's list: ``"large"`` (words down to 1e-8, from at least five
        sources), ``"small"`` (down to 1e-6) or ``"best"`` (large where it
        exists, which it does for English).

    Returns
    -------
    DataFrame ``term, match, frequency``, one row per term in the given
    order; ``frequency`` is a proportion of all words (NaN unless ``match``
    is ``"word"``).

    Raises
    ------
    ParameterError
        An unknown ``wordlist``.
    """
    import wordfreq  # imported here: loading its tables is only needed for this analysis

    if wordlist not in _WORDLISTS:
        raise ParameterError(f"wordlist={wordlist!r}: use one of {list(_WORDLISTS)} (wordfreq's English lists)")
    terms = pd.Series(np.asarray(terms, dtype=object), dtype=object).astype(str)
    match = np.full(len(terms), "", dtype=object)
    match[terms.str.contains(r"\d", regex=True).to_numpy()] = "number"
    free = match == ""
    match[free & (terms.str.startswith("'") | (terms == "n't")).to_numpy()] = "clitic"
    free = match == ""
    match[free & terms.str.contains("_", regex=False).to_numpy()] = "multiword"
    free = match == ""
    # wordfreq reads a plain lowercase ASCII word as itself; anything else
    # (accents, dots, apostrophes, hyphens) goes through its tokenizer.
    plain = free & terms.str.fullmatch(r"[a-z]+").to_numpy()
    key = pd.Series(np.where(plain, terms.to_numpy(object), None), dtype=object)
    for i in np.flatnonzero(free & ~plain):
        term = terms.iat[i]
        parts = wordfreq.lossy_tokenize(term, _LANG)
        if len(parts) > 1:
            match[i] = "multiword"
        elif len(parts) == 1 and parts[0] == term.casefold():
            key.iat[i] = parts[0]
        elif len(parts) == 1:
            match[i] = "abbreviation"
        # no word at all (a symbol that is not punctuation): stays unknown below
    # get_frequency_dict holds the stored bins, 10**(-c/100) exactly (lru-cached by wordfreq).
    table = wordfreq.get_frequency_dict(_LANG, wordlist)
    freq = key.map(table).to_numpy(np.float64)
    free = match == ""
    match[free & np.isfinite(freq)] = "word"
    match[match == ""] = "unknown"
    freq = np.where(match == "word", freq, np.nan)
    return pd.DataFrame({"term": terms.to_numpy(object), "match": match, "frequency": freq})


def reference_keyness(
    tokens,
    *,
    by: str | None = None,
    column: str = "norm",
    min_count: int = 3,
    drop_stopwords: bool = True,
    wordlist: str = "large",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Which terms the corpus (or each group) over- or under-uses against general English.

    Each term's count in the corpus (``by=None``) or in each group is
    compared with its frequency in wordfreq's English list
    (:func:`reference_frequencies`; Speer 2022):

    * ``log_ratio``: Hardie's (2014) Log Ratio with the reference as a known
      rate, log2(rate in the corpus / reference frequency), via
      :func:`corpus_tools.stats.log_ratio`: +1 = twice as frequent as in
      general English, -1 = half as frequent.
    * ``p``: an exact two-sided test of the count against the reference,
      treated as a known rate. wordfreq gives rounded proportions of a mixed
      corpus of many billions of words, not counts, so the two-corpus
      log-likelihood G² (Dunning 1993; Rayson & Garside 2000) is not
      available (it needs the reference's counts and size, and inventing a
      size would invent its precision). Under the null, the count is
      Poisson with mean ``expected = n_tokens * frequency``: the binomial's
      limit for rare words, whose variance is larger by 1 / (1 - frequency),
      at most 1.002 for content words and 1.06 for "the", so the test errs,
      slightly, on the conservative side. The reference is only known to
      within its bin (:data:`BIN_FACTOR`), so the null is the bin, not a
      point (a range null, Hodges & Lehmann 1954): p = min(1, 2 * min(P(X ≤ count; mu_lo),
      P(X ≥ count; mu_hi))) with mu_lo, mu_hi = expected / and * BIN_FACTOR,
      the central exact test (Garwood 1936; Fay 2010) at the nearer edge of
      the bin. It is valid for every frequency in the bin, and it keeps the
      1% quantisation from making large corpora reject for every term. A p
      below ~1e-308 is reported as 0.
    * ``p_adj``: Benjamini & Hochberg (1995) adjusted p, per group, over the
      terms tested in that group (``match == "word"``); ``significant`` is
      ``p_adj < alpha``, the criterion the figure marks.
    * ``log_ratio_low``, ``log_ratio_high``: the Garwood (1936) exact
      interval of the corpus rate, as log2 of its ratio to the reference,
      at the false-coverage-rate-adjusted level 1 - R * alpha / m of
      Benjamini & Yekutieli (2005) (m terms tested in the group, R of them
      significant; R = 1 if none is). At that level the interval lies wholly
      outside the bin exactly when the term is ``significant``.

    **What the test can and cannot say.** It treats every token as an
    independent draw, which words are not (they come in bursts within
    documents; Church & Gale 1995), so p is too small for terms concentrated
    in a few documents. With a large corpus almost every term differs
    significantly from any reference (Kilgarriff 2005): read ``log_ratio``
    and its interval, not p. No test covers the reference's own bias: it
    mixes genres (Wikipedia, subtitles, news, books, web, Twitter, Reddit),
    so commentary on international relations over-uses "China" against it
    -- which is the point, and also the limit.

    **Matching.** Terms are surface forms (``column="norm"``: lowercased,
    curly quotes folded), because wordfreq counts surface words; a lemma
    (all inflections) against one surface form's frequency would be biased.
    wordfreq counts words, not phrases, so a phrase the tokenizer merged is
    counted under each word of its canonical form (``united_states`` adds
    to ``united`` and ``states``, whether the text said "United States" or
    "US"; otherwise a corpus about the United Nations would seem to avoid
    the word "united"). A hyphenated compound is split into its words by
    the default tokenizer (``hyphens="split"``), as wordfreq does. Not
    tested, and listed with their ``match`` (:data:`REFERENCE_MATCHES`):
    the merged phrases themselves, numbers, clitics, abbreviations that
    wordfreq reads as another word, and words the reference does not list
    (``unknown``: no frequency, no log ratio, nothing divided by zero).
    Punctuation is never counted, and stopwords are not listed by default.

    **Denominators.** ``n_tokens`` is the group's words: its non-punctuation
    tokens, stopwords included (as in
    :func:`corpus_tools.compare.distinctive_terms`), with a merged phrase
    counted as its words, because wordfreq's proportions are of all words.
    The two tokenizations still differ slightly (clitics are separate tokens
    here, "China's" one word in wordfreq), so a log ratio within about ±0.05
    of 0 means nothing.

    **Listing.** A (group, term) row exists when the group uses the term at
    least ``min_count`` times: the comparison starts from the corpus's own
    vocabulary, so a common English word the corpus never uses is not
    listed (and in a small corpus, under-use is only detectable for words
    expected several times).

    References: Benjamini & Hochberg (1995), JRSS B 57(1): 289-300;
    Benjamini & Yekutieli (2005), JASA 100(469): 71-81; Church & Gale
    (1995), Natural Language Engineering 1(2): 163-190; Fay (2010), The R
    Journal 2(1): 53-58; Garwood (1936), Biometrika 28(3/4): 437-442;
    Hardie (2014), "Log Ratio - an informal introduction", CASS, Lancaster;
    Hodges & Lehmann (1954), JRSS B 16(2): 261-268; Kilgarriff (2005),
    Corpus Linguistics and Linguistic Theory 1(2): 263-276; Speer (2022),
    wordfreq v3.0, doi:10.5281/zenodo.7199437.

    Parameters
    ----------
    tokens : Tokens
    by : str or None, keyword-only, default None
        None compares the whole selection (one group, labelled :data:`ALL`);
        a metadata column (``"author"``, ``"year"`` …; see
        :func:`corpus_tools.notebook.group_labels`) compares each group.
    column : str, keyword-only, default ``"norm"``
        Only ``"norm"`` (see *Matching*).
    min_count : int, keyword-only, default 3
        List a term for a group only if the group uses it at least this often.
    drop_stopwords : bool, keyword-only, default True
        Leave stopwords out of the listing (they still count in ``n_tokens``).
        With False, function words are compared too, but contractions bias
        them (the tokenizer's ``did`` + ``n't`` is wordfreq's ``didn't``).
    wordlist : str, keyword-only, default ``"large"``
        wordfreq's English list (see :func:`reference_frequencies`).
    alpha : float, keyword-only, default 0.05
        The false discovery rate for ``significant``.

    Returns
    -------
    DataFrame with :data:`REFERENCE_COLUMNS`: ``group, term, match, count,
    n_tokens, per_1k, ref_per_1k, expected, log_ratio, log_ratio_low,
    log_ratio_high, p, p_adj, significant, alpha``. One row per group and
    listed word or merged phrase; ``per_1k`` and ``ref_per_1k`` are per
    1,000 words (``n_tokens``); the statistics are NaN (and ``significant``
    False) unless ``match`` is ``"word"``. Sorted by group, tested terms
    first, then ``log_ratio`` descending, count descending, term.

    Raises
    ------
    ParameterError
        A ``column`` other than ``"norm"``, a bad ``min_count``, ``alpha`` or
        ``wordlist``, no term used ``min_count`` times, or more groups x
        words than :data:`corpus_tools.compare.counts.MAX_CELLS`;
        MetadataError for an unknown ``by``.

    Examples
    --------
    >>> table = reference_keyness(tokens)                                  # doctest: +SKIP
    >>> table[table["significant"]].head()                                 # doctest: +SKIP
    """
    if column != "norm":
        raise ParameterError(
            f"column={column!r}: compare surface forms (column='norm'); wordfreq counts surface words, "
            "so a lemma's count (all its inflections) against one form's frequency would be biased"
        )
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha!r}: give a false discovery rate between 0 and 1, e.g. 0.05")
    if wordlist not in _WORDLISTS:
        raise ParameterError(f"wordlist={wordlist!r}: use one of {list(_WORDLISTS)} (wordfreq's English lists)")
    if by is None:
        # One group for the whole selection: the same counting code, over a
        # docs table with one constant column (the token frame is shared, not copied).
        key = "\x1fall"
        tokens = tokens.derive(tokens.frame, tag="reference:all", docs=tokens.docs.assign(**{key: ALL}))
        by = key
    words = _word_counts(tokens, by=by, min_count=min_count, drop_stopwords=drop_stopwords)
    counts, n_group, groups, terms, phrases, phrase_counts = words
    gi, vi = np.nonzero(counts >= min_count)   # row-major: by group, then term
    pg, pv = np.nonzero(phrase_counts >= min_count)
    if gi.size == 0:
        raise ParameterError(f"no term occurs at least min_count={min_count} times in a group; lower MIN_COUNT")
    ref = reference_frequencies(terms, wordlist=wordlist)
    k = counts[gi, vi]
    n = n_group[gi]
    freq = ref["frequency"].to_numpy(np.float64)[vi]
    match = ref["match"].to_numpy(object)[vi]
    tested = match == "word"

    expected = np.full(k.shape, np.nan)
    expected[tested] = n[tested] * freq[tested]
    lr = np.full(k.shape, np.nan)
    # Log Ratio with the reference as a known rate: its "corpus" is one token
    # long and holds `frequency` of the term (stats.log_ratio's b / d).
    lr[tested] = stats.log_ratio(k[tested], freq[tested], n[tested], 1.0)
    p = np.full(k.shape, np.nan)
    kt, mu = k[tested], expected[tested]
    mu_lo, mu_hi = mu / BIN_FACTOR, mu * BIN_FACTOR
    # Central exact test at the nearer edge of the bin (sf(k - 1) = P(X >= k)).
    p[tested] = np.minimum(1.0, 2.0 * np.minimum(poisson.cdf(kt, mu_lo), poisson.sf(kt - 1, mu_hi)))

    p_adj = np.full(k.shape, np.nan)
    level = np.full(k.shape, np.nan)
    for g in np.unique(gi):   # one loop over groups, as in distinctive_terms
        rows = gi == g
        p_adj[rows] = stats.bh_adjust(p[rows])
        m = int((rows & tested).sum())
        if m:
            r = int((p_adj[rows] < alpha).sum())
            level[rows] = alpha * max(r, 1) / m   # Benjamini & Yekutieli (2005): 1 - R q / m coverage
    significant = np.nan_to_num(p_adj, nan=1.0) < alpha

    lo = np.full(k.shape, np.nan)
    hi = np.full(k.shape, np.nan)
    a = level[tested]
    # Garwood (1936): the exact interval of a Poisson mean from a count kt >= 1.
    lo[tested] = np.log2(chi2.ppf(a / 2, 2 * kt) / 2 / mu)
    hi[tested] = np.log2(chi2.ppf(1 - a / 2, 2 * kt + 2) / 2 / mu)

    # The merged phrases themselves: listed (their words were counted above), not tested.
    n_all = np.concatenate([n, n_group[pg]])
    k_all = np.concatenate([k, phrase_counts[pg, pv]])
    nan = np.full(len(pg), np.nan)
    out = pd.DataFrame(
        {
            "group": np.concatenate([groups[gi], groups[pg]]),
            "term": np.concatenate([terms[vi], phrases[pv]]),
            "match": np.concatenate([match, np.full(len(pg), "multiword", dtype=object)]),
            "count": k_all,
            "n_tokens": n_all,
            "per_1k": k_all / n_all * PER,
            "ref_per_1k": np.concatenate([freq * PER, nan]),
            "expected": np.concatenate([expected, nan]),
            "log_ratio": np.concatenate([lr, nan]),
            "log_ratio_low": np.concatenate([lo, nan]),
            "log_ratio_high": np.concatenate([hi, nan]),
            "p": np.concatenate([p, nan]),
            "p_adj": np.concatenate([p_adj, nan]),
            "significant": np.concatenate([significant, np.zeros(len(pg), dtype=bool)]),
            "alpha": float(alpha),
        }
    )
    out["_untested"] = out["match"] != "word"
    out = out.sort_values(
        ["group", "_untested", "log_ratio", "count", "term"],
        ascending=[True, True, False, False, True],
        na_position="last",
        ignore_index=True,
        kind="mergesort",
    )
    return out.drop(columns="_untested")


def _word_counts(tokens, *, by: str, min_count: int, drop_stopwords: bool):
    """Word counts per group as wordfreq would count them: merged phrases counted under their words.

    Counts every norm per group (:func:`group_term_counts`, stopwords
    included), then maps each merged phrase (a norm with ``_``, the
    tokenizer's canonical form) onto its words with one sparse product, so
    that ``united_states`` adds to ``united`` and ``states``, and a group's
    size counts the phrase as that many words, as wordfreq's proportions do.
    A word is a stopword when the token table flags that norm as one
    anywhere (so a custom stopword list is respected); a word found only
    inside phrases is not. Raises ParameterError when the group x norm
    table would exceed :data:`corpus_tools.compare.counts.MAX_CELLS`.

    Returns ``(counts, n_words, groups, terms, phrases, phrase_counts)``:
    (G, W) int64 counts of the W listed words (stopwords left out when
    ``drop_stopwords``), the groups' sizes in words, the group labels, the
    words, and the merged phrases with their own (G, P) counts.
    """
    # Every norm is counted (min_count=1): a word's count may come partly from
    # phrases, so no pre-filter on single norms would be exact.
    frame = token_frame(tokens, column="norm")
    n_groups = len(doc_group_codes(tokens, by)[2])
    n_norms = len(frame["norm"].cat.categories)
    if n_groups * (n_norms + 1) > MAX_CELLS:
        raise ParameterError(
            f"reference_keyness counts every word of every group: {n_groups} groups x {n_norms} words is too "
            "large a table; group more coarsely (REFERENCE_BY) or select fewer documents (SELECT_WHERE)"
        )
    counts, _, n_group, groups, norms = group_term_counts(
        tokens, by=by, column="norm", drop_stopwords=False, min_count=1
    )
    norms = pd.Series(norms, dtype=object)
    is_phrase = norms.str.contains("_", regex=False).to_numpy()
    parts = norms.str.split("_").explode()
    parts = parts[parts != ""]
    word_codes, words = pd.factorize(parts.to_numpy(object))
    owner = parts.index.to_numpy(np.int64)   # the norm each part comes from
    # (norms x words): 1 for each part, so "one_belt_one_road" adds 2 to "one".
    to_words = sp.csr_matrix(
        (np.ones(len(owner), dtype=np.int64), (owner, word_codes)), shape=(len(norms), len(words))
    )
    word_counts = (sp.csr_matrix(counts) @ to_words).toarray()
    n_parts = np.asarray(to_words.sum(axis=1)).ravel()
    n_words = n_group + counts @ (n_parts - 1)

    listed = np.ones(len(words), dtype=bool)
    if drop_stopwords:
        stop_norms = _stopword_norms(tokens)
        listed = ~pd.Index(words).isin(stop_norms)
    return (
        word_counts[:, listed].astype(np.int64),
        n_words.astype(np.int64),
        groups,
        np.asarray(words, dtype=object)[listed],
        norms[is_phrase].to_numpy(object),
        counts[:, is_phrase].astype(np.int64),
    )


def _stopword_norms(tokens) -> np.ndarray:
    """The norms the token table flags as stopwords (on any of their tokens), read slice by slice."""
    frame = token_frame(tokens, column="norm")
    codes, cats = column_codes(frame["norm"], wide=False)
    stop = bool_column(frame, "is_stop")
    flagged = np.zeros(len(cats), dtype=bool)
    for a in range(0, len(codes), CHUNK_ROWS):
        c = codes[a:a + CHUNK_ROWS][stop[a:a + CHUNK_ROWS]]
        flagged[c[c >= 0]] = True
    return np.asarray(cats, dtype=object)[flagged]
