"""LDA that streams: gensim's online LDA fed one partition at a time.

gensim's :class:`~gensim.models.LdaModel` trains from any re-iterable
corpus in chunks of ``chunksize`` units (Hoffman, Blei & Bach 2010, online
variational Bayes). :class:`StreamedBow` is such a corpus over a
:class:`~corpus_tools.distributed.PartitionedTokens`: it reads one
partition's memory-mapped files at a time, in corpus order, and yields each
unit's bag of words, so the process that trains holds the model, one
partition and one chunk, never the whole bag-of-words matrix.

The dictionary is built by the same calls as
:func:`corpus_tools.topics.prepare_bow` (``Dictionary.doc2bow(...,
allow_update=True)`` over every unit in corpus order, then
``filter_extremes``), and the units arrive in the same order with the same
counts, so :func:`fit_lda_streaming` returns the model
:func:`corpus_tools.topics.fit_lda_bow` fits in memory with the same seed,
passes and chunking (a test checks it on the 200-speech UN slice).

What does not stream yet: the sweep over k and seeds, the coherence and
stability measures (``topics.sweep``) and the document-topic table run in
memory on a :class:`~corpus_tools.topics.BagOfWords`.
"""
from __future__ import annotations

from collections.abc import Iterator

from gensim.corpora import Dictionary
from gensim.models import LdaModel

from ..errors import ParameterError
from ..topics.model import DEFAULT_ITERATIONS, DEFAULT_KEEP_N, DEFAULT_PASSES, number_terms
from .dataset import PartitionedTokens

__all__ = ["StreamedBow", "streamed_dictionary", "fit_lda_streaming"]

_UNITS = ("paragraph", "sentence", "document")


def _bags(pt: PartitionedTokens, unit: str) -> Iterator[list[str]]:
    """Every unit's lemmas (no stopwords, no punctuation), partition after partition, in corpus order."""
    for i in range(pt.n_partitions):
        part = pt.partition(i)
        for _, toks in part.iter_bags(unit=unit):
            yield list(toks)
        del part


def streamed_dictionary(pt: PartitionedTokens, *, unit: str = "paragraph", no_below: int, no_above: float,
                        keep_n: int | None = DEFAULT_KEEP_N, drop_numbers: bool = True) -> tuple[Dictionary, int]:
    """The filtered gensim Dictionary of :func:`corpus_tools.topics.prepare_bow`, built in one streaming pass.

    Returns ``(dictionary, number of units)``. Raises ParameterError for an
    unknown unit or when no term is left after filtering.
    """
    if unit not in _UNITS:
        raise ParameterError(f"unit={unit!r}: use one of {list(_UNITS)}")
    dictionary = Dictionary()
    n_units = 0
    numbers: set[str] = set()
    for i in range(pt.n_partitions):
        part = pt.partition(i)
        if drop_numbers:  # a lemma is a number if any of its tokens is: the union over partitions
            numbers |= number_terms(part)
        for _, toks in part.iter_bags(unit=unit):
            dictionary.doc2bow(list(toks), allow_update=True)
            n_units += 1
        del part
    if numbers:  # as topics.prepare_bow: numbers out before the frequency filters
        dictionary.filter_tokens(bad_ids=[dictionary.token2id[t] for t in numbers if t in dictionary.token2id])
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    if len(dictionary) == 0:
        raise ParameterError(f"no term is left after filtering (no_below={no_below}, no_above={no_above}); "
                             f"lower NO_BELOW or raise NO_ABOVE")
    return dictionary, n_units


class StreamedBow:
    """A gensim corpus over a partitioned table: ``(term_id, count)`` lists, one partition read at a time.

    Re-iterable (gensim iterates once per pass); ``len()`` is the number of units.
    """

    def __init__(self, pt: PartitionedTokens, dictionary: Dictionary, *, unit: str, n_units: int):
        self.pt = pt
        self.dictionary = dictionary
        self.unit = unit
        self.n_units = int(n_units)

    def __len__(self) -> int:
        return self.n_units

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        for toks in _bags(self.pt, self.unit):
            yield self.dictionary.doc2bow(toks)


def fit_lda_streaming(
    pt: PartitionedTokens,
    *,
    k: int,
    unit: str = "paragraph",
    no_below: int,
    no_above: float,
    keep_n: int | None = DEFAULT_KEEP_N,
    drop_numbers: bool = True,
    seed: int = 0,
    passes: int = DEFAULT_PASSES,
    iterations: int = DEFAULT_ITERATIONS,
    alpha="auto",
    eta="symmetric",
    chunksize: int = 2000,
) -> tuple[LdaModel, Dictionary]:
    """Train LDA partition by partition: ``(gensim LdaModel, Dictionary)``.

    The options are :func:`corpus_tools.topics.fit_lda`'s; memory depends on
    ``chunksize`` and the largest partition, not on the corpus. Raises
    ParameterError for a bad ``k``, ``passes``, unit or filter.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ParameterError(f"k={k!r}: give a whole number of topics >= 1")
    if isinstance(passes, bool) or not isinstance(passes, int) or passes < 1:
        raise ParameterError(f"passes={passes!r} must be a whole number >= 1 (PASSES).")
    dictionary, n_units = streamed_dictionary(pt, unit=unit, no_below=no_below, no_above=no_above, keep_n=keep_n,
                                              drop_numbers=drop_numbers)
    corpus = StreamedBow(pt, dictionary, unit=unit, n_units=n_units)
    # the arguments of topics.fit_lda_bow, so both engines fit the same model
    model = LdaModel(corpus=corpus, id2word=dictionary, num_topics=k, random_state=int(seed), passes=int(passes),
                     iterations=int(iterations), alpha=alpha, eta=eta, chunksize=int(chunksize), update_every=1,
                     eval_every=None)
    return model, dictionary
