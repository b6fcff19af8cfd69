"""The Dask engine (issue 12, item 3): every table computed as tasks on a LocalCluster equals the pandas engine's."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from workbench import config, ingest, load_corpus, readers, tables
from workbench.engines import table_order
from workbench.errors import WorkbenchError
from workbench.tables import TABLES


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in ("article_id", "sentence", "start", "end") if c in frame.columns]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def assert_engines_agree(folder, cache_dir, monkeypatch, client) -> None:
    pandas_engine = load_corpus(folder, cache=False)
    want = {name: _sorted(pandas_engine.table(name)) for name in TABLES}
    dask_engine = load_corpus(folder, engine="dask", scheduler=client)
    manifests = list(cache_dir.glob("*/tables/*-p*.json"))
    assert {m.name.split("-")[0] for m in manifests} >= set(TABLES)
    computed = []
    run = tables._run

    def recorded(spec, name, articles, *args, **kwargs):
        computed.extend(f"{name}:{a}" for a in articles["article_id"])
        return run(spec, name, articles, *args, **kwargs)

    monkeypatch.setattr(tables, "_run", recorded)  # every row must come from the cache now
    for name in TABLES:
        pd.testing.assert_frame_equal(_sorted(dask_engine.table(name)), want[name], obj=name)
    assert computed == []


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_table_order_puts_needs_first():
    order = table_order(["attributions"])
    assert order.index("sentences") < order.index("mentions") < order.index("attributions")
    with pytest.raises(WorkbenchError, match="unknown table"):
        table_order(["nope"])


def test_the_dask_engine_needs_the_cache(folder):
    with pytest.raises(WorkbenchError, match="cache=True"):
        load_corpus(folder, engine="dask", cache=False)


def test_dask_tables_equal_pandas_tables(folder, cache_dir, monkeypatch, client, write_article):
    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 2)  # several partitions, hence several tasks per table
    for i in range(5):
        write_article(
            folder,
            f"d{i}",
            f"2031-03-0{i + 1}",
            body=f"Anna Berg told the Velmora Courier on Monday that talks resume on day {i}.",
        )
    assert_engines_agree(folder, cache_dir, monkeypatch, client)


def test_each_partition_goes_to_the_cluster_once_and_a_few_at_a_time(
    folder, cache_dir, monkeypatch, client, write_article
):
    from workbench import engines

    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 1)  # a partition an article, about
    monkeypatch.setattr(engines, "PARTITIONS_PER_WORKER", 1)  # 2 on the cluster at once: refilled as they finish
    for i in range(6):
        write_article(folder, f"w{i}", f"2031-04-0{i + 1}", body=f"Anna Berg told the Velmora Courier on day {i}.")
    scattered, taken = [], []
    real = client.scatter
    monkeypatch.setattr(client, "scatter", lambda data, **kw: scattered.append(len(data)) or real(data, **kw))
    # chunk by chunk (tables.take): Arrow's take joins the whole memory-mapped text column for each partition
    monkeypatch.setattr(engines, "take", lambda frame, idx: taken.append(len(idx)) or tables.take(frame, idx))
    assert_engines_agree(folder, cache_dir, monkeypatch, client)
    corpus = load_corpus(folder, cache=False)
    partitions = len(set(tables.buckets(corpus.articles["article_id"], corpus.level)))
    assert len(scattered) == partitions > 2 * sum(client.nthreads().values())  # once each, for every table
    assert sum(scattered) == len(corpus.articles)
    assert taken == scattered


def test_ingest_on_a_scheduler_fills_the_cache(folder, cache_dir, client):
    from click.testing import CliRunner

    from workbench.cli import main

    address = client.scheduler.address
    assert address.startswith("tcp://")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--scheduler", address])
    assert result.exit_code == 0, result.output
    assert {m.name.split("-")[0] for m in cache_dir.glob("*/tables/*-p*.json")} >= set(TABLES)


@pytest.mark.shared
@pytest.mark.slow
def test_dask_tables_equal_pandas_tables_on_polnear(polnear_dir, tmp_path, monkeypatch, client):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 300)
    assert_engines_agree(polnear_dir, tmp_path / "cache", monkeypatch, client)


@pytest.fixture(scope="module")
def process_client():
    """A LocalCluster of 2 worker processes (not threads): what runs there runs outside this process."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture
def mixed(tmp_path, fixtures_dir):
    """Seed files (one empty, one Latin-1, bad dates), a manifest folder and tables: problems of every kind."""
    root = tmp_path / "mixed"
    for name in ("corpus", "manifest", "tables"):
        shutil.copytree(fixtures_dir / name, root / name)
    (root / "corpus" / "utf16.txt").write_bytes(
        "date 2031-04-01 Ödön Vale spoke in Velmora.\n\nSource: Velmora Courier\n".encode("utf-16")
    )
    return root


def _read_tasks(stream) -> list[dict]:
    return [task for task in stream.data if str(task["key"]).startswith("read_batch")]


def test_readers_run_as_tasks_on_the_workers(mixed, cache_dir, monkeypatch, process_client):
    from distributed import get_task_stream

    monkeypatch.setattr(ingest, "READ_BATCH_FILES", 4)  # several batches, gathered in order
    want = load_corpus(mixed, cache=False)
    assert {"empty", "encoding", "bad_date", "missing_file"} <= set(want.errors["reason"])
    with get_task_stream(process_client) as stream:
        got = load_corpus(mixed, engine="dask", scheduler=process_client)
    pd.testing.assert_frame_equal(got.articles, want.articles)
    pd.testing.assert_frame_equal(got.errors, want.errors)
    pids = process_client.run(os.getpid)
    units = len(readers.discover(mixed)[0])
    reads = _read_tasks(stream)
    assert len(reads) == -(-units // 4) > 1
    assert {pids[task["worker"]] for task in reads} <= set(pids.values()) - {os.getpid()}  # parsed in the workers
    with get_task_stream(process_client) as stream:
        warm = load_corpus(mixed, engine="dask", scheduler=process_client)
    assert _read_tasks(stream) == []  # a warm load reads nothing
    pd.testing.assert_frame_equal(warm.articles, want.articles)
    pd.testing.assert_frame_equal(warm.errors, want.errors)


def test_the_dask_engine_reads_a_file_url(mixed, cache_dir, client):
    from distributed import get_task_stream

    url = f"file://{mixed.as_posix()}"
    want = load_corpus(mixed, cache=False)
    with get_task_stream(client) as stream:
        got = load_corpus(url, engine="dask", scheduler=client)
    assert len(_read_tasks(stream)) == 1
    assert got.articles["path"].str.startswith(url + "/").all()
    for column in ("path",):
        got.articles[column] = got.articles[column].str.replace(url, str(mixed), regex=False)
        got.errors[column] = got.errors[column].str.replace(url, str(mixed), regex=False)
    got.errors["detail"] = got.errors["detail"].str.replace(url, str(mixed), regex=False)
    pd.testing.assert_frame_equal(got.articles, want.articles)
    pd.testing.assert_frame_equal(got.errors, want.errors)


def test_workers_drop_the_rows_of_deleted_files(folder, cache_dir, process_client, write_article, cached_keys):
    names = [f"d{i}" for i in range(9)]
    for i, name in enumerate(names):
        write_article(folder, name, f"2031-03-0{i + 1}", body=f"Anna Berg met Velmora officials on day {i}.")
    load_corpus(folder, engine="dask", scheduler=process_client)
    for name in names[:4]:  # a third of the one partition: its next commit, on a worker, rewrites it
        (folder / f"{name}.txt").unlink()
    write_article(folder, "d9", "2031-03-10", body="Anna Berg met Velmora officials again.")
    again = load_corpus(folder, engine="dask", scheduler=process_client)
    for name in TABLES:
        covered, rowed = cached_keys(again, name)
        assert covered == set(again._keys()) and rowed <= covered, name
