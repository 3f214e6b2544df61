"""Files: atomic writes and reading the package's text files.

Everything the project writes (figures, CSVs, notebooks, reports, cache
entries) goes through :func:`atomic_write`: the bytes go to a temporary file
in the target's folder, which is then renamed over the target, so an
interrupted run leaves each file either as it was or fully written, never
half of one. Temporary files are named ``.NAME.*.tmp``; a run that was
killed between the two steps leaves one behind, which the next run sweeps.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import CorpusError

__all__ = ["atomic_write", "atomic_write_bytes", "read_text_file", "spreadsheet_safe", "csv_bytes", "TEMP_SUFFIX"]

#: Suffix of the temporary files :func:`atomic_write` creates.
TEMP_SUFFIX = ".tmp"


def atomic_write(path: str | os.PathLike, write: Callable[[str], None], *, durable: bool = True) -> None:
    """Write ``path`` through ``write(tmp)``, a function that writes a temporary file.

    The temporary file sits in the same folder (so the final rename is
    atomic on every POSIX file system), gets the mode a new file would get
    under the current umask, and replaces ``path`` with ``os.replace``. On
    any error, or Ctrl-C, the temporary file is removed and ``path`` is left
    as it was. The folder must exist.

    ``durable`` flushes the file to disk before the rename, so that even a
    power cut leaves the old or the new file. Cache entries pass False: they
    are validated when read and rebuilt if damaged, and flushing a
    gigabyte-sized token table would cost seconds.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    os.close(fd)
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`); skip unchanged bytes.

    Creates the folder if needed. Returns True if the file changed: a file
    whose bytes would stay the same is not rewritten, so its modification
    time (and anything watching it) is left alone.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return False
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
    return True


def read_text_file(path: str | os.PathLike, what: str) -> str:
    """The UTF-8 text of one of the package's word lists (a byte-order mark is dropped).

    Raises :class:`CorpusError` naming the file, and the byte for text that
    is not UTF-8, saying what to do.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the {what} file ({exc.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: the {what} file is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8."
        ) from None


#: A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame):
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    OWASP's rule for CSV injection: a text cell starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading single quote
    (``'=HYPERLINK(...)``), which spreadsheets show as text. Only text cells
    change: numeric columns (negative numbers included) stay numbers. Metadata
    comes from files researchers share, so every CSV the project writes goes
    through this (:func:`csv_bytes`).
    """
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        text = s.map(lambda v: ("'" + v) if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
        out[col] = text
    return out


def csv_bytes(frame) -> bytes:
    """``frame`` as UTF-8 CSV bytes (no index, ``\\n`` line ends), made :func:`spreadsheet_safe`."""
    return spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
