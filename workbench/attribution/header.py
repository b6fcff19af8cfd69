"""Credit outside the running text: the Source line, a manifest's wire column, datelines.

Rows made here (as dicts of the attribution columns):

- ``header`` (seed format, or any article with a ``credit`` line): one row for the publishing outlet
  (cue ``"published"``) and one per upstream source it credits, with the cue as written on the line
  ("with reference to", "citing", ";").
- ``metadata`` (manifests and tables without a credit line): the publishing outlet (cue
  ``"published"``) and each upstream wire or source (cue ``"wire"`` for manifests, ``"via"``
  otherwise). These rows have no text span.
- ``dateline``: a wire credited at the start of a paragraph ("WASHINGTON (AP) —", "(Reuters) -"),
  or a paragraph that is only a wire's name ("AFP", "— Reuters"). The span is the wire's name, the
  cue span the whole dateline, the cue ``"dateline"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from workbench.attribution.patterns import Lexicon, dateline_regex, search_lines_holding, wire_names
from workbench.attribution.resolve import name_kind
from workbench.credits import parse_credit
from workbench.lexicon import outlet_name


@lru_cache(maxsize=1)
def _wire_line() -> re.Pattern[str]:
    wires = "|".join(re.escape(w) for w in sorted(wire_names(), key=len, reverse=True))
    return re.compile(rf"(?m)^[ \t]*(?:[Bb]y[ \t]+|[-—–]+[ \t]*|\()?(?P<wire>{wires})\)?[ \t]*$")


def _datelines(text: str) -> Iterator[re.Match[str]]:
    """The matches of :func:`dateline_regex` in ``text``, searched only in the lines holding a "(".

    A dateline never spans a line break (its spaces are spaces and tabs) and holds "(" before the wire, so
    searching each line with a "(" finds what one search of the text finds.
    """
    return search_lines_holding(dateline_regex(), text, "(")


def credited_kind(name: str, lex: Lexicon) -> str:
    """The kind of a source credited on a Source line or in metadata ("White House statement" -> document).

    >>> from workbench.attribution.patterns import lexicon
    >>> credited_kind("White House statement", lexicon()), credited_kind("Reuters", lexicon())
    ('document', 'outlet')
    """
    low = name.lower()
    if any(word in low for word in lex.credited_documents):
        return "document"
    kind = name_kind(name, lex)
    return "organisation" if kind == "person" and len(name.split()) != 2 else kind


def _row(article_id: str, level: str, source: str, kind: str, cue: str, **extra) -> dict:
    return {
        "article_id": article_id,
        "level": level,
        "source": source,
        "source_entity": source,
        "source_kind": kind,
        "cue": cue,
        **extra,
    }


def credit_rows(article_id: str, *, outlet, via, credit, fmt, lex: Lexicon) -> list[dict]:
    """Header or metadata rows for one article."""
    rows: list[dict] = []
    has_credit = isinstance(credit, str) and credit.strip()
    level = "header" if has_credit or fmt == "seed" else "metadata"
    publisher = outlet if isinstance(outlet, str) and outlet else None
    credited: list[str] = list(via) if via is not None else []
    cue = "wire" if fmt == "manifest" else "via"
    if has_credit:
        parsed = parse_credit(credit)
        publisher = publisher or parsed.outlet
        credited = parsed.via or credited
        cue = parsed.cue or cue
    if publisher:
        rows.append(_row(article_id, level, publisher, "outlet", "published"))
    for name in credited:
        if not name:
            continue
        kind = credited_kind(name, lex)
        rows.append(_row(article_id, level, outlet_name(name) if kind == "outlet" else name, kind, cue))
    return rows


def dateline_rows(article_id: str, text: str, sentence_of) -> list[dict]:
    """Wire credits written at the start of a paragraph, or standing alone on a line."""
    rows = []
    names = wire_names()
    seen: set[int] = set()
    for matches in (_datelines(text), _wire_line().finditer(text)):
        for match in matches:
            start, end = match.span("wire")
            if start in seen:
                continue
            seen.add(start)
            wire = names.get(match.group("wire")) or outlet_name(match.group("wire"))
            cue_start = match.start() + len(match.group()) - len(match.group().lstrip())
            rows.append(
                _row(
                    article_id,
                    "dateline",
                    wire,
                    "outlet",
                    "dateline",
                    sentence=sentence_of(start),
                    start=start,
                    end=end,
                    cue_start=cue_start,
                    cue_end=match.end(),
                )
            )
    return rows
