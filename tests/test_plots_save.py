"""Saving figures and reusing unchanged ones (``corpus_tools/plots/save.py``).

A figure is drawn again exactly when something it is drawn from changes:
its data, an option, the rcParams, the code. These tests call real plot
functions with figure reuse switched on (``$CORPUS_TOOLS_FIGURE_CACHE=1``)
and a fresh cache folder each, and count what the cache holds.
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from corpus_tools.errors import CorpusWarning
from corpus_tools.plots import ReusableFigure, save_figure
from corpus_tools.plots.corpus import plot_lengths, plot_term_counts
from corpus_tools.plots.save import FIGURE_CACHE_ENV, figure_key, reuse_enabled

ROOT = Path(__file__).resolve().parents[1]

DOCS = pd.DataFrame({
    "doc_id": ["a", "b", "c"],
    "title": ["One", "Two", "Three"],
    "author": ["X", "Y", "Z"],
    "n_paragraphs": [3, 5, 8],
    "n_words": [300, 520, 810],
    "date": ["2014-01-02", "2016", "2019-05"],
    "date_precision": ["day", "year", "month"],
})


@pytest.fixture
def reuse(tmp_path, monkeypatch):
    """Figure reuse on, with its own cache folder; yields the figure store's folder."""
    monkeypatch.setenv(FIGURE_CACHE_ENV, "1")
    monkeypatch.setenv("CORPUS_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    yield tmp_path / "cache" / "figures"
    plt.close("all")


def entries(folder: Path) -> set[str]:
    """The keys stored in the figure cache (each has a .png and an .svg)."""
    return {p.name.split(".")[0] for p in folder.glob("*.figure.png")} if folder.exists() else set()


def test_an_unchanged_figure_is_written_from_the_cache_without_drawing(reuse, tmp_path):
    first = plot_lengths(DOCS)
    assert isinstance(first, ReusableFigure)
    saved = save_figure(first, "lengths", directory=tmp_path / "a")
    assert saved.drawn is True
    assert len(entries(reuse)) == 1

    again = plot_lengths(DOCS.copy())  # equal content, another object
    assert repr(again) == "<figure of plot_lengths (stored)>"  # the function was not called
    saved2 = save_figure(again, "lengths", directory=tmp_path / "b")
    assert saved2.drawn is False
    assert len(entries(reuse)) == 1
    for fmt in ("png", "svg"):
        assert (tmp_path / "a" / f"lengths.{fmt}").read_bytes() == (tmp_path / "b" / f"lengths.{fmt}").read_bytes()


def test_the_stored_bytes_equal_a_plain_drawing(reuse, tmp_path, monkeypatch):
    save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path / "a")
    save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path / "b")  # from the cache
    monkeypatch.setenv(FIGURE_CACHE_ENV, "0")
    plain = plot_lengths(DOCS)
    assert isinstance(plain, matplotlib.figure.Figure)
    save_figure(plain, "lengths", directory=tmp_path / "c")
    for fmt in ("png", "svg"):
        assert (tmp_path / "b" / f"lengths.{fmt}").read_bytes() == (tmp_path / "c" / f"lengths.{fmt}").read_bytes()


@pytest.mark.parametrize("change", ["one cell", "a column name", "a dtype", "the row order", "an option"])
def test_any_change_of_what_is_drawn_draws_again(reuse, tmp_path, change):
    save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path)
    docs, kwargs = DOCS.copy(), {}
    if change == "one cell":
        docs.loc[1, "n_words"] = 521
    elif change == "a column name":
        docs = docs.rename(columns={"note": "x"}).assign(extra=1)
    elif change == "a dtype":
        docs["n_words"] = docs["n_words"].astype("float64")
    elif change == "the row order":
        docs = docs.iloc[[1, 0, 2]]
    if change == "an option":
        fig = plot_term_counts(pd.DataFrame({"term": ["a", "b"], "per_1k": [3.0, 2.0]}), title="T")
        save_figure(fig, "terms", directory=tmp_path)
        fig = plot_term_counts(pd.DataFrame({"term": ["a", "b"], "per_1k": [3.0, 2.0]}), title="U")
        assert save_figure(fig, "terms", directory=tmp_path).drawn is True
        assert len(entries(reuse)) == 3
        return
    assert save_figure(plot_lengths(docs), "lengths", directory=tmp_path).drawn is True
    assert len(entries(reuse)) == 2


def test_rcparams_are_part_of_the_key(reuse, tmp_path):
    save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path)
    with matplotlib.rc_context({"lines.linewidth": 3.0}):  # not a house-style key: use_style keeps it
        assert save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path).drawn is True
    # the house style's own keys are reset by use_style, so they do not split the cache
    with matplotlib.rc_context({"font.size": 30}):
        assert save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path).drawn is False


def test_a_touched_figure_is_drawn_and_never_stored(reuse, tmp_path):
    fig = plot_lengths(DOCS)
    fig.suptitle("changed by the notebook")  # any attribute use draws and marks it
    saved = save_figure(fig, "lengths", directory=tmp_path)
    assert saved.drawn is True
    assert entries(reuse) == set()
    # a stored figure that is touched is drawn, not served from the cache
    save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path / "x")
    fig = plot_lengths(DOCS)
    fig.axes[0].set_title("mine")
    assert save_figure(fig, "lengths", directory=tmp_path / "y").drawn is True
    assert (tmp_path / "x" / "lengths.png").read_bytes() != (tmp_path / "y" / "lengths.png").read_bytes()


def test_reuse_is_off_outside_a_kernel_unless_asked(monkeypatch):
    monkeypatch.delenv(FIGURE_CACHE_ENV, raising=False)
    assert reuse_enabled() is False  # pytest is not a Jupyter kernel
    assert isinstance(plot_lengths(DOCS), matplotlib.figure.Figure)
    monkeypatch.setenv(FIGURE_CACHE_ENV, "1")
    assert reuse_enabled() is True
    monkeypatch.setenv(FIGURE_CACHE_ENV, "0")
    assert reuse_enabled() is False
    plt.close("all")


def test_an_argument_without_a_fingerprint_turns_reuse_off_for_that_call(reuse):
    assert figure_key(plot_lengths.__wrapped__, (DOCS,), {}) is not None
    assert figure_key(plot_lengths.__wrapped__, (DOCS,), {"ax": object()}) is None
    lists = DOCS.assign(tags=[["a"], ["b"], []])  # a column of lists cannot be hashed by pandas
    assert figure_key(plot_lengths.__wrapped__, (lists,), {}) is None
    assert isinstance(plot_lengths(lists), matplotlib.figure.Figure)


def test_a_damaged_stored_figure_is_drawn_again_with_a_warning(reuse, tmp_path):
    save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path / "a")
    (key,) = entries(reuse)
    (reuse / f"{key}.figure.png").write_bytes(b"not a png")
    with pytest.warns(CorpusWarning, match=r"figure\.png: figures cache file is corrupt or unreadable"):
        saved = save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path / "b")
    assert saved.drawn is True
    assert (reuse / f"{key}.figure.png").read_bytes().startswith(b"\x89PNG")  # stored anew
    assert (tmp_path / "a" / "lengths.png").read_bytes() == (tmp_path / "b" / "lengths.png").read_bytes()


def test_an_unwritable_cache_still_saves_the_figure(reuse, tmp_path):
    reuse.parent.mkdir(parents=True)
    reuse.write_text("a file where the folder should be")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saved = save_figure(plot_lengths(DOCS), "lengths", directory=tmp_path / "out")
    assert saved.drawn is True and (tmp_path / "out" / "lengths.png").exists()
    assert any("cannot write the figures cache" in str(w.message) for w in caught)


def test_a_rerun_redraws_exactly_the_figures_whose_inputs_changed(tmp_path, monkeypatch):
    """Notebook 00 on a copy of the seeds, three times: as is, again, and with one paragraph added.

    The unchanged rerun draws nothing. Adding a paragraph to one article
    changes its length, its tokens and the term counts, but not its date:
    the timeline is reused and the length figure is drawn again.
    """
    from corpus_tools.report import run_notebooks

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    cache = tmp_path / "cache"
    monkeypatch.setenv("CORPUS_TOOLS_CACHE_DIR", str(cache))
    monkeypatch.delenv(FIGURE_CACHE_ENV, raising=False)  # the kernels decide: on, being kernels
    store = cache / "figures"

    def run(out: str) -> dict[str, bytes]:
        assert run_notebooks(corpus=corpus, out=tmp_path / out, only=["00"], progress=False) == 0
        return {p.name: p.read_bytes() for p in (tmp_path / out / "figures").glob("00-*.png")}

    first = run("first")
    stored = {p.read_bytes(): p for p in store.glob("*.figure.png")}
    assert set(first) == {"00-lengths.png", "00-timeline.png", "00-token-stats.png", "00-top-lemmas.png",
                          "00-actors.png"}
    assert len(stored) == 5 and set(stored) == set(first.values())

    second = run("second")
    assert second == first
    assert len(list(store.glob("*.figure.png"))) == 5  # nothing drawn

    doc = corpus / "003_5eb096638f5dd82a.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n\nRussia and China agreed on trade and security "
                   "and energy again, said the ministers of both sides.\n", encoding="utf-8")
    third = run("third")
    drawn = {name for name, png in third.items() if png not in stored}
    new_entries = {p.read_bytes() for p in store.glob("*.figure.png")} - set(stored)
    assert {"00-lengths.png", "00-token-stats.png"} <= drawn
    assert "00-timeline.png" not in drawn and third["00-timeline.png"] == first["00-timeline.png"]
    assert new_entries == {third[name] for name in drawn}
