"""The Corpus: articles as DataFrames, their problems, derived tables and filtering.

``load_corpus`` reads a folder or file through the registered readers (``workbench.readers``),
caches the parsed articles as Parquet so that only new or changed files are read again, and returns
a :class:`Corpus`. Derived tables (``sentences``, ``mentions``, ``attributions``, ``dates``) are
computed on first access by pure extractor functions and cached per article the same way.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench import cache as cachestore
from workbench import config, readers
from workbench.errors import CorpusError, Problem, WorkbenchError, problems_frame
from workbench.text import count_words

ARTICLE_COLUMNS = [
    "article_id", "published", "outlet", "via", "title", "lead", "text", "sections",
    "path", "format", "n_words", "duplicate_of", "credit", "url", "content_hash",
]  # fmt: skip
_STRING_COLUMNS = ["article_id", "outlet", "title", "lead", "text", "path", "format", "duplicate_of", "credit", "url", "content_hash"]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A derived table: ``function(articles, **needs) -> DataFrame`` with an ``article_id`` column."""

    function: str  # "module:function", imported on first use
    needs: tuple[str, ...] = ()
    #: keyword options the Corpus passes to the function (e.g. the NER backend)
    options: tuple[str, ...] = ()


#: Derived tables by name. Extractors register here so the Corpus never branches on them.
TABLES: dict[str, TableSpec] = {
    "sentences": TableSpec("workbench.sentences:sentences"),
    "mentions": TableSpec("workbench.ner:mentions", needs=("sentences",), options=("backend",)),
    "attributions": TableSpec("workbench.attribution:attributions", needs=("sentences", "mentions")),
    "dates": TableSpec("workbench.dates:dates", needs=("sentences",)),
}


def register_table(name: str, function: str, *, needs: Iterable[str] = (), options: Iterable[str] = ()) -> None:
    """Register a derived table, available as ``corpus.table(name)``."""
    TABLES[name] = TableSpec(function, tuple(needs), tuple(options))


def _resolve(function: str) -> Callable[..., pd.DataFrame]:
    module, _, name = function.partition(":")
    return getattr(importlib.import_module(module), name)


def _compute_chunk(function: str, articles: pd.DataFrame, needs: dict[str, pd.DataFrame], options: dict) -> pd.DataFrame:
    return _resolve(function)(articles, **needs, **options)


class Corpus:
    """Articles, problems and derived tables, all restricted consistently by :meth:`filter`.

    Attributes:
        articles: one row per article (see ``ARTICLE_COLUMNS``).
        errors: one row per problem: ``path, line, severity, reason, detail``.
        root: the path the corpus was loaded from.
        seconds: how long loading took.
    """

    def __init__(
        self,
        articles: pd.DataFrame,
        errors: pd.DataFrame,
        *,
        root: Path | None = None,
        cache_dir: Path | None = None,
        tables: dict[str, pd.DataFrame] | None = None,
        options: dict[str, Any] | None = None,
        filters: dict[str, Any] | None = None,
        seconds: float = 0.0,
    ):
        self.articles = articles
        self.errors = errors
        self.root = root
        self.cache_dir = cache_dir
        self.options: dict[str, Any] = {"backend": "rules", "n_jobs": 1, **(options or {})}
        self.filters: dict[str, Any] = filters or {}
        self.seconds = seconds
        self._tables: dict[str, pd.DataFrame] = dict(tables or {})
        self._row_keys: list[str] | None = None

    def _keys(self) -> list[str]:
        """Per-article cache keys, hashed once per Corpus (every table and the fingerprint use them)."""
        if self._row_keys is None:
            self._row_keys = _row_keys(self.articles)
        return self._row_keys

    # -- derived tables -------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A derived table, computed on first access and cached per article."""
        if name in self._tables:
            return self._tables[name]
        try:
            spec = TABLES[name]
        except KeyError:
            raise WorkbenchError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None
        frame = self._compute(name, spec)
        self._tables[name] = frame
        return frame

    @property
    def sentences(self) -> pd.DataFrame:
        """``article_id, sentence, start, end`` for every sentence of every article."""
        return self.table("sentences")

    @property
    def mentions(self) -> pd.DataFrame:
        """Entity mentions (see ``workbench.ner``)."""
        return self.table("mentions")

    @property
    def attributions(self) -> pd.DataFrame:
        """Who is credited or quoted (see ``workbench.attribution``)."""
        return self.table("attributions")

    @property
    def dates(self) -> pd.DataFrame:
        """Dates mentioned in the text and each article's publication date (see ``workbench.dates``)."""
        return self.table("dates")

    def _compute(self, name: str, spec: TableSpec) -> pd.DataFrame:
        needs = {need: self.table(need) for need in spec.needs}
        options = {key: self.options[key] for key in spec.options if key in self.options}
        keys = self._keys()
        store = self._table_store(name, options)
        cached = _read_cached_table(store) if store else None
        todo = self.articles
        parts = []
        if cached is not None:
            done_frame, coverage = cached
            have = set(coverage)
            hit = [k in have for k in keys]
            todo = self.articles[[not h for h in hit]]
            hit_ids = self.articles["article_id"][hit]
            if len(hit_ids):
                wanted = pd.DataFrame({"article_id": hit_ids.astype("string").values, "_key": pd.array(pd.Series(keys)[hit], dtype="string")})
                done_frame = done_frame.astype({"article_id": "string", "_key": "string"})
                part = done_frame.merge(wanted, on=["article_id", "_key"]).drop(columns="_key")
                parts.append(part)
        if len(todo):
            computed = self._run(spec, todo, needs, options)
            parts.append(computed)
            if store:
                todo_keys = pd.Series(keys, index=self.articles.index)[todo.index]
                key_of = dict(zip(todo["article_id"], todo_keys, strict=True))
                stored = computed.assign(_key=computed["article_id"].map(key_of).astype("string"))
                if cached is not None:
                    stored = pd.concat([cached[0][~cached[0]["_key"].isin(set(todo_keys))], stored], ignore_index=True)
                coverage = sorted(set(cached[1] if cached else ()) | set(todo_keys))
                try:
                    cachestore.write_frame(store, stored)
                    cachestore.write_frame(store.with_suffix(".coverage.parquet"), pd.DataFrame({"_key": coverage}))
                except OSError as exc:
                    warnings.warn(f"cannot write table cache {store}: {exc}", stacklevel=3)
        if not parts:
            return self._run(spec, self.articles.iloc[:0], needs, options)
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
        order = {a: i for i, a in enumerate(self.articles["article_id"])}
        sort_cols = [c for c in ("sentence", "start") if c in frame.columns]
        frame = frame.assign(_order=frame["article_id"].map(order)).sort_values(["_order", *sort_cols], kind="stable")
        return frame.drop(columns="_order").reset_index(drop=True)

    def _run(self, spec: TableSpec, articles: pd.DataFrame, needs: dict, options: dict) -> pd.DataFrame:
        """Run an extractor, split into partitions over ``n_jobs`` processes for large batches."""
        n_jobs = int(self.options.get("n_jobs") or 1)
        if n_jobs <= 1 or len(articles) < PARALLEL_MIN_ARTICLES:
            return _compute_chunk(spec.function, articles, _subset(needs, articles), options)
        size = min(1000, -(-len(articles) // (4 * n_jobs)))
        chunks = [articles.iloc[i : i + size] for i in range(0, len(articles), size)]
        import multiprocessing

        with ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("forkserver")) as pool:
            futures = [pool.submit(_compute_chunk, spec.function, c, _subset(needs, c), options) for c in chunks]
            return pd.concat([f.result() for f in futures], ignore_index=True)

    def _table_store(self, name: str, options: dict) -> Path | None:
        if self.cache_dir is None:
            return None
        tag = cachestore.code_fingerprint() + "".join(f"-{k}={v}" for k, v in sorted(options.items()))
        safe = "".join(ch if ch.isalnum() or ch in "-=_." else "_" for ch in tag)
        return self.cache_dir / "tables" / f"{name}-{safe}.parquet"

    # -- filtering ------------------------------------------------------------------------
    def filter(
        self,
        *,
        start: str | pd.Timestamp | None = None,
        end: str | pd.Timestamp | None = None,
        outlets: str | Iterable[str] | None = None,
        entities: str | Iterable[str] | None = None,
    ) -> Corpus:
        """A corpus with only the matching articles; every table is restricted the same way.

        Args:
            start: first publication day kept (inclusive); articles with no date are dropped.
            end: last publication day kept (inclusive).
            outlets: outlet names (any alias in ``outlets.csv``); case-insensitive.
            entities: keep articles mentioning any of these canonical entities.

        >>> corpus = load_corpus(cache=False)
        >>> len(corpus.filter(start="2024-11-15"))
        0
        """
        from workbench.lexicon import outlet_name

        keep = pd.Series(True, index=self.articles.index)
        published = self.articles["published"]
        if start is not None and not (isinstance(start, str) and not start.strip()):
            keep &= published >= _day(start, "start")
        if end is not None and not (isinstance(end, str) and not end.strip()):
            keep &= published < _day(end, "end") + pd.Timedelta(days=1)
        if outlets:
            wanted = {(outlet_name(o) or "").casefold() for o in _as_list(outlets)}
            keep &= self.articles["outlet"].fillna("").str.casefold().isin(wanted)
        if entities:
            mentions = self.mentions
            wanted_entities = {e.casefold() for e in _as_list(entities)}
            hit = mentions.loc[mentions["entity"].str.casefold().isin(wanted_entities), "article_id"]
            keep &= self.articles["article_id"].isin(set(hit))
        articles = self.articles[keep].reset_index(drop=True)
        ids = set(articles["article_id"])
        tables = {name: t[t["article_id"].isin(ids)].reset_index(drop=True) for name, t in self._tables.items()}
        filters = {**self.filters, **{k: v for k, v in dict(start=start, end=end, outlets=outlets, entities=entities).items() if v}}
        return Corpus(
            articles, self.errors, root=self.root, cache_dir=self.cache_dir, tables=tables,
            options=self.options, filters=filters, seconds=self.seconds,
        )

    # -- summaries ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.articles)

    def __repr__(self) -> str:
        s = self.summary()
        span = f"{s['first']:%Y-%m-%d}..{s['last']:%Y-%m-%d}" if s["articles"] and pd.notna(s["first"]) else "no dates"
        return f"<Corpus {s['articles']} articles, {s['outlets']} outlets, {span}, {s['errors']} errors, {s['warnings']} warnings from {self.root}>"

    def summary(self) -> dict[str, Any]:
        """Counts for a report header or the CLI: articles, outlets, date range, problems."""
        errors = self.errors
        return {
            "root": str(self.root) if self.root else None,
            "articles": len(self.articles),
            "outlets": int(self.articles["outlet"].nunique()),
            "first": self.articles["published"].min(),
            "last": self.articles["published"].max(),
            "words": int(self.articles["n_words"].sum()),
            "duplicates": int(self.articles["duplicate_of"].notna().sum()),
            "errors": int((errors["severity"] == "error").sum()),
            "warnings": int((errors["severity"] == "warning").sum()),
            "problems_by_reason": errors.groupby("reason").size().to_dict() if len(errors) else {},
            "fingerprint": self.fingerprint,
            "seconds": round(self.seconds, 3),
            "filters": self.filters,
        }

    def describe(self) -> str:
        """One plain sentence about what is loaded, for notebooks and logs.

        >>> load_corpus(cache=False).describe()
        '1 article from 1 outlet, 286 words, published 2024-11-14.'
        >>> load_corpus(cache=False).filter(start="2030-01-01").describe()
        'No articles match the filters: every chart below will say so.'
        """
        if not len(self):
            return "No articles match the filters: every chart below will say so."
        s = self.summary()

        def plural(n: int, word: str) -> str:
            return f"{n:,} {word}" + ("" if n == 1 else "s")

        first, last = s["first"], s["last"]
        if pd.isna(first):
            dates = "no publication dates"
        elif first == last:
            dates = f"published {first:%Y-%m-%d}"
        else:
            dates = f"published {first:%Y-%m-%d} to {last:%Y-%m-%d}"
        return f"{plural(s['articles'], 'article')} from {plural(s['outlets'], 'outlet')}, {plural(s['words'], 'word')}, {dates}."

    @property
    def fingerprint(self) -> str:
        """A content hash of the articles (text and header data): equal corpora, equal hashes."""
        digest = hashlib.blake2b(digest_size=8)
        for key in sorted(self._keys()):
            digest.update(key.encode())
        return digest.hexdigest()


def load_corpus(
    path: str | os.PathLike | None = None,
    *,
    format: str = "auto",
    cache: bool = True,
    progress: bool | None = None,
    strict: bool = False,
    columns: dict[str, str] | None = None,
    backend: str = "rules",
    n_jobs: int = 1,
    read_jobs: int | None = None,
) -> Corpus:
    """Load a folder or file of news articles.

    Args:
        path: a folder or file; ``None`` means ``config.DEFAULT_CORPUS`` (``seeds/``, or
            ``$WORKBENCH_CORPUS``).
        format: ``"auto"`` (by suffix and folder layout) or a registered reader name
            (``seed``, ``table``, ``manifest``, ``timeml``).
        cache: reuse parsed files from ``config.CACHE_DIR``; only new or changed files are read.
        progress: show a progress bar (default: for large loads in an interactive session).
        strict: raise :class:`CorpusError` on the first error instead of recording it.
        columns: for tables, ``{"their column": "article column"}`` overrides.
        backend: the entity backend used for ``mentions`` (``rules`` or ``spacy:<name>``).
        n_jobs: processes used for derived tables on large corpora.
        read_jobs: processes used to parse files when more than ``PARALLEL_MIN_FILES`` are new
            or changed (default: one per core).

    Returns:
        A :class:`Corpus`. Problems with individual files are rows of ``corpus.errors``.

    Raises:
        WorkbenchError: the path does not exist or the format is unknown.

    >>> corpus = load_corpus(cache=False)
    >>> corpus.articles.loc[0, ["outlet", "via"]].tolist()
    ['European Pravda', ['Voice of America']]
    """
    started = time.perf_counter()
    root = Path(path).expanduser() if path is not None else config.DEFAULT_CORPUS
    if not root.exists():
        raise WorkbenchError(f"corpus path does not exist: {root}")
    options = {"columns": columns} if columns else {}
    units, problems = readers.discover(root, format=format, options=options)
    cache_dir = config.CACHE_DIR / cachestore.corpus_key(root, format, options) if cache else None
    articles, errors = _read_units(units, problems, cache_dir, progress, read_jobs)
    if strict and (errors["severity"] == "error").any():
        first = errors[errors["severity"] == "error"].iloc[0]
        raise CorpusError(f"{first['path']}: {first['reason']}: {first['detail']}")
    return Corpus(
        articles, errors, root=root, cache_dir=cache_dir, options={"backend": backend, "n_jobs": n_jobs},
        seconds=time.perf_counter() - started,
    )  # fmt: skip


# -- reading with the cache ---------------------------------------------------------------


def _read_batch(units: list[readers.Unit]) -> tuple[pa.Table, pd.DataFrame]:
    """Read units into an articles table (``ARTICLE_SCHEMA``) and an errors frame, both tagged with ``_unit``."""
    records: list[dict] = []
    unit_problems: list[Problem] = []
    problem_units: list[str] = []
    for unit in units:
        result = readers.read_unit(unit)
        for record in result.records:
            record["_unit"] = unit.key
            record["format"] = unit.reader
        records.extend(result.records)
        unit_problems.extend(result.problems)
        problem_units.extend([unit.key] * len(result.problems))
    errors = problems_frame(unit_problems).assign(_unit=pd.Series(problem_units, dtype="string"))
    return _records_table(records), errors


#: Below this many files (articles) a second process costs more (start-up, imports) than it saves.
PARALLEL_MIN_FILES = 3000
PARALLEL_MIN_ARTICLES = 2000


def _read_parallel(units: list[readers.Unit], progress: bool | None, n_jobs: int | None) -> tuple[pa.Table, pd.DataFrame]:
    """Read units in batches, across processes for large loads, with an optional progress bar."""
    jobs = n_jobs if n_jobs is not None else (os.cpu_count() or 1)
    batch = 500
    batches = [units[i : i + batch] for i in range(0, len(units), batch)] or [[]]
    show = progress if progress is not None else (len(units) > 2000 and _interactive())
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(units), desc="reading articles", unit="file")
    results = []
    if jobs > 1 and len(units) >= PARALLEL_MIN_FILES:
        import multiprocessing

        with ProcessPoolExecutor(min(jobs, len(batches)), mp_context=multiprocessing.get_context("forkserver")) as pool:
            for (articles, errors), size in zip(pool.map(_read_batch, batches), map(len, batches), strict=True):
                results.append((articles, errors))
                if bar is not None:
                    bar.update(size)
    else:
        for units_batch in batches:
            results.append(_read_batch(units_batch))
            if bar is not None:
                bar.update(len(units_batch))
    if bar is not None:
        bar.close()
    articles = pa.concat_tables([a for a, _ in results]) if len(results) > 1 else results[0][0]
    errors = pd.concat([e for _, e in results], ignore_index=True) if len(results) > 1 else results[0][1]
    return articles, errors


def _read_units(units, problems, cache_dir, progress, n_jobs=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles and problems of all units: unchanged units from the cache, the rest read now."""
    signatures = {u.key: u.fingerprint() for u in units}
    fingerprint = "".join(cachestore.code_fingerprint(part) for part in ("readers", "text.py", "credits.py", "corpus.py", "cache.py"))
    cached_articles = cached_problems = None
    old: dict[str, str] = {}
    if cache_dir is not None:
        meta = cachestore.read_json(cache_dir / "meta.json")
        if meta is not None and meta.get("code") == fingerprint:
            cached_articles = cachestore.read_arrow(cache_dir / "articles.arrow")
            cached_problems = cachestore.read_table(cache_dir / "problems.parquet")
            if cached_articles is not None and cached_problems is not None:
                old = meta.get("units", {})
    fresh = [k for k, sig in signatures.items() if old.get(k) == sig]
    todo = [u for u in units if old.get(u.key) != signatures[u.key]]

    changed = bool(todo) or set(old) != set(signatures)
    table, errors = _read_parallel(todo, progress, n_jobs)
    if fresh:
        if len(fresh) < len(old):  # some cached files changed or went away
            keep = pa.array(fresh)
            cached_articles = cached_articles.filter(pc.is_in(cached_articles["_unit"], value_set=keep))
            cached_problems = cached_problems.filter(pc.is_in(cached_problems["_unit"], value_set=keep))
        old_errors = cached_problems.to_pandas()
        if changed:  # ids and duplicates are settled again below, over old and new articles together
            old_errors = old_errors[old_errors["reason"] != "duplicate_id"]
        table = pa.concat_tables([cached_articles, table]) if table.num_rows else cached_articles
        errors = pd.concat([old_errors.astype(errors.dtypes.to_dict()), errors], ignore_index=True) if len(errors) else old_errors
    if changed or cache_dir is None:
        table, id_problems = _finish(table)
        errors = pd.concat([errors, id_problems], ignore_index=True) if len(id_problems) else errors
    if cache_dir is not None and changed:
        try:
            cachestore.write_arrow(cache_dir / "articles.arrow", table)
            cachestore.write_frame(cache_dir / "problems.parquet", errors)
            cachestore.write_json(cache_dir / "meta.json", {"code": fingerprint, "units": signatures})
        except OSError as exc:
            warnings.warn(f"cannot write the corpus cache in {cache_dir}: {exc}", stacklevel=3)
    walk_problems = problems_frame(problems)
    errors = errors.drop(columns="_unit").astype(walk_problems.dtypes.to_dict())
    errors = pd.concat([walk_problems, errors], ignore_index=True) if len(walk_problems) else errors
    articles = _restore(table)
    return articles[ARTICLE_COLUMNS], errors.sort_values(["path", "line"], kind="stable", na_position="first").reset_index(drop=True)


#: The articles table as cached: every article column plus the reader's id (``_id``) and file (``_unit``).
ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.large_string()),
        ("published", pa.timestamp("ns")),
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


def _records_table(records: list[dict]) -> pa.Table:
    """Reader records -> an Arrow table of ``ARTICLE_SCHEMA``, computed columns filled in.

    Built column by column straight into Arrow (no pandas round trip): this runs once per article
    of every cold load.
    """

    def column(key: str) -> list:
        return [record.get(key) for record in records]

    texts = column("text")
    data = {
        "published": [None if p is None or pd.isna(p) else p for p in column("published")],
        "via": [v if isinstance(v, list) else [] for v in column("via")],
        "sections": [[{"name": n, "start": s, "end": e} for n, s, e in v or ()] for v in column("sections")],
        "n_words": [count_words(t) for t in texts],
        "duplicate_of": [None] * len(records),
        "content_hash": [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest() for t in texts],
        "_id": column("article_id"),
    }
    arrays = [pa.array(data[f.name] if f.name in data else column(f.name), type=f.type) for f in ARTICLE_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=ARTICLE_SCHEMA)


def _restore(table: pa.Table) -> pd.DataFrame:
    """Cached Arrow articles -> the articles frame (section structs back to tuples, in bulk)."""
    sections = table.column("sections").combine_chunks()
    frame = table.drop_columns(["sections"]).to_pandas()
    flat = sections.flatten()
    triples = list(zip(flat.field("name").to_pylist(), flat.field("start").to_pylist(), flat.field("end").to_pylist(), strict=True))
    offsets = sections.offsets.to_pylist()
    frame["sections"] = [triples[offsets[i] : offsets[i + 1]] for i in range(len(sections))]
    frame["via"] = [list(v) if v is not None else [] for v in frame["via"]]
    for column in [*_STRING_COLUMNS, "_id", "_unit"]:
        frame[column] = frame[column].astype("string")
    return frame


def _finish(table: pa.Table) -> tuple[pa.Table, pd.DataFrame]:
    """Order by date then path, make ids unique (from the readers' ids in ``_id``), flag duplicate texts.

    Works on the Arrow table (sorting and reordering in C++) so that adding a few files to a large
    cached corpus does not convert every article to Python and back. Returns the table and the
    ``duplicate_id`` problems.
    """
    order = pc.sort_indices(table, sort_keys=[("published", "ascending"), ("path", "ascending")])  # no date: last
    table = table.take(order)
    ids = table.column("_id").to_pandas()
    clash = ids.duplicated(keep="first")
    problems, units = [], []
    new_ids = ids
    if clash.any():
        seen: dict[str, int] = {}
        renamed = []
        for article_id, is_clash, path, unit in zip(ids, clash, table.column("path").to_pylist(), table.column("_unit").to_pylist(), strict=True):
            if is_clash:
                seen[article_id] = seen.get(article_id, 1) + 1
                new_id = f"{article_id}~{seen[article_id]}"
                problems.append(Problem(path, "duplicate_id", f"id {article_id!r} is taken by an earlier article; renamed {new_id!r}", "warning"))
                units.append(unit)
                renamed.append(new_id)
            else:
                renamed.append(article_id)
        new_ids = pd.Series(renamed, dtype="string")
    hashes = table.column("content_hash").to_pandas()
    first = pd.Series(new_ids.values, index=hashes.values)
    first = first[~first.index.duplicated(keep="first")]
    duplicate_of = hashes.map(first).where(hashes.duplicated(keep="first"))
    for name, values in (("article_id", new_ids), ("duplicate_of", duplicate_of)):
        column = pa.array(values, type=pa.large_string(), from_pandas=True)
        table = table.set_column(table.schema.get_field_index(name), ARTICLE_SCHEMA.field(name), column)
    return table, problems_frame(problems).assign(_unit=pd.Series(units, dtype="string"))


def _row_keys(articles: pd.DataFrame) -> list[str]:
    """Per-article cache keys: the text hash plus the header data extractors read."""
    return [
        hashlib.blake2b(f"{a}|{h}|{p}|{o}|{v}|{c}".encode(), digest_size=8).hexdigest()
        for a, h, p, o, v, c in zip(
            articles["article_id"], articles["content_hash"], articles["published"], articles["outlet"],
            articles["via"], articles["credit"], strict=True,
        )
    ]


def _read_cached_table(store: Path) -> tuple[pd.DataFrame, list[str]] | None:
    table = cachestore.read_table(store)
    coverage = cachestore.read_table(store.with_suffix(".coverage.parquet"))
    if table is None or coverage is None:
        return None
    return table.to_pandas(), coverage.column("_key").to_pylist()


def _subset(tables: dict[str, pd.DataFrame], articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    ids = set(articles["article_id"])
    return {name: t[t["article_id"].isin(ids)] for name, t in tables.items()}


def _day(value: str | pd.Timestamp, name: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise WorkbenchError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if v]


def _interactive() -> bool:
    return "ipykernel" in sys.modules or sys.stderr.isatty()
