"""Finding a term in the token table: one matching rule for every keyword analysis.

A term is matched case-insensitively by, in order: its lemma; its surface
form (``norm``) if no token has that lemma; the canonical multiword lemma
(``"Belt and Road Initiative"`` -> ``belt_and_road_initiative``); and
finally the phrase as adjacent non-punctuation tokens of one paragraph
(``"China-Russia"`` -> ``china`` + ``russia``). A compound is matched either as
one token or as its parts, never both (each occurrence counts once).
:class:`TermMatcher`
applies the rule; :func:`match_term` and :func:`check_terms` report it;
:func:`concept_terms` normalises what a notebook passes as ``TRACKED_TERMS``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..tokens import bincount_rows, bool_column, codes_view, token_frame

__all__ = ["TermMatcher", "match_term", "check_terms", "concept_terms"]

# Whitespace, underscores and the hyphens and dashes writers use inside a term.
_SPLIT = re.compile(r"[\s_\-‐‑–]+")


def _canonical(term: str) -> str:
    """The multiword-lemma spelling of a term: lower case, parts joined by ``_``."""
    return "_".join(p for p in _SPLIT.split(term.lower()) if p)


class TermMatcher:
    """Finds terms in one token table; build it once, then ask for every term.

    ``frame`` is a token table (:func:`corpus_tools.tokens.token_frame`) with
    the columns ``doc_id, paragraph, lemma, norm, is_punct``. The rule is the
    one described in :func:`match_term`; :meth:`rows` pools several variants
    of a concept, each occurrence once.

    Works on the categorical codes of ``lemma`` and ``norm``: a term is
    resolved to a boolean lookup over the (lower-cased) categories, and the
    rows follow from one gather over the codes, so a concept of several
    variants costs one pass over a table of tens of millions of tokens.

    Attributes
    ----------
    frame : DataFrame
        The token table searched.
    cols : dict
        ``{"lemma": (codes, lower, used), "norm": (...)}``: per column the
        integer code of every row (-1 for missing), the lower-cased
        categories, and which categories occur in ``frame``.

    >>> matcher = TermMatcher(token_frame(tokens))              # doctest: +SKIP
    >>> first, last = matcher.rows(["alliance", "ally"])        # doctest: +SKIP
    """

    def __init__(self, frame: pd.DataFrame, *, used: Mapping[str, np.ndarray] | None = None) -> None:
        # ``used``: which lemma/norm categories occur in the whole table, when
        # ``frame`` is one partition of it (the Dask engine): a term is then
        # resolved by the same rule in every partition, as on the whole table.
        self.frame = frame
        self.cols = {}
        for col in ("lemma", "norm"):
            series = frame[col]
            if isinstance(series.dtype, pd.CategoricalDtype):
                codes = codes_view(series)
                cats = series.cat.categories.astype(str)
            else:
                codes, uniques = pd.factorize(series)
                cats = pd.Index(np.asarray(uniques, dtype=str))
            lower = cats.str.lower().to_numpy(object)
            # Categories actually used (a selection can leave unused ones behind).
            if used is not None:
                self.cols[col] = (codes, lower, np.asarray(used[col], dtype=bool))
                continue
            in_use = bincount_rows(codes, len(cats), codes >= 0) > 0
            self.cols[col] = (codes, lower, in_use)

    def _lookup(self, col: str, value: str) -> np.ndarray | None:
        """Boolean array over categories (+1 trailing False for missing codes), or None if unused."""
        _, lower, used = self.cols[col]
        hit = (lower == value) & used
        if not hit.any():
            return None
        return np.r_[hit, False]

    def resolve(self, term: str) -> tuple[str, str, object]:
        """Which rule of :func:`match_term` applies to ``term``, and what it looks up.

        Returns ``(how, column, lookup)`` for a single-token rule (``how`` is
        ``"lemma"``, ``"norm"`` or ``"multiword"``; ``lookup`` a boolean
        array over the categories of ``column``, plus one trailing False for
        missing codes), ``("phrase", "", parts)`` for a phrase of several
        parts, or ``("none", "", None)`` when nothing can match.

        Raises ParameterError for an empty term.
        """
        t = str(term).strip().lower()
        if not t:
            raise ParameterError("an empty term cannot be matched; give a lemma, surface form or phrase")
        canonical = _canonical(t)
        for how, col, value in (("lemma", "lemma", t), ("norm", "norm", t), ("multiword", "lemma", canonical)):
            lookup = self._lookup(col, value)
            if lookup is not None:
                return how, col, lookup
        parts = canonical.split("_")
        if len(parts) > 1:
            # a word with a bound prefix is one token ("non-alignment"), whether the
            # term was written with a hyphen or a space
            lookup = self._lookup("norm", "-".join(parts))
            if lookup is not None:
                return "norm", "norm", lookup
        return ("phrase", "", parts) if len(parts) > 1 else ("none", "", None)

    def rows(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """First and last rows of every occurrence of any of ``terms``, each occurrence once.

        Returns two int64 arrays of positional row indices into ``frame``,
        sorted by first row; a single-token occurrence has ``first == last``.
        Raises ParameterError for an empty term.
        """
        n_rows = len(self.frame)
        lookups = {"lemma": None, "norm": None}
        firsts, lasts = [], []
        for term in terms:
            how, col, obj = self.resolve(term)
            if how in ("lemma", "norm", "multiword"):
                lookups[col] = obj if lookups[col] is None else (lookups[col] | obj)
            elif how == "phrase":
                f, l = self._phrase(obj)
                firsts.append(f)
                lasts.append(l)
        hit = np.zeros(n_rows, dtype=bool)
        for col, lookup in lookups.items():
            if lookup is not None:
                hit |= lookup[self.cols[col][0]]
        single = np.flatnonzero(hit)
        first = np.concatenate([single, *firsts])
        last = np.concatenate([single, *lasts])
        # A phrase occurrence that starts on a token already counted as a
        # single-token match is the same occurrence; keep it once.
        first, keep = np.unique(first, return_index=True)
        return first.astype(np.int64), last[keep].astype(np.int64)

    def _phrase(self, parts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Adjacent non-punctuation tokens of one paragraph matching ``parts`` in order."""
        frame = self.frame
        rows = np.flatnonzero(~bool_column(frame, "is_punct"))
        k = len(parts)
        n = rows.size - k + 1
        if n <= 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy()
        doc = codes_view(frame["doc_id"])[rows] if isinstance(frame["doc_id"].dtype, pd.CategoricalDtype) \
            else pd.factorize(frame["doc_id"])[0][rows]
        par = frame["paragraph"].to_numpy(np.int64)[rows]
        ok = np.ones(n, dtype=bool)
        for j, part in enumerate(parts):
            hit = np.zeros(rows.size, dtype=bool)
            for col in ("lemma", "norm"):
                codes, lower, _ = self.cols[col]
                hit |= np.r_[lower == part, False][codes[rows]]
            ok &= hit[j : j + n]
            if j:
                ok &= (doc[j : j + n] == doc[:n]) & (par[j : j + n] == par[:n])
        starts = np.flatnonzero(ok)
        return rows[starts], rows[starts + k - 1]


def match_term(tokens, term: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Where a term occurs: positional row indices of its first and last token.

    The rules, tried in order (case-insensitive; the first that finds
    anything wins):

    1. ``lemma == term`` (``"alliance"`` also finds "alliances");
    2. ``norm == term`` (a surface form whose lemma differs, e.g. ``"allied"``);
    3. the canonical multiword lemma, spaces and hyphens replaced by ``_``
       (``"Belt and Road Initiative"`` -> ``belt_and_road_initiative``);
    4. the parts joined by a hyphen as a surface form (``"non alignment"``
       finds the token "non-alignment": bound prefixes stay attached);
    5. the phrase as adjacent non-punctuation tokens in one paragraph, each
       part matching by lemma or surface (``"China-Russia"`` where the
       tokenizer split the hyphen). One occurrence counts once.

    Returns ``(first_rows, last_rows, how)`` where the rows index
    ``tokens.frame`` by position and ``how`` is ``"lemma"``, ``"norm"``,
    ``"multiword"``, ``"phrase"`` or ``"none"``.

    Raises ParameterError for an empty term.
    """
    matcher = TermMatcher(token_frame(tokens))
    how, _, _ = matcher.resolve(term)
    first, last = matcher.rows([term])
    return first, last, (how if first.size else "none")


def check_terms(tokens, terms) -> pd.DataFrame:
    """How each tracked term is matched, how often, and which merged lemmas contain it.

    The tokenizer merges multiword expressions into one token
    (``strategic partnership`` -> ``strategic_partnership``), so the lemma
    ``partnership`` does not count the partnership inside them. This table
    makes that visible so the researcher can decide whether to add the merged
    lemma to the concept.

    Returns ``concept, term, matched_as, count, n_docs, also_inside`` with
    ``matched_as`` as in :func:`match_term` and ``also_inside`` listing the
    merged lemmas (with counts) that have the term as one of their parts and
    are not already listed in the same concept; one row per term, in the
    order given.

    Raises ParameterError for empty terms (see :func:`concept_terms`).
    """
    frame = token_frame(tokens)
    concepts = concept_terms(terms)
    matcher = TermMatcher(frame)
    lemma_codes, lemma_lower, _ = matcher.cols["lemma"]
    counts = np.bincount(lemma_codes[lemma_codes >= 0], minlength=len(lemma_lower))
    merged = {i: lemma_lower[i].split("_") for i in np.flatnonzero(counts > 0) if "_" in lemma_lower[i]}
    doc = frame["doc_id"].astype(str).to_numpy(object)
    rows = []
    for concept, lemmas in concepts.items():
        listed = {_canonical(t) for t in lemmas}
        for term in lemmas:
            how, _, _ = matcher.resolve(term)
            first, _ = matcher.rows([term])
            key = _canonical(term)
            inside = sorted(
                ((lemma_lower[i], int(counts[i])) for i, parts in merged.items()
                 if key in parts and lemma_lower[i] not in listed),
                key=lambda x: (-x[1], x[0]),
            )
            rows.append((concept, term, how if first.size else "none", int(first.size),
                         int(pd.unique(doc[first]).size), ", ".join(f"{m} ({c})" for m, c in inside)))
    return pd.DataFrame(rows, columns=["concept", "term", "matched_as", "count", "n_docs", "also_inside"])


def concept_terms(terms) -> dict[str, list[str]]:
    """What a notebook passes as tracked terms, as an ordered mapping concept -> list of terms.

    ``terms`` is a single term (``"alliance"``), a list of terms (each its
    own concept) or a mapping concept -> term or list of terms
    (``{"alliance": ["alliance", "ally"]}``); concepts keep their order.

    Raises ParameterError when no terms are given or a concept lists none.
    """
    if isinstance(terms, str):
        terms = [terms]
    if isinstance(terms, Mapping):
        out = {}
        for concept, lemmas in terms.items():
            lemmas = [lemmas] if isinstance(lemmas, str) else list(lemmas)
            if not lemmas:
                raise ParameterError(f"TRACKED_TERMS[{concept!r}] lists no terms; give at least one lemma")
            out[str(concept)] = [str(x) for x in lemmas]
    else:
        out = {str(t): [str(t)] for t in terms}
    if not out:
        raise ParameterError("no terms given; pass a list of lemmas or a dict concept -> lemmas")
    return out
