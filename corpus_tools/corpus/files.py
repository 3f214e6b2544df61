"""Reading the files of a corpus: decoding text, parsing CSV, walking folders.

Every function here either returns what it read or raises a
:class:`~corpus_tools.errors.CorpusError` (or
:class:`~corpus_tools.errors.MetadataError` for a sidecar) naming the file,
the line or byte, what was expected and what to do. Nothing here writes,
and nothing read is ever executed (CSV is parsed as plain text).

Text conventions: UTF-8 (a byte-order mark is dropped, and so is a stray one
left inside a text by concatenating files), or UTF-16 with a byte-order
mark; CRLF/CR line endings become LF.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import stat
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import CorpusError, CorpusWarning, MetadataError

__all__ = [
    "decode_text", "normalise_text", "read_file_bytes", "check_inside", "read_sidecar", "read_csv_text",
    "iter_txt_files",
]


def decode_text(data: bytes, path: Path | str, error: type[CorpusError] = CorpusError) -> str:
    """Bytes to normalised text, or ``error`` (a :class:`CorpusError`; :class:`MetadataError`
    for a sidecar) naming the byte (its offset in the file)."""
    skip = 0  # bytes of a UTF-8 byte-order mark before the text: offsets below count from the file's start
    if data.startswith(codecs.BOM_UTF8):
        skip = len(codecs.BOM_UTF8)
        data = data[skip:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A documented recovery: UTF-16 with a byte-order mark is unambiguous.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise error(
                f"{path}: starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                f"(byte {exc.start}). Re-save it as UTF-8."
            ) from None
        return normalise_text(text)
    nul = data.find(b"\x00")
    if nul != -1:
        raise error(
            f"{path}: NUL byte at byte offset {skip + nul}; this looks like a binary file or "
            f"UTF-16 text without a byte-order mark, not UTF-8 text. Re-save it as "
            f"UTF-8 or move it out of the corpus folder."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            f"{path}: not valid UTF-8 at byte offset {skip + exc.start} (line {line}, byte "
            f"{data[exc.start:exc.start + 1]!r}). Expected UTF-8 text; if the file is "
            f"Latin-1 or Windows-1252, convert it, e.g. `iconv -f latin1 -t utf-8`."
        ) from None
    return normalise_text(text)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_text(text: str) -> str:
    """LF line endings and no U+FEFF: a byte-order mark inside a text (left by
    concatenating files that each had one) is invisible but would stick to the
    next word as a different token."""
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return _normalise_newlines(text)


def read_file_bytes(path: Path, error: type[CorpusError] = CorpusError, *,
                    max_bytes: int | None = None) -> bytes:
    """A regular file's bytes, or ``error`` saying why it cannot be read and what to do.

    The file is opened without blocking and checked on the open descriptor
    (so a swap between the check and the read cannot fool it): a FIFO, socket
    or device (``/dev/zero``, a named pipe that would block forever) is
    refused, and so is a file larger than ``max_bytes`` (default
    :data:`corpus_tools.config.MAX_FILE_BYTES`, read at call time), before
    anything is read.
    """
    if max_bytes is None:
        max_bytes = config.MAX_FILE_BYTES
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except PermissionError:
        raise error(
            f"{path}: permission denied. Make the file readable (chmod a+r) or move it out "
            f"of the corpus folder."
        ) from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a file; point at the file itself.") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise error(f"{path}: is a folder, not a file; point at the file itself.")
        if not stat.S_ISREG(st.st_mode):
            raise error(
                f"{path}: not a regular file (a FIFO, socket or device); expected a plain text file. "
                f"Replace it with a regular file or move it out of the corpus folder."
            )
        if st.st_size > max_bytes:
            raise error(
                f"{path}: {st.st_size:,} bytes, more than the {max_bytes:,} a corpus file may have. "
                f"Split it into several files (or rows), or raise corpus_tools.config.MAX_FILE_BYTES."
            )
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise error(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if len(data) > max_bytes:  # the file grew while it was read
        raise error(f"{path}: more than {max_bytes:,} bytes; split it into several files.")
    return data


def check_inside(path: Path, root: Path, what: str, *, error: type[CorpusError] = MetadataError) -> None:
    """Refuse ``path`` when it is a symlink (or under one) that leads outside ``root``.

    The sidecar found beside the texts belongs to the corpus: a link to a
    file elsewhere (a ``password`` column, ``/etc/shadow``) would put that
    file's contents into the shared reports. An explicit path the user
    passes (``metadata=PATH``) is not checked: it is what they asked for.
    """
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise error(
            f"{path}: the {what} is a link to {target}, outside the corpus folder {root}; it is not read. "
            f"Copy the file into the corpus folder, or pass its path explicitly (metadata=PATH)."
        )


def read_sidecar(path: Path) -> pd.DataFrame:
    """A metadata sidecar as a DataFrame of strings (see :func:`read_csv_text`); MetadataError if unreadable."""
    text = decode_text(read_file_bytes(path, MetadataError), path, MetadataError)
    return read_csv_text(
        text, path, sep=",", error=MetadataError,
        expected="a header row and one row per document, comma-separated, with quotes "
        "around values that contain commas",
    )


def read_csv_text(
    text: str, path: Path, *, sep: str, error: type[CorpusError], expected: str
) -> pd.DataFrame:
    """Parse CSV text as strings, refusing the shapes pandas would silently misread.

    pandas turns the first cells of rows that have more cells than the header
    into an index, shifting every value one column to the left, and renames a
    repeated column ``author.1``; both are raised here with the line instead.
    Extra cells that are all empty (a trailing comma, as some spreadsheets
    write) are dropped with a warning, rows with fewer cells than the header
    are padded with empty values, and a nameless all-empty column is dropped:
    documented recoveries.
    """
    with _csv_field_limit():
        try:
            # the header row only: no need to copy a large table a second time
            header = next(csv.reader(io.StringIO(text[: 1 << 20]), delimiter=sep), [])
        except csv.Error as exc:
            raise error(f"{path}: cannot be read as CSV ({exc}). Expected {expected}.") from None
    names = [h.strip() for h in header]
    dups = sorted({n for n in names if n and names.count(n) > 1})
    if dups:
        raise MetadataError(
            f"{path}: the header repeats column name(s) {dups}; each column needs its own name."
        )

    def parse(**extra) -> pd.DataFrame:
        # index_col=False: never take the first cells of a long row as an index
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, index_col=False,
            **extra,
        )

    def failed(exc: Exception) -> CorpusError:
        detail = " ".join(str(exc).split()).replace("Error tokenizing data. C error: ", "")
        return error(f"{path}: cannot be read as CSV ({detail}). Expected {expected}.")

    parse_error: Exception | None = None
    frame = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = parse()
    except pd.errors.EmptyDataError as exc:
        raise failed(exc) from None
    except pd.errors.ParserError as exc:
        parse_error = exc
    if parse_error is not None or any(
        issubclass(w.category, pd.errors.ParserWarning) for w in caught
    ):
        # some row is longer than the header: raise for real data beyond it,
        # or read again keeping the header's columns when the extras are empty
        if not _check_extra_cells(text, path, sep=sep, n_columns=len(header), error=error):
            if parse_error is not None:
                raise failed(parse_error) from None
        else:
            try:
                frame = parse(usecols=range(len(header)))
            except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
                raise failed(exc) from None
            warnings.warn(
                f"{path}: some rows end with empty cells beyond the header's {len(header)} "
                f"columns (a trailing {sep!r}); they are ignored.",
                CorpusWarning,
                stacklevel=5,
            )
    assert frame is not None
    # rows shorter than the header are padded with NaN even under dtype=str
    frame = frame.fillna("")
    frame.columns = [str(c).strip() for c in frame.columns]
    nameless = [
        col for col, name in zip(frame.columns, names)
        if not name and not frame[col].str.strip().any()
    ]
    return frame.drop(columns=nameless)


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    """Lift the csv module's 128 KiB cell limit: a table's text cells can be megabytes."""
    limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _check_extra_cells(
    text: str, path: Path, *, sep: str, n_columns: int, error: type[CorpusError]
) -> bool:
    """Raise for the first row with non-empty cells beyond the header's columns;
    return whether some rows have empty ones there."""
    trailing = False
    with _csv_field_limit():
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        try:
            for row in reader:
                extra = row[n_columns:]
                if any(c.strip() for c in extra):
                    raise error(
                        f"{path}, line {reader.line_num}: {len(row)} cells but the header has "
                        f"{n_columns} columns. Quote values that contain {sep!r}, or add the "
                        f"missing column names to the header."
                    )
                trailing = trailing or bool(extra)
        except csv.Error as exc:
            raise error(f"{path}, line {reader.line_num}: cannot be read as CSV ({exc}).") from None
    return trailing


def iter_txt_files(root: Path, follow_symlinks: bool, skipped: list) -> list[Path]:
    """Every ``.txt`` file under ``root`` to read, sorted by relative path.

    Symlinks whose target lies outside ``root`` (files or folders) are
    skipped and reported unless ``follow_symlinks``; a symlinked folder whose
    target lies inside ``root`` is not entered (its files are read where they
    are); broken symlinks and special files (FIFOs, sockets, devices, which
    could block a read forever) are skipped and reported. A folder that
    cannot be listed, or a file name that is not valid UTF-8, is an error.
    """
    files: list[Path] = []
    root_real = root.resolve()
    entered = {root_real}  # resolved folders already walked: symlink loops end here

    def skip(path: Path, reason: str, message: str) -> None:
        warnings.warn(f"{path}: {message}", CorpusWarning, stacklevel=5)
        skipped.append((path.relative_to(root).as_posix(), reason))

    def unreadable(exc: OSError) -> None:
        raise CorpusError(
            f"{exc.filename}: the folder cannot be read ({exc.strerror}). Make it readable "
            f"(chmod a+rx) or move it out of the corpus folder."
        )

    # followlinks=True only walks the folder symlinks kept in dirnames below
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=True):
        here = Path(dirpath)
        kept: list[str] = []
        for name in sorted(dirnames):
            d = here / name
            if d.is_symlink():
                target = d.resolve()
                if target.is_relative_to(root_real):
                    skip(d, f"symlink to a folder inside the corpus ({target})",
                         f"symlink to {target}, a folder inside the corpus folder; not entered "
                         f"(its files are read there).")
                    continue
                if not follow_symlinks:
                    skip(d, f"symlink outside the corpus folder ({target})",
                         f"symlink to {target}, outside the corpus folder; not followed. "
                         f"Copy the folder in, or pass follow_symlinks=True.")
                    continue
                if target in entered:
                    continue  # a loop, or a second link to a folder already read
                entered.add(target)
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.lower().endswith(".txt"):
                continue
            f = here / name
            _check_file_name(f)
            if f.is_symlink():
                target = f.resolve()
                if not target.exists():
                    skip(f, f"broken symlink ({target} does not exist)",
                         f"symlink to {target}, which does not exist; skipped. Restore the "
                         f"target or delete the link.")
                    continue
                if not follow_symlinks and not target.is_relative_to(root_real):
                    skip(f, f"symlink outside the corpus folder ({target})",
                         f"symlink to {target}, outside the corpus folder; not followed. "
                         f"Copy the file in, or pass follow_symlinks=True.")
                    continue
            try:
                mode = f.stat().st_mode
            except OSError:
                mode = stat.S_IFREG  # let the read report it, with the reason
            if not stat.S_ISREG(mode):
                skip(f, "not a regular file",
                     "not a regular file (a FIFO, socket or device named .txt); skipped. Move "
                     "it out of the corpus folder.")
                continue
            files.append(f)
    files.sort(key=lambda f: f.relative_to(root).as_posix())
    return files


def _check_file_name(path: Path) -> None:
    """File names that are not UTF-8 decode to lone surrogates, which cannot
    be written to a cache, a CSV or a report; name the file in bytes."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise CorpusError(
            f"{os.fsencode(path)!r}: the file name is not valid UTF-8 (perhaps Latin-1 from an "
            f"old archive). Rename the file, e.g. `convmv -f latin1 -t utf-8 --notest -r FOLDER`."
        ) from None


