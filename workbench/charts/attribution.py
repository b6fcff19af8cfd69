"""Figures for ``workbench.sources``: citation Sankey, source kinds per outlet, top sources, anonymous share.

Each function takes a tidy table from :mod:`workbench.sources` and a filter description
(``charts.describe_filters(corpus.filters)``) and returns a figure whose title says what is counted.
Source names and descriptions come from article text: they pass through :func:`workbench.charts.safe`
before they reach a label or hover text.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from workbench import params
from workbench.charts import NO_OUTLET, empty_figure, safe, titled

#: one colour per source kind, the same in every chart
KIND_COLOURS = {
    "person": "#1f77b4",
    "anonymous": "#d62728",
    "government": "#2ca02c",
    "organisation": "#ff7f0e",
    "outlet": "#9467bd",
    "document": "#8c564b",
    "unknown": "#bbbbbb",
    "(none quoted)": "#e5e5e5",
}
KIND_ORDER = list(KIND_COLOURS)


def _colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, "#7f7f7f")


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def citation_sankey(flows: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Outlet -> credited outlet or wire -> kind of the sources quoted (``sources.citation_flows``).

    Link widths are articles from an outlet to an upstream source, then attributions from the
    upstream source to the quoted source kinds.
    """
    if flows.empty:
        return empty_figure("No articles match the filters: no citation flows to draw.")
    flows = flows.assign(outlet=flows["outlet"].astype("string").fillna(NO_OUTLET))
    outlets = sorted(flows["outlet"].astype(str).unique())
    ups = sorted(flows["upstream"].astype(str).unique())
    kinds = [k for k in KIND_ORDER if k in set(flows["source_kind"].astype(str))] + sorted(
        set(flows["source_kind"].astype(str)) - set(KIND_ORDER)
    )
    labels = [*(f"{o}" for o in outlets), *(f"via {u}" for u in ups), *kinds]
    index = {("outlet", o): i for i, o in enumerate(outlets)}
    index.update({("up", u): len(outlets) + i for i, u in enumerate(ups)})
    index.update({("kind", k): len(outlets) + len(ups) + i for i, k in enumerate(kinds)})
    colours = ["#636efa"] * len(outlets) + ["#00a3a3"] * len(ups) + [_colour(k) for k in kinds]

    first = flows.groupby(["outlet", "upstream"], observed=True)["articles"].max().reset_index()
    second = (
        flows[flows["attributions"] > 0]
        .groupby(["upstream", "source_kind"], observed=True)["attributions"]
        .sum()
        .reset_index()
    )
    sources = [index[("outlet", str(o))] for o in first["outlet"]] + [index[("up", str(u))] for u in second["upstream"]]
    targets = [index[("up", str(u))] for u in first["upstream"]] + [
        index[("kind", str(k))] for k in second["source_kind"]
    ]
    values = first["articles"].tolist() + second["attributions"].tolist()
    hover = [
        f"{safe(o)} → {safe(u)}: {n} articles"
        for o, u, n in zip(first["outlet"], first["upstream"], first["articles"], strict=True)
    ] + [
        f"{safe(u)} → {safe(k)}: {n} attributions"
        for u, k, n in zip(second["upstream"], second["source_kind"], second["attributions"], strict=True)
    ]
    link_colours = ["rgba(150,150,150,0.3)"] * len(first) + [
        _rgba(_colour(str(k)), 0.45) for k in second["source_kind"]
    ]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": safe(labels),
                "color": colours,
                "pad": 12,
                "thickness": 16,
                "hovertemplate": "%{label}<extra></extra>",
            },
            link={
                "source": sources,
                "target": targets,
                "value": values,
                "customdata": hover,
                "color": link_colours,
                "hovertemplate": "%{customdata}<extra></extra>",
            },
        )
    )
    fig.update_layout(height=max(420, 26 * max(len(outlets), len(ups), len(kinds)) + 140))
    return titled(
        fig,
        "Citation flows: outlet → credited outlet or wire (articles) → kinds of sources quoted (attributions)",
        filters,
    )


def kinds_bars(kinds: pd.DataFrame, *, share: bool = True, filters: str = "all articles") -> go.Figure:
    """Stacked bars of source kinds per outlet (``sources.kinds_by_outlet``), as shares or counts."""
    if kinds.empty:
        return empty_figure("No attributions in the text of the selected articles: no source kinds to draw.")
    kinds = kinds.assign(outlet=kinds["outlet"].astype("string").fillna(NO_OUTLET))
    value = "share" if share else "attributions"
    outlets = kinds.groupby("outlet", observed=True)["attributions"].sum().sort_values().index.astype(str).tolist()
    fig = go.Figure()
    present = set(kinds["source_kind"].astype(str))
    for kind in [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER)):
        rows = kinds[kinds["source_kind"].astype(str) == kind]
        rows = rows.set_index(rows["outlet"].astype(str)).reindex(outlets)
        fig.add_trace(
            go.Bar(
                y=safe(outlets), x=rows[value].fillna(0), orientation="h", name=safe(kind), marker_color=_colour(kind),
                customdata=rows[["attributions", "share"]].fillna(0).to_numpy(),
                hovertemplate="%{y}<br>" + safe(kind)
                + ": %{customdata[0]} attributions (%{customdata[1]:.0%})<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(barmode="stack", height=max(300, 34 * len(outlets) + 160), legend_title_text="source kind")
    fig.update_xaxes(
        title_text="share of the outlet's attributions" if share else "attributions",
        tickformat=".0%" if share else None,
    )
    what = "share" if share else "number"
    return titled(
        fig,
        f"Kinds of sources quoted or cited in the text, by outlet ({what} of attributions; anonymous in red)",
        filters,
    )


def top_sources_bar(top: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Horizontal bars: the most quoted sources (``sources.top_sources``), coloured by kind."""
    if top.empty:
        return empty_figure("No named or described source is quoted in the selected articles: nothing to draw.")
    rows = top.iloc[::-1]
    labels = safe(rows["source"].astype(str).tolist(), limit=60)
    fig = go.Figure(
        go.Bar(
            x=rows["attributions"], y=labels, orientation="h",
            marker_color=[_colour(str(k)) for k in rows["source_kind"]],
            customdata=rows[["articles", "outlets", "direct"]].to_numpy(),
            text=safe(rows["source_kind"].astype(str).tolist()),
            hovertemplate="%{y} (%{text})<br>%{x} attributions in %{customdata[0]} articles"
            " from %{customdata[1]} outlets<br>%{customdata[2]} direct quotations<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        height=max(300, 24 * len(rows) + 140), xaxis_title="attributions (quotes and citations in the text)"
    )
    return titled(
        fig, f"Most quoted or cited sources (top {len(rows)}; bars: attributions, colour: source kind)", filters
    )


def anonymous_share(over_time: pd.DataFrame, *, freq: str = "W", filters: str = "all articles") -> go.Figure:
    """The share of attributions to anonymous sources per period (``sources.attribution_over_time``)."""
    if over_time.empty:
        return empty_figure("No dated attributions in the selected articles: no share over time to draw.")
    totals = over_time.groupby("period")["attributions"].sum()
    anonymous = (
        over_time[over_time["source_kind"] == "anonymous"]
        .groupby("period")["attributions"]
        .sum()
        .reindex(totals.index, fill_value=0)
    )
    share = (anonymous / totals).fillna(0)
    unit = params.period_name(freq)
    fig = go.Figure(
        go.Scatter(
            x=totals.index, y=share.values, mode="lines+markers", line={"color": KIND_COLOURS["anonymous"]},
            customdata=list(zip(anonymous.values, totals.values, strict=True)),
            hovertemplate="%{x|%Y-%m-%d}: %{y:.0%} anonymous"
            " (%{customdata[0]} of %{customdata[1]} attributions)<extra></extra>",
        )
    )  # fmt: skip
    fig.update_yaxes(title_text="share of attributions to anonymous sources", tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(title_text=unit)
    return titled(fig, f"Anonymous sources over time (share of text attributions per {unit})", filters)
