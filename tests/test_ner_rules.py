"""The rules backend's machinery (``workbench.ner.rules``): what only makes it faster changes no mention."""

from __future__ import annotations

import pandas as pd

from workbench.ner import rules
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
