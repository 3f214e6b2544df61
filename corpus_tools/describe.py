"""Descriptive statistics of a corpus and its tokens (notebook 00).

Tables in, tables out: every function takes a :class:`~corpus_tools.corpus.Corpus`
or :class:`~corpus_tools.tokens.Tokens` and returns a tidy DataFrame; the
figures that draw them are in :mod:`corpus_tools.plots.corpus`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .corpus import doc_labels, group_labels
from .tokens import number_mask

__all__ = [
    "token_summary",
    "msttr",
    "term_counts",
    "phrase_counts",
    "actor_counts",
]


def msttr(lemma_codes: np.ndarray, *, segment: int = 100) -> float:
    """Mean segmental type/token ratio (Johnson 1944), segments of ``segment`` tokens.

    The plain type/token ratio falls as a text gets longer, so it cannot
    compare texts of different lengths; averaging the TTR of consecutive
    equal-length segments removes most of that dependence. The last partial
    segment is dropped; a text shorter than one segment gives NaN.
    """
    n = len(lemma_codes) // segment
    if n == 0:
        return float("nan")
    segs = np.asarray(lemma_codes[: n * segment]).reshape(n, segment)
    return float(np.mean([len(np.unique(s)) / segment for s in segs]))


#: A letter outside the Latin script: a word character that is not a digit,
#: underscore, or in Basic Latin .. Latin Extended-B (U+0000-U+024F) or Latin
#: Extended Additional (U+1E00-U+1EFF).
_NON_LATIN = r"[^\W\d_\u0000-\u024F\u1E00-\u1EFF]"


def _words(tokens) -> pd.DataFrame:
    f = tokens.frame
    return f[~f["is_punct"].to_numpy(bool)]


def token_summary(tokens, *, segment: int = 100) -> pd.DataFrame:
    """Per document: ``doc_id, label, n_tokens, n_types, ttr, msttr, n_sentences, n_non_latin``.

    Tokens exclude punctuation; types are distinct lemmas. ``ttr`` is
    types/tokens (length-dependent), ``msttr`` the mean segmental TTR over
    ``segment``-token segments (comparable across lengths). ``n_non_latin``
    counts tokens with a letter from another script (Chinese, Cyrillic,
    Arabic, Greek …): the stopword list, lemmas, phrases and sentiment
    lexicon are English, so such tokens are counted but not interpreted.
    """
    words = _words(tokens)
    codes = np.asarray(words["lemma"].astype("category").array.codes)
    # per distinct surface form, then broadcast: one regex per type, not per token
    surface = words["token"].astype("category")
    cats = pd.Series(surface.cat.categories.astype(str))
    non_latin = cats.str.contains(_NON_LATIN, regex=True).to_numpy(bool)
    is_nl = non_latin[np.asarray(surface.array.codes)] if len(cats) else np.zeros(len(words), bool)
    rows = []
    doc_ids = words["doc_id"].astype(str).to_numpy()
    order = tokens.docs["doc_id"].tolist()
    bounds = {}
    if len(doc_ids):
        change = np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1
        starts = np.r_[0, change]
        ends = np.r_[change, len(doc_ids)]
        bounds = {doc_ids[s]: (s, e) for s, e in zip(starts, ends)}
    n_sent = tokens.sentences.groupby("doc_id", observed=True).size()
    for doc in order:
        s, e = bounds.get(doc, (0, 0))
        c = codes[s:e]
        n, t = len(c), len(np.unique(c))
        rows.append(
            dict(doc_id=doc, n_tokens=n, n_types=t, ttr=t / n if n else np.nan,
                 msttr=msttr(c, segment=segment), n_sentences=int(n_sent.get(doc, 0)),
                 n_non_latin=int(is_nl[s:e].sum()))
        )
    out = pd.DataFrame(rows)
    out.insert(1, "label", doc_labels(tokens.docs).reindex(out["doc_id"]).to_numpy())
    return out


def term_counts(tokens, *, column: str = "lemma", drop_stopwords: bool = True, drop_numbers: bool = True,
                n: int = 20) -> pd.DataFrame:
    """The ``n`` most frequent terms overall: ``term, count, per_1k``.

    ``per_1k`` is per 1,000 non-punctuation tokens of the whole corpus
    (stopwords and numbers included in the denominator). ``drop_stopwords``
    and ``drop_numbers`` (``is_stop``, ``is_num``; see
    :func:`corpus_tools.tokens.listed_mask`) leave those tokens out of the
    listing only. Ties are broken alphabetically so the table is stable.
    """
    words = _words(tokens)
    total = len(words)
    if drop_stopwords:
        words = words[~words["is_stop"].to_numpy(bool)]
    if drop_numbers:
        words = words[~number_mask(words)]
    counts = words[column].astype(str).value_counts()
    out = counts.rename_axis("term").reset_index(name="count")
    out = out.sort_values(["count", "term"], ascending=[False, True]).head(n).reset_index(drop=True)
    out["per_1k"] = (out["count"] / total * 1000).round(3) if total else np.nan
    return out


def phrase_counts(tokens) -> pd.DataFrame:
    """Multiword terms merged by the tokenizer (lemmas with ``_``): ``term, count, n_docs``.

    A merged phrase replaces its words in the token table, so its words are
    never counted beside it (:func:`term_counts` does not count "trade" in
    ``trade_war``). Hyphenated compounds are not listed here: with the
    default ``hyphens="split"`` their parts are the tokens (the ``compound``
    column only records where a part came from; see
    :mod:`corpus_tools.tokens.rules`).
    """
    f = tokens.frame
    lem = f["lemma"].astype(str)
    mask = lem.str.contains("_", regex=False).to_numpy()
    sub = pd.DataFrame({"term": lem[mask].to_numpy(), "doc_id": f["doc_id"].astype(str)[mask].to_numpy()})
    if sub.empty:
        return pd.DataFrame(columns=["term", "count", "n_docs"])
    out = sub.groupby("term").agg(count=("doc_id", "size"), n_docs=("doc_id", "nunique")).reset_index()
    return out.sort_values(["count", "term"], ascending=[False, True]).reset_index(drop=True)


def actor_counts(tokens, *, by: str | None = None) -> pd.DataFrame:
    """Actor mentions per document, or pooled per group of documents.

    ``by=None``: one row per document and actor, ``doc_id, label, actor,
    mentions, n_tokens, per_1k``. ``by="author"`` (any grouping accepted by
    :func:`corpus_tools.notebook.group_labels`): one row per group and actor,
    ``group, label, n_docs, actor, mentions, n_tokens, per_1k``, pooling the
    group's documents (``label`` is the group). ``n_tokens`` counts the
    non-punctuation tokens of the document or of all the group's documents,
    including those that mention no actor; ``per_1k = 1000 * mentions /
    n_tokens``.
    """

    act = tokens.actors()
    per_doc = by is None
    cols = (["doc_id", "label", "actor", "mentions", "n_tokens", "per_1k"] if per_doc
            else ["group", "label", "n_docs", "actor", "mentions", "n_tokens", "per_1k"])
    if act.empty:
        return pd.DataFrame(columns=cols)
    # one path for both: a document is a group of one
    groups = group_labels(tokens.docs, "doc_id" if per_doc else by)
    groups.index = groups.index.astype(str)
    sizes = _words(tokens).groupby("doc_id", observed=True).size()
    sizes.index = sizes.index.astype(str)
    g_tokens = sizes.reindex(groups.index, fill_value=0).groupby(groups).sum()
    out = (
        act.assign(group=act["doc_id"].astype(str).map(groups), actor=act["actor"].astype(str))
        .groupby(["group", "actor"]).size().rename("mentions").reset_index()
    )
    out["n_tokens"] = out["group"].map(g_tokens).astype(int)
    out["per_1k"] = (out["mentions"] / out["n_tokens"] * 1000).round(3)
    if per_doc:
        out = out.rename(columns={"group": "doc_id"})
        out["label"] = doc_labels(tokens.docs).reindex(out["doc_id"]).to_numpy()
    else:
        out["n_docs"] = out["group"].map(groups.value_counts()).astype(int)
        out["label"] = out["group"]
    return out.sort_values(cols[:1] + ["actor"]).reset_index(drop=True)[cols]
