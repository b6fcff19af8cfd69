"""Analyses over partitioned tables: partial counts per partition, summed, never the whole table.

A derived table of a large corpus is cached as partitions of whole articles (``workbench.tables``);
an article's rows never span two partitions. So every count an analysis needs per article, per
sentence, per entity, per pair or per period is the sum of the counts of the partitions, and
``nunique`` of articles is a sum too. The analyses (:func:`workbench.cooccurrence`,
:func:`workbench.partners`, :func:`workbench.frequencies`, :func:`workbench.timeline`, the source
tables) read a large corpus's tables partition by partition (:meth:`Corpus.table_partitions`),
count each one and add the counts up here: peak memory follows the partition, not the corpus.

The two paths give equal results: a small corpus, or a table already in memory, takes the in-memory
path (:func:`streamed` decides, from :data:`STREAM_MIN_ARTICLES`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = [
    "MEMO_BYTES", "MEMO_COLUMNS", "MEMO_TABLES", "STREAM_MIN_ARTICLES", "Codes", "PairSum", "TypeVotes", "each",
    "memo", "partitions", "parts", "rows_of", "select", "streamed",
]  # fmt: skip

#: From this many articles, analyses read a table partition by partition instead of holding it whole
#: (when the corpus has a cache and the table is not in memory already); ``$WORKBENCH_STREAM_MIN_ARTICLES``.
STREAM_MIN_ARTICLES = int(os.environ.get("WORKBENCH_STREAM_MIN_ARTICLES", 10_000))
#: Bytes of partitions a Corpus keeps in memory after a complete pass over a table, so that the next
#: analysis of the same table reads nothing (:func:`partitions`); ``$WORKBENCH_MEMO_BYTES``, 0 for none.
#: A table larger than this is read again by every analysis; when several tables do not fit together,
#: the one read least recently is dropped.
MEMO_BYTES = int(os.environ.get("WORKBENCH_MEMO_BYTES", 1_000_000_000))
#: The columns of a table that the analyses read, and :func:`partitions` keeps (the others are read
#: again when asked for): the mentions' surface forms, titles and countries are no analysis's input.
MEMO_COLUMNS = {"mentions": ("article_id", "sentence", "start", "end", "entity", "type")}
#: The tables whose partitions are kept: those several analyses of one report read. The sentences are
#: read once per report (the texts of the evidence or events shown), so they are not kept.
MEMO_TABLES = ("mentions", "attributions", "dates")


def streamed(corpus: Any, table: str) -> bool:
    """Whether analyses of ``corpus`` read ``table`` partition by partition.

    Only a Corpus with a cache (partitions on disk) of at least :data:`STREAM_MIN_ARTICLES` articles
    whose ``table`` is not already held in memory; a DataFrame passed instead of a Corpus is in memory.
    """
    if not hasattr(corpus, "table_partitions") or getattr(corpus, "cache_dir", None) is None:
        return False
    if table in getattr(corpus, "_tables", {}):
        return False
    return len(corpus.articles) >= STREAM_MIN_ARTICLES


def partitions(corpus: Any, table: str, columns: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
    """``corpus.table_partitions(table)`` (only ``columns`` and those kept, if given), kept for the next analysis.

    A report calls several analyses of one table in a row (frequencies, pairs, the graph, partners and
    evidence all count mentions): the first complete pass keeps the partitions it read (only the
    :data:`MEMO_COLUMNS` of a table that has them; up to :data:`MEMO_BYTES` for every table together)
    and the next passes that need no other column read nothing. The frames are the same either way;
    a pass stopped early keeps nothing.
    """
    wanted = None if columns is None else set(columns)
    if table not in MEMO_TABLES:
        yield from corpus.table_partitions(table, columns=wanted)
        return
    memo = corpus.__dict__.setdefault("_partitions_memo", {})
    key = (table, repr(sorted(getattr(corpus, "options", {}).items())))
    if key in memo and (memo[key][0] is None or (wanted is not None and wanted <= memo[key][0])):
        memo[key] = memo.pop(key)  # the most recently read last
        yield from memo[key][1]
        return
    # a pass that names its columns reads only those, and those kept before (the others are never converted)
    projection = MEMO_COLUMNS.get(table)
    before = memo[key][0] if key in memo else set()
    read = None if wanted is None or before is None else wanted | set(projection or ()) | before
    kept: list[pd.DataFrame] | None = [] if MEMO_BYTES > 0 else None
    size, articles = 0, 0
    for frame in corpus.table_partitions(table, columns=read):
        if kept is not None:
            kept.append(frame[[c for c in projection if c in frame.columns]] if projection else frame)
            size += int(kept[-1].memory_usage(deep=True).sum())
            articles += frame["article_id"].nunique() if "article_id" in frame.columns else 0
            # too large to keep, or bound to be once every partition is read (their size so far per article,
            # times the corpus's articles): every pass reads it, and none holds a gigabyte on the way
            if size > MEMO_BYTES or size * len(corpus.articles) > MEMO_BYTES * max(articles, 1):
                kept = None
        yield frame
    if kept is None:
        return
    memo.pop(key, None)
    while memo and size + sum(_bytes(frames) for _, frames in memo.values()) > MEMO_BYTES:
        memo.pop(next(iter(memo)))  # the table read least recently
    memo[key] = (set(kept[0].columns) if (projection or read is not None) and kept else None, kept)


def memo(corpus: Any, key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept on ``corpus`` under ``key`` for the next call (counts several analyses share).

    For small results computed from every partition (an entity's mentions and articles, which
    :func:`workbench.frequencies` gives the network, the default focus and the leaders alike); the
    caller must not change what it gets.
    """
    kept = corpus.__dict__.setdefault("_results_memo", {}) if hasattr(corpus, "__dict__") else {}
    if key not in kept:
        kept[key] = compute()
    return kept[key]


def _bytes(frames: list[pd.DataFrame]) -> int:
    return sum(int(frame.memory_usage(deep=True).sum()) for frame in frames)


def parts(corpus: Any, table: str, columns: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
    """``corpus``'s ``table`` one partition at a time (only ``columns``, if given), from :func:`partitions`."""
    wanted = list(columns) if columns is not None else None
    for frame in partitions(corpus, table, wanted):
        yield frame[wanted] if wanted is not None else frame


def select(
    corpus: Any, table: str, where: Callable[[pd.DataFrame], Any], columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """The rows of ``corpus``'s ``table`` where ``where(frame)`` holds (only ``columns``), in the table's order.

    On a large corpus (:func:`streamed`) each partition is filtered as it is read and only the rows kept
    are held: for analyses that need a small part of a table (direct quotations, credit rows...).
    ``where`` takes a frame and returns a boolean mask of its rows.
    """
    wanted = list(columns) if columns is not None else None
    kept = []
    for part in each(corpus, table):
        part = part[np.asarray(where(part), dtype=bool)]
        kept.append(part[wanted] if wanted is not None else part)
    if len(kept) <= 1:
        return kept[0].reset_index(drop=True) if kept else pd.DataFrame(columns=wanted or [])
    return in_article_order(pd.concat(kept, ignore_index=True), corpus.articles)


def each(corpus: Any, table: str, columns: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
    """``corpus``'s ``table`` whole, or one partition at a time when it is :func:`streamed` (only ``columns``,
    if given): for analyses that fold the rows of each frame into something small as they come."""
    wanted = list(columns) if columns is not None else None
    if streamed(corpus, table):
        yield from parts(corpus, table, wanted)
    else:
        frame = corpus.table(table)
        yield frame[wanted] if wanted is not None else frame


def rows_of(corpus: Any, article_ids: Iterable[Any]) -> Any:
    """The Corpus of these articles only: its tables read from the partitions that hold them, for their rows.

    For the few articles an analysis shows (evidence sentences...): a cached partition converts only
    these articles' rows (the pushdown of :meth:`Corpus.filter`), and partitions without them are not read.
    """
    wanted = set(article_ids)
    return corpus._subset(corpus.articles["article_id"].isin(wanted))


def article_positions(articles: pd.DataFrame) -> pd.Series:
    """Article id -> its position in the corpus (the order of rows of a whole table)."""
    return pd.Series(np.arange(len(articles), dtype=np.int64), index=articles["article_id"].astype(str).to_numpy())


def in_article_order(frame: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Rows of several partitions back in the order of the whole table (articles' order, stable within one)."""
    position = frame["article_id"].astype(str).map(article_positions(articles))
    return frame.iloc[np.argsort(position.to_numpy(), kind="stable")].reset_index(drop=True)


class Codes:
    """Names -> integer codes shared by every partition, in the order first seen."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self._known = pd.Index([], dtype=object)  # the names in code order, for lookups in C

    def __len__(self) -> int:
        return len(self.index)

    def of(self, names: Iterable[Any]) -> np.ndarray:
        """The codes of ``names`` (new names get new codes, in the order first seen).

        Looked up in a hash index, not name by name in Python: a partition of 100,000 articles' mentions
        names some 20,000 entities, nearly all seen before.
        """
        values = np.asarray(names if hasattr(names, "__array__") else list(names), dtype=object)
        codes = self._known.get_indexer(values) if len(self._known) else np.full(len(values), -1, dtype=np.int64)
        new = codes < 0
        if new.any():
            added = pd.unique(values[new])
            self.index.update(zip(added, range(len(self.index), len(self.index) + len(added)), strict=True))
            self._known = self._known.append(pd.Index(added, dtype=object))
            codes[new] = self._known.get_indexer(values[new])
        return codes.astype(np.int64, copy=False)

    def names(self) -> np.ndarray:
        return np.asarray(list(self.index), dtype=object)

    def sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """``(names in sort order, rank of each code)``: the order ``pd.factorize(..., sort=True)`` gives."""
        names = self.names()
        if not len(names):
            return names, np.zeros(0, dtype=np.int64)
        codes, uniques = pd.factorize(pd.Series(names, dtype="string"), sort=True)
        return np.asarray(uniques, dtype=object), codes.astype(np.int64)


class TypeVotes:
    """Each entity's most frequent type, from counts per partition.

    Equal to ``workbench.pairs.kinds_of`` over the whole table, ties included: there a tie goes to the
    type that appears first in the table (rows in article order), so each type's first row (the
    article's position, then the row within its partition) is kept too.
    """

    def __init__(self, entities: Codes, positions: pd.Series) -> None:
        self.entities, self.positions = entities, positions
        self.types = Codes()
        self.table = np.zeros((0, 0), dtype=np.int64)
        self.first: dict[int, tuple[int, int]] = {}

    def add(self, entity_codes: np.ndarray, types: pd.Series, article_ids: pd.Series) -> None:
        """One partition's rows: their entities' global codes, their types and article ids."""
        if not len(entity_codes):
            return
        type_codes, names = pd.factorize(types)
        global_types = self.types.of(names)
        rows, cols = len(self.entities), len(self.types)
        if self.table.shape != (rows, cols):
            grown = np.zeros((rows, cols), dtype=np.int64)
            grown[: self.table.shape[0], : self.table.shape[1]] = self.table
            self.table = grown
        ok = type_codes >= 0
        np.add.at(self.table, (entity_codes[ok], global_types[type_codes[ok]]), 1)
        first_rows = pd.Series(np.arange(len(type_codes))).groupby(type_codes).min()  # each type's first row here
        ids = np.asarray(article_ids, dtype=object)
        for local, code in enumerate(global_types):
            row = int(first_rows[local])
            key = (int(self.positions[str(ids[row])]), row)
            if code not in self.first or key < self.first[int(code)]:
                self.first[int(code)] = key

    def kinds(self, rank: np.ndarray) -> np.ndarray:
        """The most frequent type of each entity, in the sorted order ``rank`` gives (:meth:`Codes.sorted`)."""
        n = len(rank)
        if not n or not len(self.types):
            return np.array([None] * n, dtype=object)
        table = np.zeros((n, len(self.types)), dtype=np.int64)
        table[rank[: self.table.shape[0]], : self.table.shape[1]] = self.table[: len(rank)]
        order = sorted(range(len(self.types)), key=lambda code: self.first[code])  # type codes by first row
        return self.types.names()[order][table[:, order].argmax(axis=1)]


class PairSum:
    """A running sum of sparse entity x entity counts whose entity codes grow partition by partition."""

    def __init__(self) -> None:
        self.total = sparse.csr_matrix((0, 0), dtype=np.int64)

    def add(self, counts: sparse.spmatrix, codes: np.ndarray, size: int) -> None:
        """Add ``counts`` (local codes) mapped to global ``codes``, in a ``size x size`` space."""
        coo = counts.tocoo()
        part = sparse.csr_matrix(
            (coo.data.astype(np.int64), (codes[coo.row], codes[coo.col])), shape=(size, size), dtype=np.int64
        )
        if self.total.shape != (size, size):
            self.total.resize((size, size))
        self.total = self.total + part

    def in_order(self, rank: np.ndarray) -> sparse.csr_matrix:
        """The sum with codes replaced by their ``rank`` (sorted name order)."""
        n = len(rank)
        total = self.total
        if total.shape != (n, n):
            total.resize((n, n))
        coo = total.tocoo()
        return sparse.csr_matrix((coo.data, (rank[coo.row], rank[coo.col])), shape=(n, n), dtype=np.int64)


def grow(vector: np.ndarray, size: int) -> np.ndarray:
    """``vector`` padded with zeros to ``size``."""
    return vector if len(vector) >= size else np.concatenate([vector, np.zeros(size - len(vector), vector.dtype)])
