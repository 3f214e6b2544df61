"""The scale benchmark's path on a 200-speech slice of the UN General Debate corpus.

``tests/fixtures/ungdc200`` (built by ``tests/fixtures/make_ungdc_slice.py``, CC0
data) keeps the real corpus's layout and quirks: nested session folders, a
``metadata.csv`` linked by ``file``, 39 files with a byte-order mark, 3 with
CRLF line endings and 4 with bare CR line breaks. Nothing here needs the 200 MB corpus. The counts below were
checked against the raw text with a regular expression (in the tests
themselves), not copied from the code's output.
"""
from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gensim.corpora import Dictionary

import corpus_tools.tokens.assemble as blocks
from corpus_tools import compare, keywords, load_corpus, topics, tokenize

ROOT = Path(__file__).resolve().parents[1]
SLICE = ROOT / "tests" / "fixtures" / "ungdc200"
P5 = ["CHN", "FRA", "GBR", "RUS", "USA"]


def _word_count(corpus, word: str, doc_ids=None) -> int:
    """Occurrences of ``word`` as a whole word (a hyphenated compound's part counts)."""
    pat = re.compile(rf"(?<!\w){word}(?!\w)", re.IGNORECASE)
    return sum(
        len(pat.findall(p)) for d in corpus if doc_ids is None or d.doc_id in doc_ids for p in d.paragraphs
    )


@pytest.fixture(scope="module")
def corpus():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the slice loads without a single warning
        return load_corpus(SLICE, columns={"author": "country_iso", "date": "year"})


@pytest.fixture(scope="module")
def tokens(corpus):
    return tokenize(corpus, cache=False, progress=False)


def test_slice_loads_with_its_quirks_normalised(corpus):
    assert len(corpus) == 200 and len(corpus.skipped) == 0
    raw = [p.read_bytes() for p in sorted(SLICE.rglob("*.txt"))]
    assert sum(b.startswith(b"\xef\xbb\xbf") for b in raw) == 39
    assert sum(b"\r\n" in b for b in raw) == 3
    assert sum(b"\r" in b and b"\r\n" not in b for b in raw) == 4
    paragraphs = [p for d in corpus for p in d.paragraphs]
    assert not any("\ufeff" in p or "\r" in p for p in paragraphs)
    d = corpus["IND_01_1946"]  # the first file in path order
    assert (d.author, d.date, d.date_precision) == ("IND", "1946", "year")
    assert d.meta["country"] == "India" and d.meta["country_iso"] == "IND"
    assert corpus.doc_ids[0] == "IND_01_1946"


def test_blocks_and_workers_give_the_same_table(corpus, tokens, monkeypatch, tmp_path):
    # 50,000-character blocks: the slice is cut into ~15 blocks, as the full
    # corpus is cut into 6M-character ones, and two processes share them
    monkeypatch.setattr(blocks, "BLOCK_CHARS", 50_000)
    assert len(blocks.block_ranges(list(corpus), n_jobs=2)) >= 8
    parallel = tokenize(corpus, cache=tmp_path, n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(tokens.frame, parallel.frame)
    pd.testing.assert_frame_equal(tokens.sentences, parallel.sentences)
    again = tokenize(corpus, cache=tmp_path, n_jobs=2, progress=False)
    assert again.from_cache and not parallel.from_cache
    pd.testing.assert_frame_equal(tokens.frame, again.frame)


def test_token_counts_match_the_raw_text(corpus, tokens):
    f = tokens.frame
    lemma = f["lemma"].astype(str)
    # 70 whole-word "poverty" in the text, 2 of them in "poverty-reduction":
    # the parts of a hyphenated compound count toward their words
    assert _word_count(corpus, "poverty") == 70
    assert len(re.findall(r"poverty-reduction", " ".join(p for d in corpus for p in d.paragraphs))) == 2
    assert int((lemma == "poverty").sum()) == 70
    assert _word_count(corpus, "peace") == 421
    assert int((lemma == "peace").sum()) == 421


def test_streamed_bag_of_words_equals_gensim_dictionary(tokens):
    bow = topics.prepare_bow(tokens, unit="document", no_below=5, no_above=0.5, drop_numbers=False)  # as gensim: numbers kept
    _, bags = tokens.bags(unit="document")
    d = Dictionary(bags)
    d.filter_extremes(no_below=5, no_above=0.5, keep_n=None)
    assert set(bow.dictionary.token2id) == set(d.token2id)
    # 1867 terms (1861 before words with a bound prefix became one token each and the
    # lemma exceptions kept goods, arms, affairs … apart from good, arm, affair)
    assert len(d) == 1867
    assert bow.counts.shape == (200, 1867)
    assert int(bow.counts.sum()) == sum(1 for bag in bags for t in bag if t in d.token2id)


def test_lda_on_documents_is_reproducible(tokens):
    a = topics.fit_lda(tokens, k=5, unit="document", passes=1, no_below=5, no_above=0.5, drop_numbers=False)
    b = topics.fit_lda(tokens, k=5, unit="document", passes=1, no_below=5, no_above=0.5, drop_numbers=False)
    assert a.model.get_topics().shape == (5, 1867)
    assert np.array_equal(a.model.get_topics(), b.model.get_topics())


def test_trend_by_year_adds_up(corpus, tokens):
    tr = keywords.trend(tokens, {"poverty": ["poverty"], "peace": ["peace"]}, by="year")
    assert tr.groupby("term")["count"].sum().to_dict() == {"peace": 421, "poverty": 70}
    n_words = int((~tokens.frame["is_punct"].to_numpy(bool)).sum())
    assert tr[tr["term"] == "poverty"]["n_tokens"].sum() == n_words
    assert (tr["ci_low"] <= tr["per_1k"] + 1e-9).all() and (tr["per_1k"] <= tr["ci_high"] + 1e-9).all()


def test_distinctive_terms_for_the_p5(corpus, tokens):
    ids = tokens.docs.loc[tokens.docs["country_iso"].isin(P5), "doc_id"].tolist()
    assert len(ids) == 54  # 50 speeches of 2010-2019 and 4 drawn at random
    terms = compare.distinctive_terms(tokens.select(ids), by="country_iso", min_count=10)
    assert sorted(terms["group"].unique()) == P5
    peace = terms[terms["term"] == "peace"].set_index("group")
    total = _word_count(corpus, "peace", set(ids))
    assert total == 90
    assert (peace["count"] + peace["count_rest"] == total).all()
    assert peace["count"].to_dict() == {
        g: _word_count(corpus, "peace", {i for i in ids if corpus[i].author == g}) for g in P5
    }


def test_scale_benchmark_runs_on_the_slice(tmp_path):
    out = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), str(SLICE), "--fractions", "0.5", "1.0",
         "--n-boot", "50", "--results", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    frame = pd.read_csv(out / "scale.csv")
    assert sorted(frame["docs"].unique()) == [100, 200]
    assert frame["stage"].tolist()[:7] == [
        "load", "tokenize_cold", "tokenize_cached", "bag_of_words", "fit_lda", "trend", "distinctive_terms",
    ]
    assert (frame["wall_s"] > 0).all() and (frame["peak_pss_mb"] > 0).all()
    assert (out / "scale.png").stat().st_size > 10_000
    assert "growth 1.0/0.5" in proc.stdout
