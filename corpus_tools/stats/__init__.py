"""Published corpus statistics, implemented with numpy/scipy (and statsmodels for the trend model).

Every function here is a direct transcription of a formula from the
literature; each docstring cites its source.  All term-level functions are
vectorised: pass arrays with one entry per term and get arrays back, with no
Python loop over terms.  Where scipy already implements the published method
correctly we call it rather than re-deriving it (BH adjustment, Jensen-Shannon,
Hungarian assignment, chi-squared tail).

Invalid input raises :class:`corpus_tools.errors.ParameterError`, which is a
``ValueError`` subclass, so callers may catch either.

Functions
---------
dirichlet_prior, log_odds_dirichlet
    Monroe, Colaresi & Quinn (2008) "Fightin' Words" log-odds with an
    informative Dirichlet prior.
log_likelihood_g2, g2_pvalue
    Dunning (1993) / Rayson & Garside (2000) log-likelihood keyness.
log_ratio
    Hardie (2014) Log Ratio effect size.
bh_adjust
    Benjamini & Hochberg (1995) adjusted p-values.
prior_strength, DEFAULT_PRIOR_SCALE
    The recommended strength of that prior: alpha0 = 0.1 x the smaller side's
    tokens (published choices compared in the docstring).
rate_ci, RateInterval, FEW_UNITS
    A rate from units (paragraphs or documents) with an interval that holds
    its level when a term clusters: jackknife quasi-Poisson gamma interval
    (Fay & Feuer 1997 form), t-calibrated, never narrower than Garwood's.
poisson_rate_ci
    Garwood (1936) exact Poisson interval of a rate.
bootstrap_rate_ci
    Efron & Tibshirani (1993) percentile bootstrap of a per-N-tokens rate
    (kept for comparison; it undercovers with few units).
rate_ratio_test, RateRatioTest
    Exact conditional test of two Poisson rates, with the exact CI of the
    rate ratio (Clopper-Pearson mapped to the ratio).
quasi_poisson_test, QuasiPoissonTest
    Rate ratio of two groups of units: quasi-Poisson GLM with log-token
    offset, F test and profile interval (Wedderburn 1974).
permutation_test, PermutationTest
    Document-level permutation test of a rate difference (exact enumeration
    or seeded sampling; Phipson & Smyth 2010 p-values).
exact_keyness_pvalue, keyness_pvalue, EXPECTED_MIN
    Exact binomial (or Fisher) keyness p-values for small counts, and the
    rule that picks them over G2 when an expected count is below 5.
binom_test_two_sided, fisher_exact_two_sided, clopper_pearson
    Vectorised scipy.stats.binomtest / fisher_exact p-values and the
    Clopper-Pearson (1934) interval.
nb_trend, natural_spline_basis, MIN_TREND_DOCS, MIN_TREND_DATES
    Document-level negative-binomial trend with log-token offset (quasi-
    Poisson fallback), optional natural spline and group covariate.
relevance
    Sievert & Shirley (2014) LDAvis term relevance.
jaccard, match_topics
    Jaccard (1912) set similarity and Kuhn (1955) Hungarian matching.
jensen_shannon_divergence, pairwise_jsd
    Lin (1991) Jensen-Shannon divergence, in bits.
group_seed
    One reproducible random stream per group (seed and group label).

Modules: ``keyness`` (log-odds and its prior, G², Log Ratio), ``multiple``
(BH), ``intervals`` (rates with intervals), ``differences`` (tests of a difference
between two texts or groups), ``exact`` (vectorised exact p-values),
``models`` (trend regression), ``similarity`` (relevance, Jaccard, topic
matching, JSD), ``random`` (per-group seeds), ``checks`` (input checks).
"""
from __future__ import annotations

from .checks import finite_array, nonneg_array
from .exact import binom_test_two_sided, clopper_pearson, fisher_exact_two_sided
from .intervals import FEW_UNITS, RateInterval, bootstrap_rate_ci, poisson_rate_ci, rate_ci
from .keyness import (
    DEFAULT_PRIOR_SCALE,
    dirichlet_prior,
    g2_pvalue,
    log_likelihood_g2,
    log_odds_dirichlet,
    log_ratio,
    prior_strength,
)
from .models import MIN_TREND_DATES, MIN_TREND_DOCS, natural_spline_basis, nb_trend
from .multiple import bh_adjust
from .random import group_seed
from .similarity import jaccard, jensen_shannon_divergence, match_topics, pairwise_jsd, relevance
from .differences import (
    EXPECTED_MIN,
    PermutationTest,
    QuasiPoissonTest,
    RateRatioTest,
    exact_keyness_pvalue,
    keyness_pvalue,
    permutation_test,
    quasi_poisson_test,
    rate_ratio_test,
)

__all__ = [
    "dirichlet_prior",
    "prior_strength",
    "DEFAULT_PRIOR_SCALE",
    "log_odds_dirichlet",
    "log_likelihood_g2",
    "g2_pvalue",
    "log_ratio",
    "bh_adjust",
    "bootstrap_rate_ci",
    "poisson_rate_ci",
    "rate_ci",
    "RateInterval",
    "FEW_UNITS",
    "rate_ratio_test",
    "RateRatioTest",
    "quasi_poisson_test",
    "QuasiPoissonTest",
    "permutation_test",
    "PermutationTest",
    "exact_keyness_pvalue",
    "keyness_pvalue",
    "EXPECTED_MIN",
    "binom_test_two_sided",
    "fisher_exact_two_sided",
    "clopper_pearson",
    "nb_trend",
    "natural_spline_basis",
    "MIN_TREND_DOCS",
    "MIN_TREND_DATES",
    "relevance",
    "jaccard",
    "match_topics",
    "jensen_shannon_divergence",
    "pairwise_jsd",
    "group_seed",
    "finite_array",
    "nonneg_array",
]
