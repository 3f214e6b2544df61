"""A corpus in partitions: planned on the client, read on the workers.

A corpus too large for one process is never loaded whole. The client reads
what is small (the file list and the metadata sidecar, every check
:func:`~corpus_tools.corpus.load_corpus` makes before it reads a text) and
cuts the files into partitions of about :data:`PARTITION_BYTES` bytes of
text (:func:`plan_partitions`); each partition is read by a Dask worker
(:func:`load_partition`), with the same decoding, checks, doc_ids and
boilerplate rules as ``load_corpus``, into a :class:`Corpus` of that
partition's documents. Partitions follow the corpus order, so the
partitions' documents one after the other are ``load_corpus``'s documents.

The selection (``where``, ``date_from``, ``date_to``) is applied on the
workers too, document by document, as :meth:`Corpus.select` does: a date
parsed from a text's header is only known once the text is read.

A CSV or JSONL table is one file: it is read on the client by
``load_corpus`` and its rows are cut into partitions there (the client holds
the table; a corpus larger than memory should be a folder of texts).
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError, MetadataError
from .load import check_load_options, list_folder, read_listed_document, text_hash
from .model import Corpus

__all__ = ["PARTITION_BYTES", "PartitionSpec", "CorpusPlan", "plan_partitions", "load_partition",
           "PartitionLoad", "check_selection_columns"]

#: Bytes of text per partition. A partition's tokenization peaks at about 30
#: bytes of memory per character (block temporaries) plus 44 bytes per token of
#: table, so 24 MB of text stay well inside a 1.5 GB worker.
PARTITION_BYTES = 24_000_000


@dataclass(frozen=True)
class PartitionSpec:
    """One partition of a corpus folder: the files a worker reads, in corpus order.

    ``entries`` are ``(path, relative path, doc_id, sidecar line, sidecar
    row or None)``; the other fields are the loading options and the
    selection, the same for every partition of a plan.
    """

    index: int
    root: str
    entries: tuple
    sidecar: str | None
    columns: Mapping[str, str]
    parse_headers: bool
    where: Mapping[str, object] | None = None
    date_from: str | None = None
    date_to: str | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """The partition's files, relative to the corpus folder."""
        return tuple(e[1] for e in self.entries)


@dataclass(frozen=True)
class CorpusPlan:
    """The partitions of a corpus folder, made by :func:`plan_partitions` without reading any text.

    ``fingerprint`` identifies the inputs (every file's path, size and
    modification time, the sidecar's, the options and the selection), so a
    partitioned token dataset can be cached under it before any text is read.
    """

    root: Path
    partitions: tuple[PartitionSpec, ...]
    skipped: tuple[tuple[str, str], ...]
    fingerprint: list = field(repr=False)

    def __len__(self) -> int:
        return sum(len(p.entries) for p in self.partitions)

    def __repr__(self) -> str:
        return f"<CorpusPlan of {len(self)} files in {len(self.partitions)} partitions from {self.root}>"


def plan_partitions(
    path: str | os.PathLike,
    *,
    partition_bytes: int = PARTITION_BYTES,
    metadata: str | os.PathLike | bool = True,
    columns: Mapping[str, str] | None = None,
    doc_ids: str = "stem",
    parse_headers: bool = True,
    follow_symlinks: bool = False,
    where: Mapping[str, object] | None = None,
    date_from: str | int | None = None,
    date_to: str | int | None = None,
) -> CorpusPlan:
    """Cut a corpus folder into partitions of about ``partition_bytes`` bytes of text.

    Reads the file list and the sidecar (every check of
    :func:`~corpus_tools.corpus.load_corpus` that needs no text), never a
    text. ``metadata``, ``columns``, ``doc_ids``, ``parse_headers`` and
    ``follow_symlinks`` are ``load_corpus``'s; ``where``, ``date_from`` and
    ``date_to`` are :meth:`Corpus.select`'s, applied on the workers.

    Returns a :class:`CorpusPlan`; pass it to ``tokenize(plan,
    engine="dask")``. Raises CorpusError for a path that is not a folder (load
    a table with ``load_corpus`` and tokenize the Corpus), and the errors of
    ``load_corpus`` for a bad folder or sidecar.
    """
    root = Path(path)
    if not root.is_dir():
        raise CorpusError(
            f"{root}: plan_partitions reads a folder of .txt files; load a .csv/.jsonl table with "
            f"load_corpus and tokenize the Corpus (its rows are partitioned on the client)."
        )
    if isinstance(partition_bytes, bool) or not isinstance(partition_bytes, int) or partition_bytes < 1:
        raise CorpusError(f"partition_bytes={partition_bytes!r}: give a positive number of bytes")
    columns = check_load_options(columns)
    listing = list_folder(root, metadata=metadata, columns=columns, doc_ids=doc_ids,
                          follow_symlinks=follow_symlinks)
    sizes, stamps = [], []
    for f in listing.files:
        st = os.stat(f)
        sizes.append(st.st_size)
        stamps.append((st.st_size, st.st_mtime_ns))
    side = None
    if listing.sidecar is not None:
        st = os.stat(listing.sidecar)
        side = (str(listing.sidecar), st.st_size, st.st_mtime_ns)
    common = dict(root=str(root), sidecar=str(listing.sidecar) if listing.sidecar is not None else None,
                  columns=dict(columns), parse_headers=bool(parse_headers), where=dict(where) if where else None,
                  date_from=None if date_from is None else str(date_from),
                  date_to=None if date_to is None else str(date_to))
    parts: list[PartitionSpec] = []
    current: list = []
    size = 0
    for f, r, doc_id, n in zip(listing.files, listing.rel, listing.ids, sizes):
        row = listing.rows.get(doc_id)
        current.append((str(f), r, doc_id, row[0] if row else 0, row[1] if row else None))
        size += n
        if size >= partition_bytes:
            parts.append(PartitionSpec(index=len(parts), entries=tuple(current), **common))
            current, size = [], 0
    if current:
        parts.append(PartitionSpec(index=len(parts), entries=tuple(current), **common))
    fingerprint = [str(root.resolve()), listing.rel, stamps, side, common, doc_ids, follow_symlinks,
                   int(partition_bytes)]
    return CorpusPlan(root, tuple(parts), tuple(listing.skipped), fingerprint)


@dataclass
class PartitionLoad:
    """What :func:`load_partition` returns: the partition's corpus and what the client must report."""

    corpus: Corpus
    skipped: list[tuple[str, str]]          #: files without body text, with the reason
    hashes: list[tuple[str, str]]           #: (doc_id, text hash) of every document, for duplicates
    warnings: list[str]                     #: warnings raised while reading (long paragraphs …)
    known_columns: list[str]                #: metadata columns of the partition's documents
    n_loaded: int                           #: documents before the selection


def load_partition(spec: PartitionSpec) -> PartitionLoad:
    """Read one partition's files (on a worker): a :class:`PartitionLoad`.

    The same reading, checks, doc_ids and boilerplate rules as
    :func:`~corpus_tools.corpus.load_corpus`, then the plan's selection,
    document by document. A column of ``where`` that none of this
    partition's documents has selects none of them here (the client raises
    if no partition has it). Raises CorpusError for a file that cannot be
    read as text (the partition is then reported with its files).
    """
    docs, skipped = [], []
    root = Path(spec.root)
    sidecar = Path(spec.sidecar) if spec.sidecar else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for path, rel, doc_id, lineno, row in spec.entries:
            doc, reason = read_listed_document(
                Path(path), rel, doc_id, (lineno, row) if row is not None else None, sidecar=sidecar,
                columns=spec.columns, parse_headers=spec.parse_headers)
            if doc is None:
                skipped.append((rel, reason))
            else:
                docs.append(doc)
    corpus = Corpus(docs, root=root)
    hashes = [(d.doc_id, text_hash(d)) for d in docs]
    known = corpus.metadata_columns()
    where = dict(spec.where or {})
    if any(col not in set(known) | {"doc_id"} for col in where):
        selected = Corpus([], root=root)
    elif where or spec.date_from is not None or spec.date_to is not None:
        selected = corpus.select(where=where or None, date_from=spec.date_from, date_to=spec.date_to)
    else:
        selected = corpus
    return PartitionLoad(selected, skipped, hashes, [str(w.message) for w in caught], known, len(docs))


def check_selection_columns(where: Mapping[str, object] | None, known: set[str]) -> None:
    """MetadataError, as :meth:`Corpus.select` raises it, for a ``where`` column no partition has."""
    for col in (where or {}):
        if col not in known | {"doc_id"}:
            raise MetadataError(f"select: no metadata column {col!r}; available: {sorted(known | {'doc_id'})}")
