"""workbench.reports.parameters: choosing notebooks, ``-p`` values, parameters files, checks against parameters cells.

Uses the purpose-built notebooks in tests/fixtures/notebooks; nothing here executes a notebook.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from workbench import reports
from workbench.cli import main
from workbench.errors import WorkbenchError

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
SUCCEEDS, RAISES = (str(NOTEBOOKS / f"{n}.ipynb") for n in ("succeeds", "raises"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", 5),
        ("0.5", 0.5),
        ("true", True),
        ("None", None),
        ("null", None),
        ("2024-11-14", "2024-11-14"),
        ("[AP, Reuters]", ["AP", "Reuters"]),
        ("European Pravda", "European Pravda"),
        ("'10'", "10"),
    ],
)
def test_parse_value(text, expected):
    assert reports.parse_value(text) == expected


def test_parameters_file_and_options_merge(tmp_path):
    file = tmp_path / "params.yaml"
    file.write_text("start: 2024-01-01\ntop_n: 5\nnotebooks:\n  plotly.ipynb:\n    end: 2024-12-31\n", encoding="utf-8")
    common, per_notebook = reports.parameters_from_options([("top_n", "7")], file=file, start="2024-02-01")
    assert common == {"start": "2024-02-01", "top_n": 7}
    assert per_notebook == {"plotly": {"end": "2024-12-31"}}


@pytest.mark.parametrize("content", ["- a\n- b\n", "notebooks: [x]\n", "key: [unclosed\n"])
def test_bad_parameters_file(tmp_path, content):
    file = tmp_path / "params.yaml"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"params\.yaml"):
        reports.read_parameters_file(file)


def test_notebook_parameters_reads_defaults():
    assert reports.notebook_parameters(SUCCEEDS) == {"corpus": None, "start": None, "end": None, "label": "fixture"}


def test_unknown_parameter_names_the_real_ones_before_running(tmp_path):
    out = tmp_path / "reports"
    with pytest.raises(WorkbenchError) as info:
        reports.run_reports([SUCCEEDS], out=out, parameters={"lable": "typo"})
    message = str(info.value)
    assert "'lable'" in message and "succeeds.ipynb takes: corpus, start, end, label" in message
    assert not out.exists()


def test_unknown_parameter_for_one_notebook(tmp_path):
    with pytest.raises(WorkbenchError, match=r"'fail'.*\n  succeeds.ipynb takes: corpus, start, end, label"):
        reports.run_reports([SUCCEEDS, RAISES], out=tmp_path, notebook_overrides={"succeeds": {"fail": False}})


def test_cli_unknown_parameter_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["report", SUCCEEDS, "--out", str(tmp_path), "-p", "colour", "red"])
    assert result.exit_code == 2
    assert "unknown parameter 'colour'" in result.output and "label" in result.output


def test_cli_missing_corpus_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(
        main, ["report", SUCCEEDS, "--out", str(tmp_path / "r"), "--corpus", str(tmp_path / "nowhere")]
    )
    assert result.exit_code == 2
    assert "corpus path does not exist" in result.output
    assert not (tmp_path / "r").exists()


def test_unknown_notebook_lists_the_available_ones(tmp_path):
    with pytest.raises(WorkbenchError, match="'nope' is not a notebook; notebooks: itables, plotly, raises, succeeds"):
        reports.find_notebooks(["nope"], folder=NOTEBOOKS)


def test_find_notebooks_by_prefix_and_default_selection(tmp_path):
    assert [p.stem for p in reports.find_notebooks(["plo", "succeeds.ipynb"], folder=NOTEBOOKS)] == [
        "plotly",
        "succeeds",
    ]
    live = nbformat.v4.new_notebook(metadata={"workbench": {"report": False}})
    nbformat.write(live, tmp_path / "00-live.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "10-report.ipynb")
    assert [p.stem for p in reports.find_notebooks(folder=tmp_path)] == ["10-report"]
    assert [p.stem for p in reports.find_notebooks(["00"], folder=tmp_path)] == ["00-live"]
