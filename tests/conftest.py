"""Shared fixtures. The cache goes to a per-session temporary folder, never the project's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("WORKBENCH_CACHE", tempfile.mkdtemp(prefix="workbench-test-cache-"))

from workbench import config, load_corpus

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
