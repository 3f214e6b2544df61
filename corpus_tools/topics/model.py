"""The prepared bag-of-words and the fitted LDA model.

:func:`prepare_bow` reads the token table once and returns a
:class:`BagOfWords`: a gensim :class:`~gensim.corpora.Dictionary` and a
sparse unit × term count matrix, handed to gensim as a streamed corpus
(:class:`gensim.matutils.Sparse2Corpus`), so the bag-of-words is never held
as Python lists of lists. :func:`fit_lda_bow` fits one model to it;
:func:`fit_lda` and :func:`fit_lda_seeds` prepare and fit in one call.
"""
from __future__ import annotations

import logging
import re
from array import array
from collections.abc import Sequence
import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from gensim.corpora import Dictionary
from gensim.matutils import Sparse2Corpus
from gensim.models import LdaModel
from gensim.utils import chunkize_serial

from .. import stats
from ..corpus import shorten
from ..errors import ParameterError
from ..tokens import bool_column, column_codes

__all__ = [
    "UNITS",
    "DEFAULT_NO_BELOW",
    "DEFAULT_NO_ABOVE",
    "DEFAULT_KEEP_N",
    "DEFAULT_PASSES",
    "DEFAULT_ITERATIONS",
    "DEFAULT_COHERENCE_UNITS",
    "DEFAULT_CHUNKSIZE",
    "TOP_N",
    "NUMBER_PATTERN",
    "BagOfWords",
    "number_terms",
    "check_options",
    "prepare_bow",
    "check_k",
    "TopicModel",
    "fit_lda_bow",
    "fit_lda",
    "fit_lda_seeds",
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
#: Units per online update (gensim's ``chunksize``). Hoffman, Blei & Bach
#: (2010) update the topics after every mini-batch; gensim's default of 2000
#: turns a corpus of a few hundred paragraphs into one batch per pass, and
#: batch updates get stuck: on the synthetic three-genre test corpus, half
#: the seeds merged two genres at k = 3. With 32 units per update every seed
#: found the three genres; on the real three-genre test corpus (67
#: documents) 32 still left seeds on different solutions (stability 0.43 at
#: k = 3) where 16 gave every seed the same top-10 lists (1.00), at the same
#: 10 passes. A pass costs about the same either way (the E-step dominates).
DEFAULT_CHUNKSIZE = 16
#: Coherence (c_v, c_npmi) is estimated on at most this many units, drawn
#: once with a fixed seed, because its sliding-window counts are slow in
#: Python. u_mass always uses the whole corpus.
DEFAULT_COHERENCE_UNITS = 2000
#: A lemma is a number when it is made of digits and the characters
#: ``. , : % $`` only, with at least one digit: 2019, 1,000, 3.5, 50%, $84.07,
#: 10:30. Not numbers: 1990s, 20th, g20 (they carry letters, and a reader
#: may want "1990s" or "g20" in a topic). Used by :func:`number_terms` until
#: the tokenizer flags numbers itself (column ``is_num``).
NUMBER_PATTERN = re.compile(r"[\d.,:%$]*\d[\d.,:%$]*")
#: Terms per topic for coherence, stability and alignment (the usual top-10).
TOP_N = 10


# ---------------------------------------------------------------------------
# The prepared bag-of-words
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class BagOfWords:
    """Dictionary, unit × term counts and (optionally) a sample of unit texts.

    Made by :func:`prepare_bow`. ``counts`` row ``i`` is unit ``units.iloc[i]``
    and column ``j`` is ``dictionary[j]``.
    """

    unit: str
    dictionary: Dictionary
    counts: sp.csr_matrix  #: (n_units, n_terms) int32
    units: pd.DataFrame  #: unit_id, doc_id, n_terms (in-vocabulary tokens)
    texts: list[list[str]]  #: sample of units' token lists, for c_v / c_npmi
    no_below: int
    no_above: float
    common_terms: pd.DataFrame  #: term, n_units, share: dropped for exceeding no_above
    #: rows of ``counts`` whose token lists are ``texts`` (same order)
    text_rows: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.int64))
    #: units in the corpus before ``max_units`` sampled some of them
    n_units_total: int = 0

    @property
    def corpus(self) -> Sparse2Corpus:
        """The counts as a gensim corpus, one unit at a time.

        gensim re-iterates the corpus once per pass; each row becomes a list
        of ``(term_id, count)`` only when it is yielded, so memory stays at
        the size of the sparse matrix. ``documents_columns=False``: units are
        rows; gensim takes the transpose, a view of the same arrays (no copy).
        """
        return Sparse2Corpus(self.counts, documents_columns=False)

    @property
    def terms(self) -> list[str]:
        """Vocabulary in term-id order."""
        d = self.dictionary
        return [d[i] for i in range(len(d))]

    @property
    def n_units_with_terms(self) -> int:
        """Units with at least one vocabulary term (the most topics the data can support)."""
        return int((self.units["n_terms"] > 0).sum())


def check_options(*, unit: str, no_below: int, no_above: float) -> None:
    """Raise :class:`ParameterError` (naming the notebook parameter) for an unknown unit or a bad filter.

    ``unit`` must be one of :data:`UNITS`, ``no_below`` a whole number >= 1
    and ``no_above`` a fraction in (0, 1]. These are mistakes in the
    settings, whatever the corpus; :func:`prepare_bow` checks them first.
    """
    if unit not in UNITS:
        raise ParameterError(f"unit={unit!r} is not one of {UNITS}; set UNIT to one of them.")
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


def number_terms(tokens) -> frozenset[str]:
    """The lemmas of ``tokens`` that are numbers, to keep them out of topics.

    When the token table has a boolean ``is_num`` column (the tokenizer's
    own flag), a lemma is a number if any of its tokens is flagged;
    otherwise a lemma is a number if it matches :data:`NUMBER_PATTERN`
    (digits with optional ``. , : % $``). Numbers are dropped by
    :func:`prepare_bow` by default: a year or an amount co-occurs with the
    passage it is quoted in, so it makes topics look specific without
    saying what they are about.

    Returns a frozenset of lemma strings (empty when there are none).
    """
    frame = tokens.frame
    codes, labels = column_codes(frame["lemma"])
    if "is_num" in frame.columns:
        flagged = bool_column(frame, "is_num")
        return frozenset(labels[np.unique(codes[flagged])].tolist())
    return frozenset(t for t in labels.tolist() if NUMBER_PATTERN.fullmatch(t))


def prepare_bow(
    tokens,
    *,
    unit: str,
    no_below: int,
    no_above: float,
    keep_n: int | None = DEFAULT_KEEP_N,
    n_texts: int = 0,
    max_units: int | None = None,
    drop_numbers: bool = True,
) -> BagOfWords:
    """The bag-of-words of ``tokens`` at one unit of analysis, in one streaming pass.

    Reads ``tokens.iter_bags(unit)`` (lemmas without stopwords or
    punctuation) once. Counts are collected with
    ``Dictionary.doc2bow(allow_update=True)`` into flat integer arrays, then
    the dictionary is filtered with ``Dictionary.filter_extremes(no_below,
    no_above, keep_n)`` and the term ids are remapped in one numpy step.

    ``drop_numbers`` (default True) leaves out the lemmas
    :func:`number_terms` calls numbers, before the frequency filters.

    ``max_units`` keeps a fixed-seed random sample of at most that many
    units (among those with any token), in corpus order, before anything is
    counted; the vocabulary filters then apply to the sample.
    :func:`corpus_tools.topics.sweep` uses it to bound the cost of choosing k.

    ``n_texts`` > 0 also keeps the token lists of at most that many units (a
    fixed-seed sample, in corpus order; ``text_rows`` says which rows) for
    the sliding-window coherence measures (:func:`corpus_tools.topics.sweep`).

    Returns a :class:`BagOfWords`.

    Raises :class:`ParameterError` for an unknown unit, a bad filter, fewer
    than 2 units, or an empty vocabulary after filtering (naming NO_BELOW /
    NO_ABOVE).
    """
    check_options(unit=unit, no_below=no_below, no_above=no_above)
    if max_units is not None and (isinstance(max_units, bool) or not isinstance(max_units, (int, np.integer))
                                  or max_units < 2):
        raise ParameterError(f"max_units={max_units!r} must be None or a whole number >= 2 (SWEEP_UNITS).")
    unit_table = tokens.units(unit)
    n_total = len(unit_table)
    doc_of = dict(zip(unit_table["unit_id"].astype(str), unit_table["doc_id"].astype(str)))
    keep_unit = None
    if max_units is not None:
        candidates = np.flatnonzero(unit_table["n_tokens"].to_numpy() > 0)
        if len(candidates) > max_units:
            # A fixed-seed sample, sorted so the units keep corpus order.
            rng = np.random.default_rng(0)
            keep_unit = np.zeros(n_total, dtype=bool)
            keep_unit[np.sort(rng.choice(candidates, size=int(max_units), replace=False))] = True
    n_expected = n_total if keep_unit is None else int(keep_unit.sum())
    if n_texts and n_expected > n_texts:
        # A fixed-seed sample (documented in DEFAULT_COHERENCE_UNITS), sorted so
        # the texts keep corpus order.
        rng = np.random.default_rng(0)
        keep_text = set(np.sort(rng.choice(n_expected, size=n_texts, replace=False)).tolist())
    else:
        keep_text = None
    numbers = number_terms(tokens) if drop_numbers else frozenset()

    dictionary = Dictionary()
    unit_ids: list[str] = []
    indices = array("i")
    data = array("i")
    row_len = array("q")
    texts: list[list[str]] = []
    text_rows: list[int] = []
    for i, (unit_id, toks) in enumerate(tokens.iter_bags(unit=unit)):
        if keep_unit is not None and not keep_unit[i]:
            continue
        row = len(unit_ids)
        toks = list(toks)
        bow = dictionary.doc2bow(toks, allow_update=True)
        unit_ids.append(str(unit_id))
        row_len.append(len(bow))
        for term_id, count in bow:
            indices.append(term_id)
            data.append(count)
        if n_texts and (keep_text is None or row in keep_text):
            # numbers leave the windows as stopwords do
            texts.append([t for t in toks if t not in numbers] if numbers else toks)
            text_rows.append(row)

    n_units = len(unit_ids)
    if n_units < 2:
        raise ParameterError(
            f"only {n_units} {unit} unit(s) in the selection; a topic model needs at least 2. "
            f"Choose a finer UNIT ('paragraph' or 'sentence') or widen SELECT_WHERE / DATE_FROM / DATE_TO."
        )
    n_before = len(dictionary)
    old_token2id = dict(dictionary.token2id)
    if numbers:
        dictionary.filter_tokens(bad_ids=[old_token2id[t] for t in numbers if t in old_token2id])
    # Terms that no_above removes, for the record: on a small corpus these
    # are its subject (e.g. the countries it is about), and a reader should
    # know why they appear in no topic.
    limit = no_above * n_units
    common = sorted(((dictionary[i], df) for i, df in dictionary.dfs.items() if df > limit), key=lambda x: (-x[1], x[0]))
    common_terms = pd.DataFrame(common, columns=["term", "n_units"]).astype({"n_units": np.int64})
    common_terms["share"] = common_terms["n_units"] / n_units
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    n_terms = len(dictionary)
    if n_terms == 0:
        what = " (numbers left out)" if numbers else ""
        raise ParameterError(
            f"no term is left after filtering: of {n_before} distinct terms{what} in {n_units} {unit} "
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
    return BagOfWords(
        unit, dictionary, counts, units, texts, no_below, no_above, common_terms,
        text_rows=np.asarray(text_rows, dtype=np.int64), n_units_total=n_total,
    )


def check_k(k: int, bow: BagOfWords, *, name: str = "k") -> int:
    """``k`` as an int if ``bow`` can support that many topics.

    Raises :class:`ParameterError` (naming the notebook parameter ``name``)
    if k is not a whole number >= 2, exceeds the units that have any
    vocabulary term, or exceeds the vocabulary.
    """
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
    bow : BagOfWords
        The bag-of-words the model was fitted to.
    k, seed, passes : int
    """

    def __init__(self, model: LdaModel, bow: BagOfWords, *, seed: int, passes: int) -> None:
        self.model = model
        self.bow = bow
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
        return self.bow.terms

    def phi(self) -> np.ndarray:
        """Topic-term probabilities, shape (k, n_terms); rows sum to 1."""
        return np.asarray(self.model.get_topics(), dtype=np.float64)

    def term_probability(self) -> np.ndarray:
        """Marginal term probability p_w in the modelled corpus (counts / total), shape (n_terms,)."""
        col = np.asarray(self.bow.counts.sum(axis=0), dtype=np.float64).ravel()
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
                for chunk in chunkize_serial(self.bow.corpus, 2000):
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




def fit_lda_bow(
    bow: BagOfWords,
    *,
    k: int,
    seed: int = 0,
    passes: int = DEFAULT_PASSES,
    iterations: int = DEFAULT_ITERATIONS,
    alpha="auto",
    eta="symmetric",
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> TopicModel:
    """Fit one LDA model to a prepared bag-of-words (:func:`prepare_bow`).

    The one place a model is fitted: :func:`fit_lda`, :func:`fit_lda_seeds`
    and :func:`corpus_tools.topics.sweep` all come here. ``k`` is taken as
    given (check it first with :func:`check_k`). Parameters as
    :func:`fit_lda`.

    Raises :class:`ParameterError` if ``passes`` is not a whole number >= 1.
    """
    if isinstance(passes, bool) or not isinstance(passes, (int, np.integer)) or passes < 1:
        raise ParameterError(f"passes={passes!r} must be a whole number >= 1 (PASSES).")
    model = LdaModel(
        corpus=bow.corpus,
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
    drop_numbers: bool = True,
    alpha="auto",
    eta="symmetric",
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> list[TopicModel]:
    """Fit one LDA model per seed to ``tokens``, sharing one pass over the tokens.

    Latent Dirichlet allocation (Blei, Ng & Jordan 2003, JMLR 3: 993-1022),
    fitted with gensim's :class:`~gensim.models.LdaModel` (online variational
    Bayes, Hoffman, Blei & Bach 2010) -- never gensim's multicore variant, whose result
    depends on worker timing. The bag-of-words is lemmas without stopwords
    or punctuation (``tokens.iter_bags(unit)``), filtered with
    ``Dictionary.filter_extremes(no_below, no_above, keep_n)``, and streamed
    from a sparse matrix (:func:`prepare_bow`).

    Priors: ``alpha="auto"`` learns an asymmetric document-topic prior from
    the data, which Wallach, Mimno & McCallum (2009, "Rethinking LDA: Why
    priors matter") found makes topics more robust; the update is a
    deterministic Newton step, so a fixed seed still gives identical
    results. ``eta="symmetric"`` (1/k) keeps the topic-word prior flat.

    Parameters
    ----------
    tokens : corpus_tools.tokens.Tokens
    k : int, keyword-only
        Number of topics, 2 <= k <= number of units with any vocabulary term.
    seeds : sequence of int
        gensim ``random_state`` of each model; the same seed gives identical topics.
    unit : {"paragraph", "sentence", "document"}
    passes, iterations : int
        Passes over the corpus; variational iterations per unit.
    no_below, no_above, keep_n
        Vocabulary filter: keep terms found in at least ``no_below`` units and
        at most a ``no_above`` share of units, then the ``keep_n`` most frequent.
    drop_numbers : bool
        Leave numbers out of the vocabulary (:func:`number_terms`).
    alpha, eta : passed to gensim.
    chunksize : int
        Units per online update (:data:`DEFAULT_CHUNKSIZE` says why 32).

    Returns
    -------
    list of TopicModel, in the order of ``seeds``.

    Raises
    ------
    ParameterError
        An empty ``seeds``; unknown unit; fewer than 2 units; an empty
        vocabulary after filtering (names NO_BELOW / NO_ABOVE); k < 2, k above
        the number of units or above the vocabulary size.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ParameterError("seeds is empty; give at least one seed (SEEDS).")
    bow = prepare_bow(
        tokens, unit=unit, no_below=no_below, no_above=no_above, keep_n=keep_n, drop_numbers=drop_numbers
    )
    k = check_k(k, bow)
    return [
        fit_lda_bow(bow, k=k, seed=s, passes=passes, iterations=iterations, alpha=alpha, eta=eta, chunksize=chunksize)
        for s in seeds
    ]


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
    drop_numbers: bool = True,
    alpha="auto",
    eta="symmetric",
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> TopicModel:
    """Fit one LDA model to ``tokens``: :func:`fit_lda_seeds` with one seed.

    Parameters, method and errors as :func:`fit_lda_seeds`; ``seed`` is the
    gensim ``random_state``.

    Example
    -------
    >>> model = fit_lda(tokens, k=5, seed=1)            # doctest: +SKIP
    >>> model.top_terms(n=10, relevance_lambda=0.6)     # doctest: +SKIP
    """
    (model,) = fit_lda_seeds(
        tokens, k=k, seeds=[seed], unit=unit, passes=passes, iterations=iterations, no_below=no_below,
        no_above=no_above, keep_n=keep_n, drop_numbers=drop_numbers, alpha=alpha, eta=eta, chunksize=chunksize,
    )
    return model
