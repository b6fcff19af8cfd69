"""The ``workbench`` command: ingest and check (report has its own tests)."""

import json

from click.testing import CliRunner

from workbench.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_ingest_prints_summary():
    result = run("ingest", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "articles   1 " in result.output
    assert "2024-11-14 .. 2024-11-14" in result.output
    assert "0 errors, 0 warnings" in result.output


def test_ingest_json(fixtures_dir):
    result = run("ingest", str(fixtures_dir / "corpus"), "--json", "--no-cache")
    summary = json.loads(result.output)
    assert summary["articles"] == 9
    assert summary["problems_by_reason"]["empty"] == 1


def test_check_exits_non_zero_on_errors(fixtures_dir):
    result = run("check", str(fixtures_dir / "corpus"), "--no-cache")
    assert result.exit_code == 1
    assert "empty.txt: error: empty: the file is empty" in result.output
    assert "bad_date.txt:1: error: bad_date" in result.output


def test_check_clean_corpus_exits_zero():
    assert run("check", "--no-cache").exit_code == 0


def test_missing_path_is_a_clean_error(tmp_path):
    result = run("ingest", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: corpus path does not exist: {tmp_path / 'nowhere'}"


def test_unknown_format_is_a_clean_error():
    result = run("check", "--format", "xml")
    assert result.exit_code == 2 and "unknown corpus format 'xml'" in result.output


def _body_html_table(tmp_path):
    table = tmp_path / "articles.csv"
    table.write_text(
        "date,headline,body_html\n2031-03-01,Talks,Zora Quillfeather said the talks went well.\n", encoding="utf-8"
    )
    return table


def test_columns_maps_a_table_column_on_ingest_and_check(tmp_path):
    table = _body_html_table(tmp_path)
    assert (
        json.loads(run("ingest", str(table), "--json", "--no-cache").output)["articles"] == 0
    )  # no text column recognised
    result = run("ingest", str(table), "--json", "--no-cache", "--columns", "body_html=text,headline=title")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["articles"] == 1
    assert run("check", str(table), "--no-cache", "--columns", "body_html=text").exit_code == 0


def test_columns_is_checked(tmp_path):
    table = _body_html_table(tmp_path)
    result = run("ingest", str(table), "--columns", "body_html")
    assert result.exit_code == 2 and "THEIR_COLUMN=ARTICLE_COLUMN" in result.output
    result = run("ingest", str(table), "--columns", "body_html=body")
    assert result.exit_code == 2 and "'body' is not an article column" in result.output


def test_ingest_with_tables_leaves_every_table_cached(folder, cache_dir):
    result = run("ingest", str(folder), "--tables", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["tables_computed"] == {"sentences": 3, "mentions": 3, "attributions": 3, "dates": 3}
    again = json.loads(run("ingest", str(folder), "--tables", "--json").output)
    assert again["tables_computed"] == {"sentences": 0, "mentions": 0, "attributions": 0, "dates": 0}
    text = run("ingest", str(folder), "--tables").output
    assert "table      mentions: 0 articles computed" in text and "tables in  " in text
