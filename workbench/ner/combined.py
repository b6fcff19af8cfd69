"""The ``spacy+rules:<package-or-path>`` backend: a spaCy pipeline's names merged with the rules'.

Each side is good at something else. The rules know names from their lists (countries, cities,
listed people and organisations, given names and census surnames, titles, demonyms) and read cues
around a name (a title before it, "said" after it, an organisation word in it, a results line); a
statistical pipeline sees where a name of several words begins and ends. Each rules mention carries
its evidence in ``how``: a list (``countries``...), a cue (``rule:first_name``, ``rule:title``...) or
a guess from the shape of the words alone (:data:`GUESSES`). So, per article:

1. **Agreement is kept**: where both sides give the same span, the rules' mention stays as it is. Its
   type rests on a list or a cue, and was right more often than the pipeline's where they differed
   (on GUM dev and CoNLL testa, for every kind of rules evidence).
2. **Overlapping spans**: the rules' mention wins, except a listed name inside a longer name of several
   words that the pipeline found ("Canada" in "Environment Canada", "Oxford" in "Oxford University
   Press"): there the pipeline's span is taken, and canonicalised as any other.
3. **A guess of the rules that the pipeline does not see as a name at all** (no overlapping span) is
   dropped: a second reader that sees no name there is evidence against a guess from shape alone.
4. **Names found by the pipeline alone are not added**, nor its demonyms: alone, a pipeline trained on
   news (CoNLL) was far less precise than the rules on both sets (``benchmarks/eval_gum.py``), for
   every label and shape of name; the rules read demonyms in context ("English" the language is no
   place).

Everything then goes through the same canonicalisation as every backend
(:func:`workbench.ner.canonical.resolve`): trimming, titles, aliases, short names, acronyms.
"""

from __future__ import annotations

from workbench.ner.canonical import Raw

#: rules that only guess from a name's shape (no list, no cue around it)
GUESSES = frozenset({"rule:unknown", "rule:name", "rule:acronym", "rule:camel_case", "rule:the_plural", "rule:speaker"})


def _guess(raw: Raw) -> bool:
    """A rules mention typed from its shape alone."""
    return raw.how in GUESSES


def _listed(raw: Raw) -> bool:
    """A rules mention from a list (``countries``, ``cities``, ``organisations``...), not a rule."""
    return not raw.how.startswith("rule:")


def _demonym(raw: Raw) -> bool:
    """A pipeline mention that is a demonym (NORP/MISC read through the demonyms list)."""
    return raw.how.endswith("+demonyms")


def _holds(text: str, outer: Raw, inner: Raw) -> bool:
    """``outer`` is a longer name of several words that holds ``inner``."""
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.start, outer.end) != (inner.start, inner.end)
        and len(text[outer.start : outer.end].split()) > 1
    )


def merge(text: str, rules: list[Raw], model: list[Raw]) -> list[Raw]:
    """One article's mentions from the rules' and the pipeline's raw mentions (the rules above).

    >>> text = "Ohio Zorblatt Quintex at Environment Canada"
    >>> rules = [Raw(0, 4, "GPE", "subdivisions", "Ohio", "US"), Raw(5, 21, "PERSON", "rule:name"),
    ...          Raw(37, 43, "GPE", "countries", "Canada", "CA")]
    >>> model = [Raw(0, 4, "PERSON", "spacy:PER"), Raw(5, 21, "ORG", "spacy:ORG"), Raw(25, 43, "ORG", "spacy:ORG")]
    >>> [(text[r.start:r.end], r.type) for r in merge(text, rules, model)]
    [('Ohio', 'GPE'), ('Zorblatt Quintex', 'PERSON'), ('Environment Canada', 'ORG')]
    """
    names = [m for m in model if not _demonym(m)]
    spans = {(m.start, m.end) for m in names}
    out: list[Raw] = []
    taken: list[Raw] = []  # pipeline names that replace the listed names they hold
    for raw in rules:
        if (raw.start, raw.end) in spans:
            out.append(raw)
            continue
        overlapping = [m for m in names if m.start < raw.end and raw.start < m.end]
        if not overlapping:
            if not _guess(raw):
                out.append(raw)
            continue
        longer = [m for m in overlapping if _holds(text, m, raw)] if _listed(raw) else []
        if longer:
            taken.extend(m for m in longer if m not in taken)
        else:
            out.append(raw)
    # a pipeline name replaces the listed names it holds, unless it overlaps another rules mention kept
    out.extend(m for m in taken if not any(r.start < m.end and m.start < r.end for r in out))
    out.sort(key=lambda r: (r.start, r.end))
    return out
