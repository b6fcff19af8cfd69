"""Source attribution: who published an article, whom it credits, and who is quoted in it.

``attributions(articles, *, sentences, mentions)`` is the extractor behind ``corpus.attributions``.
One row per attribution:

| column | meaning |
|---|---|
| ``article_id`` | the article |
| ``level`` | ``header`` (the Source line), ``metadata`` (a manifest's outlet and wire), ``dateline`` |
|  | ("WASHINGTON (AP) —") or ``text`` |
| ``sentence`` | 0-based sentence number of the source (or of the cue/quotation when the source is not written |
|  | there); NA for header and metadata rows |
| ``start``, ``end`` | the source's span in ``articles.text``; NA for header/metadata rows and for sources not written |
|  | out there (a quotation continuing an earlier speaker) |
| ``cue_start``, ``cue_end`` | the cue's span ("said", "according to", the whole dateline) |
| ``source`` | canonical name, or the description of an unnamed source ("White House official"); NA for a |
|  | pronoun that cannot be resolved safely |
| ``source_entity`` | the canonical entity when the source is a named person, organisation, outlet or country |
| ``source_kind`` | ``outlet``, ``person``, ``organisation``, ``government``, ``anonymous`` or ``document`` |
| ``cue`` | the cue as written, lower-cased ("according to", "said", "with reference to"); ``published`` for |
|  | the publishing outlet, ``wire``/``via`` for metadata credits, ``dateline`` for datelines, NA for a |
|  | continued quotation |
| ``content`` | what is quoted or reported, when it can be delimited |
| ``content_start``, ``content_end`` | its span in ``articles.text`` |
| ``direct`` | True when the content is a quotation in quotation marks |

Modules: ``header`` (Source lines and datelines), ``patterns`` (the word lists, compiled), ``speakers``
(cues in the text and the sources next to them, "Name:" speakers, continued quotations), ``phrases``
(reading a source phrase), ``content`` (where the content stands and how far it runs), ``quotes``
(quotation spans) and ``resolve`` (naming the sources: :class:`~workbench.attribution.resolve.SourceResolver`).

The cues, described-source nouns and name words are data (``workbench/data/reporting_verbs.csv``,
``source_nouns.csv``, ``source_kinds.csv``, ``attribution_words.csv``); see ``workbench/data/README.md``.

>>> import pandas as pd
>>> articles = pd.DataFrame({"article_id": ["a"], "text": ["Prices rose, according to a government official."]})
>>> attributions(articles)[["level", "source", "source_kind", "cue", "content"]].values.tolist()
[['text', 'government official', 'anonymous', 'according to', 'Prices rose']]
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from workbench.attribution.header import credit_rows, dateline_rows
from workbench.attribution.patterns import lexicon
from workbench.attribution.quotes import quote_spans
from workbench.attribution.resolve import SourceResolver, clean_name, name_kind
from workbench.attribution.speakers import Found, SentenceReader
from workbench.prose import prose as blank_boilerplate
from workbench.sentences import split

__all__ = ["ATTRIBUTION_COLUMNS", "KINDS", "LEVELS", "attributions", "clean_name", "name_kind", "quote_spans"]

LEVELS = ("header", "metadata", "dateline", "text")
KINDS = ("outlet", "person", "organisation", "government", "anonymous", "document")

#: Column -> dtype of ``corpus.attributions``.
ATTRIBUTION_COLUMNS = {
    "article_id": "string",
    "level": "string",
    "sentence": "Int32",
    "start": "Int64",
    "end": "Int64",
    "cue_start": "Int64",
    "cue_end": "Int64",
    "source": "string",
    "source_entity": "string",
    "source_kind": "string",
    "cue": "string",
    "content": "string",
    "content_start": "Int64",
    "content_end": "Int64",
    "direct": "boolean",
}


def _group(frame: pd.DataFrame | None, ids: set[str], columns: list[str]) -> dict[str, list[tuple]]:
    """Rows of ``frame`` per article as tuples of ``columns`` (fast: no pandas groupby)."""
    grouped: dict[str, list[tuple]] = {}
    if frame is None or not len(frame) or not set(columns) <= set(frame.columns):
        return grouped
    frame = frame[frame["article_id"].isin(ids)]
    values = []
    for column in columns:
        series = frame[column]
        value = series.tolist()
        values.append([None if v is pd.NA else v for v in value] if series.hasnans else value)
    rows = list(zip(*values, strict=True))
    article_ids = frame["article_id"].tolist()
    # the rows of an article usually stand together: take them run by run (the order within an article kept)
    keys = np.asarray(article_ids, dtype=object)
    bounds = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), len(rows)]
    for start, end in pairwise(bounds):
        if end > start:
            grouped.setdefault(article_ids[start], []).extend(rows[start:end])
    return grouped


def _text_row(article_id: str, f: Found, text: str) -> dict:
    content = text[f.content_start : f.content_end] if f.content_start is not None else None
    return {
        "article_id": article_id, "level": "text", "sentence": f.sentence, "start": f.start, "end": f.end,
        "cue_start": f.cue_start, "cue_end": f.cue_end, "source": f.source, "source_entity": f.source_entity,
        "source_kind": f.source_kind, "cue": f.cue, "content": content, "content_start": f.content_start,
        "content_end": f.content_end, "direct": bool(f.direct) if content is not None else None,
    }  # fmt: skip


def attributions(
    articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per attribution in ``articles`` (header, metadata, dateline and text levels).

    Args:
        articles: ``corpus.articles`` or any subset; needs ``article_id`` and ``text``, and uses
            ``outlet``, ``via``, ``credit`` and ``format`` when present.
        sentences: ``corpus.sentences`` for these articles (recomputed when missing).
        mentions: ``corpus.mentions``; named sources overlapping a mention take its entity and type.
            May be empty: names are then judged by the outlet list, country names and name words.

    Returns:
        A DataFrame with the columns and dtypes of :data:`ATTRIBUTION_COLUMNS`, ordered by article,
        sentence and position.

    >>> import pandas as pd
    >>> articles = pd.DataFrame({"article_id": ["a"], "text": ['"We will win," Jane Roe said.']})
    >>> attributions(articles)[["source", "source_kind", "cue", "content", "direct"]].values.tolist()
    [['Jane Roe', 'person', 'said', '"We will win,"', True]]
    """
    lex = lexicon()
    ids = set(articles["article_id"].astype(str)) if len(articles) else set()
    spans = _group(sentences, ids, ["start", "end"])
    mention_rows = _group(mentions, ids, ["start", "end", "entity", "type", "title"])
    get = articles.get
    n = len(articles)
    columns = {
        "outlet": get("outlet", pd.Series([None] * n)).tolist(),
        "via": get("via", pd.Series([None] * n)).tolist(),
        "credit": get("credit", pd.Series([None] * n)).tolist(),
        "format": get("format", pd.Series([None] * n)).tolist(),
        "title": get("title", pd.Series([None] * n)).tolist(),
        "sections": get("sections", pd.Series([None] * n)).tolist(),
    }
    rows: list[dict] = []
    for i, (article_id, text) in enumerate(
        zip(articles["article_id"].astype(str).tolist(), articles["text"].tolist(), strict=True)
    ):
        text = text if isinstance(text, str) else ""
        outlet, via, credit, fmt, title = (columns[c][i] for c in ("outlet", "via", "credit", "format", "title"))
        outlet = None if outlet is pd.NA else outlet
        credit = None if credit is pd.NA else credit
        title = title if isinstance(title, str) else None
        rows.extend(credit_rows(article_id, outlet=outlet, via=via, credit=credit, fmt=fmt, lex=lex))
        prose = blank_boilerplate(text, columns["sections"][i])  # sign-offs and credits hold no attribution
        bounds = sorted(spans.get(article_id) or split(prose))
        reader = SentenceReader(prose, bounds, lex)
        rows.extend(dateline_rows(article_id, text, reader.sentence_of))  # a wire's sign-off stays its credit
        found = reader.run()
        SourceResolver(prose, mention_rows.get(article_id, []), lex, reader.sentence_of, title=title).resolve(found)
        rows.extend(_text_row(article_id, f, prose) for f in found)
    return _frame(rows)


def _frame(rows: list[dict]) -> pd.DataFrame:
    data = {}
    for column, dtype in ATTRIBUTION_COLUMNS.items():
        values = [r.get(column) for r in rows]
        data[column] = pd.Series(values, dtype="object").astype(dtype) if values else pd.Series([], dtype=dtype)
    frame = pd.DataFrame(data)
    return frame.reset_index(drop=True)
