"""Distinctive terms: what sets each group's vocabulary apart from the rest.

Each group is compared with all other documents pooled, term by term, with
Monroe, Colaresi & Quinn (2008) log-odds with an informative Dirichlet prior,
Dunning (1993) / Rayson & Garside (2000) G², Benjamini & Hochberg (1995)
adjusted p and Hardie (2014) Log Ratio. The figure is
:func:`corpus_tools.plots.compare.plot_fightin_words`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..config import PER
from ..errors import ParameterError
from .counts import group_term_counts

__all__ = ["distinctive_terms"]


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
    counts, bucket, n_group, groups, terms = group_term_counts(
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
