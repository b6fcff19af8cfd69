"""Acronyms an article defines: "University of Southern Indiana (USI)", "geographic information system (GIS)".

An acronym is read by its definition in the same article, never by a guess from its shape alone:

- defined with a **capitalised long form** ("Korean People's Army (KPA)"), the acronym is the same
  entity as the long form, and the long form is no person (a name defined with initials names a
  body, a place or a thing);
- defined with a **lower-case long form** ("information and communication technology (ICT)"), or
  with a capitalised one that no rule takes for a name and that holds no organisation word
  ("System Under Test (SUT)"; but "State Law and Order Restoration Council"), it is a term,
  not a name: no mention;
- a long form written once and its initials used later without parentheses ("the University of
  Southern Indiana ... USI") are linked too.

A slash ends a word ("OSCE/Office for ... (ODIHR)" starts at "Office"). Initials skip the ``connector``
words of ``name_parts.csv`` (of, the, and, for ...); a word may give more than one letter ("Geo-Information"
-> G, I) when its parts say so.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from workbench.ner.canonical import Raw
from workbench.ner.gazetteer import Gazetteer

_DEFINED = re.compile(r"\(\s*([A-Z][A-Za-z&.]*[A-Z])s?\s*[),;]")
_WORD = re.compile(r"[^\s()\[\],;:/]+")
_CAPS = re.compile(r"[A-Z]")


#: rules whose single capitalised word may be the initials of a long form written earlier
_LINKED = frozenset({"rule:acronym", "rule:unknown", "rule:surname"})


class Definition(NamedTuple):
    """An acronym's long form in the article: offsets, and whether it is written as a name."""

    start: int
    end: int
    capitalised: bool


def _letters(acronym: str) -> str:
    return acronym.replace(".", "").replace("&", "").upper()


def _initials(words: list[str], gaz: Gazetteer) -> list[str]:
    """Possible initials of each word: its first letter, and its capitals when it has several."""
    out = []
    for w in words:
        if gaz.role(w.lower(), "connector") or w in ("&", "-"):
            out.append("")
            continue
        parts = [p for p in re.split(r"[-/]", w) if p]
        first = "".join(p[0] for p in parts if p[0].isalpha()).upper()
        out.append(first)
    return out


def definitions(text: str, gaz: Gazetteer) -> dict[str, Definition]:
    """Acronym -> its long form, for every "long form (ACR)" in the text (the first definition wins).

    >>> from workbench.ner.gazetteer import gazetteer
    >>> text = "The University of Southern Indiana (USI) and information technology (IT) grew."
    >>> found = definitions(text, gazetteer())
    >>> {k: (v.capitalised,) for k, v in found.items()}
    {'USI': (True,), 'IT': (False,)}
    """
    out: dict[str, Definition] = {}
    for match in _DEFINED.finditer(text):
        acronym = match.group(1)
        letters = _letters(acronym)
        if not 2 <= len(letters) <= 8 or acronym in out:
            continue
        before = list(_WORD.finditer(text, max(0, match.start() - 12 * len(letters) - 40), match.start()))
        words = [m.group(0) for m in before]
        initials = _initials(words, gaz)
        # the shortest run of words ending right before "(" whose initials spell the acronym
        for k in range(len(words) - 1, max(-1, len(words) - 2 * len(letters) - 3), -1):
            if not initials[k]:
                continue
            spelled = "".join(initials[k:])
            if spelled == letters:
                content = [w for w, i in zip(words[k:], initials[k:], strict=True) if i]
                capitalised = all(w[:1].isupper() for w in content)
                out[acronym] = Definition(before[k].start(), before[-1].end(), capitalised)
                break
            if len(spelled) > len(letters):
                break
    return out


def apply(text: str, raws: list[Raw], gaz: Gazetteer) -> list[Raw]:
    """Raw mentions with the article's acronyms read by their definitions (the module docstring's rules)."""
    if not raws:
        return raws
    defined = definitions(text, gaz) if "(" in text else {}
    # long forms written as names, by their initials ("University of Southern Indiana" -> USI)
    long_forms: dict[str, Raw] = {}
    suspects = any(r.how in _LINKED and text[r.start : r.end].isupper() for r in raws)
    for raw in raws if suspects else ():
        words = text[raw.start : raw.end].split()
        if len(words) >= 2 and raw.type in ("ORG", "GPE", "LOC"):
            spelled = "".join(_initials(words, gaz))
            if len(spelled) >= 3:
                long_forms.setdefault(spelled, raw)
    if not defined and not long_forms:
        return raws
    by_span = {(r.start, r.end): r for r in raws}
    out = []
    for raw in raws:
        surface = text[raw.start : raw.end].rstrip(".,;:")
        found = defined.get(surface)
        if found is not None and raw.how.startswith("rule:") and (raw.end - raw.start) <= 10 and " " not in surface:
            if not found.capitalised:
                continue  # a term ("ICT"), not a name
            long = by_span.get((found.start, found.end)) or _covering(raws, found.start, found.end)
            if long is None and not any(
                gaz.role(w, "org_suffix") or gaz.role(w, "org_head") for w in text[found.start : found.end].split()
            ):
                continue  # a term written in capitals ("System Under Test (SUT)"): its long form is no name either
            raw = _as(text, raw, long, found.start, found.end)
        elif (
            found is not None
            and (raw.start, raw.end) == (found.start, found.end)
            and raw.type == "PERSON"
            and raw.how.startswith("rule:")
        ):
            raw = raw._replace(
                type="ORG", how=f"{raw.how}+acronym_defined"
            )  # "Korean People's Army (KPA)" is no person
        elif raw.how in _LINKED and " " not in surface and _letters(surface) in long_forms and surface.isupper():
            long = long_forms[_letters(surface)]
            raw = _as(text, raw, long, long.start, long.end)
        out.append(raw)
    return out


def _covering(raws: list[Raw], start: int, end: int) -> Raw | None:
    for r in raws:
        if r.start <= start and end <= r.end:
            return r
    return None


def _as(text: str, raw: Raw, long: Raw | None, start: int, end: int) -> Raw:
    """The acronym's mention named and typed like its long form."""
    if long is not None and long.entity is not None:
        return raw._replace(type=long.type, entity=long.entity, country=long.country, how=f"{raw.how}+acronym")
    kind = long.type if long is not None and long.type not in (None, "PERSON", "UNKNOWN") else "ORG"
    name = " ".join(text[start:end].split())
    if name.lower().startswith("the "):
        name = name[4:]
    return raw._replace(type=kind, entity=name, how=f"{raw.how}+acronym")
