"""Time and memory of each notebook on a corpus, as a researcher runs them: `corpus-tools run`.

Usage:
  .venv/bin/python benchmarks/notebooks.py --corpus data/ungdc --params examples/ungdc-60.yaml
  .venv/bin/python benchmarks/notebooks.py --corpus data/ungdc --params examples/ungdc-full.yaml

Cold: a fresh cache folder (token table, topic sweep, figures) in a temporary
folder, so every notebook computes everything. The notebooks run one at a
time in their order (``--only NN``, the same output folder, so notebook 03
finds notebook 01's topic mixtures), each timed by the wall clock. A sampler
thread reads, every 0.1 s, the resident memory (RSS) of this process and of
every process below it (the notebook's kernel and the kernel's tokenizer
workers), and keeps each process's peak: the table gives the largest single
process and the largest sum at any instant, per notebook.

Prints a table and the total, and writes ``benchmarks/results/notebooks-<params stem>.csv``.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus_tools.report import discover_notebooks, run_notebooks  # noqa: E402

MB = 1024 * 1024


class Sampler(threading.Thread):
    """Peak RSS of this process's tree: the largest single process and the largest sum."""

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval, self.stopped = interval, threading.Event()
        self.peak_one = self.peak_sum = 0
        self.peak_name = ""

    def run(self) -> None:
        me = psutil.Process()
        while not self.stopped.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    rss = p.memory_info().rss
                    name = " ".join(p.cmdline()[1:3])[-60:]
                except psutil.Error:
                    continue
                total += rss
                if rss > self.peak_one:
                    self.peak_one, self.peak_name = rss, name
            self.peak_sum = max(self.peak_sum, total)
            self.stopped.wait(self.interval)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--params", required=True)
    parser.add_argument("--results", default=str(ROOT / "benchmarks" / "results"))
    args = parser.parse_args()
    prefixes = [p.name[:2] for p in discover_notebooks(ROOT / "notebooks")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CORPUS_TOOLS_CACHE_DIR"] = str(Path(tmp) / "cache")
        out = Path(tmp) / "out"
        for prefix in prefixes:
            sampler = Sampler()
            sampler.start()
            t0 = time.perf_counter()
            status = run_notebooks(corpus=args.corpus, params_file=args.params, out=out, only=[prefix],
                                   progress=False)
            wall = time.perf_counter() - t0
            sampler.stopped.set()
            sampler.join()
            rows.append({"notebook": prefix, "status": "ok" if status == 0 else "FAILED", "wall_s": round(wall, 1),
                         "peak_process_mb": round(sampler.peak_one / MB), "peak_sum_mb": round(sampler.peak_sum / MB),
                         "largest_process": sampler.peak_name})
            print(f"{prefix}: {rows[-1]}", flush=True)
    total = sum(r["wall_s"] for r in rows)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{'notebook':<10}{'status':>8}{'wall s':>9}{'peak process MB':>17}{'peak sum MB':>13}")
    for r in rows:
        print(f"{r['notebook']:<10}{r['status']:>8}{r['wall_s']:>9.1f}{r['peak_process_mb']:>17,}{r['peak_sum_mb']:>13,}")
    print(f"{'total':<10}{'':>8}{total:>9.1f}{max(r['peak_process_mb'] for r in rows):>17,}"
          f"{max(r['peak_sum_mb'] for r in rows):>13,}")
    print(f"cold cache; {psutil.cpu_count()} cores; load average (1, 5, 15 min) at the end: {load}")
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    target = results / f"notebooks-{Path(args.params).stem}.csv"
    with open(target, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


if __name__ == "__main__":
    main()
