"""Corpora at an fsspec URL (issue 12, item 3): the same frames as the same files in a local folder."""

from __future__ import annotations

import shutil
import uuid

import pandas as pd
import pytest
from click.testing import CliRunner

from workbench import ingest as ingest_module
from workbench import load_corpus
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.readers import urls
from workbench.readers.urls import is_url

fsspec = pytest.importorskip("fsspec")


@pytest.fixture
def local(tmp_path, fixtures_dir):
    """A local corpus of every format: seed files (a broken file, Latin-1, bad dates), a manifest folder,
    CSV/TSV/JSONL tables and a Parquet table."""
    root = tmp_path / "local"
    for name in ("corpus", "manifest", "tables"):
        shutil.copytree(fixtures_dir / name, root / name)
    pd.DataFrame(
        {"id": ["p1", "p2"], "date": ["2031-01-02", "not a date"], "text": ["Parquet one, Velmora.", "Parquet two."]}
    ).to_parquet(root / "tables" / "more.parquet")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "skip.txt").write_text("date 2031-01-01 Never read.\n")
    return root


@pytest.fixture
def memory(local):
    """The same files at a ``memory://`` URL (removed after the test)."""
    fs = fsspec.filesystem("memory")
    base = f"memory://wb-{uuid.uuid4().hex[:8]}"
    for path in local.rglob("*"):
        if path.is_file():
            fs.pipe(f"{base}/{path.relative_to(local).as_posix()}", path.read_bytes())
    yield base
    fs.rm(base, recursive=True)


def _as_local(frame: pd.DataFrame, url: str, local) -> pd.DataFrame:
    """The frame with the URL prefix of every string cell replaced by the local folder."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == "string" or frame[column].dtype == object:
            frame[column] = (
                frame[column]
                .map(lambda v: v.replace(url, str(local)) if isinstance(v, str) else v)
                .astype(frame[column].dtype)
            )
    return frame


def assert_same_as_local(corpus, url: str, local) -> None:
    want = load_corpus(local, cache=False)
    assert len(want) > 10 and (want.errors["severity"] == "error").any()
    assert set(want.articles["format"]) == {"seed", "table", "manifest"}
    pd.testing.assert_frame_equal(_as_local(corpus.articles, url, local), want.articles)
    pd.testing.assert_frame_equal(_as_local(corpus.errors, url, local), want.errors)


def test_is_url():
    assert is_url("memory://corpus/") and is_url("s3://bucket/news/") and is_url("file:///data/news")
    assert not is_url("/data/news") and not is_url("news") and not is_url(None)


def test_a_memory_url_loads_as_the_local_folder(memory, local):
    corpus = load_corpus(f"{memory}/", cache=False)
    assert corpus.articles["path"].str.startswith(f"{memory}/").all()  # each file known by its URL
    assert corpus.errors["path"].str.startswith(f"{memory}/").all()  # and so are its problems
    assert_same_as_local(corpus, memory, local)


def test_a_file_url_loads_as_the_local_folder(local):
    url = f"file://{local.as_posix()}"
    assert_same_as_local(load_corpus(url, cache=False), url, local)


def test_one_file_at_a_url(memory, local):
    corpus = load_corpus(f"{memory}/tables/articles.csv", cache=False)
    want = load_corpus(local / "tables" / "articles.csv", cache=False)
    pd.testing.assert_frame_equal(_as_local(corpus.articles, memory, local), want.articles)
    pd.testing.assert_frame_equal(_as_local(corpus.errors, memory, local), want.errors)


def test_a_missing_url_is_a_clear_error(memory):
    with pytest.raises(WorkbenchError, match=f"corpus URL does not exist: {memory}/nothing-here"):
        load_corpus(f"{memory}/nothing-here/", cache=False)
    with pytest.raises(WorkbenchError, match=r"no reader for files ending \.bin"):
        fsspec.filesystem("memory").pipe(f"{memory}/x.bin", b"\x00")
        load_corpus(f"{memory}/x.bin", cache=False)
    with pytest.raises(WorkbenchError, match="storage_options are for a corpus at a URL"):
        load_corpus(".", storage_options={"anon": True}, cache=False)


def test_a_file_gone_after_the_listing_is_a_problem_naming_its_url(memory, monkeypatch):
    fs = fsspec.filesystem("memory")
    cat_file = type(fs).cat_file

    def gone(self, path, *args, **kwargs):
        if str(path).endswith("good.txt"):
            raise FileNotFoundError(2, "No such file or directory")
        return cat_file(self, path, *args, **kwargs)

    monkeypatch.setattr(type(fs), "cat_file", gone)
    corpus = load_corpus(f"{memory}/corpus/", cache=False)
    row = corpus.errors[corpus.errors["reason"] == "unreadable"].iloc[0]
    assert row["path"] == f"{memory}/corpus/good.txt"
    assert row["detail"] == "cannot read: No such file or directory"


def test_the_reader_cache_knows_files_at_a_url_by_size_and_tag(memory, cache_dir, monkeypatch):
    url = f"{memory}/corpus/"
    first = load_corpus(url)
    read = []
    real = ingest_module.read_batch

    def recorded(units, *args):
        read.extend(u.key for u in units)
        return real(units, *args)

    monkeypatch.setattr(ingest_module, "read_batch", recorded)
    warm = load_corpus(url)
    assert read == []  # a warm load reads nothing
    pd.testing.assert_frame_equal(warm.articles, first.articles)
    pd.testing.assert_frame_equal(warm.errors, first.errors)
    fs = fsspec.filesystem("memory")
    fs.pipe(f"{url}good.txt", b"date 2031-05-05 A rewritten article, longer than before.\n\nSource: Velmora Courier\n")
    changed = load_corpus(url)
    assert read == [f"{url}good.txt"]
    assert "A rewritten article" in changed.articles.set_index("article_id").loc["good", "text"]
    assert list(cache_dir.iterdir()) and not any(is_url(str(p)) for p in cache_dir.iterdir())


def test_storage_options_reach_the_file_system(memory, monkeypatch):
    seen = []
    real = urls.filesystem

    def recorded(url, storage_options=None):
        fs, path = real(url, storage_options)
        seen.append(fs.storage_options)
        return fs, path

    monkeypatch.setattr(urls, "filesystem", recorded)
    units, _ = urls.discover(f"{memory}/tables/", storage_options={"note": "x"})
    assert units and all(u.fs.storage_options == {"note": "x"} for u in units)
    result = CliRunner().invoke(main, ["ingest", f"{memory}/tables/", "--json", "--storage-option", 'note={"a": 1}'])
    assert result.exit_code == 0, result.output
    assert f'"root": "{memory}/tables/"' in result.output
    assert seen[-1] == {"note": {"a": 1}}  # a value that reads as JSON is taken as such


def test_ingest_a_url(memory, cache_dir):
    result = CliRunner().invoke(main, ["ingest", f"{memory}/tables/", "--storage-option", "nope"])
    assert result.exit_code == 2 and "is not KEY=VALUE" in result.output
    result = CliRunner().invoke(main, ["ingest", f"{memory}/gone/"])
    assert result.exit_code == 2 and f"corpus URL does not exist: {memory}/gone/" in result.output


def test_an_unknown_protocol_or_a_missing_package_names_the_url():
    with pytest.raises(WorkbenchError, match="nosuchproto://x/: Protocol not known"):
        load_corpus("nosuchproto://x/", cache=False)
    try:
        import s3fs  # noqa: F401
    except ImportError:
        with pytest.raises(WorkbenchError, match="s3://bucket/news/: the package for this protocol is not installed"):
            load_corpus("s3://bucket/news/", cache=False)
