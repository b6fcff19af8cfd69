"""Shared chart helpers (workbench/charts/__init__.py)."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench.charts import describe_filters, empty_figure, safe, titled


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<a href="javascript:x">', "&lt;a href=&#34;javascript:x&#34;&gt;"),
        (None, ""),
        ("plain", "plain"),
    ],
)
def test_safe(value, expected):
    assert safe(value) == expected


def test_describe_filters():
    assert describe_filters({}) == "all articles"
    assert (
        describe_filters({"start": "2024-11-01", "outlets": ["<b>X</b>"]})
        == "2024-11-01 to … · outlets: &lt;b&gt;X&lt;/b&gt;"
    )


def test_single_date_axis_gets_a_week_and_day_wide_bars():
    fig = titled(go.Figure(go.Bar(x=pd.to_datetime(["2024-11-14"]), y=[1])), "one day")
    start, end = fig.layout.xaxis.range
    assert pd.Timestamp(start) < pd.Timestamp("2024-11-14") < pd.Timestamp(end)
    assert fig.layout.xaxis.tickformat == "%Y-%m-%d" and fig.data[0].width == 0.8 * 86_400_000


def test_several_dates_and_categories_are_left_alone():
    fig = titled(go.Figure(go.Scatter(x=pd.to_datetime(["2024-11-14", "2024-11-15"]), y=[1, 2])), "two days")
    assert fig.layout.xaxis.range is None
    assert titled(go.Figure(go.Bar(x=["a"], y=[1])), "category").layout.xaxis.range is None


def test_empty_figure_says_why():
    fig = empty_figure("No <b>articles</b>")
    assert fig.layout.annotations[0].text == "No &lt;b&gt;articles&lt;/b&gt;"
