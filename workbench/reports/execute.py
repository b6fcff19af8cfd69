"""Execute one notebook with papermill into a run folder and export it; a failure is recorded, not raised."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat

from workbench.display import DATA_BYTES_ENV, NOTEBOOK_ENV, RUN_DIR_ENV
from workbench.reports.export import export_html

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: An HTML output with a script and this large is a JavaScript library (itables' bundle, an inlined plotly.js)
#: or a table's data, which the HTML report and data/<notebook>/ already hold: the kept notebook gets a note
#: instead. A chart (plotly's figure JSON) is replaced whatever its size: the HTML report draws it.
LIBRARY_BYTES = 20_000
LIBRARY_NOTE = "<p><em>(a JavaScript library, left out of the kept notebook; the HTML report carries it)</em></p>"
TABLE_NOTE = "<p><em>(a table, left out of the kept notebook: see the HTML report and its data under data/)</em></p>"
CHART_NOTE = "<p><em>(a chart, left out of the kept notebook: see the HTML report and its data under data/)</em></p>"


@dataclass
class NotebookResult:
    """One notebook of a run.

    Attributes:
        name: the notebook's file stem (``10-entity-cooccurrence``).
        status: ``ok``, ``failed`` or ``not run`` (after a failure with ``fail_fast``).
        parameters: the values passed to papermill (overrides only; defaults stay in the notebook).
        html, ipynb: file names inside the run folder (None when not written).
        seconds: wall time of execution and export; ``kernel_seconds`` the part spent starting the kernel.
        error: for a failure, ``cell`` (1-based position in the source notebook, markdown cells counted),
            ``ename``, ``evalue`` and ``source`` (the line that raised).
        bytes: size of the HTML report.
    """

    name: str
    status: str = "not run"
    parameters: dict[str, Any] = field(default_factory=dict)
    html: str | None = None
    ipynb: str | None = None
    seconds: float = 0.0
    kernel_seconds: float | None = None
    error: dict[str, Any] | None = None
    bytes: int = 0


def execute_notebook(
    path: Path,
    folder: Path,
    parameters: dict[str, Any],
    *,
    kernel: str = "python3",
    header: str = "",
    self_contained: bool = False,
    data_bytes: int | None = None,
) -> NotebookResult:
    """Execute one notebook into ``folder`` and export it to HTML; a failure is recorded, not raised.

    The executed notebook is ``<stem>.ipynb`` (``<stem>.failed.ipynb`` when a cell raised, with
    papermill's error banner) and the report ``<stem>.html``, which starts with ``header``. The kernel
    gets the run folder and the notebook's name in its environment (``workbench.display`` writes the
    data behind each chart and table to ``data/<stem>/``, at most ``data_bytes`` of it, None: every row).
    The kept ``.ipynb`` carries no copy of the JavaScript libraries, the charts or large tables (the HTML
    report and the data files do), so its size stays small.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    result = NotebookResult(path.stem, parameters=parameters)
    executed = folder / f"{path.stem}.ipynb"
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(path),
            str(executed),
            parameters=parameters,
            kernel_name=kernel,
            progress_bar=False,
            cwd=str(path.parent),
            # the kernel's own log (a TCP transport warning on every start) is noise in a report run
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            kernel_manager_class=_kernel_manager(
                {
                    RUN_DIR_ENV: str(folder.resolve()),
                    NOTEBOOK_ENV: path.stem,
                    DATA_BYTES_ENV: "" if data_bytes is None else str(int(data_bytes)),
                }
            ),
        )
    except PapermillExecutionError as exc:
        result.status = "failed"
        result.error = {
            "cell": exc.cell_index,
            "ename": exc.ename,
            "evalue": exc.evalue,
            "source": _raising_line(exc.source, exc.traceback),
        }
    except Exception as exc:  # kernel died, notebook unreadable, ...: still a failed notebook, not a crashed run
        result.status = "failed"
        result.error = {"cell": None, "ename": type(exc).__name__, "evalue": str(exc), "source": ""}
    result.seconds = round(time.perf_counter() - started, 2)
    if executed.exists():
        nb = nbformat.read(executed, as_version=4)
        result.kernel_seconds = _kernel_seconds(nb)
        if result.error and result.error["cell"] is not None:
            result.error["cell"] = _source_position(nb, result.error["cell"])
        if result.status == "failed":
            failed = executed.with_suffix(".failed.ipynb")
            os.replace(executed, failed)
            result.ipynb = failed.name
            return result
        result.ipynb = executed.name
        try:
            report = folder / f"{path.stem}.html"
            report.write_text(
                export_html(nb, title=path.stem, header=header, self_contained=self_contained), encoding="utf-8"
            )
            nbformat.write(_without_libraries(nb), executed)
        except Exception as exc:
            result.status = "failed"
            result.error = {
                "cell": None,
                "ename": type(exc).__name__,
                "evalue": f"HTML export failed: {exc}",
                "source": "",
            }
            return result
        result.html = report.name
        result.bytes = report.stat().st_size
        result.status = "ok"
        result.seconds = round(time.perf_counter() - started, 2)
    return result


def _source_position(nb, index: int) -> int:
    """1-based position in the source notebook of executed cell ``index`` (papermill inserted one cell)."""
    injected = any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells[:index])
    return index + 1 - int(injected)


def _raising_line(source: str, traceback: list[str]) -> str:
    """The line that raised (IPython marks it ``---->`` in the traceback), else the cell's first line.

    >>> _raising_line("x = 1\\nraise ValueError", ["\\x1b[0;31m----> 2\\x1b[0m raise ValueError"])
    'line 2: raise ValueError'
    """
    for entry in reversed(traceback or []):
        for line in _ANSI.sub("", entry).splitlines():
            if m := re.match(r"\s*-+>\s*(\d+)\s?(.*)", line):
                return f"line {m.group(1)}: {m.group(2).strip()}"[:200]
    first = next((line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    return first[:200]


def _kernel_seconds(nb) -> float | None:
    """Seconds between papermill starting the notebook and its first cell: kernel start-up."""
    start = nb.metadata.get("papermill", {}).get("start_time")
    first = next((c.metadata.get("papermill", {}).get("start_time") for c in nb.cells if c.cell_type == "code"), None)
    if not start or not first:
        return None
    return round((datetime.fromisoformat(first) - datetime.fromisoformat(start)).total_seconds(), 2)


def _kernel_manager(env: dict[str, str]):
    """A kernel manager class whose kernels start with ``env`` added to this process's environment.

    papermill cannot pass an environment to the kernel, and threads of one run share ``os.environ``.
    """
    from jupyter_client import AsyncKernelManager

    class RunKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            kw["env"] = {**os.environ, **(kw.get("env") or {}), **env}
            return await super()._async_pre_start_kernel(**kw)

    return RunKernelManager


def _without_libraries(nb):
    """A copy of the executed notebook whose JavaScript libraries and large tables are replaced by a short note."""
    import copy

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # a live panel's widget state (plotly.js inside each FigureWidget): megabytes
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            markup = data.get("text/html")
            if "application/vnd.plotly.v1+json" in data:
                output["data"] = {"text/html": CHART_NOTE}
            if markup is None or "<script" not in markup:
                continue
            notes = "".join(re.findall(r'<p class="workbench-download">.*?</p>', markup, flags=re.S))
            if "Plotly.newPlot(" in markup:
                output["data"] = {"text/html": CHART_NOTE + notes}  # the link to the chart's data stays
            elif "plotly.js v" in markup or "injectModule" in markup:
                output["data"] = {"text/html": LIBRARY_NOTE}
            elif "itables" in markup and len(markup) > LIBRARY_BYTES:
                output["data"] = {"text/html": TABLE_NOTE}
    return nb
