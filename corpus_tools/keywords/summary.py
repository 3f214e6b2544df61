"""Sentences that say only what the tests support: the words of notebook 02's findings, made from its tables.

A notebook prints these instead of hard-coding findings in markdown, so a
rerun on another corpus cannot leave a stale claim behind. Every sentence that
says a rate rose, fell or differs comes from a row whose test rejected after
the Benjamini-Hochberg adjustment (:data:`CLAIM_PATTERN` finds such words,
and the tests check each against its row); a sentence for a row whose test
did not reject says that the data do not show a change, never that the rates
are equal. Intervals are never compared by overlap (Schenker & Gentleman
2001, The American Statistician 55(3): 182-186).
"""
from __future__ import annotations

import math
import re

import pandas as pd

from .change import LEVEL

__all__ = ["trend_summary", "CLAIM_PATTERN"]

#: Words that assert a difference or a direction. A generated sentence may
#: contain one only when its row's test rejected (``significant``).
CLAIM_PATTERN = re.compile(
    r"\b(rose|fell|risen|fallen|grew|declined|increased|decreased|higher|lower|more often|less often|"
    r"differs?|differed|different|changed|separated)\b",
    re.IGNORECASE,
)


def _rate(x: float) -> str:
    if x == 0:
        return "0"
    return f"{x:.2f}" if x < 1 else f"{x:.1f}"


def _ratio(x: float) -> str:
    if math.isinf(x):
        return "∞"
    if math.isnan(x):
        return "undefined"
    # Bounds this far out (a handful of documents, zero counts) say only "unbounded in practice".
    if x >= 1000:
        return "over 1,000"
    if 0 < x < 0.001:
        return "under 0.001"
    if x >= 10:
        return f"{x:,.0f}"
    return f"{x:.1f}" if x >= 1 else f"{x:.2f}" if x >= 0.1 else f"{x:.2g}"


def _p(x: float) -> str:
    # three significant digits, so that a p just below the level never prints as the level
    return "< 0.001" if x < 0.001 else f"= {x:.3g}"


def _share(x: float) -> str:
    return f"{x:.1f}" if x < 10 else f"{x:.0f}"


def _pct(x: float) -> str:
    return (f"{x:+.1f}%" if abs(x) < 10 else f"{x:+.0f}%").replace("-", "−")


def _test_words(row) -> str:
    n = int(row["n_docs_early"] + row["n_docs_late"])
    if row["test"] == "permutation":
        return f"permutation test over the {n} documents"
    if row["unit"] == "document":
        return f"quasi-Poisson test over the {n} documents"
    return "quasi-Poisson test over the paragraphs of the two documents, which compares these two texts only"


def _change_sentence(row, level: float) -> tuple[str, str]:
    """``(claim, sentence)`` for one row of :func:`corpus_tools.keywords.concept_change`."""
    term, early, late = row["term"], row["early"], row["late"]
    periods = (f"{early} ({int(row['n_docs_early'])} documents) and {late} "
               f"({int(row['n_docs_late'])} documents)")
    if row["count_early"] + row["count_late"] == 0:
        return "", f"{term}: no occurrences in {periods}."
    if row["test"] == "none" or pd.isna(row["p_adj"]):
        return "", (f"{term}: {_rate(row['per_1k_early'])} per 1,000 tokens in {early} and "
                    f"{_rate(row['per_1k_late'])} in {late}; no test is possible with one one-paragraph "
                    "document a period, so the data cannot show a change.")
    ratio = (f"rate ratio late/early {_ratio(row['rate_ratio'])} "
             f"(95% CI {_ratio(row['rr_low'])} to {_ratio(row['rr_high'])})")
    if row["significant"]:
        claim = row["direction"]
        return claim, (f"{term}: {claim} from {_rate(row['per_1k_early'])} to {_rate(row['per_1k_late'])} "
                       f"per 1,000 tokens between {periods}; {ratio}; {_test_words(row)}, "
                       f"BH-adjusted p {_p(row['p_adj'])}, below the {level:.0%} level.")
    text = (f"{term}: {_rate(row['per_1k_early'])} per 1,000 tokens in {early} "
            f"({int(row['n_docs_early'])} documents), {_rate(row['per_1k_late'])} in {late} "
            f"({int(row['n_docs_late'])} documents); {ratio}; the data do not show a change at the "
            f"{level:.0%} level ({_test_words(row)}, BH-adjusted p {_p(row['p_adj'])}).")
    if row["p_min"] >= level:
        text += (f" With these documents the test cannot give p below {row['p_min']:.2g}, so it could not "
                 "have shown one.")
    return "", text


def _trend_sentence(row, level: float) -> tuple[str, str]:
    """``(claim, sentence)`` for one estimated row of :func:`corpus_tools.keywords.trend_model`."""
    unit = "decade" if row["per_years"] == 10 else f"{row['per_years']:g} years"
    span = f"{row['date_from']}–{row['date_to']}, {int(row['n_docs'])} documents"
    model = "negative-binomial regression" if row["method"] == "negative_binomial" else "quasi-Poisson regression"
    if row["significant"]:
        claim = row["direction"]
        lo, hi = sorted((abs(row["pct_low"]), abs(row["pct_high"])))
        text = (f"{row['term']}: {claim} by {_share(abs(row['pct_change']))}% per {unit} "
                f"(95% CI {_share(lo)}% to {_share(hi)}%) over {span} ({model}, BH-adjusted p {_p(row['p_adj'])}, "
                f"below the {level:.0%} level).")
        if row["p_nonlinear_adj"] < level:
            text += (" The path was not a straight line (a natural spline fits better, BH-adjusted "
                     f"p {_p(row['p_nonlinear_adj'])}), so this slope is an average over its bends.")
        return claim, text
    return "", (f"{row['term']}: {_pct(row['pct_change'])} per {unit} (95% CI {_pct(row['pct_low'])} to "
                f"{_pct(row['pct_high'])}) over {span}; the data do not show a trend at the {level:.0%} level "
                f"({model}, BH-adjusted p {_p(row['p_adj'])}).")


def trend_summary(change: pd.DataFrame | None = None, model: pd.DataFrame | None = None, *,
                  level: float = LEVEL) -> pd.DataFrame:
    """The findings of the change and trend tables, one sentence per concept and table.

    Parameters
    ----------
    change : DataFrame, optional
        :func:`corpus_tools.keywords.concept_change` output: the pre-specified
        early-against-late contrast of each concept.
    model : DataFrame, optional
        :func:`corpus_tools.keywords.trend_model` output: each concept's
        slope. When no concept could get one for the same reason (too few
        documents or dates), that reason is one sentence (``term`` empty).
    level : float, keyword-only, default 0.05
        The level the tables' ``significant`` column used; the sentences
        name it.

    Returns
    -------
    DataFrame ``term, kind, claim, significant, p_adj, sentence``: ``kind``
    is ``"change"`` or ``"trend"``; ``claim`` is ``"rose"`` or ``"fell"``
    only where ``significant`` (the row's BH-adjusted test rejected at
    ``level``), else empty. The words of :data:`CLAIM_PATTERN` appear in a
    sentence only when ``claim`` is set.
    """
    rows = []
    if change is not None:
        for _, r in change.iterrows():
            claim, text = _change_sentence(r, level)
            rows.append((r["term"], "change", claim, bool(r["significant"]), float(r["p_adj"]), text))
    if model is not None and len(model):
        refused = model[~model["estimated"]]
        common = refused["reason"].iloc[0] if len(refused) == len(model) and refused["reason"].nunique() == 1 else None
        if common:
            rows.append(("", "trend", "", False, float("nan"), common[0].upper() + common[1:]))
        else:
            for _, r in model.iterrows():
                if r["estimated"]:
                    claim, text = _trend_sentence(r, level)
                    rows.append((r["term"], "trend", claim, bool(r["significant"]), float(r["p_adj"]), text))
                else:
                    rows.append((r["term"], "trend", "", False, float("nan"), f"{r['term']}: {r['reason']}"))
    return pd.DataFrame(rows, columns=["term", "kind", "claim", "significant", "p_adj", "sentence"])
