"""Figures for ``workbench.timelines``: coverage volume, attention, event timelines, look-back lags.

Each function takes a tidy table from ``workbench.timelines`` and a filter description (from
``charts.describe_filters(corpus.filters)``) and returns a figure whose title names the unit counted
and the filters. Strings from articles (outlets, entities, expressions, sentences) go through
:func:`workbench.charts.safe`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from workbench import params
from workbench.charts import empty_figure, safe, titled

#: One colour per precision, so a bar and its marker match.
_COLOURS = {"day": "#636efa", "week": "#00cc96", "month": "#ffa15a", "quarter": "#ef553b", "year": "#ab63fa"}
_SENTENCE_LIMIT = 300


def _unit(tl: pd.DataFrame) -> str:
    return "share of articles" if tl.attrs.get("normalize") else "articles"


def _per(tl: pd.DataFrame) -> str:
    smooth = tl.attrs.get("smooth")
    per = params.period_name(tl.attrs.get("freq", "D"))
    return f"per {per}" + (f", {smooth}-{per} rolling mean" if smooth and smooth > 1 else "")


def volume(tl: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Coverage volume over time (one line per group), spikes marked, with a range slider."""
    if tl.empty:
        return empty_figure("No dated articles match the filters: nothing to draw.")
    fig = go.Figure()
    for group, rows in tl.groupby("group", sort=False):
        name = safe(group)
        fig.add_trace(
            go.Scatter(
                x=rows["period"], y=rows["value"], mode="lines+markers" if len(rows) < 60 else "lines", name=name,
                customdata=rows[["articles", "total"]].to_numpy(),
                hovertemplate=f"{name}<br>%{{x|%Y-%m-%d}}: %{{y:.3~f}} ({_unit(tl)})<br>"
                "%{customdata[0]} of %{customdata[1]} articles<extra></extra>",
            )
        )  # fmt: skip
        spikes = rows[rows["spike"]]
        if len(spikes):
            fig.add_trace(
                go.Scatter(
                    x=spikes["period"], y=spikes["value"], mode="markers", name=f"spike: {name}", showlegend=False,
                    marker={"symbol": "triangle-up", "size": 12, "color": "crimson"},
                    hovertemplate=f"spike in {name}<br>%{{x|%Y-%m-%d}}: %{{y:.3~f}}<extra></extra>",
                )
            )  # fmt: skip
    fig.update_layout(
        xaxis={"rangeslider": {"visible": True}, "type": "date"}, yaxis_title=_unit(tl), hovermode="closest"
    )
    title = f"Coverage volume: {_unit(tl)} {_per(tl)} (red triangles: spikes, robust z ≥ 3.5)"
    return titled(fig, title, filters)


def stacked(tl: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Volume by group as stacked bars (e.g. by outlet)."""
    if tl.empty:
        return empty_figure("No dated articles match the filters: nothing to draw.")
    fig = go.Figure()
    for group, rows in tl.groupby("group", sort=False):
        name = safe(group)
        fig.add_trace(
            go.Bar(
                x=rows["period"], y=rows["value"], name=name,
                hovertemplate=f"{name}<br>%{{x|%Y-%m-%d}}: %{{y:.3~f}} ({_unit(tl)})<extra></extra>",
            )
        )  # fmt: skip
    by = tl.attrs.get("by") or "group"
    fig.update_layout(barmode="stack", yaxis_title=_unit(tl), xaxis={"type": "date"}, legend_title_text=safe(by))
    return titled(fig, f"Coverage by {safe(by)}: {_unit(tl)} {_per(tl)}, stacked", filters)


def attention(tl: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """Attention to groups (e.g. the top entities) over time, as lines; spikes marked."""
    if tl.empty:
        return empty_figure("No entity is mentioned in the dated articles that match the filters.")
    fig = volume(tl, filters=filters)
    by = tl.attrs.get("by") or "group"
    title = f"Attention by {safe(by)}: {_unit(tl)} mentioning each {_per(tl)} (red triangles: spikes)"
    return titled(fig, title, filters)


def event_timeline(
    ev: pd.DataFrame, *, entity: str | None = None, filters: str = "all articles", limit: int = 80
) -> go.Figure:
    """Dates mentioned next to an entity: one bar per date expression, the sentence in the hover.

    Args:
        ev: rows of :func:`workbench.events`.
        entity: the focus entity (for the title).
        filters: the filter description for the subtitle.
        limit: draw at most this many events (the most recent mentioned dates).
    """
    who = safe(entity) if entity else "any entity"
    if ev.empty:
        return empty_figure(f"No sentence mentioning {entity or 'an entity'} carries a resolved date.")
    rows = (
        ev.drop_duplicates(["article_id", "date_start", "date_end", "expression", "sentence"])
        .tail(limit)
        .reset_index(drop=True)
    )
    fig = go.Figure()
    for granularity, part in rows.groupby("granularity", sort=False):
        ends = part["date_end"] + pd.Timedelta(days=1)
        xs, ys = [], []
        for y, start, end in zip(part.index, part["date_start"], ends, strict=True):
            xs += [start, end, None]
            ys += [y, y, None]
        colour = _COLOURS.get(granularity, "#7f7f7f")
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", line={"width": 8, "color": colour}, name=safe(granularity),
                legendgroup=safe(granularity), hoverinfo="skip"
            )
        )  # fmt: skip
        hover = [
            f"<b>{safe(expr)}</b> → {s:%Y-%m-%d}" + (f" to {e:%Y-%m-%d}" if e != s else "") + f" ({safe(g)})<br>"
            f"{safe(outlet) or 'unknown outlet'}, published {p:%Y-%m-%d}<br>{_wrap(safe(text, limit=_SENTENCE_LIMIT))}"
            for expr, s, e, g, outlet, p, text in zip(
                part["expression"], part["date_start"], part["date_end"], part["granularity"], part["outlet"],
                part["published"], part["sentence_text"],
                strict=True,
            )
        ]  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=part["date_start"], y=part.index, mode="markers", marker={"size": 9, "color": colour},
                showlegend=False, legendgroup=safe(granularity),
                text=hover, hovertemplate="%{text}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        xaxis={"type": "date", "title": "mentioned date"},
        yaxis={"visible": False, "autorange": "reversed"},
        legend_title_text="precision",
        height=max(300, 14 * len(rows) + 160),
    )
    shown = f" (the {limit} latest)" if len(ev) > limit else ""
    return titled(
        fig,
        f"Event timeline for {who}: dates mentioned in sentences that name it, one bar per date expression{shown}",
        filters,
    )


#: Points drawn at most in the look-back scatter: a larger table is drawn as a stated random sample.
MAX_POINTS = 1_500


def lag_sample(lag_table: pd.DataFrame, *, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """The rows :func:`lag_scatter` draws: all of them, or a fixed random sample of ``max_points``."""
    return lag_table.sample(max_points, random_state=0) if len(lag_table) > max_points else lag_table


def lag_scatter(lag_table: pd.DataFrame, *, filters: str = "all articles", max_points: int = MAX_POINTS) -> go.Figure:
    """Published date (x) against mentioned date (y); the diagonal is "the day of publication".

    At most ``max_points`` points (a fixed random sample, said in the title), so the page stays the
    same size whatever the corpus; ``lag_bars`` counts every expression.
    """
    if lag_table.empty:
        return empty_figure("No resolved date expressions in the articles that match the filters.")
    total = len(lag_table)
    sample = lag_sample(lag_table, max_points=max_points)
    fig = go.Figure()
    for bucket, part in sample.groupby("lag", sort=True, observed=True):
        hover = [
            f"{safe(expr)} → {s:%Y-%m-%d}"
            + (f" to {e:%Y-%m-%d}" if e != s else "")
            + f"<br>published {p:%Y-%m-%d} by {safe(o) or 'unknown outlet'}"
            for expr, s, e, p, o in zip(
                part["expression"], part["date_start"], part["date_end"], part["published"], part["outlet"], strict=True
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=part["published"], y=part["date_start"] + (part["date_end"] - part["date_start"]) / 2, mode="markers",
                marker={"size": 6, "opacity": 0.6}, name=safe(str(bucket)), text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )  # fmt: skip
    low, high = lag_table["published"].min(), lag_table["published"].max()
    fig.add_trace(
        go.Scatter(
            x=[low, high],
            y=[low, high],
            mode="lines",
            line={"dash": "dot", "color": "grey"},
            name="same day",
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        xaxis={"type": "date", "title": "published"},
        yaxis={"type": "date", "title": "mentioned (middle of the interval)"},
        legend_title_text="look-back",
    )
    what = (
        "one point per date expression"
        if total == len(sample)
        else f"a random sample of {len(sample):,} of {total:,} date expressions"
    )
    return titled(fig, f"Published date vs mentioned date: {what}", filters)


def lag_bars(summary: pd.DataFrame, *, filters: str = "all articles") -> go.Figure:
    """How far back articles look: share of date expressions per lag bucket (per group if present)."""
    if summary.empty or summary["expressions"].sum() == 0:
        return empty_figure("No resolved date expressions in the articles that match the filters.")
    fig = go.Figure()
    group = next((c for c in summary.columns if c not in ("lag", "expressions", "share")), None)
    parts = summary.groupby(group, sort=False) if group else [("all articles", summary)]
    for name, part in parts:
        fig.add_trace(
            go.Bar(
                x=part["lag"], y=part["share"], name=safe(name), customdata=part["expressions"],
                hovertemplate=f"{safe(name)}<br>%{{x}}: %{{y:.1%}} (%{{customdata}} expressions)<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        barmode="group",
        yaxis={"tickformat": ".0%", "title": "share of date expressions"},
        xaxis_title="how far the mentioned date lies from publication",
    )
    return titled(fig, "How far back articles look: share of date expressions by distance from publication", filters)


def _wrap(text: str, width: int = 80) -> str:
    """Break a long (already escaped) hover line at spaces."""
    lines, line = [], ""
    for word in text.split(" "):
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(lines)
