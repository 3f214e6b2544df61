"""How alike groups are: vocabulary and topic-mixture similarity, clustering order, agreement.

Group-by-group tf-idf cosine (Salton & Buckley 1988) and Jensen-Shannon
divergence (Lin 1991) of pooled term counts, the same for topic mixtures,
the hierarchical-clustering order of such a table, and a Mantel (1967) test
of whether two tables rank the pairs alike (only meaningful for tables built
from different data: see :func:`matrix_agreement`). The figures are
:func:`corpus_tools.plots.compare.plot_similarity` and
:func:`~corpus_tools.plots.compare.plot_similarities`.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import squareform
from scipy.stats import spearmanr

from .. import stats
from ..errors import ParameterError
from .counts import group_term_counts

__all__ = ["similarity", "topic_similarity", "cluster_order", "matrix_agreement"]


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
    counts, _, n_group, groups, _ = group_term_counts(
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

    ``doc_topics`` is the long table of document-topic weights (columns
    ``doc_id, topic, weight``) that notebook 01 hands over through the cache
    (``load_result(tokens, "01-doc-topics")``, see
    :func:`corpus_tools.notebook.load_result`); ``groups`` maps doc_id -> group
    (:func:`corpus_tools.notebook.group_labels`).
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

    **Not for two tables of the same counts.** 1 - tf-idf cosine and the
    Jensen-Shannon divergence of the same group x term counts (both
    :func:`similarity`) agree by construction: a high rho and a small p then
    restate that both read one table, and are no finding. Nor is agreement
    between word and topic-mixture tables of the same texts independent
    evidence (the topics were fitted on those words). The test answers its
    question only when the two tables come from different data (e.g. word
    use and a co-voting or citation distance of the same groups).

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
