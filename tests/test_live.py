"""The live keys of a corpus's cache: rows of articles that left it, or of their older texts, are dropped."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
import pytest

from workbench import live, load_corpus, tables


def _write(folder, write_article, names, body="Anna Berg met Velmora officials. The council said talks resume."):
    for i, name in enumerate(names):
        write_article(folder, name, f"2031-03-{1 + i:02d}", body=f"{body} Day {name}.")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)


def test_rows_of_files_that_left_go_at_the_next_rewrite(folder, cache_dir, write_article, cached_keys):
    names = [f"art{i:02d}" for i in range(9)]
    _write(folder, write_article, names)
    first = load_corpus(folder)
    first.table("sentences")
    old_keys = set(first._keys())
    for name in names[:4]:  # 4 of 12 articles leave: a third of the partition is stale
        (folder / f"{name}.txt").unlink()
    _write(folder, write_article, ["new00"])
    again = load_corpus(folder)
    table = again.table("sentences")
    live_now = set(again._keys())
    covered, rowed = cached_keys(again, "sentences")
    assert covered == rowed == live_now and old_keys - live_now  # the stale rows are gone, the others kept
    pd.testing.assert_frame_equal(_sorted(table), _sorted(load_corpus(folder, cache=False).table("sentences")))


def test_update_rewrites_a_partition_left_stale_by_deleted_files(folder, cache_dir, write_article, cached_keys):
    names = [f"art{i:02d}" for i in range(9)]
    _write(folder, write_article, names)
    load_corpus(folder).update()
    for name in names[:4]:  # nothing new: no partition would be committed
        (folder / f"{name}.txt").unlink()
    again = load_corpus(folder)
    assert again.update() == {name: 0 for name in tables.table_order()}
    for name in tables.table_order():
        covered, rowed = cached_keys(again, name)
        assert covered == set(again._keys()), name
        assert rowed <= covered, name
    pd.testing.assert_frame_equal(_sorted(again.table("mentions")), _sorted(load_corpus(folder, cache=False).mentions))


def test_a_few_stale_rows_wait_for_a_rewrite(folder, cache_dir, write_article, cached_keys):
    names = [f"art{i:02d}" for i in range(9)]
    _write(folder, write_article, names)
    load_corpus(folder).table("sentences")
    gone = load_corpus(folder)._keys()
    (folder / "art00.txt").unlink()  # 1 of 12: under MERGE_SHARE, the new article goes to a delta
    _write(folder, write_article, ["new00"])
    again = load_corpus(folder)
    table = again.table("sentences")
    covered, _ = cached_keys(again, "sentences")
    assert set(gone) - set(again._keys()) <= covered  # still there, harmless: no article reads them
    assert list(cache_dir.glob("*/tables/sentences-*+*.json"))
    pd.testing.assert_frame_equal(_sorted(table), _sorted(load_corpus(folder, cache=False).table("sentences")))


def test_an_edited_articles_old_rows_go(folder, cache_dir, write_article, cached_keys):
    names = [f"art{i:02d}" for i in range(9)]
    _write(folder, write_article, names)
    first = load_corpus(folder)
    first.table("dates")
    before = dict(zip(first.articles["article_id"], first._keys(), strict=True))
    write_article(folder, "art05", "2031-03-06", body="The council met again on 4 March 2031.")
    for name in names[:3]:
        (folder / f"{name}.txt").unlink()
    again = load_corpus(folder)
    table = again.table("dates")
    after = dict(zip(again.articles["article_id"], again._keys(), strict=True))
    assert before["art05"] != after["art05"]
    covered, rowed = cached_keys(again, "dates")
    assert before["art05"] not in covered | rowed and after["art05"] in covered
    pd.testing.assert_frame_equal(_sorted(table), _sorted(load_corpus(folder, cache=False).table("dates")))


def test_a_filtered_corpus_records_the_whole_one(folder, cache_dir, write_article):
    _write(folder, write_article, [f"art{i:02d}" for i in range(5)])
    corpus = load_corpus(folder)
    some = corpus.filter(end="2031-01-03")
    assert some.view is None and corpus.view == "boilerplate" and 0 < len(some) < len(corpus)
    some.table("sentences")
    recorded = pd.read_parquet(live.record_path(corpus.cache_dir, "boilerplate"))
    assert sorted(recorded["article_id"]) == sorted(corpus.articles["article_id"])
    assert corpus.filter().view == "boilerplate"  # every article kept: still the whole corpus
    assert load_corpus(folder, cache=False).view is None


def test_the_newest_record_says_which_articles_exist_every_view_which_keys(tmp_path):
    k = [f"{i:016x}" for i in range(1, 6)]
    live.register(tmp_path, "boilerplate", ["a", "b", "c"], k[:3])
    path = live.record_path(tmp_path, "boilerplate")
    os.utime(path, ns=(1, 1))  # older than the next record
    live.register(tmp_path, "plain", ["a", "b"], [k[3], k[1]])  # c left; a has another key in this view
    got = live.live_keys(tmp_path)
    assert got.dtype == np.uint64 and sorted(int(v) for v in got) == [1, 2, 4]
    assert live.stale([k[0], k[2], k[3], k[4]], got) == {k[2], k[4]}
    assert live.stale(["not a row key"], got) == set()  # a key of another kind is never dropped


def test_an_unchanged_record_is_touched_not_written(tmp_path):
    live.register(tmp_path, "plain", ["a"], ["00000000000000ff"])
    path = live.record_path(tmp_path, "plain")
    os.utime(path, ns=(1, 1))
    inode = path.stat().st_ino
    live.register(tmp_path, "plain", ["a"], ["00000000000000ff"])
    assert path.stat().st_ino == inode and path.stat().st_mtime_ns > 1  # the newest again, not rewritten
    live.register(tmp_path, "plain", ["a"], ["00000000000000fe"])
    assert [int(v) for v in live.live_keys(tmp_path)] == [0xFE]


def test_a_damaged_record_drops_nothing(tmp_path):
    live.register(tmp_path, "plain", ["a"], ["00000000000000ff"])
    live.record_path(tmp_path, "plain").write_bytes(b"not parquet")
    with pytest.warns(UserWarning, match="no cached row is dropped"):
        assert live.live_keys(tmp_path) is None
    assert live.live_keys(tmp_path / "nowhere") is None
    with pytest.raises(ValueError, match="unknown view"):
        live.record_path(tmp_path, "other")


def test_a_cache_that_cannot_be_written_warns(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        live.register(blocked, "plain", ["a"], ["00000000000000ff"])  # its folder would be under a file
    assert any("cannot record the live articles" in str(w.message) for w in caught)


def test_a_read_only_cache_is_left_quietly(tmp_path, monkeypatch):
    live.register(tmp_path, "plain", ["a"], ["00000000000000ff"])

    def refuse(*_, **__):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(live.os, "utime", refuse)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        live.register(tmp_path, "plain", ["a"], ["00000000000000ff"])  # unchanged: nothing to say
