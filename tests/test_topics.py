"""Tests for corpus_tools.topics (and its figures): planted topics, three genres and the seeds, against shuffled text.

The planted corpus has three disjoint 15-word vocabularies (fruit, tools,
animals). Every document draws 85 % of its words from one vocabulary and
15 % from the other two, with the first 10 words of each vocabulary
carrying 90 % of its mass, so the "true" top-10 of each topic is known.

The three-genre corpora test the rule that picks k: a synthetic one (three
made-up vocabularies with Zipf frequencies, paragraphs of realistic and
varying length, a shared vocabulary of function-like words) and a real one
built at test time from text that exists wherever the project is installed
(UN General Debate speeches from the repository's CC0 fixture, docstrings
of Python's standard library under the PSF licence, and the licence texts
of the installed packages; nothing is copied into the repository).
"""
from __future__ import annotations

import ast
import re
import sysconfig
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from corpus_tools import CorpusWarning, ParameterError, stats, tokenize, topics
from corpus_tools.corpus import Corpus, Document, load_corpus
from corpus_tools.plots import topics as topic_plots

ROOT = Path(__file__).resolve().parents[1]

VOCABS = [
    "apple banana cherry grape lemon mango melon olive peach pear plum apricot papaya guava lychee".split(),
    "hammer wrench chisel spanner drill screwdriver anvil trowel shovel mallet sander crowbar clamp vise rake".split(),
    "giraffe zebra walrus otter badger beaver lizard falcon heron gazelle jaguar panther lobster oyster bison".split(),
]
# 10 core words at 0.09 each (0.9) and 5 rare ones at 0.02 each (0.1).
WORD_P = np.r_[np.full(10, 0.09), np.full(5, 0.02)]
N_DOCS, N_WORDS, MAIN_SHARE = 60, 50, 0.85
FAST = dict(passes=5, iterations=50)


def _planted_words(seed: int = 0) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    docs = []
    for i in range(N_DOCS):
        main = i % 3
        n_main = int(round(N_WORDS * MAIN_SHARE))
        words = list(rng.choice(VOCABS[main], size=n_main, p=WORD_P))
        for _ in range(N_WORDS - n_main):
            other = rng.choice([t for t in range(3) if t != main])
            words.append(str(rng.choice(VOCABS[other], p=WORD_P)))
        rng.shuffle(words)
        docs.append([str(w) for w in words])
    return docs


def _corpus(word_lists: list[list[str]], *, paragraphs_per_doc: int = 1) -> Corpus:
    docs = []
    for i, words in enumerate(word_lists):
        # Sentences of 10 words, so the tokenizer sees ordinary prose shape.
        sents = [" ".join(words[j : j + 10]).capitalize() + "." for j in range(0, len(words), 10)]
        per = max(1, len(sents) // paragraphs_per_doc)
        paras = tuple(" ".join(sents[j : j + per]) for j in range(0, len(sents), per))
        docs.append(
            Document(
                doc_id=f"d{i:03d}", author=f"author{i % 4}", date=f"{2010 + i % 10}", date_precision="year",
                paragraphs=paras,
            )
        )
    return Corpus(docs)


@pytest.fixture(scope="module")
def planted_words():
    return _planted_words()


@pytest.fixture(scope="module")
def planted(planted_words):
    return tokenize(_corpus(planted_words), cache=False)


@pytest.fixture(scope="module")
def model3(planted):
    return topics.fit_lda(planted, k=3, seed=0, no_above=0.9, **FAST)


@pytest.fixture(scope="module")
def planted_sweep(planted):
    return topics.sweep(planted, k_values=[2, 3, 4], seeds=[0, 1, 2], no_above=0.9, n_shuffles=19, **FAST)


# -- the tokenizer keeps the made-up vocabulary intact ------------------------------
def test_planted_words_survive_tokenization(planted):
    ids, bags = planted.bags(unit="paragraph")
    seen = {w for bag in bags for w in bag}
    assert seen == {w for v in VOCABS for w in v}  # none dropped as a stopword, none merged by lemmatizing
    assert len(ids) == N_DOCS and all(len(b) == N_WORDS for b in bags)


# -- choosing k and recovering the planted topics ------------------------------------
def test_sweep_shape_and_ranges(planted_sweep):
    assert list(planted_sweep.columns) == ["shuffle", "k", "seed", "c_npmi", "stability"]
    assert len(planted_sweep) == 20 * 3 * 3  # the corpus and 19 shuffles, 3 k, 3 seeds
    real = planted_sweep[planted_sweep["shuffle"] == 0]
    pairs = list(zip(real["k"], real["seed"]))
    assert pairs == [(k, s) for k in (2, 3, 4) for s in (0, 1, 2)]
    assert planted_sweep["shuffle"].tolist() == sorted(planted_sweep["shuffle"])
    assert planted_sweep["stability"].between(0, 1).all()
    assert planted_sweep["c_npmi"].between(-1, 1).all()


def test_planted_topics_beat_the_null_and_the_rule_picks_3(planted_sweep):
    assert topics.choose_k(planted_sweep) == 3
    ranked = topics.rank_k(planted_sweep).set_index("k")
    # Every seed finds the same three top-10 lists at k=3 (the planted cores) ...
    assert ranked.at[3, "stability"] == pytest.approx(1.0)
    # ... above every one of the 19 shuffles, on both measures, after the max-T adjustment:
    # p = 1/20, the smallest 19 shuffles allow, which is the 5 % level.
    assert ranked.at[3, "stability_rank"] == 0 and ranked.at[3, "c_npmi_rank"] == 0
    assert ranked.at[3, "stability_p_adj"] == pytest.approx(0.05)
    assert ranked.at[3, "c_npmi_p_adj"] == pytest.approx(0.05)
    assert ranked.at[3, "beats_null"]
    verdict = topics.null_verdict(ranked.reset_index())
    assert (verdict.k, verdict.beats_null, verdict.n_shuffles) == (3, True, 19)
    assert verdict.sentence.startswith("At k = 3 the topics beat the null at the 5 % level")
    assert "stability across seeds 1.00 against" in verdict.sentence and "(above 19 of 19; adjusted p = 0.05)" in verdict.sentence


def test_fit_recovers_planted_topics(model3, planted_sweep):
    cores = [v[:10] for v in VOCABS]
    pairs = stats.match_topics(cores, model3.term_sets(10))
    assert len(pairs) == 3
    assert min(j for _, _, j in pairs) >= 0.8
    # it beats the null, so its topics are named by their terms
    verdict = topics.null_verdict(topics.rank_k(planted_sweep), k=3)
    labels = topics.topic_labels(model3, verdict, n=3)
    assert labels.tolist() == model3.labels(n=3).tolist()
    assert all(re.fullmatch(r"\d: \w+ · \w+ · \w+", lab) for lab in labels)
    assert topics.terms_title(verdict, ranking="probability") == "Top terms per topic, ranked by probability"
    # Each planted topic owns most of its documents: doc d's main topic is d % 3.
    dt = model3.doc_topics()
    top = dt.loc[dt.groupby("unit_id")["weight"].idxmax()]
    main_of_topic = {j + 1: i for i, j, _ in pairs}
    predicted = top["topic"].map(main_of_topic).to_numpy()
    truth = np.array([int(u.split("/")[0][1:]) % 3 for u in top["unit_id"]])
    assert (predicted == truth).mean() >= 0.95


def test_same_seed_gives_identical_results(planted, model3):
    again = topics.fit_lda(planted, k=3, seed=0, no_above=0.9, **FAST)
    pd.testing.assert_frame_equal(model3.top_terms(), again.top_terms(), check_exact=True)
    pd.testing.assert_frame_equal(model3.doc_topics(), again.doc_topics(), check_exact=True)
    # doc_topics does not depend on the state of gensim's random generator
    # (the E-step draws its starting values from it; theta() reseeds it).
    third = topics.fit_lda(planted, k=3, seed=0, no_above=0.9, **FAST)
    third.model.random_state.rand(7)
    pd.testing.assert_frame_equal(model3.doc_topics(), third.doc_topics(), check_exact=True)
    seeds = topics.fit_lda_seeds(planted, k=3, seeds=[0, 5], no_above=0.9, **FAST)
    pd.testing.assert_frame_equal(seeds[0].top_terms(), model3.top_terms(), check_exact=True)
    pd.testing.assert_frame_equal(seeds[0].doc_topics(), model3.doc_topics(), check_exact=True)
    assert [m.seed for m in seeds] == [0, 5]
    assert not np.array_equal(seeds[1].phi(), model3.phi())  # another seed, another start


def test_streamed_corpus_is_the_count_matrix(planted, model3):
    # gensim reads the units through Sparse2Corpus: row i of the counts, as (term id, count) pairs
    bow = model3.bow
    docs = list(bow.corpus)
    assert len(docs) == len(bow.corpus) == N_DOCS
    dense = bow.counts.toarray()
    for i in (0, 17, N_DOCS - 1):
        assert [(int(t), int(c)) for t, c in docs[i]] == [(j, dense[i, j]) for j in np.flatnonzero(dense[i])]
    assert sum(int(c) for doc in docs for _, c in doc) == N_DOCS * N_WORDS  # no_above=0.9 drops nothing here


# -- the TopicModel tables -------------------------------------------------------------
def test_doc_topics_covers_every_unit(planted, model3):
    dt = model3.doc_topics()
    assert list(dt.columns) == ["unit_id", "doc_id", "topic", "weight"]
    assert len(dt) == N_DOCS * 3
    assert dt["unit_id"].unique().tolist() == planted.units("paragraph")["unit_id"].tolist()
    assert sorted(dt["topic"].unique()) == [1, 2, 3]
    np.testing.assert_allclose(dt.groupby("unit_id")["weight"].sum(), 1.0, rtol=1e-6)


def test_top_terms_weight_and_corpus_probability(planted_words, model3):
    tt = model3.top_terms(n=10)
    assert list(tt.columns[:4]) == ["topic", "rank", "term", "weight"]
    assert tt.groupby("topic")["rank"].apply(list).tolist() == [list(range(1, 11))] * 3
    # p_corpus is the plain corpus frequency: count the generated words by hand.
    flat = [w for doc in planted_words for w in doc]
    row = tt[tt["term"] == "apple"].iloc[0]
    assert row["p_corpus"] == pytest.approx(flat.count("apple") / len(flat))  # 3000 tokens in all
    # weight is phi: equal to the model's topic-term probability.
    phi = model3.phi()
    assert row["weight"] == pytest.approx(phi[row["topic"] - 1, model3.dictionary.token2id["apple"]])


def test_relevance_lambda_zero_ranks_by_lift(model3):
    tt = model3.top_terms(n=15, relevance_lambda=0.0)
    lift = tt["weight"] / tt["p_corpus"]
    for _, g in tt.groupby("topic"):
        assert (np.diff(lift.loc[g.index].to_numpy()) <= 1e-12).all()
    with pytest.raises(ParameterError, match="RELEVANCE_LAMBDA"):
        model3.top_terms(relevance_lambda=1.5)


# -- choosing k: the test and the rule on a hand-made sweep -------------------------
def _hand_sweep(stability: dict, npmi: dict) -> pd.DataFrame:
    """A sweep table with the given (shuffle, k) values, equal for seeds 0 and 1."""
    return pd.DataFrame(
        [
            dict(shuffle=j, k=k, seed=s, c_npmi=npmi[k][j], stability=stability[k][j])
            for j in range(len(stability[2]))
            for k in sorted(stability)
            for s in (0, 1)
        ]
    )


def test_null_test_and_rule_by_hand():
    # shuffle 0 is the corpus, 1-4 the shuffles.
    stability = {2: [0.9, 0.5, 0.6, 0.7, 0.8], 3: [0.9, 0.3, 0.4, 0.5, 0.95]}
    npmi = {2: [0.10, 0.0, 0.0, 0.0, 0.0], 3: [0.5, -0.1, 0.0, 0.1, 0.3]}
    sweep = _hand_sweep(stability, npmi)
    # Studentised over the 5 corpora at each k (population SD):
    # stability k=2: mean .7, SD .141421 -> corpus 1.41421, shuffles -1.41421 -.70711 0 .70711
    #           k=3: mean .61, SD .265330 -> corpus 1.09297, shuffles -1.16835 -.79146 -.41458 1.28142
    #   shuffle maxima over k: -1.16835 -.70711 0 1.28142
    #   p_adj: k=2 none >= 1.41421 -> 1/5; k=3 one (1.28142) >= 1.09297 -> 2/5
    # c_npmi k=2: mean .02, SD .04 -> corpus 2.0, shuffles -.5 each
    #        k=3: mean .16, SD .215407 -> corpus 1.57842, shuffles -1.20703 -.74279 -.27855 .64993
    #   shuffle maxima: -.5 -.5 -.27855 .64993 -> p_adj 1/5 at both k
    tested = topics.null_test(sweep, level=0.2).set_index("k")
    assert tested["n_shuffles"].tolist() == [4, 4]
    np.testing.assert_allclose(tested["stability_p_adj"], [0.2, 0.4])
    np.testing.assert_allclose(tested["c_npmi_p_adj"], [0.2, 0.2])
    np.testing.assert_allclose(tested["stability_p"], [0.2, 0.4])  # .95 >= .9: one shuffle at or above
    assert tested["stability_rank"].tolist() == [0, 1] and tested["c_npmi_rank"].tolist() == [0, 0]
    np.testing.assert_allclose(tested["stability_null"], [0.65, 0.5375])
    np.testing.assert_allclose(tested["stability_null_low"], [0.5, 0.3])
    np.testing.assert_allclose(tested["stability_null_high"], [0.8, 0.95])
    np.testing.assert_allclose(tested["stability_excess"], [0.25, 0.3625])
    np.testing.assert_allclose(tested["c_npmi_excess"], [0.10, 0.425])
    assert tested["beats_null"].tolist() == [True, False]
    ranked = topics.rank_k(sweep, level=0.2)
    np.testing.assert_allclose(ranked["score"], [0.25, 0.3625])  # the stability excess
    # k=3 scores higher but does not beat the null at 0.2: the rule keeps to k=2 ...
    assert topics.choose_k(sweep, level=0.2) == 2
    # ... while at 0.05 nothing can beat 4 shuffles (p >= 1/5), so all k compete and 3 wins
    assert not topics.rank_k(sweep, level=0.05)["beats_null"].any()
    assert topics.choose_k(sweep, level=0.05) == 3
    verdict = topics.null_verdict(topics.rank_k(sweep, level=0.05))
    assert not verdict.beats_null and "set N_SHUFFLES to at least 19" in verdict.sentence
    assert "1/5 = 0.20" in verdict.sentence


def test_null_test_ties_count_against_the_corpus():
    # The corpus equal to the best shuffle is not above it: p = 2/3, not 1/3.
    sweep = _hand_sweep({2: [0.7, 0.5, 0.7], 3: [0.4, 0.2, 0.3]}, {2: [0.2, 0.0, 0.2], 3: [0.1, 0.0, 0.0]})
    tested = topics.null_test(sweep, level=0.34).set_index("k")
    assert tested.at[2, "stability_p"] == pytest.approx(2 / 3) and tested.at[2, "stability_rank"] == 1
    assert not tested.at[2, "beats_null"]
    # Equal values everywhere (SD 0) studentise to 0, and 0 >= 0 ties against the corpus too.
    flat = _hand_sweep({2: [0.5, 0.5, 0.5], 3: [0.5, 0.5, 0.5]}, {2: [0.1, 0.1, 0.1], 3: [0.1, 0.1, 0.1]})
    assert (topics.null_test(flat, level=0.5)["stability_p_adj"] == 1.0).all()
    assert topics.choose_k(flat) == 2  # every excess 0: the smaller k


def test_the_5_percent_level_needs_19_shuffles():
    # the corpus above every shuffle at one k: p_adj = 1/(N+1)
    def sweep(n):
        stab = {2: [0.9] + [0.1 * (i % 5) for i in range(n)], 3: [0.1] + [0.1 * (i % 5) for i in range(n)]}
        npmi = {2: [0.5] + [0.01 * (i % 7) for i in range(n)], 3: [0.0] + [0.01 * (i % 7) for i in range(n)]}
        return _hand_sweep(stab, npmi)

    at19 = topics.rank_k(sweep(19), level=0.05).set_index("k")
    assert at19.at[2, "stability_p_adj"] == pytest.approx(0.05) and at19.at[2, "beats_null"]
    at18 = topics.rank_k(sweep(18), level=0.05).set_index("k")
    assert at18.at[2, "stability_p_adj"] == pytest.approx(1 / 19) and not at18.at[2, "beats_null"]


def test_rank_k_refuses_a_sweep_without_shuffles(planted):
    sweep = topics.sweep(planted, k_values=[3], seeds=[0, 1], no_above=0.9, n_shuffles=0, cache=False, **FAST)
    assert sweep["shuffle"].unique().tolist() == [0]
    with pytest.raises(ParameterError, match="no shuffled corpus"):
        topics.rank_k(sweep)
    with pytest.raises(ParameterError, match="N_SHUFFLES"):
        topics.sweep(planted, k_values=[3], seeds=[0, 1], n_shuffles=-1)
    with pytest.raises(ParameterError, match="NULL_LEVEL"):
        topics.null_test(_hand_sweep({2: [1, 0], 3: [1, 0]}, {2: [1, 0], 3: [1, 0]}), level=1.0)


# -- prevalence, alignment, NMF, map ---------------------------------------------------
def test_doc_prevalence_is_token_weighted_mean(planted_words):
    # Two paragraphs per document: prevalence must weight paragraphs by their length.
    toks = tokenize(_corpus(planted_words[:30], paragraphs_per_doc=2), cache=False)
    m = topics.fit_lda(toks, k=3, seed=0, no_above=0.9, **FAST)
    prev = topics.doc_prevalence(m)
    assert list(prev.columns) == ["doc_id", "topic", "weight"]
    dt = m.doc_topics().merge(m.units[["unit_id", "n_terms"]], on="unit_id")
    d = dt[(dt["doc_id"] == "d000") & (dt["topic"] == 1)]
    expected = (d["weight"] * d["n_terms"]).sum() / d["n_terms"].sum()
    assert prev.query("doc_id == 'd000' and topic == 1")["weight"].item() == pytest.approx(expected)
    np.testing.assert_allclose(prev.groupby("doc_id")["weight"].sum(), 1.0, rtol=1e-6)
    iv = topics.prevalence_intervals(m, n_boot=200)
    assert (iv["low"] <= iv["weight"] + 1e-12).all() and (iv["weight"] <= iv["high"] + 1e-12).all()
    assert (iv["high"] - iv["low"]).max() > 0  # two paragraphs per document: real intervals


def test_alignment_across_seeds(planted):
    models = topics.fit_lda_seeds(planted, k=3, seeds=[0, 1, 2], no_above=0.9, **FAST)
    aligned = topics.align_topics(models)
    ref = aligned[aligned["seed"] == 0]
    assert (ref["topic"] == ref["reference_topic"]).all() and (ref["jaccard"] == 1.0).all()
    assert aligned["jaccard"].min() >= 0.8  # planted topics: every seed finds them
    across = topics.prevalence_across_seeds(models)
    assert len(across) == N_DOCS * 3 * 3
    spread = across.groupby(["doc_id", "topic"])["weight"].agg(lambda w: w.max() - w.min())
    assert spread.max() < 0.1  # aligned topics give nearly the same shares
    with pytest.raises(ParameterError, match="different k"):
        topics.align_topics([models[0], topics.fit_lda(planted, k=2, no_above=0.9, **FAST)])


def test_nmf_finds_the_same_topics(model3):
    table = topics.compare_nmf(model3)
    assert list(table["lda_topic"]) == [1, 2, 3]
    assert table["jaccard"].min() >= 0.8


def test_topic_map_preserves_three_distances(model3):
    coords = topics.topic_map(model3)
    assert list(coords.columns) == ["topic", "x", "y", "prevalence"]
    assert coords["prevalence"].sum() == pytest.approx(1.0)
    # Three points always embed exactly in the plane, so classical MDS
    # reproduces the Jensen-Shannon divergences as Euclidean distances.
    xy = coords[["x", "y"]].to_numpy()
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    np.testing.assert_allclose(dist, stats.pairwise_jsd(model3.phi()), atol=1e-8)


def test_representative_units_quote_the_text(planted, model3):
    rep = topics.representative_units(model3, planted, n=2)
    assert list(rep["topic"]) == [1, 1, 2, 2, 3, 3]
    texts = dict(zip(planted.paragraph_texts()["doc_id"].astype(str), planted.paragraph_texts()["text"]))
    assert all(row.text == texts[row.doc_id] for row in rep.itertuples())
    assert (rep.groupby("topic")["weight"].apply(lambda w: w.is_monotonic_decreasing)).all()


def test_common_terms_records_what_no_above_drops():
    texts = ["Apple banana cherry. Apple grape.", "Apple hammer wrench.", "Apple hammer cherry.", "Zebra wrench grape."]
    corpus = Corpus([Document(doc_id=f"d{i}", paragraphs=(t,)) for i, t in enumerate(texts)])
    toks = tokenize(corpus, cache=False)
    m = topics.fit_lda(toks, k=2, unit="document", no_below=1, no_above=0.5, **FAST)
    # Document frequencies by hand: apple 3 of 4 (> 0.5 * 4 = 2, dropped); cherry, grape,
    # hammer, wrench 2 each (kept); banana, zebra 1 each (kept with no_below=1).
    assert m.common_terms.to_dict("records") == [{"term": "apple", "n_units": 3, "share": 0.75}]
    assert sorted(m.terms) == ["banana", "cherry", "grape", "hammer", "wrench", "zebra"]
    assert m.units["n_terms"].tolist() == [3, 2, 2, 3]  # d0 keeps banana, cherry, grape


# -- guardrails ------------------------------------------------------------------------
def test_k_above_number_of_units_is_refused(planted_words):
    toks = tokenize(_corpus(planted_words[:3]), cache=False)
    with pytest.raises(ParameterError, match=r"k=4 .*3 document units.*K_VALUES"):
        topics.fit_lda(toks, k=4, unit="document", no_below=1, no_above=1.0)
    with pytest.raises(ParameterError, match="K_VALUES"):
        topics.sweep(toks, k_values=[2, 4], seeds=[0, 1], unit="document", no_below=1, no_above=1.0)


def test_empty_vocabulary_is_refused(planted):
    with pytest.raises(ParameterError, match="NO_BELOW") as err:
        topics.fit_lda(planted, k=3, no_below=1000)
    assert "NO_ABOVE" in str(err.value)


def test_fewer_than_two_units_is_refused(planted_words):
    toks = tokenize(_corpus(planted_words[:1]), cache=False)
    with pytest.raises(ParameterError, match="at least 2"):
        topics.fit_lda(toks, k=2, unit="document")


def test_bad_parameters_are_refused(planted):
    with pytest.raises(ParameterError, match="UNIT"):
        topics.fit_lda(planted, k=3, unit="chapter")
    with pytest.raises(ParameterError, match=">= 2"):
        topics.fit_lda(planted, k=1)
    with pytest.raises(ParameterError, match="NO_ABOVE"):
        topics.fit_lda(planted, k=3, no_above=1.5)
    with pytest.raises(ParameterError, match="SEEDS"):
        topics.sweep(planted, k_values=[3], seeds=[0])


# -- the sweep cache -----------------------------------------------------------------
def test_sweep_cache_reads_back_the_same_tables_and_refits_on_change(planted, tmp_path, monkeypatch):
    args = dict(k_values=[2, 3], seeds=[0, 1], no_above=0.9, n_shuffles=2, **FAST)
    first = topics.sweep(planted, cache=tmp_path, **args)
    files = sorted(tmp_path.glob("*.arrow"))
    assert len(files) == 3  # one entry per corpus: the real one and two shuffles
    assert first.equals(topics.sweep(planted, cache=False, **args))  # caching changes nothing

    fits = []
    real_fit = topics.selection.fit_lda_bow

    def counting_fit(*a, **k):
        fits.append(k["k"])
        return real_fit(*a, **k)

    monkeypatch.setattr(topics.selection, "fit_lda_bow", counting_fit)
    # a hit fits no model at all
    again = topics.sweep(planted, cache=tmp_path, **args)
    pd.testing.assert_frame_equal(again, first)
    assert fits == []
    # one more shuffle fits only that shuffle: 2 k x 2 seeds
    more = topics.sweep(planted, cache=tmp_path, **{**args, "n_shuffles": 3})
    assert len(fits) == 4
    pd.testing.assert_frame_equal(more[more["shuffle"] <= 2].reset_index(drop=True), first)
    # another seed is another entry for every corpus
    fits.clear()
    topics.sweep(planted, cache=tmp_path, **{**args, "seeds": [0, 2]})
    assert len(fits) == 3 * 2 * 2
    monkeypatch.undo()

    # a damaged entry is reported and recomputed, then rewritten whole
    real_entry = next(f for f in files if pd.read_feather(f).equals(first[first["shuffle"] == 0].drop(columns="shuffle").reset_index(drop=True)))
    real_entry.write_bytes(b"not an Arrow file")
    with pytest.warns(CorpusWarning, match="sweeps cache file is corrupt or unreadable"):
        healed = topics.sweep(planted, cache=tmp_path, **args)
    pd.testing.assert_frame_equal(healed, first)
    # a readable table of the wrong size (a truncated write, a foreign file) is refitted too
    first[first["shuffle"] == 0].drop(columns="shuffle").head(2).to_feather(real_entry)
    with pytest.warns(CorpusWarning, match="expected 4 rows, found 2"):
        healed = topics.sweep(planted, cache=tmp_path, **args)
    pd.testing.assert_frame_equal(healed, first)


# -- figures -----------------------------------------------------------------------------
def test_label_layout_does_not_depend_on_machine_speed(monkeypatch):
    # Six labels on one spot must be moved apart. adjustText stops at a time limit unless
    # given an iteration count, so on a loaded machine the layout (and the PNG) changed.
    import adjustText

    coords = pd.DataFrame(
        {"topic": range(1, 7), "x": [0.0, 0.01, 0.0, 0.01, 0.005, 0.2], "y": [0.0, 0.0, 0.01, 0.01, 0.005, 0.2],
         "prevalence": [0.2, 0.2, 0.2, 0.2, 0.1, 0.1]}
    )
    labels = pd.Series({t: f"{t}: a rather long topic label" for t in range(1, 7)})

    def positions():
        fig = topic_plots.plot_topic_map(coords, topic_labels=labels)
        out = [t.get_position() for t in fig.axes[0].texts]
        plt.close(fig)
        return np.array(out)

    fast = positions()
    clock = iter(np.arange(0, 1e6, 5.0))  # every clock reading 5 s after the last: a very slow machine
    monkeypatch.setattr(adjustText, "timer", lambda: next(clock))
    slow = positions()
    np.testing.assert_array_equal(fast, slow)
    moved = np.abs(fast - coords[["x", "y"]].to_numpy()).max(axis=1)
    assert (moved[:5] > 0).any()  # the overlapping labels were moved


def test_k_selection_figure_draws_the_null_band_and_the_rule(planted_sweep):
    ranked = topics.rank_k(planted_sweep)
    fig = topic_plots.plot_k_selection(planted_sweep, ranked)
    stab, npmi, rule = fig.axes[:3]
    # the shuffles' band spans exactly their lowest and highest values at each k
    band = stab.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(ranked["stability_null_low"].min())
    assert band[:, 1].max() == pytest.approx(ranked["stability_null_high"].max())
    heights = [p.get_height() for p in rule.patches]
    np.testing.assert_allclose(heights, ranked["score"])
    assert [p.get_facecolor() for p in rule.patches][1] != [p.get_facecolor() for p in rule.patches][0]  # k=3 chosen
    plt.close(fig)


# -- the shuffled-text null -----------------------------------------------------------
def test_shuffle_keeps_unit_lengths_and_term_counts_exactly(planted):
    bow = topics.prepare_bow(planted, unit="paragraph", no_below=2, no_above=0.9, n_texts=1000)
    shuffled = topics.shuffle_bow(bow, seed=0, label="shuffle 1")
    a, b = bow.counts, shuffled.counts
    assert b.dtype == np.int32 and b.shape == a.shape
    np.testing.assert_array_equal(np.asarray(b.sum(axis=1)).ravel(), np.asarray(a.sum(axis=1)).ravel())
    np.testing.assert_array_equal(np.asarray(b.sum(axis=0)).ravel(), np.asarray(a.sum(axis=0)).ravel())
    assert shuffled.terms == bow.terms and shuffled.units.equals(bow.units)
    assert (a != b).nnz > 0  # the words moved
    # the coherence texts: same length, tokens outside the vocabulary in place, and each
    # text holds exactly the tokens its unit was dealt
    vocab = set(bow.terms)
    for row, (old, new) in enumerate(zip(bow.texts, shuffled.texts)):
        assert len(old) == len(new)
        assert [t for t in old if t not in vocab] == [t for t in new if t not in vocab]
        dealt = {bow.terms[j]: int(c) for j, c in zip(b[row].indices, b[row].data)}
        counted = pd.Series([t for t in new if t in vocab]).value_counts().to_dict()
        assert counted == dealt
    # the shuffle's label and seed fix the permutation
    again = topics.shuffle_bow(bow, seed=0, label="shuffle 1")
    assert (again.counts != b).nnz == 0 and again.texts == shuffled.texts
    assert (topics.shuffle_bow(bow, seed=0, label="shuffle 2").counts != b).nnz > 0
    assert (topics.shuffle_bow(bow, seed=1, label="shuffle 1").counts != b).nnz > 0
    assert (bow.counts != a).nnz == 0  # the original is untouched


def test_shuffle_keeps_out_of_vocabulary_positions(planted_words):
    # "filler" is in every unit, so no_above=0.5 drops it: it stays where it was in every text
    words = [["filler"] + w[:20] for w in planted_words[:12]]
    toks = tokenize(_corpus(words), cache=False)
    bow = topics.prepare_bow(toks, unit="paragraph", no_below=2, no_above=0.5, n_texts=100)
    assert "filler" not in bow.terms and bow.common_terms["term"].iloc[0] == "filler"
    shuffled = topics.shuffle_bow(bow, seed=3)
    assert all(text[0] == "filler" for text in shuffled.texts)
    assert np.array_equal(shuffled.text_rows, np.arange(12))


# -- numbers stay out of topics ---------------------------------------------------------
def test_number_pattern_both_sides():
    numbers = ["2019", "1,000", "3.5", "50%", "$84.07", "10:30", "3.7%", "٢٠١٩"]
    not_numbers = ["1990s", "20th", "g20", "covid-19", "%", "$", ".", "", "x1"]
    assert all(topics.NUMBER_PATTERN.fullmatch(n) for n in numbers)
    assert not any(topics.NUMBER_PATTERN.fullmatch(n) for n in not_numbers)


def test_numbers_are_dropped_by_default_and_the_token_flag_wins():
    texts = [
        "In 2019 trade grew 3.5% and tariffs rose at the G20.",
        "In 2019 tariffs fell and trade grew 3.5% again.",
        "Trade and tariffs in 2019, as at the G20.",
    ]
    corpus = Corpus([Document(doc_id=f"d{i}", paragraphs=(t,)) for i, t in enumerate(texts)])
    toks = tokenize(corpus, cache=False)
    assert topics.number_terms(toks) == {"2019", "3.5%"}
    kept = topics.prepare_bow(toks, unit="document", no_below=2, no_above=1.0, drop_numbers=False).terms
    dropped = topics.prepare_bow(toks, unit="document", no_below=2, no_above=1.0).terms
    assert {"2019", "3.5%"} <= set(kept)
    assert set(kept) - set(dropped) == {"2019", "3.5%"} and "g20" in dropped
    # the tokenizer's own flag, once it exists, decides: here it flags "g20" and not "2019"
    frame = toks.frame.copy()
    frame["is_num"] = frame["lemma"].astype(str).eq("g20")
    flagged = toks.derive(frame, tag="test:is_num")
    assert topics.number_terms(flagged) == {"g20"}
    terms = topics.prepare_bow(flagged, unit="document", no_below=2, no_above=1.0).terms
    assert "g20" not in terms and "2019" in terms


# -- what the corpus can support: both sides of every boundary ----------------------------
def test_feasible_k_caps_at_units_and_terms(planted_words):
    toks = tokenize(_corpus(planted_words[:4]), cache=False)  # 4 documents, one paragraph each
    fk = topics.feasible_k(toks, k_values=[1, 2, 3, 4, 5], unit="document", no_below=1, no_above=1.0)
    assert fk.k_values == [2, 3, 4] and fk.dropped == [1, 5]  # k = units kept, units + 1 dropped
    assert (fk.n_units, fk.reason) == (4, "")
    assert fk.note.startswith("K_VALUES capped: k = 1, 5 left out") and "4 document unit(s)" in fk.note
    # k = the number of units fits; one more is refused by the sweep itself
    sweep = topics.sweep(toks, k_values=[4], seeds=[0, 1], unit="document", no_below=1, no_above=1.0,
                         n_shuffles=1, cache=False, **FAST)
    assert sweep["k"].unique().tolist() == [4]
    with pytest.raises(ParameterError, match="K_VALUES"):
        topics.sweep(toks, k_values=[5], seeds=[0, 1], unit="document", no_below=1, no_above=1.0)
    # the vocabulary caps k too: 3 terms in 6 units
    few = Corpus([Document(doc_id=f"d{i}", paragraphs=(t,)) for i, t in enumerate(
        ["Apple banana.", "Banana cherry.", "Cherry apple.", "Apple banana.", "Banana cherry.", "Cherry apple."])])
    fk = topics.feasible_k(tokenize(few, cache=False), k_values=[2, 3, 4], unit="document", no_below=1, no_above=1.0)
    assert (fk.k_values, fk.n_terms) == ([2, 3], 3)
    # nothing fits: a reason, no exception
    fk = topics.feasible_k(toks, k_values=[5, 6], unit="document", no_below=1, no_above=1.0)
    assert fk.k_values == [] and fk.reason.startswith("No topic model can be fitted: none of K_VALUES = [5, 6]")
    one = tokenize(_corpus(planted_words[:1]), cache=False)
    fk = topics.feasible_k(one, k_values=[2, 3], unit="document")
    assert fk.k_values == [] and "only 1 document unit(s)" in fk.reason
    with pytest.raises(ParameterError, match="UNIT"):
        topics.feasible_k(one, k_values=[2], unit="chapter")


def test_sweep_units_sample_both_sides(planted):
    at = topics.prepare_bow(planted, unit="paragraph", no_below=2, no_above=0.9, max_units=N_DOCS)
    assert len(at.units) == N_DOCS == at.n_units_total  # at the cap: every unit
    below = topics.prepare_bow(planted, unit="paragraph", no_below=2, no_above=0.9, max_units=N_DOCS - 1)
    assert len(below.units) == N_DOCS - 1 and below.n_units_total == N_DOCS
    ids = below.units["unit_id"].tolist()
    assert ids == sorted(ids)  # corpus order kept
    again = topics.prepare_bow(planted, unit="paragraph", no_below=2, no_above=0.9, max_units=N_DOCS - 1)
    assert again.units["unit_id"].tolist() == ids  # a fixed sample
    with pytest.raises(ParameterError, match="SWEEP_UNITS"):
        topics.prepare_bow(planted, unit="paragraph", no_below=2, no_above=0.9, max_units=1)


# -- the seeds do not beat the null -------------------------------------------------------
@pytest.fixture(scope="module")
def seed_tokens():
    return tokenize(load_corpus(ROOT / "seeds"), cache=False)


@pytest.fixture(scope="module")
def seed_ranked(seed_tokens):
    # the notebook's defaults, with 9 shuffles instead of 19 to halve the time
    sweep = topics.sweep(seed_tokens, k_values=[2, 3, 4], seeds=[0, 1, 2], n_shuffles=9, cache=False)
    return topics.rank_k(sweep)


def test_seed_topics_do_not_beat_the_null(seed_ranked):
    assert seed_ranked["n_shuffles"].eq(9).all()
    assert not seed_ranked["beats_null"].any()
    # Coherence is what fails: at every k the topics' top words co-occur LESS than those of
    # topics fitted to words dealt at random (below the shuffles' mean; p_adj >= 0.4).
    # Stability alone can edge above the shuffles at some k (at k = 3 the seeds agree a little
    # more than on any of 9 shuffles, run of 2026-12-04), but not after the max-T adjustment
    # at 5 %, which 9 shuffles cannot reach anyway (p >= 1/10).
    assert (seed_ranked["c_npmi_p_adj"] >= 0.4).all()
    assert (seed_ranked["stability_p_adj"] > 0.05).all()
    assert (seed_ranked["c_npmi_excess"] < 0).all()


def test_notebook_wording_for_the_seeds_names_no_topic(seed_tokens, seed_ranked):
    verdict = topics.null_verdict(seed_ranked)
    assert verdict.tested and not verdict.beats_null and not verdict.topics_are_themes
    assert "do NOT beat the null at the 5 % level" in verdict.sentence and "at least 19" in verdict.sentence
    assert "indistinguishable from noise" in verdict.sentence
    model = topics.fit_lda(seed_tokens, k=verdict.k, seed=0)
    labels = topics.topic_labels(model, verdict, n=3, relevance_lambda=0.6)
    assert labels.tolist() == [f"topic {t}" for t in range(1, verdict.k + 1)]
    title = topics.terms_title(verdict, ranking="probability")
    assert title.startswith("Most probable words of a model indistinguishable from noise") and "not themes" in title
    # a forced K outside K_VALUES was never tested: numbered, not named
    untested = topics.null_verdict(seed_ranked, k=7)
    assert not untested.tested and not untested.beats_null and "Add 7 to K_VALUES" in untested.sentence
    sentence = topics.k_choice_sentence(seed_ranked)
    best = seed_ranked[seed_ranked["chosen"]].iloc[0]
    assert sentence.startswith(f"The rule picks k = {verdict.k}: the largest stability excess over the shuffles "
                               f"({best['score']:+.2f}: {best['stability']:.2f} against {best['stability_null']:.2f})")
    assert "among all k values (none beats the null)" in sentence


# -- three genres: the rule picks 3 ------------------------------------------------------------
_CONSONANTS, _VOWELS = "bdfgklmnprtvz", "aeiou"


def _pseudo_words(n: int, rng, taken: set) -> list[str]:
    out = []
    while len(out) < n:
        w = "".join(rng.choice(list(_CONSONANTS)) + rng.choice(list(_VOWELS)) for _ in range(3))
        if w not in taken:
            taken.add(w)
            out.append(w)
    return out


def _three_genres(seed: int = 0) -> tuple[Corpus, list[list[str]]]:
    """Three made-up genres: 12 documents each, 2-5 paragraphs of 8-150 words (median 35).

    Each genre has its own 150-word vocabulary with Zipf frequencies (s = 1.1),
    and 40 function-like words shared by all (Zipf, s = 1) make up 30 % of
    every paragraph; 5 % of a paragraph's words come from the other genres.
    """
    rng = np.random.default_rng(seed)
    taken: set[str] = set()
    vocabs = [_pseudo_words(150, rng, taken) for _ in range(3)]
    shared = _pseudo_words(40, rng, taken)
    p_genre = 1.0 / np.arange(1, 151) ** 1.1
    p_genre /= p_genre.sum()
    p_shared = 1.0 / np.arange(1, 41)
    p_shared /= p_shared.sum()
    docs = []
    for g in range(3):
        others = [o for o in range(3) if o != g]
        for d in range(12):
            paragraphs = []
            for _ in range(rng.integers(2, 6)):
                n = int(np.clip(rng.lognormal(np.log(35), 0.5), 8, 150))
                words = []
                for src in rng.choice(4, size=n, p=[0.65, 0.30, 0.025, 0.025]):
                    if src == 1:
                        words.append(shared[rng.choice(40, p=p_shared)])
                    else:
                        words.append(vocabs[[g, g, *others][src]][rng.choice(150, p=p_genre)])
                paragraphs.append(" ".join(" ".join(words[j:j + 12]).capitalize() + "." for j in range(0, n, 12)))
            docs.append(Document(doc_id=f"g{g}d{d:02d}", author=f"genre {g}", paragraphs=tuple(paragraphs)))
    return Corpus(docs), vocabs


def test_three_synthetic_genres_beat_the_null_at_k_3():
    corpus, vocabs = _three_genres()
    toks = tokenize(corpus, cache=False)
    lengths = toks.units("paragraph")["n_tokens"]
    assert len(lengths) > 100 and lengths.min() < 20 and lengths.max() > 70  # realistic, varied paragraphs
    sweep = topics.sweep(toks, k_values=[2, 3, 4, 5], seeds=[0, 1, 2], passes=5, n_shuffles=4, cache=False)
    ranked = topics.rank_k(sweep, level=0.2).set_index("k")
    assert topics.choose_k(sweep, level=0.2) == 3
    assert ranked.at[3, "beats_null"]  # above all 4 shuffles on both measures: p = 0.2, all 4 can show
    # not the grid's edge, and not by raw stability alone: the shuffles' stability is highest at k = 2
    assert ranked["stability_null"].idxmax() == 2
    # Each genre's ten most frequent words against each topic's top 10 (shared words take a
    # few places): two of three seeds find all three genres; seed 0 ends in a local optimum
    # that merges two genres and splits the third, which is what stability measures.
    models = topics.fit_lda_seeds(toks, k=3, seeds=[0, 1, 2], passes=5)
    worst = [min(j for _, _, j in stats.match_topics([v[:10] for v in vocabs], m.term_sets(10))) for m in models]
    assert worst[0] == 0.0 and min(worst[1:]) >= 0.6


def _dist_name(folder: str) -> str:
    """``numpy-2.3.1.dist-info`` -> ``numpy`` (PEP 503 normalised)."""
    return re.sub(r"[-_.]+", "-", folder.removesuffix(".dist-info").rsplit("-", 1)[0]).lower()


def _installed_by_make() -> set[str]:
    """The distributions ``make`` installs (corpus_tools with its test, bench and dask extras, transitively).

    The licence genre is read from these only, so the corpus is the same in every
    clean clone, whatever else a developer installed into the venv.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    todo, seen = [("corpus_tools", {"test", "bench", "dask"})], set()
    while todo:
        name, extras = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        for line in dist.requires or []:
            req = Requirement(line)
            env = [{"extra": e} for e in (extras or {""})]
            if req.marker is None or any(req.marker.evaluate(e) for e in env):
                todo.append((req.name, set(req.extras)))
    return seen


def _real_genre_documents(n: int = 25, words: int = 300) -> Corpus:
    """Three genres of real English, read where the project is installed; documents cut to ``words`` words.

    UN General Debate speeches (the repository's CC0 fixture), docstrings of
    Python's standard library modules (PSF licence), and the licence texts in
    the installed packages' metadata (each under its own terms; read in
    place, never copied). Each genre gets its first ``n`` documents of at
    least ``words`` words, in sorted order, so the genres are balanced in
    tokens.
    """

    def cut(paragraphs):
        out, total = [], 0
        for p in paragraphs:
            w = p.split()[: words - total]
            if w:
                out.append(" ".join(w))
                total += len(w)
        return out, total

    def take(groups, genre):
        docs = []
        for doc_id, paragraphs in groups:
            kept, total = cut(paragraphs)
            if total >= words:
                docs.append(Document(doc_id=f"{genre}_{len(docs):02d}_{doc_id}", author=genre, paragraphs=tuple(kept)))
            if len(docs) == n:
                break
        return docs

    un = load_corpus(ROOT / "tests" / "fixtures" / "ungdc200", columns={"author": "country_iso", "date": "year"})
    speeches = [(d.doc_id.replace("/", "_"), d.paragraphs) for d in un.documents]
    modules = []
    for f in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        paragraphs = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node):
                paragraphs += [" ".join(p.split()) for p in re.split(r"\n\s*\n", ast.get_docstring(node))
                               if ">>>" not in p and len(p.split()) >= 8]
        modules.append((f.stem, paragraphs))
    licences, seen = [], set()
    site = Path(sysconfig.get_paths()["purelib"])
    installed = _installed_by_make()
    for f in sorted(site.glob("*.dist-info/**/*")):
        if not (f.is_file() and re.search(r"licen[sc]e|copying", f.name, re.I)):
            continue
        if _dist_name(f.relative_to(site).parts[0]) not in installed:
            continue  # a package installed by hand here and absent in CI would change the corpus
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        paragraphs = []
        for p in re.split(r"\n\s*\n", text):  # the same clause in many licences counts once
            key = re.sub(r"\W+", " ", p.lower()).strip()
            if len(p.split()) >= 8 and key not in seen:
                seen.add(key)
                paragraphs.append(" ".join(p.split()))
        licences.append((f.parent.name, paragraphs))
    return Corpus(take(speeches, "un") + take(modules, "py") + take(licences, "licence"))


def test_three_real_genres_give_k_3():
    corpus = _real_genre_documents()
    sizes = pd.Series([d.author for d in corpus.documents]).value_counts()
    assert sizes["un"] == sizes["py"] == 25 and sizes["licence"] >= 15
    toks = tokenize(corpus, cache=False)
    sweep = topics.sweep(toks, k_values=[2, 3, 4, 5], seeds=[0, 1, 2], unit="document", n_shuffles=4, cache=False)
    ranked = topics.rank_k(sweep, level=0.2).set_index("k")
    assert topics.choose_k(sweep, level=0.2) == 3
    assert ranked.at[3, "beats_null"]  # above all 4 shuffles on both measures: p = 0.2, all 4 can show
    # the seeds agree well beyond the shuffles (all three seeds had identical top-10 lists in one
    # run, two of three in another: gensim's result moves with the BLAS threads and the packages
    # installed, so the test asks for the margin, not the exact value)
    assert ranked.at[3, "stability"] >= 0.6 and ranked.at[3, "stability"] > ranked.at[3, "stability_null_high"]
    # the bias the rule removes: shuffled text is most stable at the grid's edge, k = 2
    assert ranked["stability_null"].idxmax() == 2


# -- notebook 01 on corpora that leave little or nothing to model ----------------------------
def _write_corpus(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


# Seed 003 has no dateline, title or byline, so documents cut from it are undated.
SEED_PARAGRAPHS = [p for p in (ROOT / "seeds" / "003_5eb096638f5dd82a.txt").read_text(encoding="utf-8").split("\n\n")
                   if p.strip()]


@pytest.mark.parametrize(
    "case, texts, expect",
    [
        ("one document", {"only": "Trade and tariffs grew. Tariffs and trade fell."},
         ["No topic model can be fitted: only 1 paragraph unit(s)"]),
        ("all stopwords", {"a": "The and of to in.\n\nIt is the one.", "b": "And the to of.\n\nIn it is."},
         ["No topic model can be fitted: no term is left after filtering"]),
        # two undated documents of two paragraphs: 4 units, so k = 5 and 6 cannot be fitted
        ("two undated documents", {"a": "\n\n".join(SEED_PARAGRAPHS[3:5]), "b": "\n\n".join(SEED_PARAGRAPHS[6:9:2])},
         ["K_VALUES capped: k = 5, 6 left out", "No document has a date", "do NOT beat the null"]),
    ],
)
def test_notebook_01_runs_to_the_end_on_a_degenerate_corpus(tmp_path, case, texts, expect):
    import nbformat

    from corpus_tools.report import run_notebooks

    corpus = _write_corpus(tmp_path / "corpus", texts)
    assert run_notebooks(corpus=str(corpus), out=tmp_path / "out", only=["01"], progress=False) == 0
    nb = nbformat.read(tmp_path / "out" / "notebooks" / "01-topics.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert all(c.execution_count is not None for c in code)
    printed = "\n".join(o.get("text", "") for c in code for o in c.outputs if o.output_type == "stream")
    for sentence in expect:
        assert sentence in printed, printed[:3000]
