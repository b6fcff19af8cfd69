"""The SemEval-2015 TimeLine corpus (Wikinews): gold event dates and how a found date is matched.

The TimeML files hold no TIMEX3 annotation besides each document's creation time, so value F1 over
annotated expressions cannot be computed on this corpus. What it gives are gold event timelines
(``dev-timelines/*.txt``: ``order, date, docid-sentence-event``); a found date *matches* an event's
date when its interval, truncated to the gold's granularity, is the gold date and is no coarser
than the gold (a week does not match a day).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd

RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}


def known(value: str) -> str:
    """The known part of a gold date.

    >>> known("2008-03-XX"), known("XXXX-XX-XX"), known("2008-03-04")
    ('2008-03', '', '2008-03-04')
    """
    parts = []
    for part in value.split("-"):
        if not part.isdigit():
            break
        parts.append(part)
    return "-".join(parts)


def event_granularity(value: str) -> str | None:
    """``day``, ``month`` or ``year``: how much of a gold event date is known (``None``: nothing)."""
    return {3: "day", 2: "month", 1: "year"}.get(len(known(value).split("-"))) if known(value) else None


def truncate(day: date, granularity: str) -> str:
    """A day written at ``granularity`` (``day``, ``month`` or ``year``), as the gold dates are."""
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[granularity]


def matches(gold: str, start: date | None, end: date | None, granularity: str | None) -> bool:
    """The found interval, read at the gold's granularity, is the gold date (and is not coarser).

    >>> matches("2008-03-XX", date(2008, 3, 4), date(2008, 3, 4), "day")
    True
    >>> matches("2008-03-04", date(2008, 3, 3), date(2008, 3, 9), "week")
    False
    """
    wanted = event_granularity(gold)
    if start is None or wanted is None or granularity is None or RANK[granularity] > RANK[wanted]:
        return False
    return truncate(start, wanted) == known(gold) and truncate(end, wanted) == known(gold)


def read_sentence_lines(articles_dir: str | Path) -> tuple[dict[str, dict[int, int]], Counter]:
    """docid -> {``<s id>`` -> line number of the article text}, and the count of TIMEX3 annotations."""
    lines, timex = {}, Counter()
    for path in sorted(Path(articles_dir).glob("*.tml")):
        root = ET.parse(path).getroot()
        docid = root.findtext("DOCID") or re.match(r"\d+", path.stem).group(0)
        ids = [int(s.get("id")) for s in root.find("TEXT").findall("s")]
        lines[docid] = {sid: n for n, sid in enumerate(ids)}
        timex["in DCT"] += len(root.findall("DCT/TIMEX3"))
        timex["in TEXT"] += len(root.findall("TEXT//TIMEX3"))
    return lines, timex


def read_timelines(timelines_dir: str | Path) -> pd.DataFrame:
    """Gold events: ``timeline, date, docid, s_id, word``, one row per event mention (duplicates dropped)."""
    rows = []
    for path in sorted(Path(timelines_dir).glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            for ref in parts[2:]:
                docid, sentence, word = ref.split("-", 2)
                rows.append(
                    {
                        "timeline": path.stem,
                        "date": parts[1],
                        "docid": docid,
                        "s_id": int(sentence),
                        "word": word.replace("_", " "),
                    }
                )
    return pd.DataFrame(rows, columns=["timeline", "date", "docid", "s_id", "word"]).drop_duplicates(
        ["date", "docid", "s_id", "word"]
    )
