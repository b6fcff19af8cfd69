"""Derived tables: which extractor computes each one, and its per-article cache.

A derived table is ``function(articles, **needs, **options) -> DataFrame`` with an ``article_id``
column. :data:`TABLES` names them (extractors register there, so the Corpus never branches on
them); :func:`derive` computes one for a batch of articles, reusing the rows cached for articles
whose text and header data are unchanged, and splitting large batches over processes.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import glob
import hashlib
import importlib
import itertools
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from workbench import cache as cachestore
from workbench.errors import Problem, WorkbenchError, problems_frame
from workbench.live import live_keys, stale


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A derived table: ``function(articles, **needs) -> DataFrame`` with an ``article_id`` column."""

    function: str  # "module:function", imported on first use
    needs: tuple[str, ...] = ()
    #: keyword options the Corpus passes to the function (e.g. the NER backend)
    options: tuple[str, ...] = ()


#: Derived tables by name. Extractors register here so the Corpus never branches on them.
TABLES: dict[str, TableSpec] = {
    "sentences": TableSpec("workbench.sentences:sentences"),
    "mentions": TableSpec("workbench.ner:mentions", needs=("sentences",), options=("backend",)),
    "attributions": TableSpec("workbench.attribution:attributions", needs=("sentences", "mentions")),
    "dates": TableSpec("workbench.dates:dates", needs=("sentences",)),
}


def register_table(name: str, function: str, *, needs: Iterable[str] = (), options: Iterable[str] = ()) -> None:
    """Register a derived table, available as ``corpus.table(name)``."""
    TABLES[name] = TableSpec(function, tuple(needs), tuple(options))


def table_order(names: Iterable[str] | None = None) -> list[str]:
    """Table names with every table after the tables it needs."""
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name not in TABLES:
            raise WorkbenchError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}")
        for need in TABLES[name].needs:
            visit(need)
        ordered.append(name)

    for name in names if names is not None else TABLES:
        visit(name)
    return ordered


#: Below this many articles a second process costs more (start-up, imports) than it saves.
PARALLEL_MIN_ARTICLES = int(os.environ.get("WORKBENCH_PARALLEL_MIN_ARTICLES", 2000))


#: ``Corpus.update`` keeps the rows it computed for at most this many articles (1% of 1,000,000), the
#: needs of the tables after them; more are read back from the cache, so that memory follows the partition.
FRESH_MAX_ARTICLES = 10_000

#: Articles per partition of a cached table (about: partitions are hash buckets of the article id).
PARTITION_ARTICLES = int(os.environ.get("WORKBENCH_PARTITION_ARTICLES", 4000))


def partition_level(n_articles: int) -> int:
    """The partition level for ``n_articles``: ``2**level`` buckets of at most :data:`PARTITION_ARTICLES`."""
    level = 0
    while n_articles > PARTITION_ARTICLES << level:
        level += 1
    return level


def buckets(article_ids: Iterable[str], level: int) -> np.ndarray:
    """Each article's partition: the low ``level`` bits of a hash of its id.

    Keyed on the id, not the text, so that a changed article stays in its partition (and only that
    one is rewritten); a bucket of level ``k`` is the union of two buckets of level ``k + 1``, so a
    corpus that grows past a level reuses the partitions it had (:func:`_cached_partition`).
    """
    ids = list(article_ids)
    if level == 0:
        return np.zeros(len(ids), dtype=np.int64)
    mask = (1 << level) - 1
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(str(a).encode(), digest_size=8).digest(), "little") & mask for a in ids),
        dtype=np.int64,
        count=len(ids),
    )


def partition_manifest(store: Path, level: int, bucket: int) -> Path:
    """The manifest of one partition of the table whose store is ``store`` (:func:`table_store`)."""
    return store.parent / f"{store.name}-p{level}-{bucket:05x}.json"


def partitions(
    spec: TableSpec,
    articles: pd.DataFrame,
    needs: dict[str, pd.DataFrame] | Callable[[pd.DataFrame], dict[str, pd.DataFrame]],
    options: dict,
    *,
    keys: list[str],
    store: Path | None = None,
    n_jobs: int = 1,
    name: str = "table",
    progress: bool = False,
    level: int | None = None,
    codes: np.ndarray | None = None,
    columns: Iterable[str] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """A derived table partition by partition: ``(rows, problems)`` of each, in article order within it.

    With a ``store``, the articles are split into hash buckets of their ids (:func:`buckets`), each
    partition read from its own cache manifest where it covers the articles, the rest computed and
    committed partition by partition: memory holds one partition's rows at a time, and a new or
    changed article rewrites only its partition. Without a store, one partition holds everything.

    ``needs`` is either the needed tables whole (sliced per partition here) or
    ``needs(articles, pool) -> tables`` (streaming: each partition's needs read on demand, for the
    articles of the partition that must be computed only; ``pool``, this table's process pool or None,
    serves the needs that must be computed too, so that a table whose needs are not cached yet starts its
    workers once, not once per partition).
    ``level`` sets the partitioning (default: :func:`partition_level` of these articles; a filtered
    corpus passes its whole corpus's level, so that it reads and writes the same partitions); ``codes``
    the articles' partitions at that level (:func:`buckets`), when the caller holds them.
    ``columns``: only these columns of the table (those it has), in the table's order; a partition whose
    cache covers its articles reads only them from its Parquet files (the others are never converted).
    ``pool``: a process pool to use (that of the table these rows are a need of) instead of one of its own.
    """
    level = (partition_level(len(articles)) if level is None else level) if store is not None else 0
    codes = buckets(articles["article_id"], level) if codes is None or store is None else codes
    positions = pd.Series(np.arange(len(articles))).groupby(codes).indices if len(articles) else {}
    if callable(needs):

        def need_for(_: int, part: pd.DataFrame) -> dict[str, pd.DataFrame]:
            return needs(part, pool)  # the pool opened below

    else:
        need_index = {}
        for need, table in needs.items():
            code_of = pd.Series(codes, index=articles["article_id"].astype("string").values)
            row_codes = (
                table["article_id"].astype("string").map(code_of) if len(table) else pd.Series([], dtype="float64")
            )
            need_index[need] = (
                table,
                pd.Series(np.arange(len(table))).groupby(row_codes.values).indices if len(table) else {},
            )

        def need_for(bucket: int, _: pd.DataFrame) -> dict[str, pd.DataFrame]:
            return {n: t.iloc[idx.get(bucket, [])] for n, (t, idx) in need_index.items()}

    order = sorted(positions) or [0]
    bar = None
    if progress and len(order) > 1:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(order), desc=name, unit="partition")
    ids = articles[["article_id"]]  # a partition read from the cache takes its ids alone, not its texts
    with _borrowed(pool) if pool is not None else _maybe_pool(n_jobs, len(articles)) as pool:
        if pool is not None and store is not None:  # few new articles in many partitions: computed together first
            fill(spec, articles, needs, options, keys=keys, store=store, n_jobs=n_jobs, name=name, level=level,
                 pool=pool, below=pool_batch(n_jobs), codes=codes)  # fmt: skip
        for bucket in order:
            idx = positions.get(bucket, np.arange(0))
            part_keys = [keys[i] for i in idx]
            manifest = partition_manifest(store, level, bucket) if store is not None else None
            cached = _projected(manifest, part_keys, take(ids, idx), columns) if manifest is not None else None
            rows, problems = cached or _derive_partition(
                spec,
                take(ids, idx),
                partial(need_for, bucket),
                options,
                part_keys,
                manifest,
                pool,
                n_jobs,
                name,
                full=partial(_take_at, articles, idx),
            )
            if columns is not None and cached is None:
                rows = rows[[c for c in rows.columns if c in set(columns)]]
            yield rows, problems
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()


def _projected(
    manifest: Path, keys: list[str], articles: pd.DataFrame, columns: Iterable[str] | None
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """A partition of :func:`partitions` read with only ``columns``, when its cache covers all its articles at
    its level (None otherwise, or without ``columns``: :func:`_derive_partition` then reads and computes)."""
    if columns is None:
        return None
    wanted = set(columns)
    cached = _read_cached_table(manifest, keys, columns=wanted | {"article_id", "sentence", "start"})  # in_order
    if cached is None or not set(keys) <= set(cached[1]):
        return None
    rows, coverage = cached
    try:
        if len(keys) < len(coverage):
            rows = rows.filter(pc.is_in(rows["_key"], value_set=pa.array(keys, type=rows.schema.field("_key").type)))
        frame = rows.drop_columns(["_key"]).to_pandas()  # the keys are not converted: none of the columns asked for
        frame = in_order(frame.astype({"article_id": "string"}), articles)
    except Exception:  # the checksum held, yet the file does not convert: the whole read decides (and warns)
        return None
    return frame[[c for c in frame.columns if c in wanted]], problems_frame([])


def derive(
    spec: TableSpec,
    articles: pd.DataFrame,
    needs: dict[str, pd.DataFrame],
    options: dict,
    *,
    keys: list[str],
    store: Path | None = None,
    n_jobs: int = 1,
    name: str = "table",
    progress: bool = False,
    level: int | None = None,
    codes: np.ndarray | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A derived table for ``articles``, in article order, from the cache where it covers them.

    One article never costs the others their rows: when the extractor fails on a batch, it is called
    article by article, and each article it still fails on becomes an error row (reason
    ``<name>_failed``) instead of rows. Failed articles are not cached, so a fixed extractor or a
    fixed article gets its rows on the next load. The table is computed and cached partition by
    partition (:func:`partitions`) and put together here.

    Args:
        spec: the table's extractor, needs and options.
        articles: the articles; ``keys`` holds their cache keys (:func:`row_keys`), in the same order.
        needs: the tables the extractor needs, for (at least) the same articles.
        options: keyword options for the extractor (e.g. the NER backend).
        store: the table's cache (:func:`table_store`); None computes without caching.
        n_jobs: processes for large batches.
        name: the table's name, for error rows.
        progress: a progress bar over the partitions.
        level, codes: the partitioning (see :func:`partitions`).
        pool: a process pool to use instead of one of its own (see :func:`partitions`).

    Returns:
        ``(table, problems)``: the rows, and one ``corpus.errors`` row per article that failed.
    """
    frames, problems = [], []
    for frame, part_problems in partitions(
        spec, articles, needs, options, keys=keys, store=store, n_jobs=n_jobs, name=name, progress=progress,
        level=level, codes=codes, pool=pool,
    ):  # fmt: skip
        frames.append(frame)
        problems.append(part_problems)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    problem_frame = pd.concat(problems, ignore_index=True) if len(problems) > 1 else problems[0]
    return in_order(frame, articles), problem_frame


def take(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[positions]``, with each Arrow-backed column taken chunk by chunk.

    ``ChunkedArray.take`` concatenates every chunk first (pyarrow 26 still does): the articles of a
    warm load are memory-mapped chunks, one per file, so taking a partition's articles copied the
    whole text column (500 MB at 100,000 articles) for each partition: 86 s of a +1% run at 100,000
    articles (load average ~10). Taken per chunk, the same rows cost a few milliseconds.
    """
    positions = np.asarray(positions, dtype=np.int64)
    layouts: dict[tuple, list[str]] = {}  # columns chunked alike are taken together, a record batch per chunk
    for c in frame.columns:
        values = getattr(frame[c].array, "_pa_array", None)
        if values is not None and values.num_chunks > 1:
            layouts.setdefault(tuple(len(chunk) for chunk in values.chunks), []).append(c)
    if not layouts:
        return frame.iloc[positions]
    out = frame.drop(columns=[c for columns in layouts.values() for c in columns]).iloc[positions]
    taken_columns = {}
    for lengths, columns in layouts.items():
        table = pa.table({c: frame[c].array._pa_array for c in columns})
        batches = table.to_batches()
        starts = np.cumsum([0, *lengths])
        which = np.searchsorted(starts, positions, side="right") - 1
        pieces = []
        if len(positions):  # runs of positions in one chunk, in the order given
            breaks = np.flatnonzero(np.diff(which)) + 1
            for run in np.split(np.arange(len(positions)), breaks):
                chunk = which[run[0]]
                pieces.append(batches[chunk].take(pa.array(positions[run] - starts[chunk])))
        taken = pa.Table.from_batches(pieces, schema=table.schema)
        for c in columns:
            taken_columns[c] = pd.Series(type(frame[c].array)(taken.column(c)), index=out.index, name=c)
    return out.assign(**taken_columns)[list(frame.columns)]


def _take_at(articles: pd.DataFrame, idx: np.ndarray, positions: np.ndarray) -> pd.DataFrame:
    """The rows of ``articles`` at ``idx[positions]`` (a partition's articles at these of its positions)."""
    return take(articles, idx[positions])


def in_order(frame: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order of ``articles``, then by sentence and start where the table has them."""
    ids = pd.Index(articles["article_id"])
    if ids.is_unique:  # an index lookup: much faster than mapping each row's id through a dict
        heads, lengths = _runs(frame["article_id"])  # an article's rows stand together: look up each run once
        order = np.repeat(ids.get_indexer(frame["article_id"].iloc[heads]), lengths).astype("float64")
        order[order < 0] = np.nan  # rows of other articles go last, as the dict's NaN did
    else:
        order = frame["article_id"].map({a: i for i, a in enumerate(articles["article_id"])}).to_numpy()
    sort_cols = [c for c in ("sentence", "start") if c in frame.columns]
    if _ordered([order, *(frame[c] for c in sort_cols)]):  # a cached partition is stored in order: no sort
        return frame.reset_index(drop=True)
    frame = frame.assign(_order=order).sort_values(["_order", *sort_cols], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def _runs(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values starts, and its length (compared in Arrow when the values are Arrow)."""
    n = len(values)
    if n < 2:
        return np.arange(n), np.ones(n, dtype=np.int64)
    array = getattr(values.array, "_pa_array", None)
    if array is not None:
        changed = pc.not_equal(array.slice(1), array.slice(0, n - 1))
        changed = pc.fill_null(changed, True).to_numpy(zero_copy_only=False)
    else:
        plain = values.to_numpy(dtype=object)
        changed = plain[1:] != plain[:-1]
    heads = np.concatenate([[0], np.flatnonzero(changed) + 1])
    return heads, np.diff(np.append(heads, n))


def _ordered(columns: list) -> bool:
    """Whether rows are already sorted by ``columns`` (lexicographically, no missing value): then the
    stable sort of :func:`in_order` would leave them as they are."""
    n = len(columns[0])
    if n < 2:
        return True
    tied = np.ones(n - 1, dtype=bool)
    for column in columns:
        try:
            values = (
                column.to_numpy(dtype="float64", na_value=np.nan)
                if isinstance(column, pd.Series)
                else np.asarray(column, dtype="float64")
            )
        except (TypeError, ValueError):
            return False
        if np.isnan(values).any():
            return False
        step = np.diff(values)
        if (step[tied] < 0).any():
            return False
        tied &= step == 0
        if not tied.any():
            return True
    return True


def _derive_partition(
    spec: TableSpec, articles: pd.DataFrame,
    needs: dict[str, pd.DataFrame] | Callable[[pd.DataFrame], dict[str, pd.DataFrame]], options: dict,
    keys: list[str], store: Path | None, pool, n_jobs: int, name: str,
    full: Callable[[np.ndarray], pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """One partition: its cached rows where they cover the articles, the rest computed and committed.

    ``needs`` may be a function of the articles to compute giving them: it is called only when
    something is computed, and for those articles only, so that a partition read whole from the cache
    never reads the tables it was computed from, and one with a few new articles reads only their rows.

    ``full(positions)``, when given, gives every column of the articles at those positions of
    ``articles``, which then need hold only their ids: a partition read from the cache takes no text.

    The cached partition stays an Arrow table: only the rows of these articles are converted to pandas,
    and a rewrite keeps the other rows as they are stored (no round trip through pandas). Rows are
    stored in article order, so that reading them back needs no sort (:func:`in_order`).
    """
    if callable(needs):
        need_of = needs
    else:
        given = needs

        def need_of(_: pd.DataFrame) -> dict[str, pd.DataFrame]:
            return given

    def rows_at(positions: np.ndarray) -> pd.DataFrame:
        return full(positions) if full is not None else articles.iloc[positions]

    todo_at = np.arange(len(articles))
    parts = []
    problems: list[Problem] = []
    cached = _cached_rows(store, keys) if store else None
    if cached is not None:
        rows, coverage, _ = cached
        have = set(coverage)
        hit = np.fromiter((k in have for k in keys), dtype=bool, count=len(keys))
        todo_at = np.flatnonzero(~hit)
        if hit.any():
            try:
                part = _rows_of(rows, [k for k, h in zip(keys, hit, strict=True) if h], len(coverage))
                parts.append(part.astype({"article_id": "string"}).drop(columns="_key"))
            except Exception as exc:  # the checksum held, yet the file does not convert: rebuild it all the same
                warnings.warn(
                    f"cache file of {store} is unreadable ({type(exc).__name__}: {exc}); rebuilding it", stacklevel=4
                )
                cached, todo_at, parts = None, np.arange(len(articles)), []
    if len(todo_at) or (store and cached is not None and cached[2]):
        todo = rows_at(todo_at)
        computed, problems, failed = _run(spec, name, todo, need_of(todo), options, n_jobs, pool)
        computed = in_order(computed, todo)  # stored in order: a later read needs no sort
        parts.append(computed)
        if store:
            _commit(store, cached, todo, [keys[i] for i in todo_at], computed, failed)
    if not parts:
        none = rows_at(np.arange(0))
        parts.append(_run(spec, name, none, need_of(none), options, n_jobs, pool)[0])
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    return in_order(frame, articles), problems_frame(problems)


def _commit(
    store: Path, cached: tuple | None, todo: pd.DataFrame, todo_keys: list[str], computed: pd.DataFrame, failed: set,
    deltas: list[Path] | None = None,
) -> None:  # fmt: skip
    """Commit a partition: its cached rows but those of ``todo``'s keys, then ``computed`` (the rows of
    ``todo``, in article order); it covers its cached keys and those of the ``todo`` articles that did
    not fail (a failed article is computed again next time).

    New articles of a partition that is cached at its level are committed as a delta beside it
    (:func:`_delta_manifest`: their rows and keys alone), so that 1% new articles do not rewrite every
    partition of every table; the commit that makes :data:`DELTA_FANOUT` deltas of one tier merges them
    into one delta of the next tier (:func:`_merge_deltas`) while all the deltas hold at most
    :data:`MERGE_SHARE` of the partition's articles, and past that rewrites the partition whole, its
    deltas folded in. A rewrite drops the rows of stale keys (``workbench.live``: articles that left the
    corpus, older versions of changed ones), and a partition whose stale keys pass :data:`MERGE_SHARE`
    of those it covers is rewritten rather than given a delta. ``cached`` is ``(rows, coverage,
    rewrite)`` as :func:`_cached_rows` gives it, ``(None, coverage, False)`` when :func:`plan` read the
    keys alone, or None: a partition cached at its level is read here when it must be rewritten.
    ``deltas``: the partition's deltas when the caller listed them already (:func:`fill`).
    """
    key_of = dict(zip(todo["article_id"], todo_keys, strict=True))
    done_keys = [k for a, k in zip(todo["article_id"], todo_keys, strict=True) if a not in failed]
    stored = computed.assign(_key=computed["article_id"].map(key_of).astype("string"))
    rewrite = cached is not None and cached[2]
    deltas = _delta_manifests(store) if deltas is None else deltas
    live = live_keys(store.parent.parent)  # None: no full load recorded, nothing is stale
    try:
        if not rewrite:
            covered = cached[1] if cached is not None else _coverage(store, deltas)  # None: none, or damaged
            if (
                covered is not None
                and not set(todo_keys) & set(covered)  # new articles alone
                and (live is None or len(stale(covered, live)) <= MERGE_SHARE * len(covered))
            ):
                merged, tier = _to_merge(deltas)
                if not merged:
                    _commit_delta(store, stored, done_keys)  # its keys in the manifest: no coverage file
                    return
                if _merge_deltas(store, deltas, merged, tier, stored, done_keys, len(covered)):
                    return
        if cached is None or cached[0] is None:  # the rows were not read (new articles alone were planned)
            cached = _read_cached_table(store)
        kept = set(cached[1] if cached else ()) - set(todo_keys)
        gone = stale(list(kept), live) if live is not None else set()  # rows of articles no load serves now
        coverage = sorted(kept - gone | set(done_keys))
        files = _rows_files(stored, coverage)
        files["rows"] = (".parquet", _rows_writer(cached[0] if cached else None, set(todo_keys) | gone, stored))
        cachestore.commit(store, files)
        for delta in deltas:  # folded into the partition now
            _drop(delta)
    except OSError as exc:
        warnings.warn(f"cannot write table cache {store}: {exc}", stacklevel=4)


def _commit_delta(store: Path, rows: pd.DataFrame, keys: list[str]) -> None:
    """Commit a delta of a partition: ``rows`` (with their ``_key``), the ``keys`` they cover in its manifest."""
    files = {"rows": (".parquet", cachestore.frame_writer(rows))}
    cachestore.commit(_delta_manifest(store), files, prune=False, keys=keys)  # a new name: nothing to prune


def _rows_files(rows: pd.DataFrame, coverage: list[str]) -> dict[str, tuple[str, Callable[[Path], None]]]:
    return {
        "rows": (".parquet", cachestore.frame_writer(rows)),
        "coverage": (".parquet", cachestore.frame_writer(pd.DataFrame({"_key": pd.Series(coverage, dtype="string")}))),
    }


#: Deltas of one tier a partition takes before the next commit merges them, with its new rows, into one
#: delta of the next tier (a new delta is of tier 0): at 1% new articles per update, every 4th update
#: merges four small deltas, every 16th four of tier 1, and so on, so that each row is written again
#: once per tier, and a partition holds fewer than this many deltas of each tier.
DELTA_FANOUT = 4
#: Past this share of a partition's articles in its deltas, the commit rewrites the partition whole,
#: its deltas folded in (at 1% new articles per update: about every 25th update).
MERGE_SHARE = 0.25


def _tier(delta: Path) -> int:
    """The tier of a delta: ``<stem>+<time>`` is of tier 0, ``<stem>+<time>~<tier>`` of that tier."""
    return int(delta.stem.rpartition("+")[2].partition("~")[2] or 0)


def _to_merge(deltas: list[Path]) -> tuple[list[Path], int]:
    """The newest deltas that the next commit merges with its new rows, and the tier of the delta they
    make: ``([], 0)`` when the new rows make a delta of their own. The newest deltas of tier 0 and the
    new rows, when they are :data:`DELTA_FANOUT`, make one of tier 1; that one and the newest deltas of
    tier 1, when they are as many, one of tier 2; and so on."""
    rest, merged, tier = list(deltas), [], 0
    while True:
        run = []
        while rest and _tier(rest[-1]) == tier:
            run.insert(0, rest.pop())
        if len(run) + 1 < DELTA_FANOUT:  # + 1: the new rows, or the delta merged so far
            return merged, tier
        merged, tier = run + merged, tier + 1


def _merge_deltas(
    store: Path, deltas: list[Path], merged: list[Path], tier: int, rows: pd.DataFrame, keys: list[str],
    n_covered: int,
) -> bool:  # fmt: skip
    """Replace ``merged`` (the newest of a partition's ``deltas``) by one delta of ``tier``: their rows,
    in commit order, then ``rows``, the new articles' (their ``keys``). False, with nothing written,
    when all the deltas and the new rows hold more than :data:`MERGE_SHARE` of the partition's
    ``n_covered`` articles, or a delta does not read: the caller rewrites the partition whole. A reader
    that lists the old deltas and the new one counts each article's rows once (the first), as for deltas
    committed twice."""
    held = [_open_part(delta, rows=False) for delta in deltas]
    if any(part is None for part in held) or sum(len(part[1]) for part in held) + len(keys) > MERGE_SHARE * n_covered:
        return False
    parts = _read_parts(merged)
    if parts is None:
        return False
    old_rows, old_keys = parts
    files = {"rows": (".parquet", _rows_writer(old_rows, set(), rows))}
    cachestore.commit(_delta_manifest(store, tier), files, prune=False, keys=[*old_keys, *keys])
    for delta in merged:
        _drop(delta)
    return True


def _delta_manifest(manifest: Path, tier: int = 0) -> Path:
    """A new delta of a partition: ``<manifest stem>+<time>[~<tier>].json``, named to sort in commit order
    (and not ``<stem>.*``, the names of the partition's own files, which its commits prune)."""
    return manifest.parent / f"{manifest.stem}+{time.time_ns():020d}{f'~{tier}' if tier else ''}.json"


def _delta_manifests(manifest: Path, names: list[str] | None = None) -> list[Path]:
    """The deltas of a partition, in commit order: from ``names``, a listing of its folder made by the
    caller for all its partitions (a table's folder holds thousands of files), or listed now."""
    prefix = f"{manifest.stem}+"
    if names is None:
        try:
            names = os.listdir(manifest.parent)
        except OSError:
            return []
    return [manifest.parent / n for n in sorted(n for n in names if n.startswith(prefix) and n.endswith(".json"))]


def _open_part(path: Path, rows: bool, columns: set[str] | None = None) -> tuple[pa.Table | None, list[str]] | None:
    """A partition's or a delta's rows (when ``rows``; only ``columns`` and ``_key``, if given) and keys, from one
    read of its manifest: a delta (:func:`_delta_manifest`) keeps its few keys in its manifest, a partition in a
    ``coverage`` file. None: missing or damaged."""
    delta = "+" in path.stem.rpartition("-p")[2]  # <stem>-p<level>-<bucket>+<time>: after the sanitised tag
    read = cachestore.read_parquet if columns is None else partial(_read_columns, columns=columns | {"_key"})
    readers = {"rows": read} if rows else {}
    if not delta:
        readers["coverage"] = cachestore.read_parquet
    committed = cachestore.open_committed(path, readers)
    if committed is None:
        return None
    body, tables = committed
    try:
        keys = list(body["keys"]) if delta else tables["coverage"].column("_key").to_pylist()
    except Exception as exc:  # the checksum held, yet the keys do not read
        warnings.warn(f"cache file of {path} is unreadable ({type(exc).__name__}: {exc}); rebuilding it", stacklevel=4)
        return None
    return tables.get("rows"), keys


def _read_columns(path: Path, columns: set[str]) -> pa.Table:
    """The Parquet file's ``columns`` (those it has, in its order), memory-mapped: the others are not read."""
    names = pq.read_schema(path, memory_map=True).names
    return pq.read_table(path, columns=[c for c in names if c in columns], memory_map=True)


def _drop(manifest: Path) -> None:
    """Remove a manifest, then its files (a reader that opened it first finds them gone and recomputes).

    Its files are those its header names (no glob over a table's folder of thousands of files: 1,024
    deltas folded at 100,000 articles took 6 s that way); a damaged header falls back to the glob.
    """
    names = cachestore.previous_names(manifest)
    files = (
        [manifest.parent / n for n in names] if names else list(manifest.parent.glob(f"{glob.escape(manifest.stem)}.*"))
    )
    for path in [manifest, *files]:
        with contextlib.suppress(OSError):
            path.unlink()


def cache_contents(store: Path) -> Iterator[tuple[Path, pa.Table, list[str]]]:
    """Each partition of a table's cache (``store``: :func:`table_store`) that reads: its manifest, its
    rows (its deltas' appended, memory-mapped) and the keys it covers. For benchmarks and tests that look
    at what the cache holds (``bench_scale.py --stages stale``)."""
    for manifest in sorted(store.parent.glob(f"{glob.escape(store.name)}-p*.json")):
        if "+" in manifest.stem.rpartition("-p")[2]:
            continue  # a delta: read with its partition
        cached = _read_cached_table(manifest)
        if cached is not None:
            yield manifest, *cached


def _coverage(manifest: Path, deltas: list[Path] | None = None) -> list[str] | None:
    """The keys a partition cached at its level covers, its deltas' included, without reading its rows
    (None: not cached at its level, or unreadable: :func:`_cached_rows` then decides)."""
    keys = []
    for path in [manifest, *(_delta_manifests(manifest) if deltas is None else deltas)]:
        part = _open_part(path, rows=False)
        if part is None:
            return None
        keys.extend(part[1])
    return keys


def pool_batch(n_jobs: int) -> int:
    """The fewest articles a batch needs to go to a process pool that is running already: fewer are
    computed in this process (the pool's start-up is paid, its chunks' pickling is not)."""
    return max(2 * n_jobs, PARALLEL_MIN_ARTICLES // 8)


#: One partition's share of :func:`fill`: its bucket, the positions of its articles to compute, its
#: cache as :func:`_cached_rows` gives it when its rows were read, or ``(None, coverage, False)`` when only
#: its keys were (a partition cached at its level), or None (nothing cached), and its deltas.
Waiting = tuple[int, np.ndarray, "tuple | None", list[Path]]


def plan(
    articles: pd.DataFrame, *, keys: list[str], store: Path, level: int, below: int | None = None,
    codes: np.ndarray | None = None,
) -> list[Waiting]:  # fmt: skip
    """The partitions of a table whose cache lacks some of ``articles``, and which articles: what
    :func:`fill` computes (``below``, ``codes``: as there). Only the keys of a partition cached at its
    level are read; a partition cached at a lower level is read whole (it is rewritten at its level). A
    partition with nothing to compute is listed too when more than :data:`MERGE_SHARE` of its keys are
    stale (``workbench.live``: files deleted, none added), so that its commit rewrites it without them."""
    codes = buckets(articles["article_id"], level) if codes is None else codes
    positions = pd.Series(np.arange(len(articles))).groupby(codes).indices if len(articles) else {}
    waiting: list[Waiting] = []
    try:
        names = os.listdir(store.parent)
    except OSError:
        names = []
    live = functools.cache(partial(live_keys, store.parent.parent))  # read only for a partition with nothing new
    for bucket in sorted(positions):
        idx = positions[bucket]
        part_keys = [keys[i] for i in idx]
        manifest = partition_manifest(store, level, bucket)
        deltas = _delta_manifests(manifest, names)
        coverage = _coverage(manifest, deltas)  # the keys alone: new articles' rows go to a delta, unread rows stay
        # the keys alone are passed on as (no rows, coverage, no rewrite): the commit needs no second read of them
        cached = (None, coverage, False) if coverage is not None else _cached_rows(manifest, part_keys)
        lower = cached is not None and cached[2]  # rows of a lower level: the partition is rewritten at its level
        if lower and below is not None:
            continue  # left to :func:`partitions`
        have = set(coverage if coverage is not None else cached[1] if cached is not None else ())
        todo = idx[np.fromiter((k not in have for k in part_keys), dtype=bool, count=len(idx))]
        stale_due = (  # nothing new, but past MERGE_SHARE of stale rows: rewritten without them (:func:`_commit`)
            not len(todo)
            and coverage is not None
            and live() is not None
            and len(stale(coverage, live())) > MERGE_SHARE * len(coverage)
        )
        if lower or stale_due or (len(todo) and (below is None or len(todo) < below)):
            waiting.append((bucket, todo, cached, deltas))
    return waiting


def fill(
    spec: TableSpec,
    articles: pd.DataFrame,
    needs: dict[str, pd.DataFrame] | Callable[[pd.DataFrame], dict[str, pd.DataFrame]],
    options: dict,
    *,
    keys: list[str],
    store: Path,
    n_jobs: int = 1,
    name: str = "table",
    level: int | None = None,
    pool: ProcessPoolExecutor | None = None,
    below: int | None = None,
    collect: list[tuple[set, pd.DataFrame]] | None = None,
    codes: np.ndarray | None = None,
    waiting: list[Waiting] | None = None,
) -> int:
    """Compute and commit the rows a table's cache lacks, many partitions' articles in one batch.

    Where 1% new articles arrive, each partition of a large corpus gets a few of them: computed
    partition by partition, every batch is too small for the process pool and the extractor runs on
    one core, once per partition. Here the articles to compute of consecutive partitions are put
    together into batches of at least :data:`PARALLEL_MIN_ARTICLES` (when there are that many),
    each computed at once (over ``n_jobs`` processes when large enough) and committed partition by
    partition. Cached rows are never converted: a partition's rows stay memory-mapped Arrow and are
    rewritten with the new rows appended, exactly as :func:`partitions` commits them.

    Args:
        spec, articles, needs, options, keys, store, n_jobs, name, level: as for :func:`partitions`.
        pool: a running process pool to use (default: one of its own when a batch is large enough).
        below: only partitions with fewer articles to compute than this (the others are left to
            :func:`partitions`, which computes each with the pool); default: every partition.
        collect: when given and at most :data:`FRESH_MAX_ARTICLES` articles are computed, each
            batch's ``(ids of the articles that did not fail, their rows)`` is appended to it (the
            needs of the next tables, see ``Corpus.update``).
        codes: the articles' partitions at ``level`` (:func:`buckets`), when the caller holds them.
        waiting: what to compute, when the caller planned it already (:func:`plan`, with ``below``).

    Returns:
        The number of articles computed (those the extractor failed on included: they are not
        cached, and are computed again by the next read, which reports them).
    """
    level = partition_level(len(articles)) if level is None else level
    if waiting is None:
        waiting = plan(articles, keys=keys, store=store, level=level, below=below, codes=codes)
    total = sum(len(entry[1]) for entry in waiting)
    # fewer than PARALLEL_MIN_ARTICLES stay in this process even with a pool at hand: at 100,000 articles,
    # 1,000 new ones took 20.6 s for the four tables here and 24.1-25.4 s over two workers (load ~2)
    if total < PARALLEL_MIN_ARTICLES:
        pool = None
    with _borrowed(pool) if pool is not None else _maybe_pool(n_jobs, total) as running:
        group: list[Waiting] = []
        for entry in waiting:
            group.append(entry)
            if sum(len(e[1]) for e in group) >= PARALLEL_MIN_ARTICLES or entry is waiting[-1]:
                _fill_group(spec, articles, group, needs, options, keys, store, level, n_jobs, name, running,
                            collect if total <= FRESH_MAX_ARTICLES else None)  # fmt: skip
                group = []
    return total


def _fill_group(
    spec: TableSpec, articles: pd.DataFrame, group: list[Waiting],
    needs: dict[str, pd.DataFrame] | Callable[[pd.DataFrame], dict[str, pd.DataFrame]], options: dict,
    keys: list[str], store: Path, level: int, n_jobs: int, name: str, pool: ProcessPoolExecutor | None,
    collect: list[tuple[set, pd.DataFrame]] | None = None,
) -> None:  # fmt: skip
    """Compute the articles of a group of partitions in one batch, then commit each partition (:func:`fill`)."""
    todo = take(articles, _positions(group)).reset_index(drop=True)
    computed, _, failed = _run(spec, name, todo, needs(todo, pool) if callable(needs) else needs, options, n_jobs, pool)
    if collect is not None:
        collect.append((set(todo["article_id"]) - failed, computed))
    _commit_group(group, todo, computed, failed, keys, store, level)


def _positions(waiting: list[Waiting]) -> np.ndarray:
    """The positions of the articles to compute, partition after partition (as :func:`plan` lists them)."""
    return np.concatenate([idx for _, idx, _, _ in waiting]) if waiting else np.zeros(0, dtype=np.int64)


def _commit_group(
    group: list[Waiting], todo: pd.DataFrame, computed: pd.DataFrame, failed: set, keys: list[str], store: Path,
    level: int,
) -> None:  # fmt: skip
    """Commit each partition of ``group`` its rows of ``computed``, the rows of ``todo`` (its articles to
    compute, partition after partition, as :func:`plan` gave them)."""
    of_todo = np.concatenate([np.full(len(idx), bucket, dtype=np.int64) for bucket, idx, _, _ in group])
    ids = pd.Index(todo["article_id"])
    if not len(computed):
        of_bucket = np.zeros(0, dtype=np.int64)
    elif ids.is_unique:  # each row's partition is its article's: no hashing again
        of_bucket = of_todo[ids.get_indexer(computed["article_id"])]
    else:
        of_bucket = buckets(computed["article_id"], level)
    start = 0
    for bucket, idx, cached, deltas in group:
        part = todo.iloc[start : start + len(idx)]
        start += len(idx)
        rows = in_order(computed[of_bucket == bucket], part)
        manifest = partition_manifest(store, level, bucket)
        _commit(manifest, cached, part, [keys[i] for i in idx], rows, failed, deltas)


@dataclass(frozen=True, slots=True)
class Filling:
    """One table of :func:`fill_together`: its name, spec, options, cache and what it lacks (:func:`plan`)."""

    name: str
    spec: TableSpec
    options: dict
    store: Path
    waiting: list[Waiting]


#: From this many new articles :func:`fill_together` shares them out to the process pool: below it,
#: the workers' start-up (imports, name lists: about 3 s) costs more than the second core saves.
TOGETHER_POOL_MIN = int(os.environ.get("WORKBENCH_TOGETHER_POOL_MIN", 400))


def fill_together(
    fillings: list[Filling], articles: pd.DataFrame, *, keys: list[str], level: int, n_jobs: int = 1,
    pool: ProcessPoolExecutor | None = None,
) -> dict[str, int] | None:  # fmt: skip
    """Compute the new articles of several tables at once, each table from the rows just computed for
    the tables it needs, and commit each table's rows partition by partition (as :func:`fill` does).

    This is the common case of ``Corpus.update``: new files arrived, and every table lacks the same
    articles. Each batch of articles goes through all the tables in one task (:func:`_compute_tables`),
    so that a process pool's workers start once and keep their extractors' set-up from table to table:
    nothing cached is read. From :data:`TOGETHER_POOL_MIN` articles on (and with ``pool``), the batches,
    twice as many as workers, go to the pool, each made of whole partitions, which it commits itself
    (:func:`_fill_batch`): no table's rows travel to a worker or back, and two workers commit at once.

    Args:
        fillings: the tables, each after the tables it needs (:func:`table_order`).
        articles, keys, level: the corpus's articles, their cache keys and partition level.
        n_jobs: the pool's processes (batches: twice as many).
        pool: a running process pool, or None (everything is computed here).

    Returns:
        The number of articles computed per table, or None when this does not apply (and nothing was
        computed): the tables lack different articles, a table's need is not among ``fillings``, more
        than :data:`FRESH_MAX_ARTICLES` articles (their rows are held until committed), or a table's
        cache has rows of a lower level to rewrite.
    """
    if not fillings:
        return {}
    names = {f.name for f in fillings}
    order = _positions(fillings[0].waiting)  # partition after partition, as every table's plan lists them
    if (
        not len(order)
        or len(order) > FRESH_MAX_ARTICLES
        or any(need not in names for f in fillings for need in f.spec.needs)
        or any(cached is not None and cached[2] for f in fillings for _, _, cached, _ in f.waiting)
        or any(not np.array_equal(_positions(f.waiting), order) for f in fillings[1:])
    ):
        return None
    todo = take(articles, order).reset_index(drop=True)
    tasks = [(f.name, f.spec.function, f.spec.needs, f.options) for f in fillings]
    in_script = any(f.spec.function.startswith("__main__:") for f in fillings)
    anything_read = any(cached is not None and cached[0] is not None for f in fillings for _, _, cached, _ in f.waiting)
    if pool is not None and n_jobs > 1 and len(todo) >= TOGETHER_POOL_MIN and not in_script and not anything_read:
        futures, start = [], 0
        for lo, hi in _spans(fillings[0].waiting, 2 * n_jobs):  # whole partitions: each worker commits its own
            sizes = [len(idx) for _, idx, _, _ in fillings[0].waiting[lo:hi]]
            local = np.split(np.arange(sum(sizes)), np.cumsum(sizes)[:-1])  # positions in the batch
            commits = [
                (f.store, [(b, at, c, d) for (b, _, c, d), at in zip(f.waiting[lo:hi], local, strict=True)])
                for f in fillings
            ]
            batch = todo.iloc[start : start + sum(sizes)]
            batch_keys = [keys[i] for i in order[start : start + sum(sizes)]]
            futures.append(pool.submit(_fill_batch, tasks, batch, commits, batch_keys, level))
            start += sum(sizes)
        for future in futures:
            future.result()
    else:
        _fill_batch(tasks, todo, [(f.store, f.waiting) for f in fillings], keys, level)
    return {f.name: len(order) for f in fillings}


def warm_up(pool: ProcessPoolExecutor, tasks: list[tuple[str, str, tuple[str, ...], dict]], sample: pd.DataFrame,
            workers: int, new: int) -> None:  # fmt: skip
    """When ``new`` articles (read from new or changed files) are enough for :func:`fill_together`'s pool
    (:data:`TOGETHER_POOL_MIN`), start the pool's ``workers`` and set up their extractors (imports, name
    lists, matchers: about 2 s) on ``sample`` (an article, its rows dropped), while the caller plans:
    the workers are ready when the first batch comes.

    Nothing waits for these tasks (an extractor failing on the sample fails again on the batch, and is
    reported there). Not for tables registered in a script (``__main__:``), which a worker cannot import."""
    if new < TOGETHER_POOL_MIN or not len(sample) or any(f.startswith("__main__:") for _, f, _, _ in tasks):
        return
    for _ in range(workers):
        pool.submit(_compute_tables, tasks, sample)


def _spans(waiting: list[Waiting], parts: int) -> list[tuple[int, int]]:
    """``waiting`` cut into about ``parts`` runs of whole partitions with about as many articles each."""
    sizes = np.fromiter((len(idx) for _, idx, _, _ in waiting), dtype=np.int64, count=len(waiting))
    ends = np.searchsorted(np.cumsum(sizes), np.arange(1, parts) * sizes.sum() / parts, side="left") + 1
    cuts = [0, *sorted({int(e) for e in ends if 0 < e < len(waiting)}), len(waiting)]
    return list(itertools.pairwise(cuts))


def _fill_batch(
    tasks: list[tuple[str, str, tuple[str, ...], dict]], batch: pd.DataFrame,
    commits: list[tuple[Path, list[Waiting]]], keys: list[str], level: int,
) -> None:  # fmt: skip
    """Compute a batch of articles through every table (:func:`_compute_tables`) and commit each table's
    rows, partition by partition (``commits``: each table's store and partitions, whose positions index
    ``keys`` and, in order, ``batch``). In a worker of the pool, a batch of whole partitions commits its
    own rows: they never travel back, and the commits of two workers run side by side."""
    results = _compute_tables(tasks, batch)
    batch = batch.reset_index(drop=True)
    for (name, *_), (store, group) in zip(tasks, commits, strict=True):
        computed, failed = results[name]
        _commit_group(group, batch, computed, failed, keys, store, level)


def _compute_tables(
    tasks: list[tuple[str, str, tuple[str, ...], dict]], articles: pd.DataFrame
) -> dict[str, tuple[pd.DataFrame, set]]:
    """Several tables for one batch of articles, each from the rows just computed for the tables it needs.

    Returns ``name -> (rows, ids of the articles without rows)``: an article the extractor failed on,
    or whose needed table failed on it, is left out (uncached; the next read computes and reports it).
    """
    out: dict[str, tuple[pd.DataFrame, set]] = {}
    for name, function, needs, options in tasks:
        skipped: set = set().union(*(out[need][1] for need in needs))
        batch = articles[~articles["article_id"].isin(skipped)] if skipped else articles
        given = {need: out[need][0] for need in needs}
        if skipped:
            given = {need: rows[~rows["article_id"].isin(skipped)] for need, rows in given.items()}
        frame, failures = _compute_chunk(function, name, batch, given, options)
        out[name] = (frame, skipped | {f.path_id for f in failures})
    return out


def _rows_of(rows: pa.Table, keys: list[str], n_covered: int) -> pd.DataFrame:
    """The rows of ``keys`` of a cached partition, in pandas (a partition holds rows of covered keys only)."""
    if len(keys) < n_covered:
        rows = rows.filter(pc.is_in(rows["_key"], value_set=pa.array(keys, type=rows.schema.field("_key").type)))
    return rows.to_pandas()


def _rows_writer(cached: pa.Table | None, replaced: set[str], computed: pd.DataFrame) -> Callable[[Path], None]:
    """A writer of a partition's rows: the cached rows but those of ``replaced`` keys, then ``computed``.

    The cached rows stay Arrow; the computed ones are cast to their schema, or, when they do not cast
    (an extractor that gave other columns), both go through pandas as before.
    """
    if cached is None:
        return cachestore.frame_writer(computed)
    keep = cached
    if replaced:
        value_set = pa.array(sorted(replaced), type=cached.schema.field("_key").type)
        keep = cached.filter(pc.invert(pc.is_in(cached["_key"], value_set=value_set)))
    try:
        new = pa.Table.from_pandas(computed, preserve_index=False)
        if new.column_names != keep.column_names:
            raise ValueError("other columns")
        table = pa.concat_tables([keep, new.cast(keep.schema)])
    except (pa.ArrowException, ValueError, TypeError):
        return cachestore.frame_writer(pd.concat([keep.to_pandas(), computed], ignore_index=True))
    return cachestore.table_writer(table)


@contextmanager
def _maybe_pool(n_jobs: int, n_articles: int) -> Iterator[ProcessPoolExecutor | None]:
    """One process pool for every partition of a table, when it is large enough to pay for one."""
    if n_jobs <= 1 or n_articles < PARALLEL_MIN_ARTICLES:
        yield None
        return
    with process_pool(n_jobs) as pool:
        yield pool


def _run(
    spec: TableSpec, name: str, articles: pd.DataFrame, needs: dict, options: dict, n_jobs: int, pool=None
) -> tuple[pd.DataFrame, list[Problem], set]:
    """Run an extractor, split into chunks over ``n_jobs`` processes (``pool``, or one of its own) for large batches.

    Returns the rows, the problems of failed articles and their ids.
    """
    in_script = spec.function.startswith("__main__:")  # a worker process has no copy of the user's script
    # with the table's pool (its workers start at the first submit), a partition with a few new articles stays here
    enough = max(2 * n_jobs, PARALLEL_MIN_ARTICLES // 8) if pool is not None else PARALLEL_MIN_ARTICLES
    if n_jobs <= 1 or len(articles) < enough or in_script:
        results = [_compute_chunk(spec.function, name, articles, _subset(needs, articles), options)]
    else:
        size = min(1000, -(-len(articles) // (4 * n_jobs)))
        chunks = [articles.iloc[i : i + size] for i in range(0, len(articles), size)]
        with _borrowed(pool) if pool is not None else process_pool(n_jobs) as running:
            futures = [
                running.submit(_compute_chunk, spec.function, name, c, _subset(needs, c), options) for c in chunks
            ]
            results = [f.result() for f in futures]
    frames = [frame for frame, _ in results]
    problems = [p for _, chunk_problems in results for p in chunk_problems]
    failed = {p.path_id for p in problems}
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame, [p.problem for p in problems], failed


@contextmanager
def _borrowed(pool: ProcessPoolExecutor) -> Iterator[ProcessPoolExecutor]:
    yield pool


@contextmanager
def process_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool (forkserver) whose workers never re-run the user's script.

    A worker started by ``forkserver`` or ``spawn`` imports the parent's ``__main__`` file (or
    module), so a plain script calling ``load_corpus`` at top level (no ``if __name__ ==
    "__main__":``) would run again in every worker and break the pool (``BrokenProcessPool``). The
    workers need only ``workbench`` modules, so ``__main__``'s ``__file__`` and ``__spec__`` are
    hidden while the pool lives (a worker can start at any submit).
    """
    import multiprocessing

    main = sys.modules.get("__main__")
    hidden = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main is not None and k in main.__dict__}
    pool = None
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            if "__spec__" in hidden:
                main.__spec__ = None
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
        yield pool
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if main is not None:
            main.__dict__.update(hidden)


def pooled(pool: ProcessPoolExecutor, function: Callable, tasks: Iterable[tuple], *, ahead: int) -> Iterator:
    """``function(*task)`` for each of ``tasks`` on ``pool``, the results in the tasks' order, with at most
    ``ahead`` tasks on their way: a task (its texts, say) is made only when there is room for it, so the
    inputs are not all held, nor sent, at once."""
    on_the_way: collections.deque = collections.deque()
    for task in tasks:
        on_the_way.append(pool.submit(function, *task))
        if len(on_the_way) >= ahead:
            yield on_the_way.popleft().result()
    while on_the_way:
        yield on_the_way.popleft().result()


#: The folder of the derived tables in a corpus's cache.
TABLES_DIR = "tables"


def table_store(cache_dir: Path | None, name: str, options: dict) -> Path | None:
    """The cache of table ``name`` under a corpus's ``cache_dir`` (None: no cache).

    The code its rows depend on (:func:`table_code`) and the options are in its name. A path without
    suffix: each partition's manifest is
    ``<store>-p<level>-<bucket>.json`` (:func:`partition_manifest`).
    """
    if cache_dir is None:
        return None
    tag = table_code(name) + "".join(f"-{k}={v}" for k, v in sorted(options.items()))
    safe = "".join(ch if ch.isalnum() or ch in "-=_" else "_" for ch in tag)
    return cache_dir / TABLES_DIR / f"{name}-{safe}"


#: The layout of a table's partitions (manifest fields, columns of ``rows`` and ``coverage``, the bucket
#: hash): part of every table's tag. Bump it when that changes, since :func:`table_code` does not follow
#: this module (the plumbing is not in the extractors' imports).
STORAGE_VERSION = 1

#: Modules in the extractors' imports whose code never changes a table's rows: ``workbench.cache``
#: stores and verifies files (imported by the boilerplate and gazetteer caches, which carry their own
#: fingerprints); a change to the way it stores tables must bump :data:`STORAGE_VERSION`.
NOT_ROWS = ("workbench.cache",)


def table_code(name: str) -> str:
    """The fingerprint of the code and data a table's rows depend on: part of its cache's name.

    The hash of its extractor module's static import closure within ``workbench``
    (:func:`workbench.cache.import_closure`: every module it imports, at any depth, including those
    imported inside functions, such as the NER backends of ``BACKEND_FAMILIES``), of the closures of
    the tables it needs (their rows are its input), of every data file under ``workbench/data`` (the
    extractors read word lists by name), and :data:`STORAGE_VERSION`. An edit to a chart, a report or
    this module keeps every cached table; an edit to an extractor, a module it imports or a word list
    recomputes the tables that depend on it. A table registered from outside ``workbench`` (a script,
    a test) carries the whole package's fingerprint.
    """
    return _table_code(name, TABLES.get(name))


@functools.cache
def _table_code(name: str, spec: TableSpec | None) -> str:
    digest = hashlib.blake2b(f"v{STORAGE_VERSION}".encode(), digest_size=8)
    seen, todo = set(), [spec]
    while todo:
        spec = todo.pop()
        if spec is None:  # a need nobody registered: the table fails anyway
            continue
        if spec.function in seen:
            continue
        seen.add(spec.function)
        module = spec.function.partition(":")[0]
        digest.update(f"|{spec.function}|".encode() + cachestore.closure_fingerprint(module, exclude=NOT_ROWS).encode())
        todo.extend(TABLES.get(need) for need in spec.needs)
    return digest.hexdigest()


def row_keys(articles: pd.DataFrame) -> list[str]:
    """Per-article cache keys: the text hash plus the header data extractors read (and boilerplate ranges)."""
    from workbench.prose import ranges

    # each column as a list of its Python values first: the same values (and text) as iterating the
    # Series, without pandas' element-by-element iteration of Arrow-backed columns (1.8 s -> 1.1 s at 100,000)
    names = ("article_id", "content_hash", "published", "outlet", "via", "credit")
    columns = [articles[c].astype(object).tolist() for c in names]
    return [
        hashlib.blake2b(f"{a}|{h}|{p}|{o}|{v}|{c}|{b}".encode(), digest_size=8).hexdigest()
        for a, h, p, o, v, c, b in zip(*columns, ranges(articles), strict=True)
    ]


def _resolve(function: str) -> Callable[..., pd.DataFrame]:
    module, _, name = function.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True, slots=True)
class _Failure:
    path_id: str  # the article id
    problem: Problem


#: Characters of an exception's message kept in an error row.
_DETAIL_CHARS = 300


def _compute_chunk(
    function: str, name: str, articles: pd.DataFrame, needs: dict[str, pd.DataFrame], options: dict
) -> tuple[pd.DataFrame, list[_Failure]]:
    """The extractor over a batch; if it fails, article by article, each failure an error row."""
    extractor = _resolve(function)
    try:
        return extractor(articles, **needs, **options), []
    except Exception:  # one article must not cost the others their rows: retry them one by one
        pass
    split = {
        need: dict(tuple(t.groupby("article_id", sort=False, observed=True))) if len(t) else {}
        for need, t in needs.items()
    }
    frames, failures = [], []
    paths = articles["path"] if "path" in articles.columns else articles["article_id"]
    for i, (article_id, path) in enumerate(zip(articles["article_id"], paths, strict=True)):
        one = {need: split[need].get(article_id, t.iloc[:0]) for need, t in needs.items()}
        try:
            frames.append(extractor(articles.iloc[[i]], **one, **options))
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            message = message if len(message) <= _DETAIL_CHARS else message[: _DETAIL_CHARS - 1] + "…"
            detail = f"the {name} table has no rows for article {article_id!r}: its extractor failed ({message})"
            failures.append(_Failure(article_id, Problem(str(path), f"{name}_failed", detail, "error")))
    if not frames:
        try:
            frames.append(extractor(articles.iloc[:0], **{need: t.iloc[:0] for need, t in needs.items()}, **options))
        except Exception:
            frames.append(pd.DataFrame({"article_id": pd.Series([], dtype="string")}))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame, failures


def _cached_partition(manifest: Path, keys: list[str]) -> tuple[pd.DataFrame, list[str], bool] | None:
    """The cached rows (pandas, with their ``_key``) and coverage of a partition, restricted to ``keys``,
    and whether it must be rewritten: :func:`_cached_rows` converted."""
    cached = _cached_rows(manifest, keys)
    if cached is None:
        return None
    rows, coverage, rewrite = cached
    return rows.to_pandas(), coverage, rewrite


def _cached_rows(manifest: Path, keys: list[str]) -> tuple[pa.Table, list[str], bool] | None:
    """The cached rows (Arrow) and coverage of a partition, restricted to ``keys``, and whether it must be rewritten.

    When the partition has no cache at its level (the corpus grew past a level, or shrank), the
    partitions of lower levels that hold its bucket are read instead (a bucket of level ``k`` holds
    those of level ``k + 1`` that agree on its bits) and the partition is rewritten at its level.
    """
    cached = _read_cached_table(manifest, keys)
    if cached is not None:
        return (*cached, False)
    stem, _, bucket = manifest.stem.rpartition("-")
    prefix, _, level = stem.rpartition("-p")
    for lower in range(int(level) - 1, -1, -1):
        older = _read_cached_table(
            partition_manifest(manifest.parent / prefix, lower, int(bucket, 16) & ((1 << lower) - 1)), keys, only=True
        )
        if older is not None:  # it holds the rows of other buckets too: keep only these keys'
            wanted = set(keys)
            rows, coverage = older
            coverage = [k for k in coverage if k in wanted]
            value_set = pa.array(sorted(coverage), type=rows.schema.field("_key").type)
            return rows.filter(pc.is_in(rows["_key"], value_set=value_set)), coverage, True
    return None


def _read_cached_table(
    store: Path, keys: list[str] | None = None, *, only: bool = False, columns: set[str] | None = None
) -> tuple[pa.Table, list[str]] | None:
    """The rows (Arrow, memory-mapped) and coverage of one cached partition, its deltas' rows appended.

    When the partition covers every one of ``keys`` (so that it will not be rewritten), or with
    ``only``, just the rows of those keys are kept (the filter runs on the Arrow table, before any
    conversion to pandas): a filtered corpus (dates, outlets) reads only its articles' rows of each
    partition, and the needs of a few new articles only theirs. ``columns``: only these are read.
    """
    cached = _read_parts([store, *_delta_manifests(store)], columns)
    if cached is None:  # no partition, or a damaged delta: computed again (and rewritten whole)
        return None
    rows, coverage = cached
    wanted = set(keys) if keys is not None else None
    if wanted is not None and (only or not wanted - set(coverage)) and len(wanted) < len(coverage):
        wanted = pa.array(sorted(wanted), type=rows.schema.field("_key").type)
        rows = rows.filter(pc.is_in(rows["_key"], value_set=wanted))
    return rows, coverage


def _read_parts(paths: list[Path], columns: set[str] | None = None) -> tuple[pa.Table, list[str]] | None:
    """The rows (only ``columns`` and ``_key``, if given) and keys of a partition's files (itself, then its
    deltas, in commit order; or its deltas alone), each key's rows counted once. None: a file is missing,
    damaged or unreadable."""
    parts = []
    for path in paths:
        part = _open_part(path, rows=True, columns=columns)
        if part is None:
            return None
        parts.append(part)
    try:
        coverage = list(parts[0][1])
        pieces = [parts[0][0]]
        seen = set(coverage)
        for rows, added in parts[1:]:  # two processes may commit deltas of the same new articles: the first counts
            if not seen.isdisjoint(added):
                added = [k for k in added if k not in seen]
                rows = rows.filter(
                    pc.is_in(rows["_key"], value_set=pa.array(added, type=rows.schema.field("_key").type))
                )
            pieces.append(rows)
            coverage.extend(added)
            seen.update(added)
        return (pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces, promote_options="permissive")), coverage
    except Exception as exc:  # the checksum held, yet the file does not read: rebuild it all the same
        warnings.warn(
            f"cache file of {paths[0]} is unreadable ({type(exc).__name__}: {exc}); rebuilding it", stacklevel=5
        )
        return None


def _subset(tables: dict[str, pd.DataFrame], articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    ids = set(articles["article_id"])
    return {name: t[t["article_id"].isin(ids)] for name, t in tables.items()}
