"""Score ``corpus.attributions`` against PolNeAR's gold attributions (BRAT Source / Cue / Content).

Usage::

    .venv/bin/python benchmarks/eval_attribution.py                 # dev part (84 articles)
    .venv/bin/python benchmarks/eval_attribution.py --split train   # the train part (840 articles)
    .venv/bin/python benchmarks/eval_attribution.py --errors 30     # also print missed and spurious sources

Scoring (issue 4): a predicted source (a text row with a source span) counts when it overlaps a gold
Source whose attribution's Content overlaps the predicted content or, for a prediction without
content, whose Cue overlaps the predicted cue. Recall is over gold attributions that have a Source.
Cues and contents are scored by span overlap alone. Recall is also split by direct quotes (gold content
opening with a quotation mark) and indirect ones. The first annotator file per article (sorted by
name) is the gold. Offsets index the raw text file; the script checks that they index ``articles.text``.
"""

from __future__ import annotations

import argparse
import collections
import re
import time
import unicodedata
from pathlib import Path

import pandas as pd
from common import POLNEAR, shared_corpus

from workbench.attribution import attributions

Span = tuple[int, int]


def read_ann(path: Path) -> tuple[dict[str, tuple[str, list[Span], str]], list[dict[str, str]]]:
    """BRAT text-bound annotations and events of one ``.ann`` file."""
    spans: dict[str, tuple[str, list[Span], str]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2 and " " in parts[1]:
            kind, where = parts[1].split(" ", 1)
            pieces = [tuple(int(x) for x in piece.split()) for piece in where.split(";")]
            spans[parts[0]] = (kind, pieces, parts[2] if len(parts) > 2 else "")
        elif line.startswith("E") and len(parts) >= 2:
            args = [a.split(":", 1) for a in parts[1].split()[1:] if ":" in a]
            events.append({role: ref for role, ref in args})
    return spans, events


def _aligner(raw: str, text: str):
    """Map offsets in the raw file to ``articles.text`` (the reader applies Unicode NFC, which can shift them)."""
    if raw.rstrip() == text.rstrip():
        return lambda offset: offset
    return lambda offset: len(unicodedata.normalize("NFC", raw[:offset].replace("\r\n", "\n").lstrip("\ufeff")))


def gold(split_dir: Path, texts: dict[str, str] | None = None) -> dict[str, list[dict[str, list[Span]]]]:
    """article stem -> attributions, each {"Source"|"Cue"|"Content": spans}, from the first annotator.

    With ``texts`` (article id -> ``articles.text``), offsets are moved to index those texts; the
    count of realigned articles is kept under the key ``"#realigned"``.
    """
    first: dict[str, Path] = {}
    for path in sorted((split_dir / "attributions").glob("*.ann")):
        stem = re.sub(r"_[^_]+$", "", path.stem)
        first.setdefault(stem, path)
    out: dict = {"#realigned": []}
    for stem, path in first.items():
        spans, events = read_ann(path)
        if texts is not None and stem in texts:
            raw = (split_dir / "text" / f"{stem}.txt").read_text(encoding="utf-8")
            align = _aligner(raw, texts[stem])
            if raw.rstrip() != texts[stem].rstrip():
                out["#realigned"].append(stem)
                spans = {k: (kind, [(align(a), align(b)) for a, b in pieces], written) for k, (kind, pieces, written) in spans.items()}
        out[stem] = [{role: spans[ref][1] for role, ref in e.items() if ref in spans and role in ("Source", "Cue", "Content")} for e in events]
        out[stem + "#text"] = [(spans[ref][1], spans[ref][2]) for e in events for role, ref in e.items() if ref in spans]  # type: ignore[misc]
    return out


def overlaps(a: list[Span] | Span | None, b: list[Span] | Span | None) -> bool:
    if a is None or b is None:
        return False
    a_list = [a] if isinstance(a, tuple) else a
    b_list = [b] if isinstance(b, tuple) else b
    return any(x0 < y1 and y0 < x1 for x0, x1 in a_list for y0, y1 in b_list)


def prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _span(row, a: str, b: str) -> Span | None:
    return (int(row[a]), int(row[b])) if pd.notna(row[a]) and pd.notna(row[b]) else None


def score(pred: pd.DataFrame, gold_by: dict, texts: dict[str, str], errors: int = 0) -> dict[str, float]:
    text_rows = pred[pred["level"] == "text"]
    stats = collections.Counter()
    missed, spurious = [], []
    per_cue: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for article_id, text in texts.items():
        attrs = gold_by.get(article_id, [])
        rows = text_rows[text_rows["article_id"] == article_id]
        preds = [
            {"source": _span(r, "start", "end"), "cue": _span(r, "cue_start", "cue_end"), "content": _span(r, "content_start", "content_end")}
            for r in rows.to_dict("records")
        ]
        with_source = [g for g in attrs if "Source" in g]

        def hit(p, g):
            if not overlaps(p["source"], g.get("Source")):
                return False
            if p["content"] is not None:
                return overlaps(p["content"], g.get("Content"))
            return overlaps(p["cue"], g.get("Cue"))

        source_preds = [p for p in preds if p["source"] is not None]
        stats["source_pred"] += len(source_preds)
        for p in source_preds:
            cue_text = " ".join(text[p["cue"][0] : p["cue"][1]].lower().split()) if p["cue"] else ""
            per_cue[cue_text][0] += 1
            if any(hit(p, g) for g in with_source):
                stats["source_tp_p"] += 1
                per_cue[cue_text][1] += 1
            elif errors:
                spurious.append((article_id, text[p["source"][0] : p["source"][1]], text[p["cue"][0] : p["cue"][1]] if p["cue"] else ""))
        for g in with_source:
            content = g.get("Content")
            direct = bool(content) and text[content[0][0] : content[0][0] + 1] in "\"“‘'`"
            stats["gold_source"] += 1
            stats["gold_direct" if direct else "gold_indirect"] += 1
            if any(hit(p, g) for p in source_preds):
                stats["source_tp_r"] += 1
                stats["tp_direct" if direct else "tp_indirect"] += 1
            elif errors:
                cue = g.get("Cue")
                missed.append((article_id, text[g["Source"][0][0] : g["Source"][-1][1]], text[cue[0][0] : cue[-1][1]] if cue else ""))
        for part, key in (("cue", "Cue"), ("content", "Content")):
            spans = [p[part] for p in preds if p[part] is not None]
            gold_spans = [g[key] for g in attrs if key in g]
            stats[f"{part}_pred"] += len(spans)
            stats[f"{part}_tp_p"] += sum(any(overlaps(s, g) for g in gold_spans) for s in spans)
            stats[f"{part}_gold"] += len(gold_spans)
            stats[f"{part}_tp_r"] += sum(any(overlaps(s, g) for s in spans) for g in gold_spans)
    if errors:
        print("\nmissed gold sources (source | cue), most frequent cues:")
        for cue, n in collections.Counter(c.lower() for _, _, c in missed).most_common(errors):
            print(f"  {n:4d}  {cue}")
        print("\nspurious predicted sources (source | cue), most frequent cues:")
        for cue, n in collections.Counter(c.lower() for _, _, c in spurious).most_common(errors):
            print(f"  {n:4d}  {cue}")
        print("\nprecision of predicted sources by cue (predicted, correct, precision):")
        for cue, (n, ok) in sorted(per_cue.items(), key=lambda kv: -kv[1][0])[: errors * 2]:
            print(f"  {n:5d} {ok:5d} {ok / n:5.2f}  {cue}")
        print("\nexamples of spurious predictions:")
        for a, s, c in spurious[:errors]:
            print(f"  {s!r} {c!r}  ({a})")
    return dict(stats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(POLNEAR))
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--no-mentions", action="store_true", help="score without entity mentions (capitalisation heuristics only)")
    parser.add_argument("--errors", type=int, default=0, help="print this many missed/spurious cue groups")
    args = parser.parse_args(argv)
    root = Path(args.corpus)
    corpus = shared_corpus(root)
    stems = {re.sub(r"_[^_]+$", "", p.stem) for p in (root / args.split / "attributions").glob("*.ann")}
    articles = corpus.articles[corpus.articles["article_id"].isin(stems)].reset_index(drop=True)
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    gold_all = gold(root / args.split, texts)

    # the gold offsets index the raw files; check that they index articles.text too
    checked = bad = 0
    for article_id, text in texts.items():
        for pieces, written in gold_all.get(article_id + "#text", []):
            joined = " ".join(text[a:b] for a, b in pieces)
            checked += 1
            bad += " ".join(joined.split()) != " ".join(written.split())
    sentences = corpus.sentences[corpus.sentences["article_id"].isin(set(texts))]
    mentions = corpus.mentions.iloc[:0] if args.no_mentions else corpus.mentions[corpus.mentions["article_id"].isin(set(texts))]
    started = time.perf_counter()
    pred = attributions(articles, sentences=sentences, mentions=mentions)
    seconds = time.perf_counter() - started
    stats = score(pred, {k: v for k, v in gold_all.items() if "#" not in k}, texts, args.errors)

    words = int(articles["n_words"].sum())
    print(
        f"\nPolNeAR {args.split}: {len(articles)} articles, {words:,} words; gold spans checked against articles.text: {checked - bad}/{checked} match"
        f" ({len(gold_all['#realigned'])} articles realigned: the reader's Unicode NFC normalisation moves their offsets)"
    )
    print(f"extraction: {len(pred)} rows in {seconds:.2f} s ({'without' if args.no_mentions else 'with'} entity mentions)\n")
    print(f"{'':10s} {'P':>6s} {'R':>6s} {'F1':>6s}   predicted / gold")
    p, r, f = prf(stats.get("source_tp_p", 0), stats.get("source_pred", 0), stats.get("source_tp_r", 0), stats.get("gold_source", 0))
    print(f"{'sources':10s} {p:6.3f} {r:6.3f} {f:6.3f}   {stats.get('source_pred', 0)} / {stats.get('gold_source', 0)}")
    for part in ("cue", "content"):
        p, r, f = prf(stats.get(f"{part}_tp_p", 0), stats.get(f"{part}_pred", 0), stats.get(f"{part}_tp_r", 0), stats.get(f"{part}_gold", 0))
        print(f"{part + 's':10s} {p:6.3f} {r:6.3f} {f:6.3f}   {stats.get(f'{part}_pred', 0)} / {stats.get(f'{part}_gold', 0)}")
    for kind in ("direct", "indirect"):
        n = stats.get(f"gold_{kind}", 0)
        print(f"source recall, {kind} quotes: {stats.get(f'tp_{kind}', 0) / n if n else 0:.3f} ({stats.get(f'tp_{kind}', 0)}/{n})")

    # every wire credit in metadata and datelines
    wired = articles[articles["via"].map(len) > 0]
    meta = pred[(pred["level"] == "metadata") & (pred["cue"] != "published")]
    found_meta = sum(set(v) <= set(meta.loc[meta["article_id"] == a, "source"]) for a, v in zip(wired["article_id"], wired["via"], strict=True))
    dateline_pattern = re.compile(r"\((?:AP|AFP|Reuters|UPI)\)")
    with_dateline = [a for a, t in texts.items() if dateline_pattern.search(t[:400])]
    found_dateline = sum(a in set(pred.loc[pred["level"] == "dateline", "article_id"]) for a in with_dateline)
    print(f"wire credits in metadata: {found_meta}/{len(wired)} articles; datelines in the first 400 characters: {found_dateline}/{len(with_dateline)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
