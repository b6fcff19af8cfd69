"""Who appears with whom: co-occurrence of entities, measured so that frequent names do not win by default.

Two entities co-occur when they are mentioned in the same unit: an article (``level="article"``) or a
sentence (``level="sentence"``). Over ``N`` units with at least one mention, an entity in ``n_a``
units, another in ``n_b``, and both in ``count``:

- ``count``: units with both (``articles``: distinct articles with both, equal to count at article level);
- ``pmi = log2(count * N / (n_a * n_b))``: how much more often than chance they meet (> 0: associated);
- ``npmi = pmi / -log2(count / N)``: PMI scaled to [-1, 1] (1: they only ever appear together);
- ``jaccard = count / (n_a + n_b - count)``: share of their units that they share.

Every number is traceable: :func:`evidence` returns the sentences behind a pair. All functions take a
:class:`~workbench.corpus.Corpus` or a mentions DataFrame (``corpus.mentions``), and are vectorised
(sparse matrix products), so 100,000 articles take seconds.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from workbench.errors import WorkbenchError
from workbench.sentences import sentence_texts

PAIR_COLUMNS = ["entity_a", "entity_b", "type_a", "type_b", "count", "articles", "pmi", "npmi", "jaccard"]
MEASURES = ("count", "pmi", "npmi", "jaccard")
#: categories of the type columns (the entity types of ``workbench.entities``)
TYPES_ORDER = ["PERSON", "ORG", "GPE", "LOC"]
LEVELS = ("article", "sentence")
#: ``by=`` values and the pandas period each one means
PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def _frames(source: Any, articles: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    if hasattr(source, "mentions") and hasattr(source, "articles"):
        return source.mentions, source.articles if articles is None else articles
    if isinstance(source, pd.DataFrame):
        return source, articles
    raise WorkbenchError(f"expected a Corpus or a mentions DataFrame, got {type(source).__name__}")


def _check(level: str, measure: str) -> None:
    if level not in LEVELS:
        raise WorkbenchError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if measure not in MEASURES:
        raise WorkbenchError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")


def _types(types: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    if types is None or (isinstance(types, str) and not types.strip()):
        return None
    values = [types] if isinstance(types, str) else list(types)
    return [t.strip().upper() for v in values for t in str(v).split(",") if t.strip()] or None


class _Units:
    """Mentions as integer codes: a binary unit x entity matrix (one row per article or sentence)."""

    def __init__(self, mentions: pd.DataFrame, level: str, types: list[str] | None):
        frame = mentions
        if types:
            frame = frame[frame["type"].isin(types).to_numpy()]
        frame = frame[frame["entity"].notna().to_numpy()]
        self.entity_codes, entities = pd.factorize(frame["entity"], sort=True)  # code order = name order
        self.entities = np.asarray(entities, dtype=object)
        self.article_codes, articles = pd.factorize(frame["article_id"])
        self.article_ids = np.asarray(articles, dtype=object)
        if level == "sentence":
            sentence = frame["sentence"].to_numpy(dtype=np.int64)
            self.unit_codes, _ = pd.factorize(self.article_codes.astype(np.int64) * (int(sentence.max(initial=0)) + 1) + sentence)
        else:
            self.unit_codes = self.article_codes
        self.level = level
        self.kinds = _kinds(self.entity_codes, frame["type"], len(self.entities))

    def matrix(self, rows: np.ndarray | None = None) -> sparse.csr_matrix:
        units, entities = self.unit_codes, self.entity_codes
        if rows is not None:
            units, entities = units[rows], entities[rows]
        x = sparse.csr_matrix((np.ones(len(units), dtype=np.int32), (units, entities)), shape=(int(self.unit_codes.max(initial=-1)) + 1, len(self.entities)))
        x.sum_duplicates()
        x.data[:] = 1
        return x


def _kinds(codes: np.ndarray, types: pd.Series, n: int) -> np.ndarray:
    """Each entity's most frequent type."""
    type_codes, names = pd.factorize(types)
    if not n or not len(names):
        return np.array([None] * n, dtype=object)
    table = np.zeros((n, len(names)), dtype=np.int64)
    np.add.at(table, (codes, type_codes), 1)
    return np.asarray(names, dtype=object)[table.argmax(axis=1)]


def entity_types(mentions: pd.DataFrame) -> pd.Series:
    """Entity -> its most frequent type."""
    frame = mentions[mentions["entity"].notna().to_numpy()]
    codes, names = pd.factorize(frame["entity"], sort=True)
    return pd.Series(_kinds(codes, frame["type"], len(names)), index=np.asarray(names, dtype=object), dtype="string")


def _empty(by: str | None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "entity_a": pd.Series(dtype="category"),
            "entity_b": pd.Series(dtype="category"),
            "type_a": pd.Series(pd.Categorical([], categories=TYPES_ORDER)),
            "type_b": pd.Series(pd.Categorical([], categories=TYPES_ORDER)),
            "count": pd.Series(dtype="int64"),
            "articles": pd.Series(dtype="int64"),
            "pmi": pd.Series(dtype="float64"),
            "npmi": pd.Series(dtype="float64"),
            "jaccard": pd.Series(dtype="float64"),
        }
    )
    return frame.assign(period=pd.Series(dtype="datetime64[ns]"))[["period", *PAIR_COLUMNS]] if by else frame


def _pairs(units: _Units, min_count: int, measure: str, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Pairs of one set of units (vectorised: binary unit x entity matrix X, pairs from X^T X)."""
    if not len(units.entities) or (rows is not None and not rows.any()):
        return _empty(None)
    x = units.matrix(rows)
    n = np.asarray(x.sum(axis=0)).ravel().astype(np.float64)
    n_units = int((np.diff(x.indptr) > 0).sum())
    together = sparse.triu(x.T @ x, k=1).tocoo()
    keep = together.data >= min_count
    a, b, count = together.row[keep], together.col[keep], together.data[keep].astype(np.int64)
    if not len(a):
        return _empty(None)
    if units.level == "article":
        articles = count
    else:
        arts, ents = units.article_codes, units.entity_codes
        if rows is not None:
            arts, ents = arts[rows], ents[rows]
        xa = sparse.csr_matrix((np.ones(len(arts), dtype=np.int32), (arts, ents)), shape=(len(units.article_ids), len(units.entities)))
        xa.sum_duplicates()
        xa.data[:] = 1  # several sentences of one article count once
        shared = (xa.T @ xa).tocsr()
        articles = np.asarray(shared[a, b]).ravel().astype(np.int64)
    pmi, npmi, jaccard = _measures(count.astype(np.float64), n[a], n[b], n_units)
    first = {"count": count, "pmi": pmi, "npmi": npmi, "jaccard": jaccard}[measure]
    second = npmi if measure == "count" else count
    # sorted here on numbers and codes (code order is name order): much faster than sorting strings
    order = np.lexsort((b, a, -np.nan_to_num(second, nan=-np.inf), -np.nan_to_num(first, nan=-np.inf)))
    a, b, count, articles, pmi, npmi, jaccard = (v[order] for v in (a, b, count, articles, pmi, npmi, jaccard))
    names = pd.CategoricalDtype(units.entities)
    kinds = pd.CategoricalDtype(TYPES_ORDER)
    return pd.DataFrame(
        {
            "entity_a": pd.Categorical.from_codes(a, dtype=names),
            "entity_b": pd.Categorical.from_codes(b, dtype=names),
            "type_a": pd.Categorical(units.kinds[a], dtype=kinds),
            "type_b": pd.Categorical(units.kinds[b], dtype=kinds),
            "count": count,
            "articles": articles,
            "pmi": pmi,
            "npmi": npmi,
            "jaccard": jaccard,
        }
    )


def _measures(count: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, n_units: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        p_ab = count / n_units
        pmi = np.log2(count * n_units / (n_a * n_b))
        npmi = np.where(p_ab < 1, pmi / -np.log2(p_ab), 1.0)
        jaccard = count / (n_a + n_b - count)
    return pmi, npmi, jaccard


def cooccurrence(
    corpus_or_mentions: Any,
    *,
    level: str = "article",
    types: str | list[str] | None = None,
    min_count: int = 2,
    measure: str = "count",
    by: str | None = None,
    articles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Entity pairs that appear in the same article or sentence, with association measures.

    Args:
        corpus_or_mentions: a Corpus, or a mentions DataFrame (``corpus.mentions``).
        level: ``"article"`` or ``"sentence"``: the unit in which two entities co-occur.
        types: keep only these entity types (e.g. ``["PERSON", "ORG"]`` or ``"PERSON,GPE"``).
        min_count: drop pairs seen together in fewer units.
        measure: the column the result is sorted by: ``count``, ``pmi``, ``npmi`` or ``jaccard``.
        by: ``"day"``, ``"week"``, ``"month"``, ``"quarter"`` or ``"year"``: pairs per period
            (a ``period`` column, the period's first day); needs publication dates (a Corpus, or ``articles``).
        articles: ``article_id, published`` when a mentions DataFrame is given with ``by``.

    Returns:
        ``entity_a, entity_b, type_a, type_b, count, articles, pmi, npmi, jaccard`` with ``entity_a <
        entity_b`` (no self-pairs), sorted by ``measure`` then ``count`` (descending). Entity and
        type columns are categorical (cheap for millions of pairs); ``.astype(str)`` gives strings.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b"], "sentence": [0, 0, 1, 0, 0],
    ...                   "entity": ["Xi Jinping", "Joe Biden", "Peru", "Joe Biden", "Xi Jinping"],
    ...                   "type": ["PERSON", "PERSON", "GPE", "PERSON", "PERSON"]})
    >>> cooccurrence(m, min_count=1)[["entity_a", "entity_b", "count"]].values.tolist()
    [['Joe Biden', 'Xi Jinping', 2], ['Joe Biden', 'Peru', 1], ['Peru', 'Xi Jinping', 1]]
    >>> cooccurrence(m, level="sentence")[["entity_a", "entity_b", "count", "articles"]].values.tolist()
    [['Joe Biden', 'Xi Jinping', 2, 2]]
    """
    _check(level, measure)
    mentions, arts = _frames(corpus_or_mentions, articles)
    units = _Units(mentions, level, _types(types))
    min_count = max(int(min_count), 1)
    if by is None:
        result = _pairs(units, min_count, measure)
    else:
        if by not in PERIODS:
            raise WorkbenchError(f"by must be one of {', '.join(PERIODS)}, not {by!r}")
        if arts is None:
            raise WorkbenchError("by= needs publication dates: pass a Corpus, or articles= with article_id and published")
        published = pd.Series(pd.to_datetime(arts["published"]).to_numpy(), index=arts["article_id"].astype(str).to_numpy())
        starts = pd.Series(published.reindex(units.article_ids.astype(str)).to_numpy()).dt.to_period(PERIODS[by]).dt.start_time
        period_codes, periods = pd.factorize(starts.to_numpy()[units.article_codes], sort=True)
        parts = []
        for code, when in enumerate(periods):
            part = _pairs(units, min_count, measure, period_codes == code)
            if len(part):
                parts.append(part.assign(period=when))
        if not parts:
            return _empty(by)
        result = pd.concat(parts, ignore_index=True)
        result["period"] = pd.to_datetime(result["period"]).astype("datetime64[ns]")
        result = result[["period", *PAIR_COLUMNS]]
    if not len(result):
        return _empty(by)
    return result.reset_index(drop=True)


def frequencies(corpus_or_mentions: Any, *, types: str | list[str] | None = None) -> pd.DataFrame:
    """Per entity: ``entity, type, mentions, articles``, most mentioned first.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "b"], "sentence": [0, 1, 0], "entity": ["Peru", "Peru", "Peru"], "type": ["GPE"] * 3})
    >>> frequencies(m).values.tolist()
    [['Peru', 'GPE', 3, 2]]
    """
    mentions, _ = _frames(corpus_or_mentions)
    wanted = _types(types)
    if wanted:
        mentions = mentions[mentions["type"].isin(wanted)]
    if not len(mentions):
        empty = {"entity": "string", "type": "string", "mentions": "int64", "articles": "int64"}
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in empty.items()})
    grouped = mentions.groupby("entity", observed=True).agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
    grouped.index = grouped.index.astype(str)
    frame = grouped.reset_index().assign(type=lambda f: f["entity"].map(entity_types(mentions)).astype("string"))
    frame["entity"] = frame["entity"].astype("string")
    frame = frame[["entity", "type", "mentions", "articles"]].astype({"mentions": "int64", "articles": "int64"})
    return frame.sort_values(["mentions", "articles", "entity"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def partners(
    entity: str,
    corpus_or_mentions: Any,
    *,
    level: str = "article",
    types: str | list[str] | None = None,
    min_count: int = 1,
    measure: str = "count",
    top: int | None = None,
) -> pd.DataFrame:
    """Who appears with ``entity``, ranked by ``measure``.

    Returns:
        ``partner, type, count, articles, pmi, npmi, jaccard`` (empty when the entity is not mentioned).

    >>> m = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "sentence": [0, 0, 0, 0],
    ...                   "entity": ["Joe Biden", "Xi Jinping", "Joe Biden", "Peru"], "type": ["PERSON", "PERSON", "PERSON", "GPE"]})
    >>> partners("Joe Biden", m)[["partner", "count"]].values.tolist()
    [['Peru', 1], ['Xi Jinping', 1]]
    """
    _check(level, measure)
    mentions, _ = _frames(corpus_or_mentions)
    units = _Units(mentions, level, _types(types))
    columns = ["partner", "type", "count", "articles", "pmi", "npmi", "jaccard"]
    where = np.searchsorted(units.entities, entity) if len(units.entities) else 0
    if not len(units.entities) or where >= len(units.entities) or units.entities[where] != entity:
        return pd.DataFrame({c: pd.Series(dtype="string" if c in ("partner", "type") else "float64") for c in columns})
    x = units.matrix().tocsc()
    n = np.asarray(x.sum(axis=0)).ravel().astype(np.float64)
    n_units = int((np.diff(x.tocsr().indptr) > 0).sum())
    with_entity = x[:, where].nonzero()[0]
    count = np.asarray(x[with_entity].sum(axis=0)).ravel()
    count[where] = 0
    chosen = np.flatnonzero(count >= max(int(min_count), 1))
    article_of_unit = np.zeros(x.shape[0], dtype=np.int64)
    article_of_unit[units.unit_codes] = units.article_codes
    sub = x[with_entity][:, chosen].tocoo()
    pairs = pd.DataFrame({"partner": sub.col, "article": article_of_unit[with_entity][sub.row]}).drop_duplicates()
    articles = np.bincount(pairs["partner"].to_numpy(), minlength=len(chosen))
    pmi, npmi, jaccard = _measures(count[chosen].astype(np.float64), n[where], n[chosen], n_units)
    frame = pd.DataFrame(
        {
            "partner": pd.array(units.entities[chosen], dtype="string"),
            "type": pd.array(units.kinds[chosen], dtype="string"),
            "count": count[chosen].astype(np.int64),
            "articles": articles.astype(np.int64),
            "pmi": pmi,
            "npmi": npmi,
            "jaccard": jaccard,
        }
    )
    frame = frame.sort_values([measure, "count", "partner"], ascending=[False, False, True], kind="stable").reset_index(drop=True)
    return frame.head(top) if top else frame


def evidence(entity_a: str, entity_b: str, corpus: Any, *, limit: int | None = None) -> pd.DataFrame:
    """The sentences behind a pair: where both are mentioned, else (same article) where either is.

    Args:
        entity_a, entity_b: canonical entity names.
        corpus: a Corpus (articles, sentences and mentions are needed for the text).
        limit: at most this many rows (sentences with both first).

    Returns:
        ``article_id, published, outlet, title, sentence, text, both`` (``both``: the sentence
        mentions both entities; False rows come from articles where they meet only across sentences).

    >>> from workbench import load_corpus
    >>> evidence("Joe Biden", "Xi Jinping", load_corpus(cache=False))["sentence"].tolist()
    [0, 1, 4]
    """
    if not (hasattr(corpus, "mentions") and hasattr(corpus, "sentences")):
        raise WorkbenchError("evidence() needs a Corpus (the article text and sentences)")
    mentions = corpus.mentions
    pair = mentions[mentions["entity"].isin([entity_a, entity_b])][["article_id", "sentence", "entity"]].drop_duplicates()
    per_article = pair.groupby("article_id")["entity"].nunique()
    articles_with_both = set(per_article[per_article == 2].index)
    pair = pair[pair["article_id"].isin(articles_with_both)]
    per_sentence = pair.groupby(["article_id", "sentence"])["entity"].nunique().rename("n").reset_index()
    per_sentence["both"] = per_sentence["n"] == 2
    both_articles = set(per_sentence.loc[per_sentence["both"], "article_id"])
    keep = per_sentence["both"] | ~per_sentence["article_id"].isin(both_articles)
    rows = per_sentence[keep].drop(columns="n")
    info = corpus.articles[["article_id", "published", "outlet", "title"]]
    frame = rows.merge(info, on="article_id")
    frame["text"] = sentence_texts(frame, articles=corpus.articles, sentences=corpus.sentences)
    frame = frame[["article_id", "published", "outlet", "title", "sentence", "text", "both"]]
    frame = frame.sort_values(["both", "published", "article_id", "sentence"], ascending=[False, True, True, True], kind="stable").reset_index(drop=True)
    frame["text"] = frame["text"].astype("string")
    return frame.head(limit) if limit else frame


def graph(
    corpus_or_mentions: Any,
    *,
    level: str = "article",
    types: str | list[str] | None = None,
    min_count: int = 2,
    measure: str = "count",
    top_n: int | None = None,
) -> nx.Graph:
    """A co-occurrence network with weights and centrality.

    Nodes: entities with ``type``, ``mentions``, ``articles``, ``degree``, ``weighted_degree`` and
    ``pagerank``. Edges: pairs with ``weight`` (the chosen measure; PMI-like weights below zero are
    left out) and every measure as an attribute. ``top_n`` keeps only the most mentioned entities.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "sentence": [0, 0, 0, 0],
    ...                   "entity": ["Joe Biden", "Xi Jinping", "Joe Biden", "Xi Jinping"], "type": ["PERSON"] * 4})
    >>> g = graph(m)
    >>> g.edges["Joe Biden", "Xi Jinping"]["weight"], g.nodes["Joe Biden"]["mentions"]
    (2.0, 2)
    """
    _check(level, measure)
    mentions, _ = _frames(corpus_or_mentions)
    freq = frequencies(mentions, types=types)
    if top_n:
        freq = freq.head(top_n)
        mentions = mentions[mentions["entity"].isin(set(freq["entity"]))]
    pairs = cooccurrence(mentions, level=level, types=types, min_count=min_count, measure=measure)
    g = nx.Graph()
    for row in freq.itertuples(index=False):
        g.add_node(row.entity, type=row.type, mentions=int(row.mentions), articles=int(row.articles))
    for row in pairs.itertuples(index=False):
        weight = float(getattr(row, measure))
        if weight <= 0 or not np.isfinite(weight):
            continue
        measures = {"pmi": float(row.pmi), "npmi": float(row.npmi), "jaccard": float(row.jaccard)}
        g.add_edge(row.entity_a, row.entity_b, weight=weight, count=int(row.count), articles=int(row.articles), **measures)
    degree = dict(g.degree())
    weighted = dict(g.degree(weight="weight"))
    rank = nx.pagerank(g, weight="weight") if g.number_of_edges() else {node: 1.0 / max(len(g), 1) for node in g}
    for node in g.nodes:
        g.nodes[node].update(degree=degree[node], weighted_degree=float(weighted[node]), pagerank=float(rank[node]))
    return g


def centrality(g: nx.Graph) -> pd.DataFrame:
    """The node attributes of :func:`graph` as a table, most central (PageRank) first.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "a"], "sentence": [0, 0, 0], "entity": ["Ada", "Bo", "Cy"], "type": ["PERSON"] * 3})
    >>> centrality(graph(m, min_count=1))[["entity", "degree"]].values.tolist()
    [['Ada', 2], ['Bo', 2], ['Cy', 2]]
    """
    rows = [{"entity": node, **data} for node, data in g.nodes(data=True)]
    columns = ["entity", "type", "mentions", "articles", "degree", "weighted_degree", "pagerank"]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows)[columns].sort_values(["pagerank", "mentions"], ascending=False, kind="stable").reset_index(drop=True)


def evidence_table(corpus: Any, pairs: pd.DataFrame, *, top: int = 25, per_pair: int = 2, measure: str = "count") -> pd.DataFrame:
    """The first ``top`` pairs with the sentences behind them, for a searchable table.

    Returns:
        ``entity_a, entity_b, count, articles, <measure>, first_seen, outlets, evidence`` where
        ``evidence`` holds up to ``per_pair`` sentences (both entities in one sentence first).

    >>> from workbench import load_corpus
    >>> corpus = load_corpus(cache=False)
    >>> evidence_table(corpus, cooccurrence(corpus, level="sentence"), top=1)[["entity_a", "entity_b", "count"]].values.tolist()
    [['North Korea', 'Russia', 4]]
    """
    columns = ["entity_a", "entity_b", "count", "articles", *([measure] if measure not in ("count",) else []), "first_seen", "outlets", "evidence"]
    rows = []
    for row in pairs.head(top).itertuples(index=False):
        found = evidence(str(row.entity_a), str(row.entity_b), corpus)
        sentences = found.head(per_pair)["text"].astype(str).tolist()
        rows.append(
            {
                "entity_a": str(row.entity_a),
                "entity_b": str(row.entity_b),
                "count": int(row.count),
                "articles": int(row.articles),
                **({measure: round(float(getattr(row, measure)), 3)} if measure != "count" else {}),
                "first_seen": found["published"].min() if len(found) else pd.NaT,
                "outlets": ", ".join(sorted({str(o) for o in found["outlet"].dropna()})),
                "evidence": " … ".join(sentences),
            }
        )
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows)[columns]
