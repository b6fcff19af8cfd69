"""Words per second for date extraction on PolNeAR train texts, and the libraries it was weighed against.

Run from the project folder:

    .venv/bin/python benchmarks/bench_dates.py [--corpus ../shared/corpora/polnear] [--dateparser-seconds 20]

Prints, for the same texts: ``workbench.dates.dates`` (candidate regex + resolver + tense cues, the
table behind ``corpus.dates``), the candidate regex alone, spaCy's blank English tokenizer (the
floor of any spaCy ``Matcher`` approach, before matching), and ``dateparser.search.search_dates``
on as many articles as fit in a time budget. Target: at least 100,000 words/s on one core.
"""

from __future__ import annotations

import argparse
import os
import time

from common import POLNEAR, shared_corpus, train_articles

from workbench.dates import dates
from workbench.dates.patterns import candidates, pattern
from workbench.sentences import sentences


def best_of(repeat: int, function) -> float:
    """The best wall time of ``repeat`` runs; prints each run's CPU time too (the machine is shared: CPU
    seconds are less sensitive to other processes than wall seconds)."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"  (CPU seconds per run: {', '.join(f'{c:.2f}' for c in cpu)}; load average {os.getloadavg()[0]:.2f})")
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(POLNEAR))
    parser.add_argument(
        "--dateparser-seconds", type=float, default=20.0, help="time budget for dateparser (it is slow)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = shared_corpus(args.corpus)
    articles = train_articles(corpus)
    if articles.empty:
        articles = corpus.articles
    words = int(articles["n_words"].sum())
    texts = articles["text"].tolist()
    print(f"{len(articles)} articles, {words:,} words ({args.corpus}, train split)")

    seconds_sentences = best_of(args.repeat, lambda: sentences(articles))
    table = sentences(articles)
    seconds_dates = best_of(args.repeat, lambda: dates(articles, sentences=table))
    found = dates(articles, sentences=table)
    regex = pattern()
    seconds_candidates = best_of(args.repeat, lambda: [m for t in texts for m in candidates(t)])
    seconds_regex = best_of(1, lambda: [m for t in texts for m in regex.finditer(t)])
    rows = [
        ("workbench.dates.dates (find + resolve + tense)", words, seconds_dates),
        ("  finding candidates alone (trigger words + full pattern)", words, seconds_candidates),
        ("  full pattern tried at every position (finditer), for scale", words, seconds_regex),
        ("  (sentences table, computed once for all tables)", words, seconds_sentences),
    ]

    try:
        import spacy

        nlp = spacy.blank("en")
        seconds_spacy = best_of(1, lambda: [nlp.make_doc(t) for t in texts])
        rows.append(("spaCy blank tokenizer alone (floor of a Matcher)", words, seconds_spacy))
    except ImportError:
        print("spaCy not installed: skipped")

    try:
        from dateparser.search import search_dates

        done_words, started, n_found, n_articles = 0, time.perf_counter(), 0, 0
        for text, published, n in zip(texts, articles["published"], articles["n_words"], strict=True):
            settings = {"RELATIVE_BASE": published.to_pydatetime(), "PREFER_DATES_FROM": "past"}
            n_found += len(search_dates(text, languages=["en"], settings=settings) or [])
            done_words += int(n)
            n_articles += 1
            if time.perf_counter() - started > args.dateparser_seconds:
                break
        seconds_dp = time.perf_counter() - started
        rows.append((f"dateparser.search_dates ({n_articles} articles, {n_found} dates)", done_words, seconds_dp))
    except ImportError:
        print("dateparser not installed: skipped")

    print(f"\n{'method':62} {'words':>9} {'seconds':>8} {'words/s':>10}")
    for name, n, seconds in rows:
        print(f"{name:62} {n:>9,} {seconds:>8.2f} {n / seconds:>10,.0f}")
    expressions = found[found["kind"] != "published"]
    print(
        f"\n{len(expressions):,} date expressions found ({len(expressions) / words * 1000:.1f} per 1,000 words); "
        "by kind and granularity:"
    )
    print(expressions.groupby(["kind", "granularity"], dropna=False).size().to_string())
    rate = words / seconds_dates
    print(f"\ntarget >= 100,000 words/s: {'met' if rate >= 100_000 else 'NOT met'} ({rate:,.0f} words/s)")


if __name__ == "__main__":
    main()
