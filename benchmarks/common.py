"""Helpers shared by the benchmark scripts (run them as ``.venv/bin/python benchmarks/NAME.py``)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from workbench import Corpus, config, load_corpus

POLNEAR = config.SHARED_DIR / "corpora" / "polnear"
WIKINEWS = config.SHARED_DIR / "corpora" / "wikinews-timeline"


def shared_corpus(path: str | Path) -> Corpus:
    """Load a real corpus from ``../shared``, or exit with a clear message when it is absent."""
    root = Path(path)
    if not root.exists():
        raise SystemExit(f"needs {root} (the real corpora in ../shared); not present")
    return load_corpus(root)


def train_articles(corpus: Corpus) -> pd.DataFrame:
    """PolNeAR's train part (840 articles), the text every speed benchmark runs on."""
    return corpus.articles[corpus.articles["path"].str.contains("/train/", regex=False)].reset_index(drop=True)


def add_backend_options(parser: argparse.ArgumentParser, *, all_help: str) -> None:
    """``--backend``, ``--all`` and ``--pipeline PATH`` of the entity evaluations (:func:`backends`)."""
    parser.add_argument("--backend", default="rules")
    parser.add_argument("--all", action="store_true", help=all_help)
    parser.add_argument(
        "--pipeline",
        action="append",
        default=[],
        metavar="PATH",
        help="a spaCy pipeline (package or saved folder, e.g. from benchmarks/train_spacy.py): "
        "runs rules, spacy:PATH and spacy+rules:PATH (with --all: added to the installed ones); repeatable",
    )


def backends(args: argparse.Namespace) -> list[str]:
    """The entity backends the options of :func:`add_backend_options` ask for (says when no pipeline is found)."""
    from workbench.ner.spacy_backend import comparable_backends

    if args.all:
        chosen = comparable_backends(pipelines=args.pipeline)
        if not any(b.startswith("spacy") for b in chosen):
            print("no spaCy pipeline with an NER component is installed: spacy:<p> and spacy+rules:<p> skipped")
        return chosen
    if args.pipeline:
        return ["rules", *(f"{family}{p}" for family in ("spacy:", "spacy+rules:") for p in args.pipeline)]
    return [args.backend]
