"""Topic models: LDA that a reviewer can check, from five articles to ten thousand speeches.

The unit of analysis (paragraph, sentence or document) is a parameter,
because five documents are far too few for LDA while paragraphs give it
something to work with. Everything here goes through one prepared
bag-of-words (:func:`prepare_bow`: a gensim :class:`~gensim.corpora.Dictionary`
and a sparse unit × term count matrix streamed to gensim one row at a time
by :class:`gensim.matutils.Sparse2Corpus`), so the same code path serves the
seed corpus and the 30-million-token UN debates without ever holding the
bag-of-words as Python lists of lists.

Modules
-------
``model``
    The bag-of-words and the model. :func:`fit_lda`, :func:`fit_lda_seeds`:
    latent Dirichlet allocation (Blei, Ng & Jordan 2003), fitted by gensim's
    online variational Bayes (Hoffman, Blei & Bach 2010) with a fixed
    ``random_state``; they return :class:`TopicModel`.
``selection``
    :func:`sweep`, :func:`rank_k`, :func:`choose_k`: coherence (Röder, Both &
    Hinneburg 2015) and seed stability (:func:`seed_stability`; Greene,
    O'Callaghan & Cunningham 2014) over a grid of k and seeds, and the rule
    that picks k. The sweep table is cached in ``.cache/sweeps/``.
``reading``
    :func:`doc_prevalence`, :func:`prevalence_intervals`,
    :func:`align_topics`, :func:`prevalence_across_seeds`: topic prevalence
    per document, with paragraph-bootstrap intervals and the spread across
    seeds after aligning topics (Hungarian matching).
    :func:`representative_units`, :func:`compare_nmf`, :func:`topic_map`: the
    most typical paragraph per topic, a cross-check against NMF on tf-idf,
    and an LDAvis-style intertopic distance map.

The figures of notebook 01 are in :mod:`corpus_tools.plots.topics`; each
takes the DataFrames above and returns a matplotlib Figure.

Topics are numbered from 1 in every DataFrame (gensim's topic ``i`` is our
``i + 1``), so that tables and figures read naturally.

>>> from corpus_tools import topics                                  # doctest: +SKIP
>>> sweep = topics.sweep(tokens, k_values=range(2, 11), seeds=[0, 1, 2])  # doctest: +SKIP
>>> model = topics.fit_lda(tokens, k=topics.choose_k(sweep))         # doctest: +SKIP
"""
from __future__ import annotations

from .model import (
    DEFAULT_COHERENCE_UNITS,
    DEFAULT_ITERATIONS,
    DEFAULT_KEEP_N,
    DEFAULT_NO_ABOVE,
    DEFAULT_NO_BELOW,
    DEFAULT_PASSES,
    TOP_N,
    UNITS,
    BagOfWords,
    TopicModel,
    check_k,
    fit_lda,
    fit_lda_bow,
    fit_lda_seeds,
    prepare_bow,
)
from .reading import (
    align_topics,
    compare_nmf,
    doc_prevalence,
    prevalence_across_seeds,
    prevalence_intervals,
    representative_units,
    topic_map,
)
from .selection import SWEEP_COLUMNS, choose_k, rank_k, seed_stability, sweep

__all__ = [
    "TopicModel",
    "BagOfWords",
    "prepare_bow",
    "check_k",
    "fit_lda_bow",
    "fit_lda",
    "fit_lda_seeds",
    "sweep",
    "seed_stability",
    "rank_k",
    "choose_k",
    "SWEEP_COLUMNS",
    "align_topics",
    "doc_prevalence",
    "prevalence_intervals",
    "prevalence_across_seeds",
    "representative_units",
    "compare_nmf",
    "topic_map",
    "UNITS",
    "TOP_N",
    "DEFAULT_NO_BELOW",
    "DEFAULT_NO_ABOVE",
    "DEFAULT_KEEP_N",
    "DEFAULT_PASSES",
    "DEFAULT_ITERATIONS",
    "DEFAULT_COHERENCE_UNITS",
]
