"""Which way a sentence points in time: simple tense cues around a date expression.

Weekdays and year-less dates need a direction: "said Friday" in a Friday article is that day,
"will meet Friday" the coming one. The verb that governs a time adverbial usually stands before it
("will be held on March 3", "was elected in March"), so the nearest cue to the left decides and the
nearest to the right only when there is none ("On Tuesday, Biden will meet Xi"). Cues are data
(``data/tense_cues.csv``); besides them, a lower-case word of five or more letters ending in "ed" is
past, except right after "be", "is" or "are" ("will be held", "are planned": the cue further left
decides).

Reporting verbs (tense ``report``: said, told) speak of the report, not of the date: right before
the date they are past ("said Friday", "said on Monday"), further left they end the search on that
side (the date belongs to the reported clause: "said the dividend is payable March 27"), and to the
right they are skipped ("The plant reopens March 27, a spokesman said").
"""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.lexicon import read_rows

PAST, FUTURE, REPORT, PASSIVE = "past", "future", "report", "passive"
#: The tenses of ``tense_cues.csv`` this module reads (tests check that the file uses no other).
TENSES = (PAST, FUTURE, REPORT, PASSIVE, "none")
_WINDOW = 10  # words on each side of the expression
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'ll")


_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'")  # every character of a _WORD
_LOOK_BACK = 120  # characters before an expression in which its last _WINDOW words are looked for first


@lru_cache(maxsize=1)
def _cues() -> tuple[dict[tuple[str, ...], str], int]:
    table: dict[tuple[str, ...], str] = {}
    for row in read_rows("tense_cues"):
        table[tuple(row["cue"].lower().split())] = row["tense"]
    return table, max(len(k) for k in table)


_ENDS: list = [None, frozenset()]  # the cue table last read and the last words of its cues


def _last_words(table: dict[tuple[str, ...], str]) -> frozenset[str]:
    """The last word of every cue of ``table``: no cue ends at any other word."""
    if _ENDS[0] is not table:
        _ENDS[:] = [table, frozenset(key[-1] for key in table)]
    return _ENDS[1]


def _tense_at(tokens: list[str], i: int, table: dict[tuple[str, ...], str], longest: int) -> tuple[str | None, int]:
    """The tense of the cue ending at token ``i`` (longest first) and its length in tokens."""
    word = tokens[i]
    if word in _last_words(table):
        for n in range(min(longest, i + 1), 0, -1):
            key = tuple(tokens[i - n + 1 : i + 1])
            if key in table:
                return table[key], n
    if len(word) >= 5 and word.endswith("ed") and word.islower():
        return PAST, 1
    return None, 1


def tense(sentence: str, start: int, end: int) -> str | None:
    """``"past"``, ``"future"`` or ``None`` for the expression at ``sentence[start:end]``.

    >>> s = "Sanders promised Monday to act."
    >>> tense(s, 17, 23)
    'past'
    >>> s = "The vote will be held on Monday."
    >>> tense(s, 25, 31)
    'future'
    >>> s = "On Monday, Biden will meet Xi."
    >>> tense(s, 3, 9)
    'future'
    """
    table, longest = _cues()
    left = _words_before(sentence, start)
    i = len(left) - 1
    while i >= 0:
        found, n = _tense_at(left, i, table, longest)
        if found in ("none", PASSIVE):
            found = None
        if found == REPORT:
            if i == len(left) - 1 or (i == len(left) - 2 and left[-1] == "on"):
                return PAST  # "said Friday", "said on Monday": the date of the report
            break  # "said the dividend is payable March 27": the reported clause decides
        if found == PAST and i - n >= 0 and table.get((left[i - n],)) == PASSIVE and n == 1:
            i -= n + 1  # "will be held": the auxiliary further left decides
            continue
        if found:
            return found
        i -= n
    right = [m.group(0).lower() for m in _WORD.finditer(sentence, end)][:_WINDOW]
    for i in range(len(right)):
        found, _ = _tense_at(right, i, table, longest)
        if found and found not in ("none", REPORT, PASSIVE):
            return found
    return None


def _words_before(sentence: str, start: int) -> list[str]:
    """The last :data:`_WINDOW` words of ``sentence[:start]``, lower-cased.

    Read first from a point shortly before ``start`` right after a character no word holds (the words
    found from there are those found from the sentence start: none runs across it), and from the
    start of the sentence only when that gives fewer than :data:`_WINDOW` words.
    """
    lo = start - _LOOK_BACK
    if lo > 0:
        while lo < start and sentence[lo - 1] in _WORD_CHARS:
            lo += 1
        words = [m.group(0).lower() for m in _WORD.finditer(sentence, lo, start)]
        if len(words) >= _WINDOW:
            return words[-_WINDOW:]
    return [m.group(0).lower() for m in _WORD.finditer(sentence, 0, start)][-_WINDOW:]
