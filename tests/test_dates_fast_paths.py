"""The fast paths of the date extractor give what the plain definitions they replace give."""

import pickle

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.dates import dates, find_dates
from workbench.dates.patterns import _BACK, candidates, openers, pattern, trigger_starts, triggers
from workbench.dates.patterns import _WORD as _PATTERN_WORD
from workbench.dates.tense import _WINDOW, _WORD, _cues, _tense_at, _words_before

_PIECES = ["will", "be", "held", "said", "on", " ", "  ", ",", "'", "'ll", "don't", "x", "9", "-", "A", "Ed", "moved"]


def _plain_words_before(sentence: str, start: int) -> list[str]:
    return [m.group(0).lower() for m in _WORD.finditer(sentence, 0, start)][-_WINDOW:]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=120).map("".join))
def test_words_before_read_from_near_the_expression(sentence):
    for start in range(0, len(sentence) + 1, 7):
        assert _words_before(sentence, start) == _plain_words_before(sentence, start)


def _plain_tense_at(tokens, i, table, longest):
    for n in range(min(longest, i + 1), 0, -1):
        key = tuple(tokens[i - n + 1 : i + 1])
        if key in table:
            return table[key], n
    word = tokens[i]
    if len(word) >= 5 and word.endswith("ed") and word.islower():
        return "past", 1
    return None, 1


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_tense_at_skips_words_no_cue_ends_with(data):
    table, longest = _cues()
    words = sorted({w for key in table for w in key} | {"moved", "ed", "tomorrow", "x"})
    tokens = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=8))
    for i in range(len(tokens)):
        assert _tense_at(tokens, i, table, longest) == _plain_tense_at(tokens, i, table, longest)


def test_dates_rows_are_find_dates_rows():
    text = "The vote was held on Monday. It will end next week, on 3 March 2025, officials said."
    articles = pd.DataFrame(
        {"article_id": ["b", "a"], "published": pd.to_datetime(["2025-02-26", None]), "text": [text] * 2}
    )
    sentences = pd.DataFrame(
        {
            "article_id": ["a", "b", "b", "a"],
            "sentence": [0, 1, 0, 1],
            "start": [0, 29, 0, 29],
            "end": [28, len(text), 28, len(text)],
        }
    )
    table = dates(articles, sentences=sentences)
    for article_id, published in (("b", "2025-02-26"), ("a", None)):
        rows = table[(table["article_id"] == article_id) & (table["kind"] != "published")]
        found = find_dates(text, published, spans=[(0, 28), (29, len(text))])
        assert rows["expression"].tolist() == [f["expression"] for f in found]
        assert rows["sentence"].tolist() == [f["sentence"] for f in found]
        assert [d.date() if pd.notna(d) else None for d in rows["date_start"]] == [f["date_start"] for f in found]
    assert table["kind"].tolist().count("published") == 2
    assert pickle.loads(pickle.dumps(table)).equals(table)


_DATE_PIECES = [
    "March",
    "Marches",
    "xMarch",
    "_May",
    "3",
    "2016",
    "٣",
    "²",
    " ",
    "\n",
    "-",
    "$",
    ".",
    "last",
    "week",
    "the",
    "in",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=40).map("".join))
def test_trigger_starts_are_the_one_pattern_s(text):
    assert trigger_starts(text) == [m.start() for m in triggers().finditer(text)]


def _plain_candidates(text):
    """The candidate finder as it was: the one trigger pattern, each start tried again for every trigger."""
    full, starts, position = pattern(), openers(), 0
    for trigger in triggers().finditer(text):
        at = trigger.start()
        if at < position:
            continue
        for word in _PATTERN_WORD.finditer(text, max(position, at - _BACK), at + 1):
            begin = word.start()
            if begin != at and not word.group(0)[0].isdigit() and word.group(0).lower() not in starts:
                continue
            match = full.match(text, begin)
            if match is not None and match.end() > at:
                yield match
                position = match.end()
                break


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*_DATE_PIECES, "3 March", "on Monday", "Q3", "in two weeks", "4th"]), max_size=30).map(
        " ".join
    )
)
def test_candidates_as_the_plain_finder(text):
    assert [m.span() for m in candidates(text)] == [m.span() for m in _plain_candidates(text)]
