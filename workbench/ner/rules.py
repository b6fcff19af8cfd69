"""The ``rules`` backend: spaCy's tokenizer and PhraseMatcher over name lists, plus name rules.

No model is needed. Per article:

1. the capitalised sequences of the text (found by a regular expression: every listed phrase starts
   with a capital) are tokenised by ``spacy.blank("en")`` (with one more infix so that "U.S.-China"
   splits) and a PhraseMatcher finds every phrase of the gazetteer (:mod:`workbench.ner.gazetteer`):
   people, organisations, outlets, places, countries, subdivisions, cities, demonyms and titles;
   sentences written all in capitals (headlines) are looked up word by word, ignoring case;
2. list matches inside a capitalised sequence ("Xi Jinping", "Bank of England") split it
   ("US President Joe Biden" -> US | President | Joe Biden);
3. the parts no list knows are typed by the name rules (:func:`workbench.ner.canonical.classify`):
   organisation and place words, first names, a title before the name, "X said", acronyms;
   a sentence's first word is dropped when it is a common English word ("Additionally").

Matchers are built once per process (``lru_cache``) from immutable data.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from workbench.ner.canonical import Raw, classify, keeps_full_stop
from workbench.ner.gazetteer import Entry, Gazetteer, gazetteer

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_WORD = rf"(?:al-|el-|al[ \t]+|de[ \t]+)?[{_UPPER}][\w'’.&-]*"
_CONNECT = r"(?:of|the|for|and|de|del|della|di|da|dos|du|des|la|le|van|von|der|den|al|el|bin|ibn)"
#: a capitalised name sequence: capitalised words, possibly joined by a few lower-case connectors
CANDIDATE = re.compile(rf"(?<![\w'’.-]){_WORD}(?:[ \t]+(?:{_CONNECT}[ \t]+){{0,2}}{_WORD})*")
_WORDS = re.compile(r"[^\s]+")
_SAID_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:said|says|told|added|wrote|tweeted|stated|explained|argued|noted|insisted|warned|claimed|asked|replied)\b")
_SAID_BEFORE = re.compile(r"\b(?:said|says|told|added|according to)[ \t]+$")
_OPENERS = "\"'“‘([-–—*• \t"
_SPLIT_WORDS = frozenset({"and", "&"})
_CAMEL = re.compile(r"^(?!Mc|Mac|Di|De|Le|La|Van|Von|O')[A-Z][a-z]+[A-Z][a-z]+")


@lru_cache(maxsize=1)
def _pipeline():
    """Tokenizer and a PhraseMatcher over every listed phrase as written."""
    import spacy
    from spacy.matcher import PhraseMatcher
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    infixes = [*nlp.Defaults.infixes, r"(?<=[A-Za-z]\.)-(?=[A-Z])", r"(?<=[A-Za-z])/(?=[A-Z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    exact.add("GAZ", list(nlp.tokenizer.pipe(gazetteer().phrases, batch_size=1000)))
    return nlp, exact


_CAPS_WORD = re.compile(r"[\w&][\w.'’&-]*")


def _caps_matches(text: str, start: int, end: int, gaz: Gazetteer) -> list[tuple[int, int, Entry]]:
    """Listed names in a sentence written in capitals, ignoring case (longest first, up to 5 words)."""
    words = [(m.start(), m.end()) for m in _CAPS_WORD.finditer(text, start, end)]
    found = []
    i = 0
    while i < len(words):
        for n in range(min(5, len(words) - i), 0, -1):
            s, e = words[i][0], words[i + n - 1][1]
            phrase = " ".join(text[s:e].split())
            entry = gaz.folded.get(phrase.casefold())
            if entry is None and phrase.endswith("."):  # a full stop that ends the sentence
                phrase, e = phrase[:-1], e - 1
                entry = gaz.folded.get(phrase.casefold())
            if entry is not None and entry.kind == "entity" and len(phrase) > 3:
                found.append((s, e, entry))
                i += n
                break
        else:
            i += 1
    return found


def _longest(spans: list[tuple[int, int, Entry]]) -> list[tuple[int, int, Entry]]:
    """Non-overlapping spans, longest first, in text order."""
    spans.sort(key=lambda s: (s[0] - s[1], s[0]))
    taken: list[tuple[int, int, Entry]] = []
    starts: list[int] = []
    for span in spans:
        i = bisect.bisect_right(starts, span[0])
        if (i and taken[i - 1][1] > span[0]) or (i < len(taken) and taken[i][0] < span[1]):
            continue
        starts.insert(i, span[0])
        taken.insert(i, span)
    return taken


_LOWER_LETTER = re.compile(r"[a-zà-ÿ]")
_LETTERS = re.compile(r"[^\W\d_]")


def _is_caps(text: str) -> bool:
    """A headline or dateline written all in capitals."""
    return not _LOWER_LETTER.search(text) and len(_LETTERS.findall(text)) > 8


def extract(text: str, sentence_starts: list[int], sentence_ends: list[int]) -> list[Raw]:
    """Raw mentions of one article (offsets into ``text``), in text order.

    Only the capitalised sequences are tokenised and matched (every listed phrase starts with a
    capital): that is most of the speed of this backend.
    """
    nlp, exact = _pipeline()
    gaz = gazetteer()
    caps = [(s, e) for s, e in zip(sentence_starts, sentence_ends, strict=True) if _is_caps(text[s:e])]
    caps_starts = [s for s, _ in caps]
    regions: list[tuple[int, int]] = []
    for found in CANDIDATE.finditer(text):
        cs, ce = found.span()
        if caps:
            i = bisect.bisect_right(caps_starts, cs) - 1
            if i >= 0 and cs < caps[i][1]:
                continue
        regions.append((cs, ce))
    spans: list[tuple[int, int, Entry]] = []
    if regions:
        # one Doc of all sequences, one per line; positions map back through the region starts
        joined_starts, pos = [], 0
        for cs, ce in regions:
            joined_starts.append(pos)
            pos += ce - cs + 1
        doc = nlp.make_doc("\n".join(text[cs:ce] for cs, ce in regions))
        phrases = gaz.phrases
        for _key, s, e in exact(doc):
            first, last = doc[s], doc[e - 1]
            js = first.idx
            r = bisect.bisect_right(joined_starts, js) - 1
            start = regions[r][0] + js - joined_starts[r]
            end = start + last.idx + len(last) - js
            spans.append((start, end, phrases[text[start:end]]))
    for s, e in caps:
        spans.extend(_caps_matches(text, s, e, gaz))
    matches = _longest(spans)
    match_starts = [m[0] for m in matches]
    raws: list[Raw] = []
    for cs, ce in regions:
        _candidate(text, cs, ce, sentence_starts, matches, match_starts, gaz, raws)
    if caps:  # list matches in all-capitals sentences, which have no name sequences
        for start, end, entry in matches:
            i = bisect.bisect_right(caps_starts, start) - 1
            if i >= 0 and start < caps[i][1] and entry.kind == "entity":
                if entry.type == "GPE" and _team_context(text, start, end, entry.how):
                    raws.append(Raw(start, end, "ORG", "rule:team", " ".join(text[start:end].split())))
                else:
                    raws.append(Raw(start, end, entry.type, entry.how, entry.entity, entry.country))
        raws.sort(key=lambda r: r.start)
    return raws


def _initial(text: str, pos: int, sentence_starts: list[int]) -> bool:
    i = bisect.bisect_right(sentence_starts, pos) - 1
    begin = sentence_starts[i] if i >= 0 else 0
    return not text[begin:pos].strip(_OPENERS) or text[max(begin, pos - 2) : pos].rstrip(" \t").endswith((":", '"', "“", "\n"))


def _candidate(text, cs, ce, sentence_starts, matches, match_starts, gaz: Gazetteer, raws: list[Raw]) -> None:
    """Split one capitalised sequence into list matches and unknown names, and type them."""
    i = bisect.bisect_left(match_starts, cs)
    # a list match may begin before the sequence ("the" of an alias is dropped, so it never does)
    inside = []
    while i < len(matches) and matches[i][0] < ce:
        if matches[i][1] <= ce:
            inside.append(matches[i])
        i += 1
    if len(inside) == 1 and inside[0][0] == cs and inside[0][1] == ce and inside[0][2].kind == "entity":
        entry = inside[0][2]  # the common case, one listed name ("Russia"): no splitting needed
        if entry.type == "GPE" or entry.type == "LOC" or " " in text[cs:ce] or not _initial(text, cs, sentence_starts):
            if entry.type == "GPE" and _team_context(text, cs, ce, entry.how):
                raws.append(Raw(cs, ce, "ORG", "rule:team", " ".join(text[cs:ce].split())))
            else:
                title = _title_before(text, cs, gaz) if entry.type == "PERSON" else None
                raws.append(Raw(cs, ce, entry.type, entry.how, entry.entity, entry.country, title))
            return
    initial = _initial(text, cs, sentence_starts)
    pieces: list[tuple[int, int, Entry | None]] = []
    pos = cs
    for ms, me, entry in inside:
        if ms > pos:
            pieces.append((pos, ms, None))
        pieces.append((ms, me, entry))
        pos = me
    if pos < ce:
        pieces.append((pos, ce, None))
    if initial and pieces:
        pieces = _drop_opener(text, pieces, gaz)
    pieces = _merge_first_names(text, pieces, gaz)
    pieces = _merge_organisations(text, pieces, gaz)
    pieces = _merge_heads(text, pieces, gaz)
    pieces = _merge_name_city(text, pieces, gaz)
    title: str | None = None
    if pieces and pieces[0][2] is None:
        title = _title_before(text, cs, gaz)
    found: list[Raw] = []
    for n, (ps, pe, entry) in enumerate(pieces):
        if entry is not None:
            if entry.kind == "title":
                title = entry.entity
            else:
                found.append(Raw(ps, pe, entry.type, entry.how, entry.entity, entry.country, title if entry.type == "PERSON" else None))
                title = None
            continue
        before_title = n + 1 < len(pieces) and pieces[n + 1][2] is not None and pieces[n + 1][2].kind == "title"
        for ws, we in _names(text, ps, pe, gaz):
            raw = _unknown(text, ws, we, title, gaz)
            if raw is None and before_title:
                raw = Raw(ws, we, "ORG", "rule:before_title")
            elif raw is not None and before_title and raw.how in ("rule:name", "rule:surname", "rule:unknown", "rule:said", "rule:acronym"):
                raw = raw._replace(type="ORG", how="rule:before_title")  # "Cofinec CEO Stephen Frater"
            if raw is not None:
                found.append(raw)
            title = None
    if len(found) == 1 and _team_context(text, cs, ce, found[0].how) and found[0].type != "LOC":
        raw = found[0]
        if "." not in text[raw.start : raw.end]:
            # sports results: "Leicestershire 22 points, Somerset 4" (the team, not the county)
            found[0] = Raw(raw.start, raw.end, "ORG", "rule:team", " ".join(text[raw.start : raw.end].split()))
    raws.extend(found)


_SCORE = re.compile(r"[ \t]+(?!\d{4}-\d\d-\d\d)\d+(?:-\d+)?(?![\w/.])")
_TABLE = re.compile(r"[ \t]+\d+[ \t]+\d+")
_VERSUS_AFTER = re.compile(r"[ \t]+vs?\.?[ \t]")
_VERSUS_BEFORE = re.compile(r"\bvs?\.?[ \t]+$")
_SCORECARD = re.compile(r"(?:^|[ \t])[bc][ \t]+$")  # cricket: "c Ranatunga b Muralitharan 8" are players
#: what a name found by these lists or rules may be in a results line
_TEAM_PLACES = frozenset({"cities", "subdivisions", "places", "rule:unknown", "rule:surname", "rule:gpe_word", "rule:said", "rule:acronym"})


def _team_context(text: str, cs: int, ce: int, how: str) -> bool:
    """A name followed by a score, or next to "v", is a team in a results line (not a place or person)."""
    if how not in _TEAM_PLACES and how != "rule:name":
        return False
    if _VERSUS_AFTER.match(text, ce) or _VERSUS_BEFORE.search(text, max(0, cs - 6), cs):
        return True
    if _SCORECARD.search(text, max(0, cs - 3), cs):
        return False
    # an unknown two-word name with one number after it is more often a player ("Mushtaq Ahmed 46")
    return bool(_TABLE.match(text, ce)) if how == "rule:name" else bool(_SCORE.match(text, ce))


def _merge_heads(text, pieces, gaz: Gazetteer):
    """A new name: a head word before a listed place ("Lake Erie", "University of Iowa")."""
    out = list(pieces)
    k = 0
    while k < len(out) - 1:
        (a_s, a_e, a), (_b_s, b_e, b) = out[k], out[k + 1]
        if a is None and b is not None and b.kind == "entity" and b.type in ("GPE", "LOC"):
            words = text[a_s:a_e].split()
            head = bool(words) and (gaz.role(words[0], "org_head") or gaz.role(words[0], "loc_head"))
            if head and (words[-1] == "of" or len(words) == 1):  # "Lake Erie", "Air France", "University of Iowa"
                out[k : k + 2] = [(a_s, b_e, None)]
                continue
        k += 1
    return out


def _merge_name_city(text, pieces, gaz: Gazetteer):
    """A club or firm: an unknown word right before a city ("Dynamo Moscow", "PSV Eindhoven")."""
    if len(pieces) != 2:
        return pieces
    (a_s, a_e, a), (b_s, b_e, b) = pieces
    words = text[a_s:a_e].split()
    if a is None and b is not None and b.how == "cities" and len(words) == 1 and " " not in text[b_s:b_e]:
        word = words[0]
        if word not in gaz.first_names and word.lower() not in gaz.common_words and not gaz.role(word, "loc_head") and not gaz.role(word, "org_head"):
            surface = " ".join(text[a_s:b_e].split())
            return [(a_s, b_e, Entry(surface, "ORG", b.country, "entity", "rule:name_city"))]
    return pieces


def _merge_organisations(text, pieces, gaz: Gazetteer):
    """One organisation: a place or body and an organisation word ("China Daily", "Russian Foreign Ministry")."""
    out = list(pieces)
    k = 0
    while k < len(out) - 1:
        (a_s, a_e, a), (b_s, b_e, b) = out[k], out[k + 1]
        if a is not None and b is None and a.kind in ("entity", "demonym") and a.type != "PERSON":
            words = text[b_s:b_e].split()
            if words and gaz.role(words[-1].rstrip(",.;:"), "org_suffix") and not any(gaz.role(w, "said") for w in words):
                out[k : k + 2] = [(a_s, b_e, None)]
                continue
        if a is not None and b is not None and a.type in ("GPE", "LOC") and b.type == "ORG" and b.how == "organisations" and a.country != b.country:
            words = text[b_s:b_e].split()
            if len(words) > 1 and text[a_e:b_s].strip() == "":  # "Kurdistan Democratic Party", "North Korean Red Cross"
                out[k : k + 2] = [(a_s, b_e, None)]
                continue
        k += 1
    return out


def _drop_opener(text, pieces, gaz: Gazetteer):
    """Drop a sentence's first word when it is a common word ("Additionally", "Last")."""
    ps, pe, entry = pieces[0]
    if entry is not None:
        if entry.type in ("ORG", "PERSON") and " " not in text[ps:pe] and text[ps:pe].lower() in gaz.common_words:
            return pieces[1:]
        return pieces
    word = _WORDS.match(text, ps)
    if not word:
        return pieces
    first = word.group(0).rstrip(",.;:")
    if first.lower() in gaz.common_words or gaz.role(first, "not_name"):
        nxt = re.compile(r"\S").search(text, word.end())
        if nxt and nxt.start() < pe:
            return [(nxt.start(), pe, None), *pieces[1:]]
        return pieces[1:]
    return pieces


def _merge_first_names(text, pieces, gaz: Gazetteer):
    """One person: a first name next to a place name ("George Washington", "Jordan Henderson")."""
    if len(pieces) < 2:
        return pieces
    out = list(pieces)
    k = 0
    while k < len(out) - 1:
        (a_s, a_e, a), (b_s, b_e, b) = out[k], out[k + 1]
        a_words = text[a_s:a_e].split()
        if a is None and _place_word(b, text[b_s:b_e]) and a_words and a_words[0] in gaz.first_names and a_words[-1] not in ("of", "and"):
            out[k : k + 2] = [(a_s, b_e, None)]
            continue
        if a is None and b is not None and b.type == "PERSON" and b.how == "people" and " " not in text[b_s:b_e] and a_words and a_words[0] in gaz.first_names:
            out[k : k + 2] = [(a_s, b_e, None)]  # "Melania Trump" is not Donald Trump
            continue
        if b is None and _place_word(a, text[a_s:a_e]) and text[a_s:a_e] in gaz.first_names and text[b_s:b_e].strip()[:1].isupper():
            out[k : k + 2] = [(a_s, b_e, None)]
            continue
        k += 1
    return out


def _place_word(entry: Entry | None, surface: str) -> bool:
    return entry is not None and entry.kind == "entity" and entry.type == "GPE" and " " not in surface


def _title_before(text, cs, gaz: Gazetteer) -> str | None:
    """A title written right before a name, also in lower case ("said spokesman John Kirby")."""
    before = text[max(0, cs - 40) : cs]
    if not before.endswith((" ", "\t")):
        return None
    words = before.split()[-3:]
    if not words or words[-1] not in _title_words():
        return None
    for k in range(len(words)):
        entry = gaz.phrases.get(" ".join(words[k:]))
        if entry is not None and entry.kind == "title":
            return entry.entity
    return None


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    """Last words of the listed titles: a quick test before looking phrases up."""
    return frozenset(phrase.split()[-1] for phrase, entry in gazetteer().phrases.items() if entry.kind == "title")


def _names(text: str, ps: int, pe: int, gaz: Gazetteer):
    """Word runs of an unknown piece, split at "and"/"&", not-a-name words, and cut of connectors."""
    run: list[tuple[int, int]] = []
    for m in _WORDS.finditer(text, ps, pe):
        word = m.group(0)
        if word in _SPLIT_WORDS or gaz.role(word.rstrip(",.;:"), "not_name") or word in ("-", "–"):
            if run:
                yield from _trimmed(text, run, gaz)
            run = []
            continue
        run.append(m.span())
    if run:
        yield from _trimmed(text, run, gaz)


def _trimmed(text, run, gaz: Gazetteer):
    while run and not text[run[0][0]].isupper():
        run = run[1:]
    while run and not text[run[-1][0]].isupper():
        run = run[:-1]
    if run:
        yield run[0][0], run[-1][1]


def _unknown(text: str, ws: int, we: int, title: str | None, gaz: Gazetteer) -> Raw | None:
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
    found = classify(words, gaz)
    if found is not None:
        kind, how = found
        if title is not None and kind == "PERSON":
            how = "rule:title"
        return Raw(ws, we, kind, how, None, None, title if kind == "PERSON" else None)
    if title is not None:
        return Raw(ws, we, "PERSON", "rule:title", None, None, title)
    if len(words) == 1:
        word = words[0]
        if word.lower() in gaz.common_words or gaz.role(word, "not_name"):
            return None
        if _SAID_AFTER.match(text, we) or _SAID_BEFORE.search(text, max(0, ws - 20), ws):
            return Raw(ws, we, "PERSON", "rule:said", None, None, None)
        if word.isupper() and text[we : we + 1] == ":":  # a transcript's speaker: "TAPPER:"
            return Raw(ws, we, "UNKNOWN", "rule:speaker", None, None, None)
        if word.isupper() and 2 <= len(word.replace(".", "")) <= 5 and word.replace(".", "").isalpha():
            return Raw(ws, we, "ORG", "rule:acronym", None, None, None)
        if word in gaz.surnames:
            return Raw(ws, we, "PERSON", "rule:surname", None, None, None)
        if _CAMEL.match(word):  # "NationsBank", "WikiLeaks"
            return Raw(ws, we, "ORG", "rule:camel_case", None, None, None)
        if word.endswith("s") and text[max(0, ws - 4) : ws] in ("the ", "The "):  # "the Springboks", "the Mariners"
            return Raw(ws, we, "ORG", "rule:the_plural", None, None, None)
        return Raw(ws, we, "UNKNOWN", "rule:unknown", None, None, None)
    return None
