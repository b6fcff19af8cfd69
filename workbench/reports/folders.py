"""The reports folder: published runs, the ``latest`` pointer, pruning and ``index.html``.

The index page is rendered from ``workbench/templates/index.html.j2`` (Jinja, every value escaped).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from workbench import config
from workbench.config import PACKAGE_DIR

RUN_FILE = "run.json"
LATEST = "latest"

INDEX_TEMPLATE = PACKAGE_DIR / "templates" / "index.html.j2"


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
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(INDEX_TEMPLATE.parent), autoescape=True, keep_trailing_newline=True)
    page = env.get_template(INDEX_TEMPLATE.name).render(runs=runs, latest=latest.name if latest else None, pointer=LATEST)
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
        why = f"cell #{err.get('cell')}: {err.get('ename')}: {err.get('evalue')}" if err.get("cell") else f"{err.get('ename')}: {err.get('evalue')}"
        notebooks.append({"name": nb["name"], "html": nb.get("html"), "ipynb": nb.get("ipynb"), "why": why[:300]})
    params = run.get("provenance", {})
    shown = sorted({f"{k}={v!r}" for facts in params.values() for k, v in facts.get("parameters", {}).items() if k in facts.get("overridden", [])})
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
