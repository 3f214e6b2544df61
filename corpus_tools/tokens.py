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
One compiled regular expression (:data:`TOKEN_PATTERN`) makes a single pass
over the text. Every non-space character belongs to exactly one token (symbols
the pattern does not know become one-character punctuation tokens), so token
offsets come from the token lengths with numpy, not from a Python loop. Kept
as single tokens:

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

NLTK's Punkt with explicit ``PunktParameters(abbrev_types=...)`` is the
reference behaviour; it passes the same abbreviation cases but runs at a few
MB/s in pure Python (measured ~5 MB/s on the UN General Debates, while this
whole pipeline has to stay near 10 MB/s), so the token-based rule above is
used instead. See ``benchmarks/README.md``.

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
call time), keyed on the corpus content hash, the options, the package version
and a hash of the phrase, actor and stopword files. Writes go to a temporary
file in the same folder followed by ``os.replace`` under a file lock; a
corrupt file is reported with a :class:`CorpusWarning` naming it and rebuilt.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import os
import re
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import CorpusError, CorpusWarning, ParameterError

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

DATA_DIR = Path(__file__).resolve().parent / "data"
PHRASES_FILE = DATA_DIR / "phrases.txt"
ACTORS_FILE = DATA_DIR / "actors.csv"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"

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
def _read_text_file(path: Path, what: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the {what} file ({exc.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: the {what} file is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8."
        ) from None


def load_stopwords(path: str | os.PathLike | None = None) -> frozenset[str]:
    """The stopword list in ``path`` (default ``data/stopwords.txt``): one word a line."""
    text = _read_text_file(Path(path) if path else STOPWORDS_FILE, "stopword")
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
    for lineno, line in enumerate(_read_text_file(p, "phrase").splitlines(), 1):
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
    text = _read_text_file(p, "actor")
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


def _file_sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------
# Raw tokenization (regex pass, clitic/hyphen split)
# ---------------------------------------------------------------------------
def _raw_tokens(text: str, end: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Raw tokens of ``text[:end]`` with their start offsets and the whitespace mask.

    Every non-space character belongs to exactly one token and tokens contain
    no whitespace, so token ``k`` starts at the position of the ``c_k``-th
    non-space character, where ``c_k`` is the total length of the tokens before
    it: offsets come from numpy, not from a Python loop over matches.
    """
    toks = _TOKEN_RE.findall(text, 0, end)
    chars = np.frombuffer(text[:end].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ws = _WS_LUT[np.minimum(chars, _WS_LIMIT)]
    if not toks:
        return toks, np.zeros(0, np.int64), ws
    lens = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    nonws = np.flatnonzero(~ws)
    total = int(lens.sum())
    if total != len(nonws):  # cannot happen; keep a slow, certainly correct path
        spans = [m.span(1) for m in _TOKEN_RE.finditer(text, 0, end)]
        return toks, np.array([s for s, _ in spans], dtype=np.int64), ws
    cum = np.cumsum(lens) - lens
    return toks, nonws[cum], ws


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


class _Compiled:
    """Lookup tables for one configuration, with per-type caches."""

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
            hs = np.array([self._hash(k) for k in keys], dtype=np.int64)
            order = np.argsort(hs)
            self.hash_tables[L] = (hs[order], [table[keys[i]] for i in order])
        self.split_cache: dict[str, tuple] = {}
        self.class_cache: dict[str, int] = {}
        self.pkey_cache: dict[str, tuple[int, bool]] = {}
        self.type_cache: dict[str, tuple] = {}

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

    # -- per-type tables ----------------------------------------------------
    def split(self, s: str) -> tuple:
        r = self.split_cache.get(s)
        if r is None:
            r = self.split_cache[s] = _split_type(s, self.hyphens)
        return r

    def sentence_class(self, s: str) -> int:
        c = self.class_cache.get(s)
        if c is None:
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
            self.class_cache[s] = c
        return c

    def phrase_key(self, s: str) -> tuple[int, bool]:
        r = self.pkey_cache.get(s)
        if r is None:
            n = _norm(s)
            r = self.pkey_cache[s] = (self.word_id.get(n, 0), n in self.first_words)
        return r

    def type_info(self, s: str, canon: str | None) -> tuple[str, str, str, int]:
        """``(norm, lemma, actor, flags)`` of a token type."""
        if canon is None:
            r = self.type_cache.get(s)
            if r is not None:
                return r
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
        r = (norm, lemma, actor, flags)
        if canon is None or s not in self.type_cache:
            self.type_cache[s] = r
        return r


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
def _empty_block(n_docs: int, n_par: int) -> dict:
    z = np.zeros(0, np.int32)
    return {
        "vocab": [], "norm": [], "lemma": [], "actor": [], "flags": np.zeros(0, np.uint8),
        "tlen": z, "codes": z, "start": z, "comp_cats": [], "comp": z,
        "sent_start": z, "tok_per_par": np.zeros(n_par, np.int32),
        "tok_per_sent": z, "sent_par": z, "sent_s": z, "sent_e": z, "sent_text": [],
        "words_per_par": np.zeros(n_par, np.int64),
    }


def _block(paragraph_lists: Sequence[Sequence[str]], cfg: _Config) -> dict:
    """Tokenize a block of documents given as their paragraph tuples.

    Returns per-type tables (vocab in first-appearance order with norm, lemma,
    actor and flags), per-token codes/starts/compound codes, token counts per
    paragraph and sentence, and the sentence table. Offsets are relative to
    the paragraph. Paragraph and sentence ids are rebuilt by the caller from
    the counts, which keeps inter-process traffic small.
    """
    C = _compiled(cfg)
    paras = [p for ps in paragraph_lists for p in ps]
    n_par = len(paras)
    if n_par == 0:
        return _empty_block(len(paragraph_lists), 0)
    text = "\n".join(paras)
    plen = np.fromiter(map(len, paras), dtype=np.int64, count=n_par)
    pstart = np.zeros(n_par, np.int64)
    np.cumsum(plen[:-1] + 1, out=pstart[1:])
    end = len(text.rstrip())
    raw, starts, ws = _raw_tokens(text, end)

    # words per paragraph (str.split semantics) for Document.n_words
    run0 = ~ws
    run0[1:] &= ws[:-1]
    wpar = np.searchsorted(pstart, np.flatnonzero(run0), "right") - 1
    words_per_par = np.bincount(wpar, minlength=n_par).astype(np.int64)
    if not raw:
        out = _empty_block(len(paragraph_lists), n_par)
        out["words_per_par"] = words_per_par
        return out

    codes, uniq = pd.factorize(np.array(raw, dtype=object))
    del raw
    uniq = list(uniq)
    # --- clitic / hyphen split, per type --------------------------------------
    splits = [C.split(s) for s in uniq]
    nparts = np.fromiter(map(len, splits), dtype=np.int64, count=len(uniq))
    comp_cats = [""]
    comp_index: dict[str, int] = {"": 0}
    comp_of_type = np.zeros(len(uniq), np.int32)
    for i, s in enumerate(uniq):
        if _is_compound(s):
            cn = _norm(s)
            comp_of_type[i] = comp_index.setdefault(cn, len(comp_cats))
            if comp_index[cn] == len(comp_cats):
                comp_cats.append(cn)
    vocab_index: dict[str, int] = {}
    vocab: list[str] = []
    flat_codes, flat_rel = [], []
    for parts in splits:
        for rel, part in parts:
            j = vocab_index.get(part)
            if j is None:
                j = vocab_index[part] = len(vocab)
                vocab.append(part)
            flat_codes.append(j)
            flat_rel.append(rel)
    flat_codes = np.array(flat_codes, dtype=np.int64)
    flat_rel = np.array(flat_rel, dtype=np.int64)
    if (nparts == 1).all():
        pcodes = flat_codes[codes]
        pstarts = starts
        comp = comp_of_type[codes]
    else:
        rep = nparts[codes]
        total = int(rep.sum())
        first = np.repeat(np.cumsum(rep) - rep, rep)
        fi = np.repeat((np.cumsum(nparts) - nparts)[codes], rep) + (np.arange(total) - first)
        pcodes = flat_codes[fi]
        pstarts = np.repeat(starts, rep) + flat_rel[fi]
        comp = np.repeat(comp_of_type[codes], rep)
    del codes, starts
    vlen = np.fromiter(map(len, vocab), dtype=np.int64, count=len(vocab))
    pends = pstarts + vlen[pcodes]
    par = np.searchsorted(pstart, pstarts, "right") - 1

    # --- sentences --------------------------------------------------------------
    cls = np.fromiter(map(C.sentence_class, vocab), dtype=np.uint8, count=len(vocab))
    new_sent = _sentence_starts(cls[pcodes], pstarts, pends, par)
    sid = np.cumsum(new_sent) - 1

    # --- multiword expressions ------------------------------------------------
    merged_canon: dict[str, str] = {}
    if C.multi:
        pcodes, pstarts, pends, par, sid, comp, vocab, merged_canon = _merge_phrases(
            C, text, vocab, pcodes, pstarts, pends, par, sid, comp
        )

    # --- first-appearance order of types and compounds ---------------------------
    codes, order = pd.factorize(pcodes)
    vocab = [vocab[i] for i in order]
    comp, corder = pd.factorize(comp)
    comp_cats = [comp_cats[i] for i in corder]
    info = [C.type_info(s, merged_canon.get(s)) for s in vocab]
    norm, lemma, actor, flags = (list(x) for x in zip(*info))

    # --- counts and the sentence table -----------------------------------------------
    n_sent = int(sid[-1]) + 1
    tok_per_sent = np.bincount(sid, minlength=n_sent)
    sfirst = np.cumsum(tok_per_sent) - tok_per_sent
    slast = sfirst + tok_per_sent - 1
    sent_par = par[sfirst]
    gs, ge = pstarts[sfirst], pends[slast]
    sent_text = [text[a:b] for a, b in zip(gs.tolist(), ge.tolist())]
    base = pstart[sent_par]
    return {
        "vocab": vocab,
        "norm": norm,
        "lemma": lemma,
        "actor": actor,
        "flags": np.array(flags, dtype=np.uint8),
        "codes": codes.astype(np.int32),
        "start": (pstarts - pstart[par]).astype(np.int32),
        "comp_cats": comp_cats,
        "comp": comp.astype(np.int32),
        "tok_per_par": np.bincount(par, minlength=n_par).astype(np.int32),
        "tok_per_sent": tok_per_sent.astype(np.int32),
        "sent_par": sent_par.astype(np.int32),
        "sent_s": (gs - base).astype(np.int32),
        "sent_e": (ge - base).astype(np.int32),
        "sent_text": sent_text,
        "words_per_par": words_per_par,
    }


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


def _merge_phrases(C: _Compiled, text, vocab, codes, starts, ends, par, sid, comp):
    """Merge multiword expressions into single tokens (vectorised per phrase length)."""
    keys = np.array([C.phrase_key(s) for s in vocab], dtype=np.int64).reshape(-1, 2)
    wid = keys[:, 0][codes]
    cand = np.flatnonzero(keys[:, 1][codes] != 0)
    n = len(codes)
    if len(cand) == 0:
        return codes, starts, ends, par, sid, comp, vocab, {}
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
            h = (window * (C.base ** np.arange(L, dtype=np.int64))).sum(axis=1)
            pos = np.searchsorted(hs_table, h)
            pos = np.minimum(pos, len(hs_table) - 1)
            hit = hs_table[pos] == h
            ci = pos[hit]
        else:  # huge phrase vocabularies: exact tuple lookup
            table = C.by_len[L]
            found = [table.get(tuple(r)) for r in window.tolist()]
            hit = np.array([f is not None for f in found], dtype=bool)
            lookup = {cn: i for i, cn in enumerate(canons)}
            ci = np.array([lookup[f] for f in found if f is not None], dtype=np.int64)
        if not hit.any():
            continue
        mlen[ok[hit]] = L
        base = len(canon_list)
        canon_list.extend(canons)
        mcanon[ok[hit]] = ci + base
    sel = np.flatnonzero(mlen > 0)
    if len(sel) == 0:
        return codes, starts, ends, par, sid, comp, vocab, {}
    p, L, cn = cand[sel], mlen[sel], mcanon[sel]
    # overlapping matches: keep the leftmost, then the longest (already longest per start)
    if len(p) > 1 and (p[1:] < (p + L)[:-1]).any():
        keep_m = np.ones(len(p), dtype=bool)
        covered = -1
        for i, (a, b) in enumerate(zip(p.tolist(), (p + L).tolist())):
            if a < covered:
                keep_m[i] = False
            else:
                covered = b
        p, L, cn = p[keep_m], L[keep_m], cn[keep_m]
    delta = np.zeros(n + 1, dtype=np.int64)
    np.add.at(delta, p + 1, 1)
    np.add.at(delta, p + L, -1)
    keep = np.cumsum(delta[:n]) == 0
    new_end = ends[p + L - 1]
    surfaces = [text[a:b] for a, b in zip(starts[p].tolist(), new_end.tolist())]
    scodes, suniq = pd.factorize(np.array(surfaces, dtype=object))
    merged_canon = {}
    for s, c in zip(surfaces, cn.tolist()):
        merged_canon.setdefault(s, canon_list[c])
    vocab = list(vocab) + list(suniq)
    codes = codes.copy()
    ends = ends.copy()
    codes[p] = len(vocab) - len(suniq) + scodes
    ends[p] = new_end
    return (codes[keep], starts[keep], ends[keep], par[keep], sid[keep], comp[keep], vocab,
            merged_canon)


# ---------------------------------------------------------------------------
# Public helpers on single texts
# ---------------------------------------------------------------------------
def _text_tokens(text: str, hyphens: str = "split") -> tuple[list[str], np.ndarray, np.ndarray]:
    """Tokens of one text (clitics and, with "split", hyphens split off) and spans."""
    if hyphens not in ("split", "keep"):
        raise ParameterError(f"hyphens must be 'split' or 'keep', not {hyphens!r}")
    raw, starts, _ = _raw_tokens(text, len(text.rstrip()))
    toks, ss = [], []
    for s, a in zip(raw, starts.tolist()):
        for rel, part in _split_type(s, hyphens):
            toks.append(part)
            ss.append(a + rel)
    st = np.array(ss, dtype=np.int64)
    en = st + np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    return toks, st, en


def word_spans(text: str, hyphens: str = "split") -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the word tokens of ``text``.

    The same tokens as :func:`tokenize` before multiword expressions are
    merged: clitics split off ("China’s" -> "China", "’s"), hyphenated
    compounds split into their parts with ``hyphens="split"`` (the hyphen is
    not a token) or kept whole with ``hyphens="keep"``.
    """
    _, st, en = _text_tokens(text, hyphens)
    return list(zip(st.tolist(), en.tolist()))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the sentences of one paragraph.

    A sentence runs from its first token to the end of its last token
    (closing quotes included), so leading and trailing spaces are outside.
    Line breaks inside ``text`` are not boundaries. The rules are in the
    module docstring (abbreviations, initials, quotations).
    """
    toks, st, en = _text_tokens(text, "split")
    if not toks:
        return []
    C = _compiled(_default_config())
    tc = np.fromiter(map(C.sentence_class, toks), dtype=np.uint8, count=len(toks))
    new = _sentence_starts(tc, st, en, np.zeros(len(toks), np.int64))
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
_DEFAULT_CFG: _Config | None = None


def _default_config() -> _Config:
    global _DEFAULT_CFG
    if _DEFAULT_CFG is None:
        _DEFAULT_CFG = _make_config(None, (), (), None, None, "split")[0]
    return _DEFAULT_CFG


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
    import corpus_tools

    return getattr(corpus_tools, "__version__", "0")


# ---------------------------------------------------------------------------
# Building the tables
# ---------------------------------------------------------------------------
_TARGET_CHUNK_CHARS = 2_000_000


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


def _run_blocks(docs, cfg, n_jobs, progress) -> list[dict]:
    ranges = _chunks(docs, n_jobs)
    payloads = [[d.paragraphs for d in docs[a:b]] for a, b in ranges]
    show = len(docs) > 300 if progress is None else bool(progress)
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(docs), desc="tokenize", unit="doc")
    results: list[dict] = []
    try:
        if n_jobs == 1 or len(payloads) == 1:
            for (a, b), p in zip(ranges, payloads):
                results.append(_block(p, cfg))
                if bar is not None:
                    bar.update(b - a)
        else:
            with ProcessPoolExecutor(max_workers=min(n_jobs, len(payloads))) as ex:
                for (a, b), r in zip(ranges, ex.map(_block, payloads, itertools.repeat(cfg))):
                    results.append(r)
                    if bar is not None:
                        bar.update(b - a)
    finally:
        if bar is not None:
            bar.close()
    return results


def _concat_obj(lists) -> np.ndarray:
    out = list(itertools.chain.from_iterable(lists))
    arr = np.empty(len(out), dtype=object)
    arr[:] = out
    return arr


def _str_array(values) -> pd.Series:
    return pd.Series(values, dtype="str")


def _assemble(corpus, blocks: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    docs = corpus.documents
    doc_ids = [d.doc_id for d in docs]
    n_docs = len(docs)
    n_par_doc = np.array([len(d.paragraphs) for d in docs], dtype=np.int64)
    n_par = int(n_par_doc.sum())
    doc_of_par = np.repeat(np.arange(n_docs, dtype=np.int32), n_par_doc)
    par_local = (np.arange(n_par) - np.repeat(np.cumsum(n_par_doc) - n_par_doc, n_par_doc)).astype(np.int32)
    doc_cat = pd.CategoricalDtype(doc_ids, ordered=False)

    # ---- token types: union in first-appearance order
    vocab_all = _concat_obj(b["vocab"] for b in blocks)
    gidx, U = pd.factorize(vocab_all) if len(vocab_all) else (np.zeros(0, np.int64), np.array([], dtype=object))
    _, first_pos = np.unique(gidx, return_index=True)
    norm_t = _concat_obj(b["norm"] for b in blocks)[first_pos]
    lemma_t = _concat_obj(b["lemma"] for b in blocks)[first_pos]
    actor_t = _concat_obj(b["actor"] for b in blocks)[first_pos]
    flags_t = np.concatenate([b["flags"] for b in blocks])[first_pos] if len(first_pos) else np.zeros(0, np.uint8)
    tlen_t = np.fromiter(map(len, U), dtype=np.int32, count=len(U))
    comp_all = _concat_obj(b["comp_cats"] for b in blocks)
    cidx, CU = pd.factorize(comp_all) if len(comp_all) else (np.zeros(0, np.int64), np.array([""], dtype=object))
    codes_parts, comp_parts = [], []
    voff = coff = 0
    for b in blocks:
        remap = gidx[voff:voff + len(b["vocab"])].astype(np.int32)
        codes_parts.append(remap[b["codes"]])
        voff += len(b["vocab"])
        cremap = cidx[coff:coff + len(b["comp_cats"])].astype(np.int32)
        comp_parts.append(cremap[b["comp"]])
        coff += len(b["comp_cats"])
    gcodes = np.concatenate(codes_parts) if codes_parts else np.zeros(0, np.int32)
    n = len(gcodes)

    # ---- structure from counts
    tok_per_par = np.concatenate([b["tok_per_par"] for b in blocks]).astype(np.int64)
    assert len(tok_per_par) == n_par
    doc_code = np.repeat(doc_of_par, tok_per_par)
    paragraph = np.repeat(par_local, tok_per_par)
    tok_per_doc = np.bincount(doc_code, minlength=n_docs)
    position = (np.arange(n, dtype=np.int64) - np.repeat(np.cumsum(tok_per_doc) - tok_per_doc, tok_per_doc)).astype(np.int32)
    # sentences
    par_offsets = np.cumsum([0] + [len(b["tok_per_par"]) for b in blocks])[:-1]
    sent_gpar = np.concatenate(
        [b["sent_par"].astype(np.int64) + o for b, o in zip(blocks, par_offsets)]
    ) if blocks else np.zeros(0, np.int64)
    sent_doc = doc_of_par[sent_gpar]
    n_sent_doc = np.bincount(sent_doc, minlength=n_docs)
    sent_idx = (np.arange(len(sent_gpar)) - np.repeat(np.cumsum(n_sent_doc) - n_sent_doc, n_sent_doc)).astype(np.int32)
    tok_per_sent = np.concatenate([b["tok_per_sent"] for b in blocks]).astype(np.int64)
    sentence = np.repeat(sent_idx, tok_per_sent)
    sent_first = np.zeros(n, dtype=bool)
    sent_first[np.cumsum(tok_per_sent) - tok_per_sent] = True

    start = np.concatenate([b["start"] for b in blocks]) if blocks else np.zeros(0, np.int32)
    end = start + tlen_t[gcodes]
    f = flags_t[gcodes]
    hedge = ((f & _F_HEDGE) != 0) & ~(((f & _F_MAY) != 0) & ~sent_first)

    def cat(codes_per_type, values_t):
        vc, vu = pd.factorize(values_t) if len(values_t) else (np.zeros(0, np.int64), np.array([], dtype=object))
        return pd.Categorical.from_codes(vc.astype(np.int32)[gcodes], categories=pd.Index(vu, dtype="str"))

    frame = pd.DataFrame(
        {
            "doc_id": pd.Categorical.from_codes(doc_code, dtype=doc_cat),
            "paragraph": paragraph.astype(np.int32),
            "sentence": sentence.astype(np.int32),
            "position": position,
            "start": start.astype(np.int32),
            "end": end.astype(np.int32),
            "token": pd.Categorical.from_codes(gcodes, categories=pd.Index(U, dtype="str")),
            "norm": cat(gcodes, norm_t),
            "lemma": cat(gcodes, lemma_t),
            "compound": pd.Categorical.from_codes(
                np.concatenate(comp_parts) if comp_parts else np.zeros(0, np.int32),
                categories=pd.Index(CU, dtype="str"),
            ),
            "is_stop": (f & _F_STOP) != 0,
            "is_punct": (f & _F_PUNCT) != 0,
            "is_negation": (f & _F_NEG) != 0,
            "is_hedge": hedge,
            "actor": cat(gcodes, actor_t),
        }
    )
    sentences = pd.DataFrame(
        {
            "doc_id": pd.Categorical.from_codes(sent_doc, dtype=doc_cat),
            "paragraph": par_local[sent_gpar],
            "sentence": sent_idx,
            "start": np.concatenate([b["sent_s"] for b in blocks]) if blocks else np.zeros(0, np.int32),
            "end": np.concatenate([b["sent_e"] for b in blocks]) if blocks else np.zeros(0, np.int32),
            "n_tokens": tok_per_sent.astype(np.int32),
            "text": _str_array(list(itertools.chain.from_iterable(b["sent_text"] for b in blocks))),
        }
    )
    paragraphs = pd.DataFrame(
        {
            "doc_id": pd.Categorical.from_codes(doc_of_par, dtype=doc_cat),
            "paragraph": par_local,
            "n_tokens": tok_per_par.astype(np.int32),
            "text": _str_array(list(itertools.chain.from_iterable(d.paragraphs for d in docs))),
        }
    )
    words_per_par = np.concatenate([b["words_per_par"] for b in blocks]) if blocks else np.zeros(0, np.int64)
    n_words = np.bincount(doc_of_par, weights=words_per_par, minlength=n_docs).astype(np.int64)
    docs_frame = _docs_frame(corpus, n_words)
    return frame, sentences, paragraphs, docs_frame


def _docs_frame(corpus, n_words: np.ndarray) -> pd.DataFrame:
    """``corpus.to_frame()``, with ``n_words`` counted during tokenization.

    Same columns and dtypes as :meth:`Corpus.to_frame` (a test checks this);
    it avoids a second pass over every paragraph with ``str.split``.
    """
    cols = corpus.metadata_columns()
    rows = []
    for d, nw in zip(corpus.documents, n_words.tolist()):
        row = {"doc_id": d.doc_id}
        row.update({c: d.get(c) for c in cols})
        row["n_paragraphs"] = len(d.paragraphs)
        row["n_words"] = nw
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["doc_id", *cols, "n_paragraphs", "n_words"])
    return frame.astype({"n_paragraphs": "int64", "n_words": "int64"})


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
        self.sentences = sentences
        self.docs = docs
        self._paragraphs = paragraphs
        self.corpus_hash = corpus_hash
        self.options = dict(options)
        self.from_cache = from_cache

    # -- basics -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        src = ", from cache" if self.from_cache else ""
        return (
            f"<Tokens: {len(self.frame):,} tokens, {len(self.sentences):,} sentences, "
            f"{len(self._paragraphs):,} paragraphs, {len(self.docs):,} documents "
            f"(hyphens={self.options.get('hyphens')!r}{src})>"
        )

    @property
    def doc_ids(self) -> list[str]:
        return list(self.docs["doc_id"])

    def paragraph_texts(self) -> pd.DataFrame:
        """``doc_id, paragraph, n_tokens, text``: every paragraph (a stored table)."""
        return self._paragraphs

    def actors(self) -> pd.DataFrame:
        """One row per actor mention: ``doc_id, paragraph, sentence, position, actor, surface``."""
        f = self.frame
        m = f["actor"].cat.codes.to_numpy() != _cat_code(f["actor"], "")
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
        dcode = f["doc_id"].cat.codes.to_numpy().astype(np.int64)
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
        table = self._paragraphs if unit == "paragraph" else self.sentences
        col = "paragraph" if unit == "paragraph" else "sentence"
        tcode = table["doc_id"].cat.codes.to_numpy().astype(np.int64)
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
            values = s.cat.codes.to_numpy()[keep]
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
            old = df["doc_id"].cat
            mapping = np.full(len(old.categories) + 1, -1, dtype=np.int64)
            for i, d in enumerate(keep_ids):
                mapping[old.categories.get_loc(d)] = i
            codes = mapping[old.codes.to_numpy()]
            m = codes >= 0
            out = df.loc[m].reset_index(drop=True)
            out["doc_id"] = pd.Categorical.from_codes(codes[m], dtype=dtype)
            return out

        docs = self.docs[self.docs["doc_id"].isin(keep_ids)].reset_index(drop=True)
        h = hashlib.sha256((self.corpus_hash + "\x1f" + "\x1f".join(keep_ids)).encode()).hexdigest()
        opts = dict(self.options)
        opts["selected_from"] = self.corpus_hash
        return Tokens(
            restrict(self.frame),
            restrict(self.sentences),
            docs,
            restrict(self._paragraphs),
            corpus_hash=h,
            options=opts,
            from_cache=False,
        )


def _cat_code(s: pd.Series, value) -> int:
    cats = s.cat.categories
    try:
        return int(cats.get_loc(value))
    except KeyError:
        return -2


# ---------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------
_TABLES = ("tokens", "sentences", "paragraphs", "docs")


def _cache_root(cache) -> Path | None:
    if cache is True:
        return config.cache_dir() / "tokens"
    if cache is False or cache is None:
        return None
    if isinstance(cache, (str, os.PathLike)):
        return Path(cache)
    raise ParameterError(f"cache must be True, False or a folder path, not {cache!r}.")


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    _atomic_write(
        path,
        lambda tmp: df.to_parquet(
            tmp, engine="pyarrow", index=False, compression="lz4", row_group_size=2_000_000
        ),
    )


def _cache_files(root: Path, stem: str) -> dict[str, Path]:
    files = {t: root / f"{stem}.{t}.parquet" for t in _TABLES}
    files["meta"] = root / f"{stem}.json"
    return files


def _cache_read(root: Path, stem: str) -> Tokens | None:
    files = _cache_files(root, stem)
    if not files["meta"].exists():
        return None
    try:
        meta = json.loads(files["meta"].read_text(encoding="utf-8"))
        rows = {t: int(meta["rows"][t]) for t in _TABLES}
    except Exception as exc:
        _warn_corrupt(files["meta"], exc)
        return None
    tables = {}
    for t in _TABLES:
        path = files[t]
        try:
            df = pd.read_parquet(path, engine="pyarrow")
        except Exception as exc:
            _warn_corrupt(path, exc)
            return None
        if len(df) != rows[t]:
            _warn_corrupt(path, f"{len(df)} rows, the sidecar {files['meta'].name} says {rows[t]}")
            return None
        tables[t] = df
    return Tokens(
        tables["tokens"],
        tables["sentences"],
        tables["docs"],
        tables["paragraphs"],
        corpus_hash=meta["corpus_hash"],
        options=meta["options"],
        from_cache=True,
    )


def _warn_corrupt(path: Path, why) -> None:
    warnings.warn(
        f"{path}: token cache file is corrupt or unreadable ({why}); rebuilding it.",
        CorpusWarning,
        stacklevel=4,
    )


def _cache_write(root: Path, stem: str, tokens: Tokens) -> None:
    files = _cache_files(root, stem)
    parts = {
        "tokens": tokens.frame,
        "sentences": tokens.sentences,
        "paragraphs": tokens.paragraph_texts(),
        "docs": tokens.docs,
    }
    for t, df in parts.items():
        _write_parquet(df, files[t])
    meta = {
        "key": stem,
        "corpus_hash": tokens.corpus_hash,
        "options": tokens.options,
        "rows": {t: len(df) for t, df in parts.items()},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    _atomic_write(
        files["meta"],
        lambda tmp: Path(tmp).write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8"),
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
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusError(
            f"{root}: cannot create the token cache folder ({exc.strerror}); pass cache=False "
            f"or another folder, or set CORPUS_TOOLS_CACHE_DIR."
        ) from None
    from filelock import FileLock

    with FileLock(str(root / f"{stem}.lock")):
        cached = _cache_read(root, stem)  # another process may have built it meanwhile
        if cached is not None:
            return cached
        tokens = _build(corpus, cfg, opts, corpus_hash, n_jobs, progress, learned_phrases)
        _cache_write(root, stem, tokens)
    return tokens


def _build(corpus, cfg, opts, corpus_hash, n_jobs, progress, learned_phrases) -> Tokens:
    docs = corpus.documents
    blocks = _run_blocks(docs, cfg, n_jobs, progress)
    frame, sentences, paragraphs, docs_frame = _assemble(corpus, blocks)
    if learned_phrases:
        extra = _learn_phrases(frame, cfg, learned_phrases)
        if extra:
            cfg = _Config(
                cfg.hyphens, cfg.phrases + tuple(extra), cfg.actors, cfg.stopwords,
                hashlib.sha256((cfg.key + json.dumps(extra)).encode()).hexdigest(),
            )
            blocks = _run_blocks(docs, cfg, n_jobs, progress)
            frame, sentences, paragraphs, docs_frame = _assemble(corpus, blocks)
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
    key = f["doc_id"].cat.codes.to_numpy().astype(np.int64) * (1 << 31) + f["sentence"].to_numpy()
    words = np.asarray(f["norm"].cat.categories, dtype=object)[f["norm"].cat.codes.to_numpy()].tolist()
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
