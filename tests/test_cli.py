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
