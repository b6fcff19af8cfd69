"""PolNeAR's gold attributions (BRAT Source / Cue / Content) and the scores of predicted ones.

Scoring (issue 4): a predicted source (a text-level row with a source span) counts when it overlaps a
gold Source whose attribution's Content overlaps the predicted content or, for a prediction without
content, whose Cue overlaps the predicted cue. Recall is over gold attributions that have a Source.
Cues and contents are scored by span overlap alone. Recall is also split by direct quotes (gold
content opening with a quotation mark) and indirect ones. The first annotator file per article
(sorted by name) is the gold. Offsets index the raw text file; :func:`gold_attributions` can move them
to index ``articles.text`` (the reader's Unicode NFC normalisation can shift them).
"""

from __future__ import annotations

import collections
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.evaluation.scoring import Span, overlaps, prf

#: characters that open a direct quote
QUOTE_MARKS = "\"“‘'`"
ROLES = ("Source", "Cue", "Content")

Attribution = dict[str, list[Span]]


def parse_ann(text: str) -> tuple[dict[str, tuple[str, list[Span], str]], list[dict[str, str]]]:
    """Text-bound annotations ``{id: (kind, pieces, written)}`` and events ``[{role: id}]`` of a ``.ann`` file's text.

    >>> spans, events = parse_ann("T1\\tSource 0 3\\tSam\\nT2\\tCue 4 8\\tsaid\\nE1\\tAttribution:T2 Source:T1 Cue:T2")
    >>> spans["T1"], events
    (('Source', [(0, 3)], 'Sam'), [{'Source': 'T1', 'Cue': 'T2'}])
    """
    spans: dict[str, tuple[str, list[Span], str]] = {}
    events: list[dict[str, str]] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2 and " " in parts[1]:
            kind, where = parts[1].split(" ", 1)
            pieces = [tuple(int(x) for x in piece.split()) for piece in where.split(";")]
            spans[parts[0]] = (kind, pieces, parts[2] if len(parts) > 2 else "")
        elif line.startswith("E") and len(parts) >= 2:
            args = [a.split(":", 1) for a in parts[1].split()[1:] if ":" in a]  # the first is the event itself
            events.append({role: ref for role, ref in args})
    return spans, events


def _aligner(raw: str, text: str) -> Callable[[int], int]:
    """Map offsets in the raw file to ``articles.text`` (the reader applies Unicode NFC, which can shift them)."""
    if raw.rstrip() == text.rstrip():
        return lambda offset: offset
    return lambda offset: len(unicodedata.normalize("NFC", raw[:offset].replace("\r\n", "\n").lstrip("\ufeff")))


@dataclass
class Gold:
    """PolNeAR gold of one split: attributions per article, and what was written at each span.

    Attributes:
        attributions: article id -> attributions, each ``{"Source"|"Cue"|"Content": [(start, end), ...]}``.
        written: article id -> ``(pieces, text as annotated)`` of every span, to check the offsets.
        realigned: articles whose offsets were moved to index ``articles.text``.
    """

    attributions: dict[str, list[Attribution]] = field(default_factory=dict)
    written: dict[str, list[tuple[list[Span], str]]] = field(default_factory=dict)
    realigned: list[str] = field(default_factory=list)


def gold_attributions(split_dir: str | Path, texts: dict[str, str] | None = None) -> Gold:
    """The gold attributions of one PolNeAR split (``.../polnear/dev``), from the first annotator.

    Args:
        split_dir: a folder with ``attributions/*.ann`` and ``text/*.txt``.
        texts: article id (file stem) -> ``articles.text``; when given, offsets are moved to index
            those texts wherever the raw file differs.
    """
    split_dir = Path(split_dir)
    first: dict[str, Path] = {}
    for path in sorted((split_dir / "attributions").glob("*.ann")):
        first.setdefault(re.sub(r"_[^_]+$", "", path.stem), path)
    out = Gold()
    for stem, path in first.items():
        spans, events = parse_ann(path.read_text(encoding="utf-8"))
        if texts is not None and stem in texts:
            raw = (split_dir / "text" / f"{stem}.txt").read_text(encoding="utf-8")
            if raw.rstrip() != texts[stem].rstrip():
                align = _aligner(raw, texts[stem])
                out.realigned.append(stem)
                spans = {
                    k: (kind, [(align(a), align(b)) for a, b in pieces], w) for k, (kind, pieces, w) in spans.items()
                }
        out.attributions[stem] = [
            {role: spans[ref][1] for role, ref in e.items() if ref in spans and role in ROLES} for e in events
        ]
        out.written[stem] = [(spans[ref][1], spans[ref][2]) for e in events for ref in e.values() if ref in spans]
    return out


def _span(row: dict, a: str, b: str) -> Span | None:
    return (int(row[a]), int(row[b])) if pd.notna(row[a]) and pd.notna(row[b]) else None


def _hit(p: dict, g: Attribution) -> bool:
    if not overlaps(p["source"], g.get("Source")):
        return False
    if p["content"] is not None:
        return overlaps(p["content"], g.get("Content"))
    return overlaps(p["cue"], g.get("Cue"))


@dataclass
class AttributionScore:
    """Counts behind the attribution scores, and the errors behind them.

    Attributes:
        counts: ``source_pred, source_tp_p, gold_source, source_tp_r, gold_direct, tp_direct,
            gold_indirect, tp_indirect`` and ``{cue,content}_{pred,tp_p,gold,tp_r}``.
        missed: ``(article_id, gold source text, gold cue text)`` of gold sources not found.
        spurious: ``(article_id, source text, cue text)`` of predicted sources that match no gold.
        per_cue: normalised cue text -> ``[predicted sources, correct ones]``.
    """

    counts: collections.Counter = field(default_factory=collections.Counter)
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    spurious: list[tuple[str, str, str]] = field(default_factory=list)
    per_cue: dict[str, list[int]] = field(default_factory=lambda: collections.defaultdict(lambda: [0, 0]))

    def prf(self, part: str) -> tuple[float, float, float]:
        """Precision, recall and F1 of ``"source"``, ``"cue"`` or ``"content"``."""
        c = self.counts
        if part == "source":
            return prf(c["source_tp_p"], c["source_pred"], c["source_tp_r"], c["gold_source"])
        return prf(c[f"{part}_tp_p"], c[f"{part}_pred"], c[f"{part}_tp_r"], c[f"{part}_gold"])

    def recall(self, kind: str) -> float:
        """Source recall over gold attributions whose content is a ``"direct"`` or ``"indirect"`` quote."""
        n = self.counts[f"gold_{kind}"]
        return self.counts[f"tp_{kind}"] / n if n else 0.0


def score_attributions(
    pred: pd.DataFrame, gold: dict[str, list[Attribution]], texts: dict[str, str]
) -> AttributionScore:
    """Score predicted attributions against the gold ones, article by article.

    Args:
        pred: ``workbench.attribution.attributions`` rows (``article_id, level, start, end, cue_start,
            cue_end, content_start, content_end``); only ``level == "text"`` rows are scored.
        gold: article id -> gold attributions (``Gold.attributions``).
        texts: article id -> text; the articles scored (an article missing from ``gold`` has none).
    """
    text_rows = pred[pred["level"] == "text"]
    by_article = {a: g for a, g in text_rows.groupby("article_id", sort=False)}
    score = AttributionScore()
    stats = score.counts
    for article_id, text in texts.items():
        attrs = gold.get(article_id, [])
        rows = by_article.get(article_id, text_rows.iloc[:0])
        preds = [
            {
                "source": _span(r, "start", "end"),
                "cue": _span(r, "cue_start", "cue_end"),
                "content": _span(r, "content_start", "content_end"),
            }
            for r in rows.to_dict("records")
        ]
        with_source = [g for g in attrs if "Source" in g]
        source_preds = [p for p in preds if p["source"] is not None]
        stats["source_pred"] += len(source_preds)
        for p in source_preds:
            cue_text = " ".join(text[p["cue"][0] : p["cue"][1]].lower().split()) if p["cue"] else ""
            score.per_cue[cue_text][0] += 1
            if any(_hit(p, g) for g in with_source):
                stats["source_tp_p"] += 1
                score.per_cue[cue_text][1] += 1
            else:
                score.spurious.append(
                    (
                        article_id,
                        text[p["source"][0] : p["source"][1]],
                        text[p["cue"][0] : p["cue"][1]] if p["cue"] else "",
                    )
                )
        for g in with_source:
            content = g.get("Content")
            direct = bool(content) and text[content[0][0] : content[0][0] + 1] in QUOTE_MARKS
            stats["gold_source"] += 1
            stats["gold_direct" if direct else "gold_indirect"] += 1
            if any(_hit(p, g) for p in source_preds):
                stats["source_tp_r"] += 1
                stats["tp_direct" if direct else "tp_indirect"] += 1
            else:
                cue = g.get("Cue")
                score.missed.append(
                    (
                        article_id,
                        text[g["Source"][0][0] : g["Source"][-1][1]],
                        text[cue[0][0] : cue[-1][1]] if cue else "",
                    )
                )
        for part, key in (("cue", "Cue"), ("content", "Content")):
            spans = [p[part] for p in preds if p[part] is not None]
            gold_spans = [g[key] for g in attrs if key in g]
            stats[f"{part}_pred"] += len(spans)
            stats[f"{part}_tp_p"] += sum(any(overlaps(s, g) for g in gold_spans) for s in spans)
            stats[f"{part}_gold"] += len(gold_spans)
            stats[f"{part}_tp_r"] += sum(any(overlaps(s, g) for s in spans) for g in gold_spans)
    return score
