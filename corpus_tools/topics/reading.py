"""Reading a fitted model: prevalence per document, agreement across seeds, cross-checks.

Every function takes :class:`~corpus_tools.topics.model.TopicModel` objects
and returns a tidy DataFrame, topics numbered from 1.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from gensim.models import Nmf, TfidfModel

from .. import stats
from ..errors import ParameterError
from .model import TOP_N, TopicModel

__all__ = [
    "doc_prevalence",
    "prevalence_intervals",
    "align_topics",
    "prevalence_across_seeds",
    "representative_units",
    "compare_nmf",
    "topic_map",
]


# ---------------------------------------------------------------------------
# Prevalence, alignment across seeds
# ---------------------------------------------------------------------------
def doc_prevalence(model: TopicModel) -> pd.DataFrame:
    """Topic prevalence per document: ``doc_id, topic, weight``.

    The token-weighted mean of the unit proportions,
    ``sum_u n_u theta_uk / sum_u n_u`` over the document's units -- the
    share of the document's in-vocabulary tokens expected to come from each
    topic. Weighting by tokens keeps a two-word paragraph from counting as
    much as a long one (and a unit with no vocabulary term counts not at
    all). A document with no vocabulary term gets NaN. Documents in corpus
    order; weights of a document sum to 1.
    """
    theta = model.theta()
    n = model.units["n_terms"].to_numpy(dtype=np.float64)
    docs = pd.Index(pd.unique(model.units["doc_id"]))
    codes = docs.get_indexer(model.units["doc_id"])
    num = np.zeros((len(docs), model.k))
    np.add.at(num, codes, n[:, None] * theta)
    den = np.bincount(codes, weights=n, minlength=len(docs))
    with np.errstate(invalid="ignore", divide="ignore"):
        w = num / den[:, None]
    return pd.DataFrame(
        {
            "doc_id": np.repeat(docs.to_numpy(), model.k),
            "topic": np.tile(np.arange(1, model.k + 1), len(docs)),
            "weight": w.ravel(),
        }
    )


def prevalence_intervals(
    model: TopicModel, *, n_boot: int = 1000, ci: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Document prevalence with a percentile bootstrap interval over the document's units.

    The paragraphs (units) of each document are resampled with replacement
    (Efron & Tibshirani 1993, via :func:`corpus_tools.stats.bootstrap_rate_ci`
    with counts ``n_u theta_uk`` and totals ``n_u``), so the interval shows
    how much the document-level share rests on a few paragraphs. It does NOT
    include the model's own uncertainty (see :func:`prevalence_across_seeds`).
    A document that is a single unit gets a zero-width interval.

    Returns ``doc_id, topic, weight, low, high`` in corpus order.
    """
    theta = model.theta()
    n = model.units["n_terms"].to_numpy(dtype=np.float64)
    rows = []
    for doc_id, idx in model.units.groupby("doc_id", sort=False).indices.items():
        counts = n[idx, None] * theta[idx]
        est, low, high = stats.bootstrap_rate_ci(counts, n[idx], n_boot=n_boot, seed=seed, ci=ci, per=1.0)
        for t in range(model.k):
            rows.append((doc_id, t + 1, float(est[t]), float(low[t]), float(high[t])))
    return pd.DataFrame(rows, columns=["doc_id", "topic", "weight", "low", "high"])


def align_topics(models: Sequence[TopicModel], *, reference: int = 0, n: int = TOP_N) -> pd.DataFrame:
    """Pair every model's topics with the reference model's topics.

    Topics are matched one-to-one by the Hungarian method on the Jaccard
    similarity of their top-``n`` terms (:func:`corpus_tools.stats.match_topics`).

    Returns ``seed, topic, reference_topic, jaccard`` (the reference model
    maps to itself with jaccard 1), one row per model and topic.

    Raises :class:`ParameterError` if the models differ in k or ``reference``
    is out of range.
    """
    if not models:
        raise ParameterError("no models to align; pass the output of fit_lda_seeds.")
    if not 0 <= reference < len(models):
        raise ParameterError(f"reference={reference} is not an index into the {len(models)} models.")
    ks = {m.k for m in models}
    if len(ks) != 1:
        raise ParameterError(f"cannot align models with different k ({sorted(ks)}); fit them with one k.")
    ref_sets = models[reference].term_sets(n)
    rows = []
    for m in models:
        for i, j, jac in stats.match_topics(ref_sets, m.term_sets(n)):
            rows.append((m.seed, j + 1, i + 1, jac))
    return pd.DataFrame(rows, columns=["seed", "topic", "reference_topic", "jaccard"])


def prevalence_across_seeds(
    models: Sequence[TopicModel], *, reference: int = 0, n: int = TOP_N
) -> pd.DataFrame:
    """Document prevalence under every seed, in the reference model's topic numbering.

    Each model's topics are aligned to ``models[reference]`` with
    :func:`align_topics`; its :func:`doc_prevalence` is then relabelled.
    The spread over seeds of one (doc_id, topic) is the part of the
    uncertainty that comes from the fitting algorithm's random start.

    Returns ``doc_id, topic, seed, weight, jaccard, is_reference`` where
    ``topic`` is the reference topic and ``jaccard`` says how well this
    seed's topic matched it (low = the topic is not really the same one).
    """
    aligned = align_topics(models, reference=reference, n=n)
    frames = []
    for i, m in enumerate(models):
        a = aligned[aligned["seed"] == m.seed].set_index("topic")
        p = doc_prevalence(m)
        p["jaccard"] = p["topic"].map(a["jaccard"])
        p["topic"] = p["topic"].map(a["reference_topic"])
        p["seed"] = m.seed
        p["is_reference"] = i == reference
        frames.append(p)
    out = pd.concat(frames, ignore_index=True)
    return out[["doc_id", "topic", "seed", "weight", "jaccard", "is_reference"]].sort_values(
        ["doc_id", "topic", "seed"], kind="stable"
    ).reset_index(drop=True)


# ---------------------------------------------------------------------------
# Reading the model: representative units, NMF cross-check, topic map
# ---------------------------------------------------------------------------
def representative_units(model: TopicModel, tokens, *, n: int = 1, min_terms: int = 10) -> pd.DataFrame:
    """The ``n`` units with the highest proportion of each topic, with their text.

    Only units with at least ``min_terms`` in-vocabulary tokens compete (a
    three-word paragraph can be 99 % one topic while saying nothing); if no
    unit of the corpus is that long, all units compete. Ties go to the
    earlier unit.

    Returns ``topic, rank, unit_id, doc_id, weight, n_terms, text``; the
    text is the paragraph, the sentence, or the whole document.
    """
    theta = model.theta()
    units = model.units.reset_index(drop=True)
    eligible = units["n_terms"].to_numpy() >= min_terms
    if not eligible.any():
        eligible[:] = True
    texts = _unit_texts(model.unit, tokens)
    rows = []
    order_ix = np.arange(len(units))
    for t in range(model.k):
        w = np.where(eligible, theta[:, t], -np.inf)
        best = np.lexsort((order_ix, -w))[:n]
        for rank, u in enumerate(best, start=1):
            uid = units.at[u, "unit_id"]
            rows.append(
                (
                    t + 1, rank, uid, units.at[u, "doc_id"], float(theta[u, t]),
                    int(units.at[u, "n_terms"]), texts.get(uid, ""),
                )
            )
    return pd.DataFrame(rows, columns=["topic", "rank", "unit_id", "doc_id", "weight", "n_terms", "text"])


def _unit_texts(unit: str, tokens) -> dict[str, str]:
    """unit_id -> text, joining the unit table to the paragraph or sentence texts."""
    table = tokens.units(unit)
    if unit == "sentence":
        sent = tokens.sentences[["doc_id", "sentence", "text"]].copy()
        sent["doc_id"] = sent["doc_id"].astype(str)
        t = table[["unit_id", "doc_id", "sentence"]].copy()
        t["doc_id"] = t["doc_id"].astype(str)
        merged = t.merge(sent, on=["doc_id", "sentence"], how="left")
        return dict(zip(merged["unit_id"].astype(str), merged["text"].fillna("")))
    paras = tokens.paragraph_texts().copy()
    paras["doc_id"] = paras["doc_id"].astype(str)
    if unit == "document":
        joined = paras.groupby("doc_id", sort=False)["text"].agg("\n\n".join)
        t = table[["unit_id", "doc_id"]].astype(str)
        return dict(zip(t["unit_id"], t["doc_id"].map(joined).fillna("")))
    t = table[["unit_id", "doc_id", "paragraph"]].copy()
    t["doc_id"] = t["doc_id"].astype(str)
    merged = t.merge(paras, on=["doc_id", "paragraph"], how="left")
    return dict(zip(merged["unit_id"].astype(str), merged["text"].fillna("")))


def compare_nmf(
    model: TopicModel, *, seed: int | None = None, passes: int | None = None, n: int = TOP_N
) -> pd.DataFrame:
    """Cross-check the LDA topics against NMF on tf-idf with the same k and vocabulary.

    Non-negative matrix factorisation (Lee & Seung 1999) of the tf-idf
    weighted unit × term matrix (Salton & Buckley 1988; gensim
    :class:`~gensim.models.TfidfModel` from the dictionary's document
    frequencies) with gensim's online :class:`~gensim.models.Nmf`
    (``random_state`` fixed). NMF makes different assumptions from LDA, so
    a topic both methods find is less likely to be an artefact of one of
    them. Topics are paired one-to-one by the Hungarian method on the
    Jaccard similarity of their top-``n`` terms.

    ``seed`` and ``passes`` default to the LDA model's.

    Returns ``lda_topic, nmf_topic, jaccard, shared_terms, lda_terms, nmf_terms``
    sorted by lda_topic (terms as comma-separated strings).
    """
    bow = model.bow
    seed = model.seed if seed is None else int(seed)
    passes = model.passes if passes is None else int(passes)
    tfidf = TfidfModel(dictionary=bow.dictionary)
    nmf = Nmf(
        corpus=tfidf[bow.corpus],
        num_topics=model.k,
        id2word=bow.dictionary,
        passes=passes,
        random_state=seed,
    )
    W = np.asarray(nmf.get_topics(), dtype=np.float64)
    terms = model.terms
    ids = np.arange(W.shape[1])
    nmf_sets = [[terms[w] for w in np.lexsort((ids, -W[t]))[:n]] for t in range(W.shape[0])]
    lda_sets = model.term_sets(n)
    rows = []
    for i, j, jac in stats.match_topics(lda_sets, nmf_sets):
        shared = [w for w in lda_sets[i] if w in set(nmf_sets[j])]
        rows.append((i + 1, j + 1, jac, ", ".join(shared), ", ".join(lda_sets[i]), ", ".join(nmf_sets[j])))
    return pd.DataFrame(rows, columns=["lda_topic", "nmf_topic", "jaccard", "shared_terms", "lda_terms", "nmf_terms"])


def topic_map(model: TopicModel) -> pd.DataFrame:
    """Coordinates for an intertopic distance map, as LDAvis draws it.

    Jensen-Shannon divergence between the topics' term distributions
    (:func:`corpus_tools.stats.pairwise_jsd`, Lin 1991), projected to two
    dimensions by classical (Torgerson 1952) multidimensional scaling, the
    default of LDAvis (Sievert & Shirley 2014). Each axis
    is signed so that its largest coordinate is positive, which makes the
    picture deterministic. With k = 2 the second axis is 0.

    Returns ``topic, x, y, prevalence`` (prevalence from
    :meth:`TopicModel.topic_prevalence`).
    """
    D = stats.pairwise_jsd(model.phi())
    k = D.shape[0]
    J = np.eye(k) - np.ones((k, k)) / k
    B = -0.5 * J @ (D**2) @ J
    vals, vecs = np.linalg.eigh(B)
    order = np.argsort(vals)[::-1][:2]
    coords = vecs[:, order] * np.sqrt(np.clip(vals[order], 0.0, None))
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(k)])
    for c in range(2):
        col = coords[:, c]
        if col[np.argmax(np.abs(col))] < 0:
            coords[:, c] = -col
    coords[np.abs(coords) < 1e-12] = 0.0
    prev = model.topic_prevalence()["weight"].to_numpy()
    return pd.DataFrame({"topic": np.arange(1, k + 1), "x": coords[:, 0], "y": coords[:, 1], "prevalence": prev})
