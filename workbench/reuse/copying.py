"""Pairs of articles that share text: candidates from MinHash LSH, each verified exactly.

:func:`copies` is the extractor behind ``corpus.copies``: one row per pair of articles that share text,
the later one (``article_id``) pointing at the earlier one (``copy_of``). Verification compares the two
articles' word shingles in full (no sampling): ``similarity`` is their Jaccard index, ``containment``
the share of the later article's words covered by shingles also found in the earlier one (runs of up
to ``GAP`` uncovered words between covered ones count as covered, so a copy with one word in five
changed still reads as covered end to end), and the shared span is the longest covered run.

Kinds:

- ``exact``: the same words in the same order (case, punctuation and white space aside);
- ``near``: at least ``near`` (default one half) of the later article is covered;
- ``partial``: less than that, but a covered run of at least ``min_words`` words (a shared paragraph or
  quotation inside otherwise different articles).

Pairs that share less (a few common phrases) are not rows.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.article_table import Rows
from workbench.lexicon import outlet_name
from workbench.memory import give_back
from workbench.reuse.candidates import PARTITION, candidate_pairs, sorted_unique
from workbench.reuse.shingles import SHINGLE, shingles, words

#: Section names whose text never counts as shared (issue 9 adds ``boilerplate`` sections).
EXCLUDED_SECTIONS = frozenset({"boilerplate"})
#: Uncovered words between two covered ones that still count as covered (substituted words).
GAP = 3
#: Distinct shared shingles below which a candidate pair is dropped without further work.
MIN_COMMON = 8
#: Default share of the later article that must be covered for ``near``.
NEAR = 0.5
#: Default length (words) of the shortest shared run reported as ``partial``.
MIN_WORDS = 20
#: Candidate pairs verified per block (the texts they need are prepared together).
VERIFY_BLOCK = 20_000
#: Bytes of prepared texts (word and shingle hashes) kept between blocks of pairs.
PREPARED_BYTES = 256 * 1024 * 1024
#: Attribution levels that credit an outlet in the article's header or dateline.
CREDIT_LEVELS = ("header", "metadata", "dateline", "text")

COLUMNS = {
    "article_id": "string", "copy_of": "string", "similarity": "float64", "containment": "float64",
    "kind": "string", "shared_start": "int64", "shared_end": "int64", "shared_words": "int64",
    "source_start": "int64", "source_end": "int64", "lag_hours": "float64", "credited": "boolean",
}  # fmt: skip


#: What :func:`verify` and :func:`source_run` find for a pair (word positions).
RESULT = {
    "similarity": "float64", "containment": "float64", "kind": "string", "word_start": "int64", "word_end": "int64",
    "shared_words": "int64", "source_word_start": "int64", "source_word_end": "int64",
}  # fmt: skip
#: The shared spans as character offsets in the later and the earlier text.
CHARS = {"shared_start": "int64", "shared_end": "int64", "source_start": "int64", "source_end": "int64"}
#: Columns of a table of verified candidate pairs (:func:`copies_reusing`): the two articles' keys (64-bit
#: integers of ``workbench.tables.row_keys``), what the verification found (``kind`` NA: not a copy) and,
#: for a copy, its spans in characters (-1: none).
VERIFIED = {"earlier_key": "uint64", "later_key": "uint64", **RESULT, **CHARS}


def copies(
    articles: pd.DataFrame,
    *,
    attributions: pd.DataFrame | None = None,
    exclude: Sequence[Sequence[tuple[int, int]]] | None = None,
    near: float = NEAR,
    min_words: int = MIN_WORDS,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Pairs of articles that share text.

    Args:
        articles: ``article_id, published, outlet, text`` (and ``via``, ``credit``, ``sections`` when
            present: credits and boilerplate sections).
        attributions: ``corpus.attributions``; header, metadata, dateline and in-text rows naming an
            outlet count as crediting it. Without it only ``via`` and ``credit`` are read.
        exclude: per article, character ranges of ``text`` that never count as shared; default: the
            sections named in ``EXCLUDED_SECTIONS``.
        near: share of the later article that must be shared for ``near``.
        min_words: shortest shared run (words) reported as ``partial``.
        n_jobs: processes computing MinHash signatures on large corpora.

    Returns:
        ``article_id`` (the later article), ``copy_of`` (the earlier: by publication time, then id),
        ``similarity``, ``containment``, ``kind``, ``shared_start``/``shared_end`` (character span in the
        later article's ``text``), ``shared_words``, ``source_start``/``source_end`` (the matching span in
        the earlier article's ``text``), ``lag_hours`` and ``credited`` (the later article
        credits the earlier one's outlet; always true between articles of the same outlet; NA when the
        earlier outlet is unknown). Sorted by ``copy_of`` then ``article_id`` order of publication.
        ``frame.attrs`` records ``candidate_pairs`` and the seconds spent finding and verifying them.

    >>> text = " ".join(f"word{i}" for i in range(60))
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "published": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...                      "outlet": ["X", "Y"], "text": [text, text.upper()]})
    >>> copies(arts)[["article_id", "copy_of", "kind", "lag_hours", "credited"]].values.tolist()
    [['b', 'a', 'exact', 24.0, False]]
    """
    return copies_reusing(
        articles, attributions=attributions, exclude=exclude, near=near, min_words=min_words, n_jobs=n_jobs
    )[0]


def copies_reusing(
    articles: pd.DataFrame,
    *,
    keys: Sequence[str] | None = None,
    known: pd.DataFrame | None = None,
    attributions: pd.DataFrame | None = None,
    exclude: Sequence[Sequence[tuple[int, int]]] | None = None,
    near: float = NEAR,
    min_words: int = MIN_WORDS,
    n_jobs: int = 1,
    spill: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`copies`, taking the verification of each candidate pair whose two articles are unchanged
    from an earlier run instead of comparing their texts again (most of the time on a corpus that grew).

    The candidates are found as always (the LSH buckets span the whole corpus), so the result is the one
    :func:`copies` gives; only pairs with a new or changed article are verified.

    Args:
        keys: per article, in the order of ``articles``, its ``workbench.tables.row_keys`` key, which
            changes with its text, boilerplate ranges, date and id: all that a verification and the order
            of a pair depend on. Without it nothing is reused.
        known: the verified table (:data:`VERIFIED`) of an earlier run with these ``near`` and
            ``min_words`` and the same code.
        attributions, exclude, near, min_words, n_jobs: as for :func:`copies`.
        spill: a folder for the band keys that memory does not hold (``candidate_pairs``).

    Returns:
        The copies, and this run's verified table: every candidate pair, each with what its verification
        found (``frame.attrs["verified_reused"]``: how many of them were taken from ``known``).
    """
    order = _time_order(articles)
    texts = Texts(articles["text"], order)  # read a batch at a time: no list of every text
    if exclude is not None:
        exclude = [exclude[i] for i in order.tolist()]
    # only the columns read below: a million articles' titles, paths and leads are hundreds of MB
    articles = articles[[c for c in ARTICLE_COLUMNS if c in articles.columns]].take(order).reset_index(drop=True)
    codes = _key_codes(keys, order) if keys is not None else None
    if exclude is None:
        exclude = _excluded_sections(articles)
    started = time.perf_counter()
    pairs = candidate_pairs(texts, exclude=exclude, n_jobs=n_jobs, spill=spill)
    give_back()  # the band keys' hundreds of MB, before the verification grows
    timing = {"candidate_pairs": len(pairs), "candidate_seconds": round(time.perf_counter() - started, 3)}
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    # the verified table as columns (numpy arrays, ``kind`` None where none): written in place as the
    # verification finds copies, and a frame only at the end (a frame's columns are copied when set)
    verified, reused = _verified(codes, left, right, known)
    kinds = verified["kind"]
    todo = np.flatnonzero((kinds == None) & ~reused)  # noqa: E711 (elementwise)
    timing["verified_reused"] = len(pairs) - len(todo)
    if len(todo):
        prepared = Prepared(texts, exclude)
        columns = [verified[c] for c in RESULT]
        for block in range(0, len(todo), VERIFY_BLOCK):  # pairs in candidate order: by earlier article
            pairs_at = todo[block : block + VERIFY_BLOCK]
            prepared.need(np.unique(np.concatenate([left[pairs_at], right[pairs_at]])))
            for at in pairs_at.tolist():
                earlier, later = prepared[int(left[at])], prepared[int(right[at])]
                found = verify(earlier, later, near=near, min_words=min_words)
                if found is not None:
                    for column, value in zip(columns, (*found, *source_run(earlier, later)), strict=True):
                        column[at] = value
            give_back()  # the texts prepared and dropped come and go for hours at a million articles: their
            # freed pages go back to the system after each block, or the heap keeps growing with the holes
        del prepared
        give_back()
    copied = np.flatnonzero(kinds != None)  # noqa: E711 (elementwise)
    if not len(copied):
        return _empty(timing), _verified_frame(verified)
    spanless = copied[verified["shared_start"][copied] < 0]  # new copies: their spans in characters
    if len(spanless):
        words_at = {c: verified[c][spanless] for c in SPAN_WORDS}
        spans = _char_spans(
            texts, exclude, pd.DataFrame({"earlier": left[spanless], "later": right[spanless], **words_at})
        )
        for j, c in enumerate(CHARS):
            verified[c][spanless] = spans[:, j]
        del spans, words_at
    del texts, exclude, pairs
    give_back()
    at = copied[np.lexsort((right[copied], left[copied]))]  # by earlier article, then later
    earlier, later = left[at], right[at]
    ids = pa.array(articles["article_id"].astype("string").array)
    published = articles["published"].to_numpy()
    frame = pd.DataFrame(
        {
            "article_id": pd.arrays.ArrowStringArray(pc.cast(ids.take(later), pa.large_string())),
            "copy_of": pd.arrays.ArrowStringArray(pc.cast(ids.take(earlier), pa.large_string())),
            **{c: verified[c][at] for c in ("similarity", "containment")},
            "kind": pd.array(kinds[at], dtype="string"),
            **{c: verified[c][at] for c in ("shared_start", "shared_end", "shared_words")},
            **{c: verified[c][at] for c in ("source_start", "source_end")},
            "lag_hours": ((published[later] - published[earlier]) / np.timedelta64(1, "h")).astype("float64"),
            "credited": credited(articles, earlier, later, attributions),
        }
    )
    frame = frame.astype(COLUMNS)
    frame.attrs.update(timing, verify_seconds=round(time.perf_counter() - started - timing["candidate_seconds"], 3))
    return frame, _verified_frame(verified)


#: The article columns the copies read (the others are not copied in time order).
ARTICLE_COLUMNS = ["article_id", "published", "outlet", "via", "credit", "sections"]
#: The word positions of a copy's shared spans (:data:`RESULT`), turned into :data:`CHARS`.
SPAN_WORDS = ["word_start", "word_end", "source_word_start", "source_word_end"]


def _key_codes(keys: Sequence[str], order: np.ndarray) -> np.ndarray:
    """The articles' row keys (``workbench.tables.row_keys``) as integers, in time order."""
    from workbench.live import as_integers

    try:
        return as_integers([keys[i] for i in order.tolist()])
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"keys must be workbench.tables.row_keys (16 hex digits each): {exc}") from None


def _verified(
    codes: np.ndarray | None, left: np.ndarray, right: np.ndarray, known: pd.DataFrame | None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The candidate pairs' :data:`VERIFIED` columns (``kind`` an object array, None where not a copy) with
    what ``known`` holds for them, and which those are; nothing for the others (``kind`` None, numbers 0,
    spans -1), in candidate order. Without the articles' key ``codes`` the keys are 0 and nothing is reused.

    The known rows are found by their two keys and taken column by column (a merge of millions of pairs
    held the pairs, the known table and the merged one, and then converted it whole)."""
    n = len(left)
    columns = {
        "earlier_key": codes[left] if codes is not None else np.zeros(n, dtype=np.uint64),
        "later_key": codes[right] if codes is not None else np.zeros(n, dtype=np.uint64),
    }
    if codes is not None and known is not None and len(known):
        index = pd.MultiIndex.from_arrays([known["earlier_key"].astype("uint64"), known["later_key"].astype("uint64")])
        if not index.is_unique:
            known = known[~index.duplicated()]
            index = index[~index.duplicated()]
        taken = index.get_indexer(pd.MultiIndex.from_arrays([columns["earlier_key"], columns["later_key"]]))
        del index
    else:
        taken = np.full(n, -1, dtype=np.int64)
    reused = taken >= 0
    for c, t in {**RESULT, **CHARS}.items():
        if c == "kind":
            column = np.full(n, None, dtype=object)
            if reused.any():
                values = known[c].astype(object).to_numpy()[taken[reused]]
                column[reused] = np.where(pd.isna(values), None, values)
        else:
            column = np.full(n, -1 if c in CHARS else 0, dtype=t)
            if reused.any():
                column[reused] = known[c].to_numpy(dtype=t)[taken[reused]]
        columns[c] = column
    return columns, reused


def _verified_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The :data:`VERIFIED` table of :func:`_verified`'s columns, each taken as it is."""
    kind = pd.array(columns["kind"], dtype="string")
    return pd.DataFrame({c: kind if c == "kind" else v for c, v in columns.items()}, copy=False)


def _word_batches(texts: Texts, exclude, indices: np.ndarray, with_texts: bool = False):
    """``(indices, Words)`` for the given texts, one partition at a time (bounded temporary memory);
    ``(indices, Words, texts)`` with ``with_texts``."""
    for offset in range(0, len(indices), PARTITION):
        chunk = indices[offset : offset + PARTITION]
        batch = texts.pick(chunk)
        found = words(batch, exclude=[exclude[i] for i in chunk] if exclude is not None else None)
        yield (chunk, found, batch) if with_texts else (chunk, found)


def _char_spans(texts: Texts, exclude, part: pd.DataFrame) -> np.ndarray:
    """The :data:`CHARS` columns of copies found now: their shared spans' word positions (``word_start``...,
    in ``earlier`` and ``later``) as character offsets in the texts.

    The texts are read a batch at a time, in order of article, with the rows that need each batch:
    memory holds one batch's words (a hundred thousand articles' word offsets took over a gigabyte)."""
    out = np.full((len(part), len(CHARS)), -1, dtype=np.int64)
    # (column of CHARS, side, word column, an end: the last word's end rather than the first's start)
    wanted = [
        (0, "later", "word_start", False), (1, "later", "word_end", True),
        (2, "earlier", "source_word_start", False), (3, "earlier", "source_word_end", True),
    ]  # fmt: skip
    sides = {side: part[side].to_numpy(dtype=np.int64) for side in ("earlier", "later")}
    order = {side: np.argsort(values, kind="stable") for side, values in sides.items()}
    in_order = {side: sides[side][order[side]] for side in sides}
    words_at = {name: part[name].to_numpy(dtype=np.int64) for _, _, name, _ in wanted}
    for chunk, w, batch in _word_batches(texts, exclude, np.unique(np.concatenate(list(sides.values()))), True):
        ascii_ = np.fromiter((t is None or t.isascii() for t in batch), dtype=bool, count=len(batch))
        for column, side, word_column, end in wanted:
            values = in_order[side]
            rows = order[side][np.searchsorted(values, chunk[0]) : np.searchsorted(values, chunk[-1], "right")]
            k = np.searchsorted(chunk, sides[side][rows])
            word = words_at[word_column][rows] - (1 if end else 0)
            at = w.offsets[k] + word
            byte = (w.end if end else w.start)[at]
            chars = byte.astype(np.int64)
            for j in np.flatnonzero(~ascii_[k]).tolist():
                chars[j] = _char(batch[k[j]], int(byte[j]))
            out[rows, column] = chars
    return out


class Prepared:
    """Texts prepared for :func:`verify`: 32-bit word hashes and sorted distinct shingles, by index.

    32 bits per word and shingle are plenty to compare two texts (a chance collision between two given
    texts is about one in ten thousand pairs). The texts a block of pairs needs are prepared a batch at a
    time (:meth:`need`) and kept up to ``budget`` bytes, those needed least recently dropped first (and
    prepared again if a later block needs them), so that memory does not grow with the corpus: a
    million articles' words alone take 3 GB."""

    def __init__(self, texts: Texts, exclude, budget: int | None = None) -> None:
        self.texts, self.exclude = texts, exclude
        self.budget = PREPARED_BYTES if budget is None else budget
        self.held: collections.OrderedDict[int, tuple[np.ndarray, np.ndarray]] = collections.OrderedDict()
        self.bytes = 0
        self.prepared = 0  # texts prepared so far, again or not

    def need(self, indices: np.ndarray) -> None:
        """Have the texts at ``indices`` (distinct) prepared; drop others beyond the budget."""
        missing = []
        for i in indices.tolist():
            if i in self.held:
                self.held.move_to_end(i)
            else:
                missing.append(i)
        for chunk, w in _word_batches(self.texts, self.exclude, np.asarray(missing, dtype=np.int64)):
            for k, i in enumerate(chunk.tolist()):
                hashes = _half(w.of(k))
                self.held[i] = (hashes, sorted_unique(_shingles32(hashes)))
                self.bytes += hashes.nbytes + self.held[i][1].nbytes
        self.prepared += len(missing)
        while self.bytes > self.budget and len(self.held) > len(indices):  # the block's own stay
            _, (hashes, shingled) = self.held.popitem(last=False)
            self.bytes -= hashes.nbytes + shingled.nbytes

    def __getitem__(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return self.held[i]


def _half(values: np.ndarray) -> np.ndarray:
    """The high 32 bits of 64-bit hashes."""
    return (values >> np.uint64(32)).astype(np.uint32)


def _shingles32(word_hashes: np.ndarray) -> np.ndarray:
    """32-bit shingle hashes of 32-bit word hashes."""
    return _half(shingles(word_hashes.astype(np.uint64))[0])


def verify(earlier: tuple, later: tuple, *, near: float = NEAR, min_words: int = MIN_WORDS) -> tuple | None:
    """Compare two prepared texts exactly (see :func:`_prepare`).

    Returns:
        ``(similarity, containment, kind, word_start, word_end, shared_words)`` with the longest shared
        run as word positions in the later text, or None when they share less than a ``partial``.
    """
    a, ua = earlier
    b, ub = later
    if not len(a) or not len(b):
        return None
    if len(a) == len(b) and np.array_equal(a, b):
        return 1.0, 1.0, "exact", 0, len(b), len(b)
    common = int(np.count_nonzero(_member(ub, ua)))
    if common < min(MIN_COMMON, len(ub)):
        return None
    similarity = common / (len(ua) + len(ub) - common)
    covered = _covered(_member(_shingles32(b), ua), len(b))
    run_start, run_end = _longest_run(covered)
    shared = int(covered.sum())
    containment = shared / len(b)
    if containment >= near and shared >= min(min_words, len(b)):
        kind = "near"
    elif run_end - run_start >= min_words:
        kind = "partial"
    else:
        return None
    return round(similarity, 4), round(containment, 4), kind, run_start, run_end, shared


def source_run(earlier: tuple, later: tuple) -> tuple[int, int]:
    """The longest run of the earlier text covered by the later one's shingles (word positions)."""
    a, _ = earlier
    b, ub = later
    if len(a) == len(b) and np.array_equal(a, b):
        return 0, len(a)
    return _longest_run(_covered(_member(_shingles32(a), ub), len(a)))


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin`` against an already sorted array (one binary search per value)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def credited(
    articles: pd.DataFrame, earlier: np.ndarray, later: np.ndarray, attributions: pd.DataFrame | None = None
) -> pd.array:
    """Whether each later article credits its earlier article's outlet (by canonical outlet name).

    Credits are the later article's ``via`` outlets, the outlets named on its ``credit`` line other than
    its own, and, given ``attributions``, every outlet named in its header, metadata, dateline or
    text rows. Same outlet on both sides: True. Unknown earlier outlet: NA.

    Outlets are integer codes and each credit a (later article, outlet code) key, so the pairs are
    compared as arrays; each distinct name is looked up once (millions of pairs at a million articles).
    """
    from workbench.credits import parse_credit

    earlier = np.asarray(earlier, dtype=np.int64)
    later = np.asarray(later, dtype=np.int64)
    named, raw = pd.factorize(articles["outlet"].astype("object").where(articles["outlet"].notna(), None))
    key_codes, outlets = pd.factorize(pd.Series([_key(name) for name in raw], dtype=object))
    if not len(outlets):
        return pd.arrays.BooleanArray(np.zeros(len(earlier), dtype=bool), np.ones(len(earlier), dtype=bool))
    codes = np.where(named >= 0, key_codes[np.maximum(named, 0)], -1)
    code_of = {key: code for code, key in enumerate(outlets)}
    looked_up: dict[str, int] = {}

    def code(name: object) -> int:
        """The outlet code a name credits (-1: none of the corpus's outlets)."""
        if not isinstance(name, str):
            return -1
        if name not in looked_up:
            looked_up[name] = code_of.get(_key(name), -1)
        return looked_up[name]

    n = len(outlets)
    found: list[np.ndarray] = []  # later article's position * n + the code of an outlet it credits
    wanted = np.zeros(len(articles), dtype=bool)
    wanted[later] = True
    for column in ("via", "credit"):
        if column not in articles.columns:
            continue
        values = articles[column].to_numpy(dtype=object)
        keys: list[int] = []
        parsed: dict[str, set[int]] = {}
        for i in np.flatnonzero(wanted).tolist():
            value = values[i]
            if column == "via" and isinstance(value, list | tuple | np.ndarray):
                keys.extend(i * n + c for c in map(code, value) if c >= 0)
            elif column == "credit" and isinstance(value, str) and value.strip():
                if value not in parsed:
                    credit = parse_credit(value)
                    parsed[value] = {code(name) for name in (*credit.via, credit.outlet)} - {-1}
                keys.extend(i * n + c for c in parsed[value])
        found.append(np.asarray(keys, dtype=np.int64))
    if attributions is not None and len(attributions):
        ids = pd.Index(articles["article_id"])
        first = np.flatnonzero(~ids.duplicated())  # an id twice (not in a corpus): its first article
        at = ids[first].get_indexer(attributions["article_id"])
        at = np.where(at >= 0, first[np.maximum(at, 0)], -1)
        keep = (at >= 0) & attributions["level"].isin(CREDIT_LEVELS).to_numpy()
        keep[keep] = wanted[at[keep]]
        at = at[keep].astype(np.int64)
        for column in ("source_entity", "source"):
            names, distinct = pd.factorize(attributions[column][keep])  # each distinct name looked up once
            credit = np.array([*map(code, distinct), -1], dtype=np.int64)[names]  # -1: no name
            found.append(at[credit >= 0] * n + credit[credit >= 0])
    credits = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    origin = codes[earlier]
    result = (origin == codes[later]) | _member(later * n + origin, credits)
    return pd.arrays.BooleanArray(result & (origin >= 0), origin < 0)


def corpus_copies(corpus) -> pd.DataFrame:
    """``corpus.copies``: :func:`copies` of the corpus's articles with their credit rows (:func:`credit_rows`),
    kept in the corpus's cache (:mod:`workbench.reuse.store`) so that the next report reads it back."""
    from workbench.reuse.store import cached

    return cached(corpus, "copies", lambda: _compute_copies(corpus))


def _compute_copies(corpus) -> pd.DataFrame:
    """The copies of a corpus, reusing the verified pairs kept by its last computation (:func:`copies_reusing`)
    and keeping this one's for the next: with a cache, a grown corpus verifies only its new articles' pairs."""
    from workbench.live import live_keys
    from workbench.reuse import store

    keys = corpus._keys() if corpus.cache_dir is not None and store.STORE else None  # nothing kept: nothing reused
    known = store.read_kept(corpus, "verified") if keys is not None else None
    if known is not None and not set(VERIFIED) <= set(known.columns):
        known = None  # not a table of verified pairs: verified again, and replaced
    frame, verified = copies_reusing(
        corpus.articles, keys=keys, known=known, attributions=credit_rows(corpus), n_jobs=corpus.n_jobs,
        spill=corpus.cache_dir,
    )  # fmt: skip
    if keys is not None:
        store.write_kept(corpus, "verified", still_verified(known, verified, live_keys(corpus.cache_dir)))
    return frame


def still_verified(known: pd.DataFrame | None, verified: pd.DataFrame, live: np.ndarray | None) -> pd.DataFrame:
    """The verified pairs worth keeping: this run's, and the earlier ones it did not meet (another selection
    of the corpus met them) whose two articles are still live (``workbench.live``); without live keys, this
    run's alone."""
    if known is None or not len(known) or live is None or not len(live):
        return verified
    known = known[list(VERIFIED)].astype(VERIFIED)
    met = pd.MultiIndex.from_frame(verified[["earlier_key", "later_key"]])
    other = ~pd.MultiIndex.from_frame(known[["earlier_key", "later_key"]]).isin(met)
    alive = _member(known["earlier_key"].to_numpy(), live) & _member(known["later_key"].to_numpy(), live)
    return pd.concat([verified, known[other & alive]], ignore_index=True)


def credit_rows(corpus) -> pd.DataFrame:
    """The rows of ``corpus.attributions`` that :func:`credited` reads: ``article_id, level, source_entity,
    source`` of the rows at a :data:`CREDIT_LEVELS` level that name one of the corpus's outlets.

    A large corpus's attributions are read partition by partition for these rows only
    (:func:`workbench.partials.select`); other rows would not change what :func:`credited` finds, which
    compares the names with the outlet of an article of the corpus. (Every name has a key, so "names an
    outlet" must mean one of these: at a million articles the rows naming anyone at all, 88% of the
    attributions, took about a gigabyte.)
    """
    from workbench import partials

    outlets = {_key(name) for name in corpus.articles["outlet"].dropna().unique()} - {None}

    def names_an_outlet(frame: pd.DataFrame) -> np.ndarray:
        at_level = frame["level"].isin(CREDIT_LEVELS).to_numpy()
        names = pd.unique(pd.concat([frame.loc[at_level, "source_entity"], frame.loc[at_level, "source"]]).dropna())
        named_outlets = [name for name in names if isinstance(name, str) and _key(name) in outlets]
        named = frame["source_entity"].isin(named_outlets).to_numpy() | frame["source"].isin(named_outlets).to_numpy()
        return at_level & named

    return partials.select(corpus, "attributions", names_an_outlet, ["article_id", "level", "source_entity", "source"])


def _key(name: str | None) -> str | None:
    canonical = outlet_name(name) if isinstance(name, str) else None
    return canonical.casefold() if canonical else None


def _covered(shared: np.ndarray, n: int) -> np.ndarray:
    """Words covered by a shared shingle (shingle ``i`` covers words ``i .. i + SHINGLE - 1``), with gaps
    of up to ``GAP`` words between covered ones closed."""
    if n < SHINGLE:
        return np.full(n, bool(shared.any()))
    covered = np.convolve(shared.astype(np.int32), np.ones(SHINGLE, dtype=np.int32))[:n] > 0
    edges = np.diff(np.concatenate([[1], covered.astype(np.int8), [1]]))
    gap_starts, gap_ends = np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)
    close = (gap_starts > 0) & (gap_ends < n) & (gap_ends - gap_starts <= GAP)
    if close.any():
        fill = (
            np.cumsum(np.bincount(gap_starts[close], minlength=n + 1) - np.bincount(gap_ends[close], minlength=n + 1))[
                :n
            ]
            > 0
        )
        covered |= fill
    return covered


def _longest_run(covered: np.ndarray) -> tuple[int, int]:
    edges = np.diff(np.concatenate([[0], covered.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return 0, 0
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


def _char(text: str, byte_offset: int) -> int:
    """A byte offset of a word boundary in ``text``'s UTF-8 as a character offset."""
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8", "surrogatepass")[:byte_offset].decode("utf-8", "surrogatepass"))


def _time_order(articles: pd.DataFrame) -> np.ndarray:
    """Row positions of the articles by publication time (undated last), then id: the earlier of a pair
    comes first."""
    keys = pd.DataFrame(
        {"undated": articles["published"].isna().to_numpy(), "published": articles["published"].to_numpy(),
         "article_id": articles["article_id"].to_numpy()}
    )  # fmt: skip
    return keys.sort_values(["undated", "published", "article_id"], kind="stable").index.to_numpy(dtype=np.int64)


class Texts(Sequence):
    """The texts of an articles column in a given order, read from its Arrow chunks when asked.

    A million articles' texts as Python strings would take several GB; this holds the column as it is
    (memory-mapped from the cache, for a loaded corpus) and makes strings of a slice or of the picked
    positions only (:meth:`pick`), one batch at a time."""

    def __init__(self, column: pd.Series, order: np.ndarray) -> None:
        self.array = _chunked(column)
        self.order = np.asarray(order, dtype=np.int64)
        self._in_order = Rows(self.order)
        self._bounds = np.cumsum([0, *(len(chunk) for chunk in self.array.chunks)], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step != 1:
                return self.pick(np.arange(start, stop, step))
            return self._in_order.take(self.array, start, stop).to_pylist()
        position = int(self.order[key])
        chunk = int(np.searchsorted(self._bounds, position, "right")) - 1
        return self.array.chunk(chunk)[position - int(self._bounds[chunk])].as_py()

    def pick(self, indices: np.ndarray) -> list[str | None]:
        """The texts at these indices (of this sequence), as a list."""
        return Rows(self.order[np.asarray(indices, dtype=np.int64)]).take(self.array).to_pylist()


def _chunked(column: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow strings without a copy when it is Arrow already (a loaded corpus's is)."""
    try:
        array = column.array.__arrow_array__() if hasattr(column.array, "__arrow_array__") else None
        if array is None or not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            array = pa.array(column, from_pandas=True, type=pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array([t if isinstance(t, str) else None for t in column], type=pa.large_string())
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def _excluded_sections(articles: pd.DataFrame) -> list[list[tuple[int, int]]] | None:
    if "sections" not in articles.columns:
        return None
    ranges = [
        [
            (int(s), int(e))
            for name, s, e in (sections if isinstance(sections, list | tuple) else ())
            if name in EXCLUDED_SECTIONS
        ]
        for sections in articles["sections"]
    ]
    return ranges if any(ranges) else None


def _empty(timing: dict | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})
    frame.attrs.update(timing or {})
    return frame
