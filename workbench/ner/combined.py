"""The ``spacy+rules:<package-or-path>`` backend: a spaCy pipeline's names merged with the rules'.

Each side is good at something else. The rules know names from their lists (countries, cities,
listed people and organisations, titles, demonyms) and a few layouts (results lines); a statistical
pipeline finds and types names no list holds from their context. So, per article:

1. where both give the same span, it is kept once: the rules' reading when it came from a list or
   a strong rule, else the span with the pipeline's type;
2. where the spans differ, a list match of the rules (or a team in a results line) wins over an
   overlapping pipeline span; otherwise the pipeline's span and type win over a rules guess;
3. names found by one side only are kept, except the rules' weakest guesses (a lone unknown word,
   an acronym, a name typed by its shape alone), which the pipeline did not confirm, unless the
   guess is the surname of a person named in full in the article.

Everything then goes through the same canonicalisation as every backend
(:func:`workbench.ner.canonical.resolve`): trimming, titles, aliases, short names.
"""

from __future__ import annotations

from workbench.ner.canonical import Raw

#: rules that only guess from a name's shape: kept alone only when the pipeline agrees on the span
WEAK = frozenset(
    {"rule:unknown", "rule:name", "rule:surname", "rule:acronym", "rule:camel_case", "rule:the_plural", "rule:speaker"}
)


def _strong(raw: Raw) -> bool:
    """A rules mention from a list (``countries``, ``people``...) or a results line (``rule:team``)."""
    return not raw.how.startswith("rule:") or raw.how == "rule:team"


def merge(text: str, rules: list[Raw], model: list[Raw]) -> list[Raw]:
    """One article's mentions from the rules' and the pipeline's raw mentions (the rules above).

    >>> text = "Ohio Zorblatt Quintex and Ann Lee"
    >>> rules = [Raw(0, 4, "GPE", "cities", "Ohio", "US"), Raw(5, 21, "PERSON", "rule:name")]
    >>> model = [Raw(0, 4, "PERSON", "spacy:PERSON"), Raw(5, 21, "ORG", "spacy:ORG")]
    >>> model.append(Raw(26, 33, "PERSON", "spacy:PERSON"))
    >>> [(r.start, r.type, r.how) for r in merge(text, rules, model)]
    [(0, 'GPE', 'cities'), (5, 'ORG', 'spacy:ORG+rule:name'), (26, 'PERSON', 'spacy:PERSON')]
    """
    spans = {(m.start, m.end): m for m in model}
    out: list[Raw] = []
    used: set[tuple[int, int]] = set()
    weak: list[Raw] = []
    for raw in rules:
        same = spans.get((raw.start, raw.end))
        if same is not None:
            used.add((raw.start, raw.end))
            if _strong(raw) or (raw.how not in WEAK and raw.type == same.type):
                out.append(raw)
            else:
                out.append(
                    raw._replace(type=same.type, how=f"{same.how}+{raw.how}", entity=same.entity, country=same.country)
                )
            continue
        overlapping = [m for m in model if m.start < raw.end and raw.start < m.end]
        if _strong(raw):
            out.append(raw)
            used.update((m.start, m.end) for m in overlapping)
        elif not overlapping and raw.how not in WEAK:
            out.append(raw)
        elif not overlapping:
            weak.append(raw)
    for m in model:
        if (m.start, m.end) in used:
            continue
        if any(r.start < m.end and m.start < r.end for r in out):
            continue
        out.append(m)
    # a weak guess that is the last word of a person named in full stays: "Quill" after "Ann Quill"
    surnames = {
        text[r.start : r.end].split()[-1] for r in out if r.type == "PERSON" and " " in text[r.start : r.end].strip()
    }
    out.extend(r for r in weak if text[r.start : r.end] in surnames)
    out.sort(key=lambda r: (r.start, r.end))
    return out
