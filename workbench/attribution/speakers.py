"""Attributions written in the article text: cues, their sources (speakers) and the content they introduce.

One pass of a compiled regular expression finds every cue (``reporting_verbs.csv``); only sentences
holding one are tokenised, and the source is read next to the cue (:mod:`.phrases`). Content is
placed by :mod:`.content`, widened to whole quotations (:mod:`.quotes`). "Name: ..." lines and
quotations followed by a speaker and a verb no cue list names are speakers too; quotations that
follow a quoted speaker without a cue of their own inherit the speaker (as rows with no source span).
The sources found here are named by :mod:`.resolve`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from workbench.attribution.content import ContentPlacer
from workbench.attribution.patterns import Lexicon, lexicon, search_lines_holding
from workbench.attribution.phrases import OPENING_QUOTES, Phrase, Reader
from workbench.attribution.quotes import CLOSING

_COLON_SPEAKER = re.compile(
    r"(?:^|(?<=\n)|(?<=[.!?”\"] ))[ \t]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3})[ \t]*:[ \t]+(?=\S)"
)


def colon_speakers(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_COLON_SPEAKER`` in ``text``, searched only in the lines holding a colon.

    A match never spans a line break (its spaces are spaces and tabs), so searching each line that has a
    colon, with the whole text around it for the look-behinds, finds what one search of the text finds.
    """
    return search_lines_holding(_COLON_SPEAKER, text, ":")


@dataclass(slots=True)
class Found:
    """One attribution found in the text, before its source is canonicalised (see :mod:`.resolve`)."""

    sentence: int
    start: int | None
    end: int | None
    cue_start: int | None
    cue_end: int | None
    cue: str | None
    content_start: int | None
    content_end: int | None
    direct: bool
    phrase: Phrase | None = None
    surface: str | None = None  # the source as written
    antecedent: tuple[int, int] | None = None  # char span of what a relative "who" refers to
    parent: Found | None = None  # for quotations continuing an earlier speaker
    source: str | None = None
    source_entity: str | None = None
    source_kind: str | None = None


def _is_verb(reader: Reader, i: int) -> bool:
    """A lower-case word that may be a verb of speaking not in the cue list ("retaliated", "went", "agrees")."""
    tok, low = reader.toks[i], reader.lows[i]
    lex = reader.lex
    return (
        tok.isalpha() and tok.islower()
        and (low.endswith(("ed", "es", "ks", "ts", "ys")) or low in ("went", "began", "wrote", "spoke", "put"))
        and low not in lex.stops and low not in lex.verbs and low not in lex.nouns and low not in lex.determiners
        and low not in lex.aux
    )  # fmt: skip


class SentenceReader(ContentPlacer):
    """Finds text attributions in one article."""

    def __init__(self, text: str, sentences: list[tuple[int, int]], lex: Lexicon | None = None):
        super().__init__(text)
        self.sentences = sentences
        self.starts = [s for s, _ in sentences]
        self.lex = lex or lexicon()

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect_right(self.starts, pos) - 1)

    def run(self) -> list[Found]:
        text, lex = self.text, self.lex
        by_sentence: dict[int, list[re.Match[str]]] = {}
        for match in lex.cue_regex.finditer(text):
            by_sentence.setdefault(self.sentence_of(match.start()), []).append(match)
        found: list[Found] = []
        for number, matches in by_sentence.items():
            found.extend(self._sentence(number, matches))
        found.extend(self._colon_speakers())
        found.extend(self._quote_speakers(found))
        found.sort(key=lambda f: (f.sentence, f.cue_start if f.cue_start is not None else -1))
        found.extend(self._continuations(found))
        return found

    # -- one sentence ----------------------------------------------------------------------
    def _sentence(self, number: int, matches: list[re.Match[str]]) -> list[Found]:
        text, lex = self.text, self.lex
        s, e = self.sentences[number]
        tokens = list(lex.token_regex.finditer(text, s, e))
        if not tokens:
            return []
        toks = [m.group() for m in tokens]
        starts = [m.start() for m in tokens]
        ends = [m.end() for m in tokens]
        reader = Reader(lex, toks)
        hi = len(toks) - 1
        while hi > 0 and toks[hi] in (".", "!", "?", ")"):
            hi -= 1
        out: list[Found] = []
        for match in matches:
            c0 = bisect_left(starts, match.start())  # the token starting where the cue does, if any
            if c0 == len(starts) or starts[c0] != match.start():
                continue
            c1 = c0
            while c1 < len(toks) - 1 and ends[c1] < match.end():
                c1 += 1
            cue = lex.cues.get(" ".join(match.group().lower().split()))
            if cue is None:
                continue
            found = self._frame(cue, reader, toks, starts, ends, c0, c1, hi, out)
            if found is not None:
                found.sentence = number
                found.cue_start, found.cue_end = starts[c0], ends[c1]
                found.cue = " ".join(match.group().lower().split())
                out.append(found)
        return out

    def _frame(
        self, cue, reader: Reader, toks, starts, ends, c0: int, c1: int, hi: int, out: list[Found]
    ) -> Found | None:
        lows = reader.lows
        frame = cue.frame
        if frame in ("verb", "participle"):
            prev = c0 - 1
            if prev >= 0 and lows[prev] in self.lex.be:
                return None  # passive: "was told", "is said to"
            if prev >= 0 and lows[prev] in ("to", "when", "if", "the", "a", "an", "as") and frame == "verb":
                return None  # "to say", "when asked", "the reported deal", "as noted"
            if (
                not cue.infinitive
                and c1 + 2 <= hi
                and lows[c1 + 1] == "to"
                and lows[c1 + 2] not in reader.lex.nouns
                and lows[c1 + 2] not in reader.lex.determiners
                and not toks[c1 + 2][0].isupper()
            ):
                return None  # "continued to rise"
        if frame == "verb":
            phrase = reader.left(c0 - 1, 0)
            side = "left"
            before = reader.skip_aux(c0 - 1, 0)
            if any(low in reader.lex.modals for low in lows[before + 1 : c0]):
                return None  # "you could say", "I would say": hypothetical
            if cue.described_only and (phrase is None or phrase.form != "described"):
                return None
            if phrase is None and before >= 1 and lows[before] in ("and", "but"):
                # "Graham called both ... and said": the subject of the first verb
                phrase = reader.subject(0, before - 1)
                if phrase is not None:
                    return self._finish(
                        phrase,
                        *self._content(toks, starts, ends, c1 + 1, hi, (starts[c0], ends[c1]), cue),
                        starts,
                        ends,
                    )
            if phrase is None:
                before = reader.skip_aux(c0 - 1, 0)
                if before < 0 or toks[before] in (",", "—", "--", ":") or toks[before] in CLOSING:
                    phrase = reader.right(c1 + 1, hi)
                    side = "right"
            if phrase is None:
                return None
        elif frame == "participle":
            if c0 == 0 or toks[c0 - 1] not in (",", "—", "--"):
                return None
            if out and out[-1].phrase is not None:
                previous = out[-1]
                return Found(
                    0,
                    previous.start,
                    previous.end,
                    None,
                    None,
                    None,
                    *self._content(toks, starts, ends, c1 + 1, hi, None, cue),
                    parent=previous,
                )
            phrase = reader.subject(0, c0 - 1)
            side = "participle"
            if phrase is None:
                return None
        elif frame == "prep":
            phrase = reader.right(c1 + 1, hi)
            wide = reader.to_comma(c1 + 1, hi)
            if phrase is None or (wide is not None and wide.last > phrase.last and phrase.form != "pronoun"):
                phrase = (
                    wide
                    if phrase is None
                    else Phrase(phrase.first, wide.last, phrase.form, phrase.head, phrase.det, plural=phrase.plural)
                )
            side = "prep"
            if phrase is None:
                return None
        else:  # lead: "In a statement, X ..."
            k = c1 + 1
            if k <= hi and toks[k] == ",":
                k += 1
            phrase = reader.right(k, hi)
            if phrase is None or (phrase.last + 1 <= hi and lows[phrase.last + 1] in reader.lex.cues):
                return None
            side = "lead"
        cs, ce, direct = self._place_content(reader, toks, starts, ends, c0, c1, hi, phrase, side, cue)
        return self._finish(phrase, cs, ce, direct, starts, ends)

    def _finish(self, phrase: Phrase, cs, ce, direct, starts, ends) -> Found:
        found = Found(0, starts[phrase.first], ends[phrase.last], None, None, None, cs, ce, direct, phrase=phrase)
        found.surface = self.text[found.start : found.end]
        if phrase.antecedent is not None:
            found.antecedent = (starts[phrase.antecedent.first], ends[phrase.antecedent.last])
        return found

    # -- "Name: ..." speakers and continued quotations --------------------------------------
    def _colon_speakers(self) -> list[Found]:
        text, lex = self.text, self.lex
        out = []
        for match in colon_speakers(text):
            name = match.group("name")
            words = name.split()
            if words[0].lower() in lex.labels or words[0].lower() in lex.stops or words[0].lower() in lex.determiners:
                continue
            number = self.sentence_of(match.start("name"))
            if self.starts[number] != match.start("name") if self.starts else False:
                continue  # not at a sentence start ("U.S. Election: ...")
            end_of_para = text.find("\n", match.end())
            end_of_para = len(text) if end_of_para == -1 else end_of_para
            ce = len(text[:end_of_para].rstrip())
            cs = match.end()
            if ce - cs < 8:
                continue
            direct = text[cs] in OPENING_QUOTES
            colon = text.index(":", match.end("name"))
            phrase = Phrase(0, 0, "name")
            found = Found(
                number,
                match.start("name"),
                match.end("name"),
                colon,
                colon + 1,
                ":",
                cs,
                ce,
                direct,
                phrase=phrase,
                surface=name,
            )
            out.append(found)
        return out

    def _quote_speakers(self, found: list[Found]) -> list[Found]:
        """'"...," an angry Hollande retaliated.' / '"...," agrees Michelle Stevens.': a quotation ending in
        a comma, question or exclamation mark, followed by a speaker and a verb no cue list names."""
        text, lex = self.text, self.lex
        covered = [(f.content_start, f.content_end) for f in found if f.content_start is not None]
        out = []
        for q0, q1 in self.quotes:
            if (
                q1 - q0 < 12
                or q1 >= len(text)
                or text[q1 - 2 : q1 - 1] not in (",", "?", "!", "—")
                or any(a < q1 and q0 < b for a, b in covered)
            ):
                continue
            pos = q1
            while pos < len(text) and text[pos] in " \t":
                pos += 1
            number = self.sentence_of(pos)
            s, e = self.sentences[number]
            tokens = [(m.group(), m.start(), m.end()) for m in lex.token_regex.finditer(text, max(s, pos), e)][:14]
            if len(tokens) < 2:
                continue
            toks = [t for t, _, _ in tokens]
            reader = Reader(lex, toks)
            hi = len(toks) - 1
            phrase = reader.right(0, hi)
            verb = phrase.last + 1 if phrase is not None else None
            if phrase is not None and phrase.form != "pronoun" and verb <= hi and not _is_verb(reader, verb):
                phrase = None
            if phrase is None and _is_verb(reader, 0):  # '"...," agrees Michelle Stevens'
                phrase = reader.right(1, hi)
                verb = 0
                if phrase is None or phrase.form not in ("name", "described"):
                    continue
            if phrase is None or verb > hi or not _is_verb(reader, verb):
                continue
            start, end = tokens[phrase.first][1], tokens[phrase.last][2]
            direct = True
            f = Found(
                number,
                start,
                end,
                tokens[verb][1],
                tokens[verb][2],
                toks[verb].lower(),
                q0,
                q1,
                direct,
                phrase=phrase,
                surface=text[start:end],
            )
            out.append(f)
        return out

    def _continuations(self, found: list[Found]) -> list[Found]:
        """Quotations with no cue of their own, right after a quoted speaker (same or next paragraph)."""
        text = self.text
        covered = [(f.content_start, f.content_end) for f in found if f.content_start is not None]
        cues = sorted(f.cue_start for f in found if f.cue_start is not None)
        speakers = [f for f in found if f.direct and f.phrase is not None]
        if not speakers:
            return []
        out = []
        for q0, q1 in self.quotes:
            if q1 - q0 < 20 or any(a < q1 and q0 < b for a, b in covered):
                continue
            i = bisect_right(cues, q0)
            if i < len(cues) and cues[i] < q1:
                continue
            previous = [f for f in speakers if f.content_end is not None and f.content_end <= q0]
            if not previous:
                continue
            speaker = previous[-1]
            gap = text[speaker.content_end : q0]
            later = [
                f
                for f in found
                if f.cue_start is not None
                and speaker.content_end <= f.cue_start < q0
                and f is not speaker
                and f.parent is None
            ]
            if (
                later
                or gap.count("\n\n") > 1
                or (
                    gap.count("\n") > 0
                    and text.rfind("\n", 0, q0) + 1 != q0
                    and text[text.rfind("\n", 0, q0) + 1 : q0].strip()
                )
            ):
                continue
            cont = Found(self.sentence_of(q0), None, None, None, None, None, q0, q1, True, parent=speaker)
            out.append(cont)
            covered.append((q0, q1))
        return out
