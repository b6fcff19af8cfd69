"""The seed format: one article per ``.txt`` file.

::

    date 2024-11-14 US President Joe Biden plans to discuss ...   <- date + lead
    Source: European Pravda with reference to Voice of America     <- outlet and credited sources
    Details: According to a White House official, ...             <- sections: "Word:" headers
    Background:
    Last week, ...

The ``date`` prefix, the ``Source:`` line and the section labels are header data, not ``text``:
``text`` is the lead and every section's paragraphs joined by blank lines, and ``sections`` gives
each part's span in it. Files that lack the header still load (with a problem row saying what is
missing), so nothing valid is lost.
"""

from __future__ import annotations

import os
import re

import pandas as pd

from workbench import sentences
from workbench.config import LARGE_FILE_BYTES
from workbench.credits import parse_credit
from workbench.errors import Problem
from workbench.readers import Reader, Result, Unit, read_bytes, register, textfile
from workbench.readers.common import read_published
from workbench.text import DecodeProblem, normalize_newlines

_DATE_LINE = re.compile(r"^\s*date\b[ \t:]*(?P<rest>.*)$", re.IGNORECASE)
_DATE_TOKEN = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{4}"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s+\d{4}"
    r"|\S+)\s*(?P<lead>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SOURCE_LINE = re.compile(r"^\s*Source\s*:\s*(?P<credit>.*?)\s*$", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_SECTION = re.compile(r"^\s*(?P<name>[A-Z][a-z]+(?: [a-z]+)?):[ \t]*(?P<rest>.*)$")


def read(unit: Unit) -> Result:
    path = unit.key  # a str: pathlib objects cost more than the parse on 100,000-file corpora
    result = Result()

    def problem(reason: str, detail: str, severity: str = "error", line: int | None = None) -> None:
        result.problems.append(Problem(path, reason, detail, severity, line))

    data = read_bytes(path, unit.fs)
    try:
        raw = textfile.decode(data, path, result.problems)
    except DecodeProblem as exc:
        problem(exc.reason, exc.detail)
        return result
    if len(data) > LARGE_FILE_BYTES:
        problem("large_file", f"{len(data) / 1e6:.1f} MB is unusually large for one article", "warning")
    lines = normalize_newlines(raw).split("\n")

    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:  # only white space the byte test cannot see (non-breaking spaces, U+2028)
        problem("empty", "the file is empty or holds only white space")
        return result
    published = pd.NaT
    lead_first = ""
    body_from = first
    if m := _DATE_LINE.match(lines[first]):
        token = _DATE_TOKEN.match(m.group("rest").strip())
        if token is None:
            problem("bad_date", "the date line holds no date", line=first + 1)
        else:
            published, date_problems = read_published(token.group("date"))
            for severity, reason, detail in date_problems:
                problem(reason, detail, severity, first + 1)
            lead_first = token.group("lead").strip()
        body_from = first + 1
    else:
        problem("no_date", "no 'date YYYY-MM-DD' first line; published date unknown", line=first + 1)

    credit_line = None
    parts: list[tuple[str, list[str]]] = [("lead", [lead_first] if lead_first else [])]
    for line in lines[body_from:]:
        if ":" not in line[:40]:  # cheap test first: most lines are neither header nor label
            parts[-1][1].append(line)
            continue
        if credit_line is None and (m := _SOURCE_LINE.match(line)):
            credit_line = m.group("credit")
            continue
        if (m := _SECTION.match(line)) and (m.group("rest") == "" or len(parts) > 1 or credit_line is not None):
            parts.append((m.group("name").lower(), [m.group("rest")] if m.group("rest").strip() else []))
            continue
        parts[-1][1].append(line)

    text, spans = _assemble(parts)
    if credit_line is None:
        problem("no_source", "no 'Source:' line; outlet unknown", "warning")
        credit = parse_credit("")
    else:
        credit = parse_credit(credit_line)
        if not credit.outlet:
            problem("no_source", "the 'Source:' line names no outlet", "warning")
    lead = text[spans[0][1] : spans[0][2]] if spans and spans[0][0] == "lead" else ""
    if not text.strip():
        problem("no_text", "the article has a header but no text")
        return result
    first_sentence = sentences.split((lead or text)[:2000])
    title = (lead or text)[first_sentence[0][0] : first_sentence[0][1]] if first_sentence else None
    result.records.append(
        {
            "article_id": os.path.splitext(os.path.basename(path))[0],
            "published": published,
            "outlet": credit.outlet,
            "via": credit.via,
            "credit": credit_line,
            "title": title,
            "lead": lead,
            "text": text,
            "sections": spans,
            "path": path,
        }
    )
    return result


def _tidy(paragraph: str) -> str:
    """Fold a paragraph's line breaks and runs of white space into single spaces."""
    if "\n" in paragraph or "  " in paragraph or "\t" in paragraph or "\xa0" in paragraph:
        return " ".join(paragraph.split())
    return paragraph.strip()


def _assemble(parts: list[tuple[str, list[str]]]) -> tuple[str, list[tuple[str, int, int]]]:
    """Join each part's paragraphs with blank lines; return the text and (name, start, end) spans."""
    chunks: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    for name, lines in parts:
        paragraphs = [_tidy(p) for p in _PARAGRAPH_BREAK.split("\n".join(lines))]
        paragraphs = [p for p in paragraphs if p]
        if not paragraphs:
            continue
        body = "\n\n".join(paragraphs)
        if chunks:
            pos += 2
        spans.append((name, pos, pos + len(body)))
        chunks.append(body)
        pos += len(body)
    return "\n\n".join(chunks), spans


register(Reader("seed", suffixes=(".txt",), read=read, yields_to=("timeml",)))
