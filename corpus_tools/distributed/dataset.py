"""A partitioned token table: tokenized on Dask workers, one set of Arrow IPC files per partition.

:func:`tokenize_partitioned` takes a :class:`~corpus_tools.corpus.CorpusPlan`
(the file list and metadata of a corpus folder, cut into partitions on the
client without reading a text) and returns a :class:`PartitionedTokens`.
Two passes over the partitions, each a task per partition on the workers:

1. **Tokenize.** The worker reads its partition's files
   (:func:`corpus_tools.corpus.load_partition`: the same decoding, checks,
   doc_ids and boilerplate rules as ``load_corpus``), tokenizes them with the
   in-memory engine (:func:`corpus_tools.tokens.assemble.tokenize_blocks`,
   one process) and writes the tables with *local* categories. It sends
   back only the categories of the string columns and the documents'
   metadata rows.
2. **Resolve the vocabulary.** The client joins the categories in
   partition order (first appearance in corpus order, the rule of the
   in-memory table, which is the same whatever the blocking); each worker
   then maps its partition's codes to the global categories and writes the
   final files. ``doc_id`` codes index the whole corpus.

So a partition read back (:meth:`PartitionedTokens.frame`) is exactly the
corresponding slice of the in-memory ``tokenize(load_corpus(...)).frame``:
same columns, same dtypes, same categories and codes. The files have the
token cache's schema (:func:`corpus_tools.tokens.store.frame_to_arrow`):
``part-00000.tokens.arrow``, ``.sentences.arrow``, ``.paragraphs.arrow``,
plus ``docs.arrow`` (every document's metadata row) and ``index.json``,
written last, in a folder named by the plan's fingerprint and the options
under ``config.cache_dir() / "token-datasets"``. A complete folder is reused.

Workers and client must see the same folder (one machine, or a shared file
system on a cluster). The client holds the metadata and the vocabulary,
never the texts or the tokens.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..cache import library_versions, make_key, source_hash
from ..config import cache_dir
from ..corpus import CorpusPlan, load_partition, plan_partitions
from ..corpus.load import finish_skipped, warn_duplicate_texts
from ..corpus.partitions import check_selection_columns
from ..errors import CorpusWarning, ParameterError
from ..io import atomic_write, atomic_write_bytes
from ..tokens import FRAME_COLUMNS, SCHEMA_VERSION, Tokens
from ..tokens.assemble import tokenize_blocks
from ..tokens.rules import make_config
from ..tokens.store import frame_from_arrow, frame_to_arrow
from ..tokens.table import FLAG_COLUMNS, LazyTable, categorical, code_dtype, codes_view
from .cluster import get_client
from .tasks import map_partitions, warn_failures

__all__ = ["tokenize_partitioned", "plan_and_tokenize", "PartitionedTokens", "DATASET_FORMAT", "STRING_COLUMNS"]

#: Version of the dataset layout (part of the folder's key).
DATASET_FORMAT = 1
#: The token columns whose categories are resolved across partitions.
STRING_COLUMNS = ("token", "norm", "lemma", "compound", "actor")
_TABLES = ("tokens", "sentences", "paragraphs")
_SENTENCE_COLUMNS = ("doc_id", "paragraph", "sentence", "start", "end", "n_tokens", "text")
_PARAGRAPH_COLUMNS = ("doc_id", "paragraph", "n_tokens", "text")
_COLUMNS = {"tokens": FRAME_COLUMNS, "sentences": _SENTENCE_COLUMNS, "paragraphs": _PARAGRAPH_COLUMNS}
_TOKENS_PACKAGE = Path(__file__).resolve().parents[1] / "tokens"


def _read_arrow(path: Path):
    import pyarrow as pa

    with pa.memory_map(str(path), "r") as source:
        return pa.ipc.open_file(source).read_all()


def _write_arrow(path: Path, table) -> None:
    """An uncompressed Arrow IPC file, written straight to a temporary file and renamed (no copy in memory)."""
    import pyarrow as pa

    def write(tmp: str) -> None:
        with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
            if table.num_rows == 0:  # no batch means no dictionary: write an empty one
                writer.write_batch(pa.record_batch([c.combine_chunks() for c in table.columns],
                                                   schema=table.schema))

    atomic_write(path, write, durable=False)


# ---------------------------------------------------------------------------
# Pass 1 and 2 (on the workers)
# ---------------------------------------------------------------------------
def _tokenize_partition(spec, cfg, folder: str) -> dict:
    """Pass 1: read, tokenize and write one partition with local categories; its summary for the client."""
    load = load_partition(spec)
    out = {"index": spec.index, "skipped": load.skipped, "hashes": load.hashes, "warnings": load.warnings,
           "known": load.known_columns, "doc_ids": [], "docs": None, "cats": None}
    if not len(load.corpus):
        return out
    frame, sentences, paragraphs, docs = tokenize_blocks(load.corpus, cfg, n_jobs=1, progress=False)
    out["cats"] = {c: frame[c].cat.categories.tolist() for c in STRING_COLUMNS}
    # one table at a time, each dropped once written: the worker's peak is the largest, not their sum
    tables = {"tokens": lambda: frame, "sentences": sentences, "paragraphs": paragraphs}
    for name in _TABLES:
        table = frame_to_arrow(tables.pop(name)())
        if name == "tokens":
            del frame
        _write_arrow(Path(folder) / f"local-{spec.index:05d}.{name}.arrow", table)
        del table
    out["doc_ids"] = load.corpus.doc_ids
    out["docs"] = docs
    return out


def _resolve_partition(job, categories: dict, folder: str) -> dict:
    """Pass 2: one partition's codes mapped to the global categories, written as its final files."""
    index, part, doc_offset = job
    root = Path(folder)
    doc_cats = categories["doc_id"]
    rows = {}
    for name in _TABLES:
        src = root / f"local-{index:05d}.{name}.arrow"
        local = frame_from_arrow(_read_arrow(src), columns=_COLUMNS[name],
                                 flags=FLAG_COLUMNS if name == "tokens" else ())
        data = {}
        for col in local.columns:
            s = local[col]
            if col == "doc_id":
                codes = codes_view(s).astype(np.int64) + doc_offset
                data[col] = categorical(codes.astype(code_dtype(len(doc_cats))), doc_cats)
            elif col in STRING_COLUMNS:
                cats = categories[col]
                mapping = cats.get_indexer(s.cat.categories)
                data[col] = categorical(mapping[codes_view(s)].astype(code_dtype(len(cats))), cats)
            else:
                data[col] = s
        table = frame_to_arrow(pd.DataFrame(data, copy=False))
        _write_arrow(root / f"part-{part:05d}.{name}.arrow", table)
        rows[name] = table.num_rows
        del local, data, table
        src.unlink()
    return rows


# ---------------------------------------------------------------------------
# The client's side
# ---------------------------------------------------------------------------
class _VocabularyFold:
    """The partitions' categories joined in partition order (first appearance in corpus order), as they arrive.

    Results come back in any order; each is kept only until every partition
    before it has been joined (they finish nearly in order), then its
    categories are merged and dropped, so the client holds the global
    vocabulary and a few partitions' lists, not all of them.
    """

    def __init__(self):
        self.next = 0
        self.pending: dict[int, dict] = {}
        self.done: list[dict] = []
        self.seen = {c: {} for c in STRING_COLUMNS}

    @staticmethod
    def add(acc, summary: dict) -> "_VocabularyFold":
        fold = acc or _VocabularyFold()
        fold.pending[summary["index"]] = summary
        while fold.next in fold.pending:
            fold._join(fold.pending.pop(fold.next))
            fold.next += 1
        return fold

    def _join(self, summary: dict) -> None:
        if summary["cats"] is not None:
            for col in STRING_COLUMNS:
                self.seen[col].update(dict.fromkeys(summary["cats"][col]))
            summary["cats"] = None
        self.done.append(summary)

    def finish(self) -> list[dict]:
        """Join what waited behind a failed partition; every summary, in partition order."""
        for index in sorted(self.pending):
            self._join(self.pending.pop(index))
        return self.done

    def categories(self) -> dict[str, pd.Index]:
        return {col: pd.Index(list(seen), dtype="str") for col, seen in self.seen.items()}


def tokenize_partitioned(
    plan: CorpusPlan,
    *,
    client=None,
    scheduler: str | None = None,
    cache: bool | str | os.PathLike = True,
    progress: bool | None = None,
    lowercase_stopwords=None,
    extra_stopwords=(),
    keep_stopwords=(),
    phrases=None,
    actors=None,
    hyphens: str = "split",
) -> "PartitionedTokens":
    """Tokenize a corpus folder partition by partition on Dask workers (see the module docstring).

    Parameters
    ----------
    plan
        From :func:`corpus_tools.corpus.plan_partitions`.
    client, scheduler
        A :class:`distributed.Client`, or the scheduler address; neither:
        :func:`corpus_tools.distributed.get_client` (a LocalCluster).
    cache
        ``True``: ``config.cache_dir() / "token-datasets"``; a path: that
        folder; ``False``: a new temporary folder (the caller removes it:
        :meth:`PartitionedTokens.remove`).
    progress
        tqdm bars over the partitions (None: for more than 4 partitions).
    lowercase_stopwords, extra_stopwords, keep_stopwords, phrases, actors, hyphens
        As for :func:`corpus_tools.tokenize` (``learned_phrases`` is not
        supported: it would need the whole table).

    Returns a :class:`PartitionedTokens`. A partition that fails on bad
    input (a file that is not text) is left out and named in one
    :class:`~corpus_tools.errors.CorpusWarning`; the skipped and duplicate
    documents are reported as ``load_corpus`` reports them. Raises
    ParameterError for a bad option, CorpusError when no document is left.
    """
    if not isinstance(plan, CorpusPlan):
        raise ParameterError(f"tokenize_partitioned takes a CorpusPlan (plan_partitions(folder)), not {type(plan).__name__}")
    cfg, opts = make_config(lowercase_stopwords=lowercase_stopwords, extra_stopwords=extra_stopwords,
                            keep_stopwords=keep_stopwords, phrases=phrases, actors=actors, hyphens=hyphens)
    opts["version"] = library_versions("corpus_tools")["corpus_tools"]
    opts["schema"] = SCHEMA_VERSION
    opts["engine"] = "dask"
    key = make_key(plan.fingerprint, opts, source_hash(_TOKENS_PACKAGE, __file__), SCHEMA_VERSION, DATASET_FORMAT)
    if cache is False or cache is None:
        folder = Path(tempfile.mkdtemp(prefix="corpus-tools-tokens-"))
    else:
        base = cache_dir() / "token-datasets" if cache is True else Path(cache)
        folder = base / key
        if (folder / "index.json").exists():
            return PartitionedTokens(folder)
        if folder.exists():  # an interrupted build: start again
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    client = client or get_client(scheduler)
    specs = list(plan.partitions)
    sources = {spec.index: spec.sources for spec in specs}
    (fold,), failures = map_partitions(_tokenize_partition, specs, cfg, str(folder), client=client,
                                       sources=lambda s: s.sources, desc="tokenize", progress=progress,
                                       combine=_VocabularyFold.add)
    fold = fold or _VocabularyFold()
    summaries = fold.finish()
    skipped = list(plan.skipped)
    for s in summaries:
        skipped.extend(s["skipped"])
        for message in dict.fromkeys(s["warnings"]):
            warnings.warn(message, CorpusWarning, stacklevel=2)
    warn_failures(failures)
    where = plan.partitions[0].where if plan.partitions else None
    check_selection_columns(where, {c for s in summaries for c in s["known"]})
    loaded = [d for s in summaries for d in s["doc_ids"]]
    finish_skipped(plan.root, [h for s in summaries for h in s["hashes"]], skipped)
    warn_duplicate_texts(h for s in summaries for h in s["hashes"])
    kept = [s for s in summaries if s["doc_ids"]]
    if not kept:
        raise ParameterError("the selection keeps no document of the corpus; check SELECT_WHERE and the dates")
    categories = {"doc_id": pd.Index(loaded, dtype="str")}
    categories.update(fold.categories())
    jobs, offset = [], 0
    for part, s in enumerate(kept):
        jobs.append((s["index"], part, offset))
        offset += len(s["doc_ids"])
    shared = client.scatter(categories, broadcast=True)
    rows, broken = map_partitions(_resolve_partition, jobs, shared, str(folder), client=client,
                                  sources=lambda j: sources[j[0]], desc="resolve", progress=progress)
    if broken:  # pragma: no cover - pass 2 reads our own files
        raise RuntimeError("resolving the vocabulary failed:\n" + "\n".join(f.message for f in broken))
    docs = pd.concat([s["docs"] for s in kept], ignore_index=True)
    import pyarrow as pa

    _write_arrow(folder / "docs.arrow", pa.Table.from_pandas(docs, preserve_index=False))
    index = {"key": key, "options": opts, "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
             "partitions": [{"rows": r, "n_docs": len(s["doc_ids"]), "sources": list(sources[s["index"]])}
                            for r, s in zip(rows, kept)],
             "failed": [{"index": f.index, "sources": list(f.sources), "message": f.message} for f in failures]}
    atomic_write_bytes(folder / "index.json", json.dumps(index, indent=1).encode())
    return PartitionedTokens(folder)


def plan_and_tokenize(path, *, where=None, date_from=None, date_to=None, client=None, cache=True,
                      progress=None, **load_options) -> "PartitionedTokens":
    """:func:`~corpus_tools.corpus.plan_partitions` then :func:`tokenize_partitioned` (default tokenizer options).

    ``load_options`` are ``plan_partitions``' (``columns``, ``metadata`` …).
    """

    plan = plan_partitions(path, where=where, date_from=date_from, date_to=date_to, **load_options)
    return tokenize_partitioned(plan, client=client, cache=cache, progress=progress)


class PartitionedTokens:
    """A token table stored as partitions (made by :func:`tokenize_partitioned`).

    Attributes: ``folder``, ``docs`` (every document's metadata row, as
    ``Tokens.docs``), ``options``, ``corpus_hash`` (the dataset's key) and
    ``n_partitions``. ``len()`` is the number of tokens. Nothing of the
    token table is read until a partition is asked for.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        index = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
        self.index = index
        self.options = dict(index["options"])
        self.corpus_hash = index["key"]
        self.docs = _read_arrow(self.folder / "docs.arrow").to_pandas()
        self.n_partitions = len(index["partitions"])
        counts = [p["n_docs"] for p in index["partitions"]]
        self.doc_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def __len__(self) -> int:
        return sum(p["rows"]["tokens"] for p in self.index["partitions"])

    def __repr__(self) -> str:
        return (f"<PartitionedTokens: {len(self):,} tokens, {len(self.docs):,} documents in "
                f"{self.n_partitions} partitions at {self.folder}>")

    def __getstate__(self):  # sent to workers: the folder only, they read the rest
        return {"folder": str(self.folder)}

    def __setstate__(self, state):
        self.__init__(state["folder"])

    def path(self, i: int, name: str = "tokens") -> Path:
        """The file of table ``name`` (tokens, sentences, paragraphs) of partition ``i``."""
        return self.folder / f"part-{i:05d}.{name}.arrow"

    def table(self, i: int, name: str = "tokens") -> pd.DataFrame:
        """Table ``name`` of partition ``i`` as written: categories global, ``doc_id`` over every document.

        ``table(i)`` is exactly the rows of partition ``i`` in the in-memory
        ``Tokens.frame`` (memory-mapped, not copied).
        """
        if not 0 <= i < self.n_partitions:
            raise ParameterError(f"partition {i}: the dataset has {self.n_partitions}")
        return frame_from_arrow(_read_arrow(self.path(i, name)), columns=_COLUMNS[name],
                                flags=FLAG_COLUMNS if name == "tokens" else ())

    def frame(self, i: int) -> pd.DataFrame:
        """The token rows of partition ``i`` (see :meth:`table`)."""
        return self.table(i, "tokens")

    def categories(self, column: str) -> pd.Index:
        """The global categories of a string column (read from the first partition's dictionary)."""
        return self.frame(0)[column].cat.categories

    def partition(self, i: int) -> Tokens:
        """Partition ``i`` as an in-memory :class:`~corpus_tools.tokens.Tokens` of its documents.

        The string columns keep the global categories (so counts line up
        across partitions); ``doc_id`` is recoded to the partition's own
        documents, and ``docs`` holds their rows, so every in-memory analysis
        runs on it as on a small corpus.
        """
        a, b = int(self.doc_offsets[i]), int(self.doc_offsets[i + 1])
        docs = self.docs.iloc[a:b].reset_index(drop=True)
        ids = pd.Index(docs["doc_id"].astype(str).tolist(), dtype="str")

        def local(df: pd.DataFrame) -> pd.DataFrame:
            codes = codes_view(df["doc_id"]).astype(np.int64) - a
            df = df.copy(deep=False)
            df["doc_id"] = categorical(codes.astype(code_dtype(len(ids))), ids)
            return df

        n_sent = self.index["partitions"][i]["rows"]["sentences"]
        return Tokens(local(self.frame(i)), LazyTable(n_sent, lambda: local(self.table(i, "sentences"))), docs,
                      lambda: local(self.table(i, "paragraphs")),
                      corpus_hash=f"{self.corpus_hash}/{i}", options=self.options)

    def __iter__(self) -> Iterator[Tokens]:
        """The partitions one after the other, as :meth:`partition` gives them (lazily)."""
        return (self.partition(i) for i in range(self.n_partitions))

    def to_dask(self, name: str = "tokens"):
        """Table ``name`` as a :class:`dask.dataframe.DataFrame`, one Dask partition per file (lazy)."""
        import dask.dataframe as dd

        meta = self.table(0, name).iloc[:0]
        return dd.from_map(_read_table, [str(self.path(i, name)) for i in range(self.n_partitions)],
                           label=f"read-{name}", meta=meta, enforce_metadata=False)

    def remove(self) -> None:
        """Delete the dataset's folder."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _read_table(path: str) -> pd.DataFrame:
    name = path.rsplit(".", 2)[-2]
    return frame_from_arrow(_read_arrow(Path(path)), columns=_COLUMNS[name],
                            flags=FLAG_COLUMNS if name == "tokens" else ())
