"""Derived tables: which extractor computes each one, and its per-article cache.

A derived table is ``function(articles, **needs, **options) -> DataFrame`` with an ``article_id``
column. :data:`TABLES` names them (extractors register there, so the Corpus never branches on
them); :func:`derive` computes one for a batch of articles, reusing the rows cached for articles
whose text and header data are unchanged, and splitting large batches over processes.
"""

from __future__ import annotations

import hashlib
import importlib
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench import cache as cachestore


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


#: Below this many articles a second process costs more (start-up, imports) than it saves.
PARALLEL_MIN_ARTICLES = 2000


def derive(
    spec: TableSpec,
    articles: pd.DataFrame,
    needs: dict[str, pd.DataFrame],
    options: dict,
    *,
    keys: list[str],
    store: Path | None = None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """A derived table for ``articles``, in article order, from the cache where it covers them.

    Args:
        spec: the table's extractor, needs and options.
        articles: the articles; ``keys`` holds their cache keys (:func:`row_keys`), in the same order.
        needs: the tables the extractor needs, for (at least) the same articles.
        options: keyword options for the extractor (e.g. the NER backend).
        store: the table's cache file (:func:`table_store`); None computes without caching.
        n_jobs: processes for large batches.
    """
    todo = articles
    parts = []
    cached = _read_cached_table(store) if store else None
    if cached is not None:
        done_frame, coverage = cached
        have = set(coverage)
        hit = [k in have for k in keys]
        todo = articles[[not h for h in hit]]
        hit_ids = articles["article_id"][hit]
        if len(hit_ids):
            wanted = pd.DataFrame({"article_id": hit_ids.astype("string").values, "_key": pd.array(pd.Series(keys)[hit], dtype="string")})
            done_frame = done_frame.astype({"article_id": "string", "_key": "string"})
            part = done_frame.merge(wanted, on=["article_id", "_key"]).drop(columns="_key")
            parts.append(part)
    if len(todo):
        computed = _run(spec, todo, needs, options, n_jobs)
        parts.append(computed)
        if store:
            todo_keys = pd.Series(keys, index=articles.index)[todo.index]
            key_of = dict(zip(todo["article_id"], todo_keys, strict=True))
            stored = computed.assign(_key=computed["article_id"].map(key_of).astype("string"))
            if cached is not None:
                stored = pd.concat([cached[0][~cached[0]["_key"].isin(set(todo_keys))], stored], ignore_index=True)
            coverage = sorted(set(cached[1] if cached else ()) | set(todo_keys))
            try:
                cachestore.write_frame(store, stored)
                cachestore.write_frame(store.with_suffix(".coverage.parquet"), pd.DataFrame({"_key": coverage}))
            except OSError as exc:
                warnings.warn(f"cannot write table cache {store}: {exc}", stacklevel=3)
    if not parts:
        return _run(spec, articles.iloc[:0], needs, options, n_jobs)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    order = {a: i for i, a in enumerate(articles["article_id"])}
    sort_cols = [c for c in ("sentence", "start") if c in frame.columns]
    frame = frame.assign(_order=frame["article_id"].map(order)).sort_values(["_order", *sort_cols], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def _run(spec: TableSpec, articles: pd.DataFrame, needs: dict, options: dict, n_jobs: int) -> pd.DataFrame:
    """Run an extractor, split into partitions over ``n_jobs`` processes for large batches."""
    if n_jobs <= 1 or len(articles) < PARALLEL_MIN_ARTICLES:
        return _compute_chunk(spec.function, articles, _subset(needs, articles), options)
    size = min(1000, -(-len(articles) // (4 * n_jobs)))
    chunks = [articles.iloc[i : i + size] for i in range(0, len(articles), size)]
    import multiprocessing

    with ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("forkserver")) as pool:
        futures = [pool.submit(_compute_chunk, spec.function, c, _subset(needs, c), options) for c in chunks]
        return pd.concat([f.result() for f in futures], ignore_index=True)


def table_store(cache_dir: Path | None, name: str, options: dict) -> Path | None:
    """The cache file of table ``name`` under a corpus's ``cache_dir`` (None: no cache); the code and options are in its name."""
    if cache_dir is None:
        return None
    tag = cachestore.code_fingerprint() + "".join(f"-{k}={v}" for k, v in sorted(options.items()))
    safe = "".join(ch if ch.isalnum() or ch in "-=_." else "_" for ch in tag)
    return cache_dir / "tables" / f"{name}-{safe}.parquet"


def row_keys(articles: pd.DataFrame) -> list[str]:
    """Per-article cache keys: the text hash plus the header data extractors read (and boilerplate ranges)."""
    from workbench.boilerplate import ranges

    return [
        hashlib.blake2b(f"{a}|{h}|{p}|{o}|{v}|{c}|{b}".encode(), digest_size=8).hexdigest()
        for a, h, p, o, v, c, b in zip(
            articles["article_id"], articles["content_hash"], articles["published"], articles["outlet"],
            articles["via"], articles["credit"], ranges(articles), strict=True,
        )
    ]


def _resolve(function: str) -> Callable[..., pd.DataFrame]:
    module, _, name = function.partition(":")
    return getattr(importlib.import_module(module), name)


def _compute_chunk(function: str, articles: pd.DataFrame, needs: dict[str, pd.DataFrame], options: dict) -> pd.DataFrame:
    return _resolve(function)(articles, **needs, **options)


def _read_cached_table(store: Path) -> tuple[pd.DataFrame, list[str]] | None:
    table = cachestore.read_table(store)
    coverage = cachestore.read_table(store.with_suffix(".coverage.parquet"))
    if table is None or coverage is None:
        return None
    return table.to_pandas(), coverage.column("_key").to_pylist()


def _subset(tables: dict[str, pd.DataFrame], articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    ids = set(articles["article_id"])
    return {name: t[t["article_id"].isin(ids)] for name, t in tables.items()}
