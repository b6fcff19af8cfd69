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


# -- one article never costs the others their rows (issue 15, item 3) ----------------------


def _fragile(articles: pd.DataFrame) -> pd.DataFrame:
    _CALLS.append(articles["article_id"].tolist())
    if articles["text"].str.contains("BOOM").any():
        raise ValueError("cannot handle BOOM")
    return pd.DataFrame({"article_id": articles["article_id"], "words": articles["n_words"]})


def test_a_failing_article_becomes_an_error_row_and_the_others_keep_their_rows(folder, cache_dir, write_article):
    _CALLS.clear()
    write_article(folder, "x", "2031-01-03", body="This one goes BOOM.")
    register_table("fragile", f"{__name__}:_fragile")
    try:
        for _ in range(2):  # computed, then from the cache: the failed article is tried again, not cached
            before = len(_CALLS)
            corpus = load_corpus(folder)
            table = corpus.table("fragile")
            assert table["article_id"].tolist() == ["a", "b", "c"]
            failed = corpus.errors[corpus.errors["reason"] == "fragile_failed"]
            assert len(failed) == 1 and failed["severity"].tolist() == ["error"]
            assert failed["path"].iloc[0].endswith("x.txt")
            assert "'x'" in failed["detail"].iloc[0] and "ValueError: cannot handle BOOM" in failed["detail"].iloc[0]
        assert {a for call in _CALLS[before:] for a in call} == {
            "x"
        }  # the second load computed only the failed article
        (folder / "x.txt").write_text("date 2031-01-03 Fixed now.\n\nSource: Velmora Courier\n")
        corpus = load_corpus(folder)
        assert corpus.table("fragile")["article_id"].tolist() == ["a", "x", "b", "c"]
        assert not (corpus.errors["reason"] == "fragile_failed").any()
    finally:
        from workbench.tables import TABLES

        TABLES.pop("fragile")


def test_every_article_failing_gives_an_empty_table_and_one_error_row_each(folder):
    register_table("fragile", f"{__name__}:_fragile")
    try:
        for name in ("a", "b", "c"):
            (folder / f"{name}.txt").write_text("date 2031-01-01 BOOM.\n\nSource: Velmora Courier\n")
        corpus = load_corpus(folder, cache=False)
        assert corpus.table("fragile").empty and list(corpus.table("fragile").columns) == ["article_id", "words"]
        assert (corpus.errors["reason"] == "fragile_failed").sum() == 3
    finally:
        from workbench.tables import TABLES

        TABLES.pop("fragile")


def test_undated_article_with_relative_dates_resolves_to_nothing(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Officials said last week that talks resume next year, two days ago or on Monday.\n\nSource: Velmora Courier\n"
    )
    (tmp_path / "b.txt").write_text(
        "date 2031-01-08 Officials said last week that talks resume next year.\n\nSource: Velmora Courier\n"
    )
    corpus = load_corpus(tmp_path, cache=False)
    dates = corpus.dates
    undated = dates[(dates["article_id"] == "a") & (dates["kind"] == "relative")]
    assert len(undated) >= 3 and undated["date_start"].isna().all() and undated["anchor"].isna().all()
    dated = dates[(dates["article_id"] == "b") & (dates["kind"] == "relative")]
    assert dated["date_start"].notna().all() and len(dated) == 2
    assert not corpus.errors["reason"].str.endswith("_failed").any()


def test_table_code_covers_the_extractor_its_needs_and_the_storage_version(monkeypatch):
    from workbench import cache as cachestore
    from workbench import tables

    code = {"workbench.sentences": "s1", "workbench.ner": "n1", "workbench.attribution": "a1", "workbench.dates": "d1"}
    monkeypatch.setattr(cachestore, "closure_fingerprint", lambda module, **_: code[module])

    def tags() -> dict[str, str]:
        tables._table_code.cache_clear()
        return {name: tables.table_code(name) for name in ("sentences", "mentions", "attributions", "dates")}

    try:
        before = tags()
        assert len(set(before.values())) == 4
        code["workbench.ner"] = "n2"  # the NER code: mentions and the attributions computed from them
        after = tags()
        assert [n for n in before if before[n] != after[n]] == ["mentions", "attributions"]
        code["workbench.sentences"] = "s2"  # every table here reads the sentences
        assert all(a != b for a, b in zip(after.values(), tags().values(), strict=True))
        again = tags()
        monkeypatch.setattr(tables, "STORAGE_VERSION", tables.STORAGE_VERSION + 1)
        assert all(a != b for a, b in zip(again.values(), tags().values(), strict=True))
    finally:
        tables._table_code.cache_clear()


def test_a_table_registered_outside_the_package_carries_the_whole_package(folder, cache_dir):
    from workbench import cache as cachestore
    from workbench.tables import TABLES, table_code, table_store

    register_table("word_counts", f"{__name__}:_count_words")
    try:
        store = table_store(cache_dir, "word_counts", {})
        assert cachestore.closure_fingerprint(__name__) == cachestore.code_fingerprint()
        assert store.name == f"word_counts-{table_code('word_counts')}"
    finally:
        TABLES.pop("word_counts")


def test_row_keys_read_each_value_as_the_series_gives_it():
    """The keys name cached rows: the same text for missing values (<NA>, NaT, None) as element-wise iteration."""
    import hashlib

    from workbench.tables import row_keys

    articles = pd.DataFrame(
        {
            "article_id": pd.Series(["a1", "b2", "c3"], dtype="string[pyarrow]"),
            "content_hash": pd.Series(["h1", "h2", None], dtype="string[pyarrow]"),
            "published": pd.to_datetime(["2031-01-02 00:00", None, "2031-03-04 05:06"]).astype("datetime64[us]"),
            "outlet": pd.Series(["Velmora Courier", None, "Quillby Post"], dtype="string"),
            "via": pd.Series([None, "Northwind Wire", None], dtype=object),
            "credit": pd.Series([None, None, "Staff"], dtype="string[pyarrow]"),
        }
    )
    columns = ("article_id", "content_hash", "published", "outlet", "via", "credit")
    want = [
        hashlib.blake2b(f"{a}|{h}|{p}|{o}|{v}|{c}|[]".encode(), digest_size=8).hexdigest()
        for a, h, p, o, v, c in zip(*(articles[c] for c in columns), strict=True)
    ]
    assert row_keys(articles) == want
    assert len(set(want)) == 3


def test_the_table_plumbing_is_in_no_extractors_imports():
    """An edit of how tables are stored (``workbench.tables``) or of how boilerplate is found must not
    recompute every cached table: the extractors read the boilerplate ranges (part of each row key)
    through ``workbench.prose``, not the search."""
    from workbench.cache import import_closure
    from workbench.tables import NOT_ROWS, TABLES

    plumbing = ("tables.py", "corpus.py", "ingest.py", "boilerplate.py", "boilerplate_index.py", "boilerplate_cache.py")
    for name, spec in TABLES.items():
        files = import_closure(spec.function.partition(":")[0], exclude=NOT_ROWS)
        assert files and not [f for f in files if f.name in plumbing], name
