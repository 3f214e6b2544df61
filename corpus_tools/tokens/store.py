"""The token cache: a token table's four tables as Arrow IPC files, reloaded without a copy.

With ``tokenize(cache=True)`` the tables are stored through
:class:`corpus_tools.cache.Store` in ``config.cache_dir() / "tokens"``
(``$CORPUS_TOOLS_CACHE_DIR`` is honoured at call time; ``cache=PATH`` uses
that folder). The key is :func:`corpus_tools.cache.make_key` of the corpus
content hash, the options (including ``learned_phrases``, the package
version and a hash of the phrase, actor and stopword contents), a
:func:`~corpus_tools.cache.source_hash` of the ``tokens`` package and
:data:`SCHEMA_VERSION`. Per key:

* ``<key>.tokens.arrow``, ``<key>.sentences.arrow``,
  ``<key>.paragraphs.arrow``, ``<key>.docs.arrow``: Arrow IPC files
  (Feather v2, uncompressed), one record batch each. Categorical columns
  are dictionary arrays whose indices have the width pandas uses for that
  many categories and whose dictionary is the categories in order, so codes
  and category order survive the round trip. About 43 bytes per token (1.5 GB
  for the 35M tokens of the UN General Debates);
* ``<key>.index.json``: row counts and the options, written last, so an
  entry without it is incomplete and simply rebuilt.

**Reload without a copy.** The token file is memory-mapped and validated
(structure, dictionary indices in range, UTF-8, flags 0/1); each column of the
DataFrame is then a numpy view of the mapped buffers (categorical codes
through ``pd.Categorical.from_codes(..., validate=False)``), so the reload
reads nothing up front and the OS file cache serves the pages when they are
used. The sentence and paragraph tables are checked (row counts) at once
but read on first use of ``Tokens.sentences`` / ``Tokens.paragraph_texts()``.

Writes are atomic (:func:`corpus_tools.io.atomic_write`) under a file lock
(``<key>.lock``), so concurrent processes never build or write the same
entry twice. A corrupt, truncated or mismatched file is reported with a
:class:`~corpus_tools.errors.CorpusWarning` naming it and the entry is
rebuilt; an unwritable cache folder gives a warning and the table is
returned uncached.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..cache import Store
from ..errors import CorpusError
from .table import FLAG_COLUMNS, FRAME_COLUMNS, LazyTable, categorical, code_dtype, codes_view, string_series

__all__ = ["SCHEMA_VERSION", "TABLES", "read_entry", "write_entry", "frame_to_arrow", "frame_from_arrow"]

#: Bumped whenever the table layout or a rule changes, so old caches are rebuilt.
SCHEMA_VERSION = 2
#: The tables of one entry (``<key>.<name>.arrow``), in the order they are written.
TABLES = ("tokens", "sentences", "paragraphs", "docs")
#: The JSON description of an entry (``<key>.index.json``), written last.
INDEX = "index"

_SENTENCE_COLUMNS = ("doc_id", "paragraph", "sentence", "start", "end", "n_tokens", "text")
_PARAGRAPH_COLUMNS = ("doc_id", "paragraph", "n_tokens", "text")


def frame_to_arrow(frame: pd.DataFrame):
    """A pyarrow Table of a token, sentence or paragraph table, without copying its columns.

    Categoricals become dictionary arrays (the codes as indices, the
    categories as dictionary), integer columns stay as they are, ``str``
    columns keep their Arrow storage. Boolean columns are stored as uint8
    0/1: Arrow's boolean type packs 8 values a byte, which cannot be viewed
    as numpy's one-byte bool without unpacking a copy on every reload, while
    uint8 0/1 has exactly numpy bool's layout (3 bytes more per token for the
    four flags, ~100 MB on 35M tokens, against ~140 MB of unpacking per
    reload).
    """
    import pyarrow as pa

    arrays, names = [], []
    for name, col in frame.items():
        if isinstance(col.dtype, pd.CategoricalDtype):
            dictionary = pa.array(col.cat.categories.array, type=pa.large_string())
            arr = pa.DictionaryArray.from_arrays(pa.array(codes_view(col)), dictionary)
        elif col.dtype == bool:
            arr = pa.array(col.to_numpy().view(np.uint8))
        elif col.dtype == "str":
            arr = col.array.__arrow_array__()
        else:
            arr = pa.array(col.to_numpy())
        arrays.append(arr)
        names.append(name)
    return pa.table(arrays, names=names)


def _column(table, name: str):
    """One column as a single Arrow array (a copy only if the file holds several batches)."""
    col = table.column(name)
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def _view(arr) -> np.ndarray:
    """The values of a primitive Arrow array as a read-only numpy view of its buffer."""
    return arr.to_numpy(zero_copy_only=True)


def frame_from_arrow(table, *, columns: tuple[str, ...], flags: tuple[str, ...] = ()) -> pd.DataFrame:
    """The DataFrame of a table written by :func:`frame_to_arrow`, its columns views of the table's buffers.

    ``columns`` are the expected column names in order and ``flags`` the
    uint8 0/1 columns to view as bool. The table is validated as pyarrow's
    ``validate(full=True)`` would, but faster: the structure by
    ``table.validate()``, the dictionaries and texts fully (UTF-8, offsets),
    and the dictionary indices by one vectorised numpy pass each (pyarrow's
    own check of 35M indices per column costs ~5x more). Raises
    ``pyarrow.ArrowInvalid`` or ``ValueError`` for a damaged table, other
    columns, codes out of range or not of pandas' width for the number of
    categories, or a flag other than 0/1.
    """
    import pyarrow as pa

    if tuple(table.column_names) != tuple(columns):
        raise ValueError(f"columns {table.column_names}, expected {list(columns)}")
    table.validate()
    data = {}
    for name in columns:
        kind = table.schema.field(name).type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            col = table.column(name)
            col.validate(full=True)
            data[name] = string_series(col.chunks)  # chunked: no copy either way
            continue
        arr = _column(table, name)
        if pa.types.is_dictionary(arr.type):
            arr.dictionary.validate(full=True)
            cats = pd.Index(pd.array(arr.dictionary, dtype="str"))
            codes = _view(arr.indices)
            if codes.dtype != code_dtype(len(cats)):
                raise ValueError(f"codes of {name!r} are {codes.dtype}, not {np.dtype(code_dtype(len(cats)))}")
            # seen as unsigned, a negative code is huge: one pass checks both bounds
            if len(codes) and int(codes.view(codes.dtype.str.replace("i", "u")).max()) >= len(cats):
                raise ValueError(f"codes of {name!r} out of range")
            data[name] = categorical(codes, cats)
        elif name in flags:
            values = _view(arr)
            if values.dtype != np.uint8 or (len(values) and values.max() > 1):
                raise ValueError(f"flag column {name!r} is not uint8 0/1")
            data[name] = values.view(bool)
        else:
            data[name] = _view(arr)
    return pd.DataFrame(data, copy=False)


def _built(table):
    """A table that may still be a builder (:class:`LazyTable` or function): built now, not kept."""
    return table() if callable(table) else table


def write_entry(store: Store, key: str, *, frame: pd.DataFrame, sentences, paragraphs,
                docs: pd.DataFrame, meta: Mapping) -> None:
    """Write one entry: the four tables, then ``<key>.index.json`` (``meta`` plus the row counts).

    ``sentences`` and ``paragraphs`` may be builders (see :class:`LazyTable`):
    they are built for the write and dropped after it, not kept, since each
    costs about the corpus' text and is often never used. Raises ``OSError``
    when the folder cannot be written.
    """
    import pyarrow as pa

    rows = {}
    tables = (("tokens", lambda: frame), ("sentences", lambda: _built(sentences)),
              ("paragraphs", lambda: _built(paragraphs)))
    for name, get in tables:
        table = frame_to_arrow(get())
        store.write_table(key, name, table)
        rows[name] = table.num_rows
        del table
    store.write_table(key, "docs", pa.Table.from_pandas(docs, preserve_index=False))
    rows["docs"] = len(docs)
    store.write_json(key, INDEX, {**meta, "rows": rows})


def read_entry(store: Store, key: str) -> dict | None:
    """The tables of entry ``key``, or None if there is none or a file is damaged.

    Returns ``{"frame", "sentences", "paragraphs", "docs", "meta"}`` with the
    sentence table as a :class:`LazyTable` and the paragraph table as a
    function, both read on first use. A file that cannot be read, or whose
    rows or columns differ from the index, is reported with
    :meth:`Store.warn_corrupt <corpus_tools.cache.Store.warn_corrupt>` (a
    ``CorpusWarning`` naming it) and None is returned, so the caller rebuilds.
    """
    index_path = store.file(key, INDEX, "json")
    try:
        meta = store.read_json(key, INDEX)
        if meta is None:
            return None
        rows = {t: int(meta["rows"][t]) for t in TABLES}
        meta["corpus_hash"], meta["options"]  # noqa: B018 - presence check
    except Exception as exc:  # noqa: BLE001 - any damage means: rebuild
        store.warn_corrupt(index_path, exc)
        return None
    loaded = {}
    for name in TABLES:
        try:
            # validated below (tokens, and texts when first used) or here (docs, small)
            table = store.read_table(key, name, validate=name == "docs")
            if table.num_rows != rows[name]:
                raise ValueError(f"{table.num_rows} rows where the index says {rows[name]}")
            if name == "tokens":
                loaded["frame"] = frame_from_arrow(table, columns=FRAME_COLUMNS, flags=FLAG_COLUMNS)
            elif name == "docs":
                loaded["docs"] = table.to_pandas()
            else:
                table.validate()
            del table
        except Exception as exc:  # noqa: BLE001 - any damage means: rebuild
            store.warn_corrupt(store.file(key, name), exc)
            return None

    def read(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
        try:
            table = store.read_table(key, name, validate=False)  # frame_from_arrow validates
            if table.num_rows != rows[name]:
                raise ValueError(f"{table.num_rows} rows where the index says {rows[name]}")
            return frame_from_arrow(table, columns=columns)
        except Exception as exc:  # noqa: BLE001
            raise CorpusError(
                f"{store.file(key, name)}: token cache file is corrupt or unreadable ({exc}); "
                f"delete it and tokenize again."
            ) from None

    loaded["sentences"] = LazyTable(rows["sentences"], lambda: read("sentences", _SENTENCE_COLUMNS))
    loaded["paragraphs"] = lambda: read("paragraphs", _PARAGRAPH_COLUMNS)
    loaded["meta"] = meta
    return loaded
