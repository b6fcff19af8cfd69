"""The fast paths of the attribution extractor find what the plain searches they replace find."""

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.attribution import _group
from workbench.attribution.content import _has_words
from workbench.attribution.header import _datelines
from workbench.attribution.patterns import dateline_regex, lexicon
from workbench.attribution.speakers import _COLON_SPEAKER, colon_speakers
from workbench.lexicon import read_rows

_PIECES = ["Jane Roe", "Mr", "Sen", ":", ": ", ":\t", " ", "\n", "\n\n", ". ", '" ', "” ", "x", "said", "Q", "\t", "-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_colon_speakers_only_in_lines_with_a_colon(text):
    assert [m.span() for m in colon_speakers(text)] == [m.span() for m in _COLON_SPEAKER.finditer(text)]


def _longest_first(forms) -> str:
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))


def test_cue_regex_is_the_longest_first_alternation():
    lex = lexicon()
    forms = sorted(lex.cues, key=len, reverse=True)
    capitalised = _longest_first(f[0].upper() + f[1:] for f in forms)
    old = re.compile(
        rf"(?<![\w-])(?:{_longest_first(forms)}|(?<=[\s\"“‘'(—-])(?:{capitalised})|^(?:{capitalised}))(?![\w-])"
    )
    words = [*forms, *(f[0].upper() + f[1:] for f in forms), *(f.split()[0] for f in forms), "to", "-"]
    separators = [" ", "  ", "\n", '"', "“", "-", ", ", "—", "x"]
    text = "".join(w + separators[i % len(separators)] for i, w in enumerate(words * 3))
    assert [m.span() for m in lex.cue_regex.finditer(text)] == [m.span() for m in old.finditer(text)]
    assert len(list(old.finditer(text))) > len(forms)


def test_token_regex_titles_longest_first():
    lex = lexicon()
    titles = sorted({r["abbreviation"] for r in read_rows("abbreviations")}, key=len, reverse=True)
    old = re.compile(
        r"(?:[A-Za-z]\.){2,}"
        rf"|(?:{'|'.join(re.escape(a) for a in titles if '.' not in a)})\.(?=\s)"
        r"|[A-Z]\.(?=\s+[A-Z])"
        r"|\w+(?:[-'’.&]\w+)*(?:['’]s?)?"
        r"|--|[^\w\s]"
    )
    text = " ".join(f"{t}. {t}.x {t}s. {t}" for t in titles) + " U.S. John F. Kennedy's 9.5 -- end."
    assert [m.span() for m in lex.token_regex.finditer(text)] == [m.span() for m in old.finditer(text)]


_DATELINE_PIECES = [
    "WASHINGTON",
    " ",
    "(AP)",
    "(Reuters)",
    " —",
    " -",
    ":",
    "\n",
    "\n\n",
    "x",
    ", Fla.",
    "(",
    ")",
    "\t",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DATELINE_PIECES), max_size=30).map("".join))
def test_datelines_only_in_lines_with_a_bracket(text):
    assert [m.span() for m in _datelines(text)] == [m.span() for m in dateline_regex().finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", ",", "'", "“", "—", "9"]), max_size=12), st.integers(1, 3))
def test_has_words_counts_like_a_sum(toks, n):
    for first in range(len(toks) + 1):
        for last in range(first - 1, len(toks)):
            assert _has_words(toks, first, last, n) == (sum(1 for t in toks[first : last + 1] if t[0].isalnum()) >= n)


def _plain_group(frame, ids, columns):
    grouped = {}
    frame = frame[frame["article_id"].isin(ids)]
    values = [frame[c].tolist() for c in columns]
    for article_id, *rest in zip(frame["article_id"].tolist(), *values, strict=True):
        grouped.setdefault(article_id, []).append(tuple(None if v is pd.NA else v for v in rest))
    return grouped


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 9), st.sampled_from(["X", None])), max_size=30))
def test_group_runs_as_row_by_row(rows):
    frame = pd.DataFrame(rows, columns=["article_id", "start", "entity"]).astype(
        {"article_id": "string", "start": "int64", "entity": "string"}
    )
    for ids in ({"a", "b", "c", "d"}, {"a", "c"}):
        assert _group(frame, ids, ["start", "entity"]) == _plain_group(frame, ids, ["start", "entity"])
