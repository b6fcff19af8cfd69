"""workbench.memory: Arrow's memory pool in a process that imports the workbench."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SHOW_POOL = "import workbench, pyarrow as pa; print(pa.default_memory_pool().backend_name)"


def _pool_after_import(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run([sys.executable, "-c", SHOW_POOL], env={**clean, **env}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_makes_jemalloc_the_pool():
    import pyarrow as pa

    try:
        pa.jemalloc_memory_pool()
        expected = "jemalloc"
    except NotImplementedError:  # a pyarrow built without it: the system's malloc
        expected = "system"
    assert _pool_after_import() == expected


@pytest.mark.parametrize("pool", ["system", "mimalloc"])
def test_a_pool_the_user_chose_is_kept(pool):
    import pyarrow as pa

    if pool == "mimalloc":
        try:
            pa.mimalloc_memory_pool()
        except NotImplementedError:
            pytest.skip("this pyarrow has no mimalloc")
    assert _pool_after_import(ARROW_DEFAULT_MEMORY_POOL=pool) == pool
