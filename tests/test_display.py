"""workbench.display: figures and tables for offline reports, with the data behind them as CSV in a report run."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench import display


@pytest.fixture
def shown(monkeypatch):
    """The HTML each call displays; a fresh kernel state."""
    out: list[str] = []
    monkeypatch.setattr(display, "display", lambda obj: out.append(obj.data if hasattr(obj, "data") else str(obj)))
    monkeypatch.setattr(display, "_state", {"plotly_js": False, "itables": False, "names": set(), "table_chars": 0})
    monkeypatch.delenv(display.RUN_DIR_ENV, raising=False)
    monkeypatch.delenv(display.NOTEBOOK_ENV, raising=False)
    return out


@pytest.fixture
def run_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(display.RUN_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(display.NOTEBOOK_ENV, "20-source-attribution")
    return tmp_path


def figure() -> go.Figure:
    return go.Figure(
        go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": {"text": "Quotes per source<br><sup>all articles</sup>"}}
    )


def test_live_session_inlines_plotly_once_and_writes_nothing(shown, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    display.show(figure(), data=pd.DataFrame({"source": ["a"], "quotes": [1]}))
    display.show(figure())
    assert "plotly.js v" in shown[0] and "plotly.js v" not in shown[1]
    assert "workbench-download" not in "".join(shown) and not list(tmp_path.iterdir())


def test_report_run_loads_plotly_from_the_run_folder_and_writes_the_data(shown, run_folder):
    data = pd.DataFrame({"source": ["Zora Quillfeather", "a senior official"], "quotes": [3, 1]})
    display.show(figure(), data=data)
    display.show(figure(), data=data)
    assert shown[0].startswith(display.PLOTLY_TAG) and display.PLOTLY_TAG not in shown[1]
    assert "plotly.js v" not in "".join(shown)
    assert 'href="data/20-source-attribution/quotes-per-source.csv"' in shown[0]
    assert 'href="data/20-source-attribution/quotes-per-source-2.csv"' in shown[1]  # a name is never reused
    written = pd.read_csv(run_folder / "data" / "20-source-attribution" / "quotes-per-source.csv")
    assert written.equals(data)


def test_a_large_table_says_how_much_it_shows_and_links_all_of_it(shown, run_folder):
    frame = pd.DataFrame(
        {"source": [f"source {i}" for i in range(3_000)], "content": ["a claim, " * 20] * 3_000}, index=range(5, 3_005)
    )
    frame.loc[7, "content"] = "x" * (display.MAX_CELL_CHARS + 500)
    display.show_table(frame, caption="Every quote", name="quotes", max_chars=50_000)
    note = shown[-1]
    assert "Showing " in note and " of 3,000 rows" in note and "texts over 1,000 characters cut" in note
    assert 'href="data/20-source-attribution/quotes.csv"' in note
    full = pd.read_csv(run_folder / "data" / "20-source-attribution" / "quotes.csv")
    assert len(full) == 3_000 and full["content"].str.len().max() == display.MAX_CELL_CHARS + 500
    assert list(full.columns) == ["source", "content"]  # no index column


def test_small_table_shows_every_row_without_index_and_wraps_text(shown, run_folder):
    frame = pd.DataFrame(
        {"source": ["Zora"], "content": ["She said:\nthe talks went well, and the council agreed to meet again."]},
        index=[42],
    )
    display.show_table(frame, caption="Quotes", name="quotes")
    page = "".join(shown)
    assert display.TABLE_CSS in page and "workbench-table" in page and "workbench-text" in page
    assert "All 1 rows" in page and ">42<" not in page
    assert "white-space: pre-wrap" in display.TABLE_CSS


def test_fit_keeps_rows_within_the_budget():
    frame = pd.DataFrame({"text": ["y" * 100] * 100})
    rows, cut = display._fit(frame, 1_040)
    assert len(rows) == 10 and not cut
    assert len(display._fit(frame.iloc[:0], 10)[0]) == 0


def test_tables_of_one_page_share_a_budget(shown, run_folder, monkeypatch):
    monkeypatch.setattr(display, "MAX_PAGE_TABLE_CHARS", 100_000)
    monkeypatch.setattr(display, "MIN_TABLE_CHARS", 10_000)
    frame = pd.DataFrame({"content": ["z" * 96] * 2_000})  # 100 characters a row
    display.show_table(frame, name="first", max_chars=80_000)
    display.show_table(frame, name="second", max_chars=80_000)
    display.show_table(frame, name="third", max_chars=80_000)
    notes = [html for html in shown if "workbench-download" in html and "Full table" in html]
    assert [
        "Showing 800 of 2,000" in notes[0],
        "Showing 200 of 2,000" in notes[1],
        "Showing 100 of 2,000" in notes[2],
    ] == [True] * 3


def test_empty_columns_are_left_out_of_the_page_not_the_csv(shown, run_folder):
    frame = pd.DataFrame(
        {"outlet": pd.array([None, None], dtype="string"), "content": ["a long quote " * 5, "another long quote " * 5]}
    )
    display.show_table(frame, name="no-outlets")
    assert list(display._fit(frame, 10_000)[0].columns) == ["content"]  # what itables is given
    assert list(pd.read_csv(run_folder / "data" / "20-source-attribution" / "no-outlets.csv").columns) == [
        "outlet",
        "content",
    ]
