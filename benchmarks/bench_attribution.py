"""Speed of ``attributions()`` on PolNeAR's train part (840 articles), one core.

Usage::

    .venv/bin/python benchmarks/bench_attribution.py            # best of 3 runs
    .venv/bin/python benchmarks/bench_attribution.py --repeat 5

Prints words per second for the extractor given the sentence and mention tables (as the Corpus
passes them; computing those is the sentence splitter's and the entity extractor's cost), the same
with an empty mentions table, and the rate including sentence splitting. Target: at least
100,000 words/s (spaCy's small model with its parser runs at about 5,300 words/s here).
"""

from __future__ import annotations

import argparse
import os
import time

import pandas as pd
from common import POLNEAR, shared_corpus, train_articles

from workbench.attribution import attributions
from workbench.sentences import sentences as split_sentences


def best_of(repeat: int, function) -> tuple[float, pd.DataFrame]:
    """The best wall time of ``repeat`` runs and the last result; prints each run's CPU time too (the
    machine is shared: CPU seconds are less sensitive to other processes than wall seconds)."""
    best, result, cpu = float("inf"), None, []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        best = min(best, time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"  (CPU seconds per run: {', '.join(f'{c:.2f}' for c in cpu)}; load average {os.getloadavg()[0]:.2f})")
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(POLNEAR))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    corpus = shared_corpus(args.corpus)
    articles = train_articles(corpus)
    ids = set(articles["article_id"])
    sentences = corpus.sentences[corpus.sentences["article_id"].isin(ids)]
    mentions = corpus.mentions[corpus.mentions["article_id"].isin(ids)]
    words = int(articles["n_words"].sum())
    print(
        f"PolNeAR train: {len(articles)} articles, {words:,} words, {len(mentions):,} entity mentions "
        f"(best of {args.repeat} runs)\n"
    )

    seconds, rows = best_of(args.repeat, lambda: attributions(articles, sentences=sentences, mentions=mentions))
    print(
        f"attributions (with sentences and mentions given): {seconds:6.2f} s  "
        f"{words / seconds:10,.0f} words/s  {len(rows):,} rows"
    )
    seconds, rows = best_of(
        args.repeat, lambda: attributions(articles, sentences=sentences, mentions=mentions.iloc[:0])
    )
    print(
        f"attributions (no mentions):                       {seconds:6.2f} s  "
        f"{words / seconds:10,.0f} words/s  {len(rows):,} rows"
    )
    seconds, rows = best_of(
        args.repeat, lambda: attributions(articles, sentences=split_sentences(articles), mentions=mentions)
    )
    print(f"sentence splitting + attributions:                {seconds:6.2f} s  {words / seconds:10,.0f} words/s")
    print("\ntarget: at least 100,000 words/s on one core")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
