"""A cache at a URL (``workbench.mirror``): the local cache folder kept in step with a remote folder.

The rules are checked against a ``file://`` folder (fast, and any fsspec file system is driven the same
way), then the whole path against S3 itself, served by moto's S3 server: a load, a table computed on
one machine and read on another without computing it, new files on the second machine, and the Dask
engine's workers writing their partitions through their own mirrors.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from workbench import config, load_corpus, tables
from workbench.errors import WorkbenchError
from workbench.mirror import STATE, Mirror
from workbench.tables import TABLES


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


@pytest.fixture
def remote(tmp_path) -> tuple[str, Path]:
    folder = tmp_path / "remote"
    folder.mkdir()
    return f"file://{folder}", folder


def _mirror(remote, tmp_path, name="here") -> Mirror:
    return Mirror(remote[0], tmp_path / name)


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# -- the rules, on a folder at a file:// URL -----------------------------------------------------------


def test_push_sends_data_files_before_the_manifests_and_never_dot_files(remote, tmp_path):
    mirror = _mirror(remote, tmp_path)
    _write(mirror.local / "corpus.json", b"{}")
    _write(mirror.local / "corpus.articles.aa.arrow", b"a" * 10)
    _write(mirror.local / "tables" / "t-p0-00000.json", b"{}")
    _write(mirror.local / "tables" / "t-p0-00000.rows.bb.parquet", b"b" * 5)
    _write(mirror.local / ".staged-1.arrow", b"x")
    _write(mirror.local / "tables" / ".t-p0-00000.json.ab.tmp", b"x")
    calls = []
    put = mirror._put
    mirror._put = lambda rels: (calls.append(rels), put(rels))
    moved = mirror.push()
    assert calls == [
        ["corpus.articles.aa.arrow", "tables/t-p0-00000.rows.bb.parquet"],
        ["corpus.json", "tables/t-p0-00000.json"],
    ]
    assert (moved.files, moved.bytes) == (4, 19)
    assert _tree(remote[1]) == _tree(mirror.local)
    assert not list(remote[1].rglob(".*"))
    assert mirror.push().files == 0  # nothing changed since


def test_pull_fetches_only_what_changed_and_a_second_machine_gets_the_same_folder(remote, tmp_path):
    first = _mirror(remote, tmp_path, "first")
    _write(first.local / "corpus.json", b"one")
    _write(first.local / "corpus.articles.aa.arrow", b"a" * 10)
    first.push()
    second = _mirror(remote, tmp_path, "second")
    assert second.pull().files == 2
    assert _tree(second.local) == _tree(first.local)
    assert second.pull().files == 0
    _write(first.local / "corpus.json", b"two, longer")  # a new commit on the first machine
    first.push()
    moved = second.pull()
    assert moved.files == 1
    assert (second.local / "corpus.json").read_bytes() == b"two, longer"


def test_removals_travel_both_ways_but_never_remove_a_newer_file(remote, tmp_path):
    first = _mirror(remote, tmp_path, "first")
    old = _write(first.local / "t.rows.old.parquet", b"old")
    _write(first.local / "t.json", b"names old")
    first.push()
    second = _mirror(remote, tmp_path, "second")
    second.pull()
    old.unlink()  # a commit on the first machine superseded it
    _write(first.local / "t.rows.new.parquet", b"new")
    _write(first.local / "t.json", b"names new")
    first.push()
    assert not (remote[1] / "t.rows.old.parquet").exists()
    assert second.pull().removed == 1
    assert _tree(second.local) == _tree(first.local)
    # a file removed on the remote but changed here since is kept, and sent by the next push
    _write(second.local / "t.rows.new.parquet", b"changed here")
    (remote[1] / "t.rows.new.parquet").unlink()
    second.pull()
    assert (second.local / "t.rows.new.parquet").read_bytes() == b"changed here"
    second.push()
    assert (remote[1] / "t.rows.new.parquet").read_bytes() == b"changed here"
    # a file removed here is not removed from the remote once someone else wrote it again
    first.pull()
    (second.local / "t.json").unlink()
    _write(first.local / "t.json", b"rewritten elsewhere")
    first.push()
    second.push()
    assert (remote[1] / "t.json").read_bytes() == b"rewritten elsewhere"


def test_the_remote_wins_a_pull_when_both_sides_changed(remote, tmp_path):
    first, second = _mirror(remote, tmp_path, "first"), _mirror(remote, tmp_path, "second")
    _write(first.local / "m.json", b"1")
    first.push()
    second.pull()
    _write(second.local / "m.json", b"22")
    _write(first.local / "m.json", b"333")
    first.push()
    second.pull()
    assert (second.local / "m.json").read_bytes() == b"333"


def test_a_manifest_listed_without_its_files_gets_them(remote, tmp_path):
    """A listing is not a snapshot: a commit may land between the listing of its data files and of its
    manifest. The data files a fetched manifest names are then fetched by name."""
    from workbench.cache import commit

    first = _mirror(remote, tmp_path, "first")
    commit(first.local / "tables" / "t-p0-00000.json", {"rows": (".parquet", lambda p: p.write_bytes(b"rows"))})
    first.push()
    second = _mirror(remote, tmp_path, "second")
    listing = second._remote

    def without_data(prefixes):
        return {rel: sig for rel, sig in listing(prefixes).items() if rel.endswith(".json")}

    second._remote = without_data
    second.pull()
    assert _tree(second.local) == _tree(first.local)


def test_prefixes_limit_a_pull_and_a_push(remote, tmp_path):
    first = _mirror(remote, tmp_path, "first")
    _write(first.local / "tables" / "a-p0-00000.json", b"a")
    _write(first.local / "tables" / "b-p0-00000.json", b"b")
    assert first.push(prefixes=["tables/a-"]).files == 1
    assert sorted(_tree(remote[1])) == ["tables/a-p0-00000.json"]
    first.push()
    second = _mirror(remote, tmp_path, "second")
    second.pull(prefixes=["tables/b-"])
    assert sorted(_tree(second.local)) == ["tables/b-p0-00000.json"]


def test_a_lost_state_file_costs_downloads_not_data(remote, tmp_path):
    first = _mirror(remote, tmp_path, "first")
    _write(first.local / "d.rows.aa.parquet", b"rows")
    _write(first.local / "d.json", b"manifest")
    first.push()
    (first.local / STATE).unlink()
    moved = first.pull()
    assert moved.files == 1  # the manifest, which may differ; the data file (a unique name) is adopted
    assert _tree(first.local) == _tree(remote[1])


def test_one_pull_or_push_at_a_time_in_a_folder(remote, tmp_path):
    """The kernels of a report run share the mirror on their machine: they take turns (a lock file)."""
    import threading

    from filelock import FileLock

    from workbench.mirror import LOCK

    first = _mirror(remote, tmp_path, "first")
    _write(first.local / "corpus.json", b"{}")
    first.push()
    second = _mirror(remote, tmp_path, "second")
    second.local.mkdir()
    done = threading.Event()
    with FileLock(str(second.local / LOCK)):  # another process syncing this folder
        worker = threading.Thread(target=lambda: (second.pull(), done.set()))
        worker.start()
        assert not done.wait(0.5)
    worker.join(10)
    assert done.is_set() and (second.local / "corpus.json").exists()


def test_an_unknown_protocol_is_a_clear_error(tmp_path):
    with pytest.raises(WorkbenchError, match=r"nope://bucket/cache: .*nope"):
        Mirror("nope://bucket/cache", tmp_path / "here")


def test_a_push_that_fails_warns_and_the_next_one_sends_it(folder, remote, tmp_path, monkeypatch):
    _machine(monkeypatch, tmp_path, "a")
    corpus = load_corpus(folder, cache=remote[0])
    mirror = corpus.mirror
    put = mirror._put

    def refused(rels):
        raise WorkbenchError(f"cache at {mirror.url}: cannot write to it (fictional outage)")

    monkeypatch.setattr(mirror, "_put", refused)
    with pytest.warns(UserWarning, match="fictional outage"):
        frame = corpus.table("sentences")
    assert not list(remote[1].glob("*/tables/*"))
    monkeypatch.setattr(mirror, "_put", put)
    corpus.table("mentions")  # the next push sends both tables
    assert {p.name.split("-")[0] for p in remote[1].glob("*/tables/*-p*.json")} == {"sentences", "mentions"}
    assert len(frame)


# -- load_corpus with a cache at a URL ---------------------------------------------------------------


def _no_computing(monkeypatch) -> list[str]:
    computed: list[str] = []
    run = tables._run

    def recorded(spec, name, articles, *args, **kwargs):
        computed.extend(f"{name}:{a}" for a in articles["article_id"])
        return run(spec, name, articles, *args, **kwargs)

    monkeypatch.setattr(tables, "_run", recorded)
    return computed


def _machine(monkeypatch, tmp_path, name) -> Path:
    """Another machine: a local cache folder of its own."""
    folder = tmp_path / f"machine-{name}"
    monkeypatch.setattr(config, "CACHE_DIR", folder)
    monkeypatch.setattr(config, "MIRRORS_DIR", folder / "mirrors")
    return folder


def test_a_table_computed_on_one_machine_is_read_on_another(folder, remote, tmp_path, monkeypatch, write_article):
    _machine(monkeypatch, tmp_path, "a")
    first = load_corpus(folder, cache=remote[0])
    want = first.table("attributions")
    assert {p.name.split("-")[0] for p in remote[1].glob("*/tables/*-p*.json")} >= {"sentences", "mentions"}
    _machine(monkeypatch, tmp_path, "b")
    computed = _no_computing(monkeypatch)
    second = load_corpus(folder, cache=remote[0])
    assert second.read_now == 0  # the articles came from the cache at the URL, not from the files
    pd.testing.assert_frame_equal(second.table("attributions"), want)
    assert computed == []
    # new files on the second machine: only they are computed, and the first machine then reads them
    write_article(folder, "d", "2031-03-01", body="Anna Berg told the Velmora Courier that talks resume.")
    grown = load_corpus(folder, cache=remote[0])
    assert grown.read_now == 1
    assert grown.update(["mentions"])["mentions"] == 1
    new_id = grown.articles.loc[grown.articles["path"].str.endswith("d.txt"), "article_id"].iloc[0]
    assert {c.split(":", 1)[1] for c in computed} <= {new_id}
    _machine(monkeypatch, tmp_path, "a")
    computed.clear()
    again = load_corpus(folder, cache=remote[0])
    assert again.read_now == 0
    pd.testing.assert_frame_equal(again.mentions, grown.mentions)
    assert computed == []


def test_workbench_cache_may_name_a_url(folder, remote, tmp_path, monkeypatch):
    _machine(monkeypatch, tmp_path, "a")
    monkeypatch.setattr(config, "CACHE_URL", remote[0])
    corpus = load_corpus(folder)
    assert corpus.mirror is not None and corpus.cache_dir.is_relative_to(config.MIRRORS_DIR)
    assert list(remote[1].glob("*/corpus.json"))
    assert load_corpus(folder, cache=False).mirror is None


def test_cache_options_need_a_url(folder, cache_dir):
    with pytest.raises(WorkbenchError, match="cache_options"):
        load_corpus(folder, cache_options={"anon": True})


def test_cache_may_name_a_local_folder(folder, tmp_path, cache_dir):
    corpus = load_corpus(folder, cache=tmp_path / "elsewhere")
    assert corpus.cache_dir.parent == tmp_path / "elsewhere"
    assert corpus.mirror is None and (corpus.cache_dir / "corpus.json").exists()


# -- S3 itself, served by moto -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3():
    """A bucket on moto's S3 server: ``(url, storage options)``."""
    pytest.importorskip("moto.server", reason="moto[s3] and flask are test dependencies (make install-test)")
    pytest.importorskip("s3fs", reason="s3fs is a test dependency (make install-test)")
    from workbench.mirror import moto_bucket

    with moto_bucket("newsroom") as bucket:
        yield bucket


def _s3_files(s3, prefix="") -> list[str]:
    from workbench.readers import urls

    fs, root = urls.filesystem(s3[0], s3[1])
    fs.invalidate_cache()
    return [name[len(root) + 1 :] for name in fs.find(root) if name[len(root) + 1 :].startswith(prefix)]


def test_a_cache_on_s3_serves_a_second_machine(folder, s3, tmp_path, monkeypatch):
    _machine(monkeypatch, tmp_path, "a")
    first = load_corpus(folder, cache=s3[0], cache_options=s3[1])
    want = {name: first.table(name) for name in ("sentences", "mentions")}
    key = first.cache_dir.name
    files = _s3_files(s3, key)
    assert f"{key}/corpus.json" in files and any("/tables/mentions-" in f for f in files)
    _machine(monkeypatch, tmp_path, "b")
    computed = _no_computing(monkeypatch)
    second = load_corpus(folder, cache=s3[0], cache_options=s3[1])
    assert second.read_now == 0
    for name, frame in want.items():
        pd.testing.assert_frame_equal(second.table(name), frame, obj=name)
    assert computed == []
    state = (second.cache_dir / STATE).read_text()
    assert '"remote": "' in state and ':\\"' in state  # S3 signatures are ETags (quoted), not times


def test_a_pull_of_one_partition_lists_only_its_files_on_s3(s3, tmp_path):
    """S3 filters a listing by name on its side: a task reading one partition does not list them all."""
    url = f"{s3[0]}/listing"
    first = Mirror(url, tmp_path / "first", s3[1])
    for bucket in range(6):
        for end in (".json", ".rows.1.parquet", "+1~0.json"):
            _write(first.local / "tables" / f"mentions-ab-p3-{bucket:05d}{end}", b"x")
    _write(first.local / "corpus.json", b"c")
    first.push()
    second = Mirror(url, tmp_path / "second", s3[1])
    listed = []
    real = second.fs.find
    second.fs.find = lambda *a, **kw: listed.append(sorted(found := real(*a, **kw))) or found
    prefixes = ["tables/mentions-ab-p3-00002.", "tables/mentions-ab-p3-00002+", "corpus."]
    assert second.pull(prefixes=prefixes).files == 4
    assert sorted(_tree(second.local)) == [
        "corpus.json",
        "tables/mentions-ab-p3-00002+1~0.json",
        "tables/mentions-ab-p3-00002.json",
        "tables/mentions-ab-p3-00002.rows.1.parquet",
    ]
    assert len(listed) == 3 and sum(map(len, listed)) == 4  # one listing a prefix, each of its own files only


def test_dask_workers_write_their_partitions_to_s3(folder, s3, tmp_path, monkeypatch, write_article):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(tables, "PARTITION_ARTICLES", 2)  # several partitions, hence several tasks per table
    for i in range(4):
        write_article(folder, f"d{i}", f"2031-03-0{i + 1}", body=f"Anna Berg told the Velmora Courier on day {i}.")
    want = load_corpus(folder, cache=False)
    want_tables = {name: want.table(name) for name in TABLES}
    monkeypatch.setenv("TMPDIR", str(tmp_path / "workers-tmp"))  # the workers' task folders, checked below
    (tmp_path / "workers-tmp").mkdir()
    _machine(monkeypatch, tmp_path, "client")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = set(client.run(os.getpid).values())
        loaded = load_corpus(folder, engine="dask", scheduler=client, cache=s3[0], cache_options=s3[1])
    assert os.getpid() not in pids
    files = _s3_files(s3, loaded.cache_dir.name)
    assert {f.split("/")[-1].split("-")[0] for f in files if "/tables/" in f and "-p" in f} >= set(TABLES)
    assert not list((tmp_path / "workers-tmp").iterdir())  # every task's folder is gone
    computed = _no_computing(monkeypatch)
    for name in TABLES:
        pd.testing.assert_frame_equal(loaded.table(name), want_tables[name], obj=name)
    assert computed == []


def test_ingest_fills_a_cache_at_a_url(folder, remote, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from workbench.cli import main

    _machine(monkeypatch, tmp_path, "a")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--cache", remote[0], "--tables"])
    assert result.exit_code == 0, result.output
    assert {p.name.split("-")[0] for p in remote[1].glob("*/tables/*-p*.json")} >= set(TABLES)
    result = CliRunner().invoke(main, ["ingest", str(folder), "--cache", remote[0], "--no-cache"])
    assert result.exit_code == 2 and "contradict" in result.output


def test_a_touched_file_is_not_sent_again_and_the_order_of_writes_travels(remote, tmp_path):
    """``workbench.live`` makes an unchanged record the newest by its modification time: a push does not
    upload a file merely touched, and a pull gives fetched files the remote's times, so that the newest
    record there is the newest here (fetched in name order, the other record would look newest)."""
    first = _mirror(remote, tmp_path, "first")
    plain = _write(first.local / "live" / "plain.parquet", b"plain")
    first.push()
    os.utime(remote[1] / "live" / "plain.parquet", (1_000_000_000, 1_000_000_000))  # written long ago
    _write(first.local / "live" / "boilerplate.parquet", b"boilerplate")
    first.push()
    os.utime(plain)  # made the newest here, unchanged
    assert first.push().files == 0
    second = _mirror(remote, tmp_path, "second")
    second.pull()
    times = {p.name: p.stat().st_mtime for p in (second.local / "live").iterdir()}
    assert times["boilerplate.parquet"] > times["plain.parquet"] == 1_000_000_000


def test_a_report_run_fills_a_cache_named_by_workbench_cache(folder, remote, tmp_path, monkeypatch):
    """Scheduled runs name the cache by environment: the notebooks' kernels load through the mirror."""
    from workbench import reports

    monkeypatch.setenv("WORKBENCH_CACHE", remote[0])
    monkeypatch.setenv("WORKBENCH_MIRRORS", str(tmp_path / "kernel-mirrors"))
    notebook = config.NOTEBOOKS_DIR / "10-entity-cooccurrence.ipynb"
    result = reports.run_reports([notebook], out=tmp_path / "reports", parameters={"corpus": str(folder)})
    assert result.status == "ok", result.failed
    assert list(remote[1].glob("*/corpus.json"))
    assert {p.name.split("-")[0] for p in remote[1].glob("*/tables/*-p*.json")} >= {"sentences", "mentions"}
    assert list((tmp_path / "kernel-mirrors").glob("*/*/corpus.json"))


def test_the_copies_travel_through_the_cache_at_a_url(folder, remote, tmp_path, monkeypatch, write_article):
    from workbench.reuse import copying

    body = " ".join(
        f"Anna Berg told the Velmora Courier that round {word} of the harbour talks resumes on a grey Monday."
        for word in ("one", "two", "three", "four", "five", "six", "seven", "eight")
    )
    write_article(folder, "orig", "2031-03-01", body=body)
    write_article(folder, "copy", "2031-03-02", outlet="Northwind Wire", body=body)
    _machine(monkeypatch, tmp_path, "a")
    want = load_corpus(folder, cache=remote[0]).copies
    assert len(want) and list(remote[1].glob("*/cross/copies-*.parquet"))
    _machine(monkeypatch, tmp_path, "b")

    def not_again(corpus):
        raise AssertionError("the copies were computed again")

    monkeypatch.setattr(copying, "_compute_copies", not_again)
    pd.testing.assert_frame_equal(load_corpus(folder, cache=remote[0]).copies, want)


def test_an_unreachable_store_at_a_load_is_a_clear_error(folder, tmp_path, monkeypatch):
    pytest.importorskip("s3fs", reason="s3fs is a test dependency (make install-test)")
    _machine(monkeypatch, tmp_path, "a")
    nowhere = {
        "key": "fictional",
        "secret": "fictional",
        "client_kwargs": {"endpoint_url": "http://127.0.0.1:9", "region_name": "us-east-1"},  # the discard port
        "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 1},
    }
    with pytest.raises(WorkbenchError, match=r"cache at s3://newsroom/cache/\w+: cannot fetch from it \(\w*Connect"):
        load_corpus(folder, cache="s3://newsroom/cache", cache_options=nowhere)
