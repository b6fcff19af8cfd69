"""workbench.corpus: filtering (articles and every table alike), summaries and the content fingerprint."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from workbench import load_corpus
from workbench.corpus import Corpus
from workbench.errors import WorkbenchError


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ["a", "b", "c"]),
        ({"start": "2031-01-05"}, ["b", "c"]),
        ({"end": "2031-01-05"}, ["a", "b"]),
        ({"start": "2031-01-02", "end": "2031-01-31"}, ["b"]),
        ({"outlets": ["northwind wire"]}, ["b"]),
        ({"outlets": "Velmora Courier", "start": "2031-01-02"}, ["c"]),
        ({"start": "2040-01-01"}, []),
    ],
)
def test_filter(folder, kwargs, expected):
    corpus = load_corpus(folder, cache=False).filter(**kwargs)
    assert corpus.articles["article_id"].tolist() == expected
    assert set(corpus.sentences["article_id"]) == set(expected)


def test_filter_by_entities_and_tables_consistent():
    articles = load_corpus(cache=False).articles
    mentions = pd.DataFrame(
        {"article_id": [articles["article_id"][0]], "sentence": [0], "start": [0], "end": [2], "entity": ["Joe Biden"]}
    )
    corpus = Corpus(articles, pd.DataFrame(), tables={"mentions": mentions})
    assert len(corpus.filter(entities=["joe biden"])) == 1
    empty = corpus.filter(entities="Nobody")
    assert len(empty) == 0 and empty.table("mentions").empty


def test_filter_rejects_bad_date(folder):
    with pytest.raises(WorkbenchError, match="start='soon' is not a date"):
        load_corpus(folder, cache=False).filter(start="soon")


def test_summary_and_fingerprint(folder, tmp_path, write_article):
    summary = load_corpus(folder, cache=False).summary()
    assert summary["articles"] == 3 and summary["outlets"] == 2 and summary["errors"] == 0
    assert summary["first"] == pd.Timestamp("2031-01-01") and summary["last"] == pd.Timestamp("2031-02-01")
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert load_corpus(copy, cache=False).fingerprint == summary["fingerprint"]
    write_article(copy, "a", "2031-01-01", body="Changed.")
    assert load_corpus(copy, cache=False).fingerprint != summary["fingerprint"]
