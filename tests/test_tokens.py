"""Tests of corpus_tools.tokens: every expected value below was checked by hand."""
from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus_tools.corpus import Corpus, Document, load_corpus
from corpus_tools.errors import CorpusWarning, ParameterError
from corpus_tools.tokens import (
    HEDGES,
    NEGATIONS,
    STOPWORDS,
    NewsTokenizer,
    Tokens,
    actor_names,
    load_actors,
    load_phrases,
    split_sentences,
    tokenize,
    word_spans,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
D000, D002 = "000_c01ebfe935f334d0", "002_ef45ccff1751e502"


def toks(text: str) -> list[str]:
    return NewsTokenizer().tokenize(text)


def sents(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def corpus_of(*texts: str, ids=None) -> Corpus:
    ids = ids or [f"d{i:02d}" for i in range(len(texts))]
    docs = []
    for i, t in zip(ids, texts):
        paras = tuple(t) if isinstance(t, (tuple, list)) else (t,)
        docs.append(Document(doc_id=i, paragraphs=paras))
    return Corpus(docs)


def one(text: str, **kw) -> pd.DataFrame:
    return tokenize(corpus_of(text), cache=False, progress=False, **kw).frame


@pytest.fixture(scope="module")
def seeds() -> Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return load_corpus(SEEDS)


@pytest.fixture(scope="module")
def seed_tokens(seeds) -> Tokens:
    return tokenize(seeds, cache=False, progress=False)


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------
def test_abbreviations_numbers_and_percent_are_single_tokens():
    assert toks("the U.S. and the U.K. and a Ph.D. in the U.S.A.") == [
        "the", "U.S.", "and", "the", "U.K.", "and", "a", "Ph.D.", "in", "the", "U.S.A.",
    ]
    assert toks("$50 billion, up 20.8 percent or 25% (3.7%) of 1,000") == [
        "$50", "billion", ",", "up", "20.8", "percent", "or", "25%", "(", "3.7%", ")", "of", "1,000",
    ]


def test_curly_and_straight_apostrophes_split_the_same_clitics():
    assert toks("China’s didn't can’t won't") == ["China", "’s", "did", "n't", "ca", "n’t", "wo", "n't"]
    f = one("China’s and China's policy")
    assert f["norm"].astype(str).tolist() == ["china", "'s", "and", "china", "'s", "policy"]
    assert f["lemma"].astype(str).tolist()[0] == "china"
    # inner apostrophes that are not clitics stay
    assert toks("Côte d'Ivoire at 5 o'clock") == ["Côte", "d'Ivoire", "at", "5", "o'clock"]


def test_hyphen_split_records_the_compound():
    f = one("China-Russia ties, non-alignment and anti-terrorism")
    assert f["token"].astype(str).tolist() == [
        "China", "Russia", "ties", ",", "non", "alignment", "and", "anti", "terrorism",
    ]
    assert f["compound"].astype(str).tolist() == [
        "china-russia", "china-russia", "", "", "non-alignment", "non-alignment", "",
        "anti-terrorism", "anti-terrorism",
    ]
    stop = dict(zip(f["token"].astype(str), f["is_stop"]))
    assert stop["non"] and stop["anti"] and not stop["alignment"]
    # offsets point at the parts; the hyphen is not a token
    text = "China-Russia ties, non-alignment and anti-terrorism"
    assert [text[s:e] for s, e in zip(f["start"], f["end"])] == f["token"].astype(str).tolist()


def test_hyphens_keep_keeps_compounds_whole():
    f = one("China-Russia ties and non-alignment", hyphens="keep")
    assert f["token"].astype(str).tolist() == ["China-Russia", "ties", "and", "non-alignment"]
    assert f["norm"].astype(str).tolist()[0] == "china-russia"
    assert f["compound"].astype(str).tolist() == ["china-russia", "", "", "non-alignment"]


def test_word_spans_match_the_tokens():
    text = "  Mr. Smith’s U.S.-led plan — 25% “done.”  "
    spans = word_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Mr.", "Smith", "’s", "U.S.", "led", "plan", "—", "25%", "“", "done", ".", "”",
    ]


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------
def test_titles_dates_numbers_and_initials_do_not_end_sentences():
    text = "Mr. Smith met Dr. Wang on Jan. 5 in room No. 3. J. Smith agreed. Then they left."
    assert sents(text) == [
        "Mr. Smith met Dr. Wang on Jan. 5 in room No. 3.",
        "J. Smith agreed.",
        "Then they left.",
    ]


def test_us_and_phd_inside_and_at_the_end_of_sentences():
    assert sents("The U.S. Treasury Department acted. She holds a Ph.D. from Yale.") == [
        "The U.S. Treasury Department acted.",
        "She holds a Ph.D. from Yale.",
    ]
    # documented rule: an abbreviation before a capitalised sentence starter ends the sentence
    assert sents("Russia wants to counter pressure from the U.S. The hope is to clear its name.") == [
        "Russia wants to counter pressure from the U.S.",
        "The hope is to clear its name.",
    ]
    # ... and before any other capitalised word it does not (the trade-off)
    assert len(split_sentences("Ph.D. Candidates in the U.S. Congress agree.")) == 1


def test_quotations_that_continue_stay_in_one_sentence():
    assert sents("He said “we will win.” and left.") == ["He said “we will win.” and left."]
    assert sents("He said: “We will win.” Then he left.") == [
        "He said: “We will win.”",
        "Then he left.",
    ]
    assert sents("“Who lost China?” he asked. Nobody knew.") == [
        "“Who lost China?” he asked.",
        "Nobody knew.",
    ]
    # an ellipsis before a lowercase word does not end the sentence
    assert len(split_sentences("peaceful coexistence … and follow a new approach.")) == 1


def test_split_sentences_edge_cases():
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []
    assert split_sentences("  One. Two.  ") == [(2, 6), (7, 11)]


def test_seed_sentence_counts_by_hand(seed_tokens, seeds):
    s = seed_tokens.sentences
    # 000, paragraph 0 (2 sentences):
    #  1 On June 25, Russian President Vladimir Putin paid a one-day official visit to Beijing.
    #  2 Brief as it was, the meeting still drew worldwide attention, and several agreements
    #    were signed during the visit.
    assert seeds[D000].paragraphs[0].startswith("On June 25, Russian President")
    got = s[(s.doc_id == D000) & (s.paragraph == 0)]["text"].tolist()
    assert got == [
        "On June 25, Russian President Vladimir Putin paid a one-day official visit to Beijing.",
        "Brief as it was, the meeting still drew worldwide attention, and several agreements "
        "were signed during the visit.",
    ]
    # 002, last paragraph (4 sentences):
    #  1 The widespread U.S. tradition of “speak softly and carry a big stick” that began
    #    American president Theodore Roosevelt may still prove to be effective.
    #  2 Nonetheless, Trump has a big stick in his hands, but no carrots.
    #  3 His administration is moving in the direction of antagonizing the other great powers.
    #  4 Let us hope the United States won’t have to repeated the anguished debate in 1949-50
    #    over “who lost China.”
    last = len(seeds[D002].paragraphs) - 1
    assert seeds[D002].paragraphs[last].startswith("The widespread U.S. tradition")
    got = s[(s.doc_id == D002) & (s.paragraph == last)]["text"].tolist()
    assert len(got) == 4
    assert got[0].startswith("The widespread U.S. tradition") and got[0].endswith("effective.")
    assert got[3].startswith("Let us hope") and got[3].endswith("“who lost China.”")
    # 002, the "U.S. Treasury" paragraph (3 sentences):
    #  1 The Trump administration has continued this trend.
    #  2 On April 6, the U.S. Treasury Department issued a serious rebuke to Russia: ...
    #    including Putin’s ex-son-in-law.
    #  3 The United States also announced the expulsion of 60 Russian diplomats ... United Kingdom.
    pi = next(i for i, p in enumerate(seeds[D002].paragraphs) if "U.S. Treasury" in p)
    got = s[(s.doc_id == D002) & (s.paragraph == pi)]["text"].tolist()
    assert len(got) == 3
    assert got[1].startswith("On April 6, the U.S. Treasury Department issued")
    assert got[1].endswith("including Putin’s ex-son-in-law.")


def test_sentence_offsets_point_into_the_paragraph(seed_tokens, seeds):
    for row in seed_tokens.sentences.itertuples():
        assert seeds[row.doc_id].paragraphs[row.paragraph][row.start:row.end] == row.text


# ---------------------------------------------------------------------------
# The token table on the seeds
# ---------------------------------------------------------------------------
def test_us_stays_one_token_and_keeps_its_sentence(seed_tokens, seeds):
    f = seed_tokens.frame
    pi = next(i for i, p in enumerate(seeds[D002].paragraphs) if "U.S. Treasury" in p)
    para = f[(f.doc_id == D002) & (f.paragraph == pi)]
    toks_ = para["token"].astype(str).tolist()
    i = toks_.index("U.S.")
    assert toks_[i + 1] == "Treasury"
    row, nxt = para.iloc[i], para.iloc[i + 1]
    assert row["sentence"] == nxt["sentence"]
    assert row["norm"] == row["lemma"] == "united_states"
    assert row["actor"] == "US"


def test_frame_layout_and_dtypes(seed_tokens):
    f = seed_tokens.frame
    assert list(f.columns) == [
        "doc_id", "paragraph", "sentence", "position", "start", "end", "token", "norm", "lemma",
        "compound", "is_stop", "is_punct", "is_negation", "is_hedge", "actor",
    ]
    for c in ("doc_id", "token", "norm", "lemma", "compound", "actor"):
        assert isinstance(f[c].dtype, pd.CategoricalDtype), c
    for c in ("paragraph", "sentence", "position", "start", "end"):
        assert f[c].dtype == np.int32, c
    for c in ("is_stop", "is_punct", "is_negation", "is_hedge"):
        assert f[c].dtype == bool, c
    assert list(f["doc_id"].cat.categories) == seed_tokens.docs["doc_id"].tolist()


def test_tokens_match_paragraph_text(seed_tokens, seeds):
    f = seed_tokens.frame
    for doc in seeds:
        d = f[f.doc_id == doc.doc_id]
        assert d["position"].tolist() == list(range(len(d)))
        for p, s, e, t in zip(d.paragraph, d.start, d.end, d.token):
            assert doc.paragraphs[p][s:e] == t


def test_docs_is_corpus_to_frame(seed_tokens, seeds):
    pd.testing.assert_frame_equal(seed_tokens.docs, seeds.to_frame())


def test_paragraph_texts(seed_tokens, seeds):
    p = seed_tokens.paragraph_texts()
    assert list(p.columns[:2]) == ["doc_id", "paragraph"] and "text" in p.columns
    assert p["text"].tolist() == [t for d in seeds for t in d.paragraphs]


def test_lemmas(seed_tokens):
    f = one("Many countries was hoping; the wars were over and the States' interests grew.")
    lemma = dict(zip(f["token"].astype(str), f["lemma"].astype(str)))
    assert lemma["countries"] == "country"
    assert lemma["was"] == "be"
    assert lemma["wars"] == "war"
    assert lemma["interests"] == "interest"
    f = one("NATO, AIDS and the SCO")
    assert f["lemma"].astype(str).tolist() == [
        "nato", ",", "aids", "and", "the", "shanghai_cooperation_organization",
    ]


def test_country_us_versus_pronoun_us(seed_tokens):
    f = seed_tokens.frame
    # 002's last paragraph: "Let us hope the United States won’t ..."
    let = f[(f.doc_id == D002) & (f.token == "Let")].index[-1]
    us_row = f.loc[let + 1]
    assert us_row["token"] == "us" and us_row["lemma"] == "we" and us_row["actor"] == ""
    nxt = f.loc[let + 4]  # Let us hope the [United States]
    assert nxt["token"] == "United States" and nxt["lemma"] == "united_states"
    assert nxt["actor"] == "US"
    # every "US" in the seeds is the country
    us = f[f.token == "US"]
    assert len(us) > 20
    assert set(us["actor"]) == {"US"} and set(us["lemma"]) == {"united_states"}
    f2 = one("The US, the U.S.A., USA and the United States of America told us.")
    lem = f2["lemma"].astype(str).tolist()
    assert lem.count("united_states") == 4 and lem[-2] == "we"


def test_phrases_and_abbreviations_merge():
    text = "Russia joined the Belt and Road Initiative (BRI) and the belt and\nroad  initiative again."
    f = one(text)
    assert f["lemma"].astype(str).tolist() == [
        "russia", "join", "the", "belt_and_road_initiative", "(", "belt_and_road_initiative", ")",
        "and", "the", "belt_and_road_initiative", "again", ".",
    ]
    row = f.iloc[3]
    assert row["token"] == "Belt and Road Initiative" and row["norm"] == "belt_and_road_initiative"
    assert text[row["start"]:row["end"]] == "Belt and Road Initiative"
    assert f.iloc[9]["token"] == "belt and\nroad  initiative"
    assert f["position"].tolist() == list(range(len(f)))
    f = one("The Asia-Pacific and the Asia Pacific; the SCO, EU, UN, EAEU and INF Treaty.")
    norms = [n for n in f["norm"].astype(str) if "_" in n]
    assert norms == [
        "asia_pacific", "asia_pacific", "shanghai_cooperation_organization", "european_union",
        "united_nations", "eurasian_economic_union", "intermediate_range_nuclear_forces_treaty",
    ]
    # abbreviations are case-sensitive, phrases are not
    f = one("the bri and the sco, but also the Cold War and the cold war")
    assert f["norm"].astype(str).tolist() == [
        "the", "bri", "and", "the", "sco", ",", "but", "also", "the", "cold_war", "and", "the",
        "cold_war",
    ]


PHRASES = {
    "Belt and Road Initiative": "belt_and_road_initiative", "One Belt, One Road": "belt_and_road_initiative",
    "OBOR": "belt_and_road_initiative", "BRI": "belt_and_road_initiative",
    "Shanghai Cooperation Organization": "shanghai_cooperation_organization",
    "Shanghai Cooperation Organisation": "shanghai_cooperation_organization",
    "SCO": "shanghai_cooperation_organization", "Eurasian Economic Union": "eurasian_economic_union",
    "EAEU": "eurasian_economic_union", "South China Sea": "south_china_sea",
    "United States": "united_states", "United States of America": "united_states",
    "United Nations": "united_nations", "UN": "united_nations", "Security Council": "security_council",
    "Cold War": "cold_war", "National Security Strategy": "national_security_strategy",
    "trade war": "trade_war", "strategic partnership": "strategic_partnership",
    "comprehensive strategic partnership": "comprehensive_strategic_partnership",
    "Intermediate-Range Nuclear Forces Treaty": "intermediate_range_nuclear_forces_treaty",
    "INF": "intermediate_range_nuclear_forces_treaty", "INF Treaty": "intermediate_range_nuclear_forces_treaty",
    "European Union": "european_union", "EU": "european_union", "North Korea": "north_korea",
    "South Korea": "south_korea", "Middle East": "middle_east", "Asia-Pacific": "asia_pacific",
    "Soviet Union": "soviet_union", "human rights": "human_rights", "climate change": "climate_change",
    "international order": "international_order", "world order": "world_order",
    "great power": "great_power", "great powers": "great_power", "major power": "major_power",
    "major powers": "major_power", "Xi Jinping": "xi_jinping", "Vladimir Putin": "vladimir_putin",
    "Donald Trump": "donald_trump",
}


def test_every_listed_phrase_merges_to_its_canonical_form():
    items = list(PHRASES.items())
    c = corpus_of(*[f"They spoke of the {p} today." for p, _ in items])
    f = tokenize(c, cache=False, progress=False).frame
    for (phrase, canon), doc in zip(items, c):
        d = f[f.doc_id == doc.doc_id]
        assert d["norm"].astype(str).tolist() == ["they", "spoke", "of", "the", canon, "today", "."], phrase
        assert d["lemma"].astype(str).tolist()[4] == canon
        assert d["token"].astype(str).tolist()[4] == phrase


ACTORS = {
    "U.S.": "US", "US": "US", "USA": "US", "America": "US", "American": "US", "Americans": "US",
    "Washington": "US", "Trump administration": "US", "Trump": "US", "White House": "US",
    "Pentagon": "US", "Russia": "Russia", "Russian": "Russia", "Russians": "Russia",
    "Moscow": "Russia", "Kremlin": "Russia", "Putin": "Russia", "USSR": "Russia", "Soviet": "Russia",
    "China": "China", "Chinese": "China", "Beijing": "China", "Xi": "China", "PRC": "China",
    "Sino": "China", "NATO": "NATO", "EU": "EU/West", "European Union": "EU/West", "West": "EU/West",
    "Western": "EU/West", "Europe": "EU/West", "Ukraine": "Ukraine", "Ukrainian": "Ukraine",
    "Kiev": "Ukraine", "Kyiv": "Ukraine", "Crimea": "Ukraine", "Japan": "Japan",
    "North Korea": "North Korea", "Pyongyang": "North Korea", "DPRK": "North Korea", "India": "India",
    "United Nations": "UN", "UN": "UN", "Security Council": "UN",
}


def test_every_listed_actor_alias():
    items = list(ACTORS.items())
    c = corpus_of(*[f"Then {a} spoke." for a, _ in items])
    f = tokenize(c, cache=False, progress=False).frame
    for (alias, actor), doc in zip(items, c):
        d = f[f.doc_id == doc.doc_id]
        assert d["actor"].astype(str).tolist() == ["", actor, "", ""], alias
    # lowercase forms of case-sensitive aliases are not actors
    f = one("Tell us: the west, the trump card and the pentagon shape.")
    assert set(f["actor"].astype(str)) == {""}


def test_phrases_do_not_cross_sentences():
    f = one("It was made in the United. States agreed.")
    assert "united_states" not in set(f["norm"].astype(str))


def test_actors():
    f = one("Washington and Moscow met the West, not the west; Kremlin, us, US and Xi Jinping.")
    act = dict(zip(f["token"].astype(str), f["actor"].astype(str)))
    assert act["Washington"] == "US" and act["Moscow"] == "Russia" and act["Kremlin"] == "Russia"
    assert act["West"] == "EU/West" and act["west"] == ""
    assert act["us"] == "" and act["US"] == "US"
    assert act["Xi Jinping"] == "China"
    f = one("The Trump administration and the Soviet Union.")
    assert f["token"].astype(str).tolist() == ["The", "Trump administration", "and", "the", "Soviet Union", "."]
    assert f["actor"].astype(str).tolist() == ["", "US", "", "", "Russia", ""]
    assert "US" in actor_names() and "Russia" in actor_names()
    # bare "Congress" is the US Congress (as in the seeds), but the longest
    # alias wins, so China's legislature is not counted as the US
    f = one("The National People's Congress met; Congress has passed it.")
    act = [(t, a) for t, a in zip(f["token"].astype(str), f["actor"].astype(str)) if a]
    assert act == [("National People's Congress", "China"), ("Congress", "US")]


def test_actors_table(seed_tokens):
    a = seed_tokens.actors()
    assert list(a.columns) == ["doc_id", "paragraph", "sentence", "position", "actor", "surface"]
    assert (a["actor"] != "").all()
    f = seed_tokens.frame
    assert len(a) == (f["actor"] != "").sum()
    assert {"US", "Russia", "China"} <= set(a["actor"])


def test_stopwords_negations_hedges():
    assert isinstance(STOPWORDS, frozenset) and "the" in STOPWORDS and "system" not in STOPWORDS
    assert {"non", "anti", "multi", "pre", "post", "co", "inter", "semi", "re"} <= STOPWORDS
    assert {"not", "n't", "cannot", "without"} <= NEGATIONS and {"may", "perhaps"} <= HEDGES
    f = one("We cannot and will not, but May may come; it didn't. May 5 perhaps.")
    neg = f.loc[f.is_negation, "token"].astype(str).tolist()
    hedge = f.loc[f.is_hedge, "token"].astype(str).tolist()
    assert neg == ["cannot", "not", "n't"]
    # "May" inside a sentence is the month; at the start of a sentence it can be the modal
    assert hedge == ["may", "May", "perhaps"]
    f = one("The system works", extra_stopwords=["works"], keep_stopwords=["the"])
    assert f["is_stop"].tolist() == [False, False, True]
    f = one("The system works", lowercase_stopwords=["system"])
    assert f["is_stop"].tolist() == [False, True, False]
    with pytest.raises(ParameterError):
        one("x", extra_stopwords="works")


def test_data_files_load():
    phrases = dict(load_phrases())
    assert phrases["Belt and Road Initiative"] == "belt_and_road_initiative"
    assert phrases["BRI"] == "belt_and_road_initiative"
    a = load_actors()
    assert list(a.columns) == ["alias", "actor", "case_sensitive"]
    assert a.loc[a.alias == "US", "case_sensitive"].item() is True or a.loc[a.alias == "US", "case_sensitive"].item()


def test_custom_phrase_and_actor_files(tmp_path):
    pf = tmp_path / "p.txt"
    pf.write_text("# mine\nGeneral Debate\nABC => alpha_beta\n", encoding="utf-8")
    af = tmp_path / "a.csv"
    af.write_text("alias,actor\nGeneral Debate,UNGA\n", encoding="utf-8")
    f = one("The general  debate and ABC and abc.", phrases=pf, actors=af)
    assert f["norm"].astype(str).tolist() == ["the", "general_debate", "and", "alpha_beta", "and", "abc", "."]
    assert f["actor"].astype(str).tolist()[1] == "UNGA"


# ---------------------------------------------------------------------------
# Units and bags
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small():
    c = corpus_of(("The cat sat. The dog ran!", "A bird."), ("Nothing", "..."), ids=["a", "b"])
    return tokenize(c, cache=False, progress=False)


def test_units(small):
    u = small.units("paragraph")
    assert u["unit_id"].tolist() == ["a/p0000", "a/p0001", "b/p0000", "b/p0001"]
    assert u["n_tokens"].tolist() == [8, 3, 1, 1]
    u = small.units("sentence")
    assert u["unit_id"].tolist() == ["a/s00000", "a/s00001", "a/s00002", "b/s00000", "b/s00001"]
    assert u["paragraph"].tolist() == [0, 0, 1, 0, 1]
    assert u["n_tokens"].tolist() == [4, 4, 3, 1, 1]
    u = small.units("document")
    assert u["unit_id"].tolist() == ["a", "b"] and u["n_tokens"].tolist() == [11, 2]
    with pytest.raises(ParameterError):
        small.units("page")


def test_bags(small):
    ids, bags = small.bags("paragraph")
    assert ids == ["a/p0000", "a/p0001", "b/p0000", "b/p0001"]
    assert bags == [["cat", "sit", "dog", "run"], ["bird"], [], []]
    ids, bags = small.bags("sentence", column="token", drop_stopwords=False)
    assert bags == [["The", "cat", "sat"], ["The", "dog", "ran"], ["A", "bird"], ["Nothing"], []]
    ids, bags = small.bags("document", column="norm", drop_stopwords=False, drop_punct=False)
    assert ids == ["a", "b"]
    assert bags[1] == ["nothing", "..."]
    assert list(small.iter_bags("sentence")) == list(zip(*small.bags("sentence")))


def test_select(seed_tokens):
    sub = seed_tokens.select([D002, "nope", D000])
    assert sub.docs["doc_id"].tolist() == [D000, D002]
    assert list(sub.frame["doc_id"].cat.categories) == [D000, D002]
    assert set(sub.sentences["doc_id"]) == {D000, D002}
    assert len(sub) == (seed_tokens.frame["doc_id"].isin([D000, D002])).sum()
    assert sub.units("document")["unit_id"].tolist() == [D000, D002]
    assert "Tokens" in repr(sub)


# ---------------------------------------------------------------------------
# Parallel and cache
# ---------------------------------------------------------------------------
def _synthetic(n=40) -> Corpus:
    rng = np.random.default_rng(3)
    words = ("the U.S. and China-Russia ties , Mr. Smith said “we will win.” Belt and Road "
             "Initiative BRI US us countries was . ! ? 25% $50 20.8 non-alignment Moscow").split()
    docs = []
    for i in range(n):
        paras = tuple(" ".join(rng.choice(words, size=rng.integers(5, 60))) for _ in range(rng.integers(1, 5)))
        docs.append(Document(doc_id=f"doc{i:03d}", paragraphs=paras))
    return Corpus(docs)


def test_n_jobs_identical():
    c = _synthetic()
    a = tokenize(c, cache=False, n_jobs=1, progress=False)
    b = tokenize(c, cache=False, n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.sentences, b.sentences)
    pd.testing.assert_frame_equal(a.paragraph_texts(), b.paragraph_texts())
    pd.testing.assert_frame_equal(a.docs, b.docs)


def test_cache_hit_rebuild_and_corruption(tmp_path):
    c = _synthetic(12)
    a = tokenize(c, cache=tmp_path, progress=False)
    assert not a.from_cache
    b = tokenize(c, cache=tmp_path, progress=False)
    assert b.from_cache
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.sentences, b.sentences)
    pd.testing.assert_frame_equal(a.docs, b.docs)
    pd.testing.assert_frame_equal(a.paragraph_texts(), b.paragraph_texts())
    assert b.options == a.options and b.corpus_hash == a.corpus_hash
    # an option change rebuilds
    k = tokenize(c, cache=tmp_path, progress=False, hyphens="keep")
    assert not k.from_cache
    # a changed text rebuilds
    docs = list(c)
    docs[0] = Document(doc_id=docs[0].doc_id, paragraphs=("Changed text.",))
    c2 = Corpus(docs)
    d = tokenize(c2, cache=tmp_path, progress=False)
    assert not d.from_cache and d.frame["token"].astype(str).tolist()[:3] == ["Changed", "text", "."]
    # a corrupt file warns, naming the file, and is rebuilt
    files = sorted(tmp_path.glob("*.tokens.arrow"))
    assert files
    for f in files:
        f.write_bytes(b"garbage, not arrow" * 10)
    with pytest.warns(CorpusWarning, match=re.escape(".tokens.arrow")):
        e = tokenize(c, cache=tmp_path, progress=False)
    assert not e.from_cache
    pd.testing.assert_frame_equal(a.frame, e.frame)
    assert tokenize(c, cache=tmp_path, progress=False).from_cache
    # no stray temporary files
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("part", ["tokens.arrow", "sentences.arrow", "paragraphs.arrow", "docs.arrow",
                                  "index.json"])
@pytest.mark.parametrize("damage", ["garbage", "truncate"])
def test_every_corrupt_cache_file_is_reported_and_rebuilt(tmp_path, part, damage):
    c = _synthetic(6)
    a = tokenize(c, cache=tmp_path, progress=False)
    (victim,) = [f for f in tmp_path.iterdir() if f.name.endswith("." + part)]
    data = victim.read_bytes()
    victim.write_bytes(b"\x00garbage\xff" * 50 if damage == "garbage" else data[: len(data) // 2])
    with pytest.warns(CorpusWarning, match=re.escape(victim.name)):
        b = tokenize(c, cache=tmp_path, progress=False)
    assert not b.from_cache
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.paragraph_texts(), b.paragraph_texts())
    c2 = tokenize(c, cache=tmp_path, progress=False)
    assert c2.from_cache
    pd.testing.assert_frame_equal(a.sentences, c2.sentences)
    pd.testing.assert_frame_equal(a.frame, c2.frame)


def _entry(folder: Path, name: str) -> Path:
    (path,) = folder.glob(f"*.{name}")
    return path


def test_cache_files_are_arrow_ipc_with_dictionary_columns(tmp_path):
    import pyarrow as pa

    c = _synthetic(12)
    a = tokenize(c, cache=tmp_path, progress=False)
    assert sorted(p.name.split(".", 1)[1] for p in tmp_path.iterdir()) == [
        "docs.arrow", "index.json", "lock", "paragraphs.arrow", "sentences.arrow", "tokens.arrow",
    ]
    with pa.memory_map(str(_entry(tmp_path, "tokens.arrow"))) as src:
        reader = pa.ipc.open_file(src)
        schema, table = reader.schema, reader.read_all()
    assert schema.names == list(a.frame.columns)
    # categoricals: indices of pandas' width for that many categories, dictionary = categories in order
    for name in ("doc_id", "token", "norm", "lemma", "compound", "actor"):
        col, typ = a.frame[name], schema.field(name).type
        assert pa.types.is_dictionary(typ), name
        assert typ.index_type.to_pandas_dtype() == col.array.codes.dtype, name
        assert table.column(name).chunk(0).dictionary.to_pylist() == list(col.cat.categories), name
    assert schema.field("doc_id").type.index_type == pa.int8()  # 12 documents
    for name in ("is_stop", "is_punct", "is_negation", "is_hedge"):
        assert schema.field(name).type == pa.uint8(), name
        assert set(table.column(name).to_pylist()) <= {0, 1}
    for name in ("paragraph", "sentence", "position", "start", "end"):
        assert schema.field(name).type == pa.int32(), name
    assert table.num_rows == len(a.frame)


def test_cache_round_trip_keeps_every_column_dtype_and_category_order(tmp_path):
    c = _synthetic(20)
    a = tokenize(c, cache=tmp_path, progress=False)
    b = tokenize(c, cache=tmp_path, progress=False)
    assert b.from_cache and not a.from_cache
    for fresh, cached in ((a.frame, b.frame), (a.sentences, b.sentences),
                          (a.paragraph_texts(), b.paragraph_texts()), (a.docs, b.docs)):
        assert list(cached.columns) == list(fresh.columns)
        for name in fresh.columns:
            x, y = fresh[name], cached[name]
            assert y.dtype == x.dtype, name
            if isinstance(x.dtype, pd.CategoricalDtype):
                assert list(y.cat.categories) == list(x.cat.categories), name  # order kept
                np.testing.assert_array_equal(y.array.codes, x.array.codes)
                assert y.array.codes.dtype == x.array.codes.dtype, name
            else:
                assert y.tolist() == x.tolist(), name
    # categories are in order of first appearance, not sorted
    cats = list(b.frame["token"].cat.categories)
    assert cats != sorted(cats)
    assert cats[: 3] == list(dict.fromkeys(a.frame["token"].astype(str)))[: 3]


def _mapped_ranges(path: Path) -> list[tuple[int, int]]:
    """Address ranges of this process's memory maps of ``path`` (from /proc/self/maps)."""
    out = []
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5] == str(path):
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            out.append((lo, hi))
    return out


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc (Linux)")
def test_cache_reload_is_zero_copy(tmp_path):
    c = _synthetic(20)
    a = tokenize(c, cache=tmp_path, progress=False)
    b = tokenize(c, cache=tmp_path, progress=False)
    assert b.from_cache
    path = _entry(tmp_path, "tokens.arrow").resolve()
    ranges = _mapped_ranges(path)
    assert ranges, "the token file is memory-mapped"
    for name in a.frame.columns:
        col = b.frame[name]
        arr = col.array.codes if isinstance(col.dtype, pd.CategoricalDtype) else col.to_numpy()
        addr = arr.__array_interface__["data"][0]
        # the column's values live inside the file's mapping: a view, not a copy
        assert any(lo <= addr and addr + arr.nbytes <= hi for lo, hi in ranges), name
        assert not arr.flags.writeable and not arr.flags.owndata, name
    # and the frame shares that memory: two reads of a column are the same buffer
    assert np.shares_memory(b.frame["start"].to_numpy(), b.frame["start"].to_numpy())
    assert np.shares_memory(b.frame["token"].array.codes, b.frame["token"].array.codes)
    pd.testing.assert_frame_equal(a.frame, b.frame)


def test_cached_sentences_and_paragraphs_are_read_on_first_use(tmp_path):
    from corpus_tools.errors import CorpusError

    c = _synthetic(12)
    a = tokenize(c, cache=tmp_path, progress=False)
    b = tokenize(c, cache=tmp_path, progress=False)
    assert b.from_cache and callable(b._sentences) and callable(b._paragraphs)
    # damaged after the reload: the reload had not read the texts, first use does
    for name in ("sentences.arrow", "paragraphs.arrow"):
        f = _entry(tmp_path, name)
        f.write_bytes(b"\x00" * f.stat().st_size)
    with pytest.raises(CorpusError, match=re.escape(".sentences.arrow") + ".*delete it and tokenize again"):
        b.sentences
    with pytest.raises(CorpusError, match=re.escape(".paragraphs.arrow")):
        b.paragraph_texts()
    assert len(a.sentences) and len(a.paragraph_texts())


@pytest.mark.parametrize("damage", ["flag 2", "wide codes", "rows"])
def test_a_valid_arrow_file_with_the_wrong_content_is_rebuilt(tmp_path, damage):
    import pyarrow as pa

    c = _synthetic(8)
    a = tokenize(c, cache=tmp_path, progress=False)
    path = _entry(tmp_path, "tokens.arrow")
    # read into memory: rewriting a file that is still mapped would pull the pages away
    table = pa.ipc.open_file(pa.BufferReader(path.read_bytes())).read_all()
    if damage == "flag 2":  # not 0/1: numpy would read it as a bool that is neither
        i = table.column_names.index("is_stop")
        flags = np.asarray(table.column(i).to_numpy()).copy()
        flags[0] = 2
        table = table.set_column(i, "is_stop", pa.array(flags))
    elif damage == "wide codes":  # int32 codes for 8 documents: pandas would copy them
        i = table.column_names.index("doc_id")
        col = table.column(i).chunk(0)
        wide = pa.DictionaryArray.from_arrays(col.indices.cast(pa.int32()), col.dictionary)
        table = table.set_column(i, "doc_id", wide)
    else:
        table = table.slice(1)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    with pytest.warns(CorpusWarning, match=re.escape(path.name)):
        b = tokenize(c, cache=tmp_path, progress=False)
    assert not b.from_cache
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert tokenize(c, cache=tmp_path, progress=False).from_cache


FLIPS = {
    "lowercase_stopwords": ["the", "and"],
    "extra_stopwords": ["china"],
    "keep_stopwords": ["the"],
    "phrases": False,
    "actors": False,
    "hyphens": "keep",
    "learned_phrases": {"min_count": 2, "threshold": 0.1},
}


@pytest.mark.parametrize("option", sorted(FLIPS))
def test_every_option_is_part_of_the_cache_key(tmp_path, option):
    c = _synthetic(30)
    base = tokenize(c, cache=tmp_path, progress=False)
    assert tokenize(c, cache=tmp_path, progress=False).from_cache
    flipped = tokenize(c, cache=tmp_path, progress=False, **{option: FLIPS[option]})
    assert not flipped.from_cache  # rebuilt, not served the default table
    assert not flipped.frame.equals(base.frame)
    assert tokenize(c, cache=tmp_path, progress=False, **{option: FLIPS[option]}).from_cache
    again = tokenize(c, cache=tmp_path, progress=False)  # both entries live side by side
    assert again.from_cache
    pd.testing.assert_frame_equal(again.frame, base.frame)
    assert len({p.name.split(".")[0] for p in tmp_path.iterdir()}) == 2


def test_select_builds_paragraph_texts_only_when_used(tmp_path):
    c = _synthetic(12)
    for t in (tokenize(c, cache=False, progress=False), tokenize(c, cache=tmp_path, progress=False),
              tokenize(c, cache=tmp_path, progress=False)):
        ids = t.doc_ids[::3]
        s = t.select(ids)
        assert callable(t._paragraphs) and callable(s._paragraphs)  # nothing built yet
        want = t.paragraph_texts()
        want = want[want["doc_id"].isin(ids)].reset_index(drop=True)
        want["doc_id"] = want["doc_id"].cat.set_categories(ids)
        pd.testing.assert_frame_equal(s.paragraph_texts(), want)
        # selecting from a table whose paragraphs are built restricts them at once
        s2 = t.select(ids)
        assert not callable(s2._paragraphs)
        pd.testing.assert_frame_equal(s2.paragraph_texts(), want)


def test_sentence_table_is_built_on_first_use(tmp_path):
    c = _synthetic(12)
    ref = None
    for t in (tokenize(c, cache=False, progress=False, n_jobs=2), tokenize(c, cache=tmp_path, progress=False),
              tokenize(c, cache=tmp_path, progress=False)):
        assert callable(t._sentences)
        n = len(t._sentences)
        assert f"{n:,} sentences" in repr(t) and callable(t._sentences)  # repr does not build it
        s = t.select(t.doc_ids[::2])
        assert callable(s._sentences)
        assert len(t.sentences) == n and not callable(t._sentences)
        ref = t.sentences if ref is None else ref
        pd.testing.assert_frame_equal(t.sentences, ref)
        for row in t.sentences.itertuples():  # the texts are the paragraphs' slices
            assert row.text == c[row.doc_id].paragraphs[row.paragraph][row.start:row.end]
        want = ref[ref["doc_id"].isin(t.doc_ids[::2])].reset_index(drop=True)
        want["doc_id"] = want["doc_id"].cat.set_categories(t.doc_ids[::2])
        pd.testing.assert_frame_equal(s.sentences, want)


def test_cache_default_folder_honours_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUS_TOOLS_CACHE_DIR", str(tmp_path / "cc"))
    c = _synthetic(3)
    tokenize(c, progress=False)
    assert list((tmp_path / "cc" / "tokens").glob("*.tokens.arrow"))
    assert tokenize(c, progress=False).from_cache


def test_unwritable_cache_folder_warns_and_still_tokenizes(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):
            # running as root (CI, these machines): permissions do not apply, so
            # the operating system's refusal is simulated at the same call
            real_mkdir = Path.mkdir

            def refuse(self, *args, **kwargs):
                if str(self).startswith(str(ro)):
                    raise PermissionError(13, "Permission denied", str(self))
                return real_mkdir(self, *args, **kwargs)

            monkeypatch.setattr(Path, "mkdir", refuse)
        with pytest.warns(CorpusWarning, match="cannot write the tokens cache"):
            t = tokenize(_synthetic(2), cache=ro / "cache", progress=False)
        assert len(t) > 0 and not t.from_cache
        assert not (ro / "cache").exists()
    finally:
        ro.chmod(0o700)


def test_cache_path_that_is_a_file_warns(tmp_path):
    f = tmp_path / "not-a-folder"
    f.write_text("x")
    with pytest.warns(CorpusWarning, match="cannot write the tokens cache"):
        t = tokenize(_synthetic(2), cache=f, progress=False)
    assert len(t) > 0


@pytest.mark.parametrize("docs", [[], [("",)], [("   ", "..."), ()]])
def test_empty_corpora_and_paragraphs_round_trip(tmp_path, docs):
    c = Corpus([Document(doc_id=f"d{i}", paragraphs=p) for i, p in enumerate(docs)])
    a = tokenize(c, cache=tmp_path, progress=False)
    b = tokenize(c, cache=tmp_path, progress=False)
    assert b.from_cache
    for x, y in ((a.frame, b.frame), (a.sentences, b.sentences), (a.docs, b.docs),
                 (a.paragraph_texts(), b.paragraph_texts())):
        pd.testing.assert_frame_equal(x, y)
    assert len(a.units("paragraph")) == sum(len(p) for p in docs)
    assert a.bags("document")[0] == [f"d{i}" for i in range(len(docs))]


def test_bad_parameters():
    c = _synthetic(2)
    with pytest.raises(ParameterError):
        tokenize(c, cache=False, hyphens="drop")
    with pytest.raises(ParameterError):
        tokenize(c, cache=False, n_jobs=0)


def test_learned_phrases():
    texts = [f"The blue whales met. Doc {i} of the blue whales." for i in range(12)]
    t = tokenize(corpus_of(*texts), cache=False, progress=False,
                 learned_phrases={"min_count": 3, "threshold": 0.1})
    assert "blue_whales" in set(t.frame["norm"].astype(str))
    assert "blue whales" in t.options["learned"]
    assert t.frame["token"].astype(str).tolist()[:3] == ["The", "blue whales", "met"]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------
def test_whitespace_table_matches_re():
    from corpus_tools.tokens.engine import _WS_LIMIT, _WS_LUT

    space = re.compile(r"\s")
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        expected = space.match(chr(cp)) is not None
        got = bool(_WS_LUT[min(cp, _WS_LIMIT)])
        assert got == expected, hex(cp)


PIECES = list("aAzZ09 .,!?-–’'“”\"()$%…\n\t\u00a0") + [
    "U.S.", "Mr.", " us ", "US", "Belt and Road", "n't", "China", "-Russia", " J. ", "No. 3",
]
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_property_spans(text):
    spans = word_spans(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        assert not any(ch.isspace() for ch in text[a:b])
        last = b
    # every non-space character is covered, except dropped compound hyphens
    covered = sum(b - a for a, b in spans)
    assert covered <= sum(not ch.isspace() for ch in text)
    # chunk-by-chunk tokenization equals one regex pass over the whole text
    from corpus_tools.tokens.rules import TOKEN_RE, split_token

    one_pass = [
        (m.start(1) + rel, m.start(1) + rel + len(part))
        for m in TOKEN_RE.finditer(text)
        for rel, part in split_token(m.group(1), hyphens="split")
    ]
    assert spans == one_pass
    sspans = split_sentences(text)
    last = 0
    for a, b in sspans:
        assert last <= a < b <= len(text)
        last = b
    if spans:
        assert sspans[0][0] == spans[0][0] and sspans[-1][1] == spans[-1][1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(TEXT, min_size=1, max_size=3), min_size=1, max_size=3))
def test_property_tokenize(docs):
    c = corpus_of(*[tuple(d) for d in docs])
    t = tokenize(c, cache=False, progress=False)
    f = t.frame
    for doc in c:
        d = f[f.doc_id == doc.doc_id]
        assert d["position"].tolist() == list(range(len(d)))
        assert (np.diff(d["sentence"].to_numpy()) >= 0).all()
        for p, s, e, tok in zip(d.paragraph, d.start, d.end, d.token):
            para = doc.paragraphs[p]
            assert 0 <= s < e <= len(para)
            assert para[s:e] == tok
    for row in t.sentences.itertuples():
        para = c[row.doc_id].paragraphs[row.paragraph]
        assert 0 <= row.start < row.end <= len(para)
        assert para[row.start:row.end] == row.text
    assert len(t.units("sentence")) == len(t.sentences)
