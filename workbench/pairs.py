"""Who appears with whom: pairs of entities that share an article or a sentence, and how strongly.

Two entities co-occur when they are mentioned in the same unit: an article (``level="article"``) or a
sentence (``level="sentence"``). Over ``N`` units with at least one mention, an entity in ``n_a``
units, another in ``n_b``, and both in ``count``:

- ``count``: units with both (``articles``: distinct articles with both, equal to count at article level);
- ``pmi = log2(count * N / (n_a * n_b))``: how much more often than chance they meet (> 0: associated);
- ``npmi = pmi / -log2(count / N)``: PMI scaled to [-1, 1] (1: they only ever appear together);
- ``jaccard = count / (n_a + n_b - count)``: share of their units that they share.

:func:`cooccurrence` lists the pairs, :func:`partners` one entity's partners. The sentences behind a
pair are in :mod:`workbench.excerpts`, the network in :mod:`workbench.network`, entity counts in
:mod:`workbench.prominence`. Both functions take a :class:`~workbench.corpus.Corpus` (or its mentions
table) first, and are vectorised (sparse matrix products), so 100,000 articles take seconds. The
mentions of a large corpus are never held whole: their pair counts are summed partition by partition
(:mod:`workbench.pair_sums`, chosen by :func:`workbench.partials.streamed`), with equal results.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from workbench import params, partials
from workbench.errors import WorkbenchError
from workbench.ner import TYPES

__all__ = ["LEVELS", "MEASURES", "PAIR_COLUMNS", "cooccurrence", "empty_pairs", "partners"]

PAIR_COLUMNS = ["entity_a", "entity_b", "type_a", "type_b", "count", "articles", "pmi", "npmi", "jaccard"]
PARTNER_COLUMNS = ["partner", "type", "count", "articles", "pmi", "npmi", "jaccard"]
MEASURES = ("count", "pmi", "npmi", "jaccard")
LEVELS = params.LEVELS


def frames(source: Any) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``(mentions, articles)`` of a Corpus, or ``(mentions, None)`` of a mentions DataFrame."""
    if hasattr(source, "mentions") and hasattr(source, "articles"):
        return source.mentions, source.articles
    if isinstance(source, pd.DataFrame):
        return source, None
    raise WorkbenchError(f"expected a Corpus or a mentions DataFrame, got {type(source).__name__}")


def options(level: str, measure: str) -> tuple[str, str]:
    """``(level, measure)`` checked and lower-cased."""
    return params.choice(level, LEVELS, "level"), params.choice(measure, MEASURES, "measure")


class Units:
    """Mentions as integer codes: a binary unit x entity matrix (one row per article or sentence)."""

    def __init__(self, mentions: pd.DataFrame, level: str, types: list[str] | None):
        frame = mentions
        if types:
            frame = frame[frame["type"].isin(types).to_numpy()]
        frame = frame[frame["entity"].notna().to_numpy()]
        self.entity_codes, entities = pd.factorize(frame["entity"], sort=True)  # code order = name order
        self.entities = np.asarray(entities, dtype=object)
        self.article_codes, articles = pd.factorize(frame["article_id"])
        self.article_ids = np.asarray(articles, dtype=object)
        if level == "sentence":
            sentence = frame["sentence"].to_numpy(dtype=np.int64)
            self.unit_codes, _ = pd.factorize(
                self.article_codes.astype(np.int64) * (int(sentence.max(initial=0)) + 1) + sentence
            )
        else:
            self.unit_codes = self.article_codes
        self.level = level
        self.types = frame["type"]
        self.kinds = kinds_of(self.entity_codes, self.types, len(self.entities))

    def row_articles(self) -> np.ndarray:
        """The article id of each row."""
        return self.article_ids[self.article_codes]

    def matrix(self, rows: np.ndarray | None = None) -> sparse.csr_matrix:
        units, entities = self.unit_codes, self.entity_codes
        if rows is not None:
            units, entities = units[rows], entities[rows]
        x = sparse.csr_matrix(
            (np.ones(len(units), dtype=np.int32), (units, entities)),
            shape=(int(self.unit_codes.max(initial=-1)) + 1, len(self.entities)),
        )
        x.sum_duplicates()
        x.data[:] = 1
        return x


def kinds_of(codes: np.ndarray, types: pd.Series, n: int) -> np.ndarray:
    """Each entity's most frequent type."""
    type_codes, names = pd.factorize(types)
    if not n or not len(names):
        return np.array([None] * n, dtype=object)
    table = np.zeros((n, len(names)), dtype=np.int64)
    np.add.at(table, (codes, type_codes), 1)
    return np.asarray(names, dtype=object)[table.argmax(axis=1)]


def stack_periods(tables: Iterable[tuple[Any, pd.DataFrame]], top_n: int | None) -> pd.DataFrame:
    """Pair tables of each period, ``(period, table)``, as one table with a ``period`` column first.

    Each period keeps its ``top_n`` first rows; no rows at all gives :func:`empty_pairs` with a period.
    """
    parts = [(t.head(top_n) if top_n else t).assign(period=when) for when, t in tables if len(t)]
    if not parts:
        return empty_pairs(period=True)
    result = pd.concat(parts, ignore_index=True)
    result["period"] = pd.to_datetime(result["period"]).astype("datetime64[us]")
    return result[["period", *PAIR_COLUMNS]]


def empty_pairs(*, period: bool = False) -> pd.DataFrame:
    """An empty pairs table with the right columns and dtypes (a ``period`` column first if asked)."""
    frame = pd.DataFrame(
        {
            "entity_a": pd.Series(dtype="category"),
            "entity_b": pd.Series(dtype="category"),
            "type_a": pd.Series(pd.Categorical([], categories=list(TYPES))),
            "type_b": pd.Series(pd.Categorical([], categories=list(TYPES))),
            "count": pd.Series(dtype="int64"),
            "articles": pd.Series(dtype="int64"),
            "pmi": pd.Series(dtype="float64"),
            "npmi": pd.Series(dtype="float64"),
            "jaccard": pd.Series(dtype="float64"),
        }
    )
    return frame.assign(period=pd.Series(dtype="datetime64[us]"))[["period", *PAIR_COLUMNS]] if period else frame


def _pairs(units: Units, min_count: int, measure: str, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Pairs of one set of units (vectorised: binary unit x entity matrix X, pairs from X^T X)."""
    if not len(units.entities) or (rows is not None and not rows.any()):
        return empty_pairs()
    together, shared, n, n_units = _counts(units, rows)
    return _table(together, shared, n, n_units, units.entities, units.kinds, min_count, measure)


def _counts(
    units: Units, rows: np.ndarray | None = None
) -> tuple[sparse.csr_matrix, sparse.csr_matrix | None, np.ndarray, int]:
    """``(together, shared, n, n_units)`` of one set of units: counts that add up over disjoint articles.

    ``together``: units with both entities (upper triangle, codes in name order); ``shared``: articles
    with both (None at article level, where it is ``together``); ``n``: units per entity; ``n_units``:
    units with at least one mention.
    """
    x = units.matrix(rows)
    n = np.asarray(x.sum(axis=0)).ravel().astype(np.int64)
    n_units = int((np.diff(x.indptr) > 0).sum())
    together = sparse.triu(x.T @ x, k=1).tocsr()
    if units.level == "article":
        return together, None, n, n_units
    arts, ents = units.article_codes, units.entity_codes
    if rows is not None:
        arts, ents = arts[rows], ents[rows]
    xa = sparse.csr_matrix(
        (np.ones(len(arts), dtype=np.int32), (arts, ents)), shape=(len(units.article_ids), len(units.entities))
    )
    xa.sum_duplicates()
    xa.data[:] = 1  # several sentences of one article count once
    return together, sparse.triu(xa.T @ xa, k=1).tocsr(), n, n_units


def _table(
    together: sparse.spmatrix, shared: sparse.spmatrix | None, n: np.ndarray, n_units: int,
    entities: np.ndarray, kinds: np.ndarray, min_count: int, measure: str,
) -> pd.DataFrame:  # fmt: skip
    """The pairs table from the counts of :func:`_counts` (of one set of units, or summed over partitions)."""
    together = together.tocoo()
    keep = together.data >= min_count
    a, b, count = together.row[keep], together.col[keep], together.data[keep].astype(np.int64)
    if not len(a):
        return empty_pairs()
    articles = count if shared is None else np.asarray(shared.tocsr()[a, b]).ravel().astype(np.int64)
    n = n.astype(np.float64)
    pmi, npmi, jaccard = _measures(count.astype(np.float64), n[a], n[b], n_units)
    first = {"count": count, "pmi": pmi, "npmi": npmi, "jaccard": jaccard}[measure]
    second = npmi if measure == "count" else count
    # sorted here on numbers and codes (code order is name order): much faster than sorting strings
    order = np.lexsort((b, a, -np.nan_to_num(second, nan=-np.inf), -np.nan_to_num(first, nan=-np.inf)))
    a, b, count, articles, pmi, npmi, jaccard = (v[order] for v in (a, b, count, articles, pmi, npmi, jaccard))
    names = pd.CategoricalDtype(entities)
    kinds_dtype = pd.CategoricalDtype(list(TYPES))
    return pd.DataFrame(
        {
            "entity_a": pd.Categorical.from_codes(a, dtype=names),
            "entity_b": pd.Categorical.from_codes(b, dtype=names),
            "type_a": pd.Categorical(kinds[a], dtype=kinds_dtype),
            "type_b": pd.Categorical(kinds[b], dtype=kinds_dtype),
            "count": count,
            "articles": articles,
            "pmi": pmi,
            "npmi": npmi,
            "jaccard": jaccard,
        }
    )


def _measures(
    count: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, n_units: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        p_ab = count / n_units
        pmi = np.log2(count * n_units / (n_a * n_b))
        npmi = np.where(p_ab < 1, pmi / -np.log2(p_ab), 1.0)
        jaccard = count / (n_a + n_b - count)
    return pmi, npmi, jaccard


def cooccurrence(
    corpus: Any,
    *,
    level: str = "article",
    types: str | list[str] | None = None,
    min_count: int = 2,
    measure: str = "count",
    freq: str | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Entity pairs that appear in the same article or sentence, with association measures.

    Args:
        corpus: a Corpus (or its mentions table; ``freq`` then needs a Corpus, for the dates).
        level: ``"article"`` or ``"sentence"``: the unit in which two entities co-occur.
        types: keep only these entity types (e.g. ``["PERSON", "ORG"]`` or ``"PERSON,GPE"``).
        min_count: drop pairs seen together in fewer units.
        measure: the column the result is sorted by: ``count``, ``pmi``, ``npmi`` or ``jaccard``.
        freq: ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"`` (or ``"day"``... ``"year"``): pairs per period
            (a ``period`` column, the period's first day), measured within each period.
        top_n: keep the first ``top_n`` pairs (per period with ``freq``); ``None`` keeps all.

    Returns:
        ``entity_a, entity_b, type_a, type_b, count, articles, pmi, npmi, jaccard`` with ``entity_a <
        entity_b`` (no self-pairs), sorted by ``measure`` then ``count`` (descending). Entity and
        type columns are categorical (cheap for millions of pairs); ``.astype(str)`` gives strings.

    Raises:
        WorkbenchError: an unknown ``level``, ``measure`` or ``freq``.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b"], "sentence": [0, 0, 1, 0, 0],
    ...                   "entity": ["Xi Jinping", "Joe Biden", "Peru", "Joe Biden", "Xi Jinping"],
    ...                   "type": ["PERSON", "PERSON", "GPE", "PERSON", "PERSON"]})
    >>> cooccurrence(m, min_count=1)[["entity_a", "entity_b", "count"]].values.tolist()
    [['Joe Biden', 'Xi Jinping', 2], ['Joe Biden', 'Peru', 1], ['Peru', 'Xi Jinping', 1]]
    >>> cooccurrence(m, level="sentence")[["entity_a", "entity_b", "count", "articles"]].values.tolist()
    [['Joe Biden', 'Xi Jinping', 2, 2]]
    """
    level, measure = options(level, measure)
    min_count, top_n = params.count(min_count, "min_count"), params.top_n(top_n)
    if freq is not None:
        params.period_alias(freq)
    if partials.streamed(corpus, "mentions"):
        from workbench.pair_sums import streamed_pairs

        return streamed_pairs(corpus, level, params.types(types), min_count, measure, freq, top_n)
    mentions, arts = frames(corpus)
    units = Units(mentions, level, params.types(types))
    if freq is None:
        result = _pairs(units, min_count, measure)
        result = result.head(top_n) if top_n else result
    else:
        alias = params.period_alias(freq)
        if arts is None:
            raise WorkbenchError("freq= needs publication dates: pass a Corpus")
        published = pd.Series(
            pd.to_datetime(arts["published"]).to_numpy(), index=arts["article_id"].astype(str).to_numpy()
        )
        starts = (
            pd.Series(published.reindex(units.article_ids.astype(str)).to_numpy()).dt.to_period(alias).dt.start_time
        )
        period_codes, periods = pd.factorize(starts.to_numpy()[units.article_codes], sort=True)
        tables = ((when, _pairs(units, min_count, measure, period_codes == code)) for code, when in enumerate(periods))
        result = stack_periods(tables, top_n)
    if not len(result):
        return empty_pairs(period=freq is not None)
    return result.reset_index(drop=True)


def partners(
    corpus: Any,
    entity: str | None,
    *,
    level: str = "article",
    types: str | list[str] | None = None,
    min_count: int = 2,
    measure: str = "count",
    top_n: int | None = None,
) -> pd.DataFrame:
    """Who appears with ``entity``, ranked by ``measure``.

    Args:
        corpus: a Corpus (or its mentions table).
        entity: a canonical entity name; ``None`` (or an entity not mentioned) gives an empty table.
        level, types, min_count, measure: as for :func:`cooccurrence`.
        top_n: keep the first ``top_n`` partners; ``None`` keeps all.

    Returns:
        ``partner, type, count, articles, pmi, npmi, jaccard``, sorted by ``measure`` then ``count``.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "sentence": [0, 0, 0, 0],
    ...                   "entity": ["Joe Biden", "Xi Jinping", "Joe Biden", "Peru"],
    ...                   "type": ["PERSON", "PERSON", "PERSON", "GPE"]})
    >>> partners(m, "Joe Biden", min_count=1)[["partner", "count"]].values.tolist()
    [['Peru', 1], ['Xi Jinping', 1]]
    >>> len(partners(m, None))
    0
    """
    level, measure = options(level, measure)
    min_count, top_n = params.count(min_count, "min_count"), params.top_n(top_n)
    if partials.streamed(corpus, "mentions"):
        from workbench.pair_sums import streamed_partners

        return streamed_partners(corpus, entity, level, params.types(types), min_count, measure, top_n)
    mentions, _ = frames(corpus)
    units = Units(mentions, level, params.types(types))
    where = np.searchsorted(units.entities, entity) if len(units.entities) and entity else 0
    if not entity or not len(units.entities) or where >= len(units.entities) or units.entities[where] != entity:
        return _empty_partners()
    x = units.matrix().tocsc()
    n = np.asarray(x.sum(axis=0)).ravel().astype(np.float64)
    n_units = int((np.diff(x.tocsr().indptr) > 0).sum())
    with_entity = x[:, where].nonzero()[0]
    count = np.asarray(x[with_entity].sum(axis=0)).ravel()
    count[where] = 0
    chosen = np.flatnonzero(count >= min_count)
    article_of_unit = np.zeros(x.shape[0], dtype=np.int64)
    article_of_unit[units.unit_codes] = units.article_codes
    sub = x[with_entity][:, chosen].tocoo()
    pairs = pd.DataFrame({"partner": sub.col, "article": article_of_unit[with_entity][sub.row]}).drop_duplicates()
    articles = np.bincount(pairs["partner"].to_numpy(), minlength=len(chosen))
    pmi, npmi, jaccard = _measures(count[chosen].astype(np.float64), n[where], n[chosen], n_units)
    frame = pd.DataFrame(
        {
            "partner": pd.array(units.entities[chosen], dtype="string"),
            "type": pd.array(units.kinds[chosen], dtype="string"),
            "count": count[chosen].astype(np.int64),
            "articles": articles.astype(np.int64),
            "pmi": pmi,
            "npmi": npmi,
            "jaccard": jaccard,
        }
    )
    return _ranked_partners(frame, measure, top_n)


def _empty_partners() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="string" if c in ("partner", "type") else "float64") for c in PARTNER_COLUMNS}
    )


def _ranked_partners(frame: pd.DataFrame, measure: str, top_n: int | None) -> pd.DataFrame:
    frame = frame.sort_values([measure, "count", "partner"], ascending=[False, False, True], kind="stable").reset_index(
        drop=True
    )
    return frame.head(top_n) if top_n else frame
