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
import pyarrow as pa
import pyarrow.compute as pc
from pandas.util import hash_array
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from workbench import params, partials
from workbench.reuse.candidates import PARTITION
from workbench.reuse.copying import _time_order, copies_reusing, credit_rows, credited
from workbench.reuse.shingles import mix, words
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
        Source line, metadata, dateline or text; NA for the first appearance itself). The columns whose
        values repeat from row to row (``quote_id``, ``outlet``, ``source_kind``, ``content``) are
        categorical: at a million articles the table has millions of rows.

    The table is kept in the corpus's cache (:mod:`workbench.reuse.store`): a warm report reads it back
    instead of reading every direct quotation and credit row again.
    """
    min_count = params.count(min_count, "min_count")
    return cached(corpus, "quote-appearances", lambda: _appearances(corpus, min_count), extra=f"min_count={min_count}")


def _appearances(corpus, min_count: int) -> pd.DataFrame:
    """:func:`quote_appearances` computed.

    The quotations are read a partition at a time and held as codes (:class:`Quotations`), and the copy
    search runs over their distinct texts only: a quotation carried by a thousand articles is one text to
    compare, not half a million candidate pairs. Sameness of words and the links between texts make the
    travelling quotes.
    """
    articles = corpus.articles
    found = Quotations.read(corpus)
    if len(found.rows) < 2:
        return _empty()
    links = cached(corpus, "quote-links", lambda: found.links(n_jobs=corpus.n_jobs, spill=corpus.cache_dir))
    graph = coo_matrix(
        (np.ones(len(links), dtype=np.int8), (links["later"].to_numpy(), links["earlier"].to_numpy())),
        shape=(found.n_groups, found.n_groups),
    )
    _, component = connected_components(graph, directed=False)  # groups in order of first appearance
    component = component[found.groups[found.rows["text"].to_numpy()]]
    position = found.rows["article"].to_numpy()
    # by quote (the first appearance first), then time of publication, id and place in the article; one
    # appearance per article and quote (an article repeating a quotation counts once)
    order = np.lexsort((found.when, component))
    component, position = component[order], position[order]
    new = np.concatenate([[True], (component[1:] != component[:-1]) | (position[1:] != position[:-1])])
    order, component, position = order[new], component[new], position[new]
    keep = np.bincount(component)[component] >= min_count
    if not keep.any():
        return _empty()
    order, component, position = order[keep], component[keep], position[keep]
    rows = {c: found.rows[c].to_numpy()[order] for c in ("content_start", "source", "source_kind", "text")}
    found.rows = found.when = None  # a million articles' quotations: 170 MB
    del order, keep, new
    first = np.concatenate([[True], component[1:] != component[:-1]])
    origin = np.maximum.accumulate(np.where(first, np.arange(len(first)), 0))  # each row's first appearance
    ids = pa.array(articles["article_id"].astype("string").array).take(position)
    starts = pc.cast(pa.array(rows["content_start"][first]), pa.large_string())
    quote_ids = pc.binary_join_element_wise(ids.filter(first), starts, pa.scalar("#", pa.large_string()))
    published = articles["published"].take(position).reset_index(drop=True)
    cites = credited(articles, position[origin], position, credit_rows(corpus))
    unnamed = np.append(np.isin(found.kinds.to_numpy(zero_copy_only=False), UNNAMED), True)  # -1: no kind
    outlet, outlets = pd.factorize(articles["outlet"])
    frame = pd.DataFrame(
        {
            "quote_id": _categories(quote_ids, np.cumsum(first) - 1),
            "article_id": _strings(ids),
            "published": published,
            "outlet": _categories(pa.array(np.asarray(outlets, dtype=object), pa.large_string()), outlet[position]),
            "source": _strings(_named(found.sources, rows["source"])),
            "source_kind": _categories(found.kinds, rows["source_kind"]),
            "content": _categories(found.texts, found.at[rows["text"]]),
            "first": first,
            "hours_after_first": ((published - published.take(origin).to_numpy()) / pd.Timedelta(hours=1)),
            "names_speaker": (rows["source"] >= 0) & ~unnamed[rows["source_kind"]],
            "cites_first_outlet": pd.arrays.BooleanArray(cites.to_numpy(bool, na_value=False), cites.isna() | first),
        }
    )
    frame["hours_after_first"] = frame["hours_after_first"].astype("float64")
    return frame[APPEARANCE_COLUMNS]


class Quotations:
    """The direct quotations of a corpus (:func:`_direct_quotation`) held as codes.

    Attributes:
        rows: one row per quotation, all integers: ``article`` (its position in ``corpus.articles``),
            ``content_start``, ``source`` and ``source_kind`` (codes of :attr:`sources` and :attr:`kinds`) and
            ``text``, the code of its content among the distinct contents.
        sources, kinds: the distinct speakers and kinds of source (Arrow strings; code -1: none).
        when: per row, its article's place in time order and its offset in the article, as one sortable number.
        groups: per distinct content, the code of its words (contents that differ only in case, punctuation
            or spacing share one), both numbered in order of first appearance in the corpus, whatever the
            order the partitions were read in (so that the kept links suit every reading).

    A million articles' quotations as strings take gigabytes, mostly repeats; the distinct contents are
    kept once, as Arrow strings.
    """

    def __init__(self, rows: pd.DataFrame, when: np.ndarray, texts: pa.ChunkedArray, at: np.ndarray, groups, published):
        self.rows, self.when, self.groups = rows, when, groups
        self.texts, self.at, self._published = texts, at, published
        self.n_groups = int(groups.max()) + 1 if len(groups) else 0

    @classmethod
    def read(cls, corpus) -> Quotations:
        """The quotations of ``corpus``'s attributions, a partition at a time."""
        articles = corpus.articles
        index = pd.Index(articles["article_id"])
        rank = np.empty(len(articles), dtype=np.int64)
        rank[_time_order(articles)] = np.arange(len(articles))
        held, texts, hashes = [], [], []
        sources, kinds = partials.Codes(), partials.Codes()
        offset = 0
        for frame in partials.each(corpus, "attributions", READ_COLUMNS):
            frame = frame[np.asarray(_direct_quotation(frame), dtype=bool)]
            frame = frame.drop_duplicates(["article_id", "content_start"])
            position = index.get_indexer(frame["article_id"])
            frame, position = frame[position >= 0], position[position >= 0]
            if not len(frame):
                continue
            codes, distinct = pd.factorize(frame["content"])
            values = np.asarray(distinct, dtype=object)
            texts.append(pa.array(values, type=pa.large_string()))
            hashes.append(np.stack([hash_array(values, hash_key=key) for key in _HASH_KEYS], axis=1))
            held.append(
                pd.DataFrame(
                    {
                        "article": position.astype(np.int32),
                        "content_start": frame["content_start"].to_numpy(dtype=np.int64),
                        "source": _coded(sources, frame["source"]),
                        "source_kind": _coded(kinds, frame["source_kind"]),
                        "text": codes.astype(np.int64) + offset,
                    }
                )
            )
            offset += len(distinct)
        if not held:
            empty = np.zeros(0, dtype=np.int64)
            return cls(pd.DataFrame(columns=["article", "content_start", "text"]), empty, None, empty, empty, None)
        rows = pd.concat(held, ignore_index=True)
        del held
        # the same content in several partitions: one code (128 bits of hash)
        stored = pd.DataFrame(np.concatenate(hashes)).groupby([0, 1], sort=False).ngroup().to_numpy()
        del hashes
        text = stored[rows["text"].to_numpy()]
        when = (rank[rows["article"].to_numpy()] << 32) + rows["content_start"].to_numpy()
        first = np.full(int(stored.max()) + 1, np.iinfo(np.int64).max)
        np.minimum.at(first, text, when)
        by_time = np.argsort(first, kind="stable")  # codes in order of first appearance
        code = np.empty_like(by_time)
        code[by_time] = np.arange(len(by_time))
        rows["text"] = code[text]
        # one stored copy of each content: the first partition's
        _, kept = np.unique(stored, return_index=True)
        texts = _keep(texts, kept)
        at = np.empty(len(kept), dtype=np.int64)
        at[code] = np.arange(len(kept))  # content code -> its place in the kept texts
        groups = _word_groups(texts, at)
        published = (
            articles["published"].take(rows["article"].to_numpy()).groupby(groups[rows["text"].to_numpy()]).min()
        )
        found = cls(rows, when, texts, at, groups, published.to_numpy())
        found.sources = pa.array(sources.names(), type=pa.large_string())
        found.kinds = pa.array(kinds.names(), type=pa.large_string())
        return found

    def links(self, *, n_jobs: int = 1, spill=None) -> pd.DataFrame:
        """Pairs of word groups whose texts are one quotation (:func:`copies`): ``later, earlier``.

        Each group's text is its first content; its time is its first appearance's."""
        _, starts = np.unique(self.groups, return_index=True)  # each group's first content
        width = len(str(self.n_groups))
        names = pc.utf8_lpad(pc.cast(pa.array(np.arange(self.n_groups)), pa.string()), width, "0")
        texts = pd.DataFrame(
            {
                "article_id": _strings(names),
                "published": self._published,
                "outlet": pd.Series(pd.NA, index=range(self.n_groups), dtype="string"),
                "text": _strings(self.texts.take(self.at[starts])),
            }
        )
        found = copies_reusing(texts, near=0.5, min_words=MIN_QUOTE_WORDS, n_jobs=n_jobs, spill=spill)[0]
        return pd.DataFrame({"later": found["article_id"].astype("int64"), "earlier": found["copy_of"].astype("int64")})


#: The attribution columns the quotations are read from.
READ_COLUMNS = ["article_id", "level", "direct", "content", "content_start", "source", "source_kind"]
#: Two keys of ``pandas.util.hash_array``: 128 bits name a content.
_HASH_KEYS = ("workbench-quote1", "workbench-quote2")


def _coded(codes: partials.Codes, column: pd.Series) -> np.ndarray:
    """The codes of a column of names, -1 where missing."""
    out = np.full(len(column), -1, dtype=np.int32)
    present = column.notna().to_numpy()
    out[present] = codes.of(column[present].astype(object).to_numpy())
    return out


def _categories(names: pa.Array | pa.ChunkedArray, codes: np.ndarray) -> pd.Categorical:
    """The names of codes (-1: missing) as a categorical: a column whose values repeat (a quotation, its id, an
    outlet) holds each once. The categories are in order of appearance, as a Parquet file gives them back."""
    present = codes >= 0
    inverse, used = pd.factorize(codes[present])
    out = np.full(len(codes), -1, dtype=np.int64)
    out[present] = inverse
    categories = pd.Series(_strings(names.take(pa.array(used)))).astype("str")
    return pd.Categorical.from_codes(out, categories=pd.Index(categories))


def _named(names: pa.Array, codes: np.ndarray) -> pa.Array:
    """The names of codes (-1: null)."""
    return names.take(pa.array(codes, mask=codes < 0))


def _keep(texts: list[pa.Array], kept: np.ndarray) -> pa.ChunkedArray:
    """The texts at ``kept`` (positions in the texts of all partitions, ascending), each partition's dropped
    as soon as its own are taken."""
    bounds = np.cumsum([0, *(len(t) for t in texts)])
    chunks = []
    for i in range(len(texts)):
        mine = kept[(kept >= bounds[i]) & (kept < bounds[i + 1])] - bounds[i]
        chunks.append(texts[i].take(pa.array(mine)))
        texts[i] = None
    return pa.chunked_array(chunks, type=pa.large_string())


def _word_groups(texts: pa.ChunkedArray, at: np.ndarray) -> np.ndarray:
    """Per content code, the code of its words (numbered in the order of the codes); a content without
    words is a group of its own."""
    keys = np.zeros((len(at), 3), dtype=np.uint64)
    for start in range(0, len(at), PARTITION):
        batch = texts.take(at[start : start + PARTITION]).to_pylist()
        keys[start : start + len(batch)] = _words_key(words(batch))
    empty = keys[:, 0] == 0
    keys[empty, 1] = np.flatnonzero(empty).astype(np.uint64)  # no words: alone
    return pd.DataFrame(keys).groupby([0, 1, 2], sort=False).ngroup().to_numpy()


def _words_key(found) -> np.ndarray:
    """Per text of a :class:`workbench.reuse.shingles.Words`, its number of words and two 64-bit hashes
    of its words in order."""
    counts = np.diff(found.offsets)
    place = (np.arange(len(found.hashes)) - np.repeat(found.offsets[:-1], counts)).astype(np.uint64)
    keys = np.zeros((len(counts), 3), dtype=np.uint64)
    keys[:, 0] = counts
    some = np.flatnonzero(counts > 0)
    for column, salt in ((1, _SALTS[0]), (2, _SALTS[1])):
        mixed = mix(found.hashes ^ mix(place + salt))
        if len(some):
            keys[some, column] = np.add.reduceat(mixed, found.offsets[:-1][some])
    return keys


_SALTS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xD1B54A32D192ED03))


def _strings(values) -> pd.arrays.ArrowStringArray:
    """Arrow strings as a pandas ``string`` array, without a copy."""
    chunks = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
    return pd.arrays.ArrowStringArray(pc.cast(chunks, pa.large_string()))


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
    # counted over integer codes, column by column: a million articles' appearances are millions of rows,
    # and a copy of them (the later ones, say) took half a gigabyte
    quote, ids = pd.factorize(seen["quote_id"])
    n = len(ids)
    first = seen["first"].to_numpy(dtype=bool)
    at = np.empty(n, dtype=np.int64)
    at[quote[first]] = np.flatnonzero(first)  # each quote's first appearance
    outlet, names = pd.factorize(seen["outlet"])
    carried = np.unique(quote[outlet >= 0] * max(len(names), 1) + outlet[outlet >= 0])  # (quote, outlet) pairs
    by_quote, by_outlet = np.divmod(carried, max(len(names), 1))
    lists = pd.Series(np.asarray(names, dtype=object)[by_outlet]).groupby(by_quote).agg(lambda s: ", ".join(sorted(s)))
    later = ~first
    table = pd.DataFrame(
        {
            "quote_id": pd.array(ids, dtype="string"),
            "quote": seen["content"].take(at).astype("string").to_numpy(),
            "speaker": seen["source"].take(at).to_numpy(),
            "first_article_id": seen["article_id"].take(at).to_numpy(),
            "first_outlet": seen["outlet"].take(at).to_numpy(),
            "first_published": seen["published"].take(at).to_numpy(),
            "articles": np.bincount(quote, minlength=n),
            "outlets": np.bincount(by_quote, minlength=n),
            "outlet_list": lists.reindex(range(n), fill_value="").to_numpy(dtype=object),
            "spread_hours": seen["hours_after_first"].groupby(quote).max().reindex(range(n)).to_numpy(),
            "later_naming_speaker": _mean(quote[later], seen["names_speaker"].to_numpy(dtype=float)[later], n),
            "later_citing_first_outlet": _mean(
                quote[later], seen["cites_first_outlet"].to_numpy(dtype=float, na_value=np.nan)[later], n
            ),
        }
    )
    text = {c: "string" for c in ("quote", "speaker", "first_article_id", "first_outlet", "outlet_list")}
    table = table.astype({**text, "later_citing_first_outlet": "Float64"})
    table = table.sort_values(
        ["outlets", "articles", "first_published", "quote_id"], ascending=[False, False, True, True], kind="stable"
    )
    if top_n:
        table = table.head(top_n)
    return table[columns].reset_index(drop=True)


def _mean(groups: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Per group of ``n``, the mean of its values that are not NaN (NaN for none)."""
    known = ~np.isnan(values)
    total = np.bincount(groups[known], weights=values[known], minlength=n)
    count = np.bincount(groups[known], minlength=n)
    return np.divide(total, count, out=np.full(n, np.nan), where=count > 0)


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
        **{c: pd.CategoricalDtype(pd.Index([], dtype="str")) for c in ("quote_id", "outlet", "source_kind", "content")},
    }
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, "string")) for c in APPEARANCE_COLUMNS})
