"""Word lists and alias tables kept as data files in ``workbench/data``.

Each file is a small CSV a user can extend. This module only loads them (once per process) and
offers look-ups; it holds no logic of its own. See ``workbench/data/README.md``.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from workbench.config import DATA_DIR


def read_rows(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    """Rows of ``data/<name>.csv`` as dicts, skipping blank lines and ``#`` comments."""
    with open(data_dir / f"{name}.csv", encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def split_aliases(value: str) -> list[str]:
    """``"AP|The Associated Press"`` -> ``["AP", "The Associated Press"]``."""
    return [a.strip() for a in value.split("|") if a.strip()]


@lru_cache(maxsize=1)
def month_and_weekday_names() -> dict[str, str]:
    """Month and weekday names as written ("January", "Sept", "Monday") -> ``month`` or ``weekday``.

    Their one home is ``date_words.csv`` (read by the date patterns); the entity and attribution
    rules use this list to know words that are not names.

    >>> month_and_weekday_names()["Sept"], month_and_weekday_names()["Monday"]
    ('month', 'weekday')
    """
    return {row["word"]: row["kind"] for row in read_rows("date_words") if row["kind"] in ("month", "weekday")}


def is_month_abbreviation(word: str) -> bool:
    """A short form of a month name ("Jan", "Sept"; "May" is a full name).

    >>> [is_month_abbreviation(w) for w in ("Sept", "May", "January", "Monday")]
    [True, False, False, False]
    """
    return month_and_weekday_names().get(word) == "month" and len(word) <= 4 and word not in ("May", "June", "July")


@lru_cache(maxsize=1)
def outlet_table() -> dict[str, dict[str, str]]:
    """Canonical outlet name -> its row (kind: outlet or wire, country)."""
    return {row["name"]: row for row in read_rows("outlets")}


@lru_cache(maxsize=1)
def _outlet_aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, row in outlet_table().items():
        for alias in [name, *split_aliases(row["aliases"])]:
            table.setdefault(alias.casefold(), name)
    return table


def outlet_name(raw: str | None) -> str | None:
    """The canonical name of an outlet or wire, or the input tidied when it is not listed.

    >>> outlet_name("wash-post")
    'The Washington Post'
    >>> outlet_name("  Kyiv   Daily ")
    'Kyiv Daily'
    """
    if raw is None:
        return None
    text = " ".join(str(raw).split()).strip(" .,;:")
    if not text:
        return None
    return _outlet_aliases().get(text.casefold(), text)


def is_known_outlet(name: str) -> bool:
    """True when ``name`` (any alias) is in ``outlets.csv``."""
    return name.casefold() in _outlet_aliases()
