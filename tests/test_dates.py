"""workbench.dates: date expressions found in text and resolved against the publication date."""

from __future__ import annotations

import dataclasses
import importlib

import pandas as pd
import pytest

from workbench.dates import DATE_COLUMNS, dates, find_dates
from workbench.dates.tense import tense
from workbench.sentences import sentences

# sentence, publication date, expression, date_start, date_end, granularity
CASES = [
    # absolute forms
    ("The summit opened on 14 November 2024.", "2024-11-20", "14 November 2024", "2024-11-14", "2024-11-14", "day"),
    (
        "The summit opened on the 14th of November 2024.",
        "2024-11-20",
        "the 14th of November 2024",
        "2024-11-14",
        "2024-11-14",
        "day",
    ),
    ("The summit opened on November 14, 2024.", "2024-11-20", "November 14, 2024", "2024-11-14", "2024-11-14", "day"),
    ("The summit opened on Nov. 14, 2024.", "2024-11-20", "Nov. 14, 2024", "2024-11-14", "2024-11-14", "day"),
    (
        "The summit opened on Thursday, November 14, 2024.",
        "2024-11-20",
        "Thursday, November 14, 2024",
        "2024-11-14",
        "2024-11-14",
        "day",
    ),
    ("The summit opened on November 14.", "2024-11-20", "November 14", "2024-11-14", "2024-11-14", "day"),
    ("The file is dated 2024-11-14.", "2024-11-20", "2024-11-14", "2024-11-14", "2024-11-14", "day"),
    ("The file is dated 14.11.2024.", "2024-11-20", "14.11.2024", "2024-11-14", "2024-11-14", "day"),
    ("The file is dated 11/14/2024.", "2024-11-20", "11/14/2024", "2024-11-14", "2024-11-14", "day"),
    ("The file is dated 14/11/2024.", "2024-11-20", "14/11/2024", "2024-11-14", "2024-11-14", "day"),
    ("Prices rose in March.", "2024-11-14", "March", "2024-03-01", "2024-03-31", "month"),
    ("Prices rose in November 2023.", "2024-11-14", "November 2023", "2023-11-01", "2023-11-30", "month"),
    ("Prices rose in early March.", "2024-11-14", "early March", "2024-03-01", "2024-03-31", "month"),
    ("Prices rose in 2023.", "2024-11-14", "2023", "2023-01-01", "2023-12-31", "year"),
    ("Prices peaked in mid-2022.", "2024-11-14", "mid-2022", "2022-01-01", "2022-12-31", "year"),
    ("Prices peaked at the end of 2009.", "2010-01-28", "the end of 2009", "2009-01-01", "2009-12-31", "year"),
    ("Profits rose in the first quarter.", "2024-11-14", "the first quarter", "2024-01-01", "2024-03-31", "quarter"),
    (
        "Profits rose in the final quarter of 2009.",
        "2010-01-28",
        "the final quarter of 2009",
        "2009-10-01",
        "2009-12-31",
        "quarter",
    ),
    (
        "In the fourth quarter, sales were up.",
        "2010-01-28",
        "the fourth quarter",
        "2009-10-01",
        "2009-12-31",
        "quarter",
    ),
    ("Sales were up in Q3 2024.", "2024-11-14", "Q3 2024", "2024-07-01", "2024-09-30", "quarter"),
    (
        "The law passed in the spring of 2023.",
        "2024-11-14",
        "the spring of 2023",
        "2023-03-01",
        "2023-05-31",
        "quarter",
    ),
    # relative forms, resolved against publication
    ("The minister resigned today.", "2024-11-14", "today", "2024-11-14", "2024-11-14", "day"),
    ("The minister resigned yesterday.", "2024-11-14", "yesterday", "2024-11-13", "2024-11-13", "day"),
    ("The minister will resign tomorrow.", "2024-11-14", "tomorrow", "2024-11-15", "2024-11-15", "day"),
    ("The minister resigned last night.", "2024-11-14", "last night", "2024-11-13", "2024-11-13", "day"),
    ("The minister said on Tuesday that he would stay.", "2024-11-15", "Tuesday", "2024-11-12", "2024-11-12", "day"),
    ("The minister said Friday that he would stay.", "2024-11-15", "Friday", "2024-11-15", "2024-11-15", "day"),
    ("The minister will travel to Lima on Tuesday.", "2024-11-15", "Tuesday", "2024-11-19", "2024-11-19", "day"),
    ("The minister plans to visit Lima on Tuesday.", "2024-11-15", "Tuesday", "2024-11-19", "2024-11-19", "day"),
    ("The minister is expected to speak Friday.", "2024-11-15", "Friday", "2024-11-15", "2024-11-15", "day"),
    ("On Monday, the minister will meet the mayor.", "2024-11-15", "Monday", "2024-11-18", "2024-11-18", "day"),
    ("The vote will be held on Monday.", "2024-11-15", "Monday", "2024-11-18", "2024-11-18", "day"),
    ("The minister arrived last Friday.", "2024-11-15", "last Friday", "2024-11-08", "2024-11-08", "day"),
    ("The minister arrives next Friday.", "2024-11-15", "next Friday", "2024-11-22", "2024-11-22", "day"),
    ("Last week, the United States confirmed it.", "2024-11-14", "Last week", "2024-11-04", "2024-11-10", "week"),
    ("Talks continue this week.", "2024-11-14", "this week", "2024-11-11", "2024-11-17", "week"),
    ("Talks resume next week.", "2024-11-14", "next week", "2024-11-18", "2024-11-24", "week"),
    ("Prices rose this month.", "2024-11-14", "this month", "2024-11-01", "2024-11-30", "month"),
    ("Prices rose last month.", "2024-11-14", "last month", "2024-10-01", "2024-10-31", "month"),
    ("The deal was signed two days ago.", "2024-11-14", "two days ago", "2024-11-12", "2024-11-12", "day"),
    ("The deal was signed three weeks ago.", "2024-11-14", "three weeks ago", "2024-10-21", "2024-10-27", "week"),
    ("The deal was signed a year ago.", "2024-11-14", "a year ago", "2023-01-01", "2023-12-31", "year"),
    ("Elections are due next year.", "2024-11-14", "next year", "2025-01-01", "2025-12-31", "year"),
    ("Elections were held last year.", "2024-11-14", "last year", "2023-01-01", "2023-12-31", "year"),
    ("Elections were held earlier this year.", "2024-11-14", "earlier this year", "2024-01-01", "2024-12-31", "year"),
    ("The report is due later this month.", "2024-11-14", "later this month", "2024-11-01", "2024-11-30", "month"),
    ("Prices rose last quarter.", "2024-11-14", "last quarter", "2024-07-01", "2024-09-30", "quarter"),
    ("The offensive began last spring.", "2024-11-14", "last spring", "2024-03-01", "2024-05-31", "quarter"),
    ("The offensive began last spring.", "2024-04-10", "last spring", "2023-03-01", "2023-05-31", "quarter"),
    ("The offensive will resume next spring.", "2024-11-14", "next spring", "2025-03-01", "2025-05-31", "quarter"),
    ("Talks are planned this winter.", "2024-11-14", "this winter", "2024-12-01", "2025-02-28", "quarter"),
    ("The ministers met over the weekend.", "2024-11-14", "the weekend", "2024-11-09", "2024-11-10", "week"),
    ("The ministers met last weekend.", "2024-11-14", "last weekend", "2024-11-09", "2024-11-10", "week"),
    ("The ministers will meet in two weeks.", "2024-11-14", "in two weeks", "2024-11-25", "2024-12-01", "week"),
    ("The vote is on Election Day.", "2016-10-01", "Election Day", "2016-11-08", "2016-11-08", "day"),
    ("He spoke on New Year's Eve.", "2016-10-01", "New Year's Eve", "2015-12-31", "2015-12-31", "day"),
    ("Crime fell in the 1990s.", "2016-10-01", "the 1990s", "1990-01-01", "1999-12-31", "year"),
    ("The plant opens early next year.", "2016-10-01", "early next year", "2017-01-01", "2017-12-31", "year"),
    (
        "The plant opens by the end of the year.",
        "2016-10-01",
        "the end of the year",
        "2016-01-01",
        "2016-12-31",
        "year",
    ),
    # year boundaries
    ("Last week, the talks stalled.", "2024-01-03", "Last week", "2023-12-25", "2023-12-31", "week"),
    ("The talks stalled in December.", "2024-01-03", "December", "2023-12-01", "2023-12-31", "month"),
    ("The talks stalled on December 29.", "2024-01-03", "December 29", "2023-12-29", "2023-12-29", "day"),
    ("The talks stalled last month.", "2024-01-03", "last month", "2023-12-01", "2023-12-31", "month"),
    ("The talks stalled last year.", "2024-01-03", "last year", "2023-01-01", "2023-12-31", "year"),
    ("The talks stalled last December.", "2024-01-03", "last December", "2023-12-01", "2023-12-31", "month"),
    ("The talks stalled on Friday.", "2024-01-03", "Friday", "2023-12-29", "2023-12-29", "day"),
    ("Talks will resume in January.", "2023-12-28", "January", "2024-01-01", "2024-01-31", "month"),
    ("Talks will resume on January 4.", "2023-12-28", "January 4", "2024-01-04", "2024-01-04", "day"),
    ("Talks resume next week.", "2023-12-28", "next week", "2024-01-01", "2024-01-07", "week"),
    ("Profits fell in the fourth quarter.", "2024-01-03", "the fourth quarter", "2023-10-01", "2023-12-31", "quarter"),
    ("The law takes effect last winter.", "2024-01-03", "last winter", "2022-12-01", "2023-02-28", "quarter"),
    ("Yesterday the talks stalled.", "2024-01-01", "Yesterday", "2023-12-31", "2023-12-31", "day"),
    ("The talks stalled on 29 February.", "2024-03-05", "29 February", "2024-02-29", "2024-02-29", "day"),
    # dates written without a year (issue 9): nearest to publication unless the sentence says otherwise
    (
        "The dividend is payable March 27, the company said.",
        "1987-03-02",
        "March 27",
        "1987-03-27",
        "1987-03-27",
        "day",
    ),
    ("The dividend goes to holders of record March 13.", "1987-03-02", "March 13", "1987-03-13", "1987-03-13", "day"),
    ("The note is due January 15, the bank said.", "1986-12-20", "January 15", "1987-01-15", "1987-01-15", "day"),
    (
        "The accord, scheduled to expire February 28, was extended.",
        "1987-03-02",
        "February 28",
        "1987-02-28",
        "1987-02-28",
        "day",
    ),
    ("The plant reopens March 27, a spokesman said.", "1987-03-02", "March 27", "1987-03-27", "1987-03-27", "day"),
    ("The company said the merger will close March 27.", "1987-03-02", "March 27", "1987-03-27", "1987-03-27", "day"),
    ("The company said talks ended March 27.", "1987-11-02", "March 27", "1987-03-27", "1987-03-27", "day"),
    ("Talks ended April 27, the company said.", "1987-02-10", "April 27", "1986-04-27", "1986-04-27", "day"),
    ("The bank extended its offer to March 20.", "1987-03-02", "March 20", "1987-03-20", "1987-03-20", "day"),
    (
        "The rate expires in the fourth quarter, the agency said.",
        "1987-03-02",
        "the fourth quarter",
        "1987-10-01",
        "1987-12-31",
        "quarter",
    ),
    ("Sales rose 5 pct in February, the company said.", "1987-03-02", "February", "1987-02-01", "1987-02-28", "month"),
]


@pytest.mark.parametrize(("sentence", "published", "expression", "start", "end", "granularity"), CASES)
def test_resolves_each_form(sentence, published, expression, start, end, granularity):
    found = find_dates(sentence, published)
    assert [f["expression"] for f in found] == [expression]
    row = found[0]
    assert (str(row["date_start"]), str(row["date_end"]), row["granularity"]) == (start, end, granularity)
    assert sentence[row["start"] : row["end"]] == expression


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "year"),
    [
        ("The new tariffs take effect in early April this year, the minister said.", "early April", "1987-04-01", 1987),
        ("Output will match its level of April last year.", "April", "1986-04-01", 1986),
        ("The offer will expire in January next year.", "January", "1988-01-01", 1988),
        ("Sales were strong on March 27 this year.", "March 27", "1987-03-27", 1987),
    ],
)
def test_a_year_named_after_a_yearless_date_decides(sentence, expression, start, year):
    found = find_dates(sentence, "1987-03-02")
    assert found[0]["expression"] == expression and str(found[0]["date_start"]) == start
    assert found[1]["granularity"] == "year" and found[1]["date_start"].year == year  # "this year" itself


# things that look like dates but are not (or are not resolvable as one)
@pytest.mark.parametrize(
    "sentence",
    [
        "Soldiers march in the square and may stay.",
        "Prices fall as the spring of the mattress breaks.",
        "It was the first gain in four years.",
        "The company paid $2016 for 1,000 shares, 2.5%.",
        "Over the next year, the plan will cost more.",
        "Sales rose over the past week.",
        "The Arab Spring changed the region.",
        "He met Theresa May in Paris.",
        "The 9/11 attacks changed the city.",
        "She read USA TODAY on the train.",
        "The firm opened Mar-a-Lago talks.",
        "He told CBS This Morning about it.",
    ],
)
def test_ignores_non_dates(sentence):
    assert find_dates(sentence, "2024-11-14") == []


@pytest.mark.parametrize(
    ("sentence", "expression", "expected"),
    [
        ("Sanders promised Monday to act.", "Monday", "past"),
        ("The vote will be held on Monday.", "Monday", "future"),
        ("On Monday, Biden will meet Xi.", "Monday", "future"),
        ("He said on Monday that he will resign.", "Monday", "past"),
        ("Talks are scheduled for Monday.", "Monday", "future"),
        ("The talks on Monday.", "Monday", None),
        ("The company said the dividend is payable Monday.", "Monday", "future"),
        ("The company said Monday the plant would reopen.", "Monday", "past"),
        ("The plant reopens Monday, a spokesman said.", "Monday", None),
        ("The shares go to holders of record Monday.", "Monday", "future"),
    ],
)
def test_tense_cues(sentence, expression, expected):
    start = sentence.index(expression)
    assert tense(sentence, start, start + len(expression)) == expected


def test_kinds_and_anchor():
    found = {f["expression"]: f for f in find_dates("On 3 May 2024 and in March and yesterday.", "2024-11-14")}
    assert found["3 May 2024"]["kind"] == "absolute" and found["3 May 2024"]["anchor"] is None
    assert found["March"]["kind"] == "absolute" and str(found["March"]["anchor"]) == "2024-11-14"
    assert found["yesterday"]["kind"] == "relative" and str(found["yesterday"]["anchor"]) == "2024-11-14"


def test_without_publication_date_relative_dates_stay_unresolved():
    found = {f["expression"]: f for f in find_dates("On 3 May 2024 and yesterday.", None)}
    assert str(found["3 May 2024"]["date_start"]) == "2024-05-03"
    assert found["yesterday"]["date_start"] is None and found["yesterday"]["anchor"] is None


def _articles(rows):
    return pd.DataFrame(
        {
            "article_id": pd.Series([r[0] for r in rows], dtype="string"),
            "published": pd.Series(pd.to_datetime([r[1] for r in rows]), dtype="datetime64[ns]"),
            "text": pd.Series([r[2] for r in rows], dtype="string"),
        }
    )


def test_table_columns_and_published_rows():
    articles = _articles(
        [
            ("a", "2024-11-14", "Talks began. Last week, Kyiv said no."),
            ("b", None, "Yesterday it rained."),
            ("c", "2024-01-03", ""),
        ]
    )
    table = dates(articles, sentences=sentences(articles))
    assert list(table.columns) == DATE_COLUMNS
    published = table[table["kind"] == "published"]
    assert published["article_id"].tolist() == ["a", "b", "c"]
    assert published["sentence"].isna().all() and published["start"].isna().all()
    assert str(published.iloc[0]["date_start"].date()) == "2024-11-14" and pd.isna(published.iloc[1]["date_start"])
    last_week = table[table["expression"] == "Last week"].iloc[0]
    assert last_week["sentence"] == 1 and last_week["anchor"] == pd.Timestamp("2024-11-14")
    assert table.loc[table["expression"] == "Yesterday", "date_start"].isna().all()
    assert str(table["date_start"].dtype) == "datetime64[us]" and str(table["sentence"].dtype) == "Int32"


def test_zero_articles_gives_typed_empty_table():
    articles = _articles([])
    table = dates(articles, sentences=sentences(articles))
    assert list(table.columns) == DATE_COLUMNS and table.empty
    assert str(table["date_end"].dtype) == "datetime64[us]" and str(table["start"].dtype) == "Int64"


def test_any_batch_gives_the_same_rows():
    articles = _articles([("a", "2024-11-14", "Last week it rained."), ("b", "2024-11-15", "On Tuesday it snowed.")])
    whole = dates(articles, sentences=sentences(articles))
    parts = pd.concat(
        [dates(articles.iloc[[i]], sentences=sentences(articles.iloc[[i]])) for i in range(2)], ignore_index=True
    )
    pd.testing.assert_frame_equal(whole, parts)


def test_seed_article(seed_corpus):
    table = seed_corpus.dates
    published = table[table["kind"] == "published"]
    assert len(published) == 1 and str(published.iloc[0]["date_start"].date()) == "2024-11-14"
    last_week = table[table["expression"] == "Last week"]
    assert len(last_week) == 1
    row = last_week.iloc[0]
    assert (str(row["date_start"].date()), str(row["date_end"].date()), row["granularity"], row["kind"]) == (
        "2024-11-04",
        "2024-11-10",
        "week",
        "relative",
    )
    text = seed_corpus.articles.iloc[0]["text"]
    assert text[row["start"] : row["end"]] == "Last week"


@pytest.mark.shared
def test_polnear_weekdays_follow_tense(polnear_corpus):
    # "Sanders promised Monday ..." in an article of Monday 9 November 2015 is that Monday
    table = polnear_corpus.dates
    article = polnear_corpus.articles[
        polnear_corpus.articles["article_id"].str.startswith("huff-post_2015-11-09_bernie-sanders-promises")
    ]
    rows = table[(table["article_id"] == article.iloc[0]["article_id"]) & (table["expression"] == "Monday")]
    assert not rows.empty and (rows["date_start"] == pd.Timestamp("2015-11-09")).all()


def test_boilerplate_holds_no_dates():
    from workbench.boilerplate import mark

    goods = ["Grain", "Oil", "Gold", "Tin", "Wool", "Rice"]
    texts = [f"{g} prices rose {i} pct in March.\nCopyright {1980 + i} Harbour Wire" for i, g in enumerate(goods)]
    articles = pd.DataFrame(
        {"article_id": [f"a{i}" for i in range(6)], "published": pd.to_datetime(["1987-03-02"] * 6), "text": texts}
    )
    marked, patterns = mark(articles)
    assert patterns["pattern"].tolist() == ["Copyright 0 Harbour Wire"]
    table = dates(marked, sentences=sentences(marked))
    assert table.query("kind != 'published'")["expression"].tolist() == ["March"] * 6


def test_every_kind_and_tense_of_the_date_data_files_is_read():
    from workbench.dates.patterns import WORD_KINDS, words
    from workbench.dates.tense import TENSES
    from workbench.lexicon import read_rows

    assert {r["kind"] for r in read_rows("date_words")} == set(WORD_KINDS)
    assert {r["tense"] for r in read_rows("tense_cues")} == set(TENSES)
    w = words()
    assert all(getattr(w, field.name) for field in dataclasses.fields(w))


def test_a_tense_cue_added_to_the_data_changes_the_year(monkeypatch):
    tense_module = importlib.import_module("workbench.dates.tense")

    sentence = "Deliveries stop April 27, the bank said."
    assert str(find_dates(sentence, "1987-02-10")[0]["date_start"]) == "1987-04-27"  # nearest
    table, longest = tense_module._cues()
    monkeypatch.setattr(tense_module, "_cues", lambda: ({**table, ("stop",): "past"}, longest))
    assert str(find_dates(sentence, "1987-02-10")[0]["date_start"]) == "1986-04-27"
