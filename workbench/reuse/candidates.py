"""Candidate pairs of articles that may share text: MinHash signatures and LSH banding, no all-pairs step.

Each article is cut into blocks of ``BLOCK`` words; a *window* is a block and the next one, so a shared
paragraph is found wherever it sits. Every window gets a MinHash signature of its word shingles
(``NUM_PERM`` multiply-shift hash functions, computed with numpy over a whole partition at once; one
shingle in ``SAMPLE`` is kept, chosen by its hash so the same shingles are kept in every article), and
the signature is cut into ``BANDS`` bands of ``ROWS`` values. Two windows whose band values agree in
any band land in the same bucket: their articles are a candidate pair, which
:func:`workbench.reuse.copying.copies` then verifies exactly.

Signatures are computed per partition (:func:`band_keys`, one batch of articles at a time, so memory
stays bounded), and buckets are formed across all partitions at the end (:func:`candidate_pairs`).

Why not ``datasketch.MinHashLSH`` itself: building one ``MinHash`` object per window and inserting it
costs tens of microseconds in Python, and 100,000 articles have over two million windows;
``benchmarks/bench_copies.py --datasketch`` measures it (200,000 inserts: 40.6 s). The banding is the
same, done as one sort over all band keys: 12 bands of 3 rows, whose S-curve ``1 - (1 - J**3)**12``
passes one half at a window Jaccard of about 0.38. Windows of a copy with one word in five changed have
a Jaccard of about 0.3, but a copy has many windows and one colliding window is enough; 3 rows rather
than the 2 that datasketch's ``_optimal_param`` picks for 0.3 keep windows that share only a common
phrase or two from colliding.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.reuse.shingles import Words, mix, shingles, words

#: Words per block; a window is two consecutive blocks (40 words, one every 20).
BLOCK = 20
#: MinHash functions per window, cut into BANDS bands of ROWS values.
NUM_PERM = 36
BANDS = 12
ROWS = 3
#: One shingle in SAMPLE enters the signatures (chosen by hash value, identically in every article).
SAMPLE = 2
#: Texts with fewer shingles than this keep all of them.
SHORT = 2 * BLOCK
#: A bucket with more articles than this is a phrase everybody uses, not a copy: its articles are
#: paired with the bucket's first article only.
MAX_BUCKET = 64

#: Candidate pairs (before de-duplication) counted at once when buckets are turned into pairs.
CHUNK_PAIRS = 1_000_000
#: Bytes of packed band keys held in memory before they go to temporary files by range (:class:`KeyRanges`).
KEYS_IN_MEMORY = 256 * 1024 * 1024
#: Ranges of key values (``2 ** RANGE_BITS``) whose pairs are found one at a time once keys go to files.
RANGE_BITS = 6

#: Texts per signature batch.
PARTITION = 500
#: Below this many texts a second process costs more (start-up, imports, sending texts) than it saves.
PARALLEL_MIN_TEXTS = int(os.environ.get("WORKBENCH_COPIES_PARALLEL_MIN_TEXTS", 20_000))
_TEXT_BITS = 24
_KEY_MASK = np.uint64(((1 << 64) - 1) ^ ((1 << _TEXT_BITS) - 1))
_rng = np.random.default_rng(20241114)
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_BAND_SALT = mix(np.arange(1, BANDS + 1, dtype=np.uint64))


def window_signatures(batch: Words) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures of every window of a batch.

    Returns:
        ``(signatures, text)``: a ``(windows, NUM_PERM)`` uint32 array and each window's text index.
    """
    hashes, first = shingles(batch.hashes, batch.text)
    # sample shingles, except in short texts (a quotation), which keep them all
    per_text = (
        np.bincount(batch.text[first], minlength=len(batch.offsets) - 1) if len(first) else np.zeros(0, dtype=np.int64)
    )
    keep = ((hashes % np.uint64(SAMPLE)) == 0) | (per_text[batch.text[first]] < SHORT)
    hashes, first = hashes[keep], first[keep]
    if not len(hashes):
        return np.zeros((0, NUM_PERM), dtype=np.uint32), np.zeros(0, dtype=np.int32)
    text = batch.text[first]
    block = (first - batch.offsets[text]) // BLOCK
    key = text.astype(np.int64) * (1 << 32) + block
    bounds = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    signatures = np.empty((len(bounds), NUM_PERM), dtype=np.uint32)
    for j in range(NUM_PERM):
        values = ((hashes * _A[j] + _B[j]) >> np.uint64(32)).astype(np.uint32)
        signatures[:, j] = np.minimum.reduceat(values, bounds)
    block_key = key[bounds]
    block_text = text[bounds]
    # a window: each block with the next block of the same article (the last block stands alone)
    following = np.concatenate([block_key[1:] == block_key[:-1] + 1, [False]])
    windows = signatures.copy()
    windows[:-1][following[:-1]] = np.minimum(signatures[:-1][following[:-1]], signatures[1:][following[:-1]])
    return windows, block_text


def band_keys(
    texts: Sequence[str | None], *, exclude: Sequence[Sequence[tuple[int, int]]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """LSH band keys of one partition of texts.

    Args:
        texts: the partition's texts.
        exclude: per text, character ranges left out (boilerplate).

    Returns:
        ``(keys, text)``: one uint64 key per window and band, and the index of the key's text in ``texts``.
    """
    signatures, text = window_signatures(words(texts, exclude=exclude))
    keys = np.empty((len(signatures), BANDS), dtype=np.uint64)
    for band in range(BANDS):
        combined = np.full(len(signatures), _BAND_SALT[band], dtype=np.uint64)
        for row in range(ROWS):
            combined = mix(combined ^ signatures[:, band * ROWS + row].astype(np.uint64))
        keys[:, band] = combined
    return keys.ravel(), np.repeat(text, BANDS).astype(np.int32)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting (numpy 2's hash-based unique is several times slower on uint64 keys)."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values


def pack(keys: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Band keys and text indices in one uint64 each: the key's top 40 bits (a rare chance collision only
    adds a candidate that verification drops) and the text in the low 24 bits, so one sort groups them."""
    if len(text) and int(text.max()) >= 1 << _TEXT_BITS:
        raise ValueError(f"at most {1 << _TEXT_BITS:,} articles per call")
    return (keys & _KEY_MASK) | text.astype(np.uint64)


def pairs_from_keys(keys: np.ndarray, text: np.ndarray, *, max_bucket: int = MAX_BUCKET) -> pd.DataFrame:
    """Articles that share a band key, as pairs ``left < right`` (indices) with ``hits``: shared keys.

    >>> keys = np.array([5, 7, 5, 5], dtype=np.uint64) << np.uint64(32)
    >>> pairs_from_keys(keys, np.array([0, 0, 1, 1])).values.tolist()
    [[0, 1, 1]]
    """
    return pairs_from_packed(pack(keys, text), max_bucket=max_bucket)


def pairs_from_packed(packed: np.ndarray, *, max_bucket: int = MAX_BUCKET) -> pd.DataFrame:
    """:func:`pairs_from_keys` on :func:`pack`-ed keys (sorted in place: the array is reused)."""
    return _pairs_frame(*pair_codes(packed, max_bucket=max_bucket))


def _pairs_frame(code: np.ndarray, hits: np.ndarray) -> pd.DataFrame:
    """Pair codes (``left << _TEXT_BITS | right``) and their hits as ``left, right, hits``."""
    return pd.DataFrame(
        {
            "left": (code >> _TEXT_BITS).astype("int64"),
            "right": (code & ((1 << _TEXT_BITS) - 1)).astype("int64"),
            "hits": hits.astype("int64"),
        }
    )


def pair_codes(packed: np.ndarray, *, max_bucket: int = MAX_BUCKET) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs sharing a key among :func:`pack`-ed keys, as sorted codes (``left << _TEXT_BITS |
    right``, ``left < right``) and how many keys each pair shares (``packed`` is sorted in place)."""
    none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if not len(packed):
        return none
    packed.sort()
    keep = np.empty(len(packed), dtype=bool)
    keep[0] = True
    np.not_equal(packed[1:], packed[:-1], out=keep[1:])
    packed = packed[keep]
    del keep
    t = (packed & np.uint64((1 << _TEXT_BITS) - 1)).astype(np.int32)
    packed >>= np.uint64(_TEXT_BITS)  # in place: the keys (memory: 8 bytes per window and band)
    # most keys are held by one article only: keep those shared before sizing the buckets
    same = packed[1:] == packed[:-1]
    shared = np.zeros(len(packed), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    k, t = packed[shared], t[shared]
    del packed, same, shared
    if not len(k):
        return none
    starts = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]]))
    sizes = np.diff(np.concatenate([starts, [len(k)]]))
    # the pairs of every bucket, CHUNK_PAIRS at a time, each chunk counted (distinct pairs and hits) at once:
    # a text copied many times shares hundreds of keys with each copy, so the raw pairs outnumber the
    # distinct ones a hundredfold (100 M for 20,000 articles made of 840 texts: 5 GB held at once before)
    sums = _Sums()
    for size in np.unique(sizes[sizes >= 2]):
        run_starts = starts[sizes == size]
        crowded = size > max_bucket
        i, j = (np.zeros(size - 1, dtype=np.int64), np.arange(1, size)) if crowded else np.triu_indices(size, 1)
        step = max(1, CHUNK_PAIRS // len(i))
        for at in range(0, len(run_starts), step):
            chunk = run_starts[at : at + step, None]
            left = t[(chunk + i[None, :]).ravel()].astype(np.int64)
            right = t[(chunk + j[None, :]).ravel()].astype(np.int64)
            sums.add(*_counted(np.minimum(left, right) * (1 << _TEXT_BITS) + np.maximum(left, right), left != right))
    return sums.total()


class KeyRanges:
    """Packed band keys (:func:`pack`) gathered for :func:`pair_codes`, in memory up to ``bound`` bytes,
    beyond that in temporary files, one per range of key values (their top ``RANGE_BITS`` bits).

    Articles pair only through equal keys, and equal keys fall in one range: the pairs of the whole
    corpus are those of each range, found one range at a time. A million articles have about 450 million
    band keys (3.6 GB), which memory never holds at once this way: it holds ``bound`` bytes while they
    are gathered, then one range's keys.
    """

    def __init__(self, bound: int | None = None, *, folder: Path | None = None) -> None:
        self.bound = KEYS_IN_MEMORY if bound is None else bound
        self.folder = folder  # None: the system's temporary folder (which may be a tmpfs, that is memory)
        self.parts: list[np.ndarray] = []
        self.held = 0
        self.files: list | None = None

    def add(self, packed: np.ndarray) -> None:
        self.parts.append(packed)
        self.held += packed.nbytes
        if self.held > self.bound:
            self._spill()

    def _spill(self) -> None:
        if self.files is None:
            # open until pairs() reads and closes them
            if self.folder is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
            self.files = [
                tempfile.TemporaryFile(prefix="workbench-band-keys-", dir=self.folder)  # noqa: SIM115
                for _ in range(1 << RANGE_BITS)
            ]
        joined = np.concatenate(self.parts) if len(self.parts) != 1 else self.parts[0]
        self.parts, self.held = [], 0
        joined.sort()
        edges = np.searchsorted(joined, np.arange(1, 1 << RANGE_BITS, dtype=np.uint64) << np.uint64(64 - RANGE_BITS))
        for handle, part in zip(self.files, np.split(joined, edges), strict=True):
            part.tofile(handle)

    def pairs(self, *, max_bucket: int = MAX_BUCKET) -> pd.DataFrame:
        """The candidate pairs of every key gathered (the files are closed: once only)."""
        if self.files is None:
            joined = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.uint64)
            self.parts = []
            return pairs_from_packed(joined, max_bucket=max_bucket)
        if self.parts:
            self._spill()
        # a pair shares keys in many ranges: summed as the ranges come, not all at the end (at a million
        # articles the ranges' pairs together, summed at once, took 3 GB more for a moment)
        sums = _Sums()
        for handle in self.files:
            with handle:
                handle.seek(0)
                sums.add(*pair_codes(np.fromfile(handle, dtype=np.uint64), max_bucket=max_bucket))
        self.files = None
        return _pairs_frame(*sums.total())


def _counted(code: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pair codes among ``code[keep]``, sorted, and how often each occurs."""
    code = np.sort(code[keep])
    if not len(code):
        return code, np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.concatenate([[True], code[1:] != code[:-1]]))
    return code[first], np.diff(np.concatenate([first, [len(code)]])).astype(np.int64)


class _Sums:
    """Counted chunks (:func:`_counted`) summed into one as they come, once they hold more than
    ``CHUNK_PAIRS`` codes: the same pair comes in many chunks, so memory holds about the distinct pairs,
    not every chunk's."""

    def __init__(self) -> None:
        self.codes: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.held = 0

    def add(self, code: np.ndarray, hits: np.ndarray) -> None:
        self.codes.append(code)
        self.counts.append(hits)
        self.held += len(code)
        if self.held > CHUNK_PAIRS and len(self.codes) > 1:
            code, hits = _summed(self.codes, self.counts)
            self.codes, self.counts, self.held = [code], [hits], len(code)

    def total(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct codes, sorted, and their summed hits."""
        if not self.codes:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return _summed(self.codes, self.counts)


def _summed(codes: list[np.ndarray], counts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Counted chunks (:func:`_counted`) as one: distinct codes, sorted, with their hits summed."""
    code, hits = np.concatenate(codes), np.concatenate(counts)
    order = np.argsort(code, kind="stable")
    code, hits = code[order], hits[order]
    if not len(code):
        return code, hits
    first = np.flatnonzero(np.concatenate([[True], code[1:] != code[:-1]]))
    return code[first], np.add.reduceat(hits, first)


def candidate_pairs(
    texts: Sequence[str | None],
    *,
    exclude: Sequence[Sequence[tuple[int, int]]] | None = None,
    partition: int = PARTITION,
    n_jobs: int = 1,
    spill: Path | None = None,
) -> pd.DataFrame:
    """Candidate pairs among ``texts``: signatures per partition, buckets across all of them.

    Args:
        texts: every text.
        exclude: per text, character ranges left out.
        partition: texts per signature batch (small batches keep numpy's temporary arrays in reused memory).
        n_jobs: processes computing signatures (partitions are independent); used from
            ``PARALLEL_MIN_TEXTS`` texts on.
        spill: the folder for the band keys beyond ``KEYS_IN_MEMORY`` (:class:`KeyRanges`; None: the
            system's temporary folder). The corpus's cache folder is on disk where a tmpfs is not.

    Returns:
        ``left, right, hits`` (indices into ``texts``, ``left < right``).
    """
    parts = _partitions(texts, exclude, partition)
    packed = KeyRanges(folder=spill)  # one uint64 per window and band: key and text (see pack)
    if n_jobs > 1 and len(texts) >= PARALLEL_MIN_TEXTS:
        from workbench.tables import pooled, process_pool  # its workers never re-run the user's script (issue 11)

        # a few partitions per task, at most two tasks per worker in flight (texts are sent as they are
        # needed, not all at once), results taken in order
        tasks = ((task,) for task in _grouped(parts, 8))
        with process_pool(n_jobs) as pool:
            for result in pooled(pool, _band_keys_of, tasks, ahead=2 * n_jobs):
                for offset, (k, t) in result:
                    packed.add(pack(k, t.astype(np.int64) + offset))
    else:
        for offset, batch_texts, batch_exclude in parts:
            k, t = band_keys(batch_texts, exclude=batch_exclude)
            packed.add(pack(k, t.astype(np.int64) + offset))
    return packed.pairs()


def _band_keys_of(task: list[tuple[int, list, list | None]]) -> list[tuple[int, tuple[np.ndarray, np.ndarray]]]:
    return [(offset, band_keys(batch_texts, exclude=batch_exclude)) for offset, batch_texts, batch_exclude in task]


def _grouped(parts: Iterable, size: int) -> Iterable[list]:
    group: list = []
    for part in parts:
        group.append(part)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


def _partitions(texts, exclude, size) -> Iterable[tuple[int, list, list | None]]:
    for offset in range(0, len(texts), size):
        chunk = list(texts[offset : offset + size])
        yield offset, chunk, (list(exclude[offset : offset + size]) if exclude is not None else None)
