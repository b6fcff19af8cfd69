"""An executed notebook as one offline HTML page: no code, no CDN, a provenance header on top.

The page is rendered with the ``offline`` nbconvert template in ``workbench/templates/`` (it extends
``lab`` and empties the blocks that fetch scripts from the network); plotly.js and the itables bundle
are loaded by relative ``<script src="assets/...">`` tags that ``workbench.display`` puts in the page
(the run folder holds them), or inlined with ``self_contained``. Likewise JupyterLab's theme CSS, which
nbconvert's template puts in every page (about 250 kB), is written once per run folder
(``assets/page-<n>.css``) and linked, unless ``self_contained``.
"""

from __future__ import annotations

import functools
import json
import re

import nbformat

from workbench.config import PACKAGE_DIR
from workbench.display import ITABLES_ASSET, PLOTLY_ASSET, asset_text

TEMPLATES_DIR = PACKAGE_DIR / "templates"
PROVENANCE_TAG = "workbench-provenance"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Style blocks of the template longer than this are JupyterLab's theme: linked from ``assets/`` instead.
PAGE_CSS_CHARS = 10_000
_STYLE = re.compile(r"(?s)<style\b[^>]*>(.*?)</style>")
WIDGET_NOTE = (
    '<p class="workbench-notice"><em>A live widget panel is shown here when the notebook runs in JupyterLab.</em></p>'
)


def export_html(nb, *, title: str, header: str = "", self_contained: bool = False) -> str:
    """An executed notebook as one offline HTML page: no code, no prompts, no CDN, no stderr.

    Args:
        nb: an executed ``nbformat`` notebook (not modified).
        title: the page title.
        header: HTML put before the first output (the provenance header).
        self_contained: inline plotly.js and the itables bundle instead of loading them from the run
            folder's ``assets/`` (a single file to e-mail; the data links still point beside it).
    """
    from nbconvert import HTMLExporter

    from workbench.provenance import header_css

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.metadata.pop("widgets", None)  # static reports hold no live widgets
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            for output in cell.outputs:
                if WIDGET_VIEW in output.get("data", {}):
                    output["data"] = {"text/html": WIDGET_NOTE}
    if header:
        cell = nbformat.v4.new_code_cell(
            source="# provenance header added by workbench report", metadata={"tags": [PROVENANCE_TAG]}
        )
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
    if self_contained:
        return inline_assets(body)
    return link_page_css(body)


def css_asset(index: int) -> str:
    """The run folder's file of the template's ``index``-th large style block."""
    return f"assets/page-{index}.css"


@functools.cache
def page_css() -> tuple[str, ...]:
    """The large style blocks the template puts in every page (JupyterLab's theme), in page order."""
    page = export_html(nbformat.v4.new_notebook(), title="", self_contained=True)
    return tuple(m.group(1) for m in _STYLE.finditer(page) if len(m.group(1)) > PAGE_CSS_CHARS)


def link_page_css(page: str) -> str:
    """``page`` with each of the template's large style blocks replaced by a link to its copy in ``assets/``.

    Each block keeps its place (the cascade is unchanged); a block that differs from :func:`page_css` stays inline.
    """
    styles = page_css()
    count = 0

    def link(match: re.Match) -> str:
        nonlocal count
        if len(match.group(1)) <= PAGE_CSS_CHARS:
            return match.group(0)
        index, count = count, count + 1
        if index < len(styles) and match.group(1) == styles[index]:
            return f'<link rel="stylesheet" href="{css_asset(index)}">'
        return match.group(0)

    return _STYLE.sub(link, page)


def inline_assets(page: str) -> str:
    """``page`` with each ``<script src="assets/...">`` replaced by the script itself.

    The match allows any attribute order (nbconvert may reorder attributes).
    """
    for name in (PLOTLY_ASSET, ITABLES_ASSET):
        tag = re.compile(r'<script\b[^>]*\bsrc="' + re.escape(name) + r'"[^>]*>\s*</script>')
        if tag.search(page):
            inline = f'<script type="text/javascript">{asset_text(name)}</script>'
            page = tag.sub(lambda _, inline=inline: inline, page, count=1)
    return page
