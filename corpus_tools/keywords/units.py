"""Counts of tracked concepts per unit (a paragraph or a document): what every rate and test starts from.

A rate's uncertainty comes from how unevenly a term spreads over the units
of a text, so intervals (:func:`corpus_tools.keywords.trend`) and tests
(:func:`corpus_tools.keywords.concept_change`,
:func:`corpus_tools.keywords.trend_model`) need the counts unit by unit, not
only their sums. :func:`unit_counts` makes that table once, with the one
matching rule of :class:`corpus_tools.keywords.TermMatcher` and the one
denominator of the package (non-punctuation tokens, stopwords included).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..corpus import date_position
from ..errors import ParameterError
from ..tokens import bincount_rows, bool_column, column_codes, token_frame
from .matching import TermMatcher, concept_terms

__all__ = ["UnitCounts", "unit_counts", "decimal_year"]


@dataclass(frozen=True)
class UnitCounts:
    """Concept counts per unit, as made by :func:`unit_counts`.

    ``unit`` is ``"paragraph"`` or ``"document"``; ``concepts`` maps each
    concept to its lemmas, in the order of the columns of ``counts``. One
    entry per unit in ``doc_id`` (object array), ``paragraph`` (the
    paragraph number; -1 for document units), ``totals`` (non-punctuation
    tokens, float64) and the rows of ``counts`` (float64, units x concepts).
    Units are sorted by document, then paragraph.
    """

    unit: str
    concepts: dict[str, list[str]]
    doc_id: np.ndarray
    paragraph: np.ndarray
    totals: np.ndarray
    counts: np.ndarray

    def select(self, mask) -> "UnitCounts":
        """The units where the boolean ``mask`` (one entry per unit) is True."""
        mask = np.asarray(mask, dtype=bool)
        return UnitCounts(self.unit, self.concepts, self.doc_id[mask], self.paragraph[mask],
                          self.totals[mask], self.counts[mask])


def unit_counts(tokens, terms, *, unit: str = "paragraph") -> UnitCounts:
    """Count each concept in each paragraph (or document) of a token table.

    Parameters
    ----------
    tokens : Tokens
    terms : list of str, or dict concept -> list of str
        As for :func:`corpus_tools.keywords.trend`; a concept pools its
        terms, each token counted once.
    unit : ``"paragraph"`` or ``"document"``, keyword-only

    Returns
    -------
    UnitCounts
        Every unit that has at least one token (a paragraph of punctuation
        only is kept, with total 0; the interval and test functions drop it).

    Raises
    ------
    ParameterError
        For empty terms, an unknown ``unit`` or an empty token table.
    """
    if unit not in ("paragraph", "document"):
        raise ParameterError(f"unit={unit!r}: count per 'paragraph' or per 'document'")
    frame = token_frame(tokens)
    concepts = concept_terms(terms)
    per_par = unit == "paragraph"
    # wide=True gives int64 codes for the paragraph key arithmetic below;
    # for documents the stored codes are the unit codes (a view, no copy).
    doc_codes, doc_cats = column_codes(frame["doc_id"], wide=per_par)
    if per_par:
        para = frame["paragraph"].to_numpy(np.int64)
        width = int(para.max()) + 1 if para.size else 1
        codes, keys = pd.factorize(doc_codes * width + para, sort=True)
        keys = np.asarray(keys, dtype=np.int64)
        unit_doc = doc_cats[keys // width]
        unit_par = keys % width
    else:
        codes = doc_codes
        unit_doc = np.asarray(doc_cats)
        unit_par = np.full(len(unit_doc), -1, dtype=np.int64)
    n_units = len(unit_doc)
    keep = ~bool_column(frame, "is_punct")
    totals = bincount_rows(codes, n_units, keep).astype(np.float64)
    del keep
    counts = np.zeros((n_units, len(concepts)), dtype=np.float64)
    matcher = TermMatcher(frame)
    for j, lemmas in enumerate(concepts.values()):
        rows, _ = matcher.rows(lemmas)
        counts[:, j] = np.bincount(codes[rows], minlength=n_units)
    # Units without any token (e.g. an unused category of doc_id) are dropped.
    present = bincount_rows(codes, n_units) > 0
    if not present.any():
        raise ParameterError("the token table is empty; there is nothing to count")
    doc_ids = np.asarray(unit_doc, dtype=object)
    order = np.flatnonzero(present)
    order = order[np.lexsort((unit_par[order], doc_ids[order]))]
    return UnitCounts(unit, concepts, doc_ids[order], unit_par[order], totals[order], counts[order])


def decimal_year(date: str, precision: str = "") -> float:
    """A date as a decimal year, at the point where figures draw it (NaN if empty).

    The position is :func:`corpus_tools.corpus.date_position` (a month at its
    15th, a year at 1 July), expressed as ``year + (day of year - 0.5) /
    days in the year``: 2019 (year only) is 2019.497, 2014-11-21 is
    2014.887. Trend models take dates in this form.
    """
    if not date:
        return float("nan")
    pos = date_position(date, precision)
    days = 366 if pos.is_leap_year else 365
    return pos.year + (pos.day_of_year - 0.5) / days
