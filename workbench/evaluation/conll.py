"""CoNLL-2003 NER files as articles, sentences and gold entity spans.

CoNLL text is tokenised, one token per line: tokens are joined with single spaces into sentences,
sentences with new lines into documents (``-DOCSTART-`` separates documents), and token offsets are
kept so that gold spans become character spans of that text. Labels: PER, ORG, LOC (workbench GPE and
LOC both count as LOC); MISC is excluded, and so are the workbench's demonym mentions ("German",
which CoNLL labels MISC). Score with :func:`workbench.evaluation.scoring.score_spans` (exact match).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd

#: workbench entity type -> CoNLL label
TYPE_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
#: the CoNLL labels scored, in report order
LABELS = ("PER", "ORG", "LOC")

Entity = tuple[str, int, int, str]


def documents(lines) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> ``(token, tag)`` of the lines of a CoNLL file (``-DOCSTART-`` separates documents)."""
    docs: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    for line in lines:
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            if parts and docs[-1]:
                docs.append([])
            continue
        sentence.append((parts[0], parts[-1]))
    if sentence:
        docs[-1].append(sentence)
    return [d for d in docs if d]


def parse_conll(lines) -> tuple[pd.DataFrame, pd.DataFrame, set[Entity]]:
    """Articles, sentences and gold entities from the lines of a CoNLL file (see :func:`read_conll`).

    IOB1 and IOB2 tags both work: an entity ends at ``O``, at a change of type or at a ``B-`` tag.

    >>> lines = ["EU NNP B-NP I-ORG", "rejects VBZ B-VP O", "German JJ B-NP I-MISC", "call NN I-NP O", "",
    ...          "Peter NNP B-NP I-PER", "Blackburn NNP B-NP I-PER"]
    >>> articles, sentences, gold = parse_conll(lines)
    >>> articles["text"].iloc[0]
    'EU rejects German call\\nPeter Blackburn\\n'
    >>> sorted(gold)
    [('doc0000', 0, 2, 'ORG'), ('doc0000', 23, 38, 'PER')]
    """
    articles, sentences, gold = [], [], set()
    for d, doc in enumerate(documents(lines)):
        article_id = f"doc{d:04d}"
        pieces: list[str] = []
        pos = 0
        for s, sent in enumerate(doc):
            start_sentence = pos
            current = None  # (type, start, end)
            for k, (token, tag) in enumerate(sent):
                if k:
                    pieces.append(" ")
                    pos += 1
                begin, pos = pos, pos + len(token)
                pieces.append(token)
                kind = tag[2:] if tag != "O" else None
                if current and (kind != current[0] or tag.startswith("B-")):
                    gold.add((article_id, current[1], current[2], current[0]))
                    current = None
                if kind:
                    current = (kind, current[1], pos) if current else (kind, begin, pos)
            if current:
                gold.add((article_id, current[1], current[2], current[0]))
            sentences.append((article_id, s, start_sentence, pos))
            pieces.append("\n")
            pos += 1
        articles.append((article_id, "".join(pieces)))
    return (
        pd.DataFrame(articles, columns=["article_id", "text"]),
        pd.DataFrame(sentences, columns=["article_id", "sentence", "start", "end"]),
        {g for g in gold if g[3] in LABELS},
    )


def read_conll(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, set[Entity]]:
    """Articles, sentences and gold entities ``(article_id, start, end, label)`` of a CoNLL file.

    Args:
        path: a CoNLL-2003 file (``token POS chunk NER`` per line), optionally gzipped (``.gz``).

    Returns:
        ``articles`` (``article_id, text``), ``sentences`` (``article_id, sentence, start, end``) and
        the gold PER/ORG/LOC entities as a set of tuples (MISC left out).
    """
    with _open(path) as handle:
        return parse_conll(handle)


def read_documents(path: str | Path) -> list[list[list[tuple[str, str]]]]:
    """:func:`documents` of a CoNLL file, optionally gzipped (``.gz``)."""
    with _open(path) as handle:
        return documents(handle)


def _open(path: str | Path):
    path = Path(path)
    return (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8")


def entity_predictions(found: pd.DataFrame) -> set[Entity]:
    """``(article_id, start, end, label)`` of workbench mentions, in CoNLL labels; demonyms left out.

    Args:
        found: mentions (``article_id, start, end, type, how``) as ``workbench`` extracts them.
    """
    keep = ~found["how"].astype(str).str.contains("demonym", regex=False)
    found = found[keep]
    return {
        (a, int(s), int(e), TYPE_MAP[t])
        for a, s, e, t in zip(found["article_id"], found["start"], found["end"], found["type"], strict=True)
        if t in TYPE_MAP
    }
