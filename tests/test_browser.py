"""The reports in a real browser: Debian's Chromium driven by playwright-python (never `playwright install`).

Each report must draw its plotly charts, log no console error, make no network request (anything but
file:, data:, blob: and about: fails), and the hostile fixture article must not run any script.
Screenshots go to test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import reportkit

from workbench import config

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
#: Needed as root in a container, and to keep Chromium itself from phoning home during the test.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
ARTIFACTS = config.ROOT / "test-artifacts"
#: Installed before any page script: the hostile payloads set window.__pwned or call alert/confirm/prompt.
TRAP = """
window.__pwned = undefined;
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (...args) => { window.__dialogs.push(name + ":" + args.join(" ")); };
}
"""

#: Widths in the page: the viewport, the page's scroll width, tables sticking out, and text cells' white-space.
LAYOUT = """() => {
  const page = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll("table.dataTable")];
  const wide = tables.filter(t => t.getBoundingClientRect().right > page + 1)
    .map(t => Math.round(t.getBoundingClientRect().width));
  const cells = [...document.querySelectorAll("table.dataTable td.workbench-text")];
  return {page, scroll: document.documentElement.scrollWidth, tables: tables.length, wide,
          textCells: cells.length, preWrap: cells.filter(c => getComputedStyle(c).whiteSpace === "pre-wrap").length,
          literalNewlines: cells.filter(c => c.textContent.includes("\\\\n")).length};
}"""


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (`make chromium` installs Debian's package)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def visit(browser, report: Path, shot: str) -> dict:
    """Open a report from disk; return what happened: charts, tables, console errors, requests, script effects."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    errors: list[str] = []
    blocked: list[str] = []
    dialogs: list[str] = []

    def route(r):
        if r.request.url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("request", lambda r: None if r.url.startswith(LOCAL_SCHEMES) else blocked.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(TRAP)
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # plotly draws on load; itables builds its table in a module script
    hover_links = page.locator(".js-plotly-plot a[href^='javascript']").count()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    facts = {
        "charts": page.locator(".js-plotly-plot").count(),
        "drawn": page.locator(".js-plotly-plot .main-svg").count(),
        "tables": page.locator("table.dataTable").count(),
        "errors": errors,
        "blocked": sorted(set(blocked)),
        "pwned": page.evaluate("window.__pwned"),
        "dialogs": dialogs + page.evaluate("window.__dialogs"),
        "javascript_links": page.locator("a[href^='javascript' i]").count() + hover_links,
        "header": page.locator(".workbench-provenance").count(),
        "text": page.inner_text("body"),
        "layout": page.evaluate(LAYOUT),
        # JupyterLab's theme (from assets/page-*.css, or inline when self-contained) defines its variables
        "themed": page.evaluate("getComputedStyle(document.body).getPropertyValue('--jp-ui-font-family').trim()"),
    }
    context.close()
    return facts


def expected_charts(report: Path) -> int:
    return report.read_text(encoding="utf-8").count("Plotly.newPlot(")


def assert_clean(facts: dict, name: str) -> None:
    assert facts["errors"] == [], f"{name}: console errors {facts['errors']}"
    assert facts["blocked"] == [], f"{name}: network requests {facts['blocked']}"
    assert facts["header"] == 1, f"{name}: no provenance header"
    assert facts["pwned"] is None and facts["dialogs"] == [], (
        f"{name}: a script from the article ran: {facts['pwned']} {facts['dialogs']}"
    )
    assert facts["javascript_links"] == 0, f"{name}: a javascript: link made it into the page"
    assert facts["themed"], f"{name}: JupyterLab's theme CSS did not load"


def reports_of(result) -> list[Path]:
    assert not result.failed, reportkit.failures(result)
    return [result.folder / n.html for n in result.notebooks]


# -- fixture notebooks: the report machinery itself -----------------------------------------------


@pytest.fixture(scope="module")
def fixture_reports():
    return {p.stem: p for p in reports_of(reportkit.run("fixtures-hostile"))}


def test_fixture_plotly_report_draws_both_charts_offline(browser, fixture_reports):
    facts = visit(browser, fixture_reports["plotly"], "fixture-plotly-hostile")
    assert_clean(facts, "plotly")
    assert facts["charts"] == 2 and facts["drawn"] >= 2


def test_fixture_itables_report_builds_its_table_offline(browser, fixture_reports):
    facts = visit(browser, fixture_reports["itables"], "fixture-itables-hostile")
    assert_clean(facts, "itables")
    assert facts["tables"] == 1
    assert "Hostile Gazette <script>" in facts["text"]  # shown as text, not run


def test_hostile_hover_text_is_shown_as_text(browser, fixture_reports):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(TRAP)
    page.goto(fixture_reports["plotly"].as_uri(), wait_until="load")
    box = page.locator(".js-plotly-plot .bars path").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # plotly's drag layer takes the events
    page.wait_for_selector(".hoverlayer .hovertext")
    hover = page.locator(".hoverlayer .hovertext").first.text_content()
    assert hover.startswith('<script>window.__pwned = true; alert("lead")</script>')  # characters, not elements
    assert page.locator(".hoverlayer a, .hoverlayer img").count() == 0
    assert page.evaluate("window.__pwned") is None
    context.close()


# -- the analysis notebooks ------------------------------------------------------------------------


def notebook_ids() -> list[str]:
    return [p.stem for p in reportkit.project_notebooks()]


def report_ids() -> list[str]:
    return [p.stem for p in reportkit.report_notebooks()]


@pytest.mark.slow
@pytest.mark.parametrize("name", notebook_ids())
def test_notebook_report_in_browser(browser, name):
    report = next(p for p in reports_of(reportkit.run("seeds")) if p.stem == name)
    facts = visit(browser, report, f"{name}-seeds")
    assert_clean(facts, name)
    assert facts["charts"] == expected_charts(report), (
        f"{name}: {facts['charts']} of {expected_charts(report)} charts drawn"
    )
    assert facts["drawn"] >= facts["charts"]


@pytest.mark.slow
@pytest.mark.parametrize("name", report_ids())
def test_hostile_article_runs_no_script(browser, name):
    report = next(p for p in reports_of(reportkit.run("hostile")) if p.stem == name)
    facts = visit(browser, report, f"{name}-hostile")
    assert_clean(facts, name)
    assert facts["charts"] == expected_charts(report)


@pytest.mark.slow
@pytest.mark.parametrize("name", report_ids())
def test_no_table_overflows_a_1280_px_page(browser, name):
    """Long quotes, line breaks and a 280-character URL, in a corpus without outlets.

    Every table wraps inside the page.
    """
    report = next(p for p in reports_of(reportkit.run("longquotes")) if p.stem == name)
    facts = visit(browser, report, f"{name}-longquotes")
    assert_clean(facts, name)
    layout = facts["layout"]
    assert layout["wide"] == [] and layout["scroll"] <= 1280, (
        f"{name}: tables wider than the {layout['page']} px page: {layout}"
    )
    assert layout["preWrap"] == layout["textCells"], layout
    if name.startswith(("10-", "20-")):
        assert layout["tables"] and layout["textCells"], f"{name}: no table of texts to check: {layout}"
    assert "from 0 outlets" not in facts["text"], f"{name}: the header counts outlets that do not exist"
    assert layout["literalNewlines"] == 0, f"{name}: text cells show a literal \\n: {layout}"
    assert "(unknown outlet)" not in facts["text"], f"{name}: a column or chart of '(unknown outlet)' says nothing"


def test_index_page_is_offline(browser, fixture_reports):
    index = next(iter(fixture_reports.values())).parent.parent / "index.html"
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(index.as_uri())
    assert page.locator("a[href$='.html']").count() == 3
    assert all(url.startswith(LOCAL_SCHEMES) for url in requests), requests
    context.close()


def test_the_checks_catch_what_they_look_for(browser, tmp_path):
    """A page that breaks every rule fails every check (so a clean report is evidence, not luck)."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><body><script src="https://cdn.example.invalid/lib.js"></script>'
        '<img src="http://tracker.example.invalid/p.gif">'
        "<script>window.__pwned = true; alert(1); undefinedFunction();</script>"
        '<a href="javascript:void(0)">x</a></body></html>',
        encoding="utf-8",
    )
    facts = visit(browser, page, "canary")
    assert len(facts["blocked"]) == 2
    assert facts["pwned"] is True and facts["dialogs"]
    assert any("undefinedFunction" in e for e in facts["errors"])
    assert facts["javascript_links"] == 1 and facts["header"] == 0
    assert not facts["themed"]
