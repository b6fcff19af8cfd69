"""The reports folder: published runs, the ``latest`` pointer, pruning and ``index.html``.

The index page is rendered from ``workbench/templates/index.html.j2`` (Jinja, every value escaped).

Only what the workbench made is ever touched. A reports folder is *claimed* on its first run: the
workbench writes :data:`MARKER`, a JSON file holding a random token and the list of the runs it
published, oldest first; each run folder (and each ``.tmp-*`` folder of a run in progress) holds
:data:`RUN_MARKER` with that token. The workbench refuses to write into a non-empty folder without
the marker, lists and prunes only the runs its marker records and whose own marker holds the token
(never a folder merely because it has a ``run.json``, and never by a date read from one), and removes
only the ``.tmp-*`` folders it made.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench import config
from workbench.config import PACKAGE_DIR
from workbench.errors import WorkbenchError

RUN_FILE = "run.json"
LATEST = "latest"
#: Marks a reports folder made by the workbench: its token and the runs it published (oldest first).
MARKER = ".workbench-reports"
#: Marks one run folder (or a run's ``.tmp-*`` folder) with the reports folder's token.
RUN_MARKER = ".workbench-run"
#: Files a folder may hold and still count as empty when the workbench claims it.
IGNORED = {".gitkeep", ".DS_Store", ".lock"}

INDEX_TEMPLATE = PACKAGE_DIR / "templates" / "index.html.j2"


def read_marker(out: str | os.PathLike) -> dict[str, Any] | None:
    """The reports folder's marker (``token``, ``runs``), or None when ``out`` is not a workbench reports folder."""
    try:
        data = json.loads((Path(out) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("token"), str) or not isinstance(data.get("runs"), list):
        return None
    return data


def check_folder(out: str | os.PathLike) -> None:
    """Refuse a folder that holds files but is not a workbench reports folder.

    Raises:
        WorkbenchError: ``out`` is a file, or a non-empty folder without a valid marker.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise WorkbenchError(f"--out {out} is a file, not a folder")
    if not out.exists() or read_marker(out) is not None:
        return
    others = sorted(p.name for p in out.iterdir() if p.name not in IGNORED)
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise WorkbenchError(
            f"{out} is not empty ({shown}) and is not a workbench reports folder (no {MARKER} file): "
            "nothing was written. Choose a new or empty folder for --out."
        )


def claim(out: str | os.PathLike) -> dict[str, Any]:
    """Mark ``out`` as a workbench reports folder (call under the run lock); its marker.

    Raises:
        WorkbenchError: see :func:`check_folder`.
    """
    out = Path(out)
    check_folder(out)
    marker = read_marker(out)
    if marker is None:
        marker = {"token": secrets.token_hex(16), "created": datetime.now(UTC).isoformat(), "runs": []}
        _write_marker(out, marker)
    return marker


def record_run(out: str | os.PathLike, name: str) -> None:
    """Add a run folder's name to the marker (under the run lock)."""
    marker = read_marker(out)
    if marker is None:
        raise WorkbenchError(f"{out} lost its {MARKER} file during the run")
    marker["runs"] = [r for r in marker["runs"] if r != name] + [name]
    _write_marker(Path(out), marker)


def mark_run(folder: Path, token: str) -> None:
    """Write the run marker into a run's folder."""
    (folder / RUN_MARKER).write_text(token + "\n", encoding="utf-8")


def is_ours(folder: Path, token: str) -> bool:
    """Whether ``folder`` is a real folder (not a link) holding the run marker with ``token``."""
    try:
        return (
            folder.is_dir()
            and not folder.is_symlink()
            and (folder / RUN_MARKER).read_text(encoding="utf-8").strip() == token
        )
    except OSError:
        return False


def _write_marker(out: Path, marker: dict[str, Any]) -> None:
    tmp = out / f".{MARKER}.{secrets.token_hex(3)}"
    tmp.write_text(json.dumps(marker, indent=1), encoding="utf-8")
    os.replace(tmp, out / MARKER)


def list_runs(out: str | os.PathLike | None = None) -> list[dict[str, Any]]:
    """Every run the marker records whose folder still holds the run marker, newest first.

    Each is its ``run.json`` (or just ``status: "?"`` when unreadable) with ``folder`` added. The order is
    the order the workbench published them in, never a date read from a ``run.json``.
    """
    out = Path(out) if out is not None else config.REPORTS_DIR
    marker = read_marker(out)
    if marker is None:
        return []
    runs = []
    for name in reversed(marker["runs"]):
        folder = out / str(name)
        if not _plain_name(str(name)) or not is_ours(folder, marker["token"]):
            continue
        try:
            data = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
            data = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            data = {"status": "?"}
        data["folder"] = folder.name
        runs.append(data)
    return runs


def stale_temporary(out: Path) -> list[Path]:
    """The ``.tmp-*`` folders left by killed runs of this reports folder (holding its token)."""
    marker = read_marker(out)
    if marker is None:
        return []
    return [p for p in out.glob(".tmp-*") if is_ours(p, marker["token"])]


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..") and not name.startswith(".")


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

    Only runs the marker records, whose folders hold the run marker, are candidates (see the module
    docstring). Call it under the run lock (``run_reports(keep=...)`` does). Returns the removed folder names.
    """
    out = Path(out)
    marker = read_marker(out)
    if marker is None:
        return []
    latest = latest_folder(out)
    removed = []
    for run in list_runs(out)[max(keep, 0) :]:
        folder = out / run["folder"]
        if latest is not None and folder.resolve() == latest.resolve():
            continue
        if not is_ours(folder, marker["token"]):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(run["folder"])
    if removed:
        marker = read_marker(out) or marker
        marker["runs"] = [r for r in marker["runs"] if r not in removed]
        _write_marker(out, marker)
        write_index(out)
    return removed


def point_latest(out: Path, name: str) -> None:
    """Repoint ``latest`` atomically: a new link renamed over the old one."""
    tmp = out / f".{LATEST}.{secrets.token_hex(3)}"
    try:
        os.symlink(name, tmp, target_is_directory=True)
    except (OSError, NotImplementedError):
        tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, out / LATEST)


def write_index(out: str | os.PathLike | None = None) -> Path:
    """Rewrite ``index.html``: every run, newest first, with status, parameters and links."""
    import jinja2

    out = Path(out) if out is not None else config.REPORTS_DIR
    latest = latest_folder(out)
    runs = [_index_row(run, latest) for run in list_runs(out)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(INDEX_TEMPLATE.parent), autoescape=True, keep_trailing_newline=True
    )
    page = env.get_template(INDEX_TEMPLATE.name).render(
        runs=runs, latest=latest.name if latest else None, pointer=LATEST
    )
    index = out / "index.html"
    tmp = out / f".index.{secrets.token_hex(3)}.html"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, index)
    return index


def _index_row(run: dict[str, Any], latest: Path | None) -> dict[str, Any]:
    """One run's ``run.json`` as the values the index template shows (plain text; the template escapes)."""
    notebooks = []
    for nb in run.get("notebooks", []):
        err = nb.get("error") or {}
        why = (
            f"cell #{err.get('cell')}: {err.get('ename')}: {err.get('evalue')}"
            if err.get("cell")
            else f"{err.get('ename')}: {err.get('evalue')}"
        )
        notebooks.append({"name": nb["name"], "html": nb.get("html"), "ipynb": nb.get("ipynb"), "why": why[:300]})
    params = run.get("provenance", {})
    shown = sorted(
        {
            f"{k}={v!r}"
            for facts in params.values()
            for k, v in facts.get("parameters", {}).items()
            if k in facts.get("overridden", [])
        }
    )
    return {
        "folder": run["folder"],
        "run_id": run.get("run_id", ""),
        "started": run.get("started", "")[:19].replace("T", " "),
        "status": run.get("status", "?"),
        "latest": latest is not None and latest.name == run["folder"],
        "corpus": str(run.get("corpus")),
        "fingerprint": str(run.get("fingerprint")),
        "parameters": ", ".join(shown),
        "notebooks": notebooks,
        "seconds": run.get("seconds", 0),
    }
