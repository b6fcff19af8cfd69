"""workbench.sources: a Corpus of hand-made tables in, expected tidy rows out."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import sources
from workbench.attribution import ATTRIBUTION_COLUMNS
from workbench.corpus import Corpus


def _attributions(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (article_id, level, source, source_kind, cue, content, direct)."""
    records = [
        {"article_id": a, "level": level, "source": source, "source_entity": source, "source_kind": kind, "cue": cue,
         "content": content, "content_start": i if content else None, "direct": direct}
        for i, (a, level, source, kind, cue, content, direct) in enumerate(rows)
    ]  # fmt: skip
    frame = pd.DataFrame.from_records(records, columns=list(ATTRIBUTION_COLUMNS))
    return frame.astype(ATTRIBUTION_COLUMNS)


def _corpus(attributions: pd.DataFrame, articles: pd.DataFrame) -> Corpus:
    return Corpus(articles, pd.DataFrame(), tables={"attributions": attributions})


@pytest.fixture
def articles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": pd.Series(["a1", "a2", "a3"], dtype="string"),
            "outlet": pd.Series(["Gotham Times", "Gotham Times", "Metropolis Post"], dtype="string"),
            "published": pd.to_datetime(["2024-11-04", "2024-11-12", "2024-11-13"]).astype("datetime64[ns]"),
            "title": pd.Series(["One", "Two", "Three"], dtype="string"),
        }
    )


@pytest.fixture
def table() -> pd.DataFrame:
    return _attributions(
        [
            ("a1", "header", "Gotham Times", "outlet", "published", None, None),
            ("a1", "header", "Daily Wire Service", "outlet", "with reference to", None, None),
            ("a1", "text", "Jane Roe", "person", "said", '"Yes."', True),
            ("a1", "text", "city official", "anonymous", "according to", "the bridge closed", False),
            ("a1", "text", "Jane Roe", "person", "added", "it was old", False),
            ("a2", "metadata", "Gotham Times", "outlet", "published", None, None),
            ("a2", "text", None, None, "said", "no", False),
            ("a3", "metadata", "Metropolis Post", "outlet", "published", None, None),
            ("a3", "metadata", "Daily Wire Service", "outlet", "wire", None, None),
            ("a3", "dateline", "Daily Wire Service", "outlet", "dateline", None, None),
            ("a3", "text", "city official", "anonymous", "said", "the bridge reopened", False),
        ]
    )


@pytest.fixture
def corpus(table, articles) -> Corpus:
    return _corpus(table, articles)


def test_sources_by_outlet(corpus):
    out = sources.sources_by_outlet(corpus)
    assert out.values.tolist() == [
        ["Gotham Times", "Jane Roe", "person", 2, 1],
        ["Gotham Times", "city official", "anonymous", 1, 1],
        ["Metropolis Post", "city official", "anonymous", 1, 1],
    ]
    assert sources.sources_by_outlet(corpus, kinds=["anonymous"], top_n=1)["source"].tolist() == [
        "city official",
        "city official",
    ]
    assert sources.sources_by_outlet(corpus, kinds="Anonymous, outlet")["source"].tolist() == [
        "city official",
        "city official",
    ]


def test_kinds_by_outlet_gives_shares_and_named(corpus):
    out = sources.kinds_by_outlet(corpus)
    assert out[["outlet", "source_kind", "attributions", "named"]].values.tolist() == [
        ["Gotham Times", "anonymous", 1, False],
        ["Gotham Times", "person", 2, True],
        ["Gotham Times", "unknown", 1, False],
        ["Metropolis Post", "anonymous", 1, False],
    ]
    assert out["share"].round(2).tolist() == [0.25, 0.5, 0.25, 1.0]


def test_upstream_excludes_the_publisher_and_counts_a_wire_once(corpus):
    assert sources.upstream(corpus)[["article_id", "upstream"]].values.tolist() == [
        ["a1", "Daily Wire Service"],
        ["a3", "Daily Wire Service"],
    ]


def test_citation_flows(corpus):
    out = sources.citation_flows(corpus)
    assert out.values.tolist() == [
        ["Gotham Times", "(no credited source)", "unknown", 1, 1],
        ["Gotham Times", "Daily Wire Service", "anonymous", 1, 1],
        ["Gotham Times", "Daily Wire Service", "person", 2, 1],
        ["Metropolis Post", "Daily Wire Service", "anonymous", 1, 1],
    ]


def test_citation_flows_keep_articles_without_quotes(articles):
    table = _attributions([("a1", "header", "Gotham Times", "outlet", "published", None, None)])
    out = sources.citation_flows(_corpus(table, articles.iloc[:1]))
    assert out.values.tolist() == [["Gotham Times", "(no credited source)", "(none quoted)", 0, 1]]


def test_top_sources(corpus):
    out = sources.top_sources(corpus, top_n=2)
    assert out[["source", "source_kind", "attributions", "articles", "outlets", "direct"]].values.tolist() == [
        ["city official", "anonymous", 2, 2, 2, 0],  # as many attributions as Jane Roe, in more articles
        ["Jane Roe", "person", 2, 1, 1, 1],
    ]


def test_attribution_over_time(corpus):
    out = sources.attribution_over_time(corpus, freq="W")
    assert out.equals(sources.attribution_over_time(corpus, freq="week"))
    assert out[["period", "source_kind", "attributions"]].astype({"period": "string"}).values.tolist() == [
        ["2024-11-04", "anonymous", 1],
        ["2024-11-04", "person", 2],
        ["2024-11-11", "anonymous", 1],
        ["2024-11-11", "unknown", 1],
    ]
    assert out.groupby("period")["share"].sum().round(6).tolist() == [1.0, 1.0]


def test_quotes_focus_and_direct(corpus):
    assert sources.quotes(corpus, focus="jane roe")["content"].tolist() == ['"Yes."', "it was old"]
    assert sources.quotes(corpus, direct_only=True)["source"].tolist() == ["Jane Roe"]


@pytest.mark.parametrize(
    "function",
    [
        sources.sources_by_outlet,
        sources.kinds_by_outlet,
        sources.citation_flows,
        sources.top_sources,
        sources.attribution_over_time,
        sources.quotes,
    ],
)
def test_empty_tables(function, articles):
    out = function(_corpus(_attributions([]), articles.iloc[:0]))
    assert out.empty


def test_polnear_kinds(polnear_corpus):
    corpus = polnear_corpus.filter(start="2016-09-01", end="2016-09-20")  # a few dozen articles keep this fast
    out = sources.kinds_by_outlet(corpus)
    assert set(out["outlet"]) == set(corpus.articles["outlet"])
    assert (out.groupby("outlet")["share"].sum().round(6) == 1).all()
    assert set(out["source_kind"]) <= {
        "outlet",
        "person",
        "organisation",
        "government",
        "anonymous",
        "document",
        "unknown",
    }


def test_described_sources_group_case_insensitively(articles):
    table = _attributions(
        [
            ("a1", "text", "analysts", "anonymous", "said", "up", False),
            ("a2", "text", "Analysts", "anonymous", "said", "down", False),
            ("a3", "text", "analysts", "anonymous", "said", "flat", False),
            ("a3", "text", "Jane Roe", "person", "said", "yes", False),
        ]
    )
    table["source_entity"] = table["source_entity"].where(table["source_kind"] == "person")  # described: no entity
    out = sources.top_sources(_corpus(table, articles))
    assert out[["source", "attributions", "articles"]].values.tolist() == [["analysts", 3, 3], ["Jane Roe", 1, 1]]


def test_an_article_without_an_outlet_stays_counted_with_a_missing_outlet(table, articles):
    """No made-up "(unknown outlet)": the outlet stays NA in every table, and no article is dropped."""
    articles = articles.assign(outlet=articles["outlet"].mask(articles["article_id"] == "a3"))
    corpus = _corpus(table, articles)
    by_kind = sources.kinds_by_outlet(corpus)
    assert by_kind["outlet"].isna().sum() == 1 and by_kind["attributions"].sum() == 5  # a3's attribution is kept
    assert by_kind.loc[by_kind["outlet"].isna(), ["source_kind", "share"]].values.tolist() == [["anonymous", 1.0]]
    by_source = sources.sources_by_outlet(corpus)
    assert by_source.loc[by_source["outlet"].isna(), "source"].tolist() == ["city official"]
    flows = sources.citation_flows(corpus)
    assert flows.loc[flows["outlet"].isna(), ["upstream", "source_kind", "articles"]].values.tolist() == [
        ["Daily Wire Service", "anonymous", 1]
    ]
    quoted = sources.quotes(corpus)
    assert quoted["outlet"].isna().sum() == 1 and len(quoted) == 5
    every = pd.concat([by_kind["outlet"], by_source["outlet"], flows["outlet"], quoted["outlet"]])
    assert "(unknown outlet)" not in set(every.dropna())
    from workbench.charts import attribution as charts

    assert "no outlet named" in charts.kinds_bars(by_kind).data[0].y
    assert "no outlet named" in charts.citation_sankey(flows).data[0].node.label
