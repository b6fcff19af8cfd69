"""Property tests over every extractor: for any text, every derived table computes, offsets inside the text.

The extractors are called directly (not through the Corpus, whose per-article isolation would turn a
crash into an error row and hide it). The suite runs a short search; the long one is ``make fuzz``
(``HYPOTHESIS_PROFILE=fuzz``, marker ``fuzz``).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import article_table
from workbench.tables import TABLES, _resolve

settings.register_profile("fuzz", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings(
    settings.get_profile("fuzz") if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else settings(max_examples=25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

pytestmark = pytest.mark.fuzz

#: Pieces news text is made of, so that the search reaches names, quotes, dates and sentence ends.
FRAGMENTS = [
    "Anna Berg", "Velmora", "Russia", "Ukraine", "the United States", "U.S.", "Mr.", "Dr. ", "Northwind Wire",
    " said", " told reporters", " according to ", ", said ", "\"", "“", "”", "'", "‘", "’", "«", "»", "(", ")", "-",
    "—", ". ", "? ", "! ", "...", "…", "\n", "\n\n", "\t", "\u00a0", "\u2028", " ", ",", ":", ";",
    "last week", "next year", "on Monday", "in March", "14 November 2024", "2024-11-14", "1.1.2300", "9999", "mid-2022",
    "yesterday", "two days ago", "the first quarter", "0", "42", "%", "€", "Zelensky’s", "Café", "ВВС", "北京",
    "\u0301",
]  # fmt: skip

#: Texts as readers give them: never empty or only white space (those become ``no_text`` problems).
texts = (
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), min_size=1, max_size=60)
    .map("".join)
    .filter(str.strip)
)
published = st.one_of(
    st.none(),
    st.dates(min_value=pd.Timestamp("0001-01-02").date(), max_value=pd.Timestamp("9999-12-30").date()).map(
        pd.Timestamp
    ),
)


def articles_of(items: list[tuple[str, pd.Timestamp | None]]) -> pd.DataFrame:
    """An articles frame as ``load_corpus`` makes it, one article per (text, published)."""
    records = [
        {"article_id": f"a{i}", "published": p, "outlet": "Velmora Courier", "via": [], "title": None,
         "lead": text[:80], "text": text, "sections": [("body", 0, len(text))], "path": f"a{i}.txt", "format": "seed",
         "url": None, "credit": None, "_unit": f"a{i}"}
        for i, (text, p) in enumerate(items)
    ]  # fmt: skip
    table, _ = article_table.finish(article_table.records_table(records))
    return article_table.restore(table)[article_table.ARTICLE_COLUMNS]


def every_table(articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each registered table, its needs first, by calling the extractors themselves."""
    done: dict[str, pd.DataFrame] = {}

    def compute(name: str) -> pd.DataFrame:
        if name not in done:
            spec = TABLES[name]
            needs = {need: compute(need) for need in spec.needs}
            options = {"backend": "rules"} if "backend" in spec.options else {}
            done[name] = _resolve(spec.function)(articles, **needs, **options)
        return done[name]

    for name in TABLES:
        compute(name)
    return done


@PROFILE
@given(st.lists(st.tuples(texts, published), min_size=1, max_size=3))
def test_every_table_computes_for_any_text(items):
    articles = articles_of(items)
    lengths = dict(zip(articles["article_id"], articles["text"].str.len(), strict=True))
    for name, table in every_table(articles).items():
        assert isinstance(table, pd.DataFrame), name
        assert set(table["article_id"]) <= set(lengths), name
        for start, end in (
            ("start", "end"),
            ("source_start", "source_end"),
            ("content_start", "content_end"),
            ("cue_start", "cue_end"),
        ):
            if start in table.columns and end in table.columns:
                spans = table[[start, end, "article_id"]].dropna()
                n = spans["article_id"].map(lengths).astype("int64")
                assert ((spans[start] >= 0) & (spans[start] <= spans[end]) & (spans[end] <= n)).all(), (
                    name,
                    start,
                    spans,
                )
