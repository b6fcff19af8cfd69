"""TimeML documents (TempEval-3 TBAQ: TimeBank and AQUAINT) and the scores of resolved dates.

Gold: every ``<TIMEX3>`` inside ``<TEXT>``, as a character span of the plain text of ``<TEXT>`` (tags
removed, entities decoded), with its ``type`` and ``value``; the document creation time (DCT) is the
``<DCT><TIMEX3 value=...>``.

Scored gold (:func:`gold_granularity`): ``type="DATE"`` expressions whose value names a calendar
interval: a day ``1998-01-08`` (a time of day, ``1998-01-08TEV``, is read as its day), a week
``1998-W02`` (a weekend ``1998-W02-WE`` as its week), a month ``1998-01``, a quarter ``1998-Q1``, a
half ``1998-H1``, a season ``1998-SU``, a year ``1998``, a decade ``199`` or a century ``19``.
Values that are not calendar intervals (``PRESENT_REF``, ``PAST_REF``, ``FUTURE_REF``, ``1998-XX``,
``P3D``) and the other types (``TIME``, ``DURATION``, ``SET``) are *neutral*: a prediction that overlaps
one of them and no scored gold counts neither way.

Matching (:func:`score_dates`): a prediction matches a scored gold expression of the same document
when their spans overlap, one to one: each gold expression, left to right, takes the unmatched
prediction that overlaps it most (the first one on a tie). A match is *value-correct* when the
predicted interval, read at the gold's granularity, is the gold value at both ends: ``date_start``
and ``date_end`` both render to the gold value with :func:`render`. So a predicted day inside the
gold month is correct, a predicted month for a gold day is not (coarser than the gold), and a
predicted week for a gold week must be that ISO week. Seasons follow the meteorological months
(WI = December of the year before, January and February).

Scores: span P/R/F1 (overlap alone) and value P/R/F1: value-correct matches over all counted
predictions (precision) and over all scored gold (recall).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from workbench.evaluation.scoring import prf

GOLD_COLUMNS = ["doc", "tid", "start", "end", "text", "type", "value", "granularity", "gold_value"]
SEASONS = {
    12: "WI",
    1: "WI",
    2: "WI",
    3: "SP",
    4: "SP",
    5: "SP",
    6: "SU",
    7: "SU",
    8: "SU",
    9: "FA",
    10: "FA",
    11: "FA",
}

_FORMS = [
    (re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T.*)?$"), "day"),
    (re.compile(r"^(\d{4})-W(\d{1,2})(?:-WE)?$"), "week"),
    (re.compile(r"^(\d{4}-\d{2})$"), "month"),
    (re.compile(r"^(\d{4}-Q[1-4])$"), "quarter"),
    (re.compile(r"^(\d{4}-H[12])$"), "half"),
    (re.compile(r"^(\d{4}-(?:SP|SU|FA|WI))$"), "season"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{3})$"), "decade"),
    (re.compile(r"^(\d{2})$"), "century"),
]


def gold_granularity(value: str | None) -> tuple[str, str] | None:
    """``(granularity, normalised value)`` of a TIMEX3 value naming a calendar interval, else ``None``.

    >>> gold_granularity("1998-W2-WE"), gold_granularity("1998-01-08TEV"), gold_granularity("PRESENT_REF")
    (('week', '1998-W02'), ('day', '1998-01-08'), None)
    """
    for pattern, granularity in _FORMS:
        match = pattern.match(value or "")
        if match:
            if granularity == "week":
                return granularity, f"{match.group(1)}-W{int(match.group(2)):02d}"
            return granularity, match.group(1)
    return None


def render(day: date, granularity: str) -> str:
    """A day written as the TIMEX3 value of the interval of ``granularity`` that holds it.

    >>> [render(date(1998, 12, 31), g) for g in ("day", "week", "month", "quarter", "half", "season", "year", "decade")]
    ['1998-12-31', '1998-W53', '1998-12', '1998-Q4', '1998-H2', '1999-WI', '1998', '199']
    """
    if granularity == "day":
        return day.isoformat()
    if granularity == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "month":
        return day.isoformat()[:7]
    if granularity == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if granularity == "half":
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    if granularity == "season":
        return f"{day.year + (day.month == 12)}-{SEASONS[day.month]}"
    if granularity == "year":
        return str(day.year)
    if granularity == "decade":
        return str(day.year)[:3]
    if granularity == "century":
        return str(day.year)[:2]
    raise ValueError(f"unknown granularity {granularity!r}")


def value_correct(gold_value: str, granularity: str, start: date | None, end: date | None) -> bool:
    """Whether the interval ``start..end`` read at ``granularity`` is ``gold_value`` at both ends.

    >>> value_correct("1998-01", "month", date(1998, 1, 5), date(1998, 1, 5))
    True
    >>> value_correct("1998-01-05", "day", date(1998, 1, 1), date(1998, 1, 31))
    False
    """
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return False
    return render(start, granularity) == gold_value and render(end, granularity) == gold_value


@dataclass
class Document:
    """One TimeML document: its id, creation date (DCT), plain text and TIMEX3 annotations."""

    doc: str
    dct: date
    text: str
    timexes: pd.DataFrame


def parse_timeml(source: str, doc: str | None = None) -> Document:
    """A TimeML document from its XML text.

    >>> d = parse_timeml(
    ...     '<TimeML><DOCID>x</DOCID><DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08">19980108</TIMEX3></DCT>'
    ...     '<TEXT>Sales fell <TIMEX3 tid="t1" type="DATE" value="1997-Q4">last quarter</TIMEX3> &amp; more.</TEXT>'
    ...     "</TimeML>"
    ... )
    >>> d.dct, d.text, d.timexes[["start", "end", "granularity", "gold_value"]].values.tolist()
    (datetime.date(1998, 1, 8), 'Sales fell last quarter & more.', [[11, 23, 'quarter', '1997-Q4']])
    """
    root = ET.fromstring(source)
    doc = doc or (root.findtext("DOCID") or "").strip()
    dct_value = root.find("DCT/TIMEX3").get("value", "")
    dct = date.fromisoformat(dct_value[:10])
    pieces: list[str] = []
    rows: list[dict] = []

    def walk(element: ET.Element) -> None:
        start = sum(map(len, pieces))
        pieces.append(element.text or "")
        for child in element:
            walk(child)
            pieces.append(child.tail or "")
        if element.tag == "TIMEX3":
            written = "".join(element.itertext())
            end = start + len(written)
            value = element.get("value")
            scored = gold_granularity(value) if element.get("type") == "DATE" else None
            rows.append(
                {
                    "doc": doc, "tid": element.get("tid"), "start": start, "end": end, "text": written,
                    "type": element.get("type"), "value": value,
                    "granularity": scored[0] if scored else None, "gold_value": scored[1] if scored else None,
                }
            )  # fmt: skip

    text_element = root.find("TEXT")
    walk(text_element)
    timexes = pd.DataFrame(rows, columns=GOLD_COLUMNS).sort_values("start", kind="stable").reset_index(drop=True)
    return Document(doc=doc, dct=dct, text="".join(pieces), timexes=timexes)


def read_timeml(path: str | Path) -> list[Document]:
    """Every ``*.tml`` document under ``path`` (a file or a folder, searched recursively), sorted by path.

    Each document is named by its file name without ``.tml`` (unique in a folder, unlike ``DOCID``).
    """
    path = Path(path)
    files = [path] if path.is_file() else sorted(path.rglob("*.tml"))
    return [parse_timeml(f.read_text(encoding="utf-8"), f.stem) for f in files]


@dataclass
class DateScore:
    """Counts, scores and the scored pairs of :func:`score_dates`.

    Attributes:
        gold: scored gold expressions.
        predicted: predictions counted (those overlapping only neutral gold are left out).
        neutral: predictions left out.
        matched: gold expressions with an overlapping prediction.
        correct: matched gold whose value is correct.
        pairs: one row per scored gold expression (``doc, start, end, text, granularity,
            gold_value``) with its matched prediction (``p_start, p_end, p_expression, date_start,
            date_end``, missing when none) and ``correct``.
    """

    gold: int
    predicted: int
    neutral: int
    matched: int
    correct: int
    pairs: pd.DataFrame

    @property
    def span(self) -> tuple[float, float, float]:
        """Span P/R/F1 (overlap alone)."""
        return prf(self.matched, self.predicted, self.matched, self.gold)

    @property
    def value(self) -> tuple[float, float, float]:
        """Value P/R/F1: value-correct matches over counted predictions and over scored gold."""
        return prf(self.correct, self.predicted, self.correct, self.gold)


def score_dates(gold: pd.DataFrame, predicted: pd.DataFrame) -> DateScore:
    """Score resolved date expressions against TimeML gold (rules in the module docstring).

    Args:
        gold: ``Document.timexes`` rows of the documents scored (all TIMEX3, scored or neutral).
        predicted: ``doc, start, end, date_start, date_end`` (and optionally ``expression``) per
            predicted expression; dates as ``datetime.date`` or timestamps.
    """
    pred = predicted.reset_index(drop=True)
    expressions = pred["expression"] if "expression" in pred else pd.Series([None] * len(pred))
    pred_by_doc: dict[str, list[tuple]] = {}
    for row in zip(
        pred["doc"], pred["start"], pred["end"], pred["date_start"], pred["date_end"], expressions, strict=True
    ):
        pred_by_doc.setdefault(row[0], []).append(row[1:])
    gold_by_doc: dict[str, list[tuple]] = {}
    for row in zip(
        gold["doc"], gold["start"], gold["end"], gold["text"], gold["granularity"], gold["gold_value"], strict=True
    ):
        gold_by_doc.setdefault(row[0], []).append(row[1:])
    pairs, counted, neutral = [], 0, 0
    for doc in sorted(set(pred_by_doc) | set(gold_by_doc)):
        scored = [g for g in gold_by_doc.get(doc, []) if isinstance(g[3], str)]
        others = [g for g in gold_by_doc.get(doc, []) if not isinstance(g[3], str)]
        free = []
        for p in pred_by_doc.get(doc, []):
            if any(_overlap(p, g) > 0 for g in others) and not any(_overlap(p, g) > 0 for g in scored):
                neutral += 1
            else:
                counted += 1
                free.append(p)
        for g_start, g_end, text, granularity, value in sorted(scored):
            row = {"doc": doc, "start": g_start, "end": g_end, "text": text, "granularity": granularity}
            row |= {"gold_value": value, "correct": False}
            overlapping = [(_overlap(p, (g_start, g_end)), -k, p) for k, p in enumerate(free)]
            overlapping = [o for o in overlapping if o[0] > 0]
            if overlapping:
                _, k, p = max(overlapping)
                free.pop(-k)
                start, end = _day(p[2]), _day(p[3])
                row |= {"p_start": p[0], "p_end": p[1], "p_expression": p[4], "date_start": start, "date_end": end}
                row["correct"] = value_correct(value, granularity, start, end)
            pairs.append(row)
    columns = ["doc", "start", "end", "text", "granularity", "gold_value"]
    columns += ["p_start", "p_end", "p_expression", "date_start", "date_end", "correct"]
    table = pd.DataFrame(pairs, columns=columns)
    return DateScore(
        gold=len(table),
        predicted=counted,
        neutral=neutral,
        matched=int(table["p_start"].notna().sum()),
        correct=int(table["correct"].sum()),
        pairs=table,
    )


def _overlap(a: tuple, b: tuple) -> int:
    """Characters shared by two spans (their first two fields); 0 or less when they do not overlap."""
    return min(a[1], b[1]) - max(a[0], b[0])


def _day(value) -> date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, datetime) else value  # a pd.Timestamp is a datetime


def predictions(documents: list[Document], finder) -> pd.DataFrame:
    """Run a date finder over each document's text with its DCT, as rows for :func:`score_dates`.

    Args:
        documents: parsed TimeML documents.
        finder: ``finder(text, dct) -> [{"start", "end", "expression", "date_start", "date_end", ...}]``,
            e.g. ``workbench.dates.find_dates``.

    Returns:
        ``doc`` plus the finder's fields, one row per expression found.
    """
    rows = [{"doc": d.doc, **found} for d in documents for found in finder(d.text, d.dct)]
    return pd.DataFrame(
        rows, columns=["doc", "start", "end", "expression", "date_start", "date_end"] if not rows else None
    )


def dct_baseline(gold: pd.DataFrame, documents: list[Document]) -> DateScore:
    """The publication-date baseline: every scored gold expression is predicted, as its document's DCT."""
    dct = {d.doc: d.dct for d in documents}
    scored = gold[gold["granularity"].notna()]
    pred = pd.DataFrame(
        {
            "doc": scored["doc"],
            "start": scored["start"],
            "end": scored["end"],
            "expression": scored["text"],
            "date_start": scored["doc"].map(dct),
            "date_end": scored["doc"].map(dct),
        }
    )
    return score_dates(gold, pred)
