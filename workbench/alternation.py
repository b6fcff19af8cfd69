"""Word alternations for regular expressions, compiled as a prefix tree (same matches, fewer branches).

Python's ``re`` tries the branches of ``(?:said|says|saying|...)`` one by one at every position of a
text. With a hundred words that is most of the time a pattern takes. :func:`alternation` writes the
same words as a tree of shared prefixes (``sa(?:y(?:s|ing)?|id)``), which ``re`` walks one character at
a time, and gives the same match as the longest-first alternation ``(?:longest|...|shortest)`` the word
lists used before: at a position, the words that match all lie on one path of the tree (a character
is either the next letter or white space), and the tree tries the longer word on that path first.

>>> import re
>>> pattern = re.compile(alternation(["said", "say", "says", "according to"]) + r"\\b")
>>> [m.group() for m in pattern.finditer("He says so, according  to them; they said.")]
['says', 'according  to', 'said']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SPACE = " "  # a space in a word matches any run of white space (``\s+``)


def alternation(words: Iterable[str], *, ignore_case: bool = False, any_space: bool = True) -> str:
    """A non-capturing regex matching the same as ``(?:w1|w2|...)`` with the words sorted longest first.

    Words are matched as written (case-sensitive) unless ``ignore_case``; a space matches one or more
    white-space characters. Words must not start or end with a space nor hold two spaces in a row (then
    the longest-first order and the tree could differ), and with ``ignore_case`` they must be ASCII (so
    that a lower-case tree matches what each word matches): other words raise ``ValueError``.

    Args:
        words: the words (duplicates are ignored; an empty list gives a pattern that never matches).
        ignore_case: match as ``(?i:w1|w2|...)`` does.
        any_space: a space matches any run of white space (``False``: one space, as written).

    Returns:
        The pattern text, to be embedded in a larger pattern.

    >>> alternation(["May", "March", "Mar"])
    '(?:Ma(?:r(?:ch)?|y))'
    >>> alternation(["Last", "late"], ignore_case=True)
    '(?i:la(?:st|te))'
    """
    words = set(words)
    if ignore_case:
        if not all(word.isascii() for word in words):
            raise ValueError("ignore_case needs ASCII words")
        words = {word.lower() for word in words}
    tree: dict = {}
    for word in words:
        spaced = any_space and (word != word.strip() or "  " in word or any(c.isspace() and c != _SPACE for c in word))
        if not word or spaced:
            raise ValueError(f"cannot place {word!r} in an alternation tree")
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a word
    if not tree:
        return "(?!)"
    space = r"\s+" if any_space else " "
    return f"(?{'i' if ignore_case else ''}:{_node(tree, space)})"


def _node(node: dict, space: str) -> str:
    branches = [
        (space if char == _SPACE else re.escape(char)) + _node(child, space)
        for char, child in sorted(node.items())
        if char
    ]
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})" if branches else ""
    if "" in node and body:  # a word ends here: try the longer words first (greedy), then the end
        body = f"(?:{body})?"
    return body
