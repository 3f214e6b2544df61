"""The Dask engine's plumbing: the client, tasks over partitions, memory.

This package knows nothing of corpora or tokens; it runs functions over
partitions. What runs on the partitions lives where the work belongs:

* :mod:`corpus_tools.corpus.partitions`: plan the partitions of a folder of
  texts on the client (metadata and the file list), load one partition on a
  worker (the same checks, ids and boilerplate rules as ``load_corpus``);
* :mod:`corpus_tools.tokens.partitioned`: ``tokenize(..., engine="dask")``
  writes a partitioned token dataset and returns a
  :class:`~corpus_tools.tokens.PartitionedTokens`;
* the analyses' count steps (``keywords.unit_counts``,
  ``keywords.frequencies``, ``keywords.collocations``, ``keywords.change``,
  ``compare.group_term_counts`` / ``doc_term_counts``,
  ``topics.prepare_bow``) count partition by partition on the workers and
  add the counts up; the statistics that follow are the in-memory code.

=====================  =========================================================
``cluster``            :func:`get_client` (a running client, a scheduler address
                       or a LocalCluster with a memory limit per worker),
                       :func:`check_engine`
``tasks``              :func:`map_partitions` (progress, retries, bad input
                       reported as :class:`PartitionFailure`)
``memory``             :class:`MemoryProbe` (peak memory per worker and client)
=====================  =========================================================
"""
from __future__ import annotations

from .cluster import (DEFAULT_MEMORY_LIMIT, DEFAULT_WORKERS, ENGINES, MEMORY_ENV, SCHEDULER_ENV, WORKERS_ENV,
                      check_engine, close_local_cluster, get_client)
from .memory import MemoryProbe, process_peak_rss, process_rss
from .tasks import PartitionFailure, failure_message, map_partitions, warn_failures

__all__ = [
    "ENGINES", "SCHEDULER_ENV", "WORKERS_ENV", "MEMORY_ENV", "DEFAULT_WORKERS", "DEFAULT_MEMORY_LIMIT",
    "check_engine", "get_client", "close_local_cluster", "map_partitions", "PartitionFailure",
    "failure_message", "warn_failures", "MemoryProbe", "process_peak_rss", "process_rss",
]
