"""Ingest speed: cold and warm loads of N synthetic seed-format articles.

Prints the I/O floor (reading every file's bytes), the cold load rate and its ratio to the floor,
the warm (cached) load time, the time to pick up 1% new files, and each phase's peak memory. Every
phase runs in a fresh process so that its peak memory and timing are its own.

    .venv/bin/python benchmarks/bench_ingest.py --n 100000

Targets at N = 100,000: cold load within 3x the I/O floor, warm load under 2 s, 1,000 new files
picked up in under 5 s, peak memory under 2 GB. The text is clearly fictional (invented towns and
people), about 400 words an article.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOWNS = ["Velmora", "Ostrava Nova", "Quillby", "Marrowfen", "Tessaly", "Duncrag", "Brightwater", "Kelsing"]
PEOPLE = ["Ada Quill", "Boris Fenn", "Cora Lint", "Dmitri Vale", "Edda Stroud", "Faro Min", "Gil Petrov", "Hana Roe"]
OUTLETS = ["Velmora Courier", "Northwind Wire", "Quillby Post", "Marrowfen Times"]
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
    "election",
    "vote",
    "minister",
    "talks",
    "plan",
    "report",
    "officials",
    "residents",
    "agreed",
    "announced",
    "expected",
    "confirmed",
    "delayed",
    "opened",
    "closed",
    "funding",
    "project",
    "week",
    "month",
    "year",
]


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 22))
    words[rng.randrange(len(words))] = rng.choice(TOWNS)
    words[rng.randrange(len(words))] = rng.choice(PEOPLE)
    return " ".join(words).capitalize() + "."


def article(rng: random.Random, day: int) -> str:
    lead = sentence(rng)
    details = "\n\n".join(" ".join(sentence(rng) for _ in range(4)) for _ in range(4))
    background = " ".join(sentence(rng) for _ in range(3))
    date = f"2031-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}"
    via = rng.choice(OUTLETS)
    return (
        f"date {date} {lead}\n\nSource: {rng.choice(OUTLETS)} with reference to {via}\n\n"
        f"Details: {details}\n\nBackground:\n\n{background}\n"
    )


def generate(folder: Path, start: int, n: int, seed: int = 7) -> None:
    rng = random.Random(seed + start)
    for i in range(start, start + n):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"a{i:07d}.txt").write_text(article(rng, i))


def _reusable(corpus: Path, n: int) -> bool:
    """Whether ``corpus`` holds the ``n`` articles :func:`generate` writes, once the new files of a
    previous run's incremental phase are removed."""
    if not corpus.is_dir():
        return False
    files = list(corpus.glob("*/a*.txt"))
    for path in files:
        if int(path.stem[1:]) >= n:
            path.unlink()
    return sum(int(p.stem[1:]) < n for p in files) == n


def _io_floor(folder: str) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                total += len(handle.read())
    return total


def _load(folder: str) -> int:
    from workbench import load_corpus  # imports count: a fresh session pays them too

    return len(load_corpus(folder, progress=False))


PHASES = {"floor": _io_floor, "load": _load}


def _phase(name: str, folder: str) -> tuple[float, int, float, float]:
    """Run one phase in a fresh interpreter; return (seconds, result, peak MB, CPU seconds), the last
    two of it and its workers (CPU time varies less than elapsed time on a shared machine)."""
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, folder], check=True, capture_output=True, text=True
    )
    seconds, result, peak, cpu = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, result, peak, cpu


def _run_phase(name: str, folder: str) -> None:
    started = time.perf_counter()
    result = PHASES[name](folder)
    seconds = time.perf_counter() - started
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    peak = max(u.ru_maxrss for u in usage) / 1024
    cpu = sum(u.ru_utime + u.ru_stime for u in usage)
    print(json.dumps([seconds, result, peak, cpu]))


def _drop_page_cache() -> bool:
    """Empty the OS page cache (root on Linux only), so that reads come from disk."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as handle:
            handle.write("3\n")
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to generate (default 100,000)")
    parser.add_argument("--dir", type=Path, help="where to generate (default: a temporary folder, removed after)")
    parser.add_argument(
        "--reuse", action="store_true", help="with --dir: keep the articles generated there by an earlier run (faster)"
    )
    parser.add_argument("--phase", nargs=2, metavar=("NAME", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _run_phase(*args.phase)
        return
    base = args.dir or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    corpus, cache = base / "corpus", base / "cache"
    os.environ["WORKBENCH_CACHE"] = str(cache)
    try:
        started = time.perf_counter()
        if args.reuse and args.dir and _reusable(corpus, args.n):
            print(f"reusing the {args.n:,} articles in {corpus}")
        else:
            shutil.rmtree(corpus, ignore_errors=True)
            generate(corpus, 0, args.n)
            print(f"generated {args.n:,} articles in {time.perf_counter() - started:.1f} s")
        new = max(1, args.n // 100)
        rows = []
        # 1. page cache warm for both the floor and the load: parsing cost against memory-speed reads
        _phase("floor", str(corpus))
        floor, size, _, _ = _phase("floor", str(corpus))
        shutil.rmtree(cache, ignore_errors=True)
        cold, count, cold_mb, _ = _phase("load", str(corpus))
        rows.append(("page cache warm", floor, cold))
        # 2. page cache dropped before each (when allowed): reads from disk, as after a reboot
        if _drop_page_cache():
            disk_floor, _, _, _ = _phase("floor", str(corpus))
            shutil.rmtree(cache, ignore_errors=True)
            _drop_page_cache()
            disk_cold, _, disk_mb, _ = _phase("load", str(corpus))
            cold_mb = max(cold_mb, disk_mb)
            rows.append(("page cache dropped", disk_floor, disk_cold))
        warm, _, warm_mb, warm_cpu = _phase("load", str(corpus))
        generate(corpus, args.n, new, seed=11)
        inc, count2, inc_mb, inc_cpu = _phase("load", str(corpus))
        print(f"corpus              {count:,} articles, {size / 1e6:,.0f} MB of text files")
        for label, floor_s, cold_s in rows:
            print(f"{label}:")
            print(f"  I/O floor         {floor_s:6.2f} s  ({count / floor_s:,.0f} files/s)")
            print(f"  cold load         {cold_s:6.2f} s  ({count / cold_s:,.0f} articles/s)")
            print(f"  cold / I/O floor  {cold_s / floor_s:6.2f} x   (target <= 3)")
        print(f"warm load           {warm:6.2f} s   (target < 2 s; CPU {warm_cpu:.2f} s)")
        print(
            f"+{new:,} new files     {inc:6.2f} s   (target < 5 s for 1,000; CPU {inc_cpu:.2f} s)"
            f"  -> {count2:,} articles"
        )
        print(
            f"peak memory         cold {cold_mb:,.0f} MB, warm {warm_mb:,.0f} MB, incremental {inc_mb:,.0f} MB "
            "(target < 2,048 MB)"
        )
        print("(each phase is a fresh interpreter: times include importing the workbench)")
        print(
            f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows every phase)"
        )
    finally:
        if args.dir is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
