"""workbench.focus: default focus never boilerplate, min_count from the corpus size."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.corpus import Corpus
from workbench.errors import problems_frame
from workbench.focus import MIN_ARTICLES, boilerplate, default_focus, default_min_count


def corpus_with(n_articles: int, mentions: list[tuple[int, str]]) -> Corpus:
    articles = pd.DataFrame(
        {
            "article_id": pd.array([f"a{i}" for i in range(n_articles)], dtype="string"),
            "published": pd.to_datetime(["2031-01-01"] * n_articles).astype("datetime64[ns]"),
            "outlet": pd.array(["Examplestan Herald"] * n_articles, dtype="string"),
            "title": pd.array(["t"] * n_articles, dtype="string"),
            "n_words": [10] * n_articles,
        }
    )
    rows = pd.DataFrame(
        [(f"a{i}", 0, e, "PERSON", 0, 0) for i, e in mentions],
        columns=["article_id", "sentence", "entity", "type", "start", "end"],
    )
    return Corpus(
        articles,
        problems_frame([]),
        tables={"mentions": rows.astype({"article_id": "string", "entity": "string", "type": "string"})},
    )


def test_a_name_in_most_articles_is_never_the_default_focus():
    # "Herald Staff" signs all 30 articles; "Zora Quillfeather" is in 10
    mentions = [(i, "Herald Staff") for i in range(30)] + [(i, "Zora Quillfeather") for i in range(10)]
    corpus = corpus_with(30, mentions)
    assert boilerplate(corpus) == {"Herald Staff"}
    assert default_focus(corpus, ["Herald Staff", "Zora Quillfeather"]) == "Zora Quillfeather"
    assert default_focus(corpus, ["Herald Staff"]) is None


def test_small_corpora_have_no_boilerplate():
    corpus = corpus_with(MIN_ARTICLES - 1, [(i, "Herald Staff") for i in range(MIN_ARTICLES - 1)])
    assert boilerplate(corpus) == set() and default_focus(corpus, ["Herald Staff"]) == "Herald Staff"


def test_counts_can_be_given_for_sources():
    corpus = corpus_with(40, [])
    assert (
        default_focus(corpus, ["AP", "a White House official"], articles={"AP": 39, "a White House official": 3})
        == "a White House official"
    )


@pytest.mark.parametrize(
    ("articles", "expected"), [(0, 1), (19, 1), (20, 2), (199, 2), (925, 3), (9_999, 5), (20_000, 10)]
)
def test_min_count_grows_with_the_corpus(articles, expected):
    assert default_min_count(articles) == expected
