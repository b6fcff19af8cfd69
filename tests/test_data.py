"""The data files in ``workbench/data``: documented, used, and free of duplicate rows."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from workbench.config import DATA_DIR
from workbench.lexicon import read_rows

PACKAGE = Path(__file__).parent.parent / "workbench"
DATA_FILES = sorted(path.stem for path in DATA_DIR.glob("*.csv"))
#: data files named in the README's tables ("| `people.csv` | ...")
README_FILES = re.findall(r"^\| `([\w-]+)\.csv` \|", (DATA_DIR / "README.md").read_text(encoding="utf-8"), flags=re.M)


def _sources() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py"))


def test_readme_lists_data_files():
    assert len(README_FILES) == len(set(README_FILES)), "a data file is listed twice in the README"
    assert sorted(README_FILES) == DATA_FILES


@pytest.mark.parametrize("name", README_FILES)
def test_listed_file_exists_and_is_read(name):
    assert (DATA_DIR / f"{name}.csv").is_file()
    assert f'read_rows("{name}"' in _sources(), f"no module reads {name}.csv"
    assert read_rows(name), f"{name}.csv holds no rows"


@pytest.mark.parametrize("name", DATA_FILES)
def test_no_duplicate_rows(name):
    counts = Counter(tuple(row.values()) for row in read_rows(name))
    assert [row for row, n in counts.items() if n > 1] == []


def test_duplicate_rows_are_found(tmp_path):
    (tmp_path / "words.csv").write_text("# a comment\nword,role\nas,stop\n\nas,stop\n", encoding="utf-8")
    counts = Counter(tuple(row.values()) for row in read_rows("words", tmp_path))
    assert [row for row, n in counts.items() if n > 1] == [("as", "stop")]
