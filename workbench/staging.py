"""Staging: large Arrow tables parked in files and memory-mapped back, so that memory holds a block, not the table.

A parked table's pages are the file's: the kernel reads them when used and may drop them again, as
it does any file's cache, so a load of a million articles does not hold every text (or every
boilerplate candidate) in the memory of its process. Files go to a folder on the same disk as the
cache (the cache's own folder) under names that start with a dot; each is unlinked as soon as it is
mapped (the mapping keeps it until the table is freed), so none is left behind, even by a process
that dies.
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

import pyarrow as pa

from workbench.cache import read_arrow


class Staging:
    """Park tables in files of ``folder``; when a file cannot be written (a full disk, a read-only
    cache), that table and every later one stay in memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.failed = False

    def path(self, kind: str) -> Path:
        """A new file name in the folder (``.<kind>-<random>.arrow``)."""
        return self.folder / f".{kind}-{secrets.token_hex(8)}.arrow"

    def park(self, table: pa.Table) -> pa.Table:
        """``table``, memory-mapped from a file of its own (or itself, when it cannot be written)."""
        if self.failed or not table.num_rows:
            return table
        path = self.path("staged")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            return read_arrow(path)
        except OSError:
            self.failed = True
            return table
        finally:
            with contextlib.suppress(OSError):  # a mapped file cannot be unlinked on Windows: left
                path.unlink(missing_ok=True)
