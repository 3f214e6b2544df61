"""The explorers in JupyterLab: ipywidgets boxes driven by the same :class:`Explorer` data.

Each widget has the report's controls (a group menu, a search box with
completion, the λ slider …), the report's chart (the same Vega-Lite
specification, drawn for the current state by ``vl-convert`` as a PNG) and
the report's panels (statistics, KWIC lines, collocates, paragraphs) as HTML.
With the token table at hand (``Explorer.tokens``) a widget also answers for
terms the page does not embed: it finds their KWIC lines (and, in the term
explorer, their trend and collocates) on the spot.

Each widget can be driven from code, which is how the tests use them:
``w.term.value = "hegemony"``, ``w.group.value = "RUS"``, ``w.lam.value = 0.3``;
what it shows is then in ``w.panel.value`` (HTML), ``w.chart.value`` (PNG
bytes) and tables such as ``w.lines``.
"""
from __future__ import annotations

import copy
import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..corpus import group_labels
from .contexts import spread, term_collocates, term_contexts

__all__ = ["explorer_widget", "render_chart", "DistinctiveWidget", "TopicWidget", "TermWidget"]


def render_chart(spec: dict, datasets: dict[str, pd.DataFrame], params: dict, *, scale: float = 1.0) -> bytes:
    """A Vega-Lite ``spec`` drawn as PNG with ``datasets`` and its parameters set to ``params``.

    The same specification the report draws in the browser, drawn here by
    ``vl_convert.vegalite_to_png`` (Vega's own renderer, no browser). Returns
    the PNG bytes.
    """
    import vl_convert

    s = copy.deepcopy(spec)
    s["datasets"] = {**s.get("datasets", {}), **{k: v.to_dict(orient="records") for k, v in datasets.items()}}
    for p in s.get("params", []):
        if p.get("name") in params:
            p["value"] = params[p["name"]]
    return vl_convert.vegalite_to_png(_plain(s), scale=scale)


def _plain(obj):
    """numpy scalars to Python ones, NaN to None (for vl-convert's JSON)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and obj != obj:
        return None
    return obj


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        a = abs(float(v))
        return f"{v:.2e}" if a and (a < 0.001 or a >= 1e5) else f"{float(f'{v:.3g}'):g}"
    return str(v)


def _table(headers, body, current: int | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    marked = ' style="background:#eef5fb;font-weight:600"'
    rows = "".join(
        f"<tr{marked if i == current else ''}>"
        + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in cells) + "</tr>"
        for i, cells in enumerate(body)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _kwic(lines: pd.DataFrame, docs: list[str]) -> str:
    """KWIC lines as the page shows them: document ¶paragraph, left, [keyword], right."""
    rows = "".join(
        "<tr>"
        f"<td style='color:#555'>{html.escape(docs[int(r.doc)])} ¶{int(r.paragraph)}</td>"
        f"<td style='text-align:right'>{html.escape(str(r.left))}</td>"
        f"<td style='font-weight:700;color:#08519c'>{html.escape(str(r.keyword))}</td>"
        f"<td style='text-align:left'>{html.escape(str(r.right))}</td></tr>"
        for r in lines.itertuples(index=False)
    )
    return f"<table class='ct-kwic' style='font-family:monospace;font-size:12px'><tbody>{rows}</tbody></table>"


class _ExplorerWidget(widgets.VBox):
    """Shared parts: the heading (title, banner, notes), a message line, the chart, the panel."""

    def __init__(self, explorer, controls: list) -> None:
        self.explorer = explorer
        banner = (f"<div style='padding:.5em .8em;background:#fdecea;border:1px solid #d62728;color:#7f1d1d;"
                  f"font-weight:600'>{html.escape(explorer.banner)}</div>") if explorer.banner else ""
        notes = "".join(f"<p style='font-size:12px;color:#555;margin:.1em 0'>{html.escape(n)}</p>"
                        for n in explorer.notes)
        self.heading = widgets.HTML(f"<h3>{html.escape(explorer.title)}</h3>{banner}{notes}")
        self.message = widgets.HTML("")
        self.chart = widgets.Image(format="png")
        self.panel = widgets.HTML("")
        super().__init__(children=[self.heading, widgets.HBox(controls), self.message, self.chart, self.panel])

    def _draw(self, datasets: dict, params: dict) -> None:
        self.chart.value = render_chart(self.explorer.specs["chart"], datasets, params)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):
            bundle["text/plain"] = f"[{self.explorer.title}: run the notebook in JupyterLab to use this explorer.]"
        return bundle


class DistinctiveWidget(_ExplorerWidget):
    """The distinctive-terms explorer: ``group``, ``score`` and ``term`` controls; ``lines`` shown."""

    def __init__(self, explorer) -> None:
        st = explorer.state
        self.points = explorer.tables["points"]
        self.kwic = explorer.tables["kwic"]
        self.docs = explorer.tables["docs"]["label"].tolist()
        self.group = widgets.Dropdown(options=[(f"{g} against the rest", g) for g in st["groups"]], value=st["group"],
                                      description="Group:")
        self.score = widgets.Dropdown(options=[(v, k) for k, v in st["scores"].items()], value=st["score"],
                                      description="Score:")
        self.term = widgets.Combobox(options=st["terms"], value=st["term"], description="Term:",
                                     ensure_option=False, continuous_update=False,
                                     placeholder="type a term, press Enter")
        self.lines = self.kwic.iloc[:0]
        super().__init__(explorer, [self.group, self.score, self.term])
        for w in (self.group, self.score, self.term):
            w.observe(lambda change: self.refresh(), names="value")
        self.refresh()

    def _lines(self, term: str) -> pd.DataFrame:
        found = self.kwic[self.kwic["term"] == term]
        tokens = self.explorer.tokens
        if found.empty and tokens is not None:  # not embedded: read them from the tokens
            st = self.explorer.state
            member = group_labels(tokens.docs, st["by"])
            live = term_contexts(tokens, [term], groups=member, per_group=st["kwic_lines"], window=st["window"])
            index = {d: i for i, d in enumerate(self.explorer.tables["docs"]["doc_id"])}
            found = live.assign(doc=live["doc_id"].map(index).astype(np.int64))[self.kwic.columns]
        return found

    def refresh(self) -> None:
        """Redraw the chart and the panel for the current group, score and term."""
        st = self.explorer.state
        term = self.term.value.strip()
        rows = self.points[self.points["term"] == term]
        if rows.empty:
            lower = {t.lower(): t for t in st["terms"]}
            if term.lower() in lower:
                term = lower[term.lower()]
                rows = self.points[self.points["term"] == term]
        if rows.empty:
            self.message.value = (f"<span style='color:#a00'>‘{html.escape(term)}’ is not among the embedded terms "
                                  "(see the note above).</span>")
            return
        self.message.value = ""
        self.shown_term = term
        self._draw({"points": self.points[self.points["group"] == self.group.value]},
                   {"group": self.group.value, "score": self.score.value, "term": term})
        stats = st["stats"]
        body = [[r["group"], *[r[c] for c in stats], r["mark"]] for _, r in rows.iterrows()]
        current = next((i for i, b in enumerate(body) if b[0] == self.group.value), None)
        parts = [f"<h4>‘{html.escape(term)}’ in every group</h4>", _table(["group", *stats, "mark"], body, current)]
        self.lines = self._lines(term)
        order = [self.group.value] + [g for g in st["groups"] if g != self.group.value]
        for g in order:
            ls = self.lines[self.lines["group"] == g]
            n = int(ls["n_lines"].iat[0]) if len(ls) else 0
            parts.append(f"<h5>{html.escape(g)}: " + (f"{len(ls)} of {n} line{'s' if n != 1 else ''}" if n
                                                      else "no occurrence") + "</h5>")
            if len(ls):
                parts.append(_kwic(ls, self.docs))
        self.panel.value = "".join(parts)


class TopicWidget(_ExplorerWidget):
    """The topic explorer: ``topic`` menu and ``lam`` slider; ``top_terms`` and ``units`` shown."""

    def __init__(self, explorer) -> None:
        st = explorer.state
        self.topics = explorer.tables["topics"]
        self.terms = explorer.tables["terms"]
        self.units_table = explorer.tables["units"]
        self.topic = widgets.Dropdown(options=[(r.label or f"Topic {r.topic}", int(r.topic))
                                               for r in self.topics.itertuples()], value=st["topic"],
                                      description="Topic:")
        self.lam = widgets.FloatSlider(value=st["lam10"] / 10, min=0.0, max=1.0, step=0.1, readout_format=".1f",
                                       description="Relevance λ:", continuous_update=False)
        super().__init__(explorer, [self.topic, self.lam])
        for w in (self.topic, self.lam):
            w.observe(lambda change: self.refresh(), names="value")
        self.refresh()

    def refresh(self) -> None:
        """Redraw the map, the bars and the paragraphs for the current topic and λ."""
        lam10 = int(round(self.lam.value * 10))
        topic = int(self.topic.value)
        self._draw({"topics": self.topics, "terms": self.terms[self.terms["topic"] == topic]},
                   {"topic": topic, "lam10": lam10})
        top = self.terms[(self.terms["topic"] == topic) & (self.terms["lam10"] == lam10)].sort_values("rank")
        self.top_terms = top["term"].tolist()
        self.units = self.units_table[self.units_table["topic"] == topic]
        label = self.topics.loc[self.topics["topic"] == topic, "label"].iat[0] or f"Topic {topic}"
        parts = [f"<p>Top terms of topic {topic} at λ = {lam10 / 10:.1f}: {html.escape(', '.join(self.top_terms))}</p>",
                 f"<h4>The most typical {html.escape(self.explorer.state['unit'])}s of topic {html.escape(label)}</h4>"]
        for u in self.units.itertuples():
            parts.append(f"<blockquote style='border-left:3px solid #d62728;margin:.3em 0;padding:.2em .8em'>"
                         f"<p>{html.escape(u.text)}</p><p style='font-size:12px;color:#555'>{html.escape(u.document)}"
                         f" · {html.escape(u.unit_id)} · {100 * u.weight:.0f}% of it is this topic</p></blockquote>")
        self.panel.value = "".join(parts)


class TermWidget(_ExplorerWidget):
    """The term explorer: a ``term`` box; ``trend``, ``lines`` and ``collocates`` shown."""

    def __init__(self, explorer) -> None:
        st = explorer.state
        self.vocab = explorer.tables["vocab"]
        self.index = {t.lower(): i for i, t in enumerate(self.vocab["term"])}
        self.docs = explorer.tables["docs"]["label"].tolist()
        self.term = widgets.Combobox(options=self.vocab["term"].tolist(), value=st["term"], description="Term:",
                                     ensure_option=False, continuous_update=False,
                                     placeholder="type a term, press Enter")
        super().__init__(explorer, [self.term])
        self.term.observe(lambda change: self.refresh(), names="value")
        self.refresh()

    def _live(self, term: str):
        """Trend, KWIC lines and collocates of a term the page does not embed, from the tokens."""
        from ..keywords import kwic, trend

        ex, st = self.explorer, self.explorer.state
        variants = [v.strip() for v in term.split(",") if v.strip()]
        tr = trend(ex.tokens, {term: variants}, **st["trend_options"])
        g_of = dict(zip(ex.tables["groups"]["group"], ex.tables["groups"]["g"]))
        rows = pd.DataFrame({"t": -1, "g": tr["group"].astype(str).map(g_of).fillna(-1).astype(np.int64),
                             "count": tr["count"], "per_1k": tr["per_1k"], "ci_low": tr["ci_low"],
                             "ci_high": tr["ci_high"]})
        k = kwic(ex.tokens, variants, window=st["window"])
        pick = spread(len(k), int(ex.tables["kwic"].groupby("t").size().max() if len(ex.tables["kwic"]) else 6))
        index = {d: i for i, d in enumerate(ex.tables["docs"]["doc_id"])}
        lines = k.iloc[pick].assign(t=-1, line=np.arange(1, pick.size + 1), n_lines=len(k),
                                    doc=k["doc_id"].iloc[pick].map(index).astype(np.int64))
        coll = term_collocates(ex.tokens, variants, n=8)
        coll = coll.sort_values("score", ascending=False).drop_duplicates("collocate").head(8)
        return rows, lines, coll, int(tr["count"].sum())

    def refresh(self) -> None:
        """Redraw the trend and the panels for the current term."""
        term = self.term.value.strip()
        ex = self.explorer
        i = self.index.get(term.lower())
        if i is None and ex.tokens is None:
            self.message.value = (f"<span style='color:#a00'>‘{html.escape(term)}’ is not among the embedded terms "
                                  "(see the note above).</span>")
            return
        self.message.value = ""
        if i is not None:
            name = self.vocab["term"].iat[i]
            trend_rows = ex.tables["trend"][ex.tables["trend"]["t"] == i]
            lines = ex.tables["kwic"][ex.tables["kwic"]["t"] == i]
            coll = ex.tables["collocates"][ex.tables["collocates"]["t"] == i]
            count = int(self.vocab["count"].iat[i])
            t = i
        else:
            name, t = term, -1
            trend_rows, lines, coll, count = self._live(term)
        self.shown_term, self.trend, self.lines, self.collocates = name, trend_rows, lines, coll
        self._draw({"trend": trend_rows, "groups": ex.tables["groups"]}, {"t": t, "termName": name})
        n = int(lines["n_lines"].iat[0]) if len(lines) else 0
        parts = [f"<h4>‘{html.escape(name)}’: {count:,} occurrence{'s' if count != 1 else ''}</h4>",
                 f"<h5>In context: {len(lines)} of {n} line{'s' if n != 1 else ''}</h5>" if n
                 else "<h5>In context: no occurrence</h5>"]
        if len(lines):
            parts.append(_kwic(lines, self.docs))
        if len(coll):
            parts.append("<h5>Top collocates (two-word collocations, likelihood ratio)</h5>")
            parts.append(_table(["collocate", "pair", "count", "score"],
                                [[c.collocate, c.bigram, c.count, c.score] for c in coll.itertuples()]))
        self.panel.value = "".join(parts)


_WIDGETS = {"distinctive": DistinctiveWidget, "topics": TopicWidget, "terms": TermWidget}


def explorer_widget(explorer) -> "_ExplorerWidget":
    """The ipywidgets box for ``explorer`` (by its kind). Raises KeyError for an unknown kind."""
    return _WIDGETS[explorer.kind](explorer)
