"""News Workbench: who appears with whom, who says what citing whom, and what happened when.

>>> import workbench
>>> corpus = workbench.load_corpus()          # seeds/ by default
>>> corpus.articles[["published", "outlet"]]  # doctest: +SKIP

The analysis functions are re-exported here and imported on first use (``cooccurrence`` and
``timeline`` are modules of the same name: ``from workbench.timeline import timeline``), so that ``import
workbench`` (and a warm corpus load) stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from workbench.corpus import Corpus
from workbench.errors import CorpusError, WorkbenchError
from workbench.ingest import load_corpus
from workbench.tables import register_table

#: The package version, written only here: pyproject.toml reads it (``[tool.setuptools.dynamic]``).
__version__ = "0.1.0"

#: public name -> module that defines it (imported lazily)
_LAZY = {
    "canonical": "workbench.ner",
    "register_backend": "workbench.ner",
    "partners": "workbench.cooccurrence",
    "evidence": "workbench.cooccurrence",
    "graph": "workbench.cooccurrence",
    "frequencies": "workbench.cooccurrence",
    "sources_by_outlet": "workbench.sources",
    "kinds_by_outlet": "workbench.sources",
    "citation_flows": "workbench.sources",
    "top_sources": "workbench.sources",
    "attribution_over_time": "workbench.sources",
    "quotes": "workbench.sources",
    "events": "workbench.timeline",
    "lags": "workbench.timeline",
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
