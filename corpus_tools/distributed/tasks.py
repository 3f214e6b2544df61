"""Running one function over many partitions on Dask workers: progress, retries, bad input.

:func:`map_partitions` submits ``fn(item, *args)`` for every item (a
partition's description: its files, or its token files) with
:meth:`distributed.Client.submit`, and returns the results in item order.

* **Progress.** A tqdm bar over the partitions as they finish (and the
  dashboard link printed when a local cluster starts).
* **A worker that dies** (killed, out of memory) is not our business: the
  scheduler reruns its tasks elsewhere, up to Dask's
  ``distributed.scheduler.allowed-failures`` (3) times. An exception other
  than bad input is retried ``retries`` times, then raised, naming the
  partition.
* **Bad input** (:class:`~corpus_tools.errors.CorpusError`: a file that is
  not UTF-8, a NUL byte …) fails only its partition: the others go on, and
  the failure comes back as a :class:`PartitionFailure` naming the
  partition's files and the message, for the caller to report
  (:func:`warn_failures`), never a dead run.
"""
from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import CorpusError, CorpusWarning

__all__ = ["PartitionFailure", "map_partitions", "warn_failures", "failure_message"]


@dataclass(frozen=True)
class PartitionFailure:
    """A partition that failed on bad input: its number, its files (or rows) and the error message."""

    index: int
    sources: tuple[str, ...]
    message: str


def _guarded(fn, item, *args):
    """``("ok", fn(item, *args))``, or ``("bad-input", message)`` for a CorpusError (not retried)."""
    try:
        return "ok", fn(item, *args)
    except CorpusError as exc:
        return "bad-input", str(exc)


def map_partitions(
    fn: Callable,
    items: Sequence,
    *args,
    client,
    sources: Callable[[object], Sequence[str]] | None = None,
    desc: str = "partitions",
    progress: bool | None = None,
    retries: int = 1,
    combine: Callable | None = None,
) -> tuple[list, list[PartitionFailure]]:
    """``fn(item, *args)`` for every item on the workers of ``client``; ``(results, failures)``.

    ``results`` has one entry per item, in item order (None where the item
    failed on bad input); ``failures`` lists those items as
    :class:`PartitionFailure`, with ``sources(item)`` (the files it holds)
    to name them. ``args`` are sent once to every worker when they are large
    (pass a future from ``client.scatter(..., broadcast=True)``).
    ``progress``: a tqdm bar (None: when there are more than 4 items).
    Each result is released on the workers as soon as it is gathered.
    ``combine(acc, result)`` (optional) folds each result into one value as
    it arrives (in any order; ``acc`` is None at first), so the client
    never holds every partition's result at once; ``results`` is then
    ``[acc]``.

    Raises the first exception that is not bad input once its retries are
    spent, as a RuntimeError naming the partition and its sources.
    """
    from distributed import as_completed

    tag = uuid.uuid4().hex[:8]
    futures = [
        client.submit(_guarded, fn, item, *args, key=f"{desc}-{tag}-{i:05d}", retries=retries, pure=False)
        for i, item in enumerate(items)
    ]
    index = {f.key: i for i, f in enumerate(futures)}
    results: list = [None] * len(futures)
    failures: list[PartitionFailure] = []
    show = len(futures) > 4 if progress is None else bool(progress)
    bar = None
    acc = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(futures), desc=desc, unit="part")
    try:
        for fut in as_completed(futures, loop=client.loop):
            i = index[fut.key]
            try:
                status, value = fut.result()
            except Exception as exc:
                names = list(sources(items[i])) if sources else []
                where = f" ({', '.join(names[:5])}{' …' if len(names) > 5 else ''})" if names else ""
                raise RuntimeError(f"{desc} {i}{where} failed after {retries} retries: {exc!r}") from exc
            finally:
                fut.release()
            if status == "ok" and combine is not None:
                acc = combine(acc, value)
                del value
            elif status == "ok":
                results[i] = value
            else:
                failures.append(PartitionFailure(i, tuple(sources(items[i])) if sources else (), value))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        for f in futures:  # on an error or Ctrl-C, drop what has not run
            if not f.done():
                f.cancel()
    failures.sort(key=lambda f: f.index)
    return ([acc] if combine is not None else results), failures


def failure_message(failures: Sequence[PartitionFailure]) -> str:
    """One paragraph naming every failed partition, its files and why."""
    lines = [f"{len(failures)} partition(s) failed on bad input and were left out:"]
    for f in failures:
        names = ", ".join(f.sources[:10]) + (f" and {len(f.sources) - 10} more" if len(f.sources) > 10 else "")
        lines.append(f"  partition {f.index} [{names}]: {f.message}")
    return "\n".join(lines)


def warn_failures(failures: Sequence[PartitionFailure], *, stacklevel: int = 3) -> None:
    """A :class:`~corpus_tools.errors.CorpusWarning` with :func:`failure_message`, if anything failed."""
    if failures:
        warnings.warn(failure_message(failures), CorpusWarning, stacklevel=stacklevel)
