"""Trends modelled as trends: a document-level negative-binomial slope per concept, and its fitted line.

A line drawn through yearly rates, or a difference between the first and the
last point, is not a trend estimate. :func:`trend_model` fits, for each
concept, :func:`corpus_tools.stats.nb_trend`: the count in each document
against its date, with the document's tokens as exposure and a dispersion
for documents that use the term more or less than their date predicts
(Cameron & Trivedi 2013, ch. 3). :func:`trend_curve` turns the fitted
slopes into lines with 95% bands for a figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from .. import stats
from ..errors import ParameterError
from .change import LEVEL
from .units import decimal_year, unit_counts

__all__ = ["trend_model", "trend_curve", "SPLINE_MIN_DATES", "SPLINE_DF"]

#: Columns of the natural spline tested against the straight line, and the
#: distinct dates it needs: a bend is only worth testing with several dates
#: between its knots (3 columns put knots at the thirds of the date range).
SPLINE_DF = 3
SPLINE_MIN_DATES = 10

_COLUMNS = ["term", "estimated", "reason", "method", "n_docs", "n_dates", "date_from", "date_to", "x_min", "x_max",
            "pct_change", "pct_low", "pct_high", "p", "p_adj", "significant", "direction",
            "p_nonlinear", "p_nonlinear_adj", "dispersion", "per_years", "x_center", "intercept",
            "slope", "var_intercept", "cov_intercept_slope", "var_slope", "df_resid", "ci"]


def _refusal(n_docs: int, n_dates: int, n_undated: int) -> str | None:
    """Why no trend can be estimated from these documents, in words for a reader (None if it can)."""
    undated = f" ({n_undated} undated documents left out)" if n_undated else ""
    if n_docs < stats.MIN_TREND_DOCS:
        return (
            f"no trend can be estimated from {n_docs} dated documents{undated}: a trend with an honest "
            f"interval needs at least {stats.MIN_TREND_DOCS}. How much documents of the same date vary has "
            "to be estimated from the documents themselves, and with fewer the estimate is so uncertain that "
            "the slope's 95% interval no longer holds its level (it covered the true slope in 92% of "
            "simulated corpora of 10 documents, and less with fewer)."
        )
    if n_dates < stats.MIN_TREND_DATES:
        return (
            f"no trend can be estimated: the {n_docs} documents have only {n_dates} distinct date(s){undated}, "
            f"and a trend needs at least {stats.MIN_TREND_DATES} (through two dates any curve passes; compare "
            "the two periods instead)."
        )
    return None


def trend_model(tokens, terms, *, per_years: float = 10.0, ci: float = 0.95, level: float = LEVEL,
                spline: bool | None = None) -> pd.DataFrame:
    """Slope of each concept's rate over time (% change per decade), with its interval and a BH-adjusted p.

    For each concept, :func:`corpus_tools.stats.nb_trend` on the dated
    documents: the document's count of the concept, its non-punctuation
    tokens as exposure, its date as a decimal year
    (:func:`corpus_tools.keywords.decimal_year`; a year-only date at 1 July).
    The model is NB2 with a log-token offset (quasi-Poisson when the NB fit
    does not converge), so the slope is the average change of the rate
    whatever the documents' lengths, and its interval allows for documents
    that use a term far more or less than their date predicts.

    ``spline`` (default: when there are at least :data:`SPLINE_MIN_DATES`
    distinct dates) also fits a natural cubic spline with
    :data:`SPLINE_DF` columns and tests it against the straight line
    (``p_nonlinear``, BH-adjusted over the concepts in
    ``p_nonlinear_adj``): a small value says the change was not steady, and
    the slope is then an average over bends.

    Refusals are rows, not errors: with fewer than
    :data:`corpus_tools.stats.MIN_TREND_DOCS` (15) dated documents or
    fewer than 3 distinct dates no concept gets a slope, and ``reason`` says
    why in words a notebook can print; a concept that never occurs gets its
    own reason.

    Returns
    -------
    DataFrame, one row per concept in the order given, with columns
    ``term, estimated, reason, method, n_docs, n_dates, date_from, date_to``
    (first and last year), ``x_min, x_max`` (first and last decimal date), ``pct_change, pct_low, pct_high, p, p_adj, significant, direction,
    p_nonlinear, p_nonlinear_adj, dispersion, per_years`` and, to draw the
    fitted line (:func:`trend_curve`), ``x_center, intercept, slope,
    var_intercept, cov_intercept_slope, var_slope, df_resid, ci``.
    ``pct_change`` is ``100 (exp(slope) - 1)``, the change of the rate per
    ``per_years`` years (per decade by default), with its ``ci`` interval
    ``pct_low, pct_high``; ``p_adj`` is the Benjamini & Hochberg (1995)
    adjustment over the concepts with a slope; ``significant = p_adj <
    level``; ``direction`` is ``"rose"``/``"fell"`` by the sign of the slope
    (a direction, not a claim).

    Raises
    ------
    ParameterError
        For empty terms (others, such as too few documents, become reasons).
    """
    uc = unit_counts(tokens, terms, unit="document")
    docs = tokens.docs.assign(doc_id=tokens.docs["doc_id"].astype(str)).set_index("doc_id")
    dates = docs["date"].fillna("").astype(str).reindex(uc.doc_id).to_numpy(object)
    precs = docs["date_precision"].fillna("").astype(str).reindex(uc.doc_id).to_numpy(object)
    x = np.array([decimal_year(d, p) if isinstance(d, str) and d else np.nan for d, p in zip(dates, precs)])
    use = np.isfinite(x) & (uc.totals > 0)
    n_undated = int((~np.isfinite(x) & (uc.totals > 0)).sum())
    x, totals, counts = x[use], uc.totals[use], uc.counts[use]
    n_docs, n_dates = int(use.sum()), int(np.unique(x).size)
    years = sorted(str(d)[:4] for d in dates[use])
    span = (years[0], years[-1]) if years else ("", "")
    refusal = _refusal(n_docs, n_dates, n_undated)
    if spline is None:
        spline = n_dates >= SPLINE_MIN_DATES
    rows = []
    for j, concept in enumerate(uc.concepts):
        row = dict.fromkeys(_COLUMNS, np.nan)
        row.update(term=concept, estimated=False, reason="", method="", n_docs=n_docs, n_dates=n_dates,
                   date_from=span[0], date_to=span[1], x_min=float(x.min()) if n_docs else np.nan,
                   x_max=float(x.max()) if n_docs else np.nan, per_years=float(per_years), ci=float(ci), direction="")
        if refusal is not None:
            row["reason"] = refusal
        elif counts[:, j].sum() == 0:
            row["reason"] = f"{concept!r} never occurs in these documents, so its rate has no trend to estimate."
        else:
            try:
                fit = stats.nb_trend(counts[:, j], totals, x, per_years=per_years, ci=ci,
                                     spline_df=SPLINE_DF if spline else None).iloc[0]
            except ParameterError as exc:
                row["reason"] = str(exc)
            else:
                row.update(estimated=True, method=fit["method"], pct_change=fit["pct_change"],
                           pct_low=fit["pct_low"], pct_high=fit["pct_high"], p=fit["p_value"],
                           p_nonlinear=fit["p_nonlinear"], dispersion=fit["dispersion"],
                           x_center=fit["x_center"], intercept=fit["intercept"], slope=fit["slope"],
                           var_intercept=fit["var_intercept"], cov_intercept_slope=fit["cov_intercept_slope"],
                           var_slope=fit["var_slope"], df_resid=fit["df_resid"],
                           direction="rose" if fit["slope"] > 0 else "fell")
        rows.append(row)
    out = pd.DataFrame(rows, columns=_COLUMNS)
    out["p_adj"] = stats.bh_adjust(out["p"].to_numpy(float))
    out["p_nonlinear_adj"] = stats.bh_adjust(out["p_nonlinear"].to_numpy(float))
    out["significant"] = out["p_adj"].fillna(1.0) < level
    out["estimated"] = out["estimated"].astype(bool)
    return out


def trend_curve(model: pd.DataFrame, *, n_points: int = 100) -> pd.DataFrame:
    """The fitted straight-line trend of each estimated concept, with its pointwise band, for a figure.

    ``model`` is :func:`trend_model` output. For each concept with a slope,
    ``n_points`` dates evenly spaced from the first to the last document
    (``x_min`` to ``x_max``); at each, the fitted rate per 1,000 tokens
    ``1000 exp(intercept + slope z)``, ``z = (x - x_center) / per_years``,
    and its ``ci`` band ``1000 exp(eta ± t se(eta))`` with ``se(eta)^2 =
    var_intercept + 2 z cov_intercept_slope + z^2 var_slope`` and t on the
    model's residual degrees of freedom (the same reference as the slope's
    interval). The band is for the mean rate at a date, not for a single
    document (documents scatter far more).

    Returns ``term, x, date, per_1k, low, high`` (``x`` a decimal year,
    ``date`` a Timestamp for a date axis); empty if no concept has a slope.
    """
    parts = []
    for _, row in model[model["estimated"]].iterrows():
        x = np.linspace(row["x_min"], row["x_max"], n_points)
        z = (x - row["x_center"]) / row["per_years"]
        eta = row["intercept"] + row["slope"] * z
        se = np.sqrt(np.maximum(row["var_intercept"] + 2 * z * row["cov_intercept_slope"] + z**2 * row["var_slope"], 0))
        q = float(student_t.isf((1 - row["ci"]) / 2, row["df_resid"]))
        # decimal year -> Timestamp on the same convention as decimal_year (day of year - 0.5) / days
        year = np.floor(x).astype(int)
        days = np.where(pd.to_datetime(year.astype(str)).is_leap_year, 366, 365)
        date = pd.to_datetime(year.astype(str)) + pd.to_timedelta((x - year) * days - 0.5, unit="D")
        parts.append(pd.DataFrame({"term": row["term"], "x": x, "date": date, "per_1k": 1000 * np.exp(eta),
                                   "low": 1000 * np.exp(eta - q * se), "high": 1000 * np.exp(eta + q * se)}))
    if not parts:
        return pd.DataFrame(columns=["term", "x", "date", "per_1k", "low", "high"])
    return pd.concat(parts, ignore_index=True)
