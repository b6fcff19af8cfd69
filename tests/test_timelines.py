"""workbench.timelines and workbench.charts.timeline on small hand-made corpora (tables pre-filled)."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench.charts import timeline as charts
from workbench.corpus import Corpus
from workbench.dates import dates
from workbench.errors import WorkbenchError
from workbench.sentences import sentences
from workbench.timelines import events, lag_summary, lags, robust_z, timeline

HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">x</a>'


def _corpus(rows, mentions=None, attributions=None) -> Corpus:
    """rows: (article_id, published, outlet, text). Mentions: (article_id, sentence, start, end, entity, type)."""
    articles = pd.DataFrame(
        {
            "article_id": pd.Series([r[0] for r in rows], dtype="string"),
            "published": pd.Series(pd.to_datetime([r[1] for r in rows]), dtype="datetime64[ns]"),
            "outlet": pd.Series([r[2] for r in rows], dtype="string"),
            "text": pd.Series([r[3] for r in rows], dtype="string"),
        }
    )
    errors = pd.DataFrame(columns=["path", "line", "severity", "reason", "detail"])
    tables = {"sentences": sentences(articles)}
    tables["dates"] = dates(articles, sentences=tables["sentences"])
    m = pd.DataFrame(mentions or [], columns=["article_id", "sentence", "start", "end", "entity", "type"])
    tables["mentions"] = m.astype(
        {
            "article_id": "string",
            "sentence": "int32",
            "start": "int64",
            "end": "int64",
            "entity": "string",
            "type": "string",
        }
    )
    a = pd.DataFrame(attributions or [], columns=["article_id", "level", "cue", "source", "source_entity"])
    tables["attributions"] = a.astype("string")
    return Corpus(articles, errors, tables=tables)


ROWS = [
    ("a1", "2024-11-11", "Kyiv Daily", "Fictional Ruritania said yesterday that talks failed."),
    ("a2", "2024-11-11", "Lviv Post", "Ruritania and Freedonia met."),
    ("a3", "2024-11-13", "Kyiv Daily", "Freedonia will vote on Friday."),
    ("a4", "2024-11-14", "Kyiv Daily", "Nothing happened."),
]
MENTIONS = [
    ("a1", 0, 11, 20, "Ruritania", "GPE"),
    ("a2", 0, 0, 9, "Ruritania", "GPE"),
    ("a2", 0, 14, 23, "Freedonia", "GPE"),
    ("a3", 0, 0, 9, "Freedonia", "GPE"),
]


@pytest.fixture
def small():
    return _corpus(
        ROWS,
        MENTIONS,
        [("a1", "text", "said", "Ruritania", "Ruritania"), ("a1", "header", "published", "Kyiv Daily", "Kyiv Daily")],
    )


def test_daily_counts_with_zero_filled_gaps(small):
    tl = timeline(small, freq="D")
    assert tl[["period", "group", "articles"]].values.tolist() == [
        [pd.Timestamp("2024-11-11"), "all articles", 2],
        [pd.Timestamp("2024-11-12"), "all articles", 0],
        [pd.Timestamp("2024-11-13"), "all articles", 1],
        [pd.Timestamp("2024-11-14"), "all articles", 1],
    ]
    assert tl.attrs["unit"] == "articles"


def test_weekly_and_monthly_periods_start_on_monday_and_the_first(small):
    assert timeline(small, freq="W")["period"].tolist() == [pd.Timestamp("2024-11-11")]
    assert timeline(small, freq="M")["period"].tolist() == [pd.Timestamp("2024-11-01")]
    assert timeline(small, freq="quarter")["period"].tolist() == [pd.Timestamp("2024-10-01")]
    assert timeline(small, freq="week").equals(timeline(small, freq="W"))


def test_by_outlet_normalized_is_share_of_all_articles(small):
    tl = timeline(small, freq="D", by="outlet", normalize=True)
    day = tl[tl["period"] == pd.Timestamp("2024-11-11")].set_index("group")
    assert day.loc["Kyiv Daily", "value"] == 0.5 and day.loc["Lviv Post", "value"] == 0.5
    gap = tl[tl["period"] == pd.Timestamp("2024-11-12")]
    assert (gap["articles"] == 0).all() and (gap["value"] == 0).all()
    assert tl.attrs["unit"] == "share of articles"


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("entity", {"Ruritania": 2, "Freedonia": 2}),
        ("type", {"GPE": 3}),
        ("source", {"Ruritania": 1}),  # the outlet's own "published" header row is not a source
    ],
)
def test_grouped_counts_articles_once(small, by, expected):
    tl = timeline(small, freq="W", by=by)
    assert dict(zip(tl["group"], tl["articles"], strict=True)) == expected


def test_groups_and_top_select(small):
    assert set(timeline(small, by="entity", groups=["freedonia"])["group"]) == {"Freedonia"}
    assert len(set(timeline(small, by="entity", top_n=1)["group"])) == 1


def test_smoothing_is_a_trailing_rolling_mean(small):
    tl = timeline(small, freq="D", smooth=2)
    assert tl["value"].tolist() == [2.0, 1.0, 0.5, 1.0]
    assert tl["articles"].tolist() == [2, 0, 1, 1]


def test_spike_flag():
    rows = [(f"x{i}", f"2024-03-{i + 1:02d}", "Kyiv Daily", "Text.") for i in range(10)]
    rows += [(f"y{i}", "2024-03-06", "Kyiv Daily", "Text.") for i in range(8)]
    tl = timeline(_corpus(rows), freq="D")
    assert tl.loc[tl["spike"], "period"].tolist() == [pd.Timestamp("2024-03-06")]


def test_robust_z_of_a_flat_series_is_zero():
    assert robust_z(pd.Series([2.0, 2.0, 2.0])).tolist() == [0.0, 0.0, 0.0]


def test_undated_articles_are_left_out_and_counted():
    tl = timeline(_corpus([("a", None, "X", "Text."), ("b", "2024-01-01", "X", "Text.")]))
    assert tl["articles"].sum() == 1 and tl.attrs["undated"] == 1


def test_empty_corpus_gives_typed_empty_tables():
    corpus = _corpus([])
    tl = timeline(corpus, by="entity")
    assert tl.empty and list(tl.columns) == ["period", "group", "articles", "total", "share", "value", "z", "spike"]
    assert events(corpus).empty and lags(corpus).empty
    assert isinstance(charts.volume(tl), go.Figure) and isinstance(charts.lag_scatter(lags(corpus)), go.Figure)


def test_bad_arguments():
    with pytest.raises(WorkbenchError):
        timeline(_corpus(ROWS), freq="fortnight")
    with pytest.raises(WorkbenchError):
        timeline(_corpus(ROWS), by="author")


def test_events_join_dates_and_entities(small):
    rows = events(small)
    assert rows[["date_start", "expression", "entity"]].values.tolist() == [
        [pd.Timestamp("2024-11-10"), "yesterday", "Ruritania"],
        [pd.Timestamp("2024-11-15"), "Friday", "Freedonia"],
    ]
    assert rows.iloc[1]["sentence_text"] == "Freedonia will vote on Friday."
    assert events(small, entity="ruritania")["entity"].tolist() == ["Ruritania"]
    assert events(small, entity="Nowhere").empty


def test_lags_and_summary(small):
    table = lags(small)
    assert dict(zip(table["expression"], table["lag_days"], strict=True)) == {"yesterday": 1.0, "Friday": -2.0}
    assert dict(zip(table["expression"], table["lag"].astype(str), strict=True)) == {
        "yesterday": "within a week",
        "Friday": "ahead",
    }
    summary = lag_summary(table, by="outlet")
    assert summary.groupby("outlet")["share"].sum().round(6).tolist() == [1.0]


def test_events_types(small):
    assert events(small, types="gpe").equals(events(small))
    assert events(small, types=["PERSON"]).empty


def test_seed_events(seed_corpus):
    rows = events(seed_corpus, entity="North Korea")
    assert rows["expression"].tolist() == ["Last week"]
    assert (rows["date_start"].iloc[0], rows["date_end"].iloc[0]) == (
        pd.Timestamp("2024-11-04"),
        pd.Timestamp("2024-11-10"),
    )


def test_charts_escape_article_strings():
    rows = [
        ("h1", "2024-11-11", HOSTILE, f"{HOSTILE} said yesterday that it failed."),
        ("h2", "2024-11-12", "Lviv Post", "Text."),
    ]
    corpus = _corpus(rows, [("h1", 0, 0, len(HOSTILE), HOSTILE, "ORG")])
    figures = [
        charts.volume(timeline(corpus, by="outlet")),
        charts.stacked(timeline(corpus, by="outlet", normalize=True)),
        charts.attention(timeline(corpus, by="entity", normalize=True)),
        charts.event_timeline(events(corpus), entity=HOSTILE),
        charts.lag_scatter(lags(corpus)),
        charts.lag_bars(lag_summary(lags(corpus), by="outlet")),
    ]
    for fig in figures:
        text = json.dumps(fig.to_plotly_json(), default=str)
        assert "<script" not in text and "<img" not in text and "<a href" not in text
    assert "onerror" in json.dumps(figures[3].to_plotly_json(), default=str)  # the text is there, escaped


def test_chart_titles_state_unit_and_filters(small):
    fig = charts.stacked(timeline(small, by="outlet", normalize=True, freq="W"), filters="2024-11-01 to 2024-11-30")
    title = fig.layout.title.text
    assert "share of articles per week" in title and "2024-11-01 to 2024-11-30" in title
    assert "articles per day" in charts.volume(timeline(small)).layout.title.text


@pytest.mark.shared
def test_polnear_weekly_timeline(polnear_corpus):
    tl = timeline(polnear_corpus, freq="W", by="outlet")
    assert tl["articles"].sum() == polnear_corpus.articles["published"].notna().sum()
    assert tl.groupby("group")["period"].count().nunique() == 1  # every outlet has every week


def test_a_day_axis_over_centuries_moves_to_a_coarser_period(tmp_path):
    import workbench

    for i, day in enumerate(["0900-06-01", "9999-12-31", "2031-03-02"]):
        (tmp_path / f"a{i}.txt").write_text(
            f"date {day} Fictional lead {i}.\nSource: Fictional Post\nDetails: Some text here.\n"
        )
    corpus = workbench.load_corpus(tmp_path, cache=False)
    with pytest.warns(UserWarning, match="counting per year instead"):
        tl = timeline(corpus, freq="D")
    assert tl.attrs["freq"] == "Y"
    assert len(tl) == 9999 - 900 + 1
    assert tl["articles"].sum() == 3


def test_events_without_text_are_the_same_rows():
    import workbench

    corpus = workbench.load_corpus(cache=False)
    every = workbench.events(corpus)
    assert len(every)
    pd.testing.assert_frame_equal(workbench.events(corpus, text=False), every.drop(columns="sentence_text"))
    assert list(workbench.events(corpus, entity=[], text=False).columns) == list(every.columns.drop("sentence_text"))
