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
