"""How well the date finder resolves dates: TempEval-3 TBAQ (value P/R/F1) and the Wikinews TimeLine gold.

Run from the project folder:

    .venv/bin/python benchmarks/eval_dates.py                 # both sets
    .venv/bin/python benchmarks/eval_dates.py --set tbaq      # only TimeBank + AQUAINT
    .venv/bin/python benchmarks/eval_dates.py --set wikinews --verbose

**TBAQ** (``../shared/eval/tempeval3-tbaq``: TimeBank 1.2 and AQUAINT, 256 news articles with inline
gold TIMEX3): ``workbench.dates.find_dates`` runs over each document's text with its creation date
(DCT) as the publication date. Scored: gold ``TIMEX3 type="DATE"`` whose value names a calendar
interval (day, week, month, quarter, half, season, year, decade, century). A found expression matches
a gold one when their spans overlap; its value is correct when the resolved interval, read at the
gold's granularity, is the gold value at both ends (so a found day inside the gold month is correct, a
month for a gold day is not). Found expressions that overlap only other TIMEX3 (times, durations,
sets, ``PRESENT_REF``...) count neither way. The rules are ``workbench.evaluation.timeml``. Beside
it: the publication-date baseline (every gold expression resolved to the DCT) and
``dateparser.search.search_dates`` (each result a day, on the whole text, relative to the DCT).

**Wikinews TimeLine** (``../shared/corpora/wikinews-timeline``): the TimeML files hold no TIMEX3
annotation besides each document's creation time (the script counts them), so value F1 cannot be
computed there. What the corpus does give:

1. **Gold event timelines** (``dev-timelines/*.txt``: ``order, date, docid-sentence-event``). For each
   gold event with a known date (not ``XXXX-XX-XX``) we look at the expressions found in its
   sentence (``<s id=n>``, mapped to a line of ``articles.text``) and take the one nearest to the
   event word. It *matches* when its interval, truncated to the gold's granularity, is the gold
   date and is no coarser than the gold (a week does not match a day). Two denominators are
   printed: all dated gold events, and those whose sentence has a found expression. The date of an
   event is not always the date written in its sentence (TimeLine anchors events by reasoning over
   the whole document), so this is a floor for the resolver's accuracy, not its value F1.
2. **Datelines**: most Wikinews articles repeat the publication date as their first or second line
   ("January 28, 2010"); an absolute date parsed from that line should equal the DCT.

``dateparser.search.search_dates`` is scored the same way on the same sentences (its dates carry no
granularity, so it is compared leniently, at the gold's granularity), and timed, to justify the
hand-written finder.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from common import WIKINEWS, shared_corpus

from workbench import config
from workbench.dates import find_dates
from workbench.evaluation.timeml import DateScore, dct_baseline, predictions, read_timeml, render, score_dates
from workbench.evaluation.wikinews import event_granularity, matches, read_sentence_lines, read_timelines

TBAQ = config.SHARED_DIR / "eval" / "tempeval3-tbaq"


def nearest(candidates: list[tuple[int, ...]], position: int):
    return min(candidates, key=lambda c: abs(c[0] - position)) if candidates else None


def _dateparser_finder(text: str, dct: date) -> list[dict]:
    """``dateparser.search.search_dates`` as a finder: each result a day, located left to right in ``text``."""
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": datetime(dct.year, dct.month, dct.day), "PREFER_DATES_FROM": "past"}
    found, at = [], 0
    for written, when in search_dates(text, languages=["en"], settings=settings) or []:
        start = text.find(written, at)
        if start < 0:
            continue
        at = start + len(written)
        found.append(
            {"start": start, "end": at, "expression": written, "date_start": when.date(), "date_end": when.date()}
        )
    return found


def _line(name: str, score: DateScore, seconds: float | None = None) -> str:
    sp, sr, sf = score.span
    vp, vr, vf = score.value
    timing = f"  {seconds:6.1f} s" if seconds is not None else ""
    return (
        f"  {name:24s} {sp:6.3f} {sr:6.3f} {sf:6.3f}   {vp:6.3f} {vr:6.3f} {vf:6.3f}"
        f"   {score.predicted:5d} {score.matched:5d} {score.correct:5d}{timing}"
    )


def tbaq(root, *, top_n: int = 15, with_dateparser: bool = True) -> None:
    """Print value P/R/F1 on TBAQ for workbench.dates, the DCT baseline and dateparser."""
    if not root.exists():
        print(f"missing {root}: the TempEval-3 TBAQ set lives in ../shared/eval (skipped)")
        return
    documents = read_timeml(root)
    gold = pd.concat([d.timexes for d in documents], ignore_index=True)
    scored = gold[gold["granularity"].notna()]
    words = sum(len(d.text.split()) for d in documents)
    print(
        f"TempEval-3 TBAQ: {len(documents)} documents, {words:,} words; TIMEX3 in TEXT: {len(gold)}"
        f" ({gold['type'].value_counts().to_dict()}); scored DATE with a calendar value: {len(scored)}"
        f" ({scored['granularity'].value_counts().to_dict()})"
    )
    find_dates("warm up: compile the patterns on 1 May 2024", "2024-05-02")
    started = time.perf_counter()
    found = predictions(documents, find_dates)
    seconds = time.perf_counter() - started
    ours = score_dates(gold, found)
    print(
        f"\n  {'':24s} {'span P':>6s} {'R':>6s} {'F1':>6s}   {'value P':>6s} {'R':>6s} {'F1':>6s}   found match right"
    )
    print(_line("workbench.dates", ours, seconds))
    print(_line("publication date (DCT)", dct_baseline(gold, documents)))
    if with_dateparser:
        started = time.perf_counter()
        found_dp = predictions(documents, _dateparser_finder)
        seconds_dp = time.perf_counter() - started
        print(_line("dateparser.search_dates", score_dates(gold, found_dp), seconds_dp))
    print(f"  (found expressions overlapping only unscored TIMEX3, left out: workbench {ours.neutral};")
    print("   seconds: finding and resolving only, scoring excluded)")

    pairs = ours.pairs
    wrong = pairs[pairs["p_start"].notna() & ~pairs["correct"]].copy()
    wrong["got"] = [
        f"{render(s, g)}..{render(e, g)}" if s is not None and pd.notna(s) else "unresolved"
        for s, e, g in zip(wrong["date_start"], wrong["date_end"], wrong["granularity"], strict=True)
    ]
    print(f"\nmost frequent wrong values ({len(wrong)} matched with a wrong value), by gold expression:")
    for expression, n in Counter(wrong["text"].str.lower()).most_common(top_n):
        example = wrong[wrong["text"].str.lower() == expression].iloc[0]
        print(f"  {n:4d}  {expression!r:28} e.g. gold {example['gold_value']} got {example['got']} ({example['doc']})")
    print("\nmost frequent wrong values, by gold granularity:", Counter(wrong["granularity"]).most_common())
    missed = pairs[pairs["p_start"].isna()]
    print(f"\nmost frequent missed gold expressions ({len(missed)}):")
    print("  " + ", ".join(f"{t!r} {n}" for t, n in Counter(missed["text"].str.lower()).most_common(top_n)))


def wikinews(args) -> None:
    """Print the scores on the Wikinews TimeLine gold (see the module docstring)."""
    root = Path(args.corpus)
    corpus = shared_corpus(root)
    articles = corpus.articles.assign(docid=corpus.articles["article_id"].str.extract(r"^(\d+)", expand=False))
    lines, timex = read_sentence_lines(root / "articles")
    print(f"{len(articles)} articles; TIMEX3 annotations: {timex['in DCT']} in DCT, {timex['in TEXT']} in TEXT")
    print("-> no annotated expressions in the text: TempEval value F1 cannot be computed on this corpus.\n")

    find_dates("warm up: compile the patterns on 1 May 2024", "2024-05-02")
    started = time.perf_counter()
    found = corpus.dates
    seconds_ours = time.perf_counter() - started
    found = found[found["kind"] != "published"].merge(
        articles[["article_id", "docid", "text", "published"]], on="article_id"
    )

    # sentence n of the file -> its line's character span in articles.text
    spans: dict[tuple[str, int], tuple[int, int, str, pd.Timestamp]] = {}
    for docid, text, published in zip(articles["docid"], articles["text"], articles["published"], strict=True):
        offsets, pos = [], 0
        for line in text.split("\n"):
            offsets.append((pos, pos + len(line), line))
            pos += len(line) + 1
        for s_id, n in lines.get(docid, {}).items():
            spans[(docid, s_id)] = (*offsets[n], published)

    gold = read_timelines(root / "dev-timelines")
    dated = gold[gold["date"].map(event_granularity).notna()]
    print(f"gold events: {len(gold)} in {gold['timeline'].nunique()} timelines; with a known date: {len(dated)}")

    from dateparser.search import search_dates

    stats = Counter()
    dp_seconds, dp_words = 0.0, 0
    for event in dated.itertuples():
        key = (event.docid, event.s_id)
        if key not in spans:
            stats["sentence missing"] += 1
            continue
        lo, hi, sentence, published = spans[key]
        at = sentence.find(event.word)
        at = lo + (at if at >= 0 else 0)
        rows = found[(found["docid"] == event.docid) & (found["start"] >= lo) & (found["start"] < hi)]
        stats["dated"] += 1
        stats["dct matches"] += matches(event.date, published.date(), published.date(), "day")
        candidates = [
            (
                int(r.start),
                r.date_start.date() if pd.notna(r.date_start) else None,
                r.date_end.date() if pd.notna(r.date_end) else None,
                r.granularity,
                r.expression,
            )
            for r in rows.itertuples()
        ]
        if candidates:
            stats["with expression"] += 1
            pick = nearest(candidates, at)
            ok = matches(event.date, pick[1], pick[2], pick[3] if isinstance(pick[3], str) else None)
            stats["nearest matches"] += ok
            stats["any matches"] += any(
                matches(event.date, c[1], c[2], c[3] if isinstance(c[3], str) else None) for c in candidates
            )
            stats["exact interval"] += ok and event_granularity(event.date) == pick[3]
            stats["with fallback"] += ok
            if args.verbose:
                verdict = "OK " if ok else "BAD"
                got = f"{pick[1]}..{pick[2]} {pick[3]:8} {pick[4]!r:28}"
                print(f"{verdict} gold {event.date:10} got {got} | {sentence[:110]}")
        else:
            stats["with fallback"] += matches(event.date, published.date(), published.date(), "day")
        if not candidates and args.verbose:
            print(f"--- gold {event.date:10} no expression | {sentence[:110]}")
        # dateparser on the same sentence
        t0 = time.perf_counter()
        settings = {
            "RELATIVE_BASE": datetime(published.year, published.month, published.day),
            "PREFER_DATES_FROM": "past",
        }
        results = search_dates(sentence, languages=["en"], settings=settings) or []
        dp_seconds += time.perf_counter() - t0
        dp_words += len(sentence.split())
        dp = [(lo + max(0, sentence.find(s)), d.date(), d.date(), event_granularity(event.date)) for s, d in results]
        if dp:
            stats["dp with expression"] += 1
            pick = nearest(dp, at)
            stats["dp nearest matches"] += matches(event.date, pick[1], pick[2], pick[3])

    def share(a: str, b: str) -> str:
        return f"{stats[a]}/{stats[b]} = {stats[a] / stats[b]:.3f}" if stats[b] else "n/a"

    print("\nGold events with a known date, scored on the expression nearest to the event word in its sentence:")
    print(f"  sentences with a found expression:        {share('with expression', 'dated')}")
    print(f"  workbench.dates, among those:              {share('nearest matches', 'with expression')}")
    print(f"  workbench.dates, of all dated events:      {share('nearest matches', 'dated')}")
    print(f"  ... any expression of the sentence matches: {share('any matches', 'with expression')}")
    print(f"  ... exact interval (same granularity):      {share('exact interval', 'with expression')}")
    print(f"  dateparser.search_dates, sentences with a date: {share('dp with expression', 'dated')}")
    print(f"  dateparser.search_dates, matches among those:   {share('dp nearest matches', 'dp with expression')}")
    print(f"  dateparser.search_dates, of all dated events:   {share('dp nearest matches', 'dated')}")
    print(f"  baseline, the publication date (DCT) itself matches: {share('dct matches', 'dated')}")
    print(f"  workbench.dates, or the DCT where the sentence has no date: {share('with fallback', 'dated')}")

    # datelines: an absolute date in the first two lines should be the DCT
    ok = total = 0
    for text, published in zip(articles["text"], articles["published"], strict=True):
        head = "\n".join(text.split("\n")[:2])
        absolute = [
            d
            for d in find_dates(head, published)
            if d["kind"] == "absolute" and d["granularity"] == "day" and d["anchor"] is None
        ]
        if absolute:
            total += 1
            ok += absolute[0]["date_start"] == published.date()
            if args.verbose and absolute[0]["date_start"] != published.date():
                print(f"dateline {absolute[0]['expression']!r} -> {absolute[0]['date_start']}, DCT {published.date()}")
    print(
        f"\nDatelines: {total} articles with a full date in their first two lines;"
        f" equal to the DCT: {ok}/{total} = {ok / max(total, 1):.3f}"
    )
    print("  (a mismatch here is an article whose DCT disagrees with its own dateline; --verbose lists them)")

    words = int(articles["n_words"].sum())
    print(
        f"\nSpeed: workbench.dates {words / seconds_ours:,.0f} words/s on this corpus (incl. sentence splitting);"
        f" dateparser.search_dates {dp_words / max(dp_seconds, 1e-9):,.0f} words/s on the gold sentences"
    )
    found_expr = found.groupby(["kind", "granularity"]).size()
    print(f"\nexpressions found in the corpus: {len(found)}\n{found_expr.to_string()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["all", "tbaq", "wikinews"], default="all", help="which gold set")
    parser.add_argument("--corpus", default=str(WIKINEWS), help="the Wikinews TimeLine corpus")
    parser.add_argument("--tbaq", default=str(TBAQ), help="the TempEval-3 TBAQ folder")
    parser.add_argument("--no-dateparser", action="store_true", help="skip dateparser on TBAQ (slow)")
    parser.add_argument("--top-n", type=int, default=15, help="how many wrong and missed expressions to list")
    parser.add_argument("--verbose", action="store_true", help="print every scored Wikinews event")
    args = parser.parse_args(argv)
    if args.set in ("all", "tbaq"):
        tbaq(Path(args.tbaq), top_n=args.top_n, with_dateparser=not args.no_dateparser)
    if args.set in ("all", "wikinews"):
        print()
        wikinews(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
