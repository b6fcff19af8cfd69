"""Score ``corpus.attributions`` against PolNeAR's gold attributions (BRAT Source / Cue / Content).

Usage::

    .venv/bin/python benchmarks/eval_attribution.py                 # dev part (84 articles)
    .venv/bin/python benchmarks/eval_attribution.py --split train   # the train part (840 articles)
    .venv/bin/python benchmarks/eval_attribution.py --errors 30     # also print missed and spurious sources

The reader of the gold and the scorer are ``workbench.evaluation.attributions`` (its docstring defines the
matching: a source counts when it overlaps a gold Source whose Content, or for a prediction without
content whose Cue, overlaps the predicted one; recall split by direct and indirect quotes).
``tests/test_accuracy.py`` checks the same figures against the README floors.
"""

from __future__ import annotations

import argparse
import collections
import re
import time
from pathlib import Path

import pandas as pd
from common import POLNEAR, shared_corpus

from workbench.attribution import attributions
from workbench.attribution.patterns import lexicon
from workbench.evaluation.attributions import AttributionScore, gold_attributions, score_attributions


def print_errors(score: AttributionScore, errors: int) -> None:
    """The most frequent cues of missed and spurious sources, and precision by cue."""
    print("\nmissed gold sources (source | cue), most frequent cues:")
    for cue, n in collections.Counter(c.lower() for _, _, c in score.missed).most_common(errors):
        print(f"  {n:4d}  {cue}")
    print("\nspurious predicted sources (source | cue), most frequent cues:")
    for cue, n in collections.Counter(c.lower() for _, _, c in score.spurious).most_common(errors):
        print(f"  {n:4d}  {cue}")
    print("\nprecision of predicted sources by cue (predicted, correct, precision):")
    for cue, (n, ok) in sorted(score.per_cue.items(), key=lambda kv: -kv[1][0])[: errors * 2]:
        print(f"  {n:5d} {ok:5d} {ok / n:5.2f}  {cue}")
    print("\nexamples of spurious predictions:")
    for a, s, c in score.spurious[:errors]:
        print(f"  {s!r} {c!r}  ({a})")


_WORD = re.compile(r"[A-Za-z][\w.'’-]*")
_PRONOUN = {"he", "she", "they", "it", "i", "we"}


def baseline(articles, sentences) -> pd.DataFrame:
    """A naive baseline: every reporting-verb cue (``reporting_verbs.csv``), its source the capitalised
    words or pronoun right before it (else right after it), its content the rest of the sentence."""
    lex = lexicon()
    spans = (
        sentences.groupby("article_id")[["start", "end"]]
        .apply(lambda f: list(zip(f["start"], f["end"], strict=True)))
        .to_dict()
    )
    rows = []
    for article_id, text in zip(articles["article_id"], articles["text"], strict=True):
        for s, e in spans.get(article_id, []):
            for cue in lex.cue_regex.finditer(text, s, e):
                before = list(_WORD.finditer(text, max(s, cue.start() - 60), cue.start()))
                run = []
                for w in reversed(before):
                    if w.group(0)[0].isupper() and (not run or text[w.end() : run[-1].start()].strip() == ""):
                        run.append(w)
                    else:
                        break
                if (
                    not run
                    and before
                    and before[-1].group(0).lower() in _PRONOUN
                    and not text[before[-1].end() : cue.start()].strip()
                ):
                    run = [before[-1]]
                if run:
                    source, content = (
                        (run[-1].start(), run[0].end()),
                        (s, run[-1].start()) if run[-1].start() - s > 3 else (cue.end(), e),
                    )
                else:
                    after = _WORD.match(text, cue.end() + 1) if cue.end() < e else None
                    if after is None or not after.group(0)[0].isupper():
                        continue
                    source, content = after.span(), (s, cue.start())
                rows.append({"article_id": article_id, "level": "text", "start": source[0], "end": source[1],
                             "cue_start": cue.start(), "cue_end": cue.end(),
                             "content_start": content[0], "content_end": content[1]})  # fmt: skip
    return pd.DataFrame(
        rows, columns=["article_id", "level", "start", "end", "cue_start", "cue_end", "content_start", "content_end"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(POLNEAR))
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument(
        "--no-mentions", action="store_true", help="score without entity mentions (capitalisation heuristics only)"
    )
    parser.add_argument("--errors", type=int, default=0, help="print this many missed/spurious cue groups")
    args = parser.parse_args(argv)
    root = Path(args.corpus)
    corpus = shared_corpus(root)
    stems = {re.sub(r"_[^_]+$", "", p.stem) for p in (root / args.split / "attributions").glob("*.ann")}
    articles = corpus.articles[corpus.articles["article_id"].isin(stems)].reset_index(drop=True)
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    gold = gold_attributions(root / args.split, texts)

    # the gold offsets index the raw files; check that they index articles.text too
    checked = bad = 0
    for article_id, text in texts.items():
        for pieces, written in gold.written.get(article_id, []):
            joined = " ".join(text[a:b] for a, b in pieces)
            checked += 1
            bad += " ".join(joined.split()) != " ".join(written.split())
    sentences = corpus.sentences[corpus.sentences["article_id"].isin(set(texts))]
    mentions = corpus.mentions
    mentions = mentions.iloc[:0] if args.no_mentions else mentions[mentions["article_id"].isin(set(texts))]
    started = time.perf_counter()
    pred = attributions(articles, sentences=sentences, mentions=mentions)
    seconds = time.perf_counter() - started
    score = score_attributions(pred, gold.attributions, texts)
    if args.errors:
        print_errors(score, args.errors)
    stats = score.counts

    words = int(articles["n_words"].sum())
    print(
        f"\nPolNeAR {args.split}: {len(articles)} articles, {words:,} words;"
        f" gold spans checked against articles.text: {checked - bad}/{checked} match"
        f" ({len(gold.realigned)} articles realigned: the reader's Unicode NFC normalisation moves their offsets)"
    )
    with_mentions = "without" if args.no_mentions else "with"
    print(f"extraction: {len(pred)} rows in {seconds:.2f} s ({with_mentions} entity mentions)\n")
    print(f"{'':10s} {'P':>6s} {'R':>6s} {'F1':>6s}   predicted / gold")
    p, r, f = score.prf("source")
    print(f"{'sources':10s} {p:6.3f} {r:6.3f} {f:6.3f}   {stats['source_pred']} / {stats['gold_source']}")
    for part in ("cue", "content"):
        p, r, f = score.prf(part)
        print(f"{part + 's':10s} {p:6.3f} {r:6.3f} {f:6.3f}   {stats[f'{part}_pred']} / {stats[f'{part}_gold']}")
    for kind in ("direct", "indirect"):
        print(f"source recall, {kind} quotes: {score.recall(kind):.3f} ({stats[f'tp_{kind}']}/{stats[f'gold_{kind}']})")
    naive = score_attributions(baseline(articles, sentences), gold.attributions, texts)
    p, r, f = naive.prf("source")
    print(
        f"baseline (cue + the capitalised words or pronoun next to it): sources {p:.3f} / {r:.3f} / {f:.3f}, "
        f"direct-quote recall {naive.recall('direct'):.3f}"
    )

    # every wire credit in metadata and datelines
    wired = articles[articles["via"].map(len) > 0]
    meta = pred[(pred["level"] == "metadata") & (pred["cue"] != "published")]
    found_meta = sum(
        set(v) <= set(meta.loc[meta["article_id"] == a, "source"])
        for a, v in zip(wired["article_id"], wired["via"], strict=True)
    )
    dateline_pattern = re.compile(r"\((?:AP|AFP|Reuters|UPI)\)")
    with_dateline = [a for a, t in texts.items() if dateline_pattern.search(t[:400])]
    found_dateline = sum(a in set(pred.loc[pred["level"] == "dateline", "article_id"]) for a in with_dateline)
    print(
        f"wire credits in metadata: {found_meta}/{len(wired)} articles; "
        f"datelines in the first 400 characters: {found_dateline}/{len(with_dateline)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
