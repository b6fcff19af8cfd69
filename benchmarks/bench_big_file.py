"""Memory and time of loading one big JSON Lines file (issue 15, item 8).

Writes a synthetic JSONL file of ``--mb`` megabytes (clearly fictional articles, ~4 KB each), then
loads it in a fresh process per phase and prints the process's peak resident memory (RSS) and the
load time. ``baseline`` is the same process after ``import workbench`` and nothing else, so that
``peak - baseline`` is what loading costs; the articles themselves must be held in memory as the
corpus, so that difference cannot go below about the text's size.

    .venv/bin/python benchmarks/bench_big_file.py --mb 200

To measure another checkout (e.g. before a change), put it first on the path:
``PYTHONPATH=/path/to/checkout .venv/bin/python benchmarks/bench_big_file.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
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
phase, path, cache = sys.argv[1], sys.argv[2], sys.argv[3] == "cache"
started = time.perf_counter()
articles = errors = 0
if phase != "baseline":
    corpus = workbench.load_corpus(path, cache=cache, progress=False)
    articles, errors = len(corpus), len(corpus.errors)
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({
    "phase": phase, "peak_mb": round(peak_mb), "seconds": round(seconds, 2), "articles": articles, "errors": errors
}))
"""


def write_jsonl(path: Path, megabytes: float, seed: int = 7) -> int:
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    written = n = 0
    with open(path, "w", encoding="utf-8") as handle:
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
            line = json.dumps(record) + "\n"
            handle.write(line)
            written += len(line.encode())
    return n


def run(phase: str, path: Path, cache: str, cache_dir: Path) -> dict:
    env = {**os.environ, "WORKBENCH_CACHE": str(cache_dir)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, phase, str(path), cache], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200, help="size of the generated JSONL file in MB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-big-file-") as tmp:
        path = Path(tmp) / "big.jsonl"
        n = write_jsonl(path, args.mb)
        size_mb = path.stat().st_size / 1024 / 1024
        import workbench

        print(f"workbench from {Path(workbench.__file__).parent}")
        print(f"file: {size_mb:.0f} MB, {n:,} articles")
        baseline = run("baseline", path, "none", Path(tmp) / "cache")
        print(f"baseline (import workbench): peak {baseline['peak_mb']} MB")
        for phase, cache in (("load, no cache", "none"), ("load, cold cache", "cache"), ("load, warm cache", "cache")):
            result = run(phase, path, cache, Path(tmp) / "cache")
            extra = result["peak_mb"] - baseline["peak_mb"]
            print(
                f"{phase:17s} peak {result['peak_mb']:5d} MB "
                f"(+{extra} MB over baseline, {extra / size_mb:.1f}x the file), "
                f"{result['seconds']:.1f} s, {result['articles']:,} articles, {result['errors']} problems"
            )


if __name__ == "__main__":
    main()
