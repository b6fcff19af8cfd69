"""workbench.cache: one commit point, checksums verified on load, ordinary permissions.

Fault tests (issue 15, item 5): a load killed at each write of the cache, then reloaded, gives the
same articles and tables as a clean load; every kind of cache file, damaged by one flipped bit or 64
random bytes, is detected (a warning) and rebuilt, never served.
"""

from __future__ import annotations

import os
import random
import shutil
import stat
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from workbench import cache as cachestore
from workbench import load_corpus
from workbench.tables import NOT_ROWS, TABLES

#: The cache files of a loaded corpus with its tables, by kind (globs under the corpus's cache folder).
KINDS = {
    "manifest": "corpus.json",
    "articles": "corpus.articles.*.arrow",
    "problems": "corpus.problems.*.parquet",
    "table manifest": "tables/mentions-*.json",
    "table rows": "tables/mentions-*.rows.*.parquet",
    "table coverage": "tables/dates-*.coverage.*.parquet",
    "boilerplate manifest": "boilerplate.json",
    "boilerplate patterns": "boilerplate.patterns.*.parquet",
    "boilerplate ranges": "boilerplate.ranges.*.arrow",
}


@pytest.fixture
def corpus_folder(folder, write_article):
    """The three-article folder plus a CSV with one good row and one bad row (so there are problems)."""
    write_article(
        folder, "d", "2031-03-01", body="Officials in Velmora said last week that Anna Berg met Northwind leaders."
    )
    (folder / "t.csv").write_text(
        "id,date,text\n"
        'row1,2031-04-01,"Velmora Courier reported on Monday that talks resume."\n'
        'row2,2031-04-02,"never closed\n'
    )
    return folder


def snapshot(corpus) -> dict[str, pd.DataFrame]:
    """Articles, problems and every derived table, in comparable form."""
    frames = {"articles": corpus.articles, **{name: corpus.table(name) for name in TABLES}, "errors": corpus.errors}
    return {name: frame.reset_index(drop=True).astype(str) for name, frame in frames.items()}


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)


def cache_root(cache_dir: Path) -> Path:
    (root,) = [p for p in cache_dir.iterdir() if p.is_dir()]
    return root


def load_quietly(folder: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean cache gives no warning
        return snapshot(load_corpus(folder))


# -- commit point --------------------------------------------------------------------------


class Killed(BaseException):
    """Stands for kill -9 or a full disk: the process stops in the middle of a cache write."""


def test_a_load_killed_at_each_write_then_reloaded_is_the_same(corpus_folder, cache_dir, monkeypatch, write_article):
    clean_before = snapshot(load_corpus(corpus_folder, cache=False))
    assert_same(load_quietly(corpus_folder), clean_before)  # the cache now holds the first version
    saved = cache_dir.parent / "saved"
    shutil.copytree(cache_dir, saved)
    # the change an incremental load writes: two new articles, one changed, one gone
    write_article(corpus_folder, "e", "2031-05-01", body="Anna Berg said next week the Velmora talks resume.")
    write_article(corpus_folder, "f", "2031-05-02")
    write_article(corpus_folder, "a", "2031-01-01", body="A changed fictional event happened in Velmora.")
    (corpus_folder / "c.txt").unlink()
    clean_after = snapshot(load_corpus(corpus_folder, cache=False))

    real = cachestore.write_atomic
    writes: list[Path] = []

    def counting(path, write):
        writes.append(path)
        return real(path, write)

    monkeypatch.setattr(cachestore, "write_atomic", counting)
    snapshot(load_corpus(corpus_folder))
    total = len(writes)
    assert total >= 3 * (1 + len(TABLES))  # two data files and a manifest for the corpus and each table
    monkeypatch.setattr(cachestore, "write_atomic", real)

    for kill_at in range(1, total + 1):
        shutil.rmtree(cache_dir)
        shutil.copytree(saved, cache_dir)
        count = 0

        def dying(path, write, kill_at=kill_at):
            nonlocal count
            count += 1
            if count == kill_at:  # half a file under its temporary name, then the process is gone
                tmp = path.parent / f".{path.name}.killed.tmp"
                write(tmp)
                with open(tmp, "r+b") as handle:
                    handle.truncate(tmp.stat().st_size // 2)
                raise Killed(f"killed at write {kill_at} ({path.name})")
            return real(path, write)

        monkeypatch.setattr(cachestore, "write_atomic", dying)
        with pytest.raises(Killed):
            snapshot(load_corpus(corpus_folder))
        monkeypatch.setattr(cachestore, "write_atomic", real)
        again = snapshot(load_corpus(corpus_folder))
        assert_same(again, clean_after)
        assert not again["articles"]["article_id"].str.contains("~").any(), (
            f"duplicated articles after a kill at write {kill_at}"
        )
        assert_same(load_quietly(corpus_folder), clean_after)


def test_the_articles_cache_is_written_while_the_boilerplate_is_found(folder, cache_dir, monkeypatch):
    import threading

    from workbench import boilerplate, ingest

    searching = threading.Event()
    real_commit, real_mark = ingest._commit_articles, boilerplate.mark

    def commit(*args, **kwargs):
        assert searching.wait(60), "the articles were written before the boilerplate search began"
        real_commit(*args, **kwargs)

    monkeypatch.setattr(ingest, "_commit_articles", commit)
    monkeypatch.setattr(boilerplate, "mark", lambda *a, **k: searching.set() or real_mark(*a, **k))
    first = snapshot(load_corpus(folder))
    assert list(cache_dir.glob("*/corpus.json"))  # committed before load_corpus returned
    monkeypatch.undo()
    assert_same(load_quietly(folder), first)


def test_a_failed_write_keeps_the_previous_cache(folder, cache_dir, monkeypatch, write_article):
    first = load_quietly(folder)

    def full_disk(path, write):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cachestore, "write_atomic", full_disk)
    write_article(folder, "d", "2031-03-01")
    with pytest.warns(UserWarning, match="No space left"):
        assert len(load_corpus(folder)) == 4
    monkeypatch.undo()
    assert len(load_quietly(folder)["articles"]) == 4
    (folder / "d.txt").unlink()
    assert_same(load_quietly(folder), first)


# -- checksums -----------------------------------------------------------------------------


def flip_bit(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    i = rng.randrange(len(data))
    data[i] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def random_bytes(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    i = rng.randrange(max(len(data) - 64, 1))
    data[i : i + 64] = rng.randbytes(64)
    path.write_bytes(bytes(data[: len(path.read_bytes())]))


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("damage", [flip_bit, random_bytes], ids=["flipped bit", "64 random bytes"])
def test_damaged_cache_files_are_detected_and_rebuilt(corpus_folder, cache_dir, kind, damage):
    clean = snapshot(load_corpus(corpus_folder, cache=False))
    assert_same(load_quietly(corpus_folder), clean)
    (target,) = cache_root(cache_dir).glob(KINDS[kind])
    rng = random.Random(f"{kind}-{damage.__name__}")
    for _ in range(3):  # three places in the file, each detected
        damage(target, rng)
        with pytest.warns(UserWarning, match="corrupt"):
            assert_same(snapshot(load_corpus(corpus_folder)), clean)
        assert_same(load_quietly(corpus_folder), clean)  # rebuilt: clean again
        (target,) = cache_root(cache_dir).glob(KINDS[kind])


def test_a_file_is_checked_against_its_manifest(tmp_path):
    manifest = tmp_path / "x.json"
    cachestore.commit(manifest, {"rows": (".bin", lambda p: p.write_bytes(b"abc" * 100))}, code="v1")
    body, read = cachestore.open_committed(manifest, {"rows": Path.read_bytes}, expect={"code": "v1"})
    assert read["rows"] == b"abc" * 100 and body["code"] == "v1"
    assert (
        cachestore.open_committed(manifest, {"rows": Path.read_bytes}, expect={"code": "v2"}) is None
    )  # stale, no warning
    (data,) = tmp_path.glob("x.rows.*.bin")
    data.write_bytes(b"abd" * 100)  # same size, other content
    with pytest.warns(UserWarning, match="checksum mismatch"):
        assert cachestore.open_committed(manifest, {"rows": Path.read_bytes}) is None


def test_an_untouched_file_is_not_read_again_but_a_touched_one_or_one_after_a_reboot_is(tmp_path, monkeypatch):
    manifest = tmp_path / "x.json"
    cachestore.commit(manifest, {"rows": (".bin", lambda p: p.write_bytes(b"abc" * 100))})
    (data,) = tmp_path.glob("x.rows.*.bin")
    read = []
    real = cachestore.file_crc
    monkeypatch.setattr(cachestore, "file_crc", lambda path: read.append(path) or real(path))
    monkeypatch.setattr(cachestore, "_VERIFIED", {})  # a new process
    assert cachestore.open_committed(manifest, {"rows": Path.read_bytes}) is not None and read == []
    monkeypatch.setattr(cachestore, "_boot_id", lambda: "another boot")
    assert cachestore.open_committed(manifest, {"rows": Path.read_bytes}) is not None and read == [data]
    monkeypatch.undo()
    written = data.stat().st_mtime_ns
    data.write_bytes(b"abd" * 100)  # same size, other bytes: a write, so a new modification time
    os.utime(data, ns=(written + 10**9, written + 10**9))  # (a second later: clocks tick in milliseconds)
    with pytest.warns(UserWarning, match="checksum mismatch"):
        assert cachestore.open_committed(manifest, {"rows": Path.read_bytes}) is None


def test_a_rewrite_that_sets_the_modification_time_back_is_caught(tmp_path, monkeypatch):
    manifest = tmp_path / "x.json"
    cachestore.commit(manifest, {"rows": (".bin", lambda p: p.write_bytes(b"abc" * 100))})
    (data,) = tmp_path.glob("x.rows.*.bin")
    before = data.stat()
    time.sleep(0.01)
    data.write_bytes(b"abd" * 100)  # same size, same inode, other bytes ...
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))  # ... and the old modification time
    assert data.stat().st_mtime_ns == before.st_mtime_ns and data.stat().st_ino == before.st_ino
    monkeypatch.setattr(cachestore, "_VERIFIED", {})  # a new process
    with pytest.warns(UserWarning, match="checksum mismatch"):
        assert cachestore.open_committed(manifest, {"rows": Path.read_bytes}) is None


def test_a_manifest_of_the_earlier_format_is_read(tmp_path):
    import json
    import zlib

    body = {"code": "v1", "files": {}}
    text = json.dumps(body, sort_keys=True)
    (tmp_path / "x.json").write_text(json.dumps({"body": body, "crc32": zlib.crc32(text.encode())}))
    assert cachestore.open_committed(tmp_path / "x.json", {}, expect={"code": "v1"}) == (body, {})


def test_a_new_commit_removes_the_files_it_replaces(tmp_path):
    manifest = tmp_path / "x.json"
    for content in (b"one", b"two", b"three"):
        cachestore.commit(manifest, {"rows": (".bin", lambda p, c=content: p.write_bytes(c))})
    assert [p.read_bytes() for p in tmp_path.glob("x.rows.*.bin")] == [b"three"]


def test_old_leftovers_are_pruned_only_by_a_commit_that_prunes(tmp_path, monkeypatch):
    manifest = tmp_path / "x.json"
    leftover = tmp_path / "x.rows.0123456789abcdef.bin"  # a commit that stopped before its manifest
    leftover.write_bytes(b"half")
    old = time.time() - cachestore.ORPHAN_SECONDS - 60
    os.utime(leftover, (old, old))
    write = {"rows": (".bin", lambda p: p.write_bytes(b"one"))}
    listed = []
    monkeypatch.setattr(
        Path, "glob", lambda self, pattern, _glob=Path.glob: listed.append(pattern) or _glob(self, pattern)
    )
    cachestore.commit(manifest, write, prune=False)  # a delta: a name of its own, no listing of its folder
    assert leftover.exists() and not listed
    assert cachestore.open_committed(manifest, {"rows": Path.read_bytes}) is not None
    cachestore.commit(manifest, write)
    assert not leftover.exists() and listed
    assert [p.read_bytes() for p in tmp_path.glob("x.rows.*.bin")] == [b"one"]


# -- permissions ---------------------------------------------------------------------------


def test_cache_files_respect_the_umask(folder, cache_dir):
    old = os.umask(0o022)
    try:
        load_corpus(folder).table("sentences")
    finally:
        os.umask(old)
    files = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert len(files) >= 6
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {oct(0o644)}


# -- the code a table's rows depend on ---------------------------------------------------------


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory) -> Path:
    """A copy of the package's sources and data files, to edit."""
    target = tmp_path_factory.mktemp("tree") / "workbench"
    shutil.copytree(cachestore.PACKAGE_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


@pytest.mark.parametrize(
    ("edited", "changes"),
    [
        ("charts/cooccurrence.py", False),  # a chart: not imported by the extractors
        ("reports/__init__.py", False),
        ("cache.py", False),  # storage: versioned by tables.STORAGE_VERSION, not by its code
        ("ner/rules.py", True),  # the default NER backend, imported inside a function of ner/__init__.py
        ("ner/spacy_backend.py", True),  # a backend family (BACKEND_FAMILIES), imported inside a function
        ("sentences.py", True),  # imported by attribution: its rows are input
        ("layout.py", True),  # imported by ner/__init__.py
        ("data/people.csv", True),  # a word list, read by name
    ],
)
def test_closure_fingerprint_follows_the_extractors_imports_and_data(package_copy, edited, changes):
    def tag() -> str:
        return cachestore.closure_fingerprint("workbench.attribution", package_dir=package_copy, exclude=NOT_ROWS)

    before = tag()
    file = package_copy / edited
    original = file.read_bytes()
    try:
        file.write_bytes(original + b"\n# edited\n")
        assert (tag() != before) is changes
    finally:
        file.write_bytes(original)
    assert tag() == before


def test_import_closure_of_each_table(package_copy):
    def closure(module: str) -> set[str]:
        files = cachestore.import_closure(module, package_dir=package_copy, exclude=NOT_ROWS)
        return {str(f.relative_to(package_copy)) for f in files}

    sentences, mentions, attributions = (closure(f"workbench.{m}") for m in ("sentences", "ner", "attribution"))
    assert "sentences.py" in sentences and "ner/__init__.py" not in sentences
    assert {"ner/__init__.py", "ner/rules.py", "ner/combined.py", "ner/spacy_backend.py"} <= mentions
    assert mentions | {"attribution/__init__.py", "sentences.py"} <= attributions
    plumbing = {"__init__.py", "cache.py", "corpus.py", "tables.py", "engines.py", "ingest.py", "partials.py"}
    assert not plumbing & attributions  # the table plumbing never invalidates the cached tables
    assert not {f for f in attributions if f.startswith(("charts/", "reports/", "reuse/"))}


def test_imports_reads_what_ast_reads_in_every_module():
    import ast

    for file in sorted(cachestore.PACKAGE_DIR.rglob("*.py")):
        source = file.read_text(encoding="utf-8")
        want = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                want |= {(None, a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                want |= {("." * node.level + (node.module or ""), a.name) for a in node.names}
        got = {(module, name) for module, names in cachestore.imports(source) for name in names}
        assert got == want, file


def test_imports_of_odd_statements():
    source = (
        "import a.b as c, d\n"
        "from . import x  # comment\n"
        "from ..y import (\n    p,  # why\n    q as r,\n)\n"
        "def f():\n    from workbench.ner import rules\n"
        '""">>> import not_this"""\n'
    )
    assert cachestore.imports(source) == [
        (None, ["a.b", "d"]),
        (".", ["x"]),
        ("..y", ["p", "q"]),
        ("workbench.ner", ["rules"]),
    ]
