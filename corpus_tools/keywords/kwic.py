"""Terms in their context: keyword-in-context lines and where terms fall inside each document.

Matching follows :func:`corpus_tools.keywords.match_term`, so for a lemma
:func:`kwic` returns exactly as many lines as
:func:`corpus_tools.keywords.frequencies` counts.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..corpus import shorten
from ..errors import ParameterError
from ..tokens import codes_view, token_frame
from .matching import TermMatcher, concept_terms

__all__ = ["kwic", "kwic_lines", "format_kwic", "dispersion"]


def kwic(tokens, term, *, window: int = 8) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` with ``window`` tokens either side.

    Matching follows :func:`corpus_tools.keywords.match_term` (lemma, surface form, multiword term
    or phrase); ``term`` may also be a list of variants, whose occurrences
    are pooled (each token once). The context stays inside the document and
    counts every token, punctuation included (as quanteda's ``kwic`` does);
    ``left``, ``keyword`` and ``right`` are the surface tokens joined with
    single spaces.

    Returns a DataFrame ``doc_id, paragraph, sentence, position, left,
    keyword, right`` in table order, one row per occurrence; empty (same
    columns) if the term does not occur. For a lemma the number of rows
    equals its ``count`` in :func:`corpus_tools.keywords.frequencies` (with ``drop_stopwords=False``
    for a stopword).

    Raises ParameterError for an empty term or a negative window.
    """
    if window < 0:
        raise ParameterError(f"window={window!r}: give a non-negative number of context tokens")
    frame = token_frame(tokens)
    terms = [term] if isinstance(term, str) else list(term)
    first, last = TermMatcher(frame).rows(terms)
    doc = frame["doc_id"]
    doc_codes = codes_view(doc) if isinstance(doc.dtype, pd.CategoricalDtype) else pd.factorize(doc)[0]
    return kwic_lines(frame, doc_codes, first, last, window=window)


def kwic_lines(frame: pd.DataFrame, doc_codes: np.ndarray, first: np.ndarray, last: np.ndarray, *,
               window: int) -> pd.DataFrame:
    """The KWIC rows of the matches spanning token rows ``first[i]..last[i]`` of ``frame``.

    ``doc_codes`` is one integer per row of ``frame`` naming its document.
    Returns ``doc_id, paragraph, sentence, position, left, keyword, right``
    (one row per match, in the given order), each context at most ``window``
    tokens and never crossing its document's first or last row. Shared by
    :func:`kwic` and the explorers' batched KWIC lines.
    """
    # Rows of one document are contiguous in the token table; a context
    # window stops at the document's first and last row.
    breaks = np.flatnonzero(doc_codes[1:] != doc_codes[:-1]) + 1
    bounds = np.r_[0, breaks, len(frame)]
    run = np.searchsorted(bounds, first, side="right") - 1
    lo = np.maximum(first - window, bounds[run])
    hi = np.minimum(last + 1 + window, bounds[run + 1])
    # Fetch only the rows that are shown, not the whole token column.
    need = np.unique(np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])) if first.size else np.zeros(0, np.int64)
    surface = dict(zip(need.tolist(), frame["token"].iloc[need].astype(str).tolist()))

    def join(a, b):
        return " ".join(surface[i] for i in range(a, b))

    take = frame.iloc[first]
    return pd.DataFrame(
        {
            "doc_id": take["doc_id"].astype(str).to_numpy(object),
            "paragraph": take["paragraph"].to_numpy(np.int64),
            "sentence": take["sentence"].to_numpy(np.int64),
            "position": take["position"].to_numpy(np.int64),
            "left": pd.Series([join(a, f) for a, f in zip(lo, first)], dtype=object),
            "keyword": pd.Series([join(f, l + 1) for f, l in zip(first, last)], dtype=object),
            "right": pd.Series([join(l + 1, b) for l, b in zip(last, hi)], dtype=object),
        }
    )


def format_kwic(lines: pd.DataFrame, labels: Mapping[str, str] | pd.Series | None = None, *,
                width: int = 60, max_lines: int | None = None) -> str:
    """A :func:`kwic` table as aligned plain text for reading, one line per occurrence.

    Left context is right-aligned and cut to ``width`` characters, so every
    keyword starts in the same column (``[keyword]``); ``labels`` (doc_id -> ``"Author (date)"``,
    e.g. :func:`corpus_tools.notebook.doc_labels`) prefixes each line.
    ``max_lines`` keeps the first lines and says how many were left out.
    """
    if lines.empty:
        return "(no occurrences)"
    shown = lines if max_lines is None else lines.head(max_lines)
    labels = dict(labels) if labels is not None else {}
    tags = [shorten(labels.get(d, d), 28) for d in shown["doc_id"]]
    tag_w = max(len(t) for t in tags)
    out = []
    for tag, row in zip(tags, shown.itertuples(index=False)):
        left = row.left[-width:] if len(row.left) > width else row.left
        right = row.right[:width]
        out.append(f"{tag:<{tag_w}} ¶{row.paragraph:<3d} {left:>{width}} [{row.keyword}] {right}")
    if max_lines is not None and len(lines) > max_lines:
        out.append(f"… {len(lines) - max_lines} more lines not shown")
    return "\n".join(out)


def dispersion(tokens, terms) -> pd.DataFrame:
    """Where each term (concept) occurs inside each document, for a lexical dispersion plot.

    Returns ``doc_id, term, position, n_positions, relative_position`` (``term``
    an ordered categorical of the concepts, in the order given) with
    ``relative_position = position / n_positions`` in [0, 1): 0 is the first
    token of the document, 1 its end (``n_positions`` counts every token,
    punctuation included, as the tokenizer numbers them). Sorted by
    document, concept order and position.
    """
    frame = token_frame(tokens)
    concepts = concept_terms(terms)
    doc = frame["doc_id"].astype(str).to_numpy(object)
    pos = frame["position"].to_numpy(np.int64)
    length = frame.groupby("doc_id", observed=True)["position"].max() + 1
    parts = []
    matcher = TermMatcher(frame)
    for concept, lemmas in concepts.items():
        rows, _ = matcher.rows(lemmas)
        parts.append(pd.DataFrame({"doc_id": doc[rows], "term": concept, "position": pos[rows]}))
    out = pd.concat(parts, ignore_index=True)
    out["n_positions"] = out["doc_id"].map(length.rename(index=str)).astype(np.int64)
    out["relative_position"] = out["position"] / out["n_positions"]
    # An ordered categorical keeps the concepts' order (and concepts with no
    # occurrence) for plot_dispersion.
    out["term"] = pd.Categorical(out["term"], categories=list(concepts), ordered=True)
    out = out.sort_values(["doc_id", "term", "position"], kind="stable")
    return out.reset_index(drop=True)
