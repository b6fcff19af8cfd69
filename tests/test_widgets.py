"""workbench.widgets.ExplorerPanel: set widget values, check that the figures and tables follow.

A small fictional corpus is built in memory (articles + a mentions table), so the callbacks are tested
on known numbers without depending on the entity extractor.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench.corpus import Corpus
from workbench.errors import WorkbenchError, problems_frame
from workbench.timelines import timeline
from workbench.widgets import EMPTY, ExplorerPanel

#: (article_id, published, outlet, title, [(sentence, entity, type), ...])
Q, N, F, T = (
    ("Zora Quillfeather", "PERSON"),
    ("Bram Nettlefield", "PERSON"),
    ("Fictopolis", "GPE"),
    ("Trade Council", "ORG"),
)
ARTICLES = [
    ("a1", "2031-03-01", "Examplestan Herald", "Quillfeather meets Nettlefield", [(0, *Q), (0, *N), (1, *F)]),
    ("a2", "2031-03-02", "Examplestan Herald", "Quillfeather in Fictopolis", [(0, *Q), (0, *F)]),
    ("a3", "2031-03-20", "Daily Wire of Nowhere", "Trade Council <b>report</b>", [(0, *T), (1, *N), (1, *F)]),
    ("a4", "2031-04-05", "Daily Wire of Nowhere", "<script>window.__pwned = 1</script>", [(0, *T), (0, *Q)]),
]


@pytest.fixture
def corpus() -> Corpus:
    articles = pd.DataFrame(
        {
            "article_id": pd.array([a[0] for a in ARTICLES], dtype="string"),
            "published": pd.to_datetime([a[1] for a in ARTICLES]).astype("datetime64[ns]"),
            "outlet": pd.array([a[2] for a in ARTICLES], dtype="string"),
            "title": pd.array([a[3] for a in ARTICLES], dtype="string"),
            "n_words": [100] * len(ARTICLES),
        }
    )
    rows = [(a[0], s, e, t) for a in ARTICLES for s, e, t in a[4]]
    mentions = pd.DataFrame(rows, columns=["article_id", "sentence", "entity", "type"]).astype(
        {"article_id": "string", "entity": "string", "type": "string"}
    )
    mentions["start"] = mentions["end"] = 0
    return Corpus(articles, problems_frame([]), tables={"mentions": mentions})


@pytest.fixture
def panel(corpus) -> ExplorerPanel:
    return ExplorerPanel(corpus, top_n=10, level="article", measure="count", min_count=1)


def bars(fig) -> dict:
    bar = fig.data[0]
    return dict(zip(bar.y, bar.x, strict=True)) if bar.orientation == "h" else dict(zip(bar.x, bar.y, strict=True))


def test_panel_uses_figure_widgets(panel):
    for fig in (panel.volume, panel.top_entities, panel.pairs_figure):
        assert isinstance(fig, go.FigureWidget)
    assert "<strong>4</strong> of 4 articles" in panel.status.value


def test_initial_charts(panel):
    assert bars(panel.top_entities) == {
        "Zora Quillfeather": 3,
        "Fictopolis": 3,
        "Bram Nettlefield": 2,
        "Trade Council": 2,
    }
    assert bars(panel.pairs_figure)["Fictopolis + Zora Quillfeather"] == 2
    assert sum(panel.volume.data[0].y) == 4


def test_volume_is_the_timeline(panel):
    # 2031-03-01 to 2031-04-05: under two months, so days, zero-filled like workbench.timeline
    daily = timeline(panel.selected, freq="D")
    assert list(panel.volume.data[0].y) == daily["articles"].tolist()
    assert len(daily) == 36 and daily["articles"].sum() == 4
    assert "per day" in panel.volume.layout.title.text


def test_options_are_checked(corpus):
    with pytest.raises(WorkbenchError, match="level"):
        ExplorerPanel(corpus, level="paragraph")
    assert ExplorerPanel(corpus, level="Article", min_count="2").min_count.value == 2


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2031, 3, 2), None, 3),
        (None, dt.date(2031, 3, 2), 2),
        (dt.date(2031, 3, 15), dt.date(2031, 3, 31), 1),
    ],
)
def test_date_range_filters_everything(panel, start, end, expected):
    panel.start.value, panel.end.value = start, end
    assert len(panel.selected) == expected
    assert sum(panel.volume.data[0].y) == expected
    assert f"<strong>{expected}</strong> of 4 articles" in panel.status.value


def test_outlets_filter_updates_figures_in_place(panel):
    before = panel.top_entities
    panel.outlets.value = ("Daily Wire of Nowhere",)
    assert panel.top_entities is before  # the same widget, new data
    assert bars(panel.top_entities) == {
        "Trade Council": 2,
        "Zora Quillfeather": 1,
        "Bram Nettlefield": 1,
        "Fictopolis": 1,
    }
    assert "Daily Wire of Nowhere" in panel.volume.layout.title.text


def test_entity_search_narrows_the_options_and_keeps_the_selection(panel):
    panel.entities.value = ("Trade Council",)
    panel.search.value = "quill"
    assert [value for _, value in panel.entities.options] == ["Zora Quillfeather", "Trade Council"]
    assert panel.entities.value == ("Trade Council",)


def test_entity_selection_keeps_articles_and_pairs_with_it(panel):
    panel.entities.value = ("Bram Nettlefield",)
    assert sorted(panel.selected.articles["article_id"]) == ["a1", "a3"]
    assert set(panel.pairs["entity_a"]) | set(panel.pairs["entity_b"]) >= {"Bram Nettlefield"}
    assert all(
        "Bram Nettlefield" in (a, b) for a, b in zip(panel.pairs["entity_a"], panel.pairs["entity_b"], strict=True)
    )
    # measured over all 4 articles, not only Nettlefield's 2 (where his PMI with anyone would be 0)
    pair = panel.pairs.set_index(["entity_a", "entity_b"]).loc[("Bram Nettlefield", "Fictopolis")]
    assert pair["count"] == 2 and pair["pmi"] == pytest.approx(0.415, abs=1e-3)  # log2(2 * 4 / (2 * 3))


def test_types_restrict_entities_and_pairs(panel):
    panel.types.value = ("PERSON",)
    assert set(bars(panel.top_entities)) == {"Zora Quillfeather", "Bram Nettlefield"}
    assert list(bars(panel.pairs_figure)) == ["Bram Nettlefield + Zora Quillfeather"]


def test_level_and_measure_change_the_pairs(panel):
    article_level = bars(panel.pairs_figure)
    panel.level.value = "sentence"
    sentence_level = bars(panel.pairs_figure)
    assert sentence_level != article_level
    assert "Bram Nettlefield + Trade Council" not in sentence_level  # different sentences of a3
    panel.measure.value = "npmi"
    assert "by npmi" in panel.pairs_figure.layout.title.text
    assert max(panel.pairs_figure.data[0].x) <= 1.0
    assert list(panel.pairs.columns) == [
        "entity_a",
        "entity_b",
        "type_a",
        "type_b",
        "count",
        "articles",
        "pmi",
        "npmi",
        "jaccard",
    ]


def test_min_count_empties_the_pairs_plainly(panel):
    panel.min_count.value = 5
    assert len(panel.pairs_figure.data[0].y) == 0
    assert panel.pairs_figure.layout.annotations[0].text == "No pair reaches the minimum count"
    assert "No pair reaches the minimum count" in panel.pairs_table.value


def test_no_matching_article_says_so(panel):
    with panel.hold():  # inside the corpus span (the pickers clamp to it) but between two articles
        panel.start.value, panel.end.value = dt.date(2031, 3, 21), dt.date(2031, 4, 4)
    assert len(panel.selected) == 0
    for fig in (panel.volume, panel.top_entities, panel.pairs_figure):
        assert len(fig.data[0].x) == 0 and fig.layout.annotations[0].text == EMPTY
    assert EMPTY in panel.status.value and EMPTY in panel.articles_table.value
    panel.start.value = panel.end.value = None
    assert len(panel.selected) == 4 and not panel.volume.layout.annotations


def test_hold_refreshes_once(panel, monkeypatch):
    calls = []
    original = panel.refresh
    monkeypatch.setattr(panel, "refresh", lambda: (calls.append(1), original()))
    with panel.hold():
        panel.outlets.value = ("Examplestan Herald",)
        panel.level.value = "sentence"
    assert len(calls) == 1 and len(panel.selected) == 2


def test_article_text_is_escaped(panel):
    assert "&lt;script&gt;" in panel.articles_table.value and "<script>" not in panel.articles_table.value
    assert "&lt;b&gt;report&lt;/b&gt;" in panel.articles_table.value


def test_real_corpus_panel(seed_corpus):
    panel = ExplorerPanel(seed_corpus)
    assert len(panel.pairs) > 0
    assert "Joe Biden" in bars(panel.top_entities)
    panel.search.value = "xi"
    assert "Xi Jinping" in [value for _, value in panel.entities.options]


def test_min_count_defaults_from_the_corpus_size(corpus):
    assert ExplorerPanel(corpus).min_count.value == 1  # 4 articles
    articles = pd.concat([corpus.articles] * 30, ignore_index=True).assign(
        article_id=lambda f: pd.array([f"x{i}" for i in range(len(f))], dtype="string")
    )
    big = Corpus(articles, problems_frame([]), tables={"mentions": corpus.mentions.iloc[:0]})
    assert ExplorerPanel(big).min_count.value == 2  # 120 articles
    assert ExplorerPanel(big, min_count=7).min_count.value == 7


@pytest.mark.parametrize("days", [1, 2])
def test_one_or_two_days_show_day_ticks(corpus, days):
    panel = ExplorerPanel(corpus, min_count=1)
    panel.start.value, panel.end.value = dt.date(2031, 3, 1), dt.date(2031, 3, days)
    axis = panel.volume.layout.xaxis
    assert axis.tickformat == "%Y-%m-%d" and axis.dtick == 86_400_000
    assert len(panel.volume.data[0].x) == days and panel.volume.data[0].width == pytest.approx(0.8 * 86_400_000)
    low, high = (pd.Timestamp(v) for v in axis.range)
    assert low < pd.Timestamp("2031-03-01") and high > pd.Timestamp(f"2031-03-0{days}")


def test_layout_wraps_to_fit_a_narrow_pane(panel):
    """JupyterLab at 1280 px with the file browser open leaves about 850 px: rows of controls wrap, one chart a row.

    A FigureWidget stays 700 px wide whatever its box, so charts side by side would need 1,400 px
    (tests/test_lab.py checks the panel in a real JupyterLab).
    """
    import ipywidgets as widgets

    rows = [w for w in _walk(panel.widget) if isinstance(w, widgets.HBox)]
    assert rows and all(w.layout.flex_flow == "row wrap" for w in rows)
    assert not any(
        isinstance(w, widgets.HBox) and any(isinstance(c, go.FigureWidget) for c in _walk(w))
        for w in _walk(panel.widget)
    )
    boxes = [w for w in _walk(panel.widget) if isinstance(w, widgets.Box) and w.layout.min_width]
    assert sum(int(b.layout.min_width.removesuffix("px")) for b in boxes) <= 850
    assert panel.widget.layout.max_width == "100%" and panel.widget.layout.overflow != "hidden"
    assert all(
        fig.layout.width is None and fig.layout.autosize
        for fig in (panel.volume, panel.top_entities, panel.pairs_figure)
    )


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_copies_tab_lists_the_copies_of_the_selection_when_opened(tmp_path):
    """The seed, a credited copy in another outlet and an uncredited one: the Copies tab lists both pairs
    among the selected articles (computed only once the tab is opened), and follows the filters."""
    from workbench import config, load_corpus

    seed = next(config.SEEDS_DIR.glob("*.txt")).read_text(encoding="utf-8")
    line = "Source: " + seed.split("Source: ")[1].split("\n")[0]
    (tmp_path / "original.txt").write_text(seed, encoding="utf-8")
    for day, credit in (("15", "Kyiv Morning Star with reference to European Pravda"), ("16", "Dnipro Evening Lamp")):
        copy = seed.replace("date 2024-11-14", f"date 2024-11-{day}").replace(line, f"Source: {credit}")
        (tmp_path / f"copy{day}.txt").write_text(copy, encoding="utf-8")
    panel = ExplorerPanel(load_corpus(tmp_path, cache=False), level="article", min_count=1)
    assert panel.copies_table.value == ""  # not computed before the tab is opened
    panel.tables.selected_index = 2
    html = panel.copies_table.value
    assert (
        html.count("<tr>") == 3
    )  # three pairs (header rows carry a style): both copies of the original, one of the other
    assert "Dnipro Evening Lamp" in html and "Kyiv Morning Star" in html and "exact" in html
    panel.outlets.value = ("Dnipro Evening Lamp",)  # the tab stays open: refreshed with the filters
    assert panel.copies_table.value == "<p>No two articles of this selection share text.</p>"
    panel.outlets.value = ("Dnipro Evening Lamp", "European Pravda")
    assert panel.copies_table.value.count("<tr>") == 1 and "European Pravda" in panel.copies_table.value
