"""The Dask engine on the UN General Debate corpus and on the corpus repeated 10 times.

Usage:
    .venv/bin/python benchmarks/distributed.py UNGDC_DIR [--repeat 1 10] [--workers 2] [--memory 1.5GB] [--lda]

UNGDC_DIR is the unpacked ``ungdc/`` folder (``metadata.csv`` + ``TXT/``). For a
repeat r > 1 a corpus of r copies of every speech (file names prefixed ``r01_`` …,
the sidecar's rows repeated; hard links where the file system allows, else
copies) is made under the temporary folder and removed afterwards: it is never
written into the repository or its ``data/``.

Each repeat runs on a fresh ``LocalCluster`` of ``--workers`` single-threaded worker
processes with a memory limit of ``--memory`` each: plan the partitions (client),
tokenize them on the workers (``distributed.tokenize_partitioned``), then
frequencies by year, trend of 10 concepts by year, and distinctive terms by decade
(token tests), each a reduction over the partitions; ``--lda`` adds one streamed
pass of LDA (k=20, documents) on the client.

Memory is measured honestly: per worker, the kernel's peak resident size of the
worker process (``ru_maxrss``, read on the worker) and the largest sample of
Dask's own monitor (what the nanny's memory limit sees), taken every 0.5 s; a
worker whose pid changed was restarted (counted). The client's peak is its own
``ru_maxrss``; it is a fresh subprocess per repeat, so peaks do not carry over.

Prints one line per repeat and the growth from the first to the last repeat, and
writes ``benchmarks/results/distributed.csv``.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is named distributed.py: drop its folder from the path, or "import
# distributed" (Dask's package) would import this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
RESULTS = ROOT / "benchmarks" / "results"
CONCEPTS = {
    "sovereignty": ["sovereignty", "sovereign"],
    "hegemony": ["hegemony", "hegemonic", "hegemonism"],
    "multipolar": ["multipolar", "multipolar_world", "multipolarity", "multipolarization"],
    "terrorism": ["terrorism", "terrorist"],
    "development": ["development"],
    "human rights": ["human_rights"],
    "climate": ["climate", "climate_change"],
    "disarmament": ["disarmament"],
    "colonialism": ["colonialism", "colonial", "decolonization"],
    "peacekeeping": ["peacekeeping"],
}
COLUMNS = {"author": "country_iso", "date": "year"}


def make_repeated(src: Path, repeat: int, dest: Path) -> Path:
    """``repeat`` copies of the corpus in ``dest`` (hard links when possible), with a sidecar listing them."""
    with open(src / "metadata.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    out_rows = []
    for r in range(1, repeat + 1):
        for row in rows:
            rel = Path(row["file"])
            new = rel.parent / f"r{r:02d}_{rel.name}"
            target = dest / new
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src / rel, target)
            except OSError:
                shutil.copyfile(src / rel, target)
            out_rows.append({**row, "file": new.as_posix()})
    with open(dest / "metadata.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(out_rows)
    return dest


class ClientPeaks:
    """The client's resident memory sampled every 0.1 s (psutil): the peak of each stage, in MB."""

    def __init__(self):
        import threading

        import psutil

        self.proc = psutil.Process()
        self.peaks: dict[str, float] = {}
        self.stage = "start"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.1):
            rss = self.proc.memory_info().rss / 1e6
            self.peaks[self.stage] = max(self.peaks.get(self.stage, 0.0), rss)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        return {k: round(v) for k, v in self.peaks.items()}


def run_one(corpus: Path, workers: int, memory: str, lda: bool) -> dict:
    """One repeat, in this (fresh) process: the stages' wall times and the memory peaks."""
    from distributed import Client, LocalCluster

    from corpus_tools import distributed as dist
    from corpus_tools.corpus import plan_partitions

    warnings.simplefilter("ignore")  # the repeated corpus is all duplicates, by design
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit=memory,
                           dashboard_address=None)
    client = Client(cluster)
    probe = dist.MemoryProbe(client).start()
    client_peaks = ClientPeaks()
    times = {}
    cache = Path(tempfile.mkdtemp(prefix="dist-bench-cache-"))
    t0 = time.perf_counter()
    try:
        client_peaks.stage = "plan"
        t = time.perf_counter()
        plan = plan_partitions(corpus, columns=COLUMNS)
        times["plan"] = time.perf_counter() - t
        client_peaks.stage = "tokenize"
        t = time.perf_counter()
        tokens = dist.tokenize_partitioned(plan, client=client, cache=cache, progress=False)
        times["tokenize"] = time.perf_counter() - t
        client_peaks.stage = "frequencies"
        t = time.perf_counter()
        dist.frequencies(tokens, by="year", client=client, progress=False)
        times["frequencies"] = time.perf_counter() - t
        client_peaks.stage = "trend"
        t = time.perf_counter()
        dist.trend(tokens, CONCEPTS, by="year", client=client, progress=False)
        times["trend"] = time.perf_counter() - t
        client_peaks.stage = "distinctive_terms"
        t = time.perf_counter()
        dist.distinctive_terms(tokens, by="decade", test="tokens", min_count=20, client=client, progress=False)
        times["distinctive_terms"] = time.perf_counter() - t
        if lda:
            client_peaks.stage = "lda"
            t = time.perf_counter()
            dist.fit_lda_streaming(tokens, k=20, unit="document", no_below=20, no_above=0.5, passes=1)
            times["lda"] = time.perf_counter() - t
        wall = time.perf_counter() - t0
        report = probe.stop()
        stage_peaks = client_peaks.stop()
        return {"documents": len(tokens.docs), "tokens": len(tokens), "partitions": tokens.n_partitions,
                "wall_s": wall, "times": times,
                "worker_peak_rss_mb": max(w["peak_rss"] for w in report["workers"].values()) / 1e6,
                "worker_dask_max_mb": max(w["dask_max"] for w in report["workers"].values()) / 1e6,
                "client_peak_rss_mb": report["client_peak_rss"] / 1e6, "restarted": report["restarted"],
                "client_stage_peaks_mb": stage_peaks}
    finally:
        client.close()
        cluster.close()
        shutil.rmtree(cache, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ungdc", type=Path)
    parser.add_argument("--repeat", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", default="1.5GB")
    parser.add_argument("--lda", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one repeat in a fresh process
        print(json.dumps(run_one(Path(args.child), args.workers, args.memory, args.lda)))
        return 0
    rows = []
    for repeat in args.repeat:
        tmp = Path(tempfile.mkdtemp(prefix=f"ungdc-x{repeat}-"))
        try:
            corpus = args.ungdc if repeat == 1 else make_repeated(args.ungdc, repeat, tmp / "corpus")
            load_before = os.getloadavg()
            cmd = [sys.executable, __file__, str(args.ungdc), "--workers", str(args.workers), "--memory",
                   args.memory, "--child", str(corpus)] + (["--lda"] if args.lda else [])
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ})
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result.update(repeat=repeat, load_before=" ".join(f"{x:.1f}" for x in load_before),
                          load_after=" ".join(f"{x:.1f}" for x in os.getloadavg()))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        rows.append(result)
        stages = ", ".join(f"{k} {v:.0f}s" for k, v in result["times"].items())
        print(f"x{repeat}: {result['documents']:,} documents, {result['tokens']:,} tokens in "
              f"{result['partitions']} partitions; wall {result['wall_s']:.0f}s ({stages}); peak per worker "
              f"{result['worker_peak_rss_mb']:.0f} MB (Dask monitor {result['worker_dask_max_mb']:.0f} MB), client "
              f"{result['client_peak_rss_mb']:.0f} MB; workers restarted: {result['restarted']}; load "
              f"{result['load_before']} -> {result['load_after']}; client RSS peak per stage (MB) "
              f"{result['client_stage_peaks_mb']}", flush=True)
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(f"x{a['repeat']} -> x{b['repeat']}: time x{b['wall_s'] / a['wall_s']:.1f}, worker peak "
              f"x{b['worker_peak_rss_mb'] / a['worker_peak_rss_mb']:.2f}, client peak "
              f"x{b['client_peak_rss_mb'] / a['client_peak_rss_mb']:.2f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    keys = ["repeat", "documents", "tokens", "partitions", "wall_s", "worker_peak_rss_mb", "worker_dask_max_mb",
            "client_peak_rss_mb", "restarted", "load_before", "load_after"]
    with open(RESULTS / "distributed.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(keys + ["stages", "client_stage_peaks_mb"])
        for r in rows:
            w.writerow([r[k] if not isinstance(r[k], float) else round(r[k], 1) for k in keys]
                       + [json.dumps({k: round(v, 1) for k, v in r["times"].items()}),
                          json.dumps(r["client_stage_peaks_mb"])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
