"""How well ``corpus.dates`` resolves the dates of events in the SemEval-2015 TimeLine Wikinews corpus.

Run from the project folder:

    .venv/bin/python benchmarks/eval_dates.py [--corpus ../shared/corpora/wikinews-timeline] [--verbose]

What can be measured honestly here: the TimeML files hold no TIMEX3 annotation besides each
document's creation time (the script counts them), so TempEval's value F1 over annotated
expressions cannot be computed on this corpus. What the corpus does give:

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
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from common import WIKINEWS, shared_corpus

from workbench.dates import find_dates

RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}


def known(value: str) -> str:
    """The known part of a gold date: ``2008-03-XX`` -> ``2008-03``; ``XXXX-XX-XX`` -> ``""``."""
    parts = []
    for part in value.split("-"):
        if not part.isdigit():
            break
        parts.append(part)
    return "-".join(parts)


def gold_granularity(value: str) -> str | None:
    return {3: "day", 2: "month", 1: "year"}.get(len(known(value).split("-"))) if known(value) else None


def truncate(day: date, granularity: str) -> str:
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[granularity]


def matches(gold: str, start: date | None, end: date | None, granularity: str | None) -> bool:
    """The found interval, read at the gold's granularity, is the gold date (and is not coarser)."""
    wanted = gold_granularity(gold)
    if start is None or wanted is None or granularity is None or RANK[granularity] > RANK[wanted]:
        return False
    return truncate(start, wanted) == known(gold) and truncate(end, wanted) == known(gold)


def read_lines(articles_dir: Path) -> dict[str, dict[int, int]]:
    """docid -> {``<s id>`` -> line number in articles.text}, and the TIMEX3 count."""
    lines, timex = {}, Counter()
    for path in sorted(articles_dir.glob("*.tml")):
        root = ET.parse(path).getroot()
        docid = root.findtext("DOCID") or re.match(r"\d+", path.stem).group(0)
        ids = [int(s.get("id")) for s in root.find("TEXT").findall("s")]
        lines[docid] = {sid: n for n, sid in enumerate(ids)}
        timex["in DCT"] += len(root.findall("DCT/TIMEX3"))
        timex["in TEXT"] += len(root.findall("TEXT//TIMEX3"))
    return lines, timex


def read_gold(timelines_dir: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(timelines_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            for ref in parts[2:]:
                docid, sentence, word = ref.split("-", 2)
                rows.append({"timeline": path.stem, "date": parts[1], "docid": docid, "s_id": int(sentence), "word": word.replace("_", " ")})
    return pd.DataFrame(rows).drop_duplicates(["date", "docid", "s_id", "word"])


def nearest(candidates: list[tuple[int, ...]], position: int):
    return min(candidates, key=lambda c: abs(c[0] - position)) if candidates else None


def _day(value) -> date | None:
    return value.date() if pd.notna(value) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(WIKINEWS))
    parser.add_argument("--verbose", action="store_true", help="print every scored event")
    args = parser.parse_args()
    root = Path(args.corpus)
    corpus = shared_corpus(root)
    articles = corpus.articles.assign(docid=corpus.articles["article_id"].str.extract(r"^(\d+)", expand=False))
    lines, timex = read_lines(root / "articles")
    print(f"{len(articles)} articles; TIMEX3 annotations: {timex['in DCT']} in DCT, {timex['in TEXT']} in TEXT")
    print("-> no annotated expressions in the text: TempEval value F1 cannot be computed on this corpus.\n")

    find_dates("warm up: compile the patterns on 1 May 2024", "2024-05-02")
    started = time.perf_counter()
    found = corpus.dates
    seconds_ours = time.perf_counter() - started
    found = found[found["kind"] != "published"].merge(articles[["article_id", "docid", "text", "published"]], on="article_id")

    # sentence n of the file -> its line's character span in articles.text
    spans: dict[tuple[str, int], tuple[int, int, str, pd.Timestamp]] = {}
    for docid, text, published in zip(articles["docid"], articles["text"], articles["published"], strict=True):
        offsets, pos = [], 0
        for line in text.split("\n"):
            offsets.append((pos, pos + len(line), line))
            pos += len(line) + 1
        for s_id, n in lines.get(docid, {}).items():
            spans[(docid, s_id)] = (*offsets[n], published)

    gold = read_gold(root / "dev-timelines")
    dated = gold[gold["date"].map(gold_granularity).notna()]
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
            stats["any matches"] += any(matches(event.date, c[1], c[2], c[3] if isinstance(c[3], str) else None) for c in candidates)
            stats["exact interval"] += ok and gold_granularity(event.date) == pick[3]
            stats["with fallback"] += ok
            if args.verbose:
                print(f"{'OK ' if ok else 'BAD'} gold {event.date:10} got {pick[1]}..{pick[2]} {pick[3]:8} {pick[4]!r:28} | {sentence[:110]}")
        else:
            stats["with fallback"] += matches(event.date, published.date(), published.date(), "day")
        if not candidates and args.verbose:
            print(f"--- gold {event.date:10} no expression | {sentence[:110]}")
        # dateparser on the same sentence
        t0 = time.perf_counter()
        settings = {"RELATIVE_BASE": datetime(published.year, published.month, published.day), "PREFER_DATES_FROM": "past"}
        results = search_dates(sentence, languages=["en"], settings=settings) or []
        dp_seconds += time.perf_counter() - t0
        dp_words += len(sentence.split())
        dp = [(lo + max(0, sentence.find(s)), d.date(), d.date(), gold_granularity(event.date)) for s, d in results]
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
        absolute = [d for d in find_dates(head, published) if d["kind"] == "absolute" and d["granularity"] == "day" and d["anchor"] is None]
        if absolute:
            total += 1
            ok += absolute[0]["date_start"] == published.date()
            if args.verbose and absolute[0]["date_start"] != published.date():
                print(f"dateline {absolute[0]['expression']!r} -> {absolute[0]['date_start']}, DCT {published.date()}")
    print(f"\nDatelines: {total} articles with a full date in their first two lines; equal to the DCT: {ok}/{total} = {ok / max(total, 1):.3f}")
    print("  (a mismatch here is an article whose DCT disagrees with its own dateline; --verbose lists them)")

    words = int(articles["n_words"].sum())
    print(f"\nSpeed: workbench.dates {words / seconds_ours:,.0f} words/s on this corpus (incl. sentence splitting);"
          f" dateparser.search_dates {dp_words / max(dp_seconds, 1e-9):,.0f} words/s on the gold sentences")  # fmt: skip
    found_expr = found.groupby(["kind", "granularity"]).size()
    print(f"\nexpressions found in the corpus: {len(found)}\n{found_expr.to_string()}")


if __name__ == "__main__":
    main()
