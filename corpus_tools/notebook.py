"""The few steps every notebook shares: find, load and select the corpus; label groups.

Each numbered notebook has the same selection parameters (``CORPUS``,
``LOAD_OPTIONS``, ``SELECT_WHERE``, ``DATE_FROM``, ``DATE_TO``) and passes them
to :func:`load_selected`, so that a researcher can point every notebook at
their own corpus, and a subset of it, in one place.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import config
from .corpus import Corpus, load_corpus
from .errors import MetadataError

__all__ = ["resolve_corpus_path", "load_selected", "group_labels", "doc_labels"]


def resolve_corpus_path(path: str | os.PathLike | None) -> Path:
    """``None`` means the seed corpus (or ``$CORPUS_TOOLS_CORPUS``).

    A relative path is tried against the working directory first, then the
    project root, so the same parameter works from ``notebooks/`` and from
    the command line.
    """
    if path is None or str(path) == "":
        return Path(os.environ.get("CORPUS_TOOLS_CORPUS", config.PROJ_ROOT / "seeds"))
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

    Raises :class:`MetadataError` when the selection leaves no documents,
    naming the filters so the researcher can loosen them.
    """
    corpus = load_corpus(resolve_corpus_path(path), **load_options)
    selected = corpus.select(where=where or None, date_from=date_from, date_to=date_to)
    if len(selected) == 0:
        raise MetadataError(
            f"the selection where={dict(where or {})}, date_from={date_from!r}, "
            f"date_to={date_to!r} keeps none of the {len(corpus)} documents; loosen "
            f"SELECT_WHERE / DATE_FROM / DATE_TO."
        )
    return selected


def group_labels(docs: pd.DataFrame, by: str) -> pd.Series:
    """The group each document belongs to, indexed by ``doc_id``.

    ``docs`` is ``Corpus.to_frame()`` (or ``Tokens.docs``). ``by`` is any
    metadata column, or ``"year"`` / ``"decade"`` derived from ``date``, or
    ``"doc_id"``. A document with an empty value is its own group, labelled
    ``"(no author) 003_5eb0…"``, so unknown authors are never pooled together.

    Raises :class:`MetadataError` for an unknown column.
    """
    docs = docs.set_index("doc_id", drop=False)
    if by == "year":
        values = docs["date"].astype(str).str[:4]
    elif by == "decade":
        years = pd.to_numeric(docs["date"].astype(str).str[:4], errors="coerce")
        values = (years // 10 * 10).map(lambda y: "" if pd.isna(y) else f"{int(y)}s")
    elif by in docs.columns:
        values = docs[by].astype(str)
    else:
        raise MetadataError(
            f"cannot group by {by!r}: no such metadata column; available: "
            f"{sorted(set(docs.columns) | {'year', 'decade'})}"
        )
    values = values.where(values.str.strip() != "", "(no " + by + ") " + docs["doc_id"].str[:8])
    return values.rename("group")


def doc_labels(docs: pd.DataFrame, *, width: int = 40) -> pd.Series:
    """A short readable label per document: ``"Author (2018-06)"`` or the doc_id."""
    from .plots import shorten

    docs = docs.set_index("doc_id", drop=False)
    who = docs["author"].where(docs["author"].astype(str).str.strip() != "", docs["doc_id"].str[:12])
    when = docs["date"].where(docs["date"].astype(str) != "", "undated")
    return pd.Series([shorten(f"{w} ({d})", width) for w, d in zip(who, when)], index=docs.index, name="label")
