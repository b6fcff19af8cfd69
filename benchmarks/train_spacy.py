"""Train a spaCy NER pipeline on CoNLL-2003 train, offline, to measure the ``spacy:`` and ``spacy+rules:`` backends.

Usage::

    nice -n 10 .venv/bin/python benchmarks/train_spacy.py                 # to $WORKBENCH_CACHE/spacy-conll
    nice -n 10 .venv/bin/python benchmarks/train_spacy.py --out /tmp/spacy-conll --epochs 5

Then ``benchmarks/eval_gum.py --pipeline <out>/model-best`` (and ``eval_ner.py``) measure ``rules``,
``spacy:<out>/model-best`` and ``spacy+rules:<out>/model-best``.

What it does: spaCy's own starter config for an English NER pipeline (``spacy init config --lang en
--pipeline ner --optimize efficiency``: a hash-embedding CNN tok2vec, no pretrained vectors, CPU, one
thread), trained on the CoNLL-2003 train documents (one example per document; IOB1 tags turned into
PER/ORG/LOC/MISC spans) for 3 epochs by default. The workbench's CoNLL reader puts each sentence on its
own line; half the train sentence ends (``--prose``) are joined by a space instead, so that the model
also sees sentences follow one another as in running prose (trained on line breaks only, it took
"When" or "Although" after ". " for names). CoNLL testa, a sentence a line, is the dev set: spaCy scores
it every 400 steps and keeps the best as ``model-best`` (so testa is in-domain and not held out for this
pipeline). Nothing is downloaded. Measured here (2026-12-01): 3 epochs in 30.7 min with the machine's
load average near 11 on 2 cores; testa F1 0.860 by spaCy's scorer (MISC included).
The CoNLL files are for research use only: the trained pipeline stays outside the repository.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from workbench import config
from workbench.evaluation.conll import read_documents

PARTS = {"train": "conll2003-eng.train.gz", "dev": "conll2003-eng.testa"}


def iob2(tags: list[str]) -> list[str]:
    """IOB1 tags (``I-`` everywhere, ``B-`` only between two names of one type) as IOB2 (``B-`` at each start).

    >>> iob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"])
    ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'B-ORG']
    """
    out, previous = [], "O"
    for tag in tags:
        if tag == "O":
            out.append("O")
        elif tag.startswith("B-") or previous == "O" or previous[2:] != tag[2:]:
            out.append("B-" + tag[2:])
        else:
            out.append(tag)
        previous = tag
    return out


def doc_bin(nlp, documents, *, prose: float = 0.0, seed: int = 0) -> object:
    """A ``DocBin`` of one spaCy ``Doc`` per document: tokens as given, sentences joined by a new line.

    Args:
        nlp: a blank pipeline (its vocabulary).
        documents: :func:`workbench.evaluation.conll.read_documents`.
        prose: the share of sentence ends joined by a space instead, as in running prose. CoNLL puts every
            sentence on its own line: a model that only ever sees a sentence start after a line break takes
            "When" or "Although" after ". " for a name.
        seed: the seed of the random choice of joins.
    """
    from spacy.tokens import Doc, DocBin

    choose = random.Random(seed)
    out = DocBin(store_user_data=False)
    for document in documents:
        words, spaces, tags = [], [], []
        for k, sentence in enumerate(document):
            if k and choose.random() < prose:
                spaces[-1] = True
            elif k:  # the "\n" between sentences is a whitespace token, as spaCy's tokenizer makes it
                words.append("\n")
                spaces.append(False)
                tags.append("O")
            for i, (token, _) in enumerate(sentence):
                words.append(token)
                spaces.append(i < len(sentence) - 1)
            tags.extend(iob2([tag for _, tag in sentence]))
        out.add(Doc(nlp.vocab, words=words, spaces=spaces, ents=tags))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=config.CACHE_DIR / "spacy-conll", help="output folder")
    parser.add_argument("--epochs", type=int, default=3, help="at most this many passes over the train documents")
    parser.add_argument(
        "--patience", type=int, default=1600, help="stop after this many steps without a better dev score"
    )
    parser.add_argument(
        "--prose", type=float, default=0.5, help="share of train sentences joined by a space, not a new line"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: the machine is shared
    paths = {part: config.SHARED_DIR / "eval" / name for part, name in PARTS.items()}
    for path in paths.values():
        if not path.exists():
            print(f"missing {path}: the CoNLL files live in ../shared/eval", file=sys.stderr)
            return 2

    import spacy
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train

    args.out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    for part, path in paths.items():
        documents = read_documents(path)
        # dev (testa) stays as the workbench reads it: a sentence a line
        doc_bin(nlp, documents, prose=args.prose if part == "train" else 0.0, seed=args.seed).to_disk(
            args.out / f"{part}.spacy"
        )
        tokens = sum(len(s) for d in documents for s in d)
        print(f"{part}: {path.name}, {len(documents)} documents, {tokens:,} tokens")

    cfg = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False, pretraining=False, silent=True)
    cfg["paths"]["train"] = str(args.out / "train.spacy")
    cfg["paths"]["dev"] = str(args.out / "dev.spacy")
    cfg["system"]["seed"] = args.seed
    cfg["training"]["max_epochs"] = args.epochs
    cfg["training"]["max_steps"] = 0  # the epochs bound the run
    cfg["training"]["patience"] = args.patience
    cfg["training"]["eval_frequency"] = 400
    cfg_path = args.out / "config.cfg"
    cfg.to_disk(cfg_path)
    started = time.perf_counter()
    print(
        f"training: spaCy {spacy.__version__}, efficiency config (tok2vec HashEmbedCNN, no vectors, CPU), "
        f"at most {args.epochs} epochs, patience {args.patience} steps, dev = testa, seed {args.seed}, "
        f"{args.prose:.0%} of train sentence ends joined by a space",
        flush=True,
    )
    train(cfg_path, args.out, use_gpu=-1)
    minutes = (time.perf_counter() - started) / 60
    best = spacy.load(args.out / "model-best")
    performance = best.meta.get("performance", {})
    per_type = performance.get("ents_per_type", {})
    load = os.getloadavg()[0]
    print(f"\ntrained in {minutes:.1f} min (load average {load:.2f}); pipeline: {args.out / 'model-best'}")
    print(
        f"testa (spaCy's scorer, PER/ORG/LOC/MISC): P {performance.get('ents_p', 0):.3f} "
        f"R {performance.get('ents_r', 0):.3f} F1 {performance.get('ents_f', 0):.3f}; "
        + ", ".join(f"{label} {s['f']:.3f}" for label, s in sorted(per_type.items()))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
