"""Parse credit lines such as ``Source: European Pravda with reference to Voice of America``.

Shared by the seed reader (outlet and ``via`` columns) and the attribution extractor (header rows
with the cue as written). The cues are data: ``workbench/data/credit_cues.csv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.lexicon import outlet_name, read_rows

_AND = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|\s*&\s*|,\s*)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Credit:
    """A parsed credit line.

    Attributes:
        outlet: the publishing outlet (canonical name when listed in ``outlets.csv``).
        cue: the words joining outlet and sources (``"with reference to"``, ``"citing"``, ``";"``).
        via: the credited sources, in order, canonical names where known.
        via_spans: each credited source's (start, end) within the credit string.
    """

    outlet: str | None
    cue: str | None = None
    via: list[str] = field(default_factory=list)
    via_spans: list[tuple[int, int]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    cues = sorted((row["cue"] for row in read_rows("credit_cues")), key=len, reverse=True)
    words = [re.escape(c) for c in cues if c[0].isalpha()]
    marks = [re.escape(c) for c in cues if not c[0].isalpha()]
    # a word cue is preceded by white space or a comma; a mark (";") may stand anywhere
    alternatives = [rf"(?:,\s*|\s+)(?P<word>{'|'.join(words)})\s+"]
    if marks:
        alternatives.append(rf"\s*(?P<mark>{'|'.join(marks)})\s*")
    return re.compile("|".join(alternatives), re.IGNORECASE)


def parse_credit(line: str) -> Credit:
    """Parse the text after ``Source:``.

    >>> parse_credit("Ukrainska Pravda with reference to Reuters and CNN")
    Credit(outlet='Ukrainska Pravda', cue='with reference to', via=['Reuters', 'CNN'], via_spans=[(35, 42), (47, 50)])
    >>> parse_credit("Reuters").via
    []
    """
    match = _cue_pattern().search(line)
    if not match:
        return Credit(outlet_name(line))
    cue = match.group("word") or match.group("mark")
    outlet = outlet_name(line[: match.start()])
    via, spans = [], []
    rest_start = match.end()
    rest = line[rest_start:]
    pos = 0
    for sep in [*_AND.finditer(rest), None]:
        end = sep.start() if sep else len(rest)
        piece = rest[pos:end]
        stripped = piece.strip(" .;:")
        if stripped:
            offset = rest_start + pos + (len(piece) - len(piece.lstrip(" .;:")))
            name = outlet_name(stripped)
            if name and name not in via:
                via.append(name)
                spans.append((offset, offset + len(stripped)))
        if sep:
            pos = sep.end()
    return Credit(outlet, cue, via, spans)
