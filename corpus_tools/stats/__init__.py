"""Published corpus statistics, implemented with numpy/scipy only.

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
bootstrap_rate_ci
    Efron & Tibshirani (1993) percentile bootstrap of a per-N-tokens rate.
relevance
    Sievert & Shirley (2014) LDAvis term relevance.
jaccard, match_topics
    Jaccard (1912) set similarity and Kuhn (1955) Hungarian matching.
jensen_shannon_divergence, pairwise_jsd
    Lin (1991) Jensen-Shannon divergence, in bits.
group_seed
    One reproducible random stream per group (seed and group label).

Modules: ``keyness`` (log-odds, G², Log Ratio), ``multiple`` (BH),
``intervals`` (rates with intervals), ``similarity`` (relevance, Jaccard,
topic matching, JSD), ``random`` (per-group seeds), ``checks`` (input checks).
"""
from __future__ import annotations

from .checks import finite_array, nonneg_array
from .intervals import bootstrap_rate_ci
from .keyness import dirichlet_prior, g2_pvalue, log_likelihood_g2, log_odds_dirichlet, log_ratio
from .multiple import bh_adjust
from .random import group_seed
from .similarity import jaccard, jensen_shannon_divergence, match_topics, pairwise_jsd, relevance

__all__ = [
    "dirichlet_prior",
    "log_odds_dirichlet",
    "log_likelihood_g2",
    "g2_pvalue",
    "log_ratio",
    "bh_adjust",
    "bootstrap_rate_ci",
    "relevance",
    "jaccard",
    "match_topics",
    "jensen_shannon_divergence",
    "pairwise_jsd",
    "group_seed",
    "finite_array",
    "nonneg_array",
]
