"""Speed of ``copies`` (MinHash LSH candidates, exact verification) on synthetic news: 100,000 articles
by default (target: at most 60 s and 2 GB on a 2-core machine).

Usage::

    .venv/bin/python benchmarks/bench_copies.py [--articles 100000] [--copies 0.1] [--jobs 2] [--datasketch]
                                                [--grow 0.01]

Articles are 150-900 words drawn from a Zipf-like vocabulary of 50,000 fictional words, in paragraphs,
spread over a year and 200 outlets. A share of them (``--copies``) are republished copies of an earlier
article: paragraphs dropped and reordered, 0-20% of words changed, a boilerplate paragraph added; a few
more share one paragraph with an unrelated article (``partial``). Signatures are computed per partition
of 4,000 articles and bucketed across partitions, as a streaming load would. ``--datasketch`` also times
inserting the same number of windows into ``datasketch.MinHashLSH`` (the reason the banding here is
done with numpy).

``--grow SHARE`` also times a corpus that grew: the copies of all but the newest SHARE of the articles are
computed first (their verified pairs kept, as ``corpus.copies`` keeps them in the cache), then those of
the whole corpus reusing them (``copies_reusing``), checked equal to the full computation above.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.reuse import candidates
from workbench.reuse.copying import copies, copies_reusing

BOILERPLATE = "Subscribe to our newsletter and follow us on all social networks for the latest news."


def synthetic(n_articles: int, copy_share: float, seed: int = 0) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """Articles (the boilerplate paragraph marked as a ``boilerplate`` section) and the set of
    (later, earlier) pairs that are copies, directly or through other copies."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(50_000)], dtype=object)
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    weights /= weights.sum()
    lengths = rng.integers(150, 900, n_articles)
    pool = rng.choice(len(vocab), size=int(lengths.sum()), p=weights)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    texts: list[str] = []
    root = np.arange(n_articles)
    sections: list[list[tuple[str, int, int]]] = []
    is_copy = rng.random(n_articles) < copy_share
    for i in range(n_articles):
        if is_copy[i] and i > 10:
            source = int(rng.integers(max(0, i - 2000), i))
            paragraphs = [p for p in texts[source].split("\n\n") if p != BOILERPLATE]
            keep = [p for p in paragraphs if rng.random() > 0.2] or paragraphs[:1]
            if len(keep) > 2 and rng.random() < 0.5:
                keep[1], keep[2] = keep[2], keep[1]
            rate = rng.uniform(0, 0.2)
            out = []
            for p in keep:
                tokens = p.split(" ")
                change = rng.random(len(tokens)) < rate
                tokens = [vocab[rng.integers(len(vocab))] if c else t for t, c in zip(tokens, change, strict=True)]
                out.append(" ".join(tokens))
            body = "\n\n".join(out)
            texts.append(body + "\n\n" + BOILERPLATE)
            sections.append([("boilerplate", len(body) + 2, len(body) + 2 + len(BOILERPLATE))])
            root[i] = root[source]
            continue
        tokens = vocab[pool[offsets[i] : offsets[i + 1]]]
        cuts = list(range(0, len(tokens), 60))
        texts.append("\n\n".join(" ".join(tokens[c : c + 60]) + "." for c in cuts))
        sections.append([])
    outlets = np.array([f"Outlet {k}" for k in range(200)])
    published = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.sort(rng.integers(0, 365 * 24 * 60, n_articles)), unit="min"
    )
    articles = pd.DataFrame(
        {
            "article_id": [f"a{i:06d}" for i in range(n_articles)],
            "published": published,
            "outlet": outlets[rng.integers(0, len(outlets), n_articles)],
            "text": texts,
            "sections": sections,
            "root": root,
        }
    )
    return articles, planted(articles)


def planted(articles: pd.DataFrame) -> set[tuple[str, str]]:
    """(later, earlier) pairs of articles with the same ``root`` (copies, directly or through other copies)."""
    ids = articles["article_id"].to_numpy()
    groups = pd.Series(np.arange(len(articles))).groupby(articles["root"].to_numpy())
    return {
        (ids[b], ids[a])
        for _, members in groups
        if len(members) > 1
        for k, a in enumerate(members)
        for b in members.iloc[k + 1 :]
    }


def load_or_generate(n_articles: int, copy_share: float) -> pd.DataFrame:
    """The synthetic corpus, generated once by a separate process and kept as Parquet in the temporary
    folder, so that this process's peak memory is the corpus plus ``copies``, not the generator's."""
    path = Path(tempfile.gettempdir()) / f"workbench-bench-copies-{n_articles}-{copy_share}.parquet"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate",
                str(path),
                "--articles",
                str(n_articles),
                "--copies",
                str(copy_share),
            ],
            check=True,
        )
    frame = pd.read_parquet(path)
    frame["sections"] = [[(d["name"], int(d["start"]), int(d["end"])) for d in v] for v in frame["sections"]]
    return frame


def time_datasketch(n_windows: int) -> float:
    """Seconds to build and insert ``n_windows`` LeanMinHash objects into ``datasketch.MinHashLSH``."""
    from datasketch import LeanMinHash, MinHashLSH

    rng = np.random.default_rng(0)
    values = rng.integers(0, 2**32, size=(n_windows, candidates.NUM_PERM), dtype=np.uint64)
    lsh = MinHashLSH(num_perm=candidates.NUM_PERM, params=(candidates.BANDS, candidates.ROWS))
    started = time.perf_counter()
    for i in range(n_windows):
        lsh.insert(i, LeanMinHash(seed=1, hashvalues=values[i], scheme="legacy"), check_duplication=False)
    return time.perf_counter() - started


def keys_of(articles: pd.DataFrame) -> list[str]:
    """A key per article that changes with all a verification reads (id, date, text, excluded ranges), as
    ``workbench.tables.row_keys`` gives a loaded corpus."""
    return [
        hashlib.blake2b(f"{a}|{p}|{t}|{s}".encode(), digest_size=8).hexdigest()
        for a, p, t, s in zip(articles["article_id"], articles["published"], articles["text"], articles["sections"],
                              strict=True)
    ]  # fmt: skip


def grow(articles: pd.DataFrame, full: pd.DataFrame, share: float, jobs: int) -> None:
    """Time the copies of the whole corpus reusing the verified pairs of all but its newest ``share``."""
    keys = keys_of(articles)
    newest = articles["published"].rank(method="first", ascending=False) <= max(1, int(len(articles) * share))
    before = articles[~newest.to_numpy()]
    started = time.perf_counter()
    _, known = copies_reusing(before, keys=[k for k, n in zip(keys, newest, strict=True) if not n], n_jobs=jobs)
    first = time.perf_counter() - started
    started = time.perf_counter()
    table = copies_reusing(articles, keys=keys, known=known, n_jobs=jobs)[0]
    seconds = time.perf_counter() - started
    pd.testing.assert_frame_equal(table, full)
    attrs = table.attrs
    print(
        f"grown by {int(newest.sum()):,} articles ({share:.1%}): {seconds:.1f} s wall "
        f"(the {len(before):,} before: {first:.1f} s, verified pairs kept); "
        f"candidates {attrs['candidate_seconds']:.1f} s, "
        f"{attrs['candidate_pairs']:,} pairs, {attrs['verified_reused']:,} verifications reused, "
        f"verification {attrs.get('verify_seconds', 0):.1f} s; equal to the full computation: yes; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--copies", type=float, default=0.1, help="share of articles that copy an earlier one")
    parser.add_argument("--jobs", type=int, default=1, help="processes computing signatures (the machine has 2 cores)")
    parser.add_argument("--datasketch", action="store_true", help="also time datasketch.MinHashLSH inserts")
    parser.add_argument("--grow", type=float, default=0.0, help="also time the copies after this share of new articles")
    parser.add_argument("--generate", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        articles, _ = synthetic(args.articles, args.copies)
        articles["sections"] = [[{"name": n, "start": a, "end": b} for n, a, b in v] for v in articles["sections"]]
        articles.to_parquet(args.generate)
        return 0
    articles = load_or_generate(args.articles, args.copies)
    truth = planted(articles)
    words = int(articles["text"].str.count(" ").sum())
    print(f"{len(articles):,} articles, about {words / 1e6:.1f} M words, {len(truth):,} planted copy pairs")
    started, cpu = time.perf_counter(), time.process_time()
    table = copies(articles, n_jobs=args.jobs)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = set(
        zip(
            table.loc[table["kind"] != "partial", "article_id"],
            table.loc[table["kind"] != "partial", "copy_of"],
            strict=True,
        )
    )
    hit = len(found & truth)
    print(
        f"copies: {seconds:.1f} s wall, {cpu:.1f} s CPU in this process "
        f"({args.jobs} job(s); workers' CPU not included); "
        f"load average {os.getloadavg()[0]:.1f} after (the machine is shared: wall time depends on it)"
    )
    attrs = table.attrs
    print(
        f"  candidates (signatures per partition of {candidates.PARTITION}, LSH across): "
        f"{attrs['candidate_seconds']:.1f} s, {attrs['candidate_pairs']:,} pairs"
    )
    print(
        f"  exact verification: {attrs.get('verify_seconds', 0):.1f} s, "
        f"{len(table):,} rows {table['kind'].value_counts().to_dict()}"
    )
    print(
        f"planted copy pairs found (exact/near): {hit:,} of {len(truth):,} ({hit / max(len(truth), 1):.1%}); "
        f"other exact/near rows: {len(found - truth):,}"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.grow:
        grow(articles, table, args.grow, args.jobs)
    if args.datasketch:
        n_windows = int(words / candidates.BLOCK)
        sample = min(n_windows, 200_000)
        spent = time_datasketch(sample)
        print(
            f"datasketch.MinHashLSH: {sample:,} window inserts in {spent:.1f} s -> "
            f"about {spent * n_windows / sample:.0f} s for all {n_windows:,} windows"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
