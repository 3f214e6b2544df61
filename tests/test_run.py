"""The run machinery without executing notebooks: parameters, cleaning, HTML, manifest.

Mirrors ``corpus_tools/report/`` (``params``, ``render``, ``run``); the
executed pipeline is tested in ``test_notebooks.py``."""
from __future__ import annotations

import json
from html.parser import HTMLParser
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
from corpus_tools.report.params import evaluate_defaults
from corpus_tools.report.render import TEMPLATE_NAME, TEMPLATES_DIR
from corpus_tools.report.output import ORPHAN_AGE, OutputFolder
from corpus_tools.report.run import write_manifest

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
    with pytest.raises(ParameterError, match=r"line 1: the tag !!python/object/apply:os.system is not allowed"):
        load_params(f)
    f.write_text("corpuss: x\n")
    with pytest.raises(ParameterError, match=r"unknown top-level key\(s\) \['corpuss'\]"):
        load_params(f)


def test_notebook_parameters_reads_the_tagged_cell():
    params = notebook_parameters(ROOT / "notebooks" / "00-corpus.ipynb")
    assert list(params)[:6] == ["CORPUS", "LOAD_OPTIONS", "SELECT_WHERE", "DATE_FROM", "DATE_TO", "N_JOBS"]
    assert params["CORPUS"] == "None"
    assert params["GROUP_BY"] == '"author"'  # the source text, its comment left out


def test_notebook_parameters_keeps_a_default_written_over_several_lines():
    # 02's TRACKED_TERMS is a dict literal over 14 lines, with a comment inside
    params = notebook_parameters(ROOT / "notebooks" / "02-keyword-trends.ipynb")
    tracked = evaluate_defaults(params, names=["TRACKED_TERMS"])["TRACKED_TERMS"]
    assert len(tracked) == 12
    assert tracked["Belt and Road"] == ["belt_and_road_initiative"]
    assert tracked["security"] == ["security"]
    assert params["EXPLORE_TERM"] == '"sanction"'


def test_notebook_parameters_without_a_parameters_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("X = 1")]
    nbformat.write(nb, tmp_path / "00-x.ipynb")
    assert notebook_parameters(tmp_path / "00-x.ipynb") == {}


def test_evaluate_defaults_evaluates_literals_only():
    declared = {
        "CORPUS": "None", "SELECT_WHERE": '{"country_iso": ["CHN"]}', "DATE_FROM": '"1970"',
        "DATE_TO": "str(2000)", "LOAD_OPTIONS": "{[]: 1}", "N_JOBS": "1",
    }
    # a call is not a literal; an unhashable dict key cannot be built; N_JOBS is not asked for
    assert evaluate_defaults(declared) == {
        "CORPUS": None, "SELECT_WHERE": {"country_iso": ["CHN"]}, "DATE_FROM": "1970",
    }


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


class PageLoads(HTMLParser):
    """What a browser would fetch or run when it opens a page, read by ``html.parser``.

    ``remote``: every ``http(s)://`` or protocol-relative URL in an attribute
    that loads something (``src``, ``srcset``, ``data``, ``poster``, ``href``
    of anything but a link ``<a>``) or in a stylesheet's ``@import`` or
    ``url(...)``; ``scripts``: every ``<script>`` that runs (any ``src``, or
    inline code; JSON data blocks do not run); ``images``: each ``<img src>``;
    ``title``: the page's ``<title>``.
    """

    LOADING = {"src", "srcset", "data", "poster", "href", "background"}
    DATA_SCRIPT = ("application/json", "application/ld+json", "application/vnd.jupyter")

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.scripts: list[str] = []
        self.images: list[str] = []
        self.title = ""
        self._in: str | None = None
        self.feed(page)
        self.close()

    @staticmethod
    def _is_remote(url: str) -> bool:
        return url.strip().lower().startswith(("http://", "https://", "//"))

    def _css(self, text: str) -> None:
        import tinycss2

        def walk(nodes):
            for node in nodes:
                if node.type == "at-rule" and node.lower_at_keyword == "import":
                    # an import loads a file wherever it is: a shared page has no neighbours
                    self.remote.append(f"@import {tinycss2.serialize(node.prelude).strip()}")
                    continue
                # url(x) is one token; url("x") is a function whose argument is a string
                if node.type == "url" and self._is_remote(node.value):
                    self.remote.append(f"url({node.value})")
                elif node.type == "function" and node.lower_name == "url":
                    strings = [a.value for a in node.arguments if a.type == "string"]
                    if any(self._is_remote(u) for u in strings):
                        self.remote.append(f"url({strings[0]})")
                for child in ("prelude", "content", "arguments"):
                    if getattr(node, child, None):
                        walk(getattr(node, child))

        walk(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        for name, value in a.items():
            if name in self.LOADING and not (tag == "a" and name == "href") and self._is_remote(value):
                self.remote.append(f"<{tag} {name}={value}>")
        if "style" in a:
            self._css(a["style"])
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag == "script" and "src" in a:
            self.scripts.append(f"<script src={a['src']}>")
        self._in = tag if tag in ("script", "style", "title") else None
        self._type = a.get("type", "")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "style":
            self._css(data)
        elif self._in == "script" and data.strip() and not self._type.startswith(self.DATA_SCRIPT):
            self.scripts.append(data.strip()[:80])


def test_page_loads_finds_what_a_browser_would_fetch():
    page = (
        '<html><head><title>T</title><script src="https://cdn.example/x.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/x.css"><style>@import url("x.css");'
        ' .a{background:url(https://cdn.example/bg.png)} .b{background:url(data:image/png;base64,AA==)}'
        ' .c{background:url("http://cdn.example/c.png")}</style>'
        '<script type="module">import("https://cdn.example/m.mjs")</script>'
        '<script type="application/vnd.jupyter.widget-state+json">{"a": 1}</script></head>'
        '<body><a href="https://example.org">a link is not a load</a><img src="data:image/png;base64,AA==">'
        '<img src="http://example.org/i.png"></body></html>'
    )
    loads = PageLoads(page)
    assert loads.title == "T"
    assert loads.remote == [
        "<script src=https://cdn.example/x.js>", "<link href=//cdn.example/x.css>", '@import url("x.css")',
        "url(https://cdn.example/bg.png)", "url(http://cdn.example/c.png)", "<img src=http://example.org/i.png>",
    ]
    assert loads.scripts == ["<script src=https://cdn.example/x.js>", 'import("https://cdn.example/m.mjs")']
    assert loads.images == ["data:image/png;base64,AA==", "http://example.org/i.png"]


def _notebook_with_figure() -> nbformat.NotebookNode:
    import base64
    import io

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [1, 0])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    nb = _executed_like_notebook()
    c3 = nbformat.v4.new_code_cell("fig", execution_count=10)
    c3.outputs = [nbformat.v4.new_output(
        "display_data", {"image/png": base64.b64encode(buf.getvalue()).decode(), "text/plain": "<Figure>"},
    )]
    nb.cells.append(c3)
    return clean_notebook(nb)


def test_render_html_is_offline_and_keeps_title_images_and_footer():
    nb = _notebook_with_figure()
    page = render_html(nb, footer="<footer>prov</footer>", title="00 · A title")
    loads = PageLoads(page)
    # nothing fetched from the network, no script at all (require.js, MathJax, mermaid: gone)
    assert loads.remote == [] and loads.scripts == []
    assert "cdnjs" not in page and "mathjax" not in page.lower() and "mermaid" not in page.lower()
    assert loads.title == "00 · A title"
    assert len(loads.images) == 1 and loads.images[0].startswith("data:image/png;base64,iVBOR")
    # the provenance footer closes the page, after the notebook
    assert page.rstrip().endswith("</main>\n<footer>prov</footer>\n</body>\n</html>")
    assert page.count("<footer>prov</footer>") == 1
    assert "answer_value" in page
    # the lab template's styles are still there (the page looks like JupyterLab)
    assert "--jp-cell-editor-background" in page


def test_render_html_can_hide_code_and_defaults_to_no_footer():
    nb = _notebook_with_figure()
    page = render_html(nb, hide_code=True)
    assert "answer_value" not in page and "<footer" not in page
    assert PageLoads(page).title == "Notebook"  # nbconvert's default without a title
    assert "First sentence here." in page and "data:image/png;base64," in page


def test_template_is_package_data():
    """The template files ship in the wheel: pyproject's package-data globs match every one."""
    import glob
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package = ROOT / "corpus_tools"
    shipped = {
        Path(f) for pattern in patterns["corpus_tools"] for f in glob.glob(str(package / pattern), recursive=True)
    }
    templates = {p for p in TEMPLATES_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert {p.name for p in templates} >= {"conf.json", "index.html.j2"}
    assert (TEMPLATES_DIR / TEMPLATE_NAME / "conf.json").exists()
    assert templates <= shipped, sorted(str(p) for p in templates - shipped)


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


def test_sweep_removes_old_temporary_files_of_the_runs_own_only(tmp_path):
    """A killed run's litter goes (its staging folders, old temporary files of
    its own outputs); a user's file goes never, whatever its name or age."""
    import os
    import time

    figures = tmp_path / "figures"
    figures.mkdir()
    folder = OutputFolder(tmp_path, tmp_path / "notebooks", figures, tmp_path / "reports",
                          owned={"figures/01-topics.png", "figures/01-topics.svg"})
    old_tmp = figures / ".01-topics.png.abc123.tmp"      # a killed write of the run's own figure
    young_tmp = figures / ".01-topics.svg.def456.tmp"    # maybe a live writer (JupyterLab)
    users_tmp = figures / ".01-mine.png.abc123.tmp"      # the target is not the run's
    users_x = figures / ".x.tmp"
    keep = figures / "01-topics.png"
    mine = figures / "01-notes.csv"
    stage = tmp_path / ".corpus-tools-staging" / "01-abcd" / "figures"
    stage.mkdir(parents=True)
    (stage / "01-topics.png").write_bytes(b"x")
    for f in (old_tmp, young_tmp, users_tmp, users_x, keep, mine):
        f.write_bytes(b"x")
    past = time.time() - ORPHAN_AGE - 5
    for f in (old_tmp, users_tmp, users_x, keep, mine):
        os.utime(f, (past, past))
    folder.sweep()
    assert sorted(p.name for p in figures.iterdir()) == [
        ".01-mine.png.abc123.tmp", ".01-topics.svg.def456.tmp", ".x.tmp", "01-notes.csv", "01-topics.png",
    ]
    assert not (tmp_path / ".corpus-tools-staging").exists()
