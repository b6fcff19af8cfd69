"""Who republishes whom: copies between outlets, how fast, and whether the origin is credited.

Every function takes a Corpus first and returns a tidy DataFrame; none draws. A republished article
counts once, from its *origin*: the earliest article it copies (an agency story taken by twenty
outlets is twenty flows from the agency, not 190 pairs among the outlets).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench import params
from workbench.reuse.clusters import STORY_KINDS
from workbench.reuse.copying import Texts

#: Characters of each shared span shown side by side.
EXCERPT = 600
#: Pairs a report shows side by side (the longest shared spans): more than the page and the data budget
#: of a report run hold (``workbench.display``), far fewer than the pairs of a large corpus (249,080 on
#: 20,000 articles), whose excerpts would take minutes and gigabytes to cut.
SHOWN_PAIRS = 2_000


def copy_origins(corpus, *, partial: bool = False) -> pd.DataFrame:
    """Each copied article with its origin: ``article_id, copy_of, to_outlet, from_outlet, kind,
    containment, lag_hours, credited``. An article without an outlet keeps a missing (NA) outlet.

    Args:
        corpus: a :class:`workbench.Corpus`.
        partial: also count articles that share only a passage (``partial`` copies).
    """
    copies = corpus.copies
    kinds = (*STORY_KINDS, "partial") if partial else STORY_KINDS
    rows = copies[copies["kind"].isin(kinds)]
    order = {
        a: i
        for i, a in enumerate(corpus.articles.sort_values(["published", "article_id"], kind="stable")["article_id"])
    }
    rows = rows.assign(_order=rows["copy_of"].map(order)).sort_values(["article_id", "_order"], kind="stable")
    rows = rows.groupby("article_id", sort=False).head(1)
    outlet = corpus.articles.set_index("article_id")["outlet"]
    rows = rows.assign(
        to_outlet=rows["article_id"].map(outlet).astype("string"),
        from_outlet=rows["copy_of"].map(outlet).astype("string"),
    )
    columns = ["article_id", "copy_of", "to_outlet", "from_outlet", "kind", "containment", "lag_hours", "credited"]
    return rows[columns].reset_index(drop=True)


def copy_flows(corpus, *, min_count: int = 2, top_n: int | None = None, partial: bool = False) -> pd.DataFrame:
    """Copies from one outlet to another, with the median lag and the share credited.

    Args:
        corpus: a :class:`workbench.Corpus`.
        min_count: keep outlet pairs with at least this many copies.
        top_n: keep the ``top_n`` largest flows.
        partial: also count shared passages (``partial`` copies).

    Returns:
        ``from_outlet, to_outlet, copies, credited, uncredited, credited_share, median_lag_hours``,
        largest first. ``credited`` counts copies that name the origin's outlet (the same outlet
        republishing its own text counts as credited). Copies from or to an article without an
        outlet form flows whose outlet is missing (NA).

    >>> import workbench
    >>> copy_flows(workbench.load_corpus(cache=False), min_count=1).empty
    True
    """
    min_count, top_n = params.count(min_count, "min_count"), params.top_n(top_n)
    origins = copy_origins(corpus, partial=partial)
    credited = origins["credited"].fillna(False).astype(bool)
    flows = (
        origins.assign(_credited=credited, _uncredited=~credited)
        .groupby(["from_outlet", "to_outlet"], observed=True, dropna=False)
        .agg(
            copies=("article_id", "size"),
            credited=("_credited", "sum"),
            uncredited=("_uncredited", "sum"),
            median_lag_hours=("lag_hours", "median"),
        )
        .reset_index()
    )
    flows = flows[flows["copies"] >= min_count]
    flows["credited_share"] = (flows["credited"] / flows["copies"]).astype("float64")
    flows = flows.sort_values(["copies", "from_outlet", "to_outlet"], ascending=[False, True, True], kind="stable")
    if top_n:
        flows = flows.head(top_n)
    columns = ["from_outlet", "to_outlet", "copies", "credited", "uncredited", "credited_share", "median_lag_hours"]
    return (
        flows[columns]
        .astype({"copies": "int64", "credited": "int64", "uncredited": "int64", "median_lag_hours": "float64"})
        .reset_index(drop=True)
    )


def shared_texts(corpus, *, top_n: int | None = 20) -> pd.DataFrame:
    """Copies side by side, each traceable to both texts: the later article's shared span and the
    matching span of the earlier one.

    Returns:
        ``published, outlet, article_id, copy_of_outlet, copy_of, kind, containment, lag_hours,
        credited, shared_text, source_text`` (spans cut to ``EXCERPT`` characters), longest shared
        spans first.
    """
    top_n = params.top_n(top_n)
    copies = corpus.copies
    if not len(copies) or not len(corpus.articles):
        types = {
            "published": "datetime64[ns]", "outlet": "string", "article_id": "string", "copy_of_outlet": "string",
            "copy_of": "string", "kind": "string", "containment": "float64", "lag_hours": "float64",
            "credited": "boolean", "shared_text": "string", "source_text": "string",
        }  # fmt: skip
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()})
    frame = copies.assign(_length=copies["shared_end"] - copies["shared_start"]).sort_values(
        ["_length", "article_id"], ascending=[False, True], kind="stable"
    )
    if top_n:
        frame = frame.head(top_n)
    meta = corpus.articles[["article_id", "published", "outlet"]].set_index("article_id")
    # the texts of the articles in the rows only (not a copy of every text of the corpus)
    shown = pd.unique(pd.concat([frame["article_id"], frame["copy_of"]]).astype(str))
    where = pd.Index(corpus.articles["article_id"].astype(str)).get_indexer(shown)
    found = where >= 0  # taken from the (memory-mapped) column chunk by chunk: to_numpy() made every text a string
    text = dict(
        zip(shown[found], Texts(corpus.articles["text"], where[found]).pick(np.arange(found.sum())), strict=True)
    )

    def span(ids, starts, ends) -> list[str]:
        out = []
        for article_id, start, end in zip(ids, starts, ends, strict=True):
            piece = str(text.get(str(article_id), ""))[int(start) : int(end)]
            out.append(piece if len(piece) <= EXCERPT else piece[: EXCERPT - 1] + "…")
        return out

    result = pd.DataFrame(
        {
            "published": frame["article_id"].map(meta["published"]).to_numpy(),
            "outlet": frame["article_id"].map(meta["outlet"]).astype("string").to_numpy(),
            "article_id": frame["article_id"].to_numpy(),
            "copy_of_outlet": frame["copy_of"].map(meta["outlet"]).astype("string").to_numpy(),
            "copy_of": frame["copy_of"].to_numpy(),
            "kind": frame["kind"].to_numpy(),
            "containment": frame["containment"].to_numpy(),
            "lag_hours": frame["lag_hours"].to_numpy(),
            "credited": frame["credited"].to_numpy(),
            "shared_text": span(frame["article_id"], frame["shared_start"], frame["shared_end"]),
            "source_text": span(frame["copy_of"], frame["source_start"], frame["source_end"]),
        }
    )
    return result.astype(
        {
            "article_id": "string",
            "copy_of": "string",
            "kind": "string",
            "shared_text": "string",
            "source_text": "string",
        }
    )


def describe_copies(corpus, *, partial: bool = False) -> str:
    """One plain sentence about the copies of a corpus, for notebooks and logs.

    >>> import workbench
    >>> describe_copies(workbench.load_corpus(cache=False))
    'Nothing copies: no two articles of this selection (1 in all) share text, so there is nothing to draw below.'
    """
    copies = corpus.copies
    if not len(copies):
        return (
            f"Nothing copies: no two articles of this selection ({len(corpus):,} in all) share text, "
            "so there is nothing to draw below."
        )
    kinds = copies["kind"].value_counts()
    pairs = f"{len(copies):,} pair{'s' if len(copies) != 1 else ''} of articles share text"
    detail = ", ".join(f"{kinds.get(k, 0):,} {k}" for k in ("exact", "near", "partial"))
    origins = copy_origins(corpus, partial=partial)
    if not len(origins):
        return f"{pairs} ({detail}): shared passages only, no article is a copy of another."
    share = origins["credited"].fillna(False).astype(bool).mean()
    noun = "article is a copy" if len(origins) == 1 else "articles are copies"
    return f"{pairs} ({detail}); {len(origins):,} {noun} of an earlier one, {share:.0%} crediting the origin's outlet."
