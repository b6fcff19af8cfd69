"""workbench.ingest: load_corpus, the default corpus, the per-file cache, strict loading."""

from __future__ import annotations

import multiprocessing
import os
import time
import warnings

import pandas as pd
import pytest

from workbench import CorpusError, config, load_corpus
from workbench.ingest import ARTICLE_COLUMNS


def test_default_corpus_is_seeds(seed_corpus):
    assert seed_corpus.root == config.SEEDS_DIR
    assert list(seed_corpus.articles.columns) == ARTICLE_COLUMNS
    assert len(seed_corpus) == 1 and seed_corpus.errors.empty


def test_env_var_overrides_default(monkeypatch, folder):
    monkeypatch.setattr(config, "DEFAULT_CORPUS", folder)
    assert len(load_corpus(cache=False)) == 3


def test_cache_reuses_unchanged_files(folder, cache_dir, monkeypatch, write_article):
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
    write_article(folder, "d", "2031-03-01")
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


def test_two_processes_loading_at_once(folder, cache_dir, monkeypatch, write_article):
    monkeypatch.setenv("WORKBENCH_CACHE", str(cache_dir))
    for i in range(40):
        write_article(folder, f"x{i}", "2031-01-02")
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
