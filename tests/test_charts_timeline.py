"""workbench.charts.timeline: the look-back scatter stays the same size whatever the corpus."""

from __future__ import annotations

import pandas as pd

from workbench.charts import timeline as charts


def lag_table(n: int) -> pd.DataFrame:
    published = pd.Timestamp("2031-03-01") + pd.to_timedelta(pd.Series(range(n)) % 30, unit="D")
    start = published - pd.to_timedelta(pd.Series(range(n)) % 400, unit="D")
    return pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n)],
            "outlet": ["Examplestan Herald"] * n,
            "published": published,
            "expression": ["last week"] * n,
            "kind": ["relative"] * n,
            "granularity": ["week"] * n,
            "date_start": start,
            "date_end": start,
            "lag_days": (published - start).dt.days,
            "lag": pd.Categorical(["within a year"] * n),
        }
    )


def points(fig) -> int:
    return sum(len(t.x) for t in fig.data if t.mode == "markers")


def test_a_large_table_is_drawn_as_a_stated_sample():
    fig = charts.lag_scatter(lag_table(5_000))
    assert points(fig) == charts.MAX_POINTS
    assert f"a random sample of {charts.MAX_POINTS:,} of 5,000 date expressions" in fig.layout.title.text
    assert charts.lag_sample(lag_table(5_000)).equals(charts.lag_sample(lag_table(5_000)))  # the same sample every run


def test_a_small_table_is_drawn_whole():
    fig = charts.lag_scatter(lag_table(40))
    assert points(fig) == 40 and "one point per date expression" in fig.layout.title.text
