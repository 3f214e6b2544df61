"""The term explorer (notebook 02): type a term, see its rate over time, its contexts, its collocates.

After Voyant's linked Trends, Contexts and Collocates panels, without its
server: everything is computed here and embedded. For every embedded term
(the tracked concepts, then the most frequent lemmas):

* its rate per 1,000 tokens in each group (a document on its date, or a
  year …) with the interval the notebook uses, from
  :func:`corpus_tools.keywords.trend` called with the notebook's own options
  (whatever columns it returns, the explorer draws ``per_1k`` between
  ``ci_low`` and ``ci_high``);
* a few of its KWIC lines, spread over its occurrences (:func:`.contexts.term_contexts`);
* its top collocates, from :func:`corpus_tools.keywords.collocations`
  restricted to the pairs that contain it (:func:`.contexts.term_collocates`).

The number of terms is capped so that the trend table stays under
``max_rows`` rows (a corpus grouped by year has many points per term); the
page says how many terms it holds.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..corpus import date_position, doc_labels
from ..errors import ParameterError
from ..keywords import concept_terms, frequencies, kwic, trend
from .contexts import spread, term_collocates, term_contexts
from .explorer import Explorer

__all__ = ["term_explorer", "term_spec"]


def _when(date: str, precision: str) -> str:
    """The ISO day a date is drawn at on a time axis (its interval's middle), or ``""``."""
    if not isinstance(date, str) or not date:
        return ""
    pos = date_position(date, precision if isinstance(precision, str) else "")
    return "" if pd.isna(pos) else pos.strftime("%Y-%m-%d")


def term_explorer(
    tokens,
    *,
    concepts: Mapping[str, list] | None = None,
    max_terms: int = 1000,
    max_rows: int = 15000,
    kwic_lines: int = 6,
    window: int = 7,
    n_collocates: int = 8,
    min_collocation: int = 2,
    trend_options: Mapping | None = None,
    term: str | None = None,
) -> Explorer:
    """The term explorer: rates over time with intervals, KWIC lines and collocates, per term.

    Parameters
    ----------
    tokens : Tokens
    concepts : dict, optional
        Concept -> variants (the notebook's ``TRACKED_TERMS``): each is one
        entry, its variants pooled as :func:`corpus_tools.keywords.trend` pools them.
    max_terms : int, default 1000
        The most frequent lemmas (stopwords left out) embedded after the
        concepts; fewer when the trend table would pass ``max_rows`` rows
        (terms × groups).
    kwic_lines, window : int, defaults 6 and 7
        KWIC lines per term, spread over its occurrences, with ``window``
        tokens of context.
    n_collocates, min_collocation : int, defaults 8 and 2
        Collocates per term, from pairs seen at least ``min_collocation``
        times (likelihood ratio, as the notebook's section 5).
    trend_options : dict, optional
        Keyword arguments of :func:`corpus_tools.keywords.trend` (``by``,
        ``ci``), the notebook's own, so the intervals are the ones its
        figure shows.
    term : str, optional
        The term shown first (default: the first concept, else the most
        frequent lemma); embedded even when it is not among the most
        frequent (commas separate variants pooled as one entry).

    Returns an :class:`~corpus_tools.explore.Explorer` (``kind="terms"``)
    with tables ``vocab`` (``t, term, kind, variants, count``), ``groups``
    (``g, group, label, when, n_tokens``), ``trend`` (``t, g, count,
    per_1k, ci_low, ci_high``), ``kwic`` and ``collocates``. Raises
    ParameterError for counts below 1.
    """
    for name, value in (("max_terms", max_terms), ("max_rows", max_rows), ("kwic_lines", kwic_lines)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ParameterError(f"{name}={value!r}: give a positive whole number")
    options = dict(trend_options or {})
    concepts = concept_terms(concepts) if concepts else {}
    freq = frequencies(tokens, by=None)
    n_lemmas = len(freq)

    # how many groups a term has: the trend of one term tells
    probe = trend(tokens, {"_": [str(freq["term"].iat[0]) if len(freq) else "_"]}, **options)
    n_groups = max(len(probe), 1)
    room = max(int(max_rows) // n_groups - len(concepts), 1)
    lemmas = [t for t in freq["term"].astype(str) if t not in concepts][: min(int(max_terms), room)]
    entries = {**concepts, **{t: [t] for t in lemmas}}
    if term and str(term) not in entries:
        # the term asked for first is embedded whatever its frequency (variants pooled, as trend does)
        entries[str(term)] = [v.strip() for v in str(term).split(",") if v.strip()]
    tr = trend(tokens, entries, **options)

    names = list(entries)
    t_of = {name: i for i, name in enumerate(names)}
    counts = tr.groupby("term", sort=False)["count"].sum()
    vocab = pd.DataFrame({
        "t": np.arange(len(names), dtype=np.int64), "term": names,
        "kind": ["concept" if n in concepts else "lemma" for n in names],
        "variants": [", ".join(entries[n]) for n in names],
        "count": [int(counts.get(n, 0)) for n in names],
    })
    labels = doc_labels(tokens.docs)
    per_doc = options.get("by", "date") in ("date", "doc_id")  # a row per document: show its label
    grp = tr.drop_duplicates("group")[["group", "date", "date_precision", "n_tokens"]].reset_index(drop=True)
    groups = pd.DataFrame({
        "g": np.arange(len(grp), dtype=np.int64), "group": grp["group"].astype(str),
        "label": [labels.get(g, g) if per_doc else g for g in grp["group"].astype(str)],
        "when": [_when(d, p) for d, p in zip(grp["date"], grp["date_precision"])],
        "n_tokens": grp["n_tokens"].astype(np.int64),
    })
    g_of = dict(zip(groups["group"], groups["g"]))
    trend_rows = pd.DataFrame({
        "t": tr["term"].map(t_of).astype(np.int64), "g": tr["group"].astype(str).map(g_of).astype(np.int64),
        "count": tr["count"].astype(np.int64), "per_1k": tr["per_1k"], "ci_low": tr["ci_low"], "ci_high": tr["ci_high"],
    })

    # KWIC lines: lemmas in one pass; each concept pools its variants, as kwic does
    lines = term_contexts(tokens, lemmas, per_group=int(kwic_lines), window=window)
    parts = [lines.drop(columns=["group"])]
    for name, variants in entries.items():
        if name in lemmas:
            continue
        k = kwic(tokens, variants, window=window)
        pick = spread(len(k), int(kwic_lines))
        parts.append(k.iloc[pick].assign(term=name, line=np.arange(1, pick.size + 1), n_lines=len(k)))
    lines = pd.concat(parts, ignore_index=True)
    doc_index = {d: i for i, d in enumerate(labels.index.astype(str))}
    docs = pd.DataFrame({"doc_id": labels.index.astype(str), "label": labels.to_numpy(object)})
    kwic_table = pd.DataFrame({
        "t": lines["term"].map(t_of).astype(np.int64), "line": lines["line"].astype(np.int64),
        "n_lines": lines["n_lines"].astype(np.int64), "doc": lines["doc_id"].map(doc_index).astype(np.int64),
        "paragraph": lines["paragraph"].astype(np.int64), "left": lines["left"], "keyword": lines["keyword"],
        "right": lines["right"],
    }).sort_values(["t", "line"], kind="stable").reset_index(drop=True)

    # collocates: a concept gathers its variants' pairs
    variant_of = {v: n for n, vs in entries.items() for v in vs}
    col = term_collocates(tokens, list(variant_of), min_freq=min_collocation, n=int(n_collocates))
    col = col.assign(entry=col["term"].map(variant_of))
    col = col.sort_values(["entry", "score", "bigram"], ascending=[True, False, True], kind="stable")
    col = col.drop_duplicates(["entry", "collocate"]).groupby("entry", sort=False).head(int(n_collocates))
    collocates = pd.DataFrame({
        "t": col["entry"].map(t_of).astype(np.int64), "collocate": col["collocate"].astype(str),
        "bigram": col["bigram"].astype(str), "count": col["count"].astype(np.int64), "score": col["score"],
    }).sort_values(["t", "score"], ascending=[True, False], kind="stable").reset_index(drop=True)

    first = str(term) if term else (names[0] if names else "")
    temporal = bool(len(groups)) and bool((groups["when"] != "").all())
    notes = [
        f"{len(names):,} terms are embedded: "
        + (f"the {len(concepts)} tracked concept(s) and " if concepts else "")
        + f"the {len(lemmas):,} most frequent of {n_lemmas:,} lemmas (stopwords left out), "
        f"each with its rate in {len(groups):,} group(s), up to {int(kwic_lines)} KWIC lines spread over "
        f"its occurrences and its top {int(n_collocates)} collocates. Any other term: run the notebook in JupyterLab.",
    ]
    if len(lemmas) < min(int(max_terms), n_lemmas):
        notes.append(f"Capped at {int(max_rows):,} rates (terms × groups) to keep the page small.")
    explorer = Explorer(
        kind="terms",
        title="Explore a term: its rate, its contexts, its collocates",
        tables={"vocab": vocab, "groups": groups, "trend": trend_rows, "kwic": kwic_table, "docs": docs,
                "collocates": collocates},
        specs={},
        state={"term": first, "t": t_of[first], "temporal": temporal, "trend_options": _plain(options),
               "window": int(window)},
        notes=notes,
        tokens=tokens,
    )
    explorer.specs["chart"] = term_spec(explorer)
    return explorer


def _plain(options: Mapping) -> dict:
    """Trend options as JSON-ready values (for the page and the widget's live trends)."""
    return {str(k): (v if isinstance(v, (str, int, float, bool, type(None))) else str(v)) for k, v in options.items()}


def term_spec(explorer: Explorer, *, width: int = 640, height: int = 300) -> dict:
    """The Vega-Lite specification of a term's rate per group with its intervals.

    Reads the datasets ``trend`` and ``groups`` (joined on ``g``) and
    ``vocab``; its parameter ``t`` (the term's number in ``vocab``) is set
    by the search box. Groups with dates sit on a time axis, others in order.
    """
    import altair as alt

    base = (
        alt.Chart(alt.Data(name="trend"))
        .transform_filter("datum.t == t")
        .transform_lookup(lookup="g", from_=alt.LookupData(data=alt.Data(name="groups"), key="g",
                                                             fields=["label", "when", "n_tokens"]))
        # a looked-up field is not parsed as a date the way a dataset's own field is
        .transform_calculate(day="datum.when ? toDate(datum.when) : null")
    )
    if explorer.state["temporal"]:
        x = alt.X("day:T", title="date (a month or year is drawn at its middle)",
                  axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True))
    else:
        x = alt.X("label:N", sort=alt.EncodingSortField(field="g", order="ascending"), title=None)
    y = alt.Y("per_1k:Q", title="rate per 1,000 tokens")
    tooltip = [alt.Tooltip("label:N", title="group"), alt.Tooltip("when:N", title="date"),
               alt.Tooltip("count:Q", title="occurrences"),
               alt.Tooltip("n_tokens:Q", format=",", title="tokens"), alt.Tooltip("per_1k:Q", format=".3g"),
               alt.Tooltip("ci_low:Q", format=".3g", title="interval from"),
               alt.Tooltip("ci_high:Q", format=".3g", title="interval to")]
    line = base.mark_line(color="#9ecae1", strokeWidth=1).encode(x=x, y=y)
    rule = base.mark_rule(color="#1f77b4", strokeWidth=2, opacity=0.6).encode(x=x, y="ci_low:Q", y2="ci_high:Q",
                                                                                  tooltip=tooltip)
    dots = base.mark_circle(size=55, color="#1f77b4", opacity=1).encode(x=x, y=y, tooltip=tooltip)
    chart = alt.layer(line, rule, dots).add_params(
        alt.param(name="t", value=explorer.state["t"]),
        alt.param(name="termName", value=explorer.state["term"]),
    ).properties(
        width=width, height=height,
        title=alt.Title(text={"expr": "'‘' + termName + '’ per 1,000 tokens, with the notebook’s intervals'"},
                        anchor="start", fontSize=13),
    )
    return chart.to_dict()
