"""Figures of workbench.charts.attribution, built from small synthetic source tables (and empty ones)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.charts.attribution import (
    KIND_COLOURS,
    anonymous_share,
    citation_sankey,
    kinds_bars,
    top_sources_bar,
)

GREY = "#7f7f7f"  # the colour of a kind without its own


def _annotation(fig) -> str:
    assert len(fig.data) == 0
    (note,) = fig.layout.annotations
    return note.text


def _title(fig) -> str:
    return fig.layout.title.text


# -- citation Sankey ------------------------------------------------------------------------------


@pytest.fixture
def flows() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("Daily", "AP", "person", 5, 3),
            ("Daily", "AP", "anonymous", 2, 2),
            ("Daily", "AP", "government", 0, 1),  # an article count but no attribution of this kind
            ("<b>Weekly</b>", "(no credited source)", "(none quoted)", 1, 1),
            ("<b>Weekly</b>", "(no credited source)", "blogger", 4, 1),  # a kind without its own colour
        ],
        columns=["outlet", "upstream", "source_kind", "attributions", "articles"],
    )


def test_sankey_nodes(flows):
    fig = citation_sankey(flows, filters="outlets: Daily")
    (sankey,) = fig.data
    assert sankey.type == "sankey"
    labels = list(sankey.node.label)
    # outlets sorted, then upstream sources, then kinds in the house order, unknown kinds last
    assert labels == [
        "&lt;b&gt;Weekly&lt;/b&gt;",  # text from articles is escaped
        "Daily",
        "via (no credited source)",
        "via AP",
        "person",
        "anonymous",
        "government",
        "(none quoted)",
        "blogger",
    ]
    colours = dict(zip(labels, sankey.node.color, strict=True))
    assert colours["anonymous"] == KIND_COLOURS["anonymous"] and colours["person"] == KIND_COLOURS["person"]
    assert colours["blogger"] == GREY
    assert "Citation flows" in _title(fig) and "outlets: Daily" in _title(fig)


def test_sankey_links(flows):
    (sankey,) = citation_sankey(flows).data
    labels = list(sankey.node.label)
    links = {
        (labels[s], labels[t]): v
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
    }
    assert links == {
        # outlet -> upstream: articles (the largest count over the kinds of that pair)
        ("Daily", "via AP"): 3,
        ("&lt;b&gt;Weekly&lt;/b&gt;", "via (no credited source)"): 1,
        # upstream -> kind: attributions; a kind with none gets no link
        ("via AP", "person"): 5,
        ("via AP", "anonymous"): 2,
        ("via (no credited source)", "(none quoted)"): 1,
        ("via (no credited source)", "blogger"): 4,
    }
    hover = list(sankey.link.customdata)
    assert "Daily → AP: 3 articles" in hover and "AP → person: 5 attributions" in hover
    assert "&lt;b&gt;Weekly&lt;/b&gt; → (no credited source): 1 articles" in hover


def test_sankey_grows_with_nodes(flows):
    many = pd.DataFrame(
        [(f"Outlet {i}", "AP", "person", 1, 1) for i in range(40)],
        columns=["outlet", "upstream", "source_kind", "attributions", "articles"],
    )
    assert citation_sankey(many).layout.height > citation_sankey(flows).layout.height >= 420


def test_sankey_empty():
    empty = pd.DataFrame(columns=["outlet", "upstream", "source_kind", "attributions", "articles"])
    assert "no citation flows" in _annotation(citation_sankey(empty))


# -- kinds per outlet ------------------------------------------------------------------------------


@pytest.fixture
def kinds() -> pd.DataFrame:
    rows = [
        ("Big", "person", 6, 0.6),
        ("Big", "anonymous", 3, 0.3),
        ("Big", "blogger", 1, 0.1),
        ("Small", "person", 1, 0.5),
        ("Small", "organisation", 1, 0.5),
    ]
    return pd.DataFrame(rows, columns=["outlet", "source_kind", "attributions", "share"])


def test_kinds_bars_shares(kinds):
    fig = kinds_bars(kinds, filters="2024-11-01 to 2024-11-30")
    # one trace per kind, in the house order, unknown kinds last
    assert [t.name for t in fig.data] == ["person", "anonymous", "organisation", "blogger"]
    bars = {t.name: t for t in fig.data}
    # outlets from the fewest attributions to the most (the largest at the top of a horizontal chart)
    assert list(bars["person"].y) == ["Small", "Big"]
    assert list(bars["person"].x) == [0.5, 0.6]
    assert list(bars["anonymous"].x) == [0.0, 0.3]  # Small has no anonymous source: a zero bar
    assert bars["anonymous"].marker.color == KIND_COLOURS["anonymous"]
    assert bars["blogger"].marker.color == GREY
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.tickformat == ".0%"
    assert "share of attributions" in _title(fig) and "2024-11-01 to 2024-11-30" in _title(fig)
    assert bars["person"].customdata.tolist() == [[1, 0.5], [6, 0.6]]


def test_kinds_bars_counts(kinds):
    fig = kinds_bars(kinds, share=False)
    bars = {t.name: t for t in fig.data}
    assert list(bars["person"].x) == [1, 6]
    assert fig.layout.xaxis.title.text == "attributions" and fig.layout.xaxis.tickformat is None
    assert "number of attributions" in _title(fig)


def test_kinds_bars_escapes_names():
    hostile = pd.DataFrame(
        [("<img src=x>", "<script>", 1, 1.0)], columns=["outlet", "source_kind", "attributions", "share"]
    )
    (bar,) = kinds_bars(hostile).data
    assert list(bar.y) == ["&lt;img src=x&gt;"] and bar.name == "&lt;script&gt;"
    assert "<script>" not in bar.hovertemplate


def test_kinds_bars_empty():
    empty = pd.DataFrame(columns=["outlet", "source_kind", "attributions", "share"])
    assert "no source kinds" in _annotation(kinds_bars(empty))


# -- top sources -----------------------------------------------------------------------------------


@pytest.fixture
def top() -> pd.DataFrame:
    rows = [
        ("Joe Biden", "person", 9, 4, 2, 3),
        ("officials", "anonymous", 5, 3, 2, 0),
        ("the " + "very " * 20 + "long ministry", "government", 2, 1, 1, 1),
    ]
    return pd.DataFrame(rows, columns=["source", "source_kind", "attributions", "articles", "outlets", "direct"])


def test_top_sources_bar(top):
    fig = top_sources_bar(top)
    (bar,) = fig.data
    # reversed so that the most quoted source is drawn at the top
    assert list(bar.x) == [2, 5, 9]
    assert bar.y[1:] == ("officials", "Joe Biden")
    assert len(bar.y[0]) == 60 and bar.y[0].endswith("…")  # long names are cut
    assert list(bar.marker.color) == [KIND_COLOURS["government"], KIND_COLOURS["anonymous"], KIND_COLOURS["person"]]
    assert list(bar.text) == ["government", "anonymous", "person"]
    assert bar.customdata.tolist()[-1] == [4, 2, 3]  # articles, outlets, direct quotations of Joe Biden
    assert "top 3" in _title(fig)


def test_top_sources_bar_escapes_names(top):
    top.loc[0, "source"] = "<a href=x>Joe</a>"
    (bar,) = top_sources_bar(top).data
    assert bar.y[-1] == "&lt;a href=x&gt;Joe&lt;/a&gt;"


def test_top_sources_bar_empty():
    empty = pd.DataFrame(columns=["source", "source_kind", "attributions", "articles", "outlets", "direct"])
    assert "nothing to draw" in _annotation(top_sources_bar(empty))


# -- anonymous share over time ---------------------------------------------------------------------


@pytest.fixture
def over_time() -> pd.DataFrame:
    rows = [
        ("2024-11-04", "person", 3),
        ("2024-11-04", "anonymous", 1),
        ("2024-11-11", "person", 2),  # a week without anonymous sources: share 0
        ("2024-11-18", "anonymous", 2),
        ("2024-11-18", "government", 2),
    ]
    frame = pd.DataFrame(rows, columns=["period", "source_kind", "attributions"])
    frame["period"] = pd.to_datetime(frame["period"])
    frame["share"] = frame["attributions"] / frame.groupby("period")["attributions"].transform("sum")
    return frame


def test_anonymous_share(over_time):
    fig = anonymous_share(over_time, freq="W", filters="outlets: Daily")
    (line,) = fig.data
    assert [pd.Timestamp(x) for x in line.x] == list(pd.to_datetime(["2024-11-04", "2024-11-11", "2024-11-18"]))
    assert list(line.y) == pytest.approx([0.25, 0.0, 0.5])
    assert [list(c) for c in line.customdata] == [[1, 4], [0, 2], [2, 4]]  # anonymous of all attributions
    assert line.line.color == KIND_COLOURS["anonymous"]
    assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.xaxis.title.text == "week"
    assert "per week" in _title(fig) and "outlets: Daily" in _title(fig)


@pytest.mark.parametrize(("freq", "unit"), [("M", "month"), ("month", "month"), ("Q", "quarter"), ("D", "day")])
def test_anonymous_share_names_the_period(over_time, freq, unit):
    fig = anonymous_share(over_time, freq=freq)
    assert fig.layout.xaxis.title.text == unit and f"per {unit}" in _title(fig)


def test_anonymous_share_without_anonymous_sources(over_time):
    named = over_time[over_time["source_kind"] != "anonymous"]
    (line,) = anonymous_share(named).data
    assert list(line.y) == [0.0, 0.0, 0.0]


def test_anonymous_share_single_period_is_widened(over_time):
    one = over_time[over_time["period"] == "2024-11-04"]
    fig = anonymous_share(one)
    assert fig.layout.xaxis.dtick == 86_400_000  # one date: a week around it with day ticks, not a millisecond


def test_anonymous_share_empty():
    empty = pd.DataFrame(
        {"period": pd.Series([], dtype="datetime64[ns]"), "source_kind": [], "attributions": [], "share": []}
    )
    assert "no share over time" in _annotation(anonymous_share(empty))
