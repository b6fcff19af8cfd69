"""Show figures and tables in notebooks so that they survive HTML export offline.

Notebooks call these instead of ``fig.show()`` or bare DataFrames:

- :func:`show` renders a plotly figure as HTML, with plotly.js embedded the first time in a kernel
  and reused after (papermill's default ``plotly_mimetype`` output is dropped by nbconvert).
- :func:`show_table` renders a searchable itables table with its JavaScript embedded
  (``connected=False``); cell text is escaped, never interpreted as HTML.
- :func:`notice` prints a plain message (e.g. "no articles match the filters").
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import HTML, display

_state = {"plotly_js": False, "itables": False}


def figure_html(fig: go.Figure, *, include_plotlyjs: bool) -> str:
    """A figure as an HTML fragment: no CDN, no MathJax, a fixed config."""
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=include_plotlyjs,
        include_mathjax=False,
        config={"displaylogo": False, "responsive": True},
    )


def show(fig: go.Figure) -> None:
    """Display a plotly figure as self-contained HTML (plotly.js inlined once per kernel)."""
    fragment = figure_html(fig, include_plotlyjs=not _state["plotly_js"])
    _state["plotly_js"] = True
    display(HTML(fragment))


def show_table(frame: pd.DataFrame, *, caption: str | None = None, **options) -> None:
    """Display a searchable, sortable table; its JavaScript is embedded (works offline)."""
    import itables

    if not _state["itables"]:
        itables.init_notebook_mode(all_interactive=False, connected=False)
        _state["itables"] = True
    itables.show(frame, caption=caption, allow_html=False, **options)


def notice(text: str) -> None:
    """A plain, escaped message in the output (for empty results and skipped charts)."""
    display(HTML(f'<p class="workbench-notice"><strong>{html.escape(text)}</strong></p>'))
