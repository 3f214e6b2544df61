"""The data model: :class:`Document` records and the :class:`Corpus` that holds them.

A corpus is loaded once (:mod:`corpus_tools.corpus.load`) into a
:class:`Corpus` of frozen :class:`Document` records. Texts are never changed
on disk; what the loader strips (site chrome, datelines, bylines, author
bios) is kept on each document as :class:`Removed` lines with the rule that
removed them, so ``Corpus.boilerplate_report()`` shows exactly what was
dropped.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from ..config import METADATA_FIELDS
from ..errors import CorpusError, MetadataError
from .dates import date_in_range, parse_date

__all__ = ["Removed", "Heading", "Document", "Corpus"]


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

    def to_frame(self, *, n_words: Sequence[int] | None = None) -> pd.DataFrame:
        """One row per document: metadata columns, ``n_paragraphs`` and ``n_words``.

        Extra sidecar columns (``country_iso``, ``genre`` …) follow the
        standard fields; ``n_words`` counts whitespace-delimited words of the
        body text (headings and boilerplate excluded). A caller that has
        already counted the words (the tokenizer does, in one pass) passes
        them as ``n_words``, one per document, to save a second pass over
        every paragraph.
        """
        cols = self.metadata_columns()
        words = [d.n_words for d in self._documents] if n_words is None else list(n_words)
        if len(words) != len(self._documents):
            raise ValueError(f"n_words has {len(words)} values for {len(self._documents)} documents")
        rows = []
        for d, nw in zip(self._documents, words):
            row = {"doc_id": d.doc_id}
            row.update({c: d.get(c) for c in cols})
            row["n_paragraphs"] = len(d.paragraphs)
            row["n_words"] = int(nw)
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
