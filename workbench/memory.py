"""Arrow's memory pool for every process that imports the workbench.

pyarrow allocates from mimalloc by default. An analysis of a large corpus reads its tables partition by
partition (``workbench.partials``): every partition is hundreds of thousands of rows decoded from Parquet,
converted and dropped, hundreds of MB allocated and freed per pass. With mimalloc the first pass over the
mentions of 100,000 articles (``frequencies``) took 11.6 s and the process peaked at 838 MB; with jemalloc,
6.9 s and 701 MB; the calls of report notebooks 10, 20 and 30 took 27.5, 53.7 and 41.3 s against 23.2, 38.9
and 33.9 s (``benchmarks/bench_notebook_calls.py``, one run, load average 0.9-1.3). So the workbench makes jemalloc
Arrow's default pool (the system's malloc where pyarrow was built without it), as
``workbench.article_table.memory_pool`` already did while loading. A pool the user chose with
``ARROW_DEFAULT_MEMORY_POOL`` is kept.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os

import pyarrow as pa

__all__ = ["POOL_VARIABLE", "choose_pool", "give_back"]

#: Arrow's own variable: when set, pyarrow has taken that pool and the workbench leaves it.
POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def choose_pool() -> str:
    """Make jemalloc (else the system's malloc) Arrow's default memory pool, unless the user chose one.

    Buffers remember the pool they came from, so switching is safe at any time. Returns the pool's name.

    >>> choose_pool() in ("jemalloc", "system", os.environ.get(POOL_VARIABLE))
    True
    """
    pool = preferred_pool()
    if pool is not None:
        pa.set_memory_pool(pool)
    return pa.default_memory_pool().backend_name


def preferred_pool() -> pa.MemoryPool | None:
    """jemalloc (else the system's malloc), or None when the user chose a pool (``$ARROW_DEFAULT_MEMORY_POOL``)."""
    if os.environ.get(POOL_VARIABLE):
        return None
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return pa.system_memory_pool()


def give_back() -> None:
    """Return the memory that a stage freed to the system: Arrow's pool's unused blocks and, with glibc,
    the free pages of the C heap (``malloc_trim``).

    numpy's large temporary arrays come from the C heap; once freed, glibc keeps their pages for the
    process unless asked. After the copies' candidate pairs of 20,000 articles, 90 MB stayed resident
    that way (the process's own data was back to where it started); a stage that frees gigabytes calls
    this before the next one grows again. A no-op where there is no ``malloc_trim``.
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows): nothing to trim
        return None
