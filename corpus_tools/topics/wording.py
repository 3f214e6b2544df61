"""What notebook 01 may say about a topic model, generated from the comparison with the null.

A topic only gets a name (``"1: trade · tariff · war"``) when the model
beats the shuffled-text null (:func:`corpus_tools.topics.null_test`);
otherwise it is ``"topic 1"`` and the sentences say that the model is
indistinguishable from noise. Every sentence here is built from the
numbers of :func:`corpus_tools.topics.rank_k`, never written by hand in the
notebook, so the words cannot drift from the test.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .model import TopicModel

__all__ = ["Verdict", "null_verdict", "k_choice_sentence", "topic_labels", "terms_title"]


@dataclass(frozen=True)
class Verdict:
    """Whether the model at one k beats the shuffled-text null, in numbers and in words."""

    k: int
    tested: bool  #: the sweep compared this k with shuffles
    beats_null: bool  #: both measures above the shuffles at ``level`` (max-T adjusted)
    level: float
    n_shuffles: int
    sentence: str  #: the finding, for the notebook to print

    @property
    def topics_are_themes(self) -> bool:
        """May the notebook label and read the topics as themes? Only when they beat the null."""
        return self.beats_null


def _pct(x: float) -> str:
    return f"{100 * x:g} %"


def null_verdict(ranked: pd.DataFrame, *, k: int | None = None) -> Verdict:
    """The verdict at ``k`` (default: the chosen k) from :func:`corpus_tools.topics.rank_k`'s table.

    The sentence gives, for stability and coherence, the real value, the
    shuffles' mean and SD, how many shuffles the real value exceeds, and the
    max-T adjusted p-value; then what the notebook will do with the topics.
    A k that the sweep did not test (a forced ``K`` outside ``K_VALUES``)
    is reported as untested, and not labelled.

    Raises :class:`ParameterError` if ``ranked`` is not a rank_k table.
    """
    need = {"k", "chosen", "beats_null", "level", "n_shuffles", "stability", "c_npmi"}
    if not need <= set(ranked.columns) or len(ranked) == 0:
        raise ParameterError(f"null_verdict needs the table of topics.rank_k (columns {sorted(need)}).")
    if k is None:
        k = int(ranked.loc[ranked["chosen"], "k"].iloc[0])
    level = float(ranked["level"].iloc[0])
    n = int(ranked["n_shuffles"].iloc[0])
    if int(k) not in set(ranked["k"].astype(int)):
        return Verdict(
            int(k), False, False, level, n,
            f"k = {k} was not among the k values compared with shuffled text (K_VALUES), so nothing shows "
            f"that its topics are more than noise: they are numbered, not named. Add {k} to K_VALUES "
            f"to test it.",
        )
    row = ranked.set_index("k").loc[int(k)]

    def part(m: str, name: str) -> str:
        above = n - int(row[f"{m}_rank"])
        return (
            f"{name} {row[m]:.2f} against {row[f'{m}_null']:.2f} ± {row[f'{m}_null_sd']:.2f} in the shuffles "
            f"(above {above} of {n}; adjusted p = {row[f'{m}_p_adj']:.2f})"
        )

    test = (
        f"a one-sided Monte Carlo test against {n} copies of the corpus with every word dealt to a random "
        f"unit, max-T adjusted over the {len(ranked)} k values tried"
    )
    numbers = f"{part('stability', 'stability across seeds')}; {part('c_npmi', 'coherence c_npmi')}"
    floor = 1.0 / (n + 1)
    if bool(row["beats_null"]):
        sentence = (
            f"At k = {k} the topics beat the null at the {_pct(level)} level ({test}): {numbers}. They are "
            f"more reproducible and more coherent than topics found in text whose words were dealt at "
            f"random, so they are named by their top terms and read as patterns of co-occurring words."
        )
    else:
        why = ""
        if floor > level + 1e-12:
            why = (
                f" With {n} shuffles no p-value can be below 1/{n + 1} = {floor:.2f}, so this run cannot show "
                f"a result at the {_pct(level)} level: set N_SHUFFLES to at least {int(np.ceil(1 / level - 1))}."
            )
        sentence = (
            f"At k = {k} the topics do NOT beat the null at the {_pct(level)} level ({test}): {numbers}.{why} "
            f"This model is indistinguishable from noise: its topics are numbered, not named, and their "
            f"word lists are shown only as the most probable words of a model that finds no more "
            f"structure than shuffled text."
        )
    return Verdict(int(k), True, bool(row["beats_null"]), level, n, sentence)


def k_choice_sentence(ranked: pd.DataFrame) -> str:
    """One sentence on the k the rule picked and why (from :func:`corpus_tools.topics.rank_k`)."""
    best = ranked[ranked["chosen"]].iloc[0]
    k = int(best["k"])
    pool = "the k values that beat the null" if ranked["beats_null"].any() else "all k values (none beats the null)"
    others = ranked[~ranked["chosen"]].sort_values("score", ascending=False, kind="stable")
    runner = (
        f" Runner-up: k = {int(others.iloc[0]['k'])} ({others.iloc[0]['score']:+.2f})." if len(others) else ""
    )
    return (
        f"The rule picks k = {k}: the largest stability excess over the shuffles ({best['score']:+.2f}: "
        f"{best['stability']:.2f} against {best['stability_null']:.2f}) among {pool}.{runner}"
    )


def topic_labels(
    model: TopicModel, verdict: Verdict, *, n: int = 3, relevance_lambda: float = 1.0, width: int = 40
) -> pd.Series:
    """Labels for the model's topics: named by top terms only if ``verdict`` says they beat the null.

    Beating the null: :meth:`TopicModel.labels` (``"1: trade · tariff ·
    war"``). Otherwise ``"topic 1"``, ``"topic 2"``, …: a model that is
    indistinguishable from noise gets no names that a reader would take
    for themes. Indexed by topic (from 1).
    """
    if verdict.topics_are_themes:
        return model.labels(n=n, relevance_lambda=relevance_lambda, width=width)
    return pd.Series({t: f"topic {t}" for t in range(1, model.k + 1)}, name="label").rename_axis("topic")


def terms_title(verdict: Verdict, *, ranking: str) -> str:
    """The title of a top-terms figure; ``ranking`` says how terms are ranked (e.g. "probability (λ = 1)")."""
    if verdict.topics_are_themes:
        return f"Top terms per topic, ranked by {ranking}"
    return (
        f"Most probable words of a model indistinguishable from noise (k = {verdict.k}), ranked by {ranking}: "
        f"not themes"
    )
