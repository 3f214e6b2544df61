"""The run machinery without executing notebooks: parameters, cleaning, HTML, manifest."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest

from corpus_tools.errors import ParameterError
from corpus_tools.plots import save_figure
from corpus_tools.report import (
    clean_notebook,
    discover_notebooks,
    load_params,
    notebook_parameters,
    render_html,
)
from corpus_tools.report.run import ORPHAN_AGE, sweep_orphans, write_manifest

ROOT = Path(__file__).resolve().parents[1]


def test_load_params_yaml(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(
        "corpus: /data/x\n"
        "common:\n  SELECT_WHERE: {country_iso: [CHN, RUS]}\n  DATE_FROM: '1970'\n"
        "notebooks:\n  1: {K_VALUES: [5, 10]}\n"
        "GROUP_BY: country_iso\n"
    )
    corpus, common, per = load_params(f)
    assert corpus == "/data/x"
    assert common == {"SELECT_WHERE": {"country_iso": ["CHN", "RUS"]}, "DATE_FROM": "1970", "GROUP_BY": "country_iso"}
    assert per == {"01": {"K_VALUES": [5, 10]}}


def test_load_params_refuses_object_tags_and_unknown_keys(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("common: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_params(f)
    f.write_text("corpuss: x\n")
    with pytest.raises(ParameterError, match=r"unknown top-level key\(s\) \['corpuss'\]"):
        load_params(f)


def test_notebook_parameters_reads_the_tagged_cell():
    params = notebook_parameters(ROOT / "notebooks" / "00-corpus.ipynb")
    assert list(params)[:6] == ["CORPUS", "LOAD_OPTIONS", "SELECT_WHERE", "DATE_FROM", "DATE_TO", "N_JOBS"]
    assert params["CORPUS"] == "None"


def test_every_notebook_has_the_shared_selection_parameters():
    for path in discover_notebooks(ROOT / "notebooks"):
        params = notebook_parameters(path)
        for name in ("CORPUS", "LOAD_OPTIONS", "SELECT_WHERE", "DATE_FROM", "DATE_TO"):
            assert name in params, f"{path.name} lacks {name}"


def test_discover_only_unknown_number(tmp_path):
    (tmp_path / "00-a.ipynb").write_text("{}")
    with pytest.raises(ParameterError, match=r"--only \['07'\]: no such notebook"):
        discover_notebooks(tmp_path, ["7"])


def _executed_like_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00", "duration": 1.2}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    md = nbformat.v4.new_markdown_cell("# Title\n\nFirst sentence here. Second one.")
    c1 = nbformat.v4.new_code_cell("answer_value", execution_count=7)
    c1.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    c1.metadata["papermill"] = {"duration": 0.1, "status": "completed"}
    c1.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=7)]
    c2 = nbformat.v4.new_code_cell("w", execution_count=9)
    c2.outputs = [nbformat.v4.new_output(
        "display_data",
        {"application/vnd.jupyter.widget-view+json": {"model_id": "abc"}, "text/plain": "VBox()"},
    )]
    nb.cells = [md, c1, c2]
    return nb


def test_clean_notebook_strips_volatile_metadata():
    nb = clean_notebook(_executed_like_notebook())
    assert "papermill" not in nb.metadata and "widgets" not in nb.metadata
    assert [c["id"] for c in nb.cells] == ["cell-000", "cell-001", "cell-002"]
    assert [c.get("execution_count") for c in nb.cells[1:]] == [1, 2]
    assert nb.cells[1].outputs[0]["execution_count"] == 1
    assert "execution" not in nb.cells[1].metadata and "papermill" not in nb.cells[1].metadata
    assert nb.cells[2].outputs[0]["data"] == {"text/plain": "VBox()"}
    # cleaning twice changes nothing
    assert nbformat.writes(clean_notebook(nb)) == nbformat.writes(nb)


def test_clean_notebook_joins_stream_chunks_whatever_the_split():
    # the same printed text, flushed by the kernel in different chunks
    def cell(chunks):
        c = nbformat.v4.new_code_cell("print(...)")
        c.execution_count = 1
        c.outputs = [nbformat.v4.new_output("stream", name=n, text=t) for n, t in chunks]
        nb = nbformat.v4.new_notebook()
        nb.cells = [c]
        return nbformat.writes(clean_notebook(nb))

    a = cell([("stdout", "a\nb\n"), ("stdout", "c\n"), ("stderr", "warn\n"), ("stdout", "d\n")])
    b = cell([("stdout", "a\n"), ("stdout", "b\nc\n"), ("stderr", "warn\n"), ("stdout", "d\n")])
    assert a == b
    outs = nbformat.reads(a, as_version=4).cells[0].outputs
    assert [(o.name, o.text) for o in outs] == [("stdout", "a\nb\nc\n"), ("stderr", "warn\n"), ("stdout", "d\n")]


def test_render_html_is_offline_and_can_hide_code():
    nb = clean_notebook(_executed_like_notebook())
    page = render_html(nb, footer="<footer>prov</footer>")
    assert "https://" not in "".join(
        part for part in page.split('"') if part.startswith(("http://", "https://")) and ".js" in part
    )
    for needle in ("<script src=\"http", "<link href=\"http", "@import url(http", "cdn.jsdelivr", "mathjax@"):
        assert needle not in page
    assert page.rstrip().endswith("</html>") and "<footer>prov</footer>" in page
    assert "answer_value" in page
    assert "answer_value" not in render_html(nb, hide_code=True)


def test_save_figure_is_byte_stable_and_manifest_lists_it(tmp_path):
    def make():
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [3, 1, 2], label="x")
        ax.set_title("stable")
        return fig

    import pandas as pd

    data = pd.DataFrame({"x": [0, 1, 2], "y": [3.0, 1.0, 2.0]})
    first = save_figure(make(), "01-demo", data, directory=tmp_path, close=True)
    bytes1 = {k: p.read_bytes() for k, p in first.items()}
    second = save_figure(make(), "01-demo", data, directory=tmp_path, close=True)
    assert {k: p.read_bytes() for k, p in second.items()} == bytes1
    assert b"Date" not in bytes1["svg"] and b"<dc:date>" not in bytes1["svg"]
    assert bytes1["csv"] == b"x,y\n0,3.0\n1,1.0\n2,2.0\n"
    (tmp_path / "01-topics.ipynb").write_text("{}")
    manifest = json.loads(write_manifest(tmp_path, [tmp_path / "01-topics.ipynb"]).read_text())
    (entry,) = manifest["figures"]
    assert entry["figure"] == "01-demo.png" and entry["notebook"] == "01-topics.ipynb"
    assert entry["data"] == "01-demo.csv" and len(entry["data_sha256"]) == 64


def test_sweep_orphans_removes_old_temporary_files_only(tmp_path):
    import os
    import time

    old_tmp = tmp_path / ".01-topics.png.abc123.tmp"
    young_tmp = tmp_path / ".01-topics.svg.def456.tmp"
    old_log = tmp_path / ".figures-01.log"
    keep = tmp_path / "01-topics.png"
    for f in (old_tmp, young_tmp, old_log, keep):
        f.write_bytes(b"x")
    past = time.time() - ORPHAN_AGE - 5
    for f in (old_tmp, old_log, keep):
        os.utime(f, (past, past))
    sweep_orphans(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".01-topics.svg.def456.tmp", "01-topics.png"]
