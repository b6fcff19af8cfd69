"""Dates written in the text, resolved to calendar intervals, and each article's publication date.

``dates(articles, *, sentences)`` is the extractor behind ``corpus.dates``: one row per date
expression found in an article's text (``14 November 2024``, ``in March``, ``mid-2022``, ``the first
quarter``, ``yesterday``, ``on Tuesday``, ``last week``, ``two days ago``, ``last spring``...), plus
one ``published`` row per article. Relative and year-less expressions are resolved against the
publication date, which is kept in ``anchor``.

How: one compiled regular expression finds the candidates (``patterns``), a small resolver turns each
into an interval (``resolve``), and simple tense cues around the expression (``tense``) choose between
past and future where the text leaves it open. ``benchmarks/bench_dates.py`` and
``benchmarks/eval_dates.py`` compare this with ``dateparser.search.search_dates`` on real news: the
hand-written finder is two orders of magnitude faster and more accurate on the gold timelines,
which is why it is used instead.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

import pandas as pd

from workbench.dates.patterns import candidates
from workbench.dates.resolve import DateResolver
from workbench.dates.tense import tense
from workbench.prose import prose_texts
from workbench.sentences import split

__all__ = ["DATE_COLUMNS", "dates", "find_dates"]

DATE_COLUMNS = [
    "article_id",
    "sentence",
    "start",
    "end",
    "expression",
    "kind",
    "date_start",
    "date_end",
    "granularity",
    "anchor",
]
_CONTEXT = 200  # characters either side used for tense cues when no sentence covers an expression


def find_dates(
    text: str, published: str | date | pd.Timestamp | None = None, *, spans: list[tuple[int, int]] | None = None
) -> list[dict]:
    """The date expressions of one text, resolved against ``published``.

    Args:
        text: the text to search.
        published: the publication date (the anchor of relative and year-less dates); ``None``
            leaves those unresolved (``date_start`` is ``None``).
        spans: sentence ``(start, end)`` offsets, sorted; tense cues are read in the sentence of an
            expression (default: ``workbench.sentences.split(text)``; with an empty list, 200
            characters either side).

    Returns:
        One dict per expression: ``sentence`` (index into ``spans`` or ``None``), ``start, end,
        expression, kind, date_start, date_end, granularity, anchor`` (dates as ``datetime.date``).

    >>> [(d["expression"], str(d["date_start"]), str(d["date_end"]), d["granularity"])
    ...  for d in find_dates("Last week, the United States confirmed it.", "2024-11-14")]
    [('Last week', '2024-11-04', '2024-11-10', 'week')]
    """
    anchor = _as_date(published)
    return [
        dict(zip(_FOUND, row, strict=True)) for row in _found(text, anchor, split(text) if spans is None else spans)
    ]


#: The fields of a found expression, in the order of :func:`_found`'s tuples.
_FOUND = DATE_COLUMNS[1:]


def _found(text: str, anchor: date | None, spans: list[tuple[int, int]]) -> list[tuple]:
    """:func:`find_dates` as tuples of :data:`_FOUND` (the extractor builds its columns from them)."""
    starts = [s for s, _ in spans]

    def sentence_of(position: int) -> int | None:
        i = bisect_right(starts, position) - 1
        return i if i >= 0 and position < spans[i][1] else None

    def tense_of(match) -> str | None:
        i = sentence_of(match.start())
        lo, hi = (
            spans[i] if i is not None else (max(0, match.start() - _CONTEXT), min(len(text), match.end() + _CONTEXT))
        )
        return tense(text[lo:hi], match.start() - lo, match.end() - lo)

    resolve = DateResolver(text, anchor, tense_of)
    found = []
    for match in candidates(text):
        result = resolve(match)
        if result is None:
            continue
        kind, span, anchored, start = result
        start = match.start() if start < 0 else start
        end = match.end()
        found.append(
            (
                sentence_of(start), start, end, text[start:end], kind, span[0] if span else None,
                span[1] if span else None, span[2] if span else None, anchor if anchored else None,
            )
        )  # fmt: skip
    return found


def dates(articles: pd.DataFrame, *, sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per date expression in each article's text, plus one ``published`` row per article.

    Args:
        articles: ``article_id, published, text`` (as in ``corpus.articles``).
        sentences: ``article_id, sentence, start, end`` (as in ``corpus.sentences``); tense cues are
            read within the sentence of each expression.

    Returns:
        ``article_id, sentence, start, end, expression, kind (absolute|relative|published),
        date_start, date_end, granularity (day|week|month|quarter|year), anchor``. Dates are
        ``datetime64[us]`` at midnight (years 1-9999); ``date_end`` is the last day of the interval (inclusive);
        ``anchor`` is the publication date a relative or year-less expression was resolved against.
        The ``published`` row has no sentence or offsets.

    >>> import workbench
    >>> corpus = workbench.load_corpus(cache=False)
    >>> row = corpus.dates.query("expression == 'Last week'").iloc[0]
    >>> row["date_start"].date(), row["date_end"].date(), row["granularity"]
    (datetime.date(2024, 11, 4), datetime.date(2024, 11, 10), 'week')
    """
    by_article: dict[str, list[tuple[int, int]]] = {}
    if len(sentences):
        for article_id, start, end in zip(
            sentences["article_id"].tolist(),
            sentences["start"].astype("int64").tolist(),
            sentences["end"].astype("int64").tolist(),
            strict=True,
        ):
            by_article.setdefault(article_id, []).append((start, end))
        for spans in by_article.values():
            spans.sort(key=_first)  # by start, ties in table order (a stable sort, as before)
    rows: list[tuple] = []
    # boilerplate ranges (workbench.boilerplate: "Copyright 1987 ...") are blanked: no date comes from them
    for article_id, published, text in zip(
        articles["article_id"].tolist(), articles["published"].tolist(), prose_texts(articles), strict=True
    ):
        anchor = _as_date(published)
        expression, granularity = (anchor.isoformat(), "day") if anchor else (None, None)
        rows.append((article_id, None, None, None, expression, "published", anchor, anchor, granularity, None))
        if isinstance(text, str) and text:
            rows.extend((article_id, *row) for row in _found(text, anchor, by_article.get(article_id, [])))
    columns = dict(zip(DATE_COLUMNS, map(list, zip(*rows, strict=True)), strict=True)) if rows else {}
    return _frame({c: columns.get(c, []) for c in DATE_COLUMNS})


def _first(span: tuple[int, int]) -> int:
    return span[0]


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    def day(values: list) -> pd.Series:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")  # years 1-9999

    return pd.DataFrame(
        {
            "article_id": pd.Series(columns["article_id"], dtype="string"),
            "sentence": pd.Series(columns["sentence"], dtype="Int32"),
            "start": pd.Series(columns["start"], dtype="Int64"),
            "end": pd.Series(columns["end"], dtype="Int64"),
            "expression": pd.Series(columns["expression"], dtype="string"),
            "kind": pd.Series(columns["kind"], dtype="string"),
            "date_start": day(columns["date_start"]),
            "date_end": day(columns["date_end"]),
            "granularity": pd.Series(columns["granularity"], dtype="string"),
            "anchor": day(columns["anchor"]),
        }
    )


def _as_date(value) -> date | None:
    if value is None or value is pd.NaT or (not isinstance(value, date) and pd.isna(value)):
        return None  # NaT is a datetime subclass: without its own test it became a NaN anchor
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value.date() if hasattr(value, "date") and callable(value.date) else value
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    return None if pd.isna(stamp) else stamp.date()
