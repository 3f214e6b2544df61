"""Voice: direct quotation, reported speech and mentions, and the authors' own words.

:func:`quotations` finds the spans by surface patterns, paragraph by
paragraph, with the speaker where the same sentence names one;
:func:`quoted_share` measures how much of each document they cover and
:func:`authorial_tokens` drops them from the token table. Sentences are those
of :func:`corpus_tools.tokens.split_sentences`, the same as the token table's.
The figure is :func:`corpus_tools.plots.compare.plot_quoted_share`.
"""
from __future__ import annotations

import bisect
import re
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..corpus import Corpus
from ..errors import ParameterError
from ..tokens import column_codes, split_sentences, token_frame

__all__ = [
    "quotations",
    "quoted_share",
    "authorial_tokens",
    "token_spans",
    "SPEECH_VERBS",
    "QUOTATION_COLUMNS",
    "MENTION_MAX_WORDS",
]


#: Verbs that introduce speech. Inflected forms are listed rather than
#: stemmed so that the pattern stays readable and auditable.
SPEECH_VERBS = (
    "say", "says", "said", "claim", "claims", "claimed", "state", "states", "stated",
    "argue", "argues", "argued", "note", "notes", "noted", "insist", "insists", "insisted",
    "stress", "stresses", "stressed", "warn", "warns", "warned", "declare", "declares",
    "declared", "assert", "asserts", "asserted", "add", "adds", "added", "announce",
    "announces", "announced", "emphasize", "emphasizes", "emphasized", "emphasise",
    "emphasises", "emphasised", "acknowledge", "acknowledges", "acknowledged", "admit",
    "admits", "admitted", "predict", "predicts", "predicted", "conclude", "concludes",
    "concluded", "concluding", "suggest", "suggests", "suggested", "contend", "contends",
    "contended", "remark", "remarks", "remarked", "write", "writes", "wrote", "explain",
    "explains", "explained", "observe", "observes", "observed", "told", "tells", "tell",
    "put it", "puts it", "called", "calls",
)
_VERB = r"(?:" + "|".join(sorted((re.escape(v) for v in SPEECH_VERBS), key=len, reverse=True)) + r")"
# A capitalised word; a period only after an initial or a title ("J.", "Mr."),
# so that a name never runs across a sentence end ("… Charter. I said").
_CAP = r"(?:(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|St|Jr|Gen|Prof)\.|[A-Z][\w’'\-]*)"
_CONNECT = r"(?:of(?:\s+the)?|de|van|von|al|bin|and)"
_ROLE = r"(?:\s+(?:administration|government|ministry|spokesman|spokesperson|spokeswoman|officials?|leaders?|side|delegation|report|statement))?"
_NAME = (
    rf"(?:{_CAP}(?:\s+(?:{_CAP}|{_CONNECT}\s+{_CAP})){{0,4}}{_ROLE}"
    r"|the\s+authors?|the\s+report|the\s+article|the\s+latter|\b(?:[Hh]e|[Ss]he|[Tt]hey)\b)"
)
_APPOSITIVE = r"(?:,\s[^,“”\"]{1,80},)?"
# Up to three lower-case words between subject and verb ("the author comes
# around to concluding:", "Xi has also said").
_BETWEEN = r"(?:\s+[a-z][a-z\-]*){0,3}"
# What may follow the verb before the quotation opens: nothing, a comma or
# colon ("Xi said, “"), a "that" clause ("Putin claimed that this meeting
# would “"), or a short phrase ending in a comma or colon ("told the New
# York Times, “", "said on June 18 1986: “"). Requiring this keeps nouns
# that look like verbs ("the Westphalian state order, … in “") out.
_TAIL = r"(?:\s*[,:]?|\s+that\b[^.!?“”\"]{0,70}|[^.!?“”\"]{0,70}[,:])\s*$"
_BEFORE = re.compile(rf"(?P<speaker>{_NAME}){_APPOSITIVE}{_BETWEEN}\s+{_VERB}\b{_TAIL}")
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?P<speaker>{_NAME}),[^.!?“”\"]{{0,120}}$")
_POSSESSIVE = re.compile(
    rf"(?P<speaker>{_NAME})[’']s\s+(?:speech|remarks|statement|words|address|letter|article|message"
    r"|conclusion|view|argument|claim|assertion|warning|comment|comments|position|phrase|formula)\b"
    r"[^.!?“”\"]{0,80}$"
)
_AFTER_VS = re.compile(rf"^\s*[,.:;—–-]?\s*{_VERB}\s+(?P<speaker>{_NAME})")
_AFTER_SV = re.compile(rf"^\s*[,.:;—–-]?\s*(?P<speaker>{_NAME}){_BETWEEN}\s+{_VERB}\b")
_REPORTED = re.compile(rf"(?P<speaker>{_NAME}){_APPOSITIVE}{_BETWEEN}\s+{_VERB}\s+that\s+")
_CURLY = re.compile(r"“([^“”]+)”")
_STRAIGHT = re.compile(r'"([^"]+)"')

#: Words stripped from the front of a candidate speaker ("As Max Baucus" ->
#: "Max Baucus"); a speaker made only of these is no speaker ("It said").
_SPEAKER_STOP = frozenset(
    "a an and as at after although also according because before besides but by earlier "
    "finally for from furthermore hence however if in indeed it its last later meanwhile "
    "moreover now of officially on recently since so still that the then there therefore "
    "these they this those though thus to today when while with yet he she his her their "
    "one some many most others or both either each all such what who which nor not".split()
)
#: First-person subjects: "We stated that …" is the author's own voice.
_FIRST_PERSON = frozenset({"i", "we", "my", "our", "us"})
#: Quoted spans of at most this many words with no speaker are "mentions":
#: scare quotes, slogans and titles ("one China policy", "partnership").
MENTION_MAX_WORDS = 3
QUOTATION_COLUMNS = ["doc_id", "paragraph", "start", "end", "quote", "speaker", "kind", "n_words"]


def _clean_speaker(raw: str) -> str:
    """Normalise a matched speaker: strip leading function words and possessives."""
    words = raw.split()
    while words and words[0].lower().strip(".,") in _SPEAKER_STOP | _FIRST_PERSON:
        # keep "the" before a common noun: "the author", "the report"
        if words[0].lower() == "the" and len(words) > 1 and words[1][:1].islower():
            break
        words = words[1:]
    # "Wall Street Journal’s Chinese website" -> "Wall Street Journal"
    for i, w in enumerate(words):
        if re.search(r"[’']s$", w):
            words = words[: i + 1]
            words[-1] = re.sub(r"[’']s$", "", words[-1])
            break
    out = " ".join(words).strip(" ,")
    # drop a sentence period, keep an acronym's ("U.S.")
    return out[:-1] if out.endswith(".") and not re.search(r"(?:\b[A-Z]\.)+$", out) else out


_TITLE_SMALL = frozenset("a an the and or of with in on for to at by as from".split())


def _is_title(text: str) -> bool:
    """Title-case text ("Belt and Road Initiative"): a name or title, not speech."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'\-]*", text)]
    caps = sum(w[0].isupper() for w in words)
    return caps >= 2 and all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words)


def _is_first_person(raw: str) -> bool:
    first = raw.split()[0].lower() if raw.split() else ""
    return first in _FIRST_PERSON or raw.lower().startswith(("my delegation", "our delegation"))


def _paragraph_quotations(text: str) -> list[dict]:
    """Direct quotations and reported speech in one paragraph (see :func:`quotations`)."""
    spans: list[tuple[int, int]] = []  # inner spans of quotation marks
    for rx in (_CURLY, _STRAIGHT):
        for m in rx.finditer(text):
            s, e = m.span(1)
            if any(s < e2 and s2 < e for s2, e2 in spans):
                continue  # a straight pair inside or across a curly pair
            spans.append((s, e))
    spans.sort()
    reported = list(_REPORTED.finditer(text))
    if not spans and not reported:
        return []  # most paragraphs: no need to split them into sentences
    # The token table's sentences (tokens.split_sentences), so that a quotation's
    # sentence is the one stance() and actor_sentences() see.
    sentences = split_sentences(text) or [(0, len(text))]
    starts = [a for a, _ in sentences]

    def sentence_of(pos: int) -> int:
        """Index of the sentence that holds (or last started before) offset ``pos``."""
        return max(bisect.bisect_right(starts, pos) - 1, 0)

    rows: list[dict] = []
    prev_end, prev_speaker, prev_sentence = -1, "", -1
    for s, e in spans:
        # trim whitespace and the comma that closes "“…,” said X"
        inner = text[s:e]
        lead = len(inner) - len(inner.lstrip())
        inner = inner.strip()
        trimmed = inner.rstrip(",;: ")
        s, e = s + lead, s + lead + len(trimmed)
        if not trimmed:
            continue
        sent = sentence_of(s - 1)  # the sentence of the opening mark
        window_start = max(starts[sent], prev_end + 1)
        before = text[window_start: max(window_start, s - 1)]
        after_end = e + (len(inner) - len(trimmed)) + 1  # past the closing mark
        after = text[after_end: after_end + 80]
        speaker = None
        for rx, where in ((_BEFORE, before), (_ACCORDING, before), (_POSSESSIVE, before)):
            m = rx.search(where)
            if m:
                speaker = m.group("speaker")
                break
        if speaker is None:
            for rx in (_AFTER_VS, _AFTER_SV):
                m = rx.search(after)
                if m:
                    speaker = m.group("speaker")
                    break
        cleaned = _clean_speaker(speaker) if speaker else ""
        if speaker is None and prev_sentence == sent and prev_speaker:
            # "Wei said: “…” – and to “…”": a second quotation in the same
            # sentence with no attribution of its own continues the first.
            cleaned = prev_speaker
        n_words = len(trimmed.split())
        is_mention = n_words <= MENTION_MAX_WORDS or _is_title(trimmed)
        kind = "quote" if (cleaned or not is_mention) else "mention"
        rows.append(dict(start=s, end=e, quote=trimmed, speaker=cleaned, kind=kind, n_words=n_words))
        prev_end, prev_speaker, prev_sentence = after_end, cleaned, sent

    for m in reported:
        raw = m.group("speaker")
        if _is_first_person(raw):
            continue
        s = m.end()
        content = text[s:sentences[sentence_of(s)][1]]
        e = s + len(content.rstrip().rstrip(".!?…”\"’) "))
        if e <= s:
            continue
        # Reported speech that contains or sits inside a direct quotation is
        # the frame of that quotation, which already carries the speaker.
        if any(m.start() < qe and qs < e for qs, qe in spans):
            continue
        rows.append(
            dict(start=s, end=e, quote=text[s:e], speaker=_clean_speaker(raw), kind="reported",
                 n_words=len(text[s:e].split()))
        )
    rows.sort(key=lambda r: (r["start"], r["end"]))
    return rows


def quotations(corpus: Corpus) -> pd.DataFrame:
    """Quoted and reported speech in every paragraph, with the speaker where it is named.

    Three kinds of span are found, paragraph by paragraph:

    * ``quote``: text inside “curly” or "straight" double quotation marks
      (marks are paired within a paragraph; an unclosed mark is ignored);
    * ``mention``: a quoted span of at most :data:`MENTION_MAX_WORDS` words
      with no speaker -- scare quotes, slogans, titles (“one China policy”),
      kept apart because they are the author's own voice naming a phrase;
    * ``reported``: "X said/claimed/stated/argued/noted/… that …", from after
      *that* to the end of the sentence (sentences are those of the token
      table, :func:`corpus_tools.tokens.split_sentences`). Reported speech whose frame overlaps
      a direct quotation is not repeated (the quotation carries the speaker),
      and first-person frames ("We stated that") are the author's own voice
      and are skipped.

    The speaker of a quotation is taken, in this order, from the text before
    it in the same sentence ("Xi said, “…", "Max Baucus, a former ambassador,
    told the New York Times, “…", "According to Xi, …", "Xi’s speech …"),
    then from the text right after it ("“…,” said Xi" / "“…,” Xi said"); a
    second quotation in the same sentence with no attribution of its own
    inherits the first one's speaker. Leading function words ("As", "The")
    are stripped and pronouns give an empty speaker. These are surface
    patterns: they miss attributions made in an earlier sentence and can
    mistake a grammatical subject for a speaker, so read the table.

    Returns one row per span, sorted by ``doc_id, paragraph, start``: columns
    ``doc_id, paragraph, start, end, quote, speaker, kind, n_words``, where
    ``start``/``end`` are character offsets of the quoted text (without the
    marks) within ``Document.paragraphs[paragraph]`` -- the same offsets as
    the token table's ``start``/``end``, so :func:`authorial_tokens` can drop
    the tokens inside. ``n_words`` counts whitespace-separated words.

    Use :func:`quoted_share` for the share of each document's words quoted.
    """
    rows = []
    for doc in corpus:
        for p, text in enumerate(doc.paragraphs):
            for r in _paragraph_quotations(text):
                rows.append({"doc_id": doc.doc_id, "paragraph": p, **r})
    frame = pd.DataFrame(rows, columns=QUOTATION_COLUMNS)
    return frame.astype({"paragraph": "int64", "start": "int64", "end": "int64", "n_words": "int64"})


def _merged_word_count(texts: dict, spans: pd.DataFrame) -> int:
    """Words inside the union of ``spans`` (rows of one document)."""
    total = 0
    for p, grp in spans.groupby("paragraph", sort=True):
        text = texts[p]
        cur_s = cur_e = None
        for s, e in sorted(zip(grp["start"], grp["end"])):
            if cur_e is not None and s <= cur_e:
                cur_e = max(cur_e, e)
                continue
            if cur_e is not None:
                total += len(text[cur_s:cur_e].split())
            cur_s, cur_e = s, e
        if cur_e is not None:
            total += len(text[cur_s:cur_e].split())
    return total


def quoted_share(
    corpus: Corpus,
    quotes: pd.DataFrame | None = None,
    *,
    kinds: Sequence[str] = ("quote", "reported"),
) -> pd.DataFrame:
    """How much of each document is other people's words.

    ``quotes`` is the output of :func:`quotations` (computed if omitted).
    Returns one row per document, in corpus order: ``doc_id, n_words,
    quote_words, reported_words, mention_words, quoted_words, share``.
    Word counts are whitespace-separated words, the same unit as
    ``Document.n_words`` (the denominator). ``quoted_words`` counts the words
    inside the union of the spans whose kind is in ``kinds`` (direct quotes
    and reported speech by default; mentions are the author's own voice), so
    overlapping spans are counted once; ``share = quoted_words / n_words``.
    """
    if quotes is None:
        quotes = quotations(corpus)
    unknown = set(kinds) - {"quote", "reported", "mention"}
    if unknown:
        raise ParameterError(f"quoted_share: unknown kinds {sorted(unknown)}; use quote, reported, mention")
    rows = []
    empty = quotes.iloc[0:0]
    by_doc = {str(d): g for d, g in quotes.groupby("doc_id", sort=False)}
    for doc in corpus:
        q = by_doc.get(doc.doc_id, empty)
        texts = dict(enumerate(doc.paragraphs))
        row = {"doc_id": doc.doc_id, "n_words": doc.n_words}
        for kind in ("quote", "reported", "mention"):
            row[f"{kind}_words"] = _merged_word_count(texts, q[q["kind"] == kind])
        row["quoted_words"] = _merged_word_count(texts, q[q["kind"].isin(list(kinds))])
        row["share"] = row["quoted_words"] / row["n_words"] if row["n_words"] else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def authorial_tokens(tokens, quotes: pd.DataFrame, *, kinds: Sequence[str] = ("quote", "reported")):
    """The token table without the tokens inside quotations: the authors' own words.

    ``quotes`` is :func:`quotations` of the same corpus. A token is dropped
    when its character span lies inside a span (``start``/``end`` within the
    same ``doc_id`` and ``paragraph``) whose kind is in ``kinds`` -- direct
    quotations and reported speech by default; mentions (scare quotes,
    titles) are the author's own voice and stay. The quotation marks
    themselves are punctuation outside the span and stay too.

    Returns a ``Tokens`` like the input with a filtered ``frame``; sentences,
    paragraphs and documents are unchanged, so denominators computed from
    the frame (``n_group`` in :func:`corpus_tools.compare.distinctive_terms`) shrink to the
    authors' own words.
    """
    frame = token_frame(tokens)
    need = {"doc_id", "paragraph", "start", "end", "kind"}
    if not need <= set(quotes.columns):
        raise ParameterError(f"quotes needs columns {sorted(need)} (the output of compare.quotations)")
    spans = quotes[quotes["kind"].isin(list(kinds))]
    if spans.empty:
        return tokens
    # Pre-select the tokens of paragraphs that hold a span, by integer key,
    # so the interval join below touches only those rows.
    doc_codes, doc_cats = column_codes(frame["doc_id"])
    cat_index = {d: i for i, d in enumerate(doc_cats)}
    par = frame["paragraph"].to_numpy(np.int64)
    width = int(max(par.max(initial=0), spans["paragraph"].max()) + 1)
    span_keys = np.array([cat_index.get(str(d), -1) for d in spans["doc_id"]], dtype=np.int64) * width + spans[
        "paragraph"
    ].to_numpy(np.int64)
    cand = np.flatnonzero(np.isin(doc_codes * width + par, span_keys))
    hit = token_spans(
        doc_cats[doc_codes[cand]], par[cand], frame["start"].to_numpy(np.int64)[cand],
        frame["end"].to_numpy(np.int64)[cand], spans,
    )
    drop = np.zeros(len(frame), dtype=bool)
    drop[cand[hit >= 0]] = True
    kept = frame.loc[~drop].reset_index(drop=True)
    spans_id = zlib.crc32(pd.util.hash_pandas_object(spans[["doc_id", "paragraph", "start", "end"]], index=False)
                          .to_numpy().tobytes())
    return tokens.derive(kept, tag=f"authorial:{','.join(sorted(kinds))}:{spans_id:08x}")



def token_spans(
    doc: np.ndarray, par: np.ndarray, start: np.ndarray, end: np.ndarray, spans: pd.DataFrame
) -> np.ndarray:
    """Which span holds each token: an index into ``spans``, or -1 for a token outside them all.

    ``doc``, ``par``, ``start`` and ``end`` are parallel arrays, one entry per
    token (``doc_id``, ``paragraph`` and character offsets, as in the token
    table); ``spans`` has columns ``doc_id, paragraph, start, end`` (the
    output of :func:`quotations`, or a subset of it). A token is inside a span
    when both its offsets lie within the span's, in the same document and
    paragraph; if spans overlap, the first in ``spans`` order wins. Used by
    :func:`authorial_tokens` and by :func:`corpus_tools.compare.stance.stance`
    (the ``voice`` column).

    Returns an int64 array of ``len(doc)`` positions (0-based, ``spans``
    reset to a RangeIndex). Vectorised: tokens are joined only with the spans
    of their own paragraph.
    """
    hit = np.full(len(doc), -1, dtype=np.int64)
    if spans is None or spans.empty or len(doc) == 0:
        return hit
    tok = pd.DataFrame({"doc_id": doc, "paragraph": par, "start": start, "end": end, "_row": np.arange(len(doc))})
    sp = spans.reset_index(drop=True).assign(_span=lambda f: np.arange(len(f)))
    sp = sp[["doc_id", "paragraph", "start", "end", "_span"]].rename(columns={"start": "qs", "end": "qe"})
    sp["doc_id"] = sp["doc_id"].astype(str)
    tok["doc_id"] = tok["doc_id"].astype(str)
    # Join tokens only with the spans of their own paragraph; quotations are
    # few per paragraph, so the join stays small.
    j = tok.merge(sp, on=["doc_id", "paragraph"], how="inner")
    j = j[(j["start"] >= j["qs"]) & (j["end"] <= j["qe"])]
    j = j.drop_duplicates("_row")
    hit[j["_row"].to_numpy()] = j["_span"].to_numpy()
    return hit
