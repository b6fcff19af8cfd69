"""The sports-results rule: a place or unknown name next to a score or "v" is a team (an ORG).

"Leicestershire 22 points, Somerset 4": in a results line a county or city names its team, not
the place; "Mushtaq Ahmed 46" is more often a player, and cricket's "c X b Y" names players.
"""

from __future__ import annotations

import re

from workbench.ner.canonical import Raw

_SCORE = re.compile(r"[ \t]+(?!\d{4}-\d\d-\d\d)\d+(?:-\d+)?(?![\w/.])")
_TABLE = re.compile(r"[ \t]+\d+[ \t]+\d+")
_VERSUS_AFTER = re.compile(r"[ \t]+vs?\.?[ \t]+(?=[^\W\d_])")  # another name follows, not a number ("25 CTS vs 30 CTS")
_VERSUS_BEFORE = re.compile(r"\bvs?\.?[ \t]+$")
_SCORECARD = re.compile(r"(?:^|[ \t])[bc][ \t]+$")  # cricket: "c Ranatunga b Muralitharan 8" are players
_PROSE_AFTER = re.compile(
    r"[ \t]*(?::(?!\d)|(?!(?:points?|pts|runs?|goals?|wickets?|hours?|mins?|minutes?|seconds?|secs?|laps?|"
    r"strokes?|shots?|for|v|vs|and)\b)[a-z])"
)
#: what a name found by these lists or rules may be in a results line
_TEAM_PLACES = frozenset(
    {"cities", "subdivisions", "places", "rule:unknown", "rule:surname", "rule:gpe_word", "rule:said", "rule:acronym"}
)


def team_context(text: str, cs: int, ce: int, how: str) -> bool:
    """A name followed by a score, or next to "v", is a team in a results line (not a place or person)."""
    if how not in _TEAM_PLACES and how != "rule:name":
        return False
    if _VERSUS_AFTER.match(text, ce) or _VERSUS_BEFORE.search(text, max(0, cs - 6), cs):
        return True
    if _SCORECARD.search(text, max(0, cs - 3), cs):
        return False
    # an unknown two-word name with one number after it is more often a player ("Mushtaq Ahmed 46")
    score = _TABLE.match(text, ce) if how == "rule:name" else _SCORE.match(text, ce)
    # a number read on in prose is no score: "Rinse 1 cup", "Tab 4 of the book", "Listing 1:" (but "22 points")
    return bool(score) and ("-" in score.group(0) or not _PROSE_AFTER.match(text, score.end()))


def team(text: str, start: int, end: int) -> Raw:
    """The mention of a team (an ORG named as written, "rule:team")."""
    return Raw(start, end, "ORG", "rule:team", " ".join(text[start:end].split()))
