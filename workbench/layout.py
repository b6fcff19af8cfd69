"""The shape of an article's lines: hard-wrapped prose, and tables or listings that are not prose.

Extractors read prose. Two layouts get in the way, and both are found by shape alone (no word
lists), so they work in any house style:

- **hard-wrapped text** (lines cut at a fixed width, as in old wire copy): a single line break
  inside a paragraph is a space. :func:`unwrap` returns the text with those breaks turned into
  spaces (same length, so every offset still points into the original text);
- **tables and listings** (earnings tables, price lists, sports results, schedules): lines made
  mostly of numbers and short tokens, often in columns. :func:`listing_lines` returns their spans;
  an extractor can skip them or trust fewer of its rules there.
"""

from __future__ import annotations

import bisect
import re

#: a text is hard-wrapped when at least this share of its paragraph-inner lines are long ...
WRAPPED_SHARE = 0.6
#: ... where long means at least this share of the wrap width (the 90th percentile line length)
WRAPPED_FILL = 0.7
#: wrap widths outside this range are not hard wrapping (short lines are lists, long ones paragraphs)
WRAP_WIDTH = (40, 110)
#: a line is a listing when at least this share of its tokens are numbers or abbreviations
LISTING_SHARE = 0.5
#: longer lines are prose: table rows and listing lines are short
LISTING_LENGTH = 200

_LINE = re.compile(r"[^\n]+")
_SINGLE_BREAK = re.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)")
_TOKEN = re.compile(r"\S+")
_NUMBER = re.compile(r"^[(+\-−$£€¥]?[\d.,:/%-]*\d[\d.,:/%)-]*[a-z]{0,2}$")
_COLUMNS = re.compile(r"\S(?:[ ]{3,}|\t)\S")


def is_wrapped(text: str) -> bool:
    """Whether the text is hard-wrapped: most lines inside paragraphs end near one fixed width.

    >>> line = "word " * 13
    >>> is_wrapped("\\n".join([line.strip()] * 6) + "\\nend.")
    True
    >>> is_wrapped("A headline\\nFirst sentence here.\\nA second, much longer sentence that goes on.\\nEnd.")
    False
    """
    lengths = []
    for paragraph in text.split("\n\n"):
        lines = [len(line) for line in paragraph.strip("\n").split("\n")]
        lengths.extend(lines[:-1])  # the last line of a paragraph is short in any layout
    if len(lengths) < 3:
        return False
    width = sorted(lengths)[int(0.9 * (len(lengths) - 1))]
    if not WRAP_WIDTH[0] <= width <= WRAP_WIDTH[1]:
        return False
    return sum(n >= WRAPPED_FILL * width for n in lengths) >= WRAPPED_SHARE * len(lengths)


def unwrap(text: str) -> str:
    """The text with single line breaks inside paragraphs turned into spaces, when it is hard-wrapped.

    The result has the same length as ``text``; a text that is not hard-wrapped comes back unchanged.

    >>> lines = ["The chairman of the Federal Reserve Board, Alan", "Greenspan, said on Monday that interest rates",
    ...          "would hold for now, and more words followed in", "the text of the article."]
    >>> wrapped = "\\n".join(lines)
    >>> unwrap(wrapped).split(", said")[0]
    'The chairman of the Federal Reserve Board, Alan Greenspan'
    """
    if "\n" not in text or not is_wrapped(text):
        return text
    return _SINGLE_BREAK.sub(lambda m: m.group(0).replace("\n", " "), text)


def is_listing(line: str) -> bool:
    """Whether a line is a table row or listing rather than prose (by the shape of its tokens).

    >>> is_listing("Shr 25 cts vs 30 cts"), is_listing("Revs 12.3 mln vs 11.2 mln")
    (True, True)
    >>> is_listing("The company said revenue rose 12 pct in 1986.")
    False
    """
    if len(line) > LISTING_LENGTH:  # a paragraph of prose, not a row
        return False
    tokens = _TOKEN.findall(line)
    if not tokens:
        return False
    numbers = sum(bool(_NUMBER.match(t)) for t in tokens)
    if numbers == 0:
        return False
    if _COLUMNS.search(line) and numbers >= 2:
        return True
    short = sum(_short(t) for t in tokens if not _NUMBER.match(t))
    return numbers / len(tokens) >= 0.25 and (numbers + short) / len(tokens) >= LISTING_SHARE


def _short(token: str) -> bool:
    """An abbreviation-like token: all capitals, or at most four letters, or ending in a full stop."""
    word = token.strip(",;:()")
    letters = word.replace(".", "")
    return bool(letters) and (letters.isupper() or len(letters) <= 4 or word.endswith("."))


def listing_lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every table or listing line of the text, in order.

    >>> text = "Acme Corp said:\\nShr 25 cts vs 30 cts\\nNet 1,234,000 vs 1,456,000\\nIt was a good year for Acme."
    >>> [text[s:e] for s, e in listing_lines(text)]
    ['Shr 25 cts vs 30 cts', 'Net 1,234,000 vs 1,456,000']
    """
    return [m.span() for m in _LINE.finditer(text) if is_listing(m.group(0))]


def inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    """Whether ``pos`` falls in one of the sorted ``spans`` (``starts`` = their starts)."""
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < spans[i][1]
