"""Attributions written in the article text: cues, their sources and the content they introduce.

One pass of a compiled regular expression finds every cue (``reporting_verbs.csv``); only sentences
holding one are tokenised, and the source is read next to the cue (:mod:`.phrases`). Content is the
rest of the sentence on the side the source is not on, widened to whole quotations when a quotation
spans several sentences. Quotations that follow a quoted speaker without a cue of their own inherit
the speaker (as rows with no source span).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from workbench.attribution.patterns import Lexicon, lexicon
from workbench.attribution.phrases import BE, OPENING_QUOTES, QUOTES, Phrase, Reader

_QUOTE_MARK = re.compile(r"''|``|[“”\"]")
_COLON_SPEAKER = re.compile(r"(?:^|(?<=\n)|(?<=[.!?”\"] ))[ \t]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3})[ \t]*:[ \t]+(?=\S)")
_CLOSING = frozenset("”\"'’")
_OBJECT_PRONOUNS = frozenset({"him", "her", "them", "me", "us", "you", "reporters", "journalists"})
_SKIP_AFTER = frozenset({"that", ":", "on", "last", "this", "late", "early"})
_TELL = frozenset({"tell", "ask"})
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


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of double-quoted passages, paragraph by paragraph.

    Curly quotes open and close; straight quotes alternate. A quotation left open at the end of a
    paragraph runs to its end (the news convention for a quote continued in the next paragraph).

    >>> quote_spans('He said "yes." Then “no”.')
    [(8, 14), (20, 24)]
    """
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    para_end = text.find("\n")
    for match in _QUOTE_MARK.finditer(text):
        pos = match.start()
        if para_end != -1 and pos > para_end:
            if opened is not None:
                spans.append((opened, para_end))
                opened = None
            para_end = text.find("\n", pos)
        mark = match.group()
        if mark in ("“", "``") or (mark in ('"', "''") and opened is None):
            if opened is None or mark in ("“", "``"):
                opened = pos
        elif opened is not None:
            spans.append((opened, match.end()))
            opened = None
    if opened is not None:
        spans.append((opened, para_end if para_end != -1 else len(text.rstrip())))
    return spans


def _is_verb(reader: Reader, i: int) -> bool:
    """A lower-case word that may be a verb of speaking not in the cue list ("retaliated", "went", "agrees")."""
    tok, low = reader.toks[i], reader.lows[i]
    lex = reader.lex
    return (
        tok.isalpha() and tok.islower() and (low.endswith(("ed", "es", "ks", "ts", "ys")) or low in ("went", "began", "wrote", "spoke", "put"))
        and low not in lex.stops and low not in lex.verbs and low not in lex.nouns and low not in lex.determiners and low not in lex.aux
    )  # fmt: skip


class SentenceReader:
    """Finds text attributions in one article."""

    def __init__(self, text: str, sentences: list[tuple[int, int]], lex: Lexicon | None = None):
        self.text = text
        self.sentences = sentences
        self.starts = [s for s, _ in sentences]
        self.lex = lex or lexicon()
        self.quotes = quote_spans(text)
        self.quote_starts = [q[0] for q in self.quotes]

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
        toks, starts, ends = [], [], []
        for m in lex.token_regex.finditer(text, s, e):
            toks.append(m.group())
            starts.append(m.start())
            ends.append(m.end())
        if not toks:
            return []
        index = {p: i for i, p in enumerate(starts)}
        reader = Reader(lex, toks)
        hi = len(toks) - 1
        while hi > 0 and toks[hi] in (".", "!", "?", ")"):
            hi -= 1
        out: list[Found] = []
        for match in matches:
            c0 = index.get(match.start())
            if c0 is None:
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

    def _frame(self, cue, reader: Reader, toks, starts, ends, c0: int, c1: int, hi: int, out: list[Found]) -> Found | None:
        lows = reader.lows
        frame = cue.frame
        if frame in ("verb", "participle"):
            prev = c0 - 1
            if prev >= 0 and lows[prev] in BE:
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
                    return self._finish(phrase, *self._content(toks, starts, ends, c1 + 1, hi, (starts[c0], ends[c1]), cue), starts, ends)
            if phrase is None:
                before = reader.skip_aux(c0 - 1, 0)
                if before < 0 or toks[before] in (",", "—", "--", ":") or toks[before] in _CLOSING:
                    phrase = reader.right(c1 + 1, hi)
                    side = "right"
            if phrase is None:
                return None
        elif frame == "participle":
            if c0 == 0 or toks[c0 - 1] not in (",", "—", "--"):
                return None
            if out and out[-1].phrase is not None:
                previous = out[-1]
                return Found(0, previous.start, previous.end, None, None, None, *self._content(toks, starts, ends, c1 + 1, hi, None, cue), parent=previous)
            phrase = reader.subject(0, c0 - 1)
            side = "participle"
            if phrase is None:
                return None
        elif frame == "prep":
            phrase = reader.right(c1 + 1, hi)
            wide = reader.to_comma(c1 + 1, hi)
            if phrase is None or (wide is not None and wide.last > phrase.last and phrase.form != "pronoun"):
                phrase = wide if phrase is None else Phrase(phrase.first, wide.last, phrase.form, phrase.head, phrase.det, plural=phrase.plural)
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
            if lead - 1 >= 0 and toks[lead - 1] in _CLOSING:
                first = lead
        after_from = c1 + 1 if side == "left" else phrase.last + 1
        if side == "right" and after_from <= hi and toks[after_from] == ",":
            after_from += 1
        if cue.lemma in _TELL and side == "left" and after_from <= hi:
            if lows[after_from] in _OBJECT_PRONOUNS:
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
        after = self._content(toks, starts, ends, after_from, stop, cue_span, cue) if after_from <= stop else (None, None, False)
        # a quotation ending right before the source ("'...,' X said") puts the content before the source
        closing = (
            first - 1
            if first > 0 and toks[first - 1] in _CLOSING
            else (first - 2 if first > 1 and toks[first - 1] in (",", "—") and toks[first - 2] in _CLOSING else None)
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
        if before[0] is not None and toks[first - 1] in (",", "—", "--") and (after[0] is None or after_adjunct or (c1 + 1 <= hi and toks[c1 + 1] == ",")):
            return before  # "..., Mr. Manafort said, adding that ...", "..., Smith said of the process."
        if after[0] is not None:
            return after
        return before

    def _quote_before(self, pos: int) -> tuple[int, int] | None:
        """The quotation ending right before ``pos`` in the same paragraph, if any."""
        i = bisect_right(self.quote_starts, pos) - 1
        if i < 0:
            return None
        q0, q1 = self.quotes[i]
        gap = self.text[q1:pos]
        return (q0, q1) if q1 <= pos and not gap.strip() and "\n" not in gap else None

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
        while first <= k and toks[first].lower() in ("and", "but", "so", "or"):
            first += 1
        words = sum(1 for t in toks[first : k + 1] if t[0].isalnum())
        if k < first or words < (1 if toks[k] in _CLOSING else 2):
            return None, None, False
        return self._widen(starts[first], ends[k], cue_span)

    def _content(self, toks, starts, ends, k: int, hi: int, cue_span, cue) -> tuple[int | None, int | None, bool]:
        while k <= hi and (toks[k].lower() in _SKIP_AFTER or toks[k] in self.lex.times or toks[k] == ","):
            k += 1
        last = hi
        quote = self.quote_around(cue_span[0]) if cue_span else None
        if quote is not None:  # a cue inside a quotation: its content ends with the quotation
            while last > k and (ends[last] > quote[1] - 1 or toks[last] in QUOTES):
                last -= 1
        while last > k and toks[last] in (".", "!", "?", ","):
            last -= 1
        if k > last or sum(1 for t in toks[k : last + 1] if t[0].isalnum()) < 2:
            return None, None, False
        return self._widen(starts[k], ends[last], cue_span)

    def quote_around(self, pos: int) -> tuple[int, int] | None:
        """The quotation holding position ``pos``, if any."""
        i = bisect_right(self.quote_starts, pos) - 1
        if i >= 0 and self.quotes[i][0] < pos < self.quotes[i][1]:
            return self.quotes[i]
        return None

    def _widen(self, cs: int, ce: int, cue_span) -> tuple[int, int, bool]:
        """Grow the content to whole quotations it touches (not those around the cue itself)."""
        quotes = self.quotes
        i = max(0, bisect_right(self.quote_starts, ce) - 1)
        while i >= 0 and quotes[i][1] > cs if quotes else False:
            q0, q1 = quotes[i]
            if q0 < ce and not (cue_span and q0 <= cue_span[0] < q1):
                cs, ce = min(cs, q0), max(ce, q1)
            i -= 1
        text = self.text
        tail = text[ce - 1] if ce > cs else ""
        if tail in ".,!?" and ce - 2 >= cs:
            tail = text[ce - 2]
        direct = text[cs] in OPENING_QUOTES and tail in _CLOSING
        return cs, ce, direct

    # -- "Name: ..." speakers and continued quotations --------------------------------------
    def _colon_speakers(self) -> list[Found]:
        text, lex = self.text, self.lex
        out = []
        for match in _COLON_SPEAKER.finditer(text):
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
            found = Found(number, match.start("name"), match.end("name"), colon, colon + 1, ":", cs, ce, direct, phrase=phrase, surface=name)
            out.append(found)
        return out

    def _quote_speakers(self, found: list[Found]) -> list[Found]:
        """'"...," an angry Hollande retaliated.' / '"...," agrees Michelle Stevens.': a quotation ending in
        a comma, question or exclamation mark, followed by a speaker and a verb no cue list names."""
        text, lex = self.text, self.lex
        covered = [(f.content_start, f.content_end) for f in found if f.content_start is not None]
        out = []
        for q0, q1 in self.quotes:
            if q1 - q0 < 12 or q1 >= len(text) or text[q1 - 2 : q1 - 1] not in (",", "?", "!", "—") or any(a < q1 and q0 < b for a, b in covered):
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
            f = Found(number, start, end, tokens[verb][1], tokens[verb][2], toks[verb].lower(), q0, q1, direct, phrase=phrase, surface=text[start:end])
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
            later = [f for f in found if f.cue_start is not None and speaker.content_end <= f.cue_start < q0 and f is not speaker and f.parent is None]
            if later or gap.count("\n\n") > 1 or (gap.count("\n") > 0 and text.rfind("\n", 0, q0) + 1 != q0 and text[text.rfind("\n", 0, q0) + 1 : q0].strip()):
                continue
            cont = Found(self.sentence_of(q0), None, None, None, None, None, q0, q1, True, parent=speaker)
            out.append(cont)
            covered.append((q0, q1))
        return out
