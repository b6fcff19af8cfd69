"""Score an entity backend on CoNLL-2003 (English): entity-level exact match, per type and overall.

Usage::

    .venv/bin/python benchmarks/eval_ner.py                      # rules backend on testa
    .venv/bin/python benchmarks/eval_ner.py --part train --backend spacy:en_core_web_sm
    .venv/bin/python benchmarks/eval_ner.py --errors 40          # also print the first 40 errors
    .venv/bin/python benchmarks/eval_ner.py --pipeline /tmp/spacy-conll/model-best  # rules, spacy:, spacy+rules:
    # (a saved pipeline, e.g. from benchmarks/train_spacy.py --out /tmp/spacy-conll)
    .venv/bin/python benchmarks/eval_ner.py --all                # rules, rules:no-sports, and spacy:<p> and
                                                                 # spacy+rules:<p> for every installed pipeline

The reader and the scorer are ``workbench.evaluation.conll`` and ``workbench.evaluation.scoring``
(their docstrings define the text, the labels and the exact-match rule); ``tests/test_accuracy.py``
checks the same figures against the README floors.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from common import add_backend_options, backends

from workbench import config
from workbench.evaluation.conll import LABELS, entity_predictions, read_conll
from workbench.evaluation.scoring import score_spans
from workbench.ner import mentions

PARTS = {"testa": "conll2003-eng.testa", "train": "conll2003-eng.train.gz"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=sorted(PARTS), default="testa")
    add_backend_options(parser, all_help="every backend available here (installed spaCy pipelines too)")
    parser.add_argument("--errors", type=int, default=0, help="print this many false positives and negatives")
    parser.add_argument("--path", type=Path, default=None, help="a CoNLL file (default: ../shared/eval/<part>)")
    args = parser.parse_args(argv)
    path = args.path or config.SHARED_DIR / "eval" / PARTS[args.part]
    if not path.exists():
        print(f"missing {path}: the CoNLL files live in ../shared/eval", file=sys.stderr)
        return 2
    articles, sentences, gold = read_conll(path)
    for backend in backends(args):
        args.backend = backend
        evaluate(args, articles, sentences, gold)
    return 0


def evaluate(args: argparse.Namespace, articles, sentences, gold) -> None:
    started = time.perf_counter()
    found = mentions(articles, sentences=sentences, backend=args.backend)
    seconds = time.perf_counter() - started
    predicted = entity_predictions(found)
    table = score_spans(gold, predicted, types=LABELS)
    words = sum(len(t.split()) for t in articles["text"])
    print(
        f"CoNLL-2003 {args.part}: {len(articles)} documents, {words:,} tokens, backend {args.backend}, {seconds:.1f} s"
    )
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if args.errors:
        texts = dict(zip(articles["article_id"], articles["text"], strict=True))
        how = {
            (a, int(s), int(e)): h
            for a, s, e, h in zip(found["article_id"], found["start"], found["end"], found["how"], strict=True)
        }
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


if __name__ == "__main__":
    raise SystemExit(main())
