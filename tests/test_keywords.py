"""keywords: counts checked by hand in the seed texts, bootstrap guarantees, KWIC, change().

Also the figures of notebook 02 (:mod:`corpus_tools.plots.keywords`), the
term explorer (:mod:`corpus_tools.explore`) and :func:`corpus_tools.corpus.date_order`.

Hand counts were made by reading the body paragraphs of each seed (headings
such as 002's "Closer — But No Alliance" and removed chrome are not text)
and are written next to each expected value.
"""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from corpus_tools import keywords  # noqa: E402
from corpus_tools.corpus import Corpus, Document, date_order, load_corpus  # noqa: E402
from corpus_tools.errors import MetadataError, ParameterError  # noqa: E402
from corpus_tools.explore import explore, term_report  # noqa: E402
from corpus_tools.notebook import doc_labels  # noqa: E402
from corpus_tools.plots import keywords as keyword_plots  # noqa: E402
from corpus_tools.tokens import tokenize  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
D000, D001, D002, D003, D004 = (
    "000_c01ebfe935f334d0",
    "001_7bf913d7a1c1c461",
    "002_ef45ccff1751e502",
    "003_5eb096638f5dd82a",
    "004_ad5c8b53a7d15ffe",
)


@pytest.fixture(scope="module")
def tokens():
    return tokenize(load_corpus(SEEDS), cache=False)


def _count(freq: pd.DataFrame, group: str, term: str) -> int:
    hit = freq[(freq["group"] == group) & (freq["term"] == term)]
    return int(hit["count"].sum())


# ---------------------------------------------------------------------------
# frequencies: exact counts read off the texts
# ---------------------------------------------------------------------------
def test_frequencies_match_hand_counts(tokens):
    freq = keywords.frequencies(tokens)
    # "alliance"/"alliances" in the body paragraphs:
    # 000: none. 001: 3 (p4 "entering into an alliance"; p6 "Putin's Eurasian
    # Alliance", "The Eurasian Alliance").
    # 002: 8 -- p13 "partnership to alliance", "an alliance approach",
    #   "instead of alliance"; p14 "not alliance"; p15 "an alliance is sealed",
    #   "anti-American alliance"; p17 "eschews alliances"; p22 "let along
    #   alliance" (the heading "Closer — But No Alliance" is not a paragraph).
    # 003: 15 -- p0 "regarding alliances"; p1 "Make an Alliance", "China-Russia
    # Alliance", "China-Russia alliance"; p2 "the alliance"; p4 "The alliance",
    # "China-Russia alliance"; p5 "formal alliance"; p6 "alliance-making" (the
    # tokenizer splits the hyphen), "within an alliance", "China-Russia
    # alliance"; p7 "forming an alliance"; p15 "military alliance"; p16
    # "(military) alliance"; p19 "through alliances".
    # 004: 3 -- p5 "a military alliance", "formal military alliance", "form of
    # military alliance".
    assert _count(freq, D000, "alliance") == 0
    assert _count(freq, D001, "alliance") == 3
    assert _count(freq, D002, "alliance") == 8
    assert _count(freq, D003, "alliance") == 15
    assert _count(freq, D004, "alliance") == 3
    # NATO: 000 has 2 ("deployment to NATO countries", "spending by NATO
    # countries"); 003 has 4 (p16 "Ukraine and NATO expansion", p19 "expansion
    # of the NATO", "opposition to NATO expansion", "suspicious of NATO").
    assert _count(freq, D000, "nato") == 2
    assert _count(freq, D003, "nato") == 4
    # "trade war" in 002: p0 "U.S.-China trade war", p1 "an emerging trade
    # war", p2 "the looming trade war", p19 "there could be a trade war" = 4,
    # merged by the tokenizer into one lemma.
    assert _count(freq, D002, "trade_war") == 4
    # "multipolar" in 003: p9 "a multipolar world", p11 "the multipolar world
    # order", "a multipolar world and" = 3 (a fourth is in a heading); all
    # three are "multipolar world", which the tokenizer merges into one lemma,
    # so the bare lemma "multipolar" has none.
    assert _count(freq, D003, "multipolar_world") == 3
    assert _count(freq, D003, "multipolar") == 0


def test_per_1k_uses_non_punctuation_tokens_with_stopwords(tokens):
    frame = tokens.frame
    n_002 = int(((frame["doc_id"] == D002) & ~frame["is_punct"]).sum())
    with_stop = keywords.frequencies(tokens, drop_stopwords=False)
    without = keywords.frequencies(tokens, drop_stopwords=True)
    row = without[(without["group"] == D002) & (without["term"] == "alliance")].iloc[0]
    assert row["n_tokens"] == n_002
    assert row["per_1k"] == pytest.approx(8 / n_002 * 1000)
    # Dropping stopwords changes the listing, never the denominator, so a
    # lemma none of whose tokens is a stopword keeps its exact rate. (A lemma
    # can mix both: "used" is a stopword, "use" is not, so lemma "use" in 004
    # counts 2 without stopwords and 3 with them.)
    merged = without.merge(with_stop, on=["group", "term"], suffixes=("", "_all"))
    assert len(merged) == len(without)
    np.testing.assert_array_equal(merged["n_tokens"], merged["n_tokens_all"])
    mixed = set(frame.loc[frame["is_stop"], "lemma"].astype(str))
    pure = merged[~merged["term"].isin(mixed)]
    assert len(pure) > 1000
    np.testing.assert_allclose(pure["per_1k"], pure["per_1k_all"])
    use = merged[(merged["group"] == D004) & (merged["term"] == "use")].iloc[0]
    assert (use["count"], use["count_all"]) == (2, 3)
    only_stop = set(frame.loc[frame["is_stop"], "lemma"].astype(str)) - set(frame.loc[~frame["is_stop"], "lemma"].astype(str))
    assert {"the", "and", "of"} <= only_stop
    assert not without["term"].isin(only_stop).any()
    assert with_stop["term"].isin(["the"]).any()
    assert len(with_stop) > len(without)


def test_frequencies_pooled_and_by_year(tokens):
    overall = keywords.frequencies(tokens, by=None)
    assert set(overall["group"]) == {keywords.ALL}
    # 0 + 3 + 8 + 15 + 3 = 29 "alliance" in all five documents
    assert _count(overall, keywords.ALL, "alliance") == 29
    by_year = keywords.frequencies(tokens, by="year")
    assert sorted(by_year["group"].unique()) == ["2014", "2016", "2018", "2019"]
    # 2019 pools 003 (15) and 004 (3)
    assert _count(by_year, "2019", "alliance") == 18
    with pytest.raises(MetadataError):
        keywords.frequencies(tokens, by="no_such_column")
    with pytest.raises(ParameterError):
        keywords.frequencies(tokens, column="no_such_column")


# ---------------------------------------------------------------------------
# matching: which rule finds a term
# ---------------------------------------------------------------------------
def test_match_term_rules(tokens):
    frame = tokens.frame
    # 1. lemma, case-insensitive: the 29 "alliance"/"alliances" counted above
    first, last, how = keywords.match_term(tokens, "ALLIANCE")
    assert (how, first.size) == ("lemma", 29) and (first == last).all()
    # 2. surface form: "allies" is not a lemma; 002 "network of allies",
    # "China allies with", "bound by its allies" = 3
    first, _, how = keywords.match_term(tokens, "allies")
    assert (how, first.size) == ("norm", 3)
    assert set(frame["doc_id"].iloc[first].astype(str)) == {D002}
    # 3. the merged multiword lemma, however it is spelled (5, as in the KWIC test)
    assert keywords.match_term(tokens, "Belt and Road Initiative")[2] == "multiword"
    assert keywords.match_term(tokens, "Belt and Road Initiative")[0].size == 5
    # 4. a phrase the tokenizer split: once in 000 and once in 004, two tokens long
    first, last, how = keywords.match_term(tokens, "multi-polarization")
    assert how == "phrase" and (last - first).tolist() == [1, 1]
    assert frame["doc_id"].iloc[first].astype(str).tolist() == [D000, D004]
    assert keywords.match_term(tokens, "no-such-term-anywhere")[2] == "none"
    with pytest.raises(ParameterError):
        keywords.match_term(tokens, "  ")
    # one matcher, several variants: each token once ("allies" is inside lemma "ally")
    matcher = keywords.TermMatcher(frame)
    assert matcher.resolve("ally")[0] == "lemma"
    assert matcher.rows(["ally", "allies"])[0].size == matcher.rows(["ally"])[0].size


def test_check_terms_and_concept_terms(tokens):
    checked = keywords.check_terms(tokens, {"multipolar": ["multipolar", "multipolar_world"]})
    assert checked[["term", "matched_as", "count", "n_docs"]].values.tolist() == [
        ["multipolar", "none", 0, 0], ["multipolar_world", "lemma", 3, 1]]
    # the merged lemma already in the concept is not listed again
    assert (checked["also_inside"] == "").all()
    alone = keywords.check_terms(tokens, {"multipolar": ["multipolar"]})
    assert alone["also_inside"].iloc[0].startswith("multipolar_world (3)")
    assert keywords.concept_terms("nato") == {"nato": ["nato"]}
    assert keywords.concept_terms(["nato", "ally"]) == {"nato": ["nato"], "ally": ["ally"]}
    assert keywords.concept_terms({"NATO": "nato", "ally": ("ally", "allies")}) == {
        "NATO": ["nato"], "ally": ["ally", "allies"]}
    with pytest.raises(ParameterError):
        keywords.concept_terms({})
    with pytest.raises(ParameterError):
        keywords.concept_terms({"x": []})


# ---------------------------------------------------------------------------
# trend: bootstrap guarantees
# ---------------------------------------------------------------------------
TERMS = {"alliance": ["alliance"], "NATO": ["nato"], "trade war": ["trade_war"],
         "multipolar": ["multipolar_world", "multi-polarization"]}


def test_trend_counts_intervals_and_zero_rows(tokens):
    tr = keywords.trend(tokens, TERMS, n_boot=200, seed=3)
    assert {"doc_id", "date", "date_precision", "term", "count", "per_1k", "ci_low", "ci_high"} <= set(tr.columns)
    assert len(tr) == 5 * len(TERMS)
    # sorted on the date axis: 2014-11-21, 2016-07-07, 2018-06, 2019-06-18, 2019 (drawn 1 July)
    assert list(dict.fromkeys(tr["doc_id"])) == [D001, D000, D002, D004, D003]
    alliance = tr[tr["term"] == "alliance"].set_index("doc_id")
    assert alliance.loc[D002, "count"] == 8 and alliance.loc[D003, "count"] == 15
    assert (tr["ci_low"] <= tr["per_1k"]).all() and (tr["per_1k"] <= tr["ci_high"]).all()
    assert not tr[["per_1k", "ci_low", "ci_high"]].isna().any().any()
    # 000 never says "alliance": rate 0 with the interval [0, 0], not NaN
    zero = alliance.loc[D000]
    assert (zero["count"], zero["per_1k"], zero["ci_low"], zero["ci_high"]) == (0, 0.0, 0.0, 0.0)
    # the interval of a term found in several paragraphs has positive width
    assert alliance.loc[D003, "ci_high"] > alliance.loc[D003, "ci_low"]
    assert (tr["unit"] == "paragraph").all()
    # "multi-polarization" is matched as a phrase: once in 000 and once in 004
    multi = tr[tr["term"] == "multipolar"].set_index("doc_id")["count"]
    assert (multi[D000], multi[D003], multi[D004]) == (1, 3, 1)


def test_trend_is_reproducible_with_a_seed(tokens):
    a = keywords.trend(tokens, TERMS, n_boot=200, seed=7)
    b = keywords.trend(tokens, TERMS, n_boot=200, seed=7)
    c = keywords.trend(tokens, TERMS, n_boot=200, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_high"], c["ci_high"])
    # a document's interval does not depend on which other documents are selected
    only = keywords.trend(tokens.select([D002]), TERMS, n_boot=200, seed=7)
    pd.testing.assert_frame_equal(
        only.reset_index(drop=True), a[a["doc_id"] == D002].reset_index(drop=True)
    )


def test_trend_pools_variants_without_double_counting(tokens):
    # "allies" (a surface form) is a subset of the lemma "ally": pooled, each token counts once.
    one = keywords.trend(tokens, {"ally": ["ally"]}, n_boot=50)
    two = keywords.trend(tokens, {"ally": ["ally", "allies", "ALLY"]}, n_boot=50)
    assert one["count"].tolist() == two["count"].tolist()
    # 002: "former ally", "network of allies", "China allies with", "bound by
    # its allies", "formally ally itself" = 5
    assert one.set_index("doc_id").loc[D002, "count"] == 5


def test_trend_by_year_resamples_documents(tokens):
    tr = keywords.trend(tokens, {"alliance": ["alliance"]}, by="year", n_boot=200)
    assert tr["date"].tolist() == ["2014", "2016", "2018", "2019"]
    row = tr.set_index("date").loc["2019"]
    assert (row["count"], row["unit"], row["n_units"], row["doc_id"]) == (18, "document", 2, "")
    assert row["ci_low"] <= row["per_1k"] <= row["ci_high"]
    # 2018 is one document (002, 8 "alliance"): nothing to resample, so the
    # interval collapses onto the estimate -- the plot rings such points.
    one = tr.set_index("date").loc["2018"]
    assert one["n_units"] == 1 and one["count"] == 8
    assert one["ci_low"] == one["per_1k"] == one["ci_high"]


def test_trend_rejects_bad_parameters(tokens):
    with pytest.raises(ParameterError):
        keywords.trend(tokens, {}, n_boot=10)
    with pytest.raises(ParameterError):
        keywords.trend(tokens, {"x": []}, n_boot=10)
    with pytest.raises(ParameterError):
        keywords.trend(tokens, ["alliance"], n_boot=0)
    with pytest.raises(ParameterError):
        keywords.trend(tokens, [""], n_boot=10)


# ---------------------------------------------------------------------------
# KWIC and dispersion
# ---------------------------------------------------------------------------
def test_kwic_matches_frequencies_and_windows(tokens):
    lines = keywords.kwic(tokens, "alliance", window=5)
    assert len(lines) == 29  # = the frequencies count summed over documents (0+3+8+15+3)
    assert list(lines.columns[:3]) == ["doc_id", "paragraph", "sentence"]
    assert {"left", "keyword", "right"} <= set(lines.columns)
    assert lines["keyword"].str.lower().str.startswith("alliance").all()
    # 001, paragraph 4: "... without entering into an alliance, handle
    # international affairs according to ..." -- 5 tokens either side, the
    # comma being one of them.
    first = lines.iloc[0]
    assert (first["doc_id"], first["left"], first["keyword"], first["right"]) == (
        D001, "cooperation without entering into an", "alliance", ", handle international affairs according")
    # the context never crosses into another document
    bare = keywords.kwic(tokens, "alliance", window=0)
    assert (bare["left"] == "").all() and (bare["right"] == "").all()
    per_doc = lines.groupby("doc_id").size().to_dict()
    assert per_doc == {D001: 3, D002: 8, D003: 15, D004: 3}


def test_kwic_finds_multiword_terms(tokens):
    freq = keywords.frequencies(tokens, by=None)
    n_bri = _count(freq, keywords.ALL, "belt_and_road_initiative")
    # 000 p10 "promote the Belt and Road initiative"; 002 "China's “Belt and
    # Road Initiative”" and "linked the BRI"; 003 "BRI (Belt and Road
    # Initiative)" = 5 (the tokenizer merges the phrase and the abbreviation BRI)
    assert n_bri == 5
    for spelling in ("belt_and_road_initiative", "Belt and Road Initiative", "belt-and-road initiative"):
        lines = keywords.kwic(tokens, spelling)
        assert len(lines) == n_bri, spelling
        assert sorted(lines["doc_id"]) == [D000, D002, D002, D003, D003]
    assert set(lines["keyword"].str.lower()) == {"belt and road initiative", "bri"}
    # a phrase the tokenizer splits: "multi-polarization" once each in 000 and 004
    multi = keywords.kwic(tokens, "multi-polarization")
    assert sorted(multi["doc_id"]) == [D000, D004]
    assert multi["keyword"].str.contains("multi").all() and multi["keyword"].str.contains("polarization").all()
    assert keywords.kwic(tokens, "no-such-term-anywhere").empty


def test_format_kwic_aligns_keywords(tokens):
    lines = keywords.kwic(tokens, "nato", window=4)
    text = keywords.format_kwic(lines, {D000: "Zheng Yu (2016)"}, width=30)
    rows = text.splitlines()
    assert len(rows) == 6  # 2 in 000 + 4 in 003
    assert len({r.index("[") for r in rows}) == 1  # keyword column aligned
    assert rows[0].startswith("Zheng Yu (2016)")
    assert keywords.format_kwic(lines, max_lines=2).endswith("4 more lines not shown")


def test_dispersion_positions(tokens):
    disp = keywords.dispersion(tokens, {"NATO": ["nato"]})
    assert disp.groupby("doc_id").size().to_dict() == {D000: 2, D003: 4}
    assert disp["relative_position"].between(0, 1).all()
    frame = tokens.frame
    n_003 = int((frame["doc_id"] == D003).sum())
    assert (disp.loc[disp["doc_id"] == D003, "n_positions"] == n_003).all()


# ---------------------------------------------------------------------------
# change(): a tiny handmade corpus
# ---------------------------------------------------------------------------
def _tiny():
    early = Document(doc_id="early", date="2000", date_precision="year",
                     paragraphs=("Tanks tanks tanks tanks tanks tanks diplomacy diplomacy.",))
    late = Document(doc_id="late", date="2010-05", date_precision="month",
                    paragraphs=("Diplomacy diplomacy diplomacy diplomacy diplomacy diplomacy tanks tanks.",))
    return tokenize(Corpus([early, late]), cache=False)


def test_change_on_a_handmade_example():
    tiny = _tiny()
    ch = keywords.change(tiny, early=("1990", "2005"), late=("2006", "2020"), min_count=1).set_index("term")
    # 8 non-punctuation tokens in each period. tank: early 6, late 2.
    # Rayson & Garside G2 with late as corpus 1: E_late = E_early = 8 * 8 / 16 = 4;
    # G2 = 2 * (2 ln(2/4) + 6 ln(6/4)) = 2 * (-1.386294 + 2.432790) = 2.092992.
    # log ratio = log2((2/8) / (6/8)) = log2(1/3) = -1.584963.
    tank = ch.loc["tank"]
    assert (tank["count_early"], tank["count_late"]) == (6, 2)
    assert tank["g2"] == pytest.approx(2.092992, abs=1e-6)
    assert tank["log_ratio"] == pytest.approx(math.log2(1 / 3))
    assert tank["per_1k_early"] == pytest.approx(750.0) and tank["per_1k_late"] == pytest.approx(250.0)
    assert tank["direction"] == "fell" and ch.loc["diplomacy", "direction"] == "rose"
    # the table is symmetric: diplomacy 2 -> 6 has the same G2
    assert ch.loc["diplomacy", "g2"] == pytest.approx(tank["g2"])
    # two tests: BH multiplies the larger p by 2/2 and the smaller by 2/1; here both equal
    assert tank["p_adj"] == pytest.approx(tank["p"])
    # the minimum count filter: 2 + 6 = 8 < 9 removes both terms
    assert keywords.change(tiny, early=("1990", "2005"), late=("2006", "2020"), min_count=9).empty


def test_change_guards_periods(tokens):
    with pytest.raises(ParameterError, match="EARLY"):
        keywords.change(tokens, early=("1900", "1901"), late=("2018", "2019"))
    with pytest.raises(ParameterError, match="overlap"):
        keywords.change(tokens, early=("2014", "2019"), late=("2019", "2019"))
    assert keywords.split_periods(tokens) == (("2014", "2016"), ("2018", "2019"))
    ch = keywords.change(tokens, early=("2014", "2016"), late=("2018", "2019"), min_count=5)
    assert (ch["count_early"] + ch["count_late"] >= 5).all()
    assert ch["g2"].is_monotonic_decreasing
    assert ((ch["p_adj"] >= ch["p"] - 1e-12) & (ch["p_adj"] <= 1)).all()
    # alliance: early = 001 (3) + 000 (0); late = 002 (8) + 003 (15) + 004 (3) = 26
    row = ch.set_index("term").loc["alliance"]
    assert (row["count_early"], row["count_late"], row["direction"]) == (3, 26, "rose")


# ---------------------------------------------------------------------------
# tf-idf and collocations
# ---------------------------------------------------------------------------
def test_tfidf_equals_gensim(tokens):
    from gensim.corpora import Dictionary
    from gensim.models import TfidfModel

    ours = keywords.distinctive_by_tfidf(tokens, n=5)
    ids, bags = tokens.bags(unit="document", column="lemma", drop_stopwords=True, drop_punct=True)
    dictionary = Dictionary(bags)
    model = TfidfModel([dictionary.doc2bow(b) for b in bags], id2word=dictionary)
    for doc_id, bag in zip(ids, bags):
        weights = {dictionary[i]: w for i, w in model[dictionary.doc2bow(bag)]}
        mine = ours[ours["group"] == doc_id]
        assert len(mine) == 5
        for term, value in zip(mine["term"], mine["tfidf"]):
            assert value == pytest.approx(weights[term], rel=1e-9), (doc_id, term)
        # our top-5 really are gensim's five largest weights
        assert sorted(weights.values(), reverse=True)[4] == pytest.approx(mine["tfidf"].iloc[-1])


def test_collocations(tokens):
    lr = keywords.collocations(tokens, measure="likelihood_ratio", min_freq=2, n=50)
    pmi = keywords.collocations(tokens, measure="pmi", min_freq=3, n=50)
    stop = set(tokens.frame.loc[tokens.frame["is_stop"], "lemma"].astype(str))
    for table in (lr, pmi):
        assert not table["w1"].isin(stop).any() and not table["w2"].isin(stop).any()
        assert table["score"].is_monotonic_decreasing
    assert (pmi["count"] >= 3).all()
    # "territorial integrity": 002 "sovereignty, territorial integrity, and
    # security"; 003 "sovereignty, territorial integrity and non-interference",
    # "security and territorial integrity" = 3
    row = lr[lr["bigram"] == "territorial integrity"]
    assert len(row) == 1 and int(row["count"].iloc[0]) == 3
    # merged multiword lemmas are one word: "Trump administration" never splits
    assert not ((lr["w1"] == "trump") & (lr["w2"] == "administration")).any()
    with pytest.raises(ParameterError):
        keywords.collocations(tokens, measure="dice")


# ---------------------------------------------------------------------------
# date order, plots and the explorer
# ---------------------------------------------------------------------------
def test_date_order(tokens):
    # 001 2014-11-21, 000 2016-07-07, 002 2018-06 (drawn 15 June), 004
    # 2019-06-18, 003 2019 (drawn 1 July)
    assert date_order(tokens.docs) == [D001, D000, D002, D004, D003]
    docs = pd.DataFrame({"doc_id": ["b", "a", "c", "d"], "date": ["", "2019", "2019-07-01", ""],
                         "date_precision": ["", "year", "day", ""]})
    # 1 July 2019 twice: ties by doc_id; undated last, by doc_id
    assert date_order(docs) == ["a", "c", "b", "d"]


def test_plots_return_figures(tokens):
    tr = keywords.trend(tokens, TERMS, n_boot=50)
    labels = doc_labels(tokens.docs)
    fig = keyword_plots.plot_trend(tr, labels=labels)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()][: len(TERMS)] == list(TERMS)
    assert fig.axes[0].get_ylabel() == "per 1,000 tokens"
    # the seeds have dates of every precision: one legend entry each, then one per document
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:4] == ["bootstrap 95% interval", "exact date",
                          "month only: drawn mid-month, bar = possible dates",
                          "year only: drawn at 1 July, bar = possible dates"]
    assert len(legend) == 4 + 5
    plt.close(fig)
    yearly = keywords.trend(tokens, TERMS, by="year", n_boot=50)
    plt.close(keyword_plots.plot_trend(yearly))
    fig = keyword_plots.plot_frequencies(keywords.frequencies(tokens), n=5, labels=labels,
                                         order=date_order(tokens.docs))
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == [
        labels[d] for d in date_order(tokens.docs)]
    plt.close(fig)
    plt.close(keyword_plots.plot_distinctive(keywords.distinctive_by_tfidf(tokens, n=5), labels=labels))
    ch = keywords.change(tokens, early=("2014", "2016"), late=("2018", "2019"))
    plt.close(keyword_plots.plot_change(ch))
    fig = keyword_plots.plot_dispersion(keywords.dispersion(tokens, TERMS), tokens.docs)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == len(TERMS)
    plt.close(fig)


def test_term_report_and_explorer(tokens):
    fig, text = term_report(tokens, "nato, NATO", n_boot=50)
    assert text.splitlines()[0] == "KWIC for 'nato, NATO':"
    assert len(text.splitlines()) == 1 + 6
    plt.close(fig)
    with pytest.raises(ParameterError):
        term_report(tokens, " , ")
    box = explore(tokens, term="", n_boot=20)
    bundle = box._repr_mimebundle_()
    assert "Interactive term explorer" in bundle["text/plain"]
