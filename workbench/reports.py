"""Run the analysis notebooks and publish them as offline HTML reports.

:func:`run_reports` executes each notebook of ``notebooks/`` (or those named) with papermill, then
exports it to HTML without code cells, with a provenance header on top (``workbench.provenance``)
and no script fetched from the network (the ``offline`` template beside this module; plotly.js and
the itables bundle are inlined by ``workbench.display``). The layout of the output folder::

    reports/
      index.html                     every run, newest first: status, parameters, links
      latest -> 20241114-101500-3fa2  the newest successful run (a symlink, else a text file)
      20241114-101500-3fa2/          one run: <notebook>.html, <notebook>.ipynb, run.json
      20241114-093000-9c1d-failed/   a failed run: <notebook>.failed.ipynb kept for debugging

A run writes into ``.tmp-<run-id>/`` and renames it into place at the end, under a lock, so a
scheduler never publishes half a report and two runs never write the same folder at once.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import yaml
from filelock import FileLock, Timeout

from workbench import config
from workbench.errors import WorkbenchError

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
RUN_FILE = "run.json"
LOCK_FILE = ".lock"
LATEST = "latest"
#: The CLI shortcuts ``--corpus``, ``--from`` and ``--to`` set these notebook parameters.
SHORTCUTS = {"corpus": "corpus", "from": "start", "to": "end"}
PROVENANCE_TAG = "workbench-provenance"
#: Reports larger than this load slowly; the runner warns (plotly.js alone is ~4.8 MB).
MAX_REPORT_BYTES = 8_000_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = '<p class="workbench-notice"><em>A live widget panel is shown here when the notebook runs in JupyterLab.</em></p>'
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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


@dataclass
class RunResult:
    """A whole run; also stored as ``run.json`` in the run folder.

    Attributes:
        run_id: ``YYYYmmdd-HHMMSS-xxxx`` (UTC), sortable.
        status: ``ok``, ``failed`` or ``skipped`` (``--if-changed`` found nothing new).
        folder: the published run folder (None when skipped).
        key: hash of corpus content, parameters, notebooks and code, compared by ``if_changed``.
        provenance: one :func:`workbench.provenance.provenance` dict per notebook name.
    """

    run_id: str
    status: str
    started: str
    seconds: float = 0.0
    folder: Path | None = None
    key: str = ""
    corpus: str | None = None
    fingerprint: str | None = None
    notebooks: list[NotebookResult] = field(default_factory=list)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    message: str = ""

    @property
    def failed(self) -> list[NotebookResult]:
        """The notebooks that raised."""
        return [n for n in self.notebooks if n.status == "failed"]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["folder"] = self.folder.name if self.folder else None
        return data


# -- choosing notebooks and parameters ------------------------------------------------------


def find_notebooks(names: Sequence[str] = (), *, folder: str | os.PathLike | None = None) -> list[Path]:
    """The notebooks to run: those named, or every report notebook in ``folder``.

    A notebook whose metadata says ``{"workbench": {"report": false}}`` (the live explorer) is left
    out unless named. Names may be paths, file names, stems or a unique prefix (``10``).

    Args:
        names: notebooks to run; empty means all.
        folder: where to look (default ``config.NOTEBOOKS_DIR``).

    Returns:
        Paths, in name order.

    Raises:
        WorkbenchError: a name matches no notebook, or several.

    >>> [p.name for p in find_notebooks(["00"])]
    ['00-explore.ipynb']
    """
    folder = Path(folder) if folder is not None else config.NOTEBOOKS_DIR
    available = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if not names:
        return [p for p in available if _is_report(p)]
    chosen: list[Path] = []
    for name in names:
        as_path = Path(name).expanduser()
        if as_path.suffix == ".ipynb" and as_path.is_file():
            chosen.append(as_path.resolve())
            continue
        stem = Path(name).name.removesuffix(".ipynb")
        matches = [p for p in available if p.stem == stem] or [p for p in available if p.stem.startswith(stem)]
        if len(matches) != 1:
            known = ", ".join(p.stem for p in available) or f"none in {folder}"
            what = "matches several notebooks" if matches else "is not a notebook"
            raise WorkbenchError(f"{name!r} {what}; notebooks: {known}")
        chosen.append(matches[0])
    return list(dict.fromkeys(chosen))


def _is_report(path: Path) -> bool:
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return True  # let the run report the unreadable notebook
    return bool(meta.get("workbench", {}).get("report", True))


def notebook_parameters(path: str | os.PathLike) -> dict[str, Any]:
    """The parameters a notebook declares in its ``parameters`` cell, with their default values.

    Defaults that are not Python literals are returned as their source text.

    >>> notebook_parameters(config.NOTEBOOKS_DIR / "00-explore.ipynb")["corpus"] is None
    True
    """
    import papermill

    try:
        declared = papermill.inspect_notebook(str(path))
    except Exception as exc:  # papermill raises several kinds for unreadable notebooks
        raise WorkbenchError(f"cannot read the parameters of {path}: {exc}") from exc
    out = {}
    for name, info in declared.items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            out[name] = info["default"]
    return out


def parse_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value: YAML scalars and lists, dates kept as ISO strings.

    >>> parse_value("5"), parse_value("2024-11-14"), parse_value("[AP, Reuters]"), parse_value("none")
    (5, '2024-11-14', ['AP', 'Reuters'], 'none')
    """
    text = text.strip()
    if text in ("None", "null", "~"):
        return None
    try:
        return _plain(yaml.safe_load(text))
    except yaml.YAMLError:
        return text


def _plain(value: Any) -> Any:
    """YAML dates -> ISO strings (papermill writes parameters as Python literals)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def read_parameters_file(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A YAML parameters file: top-level names for every notebook, ``notebooks:`` for one each.

    Example file::

        corpus: ../shared/corpora/polnear
        start: 2016-09-01
        notebooks:
          20-source-attribution:
            top_n: 15

    Returns:
        ``(common, per_notebook)``.

    Raises:
        WorkbenchError: the file is missing or not a YAML mapping.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise WorkbenchError(f"cannot read parameters file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise WorkbenchError(f"parameters file {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise WorkbenchError(f"parameters file {path} must hold a mapping of name: value")
    data = _plain(data)
    per_notebook = data.pop("notebooks", None) or {}
    if not isinstance(per_notebook, dict) or not all(isinstance(v, dict) for v in per_notebook.values()):
        raise WorkbenchError(f"{path}: 'notebooks' must map a notebook name to its parameters")
    return data, {str(k).removesuffix(".ipynb"): v for k, v in per_notebook.items()}


def plan_parameters(
    notebooks: Sequence[Path],
    common: dict[str, Any] | None = None,
    per_notebook: dict[str, dict[str, Any]] | None = None,
) -> dict[Path, dict[str, Any]]:
    """The overrides each notebook gets, checked against the parameters it declares.

    A common parameter goes to every notebook that declares it and must be declared by at least
    one; a per-notebook parameter must be declared by that notebook. A ``corpus`` path is made
    absolute (kernels run in the notebook's folder) and must exist.

    Raises:
        WorkbenchError: naming the unknown parameter and the notebook's real ones.
    """
    common = dict(common or {})
    per_notebook = dict(per_notebook or {})
    declared = {nb: notebook_parameters(nb) for nb in notebooks}
    if "corpus" in common and common["corpus"] is not None:
        common["corpus"] = _corpus_path(common["corpus"])
    for name in common:
        if not any(name in params for params in declared.values()):
            raise WorkbenchError(_unknown(name, declared))
    by_stem = {nb.stem: nb for nb in notebooks}
    plan: dict[Path, dict[str, Any]] = {nb: {k: v for k, v in common.items() if k in declared[nb]} for nb in notebooks}
    for stem, values in per_notebook.items():
        if stem not in by_stem:
            raise WorkbenchError(f"parameters given for notebook {stem!r}, which is not part of this run; running: {', '.join(by_stem)}")
        nb = by_stem[stem]
        for name, value in values.items():
            if name not in declared[nb]:
                raise WorkbenchError(_unknown(name, {nb: declared[nb]}))
            plan[nb][name] = _corpus_path(value) if name == "corpus" and value is not None else value
    return plan


def _unknown(name: str, declared: dict[Path, dict[str, Any]]) -> str:
    lines = [f"unknown parameter {name!r}."]
    for nb, params in declared.items():
        lines.append(f"  {nb.name} takes: {', '.join(params) or '(no parameters cell)'}")
    return "\n".join(lines)


def _corpus_path(value: Any) -> str:
    path = Path(str(value)).expanduser().resolve()
    if not path.exists():
        raise WorkbenchError(f"corpus path does not exist: {value} ({path})")
    return str(path)


# -- running -----------------------------------------------------------------------------


def run_reports(
    notebooks: Sequence[str | os.PathLike] = (),
    *,
    notebooks_dir: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    parameters: dict[str, Any] | None = None,
    notebook_overrides: dict[str, dict[str, Any]] | None = None,
    if_changed: bool = False,
    fail_fast: bool = False,
    jobs: int | None = None,
    wait_seconds: float = 0.0,
    keep: int | None = None,
    kernel: str = "python3",
    echo: Callable[[str], None] = lambda _: None,
) -> RunResult:
    """Execute notebooks with papermill and publish them as one run of offline HTML reports.

    Args:
        notebooks: names or paths (see :func:`find_notebooks`); empty means every report notebook.
        notebooks_dir: where named notebooks are looked up (default ``config.NOTEBOOKS_DIR``).
        out: the reports folder (default ``config.REPORTS_DIR``).
        parameters: overrides for every notebook that declares them (``corpus``, ``start``...).
        notebook_overrides: ``{notebook stem: {name: value}}`` for one notebook only.
        if_changed: skip when corpus content, parameters, notebooks and code equal the latest successful run's.
        fail_fast: stop starting notebooks after the first failure.
        jobs: notebooks executed at once (default: 2, or fewer notebooks).
        wait_seconds: how long to wait for another run's lock before giving up.
        keep: after the run, delete all but the ``keep`` newest runs (``latest`` is always kept).
        kernel: the Jupyter kernel name.
        echo: receives one line per event (the CLI prints them).

    Returns:
        A :class:`RunResult`; its ``status`` is ``failed`` when any notebook raised.

    Raises:
        WorkbenchError: unknown notebook or parameter, missing corpus, or another run holds the lock.
    """
    paths = find_notebooks([str(n) for n in notebooks], folder=notebooks_dir)
    if not paths:
        raise WorkbenchError(f"no notebooks to run in {notebooks_dir or config.NOTEBOOKS_DIR}")
    plan = plan_parameters(paths, parameters, notebook_overrides)
    out = Path(out) if out is not None else config.REPORTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / LOCK_FILE))
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise WorkbenchError(
            f"another `workbench report` is writing to {out} (lock file {out / LOCK_FILE}); it was not started twice. "
            "Wait for it to finish, or pass --wait SECONDS to queue behind it."
        ) from None
    try:
        result = _run_locked(paths, plan, out, if_changed=if_changed, fail_fast=fail_fast, jobs=jobs, kernel=kernel, echo=echo)
        if keep is not None and result.status != "skipped":
            for name in prune(out, keep=keep):
                echo(f"removed  old run {name}")
        return result
    finally:
        lock.release()


def _run_locked(paths, plan, out: Path, *, if_changed, fail_fast, jobs, kernel, echo) -> RunResult:
    from workbench.provenance import header_html

    started_at = datetime.now(UTC)
    started = time.perf_counter()
    for stale in out.glob(".tmp-*"):  # left by a run that was killed; we hold the lock
        shutil.rmtree(stale, ignore_errors=True)
    facts = _provenance(paths, plan, started_at)
    run_id = f"{started_at:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    fingerprints = {f["fingerprint"] for f in facts.values()}
    result = RunResult(
        run_id=run_id,
        status="ok",
        started=started_at.isoformat(),
        key=_run_key(paths, plan, facts),
        corpus=next(iter(facts.values()))["corpus"],
        fingerprint=fingerprints.pop() if len(fingerprints) == 1 else None,
        provenance={p.stem: f for p, f in facts.items()},
    )
    if if_changed:
        previous = latest_run(out)
        if previous is not None and previous.get("key") == result.key:
            result.status = "skipped"
            result.message = f"corpus, parameters and notebooks unchanged since run {previous['run_id']}: nothing to do"
            echo(result.message)
            return result
    tmp = out / f".tmp-{run_id}"
    tmp.mkdir()
    published = False
    try:
        result.notebooks = _execute_all(
            paths, plan, tmp, facts, jobs=jobs, fail_fast=fail_fast, kernel=kernel, echo=echo, header=header_html, durations=_durations(out)
        )
        result.status = "failed" if result.failed else "ok"
        result.seconds = round(time.perf_counter() - started, 2)
        final = out / (run_id if result.status == "ok" else f"{run_id}-failed")
        result.folder = final
        (tmp / RUN_FILE).write_text(json.dumps(result.to_json(), indent=1, default=str), encoding="utf-8")
        os.replace(tmp, final)
        published = True
        if result.status == "ok":
            _point_latest(out, final.name)
        write_index(out)
    finally:
        if not published:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def _provenance(paths, plan, run_time) -> dict[Path, dict[str, Any]]:
    """Provenance per notebook; each distinct corpus and filter is loaded once."""
    from workbench.corpus import load_corpus
    from workbench.provenance import FILTER_PARAMETERS, provenance

    loaded: dict[str, Any] = {}
    filtered: dict[str, Any] = {}
    facts = {}
    for nb in paths:
        effective = {**notebook_parameters(nb), **plan[nb]}
        corpus_arg = effective.get("corpus")
        if corpus_arg is not None and not isinstance(corpus_arg, str | os.PathLike):
            corpus_arg = None
        # a relative default in the notebook is relative to the notebook's folder, where its kernel runs
        source = str((nb.parent / Path(corpus_arg).expanduser()).resolve()) if corpus_arg else str(config.DEFAULT_CORPUS)
        if source not in loaded:
            loaded[source] = load_corpus(source)
        filters = {k: effective.get(k) for k in FILTER_PARAMETERS if effective.get(k) not in (None, "", [], ())}
        fkey = json.dumps([source, filters], sort_keys=True, default=str)
        if fkey not in filtered:
            try:
                filtered[fkey] = loaded[source].filter(**filters)
            except (ImportError, NotImplementedError):  # an optional filter whose table is unavailable: count without it
                filtered[fkey] = loaded[source].filter(**{k: v for k, v in filters.items() if k != "entities"})
        facts[nb] = provenance(loaded[source], filtered[fkey], effective, run_time=run_time)
        facts[nb]["overridden"] = sorted(plan[nb])
    return facts


def _run_key(paths, plan, facts) -> str:
    from workbench.cache import code_fingerprint

    digest = hashlib.blake2b(digest_size=12)
    for nb in paths:
        digest.update(nb.name.encode())
        digest.update(hashlib.blake2b(nb.read_bytes(), digest_size=12).digest())
        digest.update(json.dumps(facts[nb]["parameters"], sort_keys=True, default=str).encode())
        digest.update(facts[nb]["fingerprint"].encode())
    digest.update(code_fingerprint().encode())
    return digest.hexdigest()


def _durations(out: Path) -> dict[str, float]:
    """Each notebook's time in the most recent run that ran it (for scheduling the longest first)."""
    seconds: dict[str, float] = {}
    for run in list_runs(out):
        for nb in run.get("notebooks", []):
            if nb.get("status") == "ok":
                seconds.setdefault(nb["name"], float(nb.get("seconds") or 0))
    return seconds


def _execute_all(paths, plan, tmp: Path, facts, *, jobs, fail_fast, kernel, echo, header, durations=None) -> list[NotebookResult]:
    """Run the notebooks ``jobs`` at a time, the slowest last time first (results keep ``paths``' order)."""
    jobs = max(1, min(jobs or 2, len(paths)))
    results = {nb: NotebookResult(nb.stem, parameters=plan[nb]) for nb in paths}
    durations = durations or {}
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report") as pool:
        futures: dict[Future, Path] = {}
        pending = sorted(paths, key=lambda nb: -durations.get(nb.stem, 0.0))  # stable: name order when unknown
        stop = False
        while pending or futures:
            while pending and len(futures) < jobs and not stop:
                nb = pending.pop(0)
                echo(f"running  {nb.name}")
                html_header = header(facts[nb], title=nb.stem, overridden=set(plan[nb]))
                futures[pool.submit(execute_notebook, nb, tmp, plan[nb], kernel=kernel, header=html_header)] = nb
            if not futures:
                break
            done, _ = wait(list(futures), return_when=FIRST_EXCEPTION)
            for future in done:
                nb = futures.pop(future)
                result = future.result()
                results[nb] = result
                echo(_describe(result, tmp))
                if result.status == "failed" and fail_fast:
                    stop = True
            if stop:
                pending.clear()
    return [results[nb] for nb in paths]


def _describe(result: NotebookResult, folder: Path) -> str:
    if result.status == "ok":
        warning = f"\n           warning: over {MAX_REPORT_BYTES / 1e6:.0f} MB; aggregate the data in its figures" if result.bytes > MAX_REPORT_BYTES else ""
        return f"ok       {result.name}.html ({result.bytes / 1e6:.1f} MB, {result.seconds:.1f} s){warning}"
    err = result.error or {}
    where = f"cell #{err.get('cell')}" if err.get("cell") is not None else "before any cell ran"
    line = f"FAILED   {result.name}: {where} raised {err.get('ename')}: {err.get('evalue')}"
    if err.get("source"):
        line += f"\n           > {err['source']}"
    return line + f"\n           executed notebook kept as {result.ipynb}"


def execute_notebook(path: Path, folder: Path, parameters: dict[str, Any], *, kernel: str = "python3", header: str = "") -> NotebookResult:
    """Execute one notebook into ``folder`` and export it to HTML; a failure is recorded, not raised.

    The executed notebook is ``<stem>.ipynb`` (``<stem>.failed.ipynb`` when a cell raised, with
    papermill's error banner) and the report ``<stem>.html``, which starts with ``header``.
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
        )
    except PapermillExecutionError as exc:
        result.status = "failed"
        result.error = {"cell": exc.cell_index, "ename": exc.ename, "evalue": exc.evalue, "source": _raising_line(exc.source, exc.traceback)}
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
            report.write_text(export_html(nb, title=path.stem, header=header), encoding="utf-8")
        except Exception as exc:
            result.status = "failed"
            result.error = {"cell": None, "ename": type(exc).__name__, "evalue": f"HTML export failed: {exc}", "source": ""}
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


def export_html(nb, *, title: str, header: str = "") -> str:
    """An executed notebook as one offline HTML page: no code, no prompts, no CDN, no stderr.

    Args:
        nb: an executed ``nbformat`` notebook (not modified).
        title: the page title.
        header: HTML put before the first output (the provenance header).
    """
    from nbconvert import HTMLExporter

    from workbench.provenance import header_css

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.metadata.pop("widgets", None)  # static reports hold no live widgets
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            for output in cell.outputs:
                if WIDGET_VIEW in output.get("data", {}):
                    output["data"] = {"text/html": WIDGET_NOTE}
    if header:
        cell = nbformat.v4.new_code_cell(source="# provenance header added by workbench report", metadata={"tags": [PROVENANCE_TAG]})
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": header})]
        nb.cells.insert(0, cell)
    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}, "workbench_css": header_css()})
    return body


# -- the reports folder --------------------------------------------------------------------


def list_runs(out: str | os.PathLike | None = None) -> list[dict[str, Any]]:
    """Every published run's ``run.json``, newest first."""
    out = Path(out) if out is not None else config.REPORTS_DIR
    runs = []
    for file in out.glob(f"*/{RUN_FILE}"):
        if file.parent.name.startswith(".") or file.parent.is_symlink():
            continue
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        data["folder"] = file.parent.name
        runs.append(data)
    return sorted(runs, key=lambda r: (r.get("started", ""), r.get("run_id", "")), reverse=True)


def latest_run(out: str | os.PathLike | None = None) -> dict[str, Any] | None:
    """The ``run.json`` of the run ``latest`` points at, or None."""
    out = Path(out) if out is not None else config.REPORTS_DIR
    folder = latest_folder(out)
    if folder is None:
        return None
    try:
        return json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def latest_folder(out: str | os.PathLike | None = None) -> Path | None:
    """The folder of the newest successful run (``latest`` as a symlink or a pointer file)."""
    out = Path(out) if out is not None else config.REPORTS_DIR
    pointer = out / LATEST
    if pointer.is_symlink():
        target = out / os.readlink(pointer)
    elif pointer.is_file():
        target = out / pointer.read_text(encoding="utf-8").strip()
    else:
        return None
    return target if target.is_dir() else None


def prune(out: str | os.PathLike, *, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest runs (never the one ``latest`` points at); rewrite the index.

    Call it under the run lock (``run_reports(keep=...)`` does). Returns the removed folder names.
    """
    out = Path(out)
    latest = latest_folder(out)
    removed = []
    for run in list_runs(out)[max(keep, 0) :]:
        folder = out / run["folder"]
        if latest is not None and folder.resolve() == latest.resolve():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(run["folder"])
    if removed:
        write_index(out)
    return removed


def _point_latest(out: Path, name: str) -> None:
    """Repoint ``latest`` atomically: a new link renamed over the old one."""
    tmp = out / f".{LATEST}.{secrets.token_hex(3)}"
    try:
        os.symlink(name, tmp, target_is_directory=True)
    except (OSError, NotImplementedError):
        tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, out / LATEST)


def write_index(out: str | os.PathLike | None = None) -> Path:
    """Rewrite ``index.html``: every run, newest first, with status, parameters and links."""
    out = Path(out) if out is not None else config.REPORTS_DIR
    runs = list_runs(out)
    latest = latest_folder(out)
    e = html.escape
    rows = []
    for run in runs:
        folder = run["folder"]
        links = []
        for nb in run.get("notebooks", []):
            if nb.get("html"):
                links.append(f'<a href="{e(folder)}/{e(nb["html"])}">{e(nb["name"])}</a>')
            elif nb.get("ipynb"):
                err = nb.get("error") or {}
                why = f"cell #{err.get('cell')}: {err.get('ename')}: {err.get('evalue')}" if err.get("cell") else f"{err.get('ename')}: {err.get('evalue')}"
                links.append(
                    f'<span class="failed">{e(nb["name"])} failed</span> (<a href="{e(folder)}/{e(nb["ipynb"])}">executed notebook</a>)'
                    f"<br><small>{e(why[:300])}</small>"
                )
            else:
                links.append(f'<span class="skipped">{e(nb["name"])} not run</span>')
        params = run.get("provenance", {})
        shown = sorted({f"{k}={v!r}" for facts in params.values() for k, v in facts.get("parameters", {}).items() if k in facts.get("overridden", [])})
        status = run.get("status", "?")
        mark = " (latest)" if latest is not None and latest.name == folder else ""
        rows.append(
            f'<tr class="{e(status)}"><td>{e(run.get("started", "")[:19].replace("T", " "))}<br><small>{e(run.get("run_id", ""))}</small></td>'
            f"<td>{e(status)}{mark}</td><td><code>{e(str(run.get('corpus')))}</code><br><small>hash {e(str(run.get('fingerprint')))}</small></td>"
            f"<td>{e(', '.join(shown)) or 'defaults'}</td><td>{'<br>'.join(links)}</td><td>{run.get('seconds', 0):.0f} s</td></tr>"
        )
    newest = f'The newest successful run is <a href="{e(latest.name)}/">{e(latest.name)}</a> (<code>{LATEST}</code>).' if latest else "No successful run yet."
    body = "\n".join(rows) or '<tr><td colspan="6">No runs yet: <code>workbench report</code> creates one.</td></tr>'
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>News Workbench reports</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2em;color:#222}} table{{border-collapse:collapse;width:100%}}
th,td{{border-bottom:1px solid #ddd;padding:0.4em 0.8em;text-align:left;vertical-align:top}}
tr.failed td:nth-child(2),span.failed{{color:#b00020;font-weight:600}} tr.ok td:nth-child(2){{color:#1b7f3b}} small{{color:#666}}
</style></head><body>
<h1>News Workbench reports</h1>
<p>Newest first. {newest} Parameters show what each run set; the rest are notebook defaults.</p>
<table><thead><tr><th>started (UTC)</th><th>status</th><th>corpus</th><th>parameters</th><th>reports</th><th>time</th></tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""
    index = out / "index.html"
    tmp = out / f".index.{secrets.token_hex(3)}.html"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, index)
    return index


def parameters_from_options(
    params: Iterable[tuple[str, str]] = (),
    *,
    file: str | os.PathLike | None = None,
    corpus: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Merge a YAML file, the shortcuts and ``-p`` pairs (later wins) into run parameters.

    ``-p NOTEBOOK:NAME VALUE`` sets a parameter for one notebook only.

    >>> parameters_from_options([("top_n", "5"), ("20-source-attribution:top_n", "3")], start="2024-11-01")
    ({'start': '2024-11-01', 'top_n': 5}, {'20-source-attribution': {'top_n': 3}})
    """
    common, per_notebook = read_parameters_file(file) if file else ({}, {})
    for name, value in (("corpus", corpus), ("start", start), ("end", end)):
        if value is not None:
            common[name] = value
    for name, raw in params:
        value = parse_value(raw)
        notebook, sep, bare = name.rpartition(":")
        if sep:
            per_notebook.setdefault(notebook.removesuffix(".ipynb"), {})[bare] = value
        else:
            common[name] = value
    return common, per_notebook
