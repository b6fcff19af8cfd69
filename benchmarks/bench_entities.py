"""Speed and peak memory of entity extraction on the PolNeAR train texts.

Usage::

    .venv/bin/python benchmarks/bench_entities.py                  # rules backend
    .venv/bin/python benchmarks/bench_entities.py --backend spacy:en_core_web_sm --batch 64

Prints words per second (wall clock, and per CPU second of this process: on a machine shared with
other work the CPU figure is the one-core speed) and peak memory (resident set, whole process) for extraction plus
canonicalisation (``workbench.ner.mentions``), and for spaCy's blank English tokenizer alone as
the floor. Runs on one core. Set-up (loading the corpus, building the name lists and matchers) is
timed separately and not counted in words per second. The load average is printed with the timings: on
2 shared cores other work slows even the CPU figure (compare runs of two versions interleaved, A B A B).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

import pandas as pd

import workbench
from workbench import config
from workbench.ner import mentions
from workbench.sentences import sentences as split_sentences


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="rules")
    parser.add_argument("--batch", type=int, default=64, help="articles per call of mentions()")
    parser.add_argument("--corpus", default=str(config.SHARED_DIR / "corpora" / "polnear"))
    args = parser.parse_args(argv)
    try:
        corpus = workbench.load_corpus(args.corpus)
    except workbench.WorkbenchError as exc:
        print(exc, file=sys.stderr)
        return 2
    articles = corpus.articles
    train = articles[articles["path"].str.contains("/train/", regex=False)]
    articles = train if len(train) else articles
    words = int(articles["n_words"].sum())
    sentences = split_sentences(articles)
    print(f"{len(articles)} articles, {words:,} words ({args.corpus}); memory after loading {peak_mb():.0f} MB")

    import spacy

    nlp = spacy.blank("en")
    started, cpu = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(articles["text"].tolist(), batch_size=64))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    floor = words / cpu
    print(
        f"floor: spaCy blank tokenizer   {words / seconds:>10,.0f} words/s wall, {floor:>10,.0f} words/s CPU  "
        f"({tokens:,} tokens, {seconds:.2f} s)"
    )

    started = time.perf_counter()
    mentions(
        articles.iloc[:1],
        sentences=sentences[sentences["article_id"] == articles["article_id"].iloc[0]],
        backend=args.backend,
    )
    print(f"set-up (name lists, matchers): {time.perf_counter() - started:.2f} s; memory {peak_mb():.0f} MB")

    started, cpu = time.perf_counter(), time.process_time()
    parts = []
    for begin in range(0, len(articles), args.batch):
        batch = articles.iloc[begin : begin + args.batch]
        parts.append(
            mentions(
                batch, sentences=sentences[sentences["article_id"].isin(set(batch["article_id"]))], backend=args.backend
            )
        )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = pd.concat(parts, ignore_index=True)
    speed = f"{words / seconds:>10,.0f} words/s wall, {words / cpu:>10,.0f} words/s CPU"
    print(f"{args.backend}: mentions()          {speed}  ({len(found):,} mentions, {seconds:.2f} s)")
    print(
        f"speed relative to the tokenizer floor: {words / cpu / floor:.2f}x "
        "(CPU time; on a busy machine wall time is not one core's speed)"
    )
    print(f"peak memory: {peak_mb():.0f} MB; load average {load()} (1, 5, 15 min)")
    print(found["type"].value_counts().to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
