"""Canonicalisation shared by every backend: one name per entity, whoever found the mention.

Rules, in the order they apply to a mention found by any backend:

1. **spans are trimmed**: a leading lower-case "the", a possessive ("Russia's", "Russia’s") and
   trailing punctuation are left out of the span;
2. **titles are stripped** ("US President Joe Biden" -> Joe Biden, title President), whether the
   title is inside the span or written right before it ("said spokesman John Kirby");
3. **aliases and abbreviations** map to one name ("U.S.", "America", "the United States" ->
   United States; "NYT" -> The New York Times), through the lists in ``workbench/data``;
4. **demonyms** link to their country ("North Korean", "Chinese" -> North Korea, China); the surface
   keeps the word as written;
5. **compounds are split** ("US-China", "Russia/Ukraine" -> United States, China);
6. **short names** resolve within an article to the full person name whose last word is exactly
   that name ("Biden" -> Joe Biden; "Reagan" is never "Donald Regan"); spelling variants
   ("Zelenskyy", "Zelensky") are joined only through the aliases of ``people.csv``; a lone surname
   from the people list needs the article's year within the person's active years; a first name, or a
   surname written first ("Hu Shih" ... "Hu"), is the one full name of the article that starts with it;
7. **the article settles names** before rule 6 (:mod:`workbench.ner.linking`): romanised place names,
   US places with their state, plurals of island groups, a person with and without middle names.

:func:`canonical` exposes rules 1-4 for a free string, for code that meets names outside the text
(attribution cues, user input).
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from workbench.ner.gazetteer import (
    LISTING_WORD_FREQUENCY,
    Entry,
    Gazetteer,
    census_surnames,
    english_words,
    gazetteer,
)
from workbench.ner.linking import dateline_cities, link


class Raw(NamedTuple):
    """A mention as a backend found it, before canonicalisation (``entity`` None when unknown)."""

    start: int
    end: int
    type: str | None
    how: str
    entity: str | None = None
    country: str | None = None
    title: str | None = None


class Mention(NamedTuple):
    """A canonical mention: what :func:`resolve` returns."""

    start: int
    end: int
    surface: str
    entity: str
    type: str
    country: str | None
    title: str | None
    how: str


_POSSESSIVE = re.compile(r"(?:['’]s?)$")
#: Trailing punctuation. The look-behind and the possessive ``++`` keep the search linear: only the
#: first character of a run can start a match ("Rus" + 32,000 hyphens + "sia" was quadratic).
_TRAILING = re.compile(r"(?<![\s,.;:!?\"'“”’‘()\[\]-])[\s,.;:!?\"'“”’‘()\[\]-]++$")
_LEADING = re.compile(r"^(?:the\s+|[\s\"'“”’‘(\[-]+)")
_WORDS = re.compile(r"\S+")
_POSSESSIVE_ENDS = frozenset({"'s", "’s"})
_COMPOUND = re.compile(r"\s*[-/–]\s*")
_TITLE_BEFORE = re.compile(r"([A-Za-z][\w.-]*(?:\s+[A-Za-z][\w.-]*){0,2})\s+$")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without a leading "the", quotes, a possessive or trailing punctuation.

    >>> text = "the Kremlin's view"
    >>> s, e = trim(text, 0, 13)
    >>> text[s:e]
    'Kremlin'
    """
    piece = text[start:end]
    if piece and piece[0].isalnum() and piece[0] != "t" and piece[-1].isalnum() and piece[-2:] not in _POSSESSIVE_ENDS:
        return start, end  # the common case ("Russia"): nothing to trim; none of the patterns matches
    return _trim_by_patterns(text, start, end)


def _trim_by_patterns(text: str, start: int, end: int) -> tuple[int, int]:
    """:func:`trim` by its patterns alone, without the short path for the common case."""
    piece = text[start:end]
    lead = _LEADING.match(piece)
    if lead:
        start += lead.end()
        piece = piece[lead.end() :]
    for pattern in (_TRAILING, _POSSESSIVE, _TRAILING):
        tail = pattern.search(piece)
        if tail and tail.start() > 0:
            # keep the full stop of an abbreviation such as "U.S." or "Jr."
            if pattern is _TRAILING and tail.group(0).startswith(".") and keeps_full_stop(piece[: tail.start()]):
                cut = tail.start() + 1
                end = start + cut
                piece = piece[:cut]
                continue
            end = start + tail.start()
            piece = piece[: tail.start()]
    return start, end


_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b[A-Z][a-z]{0,2})$")


def keeps_full_stop(piece: str) -> bool:
    """True when a full stop after ``piece`` belongs to it ("U.S.", "Acme Corp.", "J.")."""
    if _ABBREVIATION.search(piece):
        return True
    last = piece.rsplit(None, 1)[-1] + "."
    return gazetteer().role(last, "abbreviation")


def strip_title(surface: str, gaz: Gazetteer | None = None) -> tuple[str, str | None, int]:
    """Split a leading title (and a country or demonym before it) off a name.

    Returns:
        ``(name, title or None, characters removed from the start)``.

    >>> strip_title("US President Joe Biden")
    ('Joe Biden', 'President', 13)
    >>> strip_title("Chinese President Xi Jinping")
    ('Xi Jinping', 'President', 18)
    >>> strip_title("Joe Biden")
    ('Joe Biden', None, 0)
    """
    gaz = gaz or gazetteer()
    words = [(m.start(), m.end()) for m in _WORDS.finditer(surface)]
    if len(words) < 2:
        return surface, None, 0  # a title needs a name after it
    title = None
    cut = 0
    i = 0
    while i < len(words) - 1:
        best = None
        for j in range(min(len(words) - 1, i + 4), i, -1):  # longest title first, a name must remain
            phrase = surface[words[i][0] : words[j - 1][1]]
            entry = gaz.phrases.get(phrase)
            if entry and entry.kind == "title":
                best = (j, entry)
                break
            if entry and entry.kind in ("demonym", "entity") and entry.type == "GPE" and title is None:
                nxt = _title_at(surface, words, j, gaz)
                if nxt:
                    best = (j, None)
                    break
        if not best:
            break
        j, entry = best
        if entry is not None:
            title = entry.entity
        cut = words[j][0]
        i = j
    return surface[cut:], title, cut


def _title_at(surface: str, words: list[tuple[int, int]], i: int, gaz: Gazetteer) -> bool:
    for j in range(min(len(words) - 1, i + 4), i, -1):
        entry = gaz.phrases.get(surface[words[i][0] : words[j - 1][1]])
        if entry and entry.kind == "title":
            return True
    return False


def lookup(surface: str, gaz: Gazetteer | None = None) -> Entry | None:
    """The list entry for a phrase: exact spelling first, then ignoring case."""
    gaz = gaz or gazetteer()
    entry = gaz.phrases.get(surface)
    if entry is None and (surface.isupper() or surface.islower() or len(surface) > 4):
        entry = gaz.folded.get(surface.casefold())
    return entry


def classify(words: list[str], gaz: Gazetteer) -> tuple[str, str] | None:
    """Type and rule for an unknown name from its words alone, or None when nothing says."""
    if len(words) < 2:  # a lone "Ministry" or "Lake" is not a name
        return None
    first, last = words[0], words[-1]
    roles = gaz.roles  # the sets themselves: this runs for every unknown name (as gaz.role(word, role) would)
    org_suffix = roles.get("org_suffix", ())
    if last in org_suffix or first in roles.get("org_head", ()):
        return "ORG", "rule:org_word"
    connector = roles.get("connector", ())
    if any(w in org_suffix and n in connector for w, n in itertools.pairwise(words)):
        return "ORG", "rule:org_word"  # "Velmora Institute of Technology"
    if last in roles.get("loc_suffix", ()) or first in roles.get("loc_head", ()):
        return "LOC", "rule:loc_word"
    if last in roles.get("gpe_suffix", ()):
        return "GPE", "rule:gpe_word"
    if first in gaz.first_names:
        if _thing(last, gaz):
            return None  # "Katy Trail", "Summer Olympic Games", "James Webb Space Telescope": named after someone
        return "PERSON", "rule:first_name"
    if not any(w.lower() in gaz.common_words for w in words if w[:1].isupper()) and not any(
        _not_in_a_name(w, gaz) for w in words
    ):
        return "PERSON", "rule:name"
    return None


def _thing(word: str, gaz: Gazetteer) -> bool:
    """A last word that ends the name of a thing, not of a person: a common English noun that is no surname
    ("Trail", "Games", "Telescope"; "Green" in "Bill Green" is a surname of the census list)."""
    return (
        word[:1].isupper() and word[1:].islower() and word.lower() in gaz.common_words and word not in census_surnames()
    )


def _not_in_a_name(word: str, gaz: Gazetteer) -> bool:
    """A word that makes an unknown name unlikely to be a person's: a demonym ("Hebrew Gospel") or a
    fairly common English word that is no surname ("Duo Interpretation")."""
    entry = gaz.phrases.get(word)
    if entry is not None and entry.kind == "demonym":
        return True
    return word[:1].isupper() and word.lower() in english_words(LISTING_WORD_FREQUENCY) and word not in gaz.surnames


def canonical(surface: str) -> tuple[str, str] | None:
    """The canonical entity and type for a free string, or None when it names nothing known.

    Applies the trimming, title, alias and demonym rules, then the name rules (first names,
    organisation and place words). Use it to link names met outside the article text (e.g. the
    source of an attribution) to the entities of ``corpus.mentions``.

    Args:
        surface: a name as written, e.g. ``"the U.S."`` or ``"US President Joe Biden"``.

    Returns:
        ``(entity, type)`` with type PERSON, ORG, GPE or LOC; None when the string is not a name.

    >>> canonical("the U.S.")
    ('United States', 'GPE')
    >>> canonical("US President Joe Biden")
    ('Joe Biden', 'PERSON')
    >>> canonical("North Korean")
    ('North Korea', 'GPE')
    >>> canonical("NYT")
    ('The New York Times', 'ORG')
    >>> canonical("Russia's")
    ('Russia', 'GPE')
    >>> canonical("the weather") is None
    True
    """
    gaz = gazetteer()
    text = " ".join(str(surface).split())
    start, end = trim(text, 0, len(text))
    text = text[start:end]
    if not text:
        return None
    entry = lookup(text, gaz)
    if entry is None:
        name, _title, _cut = strip_title(text, gaz)
        text = name
        entry = lookup(text, gaz)
    if entry is not None:
        return (entry.entity, entry.type) if entry.kind != "title" else None
    words = text.split()
    if not words[0][:1].isupper():
        return None
    found = classify(words, gaz)
    return (text, found[0]) if found else None


def resolve(text: str, raws: list[Raw], gaz: Gazetteer | None = None, *, year: int | None = None) -> list[Mention]:
    """Canonical mentions of one article from a backend's raw mentions (all rules above).

    ``year`` is the publication year (None when unknown): a lone surname from the people list
    is linked to the listed person only within the entry's active years.
    """
    gaz = gaz or gazetteer()
    out: list[Mention] = []
    for raw in raws:
        start, end = trim(text, raw.start, raw.end)
        if end <= start:
            continue
        surface = text[start:end]
        if raw.entity is not None:
            out.append(Mention(start, end, surface, raw.entity, raw.type or "ORG", raw.country, raw.title, raw.how))
            continue
        out.extend(_resolve_unknown(text, start, end, raw, gaz))
    return _short_names(link(text, out, gaz), gaz, year)


_POST_NOMINAL = re.compile(r"(?:,?\s+(?!(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3})\b)[A-Z][A-Za-z]?[A-Z]{1,3}\b)+$")


def _without_post_nominals(text: str, start: int, end: int) -> int:
    """The end of a person's name without the letters after it ("Ann Vale FRS", "Bo Lin DBE RA"; "Louis XIV" stays).

    >>> text = "Ann Vale FRS"
    >>> text[: _without_post_nominals(text, 0, len(text))]
    'Ann Vale'
    """
    if end <= start or not ("A" <= text[end - 1] <= "Z"):
        return end  # letters after a name end in a capital ("FRS"): the common case is decided here
    tail = _POST_NOMINAL.search(text, start, end)
    if tail is None or " " not in text[start : tail.start()].strip():
        return end  # a name must keep two words: "Ann FRS" is left alone
    return tail.start()


def _resolve_unknown(text: str, start: int, end: int, raw: Raw, gaz: Gazetteer) -> list[Mention]:
    surface = text[start:end]
    entry = lookup(surface, gaz)
    title = raw.title
    if entry is None:
        _name, stripped, cut = strip_title(surface, gaz)
        if cut:
            title = stripped or title
            prefix = surface[:cut].split()
            out = []
            if prefix:  # "US President Joe Biden": the country before the title is a mention too
                pre = lookup(prefix[0], gaz)
                if pre is not None and pre.kind in ("entity", "demonym") and pre.type == "GPE":
                    n = len(prefix[0])
                    out.append(
                        Mention(
                            start, start + n, prefix[0], pre.entity, "GPE", pre.country, None, f"{raw.how}+{pre.how}"
                        )
                    )
            return out + _resolve_unknown(text, start + cut, end, raw._replace(title=title), gaz)
    if (
        title is None
        and raw.type == "PERSON"
        and start > 0
        and text[start - 1].isspace()
        and _may_end_a_title(text[max(0, start - 40) : start], gaz)
    ):
        before = _TITLE_BEFORE.search(text, _last_words(text, max(0, start - 40), start), start)
        if before:
            found = gaz.phrases.get(before.group(1))
            if found and found.kind == "title":
                title = found.entity
    if entry is not None and entry.kind != "title":
        return [Mention(start, end, surface, entry.entity, entry.type, entry.country, title, f"{raw.how}+{entry.how}")]
    parts = _COMPOUND.split(surface) if "-" in surface or "/" in surface or "–" in surface else ()
    if len(parts) > 1:
        entries = [lookup(p, gaz) for p in parts]
        if all(e is not None and e.kind in ("entity", "demonym") for e in entries):
            out, pos = [], start
            for part, e in zip(parts, entries, strict=True):
                s = text.index(part, pos)
                out.append(Mention(s, s + len(part), part, e.entity, e.type, e.country, None, f"{raw.how}+compound"))
                pos = s + len(part)
            return out
    if not raw.type or raw.type == "TITLE":
        return []
    name = " ".join(surface.split())
    if raw.type in ("GPE", "LOC") and name in gaz.us_cities:  # a place found by a rule ("Fort Lee") that is a US city
        return [Mention(start, end, surface, gaz.us_cities[name], "GPE", "US", None, f"{raw.how}+cities")]
    if raw.type == "PERSON":  # "Ann Vale FRS" is Ann Vale
        name = name[: _without_post_nominals(name, 0, len(name))]
    return [Mention(start, end, surface, name, raw.type, raw.country, title, raw.how)]


def _short_names(mentions: list[Mention], gaz: Gazetteer, year: int | None = None) -> list[Mention]:
    """Single-word names -> the full person name of the same article whose last word is exactly that name.

    "Reagan" is never "Donald Regan": spelling variants are joined only through the aliases of
    ``people.csv``. A lone surname the people list knows ("Stoltenberg") goes to another full name of
    the article with that surname first, and to the list's person only when the publication year is
    within the entry's active years; otherwise it stays a person named as written.
    """
    full: dict[str, str] = {}
    persons = [
        m.entity for m in mentions if m.type == "PERSON" and " " in m.entity and " " in m.surface.strip()
    ]  # written in full
    country = {m.entity: m.country for m in mentions if m.type == "PERSON" and m.country is not None}
    given: dict[str, set[str]] = {}
    for name in persons:  # earlier names win
        words = name.split()
        if len(words) >= 3 and gaz.role(words[1], "connector") and words[1].islower():
            full.setdefault(words[0], name)  # "Catherine of Aragon", "Alfred the Great" ... "Catherine"
            continue
        full.setdefault(words[-1], name)
        if words[0] in gaz.first_names or (len(words) == 2 and words[0] in gaz.surnames):  # "Hu Shih" ... "Hu"
            given.setdefault(words[0], set()).add(name)
    for word, names in given.items():  # a first name alone is the one full name of the article that has it
        if word not in full and len(names) == 1:
            full[word] = next(iter(names))
    # an unknown word typed elsewhere in the article by its context ("in Neiafu" ... "Neiafu is") keeps that type
    typed = {m.entity: m for m in mentions if m.how == "rule:place_cue" and " " not in m.entity}
    out = []
    for m in mentions:
        if m.type == "UNKNOWN" and m.entity in typed and m.entity not in full:
            m = m._replace(type=typed[m.entity].type, how=f"{m.how}+{typed[m.entity].how}")
        if m.type == "PERSON" and m.how == "people" and " " not in m.surface:
            name = full.get(m.surface)
            if name is not None:  # "Melania Trump ... Trump"
                if name != m.entity:
                    m = m._replace(entity=name, country=country.get(name), how=f"{m.how}+short_name")
            elif name is None and not _active(gaz, m.entity, year):  # a 1987 "Stoltenberg" is not Jens
                m = m._replace(entity=m.surface, country=None, how="rule:surname")
        elif m.how == "rule:surname" and m.entity in dateline_cities() and not _named_person(full.get(m.entity), gaz):
            # "Cleveland" is the dateline city, unless the article names a person "Grover Cleveland"
            m = m._replace(type="GPE", country="US", how=f"{m.how}+dateline_city")
        elif " " not in m.entity and (
            m.type in ("PERSON", "UNKNOWN")
            or (
                m.type in ("ORG", "GPE")
                and ((m.how.startswith("rule:") and m.how != "rule:usage") or m.how == "cities")
            )
        ):
            name = full.get(m.entity)
            if name is not None:
                m = m._replace(entity=name, type="PERSON", country=country.get(name), how=f"{m.how}+short_name")
        if m.type != "UNKNOWN":
            out.append(m)
    return out


def _named_person(name: str | None, gaz: Gazetteer) -> bool:
    """Whether a full name of the article is surely a person's: it starts with a known given name."""
    return name is not None and name.split()[0] in gaz.first_names


def _active(gaz: Gazetteer, entity: str, year: int | None) -> bool:
    """Whether a listed person was in the news in ``year`` (a year of margin; True when unknown)."""
    first, last = gaz.people_years.get(entity, (None, None))
    if year is None:
        return True
    return (first is None or year >= first - 1) and (last is None or year <= last + 1)


def _may_end_a_title(window: str, gaz: Gazetteer) -> bool:
    """Whether the last word of ``window`` ends with the last word of a listed title ("President", "Sen.").

    A quick test before :data:`_TITLE_BEFORE`: the title that pattern finds ends the window, so its last word
    is a suffix of the window's last word. Most names have none ("said Quorvald"), and the pattern is skipped.
    """
    words = window.rsplit(None, 1)
    last = words[-1] if words else ""
    ends = gaz.title_ends
    return any(last[i:] in ends for i in range(len(last)))


def _last_words(text: str, lo: int, hi: int, n: int = 3) -> int:
    """Start of the n-th last run of non-space characters in text[lo:hi] (lo when fewer)."""
    starts = [m.start() for m in _WORDS.finditer(text, lo, hi)]
    return starts[-n] if len(starts) >= n else lo
