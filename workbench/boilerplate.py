"""Boilerplate found by frequency: lines and edge fragments an outlet repeats across many articles.

Wire sign-offs ("Reuter"), reporting credits ("(Reporting by Jane Roe; Editing by John Doe)"),
copyright lines, "Read more" and newsletter prompts, bylines: every house style has its own, so
they are found by repetition, not by word lists. Per outlet (all articles without an outlet form one
group), each line of an article, and the leading fragment of its first line and the trailing one of
its last line, is reduced to a *pattern*:

- ``exact``: white space collapsed, digit runs as ``0`` ("Copyright 0 Acme News");
- ``shape``: also every run of capitalised words after the first word as ``X``, so that
  "(Reporting by Jane Roe; Editing by John Doe)" and "(Reporting by Al Li; Editing by Bo Wu)" group.
  A shape counts only when it keeps a lower-case word ("by"), so headlines and lists of names
  ("Acme X") never do, and only at the edges of an article.

A pattern is boilerplate when it stands in at least :data:`MIN_ARTICLES` articles and
:data:`MIN_SHARE` of its outlet's articles, under at least that many different titles (digits
aside: updates of one story, or stories made from one template, repeat their paragraphs; those are
not boilerplate), is not the article's own title, is at most :data:`MAX_CHARS` long,
and stands at an edge of the article (its first :data:`EDGE_LINES` or last :data:`EDGE_LINES` lines)
in enough of them, or anywhere in :data:`ANYWHERE_SHARE` of the outlet's articles. Exact duplicates
of an article (``duplicate_of``) are marked but not counted. Lines that open with a dateline
("WASHINGTON (Reuters) -", "LONDON, March 3 -") are never boilerplate: datelines stay datelines.

:func:`mark` adds a ``("boilerplate", start, end)`` entry to each article's ``sections`` (offsets
into ``text``, which is unchanged) and returns the patterns (``corpus.boilerplate``);
:func:`spans` reads those ranges back and :func:`prose` blanks them (same length) for an extractor
(both from :mod:`workbench.prose`, which the extractors import instead of this search).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.boilerplate_index import ENTRY_SCHEMA, WHERE, Index, Rows, block, entry_table, strings
from workbench.prose import SECTION, prose, prose_texts, ranges, spans
from workbench.staging import Staging

__all__ = ["PATTERN_COLUMNS", "SECTION", "find", "mark", "prose", "prose_texts", "ranges", "search", "spans"]

#: a pattern must stand in at least this many articles of an outlet ...
MIN_ARTICLES = 5
#: ... and in at least this share of them
MIN_SHARE = 0.02
#: longer lines are prose, however often they repeat
MAX_CHARS = 200
#: lines counted as the edges of an article (at its start and at its end)
EDGE_LINES = 3
#: a pattern also counts away from the edges when it stands in this share of an outlet's articles
ANYWHERE_SHARE = 0.2
#: articles split into candidates at a time (their texts become Python strings a block at a time)
SPLIT_ROWS = 2048
#: From this many articles to split, the splitting runs in ``n_jobs`` processes (a pool starts in about a second).
SPLIT_PARALLEL_MIN = int(os.environ.get("WORKBENCH_SPLIT_PARALLEL_MIN", 20_000))
#: the candidates of articles gone from the corpus stay in the kept index (uncounted) up to this share of it
DEAD_SHARE = 0.1
#: entries of the index counted at once (by a range of their key hashes) when the widespread keys are found
RANGE_ENTRIES = 2_000_000
#: bytes of new candidates gathered before they are parked in a file (given a ``staging``: see :func:`search`)
PARK_BYTES = 64 * 1024 * 1024

PATTERN_COLUMNS = {"outlet": "string", "pattern": "string", "example": "string", "where": "string", "articles": "int64"}

_LINE = re.compile(r"[^\n]*\S[^\n]*")  # a line holding more than white space
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
#: a run of capitalised words inside a clause (after a word or a comma; one opening a clause is kept: "Editing by")
_CAPITALISED = re.compile(r"(?<=[\w,] )[A-Z][\w.'’&-]*(?: [A-Z][\w.'’&-]*)*")
_LOWER_WORD = re.compile(r"\b[a-z]{2,}\b")
_DATELINE = re.compile(r"^\s*[A-Z][A-Z.'’ -]{1,40}(?:,[^\n]{0,40}?)?\s*(?:\([^)\n]{1,30}\))?\s*[-—–]{1,2}\s")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def _exact(fragment: str) -> str:
    return _DIGITS.sub("0", " ".join(fragment.split()))


def _shape(exact: str) -> str | None:
    shape = _CAPITALISED.sub("X", exact)
    return shape if shape != exact and _LOWER_WORD.search(shape) else None


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, where)`` of the lines of a text, its leading fragment and its trailing one."""
    lines = [m.span() for m in _LINE.finditer(text)]
    out: list[tuple[int, int, str]] = []
    n = len(lines)
    for i, (s, e) in enumerate(lines):
        if e - s <= MAX_CHARS + 20:  # longer lines are prose; only their edge fragments may count
            piece = text[s:e]
            stripped = piece.strip()
            if not stripped:
                continue
            s = s + piece.index(stripped[0])
            e = s + len(stripped)
            out.append((s, e, "edge" if i < EDGE_LINES or i >= n - EDGE_LINES else "line"))
        if i == 0 or i == n - 1:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, s, e)]
            if ends and i == 0:
                out.append((s, ends[0] - (len(text[s : ends[0]]) - len(text[s : ends[0]].rstrip())), "lead"))
            if ends and i == n - 1:
                out.append((ends[-1], e, "tail"))
    return [(s, e, w) for s, e, w in out if 0 < e - s <= MAX_CHARS and not _DATELINE.match(text, s)]


def _entries(text: str, title: str | None) -> dict[str, list]:
    """One article's candidate patterns: ``key -> [stands at an edge, spans, where it first stands]``.

    Keys are ``e:<exact>`` or ``s:<shape>``; the article's own title (as an exact pattern) is no candidate.
    """
    seen: dict[str, list] = {}
    for s, e, where in _candidates(text):
        exact = _exact(text[s:e])
        if exact == title:
            continue  # the headline repeated as the first line
        shape = _shape(exact) if where != "line" else None  # name shapes only at the edges
        for key in (f"e:{exact}", f"s:{shape}" if shape else None):
            if key is None:
                continue
            entry = seen.setdefault(key, [False, [], where])
            entry[0] |= where != "line"
            entry[1].append((s, e))
    return seen


def find(
    articles: pd.DataFrame, *, min_articles: int = MIN_ARTICLES, min_share: float = MIN_SHARE
) -> tuple[pd.DataFrame, list[list[tuple[int, int]]]]:
    """The boilerplate patterns of a batch of articles and each article's boilerplate ranges.

    Args:
        articles: ``article_id, text`` and, when present, ``outlet``, ``title``, ``duplicate_of``
            (and ``content_hash``, the hash of ``text``, which spares hashing the texts).
        min_articles: the fewest articles (per outlet) a pattern must stand in.
        min_share: the smallest share of an outlet's articles a pattern must stand in.

    Returns:
        ``(patterns, ranges)``: patterns as in :data:`PATTERN_COLUMNS` (``outlet`` NA for articles
        without one; ``where`` is ``line``, ``lead`` or ``tail``; ``articles`` counts those holding
        it), most frequent first; ``ranges`` per article (in row order), sorted ``(start, end)``.

    >>> words = ["grain", "oil", "gold", "tin", "rice", "wool"]
    >>> arts = pd.DataFrame({"article_id": words, "text": [f"Prices of {w} rose.\\nReuter" for w in words]})
    >>> patterns, ranges = find(arts)
    >>> patterns["pattern"].tolist(), ranges[0]
    (['Reuter'], [(22, 28)])
    """
    patterns, by_row, _ = search(articles, min_articles=min_articles, min_share=min_share)
    return patterns, [by_row.get(i, []) for i in range(len(articles))]


def search(
    articles: pd.DataFrame,
    *,
    index: Index | None = None,
    rows: Rows | None = None,
    min_articles: int = MIN_ARTICLES,
    min_share: float = MIN_SHARE,
    staging: Staging | None = None,
    n_jobs: int = 1,
) -> tuple[pd.DataFrame, dict[int, list[tuple[int, int]]], Index]:
    """:func:`find`, reusing the candidates an earlier search kept in ``index``; also returns the new index.

    The ranges come by row, for the articles that have any. Given ``staging``, the new candidates
    are parked in its files (memory-mapped) every ``PARK_BYTES``, so that memory holds a block of
    them, not every article's (about 2 KB an article). With ``n_jobs`` > 1 and at least
    ``SPLIT_PARALLEL_MIN`` articles to split, the splitting runs in that many processes, a block of
    articles each at a time (the same candidates, in the same order).

    Only articles whose text or title the index does not hold are split into candidates; the counts
    of every pattern are taken again over the index (in Arrow), and only the patterns frequent
    enough to qualify anywhere are followed article by article. The result is the same as a search
    from scratch (:func:`find`).
    """
    rows = rows if rows is not None else Rows(articles)
    encoded = pc.dictionary_encode(rows.signatures)
    signatures = encoded.dictionary  # slot -> signature, in order of first appearance
    row_slot = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    parts = []
    live = len(signatures)
    known = np.zeros(live, dtype=bool)
    if index is not None and len(index.signatures):
        remap = pc.fill_null(pc.index_in(index.signatures, value_set=signatures), -1).to_numpy().astype(np.int64)
        entry_slots = index.entries.column("slot").to_numpy()
        gone = remap < 0
        if gone.any() and gone[entry_slots].mean() <= DEAD_SHARE:
            # the candidates of articles gone stay, under slots past every article's (no article counts them):
            # a filter copies every key string of the index (1-3 s at 100,000 articles); they are dropped
            # once they are DEAD_SHARE of the index, and taken up again if their articles come back
            remap[gone] = live + np.arange(int(gone.sum()))
            old = index.signatures
            old = old if isinstance(old, pa.Array) else pa.array(old, type=signatures.type)
            signatures = pa.concat_arrays([signatures, old.filter(pa.array(gone))])
        slots = remap[entry_slots]
        keep = slots >= 0
        kept = index.entries if keep.all() else index.entries.filter(pa.array(keep))
        parts.append(kept.set_column(0, ENTRY_SCHEMA.field("slot"), pa.array(slots[keep], type=pa.int64())))
        known[remap[(remap >= 0) & (remap < live)]] = True
    missing = np.flatnonzero(~known)
    if len(missing):
        _, first_rows = np.unique(row_slot, return_index=True)
        pending: list[pa.Table] = []
        for table in _split_blocks(articles, missing, first_rows, n_jobs):
            pending.append(table)
            if staging is not None and sum(t.nbytes for t in pending) >= PARK_BYTES:
                parts.append(staging.park(pa.concat_tables(pending)))
                pending = []
        if pending:
            parts.append(staging.park(pa.concat_tables(pending)) if staging is not None else pa.concat_tables(pending))
        del pending
    entries = pa.concat_tables(parts) if len(parts) > 1 else parts[0] if parts else ENTRY_SCHEMA.empty_table()
    del parts
    frequent = _frequent(entries, row_slot, rows, min_articles, min_share)
    patterns, ranges = _select(articles, rows, row_slot, frequent, min_articles, min_share)
    pa.default_memory_pool().release_unused()  # give back what the search's Arrow buffers took
    return patterns, ranges, Index(signatures, entries)


def _split(slots: list[int], texts: list[str | None], titles: list) -> pa.Table:
    """The candidates of a block of articles (:func:`entry_table` of their :func:`_entries`)."""
    return entry_table(slots, [_entries(t or "", _title(title)) for t, title in zip(texts, titles, strict=True)])


def _split_blocks(
    articles: pd.DataFrame, missing: np.ndarray, first_rows: np.ndarray, n_jobs: int
) -> Iterator[pa.Table]:
    """The candidates of the articles of slots ``missing``, block after block (``SPLIT_ROWS`` articles: no
    list of every text at once), in order; across ``n_jobs`` processes for ``SPLIT_PARALLEL_MIN`` articles
    and more, with at most two blocks per process on their way."""

    def block_of(start: int) -> tuple[list[int], list, list]:
        slots, at = missing[start : start + SPLIT_ROWS], first_rows[missing[start : start + SPLIT_ROWS]]
        titles = block(articles, "title", at) if "title" in articles.columns else [None] * len(at)
        return slots.tolist(), block(articles, "text", at), titles

    starts = range(0, len(missing), SPLIT_ROWS)
    if n_jobs <= 1 or len(missing) < SPLIT_PARALLEL_MIN:
        for start in starts:
            yield _split(*block_of(start))
        return
    from workbench.tables import pooled, process_pool  # its workers never re-run the user's script (issue 11)

    with process_pool(n_jobs) as pool:
        yield from pooled(pool, _split, map(block_of, starts), ahead=2 * n_jobs)


def _frequent(
    entries: pa.Table, row_slot: np.ndarray, rows: Rows, min_articles: int, min_share: float
) -> dict[int, dict[str, list]]:
    """``slot -> key -> entry`` for the keys that stand in enough articles of some outlet to qualify there.

    A pattern qualifies in an outlet only when it stands in at least ``max(min_articles, min_share *``
    the outlet's articles) of its articles that are no duplicates, so the patterns held by fewer in
    every outlet are all dropped here, in Arrow and numpy, before any entry becomes a Python object.
    """
    if not entries.num_rows:
        return {}
    per_slot = np.bincount(row_slot, minlength=1)
    candidate = _widespread(entries, per_slot, min_articles, _in_outlets(row_slot, rows, min_articles, min_share))
    if not len(candidate):
        return {}
    mask = np.zeros(entries.num_rows, dtype=bool)
    mask[candidate] = True
    chosen = entries.filter(pa.array(mask))  # chunk by chunk (a take would first join the chunks)
    out: dict[int, dict[str, list]] = {}
    columns = [chosen.column(c).to_pylist() for c in ("slot", "key", "edge", "where", "starts", "ends")]
    for slot, key, edge, where, starts, ends in zip(*columns, strict=True):
        out.setdefault(slot, {})[key] = [edge, list(zip(starts, ends, strict=True)), WHERE[where]]
    return out


def _in_outlets(
    row_slot: np.ndarray, rows: Rows, min_articles: int, min_share: float
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``qualifying(codes, slots)``: for entries of keys ``codes`` (0..n, one per key) standing in articles
    of ``slots``, whether their key stands in enough articles (duplicates aside) of some outlet."""
    outlet_code: dict[object, int] = {}
    row_outlet = np.fromiter((outlet_code.setdefault(o, len(outlet_code)) for o in rows.outlets), np.int64)
    n_outlets = max(1, len(outlet_code))
    counted = ~np.asarray(rows.duplicate, dtype=bool)
    need = np.maximum(min_articles, min_share * np.bincount(row_outlet[counted], minlength=n_outlets))
    pairs, weights = np.unique(row_slot[counted] * n_outlets + row_outlet[counted], return_counts=True)
    pair_slot, pair_outlet = pairs // n_outlets, pairs % n_outlets

    def qualifying(codes: np.ndarray, slots: np.ndarray) -> np.ndarray:
        if not len(codes):
            return np.zeros(0, dtype=bool)
        lo = np.searchsorted(pair_slot, slots, side="left")
        repeat = np.searchsorted(pair_slot, slots, side="right") - lo
        at = np.repeat(lo - np.cumsum(repeat) + repeat, repeat) + np.arange(int(repeat.sum()))
        key_outlet = np.repeat(codes, repeat) * n_outlets + pair_outlet[at]
        where, held = pd.factorize(key_outlet)
        enough = np.bincount(where, weights=weights[at], minlength=len(held)) >= need[held % n_outlets]
        keys = np.zeros(int(codes.max()) + 1, dtype=bool)
        keys[held[enough] // n_outlets] = True
        return keys[codes]

    return qualifying


def _widespread(
    entries: pa.Table,
    per_slot: np.ndarray,
    min_articles: int,
    qualifying: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """The positions (ascending) of the entries whose key stands in at least ``min_articles`` articles
    (``per_slot``: the articles of each slot, copies included; slots past its end are the candidates of
    articles gone, held by none) and, given ``qualifying`` (:func:`_in_outlets`), in enough of some outlet.

    Keys are counted by their 64-bit hashes (no string is read): two keys sharing one are counted
    together, which can only keep more entries here; which patterns qualify is decided on the strings
    (:func:`_select`). A large index is counted one range of hash values at a time (``RANGE_ENTRIES``
    entries a range, about), the outlets' counts too: its own keys are all its hashes' (counted at once,
    the 2 million entries of 100,000 articles took 106 MB more; a million articles have some 20 million,
    and where most of them are widespread, as in ``bench_scale``'s corpus of texts repeated, the
    outlets' counts of them all at once made the load's peak: 1,854 MB against 1,295 MB by range)."""
    ranges = 1 << max(0, int(np.ceil(np.log2(max(1, entries.num_rows / RANGE_ENTRIES)))))
    shift = np.uint64(64 - max(1, ranges.bit_length() - 1))
    found: list[np.ndarray] = []
    for r in range(ranges):
        positions, slots, hashes = [], [], []
        base = 0
        for batch in entries.select(["slot", "hash"]).to_batches():
            batch_hashes = batch.column(1).to_numpy()
            pick = (
                np.flatnonzero((batch_hashes.view(np.uint64) >> shift) == r)
                if ranges > 1
                else np.arange(len(batch_hashes))
            )
            positions.append(pick + base)
            slots.append(batch.column(0).to_numpy()[pick])
            hashes.append(batch_hashes[pick])
            base += len(batch_hashes)
        positions, slots, hashes = (np.concatenate(x) for x in (positions, slots, hashes))
        codes, uniques = pd.factorize(hashes)  # by first appearance (a hash table, not a sort): only equality counts
        held = per_slot[np.minimum(slots, len(per_slot) - 1)] * (slots < len(per_slot))  # dead slots: none
        articles = np.bincount(codes, weights=held, minlength=len(uniques))
        keep = articles[codes] >= min_articles
        positions, slots, codes = positions[keep], slots[keep], codes[keep]
        found.append(positions if qualifying is None else positions[qualifying(codes, slots)])
        del positions, slots, hashes, codes, uniques, held, articles, keep
    return np.sort(np.concatenate(found))


def _select(
    articles: pd.DataFrame,
    rows: Rows,
    row_slot: np.ndarray,
    frequent: dict[int, dict[str, list]],
    min_articles: int,
    min_share: float,
) -> tuple[pd.DataFrame, dict[int, list[tuple[int, int]]]]:
    """Per outlet, the patterns that qualify (in order: most articles, longest first) and each article's ranges."""
    outlets, duplicate = rows.outlets, rows.duplicate
    counted = Counter(o for o, d in zip(outlets, duplicate, strict=True) if not d)
    by_outlet: dict[object, dict[str, dict[int, list]]] = {}
    holding = np.flatnonzero(np.isin(row_slot, np.fromiter(frequent, dtype=np.int64, count=len(frequent))))
    for i in holding.tolist():  # in row order, as the articles stand
        seen = by_outlet.setdefault(outlets[i], defaultdict(dict))
        for key, entry in frequent[int(row_slot[i])].items():
            seen[key][i] = entry
    titles = strings(articles, "title", holding) if "title" in articles.columns else [None] * len(holding)
    title_of = {i: _title(t) for i, t in zip(holding.tolist(), titles, strict=True)}
    ranges: dict[int, list[tuple[int, int]]] = {}
    rows_out = []
    for outlet, seen in by_outlet.items():
        need = max(min_articles, min_share * counted.get(outlet, 0))
        anywhere = max(need, ANYWHERE_SHARE * counted.get(outlet, 0))
        chosen: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for key, by_article in sorted(
            seen.items(), key=lambda kv: (-len(kv[1]), -len(kv[0]), kv[0])
        ):  # longer first: a line before its tail
            holders = [i for i in by_article if not duplicate[i]]
            if len(holders) < need:
                continue
            at_edge = sum(by_article[i][0] for i in holders)
            if at_edge < need and len(holders) < anywhere:
                continue
            if len({title_of[i] if title_of.get(i) else i for i in holders}) < need:
                continue
            if all(_covered(span, chosen[i]) for i in by_article for span in by_article[i][1]):
                continue  # already covered by a more frequent pattern (the exact form of this shape)
            for i, (_, spans_i, _) in by_article.items():
                chosen[i].update(spans_i)
            first = holders[0]
            s, e = by_article[first][1][0]
            wheres = {by_article[i][2] for i in holders}
            where = "lead" if wheres == {"lead"} else "tail" if wheres == {"tail"} else "line"
            example = (strings(articles, "text", [first])[0] or "")[s:e]
            rows_out.append((outlet, key[2:], example, where, len(holders)))
        for i, spans_i in chosen.items():
            ranges[i] = _merge(spans_i)
    patterns = pd.DataFrame(rows_out, columns=list(PATTERN_COLUMNS)).astype(PATTERN_COLUMNS)
    patterns = patterns.sort_values(["articles", "outlet", "pattern"], ascending=[False, True, True], kind="stable")
    return patterns.reset_index(drop=True), ranges


def mark(
    articles: pd.DataFrame, *, cache_dir: Path | None = None, n_jobs: int = 1, **options
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``articles`` with a ``boilerplate`` entry in ``sections`` for each range, and the patterns.

    ``text`` and every other column are unchanged; options are those of :func:`find`; ``n_jobs``:
    processes that split the articles into candidates (:func:`search`). With a
    ``cache_dir`` (the corpus cache), the result and every article's candidates are kept there
    (:mod:`workbench.boilerplate_cache`): a warm load reads the result back without looking at any
    text, and a load that adds, changes or removes files splits only those files' articles into
    candidates (see :func:`search`).
    """
    if cache_dir is None:
        patterns, ranges, _ = search(articles, n_jobs=n_jobs, **options)
    else:
        from workbench.boilerplate_cache import cached_search

        patterns, ranges = cached_search(articles, Path(cache_dir), n_jobs=n_jobs, **options)
    pa.default_memory_pool().release_unused()  # the candidates of every article (the index) are gone by now
    sections = articles["sections"].tolist() if "sections" in articles.columns else [[] for _ in range(len(articles))]
    try:  # marked before? (in C: a warm load of 100,000 articles has 300,000 sections to look at)
        marked = SECTION in map(itemgetter(0), chain.from_iterable(sections))
    except (TypeError, IndexError, KeyError):  # a missing value among them
        marked = any(s[0] == SECTION for current in sections if isinstance(current, list | tuple) for s in current)
    for i in range(len(sections)) if marked else ranges:  # only articles with boilerplate change
        current = sections[i] if isinstance(sections[i], list | tuple) else ()
        extra = ranges.get(i, ())
        if extra or any(s[0] == SECTION for s in current):
            sections[i] = [tuple(s) for s in current if s[0] != SECTION] + [(SECTION, s, e) for s, e in extra]
    return articles.assign(sections=sections), patterns


def _covered(span: tuple[int, int], chosen: set[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in chosen)


def _merge(spans_: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(spans_):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _title(title) -> str | None:
    return _exact(title) if isinstance(title, str) and title else None
