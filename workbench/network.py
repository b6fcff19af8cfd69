"""The co-occurrence network: entities as nodes, pairs as weighted edges, with centrality.

:func:`graph` builds a ``networkx`` graph from :func:`~workbench.cooccurrence` pairs and
:func:`~workbench.frequencies` counts; :func:`centrality` lists its nodes as a table.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from workbench import params, partials
from workbench.pair_sums import streamed_pairs
from workbench.pairs import cooccurrence, frames, options
from workbench.prominence import frequencies

__all__ = ["centrality", "graph"]


def graph(
    corpus: Any,
    *,
    level: str = "article",
    types: str | list[str] | None = None,
    min_count: int = 2,
    measure: str = "count",
    top_n: int | None = None,
) -> nx.Graph:
    """A co-occurrence network with weights and centrality.

    A large corpus (:func:`workbench.partials.streamed`) is counted from its partitioned mentions, never
    held whole (the same graph).

    Nodes: entities with ``type``, ``mentions``, ``articles``, ``degree``, ``weighted_degree`` and
    ``pagerank``. Edges: pairs with ``weight`` (the chosen measure; PMI-like weights below zero are
    left out) and every measure as an attribute.

    Args:
        corpus: a Corpus (or its mentions table).
        level, types, min_count, measure: as for :func:`~workbench.cooccurrence`.
        top_n: keep only the ``top_n`` most mentioned entities (:func:`~workbench.frequencies`).

    >>> m = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "sentence": [0, 0, 0, 0],
    ...                   "entity": ["Joe Biden", "Xi Jinping", "Joe Biden", "Xi Jinping"], "type": ["PERSON"] * 4})
    >>> g = graph(m)
    >>> g.edges["Joe Biden", "Xi Jinping"]["weight"], g.nodes["Joe Biden"]["mentions"]
    (2.0, 2)
    """
    level, measure = options(level, measure)
    if partials.streamed(corpus, "mentions"):  # a large corpus: counts summed partition by partition
        freq = frequencies(corpus, types=types, top_n=top_n)
        pairs = streamed_pairs(
            corpus, level, params.types(types), params.count(min_count, "min_count"), measure, None, None,
            entities=set(freq["entity"].astype(str)) if top_n else None,
        )  # fmt: skip
    else:
        mentions, _ = frames(corpus)
        freq = frequencies(mentions, types=types, top_n=top_n)
        if top_n:
            mentions = mentions[mentions["entity"].isin(set(freq["entity"]))]
        pairs = cooccurrence(mentions, level=level, types=types, min_count=min_count, measure=measure)
    g = nx.Graph()
    for row in freq.itertuples(index=False):
        g.add_node(row.entity, type=row.type, mentions=int(row.mentions), articles=int(row.articles))
    for row in pairs.itertuples(index=False):
        weight = float(getattr(row, measure))
        if weight <= 0 or not np.isfinite(weight):
            continue
        measures = {"pmi": float(row.pmi), "npmi": float(row.npmi), "jaccard": float(row.jaccard)}
        g.add_edge(
            row.entity_a, row.entity_b, weight=weight, count=int(row.count), articles=int(row.articles), **measures
        )
    degree = dict(g.degree())
    weighted = dict(g.degree(weight="weight"))
    rank = nx.pagerank(g, weight="weight") if g.number_of_edges() else {node: 1.0 / max(len(g), 1) for node in g}
    for node in g.nodes:
        g.nodes[node].update(degree=degree[node], weighted_degree=float(weighted[node]), pagerank=float(rank[node]))
    return g


def centrality(g: nx.Graph) -> pd.DataFrame:
    """The node attributes of :func:`graph` as a table, most central (PageRank) first.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "a"], "sentence": [0, 0, 0],
    ...                   "entity": ["Ada", "Bo", "Cy"], "type": ["PERSON"] * 3})
    >>> centrality(graph(m, min_count=1))[["entity", "degree"]].values.tolist()
    [['Ada', 2], ['Bo', 2], ['Cy', 2]]
    """
    rows = [{"entity": node, **data} for node, data in g.nodes(data=True)]
    columns = ["entity", "type", "mentions", "articles", "degree", "weighted_degree", "pagerank"]
    if not rows:
        return pd.DataFrame(columns=columns)
    return (
        pd.DataFrame(rows)[columns]
        .sort_values(["pagerank", "mentions"], ascending=False, kind="stable")
        .reset_index(drop=True)
    )
