"""One keyed store for everything the project caches.

Three kinds of artifact are cached, each in its own folder under
:func:`corpus_tools.config.cache_dir` (``.cache/`` by default, gitignored):

``tokens/``
    token tables (:func:`corpus_tools.tokenize`);
``sweeps/``
    topic-model sweep tables (:func:`corpus_tools.topics.sweep`);
``results/``
    tables one notebook hands to another (notebook 01's topic mixtures,
    read by notebook 03), keyed by the selection they were computed on.

**One key scheme.** An entry's key is :func:`make_key` of everything its
content depends on: the input (a corpus content hash, a bag-of-words), the
options, the library versions and :func:`source_hash` of the code that
computes it. Any change gives a new key, so an entry is never stale; old
entries are simply not read again (``make clean-cache`` removes them).

**Standard formats only.** Tables are Arrow IPC files (Feather v2,
uncompressed) written and read by pyarrow, memory-mapped on reading so a
gigabyte-sized token table costs no read and no copy; small descriptions
are JSON. Never pickle: a cache file is data, not code.

**Safe to share and to interrupt.** Every file is written atomically
(:func:`corpus_tools.io.atomic_write`); :meth:`Store.lock` serialises
processes that build the same entry. A file that cannot be read, or that
does not match what its JSON sidecar says, is reported with a
:class:`~corpus_tools.errors.CorpusWarning` naming it, and the entry is
rebuilt. An unwritable cache folder gives a warning and the work goes on
uncached.
"""
from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from . import config
from .errors import CorpusWarning, ParameterError
from .io import atomic_write

__all__ = ["make_key", "source_hash", "library_versions", "Store"]


def make_key(*parts) -> str:
    """A 32-hex-digit SHA-256 key of ``parts``, in order.

    A part may be bytes, a numpy array (its dtype, shape and bytes count), or
    any JSON-able value (dicts are hashed with sorted keys). Parts are
    framed by type and length, so ``("ab", "c")`` and ``("a", "bc")`` differ.
    """
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, (bytes, bytearray, memoryview)):
            data = b"b" + bytes(part)
        elif isinstance(part, np.ndarray):
            arr = np.ascontiguousarray(part)
            data = b"a" + json.dumps([arr.dtype.str, list(arr.shape)]).encode() + arr.tobytes()
        else:
            data = b"j" + json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode()
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def source_hash(*paths: str | os.PathLike) -> str:
    """SHA-256 (16 hex digits) of the Python source of these files or packages.

    A package (a folder) contributes every ``.py`` file below it, in sorted
    order, with its relative path; editing any of them changes the hash, so
    cached results computed by the old code are not served for the new.
    """
    h = hashlib.sha256()
    for p in map(Path, paths):
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            name = f.relative_to(p).as_posix() if p.is_dir() else f.name
            h.update(name.encode() + b"\0")
            try:
                h.update(f.read_bytes())
            except OSError:  # pragma: no cover - a source file vanished mid-run
                h.update(b"<unreadable>")
    return h.hexdigest()[:16]


def library_versions(*names: str) -> dict[str, str]:
    """``{name: version}`` of installed distributions (``"none"`` for a missing one)."""
    from importlib import metadata

    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "none"
    return out


class Store:
    """The cache folder of one kind of artifact (``tokens``, ``sweeps``, ``results``).

    ``cache`` is ``True`` (``config.cache_dir() / kind``, read when the store
    is made so ``$CORPUS_TOOLS_CACHE_DIR`` applies), a folder path, or
    ``False``/``None`` (no caching: :attr:`enabled` is False and every read
    misses). Files of an entry are ``<key>.<name>.arrow`` (tables) and
    ``<key>.<name>.json``.
    """

    def __init__(self, kind: str, cache: bool | str | os.PathLike | None = True) -> None:
        self.kind = kind
        if cache is True:
            self.root: Path | None = config.cache_dir() / kind
        elif cache is False or cache is None:
            self.root = None
        elif isinstance(cache, (str, os.PathLike)):
            self.root = Path(cache)
        else:
            raise ParameterError(f"cache must be True, False or a folder path, not {cache!r}.")

    def __repr__(self) -> str:
        return f"<Store {self.kind!r} at {self.root}>" if self.root else f"<Store {self.kind!r} (off)>"

    @property
    def enabled(self) -> bool:
        return self.root is not None

    # -- files ------------------------------------------------------------------
    def file(self, key: str, name: str, ext: str = "arrow") -> Path:
        """The path of one file of entry ``key``."""
        if self.root is None:
            raise ParameterError(f"the {self.kind} cache is off")
        return self.root / f"{key}.{name}.{ext}"

    def files(self, key: str) -> list[Path]:
        """Every file of entry ``key`` that exists (tables, JSON, lock)."""
        if self.root is None or not self.root.exists():
            return []
        return sorted(self.root.glob(f"{key}.*"))

    def prepare(self) -> bool:
        """Create the folder; on failure warn once and switch the store off. Returns :attr:`enabled`."""
        if self.root is None:
            return False
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not os.access(self.root, os.W_OK | os.X_OK):
                raise PermissionError(13, "Permission denied")
        except OSError as exc:
            self.warn_unwritable(exc)
            self.root = None
        return self.root is not None

    def lock(self, key: str, *, timeout: float = -1):
        """A file lock for entry ``key`` (``with store.lock(key): ...``); call :meth:`prepare` first."""
        from filelock import FileLock

        if self.root is None:
            raise ParameterError(f"the {self.kind} cache is off")
        return FileLock(str(self.root / f"{key}.lock"), timeout=timeout)

    # -- tables -----------------------------------------------------------------
    def write_table(self, key: str, name: str, table) -> Path:
        """Write a pyarrow Table as an uncompressed Arrow IPC file, atomically; returns the path."""
        import pyarrow as pa

        path = self.file(key, name)

        def write(tmp: str) -> None:
            with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
                if table.num_rows == 0:  # write_table wrote no batch, so no dictionary (categories)
                    writer.write_batch(pa.record_batch([c.combine_chunks() for c in table.columns],
                                                       schema=table.schema))

        atomic_write(path, write, durable=False)
        return path

    def read_table(self, key: str, name: str, *, validate: bool = True):
        """A memory-mapped pyarrow Table; raises ``OSError``/``pyarrow.ArrowInvalid`` for a bad file.

        ``validate`` runs pyarrow's full validation (offsets, dictionary
        indices and UTF-8 checked against the buffers), so a damaged file is
        an exception here rather than a crash or a wrong value later.
        """
        import pyarrow as pa

        path = self.file(key, name)
        with pa.memory_map(str(path), "r") as source:
            table = pa.ipc.open_file(source).read_all()
        if validate:
            table.validate(full=True)
        return table

    def write_json(self, key: str, name: str, obj) -> Path:
        path = self.file(key, name, "json")
        text = json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1)
        atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), durable=False)
        return path

    def read_json(self, key: str, name: str):
        """The JSON of one file, or None if it does not exist (raises for a file that is not JSON)."""
        path = self.file(key, name, "json")
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    # -- whole DataFrames ------------------------------------------------------------
    def put_frame(self, key: str, name: str, frame) -> bool:
        """Store a DataFrame (index dropped); False, with a warning, if the cache cannot be written."""
        import pyarrow as pa

        if not self.prepare():
            return False
        try:
            self.write_table(key, name, pa.Table.from_pandas(frame, preserve_index=False))
        except OSError as exc:
            self.warn_unwritable(exc)
            return False
        return True

    def get_frame(self, key: str, name: str, *, columns: Iterable[str] | None = None):
        """The DataFrame stored under ``key``/``name``, or None (with a warning if the file is damaged)."""
        if self.root is None:
            return None
        path = self.file(key, name)
        if not path.exists():
            return None
        try:
            frame = self.read_table(key, name).to_pandas()
            if columns is not None and list(frame.columns) != list(columns):
                raise ValueError(f"expected columns {list(columns)}, found {list(frame.columns)}")
        except Exception as exc:  # noqa: BLE001 - any damage means: recompute
            self.warn_corrupt(path, exc)
            return None
        return frame

    # -- messages -----------------------------------------------------------------
    def warn_corrupt(self, path: Path, why) -> None:
        warnings.warn(
            f"{path}: {self.kind} cache file is corrupt or unreadable ({why}); rebuilding it.",
            CorpusWarning,
            stacklevel=3,
        )

    def warn_unwritable(self, exc: OSError) -> None:
        warnings.warn(
            f"{self.root}: cannot write the {self.kind} cache ({exc.strerror or exc}); continuing "
            f"without it. Pass cache=False, another folder, or set CORPUS_TOOLS_CACHE_DIR.",
            CorpusWarning,
            stacklevel=3,
        )
