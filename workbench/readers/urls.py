"""Corpora at an fsspec URL (``memory://``, ``file://``, ``s3://``, ...): the files listed and identified there.

:func:`discover` is :func:`workbench.readers.discover` for a URL: it lists the files below the URL
with fsspec (one listing call, no ``stat`` per file), picks each file's reader by suffix (folder
formats by their ``claim_url``), and gives each unit its URL as its key, its file system as
``Unit.fs``, and ``size:ETag`` (or ``size:mtime``) from the listing as its signature, so that the
per-file reader cache knows an unchanged file without reading it. Readers then read the bytes
through the file system (:func:`workbench.readers.read_bytes`, :func:`workbench.readers.open_binary`).

A plain local path never comes here: it keeps the walk over ``os.scandir``. fsspec is a dependency
of dask; the protocols beyond ``file`` and ``memory`` need their own package (``s3fs`` for ``s3://``).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from collections.abc import Mapping
from typing import Any

from workbench.errors import Problem, WorkbenchError
from workbench.readers import (
    _LONGEST_NOT_ARTICLE,
    NOT_ARTICLES,
    READERS,
    Unit,
    _load_builtin,
    _reader_for,
    drop_yielding,
    get,
    names,
)


def is_url(path: object) -> bool:
    """True for ``protocol://...`` strings (``memory://corpus/``, ``s3://bucket/news/``), not for local paths.

    >>> is_url("s3://bucket/news/"), is_url("/data/news"), is_url("C:\\\\news")
    (True, False, False)
    """
    return isinstance(path, str) and "://" in path and path.split("://", 1)[0].replace("::", "").isidentifier()


def filesystem(url: str, storage_options: Mapping[str, Any] | None = None) -> tuple[Any, str]:
    """The fsspec file system of ``url`` and the path within it.

    Raises:
        WorkbenchError: fsspec or the protocol's package is missing, or the options are refused.
    """
    try:
        import fsspec
    except ImportError:  # pragma: no cover - fsspec comes with dask, a dependency
        raise WorkbenchError(f"{url}: reading a corpus at a URL needs fsspec (pip install fsspec)") from None
    try:
        return fsspec.core.url_to_fs(url, **dict(storage_options or {}))
    except ImportError as exc:
        raise WorkbenchError(f"{url}: the package for this protocol is not installed ({exc})") from None
    except (ValueError, TypeError) as exc:
        raise WorkbenchError(f"{url}: {exc}") from None


def signature(fs: Any, key: str, info: Mapping[str, Any] | None = None) -> str:
    """``size:tag`` of a file at a URL: its ETag where the store gives one, else its modification time.

    ``info`` is the file's entry from a listing (``fs.find(detail=True)``); without it, ``fs.info`` asks.
    """
    if info is None:
        try:
            info = fs.info(key)
        except OSError:
            return "missing"
    tag = next(
        (info[k] for k in ("ETag", "etag", "md5", "mtime", "LastModified", "last_modified", "created") if info.get(k)),
        "",
    )
    return f"{int(info.get('size') or 0)}:{tag}"


def discover(
    url: str,
    *,
    format: str = "auto",
    options: dict[str, Any] | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> tuple[list[Unit], list[Problem]]:
    """Find the units to read below ``url`` (a folder or one file), as :func:`workbench.readers.discover` does.

    Raises:
        WorkbenchError: nothing exists at the URL, the format is unknown, or a single file has no reader.
    """
    _load_builtin()
    options = options or {}
    if format != "auto":
        get(format)
    fs, root = filesystem(url, storage_options)
    try:
        if fs.isfile(root):
            reader = READERS[format] if format != "auto" else _reader_for(_suffix(root), None)
            if reader is None:
                raise WorkbenchError(
                    f"{url}: no reader for files ending {_suffix(root) or '(no suffix)'}; "
                    f"pass format= one of {', '.join(names())}"
                )
            return [Unit(url, reader.name, (), options, signature(fs, root), fs)], []
        listing = fs.find(root, detail=True, withdirs=False)
    except OSError as exc:
        raise WorkbenchError(f"cannot list the corpus at {url}: {exc}") from None
    if not listing and not fs.isdir(root):
        raise WorkbenchError(f"corpus URL does not exist: {url}")
    base = url.rstrip("/")
    root = root.rstrip("/")
    files: dict[str, dict[str, Any]] = {}  # URL -> info, hidden files and folders left out as in a local walk
    for path, info in listing.items():
        relative = posixpath.relpath(path, root) if root else path.lstrip("/")
        if any(part.startswith((".", "~")) for part in relative.split("/")):
            continue
        files[f"{base}/{relative}"] = info
    folders: dict[str, list[str]] = {}
    for key in files:
        folders.setdefault(posixpath.dirname(key), []).append(key)
    units: list[Unit] = []
    claimed: list[str] = []
    forced = READERS.get(format)
    for folder in sorted(folders):
        if any(folder == c or folder.startswith(c + "/") for c in claimed):
            continue
        folder_units = None
        for reader in READERS.values():
            if reader.claim_url and format in ("auto", reader.name):
                below = [k for k in files if k.startswith(folder + "/")]
                folder_units = reader.claim_url(folder, [posixpath.basename(k) for k in folders[folder]], fs, below)
                if folder_units is not None:
                    break
        if folder_units is not None:
            for unit in folder_units:
                unit.options = options
                unit.fs = fs
                parts = [signature(fs, k, files.get(k)) for k in (unit.key, *map(str, unit.members))]
                text = json.dumps(parts) if unit.members else parts[0]
                unit.signature = hashlib.blake2b(text.encode(), digest_size=12).hexdigest() if unit.members else text
            units.extend(folder_units)
            claimed.append(folder)
    for key, info in files.items():
        folder = posixpath.dirname(key)
        if any(folder == c or folder.startswith(c + "/") for c in claimed):
            continue
        name = posixpath.basename(key)
        dot = name.rfind(".")
        if dot <= 0:
            continue
        reader = _reader_for(name[dot:], forced)
        if reader is None or (forced is None and dot <= _LONGEST_NOT_ARTICLE and name[:dot].lower() in NOT_ARTICLES):
            continue
        units.append(Unit(key, reader.name, (), options, signature(fs, key, info), fs))
    return (drop_yielding(units) if format == "auto" else units), []


def cache_key(url: str, format: str, options: dict) -> str:
    """Cache folder name for a corpus URL, format and reader options (storage options, which may hold
    credentials, are left out: the same URL is the same corpus)."""
    text = json.dumps(["url", url.rstrip("/"), format, options], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _suffix(path: str) -> str:
    return os.path.splitext(posixpath.basename(path))[1]
