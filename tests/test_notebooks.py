"""Every notebook in notebooks/ runs top to bottom: with its defaults on seeds/, with parameters on a
real corpus from ../shared, and filtered to nothing (papermill runs through ``workbench report``).

No nbval run: the notebooks are committed without outputs, so nbval's lax mode had nothing to compare
and only re-ran each notebook with its defaults, which the seeds run above already does.

Parametrised over whatever notebooks exist, so a notebook added later is tested without editing this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import reportkit

from workbench import config

NOTEBOOKS = reportkit.project_notebooks()
IDS = [p.stem for p in NOTEBOOKS]
#: How a notebook says plainly that nothing matched ("No articles match the filters", "0 articles", ...).
SAYS_EMPTY = re.compile(
    r"\bno\b[^.<]{0,40}\barticles?\b|\b0 articles\b|\bnothing to (show|count|draw)\b", re.IGNORECASE
)

pytestmark = pytest.mark.slow


def result_of(kind: str, name: str):
    run = reportkit.run(kind)
    return next(n for n in run.notebooks if n.name == name), run


def output_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            for mime in ("text/html", "text/plain"):
                parts.append(str(output.get("data", {}).get(mime, "")))
    return "\n".join(parts)


def test_notebooks_exist():
    assert (config.NOTEBOOKS_DIR / "00-explore.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_with_defaults_on_seeds(path):
    result, run = result_of("seeds", path.stem)
    assert result.status == "ok", f"{path.name}: {result.error}"
    assert run.provenance[path.stem]["corpus"] == str(config.SEEDS_DIR)
    assert (run.folder / f"{path.stem}.html").stat().st_size < 8_000_000


@pytest.mark.shared
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_with_parameters_on_polnear(path, polnear_dir):
    result, run = result_of("polnear", path.stem)
    assert result.status == "ok", f"{path.name}: {result.error}"
    facts = run.provenance[path.stem]
    assert Path(facts["corpus"]).resolve() == polnear_dir.resolve() and facts["articles"] > 0
    assert facts["first"] >= reportkit.POLNEAR_WINDOW["start"] and facts["last"] <= reportkit.POLNEAR_WINDOW["end"]
    assert (run.folder / f"{path.stem}.html").stat().st_size < 8_000_000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_empty_selection_is_said_plainly(path):
    result, run = result_of("future", path.stem)
    assert result.status == "ok", f"{path.name} fails when no article matches: {result.error}"
    assert run.provenance[path.stem]["articles"] == 0
    executed = nbformat.read(run.folder / result.ipynb, as_version=4)  # the notebook's own outputs, without the header
    assert SAYS_EMPTY.search(output_text(executed)), f"{path.name} does not say that no article matches"
