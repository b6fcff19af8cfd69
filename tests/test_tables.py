"""workbench.tables: derived tables, their per-article cache and their split over processes."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import load_corpus
from workbench.errors import WorkbenchError
from workbench.tables import register_table


def test_derived_tables_are_cached_per_article(folder, cache_dir, write_article):
    calls = _CALLS
    calls.clear()
    register_table("word_counts", f"{__name__}:_count_words")
    try:
        corpus = load_corpus(folder)
        first = corpus.table("word_counts")
        assert first["article_id"].tolist() == ["a", "b", "c"] and len(calls) == 1
        pd.testing.assert_frame_equal(load_corpus(folder).table("word_counts"), first)
        assert len(calls) == 1
        write_article(folder, "d", "2031-03-01")
        again = load_corpus(folder).table("word_counts")
        assert again["article_id"].tolist() == ["a", "b", "c", "d"]
        assert calls[-1] == ["d"]  # only the new article was computed
    finally:
        from workbench.tables import TABLES

        TABLES.pop("word_counts")


_CALLS: list[list[str]] = []


def _count_words(articles: pd.DataFrame) -> pd.DataFrame:
    _CALLS.append(articles["article_id"].tolist())
    return pd.DataFrame({"article_id": articles["article_id"], "words": articles["n_words"]})


def test_unknown_table():
    with pytest.raises(WorkbenchError, match="unknown table 'nope'"):
        load_corpus(cache=False).table("nope")


def test_tables_partitioned_over_processes_equal_one_process(seed_article, tmp_path, monkeypatch):
    """``n_jobs`` splits extraction into partitions: the result must not depend on it."""
    from workbench import tables

    for i in range(6):
        (tmp_path / f"copy{i}.txt").write_text(f"date 2024-11-1{i} {seed_article['text']}\n\nSource: European Pravda\n")
    monkeypatch.setattr(tables, "PARALLEL_MIN_ARTICLES", 1)
    one = load_corpus(tmp_path, cache=False)
    two = load_corpus(tmp_path, cache=False, n_jobs=2)
    for name in ("sentences", "mentions", "attributions", "dates"):
        pd.testing.assert_frame_equal(one.table(name), two.table(name), check_like=False)
    assert len(two.mentions) > 6 * 30
