"""What a report analysed: corpus, filters, content hash, parameters, versions, time.

Every HTML report starts with this header so that a reader, years later, can tell exactly which
articles and settings produced it. :func:`provenance` gathers the facts (a plain dict, stored in each
run's ``run.json``) and :func:`header_html` renders them, escaping every value: corpus paths,
outlet names and parameter values may come from untrusted input.
"""

from __future__ import annotations

import html
import platform
from datetime import UTC, datetime
from typing import Any

from workbench import __version__
from workbench.corpus import Corpus

#: Parameters that restrict the corpus, by the names of ``Corpus.filter``'s options.
FILTER_PARAMETERS = ("start", "end", "outlets", "entities")


def provenance(
    corpus: Corpus, filtered: Corpus, parameters: dict[str, Any], *, run_time: datetime | None = None
) -> dict[str, Any]:
    """The facts for a report header, as JSON-ready values.

    Args:
        corpus: the corpus as loaded (its content hash identifies the input).
        filtered: the same corpus after the report's filters (what the charts count).
        parameters: the notebook's effective parameters (defaults and overrides).
        run_time: when the run started (default: now, UTC).

    Returns:
        ``corpus`` (path), ``fingerprint``, ``loaded`` and ``articles`` (counts), ``first`` and
        ``last`` (ISO dates or None), ``filters``, ``parameters``, ``version``, ``python``, ``run_time``.

    >>> from workbench import load_corpus
    >>> corpus = load_corpus(cache=False)
    >>> facts = provenance(corpus, corpus.filter(start="2024-11-01"), {"start": "2024-11-01"})
    >>> facts["articles"], facts["first"]
    (1, '2024-11-14')
    """
    published = filtered.articles["published"].dropna()
    return {
        "corpus": str(corpus.root) if corpus.root is not None else None,
        "fingerprint": corpus.fingerprint,
        "loaded": len(corpus),
        "articles": len(filtered),
        "first": f"{published.min():%Y-%m-%d}" if len(published) else None,
        "last": f"{published.max():%Y-%m-%d}" if len(published) else None,
        "filters": {k: parameters.get(k) for k in FILTER_PARAMETERS if parameters.get(k) not in (None, "", [], ())},
        "parameters": jsonable(parameters),
        "version": __version__,
        "python": platform.python_version(),
        "run_time": (run_time or datetime.now(UTC)).isoformat(timespec="seconds"),
    }


def jsonable(value: Any) -> Any:
    """Parameters as JSON values: dates become ISO strings, tuples lists, others ``repr``.

    >>> import datetime
    >>> jsonable({"start": datetime.date(2024, 11, 14), "outlets": ("A", "B")})
    {'start': '2024-11-14', 'outlets': ['A', 'B']}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value)


def _value(value: Any) -> str:
    if value is None:
        return "None (default)"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "[] (none)"
    return str(value)


def header_html(
    facts: dict[str, Any], *, title: str | None = None, overridden: set[str] | frozenset[str] = frozenset()
) -> str:
    """The provenance header as an HTML fragment (no script, every value escaped).

    Args:
        facts: a :func:`provenance` dict.
        title: the report's name, shown as a heading.
        overridden: parameter names set for this run (the others are the notebook's defaults).

    Returns:
        A ``<section class="workbench-provenance">`` element.

    >>> facts = {"corpus": "<x>", "fingerprint": "ab", "loaded": 0, "articles": 0, "first": None, "last": None,
    ...          "filters": {}, "parameters": {}, "version": "0", "python": "3", "run_time": "t"}
    >>> "&lt;x&gt;" in header_html(facts) and "<x>" not in header_html(facts)
    True
    """
    e = html.escape
    if facts["articles"]:
        if not facts["first"]:
            span = "no publication dates"
        elif facts["first"] == facts["last"]:
            span = f"published {facts['first']}"
        else:
            span = f"published {facts['first']} to {facts['last']}"
        noun = "article" if facts["articles"] == 1 else "articles"
        scope = f"<strong>{facts['articles']:,}</strong> {noun} analysed (of {facts['loaded']:,} loaded), {e(span)}"
    else:
        scope = (
            f"<strong>No articles match the filters</strong> (of {facts['loaded']:,} loaded): "
            "this report has nothing to count."
        )
    filters = facts.get("filters") or {}
    filter_text = " · ".join(f"{e(k)}: {e(_value(v))}" for k, v in filters.items()) or "none (all articles)"
    rows = "".join(
        f"<tr><th>{e(name)}</th><td>{e(_value(value))}</td>"
        f"<td>{'set for this run' if name in overridden else 'notebook default'}</td></tr>"
        for name, value in facts.get("parameters", {}).items()
    )
    params = (
        f'<table class="workbench-parameters"><tbody>{rows}</tbody></table>'
        if rows
        else "<p>This notebook has no parameters.</p>"
    )
    heading = f'<p class="workbench-report-name">News Workbench report · <code>{e(title)}</code></p>' if title else ""
    return (
        '<section class="workbench-provenance">'
        f"{heading}"
        f"<p>{scope}.</p>"
        "<dl>"
        f"<dt>Corpus</dt><dd><code>{e(str(facts['corpus']))}</code></dd>"
        f"<dt>Filters</dt><dd>{filter_text}</dd>"
        f"<dt>Corpus content hash</dt><dd><code>{e(str(facts['fingerprint']))}</code> "
        f"(over all {facts['loaded']:,} loaded articles)</dd>"
        f"<dt>Generated</dt><dd>{e(str(facts['run_time']))} by News Workbench {e(str(facts['version']))} "
        f"(Python {e(str(facts['python']))})</dd>"
        "</dl>"
        f"<details open><summary>Parameters</summary>{params}</details>"
        "</section>"
    )


def header_css() -> str:
    """Styles for the header (inlined by the report template; no external font or file)."""
    return (
        ".workbench-provenance{border:1px solid #c8d0da;background:#f6f8fa;border-radius:6px;"
        "padding:0.8em 1.2em;margin:1em 0 2em 0;"
        "font-family:system-ui,sans-serif;font-size:14px}"
        ".workbench-report-name{font-size:1.1em;color:#444;margin:0.2em 0 0.6em 0}"
        ".workbench-provenance dl{display:grid;grid-template-columns:max-content auto;gap:0.2em 1em;margin:0.6em 0}"
        ".workbench-provenance dt{font-weight:600}.workbench-provenance dd{margin:0}"
        ".workbench-parameters th{text-align:left;padding-right:1em}.workbench-parameters td{padding-right:1em}"
    )
