"""The compiled tokenizer: tokens, sentences, lemmas, phrases and actors of a block of text.

:func:`tokenize_block` turns a block of documents into per-token arrays (the
assembler in :mod:`corpus_tools.tokens.assemble` joins blocks into tables);
:func:`word_spans`, :func:`split_sentences` and :class:`NewsTokenizer` apply
the same rules to one text. The rules themselves are in
:mod:`corpus_tools.tokens.rules`.

Fast path
---------
``str.split()`` cuts a block of text into whitespace-delimited chunks (in C);
each *distinct* chunk is tokenized by the regex once per process and
remembered, and token offsets are chunk offsets (from a numpy whitespace
mask) plus offsets inside the chunk, with no Python loop over tokens. Per-type
work (split, sentence class, lemma, stopword, actor) is done once per distinct
type in numpy-indexed registries (:class:`_Compiled`).

Sentences
---------
Sentence boundaries are decided on the token stream by the rules of
:mod:`corpus_tools.tokens.sentences`.

Lemmas and flags
----------------
Norm = lowercased surface with curly quotes/apostrophes folded. Lemmas come
from simplemma (``lang="en"``), computed once per distinct norm and cached:
"countries" -> ``country``, "was" -> ``be``, the pronoun "us" -> ``we``.
All-caps acronyms of two or more letters keep their lowercase form as lemma
(NATO -> ``nato``, AIDS -> ``aids``, not ``aid``). The country written ``US``,
``U.S.``, ``USA`` or ``U.S.A.`` (case-sensitive) is the abbreviation entry of
``united_states`` in the phrase file, so its norm and lemma are
``united_states``, like the merged "United States". ``is_stop``: the norm or
the lemma is a stopword; merged phrases are never stopwords. ``is_negation``
and ``is_hedge`` go by the norm; "May" with a capital M inside a sentence is
the month, not a hedge.

Multiword expressions and actors
--------------------------------
Phrases (``data/phrases.txt``) are matched case-insensitively, across line
breaks, spaces and hyphens, within one sentence, longest first; single-token
abbreviations (``BRI``, ``SCO``, ``US``) case-sensitively. Matching looks
only at tokens whose norm starts a phrase, one vectorised window comparison
per phrase length. A match becomes ONE token whose surface is the original
text span and whose norm and lemma are the canonical form
(``belt_and_road_initiative``); the ``compound`` of a merged token is the
compound of its first word.

Actors (``data/actors.csv``, ``alias,actor,case_sensitive``) are assigned
AFTER merging: "United States" -> token ``united_states`` -> actor ``US``.
Case-sensitive aliases match the exact surface ("US" is the country, "us" the
pronoun; "West" but not "west"); the others match the norm. Multiword aliases
that are not in the phrase file (e.g. "Trump administration") are merged like
phrases (canonical ``trump_administration``) so that they can be matched as
one token. ``actor`` is the empty string for tokens that name no actor. The
default table is written for commentary on US–China–Russia relations: bare
"Congress" is the US Congress (longer aliases such as "National People's
Congress" win), "West" is the EU/West. For another domain (the UN General
Debate speaks of many congresses) pass your own table (``actors=``).
"""
from __future__ import annotations

import itertools
import operator
import threading
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from .rules import (
    HEDGES, NEGATIONS, QUOTE_FOLD, TOKEN_RE, TokenizerConfig, check_hyphens, default_canonical,
    default_config, entry_tokens, is_compound, normalize, split_token,
)
from .sentences import sentence_class, sentence_starts

__all__ = ["tokenize_block", "FLAG_BITS", "word_spans", "split_sentences", "NewsTokenizer"]

# Whitespace lookup table: exactly the characters `\s` matches (str.isspace);
# every Unicode whitespace character is below U+3001.
_WS_LIMIT = 0x3001
_WS_LUT = np.array([chr(c).isspace() for c in range(_WS_LIMIT + 1)], dtype=bool)


#: The bit of each flag column in a block's ``flags`` byte.
FLAG_BITS = {"is_stop": 1, "is_punct": 2, "is_negation": 4, "is_hedge": 8}
_F_STOP, _F_PUNCT, _F_NEG, _F_HEDGE = FLAG_BITS.values()
_F_MAY = 16  # the type is "May": a hedge only at the start of a sentence


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

    def __init__(self, cfg: TokenizerConfig):
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
            toks = entry_tokens(alias, hyphens="split")
            if not toks:
                continue
            if len(toks) == 1:
                if cs:
                    self.actor_cs[toks[0].translate(QUOTE_FOLD)] = actor
                else:
                    self.actor_ci[normalize(toks[0])] = actor
                continue
            key = tuple(normalize(t) for t in toks)
            canon = self.multi.get(key)
            if canon is None:
                canon = default_canonical(alias)
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
        toks = entry_tokens(entry, hyphens="split")
        if not toks:
            return
        if len(toks) == 1:
            self.cs_single[toks[0].translate(QUOTE_FOLD)] = canon
            return
        self.multi[tuple(normalize(t) for t in toks)] = canon
        if self.hyphens == "keep":
            ktoks = entry_tokens(entry, hyphens="keep")
            if len(ktoks) == 1:
                self.ci_single[normalize(ktoks[0])] = canon
            elif ktoks != toks:
                self.multi[tuple(normalize(t) for t in ktoks)] = canon

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
        raw = TOKEN_RE.findall(" ".join(strs))
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
        splits = [split_token(s, hyphens=self.hyphens) for s in strs]
        needed = list(dict.fromkeys(p for parts in splits for _, p in parts if p not in self.tid))
        if needed:
            self.add_types(needed, [None] * len(needed))
        tid = self.tid
        lens, nparts, pstart, ptid, prel, pcomp = [], [], [], [], [], []
        base = self.rpart_tid.n
        for s, parts in zip(strs, splits):
            self.raw_id[s] = len(self.raw_id)
            comp = 0
            if is_compound(s):
                cn = normalize(s)
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
        """The type id of each string (merged phrases: with their canonical form), registering new ones."""
        new = [(s, c) for s, c in dict(zip(strs, canons)).items() if s not in self.tid]
        if new:
            self.add_types([s for s, _ in new], [c for _, c in new])
        return [self.tid[s] for s in strs]

    def add_types(self, strs: list[str], canons: list[str | None]) -> None:
        """Register new token types: length, sentence class, phrase word, norm, lemma, actor, flags."""
        lens, cls, pw, pf, flags = [], [], [], [], []
        for s, canon in zip(strs, canons):
            self.tid[s] = len(self.tstr)
            self.tstr.append(s)
            lens.append(len(s))
            cls.append(sentence_class(s))
            n = normalize(s)
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
        folded = s.translate(QUOTE_FOLD)
        punct = not any(ch.isalnum() for ch in s)
        if canon is None:
            canon = self.cs_single.get(folded)
        norm = normalize(s)
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


_COMPILED: dict[str, _Compiled] = {}
_LEMMAS: dict[str, str] = {}
# The per-process registries are not thread-safe.
_REGISTRY_LOCK = threading.RLock()


def _compiled(cfg: TokenizerConfig) -> _Compiled:
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
def _empty_block(par_per_doc: np.ndarray, words_per_par=None) -> dict:
    n_docs, n_par = len(par_per_doc), int(par_per_doc.sum())
    z = np.zeros(0, np.int32)
    return {
        "vocab": [], "norm": [], "lemma": [], "actor": [], "comp_cats": [],
        "codes": z, "comp": np.zeros(0, np.int16), "flags": np.zeros(0, np.uint8), "start": z,
        "tok_per_doc": np.zeros(n_docs, np.int64), "par_per_doc": par_per_doc,
        "tok_per_par": np.zeros(n_par, np.int32),
        "sent_per_doc": np.zeros(n_docs, np.int64), "sent_par": z, "sent_idx": z,
        "sent_s": z, "sent_e": z, "tok_per_sent": z,
        "words_per_par": np.zeros(n_par, np.int64) if words_per_par is None else words_per_par,
    }


def _spans(C: _Compiled, text: str):
    """Token-type ids, start offsets and compound ids of ``text``, and chunk starts.

    Each distinct whitespace-delimited chunk is tokenized once per process
    (see "Fast path" above). The token pattern treats the end of a string
    like whitespace, so tokenizing chunk by chunk gives the same tokens as
    one pass over the whole text.
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


def tokenize_block(paragraph_lists: Sequence[Sequence[str]], cfg: TokenizerConfig) -> dict:
    """Tokenize a block of documents given as their paragraph tuples.

    Returns a dict of plain lists and numpy arrays (picklable, and small, as
    it is sent back from worker processes): the block's vocabulary in
    first-appearance order (``vocab``, with the ``norm``, ``lemma`` and
    ``actor`` of each type and the compound strings ``comp_cats``); per
    token, only the vocabulary ``codes``, compound codes ``comp``,
    :data:`FLAG_BITS` ``flags`` and ``start`` (offset in the paragraph), 11
    bytes a token; counts per document (``tok_per_doc``, ``par_per_doc``,
    ``sent_per_doc``), per paragraph (``tok_per_par``, ``words_per_par``:
    ``str.split`` words) and per sentence (``tok_per_sent``); and the
    sentence columns ``sent_par``, ``sent_idx`` (within the document),
    ``sent_s``, ``sent_e``. The assembler rebuilds each token's document,
    paragraph, sentence, position and end from these (a token's end is its
    start plus the length of its type: a merged phrase's type is its
    surface).
    """
    with _REGISTRY_LOCK:
        return _block(paragraph_lists, cfg)


def _block(paragraph_lists: Sequence[Sequence[str]], cfg: TokenizerConfig) -> dict:
    C = _compiled(cfg)
    paras = [p for ps in paragraph_lists for p in ps]
    n_par = len(paras)
    npd = np.fromiter(map(len, paragraph_lists), dtype=np.int64, count=len(paragraph_lists))
    if n_par == 0:
        return _empty_block(npd)
    text = "\n".join(paras)
    plen = np.fromiter(map(len, paras), dtype=np.int64, count=n_par)
    pstart = np.zeros(n_par, np.int64)
    np.cumsum(plen[:-1] + 1, out=pstart[1:])
    tcodes, pstarts, comp, cstarts = _spans(C, text)
    # words per paragraph (str.split semantics) for Document.n_words
    words_per_par = np.bincount(np.searchsorted(pstart, cstarts, "right") - 1, minlength=n_par).astype(np.int64)
    if len(tcodes) == 0:
        return _empty_block(npd, words_per_par)
    pends = pstarts + C.t_len.v[tcodes]
    par = np.searchsorted(pstart, pstarts, "right") - 1

    # sentences
    new_sent = sentence_starts(C.t_class.v[tcodes], pstarts, pends, par)
    sid = np.cumsum(new_sent) - 1

    # multiword expressions
    if C.multi:
        tcodes, pstarts, pends, par, sid, comp = _merge_phrases(C, text, tcodes, pstarts, pends, par, sid, comp)

    # block vocabulary in first-appearance order
    codes, order = pd.factorize(tcodes)
    ol = order.tolist()
    pick = operator.itemgetter(*ol) if len(ol) > 1 else (lambda seq: (seq[ol[0]],))
    ccodes, corder = pd.factorize(comp)

    # document structure: counts per document, paragraph and sentence (the assembler
    # rebuilds each token's paragraph, sentence and position from them)
    n = len(codes)
    doc_of_par = np.repeat(np.arange(len(npd)), npd)
    first_par = np.cumsum(npd) - npd
    tok_per_doc = np.bincount(doc_of_par[par], minlength=len(npd))
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
        "comp": ccodes.astype(np.int16 if len(corder) <= np.iinfo(np.int16).max else np.int32),
        "flags": f,
        "start": (pstarts - pstart[par]).astype(np.int32),
        "tok_per_doc": tok_per_doc.astype(np.int64),
        "par_per_doc": npd,
        "tok_per_par": np.bincount(par, minlength=n_par).astype(np.int32),
        "sent_per_doc": sent_per_doc.astype(np.int64),
        "sent_par": (sent_par - first_par[sent_doc]).astype(np.int32),
        "sent_idx": sent_in_doc.astype(np.int32),
        "sent_s": (gs - base).astype(np.int32),
        "sent_e": (ge - base).astype(np.int32),
        "tok_per_sent": tok_per_sent.astype(np.int32),
        "words_per_par": words_per_par,
    }


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
# Single texts
# ---------------------------------------------------------------------------
def _text_tokens(text: str, hyphens: str = "split"):
    """Token strings, starts, ends and type ids of one text (no phrase merging)."""
    check_hyphens(hyphens)
    with _REGISTRY_LOCK:
        C = _compiled(default_config(hyphens))
        tcodes, st, _, _ = _spans(C, text)
    toks = [C.tstr[i] for i in tcodes.tolist()]
    return toks, st, st + C.t_len.v[tcodes], tcodes, C


def word_spans(text: str, hyphens: str = "split") -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the word tokens of ``text``.

    The same tokens as :func:`~corpus_tools.tokens.tokenize` before multiword
    expressions are merged: clitics split off ("China’s" -> "China", "’s"),
    hyphenated compounds split into their parts with ``hyphens="split"`` (the
    hyphen is not a token) or kept whole with ``hyphens="keep"``. Raises
    :class:`ParameterError` for another ``hyphens``.
    """
    _, st, en, _, _ = _text_tokens(text, hyphens)
    return list(zip(st.tolist(), en.tolist()))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the sentences of one paragraph.

    A sentence runs from its first token to the end of its last token
    (closing quotes included), so leading and trailing spaces are outside.
    Line breaks inside ``text`` are not boundaries. The rules are in
    :mod:`corpus_tools.tokens.sentences` (abbreviations, initials, quotations).
    """
    toks, st, en, tcodes, C = _text_tokens(text, "split")
    if not toks:
        return []
    new = sentence_starts(C.t_class.v[tcodes], st, en, np.zeros(len(toks), np.int64))
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(toks)) - 1
    return list(zip(st[first].tolist(), en[last].tolist()))


class NewsTokenizer:
    """An NLTK-compatible word tokenizer for news prose (``TokenizerI`` interface).

    ``tokenize(text)`` gives the token strings and ``span_tokenize(text)`` the
    offsets, exactly as :func:`word_spans`; ``tokenize_sents`` and
    ``span_tokenize_sents`` work on lists of texts. Raises
    :class:`ParameterError` for a ``hyphens`` other than "split" or "keep".
    """

    def __init__(self, hyphens: str = "split"):
        self.hyphens = check_hyphens(hyphens)

    def tokenize(self, text: str) -> list[str]:
        """The token strings of ``text``."""
        return _text_tokens(text, self.hyphens)[0]

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
        """The ``(start, end)`` offsets of the tokens of ``text``."""
        yield from word_spans(text, self.hyphens)

    def tokenize_sents(self, strings: Iterable[str]) -> list[list[str]]:
        """:meth:`tokenize` of each string."""
        return [self.tokenize(s) for s in strings]

    def span_tokenize_sents(self, strings: Iterable[str]) -> Iterator[list[tuple[int, int]]]:
        """:meth:`span_tokenize` of each string, as lists."""
        for s in strings:
            yield list(self.span_tokenize(s))

    def __repr__(self) -> str:
        return f"NewsTokenizer(hyphens={self.hyphens!r})"
