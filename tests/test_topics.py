"""Tests for corpus_tools.topics (and its figures): a planted-topic corpus through the real tokenizer.

The planted corpus has three disjoint 15-word vocabularies (fruit, tools,
animals). Every document draws 85 % of its words from one vocabulary and
15 % from the other two, with the first 10 words of each vocabulary
carrying 90 % of its mass, so the "true" top-10 of each topic is known.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from corpus_tools import CorpusWarning, ParameterError, stats, tokenize, topics
from corpus_tools.corpus import Corpus, Document
from corpus_tools.plots import topics as topic_plots

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
    return topics.sweep(planted, k_values=[2, 3, 4, 5], seeds=[0, 1, 2], no_above=0.9, **FAST)


# -- the tokenizer keeps the made-up vocabulary intact ------------------------------
def test_planted_words_survive_tokenization(planted):
    ids, bags = planted.bags(unit="paragraph")
    seen = {w for bag in bags for w in bag}
    assert seen == {w for v in VOCABS for w in v}  # none dropped as a stopword, none merged by lemmatizing
    assert len(ids) == N_DOCS and all(len(b) == N_WORDS for b in bags)


# -- choosing k and recovering the planted topics ------------------------------------
def test_sweep_shape_and_ranges(planted_sweep):
    assert list(planted_sweep.columns) == ["k", "seed", "c_v", "c_npmi", "u_mass", "stability"]
    assert len(planted_sweep) == 4 * 3
    pairs = list(zip(planted_sweep["k"], planted_sweep["seed"]))
    assert pairs == [(k, s) for k in (2, 3, 4, 5) for s in (0, 1, 2)]
    assert planted_sweep["stability"].between(0, 1).all()
    assert (planted_sweep["u_mass"] <= 0).all()
    assert planted_sweep["c_npmi"].between(-1, 1).all()


def test_sweep_picks_planted_k(planted_sweep):
    assert topics.choose_k(planted_sweep) == 3
    ranked = topics.rank_k(planted_sweep).set_index("k")
    # Every seed finds the same three top-10 lists at k=3 (the planted cores).
    assert ranked.at[3, "stability_mean"] == pytest.approx(1.0)
    assert ranked["c_npmi_mean"].idxmax() == 3


def test_fit_recovers_planted_topics(model3):
    cores = [v[:10] for v in VOCABS]
    pairs = stats.match_topics(cores, model3.term_sets(10))
    assert len(pairs) == 3
    assert min(j for _, _, j in pairs) >= 0.8
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


# -- choosing k: the rule on a hand-made sweep ----------------------------------------
def test_rank_k_rule_by_hand():
    # k=2: npmi 0.10, stab 0.90; k=3: 0.20, 0.80; k=4: 0.30, 0.40 (two seeds, equal values).
    # z over k (population SD): npmi -> (-1.2247, 0, 1.2247);
    # stability mean 0.7, SD sqrt((0.04+0.01+0.09)/3)=0.21602 -> (0.9258, 0.4629, -1.3887).
    # score: (-0.2989, 0.4629, -0.1640) -> k=3.
    rows = [
        dict(k=k, seed=s, c_v=0.5, c_npmi=n, u_mass=-1.0, stability=st)
        for k, n, st in [(2, 0.1, 0.9), (3, 0.2, 0.8), (4, 0.3, 0.4)]
        for s in (0, 1)
    ]
    ranked = topics.rank_k(pd.DataFrame(rows))
    np.testing.assert_allclose(ranked["score"], [-0.2989, 0.4629, -0.1640], atol=1e-4)
    assert topics.choose_k(pd.DataFrame(rows)) == 3
    # A tie goes to the smaller k.
    tie = pd.DataFrame([dict(k=k, seed=0, c_v=0, c_npmi=0, u_mass=0, stability=0.5) for k in (4, 2, 3)])
    assert topics.choose_k(tie) == 2


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
def test_sweep_cache_reads_back_the_same_table_and_refits_on_change(planted, tmp_path, monkeypatch):
    args = dict(k_values=[2, 3], seeds=[0, 1], no_above=0.9, **FAST)
    first = topics.sweep(planted, cache=tmp_path, **args)
    files = list(tmp_path.glob("*.arrow"))
    assert len(files) == 1
    assert first.equals(topics.sweep(planted, cache=False, **args))  # caching changes nothing

    # a hit fits no model at all
    def no_fit(*a, **k):
        raise AssertionError("refitted a model on a cache hit")

    monkeypatch.setattr(topics.selection, "fit_lda_bow", no_fit)
    again = topics.sweep(planted, cache=tmp_path, **args)
    pd.testing.assert_frame_equal(again, first)
    # any parameter change is a different entry, so it fits again
    with pytest.raises(AssertionError, match="refitted"):
        topics.sweep(planted, cache=tmp_path, **{**args, "seeds": [0, 2]})
    monkeypatch.undo()

    # a damaged entry is reported and recomputed, then rewritten whole
    files[0].write_bytes(b"not an Arrow file")
    with pytest.warns(CorpusWarning, match="sweeps cache file is corrupt or unreadable"):
        healed = topics.sweep(planted, cache=tmp_path, **args)
    pd.testing.assert_frame_equal(healed, first)
    pd.testing.assert_frame_equal(pd.read_feather(files[0]), first)
    # a readable table of the wrong size (a truncated write, a foreign file) is refitted too
    first.head(2).to_feather(files[0])
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
