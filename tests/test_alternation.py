"""The prefix-tree alternation matches exactly what the longest-first alternation matches."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.alternation import alternation


def longest_first(words, *, ignore_case=False, any_space=True) -> str:
    """The alternation the word lists used before (the definition the tree must agree with)."""
    space = r"\s+" if any_space else r"\ "
    body = "|".join(re.escape(w).replace(r"\ ", space) for w in sorted(set(words), key=len, reverse=True))
    return f"(?i:{body})" if ignore_case else f"(?:{body})"


_WORDS = st.lists(st.from_regex(r"[abAB'.-]{1,3}( [abAB.]{1,3}){0,2}", fullmatch=True), min_size=1, max_size=12)
_TEXTS = st.text(alphabet="abAB'.- \n\tx", max_size=60)
#: what may follow the alternation in a pattern: backtracking into it must offer the words in the same order
_AFTERS = ["", r"(?![\w-])", r"\b", r"\.(?=\s)", r"\s+a", r"b?a", r"(?=\s)"]


@settings(max_examples=200, deadline=None)
@given(words=_WORDS, text=_TEXTS, after=st.sampled_from(_AFTERS), ignore_case=st.booleans(), any_space=st.booleans())
def test_same_matches_as_longest_first(words, text, after, ignore_case, any_space):
    options = {"ignore_case": ignore_case, "any_space": any_space}
    old = re.compile(rf"(?<![\w-])(?:{longest_first(words, **options)}){after}")
    new = re.compile(rf"(?<![\w-])(?:{alternation(words, **options)}){after}")
    assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)]
    assert [m.span() if m else None for m in (new.match(text, i) for i in range(len(text)))] == [
        m.span() if m else None for m in (old.match(text, i) for i in range(len(text)))
    ]


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        (["said", "say", "says"], "he says", ["says"]),
        (["according to", "according"], "according \n to them, according", ["according \n to", "according"]),
        (["Nov", "November"], "Novembers", ["November"]),
        ([], "anything", []),
    ],
)
def test_examples(words, text, expected):
    assert [m.group() for m in re.finditer(alternation(words), text)] == expected


@pytest.mark.parametrize("word", [" lead", "trail ", "two  spaces", "tab\there", ""])
def test_rejects_words_the_tree_cannot_place(word):
    with pytest.raises(ValueError):
        alternation(["fine", word])


def test_ignore_case_needs_ascii():
    with pytest.raises(ValueError):
        alternation(["café"], ignore_case=True)
