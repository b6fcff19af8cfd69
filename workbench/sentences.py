"""Sentence boundaries with character offsets, fast and model-free.

A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) followed by white
space and a capital letter, digit or opening quote, unless the word before the stop is a known
abbreviation (``data/abbreviations.csv``) or a single initial; a paragraph break always ends one.
Offsets point into the article text, so every later table can show a mention in context.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from workbench.lexicon import read_rows
from workbench.prose import prose_texts

#: A stop before a capital, or a paragraph break. Linear in the text: a run of stops is matched
#: only from its first character (the look-behind) and never given back (``++``, ``*+``), so 40,000
#: dots cost one pass, not 40,000 (they took 27 s).
_CANDIDATE = re.compile(
    r"""(?:(?<![.!?])[.!?]++|…)["'”’)\]]*+(?=\s+["'“‘(\[]?[A-Z0-9À-Ý])"""  # a stop before a capital
    r"""|\n\s*\n""",  # or a paragraph break
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(row["abbreviation"] for row in read_rows("abbreviations"))


def split(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, white space trimmed.

    >>> text = "Mr. Smith met U.S. officials. They said \\"no.\\" Then left."
    >>> [text[s:e] for s, e in split(text)]
    ['Mr. Smith met U.S. officials.', 'They said "no."', 'Then left.']
    """
    abbreviations = _abbreviations()
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if match.group(0)[0] == ".":
            word = _WORD_BEFORE.search(text, max(0, match.start() - 30), match.start())
            if word:
                token = word.group(1)
                if (
                    token in abbreviations
                    or (len(token) == 1 and token.isupper())
                    or ("." in token and token.rstrip(".") in abbreviations)
                ):
                    continue
        end = match.end() if match.group(0)[0] != "\n" else match.start()
        _add(text, start, end, spans)
        start = match.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))


def sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: ``article_id, sentence`` (0-based per article), ``start, end``.

    >>> found = sentences(pd.DataFrame({"article_id": ["a"], "text": ["One. Two."]}))
    >>> found[["sentence", "start", "end"]].values.tolist()
    [[0, 0, 4], [1, 5, 9]]
    """
    ids, numbers, starts, ends = [], [], [], []
    # boilerplate sections (sign-offs, credits: workbench.boilerplate) hold no sentence of the article
    for article_id, text in zip(articles["article_id"], prose_texts(articles), strict=True):
        for number, (s, e) in enumerate(split(text)):
            ids.append(article_id)
            numbers.append(number)
            starts.append(s)
            ends.append(e)
    return pd.DataFrame(
        {
            "article_id": pd.Series(ids, dtype="string"),
            "sentence": pd.Series(numbers, dtype="int32"),
            "start": pd.Series(starts, dtype="int64"),
            "end": pd.Series(ends, dtype="int64"),
        }
    )


def sentence_texts(rows: pd.DataFrame, *, articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.Series:
    """The text of the sentence each row points at (``article_id``, ``sentence``), in row order.

    Shared by every table that shows evidence in context (co-occurrence pairs, dated events).

    >>> articles = pd.DataFrame({"article_id": ["a"], "text": ["One. Two."]})
    >>> rows = pd.DataFrame({"article_id": ["a", "a"], "sentence": [1, 0]})
    >>> sentence_texts(rows, articles=articles, sentences=sentences(articles)).tolist()
    ['Two.', 'One.']
    """
    keys = pd.DataFrame(
        {"article_id": rows["article_id"].astype("string").values, "sentence": rows["sentence"].astype("int64").values}
    )
    spans = keys.merge(
        sentences[["article_id", "sentence", "start", "end"]].astype({"article_id": "string", "sentence": "int64"}),
        on=["article_id", "sentence"],
        how="left",
    )
    text_of = dict(zip(articles["article_id"], articles["text"], strict=True))
    texts = [
        text_of[a][int(s) : int(e)] if a in text_of and pd.notna(s) else None
        for a, s, e in zip(spans["article_id"], spans["start"], spans["end"], strict=True)
    ]
    return pd.Series(texts, index=rows.index, dtype="string")
