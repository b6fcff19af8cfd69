"""The sentences behind a pair of entities: every co-occurrence number can be read in the text.

:func:`evidence` returns the sentences of one pair, :func:`evidence_table` the first pairs of a
:func:`~workbench.cooccurrence` table with a few sentences each (the searchable table of the reports).

A large corpus (:func:`workbench.partials.streamed`) is never held whole here: its mentions are read
partition by partition for the rows of the pairs' entities only, and the sentences and texts of the
articles shown only (the partitions that hold them, :func:`workbench.partials.rows_of`); the results
equal the in-memory ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench import params, partials
from workbench.errors import WorkbenchError
from workbench.sentences import sentence_texts

__all__ = ["evidence", "evidence_table"]

EVIDENCE_COLUMNS = ["article_id", "published", "outlet", "title", "sentence", "text", "both"]


def evidence(corpus: Any, entity_a: str, entity_b: str, *, top_n: int | None = None) -> pd.DataFrame:
    """The sentences behind a pair: where both are mentioned, else (same article) where either is.

    Args:
        corpus: a Corpus (articles, sentences and mentions are needed for the text).
        entity_a, entity_b: canonical entity names.
        top_n: at most this many rows (sentences with both first); ``None`` keeps all.

    Returns:
        ``article_id, published, outlet, title, sentence, text, both`` (``both``: the sentence
        mentions both entities; False rows come from articles where they meet only across sentences).

    >>> from workbench import load_corpus
    >>> evidence(load_corpus(cache=False), "Joe Biden", "Xi Jinping")["sentence"].tolist()
    [0, 1, 4]
    """
    if not (hasattr(type(corpus), "mentions") and hasattr(type(corpus), "sentences")):  # not read: maybe large
        raise WorkbenchError("evidence() needs a Corpus (the article text and sentences)")
    top_n = params.top_n(top_n)
    mentions = _mentions_of(corpus, {entity_a, entity_b})
    frame = _located(_pair_rows(mentions, entity_a, entity_b), corpus.articles)
    frame = frame.head(top_n) if top_n else frame
    return _with_text(frame, corpus)


def evidence_table(
    corpus: Any, pairs: pd.DataFrame, *, top_n: int = 25, per_pair: int = 2, measure: str = "count"
) -> pd.DataFrame:
    """The first ``top_n`` pairs with the sentences behind them, for a searchable table.

    Args:
        corpus: the Corpus the pairs were counted in (for the sentences).
        pairs: a table of :func:`~workbench.cooccurrence`, in the order to show.
        top_n: how many pairs to show.
        per_pair: sentences shown per pair.
        measure: the measure column shown next to the counts.

    Returns:
        ``entity_a, entity_b, count, articles, <measure>, first_seen, outlets, evidence`` where
        ``evidence`` holds up to ``per_pair`` sentences (both entities in one sentence first).

    >>> import workbench
    >>> corpus = workbench.load_corpus(cache=False)
    >>> table = evidence_table(corpus, workbench.cooccurrence(corpus, level="sentence"), top_n=1)
    >>> table[["entity_a", "entity_b", "count"]].values.tolist()
    [['North Korea', 'Russia', 4]]
    """
    columns = [
        "entity_a",
        "entity_b",
        "count",
        "articles",
        *([measure] if measure not in ("count",) else []),
        "first_seen",
        "outlets",
        "evidence",
    ]
    chosen = pairs.head(params.top_n(top_n))
    if not len(chosen):
        return pd.DataFrame(columns=columns)
    names = [(str(a), str(b)) for a, b in zip(chosen["entity_a"], chosen["entity_b"], strict=True)]
    mentions = _mentions_of(corpus, {name for pair in names for name in pair})
    found = []  # per pair: its first rows, when it was first seen and in which outlets (not every row: memory)
    info = corpus.articles[["article_id", "published", "outlet", "title"]]
    info = info[info["article_id"].isin(mentions["article_id"].unique()).to_numpy()]  # taken once, not per pair
    for a, b in names:
        located = _located(_pair_rows(mentions, a, b), info)
        found.append(
            (
                located.head(per_pair),
                located["published"].min() if len(located) else pd.NaT,
                ", ".join(sorted(str(o) for o in located["outlet"].dropna().unique())),
            )
        )
    shown = _with_text(pd.concat([first for first, _, _ in found], ignore_index=True), corpus)
    texts = iter(shown["text"].fillna("").astype(str).tolist())  # no text: a sentence the table lacks
    rows = []
    for row, (a, b), (first, first_seen, outlets) in zip(chosen.itertuples(index=False), names, found, strict=True):
        sentences = [next(texts) for _ in range(len(first))]
        rows.append(
            {
                "entity_a": a,
                "entity_b": b,
                "count": int(row.count),
                "articles": int(row.articles),
                **({measure: round(float(getattr(row, measure)), 3)} if measure != "count" else {}),
                "first_seen": first_seen,
                "outlets": outlets,
                "evidence": " … ".join(sentences),
            }
        )
    return pd.DataFrame(rows)[columns]


def _mentions_of(corpus: Any, entities: set[str]) -> pd.DataFrame:
    """``article_id, sentence, entity`` of the mentions of ``entities`` (partition by partition if large)."""
    wanted = list(entities)
    if not partials.streamed(corpus, "mentions"):
        mentions = corpus.mentions
        return mentions.loc[mentions["entity"].isin(wanted).to_numpy(), ["article_id", "sentence", "entity"]]
    parts = [
        part[part["entity"].isin(wanted).to_numpy()]
        for part in partials.parts(corpus, "mentions", ["article_id", "sentence", "entity"])
    ]
    if not parts:
        return pd.DataFrame({"article_id": [], "sentence": [], "entity": []}).astype(
            {"article_id": "string", "sentence": "int64", "entity": "string"}
        )
    return pd.concat(parts, ignore_index=True)


def _pair_rows(mentions: pd.DataFrame, entity_a: str, entity_b: str) -> pd.DataFrame:
    """``article_id, sentence, both``: the sentences of one pair, in key order (see :func:`evidence`).

    The sentences of the articles that mention both entities: every sentence where both are, and, in an
    article where they never share a sentence, every sentence where either is. Counted on integer codes
    (a report asks this for 25 pairs of the most mentioned entities, each in thousands of sentences).
    """
    entity = mentions["entity"]
    is_a = np.asarray((entity == entity_a).fillna(False), dtype=bool)
    is_b = np.asarray((entity == entity_b).fillna(False), dtype=bool)
    either = is_a | is_b
    pair = mentions[either]
    side = np.where(is_a[either], 0, 1)  # a pair of one entity twice has one side: no article has both
    article, _ = pd.factorize(pair["article_id"], sort=True)  # code order = the order of the ids
    sentence = pair["sentence"].to_numpy(dtype=np.int64)
    with_both = np.isin(article, np.intersect1d(article[side == 0], article[side == 1]))
    position = np.flatnonzero(with_both)
    article, sentence, side = article[with_both], sentence[with_both], side[with_both]
    order = np.lexsort((sentence, article))
    article, sentence, side, position = article[order], sentence[order], side[order], position[order]
    starts = np.r_[True, (article[1:] != article[:-1]) | (sentence[1:] != sentence[:-1])] if len(order) else order > 0
    unit = np.cumsum(starts) - 1
    units = int(starts.sum())
    both = np.zeros(units, dtype=bool)
    both[np.intersect1d(unit[side == 0], unit[side == 1])] = True
    unit_article = article[starts]
    keep = both | ~np.isin(unit_article, unit_article[both])
    rows = pair.iloc[position[starts][keep]]
    return pd.DataFrame(
        {"article_id": rows["article_id"].array, "sentence": rows["sentence"].array, "both": both[keep]}
    )


def _located(rows: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """The rows with their articles' date, outlet and title, sentences with both first, then by date."""
    info = articles[["article_id", "published", "outlet", "title"]]
    frame = rows.merge(info, on="article_id")
    frame = frame[["article_id", "published", "outlet", "title", "sentence", "both"]]
    return frame.sort_values(
        ["both", "published", "article_id", "sentence"], ascending=[False, True, True, True], kind="stable"
    ).reset_index(drop=True)


def _with_text(frame: pd.DataFrame, corpus: Any) -> pd.DataFrame:
    """``frame`` with the ``text`` of each row's sentence (read for its articles only on a large corpus)."""
    frame = frame.copy()
    if partials.streamed(corpus, "sentences"):
        shown = partials.rows_of(corpus, frame["article_id"])
        articles, sentences = shown.articles, shown.sentences
    else:
        articles, sentences = corpus.articles, corpus.sentences
    frame["text"] = sentence_texts(frame, articles=articles, sentences=sentences).astype("string")
    return frame[EVIDENCE_COLUMNS]
