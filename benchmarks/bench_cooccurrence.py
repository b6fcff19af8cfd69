"""Speed of co-occurrence on synthetic mentions: 100,000 articles by default (target: under 5 s).

Usage::

    .venv/bin/python benchmarks/bench_cooccurrence.py [--articles 100000] [--per-article 20]

Mentions are drawn from a Zipf-like distribution over 20,000 fictional entities (a few very
frequent, many rare), spread over a year and ten sentences per article, as in a news corpus.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from workbench.corpus import Corpus
from workbench.pairs import cooccurrence, partners


def synthetic(
    n_articles: int, per_article: int, n_entities: int = 20_000, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(per_article, n_articles).clip(1)
    total = int(counts.sum())
    article = np.repeat(np.arange(n_articles), counts)
    weights = 1.0 / np.arange(1, n_entities + 1)
    entity = rng.choice(n_entities, size=total, p=weights / weights.sum())
    types = np.array(["PERSON", "ORG", "GPE", "LOC"])[entity % 4]
    ids = np.char.add("a", article.astype(str))
    mentions = pd.DataFrame(
        {
            "article_id": pd.array(ids, dtype="string"),
            "sentence": rng.integers(0, 10, total).astype("int32"),
            "entity": pd.array(np.char.add("Entity ", entity.astype(str)), dtype="string"),
            "type": pd.array(types, dtype="string"),
        }
    )
    articles = pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n_articles)],
            "published": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n_articles), unit="D"),
        }
    )
    return mentions, articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--per-article", type=int, default=20)
    args = parser.parse_args(argv)
    mentions, articles = synthetic(args.articles, args.per_article)
    corpus = Corpus(articles, pd.DataFrame(), tables={"mentions": mentions})
    print(f"{args.articles:,} articles, {len(mentions):,} mentions, {mentions['entity'].nunique():,} entities")
    for label, kwargs in [
        ("article level, count", {"level": "article"}),
        ("sentence level, npmi", {"level": "sentence", "measure": "npmi"}),
        ("article level by month", {"level": "article", "freq": "month"}),
    ]:
        started = time.perf_counter()
        pairs = cooccurrence(corpus, min_count=2, **kwargs)
        print(f"cooccurrence {label:26} {time.perf_counter() - started:6.2f} s  ({len(pairs):,} pairs)")
    started = time.perf_counter()
    top = partners(corpus, "Entity 0", min_count=1, measure="npmi")
    print(f"partners of the most frequent entity    {time.perf_counter() - started:6.2f} s  ({len(top):,} partners)")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
