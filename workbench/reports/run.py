"""One run of the report notebooks: under a lock, ``jobs`` at a time, published in one rename.

A run writes into ``.tmp-<run-id>/`` and renames it into place at the end, under a lock, so a
scheduler never publishes half a report and two runs never write the same folder at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from workbench import config
from workbench.display import notebook_data_bytes
from workbench.errors import WorkbenchError
from workbench.reports.execute import NotebookResult, execute_notebook
from workbench.reports.folders import (
    RUN_FILE,
    check_folder,
    claim,
    latest_run,
    list_runs,
    mark_run,
    point_latest,
    prune,
    record_run,
    stale_temporary,
    write_index,
)
from workbench.reports.parameters import find_notebooks, notebook_parameters, plan_parameters

LOCK_FILE = ".lock"
#: Reports larger than this load slowly; the runner warns (plotly.js is loaded from the run folder's assets/).
MAX_REPORT_BYTES = 2_000_000
#: The same with ``--self-contained`` (plotly.js alone is ~4.8 MB).
MAX_SELF_CONTAINED_BYTES = 8_000_000
#: Runs kept in a reports folder unless told otherwise (``--keep``); ``latest`` is always kept.
KEEP_RUNS = 20


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
    keep: int | None = KEEP_RUNS,
    self_contained: bool = False,
    full_data: bool = False,
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
        keep: after the run, delete all but the ``keep`` newest runs (``latest`` is always kept); None keeps every run.
            Only runs this workbench published into ``out`` are ever deleted (see :mod:`~workbench.reports.folders`).
        self_contained: inline plotly.js in each report (a single file to e-mail) instead of loading it
            from the run folder's ``assets/``.
        full_data: write every row of the data behind each chart and table under ``data/``. By default the
            run's data is bounded (``workbench.display.RUN_DATA_BYTES``, shared by the notebooks) and a table
            that does not fit is written as its first rows, its link saying so.
        kernel: the Jupyter kernel name.
        echo: receives one line per event (the CLI prints them).

    Returns:
        A :class:`RunResult`; its ``status`` is ``failed`` when any notebook raised.

    Raises:
        WorkbenchError: unknown notebook or parameter, missing corpus, another run holds the lock, or ``out``
            is a non-empty folder the workbench did not make.
    """
    paths = find_notebooks([str(n) for n in notebooks], folder=notebooks_dir)
    if not paths:
        raise WorkbenchError(f"no notebooks to run in {notebooks_dir or config.NOTEBOOKS_DIR}")
    plan = plan_parameters(paths, parameters, notebook_overrides)
    out = Path(out) if out is not None else config.REPORTS_DIR
    check_folder(out)  # before the lock file: a folder of someone else's files gets nothing, not even a lock
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
        token = claim(out)["token"]
        result = _run_locked(
            paths,
            plan,
            out,
            token=token,
            if_changed=if_changed,
            fail_fast=fail_fast,
            jobs=jobs,
            kernel=kernel,
            echo=echo,
            self_contained=self_contained,
            full_data=full_data,
        )
        if keep is not None and result.status != "skipped":
            for name in prune(out, keep=keep):
                echo(f"removed  old run {name}")
        return result
    finally:
        lock.release()


def _run_locked(
    paths, plan, out: Path, *, token, if_changed, fail_fast, jobs, kernel, echo, self_contained=False, full_data=False
) -> RunResult:
    from workbench.provenance import header_html

    started_at = datetime.now(UTC)
    started = time.perf_counter()
    for stale in stale_temporary(out):  # left by a killed run of this folder (its token inside); we hold the lock
        shutil.rmtree(stale, ignore_errors=True)
    facts = _provenance(paths, plan, started_at)
    run_id = f"{started_at:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    fingerprints = {f["fingerprint"] for f in facts.values()}
    result = RunResult(
        run_id=run_id,
        status="ok",
        started=started_at.isoformat(),
        key=_run_key(paths, plan, facts, full_data=full_data),
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
    mark_run(tmp, token)
    published = False
    try:
        if not self_contained:  # a self-contained report inlines them instead
            write_assets(tmp)
        result.notebooks = _execute_all(
            paths, plan, tmp, facts, jobs=jobs, fail_fast=fail_fast, kernel=kernel, echo=echo, header=header_html,
            durations=_durations(out), self_contained=self_contained,
            data_bytes=notebook_data_bytes(len(paths), full_data=full_data),
        )  # fmt: skip
        result.status = "failed" if result.failed else "ok"
        result.seconds = round(time.perf_counter() - started, 2)
        final = out / (run_id if result.status == "ok" else f"{run_id}-failed")
        result.folder = final
        (tmp / RUN_FILE).write_text(json.dumps(result.to_json(), indent=1, default=str), encoding="utf-8")
        # recorded first: a crash before the rename leaves a name with no folder, never an unrecorded run
        record_run(out, final.name)
        os.replace(tmp, final)
        published = True
        if result.status == "ok":
            point_latest(out, final.name)
        write_index(out)
    finally:
        if not published:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def write_assets(folder: Path) -> None:
    """Write plotly.js, the itables bundle and the pages' theme CSS once into the run folder (``assets/``).

    Every report then loads them by relative path.
    """
    from workbench.display import ITABLES_ASSET, PLOTLY_ASSET, asset_text
    from workbench.reports.export import css_asset, page_css

    texts = {PLOTLY_ASSET: asset_text(PLOTLY_ASSET), ITABLES_ASSET: asset_text(ITABLES_ASSET)}
    texts.update({css_asset(i): css for i, css in enumerate(page_css())})
    for name, text in texts.items():
        asset = folder / name
        asset.parent.mkdir(parents=True, exist_ok=True)
        asset.write_text(text, encoding="utf-8")


def _provenance(paths, plan, run_time) -> dict[Path, dict[str, Any]]:
    """Provenance per notebook; each distinct corpus and filter is loaded once."""
    from workbench.ingest import load_corpus
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
        source = (
            str((nb.parent / Path(corpus_arg).expanduser()).resolve()) if corpus_arg else str(config.DEFAULT_CORPUS)
        )
        columns = effective.get("columns") if isinstance(effective.get("columns"), dict) else None
        key = json.dumps([source, columns], sort_keys=True)
        if key not in loaded:
            loaded[key] = load_corpus(source, columns=columns)
            # the tables' new rows computed once here, over every core, not by each kernel at once
            loaded[key].update()
        filters = {k: effective.get(k) for k in FILTER_PARAMETERS if effective.get(k) not in (None, "", [], ())}
        fkey = json.dumps([key, filters], sort_keys=True, default=str)
        if fkey not in filtered:
            try:
                filtered[fkey] = loaded[key].filter(**filters)
            except (
                ImportError,
                NotImplementedError,
            ):  # an optional filter whose table is unavailable: count without it
                filtered[fkey] = loaded[key].filter(**{k: v for k, v in filters.items() if k != "entities"})
        facts[nb] = provenance(loaded[key], filtered[fkey], effective, run_time=run_time)
        facts[nb]["overridden"] = sorted(plan[nb])
    return facts


def _run_key(paths, plan, facts, *, full_data: bool = False) -> str:
    from workbench.cache import code_fingerprint

    digest = hashlib.blake2b(digest_size=12)
    if full_data:  # a run with every row is not the same as a bounded one (absent: keys of earlier runs stay)
        digest.update(b"full-data")
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


def _execute_all(
    paths,
    plan,
    tmp: Path,
    facts,
    *,
    jobs,
    fail_fast,
    kernel,
    echo,
    header,
    durations=None,
    self_contained=False,
    data_bytes=None,
) -> list[NotebookResult]:
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
                futures[
                    pool.submit(
                        execute_notebook,
                        nb,
                        tmp,
                        plan[nb],
                        kernel=kernel,
                        header=html_header,
                        self_contained=self_contained,
                        data_bytes=data_bytes,
                    )
                ] = nb
            if not futures:
                break
            done, _ = wait(list(futures), return_when=FIRST_EXCEPTION)
            for future in done:
                nb = futures.pop(future)
                result = future.result()
                results[nb] = result
                echo(_describe(result, tmp, limit=MAX_SELF_CONTAINED_BYTES if self_contained else MAX_REPORT_BYTES))
                if result.status == "failed" and fail_fast:
                    stop = True
            if stop:
                pending.clear()
    return [results[nb] for nb in paths]


def _describe(result: NotebookResult, folder: Path, *, limit: int = MAX_REPORT_BYTES) -> str:
    if result.status == "ok":
        warning = (
            f"\n           warning: over {limit / 1e6:.0f} MB; aggregate the data in its figures"
            if result.bytes > limit
            else ""
        )
        return f"ok       {result.name}.html ({result.bytes / 1e6:.1f} MB, {result.seconds:.1f} s){warning}"
    err = result.error or {}
    where = f"cell #{err.get('cell')}" if err.get("cell") is not None else "before any cell ran"
    line = f"FAILED   {result.name}: {where} raised {err.get('ename')}: {err.get('evalue')}"
    if err.get("source"):
        line += f"\n           > {err['source']}"
    return line + f"\n           executed notebook kept as {result.ipynb}"
