"""The rules of tokenization: word lists, the token pattern, the data files, the options.

Everything a token table depends on besides the text is decided here; the
engine (:mod:`corpus_tools.tokens.engine`) only applies it fast.

Words
-----
One compiled regular expression (:data:`TOKEN_PATTERN`, usable on its own
as ``re.findall``/NLTK ``RegexpTokenizer`` pattern) defines the tokens. Every
non-space character belongs to exactly one token (symbols the pattern does
not know become one-character punctuation tokens) and the pattern treats the
end of a string like a space, so a text can be tokenized one
whitespace-delimited chunk at a time with the same result as one pass (a
property test checks this; the engine relies on it). Kept as single tokens:

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
NLTK/Penn-Treebank style (:func:`split_token`), so "China’s" is ``China`` +
``’s`` (norm ``'s``, a stopword) and the lemma of ``China`` is ``china``;
"didn't" is ``did`` + ``n't``, "can't" is ``ca`` + ``n't`` (lemma ``can``),
"won't" ``wo`` + ``n't`` (lemma ``will``). Other inner apostrophes stay
(``d'Ivoire``, ``o'clock``).

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

Stopwords, negations, hedges
----------------------------
:data:`STOPWORDS` comes from ``data/stopwords.txt``: gensim's English list
minus content words such as "system", "interest", "bill", "fire", plus bound
prefixes and clitics; the file header says exactly what changed. Adjust with
``tokenize(lowercase_stopwords=..., extra_stopwords=..., keep_stopwords=...)``.
:data:`NEGATIONS` and :data:`HEDGES` flag negations and modal hedges by norm.

Phrases and actors
------------------
``data/phrases.txt`` (:func:`load_phrases`) lists multiword expressions and
single-token abbreviations with their canonical form; ``data/actors.csv``
(:func:`load_actors`) maps aliases to actors. How they are matched is
described in :mod:`corpus_tools.tokens.engine`.

Options
-------
:func:`make_config` turns ``tokenize``'s options into one picklable
:class:`TokenizerConfig` (what the engine needs, sent to worker processes)
and a JSON-able description of the options (kept in ``Tokens.options`` and
part of the cache key).
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import CorpusError, ParameterError
from ..io import read_text_file

__all__ = [
    "STOPWORDS", "NEGATIONS", "HEDGES", "TITLES", "ABBREVIATIONS", "SENTENCE_STARTERS",
    "TOKEN_PATTERN", "TOKEN_RE", "DASH_CHARS", "QUOTE_FOLD",
    "load_stopwords", "load_phrases", "load_actors", "actor_names",
    "is_compound", "split_token", "normalize", "entry_tokens", "default_canonical",
    "HYPHEN_MODES", "check_hyphens", "TokenizerConfig", "make_config", "default_config",
]

PHRASES_FILE = config.DATA_DIR / "phrases.txt"
ACTORS_FILE = config.DATA_DIR / "actors.csv"
STOPWORDS_FILE = config.DATA_DIR / "stopwords.txt"

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
#: Characters that join a hyphenated compound: hyphen-minus, hyphen, non-breaking hyphen, en dash.
DASH_CHARS = "\\-\u2010\u2011\u2013"
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
_FAST = rf"[^\W\d_]++(?![\w.{_APOS}{DASH_CHARS}])"
#: The token regex (without the leading-space group used internally).
TOKEN_PATTERN = (
    rf"{_URL}|{_FAST}|{_ATOM}(?:[{DASH_CHARS}]{_ATOM})*|\.\.\.|[.!?…]+|--+|\S"
)
#: :data:`TOKEN_PATTERN` after optional whitespace, as group 1: ``TOKEN_RE.findall(text)``
#: gives the raw tokens of a text, ``finditer`` their offsets (``m.start(1)``).
TOKEN_RE = re.compile(rf"\s*+({TOKEN_PATTERN})")
_DASH_SPLIT = re.compile(rf"[{DASH_CHARS}]")
_COMPOUND_RE = re.compile(rf"[^\s{DASH_CHARS}][{DASH_CHARS}][^\s{DASH_CHARS}]")
_NT_RE = re.compile(rf"(?i)(.+?)(n[{_APOS}]t)")
_CLITIC_RE = re.compile(rf"(?i)(.+?)([{_APOS}](?:s|re|ve|ll|d|m))")

#: ``str.translate`` table folding curly quotes and apostrophes to straight ones.
QUOTE_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"',
                            "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2032": "'"})
_DASH_FOLD = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-"})


def is_compound(s: str) -> bool:
    """True if ``s`` (a raw token) is a hyphenated compound: a dash between two non-dash characters."""
    return _COMPOUND_RE.search(s) is not None


def split_token(raw: str, *, hyphens: str) -> tuple[tuple[int, str], ...]:
    """How one raw token (a match of :data:`TOKEN_PATTERN`) splits: ``((relative_start, part), ...)``.

    With ``hyphens="split"`` a compound is cut at its dashes (the dashes are
    dropped); then an English clitic (``n't``, ``'s``, ``'re``, ``'ve``,
    ``'ll``, ``'d``, ``'m``, straight or curly) is split off each part, as
    in the Penn Treebank. ``split_token("China’s", hyphens="split")`` is
    ``((0, "China"), (5, "’s"))``.
    """
    if hyphens == "split" and is_compound(raw):
        pieces = []
        pos = 0
        for m in _DASH_SPLIT.finditer(raw):
            if m.start() > pos:
                pieces.append((pos, raw[pos:m.start()]))
            pos = m.end()
        if pos < len(raw):
            pieces.append((pos, raw[pos:]))
    else:
        pieces = [(0, raw)]
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


def normalize(s: str) -> str:
    """The norm of a token: lowercased, curly quotes folded, a compound's dashes folded to ``-``."""
    n = s.lower().translate(QUOTE_FOLD)
    if is_compound(n):
        n = n.translate(_DASH_FOLD)
    return n


def entry_tokens(entry: str, *, hyphens: str) -> list[str]:
    """The tokens of a phrase or alias entry (before any merging)."""
    return [p for s in TOKEN_RE.findall(entry) for _, p in split_token(s, hyphens=hyphens)]


def default_canonical(entry: str) -> str:
    """The canonical form of a phrase without one: its words' norms joined by ``_``.

    ``default_canonical("Belt and Road Initiative")`` is ``belt_and_road_initiative``.
    """
    words = [normalize(t) for t in entry_tokens(entry, hyphens="split") if any(ch.isalnum() for ch in t)]
    return "_".join(w.replace("'", "") for w in words) or entry.lower()


# ---------------------------------------------------------------------------
# Data files
# ---------------------------------------------------------------------------
def _content_lines(text: str):
    """Lines without ``#`` comments, stripped, empty ones dropped, with their line numbers."""
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            yield lineno, line


def load_stopwords(path: str | os.PathLike | None = None) -> frozenset[str]:
    """The stopword list in ``path`` (default ``data/stopwords.txt``): one word a line.

    ``#`` starts a comment; words are lowercased with curly apostrophes
    folded. Raises :class:`CorpusError` for a file that cannot be read.
    """
    text = read_text_file(Path(path) if path else STOPWORDS_FILE, "stopword")
    return frozenset(line.lower().translate(QUOTE_FOLD) for _, line in _content_lines(text))


#: The default stopword list (``data/stopwords.txt``).
STOPWORDS: frozenset[str] = load_stopwords()


def load_phrases(path: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """The phrase file as ``[(entry, canonical), ...]`` (default ``data/phrases.txt``).

    Lines are ``phrase text [=> canonical]``; ``#`` starts a comment. A missing
    canonical is the entry's words lowercased and joined by ``_``. Raises
    :class:`CorpusError` naming the file and line for a malformed entry.
    """
    p = Path(path) if path else PHRASES_FILE
    out: list[tuple[str, str]] = []
    for lineno, line in _content_lines(read_text_file(p, "phrase")):
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
        out.append((entry, canon or default_canonical(entry)))
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
# Options -> configuration
# ---------------------------------------------------------------------------
#: The values of ``tokenize(hyphens=...)``.
HYPHEN_MODES = ("split", "keep")


def check_hyphens(hyphens) -> str:
    """``hyphens`` if it is one of :data:`HYPHEN_MODES`; raises :class:`ParameterError` otherwise."""
    if hyphens not in HYPHEN_MODES:
        raise ParameterError(f"hyphens must be 'split' or 'keep', not {hyphens!r}.")
    return hyphens


@dataclass(frozen=True)
class TokenizerConfig:
    """What the engine needs to tokenize: picklable, sent once to each worker process.

    ``phrases`` are ``(entry, canonical)`` pairs, ``actors`` ``(alias, actor,
    case_sensitive)`` triples, ``stopwords`` the final stopword set, and
    ``key`` a hash of all of it (the engine keeps one compiled tokenizer per
    key and process).
    """

    hyphens: str
    phrases: tuple[tuple[str, str], ...]
    actors: tuple[tuple[str, str, bool], ...]
    stopwords: frozenset
    key: str

    def with_phrases(self, extra: list[tuple[str, str]]) -> "TokenizerConfig":
        """This configuration with more ``(entry, canonical)`` phrases (the learned ones)."""
        key = hashlib.sha256((self.key + json.dumps(extra)).encode()).hexdigest()
        return dataclasses.replace(self, phrases=self.phrases + tuple(map(tuple, extra)), key=key)


def _as_words(value, what: str) -> frozenset[str]:
    if isinstance(value, str):
        raise ParameterError(
            f"{what} must be a list of words, not the string {value!r} (write [{value!r}])."
        )
    try:
        return frozenset(str(w).strip().lower().translate(QUOTE_FOLD) for w in value)
    except TypeError:
        raise ParameterError(f"{what} must be a list of words, not {type(value).__name__}.") from None


def _phrase_list(phrases) -> tuple[list[tuple[str, str]], str]:
    if phrases is None:
        return load_phrases(), "default"
    if phrases is False:
        return [], "none"
    if isinstance(phrases, (str, os.PathLike)):
        return load_phrases(phrases), str(phrases)
    if isinstance(phrases, Mapping):
        return [(str(k), str(v)) for k, v in phrases.items()], "custom"
    plist = []
    for item in phrases:
        if isinstance(item, str):
            entry, _, canon = item.partition("=>")
            entry, canon = " ".join(entry.split()), canon.strip()
            plist.append((entry, canon or default_canonical(entry)))
        else:
            entry, canon = item
            plist.append((str(entry), str(canon)))
    return plist, "custom"


def _actor_frame(actors) -> tuple[pd.DataFrame, str]:
    if actors is None:
        return load_actors(), "default"
    if actors is False:
        return pd.DataFrame(columns=["alias", "actor", "case_sensitive"]), "none"
    if isinstance(actors, (str, os.PathLike)):
        return load_actors(actors), str(actors)
    if isinstance(actors, pd.DataFrame):
        aframe = actors.copy()
        if "case_sensitive" not in aframe.columns:
            aframe["case_sensitive"] = False
        return aframe, "custom"
    if isinstance(actors, Mapping):
        return pd.DataFrame(
            {"alias": list(actors), "actor": list(actors.values()), "case_sensitive": False}
        ), "custom"
    raise ParameterError(
        "actors must be None (the default file), False, a path to a CSV, a DataFrame or "
        f"a mapping alias -> actor, not {type(actors).__name__}."
    )


def make_config(*, lowercase_stopwords=None, extra_stopwords=(), keep_stopwords=(), phrases=None,
                actors=None, hyphens: str = "split") -> tuple[TokenizerConfig, dict]:
    """The :class:`TokenizerConfig` for ``tokenize``'s options, and the options' JSON-able description.

    The arguments are those of :func:`corpus_tools.tokens.tokenize`. The
    description names each choice (``"default"``, ``"none"``, ``"custom"`` or
    a file path) and carries ``data_hash``, a hash of the stopword, phrase
    and actor *contents*, so an edited data file changes the cache key.
    Raises :class:`ParameterError` for an option of the wrong kind and
    :class:`CorpusError` for an unreadable or malformed data file.
    """
    opts: dict = {"hyphens": check_hyphens(hyphens)}
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
    plist, opts["phrases"] = _phrase_list(phrases)
    aframe, opts["actors"] = _actor_frame(actors)
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
    cfg = TokenizerConfig(hyphens, tuple(tuple(p) for p in plist), alist, stop, key)
    return cfg, opts


_DEFAULT_CFG: dict[str, TokenizerConfig] = {}


def default_config(hyphens: str = "split") -> TokenizerConfig:
    """The configuration of ``tokenize``'s defaults (made once per process)."""
    cfg = _DEFAULT_CFG.get(hyphens)
    if cfg is None:
        cfg = _DEFAULT_CFG[hyphens] = make_config(hyphens=hyphens)[0]
    return cfg
