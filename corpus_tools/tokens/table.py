"""The token table: the :class:`Tokens` object and the column helpers analyses count with.

:func:`~corpus_tools.tokens.tokenize` returns a :class:`Tokens`: ``.frame``
(one row per token, in document order), ``.sentences``, ``.docs``
(``corpus.to_frame()``) and the paragraph texts, so analysis modules never
need the corpus again.

Categories and order
--------------------
String columns are pandas categoricals whose categories are in order of first
appearance in the corpus; ``doc_id`` categories are the corpus order. This
makes the table identical whether it was built in one process or many
(``n_jobs``), and identical after a cache round trip. Their codes have the
width pandas itself picks for that many categories (:func:`code_dtype`), so
a table read from the cache is a view of the file, not a converted copy.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = [
    "Tokens", "FRAME_COLUMNS", "REQUIRED_COLUMNS", "FLAG_COLUMNS", "token_frame", "codes_view",
    "column_codes", "bincount_rows", "bool_column", "CHUNK_ROWS", "code_dtype", "categorical",
    "string_series", "arrow_strings", "LazyTable",
]


# ---------------------------------------------------------------------------
# Building columns
# ---------------------------------------------------------------------------
def code_dtype(n_categories: int):
    """The integer dtype pandas uses for the codes of a categorical with this many categories."""
    if n_categories < np.iinfo(np.int8).max:
        return np.int8
    if n_categories < np.iinfo(np.int16).max:
        return np.int16
    return np.int32


def categorical(codes: np.ndarray, categories: pd.Index) -> pd.Categorical:
    """An unordered categorical over ``codes`` (not copied when they have :func:`code_dtype`'s width).

    The codes are not checked: they must index ``categories`` (or be -1).
    """
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories, ordered=False), validate=False)


def arrow_strings(values: list[str]):
    """A pyarrow ``large_string`` array of ``values`` (the storage of pandas' ``str`` dtype)."""
    import pyarrow as pa

    return pa.array(values, type=pa.large_string())


def string_series(arrays) -> pd.Series:
    """A pandas ``str`` Series over pyarrow string arrays (no copy)."""
    import pyarrow as pa

    chunks = [a for a in arrays if len(a)] or [pa.array([], type=pa.large_string())]
    return pd.Series(pa.chunked_array(chunks, type=pa.large_string()), dtype="str")


class LazyTable:
    """A table of ``n`` rows built on first use by ``build()``: ``len(t)`` without building it, ``t()`` builds."""

    __slots__ = ("n", "build")

    def __init__(self, n: int, build):
        self.n = n
        self.build = build

    def __len__(self) -> int:
        return self.n

    def __call__(self) -> pd.DataFrame:
        return self.build()


# ---------------------------------------------------------------------------
# The Tokens object
# ---------------------------------------------------------------------------
_UNITS = ("document", "paragraph", "sentence")


class Tokens:
    """The token table of a corpus and everything analysis modules need with it.

    Attributes
    ----------
    frame
        One row per token, in document order (documents in corpus order):
        ``doc_id, paragraph, sentence, position, start, end, token, norm,
        lemma, compound, is_stop, is_punct, is_negation, is_hedge, actor``.
        ``paragraph`` indexes ``Document.paragraphs``; ``sentence`` counts
        sentences within the document from 0; ``position`` counts tokens
        within the document from 0 without gaps; ``start``/``end`` are
        character offsets in the paragraph string (``text[start:end] ==
        token``). String columns are categoricals.
    sentences
        ``doc_id, paragraph, sentence, start, end, n_tokens, text`` (offsets
        in the paragraph).
    docs
        ``corpus.to_frame()``: one row per document with its metadata.
    corpus_hash, options
        The corpus content hash and the options that shaped the table.
    from_cache
        True when the table was read from the cache.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        sentences: pd.DataFrame,
        docs: pd.DataFrame,
        paragraphs: pd.DataFrame,
        *,
        corpus_hash: str,
        options: Mapping,
        from_cache: bool = False,
    ):
        self.frame = frame
        # the sentence table, or a function that builds it on first use
        self._sentences = sentences
        self.docs = docs
        # the paragraph table, or a function that builds it on first use
        self._paragraphs = paragraphs
        self.corpus_hash = corpus_hash
        self.options = dict(options)
        self.from_cache = from_cache

    # -- basics -------------------------------------------------------------
    def __len__(self) -> int:
        """The number of tokens."""
        return len(self.frame)

    @property
    def sentences(self) -> pd.DataFrame:
        """The sentence table (see the class docstring); built or read on first use."""
        if callable(self._sentences):
            self._sentences = self._sentences()
        return self._sentences

    def __repr__(self) -> str:
        src = ", from cache" if self.from_cache else ""
        n_sent = len(self._sentences) if hasattr(self._sentences, "__len__") else len(self.sentences)
        return (
            f"<Tokens: {len(self.frame):,} tokens, {n_sent:,} sentences, "
            f"{int(self.docs['n_paragraphs'].sum()):,} paragraphs, {len(self.docs):,} documents "
            f"(hyphens={self.options.get('hyphens')!r}{src})>"
        )

    @property
    def doc_ids(self) -> list[str]:
        """The document ids, in corpus order."""
        return list(self.docs["doc_id"])

    def paragraph_texts(self) -> pd.DataFrame:
        """``doc_id, paragraph, n_tokens, text``: every paragraph, in corpus order.

        Built on first use from the documents (the texts are shared with the
        corpus, not copied until then) and kept; read from the cache when the
        table came from the cache.
        """
        if callable(self._paragraphs):
            self._paragraphs = self._paragraphs()
        return self._paragraphs

    def actors(self) -> pd.DataFrame:
        """One row per actor mention: ``doc_id, paragraph, sentence, position, actor, surface``."""
        f = self.frame
        m = codes_view(f["actor"]) != _cat_code(f["actor"], "")
        out = f.loc[m, ["doc_id", "paragraph", "sentence", "position", "actor", "token"]]
        out = out.rename(columns={"token": "surface"}).reset_index(drop=True)
        out["actor"] = out["actor"].cat.remove_unused_categories()
        out["surface"] = out["surface"].cat.remove_unused_categories()
        return out

    # -- units and bags -------------------------------------------------------
    def _unit_index(self, unit: str) -> tuple[pd.DataFrame, np.ndarray]:
        """The unit table and, per token, the row of its unit in that table."""
        if unit not in _UNITS:
            raise ParameterError(f"unit must be one of {list(_UNITS)}, not {unit!r}.")
        f = self.frame
        dcode = codes_view(f["doc_id"]).astype(np.int64)
        n_docs = len(self.docs)
        ids = self.docs["doc_id"].astype(object).to_numpy()
        if unit == "document":
            counts = np.bincount(dcode, minlength=n_docs)
            units = pd.DataFrame(
                {
                    "unit_id": ids,
                    "doc_id": pd.Categorical.from_codes(np.arange(n_docs), dtype=f["doc_id"].dtype),
                    "paragraph": np.full(n_docs, -1, np.int32),
                    "sentence": np.full(n_docs, -1, np.int32),
                    "n_tokens": counts.astype(np.int64),
                }
            )
            return units, dcode
        table = self.paragraph_texts() if unit == "paragraph" else self.sentences
        col = "paragraph" if unit == "paragraph" else "sentence"
        tcode = codes_view(table["doc_id"]).astype(np.int64)
        per_doc = np.bincount(tcode, minlength=n_docs)
        offset = np.cumsum(per_doc) - per_doc
        local = f[col].to_numpy().astype(np.int64)
        idx = offset[dcode] + local
        counts = np.bincount(idx, minlength=len(table))
        tdoc = ids[tcode]
        tnum = table[col].to_numpy()
        if unit == "paragraph":
            uid = [f"{d}/p{p:04d}" for d, p in zip(tdoc.tolist(), tnum.tolist())]
            par = tnum.astype(np.int32)
            sen = np.full(len(table), -1, np.int32)
        else:
            uid = [f"{d}/s{s:05d}" for d, s in zip(tdoc.tolist(), tnum.tolist())]
            par = table["paragraph"].to_numpy().astype(np.int32)
            sen = tnum.astype(np.int32)
        units = pd.DataFrame(
            {
                "unit_id": np.array(uid, dtype=object),
                "doc_id": table["doc_id"].to_numpy(),
                "paragraph": par,
                "sentence": sen,
                "n_tokens": counts.astype(np.int64),
            }
        )
        units["doc_id"] = pd.Categorical(units["doc_id"], dtype=f["doc_id"].dtype)
        return units, idx

    def units(self, unit: str = "paragraph") -> pd.DataFrame:
        """The units of ``unit`` ("document", "paragraph" or "sentence"), in corpus order.

        Columns ``unit_id, doc_id, paragraph, sentence, n_tokens`` (all tokens,
        before any filtering). Unit ids: ``doc_id`` for documents,
        ``f"{doc_id}/p{paragraph:04d}"`` for paragraphs and
        ``f"{doc_id}/s{sentence:05d}"`` for sentences; ``paragraph`` and
        ``sentence`` are -1 where they do not apply. Every paragraph and
        sentence is listed, also those with no tokens.
        """
        return self._unit_index(unit)[0]

    def _bag_arrays(self, unit, column, drop_stopwords, drop_punct):
        f = self.frame
        if column not in f.columns:
            raise ParameterError(f"column must be one of {list(f.columns)}, not {column!r}.")
        units, idx = self._unit_index(unit)
        keep = np.ones(len(f), dtype=bool)
        if drop_stopwords:
            keep &= ~f["is_stop"].to_numpy()
        if drop_punct:
            keep &= ~f["is_punct"].to_numpy()
        s = f[column]
        if isinstance(s.dtype, pd.CategoricalDtype):
            values = codes_view(s)[keep]
            lookup = np.asarray(s.cat.categories, dtype=object)
        else:
            values = s.to_numpy()[keep]
            lookup = None
        counts = np.bincount(idx[keep], minlength=len(units))
        bounds = np.concatenate([[0], np.cumsum(counts)])
        return units, values, lookup, bounds

    def bags(
        self,
        unit: str = "paragraph",
        column: str = "lemma",
        drop_stopwords: bool = True,
        drop_punct: bool = True,
    ) -> tuple[list[str], list[list]]:
        """``(unit_ids, token_lists)`` for every unit, in corpus order.

        ``column`` is the frame column to take (``lemma``, ``norm``,
        ``token`` …). Units left empty by the filters are kept (as ``[]``).
        """
        units, values, lookup, bounds = self._bag_arrays(unit, column, drop_stopwords, drop_punct)
        flat = (lookup[values] if lookup is not None else values).tolist()
        b = bounds.tolist()
        return units["unit_id"].tolist(), [flat[b[i]:b[i + 1]] for i in range(len(units))]

    def iter_bags(
        self,
        unit: str = "paragraph",
        column: str = "lemma",
        drop_stopwords: bool = True,
        drop_punct: bool = True,
    ) -> Iterator[tuple[str, list]]:
        """Like :meth:`bags`, as a generator of ``(unit_id, tokens)`` pairs."""
        units, values, lookup, bounds = self._bag_arrays(unit, column, drop_stopwords, drop_punct)
        b = bounds.tolist()
        for i, uid in enumerate(units["unit_id"].tolist()):
            v = values[b[i]:b[i + 1]]
            yield uid, (lookup[v] if lookup is not None else v).tolist()

    # -- selection --------------------------------------------------------------
    def select(self, doc_ids: Iterable[str]) -> "Tokens":
        """A new :class:`Tokens` with only these documents (kept in corpus order).

        Ids that are not in the table are ignored, as in ``Corpus.select``.
        ``corpus_hash`` becomes a hash of the parent hash and the selected ids.
        """
        if isinstance(doc_ids, str):
            doc_ids = [doc_ids]
        wanted = set(doc_ids)
        keep_ids = [d for d in self.docs["doc_id"].tolist() if d in wanted]
        dtype = pd.CategoricalDtype(keep_ids, ordered=False)

        def restrict(df: pd.DataFrame) -> pd.DataFrame:
            cats = df["doc_id"].cat.categories
            mapping = np.full(len(cats) + 1, -1, dtype=np.int64)
            for i, d in enumerate(keep_ids):
                mapping[cats.get_loc(d)] = i
            old = codes_view(df["doc_id"])  # no copy of the column
            rows = np.flatnonzero((mapping >= 0)[old])
            out = df.iloc[rows].reset_index(drop=True)
            out["doc_id"] = pd.Categorical.from_codes(mapping[old[rows]], dtype=dtype)
            return out

        docs = self.docs[self.docs["doc_id"].isin(keep_ids)].reset_index(drop=True)

        def lazy(src):  # a table not built yet is restricted when first used
            return (lambda: restrict(src())) if callable(src) else restrict(src)

        # The sentence and paragraph tables are restricted when first used if they are
        # not built yet (building them for a few documents would cost the whole corpus' text).
        tag = "select:" + hashlib.sha256("\x1f".join(keep_ids).encode()).hexdigest()
        return self.derive(restrict(self.frame), tag=tag, docs=docs, sentences=lazy(self._sentences),
                           paragraphs=lazy(self._paragraphs))

    def derive(self, frame: pd.DataFrame, *, tag: str, docs: pd.DataFrame | None = None,
               sentences=None, paragraphs=None) -> "Tokens":
        """A new :class:`Tokens` with another token ``frame`` (and, optionally, other tables).

        Used for every table derived from a tokenized corpus: a selection of
        documents (:meth:`select`), the authors' own words without quotations
        (:func:`corpus_tools.compare.authorial_tokens`). The tables not given
        are shared with this one. ``tag`` names the derivation: the new
        ``corpus_hash`` is a hash of this table's hash and the tag, so a
        result cached for the full table is never served for the derived one.
        ``options["derived"]`` lists the tags, oldest first.
        """
        h = hashlib.sha256(f"{self.corpus_hash}\x1f{tag}".encode("utf-8")).hexdigest()
        opts = dict(self.options)
        opts["derived"] = [*opts.get("derived", []), tag]
        return Tokens(
            frame,
            self._sentences if sentences is None else sentences,
            self.docs if docs is None else docs,
            self._paragraphs if paragraphs is None else paragraphs,
            corpus_hash=h,
            options=opts,
            from_cache=False,
        )


# ---------------------------------------------------------------------------
# Column helpers for the analyses (counting over the token table)
# ---------------------------------------------------------------------------
#: The columns of :attr:`Tokens.frame`, in order.
FRAME_COLUMNS = ("doc_id", "paragraph", "sentence", "position", "start", "end", "token", "norm",
                 "lemma", "compound", "is_stop", "is_punct", "is_negation", "is_hedge", "actor")
#: The columns every analysis may rely on.
REQUIRED_COLUMNS = ("doc_id", "paragraph", "sentence", "position", "start", "end", "token", "norm",
                    "lemma", "is_stop", "is_punct")
#: The boolean columns of :attr:`Tokens.frame`.
FLAG_COLUMNS = ("is_stop", "is_punct", "is_negation", "is_hedge")


def token_frame(tokens, *, column: str | None = None) -> pd.DataFrame:
    """The token DataFrame of a :class:`Tokens` object, checked for the columns analyses use.

    ``column`` (a term column an analysis was asked to count) must exist too.
    Raises :class:`ParameterError` for anything that is not a token table
    made by :func:`tokenize` (or derived from one), naming what is missing.
    """
    frame = getattr(tokens, "frame", None)
    if not isinstance(frame, pd.DataFrame) or not hasattr(tokens, "docs"):
        raise ParameterError(
            f"expected the Tokens table made by corpus_tools.tokenize(corpus), got {type(tokens).__name__}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ParameterError(f"the token table lacks columns {missing}; re-run tokenize()")
    if column is not None and column not in frame.columns:
        raise ParameterError(f"column={column!r} is not a token column; use 'lemma', 'norm' or 'token'")
    return frame


def codes_view(s: pd.Series) -> np.ndarray:
    """The codes of a categorical Series, as a read-only view.

    ``s.cat.codes`` builds a new Series, and under pandas' copy-on-write a
    Series made from an array copies it: one full copy of the column per
    call, which on a table of tens of millions of tokens is 35-140 MB each.
    """
    return s.array.codes


def column_codes(series: pd.Series, *, wide: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and their labels (as str), using the categorical codes when present.

    The token table of a large corpus has tens of millions of rows; working
    on codes keeps every count a numpy ``bincount`` or pandas group-by.
    ``wide=False`` returns the categorical codes as they are stored (a
    read-only view, int8/int16/int32) instead of an int64 copy.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = codes_view(series)
        return (codes.astype(np.int64) if wide else codes), series.cat.categories.astype(str).to_numpy(object)
    codes, uniques = pd.factorize(series, sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=str).astype(object)


#: Rows per slice when counting over the token table (:func:`bincount_rows`).
CHUNK_ROWS = 1 << 22


def bincount_rows(x: np.ndarray, minlength: int, mask: np.ndarray | None = None) -> np.ndarray:
    """``np.bincount(x[mask], minlength=minlength)``, by slices of the rows.

    ``np.bincount`` first copies its input to int64; over a table of tens of
    millions of tokens that copy (and the masked one before it) costs hundreds
    of MB. The counts are integers, so summing them slice by slice is exact.
    """
    out = np.zeros(minlength, dtype=np.int64)
    for a in range(0, len(x), CHUNK_ROWS):
        part = x[a:a + CHUNK_ROWS]
        if mask is not None:
            part = part[mask[a:a + CHUNK_ROWS]]
        c = np.bincount(part, minlength=minlength)
        if len(c) > len(out):  # pragma: no cover - codes beyond minlength, as np.bincount allows
            c[:len(out)] += out
            out = c
        else:
            out[:len(c)] += c
    return out


def bool_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column as a numpy array (a view for the token table's flags; NA counts as False)."""
    s = frame[column]
    if s.dtype == bool:  # the token table's flags: a view, no NA scan
        return s.to_numpy()
    return s.to_numpy(dtype=bool, na_value=False)


def _cat_code(s: pd.Series, value) -> int:
    cats = s.cat.categories
    try:
        return int(cats.get_loc(value))
    except KeyError:
        return -2
