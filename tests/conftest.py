"""Shared fixtures. The cache goes to a per-session temporary folder, never the project's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("WORKBENCH_CACHE", tempfile.mkdtemp(prefix="workbench-test-cache-"))

from workbench import config, load_corpus, tables

FIXTURES = Path(__file__).parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is absent."""
    path = config.SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the real corpora in ../shared); not present here")
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def seed_corpus():
    """The user's seed article (seeds/), loaded without cache."""
    return load_corpus(config.SEEDS_DIR, cache=False)


@pytest.fixture(scope="session")
def seed_article(seed_corpus):
    return seed_corpus.articles.iloc[0]


@pytest.fixture(scope="session")
def polnear_dir() -> Path:
    return shared_path("corpora", "polnear")


@pytest.fixture(scope="session")
def wikinews_dir() -> Path:
    return shared_path("corpora", "wikinews-timeline")


@pytest.fixture(scope="session")
def conll_dir() -> Path:
    return shared_path("eval")


@pytest.fixture(scope="session")
def polnear_corpus(polnear_dir):
    return load_corpus(polnear_dir)


def _write_article(
    folder: Path, name: str, date: str, outlet: str = "Velmora Courier", body: str = "A fictional event happened."
) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(f"date {date} {body}\n\nSource: {outlet}\n\nDetails: {name} details.\n")
    return path


@pytest.fixture
def write_article():
    """``write_article(folder, name, date, outlet=..., body=...)`` writes one seed-format article file."""
    return _write_article


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    """A fresh cache folder for this test (``config.CACHE_DIR``)."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(config, "CACHE_DIR", folder)
    return folder


@pytest.fixture
def folder(tmp_path) -> Path:
    """A corpus folder of three articles from two outlets.

    a (2031-01-01), b (2031-01-05, Northwind Wire), c (2031-02-01).
    """
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_article(corpus, "a", "2031-01-01")
    _write_article(corpus, "b", "2031-01-05", outlet="Northwind Wire")
    _write_article(corpus, "c", "2031-02-01")
    return corpus


@pytest.fixture
def cached_keys():
    """``cached_keys(corpus, table)``: the keys the table's cached partitions cover and the keys of their rows."""

    def keys(corpus, name: str) -> tuple[set[str], set[str]]:
        covered, rowed = set(), set()
        for _, rows, part_keys in tables.cache_contents(corpus.table_cache(name)):
            covered |= set(part_keys)
            rowed |= set(rows.column("_key").to_pylist())
        return covered, rowed

    return keys


@pytest.fixture
def mapped_file():
    """``mapped_file(buffer)``: the file an Arrow buffer's memory is mapped from (``"... (deleted)"`` once
    unlinked), or None for anonymous memory. Reads the process's memory map: Linux only, else skipped."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        pytest.skip("reads the memory map of the process (/proc/self/maps: Linux)")

    def file_of(buffer) -> str | None:
        address = buffer.address
        for line in maps.read_text(encoding="utf-8").splitlines():
            fields = line.split(maxsplit=5)
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if start <= address < end:
                name = fields[5].strip() if len(fields) > 5 else ""
                return name if name.startswith("/") else None
        return None

    return file_of
