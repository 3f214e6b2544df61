"""Where sentences start: the rules, decided on the token stream.

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
  plus :data:`~corpus_tools.tokens.rules.SENTENCE_STARTERS`). So "the U.S.
  Treasury", "Jan. 5", "No. 3", "J. Smith" and "Ph.D. Candidates" continue, and
  "pressure from the U.S. The hope is" splits. Trade-off: a sentence that ends
  with an abbreviation and continues with a name ("… in the U.S. China,
  however, …") is not split, and one that continues an abbreviation with a
  capitalised function word ("the U.S. In 2015 …") always is. Both are rare
  in commentary.

NLTK's Punkt with explicit ``PunktParameters(abbrev_types=...)`` (no
training data needed) was the reference. Checked on the cases above, it also
keeps "Mr. Smith", "Jan. 5", "No. 3", "J. Smith" and "the U.S. Treasury"
together, but it never ends a sentence at a listed abbreviation ("from the
U.S. The hope is" stays one sentence) and it does cut a quotation that
continues ("… “we will win.” | and left", "“Who lost China?” | he asked").
Punkt alone runs at ~6 MB/s on the UN General Debates (``benchmarks``), less
than half the speed of this whole pipeline, so the token-based rule above,
which fixes both cases, is used instead.
"""
from __future__ import annotations

import re

import numpy as np

from .rules import SENTENCE_STARTERS, STOPWORDS, TITLES

__all__ = ["sentence_class", "sentence_starts"]

_CLOSERS = frozenset({'"', "'", "\u201d", "\u2019", ")", "]", "}", "\u00bb", "\u203a"})
_NOBREAK_FIRST = frozenset(",;:)]}\u201d\u2019\u00bb%")
_TERMINAL_RE = re.compile(r"[.!?…]+")
_TITLE_TOKENS = frozenset(t + "." for t in TITLES)

#: Sentence classes of a token type (bits): ends a sentence (``.`` ``!`` ``?`` ``…``);
#: an abbreviation that may end one; a closing quote or bracket; a token a sentence
#: does not start with (lowercase, ``,`` ``;`` …); a capitalised sentence starter.
C_TERM, C_AMBIG, C_CLOSER, C_NOBREAK, C_STARTER = 1, 2, 4, 8, 16


def sentence_class(s: str) -> int:
    """The sentence-rule class of one token type: a bit set of the ``C_*`` constants."""
    c = 0
    if _TERMINAL_RE.fullmatch(s):
        c |= C_TERM
    elif s.endswith(".") and s not in _TITLE_TOKENS and any(ch.isalpha() for ch in s):
        c |= C_AMBIG
    if s in _CLOSERS:
        c |= C_CLOSER
    first = s[0]
    if first.islower() or first in _NOBREAK_FIRST:
        c |= C_NOBREAK
    if first.isupper() and (len(s) == 1 or s[1:].islower()):
        low = s.lower()
        if low in SENTENCE_STARTERS or low in STOPWORDS:
            c |= C_STARTER
    return c


def sentence_starts(classes: np.ndarray, starts: np.ndarray, ends: np.ndarray, par: np.ndarray) -> np.ndarray:
    """Boolean array: token ``i`` starts a sentence (the rules in the module docstring).

    ``classes`` holds :func:`sentence_class` of each token, ``starts`` and
    ``ends`` its character offsets and ``par`` its paragraph (a sentence
    never crosses paragraphs); all arrays have one entry per token.
    """
    tc = classes
    n = len(tc)
    new = np.ones(n, dtype=bool)
    if n == 0:
        return new
    new[1:] = par[1:] != par[:-1]
    cand = np.flatnonzero((tc[:-1] & (C_TERM | C_AMBIG)) != 0)
    if len(cand) == 0:
        return new
    j = cand + 1
    for _ in range(4):  # skip closing quotes/brackets attached to the punctuation
        jj = np.minimum(j, n - 1)
        m = (j < n) & ((tc[jj] & C_CLOSER) != 0) & (starts[jj] == ends[jj - 1]) & (par[jj] == par[cand])
        if not m.any():
            break
        j = j + m
    jj = np.minimum(j, n - 1)
    same = (j < n) & (par[jj] == par[cand])
    term = (tc[cand] & C_TERM) != 0
    nxt = tc[jj]
    brk = same & np.where(term, (nxt & C_NOBREAK) == 0, (nxt & C_STARTER) != 0)
    new[jj[brk]] = True
    return new
