"""The analysis calls of report notebooks 10, 20, 30 and 40, one by one: time, page faults, peak memory.

A warm report spends its time in these calls (``bench_reports.py`` gives the whole run). Each notebook's
calls run in a fresh process, as in a report's kernel, on a corpus whose tables are cached; each call
prints its wall time, the memory it touched anew (minor page faults x 4 KB: on a VM that hands freed
memory back to its host, touching it again is the slow part) and the process's peak resident memory.

    .venv/bin/python benchmarks/bench_notebook_calls.py DIR/polnear-x100000 --cache DIR/cache-x100000-j-1-stream
        [--notebooks 10 20 30 40] [--pool jemalloc mimalloc]

Notebook 40's calls read the copies store (``$WORKBENCH_CROSS_CACHE``, else the cache's): without one, its
first call computes the copies of the whole corpus (13 minutes at 100,000 articles).

``--pool`` runs every notebook once per Arrow memory pool (``ARROW_DEFAULT_MEMORY_POOL``; the workbench's
own choice is jemalloc, ``workbench.memory``), one after the other, so that their figures share a load.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time


def _calls(notebook: str):
    """(label, call) of one notebook's analyses, with its default parameters, in its order."""
    import workbench
    from workbench.focus import default_focus
    from workbench.reuse import SHOWN_PAIRS
    from workbench.timelines import date_expressions, event_entities

    corpus = workbench.load_corpus(os.environ["BENCH_CORPUS"]).filter()
    yield "load", lambda: None
    state: dict = {}
    if notebook == "10":
        yield "frequencies", lambda: state.setdefault("freq", workbench.frequencies(corpus))
        yield "cooccurrence", lambda: state.setdefault("pairs", workbench.cooccurrence(corpus, min_count=10))
        yield "graph", lambda: workbench.centrality(workbench.graph(corpus, min_count=10, top_n=15))
        leaders = lambda: workbench.frequencies(corpus, top_n=15)["entity"].astype(str).tolist()  # noqa: E731
        people = lambda: state["freq"].loc[state["freq"]["type"] == "PERSON", "entity"].astype(str)  # noqa: E731
        yield (
            "partners",
            lambda: workbench.partners(corpus, default_focus(corpus, [*people(), *leaders()]), min_count=10, top_n=15),
        )
        yield "evidence_table", lambda: workbench.evidence_table(corpus, state["pairs"], top_n=25)
    elif notebook == "20":
        yield "quotes", lambda: workbench.quotes(corpus, top_n=5000)
        yield "upstream", lambda: workbench.upstream(corpus)
        yield "citation_flows", lambda: workbench.citation_flows(corpus)
        yield "kinds_by_outlet", lambda: workbench.kinds_by_outlet(corpus)
        yield "top_sources", lambda: state.setdefault("top", workbench.top_sources(corpus, top_n=None).head(15))
        yield "attribution_over_time", lambda: workbench.attribution_over_time(corpus, freq="W")
        yield (
            "quotes of the focus",
            lambda: workbench.quotes(
                corpus,
                focus=default_focus(
                    corpus,
                    state["top"]["source"],
                    articles=dict(zip(state["top"]["source"].astype(str), state["top"]["articles"], strict=True)),
                ),
                top_n=5000,
            ),
        )
    elif notebook == "30":
        yield "timeline", lambda: workbench.timeline(corpus, freq="D")
        yield "timeline by outlet", lambda: workbench.timeline(corpus, freq="D", by="outlet", top_n=8)
        yield (
            "frequencies",
            lambda: state.setdefault(
                "leaders", workbench.frequencies(corpus, measure="articles", top_n=8)["entity"].tolist()
            ),
        )
        yield (
            "timeline by entity",
            lambda: workbench.timeline(corpus, freq="D", by="entity", normalize=True, groups=state["leaders"]),
        )
        yield "date_expressions", lambda: date_expressions(corpus)
        yield "event_entities", lambda: state.setdefault("focus", default_focus(corpus, event_entities(corpus).index))
        yield "events", lambda: workbench.events(corpus, entity=state["focus"])
        yield "lags", lambda: workbench.lag_summary(workbench.lags(corpus), by="outlet")
    elif notebook == "40":
        yield "copy_origins", lambda: workbench.copy_origins(corpus)
        yield "copy_flows", lambda: workbench.copy_flows(corpus, min_count=1, top_n=10)
        yield "stories", lambda: workbench.stories(corpus, top_n=10)
        yield "story_articles", lambda: workbench.story_articles(corpus, top_n=10)
        yield "travelling_quotes", lambda: workbench.travelling_quotes(corpus, top_n=10)
        yield "shared_texts", lambda: workbench.shared_texts(corpus, top_n=SHOWN_PAIRS)
        yield "describe_copies", lambda: workbench.describe_copies(corpus)
    else:
        raise SystemExit(f"no calls listed for notebook {notebook!r} (10, 20, 30 or 40)")


def _one(notebook: str) -> None:
    """Run one notebook's calls in this process and print a line per call."""
    total = 0.0
    calls = _calls(notebook)
    while True:
        start, faults = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        try:
            label, call = next(calls)  # the first one loads the corpus
        except StopIteration:
            break
        call()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        took = time.perf_counter() - start
        total += took
        print(
            f"  {label:24s} {took:7.2f} s  touched {(usage.ru_minflt - faults) * 4 / 1e3:7,.0f} MB"
            f"  peak {usage.ru_maxrss / 1e3:7,.0f} MB",
            flush=True,
        )
    print(f"  {'total':24s} {total:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a corpus folder or file whose tables are cached")
    parser.add_argument("--cache", help="the cache folder (default: $WORKBENCH_CACHE or the project's)")
    parser.add_argument("--notebooks", nargs="+", default=["10", "20", "30", "40"])
    parser.add_argument("--pool", nargs="+", default=[""], help="Arrow pools to compare (default: the workbench's)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.one)
        return
    env = {**os.environ, "BENCH_CORPUS": args.corpus, **({"WORKBENCH_CACHE": args.cache} if args.cache else {})}
    print(f"{args.corpus}, load average {os.getloadavg()[0]:.1f}")
    for notebook in args.notebooks:
        for pool in args.pool:
            run_env = {k: v for k, v in env.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
            if pool:
                run_env["ARROW_DEFAULT_MEMORY_POOL"] = pool
            print(f"notebook {notebook}, Arrow pool {pool or 'the workbench default'}:", flush=True)
            subprocess.run([sys.executable, __file__, args.corpus, "--one", notebook], env=run_env, check=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
