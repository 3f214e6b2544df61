"""Descriptive statistics for notebook 00."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from corpus_tools import load_corpus, tokenize
from corpus_tools.describe import actor_counts, msttr, phrase_counts, term_counts, token_summary

TINY = Path(__file__).parent / "fixtures" / "tiny"


def test_msttr_worked_example():
    # segments of 4: [a b a b] -> 2/4, [c c c d] -> 2/4, [e f g h] -> 4/4; the
    # trailing [a] is dropped. Mean = (0.5 + 0.5 + 1.0) / 3 = 0.6667
    codes = np.array(list("ababcccdefgha"))
    assert math.isclose(msttr(codes, segment=4), 2 / 3)
    assert math.isnan(msttr(codes[:3], segment=4))


def test_token_summary_and_counts_on_fixture(tmp_path):
    tokens = tokenize(load_corpus(TINY), cache=tmp_path)
    summary = token_summary(tokens).set_index("doc_id")
    # b_plain: "Plain text without any header." (5 words) + "Second paragraph on the
    # next line, with no blank line." (10 words) = 15 non-punctuation tokens, 2 sentences.
    assert summary.loc["b_plain", "n_tokens"] == 15
    assert summary.loc["b_plain", "n_sentences"] == 2
    # "line" occurs twice in b_plain, so 14 distinct lemmas of 15 tokens
    assert summary.loc["b_plain", "n_types"] == 14
    # English only: no token from another script (mixed scripts: test_bad_inputs)
    assert summary["n_non_latin"].tolist() == [0] * len(summary)
    counts = term_counts(tokens, n=50).set_index("term")
    total = int(summary["n_tokens"].sum())
    assert counts.loc["paragraph", "count"] == 2  # b_plain and c_crlf
    assert math.isclose(counts.loc["paragraph", "per_1k"], round(2 / total * 1000, 3))
    # "The U.S." -> united_states, a merged multiword/actor term
    assert "united_states" in set(phrase_counts(tokens)["term"])
    actors = actor_counts(tokens)
    a = actors[actors["doc_id"] == "a_first"].set_index("actor")["mentions"].to_dict()
    # a_first: "The U.S. and China met in Beijing ... Russia said" -> US 1, China 2, Russia 1
    assert a == {"China": 2, "Russia": 1, "US": 1}


def _authored(*docs):
    from corpus_tools.corpus import Corpus, Document

    return Corpus([Document(doc_id=i, author=a, date=d, paragraphs=(t,)) for i, a, d, t in docs])


def test_actor_counts_pooled_by_group():
    # d1: Russia and China met (4 tokens); d2: Russia spoke twice about Russia today (6);
    # d3: Nothing here (2). Pooled A: 10 tokens, Russia 3 -> 300 per 1k, China 1 -> 100.
    corpus = _authored(
        ("d1", "A", "2001", "Russia and China met."),
        ("d2", "A", "2002", "Russia spoke twice about Russia today."),
        ("d3", "B", "2003", "Nothing here."),
    )
    tokens = tokenize(corpus, cache=False, progress=False)
    per_doc = actor_counts(tokens).set_index(["doc_id", "actor"])
    assert per_doc.loc[("d2", "Russia"), "mentions"] == 2 and per_doc.loc[("d2", "Russia"), "n_tokens"] == 6
    pooled = actor_counts(tokens, by="author").set_index(["group", "actor"])
    assert pooled.loc[("A", "Russia"), ["mentions", "n_tokens", "n_docs"]].tolist() == [3, 10, 2]
    assert pooled.loc[("A", "Russia"), "per_1k"] == 300.0
    assert pooled.loc[("A", "China"), "per_1k"] == 100.0
    assert "B" not in pooled.index.get_level_values("group")  # no actor mentioned


def test_many_documents_plot_one_row_per_group():
    import pandas as pd

    from corpus_tools.plots.compare import plot_quoted_share
    from corpus_tools.plots.corpus import plot_actor_rates, plot_timeline

    # 60 documents by 3 authors: the timeline has 3 rows with their counts
    docs = pd.DataFrame({
        "doc_id": [f"d{i:02d}" for i in range(60)],
        "author": ["CHN", "RUS", "USA"] * 20,
        "date": [str(1960 + i) for i in range(60)],
        "date_precision": ["year"] * 60,
    })
    fig = plot_timeline(docs, label="author", max_rows=40)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["CHN (20)", "RUS (20)", "USA (20)"]
    assert "60 dated documents by author (60 year precision)" in fig.axes[0].get_title()
    # 5 documents stay one row each
    fig = plot_timeline(docs.head(5), label="author")
    assert len(fig.axes[0].get_yticklabels()) == 5

    # quoted share pooled by group: words summed, one bar per group
    share = pd.DataFrame({
        "doc_id": docs["doc_id"], "n_words": [100] * 60, "quote_words": [10] * 60,
        "reported_words": [0] * 60, "mention_words": [0] * 60,
    })
    groups = docs.set_index("doc_id")["author"]
    fig = plot_quoted_share(share, groups=groups, max_rows=40)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["CHN", "RUS", "USA"]
    assert [round(p.get_width(), 6) for p in ax.patches[:3]] == [10.0, 10.0, 10.0]  # 200/2000 words = 10%
    assert "60 documents pooled by group" in ax.get_title()

    # actor heatmap: more rows than max_rows -> the ones with most tokens, said in the title
    rates = pd.DataFrame({
        "doc_id": docs["doc_id"], "label": docs["doc_id"], "actor": "US", "mentions": 1,
        "n_tokens": range(100, 160), "per_1k": 1.0,
    })
    fig = plot_actor_rates(rates, max_rows=30)
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 30 and ax.get_yticklabels()[0].get_text() == "d30"
    assert "the 30 of 60 rows with the most tokens" in ax.get_title()


def test_term_counts_leave_numbers_out_by_default():
    from corpus_tools.corpus import Corpus, Document

    text = "In 2014 and 2014 again, trade grew 3.7% and trade fell in the 279th week."
    tokens = tokenize(Corpus([Document(doc_id="d", paragraphs=(text,))]), cache=False, progress=False)
    counts = term_counts(tokens, n=50)
    assert counts["term"].tolist()[0] == "trade"
    assert not counts["term"].isin(["2014", "3.7%", "279th"]).any()
    with_numbers = term_counts(tokens, n=50, drop_numbers=False).set_index("term")
    assert with_numbers.loc["2014", "count"] == 2 and "279th" in with_numbers.index
    # numbers still count in the denominator: 15 non-punctuation tokens
    assert math.isclose(counts.set_index("term").loc["trade", "per_1k"], round(2 / 15 * 1000, 3))
