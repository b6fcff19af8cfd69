"""Content placement: which side of a cue and its source holds what was said, and how far it runs.

The content is the rest of the sentence on the side the source is not on ("X said the plan is
dead", "'The plan is dead,' X said"), with adjuncts ("said in an interview") and leading times
skipped, widened to whole quotations (:mod:`.quotes`); "he said:" at the end of a paragraph
introduces the next one. :class:`ContentPlacer` is a base of the sentence reader (:mod:`.speakers`).
"""

from __future__ import annotations

from workbench.attribution.patterns import Lexicon
from workbench.attribution.phrases import OPENING_QUOTES, QUOTES, Phrase
from workbench.attribution.quotes import CLOSING, QuotedText

#: words that open an adjunct after a cue ("said in an interview", "said of the plan", "said as she left"), not content
_ADJUNCT_START = frozenset(
    {
        "in",
        "at",
        "about",
        "of",
        "during",
        "after",
        "before",
        "while",
        "when",
        "as",
        "to",
        "from",
        "with",
        "for",
        "outside",
        "inside",
        "following",
        "through",
        "via",
        "over",
        "near",
        "earlier",
        "later",
    }
)


class ContentPlacer(QuotedText):
    """Places the content of an attribution in one article's text (needs ``lex``, the word lists)."""

    lex: Lexicon

    def _place_content(self, reader, toks, starts, ends, c0, c1, hi, phrase: Phrase, side: str, cue):
        lows = reader.lows
        if side == "prep":
            if cue.lemma == "quote":  # "Peskov, quoted by RIA Novosti, said ...": what the quoted speaker said
                k = phrase.last + 1
                while k <= hi and (toks[k] == "," or lows[k] in self.lex.cues or lows[k] in self.lex.aux):
                    k += 1
                return self._content(toks, starts, ends, k, hi, (starts[c0], ends[c1]), cue)
            before = [t for t in toks[:c0] if t[0].isalnum()]
            after = [t for t in toks[phrase.last + 1 : hi + 1] if t[0].isalnum()]
            # "In addition, according to X, 50,000 troops ...": a short opening adverbial is not the content
            opener = c0 > 0 and toks[c0 - 1] == "," and len(before) <= 3 and len(after) > len(before)
            if opener or all(not t[0].isalnum() or t.lower() in self.lex.stops for t in toks[:c0]):
                k = phrase.last + 1
                while k <= hi and toks[k] in (",", "—", "--"):
                    k += 1
                return self._content(toks, starts, ends, k, hi, (starts[c0], ends[c1]), cue)
            return self._before(toks, starts, ends, c0 - 1, (starts[c0], ends[c1]))
        if side == "lead":
            k = phrase.last + 1
            return self._content(toks, starts, ends, k + 1, hi, (starts[c0], ends[c1]), cue)
        if side == "participle":
            return self._content(toks, starts, ends, c1 + 1, hi, (starts[c0], ends[c1]), cue)
        cue_span = (starts[c0], ends[c1])
        first = phrase.first if side == "left" else c0
        if side == "left":  # "... ," state Sen. Jason Holsman said": step over a lower-case description before the name
            lead = first
            while lead - 1 >= 0 and toks[lead - 1][0].isalpha() and toks[lead - 1].islower() and first - lead < 4:
                lead -= 1
            if lead - 1 >= 0 and toks[lead - 1] in CLOSING:
                first = lead
        after_from = c1 + 1 if side == "left" else phrase.last + 1
        if side == "right" and after_from <= hi and toks[after_from] == ",":
            after_from += 1
        if cue.lemma in self.lex.tell and side == "left" and after_from <= hi:
            if lows[after_from] in self.lex.objects:
                after_from += 1
            else:
                obj = reader.right(after_from, hi)
                if obj is not None and obj.form != "pronoun":
                    after_from = obj.last + 1
        if after_from <= hi and toks[after_from] == ":" and after_from == hi:
            return self._next_paragraph(ends[hi])
        before = self._before(toks, starts, ends, first - 1, cue_span) if first > 0 else (None, None, False)
        stop = hi
        if phrase.form == "relative" and phrase.first > 0 and toks[phrase.first - 1] == ",":
            # "Jane Roe, who said the plan was dead, left": the content ends with the relative clause
            stop = next((k - 1 for k in range(after_from, hi + 1) if toks[k] == ","), hi)
        after = (
            self._content(toks, starts, ends, after_from, stop, cue_span, cue)
            if after_from <= stop
            else (None, None, False)
        )
        # a quotation ending right before the source ("'...,' X said") puts the content before the source
        closing = (
            first - 1
            if first > 0 and toks[first - 1] in CLOSING
            else (first - 2 if first > 1 and toks[first - 1] in (",", "—") and toks[first - 2] in CLOSING else None)
        )
        before_quoted = closing is not None
        after_quoted = after[0] is not None and self.text[after[0]] in OPENING_QUOTES
        after_adjunct = (
            after[0] is not None and not after_quoted and self._first_word(after[0]) in _ADJUNCT_START
            and len(self.text[after[0] : after[1]].split()) <= 8 and " that " not in self.text[after[0] : after[1]]
        )  # fmt: skip
        if side == "right":
            if after_quoted and before[0] is not None:
                return before[0], after[1], True
            return before if before[0] is not None else after
        if before[0] is not None and before_quoted:
            return (before[0], after[1], True) if after_quoted else before
        if first == 0 and side == "left" and (after[0] is None or after_adjunct):
            previous = self._quote_before(starts[0])
            if previous is not None:  # '"Why would you?" Lichtman said.': the quotation is the previous "sentence"
                return self._widen(previous[0], previous[1], cue_span)
        if after_quoted:
            return after  # "Asked whether ..., Priebus said, 'Probably.'"
        if (
            before[0] is not None
            and toks[first - 1] in (",", "—", "--")
            and (after[0] is None or after_adjunct or (c1 + 1 <= hi and toks[c1 + 1] == ","))
        ):
            return before  # "..., Mr. Manafort said, adding that ...", "..., Smith said of the process."
        if after[0] is not None:
            return after
        return before

    def _first_word(self, pos: int) -> str:
        match = self.lex.token_regex.match(self.text, pos)
        return match.group().lower() if match else ""

    def _next_paragraph(self, pos: int) -> tuple[int | None, int | None, bool]:
        """The paragraph after ``pos`` ("he said:" at the end of a paragraph introduces the next one)."""
        text = self.text
        start = pos
        while start < len(text) and text[start].isspace():
            start += 1
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        end = len(text[:end].rstrip())
        if end - start < 3:
            return None, None, False
        return self._widen(start, end, None)

    def _before(self, toks, starts, ends, k: int, cue_span) -> tuple[int | None, int | None, bool]:
        while k >= 0 and toks[k] in (",", "—", "--", "-", ":", "("):
            k -= 1
        first = 0
        while first <= k and toks[first].lower() in self.lex.conjunctions:
            first += 1
        if k < first or not _has_words(toks, first, k, 1 if toks[k] in CLOSING else 2):
            return None, None, False
        return self._widen(starts[first], ends[k], cue_span)

    def _content(self, toks, starts, ends, k: int, hi: int, cue_span, cue) -> tuple[int | None, int | None, bool]:
        while k <= hi and (toks[k].lower() in self.lex.content_skips or toks[k] in self.lex.times or toks[k] == ","):
            k += 1
        last = hi
        quote = self.quote_around(cue_span[0]) if cue_span else None
        if quote is not None:  # a cue inside a quotation: its content ends with the quotation
            while last > k and (ends[last] > quote[1] - 1 or toks[last] in QUOTES):
                last -= 1
        while last > k and toks[last] in (".", "!", "?", ","):
            last -= 1
        if k > last or not _has_words(toks, k, last, 2):
            return None, None, False
        return self._widen(starts[k], ends[last], cue_span)


def _has_words(toks: list[str], first: int, last: int, n: int) -> bool:
    """Whether tokens ``first..last`` hold at least ``n`` words (tokens opening with a letter or digit)."""
    for i in range(first, last + 1):
        if toks[i][0].isalnum():
            n -= 1
            if n <= 0:
                return True
    return n <= 0
