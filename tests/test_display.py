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
    display.show(figure(), data=data.iloc[:1])
    assert shown[0].startswith(display.PLOTLY_TAG) and display.PLOTLY_TAG not in shown[1]
    assert "plotly.js v" not in "".join(shown)
    assert 'href="data/20-source-attribution/quotes-per-source.csv"' in shown[0]
    assert 'href="data/20-source-attribution/quotes-per-source-2.csv"' in shown[1]  # a name is never reused
    written = pd.read_csv(run_folder / "data" / "20-source-attribution" / "quotes-per-source.csv")
    assert written.equals(data)
    assert "(2 rows, CSV, " in shown[0]


def test_the_same_data_twice_is_written_once(shown, run_folder):
    data = pd.DataFrame({"source": ["Zora Quillfeather"], "quotes": [3]})
    display.show(figure(), data=data, name="by-kind")
    display.show_table(data, name="by-kind-table")
    assert 'href="data/20-source-attribution/by-kind.csv"' in shown[0]
    assert 'href="data/20-source-attribution/by-kind.csv"' in shown[-1]
    assert [p.name for p in (run_folder / "data" / "20-source-attribution").iterdir()] == ["by-kind.csv"]


def quotes(rows: int, *, start: int = 0) -> pd.DataFrame:
    """A table of distinct quotes (about 95 bytes a row as CSV; text that compresses like prose does not)."""
    import random

    rng = random.Random(rows)
    words = [f"w{rng.randrange(5_000)}" for _ in range(rows * 12)]
    return pd.DataFrame(
        {
            "rank": range(start, start + rows),
            "source": [f"source {i % 97}" for i in range(rows)],
            "content": [" ".join(words[i * 12 : (i + 1) * 12]) for i in range(rows)],
        }
    )


def test_a_large_csv_is_gzip_compressed_and_says_so(shown, run_folder):
    frame = quotes(3_000)
    assert len(frame.to_csv(index=False)) > display.GZIP_ABOVE_BYTES
    display.show(figure(), data=frame, name="quotes")
    folder = run_folder / "data" / "20-source-attribution"
    assert [p.name for p in folder.iterdir()] == ["quotes.csv.gz"]
    assert pd.read_csv(folder / "quotes.csv.gz").equals(frame)  # pandas reads it as it is
    assert 'href="data/20-source-attribution/quotes.csv.gz"' in shown[0]
    assert "3,000 rows, CSV, gzip-compressed" in shown[0] and "first" not in shown[0]


def test_a_table_over_the_budget_is_its_first_rows_and_says_so(shown, run_folder, monkeypatch):
    monkeypatch.setenv(display.DATA_BYTES_ENV, "60000")
    display.show_table(quotes(200), name="top-sources")  # small: written whole, counted
    display.show_table(quotes(20_000, start=1_000), name="quotes")
    display.show_table(quotes(100, start=50_000), name="late")  # the budget is spent: a small table is still whole
    folder = run_folder / "data" / "20-source-attribution"
    sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert sizes["top-sources.csv"] <= display.SMALL_DATA_BYTES and sizes["late.csv"] <= display.SMALL_DATA_BYTES
    assert sum(sizes.values()) <= 60_000 + display.SMALL_DATA_BYTES
    written = pd.read_csv(folder / "quotes.csv.gz")
    assert 1_000 < len(written) < 20_000
    assert written.equals(quotes(20_000, start=1_000).head(len(written)))  # the first rows, in the table's order
    assert len(pd.read_csv(folder / "late.csv")) == 100 and len(pd.read_csv(folder / "top-sources.csv")) == 200
    note = next(html for html in shown if "quotes.csv.gz" in html)
    assert f"first {len(written):,} of 20,000 rows" in note and "workbench report --full-data" in note
    assert "Full table" not in note
    late = next(html for html in shown if "late.csv" in html)
    assert "first" not in late and "Full table" in late


def test_without_a_budget_every_row_is_written(shown, run_folder):
    display.show_table(quotes(20_000), name="quotes")
    assert len(pd.read_csv(run_folder / "data" / "20-source-attribution" / "quotes.csv.gz")) == 20_000
    assert "full-data" not in shown[-1]


def test_the_run_budget_is_shared_by_the_notebooks():
    assert display.notebook_data_bytes(4) * 4 == display.RUN_DATA_BYTES
    assert display.notebook_data_bytes(1) == display.RUN_DATA_BYTES
    assert display.notebook_data_bytes(4, full_data=True) is None


def test_a_large_table_says_how_much_it_shows_and_links_all_of_it(shown, run_folder):
    frame = pd.DataFrame(
        {"source": [f"source {i}" for i in range(3_000)], "content": ["a claim, " * 20] * 3_000}, index=range(5, 3_005)
    )
    frame.loc[7, "content"] = "x" * (display.MAX_CELL_CHARS + 500)
    display.show_table(frame, caption="Every quote", name="quotes", max_chars=50_000)
    note = shown[-1]
    assert "Showing " in note and " of 3,000 rows" in note and "texts over 1,000 characters cut" in note
    assert 'href="data/20-source-attribution/quotes.csv.gz"' in note
    full = pd.read_csv(run_folder / "data" / "20-source-attribution" / "quotes.csv.gz")
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
