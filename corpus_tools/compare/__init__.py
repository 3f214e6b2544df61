"""Comparing perspectives: who says what, and how differently (notebook 03).

Every analysis takes the :class:`corpus_tools.tokens.Tokens` table made by
:func:`corpus_tools.tokenize` (or, for quotations, the
:class:`~corpus_tools.corpus.Corpus`) and returns a tidy DataFrame; the
figures that draw those DataFrames are in :mod:`corpus_tools.plots.compare`.
One module per analysis:

================  ===========================================================
``counts``        group x term and document x term counts shared by the
                  comparisons (:func:`group_term_counts`,
                  :func:`doc_term_counts`, :func:`doc_sizes`,
                  :func:`doc_group_codes`)
``distinctive``   :func:`distinctive_terms`, :func:`distinctive_summary`: each
                  group against the rest -- ranked by Monroe, Colaresi & Quinn
                  (2008) log-odds with an informative Dirichlet prior of stated
                  strength; *distinctive* by one test (a permutation test of
                  documents, or exact binomial / Dunning's G² on tokens),
                  Benjamini & Hochberg (1995) adjusted per group; Hardie (2014)
                  Log Ratio
``similarity``    :func:`similarity`, :func:`topic_similarity`,
                  :func:`cluster_order`, :func:`matrix_agreement`: group-by-group
                  tf-idf cosine and Jensen-Shannon divergence, the same for
                  topic mixtures, hierarchical-clustering order, a Mantel test
                  (for tables built from *different* data only)
``actors``        :func:`actor_sentences`, :func:`actor_framing`,
                  :func:`actor_examples`, :func:`sentence_sentiment`: how often
                  each actor of the tokenizer's alias table is mentioned, and
                  the VADER sentiment (Hutto & Gilbert 2014) of those sentences
``voice``         :func:`quotations`, :func:`quoted_share`,
                  :func:`authorial_tokens`: direct quotation and reported
                  speech, who is quoted, how much of each document is quoted,
                  and the token table without quoted spans
``stance``        :func:`stance`, :func:`stance_summary`, :func:`format_stance`:
                  sentences with alliance / partnership terms, classified by
                  the negation and hedge markers in scope (a NegEx-style rule,
                  Chapman et al. 2001)
``reference``     :func:`reference_keyness`, :func:`reference_frequencies`: the
                  corpus (or each group) against general English, wordfreq's
                  frequency list (Speer 2022) -- Hardie (2014) Log Ratio, an
                  exact Poisson test against the reference bin (Garwood 1936),
                  Benjamini & Hochberg (1995) adjusted p
================  ===========================================================

Every public name is importable from here (``compare.distinctive_terms``).
Denominators follow :mod:`corpus_tools.keywords`: rates are per 1,000
non-punctuation tokens of the group, stopwords included, and a multiword
term merged by the tokenizer counts as one token.

>>> from corpus_tools import compare, tokenize                 # doctest: +SKIP
>>> from corpus_tools.notebook import load_selected            # doctest: +SKIP
>>> tokens = tokenize(load_selected(None))                      # doctest: +SKIP
>>> compare.distinctive_terms(tokens, by="author").head()       # doctest: +SKIP
"""
from __future__ import annotations

from .actors import FRAMING_COLUMNS, actor_examples, actor_framing, actor_sentences, sentence_sentiment
from .counts import DocTermCounts, GroupTermCounts, doc_group_codes, doc_sizes, doc_term_counts, group_term_counts
from .distinctive import DISTINCTIVE_COLUMNS, KEYNESS_TESTS, MIN_DOCS, distinctive_summary, distinctive_terms
from .reference import REFERENCE_COLUMNS, REFERENCE_MATCHES, reference_frequencies, reference_keyness
from .similarity import cluster_order, matrix_agreement, similarity, topic_similarity
from .stance import STANCE_CLASSES, STANCE_MARKERS, STANCE_TERMS, format_stance, stance, stance_summary
from .voice import (
    MENTION_MAX_WORDS,
    QUOTATION_COLUMNS,
    SPEECH_VERBS,
    authorial_tokens,
    quotations,
    quoted_share,
    token_spans,
)

__all__ = [
    "distinctive_terms",
    "distinctive_summary",
    "DISTINCTIVE_COLUMNS",
    "KEYNESS_TESTS",
    "MIN_DOCS",
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
    "token_spans",
    "stance",
    "stance_summary",
    "format_stance",
    "reference_keyness",
    "reference_frequencies",
    "REFERENCE_COLUMNS",
    "REFERENCE_MATCHES",
    "group_term_counts",
    "GroupTermCounts",
    "doc_term_counts",
    "DocTermCounts",
    "doc_sizes",
    "doc_group_codes",
    "STANCE_TERMS",
    "STANCE_MARKERS",
    "STANCE_CLASSES",
    "SPEECH_VERBS",
    "QUOTATION_COLUMNS",
    "MENTION_MAX_WORDS",
    "FRAMING_COLUMNS",
]
