"""The whole pipeline: every notebook executes on the seeds, twice, byte-identically,
and every rendered report loads completely offline in a real browser."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest

from corpus_tools.report import discover_notebooks, run_notebooks

from .browser import check_page, chromium_required, find_chromium
from .test_run import PageLoads

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = discover_notebooks(ROOT / "notebooks")


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory, monkeypatch_module):
    """The pipeline run twice into fresh folders, with a fresh token cache."""
    monkeypatch_module.setenv("CORPUS_TOOLS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    first = tmp_path_factory.mktemp("run1")
    second = tmp_path_factory.mktemp("run2")
    assert run_notebooks(out=first, progress=False) == 0
    assert run_notebooks(out=second, progress=False) == 0
    return first, second


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_every_notebook_executes_without_error_and_writes_figures(runs):
    first, _ = runs
    for nb_path in NOTEBOOKS:
        nb = nbformat.read(first / "notebooks" / nb_path.name, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{nb_path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
        assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code" and c.source.strip())
        figs = sorted((first / "figures").glob(f"{nb_path.name[:2]}-*.png"))
        assert figs, f"{nb_path.name} wrote no figure"
        for png in figs:
            assert png.with_suffix(".svg").exists() and png.with_suffix(".csv").exists(), png.name
    manifest = json.loads((first / "figures" / "manifest.json").read_text())
    assert {e["figure"] for e in manifest["figures"]} == {p.name for p in (first / "figures").glob("*.png")}


def test_rerun_is_byte_identical(runs):
    first, second = runs
    a, b = _tree(first), _tree(second)
    assert sorted(a) == sorted(b)
    differing = [name for name in a if a[name] != b[name]]
    assert not differing, f"outputs differ between identical runs: {differing}"


def test_notebook_02_claims_only_what_its_tests_reject(runs):
    """Notebook 02's findings in words, as executed on the seeds: a claim word only beside a rejected test."""
    from corpus_tools.keywords import CLAIM_PATTERN

    first, _ = runs
    nb = nbformat.read(first / "notebooks" / "02-keyword-trends.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "trend_summary(" in c.source]
    assert len(cells) == 2  # the trend model and the early-against-late contrast
    lines = [line for c in cells for o in c.outputs if o.output_type == "stream"
             for line in o.text.splitlines() if line.strip()]
    assert lines
    for line in lines:
        if CLAIM_PATTERN.search(line):
            found = re.search(r"BH-adjusted p (?:= ([0-9.]+)|< 0\.001), below the 5% level", line)
            assert found and (found.group(1) is None or float(found.group(1)) < 0.05), line
        else:
            assert any(s in line for s in ("do not show", "No trend can be estimated", "no occurrences")), line
        assert "overlap" not in line and "bootstrap" not in line, line


def test_notebooks_carry_no_volatile_metadata(runs):
    first, _ = runs
    for nb_path in NOTEBOOKS:
        text = (first / "notebooks" / nb_path.name).read_text()
        assert '"papermill"' not in text and "iopub.execute_input" not in text
        assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text), f"{nb_path.name} has a timestamp"
        assert str(first) not in text, f"{nb_path.name} shows the output folder path"


def test_reports_exist_with_provenance_and_are_offline(runs):
    first, _ = runs
    reports = first / "reports"
    index = (reports / "index.html").read_text()
    for nb_path in NOTEBOOKS:
        page = reports / f"{nb_path.stem}.html"
        assert page.exists()
        assert f'href="{page.name}"' in index
        html = page.read_text()
        for needle in ("corpus content hash", "package versions", "git commit", "parameters"):
            assert needle in html
        assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=[\"']https?://", html)
        assert "<img" in html and 'src="data:image/png;base64,' in html
        # read as a browser would: no remote src/href/@import/url(), no script at all
        loads = PageLoads(html)
        assert loads.remote == [], f"{page.name} loads {loads.remote[:5]}"
        assert loads.scripts == [], f"{page.name} runs {loads.scripts[:3]}"
        assert loads.images and all(src.startswith("data:image/png;base64,") for src in loads.images)
        title = nbformat.read(nb_path, as_version=4).cells[0].source.splitlines()[0].removeprefix("# ")
        assert loads.title == title, (loads.title, title)


def test_reports_render_in_a_real_browser(runs):
    if find_chromium() is None:
        if chromium_required():
            pytest.fail("CI=true but chromium is not installed; .ci/run installs it")
        pytest.skip("chromium is not installed here (apt-get install chromium); CI runs this test")
    first, _ = runs
    for page in sorted((first / "reports").glob("*.html")):
        result = check_page(page)
        assert result.network_requests == [], f"{page.name} requested {result.network_requests[:5]}"
        if page.name != "index.html":
            assert result.images, f"{page.name} shows no images"
            # the tab shows the notebook's own title, not nbconvert's "Notebook"
            assert result.title not in ("", "Notebook") and result.title in page.read_text(), result.title
        broken = [i for i in result.images if not (i["complete"] and i["w"] > 0)]
        assert not broken, f"{page.name}: {len(broken)} image(s) did not decode"


#: A printed line may assert a difference only with its test beside it or as a quotation of the corpus.
_TESTED = re.compile(r"BH-adjusted p|\bp (?:=|<) ?0?\.\d+|\bq (?:=|<) ?0?\.\d+")
_HEDGED = re.compile(r"\b(do not show|does not show|not compared|no test|cannot|can't|not distinguishable|"
                     r"no trend|not beat|too few|indistinguishable)\b", re.IGNORECASE)


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _unsupported_claims(line: str, corpus: str) -> list[str]:
    """The claim words of ``line`` that are neither quoted from ``corpus`` (``_alnum`` text) nor backed by a test."""
    from corpus_tools.keywords import CLAIM_PATTERN

    found = []
    for m in CLAIM_PATTERN.finditer(line):
        # a quotation: the claim word with the 25 characters after it, or before it, is the
        # corpus's (the cut end loses 3 letters, which may be part of a word)
        after = _alnum(line[m.start():m.end() + 25])[:-3]
        before = _alnum(line[max(0, m.start() - 25):m.end()])[3:]
        if any(len(q) >= 15 and q in corpus for q in (after, before)):
            continue
        if re.match(r"\s*\w*(Error|Warning): ", line):
            continue  # a message the notebook shows on purpose (a refused parameter)
        stated = [float(x) for x in re.findall(r"\bp = (0?\.\d+)", line)]
        if _HEDGED.search(line) or (_TESTED.search(line) and all(x < 0.05 for x in stated)):
            continue
        found.append(m.group(0))
    return found


def test_the_claim_rule_on_both_sides():
    corpus = _alnum("Second, increased military spending by NATO countries put pressure on Russia.")
    assert _unsupported_claims("Zheng Yu uses security more often than Yu Sui.", corpus) == ["more often"]
    assert _unsupported_claims("security rose, 1.2 to 3.4 per 1,000 (BH-adjusted p = 0.012)", corpus) == []
    assert _unsupported_claims("security rose, 1.2 to 3.4 per 1,000 (p = 0.20)", corpus) == ["rose"]
    assert _unsupported_claims("the data do not show that security rose", corpus) == []
    assert _unsupported_claims("most negative -0.3  Second, increased military spending by NATO", corpus) == []
    assert _unsupported_claims("most negative -0.3  Second, increased naval spending by NATO", corpus) == ["increased"]
    assert _unsupported_claims("ParameterError: k=6 is more than 5 units; lower k", corpus) == []


def test_no_printed_sentence_claims_a_difference_without_its_test(runs):
    """Every notebook, as executed on the seeds: a line with a claim word (keywords.CLAIM_PATTERN) is
    either a quotation of the corpus (the words around it appear in a seed article), or says which
    test backs it (a BH-adjusted p, p or q value, and a stated p = x is below 0.05), or says the
    data do not support a claim. Markdown is the authors' text and is read in review."""
    from corpus_tools.corpus import load_corpus

    corpus = _alnum(" ".join(p for d in load_corpus(ROOT / "seeds").documents for p in d.paragraphs))
    first, _ = runs
    lines = [line for nb_path in NOTEBOOKS
             for cell in nbformat.read(first / "notebooks" / nb_path.name, as_version=4).cells
             if cell.cell_type == "code" for out in cell.outputs if out.output_type == "stream"
             for line in out.text.splitlines()]
    from corpus_tools.keywords import CLAIM_PATTERN

    assert sum(bool(CLAIM_PATTERN.search(x)) for x in lines) > 0  # quotations and test results do have them
    unsupported = [x.strip()[:160] for x in lines if _unsupported_claims(x, corpus)]
    assert not unsupported, "claims without a test:\n" + "\n".join(unsupported)
