"""Documents, corpus loading, metadata and the boilerplate audit.

A corpus is loaded once into a :class:`Corpus` of frozen :class:`Document`
records. Texts are never changed on disk; what the loader strips (site chrome,
datelines, bylines, author bios) is kept on each document with the rule that
removed it, so ``Corpus.boilerplate_report()`` shows exactly what was dropped.

Input formats
-------------
* a folder of ``.txt`` files (recursive, sorted) with an optional
  ``metadata.csv`` sidecar linked by a ``file`` or ``doc_id`` column;
* a ``.csv`` or ``.jsonl`` table with a text column and metadata columns.

Text conventions: UTF-8 (a byte-order mark is dropped, and so is a stray one
left inside a text by concatenating files), or UTF-16 with a byte-order mark;
CRLF/CR line endings become LF, no-break spaces become spaces. A paragraph is a run of non-blank
lines that ends at a blank line or at a line ending a sentence (``. ! ? : ;``
or a closing quote); so one-paragraph-per-line files, blank-line-separated
articles and hard-wrapped text (as in parts of the UN General Debate corpus)
all give sensible paragraphs.

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

import codecs
import contextlib
import csv
import datetime as _dt
import hashlib
import io
import json
import os
import re
import stat
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from .config import DATE_PRECISIONS, METADATA_FIELDS
from .errors import CorpusError, CorpusWarning, MetadataError

__all__ = [
    "Document",
    "Heading",
    "Removed",
    "Corpus",
    "load_corpus",
    "parse_date",
    "date_position",
]


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Removed:
    """A line the loader removed from the body text, and why."""

    line: int  #: 1-based line number in the source text
    text: str
    rule: str  #: e.g. ``section_label``, ``dateline``, ``byline``, ``author_bio``


@dataclass(frozen=True)
class Heading:
    """A short heading line, kept but not counted as a paragraph."""

    before: int  #: index of the paragraph the heading precedes
    text: str
    line: int


@dataclass(frozen=True, eq=False)
class Document:
    """One document: metadata, body paragraphs, headings and what was removed.

    ``paragraphs`` holds the body text only (headings and boilerplate are
    elsewhere); ``text`` is the paragraphs joined by blank lines. ``meta``
    holds any extra sidecar or table columns (``country_iso``, ``genre`` …)
    and parsed extras such as the byline ``role``.
    """

    doc_id: str
    title: str = ""
    author: str = ""
    affiliation: str = ""
    outlet: str = ""
    date: str = ""
    date_precision: str = ""
    paragraphs: tuple[str, ...] = ()
    headings: tuple[Heading, ...] = ()
    boilerplate: tuple[Removed, ...] = ()
    source: str = ""
    meta: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def n_words(self) -> int:
        """Whitespace-delimited words in the body text."""
        return sum(len(p.split()) for p in self.paragraphs)

    def get(self, name: str, default: str = "") -> str:
        """A metadata value by name: a Document field or an extra ``meta`` column."""
        if name in _DOC_FIELDS:
            return getattr(self, name)
        return self.meta.get(name, default)


_DOC_FIELDS = ("doc_id",) + METADATA_FIELDS


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(value: object, *, where: str = "date") -> tuple[str, str]:
    """Parse an ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``).

    Returns ``(iso, precision)`` with precision ``day``, ``month`` or ``year``;
    an empty value gives ``("", "")``. A whole-number year such as ``1970`` or
    ``1970.0`` (as spreadsheets write it) is accepted.

    Raises :class:`MetadataError` naming ``where`` and the value otherwise.
    """
    s = "" if value is None else str(value).strip()
    if s == "" or s.lower() == "nan":
        return "", ""
    if re.fullmatch(r"\d{4}\.0+", s):
        s = s.split(".")[0]
    m = _ISO_DATE.match(s)
    if m:
        y, mo, d = m.groups()
        try:
            if d is not None:
                _dt.date(int(y), int(mo), int(d))
                return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", "day"
            if mo is not None:
                if not 1 <= int(mo) <= 12:
                    raise ValueError("month out of range")
                return f"{int(y):04d}-{int(mo):02d}", "month"
            return f"{int(y):04d}", "year"
        except ValueError:
            pass
    raise MetadataError(
        f"{where}: date {s!r} is not a valid ISO date. Expected YYYY-MM-DD, YYYY-MM "
        f"or YYYY (for example 2018-06 for 'June 2018', with date_precision 'month'); "
        f"fix the value or leave it empty."
    )


def date_position(date: str, precision: str = "") -> pd.Timestamp:
    """Where to draw a date on a time axis: the middle of the interval it names.

    A day is drawn on that day, a month on its 15th, a year on 1 July, so a
    point known only to the month or year sits at the centre of its range of
    possible dates. An empty date gives ``NaT``.
    """
    if not date:
        return pd.NaT
    iso, prec = parse_date(date)
    prec = precision or prec
    parts = [int(x) for x in iso.split("-")]
    if prec == "day" and len(parts) == 3:
        return pd.Timestamp(*parts)
    if prec in ("day", "month") and len(parts) >= 2:
        return pd.Timestamp(parts[0], parts[1], 15)
    return pd.Timestamp(parts[0], 7, 1)


def date_interval(date: str, precision: str = "") -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day a date of this precision can mean.

    ``("2018-06", "month")`` is 1 to 30 June 2018; ``("2019", "year")`` is the
    whole of 2019. Plots draw this range as the date's uncertainty.
    """
    parts = [int(x) for x in str(date).split("-")]
    if precision == "year" or len(parts) == 1:
        return pd.Timestamp(parts[0], 1, 1), pd.Timestamp(parts[0], 12, 31)
    if precision == "month" or len(parts) == 2:
        first = pd.Timestamp(parts[0], parts[1], 1)
        return first, first + pd.offsets.MonthEnd(0)
    day = pd.Timestamp(*parts[:3])
    return day, day


def date_in_range(date: str, date_from: str = "", date_to: str = "") -> bool:
    """Whether a document's date may fall in ``[date_from, date_to]`` (inclusive ISO prefixes).

    Dates compare as prefixes, so a date's whole interval counts: ``"2019"``
    is in ``("2019-06", "2019-12")`` and ``"2018-06"`` is in
    ``("2018-06-09", "")``. An empty date is never in a range. This is the
    one rule :meth:`Corpus.select` and :func:`corpus_tools.keywords.in_period`
    share.
    """
    if not date:
        return False
    return (not date_from or date >= date_from[: len(date)]) and (
        not date_to or date[: len(date_to)] <= date_to
    )


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------
def _decode(data: bytes, path: Path | str) -> str:
    """Bytes to normalised text, or a :class:`CorpusError` naming the byte."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A documented recovery: UTF-16 with a byte-order mark is unambiguous.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{path}: starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                f"(byte {exc.start}). Re-save it as UTF-8."
            ) from None
        return _normalise_text(text)
    nul = data.find(b"\x00")
    if nul != -1:
        raise CorpusError(
            f"{path}: NUL byte at byte offset {nul}; this looks like a binary file or "
            f"UTF-16 text without a byte-order mark, not UTF-8 text. Re-save it as "
            f"UTF-8 or move it out of the corpus folder."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CorpusError(
            f"{path}: not valid UTF-8 at byte offset {exc.start} (line {line}, byte "
            f"{data[exc.start:exc.start + 1]!r}). Expected UTF-8 text; if the file is "
            f"Latin-1 or Windows-1252, convert it, e.g. `iconv -f latin1 -t utf-8`."
        ) from None
    return _normalise_text(text)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _normalise_text(text: str) -> str:
    """LF line endings and no U+FEFF: a byte-order mark inside a text (left by
    concatenating files that each had one) is invisible but would stick to the
    next word as a different token."""
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return _normalise_newlines(text)


def _read_file(path: Path, error: type[CorpusError] = CorpusError) -> bytes:
    """A file's bytes, or ``error`` saying why it cannot be read and what to do."""
    try:
        return path.read_bytes()
    except PermissionError:
        raise error(
            f"{path}: permission denied. Make the file readable (chmod a+r) or move it out "
            f"of the corpus folder."
        ) from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a file; point at the file itself.") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc}).") from None


# ---------------------------------------------------------------------------
# Header and boilerplate rules for the seed formats (news-site commentary)
# ---------------------------------------------------------------------------
#: Whole lines that are site navigation, matched case-insensitively.
SECTION_LABELS = frozenset(
    {
        "foreign policy",
        "features",
        "recent features",
        "eastern viewpoints",
        "opinion",
        "commentary",
        "analysis",
    }
)
FOOTER_LINES = frozenset({"you might also like", "back to top", "related articles"})
_LANGUAGE = re.compile(r"^Language\s*:\s*English\b")
_SECTION_PATH = re.compile(r"^[A-Z][\w&.\- ]{0,30}(?:\s*\|\s*[A-Z][\w&.\- ]{0,30})+$")
_CREDIT = re.compile(r"^(?:Image |Photo )?Credit\s*:", re.IGNORECASE)
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_DATELINE = re.compile(rf"^({_MONTHS})[a-z]*\.?\s+(\d{{1,2}})\s*,\s*(\d{{4}})$")
_BYLINE = re.compile(r"^[•·]\s*(\S.*)$")
_BIO = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’\-]*\.?\s+){1,3}[A-Z][\w'’\-]*),\s+"
    r"(?:(?:Ph\.?\s?D\.?|M\.?A\.?|Dr\.?)\s*,\s*)?(?:is|was)\s+(?:an?\s+|the\s+)?"
    r"(?P<role>[^.,;]*?)\s+(?:at|of|with)\s+(?:the\s+)?(?P<aff>[^,.;]+)"
)
_TERMINAL = tuple(".,;:!\"”'’)…")
#: A line ending with one of these ends its paragraph; any other line
#: continues into the next non-blank line (hard-wrapped text).
_PARAGRAPH_END = tuple(".!?:;\"”’)…")
_MONTH_NUM = {m: i for i, m in enumerate(_MONTHS.replace("|Sept", "").split("|"), 1)}


def _is_heading_like(line: str, *, max_words: int = 12) -> bool:
    words = line.split()
    return (
        0 < len(words) <= max_words
        and len(line) <= 100
        and not line.endswith(_TERMINAL)
        and line[0].isupper()
    )


@dataclass
class _Parsed:
    title: str = ""
    author: str = ""
    affiliation: str = ""
    date: str = ""
    date_precision: str = ""
    role: str = ""
    paragraphs: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)


def parse_text(text: str, *, parse_headers: bool = True) -> _Parsed:
    """Split a text into body paragraphs, headings and removed boilerplate.

    With ``parse_headers`` the seed formats' header is read: title, dateline
    ("Jul 07 , 2016"), byline ("• Name" then a role line "Professor,
    Institution") and a closing author bio ("Name, Ph.D., is an associate
    professor at Institution …"), and site chrome is removed (language
    selector, section labels, repeated titles, image credits, footers). A
    title is only taken from a short line that follows site chrome, so plain
    corpora never lose their first line to it.
    """
    out = _Parsed()
    header_seen = False
    expect_role = False
    lines = text.split("\n")
    pending: list[tuple[int, str]] = []  # consecutive body lines of one paragraph

    def flush() -> None:
        if not pending:
            return
        joined = " ".join(t for _, t in pending)
        if parse_headers and len(pending) == 1 and _is_heading_like(joined):
            out.headings.append(Heading(len(out.paragraphs), joined, pending[0][0]))
        else:
            out.paragraphs.append(joined)
        pending.clear()

    for lineno, raw in enumerate(lines, 1):
        line = " ".join(raw.replace("\u00a0", " ").split())
        if not line:
            flush()
            continue
        if parse_headers:
            low = line.lower()
            rule = None
            if _LANGUAGE.match(line):
                rule = "language_selector"
            elif low in SECTION_LABELS or (
                _SECTION_PATH.match(line) and not out.paragraphs and "|" in line
            ):
                rule = "section_label"
            elif low in FOOTER_LINES:
                rule = "site_footer"
            elif _CREDIT.match(line):
                rule = "image_credit"
            elif out.title and line.lower() == out.title.lower():
                rule = "repeated_title"
            elif not out.paragraphs:
                m = _DATELINE.match(line)
                b = _BYLINE.match(line)
                if m:
                    mon = _MONTH_NUM[m.group(1)[:3]]
                    try:
                        d = _dt.date(int(m.group(3)), mon, int(m.group(2)))
                        out.date, out.date_precision = d.isoformat(), "day"
                        rule = "dateline"
                    except ValueError:
                        rule = None
                elif b and header_seen:
                    out.author = b.group(1).strip()
                    rule, expect_role = "byline", True
                elif expect_role and _is_heading_like(line):
                    role, _, aff = line.partition(",")
                    out.role, out.affiliation = role.strip(), (aff or role).strip()
                    rule, expect_role = "byline_role", False
                elif (
                    header_seen
                    and not out.title
                    and not out.headings
                    and len(line.split()) <= 25
                    and not line.endswith(tuple(".,;:"))
                ):
                    out.title = line
                    rule = "title"
            if rule:
                flush()
                header_seen = True
                out.removed.append(Removed(lineno, line, rule))
                continue
        # Hard-wrapped text: a line that does not end a sentence continues
        # into the next one, so wrapped lines join into one paragraph.
        if pending and pending[-1][1].endswith(_PARAGRAPH_END):
            flush()
        pending.append((lineno, line))
    flush()
    if parse_headers and out.paragraphs and header_seen:
        last = out.paragraphs[-1]
        m = _BIO.match(last)
        if m and len(last.split()) <= 80:
            out.paragraphs.pop()
            lineno = max(
                (i for i, raw in enumerate(lines, 1) if raw.strip().startswith(last[:40])),
                default=len(lines),
            )
            out.removed.append(Removed(lineno, last, "author_bio"))
            if not out.author:
                out.author = m.group("name").strip()
            if not out.affiliation:
                aff = re.split(r"\s+(?:in|and|where|since|from)\s+", m.group("aff"))[0]
                out.affiliation = aff.strip()
            if not out.role:
                out.role = m.group("role").strip()
        # headings after the last paragraph precede nothing: keep them in range
    out.removed.sort(key=lambda r: r.line)
    return out


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------
class Corpus:
    """An ordered, immutable collection of :class:`Document` records.

    Iterate over it, index it by position or ``doc_id``, and turn it into
    tables with :meth:`to_frame` and :meth:`boilerplate_report`. Files the
    loader skipped (empty, boilerplate only) are listed in :attr:`skipped`.
    """

    def __init__(
        self,
        documents: Iterable[Document],
        *,
        root: Path | str | None = None,
        skipped: Sequence[tuple[str, str]] = (),
    ) -> None:
        self._documents = tuple(documents)
        self._index = {d.doc_id: i for i, d in enumerate(self._documents)}
        if len(self._index) != len(self._documents):
            raise CorpusError("duplicate doc_id in corpus; every document needs a unique id")
        self.root = Path(root) if root is not None else None
        self._skipped = tuple(skipped)
        self._hash: str | None = None

    # -- container protocol -------------------------------------------------
    def __len__(self) -> int:
        return len(self._documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._documents)

    def __getitem__(self, key: int | str) -> Document:
        if isinstance(key, str):
            try:
                return self._documents[self._index[key]]
            except KeyError:
                raise KeyError(f"no document with doc_id {key!r}") from None
        return self._documents[key]

    def __repr__(self) -> str:
        where = f" from {self.root}" if self.root else ""
        return f"<Corpus of {len(self)} documents{where}>"

    @property
    def documents(self) -> tuple[Document, ...]:
        return self._documents

    @property
    def doc_ids(self) -> list[str]:
        return [d.doc_id for d in self._documents]

    @property
    def skipped(self) -> pd.DataFrame:
        """Files the loader skipped, with the reason: columns ``source, reason``."""
        return pd.DataFrame(list(self._skipped), columns=["source", "reason"])

    # -- identity -------------------------------------------------------------
    def content_hash(self) -> str:
        """SHA-256 over every document's id, metadata and text (hex).

        Two corpora with the same hash give the same analysis; the token cache
        is keyed on it.
        """
        if self._hash is None:
            h = hashlib.sha256()
            for d in self._documents:
                h.update(d.doc_id.encode())
                for name in METADATA_FIELDS:
                    h.update(b"\x1f" + getattr(d, name).encode())
                for k in sorted(d.meta):
                    h.update(b"\x1f" + k.encode() + b"=" + str(d.meta[k]).encode())
                h.update(b"\x1e")
                for p in d.paragraphs:
                    h.update(p.encode() + b"\n")
                h.update(b"\x1d")
            self._hash = h.hexdigest()
        return self._hash

    # -- tables ---------------------------------------------------------------
    def metadata_columns(self) -> list[str]:
        """The standard metadata fields followed by extra columns, sorted."""
        extra = sorted({k for d in self._documents for k in d.meta})
        return list(METADATA_FIELDS) + extra

    def to_frame(self) -> pd.DataFrame:
        """One row per document: metadata columns, ``n_paragraphs`` and ``n_words``.

        Extra sidecar columns (``country_iso``, ``genre`` …) follow the
        standard fields; ``n_words`` counts whitespace-delimited words of the
        body text (headings and boilerplate excluded).
        """
        cols = self.metadata_columns()
        rows = []
        for d in self._documents:
            row = {"doc_id": d.doc_id}
            row.update({c: d.get(c) for c in cols})
            row["n_paragraphs"] = len(d.paragraphs)
            row["n_words"] = d.n_words
            rows.append(row)
        frame = pd.DataFrame(rows, columns=["doc_id", *cols, "n_paragraphs", "n_words"])
        return frame.astype({"n_paragraphs": "int64", "n_words": "int64"})

    def boilerplate_report(self) -> pd.DataFrame:
        """Every removed line: ``doc_id, source, line, rule, text``, in file order."""
        rows = [
            (d.doc_id, d.source, r.line, r.rule, r.text)
            for d in self._documents
            for r in d.boilerplate
        ]
        return pd.DataFrame(rows, columns=["doc_id", "source", "line", "rule", "text"])

    def headings_report(self) -> pd.DataFrame:
        """Every heading kept: ``doc_id, line, before_paragraph, text``."""
        rows = [(d.doc_id, h.line, h.before, h.text) for d in self._documents for h in d.headings]
        return pd.DataFrame(rows, columns=["doc_id", "line", "before_paragraph", "text"])

    # -- selection ------------------------------------------------------------
    def select(
        self,
        *,
        where: Mapping[str, object] | None = None,
        date_from: str | int | None = None,
        date_to: str | int | None = None,
        doc_ids: Iterable[str] | None = None,
    ) -> "Corpus":
        """A sub-corpus, keeping the order. The one selection helper every notebook uses.

        ``where`` maps a metadata column (standard or extra) to a value or a
        list of accepted values, e.g. ``{"country_iso": ["CHN", "RUS", "USA"]}``.
        ``date_from``/``date_to`` are inclusive ISO prefixes (``"1970"``,
        ``"2018-06"``); a document is kept when its date interval overlaps the
        range, and documents without a date are dropped when a range is given.

        Raises :class:`MetadataError` for a column no document has.
        """
        docs = list(self._documents)
        if doc_ids is not None:
            wanted = set(doc_ids)
            docs = [d for d in docs if d.doc_id in wanted]
        if where:
            known = set(self.metadata_columns()) | {"doc_id"}
            for col, accepted in where.items():
                if col not in known:
                    raise MetadataError(
                        f"select: no metadata column {col!r}; available: {sorted(known)}"
                    )
                if isinstance(accepted, (str, int, float)):
                    accepted = [accepted]
                acc = {str(a) for a in accepted}
                docs = [d for d in docs if str(d.get(col)) in acc]
        if date_from is not None or date_to is not None:
            lo = str(date_from) if date_from is not None else ""
            hi = str(date_to) if date_to is not None else ""
            if lo:
                parse_date(lo, where="select(date_from)")
            if hi:
                parse_date(hi, where="select(date_to)")

            docs = [d for d in docs if date_in_range(d.date, lo, hi)]
        return Corpus(docs, root=self.root, skipped=self._skipped)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
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


def _read_sidecar(path: Path) -> pd.DataFrame:
    text = _decode(_read_file(path, MetadataError), path)
    return _read_csv_text(
        text, path, sep=",", error=MetadataError,
        expected="a header row and one row per document, comma-separated, with quotes "
        "around values that contain commas",
    )


def _read_csv_text(
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


def _iter_txt_files(root: Path, follow_symlinks: bool, skipped: list) -> list[Path]:
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
    files = _iter_txt_files(root, follow_symlinks, skipped)
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
        sidecar = candidate if candidate.exists() else None
    elif metadata:
        sidecar = Path(metadata)
        if not sidecar.exists():
            raise MetadataError(f"{sidecar}: metadata file not found; check the path.")
    rows_by_id: dict[str, tuple[int, dict]] = {}
    if sidecar is not None:
        frame = _read_sidecar(sidecar)
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
                key_posix = key.replace("\\", "/")
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
        text = _decode(_read_file(f), f)
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
    text = _decode(_read_file(path), path)
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
        frame = _read_csv_text(
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
        body = _normalise_text(row.get(text_column, ""))
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
