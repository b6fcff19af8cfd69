"""The GUM dev set (named people, organisations and places with their Wikipedia identity) and its scores.

One JSON document a line (``../shared/eval/gum-dev/gum_dev.jsonl``): ``id``, ``date``, ``title``,
``text``, ``gold`` = ``[[start, end, type, identity, surface], ...]`` with type ``person``,
``organization`` or ``place``; ``orgloc`` (identities that may be typed ORG or LOC), ``also`` (other
acceptable titles per identity), ``neutral`` (spans that count neither way) and ``demonyms`` (spans of
lone demonyms).

The match rule (issue 10):

- a predicted and a gold name **match** when their coarse types agree (PERSON -> PER, ORG -> ORG,
  GPE/LOC -> LOC; ORG and LOC are interchangeable for identities in the document's ``orgloc``) and
  their spans are equal up to a leading "the" and a trailing possessive ("'s", or "'" after an s:
  "Galois'"); matching is one-to-one;
- predictions on a ``neutral`` span, and LOC predictions on a ``demonyms`` span, count neither way;
- a matched prediction is **canonical** when its ``entity`` equals the gold identity or one of its
  ``also`` titles, compared case-insensitively with underscores as spaces, a trailing parenthetical
  and a leading "The" dropped.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.evaluation.scoring import prf

#: gold types -> coarse types, and workbench types -> coarse types
GOLD_TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}
PREDICTED_TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
COARSE = ("PER", "ORG", "LOC")

_LEAD = re.compile(r"^(?:the|The|THE)\s+")
_TAIL = re.compile(r"(?:['’]s|(?<=s)['’])$")
_PAREN = re.compile(r"\s*\([^()]*\)$")


def read_gum(path: str | Path) -> list[dict]:
    """The documents of a GUM jsonl file, as dicts (fields in the module docstring)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gum_articles(docs: list[dict]) -> pd.DataFrame:
    """``article_id, published, title, text`` of the documents (what :func:`workbench.ner.mentions` reads)."""
    return pd.DataFrame(
        {
            "article_id": [d["id"] for d in docs],
            "published": pd.to_datetime([d.get("date") for d in docs], errors="coerce"),
            "title": [d.get("title", "") for d in docs],
            "text": [d["text"] for d in docs],
        }
    )


def span_key(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without a leading "the" and a trailing possessive (both sides of the match use this).

    >>> span_key("the Kremlin's", 0, 13)
    (4, 11)
    """
    piece = text[start:end]
    lead = _LEAD.match(piece)
    if lead:
        start += lead.end()
    tail = _TAIL.search(text, start, end)
    if tail and tail.start() > start:
        end = tail.start()
    return start, end


def identity_key(name: str) -> str:
    """A title compared case-insensitively, underscores as spaces, without a trailing parenthetical or leading "The".

    >>> identity_key("The_Gambia"), identity_key("Paris (Texas)")
    ('gambia', 'paris')
    """
    name = " ".join(str(name).replace("_", " ").split())
    name = _PAREN.sub("", name)
    name = _LEAD.sub("", name)
    return name.casefold()


@dataclass
class GumScore:
    """The result of :func:`score_gum`: a table per type and overall, canonical accuracy and the errors."""

    table: pd.DataFrame
    matched: int
    canonical: int
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)  # (document, surface, type)
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    wrong_names: list[tuple[str, str, str]] = field(default_factory=list)  # (document, predicted entity, identity)

    @property
    def canonical_accuracy(self) -> float:
        return self.canonical / self.matched if self.matched else 0.0


def score_gum(docs: list[dict], found: pd.DataFrame) -> GumScore:
    """Score mentions (``article_id, start, end, entity, type``) against the GUM gold (the rule above).

    Args:
        docs: the documents (:func:`read_gum`).
        found: predicted mentions; types outside PERSON/ORG/GPE/LOC are ignored.

    Returns:
        A :class:`GumScore`; its ``table`` has one row per coarse type then ``overall``:
        ``type, gold, predicted, correct, precision, recall, f1``.

    >>> doc = {"id": "d", "text": "the Acme Corp hired Ann Lee.",
    ...        "gold": [[4, 13, "organization", "Acme Corp", "Acme Corp"]],
    ...        "orgloc": [], "also": {}, "neutral": [], "demonyms": []}
    >>> found = pd.DataFrame({"article_id": ["d", "d"], "start": [0, 20], "end": [13, 27],
    ...                       "entity": ["Acme Corp", "Ann Lee"], "type": ["ORG", "PERSON"]})
    >>> score = score_gum([doc], found)
    >>> overall = score.table.set_index("type").loc["overall", ["correct", "predicted", "gold"]]
    >>> overall.tolist(), score.canonical_accuracy
    ([1, 2, 1], 1.0)
    """
    by_doc: dict[str, list[tuple[int, int, str, str]]] = {}
    if len(found):
        for a, s, e, ent, t in zip(
            found["article_id"], found["start"], found["end"], found["entity"], found["type"], strict=True
        ):
            coarse = PREDICTED_TYPES.get(str(t))
            if coarse is not None:
                by_doc.setdefault(str(a), []).append((int(s), int(e), coarse, str(ent)))
    gold_n: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    right_predicted: Counter[str] = Counter()  # by predicted type (precision)
    right_gold: Counter[str] = Counter()  # by gold type (recall): they differ only for orgloc identities
    score = GumScore(pd.DataFrame(), 0, 0)
    for doc in docs:
        text = doc["text"]
        orgloc = set(doc.get("orgloc") or [])
        also = doc.get("also") or {}
        neutral = {span_key(text, s, e) for s, e in doc.get("neutral") or []}
        demonyms = {span_key(text, s, e) for s, e in doc.get("demonyms") or []}
        gold: dict[tuple[int, int], list[tuple[str, str]]] = {}
        for s, e, kind, identity, _surface in doc["gold"]:
            coarse = GOLD_TYPES[kind]
            gold.setdefault(span_key(text, s, e), []).append((coarse, identity))
            gold_n[coarse] += 1
        used: set[tuple[tuple[int, int], int]] = set()
        for s, e, coarse, entity in sorted(by_doc.get(doc["id"], [])):
            key = span_key(text, s, e)
            hit = None
            for n, (gold_type, identity) in enumerate(gold.get(key, [])):
                if (key, n) in used:
                    continue
                if gold_type == coarse or (identity in orgloc and {gold_type, coarse} == {"ORG", "LOC"}):
                    hit = (n, gold_type, identity)
                    break
            if hit is None:
                if key in neutral or (coarse == "LOC" and key in demonyms):
                    continue  # counts neither way
                pred_n[coarse] += 1
                score.false_positives.append((doc["id"], text[key[0] : key[1]], coarse))
                continue
            n, gold_type, identity = hit
            used.add((key, n))
            pred_n[coarse] += 1
            right_predicted[coarse] += 1
            right_gold[gold_type] += 1
            score.matched += 1
            names = {identity_key(identity), *(identity_key(a) for a in also.get(identity, []))}
            if identity_key(entity) in names:
                score.canonical += 1
            else:
                score.wrong_names.append((doc["id"], entity, identity))
        for key, entries in gold.items():
            for n, (gold_type, _identity) in enumerate(entries):
                if (key, n) not in used:
                    score.misses.append((doc["id"], text[key[0] : key[1]], gold_type))
    rows = []
    for kind in [*COARSE, "overall"]:
        g = sum(gold_n.values()) if kind == "overall" else gold_n[kind]
        p = sum(pred_n.values()) if kind == "overall" else pred_n[kind]
        cp = sum(right_predicted.values()) if kind == "overall" else right_predicted[kind]
        cg = sum(right_gold.values()) if kind == "overall" else right_gold[kind]
        precision, recall, f1 = prf(cp, p, cg, g)
        rows.append(
            {"type": kind, "gold": g, "predicted": p, "correct": cg, "precision": precision, "recall": recall, "f1": f1}
        )
    score.table = pd.DataFrame(rows)
    return score
