"""A live filter panel for JupyterLab: filter the corpus and watch the charts and tables follow.

``ExplorerPanel(corpus)`` shows controls (date range, outlets, entity search and multi-select, entity
types, co-occurrence level, measure and minimum count) above three plotly ``FigureWidget`` charts
(articles over time, the most mentioned entities, the strongest co-occurring pairs) and three tables
(pairs with their numbers, the matching articles, the copies among them: ``corpus.copies``, computed
for the whole corpus the first time the Copies tab is opened, then kept to the selection). Every control
change filters through ``Corpus.filter``, ``workbench.timeline``, ``workbench.frequencies`` and
``workbench.cooccurrence`` and updates the figures *in place*.

Live widgets need a running kernel: static reports (``workbench report``) never contain them.
Every string from articles goes through ``charts.safe`` (chart labels) or pandas' escaping (tables).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from workbench import params
from workbench.charts import TEMPLATE, describe_filters, safe
from workbench.corpus import Corpus
from workbench.focus import default_min_count
from workbench.ner import TYPES
from workbench.pairs import LEVELS, MEASURES, cooccurrence, empty_pairs
from workbench.prominence import frequencies
from workbench.timelines import timeline

#: Rows of the articles and copies tables.
TABLE_ROWS = 50
#: The position of the Copies tab.
COPIES_TAB = 2
COPIES_COLUMNS = [
    "published",
    "outlet",
    "title",
    "copy_of_outlet",
    "copy_of_title",
    "kind",
    "containment",
    "lag_hours",
    "credited",
]

#: Entities listed in the multi-select when the search box is empty (the most mentioned first).
MAX_OPTIONS = 200
#: Rows of controls wrap instead of running off the page, and the charts are one a row (JupyterLab at
#: 1280 px with the file browser open leaves about 850 px for an output; tests/test_lab.py checks it).
ROW = {"display": "flex", "flex_flow": "row wrap", "width": "100%", "max_width": "100%"}
EMPTY = "No articles match the filters"


class ExplorerPanel:
    """Filter controls wired to charts and tables that update in place.

    Attributes:
        start, end: ``DatePicker`` for the first and last publication day.
        outlets: ``SelectMultiple`` of outlets (none selected: all).
        search: ``Text`` narrowing the entity list; ``entities``: ``SelectMultiple`` (articles mentioning any).
        types: ``SelectMultiple`` of entity types counted in the charts.
        level, measure, min_count: co-occurrence settings.
        volume, top_entities, pairs_figure: ``go.FigureWidget`` charts.
        pairs_table, articles_table, copies_table, status: ``widgets.HTML``; ``tables``: their ``Tab``.
        selected: the filtered corpus; ``pairs``: the co-occurrence table shown.

    Example (in a notebook; the panel displays itself)::

        panel = ExplorerPanel(workbench.load_corpus())
        panel

    >>> from workbench import load_corpus
    >>> panel = ExplorerPanel(load_corpus(cache=False))
    >>> panel.level.value = "article"
    >>> len(panel.selected), panel.pairs_figure.data[0].orientation
    (1, 'h')
    """

    def __init__(
        self,
        corpus: Corpus,
        *,
        top_n: int = 15,
        level: str = "sentence",
        measure: str = "npmi",
        min_count: int | None = None,
    ):
        """Build the controls and charts; ``min_count`` None takes ``focus.default_min_count`` of the corpus size."""
        level, measure = params.choice(level, LEVELS, "level"), params.choice(measure, MEASURES, "measure")
        min_count = params.count(default_min_count(len(corpus)) if min_count is None else min_count, "min_count")
        self.corpus = corpus
        self.top_n = params.count(top_n, "top_n")
        published = corpus.articles["published"].dropna()
        first = published.min().date() if len(published) else None
        last = published.max().date() if len(published) else None
        self._frequencies = frequencies(corpus)
        self.selected = corpus
        self.pairs = empty_pairs()

        # empty pickers mean "no bound" (a bound would drop undated articles); min/max guide the choice
        self.start = widgets.DatePicker(description="From", value=None, min=first, max=last)
        self.end = widgets.DatePicker(description="To", value=None, min=first, max=last)
        outlets = sorted(str(o) for o in corpus.articles["outlet"].dropna().unique())
        self.outlets = widgets.SelectMultiple(options=outlets, description="Outlets", rows=min(6, max(2, len(outlets))))
        self.search = widgets.Text(description="Find", placeholder="entity name…", continuous_update=False)
        self.entities = widgets.SelectMultiple(options=self._entity_options(""), description="Entities", rows=6)
        present = [t for t in TYPES if t in set(self._frequencies["type"].dropna())] or list(TYPES)
        self.types = widgets.SelectMultiple(options=list(TYPES), value=present, description="Types", rows=4)
        self.level = widgets.ToggleButtons(options=list(LEVELS), value=level, description="Together in")
        self.measure = widgets.Dropdown(options=list(MEASURES), value=measure, description="Measure")
        self.min_count = widgets.BoundedIntText(value=min_count, min=1, max=1000, description="Min count")
        self.status = widgets.HTML()

        self.volume = _figure("Articles published", orientation="v")
        self.top_entities = _figure("Most mentioned entities (articles)", orientation="h")
        self.pairs_figure = _figure("Strongest co-occurring pairs", orientation="h")
        self.pairs_table = widgets.HTML()
        self.articles_table = widgets.HTML()
        self.copies_table = widgets.HTML()
        self.tables = widgets.Tab(
            children=[self.pairs_table, self.articles_table, self.copies_table], layout=widgets.Layout(width="100%")
        )
        for i, title in enumerate(("Pairs", "Articles", "Copies")):
            self.tables.set_title(i, title)

        self._held = False
        self.search.observe(self._on_search, names="value")
        for control in (
            self.start,
            self.end,
            self.outlets,
            self.entities,
            self.types,
            self.level,
            self.measure,
            self.min_count,
        ):
            control.observe(self._on_change, names="value")
        self.tables.observe(self._on_tab, names="selected_index")
        self.widget = self._layout()
        self.refresh()

    # -- display ----------------------------------------------------------------------------
    def _layout(self) -> widgets.Widget:
        """Controls and charts in rows that wrap: nothing is cut off in a narrow JupyterLab pane."""
        filters = widgets.HBox(
            [widgets.VBox([self.start, self.end]), self.outlets, widgets.VBox([self.search, self.entities])],
            layout=widgets.Layout(**ROW),
        )
        settings = widgets.HBox(
            [self.types, widgets.VBox([self.level, self.measure, self.min_count])], layout=widgets.Layout(**ROW)
        )
        for table in (self.pairs_table, self.articles_table, self.copies_table):
            table.layout = widgets.Layout(width="100%", overflow="auto")
        # one chart a row: a FigureWidget keeps plotly's default 700 px width whatever its box (plotly.py
        # issue 4027), so two side by side need 1,400 px and the second was cut off in JupyterLab at 1280 px
        charts = widgets.VBox(
            [self.volume, self.top_entities, self.pairs_figure],
            layout=widgets.Layout(width="100%"),
        )
        return widgets.VBox(
            [filters, settings, self.status, charts, self.tables],
            layout=widgets.Layout(width="100%", max_width="100%", overflow="auto"),  # a scrollbar, never a silent cut
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict | None:
        return self.widget._repr_mimebundle_(**kwargs)

    # -- callbacks --------------------------------------------------------------------------
    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls with one refresh at the end."""
        held, self._held = self._held, True
        try:
            yield
        finally:
            self._held = held
        if not held:
            self.refresh()

    def _on_change(self, change: dict) -> None:
        if not self._held:
            self.refresh()

    def _on_tab(self, change: dict) -> None:
        if change["new"] == COPIES_TAB:
            self._fill_copies(self.selected)

    def _on_search(self, change: dict) -> None:
        with self.hold():
            chosen = tuple(self.entities.value)
            options = self._entity_options(change["new"])
            values = {value for _, value in options}
            options += [(name, name) for name in chosen if name not in values]
            self.entities.options = options
            self.entities.value = chosen

    def _entity_options(self, text: str) -> list[tuple[str, str]]:
        freq = self._frequencies
        if text and text.strip():
            freq = freq[freq["entity"].str.casefold().str.contains(text.strip().casefold(), regex=False)]
        freq = freq.head(MAX_OPTIONS)
        return [
            (f"{e} ({t}, {n} art.)", str(e))
            for e, t, n in zip(freq["entity"], freq["type"], freq["articles"], strict=True)
        ]

    # -- computing ----------------------------------------------------------------------------
    @property
    def filters(self) -> dict[str, Any]:
        """The current filters, as ``Corpus.filter`` keywords."""
        return {
            "start": _day(self.start.value),
            "end": _day(self.end.value),
            "outlets": list(self.outlets.value) or None,
            "entities": list(self.entities.value) or None,
        }

    def refresh(self) -> None:
        """Filter the corpus with the current controls and update every chart and table."""
        filters = self.filters
        entities = filters.pop("entities")
        # pairs are measured on the date/outlet selection: within only the articles that mention X, X is
        # everywhere and its PMI with anyone is 0; the entity choice then keeps X's pairs
        base = self.corpus.filter(**filters)
        selected = base.filter(entities=entities) if entities else base
        self.selected = selected
        types = list(self.types.value) or None
        subtitle = describe_filters({**selected.filters, "types": types})
        if len(selected) == 0:
            self.pairs = self.pairs.iloc[:0]
            for fig in (self.volume, self.top_entities, self.pairs_figure):
                _clear(fig, EMPTY)
            self.pairs_table.value = self.articles_table.value = self.copies_table.value = (
                f"<p><strong>{EMPTY}.</strong></p>"
            )
            self.status.value = f"<p><strong>{EMPTY}</strong> ({len(self.corpus):,} articles loaded).</p>"
            return
        pairs = cooccurrence(
            base, level=self.level.value, types=types, min_count=self.min_count.value, measure=self.measure.value
        )
        chosen = set(self.entities.value)
        if chosen:
            pairs = pairs[pairs["entity_a"].isin(chosen) | pairs["entity_b"].isin(chosen)]
        self.pairs = pairs.head(self.top_n).reset_index(drop=True)
        self._draw_volume(selected, subtitle)
        self._draw_entities(selected, types, subtitle)
        self._draw_pairs(subtitle)
        self._fill_tables(selected)
        if self.tables.selected_index == COPIES_TAB:
            self._fill_copies(selected)
        else:
            self.copies_table.value = (
                ""  # filled when the tab is opened: finding copies takes a while on a large corpus
            )
        span = _span(selected)
        self.status.value = (
            f"<p><strong>{len(selected):,}</strong> of {len(self.corpus):,} articles · {span} · {subtitle}</p>"
        )

    def _draw_volume(self, selected: Corpus, subtitle: str) -> None:
        freq = _frequency(selected.articles["published"].dropna())
        unit = params.period_name(freq)
        counts = timeline(selected, freq=freq)
        with self.volume.batch_update():
            bar = self.volume.data[0]
            bar.x, bar.y = list(counts["period"]), counts["articles"].tolist()
            bar.hovertemplate = f"%{{x|%Y-%m-%d}}: %{{y}} articles<extra>per {unit}</extra>"
            _date_axis(self.volume, counts["period"], freq)
            _title(self.volume, f"Articles published per {unit}", subtitle)
            self.volume.layout.annotations = () if len(counts) else (_note("No publication dates"),)

    def _draw_entities(self, selected: Corpus, types: list[str] | None, subtitle: str) -> None:
        top = frequencies(selected, types=types, top_n=self.top_n).iloc[::-1]
        with self.top_entities.batch_update():
            bar = self.top_entities.data[0]
            bar.y = safe(top["entity"].tolist())
            bar.x = top["articles"].tolist()
            bar.customdata = list(zip(top["type"].astype(str), top["mentions"].tolist(), strict=True))
            bar.hovertemplate = "%{y} (%{customdata[0]}): %{x} articles, %{customdata[1]} mentions<extra></extra>"
            _title(self.top_entities, "Most mentioned entities (articles mentioning them)", subtitle)
            self.top_entities.layout.annotations = () if len(top) else (_note("No entities of these types"),)

    def _draw_pairs(self, subtitle: str) -> None:
        pairs = self.pairs.iloc[::-1]
        measure = self.measure.value
        labels = [
            f"{a} + {b}"
            for a, b in zip(safe(pairs["entity_a"].tolist()), safe(pairs["entity_b"].tolist()), strict=True)
        ]
        with self.pairs_figure.batch_update():
            bar = self.pairs_figure.data[0]
            bar.y = labels
            bar.x = pairs[measure].round(3).tolist()
            bar.customdata = pairs["count"].tolist()
            bar.hovertemplate = (
                f"%{{y}}: {measure} %{{x}}, together in %{{customdata}} {self.level.value}s<extra></extra>"
            )
            _title(self.pairs_figure, f"Co-occurring pairs by {measure} (same {self.level.value})", subtitle)
            self.pairs_figure.layout.annotations = () if len(pairs) else (_note("No pair reaches the minimum count"),)

    def _fill_tables(self, selected: Corpus) -> None:
        shown = self.pairs[["entity_a", "entity_b", "type_a", "type_b", "count", "articles", "pmi", "npmi", "jaccard"]]
        self.pairs_table.value = (
            shown.round(3).to_html(index=False, escape=True, border=0)
            if len(shown)
            else "<p>No pair reaches the minimum count.</p>"
        )
        articles = (
            selected.articles[["published", "outlet", "title"]]
            .head(TABLE_ROWS)
            .assign(published=lambda f: f["published"].dt.strftime("%Y-%m-%d"))
        )
        more = f"<p>First {TABLE_ROWS} of {len(selected):,} articles.</p>" if len(selected) > TABLE_ROWS else ""
        self.articles_table.value = articles.to_html(index=False, escape=True, border=0, na_rep="") + more

    def _fill_copies(self, selected: Corpus) -> None:
        """The copies among the selected articles: each later article beside the earlier one it shares text with."""
        table = copies_in(self.corpus.copies, selected.articles)
        if table.empty:
            self.copies_table.value = "<p>No two articles of this selection share text.</p>"
            return
        more = f"<p>First {TABLE_ROWS} of {len(table):,} copies.</p>" if len(table) > TABLE_ROWS else ""
        self.copies_table.value = table.head(TABLE_ROWS).to_html(index=False, escape=True, border=0, na_rep="") + more


def copies_in(copies: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """The pairs of ``copies`` whose two articles are both in ``articles``, most recent first:
    ``published, outlet, title, copy_of_outlet, copy_of_title, kind, containment, lag_hours, credited``.

    >>> copies_in(pd.DataFrame(columns=["article_id", "copy_of"]), pd.DataFrame(columns=["article_id"])).empty
    True
    """
    ids = set(articles["article_id"])
    rows = copies[copies["article_id"].isin(ids) & copies["copy_of"].isin(ids)]
    if rows.empty:
        return pd.DataFrame(columns=COPIES_COLUMNS)
    meta = articles.set_index("article_id")
    out = pd.DataFrame(
        {
            "published": rows["article_id"].map(meta["published"]).dt.strftime("%Y-%m-%d %H:%M"),
            "outlet": rows["article_id"].map(meta["outlet"]),
            "title": rows["article_id"].map(meta["title"]),
            "copy_of_outlet": rows["copy_of"].map(meta["outlet"]),
            "copy_of_title": rows["copy_of"].map(meta["title"]),
            "kind": rows["kind"],
            "containment": rows["containment"].round(2),
            "lag_hours": rows["lag_hours"].round(1),
            "credited": rows["credited"],
        }
    )
    return out.sort_values("published", ascending=False, kind="stable").reset_index(drop=True)


def _date_axis(fig: go.FigureWidget, periods: pd.Series, freq: str) -> None:
    """Day ticks (never hours or ``23:59:59.9996``) and day-wide bars when the periods are days.

    Plotly picks sub-day ticks for a span of one or two days, and draws a bar one millisecond wide.
    """
    axis = fig.layout.xaxis
    if freq != "D" or len(periods) == 0:
        axis.tickformat, axis.dtick, axis.range = None, None, None
        fig.data[0].width = None
        return
    first, last = pd.Timestamp(periods.min()), pd.Timestamp(periods.max())
    days = (last - first).days + 1
    axis.tickformat = "%Y-%m-%d"
    axis.dtick = 86_400_000 * max(1, -(-days // 10))  # at most about ten labels, each a whole day
    axis.range = [first - pd.Timedelta(hours=12), last + pd.Timedelta(hours=12)] if days <= 14 else None
    fig.data[0].width = 0.8 * 86_400_000


def _figure(title: str, *, orientation: str) -> go.FigureWidget:
    fig = go.FigureWidget(data=[go.Bar(orientation=orientation, x=[], y=[])])
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0.01},
        margin={"t": 70, "l": 10, "r": 10},
        height=360,
        autosize=True,
    )
    if orientation == "h":
        fig.update_yaxes(automargin=True)
    return fig


def _title(fig: go.FigureWidget, title: str, subtitle: str) -> None:
    fig.layout.title.text = f"{title}<br><sup>{subtitle}</sup>"


def _note(text: str) -> dict:
    return {
        "text": safe(text),
        "showarrow": False,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "font": {"size": 15},
    }


def _clear(fig: go.FigureWidget, message: str) -> None:
    with fig.batch_update():
        fig.data[0].x, fig.data[0].y = [], []
        fig.layout.annotations = (_note(message),)
        fig.layout.title.text = message


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _frequency(published: pd.Series) -> str:
    """Days for up to two months, weeks for up to two years, months beyond."""
    if len(published) == 0:
        return "D"
    days = (published.max() - published.min()).days
    return "D" if days <= 62 else "W" if days <= 730 else "M"


def _span(selected: Corpus) -> str:
    published = selected.articles["published"].dropna()
    return f"{published.min():%Y-%m-%d} to {published.max():%Y-%m-%d}" if len(published) else "no publication dates"
