"""The ``spacy:<package-or-path>`` backend: any installed spaCy pipeline with an NER component.

Labels map to the workbench types (PERSON/PER -> PERSON, ORG -> ORG, GPE -> GPE, LOC/FAC -> LOC,
NORP -> the country of a demonym); everything then goes through the same canonicalisation as the
``rules`` backend. Nothing is downloaded: the pipeline must already be installed or saved on disk.
"""

from __future__ import annotations

from functools import lru_cache

from workbench.errors import WorkbenchError
from workbench.ner.canonical import Raw

#: spaCy / CoNLL / OntoNotes labels -> workbench types (None: dropped unless it is a demonym)
LABELS: dict[str, str | None] = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": None,
}


@lru_cache(maxsize=4)
def load(name: str):
    """Load a pipeline by package name or path, once per process."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise WorkbenchError(
            f"cannot load the spaCy pipeline {name!r}: {exc}. Install it first (the workbench never downloads models)."
        ) from None
    factories = set(nlp.pipe_names) | set(nlp.pipe_factories.values())
    if not factories & {"ner", "entity_ruler", "span_ruler"}:
        raise WorkbenchError(
            f"the spaCy pipeline {name!r} has no NER component (pipes: {', '.join(nlp.pipe_names) or 'none'})"
        )
    return nlp


def extract_many(name: str, texts: list[str]) -> list[list[Raw]]:
    """Raw mentions of each text found by the pipeline ``name``.

    A text longer than the pipeline's ``max_length`` (spaCy's E088, 1,000,000 characters by
    default) is read in pieces cut at a line break or a space (:func:`pieces`), offsets kept.
    """
    from workbench.ner.canonical import lookup

    nlp = load(name)
    parts = [(i, offset, piece) for i, text in enumerate(texts) for offset, piece in pieces(text, nlp.max_length)]
    out: list[list[Raw]] = [[] for _ in texts]
    for (i, offset, _), doc in zip(parts, nlp.pipe((piece for _, _, piece in parts), batch_size=16), strict=True):
        raws = out[i]
        for ent in doc.ents:
            label = ent.label_
            kind = LABELS.get(label, "skip")
            start, end = ent.start_char + offset, ent.end_char + offset
            if kind == "skip":
                continue
            if kind is None:  # NORP: keep demonyms that name a country
                entry = lookup(ent.text)
                if entry is None or entry.kind != "demonym":
                    continue
                raws.append(Raw(start, end, "GPE", f"spacy:{label}", entry.entity, entry.country))
                continue
            raws.append(Raw(start, end, kind, f"spacy:{label}"))
    return out


def pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """``(offset, piece)`` of ``text`` in pieces of at most ``limit`` characters.

    Each cut is after the last line break, else the last sentence end (". "), else the last space
    in the second half of the piece (a word longer than half the limit is cut where it must be).

    >>> pieces("one two three four", 9)
    [(0, 'one two '), (8, 'three '), (14, 'four')]
    """
    out = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        for mark in ("\n", ". ", " "):  # a paragraph or line, a sentence, a word
            cut = text.rfind(mark, start + limit // 2, end - len(mark) + 1)
            if cut >= 0:
                cut += len(mark)
                break
        else:
            cut = end
        out.append((start, text[start:cut]))
        start = cut
    out.append((start, text[start:]))
    return out


def installed_pipelines() -> list[str]:
    """Names of the spaCy pipeline packages installed here (e.g. ``en_core_web_sm``), sorted."""
    import spacy.util

    return sorted(spacy.util.get_installed_models())


def comparable_backends() -> list[str]:
    """Every backend an evaluation can compare here: the rules (with and without the sports-results rule)
    and, for each installed pipeline, ``spacy:<p>`` and ``spacy+rules:<p>``.

    >>> comparable_backends()[:2]
    ['rules', 'rules:no-sports']
    """
    pipelines = installed_pipelines()
    return ["rules", "rules:no-sports", *(f"spacy:{p}" for p in pipelines), *(f"spacy+rules:{p}" for p in pipelines)]
