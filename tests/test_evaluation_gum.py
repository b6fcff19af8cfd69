"""The GUM scorer (workbench.evaluation.gum) on tiny synthetic documents."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.evaluation.gum import gum_articles, identity_key, read_gum, score_gum, span_key

TEXT = "The Acme Corp of Ruritania said Ann Lee's plan for Zenda (Ruritanian) was sound."
#       0         1         2         3         4         5         6         7
#       0123456789012345678901234567890123456789012345678901234567890123456789012345678


def _doc(**extra) -> dict:
    doc = {
        "id": "d1",
        "date": "2020-01-02",
        "title": "t",
        "text": TEXT,
        "gold": [
            [0, 13, "organization", "Acme_Corp", "The Acme Corp"],
            [17, 26, "place", "Ruritania", "Ruritania"],
            [32, 41, "person", "Ann Lee (writer)", "Ann Lee's"],
            [51, 56, "place", "Zenda", "Zenda"],
        ],
        "orgloc": [],
        "also": {},
        "neutral": [],
        "demonyms": [[58, 68]],
    }
    doc.update(extra)
    return doc


def _found(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "start", "end", "entity", "type"])


def _overall(score) -> dict:
    return score.table.set_index("type").loc["overall"].to_dict()


PERFECT = [
    ("d1", 4, 13, "Acme Corp", "ORG"),
    ("d1", 17, 26, "Ruritania", "GPE"),
    ("d1", 32, 39, "Ann Lee", "PERSON"),
    ("d1", 51, 56, "Zenda", "LOC"),
]


def test_perfect_up_to_the_and_possessive():
    score = score_gum([_doc()], _found(PERFECT))
    overall = _overall(score)
    assert (overall["correct"], overall["predicted"], overall["gold"]) == (4, 4, 4)
    assert overall["f1"] == 1.0
    assert score.canonical_accuracy == 1.0  # "Acme_Corp", "Ann Lee (writer)" normalised
    assert not score.false_positives and not score.misses


def test_miss_false_positive_and_type_mismatch():
    rows = [*PERFECT[:2], ("d1", 32, 39, "Ann Lee", "ORG"), ("d1", 42, 46, "plan", "ORG")]
    score = score_gum([_doc()], _found(rows))
    table = score.table.set_index("type")
    assert table.loc["PER", "correct"] == 0 and table.loc["PER", "gold"] == 1
    assert table.loc["ORG", "predicted"] == 3 and table.loc["ORG", "correct"] == 1
    assert table.loc["LOC", "recall"] == 0.5
    assert {s for _d, s, _t in score.false_positives} == {"Ann Lee", "plan"}
    assert {s for _d, s, _t in score.misses} == {"Ann Lee", "Zenda"}


def test_boundary_off_by_one_word_is_wrong():
    score = score_gum([_doc()], _found([("d1", 4, 26, "Acme Corp of Ruritania", "ORG")]))
    assert _overall(score)["correct"] == 0 and _overall(score)["predicted"] == 1


def test_one_to_one():
    rows = [PERFECT[0], ("d1", 0, 13, "Acme Corp", "ORG")]
    overall = _overall(score_gum([_doc()], _found(rows)))
    assert (overall["correct"], overall["predicted"]) == (1, 2)


def test_orgloc_interchangeable_and_neutral_and_demonyms():
    doc = _doc(orgloc=["Ruritania"], neutral=[[42, 46]])
    rows = [
        ("d1", 17, 26, "Ruritania", "ORG"),  # an orgloc identity typed ORG: correct
        ("d1", 42, 46, "plan", "PERSON"),  # a neutral span: neither way
        ("d1", 58, 68, "Ruritania", "GPE"),  # a LOC on a demonym span: neither way
    ]
    score = score_gum([doc], _found(rows))
    table = score.table.set_index("type")
    assert table.loc["overall", "predicted"] == 1 and table.loc["overall", "correct"] == 1
    assert table.loc["ORG", "precision"] == 1.0 and table.loc["LOC", "recall"] == 0.5
    # a PERSON on the demonym span is a false positive
    score = score_gum([doc], _found([("d1", 58, 68, "Ruritanian", "PERSON")]))
    assert _overall(score)["predicted"] == 1 and _overall(score)["correct"] == 0


def test_canonical_also_titles_and_wrong_names():
    doc = _doc(also={"Zenda": ["Zenda Castle"]})
    rows = [("d1", 51, 56, "Zenda Castle", "GPE"), ("d1", 32, 39, "Ann Leigh", "PERSON")]
    score = score_gum([doc], _found(rows))
    assert (score.canonical, score.matched) == (1, 2)
    assert score.wrong_names == [("d1", "Ann Leigh", "Ann Lee (writer)")]


@pytest.mark.parametrize(
    ("name", "key"),
    [("The_Gambia", "gambia"), ("Paris (Texas)", "paris"), ("United  States", "united states"), ("the Hague", "hague")],
)
def test_identity_key(name, key):
    assert identity_key(name) == key


def test_span_key():
    assert span_key("the Kremlin's", 0, 13) == (4, 11)
    assert span_key("Ann's", 0, 5) == (0, 3)
    assert span_key("Galois'", 0, 7) == (0, 6) and span_key("Gus'", 0, 4) == (0, 3)


def test_read_gum_and_articles(tmp_path):
    path = tmp_path / "gum.jsonl"
    path.write_text(json.dumps(_doc()) + "\n\n", encoding="utf-8")
    docs = read_gum(path)
    articles = gum_articles(docs)
    assert articles["article_id"].tolist() == ["d1"] and articles["text"].iloc[0] == TEXT
    assert str(articles["published"].iloc[0].date()) == "2020-01-02"


def test_empty_predictions():
    score = score_gum([_doc()], _found([]))
    assert _overall(score)["recall"] == 0.0 and len(score.misses) == 4 and score.canonical_accuracy == 0.0
