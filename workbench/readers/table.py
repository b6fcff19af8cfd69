"""Tables with one article per row: CSV, TSV, JSON Lines and Parquet.

Columns are recognised by common names (see ``COLUMN_NAMES``); ``load_corpus(...,
columns={"body_html": "text"})`` maps any other name. A row without text is reported and skipped;
every other row loads.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pandas as pd

from workbench.errors import Problem
from workbench.lexicon import outlet_name
from workbench.readers import Reader, Result, Unit, read_bytes, register
from workbench.readers.common import DateProblem, paragraphs, parse_published
from workbench.text import DecodeProblem, decode, normalize_newlines

#: Article column -> column names recognised in tables (case-insensitive), in order of preference.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "article_id": ("id", "article_id", "doc_id", "docid", "guid", "uuid", "filename"),
    "published": ("published", "date", "publication_date", "pubdate", "pub_date", "published_at", "datetime", "timestamp"),
    "text": ("text", "body", "content", "article", "full_text", "article_text", "maintext"),
    "title": ("title", "headline", "heading"),
    "outlet": ("outlet", "source", "publisher", "media", "media_name", "source_name", "site", "domain"),
    "via": ("via", "wire", "credit_source", "agency"),
    "url": ("url", "link", "href"),
    "lead": ("lead", "description", "summary", "lede"),
}
SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")
_NONE = {"", "none", "na", "nan", "null", "n/a"}


def read_frame(path: Path) -> pd.DataFrame:
    """Read a table file into strings (Parquet keeps its types)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    text, _ = decode(read_bytes(path))
    text = normalize_newlines(text)
    if suffix in (".jsonl", ".ndjson"):
        rows = []
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"line {number} is not JSON: {exc.msg}") from None
        return pd.DataFrame(rows)
    sep = "\t" if suffix == ".tsv" else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def match_columns(frame: pd.DataFrame, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Article column -> table column, from ``overrides`` (table column -> article column) first."""
    lower = {str(c).lower().strip(): c for c in frame.columns}
    found: dict[str, str] = {}
    for table_col, article_col in (overrides or {}).items():
        if table_col in frame.columns:
            found[article_col] = table_col
    for article_col, candidates in COLUMN_NAMES.items():
        if article_col in found:
            continue
        for name in candidates:
            if name in lower and lower[name] not in found.values():
                found[article_col] = lower[name]
                break
    return found


def records_from_frame(frame: pd.DataFrame, path: Path, columns: dict[str, str], result: Result, *, via_is_metadata: bool = True) -> None:
    """Turn table rows into article records, one problem row per bad cell."""
    for row_number, row in enumerate(frame.to_dict("records"), start=1):
        line = row_number + 1 if path.suffix.lower() in (".csv", ".tsv") else row_number
        where = f"{path}#row={row_number}"
        record = row_record(row, columns, where, line, result)
        if record is not None:
            record.setdefault("article_id", hashlib.blake2b(record["text"].encode(), digest_size=8).hexdigest())
            record["path"] = where
            result.records.append(record)


def row_record(row: dict, columns: dict[str, str], where: str, line: int | None, result: Result, *, nfc: bool = True) -> dict | None:
    """One table row -> article record (or None, with a problem, when it has no text)."""

    def cell(name: str) -> str | None:
        if name not in columns:
            return None
        value = row.get(columns[name])
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return None
        value = str(value).strip()
        return None if value.lower() in _NONE else value

    text = cell("text")
    if not text:
        result.problems.append(Problem(where, "no_text", "row has no text; skipped", "error", line))
        return None
    text = normalize_newlines(text, nfc=nfc)
    published = pd.NaT
    raw_date = cell("published")
    if raw_date is None:
        result.problems.append(Problem(where, "no_date", "row has no publication date", "error", line))
    else:
        try:
            published, warning = parse_published(raw_date)
            if warning:
                result.problems.append(Problem(where, "date_format", warning, "warning", line))
        except DateProblem as exc:
            result.problems.append(Problem(where, exc.reason, exc.detail, "error", line))
    spans = paragraphs(text)
    lead = text[spans[0][0] : spans[0][1]] if spans else text
    via_raw = cell("via")
    via = [outlet_name(v) for v in via_raw.replace(";", ",").split(",")] if via_raw else []
    record = {
        "published": published,
        "outlet": outlet_name(cell("outlet")),
        "via": [v for v in via if v],
        "title": cell("title"),
        "lead": cell("lead") or lead,
        "text": text,
        "sections": [("body", 0, len(text))],
        "url": cell("url"),
    }
    if article_id := cell("article_id"):
        record["article_id"] = article_id
    return record


def read(unit: Unit) -> Result:
    result = Result()
    path = unit.path
    try:
        frame = read_frame(path)
    except DecodeProblem as exc:
        result.problems.append(Problem(str(path), exc.reason, exc.detail))
        return result
    except OSError:
        raise
    except Exception as exc:
        result.problems.append(Problem(str(path), "bad_table", f"cannot parse as {path.suffix} table: {exc}"))
        return result
    columns = match_columns(frame, unit.options.get("columns"))
    if "text" not in columns:
        result.problems.append(
            Problem(
                str(path),
                "no_text_column",
                f"no text column among {list(map(str, frame.columns))}; expected one of "
                f"{', '.join(COLUMN_NAMES['text'])} or pass columns={{'<name>': 'text'}}",
            )
        )
        return result
    records_from_frame(frame, path, columns, result)
    return result


register(Reader("table", suffixes=SUFFIXES, read=read))
