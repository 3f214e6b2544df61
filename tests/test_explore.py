"""explore: the three explorers' data, their HTML views offline in a browser, their JupyterLab widgets.

The data is checked against the analyses it comes from (every embedded KWIC
line is a line of ``keywords.kwic``, every ranking a ``top_terms`` ranking,
every rate a ``keywords.trend`` row); the pages are opened in headless
Chromium with the network refused, a term typed and a point clicked; the
widgets are created and driven from code, as a reader drives them in
JupyterLab.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpus_tools import compare, explore, keywords, topics
from corpus_tools.corpus import load_corpus
from corpus_tools.errors import ParameterError
from corpus_tools.explore.explorer import columnar
from corpus_tools.explore.page import RUNTIME_MARK, add_runtime, fragment, json_for_html
from corpus_tools.notebook import group_labels
from corpus_tools.tokens import tokenize

from .browser import Browser, chromium_required, drive_explorers, explorer_payloads, find_chromium
from .test_run import PageLoads

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
TREND = {"by": "date"}


@pytest.fixture(scope="module")
def tokens():
    return tokenize(load_corpus(SEEDS), cache=False)


@pytest.fixture(scope="module")
def terms(tokens):
    return compare.distinctive_terms(tokens, by="author", min_count=3)


@pytest.fixture(scope="module")
def distinctive(terms, tokens):
    return explore.distinctive_explorer(terms, tokens, by="author")


@pytest.fixture(scope="module")
def model(tokens):
    return topics.fit_lda(tokens, k=3, seed=0, no_below=2, no_above=0.5, passes=5)


@pytest.fixture(scope="module")
def topic_ex(model, tokens):
    return explore.topic_explorer(model, tokens, noise=True)


@pytest.fixture(scope="module")
def term_ex(tokens):
    return explore.term_explorer(tokens, concepts={"alliance": ["alliance", "ally"]}, trend_options=TREND,
                                 max_terms=300)


def _key(frame: pd.DataFrame) -> set[tuple]:
    return set(frame[["doc_id", "position", "left", "keyword", "right"]].itertuples(index=False, name=None))


# ---------------------------------------------------------------------------
# contexts: many terms at once, the same lines as kwic
# ---------------------------------------------------------------------------
def test_term_contexts_are_kwic_lines_spread_over_each_group(tokens):
    groups = group_labels(tokens.docs, "author")
    ctx = explore.term_contexts(tokens, ["russia", "alliance", "multipolar_world", "no-such-word"], groups=groups,
                                per_group=3, window=7)
    assert set(ctx["term"]) == {"russia", "alliance", "multipolar_world"}
    for (term, group), lines in ctx.groupby(["term", "group"]):
        full = keywords.kwic(tokens, term, window=7)
        full = full[full["doc_id"].map(groups) == group].reset_index(drop=True)
        # every line is one kwic gives, n_lines counts all of them, and the first and last are kept
        assert _key(lines) <= _key(full)
        assert (lines["n_lines"] == len(full)).all()
        assert lines["line"].tolist() == list(range(1, len(lines) + 1))
        assert len(lines) == min(3, len(full))
        if len(full) > 1:
            assert lines["position"].iat[0] == full["position"].iat[0]
            assert lines["position"].iat[-1] == full["position"].iat[-1]
    # 'russia' occurs in every author's article
    assert ctx[ctx["term"] == "russia"]["group"].nunique() == 5


def test_term_contexts_rejects_bad_counts(tokens):
    with pytest.raises(ParameterError, match="per_group"):
        explore.term_contexts(tokens, ["russia"], per_group=0)
    with pytest.raises(ParameterError, match="window"):
        explore.term_contexts(tokens, ["russia"], window=-1)


def test_term_collocates_are_the_collocations_containing_the_term(tokens):
    col = explore.term_collocates(tokens, ["strategic", "russia"], n=5)
    pairs = keywords.collocations(tokens, measure="likelihood_ratio", min_freq=2, n=10**6)
    scores = {(r.w1, r.w2): r.score for r in pairs.itertuples()}
    for r in col.itertuples():
        assert r.term in r.bigram.split(" ")
        w1, w2 = r.bigram.split(" ")
        assert scores[(w1, w2)] == pytest.approx(r.score)
    for term, c in col.groupby("term"):
        assert c["rank"].tolist() == list(range(1, len(c) + 1)) and len(c) <= 5
        assert c["score"].is_monotonic_decreasing
        expected = sorted((s for (a, b), s in scores.items() if term in (a, b)), reverse=True)[:5]
        assert c["score"].tolist() == pytest.approx(expected)


# ---------------------------------------------------------------------------
# distinctive terms
# ---------------------------------------------------------------------------
def test_distinctive_explorer_embeds_the_table_and_kwic(distinctive, terms, tokens):
    pts = distinctive.tables["points"]
    # every row is the table's own row, for every group
    merged = pts.merge(terms, on=["group", "term"], suffixes=("", "_t"))
    assert len(merged) == len(pts)
    assert np.allclose(merged["z"], merged["z_t"]) and (merged["count"] == merged["count_t"]).all()
    assert set(pts["group"]) == set(terms["group"]) == set(distinctive.state["groups"])
    # marked exactly by the table's distinctive column, over or under by its direction
    assert (merged["mark"] != "not distinctive").eq(merged["distinctive"]).all()
    hit = merged[merged["distinctive"]]
    assert (hit["mark"] == np.where(hit["direction"] == "over", "over-used", "under-used")).all()
    assert "distinctive column" in distinctive.notes[0]
    # KWIC lines of the terms with the largest |z|, each a line of kwic in its group
    groups = group_labels(tokens.docs, "author")
    kw = distinctive.tables["kwic"]
    docs = distinctive.tables["docs"]["doc_id"]
    for term in kw["term"].unique()[:5]:
        full = keywords.kwic(tokens, term, window=7)
        mine = kw[kw["term"] == term].assign(doc_id=lambda f: f["doc"].map(docs), position=0)
        have = set(full.assign(group=full["doc_id"].map(groups))[["group", "left", "keyword", "right"]]
                   .itertuples(index=False, name=None))
        assert set(mine[["group", "left", "keyword", "right"]].itertuples(index=False, name=None)) <= have
    spec = distinctive.specs["chart"]
    assert {p["name"] for p in spec["params"]} >= {"group", "score", "term"}
    assert {"name": "points"} in [layer.get("data") for layer in spec["layer"]]


def test_distinctive_explorer_caps_and_uses_the_distinctive_column(terms, tokens):
    flagged = terms.assign(distinctive=terms["term"].isin(["russia", "alliance"]))
    ex = explore.distinctive_explorer(flagged, tokens, by="author", max_terms=20, extremes=3, kwic_terms=4,
                                      kwic_lines=2)
    pts = ex.tables["points"]
    total = terms.groupby("term")[["count", "count_rest"]].first().sum(axis=1)
    top = set(total.sort_values(ascending=False, kind="stable").index[:20])
    assert top <= set(pts["term"]) and pts["term"].nunique() <= 20 + 2 * 3 * 5
    assert set(pts.loc[pts["mark"] != "not distinctive", "term"]) <= {"russia", "alliance"}
    assert "distinctive column" in ex.notes[0]
    assert ex.tables["kwic"]["term"].nunique() == 4
    assert ex.tables["kwic"].groupby(["term", "group"]).size().max() <= 2
    assert "distinctive" in ex.state["stats"]


def test_distinctive_explorer_without_the_distinctive_column_marks_by_adjusted_p(terms, tokens):
    ex = explore.distinctive_explorer(terms.drop(columns=["distinctive", "direction"]), tokens, by="author")
    pts = ex.tables["points"]
    over = pts[(pts["p_adj"] < 0.05) & (pts["z"] > 0)]
    under = pts[(pts["p_adj"] < 0.05) & (pts["z"] < 0)]
    assert (over["mark"] == "over-used").all() and (under["mark"] == "under-used").all()
    assert (pts.loc[pts["p_adj"] >= 0.05, "mark"] == "not distinctive").all()
    assert "Benjamini" in ex.notes[0]


def test_distinctive_explorer_refuses_what_is_not_its_table(tokens, terms):
    with pytest.raises(ParameterError, match="lacks"):
        explore.distinctive_explorer(terms.drop(columns=["z"]), tokens, by="author")
    with pytest.raises(ParameterError, match="group='nobody'"):
        explore.distinctive_explorer(terms, tokens, by="author", group="nobody")


# ---------------------------------------------------------------------------
# topics
# ---------------------------------------------------------------------------
def test_topic_explorer_precomputes_every_lambda_step(topic_ex, model, tokens):
    t = topic_ex.tables["terms"]
    assert sorted(t["lam10"].unique()) == list(range(11))
    for lam10 in (0, 6, 10):
        want = model.top_terms(n=20, relevance_lambda=lam10 / 10)
        got = t[t["lam10"] == lam10].sort_values(["topic", "rank"])
        assert got["term"].tolist() == want["term"].tolist()
    # LDAvis's bars: the estimated count in the topic never exceeds the corpus count
    assert (t["in_topic"] <= t["overall"] * (1 + 1e-9)).all()
    coords = topics.topic_map(model)
    assert np.allclose(topic_ex.tables["topics"][["x", "y", "prevalence"]], coords[["x", "y", "prevalence"]])
    rep = topics.representative_units(model, tokens, n=3)
    assert topic_ex.tables["units"]["unit_id"].tolist() == rep["unit_id"].tolist()
    assert topic_ex.banner == explore.NOISE_BANNER
    assert topic_ex.state["lam10"] == 6


def test_topic_explorer_banner_only_when_told(model, tokens):
    quiet = explore.topic_explorer(model, tokens)
    assert quiet.banner == ""
    custom = explore.topic_explorer(model, tokens, banner="Shuffled corpora give topics as coherent as these.")
    assert custom.banner.startswith("Shuffled")
    with pytest.raises(ParameterError, match=r"topic=9"):
        explore.topic_explorer(model, tokens, topic=9)
    with pytest.raises(ParameterError, match="relevance_lambda"):
        explore.topic_explorer(model, tokens, relevance_lambda=1.5)


# ---------------------------------------------------------------------------
# terms
# ---------------------------------------------------------------------------
def test_term_explorer_rates_are_the_notebooks_trend(term_ex, tokens):
    vocab = term_ex.tables["vocab"]
    assert vocab["term"].iat[0] == "alliance" and vocab["kind"].iat[0] == "concept"
    want = keywords.trend(tokens, {"alliance": ["alliance", "ally"], "russia": ["russia"]}, **TREND)
    tr = term_ex.tables["trend"].merge(term_ex.tables["groups"], on="g")
    for name in ("alliance", "russia"):
        t = int(vocab.loc[vocab["term"] == name, "t"].iat[0])
        got = tr[tr["t"] == t].set_index("group")
        w = want[want["term"] == name].set_index("group")
        assert np.allclose(got.loc[w.index, ["per_1k", "ci_low", "ci_high"]], w[["per_1k", "ci_low", "ci_high"]])
        assert (got.loc[w.index, "count"] == w["count"]).all()
    # the concept's KWIC lines pool its variants, as kwic does
    t0 = term_ex.tables["kwic"][term_ex.tables["kwic"]["t"] == 0]
    full = keywords.kwic(tokens, ["alliance", "ally"], window=7)
    assert set(t0["keyword"]) <= set(full["keyword"]) and (t0["n_lines"] == len(full)).all()
    assert term_ex.state["temporal"] is True
    assert term_ex.specs["chart"]["params"][0]["name"] == "t"


def test_term_explorer_caps_terms_by_rows(tokens):
    ex = explore.term_explorer(tokens, trend_options=TREND, max_rows=100)
    # 5 documents: 100 rates leave room for 20 terms
    assert len(ex.tables["vocab"]) == 20 and len(ex.tables["trend"]) == 100
    assert "Capped" in ex.notes[-1]
    # the term asked for is embedded whatever its rank: here a rare one, and variants pooled
    rare = explore.term_explorer(tokens, trend_options=TREND, max_rows=100, term="hegemony, hegemonic")
    vocab = rare.tables["vocab"]
    assert vocab["term"].iat[-1] == "hegemony, hegemonic" and rare.state["term"] == "hegemony, hegemonic"
    lines = rare.tables["kwic"][rare.tables["kwic"]["t"] == vocab["t"].iat[-1]]
    assert (lines["n_lines"] == len(keywords.kwic(tokens, ["hegemony", "hegemonic"], window=7))).all()


# ---------------------------------------------------------------------------
# HTML: data as JSON that cannot break its page, the runtime once
# ---------------------------------------------------------------------------
def test_columnar_and_json_for_html_survive_hostile_text():
    frame = pd.DataFrame({"a": [1.23456789, float("nan")], "b": ["</script><b>x</b>&", None], "c": [True, False]})
    cols = columnar(frame)
    assert cols == {"a": [1.235, None], "b": ["</script><b>x</b>&", ""], "c": [True, False]}
    text = json_for_html(cols)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == cols
    # repeated text is written once per value
    groups = pd.DataFrame({"g": ["CHN", "RUS", "CHN", "USA", "CHN", "RUS", "CHN", "USA"]})
    assert columnar(groups) == {"g": {"levels": ["CHN", "RUS", "USA"], "codes": [0, 1, 0, 2, 0, 1, 0, 2]}}


def test_fragment_runs_nothing_and_the_runtime_is_added_once(distinctive, term_ex):
    frag = fragment(distinctive)
    assert frag.count("<script") == 1 and 'type="application/json"' in frag
    assert explorer_payloads(frag)[0]["kind"] == "distinctive"
    page = add_runtime(f"<html><body>{frag}{term_ex.to_html()}</body></html>")
    assert page.count(RUNTIME_MARK) == 1
    loads = PageLoads(page)
    assert loads.remote == [] and loads.scripts == [] and len(loads.runtime) == 1
    assert add_runtime("<html><body>nothing</body></html>") == "<html><body>nothing</body></html>"


# ---------------------------------------------------------------------------
# In a browser, offline: type a term, click a point, read the lines
# ---------------------------------------------------------------------------
def _need_chromium():
    if find_chromium() is None:
        if chromium_required():
            pytest.fail("CI=true but chromium is not installed; .ci/run installs it")
        pytest.skip("chromium is not installed here (apt-get install chromium); CI runs this test")


def test_explorer_pages_work_offline_in_a_browser(tmp_path, distinctive, topic_ex, term_ex):
    _need_chromium()
    page = tmp_path / "explorers.html"
    page.write_text(explore.standalone_page([distinctive, topic_ex, term_ex], title="all three"), encoding="utf-8")
    with Browser() as b:
        b.open(page)
        b.wait_for("Array.from(document.querySelectorAll('.ct-explorer')).every(e => e.dataset.ready === '1')",
                   timeout=30)
        assert b.evaluate("document.querySelector('.ct-banner').textContent") == explore.NOISE_BANNER
        problems = drive_explorers(b, explorer_payloads(page.read_text(encoding="utf-8")))
        assert problems == []
        # a term the page does not hold says so, instead of showing nothing
        b.evaluate("(() => { const e = document.querySelectorAll('.ct-explorer')[2].querySelector('input');"
                   " e.value = 'qqqq'; e.dispatchEvent(new Event('change')); return 1; })()")
        assert "not among the embedded terms" in b.evaluate(
            "document.querySelectorAll('.ct-explorer')[2].querySelector('.ct-msg').textContent")
        b.settle(0.3)
        assert b.errors == []
        assert [r for r in b.requests if not r.startswith(("file:", "data:", "blob:", "about:"))] == []
        assert b.failed == []


# ---------------------------------------------------------------------------
# JupyterLab: the widgets, driven from code
# ---------------------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n"


def test_distinctive_widget_follows_group_term_and_score(distinctive, tokens):
    w = distinctive.widget()
    assert bytes(w.chart.value[:8]) == PNG
    w.group.value = "Yu Sui"
    w.term.value = "russia"
    assert w.shown_term == "russia"
    kw = distinctive.tables["kwic"]
    assert _set(w.lines) == _set(kw[kw["term"] == "russia"])
    # the chosen group's lines come first in the panel
    first = re.search(r"<h5>([^<:]+):", w.panel.value).group(1)
    assert first == "Yu Sui"
    before = bytes(w.chart.value)
    w.score.value = "log_ratio"
    assert bytes(w.chart.value) != before
    # a term the page does not embed lines for: read from the tokens
    no_lines = sorted(set(distinctive.tables["points"]["term"]) - set(kw["term"]))
    if no_lines:
        w.term.value = no_lines[0]
        assert len(w.lines) > 0 and set(w.lines["term"]) == {no_lines[0]}
    w.term.value = "qqqq"
    assert "not among the embedded terms" in w.message.value


def _set(frame):
    return set(frame[["group", "left", "keyword", "right"]].itertuples(index=False, name=None))


def test_topic_widget_follows_topic_and_lambda(topic_ex, model):
    w = topic_ex.widget()
    assert explore.NOISE_BANNER[:40] in w.heading.value
    w.topic.value = 2
    w.lam.value = 0.2
    want = model.top_terms(n=20, relevance_lambda=0.2)
    assert w.top_terms == want.loc[want["topic"] == 2, "term"].tolist()
    assert w.units["topic"].eq(2).all() and len(w.units) == 3
    assert w.units["text"].iat[0][:50] in w.panel.value.replace("&#x27;", "'").replace("&quot;", '"')
    assert bytes(w.chart.value[:8]) == PNG


def test_term_widget_follows_the_term_and_answers_any_term(term_ex, tokens):
    w = term_ex.widget()
    w.term.value = "Russia"
    assert w.shown_term == "russia"
    assert len(w.lines) and set(w.lines["keyword"].str.lower()) == {"russia"}
    assert len(w.collocates) and "collocates" in w.panel.value
    # not embedded (a stopword): computed on the spot from the tokens, with the notebook's trend options
    w.term.value = "the"
    want = keywords.trend(tokens, {"the": ["the"]}, **TREND)
    assert w.shown_term == "the" and w.trend["per_1k"].tolist() == pytest.approx(want["per_1k"].tolist())
    assert set(w.lines["keyword"].str.lower()) == {"the"}


def test_explorer_displays_widget_and_html_view(term_ex):
    bundle = term_ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="ct-explorer" data-kind="terms"')
    assert "JupyterLab" in bundle["text/plain"]
