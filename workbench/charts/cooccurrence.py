"""Figures for the co-occurrence analysis: top entities, co-occurrence heatmap, network, partners.

Each function takes a tidy table (or the graph) from ``workbench.cooccurrence``, ``partners``, ``graph`` or
``frequencies`` and a filter
description (``charts.describe_filters(corpus.filters)``) and returns a figure whose title names what
is counted, the measure and the filters. Entity names come from article text: they go through
:func:`workbench.charts.safe` before they reach a label or hover text.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.charts import empty_figure, safe, titled

#: one colour per entity type, the same in every chart
TYPE_COLOURS = {"PERSON": "#1f77b4", "ORG": "#ff7f0e", "GPE": "#2ca02c", "LOC": "#9467bd"}
MEASURE_NAMES = {
    "count": "count (units with both)",
    "pmi": "PMI (log2 observed / expected)",
    "npmi": "normalised PMI (-1..1)",
    "jaccard": "Jaccard (shared / either)",
}


def _unit(level: str) -> str:
    return "sentences" if level == "sentence" else "articles"


def top_entities(freq: pd.DataFrame, *, top_n: int = 10, filters: str = "all articles") -> go.Figure:
    """Horizontal bars: the most mentioned entities of each type (``workbench.frequencies``)."""
    if freq.empty:
        return empty_figure("No entity mentions match the filters: nothing to draw.")
    fig = go.Figure()
    for kind, rows in freq.groupby("type", sort=False, observed=True):
        rows = rows.head(top_n).iloc[::-1]
        labels = safe(rows["entity"].astype(str).tolist())
        fig.add_trace(
            go.Bar(
                x=rows["mentions"], y=[f"{label} ({safe(kind)})" for label in labels], orientation="h", name=safe(kind),
                marker_color=TYPE_COLOURS.get(str(kind), "#7f7f7f"), customdata=rows[["articles"]].to_numpy(),
                text=labels, textposition="none",
                hovertemplate="%{text}<br>%{x} mentions in %{customdata[0]} articles<extra>" + safe(kind) + "</extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        height=max(300, 22 * min(len(freq), top_n * freq["type"].nunique()) + 120),
        xaxis_title="mentions",
        barmode="group",
    )
    return titled(fig, f"Most mentioned entities by type (top {top_n} of each type; bars: mentions)", filters)


def heatmap(
    pairs: pd.DataFrame,
    entities: list[str],
    *,
    measure: str = "count",
    level: str = "article",
    filters: str = "all articles",
) -> go.Figure:
    """Co-occurrence of the given entities as a symmetric heatmap of ``measure``."""
    if pairs.empty or len(entities) < 2:
        return empty_figure("Fewer than two co-occurring entities match the filters: no heatmap.")
    index = {name: i for i, name in enumerate(entities)}
    values = np.full((len(entities), len(entities)), np.nan)
    counts = np.zeros((len(entities), len(entities)), dtype=np.int64)
    for a, b, value, count in zip(
        pairs["entity_a"].astype(str), pairs["entity_b"].astype(str), pairs[measure], pairs["count"], strict=True
    ):
        if a in index and b in index:
            i, j = index[a], index[b]
            values[i, j] = values[j, i] = value
            counts[i, j] = counts[j, i] = count
    labels = safe(list(entities))
    fig = go.Figure(
        go.Heatmap(
            z=values, x=labels, y=labels, customdata=counts, colorscale="Viridis", hoverongaps=False,
            colorbar={"title": {"text": measure}},
            hovertemplate="%{y} + %{x}<br>" + measure + ": %{z:.3~f}<br>together in %{customdata} " + _unit(level)
            + "<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        height=max(420, 26 * len(entities) + 160), yaxis={"autorange": "reversed"}, xaxis={"tickangle": -45}
    )
    title = (
        f"Co-occurrence of the {len(entities)} most mentioned entities in the same {_unit(level)[:-1]} — "
        f"{MEASURE_NAMES.get(measure, measure)}"
    )
    return titled(fig, title, filters)


def network(
    g: nx.Graph, *, measure: str = "count", level: str = "article", filters: str = "all articles", seed: int = 7
) -> go.Figure:
    """The co-occurrence network: edge width = weight (the measure), node size = mentions."""
    if g.number_of_nodes() == 0:
        return empty_figure("No entities match the filters: no network.")
    if g.number_of_edges() == 0:
        return empty_figure("No pair of entities co-occurs often enough (min_count): no network.")
    g = g.subgraph([n for n in g.nodes if g.degree(n) > 0])
    position = nx.spring_layout(g, weight="weight", seed=seed)
    weights = np.array([d["weight"] for _, _, d in g.edges(data=True)], dtype=float)
    top = weights.max() if len(weights) and weights.max() > 0 else 1.0
    fig = go.Figure()
    # edges in five width classes: one trace per class instead of one per edge
    classes = np.minimum((weights / top * 5).astype(int), 4)
    edges = list(g.edges())
    for k in range(5):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for (a, b), c in zip(edges, classes, strict=True):
            if c == k:
                xs += [position[a][0], position[b][0], None]
                ys += [position[a][1], position[b][1], None]
        if xs:
            line = {"width": 0.8 + 1.6 * k, "color": "rgba(120,120,120,0.5)"}
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=line, hoverinfo="skip", showlegend=False))
    unit = _unit(level)
    # invisible points at the edge middles carry the edge hover text
    mid = [
        ((position[a][0] + position[b][0]) / 2, (position[a][1] + position[b][1]) / 2, a, b, d)
        for a, b, d in g.edges(data=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=[m[0] for m in mid], y=[m[1] for m in mid], mode="markers", marker={"size": 6, "opacity": 0},
            showlegend=False,
            text=[
                f"{safe(a)} + {safe(b)}<br>{measure}: {d['weight']:.3g}<br>"
                f"together in {d['count']} {unit}, {d['articles']} articles"
                for *_, a, b, d in mid
            ],
            hovertemplate="%{text}<extra></extra>",
        )
    )  # fmt: skip
    nodes = pd.DataFrame([{"entity": n, **d} for n, d in g.nodes(data=True)])
    size = 10 + 30 * np.sqrt(nodes["mentions"] / nodes["mentions"].max())
    for kind, rows in nodes.groupby("type", sort=False):
        names = safe(rows["entity"].astype(str).tolist())
        fig.add_trace(
            go.Scatter(
                x=[position[n][0] for n in rows["entity"]], y=[position[n][1] for n in rows["entity"]],
                mode="markers+text", text=names, textposition="top center", name=safe(kind),
                marker={"size": size[rows.index], "color": TYPE_COLOURS.get(str(kind), "#7f7f7f")},
                customdata=rows[["mentions", "articles", "degree", "pagerank"]].to_numpy(),
                hovertemplate="%{text}<br>%{customdata[0]} mentions in %{customdata[1]} articles"
                "<br>%{customdata[2]} partners, PageRank %{customdata[3]:.3f}<extra>" + safe(kind) + "</extra>",
            )
        )  # fmt: skip
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=640, hovermode="closest")
    title = (
        f"Who appears with whom: entities in the same {_unit(level)[:-1]} "
        f"(edge width: {MEASURE_NAMES.get(measure, measure)}; node size: mentions)"
    )
    return titled(fig, title, filters)


def partners_bar(
    ranked: pd.DataFrame,
    entity: str | None,
    *,
    measure: str = "count",
    level: str = "article",
    filters: str = "all articles",
) -> go.Figure:
    """Ranked bars: who appears with ``entity`` (``workbench.partners``)."""
    if not entity:
        return empty_figure("No focus entity: no entity is mentioned in these articles.")
    if ranked.empty:
        return empty_figure(f"Nobody appears with {entity} in these articles.")
    rows = ranked.iloc[::-1]
    unit = _unit(level)
    labels = safe(rows["partner"].astype(str).tolist())
    fig = go.Figure(
        go.Bar(
            x=rows[measure], y=labels, orientation="h",
            marker_color=[TYPE_COLOURS.get(str(t), "#7f7f7f") for t in rows["type"]],
            customdata=rows[["count", "articles"]].to_numpy(), text=safe(rows["type"].astype(str).tolist()),
            textposition="none",
            hovertemplate=f"%{{y}} (%{{text}})<br>{measure}: %{{x:.3~f}}<br>together in %{{customdata[0]}} {unit}, "
            "%{customdata[1]} articles<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(height=max(300, 24 * len(rows) + 140), xaxis_title=MEASURE_NAMES.get(measure, measure))
    return titled(
        fig,
        f"Who appears with {safe(entity)} in the same {_unit(level)[:-1]}, "
        f"ranked by {MEASURE_NAMES.get(measure, measure)}",
        filters,
    )
