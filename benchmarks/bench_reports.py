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

``--path`` runs the reports on a corpus folder or file instead (e.g. the corpus ``bench_scale.py --dir``
built, ``DIR/polnear-x20000``) and ``--cache`` names the cache folder to use instead of a fresh one (kept
after the run, so every run is warm when its tables are cached already, e.g. bench_scale's
``DIR/cache-x20000-j-1-stream``). While a run goes, the resident memory of the ``workbench report``
process and of every process under it (the kernels, their pool workers) is sampled every 0.2 s: the
peak of the main process, of the largest kernel, and of the whole tree at once are printed.

    .venv/bin/python benchmarks/bench_reports.py --path DIR/polnear-x20000 --cache DIR/cache-x20000-j-1-stream \\
        --runs 1
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
import threading
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
    memory: dict = {}
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True, env=env)
        stop = threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(process.pid, memory, stop), daemon=True)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        if returncode != 0:
            stdout.seek(0)
            stderr.seek(0)
            print(stdout.read(), stderr.read(), sep="\n")
            raise SystemExit(f"workbench report failed with exit code {returncode}")
    run = json.loads((out / "latest" / "run.json").read_text(encoding="utf-8"))
    run["memory"] = memory
    return seconds, run


def sample_memory(pid: int, memory: dict, stop: threading.Event) -> None:
    """Sample the resident memory (MB) of process ``pid`` and of every process under it every 0.2 s.

    Fills ``memory``: ``main`` (peak of ``pid``), ``kernels`` (peak per kernel process, by pid),
    ``others`` (peak of any other descendant: pool workers...) and ``tree`` (peak of the sum); and
    ``anonymous``, the peak anonymous memory (resident less file-backed pages, ``rss - shared``) of any
    one process: the pages of the memory-mapped articles cache count in the resident figures once read,
    but the kernel may drop them and read them again, as any file's cache.
    """
    import psutil  # a dependency of dask.distributed

    memory.update(main=0.0, kernels={}, others=0.0, tree=0.0, anonymous=0.0)

    def note_anonymous(info) -> None:
        memory["anonymous"] = max(memory["anonymous"], (info.rss - getattr(info, "shared", 0)) / 2**20)

    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.wait(0.2):
        total = 0.0
        try:
            info = root.memory_info()
            children = root.children(recursive=True)
        except psutil.Error:
            return
        memory["main"] = max(memory["main"], info.rss / 2**20)
        note_anonymous(info)
        total += info.rss / 2**20
        for child in children:
            try:
                info = child.memory_info()
                kernel = any("ipykernel" in part for part in child.cmdline())
            except psutil.Error:
                continue
            rss = info.rss / 2**20
            note_anonymous(info)
            total += rss
            if kernel:
                memory["kernels"][child.pid] = max(memory["kernels"].get(child.pid, 0.0), rss)
            else:
                memory["others"] = max(memory["others"], rss)
        memory["tree"] = max(memory["tree"], total)


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
            args.cache or tmp / "cache",
            args.jobs,
            self_contained=inline,
            full_data=args.full_data,
            notebooks=args.notebooks,
        )
        notebooks = run["notebooks"]
        kernels = sum(n["kernel_seconds"] or 0 for n in notebooks)
        articles = next(iter(run["provenance"].values()))["articles"]
        label = "self-contained" if inline else "cold" if attempt == 0 and not args.cache else "warm"
        target = TARGETS.get(name)
        verdict = "" if target is None else ", ok" if seconds < target else f", OVER the {target:.0f} s target"
        print(f"\n{name} ({articles:,} articles), run {attempt + 1} ({label}): {seconds:.1f} s wall{verdict}")
        print(
            f"  kernel start-up: {kernels:.1f} s summed over {len(notebooks)} kernels "
            f"({kernels / max(len(notebooks), 1):.1f} s each)"
        )
        print(f"  command start-up (imports, parameter checks) before the run proper: {seconds - run['seconds']:.1f} s")
        memory = run["memory"]
        kernel_peaks = sorted(memory.get("kernels", {}).values(), reverse=True)
        print(
            f"  peak memory: main process {memory.get('main', 0):,.0f} MB, largest kernel "
            f"{max(kernel_peaks, default=0):,.0f} MB (kernels: {', '.join(f'{m:,.0f}' for m in kernel_peaks)} MB), "
            f"other processes {memory.get('others', 0):,.0f} MB, whole tree at once {memory.get('tree', 0):,.0f} MB; "
            f"anonymous, largest of any process {memory.get('anonymous', 0):,.0f} MB; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
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
    parser.add_argument(
        "--path", type=Path, help="run on this corpus folder or file instead of --corpus (e.g. bench_scale's corpus)"
    )
    parser.add_argument(
        "--cache", type=Path, help="this cache folder instead of a fresh one (kept: runs are warm if its tables are)"
    )
    args = parser.parse_args()

    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, jobs {args.jobs}"
    )
    if args.path is not None:
        with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
            report(args.path.name, args.path.resolve(), Path(tmp), args)
        return
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
