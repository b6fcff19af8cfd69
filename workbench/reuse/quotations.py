"""Quotes that travel: direct quotations found in several articles, with their first appearance and
how each later article attributes them.

The direct quotations of ``corpus.attributions`` (``direct`` rows with content of at least
``MIN_QUOTE_WORDS`` words) are compared with the same machinery as articles (MinHash LSH candidates,
exact verification): two quotations are one when they are the same words (``exact``), mostly the same
(``near``), or one quotes a run of at least ``MIN_QUOTE_WORDS`` words of the other (an excerpt).
Chains of such links make one travelling quote.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from workbench import params, partials
from workbench.reuse.copying import copies, credit_rows, credited
from workbench.reuse.store import cached

#: Shortest quotation (words) followed across articles: shorter ones ("deep concern") are common phrases.
MIN_QUOTE_WORDS = 8
#: Source kinds that do not name a speaker.
UNNAMED = ("anonymous", "unknown")

APPEARANCE_COLUMNS = [
    "quote_id", "article_id", "published", "outlet", "source", "source_kind", "content", "first", "hours_after_first",
    "names_speaker", "cites_first_outlet",
]  # fmt: skip


def quote_appearances(corpus, *, min_count: int = 2) -> pd.DataFrame:
    """Every appearance of a quotation found in at least ``min_count`` articles.

    Returns:
        ``quote_id, article_id, published, outlet, source, source_kind, content, first,
        hours_after_first, names_speaker, cites_first_outlet``: ``source`` is the speaker this article
        gives, ``names_speaker`` whether it names one (not anonymous or unresolved), and
        ``cites_first_outlet`` whether it credits the outlet of the quote's first appearance (in its
        Source line, metadata, dateline or text; NA for the first appearance itself).

    The table is kept in the corpus's cache (:mod:`workbench.reuse.store`): a warm report reads it back
    instead of reading every direct quotation and credit row again.
    """
    min_count = params.count(min_count, "min_count")
    return cached(corpus, "quote-appearances", lambda: _appearances(corpus, min_count), extra=f"min_count={min_count}")


def _appearances(corpus, min_count: int) -> pd.DataFrame:
    """:func:`quote_appearances` computed."""
    rows = partials.select(corpus, "attributions", _direct_quotation)  # a large corpus: partition by partition
    rows = rows.drop_duplicates(["article_id", "content_start"])
    meta = corpus.articles[["article_id", "published", "outlet"]]
    rows = rows.merge(meta, on="article_id").reset_index(drop=True)
    if len(rows) < 2:
        return _empty()
    quotes = pd.DataFrame(
        {
            "article_id": pd.array([f"q{i}" for i in range(len(rows))], dtype="string"),
            "published": rows["published"],
            "outlet": rows["outlet"],
            "text": rows["content"],
        }
    )
    links = cached(corpus, "quote-links", lambda: copies(quotes, near=0.5, min_words=MIN_QUOTE_WORDS))
    if not len(links):
        return _empty()
    index = {a: i for i, a in enumerate(quotes["article_id"])}
    a = np.fromiter((index[x] for x in links["article_id"]), dtype=np.int64, count=len(links))
    b = np.fromiter((index[x] for x in links["copy_of"]), dtype=np.int64, count=len(links))
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(len(rows), len(rows)))
    _, component = connected_components(graph, directed=False)
    rows = rows.assign(_component=component)
    # one appearance per article and quote (an article repeating a quotation counts once)
    rows = rows.sort_values(["_component", "published", "article_id", "content_start"], kind="stable").drop_duplicates(
        ["_component", "article_id"]
    )
    size = rows.groupby("_component")["article_id"].transform("size")
    rows = rows[size >= min_count].reset_index(drop=True)
    if not len(rows):
        return _empty()
    first = rows.groupby("_component").head(1).set_index("_component")
    rows["quote_id"] = (
        rows["_component"].map(first["article_id"] + "#" + first["content_start"].astype("string")).astype("string")
    )
    rows["first"] = rows.index.isin(rows.groupby("_component").head(1).index)
    rows["hours_after_first"] = (
        (rows["published"] - rows["_component"].map(first["published"])) / pd.Timedelta(hours=1)
    ).astype("float64")
    rows["names_speaker"] = rows["source"].notna() & ~rows["source_kind"].fillna("unknown").isin(UNNAMED)
    rows["cites_first_outlet"] = _cites_first(corpus, rows, first)
    return rows[APPEARANCE_COLUMNS].astype(
        {"article_id": "string", "outlet": "string", "source": "string", "content": "string"}
    )


def travelling_quotes(corpus, *, top_n: int | None = 20, min_count: int = 2) -> pd.DataFrame:
    """Quotations found in at least ``min_count`` articles, those in the most outlets first.

    Args:
        corpus: a :class:`workbench.Corpus`.
        top_n: keep the ``top_n`` that travelled furthest (most outlets, then articles).
        min_count: the fewest articles a quotation must appear in.

    Returns:
        ``quote_id, quote, speaker, first_article_id, first_outlet, first_published, articles, outlets,
        outlet_list, spread_hours, later_naming_speaker, later_citing_first_outlet`` (shares of the
        later appearances).

    >>> import workbench
    >>> travelling_quotes(workbench.load_corpus(cache=False)).empty
    True
    """
    top_n = params.top_n(top_n)
    seen = quote_appearances(corpus, min_count=min_count)
    columns = [
        "quote_id", "quote", "speaker", "first_article_id", "first_outlet", "first_published", "articles", "outlets",
        "outlet_list", "spread_hours", "later_naming_speaker", "later_citing_first_outlet",
    ]  # fmt: skip
    if not len(seen):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    grouped = seen.groupby("quote_id", sort=False)
    firsts = seen[seen["first"]].set_index("quote_id")
    later = seen[~seen["first"]].groupby("quote_id")
    table = pd.DataFrame(
        {
            "quote": firsts["content"],
            "speaker": firsts["source"],
            "first_article_id": firsts["article_id"],
            "first_outlet": firsts["outlet"],
            "first_published": firsts["published"],
            "articles": grouped.size(),
            "outlets": grouped["outlet"].nunique(),
            "outlet_list": grouped["outlet"].agg(lambda s: ", ".join(sorted(s.dropna().unique()))),
            "spread_hours": grouped["hours_after_first"].max(),
            "later_naming_speaker": later["names_speaker"].mean().astype("float64"),
            "later_citing_first_outlet": later["cites_first_outlet"].agg(lambda s: s.astype("float64").mean()),
        }
    ).reset_index(names="quote_id")
    table = table.sort_values(["outlets", "articles", "first_published"], ascending=[False, False, True], kind="stable")
    if top_n:
        table = table.head(top_n)
    return table[columns].reset_index(drop=True)


def _cites_first(corpus, rows: pd.DataFrame, first: pd.DataFrame) -> pd.array:
    """Whether each later appearance's article credits the outlet of the quote's first appearance."""
    articles = corpus.articles.reset_index(drop=True)
    position = {a: i for i, a in enumerate(articles["article_id"])}
    origin = rows["_component"].map(first["article_id"])
    earlier = np.array([position[a] for a in origin])
    later = np.array([position[a] for a in rows["article_id"]])
    result = credited(articles, earlier, later, credit_rows(corpus))
    return pd.array([pd.NA if f else r for f, r in zip(rows["first"], result, strict=True)], dtype="boolean")


def _direct_quotation(attributions: pd.DataFrame) -> pd.Series:
    """Rows of direct quotations in the text of at least :data:`MIN_QUOTE_WORDS` words."""
    rows = (
        (attributions["level"] == "text")
        & attributions["direct"].fillna(False).astype(bool)
        & attributions["content"].notna()
    )
    return rows & (attributions["content"].where(rows, "").str.count(r"\w+") >= MIN_QUOTE_WORDS)


def _empty() -> pd.DataFrame:
    types = {
        "published": "datetime64[ns]",
        "first": "bool",
        "hours_after_first": "float64",
        "names_speaker": "bool",
        "cites_first_outlet": "boolean",
    }
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, "string")) for c in APPEARANCE_COLUMNS})
