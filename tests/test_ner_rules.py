"""The rules backend's machinery (``workbench.ner.rules``): what only makes it faster changes no mention."""

from __future__ import annotations

import bisect
import re

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workbench.ner import rules
from workbench.ner.canonical import _TITLE_BEFORE, _last_words, _may_end_a_title, _trim_by_patterns, trim
from workbench.ner.gazetteer import gazetteer
from workbench.sentences import sentences

TEXTS = [
    "US President Joe Biden met Xi Jinping in Peru. The Bank of England said Russia's U.S.-China talks failed.",
    "In Peru, Xi Jinping and Joe Biden spoke.\nBank of England officials and Quorvald Zentrix left Lima.",
    "Joe Biden.",
]


def _raws(texts: list[str]) -> list[list[rules.Raw]]:
    out = []
    for text in texts:
        split = sentences(pd.DataFrame({"article_id": ["t"], "text": [text]}))
        out.append(rules.extract(text, split["start"].tolist(), split["end"].tolist()))
    return out


def _memo() -> dict:
    return rules._memo(rules._pipeline()[1])


def test_listed_phrases_come_back_alike_from_the_memo():
    fresh = []
    for text in TEXTS:  # each article with an empty memo: every sequence tokenized and matched
        rules._memo.cache_clear()
        fresh.extend(_raws([text]))
    rules._memo.cache_clear()
    remembered = _raws(TEXTS)  # the same sequences at other offsets, read back from the memo
    assert remembered == fresh
    assert {"Joe Biden", "Xi Jinping", "Bank of England", "Lima"} <= {r.entity for r in remembered[1]}
    assert (0, 10) in _memo()["Xi Jinping"]  # offsets within the sequence


def test_a_full_memo_starts_again(monkeypatch):
    rules._memo.cache_clear()
    expected = _raws(TEXTS)
    monkeypatch.setattr(rules, "SEQUENCE_MEMO", 3)
    rules._memo.cache_clear()
    assert _raws(TEXTS) == expected
    assert len(_memo()) <= 3  # the last article's sequences only ("Joe Biden."): the memo was cleared
    rules._memo.cache_clear()


def test_no_match_runs_from_one_sequence_into_the_next():
    rules._memo.cache_clear()
    nlp, matcher = rules._pipeline()
    # tokenized together, a space apart: "Bank of England" spans two sequences and is no match
    found = rules._listed_in(nlp, matcher, ["Bank of", "England", "Bank of England"])
    assert found == [(), ((0, 7),), ((0, 15), (8, 15))]


def test_a_memo_cleared_meanwhile_does_no_harm():
    nlp, matcher = rules._pipeline()
    cleared = []

    class Clearing:  # another thread clears the memo while this one matches
        def __call__(self, doc):
            rules._memo(self).clear()
            cleared.append(1)
            return matcher(doc)

    clearing = Clearing()
    (bank,) = rules._listed_in(nlp, clearing, ["Bank of England"])
    found = rules._listed_in(nlp, clearing, ["Bank of England", "Xi Jinping"])  # the bank read from the memo
    assert found == [bank, *rules._listed_in(nlp, matcher, ["Xi Jinping"])] and len(cleared) == 2
    assert (0, 15) in bank
    rules._memo.cache_clear()


# The short paths taken for speed, each checked against the definition it shortens (the code before them).
_TRICKY = st.text(alphabet=" \t\n\"'“‘”’([]-–—*•:.,;1aAtThe’s", max_size=14)


def _initial_by_definition(text: str, pos: int, sentence_starts: list[int]) -> bool:
    i = bisect.bisect_right(sentence_starts, pos) - 1
    before = text[sentence_starts[i] if i >= 0 else 0 : pos]
    return (
        not before.strip(rules._OPENERS)
        or before.rstrip(" \t").endswith((":", '"', "“", "\n"))
        or bool(rules._CITATION.match(before))
    )


@settings(max_examples=400, deadline=None)
@given(before=_TRICKY, begin=st.integers(0, 14))
def test_a_sentence_opener_is_found_as_defined(before, begin):
    text = before + "Quorvald said."
    pos = len(before)
    starts = [min(begin, pos)]
    assert rules._initial(text, pos, starts) == _initial_by_definition(text, pos, starts)


def test_a_sentence_opener_after_a_citation_or_a_quote():
    cases = (("[22] ", True), ('"', True), ("said ", False), ("– ", True), ("]:\t", True), ("", True), ("(", True))
    for before, expected in (*cases, ("a [3] ", False), ("\n", True), ("“", True), ("1,", False)):
        text = before + "Quorvald"
        assert rules._initial(text, len(before), [0]) is expected, before


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=" \t\n\"'“”’‘()[]-.,;:!?sSthe1Ab", max_size=12))
@example(text="the Kremlin's")
@example(text="the Ab")
@example(text="Acme Corp.")
@example(text="U.S.")
@example(text="Ann’s")
@example(text="(Ann)")
@example(text="tAb")
@example(text="Russia")
def test_trimming_is_as_defined(text):
    assert trim(text, 0, len(text)) == _trim_by_patterns(text, 0, len(text))


def _last_words_by_scan(text: str, lo: int, hi: int, n: int = 3) -> int:
    i = hi
    for _ in range(n):
        while i > lo and text[i - 1].isspace():
            i -= 1
        while i > lo and not text[i - 1].isspace():
            i -= 1
        if i == lo:
            return lo
    return i


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=" \t\nab.", max_size=20), lo=st.integers(0, 20))
def test_the_last_words_are_found_as_by_a_scan(text, lo):
    lo = min(lo, len(text))
    assert _last_words(text, lo, len(text)) == _last_words_by_scan(text, lo, len(text))


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=" \t\nalAdeDEL-.'’ofthe&É", max_size=30))
@example(text="de Gaulle met el-Sisi and al-Assad, al Sadr")
def test_the_name_sequence_pattern_finds_what_it_did_without_its_look_ahead(text):
    pattern = rules.candidate_pattern().pattern
    plain = re.compile(pattern[pattern.index("(?<!") :])  # the pattern as it was, without the look-ahead
    assert [m.span() for m in rules.candidate_pattern().finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(spans=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6)), max_size=8))
def test_the_longest_spans_are_chosen_as_before(spans):
    listed = [(s, s + n, rules.Entry(f"e{s}-{n}", "ORG", None, "entity", "organisations")) for s, n in set(spans)]
    expected = []
    for span in sorted(listed, key=lambda s: (s[0] - s[1], s[0])):  # longest first, then in text order
        if all(span[1] <= t[0] or t[1] <= span[0] for t in expected):
            expected.append(span)
    assert rules._longest(list(listed)) == sorted(expected)


def _title_by_pattern(window: str, gaz) -> bool:
    found = _TITLE_BEFORE.search(window, _last_words(window, 0, len(window)), len(window))
    entry = gaz.phrases.get(found.group(1)) if found else None
    return entry is not None and entry.kind == "title"


def test_the_quick_title_test_lets_every_listed_title_through():
    gaz = gazetteer()
    titles = [p for p, e in gaz.phrases.items() if e.kind == "title"]
    assert len(titles) > 50
    for title in titles:
        for window in (f"said {title} ", f"({title}\t", f"the former {title}  ", f"{title} "):
            if _title_by_pattern(window, gaz):
                assert _may_end_a_title(window, gaz), window
    assert not _may_end_a_title("talks with ", gaz) and not _may_end_a_title("   ", gaz)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(["said", "President", "Sen.", "(Gov.", "x", "Prime", "Minister", "of"]), max_size=4)
)
def test_the_quick_title_test_misses_no_title(words):
    window = " ".join(words) + " "
    if _title_by_pattern(window, gazetteer()):
        assert _may_end_a_title(window, gazetteer())
