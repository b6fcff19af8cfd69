"""Report runs shared by test_notebooks.py and test_browser.py (each run once per session).

Executing every notebook costs a kernel start each, so the seeds/ run of the real notebooks and the
runs on the hostile fixture are made once and reused by the tests that check them.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from workbench import config, reports

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NOTEBOOKS = FIXTURES / "notebooks"
HOSTILE = FIXTURES / "hostile"


def project_notebooks() -> list[Path]:
    """Every notebook in notebooks/, the live explorer included."""
    return sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@functools.cache
def run(kind: str) -> reports.RunResult:
    """``seeds``: the real notebooks with their defaults; ``hostile``: the real notebooks on the hostile
    article; ``fixtures-hostile``: the plotly and itables fixture notebooks on it."""
    out = Path(tempfile.mkdtemp(prefix=f"workbench-reports-{kind}-"))
    if kind == "seeds":
        return reports.run_reports([str(p) for p in project_notebooks()], out=out)
    if kind == "hostile":
        return reports.run_reports([str(p) for p in project_notebooks()], out=out, parameters={"corpus": str(HOSTILE)})
    if kind == "fixtures-hostile":
        names = [str(FIXTURE_NOTEBOOKS / f"{n}.ipynb") for n in ("plotly", "itables", "succeeds")]
        return reports.run_reports(names, out=out, parameters={"corpus": str(HOSTILE)})
    raise ValueError(kind)


def failures(result: reports.RunResult) -> str:
    """A readable list of the failed notebooks of a run, for assertion messages."""
    return "; ".join(f"{n.name}: {n.error}" for n in result.failed)
