"""Who gets quoted, by whom, and through which wires: numbers over ``corpus.attributions``.

Every function takes a Corpus first (its ``attributions``, and its ``articles`` for outlet, date and
title) and returns a tidy DataFrame; none of them draws. ``kinds`` (source kinds) may be a list or a
comma-separated string. An article without an outlet keeps a missing (NA) outlet in every table
(it is counted, never dropped nor given a made-up name): notebooks and charts decide how to show it.
Text-level rows are the sources quoted or cited inside articles; header, metadata and dateline rows are
the credit chain (the publishing outlet has the cue ``"published"``; the outlets it took the story from
are its *upstream* sources).

>>> import workbench
>>> corpus = workbench.load_corpus(cache=False)
>>> workbench.kinds_by_outlet(corpus)[["outlet", "source_kind", "attributions"]].values.tolist()
[['European Pravda', 'anonymous', 3], ['European Pravda', 'government', 1], ['European Pravda', 'outlet', 1]]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from workbench import params, partials

__all__ = [
    "CREDIT_LEVELS",
    "SHOWN_QUOTES",
    "UNKNOWN",
    "attribution_over_time",
    "citation_flows",
    "kinds_by_outlet",
    "quotes",
    "sources_by_outlet",
    "top_sources",
    "upstream",
]

CREDIT_LEVELS = ("header", "metadata", "dateline")
#: Quotes a report lists (``quotes(..., top_n=SHOWN_QUOTES)``, the first by date): more than its page and its
#: data budget hold (``workbench.display``), far fewer than the 1.5 million of 100,000 articles.
SHOWN_QUOTES = 5_000
UNKNOWN = "unknown"  # the kind (or source) of a pronoun that could not be resolved safely
OWN_REPORTING = "(no credited source)"


def _text(corpus, kinds: str | Iterable[str] | None = None, focus: str | None = None) -> pd.DataFrame:
    """Text-level rows joined with outlet and date; NA kinds become ``unknown``; a missing outlet stays NA."""
    return _text_rows(corpus.attributions, corpus.articles, kinds, focus)


def _text_rows(
    attributions: pd.DataFrame, articles: pd.DataFrame, kinds=None, focus: str | None = None, spellings=None
) -> pd.DataFrame:
    """:func:`_text` of an attributions table (or one partition of it, with the corpus's ``spellings``)."""
    return _chosen(_all_text_rows(attributions, articles, spellings), kinds, focus)


def _all_text_rows(attributions: pd.DataFrame, articles: pd.DataFrame, spellings=None) -> pd.DataFrame:
    """The text-level rows of :func:`_text_rows`, of every kind and source.

    Not the articles' titles: a copy per row took a sixth of the rows' memory, and only :func:`quotes` shows
    them, for the rows it keeps.
    """
    rows = attributions[attributions["level"] == "text"]
    meta = articles[["article_id", "outlet", "published"]]
    rows = rows.merge(meta, on="article_id", how="left")
    rows = rows.assign(
        source_kind=rows["source_kind"].fillna(UNKNOWN).astype("string"),
        outlet=rows["outlet"].astype("string"),
    )
    return rows.assign(source=_one_spelling(rows, spellings))


def _chosen(rows: pd.DataFrame, kinds=None, focus: str | None = None) -> pd.DataFrame:
    """The rows of these source ``kinds`` and of the ``focus`` source (all when None), indexed from 0."""
    kinds = params.kinds(kinds)
    if kinds:
        wanted = {k.casefold() for k in kinds}
        rows = rows[rows["source_kind"].str.casefold().isin(wanted)]
    if focus:
        key = focus.casefold()
        rows = rows[
            (rows["source"].fillna("").str.casefold() == key) | (rows["source_entity"].fillna("").str.casefold() == key)
        ]
    return rows.reset_index(drop=True)


def _text_parts(corpus, kinds=None, focus: str | None = None) -> Iterator[pd.DataFrame]:
    """:func:`_text` whole (a small corpus, or attributions in memory) or partition by partition (a large one).

    Partitions hold whole articles; the one spelling of each described source is the corpus's,
    counted over every partition first (:func:`_spellings`).
    """
    if not streamed(corpus):
        yield _text(corpus, kinds, focus)
        return
    for _, rows in _with_text(corpus, kinds, focus):
        yield rows


def _with_text(corpus, kinds=None, focus: str | None = None) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Each partition of the attributions with its :func:`_text` rows (two passes: the spellings, then the rows).

    The spellings, and the text rows of every kind (up to half of :data:`workbench.partials.MEMO_BYTES`), are
    kept on the Corpus for its next source table: a report asks for six of them (at 100,000 articles, 1.5 million
    rows in 470 MB, each pass 3 s).
    """
    memo = corpus.__dict__.setdefault("_sources_memo", {})
    if "spellings" not in memo:
        counts = [_spelling_counts(_described(part)) for part in _parts(corpus)]
        memo["spellings"] = _best(pd.concat(counts, ignore_index=True))
    if "text" in memo:
        for part, rows in zip(_parts(corpus), memo["text"], strict=True):
            yield part, _chosen(rows, kinds, focus)
        return
    kept: list[pd.DataFrame] | None = []
    size = 0
    for part in _parts(corpus):
        rows = _all_text_rows(part, corpus.articles, memo["spellings"])
        if kept is not None:
            size += int(rows.memory_usage(deep=True).sum())
            kept = [*kept, rows] if size <= partials.MEMO_BYTES // 2 else None
        yield part, _chosen(rows, kinds, focus)
    if kept is not None:
        memo["text"] = kept


def streamed(corpus) -> bool:
    """Whether the source tables of ``corpus`` are counted partition by partition (``workbench.partials``)."""
    return partials.streamed(corpus, "attributions")


def _parts(corpus) -> Iterator[pd.DataFrame]:
    return partials.parts(corpus, "attributions")


def _summed(parts: list, keys: list[str], how: str | dict = "sum"):
    """Partial aggregates (indexed by ``keys``) of the partitions, added up; one part is returned as it is."""
    if len(parts) == 1:
        return parts[0]
    return pd.concat(parts).groupby(level=keys, observed=True, dropna=False).agg(how)


def _described(attributions: pd.DataFrame) -> pd.DataFrame:
    """The ``source`` of the text-level rows that describe a source without naming an entity."""
    described = (
        (attributions["level"] == "text") & attributions["source"].notna() & attributions["source_entity"].isna()
    )
    return attributions[["source"]][described.fillna(False).to_numpy(dtype=bool)]  # one column taken, not the texts


def _one_spelling(rows: pd.DataFrame, spellings: dict | None = None) -> pd.Series:
    """Described sources without an entity ("analysts", "Analysts", "the Company") under one spelling.

    They group case-insensitively: each takes the most frequent spelling of its case-folded form
    (ties: the first in sort order). Named sources (with a ``source_entity``) are left as they are.
    ``spellings`` (case-folded -> spelling) gives them from the whole corpus when ``rows`` are a part of it.
    """
    source = rows["source"].astype("string")
    described = source.notna() & rows["source_entity"].isna()
    if not described.any():
        return source
    written = source[described]
    key = written.str.casefold()
    if spellings is None:
        spellings = _best(_spelling_counts(rows[described.to_numpy()]))
    return source.mask(described, key.map(spellings))


def _spelling_counts(described: pd.DataFrame) -> pd.DataFrame:
    """``key, written, n``: how often each spelling of a described source is written."""
    written = described["source"].astype("string")
    return pd.DataFrame({"key": written.str.casefold(), "written": written}).value_counts().reset_index(name="n")


def _best(counts: pd.DataFrame) -> dict:
    """Case-folded source -> its most frequent spelling (ties: the first in sort order)."""
    counts = counts.groupby(["key", "written"], observed=True)["n"].sum().reset_index() if len(counts) else counts
    best = counts.sort_values(["key", "n", "written"], ascending=[True, False, True], kind="stable").drop_duplicates(
        "key"
    )
    return dict(zip(best["key"], best["written"], strict=True))


def sources_by_outlet(corpus, *, kinds: str | Iterable[str] | None = None, top_n: int | None = None) -> pd.DataFrame:
    """How often each outlet quotes or cites each source.

    Args:
        corpus: a :class:`workbench.Corpus` (filtered or not).
        kinds: keep only these source kinds (``person``, ``anonymous``...).
        top_n: keep each outlet's ``top_n`` most quoted sources.

    Returns:
        ``outlet, source, source_kind, attributions, articles`` sorted by outlet then count; sources
        that could not be resolved (a pronoun) are left out.

    >>> import workbench
    >>> corpus = workbench.load_corpus(cache=False)
    >>> sources_by_outlet(corpus)[["source", "attributions"]].values.tolist()[0]
    ['White House official', 2]
    """
    top_n = params.top_n(top_n)
    keys = ["outlet", "source", "source_kind"]
    parts = [
        rows.dropna(subset=["source"])
        .groupby(keys, observed=True, dropna=False)
        .agg(attributions=("article_id", "size"), articles=("article_id", "nunique"))
        for rows in _text_parts(corpus, kinds)
    ]  # an article is in one partition: its distinct articles add up
    counts = (
        _summed(parts, keys)
        .reset_index()
        .sort_values(["outlet", "attributions", "source"], ascending=[True, False, True], kind="stable")
    )
    if top_n:
        counts = counts.groupby("outlet", observed=True, dropna=False).head(top_n)
    return counts.reset_index(drop=True).astype({"attributions": "int64", "articles": "int64"})


def kinds_by_outlet(corpus, *, kinds: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Source kinds per outlet, with each kind's share of the outlet's attributions.

    Returns:
        ``outlet, source_kind, attributions, share, named`` where ``named`` is False for anonymous
        and unresolved sources; one row per outlet and kind present.
    """
    keys = ["outlet", "source_kind"]
    parts = [
        rows.groupby(keys, observed=True, dropna=False).size().rename("attributions")
        for rows in _text_parts(corpus, kinds)
    ]
    counts = _summed(parts, keys).reset_index()
    totals = counts.groupby("outlet", observed=True, dropna=False)["attributions"].transform("sum")
    counts["share"] = (counts["attributions"] / totals).astype("float64")
    counts["named"] = ~counts["source_kind"].isin(["anonymous", UNKNOWN])
    return (
        counts.sort_values(["outlet", "source_kind"], kind="stable")
        .reset_index(drop=True)
        .astype({"attributions": "int64"})
    )


def upstream(corpus) -> pd.DataFrame:
    """The outlets and sources each article credits outside its text: ``article_id, upstream, level, cue``.

    Source lines, manifest wires and datelines, without the publishing outlet itself; one row per
    article and upstream source (a wire named both in metadata and in a dateline counts once).
    """
    if not streamed(corpus):
        return _upstream_rows(corpus.attributions)
    return partials.in_article_order(
        pd.concat([_upstream_rows(p) for p in _parts(corpus)], ignore_index=True), corpus.articles
    )


def _upstream_rows(attributions: pd.DataFrame) -> pd.DataFrame:
    rows = attributions[attributions["level"].isin(CREDIT_LEVELS) & (attributions["cue"] != "published")]
    rows = rows.dropna(subset=["source"]).drop_duplicates(["article_id", "source"])
    return rows[["article_id", "source", "level", "cue"]].rename(columns={"source": "upstream"}).reset_index(drop=True)


def citation_flows(corpus, *, kinds: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Outlet -> upstream source -> kind of the sources quoted in the text, with counts.

    An article crediting two upstream sources counts for each; an article crediting none flows
    through ``"(no credited source)"``. An article with no text-level attribution flows to the kind
    ``"(none quoted)"`` so that every article appears.

    Returns:
        ``outlet, upstream, source_kind, attributions, articles``.

    >>> import workbench
    >>> corpus = workbench.load_corpus(cache=False)
    >>> flows = citation_flows(corpus)
    >>> flows[["upstream", "source_kind", "attributions"]].values.tolist()
    [['Voice of America', 'anonymous', 3], ['Voice of America', 'government', 1], ['Voice of America', 'outlet', 1]]
    """
    articles = corpus.articles[["article_id", "outlet"]]  # not the texts: every filter of them would copy them
    keys = ["outlet", "upstream", "source_kind"]
    if not streamed(corpus):
        out = _flows(articles, upstream(corpus), _text(corpus, kinds))
    else:  # the articles of each partition, then those with no attributions at all
        parts, seen = [], np.zeros(len(articles), dtype=bool)
        for part, text in _with_text(corpus, kinds):
            inside = articles["article_id"].isin(part["article_id"].unique()).to_numpy()  # no loop over the ids
            seen |= inside
            parts.append(_flows(articles[inside], _upstream_rows(part), text))
        rest = articles[~seen]
        parts.append(_flows(rest, _upstream_rows(part.iloc[:0]), text.iloc[:0]))
        out = _summed(parts, keys)
    out = out.reset_index()
    return (
        out.sort_values(["outlet", "upstream", "source_kind"], kind="stable")
        .reset_index(drop=True)
        .astype({"attributions": "int64", "articles": "int64"})
    )


def _flows(articles: pd.DataFrame, ups: pd.DataFrame, text: pd.DataFrame) -> pd.DataFrame:
    """Attributions and distinct articles per ``outlet, upstream, source_kind`` of these articles."""
    base = articles[["article_id", "outlet"]].assign(outlet=articles["outlet"].astype("string"))
    base = base.merge(ups[["article_id", "upstream"]], on="article_id", how="left")
    base["upstream"] = base["upstream"].fillna(OWN_REPORTING).astype("string")
    flows = base.merge(text[["article_id", "source_kind"]], on="article_id", how="left")
    flows["source_kind"] = flows["source_kind"].fillna("(none quoted)").astype("string")
    quoted_rows = flows["source_kind"] != "(none quoted)"
    return (
        flows.assign(n=quoted_rows.astype("int64"))
        .groupby(["outlet", "upstream", "source_kind"], observed=True, dropna=False)
        .agg(attributions=("n", "sum"), articles=("article_id", "nunique"))
    )


def top_sources(corpus, *, kinds: str | Iterable[str] | None = None, top_n: int | None = 20) -> pd.DataFrame:
    """The most quoted or cited sources across the corpus.

    Returns:
        ``source, source_kind, attributions, articles, outlets, direct`` (quotations in quotation
        marks), ``first``, ``last`` (publication dates), the ``top_n`` largest by attributions.
    """
    top_n = params.top_n(top_n)
    keys = ["source", "source_kind"]
    parts, outlets = [], []
    for rows in _text_parts(corpus, kinds):
        rows = rows.dropna(subset=["source"])
        parts.append(
            rows.assign(direct=rows["direct"].fillna(False).astype("int64"))
            .groupby(keys, observed=True)
            .agg(
                attributions=("article_id", "size"),
                articles=("article_id", "nunique"),
                outlets=("outlet", "nunique"),
                direct=("direct", "sum"),
                first=("published", "min"),
                last=("published", "max"),
            )
        )
        outlets.append(rows[[*keys, "outlet"]].drop_duplicates())
    if len(parts) > 1:  # distinct outlets do not add up over partitions: counted from the distinct triples
        summed = _summed(parts, keys, {"attributions": "sum", "articles": "sum", "direct": "sum", "first": "min",
                                       "last": "max"})  # fmt: skip
        distinct = pd.concat(outlets).drop_duplicates().groupby(keys, observed=True)["outlet"].nunique()
        parts = [summed.assign(outlets=distinct.reindex(summed.index).fillna(0).astype("int64"))[parts[0].columns]]
    out = (
        parts[0]
        .reset_index()
        .sort_values(["attributions", "articles", "source"], ascending=[False, False, True], kind="stable")
    )
    out = out.head(top_n) if top_n else out
    return out.reset_index(drop=True).astype(
        {"attributions": "int64", "articles": "int64", "outlets": "int64", "direct": "int64"}
    )


def attribution_over_time(corpus, *, freq: str = "W", kinds: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Attributions per period and source kind, with each kind's share of the period.

    Args:
        freq: ``"D"``, ``"W"`` (weeks starting Monday), ``"M"``, ``"Q"``, ``"Y"`` (or ``"day"``... ``"year"``).

    Returns:
        ``period`` (the period's first day), ``source_kind``, ``attributions``, ``share``; rows of
        undated articles are left out.
    """
    alias = params.period_alias(freq)
    keys = ["period", "source_kind"]
    parts = []
    for rows in _text_parts(corpus, kinds):
        rows = rows.dropna(subset=["published"])
        if len(rows):
            rows = rows.assign(period=rows["published"].dt.to_period(alias).dt.start_time.astype("datetime64[us]"))
            parts.append(rows.groupby(keys, observed=True).size().rename("attributions"))
    if not parts:
        return pd.DataFrame(
            {"period": pd.Series([], dtype="datetime64[us]"), "source_kind": pd.Series([], dtype="string"),
             "attributions": pd.Series([], dtype="int64"), "share": pd.Series([], dtype="float64")}
        )  # fmt: skip
    counts = _summed(parts, keys).reset_index()
    counts["share"] = (counts["attributions"] / counts.groupby("period")["attributions"].transform("sum")).astype(
        "float64"
    )
    return (
        counts.sort_values(["period", "source_kind"], kind="stable")
        .reset_index(drop=True)
        .astype({"attributions": "int64"})
    )


def quotes(
    corpus,
    *,
    kinds: str | Iterable[str] | None = None,
    focus: str | None = None,
    direct_only: bool = False,
    top_n: int | None = None,
) -> pd.DataFrame:
    """A table of what was quoted: ``published, outlet, article_id, title, source, source_kind, cue, content, direct``.

    Args:
        focus: keep only this source (canonical name or description, case-insensitive).
        direct_only: keep only quotations in quotation marks.
        top_n: keep the first ``top_n`` rows (the table's order: by date, article and place in the text);
            ``None`` keeps all. ``frame.attrs["rows"]`` says how many there are in all.
    """
    top_n = params.top_n(top_n)
    columns = ["published", "outlet", "article_id", "source", "source_kind", "cue", "content", "direct"]
    order = ["published", "article_id", "content_start"]
    parts, total = [], 0
    for rows in _text_parts(corpus, kinds, focus):
        rows = rows.dropna(subset=["content"])
        if direct_only:
            rows = rows[rows["direct"].fillna(False).astype(bool)]
        total += len(rows)
        if top_n:  # an article's rows are in one partition: the first rows of all are among each one's first
            rows = rows.sort_values(order, kind="stable").head(top_n)
        parts.append(rows[[*columns, "content_start"]])
    rows = (
        parts[0] if len(parts) == 1 else partials.in_article_order(pd.concat(parts, ignore_index=True), corpus.articles)
    )
    rows = rows.sort_values(order, kind="stable")
    rows = rows.head(top_n) if top_n else rows
    frame = rows[columns].reset_index(drop=True)
    articles = corpus.articles
    title_of = pd.Series(articles["title"].array, index=articles["article_id"].array)
    frame.insert(3, "title", frame["article_id"].map(title_of).astype(articles["title"].dtype))  # the rows kept only
    frame.attrs["rows"] = total
    return frame
