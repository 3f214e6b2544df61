"""Tokenization: one tidy token table per corpus, cached as parquet.

>>> from corpus_tools import load_corpus                          # doctest: +SKIP
>>> from corpus_tools.tokens import tokenize                       # doctest: +SKIP
>>> tokens = tokenize(load_corpus("seeds"))                        # doctest: +SKIP
>>> tokens.frame[["token", "norm", "lemma", "actor"]].head()       # doctest: +SKIP
>>> ids, bags = tokens.bags("paragraph")                           # doctest: +SKIP

:func:`tokenize` turns a :class:`~corpus_tools.corpus.Corpus` into a
:class:`Tokens` object: ``.frame`` (one row per token, in document order),
``.sentences``, ``.docs`` (``corpus.to_frame()``) and the paragraph texts, so
analysis modules never need the corpus again. Everything below is a documented
decision; the tests in ``tests/test_tokens.py`` pin each rule with examples.

Words (:func:`word_spans`, :class:`NewsTokenizer`)
--------------------------------------------------
One compiled regular expression (:data:`TOKEN_PATTERN`, usable on its own
as ``re.findall``/NLTK ``RegexpTokenizer`` pattern) defines the tokens. Every
non-space character belongs to exactly one token (symbols the pattern does
not know become one-character punctuation tokens) and the pattern treats the
end of a string like a space, so a text can be tokenized one
whitespace-delimited chunk at a time with the same result as one pass (a
property test checks this). The fast path uses that: ``str.split()`` cuts a
block of text into chunks (in C), each *distinct* chunk is tokenized once per
process and remembered, and token offsets are chunk offsets (from a numpy
whitespace mask) plus offsets inside the chunk — no Python loop over tokens.
Kept as single tokens:

* dotted abbreviations and acronyms: ``U.S.``, ``U.K.``, ``U.S.A.``,
  ``Ph.D.``, ``e.g.``, ``i.e.``; titles and short forms with their period:
  ``Mr.``, ``Dr.``, ``Prof.``, ``Jan.`` … ``Dec.``, ``No.``, ``Art.``,
  ``etc.`` (the list is :data:`TITLES` + :data:`ABBREVIATIONS`); a single
  capital letter with a period before a space is an initial (``J.`` in
  "J. Smith");
* numbers: ``20.8``, ``1,000``, ``$50``, ``$84.07``, and **percentages as one
  token**: ``25%`` and ``3.7%`` (the norm keeps the sign, so "25%" and "25
  percent" stay distinguishable);
* URLs.

Apostrophes: curly ’ ‘ and straight ' behave the same (norms fold curly
quotes and apostrophes to straight ones). English clitics are split off
NLTK/Penn-Treebank style, so "China’s" is ``China`` + ``’s`` (norm ``'s``,
a stopword) and the lemma of ``China`` is ``china``; "didn't" is ``did`` +
``n't``, "can't" is ``ca`` + ``n't`` (lemma ``can``), "won't" ``wo`` + ``n't``
(lemma ``will``). Other inner apostrophes stay (``d'Ivoire``, ``o'clock``).

Hyphens: the pattern reads a hyphenated compound as one unit
(``China-Russia``, ``non-alignment``, ``U.S.-led``, ``2012-2020``; hyphen,
non-breaking hyphen and an unspaced en dash all count). With the default
``hyphens="split"`` the compound is split into its parts, the hyphen itself is
dropped (it is not a token), and every part carries the whole compound's norm
in the ``compound`` column (``china-russia``; empty for other tokens), so a
search for "russia" finds "China-Russia" and compounds can still be counted.
Bound prefixes left by the split (non, anti, multi, pre, post, co, inter, semi,
re) are stopwords. ``hyphens="keep"`` keeps each compound as one token (its
``compound`` column repeats its norm).

Sentences (:func:`split_sentences`)
-----------------------------------
Sentences never cross paragraphs. Boundaries are decided on the token stream
with numpy (no per-token Python loop):

* after ``.``, ``!``, ``?``, ``...`` or ``…`` (plus any closing quotes or
  brackets attached to it) a sentence ends unless the next token starts with a
  lowercase letter or with ``, ; : ) ] ”``. So ``He said “we will win.” and
  left`` is ONE sentence (the quotation continues), while ``He said: “We will
  win.” Then he left.`` is two.
* Titles (``Mr.``, ``Mrs.``, ``Ms.``, ``Dr.``, ``Prof.``, ``Gen.``, ``Sen.``,
  ``St.`` …) never end a sentence.
* Every other abbreviation ending in a period (``U.S.``, ``U.K.``, ``Ph.D.``,
  ``Jan.``, ``No.``, ``etc.``, initials such as ``J.``) ends a sentence only
  when the next token is a capitalised **sentence starter**: a function word
  or discourse adverb (The, This, It, In, But, However, We …; the stopword list
  plus :data:`SENTENCE_STARTERS`). So "the U.S. Treasury", "Jan. 5", "No. 3",
  "J. Smith" and "Ph.D. Candidates" continue, and "pressure from the U.S. The
  hope is" splits. Trade-off: a sentence that ends with an abbreviation and
  continues with a name ("… in the U.S. China, however, …") is not split, and
  one that continues an abbreviation with a capitalised function word ("the
  U.S. In 2015 …") always is. Both are rare in commentary.

NLTK's Punkt with explicit ``PunktParameters(abbrev_types=...)`` (no
training data needed) was the reference. Checked on the cases above, it also
keeps "Mr. Smith", "Jan. 5", "No. 3", "J. Smith" and "the U.S. Treasury"
together, but it never ends a sentence at a listed abbreviation ("from the
U.S. The hope is" stays one sentence) and it does cut a quotation that
continues ("… “we will win.” | and left", "“Who lost China?” | he asked").
Punkt alone runs at ~6 MB/s on the UN General Debates (``benchmarks``), less
than half the speed of this whole pipeline, so the token-based rule above,
which fixes both cases, is used instead.

Lemmas, stopwords, flags
------------------------
Norm = lowercased surface with curly quotes/apostrophes folded. Lemmas come
from simplemma (``lang="en"``), computed once per distinct norm and cached:
"countries" -> ``country``, "was" -> ``be``, the pronoun "us" -> ``we``.
All-caps acronyms of two or more letters keep their lowercase form as lemma
(NATO -> ``nato``, AIDS -> ``aids``, not ``aid``). The country written ``US``,
``U.S.``, ``USA`` or ``U.S.A.`` (case-sensitive) is the abbreviation entry of
``united_states`` in the phrase file, so its norm and lemma are
``united_states``, like the merged "United States".

``is_stop``: the norm or the lemma is in the stopword list
(:data:`STOPWORDS`, from ``data/stopwords.txt``: gensim's English list minus
content words such as "system", "interest", "bill", "fire", plus bound prefixes
and clitics; the file header says exactly what changed). Adjust with
``lowercase_stopwords`` (a replacement list), ``extra_stopwords`` and
``keep_stopwords``. Merged phrases are never stopwords.
``is_negation`` (:data:`NEGATIONS`) and ``is_hedge`` (:data:`HEDGES`) flag
negations and modal hedges by norm; they may also be stopwords. "May" with a
capital M inside a sentence is the month, not a hedge.

Multiword expressions and actors
--------------------------------
``data/phrases.txt`` lists multiword expressions (matched case-insensitively,
across line breaks, spaces and hyphens, within one sentence, longest first)
and single-token abbreviations (matched case-sensitively: ``BRI``, ``SCO``,
``US``). A match becomes ONE token whose surface is the original text span and
whose norm and lemma are the canonical form (``belt_and_road_initiative``);
the ``compound`` of a merged token is the compound of its first word. With
``learned_phrases=True`` gensim's ``Phrases`` is also trained on the corpus
(after the curated merges) and its bigrams are merged too (canonical
``word1_word2``); it is off by default because it is slow and corpus-dependent.

``data/actors.csv`` (``alias,actor,case_sensitive``) maps tokens to actors
AFTER merging: "United States" -> token ``united_states`` -> actor ``US``.
Case-sensitive aliases match the exact surface ("US" is the country, "us" the
pronoun; "West" but not "west"); the others match the norm. Multiword aliases
that are not in the phrase file (e.g. "Trump administration") are merged like
phrases (canonical ``trump_administration``) so that they can be matched as
one token. ``actor`` is the empty string for tokens that name no actor.
The default table is written for commentary on US–China–Russia relations:
bare "Congress" is the US Congress (longer aliases such as "National People's
Congress" win), "West" is the EU/West. For another domain (the UN General
Debate speaks of many congresses) pass your own table (``actors=``).

Speed and parallelism
---------------------
Measured on the UN General Debate corpus (198 MB, 35M tokens; the table is
in ``benchmarks/README.md``): about 14 MB/s on one process, 0.27-0.28x the
floor ``re.findall(r"\\w+", text.lower())`` (~51 MB/s), 1.45-1.6x that on
two processes, and a cached reload ~45x faster than tokenizing. What it takes: the chunk
cache above; per-type work (split, sentence class, lemma, stopword, actor)
done once per distinct type in numpy-indexed registries; sentence
boundaries, phrase matching (only at tokens whose norm starts a phrase, one
vectorised window comparison per phrase length) and the mapping to document
structure in numpy; output columns written once into buffers that grow in
place. Profiling (pyinstrument, cProfile) showed per-token Python and
per-distinct-chunk dictionary work as the costs left; in this VM the first
touch of fresh memory is also expensive (1-2 s per GB), so the code avoids
large temporaries.

``n_jobs=N`` cuts the corpus into contiguous blocks of whole documents; N-1
worker processes (``ProcessPoolExecutor``) and the calling process tokenize
blocks, and the calling process assembles them in document order as they
finish. Workers hand their per-token arrays over as raw files in
``/dev/shm`` (falling back to pickling where there is none).

Categories and order
--------------------
String columns are pandas categoricals whose categories are in order of first
appearance in the corpus; ``doc_id`` categories are the corpus order. This
makes the table identical whether it was built in one process or many
(``n_jobs``), and identical after a cache round trip.

Cache
-----
With ``cache=True`` the tables are stored as parquet files in
``config.cache_dir() / "tokens"`` (``$CORPUS_TOOLS_CACHE_DIR`` is honoured at
call time), keyed on the corpus content hash, the options, the package
version, a hash of this module's code and a hash of the phrase, actor and
stopword contents. Per key:

* ``<key>.tokens.parquet``: every column of the token table, categorical
  columns as integer codes, as required INT32/BOOLEAN columns, PLAIN
  encoding, no compression, one row group and one data page per column, so
  each column is one contiguous run of bytes. On reload the page headers are
  checked and the columns are memory-mapped straight from the file (no read,
  no copy; the OS file cache serves the pages); any other layout is read
  with pyarrow. About 44 bytes per token on disk (1.5 GB for 35M tokens);
* ``<key>.categories.parquet``: the categories of each categorical column,
  in order;
* ``<key>.sentences.parquet``, ``<key>.paragraphs.parquet`` (read on first
  use of ``Tokens.sentences`` / :meth:`Tokens.paragraph_texts`; a fresh
  table likewise cuts the sentence texts from the paragraphs only when
  ``sentences`` is first used), ``<key>.docs.parquet``;
* ``<key>.json``: row counts and the options, written last.

Writes go to a temporary file in the same folder followed by ``os.replace``,
under a file lock (``<key>.lock``) so concurrent processes never build or
write the same entry twice. A corrupt or truncated file is reported with a
:class:`CorpusWarning` naming it and the entry is rebuilt. An unwritable
cache folder gives a warning and the table is returned uncached.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import operator
import os
import re
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .cache import library_versions
from .errors import CorpusError, CorpusWarning, ParameterError
from .io import atomic_write, read_text_file

__all__ = [
    "tokenize",
    "Tokens",
    "STOPWORDS",
    "NEGATIONS",
    "HEDGES",
    "SENTENCE_STARTERS",
    "TITLES",
    "ABBREVIATIONS",
    "TOKEN_PATTERN",
    "NewsTokenizer",
    "load_phrases",
    "load_actors",
    "actor_names",
    "load_stopwords",
    "split_sentences",
    "word_spans",
]

PHRASES_FILE = config.DATA_DIR / "phrases.txt"
ACTORS_FILE = config.DATA_DIR / "actors.csv"
STOPWORDS_FILE = config.DATA_DIR / "stopwords.txt"

#: Bumped whenever the table layout or a rule changes, so old caches are rebuilt.
SCHEMA_VERSION = 1

# ---------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------
NEGATIONS = frozenset({"not", "no", "never", "cannot", "nor", "n't", "neither", "none", "without"})
HEDGES = frozenset(
    {"may", "might", "could", "would", "perhaps", "possibly", "unlikely", "likely", "should"}
)
#: Titles: never end a sentence ("Mr. Smith").
TITLES = (
    "Mr", "Mrs", "Ms", "Messrs", "Mme", "Mlle", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov",
    "Lt", "Col", "Capt", "Cmdr", "Adm", "Sgt", "Rev", "Hon", "Amb", "Pres", "St", "Jr", "Sr",
)
#: Other abbreviations kept with their period; they end a sentence only before
#: a sentence starter ("Jan. 5" and "No. 3" continue).
ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "No", "Nos", "Art", "Arts", "Vol", "vol", "pp", "Para", "para", "Fig", "fig",
    "etc", "vs", "cf", "approx", "Inc", "Ltd", "Co", "Corp", "Bros", "Ave", "Dept", "Est",
    "Univ",
)
#: Discourse words that may start a sentence after an abbreviation, in
#: addition to the stopword list (function words).
SENTENCE_STARTERS = frozenset(
    """however moreover meanwhile nevertheless nonetheless furthermore therefore thus hence
    indeed still yet instead today now since after before although though while despite
    first second third finally also last next then in on at but and so as if when this
    that these those it its he she they we i you a an the there such what why how for by
    with from to of not no yes all both each many most some another other yesterday
    tomorrow later earlier recently similarly likewise consequently accordingly besides
    overall clearly certainly obviously unfortunately fortunately""".split()
)

# ---------------------------------------------------------------------------
# The token pattern
# ---------------------------------------------------------------------------
_DASH_CHARS = "\\-\u2010\u2011\u2013"  # hyphen-minus, hyphen, non-breaking hyphen, en dash
_APOS = "'\u2019"
_abbr = "|".join(sorted(set(TITLES) | set(ABBREVIATIONS), key=len, reverse=True))
_ATOM = (
    r"(?:[A-Z](?:\.[A-Z])+\.?(?![^\W\d_])"      # U.S. U.K. U.S.A. (and U.S before a hyphen)
    r"|Ph\.D\."
    r"|[a-z](?:\.[a-z])+\.(?!\w)"               # e.g. i.e. a.m.
    rf"|(?:{_abbr})\.(?!\w)"                    # Mr. Dr. Jan. No. etc.
    r"|[A-Z]\.(?=\s|$)"                         # initials: J. Smith
    r"|[$€£¥]\d+(?:[.,]\d+)*%?"                 # $50 $84.07
    r"|\d+(?:[.,:]\d+)+%?|\d+%"                 # 20.8 1,000 10:30 25% 3.7%
    rf"|\w+(?:[{_APOS}]\w+)*)"                  # words, with inner apostrophes
)
_URL = r"(?:https?://|www\.)[^\s\"“”<>]*[^\s\"“”<>.,;:!?)\]']"
# A plain word not followed by anything that could extend it: the fast path.
_FAST = rf"[^\W\d_]++(?![\w.{_APOS}{_DASH_CHARS}])"
#: The token regex (without the leading-space group used internally).
TOKEN_PATTERN = (
    rf"{_URL}|{_FAST}|{_ATOM}(?:[{_DASH_CHARS}]{_ATOM})*|\.\.\.|[.!?…]+|--+|\S"
)
_TOKEN_RE = re.compile(rf"\s*+({TOKEN_PATTERN})")
_DASH_SPLIT = re.compile(rf"[{_DASH_CHARS}]")
_COMPOUND_RE = re.compile(rf"[^\s{_DASH_CHARS}][{_DASH_CHARS}][^\s{_DASH_CHARS}]")
_NT_RE = re.compile(rf"(?i)(.+?)(n[{_APOS}]t)")
_CLITIC_RE = re.compile(rf"(?i)(.+?)([{_APOS}](?:s|re|ve|ll|d|m))")

_QUOTE_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"',
                             "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2032": "'"})
_DASH_FOLD = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-"})

# Whitespace lookup table: exactly the characters `\s` matches (str.isspace);
# every Unicode whitespace character is below U+3001.
_WS_LIMIT = 0x3001
_WS_LUT = np.zeros(_WS_LIMIT + 1, dtype=bool)
for _c in range(_WS_LIMIT):
    if chr(_c).isspace():
        _WS_LUT[_c] = True
del _c

_CLOSERS = frozenset({'"', "'", "\u201d", "\u2019", ")", "]", "}", "\u00bb", "\u203a"})
_NOBREAK_FIRST = frozenset(",;:)]}\u201d\u2019\u00bb%")
_TERMINAL_RE = re.compile(r"[.!?…]+")
_TITLE_TOKENS = frozenset(t + "." for t in TITLES)

# sentence classes (bit flags per type)
_C_TERM, _C_AMBIG, _C_CLOSER, _C_NOBREAK, _C_STARTER = 1, 2, 4, 8, 16
# type flags
_F_STOP, _F_PUNCT, _F_NEG, _F_HEDGE, _F_MAY = 1, 2, 4, 8, 16


# ---------------------------------------------------------------------------
# Data files
# ---------------------------------------------------------------------------
def load_stopwords(path: str | os.PathLike | None = None) -> frozenset[str]:
    """The stopword list in ``path`` (default ``data/stopwords.txt``): one word a line."""
    text = read_text_file(Path(path) if path else STOPWORDS_FILE, "stopword")
    words = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            words.add(line.lower().translate(_QUOTE_FOLD))
    return frozenset(words)


STOPWORDS: frozenset[str] = load_stopwords()


def load_phrases(path: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """The phrase file as ``[(entry, canonical), ...]`` (default ``data/phrases.txt``).

    Lines are ``phrase text [=> canonical]``; ``#`` starts a comment. A missing
    canonical is the entry's words lowercased and joined by ``_``. Raises
    :class:`CorpusError` naming the file and line for a malformed entry.
    """
    p = Path(path) if path else PHRASES_FILE
    out: list[tuple[str, str]] = []
    for lineno, line in enumerate(read_text_file(p, "phrase").splitlines(), 1):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not line:
            continue
        entry, sep, canon = line.partition("=>")
        entry, canon = " ".join(entry.split()), canon.strip()
        if not entry or (sep and not canon):
            raise CorpusError(
                f"{p}, line {lineno}: expected 'phrase text' or 'phrase text => canonical', "
                f"got {line!r}."
            )
        if canon and any(ch.isspace() for ch in canon):
            raise CorpusError(
                f"{p}, line {lineno}: the canonical form {canon!r} contains spaces; join "
                f"words with '_' (e.g. belt_and_road_initiative)."
            )
        out.append((entry, canon or _default_canonical(entry)))
    return out


def load_actors(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The actor table ``alias, actor, case_sensitive`` (default ``data/actors.csv``).

    ``case_sensitive`` is optional in the file (default false: match the
    lowercased norm). Raises :class:`CorpusError` for a file without the
    ``alias`` and ``actor`` columns or with an empty alias or actor.
    """
    p = Path(path) if path else ACTORS_FILE
    text = read_text_file(p, "actor")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, comment=None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CorpusError(f"{p}: cannot be read as CSV ({exc}).") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = {"alias", "actor"} - set(frame.columns)
    if missing:
        raise CorpusError(
            f"{p}: needs columns 'alias' and 'actor' (and optionally 'case_sensitive'); "
            f"found {list(frame.columns)}."
        )
    if "case_sensitive" not in frame.columns:
        frame["case_sensitive"] = "0"
    frame = frame[["alias", "actor", "case_sensitive"]].copy()
    for c in frame.columns:
        frame[c] = frame[c].astype(str).str.strip()
    bad = frame[(frame.alias == "") | (frame.actor == "")]
    if len(bad):
        raise CorpusError(f"{p}, line {bad.index[0] + 2}: empty alias or actor.")
    frame["case_sensitive"] = frame["case_sensitive"].str.lower().isin(["1", "true", "yes", "y"])
    return frame.reset_index(drop=True)


def actor_names(path: str | os.PathLike | None = None) -> list[str]:
    """The distinct actors of the actor table (default ``data/actors.csv``), in file order."""
    return list(dict.fromkeys(load_actors(path)["actor"].tolist()))


# ---------------------------------------------------------------------------
# Raw tokenization (regex pass, clitic/hyphen split)
# ---------------------------------------------------------------------------
def _is_compound(s: str) -> bool:
    return _COMPOUND_RE.search(s) is not None


def _split_type(s: str, hyphens: str) -> tuple[tuple[int, str], ...]:
    """How one raw token type splits: ``((relative_start, part), ...)``."""
    if hyphens == "split" and _is_compound(s):
        pieces = []
        pos = 0
        for m in _DASH_SPLIT.finditer(s):
            if m.start() > pos:
                pieces.append((pos, s[pos:m.start()]))
            pos = m.end()
        if pos < len(s):
            pieces.append((pos, s[pos:]))
    else:
        pieces = [(0, s)]
    out: list[tuple[int, str]] = []
    for rel, piece in pieces:
        m = None
        if len(piece) > 2 and ("'" in piece or "\u2019" in piece):
            m = _NT_RE.fullmatch(piece) or _CLITIC_RE.fullmatch(piece)
            if m and not any(ch.isalnum() for ch in m.group(1)):
                m = None
        if m:
            out.append((rel, m.group(1)))
            out.append((rel + m.start(2), m.group(2)))
        else:
            out.append((rel, piece))
    return tuple(out)


def _default_canonical(entry: str) -> str:
    toks = [p for s in _TOKEN_RE.findall(entry) for _, p in _split_type(s, "split")]
    words = [_norm(t) for t in toks if any(ch.isalnum() for ch in t)]
    return "_".join(w.replace("'", "") for w in words) or entry.lower()


def _norm(s: str) -> str:
    n = s.lower().translate(_QUOTE_FOLD)
    if _is_compound(n):
        n = n.translate(_DASH_FOLD)
    return n


def _entry_tokens(entry: str, hyphens: str) -> list[str]:
    return [p for s in _TOKEN_RE.findall(entry) for _, p in _split_type(s, hyphens)]


# ---------------------------------------------------------------------------
# Configuration compiled once per process
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Config:
    hyphens: str
    phrases: tuple[tuple[str, str], ...]
    actors: tuple[tuple[str, str, bool], ...]
    stopwords: frozenset
    key: str


class _Grow:
    """A numpy column that grows by appending (amortised doubling)."""

    __slots__ = ("a", "n")

    def __init__(self, dtype):
        self.a = np.zeros(1024, dtype=dtype)
        self.n = 0

    def extend(self, values) -> None:
        need = self.n + len(values)
        if need > len(self.a):
            grown = np.zeros(max(need, 2 * len(self.a)), dtype=self.a.dtype)
            grown[: self.n] = self.a[: self.n]
            self.a = grown
        self.a[self.n:need] = values
        self.n = need

    @property
    def v(self) -> np.ndarray:
        return self.a[: self.n]


class _Compiled:
    """Lookup tables for one configuration, and registries of every type seen.

    Each distinct raw token string (what the regex returns) and each distinct
    token type (after the clitic/hyphen split, or a merged phrase) is analysed
    once per process; its properties live in numpy columns indexed by its id,
    so a block of text costs one dict lookup per token plus numpy takes.
    """

    def __init__(self, cfg: _Config):
        self.cfg = cfg
        self.hyphens = cfg.hyphens
        self.stop = cfg.stopwords
        self.cs_single: dict[str, str] = {}   # exact folded surface -> canonical
        self.ci_single: dict[str, str] = {}   # norm -> canonical (keep-mode compounds)
        self.multi: dict[tuple[str, ...], str] = {}
        for entry, canon in cfg.phrases:
            self._add_phrase(entry, canon)
        self.actor_cs: dict[str, str] = {}
        self.actor_ci: dict[str, str] = {}
        for alias, actor, cs in cfg.actors:
            toks = _entry_tokens(alias, "split")
            if not toks:
                continue
            if len(toks) == 1:
                if cs:
                    self.actor_cs[toks[0].translate(_QUOTE_FOLD)] = actor
                else:
                    self.actor_ci[_norm(toks[0])] = actor
                continue
            key = tuple(_norm(t) for t in toks)
            canon = self.multi.get(key)
            if canon is None:
                canon = _default_canonical(alias)
                self._add_phrase(alias, canon)
            self.actor_ci[canon] = actor
        # phrase word ids for the vectorised matcher
        words = sorted({w for k in self.multi for w in k})
        self.word_id = {w: i + 1 for i, w in enumerate(words)}  # 0 = not a phrase word
        self.first_words = {k[0] for k in self.multi}
        self.base = len(words) + 1
        self.by_len: dict[int, dict] = {}
        for k, canon in self.multi.items():
            self.by_len.setdefault(len(k), {})[tuple(self.word_id[w] for w in k)] = canon
        self.lengths = sorted(self.by_len, reverse=True)
        self.exact_hash = self.base ** max(self.lengths, default=1) < 2**62
        self.hash_tables: dict[int, tuple[np.ndarray, list[str]]] = {}
        for L, table in self.by_len.items():
            keys = list(table)
            hs = np.array([self._hash(k) for k in keys], dtype=np.int64) if self.exact_hash else np.zeros(len(keys), np.int64)
            order = np.argsort(hs, kind="stable")
            self.hash_tables[L] = (hs[order], [table[keys[i]] for i in order])
        # registry of whitespace-delimited chunks: chunk -> its tokens
        self.chunk_id: dict[str, int] = {}
        self.chunk_nparts = _Grow(np.int32)
        self.chunk_pstart = _Grow(np.int32)
        self.part_tid = _Grow(np.int32)
        self.part_rel = _Grow(np.int32)
        self.part_comp = _Grow(np.int32)
        # registry of raw regex tokens: raw token -> its parts after the split
        self.raw_id: dict[str, int] = {}
        self.raw_len = _Grow(np.int32)
        self.raw_nparts = _Grow(np.int32)
        self.raw_pstart = _Grow(np.int32)
        self.rpart_tid = _Grow(np.int32)
        self.rpart_rel = _Grow(np.int32)
        self.rpart_comp = _Grow(np.int32)
        self.comp_strs: list[str] = [""]
        self.comp_id: dict[str, int] = {"": 0}
        # token-type registry
        self.tid: dict[str, int] = {}
        self.tstr: list[str] = []
        self.t_len = _Grow(np.int32)
        self.t_class = _Grow(np.uint8)
        self.t_pword = _Grow(np.int32)
        self.t_pfirst = _Grow(bool)
        self.t_flags = _Grow(np.uint8)
        self.t_norm: list[str] = []
        self.t_lemma: list[str] = []
        self.t_actor: list[str] = []

    def _hash(self, ids: Sequence[int]) -> int:
        h = 0
        for j, w in enumerate(ids):
            h += int(w) * self.base**j
        return h

    def _add_phrase(self, entry: str, canon: str) -> None:
        toks = _entry_tokens(entry, "split")
        if not toks:
            return
        if len(toks) == 1:
            self.cs_single[toks[0].translate(_QUOTE_FOLD)] = canon
            return
        self.multi[tuple(_norm(t) for t in toks)] = canon
        if self.hyphens == "keep":
            ktoks = _entry_tokens(entry, "keep")
            if len(ktoks) == 1:
                self.ci_single[_norm(ktoks[0])] = canon
            elif ktoks != toks:
                self.multi[tuple(_norm(t) for t in ktoks)] = canon

    # -- registries -------------------------------------------------------------
    def chunk_ids(self, chunks: list[str]) -> np.ndarray:
        """The registry id of every whitespace-delimited chunk (registering new ones)."""
        ids = np.fromiter(map(self.chunk_id.get, chunks, itertools.repeat(-1)), dtype=np.int64, count=len(chunks))
        miss = np.flatnonzero(ids < 0)
        if len(miss):
            missing = [chunks[i] for i in miss.tolist()]
            self._add_chunks(list(dict.fromkeys(missing)))
            ids[miss] = [self.chunk_id[t] for t in missing]
        return ids

    def _add_chunks(self, strs: list[str]) -> None:
        """Register new chunks: one regex pass over all of them, then numpy.

        The chunks are joined by spaces and tokenized together; since every
        non-space character belongs to exactly one token, a token's place in
        the stream of non-space characters tells which chunk it belongs to
        and where, without a Python loop over tokens.
        """
        k = len(strs)
        raw = _TOKEN_RE.findall(" ".join(strs))
        clen = np.fromiter(map(len, strs), dtype=np.int64, count=k)
        rids = self._raw_ids(raw)
        rl = self.raw_len.v[rids]
        if int(rl.sum()) != int(clen.sum()):  # pragma: no cover - cannot happen
            raise RuntimeError("tokenize: the token pattern skipped characters")
        c0 = np.cumsum(clen) - clen
        pos = np.cumsum(rl) - rl
        chunk = np.searchsorted(c0, pos, "right") - 1
        rel = pos - c0[chunk]
        npr = self.raw_nparts.v[rids]
        total = int(npr.sum())
        fi = np.repeat(self.raw_pstart.v[rids] - (np.cumsum(npr) - npr), npr) + np.arange(total)
        pchunk = np.repeat(chunk, npr)
        nparts = np.bincount(pchunk, minlength=k)
        base_part = self.part_tid.n
        self.chunk_nparts.extend(nparts)
        self.chunk_pstart.extend(base_part + np.cumsum(nparts) - nparts)
        self.part_tid.extend(self.rpart_tid.v[fi])
        self.part_rel.extend(np.repeat(rel, npr) + self.rpart_rel.v[fi])
        self.part_comp.extend(self.rpart_comp.v[fi])
        base = len(self.chunk_id)
        self.chunk_id.update(zip(strs, range(base, base + k)))

    def _raw_ids(self, toks: list[str]) -> np.ndarray:
        ids = np.fromiter(map(self.raw_id.get, toks, itertools.repeat(-1)), dtype=np.int64, count=len(toks))
        miss = np.flatnonzero(ids < 0)
        if len(miss):
            missing = [toks[i] for i in miss.tolist()]
            self._add_raw(list(dict.fromkeys(missing)))
            ids[miss] = [self.raw_id[t] for t in missing]
        return ids

    def _add_raw(self, strs: list[str]) -> None:
        """Register new raw tokens: their clitic/hyphen parts and compound."""
        splits = [_split_type(s, self.hyphens) for s in strs]
        needed = list(dict.fromkeys(p for parts in splits for _, p in parts if p not in self.tid))
        if needed:
            self.add_types(needed, [None] * len(needed))
        tid = self.tid
        lens, nparts, pstart, ptid, prel, pcomp = [], [], [], [], [], []
        base = self.rpart_tid.n
        for s, parts in zip(strs, splits):
            self.raw_id[s] = len(self.raw_id)
            comp = 0
            if _is_compound(s):
                cn = _norm(s)
                comp = self.comp_id.get(cn)
                if comp is None:
                    comp = self.comp_id[cn] = len(self.comp_strs)
                    self.comp_strs.append(cn)
            lens.append(len(s))
            nparts.append(len(parts))
            pstart.append(base + len(ptid))
            for rel, part in parts:
                ptid.append(tid[part])
                prel.append(rel)
                pcomp.append(comp)
        self.raw_len.extend(lens)
        self.raw_nparts.extend(nparts)
        self.raw_pstart.extend(pstart)
        self.rpart_tid.extend(ptid)
        self.rpart_rel.extend(prel)
        self.rpart_comp.extend(pcomp)

    def type_ids(self, strs: list[str], canons: list[str | None]) -> list[int]:
        new = [(s, c) for s, c in dict(zip(strs, canons)).items() if s not in self.tid]
        if new:
            self.add_types([s for s, _ in new], [c for _, c in new])
        return [self.tid[s] for s in strs]

    def add_types(self, strs: list[str], canons: list[str | None]) -> None:
        lens, cls, pw, pf, flags = [], [], [], [], []
        for s, canon in zip(strs, canons):
            self.tid[s] = len(self.tstr)
            self.tstr.append(s)
            lens.append(len(s))
            cls.append(_sentence_class(s))
            n = _norm(s)
            if canon is None:
                pw.append(self.word_id.get(n, 0))
                pf.append(n in self.first_words)
            else:
                pw.append(0)
                pf.append(False)
            norm, lemma, actor, fl = self._info(s, canon)
            self.t_norm.append(norm)
            self.t_lemma.append(lemma)
            self.t_actor.append(actor)
            flags.append(fl)
        self.t_len.extend(lens)
        self.t_class.extend(cls)
        self.t_pword.extend(pw)
        self.t_pfirst.extend(pf)
        self.t_flags.extend(flags)

    def _info(self, s: str, canon: str | None) -> tuple[str, str, str, int]:
        """``(norm, lemma, actor, flags)`` of a token type."""
        folded = s.translate(_QUOTE_FOLD)
        punct = not any(ch.isalnum() for ch in s)
        if canon is None:
            canon = self.cs_single.get(folded)
        norm = _norm(s)
        if canon is None and norm in self.ci_single:
            canon = self.ci_single[norm]
        if canon is not None:
            norm = lemma = canon
        else:
            lemma = norm if punct else _lemma(norm, s)
        actor = self.actor_cs.get(folded) or self.actor_ci.get(norm) or ""
        flags = 0
        if punct:
            flags |= _F_PUNCT
        elif canon is None and (norm in self.stop or lemma in self.stop):
            flags |= _F_STOP
        if norm in NEGATIONS:
            flags |= _F_NEG
        if norm in HEDGES:
            flags |= _F_HEDGE
            if s == "May":
                flags |= _F_MAY
        return norm, lemma, actor, flags


def _sentence_class(s: str) -> int:
    c = 0
    if _TERMINAL_RE.fullmatch(s):
        c |= _C_TERM
    elif s.endswith(".") and s not in _TITLE_TOKENS and any(ch.isalpha() for ch in s):
        c |= _C_AMBIG
    if s in _CLOSERS:
        c |= _C_CLOSER
    first = s[0]
    if first.islower() or first in _NOBREAK_FIRST:
        c |= _C_NOBREAK
    if first.isupper() and (len(s) == 1 or s[1:].islower()):
        low = s.lower()
        if low in SENTENCE_STARTERS or low in STOPWORDS:
            c |= _C_STARTER
    return c


_COMPILED: dict[str, _Compiled] = {}
_LEMMAS: dict[str, str] = {}


def _compiled(cfg: _Config) -> _Compiled:
    c = _COMPILED.get(cfg.key)
    if c is None:
        if len(_COMPILED) > 8:
            _COMPILED.clear()
        c = _COMPILED[cfg.key] = _Compiled(cfg)
    return c


def _lemma(norm: str, surface: str) -> str:
    if len(norm) > 1 and surface.isupper() and sum(ch.isalpha() for ch in surface) >= 2:
        return norm  # acronym: NATO -> nato, AIDS -> aids
    r = _LEMMAS.get(norm)
    if r is None:
        if len(norm) > 40 or not any(ch.isalpha() for ch in norm):
            r = norm
        else:
            import simplemma

            try:
                r = simplemma.lemmatize(norm, lang="en").lower()
            except Exception:  # pragma: no cover - simplemma edge cases
                r = norm
            r = r or norm
        _LEMMAS[norm] = r
    return r


# ---------------------------------------------------------------------------
# One block of documents (runs in a worker process when n_jobs > 1)
# ---------------------------------------------------------------------------
def _empty_block(paragraph_lists, paras: list[str], words_per_par=None) -> dict:
    z = np.zeros(0, np.int32)
    n_docs, n_par = len(paragraph_lists), len(paras)
    return {
        "vocab": [], "norm": [], "lemma": [], "actor": [], "comp_cats": [],
        "codes": z, "comp": z, "flags": np.zeros(0, np.uint8),
        "tok_per_doc": np.zeros(n_docs, np.int64), "paragraph": z, "sentence": z,
        "position": z, "start": z, "end": z, "tok_per_par": np.zeros(n_par, np.int32),
        "sent_per_doc": np.zeros(n_docs, np.int64), "sent_par": z, "sent_idx": z,
        "sent_s": z, "sent_e": z, "tok_per_sent": z,
        "words_per_par": np.zeros(n_par, np.int64) if words_per_par is None else words_per_par,
    }


def _spans(C: _Compiled, text: str):
    """Token-type ids, start offsets and compound ids of ``text``, and chunk starts.

    ``str.split()`` cuts the text into whitespace-delimited chunks (fast, in
    C); each distinct chunk is tokenized by the regex once per process and
    remembered, so a text costs one dict lookup per chunk plus numpy: token
    starts are chunk starts (from a whitespace mask) plus the offsets inside
    the chunk. The token pattern treats the end of a string like whitespace,
    so tokenizing chunk by chunk gives the same tokens as one pass over the
    whole text.
    """
    chars = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ws = _WS_LUT[np.minimum(chars, _WS_LIMIT)]
    run0 = ~ws
    run0[1:] &= ws[:-1]
    cstarts = np.flatnonzero(run0)
    if len(text) < 2**31 - 1:
        cstarts = cstarts.astype(np.int32)
    chunks = text.split()
    if len(chunks) != len(cstarts):  # pragma: no cover - str.split and the mask agree
        raise RuntimeError("tokenize: whitespace table out of step with str.split()")
    if not chunks:
        z = np.zeros(0, np.int32)
        return z, z, z, cstarts
    cids = C.chunk_ids(chunks)
    del chunks
    nparts = C.chunk_nparts.v[cids]
    first = C.chunk_pstart.v[cids]
    if int(nparts.max()) == 1:
        return C.part_tid.v[first], cstarts + C.part_rel.v[first], C.part_comp.v[first], cstarts
    total = int(nparts.sum())
    fi = np.repeat(first - (np.cumsum(nparts) - nparts), nparts) + np.arange(total)
    return C.part_tid.v[fi], np.repeat(cstarts, nparts) + C.part_rel.v[fi], C.part_comp.v[fi], cstarts


def _block(paragraph_lists: Sequence[Sequence[str]], cfg: _Config) -> dict:
    """Tokenize a block of documents given as their paragraph tuples.

    Returns per-type tables (vocab in first-appearance order with norm, lemma,
    actor and flags), per-token codes/starts/compound codes, token counts per
    paragraph and sentence, and the sentence table. Offsets are relative to
    the paragraph. Paragraph and sentence ids are rebuilt by the caller from
    the counts, which keeps inter-process traffic small.
    """
    with _REGISTRY_LOCK:  # the per-process registries are not thread-safe
        return _block_locked(paragraph_lists, cfg)


_REGISTRY_LOCK = threading.RLock()


def _block_locked(paragraph_lists: Sequence[Sequence[str]], cfg: _Config) -> dict:
    C = _compiled(cfg)
    paras = [p for ps in paragraph_lists for p in ps]
    n_par = len(paras)
    if n_par == 0:
        return _empty_block(paragraph_lists, [])
    text = "\n".join(paras)
    plen = np.fromiter(map(len, paras), dtype=np.int64, count=n_par)
    pstart = np.zeros(n_par, np.int64)
    np.cumsum(plen[:-1] + 1, out=pstart[1:])
    tcodes, pstarts, comp, cstarts = _spans(C, text)
    # words per paragraph (str.split semantics) for Document.n_words
    words_per_par = np.bincount(np.searchsorted(pstart, cstarts, "right") - 1, minlength=n_par).astype(np.int64)
    if len(tcodes) == 0:
        return _empty_block(paragraph_lists, paras, words_per_par)
    pends = pstarts + C.t_len.v[tcodes]
    par = np.searchsorted(pstart, pstarts, "right") - 1

    # sentences
    new_sent = _sentence_starts(C.t_class.v[tcodes], pstarts, pends, par)
    sid = np.cumsum(new_sent) - 1

    # multiword expressions
    if C.multi:
        tcodes, pstarts, pends, par, sid, comp = _merge_phrases(C, text, tcodes, pstarts, pends, par, sid, comp)

    # block vocabulary in first-appearance order
    codes, order = pd.factorize(tcodes)
    ol = order.tolist()
    pick = operator.itemgetter(*ol) if len(ol) > 1 else (lambda seq: (seq[ol[0]],))
    ccodes, corder = pd.factorize(comp)

    # document structure: paragraph, sentence and position within each document
    n = len(codes)
    npd = np.fromiter(map(len, paragraph_lists), dtype=np.int64, count=len(paragraph_lists))
    doc_of_par = np.repeat(np.arange(len(npd)), npd)
    doc = doc_of_par[par]
    first_par = np.cumsum(npd) - npd
    tok_per_doc = np.bincount(doc, minlength=len(npd))
    position = np.arange(n, dtype=np.int64) - np.repeat(np.cumsum(tok_per_doc) - tok_per_doc, tok_per_doc)
    n_sent = int(sid[-1]) + 1
    tok_per_sent = np.bincount(sid, minlength=n_sent)
    sfirst = np.cumsum(tok_per_sent) - tok_per_sent
    slast = sfirst + tok_per_sent - 1
    sent_par = par[sfirst]
    sent_doc = doc_of_par[sent_par]
    sent_per_doc = np.bincount(sent_doc, minlength=len(npd))
    sent_first_of_doc = np.cumsum(sent_per_doc) - sent_per_doc
    sent_in_doc = np.arange(n_sent) - sent_first_of_doc[sent_doc]
    gs, ge = pstarts[sfirst], pends[slast]
    base = pstart[sent_par]
    pbase = pstart[par]

    # flags; "May" inside a sentence is the month, not a hedge
    f = C.t_flags.v[tcodes]
    first_tok = np.zeros(n, dtype=bool)
    first_tok[sfirst] = True
    month = ((f & _F_MAY) != 0) & ~first_tok
    f = np.where(month, f & ~np.uint8(_F_HEDGE), f).astype(np.uint8)
    return {
        "vocab": list(pick(C.tstr)),
        "norm": list(pick(C.t_norm)),
        "lemma": list(pick(C.t_lemma)),
        "actor": list(pick(C.t_actor)),
        "comp_cats": [C.comp_strs[i] for i in corder.tolist()],
        "codes": codes.astype(np.int32),
        "comp": ccodes.astype(np.int32),
        "flags": f,
        "tok_per_doc": tok_per_doc.astype(np.int64),
        "paragraph": (par - first_par[doc]).astype(np.int32),
        "sentence": (sid - sent_first_of_doc[doc]).astype(np.int32),
        "position": position.astype(np.int32),
        "start": (pstarts - pbase).astype(np.int32),
        "end": (pends - pbase).astype(np.int32),
        "tok_per_par": np.bincount(par, minlength=n_par).astype(np.int32),
        "sent_per_doc": sent_per_doc.astype(np.int64),
        "sent_par": (sent_par - first_par[sent_doc]).astype(np.int32),
        "sent_idx": sent_in_doc.astype(np.int32),
        "sent_s": (gs - base).astype(np.int32),
        "sent_e": (ge - base).astype(np.int32),
        "tok_per_sent": tok_per_sent.astype(np.int32),
        "words_per_par": words_per_par,
    }


def _arrow_strings(values: list[str]):
    import pyarrow as pa

    return pa.array(values, type=pa.large_string())


def _sentence_starts(tc: np.ndarray, starts: np.ndarray, ends: np.ndarray, par: np.ndarray) -> np.ndarray:
    """Boolean array: token ``i`` starts a sentence (rules in the module docstring)."""
    n = len(tc)
    new = np.ones(n, dtype=bool)
    if n == 0:
        return new
    new[1:] = par[1:] != par[:-1]
    cand = np.flatnonzero((tc[:-1] & (_C_TERM | _C_AMBIG)) != 0)
    if len(cand) == 0:
        return new
    j = cand + 1
    for _ in range(4):  # skip closing quotes/brackets attached to the punctuation
        jj = np.minimum(j, n - 1)
        m = (j < n) & ((tc[jj] & _C_CLOSER) != 0) & (starts[jj] == ends[jj - 1]) & (par[jj] == par[cand])
        if not m.any():
            break
        j = j + m
    jj = np.minimum(j, n - 1)
    same = (j < n) & (par[jj] == par[cand])
    term = (tc[cand] & _C_TERM) != 0
    nxt = tc[jj]
    brk = same & np.where(term, (nxt & _C_NOBREAK) == 0, (nxt & _C_STARTER) != 0)
    new[jj[brk]] = True
    return new


def _merge_phrases(C: _Compiled, text, codes, starts, ends, par, sid, comp):
    """Merge multiword expressions into single tokens (vectorised per phrase length)."""
    cand = np.flatnonzero(C.t_pfirst.v[codes])
    n = len(codes)
    if len(cand) == 0:
        return codes, starts, ends, par, sid, comp
    wid = C.t_pword.v[codes]
    mlen = np.zeros(len(cand), dtype=np.int64)
    mcanon = np.full(len(cand), -1, dtype=np.int64)
    canon_list: list[str] = []
    for L in C.lengths:
        ok = np.flatnonzero((mlen == 0) & (cand + L <= n))
        if len(ok) == 0:
            continue
        c = cand[ok]
        window = wid[c[:, None] + np.arange(L)]
        full = (window != 0).all(axis=1) & (sid[c] == sid[c + L - 1])
        if not full.any():
            continue
        ok, c, window = ok[full], c[full], window[full]
        hs_table, canons = C.hash_tables[L]
        if C.exact_hash:
            h = (window.astype(np.int64) * (C.base ** np.arange(L, dtype=np.int64))).sum(axis=1)
            pos = np.minimum(np.searchsorted(hs_table, h), len(hs_table) - 1)
            hit = hs_table[pos] == h
            ci = pos[hit]
        else:  # huge phrase vocabularies: exact tuple lookup
            table = C.by_len[L]
            found = [table.get(tuple(r)) for r in window.tolist()]
            hit = np.array([x is not None for x in found], dtype=bool)
            lookup = {cn: i for i, cn in enumerate(canons)}
            ci = np.array([lookup[x] for x in found if x is not None], dtype=np.int64)
        if not hit.any():
            continue
        mlen[ok[hit]] = L
        mcanon[ok[hit]] = ci + len(canon_list)
        canon_list.extend(canons)
    sel = np.flatnonzero(mlen > 0)
    if len(sel) == 0:
        return codes, starts, ends, par, sid, comp
    p, L, cn = cand[sel], mlen[sel], mcanon[sel]
    # overlapping matches: keep the leftmost (the longest at each start is already chosen)
    if len(p) > 1 and (p[1:] < (p + L)[:-1]).any():
        keep_m = np.ones(len(p), dtype=bool)
        covered = -1
        for i, (a, b) in enumerate(zip(p.tolist(), (p + L).tolist())):
            if a < covered:
                keep_m[i] = False
            else:
                covered = b
        p, L, cn = p[keep_m], L[keep_m], cn[keep_m]
    keep = np.ones(n, dtype=bool)
    inner = L - 1  # tokens absorbed by each match
    keep[np.repeat(p + 1 - (np.cumsum(inner) - inner), inner) + np.arange(int(inner.sum()))] = False
    new_end = ends[p + L - 1]
    surfaces = [text[a:b] for a, b in zip(starts[p].tolist(), new_end.tolist())]
    tids = C.type_ids(surfaces, [canon_list[i] for i in cn.tolist()])
    codes = codes.copy()
    ends = ends.copy()
    codes[p] = tids
    ends[p] = new_end
    return codes[keep], starts[keep], ends[keep], par[keep], sid[keep], comp[keep]


# ---------------------------------------------------------------------------
# Public helpers on single texts
# ---------------------------------------------------------------------------
def _text_tokens(text: str, hyphens: str = "split"):
    """Token strings, starts, ends and type ids of one text (no phrase merging)."""
    if hyphens not in ("split", "keep"):
        raise ParameterError(f"hyphens must be 'split' or 'keep', not {hyphens!r}")
    with _REGISTRY_LOCK:
        C = _compiled(_default_config(hyphens))
        tcodes, st, _, _ = _spans(C, text)
    toks = [C.tstr[i] for i in tcodes.tolist()]
    return toks, st, st + C.t_len.v[tcodes], tcodes, C


def word_spans(text: str, hyphens: str = "split") -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the word tokens of ``text``.

    The same tokens as :func:`tokenize` before multiword expressions are
    merged: clitics split off ("China’s" -> "China", "’s"), hyphenated
    compounds split into their parts with ``hyphens="split"`` (the hyphen is
    not a token) or kept whole with ``hyphens="keep"``.
    """
    _, st, en, _, _ = _text_tokens(text, hyphens)
    return list(zip(st.tolist(), en.tolist()))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the sentences of one paragraph.

    A sentence runs from its first token to the end of its last token
    (closing quotes included), so leading and trailing spaces are outside.
    Line breaks inside ``text`` are not boundaries. The rules are in the
    module docstring (abbreviations, initials, quotations).
    """
    toks, st, en, tcodes, C = _text_tokens(text, "split")
    if not toks:
        return []
    new = _sentence_starts(C.t_class.v[tcodes], st, en, np.zeros(len(toks), np.int64))
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(toks)) - 1
    return list(zip(st[first].tolist(), en[last].tolist()))


class NewsTokenizer:
    """An NLTK-compatible word tokenizer for news prose (``TokenizerI`` interface).

    ``tokenize(text)`` gives the token strings and ``span_tokenize(text)`` the
    offsets, exactly as :func:`word_spans`; ``tokenize_sents`` and
    ``span_tokenize_sents`` work on lists of texts.
    """

    def __init__(self, hyphens: str = "split"):
        if hyphens not in ("split", "keep"):
            raise ParameterError(f"hyphens must be 'split' or 'keep', not {hyphens!r}")
        self.hyphens = hyphens

    def tokenize(self, text: str) -> list[str]:
        return _text_tokens(text, self.hyphens)[0]

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
        yield from word_spans(text, self.hyphens)

    def tokenize_sents(self, strings: Iterable[str]) -> list[list[str]]:
        return [self.tokenize(s) for s in strings]

    def span_tokenize_sents(self, strings: Iterable[str]) -> Iterator[list[tuple[int, int]]]:
        for s in strings:
            yield list(self.span_tokenize(s))

    def __repr__(self) -> str:
        return f"NewsTokenizer(hyphens={self.hyphens!r})"


# ---------------------------------------------------------------------------
# Configuration from tokenize() arguments
# ---------------------------------------------------------------------------
_DEFAULT_CFG: dict[str, _Config] = {}


def _default_config(hyphens: str = "split") -> _Config:
    cfg = _DEFAULT_CFG.get(hyphens)
    if cfg is None:
        cfg = _DEFAULT_CFG[hyphens] = _make_config(None, (), (), None, None, hyphens)[0]
    return cfg


def _as_words(value, what: str) -> frozenset[str]:
    if isinstance(value, str):
        raise ParameterError(
            f"{what} must be a list of words, not the string {value!r} (write [{value!r}])."
        )
    try:
        return frozenset(str(w).strip().lower().translate(_QUOTE_FOLD) for w in value)
    except TypeError:
        raise ParameterError(f"{what} must be a list of words, not {type(value).__name__}.") from None


def _make_config(lowercase_stopwords, extra_stopwords, keep_stopwords, phrases, actors, hyphens):
    """A picklable :class:`_Config` and the JSON-able description of the options."""
    if hyphens not in ("split", "keep"):
        raise ParameterError(f"hyphens must be 'split' or 'keep', not {hyphens!r}.")
    opts: dict = {"hyphens": hyphens}
    # stopwords
    if lowercase_stopwords is None:
        base, opts["stopwords"] = STOPWORDS, "default"
    elif isinstance(lowercase_stopwords, (str, os.PathLike)):
        base, opts["stopwords"] = load_stopwords(lowercase_stopwords), str(lowercase_stopwords)
    else:
        base, opts["stopwords"] = _as_words(lowercase_stopwords, "lowercase_stopwords"), "custom"
    extra = _as_words(extra_stopwords, "extra_stopwords")
    keep = _as_words(keep_stopwords, "keep_stopwords")
    stop = frozenset((base | extra) - keep)
    opts["extra_stopwords"] = sorted(extra)
    opts["keep_stopwords"] = sorted(keep)
    # phrases
    if phrases is None:
        plist, opts["phrases"] = load_phrases(), "default"
    elif phrases is False:
        plist, opts["phrases"] = [], "none"
    elif isinstance(phrases, (str, os.PathLike)):
        plist, opts["phrases"] = load_phrases(phrases), str(phrases)
    elif isinstance(phrases, Mapping):
        plist, opts["phrases"] = [(str(k), str(v)) for k, v in phrases.items()], "custom"
    else:
        plist = []
        for item in phrases:
            if isinstance(item, str):
                entry, _, canon = item.partition("=>")
                entry, canon = " ".join(entry.split()), canon.strip()
                plist.append((entry, canon or _default_canonical(entry)))
            else:
                entry, canon = item
                plist.append((str(entry), str(canon)))
        opts["phrases"] = "custom"
    # actors
    if actors is None:
        aframe, opts["actors"] = load_actors(), "default"
    elif actors is False:
        aframe, opts["actors"] = pd.DataFrame(columns=["alias", "actor", "case_sensitive"]), "none"
    elif isinstance(actors, (str, os.PathLike)):
        aframe, opts["actors"] = load_actors(actors), str(actors)
    elif isinstance(actors, pd.DataFrame):
        aframe = actors.copy()
        if "case_sensitive" not in aframe.columns:
            aframe["case_sensitive"] = False
        opts["actors"] = "custom"
    elif isinstance(actors, Mapping):
        aframe = pd.DataFrame(
            {"alias": list(actors), "actor": list(actors.values()), "case_sensitive": False}
        )
        opts["actors"] = "custom"
    else:
        raise ParameterError(
            "actors must be None (the default file), False, a path to a CSV, a DataFrame or "
            f"a mapping alias -> actor, not {type(actors).__name__}."
        )
    alist = tuple(
        (str(a), str(b), bool(c))
        for a, b, c in zip(aframe["alias"], aframe["actor"], aframe["case_sensitive"])
    )
    content = json.dumps(
        {"stop": sorted(stop), "phrases": plist, "actors": alist, "hyphens": hyphens},
        ensure_ascii=False,
    )
    key = hashlib.sha256(content.encode()).hexdigest()
    opts["data_hash"] = key[:16]
    cfg = _Config(hyphens, tuple(tuple(p) for p in plist), alist, stop, key)
    return cfg, opts


def _code_hash() -> str:
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    except OSError:  # pragma: no cover
        return "unknown"


def _version() -> str:
    return library_versions("corpus_tools")["corpus_tools"]


# ---------------------------------------------------------------------------
# Building the tables
# ---------------------------------------------------------------------------
_TARGET_CHUNK_CHARS = 6_000_000


def _chunks(docs: Sequence, n_jobs: int) -> list[tuple[int, int]]:
    """Contiguous document ranges of roughly equal text size."""
    sizes = np.array([sum(map(len, d.paragraphs)) + len(d.paragraphs) for d in docs], dtype=np.int64)
    total = int(sizes.sum())
    n_chunks = max(1, math.ceil(total / _TARGET_CHUNK_CHARS))
    if n_jobs > 1:
        n_chunks = max(n_chunks, 4 * n_jobs)
    n_chunks = max(1, min(n_chunks, len(docs)))
    cum = np.cumsum(sizes)
    bounds = np.searchsorted(cum, np.arange(1, n_chunks) * (total / n_chunks), "left") + 1
    edges = sorted({0, *bounds.tolist(), len(docs)})
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a] or [(0, 0)]


def _tokenize_blocks(corpus, cfg, n_jobs, progress):
    """Tokenize the corpus block by block and assemble the tables as blocks arrive.

    With ``n_jobs=N > 1`` there are N-1 worker processes and the main process
    is the N-th: it keeps the workers fed (two blocks in flight each),
    assembles finished blocks in document order and, whenever nothing is
    ready to assemble, tokenizes the next block itself. So N processes share
    the work and nobody waits while the assembly runs.
    """
    docs = corpus.documents
    ranges = _chunks(docs, n_jobs)
    payloads = [[d.paragraphs for d in docs[a:b]] for a, b in ranges]
    show = len(docs) > 300 if progress is None else bool(progress)
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(docs), desc="tokenize", unit="doc")
    asm = _Assembler(corpus, cfg)

    def done(i: int, result: dict) -> None:
        asm.add(result)
        del result
        _release_memory()
        if bar is not None:
            bar.update(ranges[i][1] - ranges[i][0])

    try:
        if n_jobs == 1 or len(payloads) == 1:
            for i, p in enumerate(payloads):
                done(i, _block(p, cfg))
        else:
            _run_parallel(payloads, cfg, n_jobs, done)
    finally:
        if bar is not None:
            bar.close()
    return asm.finish()


def _run_parallel(payloads, cfg: _Config, n_jobs: int, done) -> None:
    """Blocks on ``n_jobs - 1`` worker processes and this one; ``done(i, r)`` in order."""
    from collections import deque

    spill = _spill_dir()
    n = len(payloads)
    workers = min(n_jobs - 1, n)
    in_flight: deque = deque()  # (index, future), in submission order
    local: dict[int, dict] = {}
    next_free = 0  # first block nobody has taken
    ready = 0  # next block to hand to done()
    try:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            while ready < n:
                # keep every worker busy: two blocks queued each, taken in order
                while len(in_flight) < 2 * workers and next_free < n:
                    in_flight.append((next_free, ex.submit(_block_spilled, payloads[next_free], cfg, spill)))
                    next_free += 1
                if ready in local:
                    done(ready, local.pop(ready))
                    ready += 1
                elif in_flight[0][1].done() or next_free >= n:
                    # the next block in order is a worker's (in_flight[0]): assemble it
                    done(ready, _unspill(in_flight.popleft()[1].result()))
                    ready += 1
                else:  # nothing to assemble yet: tokenize the next free block here
                    local[next_free] = _block(payloads[next_free], cfg)
                    next_free += 1
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


_SPILLED = ("codes", "comp", "flags", "paragraph", "sentence", "position", "start", "end")


def _spill_dir() -> str | None:
    """A private folder in shared memory for passing per-token arrays from workers.

    Workers write their large arrays there as raw binary files and the parent
    maps them, which saves the pickling copies of the default result pipe.
    None (pickle everything) when there is no ``/dev/shm``.
    """
    base = "/dev/shm"
    if not (os.path.isdir(base) and os.access(base, os.W_OK)):
        return None
    try:
        return tempfile.mkdtemp(prefix="corpus_tools-tokens-", dir=base)
    except OSError:
        return None


def _release_memory() -> None:
    """Hand freed heap memory back to the OS (glibc ``malloc_trim``; a no-op elsewhere).

    A block's temporaries (~200 MB for 6M characters) are freed after the
    block, but glibc keeps the pages in the process, so each process's
    resident memory would stay at its largest block's high-water mark.
    Measured on the UN General Debate corpus: ~80 MB less per process.
    There is no portable library call for this; ctypes is the usual route.
    """
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        try:
            import ctypes

            _MALLOC_TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _MALLOC_TRIM = False
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM = None


def _block_spilled(paragraph_lists, cfg: _Config, spill: str | None) -> dict:
    """:func:`_block` in a worker; large arrays go to a raw file in ``spill``."""
    r = _block(paragraph_lists, cfg)
    if spill is None:
        return r
    fd, path = tempfile.mkstemp(dir=spill, suffix=".bin")
    layout = []
    offset = 0
    with os.fdopen(fd, "wb") as fh:
        for key in _SPILLED:
            arr = np.ascontiguousarray(r.pop(key))
            arr.tofile(fh)
            layout.append((key, arr.dtype.str, offset, len(arr)))
            offset += arr.nbytes
            del arr
    r["_spill"] = (path, layout)
    _release_memory()
    return r


def _unspill(r: dict) -> dict:
    """Map the arrays a worker spilled (read-only views; the file is removed)."""
    spilled = r.pop("_spill", None)
    if spilled is None:
        return r
    import mmap

    path, layout = spilled
    try:
        size = os.path.getsize(path)
        buf = None
        if size:
            with open(path, "rb") as fh:  # MAP_POPULATE: map all pages in one go, no page faults
                flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
                buf = mmap.mmap(fh.fileno(), size, flags=flags, prot=mmap.PROT_READ)
        for key, dtype, offset, count in layout:
            dt = np.dtype(dtype)
            r[key] = np.frombuffer(buf, dtype=dt, count=count, offset=offset) if count else np.zeros(0, dt)
    finally:
        os.unlink(path)  # the mapping stays valid until the arrays are dropped
    return r


def _str_series(arrays) -> pd.Series:
    """A pandas ``str`` Series over Arrow string chunks (no copy)."""
    import pyarrow as pa

    chunks = [a for a in arrays if len(a)] or [pa.array([], type=pa.large_string())]
    return pd.Series(pa.chunked_array(chunks, type=pa.large_string()), dtype="str")


def _cat(codes: np.ndarray, categories: pd.Index) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories, ordered=False), validate=False)


def _code_dtype(n_categories: int):
    """The integer dtype pandas uses for the codes of a categorical of this size."""
    if n_categories < np.iinfo(np.int8).max:
        return np.int8
    if n_categories < np.iinfo(np.int16).max:
        return np.int16
    return np.int32


class _Interner:
    """Strings -> dense ids in first-appearance order."""

    __slots__ = ("ids", "values")

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def lookup(self, strs: list[str]) -> np.ndarray:
        ids = np.fromiter(map(self.ids.get, strs, itertools.repeat(-1)), dtype=np.int64, count=len(strs))
        miss = np.flatnonzero(ids < 0)
        for i in miss.tolist():
            v = strs[i]
            j = self.ids.get(v)
            if j is None:
                j = self.ids[v] = len(self.values)
                self.values.append(v)
            ids[i] = j
        return ids

    def index(self) -> pd.Index:
        return pd.Index(self.values, dtype="str")


class _Buffer:
    """An owned numpy buffer that grows in place (``ndarray.resize``: realloc/mremap)."""

    __slots__ = ("a", "n")

    def __init__(self, dtype, capacity: int):
        self.a = np.empty(max(capacity, 16), dtype=dtype)
        self.n = 0

    def take(self, k: int) -> np.ndarray:
        """A view of the next ``k`` slots to fill."""
        need = self.n + k
        if need > len(self.a):
            self.a.resize(max(need, int(len(self.a) * 1.5)), refcheck=False)
        view = self.a[self.n:need]
        self.n = need
        return view

    def finish(self, dtype=None) -> np.ndarray:
        self.a.resize(self.n, refcheck=False)
        a, self.a = self.a, np.empty(0, self.a.dtype)
        return a if dtype is None or a.dtype == dtype else a.astype(dtype)


_FLAG_COLUMNS = {"is_stop": _F_STOP, "is_punct": _F_PUNCT, "is_negation": _F_NEG, "is_hedge": _F_HEDGE}
#: flag byte -> bool, one lookup table per flag column
_FLAG_LUTS = {k: (np.arange(256, dtype=np.uint8) & np.uint8(bit)) != 0 for k, bit in _FLAG_COLUMNS.items()}

class _Assembler:
    """Concatenates block results into the final tables while blocks arrive.

    Blocks hold whole documents, so everything but the categorical codes is
    final in a block; codes are mapped from each block's vocabulary to global
    ids (first appearance in the corpus, whatever the blocking). Columns live
    in buffers that grow in place and are written once, and each block is
    dropped as soon as it is copied: peak memory stays near the size of the
    final table.
    """

    def __init__(self, corpus, cfg: _Config):
        self.corpus = corpus
        docs = corpus.documents
        self.n_docs = len(docs)
        self.doc_cat = pd.Index([d.doc_id for d in docs], dtype="str")
        guess = sum(sum(map(len, d.paragraphs)) for d in docs) // 5 + 16  # ~1 token / 5.5 chars
        self.types = _Interner()
        self.strings = {k: _Interner() for k in ("norm", "lemma", "actor", "compound")}
        self.type_map = {k: _Grow(np.int32) for k in ("norm", "lemma", "actor")}
        n_actors = len({a for _, a, _ in cfg.actors}) + 1
        code_dt = {"doc_id": _code_dtype(self.n_docs), "actor": _code_dtype(n_actors)}
        self.cols = {}
        for key in FRAME_COLUMNS:
            if key in _FLAG_COLUMNS:
                dt = bool
            else:
                dt = code_dt.get(key, np.int32)
            self.cols[key] = _Buffer(dt, guess)
        self.sent = {k: [] for k in ("doc", "sent_par", "sent_idx", "sent_s", "sent_e", "tok_per_sent")}
        self.tok_per_par: list[np.ndarray] = []
        self.words_per_par: list[np.ndarray] = []
        self.doff = 0

    def add(self, b: dict) -> None:
        gid = self.types.lookup(b["vocab"])
        new = np.flatnonzero(gid >= self.type_map["norm"].n)
        if len(new):  # first appearance of these types: intern their norm, lemma, actor
            order = new[np.argsort(gid[new], kind="stable")]
            for key in ("norm", "lemma", "actor"):
                vals = b[key]
                self.type_map[key].extend(self.strings[key].lookup([vals[i] for i in order.tolist()]))
        codes = b.pop("codes")
        k = len(codes)
        cols = self.cols
        np.take(gid.astype(np.int32), codes, out=cols["token"].take(k), mode="clip")
        for key in ("norm", "lemma", "actor"):
            m = self.type_map[key].v[gid].astype(cols[key].a.dtype)
            np.take(m, codes, out=cols[key].take(k), mode="clip")
        del codes
        cm = self.strings["compound"].lookup(b["comp_cats"]).astype(np.int32)
        np.take(cm, b.pop("comp"), out=cols["compound"].take(k), mode="clip")
        nd = len(b["tok_per_doc"])
        cols["doc_id"].take(k)[:] = np.repeat(np.arange(self.doff, self.doff + nd), b["tok_per_doc"])
        for key in ("paragraph", "sentence", "position", "start", "end"):
            cols[key].take(k)[:] = b.pop(key)
        f = b.pop("flags")
        for key, lut in _FLAG_LUTS.items():
            np.take(lut, f, out=cols[key].take(k), mode="clip")
        self.sent["doc"].append(np.repeat(np.arange(self.doff, self.doff + nd, dtype=np.int32), b["sent_per_doc"]))
        for key in ("sent_par", "sent_idx", "sent_s", "sent_e", "tok_per_sent"):
            self.sent[key].append(b.pop(key))
        self.tok_per_par.append(b.pop("tok_per_par"))
        self.words_per_par.append(b.pop("words_per_par"))
        self.doff += nd

    def finish(self):
        if self.doff != self.n_docs:  # pragma: no cover - internal consistency
            raise RuntimeError("tokenize: blocks do not cover the corpus")
        cats = {"doc_id": self.doc_cat, "token": self.types.index()}
        for key, interner in self.strings.items():
            cats[key] = interner.index()
        data = {}
        for key in FRAME_COLUMNS:
            buf = self.cols.pop(key)
            if key in cats:
                arr = buf.finish(_code_dtype(len(cats[key])))
                data[key] = _cat(arr, cats[key])
            else:
                data[key] = buf.finish()
        frame = pd.DataFrame(data, copy=False)
        del data
        n_docs, doc_cat = self.n_docs, self.doc_cat
        sent = self.sent
        sent_cols = {
            "doc": _concat_int(sent["doc"]).astype(_code_dtype(n_docs)),
            "paragraph": _concat_int(sent["sent_par"]),
            "sentence": _concat_int(sent["sent_idx"]),
            "start": _concat_int(sent["sent_s"]),
            "end": _concat_int(sent["sent_e"]),
            "n_tokens": _concat_int(sent["tok_per_sent"]),
        }
        del self.sent
        docs = self.corpus.documents
        # the sentence texts are cut from the paragraphs on first use (~the corpus' size)
        sentences = _Lazy(len(sent_cols["doc"]), lambda: _sentence_table(docs, doc_cat, sent_cols))
        n_par_doc = np.fromiter((len(d.paragraphs) for d in docs), dtype=np.int64, count=n_docs)
        doc_of_par = np.repeat(np.arange(n_docs, dtype=np.int32), n_par_doc)
        tok_per_par = _concat_int(self.tok_per_par)
        words_per_par = _concat_int(self.words_per_par, np.int64)
        n_words = np.bincount(doc_of_par, weights=words_per_par, minlength=n_docs).astype(np.int64)

        def paragraphs() -> pd.DataFrame:
            return _paragraph_table(docs, doc_cat, tok_per_par)

        return frame, sentences, paragraphs, self.corpus.to_frame(n_words=n_words)


class _Lazy:
    """A table of ``n`` rows built on first use by ``build()``."""

    __slots__ = ("n", "build")

    def __init__(self, n: int, build):
        self.n = n
        self.build = build

    def __len__(self) -> int:
        return self.n

    def __call__(self) -> pd.DataFrame:
        return self.build()


def _sentence_table(docs, doc_cat: pd.Index, cols: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """``doc_id, paragraph, sentence, start, end, n_tokens, text``; the texts cut from the paragraphs."""
    n_par_doc = np.fromiter((len(d.paragraphs) for d in docs), dtype=np.int64, count=len(docs))
    first_par = np.cumsum(n_par_doc) - n_par_doc
    paras = list(itertools.chain.from_iterable(d.paragraphs for d in docs))
    gpar = first_par[cols["doc"].astype(np.int64)] + cols["paragraph"]
    chunks = []
    step = 1 << 16  # a batch of Python strings at a time, then one Arrow chunk
    for a in range(0, len(gpar), step):
        b = a + step
        chunks.append(_arrow_strings([
            paras[i][s:e] for i, s, e in zip(gpar[a:b].tolist(), cols["start"][a:b].tolist(), cols["end"][a:b].tolist())
        ]))
    return pd.DataFrame(
        {
            "doc_id": _cat(cols["doc"], doc_cat),
            **{k: cols[k] for k in ("paragraph", "sentence", "start", "end", "n_tokens")},
            "text": _str_series(chunks),
        },
        copy=False,
    )


def _concat_int(arrays: list[np.ndarray], dtype=np.int32) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)


def _paragraph_table(docs, doc_cat: pd.Index, tok_per_par: np.ndarray) -> pd.DataFrame:
    """``doc_id, paragraph, n_tokens, text`` for every paragraph of ``docs``."""
    n_docs = len(docs)
    n_par_doc = np.fromiter((len(d.paragraphs) for d in docs), dtype=np.int64, count=n_docs)
    n_par = int(n_par_doc.sum())
    doc_of_par = np.repeat(np.arange(n_docs, dtype=np.int32), n_par_doc)
    texts = list(itertools.chain.from_iterable(d.paragraphs for d in docs))
    return pd.DataFrame(
        {
            "doc_id": _cat(doc_of_par, doc_cat),
            "paragraph": (np.arange(n_par, dtype=np.int64) - np.repeat(np.cumsum(n_par_doc) - n_par_doc, n_par_doc)).astype(np.int32),
            "n_tokens": tok_per_par.astype(np.int32),
            "text": _str_series([_arrow_strings(texts)]),
        },
        copy=False,
    )


# ---------------------------------------------------------------------------
# The Tokens object
# ---------------------------------------------------------------------------
_UNITS = ("document", "paragraph", "sentence")


class Tokens:
    """The token table of a corpus and everything analysis modules need with it.

    Attributes
    ----------
    frame
        One row per token, in document order (documents in corpus order):
        ``doc_id, paragraph, sentence, position, start, end, token, norm,
        lemma, compound, is_stop, is_punct, is_negation, is_hedge, actor``.
        ``paragraph`` indexes ``Document.paragraphs``; ``sentence`` counts
        sentences within the document from 0; ``position`` counts tokens
        within the document from 0 without gaps; ``start``/``end`` are
        character offsets in the paragraph string (``text[start:end] ==
        token``). String columns are categoricals.
    sentences
        ``doc_id, paragraph, sentence, start, end, n_tokens, text`` (offsets
        in the paragraph).
    docs
        ``corpus.to_frame()``: one row per document with its metadata.
    corpus_hash, options
        The corpus content hash and the options that shaped the table.
    from_cache
        True when the table was read from the cache.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        sentences: pd.DataFrame,
        docs: pd.DataFrame,
        paragraphs: pd.DataFrame,
        *,
        corpus_hash: str,
        options: Mapping,
        from_cache: bool = False,
    ):
        self.frame = frame
        # the sentence table, or a function that builds it on first use
        self._sentences = sentences
        self.docs = docs
        # the paragraph table, or a function that builds it on first use
        self._paragraphs = paragraphs
        self.corpus_hash = corpus_hash
        self.options = dict(options)
        self.from_cache = from_cache

    # -- basics -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.frame)

    @property
    def sentences(self) -> pd.DataFrame:
        """The sentence table (see the class docstring); built or read on first use."""
        if callable(self._sentences):
            self._sentences = self._sentences()
        return self._sentences

    def __repr__(self) -> str:
        src = ", from cache" if self.from_cache else ""
        n_sent = len(self._sentences) if hasattr(self._sentences, "__len__") else len(self.sentences)
        return (
            f"<Tokens: {len(self.frame):,} tokens, {n_sent:,} sentences, "
            f"{int(self.docs['n_paragraphs'].sum()):,} paragraphs, {len(self.docs):,} documents "
            f"(hyphens={self.options.get('hyphens')!r}{src})>"
        )

    @property
    def doc_ids(self) -> list[str]:
        return list(self.docs["doc_id"])

    def paragraph_texts(self) -> pd.DataFrame:
        """``doc_id, paragraph, n_tokens, text``: every paragraph, in corpus order.

        Built on first use from the documents (the texts are shared with the
        corpus, not copied until then) and kept; read from the cache when the
        table came from the cache.
        """
        if callable(self._paragraphs):
            self._paragraphs = self._paragraphs()
        return self._paragraphs

    def actors(self) -> pd.DataFrame:
        """One row per actor mention: ``doc_id, paragraph, sentence, position, actor, surface``."""
        f = self.frame
        m = codes_view(f["actor"]) != _cat_code(f["actor"], "")
        out = f.loc[m, ["doc_id", "paragraph", "sentence", "position", "actor", "token"]]
        out = out.rename(columns={"token": "surface"}).reset_index(drop=True)
        out["actor"] = out["actor"].cat.remove_unused_categories()
        out["surface"] = out["surface"].cat.remove_unused_categories()
        return out

    # -- units and bags -------------------------------------------------------
    def _unit_index(self, unit: str) -> tuple[pd.DataFrame, np.ndarray]:
        """The unit table and, per token, the row of its unit in that table."""
        if unit not in _UNITS:
            raise ParameterError(f"unit must be one of {list(_UNITS)}, not {unit!r}.")
        f = self.frame
        dcode = codes_view(f["doc_id"]).astype(np.int64)
        n_docs = len(self.docs)
        ids = self.docs["doc_id"].astype(object).to_numpy()
        if unit == "document":
            counts = np.bincount(dcode, minlength=n_docs)
            units = pd.DataFrame(
                {
                    "unit_id": ids,
                    "doc_id": pd.Categorical.from_codes(np.arange(n_docs), dtype=f["doc_id"].dtype),
                    "paragraph": np.full(n_docs, -1, np.int32),
                    "sentence": np.full(n_docs, -1, np.int32),
                    "n_tokens": counts.astype(np.int64),
                }
            )
            return units, dcode
        table = self.paragraph_texts() if unit == "paragraph" else self.sentences
        col = "paragraph" if unit == "paragraph" else "sentence"
        tcode = codes_view(table["doc_id"]).astype(np.int64)
        per_doc = np.bincount(tcode, minlength=n_docs)
        offset = np.cumsum(per_doc) - per_doc
        local = f[col].to_numpy().astype(np.int64)
        idx = offset[dcode] + local
        counts = np.bincount(idx, minlength=len(table))
        tdoc = ids[tcode]
        tnum = table[col].to_numpy()
        if unit == "paragraph":
            uid = [f"{d}/p{p:04d}" for d, p in zip(tdoc.tolist(), tnum.tolist())]
            par = tnum.astype(np.int32)
            sen = np.full(len(table), -1, np.int32)
        else:
            uid = [f"{d}/s{s:05d}" for d, s in zip(tdoc.tolist(), tnum.tolist())]
            par = table["paragraph"].to_numpy().astype(np.int32)
            sen = tnum.astype(np.int32)
        units = pd.DataFrame(
            {
                "unit_id": np.array(uid, dtype=object),
                "doc_id": table["doc_id"].to_numpy(),
                "paragraph": par,
                "sentence": sen,
                "n_tokens": counts.astype(np.int64),
            }
        )
        units["doc_id"] = pd.Categorical(units["doc_id"], dtype=f["doc_id"].dtype)
        return units, idx

    def units(self, unit: str = "paragraph") -> pd.DataFrame:
        """The units of ``unit`` ("document", "paragraph" or "sentence"), in corpus order.

        Columns ``unit_id, doc_id, paragraph, sentence, n_tokens`` (all tokens,
        before any filtering). Unit ids: ``doc_id`` for documents,
        ``f"{doc_id}/p{paragraph:04d}"`` for paragraphs and
        ``f"{doc_id}/s{sentence:05d}"`` for sentences; ``paragraph`` and
        ``sentence`` are -1 where they do not apply. Every paragraph and
        sentence is listed, also those with no tokens.
        """
        return self._unit_index(unit)[0]

    def _bag_arrays(self, unit, column, drop_stopwords, drop_punct):
        f = self.frame
        if column not in f.columns:
            raise ParameterError(f"column must be one of {list(f.columns)}, not {column!r}.")
        units, idx = self._unit_index(unit)
        keep = np.ones(len(f), dtype=bool)
        if drop_stopwords:
            keep &= ~f["is_stop"].to_numpy()
        if drop_punct:
            keep &= ~f["is_punct"].to_numpy()
        s = f[column]
        if isinstance(s.dtype, pd.CategoricalDtype):
            values = codes_view(s)[keep]
            lookup = np.asarray(s.cat.categories, dtype=object)
        else:
            values = s.to_numpy()[keep]
            lookup = None
        counts = np.bincount(idx[keep], minlength=len(units))
        bounds = np.concatenate([[0], np.cumsum(counts)])
        return units, values, lookup, bounds

    def bags(
        self,
        unit: str = "paragraph",
        column: str = "lemma",
        drop_stopwords: bool = True,
        drop_punct: bool = True,
    ) -> tuple[list[str], list[list]]:
        """``(unit_ids, token_lists)`` for every unit, in corpus order.

        ``column`` is the frame column to take (``lemma``, ``norm``,
        ``token`` …). Units left empty by the filters are kept (as ``[]``).
        """
        units, values, lookup, bounds = self._bag_arrays(unit, column, drop_stopwords, drop_punct)
        flat = (lookup[values] if lookup is not None else values).tolist()
        b = bounds.tolist()
        return units["unit_id"].tolist(), [flat[b[i]:b[i + 1]] for i in range(len(units))]

    def iter_bags(
        self,
        unit: str = "paragraph",
        column: str = "lemma",
        drop_stopwords: bool = True,
        drop_punct: bool = True,
    ) -> Iterator[tuple[str, list]]:
        """Like :meth:`bags`, as a generator of ``(unit_id, tokens)`` pairs."""
        units, values, lookup, bounds = self._bag_arrays(unit, column, drop_stopwords, drop_punct)
        b = bounds.tolist()
        for i, uid in enumerate(units["unit_id"].tolist()):
            v = values[b[i]:b[i + 1]]
            yield uid, (lookup[v] if lookup is not None else v).tolist()

    # -- selection --------------------------------------------------------------
    def select(self, doc_ids: Iterable[str]) -> "Tokens":
        """A new :class:`Tokens` with only these documents (kept in corpus order).

        Ids that are not in the table are ignored, as in ``Corpus.select``.
        ``corpus_hash`` becomes a hash of the parent hash and the selected ids.
        """
        if isinstance(doc_ids, str):
            doc_ids = [doc_ids]
        wanted = set(doc_ids)
        keep_ids = [d for d in self.docs["doc_id"].tolist() if d in wanted]
        dtype = pd.CategoricalDtype(keep_ids, ordered=False)

        def restrict(df: pd.DataFrame) -> pd.DataFrame:
            cats = df["doc_id"].cat.categories
            mapping = np.full(len(cats) + 1, -1, dtype=np.int64)
            for i, d in enumerate(keep_ids):
                mapping[cats.get_loc(d)] = i
            old = codes_view(df["doc_id"])  # no copy of the column
            rows = np.flatnonzero((mapping >= 0)[old])
            out = df.iloc[rows].reset_index(drop=True)
            out["doc_id"] = pd.Categorical.from_codes(mapping[old[rows]], dtype=dtype)
            return out

        docs = self.docs[self.docs["doc_id"].isin(keep_ids)].reset_index(drop=True)

        def lazy(src):  # a table not built yet is restricted when first used
            return (lambda: restrict(src())) if callable(src) else restrict(src)

        # The sentence and paragraph tables are restricted when first used if they are
        # not built yet (building them for a few documents would cost the whole corpus' text).
        tag = "select:" + hashlib.sha256("\x1f".join(keep_ids).encode()).hexdigest()
        return self.derive(restrict(self.frame), tag=tag, docs=docs, sentences=lazy(self._sentences),
                           paragraphs=lazy(self._paragraphs))

    def derive(self, frame: pd.DataFrame, *, tag: str, docs: pd.DataFrame | None = None,
               sentences=None, paragraphs=None) -> "Tokens":
        """A new :class:`Tokens` with another token ``frame`` (and, optionally, other tables).

        Used for every table derived from a tokenized corpus: a selection of
        documents (:meth:`select`), the authors' own words without quotations
        (:func:`corpus_tools.compare.authorial_tokens`). The tables not given
        are shared with this one. ``tag`` names the derivation: the new
        ``corpus_hash`` is a hash of this table's hash and the tag, so a
        result cached for the full table is never served for the derived one.
        ``options["derived"]`` lists the tags, oldest first.
        """
        h = hashlib.sha256(f"{self.corpus_hash}\x1f{tag}".encode("utf-8")).hexdigest()
        opts = dict(self.options)
        opts["derived"] = [*opts.get("derived", []), tag]
        return Tokens(
            frame,
            self._sentences if sentences is None else sentences,
            self.docs if docs is None else docs,
            self._paragraphs if paragraphs is None else paragraphs,
            corpus_hash=h,
            options=opts,
            from_cache=False,
        )


# ---------------------------------------------------------------------------
# Column helpers for the analyses (counting over the token table)
# ---------------------------------------------------------------------------
#: The columns of :attr:`Tokens.frame`, in order.
FRAME_COLUMNS = ("doc_id", "paragraph", "sentence", "position", "start", "end", "token", "norm",
                 "lemma", "compound", "is_stop", "is_punct", "is_negation", "is_hedge", "actor")
#: The columns every analysis may rely on.
REQUIRED_COLUMNS = ("doc_id", "paragraph", "sentence", "position", "start", "end", "token", "norm",
                    "lemma", "is_stop", "is_punct")


def token_frame(tokens, *, column: str | None = None) -> pd.DataFrame:
    """The token DataFrame of a :class:`Tokens` object, checked for the columns analyses use.

    ``column`` (a term column an analysis was asked to count) must exist too.
    Raises :class:`ParameterError` for anything that is not a token table
    made by :func:`tokenize` (or derived from one), naming what is missing.
    """
    frame = getattr(tokens, "frame", None)
    if not isinstance(frame, pd.DataFrame) or not hasattr(tokens, "docs"):
        raise ParameterError(
            f"expected the Tokens table made by corpus_tools.tokenize(corpus), got {type(tokens).__name__}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ParameterError(f"the token table lacks columns {missing}; re-run tokenize()")
    if column is not None and column not in frame.columns:
        raise ParameterError(f"column={column!r} is not a token column; use 'lemma', 'norm' or 'token'")
    return frame
def codes_view(s: pd.Series) -> np.ndarray:
    """The codes of a categorical Series, as a read-only view.

    ``s.cat.codes`` builds a new Series, and under pandas' copy-on-write a
    Series made from an array copies it: one full copy of the column per
    call, which on a table of tens of millions of tokens is 35-140 MB each.
    """
    return s.array.codes


def column_codes(series: pd.Series, *, wide: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and their labels (as str), using the categorical codes when present.

    The token table of a large corpus has tens of millions of rows; working
    on codes keeps every count a numpy ``bincount`` or pandas group-by.
    ``wide=False`` returns the categorical codes as they are stored (a
    read-only view, int8/int16/int32) instead of an int64 copy.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = codes_view(series)
        return (codes.astype(np.int64) if wide else codes), series.cat.categories.astype(str).to_numpy(object)
    codes, uniques = pd.factorize(series, sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=str).astype(object)


#: Rows per slice when counting over the token table (:func:`bincount_rows`).
CHUNK_ROWS = 1 << 22


def bincount_rows(x: np.ndarray, minlength: int, mask: np.ndarray | None = None) -> np.ndarray:
    """``np.bincount(x[mask], minlength=minlength)``, by slices of the rows.

    ``np.bincount`` first copies its input to int64; over a table of tens of
    millions of tokens that copy (and the masked one before it) costs hundreds
    of MB. The counts are integers, so summing them slice by slice is exact.
    """
    out = np.zeros(minlength, dtype=np.int64)
    for a in range(0, len(x), CHUNK_ROWS):
        part = x[a:a + CHUNK_ROWS]
        if mask is not None:
            part = part[mask[a:a + CHUNK_ROWS]]
        c = np.bincount(part, minlength=minlength)
        if len(c) > len(out):  # pragma: no cover - codes beyond minlength, as np.bincount allows
            c[:len(out)] += out
            out = c
        else:
            out[:len(c)] += c
    return out


def bool_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column as a numpy array (a view for the token table's flags; NA counts as False)."""
    s = frame[column]
    if s.dtype == bool:  # the token table's flags: a view, no NA scan
        return s.to_numpy()
    return s.to_numpy(dtype=bool, na_value=False)


def _cat_code(s: pd.Series, value) -> int:
    cats = s.cat.categories
    try:
        return int(cats.get_loc(value))
    except KeyError:
        return -2


# ---------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------
_TABLES = ("tokens", "categories", "sentences", "paragraphs", "docs")
_CATEGORICAL = ("doc_id", "token", "norm", "lemma", "compound", "actor")


def _cache_root(cache) -> Path | None:
    if cache is True:
        return config.cache_dir() / "tokens"
    if cache is False or cache is None:
        return None
    if isinstance(cache, (str, os.PathLike)):
        return Path(cache)
    raise ParameterError(f"cache must be True, False or a folder path, not {cache!r}.")


def _write_table(columns: Mapping[str, object], path: Path, *, compression="lz4") -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(dict(columns))
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression=compression), durable=False)
    return table.num_rows


def _read_table(path: Path, rows: int):
    import pyarrow.parquet as pq

    table = pq.read_table(path, memory_map=True)
    if table.num_rows != rows:
        raise ValueError(f"{table.num_rows} rows where the sidecar says {rows}")
    return table


def _tc_varint(out: bytearray, n: int) -> None:
    while True:
        if n < 0x80:
            out.append(n)
            return
        out.append((n & 0x7F) | 0x80)
        n >>= 7


class _ThriftOut:
    """A minimal Thrift compact-protocol writer (the subset a parquet footer needs)."""

    def __init__(self):
        self.buf = bytearray()
        self._last = [0]

    def _field(self, fid: int, ftype: int) -> None:
        delta = fid - self._last[-1]
        if 0 < delta <= 15:
            self.buf.append((delta << 4) | ftype)
        else:
            self.buf.append(ftype)
            _tc_varint(self.buf, (fid << 1) ^ (fid >> 63))
        self._last[-1] = fid

    def int(self, fid: int, value: int, ftype: int = 5) -> "_ThriftOut":  # 5 = i32, 6 = i64
        self._field(fid, ftype)
        _tc_varint(self.buf, (value << 1) ^ (value >> 63))
        return self

    def string(self, fid: int, value: str) -> "_ThriftOut":
        raw = value.encode("utf-8")
        self._field(fid, 8)
        _tc_varint(self.buf, len(raw))
        self.buf += raw
        return self

    def begin(self, fid: int) -> "_ThriftOut":
        self._field(fid, 12)
        self._last.append(0)
        return self

    def end(self) -> "_ThriftOut":
        self.buf.append(0)
        self._last.pop()
        return self

    def list(self, fid: int, etype: int, n: int) -> "_ThriftOut":
        self._field(fid, 9)
        if n < 15:
            self.buf.append((n << 4) | etype)
        else:
            self.buf.append(0xF0 | etype)
            _tc_varint(self.buf, n)
        return self

    def item(self) -> "_ThriftOut":  # a struct element of a list
        self._last.append(0)
        return self

    def ints(self, values) -> "_ThriftOut":  # the elements of a list<i32>
        for v in values:
            _tc_varint(self.buf, (v << 1) ^ (v >> 63))
        return self

    def strings(self, values) -> "_ThriftOut":  # the elements of a list<string>
        for v in values:
            raw = v.encode("utf-8")
            _tc_varint(self.buf, len(raw))
            self.buf += raw
        return self


#: parquet physical types (parquet.thrift ``Type``)
_PQ_BOOLEAN, _PQ_INT32, _PQ_FIXED = 0, 1, 7


def _column_bytes(arr: np.ndarray) -> tuple[int, int, np.ndarray]:
    """``(physical type, fixed width, PLAIN-encoded bytes)`` of one column, no copy but for booleans."""
    arr = np.ascontiguousarray(arr)
    if arr.dtype == bool:  # PLAIN booleans: bit-packed, least significant bit first
        return _PQ_BOOLEAN, 0, np.packbits(arr, bitorder="little")
    if arr.dtype in (np.int8, np.int16):  # raw little-endian bytes, 1 or 2 per value
        return _PQ_FIXED, arr.dtype.itemsize, arr.astype(arr.dtype.newbyteorder("<"), copy=False).view(np.uint8)
    return _PQ_INT32, 0, arr.astype(np.int32, copy=False).astype("<i4", copy=False).view(np.uint8)


def _write_columns(columns: Mapping[str, np.ndarray], path: Path) -> int:
    """A parquet file laid out for zero-copy reading (see :func:`_map_columns`).

    Required (non-null) INT32, BOOLEAN and, for int8/int16 arrays such as
    small categorical codes, FIXED_LEN_BYTE_ARRAY(1 or 2) columns (the raw
    little-endian bytes); PLAIN encoding, no compression, one row group and
    one data page per column: each column's values are one contiguous run of
    bytes in the file.

    The file is written here, column by column, straight from the arrays
    (page header, values, then the footer), not through pyarrow: its writer
    buffers a whole row group, which for tens of millions of tokens meant a
    second copy of the table (~1 GB) while writing. pyarrow reads these
    files like its own (a test checks this).
    """
    n = len(next(iter(columns.values())))
    if n == 0 or n * 4 >= 2**31:  # nothing to map / beyond one page: pyarrow's layout
        return _write_columns_arrow(columns, path)

    def write(tmp) -> None:
        chunks = []  # (name, type, width, offset, header + data size)
        with open(tmp, "wb") as fh:
            fh.write(b"PAR1")
            pos = 4
            for name, arr in columns.items():
                if len(arr) != n:
                    raise ValueError(f"column {name!r} has {len(arr)} rows, not {n}")
                typ, width, data = _column_bytes(arr)
                nbytes = len(data)
                head = _ThriftOut()
                head.int(1, 0).int(2, nbytes).int(3, nbytes)  # DATA_PAGE, sizes
                head.begin(5).int(1, n).int(2, 0).int(3, 3).int(4, 3).end()  # n values, PLAIN, RLE levels
                head.buf.append(0)
                fh.write(head.buf)
                fh.write(data)
                del data
                chunks.append((name, typ, width, pos, len(head.buf) + nbytes))
                pos += len(head.buf) + nbytes
            md = _ThriftOut()
            md.int(1, 2)  # format version
            md.list(2, 12, len(chunks) + 1)
            md.item().string(4, "schema").int(5, len(chunks)).end()
            for name, typ, width, _, _ in chunks:
                md.item().int(1, typ)
                if typ == _PQ_FIXED:
                    md.int(2, width)
                md.int(3, 0).string(4, name).end()  # REQUIRED
            md.int(3, n, 6)
            md.list(4, 12, 1).item()  # one row group
            md.list(1, 12, len(chunks))
            for name, typ, _, offset, size in chunks:
                md.item().int(2, 0, 6).begin(3)
                md.int(1, typ).list(2, 5, 1).ints([0]).list(3, 8, 1).strings([name])
                md.int(4, 0).int(5, n, 6).int(6, size, 6).int(7, size, 6).int(9, offset, 6)
                md.end().end()
            md.int(2, sum(c[4] for c in chunks), 6).int(3, n, 6).end()
            md.string(6, "corpus_tools")
            md.buf.append(0)
            fh.write(md.buf)
            fh.write(len(md.buf).to_bytes(4, "little"))
            fh.write(b"PAR1")

    atomic_write(path, write, durable=False)
    return n


def _write_columns_arrow(columns: Mapping[str, np.ndarray], path: Path) -> int:
    """The layout of :func:`_write_columns`, written by pyarrow (empty or very large tables).

    Required (non-null) INT32, BOOLEAN and, for int8/int16 arrays such as
    small categorical codes, FIXED_LEN_BYTE_ARRAY(1 or 2) columns (the raw
    little-endian bytes); PLAIN encoding, no compression, one row group and
    one data page per column: each column's values are one contiguous run of
    bytes in the file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(next(iter(columns.values())))
    fields, arrays = [], []
    for name, arr in columns.items():
        arr = np.ascontiguousarray(arr)
        if arr.dtype == bool:
            typ, parr = pa.bool_(), pa.array(arr, type=pa.bool_())
        elif arr.dtype in (np.int8, np.int16):  # raw little-endian bytes, 1 or 2 per value
            arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
            typ = pa.binary(arr.dtype.itemsize)
            parr = pa.FixedSizeBinaryArray.from_buffers(typ, len(arr), [None, pa.py_buffer(arr)])
        else:
            typ, parr = pa.int32(), pa.array(arr.astype(np.int32, copy=False), type=pa.int32())
        fields.append(pa.field(name, typ, nullable=False))
        arrays.append(parr)
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    rows = max(n, 1)
    atomic_write(
        path,
        lambda tmp: pq.write_table(
            table, tmp, compression="none", use_dictionary=False, write_statistics=False,
            row_group_size=rows, max_rows_per_page=rows, data_page_size=2**31 - 1,
            data_page_version="1.0",
        ),
    )
    return n


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _thrift_value(buf: bytes, pos: int, ftype: int):
    """Read one Thrift compact-protocol value (ints and structs kept, others skipped)."""
    if ftype in (1, 2):
        return ftype == 1, pos
    if ftype == 3:
        return buf[pos], pos + 1
    if ftype in (4, 5, 6):
        v, pos = _varint(buf, pos)
        return (v >> 1) ^ -(v & 1), pos
    if ftype == 7:
        return None, pos + 8
    if ftype == 8:
        ln, pos = _varint(buf, pos)
        return None, pos + ln
    if ftype in (9, 10):
        head = buf[pos]
        pos += 1
        size, etype = head >> 4, head & 0x0F
        if size == 15:
            size, pos = _varint(buf, pos)
        for _ in range(size):
            _, pos = _thrift_value(buf, pos, etype)
        return None, pos
    if ftype == 11:
        size, pos = _varint(buf, pos)
        if size:
            kv = buf[pos]
            pos += 1
            for _ in range(size):
                _, pos = _thrift_value(buf, pos, kv >> 4)
                _, pos = _thrift_value(buf, pos, kv & 0x0F)
        return None, pos
    if ftype == 12:
        return _thrift_struct(buf, pos)
    raise ValueError(f"unknown thrift type {ftype}")


def _thrift_struct(buf: bytes, pos: int) -> tuple[dict, int]:
    fields: dict[int, object] = {}
    last = 0
    while True:
        head = buf[pos]
        pos += 1
        if head == 0:
            return fields, pos
        ftype, delta = head & 0x0F, head >> 4
        if delta:
            fid = last + delta
        else:
            v, pos = _varint(buf, pos)
            fid = (v >> 1) ^ -(v & 1)
        last = fid
        fields[fid], pos = _thrift_value(buf, pos, ftype)


def _map_columns(path: Path, rows: int) -> dict[str, np.ndarray]:
    """The columns of a :func:`_write_columns` file, memory-mapped where possible.

    For each column the footer metadata and the data page header (parsed
    here) must say: one PLAIN, uncompressed data page holding exactly
    ``rows`` values. Then the values are mapped straight from the file
    (``np.memmap``, copy-on-write: no read, no copy; pages come from the OS
    file cache when used); booleans are unpacked from their bits. Any other
    layout is read with pyarrow instead. Raises for an unreadable file.
    """
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    md = pf.metadata
    if md.num_rows != rows:
        raise ValueError(f"{md.num_rows} rows where the sidecar says {rows}")
    out: dict[str, np.ndarray] = {}
    fallback: list[str] = []
    if md.num_row_groups != 1 or rows == 0:
        fallback = [md.schema.column(i).name for i in range(md.num_columns)]
    else:
        rg = md.row_group(0)
        with open(path, "rb") as fh:
            for i in range(md.num_columns):
                cc = rg.column(i)
                name = cc.path_in_schema
                typ = cc.physical_type
                width = md.schema.column(i).length if typ == "FIXED_LEN_BYTE_ARRAY" else 0
                nbytes = (
                    rows * 4 if typ == "INT32" else (rows + 7) // 8 if typ == "BOOLEAN"
                    else rows * width if width in (1, 2) else -1
                )
                hdr_len = cc.total_compressed_size - nbytes
                ok = (
                    nbytes > 0 and cc.compression == "UNCOMPRESSED" and cc.num_values == rows
                    and cc.dictionary_page_offset is None and 0 < hdr_len <= 1024
                )
                if ok:
                    fh.seek(cc.data_page_offset)
                    head = fh.read(hdr_len)
                    try:
                        ph, used = _thrift_struct(head, 0)
                    except (IndexError, ValueError):
                        ph, used = {}, -1
                    dph = ph.get(5) if isinstance(ph.get(5), dict) else {}
                    ok = (
                        used == hdr_len and ph.get(1) == 0 and ph.get(2) == nbytes
                        and ph.get(3) == nbytes and dph.get(1) == rows and dph.get(2) == 0
                    )
                if not ok:
                    fallback.append(name)
                    continue
                offset = cc.data_page_offset + hdr_len
                if typ != "BOOLEAN":  # a plain ndarray view; the mapping lives as its base
                    dt = {1: "i1", 2: "<i2"}.get(width, "<i4")
                    out[name] = np.memmap(path, dtype=dt, mode="c", offset=offset, shape=(rows,)).view(np.ndarray)
                else:
                    bits = np.memmap(path, dtype=np.uint8, mode="r", offset=offset, shape=(nbytes,))
                    out[name] = np.unpackbits(bits, count=rows, bitorder="little").view(bool)
    if fallback:
        import pyarrow as pa

        table = pf.read(columns=fallback)
        for name in fallback:
            col = table.column(name).combine_chunks()
            if pa.types.is_fixed_size_binary(col.type):
                dt = {1: np.int8, 2: np.dtype("<i2")}[col.type.byte_width]
                out[name] = np.frombuffer(col.buffers()[1], dtype=dt, count=len(col), offset=col.offset * col.type.byte_width).copy()
            else:
                out[name] = col.to_numpy(zero_copy_only=False)
    return out


def _cache_files(root: Path, stem: str) -> dict[str, Path]:
    files = {t: root / f"{stem}.{t}.parquet" for t in _TABLES}
    files["meta"] = root / f"{stem}.json"
    return files


def _cache_write(root: Path, stem: str, tokens: Tokens) -> None:
    """Store the tables; the token table as codes in a zero-copy layout.

    ``<key>.tokens.parquet`` holds every column of the token table, the
    categorical ones as integer codes, in the layout of :func:`_write_columns`;
    ``<key>.categories.parquet`` holds the categories of each categorical
    column in order, so codes and category order survive the round trip.
    """
    f = tokens.frame
    files = _cache_files(root, stem)
    rows = {}
    cols = {}
    for key in FRAME_COLUMNS:
        col = f[key]
        cols["doc" if key == "doc_id" else key] = codes_view(col) if key in _CATEGORICAL else col.to_numpy()
    rows["tokens"] = _write_columns(cols, files["tokens"])
    del cols
    kinds, values = [], []
    for key in _CATEGORICAL[1:]:
        cats = list(f[key].cat.categories)
        kinds += [key] * len(cats)
        values += cats
    rows["categories"] = _write_table({"kind": kinds, "value": values}, files["categories"])
    # Tables not built yet are built for the write and dropped after it, not kept
    # on ``tokens``: they cost about the corpus' text each, often never used.
    s = tokens._sentences() if callable(tokens._sentences) else tokens._sentences
    rows["sentences"] = _write_table(
        {
            "doc": codes_view(s["doc_id"]).astype(np.int32),
            **{k: s[k].to_numpy() for k in ("paragraph", "sentence", "start", "end", "n_tokens")},
            "text": s["text"].array.__arrow_array__(),
        },
        files["sentences"],
    )
    del s
    p = tokens._paragraphs() if callable(tokens._paragraphs) else tokens._paragraphs
    rows["paragraphs"] = _write_table(
        {
            "doc": codes_view(p["doc_id"]).astype(np.int32),
            "paragraph": p["paragraph"].to_numpy(),
            "n_tokens": p["n_tokens"].to_numpy(),
            "text": p["text"].array.__arrow_array__(),
        },
        files["paragraphs"],
    )
    del p
    atomic_write(files["docs"], lambda tmp: tokens.docs.to_parquet(tmp, index=False), durable=False)
    rows["docs"] = len(tokens.docs)
    meta = {
        "key": stem,
        "corpus_hash": tokens.corpus_hash,
        "options": tokens.options,
        "rows": rows,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    atomic_write(
        files["meta"],
        lambda tmp: Path(tmp).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8"),
    )


def _cache_read(root: Path, stem: str) -> Tokens | None:
    """The cached :class:`Tokens`, or None (with a CorpusWarning if a file is corrupt)."""
    files = _cache_files(root, stem)
    if not files["meta"].exists():
        return None
    try:
        meta = json.loads(files["meta"].read_text(encoding="utf-8"))
        rows = {t: int(meta["rows"][t]) for t in _TABLES}
        meta["corpus_hash"], meta["options"]  # noqa: B018 - presence check
    except Exception as exc:
        _warn_corrupt(files["meta"], exc)
        return None
    import pyarrow.parquet as pq

    loaded = {}
    for t in ("categories", "docs", "sentences", "tokens", "paragraphs"):
        try:
            if t == "docs":
                loaded[t] = pd.read_parquet(files[t])
                if len(loaded[t]) != rows[t]:
                    raise ValueError(f"{len(loaded[t])} rows where the sidecar says {rows[t]}")
            elif t == "tokens":
                loaded[t] = _map_columns(files[t], rows[t])
            elif t in ("sentences", "paragraphs"):  # read on first use; check the file now
                if pq.ParquetFile(files[t]).metadata.num_rows != rows[t]:
                    raise ValueError("row count differs from the sidecar")
            else:
                loaded[t] = _read_table(files[t], rows[t])
        except Exception as exc:
            _warn_corrupt(files[t], exc)
            return None
    try:
        frame = _frame_from_cache(loaded)
    except Exception as exc:
        _warn_corrupt(files["tokens"], exc)
        return None
    doc_cat = frame["doc_id"].cat.categories

    def read(t: str):
        try:
            return _read_table(files[t], rows[t])
        except Exception as exc:
            raise CorpusError(
                f"{files[t]}: token cache file is corrupt or unreadable ({exc}); delete it and "
                f"tokenize again."
            ) from None

    def sentences() -> pd.DataFrame:
        s = read("sentences")
        return pd.DataFrame(
            {
                "doc_id": _cat(_arrow_np(s, "doc").astype(_code_dtype(len(doc_cat))), doc_cat),
                **{k: _arrow_np(s, k) for k in ("paragraph", "sentence", "start", "end", "n_tokens")},
                "text": _str_series([s.column("text").combine_chunks()]),
            },
            copy=False,
        )

    def paragraphs() -> pd.DataFrame:
        t = read("paragraphs")
        return pd.DataFrame(
            {
                "doc_id": _cat(_arrow_np(t, "doc").astype(_code_dtype(len(doc_cat))), doc_cat),
                "paragraph": _arrow_np(t, "paragraph"),
                "n_tokens": _arrow_np(t, "n_tokens"),
                "text": _str_series([t.column("text").combine_chunks()]),
            },
            copy=False,
        )

    return Tokens(
        frame,
        _Lazy(rows["sentences"], sentences),
        loaded["docs"],
        paragraphs,
        corpus_hash=meta["corpus_hash"],
        options=meta["options"],
        from_cache=True,
    )


def _frame_from_cache(loaded):
    cols = loaded["tokens"]
    ct = loaded["categories"]
    kinds = ct.column("kind").to_numpy(zero_copy_only=False)
    values = ct.column("value").to_numpy(zero_copy_only=False)
    cats = {"doc_id": pd.Index(loaded["docs"]["doc_id"].astype(str).tolist(), dtype="str")}
    for key in _CATEGORICAL[1:]:
        cats[key] = pd.Index(values[kinds == key], dtype="str")
    data = {}
    for key in FRAME_COLUMNS:
        arr = cols["doc" if key == "doc_id" else key]
        if key in cats:
            n_cats = len(cats[key])
            # codes must index the categories; negative codes show as huge unsigned values
            if len(arr) and arr.view(arr.dtype.str.replace("i", "u")).max() >= n_cats:
                raise ValueError(f"codes of {key!r} out of range")
            data[key] = _cat(arr.astype(_code_dtype(n_cats), copy=False), cats[key])
        else:
            data[key] = arr
    return pd.DataFrame(data, copy=False)


def _arrow_np(table, name: str) -> np.ndarray:
    """A column of an Arrow table as numpy (no copy when it is one chunk)."""
    col = table.column(name)
    if col.num_chunks == 1:
        return col.chunk(0).to_numpy(zero_copy_only=False)
    return col.to_numpy()


def _warn_corrupt(path: Path, why) -> None:
    warnings.warn(
        f"{path}: token cache file is corrupt or unreadable ({why}); rebuilding it.",
        CorpusWarning,
        stacklevel=4,
    )


# ---------------------------------------------------------------------------
# tokenize()
# ---------------------------------------------------------------------------
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
    """Tokenize a corpus into a :class:`Tokens` table (cached as parquet).

    Parameters
    ----------
    corpus
        A :class:`~corpus_tools.corpus.Corpus`.
    n_jobs
        Worker processes (``-1``: one per core). Documents are cut into
        contiguous blocks tokenized in parallel and concatenated in order; the
        result is identical to ``n_jobs=1``.
    cache
        ``True``: ``config.cache_dir() / "tokens"`` (read at call time, so
        ``$CORPUS_TOOLS_CACHE_DIR`` applies); a path: that folder; ``False``:
        no cache. The key is the corpus content hash, these options, the
        package version, the tokenizer's code and the phrase/actor/stopword
        contents.
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
        from the corpus. Off by default.
    progress
        A tqdm progress bar: ``None`` shows it for more than 300 documents.

    Returns a :class:`Tokens` object; ``tokens.from_cache`` tells whether it
    was read from the cache.
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise ParameterError(f"n_jobs must be a positive integer or -1 (all cores), not {n_jobs!r}.")
    n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)
    cfg, opts = _make_config(lowercase_stopwords, extra_stopwords, keep_stopwords, phrases, actors, hyphens)
    if learned_phrases and not isinstance(learned_phrases, (bool, Mapping)):
        raise ParameterError("learned_phrases must be True/False or a dict of gensim Phrases arguments.")
    opts["learned_phrases"] = dict(learned_phrases) if isinstance(learned_phrases, Mapping) else bool(learned_phrases)
    opts["version"] = _version()
    opts["schema"] = SCHEMA_VERSION
    corpus_hash = corpus.content_hash()
    root = _cache_root(cache)
    if root is None:
        return _build(corpus, cfg, opts, corpus_hash, n_jobs, progress, learned_phrases)
    key_src = json.dumps({"corpus": corpus_hash, "options": opts, "code": _code_hash()}, sort_keys=True)
    stem = hashlib.sha256(key_src.encode()).hexdigest()[:32]
    cached = _cache_read(root, stem) if root.exists() else None
    if cached is not None:
        return cached
    from filelock import FileLock

    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(root / f"{stem}.lock"))
        lock.acquire()
    except OSError as exc:
        _warn_unwritable(root, exc)
        return _build(corpus, cfg, opts, corpus_hash, n_jobs, progress, learned_phrases)
    try:
        cached = _cache_read(root, stem)  # another process may have built it meanwhile
        if cached is not None:
            return cached
        tokens = _build(corpus, cfg, opts, corpus_hash, n_jobs, progress, learned_phrases)
        try:
            _cache_write(root, stem, tokens)
        except OSError as exc:
            _warn_unwritable(root, exc)
        return tokens
    finally:
        lock.release()


def _warn_unwritable(root: Path, exc: OSError) -> None:
    warnings.warn(
        f"{root}: cannot write the token cache ({exc.strerror or exc}); continuing without it. "
        f"Pass cache=False, another folder, or set CORPUS_TOOLS_CACHE_DIR.",
        CorpusWarning,
        stacklevel=3,
    )


def _build(corpus, cfg, opts, corpus_hash, n_jobs, progress, learned_phrases) -> Tokens:
    docs = corpus.documents
    frame, sentences, paragraphs, docs_frame = _tokenize_blocks(corpus, cfg, n_jobs, progress)
    if learned_phrases:
        extra = _learn_phrases(frame, cfg, learned_phrases)
        if extra:
            cfg = _Config(
                cfg.hyphens, cfg.phrases + tuple(extra), cfg.actors, cfg.stopwords,
                hashlib.sha256((cfg.key + json.dumps(extra)).encode()).hexdigest(),
            )
            frame, sentences, paragraphs, docs_frame = _tokenize_blocks(corpus, cfg, n_jobs, progress)
        opts = dict(opts, learned=[e for e, _ in extra])
    return Tokens(frame, sentences, docs_frame, paragraphs, corpus_hash=corpus_hash, options=opts)


def _learn_phrases(frame: pd.DataFrame, cfg: _Config, params) -> list[tuple[str, str]]:
    """Bigrams learned by gensim ``Phrases`` on the non-punctuation norms, per sentence."""
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
