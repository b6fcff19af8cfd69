"""workbench.excerpts: the sentences behind a pair, and the evidence table of the reports."""

from __future__ import annotations

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
