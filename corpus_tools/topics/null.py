"""Topics against a null: token-shuffled reference corpora and a Monte Carlo test.

A topic model finds topics in any text, also in text that has none. The
question a reader needs answered first is therefore whether the topics of
*this* corpus are more than the model would find in text where words do
not co-occur at all. :func:`shuffle_bow` makes such text from the corpus
itself: every in-vocabulary token is moved to a random unit, keeping each
unit's length and each term's count, so the only thing destroyed is which
words occur together (a permutation null, as in Manly 2007, *Randomization,
Bootstrap and Monte Carlo Methods in Biology*, ch. 1).
:func:`corpus_tools.topics.sweep` fits the same models to a few such
shuffles, and :func:`null_test` asks where the real corpus lies among them.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import stats
from ..errors import ParameterError
from .model import BagOfWords

__all__ = ["DEFAULT_SHUFFLES", "DEFAULT_LEVEL", "NULL_MEASURES", "shuffle_bow", "null_test"]

#: Token-shuffled corpora per sweep. With N shuffles, "the real corpus is
#: above every shuffle" has probability 1/(N + 1) under the null, so N = 19
#: is the smallest number that can reach the 5 % level (Besag & Clifford
#: 1989; Hope 1968). Fewer shuffles cannot support a claim at 5 %.
DEFAULT_SHUFFLES = 19
#: The level at which the real corpus must beat the null (family-wise over k).
DEFAULT_LEVEL = 0.05
#: The measures compared with the null, as named in the sweep table.
NULL_MEASURES = ("stability", "c_npmi")


def shuffle_bow(bow: BagOfWords, *, seed: int, label: str = "shuffle") -> BagOfWords:
    """A copy of ``bow`` with every in-vocabulary token moved to a random unit.

    All in-vocabulary tokens of the corpus are pooled and dealt back at
    random (one uniform permutation, drawn from
    :func:`corpus_tools.stats.group_seed` of ``seed`` and ``label``), each
    unit receiving as many as it had. Kept exactly: every unit's number of
    in-vocabulary tokens (``counts`` row sums), every term's total count
    (column sums), the vocabulary, the units table, and, in the coherence
    texts, the position of every token that is not in the vocabulary. Lost:
    which terms share a unit or a window, the one thing topics are made of.

    The coherence texts (``bow.texts``) are rewritten to match: the
    in-vocabulary positions of a text are filled, in order, with the
    tokens its unit was dealt (in random order), so sliding-window
    coherence sees the shuffled corpus too.

    Returns a new :class:`BagOfWords` (``bow`` is not changed).
    """
    counts = bow.counts
    n_units = counts.shape[0]
    lengths = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
    # Every in-vocabulary token's term id, unit after unit.
    pool = np.repeat(counts.indices, counts.data)
    rng = np.random.default_rng(stats.group_seed(int(seed), str(label)))
    dealt = rng.permutation(pool)
    rows = np.repeat(np.arange(n_units), lengths)
    shuffled = sp.csr_matrix(
        (np.ones(len(dealt), dtype=np.int32), (rows, dealt)), shape=counts.shape, dtype=np.int32
    )
    shuffled.sum_duplicates()
    shuffled.sort_indices()
    starts = np.concatenate([[0], np.cumsum(lengths)])
    vocab = bow.dictionary.token2id
    terms = np.asarray(bow.terms, dtype=object)
    texts = []
    for row, toks in zip(bow.text_rows.tolist(), bow.texts):
        fill = iter(terms[dealt[starts[row]:starts[row + 1]]].tolist())
        texts.append([next(fill) if t in vocab else t for t in toks])
    return dataclasses.replace(bow, counts=shuffled, texts=texts)


def null_test(sweep_frame: pd.DataFrame, *, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Where the real corpus lies among its shuffles, per k and measure, and whether it beats them.

    ``sweep_frame`` is :func:`corpus_tools.topics.sweep`'s table: rows with
    ``shuffle == 0`` are the real corpus, ``shuffle >= 1`` the token-shuffled
    ones (:func:`shuffle_bow`), each fitted with the same k values and seeds.

    **Statistic.** For each corpus (real or shuffled) and k, a measure's
    value is its mean over the seeds: ``stability`` (mean matched Jaccard of
    the seeds' top terms) and ``c_npmi`` (mean coherence of their topics).

    **Test.** A one-sided Monte Carlo test (Barnard 1963; Besag & Clifford
    1989). Under the null hypothesis that words are dealt to units at random
    (given unit lengths and term counts), the real corpus is one more
    shuffle, so the N + 1 corpora are exchangeable and the real value is
    above all N shuffles with probability 1/(N + 1). ``p`` is the per-k
    Monte Carlo p-value ``(1 + #{shuffles >= real}) / (N + 1)``.
    Because k is then *chosen* among several values, the verdict uses
    ``p_adj``, a single-step max-T adjustment over k (Westfall & Young 1993,
    *Resampling-based multiple testing*, ch. 2): each corpus's value at
    every k is studentised by the mean and SD of all N + 1 corpora at that
    k, each shuffle contributes its largest studentised value over k, and
    ``p_adj`` at k is ``(1 + #{shuffle maxima >= real's value at k}) /
    (N + 1)``. The chance that noise beats the null at *any* k is then at
    most 1/(N + 1), whichever k is picked. Ties count against the real
    corpus.

    **Verdict.** ``beats_null`` at k when both measures have ``p_adj <=
    level``: the topics are both more reproducible across seeds and more
    coherent than topics of shuffled text. Requiring both keeps the level
    (an intersection-union test, Berger 1982). With N shuffles no p-value is
    below 1/(N + 1), so ``level`` needs N >= 1/level - 1 (19 for 5 %).

    Returns one row per k: ``k, n_shuffles``, and for each measure ``m`` in
    ``stability, c_npmi``: ``m`` (real value), ``m_null`` (mean over
    shuffles), ``m_null_sd``, ``m_null_low``, ``m_null_high`` (smallest and
    largest shuffle), ``m_excess`` (real minus null mean), ``m_rank``
    (shuffles at or above the real value), ``m_p``, ``m_p_adj``; then
    ``level`` and ``beats_null``.

    Raises :class:`ParameterError` if the table has no real or no shuffled
    corpus, the shuffles do not cover the real corpus's k values, or
    ``level`` is not in (0, 1).
    """
    need = {"shuffle", "k", "seed", *NULL_MEASURES}
    missing = need - set(sweep_frame.columns)
    if missing:
        raise ParameterError(f"null_test needs the output of topics.sweep; missing columns {sorted(missing)}.")
    if not 0.0 < float(level) < 1.0:
        raise ParameterError(f"level={level!r} must be in (0, 1) (NULL_LEVEL).")
    per = sweep_frame.groupby(["shuffle", "k"], sort=True)[list(NULL_MEASURES)].mean()
    sides = per.index.get_level_values("shuffle").unique()
    if 0 not in sides:
        raise ParameterError("the sweep table has no real corpus (shuffle 0).")
    if len(sides) < 2:
        raise ParameterError("the sweep table has no shuffled corpus; run topics.sweep with n_shuffles >= 1.")
    k_values = sorted(per.loc[0].index)
    n = len(sides) - 1
    out = pd.DataFrame({"k": k_values, "n_shuffles": n})
    for m in NULL_MEASURES:
        wide = per[m].unstack("k").reindex(columns=k_values)  # rows: corpora (real first); columns: k
        if wide.isna().any().any():
            raise ParameterError(f"the shuffles do not cover every k of the real corpus ({k_values}); rerun the sweep.")
        vals = wide.to_numpy(dtype=np.float64)
        real, null = vals[0], vals[1:]
        centre = vals.mean(axis=0)
        sd = vals.std(axis=0)
        safe = np.where(sd > 0, sd, 1.0)
        t = np.where(sd > 0, (vals - centre) / safe, 0.0)
        null_max = t[1:].max(axis=1)
        out[m] = real
        out[f"{m}_null"] = null.mean(axis=0)
        out[f"{m}_null_sd"] = null.std(axis=0, ddof=1) if n > 1 else np.nan
        out[f"{m}_null_low"] = null.min(axis=0)
        out[f"{m}_null_high"] = null.max(axis=0)
        out[f"{m}_excess"] = real - null.mean(axis=0)
        rank = (null >= real).sum(axis=0)
        out[f"{m}_rank"] = rank
        out[f"{m}_p"] = (1 + rank) / (n + 1)
        out[f"{m}_p_adj"] = (1 + (null_max[:, None] >= t[0][None, :]).sum(axis=0)) / (n + 1)
    level = float(level)
    out["level"] = level
    out["beats_null"] = np.logical_and.reduce([out[f"{m}_p_adj"] <= level + 1e-12 for m in NULL_MEASURES])
    return out
