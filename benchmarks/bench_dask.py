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
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args(argv)
    os.environ["WORKBENCH_PARTITION_ARTICLES"] = str(args.partition)  # read by workbench.tables at import

    sys.path.insert(0, str(Path(__file__).parent))
    import bench_scale
    from distributed import Client, LocalCluster

    base = Path(tempfile.mkdtemp(prefix="bench-dask-"))
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

            config.CACHE_DIR = cache
            corpus = load_corpus(folder, progress=False)
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            with cluster, Client(cluster) as client:
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
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
