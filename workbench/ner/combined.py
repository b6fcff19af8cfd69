"""The ``spacy+rules:<package-or-path>`` backend: a spaCy pipeline's names merged with the rules'.

Each side is good at something else. The rules know names from their lists (countries, cities,
listed people and organisations, given names, titles, demonyms) and read cues around a name (a title
before it, "said" after it, an organisation word in it, a results line); a statistical pipeline finds
names no list holds from their context, and sees where a name of several words begins and ends. Each
rules mention carries its evidence in ``how``: a list (``countries``...), a cue (``rule:first_name``,
``rule:title``...) or a guess from the shape of the words alone (:data:`GUESSES`). So, per article:

1. **Agreement is kept**: where both sides give the same span, the rules' mention stays as it is. Its
   type rests on a list or a cue even when its span was a guess, and so is better than the pipeline's
   type, which the pipeline reads from a few words of context; a name the rules left untyped
   (``UNKNOWN``) takes the pipeline's type.
2. **Overlapping spans**: a list or cue mention of the rules wins over an overlapping pipeline span
   (the pipeline's span is dropped), except where the pipeline's span holds it and is itself a listed
   name; the pipeline's span wins over a guess of the rules.
3. **Names found by one side only** are kept, except the rules' guesses (:data:`GUESSES`) that the
   pipeline did not confirm (unless the guess is the surname of a person named in full in the
   article), and the pipeline's lone demonyms: the rules read demonyms in context ("English" the
   language is no place).

Everything then goes through the same canonicalisation as every backend
(:func:`workbench.ner.canonical.resolve`): trimming, titles, aliases, short names, acronyms.
"""

from __future__ import annotations

from workbench.ner.canonical import Raw

#: rules that only guess from a name's shape: kept alone only when the pipeline finds the same span
GUESSES = frozenset(
    {"rule:unknown", "rule:name", "rule:surname", "rule:acronym", "rule:camel_case", "rule:the_plural", "rule:speaker"}
)
#: kept for callers of the first version of this module
WEAK = GUESSES
#: the types a rules mention may carry into the merge as they are (others, "UNKNOWN", take the pipeline's)
TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC"})


def _guess(raw: Raw) -> bool:
    """A rules mention typed from its shape alone (no list, no cue)."""
    return raw.how in GUESSES


def _demonym(raw: Raw) -> bool:
    """A pipeline mention that is a demonym (NORP/MISC read through the demonyms list)."""
    return raw.how.endswith("+demonyms")


def merge(text: str, rules: list[Raw], model: list[Raw]) -> list[Raw]:
    """One article's mentions from the rules' and the pipeline's raw mentions (the rules above).

    >>> text = "Ohio Zorblatt Quintex and Ann Lee"
    >>> rules = [Raw(0, 4, "GPE", "cities", "Ohio", "US"), Raw(5, 21, "PERSON", "rule:name")]
    >>> model = [Raw(0, 4, "PERSON", "spacy:PERSON"), Raw(5, 21, "ORG", "spacy:ORG")]
    >>> model.append(Raw(26, 33, "PERSON", "spacy:PERSON"))
    >>> [(r.start, r.type, r.how) for r in merge(text, rules, model)]
    [(0, 'GPE', 'cities'), (5, 'PERSON', 'rule:name'), (26, 'PERSON', 'spacy:PERSON')]
    """
    spans = {(m.start, m.end): m for m in model}
    out: list[Raw] = []
    used: set[tuple[int, int]] = set()  # pipeline spans settled by a rules mention (kept or dropped)
    guesses: list[Raw] = []
    for raw in rules:
        same = spans.get((raw.start, raw.end))
        if same is not None:
            used.add((raw.start, raw.end))
            if raw.type in TYPES:
                out.append(raw)
            else:  # a name the rules could not type ("UNKNOWN"): the pipeline's type
                out.append(raw._replace(type=same.type, how=f"{same.how}+{raw.how}"))
            continue
        overlapping = [m for m in model if m.start < raw.end and raw.start < m.end]
        if not overlapping:
            (guesses if _guess(raw) else out).append(raw)
        elif not _guess(raw):
            out.append(raw)
            used.update((m.start, m.end) for m in overlapping)
    for m in model:
        if (m.start, m.end) in used or _demonym(m):
            continue
        if any(r.start < m.end and m.start < r.end for r in out):
            continue
        out.append(m)
    # a guess that is the last word of a person named in full stays: "Quill" after "Ann Quill"
    surnames = {
        text[r.start : r.end].split()[-1] for r in out if r.type == "PERSON" and " " in text[r.start : r.end].strip()
    }
    out.extend(r for r in guesses if text[r.start : r.end] in surnames)
    out.sort(key=lambda r: (r.start, r.end))
    return out
