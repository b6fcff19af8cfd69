"""News Workbench: who appears with whom, who says what citing whom, and what happened when.

>>> import workbench
>>> corpus = workbench.load_corpus()          # seeds/ by default
>>> corpus.articles[["published", "outlet"]]  # doctest: +SKIP
"""

from workbench.corpus import Corpus, load_corpus, register_table
from workbench.errors import CorpusError, WorkbenchError

__version__ = "0.1.0"

__all__ = ["Corpus", "CorpusError", "WorkbenchError", "__version__", "load_corpus", "register_table"]
