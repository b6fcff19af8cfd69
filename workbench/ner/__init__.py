"""Entity mentions: canonical people, organisations and places per article and sentence.

This package holds the extractor (here), its backends and the canonicalisation they share.

``mentions(articles, *, sentences, backend="rules")`` is the extractor behind ``corpus.mentions``.
It returns one row per mention:

| column | meaning |
|---|---|
| ``article_id`` | the article |
| ``sentence`` | 0-based sentence number in the article (see ``corpus.sentences``) |
| ``start``, ``end`` | character offsets into ``articles.text`` |
| ``surface`` | the text as written ("Russia's" gives "Russia", "North Korean" stays) |
| ``entity`` | canonical name ("United States", "Joe Biden") |
| ``type`` | PERSON, ORG, GPE (countries, regions, cities) or LOC (seas, rivers, continents) |
| ``country`` | ISO alpha-2 for places (and listed organisations) where known, else NA |
| ``title`` | a title stripped from a person's name ("President"), else NA |
| ``how`` | the list, rule or model that found it (``countries``, ``rule:first_name``, ``spacy:ORG``...) |

Backends are a registry (:data:`BACKENDS`, :func:`register_backend`): ``rules`` (default, no
model: :mod:`workbench.ner.rules`), ``rules:no-sports`` (the same without the sports-results rule),
and two families named after a spaCy pipeline (:data:`BACKEND_FAMILIES`): ``spacy:<package-or-path>``
(an installed pipeline alone: :mod:`workbench.ner.spacy_backend`) and ``spacy+rules:<package-or-path>``
(the pipeline's names merged with the rules': :mod:`workbench.ner.combined`). Every backend's output goes
through the same canonicalisation (:mod:`workbench.ner.canonical`); :func:`canonical` exposes it for free
strings.

Modules: ``gazetteer`` (the name lists), ``rules`` (the default backend) with its ``merges`` (pieces that
are one name), ``unknown`` (names no list knows), ``cues`` (names typed by their uses in the article) and
``teams`` (the sports-results rule), ``acronyms``, ``demonyms``, ``spacy_backend``, ``combined`` (spaCy +
rules), ``canonical`` (the canonicalisation every backend shares) and ``linking`` (the rest of the article
settles a name: "Place, State", "known as", a company without its legal form, one person in two spellings).

The name lists are data files in ``workbench/data`` (see its README to extend them).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.layout import unwrap
from workbench.ner.canonical import Mention, Raw, canonical, resolve
from workbench.prose import prose_texts

__all__ = [
    "BACKENDS",
    "BACKEND_FAMILIES",
    "MENTION_COLUMNS",
    "TYPES",
    "canonical",
    "mentions",
    "register_backend",
    "register_backend_family",
]

MENTION_COLUMNS = ["article_id", "sentence", "start", "end", "surface", "entity", "type", "country", "title", "how"]
#: The entity types of every mention (the one home of this tuple).
TYPES = ("PERSON", "ORG", "GPE", "LOC")

#: A backend takes the article texts and per-article sentence (starts, ends) and returns raw mentions per text.
Backend = Callable[[list[str], list[tuple[list[int], list[int]]]], list[list[Raw]]]


def _rules(texts: list[str], bounds: list[tuple[list[int], list[int]]]) -> list[list[Raw]]:
    from workbench.ner import rules

    return [rules.extract(text, starts, ends) for text, (starts, ends) in zip(texts, bounds, strict=True)]


def _rules_no_sports(texts: list[str], bounds: list[tuple[list[int], list[int]]]) -> list[list[Raw]]:
    from workbench.ner import rules

    return [
        rules.extract(text, starts, ends, sports_results=False)
        for text, (starts, ends) in zip(texts, bounds, strict=True)
    ]


#: Backends by name. ``spacy:<name>`` is handled by prefix (any installed pipeline).
BACKENDS: dict[str, Backend] = {"rules": _rules, "rules:no-sports": _rules_no_sports}


def register_backend(name: str, backend: Backend) -> None:
    """Register an entity backend under ``name`` (usable as ``load_corpus(..., backend=name)``).

    >>> register_backend("nothing", lambda texts, bounds: [[] for _ in texts])
    >>> "nothing" in BACKENDS
    True
    """
    BACKENDS[name] = backend


def _spacy(pipeline: str) -> Backend:
    from workbench.ner import spacy_backend

    spacy_backend.load(pipeline)  # fail early, with a clear message, when it is missing
    return lambda texts, bounds: spacy_backend.extract_many(pipeline, texts)


def _spacy_and_rules(pipeline: str) -> Backend:
    from workbench.ner import combined, spacy_backend

    spacy_backend.load(pipeline)

    def run(texts: list[str], bounds: list[tuple[list[int], list[int]]]) -> list[list[Raw]]:
        model = spacy_backend.extract_many(pipeline, texts)
        return [combined.merge(t, r, m) for t, r, m in zip(texts, _rules(texts, bounds), model, strict=True)]

    return run


#: Families of backends named ``<prefix><pipeline>``: each builds a backend for a spaCy pipeline name or path.
BACKEND_FAMILIES: dict[str, Callable[[str], Backend]] = {"spacy:": _spacy, "spacy+rules:": _spacy_and_rules}


def register_backend_family(prefix: str, factory: Callable[[str], Backend]) -> None:
    """Register backends named ``<prefix><argument>`` (``factory(argument)`` builds each one)."""
    BACKEND_FAMILIES[prefix] = factory


def _backend(name: str) -> Backend:
    if name in BACKENDS:
        return BACKENDS[name]
    for prefix, factory in BACKEND_FAMILIES.items():
        if name.startswith(prefix):
            argument = name[len(prefix) :]
            if not argument:
                raise WorkbenchError(
                    f"backend {prefix!r} needs a pipeline: {prefix}<package-or-path>, e.g. {prefix}en_core_web_sm"
                )
            return factory(argument)
    families = ", ".join(f"{p}<package-or-path>" for p in BACKEND_FAMILIES)
    raise WorkbenchError(f"unknown entity backend {name!r}; known: {', '.join(BACKENDS)}, {families}")


def _empty() -> pd.DataFrame:
    return _frame([], [], [], [], [], [], [], [], [], [])


def _frame(ids, sentence, start, end, surface, entity, kind, country, title, how) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": pd.Series(ids, dtype="string"),
            "sentence": pd.Series(sentence, dtype="int32"),
            "start": pd.Series(start, dtype="int64"),
            "end": pd.Series(end, dtype="int64"),
            "surface": pd.Series(surface, dtype="string"),
            "entity": pd.Series(entity, dtype="string"),
            "type": pd.Series(kind, dtype="string"),
            "country": pd.Series(country, dtype="string"),
            "title": pd.Series(title, dtype="string"),
            "how": pd.Series(how, dtype="string"),
        }
    )


def mentions(articles: pd.DataFrame, *, sentences: pd.DataFrame, backend: str = "rules") -> pd.DataFrame:
    """One row per entity mention (columns: :data:`MENTION_COLUMNS`), canonicalised.

    Args:
        articles: needs ``article_id`` and ``text``; ``published`` (or ``date``), when present, dates
            the article for the people list's active years.
        sentences: ``article_id, sentence, start, end`` (``corpus.sentences``) for the same articles.
        backend: ``"rules"`` (default, no model), ``"rules:no-sports"``, ``"spacy:<package-or-path>"``,
            ``"spacy+rules:<package-or-path>"``, or a registered name.

    Returns:
        A DataFrame ordered by article and offset; empty (with the columns) for no articles.

    Raises:
        WorkbenchError: the backend is unknown or its pipeline cannot be loaded.

    >>> import pandas as pd
    >>> from workbench.sentences import sentences as split
    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ["US President Joe Biden met Xi Jinping in Peru."]})
    >>> found = mentions(arts, sentences=split(arts))
    >>> found[["entity", "type", "title"]].astype(object).fillna("").values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['United States', 'GPE', ''], ['Joe Biden', 'PERSON', 'President'],
     ['Xi Jinping', 'PERSON', ''], ['Peru', 'GPE', '']]
    """
    run = _backend(backend)
    if len(articles) == 0:
        return _empty()
    ids = articles["article_id"].astype(str).tolist()
    # a single line break inside a hard-wrapped paragraph is a space ("Alan\nGreenspan"); same offsets
    texts = [
        unwrap(t) for t in prose_texts(articles)
    ]  # boilerplate ranges blanked (workbench.boilerplate): "Reuter" is no person
    years = _years(articles)
    by_article: dict[str, tuple[list[int], list[int]]] = {}
    if len(sentences):
        sent = sentences.sort_values(["article_id", "start"], kind="stable")
        keys = sent["article_id"].astype(str).to_numpy(dtype=object)
        starts_, ends_ = sent["start"].tolist(), sent["end"].tolist()
        cuts = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), len(keys)]
        for first, stop in itertools.pairwise(cuts):
            by_article[keys[first]] = (starts_[first:stop], ends_[first:stop])
    bounds = [by_article.get(i) or ([0], [len(t)]) for i, t in zip(ids, texts, strict=True)]
    raws = run(texts, bounds)
    rows: list[Mention] = []
    article_ids: list[str] = []
    numbers: list[np.ndarray] = []
    for article_id, text, (starts, _ends), found, year in zip(ids, texts, bounds, raws, years, strict=True):
        resolved = resolve(text, found, year=year)
        if not resolved:
            continue
        offsets = np.fromiter((m.start for m in resolved), dtype=np.int64, count=len(resolved))
        numbers.append(np.searchsorted(np.asarray(starts, dtype=np.int64), offsets, side="right") - 1)
        article_ids.extend([article_id] * len(resolved))
        rows.extend(resolved)
    if not rows:
        return _empty()
    start, end, surface, entity, kind, country, title, how = map(list, zip(*rows, strict=True))
    sentence = np.maximum(np.concatenate(numbers), 0)
    return _frame(article_ids, sentence, start, end, surface, entity, kind, country, title, how)


def _years(articles: pd.DataFrame) -> list[int | None]:
    """Publication year per article (``published``, else ``date``; None when unknown)."""
    for column in ("published", "date"):
        if column in articles.columns:
            dates = pd.to_datetime(articles[column], errors="coerce", utc=True)
            return [None if pd.isna(d) else int(d.year) for d in dates]
    return [None] * len(articles)
