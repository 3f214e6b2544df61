"""The distinctive-terms explorer (notebook 03): every term as a point, its contexts a click away.

After Scattertext's term plot (Kessler 2017), built from the table of
:func:`corpus_tools.compare.distinctive_terms`: for the group chosen from a
menu, each term is a point at its frequency in the whole corpus (x, log
scale) and its keyness score (y: z of the log-odds with an informative
Dirichlet prior, Monroe, Colaresi & Quinn 2008, by default; Log Ratio or
signed G² from the same menu). Hovering shows a term's statistics; clicking
it, or typing it in the search box, shows its statistics in every group and
its KWIC lines from each group (:func:`.contexts.term_contexts`).

Unlike Scattertext's page, the size is bounded: at most ``max_terms`` terms
are embedded (the most frequent, plus each group's most over- and under-used
terms) and KWIC lines only for the ``kwic_terms`` terms with the largest
absolute z, ``kwic_lines`` per group; the page says so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..corpus import doc_labels, group_labels
from ..errors import ParameterError
from .contexts import term_contexts
from .explorer import Explorer

__all__ = ["distinctive_explorer", "distinctive_spec", "SCORES", "MARKS"]

#: The keyness scores the y menu offers, in order, with their titles (``g2_signed`` is
#: computed on the page from ``g2`` and the sign of ``log_ratio``).
SCORES = {
    "z": "z (log-odds with informative Dirichlet prior)",
    "log_ratio": "Log Ratio (log2 of the ratio of relative frequencies)",
    "g2_signed": "G² (signed: negative where the group uses the term less)",
}
#: How a point is marked, and its colour.
MARKS = {"over-used": "#1f77b4", "under-used": "#ff7f0e", "not distinctive": "#c7c7c7"}
_NEEDED = ("group", "term", "count", "count_rest", "per_1k", "per_1k_rest", "z", "g2", "p_adj", "log_ratio",
           "n_group", "n_rest")
#: Statistics shown for a term (when the table has them), in order.
STAT_COLUMNS = ("count", "count_rest", "per_1k", "per_1k_rest", "z", "log_ratio", "g2", "p", "p_adj", "distinctive")


def _check(terms: pd.DataFrame) -> None:
    if not isinstance(terms, pd.DataFrame):
        raise ParameterError(f"expected the table of compare.distinctive_terms, got {type(terms).__name__}")
    missing = [c for c in _NEEDED if c not in terms.columns]
    if missing:
        raise ParameterError(f"the distinctive-terms table lacks {missing}; pass compare.distinctive_terms(...)")
    if terms.empty:
        raise ParameterError("the distinctive-terms table is empty: there is nothing to explore")


def _marks(points: pd.DataFrame) -> tuple[pd.Series, str]:
    """Each row's mark and the rule that decided it (the table's ``distinctive`` column if it has one)."""
    if "distinctive" in points.columns:
        flag = points["distinctive"].fillna(False).astype(bool)
        rule = "marked by the notebook's test (the table's distinctive column)"
    else:
        flag = points["p_adj"] < 0.05
        rule = "marked where the Benjamini–Hochberg-adjusted G² p < 0.05"
    # the table's direction (group rate against the rest) when it has one, else the sign of z
    over = points["direction"] == "over" if "direction" in points.columns else points["z"] > 0
    mark = np.where(~flag, "not distinctive", np.where(over, "over-used", "under-used"))
    return pd.Series(mark, index=points.index), rule


def distinctive_explorer(
    terms: pd.DataFrame,
    tokens,
    *,
    by: str,
    max_terms: int = 3000,
    extremes: int = 50,
    kwic_terms: int = 600,
    kwic_lines: int = 3,
    window: int = 7,
    n_labels: int = 8,
    group: str | None = None,
    term: str | None = None,
) -> Explorer:
    """The distinctive-terms explorer for a :func:`corpus_tools.compare.distinctive_terms` table.

    Parameters
    ----------
    terms : DataFrame
        ``compare.distinctive_terms`` output (``group, term, count,
        count_rest, per_1k, per_1k_rest, z, g2, p_adj, log_ratio, n_group,
        n_rest``; ``p``, ``distinctive`` and ``direction`` are used when
        present: points are marked by ``distinctive`` if the table has it,
        else by ``p_adj < 0.05``, as over- or under-used by ``direction`` if
        the table has it, else by the sign of z).
    tokens : Tokens
        The tokens the table was computed from (e.g. the notebook's
        ``analysis_tokens``): the KWIC lines come from them.
    by : str, keyword-only
        The grouping of ``terms`` (``GROUP_BY``), to assign KWIC lines to groups.
    max_terms : int, default 3000
        Terms embedded: the ``max_terms`` most frequent in the corpus, plus
        each group's ``extremes`` highest and lowest z (so the most
        distinctive rare terms are never cut).
    kwic_terms, kwic_lines, window : int, defaults 600, 3, 7
        KWIC lines are embedded for the ``kwic_terms`` terms with the largest
        |z| in any group, ``kwic_lines`` from each group (spread over its
        occurrences), with ``window`` tokens of context.
    n_labels : int, default 8
        Each group's highest and lowest z are labelled on the chart.
    group, term : str, optional
        What is shown first (default: the first group, and its top term).

    Returns an :class:`~corpus_tools.explore.Explorer` (``kind="distinctive"``)
    with tables ``points`` (one row per group and embedded term), ``kwic``
    and ``docs``. Raises ParameterError for a table that is not
    ``distinctive_terms`` output, an empty one, or a ``group`` it lacks.
    """
    _check(terms)
    for name, value in (("max_terms", max_terms), ("kwic_terms", kwic_terms), ("kwic_lines", kwic_lines)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ParameterError(f"{name}={value!r}: give a positive whole number")
    groups = sorted(terms["group"].astype(str).unique())
    first = group if group is not None else groups[0]
    if first not in groups:
        raise ParameterError(f"group={group!r} is not in the table; its groups are {groups}")
    table = terms.assign(group=terms["group"].astype(str), term=terms["term"].astype(str))

    # which terms: the most frequent, plus each group's extremes
    total = table.groupby("term", sort=False)[["count", "count_rest"]].first().sum(axis=1)
    n_all = int(total.size)
    by_freq = total.sort_values(ascending=False, kind="stable").index[: int(max_terms)]
    ranked = table.sort_values(["group", "z", "term"], ascending=[True, False, True], kind="stable")
    top = ranked.groupby("group").head(int(extremes))["term"]
    bottom = ranked.iloc[::-1].groupby("group").head(int(extremes))["term"]
    keep = set(by_freq) | set(top) | set(bottom)
    points = table[table["term"].isin(keep)].copy()

    points["freq"] = (points["count"] + points["count_rest"]) / (points["n_group"] + points["n_rest"]) * 1000.0
    points["mark"], rule = _marks(points)
    points = points.sort_values(["group", "z", "term"], ascending=[True, False, True], kind="stable")
    # the terms labelled on the chart: each group's highest and lowest z
    rank_hi = points.groupby("group").cumcount()
    rank_lo = points.iloc[::-1].groupby("group").cumcount().reindex(points.index)
    points["label"] = (rank_hi < n_labels) | (rank_lo < n_labels)
    stats = [c for c in STAT_COLUMNS if c in points.columns]
    scores = list(SCORES)
    cols = ["group", "term", "freq", *stats, "mark", "label"]
    points = points[list(dict.fromkeys(cols))].reset_index(drop=True)

    # KWIC lines for the terms with the largest |z| anywhere
    strength = points.assign(a=points["z"].abs()).groupby("term", sort=False)["a"].max()
    with_lines = strength.sort_values(ascending=False, kind="stable").index[: int(kwic_terms)].tolist()
    docs = tokens.docs
    member = group_labels(docs, by)
    kwic = term_contexts(tokens, with_lines, groups=member, per_group=int(kwic_lines), window=window)
    labels = doc_labels(docs)
    doc_table = pd.DataFrame({"doc_id": labels.index.astype(str), "label": labels.to_numpy(object)})
    doc_index = {d: i for i, d in enumerate(doc_table["doc_id"])}
    kwic = kwic.assign(doc=kwic["doc_id"].map(doc_index).astype(np.int64))[
        ["term", "group", "line", "n_lines", "doc", "paragraph", "left", "keyword", "right"]]

    start_term = term if term is not None else str(points.loc[points["group"] == first, "term"].iloc[0])
    n_shown = points["term"].nunique()
    notes = [
        f"{n_shown:,} of the {n_all:,} terms tested are embedded: the {min(int(max_terms), n_all):,} most frequent "
        f"in the corpus and each group's {int(extremes)} most over- and under-used; points are {rule}.",
        f"KWIC lines are embedded for the {len(with_lines):,} terms with the largest |z|, at most "
        f"{int(kwic_lines)} per group, spread over the group's occurrences ({int(window)} tokens either side).",
    ]
    state = {
        "group": first, "groups": groups, "score": "z", "scores": {s: SCORES[s] for s in scores},
        "term": start_term, "terms": sorted(points["term"].unique()), "kwic_terms": len(with_lines),
        "stats": stats, "by": by, "window": int(window), "kwic_lines": int(kwic_lines),
        "marks": list(MARKS),
    }
    explorer = Explorer(
        kind="distinctive",
        title=f"Distinctive terms by {by}: each group against the rest",
        tables={"points": points, "kwic": kwic, "docs": doc_table},
        specs={},
        state=state,
        notes=notes,
        tokens=tokens,
    )
    explorer.specs["chart"] = distinctive_spec(explorer)
    return explorer


def distinctive_spec(explorer: Explorer, *, width: int = 640, height: int = 430) -> dict:
    """The Vega-Lite specification of the distinctive-terms chart.

    Reads the dataset ``points``; its parameters ``group``, ``score`` (a
    column of ``points``) and ``term`` (the highlighted term) are what the
    menus, the search box and a click set.
    """
    import altair as alt

    state = explorer.state
    base = (
        alt.Chart(alt.Data(name="points"))
        .transform_filter("datum.group == group")
        .transform_calculate(g2_signed="(datum.log_ratio < 0 ? -1 : 1) * datum.g2")
        .transform_calculate(score_value="datum[score]")
    )
    x = alt.X("freq:Q", scale=alt.Scale(type="log"), title="frequency in the whole corpus (per 1,000 tokens, log scale)")
    y = alt.Y("score_value:Q", title=None)
    hit = "datum.term == term"
    tooltip = [alt.Tooltip("term:N")] + [
        alt.Tooltip(f"{c}:Q" if c != "distinctive" else f"{c}:N", format=".4g" if c not in ("count", "count_rest",
                                                                                             "distinctive") else "")
        for c in state["stats"]
    ]
    dots = base.mark_circle(opacity=0.75).encode(
        x=x, y=y,
        color=alt.Color("mark:N", scale=alt.Scale(domain=list(MARKS), range=list(MARKS.values())),
                        legend=alt.Legend(title=None, orient="bottom")),
        size=alt.when(hit).then(alt.value(220)).otherwise(alt.value(22)),
        stroke=alt.when(hit).then(alt.value("#000000")).otherwise(alt.value("transparent")),
        strokeWidth=alt.value(2),
        order=alt.when(hit).then(alt.value(1)).otherwise(alt.value(0)),
        tooltip=tooltip,
    )
    # one text layer: each group's extremes, and the chosen term larger and black
    labels = base.transform_filter(f"datum.label || {hit}").mark_text(align="left", dx=6, dy=-6).encode(
        x=x, y=y, text="term:N",
        size=alt.when(hit).then(alt.value(15)).otherwise(alt.value(11)),
        color=alt.when(hit).then(alt.value("#000000")).otherwise(alt.value("#444444")),
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#888", strokeDash=[4, 3]).encode(y="y:Q")
    chart = alt.layer(zero, dots, labels).add_params(
        alt.param(name="group", value=state["group"]),
        alt.param(name="score", value=state["score"]),
        alt.param(name="term", value=state["term"]),
        alt.param(name="scoreTitles", value=state["scores"]),
        alt.selection_interval(name="zoom", bind="scales", encodings=["x", "y"]),
    ).properties(
        width=width, height=height,
        title=alt.Title(text={"expr": "group + ' against the rest: ' + scoreTitles[score]"}, anchor="start",
                        fontSize=13),
    )
    return chart.to_dict()
