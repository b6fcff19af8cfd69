"""The ``rules`` backend: spaCy's tokenizer and PhraseMatcher over name lists, plus name rules.

No model is needed. Per article:

1. the capitalised sequences of the text (found by a regular expression: every listed phrase starts
   with a capital) are tokenised by ``spacy.blank("en")`` (with one more infix so that "U.S.-China"
   splits) and a PhraseMatcher finds every phrase of the gazetteer (:mod:`workbench.ner.gazetteer`):
   people, organisations, outlets, places, countries, subdivisions, cities, demonyms and titles;
   sentences written all in capitals (headlines) are looked up word by word, ignoring case;
2. list matches inside a capitalised sequence ("Xi Jinping", "Bank of England") split it
   ("US President Joe Biden" -> US | President | Joe Biden);
3. neighbouring pieces that are one name are merged (:mod:`workbench.ner.merges`: "George
   Washington", "China Daily"), and a sentence's first word is dropped when it is a common English
   word ("Additionally");
4. the parts no list knows are typed by the name rules (:mod:`workbench.ner.unknown`, with
   :func:`workbench.ner.canonical.classify`): organisation and place words, first names, a title
   before the name, "X said", acronyms;
5. in a results line a place or unknown name next to a score is a team (:mod:`workbench.ner.teams`;
   the named rule ``sports_results``, off in the ``rules:no-sports`` backend);
6. names the rules guessed are typed again by their uses in the article (:mod:`workbench.ner.cues`:
   "Quorvald stayed ... Quorvald's letters" is a person, "Zorgville, Texas" a place);
7. in a table or listing line (:func:`workbench.layout.is_listing`, found by shape) no PERSON or
   ORG comes from an abbreviation or a common word found only by a rule ("Shr", "Revs", "Analysts").

Matchers are built once per process (``lru_cache``) from immutable data; the listed phrases of each
capitalised sequence are remembered by its text (:func:`_listed_in`), as names repeat from article to article.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from functools import lru_cache

from workbench.layout import is_listing
from workbench.ner import acronyms, cues, demonyms
from workbench.ner.canonical import Raw, keeps_full_stop
from workbench.ner.gazetteer import LISTING_WORD_FREQUENCY, Entry, Gazetteer, english_words, gazetteer
from workbench.ner.matcher import build_matcher
from workbench.ner.merges import drop_opener, merge_first_names, merge_heads, merge_name_city, merge_organisations
from workbench.ner.teams import team, team_context
from workbench.ner.unknown import title_before, unknown, unknown_names

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_WORD = rf"(?:al-|el-|al[ \t]+|de[ \t]+)?[{_UPPER}][\w'’.&-]*"


@lru_cache(maxsize=1)
def candidate_pattern() -> re.Pattern[str]:
    """A capitalised name sequence: capitalised words, possibly joined by up to two lower-case
    connectors (the ``connector`` words of ``name_parts.csv``: of, the, for, de, van ...)."""
    words = sorted(gazetteer().roles.get("connector", ()), key=len, reverse=True)
    connect = "(?:" + "|".join(re.escape(w) for w in words) + ")" if words else "(?!)"
    # the look-ahead (a capital, or the "al"/"el"/"de" of a prefix) only rejects early the positions where
    # nothing can start (most of the text): the same matches, found a fifth faster
    return re.compile(rf"(?=[aed{_UPPER}])(?<![\w'’.-]){_WORD}(?:[ \t]+(?:{connect}[ \t]+){{0,2}}{_WORD})*")


_OPENERS = "\"'“‘([-–—*• \t"
_CITATION = re.compile(r"^[\s\"'“‘(]*(?:\[\d+(?:\s*[,–-]\s*\d+)*\][\s\"'“‘(]*)+$")  # "[22] Mathematician Hermann Weyl"


@lru_cache(maxsize=1)
def _pipeline():
    """Tokenizer and a PhraseMatcher over every listed phrase as written (:mod:`workbench.ner.matcher`, kept
    on disk: ``ner.prebuilt``)."""
    from workbench.ner.prebuilt import load_or_build

    _language_names()  # built with the matcher, as part of the set-up
    return load_or_build("matcher", build_matcher)


#: Sequences whose listed phrases are remembered (per matcher); the memo starts again when it is full.
SEQUENCE_MEMO = 200_000


@lru_cache(maxsize=1)
def _memo(matcher) -> dict[str, tuple[tuple[int, int], ...]]:
    """Listed phrases by sequence text, for one matcher (a new matcher, e.g. rebuilt, gets a new memo)."""
    return {}


def _listed_in(nlp, matcher, sequences: list[str]) -> list[tuple[tuple[int, int], ...]]:
    """(start, end) of every listed phrase in each capitalised sequence, relative to the sequence.

    The phrases of a sequence depend on its text alone (the tokenizer splits at whitespace first), and the
    same sequences come back from article to article ("Trump", "The", "Hillary Clinton": 78,000 sequences
    of PolNeAR train are 17,000 texts), so each text is tokenized and matched once per process. The new
    ones are tokenized as one Doc, a space apart (a line break between them would add a token each); a
    match running from one sequence into the next is left out. The answer is read from the memo before it
    changes, so that another thread clearing it does no harm.
    """
    memo = _memo(matcher)
    known = [memo.get(s) for s in sequences]
    new = list(dict.fromkeys(s for s, k in zip(sequences, known, strict=True) if k is None))
    if not new:
        return known
    starts, pos = [], 0
    for sequence in new:
        starts.append(pos)
        pos += len(sequence) + 1
    doc = nlp.make_doc(" ".join(new))
    found: list[list[tuple[int, int]]] = [[] for _ in new]
    for _key, s, e in matcher(doc):
        js, last = doc[s].idx, doc[e - 1]
        r = bisect.bisect_right(starts, js) - 1
        end = last.idx + len(last) - starts[r]
        if end <= len(new[r]):
            found[r].append((js - starts[r], end))
    fresh = dict(zip(new, map(tuple, found), strict=True))
    if len(memo) + len(fresh) > SEQUENCE_MEMO:
        memo.clear()
    memo.update(fresh)
    return [fresh[s] if k is None else k for s, k in zip(sequences, known, strict=True)]


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


_START_END = operator.itemgetter(0, 1)


def _longest(spans: list[tuple[int, int, Entry]]) -> list[tuple[int, int, Entry]]:
    """Non-overlapping spans, longest first, in text order."""
    spans.sort(key=_START_END)
    if all(a[1] <= b[0] for a, b in itertools.pairwise(spans)):
        return spans  # no two overlap (the common case): all of them, in text order
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


def _is_caps(text: str, start: int = 0, end: int | None = None) -> bool:
    """A headline or dateline written all in capitals (``text[start:end]``)."""
    end = len(text) if end is None else end
    return not _LOWER_LETTER.search(text, start, end) and len(_LETTERS.findall(text, start, end)) > 8


def extract(
    text: str, sentence_starts: list[int], sentence_ends: list[int], *, sports_results: bool = True
) -> list[Raw]:
    """Raw mentions of one article (offsets into ``text``), in text order.

    Only the capitalised sequences are tokenised and matched (every listed phrase starts with a
    capital): that is most of the speed of this backend.

    Args:
        text: the article.
        sentence_starts: sentence start offsets (sorted).
        sentence_ends: the matching end offsets.
        sports_results: apply the sports-results rule (a place next to a score is a team,
            :mod:`workbench.ner.teams`); the ``rules:no-sports`` backend turns it off.
    """
    nlp, exact = _pipeline()
    gaz = gazetteer()
    caps = [(s, e) for s, e in zip(sentence_starts, sentence_ends, strict=True) if _is_caps(text, s, e)]
    caps_starts = [s for s, _ in caps]
    regions: list[tuple[int, int]] = []
    cut = _CUT_AT.search
    for found in candidate_pattern().finditer(text):
        cs, ce = found.span()
        if caps:
            i = bisect.bisect_right(caps_starts, cs) - 1
            if i >= 0 and cs < caps[i][1]:
                continue
        if cut(text, cs, ce) is None:  # no full stop or apostrophe: nothing to cut (most sequences)
            regions.append((cs, ce))
        else:
            regions.extend(_split_region(text, cs, ce))
    spans: list[tuple[int, int, Entry]] = []
    if regions:
        phrases = gaz.phrases
        found = _listed_in(nlp, exact, [text[cs:ce] for cs, ce in regions])
        for (cs, _ce), offsets in zip(regions, found, strict=True):
            for s, e in offsets:
                spans.append((cs + s, cs + e, phrases[text[cs + s : cs + e]]))
    for s, e in caps:
        spans.extend(_caps_matches(text, s, e, gaz))
    matches = _longest(spans)
    match_starts = [m[0] for m in matches]
    raws: list[Raw] = []
    for cs, ce in regions:
        _candidate(text, cs, ce, sentence_starts, matches, match_starts, gaz, raws, sports_results)
    if caps:  # list matches in all-capitals sentences, which have no name sequences
        for start, end, entry in matches:
            i = bisect.bisect_right(caps_starts, start) - 1
            if i >= 0 and start < caps[i][1] and entry.kind == "entity":
                if sports_results and entry.type == "GPE" and team_context(text, start, end, entry.how):
                    raws.append(team(text, start, end))
                else:
                    raws.append(Raw(start, end, entry.type, entry.how, entry.entity, entry.country))
        raws.sort(key=lambda r: r.start)
    raws = acronyms.apply(text, raws, gaz)
    raws = cues.apply(text, raws, gaz)
    raws = cues.places_by_comma(text, raws)
    raws = cues.works_of_people(text, raws)
    raws = _languages(text, raws, gaz)
    raws = demonyms.apply(text, raws, gaz, sentence_starts, _language_names())
    return _outside_listings(text, raws, gaz)


def _languages(text: str, raws: list[Raw], gaz: Gazetteer) -> list[Raw]:
    """A demonym that names a language ("in English", "from French") is no mention of a country.

    Languages come from pycountry; the words before a language are the ``language_cue`` words of
    ``name_parts.csv`` (in, into, from, speak ...), or a demonym right before punctuation that a
    preposition introduces ("dialects of English.").
    """
    out = []
    for raw in raws:
        if raw.how == "demonyms" and text[raw.start : raw.end] in _language_names():
            before = text[max(0, raw.start - 20) : raw.start].split()
            if before and gaz.role(before[-1].lower(), "language_cue"):
                continue
        out.append(raw)
    return out


@lru_cache(maxsize=1)
def _language_names() -> frozenset[str]:
    """One-word language names ("English", "Spanish", "Mandarin"), from pycountry."""
    import pycountry

    # "Modern Greek (1453-)" is Greek, "Panjabi, Punjabi" is Panjabi
    names = (re.sub(r"^Modern |\s*\(.*\)$", "", lang.name.split(",")[0]) for lang in pycountry.languages)
    return frozenset(name for name in names if " " not in name and "(" not in name)


def _outside_listings(text: str, raws: list[Raw], gaz: Gazetteer) -> list[Raw]:
    """No PERSON or ORG from an abbreviation or common word in a table or listing line ("Shr", "Revs", "Analysts").

    Listed names ("Acme Corp" in ``organisations.csv``) and multi-word names stay. Only the lines
    holding such a suspect are looked at (:func:`workbench.layout.is_listing`).
    """
    if not raws or not _DIGIT.search(text):
        return raws
    words = english_words(LISTING_WORD_FREQUENCY)
    kept = []
    lines: dict[int, bool] = {}
    for raw in raws:
        if raw.type in ("PERSON", "ORG", "UNKNOWN") and raw.how.startswith("rule:"):
            word = text[raw.start : raw.end].strip(" .,;:")
            if " " not in word and (
                word.lower() in words
                or gaz.role(word, "org_suffix")
                or _abbreviation_like(word, raw.how == "rule:team")
            ):
                begin = text.rfind("\n", 0, raw.start) + 1
                if begin not in lines:
                    end = text.find("\n", raw.start)
                    lines[begin] = is_listing(text[begin : end if end >= 0 else len(text)])
                if lines[begin]:
                    continue
        kept.append(raw)
    return kept


_DIGIT = re.compile(r"\d")


def _abbreviation_like(word: str, team: bool) -> bool:
    """ "Shr", "Revs", "CTS", "N.Z."; a team in a results line may be written in capitals ("PSV 2")."""
    letters = word.replace(".", "")
    if team:
        return not letters.isupper() and len(letters) <= 4
    return letters.isupper() or len(letters) <= 4 or "." in word


_NON_SPACE = re.compile(r"\S")
_CUT_AT = re.compile(r"[.'’]")  # a sequence without these is never cut
_CUT = re.compile(r"[^\s]+?(?:(?<![.\s])\.|['’]s|s['’])(?=[ \t\n]+\S)")


def _split_region(text: str, cs: int, ce: int) -> list[tuple[int, int]]:
    """A capitalised sequence cut where a name cannot go on: after a sentence's full stop ("Laplace.
    Bernoulli") and after a possessive ("Evelyn Waugh's Brideshead Revisited")."""
    if _CUT_AT.search(text, cs, ce) is None:
        return [(cs, ce)]
    out = []
    start = cs
    for m in _CUT.finditer(text, cs, ce):
        word = m.group(0)
        if word.endswith("."):
            if word.isupper() or keeps_full_stop(word[:-1]) or not any(c.islower() for c in word):
                continue  # "Dr.", "Corp.", "U.S."
            end = m.end() - 1
        else:
            end = m.end()
        out.append((start, end))
        nxt = _NON_SPACE.search(text, m.end(), ce)
        if nxt is None:
            return out
        start = nxt.start()
    out.append((start, ce))
    return [(s, e) for s, e in out if e > s]


#: last characters before a name (spaces and tabs aside) after which it may still open its sentence
_MAY_OPEN = frozenset(_OPENERS + ":\"“\n]'‘(")


def _initial(text: str, pos: int, sentence_starts: list[int]) -> bool:
    """Whether ``pos`` opens its sentence: only openers before it, a colon or quote, or a citation mark."""
    i = bisect.bisect_right(sentence_starts, pos) - 1
    begin = sentence_starts[i] if i >= 0 else 0
    j = pos - 1
    while j >= begin and (text[j] == " " or text[j] == "\t"):
        j -= 1
    if j < begin:
        return True  # only spaces and tabs before it (or nothing): the first word of the sentence
    if text[j] not in _MAY_OPEN and not text[j].isspace():
        return False  # the common case, a word before the name ("said Trump"): no test below can pass
    before = text[begin:pos]
    return (
        not before.strip(_OPENERS)
        or before.rstrip(" \t").endswith((":", '"', "“", "\n"))
        or bool(_CITATION.match(before))
    )


def _candidate(
    text, cs, ce, sentence_starts, matches, match_starts, gaz: Gazetteer, raws: list[Raw], sports: bool = True
) -> None:
    """Split one capitalised sequence into list matches and unknown names, and type them."""
    i = bisect.bisect_left(match_starts, cs)
    # a list match may begin before the sequence ("the" of an alias is dropped, so it never does)
    inside = []
    n_matches = len(matches)
    while i < n_matches:
        match = matches[i]
        if match[0] >= ce:
            break
        if match[1] <= ce:
            inside.append(match)
        i += 1
    initial = None
    if len(inside) == 1 and inside[0][0] == cs and inside[0][1] == ce and inside[0][2].kind == "entity":
        entry = inside[0][2]  # the common case, one listed name ("Russia"): no splitting needed
        kind = entry.type
        if kind == "GPE" or kind == "LOC" or " " in text[cs:ce]:
            whole = True
        else:
            initial = _initial(text, cs, sentence_starts)
            whole = not initial
        if whole:
            if sports and kind == "GPE" and team_context(text, cs, ce, entry.how):
                raws.append(team(text, cs, ce))
            else:
                title = title_before(text, cs, gaz) if kind == "PERSON" else None
                raws.append(Raw(cs, ce, kind, entry.how, entry.entity, entry.country, title))
            return
    if initial is None:
        initial = _initial(text, cs, sentence_starts)
    pieces: list[tuple[int, int, Entry | None]] = []
    if inside:
        pos = cs
        for ms, me, entry in inside:
            if ms > pos:
                pieces.append((pos, ms, None))
            pieces.append((ms, me, entry))
            pos = me
        if pos < ce:
            pieces.append((pos, ce, None))
    elif cs < ce:
        pieces.append((cs, ce, None))  # no listed name inside: one unknown piece
    if initial and pieces:
        pieces = drop_opener(text, pieces, gaz)
        if not pieces:
            return  # a sentence's first word and nothing else ("The", "But")
    if len(pieces) > 1:  # merges join neighbours: a lone piece stays as it is
        pieces = merge_first_names(text, pieces, gaz)
        pieces = merge_organisations(text, pieces, gaz)
        pieces = merge_heads(text, pieces, gaz)
        if len(pieces) > 1:  # a place before a head merged just now: "American" + "University of Beirut"
            pieces = merge_organisations(text, pieces, gaz)
        pieces = merge_name_city(text, pieces, gaz)
    title: str | None = None
    if pieces and pieces[0][2] is None:
        title = title_before(text, cs, gaz)
    found: list[Raw] = []
    for n, (ps, pe, entry) in enumerate(pieces):
        if entry is not None:
            if entry.kind == "title":
                title = entry.entity
            else:
                found.append(
                    Raw(
                        ps,
                        pe,
                        entry.type,
                        entry.how,
                        entry.entity,
                        entry.country,
                        title if entry.type == "PERSON" else None,
                    )
                )
                title = None
            continue
        before_title = n + 1 < len(pieces) and pieces[n + 1][2] is not None and pieces[n + 1][2].kind == "title"
        if title is not None and text[ps:pe].lstrip()[:1].islower():
            title = None  # "Professor of Linguistics", "Minister for Education": a field or office, no person
        for ws, we in unknown_names(text, ps, pe, gaz):
            raw = unknown(text, ws, we, title, gaz)
            if raw is None and before_title and not all(w.lower() in gaz.common_words for w in text[ws:we].split()):
                raw = Raw(ws, we, "ORG", "rule:before_title")  # "Cofinec CEO", not "Madam Speaker"
            elif (
                raw is not None
                and before_title
                and raw.how in ("rule:name", "rule:surname", "rule:unknown", "rule:said", "rule:acronym")
            ):
                raw = raw._replace(type="ORG", how="rule:before_title")  # "Cofinec CEO Stephen Frater"
            if raw is not None:
                found.append(raw)
            title = None
    if sports and len(found) == 1 and team_context(text, cs, ce, found[0].how) and found[0].type != "LOC":
        raw = found[0]
        if "." not in text[raw.start : raw.end]:
            found[0] = team(
                text, raw.start, raw.end
            )  # "Leicestershire 22 points, Somerset 4": the team, not the county
    raws.extend(found)
