"""The sentences behind a pair of entities: every co-occurrence number can be read in the text.

:func:`evidence` returns the sentences of one pair, :func:`evidence_table` the first pairs of a
:func:`~workbench.cooccurrence` table with a few sentences each (the searchable table of the reports).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench import params
from workbench.errors import WorkbenchError
from workbench.sentences import sentence_texts

__all__ = ["evidence", "evidence_table"]


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
    if not (hasattr(corpus, "mentions") and hasattr(corpus, "sentences")):
        raise WorkbenchError("evidence() needs a Corpus (the article text and sentences)")
    top_n = params.top_n(top_n)
    mentions = corpus.mentions
    pair = mentions[mentions["entity"].isin([entity_a, entity_b])][
        ["article_id", "sentence", "entity"]
    ].drop_duplicates()
    per_article = pair.groupby("article_id")["entity"].nunique()
    articles_with_both = set(per_article[per_article == 2].index)
    pair = pair[pair["article_id"].isin(articles_with_both)]
    per_sentence = pair.groupby(["article_id", "sentence"])["entity"].nunique().rename("n").reset_index()
    per_sentence["both"] = per_sentence["n"] == 2
    both_articles = set(per_sentence.loc[per_sentence["both"], "article_id"])
    keep = per_sentence["both"] | ~per_sentence["article_id"].isin(both_articles)
    rows = per_sentence[keep].drop(columns="n")
    info = corpus.articles[["article_id", "published", "outlet", "title"]]
    frame = rows.merge(info, on="article_id")
    frame["text"] = sentence_texts(frame, articles=corpus.articles, sentences=corpus.sentences)
    frame = frame[["article_id", "published", "outlet", "title", "sentence", "text", "both"]]
    frame = frame.sort_values(
        ["both", "published", "article_id", "sentence"], ascending=[False, True, True, True], kind="stable"
    ).reset_index(drop=True)
    frame["text"] = frame["text"].astype("string")
    return frame.head(top_n) if top_n else frame


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
    rows = []
    for row in pairs.head(params.top_n(top_n)).itertuples(index=False):
        found = evidence(corpus, str(row.entity_a), str(row.entity_b))
        sentences = found.head(per_pair)["text"].astype(str).tolist()
        rows.append(
            {
                "entity_a": str(row.entity_a),
                "entity_b": str(row.entity_b),
                "count": int(row.count),
                "articles": int(row.articles),
                **({measure: round(float(getattr(row, measure)), 3)} if measure != "count" else {}),
                "first_seen": found["published"].min() if len(found) else pd.NaT,
                "outlets": ", ".join(sorted({str(o) for o in found["outlet"].dropna()})),
                "evidence": " … ".join(sentences),
            }
        )
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows)[columns]
