"""The cross-article tables of a corpus kept in its cache, so that a warm report does not compare texts again.

``corpus.copies`` (every pair of articles sharing text) and the links between direct quotations
(:mod:`workbench.reuse.quotations`) compare every article with the others: on 20,000 articles that is
most of a report's time. They are not cached per article as the derived tables are (a new article
can copy any old one), so they are kept whole, one Parquet file per table under
``<corpus cache>/cross/``, named by a hash of what they depend on: the articles (text and header data:
``corpus.fingerprint``, so a filtered corpus has its own file), the code of ``workbench.reuse`` and
its imports (but the storage plumbing, :data:`PLUMBING`) and word lists, and the attributions table's
code (credits are read from it). Any change to these computes the table again. The newest :data:`KEEP`
files of each table are kept. The quotations that travel (their appearances) are kept the same way.

A corpus that grows has a new fingerprint, so its copies are computed again; but the verification of
each candidate pair, most of that time, is kept apart (:func:`write_kept`: ``verified-kept-<code>.parquet``,
keyed by the two articles' row keys, not by the corpus), and the next computation verifies only the pairs
with a new or changed article (``workbench.reuse.copying.copies_reusing``).

``$WORKBENCH_CROSS_CACHE=0`` turns the store off (the tables are computed every time and nothing is
written); ``$WORKBENCH_CROSS_CACHE=/a/folder`` keeps them there instead of in the corpus's cache (a
shared cache its users read, not write).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

__all__ = ["FOLDER", "KEEP", "STORE", "cached", "read_kept", "write_kept"]

#: Whether cross-article tables are kept (``$WORKBENCH_CROSS_CACHE``: ``0`` for never)...
STORE = os.environ.get("WORKBENCH_CROSS_CACHE", "1") != "0"
#: ...and where: None for ``<corpus cache>/cross``, or a folder (``$WORKBENCH_CROSS_CACHE`` naming one).
FOLDER = None if os.environ.get("WORKBENCH_CROSS_CACHE", "1") in ("0", "1", "") else os.environ["WORKBENCH_CROSS_CACHE"]
#: Files kept per table (the newest): a few filtered selections of one corpus, and the whole.
KEEP = 8
#: Modules in ``workbench.reuse``'s imports that read and store tables without changing a row (the
#: partitioned tables' plumbing, and ``workbench.live``, whose keys name the verified pairs): an edit there
#: keeps the cross-article tables, whose inputs are keyed anyway (the articles' fingerprint, the
#: attributions table's code).
PLUMBING = ("workbench.cache", "workbench.tables", "workbench.partials", "workbench.live")


def cached(corpus: Any, name: str, compute: Callable[[], pd.DataFrame], *, extra: str = "") -> pd.DataFrame:
    """``compute()``, or the table it gave for the same articles, code and ``extra`` options, from the cache.

    Args:
        corpus: the Corpus (its ``cache_dir``; none: computed every time).
        name: the table's name (a file name prefix).
        compute: computes the table.
        extra: options that change the result (part of the file's name).
    """
    folder = getattr(corpus, "cache_dir", None)
    if folder is None or not STORE:
        return compute()
    path = (Path(FOLDER) if FOLDER else Path(folder) / "cross") / f"{name}-{_key(corpus, extra)}.parquet"
    _sync(corpus, path, "pull")
    if path.exists():
        try:
            return pq.read_table(path).to_pandas()
        except (OSError, ValueError):  # a damaged file: computed and written again
            path.unlink(missing_ok=True)
    frame = compute()
    from workbench.cache import frame_writer, write_atomic

    try:
        write_atomic(path, frame_writer(frame))
    except OSError:  # a cache that cannot be written: the table is still returned
        return frame
    _prune(path.parent, name)
    _sync(corpus, path, "push")
    return frame


def read_kept(corpus: Any, name: str) -> pd.DataFrame | None:
    """A table kept across corpora versions for ``corpus`` (:func:`write_kept`), or None (none, or damaged)."""
    path = _kept_path(corpus, name)
    if path is not None:
        _sync(corpus, path, "pull")
    if path is None or not path.exists():
        return None
    try:
        return pq.read_table(path).to_pandas()
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return None


def write_kept(corpus: Any, name: str, frame: pd.DataFrame) -> None:
    """Keep ``frame`` for the next versions of this corpus (the verified candidate pairs of the copies: their
    rows are keyed by article keys, so a grown corpus reuses them). Its file is named by the code of
    ``workbench.reuse`` (not by the articles) and, in a shared folder, by the corpus's cache."""
    path = _kept_path(corpus, name)
    if path is None:
        return
    from workbench.cache import frame_writer, write_atomic

    try:
        write_atomic(path, frame_writer(frame))
    except OSError:  # a cache that cannot be written: the next run verifies again
        return
    _prune(path.parent, f"{name}-kept")
    _sync(corpus, path, "push")


def _sync(corpus: Any, path: Path, direction: str) -> None:
    """For a cache at a URL (``workbench.mirror``): fetch ``path`` from it, or send what changed (the
    file written and the older ones pruned). A folder of its own (``$WORKBENCH_CROSS_CACHE``) is not mirrored."""
    mirror = getattr(corpus, "mirror", None)
    if mirror is None or FOLDER:
        return
    if direction == "pull":
        mirror.pull(prefixes=[path.relative_to(mirror.local).as_posix()])
    else:
        mirror.push(prefixes=[path.parent.relative_to(mirror.local).as_posix() + "/"])


def _kept_path(corpus: Any, name: str) -> Path | None:
    folder = getattr(corpus, "cache_dir", None)
    if folder is None or not STORE:
        return None
    from workbench.cache import closure_fingerprint

    key = _digest(closure_fingerprint("workbench.reuse", exclude=PLUMBING), str(folder) if FOLDER else "")
    return (Path(FOLDER) if FOLDER else Path(folder) / "cross") / f"{name}-kept-{key}.parquet"


def _key(corpus: Any, extra: str) -> str:
    from workbench.cache import closure_fingerprint
    from workbench.tables import table_code

    backend = str(getattr(corpus, "options", {}).get("backend", ""))
    return _digest(
        corpus.fingerprint, closure_fingerprint("workbench.reuse", exclude=PLUMBING), table_code("attributions"),
        backend, extra,
    )  # fmt: skip


def _digest(*parts: str) -> str:
    """A short hash of ``parts``, each ended by a NUL (so that no two lists of parts run together)."""
    digest = hashlib.blake2b(digest_size=8)
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _prune(folder: Path, name: str) -> None:
    files = sorted(folder.glob(f"{name}-*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
