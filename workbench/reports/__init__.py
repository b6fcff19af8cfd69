"""Run the analysis notebooks and publish them as offline HTML reports.

:func:`run_reports` executes each notebook of ``notebooks/`` (or those named) with papermill, then
exports it to HTML without code cells, with a provenance header on top (``workbench.provenance``)
and no script fetched from the network. The modules, in the order a run uses them:

- :mod:`~workbench.reports.parameters`: which notebooks, and the parameters each one declares;
- :mod:`~workbench.reports.run`: one run under a lock, notebooks ``jobs`` at a time;
- :mod:`~workbench.reports.execute`: one notebook through papermill, a failure recorded;
- :mod:`~workbench.reports.export`: the executed notebook as offline HTML (``templates/offline``);
- :mod:`~workbench.reports.folders`: the reports folder, ``latest`` and ``index.html``
  (``templates/index.html.j2``).

The layout of the output folder::

    reports/
      index.html                     every run, newest first: status, parameters, links
      latest -> 20241114-101500-3fa2  the newest successful run (a symlink, else a text file)
      20241114-101500-3fa2/          one run: <notebook>.html, <notebook>.ipynb, run.json,
                                     assets/ (plotly.js, itables, the pages' CSS, written once) and
                                     data/<notebook>/ (the data behind each chart and table, within the
                                     run's data budget unless full_data: see workbench.display)
      20241114-093000-9c1d-failed/   a failed run: <notebook>.failed.ipynb kept for debugging
"""

from __future__ import annotations

from workbench.reports.execute import NotebookResult, execute_notebook
from workbench.reports.export import export_html
from workbench.reports.folders import LATEST, RUN_FILE, latest_folder, latest_run, list_runs, prune, write_index
from workbench.reports.parameters import (
    find_notebooks,
    notebook_parameters,
    parameters_from_options,
    parse_value,
    plan_parameters,
    read_parameters_file,
)
from workbench.reports.run import KEEP_RUNS, LOCK_FILE, MAX_REPORT_BYTES, RunResult, run_reports

__all__ = [
    "KEEP_RUNS",
    "LATEST",
    "LOCK_FILE",
    "MAX_REPORT_BYTES",
    "RUN_FILE",
    "NotebookResult",
    "RunResult",
    "execute_notebook",
    "export_html",
    "find_notebooks",
    "latest_folder",
    "latest_run",
    "list_runs",
    "notebook_parameters",
    "parameters_from_options",
    "parse_value",
    "plan_parameters",
    "prune",
    "read_parameters_file",
    "run_reports",
    "write_index",
]
