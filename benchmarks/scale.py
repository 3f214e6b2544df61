"""Every analysis stage on the UN General Debate corpus, at several corpus sizes.

Usage:
    .venv/bin/python benchmarks/scale.py UNGDC_DIR [--fractions 0.1 0.3 1.0] [--n-boot 1000]

UNGDC_DIR is the unpacked ``ungdc/`` folder (``tar -xJf ../shared/corpora/ungdc.tar.xz
-C data``). For each fraction, a fixed-seed sample of the speeches is listed in a
temporary metadata sidecar and every stage runs in a fresh subprocess, so that peak
memory is that fraction's alone. A sampling thread records every 50 ms the memory of
the process and its children (tokenizer workers): the PSS sum (shared pages split
among the processes that share them; the job's real footprint), the RSS sum (counts
pages shared with forked workers once per process) and the main process's RSS.

Stages: load (with metadata.csv); tokenize cold with n_jobs=2; tokenize again from the
cache; dictionary + streamed bag-of-words; fit_lda k=20 on documents, one pass;
keywords.trend for 10 concepts by year (``--n-boot`` is accepted but unused since trend's
intervals are stats.rate_ci, not a bootstrap); compare.distinctive_terms for
the five permanent Security Council members.

Prints a table per fraction, writes benchmarks/results/scale.csv and
benchmarks/results/scale.png (cost against corpus size).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
P5 = ["CHN", "FRA", "GBR", "RUS", "USA"]
STAGES = ["load", "tokenize_cold", "tokenize_cached", "bag_of_words", "fit_lda", "trend", "distinctive_terms"]


class PeakRSS:
    """Peak memory (MB) while active: this process's RSS, and the sum over it and its children.

    Two sums are sampled: RSS, which counts the pages that forked tokenizer
    workers share with the parent once per process (an overcount), and PSS
    (proportional set size, Linux ``smaps_rollup``), which splits each shared
    page among the processes sharing it, so the PSS sum is the memory the
    whole job really occupies. ``peak`` is the PSS sum where available.
    """

    def __init__(self, interval: float = 0.05):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak_rss_main = 0
        self.peak_rss_sum = 0
        self.peak_pss_sum = 0
        self._stop = threading.Event()

    @staticmethod
    def _read(p) -> tuple[int, int]:
        try:
            full = p.memory_full_info()
            return full.rss, getattr(full, "pss", full.rss)
        except Exception:  # a worker may exit between listing and reading
            return 0, 0

    def _sample(self) -> None:
        rss, pss = self._read(self.proc)
        self.peak_rss_main = max(self.peak_rss_main, rss)
        for child in self.proc.children(recursive=True):
            r, p = self._read(child)
            rss += r
            pss += p
        self.peak_rss_sum = max(self.peak_rss_sum, rss)
        self.peak_pss_sum = max(self.peak_pss_sum, pss)

    @property
    def peak(self) -> int:
        return self.peak_pss_sum or self.peak_rss_sum

    def _run(self):
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()


def worker(corpus_dir: Path, fraction: float, n_boot: int, out: Path) -> None:
    """Run every stage on one fraction; write a JSON list of stage results."""
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from corpus_tools import compare, keywords, load_corpus, topics
    from corpus_tools.tokens import tokenize

    warnings.simplefilter("ignore")
    meta = pd.read_csv(corpus_dir / "metadata.csv", dtype=str, keep_default_na=False)
    n = max(1, round(len(meta) * fraction))
    rng = np.random.default_rng(0)
    sample = meta.iloc[np.sort(rng.choice(len(meta), size=n, replace=False))]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        sidecar = Path(tmp) / "metadata.csv"
        sample.to_csv(sidecar, index=False)
        cache = Path(tmp) / "cache"
        state: dict = {}

        def stage(name, fn):
            with PeakRSS() as mem:
                t0 = time.perf_counter()
                fn()
                wall = time.perf_counter() - t0
            results.append(
                {"fraction": fraction, "stage": name, "docs": n, "wall_s": round(wall, 3),
                 "peak_pss_mb": round(mem.peak / 2**20, 1),
                 "peak_rss_main_mb": round(mem.peak_rss_main / 2**20, 1),
                 "peak_rss_sum_mb": round(mem.peak_rss_sum / 2**20, 1),
                 "docs_per_s": round(n / wall, 1) if wall else None}
            )
            print(f"  {name:<18} {wall:8.2f} s  {mem.peak / 2**20:8.0f} MB", file=sys.stderr, flush=True)

        def load():
            state["corpus"] = load_corpus(corpus_dir, metadata=sidecar, columns={"author": "country_iso", "date": "year"})
            state["mb"] = sum(len(p.encode()) for d in state["corpus"] for p in d.paragraphs) / 2**20

        def tok_cold():
            state["tokens"] = tokenize(state["corpus"], n_jobs=2, cache=cache)

        def tok_warm():
            # a rerun starts from a fresh kernel: the cold run's table is gone
            state.pop("tokens")
            gc.collect()
            state["tokens"] = tokenize(state["corpus"], n_jobs=2, cache=cache)

        def bow():
            state["bow"] = topics.prepare_bow(state["tokens"], unit="document", no_below=5, no_above=0.5)

        def lda():
            state["model"] = topics.fit_lda(state["tokens"], k=20, unit="document", passes=1, no_below=5, no_above=0.5)

        def trend():
            keywords.trend(state["tokens"], CONCEPTS, by="year")  # rate_ci intervals: n_boot is unused

        def distinctive():
            docs = state["tokens"].docs
            ids = docs.loc[docs["country_iso"].isin(P5), "doc_id"].tolist()
            compare.distinctive_terms(state["tokens"].select(ids), by="country_iso", min_count=10)

        for name, fn in zip(STAGES, (load, tok_cold, tok_warm, bow, lda, trend, distinctive)):
            stage(name, fn)
        for r in results:
            r["mb_text"] = round(state["mb"], 1)
    out.write_text(json.dumps(results))


def plot(frame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    sys.path.insert(0, str(ROOT))
    from corpus_tools.plots import save_figure, use_style

    use_style()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    for stage, sub in frame.groupby("stage", sort=False):
        axes[0].plot(sub["docs"], sub["wall_s"], marker="o", label=stage)
        axes[1].plot(sub["docs"], sub["peak_pss_mb"], marker="o", label=stage)
    docs = sorted(frame["docs"].unique())
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("speeches in the sample (log scale)")
        ax.set_xticks(docs, [f"{d:,}" for d in docs])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.grid(alpha=0.3)
    # a reference slope of 1 (linear cost) through the median stage's first point
    first = frame[frame["docs"] == docs[0]]["wall_s"].median()
    axes[0].plot(docs, [first * d / docs[0] for d in docs], "k--", lw=1, label="linear reference")
    axes[0].set_ylabel("wall time, s (log scale)")
    axes[0].set_title("Time per stage")
    ticks = [t for t in (0.03, 0.1, 0.3, 1, 3, 10, 30, 100) if frame["wall_s"].min() / 2 <= t <= frame["wall_s"].max() * 2]
    axes[0].yaxis.set_major_locator(FixedLocator(ticks))
    axes[0].set_yticks(ticks, [f"{t:g}" for t in ticks])
    axes[0].yaxis.set_minor_formatter(NullFormatter())
    axes[1].axhline(3072, color="C3", ls=":", lw=1.2, label="target: 3 GB")
    axes[1].set_ylabel("peak memory, MB (log scale)")
    axes[1].set_title("Peak memory (PSS of process + tokenizer workers)")
    mticks = [t for t in (250, 500, 1000, 2000, 3072) if frame["peak_pss_mb"].min() / 1.5 <= t <= 3500]
    axes[1].set_yticks(mticks, [f"{t:,}" for t in mticks])
    axes[1].yaxis.set_minor_formatter(NullFormatter())
    handles, labels = axes[0].get_legend_handles_labels()
    h2, l2 = axes[1].get_legend_handles_labels()
    handles.append(h2[-1])
    labels.append(l2[-1])
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=8, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    save_figure(fig, path.stem, frame, directory=path.parent)


def main() -> None:
    parser = argparse.ArgumentParser(description="scale benchmark on the UN General Debate corpus")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.1, 0.3, 1.0])
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="folder for scale.csv and scale.png (default: benchmarks/results)")
    parser.add_argument("--plot-only", action="store_true",
                        help="redraw scale.png from an existing scale.csv in --results")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.corpus, args.fractions[0], args.n_boot, args.json)
        return
    import pandas as pd

    if args.plot_only:
        plot(pd.read_csv(args.results / "scale.csv"), args.results / "scale.png")
        return
    if not (args.corpus / "metadata.csv").exists():
        raise SystemExit(f"{args.corpus}: no metadata.csv; pass the unpacked ungdc/ folder")
    rows = []
    for fraction in args.fractions:
        print(f"fraction {fraction}:", file=sys.stderr, flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            out = Path(fh.name)
        subprocess.run(
            [sys.executable, __file__, str(args.corpus), "--fractions", str(fraction),
             "--n-boot", str(args.n_boot), "--worker", "--json", str(out)],
            check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        rows.extend(json.loads(out.read_text()))
        out.unlink()
    frame = pd.DataFrame(rows)
    args.results.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.results / "scale.csv", index=False)
    pd.set_option("display.width", 160)
    for fraction, sub in frame.groupby("fraction"):
        print(f"\nfraction {fraction}: {sub['docs'].iloc[0]:,} speeches, {sub['mb_text'].iloc[0]:.1f} MB of text")
        print(sub[["stage", "wall_s", "peak_pss_mb", "peak_rss_main_mb", "peak_rss_sum_mb", "docs_per_s"]]
              .to_string(index=False))
        cold = sub[sub["stage"] != "tokenize_cached"]["wall_s"].sum()
        warm = sub[sub["stage"] != "tokenize_cold"]["wall_s"].sum()
        print(f"end to end: cold {cold:.1f} s, warm {warm:.1f} s; peak memory {sub['peak_pss_mb'].max():.0f} MB "
              f"(PSS, process + workers); main process RSS {sub['peak_rss_main_mb'].max():.0f} MB")
    fr = sorted(frame["fraction"].unique())
    if len(fr) > 1:
        lo, hi = fr[0], fr[-1]
        print(f"\ngrowth {hi}/{lo} (target <= {12 * hi / lo / 10:.0f}x for 10x the data):")
        for stage in STAGES:
            a = frame[(frame["fraction"] == lo) & (frame["stage"] == stage)]["wall_s"].iloc[0]
            b = frame[(frame["fraction"] == hi) & (frame["stage"] == stage)]["wall_s"].iloc[0]
            print(f"  {stage:<18} {b / a:6.1f}x")
    plot(frame, args.results / "scale.png")


if __name__ == "__main__":
    main()
