"""The Dask engine: the same analyses when the corpus does not fit one process.

* :mod:`corpus_tools.corpus.partitions` plans the partitions of a folder of
  texts on the client (metadata and the file list) and loads one partition
  on a worker (the same checks, ids and boilerplate rules as ``load_corpus``);
* :mod:`.dataset`: :func:`tokenize_partitioned` writes a partitioned token
  dataset (codes agree across partitions) and returns a
  :class:`PartitionedTokens`;
* :mod:`.reduce`: the analyses' count steps run partition by partition on the
  workers and are summed; the statistics that follow are the in-memory code.

=====================  =========================================================
``cluster``            :func:`get_client` (a running client, a scheduler address
                       or a LocalCluster with a memory limit per worker),
                       :func:`check_engine`
``tasks``              :func:`map_partitions` (progress, retries, bad input
                       reported as :class:`PartitionFailure`)
``memory``             :class:`MemoryProbe` (peak memory per worker and client)
``dataset``            :func:`tokenize_partitioned`, :class:`PartitionedTokens`
``lda``                :func:`fit_lda_streaming` (gensim's online LDA fed
                       partition by partition), :class:`StreamedBow`
``reduce``             :func:`frequencies`, :func:`trend`, :func:`unit_counts`,
                       :func:`group_term_counts`, :func:`doc_term_counts`,
                       :func:`doc_sizes`, :func:`distinctive_terms`
=====================  =========================================================
"""
from __future__ import annotations

from .cluster import (DEFAULT_MEMORY_LIMIT, DEFAULT_WORKERS, ENGINES, MEMORY_ENV, SCHEDULER_ENV, WORKERS_ENV,
                      check_engine, close_local_cluster, get_client)
from .dataset import PartitionedTokens, plan_and_tokenize, tokenize_partitioned
from .lda import StreamedBow, fit_lda_streaming, streamed_dictionary
from .memory import MemoryProbe, process_peak_rss, process_rss
from .reduce import (distinctive_terms, doc_sizes, doc_term_counts, frequencies, group_term_counts, trend,
                     unit_counts)
from .tasks import PartitionFailure, failure_message, map_partitions, warn_failures

__all__ = [
    "ENGINES", "SCHEDULER_ENV", "WORKERS_ENV", "MEMORY_ENV", "DEFAULT_WORKERS", "DEFAULT_MEMORY_LIMIT",
    "check_engine", "get_client", "close_local_cluster", "map_partitions", "PartitionFailure",
    "failure_message", "warn_failures", "MemoryProbe", "process_peak_rss", "process_rss",
    "tokenize_partitioned", "plan_and_tokenize", "PartitionedTokens", "frequencies", "unit_counts", "trend", "group_term_counts",
    "doc_term_counts", "doc_sizes", "distinctive_terms", "fit_lda_streaming", "StreamedBow", "streamed_dictionary",
]
