"""Reading the source phrase next to a cue, on the tokens of one sentence.

No parser: a source is read leftwards from a verb ("a White House official | said") or rightwards from
a cue ("according to | The New York Times"), using capitalisation and the word lists of
:mod:`workbench.attribution.patterns`. A :class:`Phrase` remembers what kind of phrase it is (a name, a
described source, a pronoun, a relative "who") so that later references can be resolved.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.attribution.patterns import Lexicon

QUOTES = frozenset("\"“”‘’'`")
OPENING_QUOTES = frozenset("\"“‘'`")
MAX_MODIFIERS = 3


@dataclass(slots=True)
class Phrase:
    """A source phrase: tokens ``first..last`` (inclusive) of the sentence.

    Attributes:
        form: ``name`` (capitalised), ``described`` (head noun such as "official"), ``pronoun`` or
            ``relative`` ("who").
        head: the singular head noun of a described source ("official").
        det: its determiner ("a", "the"), or ``"poss"`` for a possessive ("Trump's aide").
        role: for a name with an appositive description ("Smith, a spokesman, said"), the head noun
            ("spokesman"), so that "the spokesman" later resolves to Smith.
        antecedent: for ``relative`` phrases, the phrase "who" refers to.
    """

    first: int
    last: int
    form: str
    head: str | None = None
    det: str | None = None
    role: str | None = None
    antecedent: Phrase | None = None
    plural: bool = False


def is_cap(token: str) -> bool:
    return token[0].isupper() or (len(token) > 1 and token[0] in "'’" and token[1].isupper())


def _possessive(token: str) -> bool:
    return token.endswith(("'s", "’s", "s'", "s’")) and len(token) > 2


class Reader:
    """Reads source phrases around cues in one tokenised sentence."""

    __slots__ = ("lex", "lows", "toks")

    def __init__(self, lex: Lexicon, toks: list[str]):
        self.lex = lex
        self.toks = toks
        self.lows = [t.lower() for t in toks]

    # -- helpers ---------------------------------------------------------------------------
    def _is_name_word(self, i: int) -> bool:
        tok, low = self.toks[i], self.lows[i]
        if not tok[0].isalnum() or not is_cap(tok):
            return False
        lex = self.lex
        return (
            low not in lex.stops and low not in lex.determiners and tok not in lex.times and low not in lex.cues
            and low not in lex.pronouns and low not in lex.verbs
        )  # fmt: skip

    def _is_modifier(self, i: int) -> bool:
        tok, low = self.toks[i], self.lows[i]
        lex = self.lex
        return (
            tok[0].isalpha() and tok.islower() and low not in lex.stops and low not in lex.aux and low not in lex.cues
            and low not in lex.pronouns and low not in lex.relatives and low not in lex.determiners
            and low not in lex.verbs
        )  # fmt: skip

    def skip_aux(self, j: int, lo: int) -> int:
        """Step left over auxiliaries, adverbs and times between a source and its verb ("has also", "on Thursday")."""
        lows, toks, lex = self.lows, self.toks, self.lex
        while j >= lo:
            low = lows[j]
            if low in lex.aux or (low.endswith("ly") and len(low) > 4 and toks[j].islower()):
                j -= 1
            elif (toks[j] in lex.times or low in self.lex.time_words) and j - 1 >= lo:
                k = j - 1  # "on Thursday", "last week", "Thursday evening"
                while k >= lo and (
                    toks[k] in lex.times or lows[k] in self.lex.time_words or lows[k] in self.lex.time_modifiers
                ):
                    k -= 1
                if k >= lo and (self._is_name_word(k) or lows[k] in lex.nouns or lows[k] in self.lex.subjects):
                    j = k
                else:
                    break
            else:
                break
        return j

    # -- leftwards -------------------------------------------------------------------------
    def left(self, j: int, lo: int) -> Phrase | None:
        """The source phrase ending at token ``j`` (after auxiliaries), not reaching before ``lo``."""
        j = self.skip_aux(j, lo)
        if j >= lo and self.toks[j] == ")":  # "Roger Wicker (R-Miss.) said"
            for k in range(j - 1, max(lo, j - 10) - 1, -1):
                if self.toks[k] == "(":
                    j = self.skip_aux(k - 1, lo)
                    break
        if j < lo:
            return None
        low = self.lows[j]
        if low in self.lex.subjects and (low != "i" or self.toks[j] == "I"):
            return Phrase(j, j, "pronoun", plural=low in ("they", "we"))
        if low in self.lex.relatives:
            k = j - 1
            if k >= lo and self.toks[k] == ",":
                k -= 1
            antecedent = self.noun_phrase(k, lo) if k >= lo else None
            if low == "that" and (antecedent is None or antecedent.form != "described"):
                return None
            if antecedent is None and (k < lo or not self.toks[k][0].isalnum() or self.lows[k] in self.lex.stops):
                return None
            return Phrase(j, j, "relative", antecedent=antecedent, plural=bool(antecedent and antecedent.plural))
        if self.toks[j] == ",":
            return self.appositive(j, lo)
        return self.noun_phrase(j, lo)

    def noun_phrase(self, j: int, lo: int) -> Phrase | None:
        """A name or described source ending exactly at token ``j``."""
        if j < lo:
            return None
        toks, lows, lex = self.toks, self.lows, self.lex
        tok, low = toks[j], lows[j]
        phrase = None
        if low in self.lex.quantifiers and (
            j == lo or toks[j - 1] in (",", ";") or toks[j - 1] in QUOTES or lows[j - 1] in self.lex.boundaries
        ):
            return Phrase(j, j, "described", low, None, plural=True)  # "Some said", "Many say"
        if low in lex.nouns and (j == lo or not is_cap(tok) or (j > lo and toks[j - 1] in QUOTES)):
            phrase = self._described(j, lo)
        elif self._is_name_word(j):
            phrase = self._name(j, lo)
        elif tok[0].isalpha():
            phrase = self._postmodified(j, lo) or self._generic(j, lo)
        if phrase is None:
            return None
        # "a spokesman for | Hillary Clinton": the name is inside a described source
        first = phrase.first
        if (
            first - 2 >= lo
            and lows[first - 1] in lex.postmods
            and lows[first - 1] not in ("who", "to", "by", "on", "in")
        ):
            outer = self.noun_phrase(first - 2, lo) if lows[first - 2] in lex.nouns else None
            if outer is not None and outer.form == "described":
                return Phrase(outer.first, phrase.last, "described", outer.head, outer.det, plural=outer.plural)
        return phrase

    def _name(self, j: int, lo: int) -> Phrase:
        toks, lows = self.toks, self.lows
        k = j
        while k - 1 >= lo:
            if (self._is_name_word(k - 1) and not (_possessive(toks[k - 1]) and k - 1 != j)) or (
                lows[k - 1] in self.lex.joiners and k - 2 >= lo and self._is_name_word(k - 2) and toks[k - 1] != "And"
            ):
                k -= 1
            else:
                break
        det = None
        if k - 1 >= lo and lows[k - 1] == "the":
            k -= 1
            det = "the"
        return Phrase(k, j, "name", det=det, plural=False)

    def _described(self, j: int, lo: int) -> Phrase:
        toks, lows, lex = self.toks, self.lows, self.lex
        singular, _kind, plural = lex.nouns[lows[j]]
        k, det, modifiers = j, None, 0
        while k - 1 >= lo:
            prev, low = toks[k - 1], lows[k - 1]
            if low in lex.determiners:
                k -= 1
                det = low
                break
            if _possessive(prev) and prev[0].isalpha():
                k -= 1
                det = "poss"
                break
            if self._is_name_word(k - 1) or prev[0].isdigit():
                k -= 1
            elif self._is_modifier(k - 1) and modifiers < MAX_MODIFIERS and low not in lex.nouns:
                k -= 1
                modifiers += 1
            elif low in lex.nouns and lex.nouns[low][1] != "title" and modifiers < MAX_MODIFIERS:
                k -= 1  # "campaign | officials", "White House | press | secretary"
                modifiers += 1
            else:
                break
        # a modifier run that does not end in a determiner may have swallowed a verb ("met officials")
        return Phrase(k, j, "described", singular, det, plural=plural)

    def _generic(self, j: int, lo: int) -> Phrase | None:
        """A lower-case noun phrase not in the noun list ("the actress", "opponents"), when it is
        clearly delimited on the left (a determiner, a possessive, the clause start or a conjunction)."""
        if not self._is_modifier(j):
            return None
        toks, lows, lex = self.toks, self.lows, self.lex
        k, det = j, None
        while k - 1 >= lo and self._is_modifier(k - 1) and j - k < MAX_MODIFIERS:
            k -= 1
        before = k - 1
        if before >= lo and (
            lows[before] in lex.determiners or (_possessive(toks[before]) and toks[before][0].isalpha())
        ):
            det = lows[before] if lows[before] in lex.determiners else "poss"
            k = before
        elif before >= lo and self._is_name_word(before):
            k = self._name(before, lo).first  # "GOP leaders", "Clinton supporters"
        elif not (
            before < lo
            or toks[before] in (",", ";", "—", "--")
            or toks[before] in QUOTES
            or lows[before] in self.lex.boundaries
        ):
            return None
        return Phrase(k, j, "described", lows[j], det, plural=lows[j].endswith("s") and not lows[j].endswith("ss"))

    def _postmodified(self, j: int, lo: int) -> Phrase | None:
        """ "sources familiar with the matter", "a spokesman for the ministry" ending at ``j``."""
        toks, lows, lex = self.toks, self.lows, self.lex
        for k in range(j - 1, max(lo, j - 8) - 1, -1):
            tok = toks[k]
            if not tok[0].isalnum() or lows[k] in lex.cues:
                return None
            if lows[k] in lex.nouns and k + 1 <= j and lows[k + 1] in lex.postmods and lows[k + 1] not in ("who", "to"):
                head = self._described(k, lo)
                return Phrase(head.first, j, "described", head.head, head.det, plural=head.plural)
        return None

    def appositive(self, j: int, lo: int) -> Phrase | None:
        """``Smith, a spokesman for X, said`` / ``the spokesman, Brian Fallon, said`` / ``Smith, 45, said``.

        Several comma-separated descriptions may stand between the name and the verb ("Harry Bond, 30,
        of Raleigh, N.C., who was among those polled, said"): the furthest name that opens its clause wins.
        """
        toks, lows = self.toks, self.lows
        commas = []
        for k in range(j - 1, max(lo, j - 45) - 1, -1):
            if toks[k] == ",":
                commas.append(k)
                if len(commas) == 6:
                    break
            elif toks[k] in (";", ":") or lows[k] in self.lex.cues:
                break
            elif toks[k] in QUOTES and k > lo and toks[k - 1] == "," and k + 1 < j and self._is_name_word(k + 1):
                break  # '...,'' Robert Shrum, a strategist, said': the quotation before is not part of the source
        if not commas:
            return None
        if len(commas) > 1:
            for c in reversed(commas):
                outer = self.noun_phrase(c - 1, lo) if c - 1 >= lo else None
                opens = outer is not None and (
                    outer.first == lo or toks[outer.first - 1] in QUOTES or lows[outer.first - 1] in self.lex.boundaries
                )
                if opens and outer.form == "name":
                    return outer
        c = commas[0]
        if any(toks[k] in QUOTES or toks[k] in ("(", ")", "—", "--") for k in range(c + 1, j)):
            return None
        if c - 1 < lo or c + 1 >= j:
            return None
        outer = self.noun_phrase(c - 1, lo)
        if outer is None:
            return None
        inner = self.noun_phrase(j - 1, c + 1)
        if inner is not None and inner.first == c + 1 and inner.form == "name" and outer.form == "described":
            inner.role = outer.head
            return inner
        if outer.form in ("name", "described") and not any(low in self.lex.cues for low in lows[c + 1 : j]):
            if inner is not None and inner.form == "described" and outer.form == "name":
                outer.role = inner.head
            return outer
        return None

    # -- rightwards ------------------------------------------------------------------------
    def right(self, i: int, hi: int) -> Phrase | None:
        """The source phrase starting at token ``i`` ("according to | a White House official")."""
        if i > hi:
            return None
        toks, lows, lex = self.toks, self.lows, self.lex
        low = lows[i]
        if low in self.lex.subjects and (low != "i" or toks[i] == "I"):
            return Phrase(i, i, "pronoun", plural=low in ("they", "we"))
        k, det = i, None
        if low in lex.determiners or (_possessive(toks[i]) and toks[i][0].isalpha()):
            det = low if low in lex.determiners else "poss"
            k += 1
            if k + 1 <= hi and lows[k] == "of" and (lows[k + 1] in lex.determiners or _possessive(toks[k + 1])):
                k += 2  # "one of those advisers", "some of his aides"
        last = None
        head = None
        head_at = -1
        name_after_head = None
        in_joiner = False
        joined = False
        modifiers = 0
        while k <= hi:
            tok, low = toks[k], lows[k]
            if self._is_name_word(k) or (tok[0].isdigit() and last is None):
                if head is not None and not in_joiner and name_after_head is None:
                    name_after_head = k
                last = k
                joined = joined or in_joiner
            elif low in lex.nouns:
                if head is None or not in_joiner:
                    head, head_at = low, k  # the last noun before any "of"/"for" is the head
                last = k
                joined = joined or in_joiner
            elif joined and not (low in self.lex.right_joiners or low in lex.determiners):
                break  # the object of "of"/"for" has started: a lower-case word after it is a verb
            elif (
                low in self.lex.right_joiners
                and last is not None
                and k + 1 <= hi
                and (head is not None or low in ("of", "for"))
            ):
                if low in ("at", "in") and head is None:
                    break
                in_joiner = True
            elif in_joiner and (low in lex.determiners or _possessive(tok)):
                pass
            elif not in_joiner and last == k - 1 and self._is_name_word(k - 1) and lows[k] not in lex.nouns:
                break  # "Bush | thought for a moment": a name followed by a verb
            elif self._is_modifier(k) and modifiers < MAX_MODIFIERS + in_joiner:
                modifiers += 1
                if in_joiner:
                    last = k
            else:
                break
            k += 1
        if last is None:
            if det is not None and modifiers and k - 1 >= i and self._is_modifier(k - 1):
                # "said the woman", "according to the website": a head noun the list does not know
                low = lows[k - 1]
                return Phrase(i, k - 1, "described", low, det, plural=low.endswith("s") and not low.endswith("ss"))
            return None
        if head is not None and name_after_head is not None:
            # "Republican nominee | Donald Trump": the title describes the name that follows
            return Phrase(name_after_head, last, "name", role=lex.nouns[head][0])
        if head is not None and (head_at <= last):
            singular, _kind, plural = lex.nouns[head]
            return Phrase(i, last, "described", singular, det, plural=plural)
        return Phrase(i, last, "name", det=det)

    def to_comma(self, i: int, hi: int, limit: int = 16) -> Phrase | None:
        """Everything from ``i`` to the next comma or the clause end ("according to | early results of exit polls
        conducted for The Associated Press"), for cues whose source always follows them."""
        toks, lows = self.toks, self.lows
        k = i
        while k <= hi and k - i < limit and toks[k] not in (",", ";", ":", "—", "--", "(") and toks[k] not in QUOTES:
            k += 1
        last = k - 1
        if last < i or not any(t[0].isalnum() for t in toks[i : last + 1]):
            return None
        head = None
        for x in range(i, last + 1):
            if lows[x] in self.lex.right_joiners and head is not None:
                break
            if lows[x] in self.lex.nouns:
                head = lows[x]
        if head is not None:
            singular, _kind, plural = self.lex.nouns[head]
            return Phrase(
                i, last, "described", singular, lows[i] if lows[i] in self.lex.determiners else None, plural=plural
            )
        if all(self._is_name_word(x) or lows[x] in self.lex.joiners for x in range(i, last + 1) if lows[x] != "the"):
            return Phrase(i, last, "name", det="the" if lows[i] == "the" else None)
        return Phrase(i, last, "described", lows[last], lows[i] if lows[i] in self.lex.determiners else None)

    def subject(self, lo: int, hi: int) -> Phrase | None:
        """The subject of the clause ending at ``hi`` ("X attacked Y, saying ...", "when Rubio thanked Miami and said").

        The nearest noun phrase that opens a clause (sentence start, comma, quotation mark, "when",
        "and"...) and is followed by a lower-case word (its verb).
        """
        toks, lows = self.toks, self.lows
        for k in range(hi, lo - 1, -1):
            boundary = (
                k == lo
                or toks[k - 1] in (",", "—", "--", "-", ";")
                or toks[k - 1] in QUOTES
                or lows[k - 1] in self.lex.boundaries
            )
            if not boundary or not toks[k][0].isalnum() or lows[k] in self.lex.stops:
                continue
            phrase = self.right(k, hi)
            if phrase is None or (
                phrase.form == "described" and phrase.det is None and phrase.head not in self.lex.nouns
            ):
                continue
            after = phrase.last + 1
            if after <= hi and toks[after][0].isalpha() and toks[after].islower():
                return phrase
        return None
