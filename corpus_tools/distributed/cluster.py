"""Which engine runs the analyses, and the Dask client it runs them on.

Two engines, one switch (the notebooks' ``ENGINE`` parameter, ``corpus-tools
run --engine``):

``"memory"`` (default)
    Everything in this process: :func:`corpus_tools.tokenize` returns an
    in-memory :class:`~corpus_tools.tokens.Tokens` table.
``"dask"``
    The token table is a partitioned dataset written by Dask workers, and
    the counts behind the analyses are computed partition by partition on
    the workers and summed (see :mod:`corpus_tools.distributed`).

:func:`get_client` finds the cluster: a Dask client already made in this
process (``distributed.Client(...)`` in a notebook), else the scheduler at
``scheduler=`` or ``$CORPUS_TOOLS_DASK_SCHEDULER`` (:data:`SCHEDULER_ENV`),
else a :class:`distributed.LocalCluster` on this machine with
:data:`DEFAULT_WORKERS` single-threaded worker processes and a memory limit
per worker (:data:`DEFAULT_MEMORY_LIMIT`; ``$CORPUS_TOOLS_DASK_WORKERS`` and
``$CORPUS_TOOLS_DASK_MEMORY`` override them). A cluster on SLURM, PBS or
Kubernetes is started by the user with dask-jobqueue or dask-kubernetes and
reached by its scheduler address (README, "Beyond one machine"); nothing
here schedules work itself.
"""
from __future__ import annotations

import atexit
import os
import threading

from ..errors import ParameterError

__all__ = [
    "ENGINES", "SCHEDULER_ENV", "WORKERS_ENV", "MEMORY_ENV", "DEFAULT_WORKERS", "DEFAULT_MEMORY_LIMIT",
    "check_engine", "get_client", "close_local_cluster",
]

#: The engines :func:`check_engine` accepts.
ENGINES = ("memory", "dask")
#: Environment variable with the address of a running Dask scheduler (``tcp://host:8786``).
SCHEDULER_ENV = "CORPUS_TOOLS_DASK_SCHEDULER"
#: Environment variable with the number of workers of a local cluster.
WORKERS_ENV = "CORPUS_TOOLS_DASK_WORKERS"
#: Environment variable with the memory limit per worker of a local cluster ("1.5GB").
MEMORY_ENV = "CORPUS_TOOLS_DASK_MEMORY"
#: Workers of a local cluster: one per core of a 2-core laptop.
DEFAULT_WORKERS = 2
#: Memory limit per worker of a local cluster. A partition's tokenization peaks at
#: about 30 bytes per character of its text (``tokens.assemble``), so partitions
#: of :data:`corpus_tools.corpus.PARTITION_BYTES` fit with room to spare.
DEFAULT_MEMORY_LIMIT = "1.5GB"

_lock = threading.Lock()
_local: dict = {}


def check_engine(engine: str) -> str:
    """``engine`` if it is one of :data:`ENGINES`; ParameterError otherwise."""
    if engine not in ENGINES:
        raise ParameterError(f"engine={engine!r}: use 'memory' (one process) or 'dask' (ENGINE)")
    return engine


def get_client(scheduler: str | None = None, *, n_workers: int | None = None, memory_limit: str | None = None):
    """The :class:`distributed.Client` the Dask engine runs on.

    In order: the client already current in this process (unless
    ``scheduler`` names another); the scheduler at ``scheduler`` or
    ``$CORPUS_TOOLS_DASK_SCHEDULER``; else a :class:`distributed.LocalCluster`
    started once per process (``n_workers`` worker processes of one thread,
    ``memory_limit`` each; defaults from the environment, then
    :data:`DEFAULT_WORKERS` and :data:`DEFAULT_MEMORY_LIMIT`), closed when the
    process exits. Its dashboard link is printed when it starts.

    Raises ParameterError when Dask is not installed (``pip install
    'corpus_tools[dask]'``) and OSError when the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster, default_client
    except ImportError:  # pragma: no cover - the extra is installed by make
        raise ParameterError("engine='dask' needs Dask: pip install 'corpus_tools[dask]'") from None
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    with _lock:
        try:
            current = default_client()
        except ValueError:
            current = None
        if current is not None and current.status == "running" and (
                address is None or current.scheduler.address == address):
            return current
        if address:
            return Client(address, set_as_default=True)
        client = _local.get("client")
        if client is not None and client.status == "running":
            return client
        n = int(n_workers or os.environ.get(WORKERS_ENV) or DEFAULT_WORKERS)
        limit = memory_limit or os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_LIMIT
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, memory_limit=limit,
                               dashboard_address=_dashboard_address())
        client = Client(cluster, set_as_default=True)
        _local.update(cluster=cluster, client=client)
        if client.dashboard_link and _dashboard_address():
            print(f"Dask LocalCluster: {n} workers x {limit}; dashboard {client.dashboard_link}")
        atexit.register(close_local_cluster)
        return client


def _dashboard_address():
    """``":0"`` (any free port) when bokeh can serve the dashboard, else None (no dashboard)."""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return None
    return ":0"


def close_local_cluster() -> None:
    """Close the local cluster :func:`get_client` started in this process, if any."""
    with _lock:
        client, cluster = _local.pop("client", None), _local.pop("cluster", None)
    if client is not None:
        client.close()
    if cluster is not None:
        cluster.close()
