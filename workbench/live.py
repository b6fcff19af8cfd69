"""Which cached rows a corpus still serves: the live article keys of its cache, and the stale ones.

A derived table's partitions keep rows per article key (``workbench.tables.row_keys``: the article's
id, text hash, header data and boilerplate ranges). When a file leaves the corpus, or an article's
key changes (its text was edited, boilerplate was found in it anew), its old rows stay in their
partition: a filtered corpus shares the cache, so a commit alone cannot tell an article gone from one
filtered out. Each full load (``load_corpus``, or a filter of it that keeps every article) therefore
records its articles' ids and keys here, one record per **view** of the corpus: with and without
boilerplate marking, since the two give one article different keys and the rows of both are worth
keeping for a user who switches between them.

A key is **live** when some view's record holds it and its article is in the newest record: the rows
of an article that left the corpus go whatever the view, and those of an article's older versions go
once no view's record names them. ``workbench.tables`` drops the other keys' rows when it rewrites a
partition, and rewrites a partition whose stale rows pass ``tables.MERGE_SHARE`` of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from workbench import cache as cachestore

#: The folder of the records under a corpus's cache folder.
LIVE_DIR = "live"
#: The views a record may be of (``load_corpus(boilerplate=...)``).
VIEWS = ("boilerplate", "plain")

_memo: dict[Path, tuple[tuple, np.ndarray | None]] = {}


def record_path(cache_dir: Path, view: str) -> Path:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    return cache_dir / LIVE_DIR / f"{view}.parquet"


def register(cache_dir: Path, view: str, ids: list[str], keys: list[str]) -> None:
    """Record the articles of a full load of ``view`` (their ``ids`` and row ``keys``, in one order).

    An unchanged record is not written again, only made the newest (its modification time; silently
    not in a read-only cache); a changed record that cannot be written is warned about and left as it is.
    """
    path = record_path(cache_dir, view)
    digest = hashlib.blake2b("\n".join(keys).encode(), digest_size=16).hexdigest()
    if _digest(path) == digest:
        with contextlib.suppress(OSError):  # a read-only cache: nothing commits there, so nothing is dropped
            os.utime(path)
        return
    try:
        table = pa.table(
            {"article_id": pa.array(ids, type=pa.string()), "_key": pa.array(keys, type=pa.string())}
        ).replace_schema_metadata({"digest": digest})
        path.parent.mkdir(parents=True, exist_ok=True)
        cachestore.write_atomic(path, cachestore.table_writer(table))
    except OSError as exc:
        warnings.warn(f"cannot record the live articles of {cache_dir}: {exc}", stacklevel=3)


def _digest(path: Path) -> str | None:
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException):
        return None
    value = metadata.get(b"digest")
    return value.decode() if value else None


def live_keys(cache_dir: Path) -> np.ndarray | None:
    """The live keys of a corpus's cache as sorted 64-bit integers (a row key is 16 hex digits), or None
    when nothing is recorded or a record does not read: then no row counts as stale.

    Read once per process until a record changes (its size or modification time)."""
    folder = cache_dir / LIVE_DIR
    try:
        entries = sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in os.scandir(folder))
    except OSError:
        return None
    records = [e for e in entries if e[0].endswith(".parquet") and e[0][: -len(".parquet")] in VIEWS]
    signature = tuple(records)
    held = _memo.get(folder)
    if held is not None and held[0] == signature:
        return held[1]
    _memo[folder] = (signature, live := _read_live(folder, records))
    return live


def _read_live(folder: Path, records: list[tuple[str, int, int]]) -> np.ndarray | None:
    if not records:
        return None
    try:
        tables = {name: pq.read_table(folder / name) for name, _, _ in records}
        newest = max(records, key=lambda r: r[1])[0]
        present = tables[newest].column("article_id").combine_chunks()
        keys = [t.filter(pc.is_in(t["article_id"], value_set=present))["_key"] for t in tables.values()]
        return np.unique(as_integers(pa.chunked_array([c for k in keys for c in k.chunks], type=pa.string())))
    except (OSError, KeyError, ValueError, OverflowError, pa.ArrowException) as exc:
        warnings.warn(f"cannot read the live articles in {folder} ({exc}); no cached row is dropped", stacklevel=3)
        return None


def as_integers(keys: list[str] | pa.ChunkedArray) -> np.ndarray:
    """Row keys (16 hex digits) as unsigned 64-bit integers. Raises ValueError or OverflowError for any other key."""
    values = keys.to_pylist() if isinstance(keys, pa.ChunkedArray) else keys
    return np.fromiter((int(k, 16) for k in values), dtype=np.uint64, count=len(values))


def stale(keys: list[str], live: np.ndarray) -> set[str]:
    """Those of ``keys`` (a partition's) that are not live (all live if a key is not a row key)."""
    try:
        values = as_integers(keys)
    except (ValueError, OverflowError):
        return set()
    at = np.searchsorted(live, values).clip(max=max(len(live) - 1, 0))
    found = (live[at] == values) if len(live) else np.zeros(len(values), dtype=bool)
    return {k for k, hit in zip(keys, found, strict=True) if not hit}
