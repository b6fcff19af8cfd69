"""TimeML (``.tml``), as in the SemEval-2015 TimeLine Wikinews corpus.

The DCT is the publication date, EXTRAINFO the title, and TEXT's tokenised ``<s>`` sentences are
joined back into readable text ("Ford Motors Co. , the firm" -> "Ford Motors Co., the firm"), one
sentence per line so that sentence ``n`` of the file is sentence ``n`` of ``text``.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

import pandas as pd

from workbench.errors import Problem
from workbench.readers import Reader, Result, Unit, read_bytes, register, textfile
from workbench.readers.common import DateProblem, implausible, parse_published
from workbench.text import DecodeProblem

_DETOKENIZE = [
    (re.compile(r" ([.,;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$]) "), r"\1"),
    (re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)\b"), r"\1"),
    (re.compile(r"`` ?"), "“"),
    (re.compile(r" ?''"), "”"),
]


def detokenize(tokens: str) -> str:
    """Undo PTB-style tokenisation.

    >>> detokenize("Ford Motors Co. , the firm 's profit ( US$ 2.7 billion ) .")
    "Ford Motors Co., the firm's profit (US$2.7 billion)."
    """
    text = " ".join(tokens.split())
    for pattern, replacement in _DETOKENIZE:
        text = pattern.sub(replacement, text)
    return text


def read(unit: Unit) -> Result:
    result = Result()
    path = unit.key
    try:
        raw = textfile.decode(read_bytes(path, unit.fs), path, result.problems)
        root = ET.fromstring(raw.encode("utf-8"))
    except DecodeProblem as exc:
        result.problems.append(Problem(path, exc.reason, exc.detail))
        return result
    except ET.ParseError as exc:
        result.problems.append(Problem(path, "bad_xml", f"not well-formed TimeML: {exc}"))
        return result
    text_el = root.find("TEXT")
    if text_el is None:
        result.problems.append(Problem(path, "no_text", "TimeML file has no <TEXT> element"))
        return result
    sentences = [detokenize("".join(s.itertext())) for s in text_el.findall("s")] or [
        detokenize("".join(text_el.itertext()))
    ]
    text = "\n".join(sentences)
    published = pd.NaT
    dct = root.find("DCT/TIMEX3")
    value = dct.get("value") if dct is not None else None
    if not value:
        result.problems.append(Problem(path, "no_date", "no <DCT> creation time"))
    else:
        try:
            published, warning = parse_published(value)
            if warning:
                # A malformed DCT is a real problem of the corpus; the dateline in the text decides.
                dateline = _dateline(sentences)
                if dateline is not None:
                    published = dateline
                    warning = f"malformed DCT {value!r}; took {dateline.date().isoformat()} from the dateline"
                result.problems.append(Problem(path, "bad_dct", warning, "warning"))
        except DateProblem as exc:
            result.problems.append(Problem(path, exc.reason, exc.detail))
        if pd.notna(published) and (detail := implausible(published, value)):
            result.problems.append(Problem(path, "implausible_date", detail, "warning"))
    title_el = root.find("EXTRAINFO")
    title = (title_el.text or "").strip() if title_el is not None else None
    docid = root.findtext("DOCID")
    offsets, pos = [], 0
    for sentence in sentences:
        offsets.append(("sentence", pos, pos + len(sentence)))
        pos += len(sentence) + 1
    body_start = offsets[1][1] if len(offsets) > 1 and title and sentences[0] == title else 0
    result.records.append(
        {
            "article_id": os.path.splitext(os.path.basename(path))[0],
            "docid": docid,
            "published": published,
            "outlet": None,
            "via": [],
            "title": title or sentences[0],
            "lead": next((s for s in sentences[1:] if len(s.split()) > 8), sentences[0]),
            "text": text,
            "sections": [("title", 0, offsets[0][2]), ("body", body_start, len(text))]
            if body_start
            else [("body", 0, len(text))],
            "path": path,
        }
    )
    return result


def _dateline(sentences: list[str]) -> pd.Timestamp | None:
    for sentence in sentences[:3]:
        if len(sentence) < 30:
            try:
                return parse_published(sentence)[0]
            except DateProblem:
                continue
    return None


register(Reader("timeml", suffixes=(".tml",), read=read))
