"""Helpers shared by the benchmark scripts (run them as ``.venv/bin/python benchmarks/NAME.py``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench import Corpus, config, load_corpus

POLNEAR = config.SHARED_DIR / "corpora" / "polnear"
WIKINEWS = config.SHARED_DIR / "corpora" / "wikinews-timeline"


def shared_corpus(path: str | Path) -> Corpus:
    """Load a real corpus from ``../shared``, or exit with a clear message when it is absent."""
    root = Path(path)
    if not root.exists():
        raise SystemExit(f"needs {root} (the real corpora in ../shared); not present")
    return load_corpus(root)


def train_articles(corpus: Corpus) -> pd.DataFrame:
    """PolNeAR's train part (840 articles), the text every speed benchmark runs on."""
    return corpus.articles[corpus.articles["path"].str.contains("/train/", regex=False)].reset_index(drop=True)
