"""The project's own exception and warning types.

Every error raised at the boundary (loading a corpus, reading a cache,
checking parameters) is one of these, with a message that names the file
(and line or byte where it applies), says what was expected and what to do.
"""
from __future__ import annotations


class CorpusToolsError(Exception):
    """Base class of every error corpus_tools raises on purpose."""


class CorpusError(CorpusToolsError, ValueError):
    """A corpus file or folder cannot be read as a corpus."""


class MetadataError(CorpusError):
    """A metadata sidecar or table column is missing or malformed."""


class ParameterError(CorpusToolsError, ValueError):
    """An analysis parameter does not fit the data (for example k > number of units)."""


class CorpusWarning(UserWarning):
    """Something in the corpus was skipped, repaired or looks suspicious."""
