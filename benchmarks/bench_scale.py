"""Scale: time and peak memory of each stage on an N-article corpus made from PolNeAR's texts.

    .venv/bin/python benchmarks/bench_scale.py 20000 [--jobs 1|-1] [--stream] [--dir DIR] [--stages ...] [--analysis]

The corpus: PolNeAR's train texts (840) repeated to N articles, re-dated over two years
(2016-2017), spread over 12 invented outlets, each copy made distinct by a short reference
sentence (``(ref. qbx.)``, letters, so that no date or number extractor reads it) appended to a
middle paragraph. It is written as JSON Lines files of 1,000 articles each, so that "+1% new
files" is one more file.

Stages, each in a fresh interpreter (its imports count; the cache of earlier stages is warm):
``load`` (cold: parse and cache the articles), then ``sentences``, ``mentions``, ``attributions``
and ``dates`` (each computes its table, the tables it needs already cached), ``warm`` (a warm load
and every table from the cache), ``new`` (1% new articles in one more file: load and every
table; every table registered in ``workbench.tables.TABLES``, today these four, each read partition by
partition) and ``update`` (1% more new articles: load and ``corpus.update()``, which computes and caches
every table's rows for them, the new articles of every partition in one batch, and reads no cached
row: what ``workbench ingest --tables`` runs after new files arrive). Without the ``load``
stage the cache of an earlier run with the same ``--dir`` is used; each ``new`` or ``update`` stage writes articles
never seen before (a counter beside the corpus), so that it can be run again and again on one cache
(``--stages new``). ``--profile DIR`` runs each stage under cProfile and writes ``DIR/<stage>.prof``.
For each stage it prints the wall time, the peak resident memory of the process (``ru_maxrss``) and of
its largest worker, the peak anonymous memory of each (resident less file-backed pages, such as those
of the memory-mapped articles cache, which the kernel can drop and read again; both sampled every
0.2 s), and the 1-minute load average when it ended: the machine is shared, so a figure taken under
load is slower than the code.

``--stages stale`` (opt-in) prints, per table, the article keys its cached partitions cover, how many of them
no article of the corpus has now (rows of files replaced or deleted since: ``workbench.live``), their
rows, files and megabytes: after a series of ``update`` runs it shows what the cache keeps.

``--analysis`` (or the stage ``analysis``, after the tables are cached) times the analysis calls of the
notebooks (:data:`ANALYSES`) each in a fresh interpreter, twice: on the in-memory path (the table read
whole, as a small corpus does) and on the partitioned path (``workbench.partials``: counts per
partition, summed). It prints each call's time, the process's peak memory after the warm load and at
the end, and whether the two paths gave equal results (a hash of each result).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

OUTLETS = [
    "Velmora Courier", "Northwind Wire", "Quillby Post", "Marrowfen Times", "Tessaly Herald", "Duncrag Daily",
    "Brightwater Ledger", "Kelsing Observer", "Ostrava Nova Record", "Harrowgate Star", "Pellham Gazette",
    "Ember Bay News",
]  # fmt: skip
PER_FILE = 1000
TABLE_STAGES = ("sentences", "mentions", "attributions", "dates")
STAGES = ("load", *TABLE_STAGES, "warm", "new", "update", "analysis", "stale")
OPT_IN = ("analysis", "stale")  # run only when asked for
#: The analysis calls timed by the ``analysis`` stage: name -> (module function, keyword options).
ANALYSES = {
    "cooccurrence": ("cooccurrence", {}),
    "cooccurrence sentence": ("cooccurrence", {"level": "sentence"}),
    "cooccurrence monthly": ("cooccurrence", {"freq": "M", "top_n": 50}),
    "partners": ("partners", {"entity": "Hillary Clinton", "top_n": 20}),
    "frequencies": ("frequencies", {"top_n": 50}),
    "timeline entity": ("timeline", {"by": "entity", "freq": "W"}),
    "timeline source": ("timeline", {"by": "source", "freq": "W"}),
    "top_sources": ("top_sources", {}),
    "sources_by_outlet": ("sources_by_outlet", {"top_n": 10}),
    "citation_flows": ("citation_flows", {}),
}
#: ``$WORKBENCH_STREAM_MIN_ARTICLES`` of each analysis path.
PATHS = {"in-memory": str(10**12), "partitioned": "0"}


def _letters(i: int) -> str:
    out = ""
    i += 26 * 27  # at least three letters
    while i:
        i, r = divmod(i, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[r] + out
    return out


def _distinct(text: str, i: int) -> str:
    """The text with a reference sentence unique to copy ``i`` at the end of a middle paragraph."""
    paragraphs = text.split("\n\n")
    middle = len(paragraphs) // 2
    paragraphs[middle] = paragraphs[middle].rstrip() + f" (ref. {_letters(i)}.)"
    return "\n\n".join(paragraphs)


def build(folder: Path, start: int, n: int, total: int) -> int:
    """Write articles ``start .. start+n`` as JSONL files of ``PER_FILE``; return the words written."""
    import pandas as pd

    from workbench import config, load_corpus

    polnear = config.SHARED_DIR / "corpora" / "polnear" / "train"
    if not polnear.exists():
        raise SystemExit(f"needs {polnear} (the real corpora in ../shared); not present")
    source = load_corpus(polnear, boilerplate=False).articles
    source = source[source["text"].str.len() > 0].reset_index(drop=True)
    first = pd.Timestamp("2016-01-01")
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for file_start in range(start, start + n, PER_FILE):
        rows = []
        for i in range(file_start, min(file_start + PER_FILE, start + n)):
            row = source.iloc[i % len(source)]
            published = first + pd.Timedelta(minutes=(i * 730 * 24 * 60) // max(total, 1))
            via = list(row["via"]) if len(row["via"]) else None
            text = _distinct(row["text"], i)
            words += len(text.split())
            rows.append({"id": f"a{i:08d}", "date": published.isoformat(), "outlet": OUTLETS[i % len(OUTLETS)],
                         "via": via[0] if via else None, "title": row["title"], "text": text})  # fmt: skip
        with (folder / f"part-{file_start // PER_FILE:05d}.jsonl").open("w", encoding="utf-8") as handle:
            for record in rows:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return words


def _stage(name: str, folder: str, jobs: int, stream: bool) -> dict:
    from workbench import load_corpus
    from workbench.tables import TABLES

    corpus = load_corpus(folder, progress=False, n_jobs=jobs)
    result = {"articles": len(corpus)}
    if name == "stale":
        return {**result, "cache": _cache_state(corpus)}
    if name == "update":  # every table brought up to date in the cache, nothing read back
        return {**result, **corpus.update()}
    wanted = tuple(TABLES) if name in ("warm", "new") else (() if name == "load" else (name,))
    for table in wanted:
        if stream:  # partition by partition, none kept: memory follows the partition
            result[table] = sum(len(part) for part in corpus.table_partitions(table))
        else:
            result[table] = len(corpus.table(table))
    return result


def _cache_state(corpus) -> dict:
    """Per table: the keys its partitions and deltas cover, how many of them no article of the corpus has
    now (stale: files since replaced or deleted), their rows, files and megabytes on disk."""
    from workbench import tables

    live = set(tables.row_keys(corpus.articles))  # not corpus._keys(): this count records nothing
    state = {}
    for name in tables.table_order():
        store = corpus.table_cache(name)
        covered, rows = [], 0
        for _, cached_rows, keys in tables.cache_contents(store):
            covered += keys
            rows += cached_rows.num_rows
        files = list(store.parent.glob(f"{store.name}-p*"))
        state[name] = {
            "covered": len(covered), "stale": len(set(covered) - live), "rows": rows,
            "files": len(files), "mb": sum(f.stat().st_size for f in files) / 1e6,
        }  # fmt: skip
    return state


def _largest_worker(peak: list[float], stop: threading.Event) -> None:
    """Sample the memory of this process and of every process under it (pool workers are children of
    the forkserver, so ``RUSAGE_CHILDREN`` never sees them) every 0.2 s, keeping in ``peak`` (MB): the
    largest worker's resident memory, this process's anonymous memory, and the largest worker's.

    Anonymous memory is resident memory less its file-backed part (``rss - shared`` on Linux): the
    pages of a memory-mapped cache file count in the resident figure (``ru_maxrss``) once read, but
    the kernel can drop them at any time and read them again, as it does any file's cache."""
    import psutil  # a dependency of dask.distributed

    def anon(info) -> float:
        return (info.rss - getattr(info, "shared", 0)) / 2**20

    me = psutil.Process()
    while True:
        with contextlib.suppress(psutil.Error):
            peak[1] = max(peak[1], anon(me.memory_info()))
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                info = child.memory_info()
                peak[0] = max(peak[0], info.rss / 2**20)
                peak[2] = max(peak[2], anon(info))
        if stop.wait(0.2):
            return


def _run_stage(name: str, folder: str, jobs: int, stream: bool = False, profile: str | None = None) -> None:
    peak, stop = [0.0, 0.0, 0.0], threading.Event()
    sampler = threading.Thread(target=_largest_worker, args=(peak, stop), daemon=True)
    sampler.start()
    started = time.perf_counter()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(_stage, name, folder, jobs, stream)
        profiler.dump_stats(profile)
    else:
        result = _stage(name, folder, jobs, stream)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers, own_anon, workers_anon = peak
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": own,
                "worker_peak_mb": workers,
                "anon_mb": own_anon,
                "worker_anon_mb": workers_anon,
                "load": os.getloadavg()[0],
                **result,
            }
        )
    )


def _run_analysis(call: str, folder: str, jobs: int) -> None:
    import pandas as pd

    import workbench

    corpus = workbench.load_corpus(folder, progress=False, n_jobs=jobs)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    name, options = ANALYSES[call]
    options = dict(options)
    started = time.perf_counter()
    if name == "partners":
        result = workbench.partners(corpus, options.pop("entity"), **options)
    else:
        result = getattr(workbench, name)(corpus, **options)
    seconds = time.perf_counter() - started
    digest = int(pd.util.hash_pandas_object(result.astype(str), index=False).sum()) if len(result) else 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"seconds": seconds, "load_peak_mb": loaded, "peak_mb": peak, "rows": len(result), "hash": digest,
             "load": os.getloadavg()[0]}
        )
    )  # fmt: skip


def analysis(folder: Path, jobs: int) -> None:
    """Time each of :data:`ANALYSES` on both paths, each in a fresh interpreter, and print a table."""
    print(f"{'analysis call':<22} {'path':<12} {'time':>8} {'peak MB':>8} {'after load':>10} {'rows':>7} {'equal':>5}")
    for call in ANALYSES:
        hashes = []
        for path, threshold in PATHS.items():
            command = [sys.executable, __file__, "--phase", f"analysis:{call}", str(folder), "--jobs", str(jobs)]
            env = {**os.environ, "WORKBENCH_STREAM_MIN_ARTICLES": threshold}
            out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            hashes.append(r["hash"])
            equal = ("yes" if hashes[0] == hashes[1] else "NO") if len(hashes) == 2 else ""
            print(
                f"{call:<22} {path:<12} {r['seconds']:7.2f}s {r['peak_mb']:8,.0f} {r['load_peak_mb']:10,.0f} "
                f"{r['rows']:7,} {equal:>5}",
                flush=True,
            )


def stage(name: str, folder: Path, jobs: int, stream: bool = False, profile: Path | None = None) -> dict:
    """Run one stage in a fresh interpreter (WORKBENCH_CACHE as set) and return its figures."""
    command = [
        sys.executable,
        __file__,
        "--phase",
        name,
        str(folder),
        "--jobs",
        str(jobs),
        *(["--stream"] if stream else []),
        *(["--profile", str(profile / f"{name}.prof")] if profile else []),
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=20_000, help="articles (default 20,000)")
    parser.add_argument("--jobs", type=int, default=1, help="n_jobs of load_corpus (default 1; -1: every core)")
    parser.add_argument(
        "--stream", action="store_true", help="read each table with corpus.table_partitions (none held whole)"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        help="work folder (default: a temporary one, removed after); a corpus of N found there is reused",
    )
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=[s for s in STAGES if s not in OPT_IN])
    parser.add_argument("--analysis", action="store_true", help="also time the analysis calls on both paths")
    parser.add_argument("--profile", type=Path, help="run each stage under cProfile, written to PROFILE/<stage>.prof")
    parser.add_argument("--phase", nargs=2, metavar=("NAME", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase[0].startswith("analysis:"):
            _run_analysis(args.phase[0].partition(":")[2], args.phase[1], args.jobs)
        else:
            _run_stage(
                args.phase[0], args.phase[1], args.jobs, args.stream, str(args.profile) if args.profile else None
            )
        return
    if args.analysis and "analysis" not in args.stages:
        args.stages.append("analysis")
    base = args.dir or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    corpus, cache = (
        base / f"polnear-x{args.n}",
        base / f"cache-x{args.n}-j{args.jobs}{'-stream' if args.stream else ''}",
    )
    os.environ["WORKBENCH_CACHE"] = str(cache)
    try:
        extra = corpus / f"part-{args.n // PER_FILE + 1:05d}-new.jsonl"
        extra.unlink(missing_ok=True)
        counted = base / f"polnear-x{args.n}.words"  # written last: the corpus is complete
        if not counted.exists():
            shutil.rmtree(corpus, ignore_errors=True)
            started = time.perf_counter()
            words = build(corpus, 0, args.n, args.n)
            counted.write_text(str(words))
            print(f"built {args.n:,} articles ({words:,} words) in {time.perf_counter() - started:.1f} s")
        words = int(counted.read_text())
        try:
            if "load" in args.stages:  # a cold start; without the load stage, the cache of an earlier run is used
                shutil.rmtree(cache, ignore_errors=True)
            how = "streamed partition by partition" if args.stream else "each table whole"
            print(f"{args.n:,} articles, {words / 1e6:.1f} M words, n_jobs={args.jobs}, {os.cpu_count()} cores, {how}")
            print(
                f"{'stage':<13} {'time':>8} {'words/s':>9} {'peak MB':>8} {'worker MB':>9} {'anon MB':>8} "
                f"{'w. anon':>8} {'load avg':>8}"
            )
            for name in args.stages:
                if name == "analysis":
                    analysis(corpus, args.jobs)
                    continue
                if name in ("new", "update"):  # articles never seen before: batch k of 1% after the N articles
                    batches = base / f"polnear-x{args.n}.new-batches"
                    batch = int(batches.read_text()) if batches.exists() else 0
                    batches.write_text(str(batch + 1))
                    build_dir = base / "new"
                    shutil.rmtree(build_dir, ignore_errors=True)
                    added = max(1, args.n // 100)
                    build(build_dir, args.n + batch * added, added, args.n)
                    next(build_dir.glob("*.jsonl")).rename(extra)
                    shutil.rmtree(build_dir)
                if args.profile:
                    args.profile.mkdir(parents=True, exist_ok=True)
                r = stage(name, corpus, args.jobs, args.stream, args.profile)
                if name == "stale":
                    for table, c in r["cache"].items():
                        print(
                            f"  {table:<13} keys {c['covered']:>9,}, {c['stale']:>7,} stale; rows {c['rows']:>11,}; "
                            f"{c['files']:>5,} files, {c['mb']:8,.1f} MB",
                            flush=True,
                        )
                rate = f"{words / r['seconds']:,.0f}" if name in TABLE_STAGES or name == "load" else ""
                print(
                    f"{name:<13} {r['seconds']:7.1f}s {rate:>9} {r['peak_mb']:8,.0f} "
                    f"{r['worker_peak_mb']:9,.0f} {r['anon_mb']:8,.0f} {r['worker_anon_mb']:8,.0f} {r['load']:8.2f}",
                    flush=True,
                )
        finally:
            extra.unlink(missing_ok=True)
    finally:
        if args.dir is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
