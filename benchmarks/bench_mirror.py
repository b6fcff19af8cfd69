"""A cache at a URL (``workbench.mirror``): what sending, fetching and keeping it in step cost.

Takes a corpus cache folder that a load already filled (e.g. one of ``bench_scale.py``'s:
``CACHE/<corpus key>``) and, on a remote folder (by default a bucket on moto's S3 server started here,
in this process: no network, so the figures are the mirror's own cost, not a real store's throughput;
or ``--url``, e.g. ``file:///other/disk/cache`` or ``s3://bucket/cache`` with ``--storage-option``):

1. pushes the whole folder (a first ``workbench ingest --cache URL``): time, files, MB/s;
2. pushes again with nothing changed (what every table read and load costs afterwards);
3. pulls it whole into a fresh folder (a second machine's first load);
4. pulls again with nothing changed (its warm load);
5. with ``--corpus PATH`` (the corpus of that cache): a warm ``load_corpus`` plus reading one table
   (``--table``, default ``sentences``) through the mirror, against the same from the same files as a
   local cache, alternately, ``--repeat`` times each.

    .venv/bin/python benchmarks/bench_mirror.py /tmp/s9/data/cache/78a47f9565f1d25a \\
        --corpus /tmp/s9/data/polnear-x100000

The cache folder is not changed: the pushing side works on a hard-linked copy of it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def timed(label: str, run):
    started = time.perf_counter()
    moved = run()
    seconds = time.perf_counter() - started
    rate = f", {moved.bytes / 1e6 / seconds:,.0f} MB/s" if moved.bytes and seconds else ""
    print(f"{label:<34} {seconds:8.2f} s  {moved.files:6,} files  {moved.bytes / 1e6:9,.1f} MB{rate}", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path, help="a corpus's cache folder (CACHE/<corpus key>)")
    parser.add_argument("--url", help="the remote folder (default: a bucket on a local moto S3 server)")
    parser.add_argument("--storage-option", action="append", default=[], metavar="KEY=JSON")
    parser.add_argument("--corpus", help="the corpus of that cache: also time warm loads through the mirror")
    parser.add_argument("--table", default="sentences", help="the table read after each warm load")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.cache / "corpus.json").exists():
        raise SystemExit(f"{args.cache} is not a corpus cache folder (no corpus.json)")
    from workbench import config, load_corpus
    from workbench.mirror import Mirror, mirror_for, moto_bucket

    options = {k: json.loads(v) for k, _, v in (o.partition("=") for o in args.storage_option)}
    with contextlib.ExitStack() as stack:
        url = args.url
        if url is None:
            url, options = stack.enter_context(moto_bucket())
            print("remote: moto's S3 server in this process (no network: the mirror's own cost)")
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-mirror-")))
        key = args.cache.name
        sender = work / "sender"
        shutil.copytree(args.cache, sender, copy_function=os.link, ignore=shutil.ignore_patterns(".*"))
        size = sum(p.stat().st_size for p in sender.rglob("*") if p.is_file())
        print(f"cache: {args.cache} ({size / 1e6:,.0f} MB); remote {url}/{key}; load average {os.getloadavg()[0]:.1f}")
        remote = f"{url.rstrip('/')}/{key}"
        timed("1. push, whole", Mirror(remote, sender, options).push)
        timed("2. push, nothing changed", Mirror(remote, sender, options).push)
        config.MIRRORS_DIR = work / "machine-b"
        receiver = mirror_for(url, key, options, base=config.MIRRORS_DIR)
        timed("3. pull, whole (a second machine)", receiver.pull)
        timed("4. pull, nothing changed", receiver.pull)
        if args.corpus:
            local_root = receiver.local.parent  # the same files, read as a local cache folder

            def warm(cache) -> float:
                started = time.perf_counter()
                corpus = load_corpus(args.corpus, cache=cache, cache_options=options if cache == url else None)
                if corpus.read_now:
                    raise SystemExit(f"{args.corpus} is not the corpus of {args.cache}: {corpus.read_now} files read")
                for _ in corpus.table_partitions(args.table):
                    pass
                return time.perf_counter() - started

            through, local = [], []
            for _ in range(args.repeat):
                through.append(warm(url))
                local.append(warm(local_root))
            print(
                f"5. warm load + {args.table}: through the mirror {statistics.median(through):.2f} s, "
                f"local {statistics.median(local):.2f} s (medians of {args.repeat}; "
                f"each: {', '.join(f'{t:.2f}' for t in through)} / {', '.join(f'{t:.2f}' for t in local)})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
