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

The choice of Vega-Lite over Bokeh was measured with the same explorer drawn
by both (``--compare-libraries`` of this script at commit 7e9c50b:
``git show 7e9c50b:benchmarks/reports.py``); the numbers are in
``benchmarks/README.md``. Bokeh is not a dependency, and this script no
longer imports it.
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
            times.append(max([state["load_ms"] or 0.0, *state["ready_ms"]]))
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ungdc", help="the UN General Debate corpus folder: also run examples/ungdc.yaml on it")
    ap.add_argument("--reports", nargs="*", default=[], help="measure these reports/ folders instead of running")
    ap.add_argument("--repeat", type=int, default=3, help="opens per page (median reported)")
    args = ap.parse_args(argv)
    if find_chromium() is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    print(f"load average before: {load()}; {os.cpu_count()} cores", flush=True)
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
