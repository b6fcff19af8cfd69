"""workbench.reports and ``workbench report``: runs, layout, offline HTML, failures, locking.

Uses the purpose-built notebooks in tests/fixtures/notebooks (one succeeds, one raises, one draws two
plotly charts, one shows an itables table), never the analysis notebooks, which test_notebooks.py runs.
The parameters are tested in test_report_parameters.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from click.testing import CliRunner
from filelock import FileLock

from workbench import config, reports
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.reports import folders
from workbench.reports import run as run_module

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SUCCEEDS, RAISES, PLOTLY, ITABLES = (str(NOTEBOOKS / f"{n}.ipynb") for n in ("succeeds", "raises", "plotly", "itables"))


def tree_digest(folder: Path) -> str:
    digest = hashlib.blake2b()
    for file in sorted(folder.rglob("*")):
        digest.update(str(file.relative_to(folder)).encode())
        if file.is_file():
            digest.update(file.read_bytes())
    return digest.hexdigest()


def invoke(*args: str):
    return CliRunner().invoke(main, ["report", *args], catch_exceptions=False)


# -- a good run ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    result = reports.run_reports([PLOTLY, ITABLES, SUCCEEDS], out=out, parameters={"start": "2024-01-01"})
    return out, result


def test_run_layout(good_run):
    out, result = good_run
    assert result.status == "ok", result.failed
    folder = out / result.run_id
    assert result.folder == folder
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        folders.RUN_MARKER, "assets", "data", "itables.html", "itables.ipynb", "plotly.html", "plotly.ipynb",
        "run.json", "succeeds.html", "succeeds.ipynb"
    ]  # fmt: skip
    assert sorted(str(p.relative_to(folder)) for p in (folder / "data").rglob("*.csv")) == [
        "data/itables/articles-fixture.csv", "data/plotly/articles-per-outlet.csv"
    ]  # fmt: skip
    assert (out / "latest").resolve() == folder.resolve()
    assert reports.latest_folder(out) == folder
    assert not list(out.glob(".tmp-*"))
    stored = json.loads((folder / "run.json").read_text())
    assert stored["status"] == "ok" and [n["name"] for n in stored["notebooks"]] == ["plotly", "itables", "succeeds"]
    assert stored["provenance"]["plotly"]["parameters"] == {"corpus": None, "start": "2024-01-01", "end": None}
    assert stored["notebooks"][0]["kernel_seconds"] > 0


def test_reports_are_offline(good_run):
    _, result = good_run
    for name in ("plotly", "itables", "succeeds"):
        page = (result.folder / f"{name}.html").read_text(encoding="utf-8")
        # the only scripts loaded by src are plotly.js and the itables bundle, from the run folder
        # (relative: file: when opened)
        assert set(re.findall(r"<script[^>]+src=\"([^\"]*)\"", page)) <= {
            "assets/plotly.min.js",
            "assets/itables.js",
        }, name
        assert not re.search(r"<link[^>]+href=\"?https?:", page), name
        # the embedded libraries mention URLs in their code; the page around them must fetch nothing
        markup = re.sub(r"(?s)<script\b[^>]*>.*?</script>", "<script></script>", page)
        for banned in ("require", "mathjax", "cdn.", "unpkg.com", "embed-amd", "@import", "url(http"):
            assert banned not in markup.lower(), (name, banned)
        assert len(page.encode()) < 2_000_000


def test_page_css_is_written_once_and_linked(good_run):
    from workbench.reports.export import PAGE_CSS_CHARS, page_css

    _, result = good_run
    assert page_css() and all(len(css) > PAGE_CSS_CHARS for css in page_css())
    for i, css in enumerate(page_css()):
        assert (result.folder / "assets" / f"page-{i}.css").read_text(encoding="utf-8") == css
    for name in ("plotly", "itables", "succeeds"):
        page = (result.folder / f"{name}.html").read_text(encoding="utf-8")
        assert [f'<link rel="stylesheet" href="assets/page-{i}.css">' in page for i in range(len(page_css()))] == [
            True
        ] * len(page_css())
        assert max(len(css) for css in re.findall(r"(?s)<style\b[^>]*>(.*?)</style>", page)) <= PAGE_CSS_CHARS


def test_plotly_js_loaded_once_from_the_run_folder(good_run):
    _, result = good_run
    page = (result.folder / "plotly.html").read_text(encoding="utf-8")
    assert page.count("Plotly.newPlot(") == 2
    tags = list(re.finditer(r'<script[^>]+src="assets/plotly.min.js"', page))
    assert len(tags) == 1 and tags[0].start() < page.index("Plotly.newPlot(")
    assert not re.findall(r"plotly\.js v\d", page)  # the library's banner: not inlined
    assert re.search(r"plotly\.js v\d", (result.folder / "assets" / "plotly.min.js").read_text(encoding="utf-8"))


def test_executed_notebooks_carry_no_library(good_run):
    _, result = good_run
    for name in ("plotly", "itables", "succeeds"):
        kept = (result.folder / f"{name}.ipynb").read_text(encoding="utf-8")
        assert not re.search(r"plotly\.js v\d", kept) and len(kept) < 100_000, name
    assert "European Pravda" in (result.folder / "itables.ipynb").read_text(encoding="utf-8")  # the results stay


def test_data_behind_charts_and_tables_is_linked(good_run):
    _, result = good_run
    page = (result.folder / "plotly.html").read_text(encoding="utf-8")
    assert (
        re.search(r'<a download[^>]* href="data/plotly/articles-per-outlet.csv"', page)
        and "Data behind this chart" in page
    )
    table = (result.folder / "itables.html").read_text(encoding="utf-8")
    assert re.search(r'<a download[^>]* href="data/itables/articles-fixture.csv"', table) and "All 1 rows" in table
    rows = (result.folder / "data" / "itables" / "articles-fixture.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "published,outlet,title,credit" and len(rows) == 2


def test_self_contained_report_inlines_the_libraries(tmp_path):
    result = reports.run_reports([PLOTLY, ITABLES], out=tmp_path, self_contained=True)
    page = (result.folder / "plotly.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", page)
    assert "assets/page-" not in page
    assert len(re.findall(r"plotly\.js v\d", page)) == 1 and page.index("plotly.js v") < page.index("Plotly.newPlot(")
    assert len(page.encode()) < 8_000_000
    assert not (result.folder / "assets").exists()
    table = (result.folder / "itables.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", table) and table.index("window.__workbench_dt_js = ") < table.index(
        "injectModule(window.__workbench_dt_js)"
    )


def test_itables_bundle_loaded_from_the_run_folder(good_run):
    _, result = good_run
    page = (result.folder / "itables.html").read_text(encoding="utf-8")
    assert "European Pravda" in page
    assert "connected=False" not in page and "itables.org/dt" not in page  # no link to the hosted bundle
    assert re.search(r'<script[^>]+src="assets/itables.js"', page) and "window.__workbench_dt_js" in page
    assert len(page.encode()) < 500_000  # the ~1 MB bundle is not in the page
    assert "window.__workbench_dt_js = " in (result.folder / "assets" / "itables.js").read_text(encoding="utf-8")


def test_report_has_provenance_header_and_no_code(good_run):
    _, result = good_run
    page = (result.folder / "plotly.html").read_text(encoding="utf-8")
    header = page.index('class="workbench-provenance"')
    assert header < page.index("Plotly.newPlot(")
    assert str(config.SEEDS_DIR) in page
    facts = result.provenance["plotly"]
    assert facts["articles"] == 1 and facts["first"] == "2024-11-14" and facts["fingerprint"] in page
    assert "start: 2024-01-01" in page and "set for this run" in page
    assert "groupby(" not in page and "import plotly" not in page  # no input cells
    assert 'class="jp-InputPrompt' not in page and 'class="jp-InputArea-editor' not in page


def test_index_lists_runs_with_links(good_run):
    out, result = good_run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert (
        f'href="{result.run_id}/plotly.html"' in index and "(latest)" in index and "start=&#39;2024-01-01&#39;" in index
    )


def test_if_changed_skips_an_identical_run(good_run):
    out, result = good_run
    again = reports.run_reports(
        [PLOTLY, ITABLES, SUCCEEDS], out=out, parameters={"start": "2024-01-01"}, if_changed=True
    )
    assert again.status == "skipped" and result.run_id in again.message
    assert len(reports.list_runs(out)) == 1


# -- failures ------------------------------------------------------------------------------------


def test_failed_notebook_keeps_previous_run_and_latest(tmp_path):
    out = tmp_path / "reports"
    first = invoke(SUCCEEDS, "--out", str(out))
    assert first.exit_code == 0, first.output
    good = reports.latest_folder(out)
    before = tree_digest(good)

    result = invoke(SUCCEEDS, RAISES, "--out", str(out))
    assert result.exit_code == 1
    assert "FAILED   raises: cell #5 raised ValueError: planned failure in the fixture" in result.output
    assert "line 2: raise ValueError" in result.output
    failed = [p for p in out.iterdir() if p.name.endswith("-failed")]
    assert len(failed) == 1
    kept = sorted(p.name for p in failed[0].iterdir())
    assert kept == [folders.RUN_MARKER, "assets", "raises.failed.ipynb", "run.json", "succeeds.html", "succeeds.ipynb"]
    executed = nbformat.read(failed[0] / "raises.failed.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert reports.latest_folder(out) == good and tree_digest(good) == before
    runs = reports.list_runs(out)
    assert [r["status"] for r in runs] == ["failed", "ok"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert (
        "raises failed" in index
        and "raises.failed.ipynb" in index
        and "cell #5: ValueError: planned failure in the fixture" in index
    )


def test_fail_fast_stops_starting_notebooks(tmp_path):
    result = reports.run_reports([RAISES, SUCCEEDS], out=tmp_path, fail_fast=True, jobs=1)
    assert [(n.name, n.status) for n in result.notebooks] == [("raises", "failed"), ("succeeds", "not run")]
    assert reports.latest_folder(tmp_path) is None


def test_parameter_fixes_the_failure(tmp_path):
    result = invoke(RAISES, "--out", str(tmp_path), "-p", "fail", "false")
    assert result.exit_code == 0, result.output
    assert "after the failure" in (reports.latest_folder(tmp_path) / "raises.html").read_text(encoding="utf-8")


def test_empty_corpus_after_filtering_says_so(tmp_path):
    result = invoke(SUCCEEDS, "--out", str(tmp_path), "--from", "2999-01-01")
    assert result.exit_code == 0, result.output
    page = (reports.latest_folder(tmp_path) / "succeeds.html").read_text(encoding="utf-8")
    assert "No articles match the filters</strong> (of 1 loaded)" in page  # the header
    assert "No articles match the filters: nothing to count." in page  # the notebook's own notice


def test_bad_date_is_a_clear_error(tmp_path):
    result = invoke(SUCCEEDS, "--out", str(tmp_path), "--from", "someday")
    assert result.exit_code == 2 and "start='someday' is not a date" in result.output


# -- locking and atomicity ---------------------------------------------------------------------


def test_second_run_exits_with_a_clear_message_while_locked(tmp_path):
    with FileLock(str(tmp_path / reports.LOCK_FILE)):
        result = invoke(SUCCEEDS, "--out", str(tmp_path), "--wait", "0.2")
    assert result.exit_code == 2
    assert "another `workbench report` is writing to" in result.output and "--wait" in result.output
    assert not reports.list_runs(tmp_path)


def fake_runs(monkeypatch, outcomes=None):
    outcomes = iter(outcomes) if outcomes else None
    monkeypatch.setattr(
        run_module,
        "_execute_all",
        lambda paths, *a, **k: [reports.NotebookResult(p.stem, next(outcomes) if outcomes else "ok") for p in paths],
    )


def test_stale_temporary_folders_are_removed_only_when_ours(tmp_path, monkeypatch):
    fake_runs(monkeypatch)
    reports.run_reports([SUCCEEDS], out=tmp_path)  # claims the folder
    token = folders.read_marker(tmp_path)["token"]
    stale = tmp_path / ".tmp-20000101-000000-dead"
    stale.mkdir()
    folders.mark_run(stale, token)
    (stale / "half.html").write_text("<p>half", encoding="utf-8")
    other = tmp_path / ".tmp-someone-elses"
    other.mkdir()
    (other / "work.txt").write_text("keep me", encoding="utf-8")
    forged = tmp_path / ".tmp-forged"
    forged.mkdir()
    (forged / folders.RUN_MARKER).write_text("not-the-token\n", encoding="utf-8")
    reports.run_reports([SUCCEEDS], out=tmp_path)
    assert not stale.exists()
    assert (other / "work.txt").read_text(encoding="utf-8") == "keep me" and forged.exists()


def test_refuses_a_non_empty_folder_it_did_not_make(tmp_path, monkeypatch):
    fake_runs(monkeypatch)
    (tmp_path / "thesis.docx").write_text("months of work", encoding="utf-8")
    (tmp_path / "index.html").write_text("my own page", encoding="utf-8")
    (tmp_path / ".tmp-build").mkdir()
    before = tree_digest(tmp_path)
    with pytest.raises(WorkbenchError, match="not a workbench reports folder"):
        reports.run_reports([SUCCEEDS], out=tmp_path)
    assert tree_digest(tmp_path) == before and sorted(p.name for p in tmp_path.iterdir()) == [
        ".tmp-build",
        "index.html",
        "thesis.docx",
    ]
    result = invoke(SUCCEEDS, "--out", str(tmp_path))
    assert (
        result.exit_code == 2 and "not a workbench reports folder" in result.output and tree_digest(tmp_path) == before
    )


def test_an_empty_or_new_folder_is_claimed(tmp_path, monkeypatch):
    fake_runs(monkeypatch)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".gitkeep").write_text("", encoding="utf-8")
    for out in (tmp_path / "empty", tmp_path / "new" / "nested"):
        assert reports.run_reports([SUCCEEDS], out=out).status == "ok"
        assert folders.read_marker(out)["runs"] == [reports.latest_folder(out).name]


def test_keep_never_deletes_a_folder_for_its_run_json(tmp_path, monkeypatch):
    fake_runs(monkeypatch)
    first = reports.run_reports([SUCCEEDS], out=tmp_path)
    # another tool's results, put into the reports folder later, with a run.json of its own
    other = tmp_path / "20000101-000000-beef"
    other.mkdir()
    (other / "run.json").write_text(
        json.dumps({"run_id": "x", "started": "2000-01-01T00:00:00", "status": "ok"}), encoding="utf-8"
    )
    (other / "results.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    # a copied run folder, marker included, that the workbench never recorded
    copied = tmp_path / "20000101-000000-copy"
    copied.mkdir()
    (copied / folders.RUN_MARKER).write_text(
        (first.folder / folders.RUN_MARKER).read_text(encoding="utf-8"), encoding="utf-8"
    )
    (copied / "run.json").write_text(json.dumps({"started": "1999-01-01T00:00:00"}), encoding="utf-8")
    for _ in range(2):
        reports.run_reports([SUCCEEDS], out=tmp_path, keep=1)
    assert (other / "results.csv").exists() and (copied / "run.json").exists()
    assert [r["folder"] for r in reports.list_runs(tmp_path)] == [reports.latest_folder(tmp_path).name]


def test_a_run_json_from_the_future_does_not_decide_what_is_pruned(tmp_path, monkeypatch):
    fake_runs(monkeypatch)
    runs = [reports.run_reports([SUCCEEDS], out=tmp_path, keep=None) for _ in range(3)]
    oldest = runs[0].folder / "run.json"
    data = json.loads(oldest.read_text(encoding="utf-8"))
    data["started"] = "2999-12-31T23:59:59+00:00"
    data["run_id"] = "29991231-235959-ffff"
    oldest.write_text(json.dumps(data), encoding="utf-8")
    newest = reports.run_reports([SUCCEEDS], out=tmp_path, keep=2)
    left = [r["folder"] for r in reports.list_runs(tmp_path)]
    assert left == [newest.run_id, runs[2].run_id]  # by the order the workbench published them in
    assert not runs[0].folder.exists() and not runs[1].folder.exists()


def test_keep_defaults_to_twenty_runs(tmp_path, monkeypatch):
    fake_runs(monkeypatch)
    for _ in range(reports.KEEP_RUNS + 2):
        reports.run_reports([SUCCEEDS], out=tmp_path)
    assert len(reports.list_runs(tmp_path)) == reports.KEEP_RUNS == 20
    assert len([p for p in tmp_path.iterdir() if p.is_dir() and not p.is_symlink()]) == 20


def test_interrupted_run_leaves_nothing_behind(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "_execute_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reports.run_reports([SUCCEEDS], out=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [reports.LOCK_FILE, folders.MARKER]


def test_latest_falls_back_to_a_pointer_file(tmp_path, monkeypatch):
    (tmp_path / "20240101-000000-abcd").mkdir()

    def no_symlinks(*args, **kwargs):
        raise OSError("symlinks not supported here")

    monkeypatch.setattr(folders.os, "symlink", no_symlinks)
    folders.point_latest(tmp_path, "20240101-000000-abcd")
    assert (tmp_path / "latest").read_text().strip() == "20240101-000000-abcd"
    assert reports.latest_folder(tmp_path) == tmp_path / "20240101-000000-abcd"


def test_report_help_lists_the_options():
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0
    options = (
        "--corpus",
        "--from",
        "--to",
        "-p, --parameter",
        "-f, --parameters-file",
        "--out",
        "--if-changed",
        "--fail-fast",
        "--wait",
        "--keep",
    )
    for option in (*options, "--self-contained", "--columns"):
        assert option in result.output


def test_live_widgets_become_a_note_in_reports():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("panel")
    view = {
        "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2},
        "text/plain": "VBox(children=(...))",
    }
    cell.outputs = [nbformat.v4.new_output("display_data", data=view)]
    nb.cells.append(cell)
    page = reports.export_html(nb, title="live")
    assert "A live widget panel is shown here" in page and "VBox(children" not in page and "model_id" not in page


def test_if_changed_runs_again_when_parameters_or_corpus_change(tmp_path, monkeypatch):
    monkeypatch.setattr(
        run_module, "_execute_all", lambda paths, plan, *a, **k: [reports.NotebookResult(p.stem, "ok") for p in paths]
    )
    first = reports.run_reports([SUCCEEDS], out=tmp_path, if_changed=True)
    assert first.status == "ok"  # nothing to compare with yet
    assert reports.run_reports([SUCCEEDS], out=tmp_path, if_changed=True).status == "skipped"
    assert reports.run_reports([SUCCEEDS], out=tmp_path, parameters={"label": "other"}, if_changed=True).status == "ok"
    assert (
        reports.run_reports(
            [SUCCEEDS], out=tmp_path, parameters={"label": "other", "corpus": str(HOSTILE)}, if_changed=True
        ).status
        == "ok"
    )
    assert (
        reports.run_reports(
            [SUCCEEDS], out=tmp_path, parameters={"label": "other", "corpus": str(HOSTILE)}, if_changed=True
        ).status
        == "skipped"
    )
    assert len(reports.list_runs(tmp_path)) == 3


def test_keep_prunes_old_runs_but_never_latest(tmp_path, monkeypatch):
    outcomes = iter(["ok", "ok", "failed", "failed"])
    monkeypatch.setattr(
        run_module,
        "_execute_all",
        lambda paths, *a, **k: [reports.NotebookResult(p.stem, next(outcomes)) for p in paths],
    )
    runs = [reports.run_reports([SUCCEEDS], out=tmp_path, keep=2) for _ in range(4)]
    left = [r["run_id"] for r in reports.list_runs(tmp_path)]
    assert left == [runs[3].run_id, runs[2].run_id, runs[1].run_id]  # the two newest, plus latest (the last good run)
    assert reports.latest_folder(tmp_path).name == runs[1].run_id
    assert runs[0].run_id not in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_slowest_notebook_starts_first(tmp_path, monkeypatch):
    started = []

    def fake(path, folder, parameters, **kwargs):
        started.append(path.stem)
        return reports.NotebookResult(
            path.stem, "ok", seconds={"plotly": 1.0, "itables": 9.0, "succeeds": 5.0}[path.stem]
        )

    monkeypatch.setattr(run_module, "execute_notebook", fake)
    first = reports.run_reports([PLOTLY, ITABLES, SUCCEEDS], out=tmp_path, jobs=1)
    assert started == ["plotly", "itables", "succeeds"]  # nothing known yet: the order given
    started.clear()
    second = reports.run_reports([PLOTLY, ITABLES, SUCCEEDS], out=tmp_path, jobs=1)
    assert started == ["itables", "succeeds", "plotly"]  # longest first, from the previous run
    assert [n.name for n in second.notebooks] == [n.name for n in first.notebooks] == ["plotly", "itables", "succeeds"]


def test_wait_queues_behind_a_running_report(tmp_path, monkeypatch):
    monkeypatch.setattr(
        run_module, "_execute_all", lambda paths, *a, **k: [reports.NotebookResult(p.stem, "ok") for p in paths]
    )
    held = threading.Event()

    def other_run():  # holds the lock for half a second, like a run that is finishing
        with FileLock(str(tmp_path / reports.LOCK_FILE)):
            held.set()
            time.sleep(0.5)

    threading.Thread(target=other_run).start()
    held.wait()
    started = time.perf_counter()
    result = reports.run_reports([SUCCEEDS], out=tmp_path, wait_seconds=30)
    assert time.perf_counter() - started >= 0.3
    assert result.status == "ok" and reports.latest_folder(tmp_path) == result.folder


def test_columns_reach_the_notebooks_parameters(tmp_path, monkeypatch):
    seen = {}

    def fake(paths, plan, *args, **kwargs):
        seen.update({p.stem: plan[p] for p in paths})
        return [reports.NotebookResult(p.stem, "ok") for p in paths]

    monkeypatch.setattr(run_module, "_execute_all", fake)
    table = tmp_path / "articles.csv"
    table.write_text("date,body_html\n2031-03-01,Zora Quillfeather said the talks went well.\n", encoding="utf-8")
    result = invoke("10", "--out", str(tmp_path / "out"), "--corpus", str(table), "--columns", "body_html=text")
    assert result.exit_code == 0, result.output
    assert seen["10-entity-cooccurrence"]["columns"] == {"body_html": "text"}
    assert reports.list_runs(tmp_path / "out")[0]["provenance"]["10-entity-cooccurrence"]["articles"] == 1


def test_kept_notebook_leaves_out_libraries_charts_and_large_tables():
    from workbench.reports.execute import CHART_NOTE, LIBRARY_NOTE, TABLE_NOTE, _without_libraries

    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": "x" * 10}})
    outputs = {
        "library": '<script>async function injectModule(b) {}</script><script>"' + "A" * 200_000 + '"</script>',
        "table": '<table id="itables_1"></table><script type="module">const data = ['
        + '["a long quote"],' * 20_000
        + "]</script>",
        "chart": '<div class="plotly-graph-div"></div><script>Plotly.newPlot("x", [])</script>'
        '<p class="workbench-download">Data behind this chart: <a href="data/nb/x.csv">x.csv</a></p>',
        "small table": '<table id="itables_2"><tr><td>European Pravda</td></tr></table><script>x</script>',
    }
    for markup in outputs.values():
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": markup})]
        nb.cells.append(cell)
    kept = _without_libraries(nb)
    note = '<p class="workbench-download">Data behind this chart: <a href="data/nb/x.csv">x.csv</a></p>'
    assert [c.outputs[0]["data"]["text/html"] for c in kept.cells] == [
        LIBRARY_NOTE, TABLE_NOTE, CHART_NOTE + note, outputs["small table"]
    ]  # fmt: skip
    assert (
        "widgets" not in kept.metadata and "widgets" in nb.metadata
    )  # a copy; the report is exported from the original


def test_the_data_budget_is_shared_by_the_notebooks_unless_full_data(tmp_path, monkeypatch):
    from workbench import display

    budgets = []

    def fake(path, folder, parameters, **kwargs):
        budgets.append(kwargs["data_bytes"])
        return reports.NotebookResult(path.stem, "ok")

    monkeypatch.setattr(run_module, "execute_notebook", fake)
    bounded = reports.run_reports([PLOTLY, ITABLES], out=tmp_path)
    assert budgets == [display.RUN_DATA_BYTES // 2] * 2
    budgets.clear()
    full = reports.run_reports([PLOTLY, ITABLES], out=tmp_path, full_data=True, if_changed=True)
    assert budgets == [None, None] and full.status == "ok"  # not "unchanged": every row is a different run
    assert full.key != bounded.key


def test_full_data_option_reaches_the_run(tmp_path, monkeypatch):
    seen = {}

    def fake(*args, **kwargs):
        seen.update(kwargs)
        return reports.RunResult("x", "skipped", "now")

    monkeypatch.setattr(reports, "run_reports", fake)
    assert invoke("10", "--out", str(tmp_path), "--full-data").exit_code == 0
    assert seen["full_data"] is True
    assert invoke("10", "--out", str(tmp_path)).exit_code == 0
    assert seen["full_data"] is False


def test_a_kernel_keeps_to_its_data_budget(tmp_path):
    """End to end: the budget reaches the kernel, which writes the first rows and says so; None writes every row."""
    from workbench.reports.execute import execute_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import pandas as pd\nfrom workbench.display import show_table\n"
            "show_table(pd.DataFrame({'n': range(50_000), 'text': [f'quote {i} ' * 3 for i in range(50_000)]}),"
            " name='quotes')"
        )
    )
    notebook = tmp_path / "budget.ipynb"
    nbformat.write(nb, notebook)
    for budget, folder in ((30_000, tmp_path / "bounded"), (None, tmp_path / "full")):
        folder.mkdir()
        result = execute_notebook(notebook, folder, {}, data_bytes=budget)
        assert result.status == "ok", result.error
        written = folder / "data" / "budget" / "quotes.csv.gz"
        rows = len(pd.read_csv(written))
        page = (folder / "budget.html").read_text(encoding="utf-8")
        if budget:
            assert written.stat().st_size <= budget and 1_000 < rows < 50_000
            assert f"first {rows:,} of 50,000 rows" in page and "--full-data" in page
        else:
            assert rows == 50_000 and "--full-data" not in page
