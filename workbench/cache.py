"""The on-disk cache of parsed articles and derived tables, which cannot lie.

Layout under ``CACHE_DIR/<corpus key>/``: ``corpus.json`` (the manifest: a header line with its
checksum, then the code fingerprint, each file's size and modification time, and the data files it
covers), ``corpus.articles.<id>.arrow`` (parsed articles, tagged with their file) and
``corpus.problems.<id>.parquet``; under ``tables/``,
per derived table, a manifest ``<name>-<tag>.json`` naming its ``rows`` and ``coverage`` Parquet
files. The articles are Arrow IPC rather than Parquet because a warm load memory-maps them without
decoding or copying: for 100,000 articles (~300 MB of text) that is a millisecond against 0.5-1.4 s
for Parquet on this kind of machine.

Why it cannot lie:

* **One commit point.** Data files are written first, each under a new name; then one small JSON
  manifest (:func:`commit`) names them with their sizes and CRC-32 checksums, written atomically
  (a temporary file renamed into place). A load that dies, or a disk that fills, before the
  manifest is replaced leaves the previous manifest and the files it names untouched: an
  interrupted incremental load cannot duplicate articles.
* **Verified on load.** :func:`open_committed` checks the manifest's own checksum and every data
  file's size and CRC-32 before anything is served; a flipped bit or a few random bytes make it
  warn and return None, and the caller rebuilds. The CRC-32 of a file is computed from the file
  as written, and again on load unless the file is provably untouched since: the manifest also
  records its modification and change times (ns), its inode and the boot it was written in; any write to
  the file, a copy, a restore or a reboot (a crash can lose writes the disk never got) changes one
  of them. So a warm load reads no more of a file than it uses (the articles of 100,000 articles
  are 330 MB: 0.3-0.4 s of CRC-32 here), and one after a reboot or a change reads it all once.
  Only the manifest's bytes are checksummed as they stand (no re-encoding of a large manifest).
* **Ordinary permissions.** Files are created with the user's umask (not the 0600 of ``mkstemp``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
import warnings
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq

from workbench.config import PACKAGE_DIR

T = TypeVar("T")


@cache
def code_fingerprint(*parts: str) -> str:
    """Hash of the package's source and data files under ``parts`` (all of them when empty).

    Cached tables carry it, so any change to a reader or extractor (or its word lists) rebuilds them.
    """
    return _files_digest(PACKAGE_DIR, [PACKAGE_DIR / p for p in parts] if parts else [PACKAGE_DIR])


def import_closure(module: str, *, package_dir: Path = PACKAGE_DIR, exclude: tuple[str, ...] = ()) -> list[Path]:
    """The source files of ``module`` and of every ``workbench`` module it imports, transitively.

    Imports are read (:func:`imports`), not executed: every ``import`` and ``from ... import`` in the
    file, at any depth (the imports inside functions too, as the NER backends of ``BACKEND_FAMILIES``
    do), absolute or relative; ``from workbench.x import y`` counts ``workbench/x/y.py`` when ``y`` is a
    module. Importing ``workbench.a.b`` runs the package ``workbench/a/__init__.py`` too, which is
    included; the top ``workbench/__init__.py`` only when a name that is not a module is imported from
    it (it re-exports the whole API). A module outside ``workbench`` gives no file.

    Args:
        module: dotted name, e.g. ``"workbench.ner"``.
        package_dir: the folder of the ``workbench`` package (another copy of it, in tests).
        exclude: modules neither counted nor followed (e.g. this storage module, see
            ``workbench.tables.NOT_ROWS``).

    Returns:
        The files, sorted.

    >>> [p.name for p in import_closure("workbench.errors")]
    ['errors.py']
    """
    root = package_dir.name

    files: dict[str, Path | None] = {}

    def file_of(name: str) -> Path | None:
        if name not in files:
            parts = name.split(".")
            files[name] = None
            if parts[0] == root:
                base = package_dir.joinpath(*parts[1:])
                for candidate in (base.with_suffix(".py") if len(parts) > 1 else None, base / "__init__.py"):
                    if candidate is not None and candidate.is_file():
                        files[name] = candidate
                        break
        return files[name]

    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or name in exclude:
            continue
        file = file_of(name)
        if file is None:
            continue
        seen[name] = file
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(2, len(parts)))  # the packages it runs on import
        is_package = file.name == "__init__.py"
        for source, names in imports(file.read_text(encoding="utf-8")):
            if source is None:
                todo.extend(names)
                continue
            dots = len(source) - len(source.lstrip("."))
            if dots:
                anchor = parts if is_package else parts[:-1]
                anchor = anchor[: len(anchor) - (dots - 1)]
                source = ".".join([*anchor, *([source[dots:]] if source[dots:] else [])])
            submodules = [f"{source}.{n}" for n in names]
            todo.extend(s for s in submodules if file_of(s) is not None)
            if source != root or any(file_of(s) is None for s in submodules):
                todo.append(source)
    return sorted(set(seen.values()))


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([.\w]+)[ \t]+)?import[ \t]+(\([^)]*\)|[^\n]*)", re.M)


def imports(source: str) -> list[tuple[str | None, list[str]]]:
    """The import statements of Python source: ``(None, modules)`` for ``import a, b.c``, ``(module,
    names)`` for ``from module import names`` (``module`` keeps its leading dots when relative).

    A line-based reading rather than :mod:`ast` (35x faster: the closures are computed at every load):
    it finds every statement :mod:`ast` finds in formatted code, at any depth (``tests/test_cache.py``
    checks that on every module of the package); a docstring line that starts with ``import`` may add a
    name, which only makes a fingerprint more cautious.
    """
    found = []
    for match in _IMPORT.finditer(source):
        names = re.sub(r"#[^\n]*", "", match.group(2)).replace("\\\n", " ").strip().strip("()")
        items = [n.split(" as ")[0].strip() for n in names.split(",")]
        found.append((match.group(1), [n for n in items if n]))
    return found


def closure_fingerprint(
    module: str, *, package_dir: Path = PACKAGE_DIR, data: str = "data", exclude: tuple[str, ...] = ()
) -> str:
    """Hash of the files of :func:`import_closure` and of every data file under ``package_dir / data``.

    What a derived table's rows depend on: its extractor's code and the word lists (extractors read
    them by name, which an import does not show). Cached tables carry it (``workbench.tables.table_store``),
    so an edit elsewhere in the package (a chart, a report) keeps them. A module outside ``workbench``
    (a table registered from a script) gets the whole package's fingerprint, as before.
    """
    files = import_closure(module, package_dir=package_dir, exclude=exclude)
    if not files:
        return code_fingerprint() if package_dir == PACKAGE_DIR else _files_digest(package_dir, [package_dir])
    return _files_digest(package_dir, [*files, package_dir / data])


def _files_digest(package_dir: Path, roots: list[Path]) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for root in roots:
        files = (
            [root]
            if root.is_file()
            else sorted(p for p in root.rglob("*") if p.suffix in (".py", ".csv", ".txt", ".json"))
        )
        for file in files:
            digest.update(str(file.relative_to(package_dir)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def corpus_key(root: Path, format: str, options: dict) -> str:
    """Cache folder name for a corpus path, format and reader options."""
    text = json.dumps([str(root.resolve()), format, options], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``.

    The temporary file is created by ``write`` itself, so it gets the user's umask (``mkstemp``
    would make it 0600, unreadable to a colleague sharing the cache).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


#: Columns worth dictionary-encoding (few distinct values); long text is stored plain, which reads faster.
_DICTIONARY_COLUMNS = (
    "format",
    "outlet",
    "credit",
    "severity",
    "reason",
    "type",
    "level",
    "kind",
    "source_kind",
    "cue",
    "granularity",
    "how",
)


def frame_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    """A writer of Parquet: uncompressed (a cache is read far more often than written, and
    memory-mapped plain pages load ~10x faster than LZ4), dictionary-encoded only for short repeated values."""
    return table_writer(pa.Table.from_pandas(frame, preserve_index=False))


def table_writer(table: pa.Table) -> Callable[[Path], None]:
    """A writer of an Arrow table as Parquet, as :func:`frame_writer` writes a frame."""
    dictionary = [c for c in table.column_names if c in _DICTIONARY_COLUMNS]
    return lambda path: pq.write_table(table, path, compression="none", use_dictionary=dictionary)


def arrow_writer(table: pa.Table) -> Callable[[Path], None]:
    """A writer of Arrow IPC (Feather v2), uncompressed so that it can be memory-mapped."""
    return lambda path: feather.write_feather(table, path, compression="uncompressed")


def read_arrow(path: Path) -> pa.Table:
    """A memory-mapped Arrow IPC table (no copy: pages load when used)."""
    return feather.read_table(path, memory_map=True)


def read_parquet(path: Path) -> pa.Table:
    return pq.read_table(path, memory_map=True)


# -- the commit point -----------------------------------------------------------------------


class CacheCorrupt(Exception):
    """A cache file does not match its manifest."""


def commit(
    manifest: Path, writers: dict[str, tuple[str, Callable[[Path], None]]], *, prune: bool = True, **data: Any
) -> None:
    """Write data files, then the manifest naming them (the commit point), then drop what it replaces.

    Args:
        manifest: the manifest, e.g. ``<cache>/corpus.json``.
        writers: ``key -> (suffix, write)``; ``write(path)`` writes one data file, stored as
            ``<manifest stem>.<key>.<random id><suffix>`` beside the manifest.
        prune: also look in the folder for files of earlier commits of this manifest that no manifest
            names (left by a commit that stopped half-way). False for a manifest committed once, under a
            name of its own (a table's delta): nothing can be left under its name, and the look is a
            listing of a folder of thousands of files, once per commit.
        data: JSON-able fields stored in the manifest (code fingerprint, coverage...).

    Raises:
        OSError: a write failed (disk full, read-only cache); the previous manifest still holds.
    """
    folder = manifest.parent
    folder.mkdir(parents=True, exist_ok=True)
    previous = previous_names(manifest)
    files = {}
    for key, (suffix, write) in writers.items():
        name = f"{manifest.stem}.{key}.{secrets.token_hex(8)}{suffix}"
        write_atomic(folder / name, write)
        files[key] = {"file": name, **_signature(folder / name)}
    body = json.dumps({**data, "files": files}, sort_keys=True, default=str).encode()
    names = sorted(f["file"] for f in files.values())  # for the next commit, which prunes them (see previous_names)
    header = json.dumps({"format": 2, "crc32": zlib.crc32(body), "files": names}).encode()
    write_atomic(manifest, lambda tmp: tmp.write_bytes(header + b"\n" + body))
    if prune:
        _prune(manifest, keep=set(names), superseded=previous)


def open_committed(
    manifest: Path, readers: dict[str, Callable[[Path], T]], *, expect: dict[str, Any] | None = None
) -> tuple[dict, dict[str, T]] | None:
    """The manifest's data and its files read by ``readers``, or None when there is no valid cache.

    Each file is checked against the size and CRC-32 in the manifest before it is read; a
    mismatch, a missing file or an unreadable one gives a warning and None (the caller rebuilds).
    ``expect`` lists manifest fields that must be equal (e.g. the code fingerprint); when they are
    not, the cache is stale and None is returned without a warning or any checksum work.
    """
    for attempt in range(2):
        body = _read_manifest(manifest)
        if body is None or any(body.get(k) != v for k, v in (expect or {}).items()):
            return None
        try:
            tables = {}
            for key, read in readers.items():
                entry = body["files"][key]
                path = manifest.parent / entry["file"]
                verify(path, entry)
                tables[key] = read(path)
            return body, tables
        except FileNotFoundError:
            if attempt == 0:
                continue  # a concurrent load committed newer files and removed these: read its manifest
            warnings.warn(f"cache {manifest} names files that are gone; rebuilding it", stacklevel=3)
        except Exception as exc:
            warnings.warn(
                f"cache file of {manifest} is corrupt ({type(exc).__name__}: {exc}); rebuilding it", stacklevel=3
            )
        return None
    return None


#: (path, size, mtime, inode) -> CRC-32 already checked in this process.
_VERIFIED: dict[tuple, int] = {}


def verify(path: Path, entry: dict) -> None:
    """Raise :class:`CacheCorrupt` unless ``path`` has the size and CRC-32 of its manifest ``entry``."""
    stat = path.stat()
    if stat.st_size != entry.get("size"):
        raise CacheCorrupt(f"{path.name} has {stat.st_size} bytes, the manifest says {entry.get('size')}")
    boot = _boot_id()
    if boot is not None and entry.get("boot") == boot and entry.get("written") == _written(stat):
        return  # the bytes checksummed when it was written: nothing has written to it since, and no reboot
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    crc = _VERIFIED.get(key)
    if crc is None:
        crc = file_crc(path)
    if crc != entry.get("crc32"):
        _VERIFIED.pop(key, None)
        raise CacheCorrupt(f"{path.name}: checksum mismatch")
    _VERIFIED[key] = crc


def file_crc(path: Path) -> int:
    """The CRC-32 of a file's bytes, read 2 MB at a time."""
    crc = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 21):  # 2 MB: a 16 MB block was the largest transient of a cold load
            crc = zlib.crc32(block, crc)
    return crc


def _signature(path: Path) -> dict:
    stat = path.stat()
    crc = file_crc(path)
    _VERIFIED[(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)] = crc
    signature = {"size": stat.st_size, "crc32": crc}
    boot = _boot_id()
    if boot is not None:  # see verify(): while these stay the same, the file holds the bytes checksummed now
        signature.update(boot=boot, written=_written(stat))
    return signature


def _written(stat: os.stat_result) -> list[int]:
    """What any later write to a file changes: its modification time, its inode, and its change time,
    which no user can set back (``os.utime`` restores the modification time, and itself moves the change time)."""
    return [stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


@cache
def _boot_id() -> str | None:
    """This boot's id (Linux), or None where there is none: then every load checksums every file."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip() or None
    except OSError:
        return None


def _read_manifest(path: Path, *, quiet: bool = False) -> dict | None:
    try:
        raw = path.read_bytes()
        first, _, rest = raw.partition(b"\n")
        header = json.loads(first)
        if header.get("format") == 2:  # a header line, then the body: its checksum is over these very bytes
            if zlib.crc32(rest) != header["crc32"]:
                raise CacheCorrupt("checksum mismatch")
            body = json.loads(rest)
            if header.get("files") != sorted(entry["file"] for entry in body["files"].values()):
                raise CacheCorrupt("the header names other files than the manifest")
        else:  # one JSON object (earlier versions): the checksum is over the body written again
            body = header["body"]
            if zlib.crc32(json.dumps(body, sort_keys=True, default=str).encode()) != header["crc32"]:
                raise CacheCorrupt("checksum mismatch")
        if not isinstance(body, dict):
            raise CacheCorrupt("not a manifest")
        return body
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, CacheCorrupt) as exc:
        if not quiet:
            warnings.warn(f"cache file {path} is corrupt ({type(exc).__name__}: {exc}); rebuilding it", stacklevel=4)
        return None


def previous_names(manifest: Path) -> set[str]:
    """The data files a manifest names, from its header line alone (a corpus manifest of 100,000 files is
    8 MB of JSON; its header is a line): only to remove them once replaced, so a damaged header costs
    at most leftovers, which :func:`_prune` removes when they are old."""
    try:
        with open(manifest, "rb") as handle:
            header = json.loads(handle.readline())
        if header.get("format") == 2:
            return {name for name in header["files"] if isinstance(name, str)}
    except FileNotFoundError:
        return set()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return _names(_read_manifest(manifest, quiet=True))


def _names(body: dict | None) -> set[str]:
    try:
        return {entry["file"] for entry in body["files"].values()} if body else set()
    except (KeyError, TypeError, AttributeError):
        return set()


#: Leftovers of a load that died (never named by a manifest) are removed once this old, so that a
#: concurrent load's files, written but not yet committed, are never taken for leftovers.
ORPHAN_SECONDS = 3600


def _prune(manifest: Path, *, keep: set[str], superseded: set[str]) -> None:
    now = time.time()
    for path in [*manifest.parent.glob(f"{manifest.stem}.*"), *manifest.parent.glob(f".{manifest.stem}.*.tmp")]:
        if path.name in keep or path == manifest:
            continue
        try:
            if path.name in superseded or now - path.stat().st_mtime > ORPHAN_SECONDS:
                path.unlink()
        except OSError:
            pass
