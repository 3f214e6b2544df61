"""What every notebook imports for its first steps, in one place.

Each numbered notebook has the same selection parameters (``CORPUS``,
``LOAD_OPTIONS``, ``SELECT_WHERE``, ``DATE_FROM``, ``DATE_TO``) and passes them
to :func:`load_selected`, so that a researcher can point every notebook at
their own corpus, and a subset of it, in one place. The functions live in
:mod:`corpus_tools.corpus`; this module gathers them for the notebooks, and
adds :func:`save_result` / :func:`load_result`, through which one notebook
hands a table to another (never through ``figures/``), and
:func:`analysis_engine`, the notebooks' ``ENGINE`` switch.
"""
from __future__ import annotations

from .corpus import doc_labels, group_labels, load_selected, resolve_corpus_path

__all__ = ["resolve_corpus_path", "load_selected", "group_labels", "doc_labels", "save_result", "load_result",
           "analysis_engine", "AnalysisEngine"]


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


class AnalysisEngine:
    """The analyses a notebook runs through its ``ENGINE`` parameter (see :func:`analysis_engine`).

    Each method takes the notebook's in-memory ``tokens`` and the options of
    the function it names, and returns that function's table. With the
    ``"dask"`` engine the counts come from the partitioned table
    (:mod:`corpus_tools.distributed`), summed over the partitions, and the
    table equals the memory engine's; a table derived from ``tokens`` (the
    authors' own words, ``options["derived"]``) is not the partitioned one,
    so it is counted in memory.
    """

    def __init__(self, name: str, dataset=None):
        self.name = name
        self.dataset = dataset

    def __repr__(self) -> str:
        return f"<AnalysisEngine {self.name!r}{'' if self.dataset is None else f' on {self.dataset!r}'}>"

    def _on_dataset(self, tokens) -> bool:
        return self.dataset is not None and not tokens.options.get("derived")

    def frequencies(self, tokens, **options):
        """:func:`corpus_tools.keywords.frequencies`."""
        from . import distributed, keywords

        if self._on_dataset(tokens):
            return distributed.frequencies(self.dataset, **options)
        return keywords.frequencies(tokens, **options)

    def trend(self, tokens, terms, **options):
        """:func:`corpus_tools.keywords.trend`."""
        from . import distributed, keywords

        if self._on_dataset(tokens):
            return distributed.trend(self.dataset, terms, **options)
        return keywords.trend(tokens, terms, **options)

    def distinctive_terms(self, tokens, **options):
        """:func:`corpus_tools.compare.distinctive_terms`."""
        from . import compare, distributed

        if self._on_dataset(tokens):
            return distributed.distinctive_terms(self.dataset, **options)
        return compare.distinctive_terms(tokens, **options)


def analysis_engine(engine: str = "memory", corpus=None, *, where=None, date_from=None, date_to=None,
                    **load_options) -> AnalysisEngine:
    """The notebooks' ``ENGINE`` switch: ``"memory"`` (default) or ``"dask"``.

    With ``"dask"`` the corpus folder (``corpus``, as :func:`load_selected`
    takes it, with the same selection and ``load_options``) is planned on
    this process and tokenized on the workers of a Dask cluster
    (:func:`corpus_tools.distributed.get_client`: a running client, the
    scheduler in ``$CORPUS_TOOLS_DASK_SCHEDULER``, or a LocalCluster), into a
    cached partitioned token table. Raises ParameterError for another
    engine, CorpusError for a corpus that is a table (CSV/JSONL) rather
    than a folder.
    """
    from .distributed import check_engine, plan_and_tokenize

    if check_engine(engine) == "memory":
        return AnalysisEngine("memory")
    dataset = plan_and_tokenize(resolve_corpus_path(corpus), where=where or None, date_from=date_from,
                                date_to=date_to, **load_options)
    return AnalysisEngine("dask", dataset)
