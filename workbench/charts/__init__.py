"""Plotly figures from tidy tables. One module per analysis (``charts.cooccurrence``,
``charts.attribution``, ``charts.timeline``); helpers shared by all of them live here.

Article text is untrusted: plotly renders a subset of HTML in labels and hover text (``<a href>``,
``<b>``...), so every string that comes from an article goes through :func:`safe` first.
A chart never knows where it is published; notebooks pass figures to ``workbench.display.show``.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

TEMPLATE = "plotly_white"
#: How a missing outlet (NA in the analysis tables: the article names none) is labelled in charts.
NO_OUTLET = "no outlet named"


def safe(value: Any, *, limit: int | None = None) -> Any:
    """Escape one string (or every string of a Series/list) for plotly labels and hover text.

    >>> safe('<img src=x onerror=alert(1)>')
    '&lt;img src=x onerror=alert(1)&gt;'
    """
    if isinstance(value, pd.Series):
        return value.map(lambda v: safe(v, limit=limit))
    if isinstance(value, list | tuple):
        return [safe(v, limit=limit) for v in value]
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    # plotly decodes numeric entities but shows "&quot;" literally: use the numeric form for quotes
    return html.escape(text, quote=True).replace("&quot;", "&#34;")


def describe_filters(filters: dict[str, Any] | None) -> str:
    """``"2024-11-01 to 2024-11-30 · outlets: European Pravda"`` (escaped), or ``"all articles"``."""
    if not filters:
        return "all articles"
    parts = []
    start, end = filters.get("start"), filters.get("end")
    if start or end:
        parts.append(f"{start or '…'} to {end or '…'}")
    for key in ("outlets", "entities", "types", "kinds"):
        value = filters.get(key)
        if value:
            values = [value] if isinstance(value, str) else list(value)
            parts.append(f"{key}: {', '.join(map(str, values))}")
    return safe(" · ".join(parts)) if parts else "all articles"


def titled(fig: go.Figure, title: str, subtitle: str | None = None) -> go.Figure:
    """Apply the house style: a title saying what is counted, a subtitle with the filters."""
    text = f"{title}<br><sup>{subtitle}</sup>" if subtitle else title
    fig.update_layout(template=TEMPLATE, title={"text": text, "x": 0.01, "xanchor": "left"}, margin={"t": 80})
    _widen_single_date(fig)
    return fig


def _widen_single_date(fig: go.Figure) -> None:
    """A date axis with one distinct date gets a week around it and day ticks.

    Otherwise plotly zooms into a millisecond and labels it "23:59:59.999" (one article, one day).
    """
    for axis in ("x", "y"):
        values = set()
        for trace in fig.data:
            data = getattr(trace, axis, None)
            if data is not None and trace.type not in ("heatmap", "sankey"):
                values.update(pd.Series(data).dropna().tolist())
        if len(values) != 1:
            continue
        (value,) = values
        if not isinstance(value, pd.Timestamp | datetime.date) or isinstance(value, bool):
            continue
        day = pd.Timestamp(value)
        for trace in fig.data:
            if trace.type == "bar" and trace.width is None:
                trace.width = 0.8 * 86_400_000  # a bar one day wide (plotly would make it one millisecond)
        fig.update_layout(
            {
                f"{axis}axis": {
                    "range": [day - pd.Timedelta(days=3.5), day + pd.Timedelta(days=3.5)],
                    "tickformat": "%Y-%m-%d",
                    "dtick": 86_400_000,
                }
            }
        )


def empty_figure(message: str) -> go.Figure:
    """A figure that says plainly why there is nothing to draw (instead of empty axes)."""
    fig = go.Figure()
    fig.add_annotation(text=safe(message), showarrow=False, font={"size": 16}, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(template=TEMPLATE, xaxis={"visible": False}, yaxis={"visible": False}, height=240)
    return fig


def top(values: Iterable[Any], n: int) -> list[Any]:
    """The first ``n`` distinct values, in order."""
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
            if len(out) == n:
                break
    return out
