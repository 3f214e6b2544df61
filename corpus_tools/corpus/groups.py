"""Groups and labels of documents: who is compared with whom, and how each is named.

:func:`group_labels` maps every document to its group (an author, an outlet,
a year …): every grouped analysis uses it, so one rule decides, for all of
them, what a missing value means. :func:`doc_labels` gives each document a
short readable name for tables and figures.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import MetadataError

__all__ = ["group_labels", "groups_for", "doc_labels", "shorten", "ALL_DOCUMENTS"]

#: The label of the one group when an analysis is asked for no grouping (``by=None``).
ALL_DOCUMENTS = "(all documents)"


def shorten(text: str, width: int = 40) -> str:
    """Cut a label to ``width`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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


def groups_for(docs: pd.DataFrame, doc_ids, by: str | None) -> np.ndarray:
    """The group label of each of ``doc_ids`` (an object array aligned with them).

    The one step every grouped count takes to map documents to groups:
    ``by`` is any grouping :func:`group_labels` accepts, or ``None`` for a
    single group labelled :data:`ALL_DOCUMENTS`. A doc_id with no row in
    ``docs`` (which ``tokenize`` never produces, but a hand-made table might)
    is its own group rather than an error.

    Raises :class:`MetadataError` for an unknown ``by``.
    """
    ids = np.asarray(doc_ids, dtype=object)
    if by is None:
        return np.full(len(ids), ALL_DOCUMENTS, dtype=object)
    out = group_labels(docs, by).reindex(pd.Index(ids)).to_numpy(object)
    return np.where(pd.isna(out), ids, out)


def doc_labels(docs: pd.DataFrame, *, width: int = 40) -> pd.Series:
    """A short readable label per document: ``"Author (2018-06)"`` or the doc_id."""
    docs = docs.set_index("doc_id", drop=False)
    who = docs["author"].where(docs["author"].astype(str).str.strip() != "", docs["doc_id"].str[:12])
    when = docs["date"].where(docs["date"].astype(str) != "", "undated")
    return pd.Series([shorten(f"{w} ({d})", width) for w, d in zip(who, when)], index=docs.index, name="label")
