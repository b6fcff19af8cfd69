"""Paths and defaults, in one place.

Every path can be overridden by an environment variable, so that notebooks, tests and scheduled
runs never spell a relative path themselves:

| name | variable | default |
|---|---|---|
| ``ROOT`` | ``WORKBENCH_ROOT`` | the project folder (parent of the package) |
| ``SEEDS_DIR`` | ``WORKBENCH_SEEDS`` | ``ROOT/seeds`` |
| ``DEFAULT_CORPUS`` | ``WORKBENCH_CORPUS`` | ``SEEDS_DIR`` |
| ``CACHE_DIR`` | ``WORKBENCH_CACHE`` | ``ROOT/.cache/workbench`` |
| ``CACHE_URL`` | ``WORKBENCH_CACHE`` as a URL (``s3://bucket/cache``) | None |
| ``MIRRORS_DIR`` | ``WORKBENCH_MIRRORS`` (local copies of caches at a URL) | ``CACHE_DIR/mirrors`` |
| ``REPORTS_DIR`` | ``WORKBENCH_REPORTS`` | ``ROOT/reports`` |
| ``NOTEBOOKS_DIR`` | ``WORKBENCH_NOTEBOOKS`` | ``ROOT/notebooks`` |
| ``SHARED_DIR`` | ``WORKBENCH_SHARED`` | ``ROOT/../shared`` (real corpora for tests and benchmarks) |
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


ROOT = _path("WORKBENCH_ROOT", PACKAGE_DIR.parent)
SEEDS_DIR = _path("WORKBENCH_SEEDS", ROOT / "seeds")
DEFAULT_CORPUS = _path("WORKBENCH_CORPUS", SEEDS_DIR)
#: A cache at an fsspec URL (``WORKBENCH_CACHE=s3://bucket/cache``; its options from fsspec's own
#: ``FSSPEC_S3=...`` variables): mirrored in ``MIRRORS_DIR`` (``workbench.mirror``).
CACHE_URL = os.environ["WORKBENCH_CACHE"] if "://" in os.environ.get("WORKBENCH_CACHE", "") else None
CACHE_DIR = ROOT / ".cache" / "workbench" if CACHE_URL else _path("WORKBENCH_CACHE", ROOT / ".cache" / "workbench")
MIRRORS_DIR = _path("WORKBENCH_MIRRORS", CACHE_DIR / "mirrors")
REPORTS_DIR = _path("WORKBENCH_REPORTS", ROOT / "reports")
NOTEBOOKS_DIR = _path("WORKBENCH_NOTEBOOKS", ROOT / "notebooks")
SHARED_DIR = _path("WORKBENCH_SHARED", ROOT.parent / "shared")

#: Files larger than this are still read, with a warning: they are rarely single articles.
LARGE_FILE_BYTES = 5 * 1024 * 1024
