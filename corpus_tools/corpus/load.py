"""Loading a corpus: a folder of ``.txt`` files (with a ``metadata.csv`` sidecar) or a CSV/JSONL table.

Input formats
-------------
* a folder of ``.txt`` files (recursive, sorted) with an optional
  ``metadata.csv`` sidecar linked by a ``file`` or ``doc_id`` column;
* a ``.csv``, ``.tsv`` or ``.jsonl`` table with a text column and metadata columns.

Bad input
---------
The loader never writes to the corpus and never executes anything from it
(the sidecar is parsed as plain CSV). Each problem below either raises a
:class:`CorpusError`/:class:`MetadataError` naming the file (and line or
byte) and what to do, or is recovered from with a :class:`CorpusWarning` and
listed in ``Corpus.skipped``:

* errors: text that is not UTF-8 (Latin-1, UTF-16 without a byte-order
  mark), NUL bytes or binary files, unreadable files or folders, file names
  that are not valid UTF-8, a sidecar or table that is not valid CSV/JSONL or
  whose rows have more cells than its header, duplicate column names,
  sidecar rows for missing files or duplicate ids, invalid dates or date
  precisions, a mapped column (``columns=``) that does not exist, a missing
  text column, text that is a JSON list or object;
* recoveries: empty, whitespace-only and boilerplate-only documents are
  skipped; files without a sidecar row are skipped; symlinks (to files or
  folders) outside the corpus folder, broken symlinks and special files
  (FIFOs, sockets) with a ``.txt`` name are skipped; duplicate texts are
  kept; a paragraph of over a million characters (a file with no line
  breaks) is kept whole; trailing empty cells after the last CSV column are
  ignored; each with a warning.
"""
from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .. import config
from ..config import DATE_PRECISIONS, METADATA_FIELDS
from ..errors import CorpusError, CorpusWarning, MetadataError
from ..io import atomic_write_bytes
from .boilerplate import parse_text
from .dates import parse_date
from .files import (check_inside, decode_text, iter_txt_files, normalise_text, read_csv_text, read_file_bytes,
                    read_sidecar)
from .model import Corpus, Document

__all__ = ["load_corpus", "load_selected", "resolve_corpus_path", "LONG_PARAGRAPH", "PROVENANCE_ENV"]


def load_corpus(
    path: str | os.PathLike,
    *,
    metadata: str | os.PathLike | bool = True,
    columns: Mapping[str, str] | None = None,
    text_column: str = "text",
    id_column: str | None = None,
    doc_ids: str = "stem",
    parse_headers: bool = True,
    follow_symlinks: bool = False,
) -> Corpus:
    """Load a corpus from a folder of ``.txt`` files or a CSV/JSONL table.

    Parameters
    ----------
    path
        A folder (searched recursively for ``*.txt``, in sorted order), or a
        ``.csv``/``.jsonl`` file with one document per row.
    metadata
        For a folder: ``True`` reads ``metadata.csv`` beside the texts if it
        exists, a path reads that sidecar, ``False`` ignores sidecars. The
        sidecar links rows to files with a ``file`` column (path relative to
        the folder) or a ``doc_id`` column. Sidecar values win over values
        parsed from the text; empty sidecar cells fall back to parsed values.
        Extra columns are kept in ``Document.meta``.
    columns
        Which sidecar/table column plays which part, e.g.
        ``{"author": "country_iso", "date": "year"}``. Unnamed fields use the
        column of the same name when there is one.
    text_column, id_column
        For tables: the column with the text (default ``text``) and the one
        with the id (default ``doc_id`` if present, else ``id``, else the row
        number as ``row000001``).
    doc_ids
        For folders: ``"stem"`` (file name without ``.txt``; the default) or
        ``"path"`` (path relative to the folder, without ``.txt``), for
        corpora whose file names repeat across sub-folders.
    parse_headers
        Read titles, datelines, bylines and author bios and strip site
        chrome (see :func:`parse_text`). Switch off for clean corpora.
    follow_symlinks
        Symlinks that resolve outside the corpus folder are skipped and
        reported unless this is True.

    Returns a :class:`Corpus`. Loading never writes anything.

    Raises :class:`CorpusError` (a missing path, undecodable or binary
    files, duplicate ids) and :class:`MetadataError` (sidecar problems),
    each naming the file, the line or byte, and what to do. Empty or
    boilerplate-only documents and duplicate texts give a
    :class:`CorpusWarning` and are listed in ``Corpus.skipped``.

    Example
    -------
    >>> corpus = load_corpus("seeds")                       # doctest: +SKIP
    >>> corpus.to_frame()[["doc_id", "author", "date"]]      # doctest: +SKIP
    """
    p = Path(path)
    if not p.exists():
        raise CorpusError(
            f"{p}: no such file or folder. Expected a folder of .txt files or a "
            f".csv/.jsonl table; check the path (relative paths are relative to {Path.cwd()})."
        )
    columns = dict(columns or {})
    unknown = set(columns) - set(METADATA_FIELDS) - {"doc_id"}
    if unknown:
        raise MetadataError(
            f"columns: unknown field(s) {sorted(unknown)}; the fields that can be mapped are "
            f"{['doc_id', *METADATA_FIELDS]}"
        )
    if p.is_dir():
        corpus = _load_folder(
            p,
            metadata=metadata,
            columns=columns,
            doc_ids=doc_ids,
            parse_headers=parse_headers,
            follow_symlinks=follow_symlinks,
        )
    elif p.suffix.lower() in (".csv", ".jsonl", ".ndjson", ".tsv"):
        corpus = _load_table(
            p, columns=columns, text_column=text_column, id_column=id_column,
            parse_headers=parse_headers,
        )
    else:
        raise CorpusError(
            f"{p}: not a folder, .csv, .tsv or .jsonl file. Point load_corpus at a folder of "
            f".txt files (with an optional metadata.csv) or at a table with one document per row."
        )
    _warn_duplicates(corpus)
    return corpus


#: Paragraphs longer than this (about 170,000 words) are reported: no real
#: paragraph is that long (the longest in the UN General Debate corpus is
#: 31,787 characters), so the file has lost its line breaks.
LONG_PARAGRAPH = 1_000_000


def _build_document(
    doc_id: str,
    text: str,
    source: str,
    meta_row: Mapping[str, str] | None,
    columns: Mapping[str, str],
    where: str,
    parse_headers: bool,
) -> tuple[Document | None, str]:
    parsed = parse_text(text, parse_headers=parse_headers)
    values = {
        "title": parsed.title,
        "author": parsed.author,
        "affiliation": parsed.affiliation,
        "outlet": "",
        "date": parsed.date,
        "date_precision": parsed.date_precision,
    }
    meta: dict[str, str] = {}
    if parsed.role:
        meta["role"] = parsed.role
    if meta_row is not None:
        used = set()
        for name in METADATA_FIELDS:
            col = columns.get(name, name)
            if col in meta_row:
                if col == name:
                    used.add(col)
                v = str(meta_row[col]).strip()
                if v and v.lower() != "nan":
                    values[name] = v
        # the date column may be a year or a partial date; validate here
        date_col = columns.get("date", "date")
        if date_col in meta_row and str(meta_row[date_col]).strip():
            iso, prec = parse_date(meta_row[date_col], where=where)
            values["date"] = iso
            prec_col = columns.get("date_precision", "date_precision")
            given = str(meta_row.get(prec_col, "")).strip()
            if given and given not in DATE_PRECISIONS:
                raise MetadataError(
                    f"{where}: date_precision {given!r} is not one of {list(DATE_PRECISIONS)}; "
                    f"use day, month or year, or leave it empty to infer it from the date."
                )
            if given and DATE_PRECISIONS.index(given) < DATE_PRECISIONS.index(prec):
                raise MetadataError(
                    f"{where}: date_precision {given!r} is finer than the date {iso!r} allows; "
                    f"use {prec!r} or give a fuller date."
                )
            values["date_precision"] = given or prec
        # A mapped source column (``columns={"author": "country_iso"}``) is kept
        # under its own name as well, so ``select(where={"country_iso": ...})``
        # works whichever name the researcher uses. An unmapped column that
        # shares a standard field's name cannot be kept (the field wins).
        for k, v in meta_row.items():
            if k not in used and k not in ("file", "doc_id") and k not in METADATA_FIELDS:
                meta[k] = "" if v is None else str(v)
    longest = max(map(len, parsed.paragraphs), default=0)
    if longest > LONG_PARAGRAPH:
        warnings.warn(
            f"{source}: one paragraph is {longest:,} characters long (no line breaks); it is "
            f"kept whole, so paragraph-level analyses see it as one unit. Put line breaks "
            f"between the paragraphs if the source has them.",
            CorpusWarning,
            stacklevel=4,
        )
    if not parsed.paragraphs:
        reason = "empty" if not text.strip() else (
            "only headings or boilerplate" if parsed.removed or parsed.headings else "empty"
        )
        return None, reason
    doc = Document(
        doc_id=doc_id,
        paragraphs=tuple(parsed.paragraphs),
        headings=tuple(parsed.headings),
        boilerplate=tuple(parsed.removed),
        source=source,
        meta=MappingProxyType(dict(sorted(meta.items()))),
        **values,
    )
    return doc, ""




def _load_folder(
    root: Path,
    *,
    metadata,
    columns: Mapping[str, str],
    doc_ids: str,
    parse_headers: bool,
    follow_symlinks: bool,
) -> Corpus:
    skipped: list[tuple[str, str]] = []
    files = iter_txt_files(root, follow_symlinks, skipped)
    if not files:
        raise CorpusError(
            f"{root}: no .txt files found (searched recursively). Put one document per "
            f".txt file in the folder, or load a .csv/.jsonl table instead."
        )
    if doc_ids not in ("stem", "path"):
        raise CorpusError(f"doc_ids must be 'stem' or 'path', not {doc_ids!r}")
    rel = [f.relative_to(root).as_posix() for f in files]
    ids = [Path(r).stem if doc_ids == "stem" else r[:-4] for r in rel]
    seen: dict[str, str] = {}
    for i, r in zip(ids, rel):
        if i in seen:
            raise CorpusError(
                f"{root}: files {seen[i]!r} and {r!r} both give doc_id {i!r}. Rename one, or "
                f"pass doc_ids='path' to use the relative path as the id."
            )
        seen[i] = r

    # ---- sidecar
    sidecar: Path | None = None
    if metadata is True:
        candidate = root / "metadata.csv"
        if candidate.is_symlink() or candidate.exists():
            if not follow_symlinks:
                check_inside(candidate, root, "metadata sidecar")
            sidecar = candidate
    elif metadata:
        sidecar = Path(metadata)
        if not sidecar.exists():
            raise MetadataError(f"{sidecar}: metadata file not found; check the path.")
    rows_by_id: dict[str, tuple[int, dict]] = {}
    if sidecar is not None:
        frame = read_sidecar(sidecar)
        _check_mapped_columns(columns, list(frame.columns), sidecar)
        id_col = columns.get("doc_id")
        link = id_col or ("file" if "file" in frame.columns else "doc_id" if "doc_id" in frame.columns else None)
        if link is None:
            raise MetadataError(
                f"{sidecar}: needs a 'file' column (path relative to {root}) or a 'doc_id' "
                f"column (file name without .txt) to link rows to files; found columns "
                f"{list(frame.columns)}. Rename the linking column or pass "
                f"columns={{'doc_id': '<name>'}}."
            )
        by_rel = dict(zip(rel, ids))
        by_id = set(ids)
        first_line: dict[str, int] = {}
        for n, row in enumerate(frame.to_dict("records")):
            lineno = n + 2  # header is line 1
            key = str(row[link]).strip()
            if link == "file":
                # "./a.txt", "sub//a.txt" and "sub/../a.txt" name the same file as "a.txt"
                key_posix = posixpath.normpath(key.replace("\\", "/"))
                doc = by_rel.get(key_posix)
                if doc is None and not key_posix.lower().endswith(".txt"):
                    doc = by_rel.get(key_posix + ".txt")
                if doc is None:
                    raise MetadataError(
                        f"{sidecar}, line {lineno}: file {key!r} does not exist under {root}. "
                        f"Fix the path (relative to the corpus folder) or delete the row."
                    )
            else:
                doc = key
                if doc not in by_id:
                    raise MetadataError(
                        f"{sidecar}, line {lineno}: doc_id {key!r} matches no .txt file in "
                        f"{root}. Fix the id (the file name without .txt) or delete the row."
                    )
            if doc in first_line:
                raise MetadataError(
                    f"{sidecar}, line {lineno}: duplicate entry for {doc!r} (first on line "
                    f"{first_line[doc]}). Each document needs exactly one row."
                )
            first_line[doc] = lineno
            rows_by_id[doc] = (lineno, row)
        missing = [r for r, i in zip(rel, ids) if i not in rows_by_id]
        if missing:
            # The sidecar defines the corpus: a README.txt or notes file beside
            # the texts must not become a document.
            warnings.warn(
                f"{sidecar}: {len(missing)} of {len(ids)} .txt files have no metadata row and "
                f"are skipped (e.g. {missing[:3]}). Add a row for each file that belongs to "
                f"the corpus, or load with metadata=False.",
                CorpusWarning,
                stacklevel=3,
            )
            skipped.extend((r, "no row in the metadata sidecar") for r in missing)
            keep = [i for i, doc_id in enumerate(ids) if doc_id in rows_by_id]
            files = [files[i] for i in keep]
            rel = [rel[i] for i in keep]
            ids = [ids[i] for i in keep]

    docs: list[Document] = []
    for f, r, doc_id in zip(files, rel, ids):
        text = decode_text(read_file_bytes(f), f)
        lineno, row = rows_by_id.get(doc_id, (0, None))
        where = f"{sidecar}, line {lineno}" if row is not None else str(f)
        doc, reason = _build_document(doc_id, text, r, row, columns, where, parse_headers)
        if doc is None:
            skipped.append((r, reason))
            continue
        docs.append(doc)
    _warn_skipped(root, skipped)
    if not docs:
        reasons: dict[str, int] = {}
        for _, why in skipped:
            why = why.split(" (")[0]  # drop a symlink's target: count kinds of reason
            reasons[why] = reasons.get(why, 0) + 1
        listing = "; ".join(f"{why}: {n}" for why, n in sorted(reasons.items()))
        raise CorpusError(
            f"{root}: every file was skipped ({listing}); there is nothing to analyse. "
            f"See the warnings above for each file."
        )
    return Corpus(docs, root=root, skipped=skipped)


#: A NUL (``\\u0000``) or an unpaired surrogate (``\\ud800``): JSON escapes that
#: decode to something no text file holds.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def _json_record(obj: dict, path: Path, lineno: int, text_column: str) -> dict[str, str]:
    """One JSONL object as strings; a list or object where the text should
    be, or a ``\\u0000`` or unpaired ``\\ud800`` escape, is an error."""
    text = obj.get(text_column)
    if isinstance(text, (list, dict)):
        raise CorpusError(
            f"{path}, line {lineno}: {text_column!r} is a JSON "
            f"{'array' if isinstance(text, list) else 'object'}, not a "
            f"string. Join the parts into one string, or pass text_column='<name>'."
        )
    row: dict[str, str] = {}
    for k, v in obj.items():
        if v is None:
            v = ""
        elif isinstance(v, (list, dict)):
            v = json.dumps(v, ensure_ascii=False, sort_keys=True)
        else:
            v = str(v)
        for what, value in (("a key", k), (f"the value of {k!r}", v)):
            m = _NOT_TEXT.search(value)
            if m:
                kind = "a NUL character" if m.group() == "\x00" else "an unpaired UTF-16 surrogate"
                raise CorpusError(
                    f"{path}, line {lineno}: {what} contains {kind} ({m.group()!r} at "
                    f"character {m.start()}), which is not text. Remove or fix the \\u escape."
                )
        row[k] = v
    return row


def _check_mapped_columns(columns: Mapping[str, str], available: list[str], path: Path) -> None:
    """A column named in ``columns=`` must exist: a typo would otherwise leave
    the field silently empty for every document."""
    for field_name, col in columns.items():
        if col not in available:
            raise MetadataError(
                f"{path}: no column {col!r} (given as the {field_name} column); columns are "
                f"{available}. Fix the name in columns={{{field_name!r}: ...}}."
            )


def _warn_skipped(root: Path, skipped: list[tuple[str, str]]) -> None:
    real = [s for s in skipped if s[1] in ("empty", "only headings or boilerplate")]
    if real:
        listing = "; ".join(f"{s} ({why})" for s, why in real[:10])
        more = f" and {len(real) - 10} more" if len(real) > 10 else ""
        warnings.warn(
            f"{root}: skipped {len(real)} document(s) with no body text: {listing}{more}. "
            f"See Corpus.skipped.",
            CorpusWarning,
            stacklevel=4,
        )


def _warn_duplicates(corpus: Corpus) -> None:
    seen: dict[str, str] = {}
    dups: list[tuple[str, str]] = []
    for d in corpus:
        # hash the paragraphs rather than d.text, which would cache a second
        # copy of every text on the Document
        h = hashlib.sha1("\n\n".join(d.paragraphs).encode()).hexdigest()
        if h in seen:
            dups.append((seen[h], d.doc_id))
        else:
            seen[h] = d.doc_id
    if dups:
        listing = ", ".join(f"{a} = {b}" for a, b in dups[:10])
        warnings.warn(
            f"{len(dups)} document(s) have the same text as another: {listing}. "
            f"They are kept; remove duplicates if they are not intended.",
            CorpusWarning,
            stacklevel=3,
        )


def _load_table(
    path: Path,
    *,
    columns: Mapping[str, str],
    text_column: str,
    id_column: str | None,
    parse_headers: bool,
) -> Corpus:
    text = decode_text(read_file_bytes(path), path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        records = []
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(
                    f"{path}, line {lineno}: not valid JSON ({exc.msg} at column {exc.colno}). "
                    f"Expected one JSON object per line."
                ) from None
            except (ValueError, RecursionError) as exc:
                # integers over 4,300 digits, or arrays nested thousands deep
                why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
                raise CorpusError(
                    f"{path}, line {lineno}: cannot be read as JSON ({why}). Expected one flat "
                    f"JSON object per line."
                ) from None
            if not isinstance(obj, dict):
                raise CorpusError(
                    f"{path}, line {lineno}: expected a JSON object per line, got "
                    f"{type(obj).__name__}."
                )
            records.append((lineno, _json_record(obj, path, lineno, text_column)))
    else:
        frame = read_csv_text(
            text, path, sep="\t" if suffix == ".tsv" else ",", error=CorpusError,
            expected="a header row and one document per row; quote text that contains "
            "commas or newlines",
        )
        records = [(n + 2, r) for n, r in enumerate(frame.to_dict("records"))]
    available = sorted({k for _, r in records for k in r})
    if not records:
        raise CorpusError(f"{path}: the table has no rows.")
    if not any(text_column in r for _, r in records):
        raise MetadataError(
            f"{path}: no text column {text_column!r}; columns are {available}. "
            f"Pass text_column='<name>'."
        )
    _check_mapped_columns(columns, available, path)
    id_col = id_column or columns.get("doc_id") or (
        "doc_id" if "doc_id" in available else "id" if "id" in available else None
    )
    if id_column and id_column not in available:
        raise MetadataError(f"{path}: no id column {id_column!r}; columns are {available}.")
    docs: list[Document] = []
    skipped: list[tuple[str, str]] = []
    first: dict[str, int] = {}
    for n, (lineno, row) in enumerate(records, 1):
        doc_id = str(row.get(id_col, "")).strip() if id_col else ""
        doc_id = doc_id or f"row{n:06d}"
        if doc_id in first:
            raise MetadataError(
                f"{path}, line {lineno}: duplicate id {doc_id!r} (first on line "
                f"{first[doc_id]}). Ids must be unique."
            )
        first[doc_id] = lineno
        body = normalise_text(row.get(text_column, ""))
        meta_row = {k: v for k, v in row.items() if k not in (text_column, id_col)}
        doc, reason = _build_document(
            doc_id, body, f"{path.name}:{lineno}", meta_row, columns,
            f"{path}, line {lineno}", parse_headers,
        )
        if doc is None:
            skipped.append((f"{path.name}:{lineno}", reason))
            continue
        docs.append(doc)
    _warn_skipped(path, skipped)
    if not docs:
        raise CorpusError(
            f"{path}: every row's {text_column!r} is empty; there is nothing to analyse."
        )
    return Corpus(docs, root=path, skipped=skipped)



# ---------------------------------------------------------------------------
# The notebooks' shared selection step
# ---------------------------------------------------------------------------
#: The environment variable naming the JSON file where :func:`load_selected`
#: records what it loaded. ``corpus-tools run`` sets it for each notebook and
#: builds the report's provenance from it: what the kernel actually analysed,
#: not what the run meant to pass.
PROVENANCE_ENV = "CORPUS_TOOLS_PROVENANCE_LOG"


def resolve_corpus_path(path: str | os.PathLike | None) -> Path:
    """``None`` means the seed corpus (or ``$CORPUS_TOOLS_CORPUS``).

    A relative path is tried against the working directory first, then the
    project root, so the same parameter works from ``notebooks/`` and from
    the command line.
    """
    if path is None or str(path) == "":
        return config.seeds_dir()
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    alt = config.PROJ_ROOT / p
    return alt if alt.exists() else p


def load_selected(
    path: str | os.PathLike | None = None,
    *,
    where: Mapping[str, object] | None = None,
    date_from: str | int | None = None,
    date_to: str | int | None = None,
    **load_options,
) -> Corpus:
    """Load a corpus and keep the documents the notebook's parameters select.

    ``load_options`` go to :func:`corpus_tools.load_corpus` (for example
    ``columns={"author": "country_iso", "date": "year"}``); ``where``,
    ``date_from`` and ``date_to`` go to :meth:`Corpus.select`.

    When ``$CORPUS_TOOLS_PROVENANCE_LOG`` (:data:`PROVENANCE_ENV`) names a
    file, a record of the load is appended to it (a JSON list): the resolved
    corpus path (absolute), the selection's content hash
    (:meth:`Corpus.content_hash`, which tokenizing computes anyway), the
    number of documents selected and loaded, and the selection. A record
    that cannot be written gives a warning; the analysis goes on.

    Raises :class:`MetadataError` when the selection leaves no documents,
    naming the filters so the researcher can loosen them.
    """
    resolved = resolve_corpus_path(path)
    corpus = load_corpus(resolved, **load_options)
    selected = corpus.select(where=where or None, date_from=date_from, date_to=date_to)
    if len(selected) == 0:
        raise MetadataError(
            f"the selection where={dict(where or {})}, date_from={date_from!r}, "
            f"date_to={date_to!r} keeps none of the {len(corpus)} documents; loosen "
            f"SELECT_WHERE / DATE_FROM / DATE_TO."
        )
    log = os.environ.get(PROVENANCE_ENV)
    if log:
        _record_load(Path(log), {
            "corpus": os.path.abspath(resolved),
            "content_hash": selected.content_hash(),
            "documents": len(selected),
            "documents_loaded": len(corpus),
            "selection": {"where": dict(where or {}), "date_from": date_from, "date_to": date_to,
                          "load_options": load_options},
        })
    return selected


def _record_load(log: Path, record: dict) -> None:
    """Append ``record`` to the JSON list in ``log`` (atomically); warn if that fails."""
    try:
        records = json.loads(log.read_text(encoding="utf-8")) if log.exists() else []
        records.append(record)
        atomic_write_bytes(log, json.dumps(records, indent=1, default=str).encode("utf-8"))
    except (OSError, ValueError) as exc:
        warnings.warn(f"{log}: cannot record what was loaded for the run's provenance ({exc}).",
                      CorpusWarning, stacklevel=3)
