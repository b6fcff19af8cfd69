"""Merges of the pieces of one capitalised sequence into a single new name.

The ``rules`` backend (:mod:`workbench.ner.rules`) splits a capitalised sequence into list matches
and unknown pieces; these rules join neighbours that are one name ("George Washington", "China
Daily", "Lake Erie", "Dynamo Moscow") and drop a sentence's first word when it is a common word.
A piece is ``(start, end, entry)`` with ``entry`` None for a part no list knows.
"""

from __future__ import annotations

import re

from workbench.ner.gazetteer import Entry, Gazetteer

_WORDS = re.compile(r"[^\s]+")
_NON_SPACE = re.compile(r"\S")


def merge_heads(text, pieces, gaz: Gazetteer):
    """A new name: a head word before a listed place ("Lake Erie", "University of Iowa")."""
    if len(pieces) < 2:
        return pieces
    out = list(pieces)
    k = 0
    while k < len(out) - 1:
        (a_s, a_e, a), (_b_s, b_e, b) = out[k], out[k + 1]
        if a is None and b is not None and b.kind == "entity" and b.type in ("GPE", "LOC"):
            words = text[a_s:a_e].split()
            head = bool(words) and (gaz.role(words[0], "org_head") or gaz.role(words[0], "loc_head"))
            # "Lake Erie", "Air France", "University of Iowa", "University of Southern Indiana",
            # "Linguistic Society of America"
            if (head and (words[-1] == "of" or len(words) == 1)) or (
                "of" in words[1:]
                and any(gaz.role(w, "org_suffix") or gaz.role(w, "org_head") for w in words[: words.index("of")])
            ):
                out[k : k + 2] = [(a_s, b_e, None)]
                continue
        k += 1
    return out


def merge_name_city(text, pieces, gaz: Gazetteer):
    """A club or firm: an unknown word right before a city ("Dynamo Moscow", "PSV Eindhoven")."""
    if len(pieces) != 2:
        return pieces
    (a_s, a_e, a), (b_s, b_e, b) = pieces
    words = text[a_s:a_e].split()
    if a is None and b is not None and b.how == "cities" and len(words) == 1 and " " not in text[b_s:b_e]:
        word = words[0]
        if (
            word not in gaz.first_names
            and word.lower() not in gaz.common_words
            and not gaz.role(word, "loc_head")
            and not gaz.role(word, "org_head")
        ):
            surface = " ".join(text[a_s:b_e].split())
            return [(a_s, b_e, Entry(surface, "ORG", b.country, "entity", "rule:name_city"))]
    return pieces


def merge_organisations(text, pieces, gaz: Gazetteer):
    """One organisation: a place or body and an organisation word ("China Daily", "Russian Foreign Ministry")."""
    if len(pieces) < 2:
        return pieces
    out = list(pieces)
    k = 0
    while k < len(out) - 1:
        (a_s, a_e, a), (b_s, b_e, b) = out[k], out[k + 1]
        if a is not None and b is None and a.kind in ("entity", "demonym") and a.type != "PERSON":
            words = text[b_s:b_e].split()
            org = words and (
                gaz.role(words[-1].rstrip(",.;:"), "org_suffix")
                or (len(words) > 2 and words[1] == "of" and gaz.role(words[0], "org_suffix"))
            )
            if org and not any(gaz.role(w, "said") for w in words):  # "China Daily", "United States Court of Appeals"
                out[k : k + 2] = [(a_s, b_e, None)]
                continue
        if (
            a is not None
            and b is None
            and a.kind == "entity"
            and a.type in ("GPE", "LOC")
            and a.how in ("cities", "subdivisions", "places")
        ):
            words = text[b_s:b_e].split()
            if len(words) == 1 and (
                gaz.role(words[0].rstrip(",.;:"), "gpe_suffix") or gaz.role(words[0].rstrip(",.;:"), "loc_suffix")
            ):
                out[k : k + 2] = [(a_s, b_e, None)]  # "Bergen County", "Hudson River": typed by the place word
                continue
            if (
                1 <= len(words) <= 2
                and words[-1].endswith("s")
                and words[-1][:1].isupper()
                and words[-1][-2:] not in ("'s", "’s")
            ):
                surface = " ".join(text[a_s:b_e].split())
                out[k : k + 2] = [
                    (a_s, b_e, Entry(surface, "ORG", a.country, "entity", "rule:team_name"))
                ]  # "Pittsburgh Pirates"
                continue
        if (
            a is not None
            and b is not None
            and a.type in ("GPE", "LOC")
            and b.type == "ORG"
            and b.how == "organisations"
            and a.country != b.country
        ):
            words = text[b_s:b_e].split()
            if len(words) > 1 and text[a_e:b_s].strip() == "":  # "Kurdistan Democratic Party", "North Korean Red Cross"
                out[k : k + 2] = [(a_s, b_e, None)]
                continue
        k += 1
    return out


def drop_opener(text, pieces, gaz: Gazetteer):
    """Drop a sentence's first word when it is a common word ("Additionally", "Last")."""
    ps, pe, entry = pieces[0]
    if entry is not None:
        if entry.type in ("ORG", "PERSON") and " " not in text[ps:pe] and text[ps:pe].lower() in gaz.common_words:
            return pieces[1:]
        return pieces
    word = _WORDS.match(text, ps)
    if not word:
        return pieces
    written = text[ps:pe]
    if written.isupper() and " ".join(written.split()).casefold() in gaz.folded:
        return pieces  # a dateline in capitals: "NEW YORK" stays whole
    first = word.group(0).rstrip(",.;:")
    if not (first.lower() in gaz.common_words or gaz.role(first, "not_name")):
        return pieces
    head = word.end() < pe and (
        gaz.role(first, "loc_head") or gaz.role(first, "org_head")
    )  # "Fort Lee is ...", "Lake Erie froze"
    if not head:
        nxt = _NON_SPACE.search(text, word.end())
        if nxt and nxt.start() < pe:
            return [(nxt.start(), pe, None), *pieces[1:]]
        return pieces[1:]
    return pieces


def merge_first_names(text, pieces, gaz: Gazetteer):
    """One person: a first name next to a place name ("George Washington", "Jordan Henderson")."""
    if len(pieces) < 2:
        return pieces
    out = list(pieces)
    k = 0
    while k < len(out) - 1:
        (a_s, a_e, a), (b_s, b_e, b) = out[k], out[k + 1]
        a_words = text[a_s:a_e].split()
        if (
            a is None
            and _place_word(b, text[b_s:b_e])
            and a_words
            and a_words[0] in gaz.first_names
            and a_words[-1] not in ("of", "and")
        ):
            out[k : k + 2] = [(a_s, b_e, None)]
            continue
        if (
            a is None
            and b is not None
            and b.type == "PERSON"
            and b.how == "people"
            and " " not in text[b_s:b_e]
            and _given(a_words, gaz)
        ):
            out[k : k + 2] = [(a_s, b_e, None)]  # a written first name is kept: "Melania Trump", "Gerhard Stoltenberg"
            continue
        if (
            b is None
            and _place_word(a, text[a_s:a_e])
            and text[a_s:a_e] in gaz.first_names
            and text[b_s:b_e].strip()[:1].isupper()
        ):
            out[k : k + 2] = [(a_s, b_e, None)]
            continue
        k += 1
    return out


def _given(words: list[str], gaz: Gazetteer) -> bool:
    """Words before a listed surname that can be a first name: a known one, or a capitalised non-word."""
    if not words:
        return False
    last = words[-1]
    if words[0] in gaz.first_names:
        return True
    return (
        last[:1].isupper()
        and last.isalpha()
        and last.lower() not in gaz.common_words
        and not gaz.role(last, "not_name")
    )


def _place_word(entry: Entry | None, surface: str) -> bool:
    return entry is not None and entry.kind == "entity" and entry.type == "GPE" and " " not in surface
