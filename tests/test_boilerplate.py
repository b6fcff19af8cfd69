"""Boilerplate found by frequency (workbench/boilerplate.py): fictional articles of fictional outlets."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import boilerplate
from workbench.sentences import sentences

_TOPICS = [
    "copper", "wheat", "coffee", "sugar", "cocoa", "cotton", "zinc", "nickel", "tin", "lead", "silver",
    "gold", "platinum", "rice", "barley", "oats", "soybeans", "palm oil", "rubber", "wool", "lumber",
    "orange juice", "pork bellies", "cattle", "hogs", "corn", "canola", "aluminium", "iron ore", "coal",
]  # fmt: skip
_EDITORS = [("Ana Pol", "Bo Ek"), ("Cy Dunn", "Di Fox"), ("Ed Gale", "Flo Hart")]


def _articles(
    n: int, outlet: str | None = "Harbour Wire", *, signoff: str = "Harbour", credits: bool = True
) -> pd.DataFrame:
    texts, titles = [], []
    for i in range(n):
        topic = _TOPICS[i % len(_TOPICS)]
        reporter, editor = _EDITORS[i % len(_EDITORS)]
        body = (
            f"Prices of {topic} rose {i + 2} pct on Tuesday, traders in Porto Vell said.\n\n"
            f"Dealers expect {topic} to stay firm while stocks of {topic} are low.\n\n"
        )
        if credits:
            body += f"(Reporting by {reporter}; Editing by {editor})\n"
        texts.append(body + signoff)
        titles.append(f"{topic.title()} prices rise")
    return pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n)],
            "outlet": pd.Series([outlet] * n, dtype="string"),
            "title": titles,
            "text": texts,
        }
    )


def test_a_signoff_in_30_articles_of_one_outlet_is_boilerplate():
    articles = _articles(30)
    patterns, ranges = boilerplate.find(articles)
    assert set(patterns["pattern"]) == {"Harbour", "(Reporting by X; Editing by X)"}
    assert (patterns["outlet"] == "Harbour Wire").all() and (patterns["articles"] == 30).all()
    text = articles.loc[0, "text"]
    assert [text[s:e] for s, e in ranges[0]] == ["(Reporting by Ana Pol; Editing by Bo Ek)", "Harbour"]


def test_two_articles_are_too_few():
    patterns, ranges = boilerplate.find(_articles(2))
    assert patterns.empty and ranges == [[], []]


def test_outlets_are_counted_apart_and_unknown_outlets_as_one_corpus():
    mixed = pd.concat(
        [_articles(4, "North Post"), _articles(4, "South Post").assign(article_id=lambda f: "s" + f["article_id"])]
    )
    assert boilerplate.find(mixed)[0].empty  # four each: under MIN_ARTICLES per outlet
    unknown = _articles(8, None)
    patterns, _ = boilerplate.find(unknown)
    assert "Harbour" in set(patterns["pattern"]) and patterns["outlet"].isna().all()


def test_story_updates_sharing_paragraphs_are_not_boilerplate():
    articles = _articles(8, credits=False, signoff="The strike began at dawn on Monday.")
    articles["title"] = "Dock strike"  # eight updates of one story
    assert boilerplate.find(articles)[0].empty


def test_datelines_stay_datelines():
    articles = _articles(10, credits=False)
    articles["text"] = "PORTO VELL (Harbour) - " + articles["text"]
    patterns, _ = boilerplate.find(articles)
    assert set(patterns["pattern"]) == {"Harbour"}


def test_mark_keeps_text_and_other_sections_and_prose_blanks_in_place():
    articles = _articles(30).assign(sections=[[("body", 0, 10)]] * 30)
    marked, patterns = boilerplate.mark(articles)
    assert marked["text"].equals(articles["text"]) and len(patterns) == 2
    first = marked.loc[0, "sections"]
    assert first[0] == ("body", 0, 10) and [s[0] for s in first[1:]] == ["boilerplate", "boilerplate"]
    clean = boilerplate.prose(marked.loc[0, "text"], first)
    assert len(clean) == len(marked.loc[0, "text"]) and "Harbour" not in clean and "Reporting" not in clean
    assert boilerplate.ranges(marked)[0] == boilerplate.spans(first)


def test_sentences_skip_boilerplate():
    marked, _ = boilerplate.mark(_articles(30))
    table = sentences(marked.iloc[:1])
    text = marked.loc[0, "text"]
    assert [text[s:e] for s, e in zip(table["start"], table["end"], strict=True)] == [
        "Prices of copper rose 2 pct on Tuesday, traders in Porto Vell said.",
        "Dealers expect copper to stay firm while stocks of copper are low.",
    ]


@pytest.mark.parametrize(
    "line", ["Copyright 1987 Harbour Wire. All rights reserved.", "Read more: harbour.example/markets"]
)
def test_copyright_and_read_more_lines_group_across_years_and_links(line):
    articles = _articles(12, credits=False, signoff=line)
    if "Copyright" in line:
        articles["text"] = [t.replace("1987", str(1980 + i)) for i, t in enumerate(articles["text"])]
    patterns, _ = boilerplate.find(articles)
    assert len(patterns) == 1 and patterns.loc[0, "articles"] == 12


def test_load_corpus_marks_boilerplate_and_can_turn_it_off(tmp_path):
    from workbench import load_corpus

    articles = _articles(30)
    table = pd.DataFrame(
        {"date": [f"1987-03-{i % 28 + 1:02d}" for i in range(30)], "title": articles["title"], "text": articles["text"]}
    )
    table.to_csv(tmp_path / "wire.csv", index=False)
    corpus = load_corpus(tmp_path / "wire.csv", cache=False)
    assert set(corpus.boilerplate["pattern"]) == {"Harbour", "(Reporting by X; Editing by X)"}
    assert corpus.boilerplate["outlet"].isna().all()  # no outlet column: one corpus
    first = corpus.articles.iloc[0]
    assert [first["text"][s:e] for _, s, e in first["sections"] if _ == "boilerplate"][-1] == "Harbour"
    texts = [
        first["text"][s:e]
        for s, e in corpus.sentences.query("article_id == @first.article_id")[["start", "end"]].values
    ]
    assert not any("Harbour" in t or "Reporting" in t for t in texts)
    assert len(corpus.filter(start="1987-03-05").boilerplate) == 2
    plain = load_corpus(tmp_path / "wire.csv", cache=False, boilerplate=False)
    assert plain.boilerplate.empty and not any(
        name == "boilerplate" for s in plain.articles["sections"] for name, *_ in s
    )


def test_stories_from_one_template_are_not_boilerplate():
    texts = [f"Anna Berg said talks resume, item {i}.\n\nItem {i} details." for i in range(24)]
    titles = [f"Anna Berg said talks resume, item {i}." for i in range(24)]
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(24)], "title": titles, "text": texts})
    assert boilerplate.find(articles)[0].empty


def test_no_mention_comes_from_boilerplate():
    from workbench.ner import mentions

    marked, _ = boilerplate.mark(_articles(30, signoff="Reuter"))
    found = mentions(marked, sentences=sentences(marked))
    assert "Reuter" not in set(found["surface"]) and not found["surface"].str.contains("Ana Pol|Bo Ek").any()
    plain = _articles(30, signoff="Reuter")
    assert "Reuter" in set(mentions(plain, sentences=sentences(plain))["surface"])  # without the marks it would be one


def test_mark_keeps_its_result_in_the_cache(tmp_path, monkeypatch):
    articles = _articles(30)
    first, patterns = boilerplate.mark(articles, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("boilerplate-*.parquet"))) == 2
    monkeypatch.setattr(boilerplate, "find", lambda *a, **k: pytest.fail("searched again"))
    again, cached = boilerplate.mark(articles, cache_dir=tmp_path)
    assert again["sections"].tolist() == first["sections"].tolist() and cached.equals(patterns)
    monkeypatch.undo()
    changed, _ = boilerplate.mark(articles.iloc[:29], cache_dir=tmp_path)  # other articles: another key
    assert len(changed) == 29 and len(list(tmp_path.glob("boilerplate-*.parquet"))) == 2


def test_a_damaged_cache_file_is_searched_again(tmp_path):
    articles = _articles(30)
    first, _ = boilerplate.mark(articles, cache_dir=tmp_path)
    for path in tmp_path.glob("boilerplate-*.ranges.parquet"):
        path.write_bytes(b"not parquet")
    again, patterns = boilerplate.mark(articles, cache_dir=tmp_path)
    assert again["sections"].tolist() == first["sections"].tolist() and len(patterns) == 2
