"""Measuring memory honestly: the peak of every worker process and of the client.

Two sources per worker, both read on the worker itself with
:meth:`distributed.Client.run`:

* ``peak_rss``: the kernel's high-water mark of the worker process'
  resident memory (``getrusage(RUSAGE_SELF).ru_maxrss``), exact, covering
  the worker's whole life;
* ``dask_max``: the largest process memory the worker's own monitor
  (``Worker.monitor``, what the dashboard and the nanny's memory limit
  see) reported in samples taken every ``interval`` seconds while the
  probe runs.

A worker whose process changed during the run (another pid under the same
worker name) was restarted, for memory or otherwise: :meth:`MemoryProbe.stop`
counts those. The client's peak is its own ``ru_maxrss`` (psutil's
``memory_info`` for the current value).
"""
from __future__ import annotations

import resource
import sys
import threading
import time

__all__ = ["MemoryProbe", "process_peak_rss", "process_rss"]


def process_peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes (``ru_maxrss``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # Linux reports KiB


def process_rss() -> int:
    """Current resident memory of this process, in bytes (psutil)."""
    import psutil

    return int(psutil.Process().memory_info().rss)


def _worker_state(dask_worker=None) -> dict:
    import os

    current = None
    if dask_worker is not None:
        try:
            current = int(dask_worker.monitor.get_process_memory())
        except Exception:  # noqa: BLE001 - an older monitor: fall back to psutil
            current = None
    return {"pid": os.getpid(), "peak_rss": process_peak_rss(), "rss": current if current is not None else process_rss(),
            "name": str(getattr(dask_worker, "name", ""))}


class MemoryProbe:
    """Samples the workers' memory in a background thread while work runs.

    >>> probe = MemoryProbe(client).start()      # doctest: +SKIP
    >>> ...                                      # doctest: +SKIP
    >>> report = probe.stop()                    # doctest: +SKIP

    :meth:`stop` returns ``{"workers": {name: {"peak_rss", "dask_max",
    "pids"}}, "restarted": int, "client_peak_rss": int}`` (bytes).
    """

    def __init__(self, client, *, interval: float = 0.5):
        self.client = client
        self.interval = float(interval)
        self.workers: dict[str, dict] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        try:
            states = self.client.run(_worker_state)
        except Exception:  # noqa: BLE001 - a worker restarting between samples
            return
        for state in states.values():
            w = self.workers.setdefault(state["name"], {"peak_rss": 0, "dask_max": 0, "pids": []})
            if state["pid"] not in w["pids"]:
                w["pids"].append(state["pid"])
            w["peak_rss"] = max(w["peak_rss"], state["peak_rss"])
            w["dask_max"] = max(w["dask_max"], state["rss"])

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> "MemoryProbe":
        """Take a first sample and keep sampling every ``interval`` seconds."""
        self._sample()
        self._thread = threading.Thread(target=self._run, name="memory-probe", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> dict:
        """Stop sampling, take a last sample; the peaks per worker, restarts, and the client's peak."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        time.sleep(0.05)
        self._sample()
        restarted = sum(len(w["pids"]) - 1 for w in self.workers.values())
        return {"workers": self.workers, "restarted": restarted, "client_peak_rss": process_peak_rss()}
