"""Tables with one article per row: CSV, TSV, JSON Lines and Parquet.

Columns are recognised by common names (``COLUMN_NAMES``, also listed in the README);
``load_corpus(..., columns={"body_html": "text"})`` maps any other name.

Nothing valid is lost for one bad row: a JSON line that is not an object or not JSON, a CSV row
with an unclosed quote, a NUL byte or too many cells, a row without text: each becomes its own
problem row naming its real line in the file, and every other row loads. A quote left open is found
even when a later row's stray quote closes it: a quoted cell over several lines that swallowed a
line reading as a row of its own (the header's width, a date in the date column) is reported at
its opening line, and the lines after it are read as rows; quoted cells of prose over several lines
load whole. TSV has no quoting (a ``"`` is an ordinary character). Large files are read in blocks
(:func:`read_chunks`), so memory follows the block, not the file.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import Problem
from workbench.lexicon import outlet_name
from workbench.readers import Reader, Result, Unit, open_binary, register, textfile
from workbench.readers.common import paragraphs, read_published
from workbench.text import DecodeProblem, normalize_newlines

#: Article column -> column names recognised in tables (case-insensitive), in order of preference.
#: The README's "Table columns" list and the ``no_text_column`` message are made from this.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "article_id": ("id", "article_id", "doc_id", "docid", "guid", "uuid", "filename"),
    "published": (
        "published",
        "date",
        "publication_date",
        "pubdate",
        "pub_date",
        "published_at",
        "datetime",
        "timestamp",
    ),
    "text": ("text", "body", "content", "article", "full_text", "article_text", "maintext"),
    "title": ("title", "headline", "heading"),
    "outlet": ("outlet", "source", "publisher", "media", "media_name", "source_name", "site", "domain"),
    "via": ("via", "wire", "credit_source", "agency"),
    "url": ("url", "link", "href"),
    "lead": ("lead", "description", "summary", "lede"),
}
SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")
_NONE = {"", "none", "na", "nan", "null", "n/a"}
#: A quoted CSV cell may run over several lines, but not over more than this many characters:
#: past it, the opening quote is taken as never closed (the row is reported, the next line read).
MAX_RECORD_CHARS = 16 * 1024 * 1024
#: Parquet rows converted at a time.
PARQUET_BATCH_ROWS = 10_000

#: A table row as read: (line in the file or None, row number, cells by column name, bytes read so far).
Row = tuple[int | None, int, dict[str, Any], int]


def match_columns(columns: Iterable[Any], overrides: dict[str, str] | None = None) -> dict[str, Any]:
    """Article column -> table column, from ``overrides`` (table column -> article column) first."""
    columns = list(columns)
    lower = {str(c).lower().strip(): c for c in columns}
    found: dict[str, Any] = {}
    for table_col, article_col in (overrides or {}).items():
        if table_col in columns:
            found[article_col] = table_col
    for article_col, candidates in COLUMN_NAMES.items():
        if article_col in found:
            continue
        for name in candidates:
            if name in lower and lower[name] not in found.values():
                found[article_col] = lower[name]
                break
    return found


def no_text_detail(columns: Iterable[Any]) -> str:
    return (
        f"no text column among {list(map(str, columns))}; "
        f"expected one of {', '.join(COLUMN_NAMES['text'])} or pass columns={{'<name>': 'text'}}"
    )


# -- rows of each format ------------------------------------------------------------------


def rows(
    path: Path | str, problems: list[Problem], *, chunk_bytes: int = textfile.CHUNK_BYTES, fs: Any = None
) -> Iterator[Row]:
    """Stream a table's rows; bad rows become ``problems`` (with their line) and are not yielded.

    ``path`` is a local file, or a URL read through its fsspec file system ``fs``.

    Raises:
        DecodeProblem: the file is empty or binary.
    """
    path = str(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".parquet":
        yield from _parquet_rows(path, fs)
        return
    lines = textfile.lines(path, path, problems, chunk_bytes=chunk_bytes, fs=fs)
    if suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_rows(lines, str(path), problems)
    elif suffix == ".tsv":
        yield from _tsv_rows(lines, str(path), problems)
    else:
        yield from _csv_rows(lines, str(path), problems)


def _where(path: str, row: int) -> str:
    return f"{path}#row={row}"


_JSON_KINDS = {
    type(None): "null",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true/false",
    list: "a list",
}


def _jsonl_rows(lines: Iterator[tuple[int, str, int]], path: str, problems: list[Problem]) -> Iterator[Row]:
    row = 0
    for number, line, position in lines:
        if not line.strip():
            continue
        row += 1
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            cut = (
                " (the line is cut short)"
                if exc.pos >= len(line.rstrip()) or exc.msg.startswith("Unterminated")
                else ""
            )
            problems.append(
                Problem(
                    _where(path, row), "bad_row", f"not JSON: {exc.msg} at column {exc.colno}{cut}", "error", number
                )
            )
            continue
        except RecursionError:
            problems.append(Problem(_where(path, row), "bad_row", "JSON nested too deeply", "error", number))
            continue
        if not isinstance(value, dict):
            kind = _JSON_KINDS.get(type(value), type(value).__name__)
            problems.append(
                Problem(
                    _where(path, row),
                    "bad_row",
                    f"the line is {kind}, not an object with named fields",
                    "error",
                    number,
                )
            )
            continue
        yield number, row, value, position
    if row == 0:
        problems.append(Problem(path, "empty", "the file holds no JSON lines"))


def _tsv_rows(lines: Iterator[tuple[int, str, int]], path: str, problems: list[Problem]) -> Iterator[Row]:
    """TSV has no quoting: every line is one row, cells split at tabs, quote marks kept."""
    header: list[str] | None = None
    row = 0
    for number, line, position in lines:
        if not line.strip():
            continue
        cells = line.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            continue
        row += 1
        if bad := _bad_cells(cells, header):
            problems.append(Problem(_where(path, row), "bad_row", bad, "error", number))
            continue
        yield number, row, dict(zip(header, cells, strict=False)), position
    _no_rows(header, row, path, problems)


class _Lines:
    """The line iterator the csv module reads, able to give lines back after a bad record."""

    def __init__(self, lines: Iterator[tuple[int, str, int]]):
        self.source = lines
        self.back: deque[tuple[int, str, int]] = deque()
        self.taken: list[tuple[int, str, int]] = []
        self.chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.chars > MAX_RECORD_CHARS:
            raise StopIteration  # the csv module then reports "unexpected end of data"
        item = self.back.popleft() if self.back else next(self.source)
        self.taken.append(item)
        self.chars += len(item[1])
        return item[1] + "\n"

    def start(self) -> None:
        self.taken = []
        self.chars = 0

    def give_back(self) -> None:
        """Put back every line of the failed record but its first."""
        self.back.extendleft(reversed(self.taken[1:]))


def _csv_rows(lines: Iterator[tuple[int, str, int]], path: str, problems: list[Problem]) -> Iterator[Row]:
    if csv.field_size_limit() < MAX_RECORD_CHARS:  # the csv module's default cell limit is 128 KB
        csv.field_size_limit(MAX_RECORD_CHARS)
    feed = _Lines(lines)
    reader = csv.reader(feed, strict=True)
    header: list[str] | None = None
    keys: list[tuple[str, int]] = []
    row = 0
    while True:
        feed.start()
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if not feed.taken:
                break
            row += header is not None
            first = feed.taken[0][0]
            detail = f"bad quoting ({exc})"
            if len(feed.taken) > 1 or "unexpected end of data" in str(exc):
                detail = f"a quote opened on this line is never closed ({exc}); the row is skipped"
            problems.append(Problem(_where(path, row) if header else path, "bad_row", detail, "error", first))
            feed.give_back()
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        number, position = feed.taken[0][0], feed.taken[-1][2]
        if header is None:
            header = [c.strip() for c in cells]
            keys = _key_columns(header)
            continue
        row += 1
        if len(feed.taken) > 1 and len(cells) != len(header):
            detail = (
                f"a quote opened on this line runs over lines {number}-{feed.taken[-1][0]} into a row of "
                f"{len(cells)} cells (the header has {len(header)}); the row is skipped"
            )
            problems.append(Problem(_where(path, row), "bad_row", detail, "error", number))
            feed.give_back()
            continue
        if len(feed.taken) > 1 and (inner := _row_inside(cells, feed.taken, len(header), keys)):
            detail = (
                f"a quote opened on this line is never closed: it runs over line {inner}, which reads as a row "
                f"of its own, to line {feed.taken[-1][0]}; "
                "the row is skipped and the lines after it are read as rows"
            )
            problems.append(Problem(_where(path, row), "bad_row", detail, "error", number))
            feed.give_back()
            continue
        if bad := _bad_cells(cells, header):
            problems.append(Problem(_where(path, row), "bad_row", bad, "error", number))
            continue
        yield number, row, dict(zip(header, cells, strict=False)), position
    _no_rows(header, row, path, problems)


#: Columns whose cells have a recognisable form: a line of prose does not fit them by chance.
_KEY_COLUMNS = ("published", "article_id", "url")


def _key_columns(header: list[str]) -> list[tuple[str, int]]:
    """(article column, index in the header) of the table's key columns (date, id, URL)."""
    found = match_columns(header)
    return [(name, header.index(found[name])) for name in _KEY_COLUMNS if name in found]


def _row_inside(
    cells: list[str], taken: list[tuple[int, str, int]], width: int, keys: list[tuple[str, int]]
) -> int | None:
    """The first line swallowed by a quoted cell that reads as a complete row of its own, or None.

    A quoted cell may legitimately run over several lines (paragraphs of a text). But when a quote
    opened on one line and never closed is closed by a later row's stray quote, the rows between
    are swallowed into one cell of a record that still has the header's cell count. What tells the
    two apart is CSV structure: a swallowed row, read alone, is a record of the header's width whose
    key cells (date, id, URL) have their form, which a line of prose does not.

    The line that closes the quote counts only when the quote opened after the record's first cell:
    a cell that opens a record spans lines whose last one may, read alone, have the header's width.
    """
    if not keys:
        return None
    opened = next((k for k, cell in enumerate(cells) if "\n" in cell), 0)
    for number, line, _ in taken[1:] if opened > 0 else taken[1:-1]:
        if _reads_as_row(line, width, keys):
            return number
    return None


def _reads_as_row(line: str, width: int, keys: list[tuple[str, int]]) -> bool:
    """Whether one line, read alone, is a record of ``width`` cells whose key cells have their form.

    The date cell, when the table has one, must hold a date (a line of prose such as
    ``Velmora,,, "`` has no digits to pass for one); an id or URL cell must be one word.
    """
    if line.count(",") < width - 1:
        return False
    try:
        cells = next(csv.reader([line], strict=True))
    except (csv.Error, StopIteration):
        return False
    if len(cells) != width:
        return False
    fits = False
    for name, index in keys:
        cell = cells[index].strip()
        if name == "published":
            if not cell or pd.isna(read_published(cell)[0]):
                return False
        elif not cell:
            continue  # an empty id or URL says nothing either way
        elif len(cell) > 500 or any(ch.isspace() for ch in cell):
            return False
        fits = True
    return fits


def _bad_cells(cells: list[str], header: list[str]) -> str | None:
    if len(cells) > len(header):
        return f"the row has {len(cells)} cells, the header {len(header)}; the row is skipped"
    if any("\x00" in c for c in cells):
        return "the row holds a NUL byte (binary data); the row is skipped"
    return None


def _no_rows(header: list[str] | None, row: int, path: str, problems: list[Problem]) -> None:
    if header is None:
        problems.append(Problem(path, "empty", "the file is empty or holds only white space"))
    elif row == 0:
        problems.append(
            Problem(path, "no_rows", f"the table has a header ({', '.join(header)}) but no rows", "warning")
        )


def _parquet_rows(path: str, fs: Any = None) -> Iterator[Row]:
    import pyarrow.parquet as pq

    opened = open_binary(path, fs) if fs is not None else contextlib.nullcontext(path)
    with opened as source, pq.ParquetFile(source) as handle:
        total = max(handle.metadata.num_rows, 1)
        size = _size(path, fs)
        row = 0
        for batch in handle.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for values in _batch_rows(batch):
                row += 1
                yield None, row, values, size * row // total


def _batch_rows(batch) -> list[dict]:
    """A record batch as row dicts; a column Python cannot hold (a date after year 9999) comes as text.

    The text then fails date parsing for its own row only, instead of the whole file.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        try:
            columns[name] = column.to_pylist()
        except (OverflowError, ValueError):
            columns[name] = pc.cast(column, pa.string()).to_pylist()
    return (
        [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
        if columns
        else [{} for _ in range(batch.num_rows)]
    )


# -- rows to article records --------------------------------------------------------------


def row_record(
    row: dict, columns: dict[str, Any], where: str, line: int | None, result: Result, *, nfc: bool = True
) -> dict | None:
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
        published, date_problems = read_published(raw_date)
        for severity, reason, detail in date_problems:
            result.problems.append(Problem(where, reason, detail, severity, line))
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


def read_chunks(unit: Unit) -> Iterator[Result]:
    """Read a table in blocks: each Result holds the rows of about ``chunk_bytes`` of the file.

    ``Result.bytes_read`` is how many bytes of the file each block covers (for a progress bar);
    over all blocks they add up to the file's size.
    """
    path = unit.key
    chunk_bytes = int(unit.options.get("chunk_bytes") or textfile.CHUNK_BYTES)
    overrides = unit.options.get("columns")
    pending: list[Problem] = []  # the row iterator and row_record add here; each block takes them
    sink = Result(problems=pending)
    matched: dict[tuple, dict[str, Any]] = {}
    no_text_columns: list = []
    loaded = reported = 0
    try:
        for line, row_number, row, position in rows(path, pending, chunk_bytes=chunk_bytes, fs=unit.fs):
            keys = tuple(row)
            columns = matched.get(keys)
            if columns is None:
                columns = matched[keys] = match_columns(keys, overrides)
            where = _where(path, row_number)
            if "text" not in columns:
                if not no_text_columns:
                    no_text_columns.extend(keys)
                if os.path.splitext(path)[1].lower() in (".csv", ".tsv", ".parquet"):
                    break  # one header for all rows: no row can have text
                pending.append(Problem(where, "no_text", "row has no text field; skipped", "error", line))
                continue
            record = row_record(row, columns, where, line, sink)
            if record is not None:
                record.setdefault(
                    "article_id",
                    hashlib.blake2b(record["text"].encode("utf-8", "surrogatepass"), digest_size=8).hexdigest(),
                )
                record["path"] = where
                sink.records.append(record)
                loaded += 1
            if position - reported >= chunk_bytes:
                yield Result(sink.records, list(pending), position - reported)
                reported = position
                sink.records = []
                pending.clear()
    except DecodeProblem as exc:
        pending.append(Problem(path, exc.reason, exc.detail))
    if no_text_columns and not loaded:
        pending.append(Problem(path, "no_text_column", no_text_detail(no_text_columns)))
    yield Result(sink.records, list(pending), max(_size(path, unit.fs) - reported, 0))


def _size(path: str, fs: Any = None) -> int:
    try:
        return int(fs.size(path) or 0) if fs is not None else os.stat(path).st_size
    except OSError:
        return 0


def read(unit: Unit) -> Result:
    """The whole table as one Result (small files; large ones go through :func:`read_chunks`)."""
    whole = Result()
    for part in read_chunks(unit):
        whole.records.extend(part.records)
        whole.problems.extend(part.problems)
        whole.bytes_read += part.bytes_read
    return whole


register(Reader("table", suffixes=SUFFIXES, read=read, read_chunks=read_chunks))
