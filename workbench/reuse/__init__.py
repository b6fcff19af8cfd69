"""Who copies whom: shared text between articles, stories, flows between outlets, quotes that travel.

- :func:`copies` (``workbench.reuse.copying``): the extractor behind ``corpus.copies``, one row per pair
  of articles sharing text (``exact``, ``near`` or ``partial``), verified exactly after MinHash LSH
  candidates (``candidates``, ``shingles``);
- :func:`story_ids` and :func:`stories` (``clusters``): ``corpus.stories`` and one row per story;
- :func:`copy_flows` (``flows``): who republishes whom, how fast, credited or not;
- :func:`travelling_quotes` (``quotations``): direct quotations found in several articles;
- ``store``: the copies and quotation links of a corpus kept in its cache (a warm report reads them back).

No module here has the name of a public function.
"""

from workbench.reuse.clusters import stories, story_articles, story_ids
from workbench.reuse.copying import copies, corpus_copies, credit_rows
from workbench.reuse.flows import SHOWN_PAIRS, copy_flows, copy_origins, describe_copies, shared_texts
from workbench.reuse.quotations import quote_appearances, travelling_quotes

__all__ = [
    "SHOWN_PAIRS", "copies", "copy_flows", "copy_origins", "corpus_copies", "credit_rows", "describe_copies",
    "quote_appearances", "shared_texts", "stories", "story_articles", "story_ids", "travelling_quotes",
]  # fmt: skip
