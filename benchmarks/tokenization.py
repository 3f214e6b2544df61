"""Benchmark corpus_tools.tokens.tokenize against simple baselines.

Usage::

    .venv/bin/python benchmarks/tokenization.py CORPUS_DIR [--limit N] [--repeat R] [--subset F]

Prints a Markdown table of MB/s (UTF-8 bytes of the body paragraphs) and
documents/s for:

* the floor: ``re.findall(r"\\w+", text.lower())`` per document;
* the full pipeline (``tokenize(corpus, cache=False)``) on 1 and on 2 processes;
* a cold cache (tokenize and write the Arrow IPC cache) and a cached reload
  (the same call again), in a temporary cache folder;
* NLTK's ``NLTKWordTokenizer`` alone and NLTK's Punkt sentence splitter (with
  explicit ``PunktParameters``) alone, on a subset of the documents (``--subset``,
  default 10%), scaled to MB/s and labelled as such.

The corpus content hash is computed once before the timings (reported as its
own row) so that every pipeline row measures tokenization only. Loading the
corpus is not timed. Timings are wall-clock (with the CPU time of the same run:
this process plus its worker processes); with ``--repeat R`` each row is the
best of R runs. The machine's load average is printed before and after,
since other processes on a shared machine change the numbers.
"""
from __future__ import annotations

import os
import sys

# This file is named like the standard library's ``tokenize`` module, which
# ``inspect``/``linecache`` import: take its own folder off the import path first.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

import argparse
import datetime as dt
import platform
import re
import tempfile
import time
import warnings

from corpus_tools import __version__  # noqa: E402
from corpus_tools.corpus import load_corpus  # noqa: E402
from corpus_tools.errors import CorpusWarning  # noqa: E402
from corpus_tools.tokens import tokenize  # noqa: E402


_CPU: dict[str, float] = {}  # label -> CPU seconds of the best run (this process + children)


def _cpu() -> float:
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best_of(repeat: int, fn):
    """Best wall time of ``repeat`` runs; the CPU time of that run is kept in _LAST_CPU."""
    global _LAST_CPU
    best, result = float("inf"), None
    for _ in range(repeat):
        c = _cpu()
        t = time.perf_counter()
        result = fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, _LAST_CPU = wall, _cpu() - c
    return best, result


_LAST_CPU = 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", help="corpus folder (or table) for load_corpus")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N documents")
    ap.add_argument("--repeat", type=int, default=1, help="best of R runs per row (default 1)")
    ap.add_argument("--subset", type=float, default=0.1,
                    help="fraction of documents for the slow NLTK rows (default 0.1)")
    args = ap.parse_args(argv)

    print(f"# tokenize benchmark, {dt.date.today().isoformat()}", flush=True)
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, corpus_tools {__version__}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        corpus = load_corpus(args.corpus)
    if args.limit:
        corpus = corpus.select(doc_ids=corpus.doc_ids[: args.limit])
    load_s = time.perf_counter() - t
    docs = list(corpus)
    mb = sum(len(p.encode("utf-8")) for d in docs for p in d.paragraphs) / 1e6
    n_docs = len(docs)
    print(f"corpus: {args.corpus}: {n_docs} documents, {mb:.1f} MB of paragraph text "
          f"(loaded in {load_s:.1f} s, not timed below)\n", flush=True)

    rows: list[tuple[str, float, float, float, float]] = []  # label, seconds, cpu, MB, docs

    def add(label: str, seconds: float, mbytes: float = mb, ndocs: int = n_docs) -> None:
        rows.append((label, seconds, _LAST_CPU, mbytes, ndocs))
        print(f"  {label}: {seconds:.2f} s (CPU {_LAST_CPU:.2f} s)", flush=True)

    s, _ = best_of(1, corpus.content_hash)
    add("corpus.content_hash() (once, before the rows below)", s)

    def floor():
        for d in docs:
            re.findall(r"\w+", d.text.lower())

    s, _ = best_of(args.repeat, floor)
    add('floor: re.findall(r"\\w+", text.lower())', s)
    floor_s = s

    s, tok1 = best_of(args.repeat, lambda: tokenize(corpus, cache=False, n_jobs=1, progress=False))
    add("tokenize, full pipeline, 1 process (cache=False)", s)
    serial_s, serial_cpu = s, _LAST_CPU
    n_tokens = len(tok1)
    del tok1
    s, _ = best_of(args.repeat, lambda: tokenize(corpus, cache=False, n_jobs=2, progress=False))
    add("tokenize, full pipeline, 2 processes (cache=False)", s)
    par_s, par_cpu = s, _LAST_CPU

    with tempfile.TemporaryDirectory(prefix="tokbench-") as tmp:
        s, t1 = best_of(1, lambda: tokenize(corpus, cache=tmp, n_jobs=1, progress=False))
        assert not t1.from_cache
        del t1
        add("tokenize + write cache, 1 process (cold cache)", s)
        cold_s = s
        s, t2 = best_of(max(args.repeat, 3), lambda: tokenize(corpus, cache=tmp, progress=False))
        assert t2.from_cache
        del t2
        add("cached reload (best of 3 or more)", s)
        reload_s = s

        def reload_and_touch():
            t = tokenize(corpus, cache=tmp, progress=False)
            # the token columns are memory-mapped: read every one of them once
            for name, col in t.frame.items():
                a = col.cat.codes.to_numpy() if hasattr(col, "cat") else col.to_numpy()
                int(a.sum())
            len(t.sentences), len(t.paragraph_texts())
            return t

        s, t3 = best_of(max(args.repeat, 3), reload_and_touch)
        del t3
        add("cached reload + read every column + paragraph texts (best of 3 or more)", s)
        touch_s = s

    # NLTK baselines on a subset
    k = max(1, int(round(n_docs * args.subset)))
    sub = docs[:k]
    sub_mb = sum(len(p.encode("utf-8")) for d in sub for p in d.paragraphs) / 1e6
    from nltk.tokenize import NLTKWordTokenizer
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    word_tok = NLTKWordTokenizer()

    def nltk_words():
        for d in sub:
            for p in d.paragraphs:
                word_tok.tokenize(p)

    s, _ = best_of(1, nltk_words)
    add(f"NLTKWordTokenizer alone, first {k} documents ({args.subset:.0%}), scaled", s, sub_mb, k)
    params = PunktParameters()
    params.abbrev_types = {"u.s", "u.k", "ph.d", "mr", "mrs", "ms", "dr", "prof", "jan", "feb",
                           "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
                           "no", "st", "gen", "e.g", "i.e", "etc", "vs"}
    punkt = PunktSentenceTokenizer(params)

    def nltk_punkt():
        for d in sub:
            for p in d.paragraphs:
                list(punkt.span_tokenize(p))

    s, _ = best_of(1, nltk_punkt)
    add(f"Punkt sentence splitting alone, first {k} documents ({args.subset:.0%}), scaled", s, sub_mb, k)

    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| step | wall s | CPU s | MB/s | docs/s | vs floor |")
    print("|---|---:|---:|---:|---:|---:|")
    floor_rate = mb / floor_s
    for label, sec, cpu, mbytes, nd in rows:
        rate = mbytes / sec
        print(f"| {label} | {sec:.2f} | {cpu:.2f} | {rate:.1f} | {nd / sec:,.0f} | {rate / floor_rate:.2f}x |")
    print()
    print(f"tokens: {n_tokens:,}")
    print(f"2 processes vs 1: {serial_s / par_s:.2f}x faster (wall); CPU used: {par_cpu:.1f} s vs "
          f"{serial_cpu:.1f} s, so on 2 otherwise idle cores at best {2 * serial_s / max(par_cpu, serial_cpu):.2f}x")
    print(f"cached reload vs tokenizing (1 process, cache=False): {serial_s / reload_s:.1f}x faster; "
          f"vs tokenize + write cache: {cold_s / reload_s:.1f}x faster")
    print(f"cached reload + reading all the data vs tokenizing (1 process, cache=False): "
          f"{serial_s / touch_s:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
