"""Demonyms that are no mention of a place: part of a longer name, or a language used as a noun.

A lone demonym ("an American actor", "the Mexican government") stays a mention of its country.
Two general rules drop the others:

- **inside a name**: a demonym joined to another capitalised word by a space or hyphen ("American
  Revolutionary War", "British Library", "Native Americans", "African-American") is a piece of
  a longer name, not a place; a title after it ("Indian Prime Minister") or a listed name starting
  right after it keeps it, and so does a word before it that only opens the sentence ("Many French");
- **a language as a noun**: a demonym that is a language name (pycountry) and is followed by
  punctuation or a function word ("taught himself Japanese.", "(Greek: ...", "English is the
  dominant language", "German and French fluently") is the language; "the French" (the people) stays.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from workbench.ner.canonical import Raw
from workbench.ner.gazetteer import Gazetteer

_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.]*)([ \t]|[-–])$")
_WORD_AFTER = re.compile(r"(?:[ \t]+|[-–])([^\W\d_][\w'’]*)")
_NEXT = re.compile(r"[ \t]*(\S)(\S*)")
#: Punctuation after a language name used as a noun.
_NOUN_END = frozenset(",.;:)]!?")
_PEOPLE_BEFORE = frozenset({"the", "The"})


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """English function words (spaCy's stop words, shipped with spaCy) plus manner adverbs of speech."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"fluently", "natively", "poorly", "well"}


def apply(
    text: str, raws: list[Raw], gaz: Gazetteer, sentence_starts: list[int], languages: frozenset[str]
) -> list[Raw]:
    """Drop the demonym mentions that are inside a longer name or name a language (module docstring).

    Args:
        text: the article.
        raws: its raw mentions, in text order.
        gaz: the gazetteer (titles, common words).
        sentence_starts: sentence start offsets (sorted).
        languages: one-word language names.
    """
    if not any(r.how == "demonyms" for r in raws):
        return raws
    starts = {r.start for r in raws if not r.how.startswith("rule:")}
    out = []
    for raw in raws:
        if raw.how == "demonyms" and (
            _in_name(text, raw, gaz, sentence_starts, starts) or _language(text, raw, languages)
        ):
            continue
        out.append(raw)
    return out


def _in_name(text: str, raw: Raw, gaz: Gazetteer, sentence_starts: list[int], starts: set[int]) -> bool:
    after = _WORD_AFTER.match(text, raw.end, min(len(text), raw.end + 40))
    if after is not None and after.group(1)[0].isupper():
        word = after.group(1)
        two = " ".join(text[after.start(1) : after.start(1) + 40].split()[:2])
        # kept before a title ("Indian Prime Minister") or a listed name ("Russian Gazprom")
        return not (after.start(1) in starts or _is_title(word, gaz) or _is_title(two, gaz))
    before = _WORD_BEFORE.search(text, max(0, raw.start - 40), raw.start)
    if before is None or not before.group(1)[0].isupper() or before.group(1).endswith("."):
        return False
    begin = before.start(1)
    i = bisect.bisect_right(sentence_starts, begin) - 1
    if bisect.bisect_right(sentence_starts, raw.start) - 1 != i:
        return False  # the word before ends the sentence before
    sentence_opener = i >= 0 and not text[sentence_starts[i] : begin].strip(" \t\"'“‘([-–—*•\n")
    return not (sentence_opener and before.group(1).lower() in gaz.common_words)


def _is_title(phrase: str, gaz: Gazetteer) -> bool:
    entry = gaz.phrases.get(phrase)
    return entry is not None and entry.kind == "title"


def _language(text: str, raw: Raw, languages: frozenset[str]) -> bool:
    if text[raw.start : raw.end] not in languages:
        return False
    before = text[max(0, raw.start - 12) : raw.start].split()
    if before and before[-1] in _PEOPLE_BEFORE:
        return False
    pos = raw.end
    for _ in range(2):  # "German and French fluently": past one coordinated capitalised word
        nxt = _NEXT.match(text, pos, min(len(text), pos + 60))
        if nxt is None or nxt.group(1) in _NOUN_END:
            return True
        word = (nxt.group(1) + nxt.group(2)).rstrip(",.;:)]!?")
        if word in ("and", "or"):
            other = _NEXT.match(text, nxt.end(), min(len(text), nxt.end() + 60))
            if other is None or not other.group(1).isupper():
                return False
            coordinated = (other.group(1) + other.group(2)).rstrip(",.;:)]!?")
            if coordinated not in languages:
                return False
            pos = other.start(1) + len(coordinated)
            continue
        return word.islower() and word in _function_words()
    return False
