"""Hostile texts (issue 15, items 3 and 6): every derived table computes, in time linear in the text.

The time limits are generous guards against hangs (quadratic patterns took 27 s to minutes on these
inputs), not benchmarks.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from workbench import load_corpus
from workbench.sentences import split


def one_article(folder, body: str):
    (folder / "hostile.txt").write_text(
        f"date 2031-01-01 A fictional lead.\n\nSource: Velmora Courier\n\nDetails: {body}\n"
    )
    return load_corpus(folder, cache=False)


@pytest.fixture(scope="module", autouse=True)
def warm_up(tmp_path_factory):
    """Load the word lists and the tokenizer once, so that the guards time only the hostile text."""
    corpus = one_article(tmp_path_factory.mktemp("warm"), "Anna Berg said in Velmora on Monday that talks resume.")
    corpus.table("attributions"), corpus.dates


def timed(compute) -> float:
    started = time.perf_counter()
    compute()
    return time.perf_counter() - started


@pytest.mark.parametrize("size", [40_000, 100_000])
def test_a_body_of_dots_splits_in_linear_time(size):
    assert timed(lambda: split("." * size)) < 2  # 27 s for 40,000 before (over a minute for 100,000)
    assert timed(lambda: split("Yes. " + "." * size + " No.")) < 2


def test_dots_through_the_corpus(tmp_path):
    corpus = one_article(tmp_path, "." * 40_000)
    assert timed(lambda: corpus.sentences) < 10
    assert timed(lambda: [corpus.mentions, corpus.attributions, corpus.dates]) < 10


def test_a_word_of_hyphens_in_mentions(tmp_path):
    corpus = one_article(tmp_path, "Rus" + "-" * 32_000 + "sia is far. Anna Berg said so.")
    assert timed(lambda: corpus.mentions) < 10  # 8.5 s before on a quiet machine
    assert "Anna Berg" in set(corpus.mentions["entity"])


def test_a_word_over_a_million_characters(tmp_path):
    corpus = one_article(tmp_path, "Anna Berg said in Velmora that " + "X" + "x" * 1_100_000 + " was long.")
    assert timed(lambda: [corpus.mentions, corpus.attributions, corpus.dates]) < 120
    assert not corpus.errors["reason"].str.endswith("_failed").any()  # spaCy's E088 no more
    assert "Anna Berg" in set(corpus.mentions["entity"])


@pytest.mark.parametrize(
    "text",
    [
        "\n" * 20_000 + "x",
        " " * 40_000 + "A.",
        "A. " * 10_000,
        "(" * 20_000 + "Anna Berg" + ")" * 20_000,
        '"' * 30_000,
        "U.S." * 8_000,
        "Mr. " * 10_000,
        "1." * 20_000,
        "Velmora " * 8_000,
        "ANNA BERG " * 4_000,
    ],
    ids=["newlines", "spaces", "initials", "brackets", "quotes", "U.S.", "Mr.", "numbers", "one name", "capitals"],
)
def test_other_long_runs_stay_fast(tmp_path, text):
    corpus = one_article(tmp_path, text)
    assert timed(lambda: [corpus.sentences, corpus.mentions, corpus.attributions, corpus.dates]) < 20
    assert not corpus.errors["reason"].str.endswith("_failed").any()
    assert isinstance(corpus.dates, pd.DataFrame)


def test_spacy_backend_reads_a_text_over_its_max_length_in_pieces(tmp_path):
    """spaCy's E088: a pipeline refuses texts over ``max_length``; the backend cuts them at spaces."""
    import spacy

    from workbench.ner import spacy_backend

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "PERSON", "pattern": "Anna Berg"}, {"label": "GPE", "pattern": "Velmora"}]
    )
    nlp.to_disk(tmp_path / "pipeline")
    name = str(tmp_path / "pipeline")
    spacy_backend.load(name).max_length = 50  # as if the text were over 1,000,000 characters
    text = "Anna Berg went to Velmora. " * 20 + "x" * 120 + " Anna Berg stayed."
    (found,) = spacy_backend.extract_many(name, [text])
    assert [text[r.start : r.end] for r in found] == ["Anna Berg", "Velmora"] * 20 + ["Anna Berg"]
