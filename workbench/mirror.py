"""A cache at a URL: the local cache folder of a corpus kept in step with a folder at an fsspec URL.

The cache itself stays a local folder: its articles are memory-mapped, its commits are atomic renames,
its files are checked against their CRC-32. None of that works on an object store (``s3://...``).
A cache at a URL is therefore that folder *mirrored*:

* :meth:`Mirror.pull` brings down what the remote folder has and this folder lacks or holds in an
  older version (before a load reads the cache, before a table is read or computed); a file the
  remote no longer has, and that was not changed here since, is removed here too.
* :meth:`Mirror.push` sends up what this process wrote or changed, **data files first and manifests
  (``*.json``) last**: a manifest is a commit point (``workbench.cache.commit``) and names its data
  files, so a reader of the remote never sees a manifest whose files are not there yet. Then the files
  removed here (those a commit superseded) are removed from the remote, unless someone else has
  written them since.

What was last in step is kept in ``.mirror.json`` in the local folder: per file, the remote's
signature (size and ETag, or modification time: ``workbench.readers.urls.signature``) and the local
size and modification time. So a pull downloads only what changed on the remote, and a push uploads
only what changed here. When both changed (two machines computed the same partition), the remote's
version wins on a pull and this folder's on a push: both are valid commits of the same code, and the
cache verifies every file against its manifest before use, so the loser at worst computes again.

A file whose modification time changed but whose bytes did not (its CRC-32, kept in the state) is not
sent again: ``workbench.live`` makes an unchanged record the newest by touching it. A fetched file gets
the remote's modification time, so that the newest record there is the newest here. Dot-files (staging
files, temporary files of a commit, this state file) are never sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from workbench.cache import file_crc, previous_names, write_atomic
from workbench.errors import WorkbenchError
from workbench.readers import urls

#: The state file in the local folder, and the lock that one pull or push at a time holds.
STATE = ".mirror.json"
LOCK = ".mirror.lock"


@dataclass
class Sync:
    """What one pull or push moved: files and bytes sent or fetched, files removed."""

    files: int = 0
    bytes: int = 0
    removed: int = 0


class Mirror:
    """The local folder ``local`` kept in step with the folder at ``url`` (see the module's docstring).

    Args:
        url: an fsspec URL (``s3://bucket/cache/<corpus key>``, ``file:///shared/cache/...``).
        local: the local folder the cache reads and writes.
        storage_options: options of the URL's fsspec file system (credentials, an endpoint).

    Raises:
        WorkbenchError: the URL's protocol is not installed or its options are refused.
    """

    def __init__(self, url: str, local: Path, storage_options: Mapping[str, Any] | None = None) -> None:
        self.url = url.rstrip("/")
        self.local = Path(local)
        self.storage_options = dict(storage_options or {})
        self.fs, root = urls.filesystem(self.url, self.storage_options)
        self.root = root.rstrip("/")
        self._times: dict[str, float | None] = {}  # when each remote file was written, from the last listing
        # object stores that filter a listing by name on their side (s3fs, gcsfs: ``find(..., prefix=)``)
        self._by_name = "prefix" in inspect.signature(getattr(type(self.fs), "_find", type(self.fs).find)).parameters

    def __repr__(self) -> str:
        return f"Mirror({self.url!r}, {str(self.local)!r})"

    # -- the two directions ----------------------------------------------------------------
    def pull(self, prefixes: Iterable[str] | None = None) -> Sync:
        """Fetch the remote's new and changed files (those under ``prefixes``, relative paths; default
        all), data files before manifests; remove here what the remote removed and this folder kept as it was.

        Raises:
            WorkbenchError: the store cannot be listed or read (naming the URL and the store's error).
        """
        with self._talking("fetch from it"):
            return self._pull(_prefixes(prefixes))

    def push(self, prefixes: Iterable[str] | None = None) -> Sync:
        """Send the files written or changed here (under ``prefixes``), data files before manifests,
        then remove from the remote the files removed here (unless changed there since).

        Raises:
            WorkbenchError: the store cannot be listed or written (what was not sent is sent by the next push).
        """
        with self._talking("write to it"):
            return self._push(_prefixes(prefixes))

    @contextlib.contextmanager
    def _talking(self, doing: str) -> Iterator[None]:
        """One pull or push at a time in this folder (processes of one machine share it: the kernels of a
        report run), and the store's errors as :class:`WorkbenchError`."""
        self.local.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.local / LOCK)):
                yield
        except WorkbenchError:
            raise
        except Exception as exc:  # a store's client raises its own errors (botocore's are not OSError)
            raise WorkbenchError(f"cache at {self.url}: cannot {doing} ({type(exc).__name__}: {exc})") from exc

    def _pull(self, prefixes: tuple[str, ...] | None) -> Sync:
        state = self._state()
        remote = self._remote(prefixes)
        local = self._local(prefixes)
        fetch = []
        for rel, sig in remote.items():
            known = state.get(rel)
            here = local.get(rel)
            if known is not None and known["remote"] == sig:
                if here is None:
                    fetch.append(rel)  # removed here without a push (or by hand): the remote still holds it
                continue  # in step, or changed here since (the next push sends it)
            if known is None and here is not None and not _is_manifest(rel) and here[0] == _size(sig):
                state[rel] = {"remote": sig, "local": list(here)}  # a data file both sides have (names are unique)
                continue
            fetch.append(rel)
        gone = [rel for rel in state if _under(rel, prefixes) and rel not in remote]  # removed on the remote
        moved = self._fetch(fetch, remote, state)
        moved.files += self._fetch_named(state, prefixes)
        for rel in gone:
            here = local.get(rel)
            if here is not None and here != tuple(state[rel]["local"]):
                continue  # changed here: the next push sends it
            with contextlib.suppress(FileNotFoundError):
                (self.local / rel).unlink()
                moved.removed += 1
            del state[rel]
        self._save(state)
        return moved

    def _push(self, prefixes: tuple[str, ...] | None) -> Sync:
        state = self._state()
        local = self._local(prefixes)
        send = []
        for rel, here in local.items():
            known = state.get(rel)
            if known is not None and tuple(known["local"]) == here:
                continue
            if known is not None and known["local"][0] == here[0] and known.get("crc") == file_crc(self.local / rel):
                known["local"] = list(here)  # touched, not changed (``workbench.live`` marks the newest record so)
                continue
            send.append(rel)
        moved = Sync()
        if send:
            self._mkdirs({str(Path(rel).parent) for rel in send})
            for group in _commit_groups(send):  # every data file is up before the first manifest that names it
                self._put(group)
            remote = self._remote(prefixes)
            for rel in send:
                if rel in remote:
                    state[rel] = {"remote": remote[rel], "local": list(local[rel]), "crc": file_crc(self.local / rel)}
                    moved.files += 1
                    moved.bytes += local[rel][0]
        else:
            remote = None
        gone = [rel for rel in state if _under(rel, prefixes) and rel not in local]
        if gone:
            remote = self._remote(prefixes) if remote is None else remote
            stale = [rel for rel in gone if remote.get(rel) == state[rel]["remote"]]
            if stale:
                with contextlib.suppress(FileNotFoundError):
                    self.fs.rm([self._path(rel) for rel in stale])
                moved.removed += len(stale)
            for rel in gone:
                del state[rel]
        self._save(state)
        return moved

    # -- listings --------------------------------------------------------------------------
    def _remote(self, prefixes: tuple[str, ...] | None) -> dict[str, str]:
        """``relative path -> signature`` of the remote files under ``prefixes`` (dot-files left out)."""
        found: dict[str, str] = {}
        for top, depth, name in self._listings(prefixes):
            try:
                listing = self.fs.find(top, maxdepth=depth, detail=True, **({"prefix": name} if name else {}))
            except FileNotFoundError:
                continue
            self.fs.invalidate_cache(top)  # the next listing must see what others wrote since
            for name, info in listing.items():
                rel = name[len(self.root) :].lstrip("/")
                if info.get("type", "file") == "file" and _visible(rel) and _under(rel, prefixes):
                    found[rel] = urls.signature(self.fs, name, info)
                    self._times[rel] = _written(info)
        return found

    def _listings(self, prefixes: tuple[str, ...] | None) -> list[tuple[str, int | None, str]]:
        """The listings that find the remote files under ``prefixes``: ``(folder, depth, name prefix)``.

        A prefix's folder (a top-level prefix: the top folder alone, not the tables below it), filtered
        here. A store that filters names on its side lists only the prefix's own files: a Dask task
        reading one partition then lists that partition's few files, not every partition's (with
        thousands of partitions, thousands of names per task)."""
        if prefixes is None:
            return [(self.root, None, "")]
        listings = set()
        for prefix in prefixes:
            folder, _, name = prefix.rpartition("/")
            top = f"{self.root}/{folder}" if folder else self.root
            listings.add((top, None if folder else 1, name if self._by_name else ""))
        return sorted(listings, key=lambda listing: (listing[0], listing[2]))

    def _local(self, prefixes: tuple[str, ...] | None) -> dict[str, tuple[int, int]]:
        """``relative path -> (size, mtime_ns)`` of the local files under ``prefixes`` (dot-files left out)."""
        found = {}
        for folder, dirs, files in os.walk(self.local):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for file in files:
                path = Path(folder) / file
                rel = path.relative_to(self.local).as_posix()
                if _visible(rel) and _under(rel, prefixes):
                    with contextlib.suppress(FileNotFoundError):  # removed by a concurrent commit
                        stat = path.stat()
                        found[rel] = (stat.st_size, stat.st_mtime_ns)
        return found

    # -- moving files ----------------------------------------------------------------------
    def _fetch(self, rels: list[str], remote: dict[str, str], state: dict) -> Sync:
        moved = Sync()
        if not rels:
            return moved
        temps = {}
        for rel in rels:
            target = self.local / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            temps[rel] = target.parent / f".{target.name}.{secrets.token_hex(6)}.pull"
        try:
            for group in _commit_groups(rels):  # every data file is here before the first manifest that names it
                try:
                    self.fs.get([self._path(rel) for rel in group], [str(temps[rel]) for rel in group])
                except FileNotFoundError:  # removed on the remote since the listing: fetch the others one by one
                    for rel in group:
                        with contextlib.suppress(FileNotFoundError):
                            self.fs.get_file(self._path(rel), str(temps[rel]))
                for rel in group:
                    if not temps[rel].exists():
                        continue
                    target = self.local / rel
                    os.replace(temps[rel], target)
                    written = self._times.get(rel)
                    if written is not None:  # the order of writes is kept (``workbench.live`` reads the newest record)
                        os.utime(target, (written, written))
                    stat = target.stat()
                    local = [stat.st_size, stat.st_mtime_ns]
                    state[rel] = {"remote": remote[rel], "local": local, "crc": file_crc(target)}
                    moved.files += 1
                    moved.bytes += stat.st_size
        finally:
            for temp in temps.values():
                temp.unlink(missing_ok=True)
        return moved

    def _fetch_named(self, state: dict, prefixes: tuple[str, ...] | None) -> int:
        """Fetch the data files named by the local manifests that are missing here: a listing is not a
        snapshot, so it can show a manifest committed after the listing passed its files."""
        missing: dict[str, str] = {}
        for rel in [r for r in state if _is_manifest(r) and _under(r, prefixes)]:
            folder = Path(rel).parent
            for name in previous_names(self.local / rel):
                named = (folder / name).as_posix()
                if not (self.local / named).exists():
                    missing[named] = ""
        if not missing:
            return 0
        remote = {rel: urls.signature(self.fs, self._path(rel)) for rel in missing}
        found = {rel: sig for rel, sig in remote.items() if sig != "missing"}
        return self._fetch(sorted(found), found, state).files

    def _put(self, rels: list[str]) -> None:
        self.fs.put([str(self.local / rel) for rel in rels], [self._path(rel) for rel in rels])

    def _mkdirs(self, folders: set[str]) -> None:
        for folder in sorted(folders):
            with contextlib.suppress(OSError):  # object stores have no folders
                self.fs.makedirs(self._path(folder) if folder != "." else self.root, exist_ok=True)

    def _path(self, rel: str) -> str:
        return f"{self.root}/{rel}"

    # -- state -----------------------------------------------------------------------------
    def _state(self) -> dict[str, dict]:
        try:
            state = json.loads((self.local / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none yet, or unreadable: every file is compared anew
        return state.get("files", {}) if isinstance(state, dict) and state.get("url") == self.url else {}

    def _save(self, state: dict) -> None:
        body = json.dumps({"url": self.url, "files": state}, sort_keys=True).encode()
        write_atomic(self.local / STATE, lambda tmp: tmp.write_bytes(body))


def mirror_for(url: str, key: str, storage_options: Mapping[str, Any] | None = None, *, base: Path) -> Mirror:
    """The mirror of the cache of corpus ``key`` at ``url``: ``<url>/<key>`` kept in
    ``<base>/<hash of url>/<key>`` (``base``: ``config.MIRRORS_DIR``)."""
    digest = hashlib.blake2b(url.rstrip("/").encode(), digest_size=8).hexdigest()
    return Mirror(f"{url.rstrip('/')}/{key}", Path(base) / digest / key, storage_options)


@contextlib.contextmanager
def task_mirror(url: str, storage_options: Mapping[str, Any] | None = None) -> Iterator[Mirror]:
    """A mirror of ``url`` in a temporary folder of its own, removed afterwards: for one task on a Dask
    worker, which fetches the partitions it reads and sends the one it writes. Two tasks running at once
    (in the threads of one worker, or workers of one machine) never share a folder, and a long-lived
    worker keeps nothing."""
    with tempfile.TemporaryDirectory(prefix="workbench-task-") as folder:
        yield Mirror(url, Path(folder), storage_options)


@contextlib.contextmanager
def moto_bucket(bucket: str = "workbench") -> Iterator[tuple[str, dict[str, Any]]]:
    """A bucket on moto's S3 server, run in this process: ``(URL, storage options)`` for trying a cache
    at a URL without a store (the tests and ``benchmarks/bench_mirror.py`` use it). Needs ``moto[s3]``,
    flask and flask-cors (the test dependencies); the keys are fictional, nothing leaves the machine."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        keys = {"aws_access_key_id": "fictional", "aws_secret_access_key": "fictional", "region_name": "us-east-1"}
        boto3.client("s3", endpoint_url=endpoint, **keys).create_bucket(Bucket=bucket)
        options = {
            "key": keys["aws_access_key_id"],
            "secret": keys["aws_secret_access_key"],
            "client_kwargs": {"endpoint_url": endpoint, "region_name": keys["region_name"]},
        }
        yield f"s3://{bucket}/cache", options
    finally:
        server.stop()


def _prefixes(prefixes: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if prefixes is None else tuple(prefixes)


def _under(rel: str, prefixes: tuple[str, ...] | None) -> bool:
    return prefixes is None or rel.startswith(prefixes)


def _visible(rel: str) -> bool:
    return not any(part.startswith(".") for part in rel.split("/"))


def _is_manifest(rel: str) -> bool:
    return rel.endswith(".json")


def _commit_groups(rels: Iterable[str]) -> list[list[str]]:
    """The data files, then the manifests (the commit points that name them), each sorted; no empty group."""
    data, manifests = sorted(r for r in rels if not _is_manifest(r)), sorted(r for r in rels if _is_manifest(r))
    return [group for group in (data, manifests) if group]


def _size(signature: str) -> int:
    return int(signature.split(":", 1)[0] or 0)


def _written(info: Mapping[str, Any]) -> float | None:
    """When a listed remote file was written (epoch seconds), where its file system says."""
    for key in ("LastModified", "last_modified", "mtime", "created", "updated"):
        value = info.get(key)
        if hasattr(value, "timestamp"):
            return value.timestamp()
        if isinstance(value, int | float) and value > 0:
            return float(value)
    return None
