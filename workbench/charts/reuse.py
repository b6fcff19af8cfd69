"""Figures for ``workbench.reuse``: copy flows by outlet, lags, stories over time, travelling quotes.

Each function takes a tidy table from :mod:`workbench.reuse` and a filter description
(``charts.describe_filters(corpus.filters)``) and returns a figure whose title says what is counted.
Outlet names, titles and quotations come from articles: they pass through :func:`workbench.charts.safe`.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.charts import NO_OUTLET, empty_figure, safe, titled

CREDIT_COLOURS = {"credited": "#2ca02c", "uncredited": "#d62728"}
#: Bars of the copy-lag histogram.
LAG_BINS = 40


def _outlet(value) -> str:
    return safe(value) or NO_OUTLET


def flow_bars(flows: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Copies from one outlet to another (``reuse.copy_flows``), credited and uncredited stacked."""
    if flows.empty:
        return empty_figure("No article copies another in this selection: no copy flows to draw.")
    flows = flows.iloc[::-1]  # largest on top
    labels = [f"{_outlet(a)} → {_outlet(b)}" for a, b in zip(flows["from_outlet"], flows["to_outlet"], strict=True)]
    fig = go.Figure()
    for column, colour in CREDIT_COLOURS.items():
        fig.add_bar(
            y=labels,
            x=flows[column],
            name=column,
            orientation="h",
            marker_color=colour,
            customdata=flows["median_lag_hours"].round(1),
            hovertemplate="%{y}: %{x} " + column + " copies (median lag %{customdata} h)<extra></extra>",
        )
    fig.update_layout(
        barmode="stack", height=max(300, 28 * len(flows) + 140), xaxis_title="copies", legend_title="origin named"
    )
    return titled(
        fig, "Who republishes whom: copies from the origin's outlet to the copying outlet, credited or not", filters
    )


def lag_histogram(origins: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Hours between an article and its copy (``reuse.copy_origins``), credited and uncredited."""
    lags = origins.dropna(subset=["lag_hours"])
    if lags.empty:
        return empty_figure("No dated copies in this selection: no lags to draw.")
    fig = go.Figure()
    credited = lags["credited"].fillna(False).astype(bool)
    # binned here, not by plotly.js: a histogram trace carries every value into the page (99,168 copies at
    # 100,000 articles, most of a 1.7 MB report), the counts of LAG_BINS bars do not
    hours = lags["lag_hours"].to_numpy(dtype="float64")
    edges = np.histogram_bin_edges(hours, bins=LAG_BINS)
    centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    ranges = [f"{lo:,.1f}-{hi:,.1f} h" for lo, hi in pairwise(edges)]
    for name, part in (("credited", hours[credited.to_numpy()]), ("uncredited", hours[~credited.to_numpy()])):
        if len(part):
            counts, _ = np.histogram(part, bins=edges)
            fig.add_bar(
                x=centres, y=counts, width=widths, name=name, marker_color=CREDIT_COLOURS[name], opacity=0.75,
                customdata=ranges, hovertemplate="%{customdata}: %{y:,} copies<extra>" + name + "</extra>",
            )  # fmt: skip
    fig.update_layout(
        barmode="overlay", xaxis_title="hours after the original", yaxis_title="copies", legend_title="origin named"
    )
    return titled(fig, "How fast copies follow: hours from the original to each copy", filters)


def story_spread(members: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Each of the largest stories (``reuse.story_articles``) as a row: its articles over time by outlet."""
    if members.empty:
        return empty_figure("No story was published more than once in this selection: nothing to draw.")
    order = list(dict.fromkeys(members["story_id"]))
    titles = members.drop_duplicates("story_id").set_index("story_id")["title"]
    row_label = {s: f"{safe(titles.get(s), limit=50)} ({safe(s, limit=20)})" for s in order}
    fig = go.Figure()
    for outlet, part in members.groupby(members["outlet"].astype("string").fillna(NO_OUTLET), sort=True):
        fig.add_scatter(
            x=part["published"],
            y=[row_label[s] for s in part["story_id"]],
            mode="markers",
            name=safe(outlet),
            marker={
                "size": [14 if f else 9 for f in part["first"]],
                "symbol": ["star" if f else "circle" for f in part["first"]],
            },
            customdata=safe(part["article_id"]),
            hovertemplate="%{customdata}<br>%{x}<extra>" + safe(outlet) + "</extra>",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=[row_label[s] for s in order][::-1])
    # without any outlet, the one trace needs no legend
    fig.update_layout(
        height=max(320, 40 * len(order) + 160),
        xaxis_title="published",
        legend_title="outlet",
        showlegend=bool(members["outlet"].notna().any()),
    )
    return titled(
        fig, "The largest stories: each article carrying the same text, by outlet (star: first appearance)", filters
    )


def quote_bars(quotes: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Quotations found in the most outlets (``reuse.travelling_quotes``)."""
    if quotes.empty:
        return empty_figure("No quotation appears in more than one article of this selection: nothing to draw.")
    quotes = quotes.iloc[::-1]
    labels = [
        f"{safe(q, limit=70)} ({safe(s, limit=30) or 'unnamed'})"
        for q, s in zip(quotes["quote"], quotes["speaker"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=quotes["outlets"],
            orientation="h",
            marker_color="#9467bd",
            customdata=list(zip(quotes["articles"], [_outlet(o) for o in quotes["first_outlet"]], strict=True)),
            hovertemplate="%{x} outlets, %{customdata[0]} articles; first: %{customdata[1]}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(300, 30 * len(quotes) + 140), xaxis_title="outlets quoting it", yaxis={"automargin": True}
    )
    return titled(
        fig, "Quotes that travel: direct quotations found in several outlets (speaker as first attributed)", filters
    )
