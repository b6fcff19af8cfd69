"""Which notebooks a run executes and with which parameters, checked against each parameters cell.

Parameters come from a YAML file, the CLI shortcuts (``--corpus``, ``--from``, ``--to``) and ``-p NAME
VALUE`` pairs; :func:`plan_parameters` gives every notebook only the names its ``parameters`` cell
declares and refuses a name that no notebook declares.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from workbench import config
from workbench.errors import WorkbenchError


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
            raise WorkbenchError(
                f"parameters given for notebook {stem!r}, which is not part of this run; running: {', '.join(by_stem)}"
            )
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
