"""A metadata table beside a folder of text files (PolNeAR's layout).

A folder holding ``metadata.tsv`` / ``metadata.csv`` / ``manifest.*`` with a ``filename`` (or
``file``, ``path``) column is one unit: each row names a text file found anywhere below the folder
(``*/text/<filename>.txt``), and the row gives its date, outlet, title and wire. The text files are
read through the manifest only, never as seed-format files; other files there (PolNeAR's ``.ann``
annotations) are left alone. The text is kept exactly as in the file (only a BOM and CR line ends
are dropped) so that character offsets of annotations made on the file still apply.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from workbench.errors import Problem
from workbench.readers import Reader, Result, Unit, open_binary, read_bytes, register, textfile
from workbench.readers.common import paragraphs
from workbench.readers.table import match_columns, row_record, rows
from workbench.text import DecodeProblem, normalize_newlines

MANIFEST_NAMES = ("metadata.tsv", "metadata.csv", "manifest.tsv", "manifest.csv", "manifest.jsonl", "metadata.jsonl")
FILE_COLUMNS = ("filename", "file", "path", "file_name")


def claim_folder(folder: Path, files: list[str]) -> list[Unit] | None:
    names = {name.lower(): folder / name for name in files if name.lower() in MANIFEST_NAMES}
    manifest = _manifest(names, None)
    if manifest is None:
        return None
    members = tuple(sorted(p for p in folder.rglob("*.txt") if p.is_file()))
    return [Unit(str(manifest), "manifest", members=members)]


def claim_url(folder: str, files: list[str], fs: Any, below: list[str]) -> list[Unit] | None:
    """:func:`claim_folder` for a folder at a URL: the members are the ``.txt`` URLs below it."""
    names = {name.lower(): f"{folder}/{name}" for name in files if name.lower() in MANIFEST_NAMES}
    manifest = _manifest(names, fs)
    if manifest is None:
        return None
    members = tuple(sorted(k for k in below if k.endswith(".txt")))
    return [Unit(manifest, "manifest", members=members, fs=fs)]  # type: ignore[arg-type]


def _manifest(names: dict[str, Any], fs: Any) -> Any:
    """The folder's manifest among ``{lower-case name: path}``, when its header names a file column."""
    for candidate in MANIFEST_NAMES:
        if candidate in names:
            manifest = names[candidate]
            try:
                with open_binary(manifest, fs) as handle:
                    header = handle.read(4096).decode("utf-8", "replace").split("\n", 1)[0].lower()
            except OSError:
                return None
            if any(col in header.replace("\t", ",").split(",") for col in FILE_COLUMNS) or str(manifest).endswith(
                ".jsonl"
            ):
                return manifest
    return None


def read(unit: Unit) -> Result:
    result = Result()
    try:
        table = list(rows(unit.key, result.problems, fs=unit.fs))
    except DecodeProblem as exc:
        result.problems.append(Problem(unit.key, exc.reason, exc.detail))
        return result
    header = list(table[0][2]) if table else []
    columns = match_columns(header, unit.options.get("columns"))
    file_col = next((c for c in header if str(c).lower() in FILE_COLUMNS), None)
    if file_col is None:
        result.problems.append(Problem(unit.key, "no_file_column", f"manifest has none of the columns {FILE_COLUMNS}"))
        return result
    by_name: dict[str, list[Path]] = {}
    for member in unit.members:  # Paths, or URLs (str) for a manifest at a URL
        base = os.path.basename(member)
        by_name.setdefault(base, []).append(member)
        by_name.setdefault(os.path.splitext(base)[0], []).append(member)
    for line, row_number, row, _ in table:
        name = str(row.get(file_col) or "").strip()
        matches = by_name.get(name) or by_name.get(Path(name).name) or []
        where = f"{unit.key}#row={row_number}"
        if not matches:
            result.problems.append(
                Problem(
                    where,
                    "missing_file",
                    f"no text file named {name!r} below {os.path.dirname(unit.key)}",
                    "error",
                    line,
                )
            )
            continue
        text_path = matches[0]
        try:
            raw = textfile.decode(read_bytes(text_path, unit.fs), str(text_path), result.problems)
        except DecodeProblem as exc:
            result.problems.append(Problem(str(text_path), exc.reason, exc.detail))
            continue
        text = normalize_newlines(raw, nfc=False)
        record = row_record(
            {**row, "__text": text}, {**columns, "text": "__text"}, str(text_path), None, result, nfc=False
        )
        if record is None:
            continue
        record["text"] = text  # verbatim, leading and trailing white space included
        spans = paragraphs(text)
        title = record.get("title")
        if spans and title and text[spans[0][0] : spans[0][1]].strip(" .") == title.strip(" ."):
            body = spans[1:] or spans
            record["sections"] = [("title", *spans[0]), ("body", body[0][0], len(text))]
            record["lead"] = text[body[0][0] : body[0][1]]
        record["article_id"] = Path(name).stem
        record["path"] = str(text_path)
        result.records.append(record)
    return result


register(Reader("manifest", suffixes=(), read=read, claim_folder=claim_folder, claim_url=claim_url))
