""":func:`tokenize`: options, the cache, building the tables, learned phrases."""
from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..cache import Store, library_versions, make_key, source_hash
from ..errors import ParameterError
from .assemble import tokenize_blocks
from .rules import TokenizerConfig, make_config
from .store import SCHEMA_VERSION, read_entry, write_entry
from .table import Tokens, codes_view

__all__ = ["tokenize"]

#: The tokens package: its source is part of the cache key.
PACKAGE_DIR = Path(__file__).resolve().parent


def tokenize(
    corpus,
    *,
    n_jobs: int = 1,
    cache: bool | str | os.PathLike = True,
    lowercase_stopwords: Iterable[str] | str | os.PathLike | None = None,
    extra_stopwords: Iterable[str] = (),
    keep_stopwords: Iterable[str] = (),
    phrases=None,
    actors=None,
    hyphens: str = "split",
    learned_phrases: bool | Mapping = False,
    progress: bool | None = None,
) -> Tokens:
    """Tokenize a corpus into a :class:`Tokens` table (cached as Arrow IPC files).

    Parameters
    ----------
    corpus
        A :class:`~corpus_tools.corpus.Corpus`.
    n_jobs
        Worker processes (``-1``: one per core). Documents are cut into
        contiguous blocks tokenized in parallel and assembled in order; the
        result is identical to ``n_jobs=1``.
    cache
        ``True``: ``config.cache_dir() / "tokens"`` (read at call time, so
        ``$CORPUS_TOOLS_CACHE_DIR`` applies); a path: that folder; ``False``:
        no cache. The key is the corpus content hash, these options, the
        package version, the tokenizer's code and the phrase/actor/stopword
        contents (see :mod:`corpus_tools.tokens.store`).
    lowercase_stopwords
        The base stopword list: ``None`` for :data:`STOPWORDS`
        (``data/stopwords.txt``), a path to a one-word-a-line file, or a list
        of lowercase words.
    extra_stopwords, keep_stopwords
        Words added to / removed from the base list.
    phrases
        ``None``: ``data/phrases.txt``; a path to a file in that format;
        ``False``: no multiword expressions; or a list of lines / a mapping
        ``phrase -> canonical``.
    actors
        ``None``: ``data/actors.csv``; a path; a DataFrame with ``alias,
        actor[, case_sensitive]``; a mapping ``alias -> actor``
        (case-insensitive); or ``False``.
    hyphens
        ``"split"`` (default): compounds are split into their parts, which
        record the compound in the ``compound`` column; ``"keep"``: compounds
        stay one token.
    learned_phrases
        ``True`` (or a dict of ``gensim.models.Phrases`` arguments such as
        ``{"min_count": 10, "threshold": 20}``) also merges bigrams learned
        from the corpus. Off by default: it tokenizes twice and its result
        depends on the corpus.
    progress
        A tqdm progress bar: ``None`` shows it for more than 300 documents.

    Returns a :class:`Tokens` object; ``tokens.from_cache`` tells whether it
    was read from the cache. Raises :class:`ParameterError` for a bad option
    and :class:`~corpus_tools.errors.CorpusError` for an unreadable word list;
    a damaged or unwritable cache gives a
    :class:`~corpus_tools.errors.CorpusWarning`, never an error.
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise ParameterError(f"n_jobs must be a positive integer or -1 (all cores), not {n_jobs!r}.")
    n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)
    cfg, opts = make_config(lowercase_stopwords=lowercase_stopwords, extra_stopwords=extra_stopwords,
                            keep_stopwords=keep_stopwords, phrases=phrases, actors=actors, hyphens=hyphens)
    if learned_phrases and not isinstance(learned_phrases, (bool, Mapping)):
        raise ParameterError("learned_phrases must be True/False or a dict of gensim Phrases arguments.")
    opts["learned_phrases"] = dict(learned_phrases) if isinstance(learned_phrases, Mapping) else bool(learned_phrases)
    opts["version"] = library_versions("corpus_tools")["corpus_tools"]
    opts["schema"] = SCHEMA_VERSION
    corpus_hash = corpus.content_hash()

    def build() -> dict:
        return _build(corpus, cfg, opts, n_jobs=n_jobs, progress=progress, learned_phrases=learned_phrases)

    store = Store("tokens", cache)
    if not store.enabled:
        return _tokens(build(), corpus_hash)
    key = make_key(corpus_hash, opts, source_hash(PACKAGE_DIR), SCHEMA_VERSION)
    if store.root.exists():
        entry = read_entry(store, key)
        if entry is not None:
            return _tokens(entry, corpus_hash, from_cache=True)
    if not store.prepare():  # warned: the folder cannot be made or written
        return _tokens(build(), corpus_hash)
    try:
        lock = store.lock(key)
        lock.acquire()
    except OSError as exc:
        store.warn_unwritable(exc)
        return _tokens(build(), corpus_hash)
    try:
        entry = read_entry(store, key)  # another process may have built it meanwhile
        if entry is not None:
            return _tokens(entry, corpus_hash, from_cache=True)
        tables = build()
        meta = {"key": key, "corpus_hash": corpus_hash, "options": tables["options"],
                "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
        try:
            write_entry(store, key, frame=tables["frame"], sentences=tables["sentences"],
                        paragraphs=tables["paragraphs"], docs=tables["docs"], meta=meta)
        except OSError as exc:
            store.warn_unwritable(exc)
        return _tokens(tables, corpus_hash)
    finally:
        lock.release()


def _tokens(tables: dict, corpus_hash: str, *, from_cache: bool = False) -> Tokens:
    if from_cache:
        corpus_hash, options = tables["meta"]["corpus_hash"], tables["meta"]["options"]
    else:
        options = tables["options"]
    return Tokens(tables["frame"], tables["sentences"], tables["docs"], tables["paragraphs"],
                  corpus_hash=corpus_hash, options=options, from_cache=from_cache)


def _build(corpus, cfg: TokenizerConfig, opts: dict, *, n_jobs: int, progress, learned_phrases) -> dict:
    """The tables of a fresh tokenization: ``frame, sentences, paragraphs, docs, options``."""
    frame, sentences, paragraphs, docs = tokenize_blocks(corpus, cfg, n_jobs=n_jobs, progress=progress)
    if learned_phrases:
        extra = _learn_phrases(frame, learned_phrases)
        if extra:
            del frame, sentences, paragraphs, docs
            cfg = cfg.with_phrases(extra)
            frame, sentences, paragraphs, docs = tokenize_blocks(corpus, cfg, n_jobs=n_jobs, progress=progress)
        opts = dict(opts, learned=[e for e, _ in extra])
    return {"frame": frame, "sentences": sentences, "paragraphs": paragraphs, "docs": docs, "options": opts}


def _learn_phrases(frame: pd.DataFrame, params) -> list[tuple[str, str]]:
    """Bigrams learned by gensim ``Phrases`` on the non-punctuation norms, per sentence.

    Scored as in Mikolov et al. (2013), "Distributed representations of words
    and phrases and their compositionality" (gensim's default scorer), with
    ``min_count=5``, ``threshold=10`` and English connector words unless
    ``params`` says otherwise.
    """
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    kwargs = {"min_count": 5, "threshold": 10.0, "connector_words": ENGLISH_CONNECTOR_WORDS}
    if isinstance(params, Mapping):
        kwargs.update(params)
    kwargs["delimiter"] = "\x1f"
    f = frame.loc[~frame["is_punct"].to_numpy(), ["doc_id", "sentence", "norm"]]
    key = codes_view(f["doc_id"]).astype(np.int64) * (1 << 31) + f["sentence"].to_numpy()
    words = np.asarray(f["norm"].cat.categories, dtype=object)[codes_view(f["norm"])].tolist()
    cuts = (np.flatnonzero(np.diff(key)) + 1).tolist() if len(key) else []
    bounds = [0, *cuts, len(words)]
    sentences = [words[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    model = Phrases(sentences, **kwargs)
    out = []
    for gram in sorted(model.export_phrases()):
        parts = gram.split("\x1f")
        if len(parts) < 2 or any("_" in p or not p for p in parts):
            continue
        out.append((" ".join(parts), "_".join(p.replace("'", "") for p in parts)))
    return out
