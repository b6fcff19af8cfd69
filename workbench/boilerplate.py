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
:func:`spans` reads those ranges back and :func:`prose` blanks them (same length) for an extractor.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

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
#: the section name of boilerplate ranges
SECTION = "boilerplate"

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


def find(
    articles: pd.DataFrame, *, min_articles: int = MIN_ARTICLES, min_share: float = MIN_SHARE
) -> tuple[pd.DataFrame, list[list[tuple[int, int]]]]:
    """The boilerplate patterns of a batch of articles and each article's boilerplate ranges.

    Args:
        articles: ``article_id, text`` and, when present, ``outlet``, ``title``, ``duplicate_of``.
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
    n = len(articles)
    texts = ["" if pd.isna(t) else str(t) for t in articles["text"]] if n else []
    outlets = _column(articles, "outlet", n)
    titles = [_exact(t) if isinstance(t, str) else None for t in _column(articles, "title", n)]  # "Item 3" = "Item 4"
    duplicate = [d is not None for d in _column(articles, "duplicate_of", n)]
    found = [_candidates(t) for t in texts]
    groups: dict[str | None, list[int]] = defaultdict(list)
    for i, outlet in enumerate(outlets):
        groups[outlet].append(i)
    ranges: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    rows = []
    for outlet, members in groups.items():
        counted = [i for i in members if not duplicate[i]]
        need = max(min_articles, min_share * len(counted))
        # pattern -> article -> (where it stands at an edge, ranges); key "exact:..." / "shape:..."
        seen: dict[str, dict[int, list]] = defaultdict(dict)
        for i in members:
            for s, e, where in found[i]:
                exact = _exact(texts[i][s:e])
                if exact == titles[i]:
                    continue  # the headline repeated as the first line
                shape = _shape(exact) if where != "line" else None  # name shapes only at the edges
                for key in (f"e:{exact}", f"s:{shape}" if shape else None):
                    if key is None:
                        continue
                    entry = seen[key].setdefault(i, [False, [], where])
                    entry[0] |= where != "line"
                    entry[1].append((s, e))
        chosen: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for key, by_article in sorted(
            seen.items(), key=lambda kv: (-len(kv[1]), -len(kv[0]), kv[0])
        ):  # longer first: a line before its tail
            holders = [i for i in by_article if not duplicate[i]]
            if len(holders) < need:
                continue
            at_edge = sum(by_article[i][0] for i in holders)
            if at_edge < need and len(holders) < max(need, ANYWHERE_SHARE * len(counted)):
                continue
            if len({titles[i] if titles[i] else i for i in holders}) < need:
                continue
            if all(_covered(span, chosen[i]) for i in by_article for span in by_article[i][1]):
                continue  # already covered by a more frequent pattern (the exact form of this shape)
            for i, (_, spans_i, _) in by_article.items():
                chosen[i].update(spans_i)
            first = holders[0]
            s, e = by_article[first][1][0]
            wheres = {by_article[i][2] for i in holders}
            where = "lead" if wheres == {"lead"} else "tail" if wheres == {"tail"} else "line"
            rows.append((outlet, key[2:], texts[first][s:e], where, len(holders)))
        for i, spans_i in chosen.items():
            ranges[i] = _merge(spans_i)
    patterns = pd.DataFrame(rows, columns=list(PATTERN_COLUMNS)).astype(PATTERN_COLUMNS)
    patterns = patterns.sort_values(["articles", "outlet", "pattern"], ascending=[False, True, True], kind="stable")
    return patterns.reset_index(drop=True), ranges


def mark(articles: pd.DataFrame, *, cache_dir: Path | None = None, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``articles`` with a ``boilerplate`` entry in ``sections`` for each range, and the patterns.

    ``text`` and every other column are unchanged; options are those of :func:`find`. With a
    ``cache_dir`` (the corpus cache), the result is kept there under a hash of the articles (their
    text hashes, outlets, titles, order) and of this module, so a warm load does not search again.
    """
    key = _cache_key(articles, options) if cache_dir is not None else None
    found = _read_cache(Path(cache_dir), key) if key else None
    if found is None:
        found = find(articles, **options)
        if key:
            _write_cache(Path(cache_dir), key, *found)
    patterns, ranges = found
    sections = articles["sections"].tolist() if "sections" in articles.columns else [[] for _ in range(len(articles))]
    for i, extra in enumerate(ranges):
        current = sections[i] if isinstance(sections[i], list | tuple) else ()
        if extra or any(
            s[0] == SECTION for s in current
        ):  # only articles with boilerplate change (a warm load stays fast)
            sections[i] = [tuple(s) for s in current if s[0] != SECTION] + [(SECTION, s, e) for s, e in extra]
    return articles.assign(sections=sections), patterns


def spans(sections) -> list[tuple[int, int]]:
    """The boilerplate ``(start, end)`` ranges of one article's ``sections`` (any other entry ignored).

    >>> spans([("body", 0, 40), ("boilerplate", 34, 40)])
    [(34, 40)]
    """
    if not isinstance(sections, list | tuple):
        return []
    return sorted((int(s), int(e)) for name, s, e in sections if name == SECTION)


def ranges(articles: pd.DataFrame) -> list[list[tuple[int, int]]]:
    """The boilerplate ranges of every article, in row order (for cross-article tools such as reuse)."""
    if "sections" not in articles.columns:
        return [[] for _ in range(len(articles))]
    return [spans(s) for s in articles["sections"]]


def prose(text: str, sections) -> str:
    """``text`` with its boilerplate ranges blanked (spaces, newlines kept): same length, same offsets.

    >>> prose("Acme rose.\\nReuter", [("boilerplate", 11, 17)])
    'Acme rose.\\n      '
    """
    cut = spans(sections)
    if not cut or not isinstance(text, str):
        return text
    parts, pos = [], 0
    for s, e in cut:
        parts.append(text[pos:s])
        parts.append(re.sub(r"[^\n]", " ", text[max(s, pos) : e]))
        pos = max(pos, e)
    parts.append(text[pos:])
    return "".join(parts)


def prose_texts(articles: pd.DataFrame) -> list[str]:
    """Every article's text with its boilerplate blanked (see :func:`prose`), in row order."""
    texts = ["" if pd.isna(t) else str(t) for t in articles["text"]]
    if "sections" not in articles.columns:
        return texts
    return [prose(t, s) for t, s in zip(texts, articles["sections"], strict=True)]


def _cache_key(articles: pd.DataFrame, options: dict) -> str:
    columns = [c for c in ("content_hash", "outlet", "title", "duplicate_of") if c in articles.columns] or ["text"]
    digest = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=12)
    digest.update(repr(sorted(options.items())).encode())
    digest.update(pd.util.hash_pandas_object(articles[columns].astype("string"), index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _read_cache(folder: Path, key: str) -> tuple[pd.DataFrame, list[list[tuple[int, int]]]] | None:
    try:  # a damaged or foreign file is searched again, never trusted
        patterns = pd.read_parquet(folder / f"boilerplate-{key}.patterns.parquet").astype(PATTERN_COLUMNS)
        table = pd.read_parquet(folder / f"boilerplate-{key}.ranges.parquet")
        ranges: list[list[tuple[int, int]]] = [[] for _ in range(int(table["n"].iloc[0]))]
        for row, start, end in zip(table["row"].tolist(), table["start"].tolist(), table["end"].tolist(), strict=True):
            if row >= 0:  # row -1: the placeholder of a corpus without boilerplate
                ranges[row].append((int(start), int(end)))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    return patterns.reset_index(drop=True), ranges


def _write_cache(folder: Path, key: str, patterns: pd.DataFrame, ranges: list[list[tuple[int, int]]]) -> None:
    rows = [(i, s, e) for i, spans_i in enumerate(ranges) for s, e in spans_i] or [(-1, 0, 0)]
    table = pd.DataFrame(rows, columns=["row", "start", "end"]).assign(n=len(ranges))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("boilerplate-*.parquet"):
            old.unlink(missing_ok=True)
        for name, frame in (("patterns", patterns), ("ranges", table)):
            tmp = folder / f".boilerplate-{key}.{name}.{os.getpid()}.tmp"
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, folder / f"boilerplate-{key}.{name}.parquet")
    except OSError:
        pass  # a read-only cache: search again next time


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


def _column(articles: pd.DataFrame, name: str, n: int) -> list:
    if name not in articles.columns:
        return [None] * n
    return [
        None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) or v == "" else v
        for v in articles[name]
    ]
