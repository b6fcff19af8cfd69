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
        raise WorkbenchError(f"cannot load the spaCy pipeline {name!r}: {exc}. Install it first (the workbench never downloads models).") from None
    factories = set(nlp.pipe_names) | set(nlp.pipe_factories.values())
    if not factories & {"ner", "entity_ruler", "span_ruler"}:
        raise WorkbenchError(f"the spaCy pipeline {name!r} has no NER component (pipes: {', '.join(nlp.pipe_names) or 'none'})")
    return nlp


def extract_many(name: str, texts: list[str]) -> list[list[Raw]]:
    """Raw mentions of each text found by the pipeline ``name``."""
    from workbench.ner.canonical import lookup

    nlp = load(name)
    out = []
    for doc in nlp.pipe(texts, batch_size=16):
        raws = []
        for ent in doc.ents:
            label = ent.label_
            kind = LABELS.get(label, "skip")
            if kind == "skip":
                continue
            if kind is None:  # NORP: keep demonyms that name a country
                entry = lookup(ent.text)
                if entry is None or entry.kind != "demonym":
                    continue
                raws.append(Raw(ent.start_char, ent.end_char, "GPE", f"spacy:{label}", entry.entity, entry.country))
                continue
            raws.append(Raw(ent.start_char, ent.end_char, kind, f"spacy:{label}"))
        out.append(raws)
    return out


def installed_pipelines() -> list[str]:
    """Names of the spaCy pipeline packages installed here (e.g. ``en_core_web_sm``), sorted."""
    import spacy.util

    return sorted(spacy.util.get_installed_models())
