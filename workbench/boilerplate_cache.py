"""The boilerplate search kept in the corpus cache, so that loads after the first search little or not at all.

Beside the corpus cache's own files, one manifest (``boilerplate.json``, committed like every cache
manifest: :func:`workbench.cache.commit`) names four files:

- ``patterns`` and ``ranges``: the result of the last search, valid for the articles whose
  :meth:`~workbench.boilerplate.Rows.key` the manifest holds (their text hashes, titles, outlets,
  duplicate flags, in row order: no text is read to check it);
- ``signatures`` and ``entries``: every article's candidate patterns
  (:data:`~workbench.boilerplate.ENTRY_SCHEMA`), so that a load that adds, changes or removes files
  splits only those files' articles (:func:`~workbench.boilerplate.search`).

A warm load reads and verifies the two small result files only. A damaged file warns and is
searched again from scratch, like any damaged cache file; a cache that cannot be written warns.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa

from workbench import cache as cachestore
from workbench.boilerplate import PATTERN_COLUMNS, search
from workbench.boilerplate_index import Index, Rows
from workbench.staging import Staging

MANIFEST = "boilerplate.json"


def cached_search(
    articles: pd.DataFrame, folder: Path, *, n_jobs: int = 1, **options
) -> tuple[pd.DataFrame, dict[int, list[tuple[int, int]]]]:
    """:func:`workbench.boilerplate.find` over ``articles``, through the cache in ``folder``.

    Returns the patterns and the ranges of the articles that have any, by row. ``n_jobs``: processes
    that split new articles into candidates (``boilerplate.search``; not part of the cache's key).
    """
    manifest = folder / MANIFEST
    parts = ("boilerplate.py", "boilerplate_index.py", "boilerplate_cache.py")
    code = "".join(map(cachestore.code_fingerprint, parts)) + json.dumps(sorted(options.items()), default=str)
    rows = Rows(articles)
    key = rows.key()
    hit = cachestore.open_committed(
        manifest,
        {"patterns": cachestore.read_parquet, "ranges": cachestore.read_arrow},
        expect={"code": code, "articles": key},
    )
    if hit is not None:
        _, tables = hit
        return tables["patterns"].to_pandas().astype(PATTERN_COLUMNS), _ranges(tables["ranges"])
    index = None
    kept = cachestore.open_committed(
        manifest, {"signatures": cachestore.read_arrow, "entries": cachestore.read_arrow}, expect={"code": code}
    )
    if kept is not None:
        _, tables = kept
        index = Index(tables["signatures"].column("signature").combine_chunks(), tables["entries"])
    patterns, ranges, index = search(
        articles, index=index, rows=rows, staging=Staging(folder), n_jobs=n_jobs, **options
    )
    try:
        _commit(manifest, patterns, ranges, index, code=code, articles=key)
    except OSError as exc:
        warnings.warn(f"cannot write the boilerplate cache in {folder}: {exc}", stacklevel=3)
    return patterns, ranges


def _commit(manifest: Path, patterns, ranges, index: Index, **data) -> None:
    flat = [(i, s, e) for i, spans in ranges.items() for s, e in spans]
    table = pa.table(
        {
            "row": pa.array([r[0] for r in flat], type=pa.int64()),
            "start": pa.array([r[1] for r in flat], type=pa.int64()),
            "end": pa.array([r[2] for r in flat], type=pa.int64()),
        }
    )
    kept = index.signatures
    signatures = pa.table({"signature": kept if isinstance(kept, pa.Array) else pa.array(kept, type=pa.large_string())})
    writers = {
        "patterns": (".parquet", cachestore.frame_writer(patterns)),
        "ranges": (".arrow", cachestore.arrow_writer(table)),
        "signatures": (".arrow", cachestore.arrow_writer(signatures)),
        "entries": (".arrow", cachestore.arrow_writer(index.entries)),
    }
    cachestore.commit(manifest, writers, **data)
    for old in manifest.parent.glob("boilerplate-*.parquet"):  # the single-file cache of earlier versions
        old.unlink(missing_ok=True)


def _ranges(table: pa.Table) -> dict[int, list[tuple[int, int]]]:
    ranges: dict[int, list[tuple[int, int]]] = {}
    for row, start, end in zip(*(table.column(c).to_pylist() for c in ("row", "start", "end")), strict=True):
        ranges.setdefault(row, []).append((start, end))
    return ranges
