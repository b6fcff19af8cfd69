"""Scorers for the benchmark gold sets: readers of each gold format and the matching rules.

The scripts in ``benchmarks/`` (``eval_ner.py``, ``eval_attribution.py``, ``eval_dates.py``) and the
accuracy floors in ``tests/test_accuracy.py`` call these functions, so the numbers in the README and
the ones the suite checks come from one implementation. Nothing here knows where the gold sets live:
every reader takes a path (the real sets are in ``../shared/eval`` and ``../shared/corpora``).

- :mod:`~workbench.evaluation.scoring`: precision, recall and F1; span overlap; exact-match scoring
  of typed spans.
- :mod:`~workbench.evaluation.conll`: CoNLL-2003 files as articles, sentences and gold entities.
- :mod:`~workbench.evaluation.attributions`: PolNeAR's BRAT attributions and the source/cue/content scores.
- :mod:`~workbench.evaluation.timeml`: TimeML documents (TempEval-3 TBAQ) and date value scores.
- :mod:`~workbench.evaluation.wikinews`: the SemEval-2015 TimeLine gold event dates.
"""

from __future__ import annotations

from workbench.evaluation.scoring import overlaps, prf, score_spans

__all__ = ["overlaps", "prf", "score_spans"]
