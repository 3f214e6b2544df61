"""Size and open time of the shared reports, in headless Chromium with the network refused.

For each report page: its size, how long it takes to open (median of
``--repeat`` opens, measured by the page's own clock: the end of the load
event or the moment the last explorer finished drawing, whichever is later),
how many explorers it holds, and whether it keeps the budget (<= 5 MB, opens
in under 2 s). The load average is printed beside the numbers: on a shared
2-core machine, open times move with it.

Usage::

    .venv/bin/python benchmarks/reports.py                      # runs the seeds into a temporary folder
    .venv/bin/python benchmarks/reports.py --ungdc data/ungdc   # and the UN example (examples/ungdc.yaml)
    .venv/bin/python benchmarks/reports.py --reports DIR ...    # measure reports already written
    .venv/bin/python benchmarks/reports.py --compare-libraries  # Vega-Lite against Bokeh, same explorer

``--compare-libraries`` draws the distinctive-terms explorer of the seeds (or
of ``--ungdc``'s selection) twice, with the data the report embeds: once as
the package does (Vega-Lite, vl-convert's bundle inlined), once with Bokeh
(inline resources, the same scatter with hover and tap, group menu, term box
with completion, KWIC lines by CustomJS). It needs Bokeh installed, which the
project does not depend on.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import Browser, find_chromium  # noqa: E402

BUDGET_MB = 5.0
BUDGET_MS = 2000.0


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


#: When a report page is ready: every explorer drawn (a page without explorers: at once).
REPORT_READY = "Array.from(document.querySelectorAll('.ct-explorer')).every(e => e.dataset.ready === '1')"
#: When the Bokeh page of --compare-libraries is ready: its document rendered (it sets body[data-bench-ms]).
BOKEH_READY = "!!document.body.dataset.benchMs"


def open_ms(page: Path, *, repeat: int, ready: str = REPORT_READY) -> tuple[float, list[float], list[str]]:
    """Median open time in ms over ``repeat`` fresh browsers, every time, and any problem seen."""
    times, problems = [], []
    for _ in range(repeat):
        with Browser() as b:
            b.open(page)
            try:
                b.wait_for(ready, timeout=60)
            except TimeoutError:
                problems.append("the page did not get ready")
            b.settle(0.2)
            state = b.page_state()
            marks = state["ready_ms"]
            if b.evaluate(BOKEH_READY):
                marks = [*marks, float(b.evaluate("document.body.dataset.benchMs"))]
            times.append(max([state["load_ms"] or 0.0, *marks]))
            problems += [f"request: {r}" for r in b.requests if not r.startswith(("file:", "data:", "blob:", "about:"))]
            problems += [f"error: {e[:80]}" for e in b.errors]
    return statistics.median(times), times, sorted(set(problems))


def measure(folder: Path, label: str, *, repeat: int) -> list[dict]:
    rows = []
    for page in sorted(folder.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        median, times, problems = open_ms(page, repeat=repeat)
        size = page.stat().st_size / 1e6
        rows.append({
            "corpus": label, "report": page.name, "MB": size, "explorers": text.count('class="ct-explorer"'),
            "open_ms": median, "times": times, "ok": size <= BUDGET_MB and median < BUDGET_MS and not problems,
            "problems": problems, "load": load(),
        })
        print(f"  {label:6} {page.name:32} {size:5.2f} MB  open {median:6.0f} ms  "
              f"({', '.join(f'{t:.0f}' for t in times)})  load {load()}  {'; '.join(problems[:2])}", flush=True)
    return rows


def run(label: str, out: Path, **kwargs) -> Path:
    from corpus_tools.report import run_notebooks

    t0 = time.perf_counter()
    status = run_notebooks(out=out, progress=False, **kwargs)
    print(f"{label}: corpus-tools run in {time.perf_counter() - t0:.0f} s (status {status}, load {load()})",
          flush=True)
    if status != 0:
        raise SystemExit(f"the {label} run failed")
    return out / "reports"


def table(rows: list[dict]) -> str:
    lines = ["| corpus | report | size (MB) | explorers | open (ms, median) | within budget | load average |",
             "|---|---|---:|---:|---:|:---:|---|"]
    for r in rows:
        lines.append(f"| {r['corpus']} | {r['report']} | {r['MB']:.2f} | {r['explorers']} | {r['open_ms']:.0f} | "
                     f"{'yes' if r['ok'] else 'NO'} | {r['load']} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Vega-Lite against Bokeh: the same explorer, the same data
# ---------------------------------------------------------------------------
def bokeh_page(explorer) -> str:
    """The distinctive-terms explorer drawn with Bokeh (inline resources), for the comparison only."""
    from bokeh.embed import file_html
    from bokeh.layouts import column, row
    from bokeh.models import AutocompleteInput, BooleanFilter, CDSView, ColumnDataSource, CustomJS, Div, HoverTool, Select
    from bokeh.plotting import figure
    from bokeh.resources import INLINE

    from corpus_tools.explore.page import json_for_html

    pts = explorer.tables["points"]
    st = explorer.state
    src = ColumnDataSource(pts)
    view = CDSView(filter=BooleanFilter((pts["group"] == st["group"]).tolist()))
    p = figure(width=640, height=430, x_axis_type="log", tools="pan,wheel_zoom,reset,tap")
    r = p.scatter("freq", "z", source=src, view=view, size=5)
    p.add_tools(HoverTool(renderers=[r], tooltips=[(c, f"@{c}") for c in ["term", *st["stats"]]]))
    group = Select(value=st["group"], options=st["groups"], title="Group")
    term = AutocompleteInput(completions=st["terms"], title="Term", value=st["term"])
    div = Div(text="", width=900)
    kwic = json_for_html({c: explorer.tables["kwic"][c].tolist() for c in explorer.tables["kwic"].columns})
    docs = json_for_html(explorer.tables["docs"]["label"].tolist())
    show = CustomJS(args=dict(div=div, group=group, term=term), code=(
        "const K = window.KWIC, D = window.DOCS, t = term.value; let h = '';"
        "for (let i = 0; i < K.term.length; i++) if (K.term[i] === t) h += `<tr><td>${D[K.doc[i]]} (${K.group[i]})"
        "</td><td>${K.left[i]}</td><td><b>${K.keyword[i]}</b></td><td>${K.right[i]}</td></tr>`;"
        "div.text = `<b>${t}</b><table>${h}</table>`;"))
    term.js_on_change("value", show)
    group.js_on_change("value", CustomJS(args=dict(src=src, view=view), code=(
        "view.filter.booleans = Array.from(src.data.group, g => g === this.value); src.change.emit();")))
    src.selected.js_on_change("indices", CustomJS(args=dict(src=src, term=term), code=(
        "const i = src.selected.indices[0]; if (i !== undefined) term.value = src.data.term[i];")))
    page = file_html(column(row(group, term), p, div), resources=INLINE, title="bokeh explorer")
    ready = ("<script>window.KWIC = " + kwic + "; window.DOCS = " + docs + ";"
             "window.addEventListener('load', () => { const c = () => { if (window.Bokeh && Bokeh.index && "
             "Object.keys(Bokeh.index).length) { document.body.dataset.benchMs = performance.now(); "
             "} else setTimeout(c, 5); }; c(); });</script>")
    head, end, tail = page.rpartition("</body>")
    return head + ready + end + tail


def compare_libraries(tokens_source: str | None, *, repeat: int) -> None:
    try:
        import bokeh
    except ImportError:
        print("--compare-libraries needs Bokeh (pip install bokeh); skipped")
        return
    from corpus_tools import compare, explore, tokenize
    from corpus_tools.notebook import load_selected

    if tokens_source:
        corpus = load_selected(tokens_source, where={"country_iso": ["CHN", "RUS", "USA"]}, date_from="1970",
                               date_to="2023", columns={"author": "country_iso", "date": "year"})
        by, min_count, label = "country_iso", 20, "ungdc"
    else:
        corpus, by, min_count, label = load_selected(None), "author", 3, "seeds"
    tokens = tokenize(corpus, n_jobs=2)
    terms = compare.distinctive_terms(tokens, by=by, min_count=min_count)
    ex = explore.distinctive_explorer(terms, tokens, by=by)
    with tempfile.TemporaryDirectory() as tmp:
        vega = Path(tmp) / "vega-lite.html"
        vega.write_text(ex.page(), encoding="utf-8")
        bk = Path(tmp) / "bokeh.html"
        bk.write_text(bokeh_page(ex), encoding="utf-8")
        print(f"\nThe distinctive-terms explorer of the {label} ({ex.tables['points'].shape[0]:,} points, "
              f"{len(ex.tables['kwic']):,} KWIC lines), standalone pages (Bokeh {bokeh.__version__}):")
        print("| library | size (MB) | open (ms, median) | load average |\n|---|---:|---:|---|")
        for name, page, ready in (("Vega-Lite (vl-convert bundle, inlined)", vega, REPORT_READY),
                                  ("Bokeh (INLINE resources)", bk, BOKEH_READY)):
            median, times, problems = open_ms(page, repeat=repeat, ready=ready)
            print(f"| {name} | {page.stat().st_size / 1e6:.2f} | {median:.0f} | {load()} |"
                  + (f" {problems[:2]}" if problems else ""), flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ungdc", help="the UN General Debate corpus folder: also run examples/ungdc.yaml on it")
    ap.add_argument("--reports", nargs="*", default=[], help="measure these reports/ folders instead of running")
    ap.add_argument("--repeat", type=int, default=3, help="opens per page (median reported)")
    ap.add_argument("--compare-libraries", action="store_true", help="Vega-Lite against Bokeh, then stop")
    args = ap.parse_args(argv)
    if find_chromium() is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    print(f"load average before: {load()}; {os.cpu_count()} cores", flush=True)
    if args.compare_libraries:
        compare_libraries(args.ungdc, repeat=args.repeat)
        return 0
    rows = []
    if args.reports:
        for folder in args.reports:
            rows += measure(Path(folder), Path(folder).resolve().parent.name, repeat=args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="ct-bench-reports-") as tmp:
            rows += measure(run("seeds", Path(tmp) / "seeds"), "seeds", repeat=args.repeat)
            if args.ungdc:
                reports = run("ungdc", Path(tmp) / "ungdc", corpus=args.ungdc,
                              params_file=ROOT / "examples" / "ungdc.yaml")
                rows += measure(reports, "ungdc", repeat=args.repeat)
    print("\n" + table(rows))
    print(f"\nload average after: {load()}")
    bad = [r for r in rows if not r["ok"]]
    if bad:
        print(f"outside the budget (<= {BUDGET_MB} MB, < {BUDGET_MS / 1000:.0f} s, nothing fetched, no error): "
              + ", ".join(f"{r['corpus']}/{r['report']}" for r in bad))
    print(json.dumps({"rows": [{k: v for k, v in r.items() if k != "times"} for r in rows]}, indent=1)
          if os.environ.get("BENCH_JSON") else "", end="")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
