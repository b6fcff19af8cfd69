"""Precision and recall of ``copies`` on PolNeAR articles republished with realistic edits.

Usage::

    .venv/bin/python benchmarks/eval_copies.py [--originals 200] [--seed 0] [--examples 5]

Originals are drawn from PolNeAR (train and dev, 2016 US election coverage by seven outlets). Each
original is republished once per edit level (0, 5, 10, 20 and 30% of words substituted with other
PolNeAR words), 1-48 hours later by one of five fictional outlets, with:

- the headline rewritten (another article's headline),
- each body paragraph dropped with probability 0.15 (at least two kept) and, half the time, two
  paragraphs swapped,
- the outlet's boilerplate footer appended, marked as a ``boilerplate`` section (what issue 9 will
  find; every copy of an outlet shares its footer, so unmarked footers would be shared text).

All of PolNeAR's own articles stay in as hard negatives: different articles on the same days and
topics, often quoting the same speeches. A pair counts as found when ``copies`` reports it as
``exact`` or ``near``; true pairs are a copy and its original, and two copies of the same original.
Recall is per edit level (the copy and its original); precision is over every exact/near pair that
involves a planted copy. Pairs between two of PolNeAR's own articles and ``partial`` rows are counted
and shown, not scored: nobody annotated which PolNeAR articles share text.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from common import POLNEAR, shared_corpus

from workbench.reuse import copies

LEVELS = (0.0, 0.05, 0.10, 0.20, 0.30)
OUTLETS = {
    "Riverside Daily Wire": (
        "Stay informed: subscribe to the Riverside Daily Wire newsletter and follow us on every social network."
    ),
    "Maple Street Herald": (
        "Maple Street Herald relies on readers like you. "
        "Become a member today and support independent local journalism."
    ),
    "Northgate Courier": (
        "Copyright Northgate Courier. All rights reserved. "
        "This material may not be published, broadcast or redistributed."
    ),
    "Lantern Post": "Have a tip? Write to the Lantern Post newsroom; we read every message and protect our sources.",
    "Copperfield Gazette": (
        "Download the Copperfield Gazette app for breaking news alerts, live blogs and our daily morning briefing."
    ),
}


def republish(
    text: str, headline: str, level: float, footer: str, vocabulary: np.ndarray, rng: np.random.Generator
) -> tuple[str, tuple[int, int]]:
    """One edited copy of ``text`` and the character span of its boilerplate footer."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = paragraphs[1:]
    kept = [p for p in body if rng.random() >= 0.15]
    if len(kept) < 2:
        kept = body[:2]
    if len(kept) > 2 and rng.random() < 0.5:
        i, j = rng.choice(len(kept), size=2, replace=False)
        kept[i], kept[j] = kept[j], kept[i]
    edited = []
    for paragraph in kept:
        tokens = paragraph.split(" ")
        change = rng.random(len(tokens)) < level
        replacements = vocabulary[rng.integers(0, len(vocabulary), len(tokens))]
        edited.append(" ".join(str(r) if c else t for t, r, c in zip(tokens, replacements, change, strict=True)))
    body_text = "\n\n".join([headline, *edited])
    return f"{body_text}\n\n{footer}", (len(body_text) + 2, len(body_text) + 2 + len(footer))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--originals", type=int, default=200, help="PolNeAR articles republished (each at every edit level)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--examples", type=int, default=5, help="print this many unscored partial pairs between PolNeAR articles"
    )
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    corpus = shared_corpus(POLNEAR)
    base = corpus.articles[["article_id", "published", "outlet", "title", "text"]].reset_index(drop=True)
    base = base.assign(sections=[[] for _ in range(len(base))])
    words = pd.Series(" ".join(base["text"].sample(200, random_state=args.seed)).split())
    vocabulary = words[words.str.isalpha()].to_numpy()
    chosen = rng.choice(len(base), size=min(args.originals, len(base)), replace=False)
    rows, truth, level_of = [], {}, {}
    names = list(OUTLETS)
    for k, i in enumerate(chosen):
        original = base.iloc[int(i)]
        for level in LEVELS:
            outlet = names[int(rng.integers(len(names)))]
            headline = str(base["title"].iloc[int(rng.integers(len(base)))])
            text, footer = republish(original["text"], headline, level, OUTLETS[outlet], vocabulary, rng)
            copy_id = f"copy-{k:03d}-{int(level * 100):02d}"
            rows.append(
                {
                    "article_id": copy_id,
                    "published": original["published"] + pd.Timedelta(hours=int(rng.integers(1, 49))),
                    "outlet": outlet,
                    "title": headline,
                    "text": text,
                    "sections": [("boilerplate", *footer)],
                }
            )
            truth[copy_id] = original["article_id"]
            level_of[copy_id] = level
    articles = pd.concat([base, pd.DataFrame(rows)], ignore_index=True)
    started = time.perf_counter()
    table = copies(articles)
    seconds = time.perf_counter() - started
    print(
        f"{len(base):,} PolNeAR articles + {len(rows):,} planted copies of {len(chosen)} of them; "
        f"copies() took {seconds:.1f} s"
    )
    found = table[table["kind"].isin(["exact", "near"])]

    def true_pair(a: str, b: str) -> bool:
        root_a, root_b = truth.get(a, a), truth.get(b, b)
        return root_a == root_b

    planted = found[found["article_id"].isin(truth) | found["copy_of"].isin(truth)]
    correct = [true_pair(a, b) for a, b in zip(planted["article_id"], planted["copy_of"], strict=True)]
    pairs = set(zip(found["article_id"], found["copy_of"], strict=True))
    # PolNeAR holds a few articles that are themselves republications ("The Latest" updated twice, the
    # same story on two days): with those merged, a copy of one and the other is a true pair too
    internal = found[~found["article_id"].isin(truth) & ~found["copy_of"].isin(truth)]
    same = {a: a for a in base["article_id"]}
    for a, b in sorted(zip(internal["article_id"], internal["copy_of"], strict=True)):
        same[a] = same.get(b, b)
    lenient = [
        same.get(truth.get(a, a), truth.get(a, a)) == same.get(truth.get(b, b), truth.get(b, b))
        for a, b in zip(planted["article_id"], planted["copy_of"], strict=True)
    ]
    print(
        f"\nprecision over {len(planted):,} exact/near pairs involving a planted copy: "
        f"{np.mean(correct) if correct else float('nan'):.3f}"
    )
    share = np.mean(lenient) if lenient else float("nan")
    print(
        f"  counting the {len(internal)} PolNeAR pairs that are republications themselves (listed below) "
        f"as one original: {share:.3f}"
    )
    print(
        f"{'changed words':>14} {'copies':>7} {'found':>6} {'recall':>7} "
        f"{'median containment':>19} {'median similarity':>18}"
    )
    for level in LEVELS:
        ids = [c for c, lv in level_of.items() if lv == level]
        hits = [(c, truth[c]) in pairs or (truth[c], c) in pairs for c in ids]
        direct = table[table["article_id"].isin(ids) & table["copy_of"].isin(set(truth[c] for c in ids))]
        print(
            f"{level:>14.0%} {len(ids):>7} {sum(hits):>6} {np.mean(hits):>7.3f} "
            f"{direct['containment'].median():>19.3f} {direct['similarity'].median():>18.3f}"
        )
    wrong = planted[[not c for c in lenient]]
    if len(wrong):
        print("\nfalse pairs involving a planted copy:")
        print(
            wrong[["article_id", "copy_of", "kind", "similarity", "containment", "shared_words"]].to_string(index=False)
        )
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    print("\nexact/near pairs between two PolNeAR articles:")
    for row in internal.itertuples(index=False):
        span = texts[row.article_id][row.shared_start : row.shared_end].replace("\n", " ")
        print(
            f"  {row.kind:5} {row.article_id} <- {row.copy_of} "
            f"({row.shared_words} shared words, containment {row.containment:.2f}): {span[:100]!r}"
        )
    internal = table[~table["article_id"].isin(truth) & ~table["copy_of"].isin(truth) & (table["kind"] == "partial")]
    partial_planted = table[
        (table["kind"] == "partial") & (table["article_id"].isin(truth) | table["copy_of"].isin(truth))
    ]
    print(
        f"\npartial rows involving a planted copy: {len(partial_planted):,} "
        "(a quotation or passage shared with another article)"
    )
    print(f"partial rows between two PolNeAR articles (unscored): {len(internal):,}; the first {args.examples}:")
    for row in internal.head(args.examples).itertuples(index=False):
        span = texts[row.article_id][row.shared_start : row.shared_end].replace("\n", " ")
        print(f"  {row.kind:8} {row.article_id} <- {row.copy_of} ({row.shared_words} shared words): {span[:160]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
