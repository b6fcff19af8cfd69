"""Two kinds of time: when articles were published, and when the events they report happened.

- :func:`timeline`: coverage volume per day, week or month, overall or by outlet, entity, entity type
  or source, as counts of articles or as the share of all articles in the period (the attention
  measure media researchers use), with zero-filled gaps, optional smoothing and a spike flag.
- :func:`events`: sentences that carry a resolved date, joined with the entities they mention:
  "what happened to X, when".
- :func:`lags` and :func:`lag_summary`: how far back (or ahead) articles look from their publication
  date to the dates they mention.

Analysis only: every function returns a tidy DataFrame; charts live in ``workbench.charts.timeline``.
Each takes the Corpus first; all are reachable as ``workbench.timeline``, ``workbench.events``... (this
module is named ``timelines`` so that it does not hide the function ``workbench.timeline``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from workbench import params, partials
from workbench.errors import WorkbenchError
from workbench.sentences import sentence_texts
from workbench.tables import take

__all__ = ["BY", "LAG_BUCKETS", "date_expressions", "event_entities", "events", "lag_summary", "lags", "timeline"]

BY = (None, "outlet", "entity", "source", "type")
TIMELINE_COLUMNS = ["period", "group", "articles", "total", "share", "value", "z", "spike"]
#: The robust z-score above which a period counts as a spike (Iglewicz and Hoaglin's 3.5).
SPIKE_Z = 3.5
ALL = "all articles"
#: More periods than this (a day axis over centuries, from a stray far date) and ``timeline`` moves to the
#: finest coarser ``freq`` that fits, recorded in ``attrs["freq"]`` with a warning.
MAX_PERIODS = 20_000


def timeline(
    corpus,
    *,
    freq: str = "D",
    by: str | None = None,
    normalize: bool = False,
    smooth: int | None = None,
    top_n: int | None = 10,
    groups: Iterable[str] | None = None,
    threshold: float = SPIKE_Z,
) -> pd.DataFrame:
    """Articles per period, overall or per group, with zero-filled gaps and a spike flag.

    Args:
        corpus: a :class:`workbench.Corpus` (filtered or not).
        freq: ``"D"`` (day), ``"W"`` (Monday-to-Sunday week), ``"M"`` (month), ``"Q"`` or ``"Y"``
            (or their names, ``"week"``...); each period is labelled by its first day.
        by: ``None`` (all articles), ``"outlet"``, ``"entity"`` (articles mentioning it),
            ``"type"`` (articles mentioning an entity of that type), ``"source"`` (articles that cite
            it, from ``corpus.attributions``).
        normalize: ``value`` is the share of all articles of the period instead of a count.
        smooth: a rolling mean over this many periods (trailing) applied to ``value``.
        top_n: keep the ``top_n`` groups with the most articles (``None``: all).
        groups: keep exactly these groups (case-insensitive), overriding ``top_n``.
        threshold: the robust z-score above which a period is flagged as a spike.

    Returns:
        ``period`` (the first day of the period), ``group`` (``"all articles"`` when ``by`` is
        ``None``), ``articles``, ``total`` (all articles of the period), ``share``
        (``articles / total``, 0 for a period without articles), ``value`` (``share`` if
        ``normalize`` else ``articles``, smoothed if asked), ``z`` (robust z-score of the unsmoothed
        value within its group: ``0.6745 * (x - median) / MAD``) and ``spike`` (``z >= threshold``).
        ``frame.attrs`` records ``freq`` (its code), ``by, normalize, smooth, unit`` and ``undated`` (articles without
        a publication date, left out).

    Raises:
        WorkbenchError: an unknown ``freq`` or ``by``.

    >>> import workbench
    >>> tl = timeline(workbench.load_corpus(cache=False), freq="D")
    >>> tl[["period", "group", "articles"]].values.tolist()
    [[Timestamp('2024-11-14 00:00:00'), 'all articles', 1]]
    """
    freq = params.freq(freq)
    top_n = params.top_n(top_n)
    smooth = params.count(smooth, "smooth") if smooth else None
    if by not in BY:
        raise WorkbenchError(f"by={by!r}: use one of {', '.join(str(b) for b in BY)}")
    articles = corpus.articles[["article_id", "published"]]  # not the texts: a filter of them would copy them
    dated = articles[articles["published"].notna()]
    period_of = dict(
        zip(dated["article_id"], dated["published"].dt.to_period(params.period_alias(freq)).dt.start_time, strict=True)
    )
    attrs = {
        "freq": freq,
        "by": by,
        "normalize": normalize,
        "smooth": smooth,
        "unit": "share of articles" if normalize else "articles",
    }
    attrs["undated"] = int(len(articles) - len(dated))
    if not period_of:
        return _empty(TIMELINE_COLUMNS, attrs)
    coarser = _fitting_freq(dated["published"], freq)
    if coarser != freq:
        warnings.warn(
            f"timeline: {params.period_name(freq)}s from {dated['published'].min():%Y-%m-%d} "
            f"to {dated['published'].max():%Y-%m-%d}"
            f" would be over {MAX_PERIODS:,} periods; counting per {params.period_name(coarser)} instead",
            stacklevel=2,
        )
        attrs["freq"] = freq = coarser
        period_of = dict(
            zip(
                dated["article_id"],
                dated["published"].dt.to_period(params.period_alias(freq)).dt.start_time,
                strict=True,
            )
        )
    wanted = None if groups is None else {g.casefold() for g in ([groups] if isinstance(groups, str) else groups)}
    counted = _group_counts(corpus, by, period_of, wanted)
    sizes = counted.groupby(level="group").sum().sort_values(ascending=False, kind="stable")
    if wanted is not None:
        keep = [g for g in sizes.index if g.casefold() in wanted]
    else:
        keep = list(sizes.index[:top_n] if top_n is not None else sizes.index)
    periods = pd.period_range(
        min(period_of.values()), max(period_of.values()), freq=params.period_alias(freq)
    ).start_time
    totals = pd.Series(list(period_of.values())).value_counts().reindex(periods, fill_value=0)
    index = pd.MultiIndex.from_product([keep, periods], names=["group", "period"])
    frame = counted.reindex(index, fill_value=0).rename("articles").reset_index()
    frame["total"] = frame["period"].map(totals).astype("int64")
    frame["share"] = np.where(frame["total"] > 0, frame["articles"] / frame["total"].where(frame["total"] > 0, 1), 0.0)
    raw = frame["share"] if normalize else frame["articles"].astype("float64")
    frame["z"] = raw.groupby(frame["group"], sort=False).transform(robust_z)
    frame["spike"] = (frame["z"] >= threshold) & (frame["articles"] > 0)
    frame["value"] = raw
    if smooth and smooth > 1:
        frame["value"] = raw.groupby(frame["group"], sort=False).transform(
            lambda s: s.rolling(smooth, min_periods=1).mean()
        )
    frame["group"] = frame["group"].astype("string")
    frame["articles"] = frame["articles"].astype("int64")
    frame = frame[TIMELINE_COLUMNS]
    frame.attrs.update(attrs)
    return frame


def _fitting_freq(published: pd.Series, freq: str) -> str:
    """``freq``, or the finest coarser one whose periods between the first and last date number at most MAX_PERIODS."""
    codes = list(params.PERIODS)
    first, last = published.min(), published.max()
    for code in codes[codes.index(freq) :]:
        span = pd.Period(last, params.period_alias(code)).ordinal - pd.Period(first, params.period_alias(code)).ordinal
        if span < MAX_PERIODS:
            return code
    return codes[-1]


def robust_z(values: pd.Series) -> pd.Series:
    """``0.6745 * (x - median) / MAD``; with a zero MAD, the mean absolute deviation stands in.

    >>> robust_z(pd.Series([1.0, 1, 1, 2, 1, 9])).round(2).tolist()
    [0.0, 0.0, 0.0, 0.53, 0.0, 4.26]
    """
    x = values.astype("float64")
    median = x.median()
    mad = (x - median).abs().median()
    if mad > 0:
        return 0.6745 * (x - median) / mad
    mean_ad = (x - median).abs().mean()
    if mean_ad > 0:
        return (x - median) / (1.253314 * mean_ad)
    return pd.Series(0.0, index=values.index)


def _group_counts(corpus, by: str | None, period_of: dict, wanted: set[str] | None = None) -> pd.Series:
    """Articles per ``(group, period)`` (dated articles only), from the partitions of a large corpus's table.

    An article's rows are all in one partition, so its distinct groups, and the counts, add up.
    ``wanted``: count only the groups whose case-folded name is in it (the others would be left out anyway).
    """
    table = {"entity": "mentions", "type": "mentions", "source": "attributions"}.get(by)
    if table is None or not partials.streamed(corpus, table):
        return _counted(_group_pairs(corpus, by), period_of, wanted)
    columns = ["article_id", by] if table == "mentions" else ["article_id", "level", "cue", "source", "source_entity"]
    lookup = _lookup(period_of)
    counts = [_counted(_pairs_of(part, by), lookup, wanted) for part in partials.parts(corpus, table, columns)]
    counts = [c for c in counts if len(c)]
    if not counts:
        return pd.Series([], dtype="int64", index=pd.MultiIndex.from_arrays([[], []], names=["group", "period"]))
    return pd.concat(counts).groupby(level=["group", "period"]).sum()


def _counted(pairs: pd.DataFrame, period_of: dict | pd.Series, wanted: set[str] | None = None) -> pd.Series:
    if wanted is not None:  # the names asked for, found among the distinct names (not row by row)
        names = pd.unique(pairs["group"])
        pairs = pairs[pairs["group"].isin([n for n in names if str(n).casefold() in wanted]).to_numpy()]
    if not isinstance(period_of, pd.Series):
        period_of = _lookup(period_of)
    at = period_of.index.get_indexer(pairs["article_id"].astype(object))  # -1: not dated
    pairs = pairs[at >= 0].drop_duplicates()
    pairs = pairs.assign(period=period_of.iloc[period_of.index.get_indexer(pairs["article_id"].astype(object))].array)
    return pairs.groupby(["group", "period"]).size()


def _lookup(period_of: dict) -> pd.Series:
    """Article id -> period, as a Series (one hash index for every partition, not a list per call)."""
    return pd.Series(list(period_of.values()), index=pd.Index(list(period_of.keys()), dtype=object))


def _group_pairs(corpus, by: str | None) -> pd.DataFrame:
    """``article_id, group`` pairs: which articles count for which group."""
    articles = corpus.articles
    if by is None:
        return pd.DataFrame({"article_id": articles["article_id"], "group": ALL})
    if by == "outlet":
        return pd.DataFrame({"article_id": articles["article_id"], "group": articles["outlet"].fillna("(no outlet)")})
    return _pairs_of(corpus.mentions if by in ("entity", "type") else corpus.attributions, by)


def _pairs_of(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """``article_id, group`` pairs of a mentions table (``by`` entity or type) or an attributions table."""
    if by in ("entity", "type"):
        return pd.DataFrame({"article_id": table["article_id"], "group": table[by]}).dropna()
    table = table[~((table["level"] == "header") & (table["cue"] == "published"))]  # the outlet itself
    source = table["source_entity"].fillna(table["source"])
    return pd.DataFrame({"article_id": table["article_id"], "group": source}).dropna()


EVENT_COLUMNS = [
    "date_start", "date_end", "granularity", "expression", "kind", "entity", "type",
    "article_id", "sentence", "sentence_text", "published", "outlet",
]  # fmt: skip


#: The columns of the mentions :func:`events` reads (the dates and sentences are read whole).
EVENT_INPUTS = {"mentions": ["article_id", "sentence", "start", "end", "entity", "type"]}


def events(
    corpus,
    *,
    entity: str | Iterable[str] | None = None,
    types: str | Iterable[str] | None = None,
    text: bool = True,
) -> pd.DataFrame:
    """Sentences that carry a resolved date, one row per (date expression, entity mentioned there).

    Args:
        corpus: a :class:`workbench.Corpus`.
        entity: keep only these canonical entities (case-insensitive; a name or a list); ``None`` keeps all.
        types: keep only entities of these types (``PERSON``, ``ORG``, ``GPE``, ``LOC``; a list or ``"PERSON,GPE"``).
        text: with the ``sentence_text`` column; ``False`` leaves it out, and the sentences unread (the
            same rows, quicker: to count the entities of every event, as a report does before it shows one).

    Returns:
        ``date_start, date_end, granularity, expression, kind, entity, type, article_id, sentence,
        sentence_text, published, outlet``, ordered by ``date_start``. Mentions inside the date
        expression itself are left out.

    >>> import workbench
    >>> rows = events(workbench.load_corpus(cache=False), entity="North Korea")
    >>> rows[["date_start", "expression", "entity"]].values.tolist()
    [[Timestamp('2024-11-04 00:00:00'), 'Last week', 'North Korea']]
    """
    columns = EVENT_COLUMNS if text else [c for c in EVENT_COLUMNS if c != "sentence_text"]
    if _events_streamed(corpus, text):  # the tables partition by partition
        parts = list(_event_parts(corpus, entity, types, text))
        if not parts:
            return _empty(columns, {})
        joined = partials.in_article_order(pd.concat(parts, ignore_index=True), corpus.articles)
        return _sorted_events(joined, columns)
    found, mentions = _event_inputs(corpus.dates, corpus.mentions, entity, types)
    if found.empty or mentions.empty:
        return _empty(columns, {})
    return _sorted_events(_events_of(found, mentions, corpus.articles, corpus.sentences if text else None), columns)


def event_entities(corpus, *, types: str | Iterable[str] | None = None) -> pd.Series:
    """How many events name each entity, most first: ``events(corpus, text=False)["entity"].value_counts()``.

    The same counts in the same order (ties: the entity of the earlier event first), counted partition by
    partition on a large corpus without holding every event: a report asks it to choose the entity whose
    events it shows (at 100,000 articles the events are millions of rows).

    >>> import workbench
    >>> event_entities(workbench.load_corpus(cache=False)).head(2).to_dict()
    {'United States': 1, 'North Korea': 1}
    """
    if not _events_streamed(corpus, False):
        return events(corpus, types=types, text=False)["entity"].value_counts()
    counts, firsts = [], []
    for part in _event_parts(corpus, None, types, False):
        part = part.sort_values(EVENT_ORDER, kind="stable")  # an event's place among all: its article's partition
        counts.append(part["entity"].value_counts(sort=False))
        firsts.append(part.drop_duplicates("entity")[[*EVENT_ORDER, "entity"]])
    if not counts:
        return events(corpus, types=types, text=False)["entity"].value_counts()
    first = pd.concat(firsts, ignore_index=True).sort_values(EVENT_ORDER, kind="stable").drop_duplicates("entity")
    entities = first["entity"].dropna()  # in the order of their first event, as value_counts finds them
    total = pd.concat(counts).groupby(level=0, sort=False).sum()
    shape = pd.Series(entities.array, name="entity").value_counts(sort=False)  # its index, name and dtypes
    counted = pd.Series(total.reindex(entities.array).to_numpy(), index=shape.index, name=shape.name, dtype=shape.dtype)
    return counted.sort_values(ascending=False, kind="stable")  # as value_counts sorts


#: The order of :func:`events` (stable: the events of one article, in its partition's order, on ties).
EVENT_ORDER = ["date_start", "published", "article_id", "start"]


def _events_streamed(corpus, text: bool) -> bool:
    names = ("dates", "mentions", "sentences") if text else ("dates", "mentions")
    return all(partials.streamed(corpus, name) for name in names)


def _event_parts(corpus, entity, types, text: bool) -> Iterator[pd.DataFrame]:
    """The events of each partition that has any, one partition at a time."""
    names = ("dates", "mentions", "sentences") if text else ("dates", "mentions")
    tables = (partials.partitions(corpus, name, EVENT_INPUTS.get(name)) for name in names)
    # the articles' columns _events_of reads, not the texts unless shown: a filter of them copies them
    every = corpus.articles[["article_id", "published", "outlet", *(["text"] if text else [])]]
    for found, mentions, *sentences in zip(*tables, strict=True):
        found, mentions = _event_inputs(found, mentions, entity, types)
        if not found.empty and not mentions.empty:
            inside = every["article_id"].isin(found["article_id"].unique()).to_numpy()  # no loop over the ids
            articles = take(every, np.flatnonzero(inside))  # chunk by chunk: not a copy of every text
            yield _events_of(found, mentions, articles, sentences[0] if text else None)


def _event_inputs(found: pd.DataFrame, mentions: pd.DataFrame, entity, types) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The dates with a resolved date and a sentence, and the mentions of the entities and types asked for."""
    found = found[(found["kind"] != "published") & found["date_start"].notna() & found["sentence"].notna()]
    if entity is not None:
        wanted = {e.casefold() for e in ([entity] if isinstance(entity, str) else entity)}
        codes, names = pd.factorize(mentions["entity"])  # each name case-folded once, not each mention (millions)
        chosen = np.array([str(name).casefold() in wanted for name in names] + [False], dtype=bool)
        mentions = mentions[chosen[codes]]  # no entity: code -1, the last (False)
    if types is not None:
        mentions = mentions[mentions["type"].isin(params.types(types) or [])]
    return found, mentions


def _events_of(
    found: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame, sentences: pd.DataFrame | None
) -> pd.DataFrame:
    """Dates joined with the mentions of their sentences (not those inside the date), with article data
    (and the text of each sentence, unless ``sentences`` is None)."""
    left = found.astype({"sentence": "int64"})
    right = mentions[["article_id", "sentence", "start", "end", "entity", "type"]].astype({"sentence": "int64"})
    joined = left.merge(right, on=["article_id", "sentence"], suffixes=("", "_m"))
    inside = (joined["start_m"] < joined["end"]) & (joined["end_m"] > joined["start"])
    joined = joined[~inside].drop_duplicates(["article_id", "start", "entity"])
    indexed = articles.set_index("article_id")
    joined = joined.assign(
        published=joined["article_id"].map(indexed["published"]), outlet=joined["article_id"].map(indexed["outlet"])
    )
    if sentences is None:
        return joined
    return joined.assign(sentence_text=sentence_texts(joined, articles=articles, sentences=sentences))


def _sorted_events(joined: pd.DataFrame, columns: list[str] = EVENT_COLUMNS) -> pd.DataFrame:
    joined = joined.sort_values(EVENT_ORDER, kind="stable")
    types = {"sentence": "int64", **({"sentence_text": "string"} if "sentence_text" in columns else {})}
    return joined[columns].astype(types).reset_index(drop=True)


def date_expressions(corpus) -> pd.DataFrame:
    """How many date expressions the texts hold, by ``kind`` and ``granularity``: ``kind, granularity, expressions``.

    The rows of ``corpus.dates`` other than the publication dates, counted (those without a granularity
    are left out); a large corpus's dates are counted partition by partition, never held whole.

    >>> import workbench
    >>> date_expressions(workbench.load_corpus(cache=False)).values.tolist()
    [['relative', 'week', 1]]
    """
    keys = ["kind", "granularity"]
    if partials.streamed(corpus, "dates"):
        counted = [_expressions(part) for part in partials.parts(corpus, "dates", keys)]
        counted = [c for c in counted if len(c)]
        counts = pd.concat(counted).groupby(level=keys).sum() if len(counted) > 1 else (counted or [None])[0]
    else:
        counts = _expressions(corpus.dates)
    if counts is None or not len(counts):
        return pd.DataFrame({"kind": pd.Series(dtype="string"), "granularity": pd.Series(dtype="string"),
                             "expressions": pd.Series(dtype="int64")})  # fmt: skip
    return counts.rename("expressions").reset_index().astype({"expressions": "int64"})


def _expressions(found: pd.DataFrame) -> pd.Series:
    return found[found["kind"] != "published"].groupby(["kind", "granularity"]).size()


#: Lag buckets, from looking ahead to looking far back: (label, lowest lag in days, highest).
LAG_BUCKETS = [
    ("ahead", -np.inf, -0.5),
    ("around publication", -0.5, 0.5),
    ("within a week", 0.5, 7.5),
    ("within a month", 7.5, 31.5),
    ("within a year", 31.5, 366.5),
    ("1-5 years back", 366.5, 5 * 365.25 + 0.5),
    ("over 5 years back", 5 * 365.25 + 0.5, np.inf),
]
LAG_COLUMNS = [
    "article_id",
    "outlet",
    "published",
    "expression",
    "kind",
    "granularity",
    "date_start",
    "date_end",
    "lag_days",
    "lag",
]


def lags(corpus) -> pd.DataFrame:
    """Published date vs mentioned date, one row per resolved date expression.

    Returns:
        ``article_id, outlet, published, expression, kind, granularity, date_start, date_end``,
        ``lag_days`` (days from the end of the mentioned interval to publication: positive when the
        text looks back, negative (from its start) when it looks ahead, 0 when the interval contains
        the publication day, as "this week" does) and ``lag`` (a bucket of :data:`LAG_BUCKETS`, ordered).

    >>> import workbench
    >>> lags(workbench.load_corpus(cache=False))[["expression", "lag_days", "lag"]].values.tolist()
    [['Last week', 4.0, 'within a week']]
    """
    labels = [b[0] for b in LAG_BUCKETS]
    articles = corpus.articles[["article_id", "published", "outlet"]].set_index("article_id")
    if partials.streamed(corpus, "dates"):
        parts = [_lags_of(part, articles) for part in partials.parts(corpus, "dates")]
        parts = [p for p in parts if p is not None]
        if parts:
            return partials.in_article_order(pd.concat(parts, ignore_index=True), corpus.articles)
    else:
        frame = _lags_of(corpus.dates, articles)
        if frame is not None:
            return frame.reset_index(drop=True)
    return _empty(LAG_COLUMNS, {}).assign(lag=pd.Categorical([], categories=labels, ordered=True))


def _lags_of(found: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame | None:
    """:func:`lags` of a dates table (or a partition of it), ``articles`` indexed by id; None without rows."""
    found = found[(found["kind"] != "published") & found["date_start"].notna()]
    labels = [b[0] for b in LAG_BUCKETS]
    published = found["article_id"].map(articles["published"]) if len(found) else pd.Series(dtype="datetime64[us]")
    found, published = found[published.notna()], published[published.notna()].astype("datetime64[us]").dt.normalize()
    if found.empty:
        return None
    back = (published - found["date_end"]).dt.days
    ahead = (published - found["date_start"]).dt.days
    lag_days = np.where(back > 0, back, np.where(ahead < 0, ahead, 0)).astype("float64")
    edges = [LAG_BUCKETS[0][1], *[b[2] for b in LAG_BUCKETS]]
    frame = pd.DataFrame(
        {
            "article_id": found["article_id"],
            "outlet": found["article_id"].map(articles["outlet"]).astype("string"),
            "published": published,
            "expression": found["expression"],
            "kind": found["kind"],
            "granularity": found["granularity"],
            "date_start": found["date_start"],
            "date_end": found["date_end"],
            "lag_days": lag_days,
            "lag": pd.Categorical(
                pd.cut(lag_days, bins=edges, labels=labels, right=False), categories=labels, ordered=True
            ),
        }
    )
    return frame


def lag_summary(lag_table: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Counts and shares of mentioned dates per lag bucket (and per ``by`` column, e.g. ``"outlet"``).

    >>> import workbench
    >>> lag_summary(lags(workbench.load_corpus(cache=False))).query("expressions > 0").values.tolist()
    [['within a week', 1, 1.0]]
    """
    keys = [by, "lag"] if by else ["lag"]
    counts = lag_table.groupby(keys, observed=False).size().rename("expressions").reset_index()
    denominators = counts.groupby(by)["expressions"].transform("sum") if by else counts["expressions"].sum()
    counts["share"] = (
        (counts["expressions"] / denominators).where(denominators > 0, 0.0)
        if by
        else counts["expressions"] / max(int(denominators), 1)
    )
    counts["lag"] = counts["lag"].astype("string")
    return counts


def _empty(columns: list[str], attrs: dict) -> pd.DataFrame:
    dtypes = {
        "period": "datetime64[us]", "group": "string", "articles": "int64", "total": "int64", "share": "float64",
        "value": "float64", "z": "float64", "spike": "bool", "date_start": "datetime64[us]",
        "date_end": "datetime64[us]", "published": "datetime64[us]", "sentence": "int64", "lag_days": "float64",
    }  # fmt: skip
    frame = pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "string")) for c in columns})
    frame.attrs.update(attrs)
    return frame
