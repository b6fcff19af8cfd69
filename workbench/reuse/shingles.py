"""Words and word shingles as 64-bit hashes, computed with numpy over a whole batch of texts at once.

Hashing every word of 100,000 articles one Python string at a time takes minutes; here a batch of texts
is encoded to UTF-8 once and words are found, lower-cased and hashed on the byte array:

- a word is a run of ASCII letters and digits or of non-ASCII bytes (so Cyrillic, Greek, accented
  letters are words), except the UTF-8 forms of typographic punctuation (curly quotes, dashes, ellipsis,
  no-break space, guillemets), which separate words like their ASCII forms;
- ASCII letters are lower-cased (other scripts keep their case: copies keep it too);
- a word's hash mixes its bytes, read as 8-byte chunks straight from the buffer (splitmix64);
- a shingle is ``SHINGLE`` consecutive words of one article, hashed from the words' hashes.

Words inside excluded character ranges (boilerplate sections) are dropped before shingling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Words per shingle: 3 keeps a copy with one word in five changed recognisable (half of its
#: 3-word shingles survive) while unrelated articles share almost none.
SHINGLE = 3
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_C = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
#: Byte values that can start or continue a word: ASCII letters and digits and every non-ASCII byte.
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[ord("0") : ord("9") + 1] = True
_WORD_BYTE[ord("A") : ord("Z") + 1] = True
_WORD_BYTE[ord("a") : ord("z") + 1] = True
_WORD_BYTE[0x80:] = True
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[ord("A") : ord("Z") + 1] += 32
#: ``_MASKS[n]`` keeps the low ``n`` bytes of a little-endian uint64.
_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads similar inputs over all 64 bits (vectorised, wraps on overflow)."""
    x = values.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a batch of texts, in order.

    Attributes:
        hashes: one uint64 per word.
        text: the index of each word's text in the batch (int32, ascending).
        start, end: each word's byte offsets within its own text's UTF-8 encoding.
        offsets: ``offsets[i]:offsets[i + 1]`` are the words of text ``i``.
    """

    hashes: np.ndarray
    text: np.ndarray
    start: np.ndarray
    end: np.ndarray
    offsets: np.ndarray

    def of(self, i: int) -> np.ndarray:
        """The word hashes of text ``i``."""
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]


def words(texts: Sequence[str | None], *, exclude: Sequence[Sequence[tuple[int, int]]] | None = None) -> Words:
    """Hash the words of every text of a batch.

    Args:
        texts: the texts (None counts as empty).
        exclude: per text, character ranges whose words are dropped (e.g. boilerplate sections).

    Returns:
        A :class:`Words`.

    >>> w = words(["Biden met Xi.", "BIDEN  met xi"])
    >>> bool((w.of(0) == w.of(1)).all()), w.offsets.tolist()
    (True, [0, 3, 6])
    """
    encoded = [(t or "").encode("utf-8", "surrogatepass") for t in texts]
    lengths = np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=len(encoded))
    text_start = np.concatenate([[0], np.cumsum(lengths)])
    buf = np.frombuffer(b"\n".join(encoded) + b"\n", dtype=np.uint8)
    is_word = _WORD_BYTE[buf]
    # typographic punctuation in UTF-8: U+2000..U+206F (E2 80..81 xx) and U+00A0/AB/BB (C2 A0/AB/BB)
    lead = np.flatnonzero((buf[:-2] == 0xE2) & ((buf[1:-1] == 0x80) | (buf[1:-1] == 0x81)))
    for shift in range(3):
        is_word[lead + shift] = False
    lead = np.flatnonzero((buf[:-1] == 0xC2) & np.isin(buf[1:], (0xA0, 0xAB, 0xBB)))
    is_word[lead] = False
    is_word[lead + 1] = False
    edges = np.diff(np.concatenate([[False], is_word, [False]]).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    text_of = (np.searchsorted(text_start, starts, side="right") - 1).astype(np.int32)
    if exclude is not None and any(exclude):
        keep = ~_inside(starts, ends, _byte_ranges(texts, exclude, text_start))
        starts, ends, text_of = starts[keep], ends[keep], text_of[keep]
    hashes = _hash_words(buf, starts, ends)
    offsets = np.searchsorted(text_of, np.arange(len(texts) + 1), side="left")
    return Words(hashes, text_of, starts - text_start[text_of], ends - text_start[text_of], offsets)


def _byte_ranges(
    texts: Sequence[str | None], exclude: Sequence[Sequence[tuple[int, int]]], text_start: np.ndarray
) -> np.ndarray:
    """Excluded character ranges as sorted, merged ``(start, end)`` offsets into the batch's byte buffer."""
    ranges = []
    for i, spans in enumerate(exclude):
        if not spans:
            continue
        text = texts[i] or ""
        for lo, hi in spans:
            if text.isascii():
                ranges.append((text_start[i] + lo, text_start[i] + hi))
            else:
                blo = len(text[:lo].encode("utf-8", "surrogatepass"))
                ranges.append(
                    (text_start[i] + blo, text_start[i] + blo + len(text[lo:hi].encode("utf-8", "surrogatepass")))
                )
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return np.array(merged, dtype=np.int64).reshape(-1, 2)


def _inside(starts: np.ndarray, ends: np.ndarray, ranges: np.ndarray) -> np.ndarray:
    """Whether each word lies inside one of the sorted, disjoint ``ranges``."""
    if not len(ranges):
        return np.zeros(len(starts), dtype=bool)
    at = np.searchsorted(ranges[:, 0], starts, side="right") - 1
    return (at >= 0) & (ends <= ranges[np.maximum(at, 0), 1])


def _hash_words(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash words from 8-byte chunks gathered straight from the buffer (no per-byte arrays).

    A word's first 16 bytes are read as two little-endian uint64 chunks and, for longer words, its
    last 8 bytes as a third; bytes past the word's end are masked off; the chunks and the length are
    combined linearly and mixed once.
    """
    if not len(starts):
        return np.zeros(0, dtype=np.uint64)
    padded = np.concatenate([_LOWER[buf], np.zeros(32, dtype=np.uint8)])
    eight = np.lib.stride_tricks.sliding_window_view(padded, 8)  # row i: bytes i..i+7, no copy
    lengths = ends - starts
    combined = lengths.astype(np.uint64) * _C[2]
    chunks = (
        (starts, np.minimum(lengths, 8)),
        (starts + 8, np.clip(lengths - 8, 0, 8)),
        (np.maximum(ends - 8, starts), np.where(lengths > 16, 8, 0)),
    )
    for (chunk_start, remaining), factor in zip(chunks, (np.uint64(1), _C[0], _C[1]), strict=True):
        chunk = np.ascontiguousarray(eight[chunk_start]).view("<u8").ravel() & _MASKS[remaining]
        combined += chunk * factor
    return mix(combined)


def shingles(
    hashes: np.ndarray, text: np.ndarray | None = None, *, size: int = SHINGLE
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of ``size`` consecutive words, and the index of each shingle's first word.

    Args:
        hashes: word hashes (of one text, or of a batch together with ``text``).
        text: each word's text index; shingles never span two texts.
        size: words per shingle.

    Returns:
        ``(shingle_hashes, first_word_positions)``; a text shorter than ``size`` words yields one
        shingle of all its words.
    """
    n = len(hashes)
    if n == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    if n < size and (text is None or text[0] == text[-1]):
        weights = np.array([_C[k % len(_C)] for k in range(n)], dtype=np.uint64)
        return mix(np.array([np.sum(hashes * weights, dtype=np.uint64)])), np.zeros(1, dtype=np.int64)
    m = n - size + 1
    combined = np.zeros(max(m, 0), dtype=np.uint64)
    for k in range(size):
        combined += hashes[k : k + m] * _C[k % len(_C)]
    first = np.arange(max(m, 0), dtype=np.int64)
    if text is not None and m > 0:
        same = text[:m] == text[size - 1 :]
        combined, first = combined[same], first[same]
    return mix(combined), first
