"""Pairs from the partitioned mentions of a large corpus: pair counts per partition, summed.

:func:`workbench.cooccurrence` and :func:`workbench.partners` come here when ``workbench.partials``
says the corpus's mentions are read partition by partition. A partition holds whole articles, so the
counts :func:`workbench.pairs._counts` gives for each partition (pairs, units per entity, units) add
up; entity codes are shared by the partitions (``partials.Codes``) and put in name order at the end,
and the measures are computed once from the sums by the same :func:`workbench.pairs._table`. The
results equal the in-memory ones (``tests/test_partials.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench import params, partials
from workbench.pairs import (
    Units,
    _counts,
    _empty_partners,
    _measures,
    _ranked_partners,
    _table,
    empty_pairs,
    stack_periods,
)

__all__ = ["streamed_pairs", "streamed_partners"]

MENTION_COLUMNS = ["article_id", "sentence", "entity", "type"]


class _Sums:
    """Counts of :func:`_counts` summed over partitions, in codes shared by the partitions."""

    def __init__(self, level: str) -> None:
        self.together = partials.PairSum()
        self.shared = partials.PairSum() if level == "sentence" else None
        self.n = np.zeros(0, dtype=np.int64)
        self.n_units = 0

    def add(self, counts: tuple, codes: np.ndarray, size: int) -> None:
        together, shared, n, n_units = counts
        self.together.add(together, codes, size)
        if self.shared is not None:
            self.shared.add(shared, codes, size)
        self.n = partials.grow(self.n, size)
        self.n[codes] += n
        self.n_units += n_units

    def table(self, rank: np.ndarray, names: np.ndarray, kinds: np.ndarray, min_count: int, measure: str):
        n = np.zeros(len(rank), dtype=np.int64)
        n[rank[: len(self.n)]] = self.n
        shared = self.shared.in_order(rank) if self.shared is not None else None
        return _table(self.together.in_order(rank), shared, n, self.n_units, names, kinds, min_count, measure)


def streamed_pairs(
    corpus: Any, level: str, types: list[str] | None, min_count: int, measure: str, freq: str | None, top_n: int | None,
    *, entities: set[str] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """:func:`cooccurrence` of a Corpus from its mentions partition by partition (pair counts summed).

    ``entities``: count only the mentions of these entities, as :func:`cooccurrence` of the mentions
    table restricted to them would (:func:`workbench.graph`'s ``top_n``).
    """
    keep = None if entities is None else list(entities)
    arts = corpus.articles
    codes_of = partials.Codes()
    votes = partials.TypeVotes(codes_of, partials.article_positions(arts))
    period_of = None
    if freq is not None:
        alias = params.period_alias(freq)
        period_of = pd.Series(
            pd.to_datetime(arts["published"]).to_numpy(), index=arts["article_id"].astype(str).to_numpy()
        )
    sums: dict[Any, _Sums] = {}
    for part in partials.parts(corpus, "mentions", MENTION_COLUMNS):
        if keep is not None:
            part = part[part["entity"].isin(keep).to_numpy()].reset_index(drop=True)
        units = Units(part, level, types)
        if not len(units.entities):
            continue
        codes = codes_of.of(units.entities)
        votes.add(codes[units.entity_codes], units.types, pd.Series(units.row_articles()))
        if period_of is None:
            sums.setdefault(None, _Sums(level)).add(_counts(units), codes, len(codes_of))
            continue
        starts = (
            pd.Series(period_of.reindex(units.article_ids.astype(str)).to_numpy()).dt.to_period(alias).dt.start_time
        )
        period_codes, periods = pd.factorize(starts.to_numpy()[units.article_codes], sort=True)
        for code, when in enumerate(periods):
            sums.setdefault(when, _Sums(level)).add(_counts(units, period_codes == code), codes, len(codes_of))
    names, rank = codes_of.sorted()
    if not len(names):
        return empty_pairs(period=freq is not None)
    kinds = votes.kinds(rank)
    if freq is None:
        result = sums[None].table(rank, names, kinds, min_count, measure)
        result = result.head(top_n) if top_n else result
        return result.reset_index(drop=True) if len(result) else empty_pairs()
    tables = ((when, sums[when].table(rank, names, kinds, min_count, measure)) for when in sorted(sums))
    return stack_periods(tables, top_n)


def streamed_partners(
    corpus: Any, entity: str | None, level: str, types: list[str] | None, min_count: int, measure: str,
    top_n: int | None,
) -> pd.DataFrame:  # fmt: skip
    """:func:`partners` of a Corpus from its mentions partition by partition (counts summed)."""
    if not entity:
        return _empty_partners()
    entities = partials.Codes()
    votes = partials.TypeVotes(entities, partials.article_positions(corpus.articles))
    n = count = articles = np.zeros(0, dtype=np.int64)
    n_units = 0
    for part in partials.parts(corpus, "mentions", MENTION_COLUMNS):
        units = Units(part, level, types)
        if not len(units.entities):
            continue
        codes = entities.of(units.entities)
        size = len(entities)
        votes.add(codes[units.entity_codes], units.types, pd.Series(units.row_articles()))
        x = units.matrix().tocsr()
        n, count, articles = (partials.grow(v, size) for v in (n, count, articles))
        n[codes] += np.asarray(x.sum(axis=0)).ravel().astype(np.int64)
        n_units += int((np.diff(x.indptr) > 0).sum())
        where = np.searchsorted(units.entities, entity)
        if where >= len(units.entities) or units.entities[where] != entity:
            continue
        with_entity = x[:, [where]].nonzero()[0]
        together = np.asarray(x[with_entity].sum(axis=0)).ravel().astype(np.int64)
        together[where] = 0
        count[codes] += together
        article_of_unit = np.zeros(x.shape[0], dtype=np.int64)
        article_of_unit[units.unit_codes] = units.article_codes
        sub = x[with_entity].tocoo()
        seen = pd.DataFrame({"partner": sub.col, "article": article_of_unit[with_entity][sub.row]}).drop_duplicates()
        articles[codes] += np.bincount(seen["partner"].to_numpy(), minlength=len(units.entities))
    if entity not in entities.index:
        return _empty_partners()
    names, rank = entities.sorted()
    kinds = votes.kinds(rank)
    in_order = {}
    for name, values in (("n", n), ("count", count), ("articles", articles)):
        in_order[name] = np.zeros(len(names), dtype=np.int64)
        in_order[name][rank[: len(values)]] = values
    chosen = np.flatnonzero(in_order["count"] >= min_count)
    where = rank[entities.index[entity]]
    n_sorted = in_order["n"].astype(np.float64)
    pmi, npmi, jaccard = _measures(
        in_order["count"][chosen].astype(np.float64), n_sorted[where], n_sorted[chosen], n_units
    )
    frame = pd.DataFrame(
        {
            "partner": pd.array(names[chosen], dtype="string"),
            "type": pd.array(kinds[chosen], dtype="string"),
            "count": in_order["count"][chosen],
            "articles": in_order["articles"][chosen],
            "pmi": pmi,
            "npmi": npmi,
            "jaccard": jaccard,
        }
    )
    return _ranked_partners(frame, measure, top_n)
