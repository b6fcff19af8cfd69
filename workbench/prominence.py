"""Who is mentioned most: entity counts and the one ranking of entities used everywhere.

:func:`frequencies` counts mentions and articles per entity; the notebooks, the panel, the network
(:func:`workbench.graph` keeps the ``top_n`` most mentioned) and the attention timelines all rank
entities with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench import params, partials
from workbench.errors import WorkbenchError
from workbench.pairs import frames, kinds_of

__all__ = ["RANKINGS", "entity_types", "frequencies"]

#: ``measure=`` values of :func:`frequencies`: the column ranked first (the other one breaks ties, then the name)
RANKINGS = ("mentions", "articles")


def entity_types(mentions: pd.DataFrame) -> pd.Series:
    """Entity -> its most frequent type."""
    frame = mentions[mentions["entity"].notna().to_numpy()]
    codes, names = pd.factorize(frame["entity"], sort=True)
    return pd.Series(kinds_of(codes, frame["type"], len(names)), index=np.asarray(names, dtype=object), dtype="string")


def frequencies(
    corpus: Any, *, types: str | list[str] | None = None, measure: str = "mentions", top_n: int | None = None
) -> pd.DataFrame:
    """Per entity: ``entity, type, mentions, articles``, the most mentioned first.

    Args:
        corpus: a Corpus (or its mentions table).
        types: keep only these entity types (a list or ``"PERSON,GPE"``).
        measure: ``"mentions"`` ranks by mentions (ties: articles), ``"articles"`` by the articles that
            mention the entity (ties: mentions); remaining ties go alphabetically.
        top_n: keep the first ``top_n`` entities; ``None`` keeps all.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "b"], "sentence": [0, 1, 0],
    ...                   "entity": ["Peru", "Peru", "Peru"], "type": ["GPE"] * 3})
    >>> frequencies(m).values.tolist()
    [['Peru', 'GPE', 3, 2]]
    """
    if measure not in RANKINGS:
        raise WorkbenchError(f"measure must be one of {', '.join(RANKINGS)}, not {measure!r}")
    wanted = params.types(types)
    if partials.streamed(corpus, "mentions"):
        grouped, kinds = partials.memo(
            corpus, ("frequencies", tuple(wanted or ())), lambda: _streamed_counts(corpus, wanted)
        )
    else:
        mentions, _ = frames(corpus)
        if wanted:
            mentions = mentions[mentions["type"].isin(wanted)]
        grouped = _counts(mentions) if len(mentions) else None
        kinds = entity_types(mentions) if len(mentions) else None
    if grouped is None:
        empty = {"entity": "string", "type": "string", "mentions": "int64", "articles": "int64"}
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in empty.items()})
    frame = grouped.reset_index().assign(type=lambda f: f["entity"].map(kinds).astype("string"))
    frame["entity"] = frame["entity"].astype("string")
    frame = frame[["entity", "type", "mentions", "articles"]].astype({"mentions": "int64", "articles": "int64"})
    order = [measure, *(r for r in RANKINGS if r != measure), "entity"]
    frame = frame.sort_values(order, ascending=[False, False, True], kind="stable").reset_index(drop=True)
    top_n = params.top_n(top_n)
    return frame.head(top_n) if top_n else frame


def _counts(mentions: pd.DataFrame) -> pd.DataFrame:
    """``mentions, articles`` per entity (index: the entity as a string)."""
    grouped = mentions.groupby("entity", observed=True).agg(
        mentions=("article_id", "size"), articles=("article_id", "nunique")
    )
    grouped.index = grouped.index.astype(str)
    return grouped


def _streamed_counts(corpus: Any, wanted: list[str] | None) -> tuple[pd.DataFrame | None, pd.Series]:
    """:func:`_counts` and :func:`entity_types` summed over the partitions of the corpus's mentions.

    An article's mentions are all in one partition, so its distinct articles per entity add up.
    """
    entities = partials.Codes()
    votes = partials.TypeVotes(entities, partials.article_positions(corpus.articles))
    counted, rows = [], 0
    for part in partials.parts(corpus, "mentions", ["article_id", "entity", "type"]):
        if wanted:
            part = part[part["type"].isin(wanted)]
        rows += len(part)
        part = part[part["entity"].notna().to_numpy()]
        if not len(part):
            continue
        counted.append(_counts(part))
        local, names = pd.factorize(part["entity"])
        votes.add(entities.of(np.asarray(names, dtype=object))[local], part["type"], part["article_id"])
    if not rows:
        return None, pd.Series(dtype="string")
    grouped = (
        pd.concat(counted).groupby(level=0).sum()
        if counted
        else _counts(pd.DataFrame(columns=["entity", "article_id"]))
    )
    names, rank = entities.sorted()
    kinds = pd.Series(votes.kinds(rank), index=names, dtype="string")
    return grouped, kinds
