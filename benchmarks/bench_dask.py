"""Speed-up of the Dask engine with 2 local workers over 1 (issue 12: "2 local Dask workers >= 1.8x one").

Builds an N-article corpus from PolNeAR's texts (``bench_scale.build``: re-dated, spread over
outlets, each copy made distinct), loads it once (parsing is not timed), then for each worker count
computes every derived table with ``workbench.engines.compute_tables`` on a fresh
``distributed.LocalCluster`` (one thread per worker process) into a fresh cache, and prints the wall
time of that computation. Partitions are made small (``--partition``, default 500 articles) so that
there are several tasks per worker; the cluster's start-up is not timed, each worker's imports and
name-list set-up are. The ratio is only meaningful with as many idle cores as workers: it prints
the load average before and after each run.

    WORKBENCH_SHARED=../shared .venv/bin/python benchmarks/bench_dask.py 4000 --workers 1 2

``--cache-url URL`` (or ``moto``: a bucket on moto's S3 server in this process) puts the cache at a
URL (``workbench.mirror``): each task then fetches the partitions it reads and sends the one it writes.

``--warm-workers`` sets up every worker's extractors (imports, name lists, matchers: about 2 s of CPU a
worker, which two workers pay side by side) on one article before the clock starts, as on a long-lived
cluster that has computed before: the ratio then leaves out that fixed cost of each new worker.

``--stage load`` times the load instead (reading and parsing the files, boilerplate, the cache
commit; no derived table: ``compute_tables`` is left out) through the pandas engine and through
``engine="dask"`` on a LocalCluster of ``--workers`` (default 2) worker processes, cold (a fresh
cache) then warm, on the N-article corpus or, with ``--polnear``, on PolNeAR as it is in
``../shared``. The cluster's start-up is not timed; the workers' first imports are (in the cold load).

    WORKBENCH_SHARED=../shared .venv/bin/python benchmarks/bench_dask.py 20000 --stage load
    WORKBENCH_SHARED=../shared .venv/bin/python benchmarks/bench_dask.py --stage load --polnear
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=4000, help="articles (default 4,000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare")
    parser.add_argument("--partition", type=int, default=500, help="articles per partition")
    parser.add_argument("--stage", choices=["tables", "load"], default="tables", help="what to time")
    parser.add_argument(
        "--warm-workers", action="store_true", help="set up the workers' extractors before the clock starts"
    )
    parser.add_argument("--polnear", action="store_true", help="--stage load: PolNeAR instead of N articles")
    parser.add_argument(
        "--cache-url",
        metavar="URL|moto",
        help="tables stage: the cache at a URL (workbench.mirror): the workers fetch and send their partitions "
        "there; 'moto' starts moto's S3 server in this process (workbench.mirror.moto_bucket)",
    )
    args = parser.parse_args(argv)
    if args.stage == "load":
        return load_stage(args.n, max(args.workers), args.polnear)
    os.environ["WORKBENCH_PARTITION_ARTICLES"] = str(args.partition)  # read by workbench.tables at import

    sys.path.insert(0, str(Path(__file__).parent))
    import bench_scale
    from distributed import Client, LocalCluster

    base = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    remote = contextlib.ExitStack()
    url, options = args.cache_url, None
    if url == "moto":
        from workbench.mirror import moto_bucket

        url, options = remote.enter_context(moto_bucket())
    try:
        folder = base / "corpus"
        words = bench_scale.build(folder, 0, args.n, args.n)
        print(f"{args.n:,} articles, {words / 1e6:.1f} M words, partitions of ~{args.partition} articles")
        seconds = {}
        for workers in args.workers:
            cache = base / f"cache-{workers}"
            os.environ["WORKBENCH_CACHE"] = str(cache)  # the workers inherit it
            from workbench import config, load_corpus
            from workbench.engines import compute_tables

            config.CACHE_DIR = config.MIRRORS_DIR = cache
            where = {"cache": f"{url}/{workers}", "cache_options": options} if url else {}
            corpus = load_corpus(folder, progress=False, **where)
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            with cluster, Client(cluster) as client:
                if args.warm_workers:
                    warm(client, corpus)
                before = os.getloadavg()[0]
                started = time.perf_counter()
                tables = compute_tables(corpus, scheduler=client)
                seconds[workers] = time.perf_counter() - started
            print(
                f"{workers} worker(s): {seconds[workers]:7.1f} s for {', '.join(tables)} "
                f"({words / seconds[workers]:,.0f} words/s; load average {before:.2f} before, "
                f"{os.getloadavg()[0]:.2f} after)",
                flush=True,
            )
            shutil.rmtree(cache, ignore_errors=True)
        first = min(seconds)
        for workers, value in sorted(seconds.items()):
            if workers != first:
                print(f"speed-up of {workers} workers over {first}: {seconds[first] / value:.2f}x")
    finally:
        remote.close()
        shutil.rmtree(base, ignore_errors=True)
    return 0


def warm(client, corpus) -> None:
    """Every worker of ``client`` computes every table for one article (nothing cached): its imports and
    extractors' set-up are done."""
    from workbench.tables import TABLES, _compute_tables, table_order

    tasks = [(n, TABLES[n].function, TABLES[n].needs, corpus._table_options(TABLES[n])) for n in table_order(None)]
    client.run(_compute_tables, tasks, corpus.articles.iloc[:1])


def load_stage(n: int, workers: int, polnear: bool) -> int:
    """Cold and warm loads through the pandas engine and the Dask engine (reading only), printed."""
    sys.path.insert(0, str(Path(__file__).parent))
    from distributed import Client, LocalCluster

    import workbench.engines
    from workbench import config, load_corpus

    workbench.engines.compute_tables = lambda corpus, names=None, *, scheduler=None: []  # the load stage only
    base = Path(tempfile.mkdtemp(prefix="bench-dask-load-"))
    try:
        if polnear:
            folder = config.SHARED_DIR / "corpora" / "polnear"
            if not folder.exists():
                raise SystemExit(f"needs {folder} (the real corpora in ../shared); not present")
            print(f"PolNeAR ({folder})")
        else:
            import bench_scale

            folder = base / "corpus"
            words = bench_scale.build(folder, 0, n, n)
            print(f"{n:,} articles, {words / 1e6:.1f} M words (JSONL files of {bench_scale.PER_FILE:,})")
        frames = {}
        for engine in ("pandas", "dask"):
            cache = base / f"cache-{engine}"
            os.environ["WORKBENCH_CACHE"] = str(cache)  # the workers inherit it
            config.CACHE_DIR = cache
            cluster = (
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
                if engine == "dask"
                else None
            )
            try:
                client = Client(cluster) if cluster is not None else None
                options = {"engine": "dask", "scheduler": client} if client is not None else {}
                for phase in ("cold", "warm"):
                    before = os.getloadavg()[0]
                    started = time.perf_counter()
                    corpus = load_corpus(folder, progress=False, **options)
                    seconds = time.perf_counter() - started
                    label = f"dask, {workers} workers" if client is not None else "pandas"
                    print(
                        f"{label:<16} {phase}: {seconds:7.2f} s for {len(corpus):,} articles "
                        f"(load average {before:.2f} before, {os.getloadavg()[0]:.2f} after)",
                        flush=True,
                    )
                frames[engine] = corpus.articles
                if client is not None:
                    client.close()
            finally:
                if cluster is not None:
                    cluster.close()
        import pandas as pd

        pd.testing.assert_frame_equal(frames["pandas"], frames["dask"])
        print("articles of both engines equal")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
