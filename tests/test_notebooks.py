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
