"""Change between two periods: which terms rose and fell, by log-likelihood and Log Ratio.

Periods are ``(date_from, date_to)`` pairs of inclusive ISO prefixes,
matched by the one date rule of :func:`corpus_tools.corpus.date_in_range`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..config import PER
from ..corpus import date_in_range
from ..errors import ParameterError
from ..tokens import bool_column, column_codes, token_frame

__all__ = ["in_period", "split_periods", "change"]


def in_period(dates: pd.Series, period) -> np.ndarray:
    """Which dates fall in ``period = (from, to)``, both inclusive ISO prefixes (a boolean array).

    The same prefix rule as :meth:`corpus_tools.Corpus.select`: a date known
    to the year, ``"2019"``, is in ``("2019-06", "2019-12")``.

    Raises ParameterError unless ``period`` is a pair.
    """
    if not isinstance(period, (tuple, list)) or len(period) != 2:
        raise ParameterError(f"period {period!r}: give a (date_from, date_to) pair of ISO prefixes, e.g. ('2014', '2016')")
    lo, hi = ("" if p is None else str(p) for p in period)
    return np.array([date_in_range(x, lo, hi) for x in dates.astype(str)], dtype=bool)


def split_periods(tokens) -> tuple[tuple[str, str], tuple[str, str]]:
    """An early and a late period that split the documents by year into two halves.

    The split falls between two calendar years, so that no document (even
    one dated only to the year) can fall in both periods; of the possible
    splits the one closest to half the documents is chosen (the earlier one
    on a tie). Returns ``((first_year, split_year), (next_year, last_year))``.

    Raises ParameterError if the documents span fewer than two years.
    """
    years = tokens.docs["date"].astype(str).str[:4]
    years = years[years.str.fullmatch(r"\d{4}")]
    counts = years.value_counts().sort_index()
    if len(counts) < 2:
        raise ParameterError(
            "the documents span fewer than two years, so there is no early and late period; "
            "set EARLY and LATE by hand or select documents from more years"
        )
    cum = counts.cumsum().to_numpy()[:-1]
    k = int(np.argmin(np.abs(cum - counts.sum() / 2)))
    ys = counts.index.tolist()
    return (ys[0], ys[k]), (ys[k + 1], ys[-1])


def change(tokens, *, early, late, min_count: int = 5, column: str = "lemma") -> pd.DataFrame:
    """Terms whose rate rose or fell most between an early and a late period.

    ``early`` and ``late`` are ``(date_from, date_to)`` pairs of inclusive ISO
    prefixes (``("2014", "2016")``), matched as in
    :meth:`corpus_tools.Corpus.select`. Counts pool all documents of a period.

    For each term with at least ``min_count`` occurrences in the two periods
    together (stopwords and punctuation left out):

    * ``g2``: log-likelihood G² (Dunning 1993; Rayson & Garside 2000) from
      :func:`corpus_tools.stats.log_likelihood_g2`, with ``p`` its chi-squared
      (1 df) p-value and ``p_adj`` the Benjamini & Hochberg (1995) adjustment
      over all terms tested;
    * ``log_ratio``: Hardie's (2014) log2 of late rate / early rate (zero
      counts replaced by 0.5), from :func:`corpus_tools.stats.log_ratio`;
      positive = rose;
    * ``per_1k_early``, ``per_1k_late``: rates per 1,000 non-punctuation
      tokens of the period (stopwords included in the denominator).

    The minimum count is there because G² on a handful of occurrences is
    unreliable and rare terms would crowd the ranking.

    Returns ``term, count_early, count_late, per_1k_early, per_1k_late,
    log_ratio, g2, p, p_adj, direction`` sorted by G² (largest first), then
    term. The p-values treat tokens as independent, which words are not
    (they come in bursts), so they are optimistic: read them as a ranking.

    Raises ParameterError if a period holds no documents or the two
    periods share documents.
    """
    frame = token_frame(tokens)
    docs = tokens.docs
    in_early = in_period(docs["date"], early)
    in_late = in_period(docs["date"], late)
    for name, mask, period in (("EARLY", in_early, early), ("LATE", in_late, late)):
        if not mask.any():
            raise ParameterError(f"{name}={tuple(period)!r} contains none of the selected documents; widen it")
    both = docs["doc_id"][in_early & in_late].tolist()
    if both:
        raise ParameterError(f"EARLY={tuple(early)!r} and LATE={tuple(late)!r} overlap (documents {both}); make them disjoint")
    if min_count < 1:
        raise ParameterError(f"min_count={min_count!r}: give a count of at least 1 (MIN_COUNT)")
    period = pd.Series(np.where(in_early, "early", np.where(in_late, "late", "")), index=docs["doc_id"].astype(str))
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    tok_period = period.reindex(pd.Index(doc_cats)).fillna("").to_numpy(object)[doc_codes]
    keep = ~bool_column(frame, "is_punct")
    c = float(np.sum(keep & (tok_period == "early")))
    d = float(np.sum(keep & (tok_period == "late")))
    listed = keep & ~bool_column(frame, "is_stop") & (tok_period != "")
    term_codes, term_cats = column_codes(frame[column])
    table = (
        pd.crosstab(term_codes[listed], tok_period[listed])
        .reindex(columns=["early", "late"], fill_value=0)
    )
    table = table[table.sum(axis=1) >= min_count]
    a = table["early"].to_numpy(np.float64)
    b = table["late"].to_numpy(np.float64)
    # Late is "corpus 1" so that a positive log ratio means the term rose.
    g2 = stats.log_likelihood_g2(b, a, d, c)
    p = stats.g2_pvalue(g2)
    out = pd.DataFrame(
        {
            "term": term_cats[table.index.to_numpy()],
            "count_early": a.astype(np.int64),
            "count_late": b.astype(np.int64),
            "per_1k_early": a / c * PER,
            "per_1k_late": b / d * PER,
            "log_ratio": stats.log_ratio(b, a, d, c),
            "g2": g2,
            "p": p,
            "p_adj": stats.bh_adjust(p),
        }
    )
    out["direction"] = np.where(out["log_ratio"] > 0, "rose", "fell")
    return out.sort_values(["g2", "term"], ascending=[False, True], ignore_index=True)
