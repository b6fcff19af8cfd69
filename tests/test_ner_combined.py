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

TEXT = "Minister Ann Quill met Velmora Quintex Holdings in Ohio. Quill and Tarn Oslo left."
#       0         10        20        30        40        50        60        70        80
#       Ann Quill 9-18, Velmora Quintex (Holdings) 23-38 (47), in Ohio 48-55, Quill 57-62, Tarn Oslo 67-76


def spans(raws: list[Raw]) -> list[tuple[str, str | None, str]]:
    return [(TEXT[r.start : r.end], r.type, r.how) for r in raws]


@pytest.mark.parametrize(
    ("rules", "model", "expected"),
    [
        # agreement on a span: the rules' mention as it is (its type rests on a cue: the title)
        (
            [Raw(9, 18, "PERSON", "rule:title", title="Minister")],
            [Raw(9, 18, "ORG", "spacy:ORG")],
            [("Ann Quill", "PERSON", "rule:title")],
        ),
        # agreement on a span the rules could not type: the pipeline's type
        (
            [Raw(72, 76, "UNKNOWN", "rule:unknown")],
            [Raw(72, 76, "GPE", "spacy:LOC")],
            [("Oslo", "GPE", "spacy:LOC+rule:unknown")],
        ),
        # a guess of the rules inside a longer pipeline span: the pipeline's span
        (
            [Raw(23, 38, "PERSON", "rule:name")],
            [Raw(23, 47, "ORG", "spacy:ORG")],
            [("Velmora Quintex Holdings", "ORG", "spacy:ORG")],
        ),
        # a list name of the rules against an overlapping pipeline span: the list name
        (
            [Raw(51, 55, "GPE", "subdivisions", "Ohio", "US")],
            [Raw(48, 55, "PERSON", "spacy:PER")],
            [("Ohio", "GPE", "subdivisions")],
        ),
        # a guess the pipeline did not find is dropped, unless it is the surname of a person named in full
        (
            [Raw(9, 18, "PERSON", "rule:title"), Raw(57, 62, "PERSON", "rule:surname"),
             Raw(67, 76, "PERSON", "rule:name")],
            [],
            [("Ann Quill", "PERSON", "rule:title"), ("Quill", "PERSON", "rule:surname")],
        ),
        # a name found by the pipeline alone is kept; its lone demonym is not (the rules read those in context)
        (
            [],
            [Raw(23, 47, "ORG", "spacy:ORG"), Raw(0, 8, "GPE", "spacy:NORP+demonyms", "Minister", None)],
            [("Velmora Quintex Holdings", "ORG", "spacy:ORG")],
        ),
    ],
)  # fmt: skip
def test_merge_rules(rules, model, expected):
    assert spans(merge(TEXT, rules, model)) == expected


def test_merge_keeps_offsets_sorted_and_each_span_once():
    rules = [Raw(51, 55, "GPE", "subdivisions", "Ohio", "US"), Raw(9, 18, "PERSON", "rule:first_name")]
    model = [Raw(9, 18, "PERSON", "spacy:PER"), Raw(51, 55, "GPE", "spacy:GPE"), Raw(67, 76, "PERSON", "spacy:PER")]
    out = merge(TEXT, rules, model)
    assert [(r.start, r.end) for r in out] == [(9, 18), (51, 55), (67, 76)]


# -- end to end: a pipeline saved to disk, through the canonicalisation ----------------------------


def test_spacy_and_rules_backend_merges_both(tmp_path):
    path = pipeline(
        tmp_path,
        [
            {"label": "ORG", "pattern": "Zorblatt Quintex Group"},  # the rules guess a person in it
            {"label": "PERSON", "pattern": "Ohio"},  # a pipeline error: the rules' list wins
            {"label": "ORG", "pattern": "Velmora"},  # a name the rules leave untyped, typed by the pipeline
            {"label": "ORG", "pattern": "Ann Quill"},  # a wrong type on the rules' span: the rules' type
            {"label": "NORP", "pattern": "English"},  # a lone demonym of the pipeline: dropped
        ],
    )
    text = (
        "Zorblatt Quintex Group hired Finance Minister Ann Quill in Ohio, and Velmora agreed in English. "
        "Quill left for Peru."
    )
    combined = extract(text, backend=f"spacy+rules:{path}")
    assert rows(combined, "surface", "entity", "type", "title") == [
        ("Zorblatt Quintex Group", "Zorblatt Quintex Group", "ORG", None),
        ("Ann Quill", "Ann Quill", "PERSON", "Finance Minister"),
        ("Ohio", "Ohio", "GPE", None),
        ("Velmora", "Velmora", "ORG", None),
        ("Quill", "Ann Quill", "PERSON", None),
        ("Peru", "Peru", "GPE", None),
    ]


def test_spacy_and_rules_backend_missing_pipeline(tmp_path):
    with pytest.raises(WorkbenchError, match="cannot load"):
        extract("Joe Biden.", backend=f"spacy+rules:{tmp_path / 'missing'}")
    with pytest.raises(WorkbenchError, match="spacy\\+rules:<package-or-path>"):
        extract("Joe Biden.", backend="spacy+rules:")
