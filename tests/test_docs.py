"""Docs that cannot drift: every notebook is in the README table and has one parameters cell, every CLI
command answers --help, and notebooks are committed without outputs and follow the house rules."""

from __future__ import annotations

import re

import nbformat
import pytest
from click.testing import CliRunner

from workbench import config
from workbench.cli import main

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
README = config.ROOT / "README.md"


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_in_the_readme_table(path):
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("|")]
    assert any(path.name in row for row in rows), f"{path.name} is missing from the notebook table in README.md"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exactly_one_parameters_cell(path):
    tagged = [c for c in code_cells(path) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
    assert "corpus = None" in tagged[0].source, f"{path.name}: the parameters cell should default to `corpus = None`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    dirty = [i for i, c in enumerate(code_cells(path)) if c.outputs or c.execution_count is not None]
    assert not dirty, f"{path.name}: code cells {dirty} hold outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_house_rules(path):
    for cell in code_cells(path):
        source = cell.source
        assert not re.search(r"^\s*(def|class)\s", source, re.MULTILINE), f"{path.name}: logic belongs in the package"
        assert "sys.path" not in source, f"{path.name}: install the package instead of editing sys.path"
        assert not re.search(r"\.show\(\s*\)", source), f"{path.name}: use workbench.display.show(fig), not fig.show()"
        assert "../seeds" not in source, f"{path.name}: paths come from workbench.config"


def commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))


@pytest.mark.parametrize("command", [(), *commands(main)], ids=lambda c: " ".join(c) or "workbench")
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) >= 3 and lines[1].strip(), f"{' '.join(command)} has no description"


def test_report_command_is_documented():
    text = README.read_text(encoding="utf-8")
    assert "workbench report" in text
