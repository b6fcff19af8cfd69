"""Engines that compute derived tables: the Dask engine runs each partition as a task on a cluster.

The pandas engine (``Corpus.table``) computes a table partition by partition in this process (and
its process pool). The Dask engine (:func:`compute_tables`) submits one task per partition and table
to a ``dask.distributed`` cluster; each task reads the partitions of the tables it needs from the
cache, runs the extractor and commits its partition exactly as the pandas engine would (same
files, same manifests). The pandas engine, the notebooks and the reports then read those
partitions as they are. The cache must be one every worker can reach: a local folder for a
``LocalCluster``, a shared file system for a cluster of machines, or a cache at a URL
(``load_corpus(..., cache="s3://...")``): then each task fetches the partitions it reads into a
temporary folder of its own and sends the one it writes (``workbench.mirror``), and the client fetches
the new partitions afterwards.

The articles are read and parsed on the cluster too (:func:`read_batches`): the new or changed
files of a load go to the workers in the batches and through the function of the pandas engine's
process pool (``workbench.article_table.read_batch``), and come back as Arrow tables in batch order, so
the articles equal the pandas engine's by construction; the boilerplate pass and the cache commit
then run here as for the pandas engine. The workers must reach the files: a folder at the same path
on every worker (a shared file system), or an fsspec URL (``s3://...``; not ``memory://``, which
each process holds for itself). A warm load reads nothing, so it sends no reading task.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.tables import TABLES, TABLES_DIR, TableSpec, partition_manifest, table_order, table_store, take

if TYPE_CHECKING:
    from workbench.corpus import Corpus

#: Workers of the LocalCluster started when no scheduler address is given.
LOCAL_WORKERS = 2
#: Partitions whose articles are on the cluster at once, per worker thread: each partition's articles are
#: sent once for all its tables' tasks, and a new partition is sent when one is done, so the cluster holds
#: a few partitions' text per worker, not the corpus's.
PARTITIONS_PER_WORKER = 2


@contextmanager
def client_for(scheduler: str | Any | None = None):
    """A ``distributed.Client``: of ``scheduler`` (an address or a Client), or of a new LocalCluster."""
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler  # a Client the caller owns
        return
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client


def compute_tables(
    corpus: Corpus, names: Iterable[str] | None = None, *, scheduler: str | Any | None = None
) -> list[str]:
    """Compute derived tables of ``corpus`` on a Dask cluster, one task per partition, into its cache.

    Args:
        corpus: a Corpus loaded with a cache (its ``cache_dir`` reachable by every worker).
        names: the tables (default: every registered table); the tables they need come first.
        scheduler: a scheduler address (``tcp://host:8786``), a ``distributed.Client``, or None for a
            LocalCluster of :data:`LOCAL_WORKERS` worker processes.

    Returns:
        The tables computed, in order. ``corpus.table(name)`` then reads them from the cache.

    Raises:
        WorkbenchError: the corpus has no cache, or a table is unknown.
    """
    if corpus.cache_dir is None:
        raise WorkbenchError("the dask engine writes into the cache: load the corpus with cache=True")
    order = table_order(names)
    articles = corpus.articles
    keys = corpus._keys()
    codes = corpus._codes()
    groups = pd.Series(range(len(articles))).groupby(codes).indices if len(articles) else {}
    # a cache at a URL: each task keeps its own mirror of it (workbench.mirror), so stores travel relative
    mirror = corpus.mirror
    remote = None if mirror is None else (mirror.url, mirror.storage_options)

    def where(name: str) -> Path:
        store = table_store(corpus.cache_dir, name, corpus._table_options(TABLES[name]))
        return store if mirror is None else store.relative_to(corpus.cache_dir)

    tasks = []  # per table: name, spec, options, its store and its needs' stores
    for name in order:
        spec = TABLES[name]
        tasks.append((name, spec, corpus._table_options(spec), where(name), {n: where(n) for n in spec.needs}))

    def chain(client: Any, bucket: int, idx: np.ndarray) -> Any:
        """Every table's task for one partition, each after the one before (its needs come first); the
        partition's articles sent to the cluster once for all of them (taken chunk by chunk: ``iloc`` would
        join the whole memory-mapped text column for each partition). Returns the last task."""
        part = client.scatter(take(articles, idx), hash=False)
        part_keys = [keys[i] for i in idx]
        last = None
        for name, spec, options, store, need_stores in tasks:
            args = (spec, name, part, part_keys, options, store, need_stores, corpus.level, int(bucket), remote)
            last = client.submit(partition_task, *args, after=last, pure=False)
        return last

    with client_for(scheduler) as client:
        from distributed import as_completed

        todo = iter(sorted(groups.items()))
        window = PARTITIONS_PER_WORKER * max(1, sum(client.nthreads().values()))  # per thread of every worker
        running = as_completed([chain(client, int(b), idx) for b, idx in itertools.islice(todo, window)])
        for done in running:
            done.result()  # each task committed its partition; a failure raises here
            following = next(todo, None)
            if following is not None:
                running.add(chain(client, int(following[0]), following[1]))
    if mirror is not None:  # the workers sent their partitions to the URL: fetch them here
        corpus._fetched.difference_update(order)
        for name in order:
            corpus._pull(name)
    return order


def read_batches(client: Any, read: Callable[[list], Any], batches: list[list]) -> Iterator[Any]:
    """``read(batch)`` for every batch, each a task on ``client``'s workers; the results in batch order.

    Yields each result as soon as it and those before it are back (for a progress bar), and lets go
    of its future, so that the cluster's memory holds only the batches not yet gathered.
    """
    futures = client.map(read, batches, pure=False)
    for index in range(len(futures)):
        future, futures[index] = futures[index], None
        yield future.result()
        del future


def partition_task(
    spec: TableSpec, name: str, articles: pd.DataFrame, keys: list[str], options: dict, store: Path,
    need_stores: dict[str, Path], level: int, bucket: int, remote: tuple[str, dict] | None = None,
    after: int | None = None,
) -> int:  # fmt: skip
    """One partition of one table, on a worker: its needs read from the cache, the rows committed there.

    ``after``: the result of the partition's task of the table before (a Dask dependency: its needs are
    committed before this task starts).

    With ``remote`` (a cache at a URL and its options), the stores are relative to it: the partitions
    read are fetched into a mirror of the task's own (``workbench.mirror.task_mirror``), and the one
    written is sent back.
    """
    from workbench.tables import _cached_partition, _derive_partition

    if remote is not None:
        from workbench.mirror import task_mirror

        with task_mirror(*remote) as mirror:
            stores = [mirror.local / store, *(mirror.local / s for s in need_stores.values())]
            mirror.pull(prefixes=_partition_files(stores, level, bucket))
            rows = partition_task(
                spec, name, articles, keys, options, stores[0], dict(zip(need_stores, stores[1:], strict=True)),
                level, bucket,
            )  # fmt: skip
            mirror.push(prefixes=_partition_files(stores[:1], level, bucket))
        return rows
    needs = {}
    for need, need_store in need_stores.items():
        cached = _cached_partition(partition_manifest(need_store, level, bucket), keys)
        if cached is None:
            raise WorkbenchError(f"table {name!r} needs partition {bucket} of {need!r}, which is not in the cache")
        rows = cached[0]
        needs[need] = rows[rows["_key"].isin(set(keys))].drop(columns="_key").reset_index(drop=True)
    frame, _ = _derive_partition(
        spec, articles, needs, options, keys, partition_manifest(store, level, bucket), None, 1, name
    )
    return len(frame)


def _partition_files(stores: list[Path], level: int, bucket: int) -> list[str]:
    """Prefixes of the files of one partition of each store (relative to the cache): its manifest and
    data files (``<stem>.``) and its deltas (``<stem>+``)."""
    stems = [f"{TABLES_DIR}/{partition_manifest(store, level, bucket).stem}" for store in stores]
    return [stem + end for stem in stems for end in (".", "+")]
