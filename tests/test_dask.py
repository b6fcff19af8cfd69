"""The Dask engine (issue 12, item 3): every table computed as tasks on a LocalCluster equals the pandas engine's."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import config, load_corpus, tables
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
