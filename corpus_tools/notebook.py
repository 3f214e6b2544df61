"""What every notebook imports for its first steps, in one place.

Each numbered notebook has the same selection parameters (``CORPUS``,
``LOAD_OPTIONS``, ``SELECT_WHERE``, ``DATE_FROM``, ``DATE_TO``) and passes them
to :func:`load_selected`, so that a researcher can point every notebook at
their own corpus, and a subset of it, in one place. The functions live in
:mod:`corpus_tools.corpus`; this module gathers them for the notebooks, and
adds :func:`save_result` / :func:`load_result`, through which one notebook
hands a table to another (never through ``figures/``).
"""
from __future__ import annotations

from .corpus import doc_labels, group_labels, load_selected, resolve_corpus_path

__all__ = ["resolve_corpus_path", "load_selected", "group_labels", "doc_labels", "save_result", "load_result"]


#: The cache kind that holds what one notebook hands to another.
RESULTS = "results"


def save_result(tokens, name: str, frame, *, cache=True) -> bool:
    """Keep a table for a later notebook: ``name`` for the selection ``tokens`` was made from.

    Notebook 01 saves its document-topic mixtures this way and notebook 03
    reads them with :func:`load_result`. The entry is keyed by the
    selection's content hash (``tokens.corpus_hash``), so a notebook never
    reads a table computed on another corpus or another selection; the
    latest save for a selection wins. Stored through
    :class:`corpus_tools.cache.Store` (Arrow IPC in ``.cache/results/``).
    Returns False (with a warning) when the cache cannot be written.
    """
    from .cache import Store, make_key

    return Store(RESULTS, cache).put_frame(make_key(tokens.corpus_hash, name), name, frame)


def load_result(tokens, name: str, *, cache=True):
    """The table :func:`save_result` kept under ``name`` for this selection, or None if there is none."""
    from .cache import Store, make_key

    return Store(RESULTS, cache).get_frame(make_key(tokens.corpus_hash, name), name)
