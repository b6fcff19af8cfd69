"""Word lists and compiled patterns for attribution, loaded once from ``workbench/data``.

Everything the extractor knows about English attribution lives in data files a user can extend:
``reporting_verbs.csv`` (cues and how source and content sit around them), ``source_nouns.csv``
(described sources: "official", "poll", "campaign"), ``source_kinds.csv`` (words inside names that
tell the kind: "Ministry", "Times"), ``attribution_words.csv`` (pronouns, auxiliaries, determiners)
and ``outlets.csv`` (wires for datelines). This module only loads and compiles them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from workbench.alternation import alternation
from workbench.lexicon import is_month_abbreviation, month_and_weekday_names, outlet_table, read_rows, split_aliases


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue form from ``reporting_verbs.csv``."""

    cue: str
    lemma: str
    frame: str  # verb | participle | prep | lead
    infinitive: bool
    described_only: bool  # only a described source counts ("the poll found")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All word lists, as sets and dicts for O(1) look-ups."""

    cues: dict[str, Cue]  # lower-cased cue -> Cue
    nouns: dict[str, tuple[str, str, bool]]  # lower-cased noun form -> (singular, kind, plural?)
    #: lower-cased singular noun -> (lower-cased name words of organisations of that kind, any organisation?)
    generic: dict[str, tuple[tuple[str, ...], bool]]
    name_kinds: tuple[tuple[str, str], ...]  # (word in a name, kind), longest first
    pronouns: dict[str, str]  # lower-cased pronoun -> detail (male, female, plural, thing, speaker, speakers)
    relatives: frozenset[str]
    aux: frozenset[str]
    determiners: frozenset[str]
    stops: frozenset[str]
    times: frozenset[str]
    postmods: frozenset[str]
    labels: frozenset[str]
    verbs: frozenset[str]  # be/have/do forms and modals: never part of a source
    modals: frozenset[str]
    definite: frozenset[str]  # determiners of a definite reference: the, this, that, these, those
    indefinite: frozenset[str]  # a, an
    subjects: frozenset[str]  # pronouns that can be a source
    be: frozenset[str]
    joiners: frozenset[str]  # inside a name: "of", "van"
    right_joiners: frozenset[str]  # attach a phrase to a source's head: "for", "familiar"
    time_words: frozenset[str]
    time_modifiers: frozenset[str]
    quantifiers: frozenset[str]
    boundaries: frozenset[str]
    objects: frozenset[str]  # listeners after tell/ask
    tell: frozenset[str]
    content_skips: frozenset[str]
    conjunctions: frozenset[str]
    genders: dict[str, str]  # "mr" -> male
    credited_documents: tuple[str, ...]
    cue_regex: re.Pattern[str]
    token_regex: re.Pattern[str]


#: The roles of ``attribution_words.csv`` this module reads (tests check that the file uses no other).
WORD_ROLES = (
    "pronoun", "relative", "aux", "determiner", "stop", "time", "postmod", "label", "verb", "subject", "be", "joiner",
    "right_joiner", "time_word", "time_modifier", "quantifier", "boundary", "object", "tell", "content_skip",
    "conjunction", "gender", "credited_document",
)  # fmt: skip


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The attribution lexicon (loaded and compiled on first use)."""
    cues = {}
    for row in read_rows("reporting_verbs"):
        cues[row["cue"].lower()] = Cue(
            row["cue"], row["lemma"], row["frame"], row["infinitive"] == "yes", row.get("sources") == "described"
        )
    nouns: dict[str, tuple[str, str, bool]] = {}
    generic: dict[str, tuple[tuple[str, ...], bool]] = {}
    for row in read_rows("source_nouns"):
        nouns[row["noun"].lower()] = (row["noun"], row["kind"], False)
        nouns.setdefault(row["plural"].lower(), (row["noun"], row["kind"], True))
        names = split_aliases(row.get("names") or "")
        if names:
            generic[row["noun"].lower()] = (tuple(n.lower() for n in names if n != "*"), "*" in names)
    name_kinds = tuple(sorted(((r["word"], r["kind"]) for r in read_rows("source_kinds")), key=lambda p: -len(p[0])))
    roles: dict[str, dict[str, str]] = {}
    for row in read_rows("attribution_words"):
        word = row["word"] if row["role"] == "time" else row["word"].lower()
        roles.setdefault(row["role"], {})[word] = row["detail"]
    # lower-case forms anywhere; a capitalised first letter only where a sentence may start (longest form first,
    # spaces matching any white space: written as prefix trees, see workbench.alternation)
    alternatives = alternation(cues)
    capitalised = alternation(f[0].upper() + f[1:] for f in cues)
    cue_regex = re.compile(rf"(?<![\w-])(?:{alternatives}|(?<=[\s\"“‘'(—-]){capitalised}|^{capitalised})(?![\w-])")
    return Lexicon(
        cues=cues,
        nouns=nouns,
        generic=generic,
        name_kinds=name_kinds,
        pronouns=roles.get("pronoun", {}),
        relatives=frozenset(roles.get("relative", {})),
        aux=frozenset(roles.get("aux", {})),
        determiners=frozenset(roles.get("determiner", {})),
        stops=frozenset(roles.get("stop", {})),
        times=frozenset(roles.get("time", {})) | _date_names(),
        postmods=frozenset(roles.get("postmod", {})),
        labels=frozenset(roles.get("label", {})),
        verbs=frozenset(roles.get("verb", {})),
        modals=frozenset(w for w, detail in roles.get("verb", {}).items() if detail == "modal"),
        definite=frozenset(w for w, detail in roles.get("determiner", {}).items() if detail == "definite"),
        indefinite=frozenset(w for w, detail in roles.get("determiner", {}).items() if detail == "indefinite"),
        subjects=frozenset(roles.get("subject", {})),
        be=frozenset(roles.get("be", {})),
        joiners=frozenset(roles.get("joiner", {})),
        right_joiners=frozenset(roles.get("right_joiner", {})),
        time_words=frozenset(roles.get("time_word", {})),
        time_modifiers=frozenset(roles.get("time_modifier", {})),
        quantifiers=frozenset(roles.get("quantifier", {})),
        boundaries=frozenset(roles.get("boundary", {})),
        objects=frozenset(roles.get("object", {})),
        tell=frozenset(roles.get("tell", {})),
        content_skips=frozenset(roles.get("content_skip", {})),
        conjunctions=frozenset(roles.get("conjunction", {})),
        genders=dict(roles.get("gender", {})),
        credited_documents=tuple(roles.get("credited_document", {})),
        cue_regex=cue_regex,
        token_regex=_token_regex(),
    )


def _date_names() -> frozenset[str]:
    """Month and weekday names as tokens: full names as written, short month names with their full stop ("Sept.")."""
    return frozenset(w + "." if is_month_abbreviation(w) else w for w in month_and_weekday_names())


def _token_regex() -> re.Pattern[str]:
    abbreviations = {r["abbreviation"] for r in read_rows("abbreviations")}
    titles = alternation([a for a in abbreviations if "." not in a], any_space=False)
    return re.compile(
        r"(?:[A-Za-z]\.){2,}"  # U.S., N.J., a.m.
        rf"|{titles}\.(?=\s)"  # Mr., Sen., Nev. (longest first)
        r"|[A-Z]\.(?=\s+[A-Z])"  # an initial: "John F. Kennedy"
        r"|\w+(?:[-'’.&]\w+)*(?:['’]s?)?"  # words, hyphenated, possessives, 9.5
        r"|--|[^\w\s]"  # punctuation, one mark at a time
    )


@lru_cache(maxsize=1)
def wire_names() -> dict[str, str]:
    """Every alias of a wire service in ``outlets.csv`` -> its canonical name."""
    names = {}
    for name, row in outlet_table().items():
        if row.get("kind") == "wire":
            for alias in [name, *split_aliases(row.get("aliases", ""))]:
                names[alias] = name
    return names


def search_lines_holding(pattern: re.Pattern[str], text: str, mark: str) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` in ``text``, searched only in the lines holding ``mark``.

    For a pattern whose matches never span a line break and always hold ``mark``: searching each such
    line (with the whole text around it, for look-behinds) finds what one search of the text finds.
    """
    at = text.find(mark)
    while at != -1:
        line_end = text.find("\n", at)
        line_end = len(text) if line_end == -1 else line_end
        yield from pattern.finditer(text, text.rfind("\n", 0, at) + 1, line_end)
        at = text.find(mark, line_end)


@lru_cache(maxsize=1)
def dateline_regex() -> re.Pattern[str]:
    """``WASHINGTON (AP) —``, ``ORLANDO, Fla., Nov. 3 (Reuters) -``, ``(AFP) -`` at a paragraph start."""
    wires = "|".join(re.escape(w) for w in sorted(wire_names(), key=len, reverse=True))
    return re.compile(
        r"(?m)^[ \t]*(?P<place>[A-Z][\w.'’ -]{0,40}?(?:,[ \t]*[\w.' -]{1,30}?){0,3})?[ \t]*"
        rf"\((?P<wire>{wires})\)[ \t]*(?:[-—–]+|:)"
    )
