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
    coded = _Coded(_mentions_of(corpus, {name for pair in names for name in pair}))
    info = corpus.articles[["article_id", "published", "outlet", "title"]]
    row_of = pd.Index(info["article_id"]).get_indexer(coded.article_ids)  # per article code: its row, or -1
    published = info["published"].to_numpy()
    when = published.view(np.int64).copy()
    when[np.isnat(published)] = np.iinfo(np.int64).max  # no date: last, as sort_values puts it
    outlet = info["outlet"].astype(object).to_numpy()
    found = []  # per pair: its first rows, when it was first seen and in which outlets (not every row: memory)
    for a, b in names:
        _, article, sentence, both = coded.units(a, b)
        rows = row_of[article]
        kept = rows >= 0  # an article the corpus lacks has no row (as the merge with the articles drops it)
        rows, article, sentence, both = rows[kept], article[kept], sentence[kept], both[kept]
        first = np.lexsort((sentence, article, when[rows], ~both))[:per_pair]  # both first, then by date, id, sentence
        dated = published[rows][~np.isnat(published[rows])]
        shown = info.iloc[rows[first]].reset_index(drop=True)
        shown["sentence"] = sentence[first]
        shown["both"] = both[first]
        found.append(
            (
                shown,
                pd.Timestamp(dated.min()) if len(dated) else pd.NaT,
                ", ".join(sorted(str(o) for o in pd.unique(outlet[rows]) if not pd.isna(o))),
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
    article where they never share a sentence, every sentence where either is.
    """
    position, _, _, both = _Coded(mentions).units(entity_a, entity_b)
    return pd.DataFrame(
        {
            "article_id": mentions["article_id"].array.take(position),
            "sentence": mentions["sentence"].array.take(position),
            "both": both,
        }
    )


class _Coded:
    """Mentions (``article_id, sentence, entity``) as integer codes, for the sentences of many pairs.

    A report asks for 25 pairs of the most mentioned entities, each in thousands of sentences: the strings
    are coded and the rows put in key order (article id, sentence; stable) once, and each pair is found on
    the codes (:meth:`units`) with no hashing or sorting of its own.
    """

    def __init__(self, mentions: pd.DataFrame) -> None:
        entity_codes, entities = pd.factorize(mentions["entity"])  # no entity: -1, no pair's
        self.code_of = {str(name): code for code, name in enumerate(entities)}
        article_codes, self.article_ids = pd.factorize(mentions["article_id"], sort=True)  # code order = id order
        sentence = mentions["sentence"].to_numpy(dtype=np.int64)
        self.position = np.lexsort((sentence, article_codes))
        self.entity = entity_codes[self.position]
        self.article = article_codes[self.position]
        self.sentence = sentence[self.position]

    def units(self, entity_a: str, entity_b: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(position, article, sentence, both)`` of the pair's sentences, in key order (article code, sentence):
        the row of each sentence's first mention, its article code and number, and whether both are in it."""
        is_a = self.entity == self.code_of.get(entity_a, -2)
        is_b = self.entity == self.code_of.get(entity_b, -2)
        either = np.flatnonzero(is_a | is_b)  # in key order already
        side_a = is_a[either]  # a pair of one entity twice has one side: no article has both
        article, sentence = self.article[either], self.sentence[either]
        articles = len(self.article_ids)
        with_both = _marked(article[side_a], articles)[article] & _marked(article[~side_a], articles)[article]
        either, article, sentence, side_a = (
            either[with_both],
            article[with_both],
            sentence[with_both],
            side_a[with_both],
        )
        starts = np.r_[True, (article[1:] != article[:-1]) | (sentence[1:] != sentence[:-1])][: len(either)]
        unit = np.cumsum(starts) - 1
        units = int(starts.sum())
        both = _marked(unit[side_a], units) & _marked(unit[~side_a], units)
        unit_article = article[starts]
        keep = both | ~_marked(unit_article[both], articles)[unit_article]
        return self.position[either[starts][keep]], unit_article[keep], sentence[starts][keep], both[keep]


def _marked(codes: np.ndarray, size: int) -> np.ndarray:
    """A boolean vector of ``size`` that is True at ``codes``."""
    marked = np.zeros(size, dtype=bool)
    marked[codes] = True
    return marked


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
