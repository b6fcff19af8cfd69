"""The articles table: reader records into Arrow, ordered, ids made unique, duplicates flagged.

What :func:`workbench.load_corpus` makes of the readers' records, and all of it that the articles
cache depends on: this module, the readers and the text helpers are the cache's fingerprint, not the
loading around them (``workbench.ingest``: which files to read, the cache, the process pool), so an
edit of the loading keeps every cached article.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench import readers
from workbench.cache import read_arrow
from workbench.errors import Problem, problems_frame
from workbench.memory import preferred_pool
from workbench.text import count_words

ARTICLE_COLUMNS = [
    "article_id", "published", "outlet", "via", "title", "lead", "text", "sections",
    "path", "format", "n_words", "duplicate_of", "credit", "url", "content_hash",
]  # fmt: skip
STRING_COLUMNS = [
    "article_id",
    "outlet",
    "title",
    "lead",
    "text",
    "path",
    "format",
    "duplicate_of",
    "credit",
    "url",
    "content_hash",
]


def read_batch(
    units: list[readers.Unit], on_bytes: Callable[[int], None] | None = None
) -> tuple[pa.Table, pd.DataFrame]:
    with memory_pool():  # also in the worker processes of a parallel read
        return _batch_records(units, on_bytes)


def _batch_records(units: list[readers.Unit], on_bytes: Callable[[int], None] | None) -> tuple[pa.Table, pd.DataFrame]:
    """Read units into an articles table (``ARTICLE_SCHEMA``) and an errors frame, both tagged with ``_unit``.

    A large table file arrives block by block (``readers.read_unit_chunks``): each block's records
    become Arrow at once, so memory holds the Arrow columns plus one block of Python dicts, not the
    whole file as dicts (a 200 MB JSONL file peaked at 1.8 GB that way). ``on_bytes`` hears how many
    bytes of the files each block covered, for a progress bar.
    """
    tables: list[pa.Table] = []
    unit_problems: list[Problem] = []
    problem_units: list[str] = []
    records: list[dict] = []  # small files are gathered, so that one Arrow table holds many of them
    for unit in units:
        for result in readers.read_unit_chunks(unit):
            for record in result.records:
                record["_unit"] = unit.key
                record["format"] = unit.reader
            records.extend(result.records)
            unit_problems.extend(result.problems)
            problem_units.extend([unit.key] * len(result.problems))
            if len(records) >= _ARROW_BLOCK_RECORDS or result.bytes_read >= _ARROW_BLOCK_BYTES:
                tables.append(records_table(records))
                records = []
            if on_bytes is not None and result.bytes_read:
                on_bytes(result.bytes_read)
    if records or not tables:
        tables.append(records_table(records))
    errors = problems_frame(unit_problems).assign(_unit=pd.Series(problem_units, dtype="string"))
    return (pa.concat_tables(tables) if len(tables) > 1 else tables[0]), errors


@contextlib.contextmanager
def memory_pool() -> Iterator[None]:
    """Allocate Arrow memory from jemalloc (else the system's malloc) while loading.

    pyarrow's default pool (mimalloc in recent wheels) keeps the memory of the blocks a load frees,
    so a 200 MB file peaked at 3.5x its size instead of its size plus a block. A pool the user chose
    (``ARROW_DEFAULT_MEMORY_POOL``) is kept. Buffers remember their pool, so switching back is safe.
    """
    pool = preferred_pool()
    if pool is None:
        yield
        return
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pool)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


#: Records converted to Arrow at a time (one block of a large file always is).
_ARROW_BLOCK_RECORDS = 5000
_ARROW_BLOCK_BYTES = 1 << 20

#: The articles table as cached: every article column plus the reader's id (``_id``) and file (``_unit``).
ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.large_string()),
        ("published", pa.timestamp("us")),  # years 1-9999 (nanoseconds stop at 1677-2262)
        ("outlet", pa.large_string()),
        ("via", pa.list_(pa.large_string())),
        ("title", pa.large_string()),
        ("lead", pa.large_string()),
        ("text", pa.large_string()),
        ("sections", pa.list_(pa.struct([("name", pa.large_string()), ("start", pa.int64()), ("end", pa.int64())]))),
        ("path", pa.large_string()),
        ("format", pa.large_string()),
        ("n_words", pa.int64()),
        ("duplicate_of", pa.large_string()),
        ("credit", pa.large_string()),
        ("url", pa.large_string()),
        ("content_hash", pa.large_string()),
        ("_unit", pa.large_string()),
        ("_id", pa.large_string()),
    ]
)


def records_table(records: list[dict]) -> pa.Table:
    """Reader records -> an Arrow table of ``ARTICLE_SCHEMA``, computed columns filled in.

    Built column by column straight into Arrow (no pandas round trip): this runs once per article
    of every cold load. A lead that is the whole text (a one-paragraph article) is not stored twice:
    the lead column shares the text column's buffers there (:func:`lead_column`).
    """

    def column(key: str) -> list:
        return [record.get(key) for record in records]

    texts = column("text")
    leads = column("lead")
    same = np.fromiter(
        (lead is text or lead == text for lead, text in zip(leads, texts, strict=True)), bool, len(texts)
    )
    data = {
        "published": [None if p is None or pd.isna(p) else pd.Timestamp(p) for p in column("published")],
        "via": [v if isinstance(v, list) else [] for v in column("via")],
        "sections": [[{"name": n, "start": s, "end": e} for n, s, e in v or ()] for v in column("sections")],
        "n_words": [count_words(t) for t in texts],
        "duplicate_of": [None] * len(records),
        "content_hash": [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest() for t in texts],
        "_id": column("article_id"),
    }
    arrays = {
        f.name: pa.array(data[f.name] if f.name in data else column(f.name), type=f.type)
        for f in ARTICLE_SCHEMA
        if f.name != "lead"
    }
    others = pa.array([lead for lead, keep in zip(leads, same, strict=True) if not keep], type=pa.large_string())
    arrays["lead"] = lead_column(arrays["text"], same, others)
    return pa.Table.from_arrays([arrays[f.name] for f in ARTICLE_SCHEMA], schema=ARTICLE_SCHEMA)


#: A lead column split into more runs than one per this many rows is copied whole instead (no sharing).
_LEAD_RUN_ROWS = 64


def lead_column(text: pa.Array | pa.ChunkedArray, same: np.ndarray, others: pa.Array) -> pa.ChunkedArray:
    """The lead column: the text itself where ``same`` is true, else the next of ``others`` (in order).

    Where a run of rows has lead == text, the column is a slice of ``text`` (no copy), so a corpus of
    one-paragraph articles holds its text once, not twice. A column that alternates too often (more
    runs than one per ``_LEAD_RUN_ROWS`` rows) is copied instead, so that it stays in few chunks.
    """
    kind = pa.large_string()
    text = text if isinstance(text, pa.ChunkedArray) else pa.chunked_array([text], type=kind)
    if same.all():
        return text
    if not same.any():
        return pa.chunked_array([others], type=kind)
    edges = np.flatnonzero(np.diff(same.view(np.int8))) + 1
    starts, ends = np.concatenate([[0], edges]), np.concatenate([edges, [len(same)]])
    if len(starts) > max(16, len(same) // _LEAD_RUN_ROWS):
        where = np.empty(len(same), dtype=np.int64)  # rows of text, then of others, in one take
        where[same] = np.flatnonzero(same)
        where[~same] = len(same) + np.arange(len(others))
        return pa.chunked_array([pa.chunked_array([*text.chunks, others], type=kind).take(where)], type=kind)
    pieces, taken = [], 0
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if same[start]:
            pieces.extend(text.slice(start, end - start).chunks)
        else:
            pieces.append(others.slice(taken, end - start))
            taken += end - start
    return pa.chunked_array(pieces, type=kind)


def restore(table: pa.Table) -> pd.DataFrame:
    """Cached Arrow articles -> the articles frame (section structs back to tuples, in bulk)."""
    sections = table.column("sections").combine_chunks()
    frame = table.drop_columns(["sections"]).to_pandas()
    flat = sections.flatten()
    names = flat.field("name").dictionary_encode()  # a handful of names ("lead", "details"...), each one object
    values = names.dictionary.to_pylist()
    name_list = [values[code] if code is not None else None for code in names.indices.to_pylist()]
    triples = list(zip(name_list, flat.field("start").to_pylist(), flat.field("end").to_pylist(), strict=True))
    del name_list
    offsets = sections.offsets.to_pylist()
    frame["sections"] = [triples[offsets[i] : offsets[i + 1]] for i in range(len(sections))]
    frame["via"] = [list(v) if v is not None else [] for v in frame["via"]]
    for column in [*STRING_COLUMNS, "_id", "_unit"]:
        frame[column] = frame[column].astype("string")
    return frame


def finish(table: pa.Table | list[pa.Table], out: str | os.PathLike | None = None) -> tuple[pa.Table, pd.DataFrame]:
    """Order by date then path (natural order), make ids unique (from the readers' ids in ``_id``), flag duplicates.

    Works on the Arrow table (sorting and reordering in C++) so that adding a few files to a large
    cached corpus does not convert every article to Python and back. Returns the table and the
    ``duplicate_id`` problems. Given the table in a one-item list, it takes the only reference and
    reorders column by column, so that memory holds one column twice at most, not the whole table.

    Given ``out`` (a new file), the ordered table is written there as Arrow IPC a block of rows at
    a time (:func:`write_ordered`) and returned memory-mapped from it: memory then holds one block,
    not the table, and the text stays in the file (pages the kernel reads when used and may drop),
    as it does for a table memory-mapped from the cache.
    """
    if isinstance(table, list):
        table = table.pop()
    order = _order(table)
    if out is not None:
        return write_ordered(table, order, out)
    if not (order == np.arange(len(order))).all():
        owned = [table]
        del table
        table = reorder(owned, pa.array(order))
    new_ids, duplicate_of, problems = _settle(table)
    for name, column in (("article_id", new_ids), ("duplicate_of", duplicate_of)):
        table = table.set_column(table.schema.get_field_index(name), ARTICLE_SCHEMA.field(name), column)
    return table, problems


def _order(table: pa.Table) -> np.ndarray:
    """Row positions by date (no date: last), then by path in natural order (a.csv#row=2 before
    a.csv#row=10, file2 before file10: :func:`workbench.readers.natural_key`), sorted in Arrow on
    :func:`workbench.readers.natural_text` keys made a block of paths at a time (a million paths' key
    tuples took 420 MB)."""
    paths = table.column("path")
    keys = []
    for start in range(0, len(paths), _ORDER_BLOCK):
        block = paths.slice(start, _ORDER_BLOCK).to_pylist()
        keys.append(pa.array([readers.natural_text(path or "") for path in block], type=pa.large_string()))
    keys = pa.table({"published": table.column("published"), "path": pa.chunked_array(keys, type=pa.large_string())})
    order = pc.sort_indices(keys, sort_keys=[("published", "ascending"), ("path", "ascending")])
    return order.to_numpy(zero_copy_only=False).astype(np.int64)


_ORDER_BLOCK = 65536


def _settle(table: pa.Table) -> tuple[pa.Array, pa.Array, pd.DataFrame]:
    """The ``article_id`` and ``duplicate_of`` columns of an ordered table (a small one: its ``_id``,
    ``content_hash``, ``path`` and ``_unit`` columns), and the ``duplicate_id`` problems.

    An id taken by an earlier article is renamed ``<id>~2``, ``~3``...; a text equal to an earlier
    article's is a duplicate of that article."""
    ids = table.column("_id").to_pandas()
    clash = ids.duplicated(keep="first")
    problems, units = [], []
    new_ids = ids
    if clash.any():
        seen: dict[str, int] = {}
        renamed = []
        for article_id, is_clash, path, unit in zip(
            ids, clash, table.column("path").to_pylist(), table.column("_unit").to_pylist(), strict=True
        ):
            if is_clash:
                seen[article_id] = seen.get(article_id, 1) + 1
                new_id = f"{article_id}~{seen[article_id]}"
                problems.append(
                    Problem(
                        path,
                        "duplicate_id",
                        f"id {article_id!r} is taken by an earlier article; renamed {new_id!r}",
                        "warning",
                    )
                )
                units.append(unit)
                renamed.append(new_id)
            else:
                renamed.append(article_id)
        new_ids = pd.Series(renamed, dtype="string")
    hashes = table.column("content_hash").to_pandas()
    first = pd.Series(new_ids.values, index=hashes.values)
    first = first[~first.index.duplicated(keep="first")]
    duplicate_of = hashes.map(first).where(hashes.duplicated(keep="first"))
    kind = pa.large_string()
    return (
        pa.array(new_ids, type=kind, from_pandas=True),
        pa.array(duplicate_of, type=kind, from_pandas=True),
        problems_frame(problems).assign(_unit=pd.Series(units, dtype="string")),
    )


#: Bytes of text per block of rows written by :func:`write_ordered`.
WRITE_BLOCK_BYTES = 32 * 1024 * 1024


def write_ordered(table: pa.Table, order: np.ndarray, out: str | os.PathLike) -> tuple[pa.Table, pd.DataFrame]:
    """:func:`finish` into the file ``out``: ``table`` taken in ``order``, ids settled, written as Arrow
    IPC block by block; returns the table memory-mapped from ``out`` (``workbench.cache.read_arrow``).

    A block holds about ``WRITE_BLOCK_BYTES`` of text. Its rows are taken chunk by chunk
    (:class:`Rows`), since Arrow's take on a chunked string column first joins every chunk (a copy
    of the whole column). ``table`` itself may be memory-mapped: memory holds a block, the small
    columns the ids are settled from, and where each row comes from (16 bytes a row).
    """
    rows = Rows(order)
    n = len(order)
    small = pa.table({name: rows.take(table.column(name)) for name in ("_id", "content_hash", "path", "_unit")})
    new_ids, duplicate_of, problems = _settle(small)
    del small
    settled = {"article_id": new_ids, "duplicate_of": duplicate_of}
    schema = table.schema
    step = max(256, int(n * WRITE_BLOCK_BYTES // max(1, table.column("text").nbytes)))
    with pa.OSFile(os.fspath(out), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
        for start in range(0, n, step):
            stop = min(n, start + step)
            arrays = [
                settled[name].slice(start, stop - start)
                if name in settled
                else rows.take(table.column(name), start, stop)
                for name in schema.names
            ]
            writer.write_batch(pa.record_batch(arrays, schema=schema))
    del table
    return read_arrow(out), problems


class Rows:
    """Rows of chunked columns picked in a given ``order`` (positions), a block of it at a time.

    Where each position lies (its chunk and its row there) is found once per chunk layout, so a
    table's columns, which share a layout, share it; each block is taken chunk by chunk and put
    back in order."""

    def __init__(self, order: np.ndarray) -> None:
        self.order = np.asarray(order, dtype=np.int64)
        self._layouts: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = {}

    def _layout(self, column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
        lengths = tuple(len(chunk) for chunk in column.chunks)
        if lengths not in self._layouts:
            bounds = np.cumsum((0, *lengths), dtype=np.int64)
            which = np.searchsorted(bounds, self.order, "right") - 1  # an empty chunk is skipped
            self._layouts[lengths] = (which, self.order - bounds[which])
        return self._layouts[lengths]

    def take(self, column: pa.ChunkedArray, start: int = 0, stop: int | None = None) -> pa.Array:
        """``column.take(order[start:stop])`` without joining the column's chunks."""
        which, local = self._layout(column)
        which, local = which[start:stop], local[start:stop]
        if not len(which):
            return pa.array([], type=column.type)
        by_chunk = np.argsort(which, kind="stable")
        grouped, local = which[by_chunk], local[by_chunk]
        cuts = np.flatnonzero(np.diff(grouped)) + 1
        parts = [
            column.chunk(int(grouped[a])).take(pa.array(local[a:b]))
            for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), len(grouped)], strict=True)
        ]
        back = np.empty(len(by_chunk), dtype=np.int64)
        back[by_chunk] = np.arange(len(by_chunk))
        return pa.concat_arrays(parts).take(pa.array(back))


def reorder(owned: list[pa.Table], order: pa.Array) -> pa.Table:
    """``table.take(order)`` for the table in ``owned`` (its only reference), one column at a time.

    Each old column is released as soon as it is reordered. A large string column (the text) is
    spilled to a temporary file and gathered back in order (:func:`take_spilled`), so that it is
    never held twice. The lead is rebuilt from the reordered text where the two are equal
    (:func:`lead_column`): only the leads that differ from their text are copied.
    """
    table = owned.pop()
    moved = pc.fill_null(pc.equal(table.column("lead"), table.column("text")), False).take(order)
    others = gather(table.column("lead"), pc.filter(order, pc.invert(moved)).to_numpy(zero_copy_only=False))
    moved = moved.to_numpy(zero_copy_only=False)
    schema = table.schema
    table = table.drop_columns(["lead"])
    indices = order.to_numpy(zero_copy_only=False).astype(np.int64)
    columns = {}
    for name in table.column_names:
        column = table.column(0)
        table = table.remove_column(0)
        spill = spill_file(column.nbytes) if column.type == pa.large_string() else None
        if spill is not None:
            chunks = column.chunks
            del column
            with spill:
                columns[name] = take_spilled(chunks, indices, spill)
            continue
        column = column.combine_chunks() if column.num_chunks > 1 else column  # then the chunks can go
        columns[name] = column.take(order)
        del column
    columns["lead"] = lead_column(columns["text"], moved, others)
    return pa.Table.from_arrays([columns[name] for name in schema.names], schema=schema)


def gather(column: pa.ChunkedArray, indices: np.ndarray) -> pa.Array:
    """``column.take(indices)`` chunk by chunk: Arrow's take on a chunked string column first joins
    every chunk into one array (a copy of the whole column, even for a few indices)."""
    return Rows(indices).take(column)


#: String columns of at least this many bytes are reordered through a temporary file (one copy in memory).
SPILL_MIN_BYTES = 8 * 1024 * 1024
#: Bytes of a spilled column gathered back into one Arrow chunk.
SPILL_BLOCK_BYTES = 2 * 1024 * 1024


def spill_file(nbytes: int) -> IO[bytes] | None:
    """A temporary file for a column of ``nbytes``, or None (reorder in memory) when the column is
    small, the temporary folder cannot take it, or the system has no ``os.preadv``."""
    if nbytes < SPILL_MIN_BYTES or not hasattr(os, "preadv"):  # no preadv (Windows): in memory
        return None
    try:
        if shutil.disk_usage(tempfile.gettempdir()).free < 2 * nbytes:
            return None
        return tempfile.TemporaryFile(prefix="workbench-spill-")
    except OSError:
        return None


def take_spilled(chunks: list[pa.Array], order: np.ndarray, handle: IO[bytes]) -> pa.ChunkedArray:
    """``take(order)`` of a large_string column given as its chunks (their only reference), via ``handle``.

    ``handle`` is a temporary file (:func:`spill_file`; the caller closes it). The chunks are
    written to it one by one and released; the values are then read back in
    the new order, ``SPILL_BLOCK_BYTES`` at a time. Memory holds the new column and one block,
    never the old and the new column together.
    """
    rows = sum(len(chunk) for chunk in chunks)
    starts = np.empty(rows, dtype=np.int64)
    lengths = np.empty(rows, dtype=np.int64)
    valid = np.ones(rows, dtype=bool)
    row = written = 0
    while chunks:
        chunk = chunks.pop(0)
        n = len(chunk)
        if n:
            offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset : chunk.offset + n + 1]
            first, last = int(offsets[0]), int(offsets[-1])
            handle.write(memoryview(chunk.buffers()[2])[first:last])
            starts[row : row + n] = offsets[:-1] - first + written
            lengths[row : row + n] = np.diff(offsets)
            if chunk.null_count:
                valid[row : row + n] = chunk.is_valid().to_numpy(zero_copy_only=False)
            row += n
            written += last - first
        del chunk
    handle.flush()
    fd = handle.fileno()
    ends = np.cumsum(lengths[order])
    blocks = []
    begin = 0
    while begin < len(order):
        stop = int(np.searchsorted(ends, (ends[begin - 1] if begin else 0) + SPILL_BLOCK_BYTES, "right"))
        stop = max(stop, begin + 1)
        picked = order[begin:stop]
        offsets = np.zeros(len(picked) + 1, dtype=np.int64)
        np.cumsum(lengths[picked], out=offsets[1:])
        data = pa.allocate_buffer(int(offsets[-1]))  # from the pool that just freed the old chunks
        view = memoryview(data)
        for start, length, at in zip(starts[picked].tolist(), lengths[picked].tolist(), offsets.tolist(), strict=False):
            if length and os.preadv(fd, [view[at : at + length]], start) != length:
                raise OSError(f"the spill file {handle.name} was cut short")
        del view
        mask = valid[picked]
        validity = None if mask.all() else pa.array(mask).buffers()[1]
        blocks.append(pa.Array.from_buffers(pa.large_string(), len(picked), [validity, pa.py_buffer(offsets), data]))
        begin = stop
    return pa.chunked_array(blocks, type=pa.large_string())
