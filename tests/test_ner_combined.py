"""The ``spacy+rules:<pipeline>`` backend (:mod:`workbench.ner.combined`): each rule of the merge, then end to end.

The pipelines are tiny ones built in the test (an ``entity_ruler`` saved to ``tmp_path``): no model is
trained or downloaded here. Every name is fictional.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.errors import WorkbenchError
from workbench.ner import mentions
from workbench.ner.canonical import Raw
from workbench.ner.combined import merge
from workbench.sentences import sentences as split


def extract(text: str, backend: str) -> pd.DataFrame:
    articles = pd.DataFrame({"article_id": ["t"], "text": [text]})
    return mentions(articles, sentences=split(articles), backend=backend)


def rows(found: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in found[list(columns)].itertuples(index=False)]


def pipeline(tmp_path, patterns: list[dict]) -> str:
    """A saved pipeline whose entity recogniser is an ``entity_ruler`` with ``patterns``; its path."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    nlp.to_disk(tmp_path / "pipeline")
    return str(tmp_path / "pipeline")


# -- each rule of the merge, on raw mentions ------------------------------------------------------

TEXT = "Minister Ann Quill met Velmora Quintex Holdings of the Ohio Valley Trust in Ohio. Quill and Tarn Oslo left."


def at(words: str, n: int = 0) -> tuple[int, int]:
    """``(start, end)`` of the ``n``-th occurrence of ``words`` in :data:`TEXT`."""
    start = -1
    for _ in range(n + 1):
        start = TEXT.index(words, start + 1)
    return start, start + len(words)


def spans(raws: list[Raw]) -> list[tuple[str, str | None, str]]:
    return [(TEXT[r.start : r.end], r.type, r.how) for r in raws]


@pytest.mark.parametrize(
    ("rules", "model", "expected"),
    [
        # agreement on a span: the rules' mention as it is (its type rests on a cue: the title)
        (
            [Raw(*at("Ann Quill"), "PERSON", "rule:title", title="Minister")],
            [Raw(*at("Ann Quill"), "ORG", "spacy:ORG")],
            [("Ann Quill", "PERSON", "rule:title")],
        ),
        # agreement on a span the rules typed by a guess: the rules' mention still
        (
            [Raw(*at("Tarn Oslo"), "PERSON", "rule:name")],
            [Raw(*at("Tarn Oslo"), "GPE", "spacy:LOC")],
            [("Tarn Oslo", "PERSON", "rule:name")],
        ),
        # a listed name inside a longer pipeline name of several words: the pipeline's name
        (
            [Raw(*at("Ohio"), "GPE", "subdivisions", "Ohio", "US")],
            [Raw(*at("Ohio Valley Trust"), "ORG", "spacy:ORG")],
            [("Ohio Valley Trust", "ORG", "spacy:ORG")],
        ),
        # ... but not a longer name that is one word with a stray character, nor a rule's name inside one
        (
            [Raw(*at("Ohio", 1), "GPE", "subdivisions", "Ohio", "US"), Raw(*at("Velmora"), "UNKNOWN", "rule:unknown")],
            [Raw(*at("Ohio."), "PERSON", "spacy:PER"), Raw(*at("Velmora Quintex Holdings"), "ORG", "spacy:ORG")],
            [("Velmora", "UNKNOWN", "rule:unknown"), ("Ohio", "GPE", "subdivisions")],
        ),
        # a listed name longer than the pipeline's span: the listed name
        (
            [Raw(*at("Ohio Valley Trust"), "ORG", "organisations", "Ohio Valley Trust")],
            [Raw(*at("Ohio"), "GPE", "spacy:LOC")],
            [("Ohio Valley Trust", "ORG", "organisations")],
        ),
        # a guess the pipeline does not see as a name is dropped; a census surname is no guess
        (
            [Raw(*at("Ann Quill"), "PERSON", "rule:title"), Raw(*at("Quill", 1), "PERSON", "rule:surname"),
             Raw(*at("Tarn Oslo"), "PERSON", "rule:name")],
            [],
            [("Ann Quill", "PERSON", "rule:title"), ("Quill", "PERSON", "rule:surname")],
        ),
        # names and demonyms found by the pipeline alone are not added
        (
            [],
            [Raw(*at("Velmora Quintex Holdings"), "ORG", "spacy:ORG"),
             Raw(*at("Minister"), "GPE", "spacy:NORP+demonyms", "Minister", None)],
            [],
        ),
    ],
)  # fmt: skip
def test_merge_rules(rules, model, expected):
    assert spans(merge(TEXT, rules, model)) == expected


def test_merge_keeps_offsets_sorted_and_each_span_once():
    ohio, quill = at("Ohio", 1), at("Ann Quill")
    rules = [Raw(*ohio, "GPE", "subdivisions", "Ohio", "US"), Raw(*quill, "PERSON", "rule:first_name")]
    model = [Raw(*quill, "PERSON", "spacy:PER"), Raw(*ohio, "GPE", "spacy:GPE"), Raw(*at("Ohio"), "GPE", "spacy:GPE")]
    out = merge(TEXT, rules, model)
    assert [(r.start, r.end) for r in out] == [quill, ohio]


# -- end to end: a pipeline saved to disk, through the canonicalisation ----------------------------


def test_spacy_and_rules_backend_merges_both(tmp_path):
    path = pipeline(
        tmp_path,
        [
            {"label": "ORG", "pattern": "Environment Canada"},  # a longer name holding a listed one: taken
            {"label": "ORG", "pattern": "Ann Quill"},  # a wrong type on the rules' span: the rules' type
            {"label": "PER", "pattern": "Ohio"},  # a pipeline error on a listed name: the list wins
            {"label": "ORG", "pattern": "Velmora"},  # a name of the pipeline alone: not added
            {"label": "NORP", "pattern": "English"},  # a lone demonym of the pipeline: not added
        ],
    )
    text = (
        "Staff of Environment Canada met Finance Minister Ann Quill in Ohio, and Zorblatt Quintex and Velmora "
        "agreed in English. Quill left for Peru."
    )
    combined = extract(text, backend=f"spacy+rules:{path}")
    assert rows(combined, "surface", "entity", "type", "title") == [
        ("Environment Canada", "Environment Canada", "ORG", None),
        ("Ann Quill", "Ann Quill", "PERSON", "Finance Minister"),
        ("Ohio", "Ohio", "GPE", None),
        ("Quill", "Ann Quill", "PERSON", None),
        ("Peru", "Peru", "GPE", None),
    ]
    # the rules alone: "Canada" out of "Environment Canada", and a person guessed from the shape of two words
    alone = rows(extract(text, backend="rules"), "surface", "type")
    assert ("Canada", "GPE") in alone
    assert ("Zorblatt Quintex", "PERSON") in alone


def test_spacy_and_rules_backend_missing_pipeline(tmp_path):
    with pytest.raises(WorkbenchError, match="cannot load"):
        extract("Joe Biden.", backend=f"spacy+rules:{tmp_path / 'missing'}")
    with pytest.raises(WorkbenchError, match="spacy\\+rules:<package-or-path>"):
        extract("Joe Biden.", backend="spacy+rules:")
