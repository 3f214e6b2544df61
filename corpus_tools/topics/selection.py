"""Choosing the number of topics: a sweep over k and seeds, against shuffled text, and the rule that picks k.

:func:`sweep` fits one model per (k, seed) to the corpus and to token-shuffled
copies of it (:func:`corpus_tools.topics.shuffle_bow`), and scores each for
coherence (Röder, Both & Hinneburg 2015) and seed stability
(:func:`seed_stability`, after Greene, O'Callaghan & Cunningham 2014).
:func:`rank_k` compares the corpus with its shuffles
(:func:`corpus_tools.topics.null_test`) and :func:`choose_k` picks k.
:func:`feasible_k` says which k values the data can support at all. The
sweep tables are cached through :class:`corpus_tools.cache.Store`
(``.cache/sweeps/``), one entry per corpus (real or shuffled).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from gensim.models import CoherenceModel

from .. import stats
from ..cache import Store, library_versions, make_key, source_hash
from ..errors import ParameterError
from .model import (
    DEFAULT_CHUNKSIZE,
    DEFAULT_COHERENCE_UNITS,
    DEFAULT_ITERATIONS,
    DEFAULT_KEEP_N,
    DEFAULT_NO_ABOVE,
    DEFAULT_NO_BELOW,
    DEFAULT_PASSES,
    TOP_N,
    BagOfWords,
    check_k,
    check_options,
    fit_lda_bow,
    prepare_bow,
)
from .null import DEFAULT_LEVEL, DEFAULT_SHUFFLES, null_test, shuffle_bow

__all__ = [
    "SWEEP_COLUMNS",
    "DEFAULT_SWEEP_UNITS",
    "FeasibleK",
    "feasible_k",
    "seed_stability",
    "sweep",
    "rank_k",
    "choose_k",
]

#: The columns of :func:`sweep`'s table.
SWEEP_COLUMNS = ["shuffle", "k", "seed", "c_npmi", "stability"]
#: The sweep (and its shuffles) works on at most this many units, a
#: fixed-seed random sample, so that choosing k costs about the same on five
#: articles and on ten thousand speeches; the chosen model is then fitted to
#: every unit. The sweep fits (shuffles + 1) x k values x seeds models,
#: 300 with the notebook's defaults, and gensim's E-step costs about
#: 0.1-0.2 ms per unit and pass, so 100 units x 10 passes keep it near
#: 25-50 s of one core (the seeds' 76 paragraphs fit entirely). The price is
#: power: on 60 UN speeches (2,345 paragraphs) 100 of them do not beat the
#: null, while 600 (six times the cost) are above every shuffle at k = 2.
DEFAULT_SWEEP_UNITS = 100


# ---------------------------------------------------------------------------
# Which k the data can support
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FeasibleK:
    """The k values a corpus can support: see :func:`feasible_k`."""

    k_values: list[int]  #: the requested k values that can be fitted, sorted
    dropped: list[int]  #: the requested k values that cannot
    n_units: int  #: units with at least one vocabulary term (0 if none)
    n_terms: int  #: vocabulary size after filtering (0 if none)
    note: str  #: one sentence on what was dropped and why ("" when nothing was)
    reason: str  #: why no model at all can be fitted ("" when one can)


def feasible_k(
    tokens,
    *,
    k_values: Iterable[int],
    unit: str = "paragraph",
    no_below: int = DEFAULT_NO_BELOW,
    no_above: float = DEFAULT_NO_ABOVE,
    keep_n: int | None = DEFAULT_KEEP_N,
    drop_numbers: bool = True,
) -> FeasibleK:
    """Cap ``k_values`` at what the corpus can support, and say so.

    A model with k topics needs at least k units that contain a vocabulary
    term and at least k vocabulary terms (:func:`check_k`). This prepares
    the bag-of-words once (:func:`prepare_bow`) and keeps the k values that
    pass; the others are listed in ``dropped`` with a ``note`` a notebook can
    print. When no model can be fitted (fewer than 2 units, an empty
    vocabulary, or no k >= 2 left) ``k_values`` is empty and ``reason`` says
    why, in the words of the :class:`ParameterError` that would have been
    raised. Never raises for a corpus; raises :class:`ParameterError` for a
    k that is not a whole number and for a bad unit or filter
    (:func:`check_options`).
    """
    ks = []
    for k in k_values:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise ParameterError(f"K_VALUES contains {k!r}; every k must be a whole number >= 2.")
        ks.append(int(k))
    ks = sorted(set(ks))
    if not ks:
        raise ParameterError("k_values is empty; give at least one k (K_VALUES).")
    check_options(unit=unit, no_below=no_below, no_above=no_above)
    try:
        bow = prepare_bow(
            tokens, unit=unit, no_below=no_below, no_above=no_above, keep_n=keep_n, drop_numbers=drop_numbers
        )
    except ParameterError as err:  # the corpus cannot support a model: say why, do not stop
        return FeasibleK([], ks, 0, 0, "", f"No topic model can be fitted: {err}")
    n_units, n_terms = bow.n_units_with_terms, len(bow.dictionary)
    limit = min(n_units, n_terms)
    keep = [k for k in ks if 2 <= k <= limit]
    dropped = [k for k in ks if k not in keep]
    note = ""
    if dropped:
        note = (
            f"K_VALUES capped: k = {', '.join(map(str, dropped))} left out, because this corpus has "
            f"{n_units} {unit} unit(s) with a vocabulary term and {n_terms} vocabulary term(s), and a "
            f"model needs at least as many of each as topics (and k >= 2)."
        )
    reason = ""
    if not keep:
        reason = (
            f"No topic model can be fitted: none of K_VALUES = {ks} is between 2 and {limit} "
            f"({n_units} {unit} unit(s) with a vocabulary term, {n_terms} vocabulary term(s)). Choose a "
            f"finer UNIT, lower NO_BELOW or widen the selection."
        )
    return FeasibleK(keep, dropped, n_units, n_terms, note, reason)


# ---------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------
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
    drop_numbers: bool = True,
    alpha="auto",
    eta="symmetric",
    chunksize: int = DEFAULT_CHUNKSIZE,
    top_n: int = TOP_N,
    coherence_units: int = DEFAULT_COHERENCE_UNITS,
    max_units: int | None = DEFAULT_SWEEP_UNITS,
    n_shuffles: int = DEFAULT_SHUFFLES,
    null_seed: int = 0,
    cache: bool | str | os.PathLike = True,
) -> pd.DataFrame:
    """Fit one model per (k, seed) to the corpus and to its token-shuffled copies; score each.

    **Corpora.** ``shuffle = 0`` is the corpus itself (its bag-of-words,
    :func:`prepare_bow`, on at most ``max_units`` units, a fixed-seed random
    sample, see :data:`DEFAULT_SWEEP_UNITS`); ``shuffle = 1 .. n_shuffles``
    are copies in which every in-vocabulary token was dealt to a random unit
    (:func:`corpus_tools.topics.shuffle_bow`, seeded by ``null_seed`` and
    the shuffle's number), keeping unit lengths and term counts. Every
    corpus gets the same k values, seeds and fitting parameters, so the
    shuffles show what this procedure finds in text without co-occurrence.
    :func:`rank_k` and :func:`corpus_tools.topics.null_test` compare them.

    **Measures.** ``c_npmi``: gensim's :class:`~gensim.models.CoherenceModel`
    -- the mean normalised PMI of the pairs of a topic's top ``top_n`` terms
    in 10-token sliding windows (Aletras & Stevenson 2013; Lau, Newman &
    Baldwin 2014; Röder, Both & Hinneburg 2015), averaged over the model's
    topics, in [-1, 1]. It counts windows in the units' lemma lists
    (stopwords and numbers removed) of at most ``coherence_units`` units, a
    fixed-seed sample; a shuffled corpus is scored on its own shuffled
    texts. ``stability``: the mean best-match Jaccard overlap of the top
    ``top_n`` terms between this seed's topics and each other seed's topics
    at the same k (:func:`seed_stability`; Greene, O'Callaghan & Cunningham
    2014); 1 = every seed finds the same topics.

    **Cache.** ``cache`` (True: ``.cache/sweeps/``; a folder; False: off)
    stores each corpus's table through :class:`corpus_tools.cache.Store`
    (Arrow IPC), keyed by :func:`corpus_tools.cache.make_key` of everything
    it depends on: the bag-of-words matrix and vocabulary, the coherence
    texts, every parameter, the shuffle's number and seed, the
    gensim/numpy/scipy versions and the source of this package. A rerun
    reads the tables instead of refitting; raising ``n_shuffles`` fits only
    the new shuffles. Only tables are cached, never a model (gensim saves
    models with pickle). An unreadable entry is reported with a
    :class:`~corpus_tools.errors.CorpusWarning` and recomputed.

    Returns
    -------
    DataFrame ``shuffle, k, seed, c_npmi, stability``, one row per model,
    sorted by shuffle, k and seed. Pass it to :func:`rank_k` / :func:`choose_k`.

    Raises
    ------
    ParameterError
        As :func:`corpus_tools.topics.fit_lda` for any k in ``k_values``
        (checked before any model is fitted; :func:`feasible_k` caps them
        instead), fewer than 2 distinct seeds (stability needs two), an
        empty ``k_values``, or a negative ``n_shuffles``.
    """
    k_values = sorted({int(k) for k in k_values})
    seeds = list(dict.fromkeys(int(s) for s in seeds))
    if not k_values:
        raise ParameterError("k_values is empty; give at least one k (K_VALUES).")
    if len(seeds) < 2:
        raise ParameterError(
            f"seeds={seeds}: stability compares seeds, so give at least 2 distinct seeds (SEEDS)."
        )
    if isinstance(n_shuffles, bool) or not isinstance(n_shuffles, (int, np.integer)) or n_shuffles < 0:
        raise ParameterError(f"n_shuffles={n_shuffles!r} must be a whole number >= 0 (N_SHUFFLES).")
    bow = prepare_bow(
        tokens, unit=unit, no_below=no_below, no_above=no_above, keep_n=keep_n, n_texts=coherence_units,
        max_units=max_units, drop_numbers=drop_numbers,
    )
    for k in k_values:
        check_k(k, bow, name="k")
    params = dict(
        k_values=k_values, seeds=seeds, unit=unit, passes=passes, iterations=iterations,
        no_below=no_below, no_above=no_above, keep_n=keep_n, drop_numbers=drop_numbers, alpha=repr(alpha),
        eta=repr(eta), chunksize=chunksize, top_n=top_n, coherence_units=coherence_units, max_units=max_units,
    )
    fit = dict(passes=passes, iterations=iterations, alpha=alpha, eta=eta, chunksize=chunksize)
    store = Store("sweeps", cache)
    use_cache = store.prepare()
    frames = []
    for shuffle in range(int(n_shuffles) + 1):
        label = f"shuffle {shuffle}"

        def corpus(shuffle=shuffle, label=label) -> BagOfWords:
            return bow if shuffle == 0 else shuffle_bow(bow, seed=null_seed, label=label)

        if not use_cache:
            frame = _sweep(corpus(), k_values=k_values, seeds=seeds, top_n=top_n, fit=fit)
        else:
            side = {"shuffle": shuffle} if shuffle == 0 else {"shuffle": shuffle, "null_seed": int(null_seed)}
            key = _sweep_key(bow, params, side)
            # The lock keeps two processes (two notebooks run at once) from fitting
            # the same corpus twice: the second waits and then reads the first's table.
            with store.lock(key):
                frame = _cached_sweep(store, key, n_rows=len(k_values) * len(seeds))
                if frame is None:
                    frame = _sweep(corpus(), k_values=k_values, seeds=seeds, top_n=top_n, fit=fit)
                    store.put_frame(key, "sweep", frame)
        frames.append(frame.assign(shuffle=shuffle))
    out = pd.concat(frames, ignore_index=True)[SWEEP_COLUMNS]
    return out.sort_values(["shuffle", "k", "seed"], kind="stable").reset_index(drop=True)


_FRAME_COLUMNS = [c for c in SWEEP_COLUMNS if c != "shuffle"]


def _sweep_key(bow: BagOfWords, params: dict, side: dict) -> str:
    """The cache key of one corpus's sweep: everything its table depends on."""
    counts = bow.counts
    return make_key(
        "topics.sweep",
        list(counts.shape), counts.data, counts.indices, counts.indptr,
        bow.terms,
        bow.texts,
        bow.text_rows,
        params,
        side,
        library_versions("gensim", "numpy", "scipy"),
        # the whole package: a change to the model, the shuffle or the scoring refits
        source_hash(Path(__file__).parent),
    )


def _cached_sweep(store: Store, key: str, *, n_rows: int) -> pd.DataFrame | None:
    """The cached sweep table, or None (with a warning if the entry is damaged)."""
    frame = store.get_frame(key, "sweep", columns=_FRAME_COLUMNS)
    if frame is not None and len(frame) != n_rows:
        store.warn_corrupt(store.file(key, "sweep"), f"expected {n_rows} rows, found {len(frame)}")
        return None
    return frame


def _sweep(bow: BagOfWords, *, k_values: list[int], seeds: list[int], top_n: int, fit: dict) -> pd.DataFrame:
    """Fit and score every (k, seed) on one corpus; ``fit`` goes to :func:`fit_lda_bow`."""
    term_sets: dict[tuple[int, int], list[list[str]]] = {}
    for k in k_values:
        for s in seeds:
            m = fit_lda_bow(bow, k=k, seed=s, **fit)
            term_sets[(k, s)] = m.term_sets(top_n)

    # One CoherenceModel over the topics of ALL models: the reference counts
    # are estimated once, and each topic's score depends only on its own
    # terms, so this equals scoring each model separately.
    keys = list(term_sets)
    all_topics = [t for key in keys for t in term_sets[key]]
    cm = CoherenceModel(
        topics=all_topics, dictionary=bow.dictionary, texts=bow.texts, coherence="c_npmi", topn=top_n, processes=1
    )
    npmi = [float(x) for x in cm.get_coherence_per_topic()]

    rows = []
    pos = 0
    stability = {k: seed_stability({s: term_sets[(k, s)] for s in seeds}) for k in k_values}
    for k, s in keys:
        sl = slice(pos, pos + k)
        pos += k
        # nanmean: a topic whose terms never co-occur in the sample can
        # score NaN; it should not void the model.
        rows.append({"k": k, "seed": s, "c_npmi": float(np.nanmean(npmi[sl])), "stability": stability[k][s]})
    frame = pd.DataFrame(rows, columns=_FRAME_COLUMNS)
    return frame.sort_values(["k", "seed"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------
def rank_k(sweep_frame: pd.DataFrame, *, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Score every k against the shuffled-text null, and mark the k :func:`choose_k` picks.

    **The null comparison** is :func:`corpus_tools.topics.null_test`: for
    ``stability`` and ``c_npmi``, the real value (mean over seeds), the
    shuffles' mean and SD, the excess (real minus shuffles' mean), where the
    real value ranks among the shuffles, the Monte Carlo p-value and its
    max-T adjustment over k, and ``beats_null`` (both adjusted p-values
    ``<= level``).

    **The rule.** ``score`` is the stability excess, ``stability -
    stability_null``: how much more reproducible across seeds the topics are
    than topics fitted to the same words shuffled. The chosen k has the
    highest score among the k values that beat the null (so coherence, too,
    must be above the shuffles there), or among all k values if none does
    (then the model is fitted only to show what noise-level topics look
    like, and :func:`corpus_tools.topics.null_verdict` says so); ties go to
    the smaller k.

    Why the excess: raw stability falls with k on any text, shuffled text
    included (more topics, more ways to split the same words), so a rule on
    raw stability favours the smallest k of the grid; the shuffles fall the
    same way, and the excess does not. Why not coherence: its excess keeps
    rising past the true k on the three-genre test corpora (the halves of a
    split genre stay coherent), so it enters through the verdict only. Why
    not z-scores: the old rule z-scored across the k values tried, so
    widening K_VALUES could change the choice; the excess of one k does not
    depend on the others.

    Returns one row per k: ``k, n_seeds, stability_sd, c_npmi_sd`` (SD over
    seeds of the real corpus's models), the columns of
    :func:`~corpus_tools.topics.null_test`, then ``score, chosen``.

    Raises :class:`ParameterError` if the frame is not a sweep table with
    shuffles (:func:`~corpus_tools.topics.null_test`).
    """
    need = set(SWEEP_COLUMNS)
    missing = need - set(sweep_frame.columns)
    if missing or len(sweep_frame) == 0:
        raise ParameterError(
            f"rank_k needs the output of topics.sweep (columns {sorted(need)}); "
            f"missing {sorted(missing)} or no rows."
        )
    tested = null_test(sweep_frame, level=level)
    real = sweep_frame[sweep_frame["shuffle"] == 0].groupby("k", sort=True)
    spread = pd.DataFrame(
        {
            "k": sorted(real.groups),
            "n_seeds": real["seed"].nunique().to_numpy(),
            "stability_sd": real["stability"].std(ddof=1).fillna(0.0).to_numpy(),
            "c_npmi_sd": real["c_npmi"].std(ddof=1).fillna(0.0).to_numpy(),
        }
    )
    out = spread.merge(tested, on="k", how="left")
    out["score"] = out["stability_excess"]
    pool = out[out["beats_null"]] if out["beats_null"].any() else out
    # idxmax returns the first maximum, i.e. the smallest k on a tie.
    best = pool["score"].round(12).idxmax()
    out["chosen"] = out.index == best
    return out


def choose_k(sweep_frame: pd.DataFrame, *, level: float = DEFAULT_LEVEL) -> int:
    """The k :func:`rank_k` marks as chosen: the largest stability excess over the null (see there)."""
    ranked = rank_k(sweep_frame, level=level)
    return int(ranked.loc[ranked["chosen"], "k"].iloc[0])
