"""workbench.excerpts: the sentences behind a pair, and the evidence table of the reports."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.errors import WorkbenchError
from workbench.excerpts import evidence, evidence_table
from workbench.pairs import cooccurrence


def test_seed_evidence(seed_corpus):
    rows = evidence(seed_corpus, "Joe Biden", "Xi Jinping")
    assert list(rows.columns) == ["article_id", "published", "outlet", "title", "sentence", "text", "both"]
    assert rows["both"].all() and len(rows) == 3
    assert rows.iloc[0]["text"].startswith("US President Joe Biden")
    # article level only: Peru and Donald Trump never share a sentence, so both sides are shown
    apart = evidence(seed_corpus, "Peru", "Donald Trump")
    assert not apart["both"].any() and len(apart) == 2
    with pytest.raises(WorkbenchError):
        evidence(seed_corpus.mentions, "Peru", "China")
    assert len(evidence(seed_corpus, "Joe Biden", "Xi Jinping", top_n=2)) == 2


def test_evidence_table(seed_corpus):
    pairs = cooccurrence(seed_corpus, level="sentence", measure="npmi")
    table = evidence_table(seed_corpus, pairs, top_n=2, per_pair=1, measure="npmi")
    assert list(table.columns) == [
        "entity_a",
        "entity_b",
        "count",
        "articles",
        "npmi",
        "first_seen",
        "outlets",
        "evidence",
    ]
    assert len(table) == min(2, len(pairs))
    assert (
        table[["entity_a", "entity_b"]].values.tolist()
        == pairs[["entity_a", "entity_b"]].astype(str).head(2).values.tolist()
    )
    assert evidence_table(seed_corpus, pairs.iloc[:0]).empty


def _pair_rows_by_groupby(mentions, entity_a, entity_b):
    """The rows of one pair as pandas groups them (the reference :func:`workbench.excerpts._pair_rows` equals)."""
    pair = mentions[mentions["entity"].isin([entity_a, entity_b])][["article_id", "sentence", "entity"]]
    pair = pair.drop_duplicates()
    per_article = pair.groupby("article_id")["entity"].nunique()
    pair = pair[pair["article_id"].isin(set(per_article[per_article == 2].index))]
    per_sentence = pair.groupby(["article_id", "sentence"])["entity"].nunique().rename("n").reset_index()
    per_sentence["both"] = per_sentence["n"] == 2
    both_articles = set(per_sentence.loc[per_sentence["both"], "article_id"])
    keep = per_sentence["both"] | ~per_sentence["article_id"].isin(both_articles)
    return per_sentence[keep].drop(columns="n").reset_index(drop=True)


@pytest.mark.parametrize("seed", range(6))
def test_pair_rows_equal_the_groupby(seed):
    import numpy as np
    import pandas as pd

    from workbench.excerpts import _pair_rows

    rng = np.random.default_rng(seed)
    n = 400
    mentions = pd.DataFrame(
        {
            "article_id": pd.array([f"a{int(i)}" for i in rng.integers(0, 40, n)], dtype="string"),
            "sentence": rng.integers(0, 6, n).astype("int32"),
            "entity": pd.array([None if r < 0.03 else f"E{int(r * 10) % 4}" for r in rng.random(n)], dtype="string"),
        }
    )
    for a, b in (("E0", "E1"), ("E2", "E0"), ("E1", "E1"), ("E3", "Nobody")):
        pd.testing.assert_frame_equal(_pair_rows(mentions, a, b), _pair_rows_by_groupby(mentions, a, b))


def test_evidence_table_rows_are_the_evidence_of_each_pair(polnear_corpus):
    """Per pair, the table's sentences, first date and outlets are those of :func:`evidence` (its first
    ``per_pair`` rows: both entities first, then by date, article id and sentence), which takes another path."""
    for level in ("sentence", "article"):
        pairs = cooccurrence(polnear_corpus, level=level, min_count=2)
        table = evidence_table(polnear_corpus, pairs, top_n=12, per_pair=3)
        assert len(table) == 12
        for row in table.itertuples(index=False):
            rows = evidence(polnear_corpus, row.entity_a, row.entity_b)
            assert row.evidence == " … ".join(rows["text"].fillna("").astype(str).head(3))
            assert row.first_seen == rows["published"].min()
            assert row.outlets == ", ".join(sorted(str(o) for o in rows["outlet"].dropna().unique()))


def test_evidence_table_puts_undated_articles_last(tmp_path, write_article):
    """An article without a date comes after the dated ones (as ``sort_values`` puts it), and is not the first seen."""
    from workbench import load_corpus

    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    body = "Mira Solvane met Tobin Arkwright in Velmora"
    write_article(corpus_dir, "a", "2031-03-01", body=f"{body} in March.")
    write_article(corpus_dir, "b", "2031-01-01", outlet="Northwind Wire", body=f"{body} in January.")
    (corpus_dir / "c.txt").write_text(f"{body} one day.\n\nSource: Ostrava Ledger\n")  # no date line
    corpus = load_corpus(corpus_dir, cache=False)
    assert corpus.articles["published"].isna().sum() == 1
    pairs = cooccurrence(corpus, level="sentence")
    table = evidence_table(corpus, pairs, top_n=1, per_pair=2)
    assert table.loc[0, "evidence"] == f"{body} in January. … {body} in March."
    assert table.loc[0, "first_seen"] == pd.Timestamp("2031-01-01")
    assert table.loc[0, "outlets"] == "Northwind Wire, Ostrava Ledger, Velmora Courier"
