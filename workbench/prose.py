"""An article's prose: its text with the boilerplate ranges blanked, for the extractors.

:func:`workbench.boilerplate.mark` finds the boilerplate (sign-offs, credits, copyright lines) by
frequency across the corpus and records each range as a ``("boilerplate", start, end)`` entry of
the article's ``sections``. The extractors read those ranges through this module only, not the
search: a table's rows depend on the ranges (which are part of each article's row key,
:func:`workbench.tables.row_keys`), not on the code that found them, so an edit to the search
recomputes only the articles whose ranges it changes.
"""

from __future__ import annotations

import re

import pandas as pd

#: the section name of boilerplate ranges
SECTION = "boilerplate"

_NOT_NEWLINE = re.compile(r"[^\n]")


def spans(sections) -> list[tuple[int, int]]:
    """The boilerplate ``(start, end)`` ranges of one article's ``sections`` (any other entry ignored).

    >>> spans([("body", 0, 40), ("boilerplate", 34, 40)])
    [(34, 40)]
    """
    if not isinstance(sections, list | tuple):
        return []
    return sorted((int(s), int(e)) for name, s, e in sections if name == SECTION)


def ranges(articles: pd.DataFrame) -> list[list[tuple[int, int]]]:
    """The boilerplate ranges of every article, in row order (for cross-article tools such as reuse)."""
    if "sections" not in articles.columns:
        return [[] for _ in range(len(articles))]
    return [spans(s) for s in articles["sections"]]


def prose(text: str, sections) -> str:
    """``text`` with its boilerplate ranges blanked (spaces, newlines kept): same length, same offsets.

    >>> prose("Acme rose.\\nReuter", [("boilerplate", 11, 17)])
    'Acme rose.\\n      '
    """
    cut = spans(sections)
    if not cut or not isinstance(text, str):
        return text
    parts, pos = [], 0
    for s, e in cut:
        parts.append(text[pos:s])
        parts.append(_NOT_NEWLINE.sub(" ", text[max(s, pos) : e]))
        pos = max(pos, e)
    parts.append(text[pos:])
    return "".join(parts)


def prose_texts(articles: pd.DataFrame) -> list[str]:
    """Every article's text with its boilerplate blanked (see :func:`prose`), in row order."""
    texts = ["" if pd.isna(t) else str(t) for t in articles["text"]]
    if "sections" not in articles.columns:
        return texts
    return [prose(t, s) for t, s in zip(texts, articles["sections"], strict=True)]
