"""corpus_tools: load, clean, tokenize and analyse commentary corpora.

>>> from corpus_tools import load_corpus, tokenize     # doctest: +SKIP
>>> corpus = load_corpus("seeds")                       # doctest: +SKIP
"""
from __future__ import annotations

from importlib import metadata as _metadata

from .corpus import Corpus, Document, load_corpus
from .errors import CorpusError, CorpusToolsError, CorpusWarning, MetadataError, ParameterError
from .tokens import Tokens, tokenize

try:
    __version__ = _metadata.version("corpus_tools")
except _metadata.PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+source"

__all__ = [
    "Corpus",
    "Document",
    "load_corpus",
    "tokenize",
    "Tokens",
    "CorpusError",
    "CorpusToolsError",
    "CorpusWarning",
    "MetadataError",
    "ParameterError",
    "__version__",
]
