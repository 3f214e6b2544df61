"""Choosing the number of topics: a sweep over k and seeds, and the rule that picks k.

:func:`sweep` fits one model per (k, seed) and scores it for coherence
(Röder, Both & Hinneburg 2015) and seed stability (:func:`seed_stability`,
after Greene, O'Callaghan & Cunningham 2014); :func:`rank_k` and
:func:`choose_k` turn the sweep into a choice. The sweep table is cached
through :class:`corpus_tools.cache.Store` (``.cache/sweeps/``).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from gensim.models import CoherenceModel

from .. import stats
from ..cache import Store, library_versions, make_key, source_hash
from ..errors import ParameterError
from .model import (
    DEFAULT_COHERENCE_UNITS,
    DEFAULT_ITERATIONS,
    DEFAULT_KEEP_N,
    DEFAULT_NO_ABOVE,
    DEFAULT_NO_BELOW,
    DEFAULT_PASSES,
    TOP_N,
    BagOfWords,
    check_k,
    fit_lda_bow,
    prepare_bow,
)

__all__ = ["SWEEP_COLUMNS", "seed_stability", "sweep", "rank_k", "choose_k"]

#: The columns of :func:`sweep`'s table.
SWEEP_COLUMNS = ["k", "seed", "c_v", "c_npmi", "u_mass", "stability"]


def seed_stability(term_sets: dict[int, list[list[str]]]) -> dict[int, float]:
    """Mean best-match Jaccard of each seed's topics against every other seed's topics.

    ``term_sets`` maps each seed to its models' top-N term lists (one list
    per topic, :meth:`TopicModel.term_sets`), all at the same k. Returns
    ``{seed: stability}``, each in [0, 1] (NaN with a single seed).

    For seeds s != s', topics are paired one-to-one by the Hungarian method
    (:func:`corpus_tools.stats.match_topics`, Kuhn 1955) maximising the total
    Jaccard similarity of their top-N term sets; the mean Jaccard of the
    pairs is the agreement of s with s'. A seed's stability is its mean
    agreement with all other seeds. This follows the stability analysis of
    Greene, O'Callaghan & Cunningham (2014, "How many topics? Stability
    analysis for topic models", ECML PKDD), simplified to one ranking depth:
    they average Jaccard over depths 1..t, we use the top-N set only.
    """
    out = {}
    for s, sets in term_sets.items():
        agreements = []
        for s2, sets2 in term_sets.items():
            if s2 == s:
                continue
            pairs = stats.match_topics(sets, sets2)
            agreements.append(float(np.mean([j for _, _, j in pairs])))
        out[s] = float(np.mean(agreements)) if agreements else float("nan")
    return out


def sweep(
    tokens,
    *,
    k_values: Iterable[int],
    seeds: Sequence[int],
    unit: str = "paragraph",
    passes: int = DEFAULT_PASSES,
    iterations: int = DEFAULT_ITERATIONS,
    no_below: int = DEFAULT_NO_BELOW,
    no_above: float = DEFAULT_NO_ABOVE,
    keep_n: int | None = DEFAULT_KEEP_N,
    alpha="auto",
    eta="symmetric",
    top_n: int = TOP_N,
    coherence_units: int = DEFAULT_COHERENCE_UNITS,
    cache: bool | str | os.PathLike = True,
) -> pd.DataFrame:
    """Fit one model per (k, seed) and score each for coherence and stability.

    Coherence is gensim's :class:`~gensim.models.CoherenceModel` on the top
    ``top_n`` terms of every topic, averaged over the model's topics
    (Röder, Both & Hinneburg 2015, "Exploring the space of topic coherence
    measures", WSDM):

    * ``c_v`` -- indirect cosine of NPMI context vectors, 110-token sliding
      windows; the measure they found closest to human ratings.
    * ``c_npmi`` -- mean normalised PMI of term pairs in 10-token windows
      (Aletras & Stevenson 2013; Lau, Newman & Baldwin 2014); in [-1, 1].
    * ``u_mass`` -- log conditional probability from document co-occurrence
      (Mimno et al. 2011); always <= 0, closer to 0 is better.

    ``c_v`` and ``c_npmi`` count co-occurrences in the units' lemma lists
    (stopwords removed). For speed they use at most ``coherence_units``
    units, a fixed-seed random sample when the corpus is larger; ``u_mass``
    uses every unit. All models are scored against the same reference
    counts, so differences between k are not artefacts of the sample.

    ``stability`` is the mean best-match Jaccard overlap of the top-10
    terms between this seed's topics and each other seed's topics at the
    same k, paired by Hungarian matching (:func:`corpus_tools.stats.match_topics`;
    Greene, O'Callaghan & Cunningham 2014). 1 = every seed finds the same
    topics.

    ``cache`` (True: ``.cache/sweeps/``; a folder; False: off) stores the
    result table through :class:`corpus_tools.cache.Store` (Arrow IPC),
    keyed by :func:`corpus_tools.cache.make_key` of everything it depends
    on: the bag-of-words matrix and vocabulary, the coherence texts, every
    parameter, the gensim/numpy/scipy versions and the source of this
    package. A rerun on unchanged input reads the table instead of
    refitting every model (on the seeds 45 fits, ~5 s; on the UNGDC example
    ~50 s); any change refits. Only the table is cached, never a model
    (gensim saves models with pickle). An unreadable entry is reported with
    a :class:`~corpus_tools.errors.CorpusWarning` and recomputed.

    Returns
    -------
    DataFrame ``k, seed, c_v, c_npmi, u_mass, stability``, one row per
    model, sorted by k then seed. Pass it to :func:`choose_k`.

    Raises
    ------
    ParameterError
        As :func:`fit_lda` for any k in ``k_values`` (checked before any model
        is fitted), fewer than 2 distinct seeds (stability needs two), or an
        empty ``k_values``.
    """
    k_values = sorted({int(k) for k in k_values})
    seeds = list(dict.fromkeys(int(s) for s in seeds))
    if not k_values:
        raise ParameterError("k_values is empty; give at least one k (K_VALUES).")
    if len(seeds) < 2:
        raise ParameterError(
            f"seeds={seeds}: stability compares seeds, so give at least 2 distinct seeds (SEEDS)."
        )
    bow = prepare_bow(
        tokens, unit=unit, no_below=no_below, no_above=no_above, keep_n=keep_n, n_texts=coherence_units
    )
    for k in k_values:
        check_k(k, bow, name="k")
    params = dict(
        k_values=k_values, seeds=seeds, unit=unit, passes=passes, iterations=iterations,
        no_below=no_below, no_above=no_above, keep_n=keep_n, alpha=repr(alpha), eta=repr(eta),
        top_n=top_n, coherence_units=coherence_units,
    )
    fit = dict(passes=passes, iterations=iterations, alpha=alpha, eta=eta)
    store = Store("sweeps", cache)
    if not store.prepare():
        return _sweep(bow, k_values=k_values, seeds=seeds, top_n=top_n, fit=fit)
    key = _sweep_key(bow, params)
    # The lock keeps two processes (two notebooks run at once) from fitting
    # the same sweep twice: the second waits and then reads the first's table.
    with store.lock(key):
        cached = _cached_sweep(store, key, n_rows=len(k_values) * len(seeds))
        if cached is not None:
            return cached
        frame = _sweep(bow, k_values=k_values, seeds=seeds, top_n=top_n, fit=fit)
        store.put_frame(key, "sweep", frame)
    return frame


def _sweep_key(bow: BagOfWords, params: dict) -> str:
    """The cache key of a sweep: everything its table depends on."""
    counts = bow.counts
    return make_key(
        "topics.sweep",
        list(counts.shape), counts.data, counts.indices, counts.indptr,
        bow.terms,
        bow.texts,
        params,
        library_versions("gensim", "numpy", "scipy"),
        # the whole package: a change to the model or to the scoring refits
        source_hash(Path(__file__).parent),
    )


def _cached_sweep(store: Store, key: str, *, n_rows: int) -> pd.DataFrame | None:
    """The cached sweep table, or None (with a warning if the entry is damaged)."""
    frame = store.get_frame(key, "sweep", columns=SWEEP_COLUMNS)
    if frame is not None and len(frame) != n_rows:
        store.warn_corrupt(store.file(key, "sweep"), f"expected {n_rows} rows, found {len(frame)}")
        return None
    return frame


def _sweep(bow: BagOfWords, *, k_values: list[int], seeds: list[int], top_n: int, fit: dict) -> pd.DataFrame:
    """Fit and score every (k, seed): the work behind :func:`sweep`; ``fit`` goes to :func:`fit_lda_bow`."""
    term_sets: dict[tuple[int, int], list[list[str]]] = {}
    for k in k_values:
        for s in seeds:
            m = fit_lda_bow(bow, k=k, seed=s, **fit)
            term_sets[(k, s)] = m.term_sets(top_n)

    # One CoherenceModel per measure over the topics of ALL models: the
    # reference counts are estimated once, and each topic's score depends
    # only on its own terms, so this equals scoring each model separately.
    keys = list(term_sets)
    all_topics = [t for key in keys for t in term_sets[key]]
    scores: dict[str, list[float]] = {}
    for measure in ("c_v", "c_npmi", "u_mass"):
        source = {"corpus": bow.corpus} if measure == "u_mass" else {"texts": bow.texts}
        cm = CoherenceModel(
            topics=all_topics, dictionary=bow.dictionary, coherence=measure, topn=top_n, processes=1, **source
        )
        scores[measure] = [float(x) for x in cm.get_coherence_per_topic()]

    rows = []
    pos = 0
    stability = {k: seed_stability({s: term_sets[(k, s)] for s in seeds}) for k in k_values}
    for k, s in keys:
        sl = slice(pos, pos + k)
        pos += k
        rows.append(
            {
                "k": k,
                "seed": s,
                # nanmean: a topic whose terms never co-occur in the sample
                # can score NaN under c_v; it should not void the model.
                "c_v": float(np.nanmean(scores["c_v"][sl])),
                "c_npmi": float(np.nanmean(scores["c_npmi"][sl])),
                "u_mass": float(np.nanmean(scores["u_mass"][sl])),
                "stability": stability[k][s],
            }
        )
    return pd.DataFrame(rows).sort_values(["k", "seed"], kind="stable").reset_index(drop=True)


def _z(x: pd.Series) -> pd.Series:
    sd = x.std(ddof=0)
    if not np.isfinite(sd) or sd == 0:
        return x * 0.0
    return (x - x.mean()) / sd


def rank_k(sweep_frame: pd.DataFrame) -> pd.DataFrame:
    """Score every k by the rule :func:`choose_k` uses, and show the trade-off.

    Rule: for each k take the mean over seeds of ``c_npmi`` and of
    ``stability``; z-score each across the k values tried; ``score`` is the
    sum of the two z-scores, and the chosen k has the highest score (the
    smallest such k on a tie). Coherence alone tends to reward splitting
    one theme into near-duplicates; stability alone rewards small k; their
    sum asks for topics that are both interpretable (NPMI correlates well
    with human judgements, Lau, Newman & Baldwin 2014) and reproducible
    across seeds (Greene, O'Callaghan & Cunningham 2014). The z-scores are
    relative to the k values swept, so widening K_VALUES can change the
    choice.

    Returns a DataFrame, one row per k: ``k, n_seeds``, the mean and SD
    over seeds of ``c_v, c_npmi, u_mass, stability`` (``<measure>_mean``,
    ``<measure>_sd``), ``z_c_npmi, z_stability, score, chosen``.

    Raises :class:`ParameterError` if a column of :func:`sweep` is missing
    or the frame is empty.
    """
    need = {"k", "seed", "c_v", "c_npmi", "u_mass", "stability"}
    missing = need - set(sweep_frame.columns)
    if missing or len(sweep_frame) == 0:
        raise ParameterError(
            f"rank_k needs the output of topics.sweep (columns {sorted(need)}); "
            f"missing {sorted(missing)} or no rows."
        )
    g = sweep_frame.groupby("k", sort=True)
    out = pd.DataFrame({"k": sorted(sweep_frame["k"].unique()), "n_seeds": g["seed"].nunique().to_numpy()})
    for m in ("c_v", "c_npmi", "u_mass", "stability"):
        out[f"{m}_mean"] = g[m].mean().to_numpy()
        out[f"{m}_sd"] = g[m].std(ddof=1).fillna(0.0).to_numpy()
    out["z_c_npmi"] = _z(out["c_npmi_mean"])
    out["z_stability"] = _z(out["stability_mean"])
    out["score"] = out["z_c_npmi"] + out["z_stability"]
    # idxmax returns the first maximum, i.e. the smallest k on a tie.
    best = out["score"].round(12).idxmax()
    out["chosen"] = out.index == best
    return out


def choose_k(sweep_frame: pd.DataFrame) -> int:
    """The k with the highest ``z(mean c_npmi) + z(mean stability)``; see :func:`rank_k`."""
    ranked = rank_k(sweep_frame)
    return int(ranked.loc[ranked["chosen"], "k"].iloc[0])

