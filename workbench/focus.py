"""Defaults that depend on the corpus: which entity a report focuses on, and a minimum pair count.

A report that says "who appears with ..." or "what happened to ..." picks the most mentioned name
when the analyst names none. On a real corpus that name can be boilerplate: the outlet's own name in
every byline, a wire credited in every article. The rule here: in a corpus of at least
:data:`MIN_ARTICLES` articles, a name found in more than :data:`MAX_SHARE` of the articles is never a
default focus (the analyst can still choose it). Issue 9 will mark boilerplate sections properly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

#: A name in more than this share of the articles is taken for boilerplate, never a default focus...
MAX_SHARE = 0.5
#: ...in a corpus of at least this many articles (in a small one, one name everywhere is normal).
MIN_ARTICLES = 20
#: (articles in the corpus, min_count): the first row whose bound the corpus size stays under.
MIN_COUNTS = ((20, 1), (200, 2), (1_000, 3), (10_000, 5))
LARGEST_MIN_COUNT = 10


def boilerplate(corpus, *, articles: Mapping[str, int] | pd.Series | None = None) -> set[str]:
    """The names found in more than :data:`MAX_SHARE` of the articles (none below :data:`MIN_ARTICLES` articles).

    Args:
        corpus: the Corpus.
        articles: articles per name; default: per entity, from ``workbench.frequencies(corpus)``.
    """
    total = len(corpus)
    if total < MIN_ARTICLES:
        return set()
    if articles is None:
        from workbench.prominence import frequencies

        freq = frequencies(corpus)
        articles = dict(zip(freq["entity"].astype(str), freq["articles"], strict=True))
    return {str(name) for name, n in dict(articles).items() if n > MAX_SHARE * total}


def default_focus(
    corpus, candidates: Iterable[str], *, articles: Mapping[str, int] | pd.Series | None = None
) -> str | None:
    """The first of ``candidates`` (most prominent first) that is not boilerplate, or None.

    >>> from workbench import load_corpus
    >>> default_focus(load_corpus(cache=False), ["Joe Biden"])
    'Joe Biden'
    """
    common = boilerplate(corpus, articles=articles)
    return next((str(c) for c in candidates if pd.notna(c) and str(c) not in common), None)


def default_min_count(articles: int) -> int:
    """A minimum pair count for a corpus of ``articles``: 1 under 20 articles, up to 10 from 10,000.

    Pairs seen once or twice rank first by PMI on any real corpus; the bound grows with the corpus.

    >>> [default_min_count(n) for n in (1, 150, 925, 5_000, 20_000)]
    [1, 2, 3, 5, 10]
    """
    return next((count for bound, count in MIN_COUNTS if articles < bound), LARGEST_MIN_COUNT)
