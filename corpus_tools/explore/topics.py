"""The topic explorer (notebook 01): an LDAvis-style map, top terms with the λ slider, typical paragraphs.

After LDAvis (Sievert & Shirley 2014), without its weakness offline (pyLDAvis
loads its JavaScript from a CDN and renders blank without the network):

* the intertopic distance map of :func:`corpus_tools.topics.topic_map`
  (Jensen–Shannon divergence between topics, classical MDS; circle area is
  the topic's share of the tokens);
* the selected topic's top terms ranked by relevance
  ``λ log φ_kw + (1 − λ) log(φ_kw / p_w)`` (:meth:`TopicModel.top_terms`),
  precomputed for λ = 0, 0.1, …, 1 (the slider's steps), drawn as LDAvis
  draws them: the term's estimated count in the topic over its count in the
  corpus;
* the topic's most typical paragraphs (:func:`corpus_tools.topics.representative_units`).

A ``noise`` flag (the notebook's test against a shuffled null) puts a banner
above everything: topics that a shuffled corpus produces as well must not be
read as themes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..corpus import doc_labels, shorten
from ..errors import ParameterError
from ..topics import representative_units, topic_map
from .explorer import Explorer

__all__ = ["topic_explorer", "topic_spec", "NOISE_BANNER", "LAMBDA_STEPS"]

#: The banner shown when the notebook's test finds the topics indistinguishable from a shuffled corpus.
NOISE_BANNER = (
    "These topics are not distinguishable from noise: a model fitted to the same units with their words "
    "shuffled does as well. Read them as clusters of frequent words, not as themes."
)
#: The slider's steps: λ = 0, 0.1, …, 1 (stored as tenths, so that a step is an exact match).
LAMBDA_STEPS = tuple(range(11))


def topic_explorer(
    model,
    tokens,
    *,
    labels: pd.Series | None = None,
    n_terms: int = 20,
    n_units: int = 3,
    max_chars: int = 900,
    relevance_lambda: float = 0.6,
    noise: bool = False,
    banner: str | None = None,
    topic: int = 1,
) -> Explorer:
    """The topic explorer for a fitted :class:`corpus_tools.topics.TopicModel`.

    Parameters
    ----------
    model : TopicModel
    tokens : Tokens
        The tokens the model was fitted on (for the paragraphs' texts).
    labels : Series, optional
        Topic -> label (``model.labels(...)``); default: the top three terms at ``relevance_lambda``.
    n_terms : int, default 20
        Terms listed per topic at each λ step.
    n_units : int, default 3
        Typical units (paragraphs) per topic, each cut to ``max_chars`` characters.
    relevance_lambda : float, default 0.6
        Where the slider starts (Sievert & Shirley's user study found about 0.6 most helpful);
        rounded to the nearest step of 0.1.
    noise : bool, default False
        True puts :data:`NOISE_BANNER` above the explorer; ``banner`` replaces its text.
    topic : int, default 1
        The topic shown first.

    Returns an :class:`~corpus_tools.explore.Explorer` (``kind="topics"``)
    with tables ``topics`` (``topic, label, x, y, prevalence``), ``terms``
    (``topic, lam10, rank, term, weight, p_corpus, relevance, in_topic,
    overall``: one row per topic, λ step and rank) and ``units``. Raises
    ParameterError for a λ outside [0, 1], an unknown ``topic`` or counts below 1.
    """
    for name, value in (("n_terms", n_terms), ("n_units", n_units)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ParameterError(f"{name}={value!r}: give a positive whole number")
    if not 0.0 <= float(relevance_lambda) <= 1.0:
        raise ParameterError(f"relevance_lambda={relevance_lambda!r} must be in [0, 1] (RELEVANCE_LAMBDA)")
    if topic not in range(1, model.k + 1):
        raise ParameterError(f"topic={topic!r}: the model has topics 1 to {model.k}")
    if labels is None:
        labels = model.labels(n=3, relevance_lambda=relevance_lambda)
    coords = topic_map(model)
    coords.insert(1, "label", coords["topic"].map(dict(labels)).fillna("").astype(str))

    # LDAvis's bars: the term's estimated count in the topic against its count in the corpus
    n_tokens = float(model.units["n_terms"].sum())
    share = dict(zip(coords["topic"], coords["prevalence"]))
    parts = []
    for step in LAMBDA_STEPS:
        tt = model.top_terms(n=int(n_terms), relevance_lambda=step / 10)
        parts.append(tt.assign(lam10=step))
    terms = pd.concat(parts, ignore_index=True)
    # pyLDAvis's term-topic frequencies (Sievert & Shirley 2014; pyLDAvis._prepare): phi times the
    # topic's share of the tokens, then rescaled per term so a term's estimates over the topics add up
    # to its count in the corpus (the eta smoothing otherwise lets a rare term's estimate exceed it)
    phi = np.asarray(model.phi(), dtype=np.float64)
    est = phi * np.array([share[t] for t in range(1, model.k + 1)])[:, None] * n_tokens
    overall = model.term_probability() * n_tokens
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.where(est.sum(axis=0) > 0, est * (overall / est.sum(axis=0)), 0.0)
    index = {t: i for i, t in enumerate(model.terms)}
    cols = terms["term"].map(index).to_numpy()
    terms["in_topic"] = est[terms["topic"].to_numpy() - 1, cols]
    terms["overall"] = overall[cols]
    terms = terms[["topic", "lam10", "rank", "term", "weight", "p_corpus", "relevance", "in_topic", "overall"]]

    rep = representative_units(model, tokens, n=int(n_units))
    names = doc_labels(tokens.docs)
    units = pd.DataFrame({
        "topic": rep["topic"].astype(np.int64), "rank": rep["rank"].astype(np.int64),
        "unit_id": rep["unit_id"].astype(str), "document": rep["doc_id"].astype(str).map(names).fillna(rep["doc_id"]),
        "weight": rep["weight"], "text": rep["text"].map(lambda t: shorten(t, int(max_chars))),
    })

    lam10 = int(round(float(relevance_lambda) * 10))
    notes = [
        f"{model.k} topics over {len(model.units):,} {model.unit} units and {len(model.dictionary):,} lemmas. "
        f"Top {int(n_terms)} terms per topic for λ = 0, 0.1, …, 1; the {int(n_units)} most typical "
        f"{model.unit}s of each topic, each cut to {int(max_chars)} characters.",
    ]
    text = banner if banner is not None else (NOISE_BANNER if noise else "")
    explorer = Explorer(
        kind="topics",
        title=f"Topics (k = {model.k}): map, top terms by relevance, typical {model.unit}s",
        tables={"topics": coords, "terms": terms, "units": units},
        specs={},
        state={"topic": int(topic), "lam10": lam10, "labels": {str(k): v for k, v in dict(labels).items()},
               "unit": model.unit, "n_terms": int(n_terms)},
        notes=notes,
        banner=text,
        tokens=tokens,
    )
    explorer.specs["chart"] = topic_spec(explorer)
    return explorer


def topic_spec(explorer: Explorer, *, size: int = 330, bar_width: int = 330) -> dict:
    """The Vega-Lite specification: the topic map beside the selected topic's top terms.

    Reads the datasets ``topics`` and ``terms``; its parameters ``topic``
    and ``lam10`` (λ in tenths) are set by the menu, the slider and a click
    on a circle.
    """
    import altair as alt

    chosen = "datum.topic == topic"
    circles = alt.Chart(alt.Data(name="topics")).mark_circle(stroke="#333", strokeWidth=1).encode(
        x=alt.X("x:Q", title="PC1 (classical MDS of Jensen–Shannon divergence)", axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("y:Q", title="PC2", axis=alt.Axis(labels=False, ticks=False)),
        size=alt.Size("prevalence:Q", scale=alt.Scale(range=[150, 4500], zero=True), legend=None),
        color=alt.when(chosen).then(alt.value("#d62728")).otherwise(alt.value("#9ecae1")),
        opacity=alt.value(0.7),
        tooltip=[alt.Tooltip("label:N", title="topic"), alt.Tooltip("prevalence:Q", format=".1%", title="share of tokens")],
    )
    numbers = alt.Chart(alt.Data(name="topics")).mark_text(fontSize=12, fontWeight="bold").encode(
        x="x:Q", y="y:Q", text="topic:N", tooltip=[alt.Tooltip("label:N", title="topic")])
    topic_map_chart = alt.layer(circles, numbers).properties(
        width=size, height=size, title=alt.Title("Intertopic distance map (click a topic)", anchor="start", fontSize=13))

    bars = alt.Chart(alt.Data(name="terms")).transform_filter(f"{chosen} && datum.lam10 == lam10")
    y = alt.Y("term:N", sort=alt.EncodingSortField(field="rank", order="ascending"), title=None)
    overall = bars.mark_bar(color="#c7c7c7").encode(
        x=alt.X("overall:Q", title="tokens: in the whole corpus (grey), estimated in this topic (red)"), y=y,
        tooltip=[alt.Tooltip("term:N"), alt.Tooltip("overall:Q", format=",.0f", title="in the corpus"),
                 alt.Tooltip("in_topic:Q", format=",.1f", title="estimated in the topic"),
                 alt.Tooltip("weight:Q", format=".4f", title="probability in the topic"),
                 alt.Tooltip("relevance:Q", format=".3f")])
    inside = bars.mark_bar(color="#d62728").encode(x="in_topic:Q", y=y, tooltip=[
        alt.Tooltip("term:N"), alt.Tooltip("in_topic:Q", format=",.1f", title="estimated in the topic"),
        alt.Tooltip("overall:Q", format=",.0f", title="in the corpus")])
    top_terms = alt.layer(overall, inside).properties(
        width=bar_width,
        title=alt.Title(text={"expr": "'Top terms of topic ' + topic + ' by relevance, λ = ' + format(lam10 / 10, '.1f')"},
                        anchor="start", fontSize=13))
    chart = alt.hconcat(topic_map_chart, top_terms, spacing=40).add_params(
        alt.param(name="topic", value=explorer.state["topic"]),
        alt.param(name="lam10", value=explorer.state["lam10"]),
    )
    return chart.to_dict()
