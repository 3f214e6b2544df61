"""From blocks of documents to the tables: cutting, running (in one process or many), assembling.

:func:`tokenize_blocks` cuts the corpus into contiguous blocks of whole
documents (about 6M characters each), tokenizes them with
:func:`~corpus_tools.tokens.engine.tokenize_block` and joins the results in
document order with :class:`Assembler`, which writes each column once into a
buffer that grows in place, so peak memory stays near the final table's size.

Speed and parallelism
---------------------
``n_jobs=N > 1`` submits every block to a
:class:`concurrent.futures.ProcessPoolExecutor` of N-1 worker processes; the
calling process is the N-th: while the next block in document order is not
ready, it takes back the lowest block the pool has not started
(``Future.cancel()``) and tokenizes it itself, and it assembles the results
in document order as they arrive. (Measured on the full UN General Debates
against ``executor.map`` on N workers with an idle caller, two rounds in one
process at load 8-10: 9-12% more CPU than one process instead of 20%, and
10-25% less wall time.) Each worker returns its block as plain numpy arrays and lists,
pickled through the executor's pipe (nothing is written to disk): per token
only the type code, compound code, flags and start offset (11 bytes), the
rest is rebuilt here from counts per document, paragraph and sentence. The corpus
is cut into at least 4N blocks so the workers finish close together. The
result is identical to ``n_jobs=1`` (categories in order of first appearance
in the corpus, whatever the blocking; a test checks this). Measurements on
the UN General Debate corpus are in ``benchmarks/README.md``.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from .engine import FLAG_BITS, tokenize_block
from .rules import TokenizerConfig
from .table import (
    FLAG_COLUMNS, FRAME_COLUMNS, LazyTable, arrow_strings, categorical, code_dtype, string_series,
)

__all__ = ["tokenize_blocks", "block_ranges", "Assembler", "BLOCK_CHARS"]

#: Characters of text per block (a block's temporaries are ~30 bytes per character).
BLOCK_CHARS = 6_000_000


def block_ranges(docs: Sequence, *, n_jobs: int = 1) -> list[tuple[int, int]]:
    """Contiguous ``(first, stop)`` document ranges of roughly :data:`BLOCK_CHARS` characters each.

    With ``n_jobs > 1`` there are at least ``4 * n_jobs`` blocks (as many as
    there are documents at most), so that no worker is left with a long
    last block while the others wait.
    """
    sizes = np.array([sum(map(len, d.paragraphs)) + len(d.paragraphs) for d in docs], dtype=np.int64)
    total = int(sizes.sum())
    n_blocks = max(1, math.ceil(total / BLOCK_CHARS))
    if n_jobs > 1:
        n_blocks = max(n_blocks, 4 * n_jobs)
    n_blocks = max(1, min(n_blocks, len(docs)))
    cum = np.cumsum(sizes)
    bounds = np.searchsorted(cum, np.arange(1, n_blocks) * (total / n_blocks), "left") + 1
    edges = sorted({0, *bounds.tolist(), len(docs)})
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a] or [(0, 0)]


def tokenize_blocks(corpus, cfg: TokenizerConfig, *, n_jobs: int = 1, progress: bool | None = None):
    """Tokenize ``corpus`` block by block; ``(frame, sentences, paragraphs, docs)`` as :meth:`Assembler.finish`.

    ``n_jobs`` worker processes (1: this process only); ``progress`` shows a
    tqdm bar (None: for more than 300 documents).
    """
    docs = corpus.documents
    ranges = block_ranges(docs, n_jobs=n_jobs)
    payloads = [[d.paragraphs for d in docs[a:b]] for a, b in ranges]
    show = len(docs) > 300 if progress is None else bool(progress)
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(docs), desc="tokenize", unit="doc")
    asm = Assembler(corpus, cfg)
    try:
        if n_jobs == 1 or len(payloads) == 1:
            results = (tokenize_block(p, cfg) for p in payloads)
            _assemble(asm, results, ranges, bar)
        else:  # n_jobs - 1 worker processes, and this one
            ex = ProcessPoolExecutor(max_workers=min(n_jobs - 1, len(payloads)))
            try:
                _assemble(asm, _shared(ex, payloads, cfg), ranges, bar)
            finally:  # on an error or Ctrl-C, drop the blocks not started instead of running them
                ex.shutdown(wait=True, cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()
    return asm.finish()


def _shared(ex: ProcessPoolExecutor, payloads: list, cfg: TokenizerConfig):
    """The blocks' results in document order, the calling process working as one more worker.

    Every block is submitted to ``ex``; a block the pool has not started yet
    can be taken back with ``Future.cancel()``. While the next result in
    document order is not ready, the calling process takes back the lowest
    pending block and tokenizes it itself, so it is never idle and its own
    results are soon needed (little is held back).
    """
    futures = [ex.submit(tokenize_block, p, cfg) for p in payloads]
    local: dict[int, dict] = {}
    pending = 0  # no block below this one is still pending in the pool
    for i, fut in enumerate(futures):
        if i not in local and fut.cancel():
            local[i] = tokenize_block(payloads[i], cfg)
        while i not in local and not fut.done():
            pending = max(pending, i + 1)
            while pending < len(futures) and not futures[pending].cancel():
                pending += 1  # running or finished in the pool
            if pending == len(futures):
                break
            local[pending] = tokenize_block(payloads[pending], cfg)
            pending += 1
        yield local.pop(i) if i in local else fut.result()


def _assemble(asm: "Assembler", results, ranges, bar) -> None:
    for (a, b), result in zip(ranges, results):
        asm.add(result)
        del result  # the block's arrays are copied into the table: free them before the next
        if bar is not None:
            bar.update(b - a)


class _Interner:
    """Strings -> dense ids in first-appearance order."""

    __slots__ = ("ids", "values")

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def lookup(self, strs: list[str]) -> np.ndarray:
        """The id of each string (new strings get the next ids, in order)."""
        ids = np.fromiter(map(self.ids.get, strs, itertools.repeat(-1)), dtype=np.int64, count=len(strs))
        miss = np.flatnonzero(ids < 0)
        for i in miss.tolist():
            v = strs[i]
            j = self.ids.get(v)
            if j is None:
                j = self.ids[v] = len(self.values)
                self.values.append(v)
            ids[i] = j
        return ids

    def index(self) -> pd.Index:
        """The strings in id order, as the categories of a column."""
        return pd.Index(self.values, dtype="str")


class _Buffer:
    """An owned numpy buffer that grows in place (``ndarray.resize``: realloc/mremap)."""

    __slots__ = ("a", "n")

    def __init__(self, dtype, capacity: int):
        self.a = np.empty(max(capacity, 16), dtype=dtype)
        self.n = 0

    def take(self, k: int) -> np.ndarray:
        """A view of the next ``k`` slots to fill."""
        need = self.n + k
        if need > len(self.a):
            self.a.resize(max(need, int(len(self.a) * 1.5)), refcheck=False)
        view = self.a[self.n:need]
        self.n = need
        return view

    def extend(self, values) -> None:
        """Append ``values``."""
        self.take(len(values))[:] = values

    @property
    def v(self) -> np.ndarray:
        """A view of the values so far."""
        return self.a[: self.n]

    def finish(self, dtype=None) -> np.ndarray:
        """The filled values, trimmed in place (cast to ``dtype`` if given); the buffer is emptied."""
        self.a.resize(self.n, refcheck=False)
        a, self.a = self.a, np.empty(0, self.a.dtype)
        return a if dtype is None or a.dtype == dtype else a.astype(dtype)


# flag byte -> bool, one lookup table per flag column
_FLAG_LUTS = {k: (np.arange(256, dtype=np.uint8) & np.uint8(bit)) != 0 for k, bit in FLAG_BITS.items()}


class Assembler:
    """Concatenates block results into the final tables while blocks arrive.

    Blocks hold whole documents, so everything but the categorical codes is
    final in a block; codes are mapped from each block's vocabulary to global
    ids (first appearance in the corpus, whatever the blocking). Columns live
    in buffers that grow in place and are written once, and each block is
    dropped as soon as it is copied: peak memory stays near the size of the
    final table.
    """

    def __init__(self, corpus, cfg: TokenizerConfig):
        self.corpus = corpus
        docs = corpus.documents
        self.n_docs = len(docs)
        self.doc_cat = pd.Index([d.doc_id for d in docs], dtype="str")
        guess = sum(sum(map(len, d.paragraphs)) for d in docs) // 5 + 16  # ~1 token / 5.5 chars
        self.types = _Interner()
        self.strings = {k: _Interner() for k in ("norm", "lemma", "actor", "compound")}
        self.type_map = {k: _Buffer(np.int32, 1024) for k in ("norm", "lemma", "actor")}
        n_actors = len({a for _, a, _ in cfg.actors}) + 1
        code_dt = {"doc_id": code_dtype(self.n_docs), "actor": code_dtype(n_actors)}
        self.cols = {}
        for key in FRAME_COLUMNS:
            if key in FLAG_COLUMNS:
                dt = bool
            else:
                dt = code_dt.get(key, np.int32)
            self.cols[key] = _Buffer(dt, guess)
        self.sent = {k: [] for k in ("doc", "sent_par", "sent_idx", "sent_s", "sent_e", "tok_per_sent")}
        self.tok_per_par: list[np.ndarray] = []
        self.words_per_par: list[np.ndarray] = []
        self.doff = 0

    def add(self, b: dict) -> None:
        """Append one block (a :func:`~corpus_tools.tokens.engine.tokenize_block` result, consumed)."""
        gid = self.types.lookup(b["vocab"])
        new = np.flatnonzero(gid >= self.type_map["norm"].n)
        if len(new):  # first appearance of these types: intern their norm, lemma, actor
            order = new[np.argsort(gid[new], kind="stable")]
            for key in ("norm", "lemma", "actor"):
                vals = b[key]
                self.type_map[key].extend(self.strings[key].lookup([vals[i] for i in order.tolist()]))
        codes = b.pop("codes")
        k = len(codes)
        cols = self.cols
        np.take(gid.astype(np.int32), codes, out=cols["token"].take(k), mode="clip")
        for key in ("norm", "lemma", "actor"):
            m = self.type_map[key].v[gid].astype(cols[key].a.dtype)
            np.take(m, codes, out=cols[key].take(k), mode="clip")
        # a token ends at its start plus its type's length (a merged phrase's type is its surface)
        start = b.pop("start")
        cols["start"].take(k)[:] = start
        lengths = np.fromiter(map(len, b["vocab"]), dtype=np.int32, count=len(b["vocab"]))
        np.add(start, lengths[codes], out=cols["end"].take(k))
        del codes, start
        cm = self.strings["compound"].lookup(b["comp_cats"]).astype(np.int32)
        np.take(cm, b.pop("comp"), out=cols["compound"].take(k), mode="clip")
        # document, paragraph, sentence and position of each token, from the block's counts
        tpd, npd = b["tok_per_doc"], b["par_per_doc"]
        nd = len(tpd)
        cols["doc_id"].take(k)[:] = np.repeat(np.arange(self.doff, self.doff + nd), tpd)
        par_in_doc = np.arange(int(npd.sum()), dtype=np.int32) - np.repeat((np.cumsum(npd) - npd).astype(np.int32), npd)
        cols["paragraph"].take(k)[:] = np.repeat(par_in_doc, b["tok_per_par"])
        cols["sentence"].take(k)[:] = np.repeat(b["sent_idx"], b["tok_per_sent"])
        position = cols["position"].take(k)
        position[:] = np.arange(k, dtype=np.int32)
        position -= np.repeat((np.cumsum(tpd) - tpd).astype(np.int32), tpd)
        f = b.pop("flags")
        for key, lut in _FLAG_LUTS.items():
            np.take(lut, f, out=cols[key].take(k), mode="clip")
        self.sent["doc"].append(np.repeat(np.arange(self.doff, self.doff + nd, dtype=np.int32), b["sent_per_doc"]))
        for key in ("sent_par", "sent_idx", "sent_s", "sent_e", "tok_per_sent"):
            self.sent[key].append(b.pop(key))
        self.tok_per_par.append(b.pop("tok_per_par"))
        self.words_per_par.append(b.pop("words_per_par"))
        self.doff += nd

    def finish(self):
        """``(frame, sentences, paragraphs, docs)``: the sentence table as a :class:`LazyTable`,
        the paragraph table as a function that builds it, and ``corpus.to_frame()``."""
        if self.doff != self.n_docs:  # pragma: no cover - internal consistency
            raise RuntimeError("tokenize: blocks do not cover the corpus")
        cats = {"doc_id": self.doc_cat, "token": self.types.index()}
        for key, interner in self.strings.items():
            cats[key] = interner.index()
        data = {}
        for key in FRAME_COLUMNS:
            buf = self.cols.pop(key)
            if key in cats:
                arr = buf.finish(code_dtype(len(cats[key])))
                data[key] = categorical(arr, cats[key])
            else:
                data[key] = buf.finish()
        frame = pd.DataFrame(data, copy=False)
        del data
        n_docs, doc_cat = self.n_docs, self.doc_cat
        sent = self.sent
        sent_cols = {
            "doc": _concat_int(sent["doc"]).astype(code_dtype(n_docs)),
            "paragraph": _concat_int(sent["sent_par"]),
            "sentence": _concat_int(sent["sent_idx"]),
            "start": _concat_int(sent["sent_s"]),
            "end": _concat_int(sent["sent_e"]),
            "n_tokens": _concat_int(sent["tok_per_sent"]),
        }
        del self.sent
        docs = self.corpus.documents
        # the sentence texts are cut from the paragraphs on first use (~the corpus' size)
        sentences = LazyTable(len(sent_cols["doc"]), lambda: _sentence_table(docs, doc_cat, sent_cols))
        n_par_doc = np.fromiter((len(d.paragraphs) for d in docs), dtype=np.int64, count=n_docs)
        doc_of_par = np.repeat(np.arange(n_docs, dtype=np.int32), n_par_doc)
        tok_per_par = _concat_int(self.tok_per_par)
        words_per_par = _concat_int(self.words_per_par, np.int64)
        n_words = np.bincount(doc_of_par, weights=words_per_par, minlength=n_docs).astype(np.int64)

        def paragraphs() -> pd.DataFrame:
            return _paragraph_table(docs, doc_cat, tok_per_par)

        return frame, sentences, paragraphs, self.corpus.to_frame(n_words=n_words)


def _sentence_table(docs, doc_cat: pd.Index, cols: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """``doc_id, paragraph, sentence, start, end, n_tokens, text``; the texts cut from the paragraphs."""
    n_par_doc = np.fromiter((len(d.paragraphs) for d in docs), dtype=np.int64, count=len(docs))
    first_par = np.cumsum(n_par_doc) - n_par_doc
    paras = list(itertools.chain.from_iterable(d.paragraphs for d in docs))
    gpar = first_par[cols["doc"].astype(np.int64)] + cols["paragraph"]
    chunks = []
    step = 1 << 16  # a batch of Python strings at a time, then one Arrow chunk
    for a in range(0, len(gpar), step):
        b = a + step
        chunks.append(arrow_strings([
            paras[i][s:e] for i, s, e in zip(gpar[a:b].tolist(), cols["start"][a:b].tolist(), cols["end"][a:b].tolist())
        ]))
    return pd.DataFrame(
        {
            "doc_id": categorical(cols["doc"], doc_cat),
            **{k: cols[k] for k in ("paragraph", "sentence", "start", "end", "n_tokens")},
            "text": string_series(chunks),
        },
        copy=False,
    )


def _concat_int(arrays: list[np.ndarray], dtype=np.int32) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)


def _paragraph_table(docs, doc_cat: pd.Index, tok_per_par: np.ndarray) -> pd.DataFrame:
    """``doc_id, paragraph, n_tokens, text`` for every paragraph of ``docs``."""
    n_docs = len(docs)
    n_par_doc = np.fromiter((len(d.paragraphs) for d in docs), dtype=np.int64, count=n_docs)
    n_par = int(n_par_doc.sum())
    doc_of_par = np.repeat(np.arange(n_docs, dtype=np.int32), n_par_doc)
    texts = list(itertools.chain.from_iterable(d.paragraphs for d in docs))
    return pd.DataFrame(
        {
            "doc_id": categorical(doc_of_par, doc_cat),
            "paragraph": (np.arange(n_par, dtype=np.int64) - np.repeat(np.cumsum(n_par_doc) - n_par_doc, n_par_doc)).astype(np.int32),
            "n_tokens": tok_per_par.astype(np.int32),
            "text": string_series([arrow_strings(texts)]),
        },
        copy=False,
    )
