"""load_corpus, the cache, filtering and derived tables."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from workbench import CorpusError, config, load_corpus
from workbench.corpus import Corpus
from workbench.errors import WorkbenchError
from workbench.ingest import ARTICLE_COLUMNS
from workbench.tables import register_table


def article(folder: Path, name: str, date: str, outlet: str = "Velmora Courier", body: str = "A fictional event happened.") -> Path:
    path = folder / f"{name}.txt"
    path.write_text(f"date {date} {body}\n\nSource: {outlet}\n\nDetails: {name} details.\n")
    return path


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(config, "CACHE_DIR", folder)
    return folder


@pytest.fixture
def folder(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article(corpus, "a", "2031-01-01")
    article(corpus, "b", "2031-01-05", outlet="Northwind Wire")
    article(corpus, "c", "2031-02-01")
    return corpus


def test_default_corpus_is_seeds(seed_corpus):
    assert seed_corpus.root == config.SEEDS_DIR
    assert list(seed_corpus.articles.columns) == ARTICLE_COLUMNS
    assert len(seed_corpus) == 1 and seed_corpus.errors.empty


def test_env_var_overrides_default(monkeypatch, folder):
    monkeypatch.setattr(config, "DEFAULT_CORPUS", folder)
    assert len(load_corpus(cache=False)) == 3


def test_cache_reuses_unchanged_files(folder, cache_dir, monkeypatch):
    first = load_corpus(folder)
    assert (cache_dir / next(os.walk(cache_dir))[1][0] / "articles.arrow").exists()
    import dataclasses

    from workbench import readers

    calls = []
    real = readers.READERS["seed"]

    def counting(unit):
        calls.append(unit.path.name)
        return real.read(unit)

    monkeypatch.setitem(readers.READERS, "seed", dataclasses.replace(real, read=counting))
    second = load_corpus(folder)
    assert calls == []
    pd.testing.assert_frame_equal(first.articles, second.articles)
    article(folder, "d", "2031-03-01")
    time.sleep(0.01)
    (folder / "a.txt").write_text((folder / "a.txt").read_text().replace("A fictional", "An edited"))
    (folder / "c.txt").unlink()
    third = load_corpus(folder)
    assert sorted(calls) == ["a.txt", "d.txt"]
    assert sorted(third.articles["article_id"]) == ["a", "b", "d"]
    assert third.articles.set_index("article_id").loc["a", "text"].startswith("An edited")


def test_cache_keeps_problems(folder, cache_dir):
    (folder / "broken.txt").write_text("")
    assert load_corpus(folder).errors["reason"].tolist() == ["empty"]
    assert load_corpus(folder).errors["reason"].tolist() == ["empty"]


def test_corrupt_cache_is_rebuilt_with_a_warning(folder, cache_dir):
    load_corpus(folder)
    (target,) = list(cache_dir.glob("*/articles.arrow"))
    target.write_bytes(b"not parquet")
    with pytest.warns(UserWarning, match="corrupt"):
        corpus = load_corpus(folder)
    assert len(corpus) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_corpus(folder)) == 3  # rebuilt cache is clean again


def _load_in_child(path: str, queue) -> None:
    queue.put(len(load_corpus(path)))


def test_two_processes_loading_at_once(folder, cache_dir, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE", str(cache_dir))
    for i in range(40):
        article(folder, f"x{i}", "2031-01-02")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    children = [ctx.Process(target=_load_in_child, args=(str(folder), queue)) for _ in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert sorted(queue.get(timeout=5) for _ in children) == [43, 43]
    assert len(load_corpus(folder)) == 43
    assert not list(cache_dir.glob("*/.*.tmp"))


def test_strict_raises_on_first_error(folder):
    (folder / "broken.txt").write_text("")
    with pytest.raises(CorpusError, match=r"broken\.txt: empty"):
        load_corpus(folder, cache=False, strict=True)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ["a", "b", "c"]),
        ({"start": "2031-01-05"}, ["b", "c"]),
        ({"end": "2031-01-05"}, ["a", "b"]),
        ({"start": "2031-01-02", "end": "2031-01-31"}, ["b"]),
        ({"outlets": ["northwind wire"]}, ["b"]),
        ({"outlets": "Velmora Courier", "start": "2031-01-02"}, ["c"]),
        ({"start": "2040-01-01"}, []),
    ],
)
def test_filter(folder, kwargs, expected):
    corpus = load_corpus(folder, cache=False).filter(**kwargs)
    assert corpus.articles["article_id"].tolist() == expected
    assert set(corpus.sentences["article_id"]) == set(expected)


def test_filter_by_entities_and_tables_consistent():
    articles = load_corpus(cache=False).articles
    mentions = pd.DataFrame({"article_id": [articles["article_id"][0]], "sentence": [0], "start": [0], "end": [2], "entity": ["Joe Biden"]})
    corpus = Corpus(articles, pd.DataFrame(), tables={"mentions": mentions})
    assert len(corpus.filter(entities=["joe biden"])) == 1
    empty = corpus.filter(entities="Nobody")
    assert len(empty) == 0 and empty.table("mentions").empty


def test_filter_rejects_bad_date(folder):
    with pytest.raises(WorkbenchError, match="start='soon' is not a date"):
        load_corpus(folder, cache=False).filter(start="soon")


def test_derived_tables_are_cached_per_article(folder, cache_dir):
    calls = _CALLS
    calls.clear()
    register_table("word_counts", f"{__name__}:_count_words")
    try:
        corpus = load_corpus(folder)
        first = corpus.table("word_counts")
        assert first["article_id"].tolist() == ["a", "b", "c"] and len(calls) == 1
        pd.testing.assert_frame_equal(load_corpus(folder).table("word_counts"), first)
        assert len(calls) == 1
        article(folder, "d", "2031-03-01")
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


def test_summary_and_fingerprint(folder, tmp_path):
    summary = load_corpus(folder, cache=False).summary()
    assert summary["articles"] == 3 and summary["outlets"] == 2 and summary["errors"] == 0
    assert summary["first"] == pd.Timestamp("2031-01-01") and summary["last"] == pd.Timestamp("2031-02-01")
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert load_corpus(copy, cache=False).fingerprint == summary["fingerprint"]
    article(copy, "a", "2031-01-01", body="Changed.")
    assert load_corpus(copy, cache=False).fingerprint != summary["fingerprint"]


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
