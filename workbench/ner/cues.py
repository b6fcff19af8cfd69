"""Types for names the rules guessed, from how the article uses them (the rules backend's last passes).

:func:`apply`: a capitalised word that no list knows and no name rule types ("Quorvald", "Zentrix")
is left ``UNKNOWN`` by :mod:`workbench.ner.unknown`; a census surname alone is guessed a person.
Every place the article writes the word is read (sentence openers skipped, where a capital says
nothing), and the word is typed when its uses say what it is:

- a **person** (an unknown word): followed, twice, by a possessive and a lower-case word
  ("Quorvald's paper", "Quorvald' duel"), a verb in the past tense ("Quorvald stayed", "Quorvald
  wrote") or a year or reference as in a citation ("Quorvald, 2011", "Quorvald [13]"), more than
  twice as often as it follows a place word ("in", "near", "at", "via");
- an **organisation** (an unknown word): followed by an apposition naming a kind of organisation
  (", a company", ", the publisher": the ``org_noun`` words of ``name_parts.csv``) or right after
  such a word ("the publisher Zentrix"), even when it
  also has a person's cues (firms take possessives and verbs too);
- a **place** (an unknown word or a census surname): after a place word twice, and more than twice
  as often as a person's cues ("in Hollister ... at Hollister");
- **no name** at all: the article also writes the word twice in lower case ("Basil ... basil").

A word with cues of several kinds stays as it was. The type holds for every mention of the word.

:func:`places_by_comma`: "Zorgville, Texas" and "Exeter, Devon" are places. :func:`works_of_people`:
a name guessed right after a person's possessive ("Quorvald's Mecanique Celeste") is a work, no mention.
"""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.ner.canonical import Raw
from workbench.ner.gazetteer import Gazetteer, gazetteer

#: an adverb or a plural ("Hopelessly", "Chechens", "Builders"), not a name ("Theodorus", "Galois" stay)
_NOT_A_NAME = re.compile(r"(?:ly|[^aeiouys]s)$")
_INITIAL = re.compile(r"(?:[.!?:;\n\"“]|\[\d+\])[ \t\"“‘(]*$")
#: single words a rule typed from their shape alone (a census surname, an unknown word)
_WORD_GUESSES = frozenset({"rule:surname", "rule:unknown"})
_POSSESSIVE = re.compile(r"['’]s?[ \t]+[a-z]")
_CITATION = re.compile(r"[ \t]*(?:,[ \t]*(?:1[5-9]|20)\d\d\b|\([ \t]*(?:1[5-9]|20)\d\d\b|\[\d+(?:[,–-]\d+)*\])")
#: irregular past tenses that follow a person far more often than a place ("was" and "had" say nothing)
_PAST = (
    "wrote|became|began|went|took|made|gave|told|left|met|saw|won|lost|spent|thought|felt|found|knew|"
    "taught|sought|fought|sang|drew|chose|fell|led|ran|rose|spoke|stood|grew|heard|brought|bought"
)
_VERB = re.compile(rf"[ \t]+(?:[a-z]+ly[ \t]+)?(?:[a-z]{{3,}}ed|{_PAST})\b")


@lru_cache(maxsize=1)
def _apposition() -> re.Pattern[str]:
    """ ", a company", ", the publisher", ", an online retailer" (``org_noun`` words of ``name_parts.csv``)."""
    nouns = sorted(gazetteer().roles.get("org_noun", ()), key=len, reverse=True)
    words = "|".join(re.escape(n) for n in nouns) or "(?!)"
    return re.compile(rf"[ \t]*,[ \t]+(?:a|an|the)[ \t]+(?:[\w-]+[ \t]+){{0,3}}?(?:{words})\b")


@lru_cache(maxsize=1)
def _kind_before() -> re.Pattern[str]:
    """ "the publisher Zentrix", "the online retailer Zentrix": a kind of organisation right before the name."""
    nouns = sorted(gazetteer().roles.get("org_noun", ()), key=len, reverse=True)
    words = "|".join(re.escape(n) for n in nouns) or "(?!)"
    return re.compile(rf"\b(?:{words})[ \t]+$")


def apply(text: str, raws: list[Raw], gaz: Gazetteer) -> list[Raw]:
    """Raw mentions with the ``UNKNOWN`` single words typed by their uses in ``text`` (module docstring)."""
    words = {text[r.start : r.end] for r in raws if r.how in _WORD_GUESSES}
    words.discard("")
    if not words:
        return raws
    # written twice in lower case: a word (str.count first: most names never are)
    common = {w for w in words if text.count(w.lower()) >= 2 and len(_spans(text, w.lower())) >= 2}
    if common:  # "Basil ... the kind of basil": the herb, not a person
        raws = [r for r in raws if not (r.how in _WORD_GUESSES and text[r.start : r.end] in common)]
    spans: dict[str, list[tuple[int, int]]] = {}  # where each word is written, found once
    # no language's or people's noun anywhere in the text: no word is written before one
    nouns = _language_after().search(text) is not None
    spoken = {w for w in words if " " not in w and _language(text, w, spans)} if nouns else set()
    if spoken:  # "the Quorvish language ... Quorvish speakers": a language or a people, no person
        raws = [r for r in raws if not (r.how in _WORD_GUESSES and text[r.start : r.end] in spoken)]
    unknown = {text[r.start : r.end] for r in raws if r.how in _WORD_GUESSES}
    once = {text[r.start : r.end] for r in raws if r.type == "UNKNOWN"}  # a surname needs two uses to be a place
    kinds = {
        word: _kind(text, word, spans, gaz)
        for word in unknown
        if " " not in word and (word in once or text.count(word) > 1)
    }
    if not any(kinds.values()):
        return raws
    out = []
    for raw in raws:
        kind = kinds.get(text[raw.start : raw.end]) if raw.how in _WORD_GUESSES else None
        if kind == "GPE" or (kind is not None and raw.type == "UNKNOWN"):
            raw = raw._replace(type=kind, how="rule:usage")
        out.append(raw)
    return out


@lru_cache(maxsize=1)
def _language_after() -> re.Pattern[str]:
    """ " language", " speakers": a ``language_noun`` of ``name_parts.csv`` right after a name."""
    nouns = sorted(gazetteer().roles.get("language_noun", ()), key=len, reverse=True)
    words = "|".join(re.escape(n) for n in nouns) or "(?!)"
    return re.compile(rf"[ \t]+(?:{words})\b")


def _language(text: str, word: str, spans: dict[str, list[tuple[int, int]]] | None = None) -> bool:
    """Whether ``text`` writes ``word`` twice right before a language's or a people's noun ("Quorvish speakers").

    ``spans`` keeps :func:`_spans` of each word looked at, for the caller to use again.
    """
    after = _language_after()
    found = _spans(text, word)
    if spans is not None:
        spans[word] = found
    return sum(1 for _start, end in found if after.match(text, end)) >= 2


def _spans(text: str, word: str) -> list[tuple[int, int]]:
    """Where ``text`` writes ``word`` as a whole word ("basil", not "basil-scented" or "basilica")."""
    out = []
    n = len(word)
    i = text.find(word)
    while i >= 0:
        before = text[i - 1] if i else " "
        after = text[i + n : i + n + 1] or " "
        if not (before.isalnum() or before in "_-'’") and not (after.isalnum() or after in "_-"):
            out.append((i, i + n))
        i = text.find(word, i + n)
    return out


def _kind(text: str, word: str, spans: dict[str, list[tuple[int, int]]], gaz: Gazetteer) -> str | None:
    """PERSON, ORG or None for a word from every place ``text`` writes it (:func:`_spans`, kept in ``spans``)."""
    if _NOT_A_NAME.search(word) or not word[1:].islower() or gaz.role(word, "org_suffix"):
        return None  # "Hopelessly", "Chechens", "Builders"; "DH", "L2s"; "Telegraph"
    person = org = place = 0
    apposition, kind_before = _apposition(), _kind_before()
    for start, end in spans.get(word) or _spans(text, word):
        if _INITIAL.search(text, max(0, start - 4), start) or start < 2:
            continue  # a sentence's first word: "Builders constructed", "Normalcy returned"
        before = text[max(0, start - 12) : start].split()
        if before and (gaz.role(before[-1], "place_cue") or before[-1] in ("at", "via")):
            place += 1  # "in Zorgrad", "via Zorgrad": a place more often than a person
        if _POSSESSIVE.match(text, end) or _VERB.match(text, end) or _CITATION.match(text, end):
            person += 1
        if apposition.match(text, end) or kind_before.search(text, max(0, start - 20), start):
            org += 1
    if org:  # ", a company" outweighs a possessive or a verb, which firms take too
        return "ORG"
    if person >= 2 and not org and person > 2 * place:  # two uses: one "Texan stayed" is no evidence
        return "PERSON"
    if place >= 2 and place > 2 * person and not org:  # "in Cleveland ... near Cleveland": a census surname, a city
        return "GPE"
    return None


#: list places a town or region is written after ("Exeter, Devon", "Zorgrad, Texas")
_PLACE_LISTS = frozenset({"cities", "subdivisions", "countries", "places"})
#: rules whose guess gives way to a comma between places
_GUESSES = frozenset(
    {"rule:unknown", "rule:surname", "rule:name", "rule:first_name", "rule:usage", "rule:acronym", "rule:place_cue"}
)
_AFTER_PLACE = re.compile(r"[ \t]*(?:[,.;:)\]\n]|and\b|$)")


def places_by_comma(text: str, raws: list[Raw]) -> list[Raw]:
    """A name next to a listed place and a comma is a place: "Zorgrad, Texas" (a town before its state),
    "Exeter, Devon" (a region after its town), when the second name ends the phrase ("Devon." / "Devon,")."""
    out = list(raws)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if text[a.end : b.start] != ", " or not _AFTER_PLACE.match(text, b.end):
            continue
        a_listed = a.entity is not None and a.how in _PLACE_LISTS and a.type in ("GPE", "LOC")
        b_listed = b.entity is not None and b.how in _PLACE_LISTS and b.type == "GPE"
        if b_listed and a.how in _GUESSES and " " not in text[a.start : a.end]:
            # a US town is named with its state, as the us_cities list names them ("Zorgrad, Texas")
            name = f"{text[a.start : a.end]}, {b.entity}" if b.country == "US" and b.how == "subdivisions" else None
            out[i] = a._replace(type="GPE", entity=name, country=b.country, how="rule:comma_place")
        elif a_listed and b.how in _GUESSES and " " not in text[b.start : b.end]:
            out[i + 1] = b._replace(type="GPE", entity=None, how="rule:comma_place")
    return out


_POSSESSED = re.compile(r"['’]s?[ \t]+$")
#: rules that may take the title of a work for a person's name
_TITLE_GUESSES = frozenset({"rule:name", "rule:title", "rule:first_name", "rule:usage", "rule:unknown"})


def works_of_people(text: str, raws: list[Raw]) -> list[Raw]:
    """No mention for a name a rule guessed right after a person's possessive: the title of a work
    ("Quorvald's Mécanique Céleste", "Quorvald's Prince Series"), not a person."""
    out: list[Raw] = []
    for raw in raws:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type == "PERSON"
            and raw.how in _TITLE_GUESSES
            and raw.type in ("PERSON", "UNKNOWN")
            and _POSSESSED.match(text[prev.end : raw.start])
        ):
            continue
        out.append(raw)
    return out
