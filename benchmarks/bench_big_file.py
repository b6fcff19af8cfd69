"""Memory and time of loading one big JSON Lines or CSV file (issue 15, item 8).

Writes a synthetic file of ``--mb`` megabytes (clearly fictional articles, ~4 KB each; ``--format csv``
for a CSV of the same rows), then loads it in a fresh process per phase and prints the process's
peak resident memory (RSS) and the load time. ``baseline`` is the same process after
``import workbench`` and the load of a one-row file of the same format (so that modules the first load
imports count as baseline, not as the big file's cost); ``peak - baseline`` is what loading costs.
The articles must be held in memory as the corpus, so that difference cannot go below the loaded
data: ``held`` is the process's memory after the load (the corpus kept), ``arrow`` the bytes of the
Arrow buffers behind the articles frame (text, lead, ids, ...; a buffer shared by two columns counted
once). ``peak - held`` is what the load needed beyond keeping its result, in blocks of
``workbench.readers.textfile.CHUNK_BYTES`` (2 MB).

    .venv/bin/python benchmarks/bench_big_file.py --mb 200
    .venv/bin/python benchmarks/bench_big_file.py --mb 200 --format csv --no-boilerplate

To measure another checkout (e.g. before a change), put it first on the path:
``PYTHONPATH=/path/to/checkout .venv/bin/python benchmarks/bench_big_file.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

TOWNS = ["Velmora", "Ostrava Nova", "Quillby", "Marrowfen", "Tessaly", "Duncrag"]
PEOPLE = ["Ada Quill", "Boris Fenn", "Cora Lint", "Dmitri Vale", "Edda Stroud", "Faro Min"]
WORDS = [
    "council",
    "budget",
    "bridge",
    "harbour",
    "market",
    "school",
    "festival",
    "road",
    "river",
    "ferry",
    "library",
    "clinic",
]

CHILD = """
import json, resource, sys, time
import workbench
phase, path, tiny = sys.argv[1:4]
cache, boilerplate = sys.argv[4] == "cache", sys.argv[5] == "yes"
workbench.load_corpus(tiny, cache=False, progress=False, boilerplate=boilerplate)  # the first load's imports
started = time.perf_counter()
articles = errors = arrow = 0
if phase != "baseline":
    corpus = workbench.load_corpus(path, cache=cache, progress=False, boilerplate=boilerplate)
    articles, errors = len(corpus), len(corpus.errors)
    buffers = {}
    for name in corpus.articles.columns:
        values = corpus.articles[name].array
        for chunk in getattr(getattr(values, "_pa_array", None), "chunks", ()):
            for buffer in chunk.buffers():
                if buffer is not None:
                    buffers[buffer.address] = buffer.size
    arrow = sum(buffers.values())
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open("/proc/self/statm") as handle:
    held_mb = int(handle.read().split()[1]) * resource.getpagesize() / 1024 / 1024
print(json.dumps({
    "workbench": workbench.__file__, "phase": phase,
    "peak_mb": round(peak_mb), "held_mb": round(held_mb), "arrow_mb": round(arrow / 1024 / 1024),
    "seconds": round(seconds, 2), "articles": articles, "errors": errors,
}))
"""


def records(megabytes: float, seed: int = 7) -> Iterator[dict]:
    """Fictional articles of ~4 KB, until about ``megabytes`` of JSON Lines."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    written = n = 0
    while written < target:
        n += 1
        sentences = [
            f"{rng.choice(PEOPLE)} said the {rng.choice(WORDS)} in {rng.choice(TOWNS)} would open on Monday, "
            f"after the {rng.choice(WORDS)} and the {rng.choice(WORDS)} were agreed."
            for _ in range(30)
        ]
        record = {"id": f"big{n}", "date": f"2031-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                  "outlet": "Velmora Courier", "title": f"Fictional report {n}",
                  "text": " ".join(sentences)}  # fmt: skip
        written += len(json.dumps(record)) + 1
        yield record


def write_jsonl(path: Path, megabytes: float, seed: int = 7) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as handle:
        for record in records(megabytes, seed):
            handle.write(json.dumps(record) + "\n")
            n += 1
    return n


def write_csv(path: Path, megabytes: float, seed: int = 7) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "date", "outlet", "title", "text"])
        writer.writeheader()
        for record in records(megabytes, seed):
            writer.writerow(record)
            n += 1
    return n


WRITERS = {"jsonl": write_jsonl, "csv": write_csv}


def run(phase: str, path: Path, tiny: Path, cache: str, cache_dir: Path, boilerplate: bool) -> dict:
    env = {**os.environ, "WORKBENCH_CACHE": str(cache_dir)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, phase, str(path), str(tiny), cache, "yes" if boilerplate else "no"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=cache_dir.parent,  # not the checkout: ``python -c`` puts the current folder first on sys.path
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    import workbench

    if Path(result["workbench"]).parent != Path(workbench.__file__).parent:
        raise SystemExit(f"the measured process imported {result['workbench']}, not {workbench.__file__}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200, help="size of the generated file in MB")
    parser.add_argument("--format", choices=sorted(WRITERS), default="jsonl", help="file format (default jsonl)")
    parser.add_argument("--no-boilerplate", action="store_true", help="load with boilerplate=False (the reading alone)")
    args = parser.parse_args()
    boilerplate = not args.no_boilerplate
    with tempfile.TemporaryDirectory(prefix="bench-big-file-") as tmp:
        path = Path(tmp) / f"big.{args.format}"
        n = WRITERS[args.format](path, args.mb)
        tiny = Path(tmp) / f"tiny.{args.format}"
        WRITERS[args.format](tiny, 0.001, seed=8)
        size_mb = path.stat().st_size / 1024 / 1024
        import workbench
        from workbench.readers.textfile import CHUNK_BYTES

        block_mb = CHUNK_BYTES / 1024 / 1024
        print(f"workbench from {Path(workbench.__file__).parent}; boilerplate={boilerplate}")
        print(f"file: {size_mb:.0f} MB {args.format}, {n:,} articles")
        baseline = run("baseline", path, tiny, "none", Path(tmp) / "cache", boilerplate)
        print(f"baseline (import workbench, load a one-row file): peak {baseline['peak_mb']} MB")
        for phase, cache in (("load, no cache", "none"), ("load, cold cache", "cache"), ("load, warm cache", "cache")):
            result = run(phase, path, tiny, cache, Path(tmp) / "cache", boilerplate)
            extra = result["peak_mb"] - baseline["peak_mb"]
            held = result["held_mb"] - baseline["held_mb"]
            over = result["peak_mb"] - result["held_mb"]
            print(
                f"{phase:17s} peak {result['peak_mb']:5d} MB "
                f"(+{extra} MB over baseline, {extra / size_mb:.2f}x the file); "
                f"held after the load +{held} MB, arrow data {result['arrow_mb']} MB; "
                f"peak - held {over} MB ({over / block_mb:.0f} blocks of {block_mb:.0f} MB); "
                f"{result['seconds']:.1f} s, {result['articles']:,} articles, {result['errors']} problems"
            )


if __name__ == "__main__":
    main()
