"""Actor framing: how often each group mentions each actor, and the tone of those sentences.

Mentions come from the tokenizer's alias table (``Tokens.actors()``), with
rate intervals that take the group's paragraphs as units
(:func:`corpus_tools.stats.rate_ci`); tone is the VADER compound score
(Hutto & Gilbert 2014) of each sentence that names the actor, with
percentile-bootstrap intervals (Efron & Tibshirani 1993) over documents
where there are enough of them, over sentences otherwise.
The figure is :func:`corpus_tools.plots.compare.plot_actor_framing`.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import stats
from ..config import PER
from ..corpus import group_labels
from ..errors import CorpusToolsError, ParameterError
from ..tokens import actor_names, bool_column, token_frame

__all__ = ["sentence_sentiment", "actor_sentences", "actor_framing", "actor_examples", "FRAMING_COLUMNS"]


@lru_cache(maxsize=1)
def _vader():
    # Imported lazily: the analyser loads its lexicon (bundled with the
    # package, no download) and nothing else in the module needs it.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=500_000)
def _compound(text: str) -> float:
    # One VADER call per distinct sentence text: the same sentence scored for
    # two actors, in two notebook cells or in a rerun is computed once.
    return float(_vader().polarity_scores(text)["compound"])


def sentence_sentiment(texts: Sequence[str]) -> np.ndarray:
    """VADER compound score of each text, in [-1, 1].

    Hutto, C. J. & Gilbert, E. (2014). "VADER: A Parsimonious Rule-based
    Model for Sentiment Analysis of Social Media Text." ICWSM-14. The
    compound score sums the valence of lexicon words, adjusted for negation,
    intensifiers, "but" and punctuation, and squashes it into [-1, 1]. The
    lexicon was built for social-media English: on diplomatic prose it reads
    "threat", "crisis" or "conflict" as negative whoever is speaking and
    whatever the stance, and it scores the whole sentence, not the attitude
    to any one actor in it.

    Scores are cached per distinct text (VADER runs at ~10-40k sentences/s).
    """
    return np.fromiter((_compound(str(t)) for t in texts), dtype=np.float64, count=len(texts))


def _known_actors(tokens) -> list[str]:
    """Every actor of the alias table ``tokens`` was made with, in the table's order.

    The table is named by ``tokens.options["actors"]``: the default file or a
    CSV path is read again with :func:`corpus_tools.tokens.actor_names`; then
    come any actors found in the token table but not listed (in category
    order). For a table passed in memory (``"custom"``) or none, the actors
    found in the token table are all we know.
    """
    cats = tokens.frame["actor"]
    found = [str(a) for a in (cats.cat.categories if isinstance(cats.dtype, pd.CategoricalDtype) else cats.unique())]
    found = [a for a in found if a and a != "nan"]
    source = getattr(tokens, "options", {}).get("actors", "default")
    if source in ("custom", "none"):
        return found
    try:
        names = actor_names(None if source == "default" else source)
    except (CorpusToolsError, OSError):  # the file moved since tokenizing: use what was found
        return found
    return names + [a for a in found if a not in names]


def _actor_list(tokens, actors: Sequence[str] | None) -> list[str]:
    """The actors asked for (None = all known), checked against the alias table (ParameterError)."""
    known = _known_actors(tokens)
    if actors is None:
        return known
    if isinstance(actors, str):
        actors = [actors]
    unknown = [a for a in actors if a not in known]
    if unknown:
        raise ParameterError(f"ACTORS: unknown actor(s) {unknown}; the alias table has {known}")
    return list(dict.fromkeys(actors))


def actor_sentences(
    tokens,
    *,
    by: str = "author",
    actors: Sequence[str] | None = None,
    max_sentences: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Every sentence that mentions an actor, with its VADER compound score.

    Mentions come from ``Tokens.actors()`` (the tokenizer's alias table:
    "US", "U.S.", "Washington" … -> one actor). ``actors`` keeps only those
    actors (None = every actor in the table).

    ``max_sentences`` caps the sentences scored per group x actor for large
    corpora: a simple random sample without replacement, drawn from a
    generator seeded by ``seed`` and the group and actor labels (so a
    group's sample does not change when other groups are added). None
    scores them all.

    Returns ``group, actor, doc_id, paragraph, sentence, n_mentions,
    compound, text``, one row per group x actor x sentence, sorted by group,
    actor, doc_id, sentence. A sentence naming two actors appears under both.
    """
    if max_sentences is not None and (not isinstance(max_sentences, (int, np.integer)) or max_sentences < 1):
        raise ParameterError(f"max_sentences={max_sentences!r}: give None or a whole number >= 1")
    wanted = _actor_list(tokens, actors)
    mentions = tokens.actors()
    mentions = mentions[mentions["actor"].isin(wanted)]
    groups = group_labels(tokens.docs, by)
    cols = ["group", "actor", "doc_id", "paragraph", "sentence", "n_mentions", "compound", "text"]
    if mentions.empty:
        return pd.DataFrame(columns=cols)
    m = mentions.assign(doc_id=mentions["doc_id"].astype(str), actor=mentions["actor"].astype(str))
    m["group"] = m["doc_id"].map(groups)
    per = (
        m.groupby(["group", "actor", "doc_id", "paragraph", "sentence"], sort=True, observed=True)
        .size()
        .rename("n_mentions")
        .reset_index()
    )
    if max_sentences is not None:
        parts = []
        for (g, a), grp in per.groupby(["group", "actor"], sort=True):
            if len(grp) > max_sentences:
                pick = np.random.default_rng(stats.group_seed(seed, f"{g}\x1f{a}")).choice(len(grp), size=max_sentences, replace=False)
                grp = grp.iloc[np.sort(pick)]
            parts.append(grp)
        per = pd.concat(parts, ignore_index=True)
    sents = tokens.sentences[["doc_id", "sentence", "text"]].copy()
    sents["doc_id"] = sents["doc_id"].astype(str)
    per = per.merge(sents, on=["doc_id", "sentence"], how="left", validate="many_to_one")
    per["text"] = per["text"].fillna("")
    per["compound"] = sentence_sentiment(per["text"].tolist())
    per["n_mentions"] = per["n_mentions"].astype(np.int64)
    return per[cols].sort_values(["group", "actor", "doc_id", "sentence"], ignore_index=True)


def _bootstrap_mean(x: np.ndarray, *, n_boot: int, rng: np.random.Generator, ci: float, units=None):
    """Mean of ``x`` with a percentile-bootstrap interval (Efron & Tibshirani 1993, ch. 13).

    ``units`` (one label per value, e.g. the document of each sentence)
    resamples whole units, the cluster bootstrap (Davison & Hinkley 1997,
    *Bootstrap Methods and their Application*, sec. 3.8): each replicate is
    the mean of all values of the drawn units. Without ``units`` the values
    themselves are resampled.
    All replicates are drawn as one index matrix (in chunks of ~4M cells to
    bound memory): no Python loop over replicates.
    Fewer than two values (or units) give NaN bounds: one sentence has no
    spread to resample.
    """
    n = x.size
    if n == 0:
        return np.nan, np.nan, np.nan
    est = float(x.mean())
    if units is not None:
        codes, _ = pd.factorize(np.asarray(units))
        sums = np.bincount(codes, weights=x)
        sizes = np.bincount(codes).astype(np.float64)
    else:
        sums, sizes = x, np.ones(n)
    k_units = sums.size
    if k_units < 2:
        return est, np.nan, np.nan
    chunk = max(1, 4_000_000 // k_units)
    means = []
    for start in range(0, n_boot, chunk):
        k = min(chunk, n_boot - start)
        idx = rng.integers(0, k_units, size=(k, k_units))
        means.append(sums[idx].sum(axis=1) / sizes[idx].sum(axis=1))
    tail = (1.0 - ci) / 2.0
    lo, hi = np.quantile(np.concatenate(means), [tail, 1.0 - tail])
    return est, float(min(lo, est)), float(max(hi, est))


#: Columns of :func:`actor_framing`.
FRAMING_COLUMNS = ["group", "actor", "mentions", "n_tokens", "per_1k", "per_1k_low", "per_1k_high", "n_units",
                   "few_units", "n_sentences", "sentence_share", "n_scored", "sentiment_mean", "ci_low", "ci_high",
                   "ci_units"]


def actor_framing(
    tokens,
    *,
    by: str = "author",
    actors: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    max_sentences: int | None = None,
) -> pd.DataFrame:
    """How often each group mentions each actor, and in what tone.

    For every group x actor (all actors of the alias table, or ``actors``;
    zero rows included, so the table is a full grid):

    * ``mentions``: mentions found by ``Tokens.actors()``;
    * ``per_1k``: mentions per 1,000 non-punctuation tokens of the group
      (stopwords included, as everywhere in corpus_tools), with
      ``per_1k_low``/``per_1k_high`` from :func:`corpus_tools.stats.rate_ci`
      with the group's paragraphs as units (a quasi-Poisson gamma interval
      with jackknife dispersion, never narrower than Garwood's exact Poisson
      interval; coverage measured by simulation, see that function). A
      percentile bootstrap over paragraphs, used before, covered as little
      as 34% with the seeds' 7-25 paragraphs. ``n_units`` is the number of
      paragraphs with tokens and ``few_units`` flags fewer than
      :data:`corpus_tools.stats.FEW_UNITS` (the dispersion, and so the
      interval, is then itself uncertain);
    * ``n_sentences``, ``sentence_share``: sentences that mention the actor,
      and their share of all the group's sentences;
    * ``sentiment_mean``: the mean VADER compound score (Hutto & Gilbert
      2014; see :func:`sentence_sentiment`) of those sentences, each sentence
      once however often it names the actor, with ``ci_low``/``ci_high`` a
      percentile-bootstrap interval (``n_boot`` replicates, ``ci``
      coverage) whose units ``ci_units`` names: ``"documents"`` (whole
      documents resampled, the cluster bootstrap) when at least
      :data:`corpus_tools.stats.FEW_UNITS` of the group's documents mention
      the actor, otherwise ``"sentences"``. Sentences of one article are not
      independent: an interval over sentences is a *lower bound* on the
      uncertainty, and says nothing about the author beyond this text. NaN
      with no sentence; NaN bounds with one. Simulated (documents of 3-15
      sentences, document effects of sd 0.1 or 0.25 around a common mean,
      sentence sd 0.4; 1,000 data sets a cell), the 95% interval over
      documents covered 0.90 with 10 documents, 0.91-0.92 with 20 and
      0.93-0.95 with 40; the interval over sentences covered 0.64-0.88 at
      any size. So even over documents it is somewhat narrow below ~40.
      ``n_scored`` says how many sentences were scored (fewer than
      ``n_sentences`` only when ``max_sentences`` caps them; see
      :func:`actor_sentences`).

    Every random draw comes from a generator seeded by ``seed`` and the
    group (and actor) labels, so results are reproducible and one group's
    numbers do not depend on the others.

    No column compares actors or groups: a difference between two rows is
    not tested here, and neither overlap nor separation of two intervals is
    such a test.

    Returns :data:`FRAMING_COLUMNS` (``group, actor, mentions, n_tokens,
    per_1k, per_1k_low, per_1k_high, n_units, few_units, n_sentences,
    sentence_share, n_scored, sentiment_mean, ci_low, ci_high, ci_units``),
    sorted by group, then actor in alias-table order.
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ParameterError(f"n_boot={n_boot!r}: give a whole number of bootstrap replicates >= 1 (N_BOOT)")
    if not 0.0 < ci < 1.0:
        raise ParameterError(f"ci={ci!r}: give a coverage between 0 and 1, e.g. 0.95")
    frame = token_frame(tokens)
    wanted = _actor_list(tokens, actors)
    groups = group_labels(tokens.docs, by)
    group_names = sorted(groups.unique())

    # Paragraph totals (the units of the rate interval) and actor mentions per paragraph.
    words = frame.loc[~bool_column(frame, "is_punct"), ["doc_id", "paragraph"]]
    words = words.assign(doc_id=words["doc_id"].astype(str))
    para = words.groupby(["doc_id", "paragraph"], sort=True).size().rename("n_tokens").reset_index()
    mentions = tokens.actors()
    mentions = mentions[mentions["actor"].isin(wanted)].assign(
        doc_id=lambda f: f["doc_id"].astype(str), actor=lambda f: f["actor"].astype(str)
    )
    per_para = (
        mentions.groupby(["doc_id", "paragraph", "actor"], sort=True).size().unstack("actor", fill_value=0)
        .reindex(columns=wanted, fill_value=0)
    )
    para = para.join(per_para, on=["doc_id", "paragraph"]).fillna({a: 0 for a in wanted})
    para["group"] = para["doc_id"].map(groups)

    sent_groups = tokens.sentences["doc_id"].astype(str).map(groups)
    n_sent = sent_groups.value_counts()
    scored = actor_sentences(tokens, by=by, actors=wanted, max_sentences=max_sentences, seed=seed)
    mentioning = (
        mentions.assign(group=mentions["doc_id"].map(groups))
        .drop_duplicates(["group", "actor", "doc_id", "sentence"])
        .groupby(["group", "actor"]).size()
    )

    rows = []
    for g in group_names:
        gp = para[para["group"] == g]
        counts = gp[wanted].to_numpy(np.float64)
        totals = gp["n_tokens"].to_numpy(np.float64)
        rate = stats.rate_ci(counts, totals, ci=ci, per=PER)
        est, lo, hi = np.atleast_1d(rate.estimate), np.atleast_1d(rate.low), np.atleast_1d(rate.high)
        n_tok = int(totals.sum())
        for j, a in enumerate(wanted):
            cell = scored[(scored["group"] == g) & (scored["actor"] == a)]
            x = cell["compound"].to_numpy(np.float64)
            by_doc = cell["doc_id"].nunique() >= stats.FEW_UNITS
            mean, c_lo, c_hi = _bootstrap_mean(
                x, n_boot=n_boot, rng=np.random.default_rng(stats.group_seed(seed, f"{g}\x1f{a}")), ci=ci,
                units=cell["doc_id"].to_numpy() if by_doc else None,
            )
            n_s = int(mentioning.get((g, a), 0))
            rows.append(
                {
                    "group": g, "actor": a, "mentions": int(counts[:, j].sum()), "n_tokens": n_tok,
                    "per_1k": float(est[j]), "per_1k_low": float(lo[j]), "per_1k_high": float(hi[j]),
                    "n_units": int(rate.n_units), "few_units": bool(rate.few_units),
                    "n_sentences": n_s,
                    "sentence_share": n_s / n_sent.get(g, 0) if n_sent.get(g, 0) else np.nan,
                    "n_scored": int(x.size), "sentiment_mean": mean, "ci_low": c_lo, "ci_high": c_hi,
                    "ci_units": "documents" if by_doc else "sentences",
                }
            )
    return pd.DataFrame(rows, columns=FRAMING_COLUMNS)


def actor_examples(
    tokens,
    *,
    by: str = "author",
    actors: Sequence[str] | None = None,
    max_sentences: int | None = None,
    seed: int = 0,
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The most positive and the most negative sentence per group x actor.

    Taken from :func:`actor_sentences` (pass its output as ``sentences`` to
    reuse it; otherwise it is computed with the same options). Ties are
    broken by document and sentence order. With one sentence, it is both.

    Returns ``group, actor, which ("most positive"/"most negative"),
    compound, doc_id, paragraph, sentence, text``.
    """
    if sentences is None:
        sentences = actor_sentences(tokens, by=by, actors=actors, max_sentences=max_sentences, seed=seed)
    cols = ["group", "actor", "which", "compound", "doc_id", "paragraph", "sentence", "text"]
    if sentences.empty:
        return pd.DataFrame(columns=cols)
    s = sentences.sort_values(["group", "actor", "doc_id", "sentence"], kind="mergesort")
    pos = s.sort_values("compound", ascending=False, kind="mergesort").groupby(["group", "actor"], sort=True).head(1)
    neg = s.sort_values("compound", ascending=True, kind="mergesort").groupby(["group", "actor"], sort=True).head(1)
    out = pd.concat([pos.assign(which="most positive"), neg.assign(which="most negative")], ignore_index=True)
    order = _known_actors(tokens) if tokens is not None else []
    order += [a for a in dict.fromkeys(sentences["actor"]) if a not in order]
    actor_rank = {a: i for i, a in enumerate(order)}
    out = out.assign(_a=out["actor"].map(actor_rank), _w=(out["which"] == "most negative").astype(int))
    return out.sort_values(["group", "_a", "_w"], ignore_index=True)[cols]

