"""workbench.pairs (pairs and their measures, partners) and the co-occurrence charts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.corpus import Corpus
from workbench.errors import WorkbenchError
from workbench.network import graph
from workbench.pairs import PAIR_COLUMNS, cooccurrence, partners
from workbench.prominence import frequencies

# four articles; sentence numbers matter only at sentence level
MENTIONS = pd.DataFrame(
    [
        ("a1", 0, "Ada Quill", "PERSON"), ("a1", 0, "Borduria", "GPE"), ("a1", 1, "Zembla Mining", "ORG"),
        ("a2", 0, "Ada Quill", "PERSON"), ("a2", 0, "Borduria", "GPE"), ("a2", 0, "Ada Quill", "PERSON"),
        ("a3", 0, "Borduria", "GPE"), ("a3", 2, "Zembla Mining", "ORG"),
        ("a4", 0, "Cato Reyes", "PERSON"),
    ],
    columns=["article_id", "sentence", "entity", "type"],
)  # fmt: skip
ARTICLES = pd.DataFrame(
    {
        "article_id": ["a1", "a2", "a3", "a4"],
        "published": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-15", "2024-01-16"]),
    }
)
DATED = Corpus(ARTICLES, pd.DataFrame(), tables={"mentions": MENTIONS})


def pair(frame: pd.DataFrame, a: str, b: str) -> pd.Series:
    hit = frame[(frame["entity_a"] == a) & (frame["entity_b"] == b)]
    assert len(hit) == 1, frame
    return hit.iloc[0]


@pytest.mark.parametrize(
    ("level", "a", "b", "count", "articles", "pmi", "jaccard"),
    [
        # article level: N=4 units; Ada 2, Borduria 3, Zembla 2
        ("article", "Ada Quill", "Borduria", 2, 2, math.log2(2 * 4 / (2 * 3)), 2 / 3),
        ("article", "Borduria", "Zembla Mining", 2, 2, math.log2(2 * 4 / (3 * 2)), 2 / 3),
        ("article", "Ada Quill", "Zembla Mining", 1, 1, math.log2(1 * 4 / (2 * 2)), 1 / 3),
        # sentence level: units a1/0, a1/1, a2/0, a3/0, a3/2, a4/0 -> N=6; Ada 2, Borduria 3
        ("sentence", "Ada Quill", "Borduria", 2, 2, math.log2(2 * 6 / (2 * 3)), 2 / 3),
    ],
)
def test_measures(level, a, b, count, articles, pmi, jaccard):
    row = pair(cooccurrence(MENTIONS, level=level, min_count=1), a, b)
    assert (row["count"], row["articles"]) == (count, articles)
    assert row["pmi"] == pytest.approx(pmi)
    assert row["jaccard"] == pytest.approx(jaccard)
    p = count / (4 if level == "article" else 6)
    assert row["npmi"] == pytest.approx(pmi / -math.log2(p))


def test_pairs_ordered_without_self_pairs():
    pairs = cooccurrence(MENTIONS, min_count=1)
    assert list(pairs.columns) == PAIR_COLUMNS
    assert (pairs["entity_a"].astype(str) < pairs["entity_b"].astype(str)).all()
    assert not pairs.duplicated(["entity_a", "entity_b"]).any()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"min_count": 2}, [("Ada Quill", "Borduria"), ("Borduria", "Zembla Mining")]),
        ({"min_count": 1, "level": "sentence"}, [("Ada Quill", "Borduria")]),
        ({"min_count": 1, "types": ["PERSON", "GPE"]}, [("Ada Quill", "Borduria")]),
        ({"min_count": 1, "types": "GPE,ORG"}, [("Borduria", "Zembla Mining")]),
        ({"min_count": 3}, []),
    ],
)
def test_filters(options, expected):
    pairs = cooccurrence(MENTIONS, **options)
    assert sorted(zip(pairs["entity_a"].astype(str), pairs["entity_b"].astype(str), strict=True)) == expected


@pytest.mark.parametrize("measure", ["count", "pmi", "npmi", "jaccard"])
def test_sorted_by_measure(measure):
    pairs = cooccurrence(MENTIONS, min_count=1, measure=measure)
    assert pairs[measure].is_monotonic_decreasing


@pytest.mark.parametrize("freq", ["W", "week"])
def test_per_week(freq):
    pairs = cooccurrence(DATED, min_count=1, freq=freq)
    assert list(pairs.columns) == ["period", *PAIR_COLUMNS]
    weeks = {
        (str(p.date()), a, b): c
        for p, a, b, c in zip(pairs["period"], pairs["entity_a"], pairs["entity_b"], pairs["count"], strict=True)
    }
    assert weeks[("2024-01-01", "Ada Quill", "Borduria")] == 2
    assert weeks[("2024-01-15", "Borduria", "Zembla Mining")] == 1


def test_top_n_per_period():
    assert len(cooccurrence(DATED, min_count=1, top_n=1)) == 1
    pairs = cooccurrence(DATED, min_count=1, freq="W", top_n=1)
    assert pairs["period"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-15"]


def test_freq_needs_dates_and_known_period():
    with pytest.raises(WorkbenchError, match="publication dates"):
        cooccurrence(MENTIONS, freq="week")
    with pytest.raises(WorkbenchError, match="freq="):
        cooccurrence(DATED, freq="fortnight")


@pytest.mark.parametrize(("option", "value"), [("level", "paragraph"), ("measure", "lift")])
def test_bad_options(option, value):
    with pytest.raises(WorkbenchError):
        cooccurrence(MENTIONS, **{option: value})


def test_empty_mentions():
    empty = MENTIONS.iloc[:0]
    assert list(cooccurrence(empty).columns) == PAIR_COLUMNS
    assert cooccurrence(Corpus(ARTICLES, pd.DataFrame(), tables={"mentions": empty}), freq="week").empty
    assert partners(empty, "Ada Quill").empty
    assert partners(MENTIONS, None).empty


def test_partners_agree_with_pairs():
    ranked = partners(MENTIONS, "Borduria", min_count=1, measure="jaccard")
    assert ranked["partner"].tolist() == ["Ada Quill", "Zembla Mining"]
    pairs = cooccurrence(MENTIONS, min_count=1)
    row = pair(pairs, "Ada Quill", "Borduria")
    first = ranked.iloc[0]
    assert (first["count"], first["articles"]) == (row["count"], row["articles"])
    assert first["npmi"] == pytest.approx(row["npmi"])
    assert partners(MENTIONS, "Nobody").empty
    assert partners(MENTIONS, "Borduria", min_count=1, top_n=1)["partner"].tolist() == ["Ada Quill"]
    assert partners(MENTIONS, "Borduria")["partner"].tolist() == [
        "Ada Quill",
        "Zembla Mining",
    ]  # min_count 2, as everywhere
    assert partners(MENTIONS, "Ada Quill")["partner"].tolist() == ["Borduria"]


def test_seed_pairs(seed_corpus):
    pairs = cooccurrence(seed_corpus, level="sentence", min_count=1)
    got = set(zip(pairs["entity_a"].astype(str), pairs["entity_b"].astype(str), strict=True))
    assert {
        ("Joe Biden", "Xi Jinping"),
        ("North Korea", "Russia"),
        ("China", "Russia"),
        ("Kursk Oblast", "North Korea"),
    } <= got


def test_corpus_filter_keeps_pairs_consistent(seed_corpus):
    assert cooccurrence(seed_corpus.filter(start="2030-01-01")).empty


# -- charts (workbench.charts.cooccurrence) -------------------------------------------------------

HOSTILE = "<img src=x onerror=alert(1)>"


def hostile_mentions() -> pd.DataFrame:
    frame = MENTIONS.copy()
    frame["entity"] = frame["entity"].replace({"Ada Quill": HOSTILE})
    return frame


@pytest.mark.parametrize("chart", ["top_entities", "heatmap", "network", "partners_bar"])
def test_charts_escape_names_and_state_the_measure(chart):
    from workbench.charts import cooccurrence as charts

    mentions = hostile_mentions()
    pairs = cooccurrence(mentions, min_count=1, measure="npmi")
    figures = {
        "top_entities": lambda: charts.top_entities(frequencies(mentions), filters="all articles"),
        "heatmap": lambda: charts.heatmap(pairs, frequencies(mentions)["entity"].astype(str).tolist(), measure="npmi"),
        "network": lambda: charts.network(graph(mentions, min_count=1, measure="npmi"), measure="npmi"),
        "partners_bar": lambda: charts.partners_bar(
            partners(mentions, "Borduria", min_count=1, measure="npmi"), "Borduria", measure="npmi"
        ),
    }
    fig = figures[chart]()
    dumped = fig.to_json()
    assert "<img" not in dumped and "&lt;img" in dumped
    if chart != "top_entities":
        assert "PMI" in fig.layout.title.text or "npmi" in fig.layout.title.text.lower()


@pytest.mark.parametrize("chart", ["top_entities", "heatmap", "network", "partners_bar"])
def test_charts_say_when_empty(chart):
    from workbench.charts import cooccurrence as charts

    empty = MENTIONS.iloc[:0]
    figures = {
        "top_entities": lambda: charts.top_entities(frequencies(empty)),
        "heatmap": lambda: charts.heatmap(cooccurrence(empty), []),
        "network": lambda: charts.network(graph(empty)),
        "partners_bar": lambda: charts.partners_bar(partners(empty, None), None),
    }
    fig = figures[chart]()
    assert fig.layout.annotations and not fig.data
