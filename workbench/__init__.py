"""News Workbench: who appears with whom, who says what citing whom, and what happened when.

>>> import workbench
>>> corpus = workbench.load_corpus()          # seeds/ by default
>>> corpus.articles[["published", "outlet"]]  # doctest: +SKIP

Every public analysis function takes the Corpus first, then keyword-only options (``top_n``, ``freq``,
``by``, ``level``, ``measure``, ``min_count``, ``types``, ``kinds``; see ``workbench.params``), and is
reachable here: ``workbench.cooccurrence(corpus, level="sentence")``, ``workbench.timeline(corpus,
freq="W")``, ``workbench.top_sources(corpus, top_n=10)``. They are imported on first use, so that
``import workbench`` (and a warm corpus load) stays fast. No module has the name of a public function:
co-occurrence lives in ``pairs``, ``excerpts``, ``network`` and ``prominence``, time in ``timelines``.
"""

from __future__ import annotations

import importlib
from typing import Any

from workbench.corpus import Corpus
from workbench.errors import CorpusError, WorkbenchError
from workbench.ingest import load_corpus
from workbench.memory import choose_pool
from workbench.tables import register_table

choose_pool()  # jemalloc for Arrow, unless $ARROW_DEFAULT_MEMORY_POOL says otherwise (see workbench.memory)

#: The package version, written only here: pyproject.toml reads it (``[tool.setuptools.dynamic]``).
__version__ = "0.1.0"

#: public name -> module that defines it (imported lazily)
_LAZY = {
    "canonical": "workbench.ner",
    "register_backend": "workbench.ner",
    "cooccurrence": "workbench.pairs",
    "partners": "workbench.pairs",
    "frequencies": "workbench.prominence",
    "evidence": "workbench.excerpts",
    "evidence_table": "workbench.excerpts",
    "graph": "workbench.network",
    "centrality": "workbench.network",
    "sources_by_outlet": "workbench.sources",
    "kinds_by_outlet": "workbench.sources",
    "citation_flows": "workbench.sources",
    "top_sources": "workbench.sources",
    "upstream": "workbench.sources",
    "attribution_over_time": "workbench.sources",
    "quotes": "workbench.sources",
    "timeline": "workbench.timelines",
    "events": "workbench.timelines",
    "lags": "workbench.timelines",
    "lag_summary": "workbench.timelines",
    "stories": "workbench.reuse",
    "story_articles": "workbench.reuse",
    "copy_flows": "workbench.reuse",
    "copy_origins": "workbench.reuse",
    "shared_texts": "workbench.reuse",
    "describe_copies": "workbench.reuse",
    "travelling_quotes": "workbench.reuse",
    "quote_appearances": "workbench.reuse",
    "run_reports": "workbench.reports",
    "ExplorerPanel": "workbench.widgets",
}

__all__ = ["Corpus", "CorpusError", "WorkbenchError", "__version__", "load_corpus", "register_table", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
