"""Score an entity backend on the GUM dev set: P/R/F1 per type, canonical names, frequent errors.

Usage::

    .venv/bin/python benchmarks/eval_gum.py                         # rules backend
    .venv/bin/python benchmarks/eval_gum.py --backend spacy:en_core_web_sm
    .venv/bin/python benchmarks/eval_gum.py --all                   # every backend available here
    .venv/bin/python benchmarks/eval_gum.py --errors 40             # longer error lists
    .venv/bin/python benchmarks/eval_gum.py --pipeline /tmp/spacy-conll/model-best  # rules, spacy:, spacy+rules:
    # (a saved pipeline, e.g. from benchmarks/train_spacy.py --out /tmp/spacy-conll)

The reader and the match rule are ``workbench.evaluation.gum`` (its docstring states the rule).
``--all`` also runs ``spacy:<p>`` and ``spacy+rules:<p>`` for every spaCy pipeline installed, and
says so when none is.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from common import add_backend_options, backends

from workbench import config
from workbench.evaluation.gum import gum_articles, read_gum, score_gum
from workbench.ner import mentions
from workbench.sentences import sentences as split_sentences

DEFAULT = Path("eval") / "gum-dev" / "gum_dev.jsonl"


def evaluate(docs: list[dict], backend: str, errors: int) -> None:
    articles = gum_articles(docs)
    sentences = split_sentences(articles)
    started = time.perf_counter()
    found = mentions(articles, sentences=sentences, backend=backend)
    seconds = time.perf_counter() - started
    score = score_gum(docs, found)
    words = sum(len(t.split()) for t in articles["text"])
    print(f"\nGUM dev: {len(docs)} documents, {words:,} words, backend {backend}, {seconds:.1f} s")
    print(score.table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(
        f"canonical name = Wikipedia title: {score.canonical}/{score.matched} = "
        f"{score.canonical_accuracy:.3f} of the names found"
    )
    if errors:
        print(
            "\nmost frequent false positives:",
            Counter(f"{s} ({t})" for _d, s, t in score.false_positives).most_common(errors),
        )
        print("\nmost frequent misses:", Counter(f"{s} ({t})" for _d, s, t in score.misses).most_common(errors))
        print(
            "\nmost frequent wrong names:", Counter(f"{e} -> {i}" for _d, e, i in score.wrong_names).most_common(errors)
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_backend_options(parser, all_help="rules, then spacy and spacy+rules with every installed pipeline")
    parser.add_argument("--errors", type=int, default=25, help="how many frequent errors to print (0: none)")
    parser.add_argument(
        "--path", type=Path, default=None, help="a GUM jsonl file (default: ../shared/eval/gum-dev/gum_dev.jsonl)"
    )
    args = parser.parse_args(argv)
    path = args.path or config.SHARED_DIR / DEFAULT
    if not path.exists():
        print(f"missing {path}: the GUM dev file lives in ../shared/eval/gum-dev", file=sys.stderr)
        return 2
    docs = read_gum(path)
    for backend in backends(args):
        evaluate(docs, backend, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
