"""corpus_tools.stats at its edges: every refusal names what is wrong, and each
documented boundary is tested on both sides (the last accepted value and the
first refused one).

A refusal is checked by its whole message (a ParameterError whose text names
the argument at fault), not by "some ValueError": scipy raises ValueError too,
so a check that forgot its argument would otherwise pass unnoticed. Accepted
edge values are checked against numbers worked out beside them. No function
here may emit a RuntimeWarning (a division by zero or a log of zero leaking
out of numpy), so every test runs with RuntimeWarning as an error.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from corpus_tools.errors import ParameterError
from corpus_tools.stats import (
    binom_test_two_sided,
    bh_adjust,
    bootstrap_rate_ci,
    clopper_pearson,
    dirichlet_prior,
    exact_keyness_pvalue,
    finite_array,
    fisher_exact_two_sided,
    g2_pvalue,
    jensen_shannon_divergence,
    keyness_pvalue,
    log_likelihood_g2,
    log_odds_dirichlet,
    log_ratio,
    match_topics,
    natural_spline_basis,
    nb_trend,
    nonneg_array,
    pairwise_jsd,
    permutation_test,
    poisson_rate_ci,
    prior_strength,
    quasi_poisson_test,
    rate_ci,
    rate_ratio_test,
    relevance,
)
from corpus_tools.stats.exact import integer_array

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

LN2 = math.log(2.0)
#: A small valid trend design: 15 documents on 3 dates (the least nb_trend accepts).
TREND = (np.array([1, 0, 2, 1, 3, 0, 1, 2, 2, 1, 0, 4, 1, 2, 3]), np.full(15, 1000.0),
         np.repeat([2000.0, 2005.0, 2010.0], 5))

REFUSALS = [
    # --- input checks shared by every function: the argument's name, what it must be
    ("finite_array nan", lambda: finite_array([1.0, np.nan], "weights"), "weights must be finite (no NaN or inf)"),
    ("finite_array inf", lambda: finite_array([np.inf], "weights"), "weights must be finite (no NaN or inf)"),
    ("nonneg_array", lambda: nonneg_array([1.0, -0.5], "sizes"), "sizes must be non-negative"),
    ("nonneg_array nan", lambda: nonneg_array([np.nan], "sizes"), "sizes must be finite (no NaN or inf)"),
    ("integer_array", lambda: integer_array([1.5], "hits"), "hits must be whole numbers (counts of tokens)"),
    # --- keyness
    ("dirichlet_prior negative", lambda: dirichlet_prior([3, -1]), "background_counts must be non-negative"),
    ("dirichlet_prior 2-D", lambda: dirichlet_prior([[1, 2]]), "background_counts must be 1-D (one entry per term)"),
    ("dirichlet_prior zero", lambda: dirichlet_prior([6, 0]),
     "background_counts must be non-empty and strictly positive; drop terms with zero background count "
     "(Dirichlet parameters must be > 0)"),
    ("dirichlet_prior empty", lambda: dirichlet_prior([]),
     "background_counts must be non-empty and strictly positive; drop terms with zero background count "
     "(Dirichlet parameters must be > 0)"),
    *[(f"dirichlet_prior alpha0={a0!r}", (lambda a0=a0: dirichlet_prior([6, 4], alpha0=a0)),
       "alpha0 must be a positive finite number (or a 1-D array of them)")
      for a0 in (0, -1.0, np.inf, np.nan, [[1.0]], [1.0, 0.0])],
    ("prior_strength scale 0", lambda: prior_strength(10, 10, prior_scale=0),
     "prior_scale=0: give a positive share of the smaller side's tokens"),
    ("prior_strength scale nan", lambda: prior_strength(10, 10, prior_scale=float("nan")),
     "prior_scale=nan: give a positive share of the smaller side's tokens"),
    ("prior_strength n_i<0", lambda: prior_strength(-1, 10), "n_i must be non-negative"),
    ("prior_strength n_j<0", lambda: prior_strength(10, -1), "n_j must be non-negative"),
    ("prior_strength n_i=0", lambda: prior_strength(0, 10), "both sides of a comparison need tokens (n_i, n_j > 0)"),
    ("prior_strength n_j=0", lambda: prior_strength(10, 0), "both sides of a comparison need tokens (n_i, n_j > 0)"),
    ("log_odds y_i", lambda: log_odds_dirichlet([-1, 2], [1, 2], [1, 1]), "y_i must be non-negative"),
    ("log_odds y_j", lambda: log_odds_dirichlet([1, 2], [1, -2], [1, 1]), "y_j must be non-negative"),
    ("log_odds alpha nan", lambda: log_odds_dirichlet([1, 2], [1, 2], [1, np.nan]), "alpha must be finite (no NaN or inf)"),
    ("log_odds shapes", lambda: log_odds_dirichlet([1, 2], [1, 2, 3], [1, 1]),
     "y_i and y_j must have the same shape, got (2,) and (3,)"),
    ("log_odds scalars", lambda: log_odds_dirichlet(3, 4, 1), "y_i and y_j must be arrays over terms, not scalars"),
    ("log_odds alpha 0", lambda: log_odds_dirichlet([1, 2], [1, 2], [0.0, 1.0]),
     "alpha must be strictly positive (Dirichlet parameters)"),
    ("log_odds alpha shape", lambda: log_odds_dirichlet([1, 2], [1, 2], [1.0, 1.0, 1.0]),
     "alpha of shape (3,) does not match counts (2,)"),
    ("log_odds one term", lambda: log_odds_dirichlet([3], [4], [1]),
     "odds denominator n + a0 - y_w - a_w <= 0; need at least two terms with mass"),
    *[(f"g2 {name}<0", (lambda args=args: log_likelihood_g2(*args)), f"{name} must be non-negative")
      for name, args in (("a", (-1, 1, 10, 10)), ("b", (1, -1, 10, 10)), ("c", (1, 1, -10, 10)), ("d", (1, 1, 10, -10)))],
    ("g2 c=0", lambda: log_likelihood_g2(0, 1, 0, 10), "corpus sizes c and d must be > 0"),
    ("g2 d=0", lambda: log_likelihood_g2(1, 0, 10, 0), "corpus sizes c and d must be > 0"),
    ("g2 a>c", lambda: log_likelihood_g2(11, 1, 10, 100), "term counts cannot exceed corpus sizes (a <= c, b <= d)"),
    ("g2 b>d", lambda: log_likelihood_g2(1, 101, 10, 100), "term counts cannot exceed corpus sizes (a <= c, b <= d)"),
    ("g2_pvalue", lambda: g2_pvalue([1.0, -1.0]), "g2 must be non-negative"),
    *[(f"log_ratio {name}<0", (lambda args=args: log_ratio(*args)), f"{name} must be non-negative")
      for name, args in (("a", (-1, 1, 10, 10)), ("b", (1, -1, 10, 10)), ("c", (1, 1, -10, 10)), ("d", (1, 1, 10, -10)))],
    ("log_ratio c=0", lambda: log_ratio(1, 1, 0, 10), "corpus sizes c and d must be > 0"),
    ("log_ratio d=0", lambda: log_ratio(1, 1, 10, 0), "corpus sizes c and d must be > 0"),
    ("log_ratio correction 0", lambda: log_ratio(1, 0, 10, 10, correction=0), "correction must be a positive finite number"),
    ("log_ratio correction inf", lambda: log_ratio(1, 0, 10, 10, correction=np.inf),
     "correction must be a positive finite number"),
    # --- multiple testing
    ("bh p>1", lambda: bh_adjust([0.5, 1.5]), "p-values must lie in [0, 1] (NaN allowed)"),
    ("bh p<0", lambda: bh_adjust([-0.01, 0.5]), "p-values must lie in [0, 1] (NaN allowed)"),
    # --- exact tests
    ("binom k", lambda: binom_test_two_sided(-1, 2, 0.5), "k must be non-negative"),
    ("binom n", lambda: binom_test_two_sided(1, 2.5, 0.5), "n must be whole numbers (counts of tokens)"),
    ("binom k>n", lambda: binom_test_two_sided(3, 2, 0.5), "k must not exceed n"),
    ("binom p>1", lambda: binom_test_two_sided(1, 2, 1.5), "p must lie in [0, 1]"),
    ("binom p<0", lambda: binom_test_two_sided(1, 2, -0.5), "p must lie in [0, 1]"),
    ("binom p nan", lambda: binom_test_two_sided(1, 2, np.nan), "p must lie in [0, 1]"),
    *[(f"fisher {name}", (lambda args=args: fisher_exact_two_sided(*args)), f"{name} must be whole numbers (counts of tokens)")
      for name, args in (("a", (0.5, 1, 1, 1)), ("b", (1, 0.5, 1, 1)), ("c", (1, 1, 0.5, 1)), ("d", (1, 1, 1, 0.5)))],
    ("clopper ci=0", lambda: clopper_pearson(1, 2, ci=0.0), "ci=0.0: give the coverage as a number in (0, 1)"),
    ("clopper ci=1", lambda: clopper_pearson(1, 2, ci=1.0), "ci=1.0: give the coverage as a number in (0, 1)"),
    ("clopper k", lambda: clopper_pearson(0.5, 2), "k must be whole numbers (counts of tokens)"),
    ("clopper n", lambda: clopper_pearson(1, -2), "n must be non-negative"),
    ("clopper k>n", lambda: clopper_pearson(3, 2), "k must not exceed n"),
    # --- intervals
    ("bootstrap counts", lambda: bootstrap_rate_ci([-1], [10]), "counts must be non-negative"),
    ("bootstrap totals", lambda: bootstrap_rate_ci([1], [np.nan]), "totals must be finite (no NaN or inf)"),
    ("bootstrap 3-D", lambda: bootstrap_rate_ci(np.zeros((2, 2, 2)), [1, 1]),
     "counts must have shape (n_units,) or (n_units, n_terms)"),
    ("bootstrap shapes", lambda: bootstrap_rate_ci([1, 2], [10]), "totals must have shape (2,), got (1,)"),
    ("bootstrap 2-D totals", lambda: bootstrap_rate_ci([1, 2], [[10], [10]]), "totals must have shape (2,), got (2, 1)"),
    *[(f"bootstrap n_boot={n!r}", (lambda n=n: bootstrap_rate_ci([1], [10], n_boot=n)), "n_boot must be a positive integer")
      for n in (0, -5, True, 2.0)],
    *[(f"bootstrap ci={ci}", (lambda ci=ci: bootstrap_rate_ci([1], [10], ci=ci)), "ci must be in (0, 1)") for ci in (0.0, 1.0, 95)],
    *[(f"bootstrap per={per}", (lambda per=per: bootstrap_rate_ci([1], [10], per=per)), "per must be a positive finite number")
      for per in (0.0, -1.0, np.inf)],
    ("bootstrap count>total", lambda: bootstrap_rate_ci([5], [4]), "a unit's term count exceeds its token total"),
    ("poisson count", lambda: poisson_rate_ci(-1, 10), "count must be non-negative"),
    ("poisson exposure", lambda: poisson_rate_ci(1, -10), "exposure must be non-negative"),
    *[(f"poisson ci={ci}", (lambda ci=ci: poisson_rate_ci(1, 10, ci=ci)),
       f"ci={ci!r}: give the interval's coverage as a number in (0, 1), e.g. 0.95") for ci in (0.0, 1.0)],
    *[(f"poisson per={per}", (lambda per=per: poisson_rate_ci(1, 10, per=per)),
       f"per={per!r}: give the rate scale as a positive number (1000.0 = per 1,000 tokens)") for per in (0.0, np.nan)],
    ("rate_ci method", lambda: rate_ci([1], [10], method="bootstrap"),
     "method='bootstrap': use 'quasi' (units, the default) or 'poisson' (pooled tokens)"),
    ("rate_ci counts", lambda: rate_ci([-1], [10]), "counts must be non-negative"),
    ("rate_ci totals", lambda: rate_ci([1], [-10]), "totals must be non-negative"),
    ("rate_ci 3-D", lambda: rate_ci(np.zeros((2, 2, 2)), [1, 1]), "counts must have shape (n_units,) or (n_units, n_terms)"),
    ("rate_ci shapes", lambda: rate_ci([1, 2], [10]), "totals must have shape (2,), got (1,)"),
    ("rate_ci 2-D totals", lambda: rate_ci([1, 2], [[10], [10]]), "totals must have shape (2,), got (2, 1)"),
    ("rate_ci count>total", lambda: rate_ci([[1, 5]], [4]), "a unit's term count exceeds its token total"),
    ("rate_ci ci", lambda: rate_ci([1], [10], ci=1.0), "ci=1.0: give the interval's coverage as a number in (0, 1), e.g. 0.95"),
    # --- tests of a difference
    *[(f"rate_ratio {name}", (lambda args=args: rate_ratio_test(*args)), message)
      for name, args, message in (("count1", (-1, 10, 1, 10), "count1 must be non-negative"),
                                  ("exposure1", (1, -10, 1, 10), "exposure1 must be non-negative"),
                                  ("count2", (1, 10, 0.5, 10), "count2 must be whole numbers (counts of tokens)"),
                                  ("exposure2", (1, 10, 1, np.inf), "exposure2 must be finite (no NaN or inf)"),
                                  ("exposure1=0", (1, 0, 1, 10), "exposures must be > 0 (tokens in each text)"),
                                  ("exposure2=0", (1, 10, 1, 0), "exposures must be > 0 (tokens in each text)"))],
    ("rate_ratio ci", lambda: rate_ratio_test(1, 10, 1, 10, ci=0.0), "ci=0.0: give the coverage as a number in (0, 1), e.g. 0.95"),
    ("qp counts1", lambda: quasi_poisson_test([-1, 1], [10, 10], [1], [10]), "counts1 must be non-negative"),
    ("qp totals2", lambda: quasi_poisson_test([1, 1], [10, 10], [1], [np.nan]), "totals2 must be finite (no NaN or inf)"),
    ("qp counts 3-D", lambda: quasi_poisson_test(np.zeros((1, 1, 1)), [10], [1, 1], [10, 10]),
     "counts1 must have shape (n_units,) or (n_units, n_terms)"),
    ("qp totals shape", lambda: quasi_poisson_test([1, 1], [10, 10], [1, 1], [10]), "totals2 must have shape (2,), got (1,)"),
    ("qp 2-D totals", lambda: quasi_poisson_test([1, 1], [[10], [10]], [1, 1], [10, 10]),
     "totals1 must have shape (2,), got (2, 1)"),
    ("qp count>total", lambda: quasi_poisson_test([1, 1], [10, 10], [1, 11], [10, 10]),
     "a unit's term count exceeds its token total (group 2)"),
    ("qp terms", lambda: quasi_poisson_test([[1, 1]], [10], [[1], [1]], [10, 10]),
     "counts1 and counts2 must cover the same terms, got 2 and 1"),
    ("qp one term vs stacked", lambda: quasi_poisson_test([1, 1], [10, 10], [[1], [1]], [10, 10]),
     "counts1 and counts2 must cover the same terms, got 1 and 1"),
    ("qp empty group", lambda: quasi_poisson_test([1, 1], [10, 10], [0], [0]), "each group needs at least one unit with tokens"),
    ("qp empty group 1", lambda: quasi_poisson_test([0], [0], [1, 1], [10, 10]), "each group needs at least one unit with tokens"),
    ("qp two units", lambda: quasi_poisson_test([1], [10], [0], [10]),
     "quasi_poisson_test needs at least 3 units in all (one degree of freedom for the dispersion); "
     "with one unit a side use rate_ratio_test"),
    ("qp method", lambda: quasi_poisson_test([1, 2], [10, 10], [0], [10], dispersion_method="deviance"),
     "dispersion_method='deviance': use 'jackknife' or 'pearson'"),
    ("qp ci", lambda: quasi_poisson_test([1, 2], [10, 10], [0], [10], ci=1.0),
     "ci=1.0: give the coverage as a number in (0, 1), e.g. 0.95"),
    *[(f"permutation n_resamples={n!r}", (lambda n=n: permutation_test([1] * 3, [10] * 3, [1] * 3, [10] * 3, n_resamples=n)),
       f"n_resamples={n!r}: give a positive whole number of random splits") for n in (0, True, 10.0)],
    *[(f"permutation per={per}", (lambda per=per: permutation_test([1] * 3, [10] * 3, [1] * 3, [10] * 3, per=per)),
       f"per={per!r}: give the rate scale as a positive number") for per in (0.0, np.inf)],
    ("permutation 2 docs", lambda: permutation_test([1, 1, 1], [10] * 3, [1, 1], [10, 10]),
     "permutation_test needs at least 3 documents with tokens in each group (got 3 and 2); with fewer, use quasi_poisson_test"),
    ("permutation empty docs", lambda: permutation_test([1, 1, 0], [10, 10, 0], [1] * 3, [10] * 3),
     "permutation_test needs at least 3 documents with tokens in each group (got 2 and 3); with fewer, use quasi_poisson_test"),
    *[(f"exact_keyness {name}", (lambda args=args: exact_keyness_pvalue(*args)), message)
      for name, args, message in (("a", (0.5, 1, 10, 10), "a must be whole numbers (counts of tokens)"),
                                  ("b", (1, -1, 10, 10), "b must be non-negative"),
                                  ("c", (1, 1, 1.5, 10), "c must be whole numbers (counts of tokens)"),
                                  ("d", (1, 1, 10, 2.5), "d must be whole numbers (counts of tokens)"),
                                  ("c=0", (0, 1, 0, 10), "corpus sizes c and d must be > 0"),
                                  ("d=0", (1, 0, 10, 0), "corpus sizes c and d must be > 0"),
                                  ("a>c", (11, 1, 10, 100), "term counts cannot exceed corpus sizes (a <= c, b <= d)"),
                                  ("b>d", (1, 101, 10, 100), "term counts cannot exceed corpus sizes (a <= c, b <= d)"))],
    ("exact_keyness method", lambda: exact_keyness_pvalue(1, 1, 10, 10, method="chi2"), "method='chi2': use 'binomial' or 'fisher'"),
    *[(f"keyness_pvalue {name}", (lambda args=args: keyness_pvalue(*args)), message)
      for name, args, message in (("a", (-1, 1, 10, 10), "a must be non-negative"),
                                  ("b", (1, 0.5, 10, 10), "b must be whole numbers (counts of tokens)"),
                                  ("c", (1, 1, -10, 10), "c must be non-negative"),
                                  ("d", (1, 1, 10, 0.5), "d must be whole numbers (counts of tokens)"),
                                  ("c=0", (0, 1, 0, 10), "corpus sizes c and d must be > 0"),
                                  ("d=0", (1, 0, 10, 0), "corpus sizes c and d must be > 0"))],
    ("keyness_pvalue exact_below", lambda: keyness_pvalue(1, 1, 10, 10, exact_below=-1),
     "exact_below=-1: give a non-negative expected count (5 by Cochran's rule)"),
    ("keyness_pvalue exact_below nan", lambda: keyness_pvalue(1, 1, 10, 10, exact_below=np.nan),
     "exact_below=nan: give a non-negative expected count (5 by Cochran's rule)"),
    # --- similarity
    ("relevance lam", lambda: relevance([0.5, 0.5], [0.5, 0.5], lam=1.5), "lam must be in [0, 1]"),
    ("relevance lam<0", lambda: relevance([0.5, 0.5], [0.5, 0.5], lam=-0.1), "lam must be in [0, 1]"),
    ("relevance phi", lambda: relevance([-0.5, 0.5], [0.5, 0.5], lam=0.5), "phi must be non-negative"),
    ("relevance p_w", lambda: relevance([0.5, 0.5], [0.5, np.nan], lam=0.5), "p_w must be finite (no NaN or inf)"),
    ("relevance p_w=0", lambda: relevance([0.5, 0.5], [1.0, 0.0], lam=0.5), "p_w must be strictly positive"),
    ("relevance shapes", lambda: relevance([[0.5, 0.5]], [1.0], lam=0.5), "phi (K, V) and p_w (V,) shapes do not match: (1, 2), (1,)"),
    ("relevance 3-D phi", lambda: relevance(np.ones((1, 1, 2)), [0.5, 0.5], lam=0.5),
     "phi (K, V) and p_w (V,) shapes do not match: (1, 1, 2), (2,)"),
    ("relevance 2-D p_w", lambda: relevance([0.5, 0.5], [[0.5, 0.5]], lam=0.5),
     "phi (K, V) and p_w (V,) shapes do not match: (2,), (1, 2)"),
    ("jsd p", lambda: jensen_shannon_divergence([-1, 2], [1, 1]), "p must be non-negative"),
    ("jsd q", lambda: jensen_shannon_divergence([1, 1], [np.inf, 1]), "q must be finite (no NaN or inf)"),
    ("jsd p scalar", lambda: jensen_shannon_divergence(1.0, [1, 1]), "p must have at least one term"),
    ("jsd q empty", lambda: jensen_shannon_divergence([1, 1], []), "q must have at least one term"),
    ("jsd p mass", lambda: jensen_shannon_divergence([0, 0], [1, 1]), "p has a distribution with zero total mass"),
    ("jsd q mass row", lambda: jensen_shannon_divergence([[1, 1], [1, 1]], [[1, 0], [0, 0]]),
     "q has a distribution with zero total mass"),
    ("pairwise negative", lambda: pairwise_jsd([[1, -1]]), "matrix must be non-negative"),
    ("pairwise 1-D", lambda: pairwise_jsd([1, 2]), "matrix must be 2-D (G, V)"),
    ("pairwise zero row", lambda: pairwise_jsd([[1, 0], [0, 0]]), "matrix has a distribution with zero total mass"),
    ("pairwise no terms", lambda: pairwise_jsd(np.zeros((2, 0))), "matrix must have at least one term"),
    # --- the trend model
    ("spline x nan", lambda: natural_spline_basis([1.0, np.nan, 3.0], df=1), "x must be finite (no NaN or inf)"),
    ("spline 2-D x", lambda: natural_spline_basis([[1.0, 2.0]], df=1), "x must be 1-D"),
    *[(f"spline df={df!r}", (lambda df=df: natural_spline_basis([1.0, 2.0, 3.0], df=df)),
       f"df={df!r}: give a whole number of spline columns >= 1") for df in (0, True, 2.0)],
    ("spline too few x", lambda: natural_spline_basis([1.0, 1.0, 2.0], df=2),
     "a spline with df=2 needs at least 3 distinct x values, got 2"),
    ("nb_trend ci", lambda: nb_trend(*TREND, ci=1.0), "ci=1.0: give the coverage as a number in (0, 1)"),
    ("nb_trend ci=0", lambda: nb_trend(*TREND, ci=0.0), "ci=0.0: give the coverage as a number in (0, 1)"),
    ("nb_trend per_years", lambda: nb_trend(*TREND, per_years=0), "per_years=0: give a positive number of years (10 = per decade)"),
    ("nb_trend per_years inf", lambda: nb_trend(*TREND, per_years=np.inf),
     "per_years=inf: give a positive number of years (10 = per decade)"),
    ("nb_trend method", lambda: nb_trend(*TREND, method="poisson"),
     "method='poisson': use 'auto', 'negative_binomial' or 'quasi_poisson'"),
    *[(f"nb_trend spline_df={df!r}", (lambda df=df: nb_trend(*TREND, spline_df=df)),
       f"spline_df={df!r}: give a whole number of spline columns >= 1, or None") for df in (0, True, 2.5)],
    ("nb_trend counts", lambda: nb_trend(TREND[0] + 0.5, *TREND[1:]), "counts must be whole numbers (counts of tokens)"),
    ("nb_trend exposure", lambda: nb_trend(TREND[0], -TREND[1], TREND[2]), "exposure must be non-negative"),
    ("nb_trend x", lambda: nb_trend(TREND[0], TREND[1], np.r_[TREND[2][:-1], np.nan]), "x must be finite (no NaN or inf)"),
    ("nb_trend shapes", lambda: nb_trend(TREND[0], TREND[1][:-1], TREND[2]),
     "counts, exposure and x must be 1-D arrays of the same length (one entry per document)"),
    ("nb_trend x shape", lambda: nb_trend(TREND[0], TREND[1], TREND[2][:-1]),
     "counts, exposure and x must be 1-D arrays of the same length (one entry per document)"),
    ("nb_trend 2-D", lambda: nb_trend(TREND[0][None, :], TREND[1][None, :], TREND[2][None, :]),
     "counts, exposure and x must be 1-D arrays of the same length (one entry per document)"),
    ("nb_trend empty doc", lambda: nb_trend(TREND[0], np.r_[0.0, TREND[1][1:]], TREND[2]),
     "every document needs tokens (exposure > 0); drop empty documents first"),
    ("nb_trend groups", lambda: nb_trend(*TREND, groups=["a"] * 14), "groups must have one label per document"),
    ("nb_trend confounded", lambda: nb_trend(*TREND, groups=np.repeat(["a", "b", "c"], 5)),
     "the design is singular: a group covariate is confounded with the date"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_each_refusal_is_a_parameter_error_naming_what_is_wrong(call, message):
    with pytest.raises(ParameterError) as info:
        call()
    assert str(info.value) == message


def test_nb_trend_refusals_give_the_numbers():
    y, t, x = TREND
    with pytest.raises(ParameterError) as info:
        nb_trend(y[:14], t[:14], x[:14])
    assert str(info.value).startswith("nb_trend needs at least 15 documents to estimate a trend with an honest "
                                      "interval, got 14: the dispersion is estimated from the documents")
    assert str(info.value).endswith("Report the documents' rates with rate_ci instead of a trend.")
    with pytest.raises(ParameterError) as info:
        nb_trend(y, t, np.where(x < 2004, 2000.0, 2010.0))
    assert str(info.value) == ("nb_trend needs at least 3 distinct dates, got 2: with two dates a 'trend' is only the "
                               "difference between two periods (use quasi_poisson_test)")
    # a spline of df columns needs df + 1 dates: 3 dates are too few for spline_df=3 (it needs 4)
    with pytest.raises(ParameterError) as info:
        nb_trend(y, t, x, spline_df=3)
    assert str(info.value) == ("nb_trend needs at least 4 distinct dates, got 3: with two dates a 'trend' is only the "
                               "difference between two periods (use quasi_poisson_test), and a spline with spline_df=3 "
                               "needs 4")
    with pytest.raises(ParameterError, match="^the term never occurs in these documents: its rate has no finite trend$"):
        nb_trend(np.zeros(15), t, x)
    # intercept + slope + two group indicators (b, c) = 4 coefficients for 4 documents: refused before any
    # fit (the quasi-Poisson fit used to divide its Pearson chi2 by 0 residual df: ZeroDivisionError)
    for method in ("quasi_poisson", "auto"):
        with pytest.raises(ParameterError, match="^too many coefficients \\(4\\) for 4 documents: no degree of freedom left$"):
            nb_trend([1, 2, 0, 3], [100.0] * 4, [2000.0, 2001.0, 2002.0, 2003.0], groups=["a", "b", "c", "a"],
                     min_docs=1, method=method)


# ---------------------------------------------------------------------------
# The accepted side of each boundary, with its value worked out
# ---------------------------------------------------------------------------


def test_input_checks_return_float64():
    assert finite_array([1, 2], "x").dtype == np.float64
    assert nonneg_array([0, 3], "x").tolist() == [0.0, 3.0]
    assert integer_array([0.0, 3.0], "x").tolist() == [0.0, 3.0]


def test_keyness_edges_accepted():
    # one background term is a valid prior; a 1-D alpha0 gives one row per comparison
    np.testing.assert_array_equal(dirichlet_prior([5]), [5.0])
    np.testing.assert_allclose(dirichlet_prior([5], alpha0=2.0), [2.0])
    np.testing.assert_allclose(dirichlet_prior([1, 3], alpha0=[4.0]), [[1.0, 3.0]])
    # a side of one token is a side: 0.1 * min(1, 5)
    assert float(prior_strength(1, 5)) == pytest.approx(0.1)
    assert float(prior_strength(5, 1)) == pytest.approx(0.1)
    # the smallest positive "rest of vocabulary" is accepted: y_i = [0, 5], y_j = [5, 0], alpha = [0.1, 0.1]
    # a0 = 0.2, n = 5. term 0: odds_i = 0.1 / (5.2 - 0.1) = 0.1/5.1, odds_j = 5.1 / (5.2 - 5.1) = 5.1/0.1
    # delta = ln(0.1/5.1) - ln(5.1/0.1) = 2 ln(1/51) = -7.863; term 1 mirrors it (+7.863)
    delta, var, _ = log_odds_dirichlet([0, 5], [5, 0], [0.1, 0.1])
    np.testing.assert_allclose(delta, [2 * math.log(1 / 51), -2 * math.log(1 / 51)], rtol=1e-12)
    np.testing.assert_allclose(var, [1 / 0.1 + 1 / 5.1, 1 / 5.1 + 1 / 0.1], rtol=1e-12)
    # G2 at c = d = 1 and at a == c, b == d (the whole corpus is the term): a=1, b=0, c=d=1:
    # E1 = E2 = 1 * 1 / 2 = 0.5; G2 = 2 (1 ln(1/0.5)) = 2 ln 2
    assert float(log_likelihood_g2(1, 0, 1, 1)) == pytest.approx(2 * LN2, rel=1e-12)
    # a == c = 10, b = 5 of d = 20: E1 = 10 * 15 / 30 = 5, E2 = 20 * 15 / 30 = 10
    # G2 = 2 (10 ln 2 + 5 ln 0.5) = 10 ln 2
    assert float(log_likelihood_g2(10, 5, 10, 20)) == pytest.approx(10 * LN2, rel=1e-12)
    assert float(log_likelihood_g2(5, 20, 30, 20)) == pytest.approx(
        2 * (5 * math.log(5 / (30 * 25 / 50)) + 20 * math.log(20 / (20 * 25 / 50))), rel=1e-12)
    # G2 = 0 gives p = 1 (no RuntimeWarning from 0 * ln 0)
    assert float(g2_pvalue(log_likelihood_g2(0, 0, 10, 10))) == 1.0
    # Log Ratio corrects a zero a as well as a zero b; a count of 1 is not corrected:
    # a = 0 -> 0.5: log2((0.5/1000) / (10/2000)) = log2(0.1); a = 1: log2((1/1000)/(10/2000)) = log2(0.2)
    np.testing.assert_allclose(log_ratio([0, 1], [10, 10], 1000, 2000), [math.log2(0.1), math.log2(0.2)], rtol=1e-12)
    np.testing.assert_allclose(log_ratio([10, 10], [0, 1], 1000, 2000), [math.log2(40.0), math.log2(20.0)], rtol=1e-12)
    assert float(log_ratio(1, 1, 1, 1)) == 0.0


def test_bh_accepts_zero_and_one_and_adjusts_exactly_by_scipy():
    # p = [0, 1, 0.5]: m = 3; sorted 0 (r1), 0.5 (r2), 1 (r3): 0, 0.75, 1 -> cummin from the top: 0, 0.75, 1
    np.testing.assert_allclose(bh_adjust([0.0, 1.0, 0.5]), [0.0, 1.0, 0.75], atol=1e-15)
    # integers are p-values too (0 and 1)
    np.testing.assert_allclose(bh_adjust([0, 1]), [0.0, 1.0])
    assert bh_adjust(np.zeros((2, 0))).shape == (2, 0)
    # any shape: a (2, 2) block is adjusted as four p-values and keeps its shape
    q = bh_adjust([[0.01, 0.04], [0.03, 0.005]])
    np.testing.assert_allclose(q, [[0.02, 0.04], [0.04, 0.02]], atol=1e-15)


def test_exact_tests_at_the_edges_of_their_arguments():
    # p = 0 or 1: only one outcome is possible; observing it gives p = 1, anything else p = 0
    np.testing.assert_allclose(binom_test_two_sided([0, 1, 3, 2], [3, 3, 3, 3], [0.0, 0.0, 1.0, 1.0]), [1.0, 0.0, 1.0, 0.0])
    # k = n and k = 0 at p = 1/2 with n = 4: the two extreme tables, each 1/16 -> two-sided 1/8
    np.testing.assert_allclose(binom_test_two_sided([4, 0], 4, 0.5), [0.125, 0.125], rtol=1e-12)
    # ci just inside (0, 1) is accepted; k = n gives high = 1, k = 0 gives low = 0
    low, high = clopper_pearson([0, 5], [5, 5], ci=0.5)
    # k = 0: high = 1 - 0.25 ** (1/5) = 0.2421; k = 5: low = 0.25 ** (1/5) = 0.7579
    np.testing.assert_allclose(low, [0.0, 0.25 ** 0.2], rtol=1e-12)
    np.testing.assert_allclose(high, [1 - 0.25 ** 0.2, 1.0], rtol=1e-12)
    low, high = clopper_pearson([0, 2], [0, 3])  # n = 0: no interval, NaN on both sides
    assert np.isnan(low[0]) and np.isnan(high[0]) and np.isfinite(low[1]) and np.isfinite(high[1])
    # Fisher with an empty row or column: nothing can differ, p = 1 (scipy's rule)
    for table in ((0, 0, 3, 4), (3, 4, 0, 0), (0, 3, 0, 4), (3, 0, 4, 0)):
        assert float(fisher_exact_two_sided(*table)) == 1.0, table


def test_intervals_edges_accepted():
    # n_boot = 1 is one replicate; per = 1 is a rate per token
    est, low, high = bootstrap_rate_ci([1, 3], [100, 100], n_boot=1, per=1.0, seed=0)
    assert float(est) == pytest.approx(0.02) and float(low) <= 0.02 <= float(high)
    est, low, high = poisson_rate_ci(3, 1000, per=1.0)
    assert (float(est), float(low), float(high)) == pytest.approx((0.003, 0.0006186721228956015, 0.008767273069742323),
                                                                  rel=1e-12)
    # one token of exposure is an exposure: 1 event in 1 token, Garwood [0.0253, 5.5716] per token
    est, low, high = poisson_rate_ci(1, 1, per=1.0)
    assert (float(est), float(low), float(high)) == pytest.approx((1.0, -math.log(0.975), 5.571643390938898), rel=1e-12)
    # a unit of one token is a unit (a count may equal its unit's total)
    r = rate_ci([1, 0], [1, 1], per=1.0)
    assert float(r.estimate) == 0.5 and r.n_units == 2
    # no tokens at all: every field says so
    r = rate_ci([[0, 0], [0, 0]], [0, 0])
    assert np.isnan(r.estimate).all() and np.isnan(r.low).all() and np.isnan(r.high).all()
    assert np.isnan(r.dispersion).all() and r.n_units == 0 and r.few_units is True
    assert r.low.shape == r.high.shape == r.dispersion.shape == (2,)
    # no units: the same
    r = rate_ci(np.zeros(0), np.zeros(0))
    assert np.isnan(float(r.estimate)) and np.isnan(float(r.high)) and r.n_units == 0 and r.few_units


def test_differences_edges_accepted():
    # an exposure of one token is an exposure: 1 in 1 vs 1 in 3 -> ratio 3; conditional on 2 events,
    # k1 ~ Binomial(2, p0 = 1/4): P(0) = 9/16, P(1) = 6/16, P(2) = 1/16; two-sided (outcomes no likelier
    # than the observed k1 = 1): 6/16 + 1/16 = 7/16
    r = rate_ratio_test(1, 1, 1, 3)
    assert float(r.rate_ratio) == pytest.approx(3.0) and float(r.p_value) == pytest.approx(7 / 16, rel=1e-12)
    # a count equal to its corpus is allowed: a = c = 5, b = 0 of d = 5
    # exact: 5 of 5 with p0 = 1/2 -> 2 * 0.5 ** 5 = 0.0625
    assert float(exact_keyness_pvalue(5, 0, 5, 5)) == pytest.approx(0.0625, rel=1e-12)
    assert float(exact_keyness_pvalue(0, 5, 5, 5)) == pytest.approx(0.0625, rel=1e-12)
    assert float(exact_keyness_pvalue(1, 1, 1, 1)) == 1.0
    # corpora of one token
    p, exact = keyness_pvalue(1, 0, 1, 1)
    assert bool(exact) and float(p) == pytest.approx(1.0)
    # exact_below = 0: never exact (no expected count is below 0); G2 everywhere
    p, exact = keyness_pvalue([5, 1], [0, 0], 1000, 1000, exact_below=0)
    assert not exact.any()
    np.testing.assert_allclose(p, g2_pvalue(log_likelihood_g2([5, 1], [0, 0], 1000, 1000)), rtol=1e-12)
    # a unit whose count equals its total (every token is the term) is a valid unit
    q = quasi_poisson_test([10, 10], [10, 10], [0, 1], [10, 10])
    assert float(q.rate_ratio) == pytest.approx(20 / 20 / (1 / 20)) and q.df == 2
    # one unit in a group is enough when there are 3 in all (df = 1)
    assert quasi_poisson_test([1], [10], [0, 2], [10, 10]).df == 1
    # n_resamples = 1: one random split; p = (1 + hits) / 2
    r = permutation_test([5, 6, 7, 8], [100] * 4, [0, 1, 2, 3], [100] * 4, n_resamples=1, seed=0)
    assert not r.exact and r.n_resamples == 1 and float(r.p_value) in (0.5, 1.0)
    # per = 1: the statistic is a difference of rates per token
    r = permutation_test([5, 6, 7], [100] * 3, [0, 1, 2], [100] * 3, per=1.0)
    assert float(r.statistic) == pytest.approx(0.05)


def test_similarity_edges_accepted():
    # one topic as a 1-D phi; lam at 0 and 1 are both allowed
    np.testing.assert_allclose(relevance([0.5, 0.5], [0.25, 0.75], lam=0.0), [math.log(2.0), math.log(2 / 3)])
    np.testing.assert_allclose(relevance([0.5, 0.5], [0.25, 0.75], lam=1.0), [math.log(0.5)] * 2)
    # a single-term distribution is a distribution (JSD 0 with itself)
    assert float(jensen_shannon_divergence([3], [1])) == 0.0
    # stacked rows: one JSD per row, as separate calls give them
    P = np.array([[1, 0], [1, 1], [2, 1]])
    Q = np.array([[0, 1], [1, 0], [2, 1]])
    np.testing.assert_allclose(jensen_shannon_divergence(P, Q),
                               [float(jensen_shannon_divergence(p, q)) for p, q in zip(P, Q)], atol=1e-15)
    np.testing.assert_allclose(jensen_shannon_divergence(P, Q), [1.0, 0.3112781244591328, 0.0], atol=1e-12)
    # pairwise over two rows; more terms than rows, fewer terms than rows
    np.testing.assert_allclose(pairwise_jsd([[1, 0, 0], [0, 1, 0]]), [[0.0, 1.0], [1.0, 0.0]], atol=1e-12)
    D = pairwise_jsd([[1], [2], [3]])  # three rows of one term: identical distributions
    assert D.shape == (3, 3) and np.all(D == 0.0)
    assert pairwise_jsd(np.zeros((0, 3))).shape == (0, 0)
    # Jaccard matching of a single topic each; empty topics: identical (1) with an empty one, 0 with any other
    assert match_topics([{"x"}], [{"x", "y"}]) == [(0, 0, 0.5)]
    assert match_topics([set()], [set()]) == [(0, 0, 1.0)]
    assert match_topics([{"x"}], [set()]) == [(0, 0, 0.0)]
    assert match_topics([], []) == [] and match_topics([{"x"}], []) == []


def test_spline_edges_accepted():
    # df + 1 distinct values is enough: df = 2 on three values 0, 1, 2 (knots 0, 1, 2):
    # d_1(x) = x^3_+ / 2 - (x-2)^3_+ / 2, d_2(x) = (x-1)^3_+ - (x-2)^3_+; N_3 = d_1 - d_2: 0, 1/2, 4 - 1 = 3
    B = natural_spline_basis([0.0, 1.0, 2.0], df=2)
    np.testing.assert_allclose(B, [[0.0, 0.0], [1.0, 0.5], [2.0, 3.0]])
    # beyond the last knot the bend is linear: at x = 3 (knots 0, 1.5, 3 of the values 0..3 with df = 2):
    # d_1 = (27 - 0) / 3 = 9, d_2 = (1.5^3 - 0) / 1.5 = 2.25 -> 6.75; the (x - last)^3 terms cancel past it
    B = natural_spline_basis([0.0, 1.0, 2.0, 3.0], df=2)
    np.testing.assert_allclose(B[:, 1], [0.0, 1 / 3, 8 / 3 - 0.125 / 1.5, 6.75])
