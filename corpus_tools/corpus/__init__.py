"""Documents, corpus loading, metadata, dates, groups and the boilerplate audit.

=================  ==============================================================
``model``          :class:`Document`, :class:`Corpus` (records, tables, selection)
``dates``          ISO dates with a precision: parse, place on an axis, select, order
``boilerplate``    header and site-chrome rules, paragraph splitting (:func:`parse_text`)
``files``          decoding text, reading CSV sidecars, walking corpus folders
``load``           :func:`load_corpus`, :func:`load_selected` (the notebooks' selection step)
``groups``         :func:`group_labels`, :func:`doc_labels`
``partitions``     :func:`plan_partitions` (client: file list and metadata),
                   :func:`load_partition` (a Dask worker: one partition's texts)
=================  ==============================================================

>>> from corpus_tools.corpus import load_corpus          # doctest: +SKIP
>>> corpus = load_corpus("seeds")                         # doctest: +SKIP
>>> corpus.to_frame()[["doc_id", "author", "date"]]       # doctest: +SKIP
"""
from __future__ import annotations

from .boilerplate import parse_text
from .dates import date_in_range, date_interval, date_order, date_position, parse_date
from .groups import ALL_DOCUMENTS, doc_labels, group_labels, groups_for, shorten
from .load import LONG_PARAGRAPH, load_corpus, load_selected, resolve_corpus_path
from .model import Corpus, Document, Heading, Removed
from .partitions import PARTITION_BYTES, CorpusPlan, PartitionSpec, load_partition, plan_partitions

__all__ = [
    "Document",
    "Heading",
    "Removed",
    "Corpus",
    "load_corpus",
    "load_selected",
    "resolve_corpus_path",
    "parse_date",
    "parse_text",
    "date_position",
    "date_interval",
    "date_in_range",
    "date_order",
    "group_labels",
    "groups_for",
    "ALL_DOCUMENTS",
    "doc_labels",
    "shorten",
    "LONG_PARAGRAPH",
    "plan_partitions",
    "load_partition",
    "CorpusPlan",
    "PartitionSpec",
    "PARTITION_BYTES",
]
