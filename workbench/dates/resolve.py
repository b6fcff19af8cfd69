"""From a matched candidate to a calendar interval: ``(date_start, date_end, granularity)``.

Conventions (those of TimeML's ``value``, so a resolved expression can be scored against annotated news):

- a week runs Monday to Sunday; a weekend is its Saturday and Sunday (granularity ``week``);
- a season spans three months from its first month (spring = March to May; winter starts in
  December of its year), granularity ``quarter``;
- modifiers (``early``, ``mid-``, ``late``, ``the end of``, ``earlier this``) stay in the expression and
  keep the interval of the unit they modify, as TimeML keeps them apart in ``mod``;
- a date without a year takes the year that puts it nearest to publication, unless the sentence
  says otherwise: "this year", "last year", "next year" right after it name the year ("early April
  this year"); a tense that points the other way (past: "was signed in March"; future: "is payable
  March 27", "will meet in January") moves it to the nearest year on that side, except when the
  nearest date is at most :data:`SLACK_DAYS` on the other side ("scheduled to expire February 28"
  in an article of 2 March is the one just passed, "extended to Nov. 20" the one ahead);
- weekdays: the most recent on or before publication for past or tenseless sentences, the next on or
  after for future ones; ``last``/``next`` exclude the publication day, ``this`` is in its week.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

from workbench.dates.patterns import words
from workbench.dates.tense import FUTURE, PAST

Interval = tuple[date, date, str]
ONE = timedelta(days=1)


def day_span(d: date) -> Interval:
    return d, d, "day"


def week_span(d: date) -> Interval:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6), "week"


def weekend_span(d: date) -> Interval:
    saturday = d - timedelta(days=d.weekday()) + timedelta(days=5)
    return saturday, saturday + ONE, "week"


def month_span(year: int, month: int) -> Interval:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month"


def quarter_span(year: int, quarter: int) -> Interval:
    first = 3 * (quarter - 1) + 1
    return date(year, first, 1), month_span(year, first + 2)[1], "quarter"


def year_span(year: int) -> Interval:
    return date(year, 1, 1), date(year, 12, 31), "year"


def season_span(year: int, first_month: int) -> Interval:
    start = date(year, first_month, 1)
    end_year, end_month = add_months(year, first_month, 2)
    return start, month_span(end_year, end_month)[1], "quarter"


def add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + k
    return index // 12, index % 12 + 1


def shifted(unit: str, anchor: date, k: int) -> Interval:
    """The ``unit`` (day, week, weekend, fortnight, month, quarter, year) ``k`` units from ``anchor``'s."""
    if unit == "day":
        return day_span(anchor + timedelta(days=k))
    if unit == "week":
        return week_span(anchor + timedelta(weeks=k))
    if unit == "fortnight":
        return week_span(anchor + timedelta(weeks=2 * k))
    if unit == "weekend":
        return weekend_span(anchor + timedelta(weeks=k))
    if unit == "month":
        return month_span(*add_months(anchor.year, anchor.month, k))
    if unit == "quarter":
        year, month = add_months(anchor.year, anchor.month, 3 * k)
        return quarter_span(year, (month - 1) // 3 + 1)
    return year_span(anchor.year + k)


def distance(span: Interval, anchor: date) -> int:
    if span[0] <= anchor <= span[1]:
        return 0
    return min(abs((span[0] - anchor).days), abs((span[1] - anchor).days))


#: a year-less date at most this many days on the other side of publication keeps its nearest year,
#: whatever the tense: past verbs set deadlines ahead ("extended to Nov. 20", "decided he should go home
#: by Jan. 14") and schedules pass ("scheduled to expire February 28" in an article of 2 March)
SLACK_DAYS = 31


def nearest(make: Callable[[int], Interval | None], anchor: date, direction: str | None) -> Interval | None:
    """The year-less date ``make(year)`` in the year nearest to ``anchor``, on the side of ``direction``
    unless the nearest is on the other side by at most :data:`SLACK_DAYS`."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            span = make(year)
        except ValueError:  # 29 February in a common year
            continue
        if span is not None:
            candidates.append(span)
    if not candidates:
        return None
    key = lambda c: (distance(c, anchor), c[0])  # noqa: E731
    best = min(candidates, key=key)
    if direction == PAST and (best[0] - anchor).days > SLACK_DAYS:
        pool = [c for c in candidates if c[0] <= anchor] or candidates
    elif direction == FUTURE and (anchor - best[1]).days > SLACK_DAYS:
        pool = [c for c in candidates if c[1] >= anchor] or candidates
    else:
        return best
    return min(pool, key=key)


def by_shift(
    make: Callable[[int], Interval | None], anchor: date, shift: int, direction: str | None
) -> Interval | None:
    """``last``/``this``/``next`` + a yearly thing (month, season): the one before, around or after ``anchor``."""
    candidates = []
    for year in range(anchor.year - 2, anchor.year + 3):
        try:
            span = make(year)
        except ValueError:
            continue
        if span is not None:
            candidates.append(span)
    if shift < 0:
        before = [c for c in candidates if c[1] < anchor]
        return max(before, key=lambda c: c[0]) if before else None
    if shift > 0:
        after = [c for c in candidates if c[0] > anchor]
        return min(after, key=lambda c: c[0]) if after else None
    return nearest(make, anchor, direction)


def weekday_date(weekday: int, anchor: date, shift: int | None, direction: str | None) -> date:
    """The date of ``weekday`` (0 = Monday) relative to ``anchor``; see the module docstring."""
    back = (anchor.weekday() - weekday) % 7
    forward = (weekday - anchor.weekday()) % 7
    if shift is not None and shift < 0:
        return anchor - timedelta(days=back or 7)
    if shift is not None and shift > 0:
        return anchor + timedelta(days=forward or 7)
    if shift == 0:
        return anchor - timedelta(days=anchor.weekday()) + timedelta(days=weekday)
    if direction == FUTURE:
        return anchor + timedelta(days=forward)
    return anchor - timedelta(days=back)


def holiday_date(row: dict[str, str], year: int) -> date:
    """The date of a named day of ``holidays.csv`` in ``year``.

    >>> holiday_date({"month": "11", "day": "", "weekday": "0", "nth": "1", "offset": "1"}, 2016)  # Election Day
    datetime.date(2016, 11, 8)
    """
    month = int(row["month"])
    if row["day"]:
        day = date(year, month, int(row["day"]))
    else:
        weekday, nth = int(row["weekday"]), int(row["nth"])
        if nth > 0:
            first = date(year, month, 1)
            day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
        else:
            last = month_span(year, month)[1]
            day = last - timedelta(days=(last.weekday() - weekday) % 7)
    return day + timedelta(days=int(row["offset"] or 0))


def two_digit_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 50 else 1900
    return year


def number(text: str) -> int:
    return int(text) if text.isdigit() else words().numbers[" ".join(text.lower().split())]


def unit_of(text: str) -> str:
    return words().units[text.lower()]


def word_value(table: dict[str, int], text: str) -> int:
    return table[" ".join(text.lower().split())]


@lru_cache(maxsize=1)
def _stretch() -> re.Pattern[str]:
    """A word before "next/past/last + unit" that makes it a stretch of time.

    For example "the next year" (``stretch`` in date_words.csv).
    """
    alternatives = "|".join(re.escape(w) for w in sorted(words().stretches, key=len, reverse=True))
    return re.compile(rf"(?i:\b(?:{alternatives}))\s+$")


@lru_cache(maxsize=1)
def _year_words() -> re.Pattern[str]:
    """ "this year", "last year", ", of next year" right after a year-less date.

    Built from the shift and unit words of date_words.csv.
    """
    w = words()
    alt = lambda xs: "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in sorted(xs, key=len, reverse=True))  # noqa: E731
    years = [u for u, unit in w.units.items() if unit == "year"]
    return re.compile(rf"\s*,?\s*(?:of\s+)?(?P<shift>{alt(w.shifts)})\s+(?:{alt(years)})\b", re.IGNORECASE)


class DateResolver:
    """Resolve the candidates of one text against one anchor (the publication date).

    ``tense_of(match)`` is called only for the forms that need a direction.
    """

    def __init__(self, text: str, anchor: date | None, tense_of: Callable[[re.Match], str | None]):
        self.text = text
        self.anchor = anchor
        self.tense_of = tense_of
        self.w = words()

    def __call__(self, m: re.Match) -> tuple[str, Interval | None, bool, int] | None:
        """``(kind, interval or None, anchored, start)`` for a match, or ``None`` to drop it."""
        form = m.lastgroup
        try:
            return getattr(self, f"_{form}")(m)
        except (ValueError, OverflowError):  # "next year" from 9999-12-31: past the calendar's years 1-9999
            return "relative", None, False, -1

    # -- absolute forms ---------------------------------------------------------------------
    def _full(self, year: int, month: int, day: int) -> tuple[str, Interval | None, bool, int] | None:
        try:
            return "absolute", day_span(date(year, month, day)), False, -1
        except ValueError:
            return None

    def _iso(self, m):
        return self._full(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))

    def _dot(self, m):
        return self._full(int(m["dot_y"]), int(m["dot_m"]), int(m["dot_d"]))

    def _slash(self, m):
        a, b, year = int(m["sl_a"]), int(m["sl_b"]), two_digit_year(m["sl_y"])
        month, day = (b, a) if a > 12 else (a, b)  # month first unless it cannot be
        return self._full(year, month, day)

    def _day_month(self, m, day_group: str, month_group: str, year_group: str):
        day = int(re.match(r"\d+", m[day_group]).group(0))
        month = self.w.months[m[month_group].rstrip(".")]
        if m[year_group]:
            return self._full(int(m[year_group]), month, day)
        if day > 31:
            return None
        if self.anchor is None:
            return "absolute", None, True, -1
        span = self._in_year(m, lambda y: day_span(date(y, month, day)))
        return ("absolute", span, True, -1) if span else None

    def _in_year(self, m, make: Callable[[int], Interval | None]) -> Interval | None:
        """A year-less date: in the year named right after it ("April this year"), else the nearest."""
        said = _year_words().match(self.text, m.end())
        if said:
            try:
                return make(self.anchor.year + word_value(self.w.shifts, said["shift"]))
            except ValueError:  # 29 February in a common year
                return None
        return nearest(make, self.anchor, self.tense_of(m))

    def _dm(self, m):
        return self._day_month(m, "dm_d", "dm_m", "dm_y")

    def _md(self, m):
        return self._day_month(m, "md_d", "md_m", "md_y")

    def _my(self, m):
        return "absolute", month_span(int(m["my_y"]), self.w.months[m["my_m"].rstrip(".")]), False, -1

    def _yearless(self, m, make, kind="absolute"):
        if self.anchor is None:
            return kind, None, True, -1
        return kind, self._in_year(m, make), True, -1

    def _qn(self, m):
        quarter = int(m["qn_q"] or m["qn_q2"])
        year = m["qn_y"] or m["qn_y2"]
        if year:
            return "absolute", quarter_span(int(year), quarter), False, -1
        return self._yearless(m, lambda y: quarter_span(y, quarter))

    def _quarter(self, m):
        word = " ".join(m["q_o"].lower().split())
        if word == "last" and (m["q_y"] or m["q_this"]):
            word = "final"  # "the last quarter of 2009"
        if word in self.w.shifts:
            if m["q_y"] or m["q_this"]:
                return None
            if self.anchor is None:
                return "relative", None, True, -1
            if _stretch().search(self.text, max(0, m.start() - 8), m.start()):
                return None  # "the past quarter", "over the last quarter": a stretch of time
            return "relative", shifted("quarter", self.anchor, self.w.shifts[word]), True, -1
        quarter = self.w.ordinals[word]
        if m["q_y"]:
            return "absolute", quarter_span(int(m["q_y"]), quarter), False, -1
        if m["q_this"]:
            if self.anchor is None:
                return "relative", None, True, -1
            year = self.anchor.year + {"this": 0, "last": -1, "next": 1}[m["q_this"].lower()]
            return "relative", quarter_span(year, quarter), True, -1
        return self._yearless(m, lambda y: quarter_span(y, quarter))

    def _season(self, m):
        first = self.w.seasons[m["se_w"].lower()]
        start = self._after(m, "se_prep")
        if m["se_y"]:
            return "absolute", season_span(int(m["se_y"]), first), False, start
        make = lambda y: season_span(y, first)  # noqa: E731
        if m["se_s"]:
            if self.anchor is None:
                return "relative", None, True, start
            span = by_shift(make, self.anchor, word_value(self.w.shifts, m["se_s"]), self.tense_of(m))
            return ("relative", span, True, start) if span else None
        if not (m["se_prep"] or m["se_p"]):
            return None  # a bare "spring" or "fall" is too often not a season
        kind, span, anchored, _ = self._yearless(m, make)
        return kind, span, anchored, start

    def _after(self, m, group: str) -> int:
        """Where the expression starts: after a leading preposition ("in March" -> "March")."""
        if not m[group]:
            return m.start()
        start = m.end(group)
        while start < len(self.text) and self.text[start].isspace():
            start += 1
        return start

    def _month(self, m):
        month = self.w.months[m["mo_m"]]
        make = lambda y: month_span(y, month)  # noqa: E731
        start = self._after(m, "mo_prep")
        if m["mo_s"]:
            if self.anchor is None:
                return "relative", None, True, start
            span = by_shift(make, self.anchor, word_value(self.w.shifts, m["mo_s"]), self.tense_of(m))
            return ("relative", span, True, start) if span else None
        kind, span, anchored, _ = self._yearless(m, make)
        return kind, span, anchored, start

    def _year(self, m):
        return "absolute", year_span(int(m["yr_y"])), False, -1

    # -- relative forms ---------------------------------------------------------------------
    def _rel(self, m):
        if not (m["rel_w"] or m["rel_p"]) and _stretch().search(self.text, max(0, m.start() - 8), m.start()):
            return None  # "the next year", "over the past week": a stretch of time, not a date
        if self.anchor is None:
            return "relative", None, True, -1
        unit = m["rel_u"].lower()
        return "relative", shifted(unit, self.anchor, word_value(self.w.shifts, m["rel_s"])), True, -1

    def _cur(self, m):
        if self.anchor is None:
            return "relative", None, True, -1
        return "relative", shifted(m["cur_u"].lower(), self.anchor, 0), True, -1

    def _holiday(self, m):
        row = self.w.holidays[" ".join(m["hol"].split())]
        make = lambda y: day_span(holiday_date(row, y))  # noqa: E731
        if m["hol_y"]:
            return "absolute", make(int(m["hol_y"])), False, -1
        return self._yearless(m, make)

    def _decade(self, m):
        first = int(m["dec"])
        return "absolute", (date(first, 1, 1), date(first + 9, 12, 31), "year"), False, -1

    def _weekend(self, m):
        start = self._after(m, "we_p")
        if self.anchor is None:
            return "relative", None, True, start
        direction = self.tense_of(m)
        span = weekend_span(self.anchor)
        if direction == FUTURE and span[1] < self.anchor:
            span = shifted("weekend", self.anchor, 1)
        elif direction != FUTURE and span[0] > self.anchor:
            span = shifted("weekend", self.anchor, -1)
        return "relative", span, True, start

    def _ago(self, m):
        if self.anchor is None:
            return "relative", None, True, -1
        return "relative", shifted(unit_of(m["ago_u"]), self.anchor, -number(m["ago_n"])), True, -1

    def _inn(self, m):
        if not m["in_t"] and self.tense_of(m) != FUTURE:
            return None  # "the first gain in four years": a duration
        if self.anchor is None:
            return "relative", None, True, -1
        return "relative", shifted(unit_of(m["in_u"]), self.anchor, number(m["in_n"])), True, -1

    def _offset(self, m):
        words_ = m["off"].split()
        if len(words_) > 1 and all(w[:1].isupper() for w in words_):
            return None  # "CBS This Morning", "Last Night": a title, not a date
        if self.anchor is None:
            return "relative", None, True, -1
        return "relative", day_span(self.anchor + timedelta(days=word_value(self.w.day_offsets, m["off"]))), True, -1

    def _weekday(self, m):
        if self.anchor is None:
            return "relative", None, True, -1
        shift = word_value(self.w.shifts, m["wd_s"]) if m["wd_s"] else None
        direction = self.tense_of(m) if shift is None else None
        if shift is not None and m["wd_s"].lower().startswith("this ") and shift:
            shift, direction = None, (PAST if shift < 0 else FUTURE)  # "this past Monday", "this coming Monday"
        return "relative", day_span(weekday_date(self.w.weekdays[m["wd_w"]], self.anchor, shift, direction)), True, -1
