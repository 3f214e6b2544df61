"""Topic models: LDA that a reviewer can check, from five articles to ten thousand speeches.

The unit of analysis (paragraph, sentence or document) is a parameter,
because five documents are far too few for LDA while paragraphs give it
something to work with. Everything here goes through one prepared
bag-of-words (a gensim :class:`~gensim.corpora.Dictionary` and a sparse
unit × term count matrix streamed to gensim one row at a time), so the same
code path serves the seed corpus and the 30-million-token UN debates without
ever holding the bag-of-words as Python lists of lists.

Functions
---------
fit_lda, fit_lda_seeds
    Latent Dirichlet allocation (Blei, Ng & Jordan 2003), fitted by gensim's
    online variational Bayes (Hoffman, Blei & Bach 2010) with a fixed
    ``random_state``. Returns :class:`TopicModel`.
sweep, rank_k, choose_k
    Coherence (Röder, Both & Hinneburg 2015) and seed stability (Greene,
    O'Callaghan & Cunningham 2014) over a grid of k and seeds, and the rule
    that picks k.
align_topics, doc_prevalence, prevalence_intervals, prevalence_across_seeds
    Topic prevalence per document, with paragraph-bootstrap intervals and the
    spread across seeds after aligning topics (Hungarian matching).
representative_units, compare_nmf, topic_map
    The most typical paragraph per topic, a cross-check against NMF on
    tf-idf, and an LDAvis-style intertopic distance map.
plot_*
    Figures for notebook 01; each takes the DataFrames above and returns a
    matplotlib Figure.

Topics are numbered from 1 in every DataFrame (gensim's topic ``i`` is our
``i + 1``), so that tables and figures read naturally.
"""
from __future__ import annotations

import logging
import math
import os
import textwrap
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.sparse as sp
from adjustText import adjust_text
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel, LdaModel, Nmf, TfidfModel

from . import stats
from .corpus import date_position
from .errors import ParameterError
from .corpus import shorten
from .plots.style import use_style

__all__ = [
    "TopicModel",
    "fit_lda",
    "fit_lda_seeds",
    "sweep",
    "rank_k",
    "choose_k",
    "align_topics",
    "doc_prevalence",
    "prevalence_intervals",
    "prevalence_across_seeds",
    "representative_units",
    "compare_nmf",
    "topic_map",
    "plot_k_selection",
    "plot_top_terms",
    "plot_doc_topics",
    "plot_prevalence_by_date",
    "plot_prevalence_seeds",
    "plot_topic_map",
]

# gensim logs every pass at INFO; a notebook should not print hundreds of lines.
logging.getLogger("gensim").setLevel(logging.WARNING)

UNITS = ("paragraph", "sentence", "document")

#: Defaults sized for small corpora (tens to hundreds of paragraphs). A term
#: must occur in at least 2 units (a word seen once cannot co-occur with
#: anything, so it only adds noise) and in at most half of them (a word in
#: most units, such as the corpus's own subject, separates no topics).
#: Tutorials' ``no_below=50`` would empty the vocabulary of a small corpus.
DEFAULT_NO_BELOW = 2
DEFAULT_NO_ABOVE = 0.5
#: gensim's own cap on the vocabulary (most frequent terms kept).
DEFAULT_KEEP_N = 100_000
#: 10 passes over a small corpus; large corpora need fewer (pass ``passes=1``).
DEFAULT_PASSES = 10
#: Variational E-step iterations per document (gensim's default is 50; short
#: paragraphs converge quickly, but 100 costs little and removes a source of
#: seed-to-seed noise).
DEFAULT_ITERATIONS = 100
#: Coherence (c_v, c_npmi) is estimated on at most this many units, drawn
#: once with a fixed seed, because its sliding-window counts are slow in
#: Python. u_mass always uses the whole corpus.
DEFAULT_COHERENCE_UNITS = 2000
#: Terms per topic for coherence, stability and alignment (the usual top-10).
TOP_N = 10


# ---------------------------------------------------------------------------
# The prepared bag-of-words
# ---------------------------------------------------------------------------
class _RowStream:
    """A gensim corpus over the rows of a CSR count matrix.

    gensim re-iterates the corpus once per pass; each row is turned into a
    list of ``(term_id, count)`` only when it is yielded, so memory stays at
    the size of the sparse matrix (about 8 bytes per distinct term per unit)
    instead of a Python list of lists for the whole corpus.
    """

    def __init__(self, matrix: sp.csr_matrix) -> None:
        self.matrix = matrix

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        for i in range(self.matrix.shape[0]):
            a, b = indptr[i], indptr[i + 1]
            yield list(zip(indices[a:b].tolist(), data[a:b].tolist()))

    def chunks(self, size: int) -> Iterator[list[list[tuple[int, int]]]]:
        chunk: list[list[tuple[int, int]]] = []
        for row in self:
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


@dataclass(frozen=True, eq=False)
class _Bow:
    """Dictionary, unit × term counts and (optionally) a sample of unit texts."""

    unit: str
    dictionary: Dictionary
    counts: sp.csr_matrix  #: (n_units, n_terms) int32
    units: pd.DataFrame  #: unit_id, doc_id, n_terms (in-vocabulary tokens)
    texts: list[list[str]]  #: sample of units' token lists, for c_v / c_npmi
    no_below: int
    no_above: float
    common_terms: pd.DataFrame  #: term, n_units, share: dropped for exceeding no_above

    @property
    def stream(self) -> _RowStream:
        return _RowStream(self.counts)

    @property
    def n_units_with_terms(self) -> int:
        return int((self.units["n_terms"] > 0).sum())


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ParameterError(f"unit={unit!r} is not one of {UNITS}; set UNIT to one of them.")


def _check_filters(no_below: int, no_above: float) -> None:
    if isinstance(no_below, bool) or not isinstance(no_below, (int, np.integer)) or no_below < 1:
        raise ParameterError(
            f"no_below={no_below!r} must be a whole number of units >= 1 (NO_BELOW: keep terms "
            f"found in at least this many units)."
        )
    if not (isinstance(no_above, (int, float)) and 0 < no_above <= 1):
        raise ParameterError(
            f"no_above={no_above!r} must be a fraction in (0, 1] (NO_ABOVE: drop terms found in "
            f"more than this share of units)."
        )


def _prepare(
    tokens,
    *,
    unit: str,
    no_below: int,
    no_above: float,
    keep_n: int | None = DEFAULT_KEEP_N,
    n_texts: int = 0,
) -> _Bow:
    """One streaming pass over ``tokens.iter_bags(unit)``: dictionary, filtered counts, text sample.

    Counts are collected with ``Dictionary.doc2bow(allow_update=True)`` into
    flat integer arrays, then the dictionary is filtered with
    ``filter_extremes`` and the term ids are remapped in one numpy step, so
    the token table is read only once.
    """
    _check_unit(unit)
    _check_filters(no_below, no_above)
    unit_table = tokens.units(unit)
    n_expected = len(unit_table)
    doc_of = dict(zip(unit_table["unit_id"].astype(str), unit_table["doc_id"].astype(str)))
    if n_texts and n_expected > n_texts:
        # A fixed-seed sample (documented in DEFAULT_COHERENCE_UNITS), sorted so
        # the texts keep corpus order.
        rng = np.random.default_rng(0)
        keep_text = set(np.sort(rng.choice(n_expected, size=n_texts, replace=False)).tolist())
    else:
        keep_text = None

    dictionary = Dictionary()
    unit_ids: list[str] = []
    indices = array("i")
    data = array("i")
    row_len = array("q")
    texts: list[list[str]] = []
    for i, (unit_id, toks) in enumerate(tokens.iter_bags(unit=unit)):
        toks = list(toks)
        bow = dictionary.doc2bow(toks, allow_update=True)
        unit_ids.append(str(unit_id))
        row_len.append(len(bow))
        for term_id, count in bow:
            indices.append(term_id)
            data.append(count)
        if n_texts and (keep_text is None or i in keep_text):
            texts.append(toks)

    n_units = len(unit_ids)
    if n_units < 2:
        raise ParameterError(
            f"only {n_units} {unit} unit(s) in the selection; a topic model needs at least 2. "
            f"Choose a finer UNIT ('paragraph' or 'sentence') or widen SELECT_WHERE / DATE_FROM / DATE_TO."
        )
    n_before = len(dictionary)
    old_token2id = dict(dictionary.token2id)
    # Terms that no_above removes, for the record: on a small corpus these
    # are its subject (e.g. the countries it is about), and a reader should
    # know why they appear in no topic.
    id2token = {i: t for t, i in old_token2id.items()}
    limit = no_above * n_units
    common = sorted(((id2token[i], df) for i, df in dictionary.dfs.items() if df > limit), key=lambda x: (-x[1], x[0]))
    common_terms = pd.DataFrame(common, columns=["term", "n_units"]).astype({"n_units": np.int64})
    common_terms["share"] = common_terms["n_units"] / n_units
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    n_terms = len(dictionary)
    if n_terms == 0:
        raise ParameterError(
            f"no term is left after filtering: of {n_before} distinct terms in {n_units} {unit} "
            f"units, none occurs in at least no_below={no_below} units and in at most "
            f"no_above={no_above} of them. Lower NO_BELOW or raise NO_ABOVE (or use a larger corpus)."
        )
    # Old id -> new id (-1 = filtered out), then drop and renumber in one go.
    remap = np.full(n_before, -1, dtype=np.int64)
    for token, new_id in dictionary.token2id.items():
        remap[old_token2id[token]] = new_id
    idx = remap[np.frombuffer(indices, dtype=np.int32)] if len(indices) else np.zeros(0, np.int64)
    vals = np.frombuffer(data, dtype=np.int32) if len(data) else np.zeros(0, np.int32)
    rows = np.repeat(np.arange(n_units), np.frombuffer(row_len, dtype=np.int64))
    keep = idx >= 0
    counts = sp.csr_matrix(
        (vals[keep].astype(np.int32), (rows[keep], idx[keep].astype(np.int32))),
        shape=(n_units, n_terms),
        dtype=np.int32,
    )
    counts.sum_duplicates()
    counts.sort_indices()
    units = pd.DataFrame(
        {
            "unit_id": unit_ids,
            "doc_id": [doc_of.get(u, u.split("/")[0]) for u in unit_ids],
            "n_terms": np.asarray(counts.sum(axis=1)).ravel().astype(np.int64),
        }
    )
    return _Bow(unit, dictionary, counts, units, texts, no_below, no_above, common_terms)


def _check_k(k: int, bow: _Bow, *, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ParameterError(f"{name}={k!r}: the number of topics must be a whole number >= 2.")
    n_units = bow.n_units_with_terms
    if k > n_units:
        raise ParameterError(
            f"{name}={k} topics is more than the {n_units} {bow.unit} units that have any "
            f"vocabulary term; lower {name} (K_VALUES in the notebook) below {n_units + 1} or choose "
            f"a finer UNIT ('paragraph' or 'sentence')."
        )
    n_terms = len(bow.dictionary)
    if k > n_terms:
        raise ParameterError(
            f"{name}={k} topics but only {n_terms} vocabulary terms survive filtering; lower {name} "
            f"(K_VALUES), or lower NO_BELOW / raise NO_ABOVE to keep more terms."
        )
    return int(k)


# ---------------------------------------------------------------------------
# The fitted model
# ---------------------------------------------------------------------------
class TopicModel:
    """A fitted LDA model with its dictionary, units and counts.

    Attributes
    ----------
    model : gensim.models.LdaModel
    dictionary : gensim.corpora.Dictionary
    unit : str
        ``"paragraph"``, ``"sentence"`` or ``"document"``.
    units : DataFrame
        ``unit_id, doc_id, n_terms`` (in-vocabulary tokens per unit), in
        corpus order.
    common_terms : DataFrame
        ``term, n_units, share``: the terms dropped for occurring in more
        than ``no_above`` of the units, most widespread first.
    k, seed, passes : int
    """

    def __init__(self, model: LdaModel, bow: _Bow, *, seed: int, passes: int) -> None:
        self.model = model
        self._bow = bow
        self.dictionary = bow.dictionary
        self.unit = bow.unit
        self.units = bow.units
        self.common_terms = bow.common_terms
        self.seed = int(seed)
        self.passes = int(passes)
        self._theta: np.ndarray | None = None

    def __repr__(self) -> str:
        return (
            f"<TopicModel k={self.k} seed={self.seed} unit={self.unit!r} "
            f"units={len(self.units)} terms={len(self.dictionary)}>"
        )

    @property
    def k(self) -> int:
        return int(self.model.num_topics)

    @property
    def terms(self) -> list[str]:
        """Vocabulary in term-id order."""
        d = self.dictionary
        return [d[i] for i in range(len(d))]

    def phi(self) -> np.ndarray:
        """Topic-term probabilities, shape (k, n_terms); rows sum to 1."""
        return np.asarray(self.model.get_topics(), dtype=np.float64)

    def term_probability(self) -> np.ndarray:
        """Marginal term probability p_w in the modelled corpus (counts / total), shape (n_terms,)."""
        col = np.asarray(self._bow.counts.sum(axis=0), dtype=np.float64).ravel()
        return col / col.sum()

    def top_terms(self, n: int = TOP_N, relevance_lambda: float = 1.0) -> pd.DataFrame:
        """The ``n`` most relevant terms of every topic.

        Relevance (Sievert & Shirley 2014, "LDAvis", section 3.1) is
        ``lam * log(phi_kw) + (1 - lam) * log(phi_kw / p_w)``, computed by
        :func:`corpus_tools.stats.relevance`, with ``p_w`` the term's share of
        all in-vocabulary tokens of the corpus. ``relevance_lambda=1`` ranks
        by topic probability; lower values promote terms that are specific to
        the topic (their user study found about 0.6 most helpful).

        Returns a DataFrame ``topic, rank, term, weight, relevance, p_corpus``
        (topics and ranks from 1; ``weight`` is phi_kw, the term's probability
        in the topic, whatever lambda ranks by). Ties are broken by term id,
        so the order is deterministic.

        Raises :class:`ParameterError` if ``n < 1`` or lambda is outside [0, 1].
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ParameterError(f"n={n!r} must be a whole number >= 1 (N_TOP_TERMS).")
        if not (0.0 <= float(relevance_lambda) <= 1.0):
            raise ParameterError(f"relevance_lambda={relevance_lambda!r} must be in [0, 1] (RELEVANCE_LAMBDA).")
        phi = self.phi()
        p_w = self.term_probability()
        rel = stats.relevance(phi, p_w, lam=float(relevance_lambda))
        terms = self.terms
        n = min(int(n), phi.shape[1])
        ids = np.arange(phi.shape[1])
        rows = []
        for t in range(phi.shape[0]):
            order = np.lexsort((ids, -rel[t]))[:n]
            for rank, w in enumerate(order, start=1):
                rows.append((t + 1, rank, terms[w], float(phi[t, w]), float(rel[t, w]), float(p_w[w])))
        return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight", "relevance", "p_corpus"])

    def term_sets(self, n: int = TOP_N) -> list[list[str]]:
        """Top-``n`` terms (by probability) of each topic, in topic order."""
        tt = self.top_terms(n=n)
        return [tt.loc[tt["topic"] == t, "term"].tolist() for t in range(1, self.k + 1)]

    def labels(self, n: int = 3, relevance_lambda: float = 1.0, *, width: int = 40) -> pd.Series:
        """A label per topic from its top terms: ``"1: trade · tariff · war"``, indexed by topic."""
        tt = self.top_terms(n=n, relevance_lambda=relevance_lambda)
        out = {
            t: shorten(f"{t}: " + " · ".join(g["term"].str.replace("_", " ")), width)
            for t, g in tt.groupby("topic", sort=True)
        }
        return pd.Series(out, name="label").rename_axis("topic")

    def theta(self) -> np.ndarray:
        """Unit-topic proportions, shape (n_units, k), rows sum to 1.

        Inferred once per model by gensim's variational E-step over the
        streamed corpus, in chunks, and cached. gensim draws the starting
        values of that step from the model's random state, so the state is
        reset to the model's seed first: the result does not depend on what
        was called before. A unit with no vocabulary term gets the prior mean
        alpha / sum(alpha).
        """
        if self._theta is None:
            saved = self.model.random_state
            self.model.random_state = np.random.RandomState(self.seed)
            try:
                parts = []
                for chunk in self._bow.stream.chunks(2000):
                    gamma, _ = self.model.inference(chunk)
                    parts.append(gamma / gamma.sum(axis=1, keepdims=True))
                self._theta = np.vstack(parts).astype(np.float64)
            finally:
                self.model.random_state = saved
        return self._theta.copy()

    def doc_topics(self) -> pd.DataFrame:
        """Topic proportions of every unit: ``unit_id, doc_id, topic, weight``.

        One row per unit and topic (gensim's ``minimum_probability=0``: no
        unit or topic is dropped), in corpus order, topics from 1. Weights of
        a unit sum to 1.
        """
        theta = self.theta()
        n, k = theta.shape
        return pd.DataFrame(
            {
                "unit_id": np.repeat(self.units["unit_id"].to_numpy(), k),
                "doc_id": np.repeat(self.units["doc_id"].to_numpy(), k),
                "topic": np.tile(np.arange(1, k + 1), n),
                "weight": theta.ravel(),
            }
        )

    def topic_prevalence(self) -> pd.DataFrame:
        """Share of all in-vocabulary tokens expected to come from each topic: ``topic, weight``.

        ``sum_u n_u * theta_uk / sum_u n_u`` (the topic size LDAvis shows,
        Sievert & Shirley 2014). Sums to 1 over topics.
        """
        theta = self.theta()
        n = self.units["n_terms"].to_numpy(dtype=np.float64)
        w = n @ theta / n.sum()
        return pd.DataFrame({"topic": np.arange(1, self.k + 1), "weight": w})


def _fit(bow: _Bow, *, k: int, seed: int, passes: int, iterations: int, alpha, eta, chunksize: int) -> TopicModel:
    if isinstance(passes, bool) or not isinstance(passes, (int, np.integer)) or passes < 1:
        raise ParameterError(f"passes={passes!r} must be a whole number >= 1 (PASSES).")
    model = LdaModel(
        corpus=bow.stream,
        id2word=bow.dictionary,
        num_topics=k,
        random_state=int(seed),
        passes=int(passes),
        iterations=int(iterations),
        alpha=alpha,
        eta=eta,
        chunksize=int(chunksize),
        update_every=1,
        # Perplexity estimates cost a pass each and are not used here.
        eval_every=None,
    )
    return TopicModel(model, bow, seed=seed, passes=passes)


def fit_lda(
    tokens,
    *,
    k: int,
    seed: int = 0,
    unit: str = "paragraph",
    passes: int = DEFAULT_PASSES,
    iterations: int = DEFAULT_ITERATIONS,
    no_below: int = DEFAULT_NO_BELOW,
    no_above: float = DEFAULT_NO_ABOVE,
    keep_n: int | None = DEFAULT_KEEP_N,
    alpha="auto",
    eta="symmetric",
    chunksize: int = 2000,
) -> TopicModel:
    """Fit one LDA model to ``tokens`` at the chosen unit of analysis.

    Latent Dirichlet allocation (Blei, Ng & Jordan 2003, JMLR 3: 993-1022),
    fitted with gensim's :class:`~gensim.models.LdaModel` (online variational
    Bayes, Hoffman, Blei & Bach 2010) -- never gensim's multicore variant, whose result
    depends on worker timing. The bag-of-words is lemmas without stopwords
    or punctuation (``tokens.iter_bags(unit)``), filtered with
    ``Dictionary.filter_extremes(no_below, no_above, keep_n)``, and streamed
    from a sparse matrix (see the module docstring).

    Priors: ``alpha="auto"`` learns an asymmetric document-topic prior from
    the data, which Wallach, Mimno & McCallum (2009, "Rethinking LDA: Why
    priors matter") found makes topics more robust; the update is a
    deterministic Newton step, so a fixed ``seed`` still gives identical
    results. ``eta="symmetric"`` (1/k) keeps the topic-word prior flat.

    Parameters
    ----------
    tokens : corpus_tools.tokens.Tokens
    k : int, keyword-only
        Number of topics, 2 <= k <= number of units with any vocabulary term.
    seed : int
        gensim ``random_state``; the same seed gives identical topics.
    unit : {"paragraph", "sentence", "document"}
    passes, iterations : int
        Passes over the corpus; variational iterations per unit.
    no_below, no_above, keep_n
        Vocabulary filter: keep terms found in at least ``no_below`` units and
        at most a ``no_above`` share of units, then the ``keep_n`` most frequent.
    alpha, eta, chunksize
        Passed to gensim.

    Returns
    -------
    TopicModel

    Raises
    ------
    ParameterError
        Unknown unit; fewer than 2 units; an empty vocabulary after filtering
        (names NO_BELOW / NO_ABOVE); k < 2, k above the number of units or
        above the vocabulary size.

    Example
    -------
    >>> model = fit_lda(tokens, k=5, seed=1)            # doctest: +SKIP
    >>> model.top_terms(n=10, relevance_lambda=0.6)     # doctest: +SKIP
    """
    bow = _prepare(tokens, unit=unit, no_below=no_below, no_above=no_above, keep_n=keep_n)
    k = _check_k(k, bow)
    return _fit(bow, k=k, seed=seed, passes=passes, iterations=iterations, alpha=alpha, eta=eta, chunksize=chunksize)


def fit_lda_seeds(
    tokens,
    *,
    k: int,
    seeds: Sequence[int],
    unit: str = "paragraph",
    passes: int = DEFAULT_PASSES,
    iterations: int = DEFAULT_ITERATIONS,
    no_below: int = DEFAULT_NO_BELOW,
    no_above: float = DEFAULT_NO_ABOVE,
    keep_n: int | None = DEFAULT_KEEP_N,
    alpha="auto",
    eta="symmetric",
    chunksize: int = 2000,
) -> list[TopicModel]:
    """:func:`fit_lda` once per seed, sharing one pass over the tokens.

    Returns the models in the order of ``seeds``; ``models[i]`` equals
    ``fit_lda(tokens, k=k, seed=seeds[i], ...)`` exactly. Raises as
    :func:`fit_lda`, and :class:`ParameterError` for an empty ``seeds``.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ParameterError("seeds is empty; give at least one seed (SEEDS).")
    bow = _prepare(tokens, unit=unit, no_below=no_below, no_above=no_above, keep_n=keep_n)
    k = _check_k(k, bow)
    return [
        _fit(bow, k=k, seed=s, passes=passes, iterations=iterations, alpha=alpha, eta=eta, chunksize=chunksize)
        for s in seeds
    ]


# ---------------------------------------------------------------------------
# Choosing k
# ---------------------------------------------------------------------------
def _stability(term_sets: dict[int, list[list[str]]]) -> dict[int, float]:
    """Mean best-match Jaccard of each seed's topics against every other seed's topics.

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
    result table as parquet, keyed by a SHA-256 of everything it depends on:
    the bag-of-words matrix and vocabulary, the coherence texts, every
    parameter, the gensim/numpy/scipy versions and this module's source. A
    rerun on unchanged input reads the table instead of refitting every
    model (on the seeds 45 fits, ~5 s; on the UNGDC example ~50 s); any
    change refits. Only the table is cached, never a model (gensim saves
    models with pickle). An unreadable entry is reported and recomputed.

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
    bow = _prepare(
        tokens, unit=unit, no_below=no_below, no_above=no_above, keep_n=keep_n, n_texts=coherence_units
    )
    for k in k_values:
        _check_k(k, bow, name="k")
    params = dict(
        k_values=k_values, seeds=seeds, unit=unit, passes=passes, iterations=iterations,
        no_below=no_below, no_above=no_above, keep_n=keep_n, alpha=repr(alpha), eta=repr(eta),
        top_n=top_n, coherence_units=coherence_units,
    )
    entry = _sweep_cache_entry(cache, bow, params)
    if entry is not None:
        cached = _read_sweep(entry, n_rows=len(k_values) * len(seeds))
        if cached is not None:
            return cached

    term_sets: dict[tuple[int, int], list[list[str]]] = {}
    for k in k_values:
        for s in seeds:
            m = _fit(bow, k=k, seed=s, passes=passes, iterations=iterations, alpha=alpha, eta=eta, chunksize=2000)
            term_sets[(k, s)] = m.term_sets(top_n)

    # One CoherenceModel per measure over the topics of ALL models: the
    # reference counts are estimated once, and each topic's score depends
    # only on its own terms, so this equals scoring each model separately.
    keys = list(term_sets)
    all_topics = [t for key in keys for t in term_sets[key]]
    scores: dict[str, list[float]] = {}
    for measure in ("c_v", "c_npmi", "u_mass"):
        source = {"corpus": bow.stream} if measure == "u_mass" else {"texts": bow.texts}
        cm = CoherenceModel(
            topics=all_topics, dictionary=bow.dictionary, coherence=measure, topn=top_n, processes=1, **source
        )
        scores[measure] = [float(x) for x in cm.get_coherence_per_topic()]

    rows = []
    pos = 0
    stability = {k: _stability({s: term_sets[(k, s)] for s in seeds}) for k in k_values}
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
    frame = pd.DataFrame(rows).sort_values(["k", "seed"], kind="stable").reset_index(drop=True)
    if entry is not None:
        _write_sweep(entry, frame)
    return frame


_SWEEP_COLUMNS = ["k", "seed", "c_v", "c_npmi", "u_mass", "stability"]


def _sweep_cache_entry(cache, bow: _Bow, params: dict) -> Path | None:
    """The cache file for this sweep, or None when caching is off."""
    if cache is False or cache is None:
        return None
    import hashlib
    import json

    import gensim
    import scipy

    from . import config

    root = config.cache_dir() / "sweeps" if cache is True else Path(cache)
    h = hashlib.sha256()
    counts = bow.counts
    h.update(json.dumps([list(counts.shape), str(counts.dtype)]).encode())
    for arr in (counts.data, counts.indices, counts.indptr):
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update("\n".join(bow.dictionary[i] for i in range(len(bow.dictionary))).encode())
    for text in bow.texts:
        h.update(("\x1f".join(text) + "\x1e").encode())
    versions = {"gensim": gensim.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
    h.update(json.dumps({"params": params, "versions": versions}, sort_keys=True, default=str).encode())
    h.update(Path(__file__).read_bytes())
    return root / f"{h.hexdigest()[:32]}.parquet"


def _read_sweep(path: Path, *, n_rows: int) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        frame = pd.read_parquet(path)
        if list(frame.columns) != _SWEEP_COLUMNS or len(frame) != n_rows:
            raise ValueError(f"expected columns {_SWEEP_COLUMNS} and {n_rows} rows")
    except Exception as exc:  # a damaged or foreign file: recompute
        import warnings

        from .errors import CorpusWarning

        warnings.warn(
            f"{path}: cached topic sweep is unreadable ({exc}); refitting the models.",
            CorpusWarning, stacklevel=3,
        )
        return None
    return frame.reset_index(drop=True)


def _write_sweep(path: Path, frame: pd.DataFrame) -> None:
    import io
    import warnings

    from .errors import CorpusWarning
    from .io import atomic_write_bytes

    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as exc:
        warnings.warn(f"{path}: cannot write the topic-sweep cache ({exc}); continuing without it.",
                      CorpusWarning, stacklevel=3)


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
    bow = model._bow
    seed = model.seed if seed is None else int(seed)
    passes = model.passes if passes is None else int(passes)
    tfidf = TfidfModel(dictionary=bow.dictionary)
    nmf = Nmf(
        corpus=tfidf[bow.stream],
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


# ---------------------------------------------------------------------------
# Figures for notebook 01
# ---------------------------------------------------------------------------
_MEASURES = {
    "c_v": "coherence c_v (higher is better)",
    "c_npmi": "coherence c_npmi (higher is better)",
    "u_mass": "coherence u_mass (closer to 0 is better)",
    "stability": "stability across seeds\n(mean matched Jaccard of top-10 terms)",
}


def plot_k_selection(sweep_frame: pd.DataFrame) -> matplotlib.figure.Figure:
    """Coherence and stability against k, the selection score, and the trade-off.

    ``sweep_frame`` is :func:`sweep`'s output. Four panels show each measure
    per seed (grey dots) with the mean over seeds and a ±1 SD band; a fifth
    shows :func:`rank_k`'s score; the sixth plots mean c_npmi against mean
    stability, one point per k. The chosen k is marked in every panel.
    """
    use_style()
    ranked = rank_k(sweep_frame)
    chosen = int(ranked.loc[ranked["chosen"], "k"].iloc[0])
    seeds = sorted(sweep_frame["seed"].unique())
    # Small fixed horizontal offsets so that seeds with equal values stay visible.
    offsets = {s: (i - (len(seeds) - 1) / 2) * 0.06 for i, s in enumerate(seeds)}
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    for ax, m in zip(axes.ravel()[:4], _MEASURES):
        ax.scatter(
            sweep_frame["k"] + sweep_frame["seed"].map(offsets), sweep_frame[m],
            s=14, color="0.55", alpha=0.8, label="one seed", zorder=2,
        )
        mean, sd = ranked[f"{m}_mean"], ranked[f"{m}_sd"]
        ax.fill_between(ranked["k"], mean - sd, mean + sd, color="C0", alpha=0.18, label="mean ± 1 SD over seeds")
        ax.plot(ranked["k"], mean, color="C0", marker="o", ms=4, label="mean over seeds", zorder=3)
        ax.axvline(chosen, color="C3", ls="--", lw=1, label=f"chosen k = {chosen}")
        ax.set_title(_MEASURES[m])
        ax.set_xlabel("number of topics k")
        ax.set_xticks(ranked["k"])
        ax.grid(alpha=0.3)
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=4, fontsize=8, bbox_to_anchor=(0.5, -0.01))
    ax = axes[1, 1]
    ax.bar(ranked["k"], ranked["score"], color=["C3" if c else "C0" for c in ranked["chosen"]])
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_title("selection score\nz(mean c_npmi) + z(mean stability)")
    ax.set_xlabel("number of topics k")
    ax.set_ylabel("score (SD units)")
    ax.set_xticks(ranked["k"])
    ax = axes[1, 2]
    ax.plot(ranked["c_npmi_mean"], ranked["stability_mean"], color="0.7", lw=1, zorder=1)
    ax.scatter(
        ranked["c_npmi_mean"], ranked["stability_mean"],
        c=["C3" if c else "C0" for c in ranked["chosen"]], s=40, zorder=2,
    )
    texts = [
        ax.text(r["c_npmi_mean"], r["stability_mean"], f"k={int(r['k'])}", fontsize=8)
        for _, r in ranked.iterrows()
    ]
    adjust_text(texts, ax=ax, arrowprops=dict(arrowstyle="-", color="0.6", lw=0.5))
    ax.set_title("trade-off: coherence vs stability\n(means over seeds)")
    ax.set_xlabel("mean c_npmi")
    ax.set_ylabel("mean stability")
    ax.grid(alpha=0.3)
    fig.suptitle(f"Choosing the number of topics ({len(seeds)} seeds per k)", y=1.0)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def plot_top_terms(
    top_terms: pd.DataFrame, *, labels: pd.Series | None = None, title: str = "Top terms per topic", ncols: int = 3
) -> matplotlib.figure.Figure:
    """Small multiples of horizontal bars, one panel per topic.

    ``top_terms`` is :meth:`TopicModel.top_terms`. Coloured bars are the
    term's probability in the topic (phi); the grey outline is its
    probability in the whole corpus (p_corpus), so a term whose bar far
    exceeds its outline is specific to the topic. Terms are listed in the
    frame's rank order (by relevance when lambda < 1).
    """
    use_style()
    topics = sorted(top_terms["topic"].unique())
    ncols = max(1, min(ncols, len(topics)))
    nrows = math.ceil(len(topics) / ncols)
    n = int(top_terms["rank"].max())
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.3 * ncols, 0.3 * n * nrows + 1.2 * nrows), squeeze=False)
    xmax = float(np.nanmax(np.r_[top_terms["weight"].to_numpy(), top_terms["p_corpus"].to_numpy()])) * 1.08
    for ax, t in zip(axes.ravel(), topics):
        g = top_terms[top_terms["topic"] == t].sort_values("rank")
        y = np.arange(len(g))
        ax.barh(y, g["weight"], color=f"C{(t - 1) % 10}", alpha=0.85, label="in topic")
        ax.barh(y, g["p_corpus"], facecolor="none", edgecolor="0.35", lw=0.9, label="in corpus")
        ax.set_yticks(y, [shorten(s.replace("_", " "), 24) for s in g["term"]], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, xmax)
        ax.set_title(shorten(labels.get(t, f"topic {t}") if labels is not None else f"topic {t}", 38), fontsize=10)
        ax.set_xlabel("term probability")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.ravel()[len(topics):]:
        ax.set_visible(False)
    axes.ravel()[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(title, y=1.0)
    fig.tight_layout()
    return fig


def plot_doc_topics(
    prevalence: pd.DataFrame, *, doc_labels: pd.Series | None = None, topic_labels: pd.Series | None = None,
    across_seeds: pd.DataFrame | None = None,
) -> matplotlib.figure.Figure:
    """Documents × topics heatmap of prevalence (:func:`doc_prevalence`).

    Each cell is annotated with its weight; if ``across_seeds``
    (:func:`prevalence_across_seeds`) is given, the minimum–maximum over
    seeds is printed under it. ``doc_labels`` maps doc_id to a readable
    label, ``topic_labels`` topic to a label (e.g. :meth:`TopicModel.labels`).
    """
    use_style()
    mat = prevalence.pivot(index="doc_id", columns="topic", values="weight")
    mat = mat.reindex(pd.unique(prevalence["doc_id"]))
    rng = None
    if across_seeds is not None:
        rng = across_seeds.groupby(["doc_id", "topic"])["weight"].agg(low="min", high="max")
    nd, nt = mat.shape
    # Up to 40 documents every cell is annotated; beyond that the numbers
    # would be illegible, so the colour alone carries the value (the CSV
    # has the numbers), and beyond 80 the row labels are dropped too.
    annotate, row_labels = nd <= 40, nd <= 80
    height = 1.2 + (0.62 if annotate else 0.2) * nd
    fig, ax = plt.subplots(figsize=(1.6 + 1.25 * nt + 2.5, min(height, 16)))
    im = ax.imshow(mat.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i, d in enumerate(mat.index if annotate else []):
        for j, t in enumerate(mat.columns):
            v = mat.iat[i, j]
            if not np.isfinite(v):
                continue
            s = f"{v:.2f}"
            if rng is not None and (d, t) in rng.index:
                s += f"\n{rng.at[(d, t), 'low']:.2f}–{rng.at[(d, t), 'high']:.2f}"
            ax.text(j, i, s, ha="center", va="center", fontsize=8, color="white" if v > 0.55 else "black")
    ylab = [doc_labels.get(d, d) if doc_labels is not None else d for d in mat.index]
    if row_labels:
        ax.set_yticks(range(nd), [shorten(s, 40) for s in ylab], fontsize=10 if annotate else 7)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"{nd} documents (corpus order)")
    xlab = [topic_labels.get(t, str(t)) if topic_labels is not None else str(t) for t in mat.columns]
    ax.set_xticks(range(nt), ["\n".join(textwrap.wrap(s, 16)[:3]) for s in xlab], fontsize=8)
    ax.set_xlabel("topic")
    ax.spines[:].set_visible(False)
    cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cb.set_label("share of the document's tokens")
    title = "Topic prevalence per document (token-weighted mean over units)"
    if rng is not None and annotate:
        n_seeds = across_seeds["seed"].nunique()
        title += f"\nsmall numbers: minimum–maximum over {n_seeds} seeds, topics aligned to the reference seed"
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_prevalence_by_date(
    intervals: pd.DataFrame, across_seeds: pd.DataFrame, docs: pd.DataFrame, *,
    topic_labels: pd.Series | None = None, ncols: int = 3,
) -> matplotlib.figure.Figure:
    """Document prevalence against publication date, one panel per topic.

    ``intervals`` is :func:`prevalence_intervals` (the reference model: dot
    and bootstrap interval over the document's units); ``across_seeds`` is
    :func:`prevalence_across_seeds` (each other seed's aligned value as a
    small grey tick); ``docs`` is ``tokens.docs`` (``doc_id, date,
    date_precision``). Dates are drawn at the middle of their possible
    interval (:func:`corpus_tools.corpus.date_position`); undated documents
    are left out.
    """
    use_style()
    pos = {
        str(d): date_position(str(dt) if isinstance(dt, str) else "", str(p) if isinstance(p, str) else "")
        for d, dt, p in zip(docs["doc_id"], docs["date"], docs["date_precision"])
    }
    data = intervals.assign(date=intervals["doc_id"].astype(str).map(pos)).dropna(subset=["date"])
    other = across_seeds[~across_seeds["is_reference"]].assign(date=lambda f: f["doc_id"].astype(str).map(pos))
    other = other.dropna(subset=["date"])
    topics = sorted(intervals["topic"].unique())
    ncols = max(1, min(ncols, len(topics)))
    nrows = math.ceil(len(topics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, 3.0 * nrows), squeeze=False, sharey=True)
    for ax, t in zip(axes.ravel(), topics):
        g = data[data["topic"] == t].sort_values("date")
        o = other[other["topic"] == t]
        ax.scatter(
            o["date"], o["weight"], marker="_", s=80, color="0.5", lw=1.2, label="other seeds (aligned)", zorder=2
        )
        ax.errorbar(
            g["date"], g["weight"], yerr=[g["weight"] - g["low"], g["high"] - g["weight"]],
            fmt="o", color=f"C{(t - 1) % 10}", ms=5, capsize=3, lw=1.2,
            label="reference seed, 95% bootstrap over units", zorder=3,
        )
        ax.set_ylim(-0.02, 1.02)
        head = topic_labels.get(t, f"topic {t}") if topic_labels is not None else f"topic {t}"
        ax.set_title(shorten(head, 40), fontsize=10)
        ax.set_xlabel("publication date")
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=30)
    for r in range(nrows):
        axes[r, 0].set_ylabel("share of document's tokens")
    for ax in axes.ravel()[len(topics):]:
        ax.set_visible(False)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.suptitle("Topic prevalence against publication date", y=1.0)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def plot_prevalence_seeds(
    across_seeds: pd.DataFrame, *, doc_labels: pd.Series | None = None,
    topic_labels: pd.Series | None = None, ncols: int = 3, max_docs: int = 30,
) -> matplotlib.figure.Figure:
    """How much each document's topic shares move between seeds.

    ``across_seeds`` is :func:`prevalence_across_seeds`. One panel per
    reference topic, one row per document: a grey line spans the seeds'
    minimum to maximum, dots are single seeds (black: the reference seed).
    The panel title gives the median Jaccard with which the other seeds'
    topics matched this one. With more than ``max_docs`` documents, only the
    ``max_docs`` with the widest spread (summed over topics) are drawn, and
    the title says so.
    """
    use_style()
    topics = sorted(across_seeds["topic"].unique())
    docs = list(pd.unique(across_seeds["doc_id"]))
    n_all = len(docs)
    if n_all > max_docs:
        width = across_seeds.groupby(["doc_id", "topic"])["weight"].agg(lambda w: w.max() - w.min())
        widest = width.groupby("doc_id").sum().sort_values(ascending=False, kind="stable").index[:max_docs]
        keep = set(widest)
        docs = [d for d in docs if d in keep]
        across_seeds = across_seeds[across_seeds["doc_id"].isin(keep)]
    ncols = max(1, min(ncols, len(topics)))
    nrows = math.ceil(len(topics) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.4 * ncols, (0.9 + 0.32 * len(docs)) * nrows + 0.4), squeeze=False, sharex=True
    )
    ylab = [shorten(doc_labels.get(d, d) if doc_labels is not None else d, 32) for d in docs]
    ypos = {d: i for i, d in enumerate(docs)}
    for ax, t in zip(axes.ravel(), topics):
        g = across_seeds[across_seeds["topic"] == t]
        y = g["doc_id"].map(ypos)
        span = g.groupby("doc_id")["weight"].agg(["min", "max"])
        for d, r in span.iterrows():
            ax.plot([r["min"], r["max"]], [ypos[d], ypos[d]], color="0.75", lw=3, solid_capstyle="round", zorder=1)
        ref = g["is_reference"].to_numpy()
        ax.scatter(g["weight"][~ref], y[~ref], s=14, color="C0", alpha=0.7, label="other seed", zorder=2)
        ax.scatter(g["weight"][ref], y[ref], s=22, color="black", label="reference seed", zorder=3)
        med = g.loc[~g["is_reference"], "jaccard"].median()
        head = topic_labels.get(t, f"topic {t}") if topic_labels is not None else f"topic {t}"
        ax.set_title(shorten(head, 36) + (f"\nmedian match Jaccard {med:.2f}" if np.isfinite(med) else ""), fontsize=9)
        ax.set_yticks(range(len(docs)), ylab if ax in axes[:, 0] else [""] * len(docs), fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(-0.02, 1.02)
        ax.set_xlabel("share of document's tokens")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.ravel()[len(topics):]:
        ax.set_visible(False)
    handles, names = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, -0.01))
    head = "Document prevalence across seeds (topics aligned to the reference seed)"
    if n_all > len(docs):
        head += f"\nthe {len(docs)} of {n_all} documents whose shares vary most between seeds"
    fig.suptitle(head, y=1.0)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def plot_topic_map(topic_coords: pd.DataFrame, *, topic_labels: pd.Series | None = None) -> matplotlib.figure.Figure:
    """Static intertopic distance map (LDAvis-style, no JavaScript).

    ``topic_coords`` is :func:`topic_map`. Circle area is proportional to
    the topic's share of all tokens; labels are placed with adjustText.
    """
    use_style()
    fig, ax = plt.subplots(figsize=(7, 6.5))
    size = 4000 * topic_coords["prevalence"] / topic_coords["prevalence"].max()
    colors = [f"C{(t - 1) % 10}" for t in topic_coords["topic"]]
    ax.scatter(topic_coords["x"], topic_coords["y"], s=size, c=colors, alpha=0.35, edgecolors="0.3")
    texts = []
    for _, r in topic_coords.iterrows():
        t = int(r["topic"])
        lab = topic_labels.get(t, str(t)) if topic_labels is not None else str(t)
        texts.append(ax.text(r["x"], r["y"], "\n".join(textwrap.wrap(lab, 22)[:2]) + f"\n({r['prevalence']:.0%})",
                             ha="center", va="center", fontsize=8))
    span = max(np.ptp(topic_coords["x"]), np.ptp(topic_coords["y"]), 0.1)
    cx, cy = topic_coords["x"].mean(), topic_coords["y"].mean()
    ax.set_xlim(cx - 0.8 * span, cx + 0.8 * span)
    ax.set_ylim(cy - 0.8 * span, cy + 0.8 * span)
    ax.set_aspect("equal")
    # Labels sit on their circles; only when two of them collide are they
    # moved apart (adjustText), with a thin line back to the centre.
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in texts]
    if any(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes))):
        adjust_text(texts, ax=ax, arrowprops=dict(arrowstyle="-", color="0.5", lw=0.6))
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.set_xlabel("MDS axis 1 (Jensen–Shannon divergence, bits)")
    ax.set_ylabel("MDS axis 2")
    ax.set_title("Intertopic distance map (circle area = share of tokens)")
    return fig
