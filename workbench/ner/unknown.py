"""Rules that type names no list knows: titles, first names, "X said", acronyms, camel case.

Each unknown piece of a capitalised sequence is cut into word runs (:func:`unknown_names`) and each
run typed by :func:`unknown` (with :func:`workbench.ner.canonical.classify` for the name-word rules).
"""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.ner.canonical import Raw, classify, keeps_full_stop
from workbench.ner.gazetteer import Gazetteer, gazetteer

_WORDS = re.compile(r"[^\s]+")
_SPACE = re.compile(r"\s")


@lru_cache(maxsize=1)
def _said() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """ "X said" and "said X" (the ``said`` words of ``name_parts.csv``): an unknown single name there is a person."""
    words = sorted(gazetteer().roles.get("said", ()), key=len, reverse=True)
    verbs = "(?:" + "|".join(re.escape(w) for w in words) + ")" if words else "(?!)"
    return re.compile(rf"[ \t]*,?[ \t]*{verbs}\b"), re.compile(rf"\b{verbs}[ \t]+$")


#: "St. Jerome", "Saint Jude": a saint's title before a first name ("St Louis" the city is listed, so never reaches it)
_SAINT = frozenset({"St.", "St", "Saint"})
_AFTER_NUMBER = re.compile(r"\d[\d.,]*[ \t]+$")
_CAMEL = re.compile(r"^(?!Mc|Mac|Di|De|Le|La|Van|Von|O')[A-Z][a-z]+[A-Z][a-z]+")


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    """ISO 4217 currency codes ("DKK", "MXN"), from pycountry: amounts, not organisations."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def title_before(text, cs, gaz: Gazetteer) -> str | None:
    """A title written right before a name, also in lower case ("said spokesman John Kirby")."""
    if cs == 0 or (text[cs - 1] != " " and text[cs - 1] != "\t"):
        return None
    words = text[max(0, cs - 40) : cs].split()[-3:]
    if not words or words[-1] not in gaz.title_ends:
        return None
    for k in range(len(words)):
        entry = gaz.phrases.get(" ".join(words[k:]))
        if entry is not None and entry.kind == "title":
            return entry.entity
    return None


def unknown_names(text: str, ps: int, pe: int, gaz: Gazetteer) -> list[tuple[int, int]]:
    """Word runs of an unknown piece, split at "and"/"&", not-a-name words, and cut of connectors."""
    split, not_name = gaz.roles.get("split", ()), gaz.roles.get("not_name", ())
    if ps < pe and _SPACE.search(text, ps, pe) is None:  # one word, the common case
        word = text[ps:pe]
        if word in split or word.rstrip(",.;:") in not_name or word == "-" or word == "–" or not word[0].isupper():
            return []
        return [(ps, pe)]
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for m in _WORDS.finditer(text, ps, pe):
        word = m.group(0)
        if word in split or word.rstrip(",.;:") in not_name or word == "-" or word == "–":
            if run:
                _trimmed(text, run, out)
            run = []
            continue
        run.append(m.span())
    if run:
        _trimmed(text, run, out)
    return out


def _trimmed(text: str, run: list[tuple[int, int]], out: list[tuple[int, int]]) -> None:
    """Adds to ``out`` the span of ``run`` from its first to its last capitalised word, if any."""
    first, last = 0, len(run) - 1
    while first <= last and not text[run[first][0]].isupper():
        first += 1
    while last >= first and not text[run[last][0]].isupper():
        last -= 1
    if first <= last:
        out.append((run[first][0], run[last][1]))


def unknown(text: str, ws: int, we: int, title: str | None, gaz: Gazetteer) -> Raw | None:
    surface = text[ws:we].rstrip(",;:!?")
    if surface.endswith(".") and not keeps_full_stop(surface[:-1]):
        surface = surface[:-1]
    if surface.endswith(("'s", "’s")):
        surface = surface[:-2]
    we = ws + len(surface)
    words = surface.split()
    if not words:
        return None
    if surface.isupper():  # "ATLANTA", "NEW YORK" in a line of capitals
        entry = gaz.folded.get(surface.casefold())
        if entry is not None and entry.kind == "entity":
            return Raw(ws, we, entry.type, entry.how, entry.entity, entry.country)
    if len(words) == 2 and words[0] in _SAINT and words[1] in gaz.first_names:  # "St. Jerome": a saint, titled
        start = we - len(words[1])
        return Raw(start, we, "PERSON", "rule:saint", None, None, "Saint")
    found = classify(words, gaz) if len(words) > 1 else None  # one word: classify says nothing
    if found is not None:
        kind, how = found
        if title is not None and kind == "PERSON":
            how = "rule:title"
        return Raw(ws, we, kind, how, None, None, title if kind == "PERSON" else None)
    if title is not None:
        return Raw(ws, we, "PERSON", "rule:title", None, None, title)
    if len(words) == 1:
        word = words[0]
        roles = gaz.roles  # the sets themselves, as gaz.role(word, role) reads them
        if (
            word in roles.get("org_suffix", ())
            and text[max(0, ws - 5) : ws] in (" the ", "this ")
            and not word.isupper()
        ):
            return Raw(ws, we, "ORG", "rule:the_org", None, None, None)  # "may it please the Court", "the Senate voted"
        if word.lower() in gaz.common_words or word in roles.get("not_name", ()):
            return None
        said_after, said_before = _said()
        if said_after.match(text, we) or said_before.search(text, max(0, ws - 20), ws):
            return Raw(ws, we, "PERSON", "rule:said", None, None, None)
        if word.isupper() and text[we : we + 1] == ":":  # a transcript's speaker: "TAPPER:"
            return Raw(ws, we, "UNKNOWN", "rule:speaker", None, None, None)
        if word.isupper() and 3 <= len(word.replace(".", "")) <= 5 and word.replace(".", "").isalpha():
            if word in _currencies() or _AFTER_NUMBER.search(text, max(0, ws - 12), ws):
                return None  # "70 DKK", "3 RBI": a currency or a unit, not an organisation
            return Raw(ws, we, "ORG", "rule:acronym", None, None, None)
        if word in gaz.surnames:
            return Raw(ws, we, "PERSON", "rule:surname", None, None, None)
        if _CAMEL.match(word):  # "NationsBank", "WikiLeaks"
            return Raw(ws, we, "ORG", "rule:camel_case", None, None, None)
        if (
            word.endswith("s") and text[max(0, ws - 4) : ws] in ("the ", "The ") and word[1:-1].islower()
        ):  # "the Springboks", "the Mariners"; not "the CFLs", "the G-forces"
            return Raw(ws, we, "ORG", "rule:the_plural", None, None, None)
        before = text[max(0, ws - 12) : ws].split()
        if (
            before
            and text[ws - 1 : ws] == " "
            and word.isalpha()
            and not word.isupper()
            and before[-1] in roles.get("place_cue", ())
        ):
            return Raw(ws, we, "GPE", "rule:place_cue", None, None, None)  # "in Neiafu", "near Zorgrad"
        return Raw(ws, we, "UNKNOWN", "rule:unknown", None, None, None)
    return None
