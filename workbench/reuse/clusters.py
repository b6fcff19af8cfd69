"""Stories: articles that carry the same text, grouped, with first appearance, outlets and spread.

:func:`story_ids` is the extractor behind ``corpus.stories`` (one row per article); :func:`stories`
summarises a Corpus's stories (one row per story) and :func:`story_articles` lists the articles of its
largest stories for a chart over time. Two articles are in one story when a chain of ``exact`` or
``near`` copies links them; a ``partial`` copy (one shared paragraph) does not make two articles one story.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from workbench import params

#: Kinds of copies that make two articles one story.
STORY_KINDS = ("exact", "near")


def story_ids(articles: pd.DataFrame, copies: pd.DataFrame) -> pd.DataFrame:
    """A story per article: ``article_id, story_id, story_size, first, hours_after_first``.

    Args:
        articles: ``article_id, published``.
        copies: the copies table of the same articles (``corpus.copies``).

    Returns:
        One row per article, in the articles' order. ``story_id`` is the id of the story's first
        article (by publication time, then id); an article nobody copied is a story of its own.

    >>> published = pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-03"])
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "published": published})
    >>> cps = pd.DataFrame({"article_id": ["a"], "copy_of": ["b"], "kind": ["near"]})
    >>> story_ids(arts, cps)[["article_id", "story_id", "story_size", "hours_after_first"]].values.tolist()
    [['a', 'b', 2, 24.0], ['b', 'b', 2, 0.0], ['c', 'c', 1, 0.0]]
    """
    ids = articles["article_id"].astype("string").to_numpy()
    if not len(ids):
        types = {
            "article_id": "string",
            "story_id": "string",
            "story_size": "int64",
            "first": "bool",
            "hours_after_first": "float64",
        }
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()})
    index = {a: i for i, a in enumerate(ids)}
    links = copies[copies["kind"].isin(STORY_KINDS)]
    links = links[links["article_id"].isin(index) & links["copy_of"].isin(index)]
    n = len(ids)
    rows = np.fromiter((index[a] for a in links["article_id"]), dtype=np.int64, count=len(links))
    cols = np.fromiter((index[a] for a in links["copy_of"]), dtype=np.int64, count=len(links))
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, component = connected_components(graph, directed=False) if n else (0, np.zeros(0, dtype=np.int64))
    frame = pd.DataFrame(
        {
            "article_id": pd.array(ids, dtype="string"),
            "published": articles["published"].to_numpy(),
            "_component": component,
        }
    )
    order = frame.assign(_undated=frame["published"].isna()).sort_values(
        ["_undated", "published", "article_id"], kind="stable"
    )
    first = order.groupby("_component", sort=False).head(1).set_index("_component")
    frame["story_id"] = frame["_component"].map(first["article_id"]).astype("string")
    frame["story_size"] = frame.groupby("_component")["article_id"].transform("size").astype("int64")
    frame["first"] = frame["article_id"] == frame["story_id"]
    started = frame["_component"].map(first["published"])
    frame["hours_after_first"] = ((frame["published"] - started) / pd.Timedelta(hours=1)).astype("float64")
    return frame[["article_id", "story_id", "story_size", "first", "hours_after_first"]]


def stories(corpus, *, min_count: int = 2, top_n: int | None = None) -> pd.DataFrame:
    """The stories of a corpus, largest first.

    Args:
        corpus: a :class:`workbench.Corpus`.
        min_count: keep stories of at least this many articles.
        top_n: keep the ``top_n`` largest.

    Returns:
        ``story_id, title, articles, outlets, outlet_list, first_published, first_outlet,
        last_published, spread_hours, credited_share`` (the share of the story's later articles whose
        copies credit the outlet they copied).

    >>> import workbench
    >>> stories(workbench.load_corpus(cache=False)).empty
    True
    """
    min_count, top_n = params.count(min_count, "min_count"), params.top_n(top_n)
    members = corpus.stories.merge(corpus.articles[["article_id", "published", "outlet", "title"]], on="article_id")
    members = members[members["story_size"] >= min_count]
    if not len(members):
        return _empty_stories()
    copies = corpus.copies
    credit = copies[copies["kind"].isin(STORY_KINDS)].groupby("article_id")["credited"].any()
    members = members.assign(credited=members["article_id"].map(credit))
    firsts = members[members["first"]].set_index("story_id")
    grouped = members.groupby("story_id", sort=False)
    table = pd.DataFrame(
        {
            "title": firsts["title"],
            "articles": grouped.size(),
            "outlets": grouped["outlet"].nunique(),
            "outlet_list": grouped["outlet"].agg(lambda s: ", ".join(sorted(s.dropna().unique()))),
            "first_published": firsts["published"],
            "first_outlet": firsts["outlet"],
            "last_published": grouped["published"].max(),
            "credited_share": members[~members["first"]]
            .groupby("story_id")["credited"]
            .agg(lambda s: s.astype("float64").mean()),
        }
    )
    table["spread_hours"] = ((table["last_published"] - table["first_published"]) / pd.Timedelta(hours=1)).astype(
        "float64"
    )
    table = table.reset_index(names="story_id").sort_values(
        ["articles", "outlets", "first_published"], ascending=[False, False, True], kind="stable"
    )
    if top_n:
        table = table.head(top_n)
    columns = [
        "story_id",
        "title",
        "articles",
        "outlets",
        "outlet_list",
        "first_published",
        "first_outlet",
        "last_published",
        "spread_hours",
        "credited_share",
    ]
    return table[columns].astype({"story_id": "string", "articles": "int64", "outlets": "int64"}).reset_index(drop=True)


def story_articles(corpus, *, min_count: int = 2, top_n: int | None = 10) -> pd.DataFrame:
    """The articles of the ``top_n`` largest stories: ``story_id, title, article_id, published, outlet,
    first, hours_after_first`` (for a chart of each story's outlets over time)."""
    top = stories(corpus, min_count=min_count, top_n=top_n)
    members = corpus.stories[corpus.stories["story_id"].isin(set(top["story_id"]))]
    members = members.merge(corpus.articles[["article_id", "published", "outlet"]], on="article_id")
    members = members.merge(top[["story_id", "title"]], on="story_id")
    order = {s: i for i, s in enumerate(top["story_id"])}
    members = members.assign(_order=members["story_id"].map(order)).sort_values(
        ["_order", "published", "article_id"], kind="stable"
    )
    return members[
        ["story_id", "title", "article_id", "published", "outlet", "first", "hours_after_first"]
    ].reset_index(drop=True)


def _empty_stories() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "story_id": pd.Series(dtype="string"), "title": pd.Series(dtype="string"),
            "articles": pd.Series(dtype="int64"), "outlets": pd.Series(dtype="int64"),
            "outlet_list": pd.Series(dtype="string"), "first_published": pd.Series(dtype="datetime64[ns]"),
            "first_outlet": pd.Series(dtype="string"), "last_published": pd.Series(dtype="datetime64[ns]"),
            "spread_hours": pd.Series(dtype="float64"), "credited_share": pd.Series(dtype="float64"),
        }
    )  # fmt: skip
