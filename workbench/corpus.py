"""The Corpus: articles as DataFrames, their problems, derived tables and filtering.

``workbench.load_corpus`` (``workbench.ingest``) reads articles into a :class:`Corpus`. Derived
tables (``sentences``, ``mentions``, ``attributions``, ``dates``) are computed on first access by
pure extractor functions and cached per article (``workbench.tables``); :meth:`Corpus.filter`
restricts the articles and every table the same way.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.live import register
from workbench.mirror import Mirror
from workbench.tables import (
    TABLES,
    TABLES_DIR,
    Filling,
    buckets,
    derive,
    fill,
    fill_together,
    in_order,
    partition_level,
    partitions,
    plan,
    process_pool,
    row_keys,
    table_order,
    table_store,
    take,
    warm_up,
)

#: From this many articles, derived tables show a progress bar per table (in an interactive session).
PROGRESS_MIN_ARTICLES = 10_000


class Corpus:
    """Articles, problems and derived tables, all restricted consistently by :meth:`filter`.

    Attributes:
        articles: one row per article (see ``workbench.ingest.ARTICLE_COLUMNS``).
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
        boilerplate: pd.DataFrame | None = None,
        level: int | None = None,
        read_now: int = 0,
        view: str | None = None,
        mirror: Mirror | None = None,
        fetched: set[str] | None = None,
    ):
        self.articles = articles
        self.errors = errors
        self.root = root
        self.cache_dir = cache_dir
        self.options: dict[str, Any] = {"backend": "rules", "n_jobs": None, **(options or {})}
        self.filters: dict[str, Any] = filters or {}
        self.seconds = seconds
        #: boilerplate patterns found at load (``workbench.boilerplate``): outlet, pattern, example, where, articles
        self.boilerplate = boilerplate if boilerplate is not None else _no_boilerplate()
        self._tables: dict[str, pd.DataFrame] = dict(tables or {})
        self._row_keys: list[str] | None = None
        self._bucket_codes: np.ndarray | None = None
        #: the partitioning of cached tables, that of the whole corpus (a filtered one keeps it)
        self.level = partition_level(len(articles)) if level is None else level
        #: articles the load read from their files (new or changed since the cache), not from the cache
        self.read_now = read_now
        #: for a full load with a cache: its view (``workbench.live.VIEWS``), under which its articles' keys
        #: are recorded as the cache's live ones when first hashed; None for a filtered corpus
        self.view = view
        #: for a cache at a URL: the local folder's mirror of it (``workbench.mirror``); None for a local cache
        self.mirror = mirror
        self._fetched: set[str] = set() if fetched is None else fetched  # tables already pulled from the mirror
        # the process pool of the table whose needs this part of a corpus computes (_partition_needs): its
        # tables use it rather than start workers of their own for each partition
        self._pool = None

    def _keys(self) -> list[str]:
        """Per-article cache keys, hashed once per Corpus (every table and the fingerprint use them)."""
        if self._row_keys is None:
            self._row_keys = row_keys(self.articles)
            if self.view is not None and self.cache_dir is not None:
                register(self.cache_dir, self.view, self.articles["article_id"].tolist(), self._row_keys)
        return self._row_keys

    def _codes(self) -> np.ndarray:
        """Each article's partition at :attr:`level` (``workbench.tables.buckets``), hashed once per Corpus."""
        if self._bucket_codes is None:
            self._bucket_codes = buckets(self.articles["article_id"], self.level)
        return self._bucket_codes

    # -- derived tables -------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A derived table, computed on first access and cached per article.

        An article its extractor fails on gets no rows and an error row in ``errors`` (reason
        ``<name>_failed``); every other article keeps its rows.
        """
        if name in self._tables:
            return self._tables[name]
        spec = self._spec(name)
        needs = {need: self.table(need) for need in spec.needs}
        options = self._table_options(spec)
        store = table_store(self.cache_dir, name, options)
        self._pull(name)
        frame, problems = derive(
            spec, self.articles, needs, options, keys=self._keys(), store=store, n_jobs=self.n_jobs, name=name,
            progress=self._progress(), level=self.level, codes=self._codes() if store is not None else None,
            pool=self._pool,
        )  # fmt: skip
        self._add_problems(problems)
        self._tables[name] = frame
        self._push()
        return frame

    def table_cache(self, name: str) -> Path | None:
        """Where table ``name`` is cached for this corpus (``workbench.tables.table_store``; None: no cache)."""
        return table_store(self.cache_dir, name, self._table_options(self._spec(name)))

    def table_partitions(self, name: str, columns: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
        """A derived table one partition at a time, without holding the whole table (for large corpora).

        Each partition's rows are read from the cache or computed and cached now; the tables it
        needs are read partition by partition the same way. The partitions together hold the rows of
        :meth:`table` (each in article order); a table already in memory is served from there.
        Without a cache (``cache=False``) the table is one partition. ``columns``: only these columns (those
        the table has, in its order), the others not even read from the cached partitions.

        >>> from workbench import load_corpus
        >>> sum(len(p) for p in load_corpus(cache=False).table_partitions("sentences"))
        10
        """
        wanted = None if columns is None else set(columns)

        def projected(frame: pd.DataFrame) -> pd.DataFrame:
            return frame if wanted is None else frame[[c for c in frame.columns if c in wanted]]

        if name in self._tables:
            yield projected(self._tables[name])
            return
        spec = self._spec(name)
        store = table_store(self.cache_dir, name, self._table_options(spec))
        if store is None:
            yield projected(self.table(name))
            return
        for table in table_order([name]):
            self._pull(table)
        try:
            for frame, problems in partitions(
                spec, self.articles, partial(self._partition_needs, spec), self._table_options(spec),
                keys=self._keys(), store=store, n_jobs=self.n_jobs, name=name, progress=self._progress(),
                level=self.level, codes=self._codes(), columns=wanted,
            ):  # fmt: skip
                self._add_problems(problems)
                yield frame
        finally:
            self._push()  # what was computed, even when the caller stopped early

    def update(self, names: Iterable[str] | None = None) -> dict[str, int]:
        """Bring the cached tables up to date: compute and cache the rows of the articles they lack.

        After new files arrive (or a table's code changed), each table's missing articles, those of
        every partition together, are computed in batches and committed partition by partition, as
        deltas beside the cached rows, which are not read. When every table lacks the same articles (new
        files), each batch goes through all the tables at once (``workbench.tables.fill_together``, over
        ``n_jobs`` processes from ``TOGETHER_POOL_MIN`` articles on); otherwise table after table, each
        from the rows just computed for its needs (over ``n_jobs`` processes from
        ``workbench.tables.PARALLEL_MIN_ARTICLES`` articles on). Afterwards every table
        (:meth:`table`, :meth:`table_partitions`, the reports) reads from the cache. This is what
        ``workbench ingest --tables`` runs; the Dask engine does the same on a cluster
        (``workbench.engines.compute_tables``).

        Args:
            names: the tables (default: every registered table); the tables they need are updated first.

        Returns:
            The number of articles computed per table (0: the table was up to date). Without a
            cache (``cache=False``) nothing is stored and nothing is computed.

        >>> from workbench import load_corpus
        >>> load_corpus(cache=False).update()
        {}
        """
        if self.cache_dir is None:
            return {}
        order = table_order(names)
        specs = {name: self._spec(name) for name in order}
        for name in order:
            self._pull(name)
        try:
            return self._update(specs)
        finally:
            self._push()

    def _update(self, specs: dict) -> dict[str, int]:
        # one pool for every table: its workers start at the first batch large enough for them and keep
        # their extractors' set-up for the next tables
        with process_pool(self.n_jobs) if self.n_jobs > 1 else nullcontext() as pool:
            if pool is not None:  # with new files enough for the pool, its workers start while this process plans
                tasks = [(n, s.function, s.needs, self._table_options(s)) for n, s in specs.items()]
                warm_up(pool, tasks, self.articles.iloc[:1], self.n_jobs, self.read_now)
            fillings = []
            for name, spec in specs.items():
                options = self._table_options(spec)
                store = table_store(self.cache_dir, name, options)
                waiting = plan(self.articles, keys=self._keys(), store=store, level=self.level, codes=self._codes())
                fillings.append(Filling(name, spec, options, store, waiting))
            together = fill_together(
                fillings, self.articles, keys=self._keys(), level=self.level, n_jobs=self.n_jobs, pool=pool
            )  # the common case: new files, which every table lacks
            if together is not None:
                return together
            computed = {}
            fresh: dict[str, tuple[set, pd.DataFrame]] = {}  # rows just computed: the next tables' needs
            for filling in fillings:
                collected: list[tuple[set, pd.DataFrame]] = []
                computed[filling.name] = fill(
                    filling.spec, self.articles, partial(self._partition_needs, filling.spec, fresh=fresh),
                    filling.options, keys=self._keys(), store=filling.store, n_jobs=self.n_jobs, name=filling.name,
                    level=self.level, pool=pool, collect=collected, waiting=filling.waiting,
                )  # fmt: skip
                if collected:
                    ids = set().union(*(done for done, _ in collected))
                    fresh[filling.name] = (ids, pd.concat([rows for _, rows in collected], ignore_index=True))
        return computed

    # -- a cache at a URL ------------------------------------------------------------------
    def _pull(self, name: str) -> None:
        """Fetch table ``name``'s partitions from the cache's URL, once per corpus (and its filters)."""
        if self.mirror is None or name in self._fetched:
            return
        self.mirror.pull(prefixes=[f"{TABLES_DIR}/{self.table_cache(name).name}-p"])
        self._fetched.add(name)

    def _push(self) -> None:
        """Send what this process wrote to the cache's URL (``workbench.mirror``)."""
        if self.mirror is not None:
            try:
                self.mirror.push()
            except WorkbenchError as exc:  # kept here: the next push sends it
                warnings.warn(f"{exc}; the cache's files stay in {self.mirror.local} until the next push", stacklevel=3)

    def _partition_needs(
        self, spec, part: pd.DataFrame, pool=None, fresh: dict[str, tuple[set, pd.DataFrame]] | None = None
    ) -> dict[str, pd.DataFrame]:
        """The tables ``spec`` needs, for the articles ``part`` (those to compute): held ones sliced (and
        ``fresh`` ones, ``need -> (ids, rows)`` just computed for these articles), the others read (or
        computed, with ``pool``: the process pool of the table that needs them, if any) for these articles
        alone, from their partitions of each."""
        ids = set(part["article_id"])
        held = {need: t[t["article_id"].isin(ids)] for need, t in self._tables.items() if need in spec.needs}
        for need, (done, rows) in (fresh or {}).items():
            if need in spec.needs and need not in held and ids <= done:
                held[need] = in_order(rows[rows["article_id"].isin(ids)], part)
        missing = [need for need in spec.needs if need not in held]
        if missing:
            subset = self._subset(self.articles["article_id"].isin(ids))
            subset._pool = pool
            held.update({need: subset.table(need) for need in missing})
            self._add_problems(subset.errors.iloc[len(self.errors) :])
        return held

    @property
    def n_jobs(self) -> int:
        """Processes for derived tables: ``n_jobs`` as loaded; None or -1 means every core.

        Used only for large batches.
        """
        n_jobs = self.options.get("n_jobs")
        if n_jobs is None or n_jobs < 0:
            return os.cpu_count() or 1
        return max(1, int(n_jobs))

    def _spec(self, name: str):
        try:
            return TABLES[name]
        except KeyError:
            raise WorkbenchError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None

    def _table_options(self, spec) -> dict[str, Any]:
        return {key: self.options[key] for key in spec.options if key in self.options}

    def _progress(self) -> bool:
        progress = self.options.get("progress")
        if progress is None:
            from workbench.ingest import _interactive

            return len(self.articles) >= PROGRESS_MIN_ARTICLES and _interactive()
        return bool(progress)

    def _add_problems(self, problems: pd.DataFrame) -> None:
        if len(problems):  # articles the extractor failed on: error rows, the other articles' rows kept
            self.errors = pd.concat([self.errors, problems.astype(self.errors.dtypes.to_dict())], ignore_index=True)

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

    @property
    def copies(self) -> pd.DataFrame:
        """Pairs of articles sharing text (see ``workbench.reuse``): computed on first access for these
        articles (a cross-article table: memoised on this Corpus, not cached per article)."""
        if "copies" not in self.__dict__.setdefault("_cross", {}):
            from workbench.reuse import corpus_copies

            self._cross["copies"] = corpus_copies(self)
        return self._cross["copies"]

    @property
    def stories(self) -> pd.DataFrame:
        """A story (``story_id``) per article: articles linked by exact or near copies (see ``workbench.reuse``)."""
        if "stories" not in self.__dict__.setdefault("_cross", {}):
            from workbench.reuse import story_ids

            self._cross["stories"] = story_ids(self.articles, self.copies)
        return self._cross["stories"]

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

        >>> from workbench import load_corpus
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
            from workbench import partials

            wanted_entities = {e.casefold() for e in _as_list(entities)}
            hit: set = set()
            parts: Iterable[pd.DataFrame] = [self.mentions] if not partials.streamed(self, "mentions") else []
            if not parts:  # partition by partition, only the rows of the articles kept by date and outlet
                parts = (self if keep.all() else self._subset(keep)).table_partitions("mentions")
            for mentions in parts:
                hit |= set(mentions.loc[mentions["entity"].str.casefold().isin(wanted_entities), "article_id"])
            keep &= self.articles["article_id"].isin(hit)
        filters = {
            **self.filters,
            **{k: v for k, v in dict(start=start, end=end, outlets=outlets, entities=entities).items() if v},
        }
        return self._subset(keep, filters)

    def _subset(self, keep: pd.Series, filters: dict[str, Any] | None = None) -> Corpus:
        """The articles where ``keep`` holds, with the tables held in memory restricted to them.

        Tables not held are read from their partitions for these articles only (``workbench.tables``).
        """
        positions = np.flatnonzero(np.asarray(keep, dtype=bool))
        # every article kept (filter() without conditions, as a report runs by default): the same frame, not a
        # copy of every text (at 100,000 articles take() converted 1 GB of memory-mapped text)
        whole = len(positions) == len(self.articles)
        articles = (self.articles if whole else take(self.articles, positions)).reset_index(drop=True)
        ids = set(articles["article_id"])
        tables = {name: t[t["article_id"].isin(ids)].reset_index(drop=True) for name, t in self._tables.items()}
        subset = Corpus(
            articles,
            self.errors,
            root=self.root,
            cache_dir=self.cache_dir,
            tables=tables,
            options=self.options,
            filters=self.filters if filters is None else filters,
            seconds=self.seconds,
            boilerplate=self.boilerplate,
            level=self.level,
            view=self.view if whole else None,  # a part of the corpus does not say which articles left it
            mirror=self.mirror,
            fetched=self._fetched,
        )
        if self.view is not None and not whole:
            self._keys()  # the whole corpus's keys recorded before the part commits any row
        if self._row_keys is not None:  # per article: the subset's keys are a part of these
            subset._row_keys = [k for k, kept in zip(self._row_keys, keep, strict=True) if kept]
        if self._bucket_codes is not None:  # the same level: the same partitions
            subset._bucket_codes = self._bucket_codes[np.asarray(keep, dtype=bool)]
        return subset

    # -- summaries ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.articles)

    def __repr__(self) -> str:
        s = self.summary()
        span = f"{s['first']:%Y-%m-%d}..{s['last']:%Y-%m-%d}" if s["articles"] and pd.notna(s["first"]) else "no dates"
        return (
            f"<Corpus {s['articles']} articles, {s['outlets']} outlets, {span}, "
            f"{s['errors']} errors, {s['warnings']} warnings from {self.root}>"
        )

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

        >>> from workbench import load_corpus
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
        # a corpus without outlets (a CSV of date, title, text) reads "925 articles, ..." not "from 0 outlets"
        source = f" from {plural(s['outlets'], 'outlet')}" if s["outlets"] else ""
        return f"{plural(s['articles'], 'article')}{source}, {plural(s['words'], 'word')}, {dates}."

    @property
    def fingerprint(self) -> str:
        """A content hash of the articles (text and header data): equal corpora, equal hashes."""
        digest = hashlib.blake2b(digest_size=8)
        for key in sorted(self._keys()):
            digest.update(key.encode())
        return digest.hexdigest()


def _no_boilerplate() -> pd.DataFrame:
    from workbench.boilerplate import PATTERN_COLUMNS

    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in PATTERN_COLUMNS.items()})


def _day(value: str | pd.Timestamp, name: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise WorkbenchError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if v]
