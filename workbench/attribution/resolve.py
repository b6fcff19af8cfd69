"""Naming the sources found in the text: canonical names, kinds and later references.

- A written name takes the entity of the mention it overlaps (``corpus.mentions``): PERSON ->
  person, GPE/LOC -> government, ORG -> outlet when listed in ``outlets.csv``, else government or
  organisation by the words of its name (``source_kinds.csv``). Without mentions the same decision is
  made from the name alone (outlets, country names, name words, otherwise a person).
- A described source keeps its description ("White House official") and the kind of its head noun
  (``source_nouns.csv``). A definite later reference ("the official") takes the source of the latest
  earlier one with the same head noun, or of a named source described that way ("Smith, a spokesman").
- A generic definite source ("the company", "the ministry", "the court said") takes the latest
  organisation of that kind named earlier in the article, or else named in its title (the ``names``
  of the noun in ``source_nouns.csv``: "Corp", "Ministry"); with none it stays a generic source of
  its kind ("company").
- Pronouns resolve only when one person (he/she) or one group (they/it) is in reach; "I"/"we"
  inside a quotation take its speaker. Otherwise ``source`` stays NA.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from workbench.attribution.patterns import Lexicon
from workbench.attribution.speakers import Found
from workbench.lexicon import is_known_outlet, outlet_name, read_rows
from workbench.ner import TYPES
from workbench.ner.canonical import strip_title
from workbench.ner.gazetteer import common_words, first_names, is_country

#: A mention as the resolver needs it: (start, end, entity, type, title).
Mention = tuple[int, int, str, str, str | None]

_TYPE_KINDS = {"PERSON": "person", "GPE": "government", "LOC": "government"}
_PRONOUN_WINDOW = 2  # sentences back in which a pronoun may find its person
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’)]*\s+|\n\s*|[“‘]\s*)$")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """Abbreviations with their full stop ("Sen.", "Lt."): stripped before a name like titles."""
    return frozenset(r["abbreviation"] + "." for r in read_rows("abbreviations"))


def clean_name(surface: str) -> str:
    """A written name without its article, titles and possessive ending.

    >>> clean_name("the State Department's")
    'State Department'
    >>> clean_name("Sen. Ted Cruz")
    'Ted Cruz'
    """
    name = " ".join(surface.split())
    for det in ("the ", "The "):
        if name.startswith(det):
            name = name[len(det) :]
    if name.endswith(("'s", "’s")):
        name = name[:-2]
    elif name.endswith(("s'", "s’")):
        name = name[:-1]
    words = name.split()
    while len(words) > 1 and (words[0].islower() or words[0] == "Former"):
        words = words[1:]  # "an angry Hollande", "state Sen. Jane Roe", "Former President Bill Clinton"
    abbreviations = _abbreviations()
    while True:  # titles (titles.csv, with a country before them: "US President") and abbreviations
        rest = strip_title(" ".join(words))[0].split()
        while len(rest) > 1 and rest[0] in abbreviations:
            rest = rest[1:]
        if rest == words:
            return " ".join(words)
        words = rest


def name_kind(name: str, lex: Lexicon) -> str:
    """The kind of a source known only by its name (no entity mention).

    >>> from workbench.attribution.patterns import lexicon
    >>> [name_kind(n, lexicon()) for n in ["Voice of America", "United States", "Foreign Ministry", "Jane Roe"]]
    ['outlet', 'government', 'government', 'person']
    """
    if is_known_outlet(name):
        return "outlet"
    if is_country(name):
        return "government"
    words = f" {name} "
    for word, kind in lex.name_kinds:
        if f" {word} " in words:
            return kind
    if name.isupper() and len(name) <= 6:
        return "organisation"  # an acronym: NATO, FBI
    return "person"


def described_kind(phrase_head: str, lex: Lexicon) -> str:
    kind = lex.nouns.get(phrase_head.lower(), (phrase_head, "anonymous", False))[1]
    return "anonymous" if kind == "title" else kind


def _strip_determiner(text: str, lex: Lexicon) -> str:
    """A described source without its article or demonstrative ("the official" -> "official")."""
    text = " ".join(text.split())
    first, _, rest = text.partition(" ")
    return rest if rest and first.lower() in lex.definite | lex.indefinite else text


_ORG_NAMES: dict[int, re.Pattern[str]] = {}


def _org_name_regex(lex: Lexicon) -> re.Pattern[str]:
    """Capitalised words ending in an organisation word of ``source_nouns.csv`` ("Acme Corp", "Gotham Bank")."""
    if id(lex) not in _ORG_NAMES:
        words = sorted({w for names, _ in lex.generic.values() for w in names}, key=len, reverse=True)
        ends = "|".join(re.escape(w[:1].upper() + w[1:]) for w in words)
        _ORG_NAMES[id(lex)] = re.compile(rf"\b(?:[A-Z][\w&'’-]*\s+){{1,4}}(?:{ends})\b\.?")
    return _ORG_NAMES[id(lex)]


class SourceResolver:
    """Gives every :class:`Found` of one article its ``source``, ``source_entity`` and ``source_kind``."""

    def __init__(self, text: str, mentions: Sequence[Mention], lex: Lexicon, sentence_of, *, title: str | None = None):
        self.text = text
        self.title = title or ""
        self.mentions = sorted(mentions)
        self.mention_starts = [m[0] for m in self.mentions]
        self.lex = lex
        self.sentence_of = sentence_of
        self.gender: dict[str, str] = {}
        self.people: list[tuple[int, int, str]] = []  # (position, sentence, entity) of named persons seen
        for start, _end, entity, kind, title in self.mentions:
            if kind == "PERSON":
                if entity not in self.gender:  # the first gender noted for an entity stays
                    self._note_gender(entity, title, text[max(0, start - 5) : start])
                self.people.append((start, sentence_of(start), entity))

    def _note_gender(self, entity: str, title: str | None, before: str) -> None:
        words = {w.lower().rstrip(".") for w in [*(title or "").split(), *before.split()[-1:]]}
        genders = {self.lex.genders.get(w) for w in words} & {"male", "female"}
        if "male" in genders:
            self.gender.setdefault(entity, "male")
        elif genders:
            self.gender.setdefault(entity, "female")

    # -- entities --------------------------------------------------------------------------
    def mention_at(self, start: int, end: int) -> Mention | None:
        """The mention overlapping ``start:end`` that ends last (the head of an English noun phrase)."""
        i = bisect_left(self.mention_starts, end)
        best = None
        for j in range(i - 1, -1, -1):
            m = self.mentions[j]
            if m[1] <= start:
                if m[0] < start - 200:
                    break
                continue
            if best is None or m[1] > best[1]:
                best = m
        return best

    def common_noun(self, start: int, end: int) -> bool:
        """A capitalised common word opening a sentence and never capitalised inside one ("Showers continued").

        Such a word is no name: its lower-case form is a frequent English word (the pyspellchecker
        list, ``ner.gazetteer.common_words``) and the article never writes it capitalised mid-sentence.
        """
        word = self.text[start:end]
        if not word.isalpha() or not word[:1].isupper() or word.lower() not in common_words() or word in first_names():
            return False
        if not _SENTENCE_START.search(self.text, max(0, start - 6), start) and start > 0:
            return False
        inside = re.compile(rf"(?<=[\w,;] ){re.escape(word)}\b")
        return inside.search(self.text) is None

    def name(self, found: Found, start: int, end: int, earlier: list[Found]) -> None:
        surface = self.text[start:end]
        right_before_cue = found.cue_start is not None and 0 <= found.cue_start - end <= 12  # "Showers continued"
        if " " not in surface.strip() and right_before_cue and self.common_noun(start, end):
            low = surface.strip().lower()  # a described source, not a person: "Allies say", "Showers continued"
            kind = described_kind(self.lex.nouns[low][0], self.lex) if low in self.lex.nouns else "anonymous"
            found.source, found.source_entity, found.source_kind = low, None, kind
            return
        mention = self.mention_at(start, end)
        if mention is not None and mention[3] in TYPES and (mention[1] - mention[0]) * 2 >= len(clean_name(surface)):
            entity, kind = mention[2], mention[3]
            if kind == "ORG":
                source_kind = (
                    "outlet"
                    if is_known_outlet(entity)
                    else ("government" if name_kind(entity, self.lex) == "government" else "organisation")
                )
            else:
                source_kind = _TYPE_KINDS[kind]
            found.source, found.source_entity, found.source_kind = (
                (outlet_name(entity) if source_kind == "outlet" else entity),
                entity,
                source_kind,
            )
            if source_kind == "outlet":
                found.source_entity = found.source
            return
        name = clean_name(surface)
        kind = name_kind(name, self.lex)
        if kind == "outlet":
            name = outlet_name(name) or name
        elif kind == "person" and " " not in name:
            # a surname alone: the full name of an earlier person source ending with it
            for other in reversed(earlier):
                if other.source_kind == "person" and other.source and other.source.endswith(" " + name):
                    name = other.source
                    break
        honorific = surface.split()[0].rstrip(".").lower()
        if kind == "person" and honorific in self.lex.genders and honorific not in self.lex.subjects:
            self.gender.setdefault(name, self.lex.genders[honorific])  # "Mr. Doe", "Queen Roe"
        found.source, found.source_entity, found.source_kind = name, name, kind

    # -- the pass over one article ---------------------------------------------------------
    def resolve(self, found: list[Found]) -> None:
        done: list[Found] = []
        for f in found:
            if f.parent is not None:
                p = f.parent
                f.source, f.source_entity, f.source_kind = p.source, p.source_entity, p.source_kind
            elif f.phrase is None:
                pass
            else:
                form = f.phrase.form
                if form == "name":
                    self.name(f, f.start, f.end, done)
                    if f.source_kind == "person":
                        self.people.append((f.start, f.sentence, f.source))
                elif form == "described":
                    self.described(f, done)
                elif form == "relative":
                    if f.antecedent is not None:
                        ante = Found(f.sentence, *f.antecedent, None, None, None, None, None, False)
                        inner = self.text[f.antecedent[0] : f.antecedent[1]]
                        if f.phrase.antecedent is not None and f.phrase.antecedent.form == "described":
                            ante.phrase = f.phrase.antecedent
                            ante.surface = inner
                            self.described(ante, done)
                        else:
                            self.name(ante, *f.antecedent, done)
                        f.source, f.source_entity, f.source_kind = ante.source, ante.source_entity, ante.source_kind
                elif form == "pronoun":
                    self.pronoun(f, done)
            done.append(f)
        for f in found:  # "I"/"we" inside a quotation: its speaker, known once every row is read
            speaking = f.phrase is not None and f.phrase.form == "pronoun" and f.source is None
            if speaking and self.lex.pronouns.get(self.text[f.start : f.end].lower()) in ("speaker", "speakers"):
                self.speaker(f, found)

    def described(self, f: Found, earlier: list[Found]) -> None:
        phrase = f.phrase
        head = phrase.head or ""
        if phrase.det in self.lex.definite:
            for other in reversed(earlier):
                p = other.phrase
                if p is None or other.source is None:
                    continue
                if (
                    p.form == "described"
                    and p.head == head
                    and p.plural == phrase.plural
                    and p.det not in self.lex.definite
                ) or (p.role == head and not phrase.plural):
                    f.source, f.source_entity, f.source_kind = other.source, other.source_entity, other.source_kind
                    return
            if self.lex.nouns.get(head.lower(), ("", ""))[1] == "title" and not phrase.plural:
                for start, _end, entity, kind, title in reversed(self.mentions):
                    if kind == "PERSON" and start < (f.start or 0) and title and title.lower() == head.lower():
                        f.source, f.source_entity, f.source_kind = entity, entity, "person"
                        return
            if not phrase.plural and phrase.det == "the" and head.lower() in self.lex.generic:
                named = self.organisation(head.lower(), f.start or 0)
                if named is not None:
                    f.source, f.source_entity, f.source_kind = named
                    return
        f.source = _strip_determiner(f.surface or "", self.lex)
        f.source_kind = described_kind(head, self.lex) if head else "anonymous"
        f.source_entity = None
        if f.source_kind in ("organisation", "government"):
            mention = self.mention_at(f.start, f.end)
            if mention is not None and mention[3] in ("ORG", "GPE"):
                f.source_entity = mention[2]

    def organisation(self, noun: str, before: int) -> tuple[str, str, str] | None:
        """``(source, source_entity, source_kind)`` of the organisation "the <noun>" refers to, if any.

        The latest ORG mention before ``before`` whose name has one of the noun's name words (then,
        for nouns accepting any organisation, the latest that is not an outlet or a government body);
        else the same among the article's organisations written in its title.
        """
        words, anything = self.lex.generic[noun]
        orgs = [m for m in self.mentions if m[3] == "ORG" and not is_known_outlet(m[2])]

        def of_kind(m: Mention) -> bool:
            return any(w.endswith(word) for w in m[2].lower().replace(".", "").split() for word in words)

        def general(m: Mention) -> bool:
            return anything and name_kind(m[2], self.lex) != "government"

        earlier = [m for m in reversed(orgs) if m[1] <= before]
        for pool in (earlier, self._title_organisations()):
            for test in (of_kind, general):
                for m in pool:
                    if test(m):
                        kind = "government" if name_kind(m[2], self.lex) == "government" else "organisation"
                        return m[2], m[2], kind
        return None

    def _title_organisations(self) -> list[Mention]:
        """The organisations written in the title: the article's ORG mentions found there, then names
        ending in an organisation word of ``source_nouns.csv`` ("Acme Corp profits fall")."""
        if not hasattr(self, "_titled"):
            self._titled: list[Mention] = []
            if self.title.strip():
                seen = set()
                for _start, _end, entity, kind, _title in self.mentions:
                    written = self.text[_start:_end]
                    if kind == "ORG" and written in self.title and entity not in seen and not is_known_outlet(entity):
                        seen.add(entity)
                        self._titled.append((0, 0, entity, kind, None))
                for match in _org_name_regex(self.lex).finditer(self.title):
                    if match.group(0) not in seen:
                        seen.add(match.group(0))
                        self._titled.append((0, 0, match.group(0), "ORG", None))
        return self._titled

    def speaker(self, f: Found, found: list[Found]) -> None:
        """ "I" or "we" inside a direct quotation: the quotation's speaker."""
        for other in found:
            if (
                other is not f
                and other.direct
                and other.source
                and other.content_start is not None
                and other.content_start <= f.start < other.content_end
            ):
                f.source, f.source_entity, f.source_kind = other.source, other.source_entity, other.source_kind
                return

    def pronoun(self, f: Found, earlier: list[Found]) -> None:
        word = self.text[f.start : f.end].lower()
        detail = self.lex.pronouns.get(word, "")
        f.source_kind = "person" if detail in ("male", "female", "speaker") else None
        if detail in ("speaker", "speakers"):
            return
        if detail in ("plural", "thing"):
            for other in reversed(earlier):
                if other.sentence < f.sentence - 1:
                    break
                if (
                    other.source
                    and other.source_kind in ("organisation", "government", "outlet", "document", "anonymous")
                    and (
                        (detail == "plural")
                        == bool(
                            other.phrase is not None
                            and (other.phrase.plural or other.source_kind in ("organisation", "government"))
                        )
                        or detail == "thing"
                    )
                ):
                    if detail == "thing" and other.phrase is not None and other.phrase.plural:
                        continue
                    f.source, f.source_entity, f.source_kind = other.source, other.source_entity, other.source_kind
                    return
            return
        # he / she: the one person in reach, of a compatible gender when it is known
        first_sentence = f.sentence - _PRONOUN_WINDOW
        candidates = []
        for position, sentence, entity in self.people:
            if position < f.start and sentence >= first_sentence and entity not in candidates:
                candidates.append(entity)
        compatible = [c for c in candidates if self.gender.get(c, detail) == detail]
        if len(compatible) > 1:
            known = [c for c in compatible if self.gender.get(c) == detail]
            compatible = known if len(known) == 1 else compatible
        if not candidates:
            before = [p for p in self.people if p[0] < f.start]
            names = {p[2] for p in before if self.gender.get(p[2], detail) == detail}
            compatible = list(names) if len(names) == 1 else []
        if len(compatible) == 1:
            f.source = f.source_entity = compatible[0]
            f.source_kind = "person"
