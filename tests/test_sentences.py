"""Sentence boundaries: text -> expected sentences."""

import pandas as pd
import pytest

from workbench.sentences import sentences, split


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Mr. Quill met U.S. officials. They agreed.", ["Mr. Quill met U.S. officials.", "They agreed."]),
        ('He said "we will win." Then he left.', ['He said "we will win."', "Then he left."]),
        ("Is it? Yes! Fine.", ["Is it?", "Yes!", "Fine."]),
        ("A heading\n\nA paragraph without stop", ["A heading", "A paragraph without stop"]),
        ("J. R. Quill spoke on Jan. 5 in Velmora.", ["J. R. Quill spoke on Jan. 5 in Velmora."]),
        ("It cost 4.5 million. The end.", ["It cost 4.5 million.", "The end."]),
        ("", []),
    ],
)
def test_split(text, expected):
    assert [text[s:e] for s, e in split(text)] == expected


def test_sentences_table(seed_article):
    table = sentences(pd.DataFrame([seed_article]))
    assert table["sentence"].tolist() == list(range(len(table)))
    text = seed_article["text"]
    assert text[table["start"][0] : table["end"][0]] == seed_article["title"]
    assert any(
        text[s:e].startswith("Last week, the United States confirmed")
        for s, e in zip(table["start"], table["end"], strict=True)
    )
