"""Show figures and tables in notebooks so that they survive HTML export offline, with their data.

Notebooks call these instead of ``fig.show()`` or bare DataFrames:

- :func:`show` renders a plotly figure as HTML. In a report run, the page loads plotly.js once from the
  run folder (``assets/plotly.min.js``, a relative ``<script src>``: still no network); in a live
  kernel, plotly.js is inlined the first time and reused after (papermill's default
  ``plotly_mimetype`` output is dropped by nbconvert).
- :func:`show_table` renders a searchable itables table with its JavaScript embedded
  (``connected=False``); cell text is escaped, never interpreted as HTML; long texts wrap inside the
  page, line breaks show as breaks, and no row is dropped silently (a table too large for one page
  says "showing N of M rows" and links the full CSV).
- :func:`notice` prints a plain message (e.g. "no articles match the filters").

In a report run (``workbench report`` sets :data:`RUN_DIR_ENV` and :data:`NOTEBOOK_ENV` in the kernel's
environment), ``show(fig, data=frame, name=...)`` and ``show_table(frame, name=...)`` also write the
data behind the chart or table as ``data/<notebook>/<name>.csv`` in the run folder and link it under
the output. In a live JupyterLab session nothing is written and no link is shown.

The data of a run is bounded, so that a run folder stays under 10 MB whatever the corpus (the rule, with
its numbers in :data:`GZIP_ABOVE_BYTES`, :data:`RUN_DATA_BYTES` and :data:`SMALL_DATA_BYTES`):

- a CSV over :data:`GZIP_ABOVE_BYTES` is written gzip-compressed, as ``<name>.csv.gz`` (pandas, R and most
  tools read it as it is), and its link says so;
- the run's data budget, :data:`RUN_DATA_BYTES` on disk, is shared equally by the notebooks of the run
  (``workbench report`` sets each kernel's share in :data:`DATA_BYTES_ENV`);
- in a notebook, files are written in the order the notebook shows them: a file of at most
  :data:`SMALL_DATA_BYTES` is always written whole; a larger one is written whole when it fits what is left
  of the notebook's share, else as its first rows (the table's own order: most relevant first) that fit
  what is left, and never fewer than :data:`SMALL_DATA_BYTES` of them; its link says "first N of M rows"
  and that ``workbench report --full-data`` writes all of them. Nothing is cut silently;
- with ``--full-data`` (``run_reports(full_data=True)``) there is no budget.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import HTML, display

#: The run folder a report writes into (set by ``workbench report`` in the kernel's environment).
RUN_DIR_ENV = "WORKBENCH_REPORT_DIR"
#: The notebook's name (its file stem) in a report run.
NOTEBOOK_ENV = "WORKBENCH_REPORT_NOTEBOOK"
#: Bytes of data files this notebook may write in a report run (unset: no budget, as with ``--full-data``).
DATA_BYTES_ENV = "WORKBENCH_REPORT_DATA_BYTES"
#: A CSV larger than this (bytes, uncompressed) is written gzip-compressed as ``<name>.csv.gz``.
GZIP_ABOVE_BYTES = 100_000
#: The data files of one run together, on disk, shared equally by its notebooks. The pages, assets and
#: executed notebooks of a run take up to about 8.5 MB on any corpus: with this, a run folder stays <= 10 MB.
RUN_DATA_BYTES = 1_000_000
#: A data file up to this size (on disk) is never cut, even when the notebook's share is spent.
SMALL_DATA_BYTES = 20_000
#: What the link of a cut file says to get every row.
FULL_DATA_HINT = "<code>workbench report --full-data</code> writes all of them"
#: plotly.js, written once per run folder, loaded by every report of the run.
PLOTLY_ASSET = "assets/plotly.min.js"
PLOTLY_TAG = f'<script src="{PLOTLY_ASSET}"></script>'
#: The itables (DataTables) bundle, base64 in a classic script (ES modules cannot be loaded from file:).
ITABLES_ASSET = "assets/itables.js"
ITABLES_TAG = f'<script src="{ITABLES_ASSET}"></script>'
_ITABLES_GLOBALS = ("window.__workbench_dt_js", "window.__workbench_dt_css")
#: Characters of cells one table embeds in the page (itables' JSON); a larger table shows its first rows...
MAX_TABLE_CHARS = 250_000
#: ...and all the tables of one page together at most this many (every table gets at least MIN_TABLE_CHARS).
MAX_PAGE_TABLE_CHARS = 600_000
MIN_TABLE_CHARS = 30_000
#: Longer cells are cut in the page (with "…"); the CSV holds the full text.
MAX_CELL_CHARS = 1_000
#: Tables wrap inside the page: text cells break lines (and show the article's own line breaks).
TABLE_CSS = """<style>
.dt-container, .dataTables_wrapper { max-width: 100%; overflow-x: auto; }
table.dataTable.workbench-table { width: 100% !important; table-layout: auto; }
table.dataTable.workbench-table td {
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: normal; vertical-align: top;
}
table.dataTable.workbench-table td.workbench-text { min-width: 16em; }
table.dataTable.workbench-table th { white-space: normal; }
p.workbench-download { margin: 0.2em 0 1.2em; font-size: 0.9em; color: #555; }
</style>"""

#: itables formats text cells through pandas, which writes a line break as a literal "\\n": shown as a break again.
_LINE_BREAKS = (
    "function (data) { return typeof data === 'string' ? "
    "data.replaceAll('\\\\n', '\\n').replaceAll('\\\\r', '').replaceAll('\\\\t', '\\t') : data; }"
)

_state: dict[str, object] = {"plotly_js": False, "itables": False, "names": set(), "table_chars": 0}


@dataclass(frozen=True)
class ReportContext:
    """Where a report run publishes: the run folder, the notebook's name in it and its data budget.

    Attributes:
        folder: the run folder.
        notebook: the notebook's file stem.
        data_bytes: bytes of data files this notebook may write (None: no budget, every row is written).
    """

    folder: Path
    notebook: str
    data_bytes: int | None = None

    def data_path(self, file: str) -> Path:
        return self.folder / "data" / self.notebook / file

    def link(self, file: str) -> str:
        return f"data/{self.notebook}/{file}"


@dataclass(frozen=True)
class DataFile:
    """A data file written for a chart or table: its name in ``data/<notebook>/``, rows written of all, bytes."""

    file: str
    rows: int
    total: int
    bytes: int

    @property
    def compressed(self) -> bool:
        return self.file.endswith(".gz")


def report_context() -> ReportContext | None:
    """The run folder and notebook name when running under ``workbench report``, else None (live session)."""
    folder, notebook = os.environ.get(RUN_DIR_ENV), os.environ.get(NOTEBOOK_ENV)
    if not folder or not notebook:
        return None
    budget = os.environ.get(DATA_BYTES_ENV, "").strip()
    return ReportContext(Path(folder), _slug(notebook), int(budget) if budget.isdigit() else None)


def notebook_data_bytes(notebooks: int, *, full_data: bool = False) -> int | None:
    """Each notebook's share of :data:`RUN_DATA_BYTES` in a run of ``notebooks`` (None with ``full_data``).

    >>> notebook_data_bytes(4)
    250000
    """
    return None if full_data else RUN_DATA_BYTES // max(1, notebooks)


def write_data(context: ReportContext, frame: pd.DataFrame, name: str) -> DataFile:
    """Write ``frame`` as the data file ``name`` of this notebook, within the notebook's budget.

    The CSV is gzip-compressed above :data:`GZIP_ABOVE_BYTES`; when the file would not fit what is left of
    ``context.data_bytes`` (and is over :data:`SMALL_DATA_BYTES`), only its first rows that fit are written.
    The same table written twice by a notebook is written once (the second link points at the first file).
    """
    csv = frame.to_csv(index=False).encode("utf-8")
    digest = hashlib.blake2b(csv, digest_size=12).hexdigest()
    written = _state.setdefault("data_files", {})
    assert isinstance(written, dict)
    if digest in written:
        return written[digest]
    compress = len(csv) > GZIP_ABOVE_BYTES
    file = f"{name}.csv.gz" if compress else f"{name}.csv"
    payload = _encode(csv, compress=compress)
    rows = len(frame)
    if context.data_bytes is not None:
        used = int(_state.get("data_bytes", 0))  # type: ignore[call-overload]
        allowed = max(context.data_bytes - used, SMALL_DATA_BYTES)
        while len(payload) > allowed and rows > 0:
            # rows are not all the same size: shrink by the ratio, a little more, until the file fits
            rows = min(rows - 1, int(rows * allowed / len(payload) * 0.97))
            rows = max(rows, 0)
            payload = _encode(frame.head(rows).to_csv(index=False).encode("utf-8"), compress=compress)
        _state["data_bytes"] = used + len(payload)
    path = context.data_path(file)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, path)
    result = DataFile(file, rows, len(frame), len(payload))
    written[digest] = result
    return result


def _encode(csv: bytes, *, compress: bool) -> bytes:
    # mtime=0: the same data gives the same bytes (runs compare by content)
    return gzip.compress(csv, compresslevel=6, mtime=0) if compress else csv


def figure_html(fig: go.Figure, *, include_plotlyjs: bool) -> str:
    """A figure as an HTML fragment: no CDN, no MathJax, a fixed config."""
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=include_plotlyjs,
        include_mathjax=False,
        config={"displaylogo": False, "responsive": True},
    )


def show(fig: go.Figure, *, data: pd.DataFrame | None = None, name: str | None = None) -> None:
    """Display a plotly figure; in a report run, also write ``data`` as CSV and link it under the chart.

    Args:
        fig: the figure.
        data: the tidy table the figure was drawn from (what an analyst would download).
        name: the CSV's file stem (default: from the figure's title).
    """
    context = report_context()
    if context is None:
        fragment = figure_html(fig, include_plotlyjs=not _state["plotly_js"])
    else:
        fragment = ("" if _state["plotly_js"] else PLOTLY_TAG) + figure_html(fig, include_plotlyjs=False)
    _state["plotly_js"] = True
    if data is not None and context is not None:
        title = fig.layout.title.text or "figure"
        fragment += _download(context, data, _unique(name or _slug(re.sub(r"<.*", "", title))), shown=None)
    display(HTML(fragment))


def show_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    name: str | None = None,
    max_chars: int = MAX_TABLE_CHARS,
    **options,
) -> None:
    """Display a searchable, sortable table that wraps inside the page; its JavaScript is embedded (works offline).

    The index is not shown. Cells longer than :data:`MAX_CELL_CHARS` are cut with "…"; a table whose
    cells exceed ``max_chars`` (or what is left of :data:`MAX_PAGE_TABLE_CHARS` for the page) shows its
    first rows and says "showing N of M rows". In a report run, the full table is written as CSV and
    linked under it.

    Args:
        frame: the table (its index is dropped).
        caption: what the table shows.
        name: the CSV's file stem (default: from the caption).
        max_chars: characters of cell text embedded in the page.
        **options: passed to ``itables.show``.
    """
    import itables

    frame = frame.reset_index(drop=True)
    context = report_context()
    if not _state["itables"]:
        _init_itables(context)
        display(HTML(TABLE_CSS))
        _state["itables"] = True
    used = int(_state.get("table_chars", 0))  # type: ignore[call-overload]
    shown, cut = _fit(frame, max(min(max_chars, MAX_PAGE_TABLE_CHARS - used), MIN_TABLE_CHARS))
    _state["table_chars"] = used + _chars(shown)
    text_columns = [i for i, col in enumerate(shown.columns) if _is_text(shown[col])]
    options.setdefault("classes", "display compact workbench-table")
    render = itables.JavascriptFunction(_LINE_BREAKS)
    text_defs = {"className": "workbench-text", "targets": text_columns, "render": render}
    options.setdefault("columnDefs", [text_defs] if text_columns else [])
    options.setdefault("autoWidth", False)
    itables.show(shown, caption=caption, allow_html=False, showIndex=False, maxBytes=0, **options)
    note = (
        _download(context, frame, _unique(name or _slug(caption or "table")), shown=len(shown), cut=cut)
        if context
        else ""
    )
    if not note and (len(shown) < len(frame) or cut):
        note = f'<p class="workbench-download">{_shown_text(len(shown), len(frame), cut)}.</p>'
    if note:
        display(HTML(note))


def notice(text: str) -> None:
    """A plain, escaped message in the output (for empty results and skipped charts)."""
    display(HTML(f'<p class="workbench-notice"><strong>{html.escape(text)}</strong></p>'))


# -- assets --------------------------------------------------------------------------------------


def asset_text(name: str) -> str:
    """The content of a run folder's asset (``assets/plotly.min.js`` or ``assets/itables.js``)."""
    if name == PLOTLY_ASSET:
        from plotly.offline import get_plotlyjs

        return get_plotlyjs()
    if name == ITABLES_ASSET:
        # the bundle as a JavaScript string, base64-encoded in the browser (as itables' loader expects it):
        # a third smaller on disk than the base64 text itself
        js, css = (json.dumps(text) for text in _itables_sources())
        return "".join(
            f"{variable} = btoa(unescape(encodeURIComponent({text})));\n"
            for variable, text in zip(_ITABLES_GLOBALS, (js, css), strict=True)
        )
    raise KeyError(name)


def _itables_sources() -> tuple[str, str]:
    """The text of itables' DataTables bundle: its JavaScript and its CSS."""
    from itables import options

    bundle = Path(options.dt_bundle)
    return bundle.read_text(encoding="utf-8"), bundle.with_suffix(".css").read_text(encoding="utf-8")


def _itables_base64() -> tuple[str, str]:
    from base64 import b64encode

    return tuple(b64encode(text.encode("utf-8")).decode("ascii") for text in _itables_sources())  # type: ignore[return-value]


def _init_itables(context: ReportContext | None) -> None:
    """itables offline; in a report run its bundle comes from ``assets/itables.js``.

    That saves inlining it (about 1 MB a page).
    """
    from unittest import mock

    import itables

    if context is None:
        itables.init_notebook_mode(all_interactive=False, connected=False)
        return
    outputs: list = []
    with mock.patch("IPython.display.display", lambda obj, *a, **k: outputs.append(obj)):
        itables.init_notebook_mode(all_interactive=False, connected=False)
    js, css = _itables_base64()
    for output in outputs:
        markup = getattr(output, "data", None)
        if isinstance(markup, str) and f'"{js}"' in markup:
            markup = ITABLES_TAG + markup.replace(f'"{js}"', _ITABLES_GLOBALS[0]).replace(
                f'"{css}"', _ITABLES_GLOBALS[1]
            )
            output = HTML(markup)
        display(output)


# -- helpers -------------------------------------------------------------------------------------


def _is_text(column: pd.Series) -> bool:
    if not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)):
        return False
    longest = column.astype("string").str.len().max(skipna=True)
    return bool(pd.notna(longest) and longest > 40)


def _fit(frame: pd.DataFrame, max_chars: int) -> tuple[pd.DataFrame, bool]:
    """The rows that fit ``max_chars`` of cell text, long cells cut; and whether any cell was cut.

    Columns with no value at all (no outlet, no title in this corpus) are left out of the page; the CSV keeps them.
    """
    shown = frame.loc[:, frame.notna().any()] if len(frame) else frame.copy()
    shown = shown.copy()
    cut = False
    for col in shown.columns:
        if shown[col].dtype == object or isinstance(shown[col].dtype, pd.StringDtype):
            text = shown[col].astype("string")
            long = text.str.len() > MAX_CELL_CHARS
            if long.any():
                cut = True
                shown[col] = text.where(~long, text.str.slice(0, MAX_CELL_CHARS - 1) + "…")
    if len(shown) == 0:
        return shown, cut
    rows = int((_row_chars(shown).cumsum() <= max_chars).sum())
    return shown.head(max(rows, 1)), cut


def _row_chars(frame: pd.DataFrame) -> pd.Series:
    return frame.astype("string").fillna("").apply(lambda c: c.str.len() + 4).sum(axis=1)


def _chars(frame: pd.DataFrame) -> int:
    return int(_row_chars(frame).sum()) if len(frame) else 0


def _shown_text(shown: int, total: int, cut: bool) -> str:
    what = f"Showing {shown:,} of {total:,} rows" if shown < total else f"All {total:,} rows"
    return what + (f" (texts over {MAX_CELL_CHARS:,} characters cut)" if cut else "")


def _download(context: ReportContext, frame: pd.DataFrame, name: str, *, shown: int | None, cut: bool = False) -> str:
    """Write ``frame`` as the data file ``name`` of this notebook (:func:`write_data`); the HTML line that links it."""
    data = write_data(context, frame, name)
    link = f'<a href="{html.escape(context.link(data.file), quote=True)}" download>{html.escape(data.file)}</a>'
    kind = "CSV, gzip-compressed" if data.compressed else "CSV"
    if data.rows < data.total:
        what = (
            f"{link} ({kind}, {_size(data.bytes)}): first {data.rows:,} of {data.total:,} rows, to keep the run "
            f"folder small; {FULL_DATA_HINT}"
        )
    elif shown is None:
        what = f"{link} ({data.total:,} rows, {kind}, {_size(data.bytes)})"
    else:
        what = f"{link} ({kind}, {_size(data.bytes)})"
    if shown is None:
        return f'<p class="workbench-download">Data behind this chart: {what}</p>'
    label = "Full table" if data.rows == data.total else "Download"
    return f'<p class="workbench-download">{_shown_text(shown, len(frame), cut)}. {label}: {what}</p>'


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{max(n / 1e3, 0.1):.1f} kB"


def _slug(text: str) -> str:
    """A file stem: lower-case letters, digits and dashes.

    >>> _slug("Top pairs by npmi (sentence level)")
    'top-pairs-by-npmi-sentence-level'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-")[:60].strip("-")
    return slug or "table"


def _unique(name: str) -> str:
    """``name``, or ``name-2``... when the notebook already used it."""
    name = _slug(name)
    names = _state["names"]
    assert isinstance(names, set)
    candidate, n = name, 1
    while candidate in names:
        n += 1
        candidate = f"{name}-{n}"
    names.add(candidate)
    return candidate
