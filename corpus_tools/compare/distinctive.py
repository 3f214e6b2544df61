"""Distinctive terms: what sets each group's vocabulary apart from the rest.

Each group is compared with all other documents pooled, term by term. The
ranking is Monroe, Colaresi & Quinn's (2008) log-odds with an informative
Dirichlet prior (its z-score); what the table calls *distinctive* is one
test, Benjamini & Hochberg (1995)-adjusted within the group: a permutation
test of documents when every group has at least :data:`MIN_DOCS` documents,
otherwise a test on tokens (exact binomial where an expected count is below
5, Dunning's G² elsewhere). Hardie's (2014) Log Ratio is the effect size.
The figure is :func:`corpus_tools.plots.compare.plot_fightin_words`, which
colours exactly the rows with ``distinctive`` True; the sentences of
:func:`distinctive_summary` name only those rows as distinctive.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import stats
from ..config import PER
from ..corpus import groups_for
from ..errors import ParameterError
from .counts import doc_sizes, doc_term_counts, group_term_counts

__all__ = ["distinctive_terms", "distinctive_summary", "MIN_DOCS", "KEYNESS_TESTS", "DISTINCTIVE_COLUMNS"]

#: Documents every group needs (with tokens) before the documents, not the
#: tokens, are the units of the test: the fewest :func:`corpus_tools.stats.permutation_test`
#: accepts (with 3 against 3 its smallest p is already 0.1).
MIN_DOCS = 3

#: What the ``test`` column says, and what each test is.
KEYNESS_TESTS = {
    "permutation": "permutation test of documents (Fisher 1935; Phipson & Smyth 2010): the group's documents "
                   "against all other documents, statistic the difference of pooled rates",
    "exact": "exact binomial test on tokens (an expected count below 5; Cochran 1954), conditional on the "
             "term's total: the exact test of two Poisson rates",
    "G2": "log-likelihood G² on tokens referred to chi-squared(1) (Dunning 1993; Rayson & Garside 2000)",
}

#: Columns of :func:`distinctive_terms`, in order.
DISTINCTIVE_COLUMNS = [
    "group", "term", "count", "count_rest", "per_1k", "per_1k_rest", "log_odds", "z", "log_ratio", "g2",
    "test", "p", "p_adj", "distinctive", "direction", "n_group", "n_rest", "n_docs", "n_docs_rest", "p_min",
    "alpha", "prior_a0",
]

#: Terms per slice of the permutation test: bounds its (resamples x terms) arrays to ~64 MB each.
_PERMUTATION_CELLS = 1 << 23


def distinctive_terms(
    tokens,
    *,
    by: str = "author",
    column: str = "lemma",
    drop_stopwords: bool = True,
    prior: str | float = "scaled",
    prior_scale: float = stats.DEFAULT_PRIOR_SCALE,
    min_count: int = 3,
    test: str = "auto",
    alpha: float = 0.05,
    n_resamples: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """The terms that set each group apart from the rest of the corpus, with one test that says which.

    Each group (``by``: ``"author"``, ``"outlet"``, ``"affiliation"``,
    ``"year"``, any metadata column; see
    :func:`corpus_tools.notebook.group_labels`) is compared with all other
    documents pooled, term by term.

    **Ranking: log-odds z.** ``log_odds`` and ``z`` are the log-odds ratio
    with an informative Dirichlet prior and its z-score (Monroe, Colaresi &
    Quinn 2008, "Fightin' Words", Political Analysis 16(4), eqs. 16-22; via
    :func:`corpus_tools.stats.log_odds_dirichlet`). The prior has the shape
    of the corpus's term distribution; its strength a0 (``prior_a0``, in
    pseudo-tokens) decides how far rare terms are shrunk:

    * ``prior="scaled"`` (default): a0 = ``prior_scale`` x the smaller side's
      tokens, per group (:func:`corpus_tools.stats.prior_strength`; default
      :data:`corpus_tools.stats.DEFAULT_PRIOR_SCALE`, 0.1). Far below the
      data's size, so the counts, not the prior, decide; simulated under the
      null, 0.1 was the weakest share that never made |z| > 1.96 liberal.
      The published choices it was weighed against (tidylo's corpus counts,
      scattertext's sigma = 10, a flat 0.01) are in that function's docstring.
    * ``prior="corpus"``: a_w = the corpus count of w, so a0 is the number
      of tokens compared (tidylo's ``bind_log_odds`` default). It counts the
      data twice and shrinks every z towards 0 (on the seeds the largest |z|
      falls from ~4 to ~2).
    * a number: that total mass a0 for every group.

    **The test: one criterion.** ``p`` is the two-sided p-value of one test,
    named in ``test`` (see :data:`KEYNESS_TESTS`); ``p_adj`` is Benjamini &
    Hochberg's (1995) adjustment within each group over every listed term
    (:func:`corpus_tools.stats.bh_adjust`); ``distinctive`` is
    ``p_adj < alpha``, the only column the figure and the notebook's
    sentences use; ``direction`` is ``"over"`` (the group's rate is higher
    than the rest's), ``"under"`` or ``""`` (equal rates).

    * ``"permutation"``: when every group has at least :data:`MIN_DOCS`
      documents with tokens (``test="auto"``), the documents are the units:
      :func:`corpus_tools.stats.permutation_test` of the difference of pooled
      rates, the group's documents against all others (``n_resamples``
      random splits from ``stats.group_seed(seed, group)``, or every split
      when there are no more than ``n_resamples``). It does not assume that
      tokens are independent, but its p cannot go below ``p_min``
      (1 / C(n, n_group_docs), or 1 / (1 + n_resamples) when sampled): with
      few documents and hundreds of terms, BH can then reject nothing, which
      is the honest answer at that size.
    * ``"exact"`` / ``"G2"``: otherwise the tokens are the units
      (:func:`corpus_tools.stats.keyness_pvalue`): the exact conditional
      binomial test where an expected count is below 5 (G² overstates small
      counts such as 5 vs 0 several-fold), G² referred to chi-squared(1)
      elsewhere. It treats the tokens of one text as independent draws, so it
      says a term is unusually frequent *in these texts*, not that the group
      habitually uses it.

    ``g2`` (Dunning 1993; Rayson & Garside 2000) and ``log_ratio`` (Hardie
    2014; log2 of the ratio of rates, a zero count replaced by 0.5) are
    reported for every row whichever test decided.

    **Denominators.** ``n_group`` and ``n_rest`` are the group's and the
    rest's non-punctuation tokens, *stopwords included*, whatever
    ``drop_stopwords`` and ``min_count`` say: those two options only decide
    which terms get a row (and so which are tested), never the size of a
    corpus. ``per_1k = 1000 * count / n_group`` therefore agrees with
    :func:`corpus_tools.keywords.frequencies`. For the log-odds, the
    unlisted tokens are pooled into one "other" term, which leaves the group
    totals n_i, n_j and the prior mass a0 of eq. 16 exactly as they are over
    the full vocabulary. ``n_docs``/``n_docs_rest`` count documents with
    tokens.

    Parameters
    ----------
    tokens : Tokens
    by : str, keyword-only, default ``"author"``
    column : str, keyword-only, default ``"lemma"`` (or ``"norm"``, ``"token"``)
    drop_stopwords : bool, keyword-only, default True
        Leave stopwords out of the listing (they still count in the totals).
    prior : ``"scaled"``, ``"corpus"`` or float, keyword-only, default ``"scaled"``
    prior_scale : float, keyword-only, default 0.1
        The share of the smaller side's tokens the ``"scaled"`` prior is worth.
    min_count : int, keyword-only, default 3
        List only terms whose total count in the corpus (all groups) is at
        least this; rarer terms can never be significant and would swell
        the BH family.
    test : ``"auto"``, ``"permutation"`` or ``"tokens"``, keyword-only
        ``"auto"`` (default): permutation when every group has at least
        :data:`MIN_DOCS` documents, tokens otherwise. ``"tokens"`` is much
        faster on a large corpus (the permutation test costs n_resamples x
        documents x terms per group).
    alpha : float, keyword-only, default 0.05
        The false-discovery rate of ``distinctive``.
    n_resamples : int, keyword-only, default 9999
    seed : int, keyword-only, default 0

    Returns
    -------
    DataFrame with :data:`DISTINCTIVE_COLUMNS` (``group, term, count,
    count_rest, per_1k, per_1k_rest, log_odds, z, log_ratio, g2, test, p,
    p_adj, distinctive, direction, n_group, n_rest, n_docs, n_docs_rest,
    p_min, alpha, prior_a0``), one row per group and listed term (count 0
    included), sorted by group, then ``z`` descending, then term.
    ``p_min`` is NaN for the token tests.

    Raises
    ------
    ParameterError
        Fewer than two groups with tokens; a bad ``column``, ``min_count``,
        ``prior``, ``prior_scale``, ``test``, ``alpha`` or ``n_resamples``;
        ``test="permutation"`` with a group of fewer than :data:`MIN_DOCS`
        documents. MetadataError for an unknown ``by``.
    """
    if test not in ("auto", "permutation", "tokens"):
        raise ParameterError(f"test={test!r}: use 'auto', 'permutation' (documents) or 'tokens'")
    if not (isinstance(alpha, (int, float)) and 0.0 < alpha < 1.0):
        raise ParameterError(f"alpha={alpha!r}: give the false-discovery rate as a number in (0, 1), e.g. 0.05")
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 1:
        raise ParameterError(f"n_resamples={n_resamples!r}: give a positive whole number of random splits")
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
    N = int(n_group.sum())
    n_rest = N - n_group

    # --- ranking: Monroe et al.'s log-odds z ---------------------------------
    # The bucket is a real (pooled) term unless it is empty (no stopwords, no rare terms).
    use_bucket = bucket.sum() > 0
    y = np.column_stack([counts, bucket]) if use_bucket else counts
    y = y.astype(np.float64)
    background = y.sum(axis=0)
    if isinstance(prior, str):
        if prior == "scaled":
            a0 = stats.prior_strength(n_group, n_rest, prior_scale=prior_scale)
            alpha_w = stats.dirichlet_prior(background, alpha0=a0)   # one row per group
        elif prior == "corpus":
            a0 = np.full(len(groups), background.sum())
            alpha_w = stats.dirichlet_prior(background)
        else:
            raise ParameterError(f"prior={prior!r}: use 'scaled', 'corpus' or a positive number (the prior's total mass)")
    else:
        alpha_w = stats.dirichlet_prior(background, alpha0=prior)
        a0 = np.full(len(groups), float(prior))
    rest = background[None, :] - y
    delta, _, z = stats.log_odds_dirichlet(y, rest, alpha_w)

    V = counts.shape[1]
    a = counts.astype(np.int64)
    b = rest[:, :V].astype(np.int64)
    c = n_group[:, None]
    d = n_rest[:, None]
    g2 = stats.log_likelihood_g2(a, b, c, d)
    lr = stats.log_ratio(a, b, c, d)

    # --- the test: documents when every group has enough, tokens otherwise ---
    doc_ids, doc_tokens = doc_sizes(tokens)
    doc_group = groups_for(tokens.docs, doc_ids, by)
    with_tokens = doc_tokens > 0
    n_docs = np.array([int((with_tokens & (doc_group == g)).sum()) for g in groups])
    n_docs_all = int(n_docs.sum())
    enough = bool((n_docs >= MIN_DOCS).all())
    if test == "permutation" and not enough:
        few = [str(g) for g, k in zip(groups, n_docs) if k < MIN_DOCS]
        raise ParameterError(
            f"test='permutation' needs at least {MIN_DOCS} documents in every group; {few} have fewer: "
            "use test='auto' or 'tokens'"
        )
    G = len(groups)
    p_min = np.full(G, np.nan)
    if test == "permutation" or (test == "auto" and enough):
        p = _permutation_pvalues(tokens, groups, doc_group, column=column, drop_stopwords=drop_stopwords,
                                 min_count=min_count, n_resamples=n_resamples, seed=seed)
        kind = np.full((G, V), "permutation", dtype=object)
        for gi in range(G):
            n1, n2 = int(n_docs[gi]), n_docs_all - int(n_docs[gi])
            splits = math.comb(n1 + n2, n1)
            # The observed split is one of them; a split and its mirror tie when n1 = n2.
            p_min[gi] = ((2.0 if n1 == n2 else 1.0) / splits) if splits <= n_resamples else 1.0 / (1 + n_resamples)
    else:
        p, exact = stats.keyness_pvalue(a, b, c, d)
        kind = np.where(exact, "exact", "G2").astype(object)
    p_adj = np.vstack([stats.bh_adjust(row) for row in p])  # per group: one loop over groups

    rate = a / c * PER
    rate_rest = b / d * PER
    direction = np.where(rate > rate_rest, "over", np.where(rate < rate_rest, "under", "")).astype(object)
    out = pd.DataFrame(
        {
            "group": np.repeat(groups, V),
            "term": np.tile(terms, G),
            "count": a.ravel(),
            "count_rest": b.ravel(),
            "per_1k": rate.ravel(),
            "per_1k_rest": rate_rest.ravel(),
            "log_odds": delta[:, :V].ravel(),
            "z": z[:, :V].ravel(),
            "log_ratio": lr.ravel(),
            "g2": g2.ravel(),
            "test": kind.ravel(),
            "p": p.ravel(),
            "p_adj": p_adj.ravel(),
            "distinctive": (p_adj < alpha).ravel(),
            "direction": direction.ravel(),
            "n_group": np.repeat(n_group, V).astype(np.int64),
            "n_rest": np.repeat(n_rest, V).astype(np.int64),
            "n_docs": np.repeat(n_docs, V).astype(np.int64),
            "n_docs_rest": np.repeat(n_docs_all - n_docs, V).astype(np.int64),
            "p_min": np.repeat(p_min, V),
            "alpha": float(alpha),
            "prior_a0": np.repeat(np.asarray(a0, dtype=np.float64), V),
        },
        columns=DISTINCTIVE_COLUMNS,
    )
    return out.sort_values(["group", "z", "term"], ascending=[True, False, True], ignore_index=True)


def _permutation_pvalues(tokens, groups, doc_group, *, column, drop_stopwords, min_count, n_resamples, seed):
    """(G, V) permutation p-values: each group's documents against all other documents.

    The terms are those of :func:`group_term_counts` with the same options
    (:func:`doc_term_counts` lists the same terms in the same order). Terms
    are tested in slices so that no (resamples x terms) array passes
    ``_PERMUTATION_CELLS``; each slice of one group reuses the group's seed,
    so every term sees the same splits (the random keys do not depend on the
    terms), and one group's p-values do not depend on the other groups.
    """
    X, n_tok, _, terms = doc_term_counts(tokens, column=column, drop_stopwords=drop_stopwords, min_count=min_count)
    keep = n_tok > 0
    V = len(terms)
    width = max(1, _PERMUTATION_CELLS // min(int(n_resamples), 1 << 20))
    out = np.empty((len(groups), V))
    for gi, g in enumerate(groups):
        mine, other = keep & (doc_group == g), keep & (doc_group != g)
        X1, X2 = X[mine].tocsc(), X[other].tocsc()   # column slices of CSC are cheap
        t1, t2 = n_tok[mine].astype(np.float64), n_tok[other].astype(np.float64)
        for j in range(0, V, width):
            res = stats.permutation_test(
                X1[:, j:j + width].toarray(), t1, X2[:, j:j + width].toarray(), t2,
                n_resamples=int(n_resamples), seed=stats.group_seed(seed, str(g)), per=PER,
            )
            out[gi, j:j + width] = res.p_value
    return out


def distinctive_summary(terms: pd.DataFrame, *, top_n: int = 3) -> pd.DataFrame:
    """One sentence per group and claim, built only from the ``distinctive`` column.

    ``terms`` is :func:`distinctive_terms`. For each group: a sentence naming
    the over-used terms (``distinctive`` and ``direction == "over"``), the
    ``top_n`` with the highest z, each with its counts and adjusted p; the
    same for the under-used ones; and, when the group has neither, a sentence
    that says so (and, for the permutation test, whether any term *could*
    have passed: with ``p_min`` above the smallest BH threshold,
    alpha / m for m terms, none can). Terms are quoted in “…”; a sentence of
    claim ``"none"`` quotes no term.

    Returns
    -------
    DataFrame ``group, claim ("over" / "under" / "none"), terms (tuple of the
    terms quoted), sentence``, groups in the table's order.
    """
    rows = []
    for g, t in terms.groupby("group", sort=False):
        alpha = float(t["alpha"].iat[0])
        how = _test_phrase(t)
        for claim, word in (("over", "over-used"), ("under", "under-used")):
            hit = t[t["distinctive"] & (t["direction"] == claim)]
            if hit.empty:
                continue
            hit = hit.sort_values(["z", "term"], ascending=[claim == "under", True], kind="mergesort")
            named = hit.head(top_n)
            listed = "; ".join(
                f"“{r.term}” ({r.count} vs {r.count_rest} in the rest, adjusted p = {r.p_adj:.2g})"
                for r in named.itertuples(index=False)
            )
            more = f" and {len(hit) - len(named)} more" if len(hit) > len(named) else ""
            sentence = (f"{g}: {len(hit)} term(s) {word} against the rest at BH-adjusted p < {alpha:g} "
                        f"({how}): {listed}{more}.")
            rows.append({"group": g, "claim": claim, "terms": tuple(named["term"]), "sentence": sentence})
        if not t["distinctive"].any():
            sentence = (f"{g}: no term is used more or less than in the rest at BH-adjusted p < {alpha:g} "
                        f"({how}; {len(t):,} terms tested).")
            p_min, m = float(t["p_min"].iat[0]), len(t)
            if np.isfinite(p_min) and p_min > alpha / m:
                sentence += (f" With {int(t['n_docs'].iat[0])} document(s) against {int(t['n_docs_rest'].iat[0])}, "
                             f"the smallest p the permutation test can give is {p_min:.2g}, above the {alpha / m:.2g} "
                             f"BH needs for a first term: at this size no term could pass.")
            rows.append({"group": g, "claim": "none", "terms": (), "sentence": sentence})
    return pd.DataFrame(rows, columns=["group", "claim", "terms", "sentence"])


def _test_phrase(t: pd.DataFrame) -> str:
    """How the rows of one group were tested, in words."""
    kinds = set(t["test"])
    if kinds == {"permutation"}:
        return f"permutation test of {int(t['n_docs'].iat[0])} documents against {int(t['n_docs_rest'].iat[0])}"
    return "tokens as units: exact binomial or G² test"
