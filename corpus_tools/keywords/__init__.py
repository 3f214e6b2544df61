"""Keyword statistics: frequencies, trends over time, KWIC, tf-idf, collocations, change.

Every function takes the :class:`corpus_tools.tokens.Tokens` table made by
:func:`corpus_tools.tokenize` and returns a tidy DataFrame; the figures of
these tables are in :mod:`corpus_tools.plots.keywords`, and the interactive
term explorer in :mod:`corpus_tools.explore`.

=================  ==============================================================
``matching``       :func:`match_term`, :func:`check_terms`, :class:`TermMatcher`,
                   :func:`concept_terms` (the one rule for finding a term)
``units``          :func:`unit_counts` (concept counts per paragraph or document),
                   :func:`decimal_year`
``frequencies``    :func:`frequencies`, :func:`distinctive_by_tfidf`, :func:`collocations`
``trends``         :func:`trend` (rates with intervals that hold their level)
``slopes``         :func:`trend_model` (negative-binomial slope per concept),
                   :func:`trend_curve` (its fitted line and band)
``change``         :func:`in_period`, :func:`split_periods`, :func:`period_documents`,
                   :func:`change` (every term), :func:`concept_change` (tracked concepts)
``summary``        :func:`trend_summary` (findings in words, from the tests only)
``kwic``           :func:`kwic`, :func:`format_kwic`, :func:`dispersion`
=================  ==============================================================

Two conventions hold throughout, so that numbers from different functions
agree with each other:

* **Rates are per 1,000 non-punctuation tokens**, stopwords *included* in
  the denominator. Dropping stopwords changes which terms are listed, never
  the rate of a listed term. A multiword term merged by the tokenizer
  (``belt_and_road_initiative``) is one token.
* **Matching a term** (:func:`match_term`, used by :func:`trend`,
  :func:`kwic` and :func:`dispersion`) is case-insensitive and tries, in
  order: the lemma; the surface form (``norm``) if no token has that lemma;
  the canonical multiword lemma (``"Belt and Road Initiative"`` ->
  ``belt_and_road_initiative``); and finally the phrase as a sequence of
  adjacent non-punctuation tokens, each matching by lemma or surface
  (``"multi-polarization"`` -> ``multi`` + ``polarization``). Because a
  lemma that exists is matched by lemma alone, ``kwic(tokens, "alliance")``
  returns exactly as many lines as ``frequencies`` counts for ``alliance``.

>>> from corpus_tools import keywords, tokenize                 # doctest: +SKIP
>>> from corpus_tools.notebook import load_selected            # doctest: +SKIP
>>> tokens = tokenize(load_selected(None))                      # doctest: +SKIP
>>> keywords.trend(tokens, {"alliance": ["alliance", "ally"]})  # doctest: +SKIP
"""
from __future__ import annotations

from .change import LEVEL, MIN_PERIOD_DOCS, change, concept_change, in_period, period_documents, split_periods
from .frequencies import ALL, collocations, distinctive_by_tfidf, frequencies
from .kwic import dispersion, format_kwic, kwic
from .matching import TermMatcher, check_terms, concept_terms, match_term
from .slopes import SPLINE_DF, SPLINE_MIN_DATES, trend_curve, trend_model
from .summary import CLAIM_PATTERN, trend_summary
from .trends import trend
from .units import UnitCounts, decimal_year, unit_counts

__all__ = [
    "ALL",
    "frequencies",
    "trend",
    "trend_model",
    "trend_curve",
    "trend_summary",
    "CLAIM_PATTERN",
    "match_term",
    "check_terms",
    "concept_terms",
    "TermMatcher",
    "unit_counts",
    "UnitCounts",
    "decimal_year",
    "kwic",
    "format_kwic",
    "dispersion",
    "distinctive_by_tfidf",
    "collocations",
    "change",
    "concept_change",
    "split_periods",
    "in_period",
    "period_documents",
    "MIN_PERIOD_DOCS",
    "LEVEL",
    "SPLINE_DF",
    "SPLINE_MIN_DATES",
]
