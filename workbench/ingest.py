"""Ingest: read a folder or file of articles through the readers, with a per-file cache, into a Corpus.

:func:`load_corpus` finds the files (``workbench.readers``), reads only those that are new or changed
since the cached load (in parallel for large loads), builds the Arrow articles table
(``workbench.article_table``: records into Arrow, ids made unique, duplicate texts flagged), keeps
it in the cache, and returns a :class:`Corpus`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench import cache as cachestore
from workbench import config, readers
from workbench.article_table import ARTICLE_COLUMNS, finish, memory_pool, read_batch, restore
from workbench.corpus import Corpus
from workbench.errors import CorpusError, WorkbenchError, problems_frame
from workbench.mirror import Mirror, mirror_for
from workbench.readers import urls
from workbench.staging import Staging


def load_corpus(
    path: str | os.PathLike | None = None,
    *,
    format: str = "auto",
    cache: bool | str | os.PathLike = True,
    progress: bool | None = None,
    strict: bool = False,
    columns: dict[str, str] | None = None,
    backend: str = "rules",
    n_jobs: int | None = None,
    read_jobs: int | None = None,
    boilerplate: bool = True,
    engine: str = "pandas",
    scheduler: str | Any | None = None,
    storage_options: dict[str, Any] | None = None,
    cache_options: dict[str, Any] | None = None,
) -> Corpus:
    """Load a folder or file of news articles.

    Args:
        path: a folder or file; ``None`` means ``config.DEFAULT_CORPUS`` (``seeds/``, or
            ``$WORKBENCH_CORPUS``). Or an fsspec URL of one (``s3://bucket/news/``,
            ``file:///data/news``, ``memory://corpus/``): its files are listed and read through
            fsspec and known by their URL (``workbench.readers.urls``).
        format: ``"auto"`` (by suffix and folder layout) or a registered reader name
            (``seed``, ``table``, ``manifest``, ``timeml``).
        cache: reuse parsed files and derived tables from the cache; only new or changed files are
            read. True: ``config.CACHE_URL`` when ``$WORKBENCH_CACHE`` is a URL, else
            ``config.CACHE_DIR``; a folder; or an fsspec URL (``s3://bucket/cache``), mirrored in
            ``config.MIRRORS_DIR`` (``workbench.mirror``: fetched before a load, what this
            process writes sent after it), so that other machines and Dask workers share it.
        progress: show a progress bar (default: for large loads in an interactive session).
        strict: raise :class:`CorpusError` on the first error instead of recording it.
        columns: for tables, ``{"their column": "article column"}`` overrides.
        backend: the entity backend used for ``mentions`` (``rules`` or ``spacy:<name>``).
        n_jobs: processes used for derived tables; None or -1 (the default): every core, for
            tables of at least ``workbench.tables.PARALLEL_MIN_ARTICLES`` articles to compute.
        read_jobs: processes used to parse files when ``PARALLEL_MIN_FILES`` or more are new or
            changed (or ``PARALLEL_MIN_BYTES`` of them), and to split new articles into boilerplate candidates from
            ``boilerplate.SPLIT_PARALLEL_MIN`` on (default: one per core).
        boilerplate: find lines and edge fragments repeated across many articles of an outlet
            (sign-offs, credits, copyright lines: ``workbench.boilerplate``), mark them as
            ``boilerplate`` sections that every extractor skips, and list them in ``corpus.boilerplate``.
        engine: ``"pandas"`` (tables computed on first use, in this process and its pool) or
            ``"dask"``: the new or changed files read and parsed as tasks on a Dask cluster, batch
            by batch, then every derived table computed now, one task per partition, into the
            cache (``workbench.engines``), from which the Corpus then reads them. The workers must
            reach the files (a shared folder, or a URL every worker can open).
        scheduler: for ``engine="dask"``: a scheduler address (``tcp://host:8786``) or a
            ``distributed.Client``; None starts a LocalCluster of two workers.
        storage_options: for a URL: options of its fsspec file system (``{"anon": True}``,
            credentials, an endpoint); they travel to the workers with the file system.
        cache_options: for a cache at a URL: options of its fsspec file system (or fsspec's own
            ``FSSPEC_<PROTOCOL>`` variables, for scheduled runs).

    Returns:
        A :class:`Corpus`. Problems with individual files are rows of ``corpus.errors``.

    Raises:
        WorkbenchError: the path or URL does not exist or the format is unknown.

    >>> corpus = load_corpus(cache=False)
    >>> corpus.articles.loc[0, ["outlet", "via"]].tolist()
    ['European Pravda', ['Voice of America']]
    """
    started = time.perf_counter()
    if engine not in ("pandas", "dask"):
        raise WorkbenchError(f"unknown engine {engine!r}; use 'pandas' or 'dask'")
    if engine == "dask" and not cache:
        raise WorkbenchError("engine='dask' writes the tables into the cache: it needs cache=True")
    read_jobs = read_jobs if read_jobs is not None else os.cpu_count() or 1
    options = {"columns": columns} if columns else {}
    if urls.is_url(path):
        root: Path | str = str(path)
        units, problems = urls.discover(root, format=format, options=options, storage_options=storage_options)
        key = urls.cache_key(root, format, options)
    else:
        if storage_options:
            raise WorkbenchError("storage_options are for a corpus at a URL (s3://..., memory://...), not a local path")
        root = Path(path).expanduser() if path is not None else config.DEFAULT_CORPUS
        if not root.exists():
            raise WorkbenchError(f"corpus path does not exist: {root}")
        units, problems = readers.discover(root, format=format, options=options)
        key = cachestore.corpus_key(root, format, options)
    mirror = _mirror(cache, key, cache_options)
    if mirror is not None:
        mirror.pull(prefixes=MIRROR_LOAD)  # the articles and boilerplate; each table is fetched when first used
        cache_dir: Path | None = mirror.local
    elif cache is True:
        cache_dir = config.CACHE_DIR / key
    else:
        cache_dir = Path(cache).expanduser() / key if cache else None
    if engine == "dask":
        from workbench.engines import client_for

        cluster = client_for(scheduler)  # the same client reads the files and computes the tables
    else:
        cluster = contextlib.nullcontext(None)
    with cluster as client:
        committing: list[Future] = []  # the articles cache, written on a thread while the boilerplate is found
        try:
            articles, errors, read_now = _read_units(
                units, problems, cache_dir, progress, read_jobs, client, committing
            )
            patterns = None
            if boilerplate:  # across articles, so after the per-file cache: sections gain boilerplate ranges
                from workbench.boilerplate import mark

                articles, patterns = mark(
                    articles, cache_dir=cache_dir, n_jobs=read_jobs
                )  # kept in the corpus cache: a warm load does not search again
        finally:
            for commit in committing:  # committed (or warned about) before the corpus is returned
                commit.result()
        if strict and (errors["severity"] == "error").any():
            first = errors[errors["severity"] == "error"].iloc[0]
            raise CorpusError(f"{first['path']}: {first['reason']}: {first['detail']}")
        corpus = Corpus(
            articles, errors, root=root, cache_dir=cache_dir, options={"backend": backend, "n_jobs": n_jobs},
            boilerplate=patterns, seconds=time.perf_counter() - started, read_now=read_now,
            view=("boilerplate" if boilerplate else "plain") if cache_dir is not None else None, mirror=mirror,
        )  # fmt: skip
        corpus._push()  # the articles and boilerplate, for a cache at a URL
        if client is not None:
            from workbench.engines import compute_tables

            compute_tables(corpus, scheduler=client)
    return corpus


# -- a cache at a URL ----------------------------------------------------------------------

#: What a load fetches from a cache at a URL: the articles, the boilerplate and the live keys (not the
#: tables: each is fetched when first read, ``Corpus._pull``).
MIRROR_LOAD = ("corpus.", "boilerplate.", "live/")


def _mirror(cache: bool | str | os.PathLike, key: str, cache_options: dict[str, Any] | None) -> Mirror | None:
    """The mirror of this corpus's cache when the cache is at a URL (``cache``, or ``config.CACHE_URL``)."""
    url = config.CACHE_URL if cache is True else str(cache) if urls.is_url(cache) else None
    if url is None:
        if cache_options:
            raise WorkbenchError("cache_options are for a cache at a URL (s3://...), not a local folder")
        return None
    return mirror_for(url, key, cache_options, base=config.MIRRORS_DIR)


# -- reading with the cache ---------------------------------------------------------------


#: Below this many files a second process costs more (start-up, imports) than it saves...
PARALLEL_MIN_FILES = int(os.environ.get("WORKBENCH_PARALLEL_MIN_FILES", 3000))
#: ...unless they hold this many bytes (in two batches or more): a thousand JSONL files of a thousand
#: articles each are a single process's 140 s of parsing.
PARALLEL_MIN_BYTES = int(os.environ.get("WORKBENCH_PARALLEL_MIN_BYTES", 64 * 2**20))
#: Files read by one call of the pool (or one task of the Dask engine), at most.
READ_BATCH_FILES = 500
#: Bytes of files read by one call (a batch holds at least one file, whatever its size).
READ_BATCH_BYTES = 16 * 1024 * 1024
#: Files above this size show a progress bar by bytes (in an interactive session).
PROGRESS_MIN_BYTES = 64 * 1024 * 1024


#: A load that reads at least this many bytes of files, or whose articles table is that large, keeps
#: the tables in files of the cache folder, memory-mapped, instead of in memory (:class:`Staging`).
STREAM_MIN_BYTES = int(os.environ.get("WORKBENCH_STREAM_MIN_BYTES", 256 * 2**20))


def _read_parallel(
    units: list[readers.Unit],
    progress: bool | None,
    jobs: int,
    client: Any = None,
    staging: Staging | None = None,
) -> tuple[pa.Table, pd.DataFrame]:
    """Read units in batches, across processes for large loads, with an optional progress bar by bytes.

    Given a Dask ``client``, each batch is a task on its workers instead (the same batches and
    function, gathered in the same order): ``workbench.engines.read_batches``. Given ``staging``
    and at least ``STREAM_MIN_BYTES`` of files, each batch's table is parked in a file as it
    arrives, so that memory holds a batch, not every article read.
    """
    batches, sizes = _batches(units)
    park = staging.park if staging is not None and sum(sizes) >= STREAM_MIN_BYTES else (lambda table: table)
    show = (
        progress
        if progress is not None
        else ((len(units) > 2000 or sum(sizes) > PROGRESS_MIN_BYTES) and _interactive())
    )
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=sum(sizes), desc="reading articles", unit="B", unit_scale=True, unit_divisor=1024)
    results = []
    if client is not None and units:
        from workbench.engines import read_batches

        for (articles, errors), size in zip(read_batches(client, read_batch, batches), sizes, strict=True):
            results.append((park(articles), errors))
            if bar is not None:
                bar.update(size)
    elif jobs > 1 and len(batches) > 1 and (len(units) >= PARALLEL_MIN_FILES or sum(sizes) >= PARALLEL_MIN_BYTES):
        from workbench.tables import process_pool

        with process_pool(min(jobs, len(batches))) as pool:
            for (articles, errors), size in zip(pool.map(read_batch, batches), sizes, strict=True):
                results.append((park(articles), errors))
                if bar is not None:
                    bar.update(size)
    else:
        for units_batch in batches:
            articles, errors = read_batch(units_batch, bar.update if bar is not None else None)
            results.append((park(articles), errors))
    if bar is not None:
        bar.close()
    articles = pa.concat_tables([a for a, _ in results]) if len(results) > 1 else results[0][0]
    errors = pd.concat([e for _, e in results], ignore_index=True) if len(results) > 1 else results[0][1]
    return articles, errors


def _batches(units: list[readers.Unit]) -> tuple[list[list[readers.Unit]], list[int]]:
    """Units in order, cut into batches of at most ``READ_BATCH_FILES`` files and, past their first
    file, ``READ_BATCH_BYTES`` bytes (so that a corpus of a few large files still makes several
    tasks); and the bytes of each batch."""
    batches: list[list[readers.Unit]] = [[]]
    sizes = [0]
    for unit in units:
        size = _size(unit)
        if batches[-1] and (len(batches[-1]) >= READ_BATCH_FILES or sizes[-1] + size > READ_BATCH_BYTES):
            batches.append([])
            sizes.append(0)
        batches[-1].append(unit)
        sizes[-1] += size
    return batches, sizes


def _size(unit: readers.Unit) -> int:
    if unit.fs is not None:  # at a URL: the size from the listing
        return unit.size()
    try:
        return os.stat(unit.path).st_size
    except OSError:
        return 0


#: The cache's commit point: names the articles and problems files (see ``workbench.cache``).
CORPUS_MANIFEST = "corpus.json"


def _read_units(
    units, problems, cache_dir, progress, n_jobs=None, client=None, committing: list[Future] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Articles and problems of all units (unchanged units from the cache, the rest read now), and how
    many articles were read now.

    When the cache must be written again, its commit is appended to ``committing`` (to wait for), or,
    without that list, done before returning.
    """
    with memory_pool():
        return _read_all(units, problems, cache_dir, progress, n_jobs, client, committing)


def _read_all(
    units, problems, cache_dir, progress, n_jobs, client=None, committing: list[Future] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    signatures = {u.key: u.fingerprint() for u in units}
    # the code that makes the articles (not this module's loading, nor workbench.cache, which stores them)
    fingerprint = "".join(
        cachestore.code_fingerprint(part) for part in ("readers", "text.py", "credits.py", "article_table.py")
    )
    cached_articles = cached_problems = None
    old: dict[str, str] = {}
    manifest = cache_dir / CORPUS_MANIFEST if cache_dir is not None else None
    if manifest is not None:
        committed = cachestore.open_committed(
            manifest,
            {"articles": cachestore.read_arrow, "problems": cachestore.read_parquet},
            expect={"code": fingerprint},
        )
        if committed is not None:
            body, tables = committed
            cached_articles, cached_problems, old = tables["articles"], tables["problems"], body.get("units", {})
    fresh = [k for k, sig in signatures.items() if old.get(k) == sig]
    todo = [u for u in units if old.get(u.key) != signatures[u.key]]

    changed = bool(todo) or set(old) != set(signatures)
    staging = Staging(cache_dir) if manifest is not None else None
    table, errors = _read_parallel(todo, progress, n_jobs, client, staging)
    read_now = table.num_rows
    if fresh:
        if len(fresh) < len(old):  # some cached files changed or went away
            keep = pa.array(fresh)
            cached_articles = cached_articles.filter(pc.is_in(cached_articles["_unit"], value_set=keep))
            cached_problems = cached_problems.filter(pc.is_in(cached_problems["_unit"], value_set=keep))
        old_errors = cached_problems.to_pandas()
        if changed:  # ids and duplicates are settled again below, over old and new articles together
            old_errors = old_errors[old_errors["reason"] != "duplicate_id"]
        table = pa.concat_tables([cached_articles, table]) if table.num_rows else cached_articles
        errors = (
            pd.concat([old_errors.astype(errors.dtypes.to_dict()), errors], ignore_index=True)
            if len(errors)
            else old_errors
        )
    ordered = None  # the articles file written in order, memory-mapped, and moved into the cache at its commit
    if changed or cache_dir is None:
        if staging is not None and changed and table.nbytes >= STREAM_MIN_BYTES:
            ordered = staging.path("ordered")
            try:
                ordered.parent.mkdir(parents=True, exist_ok=True)
                table, id_problems = finish(table, out=ordered)
            except OSError as exc:
                warnings.warn(f"cannot write {ordered} ({exc}); the articles are ordered in memory", stacklevel=3)
                with contextlib.suppress(OSError):
                    ordered.unlink(missing_ok=True)
                ordered = None
        if ordered is None:
            owned = [table]
            del table  # _finish then holds the only reference and can release columns as it reorders them
            table, id_problems = finish(owned)
        errors = pd.concat([errors, id_problems], ignore_index=True) if len(id_problems) else errors
    if manifest is not None and changed:
        writers = {
            "articles": (".arrow", partial(os.replace, ordered) if ordered else cachestore.arrow_writer(table)),
            "problems": (".parquet", cachestore.frame_writer(errors)),
        }
        commit = partial(_commit_articles, manifest, writers, ordered, code=fingerprint, units=signatures)
        if committing is None:
            commit()
        else:  # the write and its checksum release the GIL: a thread of its own overlaps them with what follows
            thread = ThreadPoolExecutor(1, thread_name_prefix="workbench-articles-cache")
            committing.append(thread.submit(commit))
            thread.shutdown(wait=False)  # the thread ends with the commit
    walk_problems = problems_frame(problems)
    errors = errors.drop(columns="_unit").astype(walk_problems.dtypes.to_dict())
    errors = pd.concat([walk_problems, errors], ignore_index=True) if len(walk_problems) else errors
    articles = restore(table)
    errors = errors.sort_values(["path", "line"], kind="stable", na_position="first").reset_index(drop=True)
    return articles[ARTICLE_COLUMNS], errors, read_now


def _commit_articles(manifest: Path, writers: dict, ordered: Path | None, **data) -> None:
    """Commit the articles cache (``corpus.json`` is written last: it is the commit point), or warn.

    ``ordered``: the articles file already written (and memory-mapped), which the commit moves into
    place; removed if the commit fails before it does."""
    try:
        cachestore.commit(manifest, writers, **data)
    except OSError as exc:
        warnings.warn(f"cannot write the corpus cache in {manifest.parent}: {exc}", stacklevel=2)
    finally:
        if ordered is not None:
            with contextlib.suppress(OSError):
                ordered.unlink(missing_ok=True)


def _interactive() -> bool:
    return "ipykernel" in sys.modules or sys.stderr.isatty()
