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
#: 24 fictional articles as a CSV of date, title, text only (no outlet): long quotes, line breaks, a 280-character URL.
LONG_QUOTES = FIXTURES / "longquotes"


def project_notebooks() -> list[Path]:
    """Every notebook in notebooks/, the live explorer included."""
    return sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


def report_notebooks() -> list[Path]:
    """The notebooks ``workbench report`` runs by default (not the live explorer)."""
    return reports.find_notebooks()


#: A window of PolNeAR's 2016 election coverage, so the real-corpus run stays quick.
POLNEAR_WINDOW = {"start": "2016-10-01", "end": "2016-10-31"}
FAR_FUTURE = {"start": "2999-01-01"}


@functools.cache
def run(kind: str) -> reports.RunResult:
    """One report run of a kind, made once per session:

    - ``seeds``: every project notebook with its defaults (seeds/);
    - ``polnear``: every project notebook on ../shared's PolNeAR with a date window;
    - ``future``: every project notebook filtered to a date after every article;
    - ``hostile``: every report notebook on the hostile fictional article;
    - ``fixtures-hostile``: the plotly, itables and succeeds fixture notebooks on that article;
    - ``longquotes``: every report notebook on the long-quotes CSV (no outlet column).
    """
    out = Path(tempfile.mkdtemp(prefix=f"workbench-reports-{kind}-"))
    everything = [str(p) for p in project_notebooks()]
    if kind == "seeds":
        return reports.run_reports(everything, out=out)
    if kind == "polnear":
        polnear = config.SHARED_DIR / "corpora" / "polnear"
        return reports.run_reports(everything, out=out, parameters={"corpus": str(polnear), **POLNEAR_WINDOW})
    if kind == "future":
        return reports.run_reports(everything, out=out, parameters=FAR_FUTURE)
    if kind == "hostile":
        return reports.run_reports(out=out, parameters={"corpus": str(HOSTILE)})
    if kind == "longquotes":
        return reports.run_reports(out=out, parameters={"corpus": str(LONG_QUOTES)})
    if kind == "fixtures-hostile":
        names = [str(FIXTURE_NOTEBOOKS / f"{n}.ipynb") for n in ("plotly", "itables", "succeeds")]
        return reports.run_reports(names, out=out, parameters={"corpus": str(HOSTILE)})
    raise ValueError(kind)


def failures(result: reports.RunResult) -> str:
    """A readable list of the failed notebooks of a run, for assertion messages."""
    return "; ".join(f"{n.name}: {n.error}" for n in result.failed)
