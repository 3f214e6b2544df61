"""Where the topic sweep spends its time: fits, coherence, stability, shuffling.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/topics_sweep.py            # the seeds
    PYTHONPATH=. .venv/bin/python benchmarks/topics_sweep.py --un60     # 60 UN speeches too
    PYTHONPATH=. .venv/bin/python benchmarks/topics_sweep.py --set n_shuffles=9 --set max_units=400

Runs :func:`corpus_tools.topics.sweep` uncached with notebook 01's defaults
(or the ``--set`` overrides) and reports, per part, CPU seconds (this
process) and the wall time and load average of the whole run. CPU time is
the honest number on a shared machine: wall time grows with the load (on
2 cores at load 8, about three times the CPU time). ``--un60`` adds the
five permanent Security Council members' speeches of 2010-2021 from
``data/ungdc`` (60 speeches, about 2,300 paragraphs), a reproducible
selection of the kind the notebook's UNGDC example uses.
"""
from __future__ import annotations

import argparse
import ast
import functools
import os
import time
from pathlib import Path

from gensim.models import CoherenceModel

from corpus_tools import tokenize, topics
from corpus_tools.notebook import load_selected
from corpus_tools.topics import selection

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = dict(k_values=[2, 3, 4, 5, 6], seeds=[0, 1, 2], n_shuffles=topics.DEFAULT_SHUFFLES,
                max_units=topics.DEFAULT_SWEEP_UNITS, passes=topics.DEFAULT_PASSES)


def _timed(times: dict, name: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            times[name] = times.get(name, 0.0) + time.process_time() - start

    return wrapper


def time_sweep(tokens, label: str, **options) -> dict:
    """Run one uncached sweep with the parts timed; returns a row of results."""
    times: dict[str, float] = {}
    patches = {
        (selection, "fit_lda_bow"): "fits",
        (selection, "shuffle_bow"): "shuffles",
        (selection, "seed_stability"): "stability",
        (selection, "prepare_bow"): "bag-of-words",
        (CoherenceModel, "get_coherence_per_topic"): "coherence",
    }
    saved = {key: getattr(*key) for key in patches}
    for (owner, name), part in patches.items():
        setattr(owner, name, _timed(times, part, saved[(owner, name)]))
    try:
        cpu, wall = time.process_time(), time.time()
        sweep = topics.sweep(tokens, cache=False, **options)
        cpu, wall = time.process_time() - cpu, time.time() - wall
    finally:
        for (owner, name), fn in saved.items():
            setattr(owner, name, fn)
    ranked = topics.rank_k(sweep)
    n_fits = len(sweep)
    return {
        "corpus": label, "models": n_fits, "cpu_s": round(cpu, 1), "wall_s": round(wall, 1),
        "load": round(os.getloadavg()[0], 1), **{f"{k}_s": round(v, 1) for k, v in times.items()},
        "chosen_k": int(ranked.loc[ranked["chosen"], "k"].iloc[0]), "beats_null": bool(ranked["beats_null"].any()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--un60", action="store_true", help="also time 60 UN speeches")
    ap.add_argument("--ungdc", default=str(ROOT / "data" / "ungdc"), help="the unpacked UNGDC (default: data/ungdc)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a sweep option")
    args = ap.parse_args()
    options = dict(DEFAULTS)
    for item in args.set:
        name, value = item.split("=", 1)
        options[name] = ast.literal_eval(value)
    print("options:", options)
    rows = [time_sweep(tokenize(load_selected(None)), "seeds", **options)]
    if args.un60:
        corpus = load_selected(
            args.ungdc, where={"country_iso": ["CHN", "FRA", "GBR", "RUS", "USA"]},
            date_from="2010", date_to="2021", columns={"author": "country_iso", "date": "year"},
        )
        rows.append(time_sweep(tokenize(corpus), f"UNGDC P5 2010-2021 ({len(corpus)} speeches)", **options))
    for row in rows:
        print(" | ".join(f"{k} {v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
