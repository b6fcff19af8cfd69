"""What the boilerplate search reads of each article, and what it keeps between loads.

:class:`Rows` reads the columns the search depends on (text hash, title, outlet, duplicate flag) in
Arrow, so that their :meth:`~Rows.key` costs milliseconds on 100,000 articles; :class:`Index` holds
every article's candidate patterns by signature (text hash and title), so that a later search splits
only the articles it does not hold (:func:`workbench.boilerplate.search`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: where a candidate stands, stored as its position in this tuple
WHERE = ("edge", "line", "lead", "tail")
WHERE_CODE = {w: i for i, w in enumerate(WHERE)}
#: the candidates of the articles an index holds: one row per article (``slot``) and pattern key
ENTRY_SCHEMA = pa.schema(
    [
        ("slot", pa.int64()),
        ("key", pa.large_string()),
        ("hash", pa.int64()),  # of the key (see :func:`key_hash`): counted without the strings
        ("edge", pa.bool_()),
        ("where", pa.int8()),
        ("starts", pa.list_(pa.int64())),
        ("ends", pa.list_(pa.int64())),
    ]
)


class Rows:
    """What the search reads of every article: its signature (text hash and title), outlet, duplicate flag.

    Built from the columns in Arrow, so that the :meth:`key` of a large corpus costs milliseconds;
    the outlets and duplicate flags become Python lists only when a search needs them.
    """

    def __init__(self, articles: pd.DataFrame) -> None:
        self.articles = articles
        n = len(articles)
        hashes = _arrow(articles, "content_hash") if "content_hash" in articles.columns else pa.nulls(n, _STRING)
        if hashes.null_count:  # hash only the texts whose hash is not given
            missing = np.flatnonzero(hashes.is_null().to_numpy(zero_copy_only=False))
            values = hashes.to_pylist()
            for start in range(0, len(missing), 2048):  # a block of texts at a time
                at = missing[start : start + 2048]
                for i, text in zip(at.tolist(), block(articles, "text", at), strict=True):
                    values[i] = _text_hash(text)
            hashes = pa.array(values, type=_STRING)
        self._hashes = hashes
        self._titles = _arrow(articles, "title") if "title" in articles.columns else pa.nulls(n, _STRING)
        self._digests = [n.to_bytes(8, "little"), _digest(self._hashes), _digest(self._titles)]
        if "outlet" in articles.columns:
            self._digests.append(_digest(_arrow(articles, "outlet")))
        if "duplicate_of" in articles.columns:
            self._digests.append(np.packbits(self._duplicate_flags()).tobytes())

    @cached_property
    def signatures(self) -> pa.Array:
        """Per article, its text hash and title ("" counts as none): equal signatures, equal candidates."""
        titles = _combined(self._titles).cast(_STRING)
        titles = pc.fill_null(pc.if_else(pc.equal(titles, ""), pa.scalar(None, _STRING), titles), _NONE)
        return pc.binary_join_element_wise(_combined(self._hashes).cast(_STRING), titles, pa.scalar("\x1f", _STRING))

    def key(self) -> str:
        """A hash of everything the search reads (row order included), for a cached result."""
        digest = hashlib.blake2b(digest_size=16)
        for part in self._digests:
            digest.update(part)
        return digest.hexdigest()

    @cached_property
    def outlets(self) -> list:
        """Each article's outlet, None when it has none (or an empty one)."""
        if "outlet" not in self.articles.columns:
            return [None] * len(self.articles)
        return [None if o == "" else o for o in strings(self.articles, "outlet")]

    @cached_property
    def duplicate(self) -> list[bool]:
        """Whether each article is an exact duplicate of an earlier one (``duplicate_of`` set)."""
        if "duplicate_of" not in self.articles.columns:
            return [False] * len(self.articles)
        return self._duplicate_flags().tolist()

    def _duplicate_flags(self) -> np.ndarray:
        of = _arrow(self.articles, "duplicate_of")
        return pc.fill_null(pc.not_equal(of, ""), False).to_numpy(zero_copy_only=False)


@dataclass
class Index:
    """Every article's candidates (:data:`ENTRY_SCHEMA`), by signature (``signatures[slot]``)."""

    signatures: pa.Array
    entries: pa.Table


def entry_table(slots: list[int], found: list[dict[str, list]]) -> pa.Table:
    columns: dict[str, list] = {name: [] for name in ENTRY_SCHEMA.names}
    for slot, entries in zip(slots, found, strict=True):
        for key, (edge, spans_, where) in entries.items():
            columns["slot"].append(slot)
            columns["key"].append(key)
            columns["hash"].append(key_hash(key))
            columns["edge"].append(edge)
            columns["where"].append(WHERE_CODE[where])
            columns["starts"].append([s for s, _ in spans_])
            columns["ends"].append([e for _, e in spans_])
    return pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in ENTRY_SCHEMA}, schema=ENTRY_SCHEMA)


def key_hash(key: str) -> int:
    """A 64-bit hash of a pattern key, the same in every process (two keys may share one: counts are a bound)."""
    return int.from_bytes(
        hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little", signed=True
    )


def strings(articles: pd.DataFrame, name: str, positions=None) -> list:
    """A column as a list (all rows, or those at ``positions``), missing values as None."""
    column = articles[name]
    if positions is None:
        return column.to_numpy(dtype=object, na_value=None).tolist()
    positions = np.asarray(positions, dtype=np.int64)
    if len(positions) * 20 < len(column):  # a few rows: one by one (Arrow's take would first copy the whole column)
        values = column.array
        return [_missing_as_none(values[i]) for i in positions.tolist()]
    return column.iloc[positions].to_numpy(dtype=object, na_value=None).tolist()


def block(articles: pd.DataFrame, name: str, positions: np.ndarray) -> list:
    """:func:`strings` of the rows at ``positions`` (ascending), reading only the rows from the first to the last."""
    positions = np.asarray(positions, dtype=np.int64)
    if not len(positions) or np.any(positions[1:] < positions[:-1]):
        return strings(articles, name, positions)
    first, last = int(positions[0]), int(positions[-1])
    return strings(articles[[name]].iloc[first : last + 1], name, positions - first)


def _missing_as_none(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


_STRING = pa.large_string()
_NONE = pa.scalar("\x1e", _STRING)  # stands for a missing value in signatures and hashes


def _arrow(articles: pd.DataFrame, name: str) -> pa.Array | pa.ChunkedArray:
    """A column as Arrow strings, its chunks as they are (any value that is not a string as its ``repr``)."""
    column = articles[name]
    try:
        array = pa.array(column, from_pandas=True)
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            array = array.cast(_STRING)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        values = [None if v is None else v if isinstance(v, str) else repr(v) for v in strings(articles, name)]
        array = pa.array(values, type=_STRING)
    return array


def _digest(array: pa.Array | pa.ChunkedArray) -> bytes:
    """A hash of strings: their values, where each ends and which are missing, whatever the chunks or slicing."""
    digest, ends_digest = hashlib.blake2b(digest_size=16), hashlib.blake2b(digest_size=16)
    base = 0
    missing = []
    for chunk in array.chunks if isinstance(array, pa.ChunkedArray) else [array]:
        if not len(chunk):
            continue
        _, offsets, data = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        ends = np.frombuffer(offsets, dtype=width, count=chunk.offset + len(chunk) + 1)[chunk.offset :].astype(np.int64)
        ends_digest.update((ends[1:] - ends[0] + base).tobytes())
        base += int(ends[-1] - ends[0])
        if data is not None:
            digest.update(memoryview(data)[int(ends[0]) : int(ends[-1])])
        missing.append(chunk.is_null().to_numpy(zero_copy_only=False))
    digest.update(ends_digest.digest())
    if missing:
        digest.update(np.packbits(np.concatenate(missing)).tobytes())
    return digest.digest()


def _combined(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _text_hash(text) -> str:
    text = text if isinstance(text, str) else ""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
