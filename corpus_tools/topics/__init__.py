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
``null``
    :func:`shuffle_bow`, :func:`null_test`: copies of the corpus with every
    in-vocabulary token dealt to a random unit (unit lengths and term counts
    kept, co-occurrence destroyed), and a Monte Carlo test, max-T adjusted
    over k, of whether the corpus's topics beat them.
``selection``
    :func:`sweep`, :func:`rank_k`, :func:`choose_k`, :func:`feasible_k`:
    coherence (Röder, Both & Hinneburg 2015) and seed stability
    (:func:`seed_stability`; Greene, O'Callaghan & Cunningham 2014) over a
    grid of k and seeds, for the corpus and its shuffles, and the rule that
    picks k (the largest stability excess over the shuffles). The sweep
    tables are cached in ``.cache/sweeps/``.
``wording``
    :func:`null_verdict`, :func:`topic_labels`, :func:`terms_title`,
    :func:`k_choice_sentence`: what a notebook may say about the model,
    generated from the test: topics are named only when they beat the null.
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
>>> sweep = topics.sweep(tokens, k_values=range(2, 7), seeds=[0, 1, 2])   # doctest: +SKIP
>>> ranked = topics.rank_k(sweep)                                    # doctest: +SKIP
>>> verdict = topics.null_verdict(ranked)                            # doctest: +SKIP
>>> model = topics.fit_lda(tokens, k=verdict.k)                      # doctest: +SKIP
>>> topics.topic_labels(model, verdict)     # named only if they beat the null  # doctest: +SKIP
"""
from __future__ import annotations

from .model import (
    DEFAULT_CHUNKSIZE,
    DEFAULT_COHERENCE_UNITS,
    DEFAULT_ITERATIONS,
    DEFAULT_KEEP_N,
    DEFAULT_NO_ABOVE,
    DEFAULT_NO_BELOW,
    DEFAULT_PASSES,
    NUMBER_PATTERN,
    TOP_N,
    UNITS,
    BagOfWords,
    TopicModel,
    check_k,
    check_options,
    fit_lda,
    fit_lda_bow,
    fit_lda_seeds,
    number_terms,
    prepare_bow,
)
from .null import DEFAULT_LEVEL, DEFAULT_SHUFFLES, NULL_MEASURES, null_test, shuffle_bow
from .reading import (
    align_topics,
    compare_nmf,
    doc_prevalence,
    prevalence_across_seeds,
    prevalence_intervals,
    representative_units,
    topic_map,
)
from .selection import (
    DEFAULT_SWEEP_UNITS,
    SWEEP_COLUMNS,
    FeasibleK,
    choose_k,
    feasible_k,
    rank_k,
    seed_stability,
    sweep,
)
from .wording import Verdict, k_choice_sentence, null_verdict, terms_title, topic_labels

__all__ = [
    "TopicModel",
    "BagOfWords",
    "prepare_bow",
    "number_terms",
    "check_options",
    "check_k",
    "fit_lda_bow",
    "fit_lda",
    "fit_lda_seeds",
    "sweep",
    "seed_stability",
    "rank_k",
    "choose_k",
    "feasible_k",
    "FeasibleK",
    "SWEEP_COLUMNS",
    "shuffle_bow",
    "null_test",
    "NULL_MEASURES",
    "Verdict",
    "null_verdict",
    "k_choice_sentence",
    "topic_labels",
    "terms_title",
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
    "DEFAULT_CHUNKSIZE",
    "DEFAULT_SWEEP_UNITS",
    "DEFAULT_SHUFFLES",
    "DEFAULT_LEVEL",
    "NUMBER_PATTERN",
]
