"""Helpers shared by readers: publication dates and text assembly."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from dateutil import parser as dateutil_parser

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_DASHED_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


class DateProblem(ValueError):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


#: Publication dates outside these years are flagged as implausible (they still load). The upper
#: bound is fixed rather than "next year" so that a load gives the same problems every year (and
#: the fictional fixtures, dated 2031, stay plausible); it catches 2204-for-2024 and 9999 typos.
EARLIEST_PLAUSIBLE_YEAR = 1600
LATEST_PLAUSIBLE_YEAR = 2100


def read_published(value: object) -> tuple[pd.Timestamp, list[tuple[str, str, str]]]:
    """A publication date and its problems as ``(severity, reason, detail)``, never an exception.

    Dates outside pandas' nanosecond range (``9999-12-31``, ``0900-06-01``) are kept: the
    timestamp then has a unit of seconds. Years before ``EARLIEST_PLAUSIBLE_YEAR`` or after
    ``LATEST_PLAUSIBLE_YEAR`` load with an ``implausible_date`` warning.

    >>> when, problems = read_published("9999-12-31")
    >>> when
    Timestamp('9999-12-31 00:00:00')
    >>> problems
    [('warning', 'implausible_date', "year 9999 is after 2100; check the date '9999-12-31'")]
    """
    problems: list[tuple[str, str, str]] = []
    try:
        published, warning = parse_published(str(value))
    except DateProblem as exc:
        return pd.NaT, [("error", exc.reason, exc.detail)]
    if warning:
        problems.append(("warning", "date_format", warning))
    if detail := implausible(published, str(value).strip()):
        problems.append(("warning", "implausible_date", detail))
    return published, problems


def implausible(published: pd.Timestamp, text: str) -> str | None:
    """Why a publication date is implausible for a news article, or None."""
    year = published.year
    if year < EARLIEST_PLAUSIBLE_YEAR:
        return f"year {year} is before {EARLIEST_PLAUSIBLE_YEAR}; check the date {text!r}"
    if year > LATEST_PLAUSIBLE_YEAR:
        return f"year {year} is after {LATEST_PLAUSIBLE_YEAR}; check the date {text!r}"
    return None


def parse_published(value: str) -> tuple[pd.Timestamp, str | None]:
    """Parse a publication date written in a header or a table cell.

    ISO ``YYYY-MM-DD`` (optionally with a time) is the expected form. Other common forms
    (``14.11.2024``, ``November 14, 2024``, ``14 November 2024``, ``03-02-2009``) are parsed day
    first where ambiguous, and a warning says which form was assumed.

    Returns:
        ``(timestamp at midnight, warning or None)``.

    Raises:
        DateProblem: ``bad_date`` for impossible dates (``2024-13-45``) or text that is no date.

    >>> parse_published("2024-11-14")
    (Timestamp('2024-11-14 00:00:00'), None)
    >>> parse_published("14.11.2024")[0]
    Timestamp('2024-11-14 00:00:00')
    """
    text = str(value).strip()
    if m := _ISO.match(text):
        return _make(text, int(m[1]), int(m[2]), int(m[3])), None
    for pattern in (_DOTTED, _DASHED_DMY):
        if m := pattern.match(text):
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            day, month = (first, second) if first > 12 or second <= 12 else (second, first)
            order = "day-month-year" if (day, month) == (first, second) else "month-day-year"
            return _make(text, year, month, day), f"date {text!r} is not ISO (YYYY-MM-DD); read as {order}"
    if any(ch.isalpha() for ch in text) and any(ch.isdigit() for ch in text):
        try:
            parsed = dateutil_parser.parse(text, dayfirst=True, fuzzy=False, default=_NO_DEFAULT)
        except (ValueError, OverflowError) as exc:
            raise DateProblem("bad_date", f"cannot read {text!r} as a date ({exc})") from None
        return _make(
            text, parsed.year, parsed.month, parsed.day
        ), f"date {text!r} is not ISO (YYYY-MM-DD); read as {parsed.date().isoformat()}"
    raise DateProblem("bad_date", f"cannot read {text!r} as a date; expected YYYY-MM-DD")


_NO_DEFAULT = pd.Timestamp("1900-01-01").to_pydatetime()


def _make(text: str, year: int, month: int, day: int) -> pd.Timestamp:
    """Midnight of the day; outside pandas' nanosecond range (years 1677-2262) the unit is seconds."""
    try:
        return pd.Timestamp(date(year, month, day))
    except (ValueError, OverflowError) as exc:
        raise DateProblem("bad_date", f"impossible date {text!r}: {exc}") from None


_LINE_BREAK = re.compile(r"\n\s*")


def paragraphs(text: str) -> list[tuple[int, int]]:
    r"""(start, end) of each blank-line separated paragraph, white space trimmed.

    Linear in the text (one pass over its line breaks): this runs once per table row.

    >>> paragraphs(" One.\n  \n\nTwo\nlines. ")
    [(1, 5), (10, 20)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _LINE_BREAK.finditer(text):
        if m.group().count("\n") >= 2:
            _add_paragraph(text, start, m.start(), spans)
            start = m.end()
    _add_paragraph(text, start, len(text), spans)
    return spans


def _add_paragraph(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    part = text[start:end]
    stripped = part.strip()
    if stripped:
        first = start + len(part) - len(part.lstrip())
        spans.append((first, first + len(stripped)))
