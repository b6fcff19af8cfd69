"""workbench.ingest: load_corpus, the default corpus, the per-file cache, strict loading."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
import warnings
from pathlib import Path

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
    assert (cache_dir / next(os.walk(cache_dir))[1][0] / "corpus.json").exists()
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
    (target,) = list(cache_dir.glob("*/corpus.articles.*.arrow"))
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


# -- dates outside pandas' nanosecond range (issue 15, item 1) ----------------------------

FAR_BODY = (
    "Officials said last week that the talks resume next year. Mr. Smith met U.S. officials in Velmora on Monday."
)


@pytest.fixture
def far_folder(tmp_path):
    """Seeds dated 9999-12-31 and 0900-06-01, a CSV cell 1.1.2300 and a Parquet date32 column far out."""
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "far"
    folder.mkdir()
    for name, date in (("late", "9999-12-31"), ("early", "0900-06-01"), ("normal", "2031-03-01")):
        (folder / f"{name}.txt").write_text(f"date {date} {FAR_BODY}\n\nSource: Velmora Courier\n\nDetails: more.\n")
    (folder / "t.csv").write_text(f'id,date,text\ncsv1,1.1.2300,"{FAR_BODY}"\n')
    dates = pa.array([datetime.date(9999, 12, 31), datetime.date(1, 1, 1)], pa.date32())
    pq.write_table(pa.table({"id": ["pq1", "pq2"], "date": dates, "text": [FAR_BODY, FAR_BODY]}), folder / "p.parquet")
    return folder


def test_far_dates_load_and_every_table_computes(far_folder, cache_dir):
    from workbench.tables import TABLES

    for _ in range(2):  # cold, then from the cache
        corpus = load_corpus(far_folder)
        published = dict(
            zip(corpus.articles["article_id"], corpus.articles["published"].dt.strftime("%Y-%m-%d"), strict=True)
        )
        assert published == {
            "late": "9999-12-31", "early": "0900-06-01", "normal": "2031-03-01", "csv1": "2300-01-01",
            "pq1": "9999-12-31", "pq2": "0001-01-01",
        }  # fmt: skip
        assert corpus.articles["article_id"].tolist()[:2] == ["pq2", "early"]  # still in date order
        implausible = corpus.errors[corpus.errors["reason"] == "implausible_date"]
        assert len(implausible) == 5 and set(implausible["severity"]) == {"warning"}
        assert not (corpus.errors["severity"] == "error").any()
        for name in TABLES:
            assert len(corpus.table(name)) > 0, name
        assert not corpus.errors["reason"].str.endswith("_failed").any()
        dates = corpus.dates
        late = dates[(dates["article_id"] == "late") & (dates["kind"] == "relative")]
        assert late["date_start"].min() == pd.Timestamp("9999-12-20")  # "last week" from 9999-12-31
        assert late["date_start"].isna().any()  # "next year" is past the calendar: unresolved, not a crash
        assert "9999-12-31" in corpus.describe() and len(corpus.filter(start="9000-01-01")) == 2


def test_far_dates_through_the_analyses(far_folder):
    import workbench

    corpus = load_corpus(far_folder, cache=False)
    assert len(workbench.timeline(corpus, freq="Y")) > 0
    assert len(workbench.lags(corpus)) > 0
    assert len(workbench.attribution_over_time(corpus, freq="Y")) >= 0
    assert len(workbench.cooccurrence(corpus, freq="Y", min_count=1)) > 0
    assert len(workbench.events(corpus)) >= 0


def test_far_dates_on_the_command_line(far_folder, cache_dir):
    from click.testing import CliRunner

    from workbench.cli import main

    for command in ("ingest", "check", "ingest"):
        result = CliRunner().invoke(main, [command, str(far_folder)])
        assert result.exit_code == 0, result.output
        assert "implausible_date" in result.output


# -- a plain script without a __main__ guard (issue 11, item 7) ----------------------------

SCRIPT = """
import sys
import workbench

corpus = workbench.load_corpus(sys.argv[1], read_jobs=2, n_jobs=2)
print("articles", len(corpus), "mentions", len(corpus.mentions), "errors", len(corpus.errors))
print("copies", len(corpus.copies))
"""


@pytest.mark.parametrize("how", ["script", "python -c", "python -m"])
def test_load_corpus_from_a_plain_script_goes_parallel(tmp_path, how, write_article):
    """No ``if __name__ == "__main__":``: the parallel reader and table workers must not re-run the script."""
    import subprocess
    import sys

    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(24):
        write_article(
            folder, f"a{i:02d}", f"2031-01-{i + 1:02d}", body=f"Anna Berg said in Velmora that talks resume, item {i}."
        )
    (tmp_path / "plain_script.py").write_text(SCRIPT)
    command = {
        "script": [sys.executable, str(tmp_path / "plain_script.py")],
        "python -c": [sys.executable, "-c", SCRIPT],
        "python -m": [sys.executable, "-m", "plain_script"],
    }[how]
    env = {
        **os.environ, "WORKBENCH_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(tmp_path),
        "WORKBENCH_PARALLEL_MIN_FILES": "8", "WORKBENCH_PARALLEL_MIN_ARTICLES": "8",  # small enough to go parallel
        "WORKBENCH_COPIES_PARALLEL_MIN_TEXTS": "8",
    }  # fmt: skip
    done = subprocess.run([*command, str(folder)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    serial = load_corpus(folder, cache=False)  # one process, here
    assert done.stdout.strip() == (
        f"articles 24 mentions {len(serial.mentions)} errors 0\ncopies {len(serial.copies)}"
    ), done.stdout
    assert len(serial.mentions) >= 24


def test_progress_is_by_bytes(tmp_path, capsys):
    rows = [json.dumps({"id": f"r{i}", "date": "2031-01-01", "text": f"Fictional text {i}. " * 40}) for i in range(400)]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(rows) + "\n")
    corpus = load_corpus(path, cache=False, progress=True)
    assert len(corpus) == 400
    err = capsys.readouterr().err
    assert "reading articles" in err and "100%" in err
    kilobytes = path.stat().st_size / 1024
    assert f"{kilobytes:.0f}k" in err or f"{kilobytes:.1f}k" in err, err[-300:]


# -- one big file in bounded memory (issue 15, item 8) ------------------------------------


def _shuffled_table(path, n=300, seed=5):
    """A JSONL table in random date order: one-paragraph texts, leads given, several paragraphs, a null."""
    import random

    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            paragraphs = [
                f"Paragraph {k} of fictional report {i}, Café {rng.random()}." for k in range(rng.choice([1, 1, 3]))
            ]
            row = {"id": f"r{rng.randint(0, n)}", "date": f"2031-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
            row["text"] = "\n\n".join(paragraphs)
            if rng.random() < 0.2:
                row["lead"] = rng.choice(["A given lead.", paragraphs[0], row["text"]])
            if rng.random() < 0.05:
                row["date"] = ""
            handle.write(json.dumps(row) + "\n")


@pytest.mark.parametrize("lead_run_rows", [64, 10**9])  # lead shared in runs, or copied whole
def test_reordering_through_a_spill_file_gives_the_same_corpus(tmp_path, monkeypatch, lead_run_rows):
    from workbench import article_table

    path = tmp_path / "shuffled.jsonl"
    _shuffled_table(path)
    monkeypatch.setattr(article_table, "SPILL_MIN_BYTES", 10**12)
    expected = load_corpus(path, cache=False, boilerplate=False)
    monkeypatch.setattr(article_table, "SPILL_MIN_BYTES", 0)
    monkeypatch.setattr(article_table, "SPILL_BLOCK_BYTES", 700)  # many blocks of a few rows
    monkeypatch.setattr(article_table, "_LEAD_RUN_ROWS", lead_run_rows)
    spills = []
    real = article_table.take_spilled
    monkeypatch.setattr(article_table, "take_spilled", lambda *args: spills.append(len(args[1])) or real(*args))
    spilled = load_corpus(path, cache=False, boilerplate=False)
    assert set(spills) == {len(expected)}  # every string column (SPILL_MIN_BYTES = 0) went through the file
    pd.testing.assert_frame_equal(spilled.articles, expected.articles)
    pd.testing.assert_frame_equal(spilled.errors, expected.errors)
    assert list(spilled.articles["published"].dropna()) == sorted(spilled.articles["published"].dropna())


def test_without_room_for_the_spill_file_the_reorder_stays_in_memory(tmp_path, monkeypatch):
    import shutil

    from workbench import article_table

    path = tmp_path / "shuffled.jsonl"
    _shuffled_table(path)
    expected = load_corpus(path, cache=False, boilerplate=False)
    monkeypatch.setattr(article_table, "SPILL_MIN_BYTES", 0)
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: shutil._ntuple_diskusage(10**9, 10**9, 0))
    monkeypatch.setattr(article_table, "take_spilled", None)  # would raise if called
    pd.testing.assert_frame_equal(load_corpus(path, cache=False, boilerplate=False).articles, expected.articles)


def test_a_lead_that_is_the_whole_text_shares_its_buffers():
    from workbench import article_table

    records = [
        {"article_id": f"a{i}", "text": f"One paragraph {i}.", "lead": f"One paragraph {i}.", "sections": []}
        for i in range(200)
    ]
    records[150]["lead"] = "A lead of its own."
    table = article_table.records_table(records)
    text, lead = table.column("text"), table.column("lead")
    assert lead.to_pylist() == [r["lead"] for r in records]
    text_data = text.chunk(0).buffers()[2].address
    shared = [chunk for chunk in lead.chunks if chunk.buffers()[2].address == text_data]
    assert sum(len(chunk) for chunk in shared) == 199  # only the differing lead is stored apart


def test_gather_by_chunk_equals_take():
    import numpy as np
    import pyarrow as pa

    from workbench import article_table

    column = pa.chunked_array([["a", "b"], [], ["c", None, "e"], ["f"]], type=pa.large_string())
    indices = np.array([5, 0, 3, 3, 2], dtype=np.uint64)
    assert article_table.gather(column, indices).to_pylist() == ["f", "a", None, None, "c"]
    assert article_table.gather(column, np.array([], dtype=np.int64)).to_pylist() == []


def test_loading_uses_a_pool_that_returns_memory_and_restores_the_default(folder, monkeypatch):
    import pyarrow as pa

    from workbench import ingest

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    seen = []
    real = ingest.finish
    monkeypatch.setattr(
        ingest, "finish", lambda owned: seen.append(pa.default_memory_pool().backend_name) or real(owned)
    )
    before = pa.default_memory_pool().backend_name
    load_corpus(folder, cache=False)
    assert seen and seen[0] in ("jemalloc", "system")  # not mimalloc, which kept the freed blocks
    assert pa.default_memory_pool().backend_name == before


def test_files_are_read_in_batches_cut_by_count_and_bytes(fixtures_dir, monkeypatch):
    from workbench import ingest, readers

    units, _ = readers.discover(fixtures_dir / "corpus")
    sizes = [os.stat(u.key).st_size for u in units]
    whole = load_corpus(fixtures_dir / "corpus", cache=False)
    monkeypatch.setattr(ingest, "READ_BATCH_FILES", 3)
    monkeypatch.setattr(ingest, "READ_BATCH_BYTES", max(sizes) + 1)
    batches, batch_sizes = ingest._batches(units)
    assert [u for batch in batches for u in batch] == units and len(batches) > -(-len(units) // 3)
    assert all(len(b) <= 3 and (len(b) == 1 or s <= max(sizes) + 1) for b, s in zip(batches, batch_sizes, strict=True))
    assert batch_sizes == [sum(os.stat(u.key).st_size for u in b) for b in batches]
    assert ingest._batches([]) == ([[]], [0])
    cut = load_corpus(fixtures_dir / "corpus", cache=False)  # the same corpus, read batch by batch
    pd.testing.assert_frame_equal(cut.articles, whole.articles)
    pd.testing.assert_frame_equal(cut.errors, whole.errors)


def test_a_few_large_files_are_read_in_processes(fixtures_dir, monkeypatch):
    """Fewer files than PARALLEL_MIN_FILES but PARALLEL_MIN_BYTES of them: a pool parses them."""
    from workbench import ingest, tables

    whole = load_corpus(fixtures_dir / "corpus", cache=False)
    monkeypatch.setattr(ingest, "READ_BATCH_BYTES", 1)  # a batch per file
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 1)
    pools = []
    real = tables.process_pool
    monkeypatch.setattr(tables, "process_pool", lambda n: pools.append(n) or real(n))
    pooled = load_corpus(fixtures_dir / "corpus", cache=False, read_jobs=2)
    assert pools == [2]
    pd.testing.assert_frame_equal(pooled.articles, whole.articles)
    pd.testing.assert_frame_equal(pooled.errors, whole.errors)


def _text_files(corpus, mapped_file) -> set[str | None]:
    """The files (None: anonymous memory) that hold the bytes of the corpus's texts."""
    chunks = corpus.articles["text"].array._pa_array.chunks
    return {mapped_file(chunk.buffers()[2]) for chunk in chunks if len(chunk)}


def test_a_large_load_keeps_its_articles_in_the_cache_file_not_in_memory(tmp_path, cache_dir, monkeypatch, mapped_file):
    from workbench import article_table, ingest

    corpus_dir = tmp_path / "news"
    corpus_dir.mkdir()
    for k in range(4):
        _shuffled_table(corpus_dir / f"part-{k}.jsonl", n=120, seed=k)
    expected = load_corpus(corpus_dir, cache=False, boilerplate=False)
    assert _text_files(expected, mapped_file) == {None}  # a small load without a cache: in memory
    monkeypatch.setattr(ingest, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(ingest, "READ_BATCH_FILES", 1)  # a staged file per batch: several chunks
    monkeypatch.setattr(article_table, "WRITE_BLOCK_BYTES", 3000)  # many blocks of a few rows
    parked = []
    real_park = ingest.Staging.park
    monkeypatch.setattr(ingest.Staging, "park", lambda self, table: parked.append(len(table)) or real_park(self, table))

    cold = load_corpus(corpus_dir, boilerplate=False)
    assert len(parked) == 4
    pd.testing.assert_frame_equal(cold.articles, expected.articles)
    pd.testing.assert_frame_equal(cold.errors, expected.errors)
    (articles_file,) = cold.cache_dir.glob("corpus.articles.*.arrow")
    assert _text_files(cold, mapped_file) == {str(articles_file)}  # the text is the cache file's pages, not memory
    assert not list(cold.cache_dir.glob(".*.arrow"))  # no staged or ordered file left behind

    _shuffled_table(corpus_dir / "part-9.jsonl", n=40, seed=9)  # a new file: cached and new articles ordered
    expected = load_corpus(corpus_dir, cache=False, boilerplate=False)
    grown = load_corpus(corpus_dir, boilerplate=False)
    pd.testing.assert_frame_equal(grown.articles, expected.articles)
    pd.testing.assert_frame_equal(grown.errors, expected.errors)
    warm = load_corpus(corpus_dir, boilerplate=False)
    pd.testing.assert_frame_equal(warm.articles, expected.articles)
    assert not list(cold.cache_dir.glob(".*.arrow"))


def test_a_large_load_that_cannot_write_its_files_stays_in_memory(tmp_path, cache_dir, monkeypatch):
    import pyarrow as pa

    from workbench import ingest

    path = tmp_path / "shuffled.jsonl"
    _shuffled_table(path)
    expected = load_corpus(path, cache=False, boilerplate=False)
    monkeypatch.setattr(ingest, "STREAM_MIN_BYTES", 0)
    real = pa.OSFile

    def full_disk(where, mode="r"):
        if "w" in mode and Path(where).name.startswith("."):
            raise OSError(28, "No space left on device", where)
        return real(where, mode)

    monkeypatch.setattr(pa, "OSFile", full_disk)
    with pytest.warns(UserWarning, match="No space left on device.*ordered in memory"):
        corpus = load_corpus(path, boilerplate=False)
    pd.testing.assert_frame_equal(corpus.articles, expected.articles)
    assert not list(corpus.cache_dir.glob(".*.arrow"))
    monkeypatch.setattr(pa, "OSFile", real)
    pd.testing.assert_frame_equal(load_corpus(path, boilerplate=False).articles, expected.articles)  # cached
