"""Partitioned derived tables (issue 12, item 1): hash buckets of article ids, each its own cache commit."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import load_corpus, tables
from workbench.tables import TABLES, buckets, partition_level, register_table

_CALLS: list[list[str]] = []


def _count_words(articles: pd.DataFrame) -> pd.DataFrame:
    _CALLS.append(sorted(articles["article_id"]))
    return pd.DataFrame({"article_id": articles["article_id"], "words": articles["n_words"]})


@pytest.fixture
def counted():
    _CALLS.clear()
    register_table("word_counts", f"{__name__}:_count_words")
    yield _CALLS
    TABLES.pop("word_counts")


@pytest.fixture
def small_partitions(monkeypatch):
    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 2)


def _articles(folder, write_article, n, start=0):
    for i in range(start, start + n):
        write_article(
            folder,
            f"art{i:02d}",
            f"2031-01-{1 + i:02d}",
            body=f"Anna Berg met Velmora officials on day {i}. The council said talks resume.",
        )


def test_levels_and_buckets_nest():
    assert [partition_level(n) for n in (0, 4000, 4001, 8000, 8001)] == [0, 0, 1, 1, 2]
    ids = [f"id{i}" for i in range(200)]
    fine, coarse = buckets(ids, 3), buckets(ids, 2)
    assert set(fine) == set(range(8)) and (fine & 3 == coarse).all()  # a bucket of level 2 holds two of level 3


def test_partitioned_tables_equal_one_piece_and_stream(folder, cache_dir, write_article, small_partitions):
    _articles(folder, write_article, 9)
    plain = load_corpus(folder, cache=False)
    corpus = load_corpus(folder)
    assert corpus.level == 3
    for name in ("sentences", "mentions", "dates"):
        pd.testing.assert_frame_equal(corpus.table(name), plain.table(name), obj=name)
    manifests = sorted(cache_dir.glob("*/tables/mentions-*-p3-*.json"))
    assert len(manifests) == len(set(buckets(corpus.articles["article_id"], 3))) > 2
    streamed = load_corpus(folder)  # from the cache, partition by partition
    parts = list(streamed.table_partitions("attributions"))
    assert len(parts) == len(manifests)
    together = (
        pd.concat(parts, ignore_index=True).sort_values(["article_id", "sentence", "start"]).reset_index(drop=True)
    )
    want = plain.table("attributions").sort_values(["article_id", "sentence", "start"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(together, want)


def test_a_changed_article_rewrites_only_its_partition(folder, cache_dir, write_article, small_partitions, counted):
    _articles(folder, write_article, 9)
    load_corpus(folder).table("word_counts")
    before = {p.name: p.read_bytes() for p in cache_dir.glob("*/tables/word_counts-*.json")}
    write_article(folder, "art04", "2031-01-05", body="A changed text about the Velmora council.")
    again = load_corpus(folder).table("word_counts")
    assert _CALLS[-1] == ["art04"] and len(again) == 12  # with the folder's a, b and c
    after = {p.name: p.read_bytes() for p in cache_dir.glob("*/tables/word_counts-*.json")}
    changed = [name for name in after if after[name] != before.get(name)]
    bucket = buckets(["art04"], 3)[0]
    prefix = next(iter(before)).rsplit("-p", 1)[0]
    # its partition alone: rewritten, since the old text's rows are stale and half of it (tests/test_live.py)
    assert changed == [f"{prefix}-p3-{bucket:05x}.json"]


def test_a_corpus_growing_past_a_level_reuses_its_partitions(
    folder, cache_dir, write_article, small_partitions, counted
):
    _articles(folder, write_article, 4)  # and the folder's a, b and c
    first = load_corpus(folder, boilerplate=False)  # boilerplate found in more articles would change their keys
    assert first.level == 2
    first.table("word_counts")
    done = len(_CALLS)
    _articles(folder, write_article, 2, start=4)
    grown = load_corpus(folder, boilerplate=False)
    assert grown.level == 3
    table = grown.table("word_counts")
    assert sorted(table["article_id"]) == ["a", *[f"art{i:02d}" for i in range(6)], "b", "c"]
    assert sorted(a for call in _CALLS[done:] for a in call) == ["art04", "art05"]  # the four cached ones were reused


def test_a_filtered_corpus_keeps_the_partitioning(folder, cache_dir, write_article, small_partitions):
    _articles(folder, write_article, 9)
    corpus = load_corpus(folder)
    some = corpus.filter(end="2031-01-03")
    assert some.level == corpus.level and 0 < len(some) < len(corpus)
    pd.testing.assert_frame_equal(
        some.table("dates"), load_corpus(folder, cache=False).filter(end="2031-01-03").table("dates")
    )
    assert set(load_corpus(folder).table("dates")["article_id"]) == set(corpus.articles["article_id"])


def test_new_articles_read_only_their_needs_and_partitions_stay_in_order(
    folder, cache_dir, write_article, small_partitions, monkeypatch
):
    _articles(folder, write_article, 9)
    for name in ("sentences", "mentions", "attributions"):
        sum(len(p) for p in load_corpus(folder, boilerplate=False).table_partitions(name))
    _articles(folder, write_article, 2, start=9)
    runs = []
    run = tables._run

    def recording(spec, name, articles, needs, *args):
        runs.append((name, set(articles["article_id"]), {n: set(t["article_id"]) for n, t in needs.items()}))
        return run(spec, name, articles, needs, *args)

    monkeypatch.setattr(tables, "_run", recording)
    grown = load_corpus(folder, boilerplate=False)
    parts = {name: list(grown.table_partitions(name)) for name in ("sentences", "mentions", "attributions")}
    new = {"art09", "art10"}
    assert {a for _, ids, _ in runs for a in ids} == new
    assert all(ids <= new for _, _, needs in runs for ids in needs.values())  # not the partition's other articles
    plain = load_corpus(folder, boilerplate=False, cache=False)
    for name, frames in parts.items():
        for frame in frames:  # each partition in article order, as from the extractor
            ids = frame["article_id"].drop_duplicates()
            assert list(ids) == [a for a in plain.articles["article_id"] if a in set(ids)]
        together = pd.concat(frames).sort_values(["article_id", "sentence", "start"]).reset_index(drop=True)
        want = plain.table(name).sort_values(["article_id", "sentence", "start"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(together, want, obj=name)
    stored = sorted(cache_dir.glob("*/tables/mentions-*.rows.*.parquet"))
    assert stored
    for path in stored:  # stored in article order: read back without a sort
        rows = pd.read_parquet(path)
        assert tables._ordered([rows["article_id"].map(plain.articles["article_id"].tolist().index), rows["start"]])


def test_take_equals_iloc_on_chunked_arrow_columns():
    import numpy as np
    import pyarrow as pa

    chunked = pa.chunked_array([pa.array(["a", "b", None]), pa.array(["c"]), pa.array([], pa.string()), ["d", "e"]])
    frame = pd.DataFrame(
        {
            "x": pd.arrays.ArrowStringArray(chunked),
            "n": np.arange(6),
            "t": pd.to_datetime(["2020-01-01"] * 5 + [None]),
            "y": pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(list("uvwxyz"))])),
        },
        index=np.arange(10, 16),
    )
    for positions in ([5, 0, 3, 2, 2, 1], [], [4, 5], list(range(6))):
        taken = tables.take(frame, np.array(positions, dtype=np.int64))
        pd.testing.assert_frame_equal(taken, frame.iloc[positions])


# -- bringing the cache up to date: the new articles of every partition in one batch ---------------------


def _plain_table(folder, name: str) -> pd.DataFrame:
    return load_corpus(folder, boilerplate=False, cache=False).table(name)


def test_update_computes_the_new_articles_of_every_partition_in_one_batch(
    folder, cache_dir, write_article, small_partitions, counted
):
    _articles(folder, write_article, 9)
    assert load_corpus(folder, boilerplate=False).update(["word_counts"]) == {"word_counts": 12}
    assert len(_CALLS) == 1  # with the folder's a, b and c: every partition in one call
    _articles(folder, write_article, 4, start=9)
    grown = load_corpus(folder, boilerplate=False)
    new = [f"art{i:02d}" for i in range(9, 13)]
    assert len(set(buckets(new, grown.level))) > 1  # they land in several partitions
    assert grown.update(["word_counts"]) == {"word_counts": 4}
    assert _CALLS[1:] == [sorted(new)]
    assert load_corpus(folder, boilerplate=False).update(["word_counts"]) == {"word_counts": 0}
    assert len(_CALLS) == 2
    pd.testing.assert_frame_equal(
        load_corpus(folder, boilerplate=False).table("word_counts"), _plain_table(folder, "word_counts")
    )
    assert len(_CALLS) == 3  # the plain table only: the cached one read everything


def test_update_brings_every_table_and_its_needs_up_to_date(
    folder, cache_dir, write_article, small_partitions, monkeypatch
):
    _articles(folder, write_article, 9)
    load_corpus(folder, boilerplate=False).update(["sentences"])
    _articles(folder, write_article, 3, start=9)
    done = load_corpus(folder, boilerplate=False).update()
    assert done == {"sentences": 3, "mentions": 15, "attributions": 15, "dates": 15}
    plain = {name: _plain_table(folder, name) for name in done}

    def computing(*args, **kwargs):
        raise AssertionError("an up-to-date cache computes nothing")

    _articles(folder, write_article, 1, start=12)  # again (16 articles: the same level), every table cached
    reads = []
    read = tables._read_cached_table

    def reading(*args, **kwargs):
        result = read(*args, **kwargs)
        reads.extend([args[0]] if result is not None else [])
        return result

    monkeypatch.setattr(tables, "_read_cached_table", reading)
    assert load_corpus(folder, boilerplate=False).update() == dict.fromkeys(done, 1)
    assert reads == []  # the new rows went to deltas, and each table's needs were the rows just computed
    monkeypatch.setattr(tables, "_read_cached_table", read)
    plain = {name: _plain_table(folder, name) for name in done}
    monkeypatch.setattr(tables, "_run", computing)
    warm = load_corpus(folder, boilerplate=False)
    assert warm.update() == dict.fromkeys(done, 0)
    for name, want in plain.items():
        pd.testing.assert_frame_equal(warm.table(name), want, obj=name)


def test_update_without_a_cache_computes_nothing(folder):
    assert load_corpus(folder, cache=False).update() == {}


def _fragile_counts(articles: pd.DataFrame) -> pd.DataFrame:
    if articles["text"].str.contains("BOOM").any():
        raise ValueError("cannot handle BOOM")
    return _count_words(articles)


def test_update_leaves_a_failing_article_uncached_for_the_read_that_reports_it(
    folder, cache_dir, write_article, small_partitions, counted
):
    write_article(folder, "x", "2031-01-03", body="This one goes BOOM.")
    register_table("fragile_counts", f"{__name__}:_fragile_counts")
    try:
        corpus = load_corpus(folder, boilerplate=False)
        assert corpus.update(["fragile_counts"]) == {"fragile_counts": 4}
        assert corpus.errors.empty  # nothing read yet: the read reports it
        before = len(_CALLS)
        table = load_corpus(folder, boilerplate=False)
        rows = table.table("fragile_counts")
        assert sorted(rows["article_id"]) == ["a", "b", "c"]
        assert table.errors["reason"].tolist() == ["fragile_counts_failed"]
        assert not any(_CALLS[before:])  # the read computed the failed article alone (its calls raised)
    finally:
        TABLES.pop("fragile_counts")


def test_reading_a_grown_table_computes_its_small_partitions_together(
    folder, cache_dir, write_article, small_partitions, monkeypatch
):
    _articles(folder, write_article, 9)
    for name in ("sentences", "mentions"):
        sum(len(p) for p in load_corpus(folder, boilerplate=False).table_partitions(name))
    _articles(folder, write_article, 4, start=9)
    monkeypatch.setattr(tables, "PARALLEL_MIN_ARTICLES", 4)  # a pool for the table (it never starts a worker here)
    runs = []
    run = tables._run

    def recording(spec, name, articles, *args):
        runs.append((name, sorted(articles["article_id"])))
        return run(spec, name, articles, *args)

    monkeypatch.setattr(tables, "_run", recording)
    grown = load_corpus(folder, boilerplate=False, n_jobs=2)
    parts = list(grown.table_partitions("mentions"))
    new = [f"art{i:02d}" for i in range(9, 13)]
    assert ("mentions", new) in runs and all(ids == new for name, ids in runs if name == "mentions")
    together = pd.concat(parts).sort_values(["article_id", "sentence", "start"]).reset_index(drop=True)
    want = _plain_table(folder, "mentions").sort_values(["article_id", "sentence", "start"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(together, want)


def test_a_table_whose_needs_are_not_cached_starts_one_pool_for_them_all(
    folder, cache_dir, write_article, small_partitions, monkeypatch
):
    _articles(folder, write_article, 9)
    monkeypatch.setattr(tables, "PARALLEL_MIN_ARTICLES", 1)  # a pool for any table (it never starts a worker here)
    pools = []
    real = tables.process_pool
    monkeypatch.setattr(tables, "process_pool", lambda n: pools.append(n) or real(n))
    corpus = load_corpus(folder, boilerplate=False, n_jobs=2)
    assert corpus.level > 1  # several partitions, each computing its sentences and mentions first
    parts = list(corpus.table_partitions("attributions"))
    assert pools == [2]  # the attributions' pool serves their needs: not a pool per partition and need
    together = pd.concat(parts).sort_values(["article_id", "start"]).reset_index(drop=True)
    want = _plain_table(folder, "attributions").sort_values(["article_id", "start"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(together, want)


def test_new_articles_go_to_deltas_folded_into_the_partition_once_they_hold_a_share_of_it(
    folder, cache_dir, write_article, small_partitions, counted, monkeypatch
):
    monkeypatch.setattr(tables, "DELTA_FANOUT", 3)  # the third delta would merge the first two: 3 of 7 articles
    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 64)  # one partition at level 0
    _articles(folder, write_article, 2)
    load_corpus(folder, boilerplate=False).update(["word_counts"])
    manifests = lambda: sorted(p.name for p in cache_dir.glob("*/tables/word_counts-*.json"))  # noqa: E731
    assert len(manifests()) == 1
    for i in range(2, 5):
        _articles(folder, write_article, 1, start=i)
        corpus = load_corpus(folder, boilerplate=False)
        assert corpus.update(["word_counts"]) == {"word_counts": 1}
        deltas = [m for m in manifests() if "+" in m]
        assert len(deltas) == [1, 2, 0][i - 2] and len(manifests()) == len(deltas) + 1
        pd.testing.assert_frame_equal(
            load_corpus(folder, boilerplate=False).table("word_counts"), _plain_table(folder, "word_counts")
        )
    # the third commit folded both deltas into the partition
    data_files = sorted(p.name for p in cache_dir.glob("*/tables/word_counts-*.parquet"))
    assert len(data_files) == 2  # its rows and coverage only: the deltas' files are gone


def test_deltas_merge_in_tiers_like_a_binary_counter_until_they_hold_a_share_of_the_partition(
    folder, cache_dir, write_article, small_partitions, counted, monkeypatch
):
    monkeypatch.setattr(tables, "DELTA_FANOUT", 2)
    monkeypatch.setattr(tables, "MERGE_SHARE", 1.0)
    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 64)  # one partition at level 0
    _articles(folder, write_article, 20)
    load_corpus(folder, boilerplate=False).update(["word_counts"])
    base = lambda: sorted(p.name for p in cache_dir.glob("*/tables/word_counts-*.rows.*.parquet") if "+" not in p.name)  # noqa: E731
    deltas = lambda: sorted(cache_dir.glob("*/tables/word_counts-*+*.json"))  # noqa: E731
    first = base()
    assert len(first) == 1  # 23 articles: the folder's three and these 20
    tiers = []
    for i in range(20, 28):
        _articles(folder, write_article, 1, start=i)
        assert load_corpus(folder, boilerplate=False).update(["word_counts"]) == {"word_counts": 1}
        tiers.append([tables._tier(d) for d in deltas()])
        pd.testing.assert_frame_equal(
            load_corpus(folder, boilerplate=False).table("word_counts"), _plain_table(folder, "word_counts")
        )
        assert base() == first  # the partition itself is never written again
    # after n updates, one delta of tier k for each bit k of n, oldest (highest) first: each new article's
    # rows were written again once per tier, not at every merge
    assert tiers == [[0], [1], [1, 0], [2], [2, 0], [2, 1], [2, 1, 0], [3]]
    monkeypatch.setattr(tables, "MERGE_SHARE", 0.25)  # 8 keys in deltas, and 2 new: more than a quarter of 33
    for i in range(28, 30):
        _articles(folder, write_article, 1, start=i)
        load_corpus(folder, boilerplate=False).update(["word_counts"])
    assert not deltas() and base() != first
    assert len(list(cache_dir.glob("*/tables/word_counts-*.parquet"))) == 2  # rows and coverage: no delta left
    pd.testing.assert_frame_equal(
        load_corpus(folder, boilerplate=False).table("word_counts"), _plain_table(folder, "word_counts")
    )


def test_a_damaged_delta_recomputes_its_partition(folder, cache_dir, write_article, small_partitions, counted):
    _articles(folder, write_article, 9)
    load_corpus(folder, boilerplate=False).update(["word_counts"])
    _articles(folder, write_article, 1, start=9)
    load_corpus(folder, boilerplate=False).update(["word_counts"])
    (delta,) = cache_dir.glob("*/tables/word_counts-*+*.rows.*.parquet")
    delta.write_bytes(b"not parquet")
    with pytest.warns(UserWarning, match="rebuilding it"):
        table = load_corpus(folder, boilerplate=False).table("word_counts")
    pd.testing.assert_frame_equal(table, _plain_table(folder, "word_counts"))
    assert not list(cache_dir.glob("*/tables/word_counts-*+*.json"))  # rewritten whole, the delta dropped


def test_deltas_of_the_same_articles_count_once(folder, cache_dir, write_article, small_partitions, counted):
    _articles(folder, write_article, 9)
    load_corpus(folder, boilerplate=False).update(["word_counts"])
    _articles(folder, write_article, 1, start=9)
    for _ in range(2):  # as two processes would, each having read the partition before the other's delta
        corpus = load_corpus(folder, boilerplate=False)
        manifest = tables.partition_manifest(
            tables.table_store(corpus.cache_dir, "word_counts", {}), corpus.level, buckets(["art09"], corpus.level)[0]
        )
        new = corpus.articles[corpus.articles["article_id"] == "art09"]
        key = corpus._keys()[int(new.index[0])]
        rows = _count_words(new).assign(_key=pd.Series([key], dtype="string", index=new.index))
        tables._commit_delta(manifest, rows, [key])  # as _commit does
    assert len(list(cache_dir.glob("*/tables/word_counts-*+*.json"))) == 2
    pd.testing.assert_frame_equal(
        load_corpus(folder, boilerplate=False).table("word_counts"), _plain_table(folder, "word_counts")
    )


# -- new files: every table's new articles computed together -------------------------------------------------


def _needing_fragile(articles: pd.DataFrame, fragile_counts: pd.DataFrame) -> pd.DataFrame:
    """A table needing ``fragile_counts``: its rows doubled."""
    _CALLS.append(sorted(articles["article_id"]))
    return fragile_counts.assign(words=fragile_counts["words"] * 2)


def test_new_files_compute_every_table_together_from_the_rows_just_computed(
    folder, cache_dir, write_article, small_partitions, monkeypatch
):
    _articles(folder, write_article, 9)
    load_corpus(folder, boilerplate=False).update()
    _articles(folder, write_article, 3, start=9)
    together = []
    compute = tables._compute_tables
    with monkeypatch.context() as patched:
        patched.setattr(tables, "_compute_tables", lambda *a: together.append(a) or compute(*a))
        patched.setattr(tables, "_read_cached_table", lambda *a, **k: pytest.fail("no cached rows are read"))
        done = load_corpus(folder, boilerplate=False).update()
    assert done == {"sentences": 3, "mentions": 3, "attributions": 3, "dates": 3}
    (call,) = together  # one batch through the four tables
    assert [task[0] for task in call[0]] == list(done)
    assert sorted(call[1]["article_id"]) == ["art09", "art10", "art11"]
    plain = {name: _plain_table(folder, name) for name in done}
    warm = load_corpus(folder, boilerplate=False)
    monkeypatch.setattr(tables, "_run", lambda *a, **k: pytest.fail("an up-to-date cache computes nothing"))
    assert warm.update() == dict.fromkeys(done, 0)
    for name, want in plain.items():
        pd.testing.assert_frame_equal(warm.table(name), want, obj=name)


def test_new_files_over_the_pool_give_the_same_tables(folder, cache_dir, write_article, small_partitions, monkeypatch):
    _articles(folder, write_article, 6)
    load_corpus(folder, boilerplate=False).update()
    _articles(folder, write_article, 6, start=6)
    monkeypatch.setattr(tables, "TOGETHER_POOL_MIN", 4)  # 6 new articles: shared out to two workers
    monkeypatch.setattr(tables, "PARALLEL_MIN_ARTICLES", 4)  # (and the first update, 6 articles, too)
    submitted = []
    pool_class = tables.ProcessPoolExecutor

    class Recording(pool_class):
        def submit(self, fn, *args, **kwargs):
            submitted.append(fn.__name__)
            return super().submit(fn, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(tables, "ProcessPoolExecutor", Recording)
        done = load_corpus(folder, boilerplate=False, n_jobs=2).update()
    assert done == dict.fromkeys(["sentences", "mentions", "attributions", "dates"], 6)
    # the workers set up on one article (6 read now: enough for the pool) while the update plans; then twice
    # as many batches as workers at most, each of whole partitions, which it commits itself
    warming, batches = submitted[:2], submitted[2:]
    assert warming == ["_compute_tables"] * 2 and set(batches) == {"_fill_batch"} and 2 <= len(batches) <= 4
    warm = load_corpus(folder, boilerplate=False)
    for name in ("sentences", "mentions", "attributions", "dates"):
        pd.testing.assert_frame_equal(warm.table(name), _plain_table(folder, name), obj=name)


def test_an_article_failing_a_needed_table_is_left_to_the_read_that_reports_it(
    folder, cache_dir, write_article, small_partitions, counted
):
    register_table("fragile_counts", f"{__name__}:_fragile_counts")
    register_table("doubled", f"{__name__}:_needing_fragile", needs=("fragile_counts",))
    try:
        _articles(folder, write_article, 2)
        write_article(folder, "x", "2031-01-03", body="This one goes BOOM.")
        corpus = load_corpus(folder, boilerplate=False)
        assert corpus.update(["doubled"]) == {"fragile_counts": 6, "doubled": 6}
        # the table needing it got the other articles (the folder's a, b, c too), not the failed one
        assert _CALLS[-1] == ["a", "art00", "art01", "b", "c"]
        read = load_corpus(folder, boilerplate=False)
        doubled = read.table("doubled")
        assert "x" not in set(doubled["article_id"]) and len(doubled) == 5
        assert read.errors["reason"].tolist() == ["fragile_counts_failed"]
    finally:
        TABLES.pop("fragile_counts")
        TABLES.pop("doubled")


def test_in_order_looks_up_each_run_of_an_articles_rows_once():
    """Rows of an article together or apart, ids missing from the articles, Arrow or object ids: the same order."""
    import numpy as np

    rng = np.random.default_rng(7)
    articles = pd.DataFrame({"article_id": pd.Series([f"a{i}" for i in range(6)], dtype="string")})
    for dtype in ("string", "string[pyarrow]", object):
        for together in (True, False):
            ids = np.repeat([f"a{i}" for i in rng.permutation(7)], 3)  # a6 is no article: its rows go last
            ids = ids if together else rng.permutation(ids)
            sentence = rng.integers(0, 3, len(ids))
            frame = pd.DataFrame({"article_id": pd.Series(ids, dtype=dtype), "sentence": sentence, "x": sentence * 2})
            got = tables.in_order(frame, articles)
            order = frame["article_id"].map({a: i for i, a in enumerate(articles["article_id"])})
            want = frame.assign(_o=order).sort_values(["_o", "sentence"], kind="stable").drop(columns="_o")
            pd.testing.assert_frame_equal(got, want.reset_index(drop=True))


@given(st.lists(st.integers(1, 40), min_size=1, max_size=60), st.integers(1, 8))
@settings(max_examples=200, deadline=None)
def test_spans_cut_the_partitions_into_runs_of_about_equal_articles(sizes, parts):
    import numpy as np

    waiting = [(b, np.zeros(n, dtype=np.int64), None, []) for b, n in enumerate(sizes)]
    spans = tables._spans(waiting, parts)
    assert spans[0][0] == 0 and spans[-1][1] == len(sizes) and len(spans) <= parts
    assert all(lo < hi for lo, hi in spans) and all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    share = sum(sizes) / parts
    assert all(sum(sizes[lo : hi - 1]) < share + 1e-9 for lo, hi in spans)  # a run ends once it holds its share


def test_warm_up_starts_the_workers_only_for_enough_new_articles_and_tables_a_worker_can_import(monkeypatch):
    class Pool:
        def __init__(self):
            self.tasks = []

        def submit(self, fn, *args):
            self.tasks.append((fn.__name__, len(args[1])))

    monkeypatch.setattr(tables, "TOGETHER_POOL_MIN", 400)
    sample = pd.DataFrame({"article_id": ["a"]})
    ours = [("sentences", "workbench.sentences:sentences", (), {})]
    for tasks, new, want in [
        (ours, 400, [("_compute_tables", 1)] * 2),
        (ours, 399, []),  # computed in this process: no worker to start
        ([*ours, ("mine", "__main__:count", (), {})], 5000, []),  # a worker cannot import the script
    ]:
        pool = Pool()
        tables.warm_up(pool, tasks, sample, 2, new)
        assert pool.tasks == want
