"""Tokenization: one tidy token table per corpus, cached as Arrow IPC files.

>>> from corpus_tools import load_corpus                          # doctest: +SKIP
>>> from corpus_tools.tokens import tokenize                       # doctest: +SKIP
>>> tokens = tokenize(load_corpus("seeds"))                        # doctest: +SKIP
>>> tokens.frame[["token", "norm", "lemma", "actor"]].head()       # doctest: +SKIP
>>> ids, bags = tokens.bags("paragraph")                           # doctest: +SKIP

:func:`tokenize` turns a :class:`~corpus_tools.corpus.Corpus` into a
:class:`Tokens` object: ``.frame`` (one row per token, in document order),
``.sentences``, ``.docs`` (``corpus.to_frame()``) and the paragraph texts, so
analysis modules never need the corpus again. Everything is a documented
decision, and each part is described in the module that implements it; the
tests in ``tests/test_tokens.py`` pin each rule with examples.

=========================================  ==================================================
module                                     what it holds
=========================================  ==================================================
:mod:`~corpus_tools.tokens.rules`          word lists, the token pattern, clitics and
                                           hyphens, the phrase/actor/stopword files, options
:mod:`~corpus_tools.tokens.sentences`      where sentences start
:mod:`~corpus_tools.tokens.engine`         the compiled tokenizer: lemmas, flags, phrase
                                           merging, actors; :func:`word_spans`,
                                           :func:`split_sentences`, :class:`NewsTokenizer`
:mod:`~corpus_tools.tokens.assemble`       blocks of documents, one process or many, the
                                           tables in document order (speed and parallelism)
:mod:`~corpus_tools.tokens.table`          :class:`Tokens` and the column helpers analyses use
:mod:`~corpus_tools.tokens.store`          the cache (Arrow IPC, reloaded without a copy)
:mod:`~corpus_tools.tokens.pipeline`       :func:`tokenize`
=========================================  ==================================================

Dependencies run one way: rules -> sentences -> engine -> table -> assemble
-> store -> pipeline.
"""
from __future__ import annotations

from .engine import NewsTokenizer, split_sentences, word_spans
from .pipeline import tokenize
from .rules import (
    ABBREVIATIONS,
    HEDGES,
    NEGATIONS,
    SENTENCE_STARTERS,
    STOPWORDS,
    TITLES,
    TOKEN_PATTERN,
    actor_names,
    load_actors,
    load_phrases,
    load_stopwords,
)
from .store import SCHEMA_VERSION
from .table import (
    CHUNK_ROWS,
    FRAME_COLUMNS,
    REQUIRED_COLUMNS,
    Tokens,
    bincount_rows,
    bool_column,
    codes_view,
    column_codes,
    token_frame,
)

__all__ = [
    "tokenize",
    "Tokens",
    "STOPWORDS",
    "NEGATIONS",
    "HEDGES",
    "SENTENCE_STARTERS",
    "TITLES",
    "ABBREVIATIONS",
    "TOKEN_PATTERN",
    "NewsTokenizer",
    "load_phrases",
    "load_actors",
    "actor_names",
    "load_stopwords",
    "split_sentences",
    "word_spans",
    "FRAME_COLUMNS",
    "REQUIRED_COLUMNS",
    "token_frame",
    "codes_view",
    "column_codes",
    "bincount_rows",
    "bool_column",
    "CHUNK_ROWS",
    "SCHEMA_VERSION",
]
