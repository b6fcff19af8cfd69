"""The candidate finder: compiled regular expressions built from ``data/date_words.csv``.

Every form the resolver understands is one named alternative of a single pattern. Alternatives are
ordered longest first: Python's ``re`` takes the first alternative that matches at a position, not
the longest. Trying that pattern at every word of a text is slow (about 90,000 words/s), so
:func:`candidates` first finds *triggers*, the words every date expression contains (a digit, a
month, weekday, season or unit name, ``today``...), with a much simpler pattern, and tries the full
pattern only at the few word starts just before each trigger: the same matches as ``finditer``,
several times faster.
Month and weekday names must be capitalised ("May", "March" and "Sun" are common words otherwise);
the other words match in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from workbench.alternation import alternation
from workbench.lexicon import is_month_abbreviation, read_rows


@dataclass(frozen=True)
class Words:
    """The word lists of ``date_words.csv``, keyed by lower-case word (months and weekdays as written)."""

    months: dict[str, int]  # "November" -> 11, "Nov" -> 11
    full_months: tuple[str, ...]
    weekdays: dict[str, int]  # "Monday" -> 0
    seasons: dict[str, int]  # "spring" -> 3 (first month)
    numbers: dict[str, int]
    ordinals: dict[str, int]
    units: dict[str, str]  # "weeks" -> "week"
    day_offsets: dict[str, int]  # "yesterday" -> -1
    shifts: dict[str, int]  # "last" -> -1
    parts: tuple[str, ...]
    within: dict[str, int]  # "earlier" -> -1
    prepositions: tuple[str, ...]
    stretches: tuple[str, ...]  # "the", "over": "the next year" is a stretch of time, not a date
    holidays: dict[str, dict[str, str]]  # "Christmas" -> its row of holidays.csv


#: The kinds of ``date_words.csv`` this module reads (tests check that the file uses no other).
WORD_KINDS = (
    "month",
    "weekday",
    "season",
    "number",
    "ordinal",
    "unit",
    "day_offset",
    "shift",
    "part",
    "within",
    "preposition",
    "stretch",
)


@lru_cache(maxsize=1)
def words() -> Words:
    """The date words, loaded once per process."""
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for row in read_rows("date_words"):
        by_kind.setdefault(row["kind"], []).append((row["word"], row["value"]))
    months = {w: int(v) for w, v in by_kind["month"]}
    return Words(
        months=months,
        full_months=tuple(w for w, _ in by_kind["month"] if not is_month_abbreviation(w)),
        weekdays={w: int(v) for w, v in by_kind["weekday"]},
        seasons={w.lower(): int(v) for w, v in by_kind["season"]},
        numbers={w.lower(): int(v) for w, v in by_kind["number"]},
        ordinals={w.lower(): int(v) for w, v in by_kind["ordinal"]},
        units={w.lower(): v for w, v in by_kind["unit"]},
        day_offsets={w.lower(): int(v) for w, v in by_kind["day_offset"]},
        shifts={w.lower(): int(v) for w, v in by_kind["shift"]},
        parts=tuple(w.lower() for w, _ in by_kind["part"]),
        within={w.lower(): int(v) for w, v in by_kind["within"]},
        prepositions=tuple(w.lower() for w, _ in by_kind["preposition"]),
        stretches=tuple(w.lower() for w, _ in by_kind.get("stretch", [])),
        holidays={row["name"]: row for row in read_rows("holidays")},
    )


def _alt(items, *, case_insensitive: bool = False) -> str:
    """What ``(?:longest|...|shortest)`` matches, spaces matching any white space, as a prefix tree
    (:func:`workbench.alternation.alternation`: the same matches, several times fewer branches tried)."""
    return alternation(items, ignore_case=case_insensitive)


@lru_cache(maxsize=1)
def pattern() -> re.Pattern[str]:
    """The compiled candidate pattern; each alternative is a named group, tried in the order of ``forms``."""
    w = words()
    full = [m for m in w.months if m in w.full_months]
    short = [m for m in w.months if m not in w.full_months]
    month_any = f"(?:{_alt(full)}|{_alt(short)}\\.?)"  # "Nov. 14", "Sept 3"
    month_full = f"{_alt(full)}"
    weekday = _alt(w.weekdays)
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
    year = r"(?:1[89]\d\d|20\d\d)(?![\d%])"
    shift = _alt(w.shifts, case_insensitive=True)
    part = _alt(w.parts, case_insensitive=True)
    prep = _alt(w.prepositions, case_insensitive=True)
    season = _alt(w.seasons, case_insensitive=True)
    number = _alt(w.numbers, case_insensitive=True)
    ordinal = _alt(w.ordinals, case_insensitive=True)
    unit = _alt(w.units, case_insensitive=True)
    day_offset = _alt(w.day_offsets, case_insensitive=True)
    within = _alt(w.within, case_insensitive=True)
    dayparts = r"(?:\s+(?i:morning|afternoon|evening|night))?"
    wd_prefix = rf"(?:{weekday},?\s+)?"
    forms = {
        "iso": r"(?P<iso_y>\d{4})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)(?![\d-])",
        "dot": rf"(?P<dot_d>[0-3]?\d)\.(?P<dot_m>[01]?\d)\.(?P<dot_y>{year})",
        "slash": r"(?P<sl_a>[0-3]?\d)/(?P<sl_b>[0-3]?\d)/(?P<sl_y>(?:19|20)\d\d|\d\d)(?![\d/])",
        "dm": (
            rf"{wd_prefix}(?:(?i:the)\s+)?(?P<dm_d>{day})(?:\s+of)?\s+(?P<dm_m>{month_any})"
            rf"(?:,?\s+(?P<dm_y>{year}))?(?![\w-])"
        ),
        "md": rf"{wd_prefix}(?P<md_m>{month_any})\s+(?P<md_d>{day})(?!,\d|\.\d)(?:,?\s+(?P<md_y>{year}))?(?![\w-])",
        "my": rf"(?:(?P<my_p>{part})[\s-]+)?(?P<my_m>{month_any}),?\s+(?:of\s+)?(?P<my_y>{year})",
        "qn": rf"Q(?P<qn_q>[1-4])(?:\s+(?P<qn_y>{year}))?\b|(?P<qn_y2>{year})\s+Q(?P<qn_q2>[1-4])\b",
        "quarter": (
            rf"(?:(?i:the)\s+)?(?P<q_o>{ordinal}|{shift})[\s-]+(?i:quarter)(?!\w)"
            rf"(?:(?:\s+of|,)?\s+(?:(?P<q_y>{year})|(?i:(?P<q_this>this|last|next)\s+year)))?"
        ),
        "season": (
            rf"(?:(?P<se_s>{shift})\s+|(?P<se_p>{part})[\s-]+|(?P<se_prep>{prep}|over)\s+(?:(?i:the)\s+)?(?:(?P<se_p2>{part})[\s-]+)?)?"
            rf"(?P<se_w>{season})(?!\w)(?:\s+(?:of\s+)?(?P<se_y>{year}))?"
        ),
        "rel": (
            rf"(?:(?P<rel_w>{within})\s+|(?P<rel_p>{part})[\s-]+)?(?P<rel_s>{shift})\s+"
            r"(?P<rel_u>(?i:week(?:end)?|month|year|quarter))(?!\w)"
        ),
        "cur": rf"(?P<cur_p>{part})\s+(?i:the)\s+(?P<cur_u>(?i:week|month|year))(?!\w)",
        "holiday": rf"(?P<hol>{_alt(w.holidays)})(?!\w)(?:,?\s+(?P<hol_y>{year}))?",
        "decade": rf"(?:(?i:the)\s+)?(?:(?P<dec_p>{part})[\s-]+)?(?P<dec>(?:1[89]|20)\d0)(?:'s|s)(?!\w)",
        "weekend": r"(?P<we_p>(?i:over|at|during))\s+(?i:the)\s+(?i:weekend)(?!\w)",
        "ago": rf"(?P<ago_n>{number}|\d{{1,3}})\s+(?P<ago_u>{unit})\s+(?i:ago)(?!\w)",
        "inn": rf"(?i:in|within)\s+(?P<in_n>{number}|\d{{1,3}})\s+(?P<in_u>{unit})(?P<in_t>'s?\s+(?i:time))?(?!\w)",
        "offset": rf"(?P<off>{day_offset})(?![\w-])",
        "weekday": rf"(?:(?P<wd_s>{shift})\s+)?(?P<wd_w>{weekday})(?!\w)(?P<wd_t>{dayparts})",
        "month": (
            rf"(?:(?P<mo_s>{shift})\s+|(?P<mo_prep>{prep})\s+(?:(?P<mo_p2>{part})[\s-]+)?|(?P<mo_p>{part})[\s-]+)"
            rf"(?P<mo_m>{month_full})(?![\w-]|\s*\d|'s)"
        ),
        "year": rf"(?:(?P<yr_p>{part})[\s-]+)?(?P<yr_y>{year})(?!\w|-\d|,\d|\.\d)",
    }
    body = "|".join(f"(?P<{name}>{regex})" for name, regex in forms.items())
    return re.compile(rf"(?<![\w$£€#@/.:-])(?:{body})")


_BACK = 48  # characters before a trigger where an expression may start ("in the beginning of March")
_WORD = re.compile(r"(?<![\w$£€#@/.:-])[\w$£€#@]+")


def _cased(items) -> list[str]:
    """Each word as written, lower-case and capitalised (a case-sensitive alternation is much faster)."""
    return sorted({form for i in items for form in (i, i.lower(), i[:1].upper() + i[1:])})


@lru_cache(maxsize=1)
def triggers() -> re.Pattern[str]:
    """Words that every date expression contains; see :func:`candidates`."""
    w = words()
    lower = {*w.seasons, *w.units, "weekend", "ago", *(phrase.split()[-1] for phrase in w.day_offsets)}
    named = {*w.months, *w.weekdays, *(name.split()[-1] for name in w.holidays)}
    return re.compile(rf"\d+|\b{_alt([*named, *_cased(lower)])}\b")


@lru_cache(maxsize=1)
def openers() -> frozenset[str]:
    """Lower-case words an expression may begin with (besides its trigger and numbers)."""
    w = words()
    phrases = [*w.shifts, *w.parts, *w.prepositions, *w.within, *w.numbers, *w.ordinals, *w.day_offsets, *w.seasons]
    firsts = {re.match(r"\w*", p).group(0).lower() for p in [*phrases, *w.holidays]} | {
        p.split("-")[0] for p in w.parts
    }
    return frozenset(
        firsts
        | {"the", "over", "at", "during", "in", "within", "q1", "q2", "q3", "q4"}
        | {d.lower() for d in w.weekdays}
    )


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=1)
def _named_triggers() -> re.Pattern[str] | None:
    """The trigger words of :func:`triggers` without the leading ``\\b``: a pattern opening with a literal,
    which ``re`` looks for with a fast scan; a match not at a word start is dropped by :func:`trigger_starts`."""
    w = words()
    lower = {*w.seasons, *w.units, "weekend", "ago", *(phrase.split()[-1] for phrase in w.day_offsets)}
    named = {*w.months, *w.weekdays, *(name.split()[-1] for name in w.holidays)}
    trigger_words = [*named, *_cased(lower)]
    if not all(word.isalpha() for word in trigger_words):
        return None  # a word with a digit or a space: searched with the one pattern (trigger_starts)
    return re.compile(rf"{_alt(trigger_words)}\b")


def trigger_starts(text: str) -> list[int]:
    """Where the matches of :func:`triggers` start in ``text``, in order (found faster).

    Digit runs and trigger words are searched apart: neither can overlap the other (the words are
    letters, with a word boundary on either side), so together they are the matches of the one pattern.
    A word found inside a longer word (no ``\\b`` before it) is no trigger; it ends where its word ends, so
    it hides no trigger after it.
    """
    named = _named_triggers()
    if named is None:
        return [m.start() for m in triggers().finditer(text)]
    starts = [m.start() for m in _DIGITS.finditer(text)]
    for match in named.finditer(text):
        at = match.start()
        if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):  # \b before a letter
            starts.append(at)
    starts.sort()
    return starts


def candidates(text: str) -> Iterator[re.Match[str]]:
    """The matches of :func:`pattern` in ``text``, left to right, never overlapping.

    >>> [m.group(0) for m in candidates("Talks ended last week; a vote is due on 3 March 2025.")]
    ['last week', '3 March 2025']
    """
    full = pattern()
    starts = openers()
    tried: dict[int, re.Match[str] | None] = {}  # windows of nearby triggers overlap: each start is tried once
    position = 0
    for at in trigger_starts(text):
        if at < position:
            continue
        for word in _WORD.finditer(text, max(position, at - _BACK), at + 1):
            begin = word.start()
            if begin != at:
                written = word.group(0)
                if not written[0].isdigit() and written.lower() not in starts:
                    continue
            if begin in tried:
                match = tried[begin]
            else:
                match = tried[begin] = full.match(text, begin)
            if match is not None and match.end() > at:
                yield match
                position = match.end()
                break
