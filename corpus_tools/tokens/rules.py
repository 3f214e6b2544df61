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
**Bound prefixes stay attached**: a part that is one of
:data:`BOUND_PREFIXES` (non, anti, pro, multi, pre, post, co, inter, semi,
re, counter, neo, ex, self, …) is not split from the part after it, so
"non-alignment", "anti-American", "multi-polarization", "co-operation" and
"self-determination" are one token each: "non-alignment" is not
*alignment*, and a prefix alone means nothing. Such a word names the actor
of its base ("anti-US", "anti-American": actor ``US``), though its norm and
lemma stay its own (``anti-us``). ("non-nuclear-weapon" is
``non-nuclear`` + ``weapon``.) The prefixes are matched case-insensitively;
"UN" is not one (``UN-led`` is ``UN`` + ``led``). ``hyphens="keep"`` keeps
each compound as one token (its ``compound`` column repeats its norm).

**A compound and its parts are never both counted.** The ``compound`` column
is a record of where a part came from, not a term: every analysis counts the
tokens (the parts, with ``hyphens="split"``), so "China-Russia" adds one
``china`` and one ``russia`` and nothing else. To count compounds as terms,
tokenize with ``hyphens="keep"``: then the compound is the token and its parts
are not counted. No analysis counts the ``compound`` column beside the tokens.

Numbers
-------
A token is a number (column ``is_num``, :func:`is_number`) when it is
digits with ``. , :`` separators (``2014``, ``1,000``, ``20.8``, ``10:30``),
a percentage (``25%``, ``3.7%``), a currency amount (``$50``, ``€84.07``) or
an ordinal (``279th``, ``21st``, ``2nd``); with ``hyphens="keep"`` also a
range of them (``2012-2020``). Not numbers: decades (``1990s``) and
compounds with a word (``2014-style``, ``G20``), which name something.
Numbers stay in the table and count in every denominator, like stopwords,
but the analyses leave them out of their term listings by default
(``drop_numbers=True``): on the UN General Debates the tf-idf and keyness
lists were otherwise full of session and document numbers ("279th",
"2663") and years.

Stopwords, negations, hedges
----------------------------
:data:`STOPWORDS` comes from ``data/stopwords.txt``: gensim's English list
minus content words such as "system", "interest", "bill", "fire", plus bound
prefixes and clitics; the file header says exactly what changed. Adjust with
``tokenize(lowercase_stopwords=..., extra_stopwords=..., keep_stopwords=...)``.
:data:`NEGATIONS` and :data:`HEDGES` flag negations and modal hedges by norm.

Lemma exceptions
----------------
simplemma lemmatizes without part of speech, which merges words the analyses
must keep apart: goods/best/better -> ``good``, arms/armed -> ``arm``,
affairs -> ``affair``. ``data/lemma_exceptions.csv``
(:func:`load_lemma_exceptions`, ``norm,lemma`` with a comment header giving
the reason for each entry) overrides simplemma for those norms; replace it
with ``tokenize(lemma_exceptions=PATH | mapping | False)``. Its contents are
part of the cache key.

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
    "load_stopwords", "load_phrases", "load_actors", "actor_names", "load_lemma_exceptions",
    "BOUND_PREFIXES", "prefixed_base", "is_compound", "is_number", "NUMBER_RE", "split_token", "normalize", "entry_tokens", "default_canonical",
    "HYPHEN_MODES", "check_hyphens", "TokenizerConfig", "make_config", "default_config",
]

PHRASES_FILE = config.DATA_DIR / "phrases.txt"
ACTORS_FILE = config.DATA_DIR / "actors.csv"
STOPWORDS_FILE = config.DATA_DIR / "stopwords.txt"
LEMMA_EXCEPTIONS_FILE = config.DATA_DIR / "lemma_exceptions.csv"

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


_NUM = r"[$€£¥]?\d+(?:[.,:]\d+)*(?:%|st|nd|rd|th)?"
#: What :func:`is_number` accepts (case-insensitive, the whole token).
NUMBER_RE = re.compile(rf"(?i){_NUM}(?:[{DASH_CHARS}]{_NUM})*")


def is_number(s: str) -> bool:
    """True if the token ``s`` is a number: ``2014``, ``1,000``, ``3.7%``, ``$50``, ``279th``, ``2012-2020``.

    The rule is in the module docstring ("Numbers"); ``1990s``, ``G20`` and
    ``2014-style`` are not numbers.
    """
    return NUMBER_RE.fullmatch(s) is not None


#: Bound prefixes: with ``hyphens="split"`` a part that is one of these stays
#: joined to the part after it ("non-alignment", "anti-American"). Matched on
#: the lowercased part. Not "un" (``UN-led`` is the United Nations).
BOUND_PREFIXES = frozenset(
    """non anti pro multi pre post co inter intra semi re counter neo ex self sub super trans ultra
    pan quasi mid bi tri de""".split()
)


def prefixed_base(s: str) -> str | None:
    """The part after a leading bound prefix (``"anti-US"`` -> ``"US"``), or None.

    The engine gives a prefixed word the actor of its base: "anti-American"
    is one term, and still a mention of the US.
    """
    m = _DASH_SPLIT.search(s)
    if m is None or m.start() == 0 or m.end() == len(s) or s[:m.start()].lower() not in BOUND_PREFIXES:
        return None
    return s[m.end():]


def is_compound(s: str) -> bool:
    """True if ``s`` (a raw token) is a hyphenated compound: a dash between two non-dash characters."""
    return _COMPOUND_RE.search(s) is not None


def split_token(raw: str, *, hyphens: str) -> tuple[tuple[int, str], ...]:
    """How one raw token (a match of :data:`TOKEN_PATTERN`) splits: ``((relative_start, part), ...)``.

    With ``hyphens="split"`` a compound is cut at its dashes (the dashes are
    dropped), except that a bound prefix (:data:`BOUND_PREFIXES`) stays
    joined to the part after it ("non-alignment" stays whole); then an
    English clitic (``n't``, ``'s``, ``'re``, ``'ve``, ``'ll``, ``'d``,
    ``'m``, straight or curly) is split off each part, as in the Penn
    Treebank. ``split_token("China’s", hyphens="split")`` is
    ``((0, "China"), (5, "’s"))``.
    """
    if hyphens == "split" and is_compound(raw):
        spans, pos = [], 0
        for m in _DASH_SPLIT.finditer(raw):
            if m.start() > pos:
                spans.append((pos, m.start()))
            pos = m.end()
        if pos < len(raw):
            spans.append((pos, len(raw)))
        pieces, i = [], 0
        while i < len(spans):
            a, b = spans[i]
            if i + 1 < len(spans) and raw[a:b].lower() in BOUND_PREFIXES:
                b = spans[i + 1][1]  # the prefix and the part after it, with the dash between
                i += 1
            pieces.append((a, raw[a:b]))
            i += 1
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


def load_lemma_exceptions(path: str | os.PathLike | None = None) -> dict[str, str]:
    """The lemma exceptions ``{norm: lemma}`` (default ``data/lemma_exceptions.csv``).

    The file is CSV with the header ``norm,lemma``; lines starting with
    ``#`` are comments. Norms and lemmas are lowercased with curly
    apostrophes folded. Raises :class:`CorpusError` naming the file and line
    for a missing header, a line without exactly two non-empty fields, or a
    norm listed twice.
    """
    p = Path(path) if path else LEMMA_EXCEPTIONS_FILE
    lines = [(n, line) for n, line in enumerate(read_text_file(p, "lemma exception").splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines or [c.strip() for c in lines[0][1].split(",")] != ["norm", "lemma"]:
        raise CorpusError(f"{p}: the first line that is not a comment must be the header 'norm,lemma'.")
    out: dict[str, str] = {}
    for lineno, line in lines[1:]:
        fields = [c.strip().lower().translate(QUOTE_FOLD) for c in line.split(",")]
        if len(fields) != 2 or not all(fields):
            raise CorpusError(f"{p}, line {lineno}: expected 'norm,lemma', got {line!r}.")
        if fields[0] in out:
            raise CorpusError(f"{p}, line {lineno}: {fields[0]!r} is listed twice.")
        out[fields[0]] = fields[1]
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
    case_sensitive)`` triples, ``stopwords`` the final stopword set,
    ``lemmas`` the ``(norm, lemma)`` exceptions, and ``key`` a hash of all
    of it (the engine keeps one compiled tokenizer per key and process).
    """

    hyphens: str
    phrases: tuple[tuple[str, str], ...]
    actors: tuple[tuple[str, str, bool], ...]
    stopwords: frozenset
    key: str
    lemmas: tuple[tuple[str, str], ...] = ()

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


def _lemma_list(lemma_exceptions) -> tuple[dict[str, str], str]:
    if lemma_exceptions is None:
        return load_lemma_exceptions(), "default"
    if lemma_exceptions is False:
        return {}, "none"
    if isinstance(lemma_exceptions, (str, os.PathLike)):
        return load_lemma_exceptions(lemma_exceptions), str(lemma_exceptions)
    if isinstance(lemma_exceptions, Mapping):
        return {str(k).lower().translate(QUOTE_FOLD): str(v).lower() for k, v in lemma_exceptions.items()}, "custom"
    raise ParameterError(
        "lemma_exceptions must be None (the default file), False, a path to a norm,lemma CSV or a "
        f"mapping norm -> lemma, not {type(lemma_exceptions).__name__}."
    )


def make_config(*, lowercase_stopwords=None, extra_stopwords=(), keep_stopwords=(), phrases=None,
                actors=None, hyphens: str = "split", lemma_exceptions=None) -> tuple[TokenizerConfig, dict]:
    """The :class:`TokenizerConfig` for ``tokenize``'s options, and the options' JSON-able description.

    The arguments are those of :func:`corpus_tools.tokens.tokenize`. The
    description names each choice (``"default"``, ``"none"``, ``"custom"`` or
    a file path) and carries ``data_hash``, a hash of the stopword, phrase,
    actor and lemma-exception *contents*, so an edited data file changes the
    cache key.
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
    lemmas, opts["lemma_exceptions"] = _lemma_list(lemma_exceptions)
    lemma_pairs = tuple(sorted(lemmas.items()))
    content = {"stop": sorted(stop), "phrases": plist, "actors": alist, "hyphens": hyphens}
    if lemma_pairs:  # (absent when empty: the key of a table without exceptions is unchanged)
        content["lemmas"] = lemma_pairs
    key = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
    opts["data_hash"] = key[:16]
    cfg = TokenizerConfig(hyphens, tuple(tuple(p) for p in plist), alist, stop, key, lemma_pairs)
    return cfg, opts


_DEFAULT_CFG: dict[str, TokenizerConfig] = {}


def default_config(hyphens: str = "split") -> TokenizerConfig:
    """The configuration of ``tokenize``'s defaults (made once per process)."""
    cfg = _DEFAULT_CFG.get(hyphens)
    if cfg is None:
        cfg = _DEFAULT_CFG[hyphens] = make_config(hyphens=hyphens)[0]
    return cfg
