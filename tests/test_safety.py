"""`corpus-tools run` never loses a user's file and never mislabels a result.

Issue "Never lose a user's file or mislabel a result", case by case: a run
with parameters never poisons the committed notebooks; provenance is what
the kernel loaded, shown without the sharer's machine; paths mean what the
user typed; parameters are plain data written into the notebook by the run;
every bad parameter is one line; a failing notebook changes nothing of its
own outputs and does not stop the run; an output folder is the run's own or
refused; a hang is stopped by ``--timeout``.

The notebooks are tiny stand-ins written into ``tmp_path`` (a parameters
cell, ``load_selected``, two ``save_figure`` calls, a cell that can fail, one
that can hang, one that echoes a value back), run in-process with
``run_notebooks`` or through ``corpus_tools.cli.main``. The concurrency case
(two runs into one ``--out`` with different cache folders) is in
``test_interrupts.py``, beside the other concurrent runs.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import warnings
from pathlib import Path

import nbformat
import pytest

from corpus_tools import config, load_corpus
from corpus_tools.cli import main as cli_main
from corpus_tools.errors import ParameterError
from corpus_tools.report import inject_parameters, load_params, run_notebooks
from corpus_tools.report.output import LOCK_NAME, MARKER_NAME
from corpus_tools.report.params import parameters_source
from corpus_tools.report.provenance import display_path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
NAMES = ("00-corpus", "01-topics", "02-trends")

PARAMETERS = """\
CORPUS = None          # None: the seed corpus; or a folder of .txt (+ metadata.csv)
LOAD_OPTIONS = {}      # passed to load_corpus
SELECT_WHERE = {}      # keep documents whose metadata matches
DATE_FROM = None       # inclusive ISO date prefix
DATE_TO = None
GROUP_BY = "author"    # declared, so that a misspelt GROUPBY has a near match
VERSION = 1            # seeds the random walks: another version, other figures
N_FIGURES = 2          # figures this notebook saves
FAIL = False           # True: raise after saving the figures
SLEEP = 0              # seconds the next-to-last cell hangs
TEXT = None            # written back to $TEST_ECHO_DIR/NN.txt, to check it arrives unchanged"""


def _notebook(prefix: str) -> nbformat.NotebookNode:
    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# Tiny notebook {prefix}\n\nA stand-in for an analysis."),
        code(PARAMETERS, metadata={"tags": ["parameters"]}),
        code("import os\nimport time\nfrom pathlib import Path\n\nimport matplotlib.pyplot as plt\n"
             "import numpy as np\nimport pandas as pd\n\n"
             "from corpus_tools.notebook import load_selected\nfrom corpus_tools.plots import save_figure\n\n"
             "corpus = load_selected(CORPUS, where=SELECT_WHERE, date_from=DATE_FROM, date_to=DATE_TO, "
             "**LOAD_OPTIONS)\nprint(len(corpus), 'documents')"),
        code("rng = np.random.default_rng(VERSION)\n"
             "for i in range(N_FIGURES):\n"
             "    data = pd.DataFrame({'step': np.arange(50), 'value': rng.normal(size=50).cumsum().round(6)})\n"
             "    fig, ax = plt.subplots(figsize=(3, 2))\n"
             "    ax.plot(data['step'], data['value'])\n"
             f"    save_figure(fig, f'{prefix}-walk{{i}}', data, close=True)"),
        code("if FAIL:\n    raise RuntimeError('boom after the figures')"),
        code("time.sleep(SLEEP)"),
        code("if TEXT is not None:\n"
             f"    Path(os.environ['TEST_ECHO_DIR'], '{prefix}.txt').write_text(TEXT, encoding='utf-8', newline='')"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _write_corpus(folder: Path, n: int, tag: str) -> Path:
    folder.mkdir(parents=True)
    rows = ["doc_id,author,date"]
    for i in range(n):
        (folder / f"d{i}.txt").write_text(
            f"Document {i} of the {tag} corpus talks about alliances and trade.\n\n"
            f"A second paragraph, number {i}, about security and energy.\n", encoding="utf-8")
        rows.append(f"d{i},Author {i % 2},{2000 + i}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def _corpus_hash(folder: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(folder).content_hash()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project of tiny notebooks (``notebooks/``) and a corpus of 4 documents beside it."""
    nbs = tmp_path / "project" / "notebooks"
    nbs.mkdir(parents=True)
    for name in NAMES:
        nbformat.write(_notebook(name[:2]), nbs / f"{name}.ipynb")
    _write_corpus(tmp_path / "project" / "corpus", 4, "bench")
    for k in ("CORPUS_TOOLS_FIGURES_DIR", "CORPUS_TOOLS_FIGURE_LOG", "CORPUS_TOOLS_PROVENANCE_LOG"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("GIT_DIR", os.devnull)
    monkeypatch.setenv("TEST_ECHO_DIR", str(tmp_path))
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbs)  # what the CLI runs
    return tmp_path / "project"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _footer(page: str) -> dict[str, str]:
    """The provenance rows of a report: label -> value."""
    import html

    footer = page[page.index('<footer class="provenance"'):]
    return {html.unescape(k): html.unescape(v)
            for k, v in re.findall(r"<tr><th>(.*?)</th><td><code>(.*?)</code></td></tr>", footer, flags=re.S)}


def _one_line_error(capsys) -> str:
    out = capsys.readouterr()
    assert "Traceback" not in out.err and out.err.count("\n") == 1, out.err
    assert out.err.startswith("error: "), out.err
    return out.err.strip()


# ---------------------------------------------------------------------------
# 1-3. The committed notebooks never carry a run's parameters; provenance is
# what the kernel loaded; relative paths mean what the user typed
# ---------------------------------------------------------------------------
def test_a_corpus_run_without_out_leaves_the_notebooks_and_the_next_plain_run_analyses_the_seeds(project):
    nbs = project / "notebooks"
    before = _snapshot(nbs)
    status = run_notebooks(corpus=str(project / "corpus"), notebooks_dir=nbs, only=["00"], progress=False,
                           start_dir=project)
    assert status == 0
    assert _snapshot(nbs) == before  # the committed notebooks are untouched
    run = project / "reports" / "runs" / "corpus"  # its own folder, named for the corpus
    footer = _footer((run / "reports" / "00-corpus.html").read_text())
    assert footer["corpus"] == "corpus"
    assert footer["corpus path"].startswith("corpus (relative to the folder the run started in)")
    assert footer["corpus content hash"] == f"{_corpus_hash(project / 'corpus')} (4 of 4 documents)"
    assert json.loads((run / MARKER_NAME).read_text())["files"][0] == "figures/00-walk0.csv"

    # a notebook poisoned by an older version (papermill kept its injected cell)
    nb = nbformat.read(nbs / "00-corpus.ipynb", as_version=4)
    inject_parameters(nb, {"CORPUS": "../corpus"})
    nbformat.write(nb, nbs / "00-corpus.ipynb")
    assert run_notebooks(notebooks_dir=nbs, only=["00"], progress=False, start_dir=project) == 0
    executed = nbformat.read(nbs / "00-corpus.ipynb", as_version=4)
    assert not [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "5 documents" in executed.cells[2].outputs[0]["text"]
    page = (project / "reports" / "00-corpus.html").read_text()
    footer = _footer(page)
    assert footer["corpus"] == "seeds"
    assert footer["corpus content hash"] == f"{_corpus_hash(SEEDS)} (5 of 5 documents)"
    # a shared report carries no absolute path, no home folder
    assert str(project.parent) not in page and str(Path.home()) + "/" not in page
    assert footer["corpus path"].split(" (")[0] == display_path(SEEDS, project)
    assert not footer["corpus path"].startswith("/")


def test_relative_corpus_and_params_from_another_folder_and_values_round_trip(project, tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    _write_corpus(elsewhere / "seeds", 3, "other")  # a seeds/ of its own, unlike the project's
    text = 'quotes " and \' and """ , a backslash \\ and \\n, a newline\nand a tab\t; done\\'
    (elsewhere / "p.yaml").write_text(
        "common:\n  TEXT: " + json.dumps(text) + "\n  DATE_FROM: '2000'\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    status = cli_main(["run", "--corpus", "seeds", "--params", "p.yaml", "--out", "out", "--only", "00"])
    assert status == 0, capsys.readouterr().err
    assert (tmp_path / "00.txt").read_bytes().decode("utf-8") == text
    footer = _footer((elsewhere / "out" / "reports" / "00-corpus.html").read_text())
    assert footer["corpus"] == "seeds"
    assert footer["corpus path"].startswith("seeds (relative")
    assert footer["corpus content hash"] == f"{_corpus_hash(elsewhere / 'seeds')} (3 of 3 documents)"
    assert footer["selection"] == "date_from = '2000'"
    executed = nbformat.read(elsewhere / "out" / "notebooks" / "00-corpus.ipynb", as_version=4)
    (cell,) = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert cell.source.splitlines()[1:] == [
        f"CORPUS = {display_path(elsewhere / 'seeds', project / 'notebooks')!r}", f"TEXT = {text!r}",
        "DATE_FROM = '2000'",
    ]


# ---------------------------------------------------------------------------
# 4-5. Parameters are plain data; every bad one is one line, nothing written
# ---------------------------------------------------------------------------
def test_binary_and_set_payloads_are_refused_and_nothing_runs(project, tmp_path, capsys):
    marker = tmp_path / "pwned"
    payload = f'"; import pathlib; pathlib.Path({str(marker)!r}).touch(); x="'
    b64 = base64.b64encode(payload.encode()).decode()
    cases = {
        "binary": f"GROUP_BY: !!binary {b64}\n",
        "set": "common:\n  GROUP_BY: !!set {a, b}\n",
        "python": "common:\n  GROUP_BY: !!python/object/apply:os.system ['touch " + str(marker) + "']\n",
    }
    for name, text in cases.items():
        f = tmp_path / f"{name}.yaml"
        f.write_text(text)
        assert cli_main(["run", "--params", str(f), "--out", str(tmp_path / name)]) == 2
        err = _one_line_error(capsys)
        tag = {"binary": "!!binary", "set": "!!set", "python": "!!python/object/apply:os.system"}[name]
        assert err == (f"error: {f}, line {1 if name == 'binary' else 2}: the tag {tag} is not allowed; "
                       f"parameters are plain data: text, numbers, true/false, null, lists and mappings.")
        assert not (tmp_path / name).exists()
    assert not marker.exists()


def test_values_are_written_as_their_repr_never_formatted_into_code():
    tricky = ['"; import os; os.system("x"); x="', "back\\slash\\", "new\nline", "'''", "\x00\u2028é"]
    src = parameters_source({"A": tricky, "B": {"k": 1.5, "n": None, "t": True}, "C": -3})
    ns: dict = {}
    exec(src, ns)  # noqa: S102 (the point: running the cell defines exactly the values)
    assert ns["A"] == tricky and ns["B"] == {"k": 1.5, "n": None, "t": True} and ns["C"] == -3
    assert src.count("\n") == 3  # one line per value
    for bad in (float("nan"), {1, 2}, b"bytes", (1, 2), object()):
        with pytest.raises(ParameterError):
            parameters_source({"A": bad})
    with pytest.raises(ParameterError):
        parameters_source({"A; import os": 1})


@pytest.mark.parametrize(
    "text, message",
    [
        ("DATE_FROM: 2016-01-01\n",
         '{f}, line 1: 2016-01-01 is read as a date; write it in quotes ("2016-01-01") so it stays text.'),
        ("common:\n  DATE_TO: 2016-01-01 10:00:00\n",
         '{f}, line 2: 2016-01-01 10:00:00 is read as a date; write it in quotes ("2016-01-01 10:00:00") '
         "so it stays text."),
        ("notebooks: [1, 2]\n",
         '{f}: notebooks must be a mapping of notebook number to parameters ("01": {{K: 5}}), not a list.'),
        ("common: [1, 2]\n", "{f}: common must be a mapping of NAME: value, not a list."),
        ("1: foo\n", "{f}: the key 1 is not text; use corpus, common, notebooks, description or UPPER_CASE "
                     "parameter names."),
        ("corpus: [1, 2]\n", "{f}: corpus must be a path (text), not a list [1, 2]."),
        ("common:\n  GROUPBY: outlet\n", "{f}: common: no notebook has a parameter GROUPBY; did you mean GROUP_BY?"),
        ("notebooks:\n  '01': {VERSON: 2}\n",
         "{f}: notebooks: 01: notebook 01 has no parameter VERSON; did you mean VERSION?"),
        ("notebooks:\n  '07': {VERSION: 2}\n", "{f}: notebooks: there is no notebook 07 (the notebooks are "
                                                "['00', '01', '02'])."),
        ("common:\n  CORPUS: x\n", "{f}: common: set the corpus with 'corpus:' at the top level of the file, "
                                   "or --corpus, not as the parameter CORPUS."),
        ("common:\n  1: x\n", "{f}: common: the key 1 is not a parameter name; names are UPPER_CASE text "
                              "such as GROUP_BY."),
        ("SEED: .nan\n", "{f}, line 1: .nan is not a finite number."),
        ("a: &x [1]\nGROUP_BY: *x\n", "{f}, line 2: the alias *x is not allowed; write the value out."),
        ("common: {GROUP_BY: [\n", "{f}, line 2: not valid YAML: expected the node content, but found '<stream end>'."),
        ("corpus: missing\n", "corpus missing: no such file or folder."),
    ],
)
def test_every_bad_parameter_is_one_line_and_nothing_is_written(project, tmp_path, capsys, text, message):
    f = tmp_path / "p.yaml"
    f.write_text(text)
    out = tmp_path / "out"
    if "corpus missing" in message:
        message = f"corpus {display_path(tmp_path / 'missing', Path.cwd())}: no such file or folder."
    assert cli_main(["run", "--params", str(f), "--out", str(out)]) == 2
    assert _one_line_error(capsys) == "error: " + message.format(f=f)
    assert not out.exists() and not (project / "reports").exists()


def test_bad_out_and_bad_column_are_one_line(project, tmp_path, capsys):
    a_file = tmp_path / "a-file"
    a_file.write_text("mine\n")
    for out, why in [
        (a_file, f"--out {a_file}: is a file, not a folder; give the folder to write into."),
        (a_file / "sub", f"--out {a_file / 'sub'}: cannot make this folder: {a_file} is a file."),
    ]:
        assert cli_main(["run", "--out", str(out)]) == 2
        assert _one_line_error(capsys) == "error: " + why
    assert a_file.read_text() == "mine\n"
    assert cli_main(["run", "--timeout", "0", "--out", str(tmp_path / "o")]) == 2
    assert _one_line_error(capsys) == "error: --timeout 0.0: give a number of seconds greater than 0."
    for column, why in [
        ("foo", "--column 'foo': expected FIELD=COLUMN, e.g. --column date=year."),
        ("date=", "--column 'date=': expected FIELD=COLUMN, e.g. --column date=year."),
        ("colour=x", "--column 'colour=x': 'colour' is not a field; the fields are ['doc_id', 'title', "
                     "'author', 'affiliation', 'outlet', 'date', 'date_precision']."),
    ]:
        assert cli_main(["docs", str(SEEDS), "--column", column]) == 2
        assert _one_line_error(capsys) == "error: " + why


def test_load_params_reads_notebook_numbers_and_resolves_the_corpus_beside_the_file(tmp_path):
    f = tmp_path / "sub" / "p.yaml"
    f.parent.mkdir()
    f.write_text("corpus: ../data\nnotebooks:\n  1: {K: 5}\n  '02': null\nN_JOBS: 2\n")
    corpus, common, per = load_params(f)
    assert corpus == str(tmp_path / "data")  # relative to the file's folder, whether or not it exists
    assert common == {"N_JOBS": 2} and per == {"01": {"K": 5}, "02": {}}


# ---------------------------------------------------------------------------
# 6, 9, 10. All or nothing per notebook; a hang is stopped; the run goes on
# ---------------------------------------------------------------------------
def _params(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / f"{name}.yaml"
    f.write_text(text)
    return f


def test_a_failing_notebook_keeps_its_outputs_and_the_run_goes_on(project, tmp_path, capsys):
    out = tmp_path / "out"
    good = _params(tmp_path, "good", "common:\n  VERSION: 1\n")
    assert run_notebooks(params_file=good, out=out, notebooks_dir=project / "notebooks", progress=False) == 0
    capsys.readouterr()
    first = _snapshot(out)

    # 00 fails after writing its two figures (in staging): nothing of it moves in
    fail = _params(tmp_path, "fail", "common:\n  VERSION: 2\nnotebooks:\n  '00': {FAIL: true}\n")
    assert run_notebooks(params_file=fail, out=out, notebooks_dir=project / "notebooks", only=["00"],
                         progress=False) == 1
    err = capsys.readouterr().err
    after = _snapshot(out)
    changed = sorted(k for k in after if after[k] != first.get(k))
    assert changed == ["reports/00-corpus.html"], changed  # the page that says it failed
    assert sorted(after) == sorted(first)
    line = ("FAILED: 00-corpus.ipynb, cell 5 (if FAIL:): RuntimeError: boom after the figures. Its previous "
            "outputs are kept; ")
    assert line in err and "Nothing from this notebook was written" not in err
    page = (out / "reports" / "00-corpus.html").read_text()
    assert "this run failed" in page and "boom after the figures" in page and "raise RuntimeError" in page
    assert "\x1b[" not in page and _footer(page)["corpus"] == "seeds"

    # 00 fails, 01 hangs past --timeout, 02 succeeds: the run goes on, exits 1
    worse = _params(tmp_path, "worse", "common:\n  VERSION: 2\nnotebooks:\n  '00': {FAIL: true}\n"
                                       "  '01': {SLEEP: 120}\n")
    assert run_notebooks(params_file=worse, out=out, notebooks_dir=project / "notebooks", timeout=15,
                         progress=False) == 1
    err = capsys.readouterr().err
    assert ("FAILED: 01-topics.ipynb, cell 6 (time.sleep(SLEEP)): no result after 15 s (--timeout 15); the "
            "cell was stopped. Its previous outputs are kept;") in err
    summary = err[err.index("summary:"):].splitlines()
    assert summary == [
        "summary:",
        "  00-corpus.ipynb: FAILED, cell 5 (if FAIL:): RuntimeError: boom after the figures",
        "  01-topics.ipynb: FAILED, cell 6 (time.sleep(SLEEP)): no result after 15 s (--timeout 15); the cell "
        "was stopped",
        "  02-trends.ipynb: ok",
        f"2 of 3 notebook(s) failed; reports in {display_path(out / 'reports', Path.cwd())}",
    ]
    final = _snapshot(out)
    for rel in final:
        if rel.startswith(("figures/00-", "figures/01-", "notebooks/00-", "notebooks/01-")):
            assert final[rel] == first[rel], rel
        if rel.startswith(("figures/02-", "notebooks/02-")):
            assert final[rel] != first[rel], rel
    manifest = {e["figure"]: e for e in json.loads(final["figures/manifest.json"])["figures"]}
    for name, entry in manifest.items():
        assert entry["png_sha256"] == hashlib.sha256(final[f"figures/{name}"]).hexdigest()
    index = final["reports/index.html"].decode()
    assert "01-topics (failed)" in index and "no result after 15 s" in index
    assert not (out / ".corpus-tools-staging").exists()


# ---------------------------------------------------------------------------
# 7. An output folder is the run's own or refused; a user's file is never touched
# ---------------------------------------------------------------------------
def test_out_at_the_project_or_the_corpus_is_refused(project, tmp_path, capsys):
    corpus = project / "corpus"
    cases = [
        (["--out", str(project)], "is the project's own folder"),
        (["--out", str(project / "figures" / "x")], "is the project's own folder"),
        (["--out", str(ROOT)], "is the project's own folder"),
        (["--out", str(ROOT / "notebooks")], "is the project's own folder"),
        (["--corpus", str(corpus), "--out", str(corpus)], "is inside the corpus folder"),
        (["--corpus", str(corpus), "--out", str(corpus / "out")], "is inside the corpus folder"),
        (["--out", str(SEEDS)], "is inside the corpus folder"),
    ]
    before = _snapshot(project), _snapshot(ROOT / "figures")
    for args, why in cases:
        assert cli_main(["run", *args, "--force", "--only", "00"]) == 2  # --force does not lift these
        assert why in _one_line_error(capsys)
    assert (_snapshot(project), _snapshot(ROOT / "figures")) == before
    # the corpus inside the output's figures/ folder
    inside = tmp_path / "o" / "figures" / "c"
    _write_corpus(inside, 1, "inner")
    assert cli_main(["run", "--corpus", str(inside), "--out", str(tmp_path / "o")]) == 2
    assert "lies inside its figures/ folder" in _one_line_error(capsys)


def test_a_folder_with_user_files_is_refused_and_force_keeps_every_one(project, tmp_path, capsys):
    out = tmp_path / "shared"
    user = {
        "figures/00-my-analysis.csv": b"my,own\n1,2\n",
        "figures/00-notes.png": b"\x89PNG not really",
        "figures/.x.tmp": b"an old temporary file of mine",
        "notes.txt": b"my notes\n",
    }
    for rel, data in user.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    old = (out / "figures" / ".x.tmp").stat().st_mtime - 3600
    os.utime(out / "figures" / ".x.tmp", (old, old))
    nbs = project / "notebooks"

    assert cli_main(["run", "--out", str(out), "--only", "00"]) == 2
    err = _one_line_error(capsys)
    assert err.startswith(f"error: --out {out}: this folder holds files that corpus-tools run did not write (")
    assert "pass --force" in err
    assert _snapshot(out) == user  # not even a lock or a marker

    # adopted: the run writes beside the user's files, which stay byte-identical
    assert run_notebooks(out=out, notebooks_dir=nbs, only=["00"], force=True, progress=False) == 0
    after = _snapshot(out)
    assert {k: after[k] for k in user} == user
    assert {e["figure"] for e in json.loads(after["figures/manifest.json"])["figures"]} == {
        "00-walk0.png", "00-walk1.png"}  # not the user's 00-notes.png
    marker = json.loads(after[MARKER_NAME])
    assert marker["adopted"] is True and not set(user) & set(marker["files"])

    # a figure the notebook no longer makes is pruned; the user's 00-* files are not
    fewer = _params(tmp_path, "fewer", "common:\n  N_FIGURES: 1\n")
    assert run_notebooks(params_file=fewer, out=out, notebooks_dir=nbs, only=["00"], progress=False) == 0
    capsys.readouterr()
    after = _snapshot(out)
    assert {k: after[k] for k in user} == user
    assert not any(k.startswith("figures/00-walk1") for k in after)

    # an output's name on a user's file: refused, naming it (up front for a notebook) ...
    mine = tmp_path / "mine"
    (mine / "notebooks").mkdir(parents=True)
    (mine / "notebooks" / "00-corpus.ipynb").write_text("{my notebook}")
    assert cli_main(["run", "--out", str(mine), "--only", "00", "--force"]) == 2
    assert _one_line_error(capsys) == (
        f"error: {mine}: notebooks/00-corpus.ipynb exists but corpus-tools run did not write it, and it never "
        f"overwrites a file of yours; move or rename it, or choose another --out folder."
    )
    assert _snapshot(mine) == {"notebooks/00-corpus.ipynb": b"{my notebook}"}
    # ... and when the notebook has made it (a figure): that notebook fails, the file stays
    (out / "figures" / "00-walk1.png").write_bytes(b"my own figure")
    assert run_notebooks(out=out, notebooks_dir=nbs, only=["00"], progress=False) == 1
    assert "figures/00-walk1.png already exists and corpus-tools run did not write it" in capsys.readouterr().err
    assert (out / "figures" / "00-walk1.png").read_bytes() == b"my own figure"
    assert LOCK_NAME in {p.name for p in out.iterdir()}


def test_marker_lists_every_file_and_an_empty_folder_is_adopted(project, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    _write_corpus(tmp_path / "c", 2, "tiny")
    assert run_notebooks(corpus=tmp_path / "c", out=out, notebooks_dir=project / "notebooks", only=["01"],
                         progress=False) == 0
    files = set(json.loads((out / MARKER_NAME).read_text())["files"])
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {MARKER_NAME, LOCK_NAME}
    assert files == on_disk
