"""keywords: counts checked by hand in the seed texts, intervals, tests and trends, KWIC, change().

Also the figures of notebook 02 (:mod:`corpus_tools.plots.keywords`), the
term explorer (:mod:`corpus_tools.explore`).

Handmade corpora (:func:`_doc`) have every count and token total fixed by
construction, so intervals, test statistics and p-values can be checked
against numbers computed by hand (written next to each expected value).

Hand counts were made by reading the body paragraphs of each seed (headings
such as 002's "Closer — But No Alliance" and removed chrome are not text)
and are written next to each expected value.
"""
from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from corpus_tools import keywords, stats  # noqa: E402
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
    # a word with a bound prefix is one token: once in 000 and once in 004, with a
    # hyphen or a space (rule 4: the parts joined by a hyphen as a surface form)
    first, last, how = keywords.match_term(tokens, "multi-polarization")
    assert how == "lemma" and (last - first).tolist() == [0, 0]
    assert frame["doc_id"].iloc[first].astype(str).tolist() == [D000, D004]
    first, last, how = keywords.match_term(tokens, "multi polarization")
    assert how == "norm" and frame["doc_id"].iloc[first].astype(str).tolist() == [D000, D004]
    # 5. a phrase the tokenizer split: "China-Russia" is china + russia, two tokens long
    first, last, how = keywords.match_term(tokens, "China-Russia")
    assert how == "phrase" and first.size == 24 and ((last - first) == 1).sum() == 23  # and one "China, Russia"
    assert (frame["compound"].iloc[first].astype(str) == "china-russia").sum() == 23
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
# trend: intervals that hold their level (stats.rate_ci)
# ---------------------------------------------------------------------------
TERMS = {"alliance": ["alliance"], "NATO": ["nato"], "trade war": ["trade_war"],
         "multipolar": ["multipolar_world", "multi-polarization"]}
#: -ln(0.025): Garwood's 95% upper bound for a zero count is this many events.
ZERO_UPPER = 3.6888794541139363


def _doc(doc_id: str, date: str, counts, *, n: int = 100, author: str = "", term: str = "tank") -> Document:
    """A document of len(counts) paragraphs of ``n`` tokens each, paragraph i holding counts[i] ``term``s.

    The other tokens are "cat", so every count and total is known by construction.
    """
    paragraphs = tuple(" ".join([term] * c + ["cat"] * (n - c)) for c in counts)
    precision = {4: "year", 7: "month", 10: "day"}[len(date)]
    return Document(doc_id=doc_id, date=date, date_precision=precision, author=author, paragraphs=paragraphs)


def _corpus_tokens(*docs: Document):
    return tokenize(Corpus(list(docs)), cache=False)


def test_trend_counts_intervals_and_zero_rows(tokens):
    tr = keywords.trend(tokens, TERMS)
    assert {"doc_id", "date", "date_precision", "term", "count", "per_1k", "ci_low", "ci_high",
            "n_units", "few_units", "dispersion"} <= set(tr.columns)
    assert len(tr) == 5 * len(TERMS)
    # sorted on the date axis: 2014-11-21, 2016-07-07, 2018-06, 2019-06-18, 2019 (drawn 1 July)
    assert list(dict.fromkeys(tr["doc_id"])) == [D001, D000, D002, D004, D003]
    alliance = tr[tr["term"] == "alliance"].set_index("doc_id")
    assert alliance.loc[D002, "count"] == 8 and alliance.loc[D003, "count"] == 15
    assert (tr["ci_low"] <= tr["per_1k"]).all() and (tr["per_1k"] <= tr["ci_high"]).all()
    assert (tr["ci_low"] < tr["ci_high"]).all()  # no zero-width interval, ever
    assert not tr[["per_1k", "ci_low", "ci_high"]].isna().any().any()
    # 000 never says "alliance" in its 993 tokens: rate 0 with the exact Poisson
    # upper bound 3.689 / 993 tokens = 3.715 per 1,000 -- not [0, 0] as the bootstrap gave.
    # (993: its five words with a bound prefix, "anti-terrorism" x2, "anti-ballistic",
    # "anti-US", "multi-polarization", are one token each, no longer two.)
    zero = alliance.loc[D000]
    assert (zero["count"], zero["n_tokens"], zero["per_1k"], zero["ci_low"]) == (0, 993, 0.0, 0.0)
    assert zero["ci_high"] == pytest.approx(1000 * ZERO_UPPER / 993, rel=1e-9)
    assert zero["ci_high"] == pytest.approx(3.7149, abs=1e-4)
    assert np.isnan(zero["dispersion"])
    # "trade war" in 001: 0 in 881 tokens -> [0, 4.19], the interval the methods review asked for
    # (881: six words with a bound prefix, "non-alignment" …, are one token each)
    trade = tr[(tr["term"] == "trade war") & (tr["doc_id"] == D001)].iloc[0]
    assert trade["n_tokens"] == 881 and trade["ci_high"] == pytest.approx(4.1872, abs=1e-4)
    assert (tr["unit"] == "paragraph").all()
    # paragraphs per seed: 000 11, 001 9, 002 24, 003 25, 004 7 -> few units below 10
    units = tr.drop_duplicates("doc_id").set_index("doc_id")
    assert units["n_units"].to_dict() == {D000: 11, D001: 9, D002: 24, D003: 25, D004: 7}
    assert units["few_units"].to_dict() == {D000: False, D001: True, D002: False, D003: False, D004: True}
    # "multi-polarization" is matched as a phrase: once in 000 and once in 004
    multi = tr[tr["term"] == "multipolar"].set_index("doc_id")["count"]
    assert (multi[D000], multi[D003], multi[D004]) == (1, 3, 1)


def test_trend_interval_is_rate_ci_over_the_documents_paragraphs(tokens):
    # Counted independently of keywords: the lemma column grouped by paragraph.
    frame = tokens.frame
    words = frame[(frame["doc_id"] == D003) & ~frame["is_punct"]]
    totals = words.groupby("paragraph", observed=True).size()
    hits = (words["lemma"] == "alliance").groupby(words["paragraph"], observed=True).sum()
    expect = stats.rate_ci(hits.to_numpy(float), totals.to_numpy(float))
    row = keywords.trend(tokens, {"alliance": ["alliance"]}).set_index("doc_id").loc[D003]
    assert (row["count"], row["n_units"]) == (15, 25)
    assert (row["ci_low"], row["per_1k"], row["ci_high"]) == pytest.approx(
        (float(expect.low), float(expect.estimate), float(expect.high)), rel=1e-12)
    # a document's interval does not depend on which other documents are selected
    only = keywords.trend(tokens.select([D003]), {"alliance": ["alliance"]}).iloc[0]
    assert only["ci_high"] == row["ci_high"]


def test_trend_worked_example_and_the_few_units_boundary():
    assert stats.FEW_UNITS == 10
    # Ten paragraphs of 100 tokens, one "tank" in each: no spread between
    # paragraphs, so the interval is Garwood's for 10 events in 1,000 tokens:
    # chi2(0.025; 20 df) / 2 = 9.5908 / 2 and chi2(0.975; 22 df) / 2 = 36.7807 / 2,
    # i.e. [4.795, 18.390] per 1,000.
    even = _corpus_tokens(_doc("even", "2000", [1] * 10), _doc("nine", "2001", [1] * 9))
    tr = keywords.trend(even, {"tank": ["tank"]}).set_index("doc_id")
    row = tr.loc["even"]
    assert (row["count"], row["n_tokens"], row["per_1k"]) == (10, 1000, 10.0)
    assert row["ci_low"] == pytest.approx(9.590777 / 2, abs=1e-5)
    assert row["ci_high"] == pytest.approx(36.780714 / 2, abs=1e-5)
    # exactly FEW_UNITS paragraphs is enough; one fewer is flagged
    assert (row["n_units"], row["few_units"]) == (10, False)
    assert (tr.loc["nine", "n_units"], tr.loc["nine", "few_units"]) == (9, True)
    # The same 10 occurrences crowded into one paragraph: the jackknife sees
    # the burst (dispersion > 1) and the interval widens well past Garwood's.
    burst = _corpus_tokens(_doc("burst", "2000", [10] + [0] * 9))
    b = keywords.trend(burst, {"tank": ["tank"]}).iloc[0]
    assert b["per_1k"] == 10.0 and b["dispersion"] > 5
    assert b["ci_high"] > 2 * row["ci_high"] and b["ci_low"] < row["ci_low"]


def test_trend_pools_variants_without_double_counting(tokens):
    # "allies" (a surface form) is a subset of the lemma "ally": pooled, each token counts once.
    one = keywords.trend(tokens, {"ally": ["ally"]})
    two = keywords.trend(tokens, {"ally": ["ally", "allies", "ALLY"]})
    assert one["count"].tolist() == two["count"].tolist()
    # 002: "former ally", "network of allies", "China allies with", "bound by
    # its allies", "formally ally itself" = 5
    assert one.set_index("doc_id").loc[D002, "count"] == 5


def test_trend_by_year_uses_documents_as_units(tokens):
    tr = keywords.trend(tokens, {"alliance": ["alliance"]}, by="year")
    assert tr["date"].tolist() == ["2014", "2016", "2018", "2019"]
    row = tr.set_index("date").loc["2019"]
    assert (row["count"], row["unit"], row["n_units"], row["few_units"], row["doc_id"]) == (18, "document", 2, True, "")
    assert row["ci_low"] <= row["per_1k"] <= row["ci_high"]
    # 2018 is one document (002: 8 "alliance" in 1,821 tokens). One unit
    # cannot show how documents vary, so the interval is Garwood's:
    # chi2(0.025; 16) / 2 = 6.9077 / 2, chi2(0.975; 18) / 2 = 31.5264 / 2 -> [1.891, 8.633].
    one = tr.set_index("date").loc["2018"]
    assert (one["n_units"], one["count"], one["n_tokens"], one["few_units"]) == (1, 8, 1821, True)
    assert one["ci_low"] == pytest.approx(1000 * 6.907664 / 2 / 1821, abs=1e-4)
    assert one["ci_high"] == pytest.approx(1000 * 31.526378 / 2 / 1821, abs=1e-4)


def test_trend_by_author_with_three_unequal_groups():
    # A: one document; B: two; C: four, of unequal lengths -- each group's
    # interval is rate_ci over its own documents, whatever the order of groups.
    docs = [_doc("a1", "2001", [2, 0]),
            _doc("b1", "2002", [1, 1, 1]), _doc("b2", "2003", [0], n=50),
            _doc("c1", "2004", [3]), _doc("c2", "2005", [0, 0]), _doc("c3", "2006", [5], n=200), _doc("c4", "2007", [1])]
    authors = {"a1": "A", "b1": "B", "b2": "B", "c1": "C", "c2": "C", "c3": "C", "c4": "C"}
    docs = [dataclasses.replace(d, author=authors[d.doc_id]) for d in docs]
    tr = keywords.trend(_corpus_tokens(*docs), {"tank": ["tank"]}, by="author").set_index("group")
    assert tr["n_units"].to_dict() == {"A": 1, "B": 2, "C": 4}
    assert tr["count"].to_dict() == {"A": 2, "B": 3, "C": 9}
    assert tr["n_tokens"].to_dict() == {"A": 200, "B": 350, "C": 600}
    expect = stats.rate_ci([3.0, 0.0, 5.0, 1.0], [100.0, 200.0, 200.0, 100.0])
    assert tr.loc["C", "per_1k"] == pytest.approx(15.0)
    assert (tr.loc["C", "ci_low"], tr.loc["C", "ci_high"]) == pytest.approx((float(expect.low), float(expect.high)))
    # only a group whose documents share one date keeps it (A has a single document)
    assert tr["date"].to_dict() == {"A": "2001", "B": "", "C": ""}


def test_trend_rejects_bad_parameters(tokens):
    with pytest.raises(ParameterError):
        keywords.trend(tokens, {})
    with pytest.raises(ParameterError):
        keywords.trend(tokens, {"x": []})
    with pytest.raises(ParameterError):
        keywords.trend(tokens, ["alliance"], ci=1.5)
    with pytest.raises(ParameterError):
        keywords.trend(tokens, [""])
    with pytest.raises(TypeError):
        keywords.trend(tokens, ["alliance"], n_boot=100)  # nothing is resampled any more


# ---------------------------------------------------------------------------
# trend_model / trend_curve: a planted slope, the refusals, both sides of each boundary
# ---------------------------------------------------------------------------
def _nb_corpus(years, *, rate=0.005, slope=-0.5, alpha=0.2, n=2000, seed=11):
    """Documents whose "tank" count is negative binomial with a planted slope per decade.

    Count_i ~ Poisson(n * rate * exp(slope * (year_i - mean) / 10) * G_i), G_i ~ Gamma(1/alpha, alpha):
    the NB2 model of stats.nb_trend with dispersion alpha.
    """
    rng = np.random.default_rng(seed)
    years = np.asarray(years, dtype=float)
    mu = n * rate * np.exp(slope * (years - years.mean()) / 10)
    y = rng.poisson(mu * rng.gamma(1 / alpha, alpha, size=len(years)))
    docs = [_doc(f"d{i:03d}", str(int(yr)), [int(c)], n=n) for i, (yr, c) in enumerate(zip(years, y))]
    return _corpus_tokens(*docs), y


@pytest.fixture(scope="module")
def planted():
    return _nb_corpus(np.arange(1980, 2020))


def test_trend_model_recovers_a_planted_slope(planted):
    tok, y = planted
    model = keywords.trend_model(tok, {"tank": ["tank"], "dog": ["dog"]})
    row = model.set_index("term").loc["tank"]
    planted_pct = 100 * (np.exp(-0.5) - 1)  # -39.3% per decade
    assert row["estimated"] and row["method"] == "negative_binomial"
    assert (row["n_docs"], row["n_dates"], row["date_from"], row["date_to"]) == (40, 40, "1980", "2019")
    assert row["pct_low"] < planted_pct < row["pct_high"]
    assert row["pct_high"] < 0 and row["significant"] and row["direction"] == "fell"
    # the same numbers as stats.nb_trend on the counts, tokens and decimal years (1 July = year + 0.4973)
    x = np.arange(1980, 2020) + (182 - 0.5) / 365
    x[np.arange(1980, 2020) % 4 == 0] = np.arange(1980, 2020)[np.arange(1980, 2020) % 4 == 0] + (183 - 0.5) / 366
    direct = stats.nb_trend(y, np.full(40, 2000.0), x, spline_df=keywords.SPLINE_DF).iloc[0]
    assert row["pct_change"] == pytest.approx(direct["pct_change"], rel=1e-9)
    assert row["p"] == pytest.approx(direct["p_value"], rel=1e-9)
    # one concept with a slope: BH leaves its p alone; "dog" never occurs and says so
    assert row["p_adj"] == pytest.approx(row["p"])
    dog = model.set_index("term").loc["dog"]
    assert not dog["estimated"] and "never occurs" in dog["reason"] and np.isnan(dog["p_adj"])
    # 40 distinct dates >= SPLINE_MIN_DATES: the bend test ran
    assert np.isfinite(row["p_nonlinear"])


def test_trend_curve_is_the_fitted_line(planted):
    tok, _ = planted
    model = keywords.trend_model(tok, {"tank": ["tank"]})
    curve = keywords.trend_curve(model, n_points=41)
    row = model.iloc[0]
    assert len(curve) == 41 and set(curve["term"]) == {"tank"}
    assert curve["x"].iloc[0] == pytest.approx(row["x_min"]) and curve["x"].iloc[-1] == pytest.approx(row["x_max"])
    assert (curve["low"] < curve["per_1k"]).all() and (curve["per_1k"] < curve["high"]).all()
    # falling: the fitted rate at the end is exp(slope * span / 10) times the one at the start
    span = (row["x_max"] - row["x_min"]) / 10
    assert curve["per_1k"].iloc[-1] / curve["per_1k"].iloc[0] == pytest.approx(np.exp(row["slope"] * span))
    # at the mean date the line is exp(intercept), per 1,000 tokens (planted: 5 per 1,000)
    mid = np.interp(row["x_center"], curve["x"], curve["per_1k"])
    assert mid == pytest.approx(1000 * np.exp(row["intercept"]), rel=1e-3)
    assert 2.5 < mid < 10
    assert curve["date"].iloc[0].year == 1980 and curve["date"].iloc[-1].year == 2019
    assert keywords.trend_curve(model[~model["estimated"]]).empty


def test_trend_model_boundaries(planted):
    tok, _ = planted
    ids = sorted(tok.docs["doc_id"])
    assert stats.MIN_TREND_DOCS == 15
    fifteen = keywords.trend_model(tok.select(ids[:15]), {"tank": ["tank"]}).iloc[0]
    fourteen = keywords.trend_model(tok.select(ids[:14]), {"tank": ["tank"]}).iloc[0]
    assert fifteen["estimated"] and fifteen["n_docs"] == 15
    assert not fourteen["estimated"] and fourteen["reason"].startswith("no trend can be estimated from 14 dated documents")
    assert "at least 15" in fourteen["reason"] and np.isnan(fourteen["pct_change"])
    # The spline is tested from SPLINE_MIN_DATES (10) distinct dates on: 20 documents
    # on 10 dates get it, 18 documents on 9 dates do not.
    assert keywords.SPLINE_MIN_DATES == 10
    tok2, _ = _nb_corpus(np.repeat(np.arange(1990, 2000), 2), slope=0.0, seed=3)
    ids2 = sorted(tok2.docs["doc_id"])
    ten = keywords.trend_model(tok2, {"tank": ["tank"]}).iloc[0]
    nine = keywords.trend_model(tok2.select(ids2[:18]), {"tank": ["tank"]}).iloc[0]
    assert (ten["n_dates"], nine["n_dates"]) == (10, 9)
    assert np.isfinite(ten["p_nonlinear"]) and np.isnan(nine["p_nonlinear"])
    assert ten["estimated"] and nine["estimated"]


def test_trend_model_refuses_the_seeds_in_words(tokens):
    model = keywords.trend_model(tokens, TERMS)
    assert not model["estimated"].any() and len(model) == len(TERMS)
    reason = model["reason"].iloc[0]
    assert reason.startswith("no trend can be estimated from 5 dated documents")
    assert "at least 15" in reason and model["reason"].nunique() == 1
    summary = keywords.trend_summary(model=model)
    assert len(summary) == 1 and summary["sentence"].iloc[0].startswith("No trend can be estimated from 5")
    assert keywords.trend_curve(model).empty


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
# change() and concept_change(): tests decide, by the number of documents a period has
# ---------------------------------------------------------------------------
def _tiny():
    early = Document(doc_id="early", date="2000", date_precision="year",
                     paragraphs=("Tanks tanks tanks tanks tanks tanks diplomacy diplomacy.",))
    late = Document(doc_id="late", date="2010-05", date_precision="month",
                    paragraphs=("Diplomacy diplomacy diplomacy diplomacy diplomacy diplomacy tanks tanks.",))
    return tokenize(Corpus([early, late]), cache=False)


def _periods(n_early: int, n_late: int, *, early_counts=None, late_counts=None, n: int = 100):
    """n_early documents dated 2000.. and n_late dated 2010.., one paragraph of n tokens each."""
    early_counts = early_counts if early_counts is not None else [0] * n_early
    late_counts = late_counts if late_counts is not None else [3] * n_late
    docs = [_doc(f"e{i}", str(2000 + i), [c], n=n) for i, c in enumerate(early_counts)]
    docs += [_doc(f"l{i}", str(2010 + i), [c], n=n) for i, c in enumerate(late_counts)]
    return _corpus_tokens(*docs)


EARLY, LATE = ("2000", "2009"), ("2010", "2019")


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
    # An expected count of 4 is below 5, so the p-value is the exact binomial
    # test of 2 late of 8 with p0 = 8 / 16: P(X <= 2) + P(X >= 6) = 2 (1 + 8 + 28) / 256
    # = 0.2890625 (G2 on chi2(1) would have said 0.148).
    assert tank["exact"] and tank["criterion"] == "tokens"
    assert tank["p"] == pytest.approx(74 / 256) and tank["p_tokens"] == pytest.approx(74 / 256)
    assert np.isnan(tank["p_docs"])
    # rate ratio late / early = (2/8) / (6/8), with its exact conditional interval
    assert tank["rate_ratio"] == pytest.approx(1 / 3) and tank["rr_low"] < 1 / 3 < 1 < tank["rr_high"]
    # the table is symmetric: diplomacy 2 -> 6 has the same G2 and p
    assert ch.loc["diplomacy", "g2"] == pytest.approx(tank["g2"])
    assert ch.loc["diplomacy", "p"] == pytest.approx(tank["p"])
    # two tests with equal p: BH leaves them alone; neither is significant
    assert tank["p_adj"] == pytest.approx(tank["p"]) and not ch["significant"].any()
    # the minimum count filter: 2 + 6 = 8 < 9 removes both terms
    assert keywords.change(tiny, early=("1990", "2005"), late=("2006", "2020"), min_count=9).empty


def test_change_with_unequal_periods_and_min_count_on_both_sides():
    """Periods of different sizes (200 early tokens, 100 late), so a change() that swapped the period
    sizes, or the sides of the test, gives other numbers; min_count keeps a term whose count equals it
    and drops it one above."""
    tok = _corpus_tokens(_doc("e0", "2000", [2], n=200), _doc("l0", "2010", [6], n=100))
    ch = keywords.change(tok, early=EARLY, late=LATE, min_count=8).set_index("term")
    tank = ch.loc["tank"]
    # tank: 2 of c = 200 early, 6 of d = 100 late -> 10 and 60 per 1,000
    assert (tank["count_early"], tank["count_late"]) == (2, 6)
    assert (tank["per_1k_early"], tank["per_1k_late"]) == (10.0, 60.0)
    # log ratio late/early = log2((6/100) / (2/200)) = log2 6; rate ratio 6
    assert tank["log_ratio"] == pytest.approx(math.log2(6), rel=1e-12) and tank["rate_ratio"] == pytest.approx(6.0)
    # G2 (late = corpus 1): E_late = 100 * 8 / 300 = 8/3, E_early = 200 * 8 / 300 = 16/3;
    # G2 = 2 (6 ln(6 / (8/3)) + 2 ln(2 / (16/3))) = 5.807846
    assert tank["g2"] == pytest.approx(2 * (6 * math.log(18 / 8) + 2 * math.log(6 / 16)), rel=1e-12)
    # E_late 2.67 < 5: exact binomial, 6 late of 8 with p0 = 100/300 = 1/3. P(k) = C(8,k) 2^(8-k) / 3^8:
    # P(6) = 112, P(7) = 16, P(8) = 1 (/6561); every other outcome is likelier (P(0) = 256/6561), so
    # p = 129 / 6561 = 0.019662
    assert tank["exact"] and tank["p"] == pytest.approx(129 / 6561, rel=1e-9)
    # cat: 198 of 200 against 94 of 100 (expected counts far above 5: G2 on chi2(1))
    cat = ch.loc["cat"]
    assert not cat["exact"] and cat["direction"] == "fell"
    assert cat["p"] == pytest.approx(float(stats.g2_pvalue(stats.log_likelihood_g2(94, 198, 100, 200))), rel=1e-12)
    # BH over the two terms: tank's p * 2 / 1, cat's p * 2 / 2
    assert tank["p_adj"] == pytest.approx(2 * 129 / 6561, rel=1e-9) and cat["p_adj"] == pytest.approx(cat["p"])
    assert tank["significant"] and not cat["significant"]
    # the rate-ratio interval is late/early's: exact conditional (Clopper-Pearson on 6 of 8) scaled by c/d = 2
    pl, pu = stats.clopper_pearson(6, 8)
    assert tank["rr_low"] == pytest.approx(float(pl / (1 - pl)) * 2, rel=1e-9)
    assert tank["rr_high"] == pytest.approx(float(pu / (1 - pu)) * 2, rel=1e-9)
    # min_count: tank's 2 + 6 = 8 is kept at min_count=8 and dropped at 9
    assert keywords.change(tok, early=EARLY, late=LATE, min_count=9)["term"].tolist() == ["cat"]
    # swapping the periods mirrors every sided column
    sw = keywords.change(tok, early=LATE, late=EARLY, min_count=8).set_index("term").loc["tank"]
    assert (sw["count_early"], sw["count_late"], sw["per_1k_early"], sw["per_1k_late"]) == (6, 2, 60.0, 10.0)
    assert sw["log_ratio"] == pytest.approx(-math.log2(6)) and sw["direction"] == "fell"
    assert sw["p"] == pytest.approx(tank["p"]) and sw["g2"] == pytest.approx(tank["g2"])


#: Three early and four late one-paragraph documents with stopwords, punctuation, a term below
#: min_count in each period (ship, plan) and one document outside both periods (1995). Words per
#: document (punctuation excluded, stopwords included): early 6, 5, 6; late 6, 4, 5, 3.
#: tank: early 1, 0, 1; late 3, 2, 2, 1.  cat: early 1, 2, 0; late 1, 0, 1, 0.
#: dog: early 1, 1, 2; late 0, 1, 0, 0.  Totals 10, 5, 5; ship 1 and plan 1.
BY_DOCUMENTS = [("e0", "2000", "The tank and the cat. Dog."), ("e1", "2001", "Cat cat dog. The ship."),
                ("e2", "2002", "Tank. The dog and the dog."), ("x0", "1995", "Tank tank tank tank cat dog."),
                ("l0", "2010", "Tank tank tank and the cat."), ("l1", "2011", "The tank. Tank dog."),
                ("l2", "2012", "Cat and the tank tank."), ("l3", "2013", "Plan the tank.")]


@pytest.mark.parametrize("block", [2048, 2, 1])
def test_change_by_documents_each_term_is_its_quasi_poisson_test(monkeypatch, block):
    """With 3 or more documents a period, each term's row is stats.quasi_poisson_test over the
    documents (late against early), whatever the block of terms tested at once; stopwords and
    punctuation count in the documents' totals but are not terms, terms below min_count are not
    tested, and a document outside both periods counts nowhere."""
    # the module, not the function keywords.change that shadows it as a package attribute
    monkeypatch.setattr(sys.modules["corpus_tools.keywords.change"], "_TERM_BLOCK", block)
    docs = [Document(doc_id=d, date=y, date_precision="year", paragraphs=(t,)) for d, y, t in BY_DOCUMENTS]
    tok = _corpus_tokens(*docs)
    ch = keywords.change(tok, early=EARLY, late=LATE).set_index("term")  # the default min_count is 5
    assert sorted(ch.index) == ["cat", "dog", "tank"] and set(ch["criterion"]) == {"documents"}
    early_totals, late_totals = [6.0, 5.0, 6.0], [6.0, 4.0, 5.0, 3.0]
    counts = {"tank": ([1, 0, 1], [3, 2, 2, 1]), "cat": ([1, 2, 0], [1, 0, 1, 0]), "dog": ([1, 1, 2], [0, 1, 0, 0])}
    p = {}
    for term, (early, late) in counts.items():
        q = stats.quasi_poisson_test(late, late_totals, early, early_totals)
        row = ch.loc[term]
        assert (row["count_early"], row["count_late"]) == (sum(early), sum(late)), term
        assert row["per_1k_early"] == pytest.approx(sum(early) / 17 * 1000) and row["per_1k_late"] == pytest.approx(
            sum(late) / 18 * 1000)
        assert row["p"] == pytest.approx(float(q.p_value), rel=1e-12) and row["p_docs"] == row["p"], term
        assert (row["rate_ratio"], row["rr_low"], row["rr_high"]) == pytest.approx(
            (float(q.rate_ratio), float(q.low), float(q.high)), rel=1e-12), term
        p[term] = float(q.p_value)
    # BH over the three terms tested here
    adj = stats.bh_adjust(list(p.values()))
    assert [ch.loc[t, "p_adj"] for t in p] == pytest.approx(list(adj), rel=1e-12)
    # one more than the default min_count: cat and dog (5 each) drop, tank (10) stays
    assert keywords.change(tok, early=EARLY, late=LATE, min_count=6)["term"].tolist() == ["tank"]


def test_change_criterion_switches_at_three_documents_a_period():
    assert keywords.MIN_PERIOD_DOCS == 3
    three = keywords.change(_periods(3, 3, late_counts=[3, 4, 5]), early=EARLY, late=LATE, min_count=1).set_index("term")
    two = keywords.change(_periods(2, 3, late_counts=[3, 4, 5]), early=EARLY, late=LATE, min_count=1).set_index("term")
    assert set(three["criterion"]) == {"documents"} and set(two["criterion"]) == {"tokens"}
    # with 3 a side, p is the quasi-Poisson test over the six documents
    q = stats.quasi_poisson_test([3.0, 4.0, 5.0], [100.0] * 3, [0.0, 0.0, 0.0], [100.0] * 3)
    row = three.loc["tank"]
    assert row["p"] == pytest.approx(float(q.p_value)) and row["p_docs"] == row["p"]
    assert row["rate_ratio"] == np.inf and row["rr_low"] == pytest.approx(float(q.low))
    # with 2 early documents, the pooled tokens decide: 0 of 200 against 12 of 300
    assert two.loc["tank", "p"] == pytest.approx(float(stats.keyness_pvalue(12, 0, 300, 200)[0]))
    assert np.isnan(two.loc["tank", "p_docs"])
    for table in (three, two):
        assert (table["significant"] == (table["p_adj"] < 0.05)).all()
        assert table["p"].is_monotonic_increasing


def test_change_guards_periods(tokens):
    with pytest.raises(ParameterError, match="EARLY"):
        keywords.change(tokens, early=("1900", "1901"), late=("2018", "2019"))
    with pytest.raises(ParameterError, match="overlap"):
        keywords.change(tokens, early=("2014", "2019"), late=("2019", "2019"))
    assert keywords.split_periods(tokens) == (("2014", "2016"), ("2018", "2019"))
    ch = keywords.change(tokens, early=("2014", "2016"), late=("2018", "2019"), min_count=5)
    assert (ch["count_early"] + ch["count_late"] >= 5).all()
    # 2 and 3 documents: the pooled-token criterion, BH over the 114 terms tested; none survives
    # (114: numbers are not listed, and the lemma exceptions keep "affairs" apart and
    # "good" from goods/best/better, which leaves "good" under min_count)
    assert set(ch["criterion"]) == {"tokens"} and len(ch) == 114 and not ch["significant"].any()
    # numbers are left out of the listing by default, not out of the periods' tokens
    with_numbers = keywords.change(tokens, early=("2014", "2016"), late=("2018", "2019"), min_count=5,
                                   drop_numbers=False)
    extra = sorted(set(with_numbers["term"]) - set(ch["term"]))
    assert len(with_numbers) == 116 and extra and all(t.isdigit() for t in extra), extra
    both = ch.merge(with_numbers, on="term", suffixes=("", "_n"))
    assert (both["per_1k_early"] == both["per_1k_early_n"]).all()
    assert ch["p"].is_monotonic_increasing
    assert ((ch["p_adj"] >= ch["p"] - 1e-12) & (ch["p_adj"] <= 1)).all()
    # alliance: early = 001 (3) + 000 (0); late = 002 (8) + 003 (15) + 004 (3) = 26
    row = ch.set_index("term").loc["alliance"]
    assert (row["count_early"], row["count_late"], row["direction"]) == (3, 26, "rose")


def test_concept_change_permutation_with_unequal_periods():
    # 3 early documents without "tank", 4 late ones with 3 each (100 tokens each).
    # Of the C(7, 4) = 35 splits only the observed one puts a difference of
    # 30 per 1,000 between the groups (the next most extreme gives 22.5), so p = 1/35.
    tok = _periods(3, 4)
    cc = keywords.concept_change(tok, {"tank": ["tank"], "cat": ["cat"]}, early=EARLY, late=LATE).set_index("term")
    tank = cc.loc["tank"]
    assert (tank["test"], tank["unit"], tank["n_docs_early"], tank["n_docs_late"]) == ("permutation", "document", 3, 4)
    assert (tank["count_early"], tank["count_late"], tank["per_1k_early"], tank["per_1k_late"]) == (0, 12, 0.0, 30.0)
    assert tank["p"] == pytest.approx(1 / 35) and tank["p_min"] == pytest.approx(1 / 35)
    assert tank["rate_ratio"] == np.inf and tank["direction"] == "rose"
    # "cat" mirrors it (300 of 300 early, 388 of 400 late): the same p; BH over two equal p's keeps them
    assert cc.loc["cat", "p"] == pytest.approx(1 / 35) and cc.loc["cat", "direction"] == "fell"
    assert cc["p_adj"].tolist() == pytest.approx([1 / 35, 1 / 35]) and cc["significant"].all()
    assert (tank["early"], tank["late"]) == ("2000–2009", "2010–2019")
    # swapping the periods swaps everything that has a side
    sw = keywords.concept_change(tok, {"tank": ["tank"]}, early=LATE, late=EARLY).iloc[0]
    assert (sw["n_docs_early"], sw["n_docs_late"], sw["count_early"], sw["count_late"]) == (4, 3, 12, 0)
    assert (sw["rate_ratio"], sw["direction"], sw["p"]) == (0.0, "fell", pytest.approx(1 / 35))


def test_concept_change_boundaries():
    terms = {"tank": ["tank"]}
    # exactly 3 against 3 documents: permutation over C(6, 3) = 20 splits, and a split
    # and its mirror tie, so p cannot go below 2/20 = 0.1: this test cannot reject.
    three = keywords.concept_change(_periods(3, 3), terms, early=EARLY, late=LATE).iloc[0]
    assert three["test"] == "permutation" and three["p_min"] == pytest.approx(0.1)
    assert three["p"] == pytest.approx(0.1) and not three["significant"]
    sentence = keywords.trend_summary(keywords.concept_change(_periods(3, 3), terms, early=EARLY, late=LATE))
    assert "cannot give p below 0.1" in sentence["sentence"].iloc[0]
    # 2 against 3: the quasi-Poisson test over the five documents
    two = keywords.concept_change(_periods(2, 3, late_counts=[3, 4, 5]), terms, early=EARLY, late=LATE).iloc[0]
    q = stats.quasi_poisson_test([3.0, 4.0, 5.0], [100.0] * 3, [0.0, 0.0], [100.0] * 2)
    assert (two["test"], two["unit"], two["p_min"]) == ("quasi-Poisson", "document", 0.0)
    assert two["p"] == pytest.approx(float(q.p_value)) and two["rr_low"] == pytest.approx(float(q.low))
    # one document a period: the two texts' paragraphs are the units
    docs = [_doc("e0", "2000", [0, 1, 0, 0]), _doc("l0", "2010", [3, 2, 4])]
    one = keywords.concept_change(_corpus_tokens(*docs), terms, early=EARLY, late=LATE).iloc[0]
    q1 = stats.quasi_poisson_test([3.0, 2.0, 4.0], [100.0] * 3, [0.0, 1.0, 0.0, 0.0], [100.0] * 4)
    assert (one["test"], one["unit"]) == ("quasi-Poisson", "paragraph")
    assert one["rate_ratio"] == pytest.approx(12.0) and one["p"] == pytest.approx(float(q1.p_value))
    with pytest.raises(ParameterError, match="overlap"):
        keywords.concept_change(_periods(3, 3), terms, early=("2000", "2015"), late=LATE)


def _years(*per_year: int):
    """Token tables with per_year[i] documents dated 2000 + i (5 tokens each)."""
    docs = [_doc(f"y{i}_{j}", str(2000 + i), [1], n=5) for i, k in enumerate(per_year) for j in range(k)]
    return _corpus_tokens(*docs)


def test_split_periods_balances_documents_between_years():
    """The split between two years closest to half the documents, on unequal years; the earlier on a tie;
    two years are enough, one is refused."""
    # 1, 1, 1, 3 documents: after 2000, 2001, 2002 there are 1, 2, 3 of 6; 3 is half -> split after 2002
    assert keywords.split_periods(_years(1, 1, 1, 3)) == (("2000", "2002"), ("2003", "2003"))
    # 3, 1, 1, 1, 2: 3, 4, 5, 6 of 8 -> 4 is half -> after 2001 (not after 2000, a third of them)
    assert keywords.split_periods(_years(3, 1, 1, 1, 2)) == (("2000", "2001"), ("2002", "2004"))
    # 1, 1, 1, 1: 1, 2, 3 of 4 -> after 2001; 1, 2, 1: 1 and 3 of 4 tie at 1 from half -> the earlier
    assert keywords.split_periods(_years(1, 1, 1, 1)) == (("2000", "2001"), ("2002", "2003"))
    assert keywords.split_periods(_years(1, 2, 1)) == (("2000", "2000"), ("2001", "2002"))
    assert keywords.split_periods(_years(2, 3)) == (("2000", "2000"), ("2001", "2001"))
    with pytest.raises(ParameterError) as info:
        keywords.split_periods(_years(4))
    assert str(info.value) == ("the documents span fewer than two years, so there is no early and late period; "
                               "set EARLY and LATE by hand or select documents from more years")


def test_concept_change_sampled_permutation_uses_its_seed_and_resamples():
    """Past n_resamples splits the permutation test samples them from ``seed``: p and p_min = 1/(1 + n)
    are those of stats.permutation_test with the same arguments (8 + 8 documents: C(16, 8) = 12,870
    splits, more than the default 9,999)."""
    early_counts, late_counts = [0, 1, 0, 2, 1, 0, 1, 0], [2, 3, 1, 4, 2, 3, 0, 5]
    tok = _periods(8, 8, early_counts=early_counts, late_counts=late_counts)
    terms = {"tank": ["tank"]}
    late, early = ([float(c) for c in late_counts], [100.0] * 8), ([float(c) for c in early_counts], [100.0] * 8)
    for kwargs, n, seed in (({}, 9999, 0), ({"n_resamples": 50, "seed": 4}, 50, 4)):
        row = keywords.concept_change(tok, terms, early=EARLY, late=LATE, **kwargs).iloc[0]
        ref = stats.permutation_test(*late, *early, n_resamples=n, seed=seed)
        assert not ref.exact
        assert (row["test"], row["n_docs_early"], row["n_docs_late"]) == ("permutation", 8, 8)
        assert row["p"] == float(ref.p_value) and row["p_min"] == pytest.approx(1 / (1 + n), rel=1e-12)
    # another seed, another sample of splits (and so, here, another p)
    other = keywords.concept_change(tok, terms, early=EARLY, late=LATE, n_resamples=50, seed=5).iloc[0]
    assert other["p"] == float(stats.permutation_test(*late, *early, n_resamples=50, seed=5).p_value)


def test_concept_change_counts_only_documents_with_tokens_and_three_in_all():
    """A document without tokens is no unit; one early and two late documents (3 in all) are tested
    over the documents, one and one over their paragraphs; a period left without tokens is refused."""
    empty = Document(doc_id="e_empty", date="2001", date_precision="year", paragraphs=("... — !",))
    docs = [_doc("e0", "2000", [1, 0]), _doc("l0", "2010", [3, 2]), _doc("l1", "2011", [4])]
    row = keywords.concept_change(_corpus_tokens(*docs, empty), {"tank": ["tank"]}, early=EARLY, late=LATE).iloc[0]
    assert (row["n_docs_early"], row["n_docs_late"], row["test"], row["unit"]) == (1, 2, "quasi-Poisson", "document")
    q = stats.quasi_poisson_test([5.0, 4.0], [200.0, 100.0], [1.0], [200.0])
    assert row["p"] == pytest.approx(float(q.p_value), rel=1e-12) and row["rr_low"] == pytest.approx(float(q.low))
    # 1 in 200 early, 9 in 300 late: rate ratio (9/300) / (1/200) = 6
    assert row["rate_ratio"] == pytest.approx(6.0) and row["per_1k_early"] == pytest.approx(5.0)
    with pytest.raises(ParameterError) as info:
        keywords.concept_change(_corpus_tokens(empty, *docs[1:]), {"tank": ["tank"]}, early=EARLY, late=LATE)
    assert str(info.value) == "a period's documents have no tokens; widen EARLY or LATE"


def test_check_terms_lists_merged_lemmas_by_count_then_name(tokens):
    """also_inside: the merged lemmas having the term as a part, most frequent first, ties by name, those
    already in the concept left out; count and n_docs differ (soviet_union: 5 times in 3 documents)."""
    # united_states 85: the US inside "anti-US" (twice) and "counter-U.S." is part of those prefixed words
    checked = keywords.check_terms(tokens, {"u": ["united"], "arms": ["arms", "race"],
                                            "union": ["union", "soviet_union"]})
    assert checked.values.tolist() == [
        ["u", "united", "none", 0, 0, "united_states (85), united_nations (3), united_kingdom (2)"],
        ["arms", "arms", "lemma", 1, 1, "arms_control (2), arms_race (2)"],  # "arms" is its own lemma (lemma_exceptions.csv)
        ["arms", "race", "none", 0, 0, "arms_race (2)"],
        ["union", "union", "lemma", 1, 1, "eurasian_economic_union (3), european_union (1)"],
        ["union", "soviet_union", "lemma", 5, 3, ""],
    ]


# ---------------------------------------------------------------------------
# trend_summary: every claim comes from a test that rejected
# ---------------------------------------------------------------------------
def _scan(summary: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> None:
    """Each sentence claims a direction only where its row's BH-adjusted test rejected, and the right one."""
    for row in summary.itertuples(index=False):
        said = keywords.CLAIM_PATTERN.findall(row.sentence)
        if not row.term:  # a refusal for every concept
            assert not said and not row.significant, row.sentence
            continue
        source = tables[row.kind].set_index("term").loc[row.term]
        if said:
            assert bool(source["significant"]) and source["p_adj"] < keywords.LEVEL, row.sentence
            assert {w.lower() for w in said} == {source["direction"]} == {row.claim}, row.sentence
            assert "below the 5% level" in row.sentence
        else:
            assert not bool(source["significant"]) and row.claim == "", row.sentence
            assert ("do not show" in row.sentence or "no occurrences" in row.sentence
                    or "never occurs" in row.sentence or "cannot show" in row.sentence), row.sentence
        assert "overlap" not in row.sentence and "bootstrap" not in row.sentence


def test_summary_claims_only_what_the_tests_reject(tokens, planted):
    # The seeds: 2 against 3 documents, nothing rejects, no trend.
    early, late = keywords.split_periods(tokens)
    cc = keywords.concept_change(tokens, TERMS, early=early, late=late)
    model = keywords.trend_model(tokens, TERMS)
    summary = keywords.trend_summary(cc, model)
    _scan(summary, {"change": cc, "trend": model})
    assert not summary["claim"].any() and (summary["kind"] == "change").sum() == len(TERMS)
    trade = summary.set_index("term").loc["trade war", "sentence"]
    assert trade.startswith("trade war: 0 per 1,000 tokens in 2014–2016 (2 documents), 1.3 in 2018–2019")
    assert "the data do not show a change at the 5% level" in trade
    # A planted fall: the slope rejects and the sentence says "fell", with its interval.
    tok, _ = planted
    model = keywords.trend_model(tok, {"tank": ["tank"], "cat": ["cat"], "dog": ["dog"]})
    cc = keywords.concept_change(tok, {"tank": ["tank"], "cat": ["cat"], "dog": ["dog"]},
                                 early=("1980", "1989"), late=("2010", "2019"))
    summary = keywords.trend_summary(cc, model)
    _scan(summary, {"change": cc, "trend": model})
    tank = summary[(summary["term"] == "tank") & (summary["kind"] == "trend")].iloc[0]
    assert tank["claim"] == "fell" and tank["sentence"].startswith("tank: fell by ")
    assert "% per decade (95% CI " in tank["sentence"]
    assert summary["claim"].eq("fell").any()


def test_summary_sentences_on_both_sides_of_the_level():
    # Hand-made rows: the same numbers with the test rejecting and not.
    base = {"early": "2000–2009", "late": "2010–2019", "n_docs_early": 4, "n_docs_late": 5,
            "count_early": 10, "count_late": 30, "per_1k_early": 1.0, "per_1k_late": 2.5,
            "rate_ratio": 2.5, "rr_low": 1.2, "rr_high": 5.3, "test": "quasi-Poisson", "unit": "document",
            "p": 0.004, "p_min": 0.0, "direction": "rose"}
    rows = pd.DataFrame([{**base, "term": "yes", "p_adj": 0.0499, "significant": True},
                         {**base, "term": "no", "p_adj": 0.0501, "significant": False},
                         {**base, "term": "floor", "test": "permutation", "p_adj": 0.2, "p_min": 0.1,
                          "significant": False}])
    summary = keywords.trend_summary(rows).set_index("term")["sentence"]
    assert summary["yes"] == ("yes: rose from 1.0 to 2.5 per 1,000 tokens between 2000–2009 (4 documents) and "
                              "2010–2019 (5 documents); rate ratio late/early 2.5 (95% CI 1.2 to 5.3); quasi-Poisson "
                              "test over the 9 documents, BH-adjusted p = 0.0499, below the 5% level.")
    assert summary["no"].startswith("no: 1.0 per 1,000 tokens in 2000–2009 (4 documents), 2.5 in 2010–2019")
    assert "the data do not show a change at the 5% level" in summary["no"]
    assert not keywords.CLAIM_PATTERN.search(summary["no"]) and not keywords.CLAIM_PATTERN.search(summary["floor"])
    assert summary["floor"].endswith("the test cannot give p below 0.1, so it could not have shown one.")
    _scan(keywords.trend_summary(rows), {"change": rows})


# ---------------------------------------------------------------------------
# tf-idf and collocations
# ---------------------------------------------------------------------------
def test_tfidf_equals_gensim(tokens):
    from gensim.corpora import Dictionary
    from gensim.models import TfidfModel

    from corpus_tools.tokens.rules import is_number

    ours = keywords.distinctive_by_tfidf(tokens, n=5)
    ids, bags = tokens.bags(unit="document", column="lemma", drop_stopwords=True, drop_punct=True)
    bags = [[t for t in b if not is_number(t)] for b in bags]  # numbers are left out by default
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
# plots and the explorer
# ---------------------------------------------------------------------------
def test_plots_return_figures(tokens, planted):
    tr = keywords.trend(tokens, TERMS)
    labels = doc_labels(tokens.docs)
    fig = keyword_plots.plot_trend(tr, labels=labels)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()][: len(TERMS)] == list(TERMS)
    assert fig.axes[0].get_ylabel() == "per 1,000 tokens"
    # the interval is named for what it is; 001 and 004 have fewer than 10 paragraphs
    # and are ringed; the seeds have dates of every precision; then one entry per document
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:5] == ["95% interval (quasi-Poisson, spread over paragraphs)",
                          "ring: fewer than 10 paragraphs, wide interval", "exact date",
                          "month only: drawn mid-month, bar = possible dates",
                          "year only: drawn at 1 July, bar = possible dates"]
    assert len(legend) == 5 + 5
    assert not any("bootstrap" in t for t in legend + [fig._suptitle.get_text()])
    plt.close(fig)
    yearly = keywords.trend(tokens, TERMS, by="year")
    plt.close(keyword_plots.plot_trend(yearly))
    # with a fitted trend: the dashed line, and the slope at the top right, starred when significant
    tok, _ = planted
    ptr = keywords.trend(tok, {"tank": ["tank"], "dog": ["dog"]}, by="year")
    model = keywords.trend_model(tok, {"tank": ["tank"], "dog": ["dog"]})
    fig = keyword_plots.plot_trend(ptr, fit=keywords.trend_curve(model), model=model, ncols=2)
    tank_ax, dog_ax = fig.axes[:2]
    row = model.set_index("term").loc["tank"]
    assert tank_ax.get_title(loc="left") == "tank"
    assert tank_ax.get_title(loc="right") == f"{row['pct_change']:+.0f}%/decade [{row['pct_low']:+.0f}, {row['pct_high']:+.0f}]*"
    assert dog_ax.get_title() == "dog" and dog_ax.get_title(loc="right") == ""
    assert any(line.get_linestyle() == "--" for line in tank_ax.get_lines())
    assert not any(line.get_linestyle() == "--" for line in dog_ax.get_lines())
    assert any("NB trend" in t.get_text() for t in fig.legends[0].get_texts())
    plt.close(fig)
    fig = keyword_plots.plot_frequencies(keywords.frequencies(tokens), n=5, labels=labels,
                                         order=date_order(tokens.docs))
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == [
        labels[d] for d in date_order(tokens.docs)]
    plt.close(fig)
    plt.close(keyword_plots.plot_distinctive(keywords.distinctive_by_tfidf(tokens, n=5), labels=labels))
    fig = keyword_plots.plot_dispersion(keywords.dispersion(tokens, TERMS), tokens.docs)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == len(TERMS)
    plt.close(fig)


def test_change_figure_marks_what_the_table_marks():
    # 3 against 3 documents: the document-level criterion; "tank" and "cat" change, "dog" does not
    docs = [_doc(f"e{i}", str(2000 + i), [0], n=100) for i in range(3)]
    docs += [Document(doc_id=f"l{i}", date=str(2010 + i), date_precision="year",
                      paragraphs=(" ".join(["tank"] * (20 + i) + ["dog"] * (2 - i % 2) + ["cat"] * (78 - i)),))
             for i in range(3)]
    docs += [Document(doc_id="e9", date="2005", date_precision="year", paragraphs=("dog dog " + "cat " * 98,))]
    ch = keywords.change(_corpus_tokens(*docs), early=EARLY, late=LATE, min_count=1)
    assert set(ch["criterion"]) == {"documents"}
    assert ch["significant"].any() and not ch["significant"].all()
    fig = keyword_plots.plot_change(ch, n=5)
    ax = fig.axes[0]
    terms = [t.get_text() for t in ax.get_yticklabels()]
    marked = dict(zip(ch["term"], ch["significant"]))
    solid = {term: bar.get_alpha() == 1.0 for term, bar in zip(terms, ax.patches)}
    starred = {term: "*" in text.get_text() for term, text in zip(terms, ax.texts)}
    assert solid == starred == {t: marked[t] for t in terms}
    assert "quasi-Poisson over documents" in ax.get_title()
    plt.close(fig)


def test_term_report_and_explorer(tokens):
    fig, text = term_report(tokens, "nato, NATO")
    lines = text.splitlines()
    assert lines[0] == "KWIC for 'nato, NATO':"
    assert len(lines) == 1 + 6 + 1
    assert lines[-1].startswith("Trend: No trend can be estimated from 5 dated documents")
    plt.close(fig)
    with pytest.raises(ParameterError):
        term_report(tokens, " , ")
    box = explore(tokens, term="")
    bundle = box._repr_mimebundle_()
    assert "Interactive term explorer" in bundle["text/plain"]


def test_numbers_are_left_out_of_listings_by_default(tokens):
    frame = tokens.frame
    numbers = set(frame.loc[frame["is_num"], "lemma"].astype(str))
    assert {"2014", "2017"} <= numbers
    freq = keywords.frequencies(tokens)
    assert not freq["term"].isin(numbers).any()
    with_numbers = keywords.frequencies(tokens, drop_numbers=False)
    assert with_numbers["term"].isin(["2014"]).any()
    # the denominators are the same: numbers still count as tokens
    merged = freq.merge(with_numbers, on=["group", "term"], suffixes=("", "_n"))
    np.testing.assert_array_equal(merged["per_1k"], merged["per_1k_n"])
    assert len(with_numbers) - len(freq) == with_numbers["term"].isin(numbers).sum()
    tfidf = keywords.distinctive_by_tfidf(tokens, n=50)
    assert not tfidf["term"].isin(numbers).any()
    assert keywords.distinctive_by_tfidf(tokens, n=50, drop_numbers=False)["term"].isin(numbers).any()
    col = keywords.collocations(tokens, min_freq=1, n=100000)
    assert not (col["w1"].isin(numbers) | col["w2"].isin(numbers)).any()
    col_n = keywords.collocations(tokens, min_freq=1, n=100000, drop_numbers=False)
    assert (col_n["w1"].isin(numbers) | col_n["w2"].isin(numbers)).any()
