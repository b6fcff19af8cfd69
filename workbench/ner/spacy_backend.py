"""The ``spacy:<package-or-path>`` backend: any installed spaCy pipeline with an NER component.

Labels map to the workbench types. OntoNotes labels (``en_core_web_*``): PERSON -> PERSON, ORG -> ORG,
GPE -> GPE, LOC/FAC -> LOC, NORP -> the country of a demonym. CoNLL-2003 labels (a pipeline trained on
CoNLL, e.g. by ``benchmarks/train_spacy.py``; its NER has no GPE label): PER -> PERSON, ORG -> ORG,
LOC -> GPE (CoNLL's LOC holds countries and cities, which OntoNotes calls GPE; the gazetteer still
types known seas and rivers LOC), MISC -> the country of a demonym, as NORP. Everything then goes
through the same canonicalisation as the ``rules`` backend. Nothing is downloaded: the pipeline must
already be installed or saved on disk.
"""

from __future__ import annotations

from functools import lru_cache

from workbench.errors import WorkbenchError
from workbench.ner.canonical import Raw

#: OntoNotes labels (spaCy's ``en_core_web_*``) -> workbench types (None: dropped unless it is a demonym)
LABELS: dict[str, str | None] = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": None,
}
#: CoNLL-2003 labels -> workbench types, for a pipeline whose NER knows no GPE (see the module docstring)
CONLL_LABELS: dict[str, str | None] = {"PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": None}


def label_map(labels) -> dict[str, str | None]:
    """The label -> type map for a pipeline whose entity recogniser knows ``labels``.

    >>> label_map(["LOC", "MISC", "ORG", "PER"])["LOC"]
    'GPE'
    >>> label_map(["GPE", "LOC", "NORP", "ORG", "PERSON"])["LOC"]
    'LOC'
    """
    labels = set(labels)
    return CONLL_LABELS if "GPE" not in labels and labels & {"PER", "MISC"} else LABELS


def pipeline_labels(nlp) -> set[str]:
    """Every entity label the pipeline's ``ner``, ``entity_ruler`` or ``span_ruler`` pipes can give."""
    out: set[str] = set()
    for _name, pipe in nlp.pipeline:
        labels = getattr(pipe, "labels", None)
        if labels:
            out.update(str(label) for label in labels)
    return out


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
    labels = label_map(pipeline_labels(nlp))
    parts = [(i, offset, piece) for i, text in enumerate(texts) for offset, piece in pieces(text, nlp.max_length)]
    out: list[list[Raw]] = [[] for _ in texts]
    for (i, offset, _), doc in zip(parts, nlp.pipe((piece for _, _, piece in parts), batch_size=16), strict=True):
        raws = out[i]
        for ent in doc.ents:
            label = ent.label_
            kind = labels.get(label, "skip")
            start, end = ent.start_char + offset, ent.end_char + offset
            if kind == "skip":
                continue
            if kind is None:  # NORP (MISC): keep demonyms that name a country
                entry = lookup(ent.text)
                if entry is None or entry.kind != "demonym":
                    continue
                # "+demonyms" as the rules mark theirs: CoNLL scores no demonym (its MISC), neither side's
                raws.append(Raw(start, end, "GPE", f"spacy:{label}+{entry.how}", entry.entity, entry.country))
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


def comparable_backends(*, pipelines: list[str] | None = None) -> list[str]:
    """Every backend an evaluation can compare here: the rules (with and without the sports-results rule)
    and, for each installed pipeline and each of ``pipelines`` (package names or paths of saved pipelines),
    ``spacy:<p>`` and ``spacy+rules:<p>``.

    >>> comparable_backends()[:2]
    ['rules', 'rules:no-sports']
    >>> comparable_backends(pipelines=["/tmp/ner"])[-2:]
    ['spacy:/tmp/ner', 'spacy+rules:/tmp/ner']
    """
    found = installed_pipelines()
    found += [p for p in pipelines or [] if p not in found]
    return ["rules", "rules:no-sports", *(f"spacy:{p}" for p in found), *(f"spacy+rules:{p}" for p in found)]
