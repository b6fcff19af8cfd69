"""Wall time and size of ``workbench report`` (every report notebook) on seeds/, PolNeAR and a large corpus.

Targets: under 30 s on seeds/, under 60 s on PolNeAR; whatever the corpus, each HTML report <= 2 MB
(<= 8 MB with ``--self-contained``) and a run folder <= 10 MB, its data under ``data/`` included (the data
budget of ``workbench.display``; ``--full-data`` measures a run that writes every row instead).

Usage::

    .venv/bin/python benchmarks/bench_reports.py [--corpus seeds polnear large] [--articles 20000]
        [--jobs 2] [--runs 2] [--self-contained] [--full-data] [--notebooks 10 20 30]

``large`` is a table of ``--articles`` articles built from PolNeAR's texts (each text repeated with its
own id, a publication date spread over 2016 and its outlet), written to a temporary CSV. Each corpus
is run ``--runs`` times into a fresh reports folder with a fresh cache: the first run is cold (articles
parsed, entity/attribution/date tables computed), later ones are warm. For each run it prints the wall
time, the time spent starting kernels, each notebook's time and report size, and the run folder's
size with and without ``data/``: the pages and assets (HTML, ``assets/``, the executed notebooks), the
downloadable data under ``data/``, and the data files written as their first rows only (the budget).
``--self-contained`` adds one run with plotly.js inlined.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbench import config

CORPORA = {"seeds": config.SEEDS_DIR, "polnear": config.SHARED_DIR / "corpora" / "polnear"}
TARGETS = {"seeds": 30.0, "polnear": 60.0}
MAX_BYTES = 2_000_000
MAX_SELF_CONTAINED_BYTES = 8_000_000
MAX_RUN_BYTES = 10_000_000


def build_large(folder: Path, articles: int) -> Path:
    """A CSV of ``articles`` articles made from PolNeAR's texts, dates spread over 2016."""
    import pandas as pd

    from workbench.ingest import load_corpus

    polnear = load_corpus(CORPORA["polnear"]).articles
    polnear = polnear[polnear["text"].str.len() > 0].reset_index(drop=True)
    days = pd.date_range("2016-01-01", "2016-12-31", freq="D")
    path = folder / f"polnear-x{articles}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "date", "outlet", "title", "text"])
        for i in range(articles):
            row = polnear.iloc[i % len(polnear)]
            writer.writerow([f"a{i:06d}", f"{days[i % len(days)]:%Y-%m-%d}", row["outlet"], row["title"], row["text"]])
    return path


def run_once(
    corpus: Path,
    out: Path,
    cache: Path,
    jobs: int,
    *,
    self_contained: bool = False,
    full_data: bool = False,
    notebooks: list[str] | None = None,
) -> tuple[float, dict]:
    workbench = Path(sys.executable).with_name("workbench")
    command = [
        str(workbench),
        "report",
        *(notebooks or []),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--corpus",
        str(corpus),
    ]
    if self_contained:
        command.append("--self-contained")
    if full_data:
        command.append("--full-data")
    env = {**os.environ, "WORKBENCH_CACHE": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n")
        raise SystemExit(f"workbench report failed with exit code {done.returncode}")
    run = json.loads((out / "latest" / "run.json").read_text(encoding="utf-8"))
    return seconds, run


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(bytes of everything but data/, bytes of data/) in a run folder."""
    data = sum(p.stat().st_size for p in (folder / "data").rglob("*") if p.is_file())
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return total - data, data


def cut_files(folder: Path) -> list[str]:
    """The data files a report says it wrote as their first rows only ("first N of M rows")."""
    cut = []
    for page in sorted(folder.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r'href="data/([^"]+)"[^<]*</a> \([^)]*\): (first [\d,]+ of [\d,]+ rows)', text):
            cut.append(f"{match.group(1)} ({match.group(2)})")
    return sorted(set(cut))


def report(name: str, corpus: Path, tmp: Path, args) -> None:
    attempts = [(attempt, False) for attempt in range(args.runs)] + ([(args.runs, True)] if args.self_contained else [])
    for attempt, inline in attempts:
        out = tmp / f"reports-{attempt}"
        seconds, run = run_once(
            corpus,
            out,
            tmp / "cache",
            args.jobs,
            self_contained=inline,
            full_data=args.full_data,
            notebooks=args.notebooks,
        )
        notebooks = run["notebooks"]
        kernels = sum(n["kernel_seconds"] or 0 for n in notebooks)
        articles = next(iter(run["provenance"].values()))["articles"]
        label = "self-contained" if inline else "cold" if attempt == 0 else "warm"
        target = TARGETS.get(name)
        verdict = "" if target is None else ", ok" if seconds < target else f", OVER the {target:.0f} s target"
        print(f"\n{name} ({articles:,} articles), run {attempt + 1} ({label}): {seconds:.1f} s wall{verdict}")
        print(
            f"  kernel start-up: {kernels:.1f} s summed over {len(notebooks)} kernels "
            f"({kernels / max(len(notebooks), 1):.1f} s each)"
        )
        print(f"  command start-up (imports, parameter checks) before the run proper: {seconds - run['seconds']:.1f} s")
        limit = MAX_SELF_CONTAINED_BYTES if inline else MAX_BYTES
        for n in notebooks:
            flag = "" if n["bytes"] <= limit else f"  OVER {limit / 1e6:.0f} MB"
            print(
                f"  {n['name']:<28} {n['seconds']:6.1f} s  kernel {n['kernel_seconds'] or 0:4.1f} s  "
                f"{n['bytes'] / 1e6:5.2f} MB{flag}"
            )
        pages, data = folder_bytes(out / run["folder"])
        flag = "" if pages + data <= MAX_RUN_BYTES else f"  OVER {MAX_RUN_BYTES / 1e6:.0f} MB"
        print(
            f"  run folder {(pages + data) / 1e6:.2f} MB with data/, {pages / 1e6:.2f} MB without "
            f"(pages, assets/ and executed notebooks); data/ {data / 1e6:.2f} MB{flag}"
        )
        cut = cut_files(out / run["folder"])
        print(f"  data files cut to their first rows: {', '.join(cut) if cut else 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", choices=[*sorted(CORPORA), "large"], nargs="+", default=["seeds", "polnear", "large"]
    )
    parser.add_argument("--articles", type=int, default=20_000, help="articles in the large corpus built from PolNeAR")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (workbench report --jobs)")
    parser.add_argument("--runs", type=int, default=2, help="runs per corpus: the first cold, the others warm")
    parser.add_argument("--self-contained", action="store_true", help="add one run with --self-contained")
    parser.add_argument(
        "--full-data", action="store_true", help="runs with workbench report --full-data (every row, no data budget)"
    )
    parser.add_argument(
        "--notebooks", nargs="+", help="only these report notebooks (names or prefixes, as workbench report takes them)"
    )
    args = parser.parse_args()

    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, jobs {args.jobs}"
    )
    for name in args.corpus:
        source = CORPORA["polnear" if name == "large" else name]
        if not source.exists():
            print(f"{name}: skipped, {source} is absent")
            continue
        with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
            corpus = build_large(Path(tmp), args.articles) if name == "large" else source
            report(name, corpus, Path(tmp), args)


if __name__ == "__main__":
    main()
