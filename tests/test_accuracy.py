"""Accuracy floors on the gold sets in ../shared: the suite fails when an extractor falls below them.

The figures are computed exactly as the benchmark scripts compute them (``benchmarks/eval_ner.py``,
``eval_attribution.py``, ``eval_dates.py`` call the same ``workbench.evaluation`` scorers); the
floors are the documented ones (README "Speed and accuracy", issues 9 and 14). These tests are the
tuning sets: a floor here guards against regressions, it does not promise the same on unseen text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from workbench.attribution import attributions
from workbench.dates import find_dates
from workbench.evaluation.attributions import gold_attributions, score_attributions
from workbench.evaluation.conll import LABELS, entity_predictions, read_conll
from workbench.evaluation.gum import gum_articles, read_gum, score_gum
from workbench.evaluation.scoring import score_spans
from workbench.evaluation.timeml import dct_baseline, predictions, read_timeml, score_dates
from workbench.ner import mentions
from workbench.sentences import sentences as split

pytestmark = [pytest.mark.shared, pytest.mark.slow]

#: CoNLL-2003 testa, PER/ORG/LOC exact match (measured F1 0.813, ORG 0.658)
NER_F1 = 0.80
NER_ORG_F1 = 0.60
#: GUM dev, rules backend (issue 10; measured F1 0.760, PER 0.753 / ORG 0.663 / LOC 0.802, canonical 0.862)
GUM_F1 = 0.74
GUM_TYPE_F1 = 0.63
GUM_CANONICAL = 0.85
#: PolNeAR dev (measured source F1 0.646, direct-quote recall 0.824)
SOURCE_F1 = 0.64
DIRECT_RECALL = 0.82
#: TempEval-3 TBAQ, DATE value F1 (measured 0.818; the floor leaves a margin of about two points)
DATE_VALUE_F1 = 0.80


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"needs {path} (the gold sets in ../shared); not present here")
    return path


def test_ner_on_conll_testa(conll_dir):
    articles, sentences, gold = read_conll(_needs(conll_dir / "conll2003-eng.testa"))
    found = mentions(articles, sentences=sentences, backend="rules")
    table = score_spans(gold, entity_predictions(found), types=LABELS).set_index("type")
    summary = table[["precision", "recall", "f1"]].round(3).to_dict("index")
    assert table.loc["overall", "f1"] >= NER_F1, summary
    assert table.loc["ORG", "f1"] >= NER_ORG_F1, summary


def test_ner_on_gum_dev(conll_dir):
    docs = read_gum(_needs(conll_dir / "gum-dev" / "gum_dev.jsonl"))
    articles = gum_articles(docs)
    score = score_gum(docs, mentions(articles, sentences=split(articles), backend="rules"))
    table = score.table.set_index("type")
    summary = table[["precision", "recall", "f1"]].round(3).to_dict("index")
    assert table.loc["overall", "f1"] >= GUM_F1, summary
    assert all(table.loc[kind, "f1"] >= GUM_TYPE_F1 for kind in ("PER", "ORG", "LOC")), summary
    assert score.canonical_accuracy >= GUM_CANONICAL, f"canonical {score.canonical_accuracy:.3f}"


def test_attribution_on_polnear_dev(polnear_dir, polnear_corpus):
    split_dir = polnear_dir / "dev"
    stems = {re.sub(r"_[^_]+$", "", p.stem) for p in (split_dir / "attributions").glob("*.ann")}
    articles = polnear_corpus.articles
    articles = articles[articles["article_id"].isin(stems)].reset_index(drop=True)
    assert len(articles) == len(stems) == 84
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    gold = gold_attributions(split_dir, texts)
    sentences = split(articles)
    pred = attributions(articles, sentences=sentences, mentions=mentions(articles, sentences=sentences))
    score = score_attributions(pred, gold.attributions, texts)
    p, r, f1 = score.prf("source")
    summary = f"source P/R/F1 {p:.3f}/{r:.3f}/{f1:.3f}, direct-quote recall {score.recall('direct'):.3f}"
    assert f1 >= SOURCE_F1, summary
    assert score.recall("direct") >= DIRECT_RECALL, summary


def test_dates_on_tbaq(conll_dir):
    documents = read_timeml(_needs(conll_dir / "tempeval3-tbaq"))
    assert len(documents) == 256
    gold = pd.concat([d.timexes for d in documents], ignore_index=True)
    score = score_dates(gold, predictions(documents, find_dates))
    baseline = dct_baseline(gold, documents)
    p, r, f1 = score.value
    summary = f"value P/R/F1 {p:.3f}/{r:.3f}/{f1:.3f} over {score.gold} gold DATE; DCT baseline {baseline.value[2]:.3f}"
    assert f1 >= DATE_VALUE_F1, summary
    assert f1 > baseline.value[2] + 0.4, summary
