"""Stance: alliance and partnership terms, classified by the negation and hedge markers in scope.

A NegEx-style rule (Chapman et al. 2001) over the token table's sentences,
with the quotation spans of :mod:`corpus_tools.compare.voice` giving each
occurrence its voice. The figure is
:func:`corpus_tools.plots.compare.plot_stance`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..corpus import group_labels, shorten
from ..errors import ParameterError
from ..tokens import bool_column, column_codes, token_frame
from .voice import token_spans

__all__ = ["stance", "stance_summary", "format_stance", "STANCE_TERMS", "STANCE_MARKERS", "STANCE_CLASSES"]


#: Term families for the corpus's central question; each term is a lemma.
STANCE_TERMS: dict[str, tuple[str, ...]] = {
    "alliance": ("alliance", "ally"),
    "partnership": ("partnership", "partner"),
}

#: Marker phrase -> kind. ``negation`` applies to a term that *follows* it in
#: the same clause ("not alliance", "partnership instead of alliance" negates
#: alliance only); ``hedge`` applies to every term in its clause, before or
#: after ("an alliance … cannot be excluded"); ``pseudo`` phrases look like
#: negations but are not ("not only … but also") and switch the words off.
STANCE_MARKERS: dict[str, str] = {
    **{w: "negation" for w in (
        "not", "no", "never", "neither", "nor", "without", "none", "rather than", "instead of",
        "yet to", "far from", "reject", "rejects", "rejected", "rejecting", "eschew", "eschews",
        "eschewed", "refuse", "refuses", "refused", "deny", "denies", "denied", "non",
    )},
    **{w: "hedge" for w in (
        "unlikely", "cannot be excluded", "cannot be ruled out", "may", "might", "could", "perhaps",
        "possibly", "possible", "possibility", "whether", "if", "potential", "hardly",
    )},
    **{w: "pseudo" for w in (
        "not only", "not just", "no matter", "not to mention", "no doubt", "no less", "nothing but",
    )},
}
#: Punctuation that closes a clause for the marker scope.
_CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "(", ")", "[", "]", "?", "!", "."})
STANCE_CLASSES = ("negated", "hedged", "question", "unmarked")


def _norm_words(phrase: str) -> list[str]:
    return [w for w in re.split(r"\s+", phrase.strip().lower()) if w]


def _marker_index(markers: Mapping[str, str]) -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
    """First word -> [(words, phrase, kind)], longest first; "cannot" also as "can not"."""
    index: dict[str, list] = {}
    for phrase, kind in markers.items():
        if kind not in ("negation", "hedge", "pseudo"):
            raise ParameterError(f"STANCE markers: {phrase!r} has kind {kind!r}; use negation, hedge or pseudo")
        words = _norm_words(phrase)
        if not words:
            continue
        variants = {tuple(words)}
        if "cannot" in words:
            i = words.index("cannot")
            variants.add(tuple(words[:i] + ["can", "not"] + words[i + 1:]))
        for v in variants:
            index.setdefault(v[0], []).append((v, phrase, kind))
    for v in index.values():
        v.sort(key=lambda t: -len(t[0]))
    return index


def _term_families(cats: np.ndarray, terms: Mapping[str, Sequence[str]]) -> dict[int, tuple[str, str]]:
    """Category code -> (family, term) for every lemma that counts as a stance term.

    A lemma counts when it is a term, when one part of a merged multiword
    lemma is (``strategic_partnership``), or when the part before its first
    hyphen is (``alliance-making`` with ``hyphens="keep"``; but not
    ``non-alliance``: a word with a bound prefix is one token whose first
    part is the prefix). Each token counts once: a compound or merged
    phrase is one token, never counted beside its parts.
    """
    lookup = {}
    for family, words in terms.items():
        for w in ([words] if isinstance(words, str) else words):
            lookup[str(w).lower()] = str(family)
    out = {}
    for code, lemma in enumerate(cats):
        low = str(lemma).lower()
        parts = low.split("_")
        hit = lookup.get(low) or next((lookup[p] for p in parts if p in lookup), None)
        if hit is None and "-" in low:
            hit = lookup.get(low.split("-")[0])
        if hit is not None:
            out[code] = (hit, low)
    return out


def stance(
    tokens,
    *,
    by: str = "author",
    terms: Mapping[str, Sequence[str]] | Sequence[str] = STANCE_TERMS,
    markers: Mapping[str, str] | Sequence[str] = STANCE_MARKERS,
    quotes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every alliance / partnership term, classified by the markers in its scope.

    ``terms`` maps a family ("alliance", "partnership") to its lemmas (a plain
    list makes each term its own family). ``markers`` maps a phrase to
    ``negation``, ``hedge`` or ``pseudo`` (a plain list means negations).
    Phrases match the lower-cased surface forms of consecutive tokens; a
    one-word marker also matches by lemma ("rejected" -> "reject").

    **The rule** (after NegEx, Chapman et al. 2001, J. Biomed. Inform. 34(5):
    301-310, which scopes a trigger over the next few words): a sentence is
    cut into clauses at , ; : — ( ) and the like. For each occurrence of a
    term,

    * a *negation* marker counts if it is in the same clause and *before*
      the term ("not alliance", "has yet to form a military alliance",
      "partnership instead of alliance" -> alliance negated, partnership not);
    * a *hedge* marker counts anywhere in the same clause ("the possibility
      of … a formal military alliance cannot be excluded");
    * a *pseudo* phrase ("not only", "no matter", "not to mention") is
      matched first and hides the negation words inside it.

    ``classification`` is ``negated`` if a negation counts, else ``hedged``
    if a hedge counts, else ``question`` if the sentence ends with "?", else
    ``unmarked`` -- no marker found, which is *not* the same as the author
    endorsing an alliance: read the KWIC lines (:func:`format_stance`).
    Known misses: a negation after the term ("the alliance would not …")
    and marked clauses that continue past a comma are not caught.

    ``quotes`` (from :func:`corpus_tools.compare.voice.quotations`) adds the ``voice`` column: ``author``
    or ``quoted: <speaker>`` when the term lies inside a quotation or
    reported speech.

    Returns ``group, doc_id, paragraph, sentence, position, family, term,
    classification, markers, voice, left, keyword, right``, one row per
    occurrence in document order; ``left``/``keyword``/``right`` are the
    sentence text around the term, so each line can be checked by eye.
    """
    frame = token_frame(tokens)
    if isinstance(terms, str):
        terms = [terms]
    if not isinstance(terms, Mapping):
        terms = {str(t): (str(t),) for t in terms}
    if not terms:
        raise ParameterError("STANCE_TERMS is empty; give at least one term")
    if isinstance(markers, str):
        markers = [markers]
    if not isinstance(markers, Mapping):
        markers = {str(m): "negation" for m in markers}
    index = _marker_index(markers)
    cols = ["group", "doc_id", "paragraph", "sentence", "position", "family", "term", "classification",
            "markers", "voice", "left", "keyword", "right"]

    lemma_codes, lemma_cats = column_codes(frame["lemma"])
    fam = _term_families(lemma_cats, terms)
    hits = np.flatnonzero(np.isin(lemma_codes, np.fromiter(fam.keys(), dtype=np.int64, count=len(fam))))
    if hits.size == 0:
        return pd.DataFrame(columns=cols)
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    sent = frame["sentence"].to_numpy(np.int64)
    key = doc_codes * (int(sent.max()) + 1) + sent
    rows = np.flatnonzero(np.isin(key, np.unique(key[hits])))
    sub = frame.iloc[rows]
    norms = sub["norm"].astype(str).str.lower().to_numpy(object)
    norms = np.where(norms == "n't", "not", norms)
    lemmas = sub["lemma"].astype(str).str.lower().to_numpy(object)
    surface = sub["token"].astype(str).to_numpy(object)
    punct = bool_column(sub, "is_punct")
    sub_key = key[rows]
    is_hit = np.isin(rows, hits)

    sentences = tokens.sentences.assign(doc_id=lambda f: f["doc_id"].astype(str))
    sent_info = sentences.set_index(["doc_id", "sentence"])[["start", "text"]]
    groups = group_labels(tokens.docs, by)
    doc_str = doc_cats[doc_codes[rows]]
    par = sub["paragraph"].to_numpy(np.int64)
    pos = sub["position"].to_numpy(np.int64)
    t_start = sub["start"].to_numpy(np.int64)
    t_end = sub["end"].to_numpy(np.int64)
    voice_idx = np.full(len(rows), -1)
    qspans = None
    if quotes is not None and not quotes.empty:
        qspans = quotes[quotes["kind"].isin(["quote", "reported"])].reset_index(drop=True)
        voice_idx = token_spans(doc_str, par, t_start, t_end, qspans)

    out = []
    bounds = np.flatnonzero(np.r_[True, sub_key[1:] != sub_key[:-1], True])
    for b0, b1 in zip(bounds[:-1], bounds[1:]):
        # Markers in this sentence, left to right, longest phrase first.
        clause = np.cumsum([bool(punct[i]) and surface[i] in _CLAUSE_BREAKS for i in range(b0, b1)])
        found = []
        i = b0
        while i < b1:
            step = 1
            for words, phrase, kind in index.get(norms[i], []) + index.get(lemmas[i], []):
                k = len(words)
                if i + k <= b1 and (
                    all(norms[i + j] == words[j] for j in range(k)) or (k == 1 and lemmas[i] == words[0])
                ):
                    found.append((i, i + k, phrase, kind, clause[i - b0]))
                    step = k
                    break
            i += step
        d, s_no = doc_str[b0], int(sent[rows[b0]])
        s_start, s_text = sent_info.loc[(d, s_no)] if (d, s_no) in sent_info.index else (0, "")
        for i in range(b0, b1):
            if not is_hit[i]:
                continue
            c = clause[i - b0]
            scope = [f for f in found if f[4] == c and f[3] != "pseudo" and (f[3] == "hedge" or f[1] <= i)]
            kinds = {f[3] for f in scope}
            if "negation" in kinds:
                label = "negated"
            elif "hedge" in kinds:
                label = "hedged"
            elif str(s_text).rstrip().rstrip("”\"’)").endswith("?"):
                label = "question"
            else:
                label = "unmarked"
            family, term = fam[lemma_codes[rows[i]]]
            a, z = int(t_start[i] - s_start), int(t_end[i] - s_start)
            if voice_idx[i] >= 0:
                spk = qspans.at[int(voice_idx[i]), "speaker"]
                voice = f"quoted: {spk}" if spk else "quoted"
            else:
                voice = "author"
            out.append(
                {
                    "group": groups.get(d, d), "doc_id": d, "paragraph": int(par[i]), "sentence": s_no,
                    "position": int(pos[i]), "family": family, "term": term, "classification": label,
                    "markers": "; ".join(dict.fromkeys(f[2] for f in scope)), "voice": voice,
                    "left": s_text[:a], "keyword": s_text[a:z], "right": s_text[z:],
                }
            )
    frame = pd.DataFrame(out, columns=cols)
    frame.attrs["families"] = [str(f) for f in terms]
    return frame


def stance_summary(st: pd.DataFrame) -> pd.DataFrame:
    """Counts per ``group, family, classification`` (full grid), with ``share`` within group x family.

    Families come in the order of the ``terms`` given to :func:`stance`
    (kept in ``st.attrs["families"]``), then any others found.
    """
    cols = ["group", "family", "classification", "n", "share"]
    if st.empty:
        return pd.DataFrame(columns=cols)
    families = [f for f in st.attrs.get("families", []) if f in set(st["family"])]
    families += [f for f in dict.fromkeys(st["family"]) if f not in families]
    grid = pd.MultiIndex.from_product(
        [sorted(st["group"].unique()), families, list(STANCE_CLASSES)],
        names=["group", "family", "classification"],
    )
    n = st.groupby(["group", "family", "classification"]).size().reindex(grid, fill_value=0).rename("n")
    out = n.reset_index()
    tot = out.groupby(["group", "family"])["n"].transform("sum")
    out["share"] = np.where(tot > 0, out["n"] / tot.where(tot > 0, 1), np.nan)
    return out[cols]


def _clip_left(text: str, width: int) -> str:
    """The last ``width`` characters of ``text``, cut at a word boundary, with a leading ellipsis."""
    text = " ".join(str(text).split()) + (" " if str(text)[-1:].isspace() else "")
    if len(text) <= width:
        return text
    tail = text[-(width - 1):]
    cut = tail.find(" ")
    return "…" + (tail[cut + 1:] if 0 <= cut < len(tail) - 1 else tail)


def _clip_right(text: str, width: int) -> str:
    """The first ``width`` characters of ``text``, cut at a word boundary, with a trailing ellipsis."""
    text = (" " if str(text)[:1].isspace() else "") + " ".join(str(text).split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    cut = head.rfind(" ")
    return (head[:cut] if cut > 0 else head) + "…"


def format_stance(st: pd.DataFrame, labels: Mapping[str, str] | pd.Series | None = None, *,
                  width: int = 55, max_lines: int | None = None) -> str:
    """Stance rows as aligned KWIC lines: label, paragraph, class, left [keyword] right, markers."""
    if st.empty:
        return "(no occurrences)"
    shown = st if max_lines is None else st.head(max_lines)
    labels = dict(labels) if labels is not None else {}
    tags = [shorten(labels.get(d, d), 24) for d in shown["doc_id"]]
    tag_w = max(len(t) for t in tags)
    lines = []
    for tag, r in zip(tags, shown.itertuples(index=False)):
        left, right = _clip_left(r.left, width), _clip_right(r.right, width)
        note = f"  <{r.markers}>" if r.markers else ""
        who = "" if r.voice == "author" else f"  ({r.voice})"
        lines.append(f"{tag:<{tag_w}} ¶{r.paragraph:<3d} {r.classification:<9} {left:>{width}} [{r.keyword}] {right}{note}{who}")
    if max_lines is not None and len(st) > max_lines:
        lines.append(f"… {len(st) - max_lines} more lines not shown")
    return "\n".join(lines)
