"""Precision, recall and F1, span overlap, and exact-match scoring of typed spans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

Span = tuple[int, int]


def prf(correct_predicted: int, predicted: int, correct_gold: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0.0 where a denominator is 0).

    Precision and recall take separate numerators because overlap matching is not one-to-one: a
    prediction can be correct for one gold item while a gold item is found by two predictions.

    Args:
        correct_predicted: predictions that match some gold item.
        predicted: all predictions.
        correct_gold: gold items that some prediction matches.
        gold: all gold items.

    Returns:
        ``(precision, recall, f1)``.

    >>> prf(3, 4, 3, 6)
    (0.75, 0.5, 0.6)
    """
    precision = correct_predicted / predicted if predicted else 0.0
    recall = correct_gold / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def overlaps(a: Sequence[Span] | Span | None, b: Sequence[Span] | Span | None) -> bool:
    """Whether two spans (or lists of discontinuous pieces) share at least one character.

    Spans are half-open ``(start, end)``; touching spans (``(0, 3)`` and ``(3, 5)``) do not overlap.

    >>> overlaps((0, 5), [(7, 9), (4, 6)]), overlaps((0, 3), (3, 5)), overlaps(None, (0, 1))
    (True, False, False)
    """
    if a is None or b is None:
        return False
    a_list = [a] if isinstance(a, tuple) else a
    b_list = [b] if isinstance(b, tuple) else b
    return any(x0 < y1 and y0 < x1 for x0, x1 in a_list for y0, y1 in b_list)


def score_spans(
    gold: Iterable[tuple], predicted: Iterable[tuple], *, types: Sequence[str] | None = None
) -> pd.DataFrame:
    """Exact-match scores of typed spans, per type and overall (the CoNLL entity-level measure).

    A prediction is correct only when its document, start, end and type all equal a gold item's:
    a span one character off, or the right span with another type, counts once as a false positive
    and once as a miss.

    Args:
        gold: ``(document, start, end, type)`` tuples.
        predicted: the same shape.
        types: the types to report, in order (default: every type in ``gold``, sorted).

    Returns:
        One row per type, then ``overall``: ``type, gold, predicted, correct, precision, recall, f1``.

    >>> table = score_spans({("d", 0, 3, "PER"), ("d", 5, 9, "ORG")}, {("d", 0, 3, "PER"), ("d", 5, 9, "LOC")})
    >>> overall = table.set_index("type").loc["overall"]
    >>> int(overall["correct"]), float(overall["precision"]), float(overall["recall"])
    (1, 0.5, 0.5)
    """
    gold, predicted = set(gold), set(predicted)
    kinds = list(types) if types is not None else sorted({g[3] for g in gold})
    rows = []
    for kind in [*kinds, "overall"]:
        g = gold if kind == "overall" else {x for x in gold if x[3] == kind}
        p = predicted if kind == "overall" else {x for x in predicted if x[3] == kind}
        correct = len(g & p)
        precision, recall, f1 = prf(correct, len(p), correct, len(g))
        rows.append(
            {
                "type": kind,
                "gold": len(g),
                "predicted": len(p),
                "correct": correct,
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )
    return pd.DataFrame(rows)
