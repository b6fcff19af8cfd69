"""Score an entity backend on CoNLL-2003 (English): entity-level exact match, per type and overall.

Usage::

    .venv/bin/python benchmarks/eval_ner.py                      # rules backend on testa
    .venv/bin/python benchmarks/eval_ner.py --part train --backend spacy:en_core_web_sm
    .venv/bin/python benchmarks/eval_ner.py --errors 40          # also print the first 40 errors

CoNLL text is tokenised, one token per line: tokens are joined with single spaces into sentences,
sentences with new lines into documents (``-DOCSTART-`` separates documents), and token offsets are
kept so that gold spans become character spans of that text. Labels: PER, ORG, LOC (workbench GPE and
LOC both count as LOC); MISC is excluded, and so are the workbench's demonym mentions ("German",
which CoNLL labels MISC). A prediction counts only when its span and type both match a gold entity.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from workbench import config
from workbench.ner import mentions

TYPE_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
PARTS = {"testa": "conll2003-eng.testa", "train": "conll2003-eng.train.gz"}


def read_conll(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, int, int, str]]]:
    """Articles, sentences and gold entities ``(article_id, start, end, type)`` from a CoNLL file."""
    opener = gzip.open if path.suffix == ".gz" else open
    docs: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if not parts:
                if sentence:
                    docs[-1].append(sentence)
                    sentence = []
                continue
            if parts[0] == "-DOCSTART-":
                if sentence:
                    docs[-1].append(sentence)
                    sentence = []
                if docs[-1]:
                    docs.append([])
                continue
            sentence.append((parts[0], parts[-1]))
    if sentence:
        docs[-1].append(sentence)
    articles, sentences, gold = [], [], set()
    for d, doc in enumerate(d for d in docs if d):
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
    gold = {g for g in gold if g[3] != "MISC"}
    return (
        pd.DataFrame(articles, columns=["article_id", "text"]),
        pd.DataFrame(sentences, columns=["article_id", "sentence", "start", "end"]),
        gold,
    )


def predictions(found: pd.DataFrame) -> set[tuple[str, int, int, str]]:
    keep = ~found["how"].str.contains("demonym", regex=False)
    found = found[keep]
    return {
        (a, int(s), int(e), TYPE_MAP[t]) for a, s, e, t in zip(found["article_id"], found["start"], found["end"], found["type"], strict=True) if t in TYPE_MAP
    }


def score(gold: set, predicted: set) -> pd.DataFrame:
    rows = []
    for kind in ("PER", "ORG", "LOC", "overall"):
        g = {x for x in gold if kind == "overall" or x[3] == kind}
        p = {x for x in predicted if kind == "overall" or x[3] == kind}
        tp = len(g & p)
        precision = tp / len(p) if p else 0.0
        recall = tp / len(g) if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"type": kind, "gold": len(g), "predicted": len(p), "correct": tp, "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=sorted(PARTS), default="testa")
    parser.add_argument("--backend", default="rules")
    parser.add_argument("--errors", type=int, default=0, help="print this many false positives and negatives")
    parser.add_argument("--path", type=Path, default=None, help="a CoNLL file (default: ../shared/eval/<part>)")
    args = parser.parse_args(argv)
    path = args.path or config.SHARED_DIR / "eval" / PARTS[args.part]
    if not path.exists():
        print(f"missing {path}: the CoNLL files live in ../shared/eval", file=sys.stderr)
        return 2
    articles, sentences, gold = read_conll(path)
    started = time.perf_counter()
    found = mentions(articles, sentences=sentences, backend=args.backend)
    seconds = time.perf_counter() - started
    predicted = predictions(found)
    table = score(gold, predicted)
    words = sum(len(t.split()) for t in articles["text"])
    print(f"CoNLL-2003 {args.part}: {len(articles)} documents, {words:,} tokens, backend {args.backend}, {seconds:.1f} s")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if args.errors:
        texts = dict(zip(articles["article_id"], articles["text"], strict=True))
        how = {(a, int(s), int(e)): h for a, s, e, h in zip(found["article_id"], found["start"], found["end"], found["how"], strict=True)}
        fp = sorted(predicted - gold)
        fn = sorted(gold - predicted)
        gold_spans = {(a, s, e): t for a, s, e, t in gold}
        print("\nfalse positives (text, predicted, gold type at that span, rule):")
        for a, s, e, t in fp[: args.errors]:
            print(f"  {texts[a][s:e]!r:40} {t:4} gold={gold_spans.get((a, s, e), '-'):4} {how.get((a, s, e), '')}")
        print("\nfalse negatives (text, gold type):")
        for a, s, e, t in fn[: args.errors]:
            print(f"  {texts[a][s:e]!r:40} {t}")
        print("\nmost frequent missed:", Counter(texts[a][s:e] for a, s, e, _t in fn).most_common(30))
        print("\nmost frequent wrong:", Counter(texts[a][s:e] for a, s, e, _t in fp).most_common(30))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
