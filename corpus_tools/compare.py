"""Comparing perspectives: who says what, and how differently (notebook 03).

Every function takes the :class:`corpus_tools.tokens.Tokens` table made by
:func:`corpus_tools.tokenize` (or, for quotations, the
:class:`~corpus_tools.corpus.Corpus`) and returns a tidy DataFrame; the
``plot_*`` functions at the end take those DataFrames and return a Figure.

Operations
----------
distinctive_terms
    Each group against the rest: Monroe, Colaresi & Quinn (2008) log-odds
    with an informative Dirichlet prior, Dunning (1993) / Rayson & Garside
    (2000) G², Benjamini & Hochberg (1995) adjusted p, Hardie (2014) Log Ratio.
similarity, topic_similarity, cluster_order, matrix_agreement
    Group-by-group tf-idf cosine and Jensen-Shannon divergence, the same for
    topic mixtures, hierarchical-clustering order and a Mantel test.
actor_sentences, actor_framing, actor_examples
    How often each actor of the tokenizer's alias table is mentioned, and
    the VADER sentiment (Hutto & Gilbert 2014) of the sentences that do.
quotations, quoted_share, authorial_tokens
    Direct quotation and reported speech, who is quoted, how much of each
    document is quoted, and the token table without quoted spans.
stance, stance_summary, format_stance
    Sentences with alliance / partnership terms, classified by the negation
    and hedge markers in scope (a NegEx-style rule, Chapman et al. 2001).

Denominators follow :mod:`corpus_tools.keywords`: rates are per 1,000
non-punctuation tokens of the group, stopwords included, and a multiword
term merged by the tokenizer counts as one token.

>>> from corpus_tools import tokenize                          # doctest: +SKIP
>>> from corpus_tools.notebook import load_selected            # doctest: +SKIP
>>> tokens = tokenize(load_selected(None))                      # doctest: +SKIP
>>> distinctive_terms(tokens, by="author").head()               # doctest: +SKIP
"""
from __future__ import annotations

import bisect
import itertools
import math
import re
import zlib
from collections.abc import Mapping, Sequence
from functools import lru_cache

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import squareform
from scipy.stats import spearmanr

from . import stats
from .config import PER
from .corpus import Corpus, group_labels, shorten
from .errors import CorpusToolsError, ParameterError
from .plots.style import use_style
from .tokens import CHUNK_ROWS, bool_column, column_codes, token_frame

__all__ = [
    "distinctive_terms",
    "similarity",
    "topic_similarity",
    "cluster_order",
    "matrix_agreement",
    "actor_sentences",
    "actor_framing",
    "actor_examples",
    "sentence_sentiment",
    "quotations",
    "quoted_share",
    "authorial_tokens",
    "stance",
    "stance_summary",
    "format_stance",
    "STANCE_TERMS",
    "STANCE_MARKERS",
    "STANCE_CLASSES",
    "SPEECH_VERBS",
    "QUOTATION_COLUMNS",
    "FRAMING_COLUMNS",
    "plot_fightin_words",
    "plot_similarity",
    "plot_similarities",
    "plot_actor_framing",
    "plot_quoted_share",
    "plot_stance",
]

#: Refuse count matrices larger than this (groups x terms): a dense matrix of
#: 50 million cells is ~400 MB per array, and several are needed.
_MAX_CELLS = 50_000_000


# ---------------------------------------------------------------------------
# Access to the token table
# ---------------------------------------------------------------------------
def _doc_group_map(tokens, by: str) -> pd.Series:
    """doc_id -> group label for every document of ``tokens.docs`` (MetadataError for a bad ``by``)."""
    labels = group_labels(tokens.docs, by)
    return labels.astype(str)


def _doc_group_codes(tokens, by: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The doc_id code of every token row (as stored), the group code of every doc_id code, the sorted group labels."""
    frame = tokens.frame
    doc_codes, doc_cats = column_codes(frame["doc_id"], wide=False)
    labels = _doc_group_map(tokens, by).reindex(pd.Index(doc_cats)).to_numpy(object)
    # A doc_id with tokens but no metadata row cannot come out of tokenize();
    # fall back to the doc_id rather than failing on a hand-made table.
    labels = np.where(pd.isna(labels), doc_cats, labels)
    group_codes, group_cats = pd.factorize(labels, sort=True)
    return doc_codes, group_codes, np.asarray(group_cats, dtype=object)


# ---------------------------------------------------------------------------
# 1. Distinctive terms
# ---------------------------------------------------------------------------
def _group_term_counts(tokens, *, by: str, column: str, drop_stopwords: bool, min_count: int):
    """Counts of the listed terms per group, plus everything else in one bucket.

    Returns ``(counts, bucket, n_group, groups, terms)``: ``counts`` (G, V)
    holds the listed terms (non-punctuation, non-stopword when
    ``drop_stopwords``, total count >= ``min_count``), ``bucket`` (G,) the
    group's remaining non-punctuation tokens (stopwords and rarer terms), so
    ``counts.sum(1) + bucket == n_group`` exactly.
    """
    frame = token_frame(tokens, column=column)
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ParameterError(f"min_count={min_count!r}: give a whole number >= 1 (MIN_COUNT)")
    # Counted slice by slice of the rows, from the stored codes: the int64
    # copies of whole columns this needs otherwise cost GBs on a large corpus.
    doc_codes, doc_group, groups = _doc_group_codes(tokens, by)
    term_codes, term_cats = column_codes(frame[column], wide=False)
    punct = bool_column(frame, "is_punct")
    stop = bool_column(frame, "is_stop") if drop_stopwords else None
    G, V = len(groups), len(term_cats)
    n_rows = len(term_codes)

    def slices():
        """Per slice of rows: group codes of its word tokens, their term codes, which are listed."""
        for a in range(0, n_rows, CHUNK_ROWS):
            b = a + CHUNK_ROWS
            tc = term_codes[a:b]
            words = ~punct[a:b] & (tc >= 0)
            listed = words & ~stop[a:b] if stop is not None else words
            yield doc_group[doc_codes[a:b][words]], tc[words].astype(np.int64), listed[words]

    n_group = np.zeros(G, dtype=np.int64)
    total = np.zeros(V, dtype=np.int64)
    for tg, tc, listed in slices():
        n_group += np.bincount(tg, minlength=G)
        total += np.bincount(tc[listed], minlength=V)
    keep = (total >= min_count) & (term_cats != "")
    Vk = int(keep.sum())
    if G * (Vk + 1) > _MAX_CELLS:
        raise ParameterError(
            f"{G} groups x {Vk} terms is too large a table; raise MIN_COUNT or group more coarsely "
            f"(GROUP_BY) or select fewer documents (SELECT_WHERE)"
        )
    col = np.full(V, Vk, dtype=np.int64)
    col[keep] = np.arange(Vk)
    # Listed tokens of kept terms go to their column; every other word token
    # (stopwords, rare terms) to the bucket column Vk.
    flat = np.zeros(G * (Vk + 1), dtype=np.int64)
    for tg, tc, listed in slices():
        tcol = np.where(listed, col[tc], Vk)
        flat += np.bincount(tg * (Vk + 1) + tcol, minlength=G * (Vk + 1))
    full = flat.reshape(G, Vk + 1)
    return full[:, :Vk], full[:, Vk], n_group, groups, term_cats[keep]


def distinctive_terms(
    tokens,
    *,
    by: str = "author",
    column: str = "lemma",
    drop_stopwords: bool = True,
    prior: str | float = "corpus",
    min_count: int = 3,
) -> pd.DataFrame:
    """The terms that set each group apart from the rest of the corpus.

    Each group (``by``: ``"author"``, ``"outlet"``, ``"affiliation"``,
    ``"year"``, any metadata column; see
    :func:`corpus_tools.notebook.group_labels`) is compared with all other
    documents pooled, term by term, with four published statistics:

    * ``log_odds`` and ``z``: the log-odds ratio with an informative Dirichlet
      prior and its z-score, Monroe, Colaresi & Quinn (2008), "Fightin'
      Words", Political Analysis 16(4), eqs. 16-22, via
      :func:`corpus_tools.stats.log_odds_dirichlet`. ``prior="corpus"`` takes
      the prior from the whole corpus (a_w = the corpus count of w, so a0 is
      the corpus size; :func:`corpus_tools.stats.dirichlet_prior`); a number
      keeps that shape but scales the prior's total mass a0 to it (smaller =
      weaker shrinkage of rare terms).
    * ``g2`` and ``p``: log-likelihood keyness, group against the rest
      (Dunning 1993; Rayson & Garside 2000), with its chi-squared (1 df)
      p-value. ``g2`` is non-negative; the sign of ``z`` or ``log_ratio``
      gives the direction.
    * ``p_adj``: Benjamini & Hochberg (1995) adjusted p, within each group,
      over every term tested for that group (all listed terms, including
      those the group never uses).
    * ``log_ratio``: Hardie's (2014) Log Ratio, log2 of the ratio of relative
      frequencies; a zero count is replaced by 0.5 (only that count; corpus
      sizes are never changed) so terms found on one side stay finite.

    **Denominators.** ``n_group`` and ``n_rest`` are the group's and the
    rest's non-punctuation tokens, *stopwords included*, whatever
    ``drop_stopwords`` and ``min_count`` say: those two options only decide
    which terms get a row (and so which are tested), never the size of a
    corpus. ``per_1k = 1000 * count / n_group`` therefore agrees with
    :func:`corpus_tools.keywords.frequencies`. For the log-odds, the
    unlisted tokens are pooled into one "other" term, which leaves the group
    totals n_i, n_j and the prior mass a0 of eq. 16 exactly as they are over
    the full vocabulary.

    Parameters
    ----------
    tokens : Tokens
    by : str, keyword-only, default ``"author"``
    column : str, keyword-only, default ``"lemma"`` (or ``"norm"``, ``"token"``)
    drop_stopwords : bool, keyword-only, default True
        Leave stopwords out of the listing (they still count in the totals).
    prior : ``"corpus"`` or float, keyword-only
        The Dirichlet prior: the corpus counts, or the same shape with total
        mass ``prior``.
    min_count : int, keyword-only, default 3
        List only terms whose total count in the corpus (all groups) is at
        least this; rarer terms can never be significant and would swell
        the BH family.

    Returns
    -------
    DataFrame ``group, term, count, count_rest, per_1k, per_1k_rest,
    log_odds, z, g2, p, p_adj, log_ratio, n_group, n_rest``, one row per group
    and listed term (count 0 included), sorted by group, then ``z``
    descending, then term.

    Raises
    ------
    ParameterError
        Fewer than two groups with tokens, a bad ``column``, ``min_count`` or
        ``prior``; MetadataError for an unknown ``by``.
    """
    counts, bucket, n_group, groups, terms = _group_term_counts(
        tokens, by=by, column=column, drop_stopwords=drop_stopwords, min_count=min_count
    )
    present = n_group > 0
    if present.sum() < 2:
        raise ParameterError(
            f"distinctive_terms compares each group with the rest, but GROUP_BY={by!r} gives "
            f"{int(present.sum())} group(s) with tokens; choose a column with at least two values"
        )
    counts, bucket, n_group, groups = counts[present], bucket[present], n_group[present], groups[present]
    if counts.shape[1] == 0:
        raise ParameterError(f"no term occurs at least min_count={min_count} times; lower MIN_COUNT")
    # The bucket is a real (pooled) term unless it is empty (no stopwords, no rare terms).
    use_bucket = bucket.sum() > 0
    y = np.column_stack([counts, bucket]) if use_bucket else counts
    y = y.astype(np.float64)
    background = y.sum(axis=0)
    if isinstance(prior, str):
        if prior != "corpus":
            raise ParameterError(f"prior={prior!r}: use 'corpus' or a positive number (the prior's total mass)")
        alpha = stats.dirichlet_prior(background)
    else:
        alpha = stats.dirichlet_prior(background, alpha0=float(prior))
    rest = background[None, :] - y
    delta, _, z = stats.log_odds_dirichlet(y, rest, alpha)

    V = counts.shape[1]
    a = counts.astype(np.float64)
    b = rest[:, :V]
    N = float(n_group.sum())
    c = n_group.astype(np.float64)[:, None]
    d = N - c
    g2 = stats.log_likelihood_g2(a, b, c, d)
    p = stats.g2_pvalue(g2)
    p_adj = np.vstack([stats.bh_adjust(row) for row in p])  # per group: one loop over groups
    lr = stats.log_ratio(a, b, c, d)

    G = len(groups)
    out = pd.DataFrame(
        {
            "group": np.repeat(groups, V),
            "term": np.tile(terms, G),
            "count": counts.ravel().astype(np.int64),
            "count_rest": b.ravel().astype(np.int64),
            "per_1k": (a / c * PER).ravel(),
            "per_1k_rest": (b / d * PER).ravel(),
            "log_odds": delta[:, :V].ravel(),
            "z": z[:, :V].ravel(),
            "g2": g2.ravel(),
            "p": p.ravel(),
            "p_adj": p_adj.ravel(),
            "log_ratio": lr.ravel(),
            "n_group": np.repeat(n_group, V).astype(np.int64),
            "n_rest": np.repeat((N - n_group), V).astype(np.int64),
        }
    )
    return out.sort_values(["group", "z", "term"], ascending=[True, False, True], ignore_index=True)


# ---------------------------------------------------------------------------
# 2. Similarity between groups
# ---------------------------------------------------------------------------
def similarity(
    tokens,
    *,
    by: str = "author",
    method: str = "cosine_tfidf",
    column: str = "lemma",
    drop_stopwords: bool = True,
    min_count: int = 1,
) -> pd.DataFrame:
    """How alike the groups' vocabularies are, as a square group x group table.

    Each group's documents are pooled into one bag of terms (punctuation and,
    by default, stopwords left out; terms rarer than ``min_count`` in the
    whole corpus dropped).

    * ``method="cosine_tfidf"``: cosine similarity (1 = same direction, 0 =
      no shared weighted term) of tf-idf vectors, tf = raw count,
      idf = ln((1 + G) / (1 + df)) + 1 with df the number of groups using the
      term, rows scaled to unit length (Salton & Buckley 1988; the smoothed
      idf of scikit-learn). The smoothing matters: with the unsmoothed
      log(G / df), a term used by every group weighs nothing, and two groups
      would be compared only on the words the other never uses -- always 0.
    * ``method="jsd"``: Jensen-Shannon divergence in bits between the
      groups' term distributions (Lin 1991; 0 = identical, 1 = disjoint),
      via :func:`corpus_tools.stats.pairwise_jsd`. Note the direction: this
      is a *distance*, the cosine a *similarity*.

    Returns a DataFrame indexed and columned by group label (sorted).

    Raises ParameterError for an unknown method or a group with no listed
    terms; MetadataError for an unknown ``by``.
    """
    if method not in ("cosine_tfidf", "jsd"):
        raise ParameterError(f"method={method!r}: use 'cosine_tfidf' or 'jsd'")
    counts, _, n_group, groups, _ = _group_term_counts(
        tokens, by=by, column=column, drop_stopwords=drop_stopwords, min_count=min_count
    )
    keep = counts.sum(axis=1) > 0
    if not keep.all():
        # A group with no listed term has no direction and no distribution.
        raise ParameterError(
            f"group(s) {list(groups[~keep])} have no term left after dropping stopwords and "
            f"terms rarer than min_count={min_count}; lower MIN_COUNT or drop them (SELECT_WHERE)"
        )
    X = counts.astype(np.float64)
    G = X.shape[0]
    if method == "jsd":
        S = stats.pairwise_jsd(X)
    else:
        df = (X > 0).sum(axis=0)
        idf = np.log((1.0 + G) / (1.0 + df)) + 1.0
        W = X * idf
        W /= np.linalg.norm(W, axis=1, keepdims=True)
        S = np.clip(W @ W.T, 0.0, 1.0)
        np.fill_diagonal(S, 1.0)
    index = pd.Index(groups, name="group")
    return pd.DataFrame(S, index=index, columns=pd.Index(groups, name=None))


def topic_similarity(doc_topics: pd.DataFrame, groups: pd.Series, *, method: str = "jsd") -> pd.DataFrame:
    """Group x group similarity of the groups' mean topic mixtures.

    ``doc_topics`` is the long table that notebook 01 saves as
    ``figures/01-doc-topic-heatmap.csv`` (columns ``doc_id, topic, weight``);
    ``groups`` maps doc_id -> group (:func:`corpus_tools.notebook.group_labels`).
    Each document's weights are normalised to sum to 1, averaged within the
    group, and compared with the Jensen-Shannon divergence in bits
    (``method="jsd"``, Lin 1991) or cosine similarity (``"cosine"``).
    Documents missing from either input are left out.

    Raises ParameterError for missing columns, an unknown method or no overlap.
    """
    need = {"doc_id", "topic", "weight"}
    if not need <= set(doc_topics.columns):
        raise ParameterError(f"doc_topics needs columns {sorted(need)}, has {list(doc_topics.columns)}")
    if method not in ("jsd", "cosine"):
        raise ParameterError(f"method={method!r}: use 'jsd' or 'cosine'")
    wide = doc_topics.pivot_table(index="doc_id", columns="topic", values="weight", aggfunc="sum", fill_value=0.0)
    wide = wide.loc[wide.index.isin(groups.index)]
    if wide.empty:
        raise ParameterError("no document of the topic table is in this selection; re-run notebook 01 on it")
    wide = wide.div(wide.sum(axis=1).where(lambda s: s > 0, 1.0), axis=0)
    mean = wide.groupby(groups.reindex(wide.index).to_numpy()).mean().sort_index()
    X = mean.to_numpy(np.float64)
    if method == "jsd":
        S = stats.pairwise_jsd(X)
    else:
        W = X / np.linalg.norm(X, axis=1, keepdims=True)
        S = np.clip(W @ W.T, 0.0, 1.0)
        np.fill_diagonal(S, 1.0)
    return pd.DataFrame(S, index=pd.Index(mean.index, name="group"), columns=list(mean.index))


def cluster_order(matrix: pd.DataFrame, *, distance: bool) -> list:
    """Labels of a square table in hierarchical-clustering leaf order.

    Average-linkage (UPGMA, Sokal & Michener 1958) clustering of the
    distances (``1 - similarity`` when ``distance`` is False), with the
    leaves ordered so that neighbours are as close as possible (optimal leaf
    ordering, Bar-Joseph, Gifford & Jaakkola 2001; scipy's
    ``optimal_ordering``). Two or fewer labels come back as they are.
    """
    labels = list(matrix.index)
    if len(labels) <= 2:
        return labels
    D = matrix.to_numpy(np.float64)
    D = D if distance else 1.0 - D
    D = (D + D.T) / 2.0
    np.fill_diagonal(D, 0.0)
    Z = linkage(squareform(np.clip(D, 0.0, None), checks=False), method="average", optimal_ordering=True)
    return [labels[i] for i in leaves_list(Z)]


def matrix_agreement(a: pd.DataFrame, b: pd.DataFrame, *, permutations: int = 999, seed: int = 0) -> dict:
    """Do two group x group tables rank the pairs alike? Spearman's rho with a Mantel test.

    Mantel (1967), Cancer Research 27(2): 209-220: the correlation of the
    off-diagonal cells, with a p-value from permuting the groups of one
    table (rows and columns together), which respects that the cells of a
    distance matrix are not independent. With up to 7 groups every
    permutation is enumerated (exact test; with 5 groups the smallest
    possible p is 1/120); otherwise ``permutations`` random ones are drawn.
    The p-value is one-sided (agreement): the share of permutations with
    rho at least the observed one.

    Both tables must be on the same labels and in the same sense (both
    distances or both similarities); the labels of ``a`` are used.

    Returns ``{"n_groups", "n_pairs", "rho", "p", "exact"}``; rho and p are
    NaN with fewer than 3 groups.
    """
    labels = list(a.index)
    missing = set(labels) ^ set(b.index)
    if missing:
        raise ParameterError(f"the two tables have different groups: {sorted(map(str, missing))}")
    A = a.loc[labels, labels].to_numpy(np.float64)
    B = b.loc[labels, labels].to_numpy(np.float64)
    G = len(labels)
    iu = np.triu_indices(G, k=1)
    out = {"n_groups": G, "n_pairs": len(iu[0]), "rho": float("nan"), "p": float("nan"), "exact": G <= 7}
    if G < 3:
        return out
    rho = spearmanr(A[iu], B[iu]).statistic
    if G <= 7:
        perms = np.array(list(itertools.permutations(range(G))))
    else:
        rng = np.random.default_rng(seed)
        perms = np.vstack([np.arange(G)] + [rng.permutation(G) for _ in range(permutations)])
    # Rank-transform once; Spearman's rho is then Pearson's r on the ranks.
    ra = pd.Series(A[iu]).rank().to_numpy()
    rb_all = np.array([B[np.ix_(pm, pm)][iu] for pm in perms])
    rb_all = np.apply_along_axis(lambda r: pd.Series(r).rank().to_numpy(), 1, rb_all)
    ra_c = ra - ra.mean()
    rb_c = rb_all - rb_all.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (rb_c @ ra_c) / (np.linalg.norm(rb_c, axis=1) * np.linalg.norm(ra_c))
    out.update(rho=float(rho), p=float(np.mean(r >= rho - 1e-12)))
    return out


# ---------------------------------------------------------------------------
# 3. Actor framing
# ---------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _vader():
    # Imported lazily: the analyser loads its lexicon (bundled with the
    # package, no download) and nothing else in the module needs it.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=500_000)
def _compound(text: str) -> float:
    # One VADER call per distinct sentence text: the same sentence scored for
    # two actors, in two notebook cells or in a rerun is computed once.
    return float(_vader().polarity_scores(text)["compound"])


def sentence_sentiment(texts: Sequence[str]) -> np.ndarray:
    """VADER compound score of each text, in [-1, 1].

    Hutto, C. J. & Gilbert, E. (2014). "VADER: A Parsimonious Rule-based
    Model for Sentiment Analysis of Social Media Text." ICWSM-14. The
    compound score sums the valence of lexicon words, adjusted for negation,
    intensifiers, "but" and punctuation, and squashes it into [-1, 1]. The
    lexicon was built for social-media English: on diplomatic prose it reads
    "threat", "crisis" or "conflict" as negative whoever is speaking and
    whatever the stance, and it scores the whole sentence, not the attitude
    to any one actor in it.

    Scores are cached per distinct text (VADER runs at ~10-40k sentences/s).
    """
    return np.fromiter((_compound(str(t)) for t in texts), dtype=np.float64, count=len(texts))


def _alias_actors(tokens) -> list[str]:
    """Every actor of the alias table ``tokens`` was made with, in the table's order.

    The default table (``data/actors.csv``) or a table file is read again;
    for a table passed in memory, the actors found in the token table are
    all we know (in order of first appearance).
    """
    from .tokens import load_actors

    cats = tokens.frame["actor"]
    found = [str(a) for a in (cats.cat.categories if isinstance(cats.dtype, pd.CategoricalDtype) else cats.unique())]
    found = [a for a in found if a and a != "nan"]
    source = getattr(tokens, "options", {}).get("actors", "default")
    if source in ("custom", "none"):
        return found
    try:
        table = load_actors(None if source == "default" else source)
    except (CorpusToolsError, OSError):  # the file moved since tokenizing: use what was found
        return found
    names = list(dict.fromkeys(table["actor"].astype(str)))
    return names + [a for a in found if a not in names]


def _actor_list(tokens, actors: Sequence[str] | None) -> list[str]:
    known = _alias_actors(tokens)
    if actors is None:
        return known
    if isinstance(actors, str):
        actors = [actors]
    unknown = [a for a in actors if a not in known]
    if unknown:
        raise ParameterError(f"ACTORS: unknown actor(s) {unknown}; the alias table has {known}")
    return list(dict.fromkeys(actors))


def actor_sentences(
    tokens,
    *,
    by: str = "author",
    actors: Sequence[str] | None = None,
    max_sentences: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Every sentence that mentions an actor, with its VADER compound score.

    Mentions come from ``Tokens.actors()`` (the tokenizer's alias table:
    "US", "U.S.", "Washington" … -> one actor). ``actors`` keeps only those
    actors (None = every actor in the table).

    ``max_sentences`` caps the sentences scored per group x actor for large
    corpora: a simple random sample without replacement, drawn from a
    generator seeded by ``seed`` and the group and actor labels (so a
    group's sample does not change when other groups are added). None
    scores them all.

    Returns ``group, actor, doc_id, paragraph, sentence, n_mentions,
    compound, text``, one row per group x actor x sentence, sorted by group,
    actor, doc_id, sentence. A sentence naming two actors appears under both.
    """
    if max_sentences is not None and (not isinstance(max_sentences, (int, np.integer)) or max_sentences < 1):
        raise ParameterError(f"max_sentences={max_sentences!r}: give None or a whole number >= 1")
    wanted = _actor_list(tokens, actors)
    mentions = tokens.actors()
    mentions = mentions[mentions["actor"].isin(wanted)]
    groups = _doc_group_map(tokens, by)
    cols = ["group", "actor", "doc_id", "paragraph", "sentence", "n_mentions", "compound", "text"]
    if mentions.empty:
        return pd.DataFrame(columns=cols)
    m = mentions.assign(doc_id=mentions["doc_id"].astype(str), actor=mentions["actor"].astype(str))
    m["group"] = m["doc_id"].map(groups)
    per = (
        m.groupby(["group", "actor", "doc_id", "paragraph", "sentence"], sort=True, observed=True)
        .size()
        .rename("n_mentions")
        .reset_index()
    )
    if max_sentences is not None:
        parts = []
        for (g, a), grp in per.groupby(["group", "actor"], sort=True):
            if len(grp) > max_sentences:
                pick = np.random.default_rng(stats.group_seed(seed, f"{g}\x1f{a}")).choice(len(grp), size=max_sentences, replace=False)
                grp = grp.iloc[np.sort(pick)]
            parts.append(grp)
        per = pd.concat(parts, ignore_index=True)
    sents = tokens.sentences[["doc_id", "sentence", "text"]].copy()
    sents["doc_id"] = sents["doc_id"].astype(str)
    per = per.merge(sents, on=["doc_id", "sentence"], how="left", validate="many_to_one")
    per["text"] = per["text"].fillna("")
    per["compound"] = sentence_sentiment(per["text"].tolist())
    per["n_mentions"] = per["n_mentions"].astype(np.int64)
    return per[cols].sort_values(["group", "actor", "doc_id", "sentence"], ignore_index=True)


def _bootstrap_mean(x: np.ndarray, *, n_boot: int, rng: np.random.Generator, ci: float):
    """Mean of ``x`` with a percentile-bootstrap interval (Efron & Tibshirani 1993, ch. 13).

    All replicates are drawn as one index matrix (in chunks of ~4M cells to
    bound memory) and averaged row-wise: no Python loop over replicates.
    Fewer than two values give NaN bounds: one sentence has no spread to
    resample.
    """
    n = x.size
    if n == 0:
        return np.nan, np.nan, np.nan
    est = float(x.mean())
    if n < 2:
        return est, np.nan, np.nan
    chunk = max(1, 4_000_000 // n)
    means = []
    for start in range(0, n_boot, chunk):
        k = min(chunk, n_boot - start)
        means.append(x[rng.integers(0, n, size=(k, n))].mean(axis=1))
    tail = (1.0 - ci) / 2.0
    lo, hi = np.quantile(np.concatenate(means), [tail, 1.0 - tail])
    return est, float(min(lo, est)), float(max(hi, est))


#: Columns of :func:`actor_framing`.
FRAMING_COLUMNS = ["group", "actor", "mentions", "n_tokens", "per_1k", "per_1k_low", "per_1k_high", "n_sentences",
                   "sentence_share", "n_scored", "sentiment_mean", "ci_low", "ci_high"]


def actor_framing(
    tokens,
    *,
    by: str = "author",
    actors: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    max_sentences: int | None = None,
) -> pd.DataFrame:
    """How often each group mentions each actor, and in what tone.

    For every group x actor (all actors of the alias table, or ``actors``;
    zero rows included, so the table is a full grid):

    * ``mentions``: mentions found by ``Tokens.actors()``;
    * ``per_1k``: mentions per 1,000 non-punctuation tokens of the group
      (stopwords included, as everywhere in corpus_tools), with
      ``per_1k_low``/``per_1k_high`` from
      :func:`corpus_tools.stats.bootstrap_rate_ci` resampling the group's
      paragraphs (Efron & Tibshirani 1993);
    * ``n_sentences``, ``sentence_share``: sentences that mention the actor,
      and their share of all the group's sentences;
    * ``sentiment_mean``: the mean VADER compound score (Hutto & Gilbert
      2014; see :func:`sentence_sentiment`) of those sentences, each sentence
      once however often it names the actor, with ``ci_low``/``ci_high`` a
      percentile-bootstrap interval resampling sentences (``n_boot``
      replicates, ``ci`` coverage). Sentences are treated as independent,
      which they are not within one article: read the interval as a lower
      bound on the uncertainty. NaN with no sentence; NaN bounds with one.
      ``n_scored`` says how many sentences were scored (fewer than
      ``n_sentences`` only when ``max_sentences`` caps them; see
      :func:`actor_sentences`).

    Every random draw comes from a generator seeded by ``seed`` and the
    group (and actor) labels, so results are reproducible and one group's
    numbers do not depend on the others.

    Returns ``group, actor, mentions, n_tokens, per_1k, per_1k_low,
    per_1k_high, n_sentences, sentence_share, n_scored, sentiment_mean,
    ci_low, ci_high``, sorted by group, then actor in alias-table order.
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ParameterError(f"n_boot={n_boot!r}: give a whole number of bootstrap replicates >= 1 (N_BOOT)")
    if not 0.0 < ci < 1.0:
        raise ParameterError(f"ci={ci!r}: give a coverage between 0 and 1, e.g. 0.95")
    frame = token_frame(tokens)
    wanted = _actor_list(tokens, actors)
    groups = _doc_group_map(tokens, by)
    group_names = sorted(groups.unique())

    # Paragraph totals (the bootstrap units) and actor mentions per paragraph.
    words = frame.loc[~bool_column(frame, "is_punct"), ["doc_id", "paragraph"]]
    words = words.assign(doc_id=words["doc_id"].astype(str))
    para = words.groupby(["doc_id", "paragraph"], sort=True).size().rename("n_tokens").reset_index()
    mentions = tokens.actors()
    mentions = mentions[mentions["actor"].isin(wanted)].assign(
        doc_id=lambda f: f["doc_id"].astype(str), actor=lambda f: f["actor"].astype(str)
    )
    per_para = (
        mentions.groupby(["doc_id", "paragraph", "actor"], sort=True).size().unstack("actor", fill_value=0)
        .reindex(columns=wanted, fill_value=0)
    )
    para = para.join(per_para, on=["doc_id", "paragraph"]).fillna({a: 0 for a in wanted})
    para["group"] = para["doc_id"].map(groups)

    sent_groups = tokens.sentences["doc_id"].astype(str).map(groups)
    n_sent = sent_groups.value_counts()
    scored = actor_sentences(tokens, by=by, actors=wanted, max_sentences=max_sentences, seed=seed)
    mentioning = (
        mentions.assign(group=mentions["doc_id"].map(groups))
        .drop_duplicates(["group", "actor", "doc_id", "sentence"])
        .groupby(["group", "actor"]).size()
    )

    rows = []
    for g in group_names:
        gp = para[para["group"] == g]
        counts = gp[wanted].to_numpy(np.float64)
        totals = gp["n_tokens"].to_numpy(np.float64)
        rate_seed = int(stats.group_seed(seed, g).generate_state(1)[0])
        est, lo, hi = stats.bootstrap_rate_ci(counts, totals, n_boot=n_boot, seed=rate_seed, ci=ci)
        est, lo, hi = np.atleast_1d(est), np.atleast_1d(lo), np.atleast_1d(hi)
        n_tok = int(totals.sum())
        for j, a in enumerate(wanted):
            x = scored.loc[(scored["group"] == g) & (scored["actor"] == a), "compound"].to_numpy(np.float64)
            mean, c_lo, c_hi = _bootstrap_mean(x, n_boot=n_boot, rng=np.random.default_rng(stats.group_seed(seed, f"{g}\x1f{a}")), ci=ci)
            n_s = int(mentioning.get((g, a), 0))
            rows.append(
                {
                    "group": g, "actor": a, "mentions": int(counts[:, j].sum()), "n_tokens": n_tok,
                    "per_1k": float(est[j]), "per_1k_low": float(lo[j]), "per_1k_high": float(hi[j]),
                    "n_sentences": n_s,
                    "sentence_share": n_s / n_sent.get(g, 0) if n_sent.get(g, 0) else np.nan,
                    "n_scored": int(x.size), "sentiment_mean": mean, "ci_low": c_lo, "ci_high": c_hi,
                }
            )
    return pd.DataFrame(rows, columns=FRAMING_COLUMNS)


def actor_examples(
    tokens,
    *,
    by: str = "author",
    actors: Sequence[str] | None = None,
    max_sentences: int | None = None,
    seed: int = 0,
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The most positive and the most negative sentence per group x actor.

    Taken from :func:`actor_sentences` (pass its output as ``sentences`` to
    reuse it; otherwise it is computed with the same options). Ties are
    broken by document and sentence order. With one sentence, it is both.

    Returns ``group, actor, which ("most positive"/"most negative"),
    compound, doc_id, paragraph, sentence, text``.
    """
    if sentences is None:
        sentences = actor_sentences(tokens, by=by, actors=actors, max_sentences=max_sentences, seed=seed)
    cols = ["group", "actor", "which", "compound", "doc_id", "paragraph", "sentence", "text"]
    if sentences.empty:
        return pd.DataFrame(columns=cols)
    s = sentences.sort_values(["group", "actor", "doc_id", "sentence"], kind="mergesort")
    pos = s.sort_values("compound", ascending=False, kind="mergesort").groupby(["group", "actor"], sort=True).head(1)
    neg = s.sort_values("compound", ascending=True, kind="mergesort").groupby(["group", "actor"], sort=True).head(1)
    out = pd.concat([pos.assign(which="most positive"), neg.assign(which="most negative")], ignore_index=True)
    order = _alias_actors(tokens) if tokens is not None else []
    order += [a for a in dict.fromkeys(sentences["actor"]) if a not in order]
    actor_rank = {a: i for i, a in enumerate(order)}
    out = out.assign(_a=out["actor"].map(actor_rank), _w=(out["which"] == "most negative").astype(int))
    return out.sort_values(["group", "_a", "_w"], ignore_index=True)[cols]


# ---------------------------------------------------------------------------
# 4. Voice: quotation and reported speech
# ---------------------------------------------------------------------------
#: Verbs that introduce speech. Inflected forms are listed rather than
#: stemmed so that the pattern stays readable and auditable.
SPEECH_VERBS = (
    "say", "says", "said", "claim", "claims", "claimed", "state", "states", "stated",
    "argue", "argues", "argued", "note", "notes", "noted", "insist", "insists", "insisted",
    "stress", "stresses", "stressed", "warn", "warns", "warned", "declare", "declares",
    "declared", "assert", "asserts", "asserted", "add", "adds", "added", "announce",
    "announces", "announced", "emphasize", "emphasizes", "emphasized", "emphasise",
    "emphasises", "emphasised", "acknowledge", "acknowledges", "acknowledged", "admit",
    "admits", "admitted", "predict", "predicts", "predicted", "conclude", "concludes",
    "concluded", "concluding", "suggest", "suggests", "suggested", "contend", "contends",
    "contended", "remark", "remarks", "remarked", "write", "writes", "wrote", "explain",
    "explains", "explained", "observe", "observes", "observed", "told", "tells", "tell",
    "put it", "puts it", "called", "calls",
)
_VERB = r"(?:" + "|".join(sorted((re.escape(v) for v in SPEECH_VERBS), key=len, reverse=True)) + r")"
# A capitalised word; a period only after an initial or a title ("J.", "Mr."),
# so that a name never runs across a sentence end ("… Charter. I said").
_CAP = r"(?:(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|St|Jr|Gen|Prof)\.|[A-Z][\w’'\-]*)"
_CONNECT = r"(?:of(?:\s+the)?|de|van|von|al|bin|and)"
_ROLE = r"(?:\s+(?:administration|government|ministry|spokesman|spokesperson|spokeswoman|officials?|leaders?|side|delegation|report|statement))?"
_NAME = (
    rf"(?:{_CAP}(?:\s+(?:{_CAP}|{_CONNECT}\s+{_CAP})){{0,4}}{_ROLE}"
    r"|the\s+authors?|the\s+report|the\s+article|the\s+latter|[Hh]e|[Ss]he|[Tt]hey)"
)
_APPOSITIVE = r"(?:,\s[^,“”\"]{1,80},)?"
# Up to three lower-case words between subject and verb ("the author comes
# around to concluding:", "Xi has also said").
_BETWEEN = r"(?:\s+[a-z][a-z\-]*){0,3}"
# What may follow the verb before the quotation opens: nothing, a comma or
# colon ("Xi said, “"), a "that" clause ("Putin claimed that this meeting
# would “"), or a short phrase ending in a comma or colon ("told the New
# York Times, “", "said on June 18 1986: “"). Requiring this keeps nouns
# that look like verbs ("the Westphalian state order, … in “") out.
_TAIL = r"(?:\s*[,:]?|\s+that\b[^.!?“”\"]{0,70}|[^.!?“”\"]{0,70}[,:])\s*$"
_BEFORE = re.compile(rf"(?P<speaker>{_NAME}){_APPOSITIVE}{_BETWEEN}\s+{_VERB}\b{_TAIL}")
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?P<speaker>{_NAME}),[^.!?“”\"]{{0,120}}$")
_POSSESSIVE = re.compile(
    rf"(?P<speaker>{_NAME})[’']s\s+(?:speech|remarks|statement|words|address|letter|article|message"
    r"|conclusion|view|argument|claim|assertion|warning|comment|comments|position|phrase|formula)\b"
    r"[^.!?“”\"]{0,80}$"
)
_AFTER_VS = re.compile(rf"^\s*[,.:;—–-]?\s*{_VERB}\s+(?P<speaker>{_NAME})")
_AFTER_SV = re.compile(rf"^\s*[,.:;—–-]?\s*(?P<speaker>{_NAME}){_BETWEEN}\s+{_VERB}\b")
_REPORTED = re.compile(rf"(?P<speaker>{_NAME}){_APPOSITIVE}{_BETWEEN}\s+{_VERB}\s+that\s+")
_CURLY = re.compile(r"“([^“”]+)”")
_STRAIGHT = re.compile(r'"([^"]+)"')

#: Words stripped from the front of a candidate speaker ("As Max Baucus" ->
#: "Max Baucus"); a speaker made only of these is no speaker ("It said").
_SPEAKER_STOP = frozenset(
    "a an and as at after although also according because before besides but by earlier "
    "finally for from furthermore hence however if in indeed it its last later meanwhile "
    "moreover now of officially on recently since so still that the then there therefore "
    "these they this those though thus to today when while with yet he she his her their "
    "one some many most others or both either each all such what who which nor not".split()
)
#: First-person subjects: "We stated that …" is the author's own voice.
_FIRST_PERSON = frozenset({"i", "we", "my", "our", "us"})
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no nos vs etc jr sr prof gen col lt gov sen rep sept oct nov dec jan feb "
    "mar apr jun jul aug art para fig cf approx".split()
)
#: Quoted spans of at most this many words with no speaker are "mentions":
#: scare quotes, slogans and titles ("one China policy", "partnership").
MENTION_MAX_WORDS = 3
QUOTATION_COLUMNS = ["doc_id", "paragraph", "start", "end", "quote", "speaker", "kind", "n_words"]


def _sentence_bounds(text: str) -> list[int]:
    """Offsets just after each sentence end in ``text`` (the last is ``len(text)``).

    A period ends a sentence unless it closes an abbreviation (``U.S.``,
    ``Mr.``, a single letter) or the next word starts in lower case.
    """
    ends = []
    for m in re.finditer(r"[.!?…]+[”\"’)\]]*(?=\s|$)", text):
        if m.group().startswith("."):
            prev = re.search(r"(\S+)$", text[: m.start()])
            word = prev.group(1).lower().lstrip("(“\"‘") if prev else ""
            if word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", word):
                continue
        nxt = re.match(r"\s*(\S)", text[m.end():])
        if nxt and nxt.group(1).islower():
            continue
        ends.append(m.end())
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    return ends


def _clean_speaker(raw: str) -> str:
    """Normalise a matched speaker: strip leading function words and possessives."""
    words = raw.split()
    while words and words[0].lower().strip(".,") in _SPEAKER_STOP | _FIRST_PERSON:
        # keep "the" before a common noun: "the author", "the report"
        if words[0].lower() == "the" and len(words) > 1 and words[1][:1].islower():
            break
        words = words[1:]
    # "Wall Street Journal’s Chinese website" -> "Wall Street Journal"
    for i, w in enumerate(words):
        if re.search(r"[’']s$", w):
            words = words[: i + 1]
            words[-1] = re.sub(r"[’']s$", "", words[-1])
            break
    out = " ".join(words).strip(" ,")
    # drop a sentence period, keep an acronym's ("U.S.")
    return out[:-1] if out.endswith(".") and not re.search(r"(?:\b[A-Z]\.)+$", out) else out


_TITLE_SMALL = frozenset("a an the and or of with in on for to at by as from".split())


def _is_title(text: str) -> bool:
    """Title-case text ("Belt and Road Initiative"): a name or title, not speech."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'\-]*", text)]
    caps = sum(w[0].isupper() for w in words)
    return caps >= 2 and all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words)


def _is_first_person(raw: str) -> bool:
    first = raw.split()[0].lower() if raw.split() else ""
    return first in _FIRST_PERSON or raw.lower().startswith(("my delegation", "our delegation"))


def _paragraph_quotations(text: str) -> list[dict]:
    """Direct quotations and reported speech in one paragraph (see :func:`quotations`)."""
    bounds = _sentence_bounds(text)

    def sentence_start(pos: int) -> int:
        i = bisect.bisect_right(bounds, pos)
        return bounds[i - 1] if i > 0 else 0

    spans: list[tuple[int, int]] = []  # inner spans of quotation marks
    for rx in (_CURLY, _STRAIGHT):
        for m in rx.finditer(text):
            s, e = m.span(1)
            if any(s < e2 and s2 < e for s2, e2 in spans):
                continue  # a straight pair inside or across a curly pair
            spans.append((s, e))
    spans.sort()

    rows: list[dict] = []
    prev_end, prev_speaker, prev_sentence = -1, "", -1
    for s, e in spans:
        # trim whitespace and the comma that closes "“…,” said X"
        inner = text[s:e]
        lead = len(inner) - len(inner.lstrip())
        inner = inner.strip()
        trimmed = inner.rstrip(",;: ")
        s, e = s + lead, s + lead + len(trimmed)
        if not trimmed:
            continue
        sent = sentence_start(s - 1)
        window_start = max(sent, prev_end + 1)
        before = text[window_start: max(window_start, s - 1)]
        after_end = e + (len(inner) - len(trimmed)) + 1  # past the closing mark
        after = text[after_end: after_end + 80]
        speaker = None
        for rx, where in ((_BEFORE, before), (_ACCORDING, before), (_POSSESSIVE, before)):
            m = rx.search(where)
            if m:
                speaker = m.group("speaker")
                break
        if speaker is None:
            for rx in (_AFTER_VS, _AFTER_SV):
                m = rx.search(after)
                if m:
                    speaker = m.group("speaker")
                    break
        cleaned = _clean_speaker(speaker) if speaker else ""
        if speaker is None and prev_sentence == sent and prev_speaker:
            # "Wei said: “…” – and to “…”": a second quotation in the same
            # sentence with no attribution of its own continues the first.
            cleaned = prev_speaker
        n_words = len(trimmed.split())
        is_mention = n_words <= MENTION_MAX_WORDS or _is_title(trimmed)
        kind = "quote" if (cleaned or not is_mention) else "mention"
        rows.append(dict(start=s, end=e, quote=trimmed, speaker=cleaned, kind=kind, n_words=n_words))
        prev_end, prev_speaker, prev_sentence = after_end, cleaned, sent

    for m in _REPORTED.finditer(text):
        raw = m.group("speaker")
        if _is_first_person(raw):
            continue
        s = m.end()
        i = bisect.bisect_right(bounds, s)
        sentence_end = bounds[i] if i < len(bounds) else len(text)
        content = text[s:sentence_end]
        e = s + len(content.rstrip().rstrip(".!?…”\"’) "))
        if e <= s:
            continue
        # Reported speech that contains or sits inside a direct quotation is
        # the frame of that quotation, which already carries the speaker.
        if any(m.start() < qe and qs < e for qs, qe in spans):
            continue
        rows.append(
            dict(start=s, end=e, quote=text[s:e], speaker=_clean_speaker(raw), kind="reported",
                 n_words=len(text[s:e].split()))
        )
    rows.sort(key=lambda r: (r["start"], r["end"]))
    return rows


def quotations(corpus: Corpus) -> pd.DataFrame:
    """Quoted and reported speech in every paragraph, with the speaker where it is named.

    Three kinds of span are found, paragraph by paragraph:

    * ``quote``: text inside “curly” or "straight" double quotation marks
      (marks are paired within a paragraph; an unclosed mark is ignored);
    * ``mention``: a quoted span of at most :data:`MENTION_MAX_WORDS` words
      with no speaker -- scare quotes, slogans, titles (“one China policy”),
      kept apart because they are the author's own voice naming a phrase;
    * ``reported``: "X said/claimed/stated/argued/noted/… that …", from after
      *that* to the end of the sentence. Reported speech whose frame overlaps
      a direct quotation is not repeated (the quotation carries the speaker),
      and first-person frames ("We stated that") are the author's own voice
      and are skipped.

    The speaker of a quotation is taken, in this order, from the text before
    it in the same sentence ("Xi said, “…", "Max Baucus, a former ambassador,
    told the New York Times, “…", "According to Xi, …", "Xi’s speech …"),
    then from the text right after it ("“…,” said Xi" / "“…,” Xi said"); a
    second quotation in the same sentence with no attribution of its own
    inherits the first one's speaker. Leading function words ("As", "The")
    are stripped and pronouns give an empty speaker. These are surface
    patterns: they miss attributions made in an earlier sentence and can
    mistake a grammatical subject for a speaker, so read the table.

    Returns one row per span, sorted by ``doc_id, paragraph, start``: columns
    ``doc_id, paragraph, start, end, quote, speaker, kind, n_words``, where
    ``start``/``end`` are character offsets of the quoted text (without the
    marks) within ``Document.paragraphs[paragraph]`` -- the same offsets as
    the token table's ``start``/``end``, so :func:`authorial_tokens` can drop
    the tokens inside. ``n_words`` counts whitespace-separated words.

    Use :func:`quoted_share` for the share of each document's words quoted.
    """
    rows = []
    for doc in corpus:
        for p, text in enumerate(doc.paragraphs):
            for r in _paragraph_quotations(text):
                rows.append({"doc_id": doc.doc_id, "paragraph": p, **r})
    frame = pd.DataFrame(rows, columns=QUOTATION_COLUMNS)
    return frame.astype({"paragraph": "int64", "start": "int64", "end": "int64", "n_words": "int64"})


def _merged_word_count(texts: dict, spans: pd.DataFrame) -> int:
    """Words inside the union of ``spans`` (rows of one document)."""
    total = 0
    for p, grp in spans.groupby("paragraph", sort=True):
        text = texts[p]
        cur_s = cur_e = None
        for s, e in sorted(zip(grp["start"], grp["end"])):
            if cur_e is not None and s <= cur_e:
                cur_e = max(cur_e, e)
                continue
            if cur_e is not None:
                total += len(text[cur_s:cur_e].split())
            cur_s, cur_e = s, e
        if cur_e is not None:
            total += len(text[cur_s:cur_e].split())
    return total


def quoted_share(
    corpus: Corpus,
    quotes: pd.DataFrame | None = None,
    *,
    kinds: Sequence[str] = ("quote", "reported"),
) -> pd.DataFrame:
    """How much of each document is other people's words.

    ``quotes`` is the output of :func:`quotations` (computed if omitted).
    Returns one row per document, in corpus order: ``doc_id, n_words,
    quote_words, reported_words, mention_words, quoted_words, share``.
    Word counts are whitespace-separated words, the same unit as
    ``Document.n_words`` (the denominator). ``quoted_words`` counts the words
    inside the union of the spans whose kind is in ``kinds`` (direct quotes
    and reported speech by default; mentions are the author's own voice), so
    overlapping spans are counted once; ``share = quoted_words / n_words``.
    """
    if quotes is None:
        quotes = quotations(corpus)
    unknown = set(kinds) - {"quote", "reported", "mention"}
    if unknown:
        raise ParameterError(f"quoted_share: unknown kinds {sorted(unknown)}; use quote, reported, mention")
    rows = []
    empty = quotes.iloc[0:0]
    by_doc = {str(d): g for d, g in quotes.groupby("doc_id", sort=False)}
    for doc in corpus:
        q = by_doc.get(doc.doc_id, empty)
        texts = dict(enumerate(doc.paragraphs))
        row = {"doc_id": doc.doc_id, "n_words": doc.n_words}
        for kind in ("quote", "reported", "mention"):
            row[f"{kind}_words"] = _merged_word_count(texts, q[q["kind"] == kind])
        row["quoted_words"] = _merged_word_count(texts, q[q["kind"].isin(list(kinds))])
        row["share"] = row["quoted_words"] / row["n_words"] if row["n_words"] else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def authorial_tokens(tokens, quotes: pd.DataFrame, *, kinds: Sequence[str] = ("quote", "reported")):
    """The token table without the tokens inside quotations: the authors' own words.

    ``quotes`` is :func:`quotations` of the same corpus. A token is dropped
    when its character span lies inside a span (``start``/``end`` within the
    same ``doc_id`` and ``paragraph``) whose kind is in ``kinds`` -- direct
    quotations and reported speech by default; mentions (scare quotes,
    titles) are the author's own voice and stay. The quotation marks
    themselves are punctuation outside the span and stay too.

    Returns a ``Tokens`` like the input with a filtered ``frame``; sentences,
    paragraphs and documents are unchanged, so denominators computed from
    the frame (``n_group`` in :func:`distinctive_terms`) shrink to the
    authors' own words.
    """
    frame = token_frame(tokens)
    need = {"doc_id", "paragraph", "start", "end", "kind"}
    if not need <= set(quotes.columns):
        raise ParameterError(f"quotes needs columns {sorted(need)} (the output of compare.quotations)")
    spans = quotes[quotes["kind"].isin(list(kinds))]
    if spans.empty:
        return tokens
    # Pre-select the tokens of paragraphs that hold a span, by integer key,
    # so the interval join below touches only those rows.
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    cat_index = {d: i for i, d in enumerate(doc_cats)}
    par = frame["paragraph"].to_numpy(np.int64)
    width = int(max(par.max(initial=0), spans["paragraph"].max()) + 1)
    span_keys = np.array([cat_index.get(str(d), -1) for d in spans["doc_id"]], dtype=np.int64) * width + spans[
        "paragraph"
    ].to_numpy(np.int64)
    cand = np.flatnonzero(np.isin(doc_codes * width + par, span_keys))
    hit = _in_spans(
        doc_cats[doc_codes[cand]], par[cand], frame["start"].to_numpy(np.int64)[cand],
        frame["end"].to_numpy(np.int64)[cand], spans,
    )
    drop = np.zeros(len(frame), dtype=bool)
    drop[cand[hit >= 0]] = True
    kept = frame.loc[~drop].reset_index(drop=True)
    spans_id = zlib.crc32(pd.util.hash_pandas_object(spans[["doc_id", "paragraph", "start", "end"]], index=False)
                          .to_numpy().tobytes())
    return tokens.derive(kept, tag=f"authorial:{','.join(sorted(kinds))}:{spans_id:08x}")


# ---------------------------------------------------------------------------
# 5. Stance: alliance against partnership
# ---------------------------------------------------------------------------
#: Term families for the corpus's central question; each term is a lemma.
STANCE_TERMS: dict[str, tuple[str, ...]] = {
    "alliance": ("alliance", "ally"),
    "partnership": ("partnership", "partner"),
}

#: Marker phrase -> kind. ``negation`` applies to a term that *follows* it in
#: the same clause ("not alliance", "partnership instead of alliance" negates
#: alliance only); ``hedge`` applies to every term in its clause, before or
#: after ("an alliance … cannot be excluded"); ``pseudo`` phrases look like
#: negations but are not ("not only … but also") and switch the words off.
STANCE_MARKERS: dict[str, str] = {
    **{w: "negation" for w in (
        "not", "no", "never", "neither", "nor", "without", "none", "rather than", "instead of",
        "yet to", "far from", "reject", "rejects", "rejected", "rejecting", "eschew", "eschews",
        "eschewed", "refuse", "refuses", "refused", "deny", "denies", "denied", "non",
    )},
    **{w: "hedge" for w in (
        "unlikely", "cannot be excluded", "cannot be ruled out", "may", "might", "could", "perhaps",
        "possibly", "possible", "possibility", "whether", "if", "potential", "hardly",
    )},
    **{w: "pseudo" for w in (
        "not only", "not just", "no matter", "not to mention", "no doubt", "no less", "nothing but",
    )},
}
#: Punctuation that closes a clause for the marker scope.
_CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "(", ")", "[", "]", "?", "!", "."})
STANCE_CLASSES = ("negated", "hedged", "question", "unmarked")


def _norm_words(phrase: str) -> list[str]:
    return [w for w in re.split(r"\s+", phrase.strip().lower()) if w]


def _marker_index(markers: Mapping[str, str]) -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
    """First word -> [(words, phrase, kind)], longest first; "cannot" also as "can not"."""
    index: dict[str, list] = {}
    for phrase, kind in markers.items():
        if kind not in ("negation", "hedge", "pseudo"):
            raise ParameterError(f"STANCE markers: {phrase!r} has kind {kind!r}; use negation, hedge or pseudo")
        words = _norm_words(phrase)
        if not words:
            continue
        variants = {tuple(words)}
        if "cannot" in words:
            i = words.index("cannot")
            variants.add(tuple(words[:i] + ["can", "not"] + words[i + 1:]))
        for v in variants:
            index.setdefault(v[0], []).append((v, phrase, kind))
    for v in index.values():
        v.sort(key=lambda t: -len(t[0]))
    return index


def _term_families(cats: np.ndarray, terms: Mapping[str, Sequence[str]]) -> dict[int, tuple[str, str]]:
    """Category code -> (family, term) for every lemma that counts as a stance term.

    A lemma counts when it is a term, when one part of a merged multiword
    lemma is (``strategic_partnership``), or when the part before its first
    hyphen is (``alliance-making``; but not ``non-alliance``).
    """
    lookup = {}
    for family, words in terms.items():
        for w in ([words] if isinstance(words, str) else words):
            lookup[str(w).lower()] = str(family)
    out = {}
    for code, lemma in enumerate(cats):
        low = str(lemma).lower()
        parts = low.split("_")
        hit = lookup.get(low) or next((lookup[p] for p in parts if p in lookup), None)
        if hit is None and "-" in low:
            hit = lookup.get(low.split("-")[0])
        if hit is not None:
            out[code] = (hit, low)
    return out


def _in_spans(doc: np.ndarray, par: np.ndarray, start: np.ndarray, end: np.ndarray, spans: pd.DataFrame) -> np.ndarray:
    """Index into ``spans`` of the span containing each token, or -1 (vectorised per paragraph)."""
    hit = np.full(len(doc), -1, dtype=np.int64)
    if spans is None or spans.empty or len(doc) == 0:
        return hit
    tok = pd.DataFrame({"doc_id": doc, "paragraph": par, "start": start, "end": end, "_row": np.arange(len(doc))})
    sp = spans.reset_index(drop=True).assign(_span=lambda f: np.arange(len(f)))
    sp = sp[["doc_id", "paragraph", "start", "end", "_span"]].rename(columns={"start": "qs", "end": "qe"})
    sp["doc_id"] = sp["doc_id"].astype(str)
    tok["doc_id"] = tok["doc_id"].astype(str)
    # Join tokens only with the spans of their own paragraph; quotations are
    # few per paragraph, so the join stays small.
    j = tok.merge(sp, on=["doc_id", "paragraph"], how="inner")
    j = j[(j["start"] >= j["qs"]) & (j["end"] <= j["qe"])]
    j = j.drop_duplicates("_row")
    hit[j["_row"].to_numpy()] = j["_span"].to_numpy()
    return hit


def stance(
    tokens,
    *,
    by: str = "author",
    terms: Mapping[str, Sequence[str]] | Sequence[str] = STANCE_TERMS,
    markers: Mapping[str, str] | Sequence[str] = STANCE_MARKERS,
    quotes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every alliance / partnership term, classified by the markers in its scope.

    ``terms`` maps a family ("alliance", "partnership") to its lemmas (a plain
    list makes each term its own family). ``markers`` maps a phrase to
    ``negation``, ``hedge`` or ``pseudo`` (a plain list means negations).
    Phrases match the lower-cased surface forms of consecutive tokens; a
    one-word marker also matches by lemma ("rejected" -> "reject").

    **The rule** (after NegEx, Chapman et al. 2001, J. Biomed. Inform. 34(5):
    301-310, which scopes a trigger over the next few words): a sentence is
    cut into clauses at , ; : — ( ) and the like. For each occurrence of a
    term,

    * a *negation* marker counts if it is in the same clause and *before*
      the term ("not alliance", "has yet to form a military alliance",
      "partnership instead of alliance" -> alliance negated, partnership not);
    * a *hedge* marker counts anywhere in the same clause ("the possibility
      of … a formal military alliance cannot be excluded");
    * a *pseudo* phrase ("not only", "no matter", "not to mention") is
      matched first and hides the negation words inside it.

    ``classification`` is ``negated`` if a negation counts, else ``hedged``
    if a hedge counts, else ``question`` if the sentence ends with "?", else
    ``unmarked`` -- no marker found, which is *not* the same as the author
    endorsing an alliance: read the KWIC lines (:func:`format_stance`).
    Known misses: a negation after the term ("the alliance would not …")
    and marked clauses that continue past a comma are not caught.

    ``quotes`` (from :func:`quotations`) adds the ``voice`` column: ``author``
    or ``quoted: <speaker>`` when the term lies inside a quotation or
    reported speech.

    Returns ``group, doc_id, paragraph, sentence, position, family, term,
    classification, markers, voice, left, keyword, right``, one row per
    occurrence in document order; ``left``/``keyword``/``right`` are the
    sentence text around the term, so each line can be checked by eye.
    """
    frame = token_frame(tokens)
    if isinstance(terms, str):
        terms = [terms]
    if not isinstance(terms, Mapping):
        terms = {str(t): (str(t),) for t in terms}
    if not terms:
        raise ParameterError("STANCE_TERMS is empty; give at least one term")
    if isinstance(markers, str):
        markers = [markers]
    if not isinstance(markers, Mapping):
        markers = {str(m): "negation" for m in markers}
    index = _marker_index(markers)
    cols = ["group", "doc_id", "paragraph", "sentence", "position", "family", "term", "classification",
            "markers", "voice", "left", "keyword", "right"]

    lemma_codes, lemma_cats = column_codes(frame["lemma"])
    fam = _term_families(lemma_cats, terms)
    hits = np.flatnonzero(np.isin(lemma_codes, np.fromiter(fam.keys(), dtype=np.int64, count=len(fam))))
    if hits.size == 0:
        return pd.DataFrame(columns=cols)
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    sent = frame["sentence"].to_numpy(np.int64)
    key = doc_codes * (int(sent.max()) + 1) + sent
    rows = np.flatnonzero(np.isin(key, np.unique(key[hits])))
    sub = frame.iloc[rows]
    norms = sub["norm"].astype(str).str.lower().to_numpy(object)
    norms = np.where(norms == "n't", "not", norms)
    lemmas = sub["lemma"].astype(str).str.lower().to_numpy(object)
    surface = sub["token"].astype(str).to_numpy(object)
    punct = bool_column(sub, "is_punct")
    sub_key = key[rows]
    is_hit = np.isin(rows, hits)

    sentences = tokens.sentences.assign(doc_id=lambda f: f["doc_id"].astype(str))
    sent_info = sentences.set_index(["doc_id", "sentence"])[["start", "text"]]
    groups = _doc_group_map(tokens, by)
    doc_str = doc_cats[doc_codes[rows]]
    par = sub["paragraph"].to_numpy(np.int64)
    pos = sub["position"].to_numpy(np.int64)
    t_start = sub["start"].to_numpy(np.int64)
    t_end = sub["end"].to_numpy(np.int64)
    voice_idx = np.full(len(rows), -1)
    qspans = None
    if quotes is not None and not quotes.empty:
        qspans = quotes[quotes["kind"].isin(["quote", "reported"])].reset_index(drop=True)
        voice_idx = _in_spans(doc_str, par, t_start, t_end, qspans)

    out = []
    bounds = np.flatnonzero(np.r_[True, sub_key[1:] != sub_key[:-1], True])
    for b0, b1 in zip(bounds[:-1], bounds[1:]):
        # Markers in this sentence, left to right, longest phrase first.
        clause = np.cumsum([bool(punct[i]) and surface[i] in _CLAUSE_BREAKS for i in range(b0, b1)])
        found = []
        i = b0
        while i < b1:
            step = 1
            for words, phrase, kind in index.get(norms[i], []) + index.get(lemmas[i], []):
                k = len(words)
                if i + k <= b1 and (
                    all(norms[i + j] == words[j] for j in range(k)) or (k == 1 and lemmas[i] == words[0])
                ):
                    found.append((i, i + k, phrase, kind, clause[i - b0]))
                    step = k
                    break
            i += step
        d, s_no = doc_str[b0], int(sent[rows[b0]])
        s_start, s_text = sent_info.loc[(d, s_no)] if (d, s_no) in sent_info.index else (0, "")
        for i in range(b0, b1):
            if not is_hit[i]:
                continue
            c = clause[i - b0]
            scope = [f for f in found if f[4] == c and f[3] != "pseudo" and (f[3] == "hedge" or f[1] <= i)]
            kinds = {f[3] for f in scope}
            if "negation" in kinds:
                label = "negated"
            elif "hedge" in kinds:
                label = "hedged"
            elif str(s_text).rstrip().rstrip("”\"’)").endswith("?"):
                label = "question"
            else:
                label = "unmarked"
            family, term = fam[lemma_codes[rows[i]]]
            a, z = int(t_start[i] - s_start), int(t_end[i] - s_start)
            if voice_idx[i] >= 0:
                spk = qspans.at[int(voice_idx[i]), "speaker"]
                voice = f"quoted: {spk}" if spk else "quoted"
            else:
                voice = "author"
            out.append(
                {
                    "group": groups.get(d, d), "doc_id": d, "paragraph": int(par[i]), "sentence": s_no,
                    "position": int(pos[i]), "family": family, "term": term, "classification": label,
                    "markers": "; ".join(dict.fromkeys(f[2] for f in scope)), "voice": voice,
                    "left": s_text[:a], "keyword": s_text[a:z], "right": s_text[z:],
                }
            )
    frame = pd.DataFrame(out, columns=cols)
    frame.attrs["families"] = [str(f) for f in terms]
    return frame


def stance_summary(st: pd.DataFrame) -> pd.DataFrame:
    """Counts per ``group, family, classification`` (full grid), with ``share`` within group x family.

    Families come in the order of the ``terms`` given to :func:`stance`
    (kept in ``st.attrs["families"]``), then any others found.
    """
    cols = ["group", "family", "classification", "n", "share"]
    if st.empty:
        return pd.DataFrame(columns=cols)
    families = [f for f in st.attrs.get("families", []) if f in set(st["family"])]
    families += [f for f in dict.fromkeys(st["family"]) if f not in families]
    grid = pd.MultiIndex.from_product(
        [sorted(st["group"].unique()), families, list(STANCE_CLASSES)],
        names=["group", "family", "classification"],
    )
    n = st.groupby(["group", "family", "classification"]).size().reindex(grid, fill_value=0).rename("n")
    out = n.reset_index()
    tot = out.groupby(["group", "family"])["n"].transform("sum")
    out["share"] = np.where(tot > 0, out["n"] / tot.where(tot > 0, 1), np.nan)
    return out[cols]


def _clip_left(text: str, width: int) -> str:
    """The last ``width`` characters of ``text``, cut at a word boundary, with a leading ellipsis."""
    text = " ".join(str(text).split()) + (" " if str(text)[-1:].isspace() else "")
    if len(text) <= width:
        return text
    tail = text[-(width - 1):]
    cut = tail.find(" ")
    return "…" + (tail[cut + 1:] if 0 <= cut < len(tail) - 1 else tail)


def _clip_right(text: str, width: int) -> str:
    """The first ``width`` characters of ``text``, cut at a word boundary, with a trailing ellipsis."""
    text = (" " if str(text)[:1].isspace() else "") + " ".join(str(text).split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    cut = head.rfind(" ")
    return (head[:cut] if cut > 0 else head) + "…"


def format_stance(st: pd.DataFrame, labels: Mapping[str, str] | pd.Series | None = None, *,
                  width: int = 55, max_lines: int | None = None) -> str:
    """Stance rows as aligned KWIC lines: label, paragraph, class, left [keyword] right, markers."""
    if st.empty:
        return "(no occurrences)"
    shown = st if max_lines is None else st.head(max_lines)
    labels = dict(labels) if labels is not None else {}
    tags = [shorten(labels.get(d, d), 24) for d in shown["doc_id"]]
    tag_w = max(len(t) for t in tags)
    lines = []
    for tag, r in zip(tags, shown.itertuples(index=False)):
        left, right = _clip_left(r.left, width), _clip_right(r.right, width)
        note = f"  <{r.markers}>" if r.markers else ""
        who = "" if r.voice == "author" else f"  ({r.voice})"
        lines.append(f"{tag:<{tag_w}} ¶{r.paragraph:<3d} {r.classification:<9} {left:>{width}} [{r.keyword}] {right}{note}{who}")
    if max_lines is not None and len(st) > max_lines:
        lines.append(f"… {len(st) - max_lines} more lines not shown")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Plots: DataFrames in, Figure out
# ---------------------------------------------------------------------------
def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return math.ceil(n / ncols), ncols


def plot_fightin_words(
    terms: pd.DataFrame,
    *,
    top_n: int = 10,
    ncols: int = 3,
    labels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
) -> matplotlib.figure.Figure:
    """Monroe et al.'s (2008) "fightin' words" plot, one panel per group.

    ``terms`` is :func:`distinctive_terms`. Every listed term is a point at
    x = its total count in the corpus (log scale) and y = its log-odds z for
    the group against the rest; terms with BH-adjusted p < ``alpha`` are
    coloured and the ``top_n`` highest z are labelled (labels moved apart
    with adjustText so they do not overlap). Dashed lines mark z = ±1.96.
    """
    use_style()
    groups = list(dict.fromkeys(terms["group"]))
    nrows, nc = _grid(len(groups), ncols)
    fig, axes = plt.subplots(nrows, nc, figsize=(4.6 * nc, 3.9 * nrows), squeeze=False, sharey=True)
    labels = dict(labels) if labels is not None else {}
    for ax in axes.ravel()[len(groups):]:
        ax.set_visible(False)
    pending = []
    for ax, g in zip(axes.ravel(), groups):
        t = terms[terms["group"] == g]
        total = (t["count"] + t["count_rest"]).to_numpy(np.float64)
        z = t["z"].to_numpy(np.float64)
        sig = (t["p_adj"] < alpha).to_numpy()
        over, under = sig & (z > 0), sig & (z < 0)
        rest = ~(over | under)
        ax.scatter(total[rest], z[rest], s=6, color="0.75", lw=0, label="not significant")
        ax.scatter(total[over], z[over], s=12, color="C3", lw=0, label=f"over-used (BH-adjusted p < {alpha})")
        ax.scatter(total[under], z[under], s=12, color="C0", lw=0, label=f"under-used (BH-adjusted p < {alpha})")
        ax.set_xscale("log")
        for yv in (-1.96, 1.96):
            ax.axhline(yv, color="0.5", lw=0.6, ls="--")
        top = t.nlargest(top_n, "z")
        top = top[top["z"] > 0]
        # Terms with the same counts sit on the same point: one label lists them.
        texts = []
        for (c, r), tied in top.groupby(["count", "count_rest"], sort=False):
            names = [shorten(x.replace("_", " "), 22) for x in tied["term"]]
            text = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
            texts.append(ax.text(c + r, tied["z"].iat[0], text, fontsize=7.5))
        ax.set_title(shorten(labels.get(g, g), 40))
        ax.set_xlabel("total count in corpus (log scale)")
        # Labels sit among the highest-z points; only those are obstacles for
        # adjustText, whose cost grows with the number of points.
        near = np.argsort(-z, kind="stable")[:_MAX_OBSTACLES]
        pending.append((ax, texts, total[near], z[near]))
    for ax in axes[:, 0]:
        ax.set_ylabel("log-odds z (group vs rest)")
    # Head- and side-room so labels can stay inside the axes.
    lo, hi = float(terms["z"].min()), float(terms["z"].max())
    span = max(hi - lo, 1.0)
    axes[0, 0].set_ylim(min(lo, -2.2) - 0.05 * span, max(hi, 2.2) + 0.18 * span)
    xmax = float((terms["count"] + terms["count_rest"]).max())
    for ax in axes.ravel()[: len(groups)]:
        ax.set_xlim(0.6 * max(float((terms["count"] + terms["count_rest"]).min()), 1.0), 2.5 * xmax)
    handles, names = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.suptitle("Distinctive terms: each group against the rest (Monroe et al. 2008)", y=1.0)
    # Lay the axes out first: adjustText works in display coordinates, so any
    # later change of axes size would move labels back onto each other.
    fig.tight_layout(rect=(0, 0.04, 1, 0.98))
    for ax, texts, x, y in pending:
        _repel_labels(ax, texts, x, y)
    return fig


#: Points per panel that labels are kept off (the highest z first).
_MAX_OBSTACLES = 300


def _repel_labels(ax, texts, x, y, *, tries: int = 4) -> None:
    """Move labels apart with adjustText until none overlap (pushing harder each try).

    Each try starts from the labels' original anchor points (``target_x/y``)
    and removes the previous try's connector lines, so only one set of lines
    is drawn, from each label to its own point.
    """
    from adjustText import adjust_text

    if not texts:
        return
    tx = [t.get_position()[0] for t in texts]
    ty = [t.get_position()[1] for t in texts]
    renderer = ax.figure.canvas.get_renderer()
    patches = []
    for k in range(tries):
        for p in patches:
            p.remove()
        _, patches = adjust_text(
            texts, ax=ax, x=x, y=y, target_x=tx, target_y=ty,
            expand=(1.2 + 0.2 * k, 1.4 + 0.3 * k), force_text=(0.2 + 0.2 * k, 0.4 + 0.3 * k),
            ensure_inside_axes=True, arrowprops=dict(arrowstyle="-", color="0.4", lw=0.5),
            # a fixed number of iterations, not adjustText's default 1-second time limit,
            # so that the layout (and the saved file) does not depend on machine load
            iter_lim=200,
        )
        boxes = [t.get_window_extent(renderer) for t in texts]
        if not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2)):
            return


def plot_similarity(
    matrix: pd.DataFrame,
    *,
    distance: bool,
    title: str,
    labels: Mapping[str, str] | None = None,
    order: Sequence | None = None,
    ax=None,
) -> matplotlib.figure.Figure:
    """A group x group heatmap, ordered by :func:`cluster_order`, with values in the cells.

    ``distance`` says whether larger means further apart (JSD) or closer
    (cosine); the colour map is reversed accordingly so that dark always
    means *similar*. The diagonal (a group against itself) is left blank.
    Values are written in each cell when there are at most 15 groups.
    Pass ``ax`` to draw into an existing axes (see :func:`plot_similarities`).
    """
    use_style()
    order = list(order) if order is not None else cluster_order(matrix, distance=distance)
    m = matrix.loc[order, order]
    labels = dict(labels) if labels is not None else {}
    names = [shorten(labels.get(g, g), 28) for g in order]
    n = len(order)
    if ax is None:
        fig, ax = plt.subplots(figsize=(2.8 + 0.6 * n, 1.2 + 0.55 * n))
    else:
        fig = ax.figure
    vals = m.to_numpy(np.float64)
    off = vals[~np.eye(n, dtype=bool)] if n > 1 else vals.ravel()
    vmin, vmax = (float(off.min()), float(off.max())) if off.size else (0.0, 1.0)
    if vmin == vmax:
        vmin, vmax = vmin - 0.5, vmax + 0.5
    cmap = plt.get_cmap("viridis" if distance else "viridis_r").copy()
    cmap.set_bad("0.92")
    shown = vals.copy()
    np.fill_diagonal(shown, np.nan)  # a group against itself says nothing; leave it blank
    im = ax.imshow(shown, cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_xticks(range(n), names, rotation=40, ha="right")
    ax.set_yticks(range(n), names)
    # Enough decimals to tell the cells apart (topic-mixture JSDs can be ~0.01).
    top = float(np.max(np.abs(off))) if off.size else 1.0
    digits = 2 if top >= 0.1 or top == 0 else min(4, 1 - int(math.floor(math.log10(top))))
    if n <= 15:
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                v = vals[i, j]
                frac = (v - vmin) / (vmax - vmin)
                dark = frac < 0.5 if distance else frac > 0.5
                ax.text(j, i, f"{v:.{digits}f}", ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
    ax.set_title(title)
    cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    cb.set_label("bits (lower = more alike)" if distance else "similarity (higher = more alike)")
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.tick_params(length=0)
    return fig


def plot_similarities(
    panels: Sequence[tuple[pd.DataFrame, bool, str]],
    *,
    labels: Mapping[str, str] | None = None,
) -> matplotlib.figure.Figure:
    """Several :func:`plot_similarity` heatmaps side by side: ``[(matrix, distance, title), …]``.

    Each panel is ordered by its own clustering (:func:`cluster_order`), so
    read the labels, not the positions, when comparing panels.
    """
    use_style()
    n = max(len(m) for m, _, _ in panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(len(panels) * (2.4 + 0.5 * n), 1.5 + 0.5 * n), squeeze=False)
    for ax, (m, distance, title) in zip(axes[0], panels):
        plot_similarity(m, distance=distance, title=title, labels=labels, ax=ax)
    fig.tight_layout()
    return fig


def plot_actor_framing(framing: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                       top_actors: int = 8) -> matplotlib.figure.Figure:
    """Left: mentions per 1,000 tokens (group x actor heatmap). Right: mean VADER score with CI.

    ``framing`` is :func:`actor_framing`. Only the ``top_actors`` actors with
    the most mentions overall are drawn (in alias-table order); the table
    keeps them all. In the right panel each group is a marker per actor with
    its bootstrap interval; a hollow marker rests on a single sentence (no
    interval), and cells with no sentence are left out.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    groups = list(dict.fromkeys(framing["group"]))
    order = list(dict.fromkeys(framing["actor"]))
    total = framing.groupby("actor")["mentions"].sum()
    keep = set(total[total > 0].sort_values(ascending=False, kind="mergesort").index[:top_actors])
    actors = [a for a in order if a in keep] or order[:top_actors]
    framing = framing[framing["actor"].isin(actors)]
    rate = framing.pivot(index="group", columns="actor", values="per_1k").reindex(index=groups, columns=actors)
    g_names = [shorten(labels.get(g, g), 24) for g in groups]
    a_names = [shorten(str(a), 14) for a in actors]
    height = 1.4 + 0.42 * max(len(groups), len(actors))
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(3.2 + 0.55 * len(actors) + 6.0, height),
        gridspec_kw={"width_ratios": [0.55 * len(actors) + 1.2, 5.0]},
    )
    vals = rate.to_numpy(np.float64)
    im = ax1.imshow(vals, cmap="Blues", aspect="auto")
    ax1.set_xticks(range(len(actors)), a_names, rotation=45, ha="right")
    ax1.set_yticks(range(len(groups)), g_names)
    vmax = np.nanmax(vals) if np.isfinite(vals).any() else 1.0
    if len(groups) * len(actors) <= 200:
        for i in range(len(groups)):
            for j in range(len(actors)):
                v = vals[i, j]
                if np.isfinite(v):
                    ax1.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=7.5,
                             color="white" if vmax and v > 0.6 * vmax else "black")
    ax1.set_title("Mentions per 1,000 tokens")
    fig.colorbar(im, ax=ax1, fraction=0.05, pad=0.03).set_label("per 1,000 tokens")
    ax1.tick_params(length=0)

    k = len(groups)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.8 / max(k, 1))
    for gi, g in enumerate(groups):
        colour = f"C{gi % 10}"
        f = framing[(framing["group"] == g) & (framing["n_scored"] >= 1)]
        y = np.array([actors.index(a) for a in f["actor"]], dtype=float) + offsets[gi]
        x = f["sentiment_mean"].to_numpy(np.float64)
        lo_b, hi_b = f["ci_low"].to_numpy(np.float64), f["ci_high"].to_numpy(np.float64)
        ci = np.isfinite(lo_b) & np.isfinite(hi_b)
        ax2.errorbar(x[ci], y[ci], xerr=[x[ci] - lo_b[ci], hi_b[ci] - x[ci]], fmt="o", ms=4, lw=1, capsize=2,
                     color=colour, label=shorten(labels.get(g, g), 24))
        ax2.scatter(x[~ci], y[~ci], s=18, facecolors="none", edgecolors=colour, lw=1)
    ax2.axvline(0, color="0.5", lw=0.6)
    ax2.set_yticks(range(len(actors)), a_names)
    ax2.set_ylim(len(actors) - 0.5, -0.5)
    ax2.set_xlim(-1.05, 1.05)
    ax2.set_xlabel("mean VADER compound (−1 … +1) with 95% CI;\nhollow = a single sentence")
    ax2.set_title("Tone of sentences that mention the actor")
    ax2.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax2.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_quoted_share(
    share: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    groups: pd.Series | None = None,
    max_rows: int = 40,
) -> matplotlib.figure.Figure:
    """Per document: % of words in direct quotes, reported speech and mentions (stacked bars).

    ``share`` is :func:`quoted_share`. Bars are per cent of the document's
    words (``n_words``); mentions (scare quotes, titles) are drawn hatched
    because they are the author's own voice.

    With more than ``max_rows`` documents and ``groups`` (doc_id -> group,
    :func:`corpus_tools.notebook.group_labels`), the words are pooled per
    group: one bar per group, per cent of all its documents' words. If there
    are still more than ``max_rows`` bars, the ``max_rows`` with the most
    words are drawn and the title says so.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    s = share.reset_index(drop=True)
    title = "How much of each document is other people's words"
    word_cols = ["n_words", "quote_words", "reported_words", "mention_words"]
    if len(s) > max_rows and groups is not None:
        g = s["doc_id"].astype(str).map(groups)
        n_docs = len(s)
        s = s.assign(group=g).groupby("group", sort=True)[word_cols].sum().reset_index()
        s = s.rename(columns={"group": "doc_id"})
        title = f"How much of each group's words are other people's ({n_docs:,} documents pooled by group)"
    n_all = len(s)
    if n_all > max_rows:
        s = s.sort_values("n_words", ascending=False, kind="stable").head(max_rows).sort_values("doc_id")
        s = s.reset_index(drop=True)
        title += f"\nthe {max_rows} of {n_all:,} with the most words"
    names = [shorten(labels.get(d, d), 32) for d in s["doc_id"]]
    y = np.arange(len(s))
    fig, ax = plt.subplots(figsize=(7.5, 1.0 + 0.42 * len(s)))
    left = np.zeros(len(s))
    n = s["n_words"].to_numpy(np.float64)
    n = np.where(n > 0, n, np.nan)
    for col, lab, style in (
        ("quote_words", "direct quotation", dict(color="C1")),
        ("reported_words", "reported speech", dict(color="C2")),
        ("mention_words", "mention / scare quote (author's voice)", dict(color="white", edgecolor="0.4", hatch="///")),
    ):
        w = s[col].to_numpy(np.float64) / n * 100
        ax.barh(y, w, left=left, label=lab, height=0.6, **style)
        left = left + np.nan_to_num(w)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("% of the group's words (all its documents)" if "pooled" in title else "% of the document's words")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18 - 0.6 / max(len(s), 1)), ncol=3, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig


_STANCE_COLOURS = {"negated": "C3", "hedged": "C1", "question": "C4", "unmarked": "0.7"}


def plot_stance(summary: pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> matplotlib.figure.Figure:
    """Stacked bars: how each group's alliance / partnership terms are marked.

    ``summary`` is :func:`stance_summary`; one panel per term family, one
    bar per group, segments are counts of occurrences by classification.
    """
    use_style()
    labels = dict(labels) if labels is not None else {}
    families = list(dict.fromkeys(summary["family"]))
    groups = list(dict.fromkeys(summary["group"]))
    fig, axes = plt.subplots(1, len(families), figsize=(3.0 + 3.4 * len(families), 1.2 + 0.45 * len(groups)),
                             squeeze=False, sharey=True)
    for ax, fam in zip(axes[0], families):
        f = summary[summary["family"] == fam]
        left = np.zeros(len(groups))
        for cls in STANCE_CLASSES:
            v = f[f["classification"] == cls].set_index("group")["n"].reindex(groups, fill_value=0).to_numpy(float)
            ax.barh(range(len(groups)), v, left=left, color=_STANCE_COLOURS[cls], label=cls, height=0.6)
            left += v
        ax.set_title(f"“{fam}” terms")
        ax.set_xlabel("occurrences")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", alpha=0.3)
    axes[0, 0].set_yticks(range(len(groups)), [shorten(labels.get(g, g), 26) for g in groups])
    axes[0, 0].invert_yaxis()
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=4, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.suptitle("How alliance and partnership terms are marked (negation / hedge in scope)")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
