"""Quotations in an article: where double-quoted passages start and end, and content grown to them.

:func:`quote_spans` finds the quotations of a text; :class:`QuotedText` (the base of the sentence
reader) looks them up around a position and widens a content span to the whole quotations it touches.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from workbench.attribution.phrases import OPENING_QUOTES

_QUOTE_MARK = re.compile(r"''|``|[“”\"]")
#: marks that close a quotation
CLOSING = frozenset("”\"'’")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of double-quoted passages, paragraph by paragraph.

    Curly quotes open and close; straight quotes alternate. A quotation left open at the end of a
    paragraph runs to its end (the news convention for a quote continued in the next paragraph).

    >>> quote_spans('He said "yes." Then “no”.')
    [(8, 14), (20, 24)]
    """
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    para_end = text.find("\n")
    for match in _QUOTE_MARK.finditer(text):
        pos = match.start()
        if para_end != -1 and pos > para_end:
            if opened is not None:
                spans.append((opened, para_end))
                opened = None
            para_end = text.find("\n", pos)
        mark = match.group()
        if mark in ("“", "``") or (mark in ('"', "''") and opened is None):
            if opened is None or mark in ("“", "``"):
                opened = pos
        elif opened is not None:
            spans.append((opened, match.end()))
            opened = None
    if opened is not None:
        spans.append((opened, para_end if para_end != -1 else len(text.rstrip())))
    return spans


class QuotedText:
    """An article text with its quotations, for looking them up by position."""

    def __init__(self, text: str):
        self.text = text
        self.quotes = quote_spans(text)
        self.quote_starts = [q[0] for q in self.quotes]

    def quote_around(self, pos: int) -> tuple[int, int] | None:
        """The quotation holding position ``pos``, if any."""
        i = bisect_right(self.quote_starts, pos) - 1
        if i >= 0 and self.quotes[i][0] < pos < self.quotes[i][1]:
            return self.quotes[i]
        return None

    def _widen(self, cs: int, ce: int, cue_span) -> tuple[int, int, bool]:
        """Grow the content to whole quotations it touches (not those around the cue itself)."""
        quotes = self.quotes
        i = max(0, bisect_right(self.quote_starts, ce) - 1)
        while i >= 0 and quotes[i][1] > cs if quotes else False:
            q0, q1 = quotes[i]
            if q0 < ce and not (cue_span and q0 <= cue_span[0] < q1):
                cs, ce = min(cs, q0), max(ce, q1)
            i -= 1
        text = self.text
        tail = text[ce - 1] if ce > cs else ""
        if tail in ".,!?" and ce - 2 >= cs:
            tail = text[ce - 2]
        direct = text[cs] in OPENING_QUOTES and tail in CLOSING
        return cs, ce, direct

    def _quote_before(self, pos: int) -> tuple[int, int] | None:
        """The quotation ending right before ``pos`` in the same paragraph, if any."""
        i = bisect_right(self.quote_starts, pos) - 1
        if i < 0:
            return None
        q0, q1 = self.quotes[i]
        gap = self.text[q1:pos]
        return (q0, q1) if q1 <= pos and not gap.strip() and "\n" not in gap else None
