"""The Dask engine against the memory engine on the 200-speech UN slice.

Every test here starts its own in-process ``LocalCluster`` (two worker
processes), so ``make test`` needs no running cluster. The slice is cut into
partitions of ~200 KB of text (5 partitions), so every reduction really adds
counts from several workers; the results must equal the in-memory path:
integers exactly, floats to 1e-12 (in practice bit for bit: the statistics
are the same code on the same counts).
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

from corpus_tools import compare, keywords, load_corpus, tokenize  # noqa: E402
from corpus_tools import distributed as dist  # noqa: E402
from corpus_tools.corpus import plan_partitions  # noqa: E402
from corpus_tools.errors import CorpusWarning  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SLICE = ROOT / "tests" / "fixtures" / "ungdc200"
COLUMNS = {"author": "country_iso", "date": "year"}
P5 = ["CHN", "FRA", "GBR", "RUS", "USA"]
TERMS = {"peace": ["peace"], "security": ["security", "secure"], "development": ["development"],
         "united nations": ["united nations"]}


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           memory_limit="1GB")
    c = Client(cluster, set_as_default=False)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def memory():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus = load_corpus(SLICE, columns=COLUMNS)
    return tokenize(corpus, cache=False, progress=False)


@pytest.fixture(scope="module")
def parted(client, tmp_path_factory):
    plan = plan_partitions(SLICE, columns=COLUMNS, partition_bytes=200_000)
    assert len(plan.partitions) == 5 and len(plan) == 200
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the slice is clean: no warning from any worker either
        pt = dist.tokenize_partitioned(plan, client=client, cache=tmp_path_factory.mktemp("ds"), progress=False)
    return pt


def test_partitions_read_back_as_slices_of_the_memory_table(memory, parted):
    assert parted.n_partitions == 5 and len(parted) == len(memory)
    frames = [parted.frame(i) for i in range(parted.n_partitions)]
    # codes agree across partitions: every partition carries the global categories
    for col in ("token", "norm", "lemma", "compound", "actor", "doc_id"):
        for f in frames:
            assert f[col].cat.categories.equals(memory.frame[col].cat.categories)
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), memory.frame)
    for name, table in (("sentences", memory.sentences), ("paragraphs", memory.paragraph_texts())):
        parts = [parted.table(i, name) for i in range(parted.n_partitions)]
        pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), table)
    pd.testing.assert_frame_equal(parted.docs, memory.docs)
    # a partition as a Tokens of its own documents
    first = parted.partition(0)
    n0 = len(first.docs)
    assert first.doc_ids == memory.doc_ids[:n0]
    assert first.frame["doc_id"].astype(str).tolist() == frames[0]["doc_id"].astype(str).tolist()


def test_dataset_as_dask_dataframe_and_reused_from_its_folder(memory, parted, client):
    ddf = parted.to_dask()
    assert ddf.npartitions == parted.n_partitions
    counts = ddf.groupby("lemma", observed=True).size().compute(scheduler=client.get)
    expect = memory.frame.groupby("lemma", observed=True).size()
    pd.testing.assert_series_equal(counts.sort_index(), expect.sort_index(), check_names=False)
    again = dist.tokenize_partitioned(plan_partitions(SLICE, columns=COLUMNS, partition_bytes=200_000),
                                      client=client, cache=parted.folder.parent, progress=False)
    assert again.folder == parted.folder


@pytest.mark.parametrize("by,column,drop", [("doc_id", "lemma", True), ("author", "norm", False), (None, "lemma", True)])
def test_frequencies_equal(memory, parted, client, by, column, drop):
    a = keywords.frequencies(memory, by=by, column=column, drop_stopwords=drop)
    b = dist.frequencies(parted, by=by, column=column, drop_stopwords=drop, client=client, progress=False)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize("by", ["date", "year", "author"])
def test_trends_equal(memory, parted, client, by):
    a = keywords.trend(memory, TERMS, by=by)
    b = dist.trend(parted, TERMS, by=by, client=client, progress=False)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=0, atol=1e-12)
    assert (a["count"] == b["count"]).all() and a["count"].sum() > 100


def test_group_and_document_counts_equal(memory, parted, client):
    a = compare.group_term_counts(memory, by="author", column="lemma", drop_stopwords=True, min_count=3)
    b = dist.group_term_counts(parted, by="author", column="lemma", drop_stopwords=True, min_count=3, client=client,
                               progress=False)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
        assert x.dtype == y.dtype
    a = compare.doc_term_counts(memory, column="lemma", drop_stopwords=True, min_count=3)
    b = dist.doc_term_counts(parted, column="lemma", drop_stopwords=True, min_count=3, client=client, progress=False)
    assert (a.counts != b.counts).nnz == 0 and a.counts.shape == b.counts.shape and b.counts.dtype == np.int64
    for x, y in zip(a[1:], b[1:]):
        np.testing.assert_array_equal(x, y)


@pytest.fixture(scope="module")
def p5(client, tmp_path_factory):
    """The five permanent members' speeches: selected on the workers (plan's ``where``) and in memory."""
    corpus = load_corpus(SLICE, columns=COLUMNS).select(where={"author": P5})
    plan = plan_partitions(SLICE, columns=COLUMNS, partition_bytes=200_000, where={"author": P5})
    pt = dist.tokenize_partitioned(plan, client=client, cache=tmp_path_factory.mktemp("p5"), progress=False)
    return tokenize(corpus, cache=False, progress=False), pt


def test_selection_on_the_workers_equals_the_memory_selection(p5):
    memory, parted = p5
    assert len(parted.docs) == len(memory.docs) >= 15
    frames = [parted.frame(i) for i in range(parted.n_partitions)]
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), memory.frame)
    pd.testing.assert_frame_equal(parted.docs, memory.docs)


@pytest.mark.parametrize("test", ["tokens", "permutation"])
def test_distinctive_terms_equal(p5, client, test):
    # log-odds z, G², log ratio and the test's p-values, permanent members against each other
    memory, parted = p5
    kw = dict(by="author", min_count=5, test=test, n_resamples=199)
    a = compare.distinctive_terms(memory, **kw)
    b = dist.distinctive_terms(parted, client=client, progress=False, **kw)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=0, atol=1e-12)
    assert (a["count"] == b["count"]).all() and a["g2"].max() > 10 and len(a) > 1000


def test_distinctive_terms_on_all_groups_with_token_tests(memory, parted, client):
    a = compare.distinctive_terms(memory, by="author", min_count=3, test="tokens")
    b = dist.distinctive_terms(parted, by="author", min_count=3, test="tokens", client=client, progress=False)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=0, atol=1e-12)


def test_bad_input_names_its_partition(client, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    for i in range(6):
        (folder / f"doc{i}.txt").write_text(f"Peace and security number {i}.\n\nA second paragraph.", encoding="utf-8")
    (folder / "doc3.txt").write_bytes(b"\xff\xfe not utf-8 \x00\x00")
    plan = plan_partitions(folder, metadata=False, partition_bytes=50)
    with pytest.warns(CorpusWarning, match=r"doc3\.txt"):
        pt = dist.tokenize_partitioned(plan, client=client, cache=False, progress=False)
    try:
        # the partition that holds doc3.txt is left out whole, and named; the others are there
        (failed,) = pt.index["failed"]
        assert "doc3.txt" in failed["sources"] and failed["message"]
        left = {f"doc{i}" for i in range(6)} - {Path(f).stem for f in failed["sources"]}
        assert set(pt.docs["doc_id"]) == left and len(left) >= 4
    finally:
        pt.remove()


def test_streamed_lda_equals_the_memory_training(memory, parted):
    from corpus_tools import topics
    from corpus_tools.distributed.lda import fit_lda_streaming

    options = dict(no_below=3, no_above=0.5)
    bow = topics.prepare_bow(memory, unit="paragraph", **options)
    fitted = topics.fit_lda_bow(bow, k=4, seed=7, passes=2, iterations=50, chunksize=300)
    model, dictionary = fit_lda_streaming(parted, k=4, unit="paragraph", seed=7, passes=2, iterations=50,
                                          chunksize=300, **options)
    assert dictionary.token2id == bow.dictionary.token2id
    np.testing.assert_allclose(model.get_topics(), fitted.model.get_topics(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.alpha, fitted.model.alpha, rtol=0, atol=1e-12)
    assert [t for t, _ in model.show_topic(0, 10)] == [t for t, _ in fitted.model.show_topic(0, 10)]


def test_the_switch_is_checked_before_anything_runs(tmp_path):
    from corpus_tools.cli import build_parser
    from corpus_tools.errors import ParameterError
    from corpus_tools.report import run_notebooks

    args = build_parser().parse_args(["run", "--engine", "dask", "--scheduler", "tcp://10.0.0.5:8786"])
    assert (args.engine, args.scheduler) == ("dask", "tcp://10.0.0.5:8786")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--engine", "gpu"])
    with pytest.raises(ParameterError, match="engine='gpu'"):
        run_notebooks(engine="gpu", out=tmp_path / "out", progress=False)
    with pytest.raises(ParameterError, match="--scheduler"):
        run_notebooks(scheduler="tcp://10.0.0.5:8786", out=tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_notebook_engine_runs_the_same_tables(memory, parted, client):
    from corpus_tools.notebook import AnalysisEngine, analysis_engine

    assert analysis_engine("memory").dataset is None
    engine = AnalysisEngine("dask", parted)
    with client.as_current():  # the notebook's get_client() finds this cluster
        pd.testing.assert_frame_equal(engine.frequencies(memory, by="year"), keywords.frequencies(memory, by="year"))
        derived = memory.derive(memory.frame, tag="authorial")  # a derived table is counted in memory
        pd.testing.assert_frame_equal(engine.frequencies(derived, by=None), keywords.frequencies(derived, by=None))
