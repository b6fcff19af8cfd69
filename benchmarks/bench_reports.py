"""Wall time of ``workbench report`` (every report notebook) on seeds/ and on PolNeAR train+dev.

Targets: under 30 s on seeds/, under 60 s on PolNeAR, every HTML report under 8 MB.

Usage::

    .venv/bin/python benchmarks/bench_reports.py [--corpus seeds|polnear ...] [--jobs 2] [--runs 2]

Each corpus is run ``--runs`` times into a fresh reports folder with a fresh cache: the first run is
cold (articles parsed, entity/attribution/date tables computed), later ones are warm (what a nightly
``--if-changed``-less schedule pays). For each run it prints the wall time of the command, the time
spent starting kernels (papermill's notebook start to its first cell), each notebook's time and the
size of each report.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbench import config

CORPORA = {"seeds": config.SEEDS_DIR, "polnear": config.SHARED_DIR / "corpora" / "polnear"}
TARGETS = {"seeds": 30.0, "polnear": 60.0}
MAX_BYTES = 8_000_000


def run_once(corpus: Path, out: Path, cache: Path, jobs: int) -> tuple[float, dict]:
    workbench = Path(sys.executable).with_name("workbench")
    command = [str(workbench), "report", "--out", str(out), "--jobs", str(jobs), "--corpus", str(corpus)]
    env = {**os.environ, "WORKBENCH_CACHE": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n")
        raise SystemExit(f"workbench report failed with exit code {done.returncode}")
    run = json.loads((out / "latest" / "run.json").read_text(encoding="utf-8"))
    return seconds, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), nargs="+", default=["seeds", "polnear"])
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (workbench report --jobs)")
    parser.add_argument("--runs", type=int, default=2, help="runs per corpus: the first cold, the others warm")
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, jobs {args.jobs}")
    for name in args.corpus:
        corpus = CORPORA[name]
        if not corpus.exists():
            print(f"{name}: skipped, {corpus} is absent")
            continue
        with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
            for attempt in range(args.runs):
                out = Path(tmp) / f"reports-{attempt}"
                seconds, run = run_once(corpus, out, Path(tmp) / "cache", args.jobs)
                notebooks = run["notebooks"]
                kernels = sum(n["kernel_seconds"] or 0 for n in notebooks)
                articles = next(iter(run["provenance"].values()))["articles"]
                label = "cold" if attempt == 0 else "warm"
                verdict = "ok" if seconds < TARGETS[name] else f"OVER the {TARGETS[name]:.0f} s target"
                print(f"\n{name} ({articles:,} articles), run {attempt + 1} ({label} cache): {seconds:.1f} s wall, {verdict}")
                print(f"  kernel start-up: {kernels:.1f} s summed over {len(notebooks)} kernels ({kernels / max(len(notebooks), 1):.1f} s each)")
                print(f"  command start-up (imports, parameter checks) before the run proper: {seconds - run['seconds']:.1f} s")
                for n in notebooks:
                    size = n["bytes"] / 1e6
                    flag = "" if n["bytes"] < MAX_BYTES else "  OVER 8 MB"
                    print(f"  {n['name']:<28} {n['seconds']:6.1f} s  kernel {n['kernel_seconds'] or 0:4.1f} s  {size:5.2f} MB{flag}")


if __name__ == "__main__":
    main()
